"""Rulebook choice (R0) and rulebook nd335-2025: points, thresholds, discipline, the same cap."""

from __future__ import annotations

import datetime as dt

import pytest
from rating_builder import Book, count

from pipeline.rating.rulebooks import ND335, RULEBOOKS, UnknownRulebook, for_year, resolve


@pytest.mark.parametrize("year, rb", [(2019, "nd90-2020"), (2022, "nd90-2020"), (2023, "nd90-2020+nd48-2023"),
                                      (2025, "nd90-2020+nd48-2023"), (2026, "nd335-2025"), (2030, "nd335-2025")])
def test_the_year_picks_the_rulebook(year, rb):
    assert for_year(year).id == rb
    b = Book(year=year)
    b.person("A", self_level="HTT")
    assert b.rate().bo_quy_tac == rb


def test_overrides_option_then_workbook_then_year():
    assert resolve(2024).id == "nd90-2020+nd48-2023"
    assert resolve(2024, None, "nd335-2025").id == "nd335-2025"
    assert resolve(2024, "nd90-2020", "nd335-2025").id == "nd90-2020"
    assert resolve(2024, ND335).id == "nd335-2025"
    b = Book(year=2024, bo_quy_tac="nd335-2025")
    b.person("A", self_level="HTT")
    r = b.rate()
    assert r.bo_quy_tac == "nd335-2025"
    assert any("từ năm 2026" in w for w in r.canh_bao)
    assert b.rate("nd90-2020+nd48-2023").bo_quy_tac == "nd90-2020+nd48-2023"
    with pytest.raises(UnknownRulebook):
        b.rate("nd-khong-co")
    assert set(RULEBOOKS) == {"nd90-2020", "nd90-2020+nd48-2023", "nd335-2025", "nd233-2026"}


def scored(general: float, results: float, **kw) -> Book:
    b = Book(year=2026)
    b.person("A", **kw)
    b.score("A", "CHUNG", general)
    b.score("A", "KET_QUA", results)
    b.peers(10)  # room under the cap, rated from their votes (with a warning: no points)
    return b


@pytest.mark.parametrize("general, results, level", [
    (30, 70, "HTXS"), (28, 62, "HTXS"), (27, 62.5, "HTT"), (20, 50, "HTT"), (20, 49.99, "HT"),
    (20, 30, "HT"), (10, 39.9, "KHT"), (0, 0, "KHT"),
])
def test_nd335_thresholds_with_the_default_30_plus_70_criteria(general, results, level):
    r = scored(general, results).rate()
    pr = r.of("A")
    assert pr.muc_de_xuat == level and pr.nguon_de_xuat == "diem"
    assert pr.diem == pytest.approx(general + results)
    assert any("Nghị định 335/2025/NĐ-CP" in x and "Tổng điểm" in x for x in pr.ly_do)


def test_nd335_points_beat_the_meeting_vote_with_a_warning():
    pr = scored(20, 40, vote=(10, 10)).rate().of("A")
    assert pr.muc_de_xuat == "HT"
    assert any("kết quả chấm điểm" in w for w in pr.canh_bao)


def test_nd335_evaluator_points_preferred_and_custom_criteria_normalised():
    b = Book(year=2026)
    b.criterion("C1", 20, "chung")
    b.criterion("C2", 30, "nhiem_vu")
    b.person("A")
    b.score("A", "C1", 18, self_points=20)
    b.score("A", "C2", 27, self_points=30)
    pr = b.rate().of("A")
    assert pr.diem == pytest.approx(90)  # (18 + 27) / 50 × 100
    assert any("quy đổi" in w for w in pr.canh_bao)


def test_nd335_discipline_from_reprimand_upward_in_duty_is_kht():
    b = scored(30, 70)
    b.discipline("A", "hanh_chinh", dt.date(2026, 3, 3), form="Khiển trách")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT"
    assert any("điểm c khoản 4" in x and "335/2025" in x for x in pr.ly_do)


@pytest.mark.parametrize("form, duty", [("Phê bình", True), ("Cảnh cáo", False)])
def test_nd335_discipline_below_reprimand_or_outside_duty_does_not_count(form, duty):
    b = scored(30, 70)
    b.discipline("A", "hanh_chinh", dt.date(2026, 3, 3), form=form, duty=duty)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTXS"
    assert any("không là căn cứ" in x for x in pr.ly_do)


@pytest.mark.parametrize("kind", ["cong_chuc", "vien_chuc"])
def test_2026_a_reprimand_below_the_forms_cites_the_laws_in_force_not_the_2008_and_2010_articles(kind):
    """A «Phê bình» in 2026 is no discipline (the forms run from khiển trách upward), so a 30 + 70 = 100
    point person keeps Hoàn thành xuất sắc nhiệm vụ. The forms are named after the laws in force in 2026
    (Luật Cán bộ, công chức; Luật Viên chức 2025 from 01/07/2026), never by Art. 78, 79 of the 2008 law or
    Art. 52 of the 2010 Luật Viên chức, whose numbers the new laws do not keep (regime-2026.md §2)."""
    b = scored(30, 70, kind=kind)
    for i in range(10):  # ten of the same kind proposed HTT by their vote: room for one HTXS (20 % of 10 = 2)
        b.person(f"V{i}", kind=kind, vote=(10, 0, 10))
    b.discipline("A", "hanh_chinh", dt.date(2026, 3, 3), form="Phê bình")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTXS"
    [why] = [x for x in pr.ly_do if "«Phê bình» không phải là hình thức kỷ luật" in x]
    assert "các hình thức kỷ luật theo Luật Cán bộ, công chức; Luật Viên chức; Điều 35 Điều lệ Đảng" in why
    assert "Điều 52" not in why and "Điều 78" not in why and "Điều 79" not in why
    assert ("Nghị định 233/2026/NĐ-CP" if kind == "vien_chuc" else "điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP") in why


def test_nd335_keeps_the_same_20_percent_cap_ranked_by_points():
    b = Book(year=2026)
    for i, pts in enumerate([91, 99, 95, 93]):
        b.person(f"X{i}")
        b.score(f"X{i}", "CHUNG", 30)
        b.score(f"X{i}", "KET_QUA", pts - 30)
    for i in range(6):
        b.person(f"T{i}")
        b.score(f"T{i}", "CHUNG", 25)
        b.score(f"T{i}", "KET_QUA", 55)
    r = b.rate()
    assert count(r, "HTXS") == 1 and r.of("X1").muc_de_xuat == "HTXS"
    assert any("điểm a khoản 5" in x for x in r.of("X0").ly_do)


def test_nd335_without_points_falls_back_to_the_vote_with_a_warning():
    b = Book(year=2026)
    b.person("A", vote=(10, 0, 10))
    pr = b.rate().of("A")
    # ND 335 rates from the months' and quarters' results: the warning sends the clerk to KetQuaKy
    assert pr.muc_de_xuat == "HTT" and any("sheet KetQuaKy" in w and "tạm lấy theo biểu quyết" in w
                                           for w in pr.canh_bao)


def test_nd335_flags_staff_it_was_not_written_for():
    # forced for everybody (CoQuan.bo_quy_tac), ND 335 still says it was not written for viên chức
    b = Book(year=2026, bo_quy_tac="nd335-2025")
    b.person("A", kind="vien_chuc", self_level="HTT")
    assert any("quy định cho công chức; những người thuộc loại viên chức" in w for w in b.rate().canh_bao)
    # by staff category (nothing forced), a viên chức is rated under the 2026 viên chức rulebook
    b = Book(year=2026)
    b.person("A", kind="vien_chuc", self_level="HTT")
    r = b.rate()
    assert r.bo_quy_tac == "nd233-2026"
    assert any("CHƯA ĐƯỢC XÁC NHẬN" in w for w in r.canh_bao)


def test_the_viên_chức_rules_transition_of_2026_is_said_for_2026_only():
    """ND 233/2026 and the 2025 Law on Viên chức took effect on 01/07/2026: for 2026 the console says no transition
    rule for January–June was found and every month is rated under the new rules. A 2027 workbook has no such
    months: its viên chức get the rulebook's caveat, not that sentence."""
    def warnings(year: int) -> list[str]:
        b = Book(year=year)
        b.person("A", kind="vien_chuc", self_level="HTT")
        return list(b.rate().canh_bao)

    this_year, next_year = warnings(2026), warnings(2027)
    assert any("CHƯA ĐƯỢC XÁC NHẬN" in w and "các tháng 01–06/2026 chưa tìm thấy" in w for w in this_year)
    assert any("CHƯA ĐƯỢC XÁC NHẬN" in w for w in next_year)
    assert not any("01–06/2026" in w for w in next_year)


def test_2026_the_unconfirmed_rounding_of_the_caps_is_said_once():
    """No text read says how 20 % of the HTT count (ND 335 Art. 20 cl. 5 a, the viên chức rules alike) or 15 %
    of the LĐTT count is rounded (rules.md R5.3, R7.2: UNCONFIRMED); «không vượt quá» only surely holds rounded
    down. X (95 points, HTXS by the points) among 4 công chức proposed HTT: kept, the group has 4 HTT and 20 % of
    4 = 0,8 → 0 < 1, so X is moved to HTT; the console says once — công chức and viên chức rated together — that
    rounding down is the program's reading, a rulebook setting."""
    from pipeline.rating.rulebooks import notes_for

    b = Book(year=2026)
    b.person("X", kind="cong_chuc")
    b.score("X", "CHUNG", 30)
    b.score("X", "KET_QUA", 65)
    for i in range(4):
        b.person(f"H{i}", kind="cong_chuc", vote=(10, 0, 10))
    b.person("V", kind="vien_chuc", vote=(10, 0, 10))
    r = b.rate()
    assert r.bo_quy_tac == "nd335-2025, nd233-2026"
    assert r.of("X").muc_de_xuat == "HTT" and any("làm tròn xuống được 0" in x for x in r.of("X").ly_do)
    said = [w for w in (*r.canh_bao, *notes_for(r.bo_quy_tac, 2026)) if "chưa tìm thấy văn bản quy định cách làm tròn" in w]
    assert len(set(said)) == 1 and sum(1 for w in r.canh_bao if w in said) == 1
    assert "làm tròn xuống" in said[0] and "20%" in said[0] and "15%" in said[0]
