"""Nothing to build: the output folder already holds what these inputs give.

Every build records in manifest.json (`lan_tao.khoa_dau_vao`) one key for all that decides its
output: the workbook's bytes (and name), the options that change the output (--unit, --person,
--templates, --no-duplex, --bo-quy-tac, --pdfa; on `hoso serve` the deadline the Sở Nội vụ set), the bytes of every template (the bundled ones and
the agency's own folder), the program (its version and the bytes of its source files), the
converter, and the LibreOffice and fonts installed (`pdf.installation.stamp`: a new font or
another LibreOffice changes the PDFs). A build with the same key, into an output folder whose every
listed file is still there with the size and modification time the manifest recorded, does nothing
and says so. The output's README.txt states the days left before the Sở Nội vụ deadline, and the
zip's entries carry the build's date when the workbook gives no report date, so then
(`submission.package.depends_on_today`) the record also holds the date (`ngay`) and a build on
another day is not unchanged. The record also holds the warning lines the build printed about its
inputs (`canh_bao`): an unchanged build prints them again, as a changed one would.

The text files (`NOTES`: thay_doi.txt, HUONG_DAN_IN.txt, README.txt) are what a clerk annotates —
ticks in the list to reprint —, and the same inputs write them the same again: one annotated (still
there, other bytes) does not make the build run, which would replace it and, having nothing to
compare, drop the list to reprint (`in_lai.pdf`); it is kept as it is and named in a note. One deleted
is written again.

A print marked after the build (`hoso da-in`, pipeline/printed.py: `da_in.json`, not listed in the
manifest) changes no listed file, so the build stays unchanged; its summary then says there is nothing
left to print since that mark.

Only the standard library is imported here: the CLI asks before it imports the build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__, clock
from pipeline.manifest import MANIFEST
from pipeline.options import BuildOptions, BuildSummary
from pipeline.output import digest_matches, listed_files, locked, manifest_of, still_as_recorded
from pipeline.resources import folder_digest, running_program, templates_dir

if TYPE_CHECKING:
    from pipeline.document import Build, Made

RECORD = "lan_tao"  # manifest.json section written by every build
DEFAULT_CONVERTER = "pipeline.pdf.pool.Converter"  # converter_name(Converter), without importing it

def templates_fingerprint(templates: Path | None) -> list[str]:
    # the agency's folder takes the program's current form where it lacks one or holds an unedited old copy
    # (forms/origin.py): the set a build reads is decided by these two folders' bytes
    roots = [templates_dir(), *([Path(templates)] if templates else [])]
    return [folder_digest(r) for r in roots]


def converter_name(converter: object) -> str:
    """`module.Class` of a converter, of its class, or of a function making one; a converter whose
    PDFs are those of another names it in `same_output_as` (the warm one: pipeline/pdf/warm.py)."""
    same = getattr(converter, "same_output_as", None)
    if isinstance(same, str):
        return same
    obj = converter if isinstance(converter, type) or inspect.isfunction(converter) else type(converter)
    return f"{obj.__module__}.{obj.__qualname__}"


def workbook_sha256(workbook: Path) -> str | None:
    try:
        return hashlib.sha256(Path(workbook).read_bytes()).hexdigest()
    except OSError:
        return None


def input_key(workbook_sha: str, workbook_name: str, options: BuildOptions, converter: str,
              installation: str) -> str:
    parts = {
        "program": running_program(),
        "workbook": [workbook_name, workbook_sha],
        "templates": templates_fingerprint(options.templates),
        "options": {"units": sorted(options.units), "persons": sorted(options.persons), "duplex": options.duplex,
                    "rulebook": options.rulebook, "pdfa": options.pdfa,
                    **({} if options.page_codes else {"khong_ma": True}),
                    **({"ky": _key_digest(options.sign_key)} if options.sign_key else {}),
                    # the deadline the Sở Nội vụ set on `hoso serve`: the guide and README.txt print it
                    **({"han_so_noi_vu": options.han_nop_so_noi_vu.isoformat()} if options.han_nop_so_noi_vu else {}),
                    **({"han_do": options.han_nop_do} if options.han_nop_so_noi_vu and options.han_nop_do else {})},
        "converter": converter,
        "installation": installation,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _key_digest(keyfile: Path) -> str | None:
    try:
        return hashlib.sha256(Path(keyfile).read_bytes()).hexdigest()
    except OSError:
        return None


SIGNATURE = "manifest.json.sig"  # pipeline.submission.signing.SIGNATURE
NOTES = (".txt",)  # files a clerk may annotate: an edit there alone is no reason to build (module doc)


def record(key: str, b: Build, made: Made, warnings: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The manifest's `lan_tao` section of build `b`: `ngay` the day the output depends on (None: any
    day); `warnings`: the "Cảnh báo …"/"Ghi chú …" lines the build printed about its inputs
    (`canh_bao`), which an unchanged build prints again without reading the workbook."""
    from pipeline.submission.package import depends_on_today  # the build has imported it already

    dated = b.today if depends_on_today(b.campaign, b.options.han_nop_so_noi_vu) else None
    bundles = made.bundles
    return {"khoa_dau_vao": key, "phien_ban": __version__, "ngay": dated.isoformat() if dated else None,
            "so_nguoi": len(b.plan.persons), "so_van_ban": made.documents, "so_trang": bundles.pages,
            "so_ho_so_ghep": bundles.built + bundles.reused, "canh_bao": list(warnings)}


def unchanged(workbook: Path, outdir: Path, options: BuildOptions, converter: str = DEFAULT_CONVERTER, *,
              started: float | None = None) -> BuildSummary | None:
    """The summary of the build that made `outdir`, when building again would give the same folder;
    None when anything differs (then build). Holds the output folder's lock while it looks, so it
    fails like a second build would while another run writes there."""
    started = time.monotonic() if started is None else started
    target = Path(outdir).absolute()
    try:
        raw = (target / MANIFEST).read_bytes()
    except OSError:
        return None
    sha = workbook_sha256(workbook)
    if sha is None:
        return None
    from pipeline.pdf.installation import stamp

    key = input_key(sha, Path(workbook).name, options, converter, stamp())
    if key.encode() not in raw:  # most builds stop here, without parsing the manifest
        return None
    today = options.today or clock.today()
    with locked(target):
        manifest = manifest_of(target)
        rec = manifest.get(RECORD) if manifest else None
        if manifest is None or not isinstance(rec, dict) or rec.get("khoa_dau_vao") != key or rec.get("ngay") not in (None, today.isoformat()):
            return None
        files = manifest.get("files")
        entries = listed_files(manifest)
        if not isinstance(files, list) or len(entries) != len(files):
            return None
        notes = [f for f in entries if f["path"].lower().endswith(NOTES) and (target / f["path"]).is_file()
                 and not (target / f["path"]).is_symlink()]  # there, maybe annotated: not a reason to build
        entries = [f for f in entries if f not in notes]
        if not all(still_as_recorded(target, f) for f in entries):
            return None
        if options.sign_key and not (target / SIGNATURE).is_file():
            return None
        if not _digests_hold(target, entries):  # size and time can be kept by an edit: the bytes decide
            return None
        annotated = [f["path"] for f in notes
                     if not still_as_recorded(target, f) and digest_matches(target / f["path"], f["sha256"]) is None]
        try:
            counts = [int(rec[k]) for k in ("so_nguoi", "so_van_ban", "so_trang", "so_ho_so_ghep")]
            warned = rec.get("canh_bao")
            if not isinstance(warned, list) or not all(isinstance(w, str) for w in warned):
                return None  # recorded by an older version (or damaged): build, and print them again
            section = manifest.get("nop_so_noi_vu") or {}
            han = section.get("han_nop")
            line = ""
            if han:
                from pipeline.submission.deadline import Deadline

                by_so, own = bool(section.get("han_nop_do_so_noi_vu_dat")), section.get("han_nop_so_excel")
                line = Deadline(dt.date.fromisoformat(han), today, by_so_noi_vu=by_so,
                                workbook=dt.date.fromisoformat(own) if by_so and own else None,
                                to=str(section.get("noi_nhan") or "Sở Nội vụ"),
                                set_by=str(section.get("han_nop_do") or "Sở Nội vụ")).line
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
    people, documents, pages, bundles = counts
    from pipeline.printed import summary_line

    printed = summary_line(target, raw)  # a print marked after this build (hoso da-in): nothing left to print
    printed = printed or pending_line(manifest, Path(outdir))
    if annotated:
        warned = [*warned, f"Ghi chú: {', '.join(annotated)} đã được sửa sau lần tạo trước; không có gì khác thay "
                           "đổi nên hoso không tạo lại, giữ nguyên tệp đã sửa (hoso verify sẽ nêu tên tệp này)."]
    return BuildSummary(people, documents, 0, documents, pages, time.monotonic() - started, Path(outdir),
                        rendered=0, bundles_built=0, bundles_reused=bundles, han_nop=line, unchanged=True,
                        canh_bao=tuple(warned), thay_doi=printed)


def pending_line(manifest: dict[str, Any] | None, outdir: Path) -> str:
    """For a no-change build without a print marked since: the list to print again that the folder's build made
    (its `in_lai.pdf`), still to print — «Không có gì thay đổi» alone read as nothing to print. "" when it has none."""
    section = (manifest or {}).get("thay_doi")
    if not isinstance(section, dict) or not section.get("in_lai") or not isinstance(section.get("van_ban"), list):
        return ""
    count, pages = len(section["van_ban"]), section.get("so_trang_in_lai")
    if not count:
        return ""
    sheets = f", {pages} trang" if isinstance(pages, int) and pages else ""
    return (f"Danh sách cần in lại của lần tạo này vẫn còn (chưa đánh dấu đã in): «{Path(outdir) / str(section['in_lai'])}» "
            f"({count} văn bản{sheets}); chi tiết: thay_doi.txt. Khi đã in xong: hoso da-in -o «{outdir}».")


def _digests_hold(target: Path, entries: list[dict[str, Any]]) -> bool:
    """Every listed file still hashes to its recorded SHA-256 (read in a few threads)."""
    from concurrent.futures import ThreadPoolExecutor

    def holds(entry: dict[str, Any]) -> bool:
        return digest_matches(target / entry["path"], entry["sha256"]) is not None

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return all(pool.map(holds, entries))
