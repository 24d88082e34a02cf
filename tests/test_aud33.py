"""A 2026 đơn vị sự nghiệp (a district hospital, tests/su_nghiep_2026.py) read as its legal reviewer (audit 33).

Outcomes worked out by hand from the rules' words (shared/domain/regime-2026.md §1.3, §1.4, §2; rules.md R4,
R5, R8.1), never from the engine's formula:
- Year score = mean of the periods worked; ≥ 90 HTXS, 70 to < 90 HTT (ND 233 as reported, the ND 335 frame).
  Every person's periods here are equal, so the year score is the period score:
  non-leader general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600.
- Khiển trách in the year (BV-04, 15/05/2026): KHT whatever the points (88).
- «Mức xếp loại của người đứng đầu không cao hơn mức xếp loại của đơn vị» (k7 Đ12 ND 233): the khoa Nội is
  rated HT, its trưởng khoa (94.66 points) is proposed HT.
- HTXS ≤ 20 % of HTT in each group. Viên chức not managers: 4 HTXS by points (BV-05 95.83, BV-06 98,
  BV-07 93.66, BV-15 91.33) and 7 HTT (BV-08, 10, 13, 16, 19, 20, 21; BV-04 KHT and BV-12 not rated do not
  count). Keeping 1: 10 HTT, 20 % is 2 ≥ 1; keeping 2: 9 HTT, 1.8 → 1 < 2. So 1 is kept: BV-06, whose
  share of HTXS ballots is the highest (6/6). Managers: the Giám đốc BV-01 (96.83) is rated by the head
  of the managing body (ND 335 Art. 10 cl. 2, regime-2026.md §1.5), so he is outside the hospital's
  groups and keeps HTXS for that level to weigh; the group is 1 HTXS (BV-11 95.25) and 3 HTT (BV-02, 09,
  14): keeping 1 leaves 3 HTT, 0.6 → 0: none kept. The report and the biểu say the same «tối đa».
- Worked 5 months (recruited in August): not rated (the 06-month threshold), said on her phiếu with why.
- Maternity leave (BV-08): rated on the 7 months actually worked (87: HTT).
- The Giám đốc of the hospital is rated by the head of its managing body (Giám đốc Sở Y tế; R8.1), the
  others by the Giám đốc; ND 335 (công chức) is cited on nobody's paper.
Real LibreOffice build of one workbook, shared by the module.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import su_nghiep_2026 as sn
import workbook_factory as wf
from pypdf import PdfReader

from pipeline import ingest
from tests.fakes import build_each, flat, pdf_text_flat, person_form_text, rated_people


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("aud33")
    return build_each({"out": sn.write(tmp / "benh_vien.xlsx")}, tmp, cache_dir / "aud33", dt.date(sn.YEAR, 12, 6))["out"]


def test_a_hospital_clerk_s_workbook_is_accepted(tmp_path):
    problems = ingest.check(sn.write(tmp_path / "benh_vien.xlsx"))
    assert not [p for p in problems if p.is_error]
    # one warning only: the disciplined nurse rated herself HTT (KHT by the khiển trách), naming the cell
    (warning,) = [p.text() for p in problems]
    assert "Sheet «NhanSu», dòng 5" in warning and "215/QĐ-BVSH" in warning and "Không hoàn thành nhiệm vụ" in warning


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = rated_people(out)
    expected = {
        "BV-01": (96.83, "HTXS"),  # HTXS by points; the agency head: outside the hospital's cap
        "BV-02": (86.83, "HTT"),
        "BV-03": (94.66, "HT"),  # HTXS by points; his khoa is rated HT (k7 Đ12)
        "BV-04": (88.00, "KHT"),  # khiển trách in 2026
        "BV-05": (95.83, "HTT"),  # moved by the cap
        "BV-06": (98.00, "HTXS"),  # kept: 6/6 HTXS ballots
        "BV-07": (93.66, "HTT"),
        "BV-08": (87.00, "HTT"),  # maternity leave: 7 months actually worked
        "BV-09": (89.00, "HTT"),
        "BV-10": (89.16, "HTT"),  # transferred in: Jan–May from the old centre
        "BV-11": (95.25, "HTT"),
        "BV-13": (78.83, "HTT"),
        "BV-15": (91.33, "HTT"),
        "BV-17": (88.00, "HTT"),  # người lao động, the hospital's rules applying ND 233
        "BV-18": (83.50, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert int(p["diem"] * 100) / 100 == score, (ma_so, p["diem"])  # cut, never rounded up
        assert p["muc_de_xuat"] == level, (ma_so, p["muc_de_xuat"])
    assert people["BV-12"]["trang_thai"] == "khong_xep_loai" and people["BV-12"]["muc_de_xuat"] is None
    assert len(people["BV-08"]["diem_ky"]) == 7
    assert any("Trung tâm Y tế huyện Sơn Tây" in r for r in people["BV-10"]["ly_do"])


@pytest.mark.libreoffice
def test_warnings_say_only_what_is_true(out):
    people = rated_people(out)
    # a KHT vote for the disciplined nurse agrees with her proposal (KHT): no «mức đề xuất theo điểm»
    assert not [w for w in people["BV-04"]["canh_bao"] if w.startswith("Cuộc họp biểu quyết")]
    # an HTT vote for a doctor the cap moves to HTT agrees with the proposal too
    for ma_so in ("BV-07", "BV-15"):
        assert not [w for w in people[ma_so]["canh_bao"] if w.startswith("Cuộc họp biểu quyết")], ma_so
    # the khoa head's HTXS vote against his HT proposal names the proposal, not the points
    (vote,) = [w for w in people["BV-03"]["canh_bao"] if w.startswith("Cuộc họp biểu quyết")]
    assert "mức đề xuất là Hoàn thành nhiệm vụ" in vote and "mức đề xuất theo điểm" not in vote
    # the clerk wrote the old centre's months in KetQuaKy: no warning telling her to do so
    assert not [w for w in people["BV-10"]["canh_bao"] if "KetQuaKy" in w]


@pytest.mark.libreoffice
def test_the_report_and_the_table_give_the_cap_the_minutes_give(out):
    minutes = pdf_text_flat(out / "don_vi" / "KNOI.pdf")
    assert "Giữ 1 người Hoàn thành xuất sắc nhiệm vụ" in minutes
    report = pdf_text_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    assert ("“Viên chức không giữ chức vụ lãnh đạo, quản lý”: Hoàn thành xuất sắc nhiệm vụ 1 người, Hoàn thành tốt "
            "nhiệm vụ 10 người, tối đa 1 người") in report
    assert ("“Viên chức giữ chức vụ lãnh đạo, quản lý”: Hoàn thành xuất sắc nhiệm vụ 0 người, Hoàn thành tốt nhiệm vụ "
            "4 người, tối đa 0 người") in report
    # the Giám đốc: counted, with no maximum of the hospital's (none is the hospital's to set); the hospital is a đơn
    # vị sự nghiệp công lập (ND 233/2026), and «đơn vị» alone would read as a khoa, whose heads are in the groups
    assert ("“Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)”: Hoàn thành xuất sắc nhiệm vụ 1 người, Hoàn "
            "thành tốt nhiệm vụ 0 người — không tính trong tỷ lệ của đơn vị sự nghiệp") in report
    table = pdf_text_flat(out / "nop_so_noi_vu" / "bieu_tong_hop.pdf")
    assert "Viên chức không giữ chức vụ lãnh đạo, quản lý 12 1 10 1 trong tỷ lệ" in table
    assert "Viên chức giữ chức vụ lãnh đạo, quản lý 5 0 4 0 trong tỷ lệ" in table
    assert ("Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét) 1 1 0 không tính trong tỷ lệ của đơn vị sự "
            "nghiệp") in table
    # the counts: 6 managers (1 HTXS, 4 HTT, 1 HT), 13 others (1 HTXS, 10 HTT, 1 KHT, 1 not rated), 2 NLĐ HTT
    assert re.search(r"Viên chức quản lý 6 6 1 16,7 4 66,7 1 16,7 0 0,0 0", table), table
    assert re.search(r"Tổng cộng 21 20 2 10,0 16 80,0 1 5,0 1 5,0 1", table), table
    # the xlsx tables give his group no ratio nor maximum of the hospital's either (not «20% số HTT», nor «1»)
    from openpyxl import load_workbook

    book = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")
    # printed on A4 with its header on every page (no page set-up before): the biểu's 5 + 42 + 9 + 12 + 9 × 10 + 30
    # = 188 characters fit a landscape page's width (135) at 72 %; the group check's 194 (238 before 2026-12-08: its
    # «Cách tính» printed on a second page, the title cut in two) at 70 %
    counts, check = book["BieuTongHop"], book["TyLeHTXS"]
    assert (counts.page_setup.paperSize, counts.page_setup.orientation, counts.sheet_properties.pageSetUpPr.fitToPage,
            counts.page_setup.fitToWidth, counts.page_setup.fitToHeight, counts.print_title_rows) == \
        (9, "landscape", True, 1, 0, "$5:$7")
    assert (check.page_setup.paperSize, check.page_setup.orientation, check.page_setup.fitToWidth,
            check.print_title_rows) == (9, "landscape", 1, "$5:$5")
    # every page numbered; the notes under the table wrapped across its 14 columns (a note one line long ran past
    # the table: LibreOffice made the whole page smaller to print it, Excel cuts it at the page's edge); the header's
    # «HTXS (Hoàn thành xuất sắc nhiệm vụ)» over two 10-wide columns given the lines it needs (a merged cell is sized
    # by no program)
    assert {ws.oddFooter.center.text for ws in book} == {"Trang &P/&N"}
    notes = [r for r in range(counts.max_row - 2, counts.max_row + 1) if str(counts.cell(r, 1).value).startswith("HTXS, HTT")]
    assert [str(m) for m in counts.merged_cells.ranges if m.min_row == notes[0]] == [f"A{notes[0]}:N{notes[0]}"]
    assert counts.cell(notes[0], 1).alignment.wrap_text and counts.row_dimensions[notes[0]].height >= 30
    assert counts.row_dimensions[6].height >= 45  # «HTXS (Hoàn thành xuất sắc nhiệm vụ)»: 35 bold characters in 20
    # the sheet ends with its last note: sizing the rows added no empty row below (a row more is another table to
    # `gia_tri_sha256`, and a folder built before would be told to send bieu_tong_hop.xlsx again)
    assert str(counts.cell(counts.max_row, 1).value).startswith(("HTXS, HTT", "Mức xếp loại")), counts.max_row
    sheet = book["TyLeHTXS"]
    row = next(r for r in sheet.iter_rows(min_row=6, values_only=True)
               if r[1] == "Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)")
    assert row[7] == "không tính trong tỷ lệ của đơn vị sự nghiệp (do cấp có thẩm quyền xét)" and row[8] is None
    # the ratings file says it as the hospital's papers do: «đơn vị sự nghiệp», never «cơ quan» (its group's sheet keeps
    # the name of the group's identifier, `groups.HEAD_GROUP`, which a workbook's reader may look for)
    ratings = load_workbook(out / "ket_qua_xep_loai.xlsx")
    (head_sheet,) = [ws for ws in ratings if ws.title.startswith("Nhom Người")]
    facts = dict(r[:2] for r in head_sheet.iter_rows(values_only=True))
    assert facts["Tỷ lệ tối đa (HTXS so với HTT)"] == facts["Số HTXS tối đa"] == \
        "không tính trong tỷ lệ của đơn vị sự nghiệp (do cấp có thẩm quyền xét)"
    assert head_sheet["A1"].value == ("Nhóm tương đồng “Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)”: kiểm "
                                      "tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ")
    people = [r for r in ratings["KetQua"].iter_rows(values_only=True)]
    assert [r[4] for r in people if r[1] == "BV-01"] == ["Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)"]
    units = {r[0]: r[10] for r in ratings["TongHopDonVi"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert units["BGD"].startswith("nhóm “Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)”: 1 người Hoàn thành "
                                   "xuất sắc nhiệm vụ, không tính trong tỷ lệ của đơn vị sự nghiệp (do cấp có thẩm "
                                   "quyền xét)"), units
    assert ratings["DiemKy"]["N1"].value == "Cơ quan, đơn vị đánh giá kỳ (để trống: đơn vị sự nghiệp này)"
    said = [c.value for ws in ratings if ws.title != "KetQua" for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)]
    # beside the people's reasons, only the workbook's own labels (its cell «Người đứng đầu ngoài tỷ lệ HTXS của cơ
    # quan») say «cơ quan»
    assert [t for t in said if "cơ quan" in t.replace("tỷ lệ HTXS của cơ quan”", "")] == []


@pytest.mark.libreoffice
def test_the_phieu_says_why_months_are_missing(out):
    phieu = person_form_text(out, "BV-12", "phieu_nd233")
    assert ("Mức xếp loại đề xuất: Không xếp loại Công tác 5 tháng trong năm, chưa đủ 6 tháng và không nghỉ thai "
            "sản: không thực hiện đánh giá, xếp loại chất lượng") in phieu
    assert "căn cứ: Nghị định 233/2026/NĐ-CP" in phieu
    # maternity leave June–October: rated on the 7 months worked, and the phiếu says why 5 months are not there
    midwife = person_form_text(out, "BV-08", "phieu_nd233")
    assert ("Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ Nghỉ chế độ thai sản (công tác 7 tháng trong năm): vẫn "
            "đánh giá, xếp loại bình thường; kết quả là kết quả của thời gian làm việc thực tế trong năm") in midwife
    assert "Tháng 06/2026" not in midwife and "Tháng 11/2026" in midwife


@pytest.mark.libreoffice
def test_no_decree_for_cong_chuc_on_the_hospital_s_papers(out):
    papers = [*out.glob("ca_nhan/*/*.pdf"), *out.glob("don_vi/*.pdf"), *out.glob("co_quan/*.pdf"),
              *out.glob("nop_so_noi_vu/*.pdf")]
    assert len(papers) > 25
    for pdf in papers:
        assert "335/2025" not in pdf_text_flat(pdf), pdf.name


@pytest.mark.libreoffice
def test_who_signs_a_viên_chức_s_phieu(out):
    head = person_form_text(out, "BV-01", "phieu_nd233")  # the hospital's Giám đốc: its managing body rates him
    block = head[head.index("IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC"):]
    assert "GIÁM ĐỐC SỞ Y TẾ" in block and "Lê Thị Hồng Nhung" in block and "Đinh Công Thành" not in block
    doctor = person_form_text(out, "BV-05", "phieu_nd233")
    manager = doctor[doctor.index("Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP"):doctor.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI")]
    assert "TRƯỞNG KHOA NỘI TỔNG HỢP" in manager and "Nguyễn Văn Hùng" in manager
    block = doctor[doctor.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC"):]
    assert "GIÁM ĐỐC" in block and "Đinh Công Thành" in block and "SỞ Y TẾ" not in block
    driver = person_form_text(out, "BV-17", "phieu_nd233")  # người lao động: his job, not a chức danh
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in driver and "Vị trí công việc: Lái xe" in driver
    # his dossier's cover: the hospital's rules applying ND 233 (the decree rates viên chức), not the decree itself
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in doc["ca_nhan"] if p["ma_so"] == "BV-17"]
    assert "Phiếu đánh giá, xếp loại chất lượng người lao động (vận dụng Nghị định 233/2026/NĐ-CP)" in \
        flat(PdfReader(out / entry["pdf"]).pages[0].extract_text())


@pytest.mark.libreoffice
def test_the_cover_letter_asks_the_body_it_is_sent_to(out):
    letter = pdf_text_flat(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert "Kính gửi: Sở Y tế tỉnh Hà Giang Nam." in letter
    assert "Kính đề nghị Sở Y tế tỉnh Hà Giang Nam xem xét, tổng hợp theo quy định./." in letter
    assert "Sở Nội vụ" not in letter


@pytest.mark.libreoffice
def test_the_proposal_table_says_why_88_points_are_kht(out):
    unit = pdf_text_flat(out / "don_vi" / "KNOI.pdf")
    table = unit[unit.index("BẢNG TỔNG HỢP ĐỀ XUẤT MỨC XẾP LOẠI"):]
    row = table[table.index("Trần Thị Lan"):]
    assert ("Điểm đánh giá năm: 88,00. Mức đề xuất hạ từ Hoàn thành tốt nhiệm vụ xuống Không hoàn thành nhiệm vụ do "
            "bị kỷ luật trong năm đánh giá") in row[:700], row[:700]
    # the chi bộ shared by the two khoa reports on the party members of both
    report = unit[unit.index("Kiểm điểm tập thể chi bộ năm 2026"):]
    assert "Phan Thanh Sơn" in report and "Mai Văn Đức" in report and "Võ Thị Hoa" in report


def _check_with(tmp_path, agency=(), change=lambda data: None) -> list[str]:
    """`ingest.check` of the hospital with CoQuan rows (key, value) added and `change` applied to the sheets."""
    data = sn.tables()
    data["CoQuan"] += list(agency)
    change(data)
    problems = ingest.check(wf.write(tmp_path / "benh_vien.xlsx", data))
    assert not [p for p in problems if p.is_error]
    return [p.text() for p in problems]


def test_the_15_december_warning_does_not_give_viên_chức_the_công_chức_rule(tmp_path):
    """ND 335/2025 Art. 21 (rating before 15/12) is the công chức rule (regime-2026.md §1.4); the hospital's
    people are viên chức, rated under Luật Viên chức 2025 and ND 233/2026, whose deadline was not found
    (regime-2026.md §2, §8). A decision dated 16/12/2026 is still a warning, that says the viên chức deadline
    is unconfirmed and set by the Sở's or the managing body's letter — and does not cite ND 335."""
    problems = _check_with(tmp_path, [("ngay_quyet_dinh", dt.date(2026, 12, 16))])
    (said,) = [p for p in problems if "15/12" in p]
    assert ("«Ngày quyết định xếp loại» là 16/12/2026, không trước ngày 15/12/2026. Đơn vị sự nghiệp công lập: thời hạn "
            "xếp loại viên chức theo Luật Viên chức 2025 và Nghị định 233/2026/NĐ-CP chưa được xác nhận (chưa tìm thấy "
            "quy định về thời điểm đánh giá, xếp loại); thời hạn do văn bản hướng dẫn của Sở Nội vụ hoặc của cơ quan "
            "quản lý cấp trên quy định: kiểm tra lại ngày theo văn bản đó (ngày 15/12 là thời hạn xếp loại công chức, "
            "không phải quy định đối với viên chức).") in said, said
    assert "335" not in said and "Điều 21" not in said
    # 14/12: no warning at all
    assert not [p for p in _check_with(tmp_path, [("ngay_quyet_dinh", dt.date(2026, 12, 14))]) if "15/12" in p]


def test_a_công_chức_of_the_hospital_keeps_the_công_chức_deadline(tmp_path):
    """The same unit with one công chức (its Phòng Tổ chức - Hành chính's accountant): for him ND 335 Art. 21
    stands — before 15/12 — said after the viên chức sentence, and the cell's expected value says so."""
    def one_civil_servant(data):
        for p in data["NhanSu"]:
            if p["ma_so"] == "BV-16":
                p["loai_nhan_su"] = "cong_chuc"

    (said,) = [p for p in _check_with(tmp_path, [("ngay_quyet_dinh", dt.date(2026, 12, 16))], one_civil_servant)
               if "15/12" in p]
    assert "Đơn vị sự nghiệp công lập: thời hạn xếp loại viên chức theo Luật Viên chức 2025" in said
    assert ("Công chức của đơn vị: Điều 21 Nghị định 335/2025/NĐ-CP: xếp loại chất lượng công chức trước ngày 15/12 "
            "hằng năm;") in said
    assert "Cần: trước 15/12/2026 đối với công chức." in said


def test_the_evaluator_of_the_hospital_s_head_is_cited_from_the_viên_chức_rules(tmp_path):
    """No head of the managing body given: the warning names who rates a đơn vị sự nghiệp's head under the
    viên chức rule set (its citation, corrigible data), not ND 335 Art. 10 (công chức)."""
    def no_superior_head(data):
        data["CoQuan"] = [kv for kv in data["CoQuan"] if kv[0] != "nguoi_dung_dau_cap_tren"]

    (said,) = [p for p in _check_with(tmp_path, change=no_superior_head) if "Chưa ghi người đứng đầu cơ quan cấp trên" in p]
    assert ("phần ký của cấp có thẩm quyền trên phiếu của người đứng đầu sẽ để trống để viết tay. Căn cứ: Nghị định "
            "233/2026/NĐ-CP (người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp loại).") in said
    assert "335" not in said


def test_a_viên_chức_rated_only_by_his_old_centre_is_not_given_the_công_chức_rule(tmp_path):
    """Every period of the transferred doctor marked as rated by his old centre: a warning; ND 233's rule on a
    viên chức transferred in the year was not found, so it is said unconfirmed rather than ND 335 Art. 21."""
    def all_periods_elsewhere(data):
        for r in data["KetQuaKy"]:
            if r["ma_so"] == "BV-10":
                r["don_vi_danh_gia"] = sn.OLD_UNIT

    (said,) = [p for p in _check_with(tmp_path, change=all_periods_elsewhere) if "Mọi kỳ có kết quả" in p]
    assert ("cơ quan này vẫn đánh giá, xếp loại năm trên cơ sở kết quả cơ quan cũ gửi (quy định của Nghị định "
            "233/2026/NĐ-CP về viên chức chuyển công tác trong năm chưa được xác nhận)") in said
    assert "335" not in said


def test_a_viên_chức_party_member_s_party_level_is_checked_against_the_party_s_texts(tmp_path):
    """A doctor who is a party member (BV-05, HTT after the 20 % cap) rates himself HTXS as a party member on his
    Mẫu 2A; a nurse of the phòng (BV-15, HTT) is given HTXS as a party member. The state level is the basis of the
    party's (rules.md R6): a warning each, citing QĐ 366-QĐ/TW (30/8/2025) and HD 43-HD/BTCTW (31/10/2025), the
    2026 party texts (regime-2026.md §3) — not Luật Viên chức 2025 or ND 233/2026, no article of which read says it."""
    from pipeline.rating import rate

    data = sn.tables()
    for p in data["NhanSu"]:
        if p["ma_so"] == "BV-05":
            p["tu_xep_loai_dang_vien"] = "Hoàn thành xuất sắc nhiệm vụ"
        if p["ma_so"] == "BV-15":
            p["muc_dang_vien"] = "Hoàn thành xuất sắc nhiệm vụ"
    ratings = rate(ingest.load(wf.write(tmp_path / "benh_vien.xlsx", data)))
    basis = ("căn cứ: Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 "
             "(kết quả xếp loại viên chức là cơ sở xếp loại đảng viên).")
    (own,) = [w for w in ratings.of("BV-05").canh_bao if "Tự xếp loại đảng viên" in w]
    assert own.startswith("Tự xếp loại đảng viên Hoàn thành xuất sắc nhiệm vụ (in ở bản kiểm điểm cá nhân) cao hơn") \
        and own.endswith(basis), own
    (given,) = [w for w in ratings.of("BV-15").canh_bao if "Mức xếp loại đảng viên" in w]
    assert "(Hoàn thành xuất sắc nhiệm vụ) cao hơn" in given and given.endswith(basis), given
    assert "Luật Viên chức" not in own + given and "233/2026" not in own + given


def test_the_hospital_head_outside_its_cap_is_said_in_the_viên_chức_rules_words(tmp_path):
    """The Giám đốc (BV-01, 96.83: HTXS) is outside the hospital's 20 % groups because the managing level rates him.
    His reason and the report's «ngoại lệ» say it in the words of the viên chức rule set's competence (a đơn vị sự
    nghiệp's head, rated by the competent managing level) — not ND 335 Art. 10's «người đứng đầu cơ quan quản lý»."""
    from pipeline.rating import rate
    from pipeline.rating.groups import HEAD_GROUP

    ratings = rate(ingest.load(sn.write(tmp_path / "benh_vien.xlsx")))
    head = ratings.of("BV-01")
    assert head.muc_de_xuat == "HTXS"
    (why,) = [r for r in head.ly_do if r.startswith("Người đứng đầu")]
    assert why.startswith("Người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp loại nên không tính "
                          "trong tỷ lệ Hoàn thành xuất sắc nhiệm vụ của các nhóm trong đơn vị: tỷ lệ của người đứng đầu "
                          "do cấp có thẩm quyền xét khi xếp loại — căn cứ: Nghị định 233/2026/NĐ-CP (người đứng đầu đơn "
                          "vị do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp loại)"), why
    assert ratings.group(HEAD_GROUP).ngoai_le == ("người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị xếp loại: "
                                                  "tỷ lệ do cấp có thẩm quyền xét")
    assert "cơ quan quản lý" not in why + ratings.group(HEAD_GROUP).ngoai_le


# ND 233/2026 rates «đơn vị sự nghiệp công lập và viên chức» and its head is «người đứng đầu đơn vị sự nghiệp công
# lập»; ND 335/2025 rates «cơ quan hành chính nhà nước và công chức» (regime-2026.md §1.1, §2): the hospital's own
# papers call it «đơn vị», and «đơn vị sự nghiệp» where «đơn vị» alone would read as the khoa or the Ban Giám đốc
# whose paper it is (helper donvi). The party forms' own words («Thủ trưởng cơ quan, đơn vị», «Kết quả hoạt động
# của cơ quan, tổ chức, đơn vị …») are the forms' and stay.
_FORM_WORDS = ("Thủ trưởng cơ quan, đơn vị", "của cơ quan, tổ chức, đơn vị", "các tổ chức, cơ quan, đơn vị")


def _agency_words(text: str) -> list[str]:
    """Each «cơ quan» of `text` outside the forms' own words, with what surrounds it."""
    for words in _FORM_WORDS:
        text = text.replace(words, "")
    return [text[max(0, m.start() - 60):m.end() + 40] for m in re.finditer(r"(?i)cơ quan", text)]


@pytest.mark.libreoffice
def test_the_hospital_s_papers_call_it_đơn_vị_not_cơ_quan(out):
    report = pdf_text_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    letter = pdf_text_flat(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    notice = pdf_text_flat(out / "co_quan" / "thong_bao_ket_qua.pdf")
    assert ("1. Tổng số cán bộ, công chức, viên chức và người lao động của đơn vị: 21 người (kể cả người đứng đầu đơn "
            "vị, do cấp trên trực tiếp đánh giá, xếp loại); trong đó được đánh giá, xếp loại: 20 người") in report
    assert ("Trên đây là báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động "
            "của đơn vị, gửi Sở Y tế tỉnh Hà Giang Nam tổng hợp, báo cáo theo quy định./.") in report
    # its two người lao động are rated by the hospital's rules applying ND 233 (CoQuan «bo_quy_tac_khac»)
    applied = ("về đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp công lập và viên chức (vận dụng đối với người "
               "lao động theo quy chế đánh giá của đơn vị)")
    ksan = pdf_text_flat(out / "don_vi" / "KSAN.pdf")
    for name, text in (("report", report), ("letter", letter), ("notice", notice), ("KSAN", ksan)):
        assert applied in text, name
    # the Ban Giám đốc's proposal table: its Giám đốc is the hospital's head, rated by the Sở Y tế
    bgd = pdf_text_flat(out / "don_vi" / "BGD.pdf")
    assert ("Điểm đánh giá năm: 96,83. Người đứng đầu đơn vị sự nghiệp công lập: cuộc họp không đề xuất mức xếp loại; "
            "kết quả biểu quyết là ý kiến của tập thể gửi cấp có thẩm quyền đánh giá, xếp loại.") in bgd
    assert ("không xếp loại (công tác dưới 06 tháng): 0; người đứng đầu đơn vị sự nghiệp công lập (do cấp có thẩm "
            "quyền đánh giá, xếp loại, cuộc họp không đề xuất): 1.") in bgd
    # the khoa Nội's emulation table: the 55 % is the hospital's, not the khoa's; the 15 % its emulation rules'
    knoi = pdf_text_flat(out / "don_vi" / "KNOI.pdf")
    assert ("Cá nhân trực tiếp lao động, công tác trong số cá nhân đủ điều kiện đề nghị khen thưởng của đơn vị (tỷ lệ "
            "tối thiểu 55% theo hướng dẫn tính chung toàn đơn vị sự nghiệp): 3/3 = 100%.") in knoi
    assert "Vượt tỷ lệ Chiến sĩ thi đua cơ sở — căn cứ: quy chế thi đua, khen thưởng của đơn vị và hướng dẫn" in knoi
    # nothing the hospital signs or sends names it «cơ quan»: its own papers, the Sở's, and each unit's bundle (its
    # papers and every person's forms, as ca_nhan/ holds them)
    texts = {"report": report, "letter": letter, "notice": notice, "KSAN": ksan, "BGD": bgd, "KNOI": knoi}
    for path in (out / "nop_so_noi_vu" / "bieu_tong_hop.pdf", out / "don_vi" / "TCHC.pdf", out / "don_vi" / "KNGOAI.pdf"):
        texts[path.name] = pdf_text_flat(path)
    for name, text in texts.items():
        assert not _agency_words(text), (name, _agency_words(text))
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    assert (f"bản ghép đầy đủ để lưu tại đơn vị sự nghiệp (gửi {sn.SUPERIOR} chỉ biên bản họp, báo cáo kiểm điểm tập "
            "thể và hồ sơ cá nhân của lãnh đạo đơn vị sự nghiệp, xem mục 4)") in guide
    assert "   d) Văn bản của đơn vị sự nghiệp:" in guide and not _agency_words(guide)
    # the người lao động's reasons: the hospital's rules applying ND 233 (its `procedure` said «của đơn vị» already)
    people = rated_people(out)
    for ma_so in ("BV-17", "BV-18"):
        why = " ".join(people[ma_so]["ly_do"])
        assert "căn cứ: quy chế đánh giá của đơn vị, vận dụng Điều 26 Luật Viên chức 2025" in why, ma_so
        assert "quy chế đánh giá của cơ quan" not in why, ma_so
    # and the console's note on the hospital's choice of that rule set for them (CoQuan «bo_quy_tac_khac»)
    said = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))["canh_bao"]
    assert any(w.startswith("Năm 2026: 2 người lao động được xếp loại theo bộ quy tắc nd233-2026 theo lựa chọn của đơn "
                            "vị (sheet CoQuan, «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ»).")
               and w.endswith("; đơn vị đối chiếu quy chế đánh giá của mình.") for w in said), said
    # the open question of the Giám đốc outside the hospital's 20 %: the body managing it rates him (ND 233)
    assert ("Người đứng đầu đơn vị sự nghiệp Đinh Công Thành (BV-01), do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp "
            "loại, không được tính trong tỷ lệ Hoàn thành xuất sắc nhiệm vụ của nhóm «Viên chức giữ chức vụ lãnh đạo, "
            "quản lý» của đơn vị sự nghiệp: tỷ lệ của người đứng đầu do cấp có thẩm quyền xét. Văn bản chưa quy định rõ "
            "điều này; nếu đơn vị sự nghiệp tính cả người đứng đầu trong tỷ lệ của đơn vị sự nghiệp, ghi «Không» ở ô "
            "«Người đứng đầu ngoài tỷ lệ HTXS của cơ quan» (sheet CoQuan) rồi chạy lại.") in said
    assert not [w for w in said if "cơ quan quản lý cấp trên" in w], said


def test_the_hospital_s_self_rating_minutes_call_it_đơn_vị(tmp_path):
    """The key-staff minutes of the hospital's own self-rating (CoQuan «tu_xep_loai_co_quan»; no build: the filled
    .docx's text), against the 2026 sample's Văn phòng UBND (a cơ quan hành chính), whose words stay."""
    from dataclasses import replace

    from pipeline.forms.registry import Registry
    from pipeline.forms.render import CompiledTemplate
    from pipeline.rating import rate
    from pipeline.resources import sample_workbook
    from pipeline.submission import package, self_rating, summary_table
    from tests.fakes import docx_text

    data = sn.tables()
    data["CoQuan"] += [("tu_xep_loai_co_quan", "Hoàn thành tốt nhiệm vụ"), ("so_nguoi_trieu_tap_co_quan", 7),
                       ("so_nguoi_du_hop_co_quan", 7), ("so_phieu_dong_y_co_quan", 6)]
    spec = Registry().get("bien_ban_tu_xep_loai_co_quan")

    def minutes(path, name):
        c = ingest.load(path)
        c = replace(c, agency=replace(c.agency, tu_xep_loai_co_quan="HTT"))
        r = rate(c)
        ctx = self_rating.context(c, r, spec, summary_table.summary_rows(c, r))
        CompiledTemplate(spec.template, code=spec.code).render_to(ctx, tmp_path / f"{name}.docx")
        return flat(docx_text(tmp_path / f"{name}.docx")), package.enclosed(c, r)

    text, enclosed = minutes(wf.write(tmp_path / "bv.xlsx", data), "bv")
    assert f"Họp tự đánh giá, xếp loại đơn vị năm 2026 của {sn.AGENCY}" in text
    assert ("Thành phần: Cán bộ chủ chốt của đơn vị (cấp ủy, trưởng các phòng, ban, đơn vị trực thuộc, Chủ tịch Công "
            "đoàn, Bí thư Đoàn Thanh niên).") in text
    assert "3. Kết quả biểu quyết mức xếp loại đơn vị:" in text and not _agency_words(text)
    assert any(e.endswith("biên bản họp cán bộ chủ chốt tự đánh giá, xếp loại đơn vị).") for e in enclosed)
    text, _ = minutes(sample_workbook(2026), "vp")
    assert "Họp tự đánh giá, xếp loại cơ quan năm 2026 của Văn phòng" in text
    assert ("Thành phần: Cán bộ chủ chốt của cơ quan (Đảng ủy cơ quan, trưởng các phòng, ban, đơn vị, Chủ tịch Công "
            "đoàn, Bí thư Đoàn Thanh niên).") in text
    assert "3. Kết quả biểu quyết mức xếp loại cơ quan:" in text


def test_the_giám_đốc_s_emulation_reason_names_the_hospital_đơn_vị_sự_nghiệp(tmp_path):
    """The Giám đốc proposed Chiến sĩ thi đua cơ sở (HTXS by his 96.83 points, a ballot of 20/21): his title is the
    competent level's and he takes no place in the hospital's 15 %, said in the hospital's words (no build)."""
    from pipeline.rating import rate

    data = sn.tables()
    data["ThiDua"] = [*data["ThiDua"], dict(ma_so="BV-01", danh_hieu="CSTDCS", phieu_dong_y=20, tong_so_phieu=21)]
    ratings = rate(ingest.load(wf.write(tmp_path / "bv.xlsx", data)))
    why = " ".join(ratings.of("BV-01").thi_dua.ly_do)
    assert ("Người đứng đầu đơn vị sự nghiệp: danh hiệu do cấp có thẩm quyền xét, không tính trong tỷ lệ Chiến sĩ thi "
            "đua cơ sở của đơn vị sự nghiệp — căn cứ: quy chế thi đua, khen thưởng của đơn vị và hướng dẫn") in why, why
    assert "cơ quan" not in why, why
