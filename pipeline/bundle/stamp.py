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

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
)
FONT = "HosoSerif"


@cache
def _font() -> str:
    for path in FONT_CANDIDATES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT, path))
            return FONT
    raise MissingDependency("Thiếu phông chữ Liberation Serif để đánh số trang.",
                            hint="sudo apt-get install -y fonts-liberation2 fonts-dejavu-core")


def _overlay(text: str, width: float, height: float):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setFont(_font(), 10)
    c.drawCentredString(width / 2, 1.0 * cm, text)
    c.save()
    return PdfReader(io.BytesIO(buf.getvalue())).pages[0]


def number_pages(writer: PdfWriter, *, label: str = "Trang {n}/{total}") -> None:
    """Stamp every non-blank page with its number in the bundle; viewer labels match."""
    total = len(writer.pages)
    for i, page in enumerate(writer.pages):
        box = page.mediabox
        page.merge_page(_overlay(label.format(n=i + 1, total=total), float(box.width), float(box.height)))
    writer.set_page_label(0, total - 1, style="/D", start=1)
