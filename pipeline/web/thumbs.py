"""Page thumbnails for `hoso serve`: poppler's `pdftoppm` where it is installed (Debian), else
pypdfium2 (a dependency of hoso, also on Windows, where poppler is rarely installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

SIZE = 220  # pixels, the longer side
NAME = re.compile(r"([0-9a-f]{64})_[0-9]+\.png")  # <sha256 of the PDF>_<page>.png, as app.anh names them


def prune(folder: Path, manifest: dict[str, Any] | None) -> int:
    """Remove the thumbnails in `folder` (co_quan/<MA>/anh) of files no longer in the agency's output:
    those whose SHA-256 is not a file of `manifest` (None: there is no output, every thumbnail goes).
    Nothing else in the folder is touched. The number removed."""
    keep = {f.get("sha256") for f in (manifest or {}).get("files", [])}
    removed = 0
    try:
        names = [p for p in folder.iterdir() if p.is_file()]
    except OSError:  # no folder yet: no thumbnail was ever made
        return 0
    for png in names:
        m = NAME.fullmatch(png.name)
        if m and m.group(1) not in keep:
            try:
                png.unlink()
                removed += 1
            except OSError:  # being replaced or gone already: the next pass
                pass
    return removed


def render(pdf: Path, page: int, png: Path) -> bool:
    """Write page `page` (1-based) of `pdf` to `png`, scaled to SIZE pixels; False when it cannot."""
    if shutil.which("pdftoppm"):
        try:
            subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-scale-to", str(SIZE), "-png",
                            "-singlefile", str(pdf), str(png.with_suffix(""))], check=False, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return png.is_file()
    try:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(pdf))
        try:
            p = doc[page - 1]
            width, height = p.get_size()
            p.render(scale=SIZE / max(width, height, 1)).to_pil().save(png, "PNG")
            p.close()
        finally:
            doc.close()
    except Exception:  # noqa: BLE001 - pdfium's and Pillow's errors: no thumbnail, the page still works
        return False
    return png.is_file()
