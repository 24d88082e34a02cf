"""The build, stage by stage: load → rate → plan → render → convert → assemble → submit."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline import ingest
from pipeline.bundle.assemble import BuiltBundle, CoverInfo, person_bundle, unit_bundle
from pipeline.bundle.stamp import draw_form_headers
from pipeline.forms.context import person_context
from pipeline.forms.registry import Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.ingest.schema import LOAI_NHAN_SU
from pipeline.output import OutputFolder
from pipeline.pdf.cache import PdfCache, cache_key
from pipeline.pdf.join import first_page_header, has_page_numbers, join_safe
from pipeline.pdf.pool import Converter, Item
from pipeline.plan import DocumentJob, Plan, make_plan
from pipeline.progress import Progress
from pipeline.rating import rate
from pipeline.submission import ratings_file, ratings_xlsx
from pipeline.submission.manifest import MANIFEST, build_manifest


@dataclass(frozen=True)
class BuildOptions:
    jobs: int | None = None
    units: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()
    templates: Path | None = None
    cache_dir: Path | None = None
    show_progress: bool | None = None
    duplex: bool = True  # each person's dossier starts on an odd page of the unit bundle
    rulebook: str | None = None  # --bo-quy-tac: overrides CoQuan.bo_quy_tac and the year


@dataclass(frozen=True)
class BuildSummary:
    people: int
    documents: int
    converted: int
    reused: int
    pages: int
    seconds: float
    outdir: Path


def build(workbook: Path, outdir: Path, options: BuildOptions | None = None, *,
          converter: Converter | None = None, log: Callable[[str], None] = lambda s: None) -> BuildSummary:
    started = time.monotonic()
    options = options or BuildOptions()
    campaign = ingest.load(workbook)
    for w in campaign.warnings:
        log("Cảnh báo: " + w.text())
    ratings = rate(campaign, rulebook=options.rulebook)
    registry = Registry(options.templates)
    plan = make_plan(campaign, registry, units=set(options.units) or None, persons=set(options.persons) or None)
    cache = PdfCache(options.cache_dir)
    converter = converter or Converter(workers=options.jobs)  # fails early if LibreOffice is missing
    with OutputFolder(outdir) as out:
        stage = out.staging
        assert stage is not None
        ratings_file.write(stage / "ket_qua_xep_loai.json", ratings)
        ratings_xlsx.write(stage / "ket_qua_xep_loai.xlsx", ratings)
        items = render_documents(plan, campaign, ratings, registry, stage)
        pdfs, converted = convert_documents(list(items.values()), cache, converter,
                                            show_progress=options.show_progress)
        by_job = {job: pdfs[item.key][0] for job, item in items.items()}
        persons, units, pages = assemble_bundles(plan, by_job, stage, campaign=campaign, registry=registry,
                                                 duplex=options.duplex)
        manifest = build_manifest(stage, year=campaign.year, input_sha256=campaign.source_sha256,
                                  persons=persons, units=units)
        (stage / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.commit()
    return BuildSummary(len(plan.persons), len(items), converted, len(items) - converted, pages,
                        time.monotonic() - started, Path(outdir))


_traits: dict[str, tuple[bool, bool]] = {}


def template_traits(spec) -> tuple[bool, bool]:
    """(forms can be joined for conversion, the form prints page numbers) — see pdf/join.py."""
    sha = spec.template_sha256
    if sha not in _traits:
        _traits[sha] = (join_safe(spec.template), has_page_numbers(spec.template))
    return _traits[sha]


def render_documents(plan: Plan, campaign, ratings, registry: Registry, stage: Path) -> dict[str, Item]:
    """Fill every form of the plan into its .docx; returns document key -> conversion item."""
    compiled: dict[str, CompiledTemplate] = {}
    people = {p.ma_so: p for p in campaign.people}
    units = {u.ma_don_vi: u for u in campaign.units}
    items: dict[str, Item] = {}

    def render(doc: DocumentJob, ctx: dict, who: str) -> None:
        spec = registry.get(doc.form)
        if doc.form not in compiled:
            compiled[doc.form] = CompiledTemplate(spec.template, code=doc.form)
        dest = stage / doc.docx
        compiled[doc.form].render_to(ctx, dest)
        label = f"{who} — {spec.ma_hieu or spec.code}: {spec.title}"
        safe, numbered = template_traits(spec)
        items[doc.key] = Item(cache_key(spec.template_sha256, ctx), dest, label, doc.form if safe else None, numbered,
                              first_page_header(dest))

    for dossier in plan.persons:
        person = people[dossier.ma_so]
        for doc in dossier.documents:
            ctx = person_context(campaign, registry.get(doc.form), person, ratings.of(person.ma_so))
            render(doc, ctx, f"{person.ho_ten} ({person.ma_so})")
    for unit in plan.units:
        for doc in (*unit.before, *unit.after):
            ctx = unit_document_context(campaign, ratings, registry.get(doc.form), units[unit.ma_don_vi])
            render(doc, ctx, f"Đơn vị {unit.ten_don_vi} ({unit.ma_don_vi})")
    for doc in plan.agency:
        render(doc, agency_document_context(campaign, ratings, registry.get(doc.form)), campaign.agency.ten_co_quan)
    return items


def convert_documents(items: list[Item], cache: PdfCache, converter: Converter, *, show_progress=None):
    pdfs: dict[str, tuple[bytes, int]] = {}
    todo: dict[str, Item] = {}
    for it in items:
        hit = cache.get(it.key)
        if hit:
            pdfs[it.key] = hit
        else:
            todo.setdefault(it.key, it)
    if todo:
        bar = Progress(len(todo), "Chuyển sang PDF", enabled=show_progress)
        try:
            done = converter.run(list(todo.values()), progress=bar.advance)
        finally:
            bar.close()
        for key, (data, pages) in done.items():
            it = todo[key]
            data = draw_form_headers(data, page_numbers=it.page_numbers, first_page=it.first_page_header)
            done[key] = (data, pages)
            cache.put(key, data, pages)
        pdfs.update(done)
    return pdfs, len(todo)


def assemble_bundles(plan: Plan, pdfs: dict[str, bytes], stage: Path, *, campaign, registry: Registry,
                     duplex: bool = True):
    """Write every bundle; return the manifest's `ca_nhan` and `don_vi` entries and the page total."""
    persons_out, units_out, pages = [], [], 0
    signers = {code: registry.get(code).signers for code in {j.form for j in plan.jobs}}
    people = {p.ma_so: p for p in campaign.people}
    agency = campaign.agency
    header = tuple(x for x in (agency.co_quan_chu_quan.upper(), agency.ten_co_quan.upper()) if x)
    for unit in plan.units:
        built: dict[str, BuiltBundle] = {}
        for dossier in unit.persons:
            person = people[dossier.ma_so]
            info = CoverInfo(header, "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", (
                ("Năm đánh giá", str(campaign.year)), ("Họ và tên", person.ho_ten),
                ("Chức vụ, chức danh", person.chuc_vu or "…"), ("Đối tượng", LOAI_NHAN_SU[person.loai_nhan_su]),
                ("Đơn vị", unit.ten_don_vi), ("Mã số", person.ma_so),
            ), signers)
            b = person_bundle(dossier, pdfs, info, duplex=duplex)
            built[dossier.ma_so] = b
            _write(stage / dossier.pdf, b.data)
            persons_out.append({
                "ma_so": dossier.ma_so, "ma_don_vi": dossier.ma_don_vi, "pdf": dossier.pdf,
                "tai_lieu": [{"mau": s.form, "tieu_de": s.title, "trang_dau": s.first_page, "so_trang": s.pages}
                             for s in b.sections],
            })
        info = CoverInfo(header, f"HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {campaign.year}", (
            ("Đơn vị", unit.ten_don_vi), ("Số người", str(len(unit.persons))),
        ))
        ub = unit_bundle(unit, built, pdfs, info, duplex=duplex)
        _write(stage / unit.pdf, ub.data)
        pages += ub.pages
        units_out.append({
            "ma_don_vi": unit.ma_don_vi, "pdf": unit.pdf,
            "muc": [{"tieu_de": s.title, "mau": s.form, "ma_so": s.ma_so, "trang_dau": s.first_page,
                     "so_trang": s.pages} for s in ub.sections],
        })
    return persons_out, units_out, pages


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
