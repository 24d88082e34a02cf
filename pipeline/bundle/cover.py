"""Cover sheets and tables of contents, drawn with reportlab in an embedded Vietnamese font."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pipeline.bundle.stamp import fonts, prime


@dataclass(frozen=True)
class TocEntry:
    title: str
    page: int
    level: int = 0  # 0: section, 1: person or document, 2: document of a person
    note: str = ""  # e.g. who signs


def _styles():
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=12, leading=15)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=12),
        "head": ParagraphStyle("head", parent=base, fontName=bold, alignment=TA_CENTER, fontSize=13, leading=16),
        "title": ParagraphStyle("title", parent=base, fontName=bold, alignment=TA_CENTER, fontSize=16, leading=21,
                                spaceBefore=24, spaceAfter=12),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


@dataclass(frozen=True)
class CoverSpec:
    header: tuple[str, ...]
    title: str
    facts: tuple[tuple[str, str], ...]
    entries: tuple[TocEntry, ...]
    toc_title: str = "MỤC LỤC"
    footer: str = ""


def _story(spec: CoverSpec, st) -> list:
    story = [_p(line, st["head"]) for line in spec.header]
    story += [_p(spec.title, st["title"])]
    if spec.facts:
        rows = [[_p(k, st["bold"]), _p(v, st["base"])] for k, v in spec.facts]
        t = Table(rows, colWidths=[5 * cm, 11 * cm])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        story += [t, Spacer(1, 12)]
    if spec.entries:
        story.append(_p(spec.toc_title, st["head"]))
        story.append(Spacer(1, 6))
        rows = [[_p("Nội dung", st["bold"]), _p("Trang", st["bold"])]]
        for e in spec.entries:
            indent = "\u2003" * e.level
            text = indent + e.title + (f"\n{indent}{e.note}" if e.note else "")
            style = st["bold"] if e.level == 0 else st["base"] if e.level == 1 else st["small"]
            rows.append([_p(text, style), _p(str(e.page), st["center"])])
        t = Table(rows, colWidths=[14 * cm, 2 * cm], repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ]))
        story.append(t)
    if spec.footer:
        story += [Spacer(1, 12), _p(spec.footer, st["small"])]
    return story


class _Start(Flowable):
    """Takes no room; records the page on which cover `index` starts."""

    def __init__(self, index: int, starts: dict[int, int]) -> None:
        super().__init__()
        self.index, self.starts = index, starts
        self.width = self.height = 0

    def wrap(self, *_args):
        return 0, 0

    def draw(self) -> None:
        self.starts[self.index] = self.canv.getPageNumber() - 1


def render_many(specs: list[CoverSpec]) -> tuple[bytes, list[tuple[int, int]]]:
    """Many covers in ONE document (the fonts are embedded once, the layout engine set up once):
    the PDF and, for each cover, (first page index, pages). Each cover starts on a new page."""
    st = _styles()
    starts: dict[int, int] = {}
    story: list = []
    for i, spec in enumerate(specs):
        if i:
            story.append(PageBreak())
        story.append(_Start(i, starts))
        story += _story(spec, st)
    buf = io.BytesIO()
    title = specs[0].title if len(specs) == 1 else "Bìa hồ sơ"
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=3 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=title, author="hoso", invariant=1)
    doc.build(story, onFirstPage=prime, onLaterPages=prime)
    total = doc.page
    first = [starts[i] for i in range(len(specs))]
    ranges = [(f, (first[i + 1] if i + 1 < len(first) else total) - f) for i, f in enumerate(first)]
    return buf.getvalue(), ranges


def render(header: list[str], title: str, facts: list[tuple[str, str]], entries: list[TocEntry],
           *, toc_title: str = "MỤC LỤC", footer: str = "") -> bytes:
    """One cover (+ table of contents on as many pages as it needs) as PDF bytes."""
    return render_many([CoverSpec(tuple(header), title, tuple(facts), tuple(entries), toc_title, footer)])[0]
