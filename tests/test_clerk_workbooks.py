"""Workbooks no one here wrote: the blank of `hoso init` filled the way clerks fill it (Excel, WPS,
LibreOffice; by hand, by copy-paste, with last year's habits). What was read must be what the clerk
meant; what cannot be read with certainty is a problem naming the sheet, the cell and the value."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
from collections.abc import Callable
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
