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
from web_pages import chromium  # noqa: E402
from web_pages import hidden as _hidden  # noqa: E402

from tests.fakes import free_port, hang_script, kill_groups_matching, start_serve  # noqa: E402

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.libreoffice
SHOTS = os.environ.get("HOSO_WEB_SCREENSHOTS")  # a folder: screenshots of the main pages are kept there

PASSWORDS = {"vanthu": "mat-khau-van-thu-1", "donvi_hc": "mat-khau-don-vi-2", "khac": "mat-khau-co-quan-3",
             "sonoivu": "mat-khau-so-noi-vu-4"}


def _hoso(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


class Server:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, **env: str) -> None:
        """`env`: more of the server's environment (fault injection: HOSO_SOFFICE)."""
        self.proc = start_serve(self.port, self.data, dict(os.environ, HOSO_CACHE=str(self.data / "khong_dung"), **env),
                                tries=100)

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


def served(data: Path, accounts: tuple[tuple[str, str, str, str | None], ...], passwords: dict[str, str]) -> Server:
    """`hoso serve` started on a fresh data folder after the accounts (name, agency, role, unit) were made as an
    administrator makes them (`hoso tai-khoan them`, the password on stdin); the caller stops it."""
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromium-driver are required for the web tests: run ./bootstrap.sh test")
    for name, agency, role, unit in accounts:
        args = ["tai-khoan", "them", name, "--co-quan", agency, "--vai-tro", role, "--data", str(data)]
        r = _hoso(*args, *(["--don-vi", unit] if unit else []), stdin=passwords[name] + "\n")
        assert r.returncode == 0 and "Đã tạo tài khoản" in r.stderr, r.stderr
    srv = Server(data)
    srv.start()
    return srv


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = served(tmp_path_factory.mktemp("web") / "du_lieu",
                 (("vanthu", "VP", "van_thu", None), ("donvi_hc", "VP", "van_thu_don_vi", "HC"),
                  ("khac", "SXD", "van_thu", None), ("sonoivu", "SNV", "so_noi_vu", None)), PASSWORDS)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def _phone(driver) -> None:
    """The browser as a phone's screen, 390×844 CSS pixels (cleared by Emulation.clearDeviceMetricsOverride)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})


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


def _gone(element):
    """A wait condition: `element` no longer belongs to the page shown (the next page has come).
    chromedriver sometimes says so with an "unknown error" (a node that "does not belong to the
    document") instead of a stale-element error: both mean the old page is gone."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            return "does not belong to the document" in str(exc)
        return False

    return check


def _click_and_wait(driver, element) -> None:
    """Click what submits a form, and wait for the next page (not the old page's elements)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 60).until(_gone(page))


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
    _click_and_wait(driver, driver.find_element(By.ID, "tao"))
    driver.find_element(By.ID, "trang_thai")
    deadline = time.monotonic() + 240
    seen = False
    while time.monotonic() < deadline:
        status = driver.find_element(By.ID, "trang_thai").text
        if status in ("Xong", "Lỗi"):
            break
        if status == "Đang tạo" and not seen and "/" in driver.find_element(By.ID, "tien_do").text:
            seen = True
            assert re.search(r"Chuyển sang PDF (\d+)/\d+ — (còn khoảng \d+ giây|đang ước tính|xong; đang ghép)",
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
    # last year's workbook in, this year's out, and last year's is not kept as an upload a build would use
    c = _as_client(d, base)
    _, page, _ = c.get("/so-excel")
    c.csrf = _hidden(page.decode(), "csrf_token")
    uploads = len(list((server.data / "co_quan/VP/so").iterdir()))
    answer: list = []
    assert _post_file(c, "so 2024.xlsx", (tmp_path / "so_dung.xlsx").read_bytes(), path="/so-excel/nam-sau",
                      field="so_nam_truoc", answer=answer) == 200
    rolled = load_workbook(io.BytesIO(answer[0]))
    values = [v for row in rolled["CoQuan"].iter_rows(values_only=True) for v in row]
    names = [v for row in rolled["NhanSu"].iter_rows(values_only=True) for v in row]
    assert factory.YEAR + 1 in values and "Nguyễn Văn An" in names and rolled["BieuQuyet"].max_row == 1
    assert len(list((server.data / "co_quan/VP/so").iterdir())) == uploads
    answer = []
    assert _post_file(c, "so.xls", b"\xd0\xcf\x11\xe0old", path="/so-excel/nam-sau", field="so_nam_truoc",
                      answer=answer) == 400
    assert "không phải sổ Excel .xlsx" in answer[0].decode()
    assert d.find_element(By.ID, "so_trong") if d.get(base + "/so-excel") is None else False
    d.get(base + "/xep-loai")
    table = d.find_element(By.ID, "xep_loai").text
    # NS-01: 3 of the 3 at the meeting voted HTT, more than half → proposed HTT (Điều 18 ND 90/2020)
    row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr") if tr.text.startswith("NS-01"))
    assert "Hoàn thành tốt nhiệm vụ" in row.text and "Điều 18 Nghị định 90/2020/NĐ-CP" in row.text
    assert "NS-04" in table
    d.get(base + "/xep-loai?don_vi=SN")
    assert "NS-04" in d.find_element(By.ID, "xep_loai").text and "NS-01" not in d.find_element(By.ID, "xep_loai").text
    _shot(d, "03_xep_loai")
    # the filters as a clerk uses them: a level chosen in the list, then only the people with warnings
    from selenium.webdriver.support.select import Select

    rated = json.loads(max((server.data / "co_quan/VP/xep_loai").glob("*/ket_qua_xep_loai.json"),
                           key=lambda p: int(p.parent.name)).read_text("utf-8"))["nguoi"]

    def shown() -> set[str]:
        return {tr.find_element(By.TAG_NAME, "td").text for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr")}

    d.get(base + "/xep-loai")
    assert [o.text for o in Select(d.find_element(By.NAME, "don_vi")).options] == [
        "Tất cả", "HC — Phòng Hành chính", "SN — Trung tâm Tin học"]
    Select(d.find_element(By.NAME, "muc")).select_by_visible_text("Hoàn thành tốt nhiệm vụ")
    _click_and_wait(d, d.find_element(By.CSS_SELECTOR, ".filters button"))
    assert "NS-01" in shown() and shown() == {p["ma_so"] for p in rated
                                              if (p["muc_quyet_dinh"] or p["muc_de_xuat"]) == "HTT"}
    Select(d.find_element(By.NAME, "muc")).select_by_visible_text("Tất cả")
    d.find_element(By.NAME, "canh_bao").click()
    _click_and_wait(d, d.find_element(By.CSS_SELECTOR, ".filters button"))
    warned = {p["ma_so"] for p in rated if p["canh_bao"]}
    assert warned and shown() == warned
    assert all("Cảnh báo:" in tr.text for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr"))
    d.get(base + "/xep-loai?muc=chua")
    assert shown() == {p["ma_so"] for p in rated if not (p["muc_quyet_dinh"] or p["muc_de_xuat"])}

    # build: the summary line, then the dossiers
    build_url = _build(d, base)
    assert d.find_element(By.ID, "tom_tat").text.startswith("Xong: 6 người")
    _shot(d, "04_tao_xong")
    JOURNEY["lan_tao"] = urllib.parse.urlparse(build_url).path
    d.get(base + "/ho-so")
    units = [h2.text for h2 in d.find_elements(By.CSS_SELECTOR, "section.unit h2")]
    assert units == ["Đơn vị HC — Phòng Hành chính", "Đơn vị SN — Trung tâm Tin học"]  # named as in DonVi
    _shot(d, "05_ho_so")
    d.get(base + "/ho-so/nguoi/NS-01")
    JOURNEY["nguoi"] = "/ho-so/nguoi/NS-01"
    assert "Nguyễn Văn An" in d.find_element(By.TAG_NAME, "h1").text
    thumbs = d.find_elements(By.CSS_SELECTOR, ".docs img")
    deadline = time.monotonic() + 60  # lazily made: pdftoppm runs when the browser first asks
    while d.execute_script("return arguments[0].naturalWidth", thumbs[0]) == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert d.execute_script("return arguments[0].naturalWidth", thumbs[0]) > 0
    _shot(d, "06_nguoi")
    client = _as_client(d, base)
    # a thumbnail of every page of the dossier, each under its document, made when first asked and kept
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(server.data / "co_quan/VP/ket_qua/ca_nhan/HC/NS-01.pdf")], capture_output=True,
        text=True).stdout).group(1))
    srcs = [urllib.parse.urlparse(img.get_attribute("src")).path for img in thumbs]
    assert srcs == [f"/anh/{n}/ca_nhan/HC/NS-01.pdf" for n in range(1, pages + 1)]
    assert all(img.get_attribute("loading") == "lazy" for img in thumbs)
    docs = {h3.text.split(" — ")[0]: h3.text for h3 in d.find_elements(By.CSS_SELECTOR, "#cac_trang h3")}
    assert list(docs)[0] == "Bìa và mục lục" and "Phiếu đánh giá, xếp loại chất lượng công chức" in docs
    m = json.loads((server.data / "co_quan/VP/ket_qua/manifest.json").read_text("utf-8"))
    first = next(p for p in m["ca_nhan"] if p["ma_so"] == "NS-01")["tai_lieu"][0]
    span = f"trang {first['trang_dau']}–{first['trang_dau'] + first['so_trang'] - 1}"
    assert docs[first["tieu_de"]].endswith(span), docs
    for src in (srcs[0], srcs[-1]):
        status, png, _ = client.get(src)
        assert status == 200 and png.startswith(b"\x89PNG")
    kept = sorted((server.data / "co_quan/VP/anh").glob("*.png"))
    status, _, _ = client.get(srcs[-1])
    assert status == 200 and sorted((server.data / "co_quan/VP/anh").glob("*.png")) == kept  # from the cache
    assert client.get(f"/anh/{pages + 1}/ca_nhan/HC/NS-01.pdf")[0] == 404
    # the unit: its own documents page by page, each person by a first page and a link
    d.get(base + "/ho-so/don-vi/HC")
    unit_docs = [h3.text for h3 in d.find_elements(By.CSS_SELECTOR, "#cac_trang h3")]
    assert any(t.startswith("Biên bản cuộc họp nhận xét, đánh giá, xếp loại chất lượng") for t in unit_docs)
    assert any(t.startswith("Nguyễn Văn An (NS-01)") for t in unit_docs) and not any("(NS-04)" in t for t in unit_docs)
    unit_pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(server.data / "co_quan/VP/ket_qua/don_vi/HC.pdf")], capture_output=True, text=True).stdout).group(1))
    unit_srcs = {urllib.parse.urlparse(i.get_attribute("src")).path for i in d.find_elements(By.CSS_SELECTOR, ".docs img")}
    in_people = {n for u in m["don_vi"] if u["ma_don_vi"] == "HC" for e in u["muc"] if e.get("ma_so")
                 for n in range(e["trang_dau"] + 1, e["trang_dau"] + e["so_trang"])}
    expected = {f"/anh/{n}/don_vi/HC.pdf" for n in range(1, unit_pages + 1) if n not in in_people}
    assert in_people and unit_srcs == expected, (sorted(unit_srcs - expected), sorted(expected - unit_srcs))
    assert any(a.get_attribute("href").endswith("/tep/don_vi/HC/bien_ban_hop.docx")
               for a in d.find_elements(By.CSS_SELECTOR, "#cac_trang a"))
    _shot(d, "06b_don_vi")
    d.get(base + "/ho-so/nguoi/NS-01")
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
    JOURNEY["anh"] = srcs[0]

    # a vote changed: what to print again
    _upload(d, base, _workbook(tmp_path / "so_doi_phieu.xlsx", vote_changed=True))
    second = urllib.parse.urlparse(_build(d, base)).path
    assert "Trần Thị Bình (NS-02)" in d.find_element(By.ID, "thay_doi").text
    status, changes, _ = client.get(urllib.parse.urlparse(d.find_element(By.ID, "thay_doi_txt").get_attribute("href")).path)
    assert status == 200 and "Trần Thị Bình" in changes.decode() and "don_vi/HC.pdf" in changes.decode()
    JOURNEY["thay_doi_txt"] = second + "/thay_doi.txt"
    d.get(base + "/thay-doi")
    assert "Trần Thị Bình (NS-02)" in d.find_element(By.ID, "nguoi_thay_doi").text
    assert any(a.get_attribute("href").endswith("/tep/don_vi/HC.pdf#page=3")
               for a in d.find_elements(By.CSS_SELECTOR, "#in_lai a"))  # each sheet opens where it is
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
    d.find_element(By.CSS_SELECTOR, "#den_luu_tru a").click()  # last years' dossiers: from the history page
    assert d.find_element(By.TAG_NAME, "h1").text == "Lưu trữ hồ sơ các năm"
    assert d.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]').text == "Lịch sử"
    _shot(d, "08b_luu_tru")
    d.get(base + fixed + "/nhap-ket-qua")
    assert d.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]').text == "Sổ Excel"
    _shot(d, "08c_nhap_ket_qua")
    status, manifest, _ = client.get(JOURNEY["lan_tao"] + "/manifest.json")
    assert status == 200 and json.loads(manifest)["thay_doi"]["lan_dau"] is True
    JOURNEY["manifest"] = JOURNEY["lan_tao"] + "/manifest.json"
    d.get(base + JOURNEY["lan_tao"])  # the first build's page: its output was replaced by the second
    assert f"lần tạo số {second.rsplit('/', 1)[-1]} đã thay hồ sơ của lần này" in d.find_element(By.ID, "lan_sau").text
    d.get(base + second)
    assert not d.find_elements(By.ID, "lan_sau")

    # the audit log names who uploaded, built and downloaded whose file
    d.get(base + "/nhat-ky")
    log = d.find_element(By.TAG_NAME, "table").text
    assert "tai_len_so" in log and "tao_ho_so" in log and "tai_tep ca_nhan/HC/NS-01.pdf" in log

    # on a phone: nothing wider than the screen (wide tables scroll inside their box). The phone's screen is
    # emulated: a window is never narrower than 500 px in chromium, so set_window_size(390, …) measured at 500
    _phone(d)
    try:
        for path, name in (("/", "10_dien_thoai_trang_chinh"), ("/xep-loai", "11_dien_thoai_xep_loai"),
                           ("/ho-so/nguoi/NS-01", "12_dien_thoai_nguoi"), ("/thay-doi", "13_dien_thoai_thay_doi"),
                           ("/ho-so/don-vi/HC", "14_dien_thoai_don_vi"), ("/so-excel", "15_dien_thoai_so_excel"),
                           (JOURNEY["so_loi"], "16_dien_thoai_loi_so"), ("/lan-tao", "17_dien_thoai_lich_su"),
                           ("/mat-khau", "18_dien_thoai_mat_khau"), ("/ho-so", "18b_dien_thoai_ho_so"),
                           ("/tao-ho-so", "18c_dien_thoai_tao_ho_so"), ("/nhat-ky", "18d_dien_thoai_nhat_ky"),
                           (fixed + "/nhap-ket-qua", "18e_dien_thoai_nhap_ket_qua"), ("/luu-tru", "18f_dien_thoai_luu_tru")):
            d.get(base + path)
            assert d.execute_script("return window.innerWidth") == 390, path
            assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), path
            _shot(d, name)
        # the ratings, a workbook's problems, the uploads, the builds and the sheets to reprint are one card per
        # row there: no sideways scrolling to find a person's level, a cell's expected value or a row's links
        for path in ("/xep-loai", JOURNEY["so_loi"], "/so-excel", "/lan-tao", "/thay-doi"):
            d.get(base + path)
            table = d.find_element(By.CSS_SELECTOR, "table.the")
            assert d.execute_script("return arguments[0].scrollWidth <= arguments[0].parentElement.clientWidth + 1",
                                    table), path
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
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
    assert c.get("/ho-so/don-vi/HC")[0] == 200 and c.get("/anh/3/ca_nhan/HC/NS-01.pdf")[0] == 200
    for path in ("/ho-so/nguoi/NS-04", "/ho-so/don-vi/SN", "/anh/3/ca_nhan/SN/NS-04.pdf", "/anh/2/don_vi/SN.pdf",
                 "/tep/ca_nhan/SN/NS-04.pdf", "/tep/don_vi/SN.pdf", "/tep/ho_so_2024.zip",
                 "/tep/ket_qua_xep_loai.json", "/tep/in_lai.pdf", "/anh/1/ca_nhan/SN/NS-04.pdf",
                 "/tep/ca_nhan/HC/../SN/NS-04.pdf", "/so-excel", "/lan-tao", JOURNEY["lan_tao"], JOURNEY["so_loi"],
                 JOURNEY["danh_dau"], JOURNEY["manifest"], "/nhat-ky", "/so-noi-vu", JOURNEY["thay_doi_txt"]):
        assert c.get(path)[0] in (403, 404), path
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf})[0] == 403
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf, "doi_co_quan": "1"})[0] == 403
    assert c.post("/so-excel/nam-sau", {"csrf_token": c.csrf})[0] == 403


def test_another_agency_gets_nothing_of_the_first(server):
    assert JOURNEY
    c = Client(server.base)
    assert c.login("khac", PASSWORDS["khac"]) == 200
    tried = [JOURNEY["so_loi"], JOURNEY["danh_dau"], JOURNEY["so_loi"] + "/nam-sau.xlsx", JOURNEY["lan_tao"],
             JOURNEY["manifest"], JOURNEY["nguoi"], JOURNEY["anh"], *JOURNEY["tep"],
             "/so-excel/1", "/so-excel/2", "/so-excel/3", "/lan-tao/1", "/lan-tao/2", "/lan-tao/1/manifest.json",
             "/tep/ca_nhan/SN/NS-04.pdf", "/tep/..%2Fhoso.sqlite3", "/tep/../../hoso.sqlite3",
             "/tep/%2e%2e/%2e%2e/hoso.sqlite3", "/tep//etc/passwd", "/so-noi-vu", "/so-noi-vu/1/ho-so.zip",
             "/ho-so/don-vi/HC", "/ho-so/don-vi/SN", "/anh/2/don_vi/HC.pdf", "/anh/3/ca_nhan/HC/NS-01.pdf",
             JOURNEY["thay_doi_txt"], "/lan-tao/2/thay_doi.txt", JOURNEY["so_loi"] + "/so.xlsx",
             JOURNEY["so_loi"] + "/nhap-ket-qua", "/so-excel/1/so.xlsx", "/so-excel/2/nhap-ket-qua"]
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
    for path in (JOURNEY["nguoi"], *JOURNEY["tep"], JOURNEY["lan_tao"], JOURNEY["so_loi"], "/ho-so/don-vi/HC",
                 JOURNEY["anh"], "/tao-ho-so"):
        assert s.get(path)[0] in (403, 404), path
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf, "doi_co_quan": "1"})[0] == 400  # no workbook of its own
    assert s.post("/tao-ho-so", {"csrf_token": s.csrf, "doi_co_quan": "1"})[0] == 403


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
    for path in ("/tao-ho-so", "/lan-tao/kiem-tra", "/nop-so-noi-vu", "/dang-xuat", "/so-excel", "/mat-khau",
                 "/so-excel/nam-sau"):
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


def _post_file(c: Client, name: str, data: bytes, *, path: str = "/so-excel", field: str = "so",
               answer: list | None = None) -> int:
    boundary = "hosoBoundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{c.csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(c.base + path, data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with c.opener.open(req, timeout=120) as r:
            if answer is not None:
                answer.append(r.read())
            return r.status
    except urllib.error.HTTPError as e:
        if answer is not None:
            answer.append(e.read())
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


def _build_groups(data: Path) -> set[int]:
    """The process groups of this server's build processes: a build (with its forked workers) or the next
    build's process started ahead, each in a group of its own."""
    groups = set()
    for pid in _jobs_running(data):
        try:
            groups.add(os.getpgid(pid))
        except OSError:
            continue
    return groups


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
    # LibreOffice hangs (fault injection): each build is still running when the server goes, however
    # fast the machine (a warm server builds this small agency in well under a second)
    hung = {"HOSO_SOFFICE": str(hang_script(tmp_path))}
    server.stop()
    server.start(**hung)
    # stopped (SIGTERM, Ctrl-C): the server ends its build process and LibreOffice, and says why
    build_id = _start_build(server, tmp_path, "Nhân viên văn thư")
    assert _state(server, build_id)[0] in ("cho", "dang_chay")
    for _ in range(5):  # the next build's process is not started while this build runs and nothing else
        assert len(_build_groups(server.data)) == 1  # waits: its start-up would slow the build the clerk waits for
        time.sleep(0.2)
    server.stop()
    state = _state(server, build_id)
    assert state[0] == "loi" and "Máy chủ đã dừng" in state[1]
    assert _jobs_running(server.data) == []
    server.start(**hung)

    # killed outright: the build process ends itself; the next start marks the build failed
    build_id = _start_build(server, tmp_path, "Nhân viên lưu trữ")
    old = set(_jobs_running(server.data))  # the build, and the next build's process started ahead
    assert old
    server.proc.kill()
    server.proc.wait()
    assert _state(server, build_id)[0] in ("cho", "dang_chay")
    kill_groups_matching(str(tmp_path))  # the hung fake soffice of the killed server's lanes
    server.start()  # LibreOffice as it is: the build is run again below
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


def test_another_agencys_workbook_is_refused_until_confirmed(server, browser, tmp_path):
    """The CLI's --doi-co-quan on the page: the refusal in words, then a confirmation that is audited."""
    from selenium.webdriver.common.by import By

    assert JOURNEY, "the journey ran first: the folder holds the dossiers of «Văn phòng UBND tỉnh Thử Nghiệm»"
    base, d = server.base, browser
    _login(d, base, "vanthu")
    t = factory.tables()
    t["CoQuan"] = [(k, "Sở Xây dựng tỉnh Thử Nghiệm" if k == "ten_co_quan" else v) for k, v in t["CoQuan"]]
    _upload(d, base, factory.write(tmp_path / "so_cua_so_xay_dung.xlsx", t))
    assert d.find_element(By.ID, "tong").text.startswith("0 lỗi")
    d.get(base + "/tao-ho-so")
    said = d.find_element(By.ID, "co_quan_khac").text
    assert "Hồ sơ hiện có là của «Văn phòng UBND tỉnh Thử Nghiệm»" in said
    assert "còn sổ «so_cua_so_xay_dung.xlsx» là của «Sở Xây dựng tỉnh Thử Nghiệm»" in said
    box = d.find_element(By.ID, "doi_co_quan")
    assert box.get_attribute("required") and not box.is_selected()
    assert "Tôi xác nhận thay hồ sơ của «Văn phòng UBND tỉnh Thử Nghiệm» bằng hồ sơ của «Sở Xây dựng tỉnh Thử " \
           "Nghiệm»" in d.find_element(By.CSS_SELECTOR, "label.xac_nhan").text
    _shot(d, "19_so_co_quan_khac")
    db = sqlite3.connect(server.data / "hoso.sqlite3")
    builds = db.execute("SELECT COUNT(*) FROM lan_tao").fetchone()[0]
    c = _as_client(d, base)  # a browser that ignores `required`: refused all the same, nothing queued
    _, page, _ = c.get("/tao-ho-so")
    status, body = c.post("/tao-ho-so", {"csrf_token": _hidden(page.decode(), "csrf_token")})
    assert status == 409 and "Chưa tạo hồ sơ." in body.decode() and 'id="doi_co_quan"' in body.decode()
    assert db.execute("SELECT COUNT(*) FROM lan_tao").fetchone()[0] == builds
    assert json.loads((server.data / "co_quan/VP/ket_qua/manifest.json").read_text("utf-8"))["co_quan"][
        "ten_co_quan"] == "Văn phòng UBND tỉnh Thử Nghiệm"
    d.find_element(By.ID, "doi_co_quan").click()
    _click_and_wait(d, d.find_element(By.ID, "tao"))  # the build's page, not the form's (the POST waits briefly)
    deadline = time.monotonic() + 300
    while d.find_element(By.ID, "trang_thai").text not in ("Xong", "Lỗi") and time.monotonic() < deadline:
        time.sleep(1)
        d.refresh()
    assert d.find_element(By.ID, "trang_thai").text == "Xong", d.find_element(By.TAG_NAME, "main").text
    assert db.execute("SELECT doi_co_quan FROM lan_tao ORDER BY id DESC LIMIT 1").fetchone()[0] == 1
    assert json.loads((server.data / "co_quan/VP/ket_qua/manifest.json").read_text("utf-8"))["co_quan"][
        "ten_co_quan"] == "Sở Xây dựng tỉnh Thử Nghiệm"
    d.get(base + "/tao-ho-so")
    assert not d.find_elements(By.ID, "co_quan_khac")  # the folder is now that agency's: nothing to confirm
    d.get(base + "/nhat-ky")
    log = d.find_element(By.TAG_NAME, "table").text
    assert "tao_ho_so_bi_tu_choi" in log and "đã xác nhận thay hồ sơ của cơ quan khác" in log
    assert "Sở Xây dựng tỉnh Thử Nghiệm" in log


def _account(server: Server, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return _hoso("tai-khoan", *args, "--data", str(server.data), stdin=stdin)


def test_accounts_listed_locked_unlocked_and_repassworded_from_the_cli(server):
    r = _account(server, "them", "van_thu_2", "--co-quan", "VP", "--vai-tro", "van_thu", stdin="mat-khau-thu-hai-5\n")
    assert r.returncode == 0, r.stderr
    c = Client(server.base)
    assert c.login("van_thu_2", "mat-khau-thu-hai-5") == 200 and c.get("/")[0] == 200
    r = _account(server, "ds")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Tên", "Cơ", "quan", "Vai", "trò", "Đơn", "vị", "Trạng", "thái", "Tạo", "lúc", "Đăng",
                                "nhập", "cuối", "Phiên"]
    row = next(line for line in lines if line.startswith("van_thu_2 "))
    assert "VP" in row and "Văn thư cơ quan" in row and "Đang dùng" in row and row.split()[-1] == "1"
    assert re.search(r"^donvi_hc\s+VP\s+Văn thư đơn vị\s+HC\s+Đang dùng", r.stdout, re.M)
    assert re.search(r"^sonoivu\s+SNV\s+Sở Nội vụ\s+Đang dùng", r.stdout, re.M)

    # locked: the open session ends at once, the right password no longer logs in
    r = _account(server, "khoa", "van_thu_2")
    assert r.returncode == 0 and "Đã khóa tài khoản «van_thu_2»; 1 phiên đăng nhập đã kết thúc." in r.stderr
    status, _, url = c.get("/so-excel")
    assert url.endswith("/dang-nhap")
    assert c.post("/tao-ho-so", {"csrf_token": c.csrf})[0] == 403
    fresh = Client(server.base)
    _, page, _ = fresh.get("/dang-nhap")
    status, body = fresh.post("/dang-nhap", {"csrf_token": _hidden(page.decode(), "csrf_token"), "ten": "van_thu_2",
                                             "mat_khau": "mat-khau-thu-hai-5"})
    assert status == 403 and "Tài khoản này đã bị khóa" in body.decode()
    assert fresh.login("van_thu_2", "mat-khau-sai-roi-0") == 401  # a wrong password is told nothing more
    assert "Đã khóa" in next(line for line in _account(server, "ds").stdout.splitlines() if line.startswith("van_thu_2"))

    # unlocked: logs in again
    r = _account(server, "mo-khoa", "van_thu_2")
    assert r.returncode == 0 and "Đã mở khóa tài khoản «van_thu_2»." in r.stderr
    assert c.login("van_thu_2", "mat-khau-thu-hai-5") == 200 and c.get("/so-excel")[0] == 200

    # a new password: the session ends, the old password fails, the new one works
    r = _account(server, "doi-mat-khau", "van_thu_2", stdin="ngan\n")
    assert r.returncode == 2 and "ít nhất 10 ký tự" in r.stderr and c.get("/so-excel")[2].endswith("/so-excel")
    r = _account(server, "doi-mat-khau", "van_thu_2", stdin="mat-khau-moi-cua-2\n")
    assert r.returncode == 0 and "Đã đổi mật khẩu của «van_thu_2»; 1 phiên đăng nhập đã kết thúc." in r.stderr
    assert c.get("/so-excel")[2].endswith("/dang-nhap")
    assert Client(server.base).login("van_thu_2", "mat-khau-thu-hai-5") == 401
    assert Client(server.base).login("van_thu_2", "mat-khau-moi-cua-2") == 200

    # unknown names and folders are said, not created
    for cmd in ("khoa", "mo-khoa", "doi-mat-khau"):
        r = _account(server, cmd, "khong_co_ai", stdin="mat-khau-moi-cua-2\n")
        assert r.returncode == 2 and "Không có tài khoản «khong_co_ai»" in r.stderr, cmd
    r = _hoso("tai-khoan", "khoa", "van_thu_2", "--data", str(server.data / "khong_co"))
    assert r.returncode == 2 and not (server.data / "khong_co").exists()

    # the agency's audit log: who locked, unlocked and changed the password, and the refused login
    v = Client(server.base)
    assert v.login("vanthu", PASSWORDS["vanthu"]) == 200
    _, page, _ = v.get("/nhat-ky")
    page = page.decode()
    for words, action in (("Khóa tài khoản", "khoa_tai_khoan"), ("Mở khóa tài khoản", "mo_khoa_tai_khoan"),
                          ("Đổi mật khẩu", "doi_mat_khau"), ("Đăng nhập vào tài khoản đã khóa", "dang_nhap_tai_khoan_khoa")):
        assert re.search(rf'<td>quan_tri</td><td>dòng lệnh trên máy chủ</td><td>{words} <span class="note">{action}</span></td><td>van_thu_2</td>',
                         page) or action == "dang_nhap_tai_khoan_khoa", action
        assert f'{words} <span class="note">{action}</span>' in page, action


def test_a_clerk_changes_their_own_password(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    r = _account(server, "them", "don_vi_sn", "--co-quan", "VP", "--vai-tro", "van_thu_don_vi", "--don-vi", "SN",
                 stdin="mat-khau-don-vi-sn-6\n")
    assert r.returncode == 0, r.stderr
    other = Client(server.base)  # the same account on another computer
    assert other.login("don_vi_sn", "mat-khau-don-vi-sn-6") == 200
    d = browser
    PASSWORDS["don_vi_sn"] = "mat-khau-don-vi-sn-6"
    _login(d, server.base, "don_vi_sn")
    d.find_element(By.ID, "doi_mat_khau").click()

    def change(old: str, new: str, again: str) -> None:
        for name, value in (("mat_khau_cu", old), ("mat_khau_moi", new), ("nhap_lai", again)):
            d.find_element(By.ID, name).clear()
            d.find_element(By.ID, name).send_keys(value)
        page = d.find_element(By.TAG_NAME, "html")
        d.find_element(By.ID, "doi").click()
        WebDriverWait(d, 60).until(_gone(page))  # the answer's page, not the form's

    change("mat-khau-sai-roi-0", "mat-khau-moi-sn-77", "mat-khau-moi-sn-77")
    assert d.find_element(By.ID, "loi").text == "Mật khẩu hiện tại không đúng."
    change("mat-khau-don-vi-sn-6", "mat-khau-moi-sn-77", "mat-khau-moi-sn-78")
    assert d.find_element(By.ID, "loi").text == "Hai lần nhập mật khẩu mới không khớp nhau."
    assert other.get("/xep-loai")[0] == 200  # nothing changed yet
    _shot(d, "20_doi_mat_khau_loi")
    change("mat-khau-don-vi-sn-6", "mat-khau-moi-sn-77", "mat-khau-moi-sn-77")
    assert "Đã đổi mật khẩu" in d.find_element(By.ID, "da_doi").text
    _shot(d, "21_doi_mat_khau")
    d.get(server.base + "/xep-loai")  # this browser goes on
    assert "NS-04" in d.find_element(By.ID, "xep_loai").text and "NS-01" not in d.find_element(By.ID, "xep_loai").text
    assert other.get("/xep-loai")[2].endswith("/dang-nhap")  # the other computer is logged out
    assert Client(server.base).login("don_vi_sn", "mat-khau-don-vi-sn-6") == 401
    assert Client(server.base).login("don_vi_sn", "mat-khau-moi-sn-77") == 200
    v = Client(server.base)
    assert v.login("vanthu", PASSWORDS["vanthu"]) == 200
    _, page, _ = v.get("/nhat-ky")
    assert re.search(r'<td>don_vi_sn</td><td>[^<]*</td><td>Đổi mật khẩu <span class="note">doi_mat_khau</span>',
                     page.decode())
    assert re.search(r'<td>don_vi_sn</td><td>[^<]*</td><td>Đổi mật khẩu: mật khẩu hiện tại sai <span class="note">'
                     r'doi_mat_khau_sai</span>', page.decode())


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


def test_live_progress_without_javascript(tmp_path):
    """The build page refreshes itself (meta refresh) while the build runs: forms converted, time left."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, bat_dau, da_xong, tong, con_lai) "
                    "VALUES ('VP', 1, 'vt', 'dang_chay', '2026-12-05 08:00:00', '2026-12-05 08:00:01', 0, 120, NULL)")
    app = create_app(tmp_path, start_queue=False)
    store = app.extensions["hoso_store"]
    store.x("UPDATE lan_tao SET trang_thai='dang_chay' WHERE id=?", build)  # the start-up marked it failed
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302

    def page() -> str:
        return c.get(f"/lan-tao/{build}").text

    html = page()
    assert '<meta http-equiv="refresh" content="1">' in html and "<script" not in html
    assert "Chuyển sang PDF 0/120 — đang ước tính thời gian còn lại" in html
    assert 'id="tu_cap_nhat"' in html and "hồ sơ vẫn được tạo tiếp trên máy chủ" in html  # leaving is safe
    store.x("UPDATE lan_tao SET da_xong=45, con_lai=74.6 WHERE id=?", build)
    html = page()
    assert "Chuyển sang PDF 45/120 — còn khoảng 75 giây" in html and '<progress max="120" value="45">' in html
    store.x("UPDATE lan_tao SET da_xong=120, con_lai=NULL WHERE id=?", build)
    assert "Chuyển sang PDF 120/120 — xong; đang ghép hồ sơ cá nhân, đơn vị và bộ hồ sơ gửi Sở Nội vụ…" in page()
    store.x("UPDATE lan_tao SET trang_thai='xong', ket_thuc='2026-12-05 08:03:00', tom_tat=? WHERE id=?",
            "Xong: 40 người, 120 văn bản.", build)
    html = page()
    assert "refresh" not in html and "Xong: 40 người, 120 văn bản." in html and 'id="tu_cap_nhat"' not in html
    # the build's own guard refused another agency's workbook (the page's check came first, but the
    # folder may change in between): the clerk is told where to confirm on the web
    from pipeline.output_guard import OTHER_AGENCY_OPTION

    store.x("UPDATE lan_tao SET trang_thai='loi', loi=? WHERE id=?", "Thư mục «ket_qua» đang chứa hồ sơ của «A» … "
            f"chạy lại với {OTHER_AGENCY_OPTION}. Kết quả cũ được giữ nguyên.", build)
    html = page()
    assert 'id="loi_co_quan_khac"' in html and "đánh dấu ô xác nhận thay hồ sơ của cơ quan kia" in html


def test_guessing_the_current_password_is_limited(tmp_path):
    """A session left open cannot be used to try passwords on «Đổi mật khẩu» without end."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    Store(tmp_path).add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    csrf = _hidden(c.get("/mat-khau").text, "csrf_token")
    for i in range(5):
        r = c.post("/mat-khau", data={"csrf_token": csrf, "mat_khau_cu": f"doan-thu-{i}-abc", "mat_khau_moi": "mat-khau-moi-123",
                                      "nhap_lai": "mat-khau-moi-123"})
        assert r.status_code == 400 and "Mật khẩu hiện tại không đúng." in r.text
    r = c.post("/mat-khau", data={"csrf_token": csrf, "mat_khau_cu": "mat-khau-du-dai-9", "mat_khau_moi": "mat-khau-moi-123",
                                  "nhap_lai": "mat-khau-moi-123"})
    assert r.status_code == 429 and "quá nhiều lần" in r.text  # even the right one, for a while
    other = app.test_client()
    token = _hidden(other.get("/dang-nhap").text, "csrf_token")
    assert other.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 429
    assert accounts.verify(Store(tmp_path).account("vt")["mat_khau"], "mat-khau-du-dai-9")  # unchanged


def test_every_audited_action_has_words_on_the_log_page():
    from pipeline.web.app import ACTION_WORDS

    root = Path(__file__).resolve().parent.parent / "pipeline"
    source = "".join(p.read_text("utf-8") for p in [*(root / "web").glob("*.py"), root / "cli.py"])
    actions = set(re.findall(r'(?<![.\w])audit\("([a-z_]+)"', source))
    actions |= set(re.findall(r'\.audit\([^()]*?, "(?:cli|)", "([a-z_]+)"', source))
    actions |= set(re.findall(r'\.audit\([^()]*?ip\(\), "([a-z_]+)"', source))
    assert {"tai_len_so", "khoa_tai_khoan", "dang_nhap", "tao_xong"} <= actions
    assert actions <= set(ACTION_WORDS), actions - set(ACTION_WORDS)



def test_every_audited_detail_key_has_words_on_the_log_page():
    """«Nhật ký» showed the printed mark's line as «lần tạo số 2, so_van_ban 167, so_trang 580» and a
    workbook downloaded as a bare «3»: every key of an audit line's JSON now has its words, and every
    numbered detail names what the number is."""
    import ast

    from pipeline.web.app import _DETAIL_WORDS, _detail

    handled = {"ok", "doi_co_quan", "doi_nam", "ghi_de", "sua_tay", "sua_tay_them", "tep_rieng", "canh_bao", "muc",
               "lan_dau"}  # _detail's own words
    source = (Path(__file__).resolve().parent.parent / "pipeline" / "web" / "app.py").read_text("utf-8")
    tree = ast.parse(source)
    # a dict built first and audited by its name (nhan_ban_ky's `counts`): its keys are audited too
    named: dict[str, list[ast.Dict]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    named.setdefault(target.id, []).append(node.value)
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "audit" and len(node.args) > 1:
            for sub in ast.walk(node.args[1]):
                dicts = [sub] if isinstance(sub, ast.Dict) else []
                if isinstance(sub, ast.Call):  # json.dumps(counts, …)
                    dicts += [d for a in sub.args if isinstance(a, ast.Name) for d in named.get(a.id, [])]
                for d in dicts:
                    keys |= {k.value for k in d.keys if isinstance(k, ast.Constant)}
    assert {"so_van_ban", "so_trang", "nop", "tu_tep", "trang_bia", "ho_so_theo_ma_moi", "ho_so_khong_con"} <= keys
    assert keys - handled <= set(_DETAIL_WORDS), keys - handled - set(_DETAIL_WORDS)
    assert _detail("da_in", json.dumps({"lan_tao": 2, "so_van_ban": 167, "so_trang": 580})) == \
        "lần tạo số 2, số văn bản 167, số trang 580"
    assert _detail("tai_so", "3") == "sổ số 3"
    assert _detail("tao_ho_so_bi_tu_choi", json.dumps({"so": 3, "tep_rieng": 1})) == \
        "sổ số 3, 1 tệp không do hoso tạo trong thư mục hồ sơ trên máy chủ"
    assert _detail("tao_ho_so_bi_tu_choi", json.dumps({"so": 3, "sua_tay": 2, "sua_tay_them": 1})) == \
        "sổ số 3, 2 tệp sửa tay trên máy chủ, 1 tệp được sửa tay sau lần xác nhận ghi đè trước (chưa xác nhận)"


def test_ratings_page_shows_the_score_as_the_forms_print_it(tmp_path):
    """The 100-point regime: a «Điểm» column, two decimals cut (89.9999 is not 90), decimal comma;
    none for a person without a score or without a level (periods missing: the mean of those present
    is not the year's score), and no column when nobody has one."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.mkdir(parents=True)

    def person(ma_so: str, diem: float | None) -> dict:
        return {"ma_so": ma_so, "ho_ten": f"Người {ma_so}", "ma_don_vi": "TH", "tu_xep_loai": "htt",
                "muc_de_xuat": "htt" if diem else None, "muc_quyet_dinh": None, "ly_do": ["…"], "canh_bao": [],
                "diem": diem}

    def page(people: list[dict]) -> str:
        (out / "ket_qua_xep_loai.json").write_text(json.dumps({"nam_danh_gia": 2026, "ten_bo_quy_tac": "ND 335",
                                                               "nguoi": people}), encoding="utf-8")
        return c.get("/xep-loai").text

    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    html = page([person("VP-001", 89.9999), person("VP-002", 96.2916), person("VP-003", None),
                 {**person("VP-004", 83.7878), "muc_de_xuat": None}])
    assert "<th>Điểm</th>" in html
    rows = html.split("<tr>")[2:]
    assert '<td class="so diem"><strong>89,99</strong>' in rows[0] and '<td class="so diem"><strong>96,29</strong>' in rows[1]
    assert '<td class="so diem">\n</td>' in rows[2] and '<td class="so diem">\n</td>' in rows[3]
    html = page([person("VP-001", None)])
    assert "<th>Điểm</th>" not in html and 'class="so' not in html


def test_a_package_built_again_after_it_was_sent_asks_to_send_it_again(tmp_path):
    """«Hồ sơ» tells the agency clerk the package sent to the Sở Nội vụ is the one there now; once a
    build has made another (other bytes of the zip), it says the Sở holds an old one: send again."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.mkdir(parents=True)

    def manifest(sha: str) -> None:
        (out / "manifest.json").write_text(json.dumps({
            "files": [{"path": "ho_so_2026.zip", "sha256": sha, "bytes": 10}], "ca_nhan": [], "don_vi": [],
            "nop_so_noi_vu": {"thu_muc": "nop_so_noi_vu", "zip": "ho_so_2026.zip", "tep": []}}), encoding="utf-8")

    manifest("a" * 64)
    store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) VALUES (?,?,?,?,?,?,?)",
            "VP", 1, "2026-12-06 09:00", "vt", "Văn phòng", "ho_so_2026.zip", "a" * 64)
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    html = c.get("/ho-so").text
    assert 'id="da_nop"' in html and 'id="nop_lai"' not in html
    manifest("b" * 64)  # built again: another package
    html = c.get("/ho-so").text
    assert 'id="da_nop"' not in html and 'id="nop_lai"' in html
    assert "khác bộ hồ sơ hiện nay: hãy gửi lại bộ hồ sơ này" in html


def test_a_package_built_again_with_the_same_content_is_not_to_send_again(tmp_path):
    """The submission keeps the manifest of the package sent: a build since that only converted and zipped the
    package again (other bytes, the same words — a program update that changed a template) leaves «Hồ sơ» saying
    the Sở holds this content, with no button urging to send; a report with other words asks to send again and
    names the files whose content changed."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store
    from tests.test_resend import REPORT_DOCX, ZIP, _manifest, _rewritten, _set

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    sent = _manifest()
    nop = store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) VALUES (?,?,?,?,?,?,?)",
                  "VP", 1, "2026-12-06 09:00", "vt", "Văn phòng", ZIP, "z1")
    kept = store.submission_dir("VP", nop)
    kept.mkdir(parents=True)
    (kept / "manifest.json").write_text(json.dumps(sent), encoding="utf-8")  # as `nop` copies it
    again = _rewritten(sent)
    (out / "manifest.json").write_text(json.dumps(again), encoding="utf-8")
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    html = c.get("/ho-so").text
    assert 'id="da_nop"' in html and 'id="nop_lai"' not in html and 'id="nop"' not in html
    assert "không văn bản nào trong bộ hồ sơ thay đổi nội dung" in html and "không cần gửi lại" in html
    _set(again, REPORT_DOCX, "r2")  # the report's words changed
    (out / "manifest.json").write_text(json.dumps(again), encoding="utf-8")
    html = c.get("/ho-so").text
    assert 'id="da_nop"' not in html and 'id="nop_lai"' in html and 'id="nop"' in html
    assert ("tệp khác nội dung: <span id=\"tep_khac\">Báo cáo kết quả (bản Word) (bao_cao_ket_qua_danh_gia.docx); "
            "Báo cáo kết quả (bao_cao_ket_qua_danh_gia.pdf)</span>): hãy gửi lại bộ hồ sơ này") in html


def test_ratings_page_shows_the_proposal_the_papers_print(tmp_path):
    """The 2026 sample with VP-017's HTXS decided (it takes the place of «Chuyên viên – Phòng Tổng
    hợp» that the meeting kept for VP-016, who is not decided yet): the ratings page, like his phiếu and
    the minutes, shows the unit's proposal HTXS with the meeting's reasons, and says beside it that the
    program, counting again after the decision, gets HTT — never HTT alone as «đề xuất»."""
    import openpyxl

    from pipeline import ingest
    from pipeline.rating.engine import rate
    from pipeline.submission.ratings_file import ratings_document
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    wb = openpyxl.load_workbook(Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx")
    ws = wb["NhanSu"]
    col = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["ma_so"]).value == "VP-017")
    ws.cell(row, col["muc_quyet_dinh"], "HTXS")
    wb.save(tmp_path / "so.xlsx")
    ratings = rate(ingest.load(tmp_path / "so.xlsx"))
    doc = ratings_document(ratings)
    by = {p["ma_so"]: p for p in doc["nguoi"]}
    assert by["VP-016"]["muc_de_xuat"] == "HTT" and by["VP-016"]["cuoc_hop"]["muc_de_xuat"] == "HTXS"
    assert "cuoc_hop" not in by["VP-001"]  # nothing recomputed for him: no addition

    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    (out / "ket_qua_xep_loai.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    app = create_app(tmp_path / "du_lieu", start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    html = c.get("/xep-loai").text
    assert "<th>Đơn vị đề xuất</th>" in html
    cells = re.findall(r"<td>(.*?)</td>", next(r for r in html.split("<tr>") if "<td>VP-016</td>" in r), re.S)
    proposal = cells[4]
    assert proposal.startswith("Hoàn thành xuất sắc nhiệm vụ<br>") and \
        "tính lại theo tỷ lệ sau các mức đã quyết định: Hoàn thành tốt nhiệm vụ" in proposal
    meeting_reasons = by["VP-016"]["cuoc_hop"]["ly_do"]
    assert meeting_reasons != by["VP-016"]["ly_do"] and html.count(meeting_reasons[-1].replace("&", "&amp;")[:60]) >= 1
    html = c.get("/xep-loai?muc=HTXS").text
    assert "<td>VP-016</td>" in html  # filtered by the level shown


def _logged_in(tmp_path: Path, name: str = "vt", role: str = "van_thu", unit: str | None = None):
    """An app on `tmp_path` (no build queue) and a test client logged in as a new account."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    Store(tmp_path).add_account(name, accounts.hash_password("mat-khau-du-dai-9"), "VP", role, unit)
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
    return app, c


def _period(ky: str, chung: float, rates: tuple, diem: float) -> dict:
    return dict(zip(("a", "b", "c", "d", "dd", "e"), rates, strict=True), ky=ky, diem=diem, diem_tieu_chi_chung=chung)


def test_the_2026_points_and_periods_are_shown_on_the_ratings_and_the_person_page(tmp_path):
    """The points regime (ND 335/2025): each period's score under the year score on the ratings page, and on
    the person's page a table of the periods (general criteria, a–c, a leader's d–e, the period's score) with
    the formula and the year score; a person whose periods do not cover the year has no year score and the
    missing periods are named (not the mean of some periods). Worked by hand from the period formula:
    leader, general 28, a = b = c = d = 100, đ = e = 95: 28 + 70 × 590 / 600 = 96.8333 → «96,83»;
    non-leader, general 25, a 90, b 85, c 80: 25 + 70 × 255 / 300 = 84.5 → «84,50»."""
    app, c = _logged_in(tmp_path)
    store = app.extensions["hoso_store"]
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    leader = [_period(f"2026-Q{q}", 28, (100, 100, 100, 100, 95, 95), 96.8333) for q in (1, 2, 3, 4)]
    staff = [_period(f"2026-Q{q}", 25, (90, 85, 80, None, None, None), 84.5) for q in (1, 2, 3)]
    people = [
        {"ma_so": "QB-01", "ho_ten": "Phạm Văn Hùng", "ma_don_vi": "TH", "muc_de_xuat": "HTXS", "muc_quyet_dinh": None,
         "diem": 96.8333, "diem_ky": leader, "ly_do": ["Điểm năm là trung bình 4 kỳ."], "canh_bao": []},
        {"ma_so": "QB-05", "ho_ten": "Võ Minh Quân", "ma_don_vi": "TH", "muc_de_xuat": None, "muc_quyet_dinh": None,
         "diem": 84.5, "diem_ky": staff, "canh_bao": [],
         "ly_do": ["Trung bình 3 kỳ đã có kết quả = 84,50, chưa phải điểm năm. Thiếu kết quả kỳ 2026-Q4: có kết quả "
                   "3 quý (9 tháng) trong khi thời gian công tác là 12 tháng; chưa đủ căn cứ xếp loại."]},
        # on leave 7 of 12 months: not rated; the rating keeps the mean of its periods, the phiếu prints no year score
        {"ma_so": "QB-07", "ho_ten": "Lê Thị Mai", "ma_don_vi": "TH", "muc_de_xuat": None, "muc_quyet_dinh": None,
         "trang_thai": "khong_xep_loai", "diem": 84.5, "diem_ky": staff[:2], "canh_bao": [],
         "ly_do": ["Công tác 12 tháng trong năm nhưng nghỉ không tham gia công tác 7 tháng (không phải nghỉ thai sản): "
                   "thời gian công tác thực tế 5 tháng, chưa đủ 6 tháng, nên không thực hiện đánh giá, xếp loại."]}]
    (out / "ket_qua_xep_loai.json").write_text(json.dumps({
        "nam_danh_gia": 2026, "ten_bo_quy_tac": "Nghị định 335/2025/NĐ-CP", "nguoi": people,
        "thiet_lap": {"nguong_diem": {"HTXS": 90, "HTT": 70, "HT": 50, "KHT": 0},
                      "cong_thuc_ky": {"diem_tieu_chi_chung_toi_da": 30, "diem_ket_qua": 70, "mau_so": 300,
                                       "mau_so_lanh_dao": 600}}}, ensure_ascii=False), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({
        "files": [], "don_vi": [{"ma_don_vi": "TH", "pdf": "don_vi/TH.pdf"}],
        "ca_nhan": [{"ma_so": m, "ma_don_vi": "TH", "pdf": f"ca_nhan/TH/{m}.pdf",
                                                "tai_lieu": []} for m in ("QB-01", "QB-05", "QB-07")]}), encoding="utf-8")
    html = re.sub(r"\s+", " ", c.get("/xep-loai").text)
    row = next(r for r in html.split("<tr>") if "<td>QB-01</td>" in r)
    assert "<strong>96,83</strong>" in row and all(f"<li>Quý {q}/2026: 96,83</li>" in row for q in ("I", "II", "III", "IV"))
    row = next(r for r in html.split("<tr>") if "<td>QB-05</td>" in r)
    assert "<strong>" not in row and "<li>Quý III/2026: 84,50</li>" in row
    assert "Thiếu kết quả quý IV/2026: chưa có điểm năm" in row
    assert "Hoàn thành xuất sắc nhiệm vụ từ 90 điểm; Hoàn thành tốt nhiệm vụ từ 70 điểm; Hoàn thành nhiệm vụ từ 50 " \
           "điểm; dưới 50 điểm: Không hoàn thành nhiệm vụ" in html  # how a score becomes a level
    html = re.sub(r"\s+", " ", c.get("/ho-so").text)  # each person's level beside the name, a proposal said so
    assert 'Phạm Văn Hùng (QB-01)</a> <span class="note">— Hoàn thành xuất sắc nhiệm vụ (đề xuất)</span>' in html
    assert 'Võ Minh Quân (QB-05)</a> <span class="note">— chưa xếp loại</span>' in html
    html = re.sub(r"\s+", " ", c.get("/ho-so/nguoi/QB-01").text)
    assert "<title>Phạm Văn Hùng (QB-01) —" in html  # the tab says whose page it is
    section = html[html.index('id="diem_ky"'):html.index("</section>", html.index('id="diem_ky"'))]
    assert "điểm năm <strong>96,83</strong>" in section and "<th>d) Kết quả đơn vị phụ trách (%)</th>" in section
    assert "<tr><td>Quý II/2026</td><td class=\"so\">28,00</td><td class=\"so\">100</td><td class=\"so\">100</td>" \
           "<td class=\"so\">100</td><td class=\"so\">100</td><td class=\"so\">95</td><td class=\"so\">95</td>" \
           "<td class=\"so\"><strong>96,83</strong></td></tr>" in section
    assert "Điểm kỳ = tiêu chí chung + 70 × (a + b + c + d + đ + e) / 600." in section
    html = re.sub(r"\s+", " ", c.get("/ho-so/nguoi/QB-05").text)
    section = html[html.index('id="diem_ky"'):html.index("</section>", html.index('id="diem_ky"'))]
    assert "điểm năm <strong>" not in section and "d) Kết quả" not in section and "/ 300." in section
    assert "Thiếu kết quả quý IV/2026: chưa có điểm năm" in section and section.count("<td>Quý") == 3
    # not rated: no year score on the page, as none on the phiếu (the person page showed «điểm năm 84,50»)
    html = re.sub(r"\s+", " ", c.get("/ho-so/nguoi/QB-07").text)
    section = html[html.index('id="diem_ky"'):html.index("</section>", html.index('id="diem_ky"'))]
    assert "điểm năm <strong>" not in section and "Điểm năm = trung bình" not in section
    assert "Điểm năm: không xếp loại (công tác trong năm dưới 06 tháng), nên không tính điểm năm" in section
    assert section.count("<strong>84,50</strong>") == 2  # each period's score stays
    assert "Đơn vị đề xuất: <strong>Không xếp loại</strong>" in html  # as the phiếu's «Mức xếp loại đề xuất»
    row = next(r for r in re.sub(r"\s+", " ", c.get("/xep-loai").text).split("<tr>") if "<td>QB-07</td>" in r)
    assert "<strong>" not in row and "<li>Quý II/2026: 84,50</li>" in row
    assert "<td>Không xếp loại</td>" in row  # not rated this year, not «Chưa xếp loại» (a level still to come)
    row = next(r for r in re.sub(r"\s+", " ", c.get("/xep-loai").text).split("<tr>") if "<td>QB-05</td>" in r)
    assert "<td>Chưa xếp loại</td>" in row
    html = re.sub(r"\s+", " ", c.get("/ho-so").text)
    assert 'Lê Thị Mai (QB-07)</a> <span class="note">— không xếp loại</span>' in html


def test_a_ratings_warning_names_no_command_and_no_rulebook_code(tmp_path):
    """A 2026 workbook without monthly results: every person's warning told the clerk in a browser to run
    «hoso nhap-ket-qua» and named the rulebook by its code («bộ quy tắc nd335-2025»), and the reasons named
    periods by their codes («2026-01») under a table naming them «Tháng 01/2026»; the pages say what to use on
    them, the decree's name and the periods' names."""
    app, c = _logged_in(tmp_path)
    out = app.extensions["hoso_store"].output_dir("VP")
    out.mkdir(parents=True)
    warning = ("Chưa có kết quả theo dõi, đánh giá tháng, quý nào trong sổ (sheet KetQuaKy); bộ quy tắc nd335-2025 xếp "
               "loại theo điểm trung bình các tháng, quý. Mức đề xuất này chỉ tạm lấy theo biểu quyết hoặc mức tự xếp "
               "loại: nhập kết quả từng tháng, quý (hoặc hoso nhap-ket-qua) rồi chạy lại.")
    (out / "ket_qua_xep_loai.json").write_text(json.dumps({"nam_danh_gia": 2026, "nguoi": [
        {"ma_so": "QB-01", "ho_ten": "Phạm Văn Hùng", "ma_don_vi": "TH", "muc_de_xuat": "HT", "muc_quyet_dinh": None,
         "ly_do": ["Điểm từng kỳ: 2026-01: 89,00; 2026-Q3: 87,41."], "canh_bao": [warning]}]}, ensure_ascii=False),
        encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"files": [], "don_vi": [], "ca_nhan": [
        {"ma_so": "QB-01", "ma_don_vi": "TH", "pdf": "ca_nhan/TH/QB-01.pdf", "tai_lieu": []}]}), encoding="utf-8")
    for page in (c.get("/xep-loai").text, c.get("/ho-so/nguoi/QB-01").text):
        assert "hoso nhap-ket-qua" not in page and "nd335-2025" not in page
        assert "bộ quy tắc theo Nghị định 335/2025/NĐ-CP xếp loại" in page
        assert "(hoặc «Nhập kết quả tháng, quý» từ phần mềm theo dõi, đánh giá, trên trang kiểm tra sổ Excel)" in page
        assert "Điểm từng kỳ: tháng 01/2026: 89,00; quý III/2026: 87,41." in page  # periods named as on the papers


def test_the_archive_page_is_under_the_history_and_says_how_it_fills(tmp_path):
    """«Lưu trữ» marked no entry of the menu, its empty page had no next step, and its table stayed many
    columns wide on a phone (not one card per row as every other list)."""
    _app, c = _logged_in(tmp_path)
    html = re.sub(r"\s+", " ", c.get("/luu-tru").text)
    assert 'aria-current="page">Lịch sử</a>' in html
    assert 'id="chua_co"' in html and 'href="/tao-ho-so"' in html[html.index('id="chua_co"'):]


@pytest.fixture
def server_zone(monkeypatch):
    """`server_zone(tz)`: this process runs as a server whose clock is in zone `tz` (POSIX TZ, no tzdata needed:
    "UTC", "ICT-7" for Vietnam); put back after the test."""
    def set_zone(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_a_server_on_utc_shows_vietnam_time(tmp_path, server_zone):
    """A server whose clock is UTC (a cloud VM, a container) showed the clerk times 7 hours off. Times are stored
    in UTC with their offset and shown in Vietnam's time (UTC+7) as «dd/mm/yyyy HH:MM», on the build and audit
    pages; a database written before (local times without an offset) is converted once at start-up, taking its
    times as the server's local time — a Vietnamese server's 08:00 and a UTC server's 01:00 are both 08:00."""
    import datetime as dt

    from pipeline.web.store import Store, ago, now

    for zone, written in (("ICT-7", "2026-12-05 08:00:00"), ("UTC", "2026-12-05 01:00:00")):
        server_zone(zone)
        data = tmp_path / zone
        old = Store(data)  # a database of before: its times without an offset, in its server's local time
        old.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc, tom_tat) "
              "VALUES ('VP', 1, 'vt', 'xong', ?, ?, 'Xong.')", written, written[:-5] + "03:00")
        old.x("INSERT INTO nhat_ky(luc, tai_khoan, co_quan, ip, hanh_dong, chi_tiet) VALUES (?, 'vt', 'VP', '', "
              "'tao_xong', '')", written[:-5] + "03:00")
        old.x("PRAGMA user_version = 0")  # as a database of before this version is: its times never converted
        app, c = _logged_in(data)  # this version starts on that server: the old times are converted
        store = app.extensions["hoso_store"]
        assert store.one("SELECT tao_luc FROM lan_tao")["tao_luc"] == "2026-12-05 01:00:00+00:00", zone
        html = re.sub(r"\s+", " ", c.get("/lan-tao/1").text)
        assert "Yêu cầu lúc 05/12/2026 08:00 bởi vt; kết thúc 05/12/2026 08:03." in html, zone
        assert "05/12/2026 08:03" in c.get("/nhat-ky").text, zone

    # what the server writes now: UTC with its offset, shown in Vietnam's time
    login = store.one("SELECT luc FROM nhat_ky WHERE hanh_dong='dang_nhap'")["luc"]
    assert login.endswith("+00:00") and ago(60) < login <= now()
    vietnam = dt.datetime.fromisoformat(login) + dt.timedelta(hours=7)
    assert f"<td class=\"luc\">{vietnam:%d/%m/%Y %H:%M}</td>" in c.get("/nhat-ky").text
    assert Store(tmp_path / "UTC")._times_to_utc() == 0  # converted once


def test_times_are_day_month_year_and_the_log_is_in_words(tmp_path, server_zone):
    """Times as a Vietnamese clerk reads them (05/12/2026 08:00, never 2026-12-05), and the audit log's
    details in words: no JSON keys, no role codes; the menu marks where one is."""
    app, c = _logged_in(tmp_path)
    store = app.extensions["hoso_store"]
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc, tom_tat) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-05 01:00:00+00:00', '2026-12-05 01:03:00+00:00', 'Xong.')")
    html = c.get("/lan-tao").text
    assert "05/12/2026 08:00" in html and "2026-12-05" not in html and "08:00:00" not in html
    assert '<a href="/lan-tao" aria-current="page">Lịch sử</a>' in html
    html = c.get("/lan-tao/1").text
    assert "Yêu cầu lúc 05/12/2026 08:00" in html and "kết thúc 05/12/2026 08:03." in html
    assert '<a href="/lan-tao" aria-current="page">Lịch sử</a>' in html  # a build's page is under «Lịch sử»
    store.audit("vt", "VP", "", "tao_xong", json.dumps({"lan_tao": 1, "so_nguoi": 6}))
    store.audit("vt", "VP", "127.0.0.1", "xem_xep_loai", json.dumps({"muc": "HTT", "canh_bao": "1"}))
    store.audit("quan_tri", "VP", "cli", "tao_tai_khoan", "dv (van_thu_don_vi, HC)")
    store.audit("vt", "VP", "127.0.0.1", "kiem_tra", "ok")
    store.audit("vt", "VP", "127.0.0.1", "tai_so_danh_dau", "7")
    html = c.get("/nhat-ky").text
    assert "lần tạo số 1, số người 6" in html and "mức Hoàn thành tốt nhiệm vụ, chỉ người có cảnh báo" in html
    assert "dv (Văn thư đơn vị, HC)" in html and "<td>hợp lệ</td>" in html and "dòng lệnh trên máy chủ" in html
    assert "<td>sổ số 7</td>" in html
    assert "{&#34;" not in html and "van_thu_don_vi" not in html and not re.search(r"\d{4}-\d\d-\d\d", html)
    # a build of another year over edited documents, an import, an archive downloaded: no key, no True, no folder name
    store.audit("vt", "VP", "127.0.0.1", "tao_ho_so", json.dumps({"lan_tao": 2, "so": 3, "doi_nam": True, "nam_cu": 2025,
                                                                  "nam_moi": 2026, "ghi_de": True,
                                                                  "sua_tay": ["ca_nhan/HC/NS-01/mau_02.docx"]}))
    store.audit("vt", "VP", "127.0.0.1", "tao_ho_so_bi_tu_choi", json.dumps({"so": 3, "sua_tay": 2}))
    store.audit("vt", "VP", "127.0.0.1", "nhap_ket_qua", json.dumps({"so": 3, "tu_tep": "kpi.csv",
                                                                     "them": {"KetQuaKy": 1, "SanPham": 0},
                                                                     "thay": {"KetQuaKy": 0, "SanPham": 2}, "khong_nhap": 2}))
    server_zone("UTC")  # an archive is named at the server's local time: 09:24 on a UTC clock is 16:24 in Vietnam
    store.audit("vt", "VP", "127.0.0.1", "tai_luu_tru", "2025-20261206-092417")
    html = c.get("/nhat-ky").text
    assert ("lần tạo số 2, sổ số 3, đã xác nhận tạo hồ sơ năm khác (hồ sơ cũ cất vào Lưu trữ), năm cũ 2025, năm mới 2026, "
            "đã xác nhận ghi đè tệp sửa tay (bản sửa được chép giữ lại), 1 tệp sửa tay trên máy chủ "
            "(ca_nhan/HC/NS-01/mau_02.docx)") in html
    assert "sổ số 3, 2 tệp sửa tay trên máy chủ" in html
    assert ("sổ số 3, từ tệp kpi.csv, số dòng thêm sheet KetQuaKy 1, sheet SanPham 0, số dòng thay sheet KetQuaKy 0, "
            "sheet SanPham 2, số dòng không nhập 2") in html
    assert "hồ sơ năm 2025, cất lúc 06/12/2026 16:24" in html
    assert "True" not in html and "doi_nam" not in html and "20261206" not in html


def test_empty_pages_say_what_to_do_next(tmp_path):
    """A new agency's pages: each says there is nothing yet and links the next step."""
    _, c = _logged_in(tmp_path)
    html = c.get("/lan-tao").text
    assert 'id="chua_tao"' in html and 'href="/tao-ho-so"' in html and 'id="lich_su"' not in html
    html = c.get("/thay-doi").text
    assert 'id="chua_tao"' in html and 'href="/tao-ho-so"' in html
    html = c.get("/xep-loai").text
    assert "Chưa có kết quả xếp loại" in html and 'href="/so-excel"' in html.split("<main>")[1]
    _, u = _logged_in(tmp_path / "dv", "dv", "van_thu_don_vi", "HC")
    html = u.get("/thay-doi").text
    assert "văn thư cơ quan chưa tạo hồ sơ" in html and 'href="/tao-ho-so"' not in html
    _, snv = _logged_in(tmp_path / "snv", "snv", "so_noi_vu")  # no package sent yet: said, no table of zeros
    html = snv.get("/so-noi-vu").text
    assert 'id="chua_nop"' in html and "Chưa có cơ quan nào gửi hồ sơ" in html and "Tổng hợp toàn tỉnh" not in html


def test_the_build_summary_has_a_decimal_comma():
    from types import SimpleNamespace

    from pipeline.web.jobs import summary_lines

    s = SimpleNamespace(unchanged=False, people=6, documents=24, converted=24, reused=0, rendered=21, bundles_built=8,
                        bundles_reused=0, pages=60, seconds=2.24)
    assert summary_lines(s)[0].endswith("60 trang, 2,2 giây.")  # type: ignore[arg-type]
    assert "kiểm tra trong 0,4 giây" in summary_lines(SimpleNamespace(**{**vars(s), "unchanged": True, "seconds": 0.41}))[0]


def test_error_pages_say_what_happened_in_words(tmp_path):
    """An error page's title and heading are words (a clerk does not read «Lỗi 404»); the code stays beside;
    without a session the way back is the login page, named so."""
    _, c = _logged_in(tmp_path)
    r = c.get("/ho-so/nguoi/KHONG-CO")
    assert r.status_code == 404 and "<title>Không tìm thấy —" in r.text and "(mã lỗi 404)" in r.text
    assert '<a href="/">Về trang chính</a>' in r.text
    r = c.get("/so-noi-vu")
    assert r.status_code == 403 and "<h1>Không thực hiện được" in r.text
    from pipeline.web.app import create_app

    r = create_app(tmp_path, start_queue=False).test_client().post("/tao-ho-so")
    assert r.status_code == 403 and '<a href="/dang-nhap">Về trang đăng nhập</a>' in r.text


def test_a_sheet_to_reprint_of_one_page_is_named_by_that_page(tmp_path):
    """«Thay đổi, in lại»: a document of one page is «5», not «5–5»; of several, «3–4»."""
    app, c = _logged_in(tmp_path)
    store = app.extensions["hoso_store"]
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    docs = [{"tep": "ca_nhan/TH/QB-03.pdf", "trang_dau": 3, "trang_cuoi": 4, "tieu_de": "Phiếu đánh giá", "ma_so": "QB-03",
             "ho_ten": "Nguyễn Hữu Tài", "ma_don_vi": "TH", "ly_do": "nội dung thay đổi"},
            {"tep": "ca_nhan/TH/QB-03.pdf", "trang_dau": 5, "trang_cuoi": 5, "tieu_de": "Kết quả theo dõi, đánh giá từng "
             "tháng, quý", "ma_so": "QB-03", "ho_ten": "Nguyễn Hữu Tài", "ma_don_vi": "TH", "ly_do": "nội dung thay đổi"}]
    (out / "manifest.json").write_text(json.dumps({"files": [], "ca_nhan": [], "don_vi": [],
                                                   "thay_doi": {"van_ban": docs}}, ensure_ascii=False), encoding="utf-8")
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 08:04:37', '2026-12-06 08:04:38')")
    rows = [re.findall(r"<td>(.*?)</td>", r) for r in c.get("/thay-doi").text.split('<table id="in_lai"')[1].split("<tr>")[2:]]
    assert [r[3] for r in rows] == ["3–4", "5"]


def test_the_2026_sample_uploaded_shows_each_month_worked_by_hand(tmp_path):
    """The 2026 sample workbook uploaded as a clerk does (monthly KetQuaKy): the ratings page lists each of
    VP-001's months under his year score. By hand from his rows of KetQuaKy (leader: a, b, c, d, đ, e over
    600): January 28 + 70 × (100 + 100 + 100 + 100 + 95 + 95) / 600 = 96.8333 → «96,83»; February
    27.5 + 70 × (100 + 95 + 100 + 100 + 95 + 95) / 600 = 95.75 → «95,75»."""
    app, c = _logged_in(tmp_path)
    csrf = _hidden(c.get("/so-excel").text, "csrf_token")
    book = (Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx").read_bytes()
    r = c.post("/so-excel", data={"csrf_token": csrf, "so": (io.BytesIO(book), "mau_ho_so_2026.xlsx")},
               content_type="multipart/form-data")
    assert r.status_code == 302 and "0 lỗi" in c.get(r.headers["Location"]).text
    html = re.sub(r"\s+", " ", c.get("/xep-loai").text)
    row = next(r for r in html.split("<tr>") if "<td>VP-001</td>" in r)
    assert "<li>Tháng 01/2026: 96,83</li>" in row and "<li>Tháng 02/2026: 95,75</li>" in row
    assert len(re.findall(r"<li>Tháng \d\d/2026: ", row)) == 12


def test_a_first_workbook_with_errors_is_not_said_to_leave_older_results(tmp_path):
    """The agency's only upload has errors: «Xếp loại» and «Tạo hồ sơ» say there is no valid workbook yet
    (not «the results below are those of the previous build», when there are none)."""
    app, c = _logged_in(tmp_path)
    store = app.extensions["hoso_store"]
    store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) "
            "VALUES ('VP', 'so_loi.xlsx', '2026-12-06 01:03:31+00:00', 'vt', 3, 0, '[]')")
    for path in ("/xep-loai", "/tao-ho-so"):
        html = re.sub(r"\s+", " ", c.get(path).text)
        line = html[html.index('id="so_moi_loi"'):]
        line = line[:line.index("</p>")]
        assert "(lúc 06/12/2026 08:03) có 3 lỗi nên chưa được dùng: chưa có sổ hợp lệ nào." in line, path
        assert "lần tạo hồ sơ trước" not in line, path


def test_a_person_page_says_when_the_dossier_is_older_than_the_ratings(tmp_path):
    """The level and points on a person's page come from the latest valid workbook, the dossier below from the
    last build: a workbook uploaded after that build is named, with «tạo lại hồ sơ» before printing."""
    app, c = _logged_in(tmp_path)
    store = app.extensions["hoso_store"]
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    (out / "ket_qua_xep_loai.json").write_text(json.dumps({"nguoi": [
        {"ma_so": "QB-03", "ho_ten": "Nguyễn Hữu Tài", "ma_don_vi": "TH", "muc_de_xuat": "HTT", "ly_do": [],
         "canh_bao": []}]}, ensure_ascii=False), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"files": [], "don_vi": [], "ca_nhan": [
        {"ma_so": "QB-03", "ma_don_vi": "TH", "pdf": "ca_nhan/TH/QB-03.pdf", "tai_lieu": []}]}), encoding="utf-8")
    for name in ("so_dau.xlsx", "so_sua.xlsx"):
        store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de, xep_loai) "
                "VALUES ('VP', ?, '2026-12-06 01:03:31+00:00', 'vt', 0, 0, '[]', 1)", name)
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
                    "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 01:04:00+00:00', '2026-12-06 01:04:05+00:00')")
    html = re.sub(r"\s+", " ", c.get("/ho-so/nguoi/QB-03").text)
    assert 'id="ho_so_cu"' in html and "theo sổ «so_sua.xlsx»" in html and "lần tạo số 1 (06/12/2026 08:04)" in html
    assert 'href="/tao-ho-so">tạo lại hồ sơ</a> trước khi in' in html
    store.x("UPDATE lan_tao SET so=2 WHERE id=?", build)  # built from the latest: nothing to say
    assert 'id="ho_so_cu"' not in c.get("/ho-so/nguoi/QB-03").text


def test_a_package_sent_early_morning_in_vietnam_is_of_that_day():
    """The Sở counts lateness by the day a package was sent in Vietnam: 06:30 on 15/12 there is stored as 23:30 on
    14/12 UTC, and is the 15th (a deadline of 14/12: one day late, not on time)."""
    import datetime as dt

    from pipeline.web.store import vietnam_day

    assert vietnam_day("2026-12-14 23:30:00+00:00") == dt.date(2026, 12, 15)
    assert vietnam_day("2026-12-15 16:59:59+00:00") == dt.date(2026, 12, 15)
    assert vietnam_day("2026-12-15 17:00:00+00:00") == dt.date(2026, 12, 16)
    assert vietnam_day("") is None and vietnam_day(None) is None


def test_today_is_vietnams_date_on_a_utc_server(monkeypatch):
    """The deadline lines («còn N ngày») count from today in Vietnam: at 23:30 UTC on 14/12 it is already 15/12 there."""
    import datetime as dt

    from pipeline import clock

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            instant = dt.datetime(2026, 12, 14, 23, 30, tzinfo=dt.UTC)
            return instant.astimezone(tz) if tz is not None else instant.replace(tzinfo=None)

    monkeypatch.delenv(clock.VARIABLE, raising=False)
    monkeypatch.setattr(clock.dt, "datetime", Clock)
    assert clock.today() == dt.date(2026, 12, 15)


def test_a_server_compiling_for_another_body_names_it_where_the_clerk_sends(tmp_path, monkeypatch):
    """A Sở Y tế runs the server for its hospitals («Cơ quan tổng hợp» on the Sở's page): «Hồ sơ» names it on the
    send button and in the deadline it set; without its deadline, the line is the workbook's, to the body the
    workbook names (the package's `noi_nhan`), as the build's console said it. A Sở Nội vụ's server: as before."""
    import datetime as dt

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    monkeypatch.setenv("HOSO_HOM_NAY", "2026-12-06")
    syt = "Sở Y tế tỉnh Thử Nghiệm"
    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "BV", "van_thu", None)
    out = store.output_dir("BV")
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({
        "nam_danh_gia": 2026, "files": [{"path": "ho_so_2026.zip", "sha256": "a" * 64, "bytes": 10}], "ca_nhan": [],
        "don_vi": [], "nop_so_noi_vu": {"thu_muc": "nop_so_noi_vu", "zip": "ho_so_2026.zip", "tep": [],
                                        "han_nop": "2026-12-14", "noi_nhan": syt}}), encoding="utf-8")
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": "mat-khau-du-dai-9"}).status_code == 302

    html = c.get("/ho-so").text  # a Sở Nội vụ's server, no deadline set there: the workbook's, to its body
    assert f"Hạn gửi hồ sơ cho {syt}: 14/12/2026 — còn 8 ngày (tính đến hôm nay, 06/12/2026)." in html
    assert "Gửi bộ hồ sơ này cho Sở Nội vụ</button>" in html

    store.set_deadline(dt.date(2026, 12, 12), None, "syt", syt)  # the Sở Y tế's page: its name and its deadline
    html = c.get("/ho-so").text
    assert f"Gửi bộ hồ sơ này cho {syt}</button>" in html and f"Bấm gửi thì {syt} nhận ngay" in html
    assert f"Hạn gửi hồ sơ cho {syt} (do {syt} đặt): 12/12/2026 — còn 6 ngày" in html
    assert f"hạn phải theo là hạn {syt} đặt ở trên" in html  # the workbook states the 14th
