"""`hoso serve` in a real browser with a workbook no one here wrote: tests/trung_tam_2026.py, a 2026 provincial
centre under the Sở Y tế whose results are kept BY QUARTER (the web journeys before used monthly workbooks).

The reviewer's journey of issue 20, driven in headless Chromium (Selenium, /usr/bin/chromedriver) against the
server started by the CLI on a fresh data folder, accounts made with `hoso tai-khoan them` (password on stdin):
log in → a copy of the workbook with three real clerk mistakes (a quarter «2026-Q5», a score «95,5%» typed as
text in a number column, a person's unit code not in DonVi) → the problems → the fixed workbook → a quarter's
results imported from a KPI export («Nhập kết quả tháng, quý») → build → a dossier and the package downloaded →
a signed page scanned back («Nhận bản đã ký») → a vote changed → what to reprint; then a unit clerk and another
agency's clerk try every URL the journey saw. Every page is read at 1366×768 and at 390 px: quarters are named
«Quý I/2026» (never «2026-Q1»), scores have a decimal comma, nothing is wider than the screen.
`HOSO_WEB_SCREENSHOTS=DIR` keeps the screenshots (`tt_*.png`).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import trung_tam_2026 as tt  # noqa: E402
import workbook_factory as wf  # noqa: E402
from kpi_exports import _cp1258  # noqa: E402
from test_web import Client, _as_client, _click_and_wait, served  # noqa: E402
from web_pages import chromium, reception_done  # noqa: E402

from bench.scans import form_pages, scanned, write_pdf  # noqa: E402

pytestmark = pytest.mark.libreoffice
SHOTS = os.environ.get("HOSO_WEB_SCREENSHOTS")
MA = "KSBT"
PASSWORDS = {"vanthu_tt": "mat-khau-trung-tam-1", "donvi_tchc": "mat-khau-phong-tchc-2",
             "benh_vien": "mat-khau-benh-vien-3"}
SEEN: dict = {}  # what the journey saw: the URLs the unit clerk and another agency then try


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = served(tmp_path_factory.mktemp("web_tt") / "du_lieu",
                 (("vanthu_tt", MA, "van_thu", None), ("donvi_tchc", MA, "van_thu_don_vi", "TCHC"),
                  ("benh_vien", "BVDK", "van_thu", None)), PASSWORDS)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chromium()
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def _shot(d, name: str) -> None:
    """The screen as the clerk sees it, and the whole page (`…_tout.png`: what is below the fold too)."""
    if SHOTS:
        import base64

        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(Path(SHOTS) / f"tt_{name}.png"))
        width, height = d.execute_script("return [document.documentElement.scrollWidth, "
                                         "document.documentElement.scrollHeight]")
        png = d.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": {
            "x": 0, "y": 0, "width": width, "height": min(height, 6000), "scale": 1}})["data"]
        (Path(SHOTS) / f"tt_{name}_tout.png").write_bytes(base64.b64decode(png))
        (Path(SHOTS) / f"tt_{name}.txt").write_text(d.find_element("tag name", "body").text, "utf-8")


def _login(d, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    d.delete_all_cookies()
    d.get(base + "/dang-nhap")
    d.find_element(By.ID, "ten").send_keys(name)
    d.find_element(By.ID, "mat_khau").send_keys(PASSWORDS[name])
    d.find_element(By.ID, "dang_nhap").click()
    d.find_element(By.CSS_SELECTOR, "header .user")


def _upload(d, base: str, path: Path) -> str:
    from selenium.webdriver.common.by import By

    d.get(base + "/so-excel")
    d.find_element(By.ID, "so").send_keys(str(path))
    d.find_element(By.ID, "tai_len").click()
    d.find_element(By.ID, "tong")
    return urllib.parse.urlparse(d.current_url).path


def _build(d, base: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    d.get(base + "/tao-ho-so")
    d.find_element(By.ID, "tao").click()
    # the POST waits up to QUICK_BUILD_S (2 s) for the build before its redirect: the build's page, not the form's
    WebDriverWait(d, 60).until(lambda drv: "/lan-tao/" in drv.current_url)
    d.find_element(By.ID, "trang_thai")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and d.find_element(By.ID, "trang_thai").text not in ("Xong", "Lỗi"):
        time.sleep(1)
        d.refresh()
    assert d.find_element(By.ID, "trang_thai").text == "Xong", d.find_element(By.TAG_NAME, "main").text
    return urllib.parse.urlparse(d.current_url).path


def _main(d) -> str:
    from selenium.webdriver.common.by import By

    return str(d.find_element(By.TAG_NAME, "main").text)


def _period_words_ok(text: str, where: str) -> None:
    """No quarter written as its code, no score with a decimal point."""
    assert not re.search(r"\b2026-Q\d", text), (where, re.findall(r".{0,60}2026-Q\d.{0,20}", text))
    assert not re.search(r"\b\d{2}\.\d{2}\b", text), (where, re.findall(r".{0,40}\b\d{2}\.\d{2}\b.{0,20}", text))


def _broken_tables() -> dict[str, list]:
    """The centre's workbook with three mistakes a clerk makes: TT-06's fourth quarter typed «2026-Q5», TT-11's
    «Số lượng (%)» of Q2 typed «95,5%» (text in a number column), TT-17's unit typed «XN» (not in DonVi)."""
    t = tt.tables()
    q = next(r for r in t["KetQuaKy"] if r["ma_so"] == "TT-06" and r["ky"] == "2026-Q4")
    q["ky"] = "2026-Q5"
    s = next(r for r in t["KetQuaKy"] if r["ma_so"] == "TT-11" and r["ky"] == "2026-Q2")
    s["ty_le_so_luong"] = "95,5%"
    p = next(r for r in t["NhanSu"] if r["ma_so"] == "TT-17")
    p["ma_don_vi"] = "XN"
    return t


def _vote_changed(book: bytes, path: Path) -> Path:
    """The imported copy as the clerk downloads it, with one vote changed in Excel: TT-09 (Bảo vệ, TCHC), the HT
    ballot became HTT (5 of 5)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(book))
    ws = wb["Biểu quyết"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "TT-09")
    row[head.index("Phiếu HTT")].value, row[head.index("Phiếu HT")].value = 5, 0
    wb.save(path)
    return path


# the KPI system's quarterly export of the fourth quarter: Excel's «CSV (Comma delimited)» on a Vietnamese
# Windows (code page 1258, «;», decimal comma), quarters «Quý IV/2026»
KPI_Q4 = [("TT-06", "Trần Thị Ngọc Ánh", "Quý IV/2026", "26,5", "95", "92,5", "90"),
          ("TT-08", "Lò Văn Sơn", "Quý IV/2026", "25", "90", "90", "90")]


def _kpi_csv(path: Path) -> Path:
    lines = [";".join(["KẾT QUẢ THEO DÕI, ĐÁNH GIÁ QUÝ IV NĂM 2026 - TRUNG TÂM KIỂM SOÁT BỆNH TẬT", "", "", "", "", "",
                       "", ""]),
             ";".join(["STT", "Mã CBCC", "Họ và tên", "Quý", "Điểm tiêu chí chung", "Tỷ lệ hoàn thành số lượng (%)",
                       "Chất lượng (%)", "Tiến độ (%)"])]
    lines += [";".join([str(n), *row]) for n, row in enumerate(KPI_Q4, start=1)]
    path.write_bytes(_cp1258("\r\n".join(lines) + "\r\n"))
    return path


def test_the_centre_s_journey(server, browser, tmp_path):
    from selenium.webdriver.common.by import By

    d, base = browser, server.base
    _login(d, base, "vanthu_tt")
    _shot(d, "01_trang_chinh")

    # the workbook with the clerk's three mistakes
    broken = _upload(d, base, wf.write(tmp_path / "KSBT 2026 (sai).xlsx", _broken_tables(), headers="label",
                                       sheet_names="label"))
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in d.find_elements(By.CSS_SELECTOR, "#van_de tbody tr")]
    SEEN["so_loi"] = broken
    assert d.find_element(By.ID, "tong").text.startswith("2 lỗi"), d.find_element(By.ID, "tong").text
    # (level, sheet, cell, column, message, value, expected)
    assert any(r[0] == "Lỗi" and r[1] == "Kết quả kỳ" and r[3] == "Kỳ" and r[5] == "2026-Q5" for r in rows), rows
    assert any(r[0] == "Lỗi" and r[1] == "Nhân sự" and r[3] == "Mã đơn vị" and r[5] == "XN"
               and "không có trong sheet «Đơn vị»" in r[4] for r in rows), rows
    # TT-06 has no fourth quarter now: the message names it in words, with the code the clerk types beside
    [missing] = [r[4] for r in rows if r[5] == "TT-06"]
    assert "thiếu kết quả quý IV/2026 (2026-Q4) ở sheet «Kết quả kỳ»" in missing, missing
    assert not any("95,5" in r[5] for r in rows), rows  # «95,5%» typed as text is read as the 95.5 it says
    SEEN["danh_dau"] = urllib.parse.urlparse(d.find_element(By.ID, "danh_dau").get_attribute("href")).path
    _shot(d, "02_loi_so_excel")

    fixed = _upload(d, base, tt.write(tmp_path / "KSBT 2026.xlsx"))
    SEEN["so_dung"] = fixed
    assert d.find_element(By.ID, "tong").text.startswith("0 lỗi")
    _shot(d, "03_so_dung")
    d.get(base + "/xep-loai")
    _shot(d, "04_xep_loai")
    _period_words_ok(_main(d), "/xep-loai")
    head = next(tr for tr in d.find_elements(By.CSS_SELECTOR, "#xep_loai tbody tr") if tr.text.startswith("TT-01"))
    # TT-01 by hand (tests/test_trung_tam_2026.py): 94.833…, 90, 96.833…, 95.833…; mean 94.375, cut → 94,37
    assert "94,37" in head.text and "Quý I/2026: 94,83" in head.text and "Quý II/2026: 90,00" in head.text

    # a quarter's results from the KPI system
    d.get(base + fixed + "/nhap-ket-qua")
    _shot(d, "05_nhap_ket_qua")
    assert "ghi vào sheet «Kết quả kỳ» (và «Sản phẩm»)" in " ".join(_main(d).split()), _main(d)
    d.find_element(By.ID, "ket_qua").send_keys(str(_kpi_csv(tmp_path / "KPI quy IV.csv")))
    _click_and_wait(d, d.find_element(By.ID, "nhap"))
    SEEN["so_nhap"] = urllib.parse.urlparse(d.current_url).path
    _shot(d, "06_da_nhap")
    # TT-06's fourth quarter replaced; TT-08's row is the workbook's own (nothing to do); sheets named as the
    # clerk's workbook names them
    assert ("có thêm kết quả nhập: sheet «Kết quả kỳ» thêm 0 dòng, thay 1 dòng cùng người, cùng kỳ"
            in d.find_element(By.ID, "nhap_ket_qua").text), d.find_element(By.ID, "nhap_ket_qua").text
    assert d.find_element(By.ID, "tong").text.startswith("0 lỗi")

    build = _build(d, base)
    SEEN["lan_tao"] = build
    _shot(d, "07_tao_xong")
    assert d.find_element(By.ID, "tom_tat").text.startswith("Xong: 18 người")
    _period_words_ok(_main(d), build)
    d.get(base + "/ho-so")
    _shot(d, "08_ho_so")
    d.get(base + "/ho-so/nguoi/TT-10")
    _shot(d, "09_nguoi_tt10")
    _period_words_ok(_main(d), "TT-10")
    d.get(base + "/ho-so/nguoi/TT-06")
    _shot(d, "09b_nguoi_tt06")
    # TT-06 by hand: Q1–Q3 25 + 70·265/300 = 86.833…; Q4 imported 26.5 + 70·277.5/300 = 91.25; mean 87.9375 → 87,93
    periods = {tr.find_elements(By.TAG_NAME, "td")[0].text: tr.find_elements(By.TAG_NAME, "td")[-1].text
               for tr in d.find_elements(By.CSS_SELECTOR, "#diem_ky tbody tr")}
    assert periods == {"Quý I/2026": "86,83", "Quý II/2026": "86,83", "Quý III/2026": "86,83", "Quý IV/2026": "91,25"}
    assert "điểm năm 87,93" in _main(d)
    _period_words_ok(_main(d), "TT-06")
    c = _as_client(d, base)
    pdf_path = urllib.parse.urlparse(d.find_element(By.ID, "ho_so_pdf").get_attribute("href")).path
    status, pdf, _ = c.get(pdf_path)
    assert status == 200 and pdf.startswith(b"%PDF")
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode().split())
    assert "Trần Thị Ngọc Ánh" in text and "91,25" in text and "2026-Q4" not in text
    status, package, _ = c.get("/tep/ho_so_2026.zip")
    assert status == 200 and zipfile.ZipFile(io.BytesIO(package)).testzip() is None
    d.get(base + "/ho-so/don-vi/TCHC")
    _shot(d, "10_don_vi")

    # signed pages scanned back
    out = server.data / "co_quan" / MA / "ket_qua"
    sheets = form_pages(out, persons={"TT-06", "TT-10"})
    rng = random.Random(20)
    scan = write_pdf([scanned(s.image, rng) for s in sheets], tmp_path / "quét TT-06.pdf")
    d.get(base + "/ho-so/nhan-ban-ky")
    d.find_element(By.ID, "quet").send_keys(str(scan))
    d.find_element(By.CSS_SELECTOR, "#gui_quet button[type=submit]").click()
    reception_done(d)
    assert f"xếp {len(sheets)} trang vào hồ sơ" in d.find_element(By.ID, "tom_tat").text
    filed = d.find_element(By.ID, "da_xep").text
    assert "Trần Thị Ngọc Ánh (TT-06)" in filed and "Nguyễn Thị Thu Hà (TT-10)" in filed
    _shot(d, "11_nhan_ban_ky")

    # the vote changed in the imported copy (the page says to keep working on it)
    c = _as_client(d, base)
    status, book, _ = c.get(SEEN["so_nhap"] + "/so.xlsx")
    assert status == 200
    _upload(d, base, _vote_changed(book, tmp_path / "KSBT 2026 (sửa phiếu).xlsx"))
    SEEN["lan_tao_2"] = _build(d, base)
    _shot(d, "12_tao_lai")
    d.get(base + "/thay-doi")
    _shot(d, "13_thay_doi")
    assert d.find_element(By.ID, "nguoi_thay_doi").text.endswith("Hoàng Văn Bảy (TT-09).")  # the KPI import kept
    assert "don_vi/TCHC.pdf" in d.find_element(By.ID, "in_lai").text
    d.get(base + "/lan-tao")
    _shot(d, "14_lich_su")
    d.get(base + "/nhat-ky")
    _shot(d, "15_nhat_ky")
    d.get(base + "/xep-loai")
    _shot(d, "16_xep_loai_sau")
    for page in ("/", "/ho-so", "/ho-so/don-vi/TCHC", "/ho-so/nguoi/TT-13", "/ho-so/nguoi/TT-14", "/lan-tao",
                 SEEN["lan_tao_2"], "/nhat-ky", "/xep-loai?don_vi=KBTN"):
        d.get(base + page)
        _period_words_ok(_main(d), page)

    # what the journey saw: every file of the output, a thumbnail of each dossier, the signed copies
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    SEEN["tep"] = ["/tep/" + f["path"] for f in m["files"]]
    SEEN["anh"] = [f"/anh/1/{f['path']}" for f in m["files"] if f["path"].endswith(".pdf")]
    SEEN["nguoi"] = [f"/ho-so/nguoi/{p['ma_so']}" for p in m["ca_nhan"]]
    SEEN["don_vi"] = [f"/ho-so/don-vi/{u['ma_don_vi']}" for u in m["don_vi"]]
    SEEN["da_ky"] = ["/da-ky/" + f["path"] for f in
                     json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text("utf-8"))["tep"]]
    assert "/da-ky/KBTN/TT-10.pdf" in SEEN["da_ky"] and "/da-ky/TCHC/TT-06.pdf" in SEEN["da_ky"]
    assert c.get("/da-ky/TCHC/TT-06.pdf")[0] == 200

    # on a phone
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        for path, name in (("/", "20_dt_trang_chinh"), (broken, "21_dt_loi"), (SEEN["so_nhap"], "22_dt_da_nhap"),
                           (fixed + "/nhap-ket-qua", "23_dt_nhap"), ("/xep-loai", "24_dt_xep_loai"),
                           ("/ho-so", "25_dt_ho_so"), ("/ho-so/nguoi/TT-10", "26_dt_nguoi_tt10"),
                           ("/ho-so/nguoi/TT-06", "26b_dt_nguoi_tt06"), ("/ho-so/don-vi/KXN", "27_dt_don_vi"),
                           ("/ho-so/nhan-ban-ky", "28_dt_nhan_ban_ky"), ("/thay-doi", "29_dt_thay_doi"),
                           (SEEN["lan_tao_2"], "30_dt_lan_tao"), ("/lan-tao", "31_dt_lich_su"),
                           ("/nhat-ky", "32_dt_nhat_ky")):
            d.get(base + path)
            _shot(d, name)
            assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    finally:
        d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _own(path: str) -> bool:
    """A URL of the unit clerk's own unit TCHC (TT-03, TT-06, TT-07, TT-08, TT-09)."""
    return bool(re.search(r"/(TCHC)(/|\.pdf|$)|/TT-0[36789](\.pdf)?$", path)) and "/.trang/" not in path


def _journey_urls() -> list[str]:
    return [SEEN["so_loi"], SEEN["danh_dau"], SEEN["so_dung"], SEEN["so_dung"] + "/so.xlsx",
            SEEN["so_dung"] + "/nam-sau.xlsx", SEEN["so_dung"] + "/nhap-ket-qua", SEEN["so_nhap"],
            SEEN["so_nhap"] + "/so.xlsx", SEEN["lan_tao"], SEEN["lan_tao"] + "/manifest.json",
            SEEN["lan_tao"] + "/thay_doi.txt", SEEN["lan_tao_2"], SEEN["lan_tao_2"] + "/thay_doi.txt",
            "/ho-so/nhan-ban-ky", "/luu-tru", "/nhat-ky", "/lan-tao", "/so-excel", "/tao-ho-so",
            *SEEN["tep"], *SEEN["anh"], *SEEN["nguoi"], *SEEN["don_vi"], *SEEN["da_ky"]]


def test_another_agency_gets_none_of_the_centre_s_urls(server):
    assert SEEN, "the journey ran first"
    c = Client(server.base)
    assert c.login("benh_vien", PASSWORDS["benh_vien"]) == 200
    tried = [u for u in _journey_urls() if u not in ("/luu-tru", "/nhat-ky", "/lan-tao", "/so-excel", "/tao-ho-so",
                                                     "/ho-so/nhan-ban-ky")]
    assert len(tried) > 100
    for path in tried:
        status, body, _ = c.get(path)
        assert status in (403, 404), (path, status)
        assert "Trần Thị Ngọc Ánh".encode() not in body and b"TT-06" not in body, path
    for page in ("/", "/xep-loai", "/ho-so", "/thay-doi", "/lan-tao", "/nhat-ky", "/luu-tru", "/so-excel"):
        status, body, _ = c.get(page)
        assert b"TT-0" not in body and "Kiểm soát bệnh tật".encode() not in body, page
    assert c.post("/ho-so/nhan-ban-ky", {"csrf_token": c.csrf})[0] in (400, 404)


def test_the_unit_clerk_gets_only_her_unit(server):
    assert SEEN, "the journey ran first"
    c = Client(server.base)
    assert c.login("donvi_tchc", PASSWORDS["donvi_tchc"]) == 200
    mine = ["/ho-so/nguoi/TT-06", "/ho-so/don-vi/TCHC", "/tep/ca_nhan/TCHC/TT-06.pdf", "/tep/don_vi/TCHC.pdf",
            "/anh/1/ca_nhan/TCHC/TT-06.pdf", "/da-ky/TCHC/TT-06.pdf"]
    for path in mine:
        assert c.get(path)[0] == 200, path
    refused = [u for u in _journey_urls() if not _own(u)]
    assert "/da-ky/KBTN/TT-10.pdf" in refused and "/tep/ho_so_2026.zip" in refused and "/ho-so/nguoi/TT-10" in refused
    for path in refused:
        status, body, _ = c.get(path)
        assert status in (403, 404), (path, status)
    status, body, _ = c.get("/xep-loai")
    assert status == 200 and b"TT-06" in body and b"TT-10" not in body and b"TT-01" not in body
