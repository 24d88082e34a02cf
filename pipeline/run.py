"""The build, stage by stage: load → rate → plan → render → convert → assemble → submit.

Before anything, `uptodate.unchanged` asks whether the output folder already holds what these
inputs give; then there is nothing to do.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import clock, ingest, manifest, output, output_guard, ownership, printed, uptodate
from pipeline.bundle.build import write_bundles
from pipeline.document import Build, Document, Made
from pipeline.errors import HosoError, OutputError, TemplateError
from pipeline.forms.fill import fill
from pipeline.forms.registry import FormSpec, Registry
from pipeline.ingest import sheetnames
from pipeline.ingest.model import Campaign
from pipeline.options import BuildOptions, BuildSummary
from pipeline.output import OutputFolder, PreviousOutput, Staged, manifest_of
from pipeline.pdf import installation
from pipeline.pdf.cache import BlobCache, PdfCache, data_key, program_changed
from pipeline.pdf.convert import DocumentConverter, convert, convert_documents, item
from pipeline.pdf.fonts import check_fonts
from pipeline.pdf.pool import Converter
from pipeline.plan import Plan, dossier_order, make_plan
from pipeline.quotes import MANIFEST_KEY, curly_in
from pipeline.rating import agency_kind, rate
from pipeline.rating.result import Ratings
from pipeline.rating.rulebooks import notes_for
from pipeline.rating.summary import warning_lines
from pipeline.submission import changes, guide
from pipeline.submission.package import (
    finish_submission,
    prepare_submission,
)
from pipeline.submission.ratings_file import write_ratings
from pipeline.tempdirs import input_snapshot

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["BuildOptions", "BuildSummary", "build"]


@dataclass(frozen=True)
class _Asked:
    """The build as it was asked for (the no-change key records this, not the widened selection)."""

    workbook: Path
    outdir: Path
    options: BuildOptions
    engine: str  # the converter's name (uptodate.converter_name)
    started: float
    echo: Callable[[str], None]  # the caller's log
    later: list[Callable[[], object]] | None  # see `build`
    signer: Ed25519PrivateKey | None  # --ky: the private key (`submission.signing.load_private`)
    # the warnings and notes about the inputs (`warn`): an unchanged build repeats them (uptodate)
    said: list[str] = field(default_factory=list)
    # the sheets as the workbook names them, once it is read: every line says «sheet «Kết quả kỳ»» where
    # the clerk's file calls sheet KetQuaKy so (ingest/sheetnames.py)
    sheet_names: dict[str, str] = field(default_factory=dict)
    # the set of forms the build reads -> the clerk's --templates folder it was made from (`_templates_used`): every
    # line names her folder, not the cache's copy
    folders: dict[str, str] = field(default_factory=dict)

    def written(self, line: str) -> str:
        for used, shown in self.folders.items():
            line = line.replace(used, shown)
        return sheetnames.as_written(line, self.sheet_names)

    def log(self, line: str) -> None:
        self.echo(self.written(line))

    def warn(self, line: str) -> None:
        line = self.written(line)
        self.said.append(line)
        self.echo(line)


# the first build after hoso was updated (`cache.program_changed`): every document is made again by the new program
PROGRAM_UPDATED = "Ghi chú: chương trình đã được cập nhật nên mọi văn bản được tạo lại từ đầu (lần này chậm hơn)."


def build(workbook: Path, outdir: Path, options: BuildOptions | None = None, *,
          converter: DocumentConverter | None = None, log: Callable[[str], None] = lambda s: None,
          check_unchanged: bool = True, later: list[Callable[[], object]] | None = None) -> BuildSummary:
    """`check_unchanged=False`: the caller already asked `uptodate.unchanged` (the CLI does).
    `later`: the work that changes nothing in the new output — removing the output it replaced,
    the cache's upkeep — is appended to this list instead of being done, for the caller to run
    after it has reported the build done (`hoso serve`)."""
    started = time.monotonic()
    options = options or BuildOptions()
    engine = uptodate.converter_name(converter if converter is not None else Converter)
    if check_unchanged:
        same = uptodate.unchanged(workbook, outdir, options, engine, started=started)
        if same is not None:
            for line in same.canh_bao:  # what the build that made the folder said about these inputs
                log(line)
            return same
    # a signing key that cannot be read fails before anything is built
    asked = _Asked(Path(workbook), Path(outdir), options, engine, started, log, later, _signer(options))
    try:
        if converter is None and options.cum:  # --cum: the conversion on a Dask cluster (pipeline/pdf/cum.py)
            from pipeline.pdf.cum import ClusterConverter

            with ClusterConverter(options.cum, workers=options.jobs) as cluster, input_snapshot(workbook) as snap:
                done = _build(asked, snap, cluster)
                _saved_meanwhile(asked, snap)
                return done
        with input_snapshot(workbook) as snap:  # the workbook read once: a save during the build changes nothing
            done = _build(asked, snap, converter)
            _saved_meanwhile(asked, snap)
            return done
    except HosoError as exc:  # its words name the sheets as the workbook does, as every line did
        exc.message = asked.written(exc.message)
        exc.hint = asked.written(exc.hint) if exc.hint else exc.hint
        sheetnames.error_as_written(exc, asked.sheet_names)
        raise


def _saved_meanwhile(asked: _Asked, snap: Path) -> None:
    """The workbook saved again while the build ran (after it was read): the output is the version read, whole; the
    clerk who saved a correction meanwhile is told it is not in these papers and how to get it (it was silent: she
    printed papers without the correction she had just saved)."""
    try:
        same = asked.workbook.read_bytes() == snap.read_bytes()
    except OSError:
        return  # moved or unreadable now: the next build says so
    if not same:
        asked.log(f"Ghi chú: sổ Excel «{asked.workbook.name}» đã được lưu lại trong lúc đang tạo hồ sơ: hồ sơ vừa tạo theo "
                  "bản đã đọc lúc bắt đầu, chưa có những gì lưu sau đó. Chạy lại hoso build để tạo theo bản vừa lưu.")


def _build(asked: _Asked, snap: Path, converter: DocumentConverter | None) -> BuildSummary:
    """The build from `snap`, the input's snapshot (`asked.workbook` names it: the key, the messages)."""
    campaign, options, foreign, choices = _read(asked, snap)
    symbols_whole, quotes, periods, compounds, gap_as_needed = choices
    ratings, registry, plan = _rate_and_plan(campaign, options, asked.warn, _templates_used(asked, options))
    cache, blobs = PdfCache(options.cache_dir), BlobCache(options.cache_dir)
    if program_changed(cache.root):  # said once, before the slow part: no entry of the cache is this program's
        asked.log(PROGRAM_UPDATED)
    converter = converter or Converter(workers=options.jobs)  # fails early if LibreOffice is missing
    made_by = installation.stamp()  # the LibreOffice and fonts: part of every PDF's key
    _check_fonts(asked.warn)  # fails early if a font lacks Vietnamese letters
    keep = output_guard.kept_folder(options.keep_replaced, manifest_of(asked.outdir)) if foreign else None
    with OutputFolder(asked.outdir, inputs=(asked.workbook, options.templates, cache.root),
                      keep_old=asked.later is not None, carry_signed=not foreign, keep_replaced=keep) as out:
        assert out.staging is not None
        # an output kept whole (keep_replaced) shares no file with the new one: nothing linked from it
        previous = None if keep is not None else PreviousOutput(out.target)
        b = Build(asked.workbook, snap, campaign, ratings, plan, registry, Staged(out.staging, previous),
                  cache, blobs, converter, made_by, options, options.today or clock.today(), asked.warn,
                  ky_hieu_lien=symbols_whole, ngoac_kep=quotes, ky_bang_chu=periods, ngat_dong_tu_ghep=compounds,
                  khoang_kiem_phieu_khi_can=gap_as_needed)
        write_ratings(b.files, ratings, ngoac_kep=quotes, public_service=agency_kind.public_service_unit(campaign, ratings),
                      order=dossier_order(campaign))
        docs = fill(b)
        prep = prepare_submission(b)  # its report and table are converted with the forms: one LibreOffice run
        conv = convert(b, [*docs, *prep.docs])
        bundles = write_bundles(b, docs)
        if options.pdfa:
            write_pdfa_forms(b, docs)
        b.files.scan()  # any staged file not known yet: read and hashed once, a few at a time
        sub = finish_submission(b, prep, docs)
        made = Made(bundles, sub, changes.person_fingerprints(campaign), len(docs) + sub.documents)
        # another year's or agency's output is no earlier version of this one: nothing of it to "reprint"
        changed = _changes(b, None if foreign else out.target, made)
        _write_manifest(b, asked, made, changed)
        out.commit()
        if out.kept is not None:
            asked.log(f"Ghi chú: hồ sơ cũ trong «{asked.outdir}» (của cơ quan hoặc năm đánh giá khác, cả các bản đã ký "
                      f"da_ky/) được cất nguyên vẹn vào «{out.kept}», không xóa.")
        if out.signed_aside is not None:
            asked.log(f"Ghi chú: các bản đã ký (da_ky/) của hồ sơ cũ trong «{asked.outdir}» là của cơ quan hoặc năm "
                      f"đánh giá khác: đã chuyển sang «{out.signed_aside}», không để lẫn vào hồ sơ mới.")
    if asked.later is not None:
        asked.later.extend([lambda: output.tidy(asked.outdir), lambda: _care_for_cache(cache.root, plan, docs)])
    else:
        _care_for_cache(cache.root, plan, docs)
    return BuildSummary(len(plan.persons), len(docs) + sub.documents, conv.converted, conv.reused, bundles.pages,
                        time.monotonic() - asked.started, asked.outdir, sum(d.rendered for d in docs), bundles.built,
                        bundles.reused, sub.deadline.line if sub.deadline else "",
                        thay_doi=changed.summary(f"«{asked.outdir / changes.REPRINT}»"),
                        huong_dan=str(asked.outdir / guide.PDF))


def _signer(options: BuildOptions) -> Ed25519PrivateKey | None:
    """--ky: the private key, read before anything is built (a key that cannot be read fails first)."""
    if not options.sign_key:
        return None
    from pipeline.submission import signing

    return signing.load_private(options.sign_key)


def _read(asked: _Asked, snap: Path) -> tuple[Campaign, BuildOptions, bool, tuple[bool, bool, bool, bool, bool]]:
    """The workbook read and the output folder's guards passed; the options widened to what the
    folder holds (`output_guard.widen_selection`); whether the folder holds another agency's or
    another year's output (replaced as `--doi-co-quan` / `--doi-nam` allowed); whether its papers
    print a legal document's number/symbol unbroken (`_symbols_whole`), «…» as “…” (`_quotes_curly`) and a
    reason's period codes in words (`_periods_in_words`): `Build.typography`; whether their headers' names
    break between words only (`_compound_breaks`: `Build.ngat_dong_tu_ghep`); whether their ballot counts print
    the 1 pt table gap only where it is needed (`_ballot_gap_as_needed`: `Build.khoang_kiem_phieu_khi_can`)."""
    campaign = ingest.load(snap)
    asked.sheet_names.update(campaign.sheet_names)
    for w in campaign.warnings:
        asked.warn("Cảnh báo: " + w.text())
    outdir, log = asked.outdir, asked.log
    why = ownership.refusal(outdir, inputs=(asked.workbook, asked.options.templates))  # before the season's guards:
    if why:  # a foreign folder, or the input inside it, is refused before anything else is said of it
        raise OutputError(why)
    previous = manifest_of(outdir)  # what the folder holds: nothing in it is lost silently
    output_guard.check_agency(previous, campaign, asked.workbook, outdir, allowed=asked.options.doi_co_quan, log=log)
    output_guard.check_year(previous, campaign, asked.workbook, outdir, allowed=asked.options.doi_nam, log=log)
    output_guard.check_hand_edits(outdir, previous, allowed=asked.options.ghi_de, log=log)
    foreign = (output_guard.agency_clash(previous, campaign, asked.workbook) is not None
               or output_guard.year_clash(previous, campaign) is not None)
    choices = (_symbols_whole(previous, foreign), _quotes_curly(previous, foreign),
               _periods_in_words(previous, foreign), _compound_breaks(previous, foreign))
    for on, note in zip(choices, (SYMBOLS_NOTE, QUOTES_NOTE, PERIODS_NOTE, COMPOUNDS_NOTE), strict=True):
        if not on:
            log(note)
    # no note for the ballot gap: a 1 pt empty paragraph, nothing a clerk or a signer sees either way
    gap = _ballot_gap_as_needed(previous, foreign, outdir)
    widened = output_guard.widen_selection(previous, asked.options, campaign, outdir, log)
    return campaign, widened, foreign, (*choices, gap)


SYMBOLS = "ky_hieu_lien"  # manifest.json: the folder's papers print numbers/symbols unbroken (forms/render.py)
SYMBOLS_NOTE = ("Ghi chú: hồ sơ trong thư mục này được tạo trước khi hoso giữ số, ký hiệu văn bản (như "
                "«233/2026/NĐ-CP») liền trên một dòng: các văn bản vẫn ngắt dòng như bản đã in, để không văn bản nào "
                "chưa đổi nội dung phải ký lại; hồ sơ tạo vào thư mục mới (hoặc của năm đánh giá sau) sẽ in số, ký hiệu "
                "văn bản liền một dòng.")


QUOTES = MANIFEST_KEY  # manifest.json: the folder's papers print «…» as “…” (pipeline/quotes.py)
QUOTES_NOTE = ("Ghi chú: hồ sơ trong thư mục này được tạo trước khi hoso in dấu ngoặc kép “…” theo cách viết tiếng "
               "Việt: các văn bản vẫn in dấu «…» như bản đã in, để không văn bản nào chưa đổi nội dung phải ký lại; hồ sơ "
               "tạo vào thư mục mới (hoặc của năm đánh giá sau) sẽ in dấu ngoặc kép “…”.")


_quotes_curly = curly_in  # whether this build's papers print «…» as “…”

PERIODS = "ky_bang_chu"  # manifest.json: the folder's papers name a reason's periods in words (forms/render.py)
PERIODS_NOTE = ("Ghi chú: hồ sơ trong thư mục này được tạo trước khi hoso ghi kỳ đánh giá bằng chữ trong lý do xếp "
                "loại («quý I/2026», «tháng 03/2026» thay cho «2026-Q1», «2026-03»): các văn bản vẫn ghi như bản đã in, "
                "để không văn bản nào chưa đổi nội dung phải ký lại; hồ sơ tạo vào thư mục mới (hoặc của năm đánh giá "
                "sau) sẽ ghi kỳ bằng chữ.")


def _periods_in_words(previous: dict[str, Any] | None, foreign: bool) -> bool:
    """Whether this build's papers name a reason's period codes in words (forms/render.py::period_words): as
    `_symbols_whole`, with the manifest key `ky_bang_chu`."""
    return output.new_typography(previous, foreign, PERIODS)


COMPOUNDS = "ngat_dong_tu_ghep"  # manifest.json: the folder's headers break names between words (forms/layout.py)
COMPOUNDS_NOTE = ("Ghi chú: hồ sơ trong thư mục này được tạo trước khi hoso giữ liền các từ ghép trong tên cơ quan ở "
                  "phần tiêu đề (như «ĐÀO TẠO», «MÔI TRƯỜNG», «TRƯỜNG THPT …» không bị ngắt giữa hai dòng): các văn "
                  "bản vẫn ngắt dòng như bản đã in, để không văn bản nào chưa đổi nội dung phải ký lại; hồ sơ tạo vào "
                  "thư mục mới (hoặc của năm đánh giá sau) sẽ ngắt dòng tên cơ quan giữa các từ.")


def _compound_breaks(previous: dict[str, Any] | None, foreign: bool) -> bool:
    """Whether this build's papers break the names of their headers' left column between words only
    (forms/layout.py `compounds`: «SỞ GIÁO DỤC / VÀ ĐÀO TẠO», not «… VÀ ĐÀO / TẠO»): as `_symbols_whole`, with
    the manifest key `ngat_dong_tu_ghep`. Off, the contexts are made as before it (`layout.compound_breaks`),
    so the papers of a folder built before keep their headers byte for byte."""
    return output.new_typography(previous, foreign, COMPOUNDS)


BALLOT_GAP = "khoang_kiem_phieu_khi_can"  # manifest.json: the ballot counts' 1 pt table gap only where needed
# the 1 pt gap paragraph of bien_ban_kiem_phieu (tools/docxkit.py::table_gap) as a filled .docx holds it, after a
# paragraph (a note «- Đồng chí …» or the «no proposal» line) and before the signatures' table: printed so only by
# the builds from 0b62d2e to 2ee613a (before them no gap; since, the gap only after the results table itself)
_GAP_AFTER_TEXT = (b'</w:p><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
                   b'<w:jc w:val="left"/><w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr></w:p><w:tbl>')
_BALLOT = "bien_ban_kiem_phieu.docx"


def _ballot_gap_as_needed(previous: dict[str, Any] | None, foreign: bool, outdir: Path) -> bool:
    """Whether this build's ballot counts (bien_ban_kiem_phieu) print the 1 pt table gap only where the results
    table would touch the signatures' table (2ee613a), not after a note or the «no proposal» line too (the
    builds from 0b62d2e to 2ee613a, a release clerks printed and signed this season with): yes in a new folder
    and in one whose manifest records it (`output.new_typography`, the manifest key `khoang_kiem_phieu_khi_can`),
    no where it records false; a folder built before the key is read in its ballot counts themselves (the
    `.docx` the manifest lists, still as recorded): no when one holds the gap after a paragraph. Either way
    nothing visible differs; the bytes, and so the list of papers to sign again, do."""
    if output.new_typography(previous, foreign, BALLOT_GAP):
        return True
    if previous is None or BALLOT_GAP in previous:
        return False
    for entry in output.listed_files(previous):
        rel = entry["path"]
        if not rel.endswith("/" + _BALLOT) or ".." in rel.split("/") or not output.still_as_recorded(outdir, entry):
            continue
        try:
            with zipfile.ZipFile(outdir / rel) as zf:
                if _GAP_AFTER_TEXT in zf.read("word/document.xml"):
                    return False
        except (OSError, KeyError, zipfile.BadZipFile):
            continue
    return True


def _symbols_whole(previous: dict[str, Any] | None, foreign: bool) -> bool:
    """Whether this build prints a legal document's number/symbol unbroken (forms/render.py::keep_symbols):
    yes in a new folder, in one holding another year's (or agency's) output or no paper at all (`hoso rate`'s
    ratings only) — nothing of this campaign was signed there — and in one whose manifest records it; no in
    a folder of this campaign's papers built before it (its manifest lacks the key, or records false): its
    papers, maybe signed already, keep the rendering they were printed with, so none whose words did not
    change is to be signed again."""
    return output.new_typography(previous, foreign, SYMBOLS)


def _templates_used(asked: _Asked, options: BuildOptions) -> Path | None:
    """The templates folder the build reads: --templates DIR, or the copy of it with the program's current forms over
    those the clerk did not edit and those it lacks (`forms.origin.used_set`, in the cache; DIR is never written), with
    the notes saying so (`origin.notes`); None: the program's."""
    if options.templates is None or not options.templates_follow:
        return options.templates
    from pipeline.forms import origin
    from pipeline.pdf.cache import default_root

    found = origin.examine(options.templates)
    for line in origin.notes(found, options.templates):
        asked.warn(line)
    used = origin.used_set(options.templates, options.cache_dir or default_root(), found)
    if used != options.templates:
        asked.folders[str(used)] = str(options.templates)
    return used


def _rate_and_plan(campaign: Campaign, options: BuildOptions,
                   log: Callable[[str], None], templates: Path | None) -> tuple[Ratings, Registry, Plan]:
    """`templates`: the folder of forms the build reads (`_templates_used`; options.templates names it)."""
    ratings = rate(campaign, rulebook=options.rulebook)
    notes = notes_for(ratings.bo_quy_tac, ratings.nam_danh_gia)
    for note in notes:  # one line per rulebook whose texts are unconfirmed
        log("Ghi chú: " + note)
    for line in warning_lines(ratings):  # what `hoso rate` prints: a clerk who only builds sees it too
        if not any(line.endswith(note) for note in notes):  # the notes once, above
            log(line)
    registry = Registry(templates)
    if options.templates:  # the official Word file put in as it is: every paper would print without its data
        from pipeline.lint import empty_forms, font_notes, unknown_labels

        wrong_fonts, other_fonts = font_notes(registry)  # a legacy TCVN3/VNI font prints the data as wrong letters
        if refused := empty_forms(registry) + wrong_fonts:
            raise TemplateError(" ".join(refused) + f" Kiểm tra cả thư mục mẫu bằng: hoso templates check "
                                                    f"«{options.templates}».")
        for said in other_fonts:  # a font this machine lacks: printed in another face than Word shows
            log("Cảnh báo: " + said)
        for said in unknown_labels(registry):  # a misspelt label: the program's words print, the clerk is told
            log("Cảnh báo: " + said)
    plan = make_plan(campaign, registry, units=set(options.units) or None, persons=set(options.persons) or None,
                     rulebook=options.rulebook)
    for note in (reconstructed_note(plan, registry), residence_wording_note(plan, registry, campaign.year)):
        if note:
            log(note)
    return ratings, registry, plan


def _check_fonts(log: Callable[[str], None]) -> None:
    for font in check_fonts():
        if font.substituted:
            log(f"Ghi chú: dùng phông «{font.family}» thay cho «{font.requested}» (cùng cỡ chữ, đủ chữ tiếng Việt).")


def _changes(b: Build, target: Path | None, made: Made) -> changes.Changes:
    """The comparison with the output being replaced (thay_doi.txt, in_lai.pdf; `target` None: none,
    a first build) — with the output printed last when the folder holds a printed mark of that
    output (pipeline/printed.py) —, then the reading guide (HUONG_DAN_IN)."""
    previous = manifest_of(target) if target is not None else None
    mark = printed.read(target) if target is not None else None
    new = changes.staged_view(b, made)
    if mark is not None and printed.applies(mark, previous):  # since the last print (hoso da-in), not the last build
        changed = changes.compare_printed(mark, previous, new, new_root=b.files.root, names_root=target,
                                           replaced_root=target)
    else:
        changed = changes.compare(previous, new, old_root=target, new_root=b.files.root)
        changed = changes.carry_pending(changed, previous, new)  # nothing changed: the list not yet printed stays
    changed.unit_codes = changes.unit_code_history(previous, new)
    changes.write(changed, b.files, source_root=b.files.root)
    guide.write(b, made.bundles, made.sub)
    return changed


def _write_manifest(b: Build, asked: _Asked, made: Made, changed: changes.Changes) -> None:
    """manifest.json (and its signature with --ky): every file, the bundles, the submission, the
    agency, the people's fingerprints, the changes and the no-change record."""
    stage, campaign = b.files.root, b.campaign
    record = manifest.build_manifest(b.files, campaign, made.bundles)
    record.update(made.sub.manifest)
    record[output_guard.AGENCY] = output_guard.agency_record(campaign, asked.workbook)
    record[changes.FINGERPRINTS] = made.fingerprints
    record[changes.UNCODED] = changes.uncoded_fingerprints(campaign)  # `hoso diff` after a unit code's correction
    record[changes.SECTION] = changed.as_json()
    record[changes.UNIT_CODES] = [{"ma_cu": was, "ma_moi": now, "ten_don_vi": name} for was, now, name in changed.unit_codes]
    record[SYMBOLS] = b.ky_hieu_lien
    record[QUOTES] = b.ngoac_kep
    record[PERIODS] = b.ky_bang_chu
    record[COMPOUNDS] = b.ngat_dong_tu_ghep
    record[BALLOT_GAP] = b.khoang_kiem_phieu_khi_can
    key = uptodate.input_key(campaign.source_sha256, asked.workbook.name, asked.options, asked.engine, b.installation)
    record[uptodate.RECORD] = uptodate.record(key, b, made, asked.said)
    data = manifest.save(stage, record)
    if asked.signer is not None:
        from pipeline.submission import signing

        (stage / signing.SIGNATURE).write_bytes(signing.signature_file(data, asked.signer))


def reconstructed_note(plan: Plan, registry: Registry) -> str:
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


# Mẫu 3-213's left signature («XÁC NHẬN CỦA ĐẢNG ỦY XÃ, PHƯỜNG, THỊ TRẤN», label `ky_xac_nhan`) is the wording of
# HD 33-HD/BTCTW (2020) as public reproductions print it. From 01/07/2025 local government has two levels (xã, phường,
# đặc khu): there is no thị trấn, and no reissued form was found (UNCONFIRMED): the label stays the form's, data an
# agency corrects, and a build printing the sheet for a review held after that date says so once.
RESIDENCE_FORM, RESIDENCE_SIGNER = "mau_3_213", "ky_xac_nhan"
TWO_LEVEL_FROM_YEAR = 2025  # the 2025 review is held in December 2025, after 01/07/2025


def residence_wording_note(plan: Plan, registry: Registry, year: int) -> str:
    """One console line when the build prints Mẫu 3-213 for a review held after 01/07/2025 and its đảng ủy's
    signature still names «thị trấn»; "" otherwise (an agency that corrected the label hears nothing)."""
    if year < TWO_LEVEL_FROM_YEAR or not any(job.form == RESIDENCE_FORM for job in plan.jobs):
        return ""
    said = " ".join(str(registry.get(RESIDENCE_FORM).labels.get(RESIDENCE_SIGNER) or "").split())
    if "thị trấn" not in said.lower():
        return ""
    return (f"Ghi chú: Mẫu 3-213 in ô ký «{said}» theo mẫu của Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020; từ ngày "
            "01/07/2025 chính quyền địa phương có hai cấp (xã, phường, đặc khu), không còn thị trấn, và chưa tìm thấy mẫu "
            "sửa đổi. Nếu cấp ủy hướng dẫn ghi khác: hoso templates export THU_MUC, sửa nhãn ky_xac_nhan trong "
            "THU_MUC/mau_3_213/meta.toml, rồi chạy hoso build … --templates THU_MUC.")


def _name(spec: FormSpec) -> str:
    return spec.ma_hieu if spec.ma_hieu.startswith("Mẫu") else spec.title


def _care_for_cache(root: Path, plan: Plan, docs: list[Document]) -> None:
    """Which cache entries hold whose data (`hoso cache xoa --nguoi`), then the eviction policy
    (pipeline/cachecare.py)."""
    from pipeline import cachecare

    filled = {d.doc: d for d in docs}
    people: dict[str, set[str]] = {}
    for dossier in plan.persons:
        for job in dossier.documents:
            if job.key in filled:
                d = filled[job.key]
                people.setdefault(dossier.ma_so, set()).update({d.key, data_key("pdfa", d.key), d.docx_key or d.key})
    cachecare.record(root, people)
    cachecare.evict(root)


def write_pdfa_forms(b: Build, docs: list[Document]) -> None:
    """--pdfa: every form also as PDF/A-2b (`<form>.pdf` beside its .docx), converted alone and
    untouched afterwards; merged bundles cannot keep PDF/A, and we say so."""
    items = [replace(item(d), key=data_key("pdfa", d.key), group=None, page_numbers=False, first_page_header="")
             for d in docs]
    conv = convert_documents(items, b.cache, b.converter.with_pdfa(), show_progress=b.options.show_progress)
    for it in items:
        data, pages = conv.pdfs[it.key]
        b.files.write(b.files.rel(it.docx.with_suffix(".pdf")), data, pages=pages)
    b.log("PDF/A-2b: đã ghi bản PDF/A của từng mẫu cạnh tệp .docx (ca_nhan/…/<mã số>/<mẫu>.pdf). Các tệp ghép "
        "(hồ sơ cá nhân ca_nhan/…/<mã số>.pdf, hồ sơ đơn vị don_vi/*.pdf) KHÔNG giữ được chuẩn PDF/A vì được ghép "
        "và đánh số trang sau khi chuyển.")
