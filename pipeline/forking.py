"""Independent CPU-bound work of one stage in forked worker processes (one per CPU).

Threads would serialise pure-Python work (docxtpl rendering, pypdf assembly); forked children
inherit everything already in memory (the workbook, compiled templates, converted PDFs, open
readers) at no cost, do their share, and send back only small picklable results through a pipe.

Plain os.fork, not multiprocessing.Pool: a Pool waits forever for the task of a worker that died
(killed by the system, a signal, a crash in a C library); here a child that ends without sending
its results is an error, and an exception in a child is raised again in the parent.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar


class WorkerDied(RuntimeError):
    """A forked worker ended without sending its results."""


def _shares(weights: list[float], workers: int) -> list[list[int]]:
    """Indexes in `workers` shares of about equal weight (heaviest first to the lightest share)."""
    shares: list[list[int]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for i in sorted(range(len(weights)), key=lambda k: -weights[k]):
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += weights[i]
    return [sorted(s) for s in shares if s]


# signals held back while a worker is forked and recorded: delivered in between, one would leave a
# worker nobody ends (the parent stopped before writing its pid down) or a worker running the
# parent's handler (raising KeyboardInterrupt in the child) instead of ending
_HELD = frozenset(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _child(fn: Callable[[Any], Any], items: Sequence[Any], share: list[int], fd: int,
           mask: set[int | signal.Signals]) -> None:
    """In the forked child: run the share, send (ok, results or exception), leave at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent ends its workers with SIGTERM
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a SIGTERM sent meanwhile ends the worker now
    code = 0
    try:
        try:
            payload = pickle.dumps((True, [fn(items[i]) for i in share]))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, raised there
            try:
                payload = pickle.dumps((False, exc))
                pickle.loads(payload)  # it must also be rebuilt on the other side
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # noqa: BLE001 - nothing sent: the parent reports the worker as dead
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


_T = TypeVar("_T")
_R = TypeVar("_R")


def fork_map(fn: Callable[[_T], _R], items: Sequence[_T], workers: int,
             weight: Callable[[_T], float] | None = None) -> list[_R]:
    """[fn(item) for item in items], in order; in up to `workers` forked processes, each given a
    share of about equal `weight(item)` (default 1), when there is more than one item and one
    worker and the platform can fork, else here."""
    if workers <= 1 or len(items) <= 1 or not hasattr(os, "fork"):
        return [fn(item) for item in items]
    shares = _shares([float(weight(x)) if weight else 1.0 for x in items], min(workers, len(items)))
    children: list[tuple[int, int, list[int]]] = []
    results: list[Any] = [None] * len(items)
    try:
        for share in shares:
            read, write = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
            try:
                pid = os.fork()
                if pid == 0:
                    os.close(read)
                    _child(fn, items, share, write, mask)
                children.append((pid, read, share))
                os.close(write)
            finally:  # a stop signal that came meanwhile is raised here, with every worker recorded
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        failure: BaseException | None = None
        while children:
            pid, read, share = children[0]
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            _pid, status = os.waitpid(pid, 0)
            children.pop(0)  # read and reaped
            try:
                ok, value = pickle.loads(data)
            except Exception:  # noqa: BLE001 - nothing (or half) sent
                how = (f"tín hiệu {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                       else f"mã {os.WEXITSTATUS(status)}")
                failure = failure or WorkerDied(f"Một tiến trình con dừng bất thường ({how}).")
                continue
            if not ok:
                failure = failure or value
                continue
            for i, result in zip(share, value, strict=True):
                results[i] = result
        if failure is not None:
            raise failure
        return results
    finally:
        for pid, read, _share in children:  # interrupted (Ctrl-C, SIGTERM) or failed: end the rest
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            try:
                os.close(read)
            except OSError:
                pass
