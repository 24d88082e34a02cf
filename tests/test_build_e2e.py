"""End to end with real LibreOffice: the sample workbook becomes per-person and per-unit PDFs."""

from __future__ import annotations

import hashlib
import json

import pytest
from pypdf import PdfReader

from pipeline import api, ingest
from pipeline.plan import review_order

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
        unit = campaign.unit(p.ma_don_vi)
        expected_title = {
            "can_bo": "CÁN BỘ", "cong_chuc": "CÔNG CHỨC", "vien_chuc": "VIÊN CHỨC",
        }.get(p.loai_nhan_su, "CÔNG CHỨC" if unit.loai_don_vi == "hanh_chinh" else "VIÊN CHỨC")
        assert f"PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {expected_title}" in text, p.ma_so
        assert p.ho_ten in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert (out / "ca_nhan" / p.ma_don_vi / p.ma_so).is_dir()  # editable .docx files beside it


def test_unit_bundle_lists_people_in_review_order(built, sample):
    out, _ = built
    campaign = ingest.load(sample)
    for unit in campaign.units:
        people = [p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi]
        reader = PdfReader(out / "don_vi" / f"{unit.ma_don_vi}.pdf")
        titles = [t for t in outline_titles(reader) if isinstance(t, str)]
        assert titles == [p.ho_ten for p in review_order(people)]
        heads = [p for p in people if p.vai_tro == "truong"]
        assert titles[0] == heads[0].ho_ten


def test_unit_bundle_is_duplex_safe_and_numbered(built):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for unit in manifest["don_vi"]:
        reader = PdfReader(out / unit["pdf"])
        total = len(reader.pages)
        assert total % 2 == 0 or unit["muc"][-1]["trang_dau"] + unit["muc"][-1]["so_trang"] - 1 == total
        for item in unit["muc"]:
            assert item["trang_dau"] % 2 == 1, (unit["ma_don_vi"], item)
            first = reader.pages[item["trang_dau"] - 1].extract_text()
            assert f"Trang {item['trang_dau']}/{total}" in first
        assert reader.page_labels[: 3] == ["1", "2", "3"][: min(3, total)]


def test_not_rated_person_form_says_so(built, sample):
    out, _ = built
    text = "\n".join(pg.extract_text() for pg in PdfReader(out / "ca_nhan" / "KGVX" / "VP-028.pdf").pages)
    assert "Không thực hiện đánh giá, xếp loại" in text


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
    person = manifest["ca_nhan"][0]
    assert {"ma_so", "ma_don_vi", "pdf", "tai_lieu"} <= set(person)
    doc = person["tai_lieu"][0]
    assert doc["trang_dau"] == 1 and doc["so_trang"] >= 1 and doc["mau"].startswith("mau_")
    unit = manifest["don_vi"][0]
    assert unit["muc"][0]["trang_dau"] == 1


def test_second_build_converts_nothing(built, sample, cache_dir, tmp_path):
    out, first = built
    again = api.build(sample, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert again.converted == 0 and again.reused == first.documents
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".output.dang-tao")]
