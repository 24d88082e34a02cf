"""The hard cases of a 2026 campaign (tests/kho_2026.py) read as their signers and the legal reviewer (audit hard).

Outcomes worked out by hand from the rules' words (shared/domain/regime-2026.md §1.3, §1.4; rules.md R3, R4, R8),
never from the engine's formula. Every person's months are equal, so the year score is the month score:
non-leader general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600.
- K-04 worked 5 months (recruited 01/8): under 6, not on maternity leave: not rated, still reviewed.
  K-05 worked 7 months (recruited 01/6): rated, 25 + 70 × 270/300 = 88: HTT.
- K-10 on maternity leave, 6 months worked: rated on them, 27 + 70 × 290/300 = 94.66 (HTXS by points).
  K-07 retiring 01/10, 9 months: 26 + 70 × 285/300 = 92.5 (HTXS by points). K-14: 98, 6 of 7 ballots HTXS.
- K-11: khiển trách for a public-service fault in force 15/5/2026: KHT whatever the points (ND 335 Art. 20 cl. 4c).
- Công chức not managers: HTXS by points K-14 98, K-10 94.66, K-07 92.5; HTT K-05, K-09, K-13 (88); K-11, K-12
  KHT; K-04 not rated. Keeping 1 HTXS leaves 5 HTT, 20 % × 5 = 1 ≥ 1; keeping 2 leaves 4, 0.8 → 0 < 2. So 1 is
  kept: K-14, 6/7 ballots (the others have no ballot) and the highest points.
- Phòng Quản lý văn hóa has no Trưởng phòng; its one Phó Trưởng phòng runs it («phụ trách»). ND 30/2020 Art. 13
  cl. 1: «Trường hợp cấp phó được giao phụ trách, điều hành thì thực hiện ký như cấp phó ký thay cấp trưởng»: he
  signs the phòng's papers «KT. TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA» over his own post — the head's post is
  «Trưởng phòng Quản lý văn hóa», never «Trưởng phòng … (phụ trách)». He is the direct manager of the phòng's
  staff: their phiếu carries the direct manager's part for him, and he confirms their period sheets
  (regime-2026.md §1.5: the direct manager reviews the months, the head decides).
Real LibreOffice build of one workbook, shared by the module.
"""

from __future__ import annotations

import datetime as dt

import kho_2026 as kho
import pytest

from pipeline import ingest
from tests.fakes import build_each, pdf_text, person_form_text, rated_people


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("hard")
    return build_each({"out": kho.write(tmp / "kho.xlsx")}, tmp, cache_dir / "hard", dt.date(kho.YEAR, 12, 7))["out"]


@pytest.mark.libreoffice
def test_levels_of_the_hard_cases_worked_out_by_hand(out):
    people = rated_people(out)
    assert people["K-04"]["trang_thai"] == "khong_xep_loai" and people["K-04"]["muc_de_xuat"] is None
    expected = {"K-05": (88.0, "HTT"), "K-07": (92.5, "HTT"), "K-09": (88.0, "HTT"), "K-10": (94.66, "HTT"),
                "K-11": (88.0, "KHT"), "K-13": (88.0, "HTT"), "K-14": (98.0, "HTXS")}
    for ma_so, (score, level) in expected.items():
        assert people[ma_so]["trang_thai"] == "xep_loai", ma_so
        assert people[ma_so]["diem"] == pytest.approx(score, abs=0.01), ma_so
        assert people[ma_so]["muc_de_xuat"] == level, ma_so


@pytest.mark.libreoffice
def test_someone_not_rated_chooses_no_level_on_any_paper(out):
    """K-04 worked 5 months: «không thực hiện việc đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm» (ND 90
    Art. 2 cl. 3; docs/rating.md rule 3). Her phiếu, which she signs, prints «Không xếp loại» where a level would
    be chosen; the workbook still holds her «Tự xếp loại» HTT. The Văn phòng's minutes and proposal table, which
    record what she presented, printed «Tự nhận mức: Hoàn thành tốt nhiệm vụ» and «Tự xếp loại: Hoàn thành tốt
    nhiệm vụ» — two papers of one meeting disagreeing on what she chose. Now neither prints a level for her."""
    import docx

    phieu = person_form_text(out, "K-04", "phieu_nd335")
    assert "2. Tự đề xuất mức xếp loại chất lượng: Không xếp loại (thời gian công tác thực tế trong năm chưa đủ " \
           "06 tháng" in phieu
    minutes = _flat(pdf_text(out / "don_vi" / "VP.pdf"))
    block = minutes.split("Đồng chí Phạm Thu Trang – Chuyên viên", 1)[1].split("Đồng chí Võ Văn Tư", 1)[0]
    assert "- Tự nhận mức: (công tác trong năm dưới 06 tháng: không xếp loại, chỉ kiểm điểm)." in block
    assert "Hoàn thành" not in block
    # a rated colleague of the same meeting keeps his self-rating
    assert "Đồng chí Đặng Quốc Bảo – Chuyên viên - Tự nhận mức: Hoàn thành tốt nhiệm vụ." in minutes
    rows = {}
    for table in docx.Document(str(out / "don_vi" / "VP" / "tong_hop_xep_loai.docx")).tables:
        cells = [[c.text.strip() for c in r.cells] for r in table.rows]
        head = next((r for r in cells if "Tự xếp loại" in r), None)
        if head:
            rows.update({r[1]: dict(zip(head, r, strict=False)) for r in cells if r[0].isdigit()})
    assert rows["Phạm Thu Trang"]["Tự xếp loại"] == "" and rows["Phạm Thu Trang"]["Mức đề xuất"] == "Không xếp loại"
    assert rows["Đặng Quốc Bảo"]["Tự xếp loại"] == "Hoàn thành tốt nhiệm vụ"


@pytest.mark.libreoffice
def test_someone_not_rated_has_no_year_score_in_the_clerk_s_spreadsheet_either(out):
    """K-04's period sheet prints «Điểm đánh giá năm (trung bình cộng điểm các kỳ): không tính, không xếp loại (công
    tác trong năm dưới 06 tháng)»; ket_qua_xep_loai.xlsx gave her 88 (the mean of her five months) in KetQua «Điểm»
    and DiemKy «Điểm năm», a year score the papers refuse. Her months stay (facts), as on the sheet."""
    import openpyxl

    months = person_form_text(out, "K-04", "theo_doi_ky")
    assert "Điểm đánh giá năm (trung bình cộng điểm các kỳ): không tính, không xếp loại" in months
    wb = openpyxl.load_workbook(out / "ket_qua_xep_loai.xlsx")
    rows = list(wb["KetQua"].iter_rows(values_only=True))
    mine = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert mine["K-04"]["Trạng thái"] == "Không xếp loại" and mine["K-04"]["Điểm"] is None
    assert mine["K-05"]["Điểm"] == 88  # rated on her 7 months: 25 + 70 × 270/300
    periods = list(wb["DiemKy"].iter_rows(values_only=True))
    head = periods[0]
    hers = [dict(zip(head, r, strict=True)) for r in periods[1:] if r[0] == "K-04"]
    assert [(r["Kỳ"], r["Điểm kỳ"], r["Điểm năm"]) for r in hers] == [
        (f"2026-{m:02d}", 88, None) for m in range(8, 13)]


@pytest.mark.libreoffice
def test_a_deputy_running_a_phong_signs_for_the_head_s_post_not_for_his_own_charge(out):
    text = _flat(pdf_text(out / "don_vi" / "QLVH.pdf"))
    assert "KT. TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA PHÓ TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA (PHỤ TRÁCH)" in text
    assert "KT. TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA (PHỤ TRÁCH)" not in text


@pytest.mark.libreoffice
def test_the_deputy_running_a_phong_is_its_staff_s_direct_manager(out):
    for ma_so in ("K-09", "K-10", "K-11", "K-14"):
        phieu = person_form_text(out, ma_so, "phieu_nd335")
        manager = phieu.split("Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP", 1)[1].split("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI", 1)[0]
        assert "PHÓ TRƯỞNG PHÒNG QUẢN LÝ VĂN HÓA (PHỤ TRÁCH)" in manager and "Bùi Thanh Tâm" in manager, ma_so
        # the Giám đốc Sở still decides the level
        decided = phieu.split("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC", 1)[1]
        assert "GIÁM ĐỐC SỞ (Ký, ghi rõ họ tên) Nguyễn Văn Hùng" in decided, ma_so
        months = person_form_text(out, ma_so, "theo_doi_ky")
        assert "Bùi Thanh Tâm" in months and "GIÁM ĐỐC SỞ" not in months, ma_so
    # the deputy himself is rated by the Giám đốc Sở, with no manager between them
    own = person_form_text(out, "K-08", "phieu_nd335")
    assert "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" not in own and "Nguyễn Văn Hùng" in own
    # a phòng with a head keeps him: the Chánh Văn phòng for the Văn phòng's staff
    vp = person_form_text(out, "K-05", "phieu_nd335")
    assert "CHÁNH VĂN PHÒNG SỞ" in vp.split("Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP", 1)[1]


def test_the_head_s_post_a_deputy_signs_for_leaves_out_his_own_charge():
    from pipeline.forms.unit_context import _head_post

    class Deputy:
        def __init__(self, post: str) -> None:
            self.chuc_vu = post

    # by hand: the head's post is the deputy's post without «Phó» and without what he is in charge of
    assert _head_post(Deputy("Phó Trưởng phòng Quản lý văn hóa (phụ trách)")) == "Trưởng phòng Quản lý văn hóa"
    assert _head_post(Deputy("Phó Trưởng phòng phụ trách")) == "Trưởng phòng"
    assert _head_post(Deputy("Phó Giám đốc phụ trách lĩnh vực văn hóa")) == "Giám đốc"
    assert _head_post(Deputy("Phó Chánh Văn phòng")) == "Chánh Văn phòng"
    assert _head_post(Deputy("Chuyên viên phụ trách")) == ""


def test_the_clerk_is_told_what_the_hard_cases_need(tmp_path):
    problems = ingest.check(kho.write(tmp_path / "kho.xlsx"))
    assert not [p for p in problems if p.is_error]
    texts = [p.text() for p in problems]
    # the disciplined công chức's own HTT, the party level typed above the state level, the phòng with no head
    assert any("45/QĐ-SVHTTDL" in t and "Không hoàn thành nhiệm vụ" in t for t in texts)
    assert any("Mức xếp loại đảng viên Hoàn thành xuất sắc nhiệm vụ cao hơn" in t for t in texts)
    assert any("«QLVH» không có người đứng đầu" in t for t in texts)


@pytest.mark.libreoffice
def test_the_report_to_the_so_names_a_group_cut_by_rulebook_in_words(out):
    # K-06 (Văn phòng, the default rulebook for người lao động: ND 335) and K-18 (the centre, whose DonVi chose ND 233)
    # are one default group cut in two; neither text covers người lao động: each part is «vận dụng» its text
    for name in ("bao_cao_ket_qua_danh_gia.pdf", "bieu_tong_hop.pdf"):
        text = _flat(pdf_text(out / "nop_so_noi_vu" / name))
        assert "nd233-2026" not in text and "nd335-2025" not in text and "nguoi_lao_dong" not in text, name
        assert "Người lao động không giữ chức vụ lãnh đạo, quản lý (vận dụng Luật Viên chức 2025 và Nghị định " \
               "233/2026/NĐ-CP)" in text, name
        assert "Người lao động không giữ chức vụ lãnh đạo, quản lý (vận dụng Nghị định 335/2025/NĐ-CP)" in text, name


def test_a_group_cut_by_rulebook_is_named_in_words_everywhere():
    from pipeline.rating.groups import display_name, group_label

    # công chức are covered by ND 335 itself; a clerk's group keeps its name, with the text it is rated by
    assert group_label("cong_chuc/khong_giu_chuc_vu (nd335-2025)") == \
        "Công chức không giữ chức vụ lãnh đạo, quản lý (xếp loại theo Nghị định 335/2025/NĐ-CP)"
    assert display_name("TH/chuyen_vien (nd233-2026)", {"TH": "Phòng Tổng hợp"}) == \
        "Chuyên viên – Phòng Tổng hợp (xếp loại theo Luật Viên chức 2025 và Nghị định 233/2026/NĐ-CP)"
    assert display_name("Tổ (A)", {}) == "Tổ (A)"


def test_an_act_counted_in_2025_and_decided_in_2026_is_said_and_the_decided_level_is_not_refused(tmp_path):
    """K-12: the party's khiển trách on act HV-2025-01 was in force on 05/12/2025 and the act was the basis of her
    2025 rating («Đã tính năm» 2025); the Sở's own khiển trách on the same act is in force on 20/01/2026. ND 48/2023
    (Art. 1 cl. 5, amending ND 90 Art. 2: an act is the basis of one year's rating only) would not count the 2026
    decision; whether ND 335/2025 keeps that rule is not known (UNCONFIRMED). The program counts it (KHT proposed) and
    says so to the clerk at check and at rate; the competent authority deciding HTT for her is its call: a warning
    on her «Mức xếp loại của cấp có thẩm quyền» saying why, never an error that stops the build."""
    t = kho.tables()
    for row in t["NhanSu"]:
        if row["ma_so"] == "K-12":
            row["muc_quyet_dinh"] = "HTT"
    problems = ingest.check(kho.wf.write(tmp_path / "kho.xlsx", t))
    mine = [p for p in problems if "03/QĐ-SVHTTDL" in p.text()]
    assert mine and not [p for p in mine if p.is_error], [p.text() for p in mine]
    decided = [p for p in mine if p.column is not None and "Mức quyết định Hoàn thành tốt nhiệm vụ" in p.text()]
    assert len(decided) == 1
    words = _flat(decided[0].text())
    assert "đã là căn cứ xếp loại năm trước" in words and "Nghị định 48/2023/NĐ-CP" in words
    assert "chưa xác định Nghị định 335/2025/NĐ-CP" in words and "Cấp có thẩm quyền xem xét" in words

    result = ingest.load(tmp_path / "kho.xlsx")
    from pipeline.rating import rate

    rated = rate(result).of("K-12")
    assert rated.muc_de_xuat == "KHT"
    assert any("Nghị định 48/2023/NĐ-CP quyết định này không được tính" in w for w in rated.canh_bao)


def test_a_unit_whose_retiree_is_still_counted_a_member_is_told(tmp_path):
    """K-07 (Văn phòng, 5 people in NhanSu) retired on 01/10 and is marked «Đã nghỉ, chuyển đi». With «Số thành viên»
    blank the December minutes print «tổng số 5 người»: check says so, naming her, and that 4 is the number if she is no
    longer a member. Written 4: nothing said (4 = 5 people less 1 gone); written 3: fewer than the staff still there."""
    def said(members: int | None) -> list[str]:
        t = kho.tables()
        for u in t["DonVi"]:
            if u["ma_don_vi"] == "VP":
                u["so_thanh_vien"] = members
        problems = ingest.check(kho.wf.write(tmp_path / f"kho_{members}.xlsx", t))
        return [_flat(p.text()) for p in problems if "Số thành viên" in p.text() and "«DonVi»" in p.text()]

    (blank,) = said(None)
    assert "Đơn vị «VP» chưa khai «Số thành viên»: biên bản họp in tổng số 5 người" in blank
    assert "kể cả 1 người đã nghỉ, chuyển đi" in blank and "Hồ Thị Nga (K-07)" in blank
    assert "ghi «Số thành viên» là 4" in blank
    assert said(4) == []
    (fewer,) = said(3)
    assert "Số thành viên (3) ít hơn số người của đơn vị trong sheet NhanSu (5, trong đó 1 người đã nghỉ, chuyển đi)" in fewer
