"""Who signs a person's phiếu besides the person: the competent evaluator and the direct commenter.

ND 90/2020 Art. 16 (shared/domain/rules.md R8.1):
- the head of an agency is rated by the head of the directly superior agency (CoQuan keys
  `ten_co_quan_cap_tren`, `nguoi_dung_dau_cap_tren`, `chuc_vu_nguoi_dung_dau_cap_tren`);
- deputies and staff are rated by the head of the agency that employs them (CoQuan
  `nguoi_dung_dau`, `chuc_vu_nguoi_dung_dau`);
- viên chức per Luật Viên chức Art. 43: by the head of their đơn vị sự nghiệp where that unit has
  its own competence (DonVi `nguoi_danh_gia`, `chuc_vu_nguoi_danh_gia`, which then rates every
  member of the unit except its own head, who stays with the agency head). Which units have their
  own competence is UNCONFIRMED per unit: it is data the clerk fills, never guessed.

The direct commenter (section III of Mẫu 02/03, "Người nhận xét, đánh giá") is the head of the
person's unit when that head is neither the person nor the evaluator.

Nobody is ever printed as their own evaluator: when the rule would name the person (the agency head
with no superior given, or a unit evaluator who is the person), the signer is unknown and the
form leaves the block for handwriting; `hoso check` warns about the missing superior
(`superior_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.ingest.cells import name_key
from pipeline.ingest.model import Agency, Campaign, Person, Unit, names_person


@dataclass(frozen=True)
class Signer:
    ho_ten: str = ""  # "" when unknown: the form leaves the name for handwriting
    chuc_vu: str = ""
    co_quan: str = ""  # the agency (or unit) the signer heads
    vai_tro: str = ""  # "cap_tren" | "thu_truong" | "don_vi" | "truong_don_vi" | "rieng" | "" (code, never printed)
    ky_thay: str = ""  # the vacant head's post a deputy in charge signs for (CoQuan chuc_vu_cap_truong)

    @property
    def known(self) -> bool:
        return bool(self.ho_ten)

    def as_context(self) -> dict[str, Any]:
        """Plain data for templates (docs/render-context.md, `nguoi_danh_gia` / `nguoi_nhan_xet`);
        `chuc_vu_hoa`, the signature block's title, is «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC» for a deputy in charge."""
        return {"co": self.known or bool(self.chuc_vu), "ho_ten": self.ho_ten, "chuc_vu": self.chuc_vu,
                "chuc_vu_hoa": signing_title(self.chuc_vu, self.ky_thay), "co_quan": self.co_quan,
                "co_quan_hoa": self.co_quan.upper()}


def signing_title(post: str, head_post: str = "") -> str:
    """A signature block's title in capitals. A deputy assigned to run the agency while its head's post is
    vacant signs as a deputy signing for the head (ND 30/2020 Art. 13 cl. 1, Phụ lục I II.7: «Trường hợp
    cấp phó được giao phụ trách, điều hành thì thực hiện ký như cấp phó ký thay cấp trưởng»): «KT.» and the
    head's post on a line above his own post; the line break becomes a Word line break (render.py)."""
    own = post.strip().upper()
    return f"KT. {head_post.strip().upper()}\n{own}" if head_post.strip() else own


NOBODY = Signer()


def _norm(text: str) -> str:
    return name_key(text)  # «Hoà» and «Hòa» are one name


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and _norm(a) == _norm(b)


@dataclass(frozen=True)
class _Index:
    heads: dict[str, Any]  # ma_don_vi -> the unit's head (first vai_tro truong in sheet order)
    agency_head: str | None  # ma_so of the agency head among the people, if any
    deputies: dict[str, list[Any]]  # ma_don_vi -> the unit's deputies (vai_tro pho), sheet order


_last: tuple[Campaign, _Index] | None = None


def _index(campaign: Campaign) -> _Index:
    """Per-campaign lookups, built once (forms are filled one person at a time, 10,000 people)."""
    global _last
    if _last is not None and _last[0] is campaign:
        return _last[1]
    heads: dict[str, Person] = {}
    deputies: dict[str, list[Person]] = {}
    for p in campaign.people:
        if p.vai_tro == "truong":
            heads.setdefault(p.ma_don_vi, p)
        elif p.vai_tro == "pho":
            deputies.setdefault(p.ma_don_vi, []).append(p)
    for p in campaign.people:
        # a leader heading another unit concurrently (NhanSu `don_vi_kiem_nhiem`; `check` keeps it only for a unit
        # with no head of its own): that unit's head, its people's direct manager
        if p.don_vi_kiem_nhiem:
            heads.setdefault(p.don_vi_kiem_nhiem, p)
    index = _Index(heads, campaign.agency_head_ma_so(), deputies)
    _last = (campaign, index)
    return index


def is_agency_head(campaign: Campaign, person: Person) -> bool:
    """The person is the head of the agency: named in CoQuan `nguoi_dung_dau` (also after a
    courtesy title, "Ông …"). A name spelt differently is not guessed: `hoso check` warns."""
    head = _index(campaign).agency_head
    return person.ma_so == head if head else names_person(campaign.agency.nguoi_dung_dau, person.ho_ten)


def superior(agency: Agency) -> Signer:
    """The head of the directly superior agency; the name is "" when the workbook does not give it."""
    return Signer(agency.nguoi_dung_dau_cap_tren, agency.chuc_vu_nguoi_dung_dau_cap_tren,
                  agency.ten_co_quan_cap_tren or agency.co_quan_chu_quan, "cap_tren")


def agency_head(agency: Agency) -> Signer:
    return Signer(agency.nguoi_dung_dau, agency.chuc_vu_nguoi_dung_dau, agency.ten_co_quan, "thu_truong",
                  agency.chuc_vu_cap_truong)


def unit_head(campaign: Campaign, unit: Unit) -> Person | None:
    """The unit's head (vai_tro truong), the first in sheet order when several; for a unit without one, the
    leader of another unit who heads it concurrently (NhanSu `don_vi_kiem_nhiem`)."""
    return _index(campaign).heads.get(unit.ma_don_vi)


def evaluator(campaign: Campaign, person: Person) -> Signer:
    """The competent evaluator of `person` (ND 90 Art. 16); `NOBODY`-like (empty name) when unknown."""
    agency = campaign.agency
    if is_agency_head(campaign, person):
        boss = superior(agency)
        return boss if not names_person(boss.ho_ten, person.ho_ten) else Signer(co_quan=boss.co_quan, vai_tro="cap_tren")
    if person.nguoi_danh_gia and not names_person(person.nguoi_danh_gia, person.ho_ten):
        # named for this person (NhanSu `nguoi_danh_gia`): a cán bộ rated by the body managing cán bộ
        return Signer(person.nguoi_danh_gia, person.chuc_vu_nguoi_danh_gia, "", "rieng")
    unit = campaign.unit(person.ma_don_vi)
    if unit.nguoi_danh_gia and not names_person(unit.nguoi_danh_gia, person.ho_ten):
        head = unit_head(campaign, unit)
        if head is None or head.ma_so != person.ma_so:
            return Signer(unit.nguoi_danh_gia, unit.chuc_vu_nguoi_danh_gia, unit.ten_don_vi, "don_vi")
    chief = agency_head(agency)
    if names_person(chief.ho_ten, person.ho_ten):  # defensive: is_agency_head already caught this
        return Signer(co_quan=agency.ten_co_quan, vai_tro="thu_truong")
    return chief


def deputy_in_charge(campaign: Campaign, unit: Unit) -> Person | None:
    """The one deputy (vai_tro pho) of a unit with no head: he runs it and is its people's direct manager
    (audit hard: the staff of a phòng whose Trưởng phòng post is vacant had no direct manager's part on their
    phiếu, and the Giám đốc confirmed their period sheets). None when the unit has a head, no deputy, or
    several (which of them manages whom the workbook does not say)."""
    index = _index(campaign)
    if unit.ma_don_vi in index.heads:
        return None
    deputies = index.deputies.get(unit.ma_don_vi, [])
    return deputies[0] if len(deputies) == 1 else None


def commenter(campaign: Campaign, person: Person, rated_by: Signer | None = None) -> Signer:
    """The direct commenter (head of the person's unit, else the one deputy running a unit with no head)
    when distinct from the person and the evaluator; empty `Signer` otherwise (section III is then not
    printed)."""
    rated_by = rated_by or evaluator(campaign, person)
    if is_agency_head(campaign, person):
        return NOBODY
    unit = campaign.unit(person.ma_don_vi)
    head = unit_head(campaign, unit) or deputy_in_charge(campaign, unit)
    if head is None or head.ma_so == person.ma_so or names_person(rated_by.ho_ten, head.ho_ten):
        return NOBODY
    if is_agency_head(campaign, head):
        return NOBODY
    return Signer(head.ho_ten, head.chuc_vu, unit.ten_don_vi, "truong_don_vi")


# The signer roles (meta.toml `signers`) of the direct manager's block, which the phiếu prints only
# when the person has a direct manager distinct from the evaluator (`commenter`): ND 90 Mẫu 02/03
# section III, the 2026 phiếu's part IV.
MANAGER_ROLES = frozenset({"Người nhận xét, đánh giá", "Người quản lý trực tiếp"})
EVALUATOR_ROLE = "Người có thẩm quyền đánh giá"
CONFIRM_ROLE = "Người quản lý trực tiếp (hoặc người có thẩm quyền) xác nhận"  # the period sheet's


def roles_of(campaign: Campaign, person: Person, roles: tuple[str, ...]) -> tuple[str, ...]:
    """A form's signer roles as `person`'s copy has them: without the direct manager's block when
    the person has none (the agency head, a deputy or a unit head rated by the agency head)."""
    if commenter(campaign, person).known:
        return roles
    return tuple(r for r in roles if r not in MANAGER_ROLES)


# The state block of the party reviews (meta.toml `signers` of mau_02a/02b, mau_2a/2b_2025): it prints the
# competent evaluator, who for the agency head is the head of the superior agency, never himself
HEAD_BLOCK_ROLE = "Thủ trưởng cơ quan, đơn vị"


def cover_roles(campaign: Campaign, person: Person, roles: tuple[str, ...]) -> tuple[str, ...]:
    """A form's signer roles as the dossier's contents list them for `person` (`roles_of`), the agency head's
    state block of a party review naming who signs it: «Thủ trưởng cơ quan, đơn vị (Chủ tịch Ủy ban nhân dân
    tỉnh Lục Văn Thành)» — the form's words alone sent the clerk to the head himself (helper sig2: a hospital's
    Giám đốc, whose 2B that block is the Giám đốc Sở Y tế's)."""
    roles = roles_of(campaign, person, roles)
    if HEAD_BLOCK_ROLE not in roles or not is_agency_head(campaign, person):
        return roles
    boss = evaluator(campaign, person)
    who = " ".join(x for x in (boss.chuc_vu, boss.ho_ten) if x) or (
        f"người đứng đầu {boss.co_quan}" if boss.co_quan else "người đứng đầu cơ quan quản lý cấp trên")
    return tuple(f"{r} ({who})" if r == HEAD_BLOCK_ROLE else r for r in roles)


def superior_missing(campaign: Campaign) -> bool:
    """The agency head is among the people rated but the superior's name is not given."""
    return not campaign.agency.nguoi_dung_dau_cap_tren and any(is_agency_head(campaign, p) for p in campaign.people)


# Labels of the CoQuan cells to fill, for the `hoso check` warning.
SUPERIOR_KEYS = ("ten_co_quan_cap_tren", "nguoi_dung_dau_cap_tren", "chuc_vu_nguoi_dung_dau_cap_tren")
