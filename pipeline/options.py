"""What `hoso build` is asked to do and what it reports: plain data, importable without any of the
build's libraries (the CLI needs them before it knows whether there is anything to build)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuildOptions:
    jobs: int | None = None
    units: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()
    templates: Path | None = None
    # `templates` is a folder `hoso templates export` wrote (the CLI): a form of it the clerk did not edit, or that it
    # lacks, is the program's current one (pipeline/forms/origin.py); False: used as it is (`hoso serve`'s set, made
    # from the program's current forms by each build)
    templates_follow: bool = True
    cache_dir: Path | None = None
    show_progress: bool | None = None
    duplex: bool = True  # each person's dossier starts on an odd page of the unit bundle
    rulebook: str | None = None  # --bo-quy-tac: overrides CoQuan.bo_quy_tac and the year
    today: dt.date | None = None  # "today" for the Sở Nội vụ deadline (default: the real date)
    # `hoso serve`: the deadline the Sở Nội vụ set on its page, which binds over the workbook's (CoQuan «Hạn nộp Sở Nội
    # vụ») in the reading guide, README.txt, the summary and the manifest; None (the CLI): the workbook's
    han_nop_so_noi_vu: dt.date | None = None
    # who set it: the server's «Cơ quan tổng hợp» when another body than a Sở Nội vụ compiles there (a Sở Y tế for
    # its hospitals); "" the Sở Nội vụ
    han_nop_do: str = ""
    pdfa: bool = False  # also write each form as PDF/A-2b beside its .docx
    ghi_de: bool = False  # --ghi-de: overwrite files edited by hand in the output folder
    doi_co_quan: bool = False  # --doi-co-quan: replace another agency's output in the folder
    doi_nam: bool = False  # --doi-nam: replace the output of another evaluation year in the folder
    # where an output of another agency or year that the build replaces is moved whole (signed scans and
    # all) instead of being removed: `<keep_replaced>/<year>-<date-time>` (`hoso serve`'s luu_tru/)
    keep_replaced: Path | None = None
    sign_key: Path | None = None  # --ky: sign manifest.json with this Ed25519 private key (submission/signing.py)
    cum: str | None = None  # --cum tcp://HOST:8786: convert on this Dask cluster (pipeline/pdf/cum.py)
    page_codes: bool = True  # a QR code on every form page (bundle/pagecode.py); --khong-ma: none


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
    unchanged: bool = False  # nothing to do: the output folder already holds what these inputs give
    thay_doi: str = ""  # one line: what changed since the previous build, what to print again
    huong_dan: str = ""  # the reading guide (HUONG_DAN_IN.pdf) of the output folder
    canh_bao: tuple[str, ...] = ()  # unchanged build: the warning lines the build that made the folder printed
