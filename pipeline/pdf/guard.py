"""Run a command so that it dies with hoso: `python -I guard.py PARENT_PID -- soffice …`.

soffice runs in a process group of its own (so a timeout can kill it with every child it starts),
which also means nothing kills it when hoso itself is killed outright (kill -9, a closed terminal
whose SIGHUP was not handled, an out-of-memory kill): a hung soffice would then live forever. This
guard is that group's leader: it asks the kernel for SIGTERM when its parent dies
(PR_SET_PDEATHSIG through prctl on Linux; elsewhere it looks at its parent twice a second) and
then kills its whole group — soffice, oosplash, soffice.bin — and itself. On Windows (no process
groups, no death signal) it waits on its parent's process handle and ends its own process tree with
`taskkill /T /F` (soffice.exe, soffice.bin); hoso starts it in a process group of its own
(CREATE_NEW_PROCESS_GROUP), so a Ctrl-C in the console reaches hoso, which then ends the tree.

Standard library only, run by path with -I: it must start fast and import nothing of hoso.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def _kill_group(*_args: object) -> None:
    """soffice and its children, and this guard."""
    if hasattr(os, "killpg"):
        os.killpg(os.getpgrp(), signal.SIGKILL)
    if os.name == "nt":
        exe = os.path.join(os.environ.get("SystemRoot", r"C:\Windows"), "System32", "taskkill.exe")
        try:
            subprocess.run([exe if os.path.isfile(exe) else "taskkill", "/T", "/F", "/PID", str(os.getpid())],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            pass
    os._exit(137)


def _death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _wait_windows_parent(parent: int) -> None:
    """Block until process `parent` ends (Windows: wait on its handle; its id is never replaced
    by another parent's the way POSIX adopts orphans)."""
    if sys.platform != "win32":
        raise OSError("no process handles to wait on")
    import ctypes
    from ctypes import wintypes

    k32 = ctypes.WinDLL("kernel32", use_last_error=True)
    k32.OpenProcess.restype = wintypes.HANDLE
    k32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    k32.WaitForSingleObject.argtypes = (wintypes.HANDLE, wintypes.DWORD)
    handle = k32.OpenProcess(0x00100000, False, parent)  # SYNCHRONIZE
    if handle:
        k32.WaitForSingleObject(handle, 0xFFFFFFFF)  # INFINITE


def _watch_parent(parent: int) -> None:
    if os.name == "nt":
        try:
            _wait_windows_parent(parent)
        except (OSError, AttributeError):
            return  # cannot watch: hoso still ends the tree on every way out it sees
        _kill_group()
    while os.getppid() == parent:
        time.sleep(0.5)
    _kill_group()


def main(argv: list[str]) -> int:
    parent = int(argv[0])
    cmd = argv[argv.index("--") + 1:]
    for name in ("SIGTERM", "SIGHUP", "SIGINT", "SIGBREAK"):  # those this system has
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _kill_group)
    _death_signal()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()  # also where prctl works
    if os.name != "nt" and os.getppid() != parent:  # hoso died before the death signal was set
        return 1
    proc = subprocess.Popen(cmd)
    code = proc.wait()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
