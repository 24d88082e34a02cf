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
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

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


def render(header: list[str], title: str, facts: list[tuple[str, str]], entries: list[TocEntry],
           *, toc_title: str = "MỤC LỤC", footer: str = "") -> bytes:
    """One cover (+ table of contents on as many pages as it needs) as PDF bytes."""
    st = _styles()
    story = [_p(line, st["head"]) for line in header]
    story += [_p(title, st["title"])]
    if facts:
        rows = [[_p(k, st["bold"]), _p(v, st["base"])] for k, v in facts]
        t = Table(rows, colWidths=[5 * cm, 11 * cm])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        story += [t, Spacer(1, 12)]
    if entries:
        story.append(_p(toc_title, st["head"]))
        story.append(Spacer(1, 6))
        rows = [[_p("Nội dung", st["bold"]), _p("Trang", st["bold"])]]
        for e in entries:
            indent = "\u2003" * e.level
            text = indent + e.title + (f"\n{indent}{e.note}" if e.note else "")
            style = st["bold"] if e.level == 0 else st["base"] if e.level == 1 else st["small"]
            rows.append([_p(text, style),
                         _p(str(e.page), st["center"])])
        t = Table(rows, colWidths=[14 * cm, 2 * cm], repeatRows=1)
        t.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
        ]))
        story.append(t)
    if footer:
        story += [Spacer(1, 12), _p(footer, st["small"])]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=3 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=title, author="hoso", invariant=1)
    doc.build(story, onFirstPage=prime, onLaterPages=prime)
    return buf.getvalue()
