"""`hoso serve` over a clerk's season: next year's workbook (or last year's, uploaded by mistake) never
costs the agency last year's dossiers and signed scans. The pages through Flask's test client; each
build queued by the page runs in this process (`jobs.run`, as the queue's child process runs it) with
the text converter (no LibreOffice): what is checked is what the folders keep and what the pages say."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from fakes import TextConverter  # noqa: E402
from web_pages import InlineQueue, logged_in  # noqa: E402
from web_pages import csrf as _csrf  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"


def _serve(data: Path, monkeypatch, accounts: bool = True):
    """(app, store, inline queue) of the server on `data`; builds with the text converter. `accounts`: add the
    clerks «vt» (agency VP) and «khac» (agency SO) — a copied data folder has them already."""
    from pipeline.web import accounts as acc
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())
    monkeypatch.setattr("pipeline.progress.observer", None)
    store = Store(data)
    if accounts:
        store.add_account("vt", acc.hash_password(PASSWORD), "VP", "van_thu", None)
        store.add_account("khac", acc.hash_password(PASSWORD), "SO", "van_thu", None)
    app = create_app(data, start_queue=False)
    app.extensions["hoso_queue"] = q = InlineQueue(app.extensions["hoso_store"])
    return app, app.extensions["hoso_store"], q


@pytest.fixture
def server(tmp_path, monkeypatch):
    return _serve(tmp_path / "du_lieu", monkeypatch)


def _copy_tree(src: Path, dst: Path) -> None:
    """`src` copied to `dst` as a build leaves it: hard links between its files (an output's unchanged .docx and
    the cache's) stay links of one another, symbolic links stay links, modes and times are kept."""
    import os
    import shutil

    seen: dict[tuple[int, int], Path] = {}
    for root, dirs, files in os.walk(src):
        here = dst / Path(root).relative_to(src)
        here.mkdir(parents=True, exist_ok=True)
        shutil.copystat(root, here)
        for name in [*dirs, *files]:
            path = Path(root) / name
            if path.is_symlink():
                assert not os.path.isabs(os.readlink(path)), path  # would point into the prepared folder
                os.symlink(os.readlink(path), here / name)
            elif name in files:
                st = path.stat()
                if st.st_nlink > 1 and (st.st_dev, st.st_ino) in seen:
                    os.link(seen[(st.st_dev, st.st_ino)], here / name)
                else:
                    shutil.copy2(path, here / name)
                    seen[(st.st_dev, st.st_ino)] = here / name
        dirs[:] = [d for d in dirs if not (Path(root) / d).is_symlink()]


@pytest.fixture(scope="module")
def built_2025_data(tmp_path_factory, cache_dir) -> Iterator[Path]:
    """A server's data folder after the clerk «vt» uploaded her 2025 workbook «so_2025.xlsx» and «Tạo hồ sơ»
    built it (under the suite's own today): built once for the module, never served to a test itself —
    each test that starts from it gets its own copy (`served_2025`)."""
    tmp = tmp_path_factory.mktemp("web-season-2025")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOSO_CACHE", str(cache_dir))
        server = _serve(tmp / "du_lieu", mp)
        _built_2025(server, tmp)
        server[1].db().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the database whole in its file
    before = _tree(tmp / "du_lieu", skip=("-wal", "-shm"))
    yield tmp / "du_lieu"
    # no test wrote into it (through a link, a path kept in a copy): each saw the state it was built with
    assert _tree(tmp / "du_lieu", skip=("-wal", "-shm")) == before


@pytest.fixture
def served_2025(built_2025_data, tmp_path, monkeypatch):
    """(app, store, queue, the clerk's client, VP's output folder) of a server on a copy of `built_2025_data`:
    the state `_built_2025` leaves, this test's own to change."""
    data = tmp_path / "du_lieu"
    _copy_tree(built_2025_data, data)
    app, store, q = _serve(data, monkeypatch, accounts=False)
    return app, store, q, _login(app), store.output_dir("VP")


@pytest.fixture
def server_warm(built_2025_data, tmp_path, monkeypatch):
    """`server` whose agency VP's cache holds what building the 2025 workbook filled and converted (a copy of
    `built_2025_data`'s; content-addressed, so a form that differs is made anew): for the tests whose first build
    is that workbook's and that check what the build says and writes, never what it filled or converted."""
    _copy_tree(built_2025_data / "co_quan" / "VP" / "cache", tmp_path / "du_lieu" / "co_quan" / "VP" / "cache")
    return _serve(tmp_path / "du_lieu", monkeypatch)


def _login(app, name: str = "vt"):
    return logged_in(app, name, PASSWORD)


def _upload(c, book: Path) -> None:
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(book.read_bytes()), book.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.text


def _edited_2025(tmp_path: Path) -> Path:
    """The 2025 workbook again, with one title changed (the same year and agency as the folder holds)."""
    data = factory.tables()
    data["CoQuan"] = [(k, {"nam_danh_gia": 2025, "ngay_lap": dt.date(2025, 11, 5),
                           "han_nop_so_noi_vu": dt.date(2025, 11, 30)}.get(k, v)) for k, v in data["CoQuan"]]
    for row in data["KyLuat"]:
        row["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    data["NhanSu"][1]["chuc_vu"] = "Phó Trưởng phòng phụ trách"
    return factory.write(tmp_path / "so_2025_sua.xlsx", data)


def _so_sets_deadline(app, store, day: str):
    """The Sở Nội vụ's account «snv» sets `day` as the deadline of agencies VP and SO on its page; its session."""
    from pipeline.web import accounts

    store.add_account("snv", accounts.hash_password(PASSWORD), "SNV", "so_noi_vu", None)
    s = _login(app, "snv")
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": day,
                                              "co_quan": ["VP", "SO"]}).status_code == 302
    return s


def _built_2025(server, tmp_path: Path):
    """(the clerk's client, the agency's output folder) after her 2025 workbook was uploaded and built."""
    app, store, q = server
    c = _login(app)
    _upload(c, factory.of_year(tmp_path / "so_2025.xlsx", 2025))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    assert q.run_next()["trang_thai"] == "xong"
    return c, store.output_dir("VP")


def _tree(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under `folder` (but those whose name ends with one of `skip`): its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(skip)}


def test_next_year_on_the_server_keeps_last_year_s_dossiers_and_signed_scans(served_2025, tmp_path):
    """The server kept one output folder per agency and replaced it year after year: next year's build
    removed last year's dossiers (only the package sent to the Sở stayed), and last year's workbook
    uploaded by mistake replaced the year's output without a word. Now «Tạo hồ sơ» names both years and
    builds only when confirmed; the output replaced is kept whole (signed scans too) in «Lưu trữ», from
    where the clerk downloads it; another agency cannot."""
    app, store, q, c, out = served_2025  # the 2025 workbook uploaded and built
    scans = factory.signed_scans(out)
    year_2025 = _tree(out)

    # next year's workbook: said on the page, refused without the ticked box
    _upload(c, factory.of_year(tmp_path / "so_2026.xlsx", 2026))
    page = c.get("/tao-ho-so").text
    assert 'id="nam_khac"' in page and "năm đánh giá 2025" in page and "năm đánh giá 2026" in page
    assert 'id="doi_nam"' in page and "Lưu trữ" in page and 'id="nam_cu_hon"' not in page
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert r.status_code == 409 and "Chưa tạo hồ sơ." in r.text
    assert q._q.empty() and _tree(out) == year_2025
    assert store.one("SELECT COUNT(*) AS n FROM nhat_ky WHERE hanh_dong='tao_ho_so_bi_tu_choi'")["n"] == 1

    # confirmed: the 2026 output is built, the 2025 one kept whole in luu_tru/
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "doi_nam": "1"})
    assert r.status_code == 302, r.text
    row = q.run_next()
    assert row["trang_thai"] == "xong" and row["doi_nam"] == 1, row["loi"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["nam_danh_gia"] == 2026
    assert not (out / "da_ky").exists()  # 2025's scans are not mixed into the 2026 dossiers
    (kept,) = store.archive_dir("VP").iterdir()
    assert kept.name.startswith("2025-") and _tree(kept) == year_2025
    assert {k.removeprefix("da_ky/"): v for k, v in _tree(kept).items() if k.startswith("da_ky/")} == scans
    assert "cất nguyên vẹn" in row["nhat_ky"]
    # the build's note names the clerk's workbooks and what she confirmed, not the CLI's option nor the server's paths
    assert "--doi-nam" not in row["nhat_ky"] and str(out) not in row["nhat_ky"], row["nhat_ky"]
    assert "«so_2025.xlsx»" in row["nhat_ky"] and "«so_2026.xlsx»" in row["nhat_ky"], row["nhat_ky"]
    assert "như đã xác nhận ở trang «Tạo hồ sơ», hồ sơ năm 2025 được thay" in row["nhat_ky"]
    # the 2026 dossiers are no new version of 2025's: nothing "to reprint" (it listed every document)
    assert row["thay_doi"].startswith("Lần tạo đầu tiên") and not (out / "in_lai.pdf").exists()
    assert not [p for p in store.agency_dir("VP").iterdir() if ".da-ky-" in p.name]

    # the archive page and its zip; nothing of it for another agency
    listing = c.get("/luu-tru").text
    assert f"/luu-tru/{kept.name}.zip" in listing and "<td>2025</td>" in listing
    assert '<table id="luu_tru" class="the">' in listing  # one card per row on a phone
    # where the clerk looks for last year's dossiers: «Hồ sơ» links them (the unit clerk has no «Lưu trữ»)
    assert 'id="den_luu_tru"' in c.get("/ho-so").text and 'href="/luu-tru"' in c.get("/ho-so").text
    z = c.get(f"/luu-tru/{kept.name}.zip")
    assert z.status_code == 200
    with zipfile.ZipFile(io.BytesIO(z.data)) as zf:
        assert zf.read(f"{kept.name}/da_ky/HC/NS-01.pdf") == scans["HC/NS-01.pdf"]
        assert f"{kept.name}/manifest.json" in zf.namelist()
    other = _login(app, "khac")
    assert other.get(f"/luu-tru/{kept.name}.zip").status_code == 404
    assert kept.name not in other.get("/luu-tru").text
    assert c.get("/luu-tru/..%2Fket_qua.zip").status_code == 404

    # last year's workbook uploaded again by mistake: said so, refused without the box, nothing replaced
    year_2026 = _tree(out)
    _upload(c, factory.of_year(tmp_path / "so_2025_lai.xlsx", 2025))
    page = c.get("/tao-ho-so").text
    assert 'id="nam_cu_hon"' in page and "có lẽ đã chọn nhầm sổ năm trước" in page
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 409
    assert _tree(out) == year_2026 and len(list(store.archive_dir("VP").iterdir())) == 1


def test_tao_lai_after_a_restart_does_not_ask_again_what_was_confirmed(served_2025, tmp_path):
    """A build of next year's workbook, confirmed on «Tạo hồ sơ», interrupted by a restart (marked failed):
    its page's «Tạo lại» asked again to confirm replacing the 2025 dossiers (409, «Chưa tạo hồ sơ.»). The re-run
    of that build keeps its confirmation; a re-run once another workbook is uploaded asks again."""
    app, store, q, c, out = served_2025
    _upload(c, factory.of_year(tmp_path / "so_2026.xlsx", 2026))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "doi_nam": "1"}).status_code == 302
    (first,) = [q._q.get_nowait()]  # queued, never run: the server stopped
    assert store.fail_interrupted() == 1
    page = c.get(f"/lan-tao/{first}").text
    # the words point to the button under them, not to «Tạo hồ sơ» (whose form asks to confirm again)
    assert "Máy chủ đã dừng" in page and "Bấm «Tạo lại» ở trang của lần tạo này để chạy lại." in page
    form = re.search(r'<form method="post" action="/tao-ho-so">(.*?)</form>', page, re.S)
    assert form is not None and "Tạo lại" in form.group(1)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1)))
    assert set(fields) == {"csrf_token", "lan_tao"}  # no confirmation of its own: the server knows the build's
    r = c.post("/tao-ho-so", data=fields)
    assert r.status_code == 302, r.text
    again = store.one("SELECT * FROM lan_tao ORDER BY id DESC LIMIT 1")
    assert again["id"] != first and again["doi_nam"] == 1 and again["so"] == store.one(
        "SELECT so FROM lan_tao WHERE id=?", first)["so"]
    row = q.run_next()
    assert row["trang_thai"] == "xong", row["loi"]
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["nam_danh_gia"] == 2026
    assert "như đã xác nhận ở trang «Tạo hồ sơ», hồ sơ năm 2025 được thay" in row["nhat_ky"]

    # another build interrupted, then last year's workbook uploaded: «Tạo lại» builds that one, so it asks
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    second = q._q.get_nowait()
    store.fail_interrupted()
    _upload(c, factory.of_year(tmp_path / "so_2025_lai.xlsx", 2025))
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": str(second)})
    assert r.status_code == 409 and "Chưa tạo hồ sơ." in r.text and 'id="nam_cu_hon"' in r.text
    # nor does an older failed build's id stand for a confirmation of the latest upload
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": str(first)})
    assert r.status_code == 409 and q._q.empty()

    # each build names the workbook it was built from: the history and the build's page (three workbooks uploaded)
    uploads = {u["ten_tep"]: u["id"] for u in store.q("SELECT id, ten_tep FROM so WHERE co_quan='VP'")}
    history = c.get("/lan-tao").text
    for build in (first, again["id"], second):
        row = next(r for r in history.split("<tr>") if r.startswith(f"<td>{build}</td>"))
        assert f'<td class="so_excel"><a href="/so-excel/{uploads["so_2026.xlsx"]}">so_2026.xlsx</a></td>' in row
    row = next(r for r in history.split("<tr>")[2:] if "so_2025.xlsx" in r)  # the first build of the fixture
    assert f'href="/so-excel/{uploads["so_2025.xlsx"]}"' in row
    assert f'Từ sổ «<a href="/so-excel/{uploads["so_2026.xlsx"]}">so_2026.xlsx</a>» tải lên lúc' in \
        c.get(f"/lan-tao/{first}").text


def test_a_rebuild_of_the_same_year_asks_nothing_and_archives_nothing(served_2025, tmp_path):
    app, store, q, c, _ = served_2025  # the 2025 workbook uploaded and built
    scans = factory.signed_scans(store.output_dir("VP"))
    _upload(c, _edited_2025(tmp_path))
    assert 'id="nam_khac"' not in c.get("/tao-ho-so").text
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    assert q.run_next()["trang_thai"] == "xong"
    assert _tree(store.output_dir("VP") / "da_ky") == scans  # carried into the rebuilt output
    assert not store.archive_dir("VP").exists()


def test_a_failed_swap_puts_the_kept_output_back(tmp_path, monkeypatch):
    """The output of another year is moved to luu_tru/ first, then the new one into its place: when
    that second rename fails (permissions, a file held open on Windows), the old output is put back
    where it was and nothing is left in luu_tru/."""
    import errno
    import os

    from pipeline import api
    from pipeline.errors import OutputError

    out, keep = tmp_path / "ket_qua", tmp_path / "luu_tru"
    api.build(factory.of_year(tmp_path / "so_2025.xlsx", 2025), out, api.BuildOptions(cache_dir=tmp_path / "c"),
              converter=TextConverter())
    before = _tree(out)
    real = os.rename

    def refuse(src, dst, *a, **k):
        if ".dang-tao-" in os.fspath(src):
            raise OSError(errno.EACCES, "Permission denied", os.fspath(dst))
        return real(src, dst, *a, **k)

    monkeypatch.setattr("pipeline.output.os.rename", refuse)
    with pytest.raises(OutputError, match="Không có quyền ghi") as refused:
        api.build(factory.of_year(tmp_path / "so_2026.xlsx", 2026), out,
                  api.BuildOptions(cache_dir=tmp_path / "c", doi_nam=True, keep_replaced=keep), converter=TextConverter())
    assert _tree(out) == before
    from pipeline.web.jobs import page_words

    said = page_words(refused.value.message, out)  # as the build's page shows it: no «Chọn thư mục khác với -o»
    assert "với -o" not in said and "Báo quản trị viên máy chủ kiểm tra quyền ghi vào thư mục dữ liệu của hoso, rồi " \
        "bấm «Tạo lại»." in said, said
    assert not keep.exists() or not list(keep.iterdir())


def test_a_build_while_signed_scans_are_filed_fails_cleanly_and_runs_after(served_2025, tmp_path):
    """`hoso nhan-ban-ky` holds the output folder's lock while it files: a build from the page meanwhile
    fails naming the folder, nothing of the output or the scans changed; «Tạo hồ sơ» again afterwards
    builds, the scans carried."""
    from pipeline.output import locked

    app, store, q, c, out = served_2025
    factory.signed_scans(out)
    _upload(c, _edited_2025(tmp_path))
    before = _tree(out)
    with locked(out):  # as nhan-ban-ky holds it
        assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
        row = q.run_next()
    assert row["trang_thai"] == "loi" and "Một lệnh hoso khác đang ghi vào" in row["loi"], row
    # in page words: no CLI option (it said «hoặc chọn thư mục khác với -o»)
    assert row["loi"].endswith("Chờ lệnh đó chạy xong (thường một, hai phút), rồi bấm «Tạo lại».") and "-o)" not in row["loi"]
    assert _tree(out) == before
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    assert q.run_next()["trang_thai"] == "xong"
    assert (out / "da_ky" / "HC" / "NS-01.pdf").is_file()


@pytest.mark.parametrize("err", ["ENOSPC", "EROFS"])
def test_an_upload_the_server_cannot_save_is_never_taken_for_a_valid_workbook(server, tmp_path, monkeypatch, err):
    """The server's disk filled up while a workbook was saved: the row was made «0 lỗi» before the file
    was written, so the half-written upload became the latest valid one («Tạo hồ sơ» took it) and the
    clerk got a bare error page. Now the upload is an error saying what to do, nothing of it is kept,
    and builds go on from the previous valid upload."""
    import errno
    import os

    from werkzeug.datastructures import FileStorage

    app, store, q = server
    c = _login(app)
    _upload(c, factory.of_year(tmp_path / "so_2025.xlsx", 2025))
    good = store.one("SELECT id FROM so ORDER BY id DESC LIMIT 1")["id"]
    code = getattr(errno, err)

    def half(self, dst, *a, **k):
        Path(dst).write_bytes(b"PK\x03\x04 half")
        raise OSError(code, os.strerror(code), str(dst))

    monkeypatch.setattr(FileStorage, "save", half)
    book = factory.of_year(tmp_path / "so_moi.xlsx", 2025)
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(book.read_bytes()), book.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.text
    row = store.one("SELECT * FROM so ORDER BY id DESC LIMIT 1")
    assert row["id"] != good and row["so_loi"] == 1
    page = c.get(r.headers["Location"]).text
    said = "ổ đĩa của máy chủ đã đầy" if err == "ENOSPC" else "không ghi được vào thư mục dữ liệu"
    assert said in page and "tải sổ lên lại" in page
    assert not store.upload_path("VP", row["id"]).exists()
    assert "«so_2025.xlsx»" in c.get("/tao-ho-so").text  # builds still use the valid one


def test_a_history_copy_the_disk_refuses_does_not_fail_a_finished_build(server_warm, tmp_path, monkeypatch):
    """The build was swapped into place, then the copy of its manifest.json into lich_su/ hit a full
    disk: the build process ended with a traceback and the page said the build had failed, though the
    new dossiers were in place. The build is done; its notes say the history copy is missing."""
    import errno

    app, store, q = server_warm
    c = _login(app)
    _upload(c, factory.of_year(tmp_path / "so_2025.xlsx", 2025))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    import shutil
    import types

    # only the history copy (the build's own copies go through the same shutil)
    monkeypatch.setattr("pipeline.web.jobs.shutil", types.SimpleNamespace(copyfile=full, rmtree=shutil.rmtree))
    row = q.run_next()
    assert row["trang_thai"] == "xong", row["loi"]
    assert "chưa lưu được manifest.json" in row["nhat_ky"]
    assert (store.output_dir("VP") / "manifest.json").is_file()
    assert not store.history_dir("VP", row["id"]).exists()
    assert c.get(f"/lan-tao/{row['id']}/manifest.json").status_code == 404


def test_sending_to_the_so_on_a_full_disk_leaves_no_half_sent_package(served_2025, tmp_path, monkeypatch):
    """«Gửi Sở Nội vụ» made the submission's row first, then copied the package: a full disk left a
    submission the Sở saw (and the agency was told was sent) with its zip half-copied or missing, and
    the clerk a bare error page. Now nothing is recorded until the copies are whole; the page says
    what to do; sending again afterwards works."""
    import errno
    import shutil

    app, store, q, c, _ = served_2025  # the 2025 workbook uploaded and built
    real, done = shutil.copyfile, []

    def fills_up(src, dst, *a, **k):
        if done:
            Path(dst).write_bytes(b"PK half")
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        done.append(dst)
        return real(src, dst, *a, **k)

    with monkeypatch.context() as m:
        m.setattr("pipeline.web.app.shutil.copyfile", fills_up)
        r = c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)})
    assert r.status_code == 507 and "ổ đĩa của máy chủ đã đầy" in r.text and "gửi lại" in r.text
    assert store.one("SELECT COUNT(*) AS n FROM nop")["n"] == 0
    holder = store.agency_dir("VP") / "nop"
    assert not holder.exists() or list(holder.iterdir()) == []
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    (sent,) = store.q("SELECT * FROM nop")
    assert sorted(p.name for p in store.submission_dir("VP", sent["id"]).iterdir()) == sorted(
        [sent["zip"], "manifest.json", "ket_qua_xep_loai.json"])


def test_a_document_edited_on_the_server_is_asked_about_not_a_dead_end(served_2025, tmp_path):
    """`hoso serve` on the clerk's own PC: she opened a form of the output folder in Word and saved it.
    Every later build failed with the CLI's «chạy lại với --ghi-de», which no page can give. «Tạo hồ sơ»
    now names the edited files and asks; confirmed, the build keeps a copy of them beside the folder and
    goes on. A note typed into thay_doi.txt is kept the same way without a question."""
    app, store, q, c, out = served_2025
    form = sorted((out / "ca_nhan").rglob("*.docx"))[0]
    rel = form.relative_to(out).as_posix()
    with zipfile.ZipFile(form, "a") as zf:  # Word saved it: other bytes
        zf.writestr("customXml/ghi_chu.xml", "<x>sửa tay</x>")
    edited = form.read_bytes()
    with open(out / "thay_doi.txt", "a", encoding="utf-8") as fh:
        fh.write("đã in\n")
    page = c.get("/tao-ho-so").text
    assert 'id="sua_tay"' in page and rel in page and "thay_doi.txt" not in page and 'id="ghi_de"' in page
    # named as the pages name documents (the form's title, whose it is), not by a file name alone
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    person = next(p for p in m["ca_nhan"] if rel.startswith(f"ca_nhan/{p['ma_don_vi']}/{p['ma_so']}/"))
    title = next(d["tieu_de"] for d in person["tai_lieu"] if rel.endswith(f"/{d['mau']}.docx"))
    name = next(p["ho_ten"] for p in json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))["nguoi"]
                if p["ma_so"] == person["ma_so"])
    assert f"<li>{title} — {name} ({person['ma_so']}) <span class=\"note\">({rel})</span></li>" in page, page
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert r.status_code == 409 and "Chưa tạo hồ sơ." in r.text and q._q.empty()
    assert form.read_bytes() == edited
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "ghi_de": "1"}).status_code == 302
    row = q.run_next()
    assert row["trang_thai"] == "xong" and row["ghi_de"] == 1, row["loi"]
    (kept,) = store.agency_dir("VP").glob("ket_qua.sua-tay-*")
    assert (kept / rel).read_bytes() == edited and (kept / "thay_doi.txt").read_text("utf-8").endswith("đã in\n")
    assert 'id="sua_tay"' not in c.get("/tao-ho-so").text


def _main(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", html.split("<main>", 1)[1])


def test_the_deadline_a_clerk_reads_is_the_one_the_so_holds_her_to_counted_today(server_warm, tmp_path, monkeypatch):
    """A clerk's build page kept the workbook's deadline as the build wrote it: «30/11/2025 — còn 10 ngày»
    days later, and still after the Sở Nội vụ set its own deadline on its page, which it then held her
    package against («nộp muộn»). Now the build's page and «Hồ sơ» (where she sends) give the Sở's deadline
    when it set one, else the workbook's, counted as of today."""

    app, store, q = server_warm
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-20")
    c, _ = _built_2025(server_warm, tmp_path)  # the workbook's deadline: 30/11/2025
    build = store.one("SELECT * FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")
    assert "30/11/2025 — còn 10 ngày" in build["han_nop"]
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-28")  # eight days later
    workbook_line = "Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2025 — còn 2 ngày (tính đến hôm nay, 28/11/2025)."
    for page in (f"/lan-tao/{build['id']}", "/ho-so"):
        html = _main(c.get(page).text)
        assert f'<p id="han_nop">{workbook_line}</p>' in html, page
        assert "còn 10 ngày" not in html, page

    s = _so_sets_deadline(app, store, "25/11/2025")
    so_line = ("Hạn gửi hồ sơ cho Sở Nội vụ (do Sở Nội vụ đặt): 25/11/2025 — đã quá hạn 3 ngày (tính đến hôm nay, "
               "28/11/2025).")
    for page in (f"/lan-tao/{build['id']}", "/ho-so"):
        html = _main(c.get(page).text)
        assert f'<p id="han_nop">{so_line}</p>' in html, page
        assert "còn 2 ngày" not in html, page
        # the workbook's other date named once as the workbook's, and the guide made before asks for a rebuild
        assert html.count("30/11/2025") == 2, page
        assert ("Sổ Excel ghi hạn khác: 30/11/2025 (sheet CoQuan, ô «Hạn nộp Sở Nội vụ»); hạn phải theo là hạn Sở Nội "
                "vụ đặt ở trên.") in html, page
        assert "Hướng dẫn in (HUONG_DAN_IN.pdf) của bộ hồ sơ này được tạo trước khi Sở Nội vụ đặt hạn này và ghi hạn " \
               "30/11/2025: tạo lại hồ sơ" in html, page
    # the Sở's page holds the package against the same deadline
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    assert "hạn 25/11/2025)" in _main(s.get("/so-noi-vu").text)


def _pdf_text(path: Path) -> str:
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", out)


def test_the_printing_guide_of_a_web_build_gives_the_so_s_deadline_and_names_the_workbook_s(server_warm, tmp_path,
                                                                                          monkeypatch):
    """The Sở Nội vụ set 25/11/2025 on its page, the agencies' pages showed it, but the printing guide a web build
    wrote (HUONG_DAN_IN) printed the workbook's 30/11/2025: the clerk printed a guide that contradicted the page.
    The Sở's deadline binds: the guide, README.txt, the build's summary line and the pages give 25/11/2025 as the
    Sở's, and name the workbook's other date once as the workbook's; the build's notes warn once. When the Sở moves
    its date, the page asks for a rebuild and the rebuild's guide has the new date. The CLI (no server) keeps the
    workbook's deadline."""
    from pipeline import api

    app, store, q = server_warm
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-20")
    s = _so_sets_deadline(app, store, "25/11/2025")
    # the Sở is told where its deadline goes
    assert "hướng dẫn in của các lần tạo hồ sơ từ nay ghi hạn này" in _main(s.get("/so-noi-vu").text)
    c, out = _built_2025(server_warm, tmp_path)  # the workbook says 30/11/2025
    build = store.one("SELECT * FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")
    so_line = "Hạn gửi hồ sơ cho Sở Nội vụ (do Sở Nội vụ đặt): 25/11/2025 — còn 5 ngày"
    assert build["han_nop"] == so_line + " (tính đến hôm nay, 20/11/2025)."
    # the guide and README.txt quote “…” (pipeline/quotes.py)
    workbook_words = ("Sổ Excel ghi hạn khác: 30/11/2025 (sheet CoQuan, ô \u201cHạn nộp Sở Nội vụ\u201d); hạn phải theo là "
                      "hạn Sở Nội vụ đặt, 25/11/2025.")
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert so_line + " (tính đến ngày 20/11/2025)." in guide
    assert workbook_words in guide and guide.count("30/11/2025") == 1
    readme = (out / "README.txt").read_text("utf-8")
    assert so_line in readme and workbook_words in readme
    section = json.loads((out / "manifest.json").read_text("utf-8"))["nop_so_noi_vu"]
    assert (section["han_nop"], section["han_nop_do_so_noi_vu_dat"], section["han_nop_so_excel"]) == (
        "2025-11-25", True, "2025-11-30")
    for page in (f"/lan-tao/{build['id']}", "/ho-so"):  # the workbook's date named once beside the Sở's
        html = _main(c.get(page).text)
        assert f'<p id="han_nop">{so_line} (tính đến hôm nay, 20/11/2025).</p>' in html, page
        assert html.count("30/11/2025") == 1, page
        assert ('<p id="han_nop_khac" class="warn">Sổ Excel ghi hạn khác: 30/11/2025 (sheet CoQuan, ô «Hạn nộp Sở Nội '
                'vụ»); hạn phải theo là hạn Sở Nội vụ đặt ở trên. Nên sửa sổ Excel cho khớp.</p>') in html, page

    # the Sở moves its date: the page says the guide is older and asks for a rebuild, whose guide has the new date
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": "28/11/2025",
                                              "co_quan": ["VP", "SO"]}).status_code == 302
    html = _main(c.get("/ho-so").text)
    assert "Hạn gửi hồ sơ cho Sở Nội vụ (do Sở Nội vụ đặt): 28/11/2025 — còn 8 ngày" in html
    assert ("được tạo trước khi Sở Nội vụ đặt hạn này và ghi hạn 25/11/2025: tạo lại hồ sơ để hướng dẫn in ghi đúng "
            "hạn của Sở Nội vụ.") in html
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    again = q.run_next()
    assert again["trang_thai"] == "xong" and "28/11/2025 — còn 8 ngày" in again["han_nop"]
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ (do Sở Nội vụ đặt): 28/11/2025 — còn 8 ngày" in guide
    assert "25/11/2025" not in guide
    assert "HUONG_DAN_IN.pdf) của bộ hồ sơ này được tạo trước" not in _main(c.get("/ho-so").text)
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302  # nothing changed: kept as it is
    same = q.run_next()
    assert same["tom_tat"].startswith("Không có gì thay đổi") and "(do Sở Nội vụ đặt): 28/11/2025" in same["han_nop"]
    # the Sở removes its deadline: the workbook's is the one left, and the guide that prints the Sở's is named
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": "",
                                              "co_quan": ["VP", "SO"]}).status_code == 302
    html = _main(c.get("/ho-so").text)
    assert '<p id="han_nop">Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2025 — còn 10 ngày (tính đến hôm nay, 20/11/2025).</p>' in html
    assert "ghi hạn 28/11/2025 do Sở Nội vụ đặt trước đây; Sở Nội vụ đã bỏ hạn đó: tạo lại hồ sơ" in html

    # the command line, without a server: the workbook's deadline, as before
    cli_out = tmp_path / "dong_lenh"
    api.build(factory.of_year(tmp_path / "so_cli.xlsx", 2025), cli_out, api.BuildOptions(show_progress=False))
    guide = _pdf_text(cli_out / "HUONG_DAN_IN.pdf")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2025 — còn 10 ngày (tính đến ngày 20/11/2025)." in guide
    assert "do Sở Nội vụ đặt" not in guide and "Sổ Excel ghi hạn khác" not in guide


def test_last_season_s_deadline_of_the_so_is_not_printed_on_this_year_s_guide(server_warm, tmp_path, monkeypatch):
    """The Sở Nội vụ's deadline of the 2024 campaign (15/01/2025) still on its page when an agency builds its 2025
    workbook: the guide would have printed «đã quá hạn» against last season's date. A deadline of another campaign
    (January is still the year before's) is not applied: the guide and the page give the workbook's, and the page
    says whose campaign the Sở's date is."""

    app, store, q = server_warm
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-20")
    s = _so_sets_deadline(app, store, "15/01/2025")
    c, out = _built_2025(server_warm, tmp_path)
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2025 — còn 10 ngày (tính đến ngày 20/11/2025)." in guide
    assert "15/01/2025" not in guide and "do Sở Nội vụ đặt" not in guide
    build = store.one("SELECT * FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")
    for page in (f"/lan-tao/{build['id']}", "/ho-so"):
        html = _main(c.get(page).text)
        assert '<p id="han_nop">Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2025 — còn 10 ngày (tính đến hôm nay, 20/11/2025).</p>' \
               in html, page
        assert ("Hạn Sở Nội vụ đặt trên trang web (15/01/2025) là của đợt đánh giá năm 2024, không phải năm 2025 của bộ "
                "hồ sơ này: hạn ở đây là hạn ghi trong sổ Excel.") in html, page
    # the Sở sets this season's: the page gives it and asks for the guide again
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": "10/01/2026",
                                              "co_quan": ["VP", "SO"]}).status_code == 302
    html = _main(c.get("/ho-so").text)
    assert "(do Sở Nội vụ đặt): 10/01/2026" in html and "tạo lại hồ sơ để hướng dẫn in ghi đúng hạn" in html


def test_every_time_on_the_pages_reads_day_first_a_print_mark_s_too(served_2025, tmp_path):
    """The print mark's time read «18:30 ngày 06/12/2026» on the pages (the command line's words, and a build's line
    «kể từ lần in lúc 18:30 ngày …») where every table says «06/12/2026 18:30»: now one format, in Vietnam's time."""
    from pipeline import printed
    from pipeline.web.store import vietnam_time

    assert vietnam_time("Kể từ lần in lúc 18:30 ngày 06/12/2026 (đánh dấu)") == "Kể từ lần in lúc 06/12/2026 18:30 (đánh dấu)"
    assert vietnam_time("2026-12-06 11:30:00+00:00, lúc 08:05 ngày 07/12/2026.") == "06/12/2026 18:30, lúc 07/12/2026 08:05."
    assert vietnam_time("còn 5 ngày 06/12/2026") == "còn 5 ngày 06/12/2026"  # not a time
    app, store, q, c, out = served_2025
    build = store.one("SELECT id FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")["id"]
    assert c.post("/thay-doi/da-in", data={"csrf_token": _csrf(c), "lan_tao": build}).status_code == 302
    at = vietnam_time(str(printed.read(out)["ngay"]))  # «dd/mm/yyyy HH:MM» in Vietnam
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", at)
    cli_words = re.compile(r"\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}")
    for page in ("/thay-doi", f"/lan-tao/{build}"):
        html = _main(c.get(page).text)
        assert f"đánh dấu lúc {at}" in html and not cli_words.search(html), page
    # a change built after the mark: its line counts from the print, in the same format
    _upload(c, _edited_2025(tmp_path))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    row = q.run_next()
    assert row["trang_thai"] == "xong" and cli_words.search(row["thay_doi"])  # the build's own (CLI) words, kept
    for page in (f"/lan-tao/{row['id']}", "/lan-tao"):
        html = _main(c.get(page).text)
        assert not cli_words.search(html), page
    # a print marked before this build: the next mark is of the sheets to reprint
    for page in ("/thay-doi", f"/lan-tao/{row['id']}"):
        html = _main(c.get(page).text)
        assert ">Đã in xong các trang cần in lại</button>" in html and "toàn bộ hồ sơ</button>" not in html, page
    assert f"lần in lúc {at}" in _main(c.get(f"/lan-tao/{row['id']}").text)
    log = _main(c.get("/nhat-ky").text)  # the audit log's times are Vietnam's too, and it says so
    assert "giờ Việt Nam (UTC+7)" in log and "đồng hồ của máy chủ" not in log


def test_sending_says_what_it_does_and_never_sends_the_same_package_twice(served_2025, tmp_path):
    """«Gửi bộ hồ sơ này cho Sở Nội vụ» said nothing of what a click does, and stayed after the package was
    sent: a second click made a second submission of the same package for the Sở. Now the page says the Sở
    receives it at once and it cannot be taken back; once sent, the button is gone until a build makes
    another package, and a second POST records nothing."""
    app, store, q, c, _ = served_2025
    html = _main(c.get("/ho-so").text)
    assert 'id="nop"' in html
    assert "Sở Nội vụ nhận ngay bộ hồ sơ này" in html and "không rút lại được" in html
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    html = _main(c.get("/ho-so").text)
    assert 'id="nop"' not in html and "Sở Nội vụ đang có đúng bộ hồ sơ này" in html
    # the levels only proposed: once sent, a decision means building and sending again, not «rồi mới gửi»
    assert "tạo lại hồ sơ rồi gửi lại" in html and "rồi mới gửi" not in html
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302  # a second click, a resent form
    assert store.one("SELECT COUNT(*) AS n FROM nop")["n"] == 1
    # another package (a change built): the button is back, with the reminder to send again
    _upload(c, _edited_2025(tmp_path))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    assert q.run_next()["trang_thai"] == "xong"
    html = _main(c.get("/ho-so").text)
    if 'id="nop_lai"' in html:  # the package's bytes changed
        assert 'id="nop"' in html
        assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
        assert store.one("SELECT COUNT(*) AS n FROM nop")["n"] == 2


def test_a_package_joined_again_with_the_same_words_is_not_to_send_again(served_2025):
    """Sent, then the leaders' file for the Sở joined again (written anew: other bytes, the same pages and words, as
    after a program update re-converted it) and the package zipped again: «Hồ
    sơ» no longer tells the clerk the Sở holds an old package, nor offers to send it; the report's Word file
    with other words does, naming it."""
    import hashlib

    from pypdf import PdfReader, PdfWriter

    app, store, q, c, out = served_2025
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    sub = m["nop_so_noi_vu"]
    copies = [e for e in sub["tep"] if e.get("goc") or e.get("loai") == "tap_the_lanh_dao"]
    assert [e["path"] for e in copies] == ["nop_so_noi_vu/ho_so_lanh_dao.pdf"]  # the leaders' file made for the Sở
    digests = {}

    def rewrite(rel: str, data: bytes) -> None:  # a new file (a link to the cache left alone)
        (out / rel).unlink()
        (out / rel).write_bytes(data)
        digests[rel] = hashlib.sha256(data).hexdigest()

    for e in copies:
        writer = PdfWriter(clone_from=PdfReader(out / e["path"]))
        writer.add_metadata({"/Producer": "joined again"})
        buf = io.BytesIO()
        writer.write(buf)
        assert buf.getvalue() != (out / e["path"]).read_bytes()
        rewrite(e["path"], buf.getvalue())
        if e.get("goc"):
            rewrite(e["goc"], buf.getvalue())
    zipped = io.BytesIO()
    with zipfile.ZipFile(out / sub["zip"]) as src, zipfile.ZipFile(zipped, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (out / info.filename).read_bytes() if info.filename in digests else
                         src.read(info.filename))
    rewrite(sub["zip"], zipped.getvalue())

    def manifest(extra: dict) -> None:
        for f in m["files"]:
            f["sha256"] = {**digests, **extra}.get(f["path"], f["sha256"])
        (out / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")

    manifest({})
    html = _main(c.get("/ho-so").text)
    assert 'id="nop_lai"' not in html and 'id="nop"' not in html, html
    assert "không văn bản nào trong bộ hồ sơ thay đổi nội dung" in html and "không cần gửi lại" in html
    report = next(e for e in sub["tep"] if e["path"].endswith(".docx") and e.get("loai") == "bao_cao_so_noi_vu")
    manifest({report["path"]: "0" * 64})  # the report's words changed
    html = _main(c.get("/ho-so").text)
    assert 'id="nop_lai"' in html and 'id="nop"' in html
    assert f"{report['tieu_de']} ({report['path'].rsplit('/', 1)[-1]})" in html.split('id="tep_khac"')[1].split("</span>")[0]


def test_the_so_s_page_counts_days_in_vietnam_and_names_no_command(served_2025, tmp_path, monkeypatch):
    """The Sở's page counted «đã quá hạn» from the server's own date (a server on UTC is still on the day
    before until 07:00 in Vietnam) and told the Sở its table was «như lệnh hoso tong-hop lập»."""
    import datetime as dt


    app, store, q, c, _ = served_2025
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    s = _so_sets_deadline(app, store, "27/11/2025")
    # 01:00 on 28/11 in Vietnam, still the 27th on the server's (UTC) clock
    monkeypatch.delenv("HOSO_HOM_NAY", raising=False)
    monkeypatch.setattr("pipeline.clock.today", lambda: dt.date(2025, 11, 27))
    monkeypatch.setattr("pipeline.web.store._utc_now", lambda: dt.datetime(2025, 11, 27, 18, 0, tzinfo=dt.UTC))
    html = _main(s.get("/so-noi-vu").text)
    assert "Chưa nộp, đã quá hạn 1 ngày" in html  # agency SO sent nothing; the 27th was its last day
    assert "hoso " not in html and "tong-hop lập" not in html
    assert 'id="tai_tong_hop"' in html


def test_vietnam_today_is_the_day_at_utc_plus_7(monkeypatch):
    import datetime as dt

    from pipeline.web.store import vietnam_today

    monkeypatch.delenv("HOSO_HOM_NAY", raising=False)
    assert vietnam_today(dt.datetime(2025, 11, 30, 16, 59, tzinfo=dt.UTC)) == dt.date(2025, 11, 30)
    assert vietnam_today(dt.datetime(2025, 11, 30, 17, 0, tzinfo=dt.UTC)) == dt.date(2025, 12, 1)
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-05")
    assert vietnam_today(dt.datetime(2025, 11, 30, 17, 0, tzinfo=dt.UTC)) == dt.date(2025, 11, 5)


def test_a_person_s_or_unit_s_word_file_downloads_under_a_name_saying_whose(served_2025, tmp_path):
    """Every person's form has the same file name (phieu_….docx): a clerk downloading three people's got
    «phieu.docx», «phieu (1).docx», «phieu (2).docx» and could not tell whose was whose. The download's name
    now starts with the person's code (a unit's form: the unit's)."""
    import re

    app, store, q, c, out = served_2025
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    person = next(f["path"] for f in m["files"] if re.fullmatch(r"ca_nhan/[^/]+/[^/]+/[^/]+\.docx", f["path"]))
    unit, code, name = person.split("/")[1:]
    r = c.get(f"/tep/{person}")
    assert r.status_code == 200 and f"filename={code}_{name}" in r.headers["Content-Disposition"], r.headers
    unit_doc = next(f["path"] for f in m["files"] if re.fullmatch(r"don_vi/[^/]+/[^/]+\.docx", f["path"]))
    r = c.get(f"/tep/{unit_doc}")
    u, n = unit_doc.split("/")[1:]
    assert f"filename={u}_{n}" in r.headers["Content-Disposition"], r.headers
    pdf = next(f["path"] for f in m["files"] if re.fullmatch(r"ca_nhan/[^/]+/[^/]+\.pdf", f["path"]))
    assert f"filename={Path(pdf).name}" in c.get(f"/tep/{pdf}?tai=1").headers["Content-Disposition"]


def test_after_the_first_build_the_clerk_is_told_to_print_everything(served_2025, tmp_path):
    """The first build's page and «Thay đổi, in lại» said «chưa có gì phải in lại» beside a button «Đã in xong
    các trang cần in lại»: a clerk who has never printed anything read that nothing was to be printed. Now
    they say to print the whole dossier by the printing guide, and the button says what it marks."""
    app, store, q, c, out = served_2025
    build = store.one("SELECT * FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")
    for page in ("/thay-doi", f"/lan-tao/{build['id']}"):
        html = _main(c.get(page).text)
        assert "chưa có gì phải in lại" not in html, page
        assert "lần này in toàn bộ hồ sơ theo «Hướng dẫn in, ký và nộp»" in html, page
        assert 'href="/tep/HUONG_DAN_IN.pdf"' in html, page
        assert ">Đã in xong toàn bộ hồ sơ</button>" in html, page
    assert c.get("/tep/HUONG_DAN_IN.pdf").status_code == 200
    # there is no «lần trước» to compare with: the kept thay_doi.txt is named as the first build's
    html = _main(c.get(f"/lan-tao/{build['id']}").text)
    assert ">tệp thay_doi.txt của lần tạo đầu tiên</a>" in html and "so với lần trước" not in html
    # a later build with a change, no print marked yet: the list of sheets to reprint since the build before, but
    # the next mark is the whole output's (the audit's «lần in đầu tiên»): the button and its note say so
    _upload(c, _edited_2025(tmp_path))
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    assert q.run_next()["trang_thai"] == "xong"
    html = _main(c.get("/thay-doi").text)
    assert 'id="lan_dau"' not in html and 'id="in_lai"' in html
    assert ">Đã in xong toàn bộ hồ sơ</button>" in html and "các trang cần in lại</button>" not in html, html
    assert ("Lần đánh dấu đầu tiên là đánh dấu đã in toàn bộ hồ sơ của lần tạo này: khi mọi tờ của hồ sơ hiện tại đã "
            "được in (in cả bộ, hoặc bộ đã in trước đó cùng các tờ cần in lại), bấm nút dưới đây") in html, html
    later = store.one("SELECT id FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")["id"]
    assert ">Đã in xong toàn bộ hồ sơ</button>" in _main(c.get(f"/lan-tao/{later}").text)
    assert c.post("/thay-doi/da-in", data={"csrf_token": _csrf(c), "lan_tao": later}).status_code == 302
    assert "Đánh dấu đã in xong toàn bộ hồ sơ (lần in đầu tiên)" in _main(c.get("/nhat-ky").text)
    assert ">những gì thay đổi so với lần trước (thay_doi.txt)</a>" in _main(c.get(f"/lan-tao/{later}").text)


def test_a_person_s_page_after_last_year_s_workbook_does_not_ask_to_build_it(served_2025, tmp_path):
    """With the 2025 dossiers built, the 2024 workbook uploaded by mistake: a person's page showed the 2024
    level above the 2025 dossier and said «tạo lại hồ sơ trước khi in» — which would replace the year's
    dossiers by last year's. Now it names both years and asks for the right workbook."""
    app, store, q, c, out = served_2025
    import re

    code = json.loads((out / "manifest.json").read_text("utf-8"))["ca_nhan"][0]["ma_so"]
    last_year_book = factory.tables()  # the factory's year is 2024
    last_year_book["NhanSu"][1]["muc_quyet_dinh"] = "HT"  # NS-02's level that year: decided «Hoàn thành nhiệm vụ»
    _upload(c, factory.write(tmp_path / "so_2024.xlsx", last_year_book))
    html = _main(c.get(f"/ho-so/nguoi/{code}").text)
    assert 'id="nam_khac"' in html and 'id="ho_so_cu"' not in html
    assert "sổ của năm đánh giá 2024; hồ sơ dưới đây là của năm 2025" in html
    assert 'href="/so-excel">tải lên đúng sổ năm 2025</a>' in html
    assert "tạo lại hồ sơ trước khi in" not in html
    # «Hồ sơ» names each person's level as the 2025 dossiers have it, not the 2024 workbook's
    built = {p["ma_so"]: p for p in json.loads((out / "ket_qua_xep_loai.json").read_text("utf-8"))["nguoi"]}
    last_year = json.loads(next(store.rating_dir("VP", r["id"]) for r in store.q(
        "SELECT id FROM so WHERE co_quan='VP' AND xep_loai=1 ORDER BY id DESC LIMIT 1")).joinpath(
        "ket_qua_xep_loai.json").read_text("utf-8"))
    from pipeline.web.app import LEVEL_WORDS

    def level(p: dict) -> str | None:
        return p.get("muc_quyet_dinh") or (p.get("cuoc_hop") or p).get("muc_de_xuat")

    differ = [p["ma_so"] for p in last_year["nguoi"] if p["ma_so"] in built and level(p) != level(built[p["ma_so"]])]

    assert differ, "the two workbooks must rate someone differently"
    page = _main(c.get("/ho-so").text)
    for p in built.values():
        shown = LEVEL_WORDS.get(level(p) or "", "không xếp loại" if p.get("trang_thai") == "khong_xep_loai"
                                else "chưa xếp loại")
        assert re.search(rf"\({p['ma_so']}\)</a> <span class=\"note\">— {shown}", page), (p["ma_so"], differ)
    # the same year edited: the page still asks to build again
    _upload(c, _edited_2025(tmp_path))
    html = _main(c.get(f"/ho-so/nguoi/{code}").text)
    assert 'id="ho_so_cu"' in html and 'id="nam_khac"' not in html and "tạo lại hồ sơ</a> trước khi in" in html


def test_a_deadline_set_by_another_compiling_body_is_named_as_its_in_the_guide_and_the_pages(server_warm, tmp_path,
                                                                                           monkeypatch):
    """A Sở Y tế runs the server for its units («Cơ quan tổng hợp» on its page) and sets 25/11/2025: the guide, the
    README, the build's line, the manifest and «Hồ sơ» say the Sở Y tế set it (not «do Sở Nội vụ đặt»); the package
    still goes where the workbook says (it names no other body: «Sở Nội vụ»); a rebuild with nothing changed says
    the same from the manifest."""
    app, store, q = server_warm
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-20")
    syt = "Sở Y tế tỉnh Thử Nghiệm"
    s = _so_sets_deadline(app, store, "25/11/2025")
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": "25/11/2025", "co_quan": ["VP", "SO"],
                                              "noi_tong_hop": syt}).status_code == 302
    c, out = _built_2025(server_warm, tmp_path)
    line = f"Hạn gửi hồ sơ cho Sở Nội vụ (do {syt} đặt): 25/11/2025 — còn 5 ngày"
    build = store.one("SELECT * FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")
    assert build["han_nop"] == line + " (tính đến hôm nay, 20/11/2025)."
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert line + " (tính đến ngày 20/11/2025)." in guide and f"hạn {syt} đặt, 25/11/2025." in guide
    assert "do Sở Nội vụ đặt" not in guide and line in (out / "README.txt").read_text("utf-8")
    assert json.loads((out / "manifest.json").read_text("utf-8"))["nop_so_noi_vu"]["han_nop_do"] == syt
    html = _main(c.get("/ho-so").text)
    assert f'<p id="han_nop">{line} (tính đến hôm nay, 20/11/2025).</p>' in html
    assert f"Gửi bộ hồ sơ này cho {syt}</button>" in html
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302  # nothing changed
    same = q.run_next()
    assert same["tom_tat"].startswith("Không có gì thay đổi") and same["han_nop"].startswith(line)


def test_tao_lai_asks_again_when_other_documents_were_edited_since_the_confirmation(served_2025):
    """«Tạo lại» of a build interrupted by a restart reused the clerk's confirmation to overwrite the documents
    edited by hand — also those edited after it, which she was never shown. It stands now only for the files
    she was shown: the same set is re-run without a question; one more edited file is named and asked about,
    nothing queued, and once confirmed the build keeps a copy of both edited documents beside the folder."""
    app, store, q, c, out = served_2025
    first, second = sorted((out / "ca_nhan").rglob("*.docx"))[:2]
    rel1, rel2 = (f.relative_to(out).as_posix() for f in (first, second))
    with zipfile.ZipFile(first, "a") as zf:
        zf.writestr("customXml/ghi_chu.xml", "<x>sửa tay 1</x>")
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "ghi_de": "1"}).status_code == 302
    build = q._q.get_nowait()  # queued, never run: the server stopped
    assert store.fail_interrupted() == 1
    assert json.loads(store.one("SELECT sua_tay FROM lan_tao WHERE id=?", build)["sua_tay"]) == [rel1]
    # the same edited document: «Tạo lại» asks nothing (what she confirmed stands)
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": str(build)}).status_code == 302
    build = q._q.get_nowait()
    assert store.one("SELECT ghi_de FROM lan_tao WHERE id=?", build)["ghi_de"] == 1
    assert store.fail_interrupted() == 1
    # another document saved in Word after that: asked again, named as new, nothing queued, nothing overwritten
    with zipfile.ZipFile(second, "a") as zf:
        zf.writestr("customXml/ghi_chu.xml", "<x>sửa tay 2</x>")
    edited = {rel1: first.read_bytes(), rel2: second.read_bytes()}
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": str(build)})
    assert r.status_code == 409 and "Chưa tạo hồ sơ." in r.text and q._q.empty(), r.text
    since = r.text.split('id="sua_tay_moi"', 1)[1].split("</ul>", 1)[0]
    assert ("Xác nhận ghi đè ở lần tạo trước không áp dụng cho 1 tệp được sửa tay sau đó:" in since
            and rel2 in since and rel1 not in since), since
    assert "2 tệp trong thư mục hồ sơ trên máy chủ đã được sửa tay" in r.text
    assert f'<input type="hidden" name="lan_tao" value="{build}">' in r.text  # the re-run's other answers stand
    assert {rel: (out / rel).read_bytes() for rel in edited} == edited
    refusal = store.one("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='tao_ho_so_bi_tu_choi' ORDER BY id DESC LIMIT 1")
    assert json.loads(refusal["chi_tiet"])["sua_tay_them"] == 1
    # a build id in the form is never echoed unless it is one
    assert 'name="lan_tao"' not in c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": '1"><b>'}).text
    # confirmed: built, both edited documents kept beside the folder
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c), "lan_tao": str(build), "ghi_de": "1"}).status_code == 302
    row = q.run_next()
    assert row["trang_thai"] == "xong" and row["ghi_de"] == 1, row["loi"]
    assert sorted(json.loads(row["sua_tay"])) == sorted(edited)
    (kept,) = store.agency_dir("VP").glob("ket_qua.sua-tay-*")
    assert {rel: (kept / rel).read_bytes() for rel in edited} == edited


def test_a_workbook_uploaded_while_a_build_waits_is_said_not_built(served_2025, tmp_path):
    """The clerk uploaded a corrected workbook (the same file name) while her build ran and clicked «Tạo hồ sơ»:
    the page of the running build answered, which then said «Xong» — built from the workbook before, her
    correction in no dossier, and no page said so (the home page, «Hồ sơ» where she sends to the Sở). Now each
    names the upload not built, the build that came before it, and what to click."""
    app, store, q, c, out = served_2025
    book = _edited_2025(tmp_path)
    _upload(c, book)
    (built_from, newer) = [r["id"] for r in store.q("SELECT id FROM so WHERE co_quan='VP' ORDER BY id")]
    last = store.one("SELECT id FROM lan_tao WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")["id"]
    for page in ("/", "/ho-so", f"/lan-tao/{last}"):
        html = _main(c.get(page).text)
        note = html.split('id="so_moi_chua_tao">', 1)[1].split("</p>", 1)[0]
        assert (f"Sổ số {newer} «" in note and "» tải lên lúc" in note and "chưa được dùng để tạo hồ sơ: lần tạo gần "
                "nhất (" in note and f"số {last}</a>) tạo từ sổ số {built_from} «so_2025.xlsx»" in note
                and "hồ sơ hiện có chưa có các sửa đổi của sổ mới. Bấm" in note), (page, note)
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
    running = q._q.get_nowait()
    q._q.put(running)  # still waiting (the inline queue runs nothing by itself)
    assert 'id="so_moi_chua_tao"' not in c.get("/").text  # the latest upload is the one being built
    _upload(c, book)  # corrected again meanwhile, the same file name
    latest = store.one("SELECT id FROM so WHERE co_quan='VP' ORDER BY id DESC LIMIT 1")["id"]
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})  # shows the waiting build
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/lan-tao/{running}")
    note = _main(c.get(f"/lan-tao/{running}").text).split('id="so_moi_chua_tao">', 1)[1].split("</p>", 1)[0]
    assert (f"Sổ số {latest} «" in note and f"số {running}</a> đang chờ tạo từ sổ số {newer} «{book.name}»" in note
            and "Khi lần tạo đó xong, bấm" in note), note
    assert 'id="so_moi_chua_tao"' not in _main(c.get(f"/lan-tao/{last}").text)  # only on the latest build's page


def test_a_file_put_into_the_server_s_output_folder_is_named_before_building(served_2025):
    """Someone at the server's disk put a note into the output folder (co_quan/<MA>/ket_qua/don_vi/…): every build
    failed with the CLI's «… hoặc chọn thư mục khác với -o», after «Thư mục kết quả thư mục hồ sơ trên máy chủ»,
    and «Tạo lại» failed again. «Tạo hồ sơ» now names the file and where to move it, builds nothing while it is
    there (the build replaces the folder: the file is never deleted), and a build's refusal reads in page words."""
    from pipeline import ownership
    from pipeline.web.jobs import page_words

    app, store, q, c, out = served_2025
    unit = sorted(p for p in (out / "don_vi").iterdir() if p.is_dir())[0]
    note = unit / "ghi_chu_cua_toi.txt"
    note.write_text("ghi chú", encoding="utf-8")
    rel = note.relative_to(out).as_posix()
    page = _main(c.get("/tao-ho-so").text)
    block = page.split('id="tep_rieng"', 1)[1].split("</div>", 1)[0]
    assert ("1 tệp trong thư mục hồ sơ trên máy chủ không do hoso tạo" in block and f"<li>{rel}</li>" in block
            and f"Hãy chuyển chúng ra khỏi thư mục «{out}» trên ổ đĩa của máy chủ" in block), block
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert r.status_code == 409 and "Chưa tạo hồ sơ. 1 tệp" in r.text and q._q.empty()
    assert note.read_text(encoding="utf-8") == "ghi chú"
    refusal = store.one("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='tao_ho_so_bi_tu_choi' ORDER BY id DESC LIMIT 1")
    assert json.loads(refusal["chi_tiet"])["tep_rieng"] == 1
    # the build's own refusal (a file put there after the page was shown), as its page words it
    said = page_words(ownership.refusal(out) or "", out)
    assert said.startswith("Thư mục hồ sơ trên máy chủ có tệp không do hoso tạo") and "với -o" not in said, said
    assert said.endswith(f"Hãy chuyển các tệp đó ra khỏi thư mục «{out}» trên ổ đĩa của máy chủ (người đặt chúng "
                         "vào đó, hoặc quản trị viên máy chủ), rồi bấm «Tạo lại»."), said
    note.unlink()
    assert 'id="tep_rieng"' not in c.get("/tao-ho-so").text
    assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302


def test_a_second_server_on_the_same_data_folder_is_refused(tmp_path, capsys):
    """The clerk started «hoso serve» again (a second shortcut, a service restarted over a running one): its
    start-up marked the first server's running build failed («Máy chủ đã dừng …») while that build went on and
    replaced the output — the history said failed, «Tạo lại» built it again. Now the second refuses (exit 7) while
    the first holds the data folder, and starts once it is gone."""
    import subprocess
    import sys as _sys

    from fakes import run_main

    from pipeline.web.app import SERVE_LOCK

    data = tmp_path / "du_lieu"
    data.mkdir()
    holder = subprocess.Popen([_sys.executable, "-c", "import sys, time; from pathlib import Path; "
                               "from pipeline.web.app import hold_data_folder; h = hold_data_folder(Path(sys.argv[1])); "
                               "print('held', flush=True); time.sleep(60)", str(data)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        rc, err = run_main(["serve", "--data", str(data), "--port", "1"], capsys)
        assert rc == 7, err
        assert (f"Một hoso serve khác đang chạy với thư mục dữ liệu «{data}»: hai máy chủ trên cùng một thư mục dữ liệu "
                "sẽ đánh dấu hỏng lần tạo hồ sơ máy kia đang chạy.") in " ".join(err.split()), err
        assert "hoso đang chạy ở" not in err
    finally:
        holder.kill()
        holder.wait()
    from pipeline.web.app import hold_data_folder

    held = hold_data_folder(data)  # the first gone (killed): the folder is free again
    assert held is not None and (data / SERVE_LOCK).is_file()
    held.close()
