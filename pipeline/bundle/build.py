"""assemble stage: write every per-person and per-unit bundle; reuse those whose inputs did not change.

A bundle's key is the hash of what it is made of (its documents' keys, its cover, the options), so
after one person's row changes only that person's bundle and their unit's bundle are rebuilt.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from pipeline import parallel
from pipeline.bundle import pagecode
from pipeline.bundle.assemble import (
    BuiltBundle,
    CoverInfo,
    Pages,
    Section,
    Titled,
    manifest_record,
    person_bundle,
    person_cover,
    person_record,
    render_covers,
    unit_bundle,
    unit_record,
)
from pipeline.bundle.pagecode import PageCode, agency_token, version_token
from pipeline.document import Build, Document
from pipeline.forms import signers as signing
from pipeline.ingest.schema import LOAI_NHAN_SU
from pipeline.output import Staged
from pipeline.pdf.cache import BlobCache, data_key
from pipeline.plan import DocumentJob, UnitDossier
from pipeline.resources import running_program

if TYPE_CHECKING:
    from pipeline.bundle.remote import UnitsTask
    from pipeline.ingest.model import Campaign, Person

_W = TypeVar("_W", covariant=True)

CODES = "qr.json"  # the bundle cache's file of a unit's page codes, as runs (pagecode.remembered)
BUNDLE_VERSION = "20"  # in the bundles' keys; a change of the code needs no bump: every key names the program (cache.data_key)


@dataclass(frozen=True)
class Bundles:
    persons: list[dict[str, Any]]  # manifest "ca_nhan"
    units: list[dict[str, Any]]  # manifest "don_vi"
    pages: int
    built: int
    reused: int


def _save(blobs: BlobCache, key: str, b: BuiltBundle) -> str:
    """Cache a bundle; its PDF's SHA-256."""
    meta = {"pages": b.pages, "sections": [asdict(s) for s in b.sections], **({"bia": b.bia} if b.bia else {})}
    digest = blobs.put(key, "bundle.pdf", b.data)
    blobs.put(key, "bundle.json", json.dumps(meta, ensure_ascii=False).encode())
    return digest


def _load(blobs: BlobCache, key: str, covers: bool = False) -> tuple[BuiltBundle, str] | None:
    """A cached bundle and its PDF's SHA-256 (just checked), or None; `covers`: its cover's digests recorded
    now when it was cached without them (`_Shared.covers`)."""
    meta = blobs.get(key, "bundle.json")
    pdf = blobs.get_verified(key, "bundle.pdf") if meta is not None else None
    if pdf is None:
        return None
    info = json.loads(meta)  # type: ignore[arg-type]  # meta is not None when pdf is not
    sections = tuple(Section(**{k: v for k, v in s.items() if k != "children"}) for s in info["sections"])
    bia = info.get("bia")
    built = BuiltBundle(pdf[0], info["pages"], sections, bia if isinstance(bia, dict) else None)
    if covers and built.bia is None and built.data:  # cached without the covers' digests: recorded now, once
        built = _with_cover(built)
        if built.bia is not None:
            blobs.put(key, "bundle.json", json.dumps({**info, "bia": built.bia}, ensure_ascii=False).encode())
    return built, pdf[1]


def _with_cover(b: BuiltBundle) -> BuiltBundle:
    """`b` with the digests of its cover sheet's text (pipeline/printed.py: what `hoso da-in` records
    of a dossier as printed, and what a later build compares its cover with)."""
    from pipeline.printed import cover_record

    first = min((s.first_page for s in b.sections), default=1)
    return replace(b, bia=cover_record(b.data, first)) if b.data else b


def _write(files: Staged, rel: str, b: BuiltBundle, sha256: str) -> tuple[str, str, int, int]:
    """Stage a bundle (hard-linked from the previous output when that holds the same bytes);
    what the manifest needs of it: (path, SHA-256, size, pages)."""
    files.write(rel, b.data, sha256=sha256, pages=b.pages)
    return rel, sha256, len(b.data), b.pages


@dataclass(frozen=True)
class _Shared:
    """What the bundles of every unit need (plain data: it goes to spawned workers and to a cluster)."""

    year: int
    header: tuple[str, ...]
    agency_id: str
    signers: dict[str, tuple[str, ...]]
    copies: dict[str, int]
    initials: frozenset[str]
    people: dict[str, Person]  # ma_so -> Person
    keys: dict[str, str]  # document key -> content key
    headers: dict[str, tuple[bool, str]]
    duplex: bool
    page_codes: bool
    # ma_so -> signer roles per form where they differ from `signers` (no direct manager's block)
    own_signers: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    # document key -> the version its pages' codes carry: the first hex digits of its .docx's SHA-256,
    # the content `changes.compare` compares (a signed page is outdated exactly when its document would
    # be listed in in_lai.pdf for its words: pipeline/scan/sort.py)
    versions: dict[str, str] = field(default_factory=dict)
    # the digests of each dossier's cover text recorded with its bundle (pipeline/printed.py): only when the
    # output folder holds a print mark — reading a cover's text costs ~17 ms a dossier (~5 s of CPU for
    # 300 people's 316 dossiers); without a mark nothing compares with them, and `hoso da-in` reads the covers it needs
    covers: bool = False
    # ma_don_vi -> the cover header of a unit with its own body (DonVi co_quan_in), else `header`
    unit_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # document key -> SHA-256 of the PDF its bundles are made of (part of their keys): a PDF converted
    # again under the same content key (its cache entry refused by the font or page check:
    # pipeline/pdf/convert.py) gives other bytes, so a bundle assembled from the refused PDF is not reused
    pdf_sha: dict[str, str] = field(default_factory=dict)
    # the program the keys name (`resources.running_program` of the client): a worker — spawned, or on a Dask
    # cluster with its own installation — names the bundles as the client that looks them up in its cache
    program: str = ""

    def header_of(self, ma_don_vi: str) -> tuple[str, ...]:
        return self.unit_headers.get(ma_don_vi, self.header)

    def for_unit(self, unit: UnitDossier) -> _Shared:
        """Only what `unit` needs (a cluster task's share)."""
        docs = [d.key for p in unit.persons for d in p.documents] + [d.key for d in (*unit.before, *unit.after)]
        return replace(self, people={p.ma_so: self.people[p.ma_so] for p in unit.persons},
                       own_signers={p.ma_so: self.own_signers[p.ma_so] for p in unit.persons if p.ma_so in self.own_signers},
                       keys={k: self.keys[k] for k in docs}, headers={k: self.headers[k] for k in docs},
                       versions={k: self.versions[k] for k in docs if k in self.versions},
                       pdf_sha={k: self.pdf_sha[k] for k in docs if k in self.pdf_sha},
                       unit_headers={k: h for k, h in self.unit_headers.items() if k == unit.ma_don_vi})


def _own_signers(campaign: Campaign, signers: dict[str, tuple[str, ...]]) -> dict[str, dict[str, tuple[str, ...]]]:
    """ma_so -> {form: roles} for the people whose forms lack a signer block the form's meta.toml
    lists (the direct manager's, for someone who has none: signers.roles_of), or whose signer the list
    names (the agency head's state block of a party review: signers.cover_roles); the cover sheet then
    does not send the clerk looking for a block, or to the wrong person."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in campaign.people:
        own = {code: kept for code, roles in signers.items() if (kept := signing.cover_roles(campaign, p, roles)) != roles}
        if own:
            out[p.ma_so] = own
    return out


def _codes(sh: _Shared, docs: Iterable[DocumentJob], ma_don_vi: str, ma_so: str) -> dict[str, PageCode]:
    """document key -> the code its pages carry (none without page codes)"""
    if not sh.page_codes:
        return {}
    return {d.key: PageCode(sh.agency_id, str(sh.year), ma_don_vi, ma_so, d.form, 1, 0, 0,
                            _version(sh, d.key)) for d in docs}


def _version(sh: _Shared, key: str) -> str:
    """The version printed in the codes of document `key`'s pages: its .docx's content (the content
    key's when the .docx's digest is unknown)."""
    return sh.versions.get(key) or version_token(sh.keys[key])


def _versions(sh: _Shared, docs: Iterable[DocumentJob]) -> dict[str, dict[str, str]]:
    """form -> the manifest's `phien_ban` (the version its codes carry) and `phien_ban_khoa` (the
    content key's token, which builds before the .docx's digest printed: their signed pages are
    still current when it is the same)."""
    if not sh.page_codes:
        return {}
    return {d.form: {"phien_ban": _version(sh, d.key), "phien_ban_khoa": version_token(sh.keys[d.key])} for d in docs}


def _unit_keys(sh: _Shared, unit: UnitDossier
               ) -> tuple[dict[str, CoverInfo], list[str], CoverInfo, list[DocumentJob], str]:
    """What a unit's bundles are made of: each person's cover facts and bundle key, the unit's cover
    facts, documents and bundle key."""
    person_info: dict[str, CoverInfo] = {}
    person_keys = []
    for dossier in unit.persons:
        person = sh.people[dossier.ma_so]
        signers = {**sh.signers, **sh.own_signers.get(dossier.ma_so, {})}
        info = CoverInfo(sh.header_of(unit.ma_don_vi), "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", (
            ("Năm đánh giá", str(sh.year)), ("Họ và tên", person.ho_ten),
            ("Chức vụ, chức danh", person.chuc_vu or "…"), ("Đối tượng", LOAI_NHAN_SU[person.loai_nhan_su]),
            ("Đơn vị", unit.ten_don_vi), ("Mã số", person.ma_so),
        ), signers, sh.copies, sh.initials, {d.key: sh.headers[d.key] for d in dossier.documents},
            _codes(sh, dossier.documents, dossier.ma_don_vi, dossier.ma_so))
        key = data_key("person", BUNDLE_VERSION, sh.agency_id, str(sh.year), dossier.ma_don_vi,
                       [sh.keys[d.key] for d in dossier.documents], [d.title for d in dossier.documents],
                       info.header, info.title, info.facts, {d.form: signers[d.form] for d in dossier.documents},
                       {d.form: (sh.copies.get(d.form, 1), d.form in sh.initials) for d in dossier.documents},
                       [sh.headers[d.key] for d in dossier.documents], sh.duplex,
                       [_version(sh, d.key) for d in dossier.documents] if sh.page_codes else None,
                       [sh.pdf_sha.get(d.key, "") for d in dossier.documents], program=sh.program or None)
        person_keys.append(key)
        person_info[dossier.ma_so] = info
    info = CoverInfo(sh.header_of(unit.ma_don_vi), f"HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {sh.year}", (
        ("Đơn vị", unit.ten_don_vi), ("Số người", str(len(unit.persons))),
    ), headers={d.key: sh.headers[d.key] for d in (*unit.before, *unit.after)},
        codes=_codes(sh, (*unit.before, *unit.after), unit.ma_don_vi, ""))
    unit_docs = [d for d in (*unit.before, *unit.after)]
    unit_key = data_key("unit", BUNDLE_VERSION, sh.agency_id, str(sh.year), person_keys,
                        [(p.ma_so, p.ho_ten) for p in unit.persons],
                        [(d.form, d.title, sh.keys[d.key], sh.headers[d.key]) for d in unit_docs], info.header,
                        info.title, info.facts, sh.duplex,
                        [_version(sh, d.key) for d in unit_docs] if sh.page_codes else None,
                        [sh.pdf_sha.get(d.key, "") for d in unit_docs], program=sh.program or None)
    return person_info, person_keys, info, unit_docs, unit_key


class _Store(Protocol[_W]):
    """Where `_unit_bundles` finds cached bundles and puts what it builds; `write` returns what the
    caller needs of a file written (`_LocalStore`, `_RemoteStore`)."""

    def cached(self, key: str) -> BuiltBundle | None: ...

    def made(self, key: str, b: BuiltBundle) -> None: ...

    def write(self, rel: str, b: BuiltBundle, key: str) -> _W: ...

    def codes(self, key: str) -> bytes | None: ...

    def keep_codes(self, key: str, data: bytes) -> None: ...


class _LocalStore:
    """Bundles cached and staged here (fork, spawn: the workers share the cache and staging folder)."""

    def __init__(self, blobs: BlobCache, files: Staged, loaded: dict[str, tuple[BuiltBundle, str]] | None = None,
                 covers: bool = False) -> None:
        self.blobs, self.files, self.covers = blobs, files, covers
        self.loaded = loaded or {}  # bundle key -> (bundle, SHA-256) already read from the cache
        self.sha: dict[str, str] = {}  # bundle key -> its PDF's SHA-256

    def cached(self, key: str) -> BuiltBundle | None:
        hit = self.loaded.get(key) or _load(self.blobs, key, self.covers)
        if hit is None:
            return None
        self.sha[key] = hit[1]
        return hit[0]

    def made(self, key: str, b: BuiltBundle) -> None:
        self.sha[key] = _save(self.blobs, key, b)

    def write(self, rel: str, b: BuiltBundle, key: str) -> tuple[str, str, int, int]:
        return _write(self.files, rel, b, self.sha[key])

    def codes(self, key: str) -> bytes | None:
        return self.blobs.get(key, CODES)

    def keep_codes(self, key: str, data: bytes) -> None:
        self.blobs.put(key, CODES, data)


class _RemoteStore:
    """On a cluster worker: the client's cache hits given, the bundles built and the files to
    write handed back (`pipeline.bundle.remote.bundle_units`)."""

    def __init__(self, hits: dict[str, BuiltBundle]) -> None:
        self.hits = hits
        self.built: dict[str, BuiltBundle] = {}
        self.writes: list[tuple[str, str]] = []

    def cached(self, key: str) -> BuiltBundle | None:
        return self.hits.get(key)

    def made(self, key: str, b: BuiltBundle) -> None:
        self.built[key] = b

    def write(self, rel: str, b: BuiltBundle, key: str) -> tuple[str, str]:
        self.writes.append((rel, key))
        return rel, key

    def codes(self, key: str) -> bytes | None:
        return None  # no cache on a cluster worker: the codes are encoded there

    def keep_codes(self, key: str, data: bytes) -> None:
        pass


def _unit_bundles(sh: _Shared, unit: UnitDossier, pages_of: Pages, store: _Store[_W]
                  ) -> tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[_W]]:
    """Every bundle of one unit: (person entries, unit entry, pages, built, reused, files written —
    what `store.write` returned for each). The unit's page codes drawn by its previous build are
    kept in the cache with its bundles: a unit rebuilt encodes only the codes that changed."""
    if not sh.page_codes:
        return _assemble_unit(sh, unit, pages_of, store)
    codes_key = data_key("qr", pagecode.MEMO_VERSION, sh.agency_id, str(sh.year), unit.ma_don_vi, program=sh.program or None)
    with pagecode.remembered(lambda: store.codes(codes_key)) as memo:
        out = _assemble_unit(sh, unit, pages_of, store)
    if memo.encoded:
        store.keep_codes(codes_key, memo.dump())
    return out


def _assemble_unit(sh: _Shared, unit: UnitDossier, pages_of: Pages, store: _Store[_W]
                   ) -> tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[_W]]:
    counts = {"built": 0, "reused": 0}
    written: list[_W] = []
    persons_out: list[dict[str, Any]] = []
    pages_of.forget_single()

    def made(key: str, b: BuiltBundle) -> BuiltBundle:
        if sh.covers:
            b = _with_cover(b)
        store.made(key, b)
        counts["built"] += 1
        return b

    person_info, person_keys, info, unit_docs, unit_key = _unit_keys(sh, unit)
    built: dict[str, BuiltBundle | None] = {d.ma_so: store.cached(k) for d, k in zip(unit.persons, person_keys, strict=True)}
    ub = store.cached(unit_key)
    # the cover sheets of the persons rebuilt, in one document (the unit bundle draws its own:
    # there they list the unit bundle's page numbers)
    drawing = [d for d in unit.persons if built[d.ma_so] is None]
    drawn = render_covers([person_cover(d, pages_of, person_info[d.ma_so], duplex=sh.duplex) for d in drawing],
                          sh.duplex, pages_of.faces())
    covers = {d.ma_so: pages for d, (pages, _start) in zip(drawing, drawn, strict=True)}
    for dossier, key in zip(unit.persons, person_keys, strict=True):
        b = built[dossier.ma_so]
        if b is None:
            b = built[dossier.ma_so] = made(key, person_bundle(dossier, pages_of, person_info[dossier.ma_so],
                                                               duplex=sh.duplex, cover_pages=covers[dossier.ma_so]))
        else:
            counts["reused"] += 1
        written.append(store.write(dossier.pdf, b, key))
        version = _versions(sh, dossier.documents)
        persons_out.append({
            "ma_so": dossier.ma_so, "ma_don_vi": dossier.ma_don_vi, "pdf": dossier.pdf,
            "tai_lieu": [{"mau": s.form, "tieu_de": s.title, "trang_dau": s.first_page, "so_trang": s.pages,
                          **version.get(s.form, {})}
                         for s in b.sections],
            **({"bia": b.bia} if b.bia else {}),
            "ban_ghi_pdf": manifest_record(person_record(dossier.ma_so)),
        })
    if ub is None:
        # every person's bundle was set by the loop above
        ub = made(unit_key, unit_bundle(unit, cast(dict[str, BuiltBundle], built), pages_of, info, duplex=sh.duplex, person_info=person_info))
    else:
        counts["reused"] += 1
    written.append(store.write(unit.pdf, ub, unit_key))
    version = _versions(sh, unit_docs)
    unit_out = {
        "ma_don_vi": unit.ma_don_vi, "ten_don_vi": unit.ten_don_vi, "pdf": unit.pdf,
        "muc": [{"tieu_de": s.title, "mau": s.form, "ma_so": s.ma_so, "trang_dau": s.first_page,
                 "so_trang": s.pages, **(version.get(s.form, {}) if not s.ma_so else {})}
                for s in ub.sections],
        **({"bia": ub.bia} if ub.bia else {}),
        "ban_ghi_pdf": manifest_record(unit_record(unit.ma_don_vi)),
    }
    return persons_out, unit_out, ub.pages, counts["built"], counts["reused"], written


def _unit_task(task: tuple[_Shared, UnitDossier, Pages, _LocalStore]
               ) -> tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[tuple[str, str, int, int]]]:
    """One unit in a worker process that shares the cache and the staging folder (fork, spawn)."""
    sh, unit, pages_of, store = task
    return _unit_bundles(sh, unit, pages_of, store)


def _unit_pages(unit: UnitDossier, pdfs: dict[str, bytes], sources: dict[str, tuple[bytes, int, int]]) -> Pages:
    """A Pages of the unit's documents only (what a spawned worker is sent)."""
    docs = [d.key for p in unit.persons for d in p.documents] + [d.key for d in (*unit.before, *unit.after)]
    return Pages({k: pdfs[k] for k in docs}, {k: sources[k] for k in docs if k in (sources or {})})


def _marked(files: Staged) -> bool:
    """The output being replaced holds a print mark (`hoso da-in`): the covers' digests are then recorded."""
    from pipeline import printed

    return files.previous is not None and printed.read(files.previous.folder) is not None


def write_bundles(build: Build, docs: list[Document]) -> Bundles:
    """Every person's and unit's bundle of the plan, from the converted `docs` (the plan's documents):
    their PDFs, content keys, what their headers print and, when converted joined in this run,
    where their pages are in the joined PDF; with `options.page_codes` a QR code on every form page
    (pagecode.py). The units are built where the work map of the build's converter says
    (pipeline/parallel.py: forked or spawned processes here, or the Dask cluster)."""
    sh, pdfs, sources = _shared_of(build, docs)
    plan, files, blobs, workers = build.plan, build.files, build.blobs, build.workers
    backend = parallel.for_converter(build.converter)
    if not backend.shares_files:
        return _bundles_on_cluster(build, sh, Pages(pdfs, sources), backend)
    store = _LocalStore(blobs, files, covers=sh.covers)
    if backend.kind == "fork":  # forked workers inherit every PDF and parsed joined PDF: one Pages for all
        pages_of = Pages(pdfs, sources)
        tasks = [(sh, unit, pages_of, store) for unit in plan.units]
    else:  # spawned workers are sent their units' PDFs only
        tasks = [(sh, unit, _unit_pages(unit, pdfs, sources), store) for unit in plan.units]
    persons_out, units_out, pages, built_n, reused_n = [], [], 0, 0, 0
    # units are independent (CPU-bound pypdf work): built in worker processes, which stage their
    # bundles and return the manifest entries and each file's digest, size and pages (the files
    # are not read again)
    weights = {id(unit): _work(sh, unit, blobs) for unit in plan.units} if len(plan.units) > 1 else {}
    for p_out, u_out, n, b, r, written in parallel.map_work(_unit_task, tasks, workers=workers, backend=backend,
                                                            weight=lambda t: weights.get(id(t[1]), 1.0)):
        persons_out += p_out
        units_out.append(u_out)
        pages, built_n, reused_n = pages + n, built_n + b, reused_n + r
        for rel, digest, size, file_pages in written:
            files.note(rel, digest, size, file_pages)
    return Bundles(persons_out, units_out, pages, built_n, reused_n)


def _shared_of(build: Build, docs: list[Document]
               ) -> tuple[_Shared, dict[str, bytes], dict[str, tuple[bytes, int, int]]]:
    """What every unit's bundles need (`_Shared`), the planned documents' PDFs and where they are in the
    joined PDFs converted in this run."""
    planned = [d for d in docs if d.job is not None]
    pdfs = {d.doc: d.pdf for d in planned if d.pdf is not None}
    keys = {d.doc: d.key for d in planned}
    known = build.files.known
    versions = {d.doc: version_token(k.sha256) for d in planned
                if (k := known.get(_rel(build.files, d.docx))) is not None}
    headers = {d.doc: d.headers for d in planned}
    sources = {d.doc: d.source for d in planned if d.source is not None}
    plan, campaign, registry, files = build.plan, build.campaign, build.registry, build.files
    duplex, page_codes = build.options.duplex, build.options.page_codes
    specs = {code: registry.get(code) for code in {j.form for j in plan.jobs}}
    agency = campaign.agency
    sh = _Shared(
        year=campaign.year,
        header=tuple(x for x in (agency.co_quan_chu_quan.upper(), agency.ten_co_quan.upper()) if x),
        unit_headers={u.ma_don_vi: tuple(x for x in (agency.co_quan_chu_quan.upper(), u.co_quan_in.upper()) if x)
                      for u in campaign.units if u.co_quan_in},
        agency_id=agency_token(agency.ten_co_quan) if page_codes else "",
        signers={code: spec.signers for code, spec in specs.items()},
        own_signers=_own_signers(campaign, {code: spec.signers for code, spec in specs.items()}),
        copies={code: spec.copies for code, spec in specs.items() if spec.copies > 1},
        initials=frozenset(code for code, spec in specs.items() if spec.initials),
        people={p.ma_so: p for p in campaign.people}, keys=keys, headers=headers, duplex=duplex,
        page_codes=page_codes, versions=versions, covers=_marked(files),
        pdf_sha={doc: hashlib.sha256(pdf).hexdigest() for doc, pdf in pdfs.items()}, program=running_program())
    return sh, pdfs, sources


@dataclass(frozen=True)
class Collective:
    """A bundle made of part of a unit's dossier for another reader (the leaders' file for the Sở Nội vụ,
    submission/package.py): `unit` the part (its persons and own documents kept), the cover's title and facts,
    and how the bundle names itself (`assemble.Titled`)."""

    unit: UnitDossier
    title: str
    facts: tuple[tuple[str, str], ...]
    titled: Titled


def collective_bundle(build: Build, docs: list[Document], wanted: Collective) -> tuple[BuiltBundle, str]:
    """`wanted`'s bundle and its PDF's SHA-256, laid out as a unit's dossier (cover and mục lục, the documents
    and each person's cover sheet and documents, nested bookmarks, the forms' own page numbers and page codes),
    from the build's cache when what it is made of is unchanged — its key holds the same parts as the unit's
    bundle key (each document's content key and PDF, each person's cover) and its own cover and titles."""
    blobs, unit = build.blobs, wanted.unit
    mine = set(_docs_of(unit))
    sh, pdfs, sources = _shared_of(build, [d for d in docs if d.doc in mine])  # only its documents' PDFs hashed
    person_info, person_keys, info, _docs, unit_key = _unit_keys(sh, unit)
    info = replace(info, title=wanted.title, facts=wanted.facts)
    key = data_key("collective", BUNDLE_VERSION, unit_key, info.title, info.facts, asdict(wanted.titled),
                   program=sh.program or None)
    hit = _load(blobs, key)
    if hit is not None:
        return hit
    pages_of = _unit_pages(unit, pdfs, sources)
    # each person's own bundle (cached by write_bundles) is the first guess of their length here
    guess = BuiltBundle(b"", 1, ())
    persons = {d.ma_so: (loaded[0] if (loaded := _load(blobs, k)) is not None else guess)
               for d, k in zip(unit.persons, person_keys, strict=True)}
    codes_key = data_key("qr", pagecode.MEMO_VERSION, sh.agency_id, str(sh.year), unit.ma_don_vi, program=sh.program or None)
    with pagecode.remembered(lambda: blobs.get(codes_key, CODES)):  # the unit's codes, drawn by its own bundle
        b = unit_bundle(unit, persons, pages_of, info, duplex=sh.duplex, person_info=person_info,
                        titled=wanted.titled)
    return b, _save(blobs, key, b)


def _rel(files: Staged, path: Path) -> str:
    try:
        return files.rel(path)
    except ValueError:  # not a staged file
        return ""


BUILD_WEIGHT = 30.0  # a bundle to assemble weighs this many bundles taken from the cache (measured: 20–40×)


def _work(sh: _Shared, unit: UnitDossier, blobs: BlobCache) -> float:
    """How much work a unit's bundles are, for sharing the units among the workers: the bundles
    not in the cache are assembled, the others only staged (after one person's change, the one unit
    to assemble gets a worker of its own)."""
    _info, person_keys, _uinfo, _docs, unit_key = _unit_keys(sh, unit)
    missing = sum(not blobs.has(key, "bundle.pdf") for key in (*person_keys, unit_key))
    return len(person_keys) + 1 + missing * BUILD_WEIGHT


TASKS_PER_THREAD = 3  # on a cluster: bundle tasks per worker thread (a lost worker costs little) …
MIN_TASK_FORMS = 60  # … of at least this many forms: units in plan order, whose forms were joined together


def _units_shared(units: list[UnitDossier], sh: _Shared) -> _Shared:
    """`sh` with only what these units need."""
    parts = [sh.for_unit(u) for u in units]
    return replace(sh, people={k: v for p in parts for k, v in p.people.items()},
                   keys={k: v for p in parts for k, v in p.keys.items()},
                   headers={k: v for p in parts for k, v in p.headers.items()},
                   versions={k: v for p in parts for k, v in p.versions.items()})


_Remote = tuple[int, UnitDossier, dict[str, tuple[BuiltBundle, str]]]  # (index in the plan, unit, its cache hits)
_UnitOut = tuple[list[dict[str, Any]], dict[str, Any], int, int, int]  # persons, unit, pages, built, reused


def _docs_of(unit: UnitDossier) -> list[str]:
    return [d.key for p in unit.persons for d in p.documents] + [d.key for d in (*unit.before, *unit.after)]


def _bundles_on_cluster(build: Build, sh: _Shared, converted: Pages, backend: parallel.Backend) -> Bundles:
    """The cluster's way (no shared files): the cache is read here. Units with a bundle to build go
    to the workers, a few consecutive units a task (their forms were converted in the same joined
    PDFs: each joined PDF travels with the task whose forms it holds, and is parsed there once for
    all its units, as a forked worker does), with the cached bundles' page counts and sections;
    the new bundles come back as bytes, cached and staged here. A unit whose bundles are all cached
    is staged here. `converted`: the forms' PDFs and joined sources (not parsed here)."""
    from pipeline.bundle.remote import bundle_units

    files, blobs, units = build.files, build.blobs, build.plan.units
    results: dict[int, _UnitOut] = {}
    remote: list[_Remote] = []
    for i, unit in enumerate(units):
        _info, person_keys, _uinfo, _docs, unit_key = _unit_keys(sh, unit)
        hits = {key: hit for key in (*person_keys, unit_key) if (hit := _load(blobs, key, sh.covers)) is not None}
        if len(hits) == len(person_keys) + 1:
            p_out, u_out, n, b, r, _staged = _unit_bundles(sh, unit, Pages({}), _LocalStore(blobs, files, hits, sh.covers))
            results[i] = (p_out, u_out, n, b, r)
        else:
            remote.append((i, unit, hits))
    groups = _groups(remote, backend)
    tasks = [_cluster_task(sh, group, converted) for group in groups]
    answers = parallel.map_work(bundle_units, tasks, workers=len(tasks), backend=backend) if tasks else []
    for group, per_unit in zip(groups, answers, strict=True):
        for (i, _unit, hits), (p_out, u_out, n, b, r, writes, made) in zip(group, per_unit, strict=True):
            sha = {k: s for k, (_b, s) in hits.items()}
            full = {k: hb for k, (hb, _s) in hits.items()}
            for key, bundle in made.items():
                sha[key] = _save(blobs, key, bundle)
                full[key] = bundle
            for rel, key in writes:
                _write(files, rel, full[key], sha[key])
            results[i] = (p_out, u_out, n, b, r)
    persons_out, units_out, pages, built_n, reused_n = [], [], 0, 0, 0
    for i in range(len(units)):
        p_out, u_out, n, b, r = results[i]
        persons_out += p_out
        units_out.append(u_out)
        pages, built_n, reused_n = pages + n, built_n + b, reused_n + r
    return Bundles(persons_out, units_out, pages, built_n, reused_n)


def _groups(remote: list[_Remote], backend: parallel.Backend) -> list[list[_Remote]]:
    """The units to build, consecutive ones a task: TASKS_PER_THREAD tasks a worker thread, of at
    least MIN_TASK_FORMS forms."""
    groups: list[list[_Remote]] = []
    if remote:
        assert backend.cluster is not None  # no shared files: the dask backend, with its cluster
        threads = max(1, sum(backend.cluster.client.nthreads().values()))
        total = sum(len(_docs_of(u)) for _i, u, _h in remote)
        size = max(MIN_TASK_FORMS, -(-total // (threads * TASKS_PER_THREAD)))
        count = 0
        for entry in remote:
            if not groups or count >= size:
                groups.append([])
                count = 0
            groups[-1].append(entry)
            count += len(_docs_of(entry[1]))
    return groups


def _cluster_task(sh: _Shared, group: list[_Remote], converted: Pages) -> UnitsTask:
    """A cluster task for `group`'s units (bundle/remote.py `bundle_units`): their share of `sh`, the
    forms converted alone, each joined PDF once with where each form is in it, and the cached
    bundles' page counts and sections."""
    joined: dict[int, int] = {}
    blobs_sent: list[bytes] = []
    refs: dict[str, tuple[int, int, int]] = {}
    singles: dict[str, bytes] = {}
    for _i, unit, _hits in group:
        for k in _docs_of(unit):
            if k in converted.sources:
                data, first, n = converted.sources[k]
                if id(data) not in joined:
                    joined[id(data)] = len(blobs_sent)
                    blobs_sent.append(data)
                refs[k] = (joined[id(data)], first, n)
            else:
                singles[k] = converted.pdfs[k]
    # a cached person bundle is needed there for its page count and sections only
    shown = {k: BuiltBundle(b"", b.pages, b.sections, b.bia) for _i, _u, h in group for k, (b, _sha) in h.items()}
    return (_units_shared([u for _i, u, _h in group], sh), [u for _i, u, _h in group], singles,
            (blobs_sent, refs), shown)
