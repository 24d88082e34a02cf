"""assemble stage: write every per-person and per-unit bundle; reuse those whose inputs did not change.

A bundle's key is the hash of what it is made of (its documents' keys, its cover, the options), so
after one person's row changes only that person's bundle and their unit's bundle are rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from pipeline.bundle.assemble import (
    BuiltBundle,
    CoverInfo,
    Pages,
    Section,
    person_bundle,
    person_cover,
    render_covers,
    unit_bundle,
)
from pipeline.bundle.pagecode import PageCode, agency_token, version_token
from pipeline.document import Build, Document
from pipeline.forking import fork_map
from pipeline.ingest.schema import LOAI_NHAN_SU
from pipeline.output import Staged
from pipeline.pdf.cache import BlobCache, data_key
from pipeline.plan import DocumentJob, PersonDossier, UnitDossier

BUNDLE_VERSION = "19"  # bump when the way bundles are assembled changes (their cached copies are then rebuilt)


@dataclass(frozen=True)
class Bundles:
    persons: list[dict]  # manifest "ca_nhan"
    units: list[dict]  # manifest "don_vi"
    pages: int
    built: int
    reused: int


def _save(blobs: BlobCache, key: str, b: BuiltBundle) -> str:
    """Cache a bundle; its PDF's SHA-256."""
    meta = {"pages": b.pages, "sections": [asdict(s) for s in b.sections]}
    digest = blobs.put(key, "bundle.pdf", b.data)
    blobs.put(key, "bundle.json", json.dumps(meta, ensure_ascii=False).encode())
    return digest


def _load(blobs: BlobCache, key: str) -> tuple[BuiltBundle, str] | None:
    """A cached bundle and its PDF's SHA-256 (just checked), or None."""
    meta = blobs.get(key, "bundle.json")
    pdf = blobs.get_verified(key, "bundle.pdf") if meta is not None else None
    if pdf is None:
        return None
    info = json.loads(meta)
    sections = tuple(Section(**{k: v for k, v in s.items() if k != "children"}) for s in info["sections"])
    return BuiltBundle(pdf[0], info["pages"], sections), pdf[1]


def _write(files: Staged, rel: str, b: BuiltBundle, sha256: str) -> tuple[str, str, int, int]:
    """Stage a bundle (hard-linked from the previous output when that holds the same bytes);
    what the manifest needs of it: (path, SHA-256, size, pages)."""
    files.write(rel, b.data, sha256=sha256, pages=b.pages)
    return rel, sha256, len(b.data), b.pages


class _Units:
    """What every unit's bundles are made from, read once per build (a forked worker has a copy):
    the documents' PDFs (`Pages`), content keys and headers by document key, the forms' signers,
    copies and initials, the agency's header and page-code token."""

    def __init__(self, build: Build, docs: list[Document]) -> None:
        campaign, options = build.campaign, build.options
        planned = [d for d in docs if d.job is not None]
        self.keys = {d.doc: d.key for d in planned}
        self.headers = {d.doc: d.headers for d in planned}
        self.pages_of = Pages({d.doc: d.pdf for d in planned}, {d.doc: d.source for d in planned if d.source is not None})
        specs = {code: build.registry.get(code) for code in {j.form for j in build.plan.jobs}}
        self.signers = {code: spec.signers for code, spec in specs.items()}
        self.copies = {code: spec.copies for code, spec in specs.items() if spec.copies > 1}
        self.initials = frozenset(code for code, spec in specs.items() if spec.initials)
        self.people = {p.ma_so: p for p in campaign.people}
        self.year = campaign.year
        agency = campaign.agency
        self.header = tuple(x for x in (agency.co_quan_chu_quan.upper(), agency.ten_co_quan.upper()) if x)
        self.page_codes, self.duplex = options.page_codes, options.duplex
        self.agency_id = agency_token(agency.ten_co_quan) if self.page_codes else ""
        self.files, self.blobs = build.files, build.blobs

    def codes(self, docs: Iterable[DocumentJob], ma_don_vi: str, ma_so: str) -> dict[str, PageCode]:
        """document key -> the code its pages carry (none without page codes)"""
        if not self.page_codes:
            return {}
        return {d.key: PageCode(self.agency_id, str(self.year), ma_don_vi, ma_so, d.form, 1, 0, 0,
                                version_token(self.keys[d.key])) for d in docs}

    def versions(self, docs: Iterable[DocumentJob]) -> dict[str, str]:
        return {d.form: version_token(self.keys[d.key]) for d in docs} if self.page_codes else {}

    def person(self, dossier: PersonDossier, unit: UnitDossier) -> tuple[CoverInfo, str]:
        """A person's cover and the key of their bundle (what it is made of)."""
        person, year = self.people[dossier.ma_so], self.year
        signers, copies, initials, headers = self.signers, self.copies, self.initials, self.headers
        info = CoverInfo(self.header, "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", (
            ("Năm đánh giá", str(year)), ("Họ và tên", person.ho_ten),
            ("Chức vụ, chức danh", person.chuc_vu or "…"), ("Đối tượng", LOAI_NHAN_SU[person.loai_nhan_su]),
            ("Đơn vị", unit.ten_don_vi), ("Mã số", person.ma_so),
        ), signers, copies, initials, {d.key: headers[d.key] for d in dossier.documents},
            self.codes(dossier.documents, dossier.ma_don_vi, dossier.ma_so))
        key = data_key("person", BUNDLE_VERSION, self.agency_id, str(year), dossier.ma_don_vi,
                       [self.keys[d.key] for d in dossier.documents], [d.title for d in dossier.documents],
                       info.header, info.title, info.facts, {d.form: signers[d.form] for d in dossier.documents},
                       {d.form: (copies.get(d.form, 1), d.form in initials) for d in dossier.documents},
                       [headers[d.key] for d in dossier.documents], self.duplex)
        return info, key

    def unit(self, unit: UnitDossier, person_keys: list[str]) -> tuple[CoverInfo, str]:
        """A unit's cover and the key of its bundle."""
        headers = self.headers
        unit_docs = [d for d in (*unit.before, *unit.after)]
        info = CoverInfo(self.header, f"HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {self.year}", (
            ("Đơn vị", unit.ten_don_vi), ("Số người", str(len(unit.persons))),
        ), headers={d.key: headers[d.key] for d in unit_docs}, codes=self.codes(unit_docs, unit.ma_don_vi, ""))
        key = data_key("unit", BUNDLE_VERSION, self.agency_id, str(self.year), person_keys,
                       [(p.ma_so, p.ho_ten) for p in unit.persons],
                       [(d.form, d.title, self.keys[d.key], headers[d.key]) for d in unit_docs], info.header,
                       info.title, info.facts, self.duplex)
        return info, key

    def cached(self, key: str, sha: dict[str, str]) -> BuiltBundle | None:
        hit = _load(self.blobs, key)
        if hit is None:
            return None
        sha[key] = hit[1]
        return hit[0]

    def made(self, key: str, b: BuiltBundle, counts: dict[str, int], sha: dict[str, str]) -> BuiltBundle:
        sha[key] = _save(self.blobs, key, b)
        counts["built"] += 1
        return b

    def one_unit(self, unit: UnitDossier) -> tuple[list[dict], dict, int, int, int, list[tuple[str, str, int, int]]]:
        """Every bundle of one unit: (person entries, unit entry, pages, built, reused, files written)."""
        counts = {"built": 0, "reused": 0}
        sha: dict[str, str] = {}  # bundle key -> its PDF's SHA-256
        written: list[tuple[str, str, int, int]] = []
        pages_of, duplex, files = self.pages_of, self.duplex, self.files
        pages_of.forget_single()
        built: dict[str, BuiltBundle | None] = {}
        person_info: dict[str, CoverInfo] = {}
        person_keys: list[str] = []
        for dossier in unit.persons:  # what each person's dossier is made of; reuse it if cached
            person_info[dossier.ma_so], key = self.person(dossier, unit)
            person_keys.append(key)
            built[dossier.ma_so] = self.cached(key, sha)
        info, unit_key = self.unit(unit, person_keys)
        ub = self.cached(unit_key, sha)
        # the cover sheets of the persons rebuilt, in one document (the unit bundle draws its own:
        # there they list the unit bundle's page numbers)
        drawing = [d for d in unit.persons if built[d.ma_so] is None]
        drawn = render_covers([person_cover(d, pages_of, person_info[d.ma_so], duplex=duplex) for d in drawing], duplex,
                              pages_of.faces())
        covers = {d.ma_so: pages for d, (pages, _start) in zip(drawing, drawn, strict=True)}
        persons_out: list[dict] = []
        for dossier, key in zip(unit.persons, person_keys, strict=True):
            b = built[dossier.ma_so]
            if b is None:
                b = built[dossier.ma_so] = self.made(key, person_bundle(dossier, pages_of, person_info[dossier.ma_so],
                                                                        duplex=duplex, cover_pages=covers[dossier.ma_so]),
                                                     counts, sha)
            else:
                counts["reused"] += 1
            written.append(_write(files, dossier.pdf, b, sha[key]))
            persons_out.append(self.person_entry(dossier, b))
        if ub is None:
            ub = self.made(unit_key, unit_bundle(unit, built, pages_of, info, duplex=duplex, person_info=person_info),
                           counts, sha)
        else:
            counts["reused"] += 1
        written.append(_write(files, unit.pdf, ub, sha[unit_key]))
        return persons_out, self.unit_entry(unit, ub), ub.pages, counts["built"], counts["reused"], written

    def person_entry(self, dossier: PersonDossier, b: BuiltBundle) -> dict:
        """The manifest's entry of a person's bundle ("ca_nhan")."""
        version = self.versions(dossier.documents)
        return {
            "ma_so": dossier.ma_so, "ma_don_vi": dossier.ma_don_vi, "pdf": dossier.pdf,
            "tai_lieu": [{"mau": s.form, "tieu_de": s.title, "trang_dau": s.first_page, "so_trang": s.pages,
                          **({"phien_ban": version[s.form]} if s.form in version else {})}
                         for s in b.sections],
        }

    def unit_entry(self, unit: UnitDossier, ub: BuiltBundle) -> dict:
        """The manifest's entry of a unit's bundle ("don_vi")."""
        version = self.versions([d for d in (*unit.before, *unit.after)])
        return {
            "ma_don_vi": unit.ma_don_vi, "pdf": unit.pdf,
            "muc": [{"tieu_de": s.title, "mau": s.form, "ma_so": s.ma_so, "trang_dau": s.first_page,
                     "so_trang": s.pages, **({"phien_ban": version[s.form]} if not s.ma_so and s.form in version else {})}
                    for s in ub.sections],
        }


def write_bundles(build: Build, docs: list[Document]) -> Bundles:
    """Every person's and unit's bundle of the plan, from the converted `docs` (the plan's documents):
    their PDFs, content keys, what their headers print and, when converted joined in this run,
    where their pages are in the joined PDF; with `options.page_codes` a QR code on every form page
    (pagecode.py)."""
    units = _Units(build, docs)
    one_unit = units.one_unit
    persons_out, units_out, pages, built_n, reused_n = [], [], 0, 0, 0
    # units are independent (CPU-bound pypdf work): built in forked workers, which stage their
    # bundles and return the manifest entries and each file's digest, size and pages (the files
    # are not read again)
    for p_out, u_out, n, b, r, written in fork_map(one_unit, build.plan.units, build.workers,
                                                    weight=lambda u: len(u.persons) + 2):
        persons_out += p_out
        units_out.append(u_out)
        pages, built_n, reused_n = pages + n, built_n + b, reused_n + r
        for rel, digest, size, file_pages in written:
            build.files.note(rel, digest, size, file_pages)
    return Bundles(persons_out, units_out, pages, built_n, reused_n)
