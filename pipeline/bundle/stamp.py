"""Everything drawn on the pages of a bundle's forms.

Marks per page: a form's own page number centred in the top margin from its page 2 (Nghị định
30/2020) — the only page numbering on a sheet: the bundle prints no numbers of its own, so a signed
original is the same sheet in a person's dossier and in the unit's bundle — a form's first-page
header text at the top right (e.g. "Mẫu số 02"), an initials box at the bottom right. Forms are converted
without their Word headers (pipeline/pdf/join.py), so what the headers printed is drawn here.

pypdf cannot draw text: the marks are PDF operators written here in the forms' own primed fonts
(pipeline/bundle/pens.py), so they add no font to the bundle; a mark with a character those
fonts lack is drawn by reportlab (its TrueType font has every Vietnamese letter) instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Any, cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from reportlab.pdfgen import canvas

from pipeline.bundle import pagecode
from pipeline.bundle.pens import CanvasPen, Faces, Pen, StreamPen, Unencodable, flate_stream, prime

CM = 72 / 2.54
RIGHT_MARGIN_CM = 2.0  # Nghị định 30/2020


@dataclass(frozen=True)
class FormMarks:
    """What a form asks to have drawn on its own pages."""

    page_numbers: bool = False
    first_page_header: str = ""
    initials: bool = False
    code: pagecode.PageCode | None = None  # the page code (pagecode.py); its page and pages set per page

    def for_page(self, i: int, pages: int) -> tuple[Any, ...]:
        marks: list[tuple[str, ...]] = []
        if i == 0 and self.first_page_header:
            marks.append(("head", self.first_page_header))
        if i > 0 and self.page_numbers:
            marks.append(("form_page", str(i + 1)))
        if self.initials and i < pages - 1:
            marks.append(("initials",))
        if self.code is not None:
            marks.append(("code", replace(self.code, page=i + 1, pages=pages).text()))
        return tuple(marks)


def _draw(pen: Pen, width: float, height: float, marks: tuple[Any, ...]) -> None:
    for mark in marks:
        kind = mark[0]
        if kind == "form_page":
            pen.text(False, 13, width / 2, height - 1.0 * CM - 13, mark[1], "centre")
        elif kind == "head":
            for k, line in enumerate(mark[1].splitlines()):
                pen.text(True, 14, width - RIGHT_MARGIN_CM * CM, height - 1.0 * CM - 14 - k * 16, line, "right")
        elif kind == "initials":
            x, y, w, h = width - RIGHT_MARGIN_CM * CM - 2.4 * CM, 0.55 * CM, 2.4 * CM, 1.1 * CM
            pen.rect(x, y, w, h, 0.6)
            pen.text(False, 7, x + 0.1 * CM, y + h - 0.3 * CM, "Ký nháy", "left")
        elif kind == "code":
            pagecode.draw(pen, width, height, mark[1])


def _in_faces(writer: PdfWriter, order: list[int], marks: dict[int, tuple[Any, ...]], faces: Faces | None) -> list[bytes] | None:
    """Each page's marks as PDF operators in the faces; None if a mark has a character they lack."""
    if faces is None:
        return None
    pages = []
    try:
        for i in order:
            box = writer.pages[i].mediabox
            pen = StreamPen(faces)
            _draw(pen, float(box.width), float(box.height), marks[i])
            pages.append(pen.take())
    except Unencodable:
        return None
    return pages


def _by_reportlab(writer: PdfWriter, order: list[int], marks: dict[int, tuple[Any, ...]]) -> list[tuple[bytes, IndirectObject]]:
    """(content, resources) of each page's marks drawn by reportlab (any character its font has)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    prime(c)
    for i in order:
        box = writer.pages[i].mediabox
        width, height = float(box.width), float(box.height)
        c.setPageSize((width, height))
        _draw(CanvasPen(c), width, height, marks[i])
        c.showPage()
    c.save()
    overlay = PdfReader(io.BytesIO(buf.getvalue()))
    resources = writer._add_object(overlay.pages[0]["/Resources"].clone(writer))  # reportlab shares one
    return [(cast(ContentStream, page.get_contents()).get_data(), resources) for page in overlay.pages]  # drawn: never empty


def apply_marks(writer: PdfWriter, marks: dict[int, tuple[Any, ...]], faces: Faces | None) -> None:
    """Draw `marks` (page index -> marks) on the writer's pages, in `faces` (None: by reportlab).

    The page's own content is left as it is (still compressed, never parsed) and the marks are
    painted after it in a fresh graphics state: `q <page> Q <marks>`. In the faces, the marks are
    a small content stream of their own and the faces join the page's fonts (as /HosoR, /HosoB:
    names no converter uses); drawn by reportlab, whose font names could clash with the page's,
    they are a form XObject with its own resources (`q <page> Q q /HosoMarks Do Q`)."""
    order = sorted(i for i, m in marks.items() if m)
    if not order:
        return
    before = writer._add_object(_stream(b"q\n"))
    drawn = _in_faces(writer, order, marks, faces)
    if drawn is not None and faces is not None:  # drawn in faces only when there are faces
        fonts: Any = cast(DictionaryObject, faces.resources(writer).get_object())["/Font"]
        for i, ops in zip(order, drawn, strict=True):
            page = writer.pages[i]
            _page_fonts(page).update(fonts)
            has_own = _has_contents(page)
            # compressed: a page code is a few hundred path operators (pipeline/bundle/pagecode.py)
            _paint_after(page, before, writer._add_object(flate_stream(b"Q\n" + ops if has_own else ops)))
        return
    after = writer._add_object(_stream(b"\nQ\nq /HosoMarks Do Q\n"))
    alone = writer._add_object(_stream(b"q /HosoMarks Do Q\n"))
    uses: dict[int, int] = {}  # resource dictionaries shared by several pages are copied, not changed
    for page in writer.pages:
        ref = page.raw_get("/Resources") if "/Resources" in page else None
        if isinstance(ref, IndirectObject):
            uses[ref.idnum] = uses.get(ref.idnum, 0) + 1
    for i, (content, resources) in zip(order, _by_reportlab(writer, order, marks), strict=True):
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
            own: Any = raw.get_object()  # this page's own: add the marks to it
        else:
            own = DictionaryObject(cast(DictionaryObject, page["/Resources"])) if raw is not None else DictionaryObject()
            page[NameObject("/Resources")] = own
        xobjects = DictionaryObject(own["/XObject"]) if "/XObject" in own else DictionaryObject()
        xobjects[NameObject("/HosoMarks")] = ref
        own[NameObject("/XObject")] = xobjects
        _paint_after(page, before, after if _has_contents(page) else alone)


def _page_fonts(page: PageObject) -> DictionaryObject:
    """The page's font dictionary (made if missing), to be added to."""
    if page.get("/Resources") is None:
        page[NameObject("/Resources")] = DictionaryObject()
    resources: Any = page["/Resources"].get_object()
    if resources.get("/Font") is None:
        resources[NameObject("/Font")] = DictionaryObject()
    return cast(DictionaryObject, resources["/Font"].get_object())


def _has_contents(page: PageObject) -> bool:
    return page.get("/Contents") is not None


def _paint_after(page: PageObject, before: IndirectObject, marks: IndirectObject) -> None:
    """Contents: `before` (q), the page's own streams, then `marks` (Q, then the marks); only
    `marks` if the page had no content."""
    contents = page.raw_get("/Contents") if "/Contents" in page else None
    if contents is None:
        page[NameObject("/Contents")] = ArrayObject([marks])
    else:
        inner = contents.get_object()
        inner = list(inner) if isinstance(inner, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([before, *inner, marks])


def _stream(data: bytes) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return s

