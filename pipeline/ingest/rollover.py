"""`hoso init --tu LAST_YEAR.xlsx [FOLDER]`: next year's workbook from last year's, in one step.

A new workbook laid out exactly like `hoso init`'s (same sheets, labels, drop-down lists, guide),
filled with what stays from one year to the next:

- the sheets in `KEEP` (the agency, its units, its staff, its own scoring criteria) are copied row
  by row, without the columns in `PER_YEAR` (a self-rating, a decided level, months worked, the
  year's note…); the evaluation year moves on by one;
- people marked as gone in NhanSu (column `da_nghi`, «Đã nghỉ, chuyển đi») are left out;
- every other sheet of the schema — votes, self-assessments, disciplines, emulation, scores,
  approved exceptions, and any sheet added to `schema.SHEETS` later — starts empty: it belongs to
  the year it was filled for; except the disciplines in force from next year on (and the other
  decisions on their act), which are next year's (`CARRIED`);
- the scoring criteria (TieuChi) of a year of the old regime are not carried into the first year of
  the new one (2025 → 2026: ND 90's points table is not the 30 + 70 frame of the periods).

The values are read with the workbook reader (so headers and sheets are matched as `hoso check`
matches them) and written as the clerk would type them: codes as their Vietnamese labels, Có/Không,
dates as dates.
"""

from __future__ import annotations

import os
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import portable
from pipeline.errors import InputUnreadable, OutputError
from pipeline.ingest import blank, cells, schema, xlsx_write

KEEP = ("CoQuan", "DonVi", "NhanSu", "TieuChi")
PER_YEAR = {
    "CoQuan": ("ngay_lap", "han_nop_so_noi_vu", "bo_quy_tac",
               # the dates signed on the year's papers: carried over they would print last year's dates on
               # next year's phiếu, notice and report
               "ngay_tu_danh_gia", "ngay_quyet_dinh", "ngay_thong_bao", "ngay_bao_cao",
               # the agency's self-rating of the year (level, points, meeting, report paragraphs): next
               # year's self-rating file would otherwise be made from this year's
               "tu_xep_loai_co_quan", "diem_co_quan", "diem_tieu_chi_chung_co_quan", "diem_nhiem_vu_co_quan",
               "ngay_bao_cao_tu_danh_gia", "ngay_hop_tu_xep_loai", "so_nguoi_trieu_tap_co_quan",
               "so_nguoi_du_hop_co_quan", "so_phieu_dong_y_co_quan", "ket_qua_co_quan", "uu_diem_co_quan",
               "han_che_co_quan", "phuong_huong_co_quan",
               # the level decided for the agency itself (ND 233 k7 Đ12): a fact of the year
               "muc_xep_loai_co_quan",
               # the head's post vacant, a deputy in charge (signing «KT. GIÁM ĐỐC»): a state of the year, like a
               # maternity leave — a head appointed since would sign «KT.» for his own post; said on the console
               "chuc_vu_cap_truong"),
    "NhanSu": ("so_thang_cong_tac", "so_thang_nghi", "nghi_thai_san", "tu_xep_loai", "muc_quyet_dinh",
               "muc_dang_vien", "mien_sinh_hoat_noi_cu_tru", "ghi_chu", "da_nghi",
               # the year's conclusions that make a level Không hoàn thành nhiệm vụ (ND 335 Art. 20 cl. 4)
               # and the party self-rating: carried over they would rate next year on this year's facts
               "tu_xep_loai_dang_vien", "ket_luan_suy_thoai", "vi_pham_dang_vien", "don_vi_tham_nhung",
               "van_ban_ket_luan",
               # a transfer in during the year is a fact of that year
               "co_quan_cu", "so_thang_co_quan_cu", "khong_kiem_diem_dang_vien"),
    # the unit's level of the year caps its head (ND 233 khoản 7 Điều 12)
    "DonVi": ("muc_xep_loai_don_vi",
              # the unit's meeting of the year (date, members called, absentees, ballots) printed on its minutes
              "ngay_hop", "so_thanh_vien", "vang_mat", "so_phieu_phat_ra", "so_phieu_thu_ve",
              # who was assigned to chair the head's review at that meeting: next year's meeting assigns anew
              "chu_tri_khi_kiem_diem_truong",
              # who was assigned to chair it and sign for a head away from it: next year's meeting assigns anew
              "cap_pho_phu_trach"),
}
# KyLuat is a sheet of the year, except the decisions in force from next year on (a decision of December
# for an act of this year, in force in January): they are next year's discipline (ND 48 cl. 5a, ND 335
# Art. 20 cl. 4c: "trong năm đánh giá", by the effective date, rules.md R3) and are carried, with the other
# decisions on the same act (`ma_hanh_vi`) so that an act counts for one year only (cl. 5c) next year too.
CARRIED = "KyLuat"
GONE = "da_nghi"


class AlreadyThere(OutputError):
    """The next year's workbook is already there (the CLI makes it a usage error)."""


def filename(year: int) -> str:
    return f"ho_so_danh_gia_{year}.xlsx"


@dataclass
class Rollover:
    dest: Path
    year: int
    kept: dict[str, int]  # sheet key -> rows copied
    gone: list[str]  # "Họ tên (mã số)" of the people left out
    cleared: dict[str, int]  # sheet key -> rows of last year not copied
    own: list[str] = field(default_factory=list)  # the clerk's own sheets and columns carried over, in words
    own_skipped: str = ""  # why they could not be looked for (a workbook too big for openpyxl), in words
    notes: list[str] = field(default_factory=list)  # other changes the new year made, in words
    replaced: Path | None = None  # `force`: the file that was at `dest`, kept beside it (blank.keep_aside)


def _cell_value(col: schema.Column, value: object) -> Any:  # what openpyxl writes in a cell
    if value is None:
        return None
    if col.kind == schema.YESNO:
        return blank.YES_NO[0] if value else blank.YES_NO[1]
    if col.kind == schema.CODE and col.choices and value in col.choices:
        return col.choices[value]
    return value


def _vacancy_note(values: dict[str, Any], vacant: str, old_year: int, year: int) -> str:
    """The console line for a CoQuan «Chức vụ cấp trưởng» not carried: who was in charge, what to write."""
    label = schema.CO_QUAN.column
    who = ", ".join(str(values.get(k) or "").strip() for k in ("nguoi_dung_dau", "chuc_vu_nguoi_dung_dau")
                    if str(values.get(k) or "").strip())
    return (f"«{label('chuc_vu_cap_truong').label}» năm {old_year} («{vacant}»{f': {who} là cấp phó được giao phụ trách' if who else ''}) "
            f"không chép sang năm {year}: nếu năm {year} cơ quan vẫn khuyết {vacant}, ghi lại ô này (văn bản in «KT. "
            f"{vacant.upper()}» trên chức vụ của người ký); nếu đã có người được bổ nhiệm, sửa «{label('nguoi_dung_dau').label}» "
            f"và «{label('chuc_vu_nguoi_dung_dau').label}».")


def roll(source: Path, folder: Path, *, force: bool = False) -> Rollover:
    from pipeline.ingest.reader import read_workbook

    source = Path(source)
    if not source.is_file():
        raise InputUnreadable(f"Không tìm thấy sổ Excel năm trước «{source}».")
    data, _problems = read_workbook(source)
    agency = data.get("CoQuan")
    old_year = agency.rows[0].values.get("nam_danh_gia") if agency and agency.rows else None
    if not isinstance(old_year, int):
        raise InputUnreadable(f"Sổ «{source}» không có «Năm đánh giá» đọc được ở sheet CoQuan; không biết chuyển sang năm nào.",
                              hint=f"Sửa ô đó rồi chạy lại: hoso check {source}")
    year = old_year + 1
    dest = Path(folder) / filename(year)
    if dest.exists() and not force:
        raise AlreadyThere(f"Tệp «{dest}» đã có; không ghi đè. Thêm --force để ghi đè ("
                           + blank.KEPT_WORDS.format(name=dest.stem, ext=dest.suffix) + "), hoặc chọn thư mục khác.")

    blank._import_openpyxl()
    wb = blank.build(examples=year)  # the guide's example periods are the new year's
    kept: dict[str, int] = {}
    cleared: dict[str, int] = {}
    notes: list[str] = []
    gone: list[str] = []
    people = data.get("NhanSu")
    staying = {r.values.get("ma_so") for r in (people.rows if people else []) if not r.values.get(GONE)}
    new_regime = schema.default_bo_mau(old_year) != schema.default_bo_mau(year)
    carried: list[str] = []
    for spec in schema.SHEETS:
        sheet = data.get(spec.key)
        rows = sheet.rows if sheet else []
        if spec.key == CARRIED:
            rows, dropped = _in_force_later(rows, year, staying)
            if dropped:
                cleared[spec.key] = dropped
            carried = [_discipline_words(r.values) for r in rows]
        elif spec.key == "TieuChi" and new_regime and rows:
            # the criteria of the points table of the old regime (ND 90, Mẫu 12/HDDG) are not the 2026 ones:
            # from 2026 the year score is the mean of the periods (KetQuaKy) on the rulebook's 30 + 70 frame
            cleared[spec.key] = len(rows)
            notes.append(f"Tiêu chí chấm điểm năm {old_year} (sheet TieuChi, {len(rows)} dòng) không chép sang năm {year}: "
                         f"từ năm {year} điểm năm tính từ kết quả từng tháng, quý (sheet KetQuaKy) theo khung 30 điểm "
                         "tiêu chí chung và 70 điểm kết quả thực hiện nhiệm vụ.")
            continue
        elif spec.key not in KEEP:
            if rows:
                cleared[spec.key] = len(rows)
            continue
        drop = set(PER_YEAR.get(spec.key, ()))
        ws = wb[spec.key]
        if spec.key_value:
            values = dict(rows[0].values) if rows else {}
            values["nam_danh_gia"] = year
            if values.get("bo_quy_tac"):
                notes.append(f"«Bộ quy tắc» ghi đè năm {old_year} («{values['bo_quy_tac']}») không chép sang năm {year}: "
                             f"để trống, chương trình chọn bộ quy tắc theo năm {year} và loại nhân sự.")
            vacant = values.get("chuc_vu_cap_truong")
            if spec.key == "CoQuan" and isinstance(vacant, str) and vacant.strip():
                notes.append(_vacancy_note(values, vacant.strip(), old_year, year))
            chosen = values.get("bo_mau")
            if spec.key == "CoQuan" and chosen == schema.default_bo_mau(old_year) != schema.default_bo_mau(year):
                # last year's default form set, written in: next year has its own (2025 → 2026: ND 90's forms
                # would be printed for a year they do not apply to, and the build would stop on them)
                del values["bo_mau"]
                notes.append(f"«Bộ mẫu» năm {old_year} («{schema.BO_MAU[chosen]}») không dùng cho năm {year}: "
                             f"để trống, chương trình dùng bộ mẫu của năm {year} «{schema.BO_MAU[schema.default_bo_mau(year)]}».")
            for r, col in enumerate(spec.columns, start=2):
                if col.key not in drop:
                    xlsx_write.put(ws, r, 2, _cell_value(col, values.get(col.key)))  # text stays text
            kept[spec.key] = 1
            continue
        out_row = 2
        for row in rows:
            v = row.values
            if spec.key == "NhanSu" and v.get(GONE):
                gone.append(f"{v.get('ho_ten', '')} ({v.get('ma_so', '')})")
                continue
            for c, col in enumerate(spec.columns, start=1):
                if col.key in drop:
                    continue
                value = _cell_value(col, v.get(col.key))
                if value is not None:
                    # text as text: a name typed "=HYPERLINK(…)" last year is not made a formula this year
                    cell = xlsx_write.put(ws, out_row, c, value)
                    if col.kind == schema.DATE:
                        cell.number_format = blank.DATE_FORMAT
                    elif col.kind in (schema.ID, schema.CITIZEN_ID):
                        cell.number_format = "@"
            out_row += 1
        if spec.key in KEEP or out_row > 2:
            kept[spec.key] = out_row - 2
    if carried:
        notes.append(f"Giữ {len(carried)} quyết định kỷ luật có hiệu lực từ năm {year} (hoặc cùng hành vi vi phạm với quyết "
                     f"định đó), là căn cứ xếp loại năm {year}: {'; '.join(carried)}.")
    leave = [f"{r.values.get('ho_ten', '')} ({r.values.get('ma_so', '')})" for r in (people.rows if people else [])
             if r.values.get("nghi_thai_san") and not r.values.get(GONE)]
    if leave:
        notes.append(f"Năm {old_year} có người nghỉ thai sản: {', '.join(leave)}. Cột «Nghỉ thai sản», «Số tháng công tác "
                     f"trong năm» đã xóa; nếu thời gian nghỉ kéo dài sang năm {year}, ghi lại cho năm {year}.")
    own_skipped = _too_big(source)
    own = [] if own_skipped else _carry_own(source, wb, data)
    done = Rollover(dest, year, kept, gone, cleared, own, own_skipped, notes)
    _guide_notes(wb, old_year, done)
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        done.replaced = blank.keep_aside(dest) if os.path.lexists(dest) else None  # `force`: never lost
        portable.replace_file(dest, wb.save, prefix=".ho_so_")
    except OSError as exc:
        if done.replaced is not None:
            os.unlink(done.replaced)
        raise OutputError(f"Không ghi được «{dest}» ({exc.strerror or exc}).") from exc
    return done


def lines(done: Rollover) -> list[str]:
    """What the new year kept, cleared and changed, in the clerk's words: the console of `hoso init --tu`
    and the guide sheet of the new workbook (the web page hands the file over without a console)."""
    out = []
    kept = ", ".join(f"{schema.SHEETS_BY_KEY[k].label} {n} dòng" for k, n in done.kept.items() if k != "CoQuan")
    out.append(f"Giữ: thông tin cơ quan (năm đánh giá {done.year}), {kept}.")
    if done.own:
        out.append(f"Giữ phần riêng của cơ quan trong sổ cũ: {'; '.join(done.own)}.")
    if done.own_skipped:
        out.append(f"Cảnh báo: chưa chép các sheet, cột riêng của cơ quan (ngoài mẫu) từ sổ cũ: {done.own_skipped}; "
                   "nếu cần, chép tay sang sổ mới.")
    out += done.notes
    if done.gone:
        out.append(f"Không chép {len(done.gone)} người đã đánh dấu «Đã nghỉ, chuyển đi»: {', '.join(done.gone)}.")
    if done.cleared:
        cleared = ", ".join(f"{schema.SHEETS_BY_KEY[k].label} ({n} dòng)" for k, n in done.cleared.items())
        out.append(f"Để trống cho năm mới: {cleared}.")
    out.append("Cột «Tự xếp loại», «Mức xếp loại của cấp có thẩm quyền», số tháng công tác, ghi chú của năm cũ đã được "
               "xóa; các ngày ký (ngày lập, tự đánh giá, quyết định, thông báo, báo cáo, ngày họp đơn vị), hạn nộp Sở Nội "
               "vụ và phần tự xếp loại của cơ quan để trống.")
    return out


def _guide_notes(wb: Any, old_year: int, done: Rollover) -> None:
    """The lines of `lines` in the guide sheet: one line under its title points to them, listed after
    the sheet tables (row 2 is empty in the blank's guide)."""
    from openpyxl.styles import Alignment, Font

    ws = wb[blank.GUIDE]
    # not the file's name: on the web page it is a temporary one
    head = f"Sổ này được tạo từ sổ năm {old_year} («Tạo sổ năm nay từ sổ năm trước», hoso init --tu)"
    xlsx_write.put(ws, 2, 1, f"{head}: xem mục «Chuyển từ sổ năm {old_year}» ở cuối sheet này.").font = Font(
        bold=True, color="C00000")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=6)
    row = ws.max_row + 2
    ws.cell(row=row, column=1, value=f"Chuyển từ sổ năm {old_year}").font = Font(bold=True, size=12)
    for i, text in enumerate(lines(done), start=1):
        row += 1
        ws.cell(row=row, column=1, value=f"{i}.").alignment = Alignment(horizontal="right", vertical="top")
        xlsx_write.put(ws, row, 2, text, wrap=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=6)
        ws.row_dimensions[row].height = 15 * max(1, len(text) // 150 + 1)


def _in_force_later(rows: list[Any], year: int, staying: set[Any]) -> tuple[list[Any], int]:
    """The decisions of KyLuat carried into `year`: those in force in `year` or later, and the other
    decisions of the same person on the same act (`ma_hanh_vi`); only of the people carried over (not
    of those who left, nor of a code NhanSu does not hold).
    Returns them and how many rows were not carried."""
    def later(v: dict[str, Any]) -> bool:
        d = v.get("ngay_hieu_luc")
        return d is not None and d.year >= year

    acts = {(r.values.get("ma_so"), r.values["ma_hanh_vi"].casefold()) for r in rows
            if later(r.values) and r.values.get("ma_hanh_vi")}
    out = [r for r in rows if r.values.get("ma_so") in staying and (
        later(r.values) or (r.values.get("ma_hanh_vi") and (r.values.get("ma_so"), r.values["ma_hanh_vi"].casefold()) in acts))]
    return out, len(rows) - len(out)


def _discipline_words(v: dict[str, Any]) -> str:
    d = v.get("ngay_hieu_luc")
    return (f"{v.get('ma_so', '')} {v.get('hinh_thuc') or schema.LOAI_KY_LUAT.get(v.get('loai_ky_luat', ''), '')}"
            + (f" số {v['so_quyet_dinh']}" if v.get("so_quyet_dinh") else "")
            + (f", hiệu lực {d.strftime('%d/%m/%Y')}" if d is not None else "")).strip()


OPENPYXL_LIMIT = 16 * 1024 * 1024  # as pipeline/submission/writeback.py: sheets openpyxl may load whole


def _too_big(source: Path) -> str:
    """Why the clerk's own sheets and columns are not carried (openpyxl would load every sheet, a
    hidden one of a million rows too: minutes, then MemoryError); "" when they can be."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as zf:
            total = sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
    except (OSError, zipfile.BadZipFile):
        return "không đọc được sổ bằng openpyxl"
    if total <= OPENPYXL_LIMIT:
        return ""
    return f"sổ có {total / 1048576:.0f} MB dữ liệu (có thể có sheet ẩn rất lớn)"


def _carry_own(source: Path, wb: Any, data: dict[str, Any]) -> list[str]:
    """What the clerk added to last year's workbook beyond the contract, carried into `wb` (the new
    workbook) instead of dropped: her own sheets, copied whole (values, formulas, formats, widths,
    merged cells, frozen panes); her own columns of the sheets kept (`KEEP`), appended after the
    contract's columns with their titles and each kept row's value — a formula there as its last
    computed value, or as text when the file has none (the columns moved: its references would
    point elsewhere). Returns one phrase per thing carried, for the console."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    from pipeline.ingest import reader

    book = openpyxl.load_workbook(source)
    computed = openpyxl.load_workbook(source, data_only=True)
    found, _ = reader.find_sheets(book.sheetnames)
    ours = set(found.values())
    said: list[str] = []
    for name in book.sheetnames:
        if name in ours or cells.compact(name) in reader.AUX_SHEETS or name in wb.sheetnames:
            continue
        src = book[name]
        if src.sheet_state != "visible" and src.max_row <= 1 and src.max_column <= 1 and src["A1"].value is None:
            continue
        _copy_sheet(src, wb.create_sheet(name))
        said.append(f"sheet «{name}»")
    for key in KEEP:
        sheet = data.get(key)
        spec = schema.SHEETS_BY_KEY[key]
        if sheet is None or spec.key_value or sheet.name not in book.sheetnames:
            continue
        src, values = book[sheet.name], computed[sheet.name]
        lookup = reader._names_lookup(spec.columns)
        extra = [(c.column, text) for c in src[1]
                 if isinstance(c.column, int) and (text := reader._header_text(c.value))
                 and reader.match_name(lookup, text) is None]
        if not extra:
            continue
        ws = wb[key]
        numbers = [row.number for row in sheet.rows if not (key == "NhanSu" and row.values.get(GONE))]
        for n, (column, title) in enumerate(extra, start=len(spec.columns) + 1):
            ws.cell(row=1, column=n, value=title)._style = copy(ws.cell(row=1, column=len(spec.columns))._style)
            ws.column_dimensions[get_column_letter(n)].width = max(12.0, min(60.0, float(len(title)) + 4))
            as_text = 0
            for out_row, number in enumerate(numbers, start=2):
                cell = src.cell(row=number, column=column)
                value = cell.value
                if isinstance(value, str) and value.startswith("="):
                    value = values.cell(row=number, column=column).value
                    if value is None:
                        value, as_text = cell.value, as_text + 1
                if value is None:
                    continue
                dest = ws.cell(row=out_row, column=n, value=value)
                if isinstance(value, str) and value.startswith("="):
                    dest.data_type = "s"  # the formula's text, not a formula on moved cells
                dest.number_format = cell.number_format
            said.append(f"cột «{title}» (sheet {key})" + (f", {as_text} công thức chép dưới dạng chữ" if as_text else ""))
    return said


def _copy_sheet(src: Any, dest: Any) -> None:
    """Cells (values and formulas as written), their formats, column widths, row heights, merged
    cells and the frozen pane of one sheet into another workbook's."""
    for row in src.iter_rows():
        for cell in row:
            if cell.__class__.__name__ == "MergedCell":
                continue
            out = dest.cell(row=cell.row, column=cell.column, value=cell.value)
            if isinstance(cell.value, str) and cell.data_type != "f":
                out.data_type = "s"  # a text cell "=…" stays text (openpyxl would make it a formula); formulas stay
            if cell.has_style:
                out.font, out.fill, out.border = copy(cell.font), copy(cell.fill), copy(cell.border)
                out.alignment, out.protection = copy(cell.alignment), copy(cell.protection)
                out.number_format = cell.number_format
    for letter, dim in src.column_dimensions.items():
        if dim.width:
            dest.column_dimensions[letter].width = dim.width
    for number, dim in src.row_dimensions.items():
        if dim.height:
            dest.row_dimensions[number].height = dim.height
    for merged in src.merged_cells.ranges:
        dest.merge_cells(str(merged))
    dest.freeze_panes = src.freeze_panes
    dest.sheet_state = src.sheet_state
