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


SAMPLE_YEARS = (2024, 2026)


def sample_workbook(year: int = 2024) -> Path:
    """The shipped sample workbook of `year` (2024: ND 90 era; 2026: points from periods). The
    default stays 2024 for the library and tests; `hoso demo` defaults to 2026."""
    if year not in SAMPLE_YEARS:
        raise ValueError(f"no sample workbook for {year}")
    return _find("data") / f"mau_ho_so_{year}.xlsx"
