"""render stage: fill every document of the plan into its .docx (in the staging folder).

A document whose template and context are unchanged since a previous run is copied from the
cache instead of being rendered again.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.forking import fork_map
from pipeline.forms.context import person_context
from pipeline.forms.registry import FormSpec, Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.pdf.cache import BlobCache, cache_key, pdf_key
from pipeline.pdf.join import first_page_header, has_page_numbers, join_family
from pipeline.pdf.pool import Item
from pipeline.pdf.validate import page_range
from pipeline.plan import DocumentJob, Plan

MIN_PARALLEL = 40  # documents: fewer are filled here (forking costs more than it saves)


@dataclass(frozen=True)
class Filled:
    items: dict[str, Item]  # document key -> what to convert
    rendered: int
    reused: int
    written: dict[str, tuple[str, int]]  # document key -> SHA-256 and size of the .docx written
    docx_keys: dict[str, str] = field(default_factory=dict)  # document key -> the .docx's cache key


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
    context: dict
    who: str


def _jobs(plan: Plan, campaign, ratings, registry: Registry) -> list[_Job]:
    people = {p.ma_so: p for p in campaign.people}
    units = {u.ma_don_vi: u for u in campaign.units}
    jobs = []
    for dossier in plan.persons:
        person = people[dossier.ma_so]
        for doc in dossier.documents:
            spec = registry.get(doc.form)
            jobs.append(_Job(doc, spec, person_context(campaign, spec, person, ratings.of(person.ma_so)),
                             f"{person.ho_ten} ({person.ma_so})"))
    for unit in plan.units:
        for doc in (*unit.before, *unit.after):
            spec = registry.get(doc.form)
            jobs.append(_Job(doc, spec, unit_document_context(campaign, ratings, spec, units[unit.ma_don_vi]),
                             f"Đơn vị {unit.ten_don_vi} ({unit.ma_don_vi})"))
    for doc in plan.agency:
        spec = registry.get(doc.form)
        jobs.append(_Job(doc, spec, agency_document_context(campaign, ratings, spec), campaign.agency.ten_co_quan))
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


def _fill(job: _Job, stage: Path, blobs: BlobCache, installation: str) -> tuple[Item, bool, str, int, str]:
    """Write one document (from the cache, or rendered and cached): (what to convert, keyed for the
    LibreOffice and fonts of `installation`; rendered?; SHA-256 and size of the .docx written)."""
    doc, spec = job.doc, job.spec
    key = cache_key(spec.template_sha256, job.context)
    dest = stage / doc.docx
    head = static_first_page_header(spec)
    hit = blobs.get_verified(key, "docx")
    if hit is not None:
        data, digest = hit
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        if head is None:
            head = first_page_header(io.BytesIO(data))  # from the bytes in hand, not the file again
    else:
        template = _compiled.get((spec.template_sha256, doc.form))
        if template is None:
            template = _compiled[spec.template_sha256, doc.form] = CompiledTemplate(spec.template, code=doc.form)
        parts = template.render_to(job.context, dest)
        data = dest.read_bytes()
        digest = blobs.put(key, "docx", data)
        if head is None:
            head = template.first_page_header(parts)
    family, numbered = template_traits(spec)
    label = f"{job.who} — {spec.ma_hieu or spec.code}: {spec.title}"
    return (Item(pdf_key(key, installation), dest, label, family, numbered, head, doc.key, doc.ma_so or "",
                 form=doc.form, pages=page_range(spec)),
            hit is None, digest, len(data), key)


def fill_documents(plan: Plan, campaign, ratings, registry: Registry, stage: Path, blobs: BlobCache,
                   *, installation: str, workers: int = 1) -> Filled:
    """Every document of the plan as a .docx in the staging folder; in `workers` forked processes
    when there are enough to render (docxtpl rendering is pure Python). `installation`: the stamp
    of the LibreOffice and fonts that will convert them (`pdf.installation.stamp`)."""
    jobs = _jobs(plan, campaign, ratings, registry)
    groups = _groups(jobs, workers if len(jobs) >= MIN_PARALLEL else 1)
    done = fork_map(lambda group: [_fill(job, stage, blobs, installation) for job in group], groups, workers)
    items: dict[str, Item] = {}
    written: dict[str, tuple[str, int]] = {}
    docx_keys: dict[str, str] = {}
    rendered = 0
    by_doc = {id(job): result for group, results in zip(groups, done, strict=True)
              for job, result in zip(group, results, strict=True)}
    for job in jobs:  # in the plan's order
        item, new, digest, size, docx_key = by_doc[id(job)]
        items[job.doc.key] = item
        written[job.doc.key] = (digest, size)
        docx_keys[job.doc.key] = docx_key
        rendered += new
    return Filled(items, rendered, len(jobs) - rendered, written, docx_keys)
