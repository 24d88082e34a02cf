"""`hoso build … --cum tcp://HOST:8786`: the conversion on a Dask cluster (optional extra `hoso[cum]`).

Dask distributed is the scale-out engine: hoso does not schedule, retry or move work between machines
itself. The client (the build) still fills the forms and assembles the bundles in its staging
folder; only the DOCX → PDF conversion, the costly part, runs on the cluster:

- the forms are cut into tasks by `pool.tasks` (weighted shares, whole join families where it can),
  up to `TASKS_PER_THREAD` tasks per worker thread so that a lost worker costs little, but no fewer
  than `MIN_TASK_FORMS` forms a task (each task starts soffice once);
- each task carries its forms' .docx bytes (the workers need no shared folder) and returns
  `{cache key: (PDF, pages)}` plus the joined PDFs the bundles take their pages from;
- on the worker a `LibreOfficePlugin` (a Dask `WorkerPlugin`, registered by the client) keeps
  LibreOffice running for the worker's whole life: a `warm.WarmService` with one lane (one soffice
  driven over UNO) per worker thread, started in the background at setup, so a task pays no soffice
  start-up; at teardown it stops the service and kills every soffice the worker started. Each task
  runs the same `pool.Converter` code as a local build (timeouts, hang watch, retry one by one, font
  and completeness checks) as a `warm.WarmConverter` on those lanes; where LibreOffice's Python has
  no `uno` (or the service cannot start) it runs cold soffice, one profile per thread kept for the
  worker's life;
- a worker lost mid-build: Dask runs its tasks again on another worker (`retries`); results are
  keyed by cache key, so a task that ran twice gives each PDF once. `on_done` (the PDF cache) is
  called on the client, once per key;
- an error on a worker (a document LibreOffice cannot convert) comes back as the same HosoError,
  message and hint, and the build fails as a local one does: the output folder is staged and only
  moved into place when everything succeeded (pipeline.output.OutputFolder), as always.

Only localhost or the addresses the user gives are contacted; nothing is started on the cluster
but the plugin and the tasks.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from pipeline.errors import ConversionFailed, HosoError, MissingDependency
from pipeline.pdf.pool import Conversion, Item, tasks

if TYPE_CHECKING:
    from distributed import Client, Future, Worker, WorkerPlugin

    from pipeline.pdf.warm import WarmService

PLUGIN = "hoso-libreoffice"
TASKS_PER_THREAD = 3
MIN_TASK_FORMS = 60  # below this a task's soffice start-up (1.3–1.8 s) costs more than spreading gains
CONNECT_TIMEOUT = 20  # seconds to reach the scheduler
NO_WORKER_WAIT = 120.0  # seconds without any worker before a run gives up (a restarted worker rejoins sooner)
NO_WORKER_HINT = ("Chạy lại «dask worker tcp://MÁY:8786» trên các máy làm việc rồi chạy lại lệnh; thư mục kết quả "
                  "cũ (nếu có) được giữ nguyên, các văn bản đã chuyển xong được dùng lại từ bộ nhớ đệm.")
INSTALL_HINT = "Cài phần mở rộng: pip install 'hoso[cum]' (cài dask[distributed])."


def _distributed() -> ModuleType:
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependency("Chạy trên cụm máy (--cum) cần thư viện Dask distributed, chưa được cài.",
                                hint=INSTALL_HINT) from exc
    return distributed


_kept: dict[int, WarmService] = {}  # a worker's warm service, between a replaced plugin's teardown and the new one's setup


class LibreOfficePlugin:
    """Worker plugin: LibreOffice kept running for the worker's life, every soffice stopped at teardown.

    Written without subclassing at import time (distributed is optional); `plugin()` makes the real
    `WorkerPlugin` subclass."""

    name = PLUGIN

    def setup(self, worker: Worker) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hoso-cum-"))
        self.profiles: queue.Queue[Path] = queue.Queue()
        for i in range(max(1, worker.state.nthreads)):
            self.profiles.put(self.root / f"thread-{i}")
        self.converted = 0
        self._lock = threading.Lock()
        from pipeline.errors import HosoError
        from pipeline.pdf import warm

        self.service: WarmService | None = _kept.pop(id(worker), None)  # this worker's lanes, from the plugin this one replaces
        if self.service is None:
            try:  # started in the background: setup must not hold the worker's event loop for seconds
                self.service = warm.WarmService(max(1, worker.state.nthreads)).start(wait=False)
            except (warm.Unavailable, HosoError):
                self.service = None  # cold soffice runs with the profiles above

    def teardown(self, worker: Worker) -> None:
        from pipeline.pdf import libreoffice

        service = getattr(self, "service", None)
        shutil.rmtree(getattr(self, "root", ""), ignore_errors=True)
        if service is not None and getattr(worker.status, "name", "") not in ("closing", "closed", "failed"):
            # every build registers the plugin again, and Dask replaces it (teardown, then the new one's
            # setup): the running worker keeps its LibreOffice for the next build
            _kept[id(worker)] = service
            return
        if service is not None:
            service.stop()
        libreoffice.kill_all()


def plugin() -> WorkerPlugin:
    _distributed()
    from distributed import WorkerPlugin

    class _Plugin(LibreOfficePlugin, WorkerPlugin):
        pass

    return _Plugin()


def _convert_task(forms: list[tuple[dict[str, Any], bytes]], pdfa: bool, timeout_base: float, timeout_per_doc: float
                  ) -> tuple[Any, ...]:
    """On a worker: convert these forms with a warm profile of the plugin; returns
    ("ok", pdfs, sources, worker address) or ("error", class name, message, hint)."""
    from distributed import get_worker

    from pipeline import errors
    from pipeline.pdf.pool import Converter

    worker = get_worker()
    plug = cast("LibreOfficePlugin | None", worker.plugins.get(PLUGIN))  # the `plugin()` registered
    if plug is None:  # a worker that joined after the plugin was registered gets it from the scheduler;
        raise RuntimeError("hoso: LibreOffice plugin missing on this worker")  # Dask retries elsewhere
    profile = plug.profiles.get()
    try:
        with tempfile.TemporaryDirectory(prefix="hoso-cum-task-") as tmp:
            items = []
            for n, (fields, data) in enumerate(forms):
                path = Path(tmp) / f"{n:05d}-{Path(fields['docx']).name}"
                path.write_bytes(data)
                items.append(Item(**{**fields, "docx": path}))
            service: WarmService | None = getattr(plug, "service", None)
            if service is not None:  # the worker's warm lanes
                from pipeline.pdf.warm import WarmConverter

                conv: Converter = WarmConverter(service, workers=1, timeout_base=timeout_base,
                                                 timeout_per_doc=timeout_per_doc)
            else:
                conv = Converter(workers=1, timeout_base=timeout_base, timeout_per_doc=timeout_per_doc)
            profile.mkdir(exist_ok=True)
            conv.profile_root = profile  # soffice's profile: <profile>/profile-0, kept for the worker's life
            conv.pdfa = pdfa
            try:
                done = conv.run(items)
            except errors.HosoError as exc:
                return ("error", type(exc).__name__, exc.message, exc.hint)
            with plug._lock:
                plug.converted += len(done)
            # each joined PDF once, its forms pointing to it by index: the bundles parse a joined PDF
            # once per object (`assemble.Pages`), and serialisation would not keep shared objects shared
            joined: dict[int, int] = {}
            blobs: list[bytes] = []
            refs: dict[str, tuple[int, int, int]] = {}
            for key, (data, first, pages) in done.sources.items():
                if id(data) not in joined:
                    joined[id(data)] = len(blobs)
                    blobs.append(data)
                refs[key] = (joined[id(data)], first, pages)
            return ("ok", dict(done), (blobs, refs), worker.address)
    finally:
        plug.profiles.put(profile)


class ClusterConverter:
    """A `pool.Converter` stand-in that converts on a Dask cluster (`run` has the same contract)."""

    def __init__(self, address: str, *, workers: int | None = None, timeout_base: float = 60,
                 timeout_per_doc: float = 6, client: Client | None = None) -> None:
        distributed = _distributed()
        self.address = address
        self.timeout_base, self.timeout_per_doc = timeout_base, timeout_per_doc
        self.pdfa = False
        self.by_worker: dict[str, int] = {}  # forms converted per worker address in the last run
        self.seconds = 0.0  # wall time of the last run
        self.no_worker_wait = NO_WORKER_WAIT
        self._own_client = client is None
        try:
            self.client = client or distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ConversionFailed(f"Không kết nối được cụm máy Dask «{address}» ({exc.__class__.__name__}).",
                            hint="Kiểm tra địa chỉ (tcp://MÁY:8786) và lệnh «dask scheduler» trên máy đó.") from exc
        self.client.register_plugin(plugin(), name=PLUGIN)
        # `workers`: the build's own local parallelism (filling, bundles), as for a local Converter;
        # the cluster's threads decide how the conversion is cut (`run`)
        self.workers = max(1, workers or os.cpu_count() or 1)

    def __enter__(self) -> ClusterConverter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_pdfa(self) -> ClusterConverter:
        import copy

        other = copy.copy(self)
        other.pdfa = True
        other._own_client = False
        return other

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def _watch(self, futures: list[Future[Any]], stop: threading.Event, why: list[str]) -> None:
        """While a run waits: when the cluster has had no worker for `no_worker_wait` seconds (all
        lost, none restarted), cancel the run's tasks; Dask itself would wait for a worker forever."""
        import time

        alone = None
        while not stop.wait(1.0):
            try:
                workers = len(self.client.nthreads())
            except Exception:  # noqa: BLE001 - the scheduler itself is gone: no worker either
                workers = 0
            if workers:
                alone = None
                continue
            alone = alone or time.monotonic()
            if time.monotonic() - alone >= self.no_worker_wait:
                why.append(f"Cụm máy Dask «{self.address}» không còn máy làm việc nào trong "
                           f"{self.no_worker_wait:.0f} giây: chưa chuyển xong văn bản sang PDF.")
                for fut in futures:
                    fut.cancel()
                return

    def run(self, items: list[Item], *, progress: Callable[[int], None] | None = None,
            on_done: Callable[[str, bytes, int], None] | None = None) -> Conversion:
        import time

        from distributed import as_completed

        self.by_worker = {}
        results = Conversion()
        if not items:
            return results
        started = time.monotonic()
        threads = max(1, sum(self.client.nthreads().values()))
        if not self.client.nthreads():
            raise ConversionFailed(f"Cụm máy Dask «{self.address}» không có máy làm việc (dask worker) nào.",
                                   hint="Chạy «dask worker " + self.address + "» trên ít nhất một máy rồi thử lại.")
        work = tasks(items, min(threads * TASKS_PER_THREAD, max(threads, -(-len(items) // MIN_TASK_FORMS))))
        futures = []
        for kind, payload in work:
            forms = [it for c in payload for it in c] if kind == "join" else list(payload)
            packed = [({"key": it.key, "docx": str(it.docx), "label": it.label, "group": it.group,
                        "page_numbers": it.page_numbers, "first_page_header": it.first_page_header,
                        "doc": it.doc, "who": it.who}, Path(it.docx).read_bytes()) for it in forms]
            name = hashlib.sha256("\0".join(it.key for it in forms).encode()).hexdigest()[:20]
            futures.append(self.client.submit(_convert_task, packed, self.pdfa, self.timeout_base,
                                              self.timeout_per_doc, key=f"hoso-pdf-{name}", pure=False, retries=2))
        stop, why = threading.Event(), cast(list[str], [])
        watch = threading.Thread(target=self._watch, args=(futures, stop, why), daemon=True)
        watch.start()
        try:
            for fut in as_completed(futures, loop=self.client.loop):
                try:
                    answer = fut.result()
                except BaseException as exc:
                    if why:  # the watch cancelled the tasks: no worker left
                        raise ConversionFailed(why[0], hint=NO_WORKER_HINT) from exc
                    raise
                if answer[0] == "error":
                    _, kind, message, hint = answer
                    import pipeline.errors as errors

                    raise getattr(errors, kind, HosoError)(message, hint=hint)
                _, done, (blobs, refs), where = answer
                fresh = {k: v for k, v in done.items() if k not in results}
                results.update(fresh)
                results.sources.update({k: (blobs[i], first, pages) for k, (i, first, pages) in refs.items() if k in fresh})
                self.by_worker[where] = self.by_worker.get(where, 0) + len(fresh)
                if on_done:
                    for key, (data, pages) in fresh.items():
                        on_done(key, data, pages)
                if progress:
                    progress(len(fresh))
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        finally:
            stop.set()
        self.seconds = time.monotonic() - started
        missing = [it.label for it in items if it.key not in results]
        if missing:  # every task returned: a form missing here would be a bug, never a silent gap
            raise ConversionFailed(f"Cụm máy không trả về {len(missing)} văn bản: " + ", ".join(missing[:5]))
        return results

