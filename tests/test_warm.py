"""LibreOffice kept warm (pipeline/pdf/warm.py): the same PDFs as a cold soffice run, a hung lane
killed and restarted, nothing left running after a stop; the server's builds use the lanes."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.forms.registry import Registry
from pipeline.pdf import join, libreoffice, pool, warm
from pipeline.pdf.pool import Converter, Item
from tests.fakes import processes_matching, wait_gone

pytestmark = pytest.mark.libreoffice


def _family_items(out: Path, n: int = 6) -> list[Item]:
    """`n` person forms of the sample build of one join family, as the build makes them."""
    registry = Registry()
    by_family: dict[str, list[Path]] = {}
    for f in sorted((out / "ca_nhan").rglob("*.docx")):
        fam = join.join_family(registry.get(f.stem).template)
        if fam:
            by_family.setdefault(fam, []).append(f)
    fam, files = max(by_family.items(), key=lambda kv: len(kv[1]))
    assert len(files) >= n
    return [Item(f"k{i}", f, f"{f.parent.name}/{f.name}", group=fam, doc=f"{f.parent.name}/{f.stem}", who=f.parent.name)
            for i, f in enumerate(files[:n])]


def _texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _dead(pid: int, wait: float = 10) -> bool:
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.1)
    return False


def _soffice_of(service: warm.WarmService) -> list[int]:
    """PIDs of the service's soffice.bin processes."""
    return [pid for pid, cmd in processes_matching(str(service.root)) if "soffice.bin" in cmd]


def test_warm_joined_conversion_equals_the_cold_one(built, tmp_path, own_tmp):
    """A joined document converted on a warm lane splits back at its named destinations into the
    same forms as a cold `soffice --convert-to` run: same pages, same text, same identity."""
    out, _ = built
    items = _family_items(out)
    cold = Converter(workers=1)
    expected = cold.run(items)
    assert set(expected.sources) == {it.key for it in items}  # converted joined, split at the destinations
    with warm.WarmService(1) as service:
        service.start()
        conv = warm.WarmConverter(service, workers=1)
        got = conv.run(items)
        assert set(got.sources) == {it.key for it in items}  # the warm PDF carries the destinations too
        assert service.stats()["requests"] >= 1 and service.stats()["failed"] == 0
    for it in items:
        data, pages = got[it.key]
        assert pages == expected[it.key][1] >= 1, it.label
        assert _texts(data) == _texts(expected[it.key][0]), it.label
        meta = PdfReader(io.BytesIO(data)).metadata
        assert meta["/HosoKhoa"] == it.key and meta["/HosoVanBan"] == it.doc
    joined = next(iter(got.sources.values()))[0]
    names = PdfReader(io.BytesIO(joined)).named_destinations
    assert sum(1 for n in names if join.BOOKMARK_PREFIX in n) == len(items)


def test_a_hung_lane_is_killed_restarted_and_the_retry_succeeds(built, tmp_path, own_tmp, monkeypatch):
    """soffice stopped dead (SIGSTOP: it answers nothing, writes nothing): the request fails as
    Stalled within its silence allowance, the lane is killed with its group and started again with
    a fresh profile, and the next request on it succeeds. Through the converter: the build's own
    retry (one by one) gives every form."""
    out, _ = built
    items = _family_items(out, 4)
    with warm.WarmService(1) as service:
        service.start()
        first = _soffice_of(service)
        assert len(first) == 1
        os.kill(first[0], signal.SIGSTOP)
        work = tmp_path / "w"
        work.mkdir()
        started = time.monotonic()
        with pytest.raises(libreoffice.Stalled):
            service.convert([items[0].docx], work, filter_options=join.EXPORT_FILTER, timeout=120, stall=3)
        assert time.monotonic() - started < 30
        assert _dead(first[0])  # the hung soffice was killed, not left behind
        service.convert([items[0].docx], work, filter_options=join.EXPORT_FILTER, timeout=120, stall=60)
        assert (work / f"{items[0].docx.stem}.pdf").read_bytes().startswith(b"%PDF")
        assert service.stats()["restarts"] == 1 and service.stats()["starts"] == 2
        # a hang in a build: the converter's retry path runs (one by one, on the restarted lane)
        monkeypatch.setattr(pool, "STALL_START", 3.0)
        again = _soffice_of(service)
        assert len(again) == 1 and again != first
        os.kill(again[0], signal.SIGSTOP)
        conv = warm.WarmConverter(service, workers=1)
        done = conv.run(items)
        assert set(done) == {it.key for it in items}
        assert service.stats()["restarts"] == 2


def test_a_hung_document_holds_one_lane_only(built, tmp_path, own_tmp):
    """Two builds at once on two lanes: the one whose soffice hangs waits for its silence allowance;
    the other's requests go on the other lane meanwhile, and both lanes serve again afterwards."""
    import threading

    out, _ = built
    items = _family_items(out, 2)
    with warm.WarmService(2) as service:
        service.start()
        hung, other = service.lanes
        soffice = [pid for pid, cmd in processes_matching(str(hung.root)) if "soffice.bin" in cmd]
        assert len(soffice) == 1
        os.kill(soffice[0], signal.SIGSTOP)
        with service._turns:
            service._free[:] = [other, hung]  # the next request gets the hung lane
        outcome: list = []

        def first() -> None:
            (tmp_path / "a").mkdir()
            try:
                service.convert([items[0].docx], tmp_path / "a", filter_options=join.EXPORT_FILTER, timeout=120, stall=8)
            except libreoffice.Stalled:
                outcome.append("stalled")

        t = threading.Thread(target=first)
        t.start()
        while len(service._free) != 1:
            time.sleep(0.01)
        (tmp_path / "b").mkdir()
        started = time.monotonic()
        service.convert([items[1].docx], tmp_path / "b", filter_options=join.EXPORT_FILTER, timeout=120, stall=60)
        assert time.monotonic() - started < 8 and t.is_alive()  # done while the other still waits
        assert (tmp_path / "b" / f"{items[1].docx.stem}.pdf").is_file()
        t.join(60)
        assert outcome == ["stalled"]
        (tmp_path / "c").mkdir()
        service.convert([items[0].docx], tmp_path / "c", filter_options=join.EXPORT_FILTER, timeout=120, stall=60)
        assert (tmp_path / "c" / f"{items[0].docx.stem}.pdf").is_file()


def test_stopping_the_service_leaves_no_soffice(own_tmp):
    service = warm.WarmService(2).start()
    assert len(_soffice_of(service)) == 2
    root = str(service.root)
    service.stop()
    assert wait_gone(root) == []
    with pytest.raises(warm.Unavailable):
        service.convert([], own_tmp, filter_options=join.EXPORT_FILTER, timeout=10)


def test_the_profiles_of_a_service_killed_outright_are_swept(own_tmp):
    """A server killed outright cannot remove its lanes' profiles: the next service does, and only
    those whose owner is gone."""
    gone = own_tmp / "hoso-warm-old"
    (gone / "lane-0" / "profile").mkdir(parents=True)
    (gone / ".chu").write_text("999999999 1\n")
    service = warm.WarmService(1)
    try:
        assert not gone.exists()
        assert (service.root / ".chu").read_text().split()[0] == str(os.getpid())
        assert service.root.exists()
    finally:
        service.stop()
    assert not service.root.exists()


def test_clients_of_other_processes_need_the_key(built, tmp_path, own_tmp):
    """A client converts over the listener with the address and key of the environment; a wrong
    key gets nothing; a service that is gone gives no warm converter and one line saying so."""
    out, _ = built
    items = _family_items(out, 4)
    with warm.WarmService(1) as service:
        service.start(listen=True)
        env = service.env()
        assert set(env) == {warm.ENV_ADDRESS, warm.ENV_KEY}
        client = warm.WarmClient.from_env(env)
        assert client.stats()["lanes"] == 1
        conv = warm.WarmConverter(client, workers=1)
        done = conv.run(items)
        assert set(done) == {it.key for it in items} and not conv.cold
        assert client.stats()["requests"] >= 1 and client.stats()["starts"] == 1
        with pytest.raises(warm.Unavailable):
            warm.WarmClient(service.address, b"x" * 32).stats()
        # the handshake ends with the client's write: its first request must not wait for the service's
        # delayed acknowledgement (Nagle), so the client's socket sends at once
        sock = socket.socket(fileno=os.dup(client._conn().fileno()))
        try:
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        finally:
            sock.close()
    code = ("from pipeline.pdf import warm; said = []; c = warm.converter_from_env(workers=1, log=said.append); "
            "print(type(c).__name__); print(said)")
    r = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                       timeout=60)
    assert r.stdout.splitlines()[0] == "NoneType", r.stderr
    assert "Không kết nối được LibreOffice chạy sẵn" in r.stdout


# ---- hoso serve ----------------------------------------------------------------------------------
def _wait_build(store, build_id: int, timeout: float = 900) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        row = store.one("SELECT * FROM lan_tao WHERE id=?", build_id)
        if row["trang_thai"] in ("xong", "loi"):
            return dict(row)
        time.sleep(0.2)
    raise AssertionError(f"build {build_id} did not finish")


def _upload(store, ma: str, workbook: Path) -> int:
    import shutil as sh

    from pipeline.web.store import now

    so_id = store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) "
                    "VALUES (?,?,?,?,0,0,'[]')", ma, workbook.name, now(), "vanthu")
    path = store.upload_path(ma, so_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    sh.copyfile(workbook, path)
    return so_id


def test_the_servers_builds_convert_on_its_warm_lanes(sample, tmp_path, own_tmp):
    """The server's build processes convert on its lanes (reached through the environment): the
    rebuild after a one-person change starts no soffice at all — no lane restarted, no cold run —
    converts only that person's forms on the lanes and rebuilds only the bundles holding them (how fast that
    is, is measured by bench/, not here: a timed assertion fails on a loaded machine)."""
    from pipeline.web.jobs import BuildQueue
    from pipeline.web.store import Store, now
    from tests.workbook_factory import with_strengths

    store = Store(tmp_path / "data")
    store.x("INSERT INTO co_quan(ma, tao_luc) VALUES (?,?)", "SNV", now())
    with warm.WarmService(2) as service:
        service.start(listen=True)
        queue_ = BuildQueue(store, jobs=2, warm=service)
        try:
            first = _wait_build(store, queue_.submit("SNV", _upload(store, "SNV", sample), "vanthu"))
            assert first["trang_thai"] == "xong", first["loi"]
            assert "LibreOffice chạy sẵn" not in (first["nhat_ky"] or "")
            before = service.stats()
            assert before["requests"] >= 2 and before["starts"] == 2
            lo_before = {pid for pid, cmd in processes_matching("soffice.bin") if str(own_tmp) in cmd}
            changed = with_strengths(sample, tmp_path / "sua.xlsx", "VP-019", "Chủ động, sáng tạo (sửa ở máy chủ).")
            second = _wait_build(store, queue_.submit("SNV", _upload(store, "SNV", changed), "vanthu"))
            assert second["trang_thai"] == "xong", second["loi"]
            after = service.stats()
            assert after["starts"] == before["starts"] and after["failed"] == 0  # no soffice started
            assert after["requests"] > before["requests"]  # the person's forms went to the lanes
            lo_after = {pid for pid, cmd in processes_matching("soffice.bin") if str(own_tmp) in cmd}
            assert lo_after == lo_before
            assert "chuyển PDF mới 0" not in second["tom_tat"], second["tom_tat"]
            # the person's own forms converted, every other reused; the person's and the unit's bundles made again
            made = re.search(r"(\d+) văn bản \(chuyển PDF mới (\d+), dùng lại (\d+)", second["tom_tat"])
            bundles = re.search(r"hồ sơ ghép mới (\d+), dùng lại (\d+)", second["tom_tat"])
            assert made and bundles, second["tom_tat"]
            total, converted, reused = map(int, made.groups())
            assert 1 <= converted <= 6 and converted + reused == total, second["tom_tat"]
            assert int(bundles[1]) == 2 and int(bundles[2]) > 0, second["tom_tat"]
        finally:
            queue_.stop()
    out = store.output_dir("SNV")
    text = subprocess.run(["pdftotext", str(out / "ca_nhan" / "TH" / "VP-019.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "(sửa ở máy chủ)" in text


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_hoso_serve_keeps_libreoffice_running_and_stops_it(tmp_path, own_tmp, how):
    """`hoso serve` starts its lanes at start-up (one soffice per --jobs) and none is left once it
    stops — asked to (SIGTERM) or killed outright (the lanes' guard ends them with it)."""
    import socket

    port = _free_port()
    env = dict(os.environ, TMPDIR=str(own_tmp))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port), "--data",
                             str(tmp_path / "data"), "--jobs", "2"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("hoso serve did not start")
        end = time.monotonic() + 120  # the lanes start in the background while the pages are served
        while time.monotonic() < end:
            lanes = [pid for pid, cmd in processes_matching(str(own_tmp)) if "soffice.bin" in cmd]
            if len(lanes) >= 2:
                break
            time.sleep(0.2)
        assert len(lanes) == 2
        proc.send_signal(getattr(signal, how))
        proc.wait(timeout=60)
        assert wait_gone(str(own_tmp), 15) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
