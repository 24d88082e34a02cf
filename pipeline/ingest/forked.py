"""Work done by a forked copy of this process, on the machine's second CPU.

Used where one command has two independent pieces of CPU-bound work of similar size: the sheets of
a big workbook (`reader.read_workbook`) and the ratings .xlsx written while the .json is
(`submission.ratings_xlsx.writing`). A helper never reports an error itself: when it fails in
any way (an exception, a signal, no result), `result()` raises `Failed` and the caller does the
work in its own process, so that the error, if there is one, is raised and reported as always.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable


class Failed(Exception):
    """The helper did not deliver a result; do the work here."""


def available() -> bool:
    """A helper can run: fork exists, this process runs a single thread (forking a threaded process
    can deadlock the child), and at least two CPUs are ours."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) >= 2


class Forked:
    """`Forked(work)` runs `work()` in a forked child at once; `result()` waits for it and returns
    its return value (pickled across), or raises Failed. Leaving the `with` block always ends and
    reaps the child (killed if still running, e.g. when the parent was interrupted)."""

    def __init__(self, work: Callable[[], object]) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the work, send the result, leave without the parent's clean-up
            code = 1
            try:
                os.close(read_fd)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_fd, "wb") as fh:
                    fh.write(payload)
                code = 0
            except BaseException:  # noqa: S110 - the parent sees a failure and does the work itself
                pass
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid: int | None = pid
        self._fd: int | None = read_fd

    def result(self) -> object:
        if self._pid is None or self._fd is None:
            raise Failed
        with os.fdopen(self._fd, "rb", closefd=False) as fh:
            payload = fh.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if status != 0 or not payload:
            raise Failed
        return pickle.loads(payload)

    def close(self) -> None:
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
