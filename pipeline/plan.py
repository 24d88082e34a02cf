"""plan: which documents, for whom, in what order — as data. Later stages only execute it.

Review order inside a unit (seed 001): the head, then deputies, then staff; within a role by
Vietnamese collation of the given name, then family and middle names.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.collation import name_key
from pipeline.errors import HosoError, TemplateError
from pipeline.forms.registry import Registry
from pipeline.ingest.model import Campaign, Person, Unit

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


def evaluation_form(person: Person, unit: Unit, form_set: dict) -> str:
    choice = form_set["phieu"][person.loai_nhan_su]
    if isinstance(choice, dict):
        choice = choice[unit.loai_don_vi]
    return choice


def person_forms(person: Person, unit: Unit, form_set: dict, has_scores: bool) -> list[str]:
    """Form codes of one person's dossier, in the order of dossier.md §1.2."""
    forms = [evaluation_form(person, unit, form_set)]
    points = form_set.get("cham_diem", {}).get("mau")
    if points and has_scores:
        forms.append(points)
    party = form_set.get("dang_vien", {})
    if person.dang_vien and party:
        forms.append(party["lanh_dao"] if person.lanh_dao_quan_ly else party["khong_lanh_dao"])
        if not person.mien_sinh_hoat_noi_cu_tru and party.get("noi_cu_tru"):
            forms.append(party["noi_cu_tru"])
    return forms


def make_plan(campaign: Campaign, registry: Registry, *, units: set[str] | None = None,
              persons: set[str] | None = None) -> Plan:
    set_name = campaign.agency.bo_mau or "nd90"
    form_set = registry.form_sets.get(set_name)
    if form_set is None:
        raise TemplateError(f"Bộ mẫu «{set_name}» (sheet CoQuan) không có trong tệp bo_mau.toml của thư mục mẫu biểu.")
    check_selection(campaign, units, persons)
    scored = {s.ma_so for s in campaign.scores}
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
            for code in person_forms(person, unit, form_set, person.ma_so in scored):
                spec = registry.get(code)
                docs.append(DocumentJob(
                    key=f"{person.ma_so}/{code}", form=code, title=spec.title,
                    docx=f"ca_nhan/{unit.ma_don_vi}/{person.ma_so}/{code}.docx",
                    ma_so=person.ma_so, ma_don_vi=unit.ma_don_vi,
                ))
            dossiers.append(PersonDossier(person.ma_so, person.ho_ten, unit.ma_don_vi,
                                          f"ca_nhan/{unit.ma_don_vi}/{person.ma_so}.pdf", tuple(docs)))
        if dossiers:
            unit_set = form_set.get("don_vi", {})
            # no ballot-count minutes for a ballot that did not happen
            skip = set() if unit.ma_don_vi in balloted else BALLOT_FORMS
            before = _unit_jobs(unit, [c for c in unit_set.get("truoc", ()) if c not in skip], registry)
            after = _unit_jobs(unit, [c for c in unit_set.get("sau", ()) if c not in skip], registry)
            out.append(UnitDossier(unit.ma_don_vi, unit.ten_don_vi, f"don_vi/{unit.ma_don_vi}.pdf", tuple(dossiers),
                                   before, after))
    if (units or persons) and not out:
        raise HosoError(f"Các đơn vị đã chọn ({_quoted(sorted(units or ()))}) chưa có ai trong sổ (sheet NhanSu); "
                        "không có hồ sơ nào để tạo.")
    agency = tuple(
        DocumentJob(key=f"co_quan/{code}", form=code, title=registry.get(code).title, docx=f"co_quan/{code}.docx")
        for code in form_set.get("co_quan", {}).get("tai_lieu", ())
    )
    return Plan(tuple(out), agency)


# unit documents that record a secret ballot (ThiDua.phieu_dong_y / tong_so_phieu): only for units
# where one took place
BALLOT_FORMS = frozenset({"bien_ban_kiem_phieu"})


def _unit_jobs(unit: Unit, codes, registry: Registry) -> tuple[DocumentJob, ...]:
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
        raise HosoError("\n".join(lines), hint="Chưa tạo hồ sơ nào; sửa mã đã chọn rồi chạy lại.")


def _quoted(codes) -> str:
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
