"""A pool of LibreOffice workers, each with its own profile, fed in batches (≤ 200 files).

Every batch has a timeout; a crashed or hung soffice is killed with its process group and the
documents it did not produce are retried one by one with a fresh process — by another worker (its
own profile) when there is more than one, so a slot that hangs does not also run the retries. A
document that still fails is named in a ConversionFailed error. Output PDFs are checked (exist, start with %PDF, end
with %%EOF, readable page count): soffice can exit 0 having converted fewer files than asked.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader

from pipeline import portable, tempdirs
from pipeline.errors import ConversionFailed, OutputError
from pipeline.pdf import join, libreoffice, validate

# a damaged PDF from LibreOffice is hoso's to judge (and to name once): pypdf's own warnings about
# it ("EOF marker not found", once per attempt to read it) would only repeat it on the console
logging.getLogger("pypdf").setLevel(logging.ERROR)

MAX_BATCH = 200
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'  # PDF/A-2b
MIN_JOIN = 4  # below this a joined document saves nothing
MAX_JOIN = 200  # forms in one joined document


# A soffice run that writes nothing for this long is killed as hung (`libreoffice.Stalled`), long
# before its total timeout: STALL_START for its start-up, plus STALL_FACTOR times the measured time
# per form (`Converter.cost`, from this run's finished conversions; DEFAULT_COST until one finished)
# for the forms it must convert before its next file appears (a joined document's forms, or one).
STALL_START = 20.0
STALL_FACTOR = 4.0
DEFAULT_COST = {"join": 0.25, "each": 1.0}  # seconds per form (pdf-engine.md: 0.06–0.09 and 0.2–0.3, ×3)
MAX_NAMED = 20  # failed documents listed in a message; the rest are counted
HUNG_LIMIT = 2  # this many soffice runs in a row hung without writing anything: LibreOffice is hung


@dataclass(frozen=True)
class Item:
    key: str  # cache key
    docx: Path
    label: str  # for messages: "Nguyễn Văn A (VP-001) — Mẫu số 02"
    group: str | None = None  # forms of one join-safe template share a group and are joined
    page_numbers: bool = False  # the form's own page numbers are drawn after conversion
    first_page_header: str = ""  # the first page's header text, drawn after conversion
    doc: str = ""  # the plan's document key ("VP-001/mau_02"), written into the PDF's metadata
    who: str = ""  # the person's code (ma_so), written into the PDF's metadata
    form: str = ""  # the template's code (mau_02, bieu_tong_hop, …)
    pages: tuple[int, int, int] | None = None  # a healthy render's pages (validate.page_range); None: unchecked


def identity(it: Item) -> dict[str, str]:
    """What a form's PDF says it is (validate.IDENTITY): checked when it comes back from the cache."""
    return {"/HosoKhoa": it.key, "/HosoVanBan": it.doc, "/HosoNguoi": it.who}


def complete(data: bytes) -> bool:
    """A whole PDF file (LibreOffice stopped half-way leaves no %%EOF)."""
    return data.startswith(b"%PDF") and b"%%EOF" in data[-2048:]


def pdf_pages(data: bytes) -> int | None:
    """Page count of a complete PDF, or None if it is not one."""
    if not complete(data):
        return None
    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return None


def batches(items: list[Item], workers: int, limit: int | None = None) -> list[list[Item]]:
    if not items:
        return []
    n = max(workers, -(-len(items) // (limit or MAX_BATCH)))
    size = -(-len(items) // n)
    return [items[i:i + size] for i in range(0, len(items), size)]


Chunk = list[Item]  # forms of one join family, joined into one document


DOCUMENT_COST = 150_000  # a document converted on its own costs about as much as this much text


def _weight(item: Item) -> int:
    """What converting a form costs, about: the size of its text's XML (word/document.xml,
    uncompressed, from the zip's directory; the styles and fonts every form shares are left out).
    Measured on the benchmark agency, one soffice converted 680–860 KB of this XML a second in each
    join family (personal forms, residence-cell sheets, unit tables), while compressed sizes gave
    40–140 KB/s: tables compress well but take long to lay out."""
    try:
        with zipfile.ZipFile(item.docx) as zf:
            return max(1, zf.getinfo("word/document.xml").file_size)
    except (OSError, KeyError, zipfile.BadZipFile):
        return 1


def tasks(items: list[Item], workers: int) -> list[tuple[str, list[Any]]]:
    """Work units, one soffice call each: ("join", chunks) — the joined documents of one worker,
    converted in ONE soffice run (one start-up per worker, not per document); forms that cannot be
    joined, or too few of a family to gain from it, are one-form chunks in those same runs — and
    ("each", forms), converted one by one, only when nothing is joined at all.

    The workers get equal shares of the work by weight (`_weight`), not by count: the forms are
    taken family by family and each worker's share is cut where its weight is reached, so a family
    may be split between workers (a joined document is one family's forms, ≤ MAX_JOIN of them)."""
    groups: dict[str, list[Item]] = {}
    single: list[Item] = []
    for it in items:
        if it.group:
            groups.setdefault(it.group, []).append(it)
        else:
            single.append(it)
    families = [members for members in groups.values() if len(members) >= MIN_JOIN]
    single += [it for members in groups.values() if len(members) < MIN_JOIN for it in members]
    if not families:
        return [("each", chunk) for chunk in batches(single, workers)]
    # the other forms ride along in the same soffice runs, each converted alone (a one-form
    # "joined" document is exactly a form normalised alone): no extra start-up
    joinable = [it for members in families for it in members]
    joins = {id(it) for it in joinable}
    weights = [_weight(it) for it in joinable] + [_weight(it) + DOCUMENT_COST for it in single]
    share = sum(weights) / workers
    loads: list[list[Chunk]] = [[]]
    done = 0.0
    for it, weight in zip(joinable + single, weights, strict=True):
        if done >= share * len(loads) and len(loads) < workers:
            loads.append([])  # this worker has its share: the next one starts
        chunks = loads[-1]
        last = chunks[-1] if chunks else None
        if (last is not None and id(it) in joins and id(last[0]) in joins and last[0].group == it.group
                and len(last) < MAX_JOIN):
            last.append(it)  # the same family: the same joined document
        else:
            chunks.append([it])
        done += weight
    return [("join", chunks) for chunks in loads if chunks]


def _size(task: tuple[str, list[Any]]) -> int:
    kind, payload = task
    return sum(len(c) for c in payload) if kind == "join" else len(payload)


class Conversion(dict[str, tuple[bytes, int]]):
    """What a converter's `run` produced: PDF bytes and pages by cache key, and `sources`: cache key ->
    (joined PDF, first page index, pages) for the forms converted joined. Bundles take their pages
    from the joined PDF (one parse, fonts shared) instead of re-reading every split form."""

    def __init__(self, pdfs: dict[str, tuple[bytes, int]] | None = None,
                 sources: dict[str, tuple[bytes, int, int]] | None = None) -> None:
        super().__init__(pdfs or {})
        self.sources: dict[str, tuple[bytes, int, int]] = dict(sources or {})


class _Stopped(Exception):
    """The run was interrupted: a worker must not start another soffice."""


class Converter:
    """Converts DOCX files to PDF bytes. Replaceable (tests inject faulty converters)."""

    # whether a PDF's page count is checked against its form's range (Item.pages): the ranges are
    # LibreOffice's; a converter that lays out otherwise on purpose (the tests' text converters) says False
    check_pages = True
    # what else than the LibreOffice and fonts installed makes this converter's PDFs (part of every PDF's cache
    # key, `Build.pdf_maker`): "" for every converter that runs LibreOffice — this pool, the warm lanes, a Dask
    # cluster give the same PDFs; a converter that writes PDFs otherwise (the tests' text converters) names itself,
    # so its PDFs are never taken from or given to LibreOffice's entries in a cache both use
    made_by = ""

    def __init__(self, *, workers: int | None = None, timeout_base: float = 60, timeout_per_doc: float = 6,
                 soffice: str | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.timeout_base = timeout_base
        self.timeout_per_doc = timeout_per_doc
        self.soffice = soffice or libreoffice.find_soffice()
        self.pdfa = False  # PDF/A-2b: forms converted one by one, as filled (see with_pdfa)
        self._stop = threading.Event()
        self.wrong_fonts: dict[str, str] = {}  # cache key -> why its PDF was refused (validate.font_problem)
        self.wrong_pages: dict[str, str] = {}  # cache key -> why its PDF was refused (validate.page_problem)
        self.cost = dict(DEFAULT_COST)  # seconds per form, measured (see STALL_START)
        self.hung: set[str] = set()  # cache keys whose soffice run was killed as hung
        self.damaged: set[str] = set()  # cache keys whose PDF was written but unreadable (half-written)
        self._hung_in_a_row = 0
        self._meter = threading.Lock()
        # where the soffice profiles live: None, a fresh folder per run (removed after it); a folder
        # kept between runs keeps LibreOffice's first-start work (pipeline/pdf/cum.py's workers)
        self.profile_root: Path | None = None

    def with_pdfa(self) -> Converter:
        """A converter of the same kind producing PDF/A-2b, one form at a time and with the forms'
        own headers: PDF/A does not survive joining, splitting or drawing on the PDF."""
        import copy

        other = copy.copy(self)
        other.pdfa = True
        return other

    def convert_batch(self, profile: Path, files: list[Path], outdir: Path) -> None:
        timeout = self.timeout_base + self.timeout_per_doc * len(files)
        self.run_soffice(profile, files, outdir, timeout=timeout,
                         filter_options=PDFA_FILTER if self.pdfa else join.EXPORT_FILTER,
                         stall=self.stall_after("each", 1))

    def run_soffice(self, profile: Path, files: list[Path], outdir: Path, *, timeout: float, filter_options: str,
                    poll: Callable[[], None] | None = None, stall: float | None = None) -> None:
        """The one place a soffice run happens (`libreoffice.run_convert`'s contract: PDFs into
        `outdir`, `libreoffice.Timeout`/`Stalled` when hung). `pipeline/pdf/warm.py`'s WarmConverter
        overrides only this, to convert on a LibreOffice kept running."""
        libreoffice.run_convert(self.soffice, profile, files, outdir, timeout=timeout, filter_options=filter_options,
                                poll=poll, stall=stall)

    def stall_after(self, kind: str, forms: int) -> float:
        """Seconds of silence after which a soffice run is killed as hung (see STALL_START)."""
        return STALL_START + STALL_FACTOR * self.cost[kind] * max(1, forms)

    def _measured(self, kind: str, seconds: float, forms: int, produced: bool) -> None:
        """After a soffice run: its time per form, and whether LibreOffice still answers at all."""
        with self._meter:
            if produced:
                self._hung_in_a_row = 0
                if forms:
                    self.cost[kind] = max(0.02, seconds / forms)
            else:
                self._hung_in_a_row += 1

    @property
    def libreoffice_hung(self) -> bool:
        return self._hung_in_a_row >= HUNG_LIMIT

    def run(self, items: list[Item], *, progress: Callable[[int], None] | None = None,
            on_done: Callable[[str, bytes, int], None] | None = None) -> Conversion:
        """PDF bytes and pages of every item, by key, and where the forms converted joined are in
        their joined PDF (`Conversion.sources`). `on_done(key, pdf, pages)` is called as soon as
        a worker's task is done (e.g. to cache it: an interrupted run keeps what was finished)."""
        results = Conversion()
        failures: dict[str, str] = {}
        self.wrong_fonts = {}
        self.wrong_pages = {}
        self.hung = set()
        self.damaged = set()
        self._hung_in_a_row = 0
        if not items:
            return results
        validate.ensure_room(len(items))  # a nearly full temporary disk gives PDFs in the wrong font
        # the work: (kind, payload, the worker that must not take it — None: any). A worker whose
        # soffice run hung or crashed puts the documents it did not produce back as one "retry" task
        # for another worker (another profile); the workers wait for such tasks while any is busy.
        pending: list[tuple[str, object, int | None]] = [(kind, payload, None)
                                                          for kind, payload in tasks(items, self.workers)]
        state = {"busy": 0, "alive": 0}
        cond = threading.Condition()
        lock = threading.Lock()
        errors: list[BaseException] = []
        self._stop = threading.Event()
        self._local = threading.local()
        count = min(self.workers, len(pending))
        with tempdirs.private_dir("hoso-lo-") as tmp_path:  # removed however the run ends; swept if killed

            def take(index: int) -> tuple[str, object, int | None] | None:
                with cond:
                    while not self._stop.is_set():
                        for n, task in enumerate(pending):
                            if task[2] != index or state["alive"] == 1:  # alone: its own retries too
                                state["busy"] += 1
                                return pending.pop(n)
                        if not pending and not state["busy"]:
                            cond.notify_all()
                            return None
                        cond.wait(0.2)
                return None

            def worker(index: int) -> None:
                profile = (self.profile_root or tmp_path) / f"profile-{index}"
                try:
                    while (task := take(index)) is not None:
                        kind, batch, _avoid = task
                        # retries of a hung or crashed run go elsewhere, when there is an elsewhere
                        self._local.elsewhere = [] if count > 1 and kind != "retry" else None
                        try:
                            done, failed, joined = self._run_task(profile, kind, batch, tmp_path / f"w{index}",
                                                                  progress)
                        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                            with lock:
                                errors.append(exc)
                            with cond:
                                state["busy"] -= 1
                            return
                        with lock:
                            results.update(done)
                            results.sources.update(joined)
                            failures.update(failed)
                            if on_done:
                                for key, (data, pages) in done.items():
                                    on_done(key, data, pages)
                        if progress and (kind == "each" or (kind == "join" and self.pdfa)):
                            progress(_size((kind, cast(list[Any], batch))))
                        with cond:
                            if self._local.elsewhere:
                                pending.append(("retry", (self._local.elsewhere, kind == "join"), index))
                            state["busy"] -= 1
                            cond.notify_all()
                finally:
                    with cond:
                        state["alive"] -= 1
                        cond.notify_all()

            threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
            state["alive"] = count
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
            self._raise_failed(failures)
        return results

    def _run_task(self, profile: Path, kind: str, batch: Any, place: Path, progress: Callable[[int], None] | None
                  ) -> tuple[dict[str, tuple[bytes, int]], dict[str, str], dict[str, tuple[bytes, int, int]]]:
        """One task of a worker: (PDFs done, documents failed, where the forms converted joined are
        in their joined PDF)."""
        if kind == "retry":  # another worker's hung or crashed run: each document once more, here
            forms, joined = batch
            if joined:  # from a joined run: the forms one by one in one soffice run, then each alone
                return (*self._convert_with_retry(profile, forms, place), {})
            return (*self._each_alone(profile, forms, place, {}), {})
        if kind == "join" and not self.pdfa:
            return self._convert_joined(profile, batch, place, progress)
        if kind == "join":
            return (*self._convert_with_retry(profile, [it for c in batch for it in c], place), {})
        return (*self._convert_with_retry(profile, batch, place), {})

    def _elsewhere(self) -> list[Item] | None:
        """Where this worker puts the documents of its hung or crashed run for another worker to
        retry; None when it retries them itself (it is the only worker, or this is a retry)."""
        return getattr(getattr(self, "_local", None), "elsewhere", None)

    def _raise_failed(self, failures: dict[str, str]) -> None:
        fonts = {k: self.wrong_fonts[k] for k in failures if k in self.wrong_fonts}
        paged = {k: self.wrong_pages[k] for k in failures if k in self.wrong_pages and k not in fonts}
        # each document refused for its page count is named with its own count and range
        failures = {k: f"{label} — {paged[k]}" if k in paged else label for k, label in failures.items()}
        fonts.update(paged)
        if fonts:
            folder = tempfile.gettempdir()
            free = validate.free_bytes(folder)
            need = validate.MIN_FREE + validate.PER_DOCUMENT * len(failures)
            if free is None or free < need:
                raise OutputError(validate.full_message(folder, free, need))
            limit = portable.file_size_limit()
            wrong = [self.wrong_fonts[k] for k in failures if k in self.wrong_fonts]
            if limit is not None and wrong:  # LibreOffice under `ulimit -f` swaps faces: the limit is the cause
                raise libreoffice.FileSizeLimit(limit, fonts=wrong[0])
        if failures:
            labels = list(failures.values())
            names = "\n".join(f"  - {label}" for label in labels[:MAX_NAMED])
            if len(labels) > MAX_NAMED:
                names += f"\n  … và {len(labels) - MAX_NAMED} văn bản khác"
            raise ConversionFailed(
                f"LibreOffice không chuyển được {len(failures)} văn bản sang PDF (đã thử lại):\n{names}",
                hint=self._cause(failures, fonts),
            )

    def _cause(self, failures: dict[str, str], fonts: dict[str, str]) -> str:
        """One line: why these documents failed, when it is known."""
        if fonts and all(k in self.wrong_pages and k not in self.wrong_fonts for k in fonts):
            return ("Nguyên nhân: số trang khác hẳn bản in chuẩn của mẫu (ghi cạnh từng văn bản ở trên): LibreOffice đã "
                    "dàn trang khác thường, thường do thiếu chỗ trống trong thư mục tạm hoặc thiếu phông chữ — hoặc văn "
                    "bản dài, dày hơn mọi bản đã đo khi khai báo số trang của mẫu (xin báo lại kèm sổ Excel); chưa tạo "
                    "bộ hồ sơ nào. Nếu cơ quan đã sửa mẫu (nhãn trong meta.toml), chạy lại sau khi sửa hoặc xóa khóa "
                    "«trang» trong meta.toml của mẫu đó.")
        if fonts:
            return (f"Nguyên nhân: {next(iter(fonts.values()))} (LibreOffice thường làm vậy khi thiếu chỗ trống "
                    "hoặc thiếu phông chữ); chưa tạo bộ hồ sơ nào.")
        if any(k in self.hung for k in failures):
            return (f"Nguyên nhân: LibreOffice bị treo (không tạo thêm tệp nào trong "
                    f"{self.stall_after('each', 1):.0f} giây, đã dừng và thử lại một lần bằng tiến trình mới). Tắt "
                    "các cửa sổ LibreOffice đang mở, kiểm tra cài đặt LibreOffice, rồi chạy lại; chưa tạo bộ hồ sơ nào.")
        if all(k in self.damaged for k in failures):
            return ("Nguyên nhân: LibreOffice chỉ ghi được tệp PDF dở dang (hỏng, thiếu phần cuối) cho các văn bản "
                    "này, cả khi thử lại — thường do LibreOffice bị dừng giữa chừng hoặc thiếu chỗ trống; chưa tạo bộ "
                    "hồ sơ nào.")
        return "Mở tệp .docx tương ứng bằng Word/LibreOffice để kiểm tra; chưa tạo bộ hồ sơ nào."

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise _Stopped

    def _convert_joined(self, profile: Path, chunks: list[Chunk], work: Path,
                        progress: Callable[[int], None] | None = None
                        ) -> tuple[dict[str, tuple[bytes, int]], dict[str, str], dict[str, tuple[bytes, int, int]]]:
        """Every chunk joined into one document, all converted by one soffice run, each PDF split
        back per form; a chunk whose PDF is missing or does not split right is converted one by one.
        Returns (PDFs by key, failures by key, where each form joined is in its joined PDF)."""
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        out = work / "out"
        out.mkdir(parents=True)
        names: dict[int, list[str]] = {}
        files = []
        for i, chunk in enumerate(chunks):
            try:
                names[i] = join.join([it.docx for it in chunk], work / f"gop{i:03d}.docx")
                files.append(work / f"gop{i:03d}.docx")
            except OSError as exc:
                if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise
            except Exception:  # noqa: BLE001 - a damaged .docx in the chunk: one by one below
                pass
        reported: set[int] = set()

        def report() -> None:  # progress: a chunk counts as done when its PDF appears
            if progress:
                for i in names:
                    if i not in reported and (out / f"gop{i:03d}.pdf").exists():
                        reported.add(i)
                        progress(len(chunks[i]))

        crashed = False  # the soffice run hung or crashed: what it did not produce is retried elsewhere
        if files:
            self._check_stop()
            forms = sum(len(chunks[i]) for i in names)
            timeout = self.timeout_base + self.timeout_per_doc * forms
            started = time.monotonic()
            try:
                self.run_soffice(profile, files, out, timeout=timeout, filter_options=join.EXPORT_FILTER, poll=report,
                                 stall=self.stall_after("join", max(len(chunks[i]) for i in names)))
            except (_Stopped, libreoffice.FileSizeLimit):  # the limit: said as such, no retry can pass it
                raise
            except libreoffice.Timeout:  # hung (silent too long, or the whole run too long)
                crashed = True
                shutil.rmtree(profile, ignore_errors=True)  # the retries start from a fresh profile too
                written = any(out.iterdir())
                self._measured("join", 0, 0, produced=written)
                self.hung.update(it.key for i in names for it in chunks[i]
                                 if not (out / f"gop{i:03d}.pdf").exists())
            except Exception:  # noqa: BLE001 - a crash: what was written is checked below
                crashed = True
            else:
                self._measured("join", time.monotonic() - started, forms, produced=True)
        elsewhere = self._elsewhere() if crashed else None
        self._check_stop()
        done: dict[str, tuple[bytes, int]] = {}
        failed: dict[str, str] = {}
        sources: dict[str, tuple[bytes, int, int]] = {}
        for i, chunk in enumerate(chunks):
            pieces = None
            if i in names:
                try:
                    joined = (out / f"gop{i:03d}.pdf").read_bytes()
                    why = validate.font_problem(joined, docx=[it.docx for it in chunk]) if complete(joined) else None
                    if why:  # set in another font: never used, the forms are converted one by one
                        self.wrong_fonts.update((it.key, why) for it in chunk)
                        pieces = None
                    else:
                        pieces = join.split(joined, names[i], [identity(it) for it in chunk])
                        bad = [(it, w) for it, (piece, _n) in zip(chunk, pieces or [], strict=False)
                               if (w := validate.font_problem(piece, docx=[it.docx]))]
                        if bad:  # a form set in another font after the primer page: not used
                            self.wrong_fonts.update((it.key, w) for it, w in bad)
                            pieces = None
                        paged = [(it, w) for it, (_piece, n) in zip(chunk, pieces or [], strict=False)
                                 if (w := validate.page_problem(it.pages if self.check_pages else None, n, it.docx))]
                        if paged:  # pages a healthy render of the form does not have: not used
                            self.wrong_pages.update((it.key, w) for it, w in paged)
                            pieces = None
                except Exception:  # noqa: BLE001 - missing or damaged PDF: pypdf raises many kinds
                    pieces = None
            if (pieces is None or len(pieces) != len(chunk)) and elsewhere is not None:
                elsewhere.extend(chunk)  # another worker converts them one by one
            elif pieces is None or len(pieces) != len(chunk):
                d, f = self._convert_with_retry(profile, chunk, work / f"each{i:03d}")
                done.update(d)
                failed.update(f)
            else:
                done.update((it.key, piece) for it, piece in zip(chunk, pieces, strict=True))
                joined = (out / f"gop{i:03d}.pdf").read_bytes()
                first = join.PRIMER_PAGES
                for it, (_data, pages) in zip(chunk, pieces, strict=True):
                    sources[it.key] = (joined, first, pages)
                    first += pages
            if progress and i not in reported:
                reported.add(i)
                progress(len(chunk))
        return done, failed, sources

    def _convert_with_retry(self, profile: Path, batch: list[Item], work: Path
                            ) -> tuple[dict[str, tuple[bytes, int]], dict[str, str]]:
        if self.libreoffice_hung:  # hung run after hung run: no more waiting, say so
            self.hung.update(it.key for it in batch)
            return {}, {it.key: it.label for it in batch}
        done = self._attempt(profile, batch, work)
        missing = [it for it in batch if it.key not in done]
        elsewhere = self._elsewhere() if self._local_crashed() else None
        if missing and elsewhere is not None:  # another worker (another profile) retries them
            elsewhere.extend(missing)
            return done, {}
        return self._each_alone(profile, missing, work, done)

    def _local_crashed(self) -> bool:
        """Did this worker's last soffice run (`_attempt`) hang or crash?"""
        return bool(getattr(getattr(self, "_local", None), "crashed", False))

    def _each_alone(self, profile: Path, missing: list[Item], work: Path, done: dict[str, tuple[bytes, int]]
                    ) -> tuple[dict[str, tuple[bytes, int]], dict[str, str]]:
        """Each document alone in a fresh soffice, once: (`done` with those converted, those failed)."""
        failed: dict[str, str] = {}
        for it in missing:  # retry each alone with a fresh process
            if self.libreoffice_hung:  # hung run after hung run: no more waiting, say so
                failed[it.key] = it.label
                self.hung.add(it.key)
                continue
            again = self._attempt(profile, [it], work)
            if it.key in again:
                done.update(again)
            else:
                failed[it.key] = it.label
        return done, failed

    def _attempt(self, profile: Path, batch: list[Item], work: Path) -> dict[str, tuple[bytes, int]]:
        local = getattr(self, "_local", None)
        if local is not None:
            local.crashed = False
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
                    join.prepared_alone(it.docx, f)
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
        started = time.monotonic()
        if local is not None:
            local.crashed = True  # until convert_batch returns
        try:
            self.convert_batch(profile, files, out)
        except libreoffice.FileSizeLimit:  # no retry can pass it: said as such (exit 7)
            raise
        except libreoffice.Timeout:  # whatever was produced before the hang is still checked below
            shutil.rmtree(profile, ignore_errors=True)  # the retries start from a fresh profile too
            self._measured("each", 0, 0, produced=any(out.iterdir()))
            self.hung.update(it.key for it in batch)  # those converted are taken off below
        except Exception:  # noqa: BLE001 - a crashed worker: what it produced is checked, the rest retried
            pass
        else:
            self._measured("each", time.monotonic() - started, len(files), produced=True)
            if local is not None:
                local.crashed = False
        done = {}
        for i, it in enumerate(batch):
            pdf = out / f"{i:04d}.pdf"
            try:
                data = pdf.read_bytes()
            except OSError:
                continue
            if not complete(data):  # half-written
                self.damaged.add(it.key)
                continue
            why = validate.font_problem(data, docx=[it.docx])
            if why:  # LibreOffice set it in another font (a full temporary disk): neither used nor cached
                self.wrong_fonts[it.key] = why
                continue
            self.wrong_fonts.pop(it.key, None)
            if not self.pdfa:  # cut off the primer page (see join.normalise)
                try:
                    pieces = join.split(data, [join.SINGLE_NAME], [identity(it)])
                except Exception:  # noqa: BLE001 - a damaged PDF: not converted
                    pieces = None
                if not pieces:
                    self.damaged.add(it.key)
                    continue
                data = pieces[0][0]
                why = validate.font_problem(data, docx=[it.docx])
                if why:  # the form itself, without the primer page, in another font
                    self.wrong_fonts[it.key] = why
                    continue
            pages = pdf_pages(data)
            why = validate.page_problem(it.pages if self.check_pages else None, pages, it.docx)
            if why:  # laid out otherwise than a healthy render (a full temporary disk): not used nor cached
                self.wrong_pages[it.key] = why
                continue
            self.wrong_pages.pop(it.key, None)
            if pages:
                done[it.key] = (data, pages)
                self.hung.discard(it.key)
                self.damaged.discard(it.key)
            else:
                self.damaged.add(it.key)
        return done


def _stop_workers(threads: list[threading.Thread], *, timeout: float = 30) -> None:
    """Kill every soffice until each worker has seen the stop: a worker may be starting a retry."""
    end = time.monotonic() + timeout
    while any(t.is_alive() for t in threads) and time.monotonic() < end:
        libreoffice.kill_all()
        for t in threads:
            t.join(0.05)
    libreoffice.kill_all()
