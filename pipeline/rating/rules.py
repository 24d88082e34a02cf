"""Each rule of the evaluation as a pure function of its data and the rulebook. No I/O.

Reasons (`ly_do`) and warnings (`canh_bao`) are Vietnamese; every reason ends with the legal
source it applies, taken from the rulebook's citations.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pipeline.ingest.model import Criterion, Discipline, Person, Score, Unit, Vote
from pipeline.rating.levels import ORDER, RANK, WORDS
from pipeline.rating.rulebooks import Rulebook, for_year

ROUNDING_WORDS = {"floor": "làm tròn xuống", "round": "làm tròn", "ceil": "làm tròn lên"}


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------
def num(x: float) -> str:
    """Vietnamese number: 1.8 -> "1,8", 2.0 -> "2", 0.2 -> "0,2"."""
    text = f"{round(x, 4):.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def exact(x: float) -> str:
    """A number with the precision that decides a level (up to 6 decimals, as `points_level` compares),
    never rounded up across a threshold: 89.99999 -> "89,99999", 90.0 -> "90"."""
    text = f"{round(x, 6):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percent_tenths(value: float | None) -> int | None:
    """A ratio of counts as tenths of a percent, half rounded up as a clerk and a spreadsheet round it:
    1/16 → 63 (6,3 %), where Python's float formatting gives 6,2 (6.25 is exact in binary and rounds to
    even), while the same ratio in the .xlsx, formatted 0.0 %, shows 6,3 %. The ratio is k/n of counts:
    `limit_denominator` gives k/n back exactly before rounding."""
    if value is None:
        return None
    return math.floor(Fraction(value).limit_denominator(10**6) * 1000 + Fraction(1, 2))


def pct_whole(ratio: float) -> str:
    """A whole percentage, half rounded up as the papers round it: 5/8 -> "63%" (Python's format gives 62%)."""
    return f"{math.floor(Fraction(ratio).limit_denominator(10**6) * 100 + Fraction(1, 2))}%"


def pct(ratio: float) -> str:
    """Percentage with at most one decimal, half rounded up (`percent_tenths`): 0.2 -> "20%",
    0.5333 -> "53,3%", 1/16 -> "6,3%" (not 6,2)."""
    return num(int(percent_tenths(ratio) or 0) / 10) + "%"


def cited(text: str, cite: str) -> str:
    """A reason: what the rule did, then its legal source."""
    return f"{text.rstrip('.')} — căn cứ: {cite}."


def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics, for comparing free text (forms of discipline)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Mn").casefold().split())


def round_with(x: float, how: str) -> int:
    x = round(x, 9)  # 0.2 × 5 must be exactly 1
    if how == "ceil":
        return math.ceil(x)
    if how == "round":
        return math.floor(x + 0.5)
    return math.floor(x)


def who(name: str, code: str) -> str:
    return f"{name} ({code})"


# ---------------------------------------------------------------------------------------------
# Rule 1: the unit meeting's proposal, else the self-rating
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    level: str | None
    source: str | None  # "bieu_quyet" | "tu_xep_loai" | None
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def meeting_level(vote: Vote) -> str | None:
    """The highest level L whose votes for L or any better level are more than half of those present."""
    running = 0
    for level in ORDER:
        running += vote.phieu.get(level, 0)
        if 2 * running > vote.so_nguoi_du_hop:
            return level
    return None


def describe_votes(vote: Vote) -> str:
    parts = ", ".join(f"{WORDS[lv]} {vote.phieu.get(lv, 0)}" for lv in ORDER)
    return f"{vote.so_nguoi_du_hop} người dự họp; số phiếu: {parts}"


def _not_reached(vote: Vote, level: str | None) -> str:
    """The better levels that had votes but not more than half (e.g. exactly half)."""
    parts, running = [], 0
    for lv in ORDER:
        if lv == level:
            break
        running += vote.phieu.get(lv, 0)
        if running:
            half = " (đúng một nửa)" if 2 * running == vote.so_nguoi_du_hop else ""
            parts.append(f"từ mức {WORDS[lv]} trở lên chỉ có {running}/{vote.so_nguoi_du_hop} phiếu{half}")
    return "; " + ", ".join(parts) + ", không quá một nửa nên không đạt" if parts else ""


def htxs_share(vote: Vote | None) -> float:
    """Share of HTXS votes among those present (0 without a vote)."""
    if vote is None or vote.so_nguoi_du_hop <= 0:
        return 0.0
    return vote.phieu.get("HTXS", 0) / vote.so_nguoi_du_hop


def proposal(person: Person, vote: Vote | None, rb: Rulebook) -> Proposal:
    cite = rb.cite.procedure_for(person.loai_nhan_su)
    self_level = person.tu_xep_loai
    if vote is not None:
        level = meeting_level(vote)
        cite = f"{cite}; {rb.cite.meeting_threshold}"
        if level is not None:
            return Proposal(level, "bieu_quyet", (cited(
                f"Cuộc họp đánh giá đề xuất mức {WORDS[level]} ({describe_votes(vote)}): số phiếu từ mức này trở lên "
                f"quá một nửa số người dự họp{_not_reached(vote, level)}", cite),))
        if self_level:
            return Proposal(self_level, "tu_xep_loai", (cited(
                f"Biểu quyết không có mức nào được quá một nửa số người dự họp ({describe_votes(vote)}); lấy mức tự xếp loại "
                f"{WORDS[self_level]} làm mức đề xuất", cite),), (
                f"Biểu quyết không có mức nào được quá một nửa số người dự họp ({describe_votes(vote)}); "
                f"tạm lấy mức tự xếp loại {WORDS[self_level]}. Cần biểu quyết lại hoặc cấp có thẩm quyền quyết định.",))
        return Proposal(None, None, (), (
            f"Biểu quyết không có mức nào được quá một nửa số người dự họp ({describe_votes(vote)}) và chưa tự "
            "xếp loại: chưa có mức đề xuất.",))
    if self_level:
        return Proposal(self_level, "tu_xep_loai", (cited(
            f"Chưa có kết quả biểu quyết của cuộc họp đánh giá; lấy mức tự xếp loại {WORDS[self_level]} làm mức đề xuất",
            cite),))
    return Proposal(None, None, (), ("Chưa có kết quả biểu quyết và chưa tự xếp loại: chưa có mức đề xuất.",))


# ---------------------------------------------------------------------------------------------
# Points (ND 335/2025): criteria from TieuChi, else the rulebook's default list
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Points:
    total: float  # on the rulebook's scale (100)
    raw: float
    maximum: float  # sum of the criteria's maximum points (0 when unknown)
    by_group: tuple[tuple[str, float, float], ...] = ()  # (group, points, maximum)
    warnings: tuple[str, ...] = ()


def points_of(scores: Sequence[Score], criteria: Sequence[Criterion], rb: Rulebook) -> Points | None:
    """Total points of one person (evaluator's points, else self-assessed); None without any score."""
    if not scores:
        return None
    warnings: list[str] = []
    maxima = {c.ma_tieu_chi: c for c in criteria}
    got: dict[str, float] = {}
    for s in scores:
        pts = s.diem_danh_gia if s.diem_danh_gia is not None else s.diem_tu_cham
        if pts is None:
            continue
        c = maxima.get(s.ma_tieu_chi)
        if maxima and c is None:
            warnings.append(f"Tiêu chí «{s.ma_tieu_chi}» không có trong danh mục tiêu chí; điểm của tiêu chí này không được tính.")
            continue
        if c is not None and pts > c.diem_toi_da:
            warnings.append(f"Điểm tiêu chí «{s.ma_tieu_chi}» ({num(pts)}) vượt điểm tối đa {num(c.diem_toi_da)}; chỉ tính {num(c.diem_toi_da)}.")
            pts = c.diem_toi_da
        got[s.ma_tieu_chi] = got.get(s.ma_tieu_chi, 0.0) + pts
    if not got:
        return None
    missing = [c.ma_tieu_chi for c in criteria if c.ma_tieu_chi not in got]
    if missing:
        warnings.append("Chưa có điểm các tiêu chí: " + ", ".join(missing) + " (tính 0 điểm).")
    raw = round(sum(got.values()), 6)
    maximum = round(sum(c.diem_toi_da for c in criteria), 6)
    total = raw
    if maximum and abs(maximum - rb.points_scale) > 1e-9:
        total = round(raw * rb.points_scale / maximum, 6)
        warnings.append(f"Tổng điểm tối đa của các tiêu chí là {num(maximum)}; quy đổi {num(raw)}/{num(maximum)} "
                        f"thành {num(total)}/{num(rb.points_scale)}.")
    groups: dict[str, list[float]] = {}
    for c in criteria:
        g = groups.setdefault(c.nhom or "khac", [0.0, 0.0])
        g[0] += got.get(c.ma_tieu_chi, 0.0)
        g[1] += c.diem_toi_da
    return Points(total, raw, maximum, tuple((g, round(v[0], 6), v[1]) for g, v in groups.items()), tuple(warnings))


def points_level(total: float, rb: Rulebook) -> str:
    for level, minimum in rb.points_thresholds:
        if round(total, 6) >= minimum:
            return level
    return rb.points_thresholds[-1][0]


GROUP_WORDS = {"chung": "tiêu chí chung", "nhiem_vu": "kết quả thực hiện nhiệm vụ", "khac": "tiêu chí khác"}


def points_reason(p: Points, level: str, rb: Rulebook) -> str:
    detail = "; ".join(f"{GROUP_WORDS.get(g, g)} {exact(v)}/{num(m)}" for g, v, m in p.by_group)
    detail = f" ({detail})" if detail else ""
    return cited(f"Tổng điểm {exact(p.total)}/{num(rb.points_scale)}{detail}: mức {WORDS[level]}", rb.cite.points)


# ---------------------------------------------------------------------------------------------
# Rule 2: discipline in the evaluation year
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DisciplineOutcome:
    counted: tuple[Discipline, ...] = ()
    reasons: tuple[str, ...] = ()  # why the level is KHT, and why other decisions do not count
    warnings: tuple[str, ...] = ()
    unsure: bool = False  # counted although the data does not say whether an earlier year used the act
    # counted although ND 48's one-year rule would not count it: the rulebook has no such exception of its own
    # (ND 335/ND 233's text on it not seen, UNCONFIRMED): the competent authority decides
    contested: bool = False
    # the warnings about a decision's date (in force after the evaluation year; after the papers' «Ngày lập»), each
    # with its decision: the rating says them on the person (in `warnings` too), `hoso check` on the decision's
    # «Ngày hiệu lực» cell, in the same words
    dated: tuple[tuple[Discipline, str], ...] = ()


def contested_words(rb: Rulebook) -> str:
    """Why a decision on an act an earlier year already used still counts under `rb` (DisciplineOutcome.contested),
    in a clerk's words: ND 48's one-year rule would not count it, and whether `rb`'s text keeps it is not known."""
    document = rb.title.split(" (", 1)[0]
    return (f"hành vi vi phạm này đã là căn cứ xếp loại năm trước, theo Nghị định 48/2023/NĐ-CP quyết định này không được "
            f"tính; chưa xác định {document} (bộ quy tắc {rb.id}) có giữ ngoại lệ này, chương trình vẫn tính. Cấp có thẩm "
            "quyền xem xét.")


def discipline_label(d: Discipline) -> str:
    parts = ["Kỷ luật đảng" if d.loai_ky_luat == "dang" else "Kỷ luật hành chính"]
    if d.hinh_thuc:
        parts.append(f"hình thức {d.hinh_thuc.lower()}")
    if d.so_quyet_dinh:
        parts.append(f"quyết định số {d.so_quyet_dinh}")
    parts.append(f"có hiệu lực ngày {d.ngay_hieu_luc:%d/%m/%Y}")
    return ", ".join(parts)


def is_discipline_form(form: str, rb: Rulebook) -> bool | None:
    """True: a statutory form of discipline (khiển trách or heavier, bãi nhiệm for cán bộ); False: not a
    discipline ("phê bình", "nhắc nhở"); None: no form written."""
    folded = fold(form)
    if not folded:
        return None
    if not rb.discipline_forms:
        return True
    return any(f in folded for f in rb.discipline_forms)


def disciplines_in_year(discs: Iterable[Discipline], year: int, rb: Rulebook,
                        drawn_up: dt.date | None = None) -> DisciplineOutcome:
    """Which of one person's decisions count for `year`, with the exceptions (b) and (c) of ND 48.

    (b)/(c): an act counts for one evaluation year only. The workbook says which year used it in
    `da_tinh_nam` (on any decision of the act). When an earlier decision of the same act exists and
    no year is recorded, the data does not say whether the earlier year used it: the act counts now
    ("nếu năm trước chưa tính thì năm sau tính") and a warning asks the clerk to check.

    `drawn_up` is the papers' date (CoQuan «Ngày lập»): a decision of the year in force only after it is counted
    (it is in the year), with a warning: the papers signed that day would cite a decision not yet in force."""
    discs = sorted(discs, key=lambda d: (d.ngay_hieu_luc, d.loai_ky_luat, d.so_quyet_dinh))
    acts: dict[str, list[Discipline]] = {}
    for d in discs:
        if d.ma_hanh_vi:
            acts.setdefault(d.ma_hanh_vi.casefold(), []).append(d)
    counted: list[Discipline] = []
    reasons: list[str] = []
    warnings: list[str] = []
    dated: list[tuple[Discipline, str]] = []
    any_unsure = contested = False
    for d in discs:
        if d.ngay_hieu_luc.year == year and drawn_up is not None and d.ngay_hieu_luc > drawn_up:
            dated.append((d, f"{discipline_label(d)}: có hiệu lực sau ngày lập hồ sơ {drawn_up:%d/%m/%Y} (sheet CoQuan, "
                             f"«Ngày lập»). Quyết định có hiệu lực trong năm đánh giá {year} nên chương trình vẫn tính "
                             f"({rb.cite.discipline}), nhưng các văn bản ký ngày {drawn_up:%d/%m/%Y} ghi một quyết định "
                             "khi đó chưa có hiệu lực. Kiểm tra lại ngày hiệu lực hoặc ngày lập hồ sơ."))
            warnings.append(dated[-1][1])
        if d.ngay_hieu_luc.year > year and not d.da_tinh_nam:
            # ND 48 cl. 5a counts discipline "trong năm đánh giá": a later decision is not this year's; 5b:
            # when the act itself was the basis of a KHT this year, the later decision is not counted again
            later = d.ngay_hieu_luc.year
            then = for_year(later)
            if then.discipline_exceptions or not rb.discipline_exceptions:
                once = f"để năm {later} không tính lại ({rb.cite.discipline_b})."
            else:
                # 2025 → 2026: ND 48's one-year rule amended ND 90; the year of the decision is rated under a
                # rulebook without it (ND 335's own rule was not seen): the next year counts it, with a warning
                once = (f"({rb.cite.discipline_b}). Năm {later} xếp loại theo bộ quy tắc {then.id}, chưa xác định có "
                        f"ngoại lệ này: quyết định vẫn được tính để xếp loại năm {later}, kèm cảnh báo để cấp có thẩm "
                        "quyền xem xét.")
            dated.append((d, f"{discipline_label(d)}: có hiệu lực sau năm đánh giá {year}, không tính để xếp loại năm "
                             f"{year} ({rb.cite.discipline}). Nếu cấp có thẩm quyền đã dùng chính hành vi vi phạm này làm "
                             f"căn cứ xếp loại Không hoàn thành nhiệm vụ năm {year}, ghi {year} vào cột «Đã tính năm» "
                             + once))
            warnings.append(dated[-1][1])
        if d.ngay_hieu_luc.year != year:
            continue
        label = discipline_label(d)
        if rb.discipline_requires_duty and not d.lien_quan_cong_vu:
            reasons.append(cited(f"{label}: vi phạm không liên quan đến hoạt động công vụ, không là căn cứ xếp loại "
                                 "Không hoàn thành nhiệm vụ", rb.cite.discipline))
            continue
        statutory = is_discipline_form(d.hinh_thuc, rb)
        if statutory is None and rb.discipline_forms:
            warnings.append(f"{label}: chưa ghi hình thức kỷ luật; chương trình coi là hình thức kỷ luật từ khiển trách "
                            "trở lên. Kiểm tra lại.")
        elif statutory is False:
            reasons.append(cited(f"{label}: «{d.hinh_thuc}» không phải là hình thức kỷ luật (các hình thức kỷ luật từ "
                                 "khiển trách trở lên), không là căn cứ xếp loại Không hoàn thành nhiệm vụ",
                                 f"{rb.cite.discipline}; {rb.cite.discipline_forms}"))
            continue
        same_act = acts.get(d.ma_hanh_vi.casefold(), [d]) if d.ma_hanh_vi else [d]
        act = f"«{d.ma_hanh_vi}»" if d.ma_hanh_vi else "này"
        exceptions: list[str] = []
        unsure: list[str] = []
        used = sorted({x.da_tinh_nam for x in same_act if x.da_tinh_nam and x.da_tinh_nam < year})
        earlier = [x for x in same_act if x.ngay_hieu_luc.year < year]
        if used:
            u = used[-1]
            before = [x for x in earlier if x.ngay_hieu_luc.year <= u]
            if before:  # a decision of the act was in force in the year that used it: (c)
                what = "; ".join(discipline_label(x) for x in before)
                exceptions.append(cited(
                    f"{label}: cùng hành vi vi phạm {act} với quyết định đã có hiệu lực trước đó ({what}); theo cột «Đã "
                    f"tính năm», hành vi này đã là căn cứ xếp loại năm {u}; hành vi chỉ tính là căn cứ xếp loại ở một "
                    f"năm đánh giá, nên không tính năm {year}", rb.cite.discipline_c))
            else:  # used before any decision existed: (b)
                exceptions.append(cited(
                    f"{label}: theo cột «Đã tính năm», hành vi vi phạm {act} đã được dùng làm căn cứ xếp loại Không "
                    f"hoàn thành nhiệm vụ năm {u} khi chưa có quyết định kỷ luật, nên quyết định này không được tính "
                    f"để xếp loại năm {year}", rb.cite.discipline_b))
        elif earlier:
            first = min(x.ngay_hieu_luc.year for x in earlier)
            what = "; ".join(discipline_label(x) for x in earlier)
            unsure.append(
                f"{label}: cùng hành vi vi phạm {act} với quyết định có hiệu lực năm {first} ({what}). Sổ Excel không ghi "
                f"năm nào đã dùng hành vi này làm căn cứ xếp loại (cột «Đã tính năm» để trống). Hành vi chỉ tính ở một "
                f"năm đánh giá ({rb.cite.discipline_c}): nếu năm {first} chưa tính thì tính ở năm {year}, chương trình "
                f"tính ở năm {year}. Nếu năm {first} đã xếp loại Không hoàn thành nhiệm vụ vì hành vi này, ghi {first} "
                f"vào cột «Đã tính năm» rồi chạy lại.")
        if exceptions and rb.discipline_exceptions:
            reasons.extend(exceptions)
            continue
        if exceptions:
            warnings.append(f"{label}: {contested_words(rb)}")
            contested = True
        warnings.extend(unsure)
        any_unsure = any_unsure or bool(unsure)
        counted.append(d)
        cite = rb.cite.discipline + (f"; {rb.cite.discipline_c}" if unsure else "")
        reasons.append(cited(f"{label}, trong năm đánh giá {year}: xếp loại ở mức Không hoàn thành nhiệm vụ", cite))
    return DisciplineOutcome(tuple(counted), tuple(reasons), tuple(warnings), unsure=any_unsure, contested=contested,
                             dated=tuple(dated))


# ---------------------------------------------------------------------------------------------
# Rule 3: time worked, lawful absence, maternity leave
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeOutcome:
    rated: bool
    ceiling: str | None = None  # None: no ceiling from this rule
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def time_rules(person: Person, rb: Rulebook) -> TimeOutcome:
    """ND 90 Art. 2 cl. 3. "Thời gian công tác trong năm chưa đủ 06 tháng" is read as the time actually
    worked: months in post minus lawful absence (`so_thang_nghi`), except maternity leave."""
    months, absent = person.so_thang_cong_tac, person.so_thang_nghi
    cite = rb.cite.months
    if person.nghi_thai_san:
        warnings: tuple[str, ...] = ()
        if absent >= rb.absence_cap_from and rb.absence_ceiling is not None:
            warnings = (f"Có ghi {num(absent)} tháng nghỉ cùng với nghỉ thai sản: thời gian nghỉ thai sản không làm giới hạn "
                        "mức xếp loại. Nếu trong đó có thời gian nghỉ khác từ 03 đến dưới 06 tháng thì không được xếp "
                        "từ Hoàn thành tốt nhiệm vụ trở lên; cấp có thẩm quyền xem xét.",)
        return TimeOutcome(True, None, (cited(
            f"Nghỉ chế độ thai sản (công tác {num(months)} tháng trong năm): vẫn đánh giá, xếp loại bình thường; "
            "kết quả là kết quả của thời gian làm việc thực tế trong năm", cite),), warnings)
    if months < rb.min_months:
        return TimeOutcome(False, None, (cited(
            f"Công tác {num(months)} tháng trong năm, chưa đủ {num(rb.min_months)} tháng và không nghỉ thai sản: không "
            "thực hiện đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm thời gian công tác trong năm", rb.cite.months_in_post),))
    worked = months - absent
    if worked < rb.min_months:
        return TimeOutcome(False, None, (cited(
            f"Công tác {num(months)} tháng trong năm nhưng nghỉ không tham gia công tác {num(absent)} tháng (không phải "
            f"nghỉ thai sản): thời gian công tác thực tế {num(worked)} tháng, chưa đủ {num(rb.min_months)} tháng, nên không "
            "thực hiện đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm thời gian công tác trong năm", cite),))
    if rb.absence_ceiling is None:  # ND 335 Art. 21: leave is rated on the actual period of work, no ceiling
        if not absent:
            return TimeOutcome(True)
        return TimeOutcome(True, None, (cited(
            f"Nghỉ không tham gia công tác theo quy định {num(absent)} tháng trong năm, thời gian công tác thực tế "
            f"{num(worked)} tháng: xếp loại theo kết quả trong thời gian công tác thực tế, thời gian nghỉ không giới hạn "
            "mức xếp loại", cite),))
    if rb.absence_cap_from <= absent < rb.absence_cap_to:
        return TimeOutcome(True, rb.absence_ceiling, (cited(
            f"Nghỉ không tham gia công tác theo quy định {num(absent)} tháng trong năm (từ {num(rb.absence_cap_from)} đến "
            f"dưới {num(rb.absence_cap_to)} tháng): vẫn đánh giá nhưng không xếp loại từ Hoàn thành tốt nhiệm vụ trở lên "
            f"(mức tối đa {WORDS[rb.absence_ceiling]})", cite),))
    if absent >= rb.absence_cap_to:
        return TimeOutcome(True, None, (), (
            f"Nghỉ {num(absent)} tháng trong năm (từ {num(rb.absence_cap_to)} tháng trở lên), thời gian công tác thực tế "
            f"{num(worked)} tháng: quy định chỉ giới hạn mức với thời gian nghỉ từ 03 đến dưới 06 tháng; cấp có thẩm "
            "quyền xem xét.",))
    return TimeOutcome(True)


def transfer_rule(person: Person, rb: Rulebook, sent: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ND 90 Art. 20 cl. 1 (rules.md R4): someone transferred in during the year is rated by the new
    agency, combining the old agency's opinion when they worked there 6 months or more. (reasons, warnings);
    nothing when the rulebook has no such citation (from 2026: KetQuaKy `don_vi_danh_gia`), and then a
    warning pointing to that column only when none of the person's periods uses it (`sent` False)."""
    cite, months = rb.cite.transfer, person.so_thang_co_quan_cu
    if not (person.co_quan_cu or months is not None):
        return (), ()
    if not cite and sent:  # the clerk wrote the old agency's periods too: nothing to point to (audit 33)
        return (), ()
    if not cite:  # from 2026 the old agency's results are periods of sheet KetQuaKy
        return (), ("Các cột «Cơ quan, đơn vị cũ (chuyển đến trong năm)», «Số tháng công tác ở cơ quan cũ» không dùng cho "
                    f"bộ quy tắc {rb.id}: ghi kết quả các tháng, quý do cơ quan cũ đánh giá ở sheet KetQuaKy (cột «Cơ quan, "
                    "đơn vị đánh giá kỳ»).",)
    where = person.co_quan_cu or "cơ quan, đơn vị cũ"
    if months is None:
        return (cited(f"Chuyển đến trong năm từ {where}: cơ quan, đơn vị mới đánh giá, xếp loại chất lượng", cite),), (
            f"Chưa ghi số tháng công tác ở {where} (cột «Số tháng công tác ở cơ quan cũ»): nếu từ 06 tháng trở lên thì "
            f"đánh giá, xếp loại phải kết hợp ý kiến nhận xét của cơ quan, đơn vị cũ ({cite}).",)
    if months >= 6:
        return (cited(f"Chuyển đến trong năm từ {where}, công tác ở đó {num(months)} tháng (từ 06 tháng trở lên): cơ quan, "
                      f"đơn vị mới đánh giá, xếp loại chất lượng có kết hợp ý kiến nhận xét của {where}", cite),), (
            f"Cần có ý kiến nhận xét của {where} (công tác ở đó {num(months)} tháng trong năm) trước khi cấp có thẩm "
            f"quyền quyết định mức xếp loại, và lưu ý kiến đó cùng hồ sơ ({cite}).",)
    return (cited(f"Chuyển đến trong năm từ {where}, công tác ở đó {num(months)} tháng (dưới 06 tháng): cơ quan, đơn vị "
                  "mới đánh giá, xếp loại chất lượng", cite),), ()


# ---------------------------------------------------------------------------------------------
# Rule 4: the HTXS cap per comparable group
# ---------------------------------------------------------------------------------------------
def cap_for(htt_total: int, ratio: float, rounding: str) -> int:
    """HTXS allowed for a final HTT count."""
    return max(0, round_with(ratio * htt_total, rounding))


def htxs_allowed(htt: int, htxs: int, ratio: float, rounding: str, fixed_htxs: int = 0, fixed_htt: int = 0) -> int:
    """Largest k <= htxs proposals kept with fixed_htxs + k <= round(ratio × HTT): those moved down count as
    HTT. `fixed_htxs` / `fixed_htt`: people whose level was decided (they take their places first)."""
    for k in range(htxs, -1, -1):
        if fixed_htxs + k <= cap_for(fixed_htt + htt + htxs - k, ratio, rounding):
            return k
    return 0


def cap_explanation(htt: int, htxs: int, keep: int, ratio: float, rounding: str, fixed_htxs: int = 0,
                    fixed_htt: int = 0, label: str = "") -> str:
    """The cap computation in words (no codes, no algebra), for the reasons and the outputs."""
    how = ROUNDING_WORDS.get(rounding, rounding)
    r = pct(ratio)
    hxs, ht = WORDS["HTXS"], WORDS["HTT"]
    name = f"Nhóm «{label}»" if label else "Nhóm"
    parts = [f"{htt} người đề xuất {ht}", f"{htxs} người đề xuất {hxs}"]
    if fixed_htt:
        parts.append(f"{fixed_htt} người đã được quyết định {ht}")
    if fixed_htxs:
        parts.append(f"{fixed_htxs} người đã được quyết định {hxs} (giữ chỗ trước trong tỷ lệ)")
    text = f"{name} có " + ", ".join(parts) + "."
    total = fixed_htxs + keep
    base = fixed_htt + htt + htxs - keep
    allowed = cap_for(base, ratio, rounding)
    if htxs or fixed_htxs:
        moved = f" (người đề xuất mức này mà không được giữ thì xếp {ht})" if htxs else ""
        if total:
            text += f" Giữ {total} người {hxs}{moved} thì nhóm có {base} người {ht}"
        else:
            text += f" Không giữ ai ở mức {hxs}{moved} thì nhóm có {base} người {ht}"
        text += f"; {r} của {base} là {num(ratio * base)}, {how} được {allowed}"
        incl = f" (kể cả {fixed_htxs} người đã được quyết định)" if fixed_htxs else ""
        if total < allowed:
            # room for more than are kept: the limit is not this figure — say what it allows, and
            # conclude only after the next step (never «được 2, nên được giữ tối đa 1»)
            if keep == htxs:
                text += f", nên giữ được cả {total} người {hxs}{incl}"
            elif total:
                text += f", đủ cho {total} người {hxs}{incl}"
        elif total == allowed:
            text += f", nên được giữ tối đa {total} người {hxs}{incl}" if total else f", nên không giữ được người {hxs} nào"
        if keep < htxs and total <= allowed:
            base2 = base - 1
            text += (f"; nếu giữ {total + 1} người thì chỉ còn {base2} người {ht}, {r} của {base2} là "
                     f"{num(ratio * base2)}, {how} được {cap_for(base2, ratio, rounding)}, ít hơn {total + 1}")
            if total < allowed:
                text += (f"; vậy được giữ tối đa {total} người {hxs}{incl}" if total
                         else f"; vậy không giữ được người {hxs} nào")
        if total > allowed:
            text += (f"; số người đã được quyết định {hxs} ({fixed_htxs}) đã vượt tỷ lệ, không giữ thêm người đề xuất "
                     "nào")
        text += "."
    else:
        text += f" Không có ai đề xuất {hxs}."
    return text


@dataclass(frozen=True)
class Candidate:
    """One HTXS proposal competing for the group's places."""

    ma_so: str
    ho_ten: str
    share: float  # HTXS votes / members present
    points: float | None

    @property
    def key(self) -> tuple[float, float]:
        return (round(self.share, 9), -1.0 if self.points is None else round(self.points, 6))


def rank_candidates(cands: Sequence[Candidate]) -> list[Candidate]:
    """Who stays first: highest HTXS vote share, then higher points, then ma_so (deterministic)."""
    return sorted(cands, key=lambda c: (-c.key[0], -c.key[1], c.ma_so))


def tie_at_cut(ranked: Sequence[Candidate], keep: int) -> list[Candidate]:
    """People tied with the last kept one when the tie straddles the cut (the order decided it)."""
    if keep <= 0 or keep >= len(ranked):
        return []
    last = ranked[keep - 1].key
    tied = [c for c in ranked if c.key == last]
    return tied if any(ranked.index(c) >= keep for c in tied) else []


# ---------------------------------------------------------------------------------------------
# ND 90 leaders: the units under their authority (Art. 4, 8–10, 12–14 c/d)
# ---------------------------------------------------------------------------------------------
def unit_results_warning(person: Person, final: str | None, units: Sequence[Unit], rb: Rulebook) -> str | None:
    """The agency head's level against the levels of the units under him (DonVi.muc_xep_loai_don_vi,
    his own unit left out): HTT or better needs "100% đơn vị thuộc thẩm quyền … hoàn thành nhiệm vụ trở
    lên, trong đó ít nhất 70% hoàn thành tốt hoặc hoàn thành xuất sắc nhiệm vụ", HT "ít nhất 70% …
    hoàn thành nhiệm vụ trở lên" (rules.md R2.1–R2.3). A warning (R2.4: people decide), ND 90 only."""
    cite = rb.cite.unit_results_for(person.loai_nhan_su)
    if not cite or not final:
        return None
    levels = [u.muc_xep_loai_don_vi for u in units if u.muc_xep_loai_don_vi and u.ma_don_vi != person.ma_don_vi]
    n = len(levels)
    if not n:
        return None
    ht_up = sum(1 for lv in levels if lv and RANK[lv] >= RANK["HT"])
    htt_up = sum(1 for lv in levels if lv and RANK[lv] >= RANK["HTT"])
    counts = (f"trong {n} đơn vị thuộc thẩm quyền đã có mức xếp loại (sheet DonVi), {ht_up} đơn vị {WORDS['HT'].lower()} "
              f"trở lên, {htt_up} đơn vị {WORDS['HTT'].lower()} trở lên")
    if RANK[final] >= RANK["HTT"] and (ht_up < n or 10 * htt_up < 7 * n):
        need = (f"mức {WORDS['HTT']} trở lên cần 100% đơn vị thuộc thẩm quyền {WORDS['HT'].lower()} trở lên, trong "
                f"đó ít nhất 70% {WORDS['HTT'].lower()} hoặc {WORDS['HTXS'].lower()}")
    elif final == "HT" and 10 * ht_up < 7 * n:
        need = f"mức {WORDS['HT']} cần ít nhất 70% đơn vị thuộc thẩm quyền {WORDS['HT'].lower()} trở lên"
    else:
        return None
    return (f"Người đứng đầu cơ quan xếp loại {WORDS[final]} nhưng {counts}: {need}. Cấp có thẩm quyền xem xét — "
            f"căn cứ: {cite}.")


# ---------------------------------------------------------------------------------------------
# Rule 6: party-member level vs civil-service level
# ---------------------------------------------------------------------------------------------
def party_warnings(person: Person, final: str | None, rated: bool, rb: Rulebook,
                   disciplines: Iterable[Discipline] = (), year: int | None = None) -> tuple[str, ...]:
    out = list(_self_party_warning(person, final, rated, rb))
    out += _disciplined_party_warning(person, final, disciplines, year, rb)
    party = person.muc_dang_vien
    if not party:
        return tuple(out)
    if not person.dang_vien:
        out.append(f"Có ghi mức xếp loại đảng viên ({WORDS[party]}) nhưng không ghi là đảng viên; kiểm tra lại.")
    if not rated:
        out.append(f"Mức xếp loại đảng viên {WORDS[party]} nhưng người này không được xếp loại chất lượng năm nay; "
                   f"kiểm tra lại — căn cứ: {rb.cite.party}.")
    elif final and RANK[party] > RANK[final]:
        out.append(f"Mức xếp loại đảng viên ({WORDS[party]}) cao hơn mức xếp loại cán bộ, công chức, viên chức "
                   f"({WORDS[final]}); kiểm tra lại — căn cứ: {rb.cite.party}.")
    return tuple(out)


# A party member disciplined in the year is rated «Không hoàn thành nhiệm vụ» as a party member: QĐ 124-QĐ/TW
# (rules.md R6, S59: "bị xử lý kỷ luật trong năm"), for the reviews of 2023 and 2024. QĐ 366-QĐ/TW replaced it for
# the 2025 review onward; its text was not read (regime-2026.md §3): whether it keeps the case is UNCONFIRMED, and
# the warning says so. Any discipline, party or administrative, khiển trách or heavier, in force in the year —
# also one the state side does not count (not related to public duty, ND 335 / ND 233).
_PARTY_DISCIPLINE_FROM = 2023
_QD124_DISCIPLINE = "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị (đảng viên bị xử lý kỷ luật trong năm)"
_QD366_DISCIPLINE = (f"{_QD124_DISCIPLINE}; Quy định số 366-QĐ/TW ngày 30/8/2025 thay thế Quy định này, chưa đối chiếu "
                     "được điều khoản tương ứng")


def _disciplined_party_warning(person: Person, final: str | None, disciplines: Iterable[Discipline],
                               year: int | None, rb: Rulebook) -> tuple[str, ...]:
    """The member's party level (his own on Mẫu 2A/2B, or `muc_dang_vien`) above KHT while a discipline of his
    is in force in the year: the party rates him KHT (above). Said here only when the state level of the year is not
    KHT (else `_self_party_warning` / `party_warnings` already say that his party level is above it). Not for a
    member outside this year's party review."""
    if year is None or year < _PARTY_DISCIPLINE_FROM or not person.dang_vien or person.khong_kiem_diem_dang_vien:
        return ()
    if final == "KHT":
        return ()
    found = [d for d in disciplines if d.ma_so == person.ma_so and d.ngay_hieu_luc.year == year
             and is_discipline_form(d.hinh_thuc, rb) is not False]
    if not found:
        return ()
    cite = _QD124_DISCIPLINE if year < 2025 else _QD366_DISCIPLINE
    what = "; ".join(discipline_label(d) for d in found)
    out = []
    for level, said in ((person.tu_xep_loai_dang_vien, "Tự xếp loại đảng viên {} (in ở bản kiểm điểm cá nhân)"),
                        (person.muc_dang_vien, "Mức xếp loại đảng viên {}")):
        if level and level != "KHT":
            out.append(f"{said.format(WORDS[level])} nhưng bị kỷ luật trong năm {year} ({what}): đảng viên bị xử lý "
                       f"kỷ luật trong năm xếp loại Không hoàn thành nhiệm vụ; kiểm tra lại với đảng viên, chi bộ trước "
                       f"khi in — căn cứ: {cite}.")
    return tuple(out)


def _self_party_warning(person: Person, final: str | None, rated: bool, rb: Rulebook) -> tuple[str, ...]:
    """The member's own party level (`tu_xep_loai_dang_vien`, printed underlined on his Mẫu 2A/2B above the
    state block) against the state level of the same year, the basis of the party's (rules.md R6; the
    "party level not above the state level" link is HD 21's, UNCONFIRMED for QĐ 366: a warning, as for
    `muc_dang_vien`). Not for a member outside this year's party review (no 2A/2B printed) nor for someone
    the state side does not rate."""
    own = person.tu_xep_loai_dang_vien
    if not (own and person.dang_vien and rated and final) or person.khong_kiem_diem_dang_vien:
        return ()
    if RANK[own] <= RANK[final]:
        return ()
    undecided = "" if person.muc_quyet_dinh else ", chưa quyết định"
    return (f"Tự xếp loại đảng viên {WORDS[own]} (in ở bản kiểm điểm cá nhân) cao hơn mức xếp loại cán bộ, công chức, "
            f"viên chức ({WORDS[final]}{undecided}); kiểm tra lại với đảng viên trước khi in — căn cứ: {rb.cite.party}.",)


# The party's own 20 % (rules.md R5.1 item 2, regime-2026.md §7 item 4): «số lượng cá nhân được đề nghị xếp loại
# 'Hoàn thành xuất sắc nhiệm vụ' không vượt quá 20% số được đề nghị xếp loại 'Hoàn thành tốt nhiệm vụ'» (QĐ 124, seed
# 001), for the reviews of 2023 and 2024; QĐ 366 + HD 43 from the 2025 review, as the rulebooks already cite them for
# the cap (their article UNCONFIRMED: the warning says so). Over the members of the workbook whose party level is given
# (NhanSu `muc_dang_vien`, checked once every member in the year's review has it), those outside the review left out:
# the party committee sets the real scope (the tổ chức cơ sở đảng, HD 21; the groups of similar duties, QĐ 124) — a
# warning, never a level changed.
_PARTY_CAP_FROM = 2023
_QD124_CAP = "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày 10/11/2023"
_QD366_CAP = ("Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 "
              "(điều khoản chưa đối chiếu được; Quy định số 124-QĐ/TW ngày 04/10/2023 quy định như vậy)")


def party_cap_warnings(people: Iterable[Person], year: int, rb: Rulebook) -> tuple[str, ...]:
    """The party members given «Hoàn thành xuất sắc nhiệm vụ» as their party level (`muc_dang_vien`) against 20 % of
    those given «Hoàn thành tốt nhiệm vụ», rounded as the rulebook rounds the state cap; () when within it, before
    2023, or until every member in the year's review has his party level (one or two typed give no ratio)."""
    if year < _PARTY_CAP_FROM:
        return ()
    members = [p for p in people if p.dang_vien and not p.khong_kiem_diem_dang_vien]
    if not members or not all(p.muc_dang_vien for p in members):  # a level or two typed: no ratio to check yet
        return ()
    htxs = [p for p in members if p.muc_dang_vien == "HTXS"]
    htt = sum(1 for p in members if p.muc_dang_vien == "HTT")
    allowed = cap_for(htt, rb.htxs_ratio, rb.htxs_rounding)
    if len(htxs) <= allowed:
        return ()
    how = ROUNDING_WORDS.get(rb.htxs_rounding, rb.htxs_rounding)
    names = ", ".join(f"{p.ho_ten} ({p.ma_so})" for p in htxs)
    cite = _QD124_CAP if year < 2025 else _QD366_CAP
    return (f"Cột «Mức xếp loại đảng viên» (sheet NhanSu) có {len(htxs)} đảng viên {WORDS['HTXS']} ({names}), vượt tỷ "
            f"lệ: tối đa "
            f"{pct(rb.htxs_ratio)} × {htt} đảng viên {WORDS['HTT']} = {num(rb.htxs_ratio * htt)} → {allowed} ({how}); "
            f"cấp ủy xem xét lại trước khi quyết định (tỷ lệ tính trên các đảng viên của sổ này; phạm vi tính do cấp ủy "
            f"xác định) — căn cứ: {cite}.",)
