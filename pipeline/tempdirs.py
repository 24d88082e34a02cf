"""hoso's temporary folders (`hoso-lo-*`: LibreOffice's work; `hoso-vao-*`: the input snapshot;
`hoso-warm-*`: the profiles of LibreOffice kept running, pipeline/pdf/warm.py).

They hold personal data (filled forms, the workbook), so each is private (0700), removed on every
way out of the run (`with`: success, error, Ctrl-C, SIGTERM, SIGHUP), and carries its owner's
process id and start time (`.chu`): a run killed outright (kill -9, power cut) cannot remove its
own, so every run removes the folders whose owner is gone (`sweep`).

Only the standard library (and `pipeline.portable`, which imports only it) is imported here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.errors import OutputError

from pipeline import portable

PREFIXES = ("hoso-lo-", "hoso-vao-", "hoso-warm-")
OWNER = ".chu"
# where LibreOffice puts its sockets: fixed in its code (sal/osl/unx/pipe.cxx), TMPDIR is not read
PIPE_DIRS = ("/tmp", "/var/tmp")
LANE_PIPE = "hoso-"  # the warm lanes' --accept pipes are named hoso-<service pid>-… (pipeline/pdf/warm.py)


def soffice_pipes(profile: Path, accept: str = "") -> list[Path]:
    """The socket files a soffice with this profile (and `--accept=pipe,name=<accept>`) makes; it
    removes them when it ends, not when it is killed. The single-instance pipe is named by the MD5
    of the profile's URL in UTF-16LE, each byte in hex without padding (LibreOffice's
    desktop/source/app/officeipcthread.cxx). None on Windows (named pipes, no files)."""
    if not hasattr(os, "getuid"):
        return []
    uid = os.getuid()
    digest = hashlib.md5(Path(profile).resolve().as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    names = [f"OSL_PIPE_{uid}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}"]
    if accept:
        names.append(f"OSL_PIPE_{uid}_{accept}")
    return [Path(d, n) for d in PIPE_DIRS for n in names]


def remove_pipes(profile: Path, accept: str = "") -> None:
    """Remove the sockets a killed soffice of this profile left (`soffice_pipes`): sockets only."""
    for path in soffice_pipes(profile, accept):
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.lstat(path).st_mode):
                os.unlink(path)


def _profiles(folder: str) -> list[Path]:
    """The LibreOffice profiles in one of our folders (a folder with a `user` folder), 3 levels deep."""
    found = []
    for pattern in ("user", "*/user", "*/*/user", "*/*/*/user"):
        found += [p.parent for p in Path(folder).glob(pattern) if p.is_dir()]
    return found


def _sweep_lane_pipes() -> None:
    """The warm lanes' --accept sockets of a service that is gone (its pid in their name)."""
    if not hasattr(os, "getuid"):
        return
    own = re.compile(rf"OSL_PIPE_{os.getuid()}_{LANE_PIPE}(\d+)-")
    for folder in PIPE_DIRS:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            m = own.match(name)
            if m and int(m.group(1)) != os.getpid() and portable.pid_alive(int(m.group(1))) is False:
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    if stat.S_ISSOCK(os.lstat(path).st_mode):
                        os.unlink(path)


def _started(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot), or None if there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        if not Path("/proc").is_dir():  # not Linux: a live pid is all we can tell (unsure: alive)
            return None if portable.pid_alive(pid) is False else "?"
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(owner: str) -> bool:
    try:
        pid_text, started = owner.split()
        pid = int(pid_text)
    except ValueError:
        return False
    now = _started(pid)
    return now is not None and (now == started or now == "?")


@contextlib.contextmanager
def private_dir(prefix: str) -> Iterator[Path]:
    """A new private temporary folder, removed when the block ends however it ends."""
    sweep()
    try:
        path = Path(tempfile.mkdtemp(prefix=prefix))
    except OSError as exc:
        raise _temp_error(exc) from exc
    try:
        (path / OWNER).write_text(f"{os.getpid()} {_started(os.getpid()) or '?'}\n")
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def mark_owner(path: Path) -> None:
    """Mark a folder made with one of PREFIXES as this process's: `sweep` removes it once we are gone."""
    (path / OWNER).write_text(f"{os.getpid()} {_started(os.getpid()) or '?'}\n")


def sweep() -> list[Path]:
    """Remove hoso's temporary folders whose owner process is gone (a run killed outright);
    returns them. Folders of running hoso processes, and anything not hoso's, are left alone."""
    removed: list[Path] = []
    root = tempfile.gettempdir()
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIXES) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            # another user's (POSIX; on Windows the temporary folder is the user's own, no owner ids)
            if hasattr(os, "getuid") and entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            owner = Path(entry.path, OWNER).read_text()
        except OSError:
            continue  # no owner file: not ours to judge (an older version's, or someone else's)
        if not _alive(owner):
            for profile in _profiles(entry.path):  # what its killed LibreOffice left in /tmp
                remove_pipes(profile)
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    _sweep_lane_pipes()
    return removed


@contextlib.contextmanager
def input_snapshot(workbook: Path) -> Iterator[Path]:
    """A private copy of the input workbook (same name), read once: the whole run reads only it, so a
    save of the workbook during the run cannot mix two versions into one output."""
    with private_dir("hoso-vao-") as folder:
        snap = folder / Path(workbook).name
        try:
            data = Path(workbook).read_bytes()
        except OSError:
            yield Path(workbook)  # unreadable: the reader says so, with its own message
            return
        try:
            snap.write_bytes(data)
        except OSError as exc:
            raise _temp_error(exc) from exc
        yield snap


def _temp_error(exc: OSError) -> OutputError:
    from pipeline.errors import OutputError

    return OutputError(f"Không ghi được vào thư mục tạm «{tempfile.gettempdir()}» ({exc.strerror or exc}). Giải phóng "
                       "dung lượng hoặc chọn thư mục tạm khác (TMPDIR=/duong/dan hoso …) rồi chạy lại.")
