"""Party forms in the dossiers (real LibreOffice): Mẫu 02A / 02B-HD KĐ.ĐG 2023 and Mẫu 3-213."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from pipeline import ingest

pytestmark = pytest.mark.libreoffice


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def campaign(sample):
    return ingest.load(sample)


@pytest.fixture(scope="module")
def manifest(built):
    out, _ = built
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {p["ma_so"]: p for p in doc["ca_nhan"]}


def _pages(out, person, manifest, form: str | None = None) -> str:
    reader = PdfReader(out / manifest[person.ma_so]["pdf"])
    if form is None:
        pages = reader.pages
    else:
        (doc,) = [d for d in manifest[person.ma_so]["tai_lieu"] if d["mau"] == form]
        first = doc["trang_dau"] - 1
        pages = reader.pages[first : first + doc["so_trang"]]
    return _flat("\n".join(p.extract_text() for p in pages))


def _forms(manifest, person) -> list[str]:
    return [d["mau"] for d in manifest[person.ma_so]["tai_lieu"]]


def test_party_member_not_leader_gets_02a(built, campaign, manifest):
    out, _ = built
    person = next(p for p in campaign.people if p.dang_vien and not p.lanh_dao_quan_ly)
    assert "mau_02a" in _forms(manifest, person) and "mau_02b" not in _forms(manifest, person)
    text = _pages(out, person, manifest, "mau_02a")
    for s in ("BẢN KIỂM ĐIỂM CÁ NHÂN", "Mẫu 02A-HD KĐ.ĐG 2023", "ĐẢNG CỘNG SẢN VIỆT NAM",
              "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)", person.ho_ten,
              "I. Ưu điểm, kết quả đạt được", "NGƯỜI TỰ KIỂM ĐIỂM", "T/M CHI ỦY (CHI BỘ)",
              "T/M ĐẢNG ỦY (CHI ỦY)", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"):
        assert _flat(s) in text, s


def test_leader_gets_02b(built, campaign, manifest):
    out, _ = built
    person = next(p for p in campaign.people if p.dang_vien and p.lanh_dao_quan_ly)
    assert "mau_02b" in _forms(manifest, person) and "mau_02a" not in _forms(manifest, person)
    text = _pages(out, person, manifest, "mau_02b")
    for s in ("BẢN KIỂM ĐIỂM CÁ NHÂN", "Mẫu 02B-HD KĐ.ĐG 2023", "ĐẢNG CỘNG SẢN VIỆT NAM",
              "(Cá nhân giữ chức vụ lãnh đạo, quản lý)", person.ho_ten):
        assert _flat(s) in text, s


def test_non_member_gets_no_party_form(built, campaign, manifest):
    out, _ = built
    person = next(p for p in campaign.people if not p.dang_vien)
    assert not {"mau_02a", "mau_02b", "mau_3_213"} & set(_forms(manifest, person))
    text = _pages(out, person, manifest)
    assert "BẢN KIỂM ĐIỂM CÁ NHÂN" not in text and "PHIẾU NHẬN XÉT" not in text
    phieu = _pages(out, person, manifest, _forms(manifest, person)[0])
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in phieu  # (the points table, Mẫu 12/HDDG, has the party header)


def test_excused_member_gets_no_3_213(campaign, manifest):
    excused = [p for p in campaign.people if p.dang_vien and p.mien_sinh_hoat_noi_cu_tru]
    assert excused
    for person in excused:
        forms = _forms(manifest, person)
        assert "mau_3_213" not in forms and ({"mau_02a", "mau_02b"} & set(forms))


def test_member_gets_3_213_with_residence(built, campaign, manifest):
    out, _ = built
    members = [p for p in campaign.people if p.dang_vien and not p.mien_sinh_hoat_noi_cu_tru]
    for person in members:
        assert "mau_3_213" in _forms(manifest, person), person.ma_so
    person = members[0]
    text = _pages(out, person, manifest, "mau_3_213")
    for s in ("Mẫu 3-213", "PHIẾU NHẬN XÉT", "ĐẢNG CỘNG SẢN VIỆT NAM", person.ho_ten,
              person.noi_cu_tru, person.chi_bo_noi_cu_tru, campaign.unit(person.ma_don_vi).ten_don_vi):
        assert _flat(s) in text, s


def test_dossier_order_and_page_counts(campaign, manifest):
    order = ["mau_01", "mau_02", "mau_03", "mau_12_hddg", "mau_02a", "mau_02b", "mau_3_213"]
    for person in campaign.people:
        forms = _forms(manifest, person)
        assert forms == sorted(forms, key=order.index), person.ma_so
        assert forms[0] in ("mau_01", "mau_02", "mau_03")
    # page count per form for one non-leader member and one leader member of the sample
    member = next(p for p in campaign.people if p.dang_vien and not p.lanh_dao_quan_ly
                  and not p.mien_sinh_hoat_noi_cu_tru)
    pages = {d["mau"]: d["so_trang"] for d in manifest[member.ma_so]["tai_lieu"]}
    assert pages["mau_02a"] == 3 and pages["mau_3_213"] == 1, pages
    leader = next(p for p in campaign.people if p.dang_vien and p.lanh_dao_quan_ly)
    pages = {d["mau"]: d["so_trang"] for d in manifest[leader.ma_so]["tai_lieu"]}
    assert pages["mau_02b"] == 4, pages


def test_points_table_for_scored_people(built, campaign, manifest):
    out, _ = built
    scored = {s.ma_so for s in campaign.scores}
    for person in campaign.people:
        assert ("mau_12_hddg" in _forms(manifest, person)) == (person.ma_so in scored), person.ma_so
    person = next(p for p in campaign.people if p.ma_so in scored)
    text = _pages(out, person, manifest, "mau_12_hddg")
    for s in ("Mẫu 12/HDDG", "BẢNG THAM CHIẾU CHẤM ĐIỂM", person.ho_ten, "Tổng cộng",
              campaign.criteria[0].noi_dung if campaign.criteria else "Tiêu chí chung"):
        assert _flat(s) in text, s
    # one page when the final level is the points' level; the why (cap, discipline) may take a second
    for p in campaign.people:
        if p.ma_so in scored:
            pages = {d["mau"]: d["so_trang"] for d in manifest[p.ma_so]["tai_lieu"]}
            differs = _flat("Lý do khác với mức theo tổng điểm") in _pages(out, p, manifest, "mau_12_hddg")
            assert pages["mau_12_hddg"] <= (2 if differs else 1), p.ma_so
