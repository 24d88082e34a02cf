"""What the rating stage produces: one PersonRating per person, with every reason and warning."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class EmulationResult:
    de_nghi: str  # LDTT | CSTDCS
    du_dieu_kien: bool
    ly_do: tuple[str, ...] = ()


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
    muc_toi_da: str | None  # ceiling from the hard rules
    ly_do: tuple[str, ...] = ()
    canh_bao: tuple[str, ...] = ()
    thi_dua: EmulationResult | None = None
    muc_hop: str | None = None  # the level the unit meeting's votes give, before caps

    @property
    def muc_cuoi(self) -> str | None:
        """The final level: decided if the evaluator decided, else the proposal."""
        return self.muc_quyet_dinh or self.muc_de_xuat

    @property
    def rated(self) -> bool:
        return self.trang_thai == "xep_loai"


@dataclass(frozen=True)
class GroupCap:
    """The HTXS ≤ 20 % × HTT check for one comparable group (R5)."""

    nhom: str
    so_nguoi: int
    so_htxs_de_nghi: int  # HTXS proposals before the cap
    so_htt_de_nghi: int
    so_htxs_giu: int  # kept at HTXS
    toi_da: int  # allowed HTXS given the final HTT count
    ha_muc: tuple[str, ...] = ()  # ma_so moved down from HTXS to HTT
    cach_tinh: str = ""  # the computation, in words


@dataclass(frozen=True)
class Ratings:
    nam_danh_gia: int
    bo_quy_tac: str
    people: tuple[PersonRating, ...]
    groups: tuple[GroupCap, ...] = ()
    canh_bao: tuple[str, ...] = field(default=())  # agency-wide warnings

    def of(self, ma_so: str) -> PersonRating:
        return self._index[ma_so]

    @property
    def _index(self) -> dict[str, PersonRating]:
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = {p.ma_so: p for p in self.people}
            object.__setattr__(self, "_idx", idx)
        return idx
