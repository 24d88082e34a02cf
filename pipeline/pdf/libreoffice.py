"""LibreOffice behind one wrapper: find it, run it in its own process group with its own profile,
kill the whole group on timeout or interruption. A run that exits 0 without its PDFs is an error
(soffice silently stops after ~247 files), so callers always count what was produced."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from pipeline import portable, tempdirs
from pipeline.errors import MissingDependency, OutputError

INSTALL_HINT_DEBIAN = (
    "Cài LibreOffice và phông chữ tiếng Việt: sudo apt-get install -y --no-install-recommends "
    "libreoffice-writer-nogui fonts-liberation2 fonts-dejavu-core (hoặc chạy ./bootstrap.sh)."
)
INSTALL_HINT_WINDOWS = (
    "Cài LibreOffice bản cho Windows (tải tại https://www.libreoffice.org/download/download-libreoffice/, "
    "chọn Windows x86_64, cài đặt mặc định vào «C:\\Program Files\\LibreOffice»), rồi mở lại cửa sổ lệnh. "
    "Nếu đã cài vào thư mục khác, đặt biến môi trường HOSO_SOFFICE là đường dẫn tới tệp soffice.exe."
)
INSTALL_HINT = INSTALL_HINT_WINDOWS if os.name == "nt" else INSTALL_HINT_DEBIAN

KNOWN_PATHS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)
# where the Windows installer puts it (64-bit, 32-bit on 64-bit Windows, a per-user install)
WINDOWS_FOLDERS = ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA")
WINDOWS_EXE = ("LibreOffice", "program", "soffice.exe")

_live: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()


def windows_paths() -> list[str]:
    """soffice.exe in the folders the Windows installer uses (read from the environment, so the
    lookup can be tried anywhere): %ProgramFiles%, %ProgramW6432%, %ProgramFiles(x86)%, and
    %LOCALAPPDATA%\\Programs for an install for one user only."""
    out = []
    for var in WINDOWS_FOLDERS:
        base = os.environ.get(var)
        if base:
            if var == "LOCALAPPDATA":
                base = os.path.join(base, "Programs")
            out.append(os.path.join(base, *WINDOWS_EXE))
    return out


def find_soffice() -> str:
    """LibreOffice's soffice: HOSO_SOFFICE (a command name or a path), then `soffice`/`libreoffice`
    on PATH, then the usual install folders (Debian, /opt, macOS, Windows)."""
    override = os.environ.get("HOSO_SOFFICE", "")
    if override and os.path.isfile(override) and os.access(override, os.X_OK):
        return override
    for name in (override, "soffice", "libreoffice"):
        if name and (path := shutil.which(name)):
            return path
    for path in (*KNOWN_PATHS, *windows_paths()):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    raise MissingDependency("Không tìm thấy LibreOffice (lệnh soffice), cần để chuyển văn bản sang PDF.", hint=INSTALL_HINT)


def soffice_env(home: Path) -> dict[str, str]:
    """The environment of a LibreOffice run: a HOME of its own (nothing of the user's settings
    leaks in), headless VCL, and the user's own font folder kept in sight: fontconfig finds
    `~/.local/share/fonts` through XDG_DATA_HOME, which would otherwise follow the HOME given here,
    so a font the clerk installed for themselves is used — the font check (`fonts.py`) looks with
    the same environment."""
    if os.name == "nt":  # the profile is given on the command line; fonts are Windows's own
        return dict(os.environ)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(home), XDG_DATA_HOME=data_home)


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the soffice run `proc` with every process it started (its guard's group or tree)."""
    portable.kill_tree(proc)
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


class FileSizeLimit(OutputError):
    """soffice stopped by the file-size limit hoso runs under (`ulimit -f`): the kernel sends it SIGXFSZ
    when it writes past the limit, which LibreOffice reports as «Fatal exception: Signal 25» and aborts
    on (exit 134 through the guard), or, the signal ignored, a PDF cut at exactly the limit. Said as
    hoso's own writes past it are (exit 7), never as a document LibreOffice could not convert."""

    def __init__(self, limit: int, fonts: str = "") -> None:
        self.limit = limit
        if fonts:  # under a small limit LibreOffice sets text in another face (measured: ≤ 300 KB, LibreOffice 7.4)
            super().__init__(f"LibreOffice không dùng đúng phông chữ khi máy giới hạn cỡ tệp được ghi (giới hạn cỡ tệp "
                             f"của phiên làm việc — ulimit -f — hiện là {portable.size_words(limit)}): {fonts}. Bỏ giới hạn đó (ulimit -f unlimited) rồi chạy lại; kết quả cũ vẫn giữ nguyên.")
            return
        super().__init__(f"LibreOffice không ghi được tệp PDF của văn bản: {portable.file_too_big_words()}, mà một "
                         f"văn bản chuyển sang PDF lớn hơn cỡ đó. Bỏ giới hạn đó (ulimit -f unlimited) rồi chạy lại; "
                         "kết quả cũ vẫn giữ nguyên.")


def _over_size_limit(code: int, err: IO[bytes], outdir: Path) -> int | None:
    """The file-size limit when it is what ended a soffice run with `code` (its stderr in `err`), else None."""
    limit = portable.file_size_limit()
    xfsz = getattr(signal, "SIGXFSZ", None)
    if limit is None or xfsz is None or code == 0:
        return None
    if code in (-xfsz, 128 + xfsz):
        return limit
    try:
        err.seek(0, os.SEEK_END)
        err.seek(max(0, err.tell() - 65536))
        said = err.read().decode("utf-8", "replace")
    except OSError:
        said = ""
    if f"Signal {int(xfsz)}" in said:
        return limit
    try:
        return limit if any(e.is_file() and e.stat().st_size == limit for e in os.scandir(outdir)) else None
    except OSError:
        return None


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
    err = tempfile.TemporaryFile()  # what soffice says when it dies («Fatal exception: Signal 25»)
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, **portable.own_group())
    except BaseException:
        err.close()
        raise
    with _lock:
        _live.add(proc)

    def ended(code: int) -> int:
        limit = _over_size_limit(code, err, outdir)
        if limit is not None:
            raise FileSizeLimit(limit)
        return code

    try:
        if poll is None and stall is None:
            return ended(proc.wait(timeout=timeout))
        start = time.monotonic()
        end, last, seen = start + timeout, start, _progress(outdir)
        while True:
            try:
                return ended(proc.wait(timeout=max(0.01, min(0.25, end - time.monotonic()))))
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
        err.close()
        kill_group(proc)  # soffice may leave children (oosplash/soffice.bin) behind
        tempdirs.remove_pipes(profile)  # a killed soffice leaves its socket in /tmp
        with _lock:
            _live.discard(proc)
