"""A unit code corrected after printing: only the papers whose words changed are to be printed and signed again
(helper brief «inlai»).

Each test rebuilds a copy of the shared build of the sample (conftest `built`, its cache: a rebuild converts only
what changed) with the real LibreOffice and asserts what the clerk reads: the console line, thay_doi.txt,
in_lai.pdf, the manifest's `thay_doi`.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sys
from pathlib import Path

import fakes
import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytestmark = pytest.mark.libreoffice

NOTE = ("Mã đơn vị đã đổi: Nhà khách tỉnh (NK → NKH) — các tệp của đơn vị đã chuyển sang don_vi/NKH.pdf, "
        "ca_nhan/NKH/; văn bản không đổi nội dung không phải in lại, ký lại (trang đã ký vẫn dùng được).")


@pytest.fixture(autouse=True)
def _in_process(cli_in_process):
    """main() runs in this process here (conftest.cli_in_process)."""


def run_main(args: list[str], capsys) -> tuple[int, str]:
    code, err = fakes.run_main(args, capsys)
    return code, " ".join(err.split())


def _nk_renamed(src: Path, dest: Path, votes: tuple[int, int] | None = None) -> Path:
    """The sample with unit code NK written NKH in DonVi and every row naming it; `votes`: VP-037's
    (phieu_htt, phieu_ht) in BieuQuyet (4 present: 4 HTT, 0 HT in the sample)."""
    wb = fakes.recoded(src, "NK", "NKH")
    if votes is not None:
        ws = wb["BieuQuyet"]
        head = [c.value for c in ws[1]]
        [row] = [r for r in ws.iter_rows(min_row=2) if r[0].value == "VP-037"]
        row[head.index("phieu_htt")].value, row[head.index("phieu_ht")].value = votes
    wb.save(dest)
    return dest


def _build(wb: Path, out: Path, cache_dir: Path, capsys) -> str:
    code, err = run_main(["build", str(wb), "-o", str(out), "--cache", str(cache_dir / "e2e")], capsys)
    assert code == 0, err
    return err


def test_a_corrected_unit_code_asks_to_reprint_nothing(built, sample, cache_dir, tmp_path, capsys):
    """NK → NKH, nothing else: every .docx of the unit and of its four people has the same bytes (only the
    folder moved), so nothing is to be printed or signed again — it was: the unit's cover, minutes, two
    collective reviews and two summary tables listed as «văn bản mới», 14 pages in in_lai.pdf. The code
    change is said once, old → new, with where the files are now."""
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out)
    err = _build(_nk_renamed(sample, tmp_path / "nkh.xlsx"), out, cache_dir, capsys)
    assert (out / "don_vi" / "NKH.pdf").is_file() and (out / "ca_nhan" / "NKH" / "VP-037.pdf").is_file()
    for name in ("bien_ban_hop", "tong_hop_xep_loai"):  # the premise: the words are the same
        assert (out / "don_vi" / "NKH" / f"{name}.docx").read_bytes() == (built[0] / "don_vi" / "NK" / f"{name}.docx").read_bytes()

    assert "So với lần tạo trước: không văn bản nào thay đổi nội dung" in err and "không phải in lại" in err, err
    assert err.count(NOTE) == 1, err
    assert "văn bản mới" not in err and "In lại và ký lại" not in err
    assert not (out / "in_lai.pdf").exists()
    listing = (out / "thay_doi.txt").read_text(encoding="utf-8")
    assert listing.count(NOTE) == 1, listing
    assert "Không văn bản nào thay đổi nội dung: không phải in lại." in listing
    assert "NKH.pdf: trang" not in listing and "văn bản mới" not in listing
    section = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["thay_doi"]
    assert section["van_ban"] == [] and section["in_lai"] is None and section["to_in"] == []
    assert section["doi_ma_don_vi"] == [{"ma_cu": "NK", "ma_moi": "NKH", "ten_don_vi": "Nhà khách tỉnh"}]
    code, err = run_main(["verify", str(out)], capsys)
    assert code == 0, err


def test_after_a_print_a_corrected_code_lists_only_the_minutes_whose_votes_changed(built, sample, cache_dir,
                                                                                    tmp_path, capsys):
    """The clerk marks the output printed (hoso da-in), corrects NK → NKH and, in the same workbook, VP-037's
    vote (4 HTT → 3 HTT, 1 HT: still a majority for HTT). A vote is written in the unit's minutes, so the
    minutes are to be signed again — as «nội dung thay đổi» of don_vi/NKH.pdf, not «văn bản mới» — and no
    document is listed as new; the code change is said once."""
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out)
    code, err = run_main(["da-in", "-o", str(out)], capsys)
    assert code == 0, err
    err = _build(_nk_renamed(sample, tmp_path / "nkh.xlsx", votes=(3, 1)), out, cache_dir, capsys)
    assert "Kể từ lần in lúc" in err and err.count(NOTE) == 1, err
    section = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["thay_doi"]
    docs = section["van_ban"]
    minutes = [d for d in docs if d["mau"] == "bien_ban_hop" and d["ma_don_vi"] == "NKH"]
    assert [(d["tep"], d["ly_do"]) for d in minutes] == [("don_vi/NKH.pdf", "nội dung thay đổi")], docs
    assert not [d for d in docs if d["ly_do"] == "văn bản mới"], docs
    assert section["doi_ma_don_vi"] == [{"ma_cu": "NK", "ma_moi": "NKH", "ten_don_vi": "Nhà khách tỉnh"}]
    assert (out / "in_lai.pdf").is_file()
    listing = (out / "thay_doi.txt").read_text(encoding="utf-8")
    assert listing.count(NOTE) == 1 and "Biên bản cuộc họp" in listing, listing


# «Nhận bản đã ký» on `hoso serve` after a unit code was corrected ------------------------------------------


def _recoded(src: Path, dest: Path, old: str, new: str, gone: str | None = None) -> Path:
    """The workbook with unit code `old` written `new` everywhere, and person `gone` left out (the unit's
    meeting still had its three members then: DonVi `so_thanh_vien` 3)."""
    wb = fakes.recoded(src, old, new, gone)
    if gone:
        ws = wb["DonVi"]
        head = [c.value for c in ws[1]]
        col = head.index("so_thanh_vien") + 1 if "so_thanh_vien" in head else len(head) + 1
        ws.cell(1, col, "so_thanh_vien")
        for row in ws.iter_rows(min_row=2):
            if row[0].value == new:
                ws.cell(row[0].row, col, 3)
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def factory_books(tmp_path_factory, cache_dir) -> dict[str, Path]:
    """The factory workbook (unit HC: NS-01, NS-02, NS-03) and the same with HC corrected to HCN and NS-03 left
    out; both built once (unit HC / HCN) so that a rebuild in a test takes its PDFs from the cache."""
    import workbook_factory as factory

    from pipeline import api

    root = tmp_path_factory.mktemp("inlai-web")
    books = {"cu": factory.write(root / "so.xlsx", factory.tables())}
    books["moi"] = _recoded(books["cu"], root / "so_hcn.xlsx", "HC", "HCN")
    books["bot"] = _recoded(books["cu"], root / "so_hcn_bot.xlsx", "HC", "HCN", "NS-03")
    books["out"] = root / "cu"
    api.build(books["cu"], books["out"], api.BuildOptions(cache_dir=cache_dir / "inlai-web", units=frozenset({"HC"})))
    for key in ("moi", "bot"):
        api.build(books[key], root / key, api.BuildOptions(cache_dir=cache_dir / "inlai-web", units=frozenset({"HCN"})))
    return books


def test_diff_of_two_folders_says_the_unit_code_changed_and_names_nobody(factory_books, capsys):
    """`hoso diff OLD NEW` of the factory's output and the one built after HC was corrected to HCN (no workbook):
    the code change said once, no document to print again, and none of the unit's people named as changed (it
    named NS-01, NS-02 and NS-03: their rows differ in the unit code alone)."""
    code, err = fakes.run_main(["diff", str(factory_books["out"]), str(factory_books["out"].parent / "moi")], capsys)
    text = " ".join(err.split())
    assert code == 0, err
    assert text.count("Mã đơn vị đã đổi: Phòng Hành chính (HC → HCN)") == 1, text
    assert "không văn bản nào thay đổi nội dung, không phải in lại." in text, text
    assert "dữ liệu thay đổi" not in text and "NS-0" not in text, text


def _server(tmp_path: Path, output: Path):  # noqa: ANN202 - a logged-in Flask test client, the agency's output
    from web_pages import logged_in

    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(output, out, symlinks=True)
    store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, ket_thuc) "
            "VALUES ('VP', 1, 'vt', 'xong', '2026-12-06 08:04:37', '2026-12-06 08:04:38')")
    app = create_app(tmp_path / "du_lieu", start_queue=False)
    return logged_in(app, "vt", "mat-khau-du-dai-9"), out


def _flat(html: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_web_changes_page_says_the_unit_code_changed_and_lists_nothing_to_sign(factory_books, cache_dir,
                                                                                   tmp_path):
    """HC corrected to HCN and rebuilt: «Thay đổi, in lại» names the code change once and
    lists no document of the unit to print again (their words are the same)."""
    from pipeline import api

    c, out = _server(tmp_path, factory_books["out"])
    api.build(factory_books["moi"], out, api.BuildOptions(cache_dir=cache_dir / "inlai-web", units=frozenset({"HCN"})))
    page = _flat(c.get("/thay-doi").text)
    assert page.count("Mã đơn vị đã đổi: Phòng Hành chính (HC → HCN) — các tệp của đơn vị đã chuyển sang thư mục "
                      "mã mới; văn bản không đổi nội dung không phải in lại, ký lại (trang đã ký vẫn dùng được).") == 1, page
    assert "Không có văn bản nào phải in lại." in page and "văn bản mới" not in page, page


def test_the_web_reception_says_pages_moved_to_a_corrected_unit_code_and_pages_of_dossiers_gone(
        factory_books, cache_dir, tmp_path, monkeypatch):
    """The clerk files NS-01's and NS-03's signed pages on «Nhận bản đã ký», then the workbook's unit code HC is
    corrected to HCN and NS-03 left out, the output rebuilt; she sends NS-02's scan. The page says, as the
    console does, that NS-01's pages filed before now follow the new code, and that NS-03's pages belong to no
    dossier now but stay in da_ky/ (it showed only the counts: both were silent)."""
    import re

    from web_pages import csrf, logged_in

    from bench.scans import form_pages, scanned, write_pdf
    from pipeline import api
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password("mat-khau-du-dai-9"), "VP", "van_thu", None)
    out = store.output_dir("VP")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(factory_books["out"], out, symlinks=True)
    app = create_app(tmp_path / "du_lieu", start_queue=False)
    c = logged_in(app, "vt", "mat-khau-du-dai-9")
    from pipeline.web.app import QUICK_BUILD_ENV

    monkeypatch.setenv(QUICK_BUILD_ENV, "300")  # each POST shows its result (it waits for its reception to end)

    def send(person: str, seed: int) -> str:
        rng = random.Random(seed)
        scan = write_pdf([scanned(s.image, rng) for s in form_pages(out, persons={person})], tmp_path / f"{person}.pdf")
        r = c.post("/ho-so/nhan-ban-ky", content_type="multipart/form-data",
                   data={"quet": [(io.BytesIO(scan.read_bytes()), f"quet {person}.pdf")], "csrf_token": csrf(c)})
        assert r.status_code == 200, r.text
        return " ".join(re.sub(r"<[^>]+>", " ", r.text).split())

    ns03 = len(form_pages(out, persons={"NS-03"}))
    for person, seed in (("NS-01", 1), ("NS-03", 3)):
        page = send(person, seed)
        assert "theo mã đơn vị mới" not in page and "hồ sơ không còn trong kết quả" not in page
    assert (out / "da_ky" / "HC" / "NS-03.pdf").is_file()
    # and three sheets printed from an older build (their documents' words since changed: another version in the
    # code), set aside in can_ky_lai.pdf: NS-01's first page, NS-03's, and the unit's own document's first page
    import zxingcpp

    from bench.scans import recoded
    from pipeline.bundle.pagecode import parse

    before = json.loads((out / "manifest.json").read_text("utf-8"))
    stale = [next(s for s in form_pages(out, persons={"NS-01"})), next(s for s in form_pages(out, persons={"NS-03"})),
             next(s for s in form_pages(out, units={"HC"}) if not s.person)]
    images = []
    for s in stale:
        [code] = [r.text for r in zxingcpp.read_barcodes(s.image) if parse(r.text)]
        images.append(scanned(recoded(s.image, "|".join(code.split("|")[:-1] + ["0badc0de"])), random.Random(4)))
    old_print = write_pdf(images, tmp_path / "ban cu.pdf")
    r = c.post("/ho-so/nhan-ban-ky", content_type="multipart/form-data",
               data={"quet": [(io.BytesIO(old_print.read_bytes()), "ban cu.pdf")], "csrf_token": csrf(c)})
    assert "Trang in từ bản cũ: cần in lại và ký lại (3)" in " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    # NS-01's and NS-03's pages: their current versions are filed (quet NS-01.pdf, quet NS-03.pdf) — said so, not to be
    # signed again; the unit's own page is not (its documents were never scanned)
    assert " ".join(re.sub(r"<[^>]+>", " ", r.text).split()).count("đã nhận bản mới đã ký, không cần ký lại") == 2

    def first(sections: list[dict], form: str) -> str:  # a document's first page as the report names it
        d = next(d for d in sections if d["mau"] == form)
        return f"{d['tieu_de']} — trang 1/{d['so_trang']}"

    docs = [first(next(p["tai_lieu"] for p in before["ca_nhan"] if p["ma_so"] == s.person), s.form) if s.person
            else first([d for u in before["don_vi"] for d in u["muc"] if not d["ma_so"]], s.form) for s in stale]

    api.build(factory_books["bot"], out, api.BuildOptions(cache_dir=cache_dir / "inlai-web", units=frozenset({"HCN"})))
    page = send("NS-02", 2)
    ns01 = len(form_pages(out, persons={"NS-01"}))
    # named as the papers name them: the person, the unit (its name unchanged: its codes beside), the pages
    assert (f"Ghi chú: {ns01} trang đã ký nhận trước đây, nay theo mã đơn vị mới trong kết quả, được xếp vào hồ sơ "
            f"hiện tại: Nguyễn Văn An (Phòng Hành chính, mã đơn vị HC → HCN): {ns01} trang.") in page, page
    assert (f"{ns03} trang đã ký của 1 hồ sơ không còn trong kết quả (người hoặc đơn vị đã bỏ khỏi sổ Excel): vẫn giữ trong "
            f"da_ky/, không tính vào hồ sơ nào: Lê Quang Cường (NS-03, Phòng Hành chính (HC)): {ns03} trang "
            "(da_ky/HC/NS-03.pdf).") in page, page
    assert (out / "da_ky" / "HCN" / "NS-01.pdf").is_file() and (out / "da_ky" / "HC" / "NS-03.pdf").is_file()
    # the report the clerk prints and files lists the same pages one by one (it listed neither): each page's scan
    # file (as sent) and page, the person by name, the document and page, the unit then and now, where it is
    import openpyxl

    def pages(person: str) -> list[str]:  # the person's form pages as their code names them, in scan order
        [p] = [p for p in json.loads((out / "manifest.json").read_text("utf-8"))["ca_nhan"] if p["ma_so"] == person] or \
            [p for p in json.loads((factory_books["out"] / "manifest.json").read_text("utf-8"))["ca_nhan"]
             if p["ma_so"] == person]
        return [f"{d['tieu_de']} — trang {k}/{d['so_trang']}" for d in p["tai_lieu"] if d.get("phien_ban")
                for k in range(1, d["so_trang"] + 1)]

    book = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")
    rows = list(book["Chuyển theo mã đơn vị mới"].iter_rows(values_only=True))
    assert rows[0] == ("Họ và tên", "Mã số", "Văn bản, trang", "Tệp quét", "Trang trong tệp quét",
                       "Đơn vị khi nhận (mã cũ)", "Đơn vị hiện nay (mã mới)", "Nay ở")
    assert sorted(rows[1:], key=lambda r: r[4]) == [
        ("Nguyễn Văn An", "NS-01", doc, "quet NS-01.pdf", k, "Phòng Hành chính (HC)", "Phòng Hành chính (HCN)",
         "da_ky/HCN/NS-01.pdf") for k, doc in enumerate(pages("NS-01"), 1)]
    rows = list(book["Hồ sơ không còn trong kết quả"].iter_rows(values_only=True))
    assert rows[0] == ("Đơn vị", "Mã số", "Họ và tên", "Văn bản, trang", "Tệp quét", "Trang trong tệp quét",
                       "Giữ tại (không tính vào hồ sơ nào)")
    assert sorted(rows[1:], key=lambda r: r[5]) == [
        ("Phòng Hành chính (HC)", "NS-03", "Lê Quang Cường", doc, "quet NS-03.pdf", k, "da_ky/HC/NS-03.pdf")
        for k, doc in enumerate(pages("NS-03"), 1)]
    assert [r[0] for r in book["Không đọc được mã"].iter_rows(min_row=2, values_only=True)] == ["Không có"]
    # every page of can_ky_lai.pdf, in its order, says whose it is and where a page signed again goes now: NS-01's
    # dossier under the unit's new code, the unit's own documents under the new code (the code corrected HC → HCN),
    # NS-03's dossier no more (not in «Theo người»: this sheet is where a clerk holding can_ky_lai.pdf finds it)
    rows = list(book["Cần ký lại"].iter_rows(values_only=True))
    assert rows[0] == ("Trang trong can_ky_lai.pdf", "Họ và tên", "Mã số", "Đơn vị (khi nhận)", "Văn bản, trang",
                       "Tệp quét", "Trang trong tệp quét", "Lý do", "Hồ sơ hiện nay (trang ký lại xếp vào)", "Đã ký lại")
    why = "in từ bản cũ: nội dung văn bản đã thay đổi sau khi in"
    gone = ("không còn trong kết quả này (người hoặc văn bản đã bỏ khỏi sổ Excel, hoặc mã đơn vị đã đổi): không xếp "
            "vào hồ sơ nào")
    assert rows[1:] == [
        (1, "Nguyễn Văn An", "NS-01", "Phòng Hành chính (HC)", docs[0], "ban cu.pdf", 1, why,
         "da_ky/HCN/NS-01.pdf — Phòng Hành chính (HCN)", "Đã nhận bản mới đã ký"),
        (2, "Lê Quang Cường", "NS-03", "Phòng Hành chính (HC)", docs[1], "ban cu.pdf", 2, why, gone, "Chưa"),
        (3, "Văn bản của đơn vị", "(văn bản của đơn vị)", "Phòng Hành chính (HC)", docs[2], "ban cu.pdf", 3, why,
         "da_ky/HCN/don_vi.pdf — Phòng Hành chính (HCN)", "Chưa")], rows
    assert not [r for r in book["Theo người"].iter_rows(values_only=True) if r[1] == "NS-03"]
    # readable as opened, without resizing a column: each column at least as wide as its longest line of text or
    # the text wraps in its cell; no column wider than a screen's half; the header bold and kept in view
    from openpyxl.utils import get_column_letter

    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        for k, column in enumerate(ws.iter_cols(), 1):
            width = ws.column_dimensions[get_column_letter(k)].width
            assert 8 <= width <= 62, (ws.title, k, width)
            assert column[0].font.b or column[0].value is None, (ws.title, k)
            for cell in column:
                lines = str(cell.value or "").split("\n")
                assert cell.alignment.wrap_text or (len(lines) == 1 and len(lines[0]) <= width), \
                    (ws.title, cell.coordinate, cell.value, width)
    # the page says the same, in can_ky_lai.pdf's order
    assert (f"Nguyễn Văn An (NS-01, Phòng Hành chính (HC)): {docs[0]} — tệp «ban cu.pdf», trang 1 ({why}) "
            "— đã nhận bản mới đã ký, không cần ký lại "
            f"Lê Quang Cường (NS-03, Phòng Hành chính (HC)): {docs[1]} — tệp «ban cu.pdf», trang 2 ({why}) Hồ sơ này "
            f"{gone}. Văn bản của đơn vị Phòng Hành chính (HC): {docs[2]} — tệp «ban cu.pdf», trang 3 ({why})") \
        in page, page
    # and the console (the same scans again: nothing new), the page of can_ky_lai.pdf with it
    from pipeline.scan.sort import console_lines, receive

    said = console_lines(receive(out, [old_print]))
    assert ("1 trang trong da_ky/can_ky_lai.pdf thuộc hồ sơ không còn trong kết quả (người hoặc văn bản đã bỏ khỏi sổ "
            "Excel, hoặc mã đơn vị đã đổi), không xếp vào hồ sơ nào: trang 2: Lê Quang Cường (NS-03, Phòng Hành chính "
            f"(HC)), {docs[1]}.") in said, said
    # audited with the counts: one dossier moved (NS-01), one no longer in the output (NS-03), in words on «Nhật ký»
    line = store.q("SELECT chi_tiet FROM nhat_ky WHERE hanh_dong='nhan_ban_ky' ORDER BY id DESC")[0]
    counts = json.loads(line["chi_tiet"])
    # and their pages, as the page says them; this run's own pages filed: NS-02's
    assert (counts["ho_so_theo_ma_moi"], counts["ho_so_khong_con"]) == (1, 1), counts
    assert (counts["trang_theo_ma_moi"], counts["trang_khong_con"]) == (ns01, ns03), counts
    assert counts["xep_vao_ho_so"] == len(form_pages(out, persons={"NS-02"})), counts
    log = " ".join(re.sub(r"<[^>]+>", " ", c.get("/nhat-ky").text).split())
    assert (f"hồ sơ chuyển theo mã đơn vị mới 1, trang chuyển theo mã đơn vị mới {ns01}, hồ sơ không còn trong kết quả "
            f"(tổng) 1, trang của hồ sơ không còn trong kết quả (tổng) {ns03}") in log, log
