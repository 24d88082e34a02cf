"""LibreOffice faults: every one is recovered (retry) or named in a clear ConversionFailed, the
previous output folder stays as it was, and no soffice process (or child of one) is left behind.

Fast cases use the fakes of tests/fakes.py (no LibreOffice); the `libreoffice` cases use the real
soffice: a worker killed with kill -9 mid-batch, and a hang made by a wrapper script on
HOSO_SOFFICE that sleeps before exec'ing soffice.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from fakes import (
    FAULTS,
    LD,
    FaultyConverter,
    TextConverter,
    build_unit,
    kill_matching,
    leftovers,
    own_output,
    pdf_text,
    processes_matching,
    snapshot,
    wait_gone,
)
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.errors import ConversionFailed, ExitCode
from pipeline.pdf.pool import Converter, Item

pytestmark = pytest.mark.cold  # soffice's own faults (a fake that crashes, hangs, writes nothing): builds start soffice as the CLI does (tests/conftest.py)

NK = ("VP-037", "VP-038", "VP-039", "VP-040")  # unit NK: four forms of one join-safe template


@pytest.fixture
def previous(tmp_path) -> Path:
    """A previous output folder (a fake one: a manifest and a dossier) that a failed run must keep."""
    return own_output(tmp_path / "output", {"ca_nhan/LD/VP-001.pdf": b"%PDF-1.7 previous dossier %%EOF"})


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    """Conversion folders and soffice profiles under tmp_path, so its processes can be told apart."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    kill_matching(str(tmp_path))


def assert_dossiers(out: Path, people: dict[str, str], unit: str = "LD") -> None:
    for ma_so, name in people.items():
        text = pdf_text(out / "ca_nhan" / unit / f"{ma_so}.pdf")
        assert name in text, ma_so
        assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text, ma_so


# -- fakes: one fault, then the retry succeeds ------------------------------------------------------
@pytest.fixture(scope="module")
def ld_forms(tmp_path_factory, sample) -> dict[str, Path]:
    """The filled .docx of unit LD's three forms (one build with the fake converter)."""
    root = tmp_path_factory.mktemp("ld-forms")
    build_unit(sample, root / "output", root / "cache", TextConverter())
    return {ma_so: root / "output" / "ca_nhan" / "LD" / ma_so / "mau_02.docx" for ma_so in LD}


def ld_items(forms: dict[str, Path]) -> list[Item]:
    return [Item(ma_so, docx, f"{LD[ma_so]} ({ma_so}) — Mẫu số 02: Phiếu") for ma_so, docx in forms.items()]


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_once_is_recovered_by_retry(fault, ld_forms, tmp_path, own_tmp):
    conv = FaultyConverter(fault, times=1, k=1, hang_dir=tmp_path, timeout_base=1, timeout_per_doc=0)
    done = conv.run(ld_items(ld_forms))
    assert sorted(done) == sorted(LD)
    for ma_so, (data, pages) in done.items():
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert f"Họ và tên: {LD[ma_so]}" in text and pages == len(PdfReader(io.BytesIO(data)).pages)
    assert conv.calls[0] == ["FAULT:" + fault]
    retried = [call[0] for call in conv.calls[1:]]
    assert all(len(call) == 1 for call in conv.calls[1:])  # one by one, a fresh process each
    # first_k produced one form of the batch: only the two others are retried
    assert len(retried) == (2 if fault == "first_k" else 3)
    assert wait_gone(str(tmp_path)) == []  # the hang script and its child were killed


def test_recovered_build_is_complete_and_replaces_the_output(sample, tmp_path, own_tmp, previous):
    conv = FaultyConverter("first_k", times=1, k=1)
    summary = build_unit(sample, previous, tmp_path / "cache", conv)
    assert summary.converted == summary.documents  # nothing missing, nothing from a cache
    assert_dossiers(previous, LD)
    assert leftovers(previous) == []


# -- fakes: one document always fails -------------------------------------------------------------
@pytest.mark.parametrize("fault", [f for f in FAULTS if f != "first_k"])
def test_document_that_always_fails_is_named(fault, ld_forms, tmp_path, own_tmp):
    conv = FaultyConverter(fault, only=LD["VP-002"], hang_dir=tmp_path, timeout_base=1, timeout_per_doc=0)
    with pytest.raises(ConversionFailed) as exc:
        conv.run(ld_items(ld_forms))
    message = str(exc.value)
    assert "Trần Thị Thu Hà (VP-002) — Mẫu số 02" in message
    assert "VP-001" not in message and "VP-003" not in message
    assert "1 văn bản" in message and "đã thử lại" in message
    assert wait_gone(str(tmp_path)) == []


def test_every_document_failing_names_each_one_and_keeps_the_output(sample, tmp_path, own_tmp, previous):
    before = snapshot(previous)
    conv = FaultyConverter("no_pdf", times=10**6)
    with pytest.raises(ConversionFailed) as exc:
        build_unit(sample, previous, tmp_path / "cache", conv)
    for ma_so, name in LD.items():
        assert f"{name} ({ma_so}) — Mẫu số 02" in str(exc.value)
    assert "văn bản sang PDF (đã thử lại)" in str(exc.value)
    assert snapshot(previous) == before
    assert leftovers(previous) == []


def test_joined_conversion_failing_falls_back_to_one_by_one(sample, tmp_path, own_tmp, previous):
    """Unit NK has 4 forms of one join-safe template: they are joined first; that fails here (the
    fake has no soffice), so the forms are converted one by one and all arrive."""
    conv = TextConverter()
    summary = build_unit(sample, previous, tmp_path / "cache", conv, unit="NK")
    assert summary.converted == summary.documents >= 4
    for ma_so in NK:
        assert (previous / "ca_nhan" / "NK" / f"{ma_so}.pdf").exists()


def test_cli_conversion_failure_exit_6_names_person(sample, tmp_path, own_tmp, previous, monkeypatch, capsys):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: FaultyConverter("raise", only=LD["VP-003"]))
    before = snapshot(previous)
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "-o", str(previous), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.conversion_failed
    assert "Lê Quang Đức (VP-003)" in err and "Traceback" not in err
    assert snapshot(previous) == before


# -- the real LibreOffice ---------------------------------------------------------------------------
def soffice_pids(marker: str) -> list[int]:
    return [pid for pid, cmd in processes_matching(marker) if "soffice" in cmd]


def check_done(done: dict, items: list[Item]) -> None:
    """Every item converted, each PDF the right person's form."""
    assert sorted(done) == sorted(it.key for it in items)
    for it in items:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(done[it.key][0])).pages)
        assert f"Họ và tên: {it.label.split(' (')[0]}" in text, it.key
        assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in text


@pytest.mark.libreoffice
@pytest.mark.parametrize("joined", [True, False], ids=["joined", "one-by-one"])
def test_real_soffice_killed_mid_batch_is_retried(joined, ld_forms, tmp_path, own_tmp):
    items = ld_items(ld_forms)
    if joined:  # four forms of one join-safe template: converted as one joined document
        items = [Item(f"{it.key}#{n}", it.docx, it.label, "mau_02") for n, it in enumerate([*items, items[0]])]
    killed: list[str] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set() and not killed:
            for pid, cmd in processes_matching(str(own_tmp)):
                if "soffice.bin" in cmd:
                    time.sleep(0.3)  # let it start converting
                    try:
                        os.kill(pid, signal.SIGKILL)
                        killed.append(cmd)
                    except ProcessLookupError:
                        pass
                    break
            time.sleep(0.02)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        done = Converter(workers=1).run(items)
    finally:
        stop.set()
        thread.join()
    assert killed, "soffice.bin was never seen running"
    assert ("/gop000.docx" in killed[0]) == joined
    check_done(done, items)
    assert wait_gone(str(tmp_path)) == []


def sleepy_soffice(folder: Path, *, once: bool) -> Path:
    """A wrapper that hangs (a child carrying `folder` in its command line) before exec'ing soffice."""
    flag = folder / "hung-once"
    sleeper = f"{sys.executable} -c 'import time; time.sleep(300)' {folder}"
    hang = f'[ -e "{flag}" ] || {{ touch "{flag}"; {sleeper}; }}' if once else sleeper
    script = folder / "soffice"
    script.write_text(f'#!/bin/sh\n{hang}\nexec soffice "$@"\n')
    script.chmod(0o755)
    return script


@pytest.mark.libreoffice
def test_real_soffice_hang_is_killed_and_retried(ld_forms, tmp_path, own_tmp, monkeypatch):
    monkeypatch.setenv("HOSO_SOFFICE", str(sleepy_soffice(tmp_path, once=True)))
    conv = Converter(workers=1, timeout_base=8, timeout_per_doc=0)
    assert conv.soffice == str(tmp_path / "soffice")
    items = ld_items(ld_forms)[1:2]  # one form: hang, kill, a fresh soffice converts it
    done = conv.run(items)
    assert (tmp_path / "hung-once").exists()
    check_done(done, items)
    assert wait_gone(str(tmp_path)) == []


@pytest.mark.libreoffice
def test_real_soffice_always_hanging_is_named(ld_forms, tmp_path, own_tmp, monkeypatch):
    monkeypatch.setenv("HOSO_SOFFICE", str(sleepy_soffice(tmp_path, once=False)))
    conv = Converter(workers=1, timeout_base=1.5, timeout_per_doc=0)
    with pytest.raises(ConversionFailed) as exc:
        conv.run(ld_items(ld_forms)[1:2])
    assert "Trần Thị Thu Hà (VP-002) — Mẫu số 02" in str(exc.value)
    assert wait_gone(str(tmp_path)) == []
    assert not subprocess.run(["pgrep", "-f", str(tmp_path)], capture_output=True).stdout


def test_interrupted_conversion_keeps_what_was_finished_in_the_cache(ld_forms, tmp_path, monkeypatch):
    """Ctrl-C while converting: the forms converted before it are already in the cache, so the
    next run resumes from them (only the rest reach LibreOffice)."""
    from pipeline.pdf.cache import PdfCache
    from pipeline.pdf.convert import convert_documents

    class Interrupted(TextConverter):
        def convert_batch(self, profile, files, outdir):
            if self.calls:  # the second soffice run is interrupted
                raise KeyboardInterrupt
            super().convert_batch(profile, files, outdir)

    monkeypatch.setattr("pipeline.pdf.pool.MAX_BATCH", 1)  # three soffice runs of one form, one after the other
    items = ld_items(ld_forms)
    cache = PdfCache(tmp_path / "cache")
    conv = Interrupted(workers=1)
    with pytest.raises(KeyboardInterrupt):
        convert_documents(items, cache, conv, show_progress=False)
    cached = [it.key for it in items if cache.get(it.key)]
    assert len(cached) >= 1
    again = TextConverter()
    result = convert_documents(items, cache, again, show_progress=False)
    assert result.reused == len(cached) and result.converted == len(items) - len(cached)
    assert sum(len(call) for call in again.calls) == len(items) - len(cached)
