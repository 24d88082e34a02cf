"""`hoso serve`'s accounts deleted and given another role from the CLI, and the page thumbnails of
files a build replaced removed. The CLI runs as the administrator runs it (`python -m pipeline`);
the pages through Flask's test client on the same data folder; the builds through the server's
own queue (a real LibreOffice)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from web_pages import hidden as _hidden  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
THUMB = re.compile(r'src="(/anh/\d+/[^"]+)"')


def _hoso(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def _account(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return _hoso("tai-khoan", *args, "--data", str(data), stdin=stdin)


def _add(data: Path, name: str, role: str = "van_thu", unit: str | None = None, agency: str = "VP") -> None:
    r = _account(data, "them", name, "--co-quan", agency, "--vai-tro", role, *(["--don-vi", unit] if unit else []),
                 stdin=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr


def _login(app, name: str, password: str = PASSWORD):
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    r = c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": password})
    c.status = r.status_code
    return c


def _csrf(c) -> str:
    return _hidden(c.get("/mat-khau").text, "csrf_token")


def _to_login(resp) -> bool:
    return resp.status_code == 302 and resp.headers["Location"].endswith("/dang-nhap")


def _log_rows(app) -> str:
    v = _login(app, "vanthu")
    assert v.status == 302
    return v.get("/nhat-ky").text


# ---- deleting an account ---------------------------------------------------------------------------
def test_deleting_an_account_ends_its_session_and_keeps_what_it_did(tmp_path):
    from pipeline.web.app import create_app
    from pipeline.web.store import now

    data = tmp_path / "du_lieu"
    _add(data, "vanthu")
    _add(data, "cu")
    app = create_app(data, start_queue=False)
    store = app.extensions["hoso_store"]
    c = _login(app, "cu")
    assert c.status == 302
    book = factory.write(tmp_path / "so.xlsx", factory.tables())
    with book.open("rb") as f:
        r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (f, "so_cua_cu.xlsx")},
                   content_type="multipart/form-data")
    assert r.status_code == 302, r.text
    so_id = store.one("SELECT id FROM so WHERE tai_khoan='cu'")["id"]
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc, tom_tat) "
                    "VALUES ('VP', ?, 'cu', 'xong', ?, ?, 'Xong: 6 người.')", so_id, now(), now())

    # not on a terminal: refused without --dong-y, nothing changes
    r = _account(data, "xoa", "cu")
    assert r.returncode == 2 and "thêm --dong-y để xóa tài khoản «cu» (Văn thư cơ quan, cơ quan VP)" in r.stderr
    assert store.account("cu") is not None and c.get("/so-excel").status_code == 200

    r = _account(data, "xoa", "cu", "--dong-y")
    assert r.returncode == 0, r.stderr
    assert "Đã xóa tài khoản «cu» (Văn thư cơ quan, cơ quan VP); 1 phiên đăng nhập đã kết thúc." in r.stderr
    assert _to_login(c.get("/so-excel"))  # the open session is over at its next request
    assert c.post("/tao-ho-so", data={"csrf_token": "x"}).status_code == 403
    assert _login(app, "cu").status == 401
    listed = _account(data, "ds")
    assert listed.returncode == 0 and not re.search(r"^cu\s", listed.stdout, re.M) and "1 tài khoản." in listed.stderr

    # what it did is still shown under its name: the upload, the build, the audit log
    v = _login(app, "vanthu")
    assert re.search(rf"<td>{so_id}</td><td>so_cua_cu.xlsx</td><td[^>]*>[^<]+</td><td>cu</td>", v.get("/so-excel").text)
    assert re.search(r"<td[^>]*>[^<]+</td><td>cu</td>", v.get("/lan-tao").text)
    assert "bởi cu" in v.get(f"/lan-tao/{build}").text
    log = v.get("/nhat-ky").text
    assert re.search(r'<td>cu</td><td>[^<]*</td><td>Đăng nhập <span class="note">dang_nhap</span>', log)
    assert re.search(r'<td>cu</td><td>[^<]*</td><td>Tải sổ Excel lên <span class="note">tai_len_so</span>', log)
    assert re.search(r'<td>quan_tri</td><td>dòng lệnh trên máy chủ</td><td>Xóa tài khoản <span class="note">xoa_tai_khoan</span></td>'
                     r'<td>cu \(Văn thư cơ quan\)</td>', log)  # the role in words

    # an unknown name is said as by the other commands; the name is free again
    r = _account(data, "xoa", "khong_co_ai", "--dong-y")
    assert r.returncode == 2 and "Không có tài khoản «khong_co_ai»" in r.stderr
    _add(data, "cu", "van_thu_don_vi", "HC")
    assert _login(app, "cu").status == 302


def test_deleting_asks_on_a_terminal(tmp_path):
    import pty

    _add(tmp_path, "nguoi", "van_thu_don_vi", "HC")

    def run(answer: bytes) -> str:
        pid, fd = pty.fork()
        if pid == 0:  # the child: hoso on a terminal
            os.execv(sys.executable, [sys.executable, "-m", "pipeline", "tai-khoan", "xoa", "nguoi", "--data", str(tmp_path)])
        seen = b""
        deadline = time.monotonic() + 60
        asked = False
        while time.monotonic() < deadline:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            if not asked and b"[c/K]" in seen:
                os.write(fd, answer)
                asked = True
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, seen
        return seen.decode("utf-8", "replace")

    said = run(b"\n")  # the default is no
    assert "Xóa tài khoản «nguoi» (Văn thư đơn vị HC, cơ quan VP)? [c/K]" in said
    assert "Không xóa: tài khoản «nguoi»" in said
    assert "nguoi " in _account(tmp_path, "ds").stdout
    said = run(b"c\n")
    assert "Đã xóa tài khoản «nguoi» (Văn thư đơn vị HC, cơ quan VP)." in said
    assert "Chưa có tài khoản nào" in _account(tmp_path, "ds").stderr


# ---- another role ---------------------------------------------------------------------------------
def test_role_change_options_are_checked_as_by_them(tmp_path):
    _add(tmp_path, "a1")
    for args, words in ((["--vai-tro", "van_thu_don_vi"], "Văn thư đơn vị cần --don-vi MA."),
                        (["--vai-tro", "so_noi_vu", "--don-vi", "HC"], "--don-vi chỉ dùng với --vai-tro van_thu_don_vi."),
                        (["--vai-tro", "van_thu_don_vi", "--don-vi", "../HC"], "«../HC» không hợp lệ."),
                        (["--vai-tro", "quan_tri"], "quan_tri")):
        r = _account(tmp_path, "doi-vai-tro", "a1", *args)
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)
        r = _account(tmp_path, "them", "a2", "--co-quan", "VP", *args, stdin=PASSWORD + "\n")
        assert r.returncode == 2 and words in r.stderr, (args, r.stderr)  # the same words as `them`
    assert re.search(r"^a1\s+VP\s+Văn thư cơ quan\s+Đang dùng", _account(tmp_path, "ds").stdout, re.M)
    r = _account(tmp_path, "doi-vai-tro", "khong_co_ai", "--vai-tro", "van_thu")
    assert r.returncode == 2 and "Không có tài khoản «khong_co_ai»" in r.stderr
    r = _account(tmp_path, "doi-vai-tro", "a1", "--vai-tro", "van_thu")
    assert r.returncode == 0 and "Tài khoản «a1» đã là Văn thư cơ quan: không có gì thay đổi." in r.stderr
    r = _account(tmp_path, "doi-vai-tro", "a1", "--vai-tro", "so_noi_vu")
    assert r.returncode == 0 and "Đã đổi vai trò của «a1»: Văn thư cơ quan → Sở Nội vụ." in r.stderr
    assert re.search(r"^a1\s+VP\s+Sở Nội vụ\s+Đang dùng", _account(tmp_path, "ds").stdout, re.M)
    for cmd in ("doi-vai-tro", "xoa"):  # the help in Vietnamese, click's own words too
        r = _hoso("tai-khoan", cmd, "--help")
        assert r.returncode == 0 and "Tùy chọn:" in r.stdout and "required" not in r.stdout and "Show" not in r.stdout
    assert "[bắt buộc]" in _hoso("tai-khoan", "doi-vai-tro", "--help").stdout
    assert "--dong-y" in _hoso("tai-khoan", "xoa", "--help").stdout


# ---- one agency built by the server's queue -------------------------------------------------------
def _wait(store, build_id: int, timeout: float = 900) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        row = store.one("SELECT * FROM lan_tao WHERE id=?", build_id)
        if row["trang_thai"] in ("xong", "loi"):
            return dict(row)
        time.sleep(0.5)
    raise AssertionError(f"build {build_id} did not finish")


def _upload_and_build(c, store, book: Path) -> dict:
    with book.open("rb") as f:
        r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (f, book.name)}, content_type="multipart/form-data")
    assert r.status_code == 302
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert r.status_code == 302, r.text
    build_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    row = _wait(store, build_id)
    assert row["trang_thai"] == "xong", row["loi"] + row["nhat_ky"]
    return row


@pytest.fixture(scope="module")
def agency(tmp_path_factory):
    """Agency VP on a fresh data folder, its clerk `vanthu`, one build of the small workbook."""
    from pipeline.web.app import create_app

    root = tmp_path_factory.mktemp("web_tai_khoan")
    data = root / "du_lieu"
    _add(data, "vanthu")
    app = create_app(data, build_jobs=2)
    store = app.extensions["hoso_store"]
    c = _login(app, "vanthu")
    _upload_and_build(c, store, factory.write(root / "so_1.xlsx", factory.tables()))
    yield dict(data=data, app=app, store=store, clerk=c, root=root)
    app.extensions["hoso_queue"].stop()


@pytest.mark.libreoffice
def test_role_change_takes_the_old_rights_from_a_logged_in_browser(agency):
    app, data = agency["app"], agency["data"]
    _add(data, "vt2")
    c = _login(app, "vt2")
    assert c.get("/ho-so/nguoi/NS-01").status_code == 200 and c.get("/ho-so/nguoi/NS-04").status_code == 200

    r = _account(data, "doi-vai-tro", "vt2", "--vai-tro", "van_thu_don_vi", "--don-vi", "SN")
    assert r.returncode == 0, r.stderr
    assert "Đã đổi vai trò của «vt2»: Văn thư cơ quan → Văn thư đơn vị SN; 1 phiên đăng nhập đã kết thúc." in r.stderr
    assert _to_login(c.get("/ho-so/nguoi/NS-01"))  # the same browser's next request: its old rights are gone
    c = _login(app, "vt2")
    assert c.get("/ho-so/nguoi/NS-01").status_code == 404  # another unit's person
    assert c.get("/ho-so/nguoi/NS-04").status_code == 200  # its own unit's
    assert c.get("/so-excel").status_code == 403 and c.get("/nhat-ky").status_code == 403
    assert re.search(r"^vt2\s+VP\s+Văn thư đơn vị\s+SN\s+Đang dùng", _account(data, "ds").stdout, re.M)
    assert re.search(r'<td>quan_tri</td><td>dòng lệnh trên máy chủ</td><td>Đổi vai trò tài khoản <span class="note">doi_vai_tro</span>'
                     r'</td><td>vt2 \(Văn thư cơ quan → Văn thư đơn vị, SN\)</td>', _log_rows(app))

    r = _account(data, "doi-vai-tro", "vt2", "--vai-tro", "van_thu")  # and back: the agency's every unit again
    assert r.returncode == 0 and "Văn thư đơn vị SN → Văn thư cơ quan; 1 phiên" in r.stderr
    assert _to_login(c.get("/ho-so/nguoi/NS-04"))
    assert _login(app, "vt2").get("/ho-so/nguoi/NS-01").status_code == 200


@pytest.mark.libreoffice
def test_thumbnails_of_replaced_files_are_removed_after_a_build_and_at_start(agency):
    from pipeline.web.app import create_app

    store, c, root = agency["store"], agency["clerk"], agency["root"]
    anh = store.thumbs_dir("VP")

    def view(ma_so: str) -> set[str]:
        """The person's page, and every thumbnail on it fetched as the browser does: their file names."""
        page = c.get(f"/ho-so/nguoi/{ma_so}")
        assert page.status_code == 200
        srcs = THUMB.findall(page.text)
        assert srcs
        sha = {f["path"]: f["sha256"] for f in store.manifest("VP")["files"]}
        names = set()
        for src in srcs:
            r = c.get(src)
            assert r.status_code == 200 and r.data[:8] == b"\x89PNG\r\n\x1a\n"
            _, _, n, rel = src.split("/", 3)
            names.add(f"{sha[rel]}_{n}.png")
        return names

    old_02, old_04 = view("NS-02"), view("NS-04")
    assert old_02 | old_04 <= {p.name for p in anh.iterdir()}
    stale = "0" * 64 + "_1.png"
    others = ["ghi_chu.txt", "anh_bia.png", "ABC_1.png", f"{'1' * 64}_1.png.bak", f"{'2' * 64}_x.png"]
    for name in others:
        (anh / name).write_bytes(b"not a thumbnail of hoso")
    (anh / "thu_muc").mkdir()
    (anh / "thu_muc" / stale).write_bytes(b"kept: not in the folder itself")

    # NS-02's self-assessment changes: its dossier is a new file, NS-04's (another unit) is the same file
    t = factory.tables()
    t["TuDanhGia"].append(dict(ma_so="NS-02", uu_diem="Chủ động, sáng tạo (sửa ở máy chủ)."))
    _upload_and_build(c, store, factory.write(root / "so_2.xlsx", t))
    now_sha = {f["sha256"] for f in store.manifest("VP")["files"]}
    assert not {n.split("_")[0] for n in old_02} & now_sha  # the test means something: NS-02's file changed
    assert {n.split("_")[0] for n in old_04} <= now_sha
    # the build marks its row done before its later steps (the replaced output removed, then the thumbnails):
    # on a loaded machine the folder can be read before they ran: wait for them (up to a minute)
    deadline = time.monotonic() + 60
    while old_02 & {p.name for p in anh.iterdir()} and time.monotonic() < deadline:
        time.sleep(0.2)
    left = {p.name for p in anh.iterdir()}
    assert not old_02 & left  # the replaced file's pages are gone
    assert old_04 <= left  # the unchanged file's pages stay
    assert set(others) <= left and (anh / "thu_muc" / stale).is_file()
    new_02 = view("NS-02")  # made again when viewed
    assert new_02 <= {p.name for p in anh.iterdir()} and not new_02 & old_02

    # at start-up, one pass per agency
    (anh / stale).write_bytes(b"\x89PNG\r\n\x1a\n")
    create_app(agency["data"], start_queue=False)
    left = {p.name for p in anh.iterdir()}
    assert stale not in left and new_02 | old_04 | set(others) <= left
