"""`hoso serve`'s page «Mẫu biểu của cơ quan»: what `hoso templates export` and `hoso build --templates DIR` give
the command line, for the agency's clerk in a browser (Flask's test client; the one build of the module runs in
this process with the text converter: what is checked is the filled wording, not LibreOffice's layout).

- the clerk downloads the set in use, sends back a zip with a corrected label; the next build fills the new
  wording, and its page says it used the agency's own set;
- a zip with «../x», an extra .exe, a broken meta.toml, a template with an unknown variable is refused, the
  page names the file and what is wrong, and the set in use is unchanged;
- «Dùng lại mẫu của chương trình» puts the program's wording back for the next build and keeps the old set;
- a unit clerk and the Sở get 403 on every route of the page; another agency sees only its own;
- a program update of a form the agency changed is said (page, download's ban_moi_cua_chuong_trinh/, build notes),
  hers still used; of a form she did not change, nothing is said; a set recorded before: «không rõ».
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from fakes import TextConverter, docx_text  # noqa: E402
from web_pages import InlineQueue, logged_in  # noqa: E402
from web_pages import csrf as _csrf  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
PROGRAM_WORDS = 'tieu_de_phu = "Kiểm điểm tập thể chi bộ"'  # templates/mau_01_2025/meta.toml [labels]
AGENCY_WORDS = "Kiểm điểm tập thể chi bộ Văn phòng (bản cơ quan sửa)"


def _serve(data: Path, monkeypatch):
    from pipeline.web import accounts as acc
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())
    monkeypatch.setattr("pipeline.progress.observer", None)
    store = Store(data)
    for name, agency, role, unit in (("vt", "VP", "van_thu", None), ("dv", "VP", "van_thu_don_vi", "HC"),
                                     ("khac", "SO", "van_thu", None), ("snv", "SNV", "so_noi_vu", None)):
        store.add_account(name, acc.hash_password(PASSWORD), agency, role, unit)
    app = create_app(data, start_queue=False)
    app.extensions["hoso_queue"] = q = InlineQueue(app.extensions["hoso_store"])
    return app, store, q


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _send(c, data: bytes, name: str = "mau_bieu_sua.zip"):
    return c.post("/mau-bieu/tai-len", data={"csrf_token": _csrf(c), "bo_mau": (io.BytesIO(data), name)},
                  content_type="multipart/form-data")


def _downloaded(c) -> dict[str, bytes]:
    r = c.get("/mau-bieu/bo-mau.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _corrected(files: dict[str, bytes]) -> bytes:
    """The downloaded meta.toml of mau_01_2025 with its subtitle label corrected, as a clerk edits it in Notepad."""
    meta = files["mau_01_2025/meta.toml"].decode("utf-8")
    assert PROGRAM_WORDS in meta
    return meta.replace(PROGRAM_WORDS, f'tieu_de_phu = "{AGENCY_WORDS}"').encode("utf-8")


def _files(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its path there, with its bytes (a set of forms, to see it unchanged)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _send_corrected(c, program: dict[str, bytes]) -> None:
    """The clerk sends back mau_01_2025's meta.toml with its subtitle corrected (only that file in the zip): kept."""
    assert _send(c, _zip({"mau_01_2025/meta.toml": _corrected(program)})).status_code == 302


def _audit(store, action: str) -> list[str]:
    return [r["chi_tiet"] for r in store.q("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong=? ORDER BY id", action)]


@pytest.fixture(scope="module")
def built(tmp_path_factory, cache_dir):
    """The clerk «vt» uploaded her 2025 workbook (two units with a chi bộ: Mẫu 01-HD KĐ.ĐG 2025 is filled), sent
    back the set with mau_01_2025's label corrected (only that folder in the zip), and built: the module's one
    build. (app, store, client, the zip downloaded before, the built row, the pages seen on the way)."""
    tmp = tmp_path_factory.mktemp("web-forms")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOSO_CACHE", str(cache_dir))
        app, store, q = _serve(tmp / "du_lieu", mp)
        c = logged_in(app, "vt", PASSWORD)
        book = factory.of_year(tmp / "so_2025.xlsx", 2025)
        r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(book.read_bytes()), book.name)},
                   content_type="multipart/form-data")
        assert r.status_code == 302, r.text
        before = _downloaded(c)
        sent = _send(c, _zip({"mau_01_2025/meta.toml": _corrected(before)}))
        assert sent.status_code == 302, sent.text
        page = c.get(sent.headers["Location"]).text
        assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
        row = q.run_next()
        yield app, store, c, before, row, page


def test_the_corrected_label_is_printed_by_the_next_build(built):
    app, store, c, before, row, page = built
    assert row["trang_thai"] == "xong", row["loi"]
    # the page after the upload: kept, used from the next build, the form marked as the agency's own copy
    assert "Đã nhận bộ mẫu đã sửa: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này." in page
    assert "Cơ quan đang dùng <strong>bộ mẫu riêng</strong>" in page and "(tệp «mau_bieu_sua.zip»)" in page
    rows = page[page.index('id="cac_mau"'):]
    own = rows[rows.index('id="mau_mau_01_2025"'):]
    assert own[:own.index("</tr>")].endswith("<td>Có (bản riêng)</td>")
    other = rows[rows.index('id="mau_phieu_nd335"'):]
    assert "bản riêng" not in other[:other.index("</tr>")]
    # the build filled the corrected wording in the chi bộ's report (its .docx and its PDF)
    out = store.output_dir("VP")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reports = [x for u in manifest["don_vi"] for x in u["muc"] if x.get("mau") == "mau_01_2025"]
    assert reports
    docs = sorted(out.rglob("*.docx"))
    texts = [docx_text(d) for d in docs]
    mine = [t for t in texts if AGENCY_WORDS in t]
    assert mine and all("BÁO CÁO" in t for t in mine)
    assert not [t for t in texts if "Kiểm điểm tập thể chi bộ năm" in t]  # the program's subtitle nowhere
    from pypdf import PdfReader

    pdf_text = " ".join(" ".join((p.extract_text() or "").split()) for u in manifest["don_vi"]
                        for p in PdfReader(out / u["pdf"]).pages)
    assert AGENCY_WORDS in pdf_text
    # the build says it used the agency's own set: summary and notes, with the form it differs in
    assert "Dùng bộ mẫu biểu riêng của cơ quan" in row["tom_tat"] and "mau_01_2025" in row["tom_tat"]
    build_page = c.get(f"/lan-tao/{row['id']}").text
    assert "Dùng bộ mẫu biểu riêng của cơ quan (trang «Mẫu biểu của cơ quan», tải lên lúc" in build_page
    assert "từ tệp «mau_bieu_sua.zip»); các mẫu khác mẫu của chương trình: mau_01_2025." in build_page
    # the build's note on reconstructed forms sends the clerk to the page, not to the server's administrator
    assert "quản trị viên máy chủ cập nhật" not in build_page
    assert "văn thư cơ quan tự làm ở trang «Mẫu biểu của cơ quan»" in build_page
    # the download is now the agency's set: the corrected meta.toml, everything else as the program's
    now = _downloaded(c)
    assert set(now) == set(before)
    assert f'tieu_de_phu = "{AGENCY_WORDS}"'.encode() in now["mau_01_2025/meta.toml"]
    assert {n for n in now if now[n] != before[n]} == {"mau_01_2025/meta.toml"}
    # the audit log in words: who uploaded and which form changed
    log = c.get("/nhat-ky").text
    assert "Tải lên bộ mẫu biểu đã sửa (dùng từ lần tạo sau)" in log
    assert "tệp mau_bieu_sua.zip, các mẫu thay đổi mau_01_2025" in log
    assert "Tải bộ mẫu biểu về" in log


def test_the_download_is_what_export_writes_with_a_guide(built):
    """Every form folder's two files and the top-level .toml files of `hoso templates export`, plus HUONG_DAN.txt."""
    from pipeline.resources import templates_dir

    _app, _store, _c, before, _row, _page = built
    root = templates_dir()
    expected = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
                and p.suffix in (".toml", ".docx") and "__pycache__" not in p.parts}
    assert set(before) == expected | {"HUONG_DAN.txt"}
    assert before["mau_02/template.docx"] == (root / "mau_02" / "template.docx").read_bytes()
    guide = before["HUONG_DAN.txt"].decode("utf-8")
    assert "[labels]" in guide and "Tải lên bộ mẫu đã sửa" in guide


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A server with no workbook yet (a set is tried with the sample workbook); VP's clerk logged in."""
    app, store, q = _serve(tmp_path / "du_lieu", monkeypatch)
    return app, store, logged_in(app, "vt", PASSWORD)


def test_a_bad_set_is_refused_naming_the_file_and_the_set_in_use_stays(fresh):
    app, store, c = fresh
    program = _downloaded(c)
    _send_corrected(c, program)
    own = store.agency_dir("VP") / "mau_bieu"
    kept = _files(own)
    meta = program["mau_02/meta.toml"].decode("utf-8")
    cases = [
        ({"../x.toml": b"a = 1"}, "«../x.toml»: đường dẫn ra ngoài bộ mẫu (tuyệt đối hoặc có «..»), không được nhận."),
        ({"mau_02/meta.toml": meta.encode(), "mau_02/cai_dat.exe": b"MZ"},
         "«mau_02/cai_dat.exe»: không phải tệp của bộ mẫu biểu"),
        ({"mau_02/meta.toml": meta.replace('title = "', 'title = ', 1).encode()},
         "«mau_02/meta.toml»: sai cú pháp TOML ở dòng"),
    ]
    # a template whose body names a variable no context gives: the tag named, as `hoso templates check` names it
    src = zipfile.ZipFile(io.BytesIO(program["mau_02/template.docx"]))
    parts = {n: src.read(n) for n in src.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    first = body.index("<w:t>CỘNG HÒA") + len("<w:t>")
    parts["word/document.xml"] = (body[:first] + "{{ bien_khong_co }}" + body[first:]).encode("utf-8")
    cases.append(({"mau_02/template.docx": _zip(parts)}, "bien_khong_co"))
    # the official Word form put in as it is, with no {{ … }}: every phiếu would print without the person's data
    from docx import Document

    official, buf = Document(), io.BytesIO()
    official.add_paragraph("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    official.save(buf)
    cases.insert(len(cases) - 1, ({"mau_02/template.docx": buf.getvalue()},
                  "Tệp Word của mẫu «mau_02» không có biến {{ … }} nào: giấy tờ in ra sẽ không có dữ liệu"))
    for files, said in cases:
        r = _send(c, _zip(files), "sai.zip")
        assert r.status_code == 400, (files.keys(), r.text[:300])
        assert "Chưa nhận bộ mẫu «sai.zip»; bộ mẫu đang dùng được giữ nguyên." in r.text
        assert said in r.text, (said, r.text[r.text.find('id="loi"'):][:800])
        now = _files(own)
        assert now == kept
    # the template's problem is named with its form and the file's path in the zip, never the server's folders
    assert "«mau_02/template.docx» (Phiếu đánh giá, xếp loại chất lượng công chức): Mẫu «mau_02» dùng biến không có " \
           "trong dữ liệu: «bien_khong_co» chưa có (khi điền cho" in r.text
    assert str(store.data) not in r.text
    assert not list(store.agency_dir("VP").glob("mau_bieu.moi-*"))  # nothing half-kept
    # not a zip at all
    r = _send(c, b"MZ\x90\x00", "cai_dat.exe")
    assert r.status_code == 400 and "Tệp «cai_dat.exe» không phải tệp nén .zip." in r.text
    assert len(_audit(store, "tai_len_bo_mau_bi_tu_choi")) == 6
    assert "Tải lên bộ mẫu biểu: bị từ chối, bộ mẫu đang dùng giữ nguyên" in c.get("/nhat-ky").text


def test_a_zip_bomb_and_a_link_are_refused_before_inflating(fresh):
    from pipeline.web import own_forms

    app, store, c = fresh
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mau_02/template.docx", b"\0" * (own_forms.MAX_INFLATED + 1))
    r = _send(c, buf.getvalue(), "bom.zip")
    assert r.status_code == 400 and "khi giải nén quá lớn" in r.text and "bom nén" in r.text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("mau_02/meta.toml")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    r = _send(c, buf.getvalue(), "lien_ket.zip")
    assert r.status_code == 400 and "«mau_02/meta.toml»: là liên kết (symlink)" in r.text
    assert own_forms.in_use(store.agency_dir("VP")) is None


def test_using_the_programs_forms_again_keeps_the_agencys_set_aside(fresh, monkeypatch):
    from pipeline.web import own_forms

    app, store, c = fresh
    program = _downloaded(c)
    _send_corrected(c, program)
    here = store.agency_dir("VP")

    assert _next_build(store, monkeypatch)[0] == AGENCY_WORDS
    r = c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)})
    assert r.status_code == 302
    page = c.get(r.headers["Location"]).text
    assert "Đã thôi dùng bộ mẫu riêng" in page and "Cơ quan đang dùng <strong>mẫu của chương trình</strong>" in page
    assert 'id="dung_lai"' not in page
    assert _next_build(store, monkeypatch)[0] == "Kiểm điểm tập thể chi bộ"
    assert _downloaded(c) == program
    # the agency's set kept aside, whole, with the corrected wording
    (aside,) = own_forms.kept_aside(here)
    assert AGENCY_WORDS in (here / aside / "mau_01_2025" / "meta.toml").read_text(encoding="utf-8")
    assert f"thư mục «{aside}»" in page
    log = c.get("/nhat-ky").text
    assert "Thôi dùng bộ mẫu biểu riêng, dùng lại mẫu của chương trình" in log
    assert f"các mẫu thay đổi mau_01_2025, bộ mẫu riêng cũ cất giữ ở thư mục {aside}" in log
    # a second upload, then using the program's again: the first kept set is not covered
    _send_corrected(c, program)
    assert c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)}).status_code == 302
    assert len(own_forms.kept_aside(here)) == 2
    # the program's set sent back unchanged: no own copy is kept (it would not follow the program's updates)
    r = _send(c, _zip(program), "mau_bieu_chuong_trinh.zip")
    assert r.status_code == 302 and own_forms.in_use(here) is None
    assert "giống hệt mẫu của chương trình" in c.get(r.headers["Location"]).text


def test_only_the_agencys_clerk_reaches_the_page(fresh):
    app, store, c = fresh
    program = _downloaded(c)
    _send_corrected(c, program)
    own = store.agency_dir("VP") / "mau_bieu"
    kept = _files(own)
    for name in ("dv", "snv"):
        other = logged_in(app, name, PASSWORD)
        token = _csrf(other)
        assert other.get("/mau-bieu").status_code == 403
        assert other.get("/mau-bieu/bo-mau.zip").status_code == 403
        r = other.post("/mau-bieu/tai-len", data={"csrf_token": token, "bo_mau": (io.BytesIO(_zip({})), "x.zip")},
                       content_type="multipart/form-data")
        assert r.status_code == 403
        assert other.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": token}).status_code == 403
        assert 'href="/mau-bieu"' not in other.get("/").text
    # another agency's clerk: her own (the program's) set; VP's copy is reached by no name
    khac = logged_in(app, "khac", PASSWORD)
    page = khac.get("/mau-bieu").text
    assert "Cơ quan đang dùng <strong>mẫu của chương trình</strong>" in page and "bản riêng)" not in page
    assert _downloaded(khac) == program
    for url in ("/mau-bieu/mau_bieu_VP.zip", "/mau-bieu/VP/bo-mau.zip", "/mau-bieu/bo-mau.zip/../VP",
                "/mau-bieu/mau_01_2025/meta.toml", "/co_quan/VP/mau_bieu/mau_01_2025/meta.toml"):
        assert khac.get(url).status_code == 404, url
    assert khac.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(khac)}).status_code == 302
    assert _files(own) == kept
    # a form sent without the session's token is refused
    assert c.post("/mau-bieu/dung-mau-chuong-trinh", data={}).status_code == 403
    assert own.is_dir()
    # the clerk's menu and «Tạo hồ sơ» lead to the page
    assert 'href="/mau-bieu"' in c.get("/").text


def test_the_set_is_not_changed_while_a_build_of_the_agency_waits_or_runs(fresh):
    """A build reads the set in use from the agency's folder while it fills; an upload or a reset renames that folder:
    while one of the agency's builds waits or runs, both are refused (409, the set untouched), then allowed."""
    from pipeline.web import own_forms
    from pipeline.web.store import now

    app, store, c = fresh
    program = _downloaded(c)
    _send_corrected(c, program)
    here = store.agency_dir("VP")
    kept = (here / "mau_bieu" / "mau_01_2025" / "meta.toml").read_bytes()
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES ('VP', 1, 'vt', 'dang_chay', ?)",
                    now())
    r = _send(c, _zip({"mau_01_2025/meta.toml": program["mau_01_2025/meta.toml"]}))
    assert r.status_code == 409 and f"Lần tạo hồ sơ số {build} đang chờ hoặc đang chạy" in r.text
    r = c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)})
    assert r.status_code == 409 and "bộ mẫu được giữ nguyên" in r.text
    assert (here / "mau_bieu" / "mau_01_2025" / "meta.toml").read_bytes() == kept and not own_forms.kept_aside(here)
    store.x("UPDATE lan_tao SET trang_thai='xong' WHERE id=?", build)
    assert c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)}).status_code == 302
    assert own_forms.in_use(here) is None and len(own_forms.kept_aside(here)) == 1


def test_only_the_changed_form_is_the_agencys_the_others_follow_the_programs_updates(fresh, monkeypatch, tmp_path):
    """The set kept holds only the form the clerk corrected (its folder whole); a later program version's correction of
    another form reaches the agency's next build, while her own wording of hers stays."""
    import shutil

    from pipeline.forms.registry import Registry
    from pipeline.resources import templates_dir
    from pipeline.web import own_forms

    app, store, c = fresh
    program = _downloaded(c)
    _send_corrected(c, program)
    here = store.agency_dir("VP")
    kept = sorted(p.relative_to(here / "mau_bieu").as_posix() for p in (here / "mau_bieu").rglob("*") if p.is_file())
    assert kept == ["mau_01_2025/meta.toml", "mau_01_2025/template.docx", "tai_len.json"]
    # the program updated: mau_02's title corrected in its meta.toml
    newer = tmp_path / "templates"
    shutil.copytree(templates_dir(), newer, ignore=shutil.ignore_patterns("__pycache__"))
    meta = (newer / "mau_02" / "meta.toml").read_text(encoding="utf-8")
    title = Registry(newer).get("mau_02").title
    (newer / "mau_02" / "meta.toml").write_text(meta.replace(f'title = "{title}"', 'title = "Phiếu (bản sửa của chương trình)"', 1),
                                                encoding="utf-8")
    monkeypatch.setattr(own_forms, "templates_dir", lambda: newer)
    used = own_forms.merged(here)
    assert used is not None and used.name == "mau_bieu.dung"
    forms = Registry(used)
    assert forms.get("mau_02").title == "Phiếu (bản sửa của chương trình)"
    assert forms.get("mau_01_2025").labels["tieu_de_phu"] == AGENCY_WORDS
    assert own_forms.differing(here / "mau_bieu") == ["mau_01_2025"]


# ---- a set kept aside brought back («Dùng lại bộ này») ------------------------------------------------------------
OTHER_WORDS = "Kiểm điểm tập thể chi bộ (bản sửa lần hai)"


def _next_build(store, monkeypatch) -> tuple[str, str]:
    """(mau_01_2025's subtitle as the agency's next build fills it, the build's notes): the build's own start (jobs.run:
    the set in use merged, the line saying so), its forms read from the options it is given; nothing is built."""
    from pipeline.errors import HosoError
    from pipeline.forms.registry import Registry
    from pipeline.web import jobs

    seen = {}

    def build(_wb, _out, options, **_kw):
        seen["templates"] = options.templates
        raise HosoError("dừng")

    monkeypatch.setattr("pipeline.api.build", build)
    so = store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) "
                 "VALUES ('VP','so.xlsx','2026-12-07 00:00:00+00:00','vt',0,0,'[]')")
    build_id = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES "
                       "('VP',?,'vt','cho','2026-12-07 00:00:00+00:00')", so)
    jobs.run(store.data, build_id, watched=True)
    note = store.one("SELECT nhat_ky FROM lan_tao WHERE id=?", build_id)["nhat_ky"] or ""
    return Registry(seen["templates"]).get("mau_01_2025").labels["tieu_de_phu"], note


def _restore(c, name: str, token: str | None = None):
    return c.post("/mau-bieu/dung-lai-bo-cu", data={"csrf_token": token or _csrf(c), "bo": name})


def _listed(page: str) -> list[str]:
    """The sets the page offers to bring back, newest first: each button's hidden `bo`."""
    import re

    return re.findall(r'<input type="hidden" name="bo" value="([^"]+)">', page)


def test_a_set_kept_aside_is_brought_back_and_that_can_be_undone(fresh, monkeypatch):
    """The clerk pressed «Dùng lại mẫu của chương trình» by mistake: her set is listed with the time it stopped being
    used (Vietnam's, the folder's name at the server's time) and the form it changes, by its name; «Dùng lại bộ này»
    puts it back for the next build (its notes say so); a newer upload, brought back over, is listed in turn and
    brought back again. Each in «Nhật ký» in words."""
    import datetime as dt
    import re

    from pipeline.web import own_forms
    from pipeline.web.store import VIETNAM

    app, store, c = fresh
    here = store.agency_dir("VP")
    program = _downloaded(c)
    page = c.get("/mau-bieu").text
    assert "Dùng lại bộ này" not in page and not _listed(page)  # nothing kept aside yet
    _send_corrected(c, program)
    assert c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)}).status_code == 302
    assert _next_build(store, monkeypatch)[0] == "Kiểm điểm tập thể chi bộ"
    page = c.get("/mau-bieu").text
    (first,) = _listed(page)
    assert '<a href="#bo_cu_tieu_de">1 bộ mẫu riêng đã thôi dùng</a>' in page  # said at the top of a long page
    assert (here / first / "mau_01_2025" / "meta.toml").is_file()
    # its time: the folder's name is the server's local time; the page says it in Vietnam's (UTC+7)
    stamp = dt.datetime.strptime(first.removeprefix("mau_bieu.truoc-"), "%Y%m%d-%H%M%S").astimezone(VIETNAM)
    box = page[page.index('id="bo_cu_1"'):]
    box = " ".join(box[:box.index("</form>")].split())
    assert f"<strong>Bộ mẫu dùng đến {stamp:%H:%M} ngày {stamp:%d/%m/%Y}</strong>, tải lên lúc " in box
    assert "bởi vt (tệp «mau_bieu_sua.zip»)" in box
    assert "Các mẫu cơ quan đã sửa: Mẫu 01-HD KĐ.ĐG 2025 — " in box and "Dùng lại bộ này" in box

    r = _restore(c, first)
    assert r.status_code == 302 and "xong=dung_lai_cu" in r.headers["Location"]
    page = c.get(r.headers["Location"]).text
    assert "Đã dùng lại bộ mẫu đã cất giữ: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này." in page
    assert re.search(r"Cơ quan đang dùng <strong>bộ mẫu riêng</strong>, tải lên lúc [^<]+ \(tệp «mau_bieu_sua\.zip»\), "
                     r"dùng lại lúc \d\d/\d\d/\d{4} \d\d:\d\d bởi vt: mọi lần", page)
    assert not _listed(page) and not (here / first).exists() and 'id="xem_bo_cu"' not in page  # it is the set in use: not offered, not kept twice
    words, note = _next_build(store, monkeypatch)
    assert words == AGENCY_WORDS
    assert re.search(r"Dùng bộ mẫu biểu riêng của cơ quan \(trang «Mẫu biểu của cơ quan», tải lên lúc [^)]+ từ tệp "
                     r"«mau_bieu_sua\.zip», dùng lại lúc \d\d/\d\d/\d{4} \d\d:\d\d\); các mẫu khác mẫu của chương "
                     r"trình: mau_01_2025\.", note), note
    record = json.loads((here / "mau_bieu" / "tai_len.json").read_text("utf-8"))
    assert record["tai_khoan"] == "vt" and record["dung_lai_tai_khoan"] == "vt" and record["dung_lai_tu"] == first

    # a second correction sent: the first set aside again; brought back over the second, which is then listed
    meta = _corrected(program).decode("utf-8").replace(AGENCY_WORDS, OTHER_WORDS)
    assert _send(c, _zip({"mau_01_2025/meta.toml": meta.encode("utf-8")}), "lan_hai.zip").status_code == 302
    assert _next_build(store, monkeypatch)[0] == OTHER_WORDS
    (again,) = _listed(c.get("/mau-bieu").text)
    assert _restore(c, again).status_code == 302
    assert _next_build(store, monkeypatch)[0] == AGENCY_WORDS
    page = c.get("/mau-bieu").text
    (second,) = _listed(page)
    assert "(tệp «lan_hai.zip»)" in page[page.index('id="bo_cu_1"'):]
    assert _restore(c, second).status_code == 302  # the restore undone
    assert _next_build(store, monkeypatch)[0] == OTHER_WORDS
    assert len(own_forms.kept_aside(here)) == 1  # nothing lost, nothing doubled: one in use, one aside
    entries = [json.loads(e) for e in _audit(store, "dung_lai_bo_mau_cu")]
    assert entries[0] == {"tu_bo": first, "mau_doi": "mau_01_2025"}  # nothing in use to set aside
    assert entries[2]["tu_bo"] == second and entries[2]["cat_rieng"] == own_forms.kept_aside(here)[0]
    log = c.get("/nhat-ky").text
    assert "Dùng lại bộ mẫu biểu riêng đã cất giữ (dùng từ lần tạo sau)" in log
    assert f"bộ mẫu dùng lại, đã cất giữ ở thư mục {first}, các mẫu thay đổi mau_01_2025" in log


def test_a_restore_is_checked_as_an_upload_and_picks_only_a_listed_set(fresh, monkeypatch):
    """A set kept aside whose Word file names a variable the program no longer gives is refused in the upload's words,
    the set in use unchanged; a name that is no listed set of the agency (a path, another agency's set, the set in
    use) is refused; nothing while a build waits or runs (409); no CSRF token, no clerk of the agency: 403."""
    import re

    from pipeline.web import own_forms
    from pipeline.web.store import now

    app, store, c = fresh
    here = store.agency_dir("VP")
    program = _downloaded(c)
    _send_corrected(c, program)
    meta = _corrected(program).decode("utf-8").replace(AGENCY_WORDS, OTHER_WORDS)
    assert _send(c, _zip({"mau_01_2025/meta.toml": meta.encode("utf-8")}), "lan_hai.zip").status_code == 302
    (aside,) = own_forms.kept_aside(here)
    own = here / "mau_bieu"
    kept = _files(own)
    # the set aside's Word file names a variable no context gives (as after a program update renaming one)
    src = zipfile.ZipFile(io.BytesIO(program["mau_01_2025/template.docx"]))
    parts = {n: src.read(n) for n in src.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    first = re.search(r"<w:t(?: [^>]*)?>", body).end()  # the first text run's words
    parts["word/document.xml"] = (body[:first] + "{{ bien_khong_co }}" + body[first:]).encode("utf-8")
    (here / aside / "mau_01_2025" / "template.docx").write_bytes(_zip(parts))
    r = _restore(c, aside)
    assert r.status_code == 400
    assert "Chưa dùng lại bộ mẫu đã cất giữ; bộ mẫu đang dùng được giữ nguyên. 1 vấn đề:" in r.text
    assert "«mau_01_2025/template.docx» (Báo cáo kiểm điểm tập thể (chi bộ)): Mẫu «mau_01_2025» dùng biến không có " \
           "trong dữ liệu: «bien_khong_co» chưa có (khi điền cho" in r.text, r.text[r.text.find('id="loi"'):][:800]
    assert str(store.data) not in r.text
    assert _files(own) == kept and (here / aside).is_dir() and _listed(r.text) == [aside]
    assert not list(here.glob("mau_bieu.moi-*")) and not list(here.glob("mau_bieu.giu-*"))

    # another agency's set kept aside, under a name VP has not
    khac = logged_in(app, "khac", PASSWORD)
    _send_corrected(khac, program)
    assert khac.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(khac)}).status_code == 302
    (theirs,) = own_forms.kept_aside(store.agency_dir("SO"))
    foreign = "mau_bieu.truoc-20261101-080000"
    (store.agency_dir("SO") / theirs).rename(store.agency_dir("SO") / foreign)
    for name in ("../SO/" + foreign, foreign, f"../../co_quan/SO/{foreign}", "../mau_bieu", "mau_bieu",
                 "mau_bieu.dung", "/etc", "", aside + "/..", aside + "/mau_01_2025"):
        r = _restore(c, name)
        assert r.status_code == 400 and "không còn trong danh sách" in r.text, name
        assert _files(own) == kept, name
    assert (store.agency_dir("SO") / foreign).is_dir() and own_forms.in_use(store.agency_dir("SO")) is None
    assert len(_audit(store, "dung_lai_bo_mau_cu_bi_tu_choi")) == 11 and not _audit(store, "dung_lai_bo_mau_cu")

    (here / aside / "mau_01_2025" / "template.docx").write_bytes(program["mau_01_2025/template.docx"])
    build = store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES ('VP', 1, 'vt', 'cho', ?)",
                    now())
    r = _restore(c, aside)
    assert r.status_code == 409 and f"Lần tạo hồ sơ số {build} đang chờ hoặc đang chạy" in r.text
    assert _files(own) == kept
    store.x("UPDATE lan_tao SET trang_thai='xong' WHERE id=?", build)
    assert c.post("/mau-bieu/dung-lai-bo-cu", data={"bo": aside}).status_code == 403  # no CSRF token
    for name in ("dv", "snv"):
        other = logged_in(app, name, PASSWORD)
        assert _restore(other, aside).status_code == 403
    assert _files(own) == kept
    assert _restore(c, aside).status_code == 302  # sound again: brought back
    assert _next_build(store, monkeypatch)[0] == AGENCY_WORDS


# ---- the program updated a form the agency has its own copy of ----------------------------------------------------
NEW_CITATION = "Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương (bản đính chính của chương trình)"
MAU_01 = "Mẫu 01-HD KĐ.ĐG 2025 — Báo cáo kiểm điểm tập thể (chi bộ)"
UPDATED = "Mẫu của chương trình đã được cập nhật sau khi cơ quan tải lên bản riêng"
NOT_KNOWN = "Không rõ mẫu của chương trình có được cập nhật sau khi cơ quan tải lên bản riêng hay không"


def _program_update(monkeypatch, tmp_path, *codes: str) -> Path:
    """A newer program: a copy of the program's forms with the issuing document of each of `codes` corrected (the
    legal citation printed on the form), seen by the page, the download and the build (own_forms.templates_dir)."""
    import re
    import shutil

    from pipeline.resources import templates_dir
    from pipeline.web import own_forms

    newer = tmp_path / "templates_moi"
    if not newer.exists():
        shutil.copytree(templates_dir(), newer, ignore=shutil.ignore_patterns("__pycache__"))
    for code in codes:
        meta = newer / code / "meta.toml"
        text, n = re.subn(r'(?m)^issuing_document = ".*"$', f'issuing_document = "{NEW_CITATION} {code}"',
                          meta.read_text(encoding="utf-8"), count=1)
        assert n == 1, code
        meta.write_text(text, encoding="utf-8")
    monkeypatch.setattr(own_forms, "templates_dir", lambda: newer)
    return newer


def _notice(page: str) -> str:
    """The page's words on the program's updates of the agency's forms ("" when none), whitespace collapsed."""
    if 'id="mau_cap_nhat"' not in page:
        return ""
    box = page[page.index('id="mau_cap_nhat">') + len('id="mau_cap_nhat">'):]
    return " ".join(box[:box.index("</div>")].split())


def _row(page: str, code: str) -> str:
    rows = page[page.index('id="cac_mau"'):]
    row = rows[rows.index(f'id="mau_{code}"'):]
    return row[:row.index("</tr>")]


def test_a_program_update_of_a_form_the_agency_changed_is_said_and_hers_is_still_used(fresh, monkeypatch, tmp_path):
    """The upload records the program's files of the form it keeps; a later program version correcting another form
    (mau_02) says nothing (that form follows the program); correcting hers (mau_01_2025's legal citation) is said on
    the page, in the download (the program's new files under ban_moi_cua_chuong_trinh/) and in the next build's notes,
    while her wording is still what the build fills — also after her set is set aside and brought back. Sending the
    download back (the comparison folder skipped) records the program's new files: nothing said any more."""
    import hashlib

    from pipeline.web import own_forms

    app, store, c = fresh
    here = store.agency_dir("VP")
    program = _downloaded(c)
    _send_corrected(c, program)
    record = json.loads((here / "mau_bieu" / "tai_len.json").read_text("utf-8"))
    assert record["mau_goc"] == {"mau_01_2025": {
        "meta.toml": hashlib.sha256(program["mau_01_2025/meta.toml"]).hexdigest(),
        "template.docx": hashlib.sha256(program["mau_01_2025/template.docx"]).hexdigest()}}
    assert _notice(c.get("/mau-bieu").text) == ""

    # the program updates a form she did not change: it follows the program, nothing is said
    newer = _program_update(monkeypatch, tmp_path, "mau_02")
    page = c.get("/mau-bieu").text
    assert _notice(page) == "" and UPDATED not in page and NOT_KNOWN not in page
    assert "cập nhật sau đó" not in _row(page, "mau_01_2025") and "bản riêng" not in _row(page, "mau_02")
    files = _downloaded(c)
    assert not [n for n in files if n.startswith("ban_moi_cua_chuong_trinh/")]
    assert files["mau_02/meta.toml"] == (newer / "mau_02" / "meta.toml").read_bytes()
    assert "ban_moi_cua_chuong_trinh" not in files["HUONG_DAN.txt"].decode("utf-8")
    words, note = _next_build(store, monkeypatch)
    assert words == AGENCY_WORDS and UPDATED not in note and NOT_KNOWN not in note

    # the program corrects the legal citation of her form: said, hers still used
    _program_update(monkeypatch, tmp_path, "mau_01_2025")
    page = c.get("/mau-bieu").text
    assert _notice(page).startswith(f"<p>{UPDATED} ({MAU_01}): bản riêng của cơ quan vẫn được dùng; "
                                    '<a href="/mau-bieu/bo-mau.zip">tải bộ mẫu về</a> để so sánh và chép phần cập nhật '
                                    "nếu cần.</p>"), _notice(page)
    assert "Mẫu 02" not in _notice(page) and "thư mục «ban_moi_cua_chuong_trinh»" in _notice(page)
    assert _row(page, "mau_01_2025").endswith("Có (bản riêng)<br><span class=\"warn\">mẫu của chương trình đã cập nhật "
                                              "sau đó</span></td>")
    assert "cập nhật sau đó" not in _row(page, "mau_02")
    files = _downloaded(c)
    assert sorted(n for n in files if n.startswith("ban_moi_cua_chuong_trinh/")) == [
        "ban_moi_cua_chuong_trinh/mau_01_2025/meta.toml", "ban_moi_cua_chuong_trinh/mau_01_2025/template.docx"]
    assert f"{NEW_CITATION} mau_01_2025".encode() in files["ban_moi_cua_chuong_trinh/mau_01_2025/meta.toml"]
    assert AGENCY_WORDS.encode() not in files["ban_moi_cua_chuong_trinh/mau_01_2025/meta.toml"]
    assert AGENCY_WORDS.encode() in files["mau_01_2025/meta.toml"]  # her copy, as she sent it
    assert NEW_CITATION.encode() not in files["mau_01_2025/meta.toml"]
    guide = files["HUONG_DAN.txt"].decode("utf-8")
    assert "THƯ MỤC ban_moi_cua_chuong_trinh" in guide and "chương trình bỏ qua thư mục này khi tải lên" in guide
    words, note = _next_build(store, monkeypatch)
    assert words == AGENCY_WORDS
    (line,) = [x for x in note.splitlines() if UPDATED in x]
    assert line == (f"{UPDATED} ({MAU_01}): lần tạo này vẫn dùng bản riêng của cơ quan; ở trang «Mẫu biểu của cơ quan», "
                    "tải bộ mẫu về để so sánh và chép phần cập nhật nếu cần.")

    # set aside and brought back: still the copy made against the older form, still said
    assert c.post("/mau-bieu/dung-mau-chuong-trinh", data={"csrf_token": _csrf(c)}).status_code == 302
    (aside,) = own_forms.kept_aside(here)
    assert _restore(c, aside).status_code == 302
    assert _notice(c.get("/mau-bieu").text).startswith(f"<p>{UPDATED} ({MAU_01})")

    # the comparison folder alone is not an upload
    r = _send(c, _zip({n: b for n, b in files.items() if n.startswith("ban_moi_cua_chuong_trinh/")}), "chi_ban_moi.zip")
    assert r.status_code == 400 and "chỉ có thư mục «ban_moi_cua_chuong_trinh»" in r.text
    # the download sent back as it is (the clerk has compared, kept her wording): taken, the folder skipped, nothing said
    r = _send(c, _zip(files), "da_so_sanh.zip")
    assert r.status_code == 302, r.text
    page = c.get(r.headers["Location"]).text
    assert _notice(page) == "" and "cập nhật sau đó" not in _row(page, "mau_01_2025")
    assert "Có (bản riêng)" in _row(page, "mau_01_2025")
    assert not (here / "mau_bieu" / "ban_moi_cua_chuong_trinh").exists()
    record = json.loads((here / "mau_bieu" / "tai_len.json").read_text("utf-8"))
    assert record["mau_goc"]["mau_01_2025"]["meta.toml"] == hashlib.sha256(
        (newer / "mau_01_2025" / "meta.toml").read_bytes()).hexdigest()
    words, note = _next_build(store, monkeypatch)
    assert words == AGENCY_WORDS and UPDATED not in note


def test_a_set_kept_before_fingerprints_were_recorded_says_not_known(fresh, monkeypatch):
    """An agency's set whose tai_len.json has no `mau_goc` (sent with an earlier version of the program): the page, the
    download and the build say it is not known whether the program updated her form since — no guess, no crash."""
    app, store, c = fresh
    here = store.agency_dir("VP")
    program = _downloaded(c)
    _send_corrected(c, program)
    info = here / "mau_bieu" / "tai_len.json"
    record = json.loads(info.read_text("utf-8"))
    del record["mau_goc"]
    info.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    r = c.get("/mau-bieu")
    assert r.status_code == 200
    assert _notice(r.text).startswith(f"<p>{NOT_KNOWN} ({MAU_01}; bộ mẫu riêng tải lên trước khi chương trình ghi lại "
                                      "bản mẫu gốc): bản riêng của cơ quan vẫn được dùng;"), _notice(r.text)
    assert UPDATED not in r.text
    assert "không rõ mẫu của chương trình có cập nhật sau đó không" in _row(r.text, "mau_01_2025")
    files = _downloaded(c)
    assert files["ban_moi_cua_chuong_trinh/mau_01_2025/meta.toml"] == program["mau_01_2025/meta.toml"]
    assert "THƯ MỤC ban_moi_cua_chuong_trinh" in files["HUONG_DAN.txt"].decode("utf-8")
    words, note = _next_build(store, monkeypatch)
    assert words == AGENCY_WORDS
    assert f"{NOT_KNOWN} ({MAU_01}; bộ mẫu riêng tải lên trước khi chương trình ghi lại bản mẫu gốc): lần tạo này vẫn " \
           "dùng bản riêng của cơ quan;" in note, note


def _build_notice(c) -> str:
    """The «Tạo hồ sơ» page's words on the program's updates of the agency's forms ("" when none), tags dropped."""
    import re

    r = c.get("/tao-ho-so")
    assert r.status_code == 200 and 'id="tao"' in r.text  # a workbook to build from: the page offers the build
    if 'id="mau_cap_nhat"' not in r.text:
        return ""
    box = r.text[r.text.index('id="mau_cap_nhat">') + len('id="mau_cap_nhat">'):]
    box = box[:box.index("</p>")]
    assert '<a href="/mau-bieu">Mẫu biểu của cơ quan</a>' in box
    return " ".join(re.sub(r"<[^>]+>", "", box).split())


def test_the_build_page_says_the_program_updated_a_form_before_the_build(fresh, monkeypatch, tmp_path):
    """«Tạo hồ sơ» (before any build) repeats the forms page's notice, linking to «Mẫu biểu của cơ quan», when the
    program updated a form the agency has her own copy of, or when that is not known (a set recorded before); nothing
    with the program's set, with her copy not updated, or when the program updated only a form she did not change."""
    app, store, c = fresh
    book = factory.of_year(tmp_path / "so_2025.xlsx", 2025)
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(book.read_bytes()), book.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.text
    assert _build_notice(c) == ""  # the program's set
    _send_corrected(c, _downloaded(c))
    assert _build_notice(c) == ""  # her copy, made against the program's form of today
    _program_update(monkeypatch, tmp_path, "mau_02")
    assert _build_notice(c) == ""  # a form she did not change: it follows the program
    _program_update(monkeypatch, tmp_path, "mau_01_2025")
    assert _build_notice(c) == (f"{UPDATED} ({MAU_01}): lần tạo này vẫn dùng bản riêng của cơ quan; ở trang Mẫu biểu "
                                "của cơ quan, tải bộ mẫu về để so sánh và chép phần cập nhật nếu cần.")
    info = store.agency_dir("VP") / "mau_bieu" / "tai_len.json"
    record = json.loads(info.read_text("utf-8"))
    del record["mau_goc"]
    info.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert _build_notice(c).startswith(f"{NOT_KNOWN} ({MAU_01}; bộ mẫu riêng tải lên trước khi chương trình ghi lại "
                                       "bản mẫu gốc): lần tạo này vẫn dùng bản riêng của cơ quan;")


def test_a_zipped_export_keeps_only_the_forms_she_edited_the_old_copies_follow_the_program(fresh, monkeypatch, tmp_path):
    """A clerk who used the command line sends her whole `hoso templates export` folder, zipped, with its record
    (mau_goc.json), after the program corrected two forms since her export: mau_01_2025, which she edited, and
    mau_02, which she never touched. Her mau_01_2025 is kept as hers; the old copy of mau_02 is not (it would freeze
    the program's correction on her papers): the program's new mau_02 is used, and the page says so."""
    from pipeline import lint
    from pipeline.forms import origin
    from pipeline.web import own_forms

    app, store, c = fresh
    exported = lint.export(tmp_path / "xuat" / "mau_bieu")  # her export, from the program of that day
    meta = exported / "mau_01_2025" / "meta.toml"
    meta.write_bytes(_corrected({"mau_01_2025/meta.toml": meta.read_bytes()}))
    files = {f"mau_bieu/{rel}": data for rel, data in _files(exported).items()}
    newer = _program_update(monkeypatch, tmp_path, "mau_01_2025", "mau_02")  # the program corrects both since
    monkeypatch.setattr(origin, "templates_dir", lambda: newer)

    r = _send(c, _zip(files), "mau_bieu.zip")
    assert r.status_code == 302 and "xong=theo_chuong_trinh" in r.headers["Location"], r.headers.get("Location")
    page = " ".join(c.get(r.headers["Location"]).text.split())
    assert ("Đã nhận bộ mẫu đã sửa: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này. 1 mẫu trong tệp tải lên vẫn giống hệt "
            "bản của chương trình lúc chép ra (theo tệp mau_goc.json) và chương trình đã cập nhật các mẫu này sau đó: "
            "các mẫu này dùng bản mới của chương trình, không giữ làm mẫu riêng.") in page
    kept = store.agency_dir("VP") / "mau_bieu"
    assert sorted(p.name for p in kept.iterdir() if p.is_dir()) == ["mau_01_2025"]
    assert AGENCY_WORDS in (kept / "mau_01_2025" / "meta.toml").read_text("utf-8")
    assert own_forms.differing(kept) == ["mau_01_2025"]
    (detail,) = _audit(store, "tai_len_bo_mau")
    assert json.loads(detail)["mau_theo_chuong_trinh"] == "mau_02"
    # the set a build uses: her mau_01_2025, the program's new mau_02 (its corrected citation)
    used = own_forms.merged(store.agency_dir("VP"))
    assert used is not None and NEW_CITATION in (used / "mau_02" / "meta.toml").read_text("utf-8")
    assert AGENCY_WORDS in (used / "mau_01_2025" / "meta.toml").read_text("utf-8")
