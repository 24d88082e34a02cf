"""`hoso init`: a blank input workbook that a clerk can fill without reading any documentation.

Layout (see docs/workbook.md):
- one sheet per contract sheet, named by its key (`CoQuan`, `DonVi`, `NhanSu`, …), after a first
  sheet `HuongDan` that explains every sheet, column and accepted value (generated from
  `schema.py`, so it never disagrees with the reader);
- row 1 of each table sheet holds the Vietnamese **labels** (what the clerk reads and what our own
  reader matches); each header cell carries a comment with the column's **key**, whether it is
  required and its help text; required columns have an orange header, optional ones a blue one;
- drop-down lists (data validation, "warning" style so that a code typed by hand is still
  allowed) on every coded, level and yes/no column, from a hidden sheet `DanhMuc` (labels can
  contain commas, which an inline list cannot); number checks on numeric columns; date format
  `dd/mm/yyyy` on date columns and text format on ID columns (so `001` stays `001`);
- the header row and the ID column frozen; widths from the schema;
- `CoQuan` pre-filled: one field per row (label in column A, key in its comment), the value to
  type in column B, help in column C.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pipeline import portable
from pipeline.errors import OutputError
from pipeline.ingest import cells, schema

if TYPE_CHECKING:  # the names `_import_openpyxl` binds at run time
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    _REQUIRED_FILL: PatternFill
    _OPTIONAL_FILL: PatternFill
    _TITLE_FILL: PatternFill
    _THIN: Side
    _BORDER: Border
    _WRAP: Alignment
    _HEAD: Alignment

FILENAME = "ho_so_danh_gia.xlsx"


def filename(year: int) -> str:
    """The blank workbook of an evaluation year as a download is named (`hoso serve`): ho_so_danh_gia_2026.xlsx."""
    return f"ho_so_danh_gia_{year}.xlsx"


def supported_years(today: dt.date | None = None) -> range:
    """The evaluation years a blank workbook is offered for: from the first year a rulebook of the program covers
    (ND 90/2020, 2020) to the year after this campaign's (a clerk preparing next year's workbook early)."""
    from pipeline import clock
    from pipeline.rating.rulebooks import RULEBOOKS

    return range(min(rb.years[0] for rb in RULEBOOKS.values()), clock.campaign_year(today) + 2)
GUIDE, LISTS = "HuongDan", "DanhMuc"
LAST_ROW = 1_048_576
DATE_FORMAT = "DD/MM/YYYY"
YES_NO = ("Có", "Không")


def _import_openpyxl() -> None:
    """openpyxl and the styles, on the first `build()`: the CLI imports this module for its names
    (FILENAME, GUIDE), and `hoso check` / `hoso rate` should not pay for openpyxl."""
    global Workbook, Comment, Alignment, Border, Font, PatternFill, Side, get_column_letter, quote_sheetname
    global DataValidation, _REQUIRED_FILL, _OPTIONAL_FILL, _TITLE_FILL, _THIN, _BORDER, _WRAP, _HEAD
    if "_HEAD" in globals():
        return
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    _REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
    _OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
    _TITLE_FILL = PatternFill("solid", fgColor="1F4E78")
    _THIN = Side(style="thin", color="A6A6A6")
    _BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    _WRAP = Alignment(wrap_text=True, vertical="top")
    _HEAD = Alignment(wrap_text=True, vertical="center", horizontal="center")

KIND_TEXT = {
    schema.TEXT: "Chữ",
    schema.ID: "Mã: chữ cái không dấu, chữ số, - hoặc _ (dùng làm tên tệp)",
    schema.DATE: "Ngày, dạng dd/mm/yyyy",
    schema.INT: "Số nguyên",
    schema.NUMBER: "Số",
    schema.MONTHS: "Số tháng, từ 0 đến 12 (được ghi số lẻ, ví dụ 5,5)",
    schema.YEAR: "Năm, ví dụ 2024",
    schema.YESNO: "Có / Không",
    schema.LEVEL: "Mức xếp loại",
    schema.CODE: "Chọn trong danh sách",
    schema.PERIOD: "Kỳ: tháng 2026-01 … 2026-12 hoặc quý 2026-Q1 … 2026-Q4",
    schema.CITIZEN_ID: "12 chữ số, ô định dạng Text (Văn bản)",
}

CONVENTIONS = (
    "Mỗi sheet là một bảng: dòng 1 là tiêu đề cột (giữ nguyên), mỗi dòng từ dòng 2 là một bản ghi. "
    "Không chèn dòng tên bảng phía trên tiêu đề. Có thể đổi thứ tự cột; cột thêm ngoài mẫu được bỏ qua.",
    "Tiêu đề cột và tên sheet có thể ghi theo tên tiếng Việt hoặc theo mã (ví dụ «Họ và tên» hoặc «ho_ten»), "
    "chữ hoa hay chữ thường, có dấu hay không dấu đều được.",
    "Cột có tiêu đề màu cam là bắt buộc; cột màu xanh có thể để trống. Di chuột vào ô tiêu đề để xem mã cột và hướng dẫn.",
    "Chữ phải gõ bằng bảng mã Unicode (ví dụ Unikey, bảng mã Unicode). Chữ gõ bằng bảng mã cũ TCVN3 (.VnTime) "
    "hoặc VNI sẽ bị báo lỗi; chuyển mã bằng Unikey (Ctrl+Shift+F6) trước khi dán vào.",
    "Ngày: nhập kiểu Ngày của Excel hoặc gõ dạng dd/mm/yyyy, ví dụ 05/11/2024 (năm đủ 4 chữ số).",
    "Có/Không: chọn trong danh sách; cũng nhận x (có) / để trống (không), 1 / 0, TRUE / FALSE.",
    "Mức xếp loại: HTXS, HTT, HT, KHT hoặc ghi đủ chữ (Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt nhiệm vụ, "
    "Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ).",
    "Cột có danh sách chọn: chọn trong danh sách, hoặc gõ mã tương ứng (ghi trong bảng dưới đây).",
    "Số: gõ số bình thường; số lẻ dùng dấu phẩy hoặc dấu chấm (5,5 hoặc 5.5); không dùng dấu phân cách hàng nghìn.",
    "Công thức được chấp nhận nếu tệp đã được lưu bằng Excel hoặc LibreOffice (để có kết quả tính).",
    "Kiểm tra sổ bằng lệnh: hoso check ho_so_danh_gia.xlsx — chương trình liệt kê mọi ô cần sửa (sheet, dòng, cột).",
)
POINTS_FROM = 2026  # the points regime (sheets KetQuaKy, SanPham) from this evaluation year
PERIOD_SHEETS = ("KetQuaKy", "SanPham")
CONVENTIONS_2026 = (
    "Từ năm 2026: công chức được chấm điểm theo Nghị định 335/2025/NĐ-CP (100 điểm = 30 điểm tiêu chí chung + 70 "
    "điểm kết quả thực hiện nhiệm vụ, theo dõi từng tháng hoặc từng quý); viên chức theo Luật Viên chức 2025 và "
    "Nghị định 233/2026/NĐ-CP (chưa xác nhận văn bản chính thức); cán bộ, hợp đồng, người lao động theo bộ quy tắc cơ "
    "quan chọn ở sheet CoQuan («Bộ quy tắc cho cán bộ, hợp đồng, NLĐ», mặc định nd335-2025).",
    "Sheet «KetQuaKy»: mỗi dòng một người và một kỳ (2026-01 … 2026-12 hoặc 2026-Q1 … 2026-Q4), đủ các kỳ trong thời "
    "gian công tác thực tế; thiếu kỳ nào thì người đó chưa được xếp loại. Người lãnh đạo, quản lý ghi thêm tỷ lệ d), đ), e).",
    "Sheet «SanPham» (không bắt buộc): các sản phẩm, công việc của từng kỳ; khi có, chương trình tự tính số lượng, "
    "chất lượng, tiến độ (trừ 25% mỗi lần không đạt hoặc chậm, trừ trường hợp có lý do khách quan được xác nhận).",
    "Kết quả đã có trong phần mềm theo dõi (KPI): xuất ra Excel hoặc CSV rồi nhập bằng lệnh "
    "hoso nhap-ket-qua TỆP_XUẤT --vao ho_so_danh_gia.xlsx, không cần gõ lại.",
)


def accepted_values(col: schema.Column) -> str:
    """The accepted values of a column, for the guide and the input prompts."""
    if col.kind == schema.YESNO:
        return "Có / Không (cũng nhận x / để trống, 1 / 0, TRUE / FALSE)"
    if col.kind in (schema.LEVEL, schema.CODE) and col.choices:
        return "; ".join(f"{label} (mã: {code})" if code != label else label for code, label in col.choices.items())
    return ""


def _list_name(col: schema.Column) -> str:
    return {schema.YESNO: "Có/Không", schema.LEVEL: "Mức xếp loại"}.get(col.kind, col.label)


def _list_values(col: schema.Column) -> tuple[str, ...] | None:
    """What a drop-down offers (all accepted by the reader): labels, level codes, Có/Không."""
    if col.kind == schema.YESNO:
        return YES_NO
    if col.kind == schema.LEVEL:
        return tuple(schema.LEVELS)
    if col.kind == schema.CODE and col.choices:
        return tuple(col.choices.values())
    return None


class _Lists:
    """The hidden DanhMuc sheet: one column per distinct list, referenced by data validations."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, name: str, values: tuple[str, ...]) -> str:
        if values not in self.ranges:
            col = get_column_letter(len(self.ranges) + 1)
            self.ws[f"{col}1"] = name
            self.ws[f"{col}1"].font = Font(bold=True)
            for i, value in enumerate(values, start=2):
                self.ws[f"{col}{i}"] = value
            self.ws.column_dimensions[col].width = max(12, *(len(v) + 2 for v in values))
            self.ranges[values] = f"{quote_sheetname(LISTS)}!${col}$2:${col}${len(values) + 1}"
        return self.ranges[values]


def _validation(col: schema.Column, lists: _Lists, year: int | None = None) -> DataValidation | None:
    prompt = cells.of_year(col.help or accepted_values(col) or KIND_TEXT.get(col.kind, ""), year)[:250]
    common: dict[str, Any] = dict(allow_blank=True, showErrorMessage=True, errorStyle="warning", showInputMessage=bool(prompt),
                  promptTitle=col.label[:32], prompt=prompt or None, errorTitle="Kiểm tra lại giá trị")
    values = _list_values(col)
    if values:
        return DataValidation(type="list", formula1=lists.range_for(_list_name(col), values),
                              error="Giá trị không có trong danh sách. Chọn «Có» để vẫn giữ nếu đó là mã hợp lệ.", **common)
    numeric: tuple[Any, str, str, str] | None = {
        schema.INT: ("whole", "0", "1000000", "Cần một số nguyên không âm."),
        schema.MONTHS: ("decimal", "0", "12", "Cần số tháng từ 0 đến 12."),
        schema.YEAR: ("whole", "1990", "2100", "Cần một năm có 4 chữ số, ví dụ 2024."),
        schema.NUMBER: ("decimal", "0", "1000000", "Cần một số không âm."),
    }.get(col.kind)
    if numeric:
        kind, low, high, error = numeric
        return DataValidation(type=kind, operator="between", formula1=low, formula2=high, error=error, **common)
    if col.kind == schema.CITIZEN_ID:  # a number typed into it (its leading 0 dropped by Excel) is shorter
        return DataValidation(type="textLength", operator="equal", formula1="12",
                              error="Số định danh cá nhân có đúng 12 chữ số (ô định dạng Text để giữ số 0 ở đầu).",
                              **common)
    if prompt:
        return DataValidation(type=None, **{**common, "showErrorMessage": False})
    return None


def _comment(col: schema.Column, year: int | None = None) -> Comment:
    lines = [f"Mã cột: {col.key}", "Bắt buộc" if col.required else "Không bắt buộc", KIND_TEXT.get(col.kind, "")]
    if col.help:
        lines.append(col.help)
    comment = Comment(cells.of_year("\n".join(line for line in lines if line), year), "hoso")
    comment.width, comment.height = 260, 110
    return comment


def _table_sheet(wb: Workbook, spec: schema.Sheet, lists: _Lists, year: int | None = None) -> None:
    ws = wb.create_sheet(spec.key)
    ws.sheet_properties.tabColor = "C65911" if spec.required else "2F75B5"
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=col.label)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        cell.alignment = _HEAD
        cell.border = _BORDER
        cell.comment = _comment(col, year)
        dim = ws.column_dimensions[letter]
        dim.width = max(col.width, 8)
        if col.kind == schema.DATE:
            dim.number_format = DATE_FORMAT
        elif col.kind in (schema.ID, schema.PERIOD, schema.CITIZEN_ID):  # «2026-01» must stay text, not become a date;
            # «001089012345» must keep its leading zero
            dim.number_format = "@"
        dv = _validation(col, lists, year)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "B2"


def guide_text(col: schema.Column) -> str:
    """The «Hướng dẫn» of a CoQuan field, column C beside its value (the reader knows it from a value)."""
    help_text = ("Bắt buộc. " if col.required else "") + (col.help or KIND_TEXT.get(col.kind, ""))
    values = accepted_values(col)
    if values:
        help_text += f" Giá trị: {values}."
    return help_text


def _agency_sheet(wb: Workbook, lists: _Lists, year: int | None = None) -> None:
    spec = schema.CO_QUAN
    ws = wb.create_sheet(spec.key)
    ws.sheet_properties.tabColor = "C65911"
    for i, text in enumerate(("Trường", "Giá trị", "Hướng dẫn"), start=1):
        cell = ws.cell(row=1, column=i, value=text)
        cell.font = Font(bold=True)
        cell.fill = _OPTIONAL_FILL
        cell.alignment = _HEAD
        cell.border = _BORDER
    ws.cell(row=1, column=1).comment = Comment("Mã cột: truong — tên trường (giữ nguyên)", "hoso")
    ws.cell(row=1, column=2).comment = Comment("Mã cột: gia_tri — ghi giá trị vào cột này", "hoso")
    for r, col in enumerate(spec.columns, start=2):
        name = ws.cell(row=r, column=1, value=col.label)
        name.font = Font(bold=col.required)
        name.fill = _REQUIRED_FILL if col.required else _OPTIONAL_FILL
        name.border = _BORDER
        name.comment = _comment(col)
        value = ws.cell(row=r, column=2)
        value.border = _BORDER
        if col.key == "nam_danh_gia" and year:
            value.value = year
        if col.kind == schema.DATE:
            value.number_format = DATE_FORMAT
        ws.cell(row=r, column=3, value=guide_text(col)).alignment = _WRAP
        dv = _validation(col, lists)
        if dv is not None:
            dv.add(f"B{r}")
            ws.add_data_validation(dv)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A2"


def _guide_sheet(wb: Workbook, sheets: tuple[schema.Sheet, ...], year: int | None = None,
                 examples: int | None = None) -> None:
    ws = cast("Worksheet", wb.active)  # a new workbook's one sheet
    ws.title = GUIDE
    ws.sheet_properties.tabColor = "548235"
    widths = {"A": 30, "B": 24, "C": 11, "D": 28, "E": 48, "F": 60}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    row = 1
    title = ws.cell(row=row, column=1, value="HƯỚNG DẪN ĐIỀN SỔ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG")
    title.font = Font(bold=True, size=14, color="FFFFFF")
    title.fill = _TITLE_FILL
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
    row += 2
    ws.cell(row=row, column=1, value="Quy ước chung").font = Font(bold=True, size=12)
    row += 1
    conventions = CONVENTIONS + (CONVENTIONS_2026 if year is None or year >= POINTS_FROM else ())
    for i, text in enumerate(conventions, start=1):
        ws.cell(row=row, column=1, value=f"{i}.").alignment = Alignment(horizontal="right", vertical="top")
        cell = ws.cell(row=row, column=2, value=cells.of_year(text, examples))
        cell.alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        ws.row_dimensions[row].height = 30
        row += 1
    for spec in sheets:
        row += 1
        need = "bắt buộc" if spec.required else "không bắt buộc, có thể để trống hoặc xóa"
        head = ws.cell(row=row, column=1, value=f"Sheet «{spec.key}» — {spec.label} ({need})")
        head.font = Font(bold=True, size=12, color="FFFFFF")
        head.fill = _TITLE_FILL
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        row += 1
        if spec.help:
            ws.cell(row=row, column=1, value=cells.of_year(spec.help, examples)).alignment = _WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
            row += 1
        headers = ("Trường" if spec.key_value else "Cột (tiêu đề dòng 1)", "Mã", "Bắt buộc", "Kiểu giá trị",
                   "Giá trị hợp lệ", "Giải thích")
        for i, text in enumerate(headers, start=1):
            cell = ws.cell(row=row, column=i, value=text)
            cell.font = Font(bold=True)
            cell.fill = _OPTIONAL_FILL
            cell.border = _BORDER
        row += 1
        for col in spec.columns:
            values = (col.label, col.key, "Có" if col.required else "", cells.of_year(KIND_TEXT.get(col.kind, ""), examples),
                      accepted_values(col), cells.of_year(col.help, examples))
            for i, text in enumerate(values, start=1):
                cell = ws.cell(row=row, column=i, value=text or None)
                cell.alignment = _WRAP
                cell.border = _BORDER
                if col.required and i == 1:
                    cell.fill = _REQUIRED_FILL
            row += 1
    ws.freeze_panes = "A2"


def sheets_for(year: int | None) -> tuple[schema.Sheet, ...]:
    """Every sheet; for a year before 2026, without the points-regime sheets."""
    if year is not None and year < POINTS_FROM:
        return tuple(s for s in schema.SHEETS if s.key not in PERIOD_SHEETS)
    return schema.SHEETS


def build(year: int | None = None, *, examples: int | None = None) -> Workbook:
    """The blank workbook, in memory; with `year`, the evaluation year is filled in and only that
    year's sheets are written (KetQuaKy, SanPham from 2026). The example periods of the guide, the
    header comments and the input prompts («2027-01 … 2027-12») are of `examples`, by default `year`
    (`hoso init --tu` gives the new year without filling it in); without either, of 2026."""
    _import_openpyxl()
    sheets = sheets_for(year)
    examples = year if examples is None else examples
    wb = Workbook()
    _guide_sheet(wb, sheets, year, examples)
    lists_ws = wb.create_sheet(LISTS)
    lists = _Lists(lists_ws)
    _agency_sheet(wb, lists, year)
    for spec in sheets:
        if not spec.key_value:
            _table_sheet(wb, spec, lists, examples)
    wb.move_sheet(LISTS, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS))
    lists_ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index(GUIDE)
    wb.properties.creator = "hoso"
    wb.properties.title = "Sổ đánh giá, xếp loại chất lượng" + (f" năm {year}" if year else "")
    return wb


ASIDE = "truoc-"  # <name>.truoc-<date-time>.xlsx: a workbook `init --force` replaced, kept beside it
KEPT_WORDS = "sổ đang có được chép giữ lại thành «{name}.truoc-<ngày-giờ>{ext}» bên cạnh"  # the refusals' words


def keep_aside(dest: Path) -> Path:
    """A copy of `dest` (a workbook about to be replaced by `init --force`: maybe a whole season's typing)
    beside it as `<name>.truoc-<date-time><ext>`, made whole or not at all: a hard link where the file system
    has them, else a copy; its path."""
    import shutil
    import time

    aside = portable.free_name(dest.parent, f"{dest.stem}.{ASIDE}{time.strftime('%Y%m%d-%H%M%S')}", dest.suffix)
    try:
        os.link(dest, aside, follow_symlinks=False)
    except OSError:
        try:
            shutil.copy2(dest, aside, follow_symlinks=False)
        except BaseException:
            if os.path.lexists(aside):
                os.unlink(aside)
            raise
    return aside


def write(folder: Path, *, force: bool = False, year: int | None = None, kept: list[Path] | None = None) -> Path:
    """Write `folder/ho_so_danh_gia.xlsx`; refuse to replace an existing file unless `force`, and then keep
    it beside the new one first (`keep_aside`, its path appended to `kept`): a filled workbook is never lost."""
    folder = Path(folder)
    dest = folder / FILENAME
    if dest.exists() and not force:
        raise OutputError(f"Tệp «{dest}» đã có; không ghi đè.",
                          hint="Dùng tùy chọn --force để ghi đè (" + KEPT_WORDS.format(name=dest.stem, ext=dest.suffix)
                               + "), hoặc chọn thư mục khác: hoso init THƯ_MỤC")
    aside: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        aside = keep_aside(dest) if os.path.lexists(dest) else None
        portable.replace_file(dest, build(year).save, prefix=".ho_so_")
    except OSError as exc:
        if aside is not None:  # the workbook is still there: no copy of it left beside
            os.unlink(aside)
        raise OutputError(f"Không ghi được «{dest}» ({exc.strerror or exc}).",
                          hint="Kiểm tra quyền ghi thư mục và dung lượng đĩa; nếu tệp đang mở trong Excel, hãy đóng lại.") from exc
    if aside is not None and kept is not None:
        kept.append(aside)
    return dest
