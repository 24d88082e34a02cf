"""render stage: fill every document of the plan into its .docx (in the staging folder).

A document whose template and context are unchanged since a previous run is copied from the
cache instead of being rendered again.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.forms.context import person_context
from pipeline.forms.registry import FormSpec, Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.pdf.cache import BlobCache, cache_key
from pipeline.pdf.join import first_page_header, has_page_numbers, join_family
from pipeline.pdf.pool import Item
from pipeline.plan import DocumentJob, Plan


@dataclass(frozen=True)
class Filled:
    items: dict[str, Item]  # document key -> what to convert
    rendered: int
    reused: int


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


def fill_documents(plan: Plan, campaign, ratings, registry: Registry, stage: Path, blobs: BlobCache) -> Filled:
    compiled: dict[str, CompiledTemplate] = {}
    people = {p.ma_so: p for p in campaign.people}
    units = {u.ma_don_vi: u for u in campaign.units}
    items: dict[str, Item] = {}
    counts = {"rendered": 0, "reused": 0}

    def fill(doc: DocumentJob, ctx: dict, who: str) -> None:
        spec = registry.get(doc.form)
        key = cache_key(spec.template_sha256, ctx)
        dest = stage / doc.docx
        cached = blobs.get(key, "docx")
        head = static_first_page_header(spec)
        if cached is not None:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(cached)
            counts["reused"] += 1
            if head is None:
                head = first_page_header(dest)
        else:
            if doc.form not in compiled:
                compiled[doc.form] = CompiledTemplate(spec.template, code=doc.form)
            parts = compiled[doc.form].render_to(ctx, dest)
            blobs.put(key, "docx", dest.read_bytes())
            counts["rendered"] += 1
            if head is None:
                head = compiled[doc.form].first_page_header(parts)
        family, numbered = template_traits(spec)
        label = f"{who} — {spec.ma_hieu or spec.code}: {spec.title}"
        items[doc.key] = Item(key, dest, label, family, numbered, head)

    for dossier in plan.persons:
        person = people[dossier.ma_so]
        for doc in dossier.documents:
            fill(doc, person_context(campaign, registry.get(doc.form), person, ratings.of(person.ma_so)),
                 f"{person.ho_ten} ({person.ma_so})")
    for unit in plan.units:
        for doc in (*unit.before, *unit.after):
            fill(doc, unit_document_context(campaign, ratings, registry.get(doc.form), units[unit.ma_don_vi]),
                 f"Đơn vị {unit.ten_don_vi} ({unit.ma_don_vi})")
    for doc in plan.agency:
        fill(doc, agency_document_context(campaign, ratings, registry.get(doc.form)), campaign.agency.ten_co_quan)
    return Filled(items, counts["rendered"], counts["reused"])
