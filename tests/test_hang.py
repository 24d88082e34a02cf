"""A hung LibreOffice is caught by its silence, not only by the total timeout (issue 19, point 7).

The fake soffice here never writes anything and leaves a child behind (tests/fakes.py
`hang_script`); the silence allowed before the kill is shortened (STALL_START) so that the test is
quick, while the total timeouts keep their defaults: the kill can only come from the watch."""

from __future__ import annotations

import sys
import time

import pytest
from fakes import (
    LD,
    TextConverter,
    build_unit,
    hang_script,
    own_output,
    snapshot,
    wait_gone,
)

from pipeline.errors import ConversionFailed
from pipeline.pdf import pool
from pipeline.pdf.pool import Converter

pytestmark = pytest.mark.cold  # a hung soffice killed by the cold run's watch: builds start soffice as the CLI does (tests/conftest.py)


def test_a_hung_soffice_ends_the_build_quickly_naming_each_document_once(sample, tmp_path, own_tmp, monkeypatch):
    monkeypatch.setattr(pool, "STALL_START", 2.0)
    monkeypatch.setattr(pool, "STALL_FACTOR", 0.0)  # every run hangs: no healthy run to spare, 2 s of silence each
    out = own_output(tmp_path / "output", {"cu.txt": b"cu"})
    before = snapshot(out)
    conv = Converter(workers=2, soffice=str(hang_script(tmp_path)))  # total timeout: 60 s + 6 s a form
    started = time.monotonic()
    with pytest.raises(ConversionFailed) as exc:
        build_unit(sample, out, tmp_path / "cache", conv)
    took = time.monotonic() - started
    message = str(exc.value)
    assert took < 30, took  # the total timeouts alone would take minutes
    for ma_so, name in LD.items():
        assert message.count(f"{name} ({ma_so}) — Mẫu số 02") == 1
    assert "LibreOffice bị treo" in message
    assert wait_gone(str(tmp_path), timeout=5) == []  # the hang script and its child were killed
    assert snapshot(out) == before


def test_the_silence_allowed_follows_the_measured_cost(sample, tmp_path, own_tmp):
    conv = TextConverter()
    assert conv.stall_after("join", 200) == pool.STALL_START + pool.STALL_FACTOR * pool.DEFAULT_COST["join"] * 200
    build_unit(sample, tmp_path / "output", tmp_path / "cache", conv)
    assert conv.cost["each"] != pool.DEFAULT_COST["each"]  # measured on this run's conversions
    assert conv.stall_after("each", 1) == pool.STALL_START + pool.STALL_FACTOR * conv.cost["each"]


def soffice_hanging_on(folder, profile: str, log):
    """A fake soffice (the text converter of tests/fakes.py) that hangs whenever it runs with the
    profile folder `profile` and converts with any other; each run logs its profile and files."""
    from pathlib import Path

    tests = str(Path(__file__).resolve().parent)
    script = folder / "soffice-hangs-on-one-profile"
    script.write_text(
        f"#!{sys.executable}\nimport sys, time\nsys.path.insert(0, {tests!r})\nargs = sys.argv[1:]\n"
        "profile = next(a for a in args if a.startswith('-env:UserInstallation=')).rstrip('/').rsplit('/', 1)[-1]\n"
        f"with open({str(log)!r}, 'a') as fh:\n"
        "    fh.write(profile + ' ' + str(sum(a.endswith('.docx') for a in args)) + '\\n')\n"
        f"if profile == {profile!r}:\n    time.sleep(300)\n"
        "from fakes import fake_soffice_main\nfake_soffice_main(args)\n")
    script.chmod(0o755)
    return script


def test_the_documents_of_a_hung_worker_are_retried_by_another_worker(sample, tmp_path, own_tmp, monkeypatch):
    """Issue 19 point 7: the retry goes elsewhere. soffice hangs every time it runs with the first
    worker's profile; the documents that run did not produce are converted by the other worker (its
    own profile), so the build completes, and the hanging slot never runs a retry."""
    from pypdf import PdfReader

    monkeypatch.setattr(pool, "STALL_START", 2.0)
    log = tmp_path / "runs.log"
    conv = Converter(workers=2, soffice=str(soffice_hanging_on(tmp_path, "profile-0", log)))
    conv.check_pages = False  # its text PDFs are not paged like LibreOffice's
    started = time.monotonic()
    summary = build_unit(sample, tmp_path / "output", tmp_path / "cache", conv)
    assert time.monotonic() - started < 60
    runs = [line.split() for line in log.read_text().splitlines()]
    assert [r for r in runs if r[0] == "profile-0"] and len([r for r in runs if r[0] == "profile-0"]) == 1, runs
    assert len(runs) >= 3, runs  # the other worker: its own task, then the retry of the hung one's documents
    assert summary.converted == summary.documents
    for ma_so, name in LD.items():
        dossier = tmp_path / "output" / "ca_nhan" / "LD" / f"{ma_so}.pdf"
        text = " ".join(p.extract_text() for p in PdfReader(dossier).pages)
        assert name in text, ma_so
    assert wait_gone(str(tmp_path), timeout=5) == []  # the hung soffice was killed


def test_a_document_failing_everywhere_is_named_once(sample, tmp_path, own_tmp, monkeypatch):
    """soffice hangs with every profile: the retries elsewhere hang too, and each document is named
    once in the error (not once per worker that tried it)."""
    monkeypatch.setattr(pool, "STALL_START", 2.0)
    monkeypatch.setattr(pool, "STALL_FACTOR", 0.0)  # every run hangs: no healthy run to spare, 2 s of silence each
    conv = Converter(workers=3, soffice=str(hang_script(tmp_path)))
    with pytest.raises(ConversionFailed) as exc:
        build_unit(sample, tmp_path / "output", tmp_path / "cache", conv)
    message = str(exc.value)
    for ma_so, name in LD.items():
        assert message.count(f"{name} ({ma_so}) — Mẫu số 02") == 1
    assert wait_gone(str(tmp_path), timeout=5) == []
