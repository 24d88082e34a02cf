"""A workbook no one here wrote (session twelve, fresh2): `hoso init`'s blank workbook filled with openpyxl as
the clerk (phòng Tổ chức - Hành chính) of a provincial hospital under the Sở Y tế types it, read only from sheet
«HuongDan» and the column comments. No paper is converted: what is checked is what `hoso check` says and the
ratings; the papers of the same shape are covered by tests/su_nghiep_2026.py's modules.

Outcomes worked out by hand from the rules' words (shared/domain/rules.md R3–R7, regime-2026.md §1.3–1.4, §2):
- Comparable group «viên chức không giữ chức vụ quản lý» (column «Nhóm tương đồng» empty): B01–B05 score
  29 + 70 × 96 % = 96,2 (≥ 90: HTXS), B06–B12 27 + 70 × 80 % = 83 (HTT), 12 people. «không vượt quá 20% tổng số
  … được xếp loại Hoàn thành tốt nhiệm vụ»: keeping 2 leaves 10 HTT, 20 % of 10 = 2 ≥ 2; keeping 3 leaves 9 HTT,
  20 % of 9 = 1,8 → 1 < 3 (rounded down: "không vượt quá"). So 2 keep HTXS: the two with the largest share of
  HTXS votes, B03 (8/8) and B05 (7/8); B01, B02, B04 are HTT.
- B12, lawful sick leave 4 months (3 to under 6): ND 335 Art. 21 (regime-2026.md §1.4) ranks a person "absent
  for legitimate reasons, sick …" on "the total score … for the actual period of … work"; ND 233 follows it
  (docs/rating.md, open call c). Her three quarters score 83: HTT, not held to HT as ND 90 Art. 2 cl. 3 did.
- B11, transferred in on 01/05/2026: Q1 sent by the old hospital (70 points there) counts in the mean with
  Q2–Q4 here (88): (70 + 3 × 88) / 4 = 83,5 → HTT (the new unit rates on the old one's results, Art. 21).
- B13, party khiển trách in force 01/08/2026, «Liên quan hoạt động công vụ» left empty: read as «Có» (the
  column's default), so KHT (ND 335 cl. 4 c, "vi phạm liên quan đến hoạt động công vụ … từ khiển trách trở lên");
  `check` now says it read the empty cell so, on that cell. Written «Không»: the decision is no ground, and
  his points (83) give HTT.
- Emulation: 15 proposals meet LĐTT (everyone rated at HTT or better with a majority of the secret ballot);
  15 % × 15 = 2,25 → 2 CSTĐCS (rounded down). Five CSTĐCS proposals all meet the CSTĐCS conditions (B03, B05
  final HTXS; B01, B02, B04 a sáng kiến): the two with the largest ballot share, B01 and B03 (8/8), are kept;
  B02, B04, B05 meet LĐTT only.
- «HĐLĐ» typed in «Loại» for the driver: refused as before (a labour contract is «Hợp đồng (HĐ 68/111)» or «Người
  lao động»), and the message now says which two and how to choose; «Hợp đồng lao động» typed in full was
  answered «có phải «Người lao động»?», a guess of one of the two.
- CoQuan «Sở Nội vụ nhận báo cáo» left empty by a hospital whose units are all «Sự nghiệp» and whose managing
  body is «Sở Y tế tỉnh Quảng Ngãi»: the cover letter and report would go to «Sở Nội vụ tỉnh Quảng Ngãi» while
  the cell's own help says a đơn vị sự nghiệp writes its managing body there; `check` warns on that cell.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from clerk_book import set_agency, write_rows

from pipeline import ingest
from pipeline.ingest import blank
from pipeline.rating import rate

YEAR = 2026
STAFF = "Công chức, viên chức, NLĐ"
VC = "Viên chức"
RECIPIENT = ("Ô «Sở Nội vụ nhận báo cáo» để trống: công văn, báo cáo và bộ hồ sơ gửi «Sở Nội vụ tỉnh Quảng Ngãi». "
             "Cơ quan là đơn vị sự nghiệp (các đơn vị ở sheet DonVi đều là «Sự nghiệp»), cơ quan quản lý là «Sở Y tế "
             "tỉnh Quảng Ngãi»: nếu đơn vị gửi kết quả đánh giá, xếp loại cho cơ quan quản lý, ghi tên cơ quan đó vào ô "
             "này; nếu gửi thẳng Sở Nội vụ tỉnh Quảng Ngãi, ghi «Sở Nội vụ tỉnh Quảng Ngãi» để không nhắc lại.")
DUTY = ("Kỷ luật đảng của người có mã số B13 có hiệu lực trong năm 2026, cột «Liên quan hoạt động công vụ» để trống: "
        "chương trình coi là Có (vi phạm liên quan đến hoạt động công vụ, hoạt động nghề nghiệp), là căn cứ xếp loại "
        "Không hoàn thành nhiệm vụ. Nếu quyết định kỷ luật đảng không liên quan đến hoạt động công vụ, hoạt động "
        "nghề nghiệp, ghi Không.")


def _fill(path: Path, dest: Path, *, agency: dict[str, object] | None = None, duty: str | None = None) -> Path:
    """The clerk's workbook: `hoso init`'s sheets, filled by the labels she sees (some habits: «viên chức» in
    lower case, a unit code with a trailing space, a date typed «1/8/2026», KetQuaKy's «Kỳ» moved first)."""
    wb = openpyxl.load_workbook(path)
    fields: dict[str, object] = {
        "Tên cơ quan": "Bệnh viện Đa khoa tỉnh Quảng Ngãi", "Cơ quan chủ quản": "SỞ Y TẾ TỈNH QUẢNG NGÃI",
        "Địa danh": "Quảng Ngãi", "Năm đánh giá": YEAR, "Ký hiệu văn bản": "BVĐK-TCHC",
        "Người đứng đầu": "Nguyễn Văn Hùng", "Chức vụ người đứng đầu": "Giám đốc",
        "Cơ quan cấp trên trực tiếp": "Sở Y tế tỉnh Quảng Ngãi", "Người đứng đầu cơ quan cấp trên": "Trần Minh Tâm",
        "Chức vụ người đứng đầu cơ quan cấp trên": "Giám đốc Sở Y tế", **(agency or {}),
    }
    set_agency(wb, fields)

    def rows(sheet: str, records: list[dict[str, object]]) -> None:
        write_rows(wb, sheet, records)

    rows("DonVi", [{"Mã đơn vị": "BGD", "Tên đơn vị": "Ban Giám đốc", "Loại đơn vị": "Sự nghiệp"},
                   {"Mã đơn vị": "KNOI", "Tên đơn vị": "Khoa Nội", "Loại đơn vị": "Sự nghiệp"}])
    people = [("GD", "Nguyễn Văn Hùng", "BGD", "Giám đốc", "Người đứng đầu"),
              ("PGD", "Lê Thị Mai", "BGD", "Phó Giám đốc", "Cấp phó"),
              ("TK", "Trần Văn Long", "KNOI", "Trưởng khoa Nội", "Người đứng đầu")]
    people += [(f"B{i:02d}", f"Nguyễn Thị Mẫu {chr(64 + i)}", "KNOI " if i == 7 else "KNOI", "Điều dưỡng", STAFF)
               for i in range(1, 14)]
    extra: dict[str, dict[str, object]] = {
        "B11": {"Cơ quan, đơn vị cũ (chuyển đến trong năm)": "Bệnh viện Đa khoa tỉnh Kon Tum",
                "Số tháng công tác ở cơ quan cũ": 4},
        "B12": {"Số tháng nghỉ theo quy định": 4},
        "B13": {"Đảng viên": "Có"},
    }
    rows("NhanSu", [{"Mã số": m, "Họ và tên": n, "Ngày sinh": "05/06/1985", "Mã đơn vị": u, "Chức vụ, chức danh": c,
                     "Vai trò": v, "Loại": "viên chức" if m in ("B02", "B09") else VC, **extra.get(m, {})}
                    for m, n, u, c, v in people])
    ws = wb["KetQuaKy"]
    ws.cell(1, 1).value, ws.cell(1, 2).value = "Kỳ", "Mã số"  # she moved «Kỳ» first
    r = 2
    for m, *_ in people:
        top = m in ("B01", "B02", "B03", "B04", "B05")
        for q in (1, 3, 4) if m == "B12" else (1, 2, 3, 4):
            general, pct = (29, 96) if top else (27, 80)
            row: list[object] = [f"{YEAR}-Q{q}", m, general, pct, pct, pct]
            if m == "B11":
                row = [f"{YEAR}-Q{q}", m, 21, 70, 70, 70, None, None, None, "Bệnh viện Đa khoa tỉnh Kon Tum"] if q == 1 \
                    else [f"{YEAR}-Q{q}", m, 25, 90, 90, 90]  # 21 + 49 = 70 there; 25 + 63 = 88 here
            if m in ("GD", "PGD", "TK"):
                row += [100, 80, 80]
            for c, v in enumerate(row, start=1):
                ws.cell(r, c).value = v
            r += 1
    share = {"B01": 6, "B02": 5, "B03": 8, "B04": 4, "B05": 7}
    rows("BieuQuyet", [{"Mã số": m, "Số người dự họp": 8, "Phiếu HTXS": n, "Phiếu HTT": 8 - n} for m, n in share.items()])
    rows("KyLuat", [{"Mã số": "B13", "Loại kỷ luật": "Kỷ luật đảng", "Hình thức": "Khiển trách",
                     "Số quyết định": "15-QĐ/ĐU", "Ngày hiệu lực": "1/8/2026",
                     **({"Liên quan hoạt động công vụ": duty} if duty else {})}])
    ballot = {"B01": 8, "B02": 7, "B03": 8, "B04": 6, "B05": 5}
    initiative = {"B01": "Sáng kiến «Bảng kiểm chăm sóc», QĐ 120/QĐ-BV", "B02": "Sáng kiến «Sổ bàn giao», QĐ 121/QĐ-BV",
                  "B04": "Sáng kiến «Lịch trực», QĐ 122/QĐ-BV"}
    emulation: list[dict[str, object]] = [
        {"Mã số": m, "Danh hiệu": "Chiến sĩ thi đua cơ sở", "Phiếu đồng ý": n, "Tổng số phiếu": 8,
         **({"Sáng kiến": initiative[m]} if m in initiative else {})} for m, n in ballot.items()]
    emulation += [{"Mã số": m, "Danh hiệu": "Lao động tiên tiến", "Phiếu đồng ý": 8, "Tổng số phiếu": 8}
                  for m in ("GD", "PGD", "TK", "B06", "B07", "B08", "B09", "B10", "B11", "B12")]
    rows("ThiDua", emulation)
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def blank_book(tmp_path_factory) -> Path:
    return blank.write(tmp_path_factory.mktemp("fresh_hospital"), year=YEAR)


@pytest.fixture(scope="module")
def workbook(blank_book) -> Path:
    return _fill(blank_book, blank_book.with_name("benh_vien.xlsx"))


@pytest.fixture(scope="module")
def ratings(workbook):
    return rate(ingest.load(workbook))


def test_check_warns_that_a_hospital_s_package_would_go_to_the_so_noi_vu(workbook, blank_book):
    problems = ingest.check(workbook)
    assert not [p.text() for p in problems if p.is_error]
    (w,) = [p for p in problems if p.message.startswith("Ô «Sở Nội vụ nhận báo cáo»")]
    assert (w.sheet, w.column, w.header, w.message) == ("CoQuan", "B", "Sở Nội vụ nhận báo cáo", RECIPIENT), w
    assert w.expected == "tên cơ quan nhận báo cáo, ví dụ «Sở Y tế tỉnh Quảng Ngãi»"
    # the cell written (either body), or an agency under a UBND: nothing to say
    for i, agency in enumerate(({"Sở Nội vụ nhận báo cáo": "Sở Y tế tỉnh Quảng Ngãi"},
                                {"Sở Nội vụ nhận báo cáo": "Sở Nội vụ tỉnh Quảng Ngãi"},
                                {"Cơ quan cấp trên trực tiếp": "Ủy ban nhân dân tỉnh Quảng Ngãi",
                                 "Cơ quan chủ quản": "UBND TỈNH QUẢNG NGÃI"})):
        other = _fill(blank_book, blank_book.with_name(f"khac_{i}.xlsx"), agency=agency)
        assert not [p for p in ingest.check(other) if "Sở Nội vụ nhận báo cáo" in p.message], agency


def test_an_empty_duty_cell_of_a_party_decision_is_said_to_be_read_as_yes(workbook, blank_book, ratings):
    problems = ingest.check(workbook)
    (w,) = [p for p in problems if p.sheet == "KyLuat"]
    assert (w.row, w.header, w.message) == (2, "Liên quan hoạt động công vụ", DUTY), w
    by = {p.ma_so: p for p in ratings.people}
    assert by["B13"].muc_de_xuat == "KHT"  # the default «Có»: khiển trách in the year
    written = _fill(blank_book, blank_book.with_name("khong_lien_quan.xlsx"), duty="Không")
    assert not [p for p in ingest.check(written) if p.sheet == "KyLuat"]
    b13 = next(p for p in rate(ingest.load(written)).people if p.ma_so == "B13")
    assert b13.muc_de_xuat == "HTT" and round(b13.diem, 2) == 83.0
    assert any("không liên quan đến hoạt động công vụ, không là căn cứ" in r for r in b13.ly_do), b13.ly_do


def test_the_hospital_is_rated_as_worked_out_by_hand(ratings):
    by = {p.ma_so: p for p in ratings.people}
    assert {m for m, p in by.items() if p.muc_de_xuat == "HTXS" and m.startswith("B")} == {"B03", "B05"}
    assert [by[m].muc_de_xuat for m in ("B01", "B02", "B04")] == ["HTT"] * 3
    (group,) = [g for g in ratings.groups if {"B01", "B03"} <= {r.ma_so for r in g.xep_hang}]
    assert (group.so_htxs_de_nghi, group.so_htt_de_nghi, group.toi_da) == (5, 7, 2)
    assert set(group.ha_muc) == {"B01", "B02", "B04"}
    # sick leave 4 months: rated on the three quarters worked, no HT ceiling in 2026
    assert by["B12"].muc_de_xuat == "HTT" and round(by["B12"].diem, 2) == 83.0 and by["B12"].muc_toi_da != "HT"
    # transferred in: the old hospital's Q1 counts in the mean
    assert by["B11"].muc_de_xuat == "HTT" and round(by["B11"].diem, 2) == 83.5
    assert by["B07"].ma_don_vi == "KNOI" and by["B02"].muc_de_xuat == "HTT"  # «KNOI » and «viên chức» read
    td = ratings.thi_dua
    assert (td.so_dat_ldtt, td.so_cstdcs_du_dieu_kien, td.toi_da_cstdcs, td.so_cstdcs) == (15, 5, 2, 2)
    kept = {m for m, p in by.items() if p.thi_dua and p.thi_dua.de_nghi == "CSTDCS" and p.thi_dua.du_dieu_kien}
    assert kept == {"B01", "B03"}
    assert all(by[m].thi_dua.dat_ldtt for m in ("B02", "B04", "B05"))


def test_a_labour_contract_typed_hdld_is_refused_naming_both_kinds(blank_book):
    path = _fill(blank_book, blank_book.with_name("hdld.xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb["NhanSu"]
    col = next(c.column for c in ws[1] if c.value == "Loại")
    ws.cell(3, col).value, ws.cell(4, col).value = "HĐLĐ", "Hợp đồng lao động"
    wb.save(path)
    errors = [p for p in ingest.check(path) if p.is_error]
    assert [(p.sheet, p.row, p.value) for p in errors] == [("NhanSu", 3, "HĐLĐ"), ("NhanSu", 4, "Hợp đồng lao động")]
    for p, typed in zip(errors, ("HĐLĐ", "Hợp đồng lao động"), strict=True):
        assert p.message == (f"«{typed}»: hợp đồng lao động ứng với hai loại, «Hợp đồng (HĐ 68/111)» (hợp đồng làm công "
                             "việc hỗ trợ, phục vụ theo Nghị định 111/2022/NĐ-CP, ví dụ lái xe, bảo vệ) hoặc «Người lao "
                             "động»; chọn loại theo hợp đồng đã ký."), p.message
        assert "có phải" not in p.message
