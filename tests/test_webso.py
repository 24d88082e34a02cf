"""A server compiling for another body (the Sở page's «Cơ quan tổng hợp», e.g. a Sở Y tế for its hospitals): the
agency's pages name that body wherever the text is about where the package goes (progress, «Tạo hồ sơ», «Hồ sơ»'s
file titles, a failed send, «Nhật ký», the Sở page's own «no package yet» line); with no other body set, every one
of these reads «Sở Nội vụ» as before. The KPI import: one saved column mapping per period kind, the «giữ nguyên»
counts on the web's report and audit, two-row headers."""

from __future__ import annotations

import datetime as dt
import errno
import io
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import kpi_exports  # noqa: E402
import workbook_factory as factory  # noqa: E402
from fakes import TextConverter, run_main  # noqa: E402
from web_pages import InlineQueue, logged_in  # noqa: E402
from web_pages import csrf as _csrf  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
SYT = "Sở Y tế tỉnh Thử Nghiệm"


@pytest.fixture
def server(tmp_path, monkeypatch):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())
    monkeypatch.setattr("pipeline.progress.observer", None)
    monkeypatch.setenv("HOSO_HOM_NAY", "2025-11-20")
    data = tmp_path / "du_lieu"
    store = Store(data)
    store.add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    store.add_account("snv", accounts.hash_password(PASSWORD), "SNV", "so_noi_vu", None)
    app = create_app(data, start_queue=False)
    app.extensions["hoso_queue"] = q = InlineQueue(app.extensions["hoso_store"])
    return app, app.extensions["hoso_store"], q


def _main(html: str) -> str:
    return re.sub(r"\s+", " ", html.split("<main>", 1)[1])


def _so(app, compiler: str):
    """The Sở's session after its page saved `compiler` as «Cơ quan tổng hợp» ("" : the Sở Nội vụ itself)."""
    s = logged_in(app, "snv", PASSWORD)
    assert s.post("/so-noi-vu/han-nop", data={"csrf_token": _csrf(s), "han_nop": "", "co_quan": ["VP"],
                                              "noi_tong_hop": compiler}).status_code == 302
    return s


def _workbook(tmp_path: Path, addressed_to: str = "") -> Path:
    """The factory's 2025 workbook; `addressed_to`: its CoQuan «Sở Nội vụ nhận báo cáo» (empty: not said)."""
    data = factory.tables()
    moved = {"nam_danh_gia": 2025, "ngay_lap": dt.date(2025, 11, 5), "han_nop_so_noi_vu": dt.date(2025, 11, 30)}
    data["CoQuan"] = [(k, moved.get(k, v)) for k, v in data["CoQuan"]]
    if addressed_to:
        data["CoQuan"].append(("so_noi_vu", addressed_to))
    for row in data["KyLuat"]:
        row["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    return factory.write(tmp_path / "so_2025.xlsx", data)


def _clerk_builds(server, book: Path):
    """The clerk's client after uploading `book` and building it; the pages read on the way: «Tạo hồ sơ» and the
    progress page of a build whose conversions are done (the row set as the queue sets it)."""
    app, store, q = server
    c = logged_in(app, "vt", PASSWORD)
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(book.read_bytes()), book.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.text
    before = _main(c.get("/tao-ho-so").text)
    r = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert r.status_code == 302
    build_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    store.x("UPDATE lan_tao SET trang_thai='dang_chay', tong=12, da_xong=12 WHERE id=?", build_id)
    progress = _main(c.get(f"/lan-tao/{build_id}").text)
    store.x("UPDATE lan_tao SET trang_thai='cho', tong=0, da_xong=0 WHERE id=?", build_id)
    assert q.run_next()["trang_thai"] == "xong"
    return c, before, progress


def _send_on_a_full_disk(c, monkeypatch) -> str:
    """«Gửi bộ hồ sơ» while the server's disk is full: the error page's text."""
    real, done = shutil.copyfile, []

    def fills_up(src, dst, *a, **k):
        if done:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        done.append(dst)
        return real(src, dst, *a, **k)

    with monkeypatch.context() as m:
        m.setattr("pipeline.web.app.shutil.copyfile", fills_up)
        r = c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)})
    assert r.status_code == 507
    return re.sub(r"\s+", " ", r.text)


def _log_rows(c) -> list[str]:
    """«Nhật ký»'s rows, each as its cells' text joined by « | »."""
    html = c.get("/nhat-ky").text
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S)
    return [" | ".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S))
            for row in rows]


def test_a_server_compiling_for_a_so_y_te_names_it_where_the_package_goes(server, tmp_path, monkeypatch):
    """The Sở Y tế runs the server for its units: the Sở page's empty state names the button the agencies see
    («Gửi bộ hồ sơ này cho Sở Y tế …») and its own summary; «Tạo hồ sơ», the progress line, «Hồ sơ»'s titles of
    README.txt and the zip, a send the disk refused, and «Nhật ký» say the package goes to the Sở Y tế. The
    workbook names no body (the signed report goes to «Sở Nội vụ»): «Hồ sơ» says so before the button."""
    app, store, q = server
    s = _so(app, SYT)
    page = _main(s.get("/so-noi-vu").text)
    assert (f"Khi văn thư một cơ quan bấm «Gửi bộ hồ sơ này cho {SYT}» trên trang Hồ sơ của cơ quan đó, bộ hồ sơ hiện "
            f"ở đây để tải về, kiểm tra, và được cộng vào tổng hợp chung của {SYT}.</p>") in page
    # the role's name and the field's help keep the law's «Sở Nội vụ»
    assert "· Sở Nội vụ ·" in re.sub(r"\s+", " ", s.get("/so-noi-vu").text)
    assert "(để trống khi Sở Nội vụ tổng hợp;" in page

    c, before, progress = _clerk_builds(server, _workbook(tmp_path))
    assert "ghép hồ sơ cá nhân, đơn vị và bộ hồ sơ gửi Sở Y tế tỉnh Thử Nghiệm. Lần tạo sau" in before
    assert "Sở Nội vụ" not in before
    assert ("Chuyển sang PDF 12/12 — xong; đang ghép hồ sơ cá nhân, đơn vị và bộ hồ sơ gửi Sở Y tế tỉnh Thử "
            "Nghiệm…</p>") in progress

    html = _main(c.get("/ho-so").text)
    assert "<td>Bộ hồ sơ gửi Sở Y tế tỉnh Thử Nghiệm gồm những gì</td><td><a href=\"/tep/README.txt\">" in html
    assert "<td>Bộ hồ sơ gửi Sở Y tế tỉnh Thử Nghiệm (tệp nén)</td><td><a href=\"/tep/ho_so_2025.zip\">" in html
    assert ('<p id="noi_nhan_khac" class="warn">Bộ hồ sơ này ghi nơi nhận là Sở Nội vụ (ô «Sở Nội vụ nhận báo cáo», '
            "sheet CoQuan của sổ Excel; báo cáo trong bộ hồ sơ gửi cơ quan đó), còn nút dưới đây gửi cho Sở Y tế tỉnh "
            "Thử Nghiệm.") in html
    assert html.index('id="noi_nhan_khac"') < html.index('id="nop"')

    refused = _send_on_a_full_disk(c, monkeypatch)
    assert "Sở Y tế tỉnh Thử Nghiệm chưa nhận gì mới; hồ sơ đã tạo vẫn giữ nguyên." in refused
    assert "Sở Nội vụ chưa nhận" not in refused
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    # once sent, the warning says what was done and what to do now (no button left to send «rồi mới gửi»)
    html = _main(c.get("/ho-so").text)
    (warn,) = re.findall(r'<p id="noi_nhan_khac" class="warn">(.*?)</p>', html, re.S)
    assert ("Bộ hồ sơ này ghi nơi nhận là Sở Nội vụ (ô «Sở Nội vụ nhận báo cáo», sheet CoQuan của sổ Excel; báo cáo "
            "trong bộ hồ sơ gửi cơ quan đó) và đã được gửi cho Sở Y tế tỉnh Thử Nghiệm lúc ") in warn, warn
    assert warn.endswith(": Sở Y tế tỉnh Thử Nghiệm thấy bộ hồ sơ này ghi gửi cơ quan khác. Nếu sổ ghi sai nơi nhận, "
                         "hãy sửa ô đó, tải sổ lên, tạo lại hồ sơ rồi gửi lại: bản gửi sau thay bản đã gửi."), warn
    assert "rồi mới gửi" not in html and 'id="nop"' not in html
    log = _log_rows(c)
    assert any("| Gửi bộ hồ sơ cho Sở Y tế tỉnh Thử Nghiệm nop_so_noi_vu | bộ hồ sơ số 1, lần tạo số 1" in r
               for r in log), log
    assert any("| Gửi Sở Y tế tỉnh Thử Nghiệm: máy chủ không ghi được bản gửi nop_so_noi_vu_loi | "
               "lỗi No space left on device" in r for r in log), log
    # the audit keeps the body the package went to: a body set later does not rename this line
    _so(app, "Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm")
    assert any("Gửi bộ hồ sơ cho Sở Y tế tỉnh Thử Nghiệm nop_so_noi_vu" in r for r in _log_rows(c))


def test_with_no_other_body_every_such_text_still_names_the_so_noi_vu(server, tmp_path, monkeypatch):
    """No «Cơ quan tổng hợp»: the same texts read «Sở Nội vụ» word for word as before, no warning on «Hồ sơ», and
    the audit line of a send is the one it was ({"nop": …, "lan_tao": …})."""
    app, store, q = server
    s = _so(app, "")
    page = _main(s.get("/so-noi-vu").text)
    assert ("Khi văn thư một cơ quan bấm «Gửi bộ hồ sơ này cho Sở Nội vụ» trên trang Hồ sơ của cơ quan đó, bộ hồ sơ "
            "hiện ở đây để tải về, kiểm tra, và được cộng vào tổng hợp toàn tỉnh.</p>") in page
    c, before, progress = _clerk_builds(server, _workbook(tmp_path))
    assert "ghép hồ sơ cá nhân, đơn vị và bộ hồ sơ gửi Sở Nội vụ. Lần tạo sau" in before
    assert "đang ghép hồ sơ cá nhân, đơn vị và bộ hồ sơ gửi Sở Nội vụ…</p>" in progress
    html = _main(c.get("/ho-so").text)
    assert "<td>Bộ hồ sơ gửi Sở Nội vụ gồm những gì</td>" in html
    assert "<td>Bộ hồ sơ gửi Sở Nội vụ (tệp nén)</td>" in html
    assert 'id="noi_nhan_khac"' not in html and "Gửi bộ hồ sơ này cho Sở Nội vụ</button>" in html
    assert ". Sở Nội vụ chưa nhận gì mới; hồ sơ đã tạo vẫn giữ nguyên." in _send_on_a_full_disk(c, monkeypatch)
    assert c.post("/nop-so-noi-vu", data={"csrf_token": _csrf(c)}).status_code == 302
    sent = store.one("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='nop_so_noi_vu'")
    assert json.loads(sent["chi_tiet"]) == {"nop": 1, "lan_tao": 1}
    failed = store.one("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='nop_so_noi_vu_loi'")
    assert failed["chi_tiet"] == "No space left on device"
    log = _log_rows(c)
    assert any("| Gửi bộ hồ sơ cho Sở Nội vụ nop_so_noi_vu | bộ hồ sơ số 1, lần tạo số 1" in r for r in log), log
    assert any("| Gửi Sở Nội vụ: máy chủ không ghi được bản gửi nop_so_noi_vu_loi | No space left on device" in r
               for r in log), log


def test_a_package_the_workbook_addresses_to_the_compiling_body_is_not_warned_about(server, tmp_path):
    """The hospital's workbook names the Sở Y tế that runs the server (another case, spaces doubled: the same name):
    «Hồ sơ» has nothing to warn about; its README title names the server's body."""
    app, store, q = server
    _so(app, SYT)
    c, _, _ = _clerk_builds(server, _workbook(tmp_path, addressed_to="sở y tế  tỉnh Thử Nghiệm"))
    html = _main(c.get("/ho-so").text)
    assert 'id="noi_nhan_khac"' not in html
    assert f"Gửi bộ hồ sơ này cho {SYT}</button>" in html


# -- the KPI import: one saved mapping per kind of export --------------------------------------------------------
MONTHLY_CSV = "NV_ID,KY_DG,P30,Q1,Q2,Q3\n"  # a monthly screen whose headers nothing recognises: the clerk maps them
QUARTERLY_CSV = "Mã CB;Họ và tên;Quý;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"


@pytest.fixture
def so(tmp_path):
    from pipeline.resources import sample_workbook

    dest = tmp_path / "so.xlsx"
    shutil.copyfile(sample_workbook(2026), dest)
    return dest


def _periods(workbook: Path, code: str) -> dict[str, tuple]:
    from pipeline import ingest

    return {p.ky: (p.diem_tieu_chi_chung, p.a, p.b, p.c) for p in ingest.load(workbook).periods if p.ma_so == code}


@pytest.mark.usefixtures("cli_in_process")
def test_a_quarterly_import_keeps_the_monthly_mapping_the_clerk_wrote(so, tmp_path, capsys):
    """The monthly export's headers mean nothing to the reader, so the clerk maps them (--anh-xa); a quarterly
    export (headers it knows) is imported after: the saved file keeps her monthly mapping beside the quarterly one,
    so next month's export imports with no --anh-xa. (Before, the quarterly import overwrote the one `[cot]` and
    next month's export was refused: «Không nhận ra cột mã số».)"""
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nma_so = "NV_ID"\nky = "KY_DG"\ndiem_tieu_chi_chung = "P30"\nty_le_so_luong = "Q1"\n'
                    'ty_le_chat_luong = "Q2"\nty_le_tien_do = "Q3"\n', encoding="utf-8")
    october = tmp_path / "thang_10.csv"
    october.write_text(MONTHLY_CSV + "VP-021,2026-10,25,100,85,80\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(october), "--vao", str(so), "--anh-xa", str(mine)], capsys)
    assert code == 0, err
    saved = so.with_name("so.anh_xa_ket_qua.toml")
    assert (f"Đã lưu ánh xạ cột vào «{saved}» (lần sau tự dùng lại cho tệp xuất kết quả theo tháng; ánh xạ của loại "
            "tệp xuất khác giữ nguyên).") in err
    quarters = tmp_path / "quy.csv"
    quarters.write_text(QUARTERLY_CSV + "VP-032;Vũ Hoàng Long;Quý I/2026;27;100;95;85\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(quarters), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "cho tệp xuất kết quả theo quý;" in err
    assert _periods(so, "VP-032")["2026-Q1"] == (27, 100, 95, 85)
    from pipeline.ingest import kpi_import

    tables = kpi_import.read_mappings(saved)
    assert tables["thang"] == {"ma_so": "NV_ID", "ky": "KY_DG", "diem_tieu_chi_chung": "P30", "ty_le_so_luong": "Q1",
                               "ty_le_chat_luong": "Q2", "ty_le_tien_do": "Q3"}
    assert tables["quy"]["ma_so"] == "Mã CB" and tables["quy"]["quy"] == "Quý" and "" not in tables
    # next month: the same screen, October corrected by the KPI system; no --anh-xa
    october.write_text(MONTHLY_CSV + "VP-021,2026-10,27,100,100,100\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(october), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "KetQuaKy: thêm 0 dòng, thay 1 dòng cùng người, cùng kỳ" in err
    assert _periods(so, "VP-021")["2026-10"] == (27, 100, 100, 100)
    # the file was not rewritten by a monthly import that used the monthly mapping as it was
    assert kpi_import.read_mappings(saved) == tables


@pytest.mark.usefixtures("cli_in_process")
def test_a_mapping_file_saved_before_serves_both_kinds_until_each_saves_its_own(so, tmp_path, capsys):
    """A file saved by an earlier hoso (one flat `[cot]`, the monthly screen's) still maps a monthly export; the
    import that used it saves it as the monthly table, and a quarterly import then adds its own."""
    from pipeline.ingest import kpi_import

    saved = so.with_name("so.anh_xa_ket_qua.toml")
    saved.write_text('[cot]\nma_so = "NV_ID"\nky = "KY_DG"\ndiem_tieu_chi_chung = "P30"\nty_le_so_luong = "Q1"\n'
                     'ty_le_chat_luong = "Q2"\nty_le_tien_do = "Q3"\n', encoding="utf-8")
    october = tmp_path / "thang_10.csv"
    october.write_text(MONTHLY_CSV + "VP-021,2026-10,25,100,85,80\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(october), "--vao", str(so)], capsys)
    assert code == 0, err
    assert set(kpi_import.read_mappings(saved)) == {"thang"}
    quarters = tmp_path / "quy.csv"
    quarters.write_text(QUARTERLY_CSV + "VP-032;Vũ Hoàng Long;Quý I/2026;27;100;95;85\n", encoding="utf-8")
    assert run_main(["nhap-ket-qua", str(quarters), "--vao", str(so)], capsys)[0] == 0
    tables = kpi_import.read_mappings(saved)
    assert set(tables) == {"thang", "quy"} and tables["thang"]["ma_so"] == "NV_ID"
    text = saved.read_text(encoding="utf-8")
    assert "[cot_thang]  # tệp xuất kết quả theo tháng, từ tệp «thang_10.csv»" in text
    assert "[cot_quy]  # tệp xuất kết quả theo quý, từ tệp «quy.csv»" in text


@pytest.mark.usefixtures("cli_in_process")
@pytest.mark.parametrize("style", ["gop", "nhom"])
def test_a_header_of_two_rows_under_a_merged_group_title_is_read(so, tmp_path, capsys, style):
    """A group title merged across columns above the column names («Tỷ lệ hoàn thành nhiệm vụ (%)» over «Số lượng»,
    «Chất lượng», «Tiến độ», the other names merged down over both rows; or a group over every column): every
    column is found, no header row is taken for a result, and the values are the export's."""
    export = kpi_exports.two_row_header_xlsx(tmp_path / f"kpi_{style}.xlsx", style)
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert ("Ánh xạ cột (tự nhận theo tiêu đề cột): ho_ten ← «Họ và tên»; ma_so ← «Mã CBCC»; thang ← «Tháng»; "
            "diem_tieu_chi_chung ← «Điểm tiêu chí chung»; ty_le_so_luong ← «Số lượng") in err
    assert "ty_le_chat_luong ← «Chất lượng" in err and "ty_le_tien_do ← «Tiến độ" in err
    assert "KetQuaKy: thêm 1 dòng, thay 1 dòng cùng người, cùng kỳ" in err
    assert "KHÔNG NHẬP" not in err and "Bỏ qua" not in err
    # the export's own numbers, decimal comma read: VP-021 October 25,5 / 100 / 90 / 85, VP-007 November 26 / 95 / 90 / 80
    assert _periods(so, "VP-021")["2026-10"] == (25.5, 100, 90, 85)
    assert _periods(so, "VP-007")["2026-11"] == (26, 95, 90, 80)


def test_the_web_import_keeps_each_kind_s_mapping_and_says_the_rows_left_as_they_were(tmp_path):
    """On the server: the agency's saved mapping (`co_quan/<MA>/anh_xa_ket_qua.toml`) holds the monthly screen's
    mapping (its headers mean nothing to the reader); a quarterly export imported after keeps it, so the monthly
    screen's next export still imports. The quarterly export's row the workbook already holds is said on the new
    upload's page and audited («giữ nguyên 1 dòng»), as the console says it."""
    from pipeline.resources import sample_workbook
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    store = Store(data)
    store.add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    app = create_app(data, start_queue=False)
    c = logged_in(app, "vt", PASSWORD)

    def post(name: str, body: bytes, path: str = "/so-excel", field: str = "so"):
        return c.post(path, data={"csrf_token": _csrf(c), field: (io.BytesIO(body), name)},
                      content_type="multipart/form-data")

    r = post("Đánh giá 2026.xlsx", sample_workbook(2026).read_bytes())
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    saved = store.agency_dir("VP") / "anh_xa_ket_qua.toml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text('[cot_thang]\nma_so = "NV_ID"\nky = "KY_DG"\ndiem_tieu_chi_chung = "P30"\nty_le_so_luong = "Q1"\n'
                     'ty_le_chat_luong = "Q2"\nty_le_tien_do = "Q3"\n', encoding="utf-8")
    # VP-032 in the sample: Q1 26 / 100 / 90 / 80 (the export the same: kept), Q2 25 / 100 / 85 / 80 (now 27 …: replaced)
    quarters = (QUARTERLY_CSV + "VP-032;Vũ Hoàng Long;Quý I/2026;26;100;90;80\n"
                "VP-032;Vũ Hoàng Long;Quý II/2026;27;100;95;85\n").encode()
    r = post("kpi quy.csv", quarters, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 302, r.text
    second = int(r.headers["Location"].rsplit("/", 1)[1])
    page = _main(c.get(f"/so-excel/{second}").text)
    assert ("có thêm kết quả nhập: sheet KetQuaKy thêm 0 dòng, thay 1 dòng cùng người, cùng kỳ, giữ nguyên 1 dòng đã "
            "có trong sổ với cùng kết quả.</p>") in page
    report = json.loads((store.upload_path("VP", second).with_name(f"{second}_nhap_ket_qua.json")).read_text("utf-8"))
    assert report["giu_nguyen"] == {"KetQuaKy": 1, "SanPham": 0}
    log = _log_rows(c)
    assert any("Nhập kết quả tháng, quý vào bản sao của sổ nhap_ket_qua | sổ số 1, từ tệp kpi quy.csv, số dòng thêm "
               "sheet KetQuaKy 0, sheet SanPham 0, số dòng thay sheet KetQuaKy 1, sheet SanPham 0, số dòng giữ nguyên "
               "(đã có trong sổ, cùng nội dung) sheet KetQuaKy 1, sheet SanPham 0, số dòng không nhập 0" in r
               for r in log), log
    from pipeline.ingest import kpi_import

    tables = kpi_import.read_mappings(saved)
    assert tables["thang"]["ma_so"] == "NV_ID" and tables["quy"]["quy"] == "Quý"
    # the monthly screen's export, no mapping given: the monthly table the quarterly import kept maps it
    r = post("kpi thang 10.csv", (MONTHLY_CSV + "VP-021,2026-10,25,100,85,80\n").encode(),
             f"/so-excel/{second}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 302, r.text
    third = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "sheet KetQuaKy thêm 1 dòng, thay 0 dòng cùng người, cùng kỳ.</p>" in _main(c.get(f"/so-excel/{third}").text)
    assert kpi_import.read_mappings(saved)["thang"] == tables["thang"]


def test_a_wrong_saved_mapping_is_shown_and_forgotten_by_the_clerk_on_the_page(tmp_path):
    """The agency's saved mapping (`co_quan/<MA>/anh_xa_ket_qua.toml`, written by an earlier import) names one
    column for two of the workbook's columns: every export of that kind is refused. The clerk used to be sent to the
    server's administrator; now the import page shows the remembered columns and a button forgets them (kept aside,
    audited), after which the same export imports by its own titles. A unit clerk may not forget the agency's."""
    from pipeline.resources import sample_workbook
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    store = Store(data)
    store.add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    store.add_account("vtdv", accounts.hash_password(PASSWORD), "VP", "van_thu_don_vi", "TH")
    app = create_app(data, start_queue=False)
    c = logged_in(app, "vt", PASSWORD)
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(sample_workbook(2026).read_bytes()),
                                                                   "Đánh giá 2026.xlsx")},
               content_type="multipart/form-data")
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    saved = store.agency_dir("VP") / "anh_xa_ket_qua.toml"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text('[cot_quy]\nty_le_so_luong = "Số lượng (%)"\nty_le_chat_luong = "Số lượng (%)"\n', encoding="utf-8")
    export = (QUARTERLY_CSV + "VP-032;Vũ Hoàng Long;Quý II/2026;27;100;95;85\n").encode()

    def send():
        return c.post(f"/so-excel/{first}/nhap-ket-qua", data={"csrf_token": _csrf(c),
                                                              "ket_qua": (io.BytesIO(export), "kpi quy.csv")},
                      content_type="multipart/form-data")

    r = send()
    assert r.status_code == 400
    page = _main(r.text)
    assert "Các cột nhớ từ lần nhập trước ghi cùng một cột «Số lượng (%)»" in page
    assert "Cần: Bấm «Quên các cột đã nhớ» ở cuối trang này rồi nhập lại" in page
    assert "quản trị" not in page and "anh_xa_ket_qua" not in page
    assert "<li>Tệp xuất kết quả theo quý: Số lượng (%) ← «Số lượng (%)», Chất lượng (%) ← «Số lượng (%)»</li>" in page
    assert 'id="quen_cot"' in page
    # a unit clerk cannot forget the agency's columns; a form without its token is refused
    u = logged_in(app, "vtdv", PASSWORD)
    assert u.post(f"/so-excel/{first}/quen-cot-nho", data={"csrf_token": _csrf(u)}).status_code in (403, 404)
    assert c.post(f"/so-excel/{first}/quen-cot-nho", data={}).status_code in (400, 403)
    assert saved.is_file()
    r = c.post(f"/so-excel/{first}/quen-cot-nho", data={"csrf_token": _csrf(c)})
    assert r.status_code == 302
    page = _main(c.get(r.headers["Location"]).text)
    assert "Đã quên các cột nhớ từ lần nhập trước" in page and 'id="quen_cot"' not in page
    assert not saved.exists()
    kept = list(saved.parent.glob("anh_xa_ket_qua.truoc-*.toml"))
    assert len(kept) == 1 and "ty_le_chat_luong" in kept[0].read_text("utf-8")
    assert any("Quên các cột nhớ từ lần nhập kết quả trước" in row for row in _log_rows(c))
    # the same export now imports by its own titles
    r = send()
    assert r.status_code == 302, _main(r.text)
