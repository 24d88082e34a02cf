"""Run a command so that it dies with hoso: `python -I guard.py PARENT_PID -- soffice …`.

soffice runs in a process group of its own (so a timeout can kill it with every child it starts),
which also means nothing kills it when hoso itself is killed outright (kill -9, a closed terminal
whose SIGHUP was not handled, an out-of-memory kill): a hung soffice would then live forever. This
guard is that group's leader: it asks the kernel for SIGTERM when its parent dies
(PR_SET_PDEATHSIG through prctl on Linux; elsewhere it looks at its parent twice a second) and
then kills its whole group — soffice, oosplash, soffice.bin — and itself.

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
    os.killpg(os.getpgrp(), signal.SIGKILL)  # soffice and its children, and this guard


def _death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    _kill_group()


def main(argv: list[str]) -> int:
    parent = int(argv[0])
    cmd = argv[argv.index("--") + 1:]
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _kill_group)
    _death_signal()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()  # also where prctl works
    if os.getppid() != parent:  # hoso died before the death signal was set
        return 1
    proc = subprocess.Popen(cmd)
    code = proc.wait()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
