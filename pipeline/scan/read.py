"""Scanned pages in, decoded page codes out: PDFs rasterised with pypdfium2, images read with
Pillow (multi-page TIFFs frame by frame, a phone's EXIF orientation applied), QR codes read with
zxing-cpp (it finds codes at any rotation).

What real scans need (tests/test_scan_real.py):
- a sheet fed sideways or upside down, or a landscape page scanned on portrait paper: the code's
  own orientation says how the page stands; it is turned upright by quarter turns, and the few
  degrees of skew left are taken out, so the filed page is straight;
- the back of a sheet with the front's code showing through: that code is read mirrored, and a
  mirror image lands in the top right corner once turned as the code says (a printed code is always
  at the bottom left): it is not the page's code, and such a back counts as blank;
- a blank back with the scanner's dark background around the sheet: dark areas touching the
  image's edge are not ink;
- two sheets in one image (2-up, or two sheets photographed together): set aside, said so;
- a dithered black-and-white scan: read again softened (the dots merge back into gray);
- a red stamp or a coloured pen over the code: read again from the brightest channel (colour
  ink turns light, the black code stays black), then binarised at a few thresholds;
- what cannot be read says why, when it is known (no code found; a code found but not decoded;
  a QR code that is not hoso's).
"""

from __future__ import annotations

import cmath
import hashlib
import io
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image, ImageChops, ImageFilter, ImageOps

from pipeline.bundle.pagecode import PageCode, parse

DPI = 150  # PDFs are rasterised at this resolution (the code's modules are then ≥ 3 px)
LONG_SIDE = 1754  # pages are kept as A4 at 150 dpi (portrait or landscape)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".pbm", ".pgm", ".ppm"}
QR = zxingcpp.BarcodeFormat.QRCode
READ_SIDE = 2600  # pixels: a longer image is reduced by a whole factor before it is read (≥ 200 dpi on A4)
MAX_SKEW = 15.0  # degrees: a code turned more than this from a quarter turn is not straightened
MIN_SKEW = 1.0  # degrees: less is left as scanned (straightening costs ~40–70 ms a page)
# why a page was set aside (printed in the report, Vietnamese)
WHY_NONE = "không thấy mã QR (trang không có mã, hoặc mã bị che, cắt mất)"
WHY_DAMAGED = "có mã QR nhưng không giải được (mã bị che, nhòe hoặc nhăn)"
WHY_OTHER = "mã QR không phải của hoso"
WHY_SHEETS = "{n} tờ trong một ảnh quét: quét lại từng tờ riêng"


@dataclass
class ScannedPage:
    source: str  # the scan file as given
    index: int  # 1-based page (or frame) in that file
    digest: str  # the scan file's SHA-256 + page: the same sheet fed again is known
    jpeg: bytes  # the page, grayscale, upright when its code was read, A4 at 150 dpi
    code: PageCode | None = None
    text: str = ""  # what the code said (also when it is not one of hoso's)
    blank: bool = False
    why: str = ""  # why no code of the page was taken (Vietnamese; "" when one was)


@dataclass(frozen=True)
class _Found:
    text: str
    corners: tuple[complex, ...]  # the symbol's top left, top right, bottom right, bottom left, in the image

    def stance(self, size: tuple[int, int]) -> tuple[int, float, float, float]:
        """(quarter turns counter-clockwise that make the code upright, the skew left in degrees —
        clockwise positive —, the code's centre across and down the turned image, as shares of it)."""
        angle = math.degrees(cmath.phase(self.corners[1] - self.corners[0]))  # 0: upright; y points down
        quarters = round(angle / 90)
        centre = sum(self.corners) / len(self.corners)
        u, v = centre.real / size[0], centre.imag / size[1]
        u, v = ((u, v), (v, 1 - u), (1 - u, 1 - v), (1 - v, u))[quarters % 4]
        return quarters % 4, angle - 90 * quarters, u, v

    def facing(self, size: tuple[int, int]) -> bool:
        """Printed on this side: once upright, the code is in the page's lower half (a code read
        mirrored — the front's, showing through a back — lands in the upper half)."""
        return self.stance(size)[3] >= 0.5


def _read(image: Image.Image, box: tuple[int, int, int, int] | None = None, **options: Any) -> list[_Found]:
    part = image if box is None else image.crop(box)
    dx, dy = (0, 0) if box is None else box[:2]
    return [_Found(r.text, tuple(complex(q.x + dx, q.y + dy) for q in (r.position.top_left, r.position.top_right,
                                                                       r.position.bottom_right, r.position.bottom_left)))
            for r in zxingcpp.read_barcodes(part, formats=QR, **options)]  # type: ignore[arg-type]  # one format converts to BarcodeFormats at run time


def _corners(w: int, h: int) -> list[tuple[int, int, int, int]]:
    """Where the code is on a sheet upright, upside down, turned left and right: a small crop reads
    ~20× faster than the page. Portrait images first try upright and upside down."""
    bl, tr = (0, int(h * 0.65), int(w * 0.4), h), (int(w * 0.6), 0, w, int(h * 0.35))
    br, tl = (int(w * 0.6), int(h * 0.65), w, h), (0, 0, int(w * 0.4), int(h * 0.35))
    return [bl, tr, br, tl] if h >= w else [br, tl, bl, tr]


def _brightest(image: Image.Image) -> Image.Image:
    """The brightest of the red, green and blue channels: red stamps and blue or purple pens turn
    light, black print stays dark."""
    r, g, b = image.convert("RGB").split()
    return ImageChops.lighter(ImageChops.lighter(r, g), b)


def _variants(image: Image.Image, gray: Image.Image) -> Iterator[Image.Image]:
    """Second tries for a page whose code was not read as scanned."""
    # softened: a dithered black-and-white scan's dots (or speckle) merge back into gray
    yield gray.filter(ImageFilter.GaussianBlur(1))
    base = gray
    if image.mode == "RGB":
        yield (base := _brightest(image))
    for level in (80, 100, 120, 150):  # binarised: a light stroke over the code drops out
        yield base.point(lambda v, t=level: 255 if v > t else 0)


def decode_page(image: Image.Image) -> tuple[PageCode | None, str, Image.Image, str]:
    """The page's hoso code (None: none taken), the text a code said, the page upright (grayscale,
    straightened; at most READ_SIDE pixels long) and, when no code was taken, why (Vietnamese).
    A big image (600 dpi, a 12-megapixel photo) is read reduced first, at full size only if that fails."""
    factor = max(1, math.ceil(max(image.size) / READ_SIDE))
    small = image.reduce(factor) if factor > 1 else image
    gray = small if small.mode == "L" else small.convert("L")
    found, text, why = _find(small, gray)
    if found is None and factor > 1 and why != WHY_SHEETS:
        full = image if image.mode == "L" else image.convert("L")
        found, text, why = _find(image, full)
        if found is not None:
            found = _Found(found.text, tuple(z / factor for z in found.corners))
    if found is None:
        return None, text, gray, why
    quarters, skew, _u, _v = found.stance(gray.size)
    upright = gray.transpose((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
                              Image.Transpose.ROTATE_270)[quarters - 1]) if quarters else gray
    return parse(found.text), found.text, _straight(upright, skew), ""


def _find(image: Image.Image, gray: Image.Image) -> tuple[_Found | None, str, str]:
    """The page's own hoso code on `image` (`gray`: the same in grayscale), else None, the text of
    a code that is not hoso's, and why."""
    size = gray.size
    found: _Found | None = None
    for box in _corners(*size):
        found = next((f for f in _read(gray, box) if parse(f.text) and f.facing(size)), None)
        if found is not None:
            break
    if found is not None and not (size[0] > size[1] and found.stance(size)[0] in (0, 2)):
        return found, found.text, ""
    if found is None and is_blank(gray):
        return None, "", WHY_NONE  # a blank back (maybe with the front's code showing through)
    # not in a corner, or a landscape image with the code upright: the whole image is read (two
    # portrait sheets side by side look like one sheet turned)
    everything = _read(gray)
    sheets = {f.text for f in everything if parse(f.text) and f.facing(size)}
    if len(sheets) > 1:
        return None, "", WHY_SHEETS.format(n=len(sheets))
    found = found or next((f for f in everything if parse(f.text) and f.facing(size)), None)
    if found is not None:
        return found, found.text, ""
    for variant in _variants(image, gray):
        found = next((f for f in _read(variant) if parse(f.text) and f.facing(size)), None)
        if found is not None:
            return found, found.text, ""
    others = [f.text for f in everything if not parse(f.text)]
    if others:
        return None, others[0], WHY_OTHER
    damaged = _read(gray, return_errors=True)
    return None, "", WHY_DAMAGED if any(not parse(f.text) for f in damaged) else WHY_NONE


# A code located but not decoded (a signature or a thick pen across it: beyond what QR's level M corrects) is
# compared, module by module, with the codes of the pages this output expects (`match_damaged`). A stroke only
# darkens: the right code has (almost) no module light on the scan where it is dark, a wrong one has many — two
# pages of one document differ in ≥ 64 modules of 1089, half of them dark in one and light in the other.
MATCH_LIGHT = 0.01  # share of the modules at most light on the scan where the code is dark
MATCH_DARK = 0.3  # share of the modules at most dark on the scan where the code is light (covered by the stroke)
MATCH_MARGIN = 16  # modules light on the scan where the next best code is dark, beyond the best's
_CELL = 6  # pixels a module when the code is sampled


def code_rows(matrix: tuple[bytearray, ...]) -> tuple[int, ...]:
    """A code's modules as one integer a row (bit set: dark), for `match_damaged`."""
    return tuple(int("".join("1" if m else "0" for m in row), 2) for row in matrix)


def _modules(gray: Image.Image, corners: tuple[complex, ...], n: int) -> tuple[int, ...] | None:
    """The dark modules of an n × n code whose corners are `corners`, one integer a row, or None when the
    finder patterns do not tell dark from light."""
    tl, tr, br, bl = corners
    flat = gray.transform((n * _CELL, n * _CELL), Image.Transform.QUAD,
                          (tl.real, tl.imag, bl.real, bl.imag, br.real, br.imag, tr.real, tr.imag),
                          resample=Image.Resampling.BILINEAR).filter(ImageFilter.BoxBlur(1))
    half, pixels, width = _CELL // 2, flat.tobytes(), n * _CELL
    value = [[pixels[(_CELL * i + half) * width + _CELL * j + half] for j in range(n)] for i in range(n)]
    # the three finder patterns: their 3 × 3 centres are dark, the separators around them light
    dark = sorted(value[i][j] for a, b in ((2, 2), (2, n - 5), (n - 5, 2)) for i in range(a, a + 3) for j in range(b, b + 3))
    light = sorted([value[7][j] for j in range(7)] + [value[i][7] for i in range(7)] + [value[7][n - 1 - j] for j in range(7)]
                   + [value[i][n - 8] for i in range(7)] + [value[n - 8][j] for j in range(7)]
                   + [value[n - 1 - i][7] for i in range(7)])
    lo, hi = dark[len(dark) // 2], light[len(light) // 2]
    if hi - lo < 40:
        return None
    cut = (lo + hi) / 2
    return tuple(int("".join("1" if v < cut else "0" for v in row), 2) for row in value)


def located_undecoded(gray: Image.Image) -> Iterator[tuple[complex, ...]]:
    """The corners (top left, top right, bottom right, bottom left) of each code zxing-cpp locates on `gray` but
    cannot decode (a signature or a stroke across it), when they make the square a code is — a covered finder
    pattern places a code amiss."""
    for r in zxingcpp.read_barcodes(gray, formats=QR, return_errors=True):  # type: ignore[arg-type]  # see _read
        if r.valid:
            continue
        corners = tuple(complex(q.x, q.y) for q in (r.position.top_left, r.position.top_right,
                                                    r.position.bottom_right, r.position.bottom_left))
        sides = [abs(corners[k] - corners[k - 1]) for k in range(4)]
        if min(sides) >= 0.85 * max(sides):
            yield corners


def match_damaged(jpeg: bytes, candidates: dict[str, tuple[int, ...]]) -> tuple[str, bytes] | None:
    """The text of the one candidate code (`code_rows` of each) that a located but undecodable code on the page
    (`jpeg`, as `ScannedPage` keeps it) is, and the page turned upright and straightened as JPEG; None when no
    candidate fits clearly better than all others (the page stays unread: never a guess between two)."""
    gray = Image.open(io.BytesIO(jpeg)).convert("L")
    sizes: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for text, rows in candidates.items():
        sizes.setdefault(len(rows), []).append((text, rows))
    for corners in located_undecoded(gray):
        for n, group in sizes.items():
            dark = _modules(gray, corners, n)
            if dark is None or len(group) < 1:
                continue
            scores = sorted((sum((m & ~d).bit_count() for m, d in zip(rows, dark, strict=True)),
                             sum((d & ~m).bit_count() for m, d in zip(rows, dark, strict=True)), text)
                            for text, rows in group)
            light, covered, text = scores[0]
            runner = scores[1][0] if len(scores) > 1 else n * n
            if light > MATCH_LIGHT * n * n or covered > MATCH_DARK * n * n or runner < light + MATCH_MARGIN:
                continue
            found = _Found(text, corners)
            if not found.facing(gray.size):
                continue
            quarters, skew, _u, _v = found.stance(gray.size)
            upright = gray.transpose((Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180,
                                      Image.Transpose.ROTATE_270)[quarters - 1]) if quarters else gray
            buf = io.BytesIO()
            _straight(upright, skew).save(buf, "JPEG", quality=75)
            return text, buf.getvalue()
    return None


def _straight(image: Image.Image, skew: float) -> Image.Image:
    if MIN_SKEW <= abs(skew) <= MAX_SKEW:
        return image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    return image


def decode(image: Image.Image) -> tuple[PageCode | None, str, Image.Image]:
    """The page's hoso code (None: none read), the text read, and the page turned upright."""
    code, text, upright, _why = decode_page(image)
    return code, text, upright


def is_blank(image: Image.Image) -> bool:
    """Almost no ink: a blank sheet (duplex back) scanned with the others. Dark areas that touch
    the image's edge are the scanner's background around the sheet (a dark lid or feeder), not ink."""
    gray = image.convert("L")
    # ink: darker than the paper by 70 or more, at most 160 (a front showing through a back stays above ~210),
    # found at full size, then counted in 4 × 4 blocks with ink in 2 or more of their 16 pixels: the page reduced
    # first (averaged) took faded print or a light scan (text at gray 90–150) for a blank page, skipped unseen
    counts = gray.histogram()
    paper, seen = 255, 0
    while paper > 0 and seen + counts[paper] <= 0.1 * gray.width * gray.height:  # the brightest tenth: the paper
        seen += counts[paper]
        paper -= 1
    cut = min(160, paper - 70)
    small = gray.point(lambda v: 255 if v < cut else 0).resize((max(1, image.width // 4), max(1, image.height // 4)),
                                                               Image.Resampling.BOX)
    ink = small.point(lambda v: 255 if v >= 32 else 0)
    total = ink.histogram()[255]
    if total < 0.001 * small.width * small.height:
        return True
    # the dark background: dark pixels reached from the edge (flood fill from each dark edge pixel)
    from PIL import ImageDraw

    w, h = ink.size
    edge = [(x, y) for x in range(w) for y in (0, h - 1)] + [(x, y) for y in range(h) for x in (0, w - 1)]
    for xy in edge:
        if ink.getpixel(xy) == 255:
            ImageDraw.floodfill(ink, xy, 0)
    return ink.histogram()[255] < 0.001 * small.width * small.height


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            return getattr(im, "n_frames", 1)


def _page(path: Path, index: int) -> Image.Image:
    """One page (1-based) of a scan file: grayscale, or in colour when it was scanned in colour
    (a stamp's red is told from the code's black)."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        try:
            page = pdf[index - 1]
            image = _scanned_image(page)
            if image is None:
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            return _colour_or_gray(image)
        finally:
            pdf.close()
    with warnings.catch_warnings():
        # the clerk's own scan: a big one (1200 dpi, a 108-megapixel photo) is read, not warned about
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return _image(path, index)


def _image(path: Path, index: int) -> Image.Image:
    with Image.open(path) as im:
        im.seek(index - 1)
        if im.format == "JPEG" and max(im.size) > 2 * READ_SIDE:
            # decoded at 1/2, 1/4 or 1/8 of its size, still at least READ_SIDE long: a fraction of
            # the memory and time (a 108-megapixel photo would take over 1 GB decoded whole)
            scale = READ_SIDE / max(im.size)
            im.draft("RGB" if im.mode != "L" else "L", (math.ceil(im.width * scale), math.ceil(im.height * scale)))
        return _colour_or_gray(ImageOps.exif_transpose(im))


def _colour_or_gray(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA", "RGBX", "P", "PA", "CMYK", "YCbCr", "LAB", "HSV"):
        return image.convert("RGB")
    return image.convert("L")


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


def _scan_page(ref: tuple[Path, int, str]) -> ScannedPage:
    path, index, digest = ref
    image = _page(path, index)
    code, text, upright, why = decode_page(image)
    blank = why == WHY_NONE and is_blank(upright)
    scale = LONG_SIDE / max(upright.size)
    if abs(scale - 1) > 0.01:
        upright = upright.resize((round(upright.width * scale), round(upright.height * scale)))
    buf = io.BytesIO()
    upright.save(buf, "JPEG", quality=75)
    return ScannedPage(str(path), index, f"{digest}#{index}", buf.getvalue(), code, text, blank, "" if blank else why)


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
        yield from map_work(_scan_page, refs[k:k + chunk], workers=workers)
