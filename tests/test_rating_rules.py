"""Rating rules 1, 2, 3, 5, 6 and 8 of rulebook nd90-2020+nd48-2023, one example per case."""

from __future__ import annotations

import datetime as dt

import pytest
from rating_builder import Book, every_reason_cites

from pipeline.rating.rules import meeting_level

D = dt.date


# --------------------------------------------------------------------------- rule 1: the meeting
@pytest.mark.parametrize("vote, expected", [
    ((10, 6, 4), "HTXS"),
    ((10, 5, 5), "HTT"),  # HTXS exactly half: not enough; HTXS + HTT = 10 > 5
    ((6, 3, 3), "HTT"),  # the sample's VP-026
    ((10, 3, 3, 4), "HTT"),  # cumulative: 3 + 3 = 6 > 5
    ((10, 0, 5, 5), "HT"),  # HTT exactly half
    ((4, 0, 0, 1, 3), "KHT"),
    ((9, 0, 5, 4), "HTT"),
    ((7, 4, 0, 3), "HTXS"),  # 4 > 3.5
    ((8, 4, 0, 4), "HT"),  # HTXS 4 = half, HTT cumulative 4 = half, HT cumulative 8 > 4
])
def test_meeting_level_is_highest_level_with_more_than_half(vote, expected):
    b = Book()
    b.person("A", vote=vote, self_level="HTXS")
    b.peers(10)  # room under the HTXS cap
    r = b.rate()
    assert r.of("A").muc_de_xuat == expected
    assert r.of("A").muc_hop == expected
    assert r.of("A").nguon_de_xuat == "bieu_quyet"
    assert any("Cuộc họp đánh giá đề xuất" in x and "Điều 18 Nghị định 90/2020/NĐ-CP" in x for x in r.of("A").ly_do)
    assert not r.of("A").canh_bao


def test_exactly_half_is_named_in_the_reason():
    b = Book()
    b.person("A", vote=(6, 3, 3), self_level="HTXS")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT"
    assert any("đúng một nửa" in x and "3/6" in x for x in pr.ly_do)


def test_no_majority_falls_back_to_self_rating_with_a_warning():
    b = Book()
    b.person("A", vote=(10, 2, 2, 1), self_level="HTXS")  # 5 abstentions: nothing above half
    b.peers(10)
    pr = b.rate().of("A")
    assert pr.muc_hop is None
    assert pr.muc_de_xuat == "HTXS" and pr.nguon_de_xuat == "tu_xep_loai"
    assert any("không có mức nào được quá một nửa" in w for w in pr.canh_bao)
    assert pr.ly_do and every_reason_cites(b.rate())


def test_no_majority_and_no_self_rating_gives_no_proposal_and_a_warning():
    b = Book()
    b.person("A", vote=(10, 2, 2, 1))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat is None and pr.trang_thai == "xep_loai"
    assert any("chưa có mức đề xuất" in w for w in pr.canh_bao)


def test_no_vote_row_uses_self_rating_without_warning():
    b = Book()
    b.person("A", self_level="HT")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HT" and pr.nguon_de_xuat == "tu_xep_loai"
    assert pr.canh_bao == ()
    assert any("Chưa có kết quả biểu quyết" in x and "căn cứ:" in x for x in pr.ly_do)


def test_no_vote_and_no_self_rating_gives_no_proposal_and_a_warning():
    b = Book()
    b.person("A")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat is None
    assert pr.canh_bao and "chưa có mức đề xuất" in pr.canh_bao[0]


def test_procedure_article_follows_the_staff_category():
    b = Book()
    b.person("CB", kind="can_bo", self_level="HTT")
    b.person("VC", kind="vien_chuc", self_level="HTT")
    r = b.rate()
    assert "Điều 17 Nghị định 90/2020" in r.of("CB").ly_do[0]
    assert "Điều 19 Nghị định 90/2020" in r.of("VC").ly_do[0]


def test_meeting_level_function_direct():
    from types import MappingProxyType

    from pipeline.ingest.model import Vote
    assert meeting_level(Vote("x", 3, MappingProxyType({"HTXS": 2}))) == "HTXS"
    assert meeting_level(Vote("x", 3, MappingProxyType({}))) is None


# --------------------------------------------------------------------------- rule 2: discipline
def test_discipline_in_the_year_caps_at_kht():
    b = Book()
    b.person("A", vote=(9, 0, 5, 4), self_level="HTT")
    b.discipline("A", "hanh_chinh", D(2024, 6, 20), number="125/QĐ-VP")
    pr = b.rate().of("A")
    assert pr.muc_hop == "HTT"
    assert pr.muc_de_xuat == "KHT" and pr.muc_toi_da == "KHT"
    assert any("125/QĐ-VP" in x and "điểm a khoản 5 Điều 2" in x and "48/2023" in x for x in pr.ly_do)
    assert any("hạ từ Hoàn thành tốt nhiệm vụ xuống Không hoàn thành nhiệm vụ" in x for x in pr.ly_do)


def test_party_discipline_counts_too_and_sets_the_level_without_any_proposal():
    b = Book()
    b.person("A")
    b.discipline("A", "dang", D(2024, 1, 1), form="Cảnh cáo")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT" and pr.nguon_de_xuat == "ky_luat"


@pytest.mark.parametrize("when", [D(2023, 12, 31), D(2025, 1, 1)])
def test_discipline_outside_the_year_does_not_count(when):
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "hanh_chinh", when)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT" and pr.muc_toi_da == "HTXS"


def test_exception_b_act_already_used_for_kht_in_an_earlier_year():
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "hanh_chinh", D(2024, 3, 1), counted_year=2023)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT" and pr.muc_toi_da == "HTXS"
    assert any("điểm b khoản 5 Điều 2" in x and "năm 2023" in x for x in pr.ly_do)


def test_exception_b_covers_every_decision_for_the_same_act():
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "hanh_chinh", D(2024, 3, 1), act="HV1", counted_year=2023)
    b.discipline("A", "dang", D(2024, 5, 1), act="HV1")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT"
    assert sum("điểm b khoản 5 Điều 2" in x for x in pr.ly_do) == 2


def test_counted_year_equal_to_the_evaluation_year_still_counts():
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "hanh_chinh", D(2024, 3, 1), counted_year=2024)
    assert b.rate().of("A").muc_de_xuat == "KHT"


def test_exception_c_party_and_state_decisions_in_different_years_count_once_the_first():
    # ND 48 cl. 5c: decisions for one act in force in different years count in one year only. The
    # 2023 rating used the party decision (da_tinh_nam 2023), so the 2024 state decision does not count.
    def book(year):
        b = Book(year=year)
        b.person("A", vote=(5, 0, 5))
        b.discipline("A", "dang", D(2023, 12, 15), act="HV-1", counted_year=2023 if year == 2024 else None)
        b.discipline("A", "hanh_chinh", D(2024, 1, 22), act="HV-1")
        return b

    first = book(2023).rate().of("A")
    assert first.muc_de_xuat == "KHT"
    second = book(2024).rate().of("A")
    assert second.muc_de_xuat == "HTT" and second.muc_toi_da == "HTXS"
    assert any("điểm c khoản 5 Điều 2" in x and "năm 2023" in x for x in second.ly_do)


def test_exception_c_needs_the_same_act():
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "dang", D(2023, 12, 15), act="HV-1")
    b.discipline("A", "hanh_chinh", D(2024, 1, 22), act="HV-2")
    assert b.rate().of("A").muc_de_xuat == "KHT"


def test_same_act_code_of_another_person_is_not_linked():
    b = Book()
    b.person("A", vote=(5, 0, 5))
    b.person("B", vote=(5, 0, 5))
    b.discipline("B", "dang", D(2023, 12, 15), act="HV-1")
    b.discipline("A", "hanh_chinh", D(2024, 1, 22), act="HV-1")
    assert b.rate().of("A").muc_de_xuat == "KHT"


def test_original_nd90_counts_only_violations_in_duty():
    b = Book(year=2022)
    b.person("A", vote=(5, 0, 5))
    b.discipline("A", "dang", D(2022, 5, 1), duty=False)
    r = b.rate()
    assert r.bo_quy_tac == "nd90-2020"
    assert r.of("A").muc_de_xuat == "HTT"


# --------------------------------------------------------------------------- rule 3: time worked
def test_under_six_months_not_rated_but_self_review_still_required():
    b = Book()
    b.person("A", months=5.5, vote=(5, 5), self_level="HTXS")
    pr = b.rate().of("A")
    assert pr.trang_thai == "khong_xep_loai"
    assert pr.muc_de_xuat is None and pr.muc_toi_da is None
    assert any("vẫn phải kiểm điểm" in x and "khoản 3 Điều 2 Nghị định 90/2020" in x for x in pr.ly_do)


def test_six_months_is_rated():
    b = Book()
    b.person("A", months=6, vote=(5, 5))
    b.peers(10)
    assert b.rate().of("A").muc_de_xuat == "HTXS"


def test_maternity_leave_rated_normally():
    b = Book()
    b.person("A", months=4, maternity=True, vote=(6, 6))
    b.person("B", months=12, absent=5, maternity=True, vote=(6, 6))
    b.peers(10)
    r = b.rate()
    for code in "AB":
        pr = r.of(code)
        assert pr.trang_thai == "xep_loai" and pr.muc_de_xuat == "HTXS" and pr.muc_toi_da == "HTXS"
        assert any("thai sản" in x and "căn cứ:" in x for x in pr.ly_do)
    assert r.of("B").canh_bao  # 5 months of leave with maternity: a person should look


@pytest.mark.parametrize("absent, ceiling", [(0, "HTXS"), (2.9, "HTXS"), (3, "HT"), (4, "HT"), (5.9, "HT"), (6, "HTXS")])
def test_absence_from_3_to_under_6_months_caps_at_ht(absent, ceiling):
    b = Book()
    b.person("A", absent=absent, vote=(6, 6))
    b.peers(10)
    pr = b.rate().of("A")
    assert pr.muc_toi_da == ceiling
    assert pr.muc_de_xuat == ("HT" if ceiling == "HT" else "HTXS")
    if ceiling == "HT":
        assert any("từ 3 đến dưới 6 tháng" in x and "khoản 3 Điều 2" in x for x in pr.ly_do)
        assert any("hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành nhiệm vụ" in x for x in pr.ly_do)
    if absent >= 6:
        assert pr.canh_bao  # outside the decree's wording: flagged, not decided


def test_absence_ceiling_does_not_raise_a_lower_level():
    b = Book()
    b.person("A", absent=4, vote=(6, 0, 1, 5))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HT" and pr.muc_toi_da == "HT"
    assert not any("hạ từ" in x for x in pr.ly_do)


def test_discipline_and_absence_together_kht_wins():
    b = Book()
    b.person("A", absent=4, vote=(6, 6))
    b.discipline("A", "hanh_chinh", D(2024, 2, 2))
    pr = b.rate().of("A")
    assert pr.muc_toi_da == "KHT" and pr.muc_de_xuat == "KHT"


# --------------------------------------------------------------------------- rule 5: decided levels
def test_decided_level_is_never_changed_and_checked_against_discipline():
    b = Book()
    b.person("A", vote=(6, 6), decided="HTXS")
    b.discipline("A", "hanh_chinh", D(2024, 2, 2))
    pr = b.rate().of("A")
    assert pr.muc_quyet_dinh == "HTXS"
    assert pr.muc_de_xuat == "KHT"
    assert pr.muc_cuoi == "HTXS"
    assert any("cao hơn mức tối đa Không hoàn thành nhiệm vụ" in w and "điểm a khoản 5 Điều 2" in w for w in pr.canh_bao)


def test_decided_level_checked_against_absence():
    b = Book()
    b.person("A", absent=4, vote=(6, 0, 6), decided="HTT")
    pr = b.rate().of("A")
    assert pr.muc_quyet_dinh == "HTT" and pr.muc_de_xuat == "HT"
    assert any("khoản 3 Điều 2" in w for w in pr.canh_bao)


def test_decided_level_on_a_person_not_rated_is_kept_and_flagged():
    b = Book()
    b.person("A", months=3, decided="HTT")
    pr = b.rate().of("A")
    assert pr.muc_quyet_dinh == "HTT" and pr.trang_thai == "khong_xep_loai"
    assert any("không thuộc diện xếp loại" in w for w in pr.canh_bao)


def test_decided_levels_over_the_cap_are_kept_and_flagged():
    b = Book()
    for i in range(3):
        b.person(f"X{i}", vote=(10, 8, 2), decided="HTXS")
    for i in range(5):
        b.person(f"T{i}", vote=(10, 0, 10), decided="HTT")
    r = b.rate()
    assert [r.of(f"X{i}").muc_quyet_dinh for i in range(3)] == ["HTXS"] * 3
    for i in range(3):
        assert any("vượt mức tối đa 1" in w for w in r.of(f"X{i}").canh_bao)
    g = r.group("G")
    assert g.vuot_cuoi and g.so_htxs_cuoi == 3 and g.toi_da_cuoi == 1
    assert any("nhóm «G»" in w for w in r.canh_bao)


def test_decided_equal_to_proposal_gives_no_warning():
    b = Book()
    b.person("A", vote=(6, 0, 6), decided="HTT")
    assert b.rate().of("A").canh_bao == ()


def test_the_proposal_stays_the_same_once_the_evaluator_decides_it():
    """Rule 4 then rule 5: 4 HTXS proposals (votes 6, 9, 7, 8 of 10) and 6 HTT in a group keep one HTXS
    (k = 1: 1 ≤ 20 % × 9 = 1,8; k = 2: 2 > 20 % × 8 = 1,6), X1 with the most votes; X0, X2, X3 are
    proposed HTT. When the competent evaluator then decides exactly these levels, the proposals are
    still those (with the cap's reason) and no decision is flagged as differing from its proposal."""
    def book(decide: bool) -> Book:
        b = Book()
        for i, v in enumerate((6, 9, 7, 8)):
            b.person(f"X{i}", vote=(10, v, 10 - v), decided=("HTXS" if i == 1 else "HTT") if decide else None)
        for i in range(6):
            b.person(f"T{i}", vote=(10, 0, 10), decided="HTT" if decide else None)
        return b

    before, after = book(False).rate(), book(True).rate()
    for code in ("X0", "X1", "X2", "X3"):
        assert after.of(code).muc_de_xuat == before.of(code).muc_de_xuat == ("HTXS" if code == "X1" else "HTT"), code
        assert after.of(code).muc_quyet_dinh == after.of(code).muc_de_xuat
        assert not any("khác mức chương trình đề xuất" in w for w in after.of(code).canh_bao), code
    assert any("vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ" in x for x in after.of("X3").ly_do)


def test_decided_different_from_proposal_is_flagged_not_changed():
    b = Book()
    b.person("A", vote=(6, 0, 6), decided="HT")
    pr = b.rate().of("A")
    assert pr.muc_quyet_dinh == "HT" and pr.muc_de_xuat == "HTT"
    assert any("khác mức chương trình đề xuất" in w for w in pr.canh_bao)


# --------------------------------------------------------------------------- rule 6: party members
def test_party_level_higher_than_civil_service_level_warns():
    b = Book()
    b.person("A", vote=(6, 0, 6), party_level="HTXS")
    b.person("B", vote=(6, 0, 6), party_level="HTT")
    b.person("C", vote=(6, 6), decided="HT", party_level="HTT")
    r = b.rate()
    assert any("đảng viên" in w and "cao hơn" in w for w in r.of("A").canh_bao)
    assert r.of("B").canh_bao == ()
    assert any("đảng viên" in w and "cao hơn" in w for w in r.of("C").canh_bao)  # against the decided level
    assert r.of("A").muc_de_xuat == "HTT"  # a warning only


def test_party_self_rating_above_the_state_level_warns():
    """The member's own party level printed on his Mẫu 2A/2B (`tu_xep_loai_dang_vien`) above the state level of
    the same year (rules.md R6: the state rating is the basis; a warning, as for `muc_dang_vien`)."""
    b = Book()
    b.person("A", vote=(6, 0, 6), party_self="HTXS")  # the meeting gives HTT
    b.person("B", vote=(6, 0, 6), party_self="HTT")  # an administrative discipline in the year: KHT
    b.discipline("B", "hanh_chinh", D(2024, 7, 7))
    b.person("C", vote=(6, 0, 6), party_self="HTT")  # the same level: nothing to say
    b.person("D", vote=(6, 0, 6), party_self="HTXS", party_skipped=True)  # outside this year's party review
    b.person("E", months=4, party_self="HTT")  # not rated by the state side
    r = b.rate()
    a = [w for w in r.of("A").canh_bao if "Tự xếp loại đảng viên" in w]
    assert len(a) == 1 and "Hoàn thành xuất sắc nhiệm vụ" in a[0] and "(Hoàn thành tốt nhiệm vụ, chưa quyết định)" in a[0]
    assert "Nghị định 90/2020/NĐ-CP" in a[0]  # the rulebook's citation of the link (2024: ND 90)
    assert r.of("B").muc_cuoi == "KHT"
    assert any("Tự xếp loại đảng viên Hoàn thành tốt nhiệm vụ" in w and "(Không hoàn thành nhiệm vụ" in w
               for w in r.of("B").canh_bao)
    for code in ("C", "D", "E"):
        assert not any("Tự xếp loại đảng viên" in w for w in r.of(code).canh_bao), code
    assert r.of("A").muc_de_xuat == "HTT"  # a warning only


# --------------------------------------------------------------------------- rule 8: reasons
def test_every_reason_cites_a_document_and_the_rulebook_is_named():
    b = Book()
    b.person("A", vote=(6, 6))
    b.person("B", absent=4, vote=(6, 6))
    b.person("C", months=2)
    b.person("D", self_level="HTT")
    b.discipline("D", "dang", D(2024, 7, 7))
    r = b.rate()
    assert r.bo_quy_tac == "nd90-2020+nd48-2023"
    assert every_reason_cites(r)
    for pr in r.people:
        assert pr.ly_do, pr.ma_so
        for x in pr.ly_do:
            assert "Nghị định" in x or "Luật" in x or "Quy định" in x
