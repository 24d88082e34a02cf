"""Scanned pages in, decoded page codes out: PDFs rasterised with pypdfium2, images read with
Pillow, QR codes read with zxing-cpp (it finds codes at any rotation)."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image, ImageOps

from pipeline.bundle.pagecode import PageCode, parse

DPI = 150  # PDFs are rasterised at this resolution (the code's modules are then ≥ 3 px)
LONG_SIDE = 1754  # pages are kept as A4 at 150 dpi (portrait or landscape)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pbm", ".pgm", ".ppm"}


@dataclass
class ScannedPage:
    source: str  # the scan file as given
    index: int  # 1-based page (or frame) in that file
    digest: str  # the scan file's SHA-256 + page: the same sheet fed again is known
    jpeg: bytes  # the page, grayscale, upright when its code was read, A4 at 150 dpi
    code: PageCode | None = None
    text: str = ""  # what the code said (also when it is not one of hoso's)
    blank: bool = False


def is_blank(image: Image.Image) -> bool:
    """Almost no ink: a blank sheet (duplex back) scanned with the others."""
    small = image.resize((max(1, image.width // 4), max(1, image.height // 4)))
    hist = small.histogram()
    dark = sum(hist[:128])
    return dark < 0.001 * small.width * small.height


def decode(image: Image.Image) -> tuple[PageCode | None, str, Image.Image]:
    """The page's hoso code (None: none read), the text read, and the page turned upright (the
    code is printed at the bottom left: a code read in the upper half means the sheet was upside down)."""
    w, h = image.size
    # where the code is on an upright sheet (bottom left) and on one upside down (top right): a
    # small crop reads ~20× faster than the page; the whole page is read when neither holds it
    for box, flipped in (((0, int(h * 0.7), int(w * 0.35), h), False), ((int(w * 0.65), 0, w, int(h * 0.3)), True)):
        for r in zxingcpp.read_barcodes(image.crop(box), formats=zxingcpp.BarcodeFormat.QRCode):  # type: ignore[arg-type]  # one format converts to BarcodeFormats at run time
            code = parse(r.text)
            if code is not None:
                return code, r.text, image.rotate(180) if flipped else image
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)  # type: ignore[arg-type]  # one format converts to BarcodeFormats at run time
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


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def page_count(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def _page(path: Path, index: int) -> Image.Image:
    """One page (1-based) of a scan file, grayscale."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[index - 1]
            image = _scanned_image(page)
            if image is None:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            return image.convert("L")
        finally:
            pdf.close()
    with Image.open(path) as im:
        im.seek(index - 1)
        return ImageOps.exif_transpose(im).convert("L")


def _scanned_image(page: Any) -> Image.Image | None:  # a pypdfium2 PdfPage (untyped)
    """The page's one image, as stored, when the page is a scan (one upright image covering it):
    decoding it is ~20× faster than rendering the page."""
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
    if len(images) != 1:
        return None
    a, b, c, d, _e, _f = images[0].get_matrix().get()
    width, height = page.get_size()
    if abs(b) > 1e-6 or abs(c) > 1e-6 or a < 0.9 * width or d < 0.9 * height:
        return None
    try:
        image: Image.Image = images[0].get_bitmap(render=False).to_pil()
        return image
    except Exception:  # noqa: BLE001 - an image pdfium cannot hand over as it is: render the page
        return None


def _read(ref: tuple[Path, int, str]) -> ScannedPage:
    path, index, digest = ref
    image = _page(path, index)
    code, text, upright = decode(image)
    blank = code is None and is_blank(image)
    scale = LONG_SIDE / max(upright.size)
    if abs(scale - 1) > 0.01:
        upright = upright.resize((round(upright.width * scale), round(upright.height * scale)))
    buf = io.BytesIO()
    upright.save(buf, "JPEG", quality=75)
    return ScannedPage(str(path), index, f"{digest}#{index}", buf.getvalue(), code, text, blank)


def read_scans(paths: list[Path], workers: int | None = None, chunk: int = 48) -> Iterator[ScannedPage]:
    """Every page of the scans, in order, read in worker processes (a chunk of pages at a time;
    forked, or spawned where there is no fork: pipeline/parallel.py)."""
    from pipeline.parallel import map_work

    workers = workers or os.cpu_count() or 1
    refs = []
    for path in paths:
        digest = _file_digest(path)
        refs += [(path, i, digest) for i in range(1, page_count(path) + 1)]
    for k in range(0, len(refs), chunk):
        yield from map_work(_read, refs[k:k + chunk], workers=workers)
