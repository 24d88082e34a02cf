"""assemble stage: write every per-person and per-unit bundle; reuse those whose inputs did not change.

A bundle's key is the hash of what it is made of (its documents' keys, its cover, the options), so
after one person's row changes only that person's bundle and their unit's bundle are rebuilt.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, cast

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
from pipeline.forking import fork_map
from pipeline.forms.registry import Registry
from pipeline.ingest.model import Campaign
from pipeline.ingest.schema import LOAI_NHAN_SU
from pipeline.output import Staged
from pipeline.pdf.cache import BlobCache, data_key
from pipeline.plan import DocumentJob, Plan, UnitDossier

BUNDLE_VERSION = "19"  # bump when the way bundles are assembled changes (their cached copies are then rebuilt)


@dataclass(frozen=True)
class Bundles:
    persons: list[dict[str, Any]]  # manifest "ca_nhan"
    units: list[dict[str, Any]]  # manifest "don_vi"
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
    info = json.loads(meta)  # type: ignore[arg-type]  # meta is not None when pdf is not
    sections = tuple(Section(**{k: v for k, v in s.items() if k != "children"}) for s in info["sections"])
    return BuiltBundle(pdf[0], info["pages"], sections), pdf[1]


def _write(files: Staged, rel: str, b: BuiltBundle, sha256: str) -> tuple[str, str, int, int]:
    """Stage a bundle (hard-linked from the previous output when that holds the same bytes);
    what the manifest needs of it: (path, SHA-256, size, pages)."""
    files.write(rel, b.data, sha256=sha256, pages=b.pages)
    return rel, sha256, len(b.data), b.pages


def write_bundles(plan: Plan, pdfs: dict[str, bytes], keys: dict[str, str], files: Staged, *, campaign: Campaign,
                  registry: Registry, blobs: BlobCache, headers: dict[str, tuple[bool, str]],
                  duplex: bool = True, sources: dict[str, tuple[bytes, int, int]] | None = None,
                  workers: int = 1, page_codes: bool = True) -> Bundles:
    """`pdfs`, `keys`, `headers`: document key -> PDF bytes / content key / what its headers print;
    `sources`: document key -> where its pages are in the joined PDF it was converted in (this run);
    `page_codes`: a QR code on every form page (pagecode.py)."""
    specs = {code: registry.get(code) for code in {j.form for j in plan.jobs}}
    signers = {code: spec.signers for code, spec in specs.items()}
    copies = {code: spec.copies for code, spec in specs.items() if spec.copies > 1}
    initials = frozenset(code for code, spec in specs.items() if spec.initials)
    people = {p.ma_so: p for p in campaign.people}
    agency = campaign.agency
    header = tuple(x for x in (agency.co_quan_chu_quan.upper(), agency.ten_co_quan.upper()) if x)
    agency_id = agency_token(agency.ten_co_quan) if page_codes else ""

    def codes(docs: Iterable[DocumentJob], ma_don_vi: str, ma_so: str) -> dict[str, PageCode]:
        """document key -> the code its pages carry (none without page codes)"""
        if not page_codes:
            return {}
        return {d.key: PageCode(agency_id, str(campaign.year), ma_don_vi, ma_so, d.form, 1, 0, 0,
                                version_token(keys[d.key])) for d in docs}

    def versions(docs: Iterable[DocumentJob]) -> dict[str, str]:
        return {d.form: version_token(keys[d.key]) for d in docs} if page_codes else {}

    def made(key: str, b: BuiltBundle, counts: dict[str, Any], sha: dict[str, str]) -> BuiltBundle:
        sha[key] = _save(blobs, key, b)
        counts["built"] += 1
        return b

    def _cached(key: str, sha: dict[str, str]) -> BuiltBundle | None:
        hit = _load(blobs, key)
        if hit is None:
            return None
        sha[key] = hit[1]
        return hit[0]

    pages_of = Pages(pdfs, sources)

    def one_unit(unit: UnitDossier) -> tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[tuple[str, str, int, int]]]:
        """Every bundle of one unit: (person entries, unit entry, pages, built, reused, files written)."""
        counts = {"built": 0, "reused": 0}
        sha: dict[str, str] = {}  # bundle key -> its PDF's SHA-256
        written: list[tuple[str, str, int, int]] = []
        persons_out: list[dict[str, Any]] = []
        pages_of.forget_single()
        built: dict[str, BuiltBundle | None] = {}
        person_info: dict[str, CoverInfo] = {}
        person_keys = []
        for dossier in unit.persons:  # what each person's dossier is made of; reuse it if cached
            person = people[dossier.ma_so]
            info = CoverInfo(header, "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", (
                ("Năm đánh giá", str(campaign.year)), ("Họ và tên", person.ho_ten),
                ("Chức vụ, chức danh", person.chuc_vu or "…"), ("Đối tượng", LOAI_NHAN_SU[person.loai_nhan_su]),
                ("Đơn vị", unit.ten_don_vi), ("Mã số", person.ma_so),
            ), signers, copies, initials, {d.key: headers[d.key] for d in dossier.documents},
                codes(dossier.documents, dossier.ma_don_vi, dossier.ma_so))
            key = data_key("person", BUNDLE_VERSION, agency_id, str(campaign.year), dossier.ma_don_vi,
                           [keys[d.key] for d in dossier.documents], [d.title for d in dossier.documents],
                           info.header, info.title, info.facts, {d.form: signers[d.form] for d in dossier.documents},
                           {d.form: (copies.get(d.form, 1), d.form in initials) for d in dossier.documents},
                           [headers[d.key] for d in dossier.documents], duplex)
            person_keys.append(key)
            person_info[dossier.ma_so] = info
            built[dossier.ma_so] = _cached(key, sha)
        info = CoverInfo(header, f"HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {campaign.year}", (
            ("Đơn vị", unit.ten_don_vi), ("Số người", str(len(unit.persons))),
        ), headers={d.key: headers[d.key] for d in (*unit.before, *unit.after)},
            codes=codes((*unit.before, *unit.after), unit.ma_don_vi, ""))
        unit_docs = [d for d in (*unit.before, *unit.after)]
        unit_key = data_key("unit", BUNDLE_VERSION, agency_id, str(campaign.year), person_keys, [(p.ma_so, p.ho_ten) for p in unit.persons],
                            [(d.form, d.title, keys[d.key], headers[d.key]) for d in unit_docs], info.header,
                            info.title, info.facts, duplex)
        ub = _cached(unit_key, sha)
        # the cover sheets of the persons rebuilt, in one document (the unit bundle draws its own:
        # there they list the unit bundle's page numbers)
        drawing = [d for d in unit.persons if built[d.ma_so] is None]
        drawn = render_covers([person_cover(d, pages_of, person_info[d.ma_so], duplex=duplex) for d in drawing], duplex,
                              pages_of.faces())
        covers = {d.ma_so: pages for d, (pages, _start) in zip(drawing, drawn, strict=True)}
        for dossier, key in zip(unit.persons, person_keys, strict=True):
            b = built[dossier.ma_so]
            if b is None:
                b = built[dossier.ma_so] = made(key, person_bundle(dossier, pages_of, person_info[dossier.ma_so],
                                                                   duplex=duplex, cover_pages=covers[dossier.ma_so]),
                                                counts, sha)
            else:
                counts["reused"] += 1
            written.append(_write(files, dossier.pdf, b, sha[key]))
            version = versions(dossier.documents)
            persons_out.append({
                "ma_so": dossier.ma_so, "ma_don_vi": dossier.ma_don_vi, "pdf": dossier.pdf,
                "tai_lieu": [{"mau": s.form, "tieu_de": s.title, "trang_dau": s.first_page, "so_trang": s.pages,
                              **({"phien_ban": version[s.form]} if s.form in version else {})}
                             for s in b.sections],
            })
        if ub is None:
            ub = made(unit_key, unit_bundle(unit, cast(dict[str, BuiltBundle], built), pages_of, info, duplex=duplex, person_info=person_info),
                      counts, sha)
        else:
            counts["reused"] += 1
        written.append(_write(files, unit.pdf, ub, sha[unit_key]))
        version = versions(unit_docs)
        unit_out = {
            "ma_don_vi": unit.ma_don_vi, "pdf": unit.pdf,
            "muc": [{"tieu_de": s.title, "mau": s.form, "ma_so": s.ma_so, "trang_dau": s.first_page,
                     "so_trang": s.pages, **({"phien_ban": version[s.form]} if not s.ma_so and s.form in version else {})}
                    for s in ub.sections],
        }
        return persons_out, unit_out, ub.pages, counts["built"], counts["reused"], written

    persons_out, units_out, pages, built_n, reused_n = [], [], 0, 0, 0
    # units are independent (CPU-bound pypdf work): built in forked workers, which stage their
    # bundles and return the manifest entries and each file's digest, size and pages (the files
    # are not read again)
    for p_out, u_out, n, b, r, written in fork_map(one_unit, plan.units, workers,
                                                    weight=lambda u: len(u.persons) + 2):
        persons_out += p_out
        units_out.append(u_out)
        pages, built_n, reused_n = pages + n, built_n + b, reused_n + r
        for rel, digest, size, file_pages in written:
            files.note(rel, digest, size, file_pages)
    return Bundles(persons_out, units_out, pages, built_n, reused_n)
