"""Independent CPU-bound work of one stage in forked worker processes (one per CPU).

Threads would serialise pure-Python work (docxtpl rendering, pypdf assembly); forked children
inherit everything already in memory (the workbook, compiled templates, converted PDFs, open
readers) at no cost, do their part, and send back only small picklable results.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable

_job: Callable | None = None  # what the forked workers run (set just before they are forked)


def _quiet_worker() -> None:
    """In a worker: Ctrl-C is the parent's to handle (a terminal sends it to the whole process
    group), and the parent's SIGTERM handler (stop with a message) is not the worker's — the
    parent ends its workers with SIGTERM, and they end silently."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_job(i: int):
    assert _job is not None
    return _job(i)


def fork_map(fn: Callable, items: list, workers: int) -> list:
    """[fn(item) for item in items], in order; in `workers` forked processes when there is more
    than one item and one worker (and the platform can fork), else here."""
    global _job
    if workers <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    _job = lambda i: fn(items[i])  # noqa: E731
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(items)), initializer=_quiet_worker) as pool:
            return pool.map(_run_job, range(len(items)), chunksize=1)
    finally:
        _job = None
