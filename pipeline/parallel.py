"""The work map: independent work of one stage (filling forms, assembling bundles, reading scans)
run in parallel by one of three backends, chosen once per build.

    map_work(fn, items, workers=4, weight=len, backend=None) == [fn(item) for item in items]

- **fork** (Linux, macOS: the default where `os.fork` exists): `forking.fork_map`, unchanged —
  forked children inherit everything in memory and send back only their results.
- **spawn** (where there is no `os.fork` — Windows — or `HOSO_PARALLEL=spawn`): a
  `concurrent.futures.ProcessPoolExecutor` with the spawn start method; `fn` and each item are
  pickled (so `fn` is a module-level function, the items small explicit data), one share of about
  equal weight per worker. A worker that dies raises `WorkerDied` (the pool's BrokenProcessPool),
  never a wait.
- **dask** (`hoso build --cum tcp://HOST:8786`): one task per item on the Dask cluster the
  conversion uses (`pipeline/pdf/cum.py`), through the same `distributed.Client`; a task of a lost
  worker is run again by Dask on another one. Workers there share no file system with the
  client: a stage whose tasks write files locally asks `backend.shares_files` and, when False,
  maps task functions that take bytes and return bytes (`pipeline/forms/remote.py`, `pipeline/bundle/remote.py`); the client
  writes them into its staging folder.

Both process backends run the work here when there is one item or one worker. An error raised
by a task (a `HosoError` with its Vietnamese message and hint) is raised again in the caller as
the same class; errors of other kinds as they are (fork, spawn) or as Dask hands them back.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pipeline.forking import WorkerDied, _shares, fork_map

if TYPE_CHECKING:
    from dask.typing import Key
    from distributed import Future

    from pipeline.pdf.convert import DocumentConverter
    from pipeline.pdf.cum import ClusterConverter

_T = TypeVar("_T")
_R = TypeVar("_R")

ENV = "HOSO_PARALLEL"  # "spawn" forces the spawn backend where fork exists (tests, port checks)
DASK_RETRIES = 2  # a task that raised is tried this many more times (a lost worker's tasks always are)
WINDOW_PER_THREAD = 4  # dask: tasks submitted ahead per worker thread


@dataclass(frozen=True)
class Backend:
    kind: str  # "fork" | "spawn" | "dask"
    cluster: ClusterConverter | None = None  # dask: the ClusterConverter whose client and worker watch are used

    @property
    def shares_files(self) -> bool:
        """Do the workers see the client's staging folder and cache? (not on a cluster)"""
        return self.kind != "dask"


def local() -> Backend:
    """fork where the platform can fork, else spawn; `HOSO_PARALLEL=spawn` forces spawn."""
    if os.environ.get(ENV, "").strip().lower() == "spawn" or not hasattr(os, "fork"):
        return Backend("spawn")
    return Backend("fork")


def for_converter(converter: DocumentConverter) -> Backend:
    """The backend of a build: the Dask cluster of a `ClusterConverter` (`--cum`), else local."""
    from pipeline.pdf.cum import ClusterConverter  # imports nothing of Dask until one is made

    if isinstance(converter, ClusterConverter):
        return Backend("dask", converter)
    return local()


def map_work(fn: Callable[[_T], _R], items: list[_T], *, workers: int,
             weight: Callable[[_T], float] | None = None, backend: Backend | None = None) -> list[_R]:
    """[fn(item) for item in items], in order (see the module's docstring)."""
    backend = backend or local()
    if backend.kind == "dask":
        assert backend.cluster is not None  # for_converter makes a dask backend with its cluster
        return _dask_map(backend.cluster, fn, items)
    if backend.kind == "spawn":
        return _spawn_map(fn, items, workers, weight)
    return fork_map(fn, items, workers, weight)


# -- task errors: a HosoError crosses a process or a machine as (class name, message, hint) ------


def _guarded(fn: Callable[[_T], _R], item: _T) -> tuple[Any, ...]:
    from pipeline.errors import HosoError

    try:
        return ("ok", fn(item))
    except HosoError as exc:
        return ("error", type(exc).__name__, exc.message, exc.hint)


def _unwrap(answer: tuple[Any, ...]) -> Any:
    if answer[0] == "ok":
        return answer[1]
    import pipeline.errors as errors

    _, kind, message, hint = answer
    raise getattr(errors, kind, errors.HosoError)(message, hint=hint)


# -- spawn -------------------------------------------------------------------------------------


def _run_share(fn: Callable[[_T], _R], items: list[_T]) -> list[tuple[Any, ...]]:
    """In a spawned worker: a share of the items (pickled once: bytes shared by several items of the
    share travel once)."""
    return [_guarded(fn, item) for item in items]


def _spawn_map(fn: Callable[[_T], _R], items: list[_T], workers: int,
               weight: Callable[[_T], float] | None) -> list[_R]:
    if workers <= 1 or len(items) <= 1:
        return [fn(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    shares = _shares([float(weight(x)) if weight else 1.0 for x in items], min(workers, len(items)))
    results: list[Any] = [None] * len(items)
    pool = ProcessPoolExecutor(max_workers=len(shares), mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = [(share, pool.submit(_run_share, fn, [items[i] for i in share])) for share in shares]
        for share, fut in futures:
            try:
                answers = fut.result()
            except BrokenProcessPool as exc:
                raise WorkerDied("Một tiến trình con dừng bất thường.") from exc
            for i, answer in zip(share, answers, strict=True):
                results[i] = _unwrap(answer)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results


# -- dask --------------------------------------------------------------------------------------


def _dask_map(cluster: ClusterConverter, fn: Callable[[_T], _R], items: list[_T]) -> list[_R]:
    """One task per item on the cluster; in order. At most `WINDOW_PER_THREAD` tasks per worker
    thread are submitted at a time (a task's data waits on the scheduler until a worker takes it:
    a province's PDFs are not all sent at once). With no worker left for the cluster's
    `no_worker_wait`, the tasks are cancelled and the build fails (Dask alone would wait forever)."""
    from pipeline.errors import ConversionFailed
    from pipeline.pdf.cum import NO_WORKER_HINT

    if not items:
        return []
    client = cluster.client
    if not client.nthreads():  # the message of ClusterConverter.run: the fill comes first
        raise ConversionFailed(f"Cụm máy Dask «{cluster.address}» không có máy làm việc (dask worker) nào.",
                               hint="Chạy «dask worker " + cluster.address + "» trên ít nhất một máy rồi thử lại.")
    threads = max(1, sum(client.nthreads().values()))
    results: list[Any] = [None] * len(items)
    tasks = _Submitted(cluster, fn, items)
    for _ in range(max(8, WINDOW_PER_THREAD * threads)):
        tasks.submit()
    why: list[str]
    stop, why = threading.Event(), []
    watch = threading.Thread(target=cluster._watch, args=(tasks.live, stop, why), daemon=True)
    watch.start()
    try:
        for fut in tasks.waiting:
            try:
                answer = fut.result()
            except BaseException as exc:
                if why:  # the watch cancelled the tasks: no worker left
                    raise ConversionFailed(why[0].replace("chưa chuyển xong văn bản sang PDF",
                                                          "chưa làm xong hồ sơ"), hint=NO_WORKER_HINT) from exc
                raise
            results[tasks.index[fut.key]] = _unwrap(answer)
            tasks.live.remove(fut)
            fut.release()
            tasks.submit()
    except BaseException:
        for fut in tasks.live:
            fut.cancel()
        raise
    finally:
        stop.set()
    return results


class _Submitted(Generic[_T, _R]):
    """`_dask_map`'s tasks: submitted one at a time (`submit`), each under a key of its own for
    this run; `live`: submitted, not yet received (what the watch cancels); `waiting`: as they
    complete."""

    def __init__(self, cluster: ClusterConverter, fn: Callable[[_T], _R], items: list[_T]) -> None:
        from distributed import as_completed

        self.client, self.fn, self.items = cluster.client, fn, items
        self.name = f"{fn.__module__}.{fn.__qualname__}"
        self.salt = os.urandom(6).hex()  # a key per run: two builds never share a task's result
        self.index: dict[Key, int] = {}
        self.live: list[Future[Any]] = []
        self.waiting = as_completed([], loop=self.client.loop)
        self.todo = iter(range(len(items)))

    def submit(self) -> None:
        import warnings

        i = next(self.todo, None)
        if i is None:
            return
        key = f"hoso-{self.fn.__name__}-{hashlib.sha256(f'{self.name}/{self.salt}/{i}'.encode()).hexdigest()[:16]}"
        with warnings.catch_warnings():  # the forms' bytes travel with their task, by design
            warnings.filterwarnings("ignore", message="Sending large graph")
            fut = self.client.submit(_guarded, self.fn, self.items[i], key=key, pure=False, retries=DASK_RETRIES)
        self.index[fut.key] = i
        self.live.append(fut)
        self.waiting.add(fut)
