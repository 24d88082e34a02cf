"""The rate7 audit: rules worked by hand from the texts' words (shared/domain/rules.md, regime-2026.md),
both regimes, on the edges. Each expected outcome is stated from the rule, never from the engine's
formula; the comment above each case quotes the words it comes from."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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
    assert "ở các kỳ 2026-04 đến 2026-06 (3 tháng)," in w and "2026-03" not in w


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
    # the data's own anchor for the period (the khiển trách in force 1 June 2026: June), said, not imposed
    assert "(kỷ luật có hiệu lực ngày 01/06/2026, thuộc kỳ 2026-06)." in w


def test_a_quarterly_leader_is_told_the_quarter_of_a_subordinate_s_discipline():
    # the same rule for a leader scored by quarter: a khiển trách in force 20 August 2026 falls in quarter III
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD", kind="vien_chuc")
    for q in range(1, 5):
        b.period("L", f"Q{q}", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1", kind="vien_chuc")
    for q in range(1, 5):
        b.period("S", f"Q{q}", *_general(80))
    b.discipline("S", "hanh_chinh", D(2026, 8, 20))
    r = b.rate()
    assert r.of("S").muc_de_xuat == "KHT"
    (w,) = [w for w in r.of("L").canh_bao if "d)" in w]
    assert "(kỷ luật có hiệu lực ngày 20/08/2026, thuộc kỳ 2026-Q3)." in w


def test_d_at_50_in_the_month_of_a_subordinate_s_discipline_is_not_met_with_the_other_months():
    # audit rev: the leader put the subordinate's year KHT (a khiển trách in force 1 June) in June, d) 50 %;
    # nobody under him was under 50 in any month. Asking him to lower d) in the 11 other months too would cut
    # his own points for a violation the data places in June: no d) warning. With d) 100 % in every month the
    # warning stays (the test above).
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, months=[m for m in range(1, 13) if m != 6], d=100, dd=90, e=90)
    b.months("L", 25, 90, 90, 90, months=[6], d=50, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", *_general(80))
    b.discipline("S", "hanh_chinh", D(2026, 6, 1))
    r = b.rate()
    assert r.of("S").muc_de_xuat == "KHT"
    assert not [w for w in r.of("L").canh_bao if "d)" in w]


def test_d_lowered_only_for_a_month_under_50_does_not_place_another_s_year_kht():
    # d) 50 % in March is explained by T's 40 points that month; S's khiển trách is placed in no month: the
    # months with d) 100 % are still pointed out for S
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, months=[m for m in range(1, 13) if m != 3], d=100, dd=90, e=90)
    b.months("L", 25, 90, 90, 90, months=[3], d=50, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", *_general(80))
    b.discipline("S", "hanh_chinh", D(2026, 6, 1))
    b.person("T", unit="P1")
    for m in range(1, 13):
        b.period("T", f"{m:02d}", *_general(40 if m == 3 else 80))
    (w,) = [w for w in b.rate().of("L").canh_bao if "d)" in w]
    assert "Đơn vị có người xếp loại Không hoàn thành nhiệm vụ (Người S (S))" in w and "2026-03" not in w


def test_a_deputy_does_not_answer_for_his_units_head():
    b = Book(year=2026)
    b.person("T", leader=True, role="truong", unit="P1", group="LD")
    b.months("T", *_general(30), d=100, dd=30, e=30)
    b.person("P", leader=True, role="pho", unit="P1", group="LD")
    b.months("P", 25, 90, 90, 90, d=100, dd=90, e=90)
    r = b.rate()
    assert r.of("T").muc_de_xuat == "KHT"
    assert not [w for w in r.of("P").canh_bao if "d)" in w]


# A Phó Chi cục trưởng kiêm Trưởng phòng (NhanSu `don_vi_kiem_nhiem`) leads the phòng's công chức: d) "results
# of the unit or field led" counts them (helper sig). His own unit (the Lãnh đạo) is another.
def test_a_leader_heading_a_phong_concurrently_answers_for_its_people():
    b = Book(year=2026)
    b.person("K", leader=True, role="pho", unit="LD", group="LD", heads="P1")
    b.months("K", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    for m in range(1, 13):
        b.period("S", f"{m:02d}", *_general(38 if m == 3 else 80))
    (w,) = [w for w in b.rate().of("K").canh_bao if "d)" in w]
    # S under 50 in March ⇒ the phòng's head's March d) is 50 %
    assert "Người S (S), ở các kỳ 2026-03," in w and "2026-04" not in w
    b.people[0] = replace(b.people[0], don_vi_kiem_nhiem="")
    assert not [w for w in b.rate().of("K").canh_bao if "d)" in w]  # without the column: not his unit


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
    from pipeline.rating.summary import cap_line

    assert cap_line(head_group) == ("«Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)»: giữ mức đề xuất Hoàn thành xuất "
                                    "sắc nhiệm vụ của Nguyễn Văn Thủ Trưởng (H); không tính trong tỷ lệ của cơ quan, tỷ "
                                    "lệ của người đứng đầu do cấp trên xét (lựa chọn của cơ quan).")


def test_the_heads_setting_is_read_from_the_workbook(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest

    for cell, read in (("Có", True), ("Không", False)):
        data = wf.tables()
        data["CoQuan"].append(("nguoi_dung_dau_ngoai_ty_le", cell))
        assert ingest.load(wf.write(tmp_path / f"{cell}.xlsx", data)).agency.nguoi_dung_dau_ngoai_ty_le is read
    # an empty cell: the rulebook's default (ND 90: in the agency's group; ND 335 / ND 233: outside)
    assert ingest.load(wf.write(tmp_path / "b.xlsx", wf.tables())).agency.nguoi_dung_dau_ngoai_ty_le is None


# From 2026 (ND 335 Art. 10 cl. 2, regime-2026.md §1.5): «Người đứng đầu cơ quan quản lý xếp loại người đứng
# đầu cơ quan, người đứng đầu cơ quan xếp loại những người còn lại». The agency's cap (Art. 20 cl. 5 a: «không
# vượt quá 20% … trong phạm vi cùng một cơ quan … và trong từng nhóm … tương đồng») is applied by the agency
# head when he decides on the others; he cannot apply it to himself, whom the managing agency rates. So with
# the cell empty the 2026 rules leave him out of his agency's groups; «Không» keeps him in.
def _head_book_2026() -> Book:
    b = Book(year=2026)
    b.person("H", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, group="")
    b.months("H", 29, 100, 100, 100, d=100, dd=100, e=100)  # 29 + 70 = 99 points: HTXS
    b.person("D1", leader=True, group="")
    b.months("D1", 28, 100, 100, 100, d=100, dd=100, e=100)  # 98: HTXS
    for i in range(2, 7):
        b.person(f"D{i}", leader=True, group="")
        b.months(f"D{i}", 25, 80, 80, 80, d=80, dd=80, e=80)  # 25 + 56 = 81: HTT
    return b


def test_from_2026_the_agency_head_is_outside_his_agencys_cap_unless_the_agency_counts_him():
    from dataclasses import replace

    from pipeline.rating import rate

    c = _head_book_2026().campaign()
    r = rate(c)
    # by hand: H outside; the leader group is D1 (HTXS, 98) and D2–D6 (HTT, 81): keeping D1, 1 ≤ 20 % × 5 = 1
    # ⇒ D1 stays HTXS; H's 99 points give HTXS, not capped by the agency (the managing agency rates him)
    assert r.of("H").muc_de_xuat == "HTXS" and r.of("D1").muc_de_xuat == "HTXS"
    assert [p.ma_so for p in r.people if p.muc_de_xuat == "HTT"] == [f"D{i}" for i in range(2, 7)]
    why = " ".join(r.of("H").ly_do)
    assert "người đứng đầu cơ quan quản lý" in why and "khoản 2 Điều 10 Nghị định 335/2025/NĐ-CP" in why
    assert "sheet" not in why  # printed on his phiếu: no workbook words
    said = [w for w in r.canh_bao if "Nguyễn Văn Thủ Trưởng (H)" in w]
    assert len(said) == 1 and "Văn bản chưa quy định rõ" in said[0] and "ghi «Không»" in said[0]
    # «Không»: he counts. 2 HTXS (H 99, D1 98) + 5 HTT: keeping both, 2 > 20 % × 5 = 1; keeping one,
    # 1 ≤ 20 % × 6 = 1,2 ⇒ one stays: H (more points), D1 moved to HTT; the agency answered: no warning
    r = rate(replace(c, agency=replace(c.agency, nguoi_dung_dau_ngoai_ty_le=False)))
    assert r.of("H").muc_de_xuat == "HTXS" and r.of("D1").muc_de_xuat == "HTT"
    assert not [w for w in r.canh_bao if "(H)" in w]
    # «Có» said in so many words: outside, the reason names the agency's choice, no warning either
    r = rate(replace(c, agency=replace(c.agency, nguoi_dung_dau_ngoai_ty_le=True)))
    assert r.of("D1").muc_de_xuat == "HTXS" and "lựa chọn của cơ quan" in " ".join(r.of("H").ly_do)
    assert not [w for w in r.canh_bao if "(H)" in w]


def test_the_ratings_file_gives_the_heads_group_no_ratio_of_the_agencys(tmp_path):
    """The package's biểu and report say the head's group is «không tính trong tỷ lệ của cơ quan»; the ratings
    file the agency keeps said «trong tỷ lệ (1 người …, tối đa 1)» for it (sheet TongHopDonVi) and «1 / 0 / 1»
    on its group sheet: a maximum of the agency's that no rule gives (20 % of 0 HTT is 0). By hand: U1 holds H
    (99 points, HTXS, outside), D1 (98, HTXS) and D2–D6 (81, HTT); the leader group keeps D1 (1 ≤ 20 % × 5)."""
    import openpyxl

    from pipeline.submission import ratings_xlsx

    r = _head_book_2026().rate()
    path = tmp_path / "ket_qua_xep_loai.xlsx"
    ratings_xlsx.write(path, r)
    wb = openpyxl.load_workbook(path)
    status = {row[0]: row[10] for row in wb["TongHopDonVi"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert status["U1"].split("; ") == [
        "nhóm «Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)»: 1 người Hoàn thành xuất sắc nhiệm vụ, không tính "
        "trong tỷ lệ của cơ quan (do cấp có thẩm quyền xét)",
        "nhóm «Công chức giữ chức vụ lãnh đạo, quản lý»: trong tỷ lệ (1 người Hoàn thành xuất sắc nhiệm vụ, tối đa 1)"]
    sheet = next(ws for ws in wb if ws.title.startswith("Nhom Người đứng đầu"))
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert facts["Theo mức cuối cùng: HTXS / HTT / tối đa"] == (
        "1 / 0 / không tính trong tỷ lệ của cơ quan (do cấp có thẩm quyền xét)")


def test_up_to_2025_an_empty_cell_keeps_the_agency_head_in_his_agencys_group():
    # ND 90 campaigns already printed and signed are not silently changed: the 2024 default stays
    r = _head_book().rate()
    assert r.of("H").nhom_tuong_dong != "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)"


# ------------------------------------------------------------------ discipline: which year counts
# ND 48 cl. 5a: "bị xử lý kỷ luật … trong năm đánh giá thì xếp loại … không hoàn thành nhiệm vụ";
# 5b: a violation already used as the basis of a KHT in the evaluation year before any decision ⇒ the
# decision issued after that year "không được tính để đánh giá, xếp loại chất lượng ở năm có quyết định".
@pytest.mark.parametrize("year, effective, counted_year, expected", [
    (2024, D(2024, 12, 31), None, "KHT"),  # in force on the last day of the year
    (2024, D(2025, 1, 2), None, "HTT"),  # act of 2024, decision of 2 Jan 2025: not a 2024 discipline
    (2025, D(2025, 1, 2), None, "KHT"),  # … it is 2025's, unless 2024 used the act (5b)
    (2025, D(2025, 1, 2), 2024, "HTT"),  # 5b: 2024 rated KHT on the act ⇒ not counted again in 2025
    (2026, D(2027, 1, 2), None, "HTT"),  # ND 335 Art. 20 cl. 4 c): "trong năm đánh giá" too
])
def test_the_decision_counts_in_the_year_it_takes_effect(year, effective, counted_year, expected):
    b = Book(year=year)
    b.person("A", vote=HTT, self_level="HTT")
    b.discipline("A", "hanh_chinh", effective, counted_year=counted_year)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == expected
    if counted_year:
        assert any("điểm b khoản 5 Điều 2" in x for x in pr.ly_do)
    if effective.year > year:  # the clerk is told how to record a KHT given on the act itself
        assert any(f"ghi {year} vào cột «Đã tính năm»" in w for w in pr.canh_bao)


# ------------------------------------------------------------------ time worked, both regimes
# ND 90 Art. 2 cl. 3: under 6 months worked (not maternity) ⇒ not rated; 3 to < 6 months of lawful
# absence ⇒ not above HT. ND 335 Art. 21 (regime-2026.md §1.4): leave ⇒ rated on the actual period, no
# ceiling; the 6-month minimum kept as the agency's rule.
@pytest.mark.parametrize("year, months, absent, ceiling", [
    (2024, 5.9, 0, None),  # "chưa đủ 06 tháng"
    (2024, 6, 0, "HTXS"),
    (2024, 12, 2.9, "HTXS"),  # under 3 months of absence: no ceiling
    (2024, 12, 3, "HT"),  # "từ 03 tháng"
    (2024, 12, 5.9, "HT"),  # "đến dưới 06 tháng"
    (2024, 12, 6, "HTXS"),  # 6 worked, 6 absent: outside the ceiling's words (warning)
    (2025, 12, 4, "HT"),  # ND 90 + ND 48 still in 2025
    (2026, 12, 4, "HTXS"),  # ND 335: no leave ceiling
    (2026, 12, 6, "HTXS"),
    (2026, 12, 6.5, None),  # 5.5 months actually worked
])
def test_time_worked_and_leave(year, months, absent, ceiling):
    """`ceiling`: the most the rules allow (None: not rated)."""
    b = Book(year=year)
    b.person("A", months=months, absent=absent, vote=HTXS, group="A")
    if year >= 2026:
        b.criterion("CHUNG", 30, "chung")
        b.criterion("KET_QUA", 70, "nhiem_vu")
        b.score("A", "CHUNG", 30)
        b.score("A", "KET_QUA", 65)
    pr = b.rate().of("A")
    assert pr.rated is (ceiling is not None) and pr.muc_toi_da == ceiling
    if ceiling == "HT":
        assert pr.muc_de_xuat == "HT"


def test_a_2026_recruit_s_reason_names_the_rule_of_six_months_not_the_article_on_leave():
    """A công chức in post 4 months of 2026, no leave: not rated, only reviewed. ND 335 Art. 21 (regime-2026.md
    §1.4) is about leave and sick or maternity leave — no basis for a recruit of September; the 06-month minimum
    is the agency's rule (no article of ND 335 seen). Someone with 7 months of leave in 12 (5 worked) is not rated
    either, and his reason does cite Art. 21 on leave."""
    b = Book(year=2026)
    b.person("A", months=4, vote=HTT, group="A")
    b.person("B", months=12, absent=7, vote=HTT, group="A")
    r = b.rate()
    recruit, away = r.of("A"), r.of("B")
    assert not recruit.rated and not away.rated
    (why,) = [x for x in recruit.ly_do if x.startswith("Công tác 4 tháng trong năm, chưa đủ 6 tháng")]
    assert why.endswith("trong năm — căn cứ: quy chế đánh giá của cơ quan thực hiện Nghị định 335/2025/NĐ-CP (ngưỡng 06 "
                        "tháng công tác thực tế trong năm)."), why
    assert "Điều 21" not in why
    (why,) = [x for x in away.ly_do if "nghỉ không tham gia công tác 7 tháng" in x]
    assert "căn cứ: Điều 21 Nghị định 335/2025/NĐ-CP (nghỉ theo quy định" in why, why


# ------------------------------------------------------------------ contract staff and NLĐ from 2026
# regime-2026.md §0: NLĐ are rated under the unit's choice (ND 335 covers công chức, ND 233 viên chức;
# no 2026 text names NLĐ); rules.md R2.5: "the program must let each unit configure the form and level
# set for NLĐ". An agency with phòng and đơn vị sự nghiệp can choose per unit (DonVi.bo_quy_tac_khac).
def test_the_rulebook_of_contract_staff_and_nld_can_be_chosen_per_unit():
    from dataclasses import replace

    from pipeline.rating import rate

    b = Book(year=2026)
    b.person("CC", unit="P1", vote=HTT)
    b.person("LD1", unit="P1", kind="nguoi_lao_dong", vote=HTT)
    b.person("VC", unit="NK", kind="vien_chuc", vote=HTT)
    b.person("LD2", unit="NK", kind="nguoi_lao_dong", vote=HTT)
    c = b.campaign()
    units = tuple(replace(u, loai_don_vi="su_nghiep", bo_quy_tac_khac="nd233-2026") if u.ma_don_vi == "NK" else u
                  for u in c.units)
    r = rate(replace(c, units=units))
    rulebook = {p.ma_so: p.bo_quy_tac for p in r.people}
    assert rulebook == {"CC": "nd335-2025", "LD1": "nd335-2025", "VC": "nd233-2026", "LD2": "nd233-2026"}
    (w,) = [w for w in r.canh_bao if w.startswith("Năm 2026:")]
    assert "1 người lao động được xếp loại theo bộ quy tắc nd335-2025 theo mặc định" in w
    assert "1 người lao động được xếp loại theo bộ quy tắc nd233-2026 theo lựa chọn của đơn vị «Đơn vị NK»" in w


def test_contract_staff_are_named_with_their_abbreviation_kept_in_a_sentence():
    """«HĐ 68/111» (hợp đồng under Nghị định 68/2000 and 111/2022) is an abbreviation: inside a sentence only the
    first letter of «Hợp đồng (HĐ 68/111)» is lowered, never «hđ 68/111»."""
    from pipeline.rating import rate

    b = Book(year=2026)
    b.person("CC", unit="P1", vote=HTT)
    b.person("HD", unit="P1", kind="hop_dong", vote=HTT)
    r = rate(b.campaign())
    (w,) = [w for w in r.canh_bao if w.startswith("Năm 2026:")]
    assert "1 hợp đồng (HĐ 68/111) được xếp loại theo bộ quy tắc nd335-2025" in w and "hđ" not in w


def test_the_units_rulebook_is_read_and_checked(tmp_path):
    import workbook_factory as wf

    from pipeline import ingest

    data = wf.tables()
    data["CoQuan"] = [(k, v.replace(year=2026) if isinstance(v, dt.date) else (2026 if k == "nam_danh_gia" else v))
                      for k, v in data["CoQuan"]]
    data["DonVi"][1]["bo_quy_tac_khac"] = "nd233-2026"
    c = ingest.load(wf.write(tmp_path / "a.xlsx", data))
    assert c.unit("SN").bo_quy_tac_khac == "nd233-2026" and c.unit("HC").bo_quy_tac_khac == ""
    data["DonVi"][1]["bo_quy_tac_khac"] = "nd-khong-co"
    (p,) = [p for p in ingest.check(wf.write(tmp_path / "b.xlsx", data)) if p.sheet == "DonVi"]
    assert p.is_error and "Không có bộ quy tắc «nd-khong-co»" in p.text()


@pytest.mark.parametrize("choice, cites", [
    ("nd233-2026", "quy chế đánh giá của đơn vị, vận dụng Điều 26 Luật Viên chức 2025"),
    ("nd335-2025", "quy chế đánh giá của cơ quan, vận dụng Điều 10, Điều 21 Nghị định 335/2025/NĐ-CP"),
])
def test_nld_rated_from_the_vote_cite_the_agencys_rules_applying_the_chosen_rulebook(choice, cites):
    # before rate7: nd233-2026 chosen for NLĐ crashed (KeyError) on a proposal from the meeting vote, and
    # nd335-2025 cited the công chức article ("chấm điểm công chức") for a người lao động
    b = Book(year=2026, bo_quy_tac_khac=choice)
    b.person("LD", kind="nguoi_lao_dong", vote=HTT)
    pr = b.rate().of("LD")
    assert pr.muc_de_xuat == "HTT"
    assert any(cites in x for x in pr.ly_do) and not any("chấm điểm công chức" in x for x in pr.ly_do)


def test_check_asks_periods_for_the_months_actually_worked(tmp_path):
    # ND 335 Art. 21: rated on "the actual period of civil servant work": 12 months in post, 4 of lawful
    # leave ⇒ 8 monthly results are enough; 7 are not
    import workbook_factory as wf

    from pipeline import ingest

    def coverage(n_months: int) -> list[str]:
        data = wf.tables()
        data["CoQuan"] = [(k, v.replace(year=2026) if isinstance(v, dt.date) else (2026 if k == "nam_danh_gia" else v))
                          for k, v in data["CoQuan"]]
        data["NhanSu"][2]["so_thang_nghi"] = 4
        data["KetQuaKy"] = [dict(ma_so="NS-03", ky=f"2026-{m:02d}", diem_tieu_chi_chung=25, ty_le_so_luong=100,
                                 ty_le_chat_luong=90, ty_le_tien_do=80) for m in range(1, n_months + 1)]
        return [p.text() for p in ingest.check(wf.write(tmp_path / f"k{n_months}.xlsx", data))
                if p.sheet == "NhanSu" and p.value == "NS-03" and "KetQuaKy" in p.text()]

    assert coverage(8) == []
    (text,) = coverage(7)
    assert "thiếu kết quả kỳ của 1 tháng công tác (trong các kỳ chưa có kết quả: 2026-08 đến 2026-12)" in text
    assert "thời gian công tác thực tế 8 tháng" in text


def test_next_years_workbook_does_not_carry_this_years_kht_conclusions(tmp_path):
    # ND 335 Art. 20 cl. 4 b, d: the degradation conclusion and the corruption case are facts of the
    # evaluation year; carried into next year's workbook (hoso init --tu) they would rate 2027 KHT
    import workbook_factory as wf

    from pipeline import ingest
    from pipeline.ingest.rollover import roll

    data = wf.tables()
    data["CoQuan"] = [(k, v.replace(year=2026) if isinstance(v, dt.date) else (2026 if k == "nam_danh_gia" else v))
                      for k, v in data["CoQuan"]]
    data["NhanSu"][2].update(ket_luan_suy_thoai="Có", van_ban_ket_luan="KL 5/KL-UBKT")
    data["NhanSu"][0].update(don_vi_tham_nhung="Có")
    data["DonVi"][1]["muc_xep_loai_don_vi"] = "HT"
    src = wf.write(tmp_path / "2026.xlsx", data)
    last = ingest.load(src)
    assert last.person("NS-03").ket_luan_suy_thoai and last.unit("SN").muc_xep_loai_don_vi == "HT"
    new = ingest.load(roll(src, tmp_path / "moi").dest)
    assert new.year == 2027
    assert not any(p.ket_luan_suy_thoai or p.don_vi_tham_nhung or p.van_ban_ket_luan for p in new.people)
    assert all(u.muc_xep_loai_don_vi is None for u in new.units)


# ------------------------------------------------------------------ ND 335 Art. 20 cl. 4 b), whole
# regime-2026.md §1.3 [verbatim, S1]: KHT when "b) a competent authority concludes there are signs of
# degradation …; violation of what party members must not do; violation of the duty to set an example"
@pytest.mark.parametrize("year, expected", [(2026, "KHT"), (2024, "HTT")])
def test_a_concluded_violation_of_party_members_duties_is_kht_from_2026(year, expected):
    b = Book(year=year)
    b.person("A", party=True, party_duties=True, conclusion="KL số 12-KL/UBKTĐU ngày 02/10/2026", vote=HTT)
    if year >= 2026:
        b.months("A", *_general(85))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == expected
    if expected == "KHT":
        assert any("trách nhiệm nêu gương (KL số 12-KL/UBKTĐU ngày 02/10/2026)" in x
                   and "điểm b khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP" in x for x in pr.ly_do)
    else:  # ND 90 has no such case: the competent level decides, with a warning
        assert any("không có trường hợp này" in w for w in pr.canh_bao)


def test_a_decided_htxs_of_the_head_holding_the_agencys_place_names_the_question_too():
    # the superior decided H HTXS; in the agency's group it holds the one place of 20 % × 6 (D1 moved)
    b = _head_book()
    b.people[0] = __import__("dataclasses").replace(b.people[0], muc_quyet_dinh="HTXS")
    r = b.rate()
    assert r.of("D1").muc_de_xuat == "HTT" and r.of("H").muc_cuoi == "HTXS"
    assert any("người đứng đầu cơ quan Nguyễn Văn Thủ Trưởng (H)" in w for w in r.canh_bao)


# ND 90 Art. 11 cl. 1 (rules.md R2.2, verbatim): "có một trong các tiêu chí sau đây thì xếp loại … ở mức
# không hoàn thành nhiệm vụ: a) Có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, tự diễn
# biến, tự chuyển hóa theo đánh giá của cấp có thẩm quyền" — before 2026 too, whatever the meeting voted
@pytest.mark.parametrize("year", [2022, 2024, 2025])
def test_degradation_concluded_by_the_competent_level_is_kht_under_nd90(year):
    b = Book(year=year)
    b.person("A", degraded=True, conclusion="KL số 3-KL/ĐU", vote=HTXS)
    b.peers(10)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT" and pr.muc_toi_da == "KHT"
    assert any("điểm a khoản 1, khoản 2 Điều 11 Nghị định 90/2020/NĐ-CP" in x and "(KL số 3-KL/ĐU)" in x
               for x in pr.ly_do)
    assert not any("không có trường hợp này" in w for w in pr.canh_bao)


# ------------------------------------------------------------------ the right text for the staff kind
# ND 90 Art. 1 covers cán bộ, công chức, viên chức only; contract staff and NLĐ are rated under the
# agency's own regulation (rules.md R2.5), which applies ND 90's rules: their reasons say so. ND 335
# covers công chức: a cán bộ rated under it (the agency's choice) gets the same wording.
@pytest.mark.parametrize("year, kind, applied", [
    (2024, "cong_chuc", False), (2024, "vien_chuc", False), (2024, "can_bo", False),
    (2024, "hop_dong", True), (2024, "nguoi_lao_dong", True),
    (2026, "cong_chuc", False), (2026, "can_bo", True), (2026, "nguoi_lao_dong", True),
])
def test_rules_outside_the_texts_scope_are_cited_as_the_agencys_rules_applying_them(year, kind, applied):
    b = Book(year=year)
    b.person("A", kind=kind, vote=HTT, group="A")
    b.person("B", kind=kind, vote=HTXS, group="A")  # alone with one HTT: moved down by the cap
    b.discipline("A", "hanh_chinh", D(year, 5, 5))
    r = b.rate()
    kht = next(x for x in r.of("A").ly_do if "Không hoàn thành nhiệm vụ" in x and "căn cứ:" in x)
    cap = next(x for x in r.of("B").ly_do if "vượt tỷ lệ" in x)
    assert r.of("A").muc_de_xuat == "KHT" and r.of("B").muc_de_xuat == "HTT"
    for reason in (kht, cap):
        assert ("căn cứ: quy chế đánh giá của cơ quan, vận dụng " in reason) is applied, reason


@pytest.mark.parametrize("form", ["Kéo dài thời hạn nâng lương không quá 06 tháng", "Sa thải"])
def test_labour_law_forms_are_discipline_for_nld(form):
    b = Book()
    b.person("A", kind="nguoi_lao_dong", vote=HTT)
    b.discipline("A", "hanh_chinh", D(2024, 5, 5), form=form)
    assert b.rate().of("A").muc_de_xuat == "KHT"


@pytest.mark.parametrize("months, first, rated", [(6, 7, True), (5, 8, False)])
def test_joining_in_the_year_with_monthly_results(months, first, rated):
    # joined on 1 July: 6 months in post, July–December results ⇒ rated on them (ND 335 Art. 21, the
    # 06-month minimum kept); joined on 1 August: 5 months ⇒ not rated, the self-review still due
    b = Book(year=2026)
    b.person("A", months=months)
    b.months("A", *_general(80), months=range(first, 13))
    pr = b.rate().of("A")
    assert pr.rated is rated
    assert pr.muc_de_xuat == ("HTT" if rated else None)
    if not rated:
        assert any("vẫn phải kiểm điểm" in x for x in pr.ly_do)


# ------------------------------------------------------------------ ND 90 leaders and the units under them
# ND 90 Art. 13 d) (rules.md R2.1, verbatim): HTT for a leader needs "100% đơn vị thuộc thẩm quyền … hoàn
# thành nhiệm vụ trở lên, trong đó ít nhất 70% hoàn thành tốt hoặc hoàn thành xuất sắc nhiệm vụ"; Art. 14
# d): HT needs "ít nhất 70% đơn vị thuộc thẩm quyền … hoàn thành nhiệm vụ trở lên". The program warns (R2.4).
@pytest.mark.parametrize("year, head_level, unit_levels, warned", [
    (2024, "HTT", ["HTT"] * 7 + ["HT"] * 3, False),  # 100 % HT+, exactly 70 % HTT+
    (2024, "HTT", ["HTT"] * 6 + ["HT"] * 4, True),  # 60 % HTT+
    (2024, "HTT", ["HTT"] * 9 + ["KHT"], True),  # not 100 % HT+
    (2024, "HT", ["HTT"] * 6 + ["HT"] * 4, False),
    (2024, "HT", ["HT"] * 6 + ["KHT"] * 4, True),  # 60 % HT+
    (2024, "HT", ["HT"] * 7 + ["KHT"] * 3, False),  # exactly 70 % HT+
    (2024, "HTT", [], False),  # no unit level known
    (2026, "HTT", ["HTT"] * 6 + ["HT"] * 4, False),  # ND 335: not in the 2026 texts read
])
def test_the_agency_heads_level_against_the_units_under_him(year, head_level, unit_levels, warned):
    b = Book(year=year)
    b.person("H", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, unit="LD", group="LD", decided=head_level,
             vote=HTT)
    for i, level in enumerate(unit_levels):
        b.person(f"S{i}", unit=f"P{i}", vote=HTT)
        b.unit_levels[f"P{i}"] = level
    b.unit_levels["LD"] = "KHT"  # his own unit is not under his authority
    if year >= 2026:
        for p in b.people:
            b.months(p.ma_so, *_general(80), **({"d": 100, "dd": 80, "e": 80} if p.lanh_dao_quan_ly else {}))
    w = [w for w in b.rate().of("H").canh_bao if "đơn vị thuộc thẩm quyền" in w]
    assert bool(w) is warned, w
    if warned:
        assert "Điều 8, Điều 9, Điều 10 Nghị định 90/2020/NĐ-CP" in w[0]


def test_two_subordinates_disciplined_are_each_told_with_the_month_of_their_discipline():
    # two khiển trách in force on 10 February and 3 November 2026: each one's month, each named
    b = Book(year=2026)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    for code, day in (("S", D(2026, 2, 10)), ("T", D(2026, 11, 3))):
        b.person(code, unit="P1")
        b.months(code, *_general(80))
        b.discipline(code, "hanh_chinh", day)
    (w,) = [w for w in b.rate().of("L").canh_bao if "d)" in w]
    assert ("(Người S (S): kỷ luật có hiệu lực ngày 10/02/2026, thuộc kỳ 2026-02; Người T (T): kỷ luật có hiệu lực "
            "ngày 03/11/2026, thuộc kỳ 2026-11)." in w)
