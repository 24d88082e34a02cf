"""Render contexts of unit and agency documents (minutes, collective review, ballot count,
summary tables, notice of results), as plain JSON-able data. Documented in docs/render-context.md."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipeline.forms import context_2026, signers  # context_2026: the 2026 forms (form set nd335)
from pipeline.forms.can_cu import citations
from pipeline.forms.context import (
    agency_context,
    date_line,
    dotted,
    printed_ratings,
    unit_body,
    unit_context,
    vn_upper,
)
from pipeline.forms.layout import gap_always
from pipeline.forms.printed import group_label, header_left, name_case, readable, short_reason
from pipeline.forms.registry import FormSpec
from pipeline.ingest import chairs, schema
from pipeline.ingest.model import Campaign, Person, Unit
from pipeline.plan import chi_bo_units, review_order
from pipeline.rating import agency_kind
from pipeline.rating.groups import HEAD_GROUP
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import PersonRating, Ratings
from pipeline.rating.rules import pct_whole

if TYPE_CHECKING:
    from pipeline.rating.rulebooks import Rulebook

DANH_HIEU = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
VAI_TRO = {"truong": "Người đứng đầu", "pho": "Cấp phó", "nhan_vien": ""}


def _num(n: float | int | None) -> str:
    return "" if n is None else f"{n:g}" if isinstance(n, float) else str(n)


def level_reason(pr: PersonRating, campaign: Campaign) -> str:
    """Why the final level (`muc_cuoi`) differs from the meeting's vote (`muc_hop`), in words with
    its legal basis, from the rating's own reasons; "" when they agree (or there was no vote)."""
    if not pr.rated or pr.muc_cuoi is None:
        return ""
    final = WORDS[pr.muc_cuoi]
    if pr.muc_quyet_dinh and pr.muc_quyet_dinh != pr.muc_de_xuat:
        return f"Cấp có thẩm quyền đánh giá quyết định mức {final}."
    if pr.muc_hop is None or pr.muc_cuoi == pr.muc_hop:
        return ""
    # from 2026 the year score sets the level, not the vote: the score, the level it gives and the voted
    # level's threshold (a vote above it) or the level's own (a vote below it), never a cut points reason
    by_points = points_reason(campaign.person(pr.ma_so), pr, campaign, pr.muc_hop, "biểu quyết")
    if by_points:
        return by_points
    picks = ([t for t in pr.ly_do if f"xuống {final}" in t] or [t for t in pr.ly_do if final in t]
             or list(pr.ly_do[-1:]))
    if not picks:
        return ""
    return short_reason(readable(picks[-1], campaign, [pr.nhom_tuong_dong]))


def self_rating_reason(pr: PersonRating, tu_xep_loai: str | None, campaign: Campaign) -> str:
    """With no vote of the meeting, why the proposal (`muc_cuoi`) is below the person's own
    self-rating (months absent, discipline, the 20 % cap), in words with its legal basis, from the
    rating's own reasons; "" when they agree, when there was a vote (see `level_reason`) or a decision.
    From 2026 the year score sets the level, not the vote: a vote that agrees with a proposal a rule
    lowered from the points' level (TT-04 of tests/trung_tam_2026.py: 94,66, HTXS, the meeting HTT, the
    20 % cap HTT, self-rated HTXS; TT-12: the meeting KHT, a khiển trách KHT, self-rated HTT) has that rule's
    reason, as a vote lowered by it has (ND 90 years)."""
    points_set = (pr.nguon_de_xuat == "diem" and pr.muc_hop == pr.muc_cuoi and tu_xep_loai in ORDER
                  and pr.muc_cuoi in ORDER and ORDER.index(tu_xep_loai) < ORDER.index(pr.muc_cuoi))
    if (not pr.rated or pr.muc_cuoi is None or (pr.muc_hop is not None and not points_set) or pr.muc_quyet_dinh
            or not tu_xep_loai or pr.muc_cuoi == tu_xep_loai):
        return ""
    final = WORDS[pr.muc_cuoi]
    picks = [t for t in pr.ly_do if f"xuống {final}" in t]
    if not points_set:
        picks = picks or [t for t in pr.ly_do[1:] if final in t]
    return short_reason(readable(picks[-1], campaign, [pr.nhom_tuong_dong])) if picks else ""


def vote_below_self_reason(pr: PersonRating, tu_xep_loai: str | None, campaign: Campaign) -> str:
    """With a vote, why the meeting's level (`muc_hop`, the proposal) is below the person's own self-rating
    when the self-rated level — and each one between it and the meeting's — had ballots but not more than
    half of those present (VP-026 of the 2024 sample: Hoàn thành xuất sắc nhiệm vụ 3 of 6, exactly half):
    the counts with the vote's basis (the rating's vote reason: ND 90 Art. 18; the agency's rules). ""
    when the vote agrees with the self-rating, gave those levels no ballot at all, when the final level
    differs from the vote (see `level_reason`), with a decision, or when the level is not the vote's
    (from 2026 the year score gives it)."""
    vote = campaign.votes.get(pr.ma_so)
    if (not pr.rated or pr.muc_quyet_dinh or vote is None or pr.nguon_de_xuat != "bieu_quyet"
            or pr.muc_hop is None or pr.muc_cuoi != pr.muc_hop or tu_xep_loai not in ORDER
            or ORDER.index(tu_xep_loai) >= ORDER.index(pr.muc_hop)):
        return ""
    basis = next((short_reason(t).partition(" — căn cứ: ")[2] for t in pr.ly_do
                  if t.startswith("Cuộc họp đánh giá đề xuất mức") and " — căn cứ: " in t), "")
    parts, running = [], 0
    for lv in ORDER[:ORDER.index(pr.muc_hop)]:
        running += vote.phieu.get(lv, 0)
        if ORDER.index(lv) < ORDER.index(tu_xep_loai) or not running:
            continue  # a level above the person's own is not what the person asked for
        which = f"mức {WORDS[lv]}" if lv == ORDER[0] else f"từ mức {WORDS[lv]} trở lên"
        half = " (đúng một nửa)" if 2 * running == vote.so_nguoi_du_hop else ""
        parts.append(f"{which} chỉ có {running}/{_num(vote.so_nguoi_du_hop)} phiếu{half}")
    if not parts or not basis:
        return ""
    said = ", ".join(parts) + ", không quá một nửa số người dự họp nên không đạt"
    return f"{said[:1].upper()}{said[1:]} — căn cứ: {basis}"


def _below_points(p: Person, pr: PersonRating, campaign: Campaign) -> str:
    """Why a proposal is not the level its year score gives when neither the vote nor the self-rating
    differs from it (a KHT vote for someone disciplined in the year: 88 points, KHT), in words with its
    basis; "" otherwise (audit 33: the table printed «Điểm đánh giá năm: 88,00» beside KHT and no why)."""
    from pipeline.rating.rules import points_level

    if not pr.rated or not pr.muc_cuoi or pr.muc_quyet_dinh or pr.diem is None:
        return ""
    rb = _points_rulebook(p, pr, campaign)
    if not rb.points_based or points_level(pr.diem, rb) == pr.muc_cuoi:
        return ""
    final = WORDS[pr.muc_cuoi]
    picks = [t for t in pr.ly_do if f"xuống {final}" in t] or [t for t in pr.ly_do[1:] if final in t]
    return short_reason(readable(picks[-1], campaign, [pr.nhom_tuong_dong])) if picks else ""


def _points_rulebook(p: Person, pr: PersonRating, campaign: Campaign) -> Rulebook:
    from pipeline.rating.rulebooks import by_id, for_person

    return by_id(pr.bo_quy_tac) if pr.bo_quy_tac else for_person(campaign.year, p.loai_nhan_su, campaign.others_rulebook(p))


def _level_threshold(pr: PersonRating, level: str, by_points: str, campaign: Campaign) -> tuple[str, str]:
    """The threshold of `level` and its article as the rating's own points reason states them (the reason
    that gives `by_points` from the year score, its basis the rulebook's `cite.points`: «Điều 12 Nghị định
    233/2026/NĐ-CP: Hoàn thành xuất sắc nhiệm vụ từ 90 điểm, …»): ("từ 90 điểm", "Điều 12 Nghị định
    233/2026/NĐ-CP"); ("", "") when no reason states it."""
    words = WORDS[level]
    for reason in pr.ly_do:
        what, sep, basis = readable(reason, campaign).partition(" — căn cứ: ")
        if not sep or not what.endswith(f"mức {WORDS[by_points]}"):
            continue
        for part in basis.rstrip(" .").split("; "):
            article, colon, gloss = part.partition(": ")
            clause = next((c for c in gloss.split(", ") if c.startswith(f"{words} ")), "") if colon else ""
            if clause.endswith(" điểm"):
                return clause[len(words):].strip(), article.strip()
    return "", ""


def points_reason(p: Person, pr: PersonRating, campaign: Campaign, other: str | None, whose: str) -> str:
    """From 2026 (a points rulebook) the year score sets the level; when another level stands beside it —
    the self-rating (`whose` «tự xếp loại»), the meeting's vote («biểu quyết») — why the proposal is not that
    one, in one sentence: the score as the phiếu prints it, the level it gives and, for `other` above it, that
    level's threshold with its article, as the rating's points reason states them («Điểm đánh giá năm 89,45:
    mức Hoàn thành tốt nhiệm vụ, chưa đạt mức tự xếp loại Hoàn thành xuất sắc nhiệm vụ (từ 90 điểm) — căn
    cứ: Điều 12 Nghị định 233/2026/NĐ-CP.»); for `other` below it, the level's own threshold («Điểm đánh giá
    năm 75,62: mức Hoàn thành tốt nhiệm vụ (từ 70 đến dưới 90 điểm) — căn cứ: …»). "" unless the points set
    the level (not a decision, a discipline or another KHT case, the cap, a ceiling: those have their own
    reasons), with no printed year score (periods missing, someone not rated), when `other` is the level or
    none, or for an ND 90 year (no points)."""
    from pipeline.rating.rules import points_level

    if (not pr.rated or not pr.muc_cuoi or pr.muc_quyet_dinh or pr.diem is None or pr.nguon_de_xuat != "diem"
            or other not in ORDER or other == pr.muc_cuoi):
        return ""
    year = context_2026.score_text(context_2026.year_score(pr))
    rb = _points_rulebook(p, pr, campaign)
    if not year or not rb.points_based or points_level(pr.diem, rb) != pr.muc_cuoi:
        return ""
    above = ORDER.index(other) < ORDER.index(pr.muc_cuoi)
    threshold, article = _level_threshold(pr, other if above else pr.muc_cuoi, pr.muc_cuoi, campaign)
    if not threshold or not article:
        return ""
    what = (f"mức {WORDS[pr.muc_cuoi]}, chưa đạt mức {whose} {WORDS[other]} ({threshold})" if above
            else f"mức {WORDS[pr.muc_cuoi]} ({threshold})")
    return f"{SCORE_NOTE} {year}: {what} — căn cứ: {article}."


def points_below_self_reason(p: Person, pr: PersonRating, campaign: Campaign) -> str:
    """From 2026 (a points rulebook) the year score sets the level: when that level is below the person's own
    self-rating, why (`points_reason`; TT-05 of tests/trung_tam_2026.py, self-rated Hoàn thành xuất sắc
    nhiệm vụ: «Điểm đánh giá năm 89,45: mức Hoàn thành tốt nhiệm vụ, chưa đạt mức tự xếp loại Hoàn thành xuất
    sắc nhiệm vụ (từ 90 điểm) — căn cứ: Điều 12 Nghị định 233/2026/NĐ-CP.»); "" when the self-rating is not
    above the level, and whenever `points_reason` says nothing."""
    tu = p.tu_xep_loai
    if not pr.muc_cuoi or tu not in ORDER or ORDER.index(tu) >= ORDER.index(pr.muc_cuoi):
        return ""
    return points_reason(p, pr, campaign, tu, "tự xếp loại")


def _note(pr: PersonRating, campaign: Campaign, tu_xep_loai: str | None = None) -> str:
    if not pr.rated:
        return "Công tác trong năm dưới 06 tháng: không xếp loại, chỉ kiểm điểm"
    return (level_reason(pr, campaign) or self_rating_reason(pr, tu_xep_loai, campaign)
            or vote_below_self_reason(pr, tu_xep_loai, campaign) or context_2026.missing_periods_note(pr))


def _level_words(pr: PersonRating) -> str:
    """The level as a table cell: in words; someone not rated at all (under 6 months) «Không xếp
    loại»; someone rated whose periods are missing has no level yet, and the cell says so as the
    notice and the phiếu do («Chưa xếp loại: thiếu kết quả tháng 10/2026»), never «Không xếp loại»."""
    if pr.muc_cuoi:
        return WORDS[pr.muc_cuoi]
    if not pr.rated:
        return "Không xếp loại"
    return context_2026.missing_periods_note(pr) or "Chưa xếp loại"


_FAILING = ("Cần ", "cần ", "không", "Không", "chưa", "Chưa", "vượt", "Vượt", "dưới")


def emulation_reason(pr: PersonRating, campaign: Campaign) -> str:
    """Why someone proposed for a title is not eligible: every failing condition with its basis (a
    level missing and a ballot of exactly half both fail: the table names both, rev42)."""
    res = pr.thi_dua
    if res is None or res.du_dieu_kien or not res.ly_do:
        return ""
    fails = [t for t in res.ly_do if any(m in t.partition(" — căn cứ: ")[0] for m in _FAILING)]
    said = [short_reason(readable(t, campaign, [pr.nhom_tuong_dong])) for t in (fails or list(res.ly_do)[:1])]
    said = [x if i == 0 else x[:1].lower() + x[1:] for i, x in enumerate(said)]  # one sentence
    return "; ".join(x.rstrip(".") for x in said[:-1]) + ("; " if len(said) > 1 else "") + said[-1]


SCORE_NOTE = "Điểm đánh giá năm"  # as the 2026 phiếu names it (templates/phieu_nd335 `dong_diem_nam`)


def _member(i: int, p: Person, pr: PersonRating, campaign: Campaign, disciplined: set[str]) -> dict[str, Any]:
    vote = campaign.votes.get(p.ma_so)
    voted = vote is not None and any(vote.phieu.get(lv) for lv in ORDER)
    # no level while periods are missing: the minutes say why after the vote, as the notice does
    missing = context_2026.missing_periods_note(pr) if pr.rated and pr.muc_cuoi is None else ""
    reason = level_reason(pr, campaign) or (f"{missing}." if missing else "")
    # the proposal is below the self-rating: the minutes say why (no vote: months absent, …; a vote that
    # gave the self-rated level no more than half of those present: the counts and the rule)
    below_self = "" if reason else (self_rating_reason(pr, p.tu_xep_loai, campaign)
                                    or vote_below_self_reason(pr, p.tu_xep_loai, campaign)
                                    or points_below_self_reason(p, pr, campaign))
    # from 2026 the level comes from the year score: the summary shows it as the person's phiếu prints it
    # (none for someone not rated — under 6 months, no level — nor while periods are missing)
    year = context_2026.score_text(context_2026.year_score(pr) if pr.rated else None)
    # from 2026 the year score set a level below the self-rating (or other than the vote): the note is a
    # sentence that starts with the score itself, printed alone
    note = (_note(pr, campaign, p.tu_xep_loai) or (_below_points(p, pr, campaign) if year else "")
            or points_below_self_reason(p, pr, campaign))
    by_points = note if note.startswith(f"{SCORE_NOTE} ") else ""
    own = (p.tu_xep_loai or "") if pr.rated else ""
    return {
        "stt": i, "ma_so": p.ma_so, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "ngach": p.ngach_chuc_danh,
        "loai_nhan": schema.LOAI_NHAN_SU[p.loai_nhan_su], "vai_tro_nhan": VAI_TRO[p.vai_tro],
        "dang_vien": "x" if p.dang_vien else "", "nhom": group_label(pr.nhom_tuong_dong, campaign),
        # someone not rated (under 6 months) chooses no level: his phiếu prints «Không xếp loại» where the
        # self-rating goes (`dong_khong_xep_loai`), so the minutes and the table print none either, whatever
        # the workbook's «Tự xếp loại» holds (ND 90 Art. 2 cl. 3: «không thực hiện việc đánh giá, xếp loại»)
        "tu_xep_loai": own, "tu_xep_loai_chu": WORDS.get(own, ""),
        "so_du_hop": _num(vote.so_nguoi_du_hop) if vote else "",
        # someone not rated (under 6 months) with no ballot was not voted on: no counts, not «0 phiếu» each
        "phieu": {lv: (_num(vote.phieu.get(lv, 0)) if vote and (pr.rated or voted) else "") for lv in ORDER},
        "co_phieu": voted,  # a ballot for some level
        "muc_hop": pr.muc_hop or "", "muc_hop_chu": WORDS.get(pr.muc_hop or "", ""),
        "muc_de_xuat": pr.muc_de_xuat or "", "muc_de_xuat_chu": WORDS.get(pr.muc_de_xuat or "", ""),
        "muc_quyet_dinh": pr.muc_quyet_dinh or "", "muc_cuoi": pr.muc_cuoi or "",
        "muc_cuoi_chu": WORDS.get(pr.muc_cuoi or "", "Không xếp loại" if not pr.rated else ""),
        "khong_xep_loai": not pr.rated, "ky_luat": "x" if p.ma_so in disciplined else "",
        "thang_cong_tac": _num(p.so_thang_cong_tac), "thang_nghi": _num(p.so_thang_nghi) if p.so_thang_nghi else "",
        "diem_nam": year,
        "ghi_chu": by_points or (f"{SCORE_NOTE}: {year}" + (f". {note}" if note else "") if year else note),
        "khac_bieu_quyet": bool(reason) and bool(pr.muc_hop), "ly_do_muc": reason or below_self,
        "khac_tu_xep_loai": bool(below_self),
        # the agency's head: his level is for the superior body to decide (ND 90 Art. 16), the unit's
        # proposal table carries none for him — «Do <superior> đánh giá, xếp loại» ("" for the others)
        "cap_tren_danh_gia": rated_by_note(campaign, p) if signers.is_agency_head(campaign, p) else "",
    }


# What a deputy's post says of his own charge, never part of the head's post he signs «KT.» for: «Phó Trưởng
# phòng Quản lý văn hóa (phụ trách)», «Phó Trưởng phòng phụ trách», «Phó Giám đốc, phụ trách điều hành»,
# «Phó Giám đốc phụ trách lĩnh vực văn hóa» (audit hard: «KT. TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA (PHỤ TRÁCH)»).
_OWN_CHARGE = re.compile(r"\s*[(,;–-]?\s*\bphụ\s+trách\b.*$", re.IGNORECASE | re.DOTALL)


def _head_post(deputy: Person | None) -> str:
    """The head's post a deputy signs for: «Phó Trưởng phòng» -> «Trưởng phòng», «Phó Giám đốc» ->
    «Giám đốc», without what the deputy's post says of his own charge («(phụ trách)», «phụ trách lĩnh vực
    …»: the head's post is not «Trưởng phòng (phụ trách)»); "" when the deputy's post does not start with
    «Phó»."""
    rest = chairs.deputy_post(deputy.chuc_vu) if deputy else ""
    if not rest:
        return ""
    rest = _OWN_CHARGE.sub("", rest).strip()
    return rest[:1].upper() + rest[1:]


def _absentees(unit: Unit) -> list[str]:
    return chairs.absentees(unit)


def unit_chairs(campaign: Campaign, unit: Unit) -> tuple[Person | None, Person | None]:
    """The unit's head and the deputy present at its meeting who stands for him (the unit's papers' chair and
    signer: the head, else that deputy signing «KT.» for him — the one DonVi `cap_pho_phu_trach` names, else
    the first by name: pipeline.ingest.chairs). A unit without a head («truong») whose
    member is the agency head (a deputy in charge, CoQuan `nguoi_dung_dau`: the Ban Giám đốc of a Sở
    whose Giám đốc post is vacant) is headed by him. Someone the minutes list as absent (DonVi vang_mat,
    "Name (reason)") chairs nothing. Who chairs the head's own review is `review_chair`
    (pipeline.ingest.chairs)."""
    c = chairs.chairs(campaign, unit)
    return c.head, c.deputy


def review_chair(campaign: Campaign, unit: Unit) -> Person | None:
    """Who chairs the review of the unit's head (seed 001 II.2.c: «Khi kiểm điểm người đứng đầu thì phân công
    cấp phó chủ trì»): DonVi `chu_tri_khi_kiem_diem_truong`, else the deputy present (the first by name when
    there are several: `hoso check` warns); None: nobody known (the minutes print dots)."""
    return chairs.chairs(campaign, unit).review


def signs_for(campaign: Campaign, head: Person | None, deputy: Person | None, unit: Unit | None = None) -> str:
    """The head's post the unit's signer signs «KT.» for ("" none): with no head, the deputy's head's post;
    the agency head who is a deputy in charge, CoQuan `chuc_vu_cap_truong`, else his own post without «Phó».
    A leader heading `unit` concurrently (NhanSu `don_vi_kiem_nhiem`, not a member of it) signs as its head: no
    «KT.» (a Phó Chi cục trưởng kiêm Trưởng phòng signing the phòng's papers signs for nobody)."""
    if head is None:
        return _head_post(deputy)
    if unit is not None and head.ma_don_vi != unit.ma_don_vi:
        return ""
    if signers.is_agency_head(campaign, head) and campaign.agency.chuc_vu_cap_truong.strip():
        return campaign.agency.chuc_vu_cap_truong.strip()
    return _head_post(head) if head.vai_tro == "pho" else ""


def unit_signer_words(campaign: Campaign, unit: Unit) -> str:
    """Who signs the unit's papers for its head, as they print it, in words for the printing guide:
    «Người đứng đầu đơn vị (Trưởng phòng Nguyễn Văn A)»; with no head, the deputy «Cấp phó ký thay
    người đứng đầu đơn vị (KT. Trưởng phòng: Phó Trưởng phòng Lê B)» (so the deputy in charge of the
    agency heading its Ban Giám đốc); "" when the workbook names neither."""
    head, deputy = unit_chairs(campaign, unit)
    who = head or deputy
    if who is None:
        return ""
    words = " ".join(x for x in (who.chuc_vu.strip(), who.ho_ten) if x)
    post = signs_for(campaign, head, deputy, unit)
    if head is not None and not post:
        return f"Người đứng đầu đơn vị ({words})"
    return f"Cấp phó ký thay người đứng đầu đơn vị ({f'KT. {post}: ' if post else ''}{words})"


def _counts(prs: list[PersonRating]) -> dict[str, Any]:
    """Counts that add up to `tong`: the four levels, `khong_xep_loai` (not rated: under 6 months) and
    `chua_xep_loai` (rated, no level yet: periods missing)."""
    c = Counter((pr.muc_cuoi or "chua_xep_loai") if pr.rated else "khong_xep_loai" for pr in prs)
    return {**{lv: c.get(lv, 0) for lv in ORDER}, "khong_xep_loai": c.get("khong_xep_loai", 0),
            "chua_xep_loai": c.get("chua_xep_loai", 0), "tong": len(prs)}


def _reached(pr: PersonRating, title: str) -> str:
    """The title a person proposed for `title` (LDTT | CSTDCS) reaches under `pr`'s rating: the
    title's words, LĐTT only (a CSTĐCS short of its own standard, Art. 23 cl. 1 of the law), or ""."""
    res = pr.thi_dua
    if res is None:
        return ""
    if res.du_dieu_kien:
        return DANH_HIEU[title]
    return DANH_HIEU["LDTT"] if title == "CSTDCS" and res.dat_ldtt else ""


def decided_title_note(decided: PersonRating, reached: str, title: str, campaign: Campaign) -> str:
    """The row's note when the competent evaluator's decided level (`decided.muc_quyet_dinh`) takes
    away the title the meeting's proposal reached (`reached`): «Cấp có thẩm quyền xếp loại Hoàn thành
    nhiệm vụ: không đủ điều kiện danh hiệu Lao động tiên tiến (<the failing condition — căn cứ: …>)»;
    "" without a decision, or when the decision leaves the title as it was."""
    if not decided.muc_quyet_dinh or not reached:
        return ""
    now = _reached(decided, title)
    if now == reached:
        return ""
    # the rule, cited as the emulation reasons cite it (rules.md R7.1: LĐTT from HTT up)
    res = decided.thi_dua
    level = [t for t in (res.ly_do if res else ()) if t.startswith("Cần xếp loại")]
    why = short_reason(readable(level[0], campaign, [decided.nhom_tuong_dong])).partition(" — ")[2] if level else ""
    note = f"Cấp có thẩm quyền xếp loại {WORDS[decided.muc_quyet_dinh]}: không đủ điều kiện danh hiệu {reached}"
    if now:
        note += f", chỉ đạt danh hiệu {now}"
    elif level:
        note += " (danh hiệu cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên"
        note += f" — {why.rstrip('.')})" if why else ")"
    return note + "."


def _emulation_rows(people: list[Person], ratings: Ratings, campaign: Campaign,
                    decided: Ratings | None = None, members: int | None = None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The emulation rows as the meeting proposed them (`ratings`); `decided`: the ratings with the
    competent evaluator's decisions, for the note on a title a decided level takes away; `members`: the
    meeting's members, for a row whose ballots outnumber them (`phieu_toan_co_quan`)."""
    props = {e.ma_so: e for e in campaign.emulation}
    rows: list[dict[str, Any]] = []
    for p in people:
        prop = props.get(p.ma_so)
        pr = ratings.of(p.ma_so)
        if prop is None or pr.thi_dua is None:
            continue
        yes, total = prop.phieu_dong_y, prop.tong_so_phieu
        voted = yes is not None and bool(total)
        passed = voted and 2 * (yes or 0) > (total or 0)  # more than half of the ballots (rules.md R7.1)
        eligible = pr.thi_dua.du_dieu_kien
        # proposed for CSTĐCS, short of its standard or over its 15 % cap, but meeting LĐTT's (Art. 23 cl. 1
        # of the law: CSTĐCS presupposes LĐTT): the engine keeps the LĐTT (`dat_ldtt`); so does the paper
        ldtt_only = prop.danh_hieu == "CSTDCS" and not eligible and pr.thi_dua.dat_ldtt
        reached = DANH_HIEU["LDTT"] if ldtt_only else DANH_HIEU[prop.danh_hieu] if eligible else ""
        verdict = f"Đạt {DANH_HIEU['LDTT']}" if ldtt_only else "Đủ điều kiện" if eligible else "Không đủ điều kiện"
        # the meeting's record stays as it was; a level decided since that forbids the title says so on the row
        withdrawn = decided_title_note(decided.of(p.ma_so), reached, prop.danh_hieu, campaign) if decided else ""
        # the agency's head: his level is the superior's to decide (ND 90 Art. 16), so is whether he meets
        # a title's standard — the table he signs proposes him, records the ballots, judges nothing for him
        above = rated_by_note(campaign, p) if signers.is_agency_head(campaign, p) else ""
        rows.append({
            "stt": len(rows) + 1, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "muc_chu": _level_words(pr),
            # a level the competent evaluator has not decided is the proposal (printed «(đề xuất)»)
            "de_xuat": pr.rated and pr.muc_cuoi is not None and not pr.muc_quyet_dinh,
            "danh_hieu": DANH_HIEU[prop.danh_hieu], "sang_kien": prop.sang_kien,
            "hinh_thuc": schema.HINH_THUC_KHEN.get(prop.hinh_thuc_khen_thuong, ""),
            "truc_tiep": "x" if p.truc_tiep_cong_tac else "",
            "phieu": f"{yes}/{total}" if yes is not None and total else "",
            # more ballots than the meeting has members: a wider meeting's vote (the whole centre on its Giám
            # đốc, the clerk's ThiDua row); the ballot-count minutes say so beside the count (label
            # `phieu_toan_co_quan`), as its «Số phiếu hợp lệ» line leaves the count out
            "phieu_toan_co_quan": bool(yes is not None and total and members and total > members),
            "ty_le": pct_whole(yes / total) if yes is not None and total else "",
            "du_dieu_kien": verdict,
            "dat_danh_hieu": reached,  # the title the person reaches ("" none)
            "ly_do": "; ".join(x for x in (emulation_reason(pr, campaign), withdrawn) if x),
            "quyet_dinh_khong_dat": withdrawn,  # the note above ("" none)
            "ket_qua_phieu": ("Đạt" if passed else "Không đạt") if voted else "",
            "ket_qua": verdict if ldtt_only else ("Không đủ điều kiện" if not eligible else "Đạt" if passed else "Không đạt")
            if voted else verdict,
            # «Do <superior> đánh giá, xếp loại» on the agency head's row ("" for the others): the emulation
            # table prints it for his level and the competent level's consideration for his title
            "cap_tren_danh_gia": above,
        })
    # the totals of what the unit judged: the agency head's rows apart (`cap_tren`), as on the proposal table
    eligible_rows = [r for r in rows if r["dat_danh_hieu"] and not r["cap_tren_danh_gia"]]
    direct = sum(1 for r in eligible_rows if r["truc_tiep"])
    totals = {
        "de_nghi": len(rows), "du_dieu_kien": len(eligible_rows),
        "cap_tren": sum(1 for r in rows if r["cap_tren_danh_gia"]),
        "ldtt": sum(1 for r in eligible_rows if r["dat_danh_hieu"] == DANH_HIEU["LDTT"]),
        "cstdcs": sum(1 for r in eligible_rows if r["dat_danh_hieu"] == DANH_HIEU["CSTDCS"]),
        "truc_tiep": direct, "truc_tiep_ty_le": pct_whole(direct / len(eligible_rows)) if eligible_rows else "",
        # of those eligible on the meeting's proposal, how many a decided level has since made ineligible
        "quyet_dinh_khong_dat": sum(1 for r in eligible_rows if r["quyet_dinh_khong_dat"]),
    }
    return rows, totals


def _unit_header(campaign: Campaign, unit: Unit) -> dict[str, Any]:
    """A unit paper's header: its body (the agency, or DonVi `co_quan_in`) over the unit; a unit that is its
    own body (named as `co_quan_in`) under the agency's upper line."""
    body = unit_body(campaign, unit)
    if unit.co_quan_in and unit.co_quan_in.casefold() == unit.ten_don_vi.casefold():
        return header_left(vn_upper(campaign.agency.co_quan_chu_quan), vn_upper(body))
    return header_left(vn_upper(body), vn_upper(unit.ten_don_vi))


def unit_document_context(campaign: Campaign, ratings: Ratings, form: FormSpec, unit: Unit) -> dict[str, Any]:
    decided = ratings  # the decisions of the competent evaluator, for the emulation rows' notes
    if form.records_proposals:  # the minutes, the proposal table: the levels as the meeting proposed them
        ratings = ratings.unit_proposals()
    else:  # the others (the chi bộ's Mẫu 01): decided levels, and the meeting's proposal for the rest
        ratings = printed_ratings(ratings)
    people = review_order([p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi])
    prs = [ratings.of(p.ma_so) for p in people]
    disciplined = {d.ma_so for d in campaign.disciplines if d.ngay_hieu_luc.year == campaign.year}
    absentees = _absentees(unit)
    head, deputy = unit_chairs(campaign, unit)
    chair = head or deputy
    votes = [campaign.votes[p.ma_so].so_nguoi_du_hop for p in people if p.ma_so in campaign.votes]
    groups = {pr.nhom_tuong_dong for pr in prs}
    # the meeting's members by default: the unit's people, and the leader of another unit heading it concurrently
    # (NhanSu `don_vi_kiem_nhiem`: he sits with them, chairs and votes; absent, `vang_mat` lists him among them)
    concurrent = signers.unit_head(campaign, unit)
    members = unit.so_thanh_vien or len(people) + (concurrent is not None and concurrent.ma_don_vi != unit.ma_don_vi)
    rows, totals = _emulation_rows(people, ratings, campaign, decided, members)
    ctx = agency_context(campaign, form, ratings)
    ctx["dong_ngay"] = date_line(campaign.agency.dia_danh, unit.ngay_hop, campaign.year)
    present = max(votes) if votes else None
    props = {e.ma_so: e for e in campaign.emulation}
    # the meeting's valid ballots: a vote with more ballots than the meeting's members was a wider meeting's
    # (the whole agency on its head): not this meeting's count (`hoso check` warns on the cell)
    totals_cast = {props[p.ma_so].tong_so_phieu for p in people
                   if p.ma_so in props and props[p.ma_so].tong_so_phieu
                   and (props[p.ma_so].tong_so_phieu or 0) <= members}
    valid = totals_cast.pop() if len(totals_cast) == 1 else None
    returned = unit.so_phieu_thu_ve
    invalid = returned - valid if returned is not None and valid is not None and returned >= valid else None

    def who(p: Person | None) -> dict[str, Any]:
        return {"ma_so": p.ma_so, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu} if p else {"ma_so": "", "ho_ten": "", "chuc_vu": ""}

    ctx.update({
        "dau": _unit_header(campaign, unit),
        "don_vi": unit_context(unit),
        "chu_tri": who(chair),
        "chu_tri_khi_kiem_diem_truong": who(review_chair(campaign, unit)),
        # the chair is the unit's head: someone else chairs his own review (a deputy, or dots to write); not
        # a leader heading the unit concurrently (NhanSu `don_vi_kiem_nhiem`), reviewed in his own unit's meeting
        "chu_tri_la_truong": head is not None and head.ma_don_vi == unit.ma_don_vi,
        # no head: the deputy signs the unit's papers for the head («KT. TRƯỞNG PHÒNG» above his post); so
        # does the agency's deputy in charge heading the Ban Giám đốc («KT. GIÁM ĐỐC»)
        "chu_tri_ky_thay": signs_for(campaign, head, deputy, unit),
        "so_nguoi": len(people),
        "so_du_hop": _num(present),
        "so_thanh_vien": members,
        "so_vang": _num(members - present) if present is not None else "",
        "vang_mat": absentees,
        "co_bo_phieu": bool(rows) and any(r["phieu"] for r in rows),
        "kiem_phieu": {"phat_ra": _num(unit.so_phieu_phat_ra), "thu_ve": _num(returned), "hop_le": _num(valid),
                       "khong_hop_le": _num(invalid)},
        "can_cu": unit_citations(citations(campaign.year, getattr(form, "template", None)), prs, ratings.bo_quy_tac,
                                 {p.ma_so: p.loai_nhan_su for p in people}),
        "thanh_vien": [_member(i, p, pr, campaign, disciplined) for i, (p, pr) in enumerate(zip(people, prs, strict=True), 1)],
        "dem": _counts(prs),
        # the proposal table's totals: the levels the unit proposes, without the agency head's (decided
        # by the superior body, `cap_tren`); `tong` still everyone
        "dem_de_xuat": {**_counts([pr for p, pr in zip(people, prs, strict=True) if not signers.is_agency_head(campaign, p)]),
                        "tong": len(prs), "cap_tren": sum(1 for p in people if signers.is_agency_head(campaign, p))},
        "nhom": [
            {"nhom": group_label(g.nhom, campaign), "so_htxs": g.so_htxs_giu, "so_htt": g.so_htt_de_nghi + len(g.ha_muc), "toi_da": g.toi_da,
             "dat": g.so_htxs_giu <= g.toi_da, "cach_tinh": readable(g.cach_tinh, campaign, [g.nhom]),
             # the units whose people are in the group (the counts are the group's, across them)
             "so_don_vi": len(g.don_vi)}
            # not the agency head's own group: the unit proposes nothing for him, the superior weighs his level
            for g in ratings.groups if g.nhom in groups and g.nhom != HEAD_GROUP
        ],
        "thi_dua": rows,
        # the rows the ballot count notes under its table («- Đồng chí …»): a reason, or the agency head's
        "thi_dua_ghi_chu": [r for r in rows if r["ly_do"] or r["cap_tren_danh_gia"]],
        # the 1 pt table gap after those notes or the «no proposal» line too: a folder built from 0b62d2e to
        # 2ee613a, whose ballot counts printed it so (forms/layout.py::ballot_gap_always)
        "khoang_bang_luon": gap_always(),
        "tong_thi_dua": totals,
        "cham": dotted(2),
    })
    head_group = agency_kind.head_group_name(agency_kind.public_service_unit(campaign, ratings))
    for m in ctx["thanh_vien"]:  # the agency head's row names his own group in the agency's words (agency_kind)
        if m["nhom"] == HEAD_GROUP:
            m["nhom"] = head_group
    if form.code in context_2026.UNIT_FORMS:
        # the chi bộ's report: the members of every unit of the chi bộ, this unit's rows first
        cell = list(ctx["thanh_vien"])
        for other in chi_bo_units(campaign, unit):
            if other.ma_don_vi != unit.ma_don_vi:
                ps = review_order([p for p in campaign.people if p.ma_don_vi == other.ma_don_vi])
                cell += [{**m, "nhom": head_group} if m["nhom"] == HEAD_GROUP else m
                         for m in (_member(i, p, ratings.of(p.ma_so), campaign, disciplined) for i, p in enumerate(ps, 1))]
        ctx.update(context_2026.unit_context_2026(campaign, ratings, unit, cell))
    return ctx


# rulebooks whose people a unit document cites by their own text only (the 2026 split by staff category)
_RULEBOOK_CITATION = (("nd335", "cong_chuc"), ("nd233", "vien_chuc"))


_APPLIED_TO = {"can_bo": "cán bộ", "hop_dong": "người lao động", "nguoi_lao_dong": "người lao động"}


def unit_citations(can_cu: dict[str, str], prs: list[PersonRating], rulebook: str = "",
                   kinds: Mapping[str, str] | None = None) -> dict[str, str]:
    """The citations of a unit's (or the agency's) documents: `danh_gia` (the texts of every staff
    category) narrowed to the one text all the people are rated under (a 2026 phòng — or agency — of
    công chức cites ND 335 only, a đơn vị sự nghiệp of viên chức Luật Viên chức + ND 233); unchanged
    otherwise. `rulebook`: the campaign's (`Ratings.bo_quy_tac`), for people rated under it (their
    own `bo_quy_tac` is empty when one rulebook rates everyone). `kinds` (ma_so -> loai_nhan_su): the
    one text is followed by can_cu.toml `van_dung` (or the text's own `van_dung_<key>`, e.g. `van_dung_vien_chuc`
    for ND 233's «quy chế đánh giá của đơn vị») naming the cán bộ / NLĐ it is applied to, who are
    outside the text's own scope (ND 335 rates công chức; who rates cán bộ in 2026 is not found). A mixed
    agency keeps `danh_gia`, each text in it followed by the `van_dung` of the people rated under it."""
    by_text: dict[str | None, list[PersonRating]] = {}
    for pr in prs:
        rb = pr.bo_quy_tac or rulebook
        by_text.setdefault(next((key for prefix, key in _RULEBOOK_CITATION if rb.startswith(prefix)), None), []).append(pr)

    def applied(key: str, rated: list[PersonRating]) -> str:
        """The text `key` followed by `van_dung` naming the kinds rated under it that it does not cover."""
        others = [] if kinds is None else [_APPLIED_TO[k] for k in sorted({kinds.get(pr.ma_so, key) for pr in rated})
                                           if k != key and k in _APPLIED_TO]
        # the text's own words when can_cu.toml gives them (`van_dung_vien_chuc`: a đơn vị sự nghiệp's rules)
        applied_words = can_cu.get(f"van_dung_{key}") or can_cu.get("van_dung")
        if others and applied_words:
            return f"{can_cu[key]} {applied_words.format(doi_tuong=', '.join(dict.fromkeys(others)))}"
        return can_cu[key]

    if len(by_text) == 1 and (key := next(iter(by_text))) and can_cu.get(key):
        return {**can_cu, "danh_gia": applied(key, by_text[key])}
    if len(by_text) > 1 and all(k and can_cu.get(k) for k in by_text):
        # a mixed agency (công chức and viên chức): `danh_gia` cites every text; each text it holds word for
        # word is followed by the kinds rated under it by the agency's rules (an agency's own rewording of
        # `danh_gia` that no longer holds a text is printed as written)
        cite = can_cu["danh_gia"]
        for key, rated in by_text.items():
            if key and can_cu[key] in cite:
                cite = cite.replace(can_cu[key], applied(key, rated), 1)
        return {**can_cu, "danh_gia": cite}
    return can_cu


NOT_RATED_NOTE = "Không xếp loại (công tác trong năm dưới 06 tháng)"
VIEN_CHUC_LAW_FROM = 2026  # first evaluation year under Luật Viên chức 2025 (its Art. 27: the petition window)


def rated_by_note(campaign: Campaign, person: Person) -> str:
    """The notice's note on a row whose level another evaluator decided (ND 90 Art. 16; signers.py):
    the agency's head by the head of the superior body, a unit's staff by the unit's own evaluator
    (DonVi.nguoi_danh_gia); "" for those the agency's head rates."""
    who = signers.evaluator(campaign, person)
    if who.vai_tro not in ("cap_tren", "don_vi", "rieng"):
        return ""
    if not (who.chuc_vu or who.co_quan):
        return "Do cấp trên trực tiếp đánh giá, xếp loại"
    title = who.chuc_vu or "người đứng đầu"
    body = name_case(who.co_quan) if who.co_quan and who.co_quan.casefold() not in title.casefold() else ""
    return f"Do {_title_of(title, body)} đánh giá, xếp loại"


# the abbreviations a post is written with (CoQuan «Chức vụ …», e.g. «Chủ tịch UBND tỉnh») for the words of a
# body's name written in full («Ủy ban nhân dân tỉnh Quảng Ngãi»): compared as those words by `_title_of`
_SPELLED = {"ubnd": ("ủy", "ban", "nhân", "dân"), "hđnd": ("hội", "đồng", "nhân", "dân")}


def _spelled(words: list[str]) -> list[tuple[str, int]]:
    """Each word folded (an abbreviation spelled out, «Uỷ» as «Ủy»), with the index of the word it comes from."""
    out: list[tuple[str, int]] = []
    for i, w in enumerate(words):
        f = unicodedata.normalize("NFC", w).casefold().replace("uỷ", "ủy")
        out.extend((x, i) for x in _SPELLED.get(f, (f,)))
    return out


def _title_of(title: str, body: str) -> str:
    """A post followed by its body, the words they share said once: "Chủ tịch Ủy ban nhân dân
    tỉnh" + "Ủy ban nhân dân tỉnh Hà Giang Nam" -> "Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam"; an abbreviation
    shares the words it stands for: "Chủ tịch UBND tỉnh" + "Ủy ban nhân dân tỉnh Quảng Ngãi" -> "Chủ tịch UBND
    tỉnh Quảng Ngãi"."""
    if not body:
        return title
    t, b = title.split(), body.split()
    ft, fb = _spelled(t), _spelled(b)
    for k in range(min(len(ft), len(fb)), 0, -1):
        if [x for x, _ in ft[-k:]] != [x for x, _ in fb[:k]]:
            continue
        # the shared words are whole words on both sides (not «UBND» against «Ủy ban» alone)
        if (len(ft) > k and ft[-k - 1][1] == ft[-k][1]) or (len(fb) > k and fb[k][1] == fb[k - 1][1]):
            continue
        return " ".join(t + b[fb[k][1]:] if len(fb) > k else t)
    return f"{title} {body}"


def agency_document_context(campaign: Campaign, ratings: Ratings, form: FormSpec) -> dict[str, Any]:
    """The notice of results (ND 90 Art. 22): only levels the competent evaluator decided
    (`muc_quyet_dinh`) are announced. With no decision at all the notice is a draft (`du_thao`):
    everyone is listed and the level column stays empty. The agency's head is rated by the
    superior body (note on their row)."""
    ctx = agency_context(campaign, form, ratings)
    a = campaign.agency
    ctx["dong_ngay"] = date_line(a.dia_danh, a.ngay_thong_bao, campaign.year)
    decided = [pr for pr in ratings.people if pr.rated and pr.muc_quyet_dinh]
    draft = not decided
    units = []
    vien_chuc_listed = False
    for unit in campaign.units:
        people = review_order([p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi])
        rows: list[dict[str, Any]] = []
        for p in people:
            pr = ratings.of(p.ma_so)
            if not draft and not (pr.rated and pr.muc_quyet_dinh):
                continue
            vien_chuc_listed = vien_chuc_listed or (pr.rated and p.loai_nhan_su == "vien_chuc")
            rows.append({
                "stt": len(rows) + 1, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu,
                "muc_chu": "" if draft else WORDS[pr.muc_quyet_dinh or ""],
                # a draft lists everyone: say who is not rated at all (item 1 counts them), and who has
                # no level yet because periods are missing
                "ghi_chu": "; ".join(x for x in (rated_by_note(campaign, p), context_2026.missing_periods_note(pr))
                                     if x) if pr.rated else NOT_RATED_NOTE,
            })
        if rows:
            units.append({"ten": unit.ten_don_vi, "thanh_vien": rows})
    rated = [pr for pr in ratings.people if pr.rated]
    counts = Counter(pr.muc_quyet_dinh for pr in decided)
    ctx.update({
        "dau": header_left(ctx["co_quan"]["chu_quan_hoa"], ctx["co_quan"]["ten_hoa"]),
        # who announces: the head's post and the agency, the words they share said once («Chánh Văn
        # phòng» + «Văn phòng UBND tỉnh X» -> «Chánh Văn phòng UBND tỉnh X», not «… Văn phòng Văn phòng …»)
        # a deputy in charge signs «KT. GIÁM ĐỐC»: the notice is the Giám đốc's (CoQuan chuc_vu_cap_truong)
        "nguoi_thong_bao": _title_of(a.chuc_vu_cap_truong.strip() or ctx["co_quan"].get("chuc_vu_nguoi_dung_dau")
                                     or "Người đứng đầu",
                                     ctx["co_quan"].get("ten") or ""),
        "don_vi_list": units,
        "du_thao": draft,
        # Luật Viên chức 2025 (in force 01/07/2026) Art. 27 fixes the viên chức's own petition window
        "kien_nghi_vien_chuc": campaign.year >= VIEN_CHUC_LAW_FROM and vien_chuc_listed,
        "dem": {**{lv: counts.get(lv, 0) for lv in ORDER}, "khong_xep_loai": len(ratings.people) - len(rated),
                "tong": len(ratings.people), "quyet_dinh": len(decided), "chua_quyet_dinh": len(rated) - len(decided)},
        # the texts of the staff categories rated (no Luật Viên chức for an agency without viên chức)
        "can_cu": unit_citations(citations(campaign.year, getattr(form, "template", None)), list(ratings.people),
                                 ratings.bo_quy_tac, {p.ma_so: p.loai_nhan_su for p in campaign.people}),
        "cham": dotted(2),
    })
    return ctx
