"""`hoso serve` in a real browser (Debian's headless chromium driven by Selenium with chromium-driver),
the server started by the CLI on 127.0.0.1 and accounts made with `hoso tai-khoan them`.

One module-scoped server: the clerk's journey (log in → a workbook with errors → the problems and
the marked copy → the fixed workbook → ratings → build → a dossier, a .docx and the package → a
vote changed → what to reprint), then who may see what (the unit clerk, another agency, the Sở Nội
vụ), CSRF, the login limit, and a server stopped mid-build.
"""

from __future__ import annotations

import http.cookiejar
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.libreoffice
SHOTS = os.environ.get("HOSO_WEB_SCREENSHOTS")  # a folder: screenshots of the main pages are kept there

PASSWORDS = {"vanthu": "mat-khau-van-thu-1", "donvi_hc": "mat-khau-don-vi-2", "khac": "mat-khau-co-quan-3",
             "sonoivu": "mat-khau-so-noi-vu-4"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hoso(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


class Server:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ, HOSO_CACHE=str(self.data / "khong_dung"))
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(self.port), "--data",
                                      str(self.data), "--jobs", "2"], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("hoso serve did not start: " + self.proc.stderr.read().decode())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


class Client:
    """A browser-less session (urllib with cookies) for the checks that are about status codes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def get(self, path: str) -> tuple[int, bytes, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.read(), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.read(), path

    def post(self, path: str, fields: dict) -> tuple[int, bytes]:
        data = urllib.parse.urlencode(fields).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self, name: str, password: str) -> int:
        _, page, _ = self.get("/dang-nhap")
        token = _hidden(page.decode(), "csrf_token")
        status, body = self.post("/dang-nhap", {"csrf_token": token, "ten": name, "mat_khau": password})
        if status == 200 and "csrf_token" in body.decode():
            self.csrf = _hidden(body.decode(), "csrf_token")
        return status


def _hidden(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromium-driver are required for the web tests: run ./bootstrap.sh test")
    data = tmp_path_factory.mktemp("web") / "du_lieu"
    for name, agency, role, unit in (("vanthu", "VP", "van_thu", None), ("donvi_hc", "VP", "van_thu_don_vi", "HC"),
                                     ("khac", "SXD", "van_thu", None), ("sonoivu", "SNV", "so_noi_vu", None)):
        args = ["tai-khoan", "them", name, "--co-quan", agency, "--vai-tro", role, "--data", str(data)]
        r = _hoso(*args, *(["--don-vi", unit] if unit else []), stdin=PASSWORDS[name] + "\n")
        assert r.returncode == 0, r.stderr
        assert "Đã tạo tài khoản" in r.stderr
    srv = Server(data)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                "--lang=vi-VN", "--disable-gpu"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def _as_client(driver, base: str) -> Client:
    """The browser's session in a urllib client (to read the bytes of a download)."""
    c = Client(base)
    for ck in driver.get_cookies():
        c.jar.set_cookie(http.cookiejar.Cookie(0, ck["name"], ck["value"], None, False, "127.0.0.1", False, False,
                                               "/", True, False, None, False, None, None, {}))
    return c


def _workbook(path: Path, *, broken: bool = False, vote_changed: bool = False) -> Path:
    t = factory.tables()
    if broken:
        t["NhanSu"][4]["ma_don_vi"] = "KHONG_CO"  # NS-05 in a unit the DonVi sheet does not have
        t["BieuQuyet"][0]["phieu_htt"] = 7  # more votes than people at the meeting
    if vote_changed:
        t["BieuQuyet"][1].update(phieu_htt=3, phieu_ht=0)  # NS-02: 2 HTT + 1 HT became 3 HTT
    factory.write(path, t)
    return path


def _login(driver, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(base + "/dang-nhap")
    driver.find_element(By.ID, "ten").send_keys(name)
    driver.find_element(By.ID, "mat_khau").send_keys(PASSWORDS[name])
    driver.find_element(By.ID, "dang_nhap").click()
    driver.find_element(By.CSS_SELECTOR, "header .user")  # waits (implicitly) for the page after the login


def _upload(driver, base: str, path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/so-excel")
    driver.find_element(By.ID, "so").send_keys(str(path))
    driver.find_element(By.ID, "tai_len").click()
    driver.find_element(By.ID, "tong")  # waits for the check's page


def _build(driver, base: str) -> str:
    from selenium.webdriver.common.by import By

    driver.get(base + "/tao-ho-so")
    driver.find_element(By.ID, "tao").click()
    driver.find_element(By.ID, "trang_thai")
    deadline = time.monotonic() + 240
    seen = False
    while time.monotonic() < deadline:
        status = driver.find_element(By.ID, "trang_thai").text
        if status in ("Xong", "Lỗi"):
            break
        if status == "Đang tạo" and not seen and "/" in driver.find_element(By.ID, "tien_do").text:
            seen = True
            assert re.search(r"Chuyển sang PDF \d+/\d+ — (còn khoảng \d+ giây|đang ước tính)",
                             driver.find_element(By.ID, "tien_do").text)
            _shot(driver, "04a_dang_tao")
        time.sleep(1)
        driver.refresh()
    assert driver.find_element(By.ID, "trang_thai").text == "Xong", driver.find_element(By.TAG_NAME, "main").text
    return driver.current_url


JOURNEY: dict = {}  # what the clerk's journey saw: the URLs another agency then tries


def test_nothing_but_the_login_page_before_login(server):
    c = Client(server.base)
    status, body, url = c.get("/")
    assert url.endswith("/dang-nhap") and "Mật khẩu" in body.decode() and 'type="password"' in body.decode()
    for path in ("/so-excel", "/xep-loai", "/ho-so", "/tep/ho_so_2024.zip", "/lan-tao/1", "/nhat-ky", "/so-noi-vu"):
        status, body, url = c.get(path)
        assert url.endswith("/dang-nhap"), path  # redirected to the login page, nothing else said
    assert c.post("/tao-ho-so", {})[0] == 403


def test_clerk_journey(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    base, d = server.base, browser
    _login(d, base, "vanthu")
    assert "Văn thư cơ quan" in d.find_element(By.TAG_NAME, "header").text
    _shot(d, "01_trang_chinh")

    # a workbook with errors: each problem in the table, and the marked copy
    _upload(d, base, _workbook(tmp_path / "so_loi.xlsx", broken=True))
    assert "lỗi" in d.find_element(By.ID, "tong").text and not d.find_element(By.ID, "tong").text.startswith("0 lỗi")
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in d.find_elements(By.CSS_SELECTOR, "#van_de tbody tr")]
    unit_col = factory.letter("NhanSu", "ma_don_vi")
    assert any(r[0] == "Lỗi" and r[1] == "NhanSu" and r[2] == f"{unit_col}6" and r[5] == "KHONG_CO" for r in rows), rows
    assert any(r[0] == "Lỗi" and r[1] == "BieuQuyet" and r[2].endswith("2") for r in rows), rows
    _shot(d, "02_loi_so_excel")
    marked_url = d.find_element(By.ID, "danh_dau").get_attribute("href")
    status, data, _ = _as_client(d, base).get(urllib.parse.urlparse(marked_url).path)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    assert status == 200 and wb.sheetnames[0] == "KiemTra"
    assert wb["NhanSu"][f"{unit_col}6"].fill.fgColor.rgb.endswith("FFC7CE")
    JOURNEY["so_loi"] = urllib.parse.urlparse(d.current_url).path
    JOURNEY["danh_dau"] = urllib.parse.urlparse(marked_url).path

    # the fixed workbook: no error; the ratings with their reasons
    _upload(d, base, _workbook(tmp_path / "so_dung.xlsx"))
    assert d.find_element(By.ID, "tong").text.startswith("0 lỗi")
    fixed = urllib.parse.urlparse(d.current_url).path
    status, data, _ = _as_client(d, base).get(fixed + "/nam-sau.xlsx")  # next year's workbook from this one
    values = [c for row in load_workbook(io.BytesIO(data))["CoQuan"].iter_rows(values_only=True) for c in row]
    assert status == 200 and factory.YEAR + 1 in values and factory.YEAR not in values  # the year moved on
    status, data, _ = _as_client(d, base).get("/so-excel/mau-trong.xlsx")  # the blank workbook
    assert status == 200 and "NhanSu" in load_workbook(io.BytesIO(data)).sheetnames
    d.get(base + "/xep-loai")
    table = d.find_element(By.ID, "xep_loai").text
    # NS-01: 3 of the 3 at the meeting voted HTT, more than half → proposed HTT (Điều 18 ND 90/2020)
    row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr") if tr.text.startswith("NS-01"))
    assert "Hoàn thành tốt nhiệm vụ" in row.text and "Điều 18 Nghị định 90/2020/NĐ-CP" in row.text
    assert "NS-04" in table
    d.get(base + "/xep-loai?don_vi=SN")
    assert "NS-04" in d.find_element(By.ID, "xep_loai").text and "NS-01" not in d.find_element(By.ID, "xep_loai").text
    _shot(d, "03_xep_loai")

    # build: the summary line, then the dossiers
    build_url = _build(d, base)
    assert d.find_element(By.ID, "tom_tat").text.startswith("Xong: 6 người")
    _shot(d, "04_tao_xong")
    JOURNEY["lan_tao"] = urllib.parse.urlparse(build_url).path
    d.get(base + "/ho-so")
    _shot(d, "05_ho_so")
    d.get(base + "/ho-so/nguoi/NS-01")
    JOURNEY["nguoi"] = "/ho-so/nguoi/NS-01"
    assert "Nguyễn Văn An" in d.find_element(By.TAG_NAME, "h1").text
    thumbs = d.find_elements(By.CSS_SELECTOR, ".docs img")
    assert thumbs and all(d.execute_script("return arguments[0].naturalWidth", img) > 0 for img in thumbs)
    _shot(d, "06_nguoi")
    client = _as_client(d, base)
    pdf_path = urllib.parse.urlparse(d.find_element(By.ID, "ho_so_pdf").get_attribute("href")).path
    status, pdf, _ = client.get(pdf_path)
    assert status == 200 and pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert "Nguyễn Văn An" in text
    docx_links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "ul.files a")]
    assert any(h.endswith("mau_02.docx") for h in docx_links)
    status, docx, _ = client.get(urllib.parse.urlparse(docx_links[0]).path)
    assert status == 200 and docx.startswith(b"PK")
    status, package, _ = client.get("/tep/ho_so_2024.zip")
    assert status == 200 and zipfile.ZipFile(io.BytesIO(package)).testzip() is None
    JOURNEY["tep"] = [pdf_path, urllib.parse.urlparse(docx_links[0]).path, "/tep/ho_so_2024.zip",
                      "/tep/manifest.json", "/tep/don_vi/HC.pdf", "/tep/ket_qua_xep_loai.json"]
    JOURNEY["anh"] = urllib.parse.urlparse(thumbs[0].get_attribute("src")).path

    # a vote changed: what to print again
    _upload(d, base, _workbook(tmp_path / "so_doi_phieu.xlsx", vote_changed=True))
    _build(d, base)
    assert "Trần Thị Bình (NS-02)" in d.find_element(By.ID, "thay_doi").text
    d.get(base + "/thay-doi")
    assert "Trần Thị Bình (NS-02)" in d.find_element(By.ID, "nguoi_thay_doi").text
    reprint = d.find_element(By.ID, "in_lai").text
    assert "Biên bản cuộc họp nhận xét, đánh giá, xếp loại chất lượng" in reprint and "don_vi/HC.pdf" in reprint
    _shot(d, "07_thay_doi")
    status, pdf, _ = client.get("/tep/in_lai.pdf")
    assert status == 200 and pdf.startswith(b"%PDF")

    # the history, verify, and the manifests kept
    d.get(base + "/lan-tao")
    d.find_element(By.ID, "kiem_tra").click()
    assert d.find_element(By.ID, "ket_qua_kiem_tra").text.startswith("Hợp lệ")
    _shot(d, "08_lich_su")
    status, manifest, _ = client.get(JOURNEY["lan_tao"] + "/manifest.json")
    assert status == 200 and json.loads(manifest)["thay_doi"]["lan_dau"] is True
    JOURNEY["manifest"] = JOURNEY["lan_tao"] + "/manifest.json"

    # the audit log names who uploaded, built and downloaded whose file
    d.get(base + "/nhat-ky")
    log = d.find_element(By.TAG_NAME, "table").text
    assert "tai_len_so" in log and "tao_ho_so" in log and "tai_tep ca_nhan/HC/NS-01.pdf" in log

    # on a phone: nothing wider than the screen (wide tables scroll inside their box)
    d.set_window_size(390, 844)
    try:
        for path, name in (("/", "10_dien_thoai_trang_chinh"), ("/xep-loai", "11_dien_thoai_xep_loai"),
                           ("/ho-so/nguoi/NS-01", "12_dien_thoai_nguoi"), ("/thay-doi", "13_dien_thoai_thay_doi")):
            d.get(base + path)
            assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            _shot(d, name)
    finally:
        d.set_window_size(1366, 768)

    # submitted to the Sở Nội vụ, which downloads and verifies it
    d.get(base + "/ho-so")
    d.find_element(By.ID, "nop").click()
    assert "Đã gửi Sở Nội vụ" in d.find_element(By.ID, "da_nop").text
    _login(d, base, "sonoivu")
    assert "Hồ sơ các cơ quan đã gửi" in d.find_element(By.TAG_NAME, "h1").text
    assert "Văn phòng UBND tỉnh Thử Nghiệm" in d.find_element(By.TAG_NAME, "main").text
    assert "1 cơ quan, 6 người." in d.find_element(By.TAG_NAME, "main").text  # the province's totals
    d.find_element(By.CSS_SELECTOR, "form.inline button").click()
    assert "nguyên vẹn" in d.find_element(By.ID, "ket_qua_kiem_tra").text
    assert "1 cơ quan, 6 người." in d.find_element(By.TAG_NAME, "main").text
    _shot(d, "09_so_noi_vu")


def test_unit_clerk_sees_only_its_unit(server, browser):
    from selenium.webdriver.common.by import By

    assert JOURNEY, "the journey ran first"
    _login(browser, server.base, "donvi_hc")
    browser.get(server.base + "/xep-loai")
    table = browser.find_element(By.ID, "xep_loai").text
    assert "NS-01" in table and "NS-03" in table and "NS-04" not in table and "NS-06" not in table
    browser.get(server.base + "/ho-so")
    assert "Đơn vị SN" not in browser.find_element(By.TAG_NAME, "main").text
    c = Client(server.base)
    assert c.login("donvi_hc", PASSWORDS["donvi_hc"]) == 200
    assert c.get("/ho-so/nguoi/NS-01")[0] == 200
    assert c.get("/tep/ca_nhan/HC/NS-01.pdf")[0] == 200
    for path in ("/ho-so/nguoi/NS-04", "/tep/ca_nhan/SN/NS-04.pdf", "/tep/don_vi/SN.pdf", "/tep/ho_so_2024.zip",
                 "/tep/ket_qua_xep_loai.json", "/tep/in_lai.pdf", "/anh/1/ca_nhan/SN/NS-04.pdf",
                 "/tep/ca_nhan/HC/../SN/NS-04.pdf", "/so-excel", "/lan-tao", JOURNEY["lan_tao"], JOURNEY["so_loi"],
                 JOURNEY["danh_dau"], JOURNEY["manifest"], "/nhat-ky", "/so-noi-vu"):
        assert c.get(path)[0] in (403, 404), path
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf})[0] == 403


def test_another_agency_gets_nothing_of_the_first(server):
    assert JOURNEY
    c = Client(server.base)
    assert c.login("khac", PASSWORDS["khac"]) == 200
    tried = [JOURNEY["so_loi"], JOURNEY["danh_dau"], JOURNEY["so_loi"] + "/nam-sau.xlsx", JOURNEY["lan_tao"],
             JOURNEY["manifest"], JOURNEY["nguoi"], JOURNEY["anh"], *JOURNEY["tep"],
             "/so-excel/1", "/so-excel/2", "/so-excel/3", "/lan-tao/1", "/lan-tao/2", "/lan-tao/1/manifest.json",
             "/tep/ca_nhan/SN/NS-04.pdf", "/tep/..%2Fhoso.sqlite3", "/tep/../../hoso.sqlite3",
             "/tep/%2e%2e/%2e%2e/hoso.sqlite3", "/tep//etc/passwd", "/so-noi-vu", "/so-noi-vu/1/ho-so.zip"]
    for path in tried:
        status, body, url = c.get(path)
        assert status in (403, 404), (path, status)
        assert b"Nguy\xe1\xbb\x85n V\xc4\x83n An" not in body
    status, body, _ = c.get("/xep-loai")
    assert status == 200 and "NS-01" not in body.decode() and "Chưa có kết quả" in body.decode()
    status, body, _ = c.get("/ho-so")
    assert "Chưa có hồ sơ" in body.decode()
    assert c.post("/so-noi-vu/1/kiem-tra", {"csrf_token": c.csrf})[0] == 403
    s = Client(server.base)  # the Sở Nội vụ reads packages, never an agency's files
    assert s.login("sonoivu", PASSWORDS["sonoivu"]) == 200
    for path in (JOURNEY["nguoi"], *JOURNEY["tep"], JOURNEY["lan_tao"], JOURNEY["so_loi"]):
        assert s.get(path)[0] in (403, 404), path


def test_the_so_noi_vu_sees_a_tampered_package(server):
    assert JOURNEY
    s = Client(server.base)
    assert s.login("sonoivu", PASSWORDS["sonoivu"]) == 200
    status, body = s.post("/so-noi-vu/1/kiem-tra", {"csrf_token": s.csrf})
    assert status == 200 and "nguyên vẹn" in body.decode()
    stored = server.data / "co_quan" / "VP" / "nop" / "1" / "ho_so_2024.zip"
    with stored.open("ab") as fh:
        fh.write(b"x")
    status, body = s.post("/so-noi-vu/1/kiem-tra", {"csrf_token": s.csrf})
    assert status == 200 and "SHA-256 không khớp" in body.decode() and "nguyên vẹn" not in body.decode()
    assert s.get("/so-noi-vu/99/ho-so.zip")[0] == 404


def test_csrf_is_required_on_every_form(server):
    c = Client(server.base)
    assert c.login("vanthu", PASSWORDS["vanthu"]) == 200
    assert c.csrf
    for path in ("/tao-ho-so", "/lan-tao/kiem-tra", "/nop-so-noi-vu", "/dang-xuat", "/so-excel"):
        assert c.post(path, {})[0] == 403, path
        assert c.post(path, {"csrf_token": "gia-mao"})[0] == 403, path
    assert c.get("/")[0] == 200  # still logged in: the forged logout did nothing
    fresh = Client(server.base)  # the login form's own token: a login posted from elsewhere is refused
    assert fresh.post("/dang-nhap", {"ten": "vanthu", "mat_khau": PASSWORDS["vanthu"]})[0] == 403


def test_cookies_are_httponly_and_samesite(server):
    req = urllib.request.Request(server.base + "/dang-nhap")
    with urllib.request.urlopen(req, timeout=30) as r:
        cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie  # plain HTTP here


def test_login_is_rate_limited(server):
    c = Client(server.base)
    for _ in range(5):
        assert c.login("khac", "sai-mat-khau-roi") == 401
    assert c.login("khac", PASSWORDS["khac"]) == 429  # even the right password, for a while
    assert Client(server.base).login("vanthu", PASSWORDS["vanthu"]) == 200  # another account is not locked


def _post_file(c: Client, name: str, data: bytes) -> int:
    boundary = "hosoBoundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{c.csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"so\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(c.base + "/so-excel", data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with c.opener.open(req, timeout=120) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_upload_limits(server):
    c = Client(server.base)
    assert c.login("vanthu", PASSWORDS["vanthu"]) == 200
    assert _post_file(c, "virus.exe", b"MZ\x90\x00") == 400
    assert _post_file(c, "gia.xlsx", b"not a zip at all") == 400
    assert _post_file(c, "../../hoso.sqlite3.xlsx", b"x" * (21 * 1024 * 1024)) == 413
    assert _post_file(c, "hong.xlsx", b"PK\x03\x04 a zip that is no workbook") == 200  # the reader's own guard
    _, page, _ = c.get("/so-excel")
    last = re.search(r'href="(/so-excel/\d+)"', page.decode()).group(1)
    _, page, _ = c.get(last)
    assert "1 lỗi" in page.decode() and "hong.xlsx" in page.decode() and "(tệp)" in page.decode()
    names = sorted(p.name for p in (server.data / "co_quan" / "VP" / "so").iterdir())
    assert all(n.split("_")[0].split(".")[0].isdigit() for n in names), names  # named by id, never by the browser


def _jobs_running(data: Path) -> list[int]:
    """The build processes of this server still alive (read from /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"pipeline.web.jobs" in cmd and str(data).encode() in cmd:
            found.append(int(proc.name))
    return found


def _start_build(server: Server, tmp_path: Path, job: str) -> int:
    c = Client(server.base)
    assert c.login("vanthu", PASSWORDS["vanthu"]) == 200
    t = factory.tables()
    t["NhanSu"][5]["chuc_vu"] = job  # a change: the build has forms to fill and convert
    assert _post_file(c, "so_moi.xlsx", factory.write(tmp_path / f"{job}.xlsx", t).read_bytes()) == 200
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf})[0] == 200
    db = sqlite3.connect(server.data / "hoso.sqlite3")
    build_id, status = db.execute("SELECT id, trang_thai FROM lan_tao ORDER BY id DESC LIMIT 1").fetchone()
    assert status in ("cho", "dang_chay")
    time.sleep(0.8)  # the build process has started
    return build_id


def _state(server: Server, build_id: int) -> tuple[str, str]:
    db = sqlite3.connect(server.data / "hoso.sqlite3")
    return db.execute("SELECT trang_thai, loi FROM lan_tao WHERE id=?", (build_id,)).fetchone()


def test_a_build_interrupted_by_a_restart_is_failed(server, tmp_path):
    # stopped (SIGTERM, Ctrl-C): the server ends its build process and LibreOffice, and says why
    build_id = _start_build(server, tmp_path, "Nhân viên văn thư")
    server.stop()
    state = _state(server, build_id)
    assert state[0] == "loi" and "Máy chủ đã dừng" in state[1]
    assert _jobs_running(server.data) == []
    server.start()

    # killed outright: the build process ends itself; the next start marks the build failed
    build_id = _start_build(server, tmp_path, "Nhân viên lưu trữ")
    old = set(_jobs_running(server.data))  # the build, and the next build's process started ahead
    assert old
    server.proc.kill()
    server.proc.wait()
    assert _state(server, build_id)[0] in ("cho", "dang_chay")
    server.start()
    state = _state(server, build_id)
    assert state[0] == "loi" and "Máy chủ đã dừng" in state[1]
    for _ in range(30):
        if not old & set(_jobs_running(server.data)):
            break
        time.sleep(0.2)
    assert old & set(_jobs_running(server.data)) == set()  # the new server's own spare may run
    time.sleep(1)
    assert _state(server, build_id)[0] == "loi"  # nothing finished it behind the new server's back

    c = Client(server.base)
    assert c.login("vanthu", PASSWORDS["vanthu"]) == 200
    status, body, _ = c.get(f"/lan-tao/{build_id}")
    assert status == 200 and "Máy chủ đã dừng" in body.decode() and "Tạo lại" in body.decode()
    status, body = c.post("/lan-tao/kiem-tra", {"csrf_token": c.csrf})  # the previous output is whole
    assert status == 200 and ("Hợp lệ" in body.decode() if JOURNEY else "Chưa có thư mục kết quả" in body.decode())
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf})[0] == 200  # and it can be run again
    new_id = sqlite3.connect(server.data / "hoso.sqlite3").execute("SELECT MAX(id) FROM lan_tao").fetchone()[0]
    for _ in range(240):
        if _state(server, new_id)[0] in ("xong", "loi"):
            break
        time.sleep(0.5)
    assert _state(server, new_id)[0] == "xong"


def test_account_password_is_asked_twice_without_echo(tmp_path):
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: hoso on a terminal
        os.execv(sys.executable, [sys.executable, "-m", "pipeline", "tai-khoan", "them", "nguoi_moi", "--co-quan", "VP",
                                  "--vai-tro", "van_thu", "--data", str(tmp_path)])
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while text not in seen and time.monotonic() < deadline:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break

    read_until("Mật khẩu".encode())
    os.write(fd, b"mot-mat-khau-dai\n")
    read_until("Nhập lại mật khẩu".encode())
    os.write(fd, b"mot-mat-khau-dai\n")
    read_until("Đã tạo tài khoản".encode())
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "Đã tạo tài khoản «nguoi_moi»".encode() in seen and b"mot-mat-khau-dai" not in seen
    row = sqlite3.connect(tmp_path / "hoso.sqlite3").execute("SELECT mat_khau FROM tai_khoan WHERE ten='nguoi_moi'").fetchone()
    assert row[0].startswith("$argon2id$")


def test_account_options_are_checked(tmp_path):
    r = _hoso("tai-khoan", "them", "a1", "--co-quan", "VP", "--vai-tro", "van_thu_don_vi", "--data", str(tmp_path),
              stdin="mat-khau-du-dai\n")
    assert r.returncode == 2 and "--don-vi" in r.stderr
    r = _hoso("tai-khoan", "them", "a1", "--co-quan", "../VP", "--vai-tro", "van_thu", "--data", str(tmp_path),
              stdin="mat-khau-du-dai\n")
    assert r.returncode == 2 and "không hợp lệ" in r.stderr
    r = _hoso("tai-khoan", "them", "a1", "--co-quan", "VP", "--vai-tro", "van_thu", "--data", str(tmp_path),
              stdin="ngan\n")
    assert r.returncode == 2 and "ít nhất 10 ký tự" in r.stderr
    assert not (tmp_path / "co_quan").exists() or not any((tmp_path / "co_quan").iterdir())


@pytest.mark.parametrize("behind_proxy", [True, False])
def test_cookies_are_secure_behind_an_https_proxy(tmp_path, behind_proxy):
    from pipeline.web.app import create_app

    app = create_app(tmp_path, behind_proxy=behind_proxy, start_queue=False)
    client = app.test_client()
    resp = client.get("/dang-nhap", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert ("Secure" in cookie) is behind_proxy  # the header is trusted only with --sau-proxy
    assert ("Strict-Transport-Security" in resp.headers) is behind_proxy
    assert "script-src" not in resp.headers["Content-Security-Policy"] and "default-src 'none'" in resp.headers[
        "Content-Security-Policy"]
