"""LibreOffice behind one wrapper: find it, run it in its own process group with its own profile,
kill the whole group on timeout or interruption. A run that exits 0 without its PDFs is an error
(soffice silently stops after ~247 files), so callers always count what was produced."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import MissingDependency

INSTALL_HINT = (
    "Cài LibreOffice và phông chữ tiếng Việt: sudo apt-get install -y --no-install-recommends "
    "libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core (hoặc chạy ./bootstrap.sh)."
)

KNOWN_PATHS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)

_live: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()


def find_soffice() -> str:
    for name in (os.environ.get("HOSO_SOFFICE", ""), "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    for path in KNOWN_PATHS:
        if os.access(path, os.X_OK):
            return path
    raise MissingDependency("Không tìm thấy LibreOffice (lệnh soffice), cần để chuyển văn bản sang PDF.", hint=INSTALL_HINT)


def soffice_env(home: Path) -> dict[str, str]:
    """The environment of a LibreOffice run: a HOME of its own (nothing of the user's settings
    leaks in), headless VCL, and the user's own font folder kept in sight: fontconfig finds
    `~/.local/share/fonts` through XDG_DATA_HOME, which would otherwise follow the HOME given here,
    so a font the clerk installed for themselves is used — the font check (`fonts.py`) looks with
    the same environment."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(home), XDG_DATA_HOME=data_home)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def kill_all() -> None:
    """Kill every LibreOffice process group we started (Ctrl-C, SIGTERM, fatal error)."""
    with _lock:
        procs = list(_live)
    for proc in procs:
        kill_group(proc)


GUARD = Path(__file__).with_name("guard.py")


def guarded(cmd: list[str]) -> list[str]:
    """`cmd` run under `guard.py`, which kills its whole process group when hoso dies."""
    return [sys.executable, "-I", "-S", str(GUARD), str(os.getpid()), "--", *cmd]


class Timeout(Exception):
    pass


class Stalled(Timeout):
    """soffice wrote nothing new for the allowed silence: killed as hung, before its total timeout."""


def _progress(outdir: Path) -> tuple[tuple[str, int], ...]:
    """What soffice has written so far (names and sizes): any change is progress."""
    try:
        return tuple(sorted((e.name, e.stat().st_size) for e in os.scandir(outdir)))
    except OSError:
        return ()


def run_convert(soffice: str, profile: Path, files: list[Path], outdir: Path, *, timeout: float,
                filter_options: str = "pdf:writer_pdf_Export", poll: Callable[[], None] | None = None,
                stall: float | None = None) -> int:
    """Convert `files` into `outdir` with one soffice process; returns its exit code. `poll` is
    called about four times a second while soffice runs (e.g. to report the PDFs written so far).
    `stall`: seconds soffice may run without writing anything new into `outdir` before it is killed
    as hung (`Stalled`); `timeout` bounds the whole run (`Timeout`)."""
    cmd = [
        soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--invisible",
        "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--nofirststartwizard",
        "--convert-to", filter_options, "--outdir", str(outdir), *map(str, files),
    ]
    env = soffice_env(profile.parent)
    cmd = guarded(cmd)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    with _lock:
        _live.add(proc)
    try:
        if poll is None and stall is None:
            return proc.wait(timeout=timeout)
        start = time.monotonic()
        end, last, seen = start + timeout, start, _progress(outdir)
        while True:
            try:
                return proc.wait(timeout=max(0.01, min(0.25, end - time.monotonic())))
            except subprocess.TimeoutExpired:
                now = time.monotonic()
                if now >= end:
                    raise
                if poll is not None:
                    poll()
                if stall is not None:
                    now_seen = _progress(outdir)
                    if now_seen != seen:
                        seen, last = now_seen, now
                    elif now - last > stall:
                        kill_group(proc)
                        raise Stalled from None
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise Timeout from None
    finally:
        kill_group(proc)  # soffice may leave children (oosplash/soffice.bin) behind
        with _lock:
            _live.discard(proc)
