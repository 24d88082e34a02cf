"""«Nhận bản đã ký (bản quét)» on `hoso serve`: the clerk files the signed pages from the browser
(`pipeline.scan.sort.receive` through the page). The output is a real build with LibreOffice of the
factory workbook (unit HC); the scans are its pages rasterised and degraded as a scanner gives them
back (bench/scans.py, as tests/test_scan_signed.py makes them). Pages through Flask's test client;
one look in headless Chromium."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from web_pages import browser_login, in_chromium, logged_in, reception_done  # noqa: E402
from web_pages import csrf as _csrf  # noqa: E402

from bench.scans import form_pages, scanned, write_pdf  # noqa: E402
from pipeline import api  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
OTHER_AGENCY = "Sở Tư pháp tỉnh Thử Nghiệm"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, shared_cache) -> dict[str, Path]:
    """Real builds (LibreOffice) of unit HC: the agency's output (`moi`), the same agency before NS-02's
    strengths were edited (`cu`: one of NS-01's documents has another version), and another agency's (`khac`)."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required: run ./bootstrap.sh setup")
    root = tmp_path_factory.mktemp("web-scans")
    book = factory.write(root / "so.xlsx", factory.tables())
    other = factory.tables()
    other["CoQuan"] = [(k, OTHER_AGENCY if k == "ten_co_quan" else v) for k, v in other["CoQuan"]]
    books = {"moi": book,
             "cu": factory.with_strengths(book, root / "cu.xlsx", "NS-01", "Nội dung cũ, đã sửa sau khi in."),
             "khac": factory.write(root / "khac.xlsx", other)}
    out = {}
    for key, wb in books.items():
        out[key] = root / key
        api.build(wb, out[key], api.BuildOptions(cache_dir=shared_cache, units=frozenset({"HC"})))
    return out


@pytest.fixture
def server(tmp_path, outputs):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    data = tmp_path / "du_lieu"
    store = Store(data)
    for name, agency, role, unit in (("vt", "VP", "van_thu", None), ("dv", "VP", "van_thu_don_vi", "HC"),
                                     ("dvsn", "VP", "van_thu_don_vi", "SN"), ("khac", "SO", "van_thu", None)):
        store.add_account(name, accounts.hash_password(PASSWORD), agency, role, unit)
    out = store.output_dir("VP")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(outputs["moi"], out, symlinks=True)
    app = create_app(data, start_queue=False)
    return app, app.extensions["hoso_store"]


@pytest.fixture(autouse=True)
def _answered_in_the_request(monkeypatch):
    """The POST waits for its reception however long it takes (a loaded machine files a dossier's pages in more than
    QUICK_BUILD_S): its page is the result; the tests of the reception's own page set the wait to 0."""
    from pipeline.web import app as web

    monkeypatch.setenv(web.QUICK_BUILD_ENV, "300")


def _login(app, name: str = "vt"):
    return logged_in(app, name, PASSWORD)


def _send(c, files: list[tuple[bytes, str]], csrf: str | None = None):
    data = {"quet": [(io.BytesIO(b), name) for b, name in files]}
    if csrf is not False:
        data["csrf_token"] = csrf or _csrf(c)
    return c.post("/ho-so/nhan-ban-ky", data=data, content_type="multipart/form-data")


def _scan(out: Path, person: str, tmp: Path, name: str, *, form: str | None = None, pages: int | None = None,
          seed: int = 30) -> tuple[bytes, str]:
    """`person`'s signed pages of the build `out` (of `form` only, or the first `pages`) scanned into one PDF."""
    sheets = [s for s in form_pages(out, persons={person}) if form is None or s.form == form][:pages]
    rng = random.Random(seed)
    return write_pdf([scanned(s.image, rng) for s in sheets], tmp / name).read_bytes(), name


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def _flat(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _kept(store) -> list[str]:
    """The files left under the agency's receptions folder."""
    base = store.agency_dir("VP") / "nhan_quet"
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


def _section(html: str) -> str:
    """The result's section of a reception's page, as text."""
    import re

    found = re.search(r'<section id="ket_qua_nhan">.*?</section>', html, re.S)
    assert found is not None, html
    return _flat(found.group(0))


def test_a_signed_page_is_filed_and_then_shown_on_the_person_s_page(server, outputs, tmp_path):
    app, store = server
    c = _login(app)
    assert 'id="mo_nhan_ban_ky"' in c.get("/ho-so").text
    form = c.get("/ho-so/nhan-ban-ky").text
    assert "tổng dung lượng tối đa 20 MB" in form and 'name="quet" multiple' in form
    assert 'id="ban_da_ky"' not in c.get("/ho-so/nguoi/NS-01").text
    scan = _scan(store.output_dir("VP"), "NS-01", tmp_path, "quet ký NS-01.pdf")
    expected = len(form_pages(store.output_dir("VP"), persons={"NS-01"}))
    r = _send(c, [scan])
    assert r.status_code == 200, r.text
    page = _flat(r.text)
    assert f"Đã đọc {expected} trang quét trong 1 tệp" in page and f"xếp {expected} trang vào hồ sơ" in page
    assert f"Nguyễn Văn An (NS-01) {expected}/{expected} đủ trang" in page
    assert 'id="khong_xep_duoc"' not in r.text and 'id="can_ky_lai"' not in r.text
    # the uploads went to the reception's folder of the agency, removed after (its page's state kept); nothing under
    # the browser's name
    assert _kept(store) == ["1/lan_nhan.json"]
    # the reception's own page (linked from the result) shows the same result again, after a reload too
    assert 'href="/ho-so/nhan-ban-ky/1"' in r.text
    for _ in range(2):
        again = c.get("/ho-so/nhan-ban-ky/1")
        assert again.status_code == 200 and "refresh" not in again.text
        assert _section(again.text) == _section(r.text)
    # the person's page links their signed copy, which is the scanned pages in dossier order
    person = c.get("/ho-so/nguoi/NS-01").text
    assert 'id="ban_da_ky"' in person and "/da-ky/HC/NS-01.pdf" in person
    signed = c.get("/da-ky/HC/NS-01.pdf")
    assert signed.status_code == 200 and signed.mimetype == "application/pdf" and _pages(signed.data) == expected
    assert 'id="ban_da_ky"' not in c.get("/ho-so/nguoi/NS-02").text
    # the report names the file the clerk sent (not the server's temporary path)
    import openpyxl

    report = c.get("/da-ky/bao_cao_nhan_ban_ky.xlsx")
    assert report.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(report.data))["Theo người"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == "NS-01")
    assert row[3:5] == (expected, expected) and row[8] == "da_ky/HC/NS-01.pdf"
    state = json.loads((store.output_dir("VP") / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert {v["tep"] for v in state["trang"].values()} == {"quet ký NS-01.pdf"}
    # audited with the counts
    [line] = store.q("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='nhan_ban_ky'")
    assert json.loads(line["chi_tiet"]) == {"so_tep": 1, "trang_doc": expected, "trang_moi": expected,
                                            "xep_vao_ho_so": expected, "khong_xep_duoc": 0, "can_ky_lai": 0,
                                            "trang_trang": 0, "trang_bia": 0, "ho_so_theo_ma_moi": 0,
                                            "trang_theo_ma_moi": 0, "ho_so_khong_con": 0, "trang_khong_con": 0}
    assert "trang xếp vào hồ sơ " + str(expected) in _flat(c.get("/nhat-ky").text)
    # the same scan again: nothing filed twice
    again = _flat(_send(c, [scan]).text)
    assert f"{expected} trang đã nhận ở lần trước nên bỏ qua" in again and "xếp 0 trang vào hồ sơ" in again

    # the unit clerk of HC sees the signed copy of her unit's person, not the agency's files; SN's does not
    dv = _login(app, "dv")
    assert 'id="ban_da_ky"' in dv.get("/ho-so/nguoi/NS-01").text
    assert dv.get("/da-ky/HC/NS-01.pdf").status_code == 200
    for rel in ("bao_cao_nhan_ban_ky.xlsx", "nhan_ban_ky.json", ".trang/HC/NS-01/" + next(iter(state["trang"])).split("/")[-1] + ".jpg"):
        assert dv.get(f"/da-ky/{rel}").status_code == 404, rel
    sn = _login(app, "dvsn")
    assert sn.get("/da-ky/HC/NS-01.pdf").status_code == 404
    # a unit clerk cannot file scans (a stack holds every unit's pages): refused, said why
    r = _send(dv, [scan])
    assert r.status_code == 403 and "văn thư cơ quan" in r.text
    assert dv.get("/ho-so/nhan-ban-ky").status_code == 403
    seen = dv.get("/ho-so/nhan-ban-ky/1")  # the result names every unit's people: not hers
    assert seen.status_code == 403 and "văn thư cơ quan" in seen.text and "Nguyễn Văn An" not in seen.text
    # another agency: none of it exists
    other = _login(app, "khac")
    assert other.get("/da-ky/HC/NS-01.pdf").status_code == 404
    assert other.get("/da-ky/bao_cao_nhan_ban_ky.xlsx").status_code == 404
    assert other.get("/ho-so/nhan-ban-ky/1").status_code == 404  # VP's reception: no such one of SO's
    assert _send(other, [scan]).status_code == 404  # no dossiers of its own to file into
    assert (store.output_dir("SO") / "da_ky").exists() is False


def test_another_agency_s_page_is_not_filed_and_an_outdated_one_is_listed_to_sign_again(server, outputs, tmp_path):
    app, store = server
    c = _login(app)
    out = store.output_dir("VP")
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    old = json.loads((outputs["cu"] / "manifest.json").read_text(encoding="utf-8"))
    now = {s["mau"]: s["phien_ban"] for p in m["ca_nhan"] if p["ma_so"] == "NS-01" for s in p["tai_lieu"]}
    [stale] = [s for p in old["ca_nhan"] if p["ma_so"] == "NS-01" for s in p["tai_lieu"]
               if now.get(s["mau"]) != s["phien_ban"]]
    foreign = _scan(outputs["khac"], "NS-03", tmp_path, "cua_co_quan_khac.pdf", pages=1)
    outdated = _scan(outputs["cu"], "NS-01", tmp_path, "ban_cu.pdf", form=stale["mau"], pages=1)
    good = _scan(out, "NS-03", tmp_path, "ns03.pdf", pages=1)
    r = _send(c, [foreign, outdated, good])
    assert r.status_code == 200, r.text
    page = _flat(r.text)
    assert "Đã đọc 3 trang quét trong 3 tệp" in page and "xếp 1 trang vào hồ sơ" in page
    # the other agency's page: not filed, named with its file, page and why, and what its code says in words (that
    # agency's unit and staff codes, no one of this agency; the document by its form's title: NS-03's first one)
    khac = json.loads((outputs["khac"] / "manifest.json").read_text(encoding="utf-8"))
    [first] = [p["tai_lieu"][0] for p in khac["ca_nhan"] if p["ma_so"] == "NS-03"]
    assert ("Trang không xếp được vào hồ sơ (1) " in page
            and "Tệp «cua_co_quan_khac.pdf», trang 1: mã của bản in của cơ quan khác (không phải kết quả này) Theo mã "
                "trên trang: hồ sơ của cơ quan khác (mã đơn vị HC, mã số NS-03): không có trong kết quả này — "
                f"{first['tieu_de']} — trang 1/{first['so_trang']}" in page), page
    # the outdated page: listed with whose (name, staff code, unit), which document, why, and can_ky_lai.pdf linked
    assert "Trang in từ bản cũ: cần in lại và ký lại (1)" in page
    assert (f"Nguyễn Văn An (NS-01, Phòng Hành chính (HC)): {stale['tieu_de']} — trang 1/{stale['so_trang']} — tệp "
            "«ban_cu.pdf», trang 1 (in từ bản cũ: nội dung văn bản đã thay đổi sau khi in)") in page, page
    assert 'id="tep_can_ky_lai"' in r.text
    again = c.get("/da-ky/can_ky_lai.pdf")
    assert again.status_code == 200 and _pages(again.data) == 1
    assert _pages(c.get("/da-ky/khong_doc_duoc.pdf").data) == 1
    assert 'id="ban_da_ky"' not in c.get("/ho-so/nguoi/NS-01").text  # nothing of NS-01 filed
    assert 'id="ban_da_ky"' in c.get("/ho-so/nguoi/NS-03").text
    [line] = store.q("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='nhan_ban_ky'")
    counts = json.loads(line["chi_tiet"])
    assert (counts["xep_vao_ho_so"], counts["khong_xep_duoc"], counts["can_ky_lai"]) == (1, 1, 1)
    # the unit clerk of HC reads neither collection (they gather every unit's pages), nor the reception's page that
    # names them (the agency clerk's): not even her own unit's names there, nor the other agency's codes
    dv = _login(app, "dv")
    assert dv.get("/da-ky/can_ky_lai.pdf").status_code == 404
    assert dv.get("/da-ky/khong_doc_duoc.pdf").status_code == 404
    for seen in (dv.get("/ho-so/nhan-ban-ky"), _send(dv, [good])):
        assert seen.status_code == 403 and "văn thư cơ quan" in seen.text
        assert "Nguyễn Văn An" not in seen.text and "NS-03" not in seen.text and "ban_cu.pdf" not in seen.text
    assert "/da-ky/can_ky_lai.pdf" not in dv.get("/ho-so").text
    # the Hồ sơ page lists them for the agency clerk
    listing = c.get("/ho-so").text
    assert "/da-ky/can_ky_lai.pdf" in listing and "/da-ky/bao_cao_nhan_ban_ky.xlsx" in listing


def _signed_across_the_code(image: Image.Image) -> Image.Image:
    """A black pen's signature across the page code, between its finder patterns (as tests/test_scan_real.py draws
    it): more damage than QR's level M corrects."""
    import math

    from PIL import ImageDraw

    from pipeline.bundle.pagecode import SIZE_CM, X_CM, Y_CM

    im = image.copy()
    px = 150 / 2.54  # form_pages renders at 150 dpi
    x0, y1 = X_CM * px, im.height - Y_CM * px
    y0 = y1 - SIZE_CM * px
    ImageDraw.Draw(im).line([(x0 - 25 + 5 * j, (y0 + y1) / 2 + 0.15 * (y1 - y0) * math.sin(j / 2)) for j in range(50)],
                            fill=15, width=4)
    return im


def test_pages_whose_code_a_signature_covers_are_filed_and_named(server, tmp_path):
    """Two of NS-01's pages with a signature across the page code (no reader decodes it): matched to the one page of
    this output each can be, filed, and named in `#ma_bi_che` with the file's name the clerk sent, as the console
    names them; the other page (code intact) is not named there. The signature check of a covered page is made
    (it said «không so được (mã không đọc lại được)» of every such page with a signature space)."""
    import math

    import zxingcpp
    from PIL import ImageDraw

    from pipeline.bundle.pagecode import parse
    from pipeline.scan.signatures import PT, spaces

    app, store = server
    c = _login(app)
    out = store.output_dir("VP")
    sheets = form_pages(out, persons={"NS-01"})[:3]
    assert [(s.form, s.page) for s in sheets] == [("mau_02", 1), ("mau_02", 2), ("mau_12_hddg", 1)]
    images = [_signed_across_the_code(s.image) for s in sheets[:2]] + [sheets[2].image]
    # the form's last page signed in its two spaces too (the person's and the head's): the signature check places
    # them by the located code though it is not read, and finds them signed; the third page (its code intact) is not
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [person] = [p for p in manifest["ca_nhan"] if p["ma_so"] == "NS-01"]
    first = next(d["trang_dau"] for d in person["tai_lieu"] if d["mau"] == "mau_02")
    draw = ImageDraw.Draw(images[1])
    for sp in spaces(out / person["pdf"], first + 1):
        x0, y0, x1, y1 = sp.x0 * PT, sp.y0 * PT, sp.x1 * PT, sp.y1 * PT
        draw.line([(x0 + (x1 - x0) * (0.2 + 0.03 * j), (y0 + y1) / 2 + (y1 - y0) * 0.25 * math.sin(j))
                   for j in range(20)], fill=20, width=3)
    assert not any(parse(r.text) for im in images[:2] for r in zxingcpp.read_barcodes(im)), "the signature hides nothing"
    name = "ký đè lên mã.pdf"
    r = _send(c, [(write_pdf(images, tmp_path / "quet.pdf").read_bytes(), name)])
    assert r.status_code == 200, r.text
    page = _flat(r.text)
    assert "Đã đọc 3 trang quét trong 1 tệp (3 trang mới): xếp 3 trang vào hồ sơ" in page, page
    assert 'id="khong_xep_duoc"' not in r.text
    import re

    [note] = re.findall(r'<p class="note" id="ma_bi_che">(.*?)</p>', r.text, re.S)
    assert _flat(note).replace("&#34;", '"') == (
        "Ghi chú: 2 trang có mã QR bị che một phần (chữ ký, vết mực… đè lên mã), không đọc thẳng được mà nhận ra bằng "
        f"cách so với mã các trang của kết quả này, đã xếp vào hồ sơ (xem lại cho chắc): tệp «{name}», trang 1 (xếp "
        "vào: Nguyễn Văn An (NS-01) — Phiếu đánh giá, xếp loại chất lượng công chức — trang 1/2); "
        f"tệp «{name}», trang 2 (xếp vào: Nguyễn Văn An (NS-01) — Phiếu đánh giá, xếp loại chất lượng công chức — "
        "trang 2/2)."), note  # whose dossier each went to: what the clerk checks
    assert str(tmp_path) not in r.text and str(store.agency_dir("VP")) not in r.text
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert sorted((e["trang"], bool(e.get("ma_bi_che"))) for e in state["trang"].values()) == [
        (1, True), (2, True), (3, False)]
    table = _flat(r.text.split('id="da_xep"')[1].split("</table>")[0])
    assert "Phiếu đánh giá, xếp loại chất lượng công chức — trang 2" not in table and "không so được" not in table
    assert ("Ô ký có vẻ còn trống (ước lượng, cần xem lại): Bảng tham chiếu chấm điểm theo các tiêu chí đánh giá, xếp "
            "loại — trang 1: ô ký thứ 1, 2 trên trang") in table, table
    # the reception's own page names them the same way
    assert _section(c.get("/ho-so/nhan-ban-ky/1").text) == _section(r.text)


def test_refusals(server, outputs, tmp_path, monkeypatch):
    from pipeline.output import locked
    from pipeline.web import app as web

    app, store = server
    c = _login(app)
    out = store.output_dir("VP")
    scan = _scan(out, "NS-01", tmp_path, "ns01.pdf", pages=1)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))

    def untouched() -> bool:
        return (sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
                and not store.q("SELECT 1 FROM nhat_ky WHERE hanh_dong='nhan_ban_ky'"))

    # no CSRF token
    r = _send(c, [scan], csrf=False)
    assert r.status_code == 403 and "phiên đăng nhập trước" in r.text and untouched()
    # not a PDF nor an image (a Word file renamed, a workbook)
    r = _send(c, [scan, (b"PK\x03\x04 not a pdf", "bien_ban.pdf")])
    assert r.status_code == 400 and "Tệp «bien_ban.pdf» có tên .pdf nhưng không phải tệp PDF." in r.text
    r = _send(c, [(b"PK\x03\x04", "so.xlsx")])
    assert r.status_code == 400 and "Tệp «so.xlsx» không phải bản quét: chỉ nhận PDF (.pdf) hoặc ảnh (" in r.text
    r = _send(c, [(b"\x00\x01\x02 text", "anh.jpg")])
    assert r.status_code == 400 and "có đuôi .jpg nhưng không phải ảnh đọc được" in r.text
    assert _send(c, []).status_code == 400
    assert untouched()
    # over the size limit: 413, said in Vietnamese
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", len(scan[0]) // 2)
    r = _send(c, [scan])
    assert r.status_code == 413 and "Tệp quá lớn" in r.text and untouched()
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", web.MAX_UPLOAD)
    # a build of the agency queued or running: refused, said why
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES ('VP', 1, 'vt', "
                    "'dang_chay', ?)", "2026-12-06 12:00:00+00:00")
    assert 'id="dang_tao"' in c.get("/ho-so/nhan-ban-ky").text
    r = _send(c, [scan])
    assert r.status_code == 409 and f"Đang tạo hồ sơ (lần tạo số {build})" in r.text and untouched()
    store.x("UPDATE lan_tao SET trang_thai='loi' WHERE id=?", build)
    # a command-line run holding the output folder's lock: receive's own guard, said, nothing filed
    with locked(out):
        r = _send(c, [scan])
    assert r.status_code == 409 and "đang được ghi" in r.text and "chưa xếp trang nào lần này" in r.text
    assert str(out) not in r.text and untouched()
    assert _kept(store) == ["1/lan_nhan.json"]  # the scans removed; the refusal's page kept
    assert "chưa xếp trang nào lần này" in c.get("/ho-so/nhan-ban-ky/1").text
    # then it files
    assert _send(c, [scan]).status_code == 200 and (out / "da_ky" / "HC" / "NS-01.pdf").is_file()


def test_a_reception_longer_than_the_wait_shows_its_progress_then_the_same_result(server, tmp_path, monkeypatch):
    """A stack that takes longer than the request waits (QUICK_BUILD_ENV 0; `receive` held until the test lets it
    go): the POST leads to the reception's page, «Đang xếp…» with the files' names, refreshing itself; meanwhile a
    second stack and a build are refused in words, another agency does not see it; then the page shows the result as
    the POST's page would, audited once with its counts."""
    import threading

    from pipeline.scan import sort
    from pipeline.web import app as web

    app, store = server
    c = _login(app)
    out = store.output_dir("VP")
    scan = _scan(out, "NS-01", tmp_path, "xấp quét 1.pdf", pages=2)
    go, started = threading.Event(), threading.Event()
    real = sort.receive

    def slow(outdir, scans, names=None):
        started.set()
        assert go.wait(60)
        return real(outdir, scans, names)

    monkeypatch.setattr(sort, "receive", slow)
    monkeypatch.setenv(web.QUICK_BUILD_ENV, "0")
    r = _send(c, [scan, _scan(out, "NS-02", tmp_path, "ns02.pdf", pages=1)])
    assert r.status_code == 302 and r.headers["Location"].endswith("/ho-so/nhan-ban-ky/1")
    assert started.wait(30)
    page = c.get("/ho-so/nhan-ban-ky/1")
    assert page.status_code == 200 and '<meta http-equiv="refresh" content="1">' in page.text
    flat = _flat(page.text)
    assert "Đang xếp các trang đã ký vào hồ sơ…" in flat and "xấp quét 1.pdf ns02.pdf" in flat
    assert "đừng gửi lại các tệp này" in flat and 'id="gui_quet"' not in page.text and 'id="ket_qua_nhan"' not in page.text
    # the scans are saved under the reception's id, by number, not by the browser's names
    assert _kept(store) == ["1/1.pdf", "1/2.pdf", "1/lan_nhan.json"]
    # meanwhile: the form says a reception runs, a second stack is refused (409, words), nothing of it kept
    assert 'href="/ho-so/nhan-ban-ky/1"' in c.get("/ho-so/nhan-ban-ky").text.split('id="dang_nhan"')[1]
    second = _send(c, [scan])
    assert second.status_code == 409 and "Đang xếp các trang đã ký của lần nhận số 1" in _flat(second.text)
    assert "Hãy đợi lần nhận đó xong rồi gửi các tệp quét này." in _flat(second.text)
    # a build asked for meanwhile is refused in words (it would fail on the output folder's lock)
    store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) VALUES "
            "('VP', 'so.xlsx', '2026-12-07 01:00:00+00:00', 'vt', 0, 0, '[]')")
    build = c.post("/tao-ho-so", data={"csrf_token": _csrf(c)})
    assert build.status_code == 409 and "Chưa tạo hồ sơ. Đang xếp các trang đã ký của lần nhận bản quét số 1" in \
        _flat(build.text)
    assert not store.q("SELECT 1 FROM lan_tao")
    # another agency's clerk: that reception does not exist; nor does a number that is not one
    other = _login(app, "khac")
    assert other.get("/ho-so/nhan-ban-ky/1").status_code == 404
    for url in ("/ho-so/nhan-ban-ky/0", "/ho-so/nhan-ban-ky/2", "/ho-so/nhan-ban-ky/-1", "/ho-so/nhan-ban-ky/1.json",
                "/ho-so/nhan-ban-ky/..%2F..%2Fso", "/ho-so/nhan-ban-ky/99999999999999999999"):
        assert c.get(url).status_code == 404, url
    go.set()
    for _ in range(600):
        done = c.get("/ho-so/nhan-ban-ky/1")
        if 'id="ket_qua_nhan"' in done.text:
            break
        import time

        time.sleep(0.1)
    assert "refresh" not in done.text
    flat = _flat(done.text)
    assert "Đã đọc 3 trang quét trong 2 tệp (3 trang mới): xếp 3 trang vào hồ sơ" in flat, flat
    assert "Nguyễn Văn An (NS-01)" in flat and "Trần Thị Bình (NS-02)" in flat and 'id="bao_cao"' in done.text
    assert _kept(store) == ["1/lan_nhan.json"]
    assert (out / "da_ky" / "HC" / "NS-01.pdf").is_file()
    [line] = store.q("SELECT chi_tiet, tai_khoan, co_quan FROM nhat_ky WHERE hanh_dong='nhan_ban_ky'")
    assert (line["tai_khoan"], line["co_quan"]) == ("vt", "VP")
    counts = json.loads(line["chi_tiet"])
    assert (counts["so_tep"], counts["trang_doc"], counts["xep_vao_ho_so"]) == (2, 3, 3)
    # reloaded: the same page; the form's page links it as the last reception
    assert _section(c.get("/ho-so/nhan-ban-ky/1").text) == _section(done.text)
    assert 'id="lan_nhan_truoc"' in c.get("/ho-so/nhan-ban-ky").text


def test_a_reception_running_when_the_server_stopped_is_failed_at_start_up(server, tmp_path):
    """A server stopped while a reception ran leaves it «dang_chay» with its scans: the next start marks it failed in
    words (send the scans again; the pages filed before stay) and removes the scans; the output is untouched."""
    from pipeline.web import receptions
    from pipeline.web.app import create_app

    app, store = server
    agency = store.agency_dir("VP")
    rec = receptions.new(agency, "vt", ["quét.pdf"])
    (receptions.folder(agency, rec["id"]) / "1.pdf").write_bytes(b"%PDF-1.4 half")
    again = create_app(store.data, start_queue=False)
    assert again.extensions["hoso_receptions_failed"] == 1
    assert _kept(store) == [f"{rec['id']}/lan_nhan.json"]
    c = _login(again)
    page = c.get(f"/ho-so/nhan-ban-ky/{rec['id']}")
    assert page.status_code == 200 and "refresh" not in page.text
    assert ("Máy chủ khởi động lại khi đang xếp trang của lần nhận này nên lần nhận không hoàn thành: gửi lại các tệp "
            "quét; các trang đã xếp trước vẫn giữ nguyên.") in page.text
    assert 'id="dang_nhan"' not in c.get("/ho-so/nhan-ban-ky").text  # nothing runs: a new stack is taken
    assert not (store.output_dir("VP") / "da_ky").exists()
    # a file saying «dang_chay» whose thread is gone from a running server (its end could not be written): failed in
    # words when next looked at, not blocking the agency's receptions and builds until a restart
    stale = receptions.new(agency, "vt", ["quét 2.pdf"])
    (receptions.folder(agency, stale["id"]) / "1.pdf").write_bytes(b"%PDF-1.4 half")
    c = _login(app)
    page = c.get(f"/ho-so/nhan-ban-ky/{stale['id']}")
    assert page.status_code == 200 and "refresh" not in page.text
    assert "Lần nhận này dừng giữa chừng trên máy chủ nên không hoàn thành: gửi lại các tệp quét" in page.text
    assert _kept(store) == [f"{rec['id']}/lan_nhan.json", f"{stale['id']}/lan_nhan.json"]


def test_the_result_page_in_a_real_browser(server, outputs, tmp_path, monkeypatch):
    """Headless Chromium at 1366×768 and as a phone (390 px): the scans chosen in the file field, the result
    readable, nothing wider than the screen; screenshots kept when HOSO_WEB_SCREENSHOTS names a folder. The POST
    does not wait (QUICK_BUILD_ENV 0): the browser is led to the reception's page, which reloads itself until the
    result."""
    import os

    from pipeline.web import app as web

    monkeypatch.setenv(web.QUICK_BUILD_ENV, "0")

    from selenium.webdriver.common.by import By

    app, store = server
    out = store.output_dir("VP")
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    old = json.loads((outputs["cu"] / "manifest.json").read_text(encoding="utf-8"))
    now = {s["mau"]: s["phien_ban"] for p in m["ca_nhan"] if p["ma_so"] == "NS-01" for s in p["tai_lieu"]}
    [stale] = [s["mau"] for p in old["ca_nhan"] if p["ma_so"] == "NS-01" for s in p["tai_lieu"]
               if now.get(s["mau"]) != s["phien_ban"]]
    files = []
    for data, name in (_scan(out, "NS-02", tmp_path, "ns02.pdf"), _scan(outputs["khac"], "NS-03", tmp_path, "khac.pdf", pages=1),
                       _scan(outputs["cu"], "NS-01", tmp_path, "ban_cu.pdf", form=stale, pages=1)):
        (tmp_path / "gui").mkdir(exist_ok=True)
        (tmp_path / "gui" / name).write_bytes(data)
        files.append(str(tmp_path / "gui" / name))
    shots = os.environ.get("HOSO_WEB_SCREENSHOTS")
    with in_chromium(app) as (d, base):
        browser_login(d, base, "vt", PASSWORD)
        d.get(base + "/ho-so")
        d.find_element(By.ID, "mo_nhan_ban_ky").click()
        for size, name in (("rong", "nhan_ban_ky.png"), ("dien_thoai", "nhan_ban_ky_dien_thoai.png")):
            if size == "dien_thoai":
                d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844,
                                                                         "deviceScaleFactor": 1, "mobile": True})
                d.get(base + "/ho-so/nhan-ban-ky")
            d.find_element(By.ID, "quet").send_keys("\n".join(files))
            d.find_element(By.CSS_SELECTOR, "#gui_quet button[type=submit]").click()
            reception_done(d)
            assert "/ho-so/nhan-ban-ky/" in d.current_url, d.current_url  # the reception's own page
            summary = d.find_element(By.ID, "tom_tat").text
            assert "xếp" in summary and "trang vào hồ sơ" in summary, summary
            assert "Trần Thị Bình (NS-02)" in d.find_element(By.ID, "da_xep").text
            assert "khac.pdf" in d.find_element(By.ID, "ket_qua_nhan").text
            assert d.find_element(By.ID, "tep_can_ky_lai").is_displayed()
            assert "Nguyễn Văn An (NS-01, Phòng Hành chính (HC))" in d.find_element(By.ID, "ds_can_ky_lai").text
            assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), size
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                d.save_screenshot(str(Path(shots) / name))
