"""One benchmark run: hoso against the naive way and the LibreOffice per-form ceiling, same machine.

    python -m bench.run                 # N = 300 (about 5 minutes on 2 cores)
    python -m bench.run --large         # also N = 1,000 (RSS target), about 4 minutes more
    python -m bench.run --profile       # also stage timings and a cProfile of the build: where the time goes
    python -m bench.run --smoke         # N = 14, naive sample 3, check of 1,000 people: < 1 minute

Everything hoso does is measured through its CLI (`python -m pipeline …`, a subprocess with a
fresh `--cache`), so the script keeps working while the engine changes. The naive baseline and
the ceiling call LibreOffice directly. What is measured, in order:

1. `hoso build` of a synthetic N-person agency (bench/synth.py), empty cache: wall time, forms/s,
   pages/s, peak RSS of the whole process tree (hoso + every soffice child, /proc polled every
   50 ms, RSS summed: shared pages are counted once per process, so this over-states memory).
2. naive: a sample of the same forms rendered with plain docxtpl (`DocxTemplate(...).render()` +
   `.save()`, context from pipeline.forms.context) and converted with one
   `soffice --headless --convert-to pdf` per file, sequentially (warm profile); per-form cost
   times the number of forms = the naive estimate (reading the workbook and merging PDFs are not
   even counted, which favours the naive way).
3. per-form ceiling: every .docx the build wrote, converted by two soffice processes in
   parallel, each with its own warm profile, in batches of at most 200 files, no joining, no
   rating, no merging: the best per-form conversion alone can do.
4. output size: the unit bundles (`don_vi/*.pdf`) against LibreOffice's own export of the same
   forms, one PDF per unit, from one .docx per unit made by appending the forms' bodies
   (bench/docxjoin.py; one section per form, page numbers restarting like the separate forms).
5. incremental: one person's TuDanhGia text changed, rebuilt into the same output folder with
   the same cache; then the same command again with nothing changed.
6. `hoso check` and `hoso rate` of a 10,000-person workbook (each a subprocess: start-up included).
7. the server path (`hoso serve`, issue 20): the same workbook, then the one-person change, built
   by the web build queue (`pipeline.web.jobs`: one `python -m pipeline.web.jobs` process per build,
   as the server runs them) with LibreOffice kept warm (`pipeline.pdf.warm`, one lane per CPU,
   started before the clock): time from the build's request to its row saying done.

The ratios (speed-up vs naive = naive estimate ÷ build time; speed-up vs ceiling = ceiling time ÷
build time; incremental ÷ full; no-change ÷ full; the server's one-person rebuild ÷ the full build of 1.; bundle bytes ÷ LibreOffice bytes; check + rate
seconds; peak RSS) are printed against the targets of issue 8 with PASS/MISS and written, with
every raw measurement, to `<out>/bench-<timestamp>.json`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import math
import os
import platform
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench import synth

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024
MAX_BATCH = 200
SOFFICE_TIMEOUT = 600

# key: (comparison, target, what it is)
TARGETS: dict[str, tuple[str, float, str]] = {
    "speedup_vs_naive": (">=", 25.0, "speed-up vs naive (docxtpl + one soffice per form)"),
    "speedup_vs_ceiling": (">=", 2.5, "speed-up vs per-form ceiling (2 soffice, batches)"),
    "incremental_over_full": ("<=", 0.03, "incremental (1 person changed) / full"),
    "nochange_over_full": ("<=", 0.02, "no-change rebuild / full"),
    "server_incremental_over_full": ("<=", 0.03, "hoso serve, LibreOffice warm: 1 person changed / full"),
    "check_rate_seconds": ("<=", 5.0, "check + rate of the big workbook, seconds"),
    "size_over_libreoffice": ("<=", 1.5, "bundle bytes / LibreOffice single-PDF bytes"),
    "peak_rss_mb": ("<=", 1536.0, "peak RSS of the build's process tree, MB"),
}
RATIO_KEYS = tuple(TARGETS)


# ----------------------------------------------------------------------------------------------
# Process-tree memory
# ----------------------------------------------------------------------------------------------
def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, session id) of every process."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        fields = data[data.rfind(b")") + 2:].split()  # state ppid pgrp session …
        try:
            table[int(name)] = (int(fields[1]), int(fields[3]))
        except (IndexError, ValueError):
            continue
    return table


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeSampler(threading.Thread):
    """Polls /proc for the tree under `root` (descendants, plus every process in a session that a
    member of the tree leads: soffice is started in its own session and may be re-parented) and
    keeps the peak of the summed RSS."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.interval = interval
        self.peak = 0
        self.peak_root = 0
        self.max_procs = 0
        self.samples = 0
        self.seen: set[int] = set()
        self._halt = threading.Event()

    def run(self) -> None:
        sessions = {self.root}
        while not self._halt.is_set():
            table = _proc_table()
            children = defaultdict(list)
            for pid, (ppid, _sid) in table.items():
                children[ppid].append(pid)
            tree: set[int] = set()
            stack = [self.root]
            while stack:
                pid = stack.pop()
                if pid in tree or pid not in table:
                    continue
                tree.add(pid)
                stack.extend(children.get(pid, ()))
            sessions |= {pid for pid in tree if table[pid][1] == pid}
            tree |= {pid for pid, (_ppid, sid) in table.items() if sid in sessions}
            rss = {pid: _rss(pid) for pid in tree}
            self.peak = max(self.peak, sum(rss.values()))
            self.peak_root = max(self.peak_root, rss.get(self.root, 0))
            self.max_procs = max(self.max_procs, len(tree))
            self.seen |= tree
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


def run_measured(cmd: list[str], *, timeout: float = 3600, env: dict | None = None, sample: bool = True) -> dict:
    """Run `cmd` in its own session; wall time, exit code, stderr tail and peak tree RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    sampler = TreeSampler(proc.pid) if sample else None
    if sampler:
        sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _terminate(proc, sampler.seen if sampler else set())
        out, err = proc.communicate()
    except BaseException:
        _terminate(proc, sampler.seen if sampler else set())
        raise
    seconds = time.perf_counter() - started
    if sampler:
        sampler.stop()
    result = {
        "cmd": " ".join(str(c) for c in cmd[1:]), "seconds": round(seconds, 3), "rc": proc.returncode,
        "stderr_tail": err.decode("utf-8", "replace")[-1500:], "stdout_tail": out.decode("utf-8", "replace")[-4000:],
    }
    if sampler:
        result.update(peak_rss_mb=round(sampler.peak / MB, 1), peak_rss_hoso_mb=round(sampler.peak_root / MB, 1),
                      max_processes=sampler.max_procs, rss_samples=sampler.samples)
    return result


def _terminate(proc: subprocess.Popen, seen: set[int]) -> None:
    """SIGTERM hoso (it kills its LibreOffice groups), then SIGKILL whatever of its tree is left."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        pass
    for pid in {proc.pid} | seen:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def hoso(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *map(str, args)]


# ----------------------------------------------------------------------------------------------
# LibreOffice, called directly (naive, ceiling, size reference)
# ----------------------------------------------------------------------------------------------
def find_soffice() -> str:
    for name in (os.environ.get("HOSO_SOFFICE", ""), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    for path in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.access(path, os.X_OK):
            return path
    raise SystemExit("LibreOffice (soffice) not found: run ./bootstrap.sh setup")


def soffice_version(soffice: str) -> str:
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    m = re.search(r"LibreOffice ([\d.]+)", out)
    return m.group(1) if m else out.strip()[:40]


def soffice_convert(soffice: str, profile: Path, files: list[Path], outdir: Path, timeout: float = SOFFICE_TIMEOUT) -> float:
    """One soffice process converting `files` into `outdir`; returns its wall time."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--nologo", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return time.perf_counter() - started


def linked(files: list[Path], into: Path) -> list[Path]:
    """Unique names (the build writes many `mau_02.docx`): numbered symlinks to the files."""
    into.mkdir(parents=True, exist_ok=True)
    out = []
    for i, f in enumerate(files):
        link = into / f"{i:05d}.docx"
        link.symlink_to(f.resolve())
        out.append(link)
    return out


def parallel_convert(soffice: str, files: list[Path], work: Path, *, workers: int = 2, warm: bool = True) -> dict:
    """`files` converted by `workers` soffice processes, own profiles, batches ≤ 200, in parallel."""
    n_batches = max(workers, math.ceil(len(files) / MAX_BATCH))
    size = math.ceil(len(files) / n_batches)
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    profiles = [work / f"profile-{w}" for w in range(workers)]
    if warm:  # first start of a fresh profile costs seconds; the ceiling gets warm ones
        threads = [threading.Thread(target=soffice_convert, args=(soffice, profiles[w], files[:1], work / f"warm-{w}"))
                   for w in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    todo: queue.Queue = queue.Queue()
    for i, b in enumerate(batches):
        todo.put((i, b))
    outdir = work / "pdf"

    def worker(w: int) -> None:
        while True:
            try:
                _i, batch = todo.get_nowait()
            except queue.Empty:
                return
            soffice_convert(soffice, profiles[w], batch, outdir)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    produced = sum(1 for f in files if (outdir / (f.stem + ".pdf")).is_file())
    return {"seconds": round(seconds, 3), "files": len(files), "produced": produced, "batches": len(batches),
            "workers": workers, "outdir": outdir}


# ----------------------------------------------------------------------------------------------
# What a build wrote
# ----------------------------------------------------------------------------------------------
def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def _unit_of(out: Path, f: Path) -> str:
    parts = f.relative_to(out).parts
    return parts[1] if len(parts) > 2 and parts[0] in ("ca_nhan", "don_vi") else "_co_quan"


def build_documents(out: Path) -> list[tuple[str, Path]]:
    """(unit, .docx) of every filled form the build wrote: the unit bundles' documents in bundle order
    (from the manifest), then any other .docx (agency documents) in file order."""
    found = sorted(out.rglob("*.docx"))
    ordered: list[tuple[str, Path]] = []
    try:
        m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        persons = {p["ma_so"]: p for p in m["ca_nhan"]}
        for unit in m["don_vi"]:
            for item in unit["muc"]:
                p = persons.get(item.get("ma_so"))
                if p is None:
                    if item.get("mau"):  # a unit document (minutes, summary tables)
                        f = out / "don_vi" / unit["ma_don_vi"] / f"{item['mau']}.docx"
                        if f.is_file():
                            ordered.append((unit["ma_don_vi"], f))
                    continue
                for d in p["tai_lieu"]:
                    f = out / "ca_nhan" / p["ma_don_vi"] / p["ma_so"] / f"{d['mau']}.docx"
                    if f.is_file():
                        ordered.append((unit["ma_don_vi"], f))
    except (OSError, ValueError, KeyError, TypeError):
        ordered = []
    seen = {f for _, f in ordered}
    return ordered + [(_unit_of(out, f), f) for f in found if f not in seen]


def output_facts(out: Path) -> dict:
    docs = build_documents(out)
    bundles = sorted(out.glob("don_vi/*.pdf"))
    bundle_pages = sum(pdf_pages(b) for b in bundles)
    form_pages = None
    try:
        m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        form_pages = sum(d["so_trang"] for p in m["ca_nhan"] for d in p["tai_lieu"])
        form_pages += sum(it["so_trang"] for u in m["don_vi"] for it in u["muc"] if it.get("mau") and not it.get("ma_so"))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {"forms": len(docs), "units": len(bundles), "bundle_pages": bundle_pages,
            "form_pages": form_pages if form_pages else bundle_pages,
            "bundle_bytes": sum(b.stat().st_size for b in bundles)}


def converted_count(stderr: str) -> int | None:
    """Forms converted to PDF, from hoso's closing summary ("… chuyển PDF mới 3, dùng lại 297 …")."""
    m = re.search(r"chuyển(?: PDF)? mới (\d+)", stderr)
    return int(m.group(1)) if m else None


def summary_line(stderr: str) -> str:
    return next((ln.strip() for ln in stderr.splitlines() if ln.startswith("Xong:")), "")


# ----------------------------------------------------------------------------------------------
# The measurements
# ----------------------------------------------------------------------------------------------
def measure_build(workbook: Path, out: Path, cache: Path, label: str) -> dict:
    log(f"{label}: hoso build {workbook.name} (cache {'warm' if cache.exists() else 'empty'}) …")
    r = run_measured(hoso("build", workbook, "-o", out, "--cache", cache))
    if r["rc"] != 0:
        raise BenchError(f"{label}: hoso build failed (exit {r['rc']}):\n{r['stderr_tail']}")
    r["converted"] = converted_count(r["stderr_tail"])
    r["summary"] = summary_line(r["stderr_tail"])
    log(f"  {r['seconds']:.1f} s, converted {r['converted']}, peak RSS {r['peak_rss_mb']:.0f} MB")
    return r


def render_naive(workbook: Path, docs: list[tuple[str, Path]], into: Path) -> tuple[list[Path], list[float]] | str:
    """The sampled forms rendered with plain docxtpl; or why that was not possible."""
    try:
        from docxtpl import DocxTemplate

        from pipeline import ingest
        from pipeline.forms.context import person_context
        from pipeline.forms.registry import Registry
        from pipeline.rating import rate

        campaign = ingest.load(workbook)
        ratings = rate(campaign)
        registry = Registry(None)
        people = {p.ma_so: p for p in campaign.people}
        into.mkdir(parents=True, exist_ok=True)
        files, seconds = [], []
        for i, (_unit, docx) in enumerate(docs):
            ma_so, code = docx.parent.name, docx.stem
            spec = registry.get(code)
            ctx = person_context(campaign, spec, people[ma_so], ratings.of(ma_so))
            dest = into / f"{i:05d}.docx"
            started = time.perf_counter()
            tpl = DocxTemplate(str(spec.template))
            tpl.render(ctx, autoescape=True)
            tpl.save(str(dest))
            seconds.append(time.perf_counter() - started)
            files.append(dest)
        return files, seconds
    except Exception as exc:  # the pipeline's internals changed: convert the build's files instead
        return f"{type(exc).__name__}: {exc}"


def measure_naive(workbook: Path, docs: list[tuple[str, Path]], sample: int, soffice: str, work: Path) -> dict:
    pool = [d for d in docs if d[1].parent.parent.parent.name == "ca_nhan"] or docs  # persons' forms
    k = min(sample, len(pool))
    picks = [pool[round(i * (len(pool) - 1) / max(1, k - 1))] for i in range(k)] if k > 1 else pool[:1]
    log(f"naive: {k} forms rendered with plain docxtpl, one soffice per file …")
    rendered = render_naive(workbook, picks, work / "naive-in")
    if isinstance(rendered, str):
        log(f"  docxtpl rendering not possible ({rendered}); converting the build's .docx instead")
        files, render_s, note = linked([f for _, f in picks], work / "naive-in"), [], rendered
    else:
        files, render_s = rendered
        note = ""
    profile = work / "naive-profile"
    soffice_convert(soffice, profile, files[:1], work / "naive-warm")  # a naive user has a warm profile too
    convert_s = []
    for f in files:
        outdir = work / "naive-pdf"
        convert_s.append(soffice_convert(soffice, profile, [f], outdir))
        if not (outdir / (f.stem + ".pdf")).is_file():
            raise BenchError(f"naive: soffice produced no PDF for {f}")
    per_form = (sum(render_s) / len(render_s) if render_s else 0.0) + sum(convert_s) / len(convert_s)
    r = {
        "sample": k, "render_s_per_form": round(sum(render_s) / len(render_s), 4) if render_s else None,
        "convert_s_per_form": round(sum(convert_s) / len(convert_s), 3), "per_form_s": round(per_form, 3),
        "forms": len(docs), "estimated_seconds": round(per_form * len(docs), 1), "render_note": note,
    }
    log(f"  {r['per_form_s']:.2f} s per form (render {r['render_s_per_form']} s) → {r['estimated_seconds']:.0f} s "
        f"for {len(docs)} forms")
    return r


def measure_ceiling(docs: list[tuple[str, Path]], soffice: str, work: Path) -> dict:
    log(f"ceiling: {len(docs)} .docx, two soffice in parallel, batches ≤ {MAX_BATCH} …")
    files = linked([f for _, f in docs], work / "ceiling-in")
    r = parallel_convert(soffice, files, work / "ceiling")
    r.pop("outdir")
    r["forms_per_s"] = round(r["files"] / r["seconds"], 2)
    if r["produced"] != r["files"]:
        log(f"  WARNING: soffice produced {r['produced']} of {r['files']} PDFs")
    log(f"  {r['seconds']:.1f} s, {r['forms_per_s']} forms/s")
    return r


def measure_size(out: Path, soffice: str, work: Path, persons_at_most: int = 0) -> dict:
    from bench.docxjoin import JoinError, join

    log("size: one .docx per unit joined from the same forms, exported by LibreOffice as one PDF each …")
    by_unit: dict[str, list[Path]] = defaultdict(list)
    for unit, f in build_documents(out):
        if unit != "_co_quan":  # agency documents are not in the unit bundles
            by_unit[unit].append(f)
    joined, split_units = [], []
    for unit, files in by_unit.items():
        dest = work / "size-in" / f"{unit}.docx"
        try:
            join(files, dest)
            joined.append(dest)
        except JoinError:  # forms from templates that cannot share one document: one per template
            split_units.append(unit)
            by_form: dict[str, list[Path]] = defaultdict(list)
            for f in files:
                by_form[f.stem].append(f)
            for form, group in by_form.items():
                dest = work / "size-in" / f"{unit}--{form}.docx"
                join(group, dest)
                joined.append(dest)
    people = person_sample(out, persons_at_most or PERSON_SAMPLE)
    for ma_so, files in people.items():  # the same reference for a sample of person bundles
        dest = work / "size-in" / f"person--{ma_so}.docx"
        join(files, dest)
        joined.append(dest)
    r = parallel_convert(soffice, joined, work / "size", warm=False)
    lo_bytes = lo_pages = 0
    missing = []
    persons: dict[str, dict] = {}
    pdf_of = {p["ma_so"]: p["pdf"] for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["ca_nhan"]}
    for f in joined:
        pdf = r["outdir"] / (f.stem + ".pdf")
        if not pdf.is_file():
            missing.append(f.stem)
            continue
        if f.stem.startswith("person--"):
            ma_so = f.stem.removeprefix("person--")
            persons[ma_so] = {"bundle_bytes": (out / pdf_of[ma_so]).stat().st_size,
                              "libreoffice_bytes": pdf.stat().st_size}
            continue
        lo_bytes += pdf.stat().st_size
        lo_pages += pdf_pages(pdf)
    facts = output_facts(out)
    forms_only = form_pages_bytes(out)
    res = {
        "units": len(by_unit), "pdfs": len(joined), "units_split_by_form": split_units, "missing": missing, "bundle_bytes": facts["bundle_bytes"],
        "form_pages_only_bytes": forms_only,
        "bundle_pages": facts["bundle_pages"], "form_pages": facts["form_pages"],
        "libreoffice_bytes": lo_bytes, "libreoffice_pages": lo_pages,
        "persons": persons,
    }
    log(f"  bundles {res['bundle_bytes'] / MB:.2f} MB ({res['bundle_pages']} pages) vs LibreOffice "
        f"{lo_bytes / MB:.2f} MB ({lo_pages} pages)")
    if persons:
        worst = max(v["bundle_bytes"] / v["libreoffice_bytes"] for v in persons.values())
        log(f"  {len(persons)} person bundles: {sum(v['bundle_bytes'] for v in persons.values()) / 1024:.0f} KB vs "
            f"LibreOffice {sum(v['libreoffice_bytes'] for v in persons.values()) / 1024:.0f} KB (worst {worst:.2f}×)")
    return res


PERSON_SAMPLE = 12
# `--smoke` (the test suite's run: tests/test_bench_smoke.py): the smallest agency bench/synth.py splits into two
# units, and a few person dossiers in the size measure; it keeps every stage of the script working, not a measure
SMOKE_N, SMOKE_PERSONS = 14, 4


def person_sample(out: Path, at_most: int = 0) -> dict[str, list[Path]]:
    """A spread of persons (every k-th in the manifest) and their filled forms in bundle order
    (a form asked for in two copies twice): the same pages as their own dossier's forms."""
    persons = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["ca_nhan"]
    at_most = at_most or PERSON_SAMPLE
    picked = persons[::max(1, len(persons) // at_most)][:at_most]
    sample = {}
    for p in picked:
        folder = out / p["pdf"].removesuffix(".pdf")
        files = [folder / f"{doc['mau']}.docx" for doc in p["tai_lieu"]]
        if files and all(f.is_file() for f in files):
            sample[p["ma_so"]] = files
    return sample


def form_pages_bytes(out: Path) -> int:
    """Bytes of the unit bundles cut down to the same pages as LibreOffice's PDF: only the form
    pages (no cover, table of contents or blank page), without the drawn page numbers and without
    bookmarks, written by pypdf. What the bundles add besides those pages is then excluded."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    persons = {p["ma_so"]: p for p in manifest["ca_nhan"]}
    total = 0
    for unit in manifest["don_vi"]:
        pages = []
        for item in unit["muc"]:
            if item["ma_so"]:
                for doc in persons[item["ma_so"]]["tai_lieu"]:
                    first = item["trang_dau"] + doc["trang_dau"] - 2
                    pages += range(first, first + doc["so_trang"])
            else:
                pages += range(item["trang_dau"] - 1, item["trang_dau"] - 1 + item["so_trang"])
        reader = PdfReader(out / unit["pdf"])
        writer = PdfWriter()
        def marked(page) -> bool:  # pipeline/bundle/stamp.py: marks in the forms' fonts, or drawn by reportlab
            resources = page.get("/Resources", {})
            return "/HosoR" in resources.get("/Font", {}) or "/HosoMarks" in resources.get("/XObject", {})

        marks = [marked(reader.pages[i]) for i in pages]  # before any (maybe shared) dictionary is changed
        for i, has_marks in zip(pages, marks, strict=True):
            page = reader.pages[i]  # marks taken off before the page is copied (nothing of them is written)
            resources = page.get("/Resources", {})
            for kind, names in (("/XObject", ("/HosoMarks",)), ("/Font", ("/HosoR", "/HosoB"))):
                if kind in resources:
                    for name in names:
                        resources[kind].get_object().pop(name, None)
            contents = page.get("/Contents")
            if has_marks and isinstance(contents, ArrayObject) and len(contents) >= 3:
                page[NameObject("/Contents")] = ArrayObject(contents[1:-1])
            writer.add_page(page)
        buf = io.BytesIO()
        writer.write(buf)
        total += len(buf.getvalue())
    return total


def measure_check_rate(n: int, seed: int, work: Path) -> dict:
    wb = work / f"check-{n}.xlsx"
    stats = synth.generate(n, wb, seed=seed)
    log(f"check + rate: {n} people ({stats.seconds:.1f} s to generate) …")
    chk = run_measured(hoso("check", wb), sample=False)
    if chk["rc"] != 0:
        raise BenchError(f"hoso check failed on the {n}-person workbook (exit {chk['rc']}):\n{chk['stderr_tail']}")
    rate = run_measured(hoso("rate", wb, "-o", work / "rate-out"), sample=False)
    if rate["rc"] != 0:
        raise BenchError(f"hoso rate failed (exit {rate['rc']}):\n{rate['stderr_tail']}")
    log(f"  check {chk['seconds']:.1f} s, rate {rate['seconds']:.1f} s")
    return {"people": n, "generate_s": round(stats.seconds, 2), "check_s": chk["seconds"], "rate_s": rate["seconds"]}


def measure_server(wb: Path, wb_edit: Path, work: Path) -> dict:
    """The server path: `pipeline.web.jobs.BuildQueue` with a warm LibreOffice service, a full build
    of `wb` then the rebuild after the one-person change `wb_edit` (same agency: same output folder
    and cache); each timed from the request to the build's row saying done."""
    from pipeline.pdf import warm
    from pipeline.web.jobs import BuildQueue
    from pipeline.web.store import Store, now

    store = Store(work / "server")
    store.x("INSERT INTO co_quan(ma, tao_luc) VALUES (?,?)", "BENCH", now())
    res: dict = {}
    log("server: starting the warm LibreOffice service …")
    started = time.perf_counter()
    with warm.WarmService() as service:
        service.start(listen=True)
        res["lanes"], res["service_start_s"] = service.size, round(time.perf_counter() - started, 3)
        q = BuildQueue(store, warm=service)
        try:
            for label, book in (("full", wb), ("incremental", wb_edit)):
                so_id = store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) "
                                "VALUES (?,?,?,?,0,0,'[]')", "BENCH", book.name, now(), "bench")
                path = store.upload_path("BENCH", so_id)
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(book, path)
                log(f"server: {label} build through the queue …")
                idle_by = time.monotonic() + 60  # as a clerk finds it: the last build's process ended and tidied
                while not q.idle() and time.monotonic() < idle_by:
                    time.sleep(0.02)
                time.sleep(1.0)  # the spare build process's imports and warm-up (jobs.warm_up) done
                before = service.stats()
                started = time.perf_counter()
                build_id = q.submit("BENCH", so_id, "bench")
                while (row := store.one("SELECT * FROM lan_tao WHERE id=?", build_id))["trang_thai"] not in ("xong", "loi"):
                    time.sleep(0.02)
                seconds = time.perf_counter() - started
                if row["trang_thai"] != "xong":
                    raise BenchError(f"server {label} build failed: {row['loi']}")
                after = service.stats()
                res[label] = {"seconds": round(seconds, 3), "summary": row["tom_tat"], "log": row["nhat_ky"] or "",
                              "lane_requests": after["requests"] - before["requests"],
                              "soffice_started": after["starts"] - before["starts"]}
                log(f"  {seconds:.2f} s — {row['tom_tat']}")
        finally:
            q.stop()
    return res


def measure_stages(wb: Path, wb_edit: Path, work: Path) -> dict:
    """Stage wall times (bench/stages.py) of a full build, then the incremental and no-change ones."""
    out, cache = work / "out-stages", work / "cache-stages"
    res = {}
    for label, book in (("full", wb), ("incremental", wb_edit), ("nochange", wb_edit)):
        log(f"stages: {label} build with a timer on every stage …")
        r = run_measured([sys.executable, "-m", "bench.stages", str(book), str(out), str(cache)], sample=False)
        try:
            res[label] = json.loads(r["stdout_tail"].strip().splitlines()[-1])
        except (ValueError, IndexError):
            res[label] = {"error": r["stderr_tail"][-800:]}
    return res


def measure_profile(workbook: Path, work: Path, out_dir: Path, stamp: str) -> dict:
    """cProfile of a full build (empty cache): cumulative seconds of the pipeline's stages."""
    import pstats

    log("profile: cProfile of a full build (empty cache) …")
    prof = work / "build.prof"
    r = run_measured([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "pipeline", "build", str(workbook),
                      "-o", str(work / "out-prof"), "--cache", str(work / "cache-prof")], sample=False)
    if r["rc"] != 0 or not prof.is_file():
        return {"error": r["stderr_tail"]}
    stats = pstats.Stats(str(prof))
    total = max((v[3] for v in stats.stats.values()), default=0.0)  # type: ignore[attr-defined]
    stages: dict[str, float] = {}
    skip = ("cli.py", "__main__.py", "api.py")
    for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/pipeline/" not in file or file.endswith(skip) or (file.endswith("run.py") and name == "build"):
            continue
        if ct >= 0.01 * total:
            short = file.split("/pipeline/", 1)[1] + ":" + name
            stages[short] = round(max(stages.get(short, 0.0), ct), 2)
    stages = dict(sorted(stages.items(), key=lambda kv: -kv[1])[:20])
    text = out_dir / f"bench-{stamp}-profile.txt"
    with text.open("w") as fh:
        stats.stream = fh  # type: ignore[attr-defined]
        stats.sort_stats("cumulative").print_stats(40)
    log(f"  {r['seconds']:.1f} s under cProfile; top functions in {text}")
    return {"seconds_under_profiler": r["seconds"], "stages_cumulative_s": stages,
            "report": str(text)}


# ----------------------------------------------------------------------------------------------
# Ratios, table, JSON
# ----------------------------------------------------------------------------------------------
def ratio(a, b):
    return round(a / b, 4) if a is not None and b else None


def status(key: str, value) -> str:
    if value is None:
        return "n/a"
    op, target, _ = TARGETS[key]
    ok = value >= target if op == ">=" else value <= target
    return "PASS" if ok else "MISS"


def fmt_ratio(key: str, value) -> str:
    if value is None:
        return "—"
    if key.startswith("speedup"):
        return f"{value:.2f}×"
    if key.endswith("over_full"):
        return f"{100 * value:.1f} %"
    if key == "size_over_libreoffice":
        return f"{value:.2f}×"
    if key == "check_rate_seconds":
        return f"{value:.1f} s"
    return f"{value:.0f} MB"


def _person_size_row(persons: dict) -> list[str]:
    if not persons:
        return []
    ours = sum(v["bundle_bytes"] for v in persons.values())
    lo = sum(v["libreoffice_bytes"] for v in persons.values())
    worst = max(v["bundle_bytes"] / v["libreoffice_bytes"] for v in persons.values())
    return [f"| size: {len(persons)} person bundles (a spread) vs LibreOffice's one PDF of each one's forms³ | "
            f"{ours / 1024:.0f} KB vs {lo / 1024:.0f} KB = {ratio(ours, lo)}× (worst person {worst:.2f}×) |"]


def fmt_target(key: str) -> str:
    op, target, _ = TARGETS[key]
    sign = "≥" if op == ">=" else "≤"
    if key.startswith("speedup") or key == "size_over_libreoffice":
        return f"{sign} {target:g}×"
    if key.endswith("over_full"):
        return f"{sign} {100 * target:g} %"
    if key == "check_rate_seconds":
        return f"{sign} {target:g} s"
    return f"{sign} {target:g} MB"


def table(res: dict) -> str:
    m, r = res["measurements"], res["ratios"]
    n = res["params"]["n"]
    full = m["full_build"]
    f = full["facts"]
    lines = [
        f"hoso benchmark, {res['timestamp']} — {res['machine']['cpus']} CPUs, LibreOffice {res['machine']['libreoffice']}, "
        f"hoso {res['machine']['hoso']} ({res['machine']['git']}); load average at start "
        f"{res['machine']['loadavg_start']}, at end {res['machine'].get('loadavg_end')}",
        f"synthetic agency: N = {n} people, {f['units']} units, {f['forms']} forms, {f['form_pages']} form pages "
        f"({f['bundle_pages']} pages in the unit bundles)",
        "",
        "| measurement | result |",
        "|---|---|",
        f"| `hoso build`, empty cache, N = {n} | {full['seconds']:.1f} s · {full['forms_per_s']:.2f} forms/s · "
        f"{full['pages_per_s']:.2f} pages/s · peak RSS {full['peak_rss_mb']:.0f} MB (hoso alone {full['peak_rss_hoso_mb']:.0f} MB) |",
    ]
    if "large_build" in m:
        lb = m["large_build"]
        lf = lb["facts"]
        lines.append(f"| `hoso build`, empty cache, N = {res['params']['large_n']} | {lb['seconds']:.1f} s · "
                     f"{lb['forms_per_s']:.2f} forms/s · {lb['pages_per_s']:.2f} pages/s · peak RSS {lb['peak_rss_mb']:.0f} MB "
                     f"({lf['forms']} forms) |")
        if "large_ceiling" in m:
            lc = m["large_ceiling"]
            lines.append(f"| per-form ceiling, N = {res['params']['large_n']} | {lc['seconds']:.1f} s · {lc['forms_per_s']:.2f} forms/s |")
    nv = m["naive"]
    render = f"render {nv['render_s_per_form'] * 1000:.0f} ms + " if nv["render_s_per_form"] is not None else ""
    lines += [
        f"| naive: docxtpl + one `soffice` per file, sample of {nv['sample']} | {nv['per_form_s']:.2f} s/form "
        f"({render}convert {nv['convert_s_per_form']:.2f} s) → {nv['estimated_seconds']:.0f} s for {nv['forms']} forms (estimate) |",
        f"| per-form ceiling: 2 soffice, own profiles, batches ≤ {MAX_BATCH}, no joining | {m['ceiling']['seconds']:.1f} s · "
        f"{m['ceiling']['forms_per_s']:.2f} forms/s ({m['ceiling']['produced']}/{m['ceiling']['files']} PDFs) |",
        f"| incremental: 1 person's text changed, same cache | {m['incremental']['seconds']:.1f} s "
        f"(converted {m['incremental']['converted']}) |",
        f"| no-change rebuild | {m['nochange']['seconds']:.1f} s (converted {m['nochange']['converted']}) |",
        f"| `hoso serve`, LibreOffice warm ({m['server']['lanes']} lanes, started in {m['server']['service_start_s']:.1f} s): "
        f"full build / 1 person changed | {m['server']['full']['seconds']:.1f} s / {m['server']['incremental']['seconds']:.2f} s "
        f"({m['server']['incremental']['lane_requests']} lane requests, {m['server']['incremental']['soffice_started']} "
        f"soffice started) |",
        f"| `hoso check` + `hoso rate`, {m['check_rate']['people']:,} people | {m['check_rate']['check_s']:.1f} s + "
        f"{m['check_rate']['rate_s']:.1f} s |",
        f"| size: unit bundles vs LibreOffice's one PDF per unit¹ | {m['size']['bundle_bytes'] / MB:.2f} MB "
        f"({m['size']['bundle_pages']} pages) vs {m['size']['libreoffice_bytes'] / MB:.2f} MB ({m['size']['libreoffice_pages']} pages) |",
        f"| size: the same bundles cut to their form pages² vs LibreOffice | "
        f"{m['size'].get('form_pages_only_bytes', 0) / MB:.2f} MB vs {m['size']['libreoffice_bytes'] / MB:.2f} MB "
        f"= {ratio(m['size'].get('form_pages_only_bytes', 0), m['size']['libreoffice_bytes'])}× |",
        *_person_size_row(m["size"].get("persons") or {}),
        "",
        "| ratio | value | target | |",
        "|---|---|---|---|",
    ]
    for key in RATIO_KEYS:
        label = TARGETS[key][2]
        if key == "peak_rss_mb":
            label += f" (N = {res['params']['rss_n']})"
        lines.append(f"| {label} | {fmt_ratio(key, r[key])} | {fmt_target(key)} | {res['status'][key]} |")
    st = m.get("stages", {})
    if all("stages" in st.get(k, {}) for k in ("full", "incremental", "nochange")):
        names = list(st["full"]["stages"])
        names += [n for k in ("incremental", "nochange") for n in st[k]["stages"] if n not in names]
        lines += ["", "Where the time goes: wall time of each stage (bench/stages.py, no profiler; a stage called "
                      "from inside another is counted in both):", "",
                  "| stage | full build | incremental | no-change |", "|---|---|---|---|"]
        for name in names:
            cells = [f"{st[k]['stages'].get(name, 0.0):.2f} s" for k in ("full", "incremental", "nochange")]
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
        lines.append("| **total (in-process, without Python start-up)** | " + " | ".join(
            f"**{st[k]['total']:.2f} s**" for k in ("full", "incremental", "nochange")) + " |")
    if m.get("profile", {}).get("stages_cumulative_s"):
        pr = m["profile"]
        lines += ["", f"Where the time goes (cProfile of the same build, {pr['seconds_under_profiler']:.0f} s under the "
                      "profiler, which slows Python code, not LibreOffice; cumulative, nested):", "",
                  "| function | seconds |", "|---|---|"]
        lines += [f"| `{name}` | {sec:.1f} |" for name, sec in pr["stages_cumulative_s"].items()]
    lines += [
        "",
        "¹ Size: bytes of all `don_vi/*.pdf` written by the build, against the sum of the PDFs LibreOffice "
        "exports from one .docx per unit that holds the same forms in the same order (bodies appended, one "
        "section per form, bench/docxjoin.py). Same forms and text; the bundles also carry whatever the "
        "bundler adds (cover sheets, tables of contents, stamped page numbers, bookmarks, blank pages), "
        "hence more pages. Naive: per-form cost on the sample × all forms; reading the "
        "workbook and merging are not counted. Ceiling: conversion alone, warm profiles. RSS: sum over the "
        "process tree (shared pages counted in every process).",
        "² The unit bundles with only their form pages kept (covers, tables of contents and blank pages "
        "dropped, the drawn page numbers and the bookmarks removed), written again by pypdf: the same pages "
        "as LibreOffice's PDF, so this ratio shows what the fonts and the assembly cost, apart from what the "
        "bundles add.",
        f"³ Every k-th person of the manifest ({res['params'].get('person_sample', PERSON_SAMPLE)} at most): their dossier `ca_nhan/…/<mã số>.pdf` "
        "(cover, forms, page numbers, bookmarks) against LibreOffice's one PDF of a .docx joining the same "
        "filled forms, converted in the same soffice runs as the unit references.",
    ]
    return "\n".join(lines)


class BenchError(Exception):
    pass


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def git_describe() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "pipeline", "templates"],
                               cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (head or "?") + ("+dirty" if dirty else "")


def machine_info(soffice: str) -> dict:
    try:
        from pipeline import __version__ as version
    except Exception:  # noqa: BLE001
        version = "?"
    mem = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1]) * 1024
    return {"cpus": os.cpu_count(), "loadavg_start": round(os.getloadavg()[0], 2), "memory_gb": round(mem / 1024**3, 1), "python": platform.python_version(),
            "platform": platform.platform(), "libreoffice": soffice_version(soffice), "hoso": version, "git": git_describe()}


def run(args: argparse.Namespace) -> dict:
    soffice = find_soffice()
    n, seed = args.n, args.seed
    work = Path(tempfile.mkdtemp(prefix="hoso-bench-"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    args.out.mkdir(parents=True, exist_ok=True)
    res: dict = {
        "timestamp": dt.datetime.now().isoformat(timespec="seconds"),
        "params": {"n": n, "seed": seed, "naive_sample": args.naive_sample, "check_n": args.check_n,
                   "large_n": args.large_n if args.large else None, "smoke": args.smoke,
                   "rss_n": args.large_n if args.large else n,
                   "person_sample": SMOKE_PERSONS if args.smoke else PERSON_SAMPLE},
        "machine": machine_info(soffice), "measurements": {}, "work": str(work),
    }
    m = res["measurements"]
    try:
        wb = work / f"agency-{n}.xlsx"
        st = synth.generate(n, wb, seed=seed)
        log(f"workbook: {st.people} people, {st.units} units, {st.party_members} party members, "
            f"{st.long_texts} long texts, {st.disciplines} disciplines ({st.seconds:.1f} s)")
        m["workbook"] = {"people": st.people, "units": st.units, "party_members": st.party_members,
                         "texts": st.texts, "long_texts": st.long_texts, "disciplines": st.disciplines,
                         "emulation": st.emulation}
        out, cache = work / "out", work / "cache"
        full = measure_build(wb, out, cache, "full build")
        full["facts"] = output_facts(out)
        full["forms_per_s"] = round(full["facts"]["forms"] / full["seconds"], 2)
        full["pages_per_s"] = round(full["facts"]["form_pages"] / full["seconds"], 2)
        m["full_build"] = full
        docs = build_documents(out)
        m["naive"] = measure_naive(wb, docs, args.naive_sample, soffice, work)
        m["ceiling"] = measure_ceiling(docs, soffice, work)
        m["size"] = measure_size(out, soffice, work, res["params"]["person_sample"])
        target = synth.edit_target(n, seed)
        wb_edit = work / f"agency-{n}-edited.xlsx"
        synth.generate(n, wb_edit, seed=seed, edit=target)
        m["incremental"] = measure_build(wb_edit, out, cache, f"incremental ({target}'s ket_qua_nhiem_vu changed)")
        m["incremental"]["person"] = target
        m["nochange"] = measure_build(wb_edit, out, cache, "no-change rebuild")
        m["check_rate"] = measure_check_rate(args.check_n, seed, work)
        m["server"] = measure_server(wb, wb_edit, work)
        if args.large:
            ln = args.large_n
            wbl = work / f"agency-{ln}.xlsx"
            synth.generate(ln, wbl, seed=seed)
            outl = work / "out-large"
            lb = measure_build(wbl, outl, work / "cache-large", f"large build N = {ln}")
            lb["facts"] = output_facts(outl)
            lb["forms_per_s"] = round(lb["facts"]["forms"] / lb["seconds"], 2)
            lb["pages_per_s"] = round(lb["facts"]["form_pages"] / lb["seconds"], 2)
            m["large_build"] = lb
            m["large_ceiling"] = measure_ceiling(build_documents(outl), soffice, work / "large")
        if args.profile:
            m["stages"] = measure_stages(wb, wb_edit, work)
            m["profile"] = measure_profile(wb, work, args.out, stamp)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["machine"]["loadavg_end"] = round(os.getloadavg()[0], 2)
    rss_build = m.get("large_build", m["full_build"])
    res["ratios"] = {
        "speedup_vs_naive": ratio(m["naive"]["estimated_seconds"], full["seconds"]),
        "speedup_vs_ceiling": ratio(m["ceiling"]["seconds"], full["seconds"]),
        "incremental_over_full": ratio(m["incremental"]["seconds"], full["seconds"]),
        "nochange_over_full": ratio(m["nochange"]["seconds"], full["seconds"]),
        "server_incremental_over_full": ratio(m["server"]["incremental"]["seconds"], full["seconds"]),
        "check_rate_seconds": round(m["check_rate"]["check_s"] + m["check_rate"]["rate_s"], 2),
        "size_over_libreoffice": ratio(m["size"]["bundle_bytes"], m["size"]["libreoffice_bytes"]),
        "peak_rss_mb": rss_build["peak_rss_mb"],
    }
    if "large_build" in m:
        res["ratios_large"] = {"speedup_vs_ceiling": ratio(m["large_ceiling"]["seconds"], m["large_build"]["seconds"])}
    res["targets"] = {k: {"op": op, "value": v} for k, (op, v, _) in TARGETS.items()}
    res["status"] = {k: status(k, v) for k, v in res["ratios"].items()}
    res["table"] = table(res)
    path = args.out / f"bench-{stamp}{'-smoke' if args.smoke else ''}.json"
    path.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    res["json"] = str(path)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description="hoso benchmark: speed, size and memory in one run.")
    ap.add_argument("--n", type=int, default=300, help="people in the benchmark agency (default 300)")
    ap.add_argument("--large", action="store_true", help="also build a 1,000-person agency (RSS target)")
    ap.add_argument("--large-n", type=int, default=1000, help=argparse.SUPPRESS)
    ap.add_argument("--smoke", action="store_true",
                    help=f"N = {SMOKE_N} (two units), naive sample 3, {SMOKE_PERSONS} person dossiers in the size "
                         "measure, check of 1,000 people: keeps the script working")
    ap.add_argument("--naive-sample", type=int, default=30, help="forms converted the naive way (default 30)")
    ap.add_argument("--check-n", type=int, default=10_000, help="people in the check + rate workbook (default 10,000)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--profile", action="store_true",
                    help="also time every stage of a full, incremental and no-change build, and profile a full build with cProfile")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (workbooks, outputs, PDFs)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes (default bench/results)")
    args = ap.parse_args(argv)
    if args.smoke:
        args.n, args.naive_sample, args.check_n, args.large = SMOKE_N, min(args.naive_sample, 3), 1000, False
    try:
        res = run(args)
    except BenchError as exc:
        log(f"benchmark failed: {exc}")
        return 1
    print(res["table"])
    print(f"\nJSON: {res['json']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
