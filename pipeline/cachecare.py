"""The cache holds personal data (every person's filled forms and their PDFs): it is kept bounded,
and can be emptied — all of it, or one person's entries.

- Eviction after every build (`evict`): entries not used for `MAX_DAYS` days are removed, then the
  least recently used ones until the cache is under `MAX_BYTES`. A hit refreshes an entry's time
  (`pdf/cache.py`). Defaults: 60 days, 2 GiB; `HOSO_CACHE_MAX_DAYS` / `HOSO_CACHE_MAX_MB` change them.
- `hoso cache xoa` removes the whole cache folder's entries; `hoso cache xoa --nguoi MA_SO` removes
  every entry that may hold that person's data: their own forms (filled and converted; every build
  records each person's in `nguoi/<MA_SO>.keys`) and all that lists many people (unit and agency
  documents, report, tables, bundles). Only the other people's own forms are kept.

Entries are files `<2 hex>/<64 hex key>.<kind>` (pdf/cache.py); only such files are ever removed — and
the sets of forms builds with `--templates DIR` read (`mau_bieu/<32 hex>`, forms/origin.py: an agency's folder
with the program's current forms over those it did not edit; no personal data), removed with the same age limit
(their time refreshed when a build reuses one) and by `hoso cache xoa`, with the staging folders a killed build
left there (`mau_bieu/.moi-*`, `.cu-*`) once older than a day. Standard library only.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

MAX_DAYS = 60
MAX_BYTES = 2 * 1024**3
INDEX = "nguoi"
_ENTRY = re.compile(r"([0-9a-f]{64})\.[A-Za-z0-9.]+")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
SETS = "mau_bieu"  # forms/origin.USED: the sets of forms `--templates DIR` builds read
_SET = re.compile(r"[0-9a-f]{32}")
_STAGE = re.compile(r"\.(?:moi|cu)-.+")
STAGE_DAYS = 1.0  # a staging folder older than this was left by a killed build


def limits() -> tuple[float, int]:
    """(maximum age in days, maximum size in bytes), from the environment or the defaults."""
    def number(name: str, default: float) -> float:
        try:
            value = float(os.environ.get(name, ""))
        except ValueError:
            return default
        return value if value > 0 else default

    return number("HOSO_CACHE_MAX_DAYS", MAX_DAYS), int(number("HOSO_CACHE_MAX_MB", MAX_BYTES / 1048576) * 1048576)


def _entries(root: Path) -> dict[str, list[tuple[Path, int, float]]]:
    """key -> its files (path, size, modification time)."""
    out: dict[str, list[tuple[Path, int, float]]] = {}
    try:
        folders = [e for e in os.scandir(root) if len(e.name) == 2 and e.is_dir(follow_symlinks=False)]
    except OSError:
        return out
    for folder in folders:
        try:
            files = list(os.scandir(folder.path))
        except OSError:
            continue
        for f in files:
            m = _ENTRY.fullmatch(f.name)
            if m is None or not f.is_file(follow_symlinks=False):
                continue
            try:
                st = f.stat(follow_symlinks=False)
            except OSError:
                continue
            out.setdefault(m.group(1), []).append((Path(f.path), st.st_size, st.st_mtime))
    return out


def _sets(root: Path, *, older_than: float | None = None, now: float | None = None) -> int:
    """Remove the sets of forms under `root/mau_bieu` (all; with `older_than` days, those unused that long, and the
    staging folders older than STAGE_DAYS); the number of files removed with them."""
    import shutil

    now = time.time() if now is None else now
    gone = 0
    try:
        folders = list(os.scandir(Path(root) / SETS))
    except OSError:
        return 0
    for f in folders:
        if not f.is_dir(follow_symlinks=False):
            continue
        kind = "set" if _SET.fullmatch(f.name) else "stage" if _STAGE.fullmatch(f.name) else None
        if kind is None:
            continue
        if older_than is not None:
            try:
                age = now - f.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            if age < (older_than if kind == "set" else STAGE_DAYS) * 86400:
                continue
        files = sum(len(names) for _folder, _dirs, names in os.walk(f.path))
        shutil.rmtree(f.path, ignore_errors=True)
        gone += 0 if os.path.exists(f.path) else files
    return gone


def _remove(files: list[tuple[Path, int, float]]) -> int:
    gone = 0
    for path, *_rest in files:
        try:
            path.unlink()
            gone += 1
        except OSError:
            pass
    return gone


def evict(root: Path, *, max_days: float | None = None, max_bytes: int | None = None,
          now: float | None = None) -> int:
    """Remove entries older than `max_days`, then the oldest until the cache fits `max_bytes`;
    returns the number of files removed."""
    days, size = limits()
    max_days = days if max_days is None else max_days
    max_bytes = size if max_bytes is None else max_bytes
    now = time.time() if now is None else now
    entries = sorted(((max(f[2] for f in files), sum(f[1] for f in files), key, files)
                      for key, files in _entries(Path(root)).items()), key=lambda e: e[0])
    removed, total = 0, sum(e[1] for e in entries)
    for used, bytes_, _key, files in entries:
        if used < now - max_days * 86400 or total > max_bytes:
            removed += _remove(files)
            total -= bytes_
    return removed + _sets(Path(root), older_than=max_days, now=now)


def record(root: Path, people: dict[str, set[str]]) -> None:
    """Remember which cache keys hold each person's data (for `hoso cache xoa --nguoi`)."""
    folder = Path(root) / INDEX
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for ma_so, keys in people.items():
            if not _CODE.fullmatch(ma_so):
                continue
            path = folder / f"{ma_so}.keys"
            try:
                known = set(path.read_text().split())
            except OSError:
                known = set()
            if not keys <= known:
                # appended, in one write: two builds sharing the cache (two terminals, two agencies' servers) both
                # land theirs. Read, merged and written whole, one's keys were lost — and `cache xoa --nguoi` then
                # left that person's data in the cache
                with path.open("a", encoding="ascii") as f:
                    f.write("\n".join(sorted(keys - known)) + "\n")
    except OSError:
        pass  # a cache that cannot be written: nothing was cached either


def remove_all(root: Path) -> int:
    removed = sum(_remove(files) for files in _entries(Path(root)).values()) + _sets(Path(root))
    try:
        for f in (Path(root) / INDEX).glob("*.keys"):
            f.unlink()
    except OSError:
        pass
    return removed


def remove_person(root: Path, ma_so: str) -> int:
    """Remove every cache entry that may hold this person's data; the number of files removed.

    Kept: only the other people's own forms (their keys recorded in `nguoi/*.keys`). Removed: this
    person's forms, and everything not recorded as someone else's own — the unit and agency documents,
    the report and tables, the bundles — since those list many people (they are made again, from the
    kept forms, by the next build)."""
    root = Path(root)
    index = root / INDEX
    keep: set[str] = set()
    try:
        recorded = list(index.glob("*.keys"))
    except OSError:
        recorded = []
    for f in recorded:
        if f.name != f"{ma_so}.keys":
            try:
                keep |= set(f.read_text().split())
            except OSError:
                pass
    try:
        keep -= set((index / f"{ma_so}.keys").read_text().split())
    except OSError:
        pass
    removed = sum(_remove(files) for key, files in _entries(root).items() if key not in keep)
    try:
        (index / f"{ma_so}.keys").unlink()
    except OSError:
        pass
    return removed
