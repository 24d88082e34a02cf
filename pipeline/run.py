"""The build, stage by stage: load → rate → plan → render → convert → assemble → submit."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import ingest
from pipeline.bundle.build import write_bundles
from pipeline.forms.fill import fill_documents
from pipeline.forms.registry import Registry
from pipeline.output import OutputFolder
from pipeline.pdf.cache import BlobCache, PdfCache, data_key
from pipeline.pdf.convert import convert_documents
from pipeline.pdf.fonts import check_fonts
from pipeline.pdf.pool import Converter
from pipeline.plan import make_plan
from pipeline.rating import rate
from pipeline.submission import ratings_file, ratings_xlsx
from pipeline.submission.manifest import MANIFEST, build_manifest
from pipeline.submission.package import write_submission


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
    today: dt.date | None = None  # "today" for the Sở Nội vụ deadline (default: the real date)
    pdfa: bool = False  # also write each form as PDF/A-2b beside its .docx


@dataclass(frozen=True)
class BuildSummary:
    people: int
    documents: int
    converted: int  # documents converted by LibreOffice in this run
    reused: int  # documents whose PDF came from the cache
    pages: int
    seconds: float
    outdir: Path
    rendered: int = 0  # .docx filled in this run (the others were copied from the cache)
    bundles_built: int = 0
    bundles_reused: int = 0
    han_nop: str = ""  # the Sở Nội vụ deadline: days left or overdue


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
    cache, blobs = PdfCache(options.cache_dir), BlobCache(options.cache_dir)
    converter = converter or Converter(workers=options.jobs)  # fails early if LibreOffice is missing
    for font in check_fonts():  # fails early if a font lacks Vietnamese letters
        if font.substituted:
            log(f"Ghi chú: dùng phông «{font.family}» thay cho «{font.requested}» (cùng cỡ chữ, đủ chữ tiếng Việt).")
    with OutputFolder(outdir) as out:
        stage = out.staging
        assert stage is not None
        ratings_file.write(stage / "ket_qua_xep_loai.json", ratings)
        ratings_xlsx.write(stage / "ket_qua_xep_loai.xlsx", ratings)
        filled = fill_documents(plan, campaign, ratings, registry, stage, blobs)
        conv = convert_documents(list(filled.items.values()), cache, converter, show_progress=options.show_progress)
        pdfs = {job: conv.pdfs[item.key][0] for job, item in filled.items.items()}
        keys = {job: item.key for job, item in filled.items.items()}
        headers = {job: (item.page_numbers, item.first_page_header) for job, item in filled.items.items()}
        sources = {job: conv.sources[item.key] for job, item in filled.items.items() if item.key in conv.sources}
        bundles = write_bundles(plan, pdfs, keys, stage, campaign=campaign, registry=registry, blobs=blobs,
                                headers=headers, duplex=options.duplex, sources=sources,
                                workers=converter.workers)
        if options.pdfa:
            write_pdfa_forms(filled, stage, cache, converter, log=log, show_progress=options.show_progress)
        sub = write_submission(stage, campaign, ratings, plan, pdfs, registry=registry, workbook=workbook,
                               convert=lambda items: convert_documents(items, cache, converter,
                                                                       show_progress=options.show_progress),
                               today=options.today, units=options.units, persons=options.persons, log=log)
        manifest = build_manifest(stage, year=campaign.year, input_sha256=campaign.source_sha256,
                                  persons=bundles.persons, units=bundles.units)
        manifest.update(sub.manifest)
        (stage / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.commit()
    return BuildSummary(len(plan.persons), len(filled.items) + sub.documents, conv.converted + sub.converted,
                        conv.reused + sub.documents - sub.converted, bundles.pages, time.monotonic() - started,
                        Path(outdir), filled.rendered, bundles.built, bundles.reused,
                        sub.deadline.line if sub.deadline else "")


def write_pdfa_forms(filled, stage: Path, cache: PdfCache, converter: Converter, *, log, show_progress=None) -> None:
    """--pdfa: every form also as PDF/A-2b (`<form>.pdf` beside its .docx), converted alone and
    untouched afterwards; merged bundles cannot keep PDF/A, and we say so."""
    items = {job: replace(item, key=data_key("pdfa", item.key), group=None, page_numbers=False, first_page_header="")
             for job, item in filled.items.items()}
    conv = convert_documents(list(items.values()), cache, converter.with_pdfa(), show_progress=show_progress)
    for item in items.values():
        item.docx.with_suffix(".pdf").write_bytes(conv.pdfs[item.key][0])
    log("PDF/A-2b: đã ghi bản PDF/A của từng mẫu cạnh tệp .docx (ca_nhan/…/<mã số>/<mẫu>.pdf). Các tệp ghép "
        "(hồ sơ cá nhân ca_nhan/…/<mã số>.pdf, hồ sơ đơn vị don_vi/*.pdf) KHÔNG giữ được chuẩn PDF/A vì được ghép "
        "và đánh số trang sau khi chuyển.")
