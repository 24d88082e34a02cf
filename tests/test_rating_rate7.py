"""The rate7 audit: rules worked by hand from the texts' words (shared/domain/rules.md, regime-2026.md),
both regimes, on the edges. Each expected outcome is stated from the rule, never from the engine's
formula; the comment above each case quotes the words it comes from."""

from __future__ import annotations

import datetime as dt

import pytest
from rating_builder import Book

D = dt.date
HTT, HTXS = (10, 0, 10), (10, 10)


def _general(score: float) -> tuple[float, float, float, float]:
    """A period row (general, a, b, c) whose score is `score` with a = b = c = 100·(score − g)/70."""
    g = 20.0
    x = (score - g) * 100 / 70
    return g, x, x, x


# ------------------------------------------------------------------ ND 335 leaders' d), per period
# regime-2026.md §1.2: d) "results of the unit or field led: 100% if all subordinate công chức score at
# HT level or better, 50% if any is KHT"; the leader's score (a+b+c+d+đ+e)/6 × 70 is a period's score
# and the year is the mean of the period scores (§1.4). So d) is read in each period, against the
# subordinates' results of that period.
def test_d_at_100_in_the_one_month_a_subordinate_is_under_50_is_warned_though_his_year_is_htt():
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    for m in range(1, 13):
        b.period("S", f"{m:02d}", *_general(38 if m == 3 else 80))
    r = b.rate()
    # S's year: (11 × 80 + 38) / 12 = 76.5 ⇒ HTT; but in March S is under 50 ⇒ L's March d) is 50 %
    assert r.of("S").muc_de_xuat == "HTT"
    (w,) = [w for w in r.of("L").canh_bao if "d)" in w]
    assert "Người S (S), ở các kỳ 2026-03," in w and "2026-04" not in w


def test_d_at_50_only_in_the_months_a_subordinate_is_under_50_is_right_though_his_year_is_kht():
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, months=range(1, 7), d=100, dd=90, e=90)
    b.months("L", 25, 90, 90, 90, months=range(7, 13), d=50, dd=90, e=90)
    b.person("S", unit="P1")
    for m in range(1, 13):
        b.period("S", f"{m:02d}", *_general(60 if m <= 6 else 24))
    r = b.rate()
    # S: (6 × 60 + 6 × 24) / 12 = 42 ⇒ KHT for the year; January–June S was at 60 (HT): d) 100 % is right
    assert r.of("S").muc_de_xuat == "KHT"
    assert not [w for w in r.of("L").canh_bao if "d)" in w]


def test_d_under_100_while_everyone_under_him_completes_the_month_is_warned():
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, months=range(1, 12), d=100, dd=90, e=90)
    b.months("L", 25, 90, 90, 90, months=[12], d=50, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", *_general(80))
    (w,) = [w for w in b.rate().of("L").canh_bao if "d)" in w]
    assert "dưới 100% ở các kỳ 2026-12" in w


def test_a_quarterly_subordinate_is_read_in_the_quarter_of_the_leaders_month():
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1", kind="vien_chuc")
    for q in range(1, 5):
        b.period("S", f"Q{q}", *_general(40 if q == 2 else 80))
    (w,) = [w for w in b.rate().of("L").canh_bao if "d)" in w]
    assert "ở các kỳ 2026-04, 2026-05, 2026-06," in w and "2026-03" not in w


def test_a_subordinate_kht_for_discipline_is_not_tied_to_a_period_and_d_at_100_is_pointed_out():
    # ND 335 Art. 20 cl. 4 c): discipline in the year ⇒ KHT for the year, whatever the points
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", *_general(80))
    b.discipline("S", "hanh_chinh", D(2026, 6, 1))
    r = b.rate()
    assert r.of("S").muc_de_xuat == "KHT"
    (w,) = [w for w in r.of("L").canh_bao if "d)" in w]
    assert w.startswith("Đơn vị có người xếp loại Không hoàn thành nhiệm vụ (Người S (S))")


def test_a_deputy_does_not_answer_for_his_units_head():
    b = Book(year=2026)
    b.person("T", leader=True, role="truong", unit="P1", group="LD")
    b.months("T", *_general(30), d=100, dd=30, e=30)
    b.person("P", leader=True, role="pho", unit="P1", group="LD")
    b.months("P", 25, 90, 90, 90, d=100, dd=90, e=90)
    r = b.rate()
    assert r.of("T").muc_de_xuat == "KHT"
    assert not [w for w in r.of("P").canh_bao if "d)" in w]
