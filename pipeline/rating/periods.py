"""The points regime from periods (from 2026; shared/spec/workbook-2026.md). Pure: no I/O.

A person's months ("2026-01") or quarters ("2026-Q1") come from sheet KetQuaKy; a, b, c of a period
come from the products of SanPham when there are any for that person and period, else from the
KetQuaKy row. For one period, with weight w = he_so_quy_doi over every product assigned:

    a = 100 × Σ w·[done] / Σ w
    b = 100 × Σ w·[done]·max(0, 1 − 0.25 × failures) / Σ w      (no deduction when waived)
    c = 100 × Σ w·[done]·max(0, 1 − 0.25 × delays) / Σ w        (no deduction when waived)
    period score = general + 70 × (a + b + c) / 300               (leaders: + d + đ + e, / 600)
    year score   = mean of the period scores present, unrounded

The 0.25, the 70, the weights and the divisors are `Rulebook.periods` (a `PeriodFormula`). A person
whose periods do not cover the months actually worked gets no level, the missing periods named. The
KHT cases that override points and the "head not above the unit" rule are `limits`.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.ingest.model import Campaign, PeriodResult, Person, Product
from pipeline.rating.levels import RANK, WORDS
from pipeline.rating.result import PeriodScore, PersonRating
from pipeline.rating.rulebooks import PeriodFormula, Rulebook
from pipeline.rating.rules import cited, num

EPS = 1e-9  # float noise only: a mean of 90, 90, 90 is 90; 89.999 stays below 90


# ---------------------------------------------------------------------------------------------
# numbers as printed
# ---------------------------------------------------------------------------------------------
def cut(x: float, decimals: int = 2) -> float:
    """`x` cut (never rounded up) to `decimals`: 89.999 -> 89.99."""
    f = 10 ** decimals
    return float(math.floor(x * f + EPS) / f)


def score_text(x: float) -> str:
    """A score printed with two decimals, cut: 89.999 -> "89,99", 90 -> "90,00"."""
    return f"{cut(x):.2f}".replace(".", ",")


def pct_round(x: float) -> float:
    """A percentage of a period (a … e, a product's coefficient) as printed: two decimals, half up, as the
    spreadsheet of the results holds it — so that the period score printed beside it adds up by hand
    (25 + 70 × (88,89 + 83,33 + 77,78) / 300 = 83,33; cut, 88,88 + 83,33 + 77,77 gave 83,32) — but never
    100 for less than 100 (99,996 % of the work done is not all of it): 99,99."""
    r = float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return 99.99 if r >= 100 > x else r


def pct_text(x: float) -> str:
    return f"{num(pct_round(x))}%"


# ---------------------------------------------------------------------------------------------
# periods
# ---------------------------------------------------------------------------------------------
def is_quarter(ky: str) -> bool:
    return "-Q" in ky


def period_months(ky: str, formula: PeriodFormula) -> int:
    return formula.quarter_months if is_quarter(ky) else 1


def all_periods(year: int, quarters: bool) -> list[str]:
    return [f"{year}-Q{q}" for q in range(1, 5)] if quarters else [f"{year}-{m:02d}" for m in range(1, 13)]


def sort_key(ky: str) -> tuple[int, int, int]:
    year, part = ky.split("-", 1)
    return (int(year), 1 if part.startswith("Q") else 0, int(part.lstrip("Q")))


def product_rates(products: Sequence[Product], formula: PeriodFormula) -> tuple[float, float, float]:
    """a, b, c (percent) of one person and period from the products assigned."""
    total = sum(p.he_so_quy_doi for p in products)
    if total <= 0:
        return 0.0, 0.0, 0.0
    a = b = c = 0.0
    for p in products:
        if not p.hoan_thanh:
            continue
        w = p.he_so_quy_doi
        a += w
        if p.mien_tru:
            b += w
            c += w
        else:
            b += w * max(0.0, 1 - formula.deduction * p.so_lan_khong_dat)
            c += w * max(0.0, 1 - formula.deduction * p.so_lan_cham)
    return 100 * a / total, 100 * b / total, 100 * c / total


def period_score(general: float, rates: Sequence[float], leader: bool, formula: PeriodFormula) -> float:
    """general + task_points × Σ weight·rate / (100 × Σ weight); rates are a, b, c (+ d, đ, e for leaders)."""
    weights = formula.leader_weights if leader else formula.weights
    divisor = formula.leader_divisor if leader else formula.divisor
    return general + formula.task_points * sum(w * x for w, x in zip(weights, rates, strict=True)) / divisor


def formula_text(leader: bool, formula: PeriodFormula) -> str:
    names = ("a", "b", "c", "d", "đ", "e") if leader else ("a", "b", "c")
    weights = formula.leader_weights if leader else formula.weights
    divisor = formula.leader_divisor if leader else formula.divisor
    terms = " + ".join(n if w == 1 else f"{num(w)}×{n}" for n, w in zip(names, weights, strict=True) if w)
    return f"điểm tiêu chí chung + {num(formula.task_points)} × ({terms}) / {num(divisor)}"


@dataclass(frozen=True)
class YearScore:
    """One person's periods and year score (None when no period is present)."""

    scores: tuple[PeriodScore, ...]
    diem: float | None
    level: str | None  # None: no level (missing periods or none at all)
    missing: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def _index(campaign: Campaign) -> tuple[dict[str, list[PeriodResult]], dict[tuple[str, str], list[Product]]]:
    idx = campaign.__dict__.get("_periods_index")
    if idx is None:
        rows: dict[str, list[PeriodResult]] = defaultdict(list)
        for r in campaign.periods:
            rows[r.ma_so].append(r)
        prods: dict[tuple[str, str], list[Product]] = defaultdict(list)
        for p in campaign.products:
            prods[(p.ma_so, p.ky)].append(p)
        idx = (dict(rows), dict(prods))
        object.__setattr__(campaign, "_periods_index", idx)
    return idx


def applies(campaign: Campaign, rb: Rulebook) -> bool:
    """The periods regime is used when the rulebook has a period formula and the workbook has periods."""
    return rb.periods is not None and bool(campaign.periods)


def scores_of(person: Person, rows: Sequence[PeriodResult], products: dict[tuple[str, str], list[Product]],
              formula: PeriodFormula) -> tuple[list[PeriodScore], list[str]]:
    """The score of each period of one person, and warnings for values the engine had to assume."""
    leader = person.lanh_dao_quan_ly
    out, warnings = [], []
    for r in sorted(rows, key=lambda r: sort_key(r.ky)):
        prods = products.get((person.ma_so, r.ky))
        if prods:
            a, b, c = product_rates(prods, formula)
        else:
            missing = [n for n, x in (("a", r.a), ("b", r.b), ("c", r.c)) if x is None]
            if missing:
                warnings.append(f"Kỳ {r.ky}: chưa có tỷ lệ {', '.join(missing)} và không có sản phẩm (sheet SanPham); "
                                "tính 0%.")
            a, b, c = (x or 0.0 for x in (r.a, r.b, r.c))
        d = dd = e = None
        rates = [a, b, c]
        if leader:
            missing = [n for n, x in (("d", r.d), ("đ", r.dd), ("e", r.e)) if x is None]
            if missing:
                warnings.append(f"Kỳ {r.ky}: người lãnh đạo, quản lý chưa có tỷ lệ {', '.join(missing)}; tính 0%.")
            d, dd, e = (x or 0.0 for x in (r.d, r.dd, r.e))
            rates += [d, dd, e]
        out.append(PeriodScore(r.ky, r.diem_tieu_chi_chung, a, b, c, d, dd, e,
                               period_score(r.diem_tieu_chi_chung, rates, leader, formula), r.don_vi_danh_gia))
    return out, warnings


def sent_periods(scores: Sequence[PeriodScore]) -> list[tuple[str, list[str]]]:
    """The periods another agency monitored and rated (KetQuaKy don_vi_danh_gia), grouped by that agency in
    the order of their first period: [(agency, [ky, …])]; [] when every period is this agency's."""
    out: dict[str, list[str]] = {}
    for s in sorted(scores, key=lambda s: sort_key(s.ky)):
        if s.don_vi_danh_gia:
            out.setdefault(s.don_vi_danh_gia, []).append(s.ky)
    return list(out.items())


def runs_text(kys: Sequence[str]) -> str:
    """Period codes, consecutive runs shortened: 2026-01 … 2026-05, 2026-07 -> "2026-01 đến 2026-05, 2026-07"."""
    runs: list[list[str]] = []
    for ky in sorted(kys, key=sort_key):
        if runs and _next_period(runs[-1][-1]) == ky:
            runs[-1].append(ky)
        else:
            runs.append([ky])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]} đến {r[-1]}" for r in runs)


def _next_period(ky: str) -> str:
    year, part = ky.split("-", 1)
    if part.startswith("Q"):
        return f"{year}-Q{int(part[1:]) + 1}"
    return f"{year}-{int(part) + 1:02d}"


def _sent_by_old_agency(scores: Sequence[PeriodScore]) -> str:
    """"; kỳ 2026-01 đến 2026-05 do «Sở X» theo dõi, đánh giá và gửi kết quả, …" for a person transferred in
    during the year (ND 335 Art. 21: the new unit rates on the results the old agency sends); "" otherwise."""
    sent = sent_periods(scores)
    if not sent:
        return ""
    parts = [f"kỳ {runs_text(kys)} do «{who}» theo dõi, đánh giá và gửi kết quả" for who, kys in sent]
    own = [s.ky for s in scores if not s.don_vi_danh_gia]
    here = (f", kỳ {runs_text(own)} do cơ quan này theo dõi, đánh giá" if own else
            ", không có kỳ nào do cơ quan này theo dõi, đánh giá")
    return f"; {'; '.join(parts)}{here} (chuyển đến trong năm: cơ quan mới xếp loại trên cơ sở kết quả cơ quan cũ gửi)"


def level_of(score: float, rb: Rulebook) -> str:
    """The level of a year score, unrounded (89.999 is HTT); only float noise is forgiven."""
    for level, minimum in rb.points_thresholds:
        if score + EPS >= minimum:
            return level
    return rb.points_thresholds[-1][0]


def months_to_cover(person: Person, formula: PeriodFormula) -> float:
    """Months that need a period result: months in post, less lawful leave (rulebook data)."""
    months = person.so_thang_cong_tac
    if formula.leave_excused:
        months -= person.so_thang_nghi
    return max(0.0, months)


def missing_words(missing: Sequence[str], need: float, covered: float, step: float) -> str:
    """What is missing, after «Thiếu kết quả kỳ»: the absent periods («2026-10») when each of them is owed; when
    they hold more months than the time still to cover (6,5 months worked, results for July–December: the workbook
    does not say which half month of which earlier period), the months still owed and where they can be — listing
    January–June as missing told the clerk to add five results nobody owes."""
    short = need - covered
    if short + EPS < len(missing) * step:
        return f"của {num(short)} tháng công tác (trong các kỳ chưa có kết quả: {runs_text(missing)})"
    return ", ".join(missing)


def year_score(person: Person, campaign: Campaign, rb: Rulebook) -> YearScore | None:
    """The person's periods, year score and level; None when the periods regime does not apply to
    them (no period formula, or no KetQuaKy rows at all in the workbook)."""
    if not applies(campaign, rb):
        return None
    formula = rb.periods
    assert formula is not None
    rows_by_person, products = _index(campaign)
    rows = rows_by_person.get(person.ma_so, [])
    scores, warnings = scores_of(person, rows, products, formula)
    year = campaign.year
    need = months_to_cover(person, formula)
    leave = (f", trừ {num(person.so_thang_nghi)} tháng nghỉ theo quy định"
             if formula.leave_excused and person.so_thang_nghi else "")
    basis = f"{rb.cite.year_score}; {rb.cite.points}"
    if not scores:
        text = (f"Thiếu kết quả kỳ: chưa có kết quả tháng hoặc quý nào của năm {year} (sheet KetQuaKy) trong khi "
                f"thời gian công tác là {num(need)} tháng{leave}; chưa có căn cứ xếp loại, không có mức đề xuất")
        return YearScore((), None, None, (f"{year}",), (cited(text, basis),),
                         tuple(warnings) + (text + ". Bổ sung kết quả các kỳ ở sheet KetQuaKy.",))
    quarters = all(is_quarter(s.ky) for s in scores)
    covered = sum(period_months(s.ky, formula) for s in scores)
    present = {s.ky for s in scores}
    missing: tuple[str, ...] = ()
    if covered + EPS < need:
        missing = tuple(k for k in all_periods(year, quarters) if k not in present)
    diem = sum(s.diem for s in scores) / len(scores)
    unit_word = "quý" if quarters else "tháng"
    listed = "; ".join(f"{s.ky}: {score_text(s.diem)}" for s in scores)
    how = (f"Điểm từng kỳ ({formula_text(person.lanh_dao_quan_ly, formula)}): {listed}. Điểm năm là trung bình "
           f"{len(scores)} kỳ = {score_text(diem)} (không làm tròn lên)")
    reasons = []
    if missing:
        what = missing_words(missing, need, covered, formula.quarter_months if quarters else 1)
        months = f" ({num(covered)} tháng)" if quarters else ""
        text = (f"Thiếu kết quả kỳ {what}: có kết quả {len(scores)} {unit_word}{months} trong khi thời gian "
                f"công tác là {num(need)} tháng{leave}; chưa đủ căn cứ xếp loại, không có mức đề xuất")
        # the mean of the periods present is not the year's score (that is the mean over the whole time worked)
        so_far = (f"Điểm từng kỳ ({formula_text(person.lanh_dao_quan_ly, formula)}): {listed}. Trung bình "
                  f"{len(scores)} kỳ đã có kết quả = {score_text(diem)}, chưa phải điểm năm")
        reasons.append(cited(f"{so_far}{_sent_by_old_agency(scores)}. {text}", basis))
        hint = ""
        if person.so_thang_nghi and not formula.leave_excused:
            hint = (f" Người này có {num(person.so_thang_nghi)} tháng nghỉ theo quy định: số tháng công tác "
                    f"({num(person.so_thang_cong_tac)}) vẫn tính cả thời gian nghỉ, nên các kỳ nghỉ cũng cần có kết quả; "
                    "nếu trong thời gian nghỉ không theo dõi kết quả, cấp có thẩm quyền xem xét.")
        warnings.append(f"{text}. Bổ sung kết quả các kỳ còn thiếu ở sheet KetQuaKy.{hint}")
        return YearScore(tuple(scores), diem, None, missing, tuple(reasons), tuple(warnings))
    level = level_of(diem, rb)
    if covered + EPS >= need + (3 if quarters else 1):
        # More periods than the time to be rated: the year score is the mean over the time actually worked
        # (ND 335 Art. 21), but which periods were leave or before joining is not in the workbook.
        why = (f"thời gian công tác thực tế là {num(need)} tháng (nghỉ theo quy định {num(person.so_thang_nghi)} tháng)"
               if formula.leave_excused and person.so_thang_nghi else f"thời gian công tác là {num(need)} tháng")
        months = f" ({num(covered)} tháng)" if quarters else ""
        # a leave inside the year (maternity, lawful leave) starts and ends inside a period: the two periods around
        # it hold time worked and keep their results, so up to two periods' surplus is no sign of a period to
        # remove (audit rev: a teacher on maternity leave March–August, results for Q1, Q3, Q4, was told to
        # delete «a period of the leave»)
        on_leave = person.nghi_thai_san or (formula.leave_excused and person.so_thang_nghi > 0)
        around = (" Kỳ có một phần thời gian công tác trước hoặc sau thời gian nghỉ (ví dụ quý có tháng đầu còn làm "
                  "việc) vẫn giữ kết quả; chỉ xóa kỳ nằm trọn trong thời gian nghỉ."
                  if on_leave and covered < need + 2 * (3 if quarters else 1) - EPS else "")
        warnings.append(f"Có kết quả {len(scores)} {unit_word}{months} trong khi {why}: điểm năm "
                        f"{score_text(diem)} là trung bình mọi kỳ có kết quả. Nếu có kỳ thuộc thời gian nghỉ hoặc "
                        f"trước khi về cơ quan, xóa kết quả kỳ đó ở sheet KetQuaKy rồi chạy lại.{around}")
    reasons.append(cited(f"{how}{_sent_by_old_agency(scores)}: mức {WORDS[level]}", basis))
    if any(s.d is not None for s in scores):
        reasons[-1] = reasons[-1][:-1] + f"; {rb.cite.leaders}."
    return YearScore(tuple(scores), diem, level, (), tuple(reasons), tuple(warnings))


# ---------------------------------------------------------------------------------------------
# ceilings beyond points: KHT cases, the head not above the unit
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Limit:
    level: str
    what: str  # short, for "hạ … do …"
    cite: str
    reason: str
    source: str  # nguon_de_xuat when it sets the level


def limits(person: Person, campaign: Campaign, rb: Rulebook) -> list[Limit]:
    out = []
    if "suy_thoai" in rb.kht_cases and person.ket_luan_suy_thoai:
        doc = f" ({person.van_ban_ket_luan})" if person.van_ban_ket_luan else ""
        out.append(Limit("KHT", "cấp có thẩm quyền kết luận có biểu hiện suy thoái", rb.cite.degradation, cited(
            f"Cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, "
            f"tự chuyển hóa{doc}: xếp loại ở mức Không hoàn thành nhiệm vụ, không phụ thuộc số điểm", rb.cite.degradation),
            "suy_thoai"))
    if "vi_pham_dang_vien" in rb.kht_cases and person.vi_pham_dang_vien:
        doc = f" ({person.van_ban_ket_luan})" if person.van_ban_ket_luan else ""
        out.append(Limit("KHT", "cấp có thẩm quyền kết luận vi phạm những điều đảng viên không được làm hoặc trách nhiệm "
                         "nêu gương", rb.cite.party_duties, cited(
                             f"Cấp có thẩm quyền kết luận vi phạm những điều đảng viên không được làm hoặc vi phạm trách "
                             f"nhiệm nêu gương{doc}: xếp loại ở mức Không hoàn thành nhiệm vụ, không phụ thuộc số điểm",
                             rb.cite.party_duties), "vi_pham_dang_vien"))
    if "tham_nhung_don_vi" in rb.kht_cases and person.don_vi_tham_nhung:
        if person.lanh_dao_quan_ly:
            doc = f" ({person.van_ban_ket_luan})" if person.van_ban_ket_luan else ""
            out.append(Limit("KHT", "đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra tham nhũng, lãng phí",
                             rb.cite.corruption, cited(
                                 f"Cơ quan, đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra tham nhũng, lãng phí và bị xử lý "
                                 f"theo quy định{doc}: người lãnh đạo, quản lý xếp loại ở mức Không hoàn thành nhiệm vụ, "
                                 "không phụ thuộc số điểm", rb.cite.corruption), "tham_nhung_don_vi"))
    if rb.head_not_above_unit and person.vai_tro == "truong":
        unit = campaign._units_by_code.get(person.ma_don_vi)
        level = unit.muc_xep_loai_don_vi if unit is not None else None
        if unit is not None and level:
            out.append(Limit(level, f"đơn vị «{unit.ten_don_vi}» được xếp loại {WORDS[level]}", rb.cite.head_unit, cited(
                f"Người đứng đầu đơn vị «{unit.ten_don_vi}», đơn vị được xếp loại {WORDS[level]}: mức xếp loại của người "
                "đứng đầu không cao hơn mức của đơn vị", rb.cite.head_unit), "don_vi"))
    if rb.head_not_above_unit and person.don_vi_kiem_nhiem:
        # a leader heading another unit concurrently (NhanSu `don_vi_kiem_nhiem`, a Phó Giám đốc kiêm Trưởng khoa)
        # is that unit's head («người đứng đầu»: he chairs it, signs its papers, answers for its people's d)): the
        # clause's words bind him to its level as they bind a head of his own (helper sig2: a Khoa Nội rated HT,
        # its head the Phó Giám đốc, proposed HTT while the Trưởng khoa Ngoại of a khoa rated HT was held to HT)
        unit = campaign._units_by_code.get(person.don_vi_kiem_nhiem)
        level = unit.muc_xep_loai_don_vi if unit is not None else None
        if unit is not None and level:
            out.append(Limit(level, f"đơn vị «{unit.ten_don_vi}» mà người này kiêm nhiệm người đứng đầu được xếp "
                             f"loại {WORDS[level]}", rb.cite.head_unit, cited(
                                 f"Người đứng đầu (kiêm nhiệm) đơn vị «{unit.ten_don_vi}», đơn vị được xếp loại "
                                 f"{WORDS[level]}: mức xếp loại của người đứng đầu không cao hơn mức của đơn vị",
                                 rb.cite.head_unit), "don_vi"))
    own = campaign.agency.muc_xep_loai_co_quan  # the đơn vị sự nghiệp itself, decided by its managing body
    if rb.head_not_above_unit and own and campaign.is_agency_head(person):
        name = campaign.agency.ten_co_quan
        out.append(Limit(own, f"«{name}» được cấp có thẩm quyền xếp loại {WORDS[own]}", rb.cite.head_unit, cited(
            f"Người đứng đầu «{name}», đơn vị được cấp có thẩm quyền xếp loại {WORDS[own]}: mức xếp loại của người "
            "đứng đầu không cao hơn mức của đơn vị", rb.cite.head_unit), "co_quan"))
    return out


def agency_level_warning(person: Person, level: str | None, campaign: Campaign, rb: Rulebook) -> str | None:
    """The head of a đơn vị sự nghiệp whose own level is not decided yet (CoQuan `muc_xep_loai_co_quan`
    empty) proposed above the level the agency gave itself (`tu_xep_loai_co_quan`): the ceiling of k7 Đ12
    will bind once the competent level decides; said, not applied (the self-rating is a proposal)."""
    a = campaign.agency
    if not (rb.head_not_above_unit and level and not a.muc_xep_loai_co_quan and a.tu_xep_loai_co_quan
            and RANK[level] > RANK[a.tu_xep_loai_co_quan] and campaign.is_agency_head(person)):
        return None
    return (f"Mức đề xuất {WORDS[level]} cao hơn mức cơ quan, đơn vị tự xếp loại ({WORDS[a.tu_xep_loai_co_quan]}); "
            f"{rb.cite.head_unit}. Khi cấp có thẩm quyền quyết định mức xếp loại của đơn vị, ghi ô «Mức xếp loại của cơ "
            "quan, đơn vị» (sheet CoQuan) rồi chạy lại: mức của người đứng đầu được giới hạn theo mức đó.")


def kht_flag_warnings(person: Person, rb: Rulebook) -> tuple[str, ...]:
    """A KHT case recorded for a person whose rulebook does not model it."""
    out = []
    if person.ket_luan_suy_thoai and "suy_thoai" not in rb.kht_cases:
        out.append(f"Có ghi kết luận suy thoái nhưng bộ quy tắc {rb.id} không có trường hợp này; cấp có thẩm quyền xem xét.")
    if person.vi_pham_dang_vien and "vi_pham_dang_vien" not in rb.kht_cases:
        out.append(f"Có ghi vi phạm điều đảng viên không được làm, trách nhiệm nêu gương nhưng bộ quy tắc {rb.id} không có "
                   "trường hợp này; cấp có thẩm quyền xem xét.")
    if person.don_vi_tham_nhung and not person.lanh_dao_quan_ly:
        out.append("Có ghi đơn vị phụ trách xảy ra tham nhũng, lãng phí nhưng người này không phải lãnh đạo, quản lý; "
                   "trường hợp này chỉ áp dụng cho người lãnh đạo, quản lý.")
    elif person.don_vi_tham_nhung and "tham_nhung_don_vi" not in rb.kht_cases:
        out.append(f"Có ghi đơn vị phụ trách xảy ra tham nhũng, lãng phí nhưng bộ quy tắc {rb.id} không có trường hợp này; "
                   "cấp có thẩm quyền xem xét.")
    return tuple(out)


def _period_scores_in(pr: PersonRating, ky: str) -> list[float]:
    """The scores of `pr` for the time of the leader's period `ky`: the same period; the quarter holding a
    month; the months of a quarter. Periods another agency rated (a person transferred in) are not of this
    leader's unit and are left out."""
    own = {k.ky: k.diem for k in pr.diem_ky if not k.don_vi_danh_gia}
    if ky in own:
        return [own[ky]]
    year, part = ky.split("-", 1)
    if part.startswith("Q"):
        q = int(part[1:])
        return [own[m] for m in (f"{year}-{n:02d}" for n in range(3 * q - 2, 3 * q + 1)) if m in own]
    quarter = f"{year}-Q{(int(part) - 1) // 3 + 1}"
    return [own[quarter]] if quarter in own else []


def unit_result_warnings(people: Sequence[PersonRating], campaign: Campaign,
                         ht_minimum: float = 50) -> dict[str, str]:
    """Leaders' d) (results of the unit or field led: 100 % when every công chức under them is at
    Hoàn thành nhiệm vụ or better, 50 % when one is not) checked **per period**, as the period formula
    uses it (ND 335 Art. 15–17; regime-2026.md §1.2, §1.4; audit rate7, open call b): in each period
    the leader's d) is compared with the period scores of the people under him (below `ht_minimum`:
    not completing that period's tasks; a quarter of a subordinate scored by month is their mean).
    A subordinate KHT for the year for a reason that is not their points (discipline, degradation,
    corruption case, a decided KHT) is not tied to one period by the data: when the leader's d) is 100 % in
    every period, the periods are pointed out; when he set d) under 100 % in a period where nobody under him
    scored under 50, he has put that KHT in that period (e.g. the quarter a khiển trách took effect) and the
    other periods are not pointed out (audit rev: a Hiệu trưởng's d) 50 % in Q4, the quarter of a teacher's
    khiển trách, was met with «100 % in Q1–Q3, check», which followed would have cut his year below 90). The agency head leads the whole agency; a leader heading another unit concurrently (NhanSu
    `don_vi_kiem_nhiem`) leads its people too; a deputy (`pho`) is not answerable for his
    unit's head. A check only: the periods are not changed. Returns ma_so -> warning."""
    persons = {p.ma_so: p for p in campaign.people}
    head = campaign.agency_head_ma_so()
    out = {}
    for pr in people:
        me = persons.get(pr.ma_so)
        # d) of a period rated at the old agency was about the unit led there, not here
        periods_d = [(k.ky, k.d) for k in pr.diem_ky if k.d is not None and not k.don_vi_danh_gia]
        if me is None or not me.lanh_dao_quan_ly or not periods_d:
            continue
        # his unit's people, and those of a unit he heads concurrently (NhanSu `don_vi_kiem_nhiem`)
        led = {pr.ma_don_vi, me.don_vi_kiem_nhiem} - {""}
        under = [o for o in people if o.ma_so != pr.ma_so and (pr.ma_so == head or o.ma_don_vi in led)
                 and not (me.vai_tro == "pho" and o.ma_don_vi == pr.ma_don_vi and persons[o.ma_so].vai_tro == "truong")]
        # KHT for the year although the points reach HT (discipline, degradation, a decided KHT …)
        year_kht = [o for o in under if o.muc_cuoi == "KHT" and not (o.diem is not None and o.diem + EPS < ht_minimum)]
        too_high: dict[str, list[str]] = {}  # the people under 50 -> the periods with d) at 100 %
        too_low = []
        tied = []  # d) under 100 % with nobody under 50 that period: the year's KHT put in it
        for ky, d in periods_d:
            low = [o for o in under if (sc := _period_scores_in(o, ky)) and sum(sc) / len(sc) + EPS < ht_minimum]
            if low and d >= 100:
                too_high.setdefault(", ".join(f"{o.ho_ten} ({o.ma_so})" for o in low), []).append(ky)
            elif not low and d < 100 and year_kht:
                tied.append(ky)
            elif not low and d < 100 and any(_period_scores_in(o, ky) for o in under):
                too_low.append(ky)
        where = "Cơ quan" if pr.ma_so == head else "Đơn vị"
        parts = []
        for names, kys in too_high.items():
            parts.append(f"{where} có người thuộc quyền có điểm kỳ dưới {num(ht_minimum)} (không hoàn thành nhiệm vụ "
                         f"trong kỳ): {names}, ở các kỳ {kys_words(kys)}, nhưng tỷ lệ d) kết quả đơn vị phụ trách của các "
                         "kỳ này là 100%; d) là 50% ở kỳ có người thuộc quyền không hoàn thành nhiệm vụ.")
        full = [ky for ky, d in periods_d if d >= 100]
        if year_kht and full and not tied:
            who = ", ".join(f"{o.ho_ten} ({o.ma_so})" for o in year_kht)
            dated = _discipline_periods(year_kht, campaign, quarterly=all("Q" in ky.upper() for ky, _d in periods_d))
            parts.append(f"{where} có người xếp loại Không hoàn thành nhiệm vụ ({who}) nhưng tỷ lệ d) kết quả đơn vị phụ "
                         f"trách là 100% ở các kỳ {kys_words(full)}; d) là 50% ở kỳ có người thuộc quyền không hoàn thành "
                         "nhiệm vụ" + (f" ({dated})" if dated else "") + ".")
        if too_low:
            parts.append(f"Tỷ lệ d) kết quả đơn vị phụ trách dưới 100% ở các kỳ {kys_words(too_low)} trong khi mọi người "
                         f"thuộc quyền có kết quả kỳ đó đạt từ {num(ht_minimum)} điểm (Hoàn thành nhiệm vụ trở lên); d) là "
                         "100% khi mọi người thuộc quyền hoàn thành nhiệm vụ trở lên.")
        if parts:
            out[pr.ma_so] = " ".join(parts) + " Kiểm tra lại các kỳ này ở sheet KetQuaKy."
    return out


def _discipline_periods(kht: Sequence[PersonRating], campaign: Campaign, quarterly: bool) -> str:
    """For the people KHT for the year though their points reach HT (`kht`): the day each discipline that counts in
    the evaluation year (related to public duty, in force that year, not counted in another year) took effect and
    the period that day falls in («Bùi Văn Dũng (VP-008): kỷ luật có hiệu lực ngày 20/06/2026, thuộc kỳ 2026-06») —
    the data's own anchor for the period a leader may put that KHT in (the law does not say which period: a hint,
    the check's periods are not changed); "" when there is none (degradation, a decided KHT)."""
    year = campaign.year
    out = []
    for o in kht:
        days = sorted({k.ngay_hieu_luc for k in campaign.disciplines
                       if k.ma_so == o.ma_so and k.ngay_hieu_luc.year == year and k.lien_quan_cong_vu
                       and k.da_tinh_nam in (None, year)})
        if days:
            out.append(("" if len(kht) == 1 else f"{o.ho_ten} ({o.ma_so}): ") + "kỷ luật có hiệu lực " + ", ".join(
                f"ngày {d:%d/%m/%Y}, thuộc kỳ " + (f"{d.year}-Q{(d.month - 1) // 3 + 1}" if quarterly
                                                   else f"{d.year}-{d.month:02d}") for d in days))
    return "; ".join(out)


def kys_words(kys: list[str]) -> str:
    """Period codes as a warning lists them: consecutive months or quarters of one year as a range, «2026-01 đến
    2026-12 (12 tháng)» (four leaders' warnings each listed the twelve months one by one), others one by one."""
    def index(ky: str) -> tuple[str, str, int] | None:
        m = re.fullmatch(r"(\d{4})-(Q?)(\d{1,2})", ky.strip().upper())
        return (m.group(1), m.group(2), int(m.group(3))) if m else None

    keys = [index(k) for k in kys]
    out: list[str] = []
    i = 0
    while i < len(kys):
        j = i
        while (j + 1 < len(kys) and (a := keys[j]) is not None and (b := keys[j + 1]) is not None
               and a[:2] == b[:2] and b[2] == a[2] + 1):
            j += 1
        first = keys[i]
        if j - i >= 2 and first is not None:
            out.append(f"{kys[i]} đến {kys[j]} ({j - i + 1} {'quý' if first[1] else 'tháng'})")
        else:
            out += kys[i:j + 1]
        i = j + 1
    return ", ".join(out)


def better_than(level: str | None, ceiling: str) -> bool:
    return level is not None and RANK[level] > RANK[ceiling]
