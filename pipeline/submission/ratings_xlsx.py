"""ket_qua_xep_loai.xlsx: the ratings for clerks.

Sheets: `KetQua` (one row per person: code, name, unit, group, status, self-rating, meeting level,
points, proposal, decided, ceiling, reasons, warnings, emulation), `TongHopDonVi` (per unit: counts
per level and cap status), one sheet per comparable group with the HTXS cap computation, `ThiDua`
(emulation), `ThongTin` (rulebook, settings, agency-wide warnings).

Every text cell is written as a string, never as a formula: a value such as `=1+1` or `@x` stays
text. The file is byte-for-byte reproducible (fixed zip and document timestamps).

The sheets are laid out on a small in-memory model (`Book`, `Sheet`: values, one of five cell
styles, column widths, frozen header row, auto-filter) and written as SpreadsheetML by `to_bytes`
directly: the styles are defined once in `xl/styles.xml`, each distinct text once in `xl/sharedStrings.xml`. openpyxl's
normal mode needed ~4 s for the 263,000 cells of a 10,000-person agency (a Python object and a
style lookup per cell); this writer needs a few tenths of a second and does not import openpyxl.

`put`, `HEADER_FILL`, `HEADER_FONT` and `WRAP` are for openpyxl worksheets (the summary table of
`pipeline.submission.summary_table`); `text`, `lines` and `TITLES` are shared with the write-back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.ingest.xlsx import column_letter as _letters  # 0-based

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet
from pipeline.rating.groups import group_label
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import GroupCap, PersonRating, Ratings
from pipeline.rating.summary import STATUS_WORDS, agency_htxs, unit_summaries

MAX_CELL = 32_767
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # as openpyxl: not allowed in XML
TITLES = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
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


def put(ws: Worksheet, row: int, col: int, value: Any, *, bold: bool = False, wrap: bool = False) -> Cell | MergedCell:
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
# wrapped, bold, bold and wrapped.
PLAIN, HEADER, WRAPPED, BOLD, BOLD_WRAPPED = range(5)
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
    def __init__(self) -> None:
        self.sheets: list[Sheet] = []

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
          wrap_cols: AbstractSet[int] = frozenset(), freeze: bool = True) -> int:
    """Header row plus data rows; returns the next free row."""
    for c, (_, width) in enumerate(headers, start=1):
        ws.widen(c, width)
    ws.rows[first_row] = ([title for title, _ in headers], [HEADER] * len(headers))
    styles = [WRAPPED if c in wrap_cols else PLAIN for c in range(1, len(headers) + 1)]
    for r, values in enumerate(rows, start=first_row + 1):
        ws.rows[r] = (values, styles)
    if freeze:
        ws.freeze_row = first_row + 1
    if rows:
        ws.auto_filter = f"A{first_row}:{column_letter(len(headers))}{first_row + len(rows)}"
    return first_row + len(rows) + 2


def lines(items: Iterable[object]) -> str:
    return "\n".join(f"• {x}" for x in items)


def level(code: str | None) -> str:
    return code or ""


def emulation_cell(pr: PersonRating) -> str:
    t = pr.thi_dua
    if t is None:
        return ""
    status = "đủ điều kiện" if t.du_dieu_kien else "không đủ điều kiện"
    head = f"{TITLES.get(t.de_nghi, t.de_nghi)}: {status}"
    if t.de_nghi == "CSTDCS" and not t.du_dieu_kien and t.dat_ldtt:
        head += " (đạt Lao động tiên tiến)"
    return head + ("\n" + lines(t.ly_do) if t.ly_do else "")


def _people_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("KetQua")
    headers = [("STT", 5), ("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Nhóm tương đồng", 18),
               ("Trạng thái", 14), ("Tự xếp loại", 9), ("Mức biểu quyết", 9), ("Điểm", 7), ("Mức đề xuất", 9),
               ("Mức quyết định", 9), ("Mức tối đa", 9), ("Lý do", 90), ("Cảnh báo", 60), ("Thi đua", 60)]
    rows = []
    for n, pr in enumerate(ratings.people, start=1):
        rows.append([n, pr.ma_so, pr.ho_ten, pr.ma_don_vi, group_label(pr.nhom_tuong_dong), STATUS_WORDS[pr.trang_thai],
                     level(pr.tu_xep_loai), level(pr.muc_hop), _score(pr),
                     level(pr.muc_de_xuat), level(pr.muc_quyet_dinh), level(pr.muc_toi_da), lines(pr.ly_do),
                     lines(pr.canh_bao), emulation_cell(pr)])
    table(ws, 1, headers, rows, wrap_cols={13, 14, 15})


def _units_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("TongHopDonVi")
    headers = [("Mã đơn vị", 10), ("Số người", 8)] + [(lv, 7) for lv in ORDER] + [
        ("Chưa có mức", 8), ("Không xếp loại", 9), ("Đã có mức quyết định", 10), ("Hạ mức do tỷ lệ HTXS", 24),
        ("Tình trạng tỷ lệ HTXS", 50), ("Số cảnh báo", 8)]
    rows = []
    for u in unit_summaries(ratings):
        rows.append([u.ma_don_vi, u.so_nguoi, *[u.so_muc.get(lv, 0) for lv in ORDER], u.chua_co_muc,
                     u.khong_xep_loai, u.so_quyet_dinh, ", ".join(u.ha_muc), u.tinh_trang_ty_le, u.so_canh_bao])
    end = table(ws, 1, headers, rows, wrap_cols={len(headers) - 1})
    ws.put(end, 1, "Các cột HTXS … KHT đếm mức cuối cùng: mức quyết định nếu đã có, nếu chưa thì mức chương trình đề xuất.")


def _sheet_name(wb: Book, base: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", base).strip("'")[:31] or "Nhom"
    taken = {s.casefold() for s in wb.sheetnames}
    candidate, n = name, 2
    while candidate.casefold() in taken:
        suffix = f"~{n}"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def _group_sheet(wb: Book, ratings: Ratings, g: GroupCap, members_of: dict[str, list[Any]]) -> None:
    ws = wb.create_sheet(_sheet_name(wb, f"Nhom {g.nhom}"))
    ws.set_width(1, 34)
    ws.set_width(2, 80)
    ws.put(1, 1, f"Nhóm tương đồng «{group_label(g.nhom)}»: kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ", bold=True)
    facts = [
        ("Đơn vị có người trong nhóm", ", ".join(g.don_vi)),
        ("Số người / số được xếp loại", f"{g.so_nguoi} / {g.so_xep_loai}"),
        ("Tỷ lệ tối đa (HTXS so với HTT)", f"{round(g.ty_le * 100, 2):g}%"),
        ("Cách làm tròn", {"floor": "làm tròn xuống", "round": "làm tròn", "ceil": "làm tròn lên"}.get(g.lam_tron, g.lam_tron)),
        ("Đề xuất HTXS trước khi áp tỷ lệ", g.so_htxs_de_nghi),
        ("Đề xuất HTT trước khi áp tỷ lệ", g.so_htt_de_nghi),
        ("Đã có mức quyết định HTXS / HTT (giữ chỗ trước)", f"{g.so_htxs_quyet_dinh} / {g.so_htt_quyet_dinh}"),
        ("Số HTXS được giữ", g.so_htxs_giu),
        ("Số HTT sau khi hạ mức", g.so_htt_sau),
        ("Số HTXS tối đa", g.toi_da),
        ("Hạ từ HTXS xuống HTT", ", ".join(g.ha_muc) or "không"),
        ("Ngoại lệ được cho phép", g.ngoai_le or "không"),
        ("Cách tính", g.cach_tinh),
        ("Bằng nhau tại ranh giới", ", ".join(g.bang_nhau) or "không"),
        ("Theo mức cuối cùng: HTXS / HTT / tối đa", f"{g.so_htxs_cuoi} / {g.so_htt_cuoi} / {g.toi_da_cuoi}"
                                                     + (" — VƯỢT TỶ LỆ" if g.vuot_cuoi else "")),
        ("Số người đã có mức quyết định", g.so_quyet_dinh),
    ]
    for r, (label, value) in enumerate(facts, start=3):
        ws.put(r, 1, label, bold=True)
        ws.put(r, 2, value, wrap=True)
    row = 3 + len(facts) + 1
    ws.put(row, 1, "Thứ tự xét giữ HTXS (tỷ lệ phiếu HTXS, rồi điểm, rồi mã số)", bold=True)
    ranks = [[n, c.ma_so, c.ho_ten, round(c.ty_le_phieu_htxs, 4), c.diem if c.diem is not None else "",
              "Giữ HTXS" if c.giu else "Hạ xuống HTT"] for n, c in enumerate(g.xep_hang, start=1)]
    row = table(ws, row + 1, [("Thứ tự", 8), ("Mã số", 10), ("Họ và tên", 24), ("Tỷ lệ phiếu HTXS", 10), ("Điểm", 8),
                              ("Kết quả", 14)], ranks, freeze=False)
    ws.put(row, 1, "Thành viên của nhóm", bold=True)
    members = [[pr.ma_so, pr.ho_ten, pr.ma_don_vi, STATUS_WORDS[pr.trang_thai], level(pr.muc_hop), level(pr.muc_de_xuat),
                level(pr.muc_quyet_dinh), level(pr.muc_cuoi)]
               for pr in members_of.get(g.nhom, ())]
    table(ws, row + 1, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Trạng thái", 14), ("Mức biểu quyết", 9),
                        ("Mức đề xuất", 9), ("Mức quyết định", 9), ("Mức cuối cùng", 9)], members, freeze=False)


def _emulation_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("ThiDua")
    s = ratings.thi_dua
    facts = [
        ("Số người được đề nghị", s.so_de_nghi),
        ("Số người đạt tiêu chuẩn Lao động tiên tiến", s.so_dat_ldtt),
        ("Đề nghị Chiến sĩ thi đua cơ sở / đủ điều kiện / tối đa / trong tỷ lệ",
         f"{s.so_de_nghi_cstdcs} / {s.so_cstdcs_du_dieu_kien} / {s.toi_da_cstdcs} / {s.so_cstdcs}"),
        ("Cách tính tỷ lệ Chiến sĩ thi đua cơ sở", s.cach_tinh_cstdcs),
        ("Tỷ lệ trực tiếp lao động, công tác trong số được đề nghị",
         "" if s.ty_le_truc_tiep is None else f"{s.so_truc_tiep}/{s.so_de_nghi} = {round(s.ty_le_truc_tiep * 100, 1):g}% "
         f"(ngưỡng {round(s.nguong_truc_tiep * 100, 1):g}%)"),
    ]
    ws.set_width(1, 40)
    for r, (label, value) in enumerate(facts, start=1):
        ws.put(r, 1, label, bold=True)
        ws.put(r, 2, value, wrap=True)
    rows = []
    for pr in ratings.people:
        t = pr.thi_dua
        if t is None:
            continue
        rows.append([pr.ma_so, pr.ho_ten, pr.ma_don_vi, TITLES.get(t.de_nghi, t.de_nghi), level(pr.muc_cuoi),
                     "Có" if t.dat_ldtt else "Không", "Có" if t.du_dieu_kien else "Không", lines(t.ly_do)])
    table(ws, len(facts) + 2, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Danh hiệu đề nghị", 20),
                               ("Mức xếp loại", 9), ("Đạt LĐTT", 9), ("Đủ điều kiện", 9), ("Lý do", 90)],
          rows, wrap_cols={8}, freeze=False)


def cut(x: float) -> float:
    """Two decimals, cut, never rounded up (pipeline.rating.periods.cut)."""
    return math.floor(x * 100 + 1e-9) / 100


def _score(pr: PersonRating) -> float | str:
    """The points as printed: a year score from periods with two decimals cut (89.999 -> 89.99)."""
    if pr.diem is None:
        return ""
    return cut(pr.diem) if pr.diem_ky else pr.diem


def _periods_sheet(wb: Book, ratings: Ratings) -> None:
    """One row per person and period (from 2026): the percentages and the score of each period."""
    rows = []
    for pr in ratings.people:
        for k in pr.diem_ky:
            rows.append([pr.ma_so, pr.ho_ten, pr.ma_don_vi, k.ky, k.diem_tieu_chi_chung,
                         *(round(x, 2) if x is not None else "" for x in (k.a, k.b, k.c, k.d, k.dd, k.e)),
                         cut(k.diem), cut(pr.diem) if pr.diem is not None else ""])
    if not rows:
        return
    ws = wb.create_sheet("DiemKy")
    table(ws, 1, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Kỳ", 10), ("Điểm tiêu chí chung", 10),
                  ("a) Số lượng (%)", 9), ("b) Chất lượng (%)", 9), ("c) Tiến độ (%)", 9),
                  ("d) Kết quả đơn vị phụ trách (%)", 10), ("đ) Năng lực tổ chức thực hiện (%)", 10),
                  ("e) Năng lực tập hợp, đoàn kết (%)", 10), ("Điểm kỳ", 8), ("Điểm năm", 8)], rows)


def _info_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("ThongTin")
    ws.set_width(1, 34)
    ws.set_width(2, 100)
    facts = [("Năm đánh giá", ratings.nam_danh_gia), ("Bộ quy tắc", ratings.bo_quy_tac),
             ("Tên bộ quy tắc", ratings.ten_bo_quy_tac)]
    facts += [(f"Thiết lập: {k}", str(v)) for k, v in ratings.thiet_lap.items()]
    facts += [("Mức xếp loại", "; ".join(f"{k} = {v}" for k, v in WORDS.items()))]
    htxs, rated = agency_htxs(ratings)
    if rated:
        facts += [("HTXS trên tổng số được xếp loại", f"{htxs}/{rated} = {round(100 * htxs / rated, 1):g}% "
                                                        "(để so với tỷ lệ đảng viên được xếp loại HTXS)")]
    row = 1
    for label, value in facts:
        ws.put(row, 1, label, bold=True)
        ws.put(row, 2, value, wrap=True)
        row += 1
    row += 1
    ws.put(row, 1, "Cảnh báo chung", bold=True)
    for w in ratings.canh_bao or ("Không có.",):
        row += 1
        ws.put(row, 2, w, wrap=True)


def workbook(ratings: Ratings) -> Book:
    wb = Book()
    _people_sheet(wb, ratings)
    _units_sheet(wb, ratings)
    members_of: dict[str, list[Any]] = {}
    for pr in ratings.people:
        members_of.setdefault(pr.nhom_tuong_dong, []).append(pr)
    for g in ratings.groups:
        _group_sheet(wb, ratings, g, members_of)
    _emulation_sheet(wb, ratings)
    _periods_sheet(wb, ratings)
    _info_sheet(wb, ratings)
    return wb


# -- SpreadsheetML ---------------------------------------------------------------------------------
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# Excel reads _xHHHH_ in a string as the character U+HHHH: a literal one has its "_" escaped.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

_STYLES = (
    _DECL + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs>'
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

    def __init__(self) -> None:
        self.index: dict[str, int] = {}  # text as given -> position, or -1 when nothing is left of it
        self.texts: list[str] = []
        self.count = 0

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
            space = ' xml:space="preserve"' if value[0] in " \t\n" or value[-1] in " \t\n" else ""
            items.append(f"<si><t{space}>{_escape(value)}</t></si>")
        return (_DECL + f'<sst xmlns="{_MAIN}" count="{self.count}" uniqueCount="{len(self.texts)}">'
                + "".join(items) + "</sst>")


_STYLE_ATTR = ["", ' s="1"', ' s="2"', ' s="3"', ' s="4"']


def _sheet_data(sheet: Sheet, letters: list[str], sst: _SharedStrings) -> tuple[str, int]:
    """The <sheetData> element and the number of the last column used."""
    out = ["<sheetData>"]
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
            else:
                index = add(str(value))
                if index >= 0:
                    count += 1
                    cells.append(f'<c r="{letter}{rs}"{attr} t="s"><v>{index}</v></c>')
                elif attr:
                    cells.append(f'<c r="{letter}{rs}"{attr}/>')
        if cells:
            append(f'<row r="{rs}">{"".join(cells)}</row>')
            width = max(width, len(values))
    append("</sheetData>")
    sst.count += count
    return "".join(out), width


def _worksheet(sheet: Sheet, sst: _SharedStrings) -> str:
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
    return (_DECL + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="{dimension}"/>'
            f"<sheetViews>{view}</sheetViews>"
            '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "") + data
            + (f'<autoFilter ref="{sheet.auto_filter}"/>' if sheet.auto_filter else "")
            + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>')


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quoted(title: str) -> str:
    """A sheet name as formulas write it: 'Nhom O''Brien'."""
    return "'" + title.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _workbook_xml(book: Book) -> str:
    sheets = "".join(f'<sheet name="{_xml_text(s.title).replace(chr(34), "&quot;")}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, s in enumerate(book.sheets, start=1))
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{_xml_text(_quoted(s.title))}!{_absolute(s.auto_filter)}</definedName>"
        for i, s in enumerate(book.sheets) if s.auto_filter)
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
    sst = _SharedStrings()
    sheets = [(f"xl/worksheets/sheet{i}.xml", _worksheet(s, sst)) for i, s in enumerate(book.sheets, start=1)]
    return [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
            ("docProps/app.xml", app), ("xl/workbook.xml", _workbook_xml(book)),
            ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", _STYLES), *sheets,
            ("xl/sharedStrings.xml", sst.xml())]


def to_bytes(ratings: Ratings) -> bytes:
    """The .xlsx bytes, with fixed timestamps so the same ratings give the same file."""
    return book_bytes(workbook(ratings), dt.datetime(ratings.nam_danh_gia, 12, 31, 0, 0, 0))


def book_bytes(book: Book, fixed: dt.datetime) -> bytes:
    """A `Book` as .xlsx bytes, every part stamped `fixed` (the same book gives the same file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as zout:
        for name, xml in _parts(book, fixed):
            zi = zipfile.ZipInfo(name, date_time=fixed.timetuple()[:6])
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            zout.writestr(zi, xml.encode("utf-8"))
    return out.getvalue()


def write(path: Path, ratings: Ratings) -> None:
    Path(path).write_bytes(to_bytes(ratings))


BACKGROUND_MIN_PEOPLE = 2_000  # below this, writing the file takes less than starting a helper


@contextlib.contextmanager
def writing(path: Path, ratings: Ratings) -> Iterator[None]:
    """`with writing(path, ratings): <other work>` writes the file while the other work runs: in a
    forked helper for a big agency when a second CPU is free, else after the other work. When the
    helper fails the file is written here, so that any error is raised here as always; when the
    other work raises, the helper is stopped and nothing more is written."""
    from pipeline.ingest import forked

    if len(ratings.people) < BACKGROUND_MIN_PEOPLE or not forked.available():
        yield
        write(path, ratings)
        return
    with forked.Forked(lambda: write(path, ratings)) as child:
        yield
        try:
            child.result()
            return
        except forked.Failed:
            pass
    write(path, ratings)
