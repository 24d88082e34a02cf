"""The benchmark script keeps working: `python -m bench.run --smoke` (N = 14, two units) runs end to end with
the real LibreOffice and writes a JSON with every ratio. Only the keys are checked, never the values:
speed is measured by the full benchmark on a quiet machine, not in CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import synth
from bench.run import RATIO_KEYS, TARGETS
from pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]


def test_smoke_run_writes_every_ratio(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--smoke", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = list(tmp_path.glob("bench-*.json"))
    assert len(files) == 1, files
    res = json.loads(files[0].read_text(encoding="utf-8"))
    expected = {"speedup_vs_naive", "speedup_vs_ceiling", "incremental_over_full", "nochange_over_full",
                "server_incremental_over_full", "check_rate_seconds", "size_over_libreoffice", "peak_rss_mb"}
    assert set(RATIO_KEYS) == expected == set(TARGETS)
    assert expected <= set(res["ratios"])
    assert set(res["status"]) == set(res["ratios"])
    assert all(v in ("PASS", "MISS", "n/a") for v in res["status"].values())
    for key in ("full_build", "naive", "ceiling", "size", "incremental", "nochange", "check_rate", "server"):
        assert key in res["measurements"], key
    assert res["measurements"]["naive"]["sample"] == 3
    assert res["measurements"]["workbook"]["units"] == 2  # the size measure joins each unit's forms: more than one
    server = res["measurements"]["server"]["incremental"]
    assert server["soffice_started"] == 0 and server["lane_requests"] >= 1  # the rebuild used the warm lanes
    assert "| ratio |" in proc.stdout


def test_synthetic_workbook_is_deterministic_and_valid(tmp_path):
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    stats = synth.generate(120, a, seed=7)
    synth.generate(120, b, seed=7)
    target = synth.edit_target(120, seed=7)
    synth.generate(120, c, seed=7, edit=target)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert stats.people == 120 and stats.units >= 5
    problems = ingest.check(a)
    assert not [p for p in problems if p.is_error], [p.text() for p in problems if p.is_error][:5]
    campaign = ingest.load(a)
    kinds = {p.loai_nhan_su for p in campaign.people}
    assert {"cong_chuc", "vien_chuc", "hop_dong", "nguoi_lao_dong"} <= kinds
    assert {u.loai_don_vi for u in campaign.units} == {"hanh_chinh", "su_nghiep"}
    assert 0.45 <= sum(p.dang_vien for p in campaign.people) / 120 <= 0.75
    assert set(campaign.votes) == {p.ma_so for p in campaign.people}
    # the edit changes exactly one person's texts
    edited = ingest.load(c)
    changed = [k for k in campaign.texts if campaign.texts[k] != edited.texts.get(k)]
    assert changed == [target]
