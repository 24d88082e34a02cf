"""The library API behind the CLI: each function is one command, without any printing."""

from __future__ import annotations

from pathlib import Path

from pipeline import ingest
from pipeline.ingest.problems import Problem
from pipeline.output import OutputFolder
from pipeline.rating import rate as rate_campaign
from pipeline.rating.result import Ratings
from pipeline.resources import sample_workbook
from pipeline.run import BuildOptions, BuildSummary, build
from pipeline.submission import ratings_file
from pipeline.submission.manifest import MANIFEST, build_manifest

__all__ = ["BuildOptions", "BuildSummary", "build", "check", "demo", "rate", "sample_workbook"]


def check(workbook: Path) -> list[Problem]:
    return ingest.check(workbook)


def rate(workbook: Path, outdir: Path) -> Ratings:
    """Validate, rate, and write the ratings files only."""
    import json

    campaign = ingest.load(workbook)
    ratings = rate_campaign(campaign)
    with OutputFolder(outdir) as out:
        assert out.staging is not None
        ratings_file.write(out.staging / "ket_qua_xep_loai.json", ratings)
        manifest = build_manifest(out.staging, year=campaign.year, input_sha256=campaign.source_sha256,
                                  persons=[], units=[])
        (out.staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.commit()
    return ratings


def demo(outdir: Path, options: BuildOptions | None = None, **kwargs) -> BuildSummary:
    return build(sample_workbook(), outdir, options or BuildOptions(), **kwargs)
