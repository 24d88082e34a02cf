"""Ctrl-C and SIGTERM at any stage: exit 130, no LibreOffice process left, the previous output
folder intact, no staging folder left; the next run completes from the cache. A second build on
the same output folder while one runs is refused (lock, exit 7).

The signal tests run `hoso build` as a real subprocess on the sample with real LibreOffice; the
per-stage tests raise KeyboardInterrupt in-process at render, assemble and the final swap.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import (
    FaultyConverter,
    TextConverter,
    hang_script,
    kill_matching,
    leftovers,
    own_output,
    processes_matching,
    snapshot,
    wait_gone,
)

from pipeline import api
from pipeline.errors import ConversionFailed

pytestmark = pytest.mark.cold  # Ctrl-C ending the soffice a build started: builds start soffice as the CLI does (tests/conftest.py)

HOSO = [sys.executable, "-m", "pipeline"]


def env_for(tmp: Path) -> dict:
    """TMPDIR under the test's folder: soffice's profile path (in its command line) names the test."""
    tmp.mkdir(parents=True, exist_ok=True)
    return dict(os.environ, TMPDIR=str(tmp), HOSO_CACHE=str(tmp / "no-cache"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, sample) -> tuple[Path, Path]:
    """One real build of unit LD: a genuine previous output folder and a cache holding its 3 forms."""
    root = tmp_path_factory.mktemp("seed")
    out, cache = root / "output", root / "cache"
    proc = subprocess.run([*HOSO, "build", str(sample), "--unit", "LD", "-o", str(out), "--cache", str(cache)],
                          capture_output=True, text=True, timeout=180, env=env_for(root / "tmp"))
    assert proc.returncode == 0, proc.stderr
    return out, cache


def copy_seed(seeded, tmp_path) -> tuple[Path, Path]:
    out, cache = tmp_path / "output", tmp_path / "cache"
    shutil.copytree(seeded[0], out)
    shutil.copytree(seeded[1], cache)
    return out, cache


def wait_for(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.libreoffice
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_signal_during_conversion(sig, seeded, sample, tmp_path):
    out, cache = copy_seed(seeded, tmp_path)
    before = snapshot(out)
    tmp = tmp_path / "tmp"
    env = env_for(tmp)
    marker = str(tmp)
    proc = subprocess.Popen([*HOSO, "build", str(sample), "-o", str(out), "--cache", str(cache), "-j", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(lambda: [c for _, c in processes_matching(marker) if "soffice" in c], 90, "a soffice child")
        time.sleep(0.5)
        if sig == signal.SIGINT:  # meanwhile, a second build on the same folder is refused
            second = subprocess.run([*HOSO, "build", str(sample), "--unit", "LD", "-o", str(out),
                                     "--cache", str(cache)], capture_output=True, text=True, timeout=120,
                                    env=env_for(tmp_path / "tmp2"))
            assert second.returncode == 7, second.stderr
            assert "Một lệnh hoso khác đang ghi vào" in second.stderr
            assert "Traceback" not in second.stderr
            assert proc.poll() is None, "the first build ended before it could be interrupted"
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    try:
        assert proc.returncode == 130, err
        assert "Đã dừng theo yêu cầu" in err and "Traceback" not in err
        assert wait_gone(marker, timeout=5) == []
        time.sleep(1)  # a worker thread must not start a new soffice after the exit either
        assert processes_matching(marker) == []
        assert snapshot(out) == before
        assert leftovers(out) == []
        assert list(tmp.glob("hoso-*")) == []  # conversion folders and profiles removed
    finally:
        kill_matching(marker)
    again = subprocess.run([*HOSO, "build", str(sample), "--unit", "LD", "-o", str(out), "--cache", str(cache)],
                           capture_output=True, text=True, timeout=180, env=env)
    assert again.returncode == 0, again.stderr
    assert re.search(r"chuyển (PDF )?mới 0, dùng lại [1-9]", again.stderr), again.stderr
    assert leftovers(out) == []


def test_kill_9_of_hoso_takes_its_hung_soffice_with_it_and_the_next_run_cleans_up(seeded, sample, tmp_path):
    """hoso killed outright while soffice hangs: soffice (a process group of its own) dies too
    (pdf/guard.py), and the next run removes the staging and temporary folders left behind."""
    out, cache = copy_seed(seeded, tmp_path)
    tmp = tmp_path / "tmp"
    env = dict(env_for(tmp), HOSO_SOFFICE=str(hang_script(tmp_path)))
    proc = subprocess.Popen([*HOSO, "build", str(sample), "-o", str(out), "--cache", str(tmp_path / "empty")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_for(lambda: [c for _, c in processes_matching(str(tmp_path)) if "time.sleep(300)" in c], 90,
                 "the hanging soffice")
        proc.kill()
        proc.wait()
        assert wait_gone(str(tmp_path), timeout=10) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        kill_matching(str(tmp_path))
    assert list(tmp.glob("hoso-*")) and leftovers(out)  # what the killed run could not remove
    again = subprocess.run([*HOSO, "rate", str(sample), "-o", str(tmp_path / "xep_loai")], capture_output=True,
                           text=True, timeout=120, env=env)
    assert again.returncode == 0, again.stderr
    assert list(tmp.glob("hoso-*")) == []
    locked = subprocess.run([*HOSO, "build", str(sample), "--unit", "LD", "-o", str(out), "--cache", str(cache)],
                            capture_output=True, text=True, timeout=180, env=dict(env, HOSO_SOFFICE="soffice"))
    assert locked.returncode == 0, locked.stderr
    assert leftovers(out) == []


# -- in-process: Ctrl-C at each stage ------------------------------------------------------------
def _interrupt_render(monkeypatch):
    from pipeline.forms.render import CompiledTemplate

    real, calls = CompiledTemplate.render_to, []

    def render_to(self, context, dest):
        calls.append(dest)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, context, dest)

    monkeypatch.setattr(CompiledTemplate, "render_to", render_to)
    return calls


def _interrupt_assemble(monkeypatch):
    real, calls = pathlib.Path.write_bytes, []

    def write_bytes(self, data):
        if ".dang-tao-" in str(self) and self.suffix == ".pdf" and self.parent.parent.name == "ca_nhan":
            calls.append(self)
            if len(calls) == 2:  # one dossier written, the second half-way
                real(self, data[: len(data) // 2])
                raise KeyboardInterrupt
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    return calls


def _interrupt_swap(monkeypatch):
    real, calls = os.rename, []

    def rename(src, dst, *args, **kwargs):
        if ".dang-tao-" in str(src):  # the old output is already moved aside, the new not yet in
            calls.append(src)
            raise KeyboardInterrupt
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    return calls


STAGES = {"render": _interrupt_render, "assemble": _interrupt_assemble, "swap": _interrupt_swap}


@pytest.mark.parametrize("stage", list(STAGES))
def test_ctrl_c_at_each_stage_keeps_previous_output(stage, seeded, sample, tmp_path, monkeypatch):
    out, cache = copy_seed(seeded, tmp_path)
    before = snapshot(out)
    calls = STAGES[stage](monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        api.build(sample, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=tmp_path / "fresh",
                                                show_progress=False), converter=TextConverter())
    monkeypatch.undo()
    assert calls, f"the {stage} hook never fired"
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_stale_staging_of_a_killed_run_is_cleaned(seeded, sample, tmp_path):
    """A run killed with kill -9 (no clean-up possible) leaves its staging folder; the next run,
    holding the lock, removes it."""
    out, cache = copy_seed(seeded, tmp_path)
    (tmp_path / ".output.dang-tao-abc123" / "x").mkdir(parents=True)
    (tmp_path / ".output.dang-tao-abc123" / "x" / "half.pdf").write_bytes(b"%PDF-1.7 half")
    own_output(tmp_path / ".output.cu-def456" / "x", {"old.pdf": b"%PDF-1.7 old"})  # an old output moved aside
    api.build(sample, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=cache, show_progress=False),
              converter=TextConverter())
    assert leftovers(out) == []
    (tmp_path / ".other.dang-tao-1").mkdir()  # another output folder's staging is not ours to remove
    api.build(sample, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=cache, show_progress=False),
              converter=TextConverter())
    assert (tmp_path / ".other.dang-tao-1").exists()


def test_output_caught_between_the_two_renames_is_put_back(seeded, sample, tmp_path):
    """A run killed outright between moving the old output aside and moving the new one in leaves
    no output folder: the next run puts the old one back before anything else, so even when that
    run fails the clerk still has the previous output."""
    out, _cache = copy_seed(seeded, tmp_path)
    before = snapshot(out)
    aside = tmp_path / ".output.cu-killed"
    aside.mkdir()
    out.rename(aside / "x")
    with pytest.raises(ConversionFailed):
        api.build(sample, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=tmp_path / "fresh",
                                                show_progress=False), converter=FaultyConverter("no_pdf", times=10**6))
    assert snapshot(out) == before
    assert leftovers(out) == []
