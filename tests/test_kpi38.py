"""A 2026 Sở whose Giám đốc post is vacant, run by a Phó Giám đốc (tests/pho_phu_trach_2026.py), read as its
legal reviewer (audit kpi38).

Outcomes worked out by hand from the texts' words (shared/domain/regime-2026.md §1.3–§1.5, rules.md R8.1, R8.3,
ND 30/2020 Art. 13 as quoted in docs/workbook.md «A deputy in charge»), never from the engine's formula:
- Year score = mean of the periods; leaders general + 70 × (a + b + c + d + đ + e) / 600, others
  general + 70 × (a + b + c) / 300; ≥ 90 HTXS, 70 to < 90 HTT (every person's periods are equal).
- Who rates: «Người đứng đầu cơ quan quản lý xếp loại người đứng đầu cơ quan, người đứng đầu cơ quan xếp loại
  những người còn lại». The deputy in charge runs the Sở: the Chủ tịch UBND tỉnh rates him; he rates the other
  Phó Giám đốc and the staff, and signs as a deputy signing for the head: «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC»
  («Trường hợp cấp phó được giao phụ trách, điều hành thì thực hiện ký như cấp phó ký thay cấp trưởng»).
- The Ban Giám đốc's meeting: «Khi kiểm điểm người đứng đầu thì phân công cấp phó chủ trì»: the other Phó
  Giám đốc chairs the deputy in charge's review.
- The 20 % cap, the agency head OUTSIDE his agency's group (the lead's 2026 default, being made in parallel):
  leaders without him: PT-02 95.25 and PT-08 94.67 HTXS, PT-03 86.83, PT-04 86.25, PT-09 86.25 HTT. Keeping 1
  leaves 4 HTT, 20 % of 4 = 0.8 → 0 < 1: none kept, both HTT; PT-01 (96.83) keeps HTXS, his cap is the
  superior's. (With him inside, 3 HTXS + 3 HTT: keeping 1 leaves 5 HTT, 1 ≥ 1, keeping 2 leaves 4, 0: one kept,
  PT-01 by his 5/6 HTXS ballots — the same levels, other reasons.) Công chức not leaders: PT-05 95.83, PT-10 98,
  PT-11 92.5 HTXS, PT-06 88, PT-12 86.83, PT-13 83.5 HTT: keeping 1 leaves 5 HTT, 1 ≥ 1; keeping 2 leaves 4,
  0 < 2: one kept, PT-10 (5/6 ballots, PT-05 3/5, PT-11 3/6). The người lao động PT-07 88: HTT.
"""

from __future__ import annotations

import datetime as dt
import json

import pho_phu_trach_2026 as sp
import pytest
from pypdf import PdfReader

from pipeline import api, ingest
from pipeline.rating import rate
from tests.fakes import TextConverter, flat, pdf_text, pdf_text_flat, person_form_text


def _with(**cells) -> dict:
    data = sp.tables()
    data["CoQuan"] = [(k, v) for k, v in data["CoQuan"] if k not in cells] + list(cells.items())
    return data


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("kpi38")
    dest = tmp / "out"
    api.build(sp.write(tmp / "so.xlsx"), dest, api.BuildOptions(cache_dir=cache_dir / "kpi38", today=dt.date(2026, 12, 6)))
    return dest


def test_the_clerk_s_workbook_is_accepted(tmp_path):
    # the Ban Giám đốc has two Phó Giám đốc and no Giám đốc, but the agency head, a deputy in charge (CoQuan
    # «Chức vụ cấp trưởng» Giám đốc), is one of them and chairs it: «không có người đứng đầu; cuộc họp sẽ do cấp
    # phó chủ trì» is no longer said — nothing in this workbook is to be fixed
    problems = ingest.check(sp.write(tmp_path / "so.xlsx"))
    assert [p.text() for p in problems] == []
    agency = ingest.load(tmp_path / "so.xlsx").agency
    assert (agency.nguoi_dung_dau, agency.chuc_vu_nguoi_dung_dau, agency.chuc_vu_cap_truong) == (
        "Trần Quốc Bảo", "Phó Giám đốc", "Giám đốc")


def test_levels_worked_out_by_hand_the_head_outside_the_cap(tmp_path):
    ratings = rate(ingest.load(sp.write(tmp_path / "so.xlsx", _with(nguoi_dung_dau_ngoai_ty_le="Có"))))
    expected = {
        "PT-01": (96.83, "HTXS"), "PT-02": (95.25, "HTT"), "PT-03": (86.83, "HTT"), "PT-04": (86.25, "HTT"),
        "PT-05": (95.83, "HTT"), "PT-06": (88.00, "HTT"), "PT-07": (88.00, "HTT"), "PT-08": (94.66, "HTT"),
        "PT-09": (86.25, "HTT"), "PT-10": (98.00, "HTXS"), "PT-11": (92.50, "HTT"), "PT-12": (86.83, "HTT"),
        "PT-13": (83.50, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        pr = ratings.of(ma_so)
        assert int(pr.diem * 100 + 1e-6) / 100 == score, (ma_so, pr.diem)  # cut, never rounded up
        assert pr.muc_de_xuat == level, (ma_so, pr.muc_de_xuat)
    leaders = ratings.group("cong_chuc/lanh_dao_quan_ly")
    assert (leaders.so_htxs_de_nghi, leaders.so_htt_de_nghi, leaders.toi_da) == (2, 3, 0)
    assert set(leaders.ha_muc) == {"PT-02", "PT-08"}
    assert any("do cấp trên xét" in x and "khoản 2 Điều 10 Nghị định 335/2025/NĐ-CP" in x for x in ratings.of("PT-01").ly_do)
    staff = ratings.group("cong_chuc/khong_giu_chuc_vu")
    assert staff.toi_da == 1 and set(staff.ha_muc) == {"PT-05", "PT-11"}


# From 2026 the agency head (here the deputy in charge) is outside his agency's 20 % groups when the CoQuan cell
# is empty (ND 335 Art. 10 cl. 2: the managing agency's head rates him; docs/rating.md rule 4)
def test_by_default_the_deputy_in_charge_is_outside_the_agency_s_cap(tmp_path):
    ratings = rate(ingest.load(sp.write(tmp_path / "so.xlsx")))
    leaders = ratings.group("cong_chuc/lanh_dao_quan_ly")
    assert (leaders.so_htxs_de_nghi, leaders.so_htt_de_nghi, leaders.toi_da) == (2, 3, 0)
    assert ratings.of("PT-01").nhom_tuong_dong != "cong_chuc/lanh_dao_quan_ly"


@pytest.mark.libreoffice
def test_the_deputy_in_charge_is_rated_by_the_chủ_tịch_ubnd_tỉnh(out):
    head = person_form_text(out, "PT-01", "phieu_nd335")
    assert "Chức vụ, chức danh: Phó Giám đốc Đơn vị" in head  # his official post, not «phụ trách»
    block = head[head.index("IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"):]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in block and "Võ Thành Trung" in block
    assert "Trần Quốc Bảo" not in block and "KT." not in block  # never his own evaluator
    party = person_form_text(out, "PT-01", "mau_2b_2025")
    state = party[party.index("Đánh giá, xếp loại chất lượng công chức, viên chức"):]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH" in state and "Võ Thành Trung" in state


@pytest.mark.libreoffice
def test_he_rates_the_other_deputy_and_the_staff_signing_kt_giam_doc(out):
    for ma_so in ("PT-02", "PT-05", "PT-13"):
        phieu = person_form_text(out, ma_so, "phieu_nd335")
        block = phieu[phieu.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"):]  # IV, or V after the manager's
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC (Ký, ghi rõ họ tên) Trần Quốc Bảo" in block, (ma_so, block[-300:])
        assert "PHỤ TRÁCH" not in phieu
    # the party review's state block of those he rates (PT-13 is not a party member)
    for ma_so, form in (("PT-02", "mau_2b_2025"), ("PT-05", "mau_2a_2025")):
        party = person_form_text(out, ma_so, form)
        state = party[party.index("Đánh giá, xếp loại chất lượng công chức, viên chức"):]
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in state and "Trần Quốc Bảo" in state
    # the other deputy's period sheet: confirmed by the deputy in charge, «KT.» too
    sheet = person_form_text(out, "PT-02", "theo_doi_ky")
    assert "KT. GIÁM ĐỐC" in sheet and "Trần Quốc Bảo" in sheet
    # a công chức of a phòng: his Trưởng phòng comments, the deputy in charge rates
    clerk = person_form_text(out, "PT-13", "phieu_nd335")
    manager = clerk[clerk.index("IV. "):clerk.index("V. KẾT QUẢ ĐÁNH GIÁ")]
    assert "TRƯỞNG PHÒNG KẾ HOẠCH - TÀI CHÍNH" in manager and "Hoàng Đức Anh" in manager


@pytest.mark.libreoffice
def test_the_ban_giam_doc_s_minutes_give_his_review_to_the_other_deputy(out):
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (unit,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == "BGD"]
    (minutes,) = [d for d in unit["muc"] if d["mau"] == "bien_ban_hop"]
    pages = PdfReader(out / unit["pdf"]).pages[minutes["trang_dau"] - 1: minutes["trang_dau"] - 1 + minutes["so_trang"]]
    text = flat("\n".join(p.extract_text() for p in pages))
    assert "Chủ trì: đồng chí Trần Quốc Bảo – Phó Giám đốc." in text
    assert "Khi kiểm điểm đồng chí Trần Quốc Bảo, đồng chí Lê Thị Thanh Hương – Phó Giám đốc chủ trì." in text
    own = text[text.index("2.1. Đồng chí Trần Quốc Bảo"):text.index("2.2. Đồng chí Lê Thị Thanh Hương")]
    assert "(Đồng chí Lê Thị Thanh Hương chủ trì phần kiểm điểm này.)" in own
    assert "Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp loại" in own
    other = text[text.index("2.2. Đồng chí Lê Thị Thanh Hương"):]
    assert "chủ trì phần kiểm điểm này" not in other
    # the Ban Giám đốc's collective report: signed by the deputy in charge for the Giám đốc
    report = pdf_text_flat(out / unit["pdf"])
    assert "KT. GIÁM ĐỐC" in report and "PHỤ TRÁCH" not in report


@pytest.mark.libreoffice
def test_the_agency_s_papers_are_signed_for_the_giam_doc(out):
    notice = pdf_text_flat(out / "co_quan" / "thong_bao_ket_qua.pdf")
    assert "Giám đốc Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam thông báo kết quả" in notice
    assert "Phó Giám đốc Sở" not in notice
    package = out / "nop_so_noi_vu"
    for paper in (out / "co_quan" / "thong_bao_ket_qua.pdf", package / "bao_cao_ket_qua_danh_gia.pdf",
                  package / "cong_van_gui_so_noi_vu.pdf", package / "bieu_tong_hop.pdf",
                  package / "bao_cao_tu_danh_gia_co_quan.pdf"):
        text = pdf_text_flat(paper)
        assert "KT. GIÁM ĐỐC" in text and "PHÓ GIÁM ĐỐC" in text, paper.name
        assert text.index("KT. GIÁM ĐỐC") < text.index("PHÓ GIÁM ĐỐC") < text.rindex("Trần Quốc Bảo"), paper.name
        assert "PHỤ TRÁCH" not in text, paper.name
    # the report counts him and says who rates him
    report = pdf_text_flat(package / "bao_cao_ket_qua_danh_gia.pdf")
    assert "kể cả người đứng đầu cơ quan, do cấp trên trực tiếp đánh giá, xếp loại" in report
    # the printing guide says so too
    guide = pdf_text_flat(out / "HUONG_DAN_IN.pdf")
    assert "Người có thẩm quyền đánh giá (KT. Giám đốc: Phó Giám đốc Trần Quốc Bảo)" in guide


def test_without_the_head_s_post_the_papers_are_today_s(tmp_path, cache_dir):
    # the clerk who writes only «Phó Giám đốc phụ trách» as the head's post gets what hoso printed before:
    # that post as the signer's title (the cell «Chức vụ cấp trưởng» is what asks for «KT.»)
    data = _with(chuc_vu_nguoi_dung_dau="Phó Giám đốc phụ trách")
    data["CoQuan"] = [(k, v) for k, v in data["CoQuan"] if k != "chuc_vu_cap_truong"]
    dest = tmp_path / "out"
    api.build(sp.write(tmp_path / "so.xlsx", data), dest,
              api.BuildOptions(cache_dir=cache_dir / "kpi38-text", show_progress=False), converter=TextConverter())
    notice = flat(pdf_text(dest / "co_quan" / "thong_bao_ket_qua.pdf"))
    assert "PHÓ GIÁM ĐỐC PHỤ TRÁCH" in notice and "KT. GIÁM ĐỐC" not in notice
    assert "Phó Giám đốc phụ trách Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam thông báo" in notice
    phieu = flat(pdf_text(dest / "ca_nhan" / "BGD" / "PT-02.pdf"))
    assert "PHÓ GIÁM ĐỐC PHỤ TRÁCH" in phieu and "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC PHỤ TRÁCH" not in phieu


def _warnings(data, tmp_path) -> list:
    problems = ingest.check(sp.write(tmp_path / "so.xlsx", data))
    assert not [p for p in problems if p.is_error], [p.text() for p in problems]
    return problems


def test_a_deputy_s_post_without_the_head_s_post_is_warned_naming_the_cells(tmp_path):
    """ND 30/2020 Art. 13 cl. 1 (docs/workbook.md «A deputy in charge»): a deputy running the agency signs «KT.»
    and the head's post over his own. With the head's post «Phó Giám đốc» and «Chức vụ cấp trưởng» empty every
    paper he signs prints «PHÓ GIÁM ĐỐC» alone: a warning (not an error) on the post's cell that names the empty
    cell and the acting head's «Q. …», without guessing the head's post."""
    data = sp.tables()
    data["CoQuan"] = [(k, v) for k, v in data["CoQuan"] if k != "chuc_vu_cap_truong"]
    problems = _warnings(data, tmp_path)
    post = [p for p in problems if p.sheet == "CoQuan"]
    assert len(post) == 1 and not post[0].is_error
    (p,) = post
    assert p.value == "Phó Giám đốc" and p.header == "Chức vụ người đứng đầu" and p.row is not None
    assert p.message.startswith("«Chức vụ người đứng đầu» là chức vụ cấp phó mà ô «Chức vụ cấp trưởng (cấp phó được "
                                "giao phụ trách)» để trống: các văn bản người đứng đầu ký chỉ in «PHÓ GIÁM ĐỐC».")
    assert "khoản 1 Điều 13 Nghị định 30/2020/NĐ-CP" in p.message and "«Q. …»" in p.message
    assert "«KT. GIÁM ĐỐC»" not in p.message  # the head's post is the clerk's to write
    # without «Chức vụ cấp trưởng» nothing says he is in charge: the Ban Giám đốc's warning is as before
    assert any("«BGD» không có người đứng đầu" in x.message for x in problems)


@pytest.mark.parametrize("post, warned", [("Phó Chủ tịch", True), ("phó giám đốc phụ trách", True),
                                          ("Giám đốc", False), ("Q. Giám đốc", False), ("Chánh Văn phòng", False)])
def test_only_a_deputy_s_post_is_warned(tmp_path, post, warned):
    data = _with(chuc_vu_nguoi_dung_dau=post)
    data["CoQuan"] = [(k, v) for k, v in data["CoQuan"] if k != "chuc_vu_cap_truong"]
    said = [p for p in _warnings(data, tmp_path) if p.sheet == "CoQuan" and "chức vụ cấp phó" in p.message]
    assert bool(said) is warned
    # with the head's post filled, never
    said = [p for p in _warnings(_with(chuc_vu_nguoi_dung_dau=post), tmp_path) if "chức vụ cấp phó" in p.message]
    assert said == []


def test_a_head_s_post_under_a_vacancy_cell_is_warned(tmp_path):
    # an appointed Giám đốc with «Chức vụ cấp trưởng» left from a vacancy would sign «KT. GIÁM ĐỐC / GIÁM ĐỐC»
    said = [p for p in _warnings(_with(chuc_vu_nguoi_dung_dau="Giám đốc"), tmp_path)
            if p.sheet == "CoQuan" and "KT. GIÁM ĐỐC" in p.message]
    assert len(said) == 1 and "để trống ô «Chức vụ cấp trưởng (cấp phó được giao phụ trách)»" in said[0].message
    # the deputy in charge himself: nothing
    assert not [p for p in _warnings(_with(), tmp_path) if "KT. GIÁM ĐỐC" in p.message]
