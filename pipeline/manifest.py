"""manifest.json: every file written, with SHA-256, size, pages and the sections of each bundle.

Each file entry also records the file's modification time (`mtime_ns`), so that the next build can
tell that the folder is still as it was left without reading it again (pipeline/uptodate.py).

What a build already knows about a file (its digest from the cache, the page count LibreOffice
reported) is passed in as `known`; only the other files are read and hashed, several at once, and
their pages are counted from the PDF's page tree (pypdf only for a PDF of another shape).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.bundle.build import Bundles
    from pipeline.ingest.model import Campaign
    from pipeline.output import Staged

MANIFEST = "manifest.json"
MARK_KEY, MARK = "tao_boi", "hoso"  # pipeline.ownership: a folder with this manifest is hoso's own output


@dataclass(frozen=True)
class Known:
    """What the manifest says about one file."""

    sha256: str
    size: int
    pages: int | None = None  # PDFs only


_TAIL = re.compile(rb"startxref\s+(\d+)\s*%%EOF\s*$")
_SUBSECTION = re.compile(rb"\s*(\d+)[ ](\d+)[ \t]*(?:\r\n|\n|\r)")
_ROOT = re.compile(rb"/Root\s+(\d+)\s+(\d+)\s+R")
_PAGES = re.compile(rb"/Pages\s+(\d+)\s+(\d+)\s+R")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def _fast_page_count(data: bytes) -> int | None:
    """The /Count of the page tree root, for a PDF with one classic cross-reference table (what
    LibreOffice, reportlab and pypdf write); None for anything else (xref streams, incremental
    updates, objects in streams, anything unexpected)."""
    m = _TAIL.search(data[-1024:])
    if m is None:
        return None
    xref = int(m.group(1))
    if data[xref:xref + 4] != b"xref":
        return None
    trailer_at = data.find(b"trailer", xref)
    if trailer_at < 0:
        return None
    trailer = data[trailer_at:data.find(b"startxref", trailer_at)]
    if b"/Prev" in trailer or b"/XRefStm" in trailer:
        return None
    sections: list[tuple[int, int, int]] = []  # (first object, count, offset of its first entry)
    pos = xref + 4
    while pos < trailer_at:
        sub = _SUBSECTION.match(data, pos)
        if sub is None:
            break
        first, count = int(sub.group(1)), int(sub.group(2))
        sections.append((first, count, sub.end()))
        pos = sub.end() + 20 * count

    def body(num: int) -> bytes | None:
        for first, count, at in sections:
            if first <= num < first + count:
                entry = data[at + 20 * (num - first):at + 20 * (num - first) + 20]
                if len(entry) != 20 or entry[17:18] != b"n":
                    return None
                offset = int(entry[:10])
                head = re.match(rb"(\d+)\s+(\d+)\s+obj", data[offset:offset + 40])
                if head is None or int(head.group(1)) != num:
                    return None
                end = data.find(b"endobj", offset)
                text = data[offset + head.end():end] if end > 0 else b""
                return None if b"stream" in text else text
        return None

    root = _ROOT.findall(trailer)
    catalog = body(int(root[0][0])) if len(root) == 1 else None
    pages_ref = _PAGES.findall(catalog) if catalog is not None else []
    tree = body(int(pages_ref[0][0])) if len(pages_ref) == 1 else None
    if tree is None or not re.search(rb"/Type\s*/Pages\b", tree):
        return None
    counts = _COUNT.findall(tree)
    return int(counts[0]) if len(counts) == 1 else None


def pdf_page_count(data: bytes) -> int:
    pages = _fast_page_count(data)
    if pages is not None:
        return pages
    import io

    from pypdf import PdfReader  # only for a PDF the fast path does not understand

    return len(PdfReader(io.BytesIO(data)).pages)


def describe(path: Path, pages_by_sha: dict[str, int] | None = None) -> Known:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    pages = None
    if path.suffix.lower() == ".pdf":
        pages = (pages_by_sha or {}).get(digest)
        if pages is None:
            pages = pdf_page_count(data)
    return Known(digest, len(data), pages)


def _walk(root: Path) -> dict[str, os.stat_result]:
    """Every file under `root` but the manifest: relative POSIX path -> its stat."""
    out = {}
    for folder, _dirs, names in os.walk(root):
        rel_dir = os.path.relpath(folder, root)
        for name in names:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            if rel == MANIFEST:
                continue
            st = os.stat(os.path.join(folder, name))
            out[rel] = st
    return out


def scan(root: Path, known: dict[str, Known], pages_by_sha: dict[str, int] | None = None,
         on_disk: dict[str, os.stat_result] | None = None) -> dict[str, Known]:
    """Complete `known` (in place) for every file under `root`: a file not in it, or whose size
    differs from it, is read and hashed (in a few threads: hashlib and file reads run without the GIL)."""
    on_disk = _walk(root) if on_disk is None else on_disk
    todo = [rel for rel, st in on_disk.items()
            if rel not in known or known[rel].size != st.st_size
            or (rel.lower().endswith(".pdf") and known[rel].pages is None)]
    if len(todo) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1, len(todo))) as pool:
            found = list(pool.map(lambda rel: describe(root / rel, pages_by_sha), todo))
    else:
        found = [describe(root / rel, pages_by_sha) for rel in todo]
    known.update(zip(todo, found, strict=True))
    return known


def file_entry(root: Path, path: Path) -> dict[str, Any]:
    k = describe(path)
    entry = {"path": path.relative_to(root).as_posix(), "sha256": k.sha256, "bytes": k.size}
    if k.pages is not None:
        entry["pages"] = k.pages
    return entry


def build_manifest(files: Staged, campaign: Campaign, bundles: Bundles | None = None) -> dict[str, Any]:
    """The manifest's files (every file under the staging folder, those written through `files`
    not read again), the campaign's year and input, and the person and unit bundles (none: `hoso rate`)."""
    root, persons, units = files.root, bundles.persons if bundles else [], bundles.units if bundles else []
    on_disk = _walk(root)
    known = scan(root, dict(files.known), files.pages_by_sha, on_disk)
    entries = []
    for rel in sorted(on_disk, key=lambda r: r.split("/")):
        k, st = known[rel], on_disk[rel]
        entry = {"path": rel, "sha256": k.sha256, "bytes": st.st_size}
        if k.pages is not None:
            entry["pages"] = k.pages
        entry["mtime_ns"] = st.st_mtime_ns
        entries.append(entry)
    return {MARK_KEY: MARK, "nam_danh_gia": campaign.year, "dau_vao_sha256": campaign.source_sha256, "files": entries, "ca_nhan": persons, "don_vi": units}


def save(root: Path, manifest: dict[str, Any]) -> bytes:
    """Write `root/manifest.json` (UTF-8, indented, a final newline); its bytes (what `--ky` signs)."""
    data = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    (root / MANIFEST).write_bytes(data)
    return data
