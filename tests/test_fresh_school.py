"""A workbook no one here wrote (session twelve, school): `hoso init`'s blank workbook filled with openpyxl as the
clerk (văn thư - kế toán) of «Trường THCS Nguyễn Du», a public lower-secondary school managed since the 2025 reform
by «UBND phường Hải Châu», types it, read only from sheet «HuongDan» and the column comments. Her habits: names
pasted with a non-breaking space (U+00A0), a narrow one (U+202F), a thin space or a
zero-width space, names NFD-decomposed (a Mac, a web form), unit codes
upper case in DonVi and lower case in NhanSu, and one teacher typed twice — once NFD under GV02, once again (NFC) under
GV03 — with the same birth date. No paper is converted: what is checked is what `hoso check` says and the ratings;
the papers of a school are covered by tests/test_truong_2026.py.

Outcomes worked out by hand from the rules' words (shared/domain/rules.md R4–R5, regime-2026.md §1.3–1.4, §2):
- Period score = general points + 70 × (a + b + c) / 300, a leader's + 70 × (a + b + c + d + đ + e) / 600; the year's
  score is the mean of the periods worked; ≥ 90 HTXS, 70 to < 90 HTT.
- HT (Hiệu trưởng): 29 + 70 × (3 × 95 + 100 + 95 + 95) / 600 = 29 + 67,083 = 96,08 → HTXS; from 2026 the head is
  rated by the managing body (Chủ tịch UBND phường) and is outside the school's 20 % groups (docs/rating.md rule 4).
- Group «Giáo viên» (column «Nhóm tương đồng»): GV01 29 + 70 × 95 % = 95,5; GV02 and GV03 (the one teacher, twice)
  29 + 70 × 97 % = 96,9; GV04 on maternity leave (6 months worked; results of Q1 and Q4 only) 28 + 70 × 90 % = 91 in
  each, mean 91,0; GV05–GV08 27 + 70 × 80 % = 83. Four proposed HTXS, four HTT, 8 rated. «không vượt quá 20% tổng
  số … được xếp loại Hoàn thành tốt nhiệm vụ»: keeping 1 leaves 7 HTT, 20 % of 7 = 1,4 → 1 ≥ 1; keeping 2 leaves 6,
  1,2 → 1 < 2 (rounded down). So one keeps HTXS: the largest share of HTXS votes, GV01 (6/6); GV02, GV03, GV04 are
  HTT. (The teacher written twice is counted twice: that is what `check` now warns of.)
- GV04, maternity leave: rated on the actual working time (ND 90 Art. 2 cl. 3; ND 335 Art. 21 for 2026), not «under
  6 months, not rated».

Defects found and fixed (each test below):
1. The same teacher in two rows under two mã số (NFD once, NFC once; same birth date) was not caught: two dossiers,
   counted twice in the «Giáo viên» 20 %. `check` now warns on the later row, naming the earlier.
2. CoQuan «Sở Nội vụ nhận báo cáo» empty and neither the school's name nor «UBND PHƯỜNG HẢI CHÂU» names a province:
   the cover letter printed «Kính gửi: Sở Nội vụ.» with no province, and nothing said it. `check` now warns on the
   cell (which body receives a school's package — the province's Sở Nội vụ or the managing UBND — is not known here).
3. A name pasted with a narrow no-break space (U+202F, macOS and web forms) or a thin space (U+2009) kept it:
   printed so on signed papers and not equal to the name typed by hand. Now a plain space, as U+00A0 was.
4. Schools rate teachers by school year in practice; hoso rates the calendar year (docs/rating.md, open call k) and
   the clerk was told nowhere. The rating now warns once for a school rating viên chức under ND 233.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pytest
from clerk_book import set_agency, write_rows

from pipeline import ingest
from pipeline.ingest import blank
from pipeline.rating import rate

YEAR = 2026
NBSP, ZWSP, NNBSP, THIN = "\u00a0", "\u200b", "\u202f", "\u2009"
VC = "Viên chức"
TEACHERS = "Giáo viên"
ANH = "Nguyễn Thị Ánh"
SCHOOL_YEAR = ("Năm 2026: viên chức được đánh giá, xếp loại theo năm 2026 (kết quả các tháng, quý từ tháng 01/2026 đến "
               "tháng 12/2026 ở sheet KetQuaKy), không theo năm học. Nghị định 233/2026/NĐ-CP có cho cơ sở giáo dục đánh "
               "giá viên chức theo năm học (như Nghị định 90/2020/NĐ-CP) hay không chưa được xác nhận; nếu cơ quan quản lý "
               "hướng dẫn đánh giá theo năm học (2025–2026), chương trình chưa hỗ trợ cách này.")
TWICE = ("Cùng họ tên và ngày sinh (14/02/1991) với dòng 5 (mã số GV02), khác mã số (GV03): nếu là một người được ghi hai "
         "lần, người này sẽ được xếp loại, tính vào tỷ lệ của nhóm và có hồ sơ hai lần.")
NO_PROVINCE = ("Ô «Sở Nội vụ nhận báo cáo» để trống; tên cơ quan («Trường THCS Nguyễn Du») và cơ quan chủ quản («UBND "
               "PHƯỜNG HẢI CHÂU») đều không có tên tỉnh, thành phố: công văn, báo cáo gửi kèm bộ hồ sơ in «Kính gửi: Sở "
               "Nội vụ.», không rõ Sở Nội vụ tỉnh, thành phố nào. Ghi tên cơ quan nhận báo cáo vào ô này: Sở Nội vụ của "
               "tỉnh, thành phố (ví dụ «Sở Nội vụ tỉnh Quảng Ngãi»); hoặc tên cơ quan quản lý (ví dụ «UBND phường Hải "
               "Châu») nếu đơn vị gửi kết quả cho cơ quan đó.")


def _fill(path: Path, dest: Path, *, agency: dict[str, object] | None = None,
          people_changed: dict[str, dict[str, object]] | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    fields: dict[str, object] = {
        "Tên cơ quan": "Trường THCS Nguyễn Du", "Cơ quan chủ quản": "UBND PHƯỜNG HẢI CHÂU", "Địa danh": "Hải Châu",
        "Năm đánh giá": YEAR, "Ký hiệu văn bản": "THCSND-VP", "Người đứng đầu": f"Lê Thị Hồng{NBSP}Nhung",
        "Chức vụ người đứng đầu": "Hiệu trưởng", "Cơ quan cấp trên trực tiếp": "UBND phường Hải Châu",
        "Người đứng đầu cơ quan cấp trên": "Trần Văn Bình", "Chức vụ người đứng đầu cơ quan cấp trên": "Chủ tịch UBND phường",
        **(agency or {}),
    }
    set_agency(wb, fields)

    def rows(sheet: str, records: list[dict[str, object]]) -> None:
        write_rows(wb, sheet, records)

    rows("DonVi", [{"Mã đơn vị": "BGH", "Tên đơn vị": "Ban Giám hiệu", "Loại đơn vị": "Sự nghiệp"},
                   {"Mã đơn vị": "TOAN", "Tên đơn vị": "Tổ Toán - Tin", "Loại đơn vị": "Sự nghiệp"}])
    staff = "Công chức, viên chức, NLĐ"
    people: list[dict[str, object]] = [
        {"Mã số": "HT", "Họ và tên": f"Lê Thị Hồng{NBSP}Nhung", "Mã đơn vị": "bgh", "Chức vụ, chức danh": "Hiệu trưởng",
         "Vai trò": "Người đứng đầu"},
        {"Mã số": "TT", "Họ và tên": "Trần Quốc Bảo", "Mã đơn vị": "toan", "Chức vụ, chức danh": "Tổ trưởng",
         "Vai trò": "Người đứng đầu"},
        {"Mã số": "GV01", "Họ và tên": f"Hoàng{NBSP}Văn{ZWSP} Dũng", "Ngày sinh": "03/11/1990"},
        {"Mã số": "GV02", "Họ và tên": unicodedata.normalize("NFD", ANH)},
        {"Mã số": "GV03", "Họ và tên": ANH},
        {"Mã số": "GV04", "Họ và tên": "Ngô Thị Hà", "Nghỉ thai sản": "x", "Số tháng công tác trong năm": 6},
    ] + [{"Mã số": f"GV0{i}", "Họ và tên": f"Phan{space}Thị Mẫu {chr(60 + i)}{ZWSP}"}
         for i, space in zip(range(5, 9), (" ", NNBSP, THIN, " "), strict=True)]
    for p in people:
        p.setdefault("Ngày sinh", "14/02/1991")
        p.setdefault("Mã đơn vị", "toan")
        p.setdefault("Chức vụ, chức danh", "Giáo viên")
        p.setdefault("Vai trò", staff)
        p.setdefault("Loại", VC)
        if str(p["Mã số"]).startswith("GV"):
            p["Nhóm tương đồng"] = TEACHERS
        p.update((people_changed or {}).get(str(p["Mã số"]), {}))
    rows("NhanSu", people)
    results: list[dict[str, object]] = []
    marks = {"HT": (29, 95), "TT": (27, 85), "GV01": (29, 95), "GV02": (29, 97), "GV03": (29, 97), "GV04": (28, 90)}
    for p in people:
        m = str(p["Mã số"])
        general, pct = marks.get(m, (27, 80))
        for q in (1, 4) if m == "GV04" else (1, 2, 3, 4):
            row: dict[str, object] = {"Mã số": m, "Kỳ": f"{YEAR}-Q{q}", "Điểm tiêu chí chung": general,
                                      "Số lượng (%)": pct, "Chất lượng (%)": pct, "Tiến độ (%)": pct}
            if m in ("HT", "TT"):
                row |= {"Kết quả đơn vị phụ trách (%)": 100, "Năng lực tổ chức thực hiện (%)": pct,
                        "Năng lực tập hợp, đoàn kết (%)": pct}
            results.append(row)
    rows("KetQuaKy", results)
    votes = {"GV01": 6, "GV02": 4, "GV03": 4, "GV04": 3}
    rows("BieuQuyet", [{"Mã số": m, "Số người dự họp": 6, "Phiếu HTXS": n, "Phiếu HTT": 6 - n} for m, n in votes.items()])
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def blank_book(tmp_path_factory) -> Path:
    return blank.write(tmp_path_factory.mktemp("fresh_school"), year=YEAR)


@pytest.fixture(scope="module")
def workbook(blank_book) -> Path:
    return _fill(blank_book, blank_book.with_name("truong_thcs.xlsx"))


@pytest.fixture(scope="module")
def ratings(workbook):
    return rate(ingest.load(workbook))


def test_one_teacher_typed_twice_nfd_then_nfc_is_caught(workbook, blank_book):
    problems = ingest.check(workbook)
    assert not [p.text() for p in problems if p.is_error]
    (w,) = [p for p in problems if p.sheet == "NhanSu"]
    assert (w.row, w.header, w.value, w.message) == (6, "Họ và tên", ANH, TWICE), w
    assert w.expected.startswith("xóa một trong hai dòng")
    # pasted names are read clean: NBSP a space, a zero-width space gone, NFD composed
    campaign = ingest.load(workbook)
    names = {p.ma_so: p.ho_ten for p in campaign.people}
    assert (names["HT"], names["GV01"], names["GV02"], names["GV05"]) == (
        "Lê Thị Hồng Nhung", "Hoàng Văn Dũng", ANH, "Phan Thị Mẫu A")
    # a narrow no-break space (U+202F) and a thin space (U+2009) were kept and printed in the name: now a space
    assert (names["GV06"], names["GV07"]) == ("Phan Thị Mẫu B", "Phan Thị Mẫu C")
    assert {p.ma_don_vi for p in campaign.people} == {"BGH", "TOAN"}  # «toan» is the unit «TOAN»
    # another birth date: two people who share a name, nothing said
    other = _fill(blank_book, blank_book.with_name("hai_nguoi.xlsx"), people_changed={"GV03": {"Ngày sinh": "15/02/1991"}})
    assert not [p for p in ingest.check(other) if p.sheet == "NhanSu"]


def test_a_letter_to_a_sở_nội_vụ_of_no_province_is_said(workbook, blank_book):
    (w,) = [p for p in ingest.check(workbook) if p.sheet == "CoQuan"]
    assert (w.header, w.message, w.expected) == ("Sở Nội vụ nhận báo cáo", NO_PROVINCE,
                                                 "tên đầy đủ của cơ quan nhận báo cáo"), w
    for i, agency in enumerate(({"Sở Nội vụ nhận báo cáo": "Sở Nội vụ thành phố Đà Nẵng"},
                                {"Cơ quan chủ quản": "UBND THÀNH PHỐ ĐÀ NẴNG"})):
        book = _fill(blank_book, blank_book.with_name(f"tinh_{i}.xlsx"), agency=agency)
        assert not [p for p in ingest.check(book) if p.sheet == "CoQuan"], agency


def test_the_school_is_rated_as_worked_out_by_hand_and_told_the_calendar_year(ratings, blank_book):
    by = {p.ma_so: p for p in ratings.people}
    assert by["HT"].muc_de_xuat == "HTXS" and round(by["HT"].diem, 2) == 96.08
    (head,) = [g for g in ratings.groups if "HT" in {r.ma_so for r in g.xep_hang}]
    assert head.nhom == "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)"  # not in the school's 20 %
    assert round(by["GV01"].diem, 2) == 95.5 and round(by["GV02"].diem, 2) == 96.9
    assert round(by["GV04"].diem, 2) == 91.0 and any("thai sản" in r for r in by["GV04"].ly_do), by["GV04"].ly_do
    (group,) = [g for g in ratings.groups if "GV01" in {r.ma_so for r in g.xep_hang}]
    assert (group.so_htxs_de_nghi, group.so_htt_de_nghi, group.toi_da) == (4, 4, 1)
    assert [by[m].muc_de_xuat for m in ("GV01", "GV02", "GV03", "GV04")] == ["HTXS", "HTT", "HTT", "HTT"]
    assert [w for w in ratings.canh_bao if "năm học" in w] == [SCHOOL_YEAR]
    # not a school: nothing said
    centre = _fill(blank_book, blank_book.with_name("trung_tam.xlsx"), agency={"Tên cơ quan": "Trung tâm Y tế Hải Châu"})
    assert not [w for w in rate(ingest.load(centre)).canh_bao if "năm học" in w]
