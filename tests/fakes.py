"""Stand-ins for LibreOffice that fail on purpose (tests only).

`TextConverter` converts without LibreOffice: each .docx becomes a small PDF that carries the
document's text, so a dossier built with it can be checked by its text. `FaultyConverter` does the
same but misbehaves the way soffice does in the field: writes no PDF, writes a truncated PDF,
converts only the first k files and still "exits 0", hangs (a real process group killed on
timeout), or raises. Faults hit the first `times` calls (then it behaves), or — with `only` — every
call that includes a document whose text contains that string (a document that always crashes
LibreOffice).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from pipeline import api, clock
from pipeline.bundle.pens import fonts
from pipeline.pdf import join, libreoffice
from pipeline.pdf.pool import Converter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FAULTS = ("no_pdf", "truncated", "first_k", "hang", "raise", "oserror", "dejavu")
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _paragraphs(docx: Path) -> list[str]:
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    lines = []
    for p in root.iter(f"{{{W}}}p"):
        parts = []
        for el in p.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}noBreakHyphen"):  # LibreOffice prints the last «-»
            parts.append(el.text or "" if el.tag == f"{{{W}}}t" else "-" if el.tag == f"{{{W}}}noBreakHyphen" else "\n")
        lines.append("".join(parts))
    return lines


def _is_primer(paragraph: str) -> bool:
    return paragraph.startswith(join.PRIMER_TEXT[:40])


def docx_text(docx: Path) -> str:
    """The document's text, one paragraph a line (without the primer page, see pdf/join.py)."""
    lines = [p for p in _paragraphs(docx) if not _is_primer(p)]
    return "\n".join(line for line in "\n".join(lines).splitlines() if line.strip())


def dejavu_font() -> str:
    """reportlab's name for DejaVu Sans: what LibreOffice sets a whole form in when it cannot write
    its font subsets (a nearly full temporary folder)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "FakeDejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("FakeDejaVu", DEJAVU))
    return "FakeDejaVu"


def text_pdf(text: str, *, lines_per_page: int = 45, font: str | None = None) -> bytes:
    regular = font or fonts()[0]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595, 842), invariant=1)
    lines = text.splitlines() or [""]
    for start in range(0, len(lines), lines_per_page):
        c.setFont(regular, 9)
        y = 800
        for line in lines[start:start + lines_per_page]:
            c.drawString(40, y, line[:110])
            y -= 17
        c.showPage()
    c.save()
    return buf.getvalue()


def write_text_pdf(docx: Path, outdir: Path, *, font: str | None = None, lines_per_page: int | None = None) -> None:
    """Like soffice: a form normalised for conversion (pdf/join.py) gets its primer page first and
    its bookmark exported as a named destination."""
    data = text_pdf(docx_text(docx), font=font, lines_per_page=lines_per_page or (40 if font else 45))
    if any(_is_primer(p) for p in _paragraphs(docx)):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.append(PdfReader(io.BytesIO(data)))
        writer.add_named_destination(join.SINGLE_NAME, 1)
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
    (outdir / f"{docx.stem}.pdf").write_bytes(data)


class TextConverter(Converter):
    """A converter without LibreOffice; records every batch it was given."""

    check_pages = False  # its pages are not LibreOffice's: the forms' page ranges do not apply
    # nor are its PDFs: never shared with LibreOffice's in the cache the suite's builds share (a real-LibreOffice
    # test once read this converter's text pages from it: pipeline.pdf.pool.Converter.made_by)
    made_by = " + tests.fakes.TextConverter"

    def __init__(self, *, workers: int = 1, timeout_base: float = 60, timeout_per_doc: float = 6) -> None:
        super().__init__(workers=workers, timeout_base=timeout_base, timeout_per_doc=timeout_per_doc,
                         soffice="/nonexistent/soffice")
        self.calls: list[list[str]] = []  # the text's first 400 characters of each file, per call
        self._lock = threading.Lock()

    def convert_batch(self, profile: Path, files: list[Path], outdir: Path) -> None:
        with self._lock:
            self.calls.append([docx_text(f)[:400] for f in files])
        for f in files:
            self.write_pdf(f, outdir)

    def write_pdf(self, docx: Path, outdir: Path) -> None:
        write_text_pdf(docx, outdir)


def hang_script(folder: Path) -> Path:
    """A fake soffice that never finishes and leaves a child behind; both carry `folder` in their
    command line, so a test can tell whether they were killed."""
    script = folder / "soffice-hang"
    sleeper = f"{sys.executable} -c 'import time; time.sleep(300)' {folder}"
    script.write_text(f"#!/bin/sh\n{sleeper} &\n{sleeper}\nwait\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


class FaultyConverter(TextConverter):
    def __init__(self, fault: str, *, times: int = 1, only: str | None = None, k: int = 1,
                 hang_dir: Path | None = None, **kw) -> None:
        assert fault in FAULTS, fault
        super().__init__(**kw)
        self.fault, self.times, self.only, self.k = fault, times, only, k
        self.hang_dir = hang_dir
        self.faults = 0

    def _should_fail(self, files: list[Path]) -> bool:
        if self.only is not None:
            return any(self.only in docx_text(f) for f in files)
        with self._lock:
            if self.faults < self.times:
                self.faults += 1
                return True
        return False

    def convert_batch(self, profile: Path, files: list[Path], outdir: Path) -> None:
        if not self._should_fail(files):
            return super().convert_batch(profile, files, outdir)
        with self._lock:
            self.calls.append(["FAULT:" + self.fault])
        if self.fault == "no_pdf":
            return None  # soffice exited 0 and wrote nothing
        if self.fault == "truncated":
            for f in files:
                data = text_pdf(docx_text(f))
                (outdir / f"{f.stem}.pdf").write_bytes(data[: len(data) // 2])
            return None
        if self.fault == "first_k":
            for f in files[: self.k]:
                self.write_pdf(f, outdir)
            return None
        if self.fault == "hang":
            assert self.hang_dir is not None
            script = hang_script(self.hang_dir)
            timeout = self.timeout_base + self.timeout_per_doc * len(files)
            libreoffice.run_convert(str(script), profile, files, outdir, timeout=timeout)  # raises Timeout
            raise AssertionError("the hang script returned")
        if self.fault == "dejavu":  # exits 0 with every PDF, set in DejaVu Sans (and paged otherwise)
            for f in files:
                write_text_pdf(f, outdir, font=dejavu_font())
            return None
        if self.fault == "oserror":
            raise OSError(5, "Input/output error (injected)")
        raise RuntimeError("soffice crashed (injected)")


def processes_matching(text: str) -> list[tuple[int, str]]:
    """(pid, command line) of live processes whose command line contains `text` (not zombies)."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in cmd and state != "Z":
            out.append((int(entry.name), cmd.strip()))
    return out


def wait_gone(text: str, timeout: float = 10.0) -> list[tuple[int, str]]:
    """Processes still matching `text` after up to `timeout` seconds (an empty list is success)."""
    import time

    end = time.monotonic() + timeout
    while True:
        left = processes_matching(text)
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.1)


def kill_matching(text: str) -> None:
    """Clean-up after a failed test: kill only what this test started (by its unique marker)."""
    for pid, _cmd in processes_matching(text):
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def run_quiet(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def fake_soffice(folder: Path) -> Path:
    """An executable standing in for soffice (for subprocess tests): writes a text PDF for each
    .docx it is given into --outdir, like `soffice --convert-to pdf` does."""
    script = folder / "fake-soffice"
    tests = Path(__file__).resolve().parent
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(tests)!r})\n"
                      "from fakes import fake_soffice_main\nfake_soffice_main(sys.argv[1:])\n")
    script.chmod(0o755)
    return script


def fake_soffice_main(args: list[str]) -> None:
    """`HOSO_FAKE_FONT=dejavu`: every PDF set in DejaVu Sans, as LibreOffice does with a full TMPDIR."""
    outdir = Path(args[args.index("--outdir") + 1])
    font = dejavu_font() if os.environ.get("HOSO_FAKE_FONT") == "dejavu" else None
    for arg in args:
        if arg.endswith(".docx"):
            write_text_pdf(Path(arg), outdir, font=font)


# -- shared by the reliability tests ---------------------------------------------------------------
def own_output(out: Path, files: dict[str, bytes]) -> Path:
    """A folder standing for an earlier hoso output: `files` and a manifest that is hoso's own and
    lists them (only such a folder may be replaced by a run: pipeline/ownership.py)."""
    import json

    entries = []
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
        entries.append({"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps({"tao_boi": "hoso", "nam_danh_gia": 2024, "dau_vao_sha256": "",
                                                   "files": entries, "ca_nhan": [], "don_vi": []}) + "\n",
                                       encoding="utf-8")
    return out


LD = {"VP-001": "Nguyễn Đình Khải", "VP-002": "Trần Thị Thu Hà", "VP-003": "Lê Quang Đức"}


def snapshot(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Staging or swap folders left beside the output folder."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.") and not p.name.endswith(".lock"))


def person_form_text(out: Path, ma_so: str, form: str) -> str:
    """The text of one form in a person's dossier of the output `out` (its pages, from the manifest), on one line."""
    import json

    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in doc["ca_nhan"] if p["ma_so"] == ma_so]
    (d,) = [d for d in entry["tai_lieu"] if d["mau"] == form]
    pages = PdfReader(out / entry["pdf"]).pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return " ".join("\n".join(p.extract_text() for p in pages).split())


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """`text` with its whitespace folded to single spaces (words broken over lines read as printed)."""
    return " ".join(text.split())


def pdf_text_flat(path: Path) -> str:
    """The text of every page of the PDF `path` (pypdf), on one line."""
    return flat(pdf_text(path))


def build_unit(sample, out: Path, cache: Path, converter: Converter, unit: str = "LD", **extra) -> api.BuildSummary:
    options = api.BuildOptions(units=frozenset({unit}), cache_dir=cache, show_progress=False, **extra)
    return api.build(sample, out, options, converter=converter)


def submit_alone(stage: Path, campaign, ratings, plan, *, registry, convert, blobs=None, today=None,
                 agency_pdf: bytes | None = None, log=lambda s: None, converter=None, cache=None):
    """The submission package through the build's own two steps (`prepare_submission`, then
    `finish_submission`) without the rest of a build: `convert(build, docs)` converts the package's
    documents (the real `pipeline.pdf.convert.convert`, or a stand-in that sets each record's PDF);
    `agency_pdf`: the PDF of each agency document of the plan (the notice), as the bundles' stage
    would have it. No write-back copy (no input workbook)."""

    from pipeline.document import Build, Document
    from pipeline.options import BuildOptions
    from pipeline.output import Staged
    from pipeline.pdf.cache import BlobCache
    from pipeline.pdf.installation import stamp
    from pipeline.submission import package

    b = Build(Path("so.xlsx"), None, campaign, ratings, plan, registry, Staged(Path(stage)), cache,
              blobs if blobs is not None else BlobCache(), converter, stamp(), BuildOptions(),
              today or clock.today(), log)
    prep = package.prepare_submission(b)
    convert(b, prep.docs)
    # with the forms of the plan as converted (the leaders' file for the Sở is made of their PDFs)
    agency = [Document(job, job.form, job.title, Path(stage) / job.docx, job.key, pdf=agency_pdf, pages=1)
              for job in plan.jobs] if agency_pdf is not None else []
    return package.finish_submission(b, prep, agency)


def blank_conversion(pdf: bytes):
    """A stand-in for the convert stage: every document's PDF is `pdf` (one page)."""
    def convert(build, docs) -> None:
        for d in docs:
            d.pdf, d.pages = pdf, 1
    return convert


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(port: int, data: Path, env: dict[str, str], *, cwd: Path | None = None,
                tries: int = 150) -> subprocess.Popen:
    """`hoso serve` on 127.0.0.1:`port` (two LibreOffice lanes), once it accepts connections."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--data", str(data),
                             "--jobs", "2"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env, cwd=cwd)
    for _ in range(tries):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    raise AssertionError("hoso serve did not start: " + proc.stderr.read().decode())


def kill_groups_matching(text: str) -> None:
    """Clean-up: kill every process whose command line contains `text`, with its process group."""
    for pid, _cmd in processes_matching(text):
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, 9)
            except OSError:
                pass


def pdftotext_flat(pdf: Path) -> str:
    """`pdftotext -layout` of the whole PDF, its whitespace folded to single spaces."""
    return " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def build_each(books: dict[str, Path], tmp: Path, cache: Path, today) -> dict[str, Path]:
    """Each workbook built with real LibreOffice into `tmp/<key>` (one cache), on the given day: key -> output.
    Without LibreOffice the test fails, never skips."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required")
    out = {}
    for key, book in books.items():
        out[key] = tmp / key
        api.build(book, out[key], api.BuildOptions(cache_dir=cache, today=today))
    return out


def rated_people(out: Path) -> dict[str, dict]:
    """The ratings file of a build output (ket_qua_xep_loai.json), its people by mã số."""
    import json

    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    return {p["ma_so"]: p for p in doc["nguoi"]}


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`hoso ARGS` run in this process (`pipeline.cli.main`, with the `cli_in_process` fixture): its exit code and
    what it wrote on stderr."""
    from pipeline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0), capsys.readouterr().err


def recoded(src: Path, old: str, new: str, gone: str | None = None) -> Any:
    """The workbook `src` (openpyxl, not saved) with unit code `old` written `new` in every cell that holds exactly
    it — a clerk correcting a unit's code everywhere — and the rows of person `gone` left out of every sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        head = [c.value for c in ws[1]]
        for row in ws.iter_rows():
            for c in row:
                if c.value == old:
                    c.value = new
        if gone and "ma_so" in head:
            col = head.index("ma_so")
            for r in reversed([row[0].row for row in ws.iter_rows(min_row=2) if row[col].value == gone]):
                ws.delete_rows(r)
    return wb


def outline(pdf: Path | str) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark of `pdf`, in order."""
    reader = PdfReader(pdf)
    rows: list[tuple[int, str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                rows.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return rows
