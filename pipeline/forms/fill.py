"""render stage: fill every document of the plan into its .docx (in the staging folder).

A document whose template and context are unchanged since a previous run is copied from the
cache instead of being rendered again.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline import parallel
from pipeline.document import Build, Document
from pipeline.forms.context import person_context, printed_ratings
from pipeline.forms.layout import ballot_gap_always, compound_breaks
from pipeline.forms.registry import FormSpec, Registry
from pipeline.forms.render import CompiledTemplate, with_typography
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.ingest.model import Campaign
from pipeline.pdf.cache import BlobCache, cache_key, pdf_key
from pipeline.pdf.join import conversion_shape, first_page_header, has_page_numbers, join_family
from pipeline.pdf.validate import page_range
from pipeline.plan import DocumentJob, Plan
from pipeline.rating.result import Ratings
from pipeline.resources import running_program

if TYPE_CHECKING:
    from pipeline.output import PreviousOutput

MIN_PARALLEL = 40  # documents: fewer are filled here (forking costs more than it saves)
TASKS_PER_THREAD = 3  # on a cluster: tasks per worker thread (a lost worker costs little) …
MIN_TASK_FORMS = 20  # … of at least this many forms (each task carries its template, ~0.1 MB)


_traits: dict[str, tuple[str | None, bool]] = {}


def template_traits(spec: FormSpec) -> tuple[str | None, bool]:
    """(the join family: forms of one family are joined for conversion, None if they cannot be;
    the form prints page numbers) — see pdf/join.py."""
    sha = spec.template_sha256
    if sha not in _traits:
        _traits[sha] = (join_family(spec.template), has_page_numbers(spec.template))
    return _traits[sha]


_heads: dict[str, str | None] = {}


def static_first_page_header(spec: FormSpec) -> str | None:
    """The first page's header text when the template's headers hold no fields (the same for every
    document: read once per template instead of once per document); None if they are filled in."""
    sha = spec.template_sha256
    if sha not in _heads:
        with zipfile.ZipFile(spec.template) as zf:
            filled = any(b"{" in zf.read(n) for n in zf.namelist() if n.startswith(("word/header", "word/footer")))
        _heads[sha] = None if filled else first_page_header(spec.template)
    return _heads[sha]


@dataclass(frozen=True)
class _Job:
    doc: DocumentJob
    spec: FormSpec
    made: dict[str, Any] | Callable[[], dict[str, Any]]  # the render context, or how to make it (`context`)
    who: str

    @property
    def context(self) -> dict[str, Any]:
        return self.made() if callable(self.made) else self.made


def _made(typography: tuple[bool, bool, bool], compounds: bool, gap_always: bool, fn: Callable[..., dict[str, Any]],
          *args: Any) -> dict[str, Any]:
    with compound_breaks(compounds), ballot_gap_always(gap_always):
        return with_typography(fn(*args), *typography)


def _jobs(plan: Plan, campaign: Campaign, ratings: Ratings, registry: Registry, *, lazy: bool = False,
          typography: tuple[bool, bool, bool] = (True, True, True), compounds: bool = True,
          gap_always: bool = False) -> list[_Job]:
    """The plan's documents with their render contexts; `lazy`: each made where it is rendered (by
    the forked worker that fills it, which shares the campaign in memory) instead of here;
    `typography`: what every context asks for (`Build.typography`: numbers/symbols unbroken, quotation marks
    printed “…”, period codes in words); `compounds`: their headers' names broken between words only
    (`Build.ngat_dong_tu_ghep`, forms/layout.py); `gap_always`: the ballot count's 1 pt table gap after its notes
    too, as the folder's were printed (`not Build.khoang_kiem_phieu_khi_can`, forms/layout.py::ballot_gap_always)."""
    people = {p.ma_so: p for p in campaign.people}
    units = {u.ma_don_vi: u for u in campaign.units}
    jobs = []
    shown = printed_ratings(ratings)  # an undecided person's proposal as the unit's meeting made it

    def made(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any] | Callable[[], dict[str, Any]]:
        if lazy:
            return functools.partial(_made, typography, compounds, gap_always, fn, *args)
        return _made(typography, compounds, gap_always, fn, *args)

    for dossier in plan.persons:
        person = people[dossier.ma_so]
        for doc in dossier.documents:
            spec = registry.get(doc.form)
            jobs.append(_Job(doc, spec, made(person_context, campaign, spec, person, shown.of(person.ma_so)),
                             f"{person.ho_ten} ({person.ma_so})"))
    for unit in plan.units:
        for doc in (*unit.before, *unit.after):
            spec = registry.get(doc.form)
            jobs.append(_Job(doc, spec, made(unit_document_context, campaign, ratings, spec, units[unit.ma_don_vi]),
                             f"Đơn vị {unit.ten_don_vi} ({unit.ma_don_vi})"))
    for doc in plan.agency:
        spec = registry.get(doc.form)
        jobs.append(_Job(doc, spec, made(agency_document_context, campaign, ratings, spec), campaign.agency.ten_co_quan))
    return jobs


def _groups(jobs: list[_Job], workers: int) -> list[list[_Job]]:
    """The jobs in `workers` groups of about equal size, each template's documents in one group
    (a template is compiled by one worker only)."""
    by_template: dict[str, list[_Job]] = {}
    for job in jobs:
        by_template.setdefault(job.spec.template_sha256, []).append(job)
    groups: list[list[_Job]] = [[] for _ in range(max(1, workers))]
    for same in sorted(by_template.values(), key=len, reverse=True):
        min(groups, key=len).extend(same)
    return [g for g in groups if g]


_compiled: dict[tuple[str, str], CompiledTemplate] = {}  # per process: each worker compiles what it renders


@dataclass(frozen=True)
class _Filled:
    """What a worker reports of one document it wrote (small: the records stay in the parent)."""

    key: str  # the PDF's content key
    docx_key: str
    rendered: bool
    sha256: str  # of the .docx written
    size: int
    family: str | None
    page_numbers: bool
    first_page_header: str


@dataclass(frozen=True)
class _Out:
    """Where the documents go, made once per build (plain data: it goes to the workers)."""

    stage: Path  # the staging folder
    blobs: BlobCache
    installation: str  # the LibreOffice and fonts: part of every PDF's key
    previous: PreviousOutput | None = None  # the output being replaced: unchanged .docx are linked from it
    # the program the keys name (`resources.running_program` of the build's process): a spawned worker names
    # the cache's entries as its parent does
    program: str = ""


class _Written(NamedTuple):
    """A .docx just written: rendered now (or copied from the cache), its SHA-256 and size, and its
    first page's header text (None: read it from the template's traits, see `_filled`)."""

    rendered: bool
    sha256: str
    size: int
    head: str | None


HEAD = "head.txt"  # the cache's record of a filled .docx's first-page header text (read once, when filled)


def _fill(job: _Job, out: _Out) -> _Filled:
    """Write one document (linked from the output being replaced when it holds the same bytes, else
    from the cache, or rendered and cached); its PDF keyed for the LibreOffice and fonts of
    `out.installation`."""
    stage, blobs = out.stage, out.blobs
    doc, spec = job.doc, job.spec
    context = job.context
    key = cache_key(spec.template_sha256, context, out.program or None)
    dest = stage / doc.docx
    dest.parent.mkdir(parents=True, exist_ok=True)
    head = static_first_page_header(spec)
    linked = _link_previous(out, doc.docx, key, dest)
    if linked is not None:
        digest, size = linked
        if head is None:
            head = _cached_head(blobs, key, lambda: first_page_header(dest))
        return _filled(spec, key, out, _Written(False, digest, size, head))
    hit = blobs.get_verified(key, "docx")
    if hit is not None:
        data, digest = hit
        dest.write_bytes(data)
        if head is None:  # from the bytes in hand, not the file again
            head = _cached_head(blobs, key, lambda: first_page_header(io.BytesIO(data)))
    else:
        template = _compiled.get((spec.template_sha256, doc.form))
        if template is None:
            template = _compiled[spec.template_sha256, doc.form] = CompiledTemplate(spec.template, code=doc.form)
        parts = template.render_to(context, dest)
        data = dest.read_bytes()
        digest = blobs.put(key, "docx", data)
        if head is None:
            head = template.first_page_header(parts)
            blobs.put(key, HEAD, head.encode("utf-8"))
    return _filled(spec, key, out, _Written(hit is None, digest, len(data), head))


def _link_previous(out: _Out, rel: str, key: str, dest: Path) -> tuple[str, int] | None:
    """(SHA-256, size) of the .docx at `rel` of the output being replaced, linked to `dest`, when
    it holds exactly the bytes the cache recorded for `key` (hashed: `PreviousOutput.reusable`);
    None when it does not (changed, edited, missing, or no such cache entry)."""
    if out.previous is None:
        return None
    digest = out.blobs.recorded_digest(key, "docx")
    if digest is None or not out.previous.link_into(rel, digest, dest):
        return None
    return digest, dest.stat().st_size


def _cached_head(blobs: BlobCache, key: str, read: Callable[[], str | None]) -> str | None:
    """The first-page header text of the .docx cached under `key`: recorded in the cache, else
    `read()` from the document (and recorded)."""
    known = blobs.get(key, HEAD)
    if known is not None:
        return known.decode("utf-8")
    head = read()
    if head is not None:
        blobs.put(key, HEAD, head.encode("utf-8"))
    return head


def _filled(spec: FormSpec, key: str, out: _Out, docx: _Written) -> _Filled:
    """A document's record, its PDF keyed for `out`'s LibreOffice and fonts and program."""
    family, numbered = template_traits(spec)
    return _Filled(pdf_key(key, out.installation, conversion_shape(spec.template), out.program or None), key, docx.rendered, docx.sha256, docx.size, family, numbered,
                   docx.head or "")


def _fill_group(task: tuple[list[_Job], _Out]) -> list[_Filled]:
    """One worker's share (a process sharing the staging folder and the cache: fork, spawn)."""
    group, out = task
    return [_fill(job, out) for job in group]


def _fill_on_cluster(jobs: list[_Job], out: _Out, backend: parallel.Backend) -> dict[int, _Filled]:
    """The cluster's way (no shared files): the cache is read here; the documents to render go to
    the workers as (template bytes, contexts) and come back as .docx bytes, written here."""
    from pipeline.forms.remote import render_forms

    stage, blobs = out.stage, out.blobs
    by_doc: dict[int, _Filled] = {}
    misses: dict[tuple[str, str], list[tuple[_Job, str]]] = {}
    for job in jobs:
        key = cache_key(job.spec.template_sha256, job.context)
        hit = blobs.get_verified(key, "docx")
        if hit is None:
            misses.setdefault((job.spec.template_sha256, job.doc.form), []).append((job, key))
            continue
        data, digest = hit
        dest = stage / job.doc.docx
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        head = static_first_page_header(job.spec)
        if head is None:
            head = first_page_header(io.BytesIO(data))
        by_doc[id(job)] = _filled(job.spec, key, out, _Written(False, digest, len(data), head))
    if not misses:
        return by_doc
    assert backend.cluster is not None
    threads = max(1, sum(backend.cluster.client.nthreads().values()))
    total = sum(len(m) for m in misses.values())
    size = max(MIN_TASK_FORMS, -(-total // (threads * TASKS_PER_THREAD)))
    chunks, tasks = [], []
    for same in misses.values():
        spec = same[0][0].spec
        template = Path(spec.template).read_bytes()
        want_head = static_first_page_header(spec) is None
        for k in range(0, len(same), size):
            chunk = same[k:k + size]
            chunks.append(chunk)
            tasks.append((template, spec.template_sha256, Path(spec.template).name, same[0][0].doc.form,
                          [job.context for job, _key in chunk], want_head))
    for chunk, answers in zip(chunks, parallel.map_work(render_forms, tasks, workers=threads, backend=backend),
                              strict=True):
        for (job, key), (data, head) in zip(chunk, answers, strict=True):
            dest = stage / job.doc.docx
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            digest = blobs.put(key, "docx", data)
            by_doc[id(job)] = _filled(job.spec, key, out, _Written(
                True, digest, len(data), head if head is not None else static_first_page_header(job.spec)))
    return by_doc


def fill(build: Build) -> list[Document]:
    """Every document of the plan as a .docx in the staging folder, in the plan's order; in worker
    processes when there are enough to render (docxtpl rendering is pure Python), or on the Dask
    cluster of the build's converter (the work map, pipeline/parallel.py)."""
    workers = build.workers
    out = _Out(build.files.root, build.blobs, build.pdf_maker, build.files.previous, running_program())
    stage = out.stage
    backend = parallel.for_converter(build.converter)
    # forked workers make the contexts they render (the campaign is in their memory); the others are sent them
    jobs = _jobs(build.plan, build.campaign, build.ratings, build.registry, lazy=backend.kind == "fork",
                 typography=build.typography, compounds=build.ngat_dong_tu_ghep,
                 gap_always=not build.khoang_kiem_phieu_khi_can)
    if backend.shares_files:
        groups = _groups(jobs, workers if len(jobs) >= MIN_PARALLEL else 1)
        done = parallel.map_work(_fill_group, [(group, out) for group in groups],
                                 workers=workers, backend=backend)
        by_doc = {id(job): result for group, results in zip(groups, done, strict=True)
                  for job, result in zip(group, results, strict=True)}
    else:
        by_doc = _fill_on_cluster(jobs, out, backend)
    docs = []
    for job in jobs:  # in the plan's order
        f: _Filled = by_doc[id(job)]
        dest = stage / job.doc.docx
        build.files.note(build.files.rel(dest), f.sha256, f.size)
        docs.append(Document(job.doc, job.doc.form, f"{job.who} — {job.spec.ma_hieu or job.spec.code}: {job.spec.title}",
                             dest, f.key, f.docx_key, f.rendered, f.family, f.page_numbers, f.first_page_header,
                             page_range(job.spec)))
    return docs
