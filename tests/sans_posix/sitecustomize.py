"""Loaded by Python at start-up when this folder is on PYTHONPATH (tests/test_portable.py): this
interpreter then lacks what Windows lacks — `os.fork`, process groups and sessions, SIGHUP, user
ids, O_NOFOLLOW, and the modules `fcntl`, `termios`, `pwd`, `grp`, `resource` — so hoso runs its
portable paths here as it would there. (What Windows has instead — msvcrt, taskkill, CTRL_BREAK —
is not here: those branches are tested by what they are given, see tests/test_portable.py.)"""

import importlib.abc
import os
import signal
import sys

GONE_MODULES = frozenset({"fcntl", "termios", "pwd", "grp", "resource"})
GONE_OS = ("fork", "forkpty", "register_at_fork", "killpg", "setsid", "setpgrp", "getpgid", "getpgrp",
           "getuid", "geteuid", "O_NOFOLLOW")
GONE_SIGNALS = ("SIGHUP",)


class _NoPosix(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in GONE_MODULES:
            raise ImportError(f"No module named {name!r} (tests/sans_posix: as on Windows)", name=name)
        return None


for _name in GONE_MODULES:
    sys.modules.pop(_name, None)
sys.meta_path.insert(0, _NoPosix())
for _name in GONE_OS:
    if hasattr(os, _name):
        delattr(os, _name)
for _name in GONE_SIGNALS:
    if hasattr(signal, _name):
        delattr(signal, _name)
