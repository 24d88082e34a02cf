"""rate(campaign) -> Ratings: applies the rulebook's rules to every person, then the group caps
and the emulation conditions. Pure: no I/O."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from pipeline.ingest.model import Campaign, Person
from pipeline.rating import rules
from pipeline.rating.emulation import rate_emulation
from pipeline.rating.levels import RANK, WORDS, at_most, worse
from pipeline.rating.result import GroupCap, PersonRating, Ratings
from pipeline.rating.rulebooks import Rulebook, for_year


def default_group(person: Person) -> str:
    """Contract default: one group per agency and leadership value."""
    return person.nhom_tuong_dong or ("co_quan/lanh_dao_quan_ly" if person.lanh_dao_quan_ly else "co_quan/khong_giu_chuc_vu")


def rate(campaign: Campaign, *, rulebook: Rulebook | None = None) -> Ratings:
    year = campaign.year
    rb = rulebook or for_year(year, campaign.agency.bo_quy_tac)
    discs_by_person = defaultdict(list)
    for d in campaign.disciplines:
        discs_by_person[d.ma_so].append(d)
    points = _points(campaign)

    people = [
        _rate_person(p, campaign, rb, discs_by_person.get(p.ma_so, []), points.get(p.ma_so))
        for p in campaign.people
    ]
    people, groups = _apply_caps(people, campaign, rb, points)
    people = _check_decided(people, groups, rb)
    people, agency_warnings = rate_emulation(people, campaign, rb)
    return Ratings(year, rb.id, tuple(people), tuple(groups), tuple(agency_warnings))


def _points(campaign: Campaign) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for s in campaign.scores:
        pts = s.diem_danh_gia if s.diem_danh_gia is not None else s.diem_tu_cham
        if pts is not None:
            totals[s.ma_so] += pts
    return dict(totals)


def _rate_person(p: Person, campaign: Campaign, rb: Rulebook, discs, points: float | None) -> PersonRating:
    year = campaign.year
    reasons: list[str] = []
    warnings: list[str] = []
    base = dict(ma_so=p.ma_so, ho_ten=p.ho_ten, ma_don_vi=p.ma_don_vi, nhom_tuong_dong=default_group(p),
                tu_xep_loai=p.tu_xep_loai, muc_quyet_dinh=p.muc_quyet_dinh)

    if rules.not_rated(p, rb):
        reasons.append(
            f"Công tác {p.so_thang_cong_tac:g} tháng trong năm (dưới 06 tháng, không nghỉ thai sản): không thực hiện "
            f"đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm — {rb.cite_months}."
        )
        return PersonRating(**base, trang_thai="khong_xep_loai", muc_de_xuat=None, muc_toi_da=None,
                            ly_do=tuple(reasons), canh_bao=tuple(warnings))

    vote = campaign.votes.get(p.ma_so)
    if rb.points_based and points is not None:
        level = next(lv for lv, minimum in rb.points_thresholds if points >= minimum)
        reasons.append(f"Tổng điểm {points:g}/100: mức {WORDS[level]} theo thang điểm của {rb.id}.")
        meeting = level
    else:
        level, r, w = rules.proposal(p, vote, rb)
        reasons += r
        warnings += w
        meeting = rules.meeting_level(vote) if vote else None

    ceiling = "HTXS"
    if p.nghi_thai_san:
        reasons.append(f"Nghỉ chế độ thai sản: vẫn đánh giá, xếp loại theo thời gian làm việc thực tế — {rb.cite_months}.")
    counted, notes = rules.counted_disciplines(discs, campaign.disciplines, year, rb)
    reasons += notes
    if counted:
        ceiling = "KHT"
        reasons += [rules.discipline_reason(d, year, rb) for d in counted]
    if rb.absence_cap_from <= p.so_thang_nghi < rb.absence_cap_to:
        ceiling = worse(ceiling, "HT")
        reasons.append(
            f"Nghỉ không tham gia công tác {p.so_thang_nghi:g} tháng (từ 03 đến dưới 06 tháng): không xếp loại "
            f"từ Hoàn thành tốt nhiệm vụ trở lên — {rb.cite_months}."
        )
    if counted and level is None:
        level = "KHT"
    capped = at_most(level, ceiling)
    if level is not None and capped != level:
        reasons.append(f"Mức đề xuất hạ từ {WORDS[level]} xuống {WORDS[capped]} do mức tối đa theo các quy định trên.")
    return PersonRating(**base, trang_thai="xep_loai", muc_de_xuat=capped, muc_toi_da=ceiling,
                        ly_do=tuple(reasons), canh_bao=tuple(warnings), muc_hop=meeting)


def _htxs_share(campaign: Campaign, ma_so: str) -> float:
    vote = campaign.votes.get(ma_so)
    if vote is None or vote.so_nguoi_du_hop <= 0:
        return 0.0
    return vote.phieu.get("HTXS", 0) / vote.so_nguoi_du_hop


def _apply_caps(people: list[PersonRating], campaign: Campaign, rb: Rulebook, points: dict[str, float]):
    by_group: dict[str, list[int]] = defaultdict(list)
    for i, pr in enumerate(people):
        by_group[pr.nhom_tuong_dong].append(i)
    groups: list[GroupCap] = []
    for name in sorted(by_group):
        idx = by_group[name]
        htxs = [i for i in idx if people[i].muc_de_xuat == "HTXS"]
        htt = [i for i in idx if people[i].muc_de_xuat == "HTT"]
        keep = rules.htxs_allowed(len(htt), len(htxs), rb)
        order = sorted(htxs, key=lambda i: (-_htxs_share(campaign, people[i].ma_so), -points.get(people[i].ma_so, 0.0), people[i].ma_so))
        kept, moved = order[:keep], order[keep:]
        if kept and moved:
            last = order[keep - 1]
            key_last = (_htxs_share(campaign, people[last].ma_so), points.get(people[last].ma_so, 0.0))
            tied = [i for i in order if (_htxs_share(campaign, people[i].ma_so), points.get(people[i].ma_so, 0.0)) == key_last]
            if any(i in moved for i in tied):
                names = ", ".join(f"{people[i].ho_ten} ({people[i].ma_so})" for i in tied)
                for i in tied:
                    people[i] = replace(people[i], canh_bao=people[i].canh_bao + (
                        f"Bằng nhau về tỷ lệ phiếu HTXS và điểm giữa: {names}; chương trình giữ theo thứ tự mã số. "
                        "Cấp có thẩm quyền cần quyết định.",))
        final_htt = len(htt) + len(moved)
        how = (f"{len(htxs)} đề nghị HTXS, {len(htt)} đề nghị HTT; giữ k = {keep} HTXS vì k ≤ "
               f"{rb.htxs_ratio:.0%} × (số HTT sau khi hạ mức = {final_htt}) = {rb.htxs_ratio * final_htt:g}, làm tròn xuống")
        for i in moved:
            pr = people[i]
            people[i] = replace(pr, muc_de_xuat="HTT", ly_do=pr.ly_do + (
                f"Nhóm tương đồng «{name}» vượt tỷ lệ: {how}. Hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành tốt "
                f"nhiệm vụ (tỷ lệ phiếu HTXS thấp hơn những người được giữ) — {rb.cite_cap}.",))
        for i in kept:
            pr = people[i]
            people[i] = replace(pr, ly_do=pr.ly_do + (f"Trong tỷ lệ HTXS của nhóm «{name}»: {how} — {rb.cite_cap}.",))
        if htxs and keep == 0 and not moved:
            pass
        groups.append(GroupCap(name, len(idx), len(htxs), len(htt), keep, rules.cap_for(final_htt, rb),
                               tuple(people[i].ma_so for i in moved), how))
    return people, groups


def _check_decided(people: list[PersonRating], groups: list[GroupCap], rb: Rulebook) -> list[PersonRating]:
    """Rule 5: decided levels are never changed, only checked."""
    out = []
    decided_by_group: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pr in people:
        if pr.muc_quyet_dinh:
            decided_by_group[pr.nhom_tuong_dong][pr.muc_quyet_dinh] += 1
    for pr in people:
        warnings = list(pr.canh_bao)
        d = pr.muc_quyet_dinh
        if d and pr.muc_toi_da and RANK[d] > RANK[pr.muc_toi_da]:
            warnings.append(f"Mức cấp có thẩm quyền quyết định ({WORDS[d]}) cao hơn mức tối đa theo quy định "
                            f"({WORDS[pr.muc_toi_da]}); xem lý do ở trên.")
        if d == "HTXS":
            counts = decided_by_group[pr.nhom_tuong_dong]
            allowed = rules.cap_for(counts.get("HTT", 0), rb)
            if counts["HTXS"] > allowed:
                warnings.append(f"Nhóm «{pr.nhom_tuong_dong}» có {counts['HTXS']} người được quyết định HTXS, vượt mức tối đa "
                                f"{allowed} (20% của {counts.get('HTT', 0)} HTT) — {rb.cite_cap}.")
        if d and pr.muc_de_xuat and d != pr.muc_de_xuat:
            warnings.append(f"Mức quyết định ({WORDS[d]}) khác mức chương trình đề xuất ({WORDS[pr.muc_de_xuat]}); giữ nguyên mức quyết định.")
        out.append(replace(pr, canh_bao=tuple(warnings)) if warnings != list(pr.canh_bao) else pr)
    return out
