"""Everything drawn on bundle pages, in one overlay document per bundle.

Marks per page: the bundle's page number in the bottom margin ("Trang n/N"), a form's own page
number centred in the top margin from its page 2 (Nghị định 30/2020), a form's first-page header
text at the top right (e.g. "Mẫu số 02"), an initials box at the bottom right. Forms are converted
without their Word headers (pipeline/pdf/join.py), so what the headers printed is drawn here.

All marks of a bundle are drawn on the pages of ONE reportlab document. pypdf cannot draw text;
reportlab embeds a TrueType font with every Vietnamese letter (Liberation Serif 2). Every reportlab
document (overlays, covers) is `prime`d: its font subsets are the same whatever it prints, so the
covers and overlays of a bundle share one copy of each font (identical objects are merged).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.errors import MissingDependency
from pipeline.pdf.join import PRIMER_TEXT as _FORMS_PRIMER

PRIMER_TEXT = _FORMS_PRIMER + "\u2002\u2003"  # + the spaces that indent the tables of contents

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")
FONT_FILES = (("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"), ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"))
RIGHT_MARGIN_CM = 2.0  # Nghị định 30/2020


@cache
def fonts() -> tuple[str, str]:
    """Register and return (regular, bold) font names with every Vietnamese letter."""
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
    make, memo = font.face.makeSubset, {}

    def make_once(subset):
        key = tuple(subset)
        if key not in memo:
            memo[key] = make(subset)
        return memo[key]

    font.face.makeSubset = make_once


def prime(c: canvas.Canvas, *_args) -> None:
    """Give the document's font subsets every letter of PRIMER_TEXT, in a fixed order, before
    anything is drawn: reportlab numbers a subset's glyphs in the order of first use, so primed
    documents embed byte-identical fonts. Nothing is drawn. (Also usable as a platypus page hook.)"""
    doc = c._doc
    for name in fonts():
        font = pdfmetrics.getFont(name)
        if font.state.get(doc) is None:
            font.splitString(PRIMER_TEXT, doc)
            font.getSubsetInternalName(0, doc)


@dataclass(frozen=True)
class FormMarks:
    """What a form asks to have drawn on its own pages."""

    page_numbers: bool = False
    first_page_header: str = ""
    initials: bool = False

    def for_page(self, i: int, pages: int) -> tuple:
        marks = []
        if i == 0 and self.first_page_header:
            marks.append(("head", self.first_page_header))
        if i > 0 and self.page_numbers:
            marks.append(("form_page", str(i + 1)))
        if self.initials and i < pages - 1:
            marks.append(("initials",))
        return tuple(marks)


def _draw(pen, width: float, height: float, marks) -> None:
    for mark in marks:
        kind = mark[0]
        if kind == "bundle_page":
            pen.text(False, 10, width / 2, 1.0 * cm, mark[1], "centre")
        elif kind == "form_page":
            pen.text(False, 13, width / 2, height - 1.0 * cm - 13, mark[1], "centre")
        elif kind == "head":
            for k, line in enumerate(mark[1].splitlines()):
                pen.text(True, 14, width - RIGHT_MARGIN_CM * cm, height - 1.0 * cm - 14 - k * 16, line, "right")
        elif kind == "initials":
            x, y, w, h = width - RIGHT_MARGIN_CM * cm - 2.4 * cm, 0.55 * cm, 2.4 * cm, 1.1 * cm
            pen.rect(x, y, w, h, 0.6)
            pen.text(False, 7, x + 0.1 * cm, y + h - 0.3 * cm, "Ký nháy", "left")


class _Unencodable(Exception):
    """A mark uses a character outside the primed font subsets."""


class _StreamPen:
    """Writes PDF operators that use the fonts of the shared, primed mark document."""

    def __init__(self, marks: _MarkFonts) -> None:
        self.fonts = marks
        self.ops: list[str] = []

    def text(self, bold: bool, size: float, x: float, y: float, text: str, align: str) -> None:
        name = self.fonts.names[bold]
        if align != "left":
            w = pdfmetrics.stringWidth(text, name, size)
            x -= w / 2 if align == "centre" else w
        assigned = self.fonts.codes[bold]
        try:
            codes = [assigned[32 if ch == "\xa0" else ord(ch)] for ch in text]
        except KeyError:
            raise _Unencodable(text) from None
        parts = [f"BT {x:.2f} {y:.2f} Td"]
        run: list[int] = []
        for k, n in enumerate(codes):  # one Tj per run of characters of the same subset
            run.append(n & 0xFF)
            if k == len(codes) - 1 or codes[k + 1] >> 8 != n >> 8:
                parts.append(f"/{self.fonts.resource[bold, n >> 8]} {size:g} Tf <{bytes(run).hex()}> Tj")
                run = []
        parts.append("ET")
        self.ops.append(" ".join(parts))

    def rect(self, x: float, y: float, w: float, h: float, line: float) -> None:
        self.ops.append(f"q {line:g} w {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S Q")


class _CanvasPen:
    """The same marks drawn by reportlab (for text outside the primed subsets)."""

    def __init__(self, c: canvas.Canvas) -> None:
        self.c = c

    def text(self, bold: bool, size: float, x: float, y: float, text: str, align: str) -> None:
        self.c.setFont(fonts()[bold], size)
        draw = {"left": self.c.drawString, "centre": self.c.drawCentredString, "right": self.c.drawRightString}[align]
        draw(x, y, text)

    def rect(self, x: float, y: float, w: float, h: float, line: float) -> None:
        self.c.setLineWidth(line)
        self.c.rect(x, y, w, h)


@dataclass(frozen=True)
class _MarkFonts:
    codes: tuple[dict[int, int], dict[int, int]]  # (regular, bold): character -> subset << 8 | code
    pdf: bytes  # a primed document: one page whose resources hold the embedded fonts
    names: tuple[str, str]  # (regular, bold) reportlab font names
    resource: dict  # (bold?, subset) -> resource name in the page's /Font


@cache
def _mark_fonts() -> _MarkFonts:
    regular, bold = fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    doc = c._doc  # the canvas lets go of it on save; the fonts' state is kept per document
    prime(c)
    resource, codes = {}, []
    for bold_face, name in ((False, regular), (True, bold)):  # name every subset, so all are embedded
        font = pdfmetrics.getFont(name)
        for subset in range(len(font.state[doc].subsets)):
            resource[bold_face, subset] = font.getSubsetInternalName(subset, doc)[1:]
        codes.append(dict(font.state[doc].assignments))  # the state is dropped on save
        c.setFont(name, 10)
        c.drawString(0, 0, " ")
    c.showPage()
    c.save()
    return _MarkFonts((codes[0], codes[1]), buf.getvalue(), (regular, bold), resource)


@cache
def _mark_resources() -> DictionaryObject:
    """The shared fonts' resource dictionary, parsed once per process (cloned into each bundle)."""
    return PdfReader(io.BytesIO(_mark_fonts().pdf)).pages[0]["/Resources"]


def _overlay_pages(writer: PdfWriter, order: list[int], marks: dict[int, tuple]) -> list[tuple[bytes, DictionaryObject]]:
    """(content, resources) of each page's marks: PDF operators with the shared fonts, or — when a
    mark has a character the primed fonts lack — a reportlab document drawn for them."""
    shared = _mark_fonts()
    pages = []
    try:
        for i in order:
            box = writer.pages[i].mediabox
            pen = _StreamPen(shared)
            _draw(pen, float(box.width), float(box.height), marks[i])
            pages.append("\n".join(pen.ops).encode())
        resources = writer._add_object(_mark_resources().clone(writer))  # one object, shared by every page
        return [(data, resources) for data in pages]
    except _Unencodable:
        pass
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    prime(c)
    for i in order:
        box = writer.pages[i].mediabox
        width, height = float(box.width), float(box.height)
        c.setPageSize((width, height))
        _draw(_CanvasPen(c), width, height, marks[i])
        c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    resources = writer._add_object(overlay.pages[0]["/Resources"].clone(writer))  # reportlab shares one
    return [(page.get_contents().get_data(), resources) for page in overlay.pages]


def apply_marks(writer: PdfWriter, marks: dict[int, tuple]) -> None:
    """Draw `marks` (page index -> marks) on the writer's pages.

    Each page's marks become a form XObject painted after the page's own content, which is left
    as it is (still compressed, never parsed): `q <page> Q  q /HosoMarks Do Q`. The marks' fonts
    are one primed set shared by the whole bundle (and identical to the covers')."""
    order = sorted(i for i, m in marks.items() if m)
    if not order:
        return
    before = writer._add_object(_stream(b"q\n"))
    after = writer._add_object(_stream(b"\nQ\nq /HosoMarks Do Q\n"))
    alone = writer._add_object(_stream(b"q /HosoMarks Do Q\n"))
    uses: dict[int, int] = {}  # resource dictionaries shared by several pages are copied, not changed
    for page in writer.pages:
        ref = page.raw_get("/Resources") if "/Resources" in page else None
        if isinstance(ref, IndirectObject):
            uses[ref.idnum] = uses.get(ref.idnum, 0) + 1
    for i, (content, resources) in zip(order, _overlay_pages(writer, order, marks), strict=True):
        page = writer.pages[i]
        form = _stream(content)
        form.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(float(v)) for v in page.mediabox),
            NameObject("/Resources"): resources,
        })
        ref = writer._add_object(form.flate_encode())
        raw = page.raw_get("/Resources") if "/Resources" in page else None
        if isinstance(raw, IndirectObject) and uses.get(raw.idnum) == 1:
            own = raw.get_object()  # this page's own: add the marks to it
        else:
            own = DictionaryObject(page["/Resources"]) if raw is not None else DictionaryObject()
            page[NameObject("/Resources")] = own
        xobjects = DictionaryObject(own["/XObject"]) if "/XObject" in own else DictionaryObject()
        xobjects[NameObject("/HosoMarks")] = ref
        own[NameObject("/XObject")] = xobjects
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if contents is None:
            page[NameObject("/Contents")] = ArrayObject([alone])
        else:
            inner = contents.get_object()
            inner = list(inner) if isinstance(inner, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([before, *inner, after])


def _stream(data: bytes) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return s


def bundle_page_marks(total: int, skip: set[int]) -> dict[int, tuple]:
    return {i: (("bundle_page", f"Trang {i + 1}/{total}"),) for i in range(total) if i not in skip}


def draw_form(pdf: bytes, form: FormMarks) -> bytes:
    """One form on its own (e.g. the notice of results): what its headers print, drawn on it."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    n = len(writer.pages)
    apply_marks(writer, {i: m for i in range(n) if (m := form.for_page(i, n))})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
