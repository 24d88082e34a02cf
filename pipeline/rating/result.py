"""What the rating stage produces: one PersonRating per person, one GroupCap per comparable group,
the emulation summary, and every reason and warning."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EmulationResult:
    de_nghi: str  # LDTT | CSTDCS
    du_dieu_kien: bool  # eligible for the title proposed
    ly_do: tuple[str, ...] = ()
    dat_ldtt: bool = False  # meets the LĐTT conditions (also for a CSTĐCS proposal)
    ty_le_phieu: float | None = None  # share of "đồng ý" in the secret ballot


@dataclass(frozen=True)
class PeriodScore:
    """One period's score (points regime, from 2026): month "2026-01" or quarter "2026-Q1".
    a … e are percentages (0–100); d, dd (đ), e only for leaders."""

    ky: str
    diem_tieu_chi_chung: float
    a: float
    b: float
    c: float
    d: float | None
    dd: float | None
    e: float | None
    diem: float  # the period score, unrounded
    # the agency or unit that monitored and rated the period when not this one (KetQuaKy don_vi_danh_gia:
    # the results the old agency sent for a person transferred in during the year); "" = this agency
    don_vi_danh_gia: str = ""


@dataclass(frozen=True)
class PersonRating:
    ma_so: str
    ho_ten: str
    ma_don_vi: str
    nhom_tuong_dong: str
    trang_thai: str  # "xep_loai" | "khong_xep_loai"
    tu_xep_loai: str | None
    muc_de_xuat: str | None  # the program's proposal
    muc_quyet_dinh: str | None  # copied from the workbook, never changed
    muc_toi_da: str | None  # ceiling from the hard rules (None when not rated)
    ly_do: tuple[str, ...] = ()
    canh_bao: tuple[str, ...] = ()
    thi_dua: EmulationResult | None = None
    muc_hop: str | None = None  # the level the unit meeting's votes give, before any rule
    nguon_de_xuat: str | None = None  # bieu_quyet | tu_xep_loai | diem | ky_luat | suy_thoai | vi_pham_dang_vien | tham_nhung_don_vi | don_vi | co_quan | None
    diem: float | None = None  # total points (ChamDiem), or the year score from the periods (KetQuaKy), unrounded
    muc_dang_vien: str | None = None  # party-member level, when given (rule 6)
    diem_ky: tuple[PeriodScore, ...] = ()  # the period scores behind `diem` (from 2026)
    bo_quy_tac: str = ""  # the rulebook this person was rated under (empty: the campaign's `Ratings.bo_quy_tac`)
    # NhanSu «Số định danh cá nhân» (Person.so_dinh_danh): with the results, for the national database's record;
    # out of repr, as on Person
    so_dinh_danh: str = field(default="", repr=False)

    @property
    def muc_cuoi(self) -> str | None:
        """The final level: decided if the evaluator decided, else the proposal."""
        return self.muc_quyet_dinh or self.muc_de_xuat

    @property
    def rated(self) -> bool:
        return self.trang_thai == "xep_loai"


@dataclass(frozen=True)
class CapRank:
    """One HTXS proposal in the group's ranking (who stays)."""

    ma_so: str
    ho_ten: str
    ty_le_phieu_htxs: float
    diem: float | None
    giu: bool  # kept at HTXS


@dataclass(frozen=True)
class GroupCap:
    """The HTXS ≤ 20 % × HTT check for one comparable group (rule 4), on proposals and on final levels."""

    nhom: str
    so_nguoi: int
    so_xep_loai: int  # people rated (not "khong_xep_loai")
    so_htxs_de_nghi: int  # HTXS proposals before the cap
    so_htt_de_nghi: int  # HTT proposals before the cap
    so_htxs_giu: int  # HTXS proposals kept (decided HTXS not included)
    toi_da: int  # the most HTXS the group may have in all, decided ones included (or the approved exception)
    ha_muc: tuple[str, ...] = ()  # ma_so moved down from HTXS to HTT
    cach_tinh: str = ""  # the computation, in words
    ty_le: float = 0.2
    lam_tron: str = "floor"
    ngoai_le: str = ""  # the approving document of an exception, in words
    xep_hang: tuple[CapRank, ...] = ()
    bang_nhau: tuple[str, ...] = ()  # ma_so tied at the cut, decided by the deterministic order
    don_vi: tuple[str, ...] = ()  # units with people in the group
    # the same check on final levels (decided, else proposed)
    so_htxs_cuoi: int = 0
    so_htt_cuoi: int = 0
    toi_da_cuoi: int = 0
    so_quyet_dinh: int = 0  # people in the group with a decided level
    so_htxs_quyet_dinh: int = 0  # decided HTXS (rated people): they take their places before the proposals
    so_htt_quyet_dinh: int = 0  # decided HTT (rated people): in the base
    ten_nhom: str = ""  # the group's name to print (pipeline.rating.groups.group_label)

    @property
    def vuot_cuoi(self) -> bool:
        return self.so_htxs_cuoi > self.toi_da_cuoi

    @property
    def so_htt_sau(self) -> int:
        return self.so_htt_de_nghi + len(self.ha_muc)


@dataclass(frozen=True)
class EmulationSummary:
    so_de_nghi: int = 0
    so_dat_ldtt: int = 0
    so_de_nghi_cstdcs: int = 0
    so_cstdcs_du_dieu_kien: int = 0  # meeting the CSTĐCS conditions before the cap
    toi_da_cstdcs: int = 0
    so_cstdcs: int = 0  # kept within the cap
    cach_tinh_cstdcs: str = ""
    so_truc_tiep: int = 0  # direct workers among those proposed
    ty_le_truc_tiep: float | None = None
    nguong_truc_tiep: float = 0.55


@dataclass(frozen=True)
class Ratings:
    nam_danh_gia: int
    bo_quy_tac: str
    people: tuple[PersonRating, ...]
    groups: tuple[GroupCap, ...] = ()
    canh_bao: tuple[str, ...] = field(default=())  # agency-wide warnings
    ten_bo_quy_tac: str = ""
    thiet_lap: dict[str, Any] = field(default_factory=dict, compare=False)  # the rulebook's numbers
    thi_dua: EmulationSummary = field(default_factory=EmulationSummary)
    # the same campaign rated as if nobody were decided yet (`muc_quyet_dinh` empty everywhere): the
    # unit's proposals as its meeting made them; None when nobody is decided (then they are these)
    truoc_quyet_dinh: Ratings | None = field(default=None, compare=False, repr=False)

    def unit_proposals(self) -> Ratings:
        """The ratings the unit's meeting papers print (meta.toml `giai_doan = "de_xuat"`: the
        minutes, the proposal table): every level as proposed before any decision, so a decision
        made later never changes a paper the meeting signed."""
        return self.truoc_quyet_dinh or self

    def of(self, ma_so: str) -> PersonRating:
        return self._index[ma_so]

    def group(self, nhom: str) -> GroupCap:
        for g in self.groups:
            if g.nhom == nhom:
                return g
        raise KeyError(nhom)

    @property
    def _index(self) -> dict[str, PersonRating]:
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = {p.ma_so: p for p in self.people}
            object.__setattr__(self, "_idx", idx)
        return idx
