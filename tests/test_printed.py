"""The «printed» mark (`hoso da-in`, the web's «Đã in xong các trang cần in lại"): once a clerk has
marked a print, every later build lists every sheet changed since that print, across builds — a change
built but not printed is never dropped from in_lai.pdf by the next build — and a document changed
back to what was printed is not listed. Real LibreOffice, on copies of the shared sample build.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_season import edit_workbook, pdf_pages_text, run_main
from web_pages import hidden
from workbook_factory import with_strengths

from pipeline.manifest import MANIFEST
from pipeline.printed import MARK_FILE

pytestmark = pytest.mark.libreoffice

VOTE = {"VP-030": {"phieu_htt": 6, "phieu_ht": 0}}  # change X: a vote, the unit CBTH's minutes change
STRENGTHS = ("VP-005", "Tận tụy, chu đáo (bổ sung sau khi in).")  # change Y: VP-005's own form changes


@pytest.fixture(autouse=True)
def _keep_sigterm(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)  # main() runs in-process here


@pytest.fixture
def copy(built, tmp_path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(built[0], out)  # modification times kept: still "as recorded"
    return out


def build(workbook: Path, out: Path, cache_dir: Path, capsys, *extra: str) -> str:
    rc, err, _ = run_main(["build", str(workbook), "-o", str(out), "--cache", str(cache_dir / "e2e"), *extra], capsys)
    assert rc == 0, err
    return err


def section(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))["thay_doi"]


def listed(out: Path) -> set[tuple[str, str]]:
    """(dossier, form) of every document in the build's reprint list."""
    return {(d["tep"], d["mau"]) for d in section(out)["van_ban"]}


def bookmarks(out: Path) -> list[str]:
    return [item.title for item in PdfReader(out / "in_lai.pdf").outline if not isinstance(item, list)]


def test_every_change_since_the_print_is_listed_across_builds(copy, sample, cache_dir, tmp_path, capsys):
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    names = {p["ma_so"]: p["ho_ten"] for p in json.loads((copy / "ket_qua_xep_loai.json").read_text())["nguoi"]}
    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    docs, pages = manifest["lan_tao"]["so_van_ban"], manifest["lan_tao"]["so_trang"]
    assert "Đã đánh dấu in xong lúc " in err and f": {docs} văn bản, {pages} trang của «{copy}»" in err, err
    assert "kể từ lần in này" in err
    assert (copy / MARK_FILE).is_file()
    rc, err, _ = run_main(["verify", str(copy)], capsys)  # the mark is no unknown file
    assert rc == 0 and "Dấu đã in" in err, err

    x = edit_workbook(sample, tmp_path / "x.xlsx", votes=VOTE)
    build(x, copy, cache_dir, capsys)
    assert {t for t, _ in listed(copy)} == {"don_vi/CBTH.pdf"}, listed(copy)
    assert (copy / MARK_FILE).is_file()  # carried into the output swapped in

    # not printed; change Y built on top: the reprint list holds X's and Y's sheets
    xy = with_strengths(x, tmp_path / "xy.xlsx", *STRENGTHS)
    err = build(xy, copy, cache_dir, capsys)
    found = listed(copy)
    assert {t for t, _ in found} == {"don_vi/CBTH.pdf", "ca_nhan/HCQT/VP-005.pdf"}, found
    marks = bookmarks(copy)
    assert any(names["VP-005"] in t for t in marks) and any("Biên bản" in t and "CBTH" in t for t in marks), marks
    text = "".join(pdf_pages_text(copy / "in_lai.pdf"))
    assert "bổ sung sau khi in" in text
    line = next(x for x in err.splitlines() if x.startswith("Kể từ lần in lúc "))
    assert names["VP-005"] in line and names["VP-030"] in line and "in_lai.pdf" in line, line
    listing = (copy / "thay_doi.txt").read_text(encoding="utf-8")
    assert "Kể từ lần in lúc " in listing and "ca_nhan/HCQT/VP-005.pdf" in listing and "don_vi/CBTH.pdf" in listing
    assert section(copy)["ke_tu_lan_in"]["ngay"]

    # X changed back to what was printed: only Y is left to print
    y = with_strengths(sample, tmp_path / "y.xlsx", *STRENGTHS)
    build(y, copy, cache_dir, capsys)
    assert {t for t, _ in listed(copy)} == {"ca_nhan/HCQT/VP-005.pdf"}, listed(copy)
    assert not any("CBTH" in t for t in bookmarks(copy))

    # printed again: the same inputs build nothing, and say nothing is left to print
    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    err = build(y, copy, cache_dir, capsys)
    assert "Không có gì thay đổi kể từ lần tạo trước" in err and "không có gì phải in lại" in err, err
    # the same data under another file name is built again, and compared with the print: nothing to print
    same = shutil.copy(y, tmp_path / "y_ban_sao.xlsx")
    err = build(Path(same), copy, cache_dir, capsys)
    assert section(copy)["van_ban"] == [] and not (copy / "in_lai.pdf").exists()
    assert "Kể từ lần in lúc " in err and "không phải in lại" in err, err


def test_without_a_mark_the_reprint_list_is_the_last_step(copy, sample, cache_dir, tmp_path, capsys):
    """Today's behaviour, unchanged: compared with the output replaced.

    Then the same workbook built again, nothing printed in between: a dossier PDF deleted by mistake makes the
    build run (it is put back), and it found nothing changed against the build before — which had just listed
    VP-005's form — and said «không phải in lại», removing in_lai.pdf: the unprinted change was lost from every
    list (the same the next day, when the report's days to the deadline make the build run). The list is kept
    as it was: same documents, same sheets, said to be the previous build's, not marked printed."""
    x = edit_workbook(sample, tmp_path / "x.xlsx", votes=VOTE)
    build(x, copy, cache_dir, capsys)
    xy = with_strengths(x, tmp_path / "xy.xlsx", *STRENGTHS)
    err = build(xy, copy, cache_dir, capsys)
    assert {t for t, _ in listed(copy)} == {"ca_nhan/HCQT/VP-005.pdf"}
    assert "ke_tu_lan_in" not in section(copy) and "So với lần tạo trước" in err
    assert not (copy / MARK_FILE).exists()
    pending, marks, sheets = section(copy)["van_ban"], bookmarks(copy), section(copy)["to_in"]

    other = next(p for p in sorted((copy / "ca_nhan").glob("*/*.pdf")) if p.name != "VP-005.pdf")
    other.unlink()
    err = build(xy, copy, cache_dir, capsys)
    assert other.is_file()  # put back
    assert section(copy)["van_ban"] == pending and section(copy)["to_in"] == sheets and bookmarks(copy) == marks
    assert section(copy)["giu_tu_lan_truoc"] is True
    assert ("So với lần tạo trước: không văn bản nào thay đổi nội dung; danh sách cần in lại của lần tạo trước (chưa "
            "đánh dấu đã in) được giữ nguyên: 1 văn bản (") in err and "In lại và ký lại: «" in err, err
    assert "; dữ liệu thay đổi (tính cả các lần tạo trước): " in err and "(VP-005)" in err, err  # not this build's
    listing = (copy / "thay_doi.txt").read_text(encoding="utf-8")
    assert "Danh sách cần in lại của lần tạo trước (chưa đánh dấu đã in) được giữ nguyên" in listing
    assert "Người có dữ liệu thay đổi trong sổ Excel (tính cả các lần tạo trước): " in listing, listing
    assert "không phải in lại" not in listing and "ca_nhan/HCQT/VP-005.pdf: trang" in listing
    err = build(xy, copy, cache_dir, capsys)  # again, nothing at all changed: the quick path says the list is there
    assert "Không có gì thay đổi kể từ lần tạo trước" in err, err
    assert (f"Danh sách cần in lại của lần tạo này vẫn còn (chưa đánh dấu đã in): «{copy / 'in_lai.pdf'}» (1 văn bản, "
            in " ".join(err.split())), err

    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)  # printed: the next build has nothing to list
    assert rc == 0, err
    other.unlink()
    err = build(xy, copy, cache_dir, capsys)
    assert section(copy)["van_ban"] == [] and not (copy / "in_lai.pdf").exists() and "không phải in lại" in err
    err = build(xy, copy, cache_dir, capsys)
    assert "Không có gì thay đổi kể từ lần tạo trước" in err and "Danh sách cần in lại" not in err, err


def test_another_agencys_build_leaves_the_mark_behind(copy, sample, cache_dir, tmp_path, capsys):
    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    other = edit_workbook(sample, tmp_path / "so_khac.xlsx", agency="Sở Tư pháp tỉnh Quảng Ngãi")
    build(other, copy, cache_dir, capsys, "--doi-co-quan")
    assert not (copy / MARK_FILE).exists()  # the mark was the other agency's output's
    assert section(copy)["lan_dau"] is True
    assert not list(copy.parent.glob(".output.cu-*"))  # nothing of the old output left beside


def test_da_in_refuses_what_is_not_a_build_and_a_folder_being_written(copy, tmp_path, capsys):
    empty = tmp_path / "trong"
    empty.mkdir()
    rc, err, _ = run_main(["da-in", "-o", str(empty)], capsys)
    assert rc == 4 and "không phải thư mục kết quả của hoso build" in err, err
    assert not (tmp_path / ".trong.lock").exists() and not (empty / MARK_FILE).exists()
    rc, err, _ = run_main(["da-in", "-o", str(tmp_path / "khong_co")], capsys)
    assert rc == 2, err
    from pipeline.output import locked

    with locked(copy):  # a build writing there
        rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 7 and "đang ghi vào" in err, err
    assert not (copy / MARK_FILE).exists()


def test_the_web_button_marks_the_print_for_the_agency_clerk_only(built, tmp_path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path)
    for name, agency, role, unit in (("vt", "VP", "van_thu", None), ("dv", "VP", "van_thu_don_vi", "CBTH"),
                                     ("khac", "STP", "van_thu", None)):
        store.add_account(name, accounts.hash_password("mat-khau-du-dai-9"), agency, role, unit)
    shutil.copytree(built[0], store.output_dir("VP"))
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 08:04:37', '2026-12-06 08:04:38')")
    build_id = store.one("SELECT id FROM lan_tao WHERE co_quan='VP'")["id"]
    app = create_app(tmp_path, start_queue=False)

    def login(name: str):
        c = app.test_client()
        token = hidden(c.get("/dang-nhap").text, "csrf_token")
        assert c.post("/dang-nhap", data={"csrf_token": token, "ten": name, "mat_khau": "mat-khau-du-dai-9"}).status_code == 302
        return c

    unit, other, clerk = login("dv"), login("khac"), login("vt")
    html = unit.get("/thay-doi").text
    assert 'id="nut_da_in"' not in html and 'id="chua_danh_dau_in"' in html
    assert unit.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": build_id}).status_code == 403
    html = other.get("/").text
    assert other.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": build_id}).status_code == 404
    assert clerk.post("/thay-doi/da-in", data={"lan_tao": build_id}).status_code == 403  # no CSRF token
    assert clerk.post("/thay-doi/da-in", data={"csrf_token": "gia-mao", "lan_tao": build_id}).status_code == 403
    assert not (store.output_dir("VP") / MARK_FILE).exists()

    html = clerk.get("/thay-doi").text
    assert 'id="nut_da_in"' in html and 'id="chua_danh_dau_in"' in html
    assert 'id="nut_da_in"' in clerk.get(f"/lan-tao/{build_id}").text
    r = clerk.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": build_id})
    assert r.status_code == 302, r.text
    mark = json.loads((store.output_dir("VP") / MARK_FILE).read_text(encoding="utf-8"))
    assert mark["nguoi"] == "vt"
    row = store.one("SELECT * FROM nhat_ky WHERE hanh_dong='da_in'")
    assert row["tai_khoan"] == "vt" and json.loads(row["chi_tiet"])["lan_tao"] == build_id
    html = clerk.get("/thay-doi").text
    assert 'id="da_in_xong"' in html and "bởi vt" in html and 'id="nut_da_in"' not in html
    # the first mark (none before it): the clerk printed the whole output, nothing was «to print again»
    log = clerk.get("/nhat-ky").text
    assert "Đánh dấu đã in xong toàn bộ hồ sơ (lần in đầu tiên)" in log and "các trang cần in lại" not in log, log
    shown = unit.get("/thay-doi").text
    assert 'id="da_in_xong"' in shown and "bởi vt" in shown

    # a newer build than the one shown: refused, nothing marked again
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 09:00:00', '2026-12-06 09:00:01')")
    before = (store.output_dir("VP") / MARK_FILE).read_bytes()
    r = clerk.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": build_id})
    assert r.status_code == 409 and "không phải kết quả hiện tại (lần tạo số 2 đã thay nó)" in r.text
    assert (store.output_dir("VP") / MARK_FILE).read_bytes() == before
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc) VALUES ('VP', 1, 'vt', 'dang_chay', "
            "'2026-12-06 09:05:00')")  # the latest, while another build runs: refused too
    r = clerk.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": 2})
    assert r.status_code == 409 and "đang chờ hoặc đang chạy" in r.text
    assert (store.output_dir("VP") / MARK_FILE).read_bytes() == before
    # that build ended; the clerk marks the latest: a later print, said as the reprint it is
    store.x("UPDATE lan_tao SET trang_thai='loi' WHERE trang_thai='dang_chay'")
    r = clerk.post("/thay-doi/da-in", data={"csrf_token": hidden(html, "csrf_token"), "lan_tao": 2})
    assert r.status_code == 302, r.text
    log = re.sub(r"\s+", " ", clerk.get("/nhat-ky").text)
    assert log.count("Đánh dấu đã in xong các trang cần in lại") == 1, log
    assert log.count("Đánh dấu đã in xong toàn bộ hồ sơ (lần in đầu tiên)") == 1, log
    assert log.index("các trang cần in lại") < log.index("lần in đầu tiên")  # newest first


def test_a_mark_caught_in_a_commit_cut_short_is_put_back(tmp_path):
    """A run killed after the commit moved the mark into its staging folder, before the swap: the next
    run, tidying, puts the mark back into the output instead of deleting it with the staging folder."""
    from pipeline.output import locked

    out = tmp_path / "output"
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"tao_boi": "hoso", "files": [], "ca_nhan": []}), encoding="utf-8")
    staging = tmp_path / ".output.dang-tao-abc"
    staging.mkdir()
    mark = {"tao_boi": "hoso", "loai": "da_in", "ngay": "2026-12-06T10:00:00", "ban_in": {"ca_nhan": []}}
    (staging / MARK_FILE).write_text(json.dumps(mark), encoding="utf-8")
    with locked(out):
        pass
    assert not staging.exists()
    assert json.loads((out / MARK_FILE).read_text(encoding="utf-8"))["ngay"] == "2026-12-06T10:00:00"


def test_signed_pages_of_a_document_changed_after_the_print_are_still_set_aside(built, tmp_path, sample, cache_dir):
    """Signed scans filed, the print marked, then a change: the rebuild keeps da_ky/ and the mark, lists
    the changed document to reprint, and `nhan-ban-ky` still sets its signed pages aside (can_ky_lai)."""
    import random

    from bench.scans import form_pages, scanned, write_pdf
    from pipeline import api
    from pipeline.scan.sort import receive

    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out, symlinks=True)
    sheets = form_pages(out, persons={"VP-001"})
    scan = write_pdf([scanned(s.image, random.Random(7)) for s in sheets], tmp_path / "quet.pdf")
    receive(out, [scan])
    api.mark_printed(out)
    before = {t["mau"]: t["phien_ban"] for p in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["ca_nhan"]
              if p["ma_so"] == "VP-001" for t in p["tai_lieu"]}
    changed = with_strengths(sample, tmp_path / "moi.xlsx", "VP-001", "Ưu điểm viết lại sau khi đã in và ký.")
    api.build(changed, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert (out / MARK_FILE).is_file() and (out / "da_ky" / "LD" / "VP-001.pdf").is_file()
    [person] = [p for p in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["ca_nhan"] if p["ma_so"] == "VP-001"]
    stale = {t["mau"] for t in person["tai_lieu"] if t["phien_ban"] != before[t["mau"]]}
    assert "mau_02" in stale and "mau_02" in {m for t, m in listed(out) if t == person["pdf"]}  # the self-assessment
    again = {(p.unit, p.person): p for p in receive(out, []).people}[("LD", "VP-001")]
    assert len(again.outdated) == len([s for s in sheets if s.form in stale])
    assert api.verify(out).ok


def test_a_mark_made_on_a_utc_server_reads_in_vietnam_time():
    """A mark made on a server whose clock is UTC (01:00) is the clerk's 08:00: the reprint list's «kể từ lần
    in lúc …» and the web page say 08:00; a mark's time keeps its offset."""
    import datetime as dt

    from pipeline.printed import when_words

    assert when_words("2026-12-06T01:00:00+00:00") == "08:00 ngày 06/12/2026"
    assert when_words("2026-12-05T20:30:00+00:00") == "03:30 ngày 06/12/2026"
    assert when_words("2026-12-06T08:00:00+07:00") == "08:00 ngày 06/12/2026"
    assert dt.datetime.fromisoformat("2026-12-06T08:00:00+07:00").utcoffset() is not None


def _covers_read(out: Path) -> dict:
    """Each dossier's cover digests as read from its PDF (what `da-in` falls back to)."""
    from pipeline import printed

    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    read = {}
    for d in [*manifest["ca_nhan"], *manifest["don_vi"]]:
        first = min(x["trang_dau"] for x in d.get("tai_lieu") or d.get("muc"))
        read[d["pdf"]] = {"trang": first - 1, **printed.text_digests(printed.page_texts(out / d["pdf"], first - 1))}
    return read


def test_covers_are_recorded_once_a_print_is_marked_and_da_in_then_only_copies_them(copy, sample, cache_dir, tmp_path,
                                                                                      monkeypatch, capsys):
    """Reading a cover's text costs a tenth of a full build: a build records the covers' digests with the bundles
    only when the folder holds a print mark. The first `da-in` reads them from the PDFs; every build after it
    records them (the dossiers it builds and those it takes from the cache), the same as reading the PDFs gives,
    and the next `da-in` copies them without opening a PDF."""
    from pipeline import printed

    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    assert not any("bia" in d for d in [*manifest["ca_nhan"], *manifest["don_vi"]])  # no mark: nothing read
    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    assert json.loads((copy / MARK_FILE).read_text(encoding="utf-8"))["bia"] == _covers_read(copy)

    build(with_strengths(sample, tmp_path / "y.xlsx", *STRENGTHS), copy, cache_dir, capsys)
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    read = _covers_read(copy)
    assert {d["pdf"]: d["bia"] for d in [*manifest["ca_nhan"], *manifest["don_vi"]]} == read
    person = next(p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-005")
    assert "Hoàng Thị Ánh" in " ".join(printed.page_texts(copy / person["pdf"], person["bia"]["trang"]))

    def no_pdf(*_a):
        raise AssertionError("da-in read a PDF")

    with monkeypatch.context() as m:
        m.setattr(printed, "page_texts", no_pdf)
        rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    assert json.loads((copy / MARK_FILE).read_text(encoding="utf-8"))["bia"] == read


def test_a_bundle_cached_without_its_covers_gets_them_once_a_print_is_marked(built, tmp_path):
    from pipeline.bundle.assemble import BuiltBundle, Section
    from pipeline.bundle.build import _load, _save
    from pipeline.pdf.cache import BlobCache

    out = built[0]
    person = next(p for p in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["ca_nhan"] if p["ma_so"] == "VP-005")
    data = (out / person["pdf"]).read_bytes()
    sections = tuple(Section(t["tieu_de"], t["trang_dau"], t["so_trang"], t["mau"]) for t in person["tai_lieu"])
    blobs = BlobCache(tmp_path / "cache")
    _save(blobs, "k", BuiltBundle(data, len(PdfReader(out / person["pdf"]).pages), sections))
    assert "bia" not in json.loads(blobs.get("k", "bundle.json"))
    loaded, _sha = _load(blobs, "k")  # no mark: nothing read
    assert loaded.bia is None and "bia" not in json.loads(blobs.get("k", "bundle.json"))
    loaded, _sha = _load(blobs, "k", covers=True)
    assert loaded.bia == _covers_read(out)[person["pdf"]]
    assert json.loads(blobs.get("k", "bundle.json"))["bia"] == loaded.bia  # recorded for the next build


def test_a_dossier_gone_before_the_last_build_is_still_named_by_its_person(copy, sample, cache_dir, tmp_path,
                                                                             capsys):
    """Printed, then a person left out (a build), then another change (a second build): the print's files are
    gone and the output the last build replaces no longer holds him — his dossier, still to be taken out of the
    printed set, is named by his name as the print recorded it (da_in.json «ho_ten»), never «VP-… (VP-…)»."""
    from fakes import recoded

    names = {p["ma_so"]: p["ho_ten"] for p in json.loads((copy / "ket_qua_xep_loai.json").read_text())["nguoi"]}
    gone = "VP-005"
    rc, err, _ = run_main(["da-in", "-o", str(copy)], capsys)
    assert rc == 0, err
    assert json.loads((copy / MARK_FILE).read_text(encoding="utf-8"))["ho_ten"][gone] == names[gone]
    without = tmp_path / "khong_vp005.xlsx"
    recoded(sample, "HCQT", "HCQT", gone=gone).save(without)
    build(without, copy, cache_dir, capsys)
    then = edit_workbook(without, tmp_path / "roi_doi_phieu.xlsx", votes=VOTE)
    build(then, copy, cache_dir, capsys)
    lines = [line for line in section(copy)["khong_con"] if gone in line]
    assert lines and all(f"{names[gone]} ({gone})" in line for line in lines), section(copy)["khong_con"]
    assert not any(f"{gone} ({gone})" in line for line in section(copy)["khong_con"])
