"""The 2026 points regime (workbook-2026.md): products -> a, b, c; period and year scores; missing
periods; leaders; KHT cases; the rulebook per staff category. Every expectation is worked out by hand
in the comments from the formulas' words, never by calling the engine's formula."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from rating_builder import Book

from pipeline.rating.periods import score_text
from pipeline.rating.rulebooks import ND335, PeriodFormula
from pipeline.submission.ratings_file import person_document


def peers(b: Book, group: str, n: int = 5, kind: str = "cong_chuc") -> None:
    """n people at 80 points every month (24 + 70 × (80 + 80 + 80) / 300 = 24 + 56 = 80: HTT)."""
    for i in range(n):
        code = f"{group}-{kind}-{i}"
        b.person(code, group=group, kind=kind)
        b.months(code, 24, 80, 80, 80)


# ---------------------------------------------------------------------------------------------
# products -> a, b, c
# ---------------------------------------------------------------------------------------------
def test_products_give_quantity_quality_progress_with_weights_deductions_and_waivers():
    b = Book(year=2026)
    b.person("A")
    # January from products; February–December given as rates a = 80, b = 70, c = 70.
    b.product("A", "01", weight=2, failures=1)  # done; quality −25 %
    b.product("A", "01", weight=1, delays=2)  # done; progress −50 %
    b.product("A", "01", done=False)  # assigned, not done
    b.product("A", "01", failures=3, delays=1, waived=True)  # objective reason: no deduction
    b.period("A", "01", 27)
    b.months("A", 27, 80, 70, 70, months=range(2, 13))
    peers(b, "G")
    pr = b.rate().of("A")
    jan = pr.diem_ky[0]
    # Σw = 2 + 1 + 1 + 1 = 5
    # a = 100 × (2 + 1 + 1) / 5 = 80
    # b = 100 × (2 × 0.75 + 1 × 1 + 1 × 1) / 5 = 100 × 3.5 / 5 = 70
    # c = 100 × (2 × 1 + 1 × 0.5 + 1 × 1) / 5 = 70
    assert jan.ky == "2026-01"
    assert (jan.a, jan.b, jan.c) == pytest.approx((80, 70, 70))
    assert jan.d is None and jan.dd is None and jan.e is None
    # period score = 27 + 70 × (80 + 70 + 70) / 300 = 27 + 51.333… = 78.333…
    assert jan.diem == pytest.approx(27 + 154 / 3)
    assert len(pr.diem_ky) == 12
    assert pr.diem == pytest.approx(27 + 154 / 3)  # every month the same
    assert pr.muc_de_xuat == "HTT" and pr.nguon_de_xuat == "diem"
    assert any("78,33" in x and "Điều 21 Nghị định 335/2025/NĐ-CP" in x for x in pr.ly_do)


def test_deductions_stop_at_zero_and_a_product_not_done_earns_nothing():
    b = Book(year=2026)
    b.person("A")
    for m in range(1, 13):
        b.product("A", f"{m:02d}", failures=5)  # 1 − 1.25 < 0 -> 0, never negative
        b.product("A", f"{m:02d}", delays=4)  # 1 − 1.00 = 0
        b.period("A", f"{m:02d}", 30)
    peers(b, "G")
    k = b.rate().of("A").diem_ky[0]
    # a = 100 × 2 / 2 = 100; b = 100 × (0 + 1) / 2 = 50; c = 100 × (1 + 0) / 2 = 50
    assert (k.a, k.b, k.c) == pytest.approx((100, 50, 50))
    # 30 + 70 × 200 / 300 = 76.666…
    assert k.diem == pytest.approx(30 + 140 / 3)


# ---------------------------------------------------------------------------------------------
# year score and level at the thresholds, reached through averages of quarters
# ---------------------------------------------------------------------------------------------
# a = b = c = 100 gives general + 70: the quarter scores below are general + 70.
@pytest.mark.parametrize("generals, mean, printed, level", [
    ((20, 20, 20, 19.96), 89.99, "89,99", "HTT"),  # (90 + 90 + 90 + 89.96) / 4
    ((20, 20, 20, 19.996), 89.999, "89,99", "HTT"),  # 89.999: cut, never rounded up
    ((25, 15, 25, 15), 90, "90,00", "HTXS"),  # (95 + 85 + 95 + 85) / 4
    ((19.7, 20.1, 20.2, 20), 90, "90,00", "HTXS"),  # (89.7 + 90.1 + 90.2 + 90) / 4 = 360 / 4
    ((0, 0, 0, -0.04), 69.99, "69,99", "HT"),  # (70 + 70 + 70 + 69.96) / 4 — general 0 and a lower c below
    ((5, 0, 5, 0), 72.5, "72,50", "HTT"),
])
def test_year_score_is_the_mean_of_the_quarters_unrounded(generals, mean, printed, level):
    b = Book(year=2026)
    b.person("A", group="T")
    for q, g in enumerate(generals, start=1):
        if g < 0:  # 69.96 = 0 + 70 × (100 + 100 + c) / 300 -> c = 300 × 69.96 / 70 − 200 = 99.8285714…
            b.period("A", f"Q{q}", 0, 100, 100, 300 * 69.96 / 70 - 200)
        else:
            b.period("A", f"Q{q}", g, 100, 100, 100)
    peers(b, "T")
    pr = b.rate().of("A")
    assert pr.diem == pytest.approx(mean, abs=1e-9)
    assert score_text(pr.diem) == printed
    assert pr.muc_de_xuat == level
    assert any(f"= {printed}" in x for x in pr.ly_do)


@pytest.mark.parametrize("scores, level", [
    ((70, 70, 70, 69.96), "HT"),  # 69.99
    ((75, 65, 75, 65), "HTT"),  # 70
    ((50, 50, 50, 49.96), "KHT"),  # 49.99
    ((55, 45, 55, 45), "HT"),  # 50
])
def test_thresholds_70_and_50_through_averages(scores, level):
    b = Book(year=2026)
    b.person("A", group="T")
    for q, s in enumerate(scores, start=1):
        # general 0, a = b = c = x: 70 × 3x / 300 = 0.7 x = s  ->  x = s / 0.7
        b.period("A", f"Q{q}", 0, s / 0.7, s / 0.7, s / 0.7)
    peers(b, "T")
    assert b.rate().of("A").muc_de_xuat == level


# ---------------------------------------------------------------------------------------------
# missing periods
# ---------------------------------------------------------------------------------------------
def test_missing_months_give_no_level_and_name_the_months():
    b = Book(year=2026)
    b.person("A")
    b.months("A", 24, 80, 80, 80, months=[m for m in range(1, 13) if m not in (3, 7)])
    peers(b, "G")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat is None and pr.trang_thai == "xep_loai"
    assert pr.diem == pytest.approx(80)  # the mean of the 10 months present
    assert any("Thiếu kết quả kỳ 2026-03, 2026-07" in x for x in pr.ly_do)
    assert any("2026-03, 2026-07" in w for w in pr.canh_bao)
    # each month 24 + 70 × 240 / 300 = 80: the mean of the 10 present is said as such, never as the year's score
    assert any("Trung bình 10 kỳ đã có kết quả = 80,00, chưa phải điểm năm" in x for x in pr.ly_do)
    assert not any("Điểm năm là" in x for x in pr.ly_do)


def test_missing_quarter_and_no_period_at_all():
    b = Book(year=2026)
    b.person("A")
    for q in ("Q1", "Q2", "Q4"):
        b.period("A", q, 24, 80, 80, 80)
    b.person("B", vote=(10, 10))  # a unanimous vote gives no level without periods
    peers(b, "G")
    r = b.rate()
    a = r.of("A")
    assert a.muc_de_xuat is None and any("Thiếu kết quả kỳ 2026-Q3" in x for x in a.ly_do)
    bb = r.of("B")
    assert bb.muc_de_xuat is None and bb.diem is None and bb.diem_ky == ()
    assert any("chưa có kết quả tháng hoặc quý nào" in x for x in bb.ly_do)


def test_months_worked_need_results_and_leave_is_rulebook_data():
    b = Book(year=2026)
    # joined in May: 8 months in post, May–December present
    b.person("A", months=8)
    b.months("A", 24, 80, 80, 80, months=range(5, 13))
    # 12 months in post of which 4 of lawful leave, only the 8 months worked have results. ND 335 Art. 21
    # (regime-2026.md §1.4): absent for legitimate reasons, "the ranking is carried out based on the total
    # score … for the actual period of civil servant work in the year" ⇒ the 8 months are the year: 80, HTT
    b.person("B", absent=4)
    b.months("B", 24, 80, 80, 80, months=range(1, 9))
    # the same with every month present: rated on the same score; no 3-to-6-month ceiling under ND 335
    b.person("B2", absent=4)
    b.months("B2", 24, 80, 80, 80)
    # 8 months in post (joined in May) but results for all twelve months; and in quarters: Q2–Q4 cover
    # May–December (9 months ≥ 8, one partial quarter: normal), Q1–Q4 one whole quarter too many
    b.person("A12", months=8)
    b.months("A12", 24, 80, 80, 80)
    b.person("AQ3", months=8)
    b.person("AQ4", months=8)
    for q in ("Q2", "Q3", "Q4"):
        b.period("AQ3", q, 24, 80, 80, 80)
    for q in ("Q1", "Q2", "Q3", "Q4"):
        b.period("AQ4", q, 24, 80, 80, 80)
    # 8 months in post, 7 months present (one short)
    b.person("C", months=8)
    b.months("C", 24, 80, 80, 80, months=range(6, 13))
    peers(b, "G")
    r = b.rate()
    assert r.of("A").muc_de_xuat == "HTT"
    assert r.of("B").muc_de_xuat == "HTT" and r.of("B").diem == pytest.approx(80)
    assert any("thời gian công tác thực tế 8 tháng" in x and "Điều 21 Nghị định 335/2025/NĐ-CP" in x
               for x in r.of("B").ly_do)
    assert r.of("B2").muc_de_xuat == "HTT" and r.of("B2").muc_toi_da == "HTXS"
    # B2 has 12 results for 8 months worked: the workbook does not say which 4 were leave, so the mean of
    # all 12 is not surely «the score in the actual period of work» — the clerk is told, the level stands
    assert any("Có kết quả 12 tháng trong khi thời gian công tác thực tế là 8 tháng (nghỉ theo quy định 4 tháng)"
               in w for w in r.of("B2").canh_bao)
    assert any("Có kết quả 12 tháng trong khi thời gian công tác là 8 tháng" in w for w in r.of("A12").canh_bao)
    assert any("Có kết quả 4 quý (12 tháng) trong khi thời gian công tác là 8 tháng" in w for w in r.of("AQ4").canh_bao)
    assert not any("Có kết quả" in w for p in ("A", "B", "C", "AQ3") for w in r.of(p).canh_bao)
    assert r.of("A12").muc_de_xuat == r.of("AQ3").muc_de_xuat == r.of("AQ4").muc_de_xuat == "HTT"
    assert r.of("C").muc_de_xuat is None
    # one month owed, in one of the five without a result (which one the workbook does not say)
    assert any("Thiếu kết quả kỳ của 1 tháng công tác (trong các kỳ chưa có kết quả: 2026-01 đến 2026-05)" in x
               for x in r.of("C").ly_do)
    # the other reading (the months of leave need a result too) is one rulebook field
    strict = replace(ND335, periods=PeriodFormula(leave_excused=False))
    r = b.rate(strict)
    assert r.of("B").muc_de_xuat is None and r.of("B").diem == pytest.approx(80)
    assert any("Thiếu kết quả kỳ 2026-09, 2026-10, 2026-11, 2026-12" in x for x in r.of("B").ly_do)
    assert any("4 tháng nghỉ theo quy định" in w for w in r.of("B").canh_bao)
    assert r.of("C").muc_de_xuat is None


# ---------------------------------------------------------------------------------------------
# leaders
# ---------------------------------------------------------------------------------------------
def test_leader_score_over_six_criteria():
    b = Book(year=2026)
    b.person("L", leader=True, group="LD")
    # 25 + 70 × (90 + 80 + 70 + 100 + 80 + 90) / 600 = 25 + 70 × 510 / 600 = 25 + 59.5 = 84.5
    b.months("L", 25, 90, 80, 70, months=range(1, 7), d=100, dd=80, e=90)
    # d = 50 when a subordinate is KHT: 25 + 70 × 460 / 600 = 25 + 53.666… = 78.666…
    b.months("L", 25, 90, 80, 70, months=range(7, 13), d=50, dd=80, e=90)
    pr = b.rate().of("L")
    assert pr.diem_ky[0].diem == pytest.approx(84.5)
    assert (pr.diem_ky[0].d, pr.diem_ky[0].dd, pr.diem_ky[0].e) == (100, 80, 90)
    assert pr.diem_ky[6].diem == pytest.approx(25 + 70 * 460 / 600)
    # year: (6 × 84.5 + 6 × 78.666…) / 12 = 81.583…
    assert pr.diem == pytest.approx((84.5 + 25 + 70 * 460 / 600) / 2)
    assert pr.muc_de_xuat == "HTT"
    assert any("Điều 15 Nghị định 335/2025/NĐ-CP" in x for x in pr.ly_do)


def test_leader_abc_from_products_and_def_from_the_row():
    b = Book(year=2026)
    b.person("L", leader=True, group="LD")
    for m in range(1, 13):
        b.product("L", f"{m:02d}", delays=1)  # a = 100, b = 100, c = 75
        b.period("L", f"{m:02d}", 30, d=100, dd=100, e=100)
    peers(b, "LD")
    # 30 + 70 × (100 + 100 + 75 + 300) / 600 = 30 + 70 × 575 / 600 = 30 + 67.083… = 97.083…
    pr = b.rate().of("L")
    assert pr.diem == pytest.approx(30 + 70 * 575 / 600)
    assert (pr.diem_ky[0].a, pr.diem_ky[0].b, pr.diem_ky[0].c) == pytest.approx((100, 100, 75))
    assert pr.muc_de_xuat == "HTXS"


# ---------------------------------------------------------------------------------------------
# KHT cases override the points
# ---------------------------------------------------------------------------------------------
def test_kht_cases_override_points():
    b = Book(year=2026)
    for code, kw in (("DISC", {}), ("DEGR", {"degraded": True, "conclusion": "Kết luận số 5-KL/UBKT ngày 01/9/2026"}),
                     ("CORR", {"leader": True, "corruption": True}), ("CORR-NV", {"corruption": True}),
                     ("LOW", {})):
        b.person(code, **kw)
        lead = {"d": 100, "dd": 100, "e": 100} if kw.get("leader") else {}
        if code == "LOW":
            b.months(code, 10, 50, 50, 50)  # 10 + 70 × 150 / 300 = 45 < 50
        else:
            b.months(code, 28, 100, 100, 100, **lead)  # 98 points
    b.discipline("DISC", "hanh_chinh", dt.date(2026, 6, 1), form="Khiển trách")
    peers(b, "G", 10)
    r = b.rate()
    disc = r.of("DISC")
    assert disc.muc_de_xuat == "KHT" and disc.diem == pytest.approx(98)
    assert any("điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP" in x for x in disc.ly_do)
    degr = r.of("DEGR")
    assert degr.muc_de_xuat == "KHT"
    assert any("suy thoái" in x and "5-KL/UBKT" in x and "điểm b khoản 4 Điều 20" in x for x in degr.ly_do)
    corr = r.of("CORR")
    assert corr.muc_de_xuat == "KHT" and any("tham nhũng" in x and "điểm d khoản 4 Điều 20" in x for x in corr.ly_do)
    nv = r.of("CORR-NV")  # the corruption case is for leaders only
    assert nv.muc_de_xuat in ("HTXS", "HTT") and any("không phải lãnh đạo" in w for w in nv.canh_bao)
    assert r.of("LOW").muc_de_xuat == "KHT"


def test_a_decided_level_is_kept_and_checked_against_the_kht_case():
    b = Book(year=2026)
    b.person("A", decided="HTT", degraded=True)
    b.months("A", 24, 80, 80, 80)
    peers(b, "G")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT" and pr.muc_cuoi == "HTT"
    assert any("cao hơn mức tối đa Không hoàn thành nhiệm vụ" in w for w in pr.canh_bao)


# ---------------------------------------------------------------------------------------------
# a ministry's variant is a rulebook, not code
# ---------------------------------------------------------------------------------------------
def test_a_variant_formula_is_rulebook_data():
    variant = replace(ND335, id="bo-x-2026", periods=PeriodFormula(weights=(0, 0.7, 0.3)))
    b = Book(year=2026)
    b.person("A")
    b.months("A", 20, 100, 80, 60)
    peers(b, "G")
    # 20 + 70 × (0 × 100 + 0.7 × 80 + 0.3 × 60) / (100 × 1) = 20 + 70 × 74 / 100 = 71.8
    pr = b.rate(variant).of("A")
    assert pr.diem == pytest.approx(71.8) and pr.muc_de_xuat == "HTT"


# ---------------------------------------------------------------------------------------------
# the rulebook per staff category
# ---------------------------------------------------------------------------------------------
def test_mixed_agency_cong_chuc_and_vien_chuc_rated_under_their_rulebooks_with_separate_caps():
    b = Book(year=2026)
    b.person("CC", group="G", kind="cong_chuc")
    b.months("CC", 30, 100, 100, 100)  # 100 points: HTXS
    peers(b, "G", 5, "cong_chuc")
    b.person("VC", group="G", kind="vien_chuc")
    b.months("VC", 30, 100, 100, 100)
    peers(b, "G", 2, "vien_chuc")
    r = b.rate()
    assert r.bo_quy_tac == "nd335-2025, nd233-2026"
    cc, vc = r.of("CC"), r.of("VC")
    assert cc.bo_quy_tac == "nd335-2025" and vc.bo_quy_tac == "nd233-2026"
    # công chức: 1 HTXS and 5 HTT; 1 ≤ 20 % × 5 = 1: kept
    assert cc.muc_de_xuat == "HTXS" and cc.nhom_tuong_dong == "G (nd335-2025)"
    # viên chức: 1 HTXS and 2 HTT; moved down it would be 1 > 20 % × 3 = 0.6 -> 0: moved to HTT
    # (mixed with the công chức, 2 HTXS over 7 HTT would have kept one of them)
    assert vc.muc_de_xuat == "HTT" and vc.nhom_tuong_dong == "G (nd233-2026)"
    assert any("Nghị định 233/2026/NĐ-CP" in x for x in vc.ly_do)
    assert {g.nhom for g in r.groups} == {"G (nd335-2025)", "G (nd233-2026)"}
    assert any("các bộ quy tắc khác nhau" in w for w in r.canh_bao)
    assert any("CHƯA ĐƯỢC XÁC NHẬN" in w for w in r.canh_bao)
    doc = person_document(vc)
    assert doc["bo_quy_tac"] == "nd233-2026" and len(doc["diem_ky"]) == 12
    assert doc["diem_ky"][0] == {"ky": "2026-01", "diem": 100.0, "diem_tieu_chi_chung": 30, "a": 100, "b": 100,
                                 "c": 100, "d": None, "dd": None, "e": None, "don_vi_danh_gia": ""}


def test_other_staff_follow_the_agencys_choice_with_a_warning():
    b = Book(year=2026)
    b.person("CB", kind="can_bo")
    b.months("CB", 24, 80, 80, 80)
    b.person("NLD", kind="nguoi_lao_dong")
    b.months("NLD", 24, 80, 80, 80)
    r = b.rate()
    assert r.bo_quy_tac == "nd335-2025"
    assert any("1 cán bộ, 1 người lao động" in w and "mặc định" in w for w in r.canh_bao)
    b.bo_quy_tac_khac = "nd233-2026"
    r = b.rate()
    assert r.bo_quy_tac == "nd233-2026"
    assert any("theo lựa chọn của cơ quan" in w for w in r.canh_bao)


def test_forced_rulebook_and_earlier_years_keep_one_rulebook():
    b = Book(year=2026, bo_quy_tac="nd335-2025")
    b.person("VC", kind="vien_chuc")
    b.months("VC", 24, 80, 80, 80)
    b.person("CC")
    b.months("CC", 24, 80, 80, 80)
    r = b.rate()
    assert r.bo_quy_tac == "nd335-2025" and {p.bo_quy_tac for p in r.people} == {""}
    b = Book(year=2025)
    b.person("VC", kind="vien_chuc", self_level="HTT")
    b.person("CC", self_level="HTT")
    assert b.rate().bo_quy_tac == "nd90-2020+nd48-2023"


def test_head_of_a_vien_chuc_unit_not_above_the_unit():
    b = Book(year=2026)
    b.unit_levels = {"SN": "HTT", "HC": "HT"}
    b.person("HEAD-VC", unit="SN", kind="vien_chuc", leader=True, role="truong", group="LD-VC")
    b.months("HEAD-VC", 30, 100, 100, 100, d=100, dd=100, e=100)  # 100 points
    peers(b, "LD-VC", 5, "vien_chuc")
    b.person("HEAD-CC", unit="HC", leader=True, role="truong", group="LD-CC")
    b.months("HEAD-CC", 30, 100, 100, 100, d=100, dd=100, e=100)
    peers(b, "LD-CC", 5)
    r = b.rate()
    vc = r.of("HEAD-VC")
    assert vc.muc_de_xuat == "HTT" and vc.muc_toi_da == "HTT"
    assert any("khoản 7 Điều 12 Nghị định 233/2026/NĐ-CP" in x and "Đơn vị SN" in x for x in vc.ly_do)
    assert r.of("HEAD-CC").muc_de_xuat == "HTXS"  # ND 335 has no such rule


def test_without_any_period_the_old_behaviour_stays():
    """A 2026 workbook without KetQuaKy rows still rates from ChamDiem or the vote (with a warning)."""
    b = Book(year=2026)
    b.person("A", vote=(10, 0, 10))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT" and pr.diem_ky == ()
    # the warning names the 2026 sheet (it named ChamDiem, the 2024 points table, which a clerk would then fill)
    (w,) = [w for w in pr.canh_bao if "tạm lấy theo biểu quyết" in w]
    assert "Chưa có kết quả theo dõi, đánh giá tháng, quý nào trong sổ (sheet KetQuaKy)" in w and "ChamDiem" not in w
    assert "Điều 21 Nghị định 335/2025/NĐ-CP" in w


# ---------------------------------------------------------------------------------------------
# KetQuaKy and SanPham read and checked like every sheet: each problem names its cell
# ---------------------------------------------------------------------------------------------
def _tables_2026():
    import workbook_factory as wf

    data = wf.tables()
    data["CoQuan"] = [(k, v.replace(year=2026) if isinstance(v, dt.date) else (2026 if k == "nam_danh_gia" else v))
                      for k, v in data["CoQuan"]]
    return data


def test_period_sheets_report_every_problem_with_its_cell(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest

    data = _tables_2026()
    ok = dict(diem_tieu_chi_chung=25, ty_le_so_luong=100, ty_le_chat_luong=90, ty_le_tien_do=80)
    data["KetQuaKy"] = [
        dict(ma_so="NS-03", ky="2026-01", **ok),  # row 2: fine
        dict(ma_so="NS-03", ky="02/2025", **ok),  # row 3: another year
        dict(ma_so="NS-03", ky="Tháng 1/2026", **ok),  # row 4: the same month again
        dict(ma_so="NS-03", ky="Quý 2/2026", **ok),  # row 5: a quarter among months
        dict(ok, ma_so="NS-03", ky="2026-03", diem_tieu_chi_chung=35),  # row 6: general above 30
        dict(ok, ma_so="NS-03", ky="2026-04", ty_le_so_luong=120),  # row 7: above 100 %
        dict(ma_so="NS-03", ky="2026-05", diem_tieu_chi_chung=25),  # row 8: no a, b, c and no product
        dict(ok, ma_so="NS-05", ky="2026-01", ty_le_ket_qua_don_vi=100),  # row 9: d for a non-leader
        dict(ok, ma_so="NS-02", ky="2026-01", ty_le_ket_qua_don_vi=100),  # row 10: a deputy without đ, e
        dict(ok, ma_so="XX-99", ky="2026-01"),  # row 11: unknown person
        dict(ok, ma_so="NS-05", ky="2026-02"),  # row 12: products too: the rates are not used
        dict(ok, ma_so="NS-05", ky="2026-13"),  # row 13: no such month
    ]
    data["SanPham"] = [
        dict(ma_so="NS-05", ky="2026-02", ten_san_pham="Báo cáo tháng", hoan_thanh="Có"),  # row 2: fine
        dict(ma_so="NS-05", ky="2026-02", ten_san_pham="Tờ trình", hoan_thanh="Có", he_so_quy_doi=0),  # row 3
        dict(ma_so="NS-05", ky="2026-06", ten_san_pham="Kế hoạch", hoan_thanh="Không"),  # row 4: no KetQuaKy row
        dict(ma_so="NS-05", ky="2026-02", ten_san_pham="Công văn", hoan_thanh="Có", so_lan_cham=-1),  # row 5
    ]
    problems = [p for p in ingest.check(wf.write(tmp_path / "so.xlsx", data)) if p.sheet in ("KetQuaKy", "SanPham")]
    ERR, WARN = "loi", "canh_bao"
    _assert_exactly(problems, [
        (ERR, "KetQuaKy", 3, "B", "không thuộc năm đánh giá 2026"),
        (ERR, "KetQuaKy", 4, "B", "Trùng kết quả cùng người, cùng kỳ (đã có ở dòng 2)"),
        (ERR, "KetQuaKy", 5, "B", "chỉ theo tháng hoặc chỉ theo quý"),
        (ERR, "KetQuaKy", 6, "C", "từ 0 đến 30"),
        (ERR, "KetQuaKy", 7, "D", "từ 0 đến 100"),
        (ERR, "KetQuaKy", 8, "D", "ô D8, E8, F8"),
        (ERR, "KetQuaKy", 9, "G", "không phải lãnh đạo"),
        (ERR, "KetQuaKy", 10, "H", "ô H10, I10"),
        (ERR, "KetQuaKy", 11, "A", "Mã số không có trong sheet NhanSu"),
        (WARN, "KetQuaKy", 12, "D", "tính lại từ các sản phẩm"),
        (ERR, "KetQuaKy", 13, "B", "2026-Q1"),
        (ERR, "SanPham", 3, "D", "lớn hơn 0"),
        (ERR, "SanPham", 4, "B", "chưa có dòng kết quả ở sheet «KetQuaKy»"),
        (ERR, "SanPham", 5, "G", "không được âm"),
    ])


def test_a_2026_workbook_rates_from_its_periods(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest
    from pipeline.rating import rate

    data = _tables_2026()
    del data["ChamDiem"], data["TieuChi"]
    data["DonVi"][1]["muc_xep_loai_don_vi"] = "HT"
    rows, products = [], []
    for m in range(1, 13):
        ky = f"2026-{m:02d}"
        for code in ("NS-01", "NS-02"):  # leaders: 20 + 70 × 600 / 600 = 90
            rows.append(dict(ma_so=code, ky=ky, diem_tieu_chi_chung=20, ty_le_so_luong=100, ty_le_chat_luong=100,
                             ty_le_tien_do=100, ty_le_ket_qua_don_vi=100, ty_le_to_chuc_thuc_hien=100, ty_le_doan_ket=100))
        rows.append(dict(ma_so="NS-05", ky=ky, diem_tieu_chi_chung=26))
        products.append(dict(ma_so="NS-05", ky=ky, ten_san_pham="Hồ sơ", hoan_thanh="Có", so_lan_khong_dat=1))
    for q in range(1, 5):  # the head of SN (viên chức): 30 + 70 = 100, but SN is rated HT
        rows.append(dict(ma_so="NS-04", ky=f"Q{q}/2026", diem_tieu_chi_chung=30, ty_le_so_luong=100, ty_le_chat_luong=100,
                         ty_le_tien_do=100, ty_le_ket_qua_don_vi=100, ty_le_to_chuc_thuc_hien=100, ty_le_doan_ket=100))
    data["KetQuaKy"], data["SanPham"] = rows, products
    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", data))
    assert len(campaign.periods) == 40 and len(campaign.products) == 12
    r = rate(campaign)
    # NS-05: a = 100, b = 75, c = 100: 26 + 70 × 275 / 300 = 26 + 64.166… = 90.166…
    assert r.of("NS-05").diem == pytest.approx(26 + 70 * 275 / 300)
    assert r.of("NS-04").diem == pytest.approx(100) and r.of("NS-04").muc_de_xuat == "HT"
    assert [k.ky for k in r.of("NS-04").diem_ky] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert r.of("NS-01").diem == pytest.approx(90)
    # NS-03: no period at all: no level; NS-06: 4 months, not rated
    assert r.of("NS-03").muc_de_xuat is None
    assert r.of("NS-06").trang_thai == "khong_xep_loai"


def _assert_exactly(problems, expected) -> None:
    for severity in ("loi", "canh_bao"):
        want = sorted((s, sh, r or 0, c or "") for s, sh, r, c, _ in expected if s == severity)
        got = sorted((p.severity, p.sheet, p.row or 0, p.column or "") for p in problems if p.severity == severity)
        assert got == want, "\n".join(p.text() for p in problems)
    for severity, sheet, row, col, fragment in expected:
        (p,) = [p for p in problems if (p.severity, p.sheet, p.row, p.column) == (severity, sheet, row, col)]
        text = p.text()
        assert fragment in text and f"(ô {col}{row})" in text, text


def test_periods_win_over_chamdiem_and_chamdiem_serves_a_person_without_periods():
    b = Book(year=2026)
    b.person("A")
    b.months("A", 24, 80, 80, 80)  # 80 from the periods
    b.score("A", "CHUNG", 30)
    b.score("A", "KET_QUA", 70)  # 100 from ChamDiem: not used
    b.person("B")
    b.score("B", "CHUNG", 25)
    b.score("B", "KET_QUA", 50)  # 75 from ChamDiem, no period: used
    peers(b, "G")
    r = b.rate()
    assert r.of("A").diem == pytest.approx(80) and any("không dùng sheet ChamDiem" in w for w in r.of("A").canh_bao)
    assert r.of("B").diem == pytest.approx(75) and r.of("B").muc_de_xuat == "HTT" and r.of("B").diem_ky == ()


def test_the_results_spreadsheet_lists_every_period():
    from pipeline.submission import ratings_xlsx

    b = Book(year=2026)
    b.person("A")
    b.months("A", 19.996, 100, 100, 100, months=range(1, 4))
    b.months("A", 20, 100, 100, 100, months=range(4, 13))
    wb = ratings_xlsx.workbook(b.rate())
    assert "DiemKy" in wb.sheetnames
    # year: (3 × 89.996 + 9 × 90) / 12 = 89.999 -> printed 89.99, never 90
    assert ratings_xlsx.cut(b.rate().of("A").diem) == 89.99


def test_a_leader_with_d_100_over_a_kht_subordinate_is_warned():
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", 10, 40, 40, 40)  # 10 + 70 × 120 / 300 = 38: KHT
    r = b.rate()
    assert r.of("S").muc_de_xuat == "KHT"
    assert any("d) là 50%" in w and "Người S (S)" in w for w in r.of("L").canh_bao)


def test_the_agency_head_with_d_100_over_a_kht_anywhere_in_the_agency_is_warned():
    """The agency head leads the whole agency (ND 335 Art. 15 d: 50 % when a công chức under his
    direction does not complete the tasks): a KHT in any unit is his; another unit's head is not
    warned for it."""
    b = Book(year=2026)
    b.person("H", name="Nguyễn Văn Thủ Trưởng", leader=True, role="truong", unit="LD", group="LD")
    b.months("H", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("T", leader=True, role="truong", unit="P2", group="LD")
    b.months("T", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", 10, 40, 40, 40)  # 10 + 70 × 120 / 300 = 38: KHT
    r = b.rate()
    assert r.of("S").muc_de_xuat == "KHT"
    # S is under 50 in every month (per period, rate7): every month of H's d) at 100 % is named, as one range
    assert any(w.startswith("Cơ quan có người thuộc quyền có điểm kỳ dưới 50") and "Người S (S), ở các kỳ 2026-01 đến "
               "2026-12 (12 tháng), nhưng" in w and "d) là 50%" in w for w in r.of("H").canh_bao), r.of("H").canh_bao
    assert not any("d) là 50%" in w for w in r.of("T").canh_bao)


def test_the_choice_for_other_staff_is_checked(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest

    data = wf.tables()  # 2024
    data["CoQuan"].append(("bo_quy_tac_khac", "nd233-2026"))
    (p,) = [p for p in ingest.check(wf.write(tmp_path / "a.xlsx", data)) if p.sheet == "CoQuan"]
    assert p.severity == "canh_bao" and "chỉ áp dụng từ năm 2026" in p.text()
    data = _tables_2026()
    data["CoQuan"].append(("bo_quy_tac_khac", "nd-khong-co"))
    (p,) = [p for p in ingest.check(wf.write(tmp_path / "b.xlsx", data)) if p.sheet == "CoQuan"]
    assert p.is_error and "Không có bộ quy tắc «nd-khong-co»" in p.text()
