"""`hoso serve` tried as an attacker on the office network would (Flask's test client; the browser tests
are in test_web.py): what no page, file or log may keep or let through.

- personal files and thumbnails are never kept by a browser or proxy (`Cache-Control: no-store`, which
  `send_file` would otherwise answer "no-cache" / "public, max-age");
- the data folder (database, uploads, outputs) is readable by the server's account only;
- a session ends after its idle time and, whatever its use, at its absolute end; a login ends the session
  the browser had;
- what a login form sends is kept cut and without control characters, and a refused flood is one log line;
  guesses at an account's password show in its agency's log;
- failed logins lock a name from one address, never the name everywhere (a stranger cannot lock a clerk
  out); guesses from many addresses leave the name to the addresses it logged in from before;
- the session cookie ends with the browser; behind HTTPS the cookies carry the `__Host-` prefix;
- workbooks sent by one agency are limited per window;
- a file's name with a NUL or a line break does not reach a header; a value typed `=HYPERLINK(…)` stays
  text in the marked copy the page offers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from web_pages import hidden as _hidden  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"


LINK = '=HYPERLINK("http://evil.example/","Bấm")'


def _linked_workbook(tmp_path: Path) -> Path:
    """A workbook whose NS-02 birth date is the text `=HYPERLINK(…)` (a bad date: listed in the marked copy)."""
    src = factory.write(tmp_path / "so.xlsx", factory.tables())
    wb = openpyxl.load_workbook(src)
    cell = wb["NhanSu"][f"{factory.letter('NhanSu', 'ngay_sinh')}3"]
    cell.value, cell.data_type = LINK, "s"
    wb.save(src)
    return src


def _upload(client, data: bytes, name: str = "so.xlsx"):
    """The upload form sent as a browser sends it (its CSRF token read from the page)."""
    csrf = _hidden(client.get("/so-excel").text, "csrf_token")
    return client.post("/so-excel", data={"csrf_token": csrf, "so": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _app(data: Path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(data)
    for name, agency, role, unit in (("vt", "VP", "van_thu", None), ("dv", "VP", "van_thu_don_vi", "HC"),
                                     ("khac", "SO", "van_thu", None)):
        store.add_account(name, accounts.hash_password(PASSWORD), agency, role, unit)
    return create_app(data, start_queue=False), store


def _login(app, name: str = "vt", password: str = PASSWORD, client=None):
    c = client or app.test_client()
    c.get("/dang-nhap")
    token = c.get_cookie("hoso_csrf_dn").value  # the login form's own (a logged-in page has the logout form's too)
    r = c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": password})
    c.last = r
    return c


def _cookie(c) -> str:
    return c.get_cookie("hoso_phien").value


def _built(store, agency: str = "VP") -> str:
    """A manifest with one person's dossier (a one-page PDF), as a build leaves it: its relative path."""
    from reportlab.pdfgen import canvas

    out = store.output_dir(agency)
    rel = "ca_nhan/HC/NS-01.pdf"
    (out / "ca_nhan" / "HC").mkdir(parents=True)
    pdf = canvas.Canvas(str(out / rel))
    pdf.drawString(72, 720, "Nguyen Van An")
    pdf.save()
    sha = hashlib.sha256((out / rel).read_bytes()).hexdigest()
    manifest = {"files": [{"path": rel, "sha256": sha, "pages": 1}],
                "ca_nhan": [{"ma_so": "NS-01", "ma_don_vi": "HC", "pdf": rel, "tai_lieu": []}], "don_vi": []}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return rel


def test_personal_files_and_thumbnails_are_never_cached(tmp_path):
    app, store = _app(tmp_path)
    rel = _built(store)
    c = _login(app)
    for url in (f"/tep/{rel}", f"/tep/{rel}?tai=1", f"/anh/1/{rel}", "/ho-so", "/ho-so/nguoi/NS-01"):
        r = c.get(url)
        assert r.status_code == 200, url
        assert r.headers["Cache-Control"] == "no-store", (url, r.headers["Cache-Control"])
    unit = _login(app, "dv")
    assert unit.get(f"/anh/1/{rel}").headers["Cache-Control"] == "no-store"
    assert "max-age" in c.get("/kieu.css").headers["Cache-Control"]  # the style sheet is no one's data


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_data_folder_is_the_servers_own(tmp_path):
    data = tmp_path / "du_lieu"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    _app(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "hoso.sqlite3").stat().st_mode) == 0o600
    os.chmod(data, 0o755)  # loosened by hand: tightened again at the next start
    from pipeline.web.app import create_app

    create_app(data, start_queue=False)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "co_quan").stat().st_mode) == 0o700
    # `--data` a folder with other things in it (a home folder): its mode is the owner's; hoso's own parts close
    shared = tmp_path / "thu_muc_chung"
    shared.mkdir()
    (shared / "ghi_chu.txt").write_text("của người khác", encoding="utf-8")
    os.chmod(shared, 0o755)
    _app(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    assert stat.S_IMODE((shared / "co_quan").stat().st_mode) == 0o700
    assert stat.S_IMODE((shared / "hoso.sqlite3").stat().st_mode) == 0o600


def test_a_session_ends_when_idle_and_at_its_absolute_end(tmp_path):
    from pipeline.web import app as web
    from pipeline.web.store import Store

    app, store = _app(tmp_path)
    c = _login(app)
    digest = hashlib.sha256(_cookie(c).encode()).hexdigest()
    assert c.get("/ho-so").status_code == 200
    row = store.one("SELECT * FROM phien WHERE token=?", digest)
    assert row["het_han"] <= row["bat_dau"] + web.SESSION_SECONDS
    assert row["het_han"] - row["bat_dau"] <= web.IDLE_SECONDS + 5
    # used all day long: its end never moves past the absolute one, and it then ends
    store.x("UPDATE phien SET bat_dau=bat_dau-? WHERE token=?", web.SESSION_SECONDS - 30, digest)
    assert c.get("/ho-so").status_code == 200
    row = store.one("SELECT * FROM phien WHERE token=?", digest)
    assert row["het_han"] <= row["bat_dau"] + web.SESSION_SECONDS
    store.x("UPDATE phien SET bat_dau=bat_dau-60, het_han=? WHERE token=?", 4e9, digest)
    r = c.get("/ho-so")
    assert r.status_code == 302 and r.headers["Location"].endswith("/dang-nhap")
    # idle: nothing asked for IDLE_SECONDS
    c = _login(app)
    digest = hashlib.sha256(_cookie(c).encode()).hexdigest()
    Store(tmp_path).x("UPDATE phien SET het_han=het_han-? WHERE token=?", web.IDLE_SECONDS + 1, digest)
    assert c.get("/ho-so").status_code == 302


def test_a_login_ends_the_session_the_browser_had(tmp_path):
    app, _ = _app(tmp_path)
    c = _login(app, "khac")
    before = _cookie(c)
    _login(app, "vt", client=c)  # another account logs in on the same browser
    assert _cookie(c) != before
    stolen = app.test_client()
    stolen.set_cookie("hoso_phien", before)
    assert stolen.get("/ho-so").status_code == 302  # the first account's session is over


def test_what_a_login_form_sends_is_kept_short_and_on_one_line(tmp_path):
    app, store = _app(tmp_path)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    forged = "x\n2026-01-01 00:00:00 | vt | dang_nhap\r\n" + "A" * 200_000
    r = c.post("/dang-nhap", data={"csrf_token": token, "ten": forged, "mat_khau": "sai-mat-khau-1"})
    assert r.status_code == 401
    for table, column in (("dang_nhap_sai", "ten"), ("nhat_ky", "tai_khoan")):
        values = [row[column] for row in store.q(f"SELECT {column} FROM {table}")]
        assert values and all(len(v) <= 64 and "\n" not in v and "\r" not in v for v in values), values
    for _ in range(25):  # the address is blocked after 20 failures; every later try is refused
        c.post("/dang-nhap", data={"csrf_token": token, "ten": "ai-do", "mat_khau": "sai-mat-khau-1"})
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "ai-do", "mat_khau": "x"}).status_code == 429
    blocked = store.q("SELECT * FROM nhat_ky WHERE hanh_dong='dang_nhap_bi_chan'")
    assert len(blocked) == 1  # a flood of refused tries is one line, not one per request


def test_guesses_at_an_accounts_password_are_in_its_agencys_log(tmp_path):
    app, _ = _app(tmp_path)
    guess = _login(app, "vt", "doan-mo-mat-khau")
    assert guess.last.status_code == 401
    html = _login(app).get("/nhat-ky").text
    assert "Đăng nhập sai" in html and "dang_nhap_sai" in html
    assert "Đăng nhập sai" not in _login(app, "khac").get("/nhat-ky").text  # not in another agency's


def test_the_login_page_answers_head_as_get(tmp_path):
    app, _ = _app(tmp_path)
    assert app.test_client().head("/dang-nhap").status_code == 200


def test_workbooks_sent_by_one_agency_are_limited(tmp_path):
    from pipeline.web import app as web

    app, store = _app(tmp_path)
    c = _login(app)
    csrf = _hidden(c.get("/so-excel").text, "csrf_token")
    for _ in range(web.UPLOADS_PER_AGENCY):  # as many as the window allows, just sent
        store.audit("vt", "VP", "127.0.0.1", "tai_len_so", "{}")
    book = factory.write(tmp_path / "so.xlsx", factory.tables()).read_bytes()
    for path, field in (("/so-excel", "so"), ("/so-excel/nam-sau", "so_nam_truoc")):
        r = c.post(path, data={"csrf_token": csrf, field: (io.BytesIO(book), "so.xlsx")},
                   content_type="multipart/form-data")
        assert r.status_code == 429 and "quá số cho phép" in r.text, (path, r.status_code)
    assert store.q("SELECT * FROM so") == []  # nothing checked or kept
    other = _login(app, "khac")  # another agency is not held up
    r = _upload(other, book)
    assert r.status_code == 302


def test_an_uploads_name_and_values_cannot_inject(tmp_path):
    """A file name with a NUL and a line break; a date typed `=HYPERLINK(…)`: the marked copy's name has
    neither, and the value is text in its list of problems."""
    link, src = LINK, _linked_workbook(tmp_path)
    app, store = _app(tmp_path / "du_lieu")
    c = _login(app)
    r = _upload(c, src.read_bytes(), "so\x00\x1b\x85X-Evil: 1.xlsx")
    assert r.status_code == 302
    so = store.one("SELECT * FROM so")
    assert so["ten_tep"] == "soX-Evil: 1.xlsx"
    r = c.get(f"/so-excel/{so['id']}/danh-dau.xlsx")
    assert r.status_code == 200
    disposition = r.headers["Content-Disposition"]
    assert not any(ch in disposition for ch in "\x00\r\n") and "_danh_dau.xlsx" in disposition
    listing = openpyxl.load_workbook(io.BytesIO(r.data))["KiemTra"]
    shown = [c for row in listing.iter_rows(min_row=2) for c in row if c.value == link]
    assert shown and all(c.data_type == "s" for c in shown)
    assert not [c for ws in openpyxl.load_workbook(io.BytesIO(r.data)) for row in ws.iter_rows() for c in row
                if c.data_type == "f"]


def test_reading_the_ratings_and_the_sos_download_are_in_the_agencys_log(tmp_path):
    import zipfile

    from pipeline.web import accounts

    app, store = _app(tmp_path)
    store.add_account("so", accounts.hash_password(PASSWORD), "SNV", "so_noi_vu", None)
    _built(store)
    people = [{"ma_so": "NS-01", "ho_ten": "Nguyễn Văn An", "ma_don_vi": "HC", "muc_de_xuat": "HTT", "ly_do": []}]
    (store.output_dir("VP") / "ket_qua_xep_loai.json").write_text(json.dumps({"nguoi": people}), encoding="utf-8")
    unit = _login(app, "dv")
    assert "Nguyễn Văn An" in unit.get("/xep-loai?muc=HTT").text
    nop = store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) VALUES "
                  "('VP', 1, '2026-01-01 08:00:00', 'vt', 'Văn phòng', 'ho_so.zip', '')")
    folder = store.submission_dir("VP", nop)
    folder.mkdir(parents=True)
    with zipfile.ZipFile(folder / "ho_so.zip", "w") as z:
        z.writestr("README.txt", "x")
    so = _login(app, "so")
    assert so.get(f"/so-noi-vu/{nop}/ho-so.zip").status_code == 200
    rows = store.q("SELECT * FROM nhat_ky WHERE co_quan='VP' AND hanh_dong IN ('xem_xep_loai', 'tai_goi_nop')")
    assert [(r["tai_khoan"], r["hanh_dong"]) for r in rows] == [("dv", "xem_xep_loai"), ("so", "tai_goi_nop")]
    # the unit clerk read his unit's table (he sees no other): the log names it, not «tất cả» as for an agency clerk
    assert json.loads(rows[0]["chi_tiet"]) == {"don_vi": "HC", "muc": "HTT"}
    html = _login(app).get("/nhat-ky").text
    assert "Xem bảng kết quả xếp loại" in html and "Sở Nội vụ tải bộ hồ sơ" in html
    assert "<td>đơn vị HC, mức Hoàn thành tốt nhiệm vụ</td>" in html
    assert unit.get("/xep-loai").status_code == 200 and _login(app).get("/xep-loai").status_code == 200
    later = store.q("SELECT * FROM nhat_ky WHERE hanh_dong='xem_xep_loai' ORDER BY id")[1:]
    assert [(r["tai_khoan"], json.loads(r["chi_tiet"])) for r in later] == [("dv", {"don_vi": "HC"}), ("vt", {})]


def test_an_upload_with_thousands_of_problems_keeps_a_page_of_them(tmp_path, monkeypatch):
    """A 2 MB workbook of 200,000 bad rows made a 76 MB page (and database row) at every visit: the page keeps
    the first MAX_LISTED problems, errors first, and says how many more there are; the counts stay exact."""
    from pipeline.web import app as web

    monkeypatch.setattr(web, "MAX_LISTED", 3)
    data = factory.tables()
    for i, person in enumerate(data["NhanSu"]):
        person["ngay_sinh"] = f"32/13/19{60 + i}"  # an error on every person (each its own: none folded into a run)
    data["NhanSu"][0]["ho_ten"] = "Trần  Thị Bình"  # and a warning, listed first by the reader
    src = factory.write(tmp_path / "so.xlsx", data)
    app, store = _app(tmp_path / "du_lieu")
    c = _login(app)
    r = _upload(c, src.read_bytes())
    assert r.status_code == 302
    so = store.one("SELECT * FROM so")
    kept = json.loads(so["van_de"])
    assert so["so_loi"] >= len(data["NhanSu"]) and so["so_canh_bao"] >= 1
    assert len(kept) == 3 and all(p["muc"] == "Lỗi" for p in kept)
    html = c.get(r.headers["Location"]).text
    hidden = so["so_loi"] + so["so_canh_bao"] - 3
    assert f"Chỉ liệt kê 3 vấn đề đầu tiên (lỗi trước); còn {hidden} vấn đề nữa" in html
    assert html.count('<tr class="bad">') == 3


def test_a_builds_kept_files_are_logged_when_downloaded(tmp_path):
    app, store = _app(tmp_path)
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES ('VP', 1, 'vt', 'xong', "
                    "'2026-01-01 08:00:00')")
    kept = store.history_dir("VP", build)
    kept.mkdir(parents=True)
    (kept / "thay_doi.txt").write_text("Nguyễn Văn An (NS-01): đổi ngày sinh\n", encoding="utf-8")
    (kept / "manifest.json").write_text("{}", encoding="utf-8")
    c = _login(app)
    r = c.get(f"/lan-tao/{build}/thay_doi.txt")
    # one charset: the header once said «text/plain; charset=utf-8; charset=utf-8»
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8", r.headers
    assert r.data.decode("utf-8") == "Nguyễn Văn An (NS-01): đổi ngày sinh\n"
    assert c.get(f"/lan-tao/{build}/manifest.json").status_code == 200
    details = [r["chi_tiet"] for r in store.q("SELECT * FROM nhat_ky WHERE hanh_dong='tai_tep' ORDER BY id")]
    assert details == [f"lich_su/{build}/thay_doi.txt", f"lich_su/{build}/manifest.json"]


def test_an_id_too_large_for_sqlite_is_a_page_that_does_not_exist(tmp_path):
    from pipeline.web import accounts

    app, store = _app(tmp_path)
    store.add_account("so", accounts.hash_password(PASSWORD), "SNV", "so_noi_vu", None)
    huge = "9" * 25
    c = _login(app)
    for url in (f"/so-excel/{huge}", f"/so-excel/{huge}/danh-dau.xlsx", f"/lan-tao/{huge}",
                f"/lan-tao/{huge}/manifest.json", f"/anh/{huge}/ca_nhan/HC/NS-01.pdf"):
        r = c.get(url)
        assert r.status_code == 404 and "Không có trang hoặc tệp này." in r.text, url
    assert _login(app, "so").get(f"/so-noi-vu/{huge}/ho-so.zip").status_code == 404
    assert c.get(f"/so-excel/{2**63 - 1}").status_code == 404  # the largest id still reaches the page's own check


def test_a_builds_notes_are_kept_to_a_page():
    """A valid workbook of thousands of warnings (a column not in the contract on every sheet, stray spaces in
    every name) gives as many build notes: the build's page keeps the first LOG_LINES and says how many more."""
    from pipeline.web import jobs

    said = [f"Cảnh báo: dòng {i}" for i in range(jobs.LOG_LINES + 250)]
    kept = jobs._kept_lines(said).splitlines()
    assert kept[:-1] == said[:jobs.LOG_LINES]
    assert kept[-1] == "… và 250 dòng ghi chú nữa (xem trang kiểm tra của sổ Excel: mọi lỗi, cảnh báo đều ở đó)."
    assert jobs._kept_lines(said[:3]) == "\n".join(said[:3])


def test_the_build_page_gives_no_command_line_advice():
    """The build's note on reconstructed forms tells a terminal user to run «hoso templates export …
    --templates»; a clerk in a browser has no terminal: the page sends her to «Mẫu biểu của cơ quan»."""
    from pipeline.run import reconstructed_note
    from pipeline.web import jobs

    class Spec:
        reconstructed, ma_hieu, title = True, "Mẫu 2A-HD KĐ.ĐG 2025", "Bản kiểm điểm"

    class Job:
        form = "mau_2a_2025"

    class Plan:
        jobs = (Job(),)

    class Reg:
        def get(self, _code):
            return Spec()

    note = reconstructed_note(Plan(), Reg())
    assert "hoso templates export" in note  # the console keeps the command
    page = jobs._kept_lines(["Xong.", note])
    assert "hoso templates" not in page and "--templates" not in page
    assert "1 mẫu là bản tái dựng, chưa đối chiếu được phụ lục chính thức: mau_2a_2025 (Mẫu 2A-HD KĐ.ĐG 2025)." in page
    assert "văn thư cơ quan tự làm ở trang «Mẫu biểu của cơ quan»: tải bộ mẫu về, thay tệp Word hoặc sửa nhãn" in page
    assert "quản trị viên" not in page  # the agency corrects its own forms on the page (tests/test_web_forms.py)


def test_a_marked_copy_made_before_the_fix_is_made_again_without_its_formulas(tmp_path):
    """A marked copy written by an earlier hoso, whose list held a value typed `=HYPERLINK(…)` as a formula, is
    not served as it is: it is made again from the kept upload, the value as text."""
    link, src = LINK, _linked_workbook(tmp_path)
    app, store = _app(tmp_path / "du_lieu")
    c = _login(app)
    r = _upload(c, src.read_bytes())
    so = store.one("SELECT * FROM so")
    marked = store.upload_path("VP", so["id"], marked=True)
    old = openpyxl.load_workbook(marked)  # as the earlier hoso wrote it: the value a formula
    ref = next(c.coordinate for row in old["KiemTra"].iter_rows() for c in row if c.value == link)
    old["KiemTra"][ref] = link
    assert old["KiemTra"][ref].data_type == "f"
    old.save(marked)
    r = c.get(f"/so-excel/{so['id']}/danh-dau.xlsx")
    assert r.status_code == 200
    again = openpyxl.load_workbook(io.BytesIO(r.data))
    assert not [x for ws in again for row in ws.iter_rows() for x in row if x.data_type == "f"]
    assert link in [x.value for row in again["KiemTra"].iter_rows() for x in row]
    assert not [x for ws in openpyxl.load_workbook(marked) for row in ws.iter_rows() for x in row if x.data_type == "f"]


def _from(app, address: str, name: str = "vt", password: str = PASSWORD) -> int:
    """One login from a browser at `address`: the answer's status."""
    c = app.test_client()
    page = c.get("/dang-nhap", environ_base={"REMOTE_ADDR": address})
    token = _hidden(page.text, "csrf_token")
    return c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": password},
                  environ_base={"REMOTE_ADDR": address}).status_code


def test_a_stranger_who_knows_the_name_cannot_lock_the_clerk_out(tmp_path):
    """Five wrong passwords for «vt» used to lock «vt» out for 15 minutes from everywhere: anyone on
    the network who knew the clerk's name could keep the clerk out before a deadline. The failures
    now count per name and address (and per address): the stranger's address is refused, the clerk at
    her own machine logs in, and her login does not give the stranger his tries back."""
    from pipeline.web import app as web

    app, store = _app(tmp_path)
    assert _from(app, "10.0.0.5") == 302  # the clerk's machine, once
    for _ in range(web.FAIL_PER_NAME):
        assert _from(app, "10.0.0.66", password="doan-mat-khau-1") == 401
    assert _from(app, "10.0.0.66") == 429  # the stranger: refused, even with the right password
    assert _from(app, "10.0.0.5") == 302  # the clerk: in
    assert _from(app, "10.0.0.77") == 302  # the clerk at another machine too (the name is not under attack)
    assert _from(app, "10.0.0.66", password="doan-mat-khau-2") == 429  # still refused after her login
    assert store.one("SELECT COUNT(*) AS n FROM dang_nhap_sai WHERE ip='10.0.0.66'")["n"] == web.FAIL_PER_NAME


def test_guesses_from_many_addresses_are_bounded_and_the_clerk_s_machine_still_passes(tmp_path):
    """Guesses at one name from many addresses (each under its own limit): after FAIL_PER_NAME_ALL in
    the window, only addresses the account has logged in from before may try that name — the guesses
    stop, the clerk at her usual machine is not locked out; a new machine is told why."""
    from pipeline.web import app as web

    app, _ = _app(tmp_path)
    assert _from(app, "10.0.0.5") == 302
    for i in range(web.FAIL_PER_NAME_ALL):
        assert _from(app, f"10.1.{i // 200}.{i % 200}", password=f"doan-{i}-mat-khau") == 401
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap", environ_base={"REMOTE_ADDR": "10.2.0.1"}).text, "csrf_token")
    r = c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": PASSWORD},
               environ_base={"REMOTE_ADDR": "10.2.0.1"})
    assert r.status_code == 429 and "máy đã từng đăng nhập" in r.text  # even the right password, from a new address
    assert _from(app, "10.2.0.2", "khac") == 302  # another account is not affected
    assert _from(app, "10.0.0.5") == 302  # the clerk's usual machine


def test_the_session_cookie_lives_with_the_browser_and_has_the_host_prefix_behind_https(tmp_path):
    """The session cookie carried Max-Age (8 h): closing the browser of a shared office PC did not end
    the session. It is now a browser-session cookie (the server still ends it after IDLE_SECONDS /
    SESSION_SECONDS); over HTTPS it and the login form's cookie are `__Host-` cookies (Secure, path /,
    no Domain: no other host or plain-HTTP page can set or shadow them)."""
    app, _ = _app(tmp_path)
    for https, prefix in ((False, ""), (True, "__Host-")):
        c = app.test_client()
        base = {"base_url": "https://localhost" if https else "http://localhost"}
        page = c.get("/dang-nhap", **base)
        login_cookie = page.headers["Set-Cookie"]
        assert login_cookie.startswith(f"{prefix}hoso_csrf_dn=") and ("Secure" in login_cookie) == https
        r = c.post("/dang-nhap", data={"csrf_token": _hidden(page.text, "csrf_token"), "ten": "vt", "mat_khau": PASSWORD},
                   **base)
        assert r.status_code == 302
        (session,) = [h for h in r.headers.getlist("Set-Cookie") if h.startswith(f"{prefix}hoso_phien=")]
        assert "Max-Age" not in session and "Expires" not in session, session
        assert "HttpOnly" in session and "SameSite=Strict" in session and "Path=/" in session
        assert ("Secure" in session) == https and "Domain" not in session
        assert c.get("/ho-so", **base).status_code == 200  # the cookie is read back under its name


def test_a_failed_conversion_on_the_build_page_says_who_fixes_the_template():
    """A conversion failed for a page count unlike the form's: the error told the clerk to «chạy lại» after
    editing meta.toml — a file on the server she cannot reach; the page names where she does it (her own set on
    «Mẫu biểu của cơ quan»), who does it for the program's, and the button."""
    from pipeline.pdf.pool import Converter
    from pipeline.web import jobs

    pool = Converter.__new__(Converter)
    pool.wrong_pages, pool.wrong_fonts, pool.hung = {"bao_cao": "6 trang"}, {}, set()
    cause = Converter._cause(pool, {"bao_cao": "Báo cáo"}, {"bao_cao": "bản PDF có 6 trang"})
    assert "chạy lại sau khi sửa" in cause  # the console keeps its words
    page = jobs.page_words("LibreOffice không chuyển được 1 văn bản sang PDF (đã thử lại):\n  - Báo cáo\n" + cause)
    assert "chạy lại" not in page and page.endswith(
        "Nếu cơ quan đã sửa mẫu (nhãn trong meta.toml) ở trang «Mẫu biểu của cơ quan», sửa lại ở đó hoặc xóa khóa "
        "«trang» trong meta.toml của mẫu đó, tải bộ mẫu lên lại, rồi bấm «Tạo lại»; nếu cơ quan dùng mẫu của chương "
        "trình, báo quản trị viên máy chủ.")
