"""Who chairs the review of a unit's head on its meeting's minutes (seed 001 II.2.c: «Khi kiểm điểm người đứng đầu
thì phân công cấp phó chủ trì»): the person DonVi «Người chủ trì khi kiểm điểm người đứng đầu» names, never a
guess printed unsaid.

The Sở Tư pháp (tests/so_tu_phap_2026.py): its Ban Giám đốc (BGD, DonVi row 2) is the Giám đốc Hoàng Minh Tuấn
and two Phó Giám đốc, Trần Thị Bích Ngọc (Phó Bí thư Đảng ủy) and Lê Văn Khoa, all three at the meeting. By
hand: with the column empty the minutes keep what they printed before — the deputy whose full name sorts first,
«Lê Văn Khoa» before «Trần Thị Bích Ngọc» (L < T) — and `check` says so; named, Trần Thị Bích Ngọc is printed.
The other units each have one deputy: nothing to say there.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
import so_tu_phap_2026 as so
import workbook_factory as wf
from fakes import pdftotext_flat

from pipeline import api, ingest
from pipeline.options import BuildOptions

LABEL = "Người chủ trì khi kiểm điểm người đứng đầu"
SAMPLE_2026 = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"


def _book(path: Path, chair: str | None = None, **bgd: object) -> Path:
    tables = so.tables()
    (unit,) = [u for u in tables["DonVi"] if u["ma_don_vi"] == "BGD"]
    if chair is not None:
        unit["chu_tri_khi_kiem_diem_truong"] = chair
    unit.update(bgd)
    return wf.write(path, tables, headers="label", sheet_names="label")


def _about_chair(problems) -> list:
    return [p for p in problems if p.header == LABEL or LABEL in p.message]


def test_two_deputies_and_nobody_named_is_said_on_the_unit_s_row(tmp_path):
    problems = ingest.check(_book(tmp_path / "so.xlsx"))
    assert not [p for p in problems if p.is_error]
    (w,) = _about_chair(problems)
    assert not w.is_error
    assert (w.sheet, w.row, w.header) == ("Đơn vị", 2, LABEL)
    assert w.column  # the column the blank workbook has for it, named by letter
    text = w.text()
    assert "Đơn vị «BGD» có 2 cấp phó dự họp" in text
    assert "biên bản họp in đồng chí Lê Văn Khoa – Phó Giám đốc (tên xếp trước theo thứ tự chữ cái)" in text
    assert "chủ trì phần kiểm điểm đồng chí Hoàng Minh Tuấn" in text
    assert "cấp phó còn lại: Trần Thị Bích Ngọc – Phó Giám đốc" in text
    assert "ghi họ tên người đó vào cột này" in text


def test_no_head_present_and_two_deputies_names_the_one_who_chairs_and_signs(tmp_path):
    """The Giám đốc away: the meeting is chaired, and the unit's papers signed for him, by the deputy whose name
    sorts first — Lê Văn Khoa (L < T). check names him and says plainly that no column chooses another (the
    column «Người chủ trì khi kiểm điểm người đứng đầu» is for the head's review only)."""
    problems = ingest.check(_book(tmp_path / "so.xlsx", vang_mat="Hoàng Minh Tuấn (đi công tác)"))
    assert not [p for p in problems if p.is_error]
    (w,) = [p for p in problems if "không có người đứng đầu dự họp" in p.message and "«BGD»" in p.message]
    assert not w.is_error and (w.sheet, w.row) == ("Đơn vị", 2)
    text = " ".join(w.text().split())
    assert "Đơn vị «BGD» không có người đứng đầu dự họp và có 2 cấp phó dự họp" in text, text
    assert ("cuộc họp do đồng chí Lê Văn Khoa – Phó Giám đốc (tên xếp trước theo thứ tự chữ cái) chủ trì, biên bản và "
            "các văn bản của đơn vị in đồng chí này ký thay người đứng đầu") in text, text
    assert "cấp phó còn lại: Trần Thị Bích Ngọc – Phó Giám đốc" in text, text
    assert f"Sổ Excel không có cột nào để chọn cấp phó khác (cột «{LABEL}» chỉ dùng khi người đứng đầu dự họp)" in text
    assert w.header != LABEL  # said on the unit's code, not on the column it says is not for this


def test_a_unit_without_a_head_and_two_deputies_is_one_warning_naming_who_chairs(tmp_path):
    """Văn phòng (VP) written with its Chánh Văn phòng as a deputy: no head, two deputies. One warning on its row,
    naming the deputy who chairs (Phạm Quốc Hưng: «Hưng» before «Yến»), not that one and another saying only
    «cuộc họp sẽ do cấp phó chủ trì»."""
    tables = so.tables()
    (chanh,) = [p for p in tables["NhanSu"] if p["ma_so"] == "TP-04"]
    chanh["vai_tro"] = "pho"
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", tables, headers="label", sheet_names="label"))
    about = [p for p in problems if "«VP»" in p.message]
    assert len(about) == 1, [p.text() for p in about]
    assert about[0].message.startswith("Đơn vị «VP» không có người đứng đầu dự họp và có 2 cấp phó dự họp: cuộc họp "
                                       "do đồng chí Phạm Quốc Hưng – Chánh Văn phòng (tên xếp trước")


@pytest.mark.parametrize("written", [
    "Trần Thị Bích Ngọc",
    "trần thị bích  ngọc",  # case and a double space: a name compared as names are
    unicodedata.normalize("NFD", "Bà Trần Thị Bích Ngọc"),  # a courtesy title, decomposed Unicode
    "TP-02",  # her mã số
])
def test_the_person_named_is_taken_and_nothing_is_said(tmp_path, written):
    book = _book(tmp_path / "so.xlsx", written)
    problems = ingest.check(book)
    assert not [p for p in problems if p.is_error]
    assert not [p for p in _about_chair(problems) if "cấp phó dự họp" in p.message]
    from pipeline.forms.unit_context import review_chair, unit_chairs

    campaign = ingest.load(book)
    bgd = campaign.unit("BGD")
    assert review_chair(campaign, bgd).ho_ten == "Trần Thị Bích Ngọc"
    # the meeting's chair and the unit papers' signer are not the column's business
    head, _deputy = unit_chairs(campaign, bgd)
    assert head.ho_ten == "Hoàng Minh Tuấn"


def test_a_name_of_nobody_in_the_unit_is_an_error_on_its_cell(tmp_path):
    problems = ingest.check(_book(tmp_path / "so.xlsx", "Trần Thị Ngọc"))
    (e,) = [p for p in problems if p.is_error]
    assert (e.sheet, e.row, e.header) == ("Đơn vị", 2, LABEL)
    assert "«Trần Thị Ngọc» không phải người của đơn vị «BGD»" in e.text()
    assert f"(ô {e.column}2)" in e.text()
    # someone of another unit: named with his unit
    problems = ingest.check(_book(tmp_path / "so2.xlsx", "Phạm Quốc Hưng"))
    (e,) = [p for p in problems if p.is_error]
    assert "«Phạm Quốc Hưng» không phải người của đơn vị «BGD» ở sheet «Nhân sự» (người này thuộc đơn vị «VP»)" in e.text()


def test_the_head_himself_or_an_absentee_named_is_questioned(tmp_path):
    problems = ingest.check(_book(tmp_path / "so.xlsx", "Hoàng Minh Tuấn"))
    assert not [p for p in problems if p.is_error]
    (w,) = _about_chair(problems)
    assert "ghi chính người đứng đầu đơn vị (Hoàng Minh Tuấn)" in w.text()
    # the head never chairs his own review: the minutes keep the deputy first by name
    assert "biên bản in đồng chí Lê Văn Khoa – Phó Giám đốc chủ trì phần kiểm điểm này" in w.text()

    problems = ingest.check(_book(tmp_path / "so2.xlsx", "Trần Thị Bích Ngọc",
                                  vang_mat="Trần Thị Bích Ngọc (đi công tác)"))
    assert not [p for p in problems if p.is_error]
    (w,) = [p for p in _about_chair(problems) if p.header == LABEL]
    assert "ghi Trần Thị Bích Ngọc, người có tên ở cột «Vắng mặt» của đơn vị" in w.text()


def test_the_2026_sample_is_said_only_where_two_deputies_sit():
    """The sample Văn phòng: «LD» (Chánh Văn phòng, Phó Chánh Văn phòng Trần Thị Thu Hà and Lê Quang Đức) and
    «HCQT» (Trưởng phòng, Phó Trưởng phòng Hoàng Thị Ánh and Vũ Đình Ơn) have two deputies each; «TH», «KGVX»,
    «CBTH», «NK» one. By name: Lê Quang Đức (L < T), Hoàng Thị Ánh (H < V) — printed as before."""
    warned = [p for p in _about_chair(ingest.check(SAMPLE_2026))]
    assert sorted(p.message.split("»")[0] for p in warned) == ["Đơn vị «HCQT", "Đơn vị «LD"]
    (ld,) = [p.message for p in warned if "«LD»" in p.message]
    assert "in đồng chí Lê Quang Đức – Phó Chánh Văn phòng" in ld and "cấp phó còn lại: Trần Thị Thu Hà" in ld
    (hc,) = [p.message for p in warned if "«HCQT»" in p.message]
    assert "in đồng chí Hoàng Thị Ánh – Phó Trưởng phòng" in hc and "cấp phó còn lại: Vũ Đình Ơn" in hc


def test_the_minutes_print_the_person_named_and_only_that_unit_changes(tmp_path, cache_dir):
    if not __import__("shutil").which("soffice"):
        pytest.fail("LibreOffice (soffice) is required")
    out = {}
    for key, chair in (("empty", None), ("named", "Trần Thị Bích Ngọc")):
        out[key] = tmp_path / key
        api.build(_book(tmp_path / f"{key}.xlsx", chair), out[key],
                  BuildOptions(cache_dir=cache_dir, today=dt.date(so.YEAR, 12, 7), units=frozenset({"BGD", "VP"})))
    before, after = (pdftotext_flat(out[k] / "don_vi" / "BGD.pdf") for k in ("empty", "named"))
    # the column empty: as printed before — Lê Văn Khoa, first by name
    assert "Khi kiểm điểm đồng chí Hoàng Minh Tuấn, đồng chí Lê Văn Khoa – Phó Giám đốc chủ trì." in before
    assert "(Đồng chí Lê Văn Khoa chủ trì phần kiểm điểm này.)" in before
    # named: she chairs the Giám đốc's review, in both places; Lê Văn Khoa chairs nothing
    assert "Khi kiểm điểm đồng chí Hoàng Minh Tuấn, đồng chí Trần Thị Bích Ngọc – Phó Giám đốc chủ trì." in after
    assert "(Đồng chí Trần Thị Bích Ngọc chủ trì phần kiểm điểm này.)" in after
    assert "Lê Văn Khoa – Phó Giám đốc chủ trì" not in after and "Lê Văn Khoa chủ trì" not in after
    assert "Chủ trì: đồng chí Hoàng Minh Tuấn – Giám đốc." in after  # the meeting's chair as before
    # the Văn phòng's papers (one deputy) are the same
    assert pdftotext_flat(out["empty"] / "don_vi" / "VP.pdf") == pdftotext_flat(out["named"] / "don_vi" / "VP.pdf")


def test_the_2026_blank_workbook_asks_for_it_and_explains_it():
    from pipeline.ingest import blank

    wb = blank.build(2026)
    assert LABEL in [c.value for c in wb["DonVi"][1]]
    guide = " ".join(str(c.value) for row in wb[blank.GUIDE].iter_rows() for c in row if c.value is not None)
    assert "người được phân công chủ trì phần kiểm điểm người đứng đầu đơn vị" in guide


def test_a_workbook_made_before_the_column_is_told_to_add_it():
    """The 2024 sample has no such column: the warning names the unit's row and the column's label to add."""
    (ld, _hc) = sorted(_about_chair(ingest.check(SAMPLE_2026.with_name("mau_ho_so_2024.xlsx"))), key=lambda p: p.row)
    assert (ld.sheet, ld.row, ld.column, ld.header) == ("DonVi", 2, None, LABEL)
    assert f"thêm cột «{LABEL}» vào sheet này" in ld.text()
