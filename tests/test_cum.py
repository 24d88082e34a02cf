"""`hoso build --cum`: the conversion on a real Dask cluster (a `dask scheduler` and two `dask worker`
processes on 127.0.0.1, started here) gives what the local build gives; a worker killed mid-build
changes nothing; no LibreOffice outlives the cluster."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from distributed import Client  # noqa: E402

from bench.cluster import LocalCluster, differences, fingerprint, soffice_under  # noqa: E402
from pipeline import api  # noqa: E402
from pipeline.cli import main  # noqa: E402
from pipeline.errors import ExitCode  # noqa: E402
from pipeline.pdf.cum import ClusterConverter  # noqa: E402
from tests import workbook_factory as wf  # noqa: E402

pytestmark = [pytest.mark.libreoffice]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return wf.write(tmp_path_factory.mktemp("cum") / "agency.xlsx", wf.tables())


@pytest.fixture(scope="module")
def local(tmp_path_factory, workbook, shared_cache) -> dict:
    out = tmp_path_factory.mktemp("cum-local") / "output"
    api.build(workbook, out, api.BuildOptions(cache_dir=shared_cache))  # the reference: only its output is compared
    return fingerprint(out)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with LocalCluster(2, tmp_path_factory.mktemp("cluster")) as c:
        yield c


def _gone(root: Path, seconds: float = 15) -> list[str]:
    end = time.monotonic() + seconds
    while (left := soffice_under(root)) and time.monotonic() < end:
        time.sleep(0.3)
    return left


def test_cluster_build_equals_local(cluster, workbook, local, tmp_path, capsys):
    out = tmp_path / "output"
    with pytest.raises(SystemExit) as exc:
        main(["build", str(workbook), "-o", str(out), "--cache", str(tmp_path / "cache"), "--cum", cluster.address])
    err = capsys.readouterr().err
    assert exc.value.code == 0, err
    assert differences(local, fingerprint(out)) == []
    with pytest.raises(SystemExit) as exc:
        main(["verify", str(out)])
    assert exc.value.code == 0
    # the same through the API, fresh cache: both workers converted a share
    with ClusterConverter(cluster.address) as conv:
        summary = api.build(workbook, tmp_path / "again", api.BuildOptions(cache_dir=tmp_path / "cache2"), converter=conv)
        assert len(conv.by_worker) == 2, conv.by_worker
        assert sum(conv.by_worker.values()) == summary.converted > 0
    assert differences(local, fingerprint(tmp_path / "again")) == []


def _converting(address: str, name: str, build: threading.Thread, end: float) -> bool:
    """Wait until the worker `name` has one of the build's conversion tasks. Its LibreOffice runs for
    the worker's whole life (pipeline/pdf/warm.py), so a soffice process says nothing about the build."""
    with Client(address, set_as_default=False) as watch:
        at = next(a for a, w in watch.scheduler_info()["workers"].items() if w.get("name") == name)
        while time.monotonic() < end and build.is_alive():
            if any(str(k).startswith("hoso-pdf") for k in watch.processing([at]).get(at, ())):
                return True
            time.sleep(0.05)
    return False


def test_worker_killed_mid_build(cluster, workbook, local, tmp_path):
    """SIGKILL of a worker while its LibreOffice converts: Dask runs its tasks again on the other one."""
    victim = 0
    result: dict = {}

    def run():
        try:
            with ClusterConverter(cluster.address) as conv:
                api.build(workbook, tmp_path / "output", api.BuildOptions(cache_dir=tmp_path / "cache"),
                          converter=conv)
                result["by_worker"] = dict(conv.by_worker)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            result["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    end = time.monotonic() + 120
    assert _converting(cluster.address, f"w{victim}", t, end), ("the worker never got a conversion", result)
    assert soffice_under(cluster.root / f"w{victim}"), "the worker has no LibreOffice"
    cluster.kill_worker(victim)
    t.join(300)
    assert not t.is_alive()
    assert "error" not in result, result.get("error")
    assert len(result["by_worker"]) == 1  # everything came from the worker still alive
    assert differences(local, fingerprint(tmp_path / "output")) == []
    with pytest.raises(SystemExit) as exc:
        main(["verify", str(tmp_path / "output")])
    assert exc.value.code == 0
    assert _gone(cluster.root / f"w{victim}") == []  # the killed worker's soffice died with it (guard.py)
    cluster.start_worker(2)  # the cluster has two workers again for any later test
    cluster.wait_for(2)


# the worker's warm service's counters (a lambda: sent by value, this module is not importable on the worker)
_LANES = lambda dask_worker: dask_worker.plugins["hoso-libreoffice"].service.stats()  # noqa: E731


def test_no_libreoffice_after_the_cluster_stops(tmp_path, workbook):
    """The worker's LibreOffice is started once and kept across builds (each build converts on it),
    and nothing of it is left once the cluster stops."""
    with LocalCluster(1, tmp_path / "cluster") as c:
        for n in (1, 2):  # a fresh cache each time: both builds convert every form
            with ClusterConverter(c.address) as conv:
                api.build(workbook, tmp_path / f"output{n}", api.BuildOptions(cache_dir=tmp_path / f"cache{n}"),
                          converter=conv)
                (stats,) = conv.client.run(_LANES).values()
            assert stats["starts"] == stats["lanes"] == 1 and stats["requests"] >= n and stats["failed"] == 0, stats
        assert list((tmp_path / "cluster" / "w0").glob("hoso-warm-*")), "the worker keeps LibreOffice for its life"
    assert _gone(tmp_path / "cluster") == []
    assert not list((tmp_path / "cluster" / "w0").glob("hoso-cum-*"))  # teardown removed them
    assert not list((tmp_path / "cluster" / "w0").glob("hoso-warm-*"))


def test_every_worker_lost_fails_and_keeps_the_old_output(tmp_path, workbook, capsys):
    """The only worker killed mid-build: no endless wait, a ConversionFailed, and the output folder
    keeps what it held (staged, swapped only on success)."""
    from pipeline.errors import ConversionFailed

    out = tmp_path / "output"
    out.mkdir()
    with LocalCluster(1, tmp_path / "cluster") as c:
        conv = ClusterConverter(c.address)
        conv.no_worker_wait = 3
        result: dict = {}

        def run():
            try:
                api.build(workbook, out, api.BuildOptions(cache_dir=tmp_path / "cache"), converter=conv)
            except BaseException as exc:  # noqa: BLE001 - checked below
                result["error"] = exc

        t = threading.Thread(target=run)
        t.start()
        assert _converting(c.address, "w0", t, time.monotonic() + 120), result
        c.kill_worker(0)
        t.join(120)
        conv.close()
    assert not t.is_alive()
    assert isinstance(result.get("error"), ConversionFailed), result
    assert "không còn máy làm việc nào trong 3 giây" in str(result["error"])
    assert list(out.iterdir()) == []  # nothing of the failed build in the output folder


def test_no_workers_is_a_clear_message(tmp_path, workbook, capsys):
    with LocalCluster(0, tmp_path / "cluster") as c:
        with pytest.raises(SystemExit) as exc:
            main(["build", str(workbook), "-o", str(tmp_path / "o"), "--cache", str(tmp_path / "cache"), "--cum", c.address])
    assert exc.value.code == ExitCode.conversion_failed
    assert f"Cụm máy Dask «{c.address}» không có máy làm việc (dask worker) nào." in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# -- fill and bundles on the cluster too (pipeline/parallel.py, pipeline/forms/remote.py, pipeline/bundle/remote.py) ---------------

SAMPLE_2026 = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"


@pytest.fixture(scope="module")
def local_2026(tmp_path_factory, shared_cache) -> dict:
    out = tmp_path_factory.mktemp("cum-local-2026") / "output"
    api.build(SAMPLE_2026, out, api.BuildOptions(cache_dir=shared_cache))
    return fingerprint(out)


def _kinds(stream: list[dict]) -> dict[str, set[str]]:
    """task kind (render_forms, bundle_units, pdf) -> the workers that ran one"""
    out: dict[str, set[str]] = {}
    for t in stream:
        key = t["key"] if isinstance(t["key"], str) else str(t["key"])
        kind = key.split("-")[1] if key.startswith("hoso-") else "?"
        out.setdefault(kind, set()).add(t["worker"])
    return out


def _verified(out: Path) -> None:
    """`hoso verify` passes, and the folder holds exactly the files the manifest lists, each once."""
    import json

    with pytest.raises(SystemExit) as exc:
        main(["verify", str(out)])
    assert exc.value.code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = [f["path"] for f in manifest["files"]]
    assert len(listed) == len(set(listed))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(listed) <= on_disk
    assert not [p for p in on_disk - set(listed) if p.endswith((".docx", ".pdf"))], on_disk - set(listed)


def test_2026_sample_filled_converted_and_bundled_on_the_cluster(cluster, local_2026, tmp_path, capsys):
    """`--cum`: the forms are filled, converted and the bundles assembled by the two workers; the
    output equals the local build's (.docx digests, page counts, bundle bookmarks)."""
    from distributed import Client, get_task_stream

    out = tmp_path / "output"
    with Client(cluster.address, set_as_default=False) as watcher, get_task_stream(client=watcher) as ts:
        with pytest.raises(SystemExit) as exc:
            main(["build", str(SAMPLE_2026), "-o", str(out), "--cache", str(tmp_path / "cache"), "--cum", cluster.address])
        assert exc.value.code == 0, capsys.readouterr().err
    kinds = _kinds(ts.data)
    assert set(kinds) >= {"render_forms", "pdf", "bundle_units"}, kinds
    assert len(kinds["render_forms"] | kinds["bundle_units"]) == 2, kinds  # both workers filled or bundled
    assert differences(local_2026, fingerprint(out)) == []
    _verified(out)

    # a second build from the same cache: every .docx and bundle is taken from the cache on the
    # client, nothing is filled or bundled on the cluster, and the output is the same
    again = tmp_path / "again"
    with Client(cluster.address, set_as_default=False) as watcher, get_task_stream(client=watcher) as ts:
        summary = api.build(SAMPLE_2026, again, api.BuildOptions(cache_dir=tmp_path / "cache", cum=cluster.address))
    assert summary.rendered == 0 and summary.bundles_built == 0 and summary.converted == 0
    assert not {"render_forms", "bundle_units"} & set(_kinds(ts.data))
    assert differences(local_2026, fingerprint(again)) == []


@pytest.mark.parametrize("stage", ["render_forms", "bundle_units"])
def test_worker_killed_mid_fill_or_mid_bundle(cluster, local_2026, tmp_path, stage):
    """SIGKILL of a worker holding fill (or bundle) tasks: Dask runs them again on the other worker;
    the build completes, equal to the local one, verified, no file twice."""
    from distributed import Client

    result: dict = {}

    def run():
        try:
            result["summary"] = api.build(SAMPLE_2026, tmp_path / "output",
                                          api.BuildOptions(cache_dir=tmp_path / "cache", cum=cluster.address))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            result["error"] = exc

    with Client(cluster.address, set_as_default=False) as watcher:
        names = {addr: w["name"] for addr, w in watcher.scheduler_info()["workers"].items()}
        t = threading.Thread(target=run)
        t.start()
        victim = None
        end = time.monotonic() + 240
        while victim is None and t.is_alive() and time.monotonic() < end:
            for addr, keys in watcher.processing().items():
                if any(str(k).startswith(f"hoso-{stage}-") for k in keys):
                    victim = addr
                    break
            else:
                time.sleep(0.01)
        assert victim is not None, f"no {stage} task was seen on a worker"
        index = int(str(names[victim]).lstrip("w"))
        cluster.kill_worker(index)
        t.join(300)
        assert not t.is_alive()
        assert "error" not in result, result.get("error")
        cluster.start_worker(len(cluster.workers))  # two workers again for any later test
        cluster.wait_for(2)
    assert result["summary"].rendered > 0 and result["summary"].bundles_built > 0
    assert differences(local_2026, fingerprint(tmp_path / "output")) == []
    _verified(tmp_path / "output")


def test_web_queue_builds_on_the_cluster(cluster, local_2026, tmp_path):
    """`hoso serve --cum`: the queue's build process is given the cluster (BuildOptions.cum)."""
    import shutil

    from distributed import Client, get_task_stream

    from pipeline.web.jobs import BuildQueue
    from pipeline.web.store import Store, now

    store = Store(tmp_path / "web")
    store.x("INSERT INTO co_quan(ma, tao_luc) VALUES (?, ?)", "SO_X", now())
    so_id = store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) VALUES (?,?,?,?,?,?,?)",
                    "SO_X", "mau.xlsx", now(), "vanthu", 0, 0, "")
    store.upload_path("SO_X", so_id).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_2026, store.upload_path("SO_X", so_id))
    with Client(cluster.address, set_as_default=False) as watcher, get_task_stream(client=watcher) as ts:
        q = BuildQueue(store, cum=cluster.address)
        try:
            build_id = q.submit("SO_X", so_id, "vanthu")
            end = time.monotonic() + 300
            while time.monotonic() < end:
                row = store.one("SELECT trang_thai, loi FROM lan_tao WHERE id=?", build_id)
                if row["trang_thai"] in ("xong", "loi"):
                    break
                time.sleep(0.5)
        finally:
            q.stop()
    assert row["trang_thai"] == "xong", row["loi"]
    assert set(_kinds(ts.data)) >= {"render_forms", "pdf", "bundle_units"}
    assert differences(local_2026, fingerprint(store.output_dir("SO_X"))) == []
