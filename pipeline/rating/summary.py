"""Per-unit summary of the ratings (counts per level, cap status), for `hoso rate` and the .xlsx."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.rating import agency_kind
from pipeline.rating.groups import HEAD_GROUP, group_label
from pipeline.rating.result import GroupCap, PersonRating, Ratings

STATUS_WORDS = {"xep_loai": "Xếp loại", "khong_xep_loai": "Không xếp loại"}


@dataclass(frozen=True)
class UnitSummary:
    ma_don_vi: str
    so_nguoi: int = 0
    so_muc: dict[str, int] = field(default_factory=dict)  # final level (decided, else proposed) -> count
    chua_co_muc: int = 0  # rated but no level at all
    khong_xep_loai: int = 0
    so_quyet_dinh: int = 0
    ha_muc: tuple[str, ...] = ()  # moved down from HTXS by the cap
    tinh_trang_ty_le: str = ""
    vuot_ty_le: bool = False  # some group of the unit is over the cap on final levels
    so_canh_bao: int = 0


def agency_htxs(ratings: Ratings) -> tuple[int, int]:
    """(HTXS, people rated with a level), on final levels: the ND 48 ratio next to the party ratio (R5.2)."""
    finals = [pr.muc_cuoi for pr in ratings.people if pr.rated and pr.muc_cuoi]
    return finals.count("HTXS"), len(finals)


def agency_htxs_words(ratings: Ratings, why: str) -> str:
    """«3/39 = 7,7% (`why`)», `agency_htxs` as `hoso rate` and the ratings spreadsheet say it ("" when nobody has a
    level); the report and the biểu give each level's share of everyone rated, so where some rated people have no
    level yet (periods missing) the words say they are left out — «3/38 = 7,9% (`why`; chưa tính 1 người được xếp loại
    nhưng chưa có mức)» — lest 7,9 % read as the report's 3/39 = 7,7 % misprinted."""
    from pipeline.rating.rules import pct

    htxs, rated = agency_htxs(ratings)
    if not rated:
        return ""
    pending = sum(1 for pr in ratings.people if pr.rated and not pr.muc_cuoi)
    left_out = f"; chưa tính {pending} người được xếp loại nhưng chưa có mức" if pending else ""
    return f"{htxs}/{rated} = {pct(htxs / rated)} ({why}{left_out})"


def unit_summaries(ratings: Ratings) -> list[UnitSummary]:
    units: dict[str, list[PersonRating]] = {}
    for pr in ratings.people:
        units.setdefault(pr.ma_don_vi, []).append(pr)
    out = []
    for code, members in units.items():
        counts: dict[str, int] = {}
        for pr in members:
            if pr.rated and pr.muc_cuoi:
                counts[pr.muc_cuoi] = counts.get(pr.muc_cuoi, 0) + 1
        codes = {pr.ma_so for pr in members}
        groups = [g for g in ratings.groups if code in g.don_vi]
        moved = tuple(m for g in groups for m in g.ha_muc if m in codes)
        parts = []
        hxs = "Hoàn thành xuất sắc nhiệm vụ"
        for g in groups:
            here = [m for m in g.ha_muc if m in codes]
            label = g.ten_nhom or group_label(g.nhom)
            if g.nhom == HEAD_GROUP:  # the superior weighs the head's level: no ratio nor maximum of the agency's
                parts.append(f"nhóm «{label}»: {g.so_htxs_cuoi} người {hxs}, "
                             f"{agency_kind.head_cap_words(agency_kind.of_head_group(g))}")
            elif g.vuot_cuoi:
                parts.append(f"nhóm «{label}»: mức cuối cùng VƯỢT tỷ lệ ({g.so_htxs_cuoi} người {hxs}, tối đa "
                             f"{g.toi_da_cuoi})")
            elif here:
                parts.append(f"nhóm «{label}»: vượt tỷ lệ, đã hạ {', '.join(here)} xuống Hoàn thành tốt nhiệm vụ "
                             f"(nhóm được tối đa {g.toi_da} người {hxs})")
            elif g.ha_muc:
                parts.append(f"nhóm «{label}»: vượt tỷ lệ, đã hạ người ở đơn vị khác (nhóm được tối đa {g.toi_da} người "
                             f"{hxs})")
            else:
                parts.append(f"nhóm «{label}»: trong tỷ lệ ({g.so_htxs_quyet_dinh + g.so_htxs_giu} người {hxs}, "
                             f"tối đa {g.toi_da})")
        out.append(UnitSummary(
            ma_don_vi=code, so_nguoi=len(members), so_muc=counts,
            chua_co_muc=sum(1 for pr in members if pr.rated and not pr.muc_cuoi),
            khong_xep_loai=sum(1 for pr in members if not pr.rated),
            so_quyet_dinh=sum(1 for pr in members if pr.muc_quyet_dinh), ha_muc=moved,
            tinh_trang_ty_le="; ".join(parts), vuot_ty_le=any(g.vuot_cuoi for g in groups),
            so_canh_bao=sum(len(pr.canh_bao) for pr in members),
        ))
    return out


def warning_lines(ratings: Ratings) -> list[str]:
    """The rating's warnings as printed by `hoso rate` and repeated by `hoso build`: each person's
    warnings (name and code first), then the agency-wide ones."""
    out = []
    warned = [pr for pr in ratings.people if pr.canh_bao]
    if warned:
        out.append(f"{len(warned)} người có cảnh báo cần xem (cũng ở cột «Cảnh báo» trong ket_qua_xep_loai.xlsx):")
        for pr in warned:
            for w in pr.canh_bao:
                out.append(f"Cảnh báo — {pr.ho_ten} ({pr.ma_so}): {w}")
    for w in ratings.canh_bao:
        out.append("Cảnh báo: " + w)
    return out


def cap_line(g: GroupCap) -> str:
    """One sentence per comparable group: who keeps what and why (hoso rate)."""
    from pipeline.rating.levels import WORDS

    hxs, ht = WORDS["HTXS"], WORDS["HTT"]
    label = g.ten_nhom or group_label(g.nhom)
    kept = [c for c in g.xep_hang if c.giu]
    moved = [c for c in g.xep_hang if not c.giu]
    decided = f"{g.so_htxs_quyet_dinh} người đã được quyết định {hxs}; " if g.so_htxs_quyet_dinh else ""
    if g.nhom == HEAD_GROUP:  # the superior applies the head's cap (engine._head_outside: why, in ngoai_le)
        who = ", ".join(f"{c.ho_ten} ({c.ma_so})" for c in kept)
        return (f"«{label}»: {decided}" + (f"giữ mức đề xuất {hxs} của {who}; " if who else "") +
                f"{agency_kind.outside_cap_words(agency_kind.of_head_group(g))}, tỷ lệ của người đứng đầu do cấp trên xét "
                f"({g.ngoai_le.split(':')[0]}).")
    if g.ngoai_le:
        why = f"ngoại lệ tại {g.ngoai_le} cho tối đa {g.toi_da} người"
    else:
        why = f"nhóm được tối đa {g.toi_da} người {hxs} ({g.ty_le:.0%} số {ht}, tính cả người bị hạ)"
    if not g.so_htxs_de_nghi:
        text = f"«{label}»: {decided}không có đề xuất {hxs} nào."
    elif moved:
        names = ", ".join(f"{c.ho_ten} ({c.ma_so})" for c in moved)
        keep = ("giữ " + ", ".join(f"{c.ho_ten} ({c.ma_so})" for c in kept) + f" ở mức {hxs}; ") if kept else \
            f"không giữ được ai ở mức {hxs}; "
        text = f"«{label}»: {decided}{keep}hạ {names} xuống {ht} vì {why}."
    else:
        text = f"«{label}»: {decided}giữ cả {len(kept)} người đề xuất {hxs} vì {why}."
    if g.vuot_cuoi:
        text += f" Theo mức cuối cùng nhóm có {g.so_htxs_cuoi} người {hxs}, VƯỢT mức tối đa {g.toi_da_cuoi}."
    return text
