"""Cover sheets and tables of contents: laid out here (lines wrapped, tables split across pages
with their heading row repeated) and drawn with a pen (pipeline/bundle/pens.py) in the forms' own
fonts. A cover with a character those fonts lack is drawn by reportlab instead, same layout."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from pipeline.bundle.pens import CanvasPen, Faces, Pen, StreamPen, Unencodable, prime

CM = 72 / 2.54
A4 = (595.28, 841.89)
LEFT, RIGHT, TOP, BOTTOM = 3 * CM, 2 * CM, 2 * CM, 2 * CM  # Nghị định 30/2020 margins
WIDTH = A4[0] - LEFT - RIGHT
PAD_X, PAD_Y = 6.0, 3.0  # inside a table cell
GRID_WIDTH, GRID_GRAY, HEADING_GRAY = 0.4, 0.5, 0.92
INDENT = 12.0  # a level of the table of contents


@dataclass(frozen=True)
class Style:
    bold: bool
    size: float
    leading: float
    align: str = "left"  # left, centre, right


BASE = Style(False, 12, 15)
BOLD = Style(True, 12, 15)
SMALL = Style(False, 10, 12)
CENTRE = Style(False, 12, 15, "centre")
HEAD = Style(True, 13, 16, "centre")
TITLE = Style(True, 16, 21, "centre")


@dataclass(frozen=True)
class TocEntry:
    title: str
    page: int
    level: int = 0  # 0: section, 1: person or document, 2: document of a person
    note: str = ""  # e.g. who signs


@dataclass(frozen=True)
class CoverSpec:
    header: tuple[str, ...]
    title: str
    facts: tuple[tuple[str, str], ...]
    entries: tuple[TocEntry, ...]
    toc_title: str = "MỤC LỤC"
    footer: str = ""


@dataclass(frozen=True)
class CoverPages:
    """A drawn cover: one content stream a page (in the faces: /HosoR, /HosoB), or — for a cover
    with a character outside them — its pages in a reportlab PDF (reader, first page index, pages)."""

    contents: tuple[bytes, ...] = ()
    pdf: tuple[PdfReader, int, int] | None = None

    @property
    def count(self) -> int:
        return len(self.contents) if self.pdf is None else self.pdf[2]


def wrap(pen: Pen, text: str, style: Style, width: float) -> list[str]:
    """Lines of `text` no wider than `width`: broken at spaces (and at "\\n"); a word wider than
    the line is broken between letters."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if pen.measure(style.bold, style.size, candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while pen.measure(style.bold, style.size, word) > width and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and pen.measure(style.bold, style.size, word[:cut]) > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


@dataclass(frozen=True)
class _Cell:
    lines: tuple[str, ...]
    style: Style
    indent: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * self.style.leading


def _cell(pen: Pen, text: str, style: Style, width: float, indent: float = 0.0) -> _Cell:
    return _Cell(tuple(wrap(pen, text, style, width - 2 * PAD_X - indent)), style, indent)


class _Layout:
    """Draws top to bottom, starting a new page when the next block does not fit."""

    def __init__(self, pen: Pen, new_page: Callable[[], None]) -> None:
        self.pen, self.new_page = pen, new_page
        self.y = A4[1] - TOP

    @property
    def at_top(self) -> bool:
        return self.y >= A4[1] - TOP - 0.01

    def room(self, height: float) -> None:
        if self.y - height < BOTTOM and not self.at_top:
            self.new_page()
            self.y = A4[1] - TOP

    def line(self, text: str, style: Style, x: float, width: float, top: float) -> None:
        """One line of text in the box [x, x + width] whose top is `top`."""
        baseline = top - style.leading + (style.leading - style.size) / 2 + 0.22 * style.size
        at = {"left": x, "centre": x + width / 2, "right": x + width}[style.align]
        if text:
            self.pen.text(style.bold, style.size, at, baseline, text, style.align)

    def paragraph(self, text: str, style: Style, before: float = 0.0, after: float = 0.0) -> None:
        if not self.at_top:
            self.y -= before
        for line in wrap(self.pen, text, style, WIDTH):
            self.room(style.leading)
            self.line(line, style, LEFT, WIDTH, self.y)
            self.y -= style.leading
        self.y -= after

    def row(self, cells: list[_Cell], widths: list[float], *, grid: bool, fill: float | None = None) -> None:
        height = max(c.height for c in cells) + 2 * PAD_Y
        x = LEFT
        if fill is not None:
            self.pen.fill(LEFT, self.y - height, sum(widths), height, fill)
        for cell, width in zip(cells, widths, strict=True):
            top = self.y - PAD_Y - ((height - 2 * PAD_Y - cell.height) / 2 if grid else 0)  # grid: centred
            for line in cell.lines:
                self.line(line, cell.style, x + PAD_X + cell.indent, width - 2 * PAD_X - cell.indent, top)
                top -= cell.style.leading
            if grid:
                self.pen.rect(x, self.y - height, width, height, GRID_WIDTH, GRID_GRAY)
            x += width
        self.y -= height

    def table(self, rows: list[list[_Cell]], widths: list[float], *, heading: list[_Cell] | None = None) -> None:
        """Rows top to bottom; a row never split; with a heading: grid lines, and the heading row
        repeated at the top of every page the table continues on."""
        grid = heading is not None

        def height(cells: list[_Cell]) -> float:
            return max(c.height for c in cells) + 2 * PAD_Y

        if heading is not None:
            self.room(height(heading) + (height(rows[0]) if rows else 0))
            self.row(heading, widths, grid=True, fill=HEADING_GRAY)
        for cells in rows:
            if self.y - height(cells) < BOTTOM and not self.at_top:
                self.new_page()
                self.y = A4[1] - TOP
                if heading is not None:
                    self.row(heading, widths, grid=True, fill=HEADING_GRAY)
            self.row(cells, widths, grid=grid)


def _lay_out(spec: CoverSpec, pen: Pen, new_page: Callable[[], None]) -> None:
    out = _Layout(pen, new_page)
    for line in spec.header:
        out.paragraph(line, HEAD)
    out.paragraph(spec.title, TITLE, before=24, after=12)
    if spec.facts:
        widths = [5 * CM, WIDTH - 5 * CM]
        out.table([[_cell(pen, k, BOLD, widths[0]), _cell(pen, v, BASE, widths[1])] for k, v in spec.facts], widths)
        out.y -= 12
    if spec.entries:
        out.paragraph(spec.toc_title, HEAD, after=6)
        widths = [WIDTH - 2 * CM, 2 * CM]
        heading = [_cell(pen, "Nội dung", BOLD, widths[0]), _cell(pen, "Trang", Style(True, 12, 15, "centre"), widths[1])]
        rows = []
        for e in spec.entries:
            style = BOLD if e.level == 0 else BASE if e.level == 1 else SMALL
            text = e.title + (f"\n{e.note}" if e.note else "")
            rows.append([_cell(pen, text, style, widths[0], INDENT * max(0, e.level - 1)),
                         _cell(pen, str(e.page), CENTRE, widths[1])])
        out.table(rows, widths, heading=heading)
    if spec.footer:
        out.paragraph(spec.footer, SMALL, before=12)


def _in_faces(spec: CoverSpec, faces: Faces) -> CoverPages:
    pen = StreamPen(faces)
    pages: list[bytes] = []
    _lay_out(spec, pen, lambda: pages.append(pen.take()))
    pages.append(pen.take())
    return CoverPages(tuple(pages))


def _by_reportlab(specs: list[CoverSpec]) -> list[CoverPages]:
    """Covers drawn on reportlab canvases (any character its fonts have), in one document."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    prime(c)
    c.setTitle("Bìa hồ sơ")
    c.setAuthor("hoso")
    ranges, page = [], 0
    for spec in specs:
        count = [1]

        def new_page(count: list[int] = count) -> None:
            c.showPage()
            count[0] += 1

        _lay_out(spec, CanvasPen(c), new_page)
        c.showPage()
        ranges.append((page, count[0]))
        page += count[0]
    c.save()
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    return [CoverPages(pdf=(reader, first, n)) for first, n in ranges]


def draw(specs: list[CoverSpec], faces: Faces | None) -> list[CoverPages]:
    """Every cover of `specs`, each starting on a new page: in the faces when it can be, the
    rest by reportlab (in one document)."""
    out: list[CoverPages | None] = []
    for spec in specs:
        try:
            out.append(_in_faces(spec, faces) if faces is not None else None)
        except Unencodable:
            out.append(None)
    rest = [spec for spec, drawn in zip(specs, out, strict=True) if drawn is None]
    if rest:
        drawn = iter(_by_reportlab(rest))
        out = [d if d is not None else next(drawn) for d in out]
    return cast(list[CoverPages], out)  # every None replaced just above
