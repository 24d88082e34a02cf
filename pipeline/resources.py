"""Where the templates and the sample workbook are, for a source checkout and an installed wheel;
the fingerprints of the program and of a folder (what cache keys and the no-change key record).

Standard library only: `pipeline.uptodate` runs before the build is imported.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline import __version__

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


_running: str | None = None  # `running_program()`, once computed


def running_program() -> str:
    """The program this process runs, for every cache key and the no-change key: its version and the bytes of
    every source file of the package, hashed once, at first use (the code in memory is the code that was on disk
    when it was imported; files changed afterwards are not what this process runs). Workers that compute keys are
    handed the parent's (bundle/build.py `_Shared.program`, forms/fill.py `_Out.program`): a Dask worker with
    another installation names the client's cache entries as the client does."""
    global _running
    if _running is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256(f"hoso {__version__}\n".encode())
        for path in sorted(root.rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
        _running = h.hexdigest()
    return _running


def folder_digest(root: Path) -> str:
    """Every file of a folder (names and bytes), without hidden files and Word's lock files (~$…)."""
    h = hashlib.sha256(b"dir\0" if Path(root).is_dir() else b"missing\0")
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "~$", "__pycache__")))
        for name in sorted(names):
            if name.startswith((".", "~$")):
                continue
            path = os.path.join(folder, name)
            h.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0")
            with open(path, "rb") as fh:
                h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()
