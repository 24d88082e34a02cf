"""A soffice that is killed (timeout, hang, stop of `hoso serve`) cannot remove the sockets it made
in /tmp (LibreOffice's path, fixed: TMPDIR is not read): hoso removes those of its own profiles
and lanes, and those a run killed outright left (`tempdirs.sweep`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import tempdirs
from pipeline.pdf import libreoffice, warm
from pipeline.resources import templates_dir

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX sockets")


def sockets(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.is_socket()]


def plant(path: Path) -> None:
    """A socket file nobody listens on, as a killed soffice leaves it."""
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    s.close()


@pytest.mark.libreoffice
def test_a_stopped_warm_service_leaves_no_socket_in_tmp(own_tmp):
    service = warm.WarmService(lanes=1).start()
    lane = service.lanes[0]
    made = tempdirs.soffice_pipes(lane.root / "profile", lane.pipe)
    assert sockets(made), "the lane's soffice listens on its sockets while it runs"
    service.stop()
    assert sockets(made) == []


@pytest.mark.libreoffice
def test_a_cold_run_killed_midway_leaves_no_socket(tmp_path, own_tmp):
    template = next(iter(sorted(templates_dir().glob("*/template.docx"))))
    files = []
    for i in range(40):  # long enough to be caught running
        shutil.copyfile(template, tmp_path / f"f{i}.docx")
        files.append(tmp_path / f"f{i}.docx")
    profile = tmp_path / "profile"
    made = tempdirs.soffice_pipes(profile)
    seen: list[bool] = []

    def poll() -> None:
        if sockets(made):
            seen.append(True)
            raise RuntimeError("stop it now")

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError):
        libreoffice.run_convert(libreoffice.find_soffice(), profile, files, out, timeout=120, poll=poll)
    assert seen and sockets(made) == []


def test_the_sweep_removes_the_sockets_of_runs_killed_outright(tmp_path, monkeypatch):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    folder = Path(tempdirs.tempfile.mkdtemp(prefix="hoso-lo-"))
    profile = folder / "w0" / "profile"
    (profile / "user").mkdir(parents=True)
    (folder / tempdirs.OWNER).write_text(f"{dead} 1\n")
    single = tempdirs.soffice_pipes(profile)[0]
    lane_dead = Path(tempdirs.PIPE_DIRS[0], f"OSL_PIPE_{os.getuid()}_{tempdirs.LANE_PIPE}{dead}-0-abc")
    lane_live = Path(tempdirs.PIPE_DIRS[0], f"OSL_PIPE_{os.getuid()}_{tempdirs.LANE_PIPE}{os.getppid()}-0-abc")
    other = Path(tempdirs.PIPE_DIRS[0], f"OSL_PIPE_{os.getuid()}_somebody-else-{dead}-0")
    planted = [single, lane_dead, lane_live, other]
    try:
        for p in planted:
            plant(p)
        tempdirs.sweep()
        assert not folder.exists()
        assert not single.exists() and not lane_dead.exists()  # ours, their owners gone
        assert lane_live.is_socket() and other.is_socket()  # a live service's, and not ours
    finally:
        for p in planted:
            p.unlink(missing_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
