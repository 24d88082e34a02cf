"""The input workbook is read once, into a private snapshot (issue 19, point 3), and hoso's
temporary folders are removed on every way out, or by the next run when a run was killed (point 8).

A save of the workbook while a build runs used to give a write-back copy mixing two versions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest
from fakes import TextConverter

from pipeline import api, tempdirs
from pipeline.forms import fill

pytestmark = pytest.mark.cold  # the temporary folders of a cold build (LibreOffice's profile) removed: builds start soffice as the CLI does (tests/conftest.py)


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    return tmp


def names_in(book: Path) -> list[str]:
    ws = openpyxl.load_workbook(book, read_only=True)["NhanSu"]
    rows = list(ws.iter_rows(values_only=True))
    col = rows[0].index("ho_ten")
    return [r[col] for r in rows[1:] if r[col]]


def test_a_save_during_the_build_changes_nothing(sample, tmp_path, own_tmp, monkeypatch):
    book = tmp_path / "nhan_su.xlsx"
    shutil.copy(sample, book)
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    original = names_in(book)
    real = fill.fill

    def saved_meanwhile(*args, **kwargs):  # the clerk saves the workbook with one row fewer
        wb = openpyxl.load_workbook(book)
        wb["NhanSu"].delete_rows(2, 5)
        wb.save(book)
        return real(*args, **kwargs)

    monkeypatch.setattr("pipeline.run.fill", saved_meanwhile)
    said: list[str] = []
    api.build(book, tmp_path / "output", api.BuildOptions(units=frozenset({"LD"}), cache_dir=tmp_path / "cache",
                                                          show_progress=False), converter=TextConverter(), log=said.append)
    assert hashlib.sha256(book.read_bytes()).hexdigest() != digest  # it was saved
    # the clerk is told her save is not in these papers (it was silent)
    assert ("Ghi chú: sổ Excel «nhan_su.xlsx» đã được lưu lại trong lúc đang tạo hồ sơ: hồ sơ vừa tạo theo bản đã đọc "
            "lúc bắt đầu, chưa có những gì lưu sau đó. Chạy lại hoso build để tạo theo bản vừa lưu.") in said, said
    out = tmp_path / "output"
    assert names_in(out / "so_lieu_kem_ket_qua.xlsx") == original  # the version the build read, whole
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dau_vao_sha256"] == digest
    assert [p.name for p in own_tmp.iterdir()] == []  # the snapshot and LibreOffice's folder are gone
    monkeypatch.setattr("pipeline.run.fill", real)  # built again, nothing saved meanwhile: nothing said
    shutil.copy(sample, book)
    said.clear()
    api.build(book, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=tmp_path / "cache", show_progress=False),
              converter=TextConverter(), log=said.append, check_unchanged=False)
    assert not any("đã được lưu lại trong lúc" in line for line in said), said


def test_temporary_folders_go_on_error_too(sample, tmp_path, own_tmp):
    with pytest.raises(RuntimeError), tempdirs.input_snapshot(sample) as snap:
        assert snap.read_bytes() == sample.read_bytes() and snap.name == sample.name
        assert (snap.parent.stat().st_mode & 0o777) == 0o700
        raise RuntimeError
    assert list(own_tmp.iterdir()) == []


def test_the_next_run_removes_what_a_killed_run_left(sample, tmp_path, own_tmp):
    """A real hoso process killed with kill -9 cannot clean up; its folders name it as owner."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = own_tmp / "hoso-lo-abc"
    dead.mkdir()
    (dead / "w0").mkdir()
    (dead / "w0" / "VP-001.docx").write_bytes(b"personal data")
    (dead / tempdirs.OWNER).write_text(f"{proc.pid} {tempdirs._started(proc.pid)}\n")
    alive = own_tmp / "hoso-vao-def"
    alive.mkdir()
    (alive / tempdirs.OWNER).write_text(f"{os.getpid()} {tempdirs._started(os.getpid())}\n")
    foreign = own_tmp / "hoso-lo-not-ours"  # no owner file: not hoso's to judge
    foreign.mkdir()
    assert tempdirs.sweep() == []  # its owner still runs
    proc.kill()
    proc.wait()
    assert tempdirs.sweep() == [dead]
    assert alive.exists() and foreign.exists() and not dead.exists()
    # a build sweeps too
    dead.mkdir()
    (dead / tempdirs.OWNER).write_text(f"{proc.pid} 1\n")
    api.rate(sample, tmp_path / "rate")
    assert not dead.exists()
