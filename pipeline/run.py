"""The build, stage by stage: load → rate → plan → render → convert → assemble → submit.

Before anything, `uptodate.unchanged` asks whether the output folder already holds what these
inputs give; then there is nothing to do.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from pipeline import ingest, output_guard, ownership, uptodate
from pipeline.bundle.build import write_bundles
from pipeline.errors import OutputError
from pipeline.forms.fill import fill_documents
from pipeline.forms.registry import Registry
from pipeline.options import BuildOptions, BuildSummary
from pipeline.output import OutputFolder, PreviousOutput, Staged, manifest_of
from pipeline.pdf import installation
from pipeline.pdf.cache import BlobCache, PdfCache, data_key
from pipeline.pdf.convert import convert_documents
from pipeline.pdf.fonts import check_fonts
from pipeline.pdf.pool import Converter
from pipeline.plan import make_plan
from pipeline.rating import rate
from pipeline.rating.rulebooks import notes_for
from pipeline.rating.summary import warning_lines
from pipeline.submission import changes, guide, ratings_file, ratings_xlsx
from pipeline.submission.manifest import MANIFEST, build_manifest
from pipeline.submission.package import depends_on_today, finish_submission, prepare_submission
from pipeline.tempdirs import input_snapshot

__all__ = ["BuildOptions", "BuildSummary", "build"]


def build(workbook: Path, outdir: Path, options: BuildOptions | None = None, *,
          converter: Converter | None = None, log: Callable[[str], None] = lambda s: None,
          check_unchanged: bool = True) -> BuildSummary:
    """`check_unchanged=False`: the caller already asked `uptodate.unchanged` (the CLI does)."""
    started = time.monotonic()
    options = options or BuildOptions()
    engine = uptodate.converter_name(converter if converter is not None else Converter)
    if check_unchanged:
        same = uptodate.unchanged(workbook, outdir, options, engine, started=started)
        if same is not None:
            for line in same.canh_bao:  # what the build that made the folder said about these inputs
                log(line)
            return same
    if converter is None and options.cum:  # --cum: the conversion on a Dask cluster (pipeline/pdf/cum.py)
        from pipeline.pdf.cum import ClusterConverter

        with ClusterConverter(options.cum, workers=options.jobs) as cluster, input_snapshot(workbook) as snap:
            return _build(workbook, snap, outdir, options, cluster, log, started, engine)
    with input_snapshot(workbook) as snap:  # the workbook read once: a save during the build changes nothing
        return _build(workbook, snap, outdir, options, converter, log, started, engine)


def _build(workbook: Path, snap: Path, outdir: Path, options: BuildOptions, converter: Converter | None,
           log: Callable[[str], None], started: float, engine: str) -> BuildSummary:
    """The build from `snap`, the input's snapshot (`workbook` names it: the key, the messages)."""
    signer = None
    if options.sign_key:  # a key that cannot be read fails before anything is built
        from pipeline.submission import signing

        signer = signing.load_private(options.sign_key)
    said: list[str] = []  # the warnings and notes about the inputs: an unchanged build repeats them (uptodate)

    def warn(line: str) -> None:
        said.append(line)
        log(line)

    campaign = ingest.load(snap)
    for w in campaign.warnings:
        warn("Cảnh báo: " + w.text())
    why = ownership.refusal(Path(outdir), inputs=(workbook, options.templates))  # before the season's guards:
    if why:  # a foreign folder, or the input inside it, is refused before anything else is said of it
        raise OutputError(why)
    previous = manifest_of(outdir)  # what the folder holds: nothing in it is lost silently
    output_guard.check_agency(previous, campaign, workbook, Path(outdir), allowed=options.doi_co_quan, log=log)
    output_guard.check_hand_edits(Path(outdir), previous, allowed=options.ghi_de, log=log)
    asked = options  # the key records what was asked: asked again into this folder, nothing is to do
    options = output_guard.widen_selection(previous, options, campaign, Path(outdir), log)
    ratings = rate(campaign, rulebook=options.rulebook)
    notes = notes_for(ratings.bo_quy_tac)
    for note in notes:  # one line per rulebook whose texts are unconfirmed
        warn("Ghi chú: " + note)
    for line in warning_lines(ratings):  # what `hoso rate` prints: a clerk who only builds sees it too
        if not any(line.endswith(note) for note in notes):  # the notes once, above
            warn(line)
    registry = Registry(options.templates)
    plan = make_plan(campaign, registry, units=set(options.units) or None, persons=set(options.persons) or None)
    note = reconstructed_note(plan, registry)
    if note:
        warn(note)
    cache, blobs = PdfCache(options.cache_dir), BlobCache(options.cache_dir)
    converter = converter or Converter(workers=options.jobs)  # fails early if LibreOffice is missing
    made_by = installation.stamp()  # the LibreOffice and fonts: part of every PDF's key
    for font in check_fonts():  # fails early if a font lacks Vietnamese letters
        if font.substituted:
            warn(f"Ghi chú: dùng phông «{font.family}» thay cho «{font.requested}» (cùng cỡ chữ, đủ chữ tiếng Việt).")
    today = options.today or dt.date.today()
    with OutputFolder(outdir, inputs=(workbook, options.templates, cache.root)) as out:
        stage = out.staging
        assert stage is not None
        files = Staged(stage, PreviousOutput(out.target))
        files.write("ket_qua_xep_loai.json", ratings_file.dumps(ratings_file.ratings_document(ratings)))
        files.write("ket_qua_xep_loai.xlsx", ratings_xlsx.to_bytes(ratings))
        filled = fill_documents(plan, campaign, ratings, registry, stage, blobs, installation=made_by,
                                workers=converter.workers)
        for job, item in filled.items.items():
            files.note(files.rel(item.docx), *filled.written[job])
        # the report and the table .docx are converted with the forms: one LibreOffice run for all
        prepared = prepare_submission(files, campaign, ratings, registry=registry, blobs=blobs, workbook=snap,
                                      installation=made_by, today=today)
        conv = convert_documents([*filled.items.values(), *prepared.items.values()], cache, converter,
                                 show_progress=options.show_progress)
        pdfs = {job: conv.pdfs[item.key][0] for job, item in filled.items.items()}
        pages = {job: conv.pdfs[item.key][1] for job, item in filled.items.items()}
        keys = {job: item.key for job, item in filled.items.items()}
        headers = {job: (item.page_numbers, item.first_page_header) for job, item in filled.items.items()}
        sources = {job: conv.sources[item.key] for job, item in filled.items.items() if item.key in conv.sources}
        bundles = write_bundles(plan, pdfs, keys, files, campaign=campaign, registry=registry, blobs=blobs,
                                headers=headers, duplex=options.duplex, sources=sources, workers=converter.workers,
                                page_codes=options.page_codes)
        if options.pdfa:
            write_pdfa_forms(filled, files, cache, converter, log=log, show_progress=options.show_progress)
        files.scan()  # any staged file not known yet: read and hashed once, a few at a time
        sub = finish_submission(prepared, files, plan, conv.pdfs, pdfs, pages=pages, units=options.units,
                                persons=options.persons, log=warn)
        fingerprints = changes.person_fingerprints(campaign)
        changed = changes.compare(
            manifest_of(out.target),
            changes.staged_view(files.known, bundles.persons, bundles.units, sub.manifest, fingerprints, options.duplex),
            old_root=out.target, new_root=stage, duplex=options.duplex)
        changes.write(changed, files, source_root=stage)
        guide.write(files, blobs=blobs, campaign=campaign, plan=plan, registry=registry, persons=bundles.persons,
                    units=bundles.units, submission=sub.manifest.get("nop_so_noi_vu"), deadline=sub.deadline,
                    duplex=options.duplex, today=today,
                    pages={rel: k.pages for rel, k in files.known.items() if k.pages is not None})
        manifest = build_manifest(stage, year=campaign.year, input_sha256=campaign.source_sha256,
                                  persons=bundles.persons, units=bundles.units, known=files.known,
                                  pages_by_sha=files.pages_by_sha)
        manifest.update(sub.manifest)
        manifest[output_guard.AGENCY] = output_guard.agency_record(campaign, workbook)
        manifest[changes.FINGERPRINTS] = fingerprints
        manifest[changes.SECTION] = changed.as_json()
        documents = len(filled.items) + sub.documents
        key = uptodate.input_key(campaign.source_sha256, Path(workbook).name, asked, engine, made_by)
        manifest[uptodate.RECORD] = uptodate.record(
            key, dated=today if depends_on_today(campaign) else None, people=len(plan.persons), documents=documents,
            pages=bundles.pages, bundles=bundles.built + bundles.reused, warnings=said)
        manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        (stage / MANIFEST).write_bytes(manifest_bytes)
        if signer is not None:
            (stage / signing.SIGNATURE).write_bytes(signing.signature_file(manifest_bytes, signer))
        out.commit()
    _care_for_cache(cache.root, plan, filled)
    return BuildSummary(len(plan.persons), documents, conv.converted, conv.reused, bundles.pages,
                        time.monotonic() - started, Path(outdir), filled.rendered, bundles.built, bundles.reused,
                        sub.deadline.line if sub.deadline else "", thay_doi=changed.summary(f"«{Path(outdir) / changes.REPRINT}»"),
                        huong_dan=str(Path(outdir) / guide.PDF))


def reconstructed_note(plan, registry: Registry) -> str:
    """One console line naming the reconstructed forms (meta.toml `status = "tai_dung"`) the build
    uses and how an agency replaces them with the official file; "" when it uses none."""
    codes = sorted({job.form for job in plan.jobs if registry.get(job.form).reconstructed})
    if not codes:
        return ""
    named = "; ".join(f"{c} ({_name(registry.get(c))})" for c in codes)
    return (f"Ghi chú: {len(codes)} mẫu là bản tái dựng, chưa đối chiếu được phụ lục chính thức: {named}. "
            "Khi có mẫu chính thức: hoso templates export THU_MUC, thay THU_MUC/<mã mẫu>/template.docx bằng tệp Word "
            "chính thức (dùng các biến của mẫu cũ), ghi status = \"chinh_thuc\" trong meta.toml, rồi chạy "
            "hoso build … --templates THU_MUC.")


def _name(spec) -> str:
    return spec.ma_hieu if spec.ma_hieu.startswith("Mẫu") else spec.title


def _care_for_cache(root: Path, plan, filled) -> None:
    """Which cache entries hold whose data (`hoso cache xoa --nguoi`), then the eviction policy
    (pipeline/cachecare.py)."""
    from pipeline import cachecare

    people: dict[str, set[str]] = {}
    for dossier in plan.persons:
        for doc in dossier.documents:
            if doc.key in filled.items:
                pdf = filled.items[doc.key].key
                people.setdefault(dossier.ma_so, set()).update(
                    {pdf, data_key("pdfa", pdf), filled.docx_keys.get(doc.key, pdf)})
    cachecare.record(root, people)
    cachecare.evict(root)


def write_pdfa_forms(filled, files: Staged, cache: PdfCache, converter: Converter, *, log, show_progress=None) -> None:
    """--pdfa: every form also as PDF/A-2b (`<form>.pdf` beside its .docx), converted alone and
    untouched afterwards; merged bundles cannot keep PDF/A, and we say so."""
    items = {job: replace(item, key=data_key("pdfa", item.key), group=None, page_numbers=False, first_page_header="")
             for job, item in filled.items.items()}
    conv = convert_documents(list(items.values()), cache, converter.with_pdfa(), show_progress=show_progress)
    for item in items.values():
        data, pages = conv.pdfs[item.key]
        files.write(files.rel(item.docx.with_suffix(".pdf")), data, pages=pages)
    log("PDF/A-2b: đã ghi bản PDF/A của từng mẫu cạnh tệp .docx (ca_nhan/…/<mã số>/<mẫu>.pdf). Các tệp ghép "
        "(hồ sơ cá nhân ca_nhan/…/<mã số>.pdf, hồ sơ đơn vị don_vi/*.pdf) KHÔNG giữ được chuẩn PDF/A vì được ghép "
        "và đánh số trang sau khi chuyển.")
