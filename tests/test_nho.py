"""Small things a clerk trips on: `hoso check` on a comparable group still written with a unit code the
clerk corrected in DonVi and NhanSu («TH/chuyen_vien» after TH became THP)."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as factory

from pipeline import ingest
from pipeline.cli import main
from pipeline.ingest import schema
from pipeline.ingest.problems import WARNING
from pipeline.resources import sample_workbook

STALE = "ghi theo mã đơn vị"  # the words of the new warning


def _stale(problems) -> list:
    return [p for p in problems if STALE in p.message]


def test_a_group_code_of_a_unit_code_corrected_everywhere_else_is_warned_at_its_cells(tmp_path, capsys):
    """The 2026 sample with unit TH corrected to THP in DonVi and every row that names it, the NhanSu «Nhóm
    tương đồng» «TH/chuyen_vien» left as it was: one warning (not an error: check still passes) at the group's
    first cell, naming every cell of it, and the code the group would have with its people's unit."""
    book = openpyxl.load_workbook(sample_workbook(2026))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "TH":
                    cell.value = "THP"
    staff = book["NhanSu"]
    header = [c.value for c in staff[1]]
    col = header.index("nhom_tuong_dong")
    rows = [r[col].row for r in staff.iter_rows(min_row=2) if r[col].value == "TH/chuyen_vien"]
    letter = staff.cell(row=1, column=col + 1).column_letter
    assert rows == list(range(rows[0], rows[0] + 8))  # the sample's 8 chuyên viên of TH, one after another
    path = tmp_path / "thp.xlsx"
    book.save(path)

    [p] = _stale(ingest.check(path))
    assert (p.severity, p.sheet, p.row, p.column, p.value) == (WARNING, "NhanSu", rows[0], letter, "TH/chuyen_vien")
    assert p.message == (f"Nhóm tương đồng «TH/chuyen_vien» ở 8 dòng ({letter}{rows[0]}:{letter}{rows[-1]}) ghi theo mã "
                         "đơn vị «TH», nhưng sheet DonVi không có đơn vị mã «TH» (mã đơn vị đã sửa mà nhóm chưa sửa?); "
                         "các văn bản in tên nhóm là «TH/chuyên viên».")
    assert p.expected == ("«THP/chuyen_vien» (mã đơn vị của những người này trong sheet NhanSu), hoặc tên nhóm viết "
                          "bằng chữ (sửa mọi ô ghi nhóm này)")
    with pytest.raises(SystemExit) as exc:
        main(["check", str(path)])
    assert exc.value.code == 0
    assert "«THP/chuyen_vien»" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["mau_2024", "mau_2026", "su_nghiep_2026", "xa_2026", "trung_tam_2026"])
def test_no_valid_workbook_gets_the_warning(name, tmp_path):
    if name.startswith("mau_"):
        path = sample_workbook(int(name[-4:]))
    else:
        path = importlib.import_module(name).write(tmp_path / f"{name}.xlsx")
    assert not _stale(ingest.check(path))


def _groups(tmp_path: Path, groups: dict[str, str], overrides: list[str], **layout) -> list:
    t = factory.tables()
    for person in t["NhanSu"]:
        person["nhom_tuong_dong"] = groups.get(person["ma_so"], "")
    t["NgoaiLeTyLe"] = [dict(nhom_tuong_dong=g, so_htxs_toi_da=1, so_van_ban=f"{i}/UBND",
                             ngay_van_ban=dt.date(factory.YEAR, 10, 1)) for i, g in enumerate(overrides, 1)]
    return ingest.check(factory.write(tmp_path / "so.xlsx", t, **layout))


def test_groups_named_in_words_by_category_or_by_the_clerk_s_own_scheme_are_not_unit_codes(tmp_path):
    """Units HC and SN. «HC/lanh_dao» is a unit's group; «cong_chuc/khong_giu_chuc_vu» the staff-category key;
    «Tổ A/B» a name in words; «to1/chuyen_vien» a clerk's own lower-case code (no unit is «to1»): none warned."""
    problems = _groups(tmp_path, {"NS-01": "HC/lanh_dao", "NS-02": "cong_chuc/khong_giu_chuc_vu", "NS-03": "Tổ A/B",
                                  "NS-04": "to1/chuyen_vien", "NS-05": "to1/chuyen_vien"}, ["HC/lanh_dao"])
    assert not [p for p in problems if p.is_error]
    assert not _stale(problems)


def test_a_stale_unit_code_in_one_cell_and_in_ngoai_le_ty_le_and_a_code_in_other_letters(tmp_path):
    """NS-05 (unit SN) in «TT/vien_chuc», a unit code DonVi does not have, and NgoaiLeTyLe's exception for that
    group; NS-06 (SN) in «sn/vien_chuc» (DonVi writes SN): three warnings, each at its cell, each with the code
    the group has with SN; «HC/lanh_dao» of NgoaiLeTyLe is a unit's group."""
    problems = _groups(tmp_path, {"NS-05": "TT/vien_chuc", "NS-06": "sn/vien_chuc"}, ["HC/lanh_dao", "TT/vien_chuc"])
    group = factory.letter("NhanSu", "nhom_tuong_dong")
    override = factory.letter("NgoaiLeTyLe", "nhom_tuong_dong")
    found = sorted((p.sheet, p.column, p.row, p.value, p.expected.split(" (")[0]) for p in _stale(problems))
    assert found == [("NgoaiLeTyLe", override, 3, "TT/vien_chuc", "«SN/vien_chuc»"),
                     ("NhanSu", group, 6, "TT/vien_chuc", "«SN/vien_chuc»"),
                     ("NhanSu", group, 7, "sn/vien_chuc", "«SN/vien_chuc»")]
    one = next(p for p in _stale(problems) if p.row == 6)
    assert one.message.startswith("Nhóm tương đồng «TT/vien_chuc» ghi theo mã đơn vị «TT»,")  # one cell: no list
    assert "(mã đơn vị của người này trong sheet NhanSu)" in one.expected


def test_the_warning_names_the_sheets_as_the_workbook_does(tmp_path):
    """Sheets and columns named by their Vietnamese labels (as `hoso init` writes them): the message names
    DonVi by its tab."""
    [p] = _stale(_groups(tmp_path, {"NS-05": "TT/vien_chuc"}, [], headers="label", sheet_names="label"))
    assert p.sheet == schema.SHEETS_BY_KEY["NhanSu"].label
    assert f"sheet «{schema.SHEETS_BY_KEY['DonVi'].label}» không có đơn vị mã «TT»" in p.message


def test_a_workbook_without_units_says_nothing_of_groups(tmp_path):
    """No DonVi codes to compare with (the sheet's fault is said on its own): no group warning."""
    t = factory.tables()
    t["NhanSu"][0]["nhom_tuong_dong"] = "TT/vien_chuc"
    del t["DonVi"]
    assert not _stale(ingest.check(factory.write(tmp_path / "so.xlsx", t)))

