"""A 2026 commune's collegial signature and the HĐND's own header (audit xa37; tests/xa_2026.py).

Outcomes worked out by hand from the rule's words, never from the engine:
- ND 30/2020 Phụ lục I (signature part; the rule as Thông tư 01/2011/TT-BNV Art. 12.1 words it): a body working as
  a collective signs «TM.» before the collective's name, then the signer's post, which does not repeat the body's
  name. The commune's workbook says its Chủ tịch signs for the Ủy ban nhân dân (CoQuan `ky_thay_mat` «Ủy ban nhân
  dân», `chuc_vu_ky_thay_mat` «Chủ tịch»): the report and letter to the Sở Nội vụ, the biểu, the notice and the
  commune's self-rating report end «TM. ỦY BAN NHÂN DÂN» / «CHỦ TỊCH» / «Nguyễn Hữu Phước».
- Rating a person is the head's own competence (ND 90 Art. 16): the Chủ tịch signs a công chức's phiếu as
  «CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ», no «TM.».
- The Thường trực HĐND (DonVi `co_quan_in` «Hội đồng nhân dân xã Tân Phước») heads its people's forms and its
  papers with the HĐND under the province's line; the other units and the agency's documents keep the UBND.
Real LibreOffice build of one workbook (the commune's, with its self-rating), shared by the module.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import pytest
import workbook_factory as wf
import xa_2026 as xa
from pypdf import PdfReader

from pipeline import api, ingest
from tests.fakes import flat, pdf_text_flat, person_form_text

SIGNED = "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Hữu Phước"




def _unit_doc_text(out, unit: str, form: str) -> str:
    """One unit paper's pages of the unit's dossier (from the manifest), on one line."""
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [u for u in doc["don_vi"] if u["ma_don_vi"] == unit]
    (d,) = [d for d in entry["muc"] if d["mau"] == form]
    pages = PdfReader(out / entry["pdf"]).pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return flat("\n".join(p.extract_text() for p in pages))


def _tables(**coquan: object) -> dict[str, list]:
    """The commune's sheets with CoQuan keys replaced (None: the row left out) or added."""
    tables = xa.tables()
    rows = [(k, v) for k, v in tables["CoQuan"] if k not in coquan]
    tables["CoQuan"] = rows + [(k, v) for k, v in coquan.items() if v is not None]
    return tables


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("xa37")
    # the commune's own self-rating too: its report is signed by the Chủ tịch for the Ủy ban nhân dân
    path = wf.write(tmp / "xa.xlsx", _tables(tu_xep_loai_co_quan="HTT", diem_co_quan=86.5,
                                             ngay_bao_cao_tu_danh_gia=dt.date(xa.YEAR, 12, 4)))
    dest = tmp / "out"
    api.build(path, dest, api.BuildOptions(cache_dir=cache_dir / "xa37", today=dt.date(xa.YEAR, 12, 6)))
    return dest


def _warnings(tables) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        problems = ingest.check(wf.write(Path(tmp) / "xa.xlsx", tables))
    assert not [p for p in problems if p.is_error]
    return [p.text() for p in problems]


def test_the_post_under_tm_is_said_when_the_clerk_leaves_it_to_the_program():
    # «Chủ tịch Ủy ban nhân dân xã» without the body's name «Ủy ban nhân dân» (written with the old tone place)
    texts = _warnings(_tables(ky_thay_mat="Uỷ ban nhân dân", chuc_vu_ky_thay_mat=None))
    (said,) = [t for t in texts if "TM." in t]
    assert "«TM. UỶ BAN NHÂN DÂN»" in said and "chức vụ «CHỦ TỊCH»" in said and "Chức vụ ký dưới dòng TM." in said
    # a post that does not name the body is printed as written, and said so
    texts = _warnings(_tables(ky_thay_mat="Ủy ban nhân dân", chuc_vu_ky_thay_mat=None,
                              chuc_vu_nguoi_dung_dau="Chủ tịch xã"))
    (said,) = [t for t in texts if "TM." in t]
    assert "chức vụ «CHỦ TỊCH XÃ»" in said and "không chứa tên tập thể «Ủy ban nhân dân»" in said
    # a post under TM. without the body: unused, said
    texts = _warnings(_tables(ky_thay_mat=None))
    assert any("«Chức vụ ký dưới dòng TM.» chỉ được in khi có «Ký thay mặt tập thể (TM.)»" in t for t in texts)
    # both given: nothing to say (tests/test_xa36.py counts the commune's other two warnings)
    assert not [t for t in _warnings(xa.tables()) if "TM." in t]


@pytest.mark.libreoffice
def test_the_commune_s_documents_are_signed_for_the_ủy_ban_nhân_dân(out):
    papers = ("nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf", "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf",
              "nop_so_noi_vu/bieu_tong_hop.pdf", "co_quan/thong_bao_ket_qua.pdf")
    own = [p for p in out.glob("nop_so_noi_vu/**/*.pdf") if "tu_danh_gia" in p.name]
    assert len(own) == 1, sorted(str(p) for p in out.glob("nop_so_noi_vu/**/*.pdf"))
    for pdf in [*(out / p for p in papers), *own]:
        text = pdf_text_flat(pdf)
        signature = text[text.rindex("Nơi nhận:") if "Nơi nhận:" in text else text.rindex("NGƯỜI LẬP BIỂU"):]
        assert SIGNED in signature, (pdf.name, signature)
        # the post under TM. does not repeat the body's name
        assert "CHỦ TỊCH ỦY BAN NHÂN DÂN" not in signature, pdf.name
        # the agency's documents keep the agency's header
        assert text.startswith("UBND TỈNH HÀ GIANG NAM ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC") or \
            "ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC" in text[:200], pdf.name


@pytest.mark.libreoffice
def test_a_person_is_rated_by_the_chủ_tịch_in_his_own_competence(out):
    clerk = person_form_text(out, "X-05", "phieu_nd335")
    assert clerk.startswith("UBND TỈNH HÀ GIANG NAM ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Đơn vị công tác: Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã, Ủy ban nhân dân xã Tân Phước" in clerk
    block = clerk[clerk.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"):]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" in block and "Nguyễn Hữu Phước" in block
    assert "TM." not in clerk
    sheet = person_form_text(out, "X-05", "theo_doi_ky")
    assert "TM." not in sheet


@pytest.mark.libreoffice
def test_the_hđnd_s_people_and_papers_head_with_the_hđnd(out):
    council = person_form_text(out, "X-04", "phieu_nd335")
    assert council.startswith("UBND TỈNH HÀ GIANG NAM HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "XÃ TÂN PHƯỚC" in council[:120] and "ỦY BAN NHÂN DÂN" not in council[:120]
    assert "Đơn vị công tác: Thường trực Hội đồng nhân dân xã, Hội đồng nhân dân xã Tân Phước" in council
    assert "Ủy ban nhân dân xã Tân Phước" not in council
    # his dossier's cover too
    cover = flat(PdfReader(out / "ca_nhan" / "HDND" / "X-04.pdf").pages[0].extract_text())
    assert cover.startswith("UBND TỈNH HÀ GIANG NAM HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC HỒ SƠ ĐÁNH GIÁ")
    # the unit's papers: the HĐND over its Thường trực
    unit = pdf_text_flat(out / "don_vi" / "HDND.pdf")
    assert unit.startswith("UBND TỈNH HÀ GIANG NAM HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC HỒ SƠ ĐÁNH GIÁ")
    for form in ("bien_ban_hop", "kiem_diem_tap_the", "tong_hop_xep_loai", "tong_hop_thi_dua"):
        assert _unit_doc_text(out, "HDND", form).startswith(
            "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN XÃ"), form
    assert "ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC" not in unit
    # another unit keeps the UBND
    economy = pdf_text_flat(out / "don_vi" / "KT.pdf")
    assert economy.startswith("UBND TỈNH HÀ GIANG NAM ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC")
    assert _unit_doc_text(out, "KT", "bien_ban_hop").startswith("ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC PHÒNG KINH TẾ")
    assert "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC" not in economy
