"""plan: which documents, for whom, in what order — as data. Later stages only execute it.

Review order inside a unit (seed 001): the head, then deputies, then staff; within a role by
Vietnamese collation of the given name, then family and middle names.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.collation import name_key
from pipeline.errors import TemplateError
from pipeline.forms.registry import Registry
from pipeline.ingest.model import Campaign, Person, Unit

ROLE_ORDER = {"truong": 0, "pho": 1, "nhan_vien": 2}


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
    ma_don_vi: str
    ten_don_vi: str
    pdf: str
    persons: tuple[PersonDossier, ...]  # review order


@dataclass(frozen=True)
class Plan:
    units: tuple[UnitDossier, ...]

    @property
    def persons(self) -> tuple[PersonDossier, ...]:
        return tuple(p for u in self.units for p in u.persons)

    @property
    def jobs(self) -> tuple[DocumentJob, ...]:
        return tuple(d for p in self.persons for d in p.documents)


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
    scored = {s.ma_so for s in campaign.scores}
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
            out.append(UnitDossier(unit.ma_don_vi, unit.ten_don_vi, f"don_vi/{unit.ma_don_vi}.pdf", tuple(dossiers)))
    return Plan(tuple(out))
