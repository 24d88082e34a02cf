"""What differs between POSIX (Debian, macOS) and Windows, in one place (issue 20 point 6).

hoso must import and run where clerks are: on Windows there is no `fcntl`, no `os.fork`, no
process groups (`os.killpg`, `os.setsid`, `start_new_session`), no `SIGHUP`/`SIGKILL`, no
`O_NOFOLLOW`, and `os.kill(pid, 0)` does not test a process but ends it. Every such difference is
decided here by what the running Python has (not by the name of the system), so that a POSIX Python
with those features removed (tests/test_portable.py) runs the same fallbacks:

- `try_lock`/`unlock`: an exclusive lock on an open file — `fcntl.flock`, else `msvcrt.locking`
  (Windows), else `os.lockf`;
- `open_nofollow`: `os.open` that never follows a symbolic link at the path (`O_NOFOLLOW`, or a
  check of the path where the flag does not exist);
- `own_group`/`kill_tree`/`interrupt_tree`: a child started with its whole process tree in a group
  of its own, and ending that tree — `os.killpg` on POSIX, `taskkill /T /F` or `CTRL_BREAK_EVENT`
  on Windows;
- `pid_alive`, `watch_parent`: is a process still running, and a call when the parent is gone.

Only the standard library is imported here.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

WINDOWS = os.name == "nt"

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# not inherited by child processes (POSIX O_CLOEXEC, Windows O_NOINHERIT); bytes untranslated (Windows O_BINARY)
NOINHERIT = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_BINARY", 0)

# signals that ask a run to stop: the terminal closed (POSIX), Ctrl-Break / CTRL_BREAK_EVENT (Windows)
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGBREAK") if hasattr(signal, name))


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def free_name(folder: Path, name: str, ext: str = "") -> Path:
    """`folder/<name><ext>`, else `<name>-2<ext>`, `<name>-3<ext>` …: the first name nothing holds
    yet — where a copy set aside goes without covering an earlier one."""
    dest, n = folder / f"{name}{ext}", 1
    while os.path.lexists(dest):
        n += 1
        dest = folder / f"{name}-{n}{ext}"
    return dest


def replace_file(dest: Path, write: Callable[[str], object], *, prefix: str) -> None:
    """`dest` written whole or not at all: `write(tmp)` fills a temporary file beside it, which gets
    the mode the umask gives a new file (mkstemp makes it 0600: a group share would lose it) and then
    replaces `dest`. The temporary file never stays behind."""
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def open_nofollow(path: str | os.PathLike[str], flags: int, mode: int = 0o644) -> int:
    """`os.open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode)`: a symbolic link at `path` is never
    followed (OSError ELOOP). Where the system has no O_NOFOLLOW (Windows) the path is looked at
    first and the opened file compared with it, so a link planted there is refused all the same."""
    flags |= NOINHERIT
    if NOFOLLOW:
        return os.open(path, flags | NOFOLLOW, mode)
    if os.path.islink(path):
        raise OSError(errno.ELOOP, "a symbolic link, not followed", os.fspath(path))
    fd = os.open(path, flags, mode)
    try:
        st, there = os.fstat(fd), os.lstat(path)
    except OSError:
        os.close(fd)
        raise
    if (st.st_dev, st.st_ino) != (there.st_dev, there.st_ino):  # swapped for a link meanwhile
        os.close(fd)
        raise OSError(errno.ELOOP, "a symbolic link, not followed", os.fspath(path))
    return fd


def _fcntl() -> types.ModuleType | None:
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl


def try_lock(fh: IO[bytes]) -> bool:
    """Take an exclusive lock on the open file `fh` without waiting; False when another process
    holds it. Released by `unlock` or when the process ends (however it ends). A file system that
    cannot lock at all (some network shares: ENOLCK, EOPNOTSUPP…) raises `LockUnsupported`: nobody
    holds the lock there, and saying so would keep the clerk waiting for a run that does not exist."""
    fcntl = _fcntl()
    try:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif sys.platform == "win32":  # (sys.platform, not WINDOWS: the type checker reads this test)
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # its first byte (a lock may pass the end)
        else:
            fh.seek(0)
            os.lockf(fh.fileno(), os.F_TLOCK, 0)
    except OSError as exc:
        if exc.errno in _NO_LOCKING:
            raise LockUnsupported(exc.errno, exc.strerror) from exc
        return False
    return True


class LockUnsupported(OSError):
    """The file system of the lock file cannot lock files (`try_lock`)."""


_NO_LOCKING = {e for e in (getattr(errno, n, None) for n in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "ENOSYS"))
               if e is not None}


def unlock(fh: IO[bytes]) -> None:
    fcntl = _fcntl()
    if fcntl is not None:
        fcntl.flock(fh, fcntl.LOCK_UN)
    elif sys.platform == "win32":
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        fh.seek(0)
        os.lockf(fh.fileno(), os.F_ULOCK, 0)


def own_group() -> dict[str, Any]:
    """`subprocess.Popen` arguments that start the child, and all it starts, in a group of its own:
    a new session on POSIX (`os.killpg` ends it), a new process group on Windows (Ctrl-C in the
    console does not reach it; `interrupt_tree` sends it CTRL_BREAK_EVENT, `kill_tree` ends it)."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _taskkill(pid: int) -> None:
    """`taskkill /T /F /PID pid`: the process and every process it started (Windows)."""
    exe = os.path.join(os.environ.get("SystemRoot", r"C:\Windows"), "System32", "taskkill.exe")
    try:
        subprocess.run([exe if os.path.isfile(exe) else "taskkill", "/T", "/F", "/PID", str(pid)],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        pass


def kill_tree(proc: subprocess.Popen[Any]) -> None:
    """Kill `proc` (started with `own_group()`) with every process it started, at once."""
    if hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return
    if proc.poll() is not None:  # ended: its pid may be another process's now; its tree ended with it
        return                   # (pdf/guard.py ends its own tree on every way out)
    if WINDOWS:
        _taskkill(proc.pid)
        return
    # a POSIX without killpg: the child is hoso's guard (pdf/guard.py) or a web build, both of
    # which end their own group on SIGTERM; then killed outright if it did not
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def interrupt_tree(proc: subprocess.Popen[Any]) -> None:
    """Ask `proc` (started with `own_group()`) to stop cleanly: SIGTERM to its group on POSIX,
    CTRL_BREAK_EVENT to its process group on Windows (SIGBREAK in a Python child)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGTERM)
        elif sys.platform == "win32":
            proc.send_signal(signal.CTRL_BREAK_EVENT)
        else:
            proc.terminate()
    except OSError:
        pass


def pid_alive(pid: int) -> bool | None:
    """Whether process `pid` runs: True, False, or None when this system cannot tell. Never
    `os.kill(pid, 0)` on Windows: there it ends the process."""
    if sys.platform == "win32":
        try:
            import ctypes
            from ctypes import wintypes

            k32 = ctypes.WinDLL("kernel32", use_last_error=True)
            k32.OpenProcess.restype = wintypes.HANDLE
            k32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
            k32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
            k32.CloseHandle.argtypes = (wintypes.HANDLE,)
            handle = k32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
            if not handle:  # ERROR_ACCESS_DENIED: it runs (another user's); ERROR_INVALID_PARAMETER: no such process
                return {5: True, 87: False}.get(ctypes.get_last_error())
            try:
                code = wintypes.DWORD()
                if not k32.GetExitCodeProcess(handle, ctypes.byref(code)):
                    return None
                return code.value == 259  # STILL_ACTIVE
            finally:
                k32.CloseHandle(handle)
        except (OSError, AttributeError, ImportError):
            return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return None
    return True


def _wait_windows_process(pid: int) -> bool:
    """Block until process `pid` ends (Windows); False when it cannot be watched."""
    if sys.platform != "win32":
        return False
    try:
        import ctypes
        from ctypes import wintypes

        k32 = ctypes.WinDLL("kernel32", use_last_error=True)
        k32.OpenProcess.restype = wintypes.HANDLE
        k32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        k32.WaitForSingleObject.argtypes = (wintypes.HANDLE, wintypes.DWORD)
        handle = k32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return True  # gone already
        k32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE
        return True
    except (OSError, AttributeError, ImportError):
        return False


def watch_parent(parent: int, on_death: Callable[[], None], *, name: str = "hoso-watch-parent") -> None:
    """Call `on_death()` (in a daemon thread) as soon as process `parent`, which started this one,
    is gone: on POSIX this process is then adopted by another (`os.getppid` changes); on Windows the
    parent's own handle is waited on (the parent id never changes there)."""
    def watch() -> None:
        if WINDOWS and _wait_windows_process(parent):
            on_death()
            return
        while os.getppid() == parent and (not WINDOWS or pid_alive(parent) is not False):
            time.sleep(0.5)
        on_death()

    threading.Thread(target=watch, name=name, daemon=True).start()


def file_size_limit() -> int | None:
    """The largest file this process (and every program it starts) may write, in bytes: the soft
    RLIMIT_FSIZE (`ulimit -f`); None when there is none (unlimited, or a system without it)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    except (OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY or soft < 0 else int(soft)


def size_words(n: int) -> str:
    """A size as a clerk reads it: «100 KB», «4,0 MB» (1 KB = 1024 bytes, as `ulimit -f` in bash counts)."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB".replace(".", ",")
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} byte"


def file_too_big_words() -> str:
    """What made a write fail with EFBIG, in words: the session's file-size limit named with its value
    when there is one, else that limit or a FAT32 drive's 4 GB."""
    limit = file_size_limit()
    if limit is not None:
        return (f"tệp vượt cỡ tối đa máy cho phép ghi (giới hạn cỡ tệp của phiên làm việc — ulimit -f — hiện là "
                f"{size_words(limit)})")
    return ("tệp vượt cỡ tối đa máy cho phép ghi (giới hạn cỡ tệp của phiên làm việc — ulimit -f —, hoặc ổ đĩa FAT32 "
            "chỉ nhận tệp dưới 4 GB)")


__all__ = ["WINDOWS", "NOFOLLOW", "NOINHERIT", "STOP_SIGNALS", "open_nofollow", "try_lock", "LockUnsupported", "unlock", "own_group",
           "kill_tree", "interrupt_tree", "pid_alive", "watch_parent", "file_size_limit", "size_words",
           "file_too_big_words"]
