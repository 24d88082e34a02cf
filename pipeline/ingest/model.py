"""Typed, validated records of one evaluation campaign. Frozen: later stages only read them.

Every record keeps `refs`: field key -> (sheet, row, column letter, header) so that any later
stage (rating warnings, template errors) can point a clerk at the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from pipeline.ingest.cells import name_key

if TYPE_CHECKING:
    from pipeline.ingest.problems import Problem


@dataclass(frozen=True)
class Ref:
    sheet: str
    row: int
    column: str
    header: str

    def __str__(self) -> str:
        return f"sheet «{self.sheet}», ô {self.column}{self.row}"





def derived_so_noi_vu(ten_co_quan: str, co_quan_chu_quan: str) -> str:
    """The Sở Nội vụ a package goes to when CoQuan «Sở Nội vụ nhận báo cáo» is empty: "Sở Nội vụ tỉnh/thành
    phố X" from the province named at the end of the agency's name or of its managing body, else "Sở Nội vụ"."""
    for name in (ten_co_quan, co_quan_chu_quan):
        m = re.search(r"\b(tỉnh|thành phố)\s+(\S.*)$", name.strip(), re.IGNORECASE)
        if m:
            kind, place = m.group(1).lower(), m.group(2).strip()
            if place.isupper():
                place = place.title()
            return f"Sở Nội vụ {kind} {place}"
    return "Sở Nội vụ"


def post_without_body(post: str, body: str) -> str:
    """The words of `post` before the name of the collective `body` it repeats («Chủ tịch Ủy ban nhân dân
    xã» less «Ủy ban nhân dân»: «Chủ tịch»), compared as names are (case, Unicode form, tone mark's place);
    "" when `post` does not name `body` after some words of its own (nothing is guessed)."""
    words, wanted = post.split(), [name_key(w) for w in body.split()]
    keys = [name_key(w) for w in words]
    for i in range(1, len(words) - len(wanted) + 1):
        if wanted and keys[i:i + len(wanted)] == wanted:
            return " ".join(words[:i]).rstrip(",;:-–")
    return ""


# the words a party organisation's name begins with (compared as names are: case, Unicode form, tone mark's place)
_PARTY_BODIES = tuple(name_key(w) for w in (
    "Chi bộ", "Đảng bộ", "Đảng ủy", "Chi ủy", "Đảng đoàn", "Ban cán sự đảng", "Ban Thường vụ", "Tổ đảng"))


def party_body(name: str, kind: str) -> str:
    """The name of a party organisation as the Party's papers print it: `name` as written when it begins with
    the word of a party body («Chi bộ Tổ dân phố 12», «Đảng bộ phường Nghĩa Lộ», «Đảng ủy …»), else `kind`
    («Chi bộ», «Đảng bộ») before it — a cell «Chi bộ nơi cư trú» holding «Tổ dân phố 12» names the chi bộ of
    that street block, and a party header printing «TỔ DÂN PHỐ 12» where the organisation goes would name none.
    "" stays "" (the form prints dots)."""
    text = " ".join(name.split())
    if not text:
        return ""
    key = name_key(text)
    if any(key == body or key.startswith(body + " ") for body in _PARTY_BODIES):
        return text
    return f"{kind} {text}"


def is_cell_secretary(post: str) -> bool:
    """«Bí thư chi bộ» (or plain «Bí thư»), not a deputy and not the secretary of a party committee
    («Bí thư Đảng ủy …», who does not sign for a chi bộ)."""
    p = " ".join(post.split()).casefold()
    return "bí thư" in p and "phó" not in p and "đảng ủy" not in p and "đảng bộ" not in p and "cấp ủy" not in p


@dataclass(frozen=True)
class Agency:
    ten_co_quan: str
    dia_danh: str
    nam_danh_gia: int
    nguoi_dung_dau: str
    chuc_vu_nguoi_dung_dau: str
    co_quan_chu_quan: str = ""
    # the head's post when `nguoi_dung_dau` is a deputy assigned to run the agency (the post vacant): he
    # signs «KT. <this post>» above his own (ND 30/2020 Art. 13 cl. 1); "" = he holds the post himself
    chuc_vu_cap_truong: str = ""
    ngay_lap: dt.date | None = None
    ky_hieu_van_ban: str = ""
    dang_bo: str = ""
    bo_mau: str = "nd90"
    han_nop_so_noi_vu: dt.date | None = None
    bo_quy_tac: str = ""
    bo_quy_tac_khac: str = ""  # from 2026: the rulebook the agency chose for can_bo, hop_dong, nguoi_lao_dong
    ten_co_quan_cap_tren: str = ""  # the directly superior agency (rates the head, ND 90 Art. 16)
    nguoi_dung_dau_cap_tren: str = ""
    chuc_vu_nguoi_dung_dau_cap_tren: str = ""
    # the agency head (rated by the superior, ND 90 Art. 16, ND 335 Art. 10) outside the agency's HTXS cap
    # groups: the superior applies the cap among the heads it rates (audit rate7, open call a: the texts do
    # not say). None (an empty cell): the rulebook's default (`Rulebook.head_outside_cap`)
    nguoi_dung_dau_ngoai_ty_le: bool | None = None
    ngay_tu_danh_gia: dt.date | None = None  # date printed under the self-assessment, when given
    ngay_quyet_dinh: dt.date | None = None  # date printed under the evaluator's decision, when given
    ngay_thong_bao: dt.date | None = None  # date of the notice of results (else dotted)
    ngay_bao_cao: dt.date | None = None  # date of the report to the Sở Nội vụ (else dotted)
    so_noi_vu: str = ""  # the Sở Nội vụ the report goes to ("" = derived from the agency's names)
    # the agency's own self-rating (dossier.md §3.2 item 3); the file is made only when the level is given
    tu_xep_loai_co_quan: str = ""
    diem_co_quan: float | None = None
    diem_tieu_chi_chung_co_quan: float | None = None
    diem_nhiem_vu_co_quan: float | None = None
    ngay_bao_cao_tu_danh_gia: dt.date | None = None
    ngay_hop_tu_xep_loai: dt.date | None = None
    so_nguoi_trieu_tap_co_quan: int | None = None
    so_nguoi_du_hop_co_quan: int | None = None
    so_phieu_dong_y_co_quan: int | None = None
    chu_tri_hop_co_quan: str = ""
    thu_ky_hop_co_quan: str = ""
    ket_qua_co_quan: str = ""
    uu_diem_co_quan: str = ""
    han_che_co_quan: str = ""
    phuong_huong_co_quan: str = ""
    # ND 30/2020: the collective the head signs for («TM. <body>») on the agency's own documents, and the
    # post printed under that line ("" = derived from chuc_vu_nguoi_dung_dau: pipeline/forms/context.py)
    ky_thay_mat: str = ""
    chuc_vu_ky_thay_mat: str = ""
    # the level the competent level decided for the agency itself (ND 233 k7 Đ12: its head not above it)
    muc_xep_loai_co_quan: str | None = None
    # ND 30/2020 (Phụ lục I, «Số, ký hiệu của văn bản»): the issuing agency's abbreviation printed after a
    # document type («…/BC-VP»); "" = the part of `ky_hieu_van_ban` before its first «-» (`ky_hieu_ban_hanh`)
    ky_hieu_co_quan: str = ""
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)

    @property
    def chuc_vu_ky(self) -> str:
        """The post printed over the head's name on the agency's own documents: under «TM. <body>»
        (`ky_thay_mat`) the post the workbook gives for it, else the head's post less the body's name,
        else (the body not named in it) the head's post as written; without `ky_thay_mat` the head's post."""
        if not self.ky_thay_mat:
            return self.chuc_vu_nguoi_dung_dau
        return (self.chuc_vu_ky_thay_mat or post_without_body(self.chuc_vu_nguoi_dung_dau, self.ky_thay_mat)
                or self.chuc_vu_nguoi_dung_dau)

    @property
    def ky_hieu_ban_hanh(self) -> str:
        """The issuing agency's abbreviation in the symbol of a document with a type name (ND 30/2020, Phụ lục
        I: «<type>-<agency>», e.g. «…/BC-VP»): CoQuan `ky_hieu_co_quan` when given, else the part of
        `ky_hieu_van_ban` before its first «-» — that cell is the công văn's symbol «<agency>-<drafting unit>»
        («VP-HCQT» -> «VP»; «UBND» -> «UBND»); "" when neither is given."""
        own = self.ky_hieu_co_quan.strip()
        if own:
            return own
        return self.ky_hieu_van_ban.strip().split("-", 1)[0].strip()

    def so_ky_hieu(self, loai: str = "") -> str:
        """The number and symbol of one of the agency's documents, the number left for the văn thư: a document
        with a type name `loai` («BC», «TB», «BB») -> «……/BC-VP» («……/BC» without an abbreviation); a công văn
        (`loai` "") -> «……/VP-HCQT», its symbol as the workbook writes it (`ky_hieu_van_ban`, else the agency's
        abbreviation alone; «……» without either)."""
        dots = "\u2026" * 4
        if loai:
            own = self.ky_hieu_ban_hanh
            return f"{dots}/{loai}-{own}" if own else f"{dots}/{loai}"
        letter = self.ky_hieu_van_ban.strip() or self.ky_hieu_co_quan.strip()
        return f"{dots}/{letter}" if letter else dots


@dataclass(frozen=True)
class Unit:
    ma_don_vi: str
    ten_don_vi: str
    loai_don_vi: str  # hanh_chinh | su_nghiep
    thu_tu: int
    chi_bo: str = ""
    muc_xep_loai_don_vi: str | None = None  # the unit's own level, when known (head of a viên chức unit <= it)
    nguoi_danh_gia: str = ""  # the unit's own competent evaluator (e.g. head of a đơn vị sự nghiệp)
    # from 2026: the rulebook of this unit's cán bộ, contract staff, NLĐ ("" = CoQuan.bo_quy_tac_khac)
    bo_quy_tac_khac: str = ""
    chuc_vu_nguoi_danh_gia: str = ""
    ngay_hop: dt.date | None = None  # date of the unit's evaluation meeting (else dotted)
    so_thanh_vien: int | None = None  # members called to the meeting (None: the unit's people)
    vang_mat: str = ""  # absentees with reasons, as written in the workbook
    so_phieu_phat_ra: int | None = None  # secret ballot (emulation): ballots issued
    so_phieu_thu_ve: int | None = None  # ... and returned
    # the body printed in the header of the unit's papers and its people's forms instead of the agency
    # (e.g. the HĐND xã for its Thường trực, a unit of the UBND xã's workbook); "" = the agency
    co_quan_in: str = ""
    # who chairs the review of the unit's head at its meeting (a name as in NhanSu, or a mã số; "" = its one
    # deputy present, or the first by name when there are more: pipeline.ingest.chairs)
    chu_tri_khi_kiem_diem_truong: str = ""
    # the deputy assigned to chair the meeting and sign for the head when the head is absent or the unit has none
    # (a name as in NhanSu, or a mã số; "" = its one deputy present, or the first by name: pipeline.ingest.chairs)
    cap_pho_phu_trach: str = ""
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Person:
    ma_so: str
    ho_ten: str
    ngay_sinh: dt.date
    ma_don_vi: str
    vai_tro: str  # truong | pho | nhan_vien
    loai_nhan_su: str  # can_bo | cong_chuc | vien_chuc | hop_dong | nguoi_lao_dong
    lanh_dao_quan_ly: bool
    gioi_tinh: str = ""
    chuc_vu: str = ""
    ngach_chuc_danh: str = ""
    dang_vien: bool = False
    chuc_vu_dang: str = ""
    chuc_vu_doan_the: str = ""
    noi_cu_tru: str = ""
    chi_bo_noi_cu_tru: str = ""
    mien_sinh_hoat_noi_cu_tru: bool = False
    nhom_tuong_dong: str = ""
    so_thang_cong_tac: float = 12
    so_thang_nghi: float = 0
    nghi_thai_san: bool = False
    truc_tiep_cong_tac: bool = True
    tu_xep_loai: str | None = None
    muc_quyet_dinh: str | None = None
    ghi_chu: str = ""
    muc_dang_vien: str | None = None  # party-member level (02A/02B), when known: rule 6 warning only
    tu_xep_loai_dang_vien: str | None = None  # the member's own party-level choice (02A/02B VII.2)
    ket_luan_suy_thoai: bool = False  # degradation concluded by the competent level (KHT case, from 2026)
    # concluded violation of what party members must not do, or of the duty to set an example (KHT case)
    vi_pham_dang_vien: bool = False
    don_vi_tham_nhung: bool = False  # leaders: corruption or waste in a unit under their direct charge (KHT case)
    van_ban_ket_luan: str = ""  # the conclusion behind either case, as cited in the reason
    # transferred in during the year (ND 90 Art. 20 cl. 1): the old agency and the months worked there
    co_quan_cu: str = ""
    so_thang_co_quan_cu: float | None = None
    # a party member outside this year's party review (newly admitted < 6 months, excused, suspended): no
    # party self-review, no 3-213 (pipeline/plan.py::person_forms); who is outside is the party's call
    khong_kiem_diem_dang_vien: bool = False
    # the person's own competent evaluator (a cán bộ rated by the body managing cán bộ), over the unit's and the
    # agency head: pipeline/forms/signers.py::evaluator
    nguoi_danh_gia: str = ""
    chuc_vu_nguoi_danh_gia: str = ""
    # the unit this person heads concurrently (kiêm nhiệm: a Phó Chi cục trưởng kiêm Trưởng phòng), reviewed and
    # rated in his own unit: that unit's head for its papers and its people (pipeline/forms/signers.py::unit_head,
    # pipeline/ingest/chairs.py); "" when none (or when the unit has a head of its own: `hoso check` warns). Left out
    # of repr, which fingerprints a person's rows: an empty cell keeps the fingerprints of folders built before the
    # column (submission/changes.person_fingerprints adds it when set)
    don_vi_kiem_nhiem: str = field(default="", repr=False)
    # the số định danh cá nhân (12 digits, the key of the person's electronic record in the national database of
    # cán bộ, công chức, viên chức): written with the results (ket_qua_xep_loai.json, .xlsx), printed on no paper.
    # Out of repr like `don_vi_kiem_nhiem` (changes.person_fingerprints adds it when set)
    so_dinh_danh: str = field(default="", repr=False)
    row: int = 0
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Vote:
    ma_so: str
    so_nguoi_du_hop: int
    phieu: Mapping[str, int]  # level code -> votes
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Discipline:
    ma_so: str
    loai_ky_luat: str  # dang | hanh_chinh
    ngay_hieu_luc: dt.date
    hinh_thuc: str = ""
    so_quyet_dinh: str = ""
    ma_hanh_vi: str = ""
    da_tinh_nam: int | None = None
    lien_quan_cong_vu: bool = True  # violation related to public duty (ND 335 / original ND 90)
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class EmulationProposal:
    ma_so: str
    danh_hieu: str  # LDTT | CSTDCS
    hinh_thuc_khen_thuong: str = ""
    sang_kien: str = ""
    phieu_dong_y: int | None = None
    tong_so_phieu: int | None = None
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Criterion:
    ma_tieu_chi: str
    noi_dung: str
    diem_toi_da: float
    nhom: str = ""


@dataclass(frozen=True)
class Score:
    ma_so: str
    ma_tieu_chi: str
    diem_tu_cham: float | None = None
    diem_danh_gia: float | None = None
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class CapOverride:
    """An approved exception to the HTXS cap of one comparable group (sheet NgoaiLeTyLe)."""

    nhom_tuong_dong: str
    so_htxs_toi_da: int
    so_van_ban: str
    ngay_van_ban: dt.date
    co_quan_ban_hanh: str = ""
    ghi_chu: str = ""
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PeriodResult:
    """One row of KetQuaKy: a person's results for one month ("2026-01") or quarter ("2026-Q1").
    a, b, c are None when they come from SanPham; d, dd (đ), e only for leaders."""

    ma_so: str
    ky: str
    diem_tieu_chi_chung: float
    a: float | None = None  # ty_le_so_luong
    b: float | None = None  # ty_le_chat_luong
    c: float | None = None  # ty_le_tien_do
    d: float | None = None  # ty_le_ket_qua_don_vi
    dd: float | None = None  # ty_le_to_chuc_thuc_hien
    e: float | None = None  # ty_le_doan_ket
    row: int = 0
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)
    # the agency or unit that monitored and rated this period, when it is not this agency (a person
    # transferred in during the year: the old agency sends its results, ND 335 Art. 21); "" = this agency
    don_vi_danh_gia: str = ""


@dataclass(frozen=True)
class Product:
    """One row of SanPham: a product or piece of work assigned to a person in a period."""

    ma_so: str
    ky: str
    ten_san_pham: str
    hoan_thanh: bool
    he_so_quy_doi: float = 1
    so_lan_khong_dat: int = 0
    so_lan_cham: int = 0
    mien_tru: bool = False
    row: int = 0
    refs: Mapping[str, Ref] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Campaign:
    """Everything read from one workbook."""

    agency: Agency
    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    texts: Mapping[str, Mapping[str, str]]  # ma_so -> {text key -> text}
    votes: Mapping[str, Vote]
    disciplines: tuple[Discipline, ...]
    emulation: tuple[EmulationProposal, ...]
    criteria: tuple[Criterion, ...]
    scores: tuple[Score, ...]
    source_sha256: str = ""
    warnings: tuple[Problem, ...] = ()
    cap_overrides: tuple[CapOverride, ...] = ()
    periods: tuple[PeriodResult, ...] = ()  # KetQuaKy (from 2026)
    products: tuple[Product, ...] = ()  # SanPham (from 2026)
    # contract key -> the sheet's name in this workbook, where it differs («KetQuaKy» -> «Kết quả kỳ»):
    # messages name sheets as the clerk's file does (ingest/sheetnames.py)
    sheet_names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def year(self) -> int:
        return self.agency.nam_danh_gia

    def unit(self, ma_don_vi: str) -> Unit:
        return self._units_by_code[ma_don_vi]

    @property
    def _units_by_code(self) -> dict[str, Unit]:
        return {u.ma_don_vi: u for u in self.units}

    def others_rulebook(self, person: Person) -> str:
        """From 2026, the rulebook id chosen for a cán bộ, contract staff or NLĐ: the unit's choice
        (DonVi.bo_quy_tac_khac), else the agency's (CoQuan.bo_quy_tac_khac); "" = the default."""
        unit = self._units_by_code.get(person.ma_don_vi)
        return (unit.bo_quy_tac_khac if unit is not None and unit.bo_quy_tac_khac else "") or self.agency.bo_quy_tac_khac

    def person(self, ma_so: str) -> Person:
        for p in self.people:
            if p.ma_so == ma_so:
                return p
        raise KeyError(ma_so)

    def agency_head_ma_so(self) -> str | None:
        """ma_so of the person CoQuan `nguoi_dung_dau` names, when exactly one is so named (a name
        spelt differently is not guessed: `hoso check` warns)."""
        named = [p.ma_so for p in self.people if names_person(self.agency.nguoi_dung_dau, p.ho_ten)]
        return named[0] if len(named) == 1 else None

    def is_agency_head(self, person: Person) -> bool:
        """`person` is the one `agency_head_ma_so` names (his name compared first: one comparison for the others)."""
        return names_person(self.agency.nguoi_dung_dau, person.ho_ten) and self.agency_head_ma_so() == person.ma_so


def names_person(written: str, person_name: str) -> bool:
    """A name written in the workbook (CoQuan `nguoi_dung_dau`) designates the person: the same name,
    spaces, case and the place of the tone mark aside («Hoà» / «Hòa», `cells.name_key`), also after a
    courtesy title ("Ông Nguyễn Đình Khải")."""
    a, p = name_key(written), name_key(person_name)
    return bool(a) and bool(p) and (a == p or a.endswith(" " + p))
