"""Rule 4: the HTXS cap per comparable group, who stays, ties, settings and approved exceptions."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from rating_builder import Book, count

from pipeline.rating.rulebooks import ND90_ND48
from pipeline.rating.rules import cap_explanation, htxs_allowed


def book_with(htxs_votes: list[int], htt: int, group: str = "G") -> Book:
    """HTXS proposals with the given HTXS vote counts out of 10, plus `htt` clear HTT proposals."""
    b = Book()
    for i, v in enumerate(htxs_votes):
        b.person(f"X{i}", name=f"Ứng viên {i}", group=group, vote=(10, v, 10 - v))
    b.peers(htt, group=group)
    return b


@pytest.mark.parametrize("htxs, htt, kept", [
    (4, 6, 1),  # the example
    (1, 4, 0),  # the example
    (1, 5, 1),
    (2, 8, 1),  # k=2: 2 > 0.2 × 8 = 1.6; k=1: 1 ≤ 0.2 × 9 = 1.8
    (2, 10, 2),
    (3, 5, 1),  # the sample's TH/chuyen_vien
    (5, 0, 0),
    (0, 7, 0),
    (10, 40, 8),  # 8 ≤ 0.2 × 42 = 8.4; 9 > 0.2 × 41 = 8.2
])
def test_cap_counts_people_moved_down_as_htt(htxs, htt, kept):
    assert htxs_allowed(htt, htxs, 0.2, "floor") == kept
    r = book_with([9 - (i % 3) for i in range(htxs)], htt).rate()
    assert count(r, "HTXS") == kept
    assert count(r, "HTT") == htt + htxs - kept
    g = r.group("G")
    assert (g.so_htxs_de_nghi, g.so_htt_de_nghi, g.so_htxs_giu) == (htxs, htt, kept)
    # the most the group may have: T people at the better level leave htt + htxs − T at the other
    assert g.toi_da == max(t for t in range(htt + htxs + 1) if 5 * t <= htt + htxs - t) >= kept
    assert len(g.ha_muc) == htxs - kept


def test_four_htxs_six_htt_keeps_the_highest_share_of_htxs_votes():
    r = book_with([6, 9, 7, 8], 6).rate()
    assert [p.ma_so for p in r.people if p.muc_de_xuat == "HTXS"] == ["X1"]
    kept = r.of("X1")
    assert any("giữ mức Hoàn thành xuất sắc nhiệm vụ" in x and "xếp thứ 1/4" in x for x in kept.ly_do)
    for code in ("X0", "X2", "X3"):
        pr = r.of(code)
        assert pr.muc_de_xuat == "HTT" and pr.muc_hop == "HTXS"
        assert any("vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ" in x and "khoản 6 Điều 2" in x
                   and "được giữ tối đa 1 người" in x for x in pr.ly_do)
    assert r.group("G").ha_muc == ("X3", "X2", "X0")


def test_one_htxs_four_htt_none_stays_with_a_warning_about_zero():
    r = book_with([9], 4).rate()
    pr = r.of("X0")
    assert pr.muc_de_xuat == "HTT"
    assert any("không được giữ thêm người Hoàn thành xuất sắc nhiệm vụ nào" in w for w in pr.canh_bao)
    text = cap_explanation(4, 1, 0, 0.2, "floor")
    assert "nếu giữ 1 người thì chỉ còn 4 người Hoàn thành tốt nhiệm vụ, 20% của 4 là 0,8, làm tròn xuống được 0" in text


def test_ties_are_broken_by_points_then_code_with_a_warning_naming_the_tied():
    b = book_with([8, 8, 8], 5)
    r = b.rate()
    assert r.of("X0").muc_de_xuat == "HTXS"  # the deterministic order: ma_so
    for code in ("X0", "X1", "X2"):
        warning = [w for w in r.of(code).canh_bao if "Bằng nhau" in w]
        assert warning, code
        assert all(f"Ứng viên {i} (X{i})" in warning[0] for i in range(3))
    assert r.group("G").bang_nhau == ("X0", "X1", "X2")


def test_points_break_a_tie_in_votes_without_a_warning():
    b = book_with([8, 8], 5)
    b.score("X0", "TC1", 80)
    b.score("X1", "TC1", 95)
    r = b.rate()
    assert r.of("X1").muc_de_xuat == "HTXS" and r.of("X0").muc_de_xuat == "HTT"
    assert not any("Bằng nhau" in w for p in r.people for w in p.canh_bao)


def test_a_tie_below_the_cut_needs_no_warning():
    r = book_with([9, 8, 8], 5).rate()
    assert r.of("X0").muc_de_xuat == "HTXS"
    assert not any("Bằng nhau" in w for p in r.people for w in p.canh_bao)


def test_groups_are_capped_independently_and_default_group_follows_leadership():
    b = Book()
    b.person("L1", group="", leader=True, vote=(10, 9, 1))
    b.person("S1", group="", vote=(10, 9, 1))
    for i in range(5):
        b.person(f"S-HTT{i}", group="", vote=(10, 0, 10))
    r = b.rate()
    assert r.of("L1").nhom_tuong_dong == "cong_chuc/lanh_dao_quan_ly"
    assert r.of("S1").nhom_tuong_dong == "cong_chuc/khong_giu_chuc_vu"
    assert r.of("L1").muc_de_xuat == "HTT"  # no HTT among leaders
    assert r.of("S1").muc_de_xuat == "HTXS"  # 1 ≤ 0.2 × 5


def test_people_not_rated_and_capped_by_other_rules_are_not_counted_as_htt():
    b = book_with([9], 4)
    b.person("Y", group="G", vote=(10, 0, 10), months=3)  # not rated
    b.person("Z", group="G", vote=(10, 0, 10))
    b.discipline("Z", "hanh_chinh", dt.date(2024, 5, 5))  # KHT, not HTT
    r = b.rate()
    assert r.group("G").so_htt_de_nghi == 4
    assert r.of("X0").muc_de_xuat == "HTT"


def test_rounding_and_ratio_are_rulebook_settings():
    b = book_with([9], 4)
    assert b.rate().of("X0").muc_de_xuat == "HTT"
    assert b.rate(replace(ND90_ND48, htxs_rounding="ceil")).of("X0").muc_de_xuat == "HTXS"
    assert b.rate(replace(ND90_ND48, htxs_ratio=0.25)).of("X0").muc_de_xuat == "HTXS"
    r = b.rate(replace(ND90_ND48, htxs_ratio=0.25))
    assert r.thiet_lap["ty_le_htxs"] == 0.25


def test_approved_exception_overrides_the_cap_and_cites_the_document():
    b = book_with([9, 8, 7, 6], 6)
    b.override("G", 3, number="45/UBND-NC", date=dt.date(2024, 11, 20))
    r = b.rate()
    assert count(r, "HTXS") == 3
    assert r.of("X3").muc_de_xuat == "HTT"
    assert any("45/UBND-NC" in x and "20/11/2024" in x for x in r.of("X0").ly_do)
    assert any("45/UBND-NC" in x for x in r.of("X3").ly_do)
    g = r.group("G")
    assert g.ngoai_le and g.toi_da == 3 and not g.vuot_cuoi


def test_exception_for_an_unknown_group_is_reported():
    b = book_with([9], 5)
    b.override("KHONG_CO", 2)
    assert any("KHONG_CO" in w for w in b.rate().canh_bao)


def test_cap_computation_is_shown_on_the_group():
    r = book_with([9, 8, 7, 6], 6).rate()
    g = r.group("G")
    assert "6 người đề xuất Hoàn thành tốt nhiệm vụ, 4 người đề xuất Hoàn thành xuất sắc nhiệm vụ" in g.cach_tinh
    assert "nhóm có 9 người Hoàn thành tốt nhiệm vụ; 20% của 9 là 1,8, làm tròn xuống được 1" in g.cach_tinh
    assert [c.giu for c in g.xep_hang] == [True, False, False, False]
