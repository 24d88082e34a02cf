"""plan: which documents, for whom, in what order — as data. Later stages only execute it.

Review order inside a unit (seed 001): the head, then deputies, then staff; within a role by
Vietnamese collation of the given name, then family and middle names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.collation import name_key
from pipeline.errors import SelectionError, TemplateError
from pipeline.ingest import schema
from pipeline.ingest.cells import name_key as cell_key
from pipeline.ingest.model import Campaign, Person, Unit, party_body
from pipeline.rating import categories

if TYPE_CHECKING:  # the plan reads the registry it is given; it never imports the forms stage
    from pipeline.forms.registry import Registry

ROLE_ORDER = {"truong": 0, "pho": 1, "nhan_vien": 2}
LISTED_CODES = 10  # codes listed when a selected one is not in the workbook


@dataclass(frozen=True)
class DocumentJob:
    key: str  # unique, e.g. "VP-001/mau_02"
    form: str
    title: str
    docx: str  # output path of the editable Word file, relative to the output folder
    ma_so: str | None = None
    ma_don_vi: str | None = None


@dataclass(frozen=True)
class PersonDossier:
    ma_so: str
    ho_ten: str
    ma_don_vi: str
    pdf: str
    documents: tuple[DocumentJob, ...]


@dataclass(frozen=True)
class UnitDossier:
    """Seed 001's order: (1) minutes (+ ballot count), (2) collective review, (3) the persons'
    dossiers in review order, (4) the proposal table, (5) the emulation table."""

    ma_don_vi: str
    ten_don_vi: str
    pdf: str
    persons: tuple[PersonDossier, ...]  # review order
    before: tuple[DocumentJob, ...] = ()  # items (1)–(2)
    after: tuple[DocumentJob, ...] = ()  # items (4)–(5)


@dataclass(frozen=True)
class Plan:
    units: tuple[UnitDossier, ...]
    agency: tuple[DocumentJob, ...] = ()  # agency documents (notice of results)

    @property
    def persons(self) -> tuple[PersonDossier, ...]:
        return tuple(p for u in self.units for p in u.persons)

    @property
    def jobs(self) -> tuple[DocumentJob, ...]:
        unit_docs = tuple(d for u in self.units for d in (*u.before, *u.after))
        return tuple(d for p in self.persons for d in p.documents) + unit_docs + self.agency


def review_order(people: list[Person]) -> list[Person]:
    return sorted(people, key=lambda p: (ROLE_ORDER[p.vai_tro], name_key(p.ho_ten), p.ma_so))


def dossier_order(campaign: Campaign) -> list[str]:
    """Every person's mã số in the order of the dossiers (`make_plan`): units in their order, each unit's people in
    `review_order` — the order the ratings' spreadsheet lists them in, so a clerk checks it against the papers."""
    by_unit: dict[str, list[Person]] = {}
    for p in campaign.people:
        by_unit.setdefault(p.ma_don_vi, []).append(p)
    return [p.ma_so for unit in campaign.units for p in review_order(by_unit.get(unit.ma_don_vi, []))]


def default_form_set(year: int) -> str:
    """The form set of a campaign whose CoQuan.bo_mau is empty: `nd335` (the 2026 forms) from the
    evaluation year 2026, `nd90` before (docs/architecture.md, "Form sets by year")."""
    return schema.default_bo_mau(year)


def form_set_name(campaign: Campaign) -> str:
    return campaign.agency.bo_mau or default_form_set(campaign.year)


NONE = ""  # in a list of alternatives: «no such document in a year where none of the codes before it applies»


class _Pick:
    """Chooses a code from a form-set entry: a code, or a list of codes of which the first whose
    meta.toml `years` include the evaluation year is taken (e.g. HD 25's Mẫu 02A up to 2024, then
    HD 43's Mẫu 2A). An empty alternative `""` (NONE) is taken when it is reached: no document that
    year (e.g. `["mau_01_2025", ""]`: HD 43's Mẫu 01 from 2025, nothing before). When no alternative
    applies and none is `""`, the first is kept and the years guard reports it."""

    def __init__(self, registry: Registry | None, year: int) -> None:
        self.registry, self.year = registry, year

    def __call__(self, entry: str | list[str]) -> str:
        if isinstance(entry, str):
            return entry
        codes = list(entry)
        if self.registry is not None:
            for code in codes:
                if code == NONE:
                    return NONE
                if code in self.registry and self.registry.get(code).applies_to(self.year):
                    return code
        return codes[0]


def _picked(pick: Callable[[Any], str], entries: Iterable[Any]) -> list[str]:
    """The codes `pick` chooses for a list of entries, the `""` (no document this year) left out."""
    return [code for code in (pick(e) for e in entries) if code != NONE]


def evaluation_form(person: Person, unit: Unit, form_set: dict[str, Any],
                    pick: Callable[[Any], str] = lambda e: e if isinstance(e, str) else e[0], rulebook: str = "") -> str:
    """The evaluation form of `person`: the set's code for the staff category, or, for a table, the
    entry of the rulebook that rates the person (its id's family, "nd335" for "nd335-2025": a worker
    the agency rates by its rules applying ND 335 gets the phiếu that says so, in an administrative
    unit or a đơn vị sự nghiệp alike), else the entry of the unit's type (loai_don_vi)."""
    choice = form_set["phieu"][person.loai_nhan_su]
    if isinstance(choice, dict):
        family = rulebook.split("-", 1)[0]
        choice = choice[family] if family and family in choice else choice[unit.loai_don_vi]
    return pick(choice)


def person_forms(person: Person, unit: Unit, form_set: dict[str, Any], has_scores: bool,
                 pick: Callable[[Any], str] = lambda e: e if isinstance(e, str) else e[0], has_periods: bool = False,
                 rulebook: str = "") -> list[str]:
    """Form codes of one person's dossier, in the order of dossier.md §1.2: the evaluation form
    (`rulebook`: the id of the rulebook rating the person, see `evaluation_form`), its appendix (the
    period sheet of the points regime, for people with rows in KetQuaKy), the points table, the party
    forms."""
    forms = [evaluation_form(person, unit, form_set, pick, rulebook)]
    periods = form_set.get("theo_doi_ky", {}).get("mau")
    if periods and has_periods:
        forms.append(pick(periods))
    points = form_set.get("cham_diem", {}).get("mau")
    if points and has_scores:
        forms.append(pick(points))
    party = form_set.get("dang_vien", {})
    # a member outside this year's party review (newly admitted under 6 months, excused, suspended:
    # NhanSu khong_kiem_diem_dang_vien, the party's call) has no party self-review and no 3-213
    if person.dang_vien and party and not person.khong_kiem_diem_dang_vien:
        outside = party.get("ngoai_he_thong")
        if outside and person.loai_nhan_su in party.get("ngoai_he_thong_loai", ()):
            forms.append(pick(outside))
        else:
            forms.append(pick(party["lanh_dao"] if person.lanh_dao_quan_ly else party["khong_lanh_dao"]))
        if not person.mien_sinh_hoat_noi_cu_tru and party.get("noi_cu_tru"):
            forms.append(pick(party["noi_cu_tru"]))
    # an alternative `""` in bo_mau.toml: no such document this year
    return [code for code in forms if code != NONE]


# The labels naming who a phiếu rates when that is not the form's own kind (forms/context.py,
# forms/context_2026.py print them in the form's heading: "PHIẾU … CÁN BỘ", "… NGƯỜI LAO ĐỘNG").
_KIND_LABELS = {"can_bo": "doi_tuong_can_bo", "hop_dong": "doi_tuong_nguoi_lao_dong",
                "nguoi_lao_dong": "doi_tuong_nguoi_lao_dong"}


def person_title(spec: Any, person: Person) -> str:
    """The title of `spec`'s document for `person` (cover sheet, bookmarks, reading guide): the
    form's title with its kind (label `doi_tuong`, "CÔNG CHỨC") replaced by the person's own when the
    form prints another in its heading — a hợp đồng's Mẫu 02 is "Phiếu … người lao động", as printed."""
    labels = getattr(spec, "labels", None) or {}
    own, kind = labels.get(_KIND_LABELS.get(person.loai_nhan_su, "")), labels.get("doi_tuong")
    title = str(spec.title)
    if not own or not kind or str(own).lower() == str(kind).lower() or str(kind).lower() not in title:
        return title
    # the decree in the title governs the form's own kind only: the others are rated by the agency's rules
    # applying it (rulebooks' `procedure` for cán bộ, hợp đồng, NLĐ), «(vận dụng Nghị định …)» (audit 33)
    return title.replace(str(kind).lower(), str(own).lower(), 1).replace("(Nghị định ", "(vận dụng Nghị định ", 1)


def chi_bo_units(campaign: Campaign, unit: Unit) -> list[Unit]:
    """The units of `unit`'s chi bộ (DonVi `chi_bo` compared as names are, and as the party papers print it:
    «Trường THCS Nguyễn Du» is «Chi bộ Trường THCS Nguyễn Du», `party_body`), in the order of sheet DonVi;
    `[unit]` alone when it names no chi bộ."""
    cell = cell_key(party_body(unit.chi_bo, "Chi bộ"))
    if not cell:
        return [unit]
    return [u for u in campaign.units if u.chi_bo and cell_key(party_body(u.chi_bo, "Chi bộ")) == cell]


def _rulebooks(campaign: Campaign, rulebook: str | None) -> Callable[[Person], str]:
    """ma_so -> the id of the rulebook that rates the person, as the rating decides it
    (`pipeline.rating.categories.plan`: `rulebook` (--bo-quy-tac), CoQuan.bo_quy_tac, the year, from
    2026 the staff category and the unit's or agency's choice for cán bộ, hợp đồng, NLĐ)."""
    split = categories.plan(campaign, rulebook)
    return lambda person: split.rulebook_of.get(person.ma_so, split.primary.id)


def make_plan(campaign: Campaign, registry: Registry, *, units: set[str] | None = None,
              persons: set[str] | None = None, rulebook: str | None = None) -> Plan:
    set_name = form_set_name(campaign)
    form_set = registry.form_sets.get(set_name)
    if form_set is None:
        if campaign.agency.bo_mau:
            raise TemplateError(f"Bộ mẫu «{set_name}» (sheet CoQuan) không có trong tệp bo_mau.toml của thư mục mẫu biểu.")
        raise TemplateError(
            f"Bộ mẫu «{set_name}» (chọn theo năm đánh giá {campaign.year}) không có trong tệp bo_mau.toml của thư mục "
            f"mẫu biểu «{registry.root}».",
            hint="Cách sửa: chép lại mẫu biểu mới của chương trình (hoso templates export THƯ_MỤC_MỚI) rồi chuyển các sửa "
                 "đổi riêng của cơ quan sang, hoặc ghi tên một bộ mẫu có trong bo_mau.toml vào ô «Bộ mẫu» của sheet CoQuan.")
    check_selection(campaign, units, persons)
    pick = _Pick(registry, campaign.year)
    scored = {s.ma_so for s in campaign.scores}
    rated_by = _rulebooks(campaign, rulebook)
    with_periods = {r.ma_so for r in campaign.periods}
    unit_of = {p.ma_so: p.ma_don_vi for p in campaign.people}
    balloted = {unit_of[e.ma_so] for e in campaign.emulation
                if e.ma_so in unit_of and e.phieu_dong_y is not None and e.tong_so_phieu}
    by_unit: dict[str, list[Person]] = {}
    for p in campaign.people:
        by_unit.setdefault(p.ma_don_vi, []).append(p)
    out = []
    for unit in campaign.units:
        if units and unit.ma_don_vi not in units:
            continue
        dossiers = []
        for person in review_order(by_unit.get(unit.ma_don_vi, [])):
            if persons and person.ma_so not in persons:
                continue
            docs = []
            for code in person_forms(person, unit, form_set, person.ma_so in scored, pick,
                                     person.ma_so in with_periods, rated_by(person)):
                spec = registry.get(code)
                docs.append(DocumentJob(
                    key=f"{person.ma_so}/{code}", form=code, title=person_title(spec, person),
                    docx=f"ca_nhan/{unit.ma_don_vi}/{person.ma_so}/{code}.docx",
                    ma_so=person.ma_so, ma_don_vi=unit.ma_don_vi,
                ))
            dossiers.append(PersonDossier(person.ma_so, person.ho_ten, unit.ma_don_vi,
                                          f"ca_nhan/{unit.ma_don_vi}/{person.ma_so}.pdf", tuple(docs)))
        if dossiers:
            unit_set = form_set.get("don_vi", {})
            # no ballot-count minutes for a ballot that did not happen
            skip = set() if unit.ma_don_vi in balloted else BALLOT_FORMS
            before = _unit_jobs(unit, [c for c in _picked(pick, unit_set.get("truoc", ())) if c not in skip], registry)
            # party-cell documents (HD 43 Mẫu 01): one per chi bộ, with the first of its units that has
            # people (a chi bộ may hold several units: its report lists the members of all of them)
            staffed = [u for u in chi_bo_units(campaign, unit) if by_unit.get(u.ma_don_vi)]
            if unit.chi_bo and staffed and staffed[0].ma_don_vi == unit.ma_don_vi:
                before += _unit_jobs(unit, _picked(pick, form_set.get("chi_bo", {}).get("truoc", ())), registry)
            after = _unit_jobs(unit, [c for c in _picked(pick, unit_set.get("sau", ())) if c not in skip], registry)
            out.append(UnitDossier(unit.ma_don_vi, unit.ten_don_vi, f"don_vi/{unit.ma_don_vi}.pdf", tuple(dossiers),
                                   before, after))
    if (units or persons) and not out:
        raise SelectionError(f"Các đơn vị đã chọn ({_quoted(sorted(units or ()))}) chưa có ai trong sổ (sheet NhanSu); "
                        "không có hồ sơ nào để tạo.")
    agency = tuple(
        DocumentJob(key=f"co_quan/{code}", form=code, title=registry.get(code).title, docx=f"co_quan/{code}.docx")
        for code in _picked(pick, form_set.get("co_quan", {}).get("tai_lieu", ()))
    )
    plan = Plan(tuple(out), agency)
    check_years(plan, registry, campaign.year, set_name, explicit=bool(campaign.agency.bo_mau))
    return plan


def check_years(plan: Plan, registry: Registry, year: int, set_name: str, *, explicit: bool) -> None:
    """The years guard: a form is never printed for an evaluation year outside its meta.toml
    `years`. One TemplateError (exit 8) naming every such form, the year and the fix."""
    used: dict[str, int] = {}
    for job in plan.jobs:
        used[job.form] = used.get(job.form, 0) + 1
    bad = [registry.get(code) for code in used if not registry.get(code).applies_to(year)]
    if not bad:
        return
    lines = [f"Năm đánh giá {year}: bộ mẫu «{set_name}» sẽ in mẫu không áp dụng cho năm {year}:"]
    for spec in bad:
        lines.append(f"  - «{spec.code}» ({spec.ma_hieu + ' — ' if spec.ma_hieu else ''}{spec.title}; "
                     f"{spec.issuing_document}) chỉ dùng {_years_phrase(spec.years_text)}; {used[spec.code]} văn bản.")
    fits = sorted(name for name, fs in registry.form_sets.items()
                  if isinstance(fs, dict) and name != set_name and _set_fits(fs, registry, year))
    if explicit:
        fix = (f"Cách sửa: ở sheet CoQuan, ô «Bộ mẫu» đang ghi «{set_name}»: để trống để chương trình chọn bộ mẫu theo năm "
               f"(từ năm 2026: nd335; đến năm 2025: nd90)")
        if fits:
            fix += f", hoặc ghi {', '.join(f'«{n}»' for n in fits)}"
    else:
        fix = f"Cách sửa: ghi bộ mẫu đúng năm {year} vào ô «Bộ mẫu» của sheet CoQuan"
        if fits:
            fix += f" ({', '.join(f'«{n}»' for n in fits)})"
    fix += (f"; nếu cơ quan vẫn dùng mẫu đó cho năm {year} theo văn bản của cấp có thẩm quyền, sửa dòng «years» "
            "trong meta.toml của mẫu ở thư mục mẫu biểu riêng (hoso templates export, rồi --templates).")
    raise TemplateError("\n".join(lines), hint=fix)


def _years_phrase(years_text: str) -> str:
    """«cho năm 2020–2025», or «từ năm 2025» for an open end (never «cho năm từ năm 2025»)."""
    return years_text if years_text.startswith("từ ") else f"cho năm {years_text}"


def _set_fits(form_set: dict[str, Any], registry: Registry, year: int) -> bool:
    """Every form the set names applies to `year` (a list of alternatives: one of them does)."""
    def fits(entry: object) -> bool:
        if entry == NONE:  # «no document this year» fits every year
            return True
        if isinstance(entry, str):
            return entry in registry and registry.get(entry).applies_to(year)
        if isinstance(entry, list):
            return any(fits(e) for e in entry)
        if isinstance(entry, dict):  # per unit type
            return all(fits(e) for e in entry.values())
        return True

    def walk(part: dict[str, Any]) -> bool:
        for key, value in part.items():
            if key in ("ten", "ngoai_he_thong_loai"):
                continue
            if key in ("truoc", "sau", "tai_lieu"):
                if not all(fits(e) for e in value):
                    return False
            elif isinstance(value, dict) and key in _SECTIONS:
                if not walk(value):
                    return False
            elif not fits(value):
                return False
        return True

    return walk(form_set)


_SECTIONS = ("phieu", "dang_vien", "cham_diem", "don_vi", "co_quan", "theo_doi_ky", "chi_bo")


# unit documents that record a secret ballot (ThiDua.phieu_dong_y / tong_so_phieu): only for units
# where one took place
BALLOT_FORMS = frozenset({"bien_ban_kiem_phieu"})


def _unit_jobs(unit: Unit, codes: Iterable[str], registry: Registry) -> tuple[DocumentJob, ...]:
    return tuple(
        DocumentJob(key=f"{unit.ma_don_vi}/{code}", form=code, title=registry.get(code).title,
                    docx=f"don_vi/{unit.ma_don_vi}/{code}.docx", ma_don_vi=unit.ma_don_vi)
        for code in codes
    )


def check_selection(campaign: Campaign, units: set[str] | None, persons: set[str] | None) -> None:
    """A selected unit or person code (`hoso build --unit/--person`, `BuildOptions.units/persons`)
    that the workbook does not have, or a person outside the selected units, is an input error
    (exit 3): building nothing and saying "done" would leave the clerk with an empty dossier."""
    lines = []
    unit_codes = [u.ma_don_vi for u in campaign.units]
    person_codes = [p.ma_so for p in campaign.people]
    missing_units = sorted(set(units or ()) - set(unit_codes))
    if missing_units:
        lines.append(f"Không có đơn vị mã {_quoted(missing_units)} trong sổ (sheet DonVi)"
                     f"{_did_you_mean(missing_units, unit_codes)}. Các mã có: {_listed(unit_codes)}")
    missing_persons = sorted(set(persons or ()) - set(person_codes))
    if missing_persons:
        lines.append(f"Không có người mã số {_quoted(missing_persons)} trong sổ (sheet NhanSu)"
                     f"{_did_you_mean(missing_persons, person_codes)}. Các mã có: {_listed(person_codes)}")
    if units and persons and not missing_units:
        unit_of = {p.ma_so: p.ma_don_vi for p in campaign.people}
        outside = sorted(code for code in set(persons) - set(missing_persons) if unit_of[code] not in units)
        for code in outside:
            lines.append(f"Người mã số «{code}» thuộc đơn vị «{unit_of[code]}», không thuộc đơn vị đã chọn "
                         f"({_quoted(sorted(units))}); bỏ chọn đơn vị hoặc chọn thêm đơn vị «{unit_of[code]}».")
    if lines:
        raise SelectionError("\n".join(lines), hint="Chưa tạo hồ sơ nào; sửa mã đã chọn rồi chạy lại.")


def _quoted(codes: Iterable[str]) -> str:
    return ", ".join(f"«{c}»" for c in codes)


def _listed(codes: list[str]) -> str:
    """The codes, ending with a full stop; past LISTED_CODES: "A, …, J, … (40 mã)."."""
    if len(codes) <= LISTED_CODES:
        return ", ".join(codes) + "."
    return ", ".join(codes[:LISTED_CODES]) + f", … ({len(codes)} mã)."


def _did_you_mean(missing: list[str], codes: list[str]) -> str:
    """' (có phải «TH»?)' when a missing code differs from an existing one only by case or spaces."""
    folded = {c.strip().casefold(): c for c in codes}
    near = [folded[m.strip().casefold()] for m in missing if m.strip().casefold() in folded]
    return f" (có phải {_quoted(near)}?)" if near else ""
