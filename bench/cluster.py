"""A local Dask cluster for the benchmark and the tests, and what two builds must share.

    python -m bench.cluster [--people N] [--workers 2] [--out DIR]

starts a real `dask scheduler` and N `dask worker` processes on 127.0.0.1 (one thread each, no
nanny: a killed worker stays dead), builds the same synthetic agency (bench/synth.py) locally and
through the cluster (`hoso build --cum`: the forms filled, converted and the bundles assembled by
the workers), each with a fresh cache, and checks that both give the same outputs: SHA-256 of every
filled .docx, page count of every PDF, bookmarks (title, page) of every bundle. It prints and writes
(`<out>/cluster-<timestamp>.json`) the build times, per stage on the cluster (fill, convert,
bundles: tasks, wall time, seconds of work on the workers, from Dask's task stream), the forms
converted by each worker and its throughput, and a projection for 10,000 and 70,000 people on W
workers from those measured numbers (docs/performance.md, "Scale-out").
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dask(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "dask", *args]


class LocalCluster:
    """`dask scheduler` + `dask worker` processes on 127.0.0.1, each worker with a TMPDIR of its own
    (its LibreOffice profiles live there: `soffice_left` finds any soffice it left)."""

    def __init__(self, workers: int = 2, root: Path | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="hoso-dask-"))
        self.n = workers
        self.scheduler: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self.address = ""

    def __enter__(self) -> LocalCluster:
        self.root.mkdir(parents=True, exist_ok=True)
        info = self.root / "scheduler.json"
        env = dict(os.environ, DASK_DISTRIBUTED__LOGGING__DISTRIBUTED="warning")
        self.scheduler = subprocess.Popen(
            _dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(info)),
            stdout=subprocess.DEVNULL, stderr=open(self.root / "scheduler.log", "wb"), env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while not info.is_file() or not info.read_text().strip():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                self.stop()
                raise RuntimeError("dask scheduler did not start: " + (self.root / "scheduler.log").read_text()[-2000:])
            time.sleep(0.2)
        time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]
        for i in range(self.n):
            self.start_worker(i)
        self.wait_for(self.n)
        return self

    def start_worker(self, i: int) -> subprocess.Popen:
        tmp = self.root / f"w{i}"
        tmp.mkdir(exist_ok=True)
        env = dict(os.environ, TMPDIR=str(tmp), DASK_DISTRIBUTED__LOGGING__DISTRIBUTED="warning",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])))
        proc = subprocess.Popen(
            _dask("worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{i}",
                  "--host", "127.0.0.1"),
            stdout=subprocess.DEVNULL, stderr=open(self.root / f"w{i}.log", "wb"), env=env, start_new_session=True)
        self.workers.append(proc)
        return proc

    def wait_for(self, n: int, timeout: float = 90) -> None:
        from distributed import Client

        if n < 1:
            return
        with Client(self.address, timeout=30, set_as_default=False) as c:
            c.wait_for_workers(n, timeout=timeout)

    def kill_worker(self, i: int) -> None:
        """SIGKILL: the worker is lost, as a machine that fails (its soffice dies with it: guard.py)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.workers[i].pid, signal.SIGKILL)
        self.workers[i].wait(timeout=30)

    def stop(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # a clean close: the plugin's teardown stops soffice
        for proc in self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self.scheduler is not None and self.scheduler.poll() is None:
            self.scheduler.send_signal(signal.SIGTERM)
            try:
                self.scheduler.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.scheduler.pid, signal.SIGKILL)

    def __exit__(self, *exc) -> None:
        self.stop()

    def soffice_left(self) -> list[str]:
        """Command lines of soffice processes whose profile is under this cluster's folder."""
        return soffice_under(self.root)


def soffice_under(root: Path) -> list[str]:
    found = []
    marker = Path(root).resolve().as_uri()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = (Path("/proc") / pid / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "soffice" in cmd and marker in cmd:
            found.append(cmd)
    return found


def fingerprint(outdir: Path) -> dict:
    """What two builds of the same agency must share: .docx digests, PDF page counts, bundle bookmarks."""
    from pypdf import PdfReader

    manifest = json.loads((Path(outdir) / "manifest.json").read_text(encoding="utf-8"))
    docx = {f["path"]: f["sha256"] for f in manifest["files"] if f["path"].endswith(".docx")}
    pages = {f["path"]: f.get("pages") for f in manifest["files"] if f["path"].endswith(".pdf")}
    bundles = [d["pdf"] for d in manifest.get("ca_nhan") or []] + [u["pdf"] for u in manifest.get("don_vi") or []]
    marks = {}
    for rel in bundles:
        reader = PdfReader(io.BytesIO((Path(outdir) / rel).read_bytes()))
        out = []

        def walk(items, depth=0, reader=reader, out=out):
            for it in items:
                if isinstance(it, list):
                    walk(it, depth + 1)
                else:
                    out.append((depth, it.title, reader.get_destination_page_number(it)))

        walk(reader.outline)
        marks[rel] = out
    return {"docx": docx, "pages": pages, "bookmarks": marks}


def differences(a: dict, b: dict) -> list[str]:
    out = []
    for part in ("docx", "pages", "bookmarks"):
        for key in sorted(set(a[part]) | set(b[part])):
            if a[part].get(key) != b[part].get(key):
                out.append(f"{part}: {key}")
    return out


STAGES = {"render_forms": "fill", "pdf": "convert", "bundle_units": "bundles"}  # task key prefix -> stage


def stage_times(stream: list[dict]) -> dict[str, dict]:
    """Per stage run on the cluster: tasks, wall seconds (first start to last stop), seconds of work
    summed over the workers, tasks per worker (from `distributed.get_task_stream`)."""
    out: dict[str, dict] = {}
    for t in stream:
        key = str(t["key"])
        stage = STAGES.get(key.split("-")[1], "") if key.startswith("hoso-") else ""
        if not stage:
            continue
        spans = [(s["start"], s["stop"]) for s in t.get("startstops", ()) if s.get("action") == "compute"]
        if not spans:
            continue
        st = out.setdefault(stage, {"tasks": 0, "work_s": 0.0, "first": spans[0][0], "last": spans[0][1], "by_worker": {}})
        st["tasks"] += 1
        st["work_s"] += sum(b - a for a, b in spans)
        st["first"] = min(st["first"], *(a for a, _b in spans))
        st["last"] = max(st["last"], *(b for _a, b in spans))
        st["by_worker"][t["worker"]] = st["by_worker"].get(t["worker"], 0) + 1
    return {k: {"tasks": v["tasks"], "wall_s": round(v["last"] - v["first"], 2), "work_s": round(v["work_s"], 2),
                "tasks_by_worker": v["by_worker"]} for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args(argv)
    from distributed import get_task_stream

    from bench import synth
    from pipeline import api
    from pipeline.pdf.cum import ClusterConverter

    args.out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="hoso-bench-cluster-"))
    wb = tmp / "agency.xlsx"
    stats = synth.generate(args.people, wb)
    os.environ["HOSO_CACHE"] = str(tmp / "unused-cache")
    t0 = time.monotonic()
    local = api.build(wb, tmp / "local", api.BuildOptions(cache_dir=tmp / "cache-local"))
    local_s = time.monotonic() - t0
    with LocalCluster(args.workers, tmp / "cluster") as cluster:
        conv = ClusterConverter(cluster.address)
        try:
            t0 = time.monotonic()
            with get_task_stream(client=conv.client) as ts:
                remote = api.build(wb, tmp / "cum", api.BuildOptions(cache_dir=tmp / "cache-cum"), converter=conv)
            cum_s = time.monotonic() - t0
            stages = stage_times(ts.data)
        finally:
            conv.close()
        cluster.stop()
        left = cluster.soffice_left()
    diff = differences(fingerprint(tmp / "local"), fingerprint(tmp / "cum"))
    forms = remote.converted
    per_worker = {w: {"forms": n, "forms_per_s": round(n / conv.seconds, 2)} for w, n in sorted(conv.by_worker.items())}
    # on the cluster: the fill, the conversion and the bundles (their wall times); the rest (reading,
    # rating, contexts, writing the files received, the package, the manifest) stays on the client
    cluster_wall = sum(st["wall_s"] for name, st in stages.items() if name != "convert") + conv.seconds
    client_s = cum_s - cluster_wall
    work_s = sum(st["work_s"] for st in stages.values())  # seconds of work on the workers, all stages
    rate = forms / conv.seconds / max(1, len(conv.by_worker))  # forms/s per worker, measured
    projection = {}
    for people in (10_000, 70_000):
        for w in (1, 2, 4, 8, 16):
            seconds = people * client_s / remote.people + people * work_s / remote.people / w
            projection[f"{people}_people_{w}_workers_min"] = round(seconds / 60, 1)
    res = {"people": args.people, "workers": args.workers, "synth": str(stats), "local_build_s": round(local_s, 2),
           "cluster_build_s": round(cum_s, 2), "conversion_s": round(conv.seconds, 2), "client_side_s": round(client_s, 2),
           "cluster_stages": stages, "cluster_work_s": round(work_s, 2),
           "forms": forms, "per_worker": per_worker, "forms_per_s_per_worker": round(rate, 2),
           "identical": not diff, "differences": diff[:50], "soffice_left": left, "projection": projection,
           "local": {"converted": local.converted, "pages": local.pages},
           "cluster": {"converted": remote.converted, "pages": remote.pages}}
    path = args.out / f"cluster-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(res, ensure_ascii=False, indent=2))
    print(f"written: {path}")
    return 0 if not diff and not left else 1


if __name__ == "__main__":
    sys.exit(main())
