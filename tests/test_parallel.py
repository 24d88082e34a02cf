"""The work map (pipeline/parallel.py): the spawn backend — the one the fill and bundle stages use
where there is no os.fork (Windows) — gives what the fork backend gives, raises a task's error as
it was, and a worker that dies is an error, never a hang."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from bench.cluster import differences, fingerprint
from pipeline import api, parallel
from pipeline.errors import TemplateError
from pipeline.forking import WorkerDied

SAMPLE_2024 = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2024.xlsx"


def _square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _fill(x: int) -> int:
    if x == 3:
        raise TemplateError("Mẫu «mau_02» lỗi khi điền dữ liệu.", hint="Sửa mẫu.")
    return x


def _die(x: int) -> int:
    if x == 1:
        os._exit(3)  # as a worker killed by the system: no result, no exception
    return x


def test_backend_choice(monkeypatch):
    monkeypatch.delenv(parallel.ENV, raising=False)
    assert parallel.local().kind == ("fork" if hasattr(os, "fork") else "spawn")
    monkeypatch.setenv(parallel.ENV, "spawn")
    assert parallel.local().kind == "spawn" and parallel.local().shares_files
    assert parallel.for_converter(None).kind == "spawn"  # no cluster: the local backend
    monkeypatch.delattr(os, "fork", raising=False)
    monkeypatch.delenv(parallel.ENV)
    assert parallel.local().kind == "spawn"  # no os.fork (Windows)


def test_spawn_results_in_order_from_other_processes():
    spawn = parallel.Backend("spawn")
    results = parallel.map_work(_square, list(range(7)), workers=2, weight=lambda x: x + 1, backend=spawn)
    assert [r for r, _pid in results] == [x * x for x in range(7)]
    assert len({pid for _r, pid in results} - {os.getpid()}) == 2  # two spawned workers did the work
    assert parallel.map_work(_square, [3], workers=4, backend=spawn) == [(9, os.getpid())]  # one item: here


def test_spawn_task_error_is_raised_here_as_it_was():
    with pytest.raises(TemplateError) as caught:
        parallel.map_work(_fill, list(range(6)), workers=2, backend=parallel.Backend("spawn"))
    assert caught.value.message == "Mẫu «mau_02» lỗi khi điền dữ liệu." and caught.value.hint == "Sửa mẫu."


def test_spawn_worker_that_dies_is_an_error_not_a_hang():
    started = time.monotonic()
    with pytest.raises(WorkerDied, match="dừng bất thường"):
        parallel.map_work(_die, list(range(4)), workers=2, backend=parallel.Backend("spawn"))
    assert time.monotonic() - started < 60


@pytest.mark.libreoffice
def test_2024_sample_built_with_spawn_equals_the_fork_build(tmp_path, monkeypatch):
    """HOSO_PARALLEL=spawn: the fill and bundle stages run in spawned processes (fork is refused
    for them), and the output is the fork build's, file for file."""
    fork_out, spawn_out = tmp_path / "fork", tmp_path / "spawn"
    api.build(SAMPLE_2024, fork_out, api.BuildOptions(cache_dir=tmp_path / "cache-fork", jobs=2))

    monkeypatch.setenv(parallel.ENV, "spawn")
    used: list[str] = []
    spawn_map = parallel._spawn_map

    def spy(fn, items, workers, weight):
        used.append(fn.__name__)
        return spawn_map(fn, items, workers, weight)

    def no_fork(fn, items, workers, weight=None):
        raise AssertionError(f"fork_map called for {fn.__name__}")

    fork_map = parallel.fork_map
    monkeypatch.setattr(parallel, "_spawn_map", spy)
    monkeypatch.setattr(parallel, "fork_map", no_fork)
    summary = api.build(SAMPLE_2024, spawn_out, api.BuildOptions(cache_dir=tmp_path / "cache-spawn", jobs=2))
    assert {"_fill_group", "_unit_task"} <= set(used), used
    assert summary.rendered > 0 and summary.bundles_built > 0

    assert differences(fingerprint(fork_out), fingerprint(spawn_out)) == []

    def files(out: Path) -> dict[str, str]:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        return {f["path"]: f["sha256"] for f in manifest["files"]}

    assert files(spawn_out) == files(fork_out)  # the same bytes: .docx, forms, bundles, package
    from pipeline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["verify", str(spawn_out)])
    assert exc.value.code == 0

    # from one cache that already holds the forms' PDFs (not the bundles), the same bytes again: a
    # forked worker's Pages holds every unit's PDFs, a spawned one's its unit's only, so the covers'
    # faces come from another PDF (assemble.number_in_order; 5 dossiers of this sample differed)
    def prefilled(name: str) -> Path:
        cache = tmp_path / name
        shutil.copytree(tmp_path / "cache-fork", cache, copy_function=os.link)  # linked: entries are replaced, not rewritten
        for entry in cache.rglob("*.bundle.*"):
            entry.unlink()
        return cache

    monkeypatch.setattr(parallel, "fork_map", fork_map)
    monkeypatch.delenv(parallel.ENV)
    again = api.build(SAMPLE_2024, tmp_path / "fork-cached", api.BuildOptions(cache_dir=prefilled("c1"), jobs=2))
    monkeypatch.setenv(parallel.ENV, "spawn")
    cached = api.build(SAMPLE_2024, tmp_path / "spawn-cached", api.BuildOptions(cache_dir=prefilled("c2"), jobs=2))
    assert again.converted == cached.converted == 0 and again.bundles_built == cached.bundles_built > 40
    assert files(tmp_path / "spawn-cached") == files(tmp_path / "fork-cached")
