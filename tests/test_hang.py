"""A hung LibreOffice is caught by its silence, not only by the total timeout (issue 19, point 7).

The fake soffice here never writes anything and leaves a child behind (tests/fakes.py
`hang_script`); the silence allowed before the kill is shortened (STALL_START) so that the test is
quick, while the total timeouts keep their defaults: the kill can only come from the watch."""

from __future__ import annotations

import time

import pytest
from fakes import (
    LD,
    TextConverter,
    build_unit,
    hang_script,
    kill_matching,
    own_output,
    snapshot,
    wait_gone,
)

from pipeline.errors import ConversionFailed
from pipeline.pdf import pool
from pipeline.pdf.pool import Converter


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    kill_matching(str(tmp_path))


def test_a_hung_soffice_ends_the_build_quickly_naming_each_document_once(sample, tmp_path, own_tmp, monkeypatch):
    monkeypatch.setattr(pool, "STALL_START", 2.0)
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
