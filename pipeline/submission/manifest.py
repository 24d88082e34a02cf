"""manifest.json: every file written, with SHA-256, size, pages and the sections of each bundle."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from pypdf import PdfReader

MANIFEST = "manifest.json"


def file_entry(root: Path, path: Path) -> dict:
    data = path.read_bytes()
    entry = {"path": path.relative_to(root).as_posix(), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if path.suffix.lower() == ".pdf":
        entry["pages"] = len(PdfReader(io.BytesIO(data)).pages)
    return entry


def build_manifest(root: Path, *, year: int, input_sha256: str, persons: list[dict], units: list[dict]) -> dict:
    files = [file_entry(root, p) for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST]
    return {"nam_danh_gia": year, "dau_vao_sha256": input_sha256, "files": files, "ca_nhan": persons, "don_vi": units}
