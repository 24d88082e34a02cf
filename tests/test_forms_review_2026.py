"""The 2026 sample's papers read as their signers read them (the pap12 review): each test builds
the few people or units it reads (real LibreOffice) and asserts on the printed text."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from pipeline import api, ingest
from pipeline.options import BuildOptions
from pipeline.rating import rate
from pipeline.resources import sample_workbook
from pipeline.submission import summary_table

lo = pytest.mark.libreoffice


def flat(text: str) -> str:
    return " ".join(text.split())


def _doc_text(out: Path, ma_so: str, form: str) -> str:
    """The text of one form of a person's dossier: its pages in the person's merged PDF."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (person,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == ma_so]
    (doc,) = [d for d in person["tai_lieu"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(first + n - 1), str(out / person["pdf"]),
                           "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def people_2026(tmp_path_factory, cache_dir) -> Path:
    """The agency head (VP-001, every TuDanhGia text), a contract driver whose sheet lacks the
    political-views text (VP-011) and a viên chức (VP-033)."""
    out = tmp_path_factory.mktemp("pap12") / "out"
    api.build(sample_workbook(2026), out, BuildOptions(persons=frozenset({"VP-001", "VP-011", "VP-033"}),
                                                       cache_dir=cache_dir))
    return out


@lo
def test_the_phieu_general_criteria_print_every_text_the_person_wrote(people_2026):
    """Criterion a) of the ND 335 phiếu («Phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý
    thức kỷ luật») holds the person's political views, ethics, working style and discipline texts of
    sheet TuDanhGia, as the party self-review (2B, I.1) prints them: it printed the political views
    only, and dotted lines for a driver who wrote the other three (regime-2026.md §1.2: the general
    criteria for công chức are «phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý thức kỷ luật …»)."""
    head = flat(_doc_text(people_2026, "VP-001", "phieu_nd335"))
    a = head[head.index("a) Phẩm chất chính trị"):head.index("b) Tinh thần trách nhiệm")]
    for text in ("Luôn trung thành với chủ nghĩa Mác - Lê-nin", "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh",
                 "Tác phong chuẩn mực, làm việc tận tụy", "Chấp hành nghiêm sự phân công của tổ chức"):
        assert text in a, text
    driver = flat(_doc_text(people_2026, "VP-011", "phieu_nd335"))
    a = driver[driver.index("a) Phẩm chất chính trị"):driver.index("b) Tinh thần trách nhiệm")]
    assert "Thực hành cần, kiệm, liêm, chính" in a and "Chấp hành nghiêm sự phân công" in a
    assert "……" not in a  # what he wrote, no dotted lines between
    # the ND 233 phiếu: a) «Phẩm chất chính trị, đạo đức, kỷ luật, kỷ cương» likewise
    vc = flat(_doc_text(people_2026, "VP-033", "phieu_nd233"))
    a = vc[vc.index("a) Phẩm chất chính trị"):vc.index("b) Năng lực chuyên môn")]
    assert "Chấp hành tốt đường lối của Đảng" in a and "Có lối sống giản dị, trung thực" in a


def test_the_biểu_sent_to_the_so_noi_vu_names_no_group_by_its_workbook_code():
    """bieu_tong_hop.xlsx goes to the Sở Nội vụ: its sheet TyLeHTXS names each group «Viên chức – Trung
    tâm Công báo - Tin học» in column B, and its «Cách tính» said «Nhóm «CBTH/vien_chuc» có 3 người …»
    (the workbook's own code, nowhere else printed) — the way the biểu's PDF and the phiếu name it."""
    campaign = ingest.load(sample_workbook(2026))
    wb = summary_table.workbook(campaign, rate(campaign))
    rows = [r for r in wb["TyLeHTXS"].iter_rows(min_row=6, values_only=True) if r[0]]
    how = {r[1]: r[-1] for r in rows}
    assert how["Viên chức – Trung tâm Công báo - Tin học"].startswith(
        "Nhóm «Viên chức – Trung tâm Công báo - Tin học» có 3 người đề xuất Hoàn thành tốt nhiệm vụ")
    assert how["Chuyên viên – Phòng Tổng hợp"].startswith("Nhóm «Chuyên viên – Phòng Tổng hợp» có 4 người")
    assert not [t for t in how.values() if re.search(r"[A-Z]+/[a-z]|_", t)]


@pytest.fixture(scope="module")
def units_2026(tmp_path_factory, cache_dir) -> Path:
    """The unit bundles of HCQT (contract drivers reviewed between the công chức, a cán bộ last), KGVX
    (someone who worked 4 months: not rated) and NK (a đơn vị sự nghiệp whose level the workbook gives)."""
    out = tmp_path_factory.mktemp("pap12u") / "out"
    api.build(sample_workbook(2026), out, BuildOptions(units=frozenset({"HCQT", "KGVX", "NK"}), cache_dir=cache_dir))
    return out


def _minutes(out: Path, unit: str, form: str = "bien_ban_hop") -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (doc,) = [d for d in u["muc"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return flat(subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(first + n - 1), str(out / u["pdf"]),
                                "-"], capture_output=True, text=True, check=True).stdout)


@lo
def test_the_minutes_state_the_order_they_follow(units_2026):
    """The minutes said people were reviewed «theo thứ tự: người đứng đầu, cấp phó, công chức, viên
    chức, người lao động» while they list the head, the deputies, then everyone by name (a contract
    driver before a công chức, the cán bộ last): they state the order in seed 001's words («Người đứng
    đầu và cấp phó của người đứng đầu kiểm điểm trước, công chức, viên chức, người lao động kiểm điểm
    sau», rules.md R8.3), which is the order they follow."""
    text = _minutes(units_2026, "HCQT")
    assert "(người đứng đầu và cấp phó của người đứng đầu kiểm điểm trước, công chức, viên chức, người lao " \
           "động kiểm điểm sau):" in text
    assert "theo thứ tự: người đứng đầu, cấp phó, công chức, viên chức, người lao động" not in text
    order = [text.index(f"Đồng chí {name} –") for name in
             ("Phạm Minh Tuấn", "Hoàng Thị Ánh", "Vũ Đình Ơn", "Trương Công An", "Ngô Thị Ngọc Anh")]
    assert order == sorted(order)


@lo
def test_the_minutes_record_no_vote_for_someone_not_rated(units_2026):
    """Someone who worked under 6 months is reviewed, not rated: the minutes printed «Kết quả biểu
    quyết (trên 6 người dự họp): Hoàn thành xuất sắc nhiệm vụ: 0 phiếu; … 0 phiếu» — a vote of six
    people in which nobody voted; they say there was no vote on his level."""
    text = _minutes(units_2026, "KGVX")
    part = text[text.index("Đồng chí Trần Minh Quân –"):text.index("Đồng chí Phạm Thị Yến –")]
    assert "- Kết quả biểu quyết: không biểu quyết mức xếp loại (không xếp loại)." in part
    assert "phiếu" not in part
    assert "Mức xếp loại đề xuất: Không xếp loại (công tác trong năm dưới 06 tháng)." in part
    # the others' votes as before
    yen = text[text.index("Đồng chí Phạm Thị Yến –"):]
    assert "Kết quả biểu quyết (trên 6 người dự họp): Hoàn thành xuất sắc nhiệm vụ: 0 phiếu; Hoàn thành tốt " \
           "nhiệm vụ: 1 phiếu; Hoàn thành nhiệm vụ: 5 phiếu" in yen


@lo
def test_the_proposal_table_counts_no_ballots_for_someone_not_voted_on(units_2026):
    """The unit's proposal table printed «0 0 0 0» ballots for someone not rated (under 6 months),
    whom the minutes record as not voted on: his vote cells are empty, the others' counts stay."""
    manifest = json.loads((units_2026 / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == "KGVX"]
    (doc,) = [d for d in u["muc"] if d["mau"] == "tong_hop_xep_loai"]
    first = doc["trang_dau"]
    text = subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(first + doc["so_trang"] - 1),
                           str(units_2026 / u["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    # the middle line of a row holds its number and the vote counts
    (quan,) = [ln for ln in text.splitlines() if re.match(r"\s*5\s", ln)]  # row 5: Trần Minh Quân
    assert "tháng: không xếp loại" in quan and not re.search(r"\b0\b", quan), quan
    (yen,) = [ln for ln in text.splitlines() if re.match(r"\s*6\s", ln)]  # row 6: Phạm Thị Yến
    assert re.search(r"\b0 +1 +5 +0\b", yen), yen  # 1 HTT, 5 HT


@lo
def test_the_reading_guide_names_who_signs_the_state_block_of_a_party_review(people_2026):
    """2B's block «Thủ trưởng cơ quan, đơn vị» prints the competent evaluator (the agency head's is
    signed by the Chủ tịch UBND tỉnh): the guide named no one there, so for the Chánh Văn phòng's own
    review it read as if the head of the agency — himself — signed it."""
    guide = flat((people_2026 / "HUONG_DAN_IN.txt").read_text(encoding="utf-8"))
    line = guide[guide.index("Nguyễn Đình Khải (VP-001) — Mẫu 2B-HD KĐ.ĐG 2025"):]
    line = line[:line.index(" - ")]
    assert "Thủ trưởng cơ quan, đơn vị (Chủ tịch Ủy ban nhân dân tỉnh Lục Văn Thành)" in line, line
    party = flat(_doc_text(people_2026, "VP-001", "mau_2b_2025"))
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH (Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu) Lục Văn Thành" in party


@lo
def test_the_agency_head_s_dossier_contents_name_who_signs_his_party_review_s_state_block(people_2026):
    """The contents of the Chánh Văn phòng's own dossier listed his 2B's signers as the form's words, «Thủ trưởng
    cơ quan, đơn vị»: the clerk collecting signatures went to the head of the agency — himself — while that block
    is the Chủ tịch UBND tỉnh's (ND 335 Art. 10 cl. 2: the managing agency's head rates the agency's head). A deputy's
    contents keep the form's words: his block is the Chánh Văn phòng's, as the words say (-raw: the page number
    of a wrapped entry is not put inside its words)."""
    pdf = people_2026 / "ca_nhan" / "LD" / "VP-001.pdf"
    head = flat(subprocess.run(["pdftotext", "-raw", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout)
    assert ("Ký: Người tự kiểm điểm; Thủ trưởng cơ quan, đơn vị (Chủ tịch Ủy ban nhân dân tỉnh Lục Văn Thành); "
            "T/M chi ủy (chi bộ); T/M đảng ủy (chi ủy)") in head, head
    from pipeline.forms import signers

    campaign = ingest.load(sample_workbook(2026))
    roles = ("Người tự kiểm điểm", "Thủ trưởng cơ quan, đơn vị", "T/M chi ủy (chi bộ)", "T/M đảng ủy (chi ủy)")
    deputy = next(p for p in campaign.people if p.ma_so == "VP-002")  # Phó Chánh Văn phòng: rated by the head
    assert signers.cover_roles(campaign, deputy, roles) == roles


@lo
def test_the_cover_names_the_period_sheet_by_the_title_it_prints(people_2026):
    """The dossier's table of contents (and its bookmarks) named the period sheet «Kết quả theo dõi,
    đánh giá từng tháng, quý» while the page it points to is titled «PHIẾU THEO DÕI, ĐÁNH GIÁ KẾT QUẢ
    THỰC HIỆN NHIỆM VỤ THEO THÁNG …»: a signer looking for it finds the title the contents give."""
    pdf = people_2026 / "ca_nhan" / "LD" / "VP-001.pdf"
    cover = flat(subprocess.run(["pdftotext", "-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                                check=True).stdout)
    assert "Phiếu theo dõi, đánh giá kết quả thực hiện nhiệm vụ theo tháng, quý" in cover
    assert "Kết quả theo dõi, đánh giá từng tháng, quý" not in cover
    sheet = flat(_doc_text(people_2026, "VP-001", "theo_doi_ky"))
    assert "PHIẾU THEO DÕI, ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO THÁNG NĂM 2026" in sheet


@lo
def test_the_year_score_stays_on_the_page_of_the_last_period(tmp_path, cache_dir):
    """A phiếu whose period table ends at the foot of a page (the 2026 sample's Lương Văn Hòa with his
    four months of sick leave left out of KetQuaKy: 8 months) printed the year score alone at the
    top of the next page under a repeated header, away from the periods it is the mean of: the last
    period's row now goes with it."""
    import openpyxl

    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    leave = [r[0].row for r in ws.iter_rows(min_row=2)
             if r[0].value == "VP-027" and "2026-03" <= str(r[1].value) <= "2026-06"]
    for row in reversed(leave):
        ws.delete_rows(row)
    wb.save(tmp_path / "so.xlsx")
    out = tmp_path / "out"
    api.build(tmp_path / "so.xlsx", out, BuildOptions(persons=frozenset({"VP-027"}), cache_dir=cache_dir))
    pages = _doc_text(out, "VP-027", "phieu_nd335").split("\f")
    (last,) = [p for p in pages if "Tháng 12/2026" in p]
    assert "Điểm đánh giá năm (trung bình cộng điểm các kỳ)" in last and "87,91" in last
    assert flat(last).index("Tháng 12/2026") < flat(last).index("Điểm đánh giá năm")


@lo
def test_the_proposal_table_prints_the_units_level_the_workbook_gives(units_2026):
    """Nhà khách tỉnh's level is in the workbook (DonVi «Mức xếp loại của đơn vị»: Hoàn thành nhiệm vụ)
    and its head's proposal is lowered to it in the same table («… do đơn vị «Nhà khách tỉnh» được xếp
    loại Hoàn thành nhiệm vụ»), yet the line for the unit's level was dotted, left for the head to
    write: it prints the level; a unit without one keeps the dots."""
    nk = _minutes(units_2026, "NK", "tong_hop_xep_loai")
    # the line sits left of the head's signature block: its title comes between in the extracted text
    assert re.search(r"tập thể Nhà khách tỉnh: (GIÁM ĐỐC )?Hoàn thành nhiệm vụ Trần Văn Nam", nk), nk[-300:]
    hcqt = _minutes(units_2026, "HCQT", "tong_hop_xep_loai")
    assert re.search(r"tập thể Phòng Hành chính - Quản trị: (TRƯỞNG PHÒNG )?…+ Phạm Minh Tuấn", hcqt), hcqt[-300:]
