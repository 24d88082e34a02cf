"""Forked stage workers (pipeline/forking.py): results in order, and Ctrl-C or SIGTERM while they
run stops the build quietly — no worker traceback on the clerk's screen, no worker left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from fakes import processes_matching, wait_gone

from pipeline.errors import TemplateError
from pipeline.forking import WorkerDied, fork_map


def test_results_come_back_in_order():
    results = fork_map(lambda x: (x * x, os.getpid()), list(range(7)), 2, weight=lambda x: x)
    assert [r for r, _pid in results] == [x * x for x in range(7)]
    assert len({pid for _r, pid in results} - {os.getpid()}) == 2  # two workers did the work
    assert fork_map(lambda x: x + 1, [1], 4) == [2]  # one item: no fork


def test_an_error_in_a_worker_is_raised_here_as_it_was():
    def fill(x):
        if x == 3:
            raise TemplateError("Mẫu «mau_02» lỗi khi điền dữ liệu.", hint="Sửa mẫu.")
        return x

    with pytest.raises(TemplateError) as caught:
        fork_map(fill, list(range(6)), 2)
    assert caught.value.message == "Mẫu «mau_02» lỗi khi điền dữ liệu." and caught.value.hint == "Sửa mẫu."


def test_a_worker_killed_by_the_system_is_an_error_not_a_hang():
    def work(x):
        if x == 1:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return x

    started = time.monotonic()
    with pytest.raises(WorkerDied, match="tín hiệu 9"):
        fork_map(work, [0, 1, 2, 3], 2)
    assert time.monotonic() - started < 10


def _sleeping_workers(marker: str, before: str = "") -> subprocess.Popen:
    """A process with `hoso`'s SIGTERM handler running two forked workers that sleep a minute; it prints
    «stopped» and exits 130 on KeyboardInterrupt. `before`: lines run first (at the script's left margin)."""
    script = textwrap.dedent("""
        import os, sys, time
        import signal
        from pipeline import forking
        from pipeline.cli import _on_sigterm
        signal.signal(signal.SIGTERM, _on_sigterm)  # as `hoso` does
    """) + textwrap.dedent(before) + textwrap.dedent(f"""
        try:
            forking.fork_map(lambda x: time.sleep(60), [1, 2, 3, 4], 2)
        except KeyboardInterrupt:
            print("stopped", flush=True)
            sys.exit(130)
        # {marker}
    """)
    return subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_workers_run_stops_quietly(sig, tmp_path):
    marker = f"hoso-forking-test-{tmp_path.name}"
    proc = _sleeping_workers(marker)
    try:
        end = time.monotonic() + 30
        while len(processes_matching(marker)) < 3 and time.monotonic() < end:  # the parent and 2 workers
            time.sleep(0.05)
        assert len(processes_matching(marker)) == 3
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)  # Ctrl-C in a terminal: the whole process group
        else:
            proc.send_signal(sig)  # `kill`: the main process only
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and out.strip() == "stopped", err
    assert "Traceback" not in err
    assert wait_gone(marker, timeout=5) == []


def test_a_stop_signal_just_after_a_fork_leaves_no_worker_behind(tmp_path):
    """SIGTERM arriving between a worker's fork and the parent writing its pid down: that worker is
    ended too (the signal is held until it is recorded), not left sleeping with the output open."""
    marker = f"hoso-forking-test-{tmp_path.name}"
    proc = _sleeping_workers(marker, """
        real_fork = os.fork
        def fork():
            pid = real_fork()
            if pid:  # the parent, at once after the first fork: `kill` from outside
                os.kill(os.getpid(), signal.SIGTERM)
            return pid
        os.fork = fork
    """)
    try:
        out, err = proc.communicate(timeout=20)  # a worker left behind keeps the output open for 60 s
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            left = wait_gone(marker, timeout=5)
            for pid, _cmd in left:
                os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130 and out.strip() == "stopped", err
    assert "Traceback" not in err
    assert left == []
