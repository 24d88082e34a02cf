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
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.errors import MissingDependency
from pipeline.pdf.join import PRIMER_TEXT

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


def _draw(c: canvas.Canvas, width: float, height: float, marks, regular: str, bold: str) -> None:
    for mark in marks:
        kind = mark[0]
        if kind == "bundle_page":
            c.setFont(regular, 10)
            c.drawCentredString(width / 2, 1.0 * cm, mark[1])
        elif kind == "form_page":
            c.setFont(regular, 13)
            c.drawCentredString(width / 2, height - 1.0 * cm - 13, mark[1])
        elif kind == "head":
            c.setFont(bold, 14)
            for k, line in enumerate(mark[1].splitlines()):
                c.drawRightString(width - RIGHT_MARGIN_CM * cm, height - 1.0 * cm - 14 - k * 16, line)
        elif kind == "initials":
            x, y, w, h = width - RIGHT_MARGIN_CM * cm - 2.4 * cm, 0.55 * cm, 2.4 * cm, 1.1 * cm
            c.setLineWidth(0.6)
            c.rect(x, y, w, h)
            c.setFont(regular, 7)
            c.drawString(x + 0.1 * cm, y + h - 0.3 * cm, "Ký nháy")


def apply_marks(writer: PdfWriter, marks: dict[int, tuple]) -> None:
    """Draw `marks` (page index -> marks) on the writer's pages through one overlay document.

    Each overlay page becomes a form XObject painted after the page's own content, which is left
    as it is (still compressed, never parsed): `q <page> Q  q /HosoMarks Do Q`."""
    if not marks:
        return
    regular, bold = fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    prime(c)
    order = sorted(i for i, m in marks.items() if m)
    for i in order:
        box = writer.pages[i].mediabox
        width, height = float(box.width), float(box.height)
        c.setPageSize((width, height))
        _draw(c, width, height, marks[i], regular, bold)
        c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    before = writer._add_object(_stream(b"q\n"))
    after = writer._add_object(_stream(b"\nQ\nq /HosoMarks Do Q\n"))
    alone = writer._add_object(_stream(b"q /HosoMarks Do Q\n"))
    for n, i in enumerate(order):
        page = writer.pages[i]
        mark = overlay.pages[n]
        form = _stream(mark.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(FloatObject(float(v)) for v in mark.mediabox),
            NameObject("/Resources"): mark["/Resources"].clone(writer),
        })
        ref = writer._add_object(form.flate_encode())
        resources = DictionaryObject(page["/Resources"]) if "/Resources" in page else DictionaryObject()
        xobjects = DictionaryObject(resources["/XObject"]) if "/XObject" in resources else DictionaryObject()
        xobjects[NameObject("/HosoMarks")] = ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if contents is None:
            page[NameObject("/Contents")] = ArrayObject([alone])
        else:
            own = contents.get_object()
            own = list(own) if isinstance(own, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([before, *own, after])


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
