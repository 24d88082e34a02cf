"""A 2026 district hospital (tests/benh_vien_2026.py) read as its Giám đốc signs its papers (helper sig2).

Outcomes worked out by hand from the rules' words (workbook-2026.md «Scores and levels»; regime-2026.md §1.3,
§1.4, §2; docs/rating.md), never from the engine's formula. Period score: non-leader general + 70 × (a + b +
c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600; year = mean of the periods present (months for
every unit but the Khoa Ngoại, quarters there), printed with two decimals cut.
- BV-01 Giám đốc: 28 + 70·590/600 = 96.833… in 11 months, August (d 50, the Khoa Nội's nurse disciplined)
  28 + 70·540/600 = 91; mean (11 × 96.833… + 91) / 12 = 96.347… → «96,34», HTXS; rated by the Giám đốc Sở Y tế
  outside the hospital's groups.
- BV-02 Phó Giám đốc kiêm Trưởng khoa Nội: 27 + 70·575/600 = 94.083…, August 27 + 70·525/600 = 88.25; mean
  93.597… → 93,59. BV-03 26 + 70·555/600 = 90.75; BV-19 28 + 70·585/600 = 96.25; BV-20 90.75.
- Managers' group (BV-02, 03, 19, 20, all ≥ 90): keeping 1 leaves 3 HTT, 20 % = 0.6 → 0 < 1: none kept, all HTT.
- Viên chức without a post, 20 rated (BV-11, four months, not rated): ≥ 90 by points BV-06, 12, 24 (26 +
  70·275/300 = 90.166…), BV-09 (28 + 70·295/300 = 96.833…), BV-10, BV-22 (27 + 70·290/300 = 94.666…), BV-21
  (28 + 70 = 98), BV-28 (26 + 70·280/300 = 91.333…): 8; BV-15 KHT (khiển trách 14/08/2026 though 79.16 by
  points); 11 others HTT. Keeping 3: 16 HTT, 20 % = 3.2 → 3 ≥ 3; keeping 4: 15 HTT, 3 < 4. Kept by share of HTXS
  ballots: BV-21 10/12, BV-09 9/11, BV-10 7/11 (BV-22 6/12 next).
- BV-13 maternity leave May–October, six months worked at 25 + 70·265/300 = 86.833… → HTT.
- Hợp đồng BV-07 88, NLĐ BV-08, BV-18, BV-30 24 + 70·255/300 = 83.5: their own groups, HTT.
- The Khoa Nội meets as its 10 people and its kiêm nhiệm head (docs/workbook.md «A leader heading another unit
  concurrently»): 11 members, 11 present.
"""

from __future__ import annotations

import datetime as dt
import re

import benh_vien_2026 as bv
import pytest
import workbook_factory as wf

from pipeline import ingest
from tests.fakes import build_each, pdf_text_flat, pdftotext_flat, person_form_text, rated_people


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("benh_vien")
    return build_each({"out": bv.write(tmp / "benh_vien.xlsx")}, tmp, cache_dir / "benh_vien",
                      dt.date(bv.YEAR, 12, 7))["out"]


def test_the_khoa_headed_by_the_deputy_director_meets_with_him(tmp_path):
    # the Khoa Nội's 11 present (10 people and the Phó Giám đốc heading it) were refused: «Số người dự họp (11)
    # lớn hơn số người của đơn vị trong sheet «Nhân sự» (10)» on all its 9 votes, though the minutes count him
    problems = ingest.check(bv.write(tmp_path / "benh_vien.xlsx"))
    assert not [p for p in problems if p.is_error], [p.text() for p in problems if p.is_error]
    texts = [p.text() for p in problems]
    assert len(texts) == 2, texts
    ballots, discipline = texts
    # the Giám đốc's LĐTT ballot of the whole hospital (28) above his 2-member Ban Giám đốc: kept as typed
    assert "dòng 4, cột F «Tổng số phiếu»" in ballots and "Tổng số phiếu (28)" in ballots
    # the hospital named as its papers name it (agency_kind): the wider vote is «toàn đơn vị sự nghiệp», never «cơ quan»
    assert "(toàn đơn vị sự nghiệp bỏ phiếu cho người đứng đầu)" in ballots and "cơ quan" not in ballots
    # a viên chức's discipline is read under ND 233, never ND 335
    assert "45/QĐ-BVĐK" in discipline and "Điều 12 Nghị định 233/2026/NĐ-CP" in discipline
    assert "335" not in discipline


def test_hoso_rate_names_the_hospital_as_its_papers_do(tmp_path, capsys):
    """`hoso rate`'s lines on the Giám đốc's own group and the hospital's HTXS share say «đơn vị sự nghiệp», as the
    report and the biểu to the Sở do (they said «cơ quan»): 4 HTXS (BV-01 outside the groups; BV-21, BV-09, BV-10
    kept, module docstring) of 29 rated (BV-11 not rated) = 13,8 %."""
    from pipeline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["rate", str(bv.write(tmp_path / "benh_vien.xlsx")), "-o", str(tmp_path / "out")])
    assert exc.value.code == 0
    err = capsys.readouterr().err
    assert ("«Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)»: giữ mức đề xuất Hoàn thành xuất sắc nhiệm vụ "
            "của Nguyễn Văn Thành (BV-01); không tính trong tỷ lệ của đơn vị sự nghiệp, tỷ lệ của người đứng đầu do cấp "
            "trên xét") in err
    assert "Hoàn thành xuất sắc nhiệm vụ trên tổng số được xếp loại của đơn vị sự nghiệp: 4/29 = 13,8%" in err
    assert "Người đứng đầu cơ quan" not in err and "của cơ quan:" not in err


def test_a_meeting_larger_than_the_khoa_and_its_kiem_nhiem_head_is_still_refused(tmp_path):
    tables = bv.tables()
    for row in tables["BieuQuyet"]:
        if row["ma_so"] == "BV-09":
            row["so_nguoi_du_hop"] = 12
    problems = ingest.check(wf.write(tmp_path / "bv.xlsx", tables, headers="label", sheet_names="label"))
    (error,) = [p.text() for p in problems if p.is_error]
    assert "Số người dự họp (12) lớn hơn số người của đơn vị trong sheet «Nhân sự» và người kiêm nhiệm người " \
           "đứng đầu đơn vị" in error and "(11)" in error


def test_the_kiem_nhiem_head_away_is_the_khoa_s_one_absentee(tmp_path):
    # she is away (DonVi «Vắng mặt»), 10 of 11 present: check said «Cột «Vắng mặt» ghi 1 người nhưng số thành viên
    # (10) trừ số người dự họp (10 …) còn 0 người vắng» and told the clerk to add her to «Số thành viên», while the
    # minutes print «tổng số 11 người; có mặt: 10 người; vắng mặt: 1 người»
    tables = bv.tables()
    for unit in tables["DonVi"]:
        if unit["ma_don_vi"] == "NOI":
            unit["vang_mat"] = "Trần Thị Bích Ngọc (đi công tác)"
    for row in tables["BieuQuyet"]:
        if row["so_nguoi_du_hop"] == 11:
            row["so_nguoi_du_hop"] = 10
            most = max(("phieu_htxs", "phieu_htt", "phieu_kht"), key=lambda k: row[k])
            row[most] -= 1
    for row in tables["ThiDua"]:
        if row.get("tong_so_phieu") == 11:
            row["tong_so_phieu"], row["phieu_dong_y"] = 10, min(row["phieu_dong_y"], 10)
    problems = ingest.check(wf.write(tmp_path / "bv.xlsx", tables, headers="label", sheet_names="label"))
    texts = [p.text() for p in problems]
    assert not [p for p in problems if p.is_error], texts
    assert not [t for t in texts if "Vắng mặt" in t], texts
    assert len(texts) == 2, texts


def test_a_declared_count_of_the_khoa_s_own_people_is_not_too_small(tmp_path):
    # «Số thành viên» 10 (the khoa's people; the Phó Giám đốc chairing not counted), 10 present: no «Số thành
    # viên (10) ít hơn số người của đơn vị trong sheet NhanSu (11)», a count NhanSu does not hold
    tables = bv.tables()
    for unit in tables["DonVi"]:
        if unit["ma_don_vi"] == "NOI":
            unit["so_thanh_vien"] = 10
    for row in tables["BieuQuyet"]:
        if row["so_nguoi_du_hop"] == 11:
            row["so_nguoi_du_hop"] = 10
            most = max(("phieu_htxs", "phieu_htt", "phieu_kht"), key=lambda k: row[k])
            row[most] -= 1
    problems = ingest.check(wf.write(tmp_path / "bv.xlsx", tables, headers="label", sheet_names="label"))
    texts = [p.text() for p in problems]
    assert not [p for p in problems if p.is_error], texts
    assert not [t for t in texts if "Số thành viên (" in t], texts


def test_the_deputy_director_heading_the_khoa_noi_is_not_above_it(tmp_path):
    """ND 233 k7 Đ12 as reported (docs/rating.md «Head not above the unit»): «mức xếp loại của người đứng đầu không
    cao hơn mức xếp loại của đơn vị». The Khoa Nội and the Khoa Ngoại rated HT by the Giám đốc: the Trưởng khoa
    Ngoại (96.25, HTT after the managers' cap) is held to HT; so is the Phó Giám đốc who heads the Khoa Nội
    concurrently (93.59, HTT after the cap), its head by the same words — she was left at HTT. The Trưởng phòng
    Kế hoạch tổng hợp, whose phòng has no level, keeps HTT."""
    from pipeline.rating import rate

    tables = bv.tables()
    for unit in tables["DonVi"]:
        if unit["ma_don_vi"] in ("NOI", "NGOAI"):
            unit["muc_xep_loai_don_vi"] = "HT"
    ratings = rate(ingest.load(wf.write(tmp_path / "bv.xlsx", tables, headers="label", sheet_names="label")))
    assert [ratings.of(m).muc_de_xuat for m in ("BV-02", "BV-19", "BV-03")] == ["HT", "HT", "HTT"]
    why = " ".join(ratings.of("BV-02").ly_do)
    assert ("do đơn vị «Khoa Nội» mà người này kiêm nhiệm người đứng đầu được xếp loại Hoàn thành nhiệm vụ — căn cứ: "
            "khoản 7 Điều 12 Nghị định 233/2026/NĐ-CP") in why


def test_the_report_s_group_check_names_the_levels_it_counts(tmp_path):
    """The report to the Sở (its section 4) said «tính trên mức xếp loại cuối cùng» over proposals its section 2
    had just called «mức đề xuất; cấp có thẩm quyền chưa quyết định». Nothing decided: «mức xếp loại đề xuất»;
    some decided: both named; all decided: «mức xếp loại cuối cùng», as before."""
    from pipeline.rating import rate
    from pipeline.submission.summary_table import count_rows, counted_levels, people_rows

    def words(decide) -> str:
        tables = bv.tables()
        for row in tables["NhanSu"]:
            if decide(row["ma_so"]) and row["ma_so"] != "BV-11":  # BV-11 (four months) is not rated
                row["muc_quyet_dinh"] = "KHT" if row["ma_so"] == "BV-15" else "HTT"  # BV-15 disciplined
        campaign = ingest.load(wf.write(tmp_path / "bv.xlsx", tables, headers="label", sheet_names="label"))
        ratings = rate(campaign)
        return counted_levels(ratings, count_rows(people_rows(campaign, ratings))[-1])

    assert words(lambda m: False) == "mức xếp loại đề xuất"
    assert words(lambda m: m in ("BV-04", "BV-05")) == "mức xếp loại đã quyết định và mức đề xuất"
    assert words(lambda m: True) == "mức xếp loại cuối cùng"


@pytest.mark.libreoffice
def test_the_report_to_the_so_says_its_levels_are_proposals(out):
    text = pdf_text_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    assert "(Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định.)" in text
    assert ("4. Tỷ lệ Hoàn thành xuất sắc nhiệm vụ trong từng nhóm có nhiệm vụ tương đồng (không vượt quá 20% số "
            "Hoàn thành tốt nhiệm vụ của nhóm, tính trên mức xếp loại đề xuất):") in text
    assert "cuối cùng" not in text


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = rated_people(out)
    expected = {
        "BV-01": (96.34, "HTXS"), "BV-02": (93.59, "HTT"), "BV-03": (90.75, "HTT"), "BV-04": (88.00, "HTT"),
        "BV-05": (85.66, "HTT"), "BV-06": (90.16, "HTT"), "BV-07": (88.00, "HTT"), "BV-08": (83.50, "HTT"),
        "BV-09": (96.83, "HTXS"), "BV-10": (94.66, "HTXS"), "BV-12": (90.16, "HTT"), "BV-13": (86.83, "HTT"),
        "BV-14": (83.50, "HTT"), "BV-15": (79.16, "KHT"), "BV-16": (88.00, "HTT"), "BV-17": (85.66, "HTT"),
        "BV-18": (83.50, "HTT"), "BV-19": (96.25, "HTT"), "BV-20": (90.75, "HTT"), "BV-21": (98.00, "HTXS"),
        "BV-22": (94.66, "HTT"), "BV-23": (88.00, "HTT"), "BV-24": (90.16, "HTT"), "BV-25": (85.66, "HTT"),
        "BV-26": (86.83, "HTT"), "BV-27": (83.50, "HTT"), "BV-28": (91.33, "HTT"), "BV-29": (88.00, "HTT"),
        "BV-30": (83.50, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert (int(p["diem"] * 100) / 100, p["muc_de_xuat"], p["trang_thai"]) == (score, level, "xep_loai"), ma_so
    assert people["BV-11"]["trang_thai"] == "khong_xep_loai" and people["BV-11"]["muc_de_xuat"] is None


def _no_page_number(text: str) -> str:
    return re.sub(r"\s+\d+$", "", text.rstrip())


@pytest.mark.libreoffice
def test_the_khoa_noi_minutes_count_its_kiem_nhiem_head(out):
    text = pdftotext_flat(out / "don_vi" / "NOI.pdf")
    assert "Chủ trì: đồng chí Trần Thị Bích Ngọc – Phó Giám đốc kiêm Trưởng khoa Nội." in text
    assert "Thành viên Khoa Nội: tổng số 11 người; có mặt: 11 người; vắng mặt: 0 người." in text
    assert "Kết quả biểu quyết (trên 11 người dự họp)" in text and "Khi kiểm điểm đồng chí" not in text


@pytest.mark.libreoffice
def test_who_signs_the_phieu(out):
    head = _no_page_number(person_form_text(out, "BV-01", "phieu_nd233"))
    # the Giám đốc does not rate himself: the head of the managing Sở does
    assert head.endswith("GIÁM ĐỐC SỞ Y TẾ (Ký, ghi rõ họ tên) Phan Thị Thu Thủy")
    nurse = _no_page_number(person_form_text(out, "BV-15", "phieu_nd233"))
    # her direct manager is the Phó Giám đốc heading the Khoa Nội; the Giám đốc rates her
    assert "PHÓ GIÁM ĐỐC KIÊM TRƯỞNG KHOA NỘI (Ký, ghi rõ họ tên) Trần Thị Bích Ngọc" in nurse
    assert nurse.endswith("GIÁM ĐỐC (Ký, ghi rõ họ tên) Nguyễn Văn Thành")
    assert "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ" in nurse and "45/QĐ-BVĐK" in nurse
    assert "335" not in nurse


@pytest.mark.libreoffice
def test_the_director_s_group_is_named_alike_on_the_papers_and_in_the_clerk_s_files(out):
    """A hospital is a đơn vị sự nghiệp công lập: the report and the biểu name its Giám đốc's own group «Người đứng đầu
    đơn vị sự nghiệp (tỷ lệ do cấp trên xét)»; the clerk's ket_qua_xep_loai.xlsx (KetQua, TongHopDonVi, the group's
    sheet) and the ratings file said «Người đứng đầu cơ quan (…)» for the same group of the same person (BV-01)."""
    import json

    import openpyxl

    printed = "Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)"
    for paper in ("bao_cao_ket_qua_danh_gia.pdf", "bieu_tong_hop.pdf"):
        text = pdf_text_flat(out / "nop_so_noi_vu" / paper)
        assert printed in text and "Người đứng đầu cơ quan (tỷ lệ" not in text, paper
    wb = openpyxl.load_workbook(out / "ket_qua_xep_loai.xlsx")
    rows = list(wb["KetQua"].iter_rows(values_only=True))
    assert dict(zip(rows[0], next(r for r in rows if r[1] == "BV-01"), strict=True))["Nhóm tương đồng"] == printed
    cells = [str(c) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r if c]
    assert not [c for c in cells if "Người đứng đầu cơ quan (tỷ lệ" in c]
    assert any(f"“{printed}”" in c for c in cells)  # TongHopDonVi's status, the group sheet's title line
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    (head,) = [g for g in doc["nhom_tuong_dong"] if "BV-01" in {r["ma_so"] for r in g["xep_hang"]}]
    assert head["ten_nhom"] == printed
