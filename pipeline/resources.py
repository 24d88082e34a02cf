"""Where the templates and the sample workbook are, for a source checkout and an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_resources" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(name)


def templates_dir() -> Path:
    return _find("templates")


def sample_workbook() -> Path:
    return _find("data") / "mau_ho_so_2024.xlsx"
