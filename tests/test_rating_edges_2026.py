"""Edges of the 2026 points regime worked out by hand from the rules' words (helper «audit», December 2026).

An independent rater, written from the texts only, was run beside `hoso rate` on every 2026 test agency, the
2026 sample and variants made to hit these edges; they agreed on every person. These cases keep the edges:
each expected outcome below is computed by hand from the words quoted, not read from the engine.

- ND 335 Art. 20 cl. 1–4 (regime-2026.md §1.3): HTXS from 90 points, HTT from 70 to under 90, HT from 50 to
  under 70, KHT under 50; Art. 21 (§1.4): the year from the periods of the time actually worked, the old
  agency's results of a person transferred in counted («to be used as a basis for calculating the average
  score»).
- Art. 20 cl. 5 a: «Tỷ lệ công chức xếp loại "Hoàn thành xuất sắc nhiệm vụ" không vượt quá 20% tổng số công
  chức được xếp loại "Hoàn thành tốt nhiệm vụ" … trong từng nhóm công chức có nhiệm vụ tương đồng»; rounded
  down (docs/rating.md rule 4: the only reading under which «không vượt quá» surely holds); a person moved
  down is HTT and counts in the base; kept by share of HTXS votes, then points.
- Art. 20 cl. 4 c: discipline «trong năm đánh giá» (the decision's day of effect in the year).
- The 06 months of actual work (the agency's rule, docs/rating.md rule 3; ND 90 Art. 2 cl. 3's words «chưa đủ
  06 tháng … trừ trường hợp nghỉ chế độ thai sản»).
"""

from __future__ import annotations

import datetime as dt

import pytest
from rating_builder import Book

D = dt.date


def _htt_peers(b: Book, n: int, group: str = "G") -> None:
    for i in range(n):
        code = b.person(f"{group}-T{i:02d}", group=group)
        b.months(code, 25, 85, 85, 85)  # 25 + 70 × 255/300 = 84.5: HTT


@pytest.mark.parametrize("htt, kept", [
    (9, ["X1"]),  # keep 2: 20% × 9 = 1.8 → 1 < 2; keep 1: 20% × 10 = 2 ≥ 1
    (10, ["X1", "X3"]),  # keep 2: 20% × 10 = 2
    (14, ["X1", "X3"]),  # keep 2: 20% × 14 = 2.8 → 2
    (4, ["X1"]),  # keep 2: 20% × 4 = 0.8 → 0; keep 1: 20% × 5 = 1
    (3, []),  # keep 1: 20% × 4 = 0.8 → 0: none kept
])
def test_two_htxs_in_a_group_of_htt(htt, kept):
    """X1 (8/10 HTXS ballots) and X3 (6/10, 97 points) propose HTXS; X1 ranks first on the ballots."""
    b = Book(year=2026)
    _htt_peers(b, htt)
    b.person("X1", vote=(10, 8, 2))
    b.months("X1", 27, 95, 95, 95)  # 93.5
    b.person("X3", vote=(10, 6, 4))
    b.months("X3", 27, 100, 100, 100)  # 97
    r = b.rate()
    assert sorted(c for c in ("X1", "X3") if r.of(c).muc_de_xuat == "HTXS") == kept
    assert all(r.of(c).muc_de_xuat == "HTT" for c in ("X1", "X3") if c not in kept)


def test_three_htxs_and_nine_htt_keep_two_the_one_moved_down_enlarging_the_base():
    """9 HTT + 3 HTXS: keeping 3 leaves 9 HTT, 20% = 1.8 → 1; keeping 2 gives 10 HTT, 20% = 2: two kept.
    Equal ballots (6/10) for X2 and X3: the higher points (X3, 97 against 93.5) stays; X1 leads on ballots."""
    b = Book(year=2026)
    _htt_peers(b, 9)
    b.person("X1", vote=(10, 8, 2))
    b.months("X1", 27, 90, 90, 90)  # 90.0: fewest points, most ballots
    b.person("X2", vote=(10, 6, 4))
    b.months("X2", 27, 95, 95, 95)  # 93.5
    b.person("X3", vote=(10, 6, 4))
    b.months("X3", 27, 100, 100, 100)  # 97
    r = b.rate()
    assert [r.of(c).muc_de_xuat for c in ("X1", "X2", "X3")] == ["HTXS", "HTT", "HTXS"]


@pytest.mark.parametrize("general, ratio, level", [
    (20, 100, "HTXS"),  # 20 + 70 = 90.00: «từ 90 điểm»
    (19.995, 100, "HTT"),  # 89.995: under 90, never rounded up
    (21, 70, "HTT"),  # 21 + 49 = 70.00
    (20.995, 70, "HT"),  # 69.995
    (15, 50, "HT"),  # 15 + 35 = 50.00
    (14.995, 50, "KHT"),  # 49.995: «dưới 50 điểm»
])
def test_the_thresholds_at_the_point(general, ratio, level):
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")  # room under the cap for one HTXS
    b.person("A", group="P")
    b.months("A", general, ratio, ratio, ratio)
    assert b.rate().of("A").muc_de_xuat == level


def test_a_year_of_alternating_months_averaging_exactly_90_is_htxs():
    """Six months at 88 (25 + 63) and six at 92 (29 + 63): the mean is 90.00, HTXS (Art. 21: the year is the
    mean of the periods)."""
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")
    b.person("A", group="P")
    b.months("A", 25, 90, 90, 90, months=range(1, 13, 2))
    b.months("A", 29, 90, 90, 90, months=range(2, 13, 2))
    pr = b.rate().of("A")
    assert pr.diem == pytest.approx(90) and pr.muc_de_xuat == "HTXS"


def test_a_transferred_person_s_year_counts_the_periods_sent_by_the_old_agency():
    """January–June rated by the old agency at 94.5 (28 + 66.5), July–December here at 85.5 (26 + 59.5): the
    year is (6 × 94.5 + 6 × 85.5) / 12 = 90.00, HTXS; counting only this agency's months would give 85.5, HTT."""
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")
    b.person("A", group="P")
    for m in range(1, 7):
        b.period("A", f"{m:02d}", 28, 95, 95, 95, rated_by="Sở Tài chính")
    b.months("A", 26, 85, 85, 85, months=range(7, 13))
    pr = b.rate().of("A")
    assert pr.diem == pytest.approx(90) and pr.muc_de_xuat == "HTXS"


@pytest.mark.parametrize("effective, level", [
    (D(2026, 12, 31), "KHT"),  # in force on the last day of 2026
    (D(2026, 1, 1), "KHT"),  # … and on its first
    (D(2025, 12, 31), "HTXS"),  # 2025's discipline, not «trong năm đánh giá» 2026
    (D(2027, 1, 1), "HTXS"),  # 2027's
])
def test_a_reprimand_counts_in_the_year_it_takes_effect(effective, level):
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")
    b.person("A", group="P")
    b.months("A", 28, 100, 100, 100)  # 98
    b.discipline("A", "hanh_chinh", effective)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == level and pr.muc_toi_da == level


@pytest.mark.parametrize("months, absent, maternity, results, rated", [
    (5.9, 0, False, range(7, 13), False),  # «chưa đủ 06 tháng»
    (6, 0, False, range(7, 13), True),
    (12, 6.1, False, range(1, 7), False),  # 5.9 months actually worked
    (12, 6, False, range(1, 7), True),  # 6 actually worked
    (2, 0, True, range(1, 3), True),  # «trừ trường hợp nghỉ chế độ thai sản»: 2 months worked, rated
])
def test_six_months_actually_worked(months, absent, maternity, results, rated):
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")
    b.person("A", group="P", months=months, absent=absent, maternity=maternity)
    b.months("A", 25, 85, 85, 85, months=results)
    pr = b.rate().of("A")
    assert pr.rated is rated
    assert pr.muc_de_xuat == ("HTT" if rated else None)


@pytest.mark.parametrize("months, results, missing", [
    # 12 months worked, October without a result: October is owed
    (12, [m for m in range(1, 13) if m != 10], "Thiếu kết quả kỳ 2026-10:"),
    # 6,5 months worked (since mid-June), July–December rated: half a month is owed, in one of the months without
    # a result — not the six of them (which half month the workbook does not say)
    (6.5, range(7, 13), "Thiếu kết quả kỳ của 0,5 tháng công tác (trong các kỳ chưa có kết quả: 2026-01 đến 2026-06):"),
    (8, range(7, 13), "Thiếu kết quả kỳ của 2 tháng công tác (trong các kỳ chưa có kết quả: 2026-01 đến 2026-06):"),
])
def test_the_results_missing_are_the_months_owed(months, results, missing):
    """Art. 21: the year is the mean over the time actually worked, every month of it: short of it, no level."""
    b = Book(year=2026)
    _htt_peers(b, 10, group="P")
    b.person("A", group="P", months=months)
    b.months("A", 25, 85, 85, 85, months=results)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat is None
    assert any(missing in reason for reason in pr.ly_do), pr.ly_do
    assert any(missing.rstrip(":") in w for w in pr.canh_bao), pr.canh_bao
