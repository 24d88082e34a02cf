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


# ------------------------------------------------------------------ the agency head and the agency's cap
# ND 90 Art. 16 (rules.md R8.1): the head of an agency is rated by the head of the directly superior
# agency. Whether he counts in his own agency's "20 % of HTT" group (ND 48 cl. 6, ND 335 Art. 20 cl. 5:
# "trong phạm vi cùng một cơ quan … và trong từng nhóm … có nhiệm vụ tương đồng") is not said by the
# texts read: the default keeps him in the agency's leader group (as before) and names the question;
# CoQuan «Người đứng đầu ngoài tỷ lệ HTXS của cơ quan» takes him out, the superior applying his cap.
def _head_book() -> Book:
    b = Book()
    b.person("H", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, group="", vote=(3, 2, 1))
    b.person("D1", leader=True, group="", vote=(3, 3))
    for i in range(2, 7):
        b.person(f"D{i}", leader=True, group="", vote=(3, 0, 3))
    return b


def test_by_default_the_agency_head_counts_in_the_agencys_leader_group_and_the_question_is_named():
    # 2 HTXS (H 2/3 of the votes, D1 3/3) + 5 HTT: keeping both, 2 HTXS > 20 % × 5 = 1; keeping one,
    # 1 ≤ 20 % × 6 = 1,2 ⇒ one stays: D1 (higher share), H moved to Hoàn thành tốt nhiệm vụ
    r = _head_book().rate()
    assert r.of("H").muc_de_xuat == "HTT" and r.of("D1").muc_de_xuat == "HTXS"
    assert any("người đứng đầu cơ quan Nguyễn Văn Thủ Trưởng (H)" in w and "Người đứng đầu ngoài tỷ lệ HTXS của cơ quan" in w
               for w in r.canh_bao)


def test_the_agency_can_leave_the_heads_cap_to_the_superior():
    from dataclasses import replace

    from pipeline.rating import rate

    c = _head_book().campaign()
    r = rate(replace(c, agency=replace(c.agency, nguoi_dung_dau_ngoai_ty_le=True)))
    # H outside: the leader group is D1 (HTXS) + 5 HTT: 1 ≤ 20 % × 5 = 1 ⇒ D1 stays; H's HTXS proposal is
    # not capped by the agency (the superior that rates him applies the cap)
    assert r.of("H").muc_de_xuat == "HTXS" and r.of("D1").muc_de_xuat == "HTXS"
    assert any("Điều 16 Nghị định 90/2020/NĐ-CP" in x and "do cấp trên xét" in x for x in r.of("H").ly_do)
    assert not any("người đứng đầu cơ quan" in w for w in r.canh_bao)
    assert r.group("cong_chuc/lanh_dao_quan_ly").so_htt_de_nghi == 5
    head_group = r.group(r.of("H").nhom_tuong_dong)
    assert head_group.toi_da == 1 and not head_group.vuot_cuoi and "cap_tren" not in r.of("H").nhom_tuong_dong


def test_the_heads_setting_is_read_from_the_workbook(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest

    data = wf.tables()
    data["CoQuan"].append(("nguoi_dung_dau_ngoai_ty_le", "Có"))
    assert ingest.load(wf.write(tmp_path / "a.xlsx", data)).agency.nguoi_dung_dau_ngoai_ty_le is True
    assert ingest.load(wf.write(tmp_path / "b.xlsx", wf.tables())).agency.nguoi_dung_dau_ngoai_ty_le is False
