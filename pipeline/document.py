"""What passes between the build's stages: one `Build` context and one `Document` record per document.

`run.build` makes the `Build` once the inputs are read, rated and planned and the staging folder
exists; every stage after that takes it (and the records) and nothing else:

    docs = fill(build)                        # forms/fill.py: the .docx, keys, header traits
    prep = prepare_submission(build)          # submission/package.py: the package's own .docx
    convert(build, [*docs, *prep.docs])       # pdf/convert.py: the PDFs, pages, joined sources
    write_bundles(build, docs)                # bundle/build.py
    finish_submission(build, prep, docs)      # submission/package.py

What the stages made (`Made`: the bundles, the submission, the people's fingerprints) goes to
what is written last: the comparison with the previous output, the reading guide, the manifest.

A `Document` gains its fields stage by stage (in this process only: forked workers return small
results, and the parent fills the records in). The types named here are imported for the type
checker only, so this module sits below every stage (tools/import_graph.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.bundle.build import Bundles
    from pipeline.forms.registry import Registry
    from pipeline.ingest.model import Campaign
    from pipeline.options import BuildOptions
    from pipeline.output import Staged
    from pipeline.pdf.cache import BlobCache, PdfCache
    from pipeline.pdf.convert import DocumentConverter
    from pipeline.plan import DocumentJob, Plan
    from pipeline.rating.result import Ratings
    from pipeline.submission.package import Submission


@dataclass(frozen=True)
class Build:
    """One build's inputs and shared services, read-only for every stage."""

    workbook: Path  # as the clerk named it (the input key, messages)
    snapshot: Path | None  # the private copy the build reads (`tempdirs.input_snapshot`); None: no write-back copy
    campaign: Campaign
    ratings: Ratings
    plan: Plan
    registry: Registry
    files: Staged  # the staging folder of the output, and what is known of each file written there
    cache: PdfCache
    blobs: BlobCache
    converter: DocumentConverter
    installation: str  # the LibreOffice and fonts (`pdf.installation.stamp`): part of every PDF's key
    options: BuildOptions  # as widened by the output guard (`output_guard.widen_selection`)
    today: dt.date
    log: Callable[[str], None]
    # a legal document's number/symbol printed unbroken (forms/render.py::keep_symbols); False in a folder whose
    # papers of this year were built before it (pipeline/run.py::_symbols_whole): its unchanged papers stay as signed
    ky_hieu_lien: bool = True
    # quotation marks printed “…” (forms/render.py::quote_marks); False, as ky_hieu_lien, in a folder whose papers of
    # this year were built before it (pipeline/run.py::_quotes_curly): they keep the «…» they were printed with
    ngoac_kep: bool = True
    # a reason's period codes named in words («quý I/2026»: forms/render.py::period_words); False, as ky_hieu_lien,
    # in a folder whose papers of this year were built before it (pipeline/run.py::_periods_in_words)
    ky_bang_chu: bool = True
    # the headers' names broken between words only (forms/layout.py `compounds`, made in the contexts: forms/fill.py,
    # submission/package.py); False, as ky_hieu_lien, in a folder whose papers of this year were built before it
    # (pipeline/run.py::_compound_breaks): their headers keep the breaks they were printed with
    ngat_dong_tu_ghep: bool = True
    # the ballot count's 1 pt table gap only where its results table would touch the signatures' table (2ee613a);
    # False in a folder built from 0b62d2e to 2ee613a, whose ballot counts print it after their notes too
    # (pipeline/run.py::_ballot_gap_as_needed, forms/layout.py::ballot_gap_always): they keep their bytes
    khoang_kiem_phieu_khi_can: bool = True

    @property
    def typography(self) -> tuple[bool, bool, bool]:
        """(ky_hieu_lien, ngoac_kep, ky_bang_chu): what every render context of this build asks for
        (forms/render.py::with_typography)."""
        return self.ky_hieu_lien, self.ngoac_kep, self.ky_bang_chu

    @property
    def workers(self) -> int:
        return self.converter.workers

    @property
    def pdf_maker(self) -> str:
        """What makes this build's PDFs, for their cache keys (`pdf.cache.pdf_key`): the installation, and the
        converter when it does not run LibreOffice (`Converter.made_by`)."""
        return self.installation + getattr(self.converter, "made_by", "")


@dataclass(frozen=True)
class Made:
    """What the stages made, for what is written last (the comparison with the previous output,
    the reading guide, the manifest and its no-change record)."""

    bundles: Bundles
    sub: Submission
    fingerprints: dict[str, str]  # of each person's rows (changes.person_fingerprints)
    documents: int  # the forms and the submission's own documents


@dataclass(slots=True)
class Document:
    """One document to convert: a planned form (`job`) or a document of the submission package
    (`job` None, `form` its template code)."""

    job: DocumentJob | None
    form: str
    label: str  # for messages: "Nguyễn Văn A (VP-001) — Mẫu số 02: …"
    # filled (forms/fill.py, submission/package.py)
    docx: Path
    key: str  # the PDF's content key: the .docx's key and the installation
    docx_key: str = ""  # the .docx's cache key
    rendered: bool = False  # rendered in this run (not copied from the cache)
    family: str | None = None  # the join family (pdf/join.py), None when it cannot be joined
    page_numbers: bool = False  # the form's own page numbers, drawn after conversion
    first_page_header: str = ""  # the first page's header text, drawn after conversion
    page_range: tuple[int, int, int] | None = None  # a healthy render's pages (validate.page_range); None: unchecked
    # converted (pdf/convert.py)
    pdf: bytes | None = None
    pages: int = 0
    source: tuple[bytes, int, int] | None = None  # (joined PDF, first page, pages) when joined in this run

    @property
    def doc(self) -> str:
        """The plan's document key ("VP-001/mau_02"), "" for the package's own documents."""
        return self.job.key if self.job is not None else ""

    @property
    def who(self) -> str:
        """The person's code (ma_so), "" for a unit's or the agency's document."""
        return (self.job.ma_so or "") if self.job is not None else ""

    @property
    def headers(self) -> tuple[bool, str]:
        """What the Word headers printed, drawn on the PDF (bundle/stamp.py)."""
        return self.page_numbers, self.first_page_header
