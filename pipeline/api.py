"""The library API behind the CLI: each function is one command, without any printing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import ingest, portable
from pipeline.errors import HosoError, OutputError
from pipeline.ingest.problems import Problem
from pipeline.resources import sample_workbook

if TYPE_CHECKING:
    from pipeline.ingest.rollover import Rollover
    from pipeline.printed import Marked
    from pipeline.rating.result import Ratings
    from pipeline.run import BuildOptions, BuildSummary, build
    from pipeline.submission.changes import Changes
    from pipeline.submission.verify import VerifyReport

__all__ = ["BuildOptions", "BuildSummary", "build", "check", "demo", "diff", "init_from", "mark_printed", "rate", "sample_workbook",
           "verify"]
_FROM_RUN = ("BuildOptions", "BuildSummary", "build")


def __getattr__(name: str) -> Any:
    """`BuildOptions`, `BuildSummary` and `build` come from pipeline.run, imported on first use: the
    build stages import docxtpl, reportlab, pypdf and openpyxl, which `hoso check` and `hoso rate`
    never need (the CLI imports this module for every command)."""
    if name in _FROM_RUN:
        from pipeline import run

        globals().update({n: getattr(run, n) for n in _FROM_RUN})
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check(workbook: Path) -> list[Problem]:
    return ingest.check(workbook)


def rate(workbook: Path, outdir: Path, *, rulebook: str | None = None,
         log: Callable[[str], None] = lambda s: None, overwrite: bool = False,
         sheet_names: dict[str, str] | None = None) -> Ratings:
    """Validate, rate, and write the ratings files only (ket_qua_xep_loai.json and .xlsx).

    `rulebook` (an id such as "nd335-2025") overrides CoQuan.bo_quy_tac and the evaluation year.
    `overwrite` (`--ghi-de`): replace ratings files edited by hand since (a copy is kept beside the
    folder); without it such a folder is refused, as `build` refuses one. `sheet_names`: filled with
    the workbook's own names of the sheets it names otherwise than hoso's keys (ingest/sheetnames.py),
    for the caller's later lines; the lines logged here already name them so."""
    from pipeline.ingest.load import gc_paused
    from pipeline.ingest.sheetnames import error_as_written

    names = sheet_names if sheet_names is not None else {}
    try:
        with gc_paused():  # only acyclic data is made here: the collector would only rescan it
            return _rate(workbook, outdir, rulebook, log, overwrite, names)
    except HosoError as exc:  # a refusal names the sheets as the workbook does, as the lines did
        error_as_written(exc, names)
        raise


def _rate(workbook: Path, outdir: Path, rulebook: str | None, log: Callable[[str], None],
          overwrite: bool, sheet_names: dict[str, str]) -> Ratings:
    from pipeline import manifest, output_guard
    from pipeline.ingest.sheetnames import log_as_written
    from pipeline.output import OutputFolder, Staged, manifest_of
    from pipeline.plan import dossier_order
    from pipeline.quotes import curly_in
    from pipeline.rating import rate as rate_campaign
    from pipeline.rating.agency_kind import public_service_unit
    from pipeline.submission.ratings_file import write_ratings
    from pipeline.tempdirs import input_snapshot

    with input_snapshot(workbook) as snap:  # read once: a save meanwhile changes nothing
        campaign = ingest.load(snap)
    sheet_names.update(campaign.sheet_names)
    log = log_as_written(log, sheet_names)
    for w in campaign.warnings:
        log("Cảnh báo: " + w.text())
    ratings = rate_campaign(campaign, rulebook=rulebook)
    with OutputFolder(outdir, inputs=(workbook,), keep_builds=True) as out:
        assert out.staging is not None
        # the clerk's notes typed into ket_qua_xep_loai.xlsx are not replaced silently
        previous = manifest_of(out.target)
        output_guard.check_hand_edits(out.target, previous, allowed=overwrite, log=log)
        files = Staged(out.staging)
        # as `hoso build` writes them: «…» printed “…” unless the folder holds papers printed with «…»
        write_ratings(files, ratings, ngoac_kep=curly_in(previous, foreign=False),
                      public_service=public_service_unit(campaign, ratings), order=dossier_order(campaign))
        manifest.save(out.staging, manifest.build_manifest(files, campaign))
        out.commit()
    return ratings


def verify(outdir: Path, public_key: Path | None = None) -> VerifyReport:
    """Check an output folder against its manifest.json (`hoso verify`); returns a VerifyReport.
    `public_key`: a KEYFILE.pub of `hoso khoa tao`; the manifest must be signed with its private key."""
    from pipeline.submission.verify import verify as verify_folder

    key = None
    if public_key is not None:
        from pipeline.submission import signing

        key = signing.load_public(public_key)
    return verify_folder(outdir, key)


def diff(old: Path, new: Path, reprint: Path | None = None) -> Changes:
    """`hoso diff OLD NEW`: the documents that changed between two output folders (a
    `pipeline.submission.changes.Changes`); with `reprint`, the sheets to print again written there."""
    from pipeline.submission import changes

    if reprint is not None and os.path.lexists(reprint) and not changes.is_reprint(Path(reprint)):
        raise OutputError(f"«{reprint}» đã có và không phải tệp in lại do hoso tạo; hoso không ghi đè nó. "
                          "Chọn tên tệp khác cho --in-lai.")
    found = changes.compare_folders(old, new)
    if found.items:
        data = changes.reprint_pdf(found, Path(new))
        if reprint is not None:  # whole or not at all: an earlier reprint is never left half-overwritten
            portable.replace_file(Path(reprint), lambda tmp: Path(tmp).write_bytes(data), prefix=".in_lai_")
    return found


def mark_printed(outdir: Path, *, by: str = "") -> Marked:
    """`hoso da-in -o DIR`: record that the current output of `outdir` was printed (pipeline/printed.py);
    the reprint list of every later build starts there."""
    from pipeline import printed

    return printed.mark(Path(outdir), by=by)


def init_from(last_year: Path, folder: Path, *, force: bool = False) -> Rollover:
    """`hoso init --tu LAST_YEAR.xlsx FOLDER`: next year's workbook (a `pipeline.ingest.rollover.Rollover`)."""
    from pipeline.ingest import rollover

    return rollover.roll(last_year, folder, force=force)


def demo(outdir: Path, options: BuildOptions | None = None, *, year: int = 2024, **kwargs: Any) -> BuildSummary:
    from pipeline.run import BuildOptions, build

    return build(sample_workbook(year), outdir, options or BuildOptions(), **kwargs)
