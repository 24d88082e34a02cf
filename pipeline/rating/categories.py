"""Which rulebook rates whom (R0 from 2026). Pure: no I/O.

Years before 2026, or when `--bo-quy-tac` / `CoQuan.bo_quy_tac` forces one: one rulebook for
everybody, as before. From 2026 the staff category decides (`rulebooks.for_person`): công chức under
nd335-2025, viên chức under nd233-2026, cán bộ / contract staff / NLĐ under the agency's choice
(`DonVi.bo_quy_tac_khac`, else `CoQuan.bo_quy_tac_khac`, default nd335-2025, with a warning). The campaign is then cut into one
part per rulebook; each part is rated on its own, so a comparable group (the 20 % cap) never mixes
people rated under different rulebooks: a group name used in two parts is split, each half named
with its rulebook.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from pipeline.ingest.cells import fold
from pipeline.ingest.model import Campaign, CapOverride, Person, names_person
from pipeline.ingest.schema import kind_in_sentence
from pipeline.rating import agency_kind
from pipeline.rating.groups import display_name
from pipeline.rating.rulebooks import (
    BY_CATEGORY,
    BY_CATEGORY_FROM,
    Rulebook,
    for_person,
    resolve,
)

OTHER_KINDS = ("can_bo", "hop_dong", "nguoi_lao_dong")


@dataclass(frozen=True)
class Plan:
    parts: tuple[tuple[Rulebook, Campaign], ...]
    primary: Rulebook  # for the agency-wide rules (emulation) and the summary
    by_category: bool  # False: one rulebook forced or chosen by the year
    warnings: tuple[str, ...] = ()
    rulebook_of: Mapping[str, str] = field(default_factory=dict)  # ma_so -> rulebook id, when mixed

    @property
    def mixed(self) -> bool:
        return len(self.parts) > 1

    @property
    def id(self) -> str:
        return ", ".join(rb.id for rb, _ in self.parts) if self.mixed else self.primary.id

    @property
    def title(self) -> str:
        return "; ".join(rb.title for rb, _ in self.parts) if self.mixed else self.primary.title

    def settings(self) -> dict[str, Any]:
        out = self.primary.settings()
        if self.mixed:
            out["theo_bo_quy_tac"] = {rb.id: rb.settings() for rb, _ in self.parts}
        return out


def suffixed(name: str, rb: Rulebook) -> str:
    return f"{name} ({rb.id})"


def plan(campaign: Campaign, rulebook: Rulebook | str | None = None) -> Plan:
    year = campaign.year
    agency = campaign.agency
    forced = rulebook or agency.bo_quy_tac
    if forced or year < BY_CATEGORY_FROM:
        rb = resolve(year, rulebook, agency.bo_quy_tac)
        return Plan(((rb, campaign),), rb, False, rb.in_year(year).notes)
    rulebooks: dict[str, Rulebook] = {}
    for p in campaign.people:
        rulebooks[p.ma_so] = for_person(year, p.loai_nhan_su, campaign.others_rulebook(p))
    warnings = _warnings(campaign, rulebooks)
    order: list[Rulebook] = []
    for rb in rulebooks.values():
        if rb not in order:
            order.append(rb)
    if len(order) <= 1:
        rb = order[0] if order else resolve(year)
        return Plan(((rb, campaign),), rb, True, warnings)
    counts = Counter(rb.id for rb in rulebooks.values())
    primary = max(order, key=lambda rb: counts[rb.id])  # ties: the first met
    people = {rb.id: [p for p in campaign.people if rulebooks[p.ma_so] is rb] for rb in order}
    groups = {rb.id: {_group(p).casefold() for p in people[rb.id]} for rb in order}
    shared = {g for g in set().union(*groups.values()) if sum(g in gs for gs in groups.values()) > 1}
    parts = []
    for rb in order:
        mine = [replace(p, nhom_tuong_dong=suffixed(_group(p), rb)) if _group(p).casefold() in shared else p
                for p in people[rb.id]]
        overrides = tuple(_override_for(o, rb, shared) for o in campaign.cap_overrides
                          if o.nhom_tuong_dong.casefold() in groups[rb.id])
        parts.append((rb, replace(campaign, people=tuple(mine), cap_overrides=overrides)))
    if shared:
        names = sorted({_group(p) for p in campaign.people if _group(p).casefold() in shared})
        units = {u.ma_don_vi: u.ten_don_vi for u in campaign.units}
        warnings += (f"Nhóm tương đồng {', '.join(f'«{display_name(n, units)}»' for n in names)} có người được xếp loại "
                     "theo các bộ quy tắc khác nhau; tỷ lệ HTXS được tính riêng cho từng bộ quy tắc (tên nhóm kèm văn "
                     "bản của bộ quy tắc).",)
        for o in campaign.cap_overrides:
            if o.nhom_tuong_dong.casefold() in shared:
                warnings += (f"Ngoại lệ tỷ lệ HTXS cho nhóm «{o.nhom_tuong_dong}» (văn bản số {o.so_van_ban}) áp dụng "
                             "riêng cho phần nhóm của từng bộ quy tắc; kiểm tra lại văn bản cho phép.",)
    return Plan(tuple(parts), primary, True, warnings,
                MappingProxyType({code: rb.id for code, rb in rulebooks.items()}))


def _group(p: Person) -> str:
    from pipeline.rating.engine import default_group  # the engine imports this module

    return default_group(p)


def _override_for(o: CapOverride, rb: Rulebook, shared: set[str]) -> CapOverride:
    return replace(o, nhom_tuong_dong=suffixed(o.nhom_tuong_dong, rb)) if o.nhom_tuong_dong.casefold() in shared else o


def _warnings(campaign: Campaign, rulebooks: dict[str, Rulebook]) -> tuple[str, ...]:
    out: list[str] = []
    # one sentence per rulebook and who chose it: a unit (DonVi), the agency (CoQuan), or the default
    chosen_by: dict[tuple[str, str], Counter[str]] = {}
    # the agency as its papers name it: «đơn vị» for a đơn vị sự nghiệp công lập (agency_kind), its head's rulebook
    head = campaign.agency_head_ma_so()
    body = agency_kind.noun(agency_kind.public_service(campaign, rulebooks.get(head) if head else None))
    for p in campaign.people:
        if p.loai_nhan_su in BY_CATEGORY:
            continue
        unit = campaign._units_by_code.get(p.ma_don_vi)
        if unit is not None and unit.bo_quy_tac_khac:
            how = (f"theo lựa chọn của đơn vị «{unit.ten_don_vi}» (sheet DonVi, «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ của "
                   "đơn vị»)")
        elif campaign.agency.bo_quy_tac_khac.strip():
            how = f"theo lựa chọn của {body} (sheet CoQuan, «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ»)"
        else:
            how = "theo mặc định vì sheet CoQuan chưa ghi «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ»"
        chosen_by.setdefault((rulebooks[p.ma_so].id, how), Counter())[p.loai_nhan_su] += 1
    if chosen_by:
        parts = []
        for (rb_id, how), kinds in chosen_by.items():
            who = ", ".join(f"{n} {kind_in_sentence(k)}" for k, n in sorted(kinds.items()))
            parts.append(f"{who} được xếp loại theo bộ quy tắc {rb_id} {how}")
        out.append(f"Năm {campaign.year}: {'; '.join(parts)}. Chưa có văn bản xác định quy định đánh giá áp dụng cho các "
                   f"đối tượng này; {body} đối chiếu quy chế đánh giá của mình.")
    # who rates a cán bộ in 2026 is not found (regime-2026.md §0; ND 90 Art. 16: the body managing cán bộ): the
    # phiếu names the agency head unless the workbook names the person's own evaluator (NhanSu `nguoi_danh_gia`)
    by_head = [p for p in campaign.people if p.loai_nhan_su == "can_bo" and not p.nguoi_danh_gia
               and not names_person(campaign.agency.nguoi_dung_dau, p.ho_ten)]
    if by_head:
        names = ", ".join(f"{p.ho_ten} ({p.ma_so})" for p in by_head)
        head = campaign.agency.chuc_vu_nguoi_dung_dau or "người đứng đầu cơ quan"
        out.append(f"Năm {campaign.year}: phiếu của cán bộ {names} ghi người có thẩm quyền đánh giá là "
                   f"{(head + ' ' + campaign.agency.nguoi_dung_dau).strip()}. Chưa có văn bản xác định thẩm quyền đánh giá cán bộ (theo Nghị "
                   "định 90/2020/NĐ-CP là cấp có thẩm quyền quản lý cán bộ); nếu khác, ghi ở cột «Người có thẩm quyền "
                   "đánh giá» và «Chức vụ người có thẩm quyền đánh giá» (sheet NhanSu) rồi chạy lại.")
    if (school := _school_year_warning(campaign, rulebooks)) is not None:
        out.append(school)
    seen = []
    for rb in rulebooks.values():
        if rb.id not in seen:
            seen.append(rb.id)
            out += [n for n in rb.in_year(campaign.year).notes if n not in out]  # a note two rulebooks share: once
    return tuple(out)


def _school_year_warning(campaign: Campaign, rulebooks: dict[str, Rulebook]) -> str | None:
    """A school («Trường …», «… mầm non») rating viên chức under ND 233: schools rate their teachers by school
    year in practice (ND 90 let the unit's head choose the time: regime-2026.md §2, [S53]); whether ND 233 keeps
    that was not found, and hoso rates the calendar year of CoQuan «Năm đánh giá» (docs/rating.md, open call k).
    Said once, so the clerk does not type the 2025–2026 school year's results as 2026's periods unawares."""
    name = fold(campaign.agency.ten_co_quan)
    if not (name.startswith("truong ") or "mam non" in name):
        return None
    if not any(p.loai_nhan_su == "vien_chuc" and rulebooks[p.ma_so].id == BY_CATEGORY["vien_chuc"]
               for p in campaign.people):
        return None
    y = campaign.year
    return (f"Năm {y}: viên chức được đánh giá, xếp loại theo năm {y} (kết quả các tháng, quý từ tháng 01/{y} đến tháng "
            f"12/{y} ở sheet KetQuaKy), không theo năm học. Nghị định 233/2026/NĐ-CP có cho cơ sở giáo dục đánh giá viên "
            f"chức theo năm học (như Nghị định 90/2020/NĐ-CP) hay không chưa được xác nhận; nếu cơ quan quản lý hướng dẫn "
            f"đánh giá theo năm học ({y - 1}–{y}), chương trình chưa hỗ trợ cách này.")

