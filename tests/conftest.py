"""Shared fixtures: the sample workbook, an isolated PDF cache, one real build of the sample."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
from pathlib import Path

import pytest

from pipeline import api
from pipeline.resources import sample_workbook

ROOT = Path(__file__).resolve().parent.parent

# One "today" for the whole run, in this process and every hoso it starts: a run that crosses midnight
# computes every deadline line ("đã quá hạn N ngày") for the same date (pipeline/clock.py).
os.environ.setdefault("HOSO_HOM_NAY", dt.date.today().isoformat())

# A suite started in the background by a shell without job control (`cmd &` in a script, `nohup … &`) has
# Ctrl-C (SIGINT) ignored, and an ignored signal stays ignored in every process it starts: the hoso runs the
# interrupt tests start would never see their Ctrl-C. Ctrl-C is given back to this process (its children then
# start with the default: Python's KeyboardInterrupt), as in a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The modules whose tests take longest (setup + call + teardown of every test of a full run at 9962ed9 with
# --durations=0, summed per module: every module over 15 s, heaviest first), collected first: pytest-xdist's
# --dist loadfile hands the modules to its workers in the collection's order when --no-loadscope-reorder is given
# (pyproject.toml's addopts), so the longest go first and the short ones fill the end on whichever worker is free.
# Its default order — by the number of tests in a module — left a few long modules of few tests (the cluster's,
# the bench smoke run) for the end, one worker busy with them while the other had nothing left. Every other
# module follows in its usual order; the tests of one module keep theirs.
HEAVY_FIRST = (
    "test_cum.py", "test_web.py", "test_web_forms.py", "test_web_season.py", "test_one_level_everywhere.py",
    "test_web_province.py", "test_incremental.py", "test_warm.py", "test_rebuild_reuse.py", "test_bench_smoke.py",
    "test_webrev.py", "test_printed.py", "test_season.py", "test_sym45.py", "test_forms_2026.py",
    "test_web_scans.py", "test_portable.py", "test_clerk_season.py", "test_aud39.py", "test_faults.py",
    "test_web_tt.py", "test_scan_signed.py", "test_rec.py", "test_templates_check.py", "test_inlai.py",
    "test_parallel.py", "test_th46.py", "test_join.py", "test_aud33.py", "test_rev42.py", "test_clerk34.py",
    "test_web_reviewer.py", "test_scan_codes.py", "test_interrupt.py", "test_scan_real.py", "test_hang.py",
    "test_typo43.py", "test_web_security.py", "test_mua.py", "test_web_accounts.py",
    "test_unit_papers_review_2026.py", "test_output_safety.py", "test_xa36.py", "test_webso.py",
    "test_web_workbooks.py", "test_build_e2e.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(HEAVY_FIRST)))  # stable: each module's order kept


@pytest.fixture(scope="session")
def sample() -> Path:
    return sample_workbook()


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pdf-cache")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """A PDF cache shared by every pytest-xdist worker of this run (one folder under the run's base temporary
    folder, the parent of each worker's own): a document another worker already converted — the same program,
    template, context, LibreOffice and fonts (pdf/cache.py `pdf_key`) — is taken from it, the very PDF a
    conversion gives. Entries are written to a temporary file renamed over the entry (`_atomic_write`): two
    workers writing the same entry, or one reading while the other writes, see the whole of one or the other.
    Only for builds whose tests never ask what was converted, reused or cached (counts, `summary.converted`,
    «chuyển», `program_changed`, eviction, fake converters, timings): such a test keeps its own empty cache.
    Without xdist, one folder of this run."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent / "pdf-cache-shared"
        root.mkdir(exist_ok=True)
        return root
    return tmp_path_factory.mktemp("pdf-cache-shared")


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch, cache_dir):
    """Tests never read or write the user's own ~/.cache/hoso."""
    monkeypatch.setenv("HOSO_CACHE", str(cache_dir))


@pytest.fixture(scope="session")
def built(tmp_path_factory, sample, cache_dir) -> tuple[Path, api.BuildSummary]:
    """One real build of the sample workbook with LibreOffice, shared by the end-to-end tests."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required for the end-to-end tests: run ./bootstrap.sh setup")
    out = tmp_path_factory.mktemp("build") / "output"
    summary = api.build(sample, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    return out, summary


# LibreOffice kept warm for the builds of the tests (`pipeline.pdf.warm`, as `hoso serve` keeps it): a cold build
# starts two soffice (1.3–1.8 s each, ~2–3 s of a loaded 2-core machine) before its first conversion, and the suite
# makes hundreds of builds. Every `api.build` a test makes without its own converter converts on this worker's two
# warm lanes (`WarmConverter`: joining, splitting, checks, retries and messages are the cold converter's; only how
# soffice is run differs, and its PDFs are the same: tests/test_warm.py). A module that tests how soffice itself is
# started, hangs, crashes or is interrupted says `pytestmark = pytest.mark.cold` (its builds start soffice as the
# CLI does); `HOSO_TEST_COLD=1` makes every build cold. `hoso build` run as a subprocess is always cold.
# The service runs in a process of its own, reached as `hoso serve`'s build processes reach theirs (`WarmClient`): in
# this process its threads would turn off what a single-threaded process alone may do (the workbook reader's forked
# helper, `ingest/forked.py`), and the tests would no longer run the CLI's path.
_WARM: list = []  # (the service's process, its client): started by the first test that builds, once per worker
_SERVE_LANES = """
import sys
from pipeline.pdf.warm import WarmService
service = WarmService(2).start(listen=True)
host, port = service.address
print(f"{host}:{port} {service.authkey.hex()}", flush=True)
sys.stdin.read()  # until the worker ends (its end closes this pipe, even when it is killed)
service.stop()
"""


def _warm_service():
    import subprocess
    import sys

    from pipeline.pdf.warm import WarmClient

    if not _WARM:
        proc = subprocess.Popen([sys.executable, "-c", _SERVE_LANES], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True, cwd=ROOT)
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if len(line) != 2:
            proc.kill()
            pytest.fail("the tests' warm LibreOffice lanes did not start (HOSO_TEST_COLD=1 runs without them)")
        host, _, port = line[0].rpartition(":")
        _WARM.append((proc, WarmClient((host, int(port)), bytes.fromhex(line[1]))))
    return _WARM[0][1]


def pytest_sessionfinish(session: pytest.Session) -> None:
    for proc, _client in _WARM:
        proc.stdin.close()
        try:
            proc.wait(30)
        except Exception:  # noqa: BLE001 - a service that does not stop is killed
            proc.kill()


@pytest.fixture(autouse=True)
def _warm_builds(request, monkeypatch):
    if os.environ.get("HOSO_TEST_COLD") or request.node.get_closest_marker("cold") or not shutil.which("soffice"):
        return
    from pipeline import run
    from pipeline.pdf import pool
    from pipeline.pdf.warm import WarmConverter

    class TestWarmConverter(WarmConverter):
        """The converter a build makes when it is given none, on this worker's warm lanes; the cold one when the test
        named its own soffice (HOSO_SOFFICE: a fake, a hanging script), which the lanes would not run."""

        def __new__(cls, **kwargs):
            if os.environ.get("HOSO_SOFFICE"):
                return pool.Converter(**kwargs)
            return super().__new__(cls)

        def __init__(self, **kwargs) -> None:
            super().__init__(_warm_service(), **kwargs)

    if run.Converter is pool.Converter:  # else a fixture of the module set its own (a text converter, a fault)
        monkeypatch.setattr(run, "Converter", TestWarmConverter)


@pytest.fixture
def own_tmp(tmp_path, monkeypatch):
    """The temporary folder of this test (LibreOffice profiles, the warm lanes' pipes): the processes
    it started can be found by path, and are killed with their groups afterwards."""
    import tempfile

    from tests.fakes import kill_groups_matching

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    yield tmp
    kill_groups_matching(str(tmp_path))


@pytest.fixture
def cli_in_process(monkeypatch):
    """`pipeline.cli.main` run in the test's process (fakes.run_main): it may not take SIGTERM's handler."""
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
