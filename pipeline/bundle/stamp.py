"""Page numbers in the bottom margin of bundles, drawn with an embedded Vietnamese-capable font.

Never inside a form's body: the number sits 1 cm above the bottom edge, inside the 2 cm margin
that Nghị định 30/2020 forms keep. pypdf cannot draw text, so reportlab draws one overlay page
per size and number.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from pipeline.errors import MissingDependency

FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu")
FONT_FILES = (("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"), ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"))


@cache
def fonts() -> tuple[str, str]:
    """Register and return (regular, bold) font names with every Vietnamese letter."""
    for folder in FONT_DIRS:
        for regular, bold in FONT_FILES:
            r, b = Path(folder) / regular, Path(folder) / bold
            if r.is_file() and b.is_file():
                pdfmetrics.registerFont(TTFont("HosoSerif", str(r)))
                pdfmetrics.registerFont(TTFont("HosoSerif-Bold", str(b)))
                return "HosoSerif", "HosoSerif-Bold"
    raise MissingDependency("Thiếu phông chữ Liberation Serif 2 (có đủ chữ tiếng Việt) để in bìa và số trang.",
                            hint="sudo apt-get install -y fonts-liberation2 fonts-dejavu-core")


def _overlay(text: str, width: float, height: float):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFont(fonts()[0], 10)
    c.drawCentredString(width / 2, 1.0 * cm, text)
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0]


def number_pages(writer: PdfWriter, *, skip: set[int] = frozenset(), label: str = "Trang {n}/{total}") -> None:
    """Stamp page numbers (1-based, physical) on every page but `skip` (cover, blank pages);
    viewer page labels are the same numbers."""
    total = len(writer.pages)
    for i, page in enumerate(writer.pages):
        if i in skip:
            continue
        box = page.mediabox
        page.merge_page(_overlay(label.format(n=i + 1, total=total), float(box.width), float(box.height)))
    writer.set_page_label(0, total - 1, style="/D", start=1)


def draw_form_headers(pdf: bytes, *, page_numbers: bool, first_page: str = "", size: float = 13,
                      right_margin_cm: float = 2.0) -> bytes:
    """What a form's headers print, drawn on its PDF (forms are converted without headers, see
    pipeline/pdf/join.py): the page number centred in the top margin from page 2 (Nghị định
    30/2020), and the first page's own header text (e.g. "Mẫu số 02") at the top right."""
    if not page_numbers and not first_page:
        return pdf
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    regular, bold = fonts()
    for i, page in enumerate(writer.pages):
        if (i == 0 and not first_page) or (i > 0 and not page_numbers):
            continue
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(width, height))
        if i == 0:
            c.setFont(bold, 14)
            for k, line in enumerate(first_page.splitlines()):
                c.drawRightString(width - right_margin_cm * cm, height - 1.0 * cm - 14 - k * 16, line)
        else:
            c.setFont(regular, size)
            c.drawCentredString(width / 2, height - 1.0 * cm - size, str(i + 1))
        c.save()
        page.merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def initials_boxes(pdf: bytes, *, label: str = "Ký nháy") -> bytes:
    """A small box at the bottom right of every page but the last, where the signer initials
    ("ký nháy ở góc phải, phía dưới tất cả các tờ, trừ tờ cuối" — seed 000)."""
    reader = PdfReader(io.BytesIO(pdf))
    if len(reader.pages) < 2:
        return pdf
    writer = PdfWriter(clone_from=reader)
    regular, _bold = fonts()
    for page in list(writer.pages)[:-1]:
        box = page.mediabox
        width = float(box.width)
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(width, float(box.height)))
        x, y, w, h = width - 2.0 * cm - 2.4 * cm, 0.55 * cm, 2.4 * cm, 1.1 * cm
        c.setLineWidth(0.6)
        c.rect(x, y, w, h)
        c.setFont(regular, 7)
        c.drawString(x + 0.1 * cm, y + h - 0.3 * cm, label)
        c.save()
        page.merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
