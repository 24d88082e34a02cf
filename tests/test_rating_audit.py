"""Issue 16: the legal audit's findings. Each expected level is worked out by hand from the rule's
words (quoted in the comments), never from the engine's formula; then the mutation check: the
legal-outcome cases must catch a rule 5c that links only party (or only state) decisions, and a
removed "actual work under 6 months ⇒ not rated"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest
from rating_builder import Book

from pipeline.rating import rules
from pipeline.rating.groups import group_label

D = dt.date
HTT, HTXS = (10, 0, 10), (10, 10)
CODE = re.compile(r"\b(HTXS|HTT|HT|KHT|HTXSNV|HTTNV|HTNV|KHTNV)\b")
GROUP_CODE = re.compile(r"(co_quan|cong_chuc|vien_chuc|can_bo|hop_dong|nguoi_lao_dong)/(lanh_dao_quan_ly|khong_giu_chuc_vu)")


# ------------------------------------------------------------------ 1. lawful absence, actual work
@pytest.mark.parametrize("absent", [7, 8, 9])
def test_twelve_months_in_post_with_7_to_9_months_lawful_absence_is_not_rated(absent):
    # ND 90 Art. 2 cl. 3: "có thời gian công tác trong năm chưa đủ 06 tháng thì không thực hiện việc
    # đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm …, trừ trường hợp nghỉ chế độ thai sản".
    # 12 − 7..9 = 3..5 months actually worked < 6, not maternity ⇒ not rated, self-review only.
    b = Book()
    b.person("A", months=12, absent=absent, vote=HTXS)
    b.peers(10)
    pr = b.rate().of("A")
    assert pr.trang_thai == "khong_xep_loai" and pr.muc_de_xuat is None
    assert any(f"thời gian công tác thực tế {12 - absent} tháng" in x and "vẫn phải kiểm điểm" in x
               and "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP" in x for x in pr.ly_do)


def test_actual_work_exactly_six_months_is_rated():
    # 9 in post − 3 absent = 6 months: "chưa đủ 06 tháng" does not apply; 3 months of absence is
    # "từ 03 tháng đến dưới 06 tháng" ⇒ rated, "không xếp loại … ở mức hoàn thành tốt nhiệm vụ trở lên".
    b = Book()
    b.person("A", months=9, absent=3, vote=HTXS)
    b.peers(10)
    pr = b.rate().of("A")
    assert pr.trang_thai == "xep_loai" and pr.muc_de_xuat == "HT" and pr.muc_toi_da == "HT"


def test_maternity_leave_with_long_absence_is_still_rated():
    # "trừ trường hợp nghỉ chế độ thai sản": rated on the time actually worked.
    b = Book()
    b.person("A", months=12, absent=8, maternity=True, vote=HTT)
    assert b.rate().of("A").muc_de_xuat == "HTT"


# ------------------------------------------------------------------ 2. forms that are not discipline
@pytest.mark.parametrize("form, expected", [
    ("Phê bình", "HTT"),  # not a form of discipline (Luật CBCC Art. 79, Luật VC Art. 52, Điều lệ Đảng Art. 35)
    ("Nhắc nhở", "HTT"),
    ("Khiển trách", "KHT"),  # ND 48 cl. 5a: "bị xử lý kỷ luật … trong năm đánh giá thì … không hoàn thành"
    ("Cảnh cáo", "KHT"),
    ("Bãi nhiệm", "KHT"),  # for cán bộ, heavier than khiển trách (Luật CBCC Art. 78)
    ("Buộc thôi việc", "KHT"),
])
def test_only_statutory_forms_are_discipline(form, expected):
    b = Book()
    b.person("A", kind="can_bo", vote=HTT)
    b.discipline("A", "hanh_chinh", D(2024, 5, 5), form=form)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == expected
    if expected == "HTT":
        assert any("không phải là hình thức kỷ luật" in x for x in pr.ly_do)


# ------------------------------------------------------------------ 3. decided levels take their places
def test_decided_htxs_takes_its_place_in_the_cap():
    # QĐ 124 / seed 001: HTXS "không vượt quá 20% số … Hoàn thành tốt nhiệm vụ" per group.
    # 5 HTT + A decided HTXS + B proposed HTXS: if B kept, 2 HTXS vs 5 HTT: 2 > 20% × 5 = 1 ⇒ illegal.
    # B moved: 1 HTXS (A) vs 6 HTT: 1 ≤ 1,2 ⇒ legal. A's decision is never changed.
    b = Book()
    b.peers(5)
    b.person("A", vote=HTXS, decided="HTXS")
    b.person("B", vote=HTXS)
    r = b.rate()
    assert r.of("A").muc_quyet_dinh == "HTXS" and r.of("A").muc_cuoi == "HTXS"
    assert r.of("B").muc_de_xuat == "HTT"
    assert sum(1 for p in r.people if p.muc_cuoi == "HTXS") == 1
    assert not r.group("G").vuot_cuoi
    assert any("đã được quyết định Hoàn thành xuất sắc nhiệm vụ" in x for x in r.of("B").ly_do)


def test_decided_htt_counts_in_the_base():
    # 4 proposed HTT + 1 decided HTT = 5 HTT; 1 HTXS proposal: 1 ≤ 20% × 5 = 1 ⇒ kept.
    b = Book()
    b.peers(4)
    b.person("T", vote=HTXS, decided="HTT")  # decided HTT: in the base, not competing for a place
    b.person("B", vote=HTXS)
    r = b.rate()
    assert r.of("B").muc_de_xuat == "HTXS"


# ------------------------------------------------------------------ 4. group names
def test_group_spellings_are_one_group_and_an_exception_applies_once():
    # «Tổ A» and «TỔ A» are one comparable group; the approved exception "Tổ A max 1" allows one HTXS
    # in the whole group, not one per spelling.
    b = Book()
    for i in range(3):
        b.person(f"a{i}", group="Tổ A", vote=HTXS)
        b.person(f"A{i}", group="TỔ  A", vote=HTXS)
    b.override("tổ a", 1)
    r = b.rate()
    assert sum(1 for p in r.people if p.muc_de_xuat == "HTXS") == 1
    assert len({p.nhom_tuong_dong for p in r.people}) == 1


def test_chuyen_vien_case_variants_share_the_cap():
    # 1 HTXS in «Chuyên viên» + 1 in «chuyên viên» + 4 HTT in total: one group, 2 > 20% × 4 ⇒ keep at most
    # T with 5T ≤ 6 − T ⇒ T = 1.
    b = Book()
    b.person("X1", group="Chuyên viên", vote=(10, 9, 1))
    b.person("X2", group="chuyên viên", vote=(10, 8, 2))
    b.peers(2, group="Chuyên viên")
    b.peers(2, group="chuyên viên")
    r = b.rate()
    assert [p.ma_so for p in r.people if p.muc_de_xuat == "HTXS"] == ["X1"]


# ------------------------------------------------------------------ 5. default comparable groups
def test_default_groups_by_staff_category_contract_staff_do_not_keep_a_cong_chuc_htxs():
    # ND 48 cl. 6: "từng nhóm đối tượng có nhiệm vụ tương đồng"; contract staff and NLĐ are outside
    # ND 90 (Art. 1). One công chức HTXS with only contract staff / NLĐ / viên chức as HTT: among công
    # chức there is no HTT, 1 > 20% × 0 ⇒ moved. Viên chức with 5 HTT keep their own HTXS.
    b = Book()
    b.person("CC", group="", kind="cong_chuc", vote=HTXS)
    for i in range(5):
        b.person(f"HD{i}", group="", kind="hop_dong", vote=HTT)
        b.person(f"LD{i}", group="", kind="nguoi_lao_dong", vote=HTT)
        b.person(f"VC{i}", group="", kind="vien_chuc", vote=HTT)
    b.person("VX", group="", kind="vien_chuc", vote=HTXS)
    r = b.rate()
    assert r.of("CC").muc_de_xuat == "HTT"
    assert r.of("VX").muc_de_xuat == "HTXS"
    assert r.of("CC").nhom_tuong_dong == "cong_chuc/khong_giu_chuc_vu"
    assert any("Công chức không giữ chức vụ lãnh đạo, quản lý" in x for x in r.of("CC").ly_do)


def test_group_label():
    assert group_label("cong_chuc/lanh_dao_quan_ly") == "Công chức giữ chức vụ lãnh đạo, quản lý"
    assert group_label("vien_chuc/khong_giu_chuc_vu") == "Viên chức không giữ chức vụ lãnh đạo, quản lý"
    assert group_label("Tổ A") == "Tổ A"


# ------------------------------------------------------------------ 6. discipline across the year boundary
def test_party_decision_after_the_2023_rating_and_state_decision_in_2024_count_in_2024_with_a_warning():
    # ND 48 cl. 5c: decisions for one act in different years "chỉ tính là căn cứ xếp loại chất lượng ở
    # một năm đánh giá". Party 28/12/2023 (after the 2023 rating, da_tinh_nam empty), state 01/03/2024:
    # nothing says 2023 used the act, so 2024 does ⇒ KHT, with a warning, and no claim it "was counted".
    b = Book()
    b.person("A", vote=HTT, party=True)
    b.discipline("A", "dang", D(2023, 12, 28), act="HV")
    b.discipline("A", "hanh_chinh", D(2024, 3, 1), act="HV")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT"
    assert not any("đã được tính" in x or "đã là căn cứ" in x for x in pr.ly_do + pr.canh_bao)
    assert any("Đã tính năm" in w and "nếu năm 2023 chưa tính thì tính ở năm 2024" in w for w in pr.canh_bao)


@pytest.mark.parametrize("earlier, later", [("dang", "hanh_chinh"), ("hanh_chinh", "dang")])
def test_5c_recorded_earlier_year_is_not_counted_again_whichever_kind_came_first(earlier, later):
    # Same act, decision of one kind in force 2023 and used for the 2023 rating (da_tinh_nam 2023),
    # decision of the other kind in force 2024 ⇒ counted once (2023) ⇒ 2024 not KHT.
    b = Book()
    b.person("A", vote=HTT, party=True)
    b.discipline("A", earlier, D(2023, 11, 2), act="HV", counted_year=2023)
    b.discipline("A", later, D(2024, 2, 2), act="HV")
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT"
    assert any("điểm c khoản 5 Điều 2" in x for x in pr.ly_do)


# ------------------------------------------------------------------ 7. emulation
def test_ldtt_for_a_decided_htt_that_contradicts_a_discipline_warns():
    b = Book()
    b.person("A", vote=HTT, decided="HTT")
    b.discipline("A", "hanh_chinh", D(2024, 4, 4))
    b.emulation("A")
    pr = b.rate().of("A")
    assert any("Đề nghị danh hiệu thi đua" in w and "cao hơn mức tối đa Không hoàn thành nhiệm vụ" in w
               for w in pr.canh_bao)


def test_cstdcs_condition_is_rulebook_data_by_year():
    # Luật TĐKT 2022 Art. 23: HTXS or an initiative. Before 2024 (Luật TĐKT 2003 Art. 23) an initiative
    # was required: an HTXS without initiative is not CSTĐCS.
    def book(year):
        b = Book(year=year)
        b.peers(40)
        for i in range(6):
            b.person(f"L{i}", vote=HTT)
            b.emulation(f"L{i}")
        b.person("S", vote=HTXS)
        b.emulation("S", "CSTDCS", yes=9, total=10)
        return b
    assert book(2024).rate().of("S").thi_dua.du_dieu_kien
    old = book(2022).rate()
    assert not old.of("S").thi_dua.du_dieu_kien
    assert any("Điều 23 Luật Thi đua, khen thưởng năm 2003" in x for x in old.of("S").thi_dua.ly_do)


# ------------------------------------------------------------------ 8. points
def test_points_just_under_90_are_printed_with_the_deciding_precision():
    b = Book(year=2026)
    b.person("A")
    b.score("A", "CHUNG", 30)
    b.score("A", "KET_QUA", 59.99999)
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "HTT"
    assert any("89,99999/100" in x for x in pr.ly_do)
    assert not any("90/100" in x for x in pr.ly_do)


def test_no_proposal_warning_is_dropped_when_discipline_proposes_kht():
    b = Book()
    b.person("A")
    b.discipline("A", "hanh_chinh", D(2024, 6, 6))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat == "KHT"
    assert not any("chưa có mức đề xuất" in w for w in pr.canh_bao)


# ------------------------------------------------------------------ reasons a clerk can paste
def rich_book(year: int) -> Book:
    b = Book(year=year)
    b.person("A", vote=HTXS)
    b.person("B", absent=4, vote=HTXS)
    b.person("C", months=2)
    b.person("D", self_level="HTT")
    b.discipline("D", "dang", D(year, 7, 7))
    b.person("E", vote=(6, 3, 3))
    b.person("F", vote=HTXS, group="", leader=True)
    b.person("G1", vote=HTXS, kind="vien_chuc", group="")
    b.person("M", months=5, maternity=True, vote=HTT)
    b.person("P", vote=HTT)
    b.discipline("P", "hanh_chinh", D(year, 2, 2), form="Nhắc nhở")
    b.peers(3)
    for code in ("A", "E", "M", "P"):
        b.emulation(code)
    b.emulation("F", "CSTDCS", initiative="SK 1")
    return b


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_reasons_have_no_codes_and_cite_articles_of_texts_in_force(year):
    r = rich_book(year).rate()
    texts = [x for p in r.people for x in p.ly_do + p.canh_bao + (p.thi_dua.ly_do if p.thi_dua else ())]
    texts += list(r.canh_bao)
    for x in texts:
        assert not CODE.search(x), x
        assert not GROUP_CODE.search(x), x
        assert "điều quy định" not in x and "như khoản" not in x, x
        if year < 2025:
            assert "366-QĐ/TW" not in x and "43-HD/BTCTW" not in x, x
        assert "91/2017" not in x, x
    for p in r.people:
        for x in p.ly_do + (p.thi_dua.ly_do if p.thi_dua else ()):
            source = x.split("— căn cứ:", 1)[1]
            # an article of a text, or the honest "the agency's rule" where no article sets the threshold
            assert "Điều " in source or "quy chế" in source, x


def test_2022_cites_the_old_emulation_texts():
    r = rich_book(2022).rate()
    texts = [x for p in r.people if p.thi_dua for x in p.thi_dua.ly_do]
    assert any("khoản 1 Điều 24 Luật Thi đua, khen thưởng năm 2003" in x for x in texts)
    assert not any("06/2022/QH15" in x for x in texts)


# ------------------------------------------------------------------ mutation check
def legal_cases() -> list[tuple[Book, str, str | None]]:
    """(campaign, person, expected proposal) worked out by hand above; None = not rated."""
    cases = []
    for earlier, later in (("dang", "hanh_chinh"), ("hanh_chinh", "dang")):
        b = Book()
        b.person("A", vote=HTT, party=True)
        b.discipline("A", earlier, D(2023, 11, 2), act="HV", counted_year=2023)
        b.discipline("A", later, D(2024, 2, 2), act="HV")
        cases.append((b, "A", "HTT"))  # ND 48 cl. 5c: counted in 2023 only
    for absent in (7, 8, 9):
        b = Book()
        b.person("A", months=12, absent=absent, vote=HTXS)
        b.peers(10)
        cases.append((b, "A", None))  # ND 90 Art. 2 cl. 3: worked < 6 months ⇒ not rated
    return cases


def failures() -> int:
    return sum(1 for b, code, expected in legal_cases() if b.rate().of(code).muc_de_xuat != expected)


def _only(kind: str):
    """Mutant of rule 5c that links an act's decisions only when the earlier one is of `kind`."""
    original = rules.disciplines_in_year

    def mutant(discs, year, rb, drawn_up=None):
        discs = [d if d.loai_ky_luat == kind or d.ngay_hieu_luc.year == year else
                 replace(d, ma_hanh_vi="", da_tinh_nam=None) for d in discs]
        return original(discs, year, rb, drawn_up)
    return mutant


def _no_actual_work_rule():
    """Mutant: "actual work < 6 months ⇒ not rated" removed (only months in post count)."""
    original = rules.time_rules

    def mutant(person, rb):
        if person.so_thang_cong_tac - person.so_thang_nghi < rb.min_months and not person.nghi_thai_san:
            person = replace(person, so_thang_nghi=0)
        return original(person, rb)
    return mutant


def test_the_legal_cases_pass_unmutated():
    assert failures() == 0


@pytest.mark.parametrize("attr, mutant", [
    ("disciplines_in_year", lambda: _only("dang")),
    ("disciplines_in_year", lambda: _only("hanh_chinh")),
    ("time_rules", _no_actual_work_rule),
], ids=["5c-party-only", "5c-state-only", "no-actual-work-rule"])
def test_the_legal_cases_kill_each_mutant(monkeypatch, attr, mutant):
    monkeypatch.setattr(rules, attr, mutant())
    assert failures() > 0


def test_the_points_form_never_prints_a_total_rounded_into_a_higher_level():
    from pipeline.forms.context import _pts
    assert _pts(89.99999) == "89,99"  # Hoàn thành tốt nhiệm vụ: not "90"
    assert _pts(69.9999999999) == "70"  # float noise under the deciding precision: 70 is what decides
    assert _pts(0.29) == "0,29" and _pts(75.5) == "75,5" and _pts(90) == "90"
