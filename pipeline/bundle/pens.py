"""Drawing on bundle pages — covers, tables of contents, page marks — in the forms' own fonts.

Every LibreOffice conversion embeds the same primed font subsets (pipeline/pdf/join.py: a page of
every letter in every face comes first): Liberation Serif regular and bold, each with every
Vietnamese letter, as simple TrueType fonts whose codes and widths are known from the PDF itself
(/ToUnicode, /Widths). What hoso draws on its own pages uses those two font objects, so a bundle
carries no font but the forms' (`Faces`, `StreamPen`). When no form offers them (e.g. a cache
from another engine), reportlab's primed subsets take their place (`reportlab_faces`); text with a
character neither has is drawn by reportlab on a canvas of its own (`CanvasPen`), never dropped.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    PdfObject,
)
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.errors import MissingDependency
from pipeline.pdf.join import PRIMER_TEXT as _FORMS_PRIMER

# What a face must encode to draw covers and marks: every letter the forms' primer shows.
REQUIRED = frozenset(_FORMS_PRIMER) - {"\u00a0"}
PRIMER_TEXT = _FORMS_PRIMER + "\u2002\u2003"  # reportlab's primer (+ spaces of older covers)
FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")
FONT_FILES = (("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"), ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"))
RESOURCE_NAMES = ("/HosoR", "/HosoB")  # (regular, bold) in the resources of what hoso draws


class Unencodable(Exception):
    """Text with a character outside the faces."""


@dataclass(frozen=True)
class Face:
    """One embedded simple font: the code that draws each character, and each code's width."""

    ref: IndirectObject  # the font dictionary, in the PDF it was found in
    codes: dict[str, int]
    widths: dict[int, float]  # code -> advance in 1/1000 em

    _units: dict[str, float] = field(default_factory=dict, init=False, compare=False, repr=False)

    def width(self, text: str, size: float) -> float:
        units = self._units.get(text)  # covers measure the same words and titles again and again
        if units is None:
            try:
                units = self._units[text] = sum(self.widths[self.codes[_plain(ch)]] for ch in text)
            except KeyError:
                raise Unencodable(text) from None
        return units * size / 1000

    def encode(self, text: str) -> bytes:
        try:
            return bytes(self.codes[_plain(ch)] for ch in text)
        except KeyError:
            raise Unencodable(text) from None


def _plain(ch: str) -> str:
    return " " if ch == "\u00a0" else ch


_CMAP_PAIR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_CMAP_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _unicode_map(cmap: bytes) -> dict[str, int]:
    """character -> one-byte code, from a ToUnicode CMap (bfchar and bfrange; only codes that map
    to one character)."""
    out: dict[str, int] = {}

    def add(code: int, target: bytes) -> None:
        text = bytes.fromhex(target.decode()).decode("utf-16-be", "replace")
        if len(text) == 1 and code < 256:
            out.setdefault(text, code)

    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, start in _CMAP_RANGE.findall(block):
            first = int(start, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                add(code, b"%0*X" % (len(start), first + k))
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in _CMAP_PAIR.findall(block):
            add(int(code, 16), target)
    return out


def read_face(ref: IndirectObject) -> Face | None:
    """The Face of a simple (one byte a character) font with a Unicode map and widths; else None."""
    font: Any = ref.get_object()
    if font.get("/Subtype") not in ("/TrueType", "/Type1") or "/ToUnicode" not in font or "/Widths" not in font:
        return None
    try:
        codes = _unicode_map(font["/ToUnicode"].get_object().get_data())
        first = int(font.get("/FirstChar", 0))
        widths = {first + i: float(w) for i, w in enumerate(font["/Widths"].get_object())}
    except Exception:  # noqa: BLE001 - a font we cannot read is a font we do not use
        return None
    codes = {ch: c for ch, c in codes.items() if c in widths}
    return Face(ref, codes, widths)


@dataclass(frozen=True)
class Faces:
    """The regular and the bold face hoso draws in."""

    regular: Face
    bold: Face

    def face(self, bold: bool) -> Face:
        return self.bold if bold else self.regular

    def resources(self, writer: PdfWriter) -> IndirectObject:
        """The writer's resource dictionary with the two fonts (/HosoR, /HosoB): made once per
        writer; the fonts are cloned from their PDF like the pages of that PDF (one copy)."""
        memo: dict[int, IndirectObject] = writer.__dict__.setdefault("_hoso_faces", {})
        if id(self) not in memo:
            fonts = DictionaryObject({NameObject(name): face.ref.clone(writer)
                                      for name, face in zip(RESOURCE_NAMES, (self.regular, self.bold), strict=True)})
            memo[id(self)] = writer._add_object(DictionaryObject({NameObject("/Font"): fonts}))
        return memo[id(self)]


def _style(font: DictionaryObject) -> str | None:
    """"regular", "bold" or None (italic, or not a serif face hoso draws in) from the font's name."""
    name = str(font.get("/BaseFont", "")).rsplit("+", 1)[-1].lower()
    if "italic" in name or "oblique" in name or float(font.get("/FontDescriptor", {}).get("/ItalicAngle", 0) or 0):
        return None
    return "bold" if "bold" in name else "regular"


def find_faces(readers: Iterable[PdfReader], pages_each: int = 2) -> Faces | None:
    """The forms' primed regular and bold faces, from the first pages of `readers` (any of their
    conversions: they are byte-identical); None when they are not there."""
    found: dict[str, Face] = {}
    seen: set[int] = set()
    for reader in readers:
        for page in reader.pages[:pages_each]:
            res = page.get("/Resources")
            fonts: Any = res.get_object().get("/Font") if res is not None else None
            fonts = fonts.get_object() if fonts is not None else {}
            for name in fonts:
                ref = fonts.raw_get(name)
                if not isinstance(ref, IndirectObject) or ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
                style = _style(cast(DictionaryObject, ref.get_object()))
                if style is None or style in found:
                    continue
                face = read_face(ref)
                if face is not None and REQUIRED <= face.codes.keys():
                    found[style] = face
            if len(found) == 2:
                return Faces(found["regular"], found["bold"])
    return None


@cache
def fonts() -> tuple[str, str]:
    """Register and return reportlab's (regular, bold) font names, with every Vietnamese letter."""
    for folder in FONT_DIRS:
        for regular, bold in FONT_FILES:
            r, b = Path(folder) / regular, Path(folder) / bold
            if r.is_file() and b.is_file():
                for name, path in (("HosoSerif", r), ("HosoSerif-Bold", b)):
                    font = TTFont(name, str(path))
                    _reuse_subsets(font)
                    pdfmetrics.registerFont(font)
                return "HosoSerif", "HosoSerif-Bold"
    raise MissingDependency("Thiếu phông chữ Liberation Serif 2 (có đủ chữ tiếng Việt) để in bìa và số trang.",
                            hint="sudo apt-get install -y fonts-liberation2 fonts-dejavu-core")


def _reuse_subsets(font: TTFont) -> None:
    """Primed documents ask for the same subsets again and again: build each font program once."""
    make, memo = font.face.makeSubset, cast(dict[tuple[int, ...], bytes], {})

    def make_once(subset: Sequence[int]) -> bytes:
        key = tuple(subset)
        if key not in memo:
            memo[key] = make(subset)
        return memo[key]

    font.face.makeSubset = make_once  # type: ignore[method-assign]  # memoised per font, see above


def prime(c: canvas.Canvas, *_args: object) -> None:
    """Give a reportlab document's font subsets every letter of PRIMER_TEXT, in a fixed order,
    before anything is drawn: reportlab numbers a subset's glyphs in the order of first use, so
    primed documents embed byte-identical fonts. Nothing is drawn."""
    doc = c._doc  # type: ignore[attr-defined]  # reportlab's document behind the canvas (no public name)
    for name in fonts():
        font: Any = pdfmetrics.getFont(name)  # a TTFont: subsets per document (`state`)
        if font.state.get(doc) is None:
            font.splitString(PRIMER_TEXT, doc)
            font.getSubsetInternalName(0, doc)


@cache
def reportlab_faces() -> Faces:
    """reportlab's primed subsets as Faces: for bundles whose forms do not carry the primed faces."""
    regular, bold = fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    prime(c)
    for name in (regular, bold):
        c.setFont(name, 10)
        c.drawString(0, 0, " ")
    c.showPage()
    c.save()
    faces = find_faces([PdfReader(io.BytesIO(buf.getvalue()))], 1)
    if faces is None:  # a reportlab that splits the primer into two subsets: draw on canvases
        raise Unencodable(PRIMER_TEXT)
    return faces


class StreamPen:
    """Writes PDF operators for one page at a time in the two Faces (resource names /HosoR, /HosoB)."""

    def __init__(self, faces: Faces) -> None:
        self.faces = faces
        self.ops: list[str] = []

    def measure(self, bold: bool, size: float, text: str) -> float:
        return self.faces.face(bold).width(text, size)

    def text(self, bold: bool, size: float, x: float, y: float, text: str, align: str = "left") -> None:
        face = self.faces.face(bold)
        if align != "left":
            w = face.width(text, size)
            x -= w / 2 if align == "centre" else w
        self.ops.append(f"BT {RESOURCE_NAMES[bold]} {size:g} Tf {x:.2f} {y:.2f} Td <{face.encode(text).hex()}> Tj ET")

    def rect(self, x: float, y: float, w: float, h: float, line: float, gray: float = 0.0) -> None:
        stroke, back = (f"{gray:g} G ", " 0 G") if gray else ("", "")
        self.ops.append(f"{stroke}{line:g} w {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S{back}")

    def fill(self, x: float, y: float, w: float, h: float, gray: float) -> None:
        self.ops.append(f"{gray:g} g {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f 0 g")

    def fill_grid(self, x: float, y: float, module: float, runs: list[tuple[int, int, int]]) -> None:
        """Black runs (column, row from the bottom, length) of a grid of `module`-point squares whose
        corner is (x, y): one path in grid units (a QR code in ~1/3 of the bytes of one `re f` each)."""
        rects = " ".join(f"{c} {r} {n} 1 re" for c, r, n in runs)
        self.ops.append(f"q {module:.4f} 0 0 {module:.4f} {x:.2f} {y:.2f} cm 0 g {rects} f Q")

    def code(self, x: float, y: float, size: float, n: int, runs: Sequence[tuple[int, int, int]]) -> None:
        """A QR code of `n` × `n` modules (`runs` as in `fill_grid`) as a 1-bit image mask painted
        `size` points square at (x, y): an inline image in the page's own stream, its samples in
        hexadecimal (ASCIIHexDecode, so the stream stays text), not interpolated — each module a
        sharp square. About a fifth of the bytes of the same code drawn as rectangles."""
        width = (n + 7) // 8
        rows = [0] * n  # each row's bytes as one integer: module k is bit 0x80 >> k % 8 of byte k // 8
        for c, r, length in runs:
            rows[n - 1 - r] |= ((1 << length) - 1) << (8 * width - c - length)  # an image's first row is its top
        bits = b"".join(row.to_bytes(width, "big") for row in rows)
        self.ops.append(f"q {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm 0 g BI /W {n} /H {n} /IM true /BPC 1 "
                        f"/D [1 0] /F /AHx ID {bits.hex()}> EI Q")

    def take(self) -> bytes:
        """This page's operators; the pen starts a new page."""
        data = "\n".join(self.ops).encode()
        self.ops = []
        return data


class CanvasPen:
    """The same drawing on a reportlab canvas (for text with a character outside the faces)."""

    def __init__(self, c: canvas.Canvas) -> None:
        self.c = c

    def measure(self, bold: bool, size: float, text: str) -> float:
        return pdfmetrics.stringWidth(text, fonts()[bold], size)

    def text(self, bold: bool, size: float, x: float, y: float, text: str, align: str = "left") -> None:
        self.c.setFont(fonts()[bold], size)
        draw = {"left": self.c.drawString, "centre": self.c.drawCentredString, "right": self.c.drawRightString}[align]
        draw(x, y, text)

    def rect(self, x: float, y: float, w: float, h: float, line: float, gray: float = 0.0) -> None:
        self.c.saveState()
        self.c.setStrokeGray(gray)
        self.c.setLineWidth(line)
        self.c.rect(x, y, w, h)
        self.c.restoreState()

    def fill(self, x: float, y: float, w: float, h: float, gray: float) -> None:
        self.c.saveState()
        self.c.setFillGray(gray)
        self.c.rect(x, y, w, h, stroke=0, fill=1)
        self.c.restoreState()

    def fill_grid(self, x: float, y: float, module: float, runs: list[tuple[int, int, int]]) -> None:
        for c, r, n in runs:
            self.fill(x + c * module, y + r * module, n * module, module, 0.0)

    def code(self, x: float, y: float, size: float, n: int, runs: Sequence[tuple[int, int, int]]) -> None:
        self.fill_grid(x, y, size / n, list(runs))


def flate_stream(data: bytes, **entries: PdfObject) -> EncodedStreamObject:
    """A compressed stream object with `entries` in its dictionary."""
    s = EncodedStreamObject()
    s._data = zlib.compress(data)
    s[NameObject("/Filter")] = NameObject("/FlateDecode")
    for k, v in entries.items():
        s[NameObject(f"/{k}")] = v
    return s


Pen = StreamPen | CanvasPen  # what covers, page codes and marks are drawn with
