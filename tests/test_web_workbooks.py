"""`hoso serve` with workbooks as other agencies' clerks make them (Flask's test client): what the check
page shows of a value with stray spaces, and why a file that is not a workbook is refused."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from web_pages import hidden as _hidden  # noqa: E402
from web_pages import phone_page  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"


def _clerk(tmp_path: Path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    Store(tmp_path).add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": PASSWORD}).status_code == 302
    return c, _hidden(c.get("/so-excel").text, "csrf_token")


def _post(c, csrf: str, name: str, data: bytes, path: str = "/so-excel", field: str = "so"):
    return c.post(path, data={"csrf_token": csrf, field: (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_stray_spaces_in_a_value_are_visible_on_the_check_page(tmp_path):
    """A name typed «Trần  Thị Bình» (two spaces): the reader warns and tidies it; a browser would collapse
    the value to «Trần Thị Bình», the same as what is expected, so the page marks the extra spaces."""
    t = factory.tables()
    t["NhanSu"][1]["ho_ten"] = "Trần  Thị Bình"
    book = factory.write(tmp_path / "so.xlsx", t)
    c, csrf = _clerk(tmp_path / "du_lieu")
    r = _post(c, csrf, "so.xlsx", book.read_bytes())
    assert r.status_code == 302
    html = c.get(r.headers["Location"]).text
    row = next(tr for tr in html.split("<tr") if "khoảng trắng thừa giữa các chữ" in tr)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[2] == f"{factory.letter('NhanSu', 'ho_ten')}3"
    assert cells[5] == 'Trần<mark class="ws" title="khoảng trắng thừa">  </mark>Thị Bình', cells
    assert "«Trần Thị Bình»" in cells[6]
    assert "mark.ws { white-space: pre;" in c.get("/kieu.css").text  # the two spaces keep their width


def test_values_are_still_escaped_where_spaces_are_marked():
    from pipeline.web.app import _spaces

    assert str(_spaces("<b>  x</b> ")) == ('&lt;b&gt;<mark class="ws" title="khoảng trắng thừa">  </mark>x&lt;/b&gt;'
                                           '<mark class="ws" title="khoảng trắng thừa"> </mark>')
    assert str(_spaces(" a b")) == '<mark class="ws" title="khoảng trắng thừa"> </mark>a b'


def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra


def test_a_workbook_with_a_password_is_named_as_such(tmp_path):
    """Excel saves a workbook protected by a password as an OLE container, still named .xlsx: the clerk is
    told to remove the password (the reader's own words), not to save an «old .xls» as .xlsx; nothing is kept."""
    c, csrf = _clerk(tmp_path)
    for path, field in (("/so-excel", "so"), ("/so-excel/nam-sau", "so_nam_truoc")):
        r = _post(c, csrf, "Danh gia 2026.xlsx", _ole("EncryptedPackage".encode("utf-16-le")), path, field)
        text = re.sub(r"\s+", " ", r.text)
        assert r.status_code == 400, path
        assert "Tệp «Danh gia 2026.xlsx» được đặt mật khẩu (mã hóa), chương trình không đọc được." in text, text
        assert "gỡ mật khẩu" in text and ".xls cũ" not in text
    r = _post(c, csrf, "so 2024.xls", _ole(b"Workbook"))  # a real Excel 97-2003 file
    assert r.status_code == 400 and "Tệp «so 2024.xls» là định dạng Excel cũ (.xls, Excel 97-2003)" in r.text
    r = _post(c, csrf, "bang.xls", b"<html><table><tr><td>1</td></tr></table></html>")
    assert r.status_code == 400 and "thực chất là trang HTML" in r.text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # LibreOffice's own format
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    r = _post(c, csrf, "so 2026.ods", buf.getvalue())
    assert r.status_code == 400 and "Tệp «so 2026.ods» là bảng tính LibreOffice (.ods), không phải .xlsx." in r.text
    assert "Lưu thành" in r.text and ".xls cũ" not in r.text
    book = factory.write(tmp_path.parent / f"{tmp_path.name}_so.xlsx", factory.tables()).read_bytes()
    r = _post(c, csrf, "so_2026", book)  # a real workbook whose name lost its extension
    assert r.status_code == 400 and "«so_2026» là sổ Excel .xlsx nhưng tên tệp không có đuôi .xlsx" in r.text
    r = _post(c, csrf, "ghi chu.txt", b"ghi chu cua van thu\n")  # nothing the reader names: the web's own words
    assert r.status_code == 400 and "«ghi chu.txt» không phải sổ Excel .xlsx" in r.text and "hoso init" not in r.text
    r = _post(c, csrf, "nhan su.csv", "ma_so;ho_ten\r\nNS-01;Nguyễn Văn An\r\n".encode())  # exported by another program
    text = re.sub(r"\s+", " ", r.text)
    assert r.status_code == 400 and "Tệp «nhan su.csv» là tệp CSV" in text and "bảng mã Unicode UTF-8" in text, text
    assert ".xls cũ" not in text and "hoso init" not in text
    assert not list((tmp_path / "co_quan" / "VP" / "so").glob("*"))  # nothing refused was stored


def _section(*docs: dict, lan_dau: bool = False, renumbered: tuple = ()) -> dict:
    return {"lan_dau": lan_dau, "van_ban": list(docs), "khong_con": [], "chi_doi_so_trang": list(renumbered),
            "nguoi_thay_doi_du_lieu": [], "in_lai": "in_lai.pdf" if docs else None}


def test_a_build_again_before_printing_keeps_the_list_to_reprint(tmp_path):
    """A vote changed, built (two forms of unit HC to reprint), then built again with the same workbook before
    printing: the latest build changed nothing, but «Thay đổi, in lại» must still show the earlier list (its
    pages are still right because nothing changed since); not once a later build renumbered pages."""
    import json

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    for name, role, unit in (("vt", "van_thu", None), ("dv_sn", "van_thu_don_vi", "SN")):
        store.add_account(name, accounts.hash_password(PASSWORD), "VP", role, unit)
    minutes = {"tep": "don_vi/HC.pdf", "trang_dau": 3, "trang_cuoi": 7, "tieu_de": "Biên bản cuộc họp",
               "ly_do": "nội dung thay đổi", "ma_so": "", "ho_ten": "", "ma_don_vi": "HC"}
    form = {"tep": "ca_nhan/HC/NS-02.pdf", "trang_dau": 3, "trang_cuoi": 5, "tieu_de": "Phiếu đánh giá",
            "ly_do": "nội dung thay đổi", "ma_so": "NS-02", "ho_ten": "Trần Thị Bình", "ma_don_vi": "HC"}
    sections = [_section(lan_dau=True), _section(minutes, form), _section(), _section()]
    for i, section in enumerate(sections, 1):
        store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
                "VALUES ('VP', 1, 'vt', 'xong', ?, ?)", f"2026-12-05 01:0{i}:00+00:00", f"2026-12-05 01:0{i}:30+00:00")
        store.history_dir("VP", i).mkdir(parents=True)
        (store.history_dir("VP", i) / "manifest.json").write_text(json.dumps({"thay_doi": section}), "utf-8")
    store.output_dir("VP").mkdir(parents=True)
    (store.output_dir("VP") / "manifest.json").write_text(json.dumps({"thay_doi": sections[-1]}), "utf-8")
    app = create_app(tmp_path, start_queue=False)

    def page(name: str) -> str:
        c = app.test_client()
        token = _hidden(c.get("/dang-nhap").text, "csrf_token")
        assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": PASSWORD}).status_code == 302
        return c.get("/thay-doi").text

    html = page("vt")
    assert "Lần tạo số 4 (05/12/2026 08:04)" in html and 'id="khong_in_lai"' not in html  # day/month/year
    assert "Lần tạo số 2 (05/12/2026 08:02) có 2 văn bản phải in lại và ký lại" in html
    table = html[html.index('id="in_lai_truoc"'):]
    assert 'href="/tep/don_vi/HC.pdf#page=3"' in table and "Trần Thị Bình (NS-02)" in table
    assert 'href="/lan-tao/2/thay_doi.txt"' in html
    html = page("dv_sn")  # another unit's clerk: nothing of unit HC, and the usual line
    assert 'id="chua_in"' not in html and 'id="khong_in_lai"' in html
    # a build in between only renumbered pages: the old list's pages are no longer right, it is not shown
    (store.history_dir("VP", 3) / "manifest.json").write_text(
        json.dumps({"thay_doi": _section(renumbered=({"tep": "don_vi/HC.pdf", "tieu_de": "Mục lục", "ma_don_vi": "HC"},))}),
        "utf-8")
    html = page("vt")
    assert 'id="chua_in"' not in html and 'id="khong_in_lai"' in html
    # the build now keeps the list itself (changes.carry_pending, `giu_tu_lan_truoc`): said once, listed once
    carried = dict(_section(minutes, form), giu_tu_lan_truoc=True,
                   nguoi_thay_doi_du_lieu=[{"ma_so": "NS-02", "ho_ten": "Trần Thị Bình"}])
    (store.output_dir("VP") / "manifest.json").write_text(json.dumps({"thay_doi": carried}), "utf-8")
    html = page("vt")
    assert ('id="giu_tu_lan_truoc" class="warn">Lần tạo này không thay đổi văn bản nào so với lần trước; danh sách cần '
            "in lại của lần tạo trước (chưa đánh dấu đã in) được giữ nguyên: nếu chưa in, hãy in và ký lại các văn bản "
            "dưới đây.") in html
    assert 'id="chua_in"' not in html and 'id="khong_in_lai"' not in html and html.count("Trần Thị Bình (NS-02)") == 2
    # whose data changed: the kept list's people, said to be the earlier builds' (this build changed nothing)
    assert ('<p id="nguoi_thay_doi">Dữ liệu thay đổi (tính cả các lần tạo trước): Trần Thị Bình (NS-02).</p>'
            in html), html
    # another unit's clerk: the same line, and that nothing of her unit is on the kept list (not left to wonder)
    html = page("dv_sn")
    assert 'id="giu_tu_lan_truoc"' in html and "Trần Thị Bình" not in html
    assert '<p id="khong_in_lai">Không có văn bản nào phải in lại ở đơn vị này.</p>' in html


def test_a_units_documents_to_reprint_name_their_unit(tmp_path):
    """A vote changed in a hospital of five khoa (the reviewer's check, web35): the minutes and the proposal
    table of two khoa are to reprint. «Thay đổi, in lại» named the person of a person's form but left the
    unit's documents blank beside their titles: two rows «Biên bản cuộc họp…» told apart only by
    «don_vi/KNOI.pdf» and «don_vi/TCHC.pdf». Each now names its unit as the workbook names it."""
    import json

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password(PASSWORD), "BV", "van_thu", None)
    minutes = "Biên bản cuộc họp nhận xét, đánh giá, xếp loại chất lượng"
    docs = [{"tep": "don_vi/TCHC.pdf", "trang_dau": 3, "trang_cuoi": 5, "tieu_de": minutes, "ly_do": "nội dung thay đổi",
             "ma_so": "", "ho_ten": "", "ma_don_vi": "TCHC"},
            {"tep": "ca_nhan/TCHC/BV-15.pdf", "trang_dau": 3, "trang_cuoi": 5, "tieu_de": "Phiếu đánh giá",
             "ly_do": "nội dung thay đổi", "ma_so": "BV-15", "ho_ten": "Nguyễn Thị Mỹ Duyên", "ma_don_vi": "TCHC"},
            {"tep": "don_vi/KNOI.pdf", "trang_dau": 3, "trang_cuoi": 6, "tieu_de": minutes, "ly_do": "nội dung thay đổi",
             "ma_so": "", "ho_ten": "", "ma_don_vi": "KNOI"}]
    gone = [{"tep": "don_vi/KSAN.pdf", "tieu_de": "Bảng tổng hợp bình xét thi đua, khen thưởng", "ma_so": "", "ho_ten": "",
             "ma_don_vi": "KSAN"}]
    units = [{"ma_don_vi": "TCHC", "ten_don_vi": "Phòng Tổ chức - Hành chính"},
             {"ma_don_vi": "KNOI", "ten_don_vi": "Khoa Nội tổng hợp"}]  # KSAN no longer in the workbook: its code
    store.output_dir("BV").mkdir(parents=True)
    (store.output_dir("BV") / "manifest.json").write_text(json.dumps(
        {"files": [], "ca_nhan": [], "don_vi": units, "thay_doi": {**_section(*docs), "khong_con": gone}},
        ensure_ascii=False), "utf-8")
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('BV', 1, 'vt', 'xong', '2026-12-06 08:04:37+00:00', '2026-12-06 08:04:38+00:00')")
    c = create_app(tmp_path, start_queue=False).test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": PASSWORD}).status_code == 302
    html = c.get("/thay-doi").text
    table = html[html.index('<table id="in_lai"'):html.index("</table>", html.index('<table id="in_lai"'))]
    assert "<th>Người, đơn vị</th>" in table
    rows = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", r)] for r in table.split("<tr>")[2:]]
    assert [r[:2] for r in rows] == [[minutes, "Đơn vị Phòng Tổ chức - Hành chính (TCHC)"],
                                     ["Phiếu đánh giá", "Nguyễn Thị Mỹ Duyên (BV-15)"],
                                     [minutes, "Đơn vị Khoa Nội tổng hợp (KNOI)"]], rows
    assert re.search(r"<li>Bảng tổng hợp bình xét thi đua, khen thưởng — <span[^>]*>Đơn vị KSAN</span> — don_vi/KSAN.pdf</li>",
                     html), html


def test_the_package_downloaded_by_the_clerk_names_its_agency(tmp_path):
    """The Sở Nội vụ package saved from «Hồ sơ» was «ho_so_2026.zip», every agency's the same name (web35): it is
    saved as «<agency>_ho_so_2026.zip», as the Sở's page names it; a person's form keeps its own rule."""
    import json

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password(PASSWORD), "BVSH", "van_thu", None)
    out = store.output_dir("BVSH")
    (out / "ca_nhan/KNOI/BV-05").mkdir(parents=True)
    (out / "ho_so_2026.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (out / "ca_nhan/KNOI/BV-05/phieu_nd233.docx").write_bytes(b"PK")
    (out / "manifest.json").write_text(json.dumps(
        {"files": [{"path": "ho_so_2026.zip"}, {"path": "ca_nhan/KNOI/BV-05/phieu_nd233.docx"}], "ca_nhan": [],
         "don_vi": [], "nop_so_noi_vu": {"zip": "ho_so_2026.zip"}}), "utf-8")
    c = create_app(tmp_path, start_queue=False).test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": PASSWORD}).status_code == 302
    r = c.get("/tep/ho_so_2026.zip")
    assert r.status_code == 200 and r.headers["Content-Disposition"] == "attachment; filename=BVSH_ho_so_2026.zip"
    r = c.get("/tep/ca_nhan/KNOI/BV-05/phieu_nd233.docx")
    assert r.headers["Content-Disposition"] == "attachment; filename=BV-05_phieu_nd233.docx"


def test_a_unit_clerk_whose_unit_is_not_in_the_workbook_is_told_so(tmp_path):
    """An account made for unit «HCTH» while the agency's workbook names its units HC and SN (a code typed
    differently, or units renamed this year): every page says why nothing is shown, naming the units there;
    the clerk of unit SN sees no such line. Nothing of another unit becomes visible."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    for name, role, unit in (("vt", "van_thu", None), ("dv_sai", "van_thu_don_vi", "HCTH"),
                             ("dv_sn", "van_thu_don_vi", "SN")):
        store.add_account(name, accounts.hash_password(PASSWORD), "VP", role, unit)
    app = create_app(tmp_path, start_queue=False)
    c, csrf = _clerk_of(app, "vt")
    book = factory.write(tmp_path / "so.xlsx", factory.tables())
    assert _post(c, csrf, "so.xlsx", book.read_bytes()).status_code == 302
    wrong, _ = _clerk_of(app, "dv_sai")
    for path in ("/", "/xep-loai", "/ho-so", "/thay-doi"):
        html = re.sub(r"\s+", " ", wrong.get(path).text)
        assert ("Đơn vị «HCTH» của tài khoản này không có trong sổ Excel cơ quan đang dùng (các đơn vị trong sổ: "
                "HC, SN), nên chưa có kết quả hay hồ sơ nào để xem.") in html, path
    assert "NS-01" not in wrong.get("/xep-loai").text and "NS-04" not in wrong.get("/xep-loai").text
    right, _ = _clerk_of(app, "dv_sn")
    html = right.get("/xep-loai").text
    assert 'id="don_vi_khong_co"' not in html and "NS-04" in html and "NS-01" not in html


def _clerk_of(app, name: str):
    c = app.test_client()
    token = _hidden(c.get("/dang-nhap").text, "csrf_token")
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": PASSWORD}).status_code == 302
    return c, _hidden(c.get("/mat-khau").text, "csrf_token")


def test_a_newer_upload_with_errors_is_not_silently_replaced_by_the_older_one(tmp_path):
    """The clerk changes a vote, uploads again with a mistake (more votes than people at the meeting) and
    goes on: «Tạo hồ sơ» and «Xếp loại» still use the earlier valid workbook and must say so, naming both
    uploads and linking the errors; once a valid workbook is uploaded again the line is gone."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    Store(tmp_path).add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    Store(tmp_path).add_account("dv", accounts.hash_password(PASSWORD), "VP", "van_thu_don_vi", "HC")
    app = create_app(tmp_path, start_queue=False)
    c, csrf = _clerk_of(app, "vt")
    t = factory.tables()
    assert _post(c, csrf, "ho_so.xlsx", factory.write(tmp_path / "a.xlsx", t).read_bytes()).status_code == 302
    for path in ("/tao-ho-so", "/xep-loai"):
        assert 'id="so_moi_loi"' not in c.get(path).text
    t["BieuQuyet"][1].update(phieu_htt=9)  # NS-02: 9 + 1 votes, 3 at the meeting
    broken = _post(c, csrf, "ho_so.xlsx", factory.write(tmp_path / "b.xlsx", t).read_bytes())
    assert broken.status_code == 302
    errors_page = broken.headers["Location"]
    for path, what in (("/tao-ho-so", "hồ sơ sẽ được tạo từ sổ"), ("/xep-loai", "kết quả dưới đây là của sổ")):
        html = re.sub(r"\s+", " ", c.get(path).text)
        line = html[html.index('id="so_moi_loi"'):]
        line = line[:line.index("</p>")]
        assert re.search(r"Sổ tải lên sau cùng «ho_so\.xlsx» \(lúc \d\d/\d\d/\d{4} [\d:]+\) có [1-9]\d* lỗi nên chưa được dùng: "
                         + what + r" «ho_so\.xlsx» tải lên lúc \d\d/\d\d/\d{4} [\d:]+, chưa có các sửa đổi mới\.", line), line
        assert f'href="{errors_page}"' in line
    html = c.get("/xep-loai").text
    assert "NS-02" in html  # the earlier ratings are still shown, and say which workbook they come from
    assert re.search(r'id="theo_so">Theo sổ «ho_so\.xlsx» tải lên lúc \d\d/\d\d/\d{4} [\d:]+\.</p>', html)
    unit, _ = _clerk_of(app, "dv")  # a unit clerk does not upload: no such line
    assert 'id="so_moi_loi"' not in unit.get("/xep-loai").text
    t["BieuQuyet"][1].update(phieu_htt=3, phieu_ht=0)
    assert _post(c, csrf, "ho_so.xlsx", factory.write(tmp_path / "c.xlsx", t).read_bytes()).status_code == 302
    for path in ("/tao-ho-so", "/xep-loai"):
        assert 'id="so_moi_loi"' not in c.get(path).text


def test_every_error_page_is_in_vietnamese(tmp_path, monkeypatch):
    """A bookmarked button's address opened directly (405), a form posted with nothing to act on (400) and
    a fault inside a page (500) answer with the site's own page in Vietnamese, never werkzeug's English
    page or a traceback."""
    c, csrf = _clerk(tmp_path)
    r = c.get("/nop-so-noi-vu")
    assert r.status_code == 405 and "Địa chỉ này chỉ dùng qua nút bấm trên trang" in r.text
    r = c.post("/tao-ho-so", data={"csrf_token": csrf})  # no valid workbook yet
    assert r.status_code == 400 and "Yêu cầu không hợp lệ hoặc biểu mẫu đã cũ" in r.text
    from pipeline.web.store import Store

    def broken(self, ma):
        raise RuntimeError("manifest unreadable")

    monkeypatch.setattr(Store, "manifest", broken)
    r = c.get("/ho-so")
    assert r.status_code == 500 and "Chương trình gặp lỗi khi xử lý yêu cầu này" in r.text
    for english in ("Method Not Allowed", "Bad Request", "Internal Server Error", "Traceback", "RuntimeError"):
        assert english not in r.text
    assert "Đăng xuất" in r.text  # the site's page, with its header


def test_refused_forms_say_why_in_words(tmp_path):
    """What a clerk meets after a long pause: a login page open past its token's hour (the cookie gone), a
    form posted after logging out, a form from an earlier login: each is refused (403) with its reason and
    nothing done; the login page comes back ready to use."""
    from pipeline.web import accounts
    from pipeline.web.app import LOGIN_COOKIE, create_app
    from pipeline.web.store import Store

    Store(tmp_path).add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    app = create_app(tmp_path, start_queue=False)
    c = app.test_client()
    old = _hidden(c.get("/dang-nhap").text, "csrf_token")
    c.delete_cookie(LOGIN_COOKIE)  # its max-age passed
    r = c.post("/dang-nhap", data={"csrf_token": old, "ten": "vt", "mat_khau": PASSWORD})
    assert r.status_code == 403 and "Trang đăng nhập đã mở quá lâu nên chưa đăng nhập được" in r.text
    assert c.get("/").status_code == 302  # not logged in
    token = _hidden(r.text, "csrf_token")  # the page it gave works
    assert c.post("/dang-nhap", data={"csrf_token": token, "ten": "vt", "mat_khau": PASSWORD}).status_code == 302
    csrf = _hidden(c.get("/so-excel").text, "csrf_token")
    r = c.post("/tao-ho-so", data={"csrf_token": "tu-phien-truoc"})  # a form of an earlier session
    assert r.status_code == 403 and "Biểu mẫu này được mở từ một phiên đăng nhập trước" in r.text
    assert c.post("/dang-xuat", data={"csrf_token": csrf}).status_code == 302
    r = c.post("/tao-ho-so", data={"csrf_token": csrf})
    assert r.status_code == 403 and "Phiên đăng nhập đã hết hoặc đã đăng xuất nên việc này chưa được thực hiện" in r.text
    assert "Bạn không có quyền" in _clerk_of(app, "vt")[0].get("/so-noi-vu").text  # a role's refusal: as before


def test_a_changed_period_result_names_the_person_whose_data_changed(tmp_path):
    """Seen on «Thay đổi, in lại» of a 2026 workbook: one month's «Điểm tiêu chí chung» of one person
    changed, their forms were listed to reprint, but «Dữ liệu thay đổi» did not name them — the person's
    fingerprint left out KetQuaKy and SanPham. Now a change there changes that person's fingerprint only."""
    from openpyxl import load_workbook

    from pipeline import ingest
    from pipeline.submission.changes import person_fingerprints

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    before = person_fingerprints(ingest.load(sample))
    wb = load_workbook(sample)
    head = [c.value for c in wb["KetQuaKy"][1]]
    row = next(r for r in wb["KetQuaKy"].iter_rows(min_row=2) if r[0].value == "VP-005" and r[1].value == "2026-03")
    row[head.index("diem_tieu_chi_chung")].value = 10
    wb.save(tmp_path / "ky.xlsx")
    after = person_fingerprints(ingest.load(tmp_path / "ky.xlsx"))
    assert {m for m in before if before[m] != after[m]} == {"VP-005"}
    wb = load_workbook(sample)
    head = [c.value for c in wb["SanPham"][1]]
    product = next(r for r in wb["SanPham"].iter_rows(min_row=2) if r[0].value != "VP-005")
    product[head.index("so_lan_cham")].value = (product[head.index("so_lan_cham")].value or 0) + 1
    wb.save(tmp_path / "sp.xlsx")
    after = person_fingerprints(ingest.load(tmp_path / "sp.xlsx"))
    assert {m for m in before if before[m] != after[m]} == {product[0].value}


def test_rows_moved_in_the_sheets_name_nobody_whose_data_is_the_same(tmp_path):
    """The clerk inserts a row in NhanSu under VP-001 (row 3, to type a newcomer later) and five rows at the top of
    KetQuaKy, or deletes a person: every row below moves. A record's repr holds its row number, so every person
    below was named «dữ liệu thay đổi» (seen: one teacher deleted, the next three named). Now nobody whose data
    is the same is named; a change of VP-005's own data still names her; a fingerprint recorded before (the rows
    in it) compares as it did."""
    from openpyxl import load_workbook

    from pipeline import ingest
    from pipeline.submission.changes import FINGERPRINTS, ROWLESS, compare, person_fingerprints

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    before = person_fingerprints(ingest.load(sample))

    def people(old: dict[str, str], new: dict[str, str]) -> set[str]:
        changed = compare({"ca_nhan": [], "don_vi": [], FINGERPRINTS: old}, {"ca_nhan": [], "don_vi": [], FINGERPRINTS: new},
                          old_root=None, new_root=None)
        return {m for m, _ in changed.people}

    wb = load_workbook(sample)
    assert wb["NhanSu"]["A2"].value == "VP-001"
    wb["NhanSu"].insert_rows(3)
    wb["KetQuaKy"].insert_rows(2, 5)
    wb.save(tmp_path / "dong.xlsx")
    moved = person_fingerprints(ingest.load(tmp_path / "dong.xlsx"))
    assert all(before[m] != moved[m] for m in before)  # the premise: every record's row moved (KetQuaKy: everyone)
    assert people(before, moved) == set()
    recorded = {m: fp.partition(ROWLESS)[2] for m, fp in before.items()}  # what the version before wrote
    assert people(recorded, person_fingerprints(ingest.load(sample))) == set()

    head = [c.value for c in wb["NhanSu"][1]]
    row = next(r for r in wb["NhanSu"].iter_rows(min_row=2) if r[0].value == "VP-005")
    row[head.index("ghi_chu")].value = "Chuyển từ đơn vị khác"
    wb.save(tmp_path / "dong_ns.xlsx")
    assert people(before, person_fingerprints(ingest.load(tmp_path / "dong_ns.xlsx"))) == {"VP-005"}


def test_a_folder_built_before_the_periods_counted_names_nobody_after_the_upgrade(tmp_path):
    """A 2026 folder built by the version whose fingerprints left out KetQuaKy and SanPham: rebuilt
    from the same workbook by this one, «Dữ liệu thay đổi» names nobody (it named all 40 people); a
    person whose own rows changed is still named."""
    from openpyxl import load_workbook

    from pipeline import ingest
    from pipeline.submission.changes import FINGERPRINTS, compare, person_fingerprints

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    now = person_fingerprints(ingest.load(sample))
    recorded = {m: fp.partition("+")[2] or fp for m, fp in now.items()}  # what the older version wrote
    assert recorded != now

    def people(old: dict[str, str], new: dict[str, str]) -> set[str]:
        changed = compare({"ca_nhan": [], "don_vi": [], FINGERPRINTS: old}, {"ca_nhan": [], "don_vi": [], FINGERPRINTS: new},
                          old_root=None, new_root=None)
        return {m for m, _ in changed.people}

    assert people(recorded, now) == set() and people(now, now) == set()
    wb = load_workbook(sample)
    head = [c.value for c in wb["NhanSu"][1]]
    row = next(r for r in wb["NhanSu"].iter_rows(min_row=2) if r[0].value == "VP-005")
    row[head.index("ghi_chu")].value = "Chuyển từ đơn vị khác"
    wb.save(tmp_path / "ns.xlsx")
    assert people(recorded, person_fingerprints(ingest.load(tmp_path / "ns.xlsx"))) == {"VP-005"}


def test_the_reprint_table_fits_a_phone(tmp_path):
    """Seen in Chromium at 390×844 with a real one-person change (long form titles and file names): the
    page of what to reprint was wider than the screen. The page as served, with the site's CSS, laid out
    by the browser: it is no wider than the phone (the tables scroll inside their box)."""
    import json
    import shutil

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    assert shutil.which("chromium") and shutil.which("chromedriver"), \
        "chromium and chromium-driver are required: run ./bootstrap.sh test"
    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    doc = {"tep": "ca_nhan/HCQT/VX-005.pdf", "trang_dau": 3, "trang_cuoi": 5, "ly_do": "nội dung thay đổi",
           "tieu_de": "Phiếu đánh giá, xếp loại chất lượng công chức (Nghị định 335/2025/NĐ-CP)",
           "ma_so": "VX-005", "ho_ten": "Hoàng Thị Ánh Bình", "ma_don_vi": "HCQT"}
    section = _section(doc, dict(doc, tieu_de="Kết quả theo dõi, đánh giá từng tháng, quý", trang_dau=7, trang_cuoi=7))
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 04:44:46', '2026-12-06 04:44:48')")
    store.output_dir("VP").mkdir(parents=True)
    (store.output_dir("VP") / "manifest.json").write_text(json.dumps({"thay_doi": section}), "utf-8")
    c, _ = _clerk_of(create_app(tmp_path / "du_lieu", start_queue=False), "vt")
    page = c.get("/thay-doi").text
    assert 'id="in_lai"' in page
    with phone_page(page, c.get("/kieu.css").text, tmp_path) as d:
        inner = d.execute_script("return window.innerWidth")
        assert inner == 390
        assert d.execute_script("return document.documentElement.scrollWidth") <= inner
        assert d.execute_script("return document.getElementById('in_lai').offsetWidth") > 0


def test_the_home_page_names_the_agency_before_any_build(tmp_path):
    """Before the first build the home page's title was the bare code («VP»): after a valid upload it is the
    agency's name from the workbook; an upload with errors does not change it."""
    c, csrf = _clerk(tmp_path)
    home = c.get("/").text
    assert re.search(r"<h1>\s*Cơ quan VP\s*</h1>", home)  # nothing uploaded yet: the code is all there is
    # and the first step says where to begin: the blank workbook, filled in Excel
    assert 'id="bat_dau"' in home and 'href="/so-excel/mau-trong.xlsx"' in home
    t = factory.tables()
    assert _post(c, csrf, "so.xlsx", factory.write(tmp_path.parent / f"{tmp_path.name}_a.xlsx", t).read_bytes()
                 ).status_code == 302
    assert "<h1>Văn phòng UBND tỉnh Thử Nghiệm</h1>" in c.get("/").text
    t["CoQuan"][0] = ("ten_co_quan", "Sở Khác")
    t["NhanSu"][0]["ma_don_vi"] = "KHONG_CO"  # an error: this upload is not used
    assert _post(c, csrf, "so.xlsx", factory.write(tmp_path.parent / f"{tmp_path.name}_b.xlsx", t).read_bytes()
                 ).status_code == 302
    assert "<h1>Văn phòng UBND tỉnh Thử Nghiệm</h1>" in c.get("/").text


def test_sending_a_package_of_proposed_levels_is_flagged_before_the_button(tmp_path):
    """«Hồ sơ» of the agency clerk: when people in the built package have only a proposed level (no decision
    of the competent level in the workbook), the line under «Gửi bộ hồ sơ này cho Sở Nội vụ» says how many;
    none when every level is decided. Worked by hand: 2 decided, 3 proposed only, 1 without any level → 3."""
    import json

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    store.add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"files": [{"path": "ket_qua_xep_loai.json", "sha256": "0"}]}),
                                       "utf-8")

    def rated(*levels: tuple) -> None:
        people = [{"ma_so": f"NS-{i}", "muc_quyet_dinh": d, "muc_de_xuat": p} for i, (d, p) in enumerate(levels)]
        (out / "ket_qua_xep_loai.json").write_text(json.dumps({"nguoi": people}), "utf-8")

    rated(("HTT", "HTT"), ("HT", "HTT"), (None, "HTXS"), (None, "HTT"), (None, "KHT"), (None, None))
    c, _ = _clerk_of(create_app(tmp_path, start_queue=False), "vt")
    html = re.sub(r"\s+", " ", c.get("/ho-so").text)
    assert 'id="nop"' in html
    assert "3 người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định" in html
    rated(("HTT", "HTT"), ("HT", "HTT"), (None, None))
    assert 'id="chua_quyet_dinh"' not in c.get("/ho-so").text


def test_monthly_results_from_a_kpi_export_go_into_a_copy_that_is_checked_and_can_be_downloaded(tmp_path):
    """`hoso nhap-ket-qua` on the web: the export goes into a copy of the upload, which becomes a new upload
    (checked, rated); the page says what was imported and which rows were not, with why; the clerk's own
    upload is kept as sent; the copy downloads; another agency's clerk cannot reach any of it."""
    import openpyxl

    from pipeline.resources import sample_workbook
    from pipeline.web import accounts
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    c, csrf = _clerk(data)
    sample = sample_workbook(2026).read_bytes()  # VP-021 has no October result: no level
    r = _post(c, csrf, "Đánh giá 2026.xlsx", sample)
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    page = c.get(f"/so-excel/{first}").text
    assert f'href="/so-excel/{first}/nhap-ket-qua"' in page
    row = next(tr for tr in c.get("/xep-loai").text.split("<tr") if "VP-021" in tr)
    assert "Thiếu kết quả kỳ tháng 10/2026" in row and "2026-10" not in row  # the period named, not its code
    export = ("Mã CB;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
              "VP-021;Huỳnh Văn Cường;10/2026;25;100;85;80\n"
              "VP-004;Phạm Văn Long;10/2026;20;100;80;80\n").encode()
    r = _post(c, csrf, "kpi thang 10.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 302, r.text
    second = int(r.headers["Location"].rsplit("/", 1)[1])
    assert second != first
    page = re.sub(r"\s+", " ", c.get(f"/so-excel/{second}").text)
    assert "Kiểm tra «Đánh giá 2026_nhap_ket_qua.xlsx»" in page
    assert "Kết quả tháng, quý đã nhập từ «kpi thang 10.csv»" in page
    assert "sheet KetQuaKy thêm 1 dòng, thay 0 dòng" in page
    assert ("Dòng 3 (VP-004): mã số «VP-004» trong sheet NhanSu là Phạm Minh Tuấn, tệp xuất ghi «Phạm Văn Long»"
            in page)
    # the copy is rated with October: VP-021 now has a level on the ratings page
    ratings = c.get("/xep-loai").text
    row = next(tr for tr in ratings.split("<tr") if "VP-021" in tr)
    assert "Thiếu kết quả kỳ" not in row
    # the clerk's own upload is as sent; the copy downloads with its results
    assert c.get(f"/so-excel/{first}/so.xlsx").data == sample
    got = c.get(f"/so-excel/{second}/so.xlsx")
    assert got.status_code == 200 and "nhap_ket_qua.xlsx" in got.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.data))
    assert ("VP-021", "2026-10") in {(r[0], r[1]) for r in book["KetQuaKy"].iter_rows(min_row=2, values_only=True)}
    # the same export again into the copy: nothing new, said as such (no error, no new upload)
    uploads = c.get("/so-excel").text.count("_nhap_ket_qua")
    only_new = "Mã CB;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\nVP-021;Huỳnh Văn Cường;10/2026;25;100;85;80\n"
    r = _post(c, csrf, "kpi thang 10.csv", only_new.encode(), f"/so-excel/{second}/nhap-ket-qua", "ket_qua")
    said = re.sub(r"\s+", " ", r.text)
    assert r.status_code == 200 and 'id="loi"' not in said, said
    assert ("Sổ «Đánh giá 2026_nhap_ket_qua.xlsx» đã có đủ kết quả trong tệp «kpi thang 10.csv» (1 dòng cùng người, "
            "cùng kỳ, cùng kết quả): không có gì mới để nhập, không tạo bản sao mới.") in said
    assert c.get("/so-excel").text.count("_nhap_ket_qua") == uploads
    # a product export: imported once into a new copy; the same again is nothing new either (it made another copy,
    # the period's products removed and added back)
    products = ("Mã CB;Họ và tên;Tháng;Tên công việc;Trạng thái;Điểm tiêu chí chung\n"
                "VP-021;Huỳnh Văn Cường;10/2026;Báo cáo tháng 10;Hoàn thành;25\n").encode()
    r = _post(c, csrf, "san pham 10.csv", products, f"/so-excel/{second}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 302, r.text
    third = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "sheet SanPham thêm 1 dòng sản phẩm, bỏ 0 dòng cũ" in re.sub(r"\s+", " ", c.get(f"/so-excel/{third}").text)
    uploads = c.get("/so-excel").text.count("_nhap_ket_qua")
    r = _post(c, csrf, "san pham 10.csv", products, f"/so-excel/{third}/nhap-ket-qua", "ket_qua")
    said = re.sub(r"\s+", " ", r.text)
    assert r.status_code == 200 and 'id="loi"' not in said, said
    assert ("đã có đủ kết quả trong tệp «san pham 10.csv» (1 dòng cùng người, cùng kỳ, cùng kết quả; 1 dòng sản phẩm "
            "cùng người, cùng kỳ, cùng nội dung): không có gì mới để nhập, không tạo bản sao mới.") in said, said
    assert c.get("/so-excel").text.count("_nhap_ket_qua") == uploads
    # an export the server cannot read says why, on the import page, and makes no upload
    r = _post(c, csrf, "kpi.csv", b"a;b;c\n1;2;3\n", f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 400 and "Không nhận ra cột" in r.text
    assert "--anh-xa" not in r.text and "Sửa tiêu đề các cột trong tệp kết quả" in r.text  # a browser has no CLI
    r = _post(c, csrf, "kpi.xlsx", b"not a workbook", f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 400
    assert "Đánh giá 2026_nhap_ket_qua_nhap_ket_qua" not in c.get("/so-excel").text
    # another agency's clerk: 404 for the page, the import and the download
    Store(data).add_account("khac", accounts.hash_password(PASSWORD), "SYT", "van_thu", None)
    other = c.application.test_client()
    token = _hidden(other.get("/dang-nhap").text, "csrf_token")
    assert other.post("/dang-nhap", data={"csrf_token": token, "ten": "khac", "mat_khau": PASSWORD}).status_code == 302
    other_csrf = _hidden(other.get("/so-excel").text, "csrf_token")
    assert other.get(f"/so-excel/{first}/nhap-ket-qua").status_code == 404
    assert other.get(f"/so-excel/{second}/so.xlsx").status_code == 404
    r = _post(other, other_csrf, "kpi.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 404
    # the agency's unit clerk sees only her unit: never the whole workbook
    Store(data).add_account("donvi", accounts.hash_password(PASSWORD), "VP", "van_thu_don_vi", "HCQT")
    unit = c.application.test_client()
    token = _hidden(unit.get("/dang-nhap").text, "csrf_token")
    assert unit.post("/dang-nhap", data={"csrf_token": token, "ten": "donvi", "mat_khau": PASSWORD}).status_code == 302
    assert unit.get(f"/so-excel/{second}/so.xlsx").status_code == 403
    assert unit.get(f"/so-excel/{first}/nhap-ket-qua").status_code == 403


def test_a_word_file_named_xlsx_is_named_as_the_clerk_sent_it(tmp_path):
    """A .docx renamed .xlsx is a zip: stored, then the reader refuses it naming the file it opened, kept under
    its id («1.xlsx»). The page names the file the clerk chose."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    c, csrf = _clerk(tmp_path)
    r = _post(c, csrf, "Danh sach 2026.xlsx", buf.getvalue())
    html = re.sub(r"\s+", " ", c.get(r.headers["Location"]).text)
    assert "Tệp «Danh sach 2026.xlsx» là văn bản Word (.docx), không phải sổ Excel (.xlsx)." in html, html
    assert "«1.xlsx»" not in html


def test_hidden_rows_and_merged_codes_are_on_the_check_page(tmp_path):
    """The web's check table shows what `hoso check` says of a filtered sheet and of a unit code merged over its
    people: one row each, with its words and what to do."""
    import openpyxl

    book = factory.write(tmp_path / "so.xlsx", factory.tables())
    wb = openpyxl.load_workbook(book)
    ws = wb["NhanSu"]
    ws.row_dimensions[3].hidden = True
    unit = factory.letter("NhanSu", "ma_don_vi")
    ws.merge_cells(f"{unit}5:{unit}7")  # Trung tâm Tin học's three people
    wb.save(book)
    c, csrf = _clerk(tmp_path / "du_lieu")
    r = _post(c, csrf, "so.xlsx", book.read_bytes())
    assert r.status_code == 302
    html = c.get(r.headers["Location"]).text
    hidden = next(tr for tr in html.split("<tr") if "đang bị ẩn" in tr)
    assert "(dòng 3)" in hidden and "người ở dòng ẩn vẫn được đánh giá" in hidden and "xóa dòng của người đó" in hidden
    merged = next(tr for tr in html.split("<tr") if "Vùng ô gộp" in tr)
    assert f"{unit}5:{unit}7" in merged and "được đọc cho từng dòng 5–7" in merged and "bỏ gộp ô (Unmerge)" in merged


def test_a_2025_workbook_offers_no_kpi_import_and_the_import_page_says_why(tmp_path):
    """A 2025 workbook is rated under ND 90 (as amended by ND 48): no monthly or quarterly results, so the check page
    offered an import that led nowhere (a copy with a KetQuaKy sheet the rating ignores). Now the link is not
    there; the import's address typed in says why in words, and a POST there imports nothing and makes no upload."""
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    c, csrf = _clerk(data)
    r = _post(c, csrf, "Đánh giá 2025.xlsx", factory.of_year(tmp_path / "so.xlsx", 2025).read_bytes())
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    page = c.get(f"/so-excel/{first}").text
    assert "Kiểm tra «Đánh giá 2025.xlsx»" in page
    assert 'id="nhap_kq"' not in page and "/nhap-ket-qua" not in page
    why = ("Sổ này là sổ năm đánh giá 2025, xếp loại theo Nghị định 90/2020/NĐ-CP, sửa đổi, bổ sung bởi Nghị định "
           "48/2023/NĐ-CP: năm 2025 không tính điểm từ kết quả từng tháng, quý (sheet KetQuaKy, SanPham), nên kết quả "
           "xuất từ phần mềm theo dõi, đánh giá (KPI) không được dùng để xếp loại. Nhập kết quả tháng, quý chỉ dùng "
           "cho sổ từ năm 2026.")
    got = c.get(f"/so-excel/{first}/nhap-ket-qua")
    text = re.sub(r"\s+", " ", got.text)
    assert got.status_code == 200 and why in text and 'name="ket_qua"' not in text
    export = ("Mã CB;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
              "NS-01;Nguyễn Văn An;10/2025;25;100;85;80\n").encode()
    r = _post(c, csrf, "kpi.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 400 and why in re.sub(r"\s+", " ", r.text)
    assert [row["id"] for row in Store(data).q("SELECT id FROM so")] == [first]  # no copy made
    # a 2026 workbook keeps the link (the other tests import into it)
    r = _post(c, csrf, "Đánh giá 2026.xlsx", factory.of_year(tmp_path / "so26.xlsx", 2026).read_bytes())
    second = int(r.headers["Location"].rsplit("/", 1)[1])
    assert f'href="/so-excel/{second}/nhap-ket-qua"' in c.get(f"/so-excel/{second}").text


def test_a_damaged_workbook_is_named_as_the_clerk_sent_it_and_offers_no_kpi_import(tmp_path):
    """A workbook cut short (saved while the USB stick was pulled out): its check page said so, yet offered to
    import monthly results into it; the import then failed naming «…_nhap_ket_qua.xlsx», the server's copy,
    which the clerk never had. Now the check page has no such link; the import page, its address typed in,
    says the workbook cannot be read and what to do, and a POST there imports nothing. The same cut file sent as
    last year's workbook («Tạo sổ năm nay») was answered by a bare error page naming «nam_truoc.xlsx»: now the
    page «Sổ Excel» with the clerk's name for it and its three forms whole (the blank workbook's years listed)."""
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    c, csrf = _clerk(data)
    whole = factory.of_year(tmp_path / "so26.xlsx", 2026).read_bytes()
    cut = whole[:len(whole) // 2]
    r = _post(c, csrf, "Sổ 2026 (bản sửa).xlsx", cut)
    assert r.status_code == 302
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    page = re.sub(r"\s+", " ", c.get(f"/so-excel/{first}").text)
    assert "Tệp «Sổ 2026 (bản sửa).xlsx» bị hỏng hoặc chưa lưu xong" in page, page
    assert 'id="nhap_kq"' not in page and "/nhap-ket-qua" not in page
    why = ("Chưa nhập được kết quả tháng, quý vào sổ này: sửa sổ trong Excel, tải lên lại ở trang Sổ Excel, rồi nhập "
           "kết quả vào sổ mới tải lên.")
    got = c.get(f"/so-excel/{first}/nhap-ket-qua")
    text = re.sub(r"\s+", " ", got.text)
    assert got.status_code == 200 and why in text and 'name="ket_qua"' not in text
    assert "Tệp «Sổ 2026 (bản sửa).xlsx» bị hỏng hoặc chưa lưu xong" in text
    export = ("Mã CB;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
              "NS-01;Nguyễn Văn An;10/2026;25;100;85;80\n").encode()
    r = _post(c, csrf, "kpi.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 400 and why in re.sub(r"\s+", " ", r.text) and "_nhap_ket_qua" not in r.text
    assert [row["id"] for row in Store(data).q("SELECT id FROM so")] == [first]  # no copy made
    # an upload checked before its problem was flagged unreadable (a server of an older version): the same
    r = _post(c, csrf, "Sổ cũ.xlsx", cut)
    older = int(r.headers["Location"].rsplit("/", 1)[1])
    store = Store(data)
    kept = store.one("SELECT van_de FROM so WHERE id=?", older)["van_de"]
    store.x("UPDATE so SET van_de=? WHERE id=?", kept.replace(', "khong_doc_duoc": 1', ""), older)
    assert "khong_doc_duoc" not in store.one("SELECT van_de FROM so WHERE id=?", older)["van_de"]
    assert 'id="nhap_kq"' not in c.get(f"/so-excel/{older}").text
    assert why in re.sub(r"\s+", " ", c.get(f"/so-excel/{older}/nhap-ket-qua").text)
    # the whole workbook keeps the link
    r = _post(c, csrf, "Sổ 2026.xlsx", whole)
    assert f'href="/so-excel/{int(r.headers["Location"].rsplit("/", 1)[1])}/nhap-ket-qua"' in c.get(
        r.headers["Location"]).text
    # the cut file as last year's workbook
    r = _post(c, csrf, "Sổ 2025 của phòng.xlsx", cut, "/so-excel/nam-sau", "so_nam_truoc")
    text = re.sub(r"\s+", " ", r.text)
    assert r.status_code == 400 and 'id="loi"' in text
    assert "Tệp «Sổ 2025 của phòng.xlsx» bị hỏng hoặc chưa lưu xong" in text and "nam_truoc.xlsx" not in text, text
    assert 'id="so_nam_truoc"' in text and 'id="so"' in text
    years = re.findall(r'<option value="(\d{4})"', text[text.index('id="nam_so_trong"'):])
    assert "2026" in years and len(years) >= 2, years


def test_a_second_kpi_export_with_other_headers_is_reported_in_words(tmp_path):
    """The server keeps the columns of the agency's last import; an export of next month with other headers
    showed one line per column naming the sheet's keys («Cột «Kỳ» (ánh xạ cho «ky») không có trong tệp
    xuất…», four of them) and a row of another year by its code («kỳ 2025-10»). Now one line names the
    columns, no key, and the period is named as the papers name it."""
    from pipeline.resources import sample_workbook

    c, csrf = _clerk(tmp_path / "du_lieu")
    r = _post(c, csrf, "so.xlsx", sample_workbook(2026).read_bytes())
    first = int(r.headers["Location"].rsplit("/", 1)[1])
    export = ("Mã CB,Họ và tên,Kỳ,Điểm tiêu chí chung,Số lượng %,Chất lượng %,Tiến độ %\n"
              "VP-021,Huỳnh Văn Cường,2026-10,25,100,85,80\n").encode()
    assert _post(c, csrf, "kpi1.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua").status_code == 302
    export = ("STT,Mã CB,Họ và tên,Tháng,Năm,Điểm tiêu chí chung,Số lượng,Chất lượng,Tiến độ\n"
              "1,VP-021,Huỳnh Văn Cường,10,2026,26,100,85,80\n"
              "2,VP-010,Đỗ Văn Ưng,10,2025,27,100,95,90\n").encode()
    r = _post(c, csrf, "kpi2.csv", export, f"/so-excel/{first}/nhap-ket-qua", "ket_qua")
    assert r.status_code == 302, r.text
    page = re.sub(r"\s+", " ", c.get(r.headers["Location"]).text)
    section = page[page.index('id="nhap_ket_qua"'):page.index("</section>")]
    assert "ánh xạ" not in section and "«ky»" not in section and "ty_le_" not in section, section
    assert ("Tệp này không có các cột «Kỳ», «Số lượng %», «Chất lượng %», «Tiến độ %» như tệp nhập lần trước: "
            "các cột được nhận theo tiêu đề của tệp này") in section, section
    assert "Dòng 3 (VP-010): kỳ tháng 10/2025 không thuộc năm đánh giá 2026" in section, section
    assert "2025-10" not in section


def test_the_blank_workbook_is_of_the_year_the_clerk_chooses(tmp_path, monkeypatch):
    """«Tải sổ trống» always gave 2026's example periods and no year, where `hoso init --nam` gives the year's. Now
    the page offers the evaluation years (this campaign's chosen: January is still last year's campaign), the
    workbook has the year filled in and that year's sheets, and is named with the year; a year the program does
    not cover is refused in words, and a form without its CSRF token is refused."""
    import datetime as dt

    import openpyxl

    from pipeline import clock
    from pipeline.ingest import blank

    assert [clock.campaign_year(dt.date(*d)) for d in ((2026, 12, 6), (2027, 1, 31), (2027, 2, 1), (2026, 6, 1))] == [
        2026, 2026, 2027, 2026]
    monkeypatch.setenv("HOSO_HOM_NAY", "2027-01-10")  # the 2026 campaign's papers, finished in January
    c, csrf = _clerk(tmp_path)
    assert 'href="/so-excel/mau-trong.xlsx">tải sổ trống năm 2026 (mẫu nhập liệu)</a>' in c.get("/").text
    page = c.get("/so-excel").text
    assert '<option value="2026" selected>2026</option>' in page
    assert re.findall(r'<option value="(\d+)"', page) == [str(y) for y in range(2027, 2019, -1)]

    def year_of(data: bytes) -> tuple[object, list[str], str]:
        wb = openpyxl.load_workbook(io.BytesIO(data))
        agency = wb["CoQuan"]
        year = next(row[1].value for row in agency.iter_rows() if row[0].value == "Năm đánh giá")
        guide = " ".join(str(cell.value) for row in wb[blank.GUIDE].iter_rows() for cell in row if cell.value)
        return year, wb.sheetnames, guide

    r = c.get("/so-excel/mau-trong.xlsx")  # the home page's link: this campaign's year
    assert r.status_code == 200 and "ho_so_danh_gia_2026.xlsx" in r.headers["Content-Disposition"]
    year, sheets, guide = year_of(r.data)
    assert year == 2026 and "KetQuaKy" in sheets and "2026-01 … 2026-12" in guide

    r = c.post("/so-excel/mau-trong.xlsx", data={"csrf_token": csrf, "nam": "2024"})
    assert r.status_code == 200 and "ho_so_danh_gia_2024.xlsx" in r.headers["Content-Disposition"]
    year, sheets, guide = year_of(r.data)
    assert year == 2024 and "KetQuaKy" not in sheets and "SanPham" not in sheets and "NhanSu" in sheets

    r = c.post("/so-excel/mau-trong.xlsx", data={"csrf_token": csrf, "nam": "2027"})  # next year's, prepared early
    year, sheets, guide = year_of(r.data)
    assert year == 2027 and "2027-01 … 2027-12" in guide and "2026-01" not in guide

    for typed in ("2019", "2028", "abc", "", "２０２６"):
        r = c.post("/so-excel/mau-trong.xlsx", data={"csrf_token": csrf, "nam": typed})
        assert r.status_code == 400 and r.mimetype == "text/html", typed
        assert (f"Năm đánh giá «{typed}» không có: chọn một năm từ 2020 đến 2027 trong danh sách rồi bấm «Tải sổ "
                "trống».") in r.text, typed
        assert 'id="loi_nam"' in r.text and 'id="cac_lan_tai"' not in r.text
    r = c.post("/so-excel/mau-trong.xlsx", data={"nam": "2026"})  # no CSRF token
    assert r.status_code == 403 and r.mimetype == "text/html"


def test_twelve_rows_with_the_same_fault_are_one_line_of_the_check_table(tmp_path):
    """VP-006's code typed «VP-005» in NhanSu: its twelve monthly rows of KetQuaKy name nobody. The check page's
    table says it once, with the cells it covers («A62:A73 (12 dòng)»), as the console; the counts stay per cell
    and the page does not claim problems are hidden."""
    import openpyxl

    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    wb["NhanSu"]["A7"] = "VP-005"
    rows = [c.row for c in wb["KetQuaKy"]["A"] if c.value == "VP-006"]
    book = tmp_path / "so.xlsx"
    wb.save(book)
    c, csrf = _clerk(tmp_path / "du_lieu")
    r = _post(c, csrf, "so.xlsx", book.read_bytes())
    assert r.status_code == 302
    html = c.get(r.headers["Location"]).text
    lines = [tr for tr in html.split("<tr") if "«VP-006»" in tr or ">VP-006<" in tr]
    table = [re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S) for tr in lines]
    on_results = [cells for cells in table if cells[1] == "KetQuaKy"]
    assert [cells[2] for cells in on_results] == [f"A{rows[0]}:A{rows[-1]} (12 dòng)"]
    assert on_results[0][4].startswith("Mã số không có trong sheet NhanSu. Sheet NhanSu có mã số bị trùng ở dòng 7")
    assert 'id="an_bot"' not in html
    # 12 + TuDanhGia + BieuQuyet + the duplicate code itself: counted per cell
    assert "15 lỗi, 1 cảnh báo." in re.sub(r"<[^>]+>", "", html)
