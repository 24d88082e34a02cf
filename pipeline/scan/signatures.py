"""Best-effort signature check of filed scans (an estimate, labelled as such wherever it is shown).

A form declares where it is signed by its own printed words: under each «(Ký, ghi rõ họ tên)» /
«(Ký, ghi họ tên)» line is the space for the signature, down to the next printed line of that
column (the signer's printed name) or 2.5 cm. The unsigned page is rendered from the build output
(pypdfium2, 150 dpi); the scan is registered to it by the page code (its four corners, read by
zxing-cpp in both — on the scan located though not decoded when a signature covers it —: rotation,
scale and shift); the dark pixels of each signature space are counted in both, and a space with hardly more ink on the scan than on the unsigned render is reported as
"seems not signed". Smudges count as ink (a false "signed"); a very faint pen can be missed.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image

from pipeline.bundle.pagecode import parse

DPI = 150
PT = DPI / 72
DARK = 110  # a pixel darker than this is ink
SIGNED = 0.004  # share of the space's pixels that must be new ink
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Space:
    """A signature space in PDF points from the page's top left."""

    x0: float
    y0: float
    x1: float
    y1: float


@lru_cache(maxsize=64)
def _words(pdf: str) -> dict[int, list[tuple[float, float, float, float, str]]]:
    """Every word of every page (1-based) of a PDF with its box (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages: dict[int, list[tuple[float, float, float, float, str]]] = {}
    for n, chunk in enumerate(out.split("<page ")[1:], 1):
        pages[n] = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in _WORD.findall(chunk)]
    return pages


def spaces(pdf: Path, page: int) -> list[Space]:
    """The signature spaces the page declares."""
    words = _words(str(pdf)).get(page, [])
    out = []
    for i, (x0, _y0, _x1, y1, w) in enumerate(words):
        if w != "(Ký,":
            continue
        line = [x for x in words[i:i + 6] if abs(x[3] - y1) < 2]
        end = next((x for x in line if x[4].endswith(")")), None)
        if end is None:
            continue
        left, right = x0 - 45, end[2] + 45
        below = [x[1] for x in words if x[1] > y1 + 2 and x[0] < right and x[2] > left]
        bottom = min([y1 + 72 / 2.54 * 2.5, *below]) - 2
        if bottom - y1 > 15:
            out.append(Space(left, y1 + 2, right, bottom))
    return out


def _corners(image: Image.Image) -> list[complex] | None:
    """The corners of the page's own code (not the mirrored code of the other side showing through)."""
    from PIL import ImageFilter

    from pipeline.scan.read import _read

    for attempt in (image, image.filter(ImageFilter.GaussianBlur(1))):  # softened: a dithered scan
        for found in _read(attempt):
            if parse(found.text) is not None and found.facing(image.size):
                return list(found.corners)
    # a code a signature or a stroke of ink covers (a page `read.match_damaged` filed): located, not decoded
    from pipeline.scan.read import _Found, located_undecoded

    for corners in located_undecoded(image):
        if _Found("", corners).facing(image.size):
            return list(corners)
    return None


def _similarity(src: list[complex], dst: list[complex]) -> Callable[[complex], complex]:
    """z -> a z + b, least squares from src to dst."""
    ms, md = sum(src) / len(src), sum(dst) / len(dst)
    num = sum((d - md) * (s - ms).conjugate() for s, d in zip(src, dst, strict=True))
    den = sum(abs(s - ms) ** 2 for s in src)
    a = num / den
    return lambda z: a * (z - ms) + md


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    region = image.crop(box)
    hist = region.histogram()
    return sum(hist[:DARK]) / max(1, region.width * region.height)


def unsigned_spaces(scan: Image.Image, pdf: Path, page: int) -> list[int] | None:
    """The 1-based numbers of the page's signature spaces that seem not signed on `scan` (upright,
    150 dpi); [] when all seem signed or the page has none; None when the check could not be made."""
    found = spaces(pdf, page)
    if not found:
        return []
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        blank = doc[page - 1].render(scale=PT, grayscale=True).to_pil().convert("L")
    finally:
        doc.close()
    src, dst = _corners(blank), _corners(scan)
    if src is None or dst is None:
        return None
    to_scan = _similarity(src, dst)
    out = []
    for n, s in enumerate(found, 1):
        box = (round(s.x0 * PT), round(s.y0 * PT), round(s.x1 * PT), round(s.y1 * PT))
        mapped = [to_scan(complex(x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])]
        # the mapped box, shrunk a little so the printed lines around it stay out despite the turn
        xs, ys = sorted(z.real for z in mapped), sorted(z.imag for z in mapped)
        sbox = (round(xs[1]), round(ys[1]) + 3, round(xs[2]), round(ys[2]) - 3)
        if sbox[2] - sbox[0] < 10 or sbox[3] - sbox[1] < 10:
            return None
        if _ink(scan, sbox) - _ink(blank, box) < SIGNED:
            out.append(n)
    return out
