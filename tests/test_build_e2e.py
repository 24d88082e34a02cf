"""End to end with real LibreOffice: the sample workbook becomes per-person and per-unit PDFs."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess

import pytest
from pypdf import PdfReader
from workbook_factory import with_strengths

from pipeline import api, ingest
from pipeline.forms.registry import Registry
from pipeline.plan import make_plan, review_order

pytestmark = pytest.mark.libreoffice


def outline_titles(reader: PdfReader) -> list:
    def walk(items):
        out = []
        for it in items:
            out.append(walk(it) if isinstance(it, list) else it.title)
        return out
    return walk(reader.outline)


def test_every_person_has_a_dossier_with_their_form(built, sample):
    out, summary = built
    campaign = ingest.load(sample)
    assert summary.people == len(campaign.people) >= 30
    for p in campaign.people:
        pdf = out / "ca_nhan" / p.ma_don_vi / f"{p.ma_so}.pdf"
        reader = PdfReader(pdf)
        text = "\n".join(page.extract_text() for page in reader.pages)
        # hợp đồng / người lao động fill Mẫu 02 or 03 (by unit type) titled "NGƯỜI LAO ĐỘNG" (issue 15)
        expected_title = {
            "can_bo": "CÁN BỘ", "cong_chuc": "CÔNG CHỨC", "vien_chuc": "VIÊN CHỨC",
        }.get(p.loai_nhan_su, "NGƯỜI LAO ĐỘNG")
        assert f"PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {expected_title}" in text, p.ma_so
        assert p.ho_ten in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert (out / "ca_nhan" / p.ma_don_vi / p.ma_so).is_dir()  # editable .docx files beside it


def person_bookmarks(reader: PdfReader) -> list[tuple[str, int]]:
    """(full name, 1-based page) of each person under section 3 of a unit bundle."""
    outline = reader.outline
    for i, item in enumerate(outline):
        if not isinstance(item, list) and item.title.startswith("3. Bản tự kiểm điểm cá nhân"):
            children = outline[i + 1]
            return [(c.title, reader.get_destination_page_number(c) + 1) for c in children if not isinstance(c, list)]
    return []


def test_unit_bundle_lists_people_in_review_order(built, sample):
    out, _ = built
    campaign = ingest.load(sample)
    for unit in campaign.units:
        people = [p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi]
        reader = PdfReader(out / "don_vi" / f"{unit.ma_don_vi}.pdf")
        titles = [name for name, _page in person_bookmarks(reader)]
        assert titles == [p.ho_ten for p in review_order(people)]
        heads = [p for p in people if p.vai_tro == "truong"]
        assert titles[0] == heads[0].ho_ten


def _toc_page(lines: list[str], title: str) -> str | None:
    """The page printed for `title` in a table of contents: on its line or the next."""
    for k, line in enumerate(lines):
        if line == title:
            return lines[k + 1]
        if line.startswith(title + " "):
            return line[len(title) + 1:]
    return None


def test_table_of_contents_pages_equal_bookmarks(built):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for unit in manifest["don_vi"]:
        reader = PdfReader(out / unit["pdf"])
        toc = "\n".join(reader.pages[i].extract_text() for i in range(2))
        lines = [line.strip() for line in toc.splitlines()]
        marks = person_bookmarks(reader)
        assert marks, unit["ma_don_vi"]
        by_code = {m["tieu_de"]: m["trang_dau"] for m in unit["muc"] if m["ma_so"]}
        for name, page in marks:
            assert by_code[name] == page
            assert _toc_page(lines, name) == str(page), (unit["ma_don_vi"], name)


def test_unit_bundle_is_duplex_safe_and_numbered(built):
    """Duplex: every separately signed document (each unit document, each person's cover and each of
    their documents) starts on a right-hand (odd) page. One numbering scheme per sheet: a document's
    own page number from its page 2 (ND 30/2020), no bundle "Trang n/N"."""
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    persons = {p["ma_so"]: p for p in manifest["ca_nhan"]}
    for unit in manifest["don_vi"]:
        reader = PdfReader(out / unit["pdf"])
        total = len(reader.pages)
        assert reader.page_labels == [str(i) for i in range(1, total + 1)]
        texts = [page.extract_text() for page in reader.pages]
        assert not any(re.search(r"Trang \d+/\d+", t) for t in texts), unit["ma_don_vi"]
        for item in unit["muc"]:
            assert item["trang_dau"] % 2 == 1, (unit["ma_don_vi"], item)
            if not item["ma_so"]:
                continue
            for doc in persons[item["ma_so"]]["tai_lieu"]:
                page = item["trang_dau"] + doc["trang_dau"] - 1
                assert page % 2 == 1, (item["ma_so"], doc)
                for k in range(2, doc["so_trang"] + 1):  # the document's own number on its page k
                    assert str(k) in texts[page + k - 2].split(), (item["ma_so"], doc["mau"], k)


def _cover_ranges(text: str) -> list[tuple[int, int]]:
    """The page ranges a person's cover sheet lists ("Trang 15–17. Ký: …", "Trang 20")."""
    return [(int(a), int(b or a)) for a, b in re.findall(r"^Trang (\d+)(?:–(\d+))?(?:\.|$)", text, re.M)]


def test_person_covers_list_the_pages_and_signed_originals_are_identical(built):
    """In a person's own dossier and in their unit's bundle, the cover's "Trang a–b" are the PDF's
    pages of each document, and every page of a document reads the same in both PDFs (one
    numbering scheme per sheet: a signed original is the same sheet wherever it is printed)."""
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    persons = {p["ma_so"]: p for p in manifest["ca_nhan"]}
    checked = 0
    for unit in manifest["don_vi"]:
        reader = PdfReader(out / unit["pdf"])
        for item in unit["muc"]:
            if not item["ma_so"]:
                continue
            own = persons[item["ma_so"]]
            first = item["trang_dau"]
            cover = reader.pages[first - 1].extract_text()
            ranges = _cover_ranges(cover)
            offset = first - 1
            assert ranges == [(d["trang_dau"] + offset, d["trang_dau"] + offset + d["so_trang"] - 1)
                              for d in own["tai_lieu"]], (item["ma_so"], cover)
            assert all(a < b or f"Trang {a}–{a}" not in cover for a, b in ranges)  # one page: "Trang 20"
            checked += 1
            if checked <= 3 or own["tai_lieu"][0]["so_trang"] == 1:  # and the person's own dossier
                solo = PdfReader(out / own["pdf"])
                solo_ranges = _cover_ranges(solo.pages[0].extract_text())
                assert solo_ranges == [(d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1) for d in own["tai_lieu"]]
                for (a, b), (ua, _ub) in zip(solo_ranges, ranges, strict=True):
                    for k in range(b - a + 1):
                        assert solo.pages[a - 1 + k].extract_text() == reader.pages[ua - 1 + k].extract_text()
    assert checked == len(persons)


def _font_files(reader: PdfReader) -> dict[str, set[int]]:
    """Font name -> the embedded font programs (object numbers) used by the pages and their XObjects."""
    out: dict[str, set[int]] = {}

    def visit(resources) -> None:
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            ref = font["/FontDescriptor"].get_object().raw_get("/FontFile2") if "/FontDescriptor" in font else None
            if ref is not None:
                out.setdefault(str(font["/BaseFont"]), set()).add(ref.idnum)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                visit(xobject["/Resources"])

    for page in reader.pages:
        visit(page.get("/Resources") or {})
    return out


def test_bundles_embed_each_font_once(built):
    """Forms converted in different LibreOffice runs, the covers and the page marks all share one
    copy of each font in a bundle: covers and marks are drawn in the forms' own primed fonts, so
    each face has one font program (issue: size ≤ 1.5× LibreOffice's own PDF)."""
    out, _ = built
    for pdf in sorted((out / "don_vi").glob("*.pdf")) + sorted((out / "ca_nhan").rglob("*.pdf"))[:5]:
        reader = PdfReader(pdf)
        faces: dict[str, set[int]] = {}
        for name, ids in _font_files(reader).items():
            faces.setdefault(name.rsplit("+", 1)[-1], set()).update(ids)
        assert {"LiberationSerif", "LiberationSerif-Bold"} <= faces.keys(), pdf
        # every primed face once (bold italic is not primed: a few letters, a small subset per conversion)
        assert {face: len(ids) for face, ids in faces.items() if len(ids) > 1 and face != "LiberationSerif-BoldItalic"} == {}, pdf
        assert "MỤC LỤC" in reader.pages[0].extract_text(), pdf  # the cover, drawn in those fonts


def test_not_rated_person_form_says_so(built, sample):
    out, _ = built
    text = "\n".join(pg.extract_text() for pg in PdfReader(out / "ca_nhan" / "KGVX" / "VP-028.pdf").pages)
    assert "Không thực hiện đánh giá, xếp loại" in text


LEVEL_LIST = "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ)"


def _flat_pdf_text(pdf) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def test_not_rated_persons_phieu_offers_no_level_to_choose(built):
    """ND 90 Art. 2 cl. 3: under 06 months of work in the year, no rating («không thực hiện việc đánh
    giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm»). VP-028 (4 months, Mẫu 02 only, with a direct
    manager): the self-rating, the manager's part and the competent person's result each print the
    not-rated line, never the four levels a signer could underline; VP-027 (same unit, rated, Mẫu 02
    only) still has the list in those three places."""
    out, _ = built
    line = ("2. Tự xếp loại chất lượng: Không xếp loại (thời gian công tác trong năm chưa đủ 06 tháng; vẫn kiểm "
            "điểm thời gian công tác trong năm).")
    not_rated = _flat_pdf_text(out / "ca_nhan" / "KGVX" / "VP-028.pdf")
    assert line in not_rated
    assert not_rated.count("Không xếp loại (thời gian công tác trong năm chưa đủ 06 tháng;") == 3
    assert "2. Mức xếp loại: Không xếp loại (" in not_rated
    assert "2. Kết quả đánh giá, xếp loại chất lượng: Không xếp loại (" in not_rated
    assert "Hoàn thành xuất sắc nhiệm vụ" not in not_rated and "Không hoàn thành nhiệm vụ" not in not_rated
    rated = _flat_pdf_text(out / "ca_nhan" / "KGVX" / "VP-027.pdf")
    assert rated.count(LEVEL_LIST) == 3 and "Không xếp loại" not in rated


def test_ratings_json_matches_the_spec(built):
    out, _ = built
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    assert doc["nam_danh_gia"] == 2024 and doc["bo_quy_tac"] == "nd90-2020+nd48-2023"
    keys = {"ma_so", "ho_ten", "ma_don_vi", "nhom_tuong_dong", "trang_thai", "tu_xep_loai", "muc_de_xuat",
            "muc_quyet_dinh", "muc_toi_da", "ly_do", "canh_bao", "thi_dua"}
    for person in doc["nguoi"]:
        assert keys <= set(person)
        assert person["trang_thai"] in ("xep_loai", "khong_xep_loai")
        assert person["muc_de_xuat"] in (None, "HTXS", "HTT", "HT", "KHT")
    by = {p["ma_so"]: p for p in doc["nguoi"]}
    assert by["VP-008"]["muc_de_xuat"] == "KHT" and any("Nghị định 48/2023" in r for r in by["VP-008"]["ly_do"])
    assert by["VP-028"]["trang_thai"] == "khong_xep_loai" and by["VP-028"]["muc_de_xuat"] is None


def test_manifest_lists_every_file_with_hash_and_pages(built):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert listed == on_disk
    for f in manifest["files"]:
        data = (out / f["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == f["sha256"] and len(data) == f["bytes"]
        if f["path"].endswith(".pdf"):
            assert f["pages"] == len(PdfReader(out / f["path"]).pages)
    files = {f["path"]: f for f in manifest["files"]}
    for person in manifest["ca_nhan"]:
        assert {"ma_so", "ma_don_vi", "pdf", "tai_lieu"} <= set(person)
        docs = person["tai_lieu"]
        assert docs[0]["trang_dau"] % 2 == 1 and docs[0]["mau"].startswith("mau_")  # after the cover sheet
        last = docs[-1]
        assert last["trang_dau"] + last["so_trang"] - 1 == files[person["pdf"]]["pages"]
    for unit in manifest["don_vi"]:
        assert unit["muc"][0]["trang_dau"] >= 2  # after the cover and table of contents


def test_second_build_converts_nothing(built, sample, cache_dir, tmp_path):
    out, first = built
    again = api.build(sample, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert again.converted == 0 and again.reused == first.documents
    assert again.rendered == 0 and again.bundles_built == 0
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".output.dang-tao")]


def test_changing_one_row_rebuilds_only_that_person_and_unit(built, sample, cache_dir, tmp_path):
    out, first = built
    changed = with_strengths(sample, tmp_path / "sua.xlsx", "VP-019",
                             "Chủ động, sáng tạo; hoàn thành vượt tiến độ (sửa lần 2).")
    campaign = ingest.load(changed)
    plan = make_plan(campaign, Registry())
    forms_of_person = len(next(d for d in plan.persons if d.ma_so == "VP-019").documents)
    again = api.build(changed, tmp_path / "out", api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert again.converted == forms_of_person
    assert again.bundles_built == 2  # the person's dossier and their unit's
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "out" / "ca_nhan" / "TH" / "VP-019.pdf").pages)
    assert "(sửa lần 2)" in text


def test_forms_keep_their_header_texts(built):
    """Forms are converted without Word headers; their form code and page numbers are drawn."""
    out, _ = built
    reader = PdfReader(out / "ca_nhan" / "TH" / "VP-014.pdf")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    person = next(p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-014")
    doc = person["tai_lieu"][0]
    first = reader.pages[doc["trang_dau"] - 1].extract_text()
    assert "Mẫu số 02" in first
    if doc["so_trang"] > 1:
        second = reader.pages[doc["trang_dau"]].extract_text()
        assert "\n2\n" in f"\n{second}\n" or second.startswith("2\n") or "\n2" in second
