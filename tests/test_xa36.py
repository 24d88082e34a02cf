"""A 2026 commune (UBND xã after the 2025 reorganisation, tests/xa_2026.py) read as its legal reviewer (audit xa36).

Outcomes worked out by hand from the rules' words (shared/domain/regime-2026.md §0, §1.3, §1.4; rules.md R8.1),
never from the engine's formula:
- Year score = mean of the months worked; ≥ 90 HTXS, 70 to < 90 HTT. Every person's months are equal:
  non-leader general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600.
- Khiển trách in 2026 for a public-service fault (X-10, 10/06/2026): KHT whatever the points (88).
- HTXS ≤ 20 % of HTT in each group (the commune's rules apply ND 335's cap to cán bộ: who rates cán bộ in 2026
  is not found). Cán bộ: 3 HTXS by points (X-01 96.83, X-02 95.25, X-04 96.25), 1 HTT (X-03); keeping 1
  leaves 3 HTT, 0.6 → 0: none kept. Công chức managers: 2 HTXS (X-05 90.16, X-13 94.08), 1 HTT: none kept.
  Công chức not managers: 4 HTXS (X-06 95.83, X-07 98, X-11 93.66, X-15 92.5), 2 HTT (X-08, X-14); keeping 1
  leaves 5 HTT, 1 ≥ 1; keeping 2 leaves 4, 0.8 → 0 < 2. So 1 is kept: X-07, 5/5 HTXS ballots.
- Recruited in September (X-12, 4 months): not rated. Sick leave of 3 months (X-14, `so_thang_nghi` 3): rated on the
  9 months worked, 83.5: HTT, and his phiếu says why.
- The Chủ tịch UBND xã (the agency head) is rated by the head of the superior body — after the 2025
  reorganisation the province (Chủ tịch UBND tỉnh), no district; the Phó Chủ tịch chairs his review.
  Cán bộ are rated by «the body managing the cán bộ» (ND 90 Art. 16); the Chủ tịch HĐND xã is not under the
  Chủ tịch UBND xã, so the workbook names who rates him (NhanSu `nguoi_danh_gia`).
Real LibreOffice build of one workbook, shared by the module.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import xa_2026 as xa

from pipeline import ingest
from tests.fakes import build_each, pdf_text_flat, person_form_text


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("xa36")
    return build_each({"out": xa.write(tmp / "xa.xlsx")}, tmp, cache_dir / "xa36", dt.date(xa.YEAR, 12, 6))["out"]


def _result(out) -> dict:
    return json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))


def test_a_commune_clerk_s_workbook_is_accepted(tmp_path):
    problems = ingest.check(xa.write(tmp_path / "xa.xlsx"))
    assert not [p for p in problems if p.is_error]
    texts = sorted(p.text() for p in problems)
    assert len(texts) == 3, texts
    # the one-person unit (Thường trực HĐND) and the disciplined công chức's own HTT, each naming its cell
    # and the two Phó Chủ tịch at the Lãnh đạo UBND meeting with no «Người chủ trì khi kiểm điểm người đứng đầu»:
    # the minutes print the one whose given name sorts first (Hạnh before Toàn), as they always did, and say so
    assert any("Sheet «DonVi», dòng 2" in t and "có 2 cấp phó dự họp" in t
               and "biên bản họp in đồng chí Trần Thị Minh Hạnh" in t and "Lê Văn Toàn" in t for t in texts)
    assert any("Sheet «DonVi», dòng 3" in t and "chỉ có 1 người" in t for t in texts)
    assert any("Sheet «NhanSu», dòng 11" in t and "87/QĐ-UBND" in t and "Không hoàn thành nhiệm vụ" in t
               for t in texts)


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = {p["ma_so"]: p for p in _result(out)["nguoi"]}
    # cán bộ leaders' group: X-02 95.25 and X-04 96.25 propose HTXS by points, X-03 86.83 HTT; keeping one,
    # 20 % × 2 HTT = 0.4 → 0 ⇒ none kept. X-01, the Chủ tịch UBND xã, is rated by the Chủ tịch UBND tỉnh (ND 335
    # Art. 10 cl. 2): outside the commune's cap, his 96.83 points give HTXS for the province to weigh
    expected = {
        "X-01": (96.83, "HTXS"), "X-02": (95.25, "HTT"), "X-03": (86.83, "HTT"), "X-04": (96.25, "HTT"),
        "X-05": (90.16, "HTT"), "X-06": (95.83, "HTT"), "X-07": (98.00, "HTXS"), "X-08": (88.00, "HTT"),
        "X-09": (86.25, "HTT"), "X-10": (88.00, "KHT"), "X-11": (93.66, "HTT"), "X-13": (94.08, "HTT"),
        "X-14": (83.50, "HTT"), "X-15": (92.50, "HTT"), "X-16": (88.00, "HTT"), "X-17": (83.50, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert int(p["diem"] * 100 + 1e-6) / 100 == score, (ma_so, p["diem"])  # cut, never rounded up
        assert p["muc_de_xuat"] == level, (ma_so, p["muc_de_xuat"])
    assert people["X-12"]["trang_thai"] == "khong_xep_loai" and people["X-12"]["muc_de_xuat"] is None
    assert len(people["X-14"]["diem_ky"]) == 9



@pytest.mark.libreoffice
def test_the_phieu_says_why_months_are_missing(out):
    sick = person_form_text(out, "X-14", "phieu_nd335")
    assert ("Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ Nghỉ không tham gia công tác theo quy định 3 tháng trong "
            "năm, thời gian công tác thực tế 9 tháng") in sick
    assert "Tháng 03/2026" not in sick and "Tháng 06/2026" in sick
    recruit = person_form_text(out, "X-12", "phieu_nd335")
    assert "Mức xếp loại đề xuất: Không xếp loại Công tác 4 tháng trong năm, chưa đủ 6 tháng" in recruit


@pytest.mark.libreoffice
def test_the_run_says_who_rates_cán_bộ_is_unknown(out):
    warnings = _result(out)["canh_bao"]
    (who,) = [w for w in warnings if "thẩm quyền đánh giá cán bộ" in w]
    # the two Phó Chủ tịch are printed as rated by the Chủ tịch UBND xã; the Chủ tịch HĐND has his own evaluator
    assert "Trần Thị Minh Hạnh (X-02), Lê Văn Toàn (X-03)" in who and "X-04" not in who
    assert "Chủ tịch Ủy ban nhân dân xã Nguyễn Hữu Phước" in who


@pytest.mark.libreoffice
def test_who_signs_a_cán_bộ_s_phieu(out):
    head = person_form_text(out, "X-01", "phieu_nd335")
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ" in head
    # the leaders' part of a cán bộ's phiếu does not call him a công chức
    assert "PHẦN DÀNH RIÊNG CHO NGƯỜI LÃNH ĐẠO, QUẢN LÝ" in head and "CÔNG CHỨC LÃNH ĐẠO" not in head
    block = head[head.index("IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"):]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in block and "Võ Thành Trung" in block
    assert "Nguyễn Hữu Phước" not in block  # never his own evaluator
    council = person_form_text(out, "X-04", "phieu_nd335")
    block = council[council.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"):]
    assert "BÍ THƯ ĐẢNG ỦY XÃ" in block and "Lê Quang Vinh" in block and "Nguyễn Hữu Phước" not in block
    deputy = person_form_text(out, "X-02", "phieu_nd335")
    block = deputy[deputy.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ"):]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ" in block and "Nguyễn Hữu Phước" in block
    # a công chức's phiếu keeps its own heading
    clerk = person_form_text(out, "X-05", "phieu_nd335")
    assert "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ" in clerk


@pytest.mark.libreoffice
def test_the_head_s_review_is_chaired_by_his_deputy_and_sent_to_the_province(out):
    minutes = pdf_text_flat(out / "don_vi" / "LD.pdf")
    assert ("Khi kiểm điểm đồng chí Nguyễn Hữu Phước, đồng chí Trần Thị Minh Hạnh – Phó Chủ tịch Ủy ban nhân dân xã "
            "chủ trì") in minutes
    assert "Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp loại" in minutes
    notice = pdf_text_flat(out / "co_quan" / "thong_bao_ket_qua.pdf")
    assert "Do Bí thư Đảng ủy xã đánh giá, xếp loại" in notice
    # the chi bộ's report lists its members' results: cán bộ are not called công chức, viên chức
    report = minutes[minutes.index("Kiểm điểm tập thể chi bộ năm 2026"):]
    assert ("VII. Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động là đảng viên của "
            "chi bộ năm 2026") in report
    assert "Trần Thị Minh Hạnh" in report[report.index("VII."):]


@pytest.mark.libreoffice
def test_no_district_on_a_commune_s_papers(out):
    papers = [*out.glob("ca_nhan/*/*.pdf"), *out.glob("don_vi/*.pdf"), *out.glob("co_quan/*.pdf"),
              *out.glob("nop_so_noi_vu/*.pdf"), out / "HUONG_DAN_IN.pdf"]
    assert len(papers) > 20
    for pdf in papers:
        text = pdf_text_flat(pdf)
        assert "huyện" not in text.casefold() and "quận" not in text.casefold(), pdf.name
        for code in ("can_bo", "cong_chuc", "lanh_dao_quan_ly", "khong_giu_chuc_vu"):
            assert code not in text, (pdf.name, code)


@pytest.mark.libreoffice
def test_papers_of_cán_bộ_cite_nd335_as_applied_to_them(out):
    """ND 335 rates «cơ quan hành chính nhà nước và công chức»: a unit of cán bộ, and the agency's papers, say the
    commune's rules apply it to its cán bộ and workers, never that the decree itself rates them."""
    nd335 = ("Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng đối với cơ "
             "quan hành chính nhà nước và công chức")
    leaders = pdf_text_flat(out / "don_vi" / "LD.pdf")
    assert f"{nd335} (vận dụng đối với cán bộ theo quy chế đánh giá của cơ quan)" in leaders
    for paper in ("co_quan/thong_bao_ket_qua.pdf", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf",
                  "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf"):
        assert (f"{nd335} (vận dụng đối với cán bộ, người lao động theo quy chế đánh giá của cơ quan)"
                in pdf_text_flat(out / paper)), paper
    # the Phòng Kinh tế has công chức only: the decree alone
    economy = pdf_text_flat(out / "don_vi" / "KT.pdf")
    assert f"{nd335} và hướng dẫn" in economy and "vận dụng đối với" not in economy
