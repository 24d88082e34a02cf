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
from fakes import docx_text, pdftotext_flat, run_main

from pipeline import api, ingest
from pipeline.options import BuildOptions

LABEL = "Người chủ trì khi kiểm điểm người đứng đầu"
DEPUTY_LABEL = "Cấp phó chủ trì khi vắng người đứng đầu"
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
    """The Giám đốc away, the column «Cấp phó chủ trì khi vắng người đứng đầu» empty: the meeting is chaired, and
    the unit's papers signed for him, by the deputy whose name sorts first — Lê Văn Khoa (L < T), as before the
    column. check names him, the other deputy, and the column to fill when another was assigned (on its cell)."""
    problems = ingest.check(_book(tmp_path / "so.xlsx", vang_mat="Hoàng Minh Tuấn (đi công tác)"))
    assert not [p for p in problems if p.is_error]
    (w,) = [p for p in problems if "không có người đứng đầu dự họp" in p.message and "«BGD»" in p.message]
    assert not w.is_error and (w.sheet, w.row, w.header) == ("Đơn vị", 2, DEPUTY_LABEL)
    assert w.column
    text = " ".join(w.text().split())
    assert "Đơn vị «BGD» không có người đứng đầu dự họp và có 2 cấp phó dự họp" in text, text
    assert ("cuộc họp do đồng chí Lê Văn Khoa – Phó Giám đốc (tên xếp trước theo thứ tự chữ cái) chủ trì, biên bản và "
            "các văn bản của đơn vị in đồng chí này ký thay người đứng đầu") in text, text
    assert "cấp phó còn lại: Trần Thị Bích Ngọc – Phó Giám đốc" in text, text
    assert (f"Nếu cấp phó khác được giao phụ trách, điều hành, ghi họ tên hoặc mã số người đó vào cột "
            f"«{DEPUTY_LABEL}»") in text, text


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
    # and the deputy who chairs and signs for a head away from the meeting
    assert DEPUTY_LABEL in [c.value for c in wb["DonVi"][1]]
    assert "cấp phó được giao phụ trách, điều hành đơn vị khi người đứng đầu vắng mặt cuộc họp" in guide


def test_a_workbook_made_before_the_column_is_told_to_add_it():
    """The 2024 sample has no such column: the warning names the unit's row and the column's label to add."""
    (ld, _hc) = sorted(_about_chair(ingest.check(SAMPLE_2026.with_name("mau_ho_so_2024.xlsx"))), key=lambda p: p.row)
    assert (ld.sheet, ld.row, ld.column, ld.header) == ("DonVi", 2, None, LABEL)
    assert f"thêm cột «{LABEL}» vào sheet này" in ld.text()


# -- the deputy who chairs and signs when the head is away (DonVi `cap_pho_phu_trach`) -------------------------
# The small 2024 workbook (tests/workbook_factory.py): its Phòng Hành chính («HC», DonVi row 2) is headed by Trưởng
# phòng Nguyễn Văn An, with Phó Trưởng phòng Trần Thị Bình; a second Phó Trưởng phòng, Lê Văn An, is added. The
# Trưởng phòng is away from the meeting (`vang_mat`). By hand (seed 001 II.2.c, the minutes «Chủ trì» line and
# signature; ND 30/2020 Art. 13 cl. 1 «cấp phó được giao phụ trách, điều hành … ký như cấp phó ký thay cấp trưởng»):
# with the column naming Trần Thị Bình she chairs, signs the minutes «CHỦ TRÌ» and the unit's papers «KT. TRƯỞNG
# PHÒNG» over «PHÓ TRƯỞNG PHÒNG»; Lê Văn An, first by name (An < Bình, Lê < Trần), chairs nothing.


def _hc_book(path: Path, deputy: str | None = None, *, away: str = "Nguyễn Văn An (đi công tác)",
             without_column: bool = False) -> Path:
    tables = wf.tables()
    tables["NhanSu"].append(dict(ma_so="NS-07", ho_ten="Lê Văn An", ngay_sinh=dt.date(1982, 4, 1), gioi_tinh="Nam",
                                 ma_don_vi="HC", chuc_vu="Phó Trưởng phòng", vai_tro="pho", loai_nhan_su="cong_chuc",
                                 tu_xep_loai="HTT"))
    (hc,) = [u for u in tables["DonVi"] if u["ma_don_vi"] == "HC"]
    hc["vang_mat"] = away
    if deputy is not None:
        hc["cap_pho_phu_trach"] = deputy
    from pipeline.ingest import schema

    order = {"DonVi": [c.key for c in schema.DON_VI.columns if c.key != "cap_pho_phu_trach"]} if without_column else None
    return wf.write(path, tables, headers="label", sheet_names="label", order=order)


def _about_deputy(problems) -> list:
    return [p for p in problems if p.header == DEPUTY_LABEL or DEPUTY_LABEL in p.message]


def test_the_head_away_and_the_column_empty_keeps_the_first_by_name_and_points_at_the_column(tmp_path):
    book = _hc_book(tmp_path / "hc.xlsx")
    problems = ingest.check(book)
    assert not [p for p in problems if p.is_error]
    (w,) = _about_deputy(problems)
    assert not w.is_error and (w.sheet, w.row, w.header) == ("Đơn vị", 2, DEPUTY_LABEL)
    assert f"(ô {w.column}2)" in w.text()
    text = " ".join(w.text().split())
    assert ("cuộc họp do đồng chí Lê Văn An – Phó Trưởng phòng (tên xếp trước theo thứ tự chữ cái) chủ trì" in text), text
    assert "cấp phó còn lại: Trần Thị Bình – Phó Trưởng phòng" in text
    from pipeline.forms.unit_context import unit_chairs, unit_signer_words

    campaign = ingest.load(book)
    hc = campaign.unit("HC")
    head, deputy = unit_chairs(campaign, hc)
    assert head is None and deputy.ho_ten == "Lê Văn An"
    assert unit_signer_words(campaign, hc) == ("Cấp phó ký thay người đứng đầu đơn vị (KT. Trưởng phòng: Phó Trưởng "
                                               "phòng Lê Văn An)")


def test_a_workbook_without_the_deputy_column_is_told_to_add_it(tmp_path):
    (w,) = _about_deputy(ingest.check(_hc_book(tmp_path / "hc.xlsx", without_column=True)))
    assert (w.sheet, w.row, w.column, w.header) == ("Đơn vị", 2, None, DEPUTY_LABEL)
    assert f"thêm cột «{DEPUTY_LABEL}» vào sheet này (như sổ trống của hoso init)" in w.text()


@pytest.mark.parametrize("written", ["Trần Thị Bình", "NS-02"])
def test_the_deputy_named_chairs_and_signs_and_nothing_is_said(tmp_path, written):
    book = _hc_book(tmp_path / "hc.xlsx", written)
    problems = ingest.check(book)
    assert not [p for p in problems if p.is_error] and not _about_deputy(problems)
    from pipeline.forms.unit_context import unit_chairs, unit_signer_words

    campaign = ingest.load(book)
    hc = campaign.unit("HC")
    assert unit_chairs(campaign, hc)[1].ho_ten == "Trần Thị Bình"
    assert unit_signer_words(campaign, hc) == ("Cấp phó ký thay người đứng đầu đơn vị (KT. Trưởng phòng: Phó Trưởng "
                                               "phòng Trần Thị Bình)")


def test_an_outsider_in_the_deputy_column_stops_check_naming_the_cell(tmp_path, capsys, cli_in_process):
    """Phạm Thị Dung is the Giám đốc of the other unit (SN): check exits 3 (the workbook has errors), naming sheet,
    row, column."""
    code, err = run_main(["check", str(_hc_book(tmp_path / "hc.xlsx", "Phạm Thị Dung"))], capsys)
    assert code == 3, err
    letter = wf.letter("DonVi", "cap_pho_phu_trach")
    line = " ".join(next(x for x in err.splitlines() if "Phạm Thị Dung" in x).split())
    assert line.startswith(f"LỖI Sheet «Đơn vị», dòng 2, cột {letter} «{DEPUTY_LABEL}» (ô {letter}2):"), line
    assert "Tổng cộng: 1 lỗi" in err
    assert ("«Phạm Thị Dung» không phải người của đơn vị «HC» ở sheet «Nhân sự» (người này thuộc đơn vị «SN»): "
            "biên bản họp và các văn bản của đơn vị không in được người chủ trì cuộc họp, ký thay người đứng đầu") in line


def test_the_deputy_column_while_the_head_sits_or_naming_an_absentee_is_questioned(tmp_path):
    problems = ingest.check(_hc_book(tmp_path / "hc.xlsx", "Trần Thị Bình", away=""))
    assert not [p for p in problems if p.is_error]
    (w,) = _about_deputy(problems)
    assert (w.row, w.header) == (2, DEPUTY_LABEL)
    assert ("«Cấp phó chủ trì khi vắng người đứng đầu» ghi Trần Thị Bình, nhưng người đứng đầu đơn vị (Nguyễn Văn An "
            "– Trưởng phòng) dự họp: đồng chí Nguyễn Văn An chủ trì cuộc họp") in w.text()
    assert "cột này không được dùng" in w.text()

    problems = ingest.check(_hc_book(tmp_path / "hc2.xlsx", "Trần Thị Bình",
                                     away="Nguyễn Văn An (đi công tác); Trần Thị Bình (ốm)"))
    assert not [p for p in problems if p.is_error]
    (w,) = _about_deputy(problems)
    assert "ghi Trần Thị Bình, người có tên ở cột «Vắng mặt» của đơn vị" in w.text()


def test_a_deputy_column_naming_someone_who_is_no_deputy_is_questioned(tmp_path):
    """NS-03 Lê Quang Cường, a Chuyên viên of HC, named to chair and sign for the absent Trưởng phòng: by hand (ND
    30/2020 Art. 13 cl. 1: who signs for the head is a «cấp phó», signing «KT.»), the unit's papers would print him
    signing under «Chuyên viên» with no «KT.» line: check warns on the cell, naming his post."""
    tables = wf.tables()
    (cv,) = [p for p in tables["NhanSu"] if p["ma_don_vi"] == "HC" and p["vai_tro"] == "nhan_vien"][:1]
    book = _hc_book(tmp_path / "hc.xlsx", cv["ma_so"])
    problems = ingest.check(book)
    assert not [p for p in problems if p.is_error]
    (w,) = _about_deputy(problems)
    assert (w.sheet, w.row, w.header) == ("Đơn vị", 2, DEPUTY_LABEL)
    text = " ".join(w.text().split())
    assert (f"ghi {cv['ho_ten']}, chức vụ «{cv['chuc_vu']}», không phải cấp phó («Phó …»): biên bản và các văn bản "
            "của đơn vị in người này chủ trì cuộc họp và ký dưới chức vụ của mình, không có dòng «KT.»") in text, text
    # a deputy named: nothing said (test_the_deputy_named_chairs_and_signs_and_nothing_is_said)


def test_the_minutes_print_the_deputy_named_as_chair_and_signer(tmp_path, cache_dir):
    if not __import__("shutil").which("soffice"):
        pytest.fail("LibreOffice (soffice) is required")
    out = tmp_path / "out"
    api.build(_hc_book(tmp_path / "hc.xlsx", "Trần Thị Bình"), out,
              BuildOptions(cache_dir=cache_dir, today=dt.date(wf.YEAR, 12, 7), units=frozenset({"HC"})))
    minutes = " ".join(docx_text(out / "don_vi" / "HC" / "bien_ban_hop.docx").split())
    assert "Chủ trì: đồng chí Trần Thị Bình – Phó Trưởng phòng." in minutes, minutes
    assert "Lê Văn An – Phó Trưởng phòng chủ trì" not in minutes and "đồng chí Lê Văn An chủ trì" not in minutes
    assert "Chủ trì: đồng chí Lê Văn An" not in minutes
    # signed: the minutes by her as chair; the unit's other papers «KT. TRƯỞNG PHÒNG» over her post and name
    text = pdftotext_flat(out / "don_vi" / "HC.pdf")
    assert "CHỦ TRÌ" in text and "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG" in text, text
    after_kt = text.split("KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG", 1)[1][:300]
    assert "Trần Thị Bình" in after_kt and "Lê Văn An" not in after_kt, after_kt
    guide = (out / "HUONG_DAN_IN.txt").read_text()
    assert "(KT. Trưởng phòng: Phó Trưởng phòng Trần Thị Bình)" in guide
    assert "Phó Trưởng phòng Lê Văn An" not in guide
