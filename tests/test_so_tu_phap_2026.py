"""A 2026 Sở whose staff are all công chức (tests/so_tu_phap_2026.py) read as its signers and a legal reviewer
would (audit rev2): the agency's own self-rating papers, the party forms, the Giám đốc's papers, the package.

Outcomes worked out by hand from the rules' words (workbook-2026.md «Scores and levels»; regime-2026.md §1.3,
§1.4; docs/rating.md rules 1–4, 7), never from the engine's formula. Month score: non-leader
general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600; year = mean of the
months present, printed with two decimals cut.
- TP-01 Giám đốc: January–June 26 + 70·570/600 = 92.5, July–December 27 + 70·585/600 = 95.25; mean 93.875 →
  «93,87», HTXS; rated by the Chủ tịch UBND tỉnh, outside the Sở's groups (ND 335 Art. 10 cl. 2 as reported).
- Leaders (default group «Công chức giữ chức vụ lãnh đạo, quản lý», 10 people): TP-02 27 + 68.25 = 95.25;
  TP-04 (26 + 70·575/600 = 93.083… × 6, 26 + 70·580/600 = 93.666… × 6) 93.375; TP-09 27 + 70·570/600 = 93.5;
  TP-18 26 + 70·580/600 = 93.666…: 4 HTXS. TP-03, TP-14, TP-19 25 + 70·540/600 = 88; TP-05 25 + 70·535/600 =
  87.416…; TP-10 24 + 70·530/600 = 85.833…; TP-13 25 + 70·550/600 = 89.166…: 6 HTT. Keeping 1 leaves 9 HTT,
  20 % = 1.8 → 1 ≥ 1; keeping 2 leaves 8, 1.6 → 1 < 2: one kept, by share of HTXS ballots: TP-02 3/3; TP-04
  4/5, TP-09 3/4, TP-18 3/5 proposed HTT.
- Non-leaders («Công chức không giữ chức vụ lãnh đạo, quản lý», 10): TP-06 26 + 70·285/300 = 92.5; TP-11
  27 + 70·290/300 = 94.666…; TP-20 26 + 70·280/300 = 91.333…; TP-21 27 + 70·295/300 = 95.833…: 4 HTXS.
  TP-07 25 + 63 = 88; TP-12, TP-22 25 + 70·265/300 = 86.833…; TP-16 24 + 70·260/300 = 84.666…; TP-15 (retired
  01/9, January–August) (88 × 4 + 85.666… × 4) / 8 = 86.833…; TP-17 (transferred in 01/4; January–March sent
  by the Sở Nội vụ, 24 + 59.5 = 83.5) (83.5 × 3 + 88 × 9) / 12 = 86.875: 6 HTT. As above one kept: TP-21 5/5;
  TP-20 4/5, TP-11 3/4, TP-06 3/5 proposed HTT.
- TP-08 (HĐ 111, its own group) 88 HTT.
- Final: HTXS TP-01, TP-02, TP-21 (3 of 22 = 13,6 %); HTT the other 19 (86,4 %).
- Emulation: 13 proposals, all rated HTT or better with more than half the ballots: 13 LĐTT; CSTĐCS at most
  15 % × 13 = 1.95 → 1: TP-21 (HTXS, an initiative, 5/5).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
import so_tu_phap_2026 as so
import workbook_factory as wf
from fakes import build_each, pdftotext_flat, rated_people

from pipeline import ingest


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("rev2")
    return build_each({"out": so.write(tmp / "so_tu_phap.xlsx")}, tmp, cache_dir / "rev2", dt.date(so.YEAR, 12, 7))["out"]


def _form(out, ma_so: str, form: str) -> tuple[str, int]:
    """`pdftotext -layout` of one form of a person's dossier (its pages, from the manifest), whitespace folded,
    and its number of pages."""
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in doc["ca_nhan"] if p["ma_so"] == ma_so]
    (d,) = [d for d in entry["tai_lieu"] if d["mau"] == form]
    first, last = d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1
    text = subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(out / entry["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    return " ".join(text.split()), d["so_trang"]


def _forms_of(out, ma_so: str) -> list[str]:
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in doc["ca_nhan"] if p["ma_so"] == ma_so]
    return [d["mau"] for d in entry["tai_lieu"]]


def test_the_clerk_s_workbook_typed_with_labels_is_accepted(tmp_path):
    problems = ingest.check(so.write(tmp_path / "so.xlsx"))
    assert not [p for p in problems if p.is_error]
    # two warnings: the whole Sở's 22 ballots on the Giám đốc's LĐTT, above his 3-member Ban Giám đốc; and the
    # Ban Giám đốc's two Phó Giám đốc with nobody named to chair the Giám đốc's review (tests/test_chair.py)
    ballots, chair = sorted((p.text() for p in problems), key=lambda t: "Tổng số phiếu" not in t)
    assert "Tổng số phiếu (22)" in ballots
    assert "Người chủ trì khi kiểm điểm người đứng đầu" in chair


def test_a_listed_absentee_the_member_count_leaves_out_is_questioned(tmp_path):
    """The Phòng Hành chính tư pháp's minutes printed «tổng số 4 người; có mặt: 4 người; vắng mặt: 0 người (vắng:
    Mai Văn Quý (đã nghỉ hưu từ 01/9/2026))» when the clerk left the retired member out of «Số thành viên» and
    still named him absent: 4 members − 4 present = 0 absent, 1 name. `check` says so on the cell."""
    tables = so.tables()
    (unit,) = [u for u in tables["DonVi"] if u["ma_don_vi"] == "HCTP"]
    unit["so_thanh_vien"] = 4
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", tables, headers="label", sheet_names="label"))
    (absent,) = [p.text() for p in problems if "Vắng mặt" in p.text()]
    assert ("Cột «Vắng mặt» ghi 1 người nhưng số thành viên (4) trừ số người dự họp (4, sheet «Biểu quyết») còn 0 "
            "người vắng") in absent
    # with the retired member counted (5 members, 4 present) the same list is right: nothing said
    assert not [p for p in ingest.check(so.write(tmp_path / "ok.xlsx")) if "Vắng mặt" in p.text()]


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = rated_people(out)
    expected = {
        "TP-01": (93.87, "HTXS"), "TP-02": (95.25, "HTXS"), "TP-03": (88.00, "HTT"), "TP-04": (93.37, "HTT"),
        "TP-05": (87.41, "HTT"), "TP-06": (92.50, "HTT"), "TP-07": (88.00, "HTT"), "TP-08": (88.00, "HTT"),
        "TP-09": (93.50, "HTT"), "TP-10": (85.83, "HTT"), "TP-11": (94.66, "HTT"), "TP-12": (86.83, "HTT"),
        "TP-13": (89.16, "HTT"), "TP-14": (88.00, "HTT"), "TP-15": (86.83, "HTT"), "TP-16": (84.66, "HTT"),
        "TP-17": (86.87, "HTT"), "TP-18": (93.66, "HTT"), "TP-19": (88.00, "HTT"), "TP-20": (91.33, "HTT"),
        "TP-21": (95.83, "HTXS"), "TP-22": (86.83, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert (int(p["diem"] * 100 + 1e-6) / 100, p["muc_de_xuat"], p["trang_thai"]) == (score, level, "xep_loai"), ma_so
    assert {m for m, p in people.items() if p["thi_dua"] and p["thi_dua"]["dat_ldtt"]} == {
        "TP-01", "TP-02", "TP-04", "TP-06", "TP-08", "TP-09", "TP-11", "TP-13", "TP-15", "TP-17", "TP-18", "TP-20",
        "TP-21"}
    assert people["TP-21"]["thi_dua"]["du_dieu_kien"]


@pytest.mark.libreoffice
def test_the_giam_doc_s_phieu_prints_his_months_and_year_score(out):
    """His periods table (a leader's, ten columns) began at the foot of the phiếu's first page: LibreOffice left
    its heading row there and lost the twelve months and the year score, which were on no page (the phiếu
    printed 2 pages; the .docx holds them). Converted with the heading row kept with the first month, the
    table goes to the next page whole. January–June 26 + 70·570/600 = 92,50; July–December 27 + 70·585/600 =
    95,25; mean 93,875 → 93,87."""
    text, pages = _form(out, "TP-01", "phieu_nd335")
    assert pages == 3
    assert "1 Tháng 01/2026 26,00 100 95 95 100 90 90 92,50" in text
    assert "12 Tháng 12/2026 27,00 100 100 95 100 95 95 95,25" in text
    assert "Điểm đánh giá năm (trung bình cộng điểm các kỳ) 93,87" in text
    assert "Mức xếp loại đề xuất: Hoàn thành xuất sắc nhiệm vụ" in text
    # he does not rate himself: the Chủ tịch UBND tỉnh does; no date of decision is pre-filled
    assert text.endswith("Hà Giang Nam, ngày …… tháng …… năm …… CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH (Ký, ghi rõ họ tên) "
                         "Lục Văn Thành")


@pytest.mark.libreoffice
def test_the_agency_s_self_rating_report_and_minutes(out):
    report = pdftotext_flat(out / "nop_so_noi_vu" / "bao_cao_tu_danh_gia_co_quan.pdf")
    # its date left for the signing day (CoQuan «Ngày báo cáo tự đánh giá» empty)
    assert "Hà Giang Nam, ngày …… tháng …… năm 2026 Số: …………/BC-STP" in report
    assert ("Tổng điểm tự đánh giá: 86,5/100 điểm (tiêu chí chung: 27/30 điểm; kết quả thực hiện nhiệm vụ: "
            "59,5/70 điểm).") in report
    assert "tự đánh giá, đề nghị xếp loại mức: Hoàn thành tốt nhiệm vụ." in report
    assert report.endswith("GIÁM ĐỐC - Sở Nội vụ tỉnh Hà Giang Nam (để tổng hợp); - Lưu: VT, … Hoàng Minh Tuấn")
    minutes = pdftotext_flat(out / "nop_so_noi_vu" / "bien_ban_tu_xep_loai_co_quan.pdf")
    for line in ("ngày 04 tháng 12 năm 2026", "Số người được triệu tập: 13 người.", "Có mặt: 12 người; vắng mặt: 01 người.",
                 "Chủ trì: Hoàng Minh Tuấn, Giám đốc.", "Thư ký: Vũ Thị Thu Trang.", "Số người biểu quyết: 12;",
                 "Đồng ý xếp loại mức “Hoàn thành tốt nhiệm vụ”: 11/12 (91,7%);", "Không đồng ý: 1.",
                 # a proposal: the UBND tỉnh has decided nothing (CoQuan «Mức xếp loại của cơ quan, đơn vị» empty)
                 "Hội nghị thống nhất đề nghị xếp loại Sở Tư pháp tỉnh Hà Giang Nam năm 2026 ở mức: Hoàn thành tốt nhiệm vụ."):
        assert line in minutes, line
    assert minutes.endswith("THƯ KÝ CHỦ TRÌ (Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên) Vũ Thị Thu Trang Hoàng Minh Tuấn")


@pytest.mark.libreoffice
def test_the_party_forms_by_post_and_cell(out):
    # 2B for those holding a post (the Giám đốc, deputies, heads and deputies of the units), 2A for the others;
    # none for the retired member (reviewed at his residence) nor for those outside the party
    for ma_so in ("TP-01", "TP-02", "TP-03", "TP-04", "TP-05", "TP-09", "TP-10", "TP-13", "TP-14", "TP-18", "TP-19"):
        assert _forms_of(out, ma_so) == ["phieu_nd335", "theo_doi_ky", "mau_2b_2025", "mau_3_213"], ma_so
    for ma_so in ("TP-06", "TP-11", "TP-12", "TP-17", "TP-20", "TP-21"):
        assert _forms_of(out, ma_so) == ["phieu_nd335", "theo_doi_ky", "mau_2a_2025", "mau_3_213"], ma_so
    for ma_so in ("TP-07", "TP-08", "TP-15", "TP-16", "TP-22"):
        assert _forms_of(out, ma_so) == ["phieu_nd335", "theo_doi_ky"], ma_so

    head, _ = _form(out, "TP-01", "mau_2b_2025")
    assert head.startswith("Mẫu 2B-HD KĐ.ĐG 2025 ĐẢNG BỘ SỞ TƯ PHÁP ĐẢNG CỘNG SẢN VIỆT NAM TỈNH HÀ GIANG NAM Hà Giang "
                           "Nam, ngày …… tháng …… năm …… CHI BỘ VĂN PHÒNG SỞ * BẢN KIỂM ĐIỂM CÁ NHÂN Năm 2026")
    # his state rating is the Chủ tịch's; the party's the chi bộ's and the Đảng ủy's, names left to write
    assert ("Điểm đánh giá năm (theo kết quả theo dõi từng tháng, quý): 93,87 - Mức xếp loại chất lượng công chức, "
            "viên chức: ………………………………………… CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH (Xác lập thời điểm, ký, ghi rõ họ tên và đóng "
            "dấu) Lục Văn Thành") in head
    assert head.endswith("T/M ĐẢNG ỦY (CHI ỦY) (Xác lập thời điểm, ký, ghi rõ họ tên)")
    assert "T/M CHI ỦY (CHI BỘ) (Xác lập thời điểm, ký, ghi rõ họ tên)" in head
    member, _ = _form(out, "TP-21", "mau_2a_2025")
    assert "CHI BỘ PHÒNG PHỔ BIẾN, GIÁO DỤC PHÁP LUẬT * BẢN KIỂM ĐIỂM CÁ NHÂN Năm 2026 (Cá nhân không giữ" in member
    assert "95,83 - Mức xếp loại chất lượng công chức, viên chức: ………………………………………… GIÁM ĐỐC" in member

    # the Văn phòng's chi bộ (the Ban Giám đốc sits in it): its Mẫu 01 once, signed by its secretary, the
    # Giám đốc's level left to the Chủ tịch, the others' as their meetings proposed them after the cap
    bgd = pdftotext_flat(out / "don_vi" / "BGD.pdf")
    # (pdftotext -layout: a cell's second line follows the row's first)
    assert "Hoàn thành tốt nhiệm vụ 4 Phạm Quốc Hưng Chánh Văn phòng 93,37 (đề xuất)" in bgd
    assert "Hoàn thành tốt nhiệm vụ 6 Vũ Thị Thu Trang Chuyên viên chính 92,50 (đề xuất)" in bgd
    assert "T/M CHI BỘ - Đảng ủy cấp trên; BÍ THƯ CHI BỘ - Lưu chi bộ. Phạm Quốc Hưng" in bgd
    assert "Báo cáo kiểm điểm tập thể (chi bộ)" not in pdftotext_flat(out / "don_vi" / "VP.pdf")


@pytest.mark.libreoffice
def test_the_report_counts_and_the_cap_per_group(out):
    text = pdftotext_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    for line in ("22 người (kể cả người đứng đầu cơ quan, do cấp trên trực tiếp đánh giá, xếp loại); trong đó được "
                 "đánh giá, xếp loại: 22 người",
                 "Hoàn thành xuất sắc nhiệm vụ: 3 người, tỷ lệ 13,6%", "Hoàn thành tốt nhiệm vụ: 19 người, tỷ lệ 86,4%",
                 "Nhóm “Công chức giữ chức vụ lãnh đạo, quản lý”: Hoàn thành xuất sắc nhiệm vụ 1 người, Hoàn thành tốt "
                 "nhiệm vụ 9 người, tối đa 1 người",
                 "Nhóm “Công chức không giữ chức vụ lãnh đạo, quản lý”: Hoàn thành xuất sắc nhiệm vụ 1 người, Hoàn thành "
                 "tốt nhiệm vụ 9 người, tối đa 1 người",
                 "Nhóm “Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)”: Hoàn thành xuất sắc nhiệm vụ 1 người"):
        assert line in text, line
    letter = pdftotext_flat(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert "Kính gửi: Sở Nội vụ tỉnh Hà Giang Nam." in letter and "Hồ sơ tự xếp loại Sở Tư pháp tỉnh Hà Giang Nam" in letter


def test_a_heading_row_is_kept_with_the_next_on_the_converted_copy_only(tmp_path):
    """`join.keep_header_rows` on the copy LibreOffice converts: every paragraph of a `w:tblHeader` row gets
    `w:keepNext` (after `w:pStyle`, as the schema orders them), other rows nothing; the filled .docx (its
    digest is the version signed and reprinted) keeps its bytes."""
    import zipfile

    from lxml import etree

    from pipeline.pdf import join

    w = join.W
    xml = (f'<w:document xmlns:w="{w}"><w:body><w:tbl>'
           '<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:pPr><w:pStyle w:val="X"/><w:jc w:val="center"/></w:pPr>'
           '<w:r><w:t>TT</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Kỳ</w:t></w:r></w:p></w:tc></w:tr>'
           '<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:sectPr/></w:body></w:document>')
    src = tmp_path / "a.docx"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr("word/document.xml", xml)
    before = src.read_bytes()
    join.normalise(src, tmp_path / "b.docx")
    assert src.read_bytes() == before
    root = etree.fromstring(zipfile.ZipFile(tmp_path / "b.docx").read("word/document.xml"))
    rows = root.findall(".//w:tr", join.NS)
    assert [[c.tag.split("}")[1] for c in ppr] for ppr in rows[0].iterfind(".//w:pPr", join.NS)] == [
        ["pStyle", "keepNext", "jc"], ["keepNext"]]
    assert rows[1].find(".//w:keepNext", join.NS) is None


def test_a_document_laid_out_on_other_pages_is_printed_again():
    """The same .docx converted onto another number of pages (the Giám đốc's phiếu: 2 pages without his
    table, 3 with it) is no mere renumbering: the sheets printed before are not its pages."""
    from pipeline.submission import changes

    why = changes._doc_why({"trang_dau": 3, "so_trang": 2}, False, {"trang_dau": 3, "so_trang": 3})
    assert why == ("dàn trang lại: nay 3 trang, bản in trước 2 trang (cùng văn bản)", changes.CONTENT)
    # moved only (a document before it grew): renumbered, not printed again
    assert changes._doc_why({"trang_dau": 3, "so_trang": 2}, False, {"trang_dau": 5, "so_trang": 2})[1] == changes.NUMBERS


@pytest.mark.libreoffice
def test_the_direct_workers_share_counts_the_eligible_as_the_units_emulation_tables_do(out):
    """Rule 7's 55 % (rules.md R7.4, a province's rule, UNCONFIRMED) is the agency's: 7 of its 13 proposals are
    direct workers, 53,8 %: the warning. Beside it the warning gives the eligible people's count; the units'
    emulation tables print theirs «a/b» (a title reached, the Giám đốc's row apart: his title is the competent
    level's). By hand from the five tables: BGD 0/1 (TP-02; TP-01 apart), VP 2/3, TTRA 1/2, HCTP 2/3, PBGD 2/3 —
    7/12. The warning said 7/13: the Giám đốc counted as eligible there, not on his unit's table."""
    import re

    tables = {}
    for unit in ("BGD", "VP", "TTRA", "HCTP", "PBGD"):
        text = pdftotext_flat(out / "don_vi" / f"{unit}.pdf")
        (share,) = re.findall(r"đủ điều kiện đề nghị khen thưởng của đơn vị \(tỷ lệ tối thiểu 55% theo hướng dẫn tính "
                              r"chung toàn cơ quan\): (\d+)/(\d+) = \d+%", text)
        tables[unit] = tuple(map(int, share))
    assert tables == {"BGD": (0, 1), "VP": (2, 3), "TTRA": (1, 2), "HCTP": (2, 3), "PBGD": (2, 3)}
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    (warning,) = [w for w in doc["canh_bao"] if w.startswith("Tỷ lệ cá nhân trực tiếp lao động")]
    assert "là 53,8% (7/13), dưới 55% (trong số đủ điều kiện, như bảng tổng hợp thi đua của các đơn vị tính: 7/12)" \
        in warning
    assert (doc["thi_dua"]["so_truc_tiep"], doc["thi_dua"]["so_de_nghi"]) == (7, 13)
