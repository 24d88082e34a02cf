"""SpreadsheetML written directly: the small in-memory model (`Book`, `Sheet`: values, one of seven
cell styles, column widths, frozen header row, auto-filter, A4 page set-up with the header row repeated on
every page) and `book_bytes`, which writes it as an
.xlsx — the styles defined once in `xl/styles.xml`, each distinct text once in
`xl/sharedStrings.xml`, fixed timestamps (the same book gives the same bytes). The writer beside
the reader (`pipeline/ingest/xlsx.py`): the ratings file (`submission/ratings_xlsx.py`), the
province summary (`submission/province.py`), the write-back copy and the summary table use it.

openpyxl's normal mode needed ~4 s for the 263,000 cells of a 10,000-person agency (a Python object
and a style lookup per cell); this writer needs a few tenths of a second and does not import openpyxl.

Every text cell is written as a string, never as a formula: a value such as `=1+1` or `@x` stays
text. `put`, `HEADER_FILL`, `HEADER_FONT` and `WRAP` are for openpyxl worksheets (the summary table
of `pipeline.submission.summary_table`); `text` and `lines` are shared with the write-back.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from pipeline.ingest.xlsx import column_letter as _letters  # 0-based
from pipeline.quotes import curly_quotes

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

MAX_CELL = 32_767
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # as openpyxl: not allowed in XML
DEFAULT_WIDTH = 13  # what a column is when a table only asks for "at least" a width (openpyxl's default)


def text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"


# -- openpyxl helpers (for other modules' openpyxl worksheets) ---------------------------------------
def __getattr__(name: str) -> Any:
    """HEADER_FONT, HEADER_FILL, WRAP: openpyxl style objects, made on first use (so that importing
    this module does not import openpyxl)."""
    if name in ("HEADER_FONT", "HEADER_FILL", "WRAP"):
        from openpyxl.styles import Alignment, Font, PatternFill

        values = {"HEADER_FONT": Font(bold=True), "HEADER_FILL": PatternFill("solid", fgColor="DDEBF7"),
                  "WRAP": Alignment(wrap_text=True, vertical="top")}
        globals().update(values)
        return values[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def put(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False, wrap: bool = False
        ) -> Cell | MergedCell:
    """Write one cell of an openpyxl worksheet; strings are always stored as strings (never formulas)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = text(value)
        cell.data_type = "s"  # openpyxl would otherwise treat "=…" as a formula
    else:
        cell.value = value
    if bold:
        cell.font = __getattr__("HEADER_FONT")
    if wrap:
        cell.alignment = __getattr__("WRAP")
    return cell


# -- the model ---------------------------------------------------------------------------------------
# Cell styles (index into cellXfs of xl/styles.xml): plain, table header (bold, wrapped, filled),
# wrapped, bold, bold and wrapped; a number shown as a percentage with one decimal («7,7%» in a Vietnamese
# Excel: the value 0.077), a date shown dd/mm/yyyy (the value a `datetime.date`). The last two are written
# into styles.xml only by a book that uses them: every other book keeps its bytes.
PLAIN, HEADER, WRAPPED, BOLD, BOLD_WRAPPED, PERCENT, DATE = range(7)
_WRAPS = frozenset({HEADER, WRAPPED, BOLD_WRAPPED})
LINE_HEIGHT = 15  # points: one line of the default 11-point font (a row's default height)
_CHARS_PER_WIDTH = 1.2  # a column `w` wide holds ~1.2 w characters of Vietnamese text (its unit is a digit's width)
_BOLD_WIDTH = 0.7  # a bold line holds fewer characters (the header font is wider)
FOOTER = "&CTrang &P/&N"  # every printed page numbered at its foot: «Trang 2/5»


def text_lines(value: object, width: float) -> int:
    """About how many lines `value` takes in a wrapped cell `width` wide (each «\n» starts a line; a line holds
    about 1.2 `width` - 1 characters of the default font, words kept whole)."""
    if not isinstance(value, str) or not value:
        return 1
    per = max(int(width * _CHARS_PER_WIDTH) - 1, 1)
    return sum(max(math.ceil(len(part) / per), 1) for part in value.split("\n"))
_STYLE = {(False, False): PLAIN, (False, True): WRAPPED, (True, False): BOLD, (True, True): BOLD_WRAPPED}


class Sheet:
    """One worksheet: rows of values (column 1 first) with a style per value, column widths, an
    optional frozen header row and auto-filter range."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: dict[int, tuple[list[Any], list[int]]] = {}
        self.widths: dict[int, float] = {}
        self.freeze_row: int | None = None  # rows above this one stay visible
        self.auto_filter: str | None = None
        self.title_row: int | None = None  # the table's header row, printed again at the top of every page
        # columns printed again at the left of every page («A:C») when the sheet is too wide to fit a page's width
        self.title_cols: str | None = None

    def put(self, row: int, col: int, value: Any, *, bold: bool = False, wrap: bool = False) -> None:
        values, styles = self.rows.setdefault(row, ([], []))
        if len(values) < col:
            values.extend([None] * (col - len(values)))
            styles.extend([PLAIN] * (col - len(styles)))
        values[col - 1] = value
        styles[col - 1] = _STYLE[bold, wrap]

    def set_width(self, col: int, width: float) -> None:
        self.widths[col] = width

    def widen(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, DEFAULT_WIDTH), width)


class Book:
    def __init__(self, *, ngoac_kep: bool = False) -> None:
        self.sheets: list[Sheet] = []
        # a paper's quotation marks: every «…» in its texts written “…” (forms/render.py::curly_quotes)
        self.ngoac_kep = ngoac_kep
        # what the book is, printed in bold at the head of every page of every sheet (its sheets have no title row)
        self.page_title: str | None = None

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]

    def create_sheet(self, title: str) -> Sheet:
        sheet = Sheet(title)
        self.sheets.append(sheet)
        return sheet

    def __getitem__(self, title: str) -> Sheet:
        return next(s for s in self.sheets if s.title == title)


def column_letter(col: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    return _letters(col - 1)


def table(ws: Sheet, first_row: int, headers: list[tuple[str, int]], rows: list[list[Any]], *,
          wrap_cols: AbstractSet[int] = frozenset(), freeze: bool = True,
          percent_cols: AbstractSet[int] = frozenset(), date_cols: AbstractSet[int] = frozenset()) -> int:
    """Header row plus data rows; returns the next free row. `percent_cols`: numbers shown «0.0%» (a text in such a
    column, e.g. "" for no share, stays text); `date_cols`: dates shown dd/mm/yyyy."""
    for c, (_, width) in enumerate(headers, start=1):
        ws.widen(c, width)
    ws.rows[first_row] = ([title for title, _ in headers], [HEADER] * len(headers))
    styles = [PERCENT if c in percent_cols else DATE if c in date_cols else WRAPPED if c in wrap_cols else PLAIN
              for c in range(1, len(headers) + 1)]
    for r, values in enumerate(rows, start=first_row + 1):
        ws.rows[r] = (values, styles)
    if freeze:
        ws.freeze_row = first_row + 1
        ws.title_row = first_row
    if rows:
        ws.auto_filter = f"A{first_row}:{column_letter(len(headers))}{first_row + len(rows)}"
    return first_row + len(rows) + 2


def lines(items: Iterable[object]) -> str:
    return "\n".join(f"• {x}" for x in items)


# -- SpreadsheetML ---------------------------------------------------------------------------------
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Excel reads _xHHHH_ in a string as the character U+HHHH: a literal one has its "_" escaped.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_EPOCH = dt.date(1899, 12, 30)  # day 0 of a workbook's dates as Excel counts them (past its 1900 leap-year bug)

_STYLES = (
    _DECL + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    # the Normal style top-aligned too: LibreOffice gives a cell without a style (`s`) the Normal style, not xf 0
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1">'
    '<alignment vertical="top"/></xf></cellStyleXfs>'
    '<cellXfs count="5">'
    # every cell at the top of its row: beside a wrapped text many lines tall, a name or a level printed at the
    # row's foot read as the next row's (seen on paper, 2026-12-08)
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs>'  # the count and this end are rewritten by a book with percentages or dates (`_styles`)
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)


def _escape(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "_x" in value:
        value = _EXCEL_ESCAPE.sub(r"_x005F_\1", value)
    return value


class _SharedStrings:
    """The workbook's shared string table: each distinct text is stored once (the reasons and
    warnings repeat across thousands of rows)."""

    def __init__(self, *, curly: bool = False) -> None:
        self.index: dict[str, int] = {}  # text as given -> position, or -1 when nothing is left of it
        self.texts: list[str] = []
        self.count = 0
        self.curly = curly  # «…» written “…” (Book.ngoac_kep)

    def add(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            cleaned = value
            if len(value) > MAX_CELL or not value.isprintable():  # control characters, or merely a line break
                cleaned = text(value)
            if cleaned:
                i = len(self.texts)
                self.texts.append(cleaned)
            else:
                i = -1
            self.index[value] = i
        return i

    def xml(self) -> str:
        items = []
        for value in self.texts:
            if self.curly:
                value = curly_quotes(value)
            space = ' xml:space="preserve"' if value[0] in " \t\n" or value[-1] in " \t\n" else ""
            items.append(f"<si><t{space}>{_escape(value)}</t></si>")
        return (_DECL + f'<sst xmlns="{_MAIN}" count="{self.count}" uniqueCount="{len(self.texts)}">'
                + "".join(items) + "</sst>")


_STYLE_ATTR = ["", ' s="1"', ' s="2"', ' s="3"', ' s="4"', ' s="5"', ' s="6"']
_NUMBER_FORMATS = '<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts>'
_NUMBER_XFS = ('<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>'
               '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>')


def _styles(numbers: bool) -> str:
    """xl/styles.xml: the five styles, and the percentage and date styles when the book uses one (`numbers`)."""
    if not numbers:
        return _STYLES
    return (_STYLES.replace(f'<styleSheet xmlns="{_MAIN}">', f'<styleSheet xmlns="{_MAIN}">{_NUMBER_FORMATS}', 1)
            .replace('<cellXfs count="5">', '<cellXfs count="7">', 1).replace("</cellXfs>", _NUMBER_XFS + "</cellXfs>", 1))


def _uses_numbers(book: Book) -> bool:
    return any(st >= PERCENT for sheet in book.sheets for _, styles in sheet.rows.values() for st in styles)


def _sheet_data(sheet: Sheet, letters: list[str], sst: _SharedStrings) -> tuple[str, int]:
    """The <sheetData> element and the number of the last column used. A row with a wrapped cell gets the height
    of its tallest one (`text_lines`): neither LibreOffice nor every Excel sizes such a row when opening the file,
    and a printed row one line high shows the first line of each text over the next row's."""
    out = ["<sheetData>"]
    col_widths = [sheet.widths.get(c, DEFAULT_WIDTH) for c in range(1, len(letters) + 1)]
    append = out.append
    width = 0
    strings = sst.index
    add = sst.add
    count = 0
    attrs_of: dict[int, list[str]] = {}  # id(styles) -> the style attribute of each column (table rows share one list)
    for r in sorted(sheet.rows):
        values, styles = sheet.rows[r]
        attrs = attrs_of.get(id(styles))
        if attrs is None:
            attrs = attrs_of[id(styles)] = [_STYLE_ATTR[s] for s in styles]
        rs = str(r)
        cells = []
        for letter, value, attr in zip(letters, values, attrs, strict=False):  # letters: the widest row
            cls = value.__class__
            if cls is str:
                if value:
                    index = strings.get(value)
                    if index is None:
                        index = add(value)
                    if index >= 0:
                        count += 1
                        cells.append(f'<c r="{letter}{rs}"{attr} t="s"><v>{index}</v></c>')
                        continue
                if attr:
                    cells.append(f'<c r="{letter}{rs}"{attr}/>')
            elif cls is int or (cls is float and math.isfinite(value)):
                cells.append(f'<c r="{letter}{rs}"{attr}><v>{value!r}</v></c>')
            elif value is None:
                if attr:
                    cells.append(f'<c r="{letter}{rs}"{attr}/>')
            elif cls is bool:
                cells.append(f'<c r="{letter}{rs}"{attr} t="b"><v>{int(value)}</v></c>')
            elif cls is dt.date:  # a serial day number (1900 system), shown as its style says (DATE)
                cells.append(f'<c r="{letter}{rs}"{attr}><v>{(value - _EPOCH).days}</v></c>')
            else:
                index = add(str(value))
                if index >= 0:
                    count += 1
                    cells.append(f'<c r="{letter}{rs}"{attr} t="s"><v>{index}</v></c>')
                elif attr:
                    cells.append(f'<c r="{letter}{rs}"{attr}/>')
        if cells:
            lines = max((text_lines(v, w * _BOLD_WIDTH if st != WRAPPED else w)
                         for v, st, w in zip(values, styles, col_widths, strict=False)
                         if st in _WRAPS and v.__class__ is str), default=1)
            height = f' ht="{lines * LINE_HEIGHT:g}" customHeight="1"' if lines > 1 else ""
            append(f'<row r="{rs}"{height}>{"".join(cells)}</row>')
            width = max(width, len(values))
    append("</sheetData>")
    sst.count += count
    return "".join(out), width


def _header_footer(page_title: str | None) -> str:
    """The page's header (`Book.page_title`, bold, centred; «&» doubled, as the codes start with it) and footer."""
    head = f'&C&"-,Bold"{page_title.replace("&", "&&")}' if page_title else ""
    return ("<headerFooter>" + (f"<oddHeader>{_xml_text(head)}</oddHeader>" if head else "")
            + f"<oddFooter>{_xml_text(FOOTER)}</oddFooter></headerFooter>")


def _worksheet(sheet: Sheet, sst: _SharedStrings, page_title: str | None = None) -> str:
    width = max([len(v) for v, _ in sheet.rows.values()] + list(sheet.widths) + [1])
    letters = [column_letter(c) for c in range(1, width + 1)]
    data, used = _sheet_data(sheet, letters, sst)
    rows = [r for r, (values, _) in sheet.rows.items() if any(v is not None and v != "" for v in values)]
    dimension = f"A1:{letters[max(used, 1) - 1]}{max(rows)}" if rows else "A1"
    if sheet.freeze_row:
        top = f"A{sheet.freeze_row}"
        view = (f'<sheetView workbookViewId="0"><pane ySplit="{sheet.freeze_row - 1}" topLeftCell="{top}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
                "</sheetView>")
    else:
        view = '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
    cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>' for c, w in sorted(sheet.widths.items()))
    landscape, wide = _page_shape(sheet, max(used, 1))
    return (_DECL + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            + '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            + f'<dimension ref="{dimension}"/>'
            f"<sheetViews>{view}</sheetViews>"
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + data
            + (f'<autoFilter ref="{sheet.auto_filter}"/>' if sheet.auto_filter else "")
            + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
            + f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}"'
            + f' fitToWidth="{wide}" fitToHeight="0"' + (' pageOrder="overThenDown"' if wide > 1 else "") + "/>"
            + _header_footer(page_title) + "</worksheet>")


# How a sheet prints on A4 (paperSize 9) between the margins above (0.75 in each side): about 90 characters of the
# default font across a portrait page, 135 across a landscape one (a column `w` wide takes ~7 w + 5 pixels at 96 dpi).
# A sheet wider than a portrait page prints landscape, fitted to the page's width (as many pages tall as it needs)
# when that makes it no smaller than 60 %; a wider one (the ratings' reasons, 400 characters) to as many pages' width
# as keep it about that size (2 for 226 … 450 characters), the pages of the same rows one after the other (left to
# right, then down) with the columns that name a row repeated at their left (`Sheet.title_cols`); before
# 2026-12-08 it printed at its size across 3 to 5 pages. Its header row is printed on every page (`Sheet.title_row`),
# and every page has its number at its foot (`FOOTER`).
PORTRAIT_CHARS, LANDSCAPE_CHARS, SMALLEST_FIT = 90, 135, 0.6


def _page_shape(sheet: Sheet, columns: int) -> tuple[bool, int]:
    """(landscape, the pages wide it is fitted to) for `sheet`, whose used columns are 1 … `columns`."""
    return page_shape(sum(sheet.widths.get(c, DEFAULT_WIDTH) for c in range(1, columns + 1)))


def page_shape(chars: float) -> tuple[bool, int]:
    """(landscape, the pages wide it is fitted to) for a sheet `chars` characters wide (its columns' widths)."""
    if chars <= PORTRAIT_CHARS:
        return False, 1
    return True, max(math.ceil(chars / (LANDSCAPE_CHARS / SMALLEST_FIT)), 1)


def print_setup(ws: Worksheet, columns: int, title_rows: str | None, *, page_title: str | None = None) -> None:
    """The same page set-up on an openpyxl worksheet (the summary table's) whose used columns are 1 … `columns`:
    A4, `page_shape` of their widths, `title_rows` («5:7») printed at the top of every page, the page's number at
    its foot (`FOOTER`)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    landscape, wide = page_shape(sum(ws.column_dimensions[get_column_letter(c)].width or DEFAULT_WIDTH
                                     for c in range(1, columns + 1)))
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = wide, 0
    if wide > 1:
        ws.page_setup.pageOrder = "overThenDown"
    if title_rows:
        ws.print_title_rows = title_rows
    footer = ws.oddFooter
    assert footer is not None and footer.center is not None  # openpyxl makes a sheet's with it
    footer.center.text = FOOTER[2:]  # without its «&C»: openpyxl writes the section's code itself
    if page_title:  # a sheet without a title row: what it is, in bold at the head of every page (`Book.page_title`)
        header = ws.oddHeader
        assert header is not None and header.center is not None
        header.center.text, header.center.font = page_title, "-,Bold"


def fit_rows(ws: Worksheet, first: int, last: int) -> None:
    """The heights of rows `first` … `last` of an openpyxl worksheet from their wrapped texts (`text_lines`; a
    merged cell: its columns' widths together, its lines shared by its rows): LibreOffice does not size a row when
    it opens the file, nor does any program size one under a merged cell."""
    from openpyxl.utils import get_column_letter

    def width(col: int) -> float:
        return ws.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH

    merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
    need: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first, max_row=min(last, ws.max_row)):  # no row added below the sheet's last
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value or not cell.alignment.wrap_text:
                continue
            col = cell.column
            m = merged.get((cell.row, col))
            cols = range(m.min_col, m.max_col + 1) if m else range(col, col + 1)
            rows = range(m.min_row, m.max_row + 1) if m else range(cell.row, cell.row + 1)
            w = sum(width(c) for c in cols) * (_BOLD_WIDTH if cell.font.b else 1)
            each = math.ceil(text_lines(cell.value, w) / len(rows)) * LINE_HEIGHT
            for r in rows:
                need[r] = max(need.get(r, LINE_HEIGHT), each)
    for r, height in need.items():
        if height > LINE_HEIGHT:
            ws.row_dimensions[r].height = height


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(title: str) -> str:
    """A sheet name as formulas write it: 'Nhom O''Brien'."""
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _print_titles(sheet: Sheet) -> str:
    """«'KetQua'!$A:$C,'KetQua'!$1:$1»: the columns, then the rows, printed on every page."""
    parts = []
    if sheet.title_cols:
        first, _, last = sheet.title_cols.partition(":")
        parts.append(f"{_quoted(sheet.title)}!${first}:${last or first}")
    if sheet.title_row:
        parts.append(f"{_quoted(sheet.title)}!${sheet.title_row}:${sheet.title_row}")
    return ",".join(parts)


def _workbook_xml(book: Book) -> str:
    sheets = "".join(f'<sheet name="{_xml_text(s.title).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, s in enumerate(book.sheets, start=1))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_xml_text(_quoted(s.title))}!{_absolute(s.auto_filter)}</definedName>"
        for i, s in enumerate(book.sheets) if s.auto_filter)
    names += "".join(  # the header row (and the naming columns) printed on every page
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">{_xml_text(_print_titles(s))}</definedName>'
        for i, s in enumerate(book.sheets) if s.title_row or s.title_cols)
    return (_DECL + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "")
            + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')


def _parts(book: Book, created: dt.datetime) -> list[tuple[str, str]]:
    n = len(book.sheets)
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    content_types = (
        _DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_SHEET}"/>' for i in range(1, n + 1))
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>")
    root_rels = (
        _DECL + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')
    workbook_rels = (
        _DECL + f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    core = (
        _DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>hoso</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')
    app = (_DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>hoso</Application></Properties>")
    sst = _SharedStrings(curly=book.ngoac_kep)
    sheets = [(f"xl/worksheets/sheet{i}.xml", _worksheet(s, sst, book.page_title))
              for i, s in enumerate(book.sheets, start=1)]
    return [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
            ("docProps/app.xml", app), ("xl/workbook.xml", _workbook_xml(book)),
            ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", _styles(_uses_numbers(book))), *sheets,
            ("xl/sharedStrings.xml", sst.xml())]


def book_bytes(book: Book, fixed: dt.datetime) -> bytes:
    """A `Book` as .xlsx bytes, every part stamped `fixed` (the same book gives the same file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as zout:
        for name, xml in _parts(book, fixed):
            zi = zipfile.ZipInfo(name, date_time=fixed.timetuple()[:6])
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            zout.writestr(zi, xml.encode("utf-8"))
    return out.getvalue()
