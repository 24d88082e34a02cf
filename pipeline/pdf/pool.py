"""A pool of LibreOffice workers, each with its own profile, fed in batches (≤ 200 files).

Every batch has a timeout; a crashed or hung soffice is killed with its process group and the
documents it did not produce are retried one by one with a fresh process. A document that still
fails is named in a ConversionFailed error. Output PDFs are checked (exist, start with %PDF, end
with %%EOF, readable page count): soffice can exit 0 having converted fewer files than asked.
"""

from __future__ import annotations

import errno
import io
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from pipeline.errors import ConversionFailed
from pipeline.pdf import join, libreoffice

MAX_BATCH = 200
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'  # PDF/A-2b
MIN_JOIN = 4  # below this a joined document saves nothing


@dataclass(frozen=True)
class Item:
    key: str  # cache key
    docx: Path
    label: str  # for messages: "Nguyễn Văn A (VP-001) — Mẫu số 02"
    group: str | None = None  # forms of one join-safe template share a group and are joined
    page_numbers: bool = False  # the form's own page numbers are drawn after conversion
    first_page_header: str = ""  # the first page's header text, drawn after conversion


def pdf_pages(data: bytes) -> int | None:
    """Page count of a complete PDF, or None if it is not one."""
    if not data.startswith(b"%PDF") or b"%%EOF" not in data[-2048:]:
        return None
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return None


def batches(items: list[Item], workers: int) -> list[list[Item]]:
    if not items:
        return []
    n = max(workers, -(-len(items) // MAX_BATCH))
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


def tasks(items: list[Item], workers: int) -> list[tuple[str, list[Item]]]:
    """Work units: ("join", forms of one template) and ("each", forms converted one by one)."""
    groups: dict[str, list[Item]] = {}
    single: list[Item] = []
    for it in items:
        if it.group:
            groups.setdefault(it.group, []).append(it)
        else:
            single.append(it)
    out: list[tuple[str, list[Item]]] = []
    for members in groups.values():
        if len(members) < MIN_JOIN:
            single.extend(members)
            continue
        out.extend(("join", chunk) for chunk in batches(members, workers))
    out.extend(("each", chunk) for chunk in batches(single, workers))
    out.sort(key=lambda t: -len(t[1]))  # longest first: better balance between workers
    return out


class _Stopped(Exception):
    """The run was interrupted: a worker must not start another soffice."""


class Converter:
    """Converts DOCX files to PDF bytes. Replaceable (tests inject faulty converters)."""

    def __init__(self, *, workers: int | None = None, timeout_base: float = 60, timeout_per_doc: float = 6,
                 soffice: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_base = timeout_base
        self.timeout_per_doc = timeout_per_doc
        self.soffice = soffice or libreoffice.find_soffice()
        self.pdfa = False  # PDF/A-2b: forms converted one by one, as filled (see with_pdfa)
        self._stop = threading.Event()

    def with_pdfa(self) -> Converter:
        """A converter of the same kind producing PDF/A-2b, one form at a time and with the forms'
        own headers: PDF/A does not survive joining, splitting or drawing on the PDF."""
        import copy

        other = copy.copy(self)
        other.pdfa = True
        return other

    def convert_batch(self, profile: Path, files: list[Path], outdir: Path) -> None:
        timeout = self.timeout_base + self.timeout_per_doc * len(files)
        libreoffice.run_convert(self.soffice, profile, files, outdir, timeout=timeout,
                                filter_options=PDFA_FILTER if self.pdfa else join.EXPORT_FILTER)

    def run(self, items: list[Item], *, progress: Callable[[int], None] | None = None) -> dict[str, tuple[bytes, int]]:
        results: dict[str, tuple[bytes, int]] = {}
        failures: dict[str, str] = {}
        if not items:
            return results
        work: queue.Queue = queue.Queue()
        for t in tasks(items, self.workers):
            work.put(t)
        lock = threading.Lock()
        errors: list[BaseException] = []
        self._stop = threading.Event()
        with tempfile.TemporaryDirectory(prefix="hoso-lo-", ignore_cleanup_errors=True) as tmp:
            tmp_path = Path(tmp)

            def worker(index: int) -> None:
                profile = tmp_path / f"profile-{index}"
                while not self._stop.is_set():
                    try:
                        kind, batch = work.get_nowait()
                    except queue.Empty:
                        return
                    try:
                        place = tmp_path / f"w{index}"
                        if kind == "join" and not self.pdfa:
                            done, failed = self._convert_joined(profile, batch, place)
                        else:
                            done, failed = self._convert_with_retry(profile, batch, place)
                    except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                        with lock:
                            errors.append(exc)
                        return
                    with lock:
                        results.update(done)
                        failures.update(failed)
                    if progress:
                        progress(len(batch))

            threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(min(self.workers, work.qsize()))]
            for t in threads:
                t.start()
            try:
                for t in threads:
                    while t.is_alive():
                        t.join(0.2)
            except BaseException:  # Ctrl-C, SIGTERM: no soffice may outlive us, none may start
                self._stop.set()
                _stop_workers(threads)
                raise
        if errors:
            raise errors[0]
        if failures:
            names = "\n".join(f"  - {label}" for label in failures.values())
            raise ConversionFailed(
                f"LibreOffice không chuyển được {len(failures)} văn bản sang PDF (đã thử lại):\n{names}",
                hint="Mở tệp .docx tương ứng bằng Word/LibreOffice để kiểm tra; chưa tạo bộ hồ sơ nào.",
            )
        return results

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def _convert_joined(self, profile: Path, chunk: list[Item], work: Path):
        """One joined document for the chunk, split back per form; one by one if anything is off."""
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        out = work / "out"
        out.mkdir(parents=True)
        joined = work / "gop.docx"
        try:
            names = join.join([it.docx for it in chunk], joined)
            self._check_stop()
            timeout = self.timeout_base + self.timeout_per_doc * len(chunk)
            libreoffice.run_convert(self.soffice, profile, [joined], out, timeout=timeout,
                                    filter_options=join.EXPORT_FILTER)
            pieces = join.split((out / "gop.pdf").read_bytes(), names)
        except _Stopped:
            raise
        except (libreoffice.Timeout, OSError, ValueError, KeyError):
            pieces = None
        except Exception:  # a damaged joined PDF: pypdf raises many kinds
            pieces = None
        if pieces is None or len(pieces) != len(chunk):
            return self._convert_with_retry(profile, chunk, work)
        return {it.key: piece for it, piece in zip(chunk, pieces, strict=True)}, {}

    def _convert_with_retry(self, profile: Path, batch: list[Item], work: Path):
        done = self._attempt(profile, batch, work)
        missing = [it for it in batch if it.key not in done]
        failed: dict[str, str] = {}
        for it in missing:  # retry each alone with a fresh process
            again = self._attempt(profile, [it], work)
            if it.key in again:
                done.update(again)
            else:
                failed[it.key] = it.label
        return done, failed

    def _attempt(self, profile: Path, batch: list[Item], work: Path) -> dict[str, tuple[bytes, int]]:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        src, out = work / "in", work / "out"
        src.mkdir(parents=True)
        out.mkdir()
        files = []
        for i, it in enumerate(batch):
            f = src / f"{i:04d}.docx"
            try:
                if self.pdfa:
                    shutil.copyfile(it.docx, f)
                else:
                    join.normalise(it.docx, f)  # the same shape as inside a joined document
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise  # the disk is full: say so, not "LibreOffice could not convert"
                continue
            except Exception:  # a damaged .docx: reported below as not converted
                continue
            files.append(f)
        if not files:
            return {}
        self._check_stop()
        try:
            self.convert_batch(profile, files, out)
        except libreoffice.Timeout:
            pass  # whatever was produced before the hang is still checked below
        except Exception:  # noqa: BLE001 - a crashed worker: what it produced is checked, the rest retried
            pass
        done = {}
        for i, it in enumerate(batch):
            pdf = out / f"{i:04d}.pdf"
            try:
                data = pdf.read_bytes()
            except OSError:
                continue
            if not self.pdfa:  # cut off the primer page (see join.normalise)
                try:
                    pieces = join.split(data, [join.SINGLE_NAME])
                except Exception:  # noqa: BLE001 - a damaged PDF: not converted
                    pieces = None
                if not pieces:
                    continue
                data = pieces[0][0]
            pages = pdf_pages(data)
            if pages:
                done[it.key] = (data, pages)
        return done


def _stop_workers(threads: list[threading.Thread], *, timeout: float = 30) -> None:
    """Kill every soffice until each worker has seen the stop: a worker may be starting a retry."""
    end = time.monotonic() + timeout
    while any(t.is_alive() for t in threads) and time.monotonic() < end:
        libreoffice.kill_all()
        for t in threads:
            t.join(0.05)
    libreoffice.kill_all()
