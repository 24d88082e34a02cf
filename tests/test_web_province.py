"""`hoso serve`'s Sở Nội vụ page (Flask's test client): the same summary as `hoso tong-hop`
(`province.summarise` over each agency's last submission), the deadline the Sở sets, who is late and
who has sent nothing, and the province table to download.

The agencies are real builds of the test factory's workbook (6 people: one under 6 months not rated,
NS-03 disciplined «Không hoàn thành nhiệm vụ», four «Hoàn thành tốt nhiệm vụ», no level decided by the
competent level yet — tests/test_tong_hop.py works them out), sent as «Gửi Sở Nội vụ» stores a
package: its zip, manifest.json and ket_qua_xep_loai.json in `co_quan/<MA>/nop/<id>/`, with the day
and time it was sent."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as wf  # noqa: E402
from web_pages import browser_login, in_chromium
from web_pages import hidden as _hidden  # noqa: E402

from pipeline import api  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
DUE = dt.date(2026, 1, 15)
TODAY = "2026-01-25"  # ten days after the deadline
NAMES = {"STP": "Sở Tư pháp tỉnh Thử Nghiệm", "SYT": "Sở Y tế tỉnh Thử Nghiệm",
         "SXD": "Sở Xây dựng tỉnh Thử Nghiệm", "SNN": "Sở Nông nghiệp tỉnh Thử Nghiệm"}


def _build(tmp: Path, name: str, year: int, cache: Path) -> Path:
    data = wf.tables()
    if year == 2025:  # the factory's workbook evaluates 2024: moved to 2025 as test_tong_hop does
        moved = {"ten_co_quan": name, "nam_danh_gia": 2025, "ngay_lap": dt.date(2025, 11, 5),
                 "han_nop_so_noi_vu": dt.date(2025, 12, 31)}
        for row in data["KyLuat"]:
            row["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    else:
        moved = {"ten_co_quan": name}
    data["CoQuan"] = [(k, moved.get(k, v)) for k, v in data["CoQuan"]]
    out = tmp / name / "output"
    api.build(wf.write(tmp / f"{name}.xlsx", data), out, api.BuildOptions(cache_dir=cache))
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, cache_dir) -> dict[str, Path]:
    """Each agency's output folder as `hoso build` left it: three of 2025, SXD's of 2024 (sent by mistake)."""
    tmp = tmp_path_factory.mktemp("web-province")
    return {code: _build(tmp, NAMES[code], 2024 if code == "SXD" else 2025, cache_dir / "web-province")
            for code in NAMES}


def _server(tmp_path: Path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    for name, agency, role in (("snv", "SNV", "so_noi_vu"), ("stp", "STP", "van_thu"), ("syt", "SYT", "van_thu"),
                               ("sxd", "SXD", "van_thu"), ("snn", "SNN", "van_thu")):
        store.add_account(name, accounts.hash_password(PASSWORD), agency, role, None)
    # SNN never sent a package; the server knows its name from the workbook it uploaded
    store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de, ten_co_quan) "
            "VALUES ('SNN', 'so.xlsx', '2026-01-05 01:00:00+00:00', 'snn', 0, 0, '[]', ?)", NAMES["SNN"])
    return store, create_app(tmp_path, start_queue=False)


def _send(store, code: str, out: Path, when: str) -> int:
    """What «Gửi Sở Nội vụ» stores (app.nop): the row, then the zip, manifest and ratings in nop/<id>/."""
    m = json.loads((out / "manifest.json").read_text("utf-8"))
    zip_name = m["nop_so_noi_vu"]["zip"]
    digest = next(f["sha256"] for f in m["files"] if f["path"] == zip_name)
    from pipeline.web.store import VIETNAM

    # `when` in Vietnam's time, stored as the server stores times (UTC with its offset, store.now)
    stored = dt.datetime.fromisoformat(when).replace(tzinfo=VIETNAM).astimezone(dt.UTC).isoformat(sep=" ")
    nop = store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) VALUES (?,?,?,?,?,?,?)",
                  code, 1, stored, code.lower(), m["co_quan"]["ten_co_quan"], zip_name, digest)
    folder = store.submission_dir(code, nop)
    folder.mkdir(parents=True)
    for name in (zip_name, "manifest.json", "ket_qua_xep_loai.json"):
        shutil.copyfile(out / name, folder / name)
    return nop


def _login(app, name: str):
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": PASSWORD}).status_code == 302
    return c, _hidden(c.get("/mat-khau").text, "csrf_token")


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def _status(html: str) -> dict[str, str]:
    table = html[html.index('id="tinh_hinh_nop"'):]
    table = table[:table.index("</table>")]
    return dict(re.findall(r'<td class="co_quan">([^<]+)</td><td class="luc">[^<]*</td><td class="tinh_trang_nop">'
                           r'([^<]*)</td>', table))


@pytest.fixture
def province_server(tmp_path, outputs, monkeypatch):
    monkeypatch.setenv("HOSO_HOM_NAY", TODAY)
    store, app = _server(tmp_path / "du_lieu")
    _send(store, "STP", outputs["STP"], "2026-01-08 15:00:00")  # sent again two days later: replaced
    _send(store, "STP", outputs["STP"], "2026-01-10 09:00:00")  # five days before the deadline
    _send(store, "SYT", outputs["SYT"], "2026-01-20 16:30:00")  # five days after it
    _send(store, "SXD", outputs["SXD"], "2026-01-12 10:00:00")  # last year's package, by mistake
    c, csrf = _login(app, "snv")
    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": DUE.isoformat(),
                                              "co_quan": list(NAMES)}).status_code == 302
    return store, app, c, csrf


def test_the_page_names_who_is_on_time_late_or_missing(province_server):
    """Deadline 15/01/2026, today 25/01/2026: STP sent on the 10th (on time), SYT on the 20th (5 days
    late), SXD sent its 2024 package (named, not added: its 2025 one is missing), SNN sent nothing (missing,
    10 days past the deadline). The totals are STP's and SYT's: 12 people, 8 «Hoàn thành tốt nhiệm vụ», 2
    «Không hoàn thành nhiệm vụ», 2 without a level; all 10 levels only proposed."""
    store, app, c, _ = province_server
    html = _flat(c.get("/so-noi-vu").text)
    proposed = ("5 người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định (số liệu xếp loại của cơ quan "
                "này là số dự kiến)")
    assert _status(html) == {
        NAMES["SNN"]: "Chưa nộp, đã quá hạn 10 ngày",
        NAMES["STP"]: f"Kiểm tra đạt; đúng hạn (gửi ngày 10/01/2026, hạn 15/01/2026); {proposed}",
        NAMES["SXD"]: ("Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: không cộng vào số liệu; kiểm tra đạt; "
                       "chưa nộp, đã quá hạn 10 ngày"),
        NAMES["SYT"]: f"Kiểm tra đạt; nộp muộn 5 ngày (gửi ngày 20/01/2026, hạn 15/01/2026); {proposed}",
    }, _status(html)
    # the total line in hoso tong-hop's words
    # the 2024 package is whole: not counted, and not among the failing (it was, as if tampered)
    assert ('<p id="tong_so">3 bộ hồ sơ, 0 bộ không đạt kiểm tra, 1 bộ hồ sơ của năm khác không cộng (năm 2024), 1 bộ '
            "nộp muộn, 2 cơ quan chưa nộp; 2 bộ có mức xếp loại mới là đề xuất, chưa được cấp có thẩm quyền quyết "
            "định (10 người).</p>") in html
    assert "Hạn nộp hiện tại: 15/01/2026 (do snv đặt lúc" in html and 'value="15/01/2026"' in html
    # a text field read as day/month/year: a browser's date field shows the browser's own order (mm/dd/yyyy in
    # an English Chrome), where «05/12/2026» typed as a Vietnamese writes it was the 12th of May
    assert 'type="date"' not in html and 'placeholder="ngày/tháng/năm"' in html
    # each submission's own status; STP's first is replaced by its second, not counted twice
    notes = re.findall(r'<td class="luc">([^<]*)</td><td>[^<]*</td><td class="tinh_trang">([^<]*)</td>', html)
    assert ("08/01/2026 15:00", "Đã có bản gửi sau: không cộng") in notes
    assert ("10/01/2026 09:00", _status(html)[NAMES["STP"]]) in notes
    # the submission's time as the page shows times (the `luc` filter)
    assert '<td class="luc">20/01/2026 16:30</td>' in html
    assert "Tổng hợp toàn tỉnh năm 2025</h2> <p>2 cơ quan, 12 người.</p>" in html
    assert 'id="khong_dat_van_cong"' not in html  # every package counted passed its check
    assert f"Không cộng vào tổng hợp năm 2025: {NAMES['SXD']} gửi bộ hồ sơ đánh giá, xếp loại năm 2024." in html
    rows = dict(re.findall(r"<tr[^>]*><td>([^<]+)</td><td>(\d+)</td></tr>", html[html.index('id="tong_hop"'):]))
    assert rows == {"Hoàn thành xuất sắc nhiệm vụ": "0", "Hoàn thành tốt nhiệm vụ": "8", "Hoàn thành nhiệm vụ": "0",
                    "Không hoàn thành nhiệm vụ": "2", "Không xếp loại hoặc chưa đủ căn cứ xếp loại": "2"}, rows
    assert "Trong số người đã có mức, 0 người có mức do cấp có thẩm quyền quyết định; 10 người mới là mức đề xuất" in html
    for code in ("HTXS", "HTT", "KHT", "so_noi_vu", "van_thu", "tong_cong", "cong_chuc"):
        assert code not in html.split("<main>")[1], code

    # the Sở narrows the agencies expected: SNN is not asked for a package any more, so not missing
    csrf = _hidden(c.get("/so-noi-vu").text, "csrf_token")
    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": "15/01/2026",
                                              "co_quan": ["STP", "SYT", "SXD"]}).status_code == 302
    html = _flat(c.get("/so-noi-vu").text)
    assert NAMES["SNN"] not in _status(html) and "1 cơ quan chưa nộp" in html
    assert f'value="SNN"> {NAMES["SNN"]}' in html  # still offered, unticked
    log = store.q("SELECT * FROM nhat_ky WHERE hanh_dong='dat_han_nop' ORDER BY id")
    assert [json.loads(r["chi_tiet"]) for r in log] == [
        {"han_nop": "15/01/2026", "co_quan_phai_nop": "tất cả"},
        {"han_nop": "15/01/2026", "co_quan_phai_nop": "STP, SXD, SYT"}]  # in the order of their names
    assert all(r["tai_khoan"] == "snv" for r in log)


def test_without_a_deadline_the_page_says_whose_date_a_missing_agency_is_held_to(tmp_path, outputs, monkeypatch):
    """No deadline set by the Sở: each package is held to the deadline its own workbook states (STP sent on the
    10th of January 2026, SYT on the 20th; both workbooks say 31/12/2025: 10 and 20 days late), and an agency that
    sent nothing to the one all packages sent state (`province.summarise`, as `hoso tong-hop` without --han): SNN,
    25 days past 31/12/2025 on 25/01/2026. The page said only «mỗi bộ hồ sơ được đối chiếu với hạn ghi trong sổ
    của chính cơ quan đó» beside a missing agency's «hạn 31/12/2025» taken from others' workbooks; now it says
    where that date comes from, and to set one."""
    monkeypatch.setenv("HOSO_HOM_NAY", TODAY)
    store, app = _server(tmp_path / "du_lieu")
    _send(store, "STP", outputs["STP"], "2026-01-10 09:00:00")
    _send(store, "SYT", outputs["SYT"], "2026-01-20 16:30:00")
    c, _ = _login(app, "snv")
    html = _flat(c.get("/so-noi-vu").text)
    status = _status(html)
    assert status[NAMES["SNN"]] == "Chưa nộp, đã quá hạn 25 ngày"
    assert "nộp muộn 10 ngày (gửi ngày 10/01/2026, hạn 31/12/2025)" in status[NAMES["STP"]]
    assert ('<span id="han_chung" class="note">Cơ quan chưa nộp được đối chiếu với hạn mà các bộ hồ sơ đã gửi cùng '
            "ghi, 31/12/2025 (không phải hạn trong sổ của chính cơ quan chưa nộp): đặt hạn nộp ở trên để mọi cơ quan "
            "cùng một hạn.</span>") in html
    # once the Sở sets its deadline, that line is gone: every agency is held to the Sở's
    csrf = _hidden(c.get("/mat-khau").text, "csrf_token")
    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": DUE.isoformat(),
                                              "co_quan": list(NAMES)}).status_code == 302
    html = _flat(c.get("/so-noi-vu").text)
    assert 'id="han_chung"' not in html and _status(html)[NAMES["SNN"]] == "Chưa nộp, đã quá hạn 10 ngày"


def test_the_deadline_form_is_the_sos_alone(province_server):
    """Without the CSRF token, or from an agency's clerk: refused, nothing stored; a date that is not one: 400
    in words."""
    store, app, c, csrf = province_server
    before = store.one("SELECT * FROM so_noi_vu WHERE id=1")["han_nop"]
    assert c.post("/so-noi-vu/han-nop", data={"han_nop": "2026-02-01"}).status_code == 403
    clerk, clerk_csrf = _login(app, "stp")
    assert clerk.post("/so-noi-vu/han-nop", data={"csrf_token": clerk_csrf, "han_nop": "2026-02-01"}).status_code == 403
    assert clerk.get("/so-noi-vu/tong-hop.xlsx").status_code == 403
    assert store.one("SELECT * FROM so_noi_vu WHERE id=1")["han_nop"] == before == "2026-01-15"
    r = c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": "31/02/2026"})
    assert r.status_code == 400 and "«31/02/2026» không phải ngày: viết ngày/tháng/năm, ví dụ 15/12/2026. Hạn nộp chưa được lưu." in r.text
    assert store.one("SELECT * FROM so_noi_vu WHERE id=1")["han_nop"] == "2026-01-15"


def _sheet(data: bytes, name: str) -> list[tuple]:
    return [r for r in load_workbook(io.BytesIO(data))[name].iter_rows(min_row=2, values_only=True) if r[0]]


def test_the_downloaded_table_is_hoso_tong_hops(province_server, outputs, tmp_path, capsys):
    """The xlsx downloaded has the totals `hoso tong-hop` writes over the same agencies' packages; the year in
    its name; made again after a new submission (never a stale copy); logged."""
    from pipeline.cli import main

    store, app, c, _ = province_server
    r = c.get("/so-noi-vu/tong-hop.xlsx")
    assert r.status_code == 200 and "tong_hop_so_noi_vu_2025.xlsx" in r.headers["Content-Disposition"]
    web = r.data
    with pytest.raises(SystemExit):  # SXD's 2024 package fails for its year: exit 9, the files written anyway
        main(["tong-hop", *(str(outputs[k]) for k in ("STP", "SYT", "SXD")), "-o", str(tmp_path / "cli"),
              "--han", "15/01/2026"])
    capsys.readouterr()
    cli = (tmp_path / "cli" / "tong_hop_so_noi_vu.xlsx").read_bytes()
    assert _sheet(web, "ToanTinh") == _sheet(cli, "ToanTinh")
    assert sorted(_sheet(web, "TheoDoiTuong")) == sorted(_sheet(cli, "TheoDoiTuong"))  # the CLI: in its arguments' order
    total = next(r for r in _sheet(web, "ToanTinh") if r[0] == "Tổng cộng")
    assert total[1:8] == (12, 10, 0, 8, 0, 2, 2)  # tổng, được xếp loại, four levels, không xếp loại
    listed = {r[0]: r for r in _sheet(web, "CoQuan")}
    assert listed[NAMES["SYT"]][4] == 5 and listed[NAMES["STP"]][4] == 0
    assert listed[NAMES["SNN"]][6] == "Chưa nộp, đã quá hạn 10 ngày"
    r = c.get("/so-noi-vu/tong-hop.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and "tong_hop_so_noi_vu_2025.pdf" in r.headers[
        "Content-Disposition"]
    assert not any((store.data / "so_noi_vu").iterdir())  # the request's folder is gone with it

    _send(store, "SNN", outputs["SNN"], "2026-01-24 11:00:00")  # SNN sends at last: the next download counts it
    total = next(r for r in _sheet(c.get("/so-noi-vu/tong-hop.xlsx").data, "ToanTinh") if r[0] == "Tổng cộng")
    assert total[1] == 18
    log = [json.loads(r["chi_tiet"])["tep"] for r in store.q("SELECT * FROM nhat_ky WHERE hanh_dong='tai_tong_hop'")]
    assert log == ["tong_hop_so_noi_vu_2025.xlsx", "tong_hop_so_noi_vu_2025.pdf", "tong_hop_so_noi_vu_2025.xlsx"]


def test_a_changed_package_fails_its_check_on_the_page(province_server):
    """A file of a package changed after it was sent: the agency's status says the check failed and names it."""
    store, app, c, _ = province_server
    row = store.one("SELECT * FROM nop WHERE co_quan='STP' ORDER BY id DESC LIMIT 1")
    ratings = store.submission_dir("STP", row["id"]) / "ket_qua_xep_loai.json"
    ratings.write_bytes(ratings.read_bytes().replace(b'"NS-01"', b'"NS-99"', 1))
    html = _flat(c.get("/so-noi-vu").text)
    words = _status(html)[NAMES["STP"]]
    assert words.startswith("Không đạt kiểm tra (") and "đúng hạn (gửi ngày 10/01/2026" in words
    # its numbers stay in the totals (STP's 6 and SYT's 6 people), and the page says so under them, as the PDF does
    # (the page showed «2 cơ quan, 12 người» and nothing on the failing package being among them)
    assert "2 cơ quan, 12 người." in html
    assert (f'<p id="khong_dat_van_cong" class="warn">Số liệu của 1 bộ không đạt kiểm tra ({NAMES["STP"]}) vẫn được '
            "cộng vào tổng hợp, theo biểu tổng hợp của chính bộ đó.</p>") in html
    listed = {r[0]: r for r in _sheet(c.get("/so-noi-vu/tong-hop.xlsx").data, "CoQuan")}
    assert listed[NAMES["STP"]][5] == "Không đạt"
    assert "Tệp bị sửa: ket_qua_xep_loai.json" in listed[NAMES["STP"]][9]


def test_last_years_package_sent_after_this_years_does_not_replace_it(province_server, outputs):
    """SYT sent its 2025 package on 20/01 (5 days late), then on 22/01 a 2024 package by mistake (the wrong folder:
    SXD's output of 2024). The agencies sent packages for 2025 (STP, SYT) and 2024 (SYT, SXD): two each, the latest
    year, 2025, is summed. SYT's 2025 package stays counted — its status, the totals «2 cơ quan, 12 người» (STP's 6
    and SYT's 6) — and the later one is named. Before, the later 2024 package replaced it: SYT «chưa nộp», the
    totals «1 cơ quan, 6 người», its 2025 package «Đã có bản gửi sau: không cộng»."""
    store, app, c, _ = province_server
    mistake = _send(store, "SYT", outputs["SXD"], "2026-01-22 08:00:00")
    # SYT's own 2024 package would carry its own name (the server names an agency by its last package's)
    store.x("UPDATE nop SET ten_co_quan=? WHERE id=?", NAMES["SYT"], mistake)
    html = _flat(c.get("/so-noi-vu").text)
    proposed = ("5 người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định (số liệu xếp loại của cơ quan "
                "này là số dự kiến)")
    assert _status(html)[NAMES["SYT"]] == f"Kiểm tra đạt; nộp muộn 5 ngày (gửi ngày 20/01/2026, hạn 15/01/2026); {proposed}"
    assert "Tổng hợp toàn tỉnh năm 2025</h2> <p>2 cơ quan, 12 người.</p>" in html
    assert (f'<p id="nam_khac_sau" class="warn">{NAMES["SYT"]} gửi lúc 22/01/2026 08:00 bộ hồ sơ năm 2024, sau bộ hồ '
            "sơ năm 2025 gửi lúc 20/01/2026 16:30: bộ năm 2025 được cộng, bộ năm 2024 không cộng.</p>") in html
    notes = dict(re.findall(r'<tr><td>(\d+)</td><td>[^<]*</td><td class="luc">[^<]*</td><td>[^<]*</td>'
                            r'<td class="tinh_trang">([^<]*)</td>', html))
    assert notes[str(mistake)] == ("Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: không cộng; bộ hồ sơ năm "
                                   "2025 gửi lúc 20/01/2026 16:30 vẫn được cộng")
    # the table downloaded is the page's: SYT's 2025 counts in it
    listed = {r[0]: r for r in _sheet(c.get("/so-noi-vu/tong-hop.xlsx").data, "CoQuan")}
    assert listed[NAMES["SYT"]][4] == 5 and listed[NAMES["SYT"]][5] == "Đạt"


def test_the_page_in_a_real_browser(province_server, tmp_path):
    """Headless Chromium at 1366×768 and as a phone: the deadline set, each agency's status readable, no table
    wider than the page; screenshots kept when HOSO_WEB_SCREENSHOTS names a folder."""
    import os

    from selenium.webdriver.common.by import By

    store, app, _, _ = province_server
    shots = os.environ.get("HOSO_WEB_SCREENSHOTS")
    with in_chromium(app) as (d, base):
        browser_login(d, base, "snv", PASSWORD)
        d.get(base + "/so-noi-vu")
        assert "Hạn nộp hiện tại: 15/01/2026" in d.find_element(By.ID, "han_hien_tai").text
        rows = {r.find_element(By.CSS_SELECTOR, "td.co_quan").text: r.find_element(By.CSS_SELECTOR, "td.tinh_trang_nop").text
                for r in d.find_elements(By.CSS_SELECTOR, "#tinh_hinh_nop tbody tr")}
        assert rows[NAMES["SNN"]] == "Chưa nộp, đã quá hạn 10 ngày"
        assert rows[NAMES["SYT"]].startswith("Kiểm tra đạt; nộp muộn 5 ngày")
        boxes = d.find_elements(By.CSS_SELECTOR, "#dat_han_nop input[type=checkbox]")
        assert len(boxes) == 4 and all(b.is_selected() for b in boxes)
        # each tick box on the line of its agency's name (not a box above a name)
        for label in d.find_elements(By.CSS_SELECTOR, "#dat_han_nop label.chon"):
            box = label.find_element(By.TAG_NAME, "input")
            assert abs(box.rect["y"] + box.rect["height"] / 2 - (label.rect["y"] + label.rect["height"] / 2)) < 6
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            d.save_screenshot(str(Path(shots) / "so_noi_vu_han_nop.png"))
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1,
                                                                 "mobile": True})
        d.get(base + "/so-noi-vu")
        assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        if shots:
            d.save_screenshot(str(Path(shots) / "so_noi_vu_dien_thoai.png"))


def test_another_compiling_body_is_set_on_the_page(province_server):
    """`hoso tong-hop --noi-tong-hop` on the page: a Sở Y tế running the server names itself «Cơ quan tổng hợp»;
    the packages addressed to the Sở Nội vụ (the factory's workbooks name no other recipient) are then
    said to be sent elsewhere — counted, and named so that nothing is summed twice —, the summary is
    headed with its name, the download too; emptied, the page is the Sở Nội vụ's again. Logged; a name with
    markup is refused in words, nothing stored."""
    from pypdf import PdfReader

    store, app, c, csrf = province_server
    syt = "Sở Y tế tỉnh Thử Nghiệm"
    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": "15/01/2026", "co_quan": list(NAMES),
                                              "noi_tong_hop": "  Sở Y tế   tỉnh Thử Nghiệm "}).status_code == 302
    html = _flat(c.get("/so-noi-vu").text)
    assert f'id="noi_tong_hop" name="noi_tong_hop" size="40" maxlength="200" placeholder="Sở Nội vụ" value="{syt}"' in html
    assert f'<h2 id="tieu_de_tong_hop">Tổng hợp chung của {syt} năm 2025</h2>' in html
    status = _status(html)
    assert f"; bộ hồ sơ gửi Sở Nội vụ, không phải {syt}: đã tính vào tổng hợp;" in status[NAMES["STP"]], status
    assert "2 bộ hồ sơ gửi cơ quan khác, không phải " + syt in html
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(c.get("/so-noi-vu/tong-hop.pdf").data)).pages)
    text = " ".join(text.split())
    # the letterhead: the Sở Y tế under the UBND of the province its name says
    assert text.startswith("UBND TỈNH THỬ NGHIỆM SỞ Y TẾ") and f"Cơ quan tổng hợp: {syt}." in text
    assert f"III. Tổng hợp chung của {syt}" in text and "Tổng hợp toàn tỉnh" not in text

    r = c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": "15/01/2026", "co_quan": list(NAMES),
                                           "noi_tong_hop": "Sở <b>Y tế</b>"})
    assert r.status_code == 400 and "Tên cơ quan tổng hợp dài quá 200 ký tự hoặc có ký tự không dùng" in r.text
    assert 'value="Sở &lt;b&gt;Y tế&lt;/b&gt;"' in r.text  # shown back as typed, escaped
    assert store.compiler() == syt

    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf, "han_nop": "15/01/2026", "co_quan": list(NAMES),
                                              "noi_tong_hop": ""}).status_code == 302
    html = _flat(c.get("/so-noi-vu").text)
    assert "Tổng hợp toàn tỉnh năm 2025</h2>" in html and "bộ hồ sơ gửi Sở Nội vụ" not in html
    log = [json.loads(r["chi_tiet"]) for r in store.q("SELECT * FROM nhat_ky WHERE hanh_dong='dat_han_nop' ORDER BY id")]
    assert [e.get("noi_tong_hop") for e in log] == [None, syt, "Sở Nội vụ"]


# ---- «Lời văn bản tổng hợp»: the Sở's own tong_hop_so_noi_vu.toml on the web (`hoso tong-hop --templates`) ----
DEPUTY = 'thu_truong_so = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"'  # the file's own example: a deputy signing for the head


def _pdf_lines(data: bytes, tmp_path: Path) -> list[str]:
    """The PDF's lines as pdftotext -layout prints them, spaces collapsed."""
    import subprocess

    pdf = tmp_path / "tong_hop.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _send_words(c, csrf: str, data: bytes, name: str = "tong_hop_so_noi_vu.toml"):
    return c.post("/so-noi-vu/loi-van/tai-len", data={"csrf_token": csrf, "loi_van": (io.BytesIO(data), name)},
                  content_type="multipart/form-data")


def _deputy_copy(c) -> bytes:
    """The file downloaded from the page, edited as the Sở's clerk would in Notepad (saved «UTF-8 with BOM»)."""
    r = c.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml")
    assert r.status_code == 200 and "tong_hop_so_noi_vu.toml" in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8")
    assert 'thu_truong_so = "GIÁM ĐỐC"' in text
    return b"\xef\xbb\xbf" + text.replace('thu_truong_so = "GIÁM ĐỐC"', DEPUTY).encode("utf-8")


def test_the_so_signs_its_summary_with_its_own_wording_from_the_web(province_server, tmp_path):
    """The Sở downloads the wording file in use (the program's: a Vietnamese guide over it, still TOML the CLI's
    `--templates` reads, the same labels), a deputy signs: «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC» on two lines of the
    summary PDF downloaded after the upload, the page says whose wording it is, the copy lives in the Sở's own
    folder (0700) and is still used after the server restarts. Logged in words."""
    import tomllib

    from pipeline.submission import province
    from pipeline.web.app import create_app

    store, app, c, csrf = province_server
    assert "dùng lời văn của chương trình" in _flat(c.get("/so-noi-vu").text)
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert "NGƯỜI LẬP BIỂU GIÁM ĐỐC" in lines and not any("KT." in line for line in lines)

    text = c.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").data.decode("utf-8")
    assert text.startswith("# LỜI VĂN ĐẦU, CUỐI BẢN TỔNG HỢP CỦA SỞ") and "Notepad" in text.splitlines()[1]
    program = (Path(province.__file__).parents[2] / "templates" / province.LABELS_FILE).read_text("utf-8")
    assert text.endswith(program) and tomllib.loads(text) == tomllib.loads(program)  # comments only added

    r = _send_words(c, csrf, _deputy_copy(c))
    assert r.status_code == 302 and "xong=tai_len" in r.headers["Location"]
    page = _flat(c.get(r.headers["Location"]).text)
    assert "Đã nhận tệp lời văn đã sửa" in page and "KT. GIÁM ĐỐC\\nPHÓ" not in page
    assert re.search(r'<tr id="loi_van_thu_truong_so">.*?KT\. GIÁM ĐỐC PHÓ GIÁM ĐỐC</td><td>Có</td>', page)
    said = _flat(c.get("/so-noi-vu").text)
    assert re.search(r"dùng lời văn riêng của Sở, tải lên lúc \d\d/\d\d/\d{4} \d\d:\d\d bởi snv "
                     r"\(tệp «tong_hop_so_noi_vu\.toml»\)\.", said), said

    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    at = next(i for i, line in enumerate(lines) if line.endswith("KT. GIÁM ĐỐC"))
    assert lines[at:at + 2] == ["NGƯỜI LẬP BIỂU KT. GIÁM ĐỐC", "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC"]

    kept = store.data / "so_noi_vu" / "mau_bieu"
    assert (kept / province.LABELS_FILE).read_bytes()[:3] != b"\xef\xbb\xbf"  # the CLI reads it too (plain UTF-8)
    assert province.labels(kept)["thu_truong_so"] == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    assert (store.data / "so_noi_vu").stat().st_mode & 0o777 == 0o700 and kept.stat().st_mode & 0o077 == 0

    again = create_app(store.data, start_queue=False)  # a restart: the copy is still the Sở's
    c2, _ = _login(again, "snv")
    lines = _pdf_lines(c2.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC" in lines
    log = {r["hanh_dong"]: json.loads(r["chi_tiet"]) for r in store.q(
        "SELECT * FROM nhat_ky WHERE co_quan='SNV' AND hanh_dong LIKE '%loi_van%'")}
    assert log["tai_loi_van_tong_hop"] == {"loi_van": "của chương trình"}
    assert log["tai_len_loi_van_tong_hop"] == {"tep": "tong_hop_so_noi_vu.toml", "loi_van_doi": "thu_truong_so"}


def test_a_wrong_file_is_refused_in_words_and_the_copy_in_use_kept(province_server, tmp_path):
    """A quote left open: refused, its line and column named; a label not a string, a key misspelt, a placeholder
    the summary does not fill, a .txt, another encoding, a file too big: each refused in words; the Sở's copy
    in use is unchanged through all of them, and the summary still signed by the deputy."""
    store, app, c, csrf = province_server
    assert _send_words(c, csrf, _deputy_copy(c)).status_code == 302
    kept = store.data / "so_noi_vu" / "mau_bieu" / "tong_hop_so_noi_vu.toml"
    before = kept.read_bytes()

    cases = [
        (b'[labels]\nnguoi_lap = "NGUOI TONG HOP\n', "x.toml",  # line 2: the quote opened at column 13 never closed
         "sai cú pháp TOML ở dòng 2, cột"),
        (b"[labels]\nky_hieu = 5\n", "x.toml", "ky_hieu phải là chuỗi chữ trong dấu ngoặc kép"),
        ('[labels]\nthu_truong = "PHÓ GIÁM ĐỐC"\n'.encode(), "x.toml",
         "thu_truong không phải lời văn nào của bản tổng hợp"),
        ('[labels]\ncap_tren = "UBND {tỉnh}"\n'.encode(), "x.toml", "cap_tren chỉ được dùng {tinh}"),
        (b'[labels]\nnguoi_lap = "NGUOI LAP"\n', "tong_hop_so_noi_vu.toml.txt", "không phải tệp .toml"),
        ('[labels]\nnguoi_lap = "NGƯỜI LẬP"\n'.encode("utf-16"), "x.toml", "không phải văn bản UTF-8"),
        (b"# " + b"x" * (256 * 1024), "x.toml", "quá lớn"),
        (b'ky_hieu = "SNV"\n', "x.toml", "không có bảng [labels]"),
    ]
    for data, name, why in cases:
        r = _send_words(c, csrf, data, name)
        assert r.status_code == 400, name
        assert "lời văn đang dùng được giữ nguyên" in r.text and why in r.text, (why, _flat(r.text))
        assert str(store.data) not in r.text  # the server's folders are not shown
        assert kept.read_bytes() == before
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC" in lines
    refused = store.q("SELECT * FROM nhat_ky WHERE hanh_dong='tai_len_loi_van_tong_hop_bi_tu_choi'")
    assert len(refused) == len(cases) and "dòng 2, cột" in json.loads(refused[0]["chi_tiet"])["loi"]


def test_the_programs_wording_again_keeps_the_sos_copy_aside(province_server, tmp_path):
    """«Dùng lại lời văn của chương trình»: the summary is signed «GIÁM ĐỐC» again, the Sở's copy is kept aside
    (never deleted) and the page says so; a file sent back with the program's own labels keeps no copy."""
    store, app, c, csrf = province_server
    assert _send_words(c, csrf, _deputy_copy(c)).status_code == 302
    r = c.post("/so-noi-vu/loi-van/dung-loi-van-chuong-trinh", data={"csrf_token": csrf})
    assert r.status_code == 302 and "xong=dung_lai" in r.headers["Location"]
    page = _flat(c.get(r.headers["Location"]).text)
    assert "Đã thôi dùng lời văn riêng" in page and 'id="dung_lai"' not in page
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert "NGƯỜI LẬP BIỂU GIÁM ĐỐC" in lines and not any("KT." in line for line in lines)
    aside = [p for p in (store.data / "so_noi_vu").iterdir() if p.name.startswith("mau_bieu.truoc-")]
    assert len(aside) == 1 and DEPUTY in (aside[0] / "tong_hop_so_noi_vu.toml").read_text("utf-8")
    assert f"«{aside[0].name}»" in page
    entry = json.loads(store.one("SELECT * FROM nhat_ky WHERE hanh_dong='dung_lai_loi_van_chuong_trinh'")["chi_tiet"])
    assert entry == {"loi_van_doi": "thu_truong_so", "cat_loi_van": aside[0].name}

    same = c.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").data  # the program's, guide and all
    r = _send_words(c, csrf, same)
    assert r.status_code == 302 and "xong=giong" in r.headers["Location"]
    assert not (store.data / "so_noi_vu" / "mau_bieu").exists()
    assert "giống hệt lời văn của chương trình" in c.get(r.headers["Location"]).text
    last = store.one("SELECT * FROM nhat_ky WHERE hanh_dong='tai_len_loi_van_tong_hop' ORDER BY id DESC")
    assert json.loads(last["chi_tiet"])["loi_van"].startswith("giống lời văn của chương trình")


def test_only_the_so_reaches_the_wording_pages(province_server):
    """An agency's clerk gets 403 on every route of «Lời văn bản tổng hợp» (and the Sở nothing without its
    form's CSRF token); nothing is kept."""
    store, app, c, csrf = province_server
    clerk, token = _login(app, "stp")
    assert clerk.get("/so-noi-vu/loi-van").status_code == 403
    assert clerk.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").status_code == 403
    assert _send_words(clerk, token, b'[labels]\nky_hieu = "X"\n').status_code == 403
    assert clerk.post("/so-noi-vu/loi-van/dung-loi-van-chuong-trinh", data={"csrf_token": token}).status_code == 403
    assert "Lời văn bản tổng hợp" not in clerk.get("/").text
    assert c.post("/so-noi-vu/loi-van/tai-len", data={"loi_van": (io.BytesIO(b'[labels]\nky_hieu = "X"\n'), "x.toml")},
                  content_type="multipart/form-data").status_code == 403
    assert not (store.data / "so_noi_vu" / "mau_bieu").exists()
    assert "Lời văn bản tổng hợp" in c.get("/so-noi-vu").text


def _offered(page: str) -> list[str]:
    """The copies the page offers to bring back, newest first: each button's hidden `bo`."""
    return re.findall(r'<input type="hidden" name="bo" value="([^"]+)">', page)


def test_a_copy_kept_aside_is_brought_back_checked_and_only_the_sos(province_server, tmp_path):
    """The deputy's wording set aside by «Dùng lại lời văn của chương trình» is listed (when it stopped being used,
    the places it changes in words) and brought back: the summary is signed «KT. GIÁM ĐỐC» again, the page says
    when and by whom; the program's wording, brought back over, is not a copy; a copy this program can no longer
    read is refused in the upload's words; a path or an agency's folder is no copy of the Sở's; 403 without the
    form's token or for an agency's clerk. Logged in words."""
    # the words «Nhật ký» shows the entries in (the Sở has no such page)
    from pipeline.web.app import _action, _detail

    store, app, c, csrf = province_server
    here = store.data / "so_noi_vu"
    page = c.get("/so-noi-vu/loi-van").text
    assert not _offered(page) and "Dùng lại lời văn này" not in page
    assert _send_words(c, csrf, _deputy_copy(c)).status_code == 302
    assert c.post("/so-noi-vu/loi-van/dung-loi-van-chuong-trinh", data={"csrf_token": csrf}).status_code == 302
    page = _flat(c.get("/so-noi-vu/loi-van").text)
    (aside,) = _offered(page)
    stamp = dt.datetime.strptime(aside.removeprefix("mau_bieu.truoc-"), "%Y%m%d-%H%M%S").astimezone(
        dt.timezone(dt.timedelta(hours=7)))
    box = page[page.index('id="loi_van_cu_1"'):]
    box = box[:box.index("</form>")]
    assert f"<strong>Lời văn dùng đến {stamp:%H:%M} ngày {stamp:%d/%m/%Y}</strong>, tải lên lúc " in box
    assert "bởi snv (tệp «tong_hop_so_noi_vu.toml»)" in box
    assert "Các chỗ Sở đã sửa: Người ký bên phải: thủ trưởng Sở." in box and "Dùng lại lời văn này" in box

    # path tricks and an agency's folder of the same kind: refused, nothing changed
    theirs = store.data / "co_quan" / "STP" / "mau_bieu.truoc-20261101-080000"
    theirs.mkdir(parents=True)
    (theirs / "tong_hop_so_noi_vu.toml").write_text('[labels]\nky_hieu = "STP"\n', encoding="utf-8")
    for name in ("../co_quan/STP/mau_bieu.truoc-20261101-080000", "mau_bieu.truoc-20261101-080000", "../" + aside,
                 "mau_bieu", "", aside + "/tong_hop_so_noi_vu.toml"):
        r = c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": csrf, "bo": name})
        assert r.status_code == 400 and "không còn trong danh sách" in r.text, name
        assert "lời văn đang dùng được giữ nguyên" in r.text
    assert not (here / "mau_bieu").exists() and theirs.is_dir()
    clerk, token = _login(app, "stp")
    assert clerk.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": token, "bo": aside}).status_code == 403
    assert c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"bo": aside}).status_code == 403
    assert not (here / "mau_bieu").exists()

    r = c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": csrf, "bo": aside})
    assert r.status_code == 302 and "xong=dung_lai_cu" in r.headers["Location"]
    page = _flat(c.get(r.headers["Location"]).text)
    assert "Đã dùng lại lời văn đã cất giữ: từ nay bản tổng hợp dùng lời văn này." in page
    assert re.search(r"dùng lời văn riêng của Sở, tải lên lúc \d\d/\d\d/\d{4} \d\d:\d\d bởi snv \(tệp "
                     r"«tong_hop_so_noi_vu\.toml»\), dùng lại lúc \d\d/\d\d/\d{4} \d\d:\d\d bởi snv\.", page), page
    assert not _offered(page) and not (here / aside).exists()
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC" in lines

    # another copy sent: the deputy's aside again; its file spoilt on the server (a label of a kind no longer read)
    other = c.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").data.decode("utf-8").replace(DEPUTY, 'thu_truong_so = "Q. GIÁM ĐỐC"')
    assert _send_words(c, csrf, other.encode("utf-8"), "lan_hai.toml").status_code == 302
    (deputy,) = _offered(c.get("/so-noi-vu/loi-van").text)
    spoilt = (here / deputy / "tong_hop_so_noi_vu.toml")
    good = spoilt.read_text("utf-8")
    spoilt.write_text(good.replace('ky_hieu = "', 'ky_hieu = 5 # "', 1), encoding="utf-8")
    page = _flat(c.get("/so-noi-vu/loi-van").text)
    assert "Không đọc được với phiên bản này của chương trình" in page and "ky_hieu phải là chuỗi chữ" in page
    r = c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": csrf, "bo": deputy})
    assert r.status_code == 400 and "Chưa dùng lại lời văn đã cất giữ; lời văn đang dùng được giữ nguyên." in r.text
    assert "ky_hieu phải là chuỗi chữ trong dấu ngoặc kép" in r.text and str(store.data) not in r.text
    assert "Q. GIÁM ĐỐC" in (here / "mau_bieu" / "tong_hop_so_noi_vu.toml").read_text("utf-8")
    spoilt.write_text(good, encoding="utf-8")
    assert c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": csrf, "bo": deputy}).status_code == 302
    assert DEPUTY in (here / "mau_bieu" / "tong_hop_so_noi_vu.toml").read_text("utf-8")
    (second,) = _offered(c.get("/so-noi-vu/loi-van").text)  # «lan_hai.toml», set aside by the restore: undo offered
    assert "Q. GIÁM ĐỐC" in (here / second / "tong_hop_so_noi_vu.toml").read_text("utf-8")

    entries = [json.loads(r["chi_tiet"]) for r in store.q("SELECT * FROM nhat_ky WHERE hanh_dong='dung_lai_loi_van_cu' "
                                                          "ORDER BY id")]
    assert entries == [{"tu_loi_van": aside, "loi_van_doi": "thu_truong_so"},
                       {"tu_loi_van": deputy, "loi_van_doi": "thu_truong_so", "cat_loi_van": second}]
    assert len(store.q("SELECT * FROM nhat_ky WHERE hanh_dong='dung_lai_loi_van_cu_bi_tu_choi'")) == 7
    last = store.one("SELECT * FROM nhat_ky WHERE hanh_dong='dung_lai_loi_van_cu' ORDER BY id DESC")
    assert _action(last["hanh_dong"], last["chi_tiet"]) == "Sở Nội vụ dùng lại lời văn riêng đã cất giữ của bản tổng hợp"
    assert _detail(last["hanh_dong"], last["chi_tiet"]) == (
        f"lời văn dùng lại, đã cất giữ ở thư mục {deputy}, các lời văn thay đổi «Người ký bên phải: thủ trưởng Sở», "
        f"lời văn riêng cũ cất giữ ở thư mục {second}")


# -- a program update of tong_hop_so_noi_vu.toml after the Sở's copy was made (province_words.update) --------------
UPDATED_WORDS = "Lời văn của chương trình đã được cập nhật sau khi Sở tải lên bản riêng"
NOT_KNOWN_WORDS = ("Không rõ lời văn của chương trình có được cập nhật sau khi Sở tải lên bản riêng hay không (bản riêng "
                   "tải lên trước khi chương trình ghi lại bản lời văn gốc)")
STILL_USED = ("bản riêng của Sở vẫn được dùng; tải lời văn về để so sánh với lời văn hiện nay của chương trình và chép "
              "phần cập nhật vào bản riêng nếu cần.")
NEW_PAGE = "/so-noi-vu/loi-van/ban-moi-cua-chuong-trinh.toml"


def _program_words(monkeypatch, tmp_path: Path, edit) -> Path:
    """Another version of the program: a copy of its templates whose tong_hop_so_noi_vu.toml is `edit`(text), seen by
    the summary (`province.labels`) and the page (`province_words`)."""
    from pipeline import resources
    from pipeline.submission import province
    from pipeline.web import own_forms, province_words

    root = Path(province.__file__).parents[2] / "templates"
    newer = tmp_path / f"templates_{len(list(tmp_path.glob('templates_*')))}"
    shutil.copytree(root, newer, ignore=shutil.ignore_patterns("__pycache__"))
    path = newer / province.LABELS_FILE
    text = path.read_text("utf-8")
    changed = edit(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    for module in (resources, own_forms, province_words):
        monkeypatch.setattr(module, "templates_dir", lambda: newer)
    return newer


def _update_notice(html: str) -> str:
    """The page's words on the program's updates of its wording ("" when none), tags dropped, whitespace collapsed."""
    if 'id="loi_van_cap_nhat"' not in html:
        return ""
    box = html[html.index('id="loi_van_cap_nhat"'):]
    return _flat(re.sub(r"<[^>]+>", "", box[box.index(">") + 1:box.index("</div>")])).strip()


def test_a_program_update_of_the_wording_is_said_and_the_sos_copy_still_used(province_server, monkeypatch, tmp_path):
    """The upload records the program's file it was made against; a later program version correcting a label
    («NGƯỜI LẬP BẢNG») is said on the page with the program's file of today to download (the Sở's role only), while
    the summary is still signed with the Sở's copy — also after the copy is set aside and brought back. Sending the
    copy again records the program's new file: nothing said any more."""
    import hashlib
    import tomllib

    from pipeline.submission import province

    store, app, c, csrf = province_server
    kept = store.data / "so_noi_vu" / "mau_bieu"
    program = (Path(province.__file__).parents[2] / "templates" / province.LABELS_FILE).read_bytes()
    assert _send_words(c, csrf, _deputy_copy(c)).status_code == 302
    record = json.loads((kept / "tai_len.json").read_text("utf-8"))
    assert record["mau_goc"] == {"tong_hop_so_noi_vu.toml": {"tong_hop_so_noi_vu.toml": hashlib.sha256(program).hexdigest()}}
    assert record["khoa_goc"] == list(province.LABELS)
    assert _update_notice(c.get("/so-noi-vu/loi-van").text) == ""
    assert _update_notice(c.get("/so-noi-vu").text) == ""

    newer = _program_words(monkeypatch, tmp_path, lambda t: t.replace('nguoi_lap = "NGƯỜI LẬP BIỂU"',
                                                                       'nguoi_lap = "NGƯỜI LẬP BẢNG"'))
    page = c.get("/so-noi-vu/loi-van").text
    said = _update_notice(page)
    assert said.startswith(f"{UPDATED_WORDS}: {STILL_USED} Sau khi so sánh, tải bản riêng lên lại"), said
    assert NOT_KNOWN_WORDS not in page and 'id="loi_van_thieu"' not in page
    assert f'href="{NEW_PAGE}" id="tai_ban_moi"' in page
    # the Sở's main page repeats it, pointing to the wording page (the Sở may not open that page for weeks)
    main = c.get("/so-noi-vu").text
    assert _update_notice(main) == (f"{UPDATED_WORDS}: bản tổng hợp vẫn dùng lời văn riêng của Sở. Xem ở trang «Lời văn "
                                    "bản tổng hợp»"), _update_notice(main)
    assert 'href="/so-noi-vu/loi-van">Xem ở trang' in main
    r = c.get(NEW_PAGE)
    assert r.status_code == 200 and "ban_moi_cua_chuong_trinh" in r.headers["Content-Disposition"]
    text = r.data.decode("utf-8")
    assert text.startswith("# LỜI VĂN ĐẦU, CUỐI BẢN TỔNG HỢP CỦA SỞ") and text.endswith(
        (newer / province.LABELS_FILE).read_text("utf-8"))
    assert tomllib.loads(text)["labels"]["nguoi_lap"] == "NGƯỜI LẬP BẢNG"
    assert tomllib.loads(text)["labels"]["thu_truong_so"] == "GIÁM ĐỐC"  # the program's, not the Sở's copy
    clerk, _ = _login(app, "stp")
    assert clerk.get(NEW_PAGE).status_code == 403
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)  # the Sở's copy, as it was sent
    assert "NGƯỜI LẬP BIỂU KT. GIÁM ĐỐC" in lines and not any("NGƯỜI LẬP BẢNG" in line for line in lines)

    # set aside and brought back: still the copy made against the older file, still said
    assert c.post("/so-noi-vu/loi-van/dung-loi-van-chuong-trinh", data={"csrf_token": csrf}).status_code == 302
    (aside,) = _offered(c.get("/so-noi-vu/loi-van").text)
    assert c.post("/so-noi-vu/loi-van/dung-lai-loi-van-cu", data={"csrf_token": csrf, "bo": aside}).status_code == 302
    assert _update_notice(c.get("/so-noi-vu/loi-van").text).startswith(f"{UPDATED_WORDS}: ")

    # the copy sent again as it is (the Sở has compared, kept its wording): the program's new file recorded
    mine = c.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").data
    assert _send_words(c, csrf, mine).status_code == 302
    assert _update_notice(c.get("/so-noi-vu/loi-van").text) == ""
    assert _update_notice(c.get("/so-noi-vu").text) == ""
    record = json.loads((kept / "tai_len.json").read_text("utf-8"))
    assert record["mau_goc"]["tong_hop_so_noi_vu.toml"]["tong_hop_so_noi_vu.toml"] == hashlib.sha256(
        (newer / province.LABELS_FILE).read_bytes()).hexdigest()
    log = [json.loads(r["chi_tiet"]) for r in store.q("SELECT * FROM nhat_ky WHERE hanh_dong='tai_loi_van_tong_hop'")]
    assert {"loi_van": "của chương trình (bản hiện nay, để so sánh)"} in log


def test_a_label_the_program_added_is_named_and_printed_in_the_programs_words(province_server, monkeypatch, tmp_path):
    """The Sở's copy was made when the program's file had no `kem_theo` line (and the Sở left out `ky_nguoi_lap`
    itself); a later program writes `kem_theo` with new words. The page names the new label (not the one the Sở
    left out), marks its row, and the summary prints the program's new words there — a key a copy lacks prints the
    program's file's wording — while the Sở's own signer stays."""
    from pipeline.submission import province

    store, app, c, csrf = province_server
    old_line = 'kem_theo = "(Kèm theo Báo cáo số …………/BC-{ky_hieu} của {co_quan})"\n'
    _program_words(monkeypatch, tmp_path, lambda t: t.replace(old_line, ""))
    copy = _deputy_copy(c).decode("utf-8-sig")
    assert "kem_theo =" not in copy
    copy = copy.replace('ky_nguoi_lap = "(Ký, ghi rõ họ tên)"\n', "")
    assert _send_words(c, csrf, copy.encode("utf-8")).status_code == 302
    record = json.loads((store.data / "so_noi_vu" / "mau_bieu" / "tai_len.json").read_text("utf-8"))
    assert "kem_theo" not in record["khoa_goc"] and "ky_nguoi_lap" in record["khoa_goc"]
    assert _update_notice(c.get("/so-noi-vu/loi-van").text) == ""

    new_line = 'kem_theo = "(Kèm theo Công văn số …………/{ky_hieu} của {co_quan})"\n'
    _program_words(monkeypatch, tmp_path, lambda t: t.replace(old_line, new_line))
    page = c.get("/so-noi-vu/loi-van").text
    said = _update_notice(page)
    assert said.startswith(f"{UPDATED_WORDS}: {STILL_USED} Chương trình có thêm lời văn mà bản riêng của Sở chưa có: "
                           "«Dòng dưới tên biểu: báo cáo kèm theo» (kem_theo). Bản tổng hợp in lời văn của chương trình "
                           "cho các chỗ này;"), said
    assert "ky_nguoi_lap" not in said
    row = _flat(page[page.index('<tr id="loi_van_kem_theo">'):])
    row = row[:row.index("</tr>")]
    assert "(Kèm theo Công văn số …………/{ky_hieu} của {co_quan})" in row and "Bản riêng chưa có dòng này" in row
    assert "Bản riêng chưa có dòng này" not in page[page.index('<tr id="loi_van_ky_nguoi_lap">'):][:400]
    lines = _pdf_lines(c.get("/so-noi-vu/tong-hop.pdf").data, tmp_path)
    assert any(line.startswith("(Kèm theo Công văn số …………/SNV của Sở Nội vụ") for line in lines), lines
    assert "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC" in lines  # the Sở's deputy still signs
    assert province.labels(store.data / "so_noi_vu" / "mau_bieu")["kem_theo"] == new_line.split('"')[1]


def test_a_copy_recorded_before_says_not_known(province_server):
    """A Sở's copy whose tai_len.json has no `mau_goc` (sent with an earlier version): the page says it is not known
    whether the program's wording was updated since, offers the program's file, and names the label the copy has no
    line for (printed in the program's words) — no guess, no crash."""
    store, app, c, csrf = province_server
    copy = _deputy_copy(c).decode("utf-8-sig").replace('ky_nguoi_lap = "(Ký, ghi rõ họ tên)"\n', "")
    assert _send_words(c, csrf, copy.encode("utf-8")).status_code == 302
    info = store.data / "so_noi_vu" / "mau_bieu" / "tai_len.json"
    record = json.loads(info.read_text("utf-8"))
    del record["mau_goc"], record["khoa_goc"]
    info.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    r = c.get("/so-noi-vu/loi-van")
    assert r.status_code == 200
    said = _update_notice(r.text)
    assert said.startswith(f"{NOT_KNOWN_WORDS}: {STILL_USED} Bản riêng của Sở không có dòng cho: «Dòng dưới người ký "
                           "bên trái» (ky_nguoi_lap). Bản tổng hợp in lời văn của chương trình cho các chỗ này;"), said
    assert UPDATED_WORDS not in r.text and f'href="{NEW_PAGE}"' in r.text
    assert c.get(NEW_PAGE).status_code == 200
    assert _update_notice(c.get("/so-noi-vu").text) == (f"{NOT_KNOWN_WORDS}: bản tổng hợp vẫn dùng lời văn riêng của "
                                                        "Sở. Xem ở trang «Lời văn bản tổng hợp»")
