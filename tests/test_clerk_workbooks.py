"""Workbooks no one here wrote: the blank of `hoso init` filled the way clerks fill it (Excel, WPS,
LibreOffice; by hand, by copy-paste, with last year's habits). What was read must be what the clerk
meant; what cannot be read with certainty is a problem naming the sheet, the cell and the value."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402

from pipeline.ingest import blank, schema  # noqa: E402
from pipeline.ingest.load import read  # noqa: E402

Cells = dict[str, dict[str, int]]  # sheet key -> column key -> column number (CoQuan: field -> row)


def filled(path: Path, tweak: Callable[[openpyxl.Workbook, Cells], None] | None = None,
           data: dict[str, list] | None = None) -> Path:
    """The blank of `hoso init` (labels in row 1, its formats, lists and comments) filled with
    `workbook_factory.tables()`, coded values picked by their label from the list as a clerk does;
    then `tweak(wb, cols)` does what this clerk does differently."""
    wb = blank.build(factory.YEAR)
    data = data or factory.tables()
    cols: Cells = {}
    for key, rows in data.items():
        spec, ws = schema.SHEETS_BY_KEY[key], wb[key]
        if spec.key_value:
            labels = {spec.column(c.key).label: c.key for c in spec.columns}
            cols[key] = {labels[ws.cell(r, 1).value]: r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value in labels}
            for field, value in rows:
                ws.cell(cols[key][field], 2).value = value
            continue
        header = {ws.cell(1, c).value: c for c in range(1, ws.max_column + 1)}
        cols[key] = {c.key: header[c.label] for c in spec.columns}
        for n, row in enumerate(rows, start=2):
            for k, v in row.items():
                col = spec.column(k)
                if col.kind == schema.CODE and col.choices and v in col.choices:
                    v = col.choices[v]
                if v is not None:
                    ws.cell(n, cols[key][k]).value = v
    if tweak:
        tweak(wb, cols)
    wb.save(path)
    return path


def cell(wb: openpyxl.Workbook, cols: Cells, sheet: str, key: str, row: int):
    return wb[sheet].cell(row, cols[sheet][key])


def texts(problems) -> list[str]:
    return [p.text() for p in problems]


# -- a code typed as a number in a cell formatted to show its zeros -----------------------------------
def test_a_code_shown_with_its_zeros_is_read_as_shown(tmp_path):
    """The clerk's staff codes are 001, 002…: typed into cells formatted «000» (Excel keeps the number 1
    and shows 001), while another sheet has them typed as text «001». Both are «001» to the clerk: the
    code is read as shown, files are named 001, the votes are that person's."""
    def numbers(wb, cols):
        for sheet in ("NhanSu", "TuDanhGia", "KyLuat", "ThiDua", "ChamDiem"):
            for r in range(2, wb[sheet].max_row + 1):
                c = cell(wb, cols, sheet, "ma_so", r)
                if c.value:
                    c.value, c.number_format = int(c.value[3:]), "000"
        for r in range(2, wb["BieuQuyet"].max_row + 1):
            c = cell(wb, cols, "BieuQuyet", "ma_so", r)
            c.value = f"{int(c.value[3:]):03d}"  # typed as text
        c = cell(wb, cols, "DonVi", "ma_don_vi", 2)
        c.value, c.number_format = 7, '"DV"00'  # shows DV07
        for r in range(2, wb["NhanSu"].max_row + 1):
            c = cell(wb, cols, "NhanSu", "ma_don_vi", r)
            if c.value == "HC":
                c.value = "DV07"
        c = cell(wb, cols, "BieuQuyet", "so_nguoi_du_hop", 2)
        c.number_format = "00"  # a number stays the number: shows 03, is 3
        c = cell(wb, cols, "KyLuat", "so_quyet_dinh", 2)
        c.value, c.number_format = 12, "000"  # a text column reads what is shown: 012

    campaign, problems = read(filled(tmp_path / "so.xlsx", numbers))
    assert campaign is not None, texts(problems)
    assert [p.ma_so for p in campaign.people] == ["001", "002", "003", "004", "005", "006"]
    assert campaign.units[0].ma_don_vi == "DV07" and campaign.person("001").ma_don_vi == "DV07"
    assert sorted(campaign.votes) == ["001", "002", "004"] and campaign.votes["001"].so_nguoi_du_hop == 3
    assert type(campaign.votes["001"].so_nguoi_du_hop) is int
    assert campaign.disciplines[0].ma_so == "003" and campaign.disciplines[0].so_quyet_dinh == "012"
    assert campaign.texts["001"]["uu_diem"] == "Nhiệt tình, trách nhiệm."


def test_a_code_that_lost_its_zeros_is_named_with_the_one_it_differs_from(tmp_path):
    """NhanSu shows «001» (text); BieuQuyet has the number 1 in a cell not formatted to show zeros (the clerk
    sees 1): not the same code, and the message says which code it differs from and why."""
    def zeros(wb, cols):
        for r in range(2, wb["NhanSu"].max_row + 1):
            c = cell(wb, cols, "NhanSu", "ma_so", r)
            c.value = f"{int(c.value[3:]):03d}"
        for sheet in ("TuDanhGia", "KyLuat", "ThiDua", "ChamDiem"):
            for r in range(2, wb[sheet].max_row + 1):
                c = cell(wb, cols, sheet, "ma_so", r)
                c.value = f"{int(c.value[3:]):03d}"
        for r in range(2, wb["BieuQuyet"].max_row + 1):
            c = cell(wb, cols, "BieuQuyet", "ma_so", r)
            c.value, c.number_format = int(c.value[3:]), "General"

    campaign, problems = read(filled(tmp_path / "so.xlsx", zeros))
    assert campaign is None
    bad = [p for p in problems if p.is_error]
    assert [(p.sheet, p.cell, p.value) for p in bad] == [("BieuQuyet", "A2", "1"), ("BieuQuyet", "A3", "2"),
                                                         ("BieuQuyet", "A4", "4")]
    assert "Sheet Nhân sự có mã «001», chỉ khác các chữ số 0 ở đầu" in bad[0].message


# -- names: printed on signed papers, compared between sheets ----------------------------------------
def test_a_line_break_inside_a_name_is_one_space_with_a_warning(tmp_path):
    """Alt+Enter inside a name (Excel wraps it in the cell): the name is one line on the papers; the
    clerk is told which cell to tidy. The same for the agency's signers and a unit's evaluator."""
    def wrapped(wb, cols):
        cell(wb, cols, "NhanSu", "ho_ten", 3).value = "Trần Thị\nBình"
        cell(wb, cols, "NhanSu", "ho_ten", 4).value = "Lê Quang\r\nCường"  # as Windows pastes it
        wb["CoQuan"].cell(cols["CoQuan"]["nguoi_dung_dau_cap_tren"], 2).value = "Trần\nVăn Tỉnh"
        cell(wb, cols, "DonVi", "nguoi_danh_gia", 3).value = "Phạm Thị\nDung"

    campaign, problems = read(filled(tmp_path / "so.xlsx", wrapped))
    assert campaign is not None, texts(problems)
    assert campaign.person("NS-02").ho_ten == "Trần Thị Bình" and campaign.person("NS-03").ho_ten == "Lê Quang Cường"
    assert campaign.agency.nguoi_dung_dau_cap_tren == "Trần Văn Tỉnh" and campaign.units[1].nguoi_danh_gia == "Phạm Thị Dung"
    warned = {(p.sheet, p.cell): p for p in problems if "xuống dòng" in p.message}
    assert set(warned) == {("NhanSu", "B3"), ("NhanSu", "B4"), ("CoQuan", f"B{cols_of('CoQuan', 'nguoi_dung_dau_cap_tren')}"),
                           ("DonVi", f"{factory.letter('DonVi', 'nguoi_danh_gia')}3")}, texts(problems)
    w = warned[("NhanSu", "B3")]
    assert not w.is_error and w.value == "Trần Thị↵Bình" and "«Trần Thị Bình»" in w.expected


def cols_of(sheet: str, field: str) -> int:
    """The row of a CoQuan field in the blank of `hoso init`."""
    ws = blank.build(factory.YEAR)[sheet]
    label = schema.SHEETS_BY_KEY[sheet].column(field).label
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)


@pytest.mark.parametrize("in_coquan, in_nhansu", [
    ("Nguyễn Văn Hoà", "Nguyễn Văn Hòa"),  # old and new tone placement (Unikey offers both)
    ("Ông Đỗ Thị Thuỷ", "Đỗ Thị Thủy"),
    (unicodedata.normalize("NFD", "Nguyễn Văn Hòa"), "nguyễn văn hoà"),  # decomposed, another case
    ("Đinh Văn Hùng", "\u00d0inh Văn Hùng"),  # the Icelandic Ð, drawn as Đ
])
def test_the_agency_head_is_found_whichever_place_the_tone_mark_has(tmp_path, in_coquan, in_nhansu):
    """CoQuan names the head «Nguyễn Văn Hoà», NhanSu has «Nguyễn Văn Hòa»: one name, two spellings a
    keyboard setting makes. The head is recognised (rated by the superior, not by himself), each cell
    printed as typed (NFC)."""
    from pipeline.forms.signers import is_agency_head

    def spelled(wb, cols):
        wb["CoQuan"].cell(cols["CoQuan"]["nguoi_dung_dau"], 2).value = in_coquan
        cell(wb, cols, "NhanSu", "ho_ten", 2).value = in_nhansu

    campaign, problems = read(filled(tmp_path / "so.xlsx", spelled))
    assert campaign is not None, texts(problems)
    assert campaign.agency_head_ma_so() == "NS-01"
    assert is_agency_head(campaign, campaign.person("NS-01"))
    assert not is_agency_head(campaign, campaign.person("NS-02"))
    assert campaign.person("NS-01").ho_ten == unicodedata.normalize("NFC", in_nhansu)
    assert campaign.agency.nguoi_dung_dau == unicodedata.normalize("NFC", in_coquan)


# -- dates, levels, yes/no and numbers typed as text -------------------------------------------------
def test_dates_typed_as_text_are_read_day_first_other_forms_refused_with_the_date_to_type(tmp_path):
    """Dates typed into cells formatted as Text (or pasted from another program). The contract reads
    dd/mm/yyyy: 05/06 is the 5th of June, never May 6th. A date written year first (as databases export
    it) or in words (as on a signed paper) is refused on its cell with the date to type; a two-digit
    year is refused, never completed."""
    typed = {2: "12/03/1970", 3: "1980-08-25", 4: "ngày 5 tháng 1 năm 1990", 5: "05/06/1985", 6: "25/8/80",
             7: "9.9.1998"}

    def as_text(wb, cols):
        for r, text in typed.items():
            c = cell(wb, cols, "NhanSu", "ngay_sinh", r)
            c.value, c.number_format = text, "@"

    campaign, problems = read(filled(tmp_path / "so.xlsx", as_text))
    assert campaign is None
    bad = {p.cell: p for p in problems if p.is_error}
    assert set(bad) == {"C3", "C4", "C6"}, texts(problems)
    assert all(p.sheet == "NhanSu" and p.value == typed[p.row] for p in bad.values())
    assert "nếu là ngày 25 tháng 8 năm 1980, ghi «25/08/1980»" in bad["C3"].message
    assert "nếu là ngày 5 tháng 1 năm 1990, ghi «05/01/1990»" in bad["C4"].message
    assert "Năm không đủ 4 chữ số" in bad["C6"].message

    def fixed(wb, cols):
        as_text(wb, cols)
        for r, text in ((3, "25/08/1980"), (4, "05/01/1990"), (6, "14/02/1995")):
            cell(wb, cols, "NhanSu", "ngay_sinh", r).value = text

    campaign, problems = read(filled(tmp_path / "so2.xlsx", fixed))
    assert campaign is not None, texts(problems)
    assert [p.ngay_sinh for p in campaign.people] == [dt.date(1970, 3, 12), dt.date(1980, 8, 25), dt.date(1990, 1, 5),
                                                     dt.date(1985, 6, 5), dt.date(1995, 2, 14), dt.date(1998, 9, 9)]


def test_levels_and_yes_no_as_clerks_write_them(tmp_path):
    words = {2: ("hoàn thành tốt nhiệm vụ", "HTT"), 3: ("Hoàn thành tốt NV", "HTT"), 4: ("HOÀN THÀNH XUẤT SẮC", "HTXS"),
             5: ("htxs", "HTXS"), 6: ("Hoàn thành nhiệm vụ.", "HT"), 7: ("Không hoàn thành NV", "KHT")}
    marks = {2: ("✓", True), 3: ("x", True), 4: (1, True), 5: (True, True), 6: ("CÓ", True), 7: ("Không", False)}

    def typed(wb, cols):
        for r, (text, _) in words.items():
            cell(wb, cols, "NhanSu", "tu_xep_loai", r).value = text
        for r, (mark, _) in marks.items():
            cell(wb, cols, "NhanSu", "dang_vien", r).value = mark

    campaign, problems = read(filled(tmp_path / "so.xlsx", typed))
    assert campaign is not None, texts(problems)
    assert [p.tu_xep_loai for p in campaign.people] == [code for _, code in words.values()]
    assert [p.dang_vien for p in campaign.people] == [yes for _, yes in marks.values()]


def test_a_rate_typed_with_its_percent_sign_into_a_text_cell_is_that_percent():
    """«95%» typed into a cell formatted as Text stays the text «95%» (typed into a General cell, Excel
    stores 0.95 shown as 95%, read as 95 already): the clerk means 95 in a column measured in percent."""
    from pipeline.ingest.cells import Bad, converter

    rate = converter(schema.SHEETS_BY_KEY["KetQuaKy"].column("ty_le_so_luong"))
    assert rate("95%") == 95 and rate(" 87,5 % ") == 87.5 and rate("100%") == 100
    with pytest.raises(Bad):
        rate("nhiều%")


# -- the layout of a sheet -----------------------------------------------------------------------------
def test_a_row_numbering_the_columns_or_repeating_the_headers_is_skipped_with_one_warning(tmp_path):
    """Official tables number their columns under the header («(1)», «(2)»… or 1, 2, 3…); a clerk who
    knows the keys writes them under the labels. That row is not a person with 20 wrong cells: one
    warning names it and the data under it is read as usual."""
    def numbered(wb, cols):
        ns = wb["NhanSu"]
        ns.insert_rows(2)
        for c in range(1, len(cols["NhanSu"]) + 1):
            ns.cell(2, c).value = f"({c})"
        dv = wb["DonVi"]
        dv.insert_rows(2)
        for c in range(1, len(cols["DonVi"]) + 1):
            dv.cell(2, c).value = c
        bq = wb["BieuQuyet"]
        bq.insert_rows(2)
        for key, c in cols["BieuQuyet"].items():
            bq.cell(2, c).value = key

    campaign, problems = read(filled(tmp_path / "so.xlsx", numbered))
    assert campaign is not None, texts(problems)
    plain, _ = read(filled(tmp_path / "plain.xlsx"))
    assert [replace(p, row=0) for p in campaign.people] == [replace(p, row=0) for p in plain.people]
    assert campaign.units == plain.units and campaign.votes == plain.votes
    skipped = {(p.sheet, p.row): p.message for p in problems if "không phải dữ liệu" in p.message}
    assert skipped == {("NhanSu", 2): "Dòng 2 là dòng đánh số thứ tự các cột («(1)», «(2)»…), không phải dữ liệu: được bỏ qua.",
                       ("DonVi", 2): "Dòng 2 là dòng đánh số thứ tự các cột (1, 2, 3…), không phải dữ liệu: được bỏ qua.",
                       ("BieuQuyet", 2): "Dòng 2 là dòng tiêu đề thứ hai (lặp lại tên các cột), không phải dữ liệu: được bỏ qua."}
    assert all(not p.is_error for p in problems)
    assert campaign.person("NS-01").refs["ho_ten"].row == 3  # messages still name the cells the clerk sees


def test_a_row_of_small_numbers_under_a_short_header_is_data():
    """Four numbers 1, 2, 3, 4 can be a person's scores (ChamDiem has four columns): only five or more
    numbered columns, or numbers in brackets, are a numbering row."""
    from pipeline.ingest.reader import _second_header

    scores = schema.SHEETS_BY_KEY["ChamDiem"]
    assert _second_header(scores, {0: 1, 1: 2, 2: 3, 3: 4}) is None
    assert _second_header(scores, {0: "(1)", 1: "(2)", 2: "(3)", 3: "(4)"}) is not None
    assert _second_header(scores, {0: "NS-01", 1: "TC1", 2: 3, 3: 4}) is None
    assert _second_header(scores, {0: "(1)", 1: "(3)", 2: "(2)"}) is None  # not numbered with the columns


# -- files that are not a workbook ---------------------------------------------------------------------
@pytest.mark.parametrize("name, data", [
    ("nhan_su.csv", "ma_so,ho_ten,ngay_sinh\nNS-01,Nguyễn Văn An,12/03/1970\n".encode()),
    ("nhan_su.xlsx", "\ufeffma_so;ho_ten\r\nNS-01;Nguyễn Văn An\r\n".encode()),  # Excel's «CSV UTF-8», renamed
    ("nhan_su.txt", "\ufeffma_so\tho_ten\r\nNS-01\tNguyễn Văn An\r\n".encode("utf-16-le")),  # Excel's «Unicode Text»
])
def test_a_csv_export_is_named_as_such_with_how_to_save_it(tmp_path, name, data):
    from pipeline.errors import InputUnreadable
    from pipeline.ingest.xlsx import XlsxFile

    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputUnreadable) as exc:
        XlsxFile(tmp_path / name)
    assert exc.value.message.startswith(f"Tệp «{name}» là tệp CSV")
    assert "UTF-8" in exc.value.hint and "«Sổ làm việc Excel (.xlsx)»" in exc.value.hint


def test_a_renamed_sheet_of_votes_is_an_error_not_votes_silently_left_out(tmp_path):
    """«BieuQuyet» renamed «Biểu quyết 2026» by the clerk: the sheet is optional, so reading on without it would
    rate everyone and print every minute without the votes the meeting cast. It is an error saying what to
    rename it; a sheet of the agency's own with a «Mã số» column is still only ignored."""
    def renamed(wb, cols):
        wb["BieuQuyet"].title = "Biểu quyết 2026"
        own = wb.create_sheet("Danh bạ")
        own.append(["Mã số", "Họ và tên", "Số điện thoại"])
        own.append(["NS-01", "Nguyễn Văn An", "0912345678"])

    campaign, problems = read(filled(tmp_path / "so.xlsx", renamed))
    assert campaign is None
    [error] = [p for p in problems if p.is_error]
    assert error.sheet == "Biểu quyết 2026" and error.expected == "đổi tên sheet «Biểu quyết 2026» thành «BieuQuyet»"
    assert "có các cột của sheet «BieuQuyet» (Biểu quyết), có lẽ đã bị đổi tên" in error.message
    assert [p.message for p in problems if p.sheet == "Danh bạ"] == ["Sheet không thuộc mẫu, được bỏ qua."]


def test_a_required_column_under_another_title_is_named(tmp_path):
    """The clerk titled the columns his own way («Mã NV», «Ngày tháng năm sinh»): the missing column's error
    names the cell whose title to change, so the marked copy and the web page point at it."""
    def titled(wb, cols):
        ns = wb["NhanSu"]
        ns.cell(1, cols["NhanSu"]["ma_so"]).value = "Mã NV"
        ns.cell(1, cols["NhanSu"]["ngay_sinh"]).value = "Ngày tháng năm sinh"
        ns.cell(1, ns.max_column + 1).value = "Số điện thoại"

    campaign, problems = read(filled(tmp_path / "so.xlsx", titled))
    missing = {p.expected: p for p in problems if p.is_error}
    assert set(missing) == {"đổi tiêu đề ô A1 thành «Mã số»", "đổi tiêu đề ô C1 thành «Ngày sinh»"}, texts(problems)
    p = missing["đổi tiêu đề ô C1 thành «Ngày sinh»"]
    assert (p.sheet, p.cell, p.header) == ("NhanSu", "C1", "Ngày tháng năm sinh")
    assert p.message == "Thiếu cột bắt buộc «Ngày sinh» (ngay_sinh); có phải cột C «Ngày tháng năm sinh»?"


def test_dates_an_excel_set_to_us_month_first_swapped_are_pointed_out(tmp_path):
    """A clerk types day first on an Excel set to the US way (month/day/year): «12/03/1970» becomes the
    date 3 December 1970, «25/08/1980» cannot be a date and stays text. Neither cell is wrong to the reader,
    but the mix is the sign: every swappable Excel date of that column gets a warning saying what it was
    typed as; a day that cannot be a month (13 and over) or equal day and month are left alone."""
    def us_excel(wb, cols):
        cell(wb, cols, "NhanSu", "ngay_sinh", 2).value = dt.datetime(1970, 12, 3)  # typed 12/03/1970
        c = cell(wb, cols, "NhanSu", "ngay_sinh", 3)
        c.value, c.number_format = "25/08/1980", "@"  # not a US date: left as typed
        cell(wb, cols, "NhanSu", "ngay_sinh", 4).value = dt.datetime(1990, 1, 15)  # typed 1/15/1990? no: day 15
        cell(wb, cols, "NhanSu", "ngay_sinh", 5).value = dt.datetime(1985, 6, 6)

    campaign, problems = read(filled(tmp_path / "so.xlsx", us_excel))
    assert campaign is not None, texts(problems)
    warned = [p for p in problems if "kiểu Mỹ" in p.message]
    assert [(p.sheet, p.cell, p.value) for p in warned] == [("NhanSu", "C2", "03/12/1970")], texts(problems)
    assert "Nếu ô này đã gõ «12/03/1970» (ngày 12 tháng 3), Excel đã lưu thành ngày 3 tháng 12 năm 1970" in warned[0].message
    assert "«25/08/1980»" in warned[0].message and not warned[0].is_error

    plain, problems = read(filled(tmp_path / "plain.xlsx"))  # dates all typed one way: nothing to say
    assert not [p for p in problems if "kiểu Mỹ" in p.message]


def test_a_unit_name_written_for_its_code_gets_the_code(tmp_path):
    def names(wb, cols):
        cell(wb, cols, "NhanSu", "ma_don_vi", 3).value = "Phòng Hành chính"
        cell(wb, cols, "NhanSu", "ma_don_vi", 6).value = "trung tâm tin học"

    campaign, problems = read(filled(tmp_path / "so.xlsx", names))
    bad = {p.cell: p for p in problems if p.is_error}
    assert set(bad) == {"E3", "E6"}, texts(problems)
    assert bad["E3"].message == ("«Phòng Hành chính» là tên đơn vị; cột này ghi mã đơn vị (mã của đơn vị này ở sheet "
                                 "DonVi là «HC»).") and bad["E3"].expected == "«HC»"
    assert bad["E6"].expected == "«SN»"


@pytest.mark.parametrize("typed", ["Không", "Khá", "K", "Tốt", "Không HT"])
def test_a_word_that_is_no_level_is_never_offered_a_level(tmp_path, typed):
    """«Không» (none yet), «Khá» (the old grading), «K»: refused, without «có phải «KHT»?» — a clerk taking the
    hint would record the lowest level for a letter likeness. A code typo still gets its code."""
    def level(wb, cols):
        cell(wb, cols, "NhanSu", "tu_xep_loai", 3).value = typed
        cell(wb, cols, "NhanSu", "tu_xep_loai", 4).value = "HTTX"

    _, problems = read(filled(tmp_path / "so.xlsx", level))
    bad = {p.cell: p for p in problems if p.is_error}
    assert set(bad) == {"V3", "V4"}, texts(problems)
    assert "có phải" not in bad["V3"].message and bad["V3"].value == typed
    assert "có phải «HTT»?" in bad["V4"].message


def test_a_number_written_with_its_unit_says_to_write_the_number_only(tmp_path):
    """«78 điểm», «3 người», «12 tháng»: refused as the contract says (a number), the message saying which
    word to drop; «78,5» and «3» as text are the numbers."""
    def worded(wb, cols):
        cell(wb, cols, "ChamDiem", "diem_danh_gia", 3).value = "78 điểm"
        cell(wb, cols, "BieuQuyet", "so_nguoi_du_hop", 2).value = "3 người"
        cell(wb, cols, "NhanSu", "so_thang_cong_tac", 4).value = "12 tháng"
        cell(wb, cols, "ChamDiem", "diem_tu_cham", 3).value = "80,5"

    _, problems = read(filled(tmp_path / "so.xlsx", worded))
    bad = {(p.sheet, p.cell): p.message for p in problems if p.is_error}
    assert bad == {("ChamDiem", "D3"): "Ô có chữ «điểm» sau số; chỉ ghi số: «78».",
                   ("BieuQuyet", "B2"): "Ô có chữ «người» sau số; chỉ ghi số: «3».",
                   ("NhanSu", f"{factory.letter('NhanSu', 'so_thang_cong_tac')}4"): "Ô có chữ «tháng» sau số; chỉ ghi số: «12»."}


def test_rows_hidden_in_excel_are_read_and_said_to_be(tmp_path):
    """A clerk hides the row of someone who left (or filters the sheet by unit) rather than deleting it: the
    row is read like any other — never dropped because Excel does not show it — and one warning per sheet
    says which rows are hidden, so that a person printed without being seen is not a surprise."""
    def hide(wb, cols):
        wb["NhanSu"].row_dimensions[4].hidden = True
        wb["NhanSu"].row_dimensions[6].hidden = True
        wb["NhanSu"].row_dimensions[30].hidden = True  # hidden but empty: nothing to say
        wb["BieuQuyet"].row_dimensions[3].hidden = True

    campaign, problems = read(filled(tmp_path / "so.xlsx", hide))
    assert campaign is not None, texts(problems)
    assert [p.ma_so for p in campaign.people] == ["NS-01", "NS-02", "NS-03", "NS-04", "NS-05", "NS-06"]
    assert sorted(campaign.votes) == ["NS-01", "NS-02", "NS-04"]
    hidden = {p.sheet: p for p in problems if "đang bị ẩn" in p.message}
    assert set(hidden) == {"NhanSu", "BieuQuyet"} and not any(p.is_error for p in hidden.values())
    assert hidden["NhanSu"].row == 4 and "(dòng 4, 6)" in hidden["NhanSu"].message
    assert "vẫn được đánh giá, xếp loại và in hồ sơ" in hidden["NhanSu"].message


def test_a_sheet_hidden_in_excel_is_read_and_said_to_be(tmp_path):
    """A clerk hides a whole sheet (right-click → Hide) rather than clearing it: BieuQuyet's votes of NS-01, NS-02
    and NS-04 (rows 2–4) are still read — the clerk sees none of them — and one warning on the sheet says it is
    hidden and holds 3 rows. Hidden rows and columns were said; a hidden sheet was not. The hidden list sheet of
    `hoso init` (DanhMuc, not a sheet of the contract) is not read, so not said."""
    def hide(wb, cols):
        wb["BieuQuyet"].sheet_state = "hidden"

    campaign, problems = read(filled(tmp_path / "so.xlsx", hide))
    assert campaign is not None, texts(problems)
    assert sorted(campaign.votes) == ["NS-01", "NS-02", "NS-04"]
    (said,) = [p for p in problems if "Sheet đang bị ẩn" in p.message]
    assert said.sheet == "BieuQuyet" and not said.is_error
    assert said.message == ("Sheet đang bị ẩn trong Excel nhưng có 3 dòng dữ liệu (từ dòng 2); các dòng này vẫn được đọc "
                            "như mọi dòng.")
    assert "Unhide" in (said.expected or "")
    _, plain = read(filled(tmp_path / "so2.xlsx"))
    assert not [p for p in plain if "Sheet đang bị ẩn" in p.message]

def test_hidden_rows_are_found_however_the_row_tag_is_written():
    """LibreOffice writes hidden="true", Excel hidden="1", in any attribute order, with or without a prefix."""
    from pipeline.ingest.xlsx import _HIDDEN_ROW

    xml = ('<row r="4" spans="1:3" hidden="1"><c r="A4"/></row><row hidden="true" r="9" ht="0"/>'
           '<x:row r="12" hidden="1"/><row r="15" customHeight="1"/>')
    assert sorted(int(a or b) for a, b in _HIDDEN_ROW.findall(xml)) == [4, 9, 12]


def test_the_abbreviations_of_every_personnel_list_are_read(tmp_path):
    """CC, VC, CB, HĐ, NLĐ for the kind of staff and NV for a staff member, as every personnel list writes
    them; «HĐLĐ» (a labour contract: «Hợp đồng» or «Người lao động») is refused, never guessed."""
    kinds = {2: ("CC", "cong_chuc"), 3: ("cc", "cong_chuc"), 4: ("C.C", "cong_chuc"), 5: ("VC", "vien_chuc"),
             6: ("NLĐ", "nguoi_lao_dong")}

    def abbreviated(wb, cols):
        for r, (typed, _) in kinds.items():
            cell(wb, cols, "NhanSu", "loai_nhan_su", r).value = typed
        cell(wb, cols, "NhanSu", "vai_tro", 4).value = "NV"
        cell(wb, cols, "NhanSu", "loai_nhan_su", 7).value = "HĐ"

    campaign, problems = read(filled(tmp_path / "so.xlsx", abbreviated))
    assert campaign is not None, texts(problems)
    assert [p.loai_nhan_su for p in campaign.people] == [code for _, code in kinds.values()] + ["hop_dong"]
    assert campaign.person("NS-03").vai_tro == "nhan_vien"

    def labour(wb, cols):
        cell(wb, cols, "NhanSu", "loai_nhan_su", 7).value = "HĐLĐ"

    _, problems = read(filled(tmp_path / "so2.xlsx", labour))
    [bad] = [p for p in problems if p.is_error]
    assert (bad.sheet, bad.cell, bad.value) == ("NhanSu", f"{factory.letter('NhanSu', 'loai_nhan_su')}7", "HĐLĐ")


def test_a_coquan_value_typed_over_the_guide_is_named_not_dropped(tmp_path):
    """The clerk typed the agency's name and the document date one column too far right, over the guide
    («Hướng dẫn», column C) of the blank: the date would be printed as dots for handwriting without a
    word. Both are named; a guide left as the blank wrote it, or a note beside a filled value, is not."""
    def beside(wb, cols):
        ws = wb["CoQuan"]
        for field, value in (("ten_co_quan", "Văn phòng UBND tỉnh Thử Nghiệm"), ("ngay_lap", dt.datetime(2024, 11, 5))):
            ws.cell(cols["CoQuan"][field], 2).value = None
            ws.cell(cols["CoQuan"][field], 3).value = value
        ws.cell(cols["CoQuan"]["dia_danh"], 3).value = "đã hỏi chị Lan"  # a note beside a value: not a value

    campaign, problems = read(filled(tmp_path / "so.xlsx", beside))
    said = {p.cell: p for p in problems if "cột hướng dẫn" in p.message}
    name_row, date_row = cols_of("CoQuan", "ten_co_quan"), cols_of("CoQuan", "ngay_lap")
    assert set(said) == {f"B{name_row}", f"B{date_row}"}, texts(problems)
    assert said[f"B{name_row}"].is_error and not said[f"B{date_row}"].is_error
    assert said[f"B{date_row}"].message == (f"Ô B{date_row} («Ngày lập») trống nhưng ô C{date_row} bên cạnh (cột hướng "
                                            "dẫn) có «05/11/2024»: giá trị ở đó không được đọc.")
    assert said[f"B{date_row}"].expected == f"chép giá trị sang ô B{date_row}"
    plain, problems = read(filled(tmp_path / "plain.xlsx"))  # the blank's guides beside empty optional fields
    assert not [p for p in problems if "cột hướng dẫn" in p.message]


# -- what a build prints from such a workbook (the real LibreOffice) -----------------------------------
@pytest.mark.libreoffice
def test_a_clerk_workbook_prints_names_bullets_and_codes_as_the_clerk_meant(tmp_path):
    """One person built from a workbook with the habits above together: the code 001 (a number formatted
    000), the name typed decomposed (NFD) with an Alt+Enter, the self-assessment pasted from a Word list
    (Symbol / Wingdings bullets, which no font of the forms draws). The papers print «001», the name on one
    line in composed Unicode, and the bullets."""
    import os
    import subprocess

    from fakes import pdf_text

    def habits(wb, cols):
        for sheet in ("NhanSu", "TuDanhGia", "BieuQuyet", "KyLuat", "ThiDua", "ChamDiem"):
            for r in range(2, wb[sheet].max_row + 1):
                c = cell(wb, cols, sheet, "ma_so", r)
                if c.value:
                    c.value, c.number_format = int(c.value[3:]), "000"
        cell(wb, cols, "NhanSu", "ho_ten", 2).value = unicodedata.normalize("NFD", "Nguyễn Văn\nAn")
        wb["CoQuan"].cell(cols["CoQuan"]["nguoi_dung_dau"], 2).value = "Nguyễn Văn An"
        cell(wb, cols, "TuDanhGia", "uu_diem", 2).value = "\uf0b7 Nhiệt tình, trách nhiệm.\n\uf0a7 Chủ động sáng tạo."

    book = filled(tmp_path / "so.xlsx", habits)
    out = tmp_path / "ket_qua"
    env = dict(os.environ, HOSO_CACHE=str(tmp_path / "cache"), TMPDIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(book), "--person", "001", "-o", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    text = pdf_text(out / "ca_nhan" / "HC" / "001.pdf")
    assert "Nguyễn Văn An" in text and unicodedata.normalize("NFD", "Nguyễn") not in text
    assert "Nguyễn Văn\nAn" not in text
    assert "• Nhiệt tình, trách nhiệm." in text and "▪ Chủ động sáng tạo." in text
    assert "\uf0b7" not in text and "001" in text


def test_periods_written_without_their_year_are_the_evaluation_year(tmp_path):
    """A 2026 sheet of monthly results kept for the one year says «Tháng 1», «T2»…: the period of the evaluation
    year (the only year a period may have, spec/workbook-2026.md), one warning for the sheet instead of an
    error on every row; a month that does not exist («Tháng 13») is still an error on its cell."""
    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    wb = openpyxl.load_workbook(sample)
    ws = wb["KetQuaKy"]
    head = [c.value for c in ws[1]]
    ky, code = head.index("ky") + 1, head.index("ma_so") + 1
    first = [r for r in range(2, ws.max_row + 1) if ws.cell(r, code).value == "VP-001"]
    written = {}
    for r in first:
        month = int(ws.cell(r, ky).value[-2:])
        ws.cell(r, ky).value = written[r] = f"Tháng {month}" if month % 2 else f"T{month}"
    wb.save(tmp_path / "so.xlsx")
    plain, _ = read(sample)
    campaign, problems = read(tmp_path / "so.xlsx")
    assert campaign is not None, texts(problems)
    assert [(p.ma_so, p.ky, p.diem_tieu_chi_chung) for p in campaign.periods] == \
        [(p.ma_so, p.ky, p.diem_tieu_chi_chung) for p in plain.periods]
    [said] = [p for p in problems if "không có năm" in p.message]
    assert (said.sheet, said.row, said.is_error) == ("KetQuaKy", first[0], False)
    assert said.message == f"Kỳ ghi không có năm ({len(first)} dòng, như «Tháng 1»): đọc là kỳ của năm đánh giá 2026 («Tháng 1» là 2026-01)."

    ws.cell(first[0], ky).value = "Tháng 13"
    wb.save(tmp_path / "so2.xlsx")
    _, problems = read(tmp_path / "so2.xlsx")
    assert [(p.sheet, p.row, p.value) for p in problems if p.is_error] == [("KetQuaKy", first[0], "Tháng 13")], texts(problems)


# -- the example periods of the workbook's own year ----------------------------------------------------
def test_the_examples_of_periods_are_of_the_workbooks_year(tmp_path):
    """A 2027 workbook is told to write «2027-01 … 2027-12», never 2026's periods: the blank of `hoso init --nam
    2027` (guide, header comments, input prompts), the workbook `hoso init --tu` makes from a 2026 one, and the
    message on a period cell that does not read."""
    from pipeline.ingest import rollover

    wanted = "tháng dạng 2027-01 … 2027-12 hoặc quý dạng 2027-Q1 … 2027-Q4"

    def written(wb) -> str:
        out = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
        out += [c.comment.text for ws in wb.worksheets for row in ws.iter_rows(max_row=1) for c in row if c.comment]
        out += [dv.prompt or "" for ws in wb.worksheets for dv in ws.data_validations.dataValidation]
        return "\n".join(out)

    made = written(blank.build(2027))
    assert "2027-01 … 2027-12" in made and "2027-Q1 … 2027-Q4" in made and "2026-01" not in made and "2026-Q" not in made
    assert "2026-01 … 2026-12" in written(blank.build(2026)) and "2026-01 … 2026-12" in written(blank.build())

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    done = rollover.roll(sample, tmp_path / "moi")
    rolled = written(openpyxl.load_workbook(done.dest))
    assert "2027-01 … 2027-12" in rolled and "2026-01 … 2026-12" not in rolled

    wb = openpyxl.load_workbook(sample)
    agency = wb["CoQuan"]
    [year_row] = [r for r in range(1, agency.max_row + 1) if agency.cell(r, 1).value == "nam_danh_gia"]
    agency.cell(year_row, 2).value = 2027
    ws = wb["KetQuaKy"]
    ky = [c.value for c in ws[1]].index("ky") + 1
    ws.cell(2, ky).value = "Kỳ đầu năm"
    wb.save(tmp_path / "so.xlsx")
    _, problems = read(tmp_path / "so.xlsx")
    [bad] = [p for p in problems if p.sheet == "KetQuaKy" and p.row == 2 and p.value == "Kỳ đầu năm"]
    assert bad.is_error and bad.expected == wanted, bad.text()


def test_hidden_columns_and_many_hidden_rows_are_named_once_per_sheet(tmp_path):
    """A clerk filters NhanSu by unit (the filter hides every other row) and hides a column of last year's
    values: both are read like any other, and one warning for the sheet names the first hidden rows, counts
    the others, names the hidden columns holding data (not an empty column hidden because it is not used) and
    says how to leave a person out lawfully."""
    data = factory.tables()
    extra = [dict(data["NhanSu"][4], ma_so=f"NS-{n:02d}", ho_ten=f"Hoàng Văn Em {n}") for n in range(7, 27)]
    data["NhanSu"] = data["NhanSu"] + extra  # rows 2..27

    def hide(wb, cols):
        ws = wb["NhanSu"]
        for r in range(4, 28, 2):  # rows 4, 6, …, 26: 12 people
            ws.row_dimensions[r].hidden = True
        for key in ("chuc_vu", "so_thang_nghi", "tu_xep_loai_dang_vien"):  # the last one is empty
            ws.column_dimensions[factory.get_column_letter(cols["NhanSu"][key])].hidden = True

    campaign, problems = read(filled(tmp_path / "so.xlsx", hide, data))
    assert campaign is not None, texts(problems)
    assert len(campaign.people) == 26 and campaign.people[2].chuc_vu == "Chuyên viên"
    [said] = [p for p in problems if "đang bị ẩn" in p.message]
    letter = {key: factory.letter("NhanSu", key) for key in ("chuc_vu", "so_thang_nghi")}
    assert not said.is_error and (said.sheet, said.row, said.column) == ("NhanSu", 4, None)
    assert said.message == (
        "Sheet có dòng dữ liệu đang bị ẩn trong Excel (dòng 4, 6, 8, 10, 12, 14, 16, 18 và 4 dòng khác) và cột có dữ "
        f"liệu đang bị ẩn (cột {letter['chuc_vu']} «Chức vụ, chức danh», cột {letter['so_thang_nghi']} «Số tháng nghỉ theo quy "
        "định»); các dòng và cột này vẫn được đọc như mọi dòng và cột (người ở dòng ẩn vẫn được đánh giá, xếp loại "
        "và in hồ sơ).")
    assert "xóa dòng của người đó" in said.expected and "«Số tháng công tác trong năm»" in said.expected

    def columns_only(wb, cols):
        wb["BieuQuyet"].column_dimensions[factory.get_column_letter(cols["BieuQuyet"]["phieu_ht"])].hidden = True

    _, problems = read(filled(tmp_path / "so2.xlsx", columns_only))
    [said] = [p for p in problems if "đang bị ẩn" in p.message]
    column = factory.letter("BieuQuyet", "phieu_ht")
    assert (said.sheet, said.row, said.column) == ("BieuQuyet", 1, column)
    assert said.message == (f"Sheet có cột có dữ liệu đang bị ẩn (cột {column} «Phiếu HT»); các cột "
                            "này vẫn được đọc như mọi cột.")


def test_a_persons_code_merged_over_their_periods_is_read_for_each_period(tmp_path):
    """KetQuaKy kept as a clerk prints it: the person's code merged down over their twelve months. Each month is
    that person's (what the sheet shows), with one warning for the range; the results and ratings are those of
    the same sheet unmerged."""
    from openpyxl.utils import get_column_letter

    from pipeline.rating import rate

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    wb = openpyxl.load_workbook(sample)
    ws = wb["KetQuaKy"]
    code = [c.value for c in ws[1]].index("ma_so") + 1
    mine = [r for r in range(2, ws.max_row + 1) if ws.cell(r, code).value == "VP-001"]
    assert mine == list(range(mine[0], mine[0] + len(mine))) and len(mine) > 1
    letter = get_column_letter(code)
    ws.merge_cells(f"{letter}{mine[0]}:{letter}{mine[-1]}")
    wb.save(tmp_path / "so.xlsx")
    plain, _ = read(sample)
    merged, problems = read(tmp_path / "so.xlsx")
    assert merged is not None, texts(problems)
    assert merged.periods == plain.periods
    assert rate(merged).people == rate(plain).people
    [said] = [p for p in problems if "gộp" in p.message]
    assert not said.is_error and said.message.startswith(f"Vùng ô gộp (merge) {letter}{mine[0]}:{letter}{mine[-1]}: "
                                                          f"«VP-001» của ô {letter}{mine[0]} được đọc cho từng dòng")


def test_a_name_or_post_typed_without_its_marks_is_said_before_it_is_printed(tmp_path):
    """The Vietnamese keyboard was off: NhanSu B3 «Tran Thi Thu Ha» (VP-002, Trần Thị Thu Hà), F3 «Pho Chanh Van
    phong», L3 «bi thu chi bo» — printed so on every signed paper, and «bi thu chi bo» is no «Bí thư chi bộ» to sign
    the chi bộ's report. Each is a warning on its cell (read as typed: only the clerk knows the marks). An
    ethnic-minority name with no marks of its own («Y Bhim Nie», A5's person) and a name with its marks are not
    said; five names typed so are one warning naming their cells."""
    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["NhanSu"]
    assert [ws.cell(1, c).value for c in (2, 6, 12)] == ["ho_ten", "chuc_vu", "chuc_vu_dang"]
    assert (ws["B3"].value, ws["F3"].value, ws["L3"].value) == ("Trần Thị Thu Hà", "Phó Chánh Văn phòng", "Bí thư chi bộ")
    ws["B3"], ws["F3"], ws["L3"], ws["B5"] = "Tran Thi Thu Ha", "Pho Chanh Van phong", "bi thu chi bo", "Y Bhim Nie"
    wb.save(tmp_path / "khong_dau.xlsx")
    campaign, problems = read(tmp_path / "khong_dau.xlsx")
    assert campaign is not None, texts(problems)
    said = {p.cell: p for p in problems if "không dấu" in p.message}
    assert set(said) == {"B3", "F3", "L3"}, texts(problems)
    assert said["B3"].message == "«Họ và tên» viết không dấu; các văn bản in đúng như đã gõ."
    assert said["L3"].message == "«Chức vụ Đảng» viết không dấu; các văn bản in đúng như đã gõ."
    assert not any(p.is_error for p in said.values()) and "Unikey" in (said["F3"].expected or "")
    assert next(p for p in campaign.people if p.ma_so == "VP-002").ho_ten == "Tran Thi Thu Ha"  # as typed

    for r in range(6, 11):
        ws.cell(r, 2).value = cells_ascii(ws.cell(r, 2).value)
    wb.save(tmp_path / "nam_nguoi.xlsx")
    _, problems = read(tmp_path / "nam_nguoi.xlsx")
    (many,) = [p for p in problems if "không dấu" in p.message and p.header == "ho_ten"]
    assert "«Họ và tên» của 6 người viết không dấu (B3, B6:B10)" in many.message


def cells_ascii(text: str) -> str:
    """`text` without its Vietnamese marks, as typed with the keyboard off."""
    return unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).encode("ascii", "ignore").decode()
