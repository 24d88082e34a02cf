"""rate(campaign) -> Ratings. Pure: no I/O.

Order: per person the proposal (rule 1, or points), the time rules (3) and discipline (2) that
set the ceiling; then per comparable group the HTXS cap on proposals (4); then the decided levels,
copied and checked (5); the party-member level (6); the emulation titles (7). Every rule that sets,
caps or moves a level appends a reason with its legal source (8).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from pipeline.ingest import sheetnames
from pipeline.ingest.model import Campaign, CapOverride, Criterion, Discipline, Person, Score
from pipeline.ingest.schema import kind_in_sentence
from pipeline.rating import agency_kind, categories, periods, rules
from pipeline.rating.emulation import rate_emulation
from pipeline.rating.groups import (
    HEAD_GROUP,
    default_key,
    display_name,
    group_label,
    group_of,
    norm,
    spellings,
)
from pipeline.rating.levels import RANK, WORDS, at_most, worse
from pipeline.rating.result import CapRank, GroupCap, PersonRating, Ratings
from pipeline.rating.rulebooks import RULEBOOKS, Rulebook
from pipeline.rating.rules import cited

__all__ = ["default_group", "group_label", "rate"]


def default_group(person: Person) -> str:
    """The written group, else one group per staff category and `lanh_dao_quan_ly` value (groups.py)."""
    return person.nhom_tuong_dong.strip() or default_key(person)


def _overrides_by_key(campaign: Campaign) -> Campaign:
    """Sheet NgoaiLeTyLe names a group as the workbook does, or as the outputs print it. A default group
    (NhanSu «Nhóm tương đồng» left empty) has no written name: every paper prints it in words («Công chức giữ
    chức vụ lãnh đạo, quản lý»), and a group written as a code is printed in words with its unit's name
    («TH/chuyen_vien»: «Chuyên viên – Phòng Tổng hợp»), so an exception naming it by those words is that
    group's (its key, for the engine)."""
    units = {u.ma_don_vi: u.ten_don_vi for u in campaign.units}  # a code's words too: «Chuyên viên – Phòng Tổng hợp»
    by_words = {norm(display_name(key, units)): key for key in {default_group(p) for p in campaign.people}}
    named = tuple(replace(o, nhom_tuong_dong=by_words[norm(o.nhom_tuong_dong)])
                  if by_words.get(norm(o.nhom_tuong_dong), o.nhom_tuong_dong) != o.nhom_tuong_dong else o
                  for o in campaign.cap_overrides)
    return campaign if named == campaign.cap_overrides else replace(campaign, cap_overrides=named)


@dataclass(frozen=True)
class _Limit:
    """A ceiling set by a hard rule, kept to check decided levels against it."""

    level: str
    what: str
    cite: str


def rate(campaign: Campaign, *, rulebook: Rulebook | str | None = None) -> Ratings:
    """Rate every person. `rulebook` (an id or a Rulebook) overrides CoQuan.bo_quy_tac, the year and,
    from 2026, the staff category (pipeline.rating.categories)."""
    campaign = _overrides_by_key(campaign)
    plan = categories.plan(campaign, rulebook)
    agency_warnings = list(plan.warnings)
    if not plan.by_category:
        agency_warnings += _rulebook_warnings(campaign, plan.primary)
    people: list[PersonRating] = []
    groups: list[GroupCap] = []
    for rb, part in plan.parts:
        rb = rb.in_year(campaign.year)  # the texts in force that year (rating16: Rulebook.by_year)
        part_people, part_groups, part_warnings = _rate_levels(part, rb)
        people += part_people
        groups += part_groups
        agency_warnings += part_warnings
    if plan.mixed:
        at = {p.ma_so: i for i, p in enumerate(campaign.people)}
        people = sorted((replace(pr, bo_quy_tac=plan.rulebook_of[pr.ma_so]) for pr in people), key=lambda pr: at[pr.ma_so])
        groups.sort(key=lambda g: g.nhom)
    known = {norm(g.nhom) for g in groups}
    for o in campaign.cap_overrides:
        name = norm(o.nhom_tuong_dong)
        if name not in known and not any(g.startswith(name + " (") for g in known):
            agency_warnings.append(f"Ngoại lệ tỷ lệ Hoàn thành xuất sắc nhiệm vụ cho nhóm «{o.nhom_tuong_dong}» (văn bản "
                                   f"số {o.so_van_ban}) không khớp nhóm tương đồng nào của người được xếp loại.")
    unit_checks = periods.unit_result_warnings(people, campaign)  # leaders' d) against their unit's KHT
    people = [_with(pr, warnings=(unit_checks[pr.ma_so],)) if pr.ma_so in unit_checks else pr for pr in people]
    rb = plan.primary.in_year(campaign.year)
    people, emu_warnings, emu_summary = rate_emulation(people, campaign, rb)
    agency_warnings += emu_warnings
    agency_warnings += rules.party_cap_warnings(campaign.people, campaign.year, rb)  # the party's own 20 %
    before = None
    if any(p.muc_quyet_dinh for p in campaign.people):  # the unit's proposals, as its meeting made them
        before = rate(replace(campaign, people=tuple(replace(p, muc_quyet_dinh=None) for p in campaign.people)),
                      rulebook=rulebook)
    names = campaign.sheet_names  # the reasons and warnings name the sheets as the workbook does
    people = [replace(pr, ly_do=sheetnames.texts_as_written(pr.ly_do, names),
                      canh_bao=sheetnames.texts_as_written(pr.canh_bao, names)) for pr in people] if names else people
    return Ratings(campaign.year, plan.id, tuple(people), tuple(groups),
                   sheetnames.texts_as_written(tuple(agency_warnings), names), ten_bo_quy_tac=plan.title,
                   thiet_lap=plan.settings(), thi_dua=emu_summary, truoc_quyet_dinh=before)


def _rate_levels(campaign: Campaign, rb: Rulebook) -> tuple[list[PersonRating], list[GroupCap], list[str]]:
    """Rules 1–6 for the people of one rulebook: proposals, ceilings, the cap per group, decided levels."""
    agency_warnings: list[str] = []
    canonical = spellings(p.nhom_tuong_dong for p in campaign.people)
    discs = defaultdict(list)
    for d in campaign.disciplines:
        discs[d.ma_so].append(d)
    scores = defaultdict(list)
    for s in campaign.scores:
        scores[s.ma_so].append(s)
    criteria = tuple(campaign.criteria) or rb.default_criteria

    people: list[PersonRating] = []
    limits: dict[str, list[_Limit]] = {}
    for p in campaign.people:
        pr, lim = _rate_person(p, campaign, rb, discs.get(p.ma_so, []), scores.get(p.ma_so, []), criteria, canonical)
        people.append(pr)
        limits[p.ma_so] = lim
    head = campaign.agency_head_ma_so()
    chosen = campaign.agency.nguoi_dung_dau_ngoai_ty_le  # None: the cell is empty, the rulebook's default
    own_group = next((pr.nhom_tuong_dong for pr in people if pr.ma_so == head), None)
    if own_group is not None and (rb.head_outside_cap if chosen is None else chosen):  # the superior applies his cap
        people = [replace(pr, nhom_tuong_dong=HEAD_GROUP) if pr.ma_so == head else pr for pr in people]
    overrides = {norm(o.nhom_tuong_dong): o for o in campaign.cap_overrides}
    people = _proposals_of_the_decided(people, campaign, rb, overrides)
    people, groups = _apply_caps(people, campaign, rb, overrides)
    if chosen is None:  # the open question named where it matters, unless the agency answered it
        agency_warnings += _head_in_the_cap(people, groups, head) + _head_outside_by_default(people, groups, own_group,
                                                                                            rb)
    people = _check_decided(people, limits, rb)
    people, groups, group_warnings = _check_final_cap(people, groups, rb, overrides)
    agency_warnings += group_warnings
    persons = {p.ma_so: p for p in campaign.people}
    people = [_with(pr, warnings=rules.party_warnings(persons[pr.ma_so], pr.muc_cuoi, pr.rated, rb, campaign.disciplines,
                                                      campaign.year)) for pr in people]
    if head is not None and head in persons:  # ND 90: the head's level against the units under him
        final = next(pr.muc_cuoi for pr in people if pr.ma_so == head)
        kind_rb = rb.for_kind(persons[head].loai_nhan_su)
        said = (rules.unit_results_warning(persons[head], final, campaign.units, kind_rb),
                periods.agency_level_warning(persons[head], final, campaign, kind_rb))  # ND 233 k7 Đ12
        people = [_with(pr, warnings=tuple(w for w in said if w)) if pr.ma_so == head else pr for pr in people]
    return people, groups, agency_warnings


_VOTE_WARNING = "Cuộc họp biểu quyết mức "


def _vote_after_cap(pr: PersonRating) -> PersonRating:
    """The vote-against-points warning of a person the 20 % cap brings to HTT, made true again: none when the meeting
    voted HTT (the proposal now agrees with it), else it names the proposal instead of «theo điểm» (audit 33)."""
    kept = []
    for w in pr.canh_bao:
        if w.startswith(_VOTE_WARNING) and w.endswith("mức đề xuất theo điểm."):
            if pr.muc_hop == "HTT":
                continue
            w = w.removesuffix("mức đề xuất theo điểm.") + f"mức đề xuất là {WORDS['HTT']} (theo tỷ lệ ở phần lý do)."
        kept.append(w)
    return replace(pr, canh_bao=tuple(kept))


def _with(pr: PersonRating, *, reasons: Iterable[str] = (), warnings: Iterable[str] = (), **changes: Any) -> PersonRating:
    if not reasons and not warnings and not changes:
        return pr
    return replace(pr, ly_do=pr.ly_do + tuple(reasons), canh_bao=pr.canh_bao + tuple(warnings), **changes)


def _rulebook_warnings(campaign: Campaign, rb: Rulebook) -> list[str]:
    out = []
    year = campaign.year
    if not rb.years[0] <= year <= rb.years[1]:
        span = f"từ năm {rb.years[0]}" if rb.years[1] >= 2100 else f"các năm {rb.years[0]}–{rb.years[1]}"
        out.append(f"Bộ quy tắc {rb.id} áp dụng cho {span}, nhưng năm đánh giá là {year}; "
                   "chương trình dùng bộ quy tắc này theo yêu cầu.")
    others = sorted({p.loai_nhan_su for p in campaign.people} - set(rb.staff_kinds))
    if others:
        def words(kinds: Iterable[str]) -> str:  # the words, not the codes
            return ", ".join(kind_in_sentence(k) for k in kinds)

        out.append(f"Bộ quy tắc {rb.id} quy định cho {words(rb.staff_kinds)}; những người thuộc loại "
                   f"{words(others)} được xếp loại theo cùng quy tắc — đối chiếu quy định riêng áp dụng cho họ.")
    return out


def _rate_person(p: Person, campaign: Campaign, rb: Rulebook, discs: list[Discipline], scores: list[Score],
                 criteria: Sequence[Criterion],
                 canonical: dict[str, str]) -> tuple[PersonRating, list[_Limit]]:
    year = campaign.year
    rb = rb.for_kind(p.loai_nhan_su)  # contract staff, NLĐ: the agency's rules applying the text
    vote = campaign.votes.get(p.ma_so)
    meeting = rules.meeting_level(vote) if vote is not None else None
    points = rules.points_of(scores, criteria, rb)
    # from 2026: the year score from the periods (KetQuaKy); ChamDiem only for a person without any period
    period = periods.year_score(p, campaign, rb)
    if period is not None and points is not None:
        if period.scores:
            points = None
            period = replace(period, warnings=period.warnings + (
                "Có cả điểm ở sheet ChamDiem và kết quả từng kỳ ở sheet KetQuaKy: chương trình tính điểm năm từ các kỳ, "
                "không dùng sheet ChamDiem.",))
        else:
            period = None
    diem = period.diem if period is not None else None if points is None else points.total
    base: dict[str, Any] = dict(ma_so=p.ma_so, ho_ten=p.ho_ten, ma_don_vi=p.ma_don_vi, nhom_tuong_dong=group_of(p, canonical),
                tu_xep_loai=p.tu_xep_loai, muc_quyet_dinh=p.muc_quyet_dinh, muc_hop=meeting,
                diem=diem, muc_dang_vien=p.muc_dang_vien, diem_ky=period.scores if period is not None else (),
                so_dinh_danh=p.so_dinh_danh)
    time = rules.time_rules(p, rb)
    disc = rules.disciplines_in_year(discs, year, rb, drawn_up=campaign.agency.ngay_lap)

    if not time.rated:
        warnings = list(time.warnings)
        if disc.counted:
            warnings.append("Có quyết định kỷ luật trong năm đánh giá; người này không thuộc diện xếp loại năm nay "
                            "nhưng vẫn phải kiểm điểm.")
        if vote is not None and any(vote.phieu.values()):
            # a meeting reviews him but votes on no level (ND 90 Art. 2 cl. 3: «không thực hiện việc đánh giá, xếp
            # loại»); the minutes print the votes as typed, beside «Không xếp loại»: the clerk is asked which is true
            ref = vote.refs.get("ma_so")
            where = f"sheet «{ref.sheet}», dòng {ref.row}" if ref is not None else "sheet «BieuQuyet»"
            warnings.append(f"Có phiếu biểu quyết mức xếp loại cho người này ({where}) nhưng người này không xếp loại "
                            "năm nay (xem lý do): cuộc họp chỉ kiểm điểm, không biểu quyết mức xếp loại. Biên bản họp "
                            "đang in kết quả biểu quyết đã ghi; nếu cuộc họp không biểu quyết, xóa dòng này ở sheet "
                            "BieuQuyet rồi chạy lại.")
        return PersonRating(**base, trang_thai="khong_xep_loai", muc_de_xuat=None, muc_toi_da=None,
                            ly_do=time.reasons, canh_bao=tuple(warnings)), []

    reasons: list[str] = []
    warnings = list(periods.kht_flag_warnings(p, rb))
    points_level: str | None = None  # the level the points alone give (the meeting's vote is compared with it)
    if period is not None:
        level = period.level
        source = "diem" if level is not None else None
        reasons += period.reasons
        warnings += period.warnings
        points_level = level
    elif rb.points_based and points is not None:
        level = rules.points_level(points.total, rb)
        source = "diem"
        reasons.append(rules.points_reason(points, level, rb))
        warnings += points.warnings
        points_level = level
    else:
        prop = rules.proposal(p, vote, rb)
        level, source = prop.level, prop.source
        reasons += prop.reasons
        warnings += prop.warnings
        if rb.points_based and rb.periods is not None:  # from 2026: the points come from the months, quarters
            warnings.append(f"Chưa có kết quả theo dõi, đánh giá tháng, quý nào trong sổ (sheet KetQuaKy); bộ quy tắc "
                            f"{rb.id} xếp loại theo điểm trung bình các tháng, quý — {rb.cite.year_score}. Mức đề xuất này "
                            "chỉ tạm lấy theo biểu quyết hoặc mức tự xếp loại: nhập kết quả từng tháng, quý (hoặc hoso "
                            "nhap-ket-qua) rồi chạy lại.")
        elif rb.points_based:
            warnings.append(f"Chưa có điểm chấm theo tiêu chí (sheet ChamDiem); bộ quy tắc {rb.id} xếp loại theo điểm, "
                            "chương trình tạm đề xuất theo biểu quyết hoặc mức tự xếp loại.")

    ceiling = "HTXS"
    limits: list[_Limit] = []
    reasons += time.reasons
    warnings += time.warnings
    sent = period is not None and any(k.don_vi_danh_gia for k in period.scores)  # periods the old agency rated
    moved_reasons, moved_warnings = rules.transfer_rule(p, rb, sent)  # transferred in during the year
    reasons += moved_reasons
    warnings += moved_warnings
    if time.ceiling:
        ceiling = worse(ceiling, time.ceiling)
        limits.append(_Limit(time.ceiling, f"nghỉ {rules.num(p.so_thang_nghi)} tháng trong năm", rb.cite.months))
    reasons += disc.reasons
    warnings += disc.warnings
    if disc.counted:
        ceiling = "KHT"
        limits.append(_Limit("KHT", "bị kỷ luật trong năm đánh giá", rb.cite.discipline))
        if level is None:
            level, source = "KHT", "ky_luat"
            # the discipline gives the proposal: "no proposal" warnings no longer hold
            warnings = [w.replace("chưa có mức đề xuất.", "mức đề xuất là Không hoàn thành nhiệm vụ do bị kỷ luật "
                                  "trong năm đánh giá.") for w in warnings
                        if not w.startswith("Chưa có kết quả biểu quyết và chưa tự xếp loại")]
    for lim in periods.limits(p, campaign, rb):  # KHT cases beyond discipline; the head not above the unit
        reasons.append(lim.reason)
        ceiling = worse(ceiling, lim.level)
        limits.append(_Limit(lim.level, lim.what, lim.cite))
        if level is None and lim.level == "KHT":
            level, source = "KHT", lim.source
    proposed = at_most(level, ceiling)
    # the vote against the proposal, not against the bare points: a vote of KHT for a person disciplined in the
    # year agrees with the proposal (KHT whatever the points), and a proposal below the points says why (audit 33)
    if meeting is not None and points_level is not None and proposed is not None and meeting != proposed:
        if meeting == points_level:  # the vote agrees with the points: a limit lowered the proposal, no «nhưng … là» same
            warnings.append(f"{_VOTE_WARNING}{WORDS[meeting]}, đúng kết quả chấm điểm, nhưng mức đề xuất là "
                            f"{WORDS[proposed]} (theo các giới hạn ở phần lý do).")
        else:
            warnings.append(f"{_VOTE_WARNING}{WORDS[meeting]} nhưng kết quả chấm điểm là {WORDS[points_level]}; "
                            + ("mức đề xuất theo điểm." if proposed == points_level else
                               f"mức đề xuất là {WORDS[proposed]} (theo điểm và các giới hạn ở phần lý do)."))
    if level is not None and proposed != level:
        binding = [lim for lim in limits if lim.level == ceiling]
        reasons.append(cited(
            f"Mức đề xuất hạ từ {WORDS[level]} xuống {WORDS[cast(str, proposed)]} do " + "; ".join(lim.what for lim in binding),
            "; ".join(dict.fromkeys(lim.cite for lim in binding))))
    return PersonRating(**base, trang_thai="xep_loai", muc_de_xuat=proposed, muc_toi_da=ceiling, ly_do=tuple(reasons),
                        canh_bao=tuple(warnings), nguon_de_xuat=source), limits


def _groups(people: list[PersonRating]) -> dict[str, list[int]]:
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, pr in enumerate(people):
        by_group[pr.nhom_tuong_dong].append(i)
    return {name: by_group[name] for name in sorted(by_group)}


def _override_text(o: CapOverride) -> str:
    by = f" của {o.co_quan_ban_hanh}" if o.co_quan_ban_hanh else ""
    return f"văn bản số {o.so_van_ban} ngày {o.ngay_van_ban:%d/%m/%Y}{by}"


def _apply_caps(people: list[PersonRating], campaign: Campaign, rb: Rulebook, overrides: dict[str, CapOverride]
                ) -> tuple[list[PersonRating], list[GroupCap]]:
    """Rule 4 on each comparable group. A decided level (`muc_quyet_dinh`) counts as it is and takes its
    place first: a decided HTXS uses one of the group's places, a decided HTT is in the base. The places
    left go to the undecided HTXS proposals, best ranked first; the others are moved down to HTT."""
    people = list(people)
    groups: list[GroupCap] = []
    ratio, rounding = rb.htxs_ratio, rb.htxs_rounding
    hxs, ht = WORDS["HTXS"], WORDS["HTT"]
    pos = {pr.ma_so: i for i, pr in enumerate(people)}
    kinds = {p.ma_so: p.loai_nhan_su for p in campaign.people}
    units = {u.ma_don_vi: u.ten_don_vi for u in campaign.units}
    for name, idx in _groups(people).items():
        label = display_name(name, units)
        if name == HEAD_GROUP:
            # named as the papers name it (the report, the biểu, a unit's table: `agency_kind.head_group_name`):
            # «… đơn vị sự nghiệp …» for a đơn vị sự nghiệp công lập, whose head is rated under his own rulebook
            head_rb = RULEBOOKS.get(people[idx[0]].bo_quy_tac or "") or rb
            printed = agency_kind.head_group_name(agency_kind.public_service(campaign, head_rb))
            groups.append(_head_outside(people, idx, rb, printed,
                                        chosen=campaign.agency.nguoi_dung_dau_ngoai_ty_le is not None))
            continue
        fixed = [i for i in idx if people[i].rated and people[i].muc_quyet_dinh]
        open_ = [i for i in idx if not (people[i].rated and people[i].muc_quyet_dinh)]
        fixed_htxs = sum(1 for i in fixed if people[i].muc_quyet_dinh == "HTXS")
        fixed_htt = sum(1 for i in fixed if people[i].muc_quyet_dinh == "HTT")
        htxs = [i for i in open_ if people[i].muc_de_xuat == "HTXS"]
        htt = [i for i in open_ if people[i].muc_de_xuat == "HTT"]
        formula_keep = rules.htxs_allowed(len(htt), len(htxs), ratio, rounding, fixed_htxs, fixed_htt)
        how = rules.cap_explanation(len(htt), len(htxs), formula_keep, ratio, rounding, fixed_htxs, fixed_htt, label)
        override = overrides.get(norm(name))
        if override is not None:
            keep = max(0, min(len(htxs), override.so_htxs_toi_da - fixed_htxs))
            allowed = override.so_htxs_toi_da
            taken = f", trong đó {fixed_htxs} người đã được quyết định" if fixed_htxs else ""
            how = (f"Nhóm «{label}» được cho phép ngoại lệ tại {_override_text(override)}: tối đa "
                   f"{override.so_htxs_toi_da} người {hxs}{taken}; giữ {keep} trong {len(htxs)} người đề xuất {hxs}. "
                   f"(Theo tỷ lệ chung: {how})")
        else:
            keep = formula_keep
            # the most HTXS the group may have in all, decided ones included
            allowed = rules.htxs_allowed(0, fixed_htt + len(htt) + fixed_htxs + len(htxs), ratio, rounding)
        ranked = rules.rank_candidates([
            rules.Candidate(people[i].ma_so, people[i].ho_ten, rules.htxs_share(campaign.votes.get(people[i].ma_so)),
                            people[i].diem) for i in htxs])
        kept = {c.ma_so for c in ranked[:keep]}
        tied = rules.tie_at_cut(ranked, keep)
        # the staff code breaks a tie only: named on the papers when it did (the tie's warning asks the competent
        # level to decide), never as a criterion of the minutes otherwise (rev42)
        order = f"thứ tự ưu tiên: tỷ lệ phiếu {hxs} cao hơn, rồi điểm cao hơn" + (", rồi mã số" if tied else "")
        for n, c in enumerate(ranked, start=1):
            i = pos[c.ma_so]
            where = f"xếp thứ {n}/{len(ranked)} theo {order}"
            cite = _cap_cite(rb.for_kind(kinds.get(c.ma_so, "")), override)
            if c.ma_so in kept:
                people[i] = _with(people[i], reasons=(cited(
                    f"Nhóm tương đồng «{label}»: giữ mức {hxs} vì {where}, trong số người được giữ. {how}", cite),))
            else:
                extra = []
                if keep == 0 and override is None:
                    extra.append(f"Nhóm «{label}» không được giữ thêm người {hxs} nào theo tỷ lệ (cách tính ở phần lý "
                                 "do). Nếu có lý do đặc biệt, cấp có thẩm quyền có thể cho phép ngoại lệ bằng văn bản "
                                 "(sheet NgoaiLeTyLe).")
                # no place at all: no rank decided it (a «xếp thứ 1/1 … sau những người được giữ» with nobody kept)
                why = (f"nhóm không giữ được người {hxs} nào theo tỷ lệ" if keep == 0 else
                       f"{where}, sau những người được giữ")
                people[i] = _with(_vote_after_cap(people[i]), muc_de_xuat="HTT", reasons=(cited(
                    f"Nhóm tương đồng «{label}» vượt tỷ lệ {hxs}: hạ từ {hxs} xuống {ht} vì {why}. {how}", cite),),
                    warnings=extra)
        if tied:
            names = ", ".join(rules.who(c.ho_ten, c.ma_so) for c in tied)
            text = (f"Bằng nhau về tỷ lệ phiếu {hxs} và điểm tại ranh giới tỷ lệ của nhóm «{label}»: {names}; chương "
                    f"trình chọn theo thứ tự mã số. Cấp có thẩm quyền cần quyết định người được giữ mức {hxs}.")
            for c in tied:
                people[pos[c.ma_so]] = _with(people[pos[c.ma_so]], warnings=(text,))
        members = [people[i] for i in idx]
        groups.append(GroupCap(
            nhom=name, so_nguoi=len(idx), so_xep_loai=sum(1 for m in members if m.rated),
            so_htxs_de_nghi=len(htxs), so_htt_de_nghi=len(htt), so_htxs_giu=len(kept), toi_da=allowed,
            ha_muc=tuple(c.ma_so for c in ranked if c.ma_so not in kept), cach_tinh=how, ty_le=ratio, lam_tron=rounding,
            ngoai_le=_override_text(override) if override else "",
            xep_hang=tuple(CapRank(c.ma_so, c.ho_ten, c.share, c.points, c.ma_so in kept) for c in ranked),
            bang_nhau=tuple(c.ma_so for c in tied), don_vi=tuple(dict.fromkeys(m.ma_don_vi for m in members)),
            so_htxs_quyet_dinh=fixed_htxs, so_htt_quyet_dinh=fixed_htt, ten_nhom=label,
        ))
    return people, groups


def _cap_cite(rb: Rulebook, override: CapOverride | None) -> str:
    """The cap's citation for one person (`rb` already for their staff kind), with the exception's document."""
    return f"{rb.cite.cap_override}: {_override_text(override)}; {rb.cite.cap}" if override else rb.cite.cap


def _head_outside(people: list[PersonRating], idx: list[int], rb: Rulebook, printed: str, *, chosen: bool) -> GroupCap:
    """The agency head outside the agency's cap (CoQuan `nguoi_dung_dau_ngoai_ty_le`, or by default
    `Rulebook.head_outside_cap`): his proposal is not capped here and takes no place; the superior that
    rates him applies the cap (a reason says so). The reason is printed on his own papers: no workbook
    words in it. `printed`: the group's name as the papers print it (`agency_kind.head_group_name`), kept as
    `ten_nhom` for the ratings file and the clerk's spreadsheet."""
    hxs = WORDS["HTXS"]
    if chosen:
        how = (f"Người đứng đầu cơ quan do cấp trên đánh giá, xếp loại; theo lựa chọn của cơ quan, người đứng đầu không "
               f"tính trong tỷ lệ {hxs} của các nhóm trong cơ quan: tỷ lệ của người đứng đầu do cấp trên xét khi xếp loại.")
        basis = "lựa chọn của cơ quan: tỷ lệ của người đứng đầu do cấp trên xét"
    else:
        how, basis = rb.cite.head_outside, rb.cite.head_outside_basis  # the rulebook's words (ND 335, ND 233)
    htxs = [i for i in idx if people[i].rated and not people[i].muc_quyet_dinh and people[i].muc_de_xuat == "HTXS"]
    for i in htxs:
        people[i] = _with(people[i], reasons=(cited(how, f"{rb.cite.competence}; {rb.cite.cap}"),))
    members = [people[i] for i in idx]
    decided_htxs = sum(1 for m in members if m.rated and m.muc_quyet_dinh == "HTXS")
    return GroupCap(
        nhom=HEAD_GROUP, so_nguoi=len(idx), so_xep_loai=sum(1 for m in members if m.rated), so_htxs_de_nghi=len(htxs),
        so_htt_de_nghi=sum(1 for m in members if m.rated and not m.muc_quyet_dinh and m.muc_de_xuat == "HTT"),
        so_htxs_giu=len(htxs), toi_da=len(htxs) + decided_htxs, ha_muc=(), cach_tinh=how, ty_le=rb.htxs_ratio,
        lam_tron=rb.htxs_rounding, ngoai_le=basis,
        xep_hang=tuple(CapRank(m.ma_so, m.ho_ten, 0.0, m.diem, True) for m in members if m.muc_de_xuat == "HTXS"
                       and not m.muc_quyet_dinh),
        don_vi=tuple(dict.fromkeys(m.ma_don_vi for m in members)), so_htxs_quyet_dinh=decided_htxs,
        so_htt_quyet_dinh=sum(1 for m in members if m.rated and m.muc_quyet_dinh == "HTT"), ten_nhom=printed)


def _head_outside_by_default(people: list[PersonRating], groups: list[GroupCap], own_group: str | None,
                             rb: Rulebook) -> list[str]:
    """The same open question under a rulebook that leaves the head out by default (ND 335 Art. 10 cl. 2:
    the head of the managing agency rates him), named where it matters: he is an HTXS proposal, or the
    group he would be in has HTXS proposals whose base he would enlarge. The head is the one the engine put in
    HEAD_GROUP; `rb`, his rulebook, says whether the agency is a đơn vị sự nghiệp công lập (agency_kind), whose
    head the body managing it rates (ND 233/2026), and which is named «đơn vị sự nghiệp» beside its units."""
    me = next((pr for pr in people if pr.nhom_tuong_dong == HEAD_GROUP), None)
    if me is None or own_group is None or not me.rated:
        return []
    mine = next((g for g in groups if g.nhom == own_group), None)
    if me.muc_cuoi != "HTXS" and not (mine and (mine.so_htxs_de_nghi or mine.so_htxs_quyet_dinh)):
        return []
    public_service = agency_kind.by_head_rulebook(rb)
    body = agency_kind.noun(public_service, distinct=True)
    managing = "cấp có thẩm quyền quản lý đơn vị" if public_service else "cơ quan quản lý cấp trên"
    return [f"Người đứng đầu {body} {me.ho_ten} ({me.ma_so}), do {managing} đánh giá, xếp loại, không được "
            f"tính trong tỷ lệ Hoàn thành xuất sắc nhiệm vụ của nhóm «{mine.ten_nhom if mine else own_group}» của {body}: tỷ lệ "
            "của người đứng đầu do cấp có thẩm quyền xét. Văn bản chưa "
            f"quy định rõ điều này; nếu {body} tính cả người đứng đầu trong tỷ lệ của {body}, ghi «Không» ở ô «Người "
            "đứng đầu ngoài tỷ lệ HTXS của cơ quan» (sheet CoQuan) rồi chạy lại."]


def _head_in_the_cap(people: list[PersonRating], groups: list[GroupCap], head: str | None) -> list[str]:
    """The open question named where it matters: the agency head, rated by the superior, proposed
    HTXS in a group of the agency whose cap moved someone (him or another) down."""
    me = next((pr for pr in people if pr.ma_so == head), None)
    if me is None:
        return []
    out = []
    for g in groups:
        # he competes for a place, or his decided HTXS holds one
        in_it = any(c.ma_so == head for c in g.xep_hang) or (me.nhom_tuong_dong == g.nhom and me.muc_quyet_dinh == "HTXS")
        if g.nhom != HEAD_GROUP and g.ha_muc and in_it:
            who = me.ho_ten
            out.append(f"Nhóm «{g.ten_nhom or group_label(g.nhom)}» tính cả người đứng đầu cơ quan {who} ({head}), người do cấp trên "
                       "đánh giá, xếp loại, trong tỷ lệ Hoàn thành xuất sắc nhiệm vụ của cơ quan. Văn bản chưa quy định "
                       "rõ người đứng đầu có tính trong tỷ lệ của cơ quan hay không; nếu tỷ lệ của người đứng đầu do cấp "
                       "trên xét, ghi «Có» ở ô «Người đứng đầu ngoài tỷ lệ HTXS của cơ quan» (sheet CoQuan) rồi chạy lại.")
    return out


def _proposals_of_the_decided(people: list[PersonRating], campaign: Campaign, rb: Rulebook,
                              overrides: dict[str, CapOverride]) -> list[PersonRating]:
    """The proposal of someone whose level is decided is the one made before the decision: rule 4 as
    if nobody of the group were decided (a decided person is not capped by `_apply_caps`, so without
    this a proposal moved down by the cap would come back as HTXS once the competent evaluator has
    decided that very HTT, and the phiếu would print another proposal than the unit made). The
    undecided keep what `_apply_caps` gives them with the decided levels in their places."""
    decided = [i for i, pr in enumerate(people) if pr.rated and pr.muc_quyet_dinh]
    if not decided:
        return people
    before, _ = _apply_caps([replace(pr, muc_quyet_dinh=None) for pr in people], campaign, rb, overrides)
    out = list(people)
    for i in decided:
        pr = people[i]
        if pr.muc_de_xuat == "HTXS" and before[i].muc_de_xuat == "HTT":  # the cap moved the proposal down
            pr = _vote_after_cap(pr)  # its vote warning as the undecided proposal had it, not «theo điểm»
        out[i] = replace(pr, muc_de_xuat=before[i].muc_de_xuat, ly_do=before[i].ly_do)
    return out


def _check_decided(people: list[PersonRating], limits: dict[str, list[_Limit]], rb: Rulebook) -> list[PersonRating]:
    """Rule 5 (per person): decided levels are copied, never changed; each is checked against rules 2 and 3."""
    out = []
    for pr in people:
        d = pr.muc_quyet_dinh
        if not d:
            out.append(pr)
            continue
        warnings = []
        if not pr.rated:
            warnings.append(f"Có mức quyết định {WORDS[d]} nhưng người này không thuộc diện xếp loại năm nay "
                            f"(thời gian công tác thực tế chưa đủ 06 tháng); giữ nguyên mức đã ghi — {rb.cite.months_in_post}.")
        for lim in limits.get(pr.ma_so, []):
            if RANK[d] > RANK[lim.level]:
                warnings.append(f"Mức cấp có thẩm quyền quyết định ({WORDS[d]}) cao hơn mức tối đa {WORDS[lim.level]} "
                                f"do {lim.what} — {lim.cite}. Chương trình giữ nguyên mức quyết định.")
        if pr.rated and pr.muc_de_xuat and d != pr.muc_de_xuat:
            warnings.append(f"Mức quyết định ({WORDS[d]}) khác mức chương trình đề xuất ({WORDS[pr.muc_de_xuat]}); "
                            "giữ nguyên mức quyết định.")
        out.append(_with(pr, warnings=warnings))
    return out


def _check_final_cap(people: list[PersonRating], groups: list[GroupCap], rb: Rulebook,
                     overrides: dict[str, CapOverride]) -> tuple[list[PersonRating], list[GroupCap], list[str]]:
    """Rule 5 (per group): the cap checked on final levels (decided, else proposed)."""
    people = list(people)
    out_groups, agency = [], []
    members: dict[str, list[int]] = _groups(people)
    for g in groups:
        idx = members.get(g.nhom, [])
        finals = [people[i].muc_cuoi for i in idx if people[i].rated]
        n_htxs, n_htt = finals.count("HTXS"), finals.count("HTT")
        decided = sum(1 for i in idx if people[i].muc_quyet_dinh)
        override = overrides.get(g.nhom.casefold())
        allowed = override.so_htxs_toi_da if override else rules.cap_for(n_htt, rb.htxs_ratio, rb.htxs_rounding)
        if not override and n_htxs <= allowed:
            # within the cap: the most the group could hold, those not held counted as HTT — the number the
            # cap printed in the minutes and on the phiếu («nhóm được tối đa 1 người»), not 20 % of the HTT
            # that are left (20 % of 10 is 2, but keeping 2 of 11 leaves 9 HTT: 1.8, so 1; audit 33). The
            # check is the same: n HTXS ≤ 20 % × HTT exactly when n is at most that number.
            allowed = rules.htxs_allowed(0, n_htxs + n_htt, rb.htxs_ratio, rb.htxs_rounding)
        if g.nhom == HEAD_GROUP:  # the superior applies the head's cap
            allowed = n_htxs
        g = replace(g, so_htxs_cuoi=n_htxs, so_htt_cuoi=n_htt, toi_da_cuoi=allowed, so_quyet_dinh=decided)
        out_groups.append(g)
        if decided and n_htxs > allowed:
            hxs, ht = WORDS["HTXS"], WORDS["HTT"]
            basis = (f"ngoại lệ tại {g.ngoai_le}" if override else
                     f"{rules.pct(rb.htxs_ratio)} của {n_htt} người {ht} là {rules.num(rb.htxs_ratio * n_htt)}, "
                     f"{rules.ROUNDING_WORDS.get(rb.htxs_rounding, rb.htxs_rounding)} được {allowed}")
            text = (f"Theo mức cuối cùng (mức quyết định, chưa có thì mức đề xuất), nhóm «{g.ten_nhom or group_label(g.nhom)}» có {n_htxs} "
                    f"người {hxs}, vượt mức tối đa {allowed} người ({basis}) — {rb.cite.cap}.")
            agency.append(text)
            for i in idx:
                if people[i].muc_cuoi == "HTXS":
                    people[i] = _with(people[i], warnings=(text,))
    return people, out_groups, agency
