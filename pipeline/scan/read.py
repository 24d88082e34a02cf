"""Scanned pages in, decoded page codes out: PDFs rasterised with pypdfium2, images read with
Pillow, QR codes read with zxing-cpp (it finds codes at any rotation)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image, ImageOps

from pipeline.bundle.pagecode import PageCode, parse

DPI = 150  # PDFs are rasterised at this resolution (the code's modules are then ≥ 3 px)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pbm", ".pgm", ".ppm"}


@dataclass
class ScannedPage:
    source: str  # the scan file as given
    index: int  # 1-based page (or frame) in that file
    digest: str  # the scan file's SHA-256 + page: the same sheet fed again is known
    image: Image.Image  # grayscale, upright when its code was read
    code: PageCode | None = None
    text: str = ""  # what the code said (also when it is not one of hoso's)
    blank: bool = False


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def pages_of(path: Path) -> Iterator[tuple[int, Image.Image]]:
    """(1-based page, grayscale image) of every page of a scan file."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                yield i + 1, page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
                page.close()
        finally:
            pdf.close()
        return
    with Image.open(path) as im:
        for frame in range(getattr(im, "n_frames", 1)):
            im.seek(frame)
            yield frame + 1, ImageOps.exif_transpose(im).convert("L")


def is_blank(image: Image.Image) -> bool:
    """Almost no ink: a blank sheet (duplex back) scanned with the others."""
    small = image.resize((max(1, image.width // 4), max(1, image.height // 4)))
    hist = small.histogram()
    dark = sum(hist[:128])
    return dark < 0.001 * small.width * small.height


def decode(image: Image.Image) -> tuple[PageCode | None, str, Image.Image]:
    """The page's hoso code (None: none read), the text read, and the page turned upright (the
    code is printed at the bottom left: a code read in the upper half means the sheet was upside down)."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    for r in found:
        code = parse(r.text)
        if code is None:
            continue
        p = r.position
        cy = (p.top_left.y + p.top_right.y + p.bottom_left.y + p.bottom_right.y) / 4
        cx = (p.top_left.x + p.top_right.x + p.bottom_left.x + p.bottom_right.x) / 4
        if cy < image.height / 2 and cx > image.width / 2:
            image = image.rotate(180)
        return code, r.text, image
    return None, (found[0].text if found else ""), image


def read_scans(paths: list[Path]) -> Iterator[ScannedPage]:
    for path in paths:
        digest = _file_digest(path)
        for index, image in pages_of(path):
            code, text, upright = decode(image)
            yield ScannedPage(str(path), index, f"{digest}#{index}", upright, code, text,
                              blank=code is None and is_blank(image))
