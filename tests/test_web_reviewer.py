"""Issue 20's check run as its reviewer runs it (web35): `hoso serve` started by the CLI on a fresh data folder,
the accounts made with `hoso tai-khoan them` (password from stdin), then Debian's headless Chromium through the
journey with a workbook none of the other web tests use — a 2026 district hospital (tests/su_nghiep_2026.py:
21 viên chức and người lao động, five khoa/phòng, monthly and quarterly results), its sheets and headers named in
Vietnamese as a clerk's copy of the blank workbook is, with the mistakes a clerk makes (a date typed as text, a
level misspelt, a unit code that does not exist, a merged cell, a hidden row) — and another agency's account
against every URL the first agency's clerk used. One build and one rebuild: the suite is long.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import su_nghiep_2026 as hospital  # noqa: E402
import workbook_factory as factory  # noqa: E402
from test_web import Client, Server, _click_and_wait, _hoso  # noqa: E402

pytestmark = pytest.mark.libreoffice
SHOTS = os.environ.get("HOSO_WEB_SCREENSHOTS")  # a folder: the pages of the journey are kept there as PNGs

CLERK, CLERK_PASSWORD = "vanthu_bv", "Mat-khau-benh-vien-2026"
OTHER, OTHER_PASSWORD = "vanthu_ubx", "Mat-khau-co-quan-khac-7"


def _write(path: Path, tables: dict) -> Path:
    """The hospital's workbook with its sheets and headers in words («Nhân sự», «Ngày sinh»), as the blank
    workbook a clerk fills has them (the other web tests upload the keys' names)."""
    return factory.write(path, tables, headers="label", sheet_names="label")


def _with_mistakes(good: Path, dest: Path) -> Path:
    """`good` as a clerk gets it wrong in Excel: BV-02's birth date typed as text with a trailing space (read: the
    reader takes a typed dd/mm/yyyy), BV-04's own level «HTTT», BV-07 in unit «KNOl» (a lower-case L for the I),
    the «Chức vụ» cells of BV-09 and BV-10 merged, BV-13's row hidden."""
    from openpyxl import load_workbook

    wb = load_workbook(good)
    ws = wb["Nhân sự"]
    col = lambda key: factory.letter("NhanSu", key)  # noqa: E731
    ws[f"{col('ngay_sinh')}3"] = "14/09/1975 "
    ws[f"{col('ngay_sinh')}3"].number_format = "@"
    ws[f"{col('tu_xep_loai')}5"] = "HTTT"
    ws[f"{col('ma_don_vi')}8"] = "KNOl"
    ws.merge_cells(f"{col('chuc_vu')}10:{col('chuc_vu')}11")
    ws.row_dimensions[14].hidden = True
    wb.save(dest)
    return dest


@contextlib.contextmanager
def _chromium() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=vi-VN",
                "--disable-gpu"):
        opts.add_argument(arg)
    d = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        d.implicitly_wait(2)
        yield d
    finally:
        d.quit()


def _shot(d: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(Path(SHOTS) / f"bv_{name}.png"))


def _fits_a_phone(d: Any, name: str, check: Any = None) -> None:
    """The page shown at a phone's width (390 CSS pixels) is no wider than the screen; `check(d)` then, if given."""
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                             "mobile": True})
    try:
        time.sleep(0.3)
        wide = d.execute_script("return document.documentElement.scrollWidth")
        _shot(d, name + "_dien_thoai")
        assert wide <= 390, (name, wide)
        if check is not None:
            check(d)
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _session(d: Any, base: str) -> Client:
    """The browser's session in a urllib client, to read what a click downloads (bytes and file name)."""
    import http.cookiejar

    c = Client(base)
    for ck in d.get_cookies():
        c.jar.set_cookie(http.cookiejar.Cookie(0, ck["name"], ck["value"], None, False, "127.0.0.1", False, False,
                                               "/", True, False, None, False, None, None, {}))
    return c


def _saved_as(c: Client, path: str) -> tuple[int, bytes, str]:
    """(status, bytes, the file name the browser saves it under)."""
    import urllib.error

    try:
        with c.opener.open(c.base + path, timeout=60) as r:
            return r.status, r.read(), r.headers.get("Content-Disposition", "")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), ""


def _upload(d: Any, base: str, path: Path) -> str:
    from selenium.webdriver.common.by import By

    d.get(base + "/so-excel")
    d.find_element(By.ID, "so").send_keys(str(path))
    _click_and_wait(d, d.find_element(By.ID, "tai_len"))
    return d.find_element(By.ID, "tong").text


def _build(d: Any, base: str, name: str) -> str:
    """Build from the page; the live progress line read while it runs. The finished build's summary line."""
    from selenium.webdriver.common.by import By

    d.get(base + "/tao-ho-so")
    _click_and_wait(d, d.find_element(By.ID, "tao"))
    deadline = time.monotonic() + 300
    while (status := d.find_element(By.ID, "trang_thai").text) not in ("Xong", "Lỗi") and time.monotonic() < deadline:
        progress = d.find_element(By.ID, "tien_do").text
        # what the clerk waits on says how far it is and, once known, how long is left; never a bare spinner
        assert status in ("Đang chờ", "Đang tạo") and (not progress or re.search(
            r"Chuyển sang PDF \d+/\d+ — (còn khoảng \d+ giây|đang ước tính|xong; đang ghép)|Đang", progress)), progress
        time.sleep(1)
        d.refresh()
    _shot(d, name)
    assert status == "Xong", d.find_element(By.TAG_NAME, "main").text
    return d.find_element(By.ID, "tom_tat").text


def test_the_reviewers_check_with_a_hospital_workbook(tmp_path):
    from openpyxl import load_workbook
    from selenium.webdriver.common.by import By

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium and chromium-driver are required for the web tests: run ./bootstrap.sh test")
    data = tmp_path / "du_lieu_moi"  # a fresh data folder: nothing but what the two commands make
    for name, agency, password in ((CLERK, "BVSH", CLERK_PASSWORD), (OTHER, "UBX", OTHER_PASSWORD)):
        r = _hoso("tai-khoan", "them", name, "--co-quan", agency, "--vai-tro", "van_thu", "--data", str(data),
                  stdin=password + "\n")
        assert r.returncode == 0 and f"Đã tạo tài khoản «{name}»: Văn thư cơ quan của cơ quan {agency}" in r.stderr, r
    good = _write(tmp_path / "BV Son Ha 2026.xlsx", hospital.tables())
    broken = _with_mistakes(good, tmp_path / "BV Son Ha 2026 (ban nhap).xlsx")
    srv = Server(data)
    srv.start()
    used: list[str] = []  # every URL of the hospital the clerk opened or downloaded: the other agency tries them
    try:
        with _chromium() as d:
            base = srv.base
            d.get(base + "/")
            assert d.current_url.endswith("/dang-nhap") and d.find_element(By.ID, "mat_khau").get_attribute("type") == \
                "password"
            d.find_element(By.ID, "ten").send_keys(CLERK)
            d.find_element(By.ID, "mat_khau").send_keys(CLERK_PASSWORD)
            _click_and_wait(d, d.find_element(By.ID, "dang_nhap"))
            assert "Văn thư cơ quan · BVSH" in d.find_element(By.TAG_NAME, "header").text

            # the workbook with a clerk's mistakes: each error at its sheet and cell, with what was typed
            assert _upload(d, base, broken).startswith("3 lỗi")
            used.append(urllib.parse.urlparse(d.current_url).path)
            rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                    for tr in d.find_elements(By.CSS_SELECTOR, "#van_de tbody tr")]
            at = {(r[0], r[1], r[2]): r for r in rows}
            col = lambda key: factory.letter("NhanSu", key)  # noqa: E731
            assert at[("Lỗi", "Nhân sự", f"{col('tu_xep_loai')}5")][5] == "HTTT"
            assert "có phải «HTT»?" in at[("Lỗi", "Nhân sự", f"{col('tu_xep_loai')}5")][4]
            assert at[("Lỗi", "Nhân sự", f"{col('ma_don_vi')}8")][5] == "KNOl"
            assert "Unmerge" in at[("Lỗi", "Nhân sự", f"{col('chuc_vu')}10")][6]
            assert "bị ẩn" in at[("Cảnh báo", "Nhân sự", "A14")][4]
            assert not any(r[2] == f"{col('ngay_sinh')}3" for r in rows)  # «14/09/1975 » typed as text is read
            _shot(d, "01_loi")
            _fits_a_phone(d, "01_loi")
            marked = urllib.parse.urlparse(d.find_element(By.ID, "danh_dau").get_attribute("href")).path
            status, body, saved = _saved_as(_session(d, base), marked)
            used.append(marked)
            wb = load_workbook(io.BytesIO(body))
            assert status == 200 and "BV Son Ha 2026 (ban nhap)_danh_dau.xlsx" in saved
            assert wb.sheetnames[0] == "KiemTra" and wb["Nhân sự"][f"{col('ma_don_vi')}8"].fill.fgColor.rgb.endswith("FFC7CE")

            # the corrected workbook: no error; the discipline rule worked by hand — BV-04, a viên chức with a
            # khiển trách for a professional breach in 2026, is «Không hoàn thành nhiệm vụ» whatever her points
            assert _upload(d, base, good).startswith("0 lỗi")
            d.get(base + "/xep-loai?don_vi=KNOI")
            row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr") if tr.text.startswith("BV-04"))
            cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
            assert cells[3] == "Hoàn thành tốt nhiệm vụ" and cells[4].startswith("Không hoàn thành nhiệm vụ"), cells
            assert "hình thức khiển trách, quyết định số 215/QĐ-BVSH" in cells[-1]

            summary = _build(d, base, "02_tao_xong")
            assert summary.startswith("Xong: 21 người"), summary
            used.append(urllib.parse.urlparse(d.current_url).path)

            # a dossier and a form of one person, the unit's dossier, and the Sở Nội vụ's package
            d.get(base + "/ho-so/nguoi/BV-10")
            assert d.find_element(By.TAG_NAME, "h1").text.startswith("Mai Văn Đức (BV-10)")
            _shot(d, "03_nguoi")
            _fits_a_phone(d, "03_nguoi")
            c = _session(d, base)
            dossier = "/tep/ca_nhan/KNGOAI/BV-10.pdf"
            status, pdf, _ = _saved_as(c, dossier)
            text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
            assert status == 200 and "Mai Văn Đức" in text
            word = next(a for a in d.find_elements(By.CSS_SELECTOR, "#cac_trang a") if ".docx" in a.text)
            form = urllib.parse.urlparse(word.get_attribute("href")).path
            status, docx, saved = _saved_as(c, form)
            # the link names the file as it is saved: the clerk finds in her folder what the page told her
            assert status == 200 and docx.startswith(b"PK") and saved.endswith("filename=" + word.text.split("(")[-1][:-1])
            assert saved.split("filename=")[1].startswith("BV-10_")
            status, package, saved = _saved_as(c, "/tep/ho_so_2026.zip")
            assert status == 200 and zipfile.ZipFile(io.BytesIO(package)).testzip() is None
            assert saved == "attachment; filename=BVSH_ho_so_2026.zip"  # whose package it is
            used += ["/ho-so/nguoi/BV-10", dossier, form, "/tep/ho_so_2026.zip", "/tep/don_vi/KNGOAI.pdf",
                     "/ho-so/don-vi/KNGOAI", "/anh/1/ca_nhan/KNGOAI/BV-10.pdf", "/tep/ket_qua_xep_loai.xlsx"]

            # a vote changed at the phòng TCHC meeting: BV-15 now 4 HTXS of 4 → what to reprint, each named
            t = hospital.tables()
            next(v for v in t["BieuQuyet"] if v["ma_so"] == "BV-15").update(phieu_htxs=4, phieu_htt=0)
            assert _upload(d, base, _write(tmp_path / "BV Son Ha 2026 (sua phieu).xlsx", t)).startswith("0 lỗi")
            summary = _build(d, base, "04_tao_lai")
            assert int(re.search(r"chuyển PDF mới (\d+), dùng lại (\d+)", summary)[2]) > 0, summary  # only what changed
            used.append(urllib.parse.urlparse(d.current_url).path)
            d.get(base + "/thay-doi")
            cells = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                     for tr in d.find_elements(By.CSS_SELECTOR, "#in_lai tbody tr")]
            assert any(r[1] == "Nguyễn Thị Mỹ Duyên (BV-15)" and r[2] == "ca_nhan/TCHC/BV-15.pdf" for r in cells), cells
            minutes = [r for r in cells if r[0].startswith("Biên bản cuộc họp")]
            assert minutes and all(r[1].startswith("Đơn vị ") for r in minutes), cells  # never a blank «who»
            assert ["Đơn vị Phòng Tổ chức - Hành chính (TCHC)", "don_vi/TCHC.pdf"] in [r[1:3] for r in minutes], cells
            assert d.find_element(By.ID, "in_lai_pdf")
            _shot(d, "05_thay_doi")

            def unit_card(d: Any) -> None:  # one card per sheet: the unit's name under the label saying what it is
                label = d.execute_script("return getComputedStyle(document.querySelector('#in_lai tbody td:nth-child(2)'),"
                                         " '::before').content")
                assert label == '"Người, đơn vị: "', label

            _fits_a_phone(d, "05_thay_doi", unit_card)

            # the audit log: who downloaded whose dossier — on a phone too, the file within the screen (one card a
            # line; the «Chi tiết» column was off to the right of a scrolling table)
            d.get(base + "/nhat-ky")
            row = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#nhat_ky tbody tr")
                       if tr.text.endswith("ca_nhan/KNGOAI/BV-10.pdf"))
            assert CLERK in row.text and "tai_tep" in row.text

            def whose_file_on_screen(d: Any) -> None:
                cell = next(td for td in d.find_elements(By.CSS_SELECTOR, "#nhat_ky tbody td:nth-child(5)")
                            if td.text.endswith("ca_nhan/KNGOAI/BV-10.pdf"))
                assert cell.text.startswith("Chi tiết: ") or d.execute_script(
                    "return getComputedStyle(arguments[0], '::before').content", cell) == '"Chi tiết: "'
                assert d.execute_script("return arguments[0].getBoundingClientRect().right", cell) <= 390

            _fits_a_phone(d, "06_nhat_ky", whose_file_on_screen)

        # another agency's clerk, the hospital's URLs typed in directly: nothing of it, ever
        other = Client(srv.base)
        assert other.login(OTHER, OTHER_PASSWORD) == 200  # redirected to its home page
        build_ids = {int(m[1]) for u in used if (m := re.match(r"/lan-tao/(\d+)$", u))}
        used += ["/so-excel/1/so.xlsx", "/so-excel/2/nam-sau.xlsx", "/so-excel/1/nhap-ket-qua",
                 *(f"/lan-tao/{i}/manifest.json" for i in build_ids), *(f"/lan-tao/{i}/thay_doi.txt" for i in build_ids),
                 "/tep/../../BVSH/ket_qua/ho_so_2026.zip", "/tep/%2e%2e/%2e%2e/BVSH/ket_qua/manifest.json"]
        manifest = json.loads((data / "co_quan/BVSH/ket_qua/manifest.json").read_text("utf-8"))
        used += [f"/tep/{f['path']}" for f in manifest["files"][:40]]
        for path in used:
            status, body, _ = other.get(path)
            assert status in (403, 404), (path, status)
            assert "BV-10" not in body.decode("utf-8", "replace") and "Sơn Hà" not in body.decode("utf-8", "replace"), path
        _, page, _ = other.get("/mat-khau")
        other.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.decode())[1]
        for path, fields in (("/thay-doi/da-in", {"lan_tao": str(max(build_ids))}),
                             ("/nop-so-noi-vu", {"lan_tao": str(max(build_ids))})):
            assert other.post(path, {"csrf_token": other.csrf, **fields})[0] == 404, path
        assert not (data / "co_quan/BVSH/ket_qua/da_in.json").exists()
    finally:
        srv.stop()
