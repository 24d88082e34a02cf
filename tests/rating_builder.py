"""Build Campaign objects directly in Python for the rating tests (no workbook I/O)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

from pipeline.ingest.model import (
    Agency,
    Campaign,
    CapOverride,
    Criterion,
    Discipline,
    EmulationProposal,
    PeriodResult,
    Person,
    Product,
    Score,
    Unit,
    Vote,
)
from pipeline.rating import rate
from pipeline.rating.result import Ratings


class Book:
    """A tiny campaign builder: `b = Book(); b.person("A", vote=(10, 8, 2)); b.rate()`."""

    def __init__(self, year: int = 2024, bo_quy_tac: str = "", bo_quy_tac_khac: str = "") -> None:
        self.year = year
        self.bo_quy_tac = bo_quy_tac
        self.bo_quy_tac_khac = bo_quy_tac_khac
        self.periods: list[PeriodResult] = []
        self.products: list[Product] = []
        self.unit_levels: dict[str, str] = {}
        self.people: list[Person] = []
        self.votes: dict[str, Vote] = {}
        self.discs: list[Discipline] = []
        self.emu: list[EmulationProposal] = []
        self.criteria: list[Criterion] = []
        self.scores: list[Score] = []
        self.overrides: list[CapOverride] = []

    def person(self, code: str, *, name: str | None = None, unit: str = "U1", group: str = "G",
               self_level: str | None = None, decided: str | None = None, months: float = 12, absent: float = 0,
               maternity: bool = False, leader: bool = False, kind: str = "cong_chuc", direct: bool | None = None,
               party: bool = False, party_level: str | None = None, party_self: str | None = None,
               party_skipped: bool = False,
               vote: tuple[int, ...] | None = None, role: str | None = None, degraded: bool = False,
               corruption: bool = False, conclusion: str = "", party_duties: bool = False, heads: str = "") -> str:
        """`vote` = (present, htxs, htt, ht, kht), trailing zeros may be left out; `heads`: the unit this person
        heads concurrently (NhanSu `don_vi_kiem_nhiem`)."""
        self.people.append(Person(
            ma_so=code, ho_ten=name or f"Người {code}", ngay_sinh=dt.date(1985, 1, 1), ma_don_vi=unit,
            vai_tro=role or ("pho" if leader else "nhan_vien"), loai_nhan_su=kind, lanh_dao_quan_ly=leader,
            nhom_tuong_dong=group, so_thang_cong_tac=months, so_thang_nghi=absent, nghi_thai_san=maternity,
            truc_tiep_cong_tac=(not leader) if direct is None else direct, tu_xep_loai=self_level,
            muc_quyet_dinh=decided, dang_vien=party or party_level is not None or party_self is not None, muc_dang_vien=party_level,
            tu_xep_loai_dang_vien=party_self, khong_kiem_diem_dang_vien=party_skipped,
            ket_luan_suy_thoai=degraded, don_vi_tham_nhung=corruption, van_ban_ket_luan=conclusion,
            vi_pham_dang_vien=party_duties, don_vi_kiem_nhiem=heads,
        ))
        if vote is not None:
            self.vote(code, *vote)
        return code

    def peers(self, n: int = 10, group: str = "G", level: str = "HTT") -> list[str]:
        """n people proposed at `level` by a clear vote (so that HTXS proposals fit under the 20 % cap)."""
        votes = {"HTXS": (10, 10), "HTT": (10, 0, 10), "HT": (10, 0, 0, 10), "KHT": (10, 0, 0, 0, 10)}[level]
        start = sum(1 for p in self.people if p.ma_so.startswith(f"{group}-P"))
        return [self.person(f"{group}-P{i:02d}", group=group, vote=votes) for i in range(start, start + n)]

    def vote(self, code: str, present: int, htxs: int = 0, htt: int = 0, ht: int = 0, kht: int = 0) -> None:
        self.votes[code] = Vote(code, present, MappingProxyType({"HTXS": htxs, "HTT": htt, "HT": ht, "KHT": kht}))

    def discipline(self, code: str, kind: str, effective: dt.date, *, form: str = "Khiển trách", act: str = "",
                   counted_year: int | None = None, duty: bool = True, number: str = "") -> None:
        self.discs.append(Discipline(code, kind, effective, form, number or f"{len(self.discs) + 1}/QĐ",
                                     act, counted_year, duty))

    def emulation(self, code: str, title: str = "LDTT", yes: int | None = 8, total: int | None = 10,
                  initiative: str = "") -> None:
        self.emu.append(EmulationProposal(code, title, "", initiative, yes, total))

    def criterion(self, code: str, maximum: float, group: str = "") -> None:
        self.criteria.append(Criterion(code, f"Tiêu chí {code}", maximum, group))

    def score(self, code: str, criterion: str, points: float | None, self_points: float | None = None) -> None:
        self.scores.append(Score(code, criterion, self_points, points))

    def override(self, group: str, maximum: int, number: str = "12/UBND-NC", date: dt.date = dt.date(2024, 12, 1)) -> None:
        self.overrides.append(CapOverride(group, maximum, number, date, "UBND tỉnh"))

    def period(self, code: str, ky: str, general: float, a: float | None = None, b: float | None = None,
               c: float | None = None, d: float | None = None, dd: float | None = None, e: float | None = None,
               rated_by: str = "") -> None:
        """One KetQuaKy row; `ky` "01" … "12" or "Q1" … "Q4" is prefixed with the year; `rated_by` the
        agency that rated it (don_vi_danh_gia), "" = this one."""
        self.periods.append(PeriodResult(code, ky if len(ky) >= 7 else f"{self.year}-{ky}", general, a, b, c, d, dd, e,
                                         don_vi_danh_gia=rated_by))

    def months(self, code: str, general: float, a: float, b: float, c: float, months=range(1, 13), **leader) -> None:
        for m in months:
            self.period(code, f"{m:02d}", general, a, b, c, **leader)

    def product(self, code: str, ky: str, done: bool = True, weight: float = 1, failures: int = 0, delays: int = 0,
                waived: bool = False, name: str = "Sản phẩm") -> None:
        self.products.append(Product(code, ky if len(ky) >= 7 else f"{self.year}-{ky}", name, done, weight,
                                     failures, delays, waived))

    def campaign(self) -> Campaign:
        units = tuple(Unit(u, f"Đơn vị {u}", "hanh_chinh", i, muc_xep_loai_don_vi=self.unit_levels.get(u)) for i, u in
                      enumerate(dict.fromkeys(p.ma_don_vi for p in self.people)))
        agency = Agency("Cơ quan thử", "Thử", self.year, "Nguyễn Văn Thủ Trưởng", "Chánh Văn phòng",
                        bo_quy_tac=self.bo_quy_tac, bo_quy_tac_khac=self.bo_quy_tac_khac)
        return Campaign(agency=agency, units=units, people=tuple(self.people), texts=MappingProxyType({}),
                        votes=MappingProxyType(dict(self.votes)), disciplines=tuple(self.discs),
                        emulation=tuple(self.emu), criteria=tuple(self.criteria), scores=tuple(self.scores),
                        cap_overrides=tuple(self.overrides), periods=tuple(self.periods),
                        products=tuple(self.products))

    def rate(self, rulebook=None) -> Ratings:
        return rate(self.campaign(), rulebook=rulebook)


def proposals(r: Ratings) -> dict[str, str | None]:
    return {p.ma_so: p.muc_de_xuat for p in r.people}


def count(r: Ratings, level: str, group: str | None = None) -> int:
    return sum(1 for p in r.people if p.muc_de_xuat == level and (group is None or p.nhom_tuong_dong == group))


def every_reason_cites(r: Ratings) -> bool:
    return all("căn cứ:" in x for p in r.people for x in p.ly_do)
