"""Content-addressed cache of converted PDFs.

Key: SHA-256 of (the program — its version and the bytes of its source, `resources.running_program` —,
template bytes, render context, the LibreOffice and fonts installed: `pdf_key`). A program updated (even
under the same version string) names every entry anew: nothing made by the old code is carried over
into new papers; the first build after an update says why it is slower (`program_changed`). An entry is the PDF plus a sidecar with the PDF's own SHA-256 and page
count; an entry whose bytes no longer match its sidecar (corrupted, truncated) is discarded and
rebuilt, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.resources import running_program

# part of every key; the program's own source is too (`data_key`), so a change of the code needs no bump of it
ENGINE_VERSION = "8"
PROGRAM_FILE = "chuong_trinh.txt"  # in the cache's root: the programs whose keys the last builds used (`program_changed`)
PROGRAMS_KEPT = 16


def default_root() -> Path:
    env = os.environ.get("HOSO_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hoso"


def cache_key(template_sha256: str, context: dict[str, Any], program: str | None = None) -> str:
    return data_key("form", template_sha256, context, program=program)


def pdf_key(docx_key: str, installation: str, shape: str = "", program: str | None = None) -> str:
    """Key of a document's PDF: its .docx (`cache_key`) and the LibreOffice and fonts that convert
    it (`installation.stamp`); `shape`, when not "", what the conversion changes in a copy of this
    document (`join.conversion_shape`): a PDF converted before that change is not reused, while the
    PDFs of documents it does not touch keep their keys (and their bytes: no reprint is asked)."""
    parts = ("pdf", docx_key, installation, shape) if shape else ("pdf", docx_key, installation)
    return data_key(*parts, program=program)


def data_key(*parts: object, program: str | None = None) -> str:
    """Key of anything built from JSON-able inputs (forms, bundles), with the program: `program` (a worker is
    handed its parent's) or this process's `running_program()`."""
    h = hashlib.sha256()
    h.update(f"hoso {__version__} engine {ENGINE_VERSION} program {program or running_program()}\n".encode())
    h.update(json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    return h.hexdigest()


def program_changed(root: Path) -> bool:
    """Record in the cache `root` the program this build's keys name (PROGRAM_FILE: the last PROGRAMS_KEPT programs
    that built with it, one a line); True when the cache holds entries but this program never built with it —
    its entries were all made by other programs (or by a version whose keys did not name its source): every
    document is made again (slower, once). False on a first build, an empty cache, or a program seen before (a
    worktree or an earlier installation built with it: its entries are still there unless evicted). Never
    raises: the cache only costs speed."""
    root = Path(root)
    now = running_program()
    try:
        seen = (root / PROGRAM_FILE).read_text(encoding="ascii").split()
    except (OSError, ValueError):
        seen = []
    if seen and seen[-1] == now:
        return False
    try:
        filled = any(len(e.name) == 2 and e.is_dir() for e in os.scandir(root))
    except OSError:
        filled = False
    try:
        root.mkdir(parents=True, exist_ok=True)
        kept = [*(p for p in seen if p != now), now][-PROGRAMS_KEPT:]
        _atomic_write(root / PROGRAM_FILE, "".join(f"{p}\n" for p in kept).encode("ascii"))
    except OSError:
        pass
    return filled and now not in seen


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class PdfCache:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else default_root()

    def _paths(self, key: str) -> tuple[Path, Path]:
        d = self.root / key[:2]
        return d / f"{key}.pdf", d / f"{key}.json"

    def get(self, key: str) -> tuple[bytes, int] | None:
        """The cached PDF bytes and page count, or None if absent or damaged."""
        hit = self.get_with_facts(key)
        return None if hit is None else (hit[0], hit[1])

    def get_with_facts(self, key: str) -> tuple[bytes, int, dict[str, str]] | None:
        """The cached PDF bytes, page count and what was found by reading those very bytes
        (`remember`; the bytes were just checked against their SHA-256, so it still holds), or None
        if absent or damaged."""
        pdf, meta = self._paths(key)
        try:
            info = json.loads(meta.read_text())
            data = pdf.read_bytes()
            expected, pages = info["sha256"], int(info["pages"])  # a sidecar of any other shape is damaged
            facts = info.get("facts") or {}
            if not isinstance(facts, dict):
                facts = {}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            expected, pages, data, facts = None, 0, b"", {}
        if expected is None or sha256_bytes(data) != expected or not data.startswith(b"%PDF") or pages < 1:
            _discard(pdf, meta)
            return None
        _used(pdf, meta)
        return data, pages, {str(k): str(v) for k, v in facts.items()}

    def has(self, key: str) -> bool:
        """Is there an entry (unchecked: `get` checks it)?"""
        return self._paths(key)[0].is_file()

    def remember(self, key: str, data: bytes, pages: int, facts: dict[str, str]) -> None:
        """Record `facts` found by reading an entry's bytes `data` (its sidecar rewritten; the PDF
        itself untouched): the next build need not read them again."""
        _pdf, meta = self._paths(key)
        try:
            _atomic_write(meta, json.dumps({"sha256": sha256_bytes(data), "pages": pages, "facts": facts}).encode())
        except OSError:
            pass

    def drop(self, key: str) -> None:
        """Remove an entry found unfit for use (e.g. refused by pdf/validate.py)."""
        _discard(*self._paths(key))

    def put(self, key: str, data: bytes, pages: int, facts: dict[str, str] | None = None) -> None:
        pdf, meta = self._paths(key)
        try:
            pdf.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(pdf, data)
            _atomic_write(meta, json.dumps({"sha256": sha256_bytes(data), "pages": pages, "facts": facts or {}}).encode())
        except OSError:
            pass  # a cache that cannot be written only costs speed next time


class BlobCache:
    """Named files per key (filled .docx, built bundles), each checked against a SHA-256 sidecar."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else default_root()

    def _path(self, key: str, name: str) -> Path:
        return self.root / key[:2] / f"{key}.{name}"

    def get(self, key: str, name: str) -> bytes | None:
        hit = self.get_verified(key, name)
        return None if hit is None else hit[0]

    def get_verified(self, key: str, name: str) -> tuple[bytes, str] | None:
        """The blob and its SHA-256 (just checked against the sidecar), or None: for callers that
        also need the digest (the manifest) without hashing the bytes a second time."""
        path = self._path(key, name)
        side = path.with_name(path.name + ".sha256")
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            expected = side.read_text().strip()
        except (OSError, ValueError):  # missing, or not even text
            expected = None
        if expected is None or sha256_bytes(data) != expected:
            _discard(path, side)
            return None
        _used(path, side)
        return data, expected

    def has(self, key: str, name: str) -> bool:
        """Is there an entry (unchecked: `get` checks it)?"""
        return self._path(key, name).is_file()

    def recorded_digest(self, key: str, name: str) -> str | None:
        """The SHA-256 recorded for a blob when it was stored (its sidecar), without reading the
        blob: for a caller that checks other bytes against it (a previous output's copy). None
        when there is no such entry."""
        path = self._path(key, name)
        try:
            digest = path.with_name(path.name + ".sha256").read_text().strip()
        except (OSError, ValueError):
            return None
        if len(digest) != 64 or not path.is_file():
            return None
        _used(path, path.with_name(path.name + ".sha256"))
        return digest

    def put(self, key: str, name: str, data: bytes) -> str:
        """Store `data`; returns its SHA-256 (also when the cache cannot be written)."""
        path = self._path(key, name)
        digest = sha256_bytes(data)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(path, data)
            _atomic_write(path.with_name(path.name + ".sha256"), digest.encode())
        except OSError:
            pass
        return digest


def _used(*paths: Path) -> None:
    """An entry just used is young again: the eviction (pipeline/cachecare.py) goes by the newest
    time among an entry's files, so one of them is touched (the last given: its sidecar)."""
    try:
        os.utime(paths[-1])
    except OSError:
        pass


def _discard(*paths: Path) -> None:
    """Remove a damaged entry; a cache that cannot be written (read-only, another user's) keeps it,
    and it is simply not used."""
    for p in paths:
        try:
            p.unlink(missing_ok=True)
        except OSError:
            pass


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
