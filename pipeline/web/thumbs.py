"""Page thumbnails for `hoso serve`: poppler's `pdftoppm` where it is installed (Debian), else
pypdfium2 (a dependency of hoso, also on Windows, where poppler is rarely installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SIZE = 220  # pixels, the longer side


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
