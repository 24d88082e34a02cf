"""`hoso check` on a KetQuaKy row that holds an error: the person's «missing period» warning sends the clerk to
that row (it is there, its cell is wrong), rather than asking for a row that exists.

Worked by hand: in the 2026 sample, sheet KetQuaKy row 3 is VP-001's result of 2026-02 (12 months worked, monthly
results). Its general-criteria score written 120 is outside 0–30 (ND 335: 30 points at most), so the row is not
read; VP-001 then lacks 2026-02, and the warning on his NhanSu row must name KetQuaKy row 3 as the row to fix.
A period with no row at all (VP-021 lacks 2026-10 in the sample) keeps the plain warning.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from fakes import run_main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "mau_ho_so_2026.xlsx"


@pytest.fixture(autouse=True)
def _in_process(cli_in_process):
    """main() runs in this process here (conftest.cli_in_process)."""


def test_missing_period_names_the_row_with_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["KetQuaKy"]
    header = [c.value for c in ws[1]]
    row3 = dict(zip(header, (c.value for c in ws[3]), strict=False))
    assert (row3["ma_so"], row3["ky"]) == ("VP-001", "2026-02")  # the row worked out above
    ws.cell(3, header.index("diem_tieu_chi_chung") + 1, 120)
    bad = tmp_path / "ket_qua_loi.xlsx"
    wb.save(bad)

    code, err = run_main(["check", str(bad)], capsys)

    assert code == 3  # an error in the workbook
    assert "Sheet «KetQuaKy», dòng 3, cột C «diem_tieu_chi_chung» (ô C3): Điểm tiêu chí chung ngoài khung." in err
    lines = err.splitlines()
    vp001 = next(ln for ln in lines if "«NhanSu», dòng 2, cột A" in ln)
    assert "thiếu kết quả kỳ 2026-02" in vp001
    assert ("Dòng 3 của sheet «KetQuaKy» có kết quả kỳ này nhưng có lỗi nên chưa được tính: sửa lỗi ở dòng đó."
            in vp001)
    vp021 = next(ln for ln in lines if "Giá trị: «VP-021»" in ln)
    assert "thiếu kết quả kỳ 2026-10" in vp021 and "có lỗi nên chưa được tính" not in vp021


def _sample_with(tmp_path: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(SAMPLE)
    edit(wb)
    out = tmp_path / name
    wb.save(out)
    return out


def test_a_period_typed_2026_10_in_a_general_cell_is_refused_not_read_as_january(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clerk types «2026.10» (or «2026,10» in a Vietnamese Excel) in a General cell of «Kỳ»: Excel keeps the number
    2026.1, which was read silently as 2026-01. In the sample, KetQuaKy row 11 is VP-001's 2026-10 (rows 2–13 are his
    12 months); its cell B11 holding 2026.1 must be an error naming B11 and both readings, exit 3. 2026.02 (typed
    «2026.02», kept as 2026.02) stays February: no other month reads so."""
    def edit(wb):  # type: ignore[no-untyped-def]
        ws = wb["KetQuaKy"]
        assert (ws["A11"].value, ws["B11"].value, ws["A3"].value, ws["B3"].value) == ("VP-001", "2026-10", "VP-001", "2026-02")
        ws["B11"] = 2026.1
        ws["B3"] = 2026.02
    code, err = run_main(["check", str(_sample_with(tmp_path, "ky_so.xlsx", edit))], capsys)

    assert code == 3
    line = next(ln for ln in err.splitlines() if "(ô B11)" in ln)
    assert "Sheet «KetQuaKy», dòng 11, cột B «ky» (ô B11): Ô kiểu Số 2026.1 không rõ là tháng 10 hay tháng 1" in line
    assert "Cần: kỳ ghi dạng chữ: 2026-10 (tháng 10) hoặc 2026-01 (tháng 1)" in line
    assert "(ô B3)" not in err  # 2026.02 is February, read as such
    assert "Trùng kết quả" not in err  # B11 was not taken for a second January


def test_a_result_column_lost_in_merged_header_cells_names_the_sheet_and_the_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The clerk merges D1:F1 of KetQuaKy (over «Số lượng», «Chất lượng», «Tiến độ»): E and F have no header, their
    data is not read. Each row then lacks two rates; the message named no sheet («Sheet «?», dòng 2») and gave column
    keys (ty_le_chat_luong). It must name sheet KetQuaKy, the rows, and the two columns by their labels."""
    def edit(wb):  # type: ignore[no-untyped-def]
        ws = wb["KetQuaKy"]
        assert [ws.cell(1, c).value for c in (4, 5, 6)] == ["ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do"]
        ws.merge_cells("D1:F1")
    code, err = run_main(["check", str(_sample_with(tmp_path, "gop.xlsx", edit))], capsys)

    assert code == 3
    assert "Sheet «?»" not in err and "ty_le_chat_luong, ty_le_tien_do" not in err
    # rows 182–276 have products (SanPham): their rates are computed, not missing; the others are said as one line
    assert ("Sheet «KetQuaKy», dòng 2–181 (180 dòng): Thiếu tỷ lệ số lượng, chất lượng, tiến độ (các cột «Chất lượng (%)», "
            "«Tiến độ (%)» chưa có ở dòng tiêu đề của sheet)") in err
    assert "Ô tiêu đề E1 nằm trong vùng ô đã gộp (merge) D1:F1" in err


def test_more_periods_than_months_worked_is_said_by_check_on_the_months_cell(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """VP-009 (NhanSu row 10) has results for all 12 months in the sample; the clerk writes 8 months worked (R10).
    ND 335 rates the time actually worked; `hoso build` warned that the year's score averages every period, `hoso
    check` said nothing. It must warn on R10 (exit 0, a warning), naming the 12 months and the 8. One month more than
    the months worked is already a surplus: 12 monthly results for 11 months (R10 = 11) warns too; 12 for 12 does not."""
    def eight(wb):  # type: ignore[no-untyped-def]
        ws = wb["NhanSu"]
        assert (ws["A10"].value, ws["R1"].value, ws["R10"].value) == ("VP-009", "so_thang_cong_tac", 12)
        ws["R10"] = 8
    code, err = run_main(["check", str(_sample_with(tmp_path, "tam_thang.xlsx", eight))], capsys)

    assert code == 0
    assert ("Sheet «NhanSu», dòng 10, cột R «so_thang_cong_tac» (ô R10): Người có mã số VP-009 có kết quả 12 tháng ở "
            "sheet «KetQuaKy» trong khi thời gian công tác 8 tháng: điểm năm là trung bình mọi kỳ có kết quả.") in err

    code, err = run_main(["check", str(_sample_with(tmp_path, "muoi_mot.xlsx",
                                                    lambda wb: wb["NhanSu"].__setitem__("R10", 11)))], capsys)
    assert code == 0 and "(ô R10): Người có mã số VP-009 có kết quả 12 tháng" in err

    code, err = run_main(["check", str(SAMPLE)], capsys)
    assert code == 0 and "trung bình mọi kỳ có kết quả" not in err


def test_a_name_typed_for_the_ma_so_of_a_period_names_the_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clerk fills KetQuaKy by name: «Nguyễn Đình Khải» in A3 (VP-001's row of 2026-02; NhanSu row 2 gives him
    VP-001). The error said only «Mã có khoảng trắng»; it now says it is a name and which mã số NhanSu gives it, as
    a unit's name in «Mã đơn vị» already did."""
    def edit(wb):  # type: ignore[no-untyped-def]
        assert (wb["NhanSu"]["A2"].value, wb["NhanSu"]["B2"].value) == ("VP-001", "Nguyễn Đình Khải")
        wb["KetQuaKy"]["A3"] = "Nguyễn  Đình Khải"  # two spaces, as typed
    code, err = run_main(["check", str(_sample_with(tmp_path, "ten.xlsx", edit))], capsys)

    assert code == 3
    assert ("Sheet «KetQuaKy», dòng 3, cột A «ma_so» (ô A3): «Nguyễn  Đình Khải» là họ tên; cột này ghi mã số (mã số "
            "của người này ở sheet NhanSu là «VP-001»).") in err
    assert "Cần: «VP-001»." in err


def test_a_2026_workbook_without_any_period_is_said_by_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The clerk clears KetQuaKy and SanPham (to fill them later) and runs `hoso check`: it said «Sổ Excel hợp lệ»,
    while ND 335 (Điều 21) rates the year on the mean of the months, quarters, and the build proposes levels from
    the vote with a warning on each person. `check` now says it once, on KetQuaKy, with how many people it
    concerns: the sample's 40 people less VP-028 (4 months worked, no maternity leave) who is not rated = 39. With the rows there,
    nothing is said."""
    def clear(wb):  # type: ignore[no-untyped-def]
        for name in ("KetQuaKy", "SanPham"):
            wb[name].delete_rows(2, wb[name].max_row)
        ns = wb["NhanSu"]
        # under 6 months and not on maternity leave (column T), hence not rated: VP-028 only (VP-033 is on leave)
        assert ns.max_row == 41 and ns["T1"].value == "nghi_thai_san"
        assert [r for r in range(2, 42) if (ns.cell(r, 18).value or 12) < 6 and ns.cell(r, 20).value != "Có"] == [29]
    code, err = run_main(["check", str(_sample_with(tmp_path, "trong.xlsx", clear))], capsys)

    assert code == 0
    assert ("Sheet «KetQuaKy», dòng 2: Sheet chưa có dòng nào (chưa có kết quả tháng, quý nào); bộ quy tắc "
            "nd233-2026, nd335-2025 xếp loại theo điểm trung bình các tháng, quý. Mức đề xuất của 39 người chỉ tạm lấy "
            "theo biểu quyết hoặc mức tự xếp loại.") in err

    code, err = run_main(["check", str(SAMPLE)], capsys)
    assert code == 0 and "chưa có kết quả tháng, quý nào" not in err


def test_a_period_date_stored_us_order_names_the_cell_as_excel_shows_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clerk on a Windows set to month/day/year types «1/10/2026» (the 1st of October, day first) into «Kỳ» of
    VP-001's October row (B11; rows 2–13 are his 12 months, B2 his January): Excel stores the date 10 January 2026,
    read as the period 2026-01, a second January — an error, exit 3. It said «Giá trị: «2026-01»», which no cell
    shows. It must show the cell as Excel does («10/01/2026», «1/10/2026» the US way) and say what to type (2026-10
    in a Text cell). The same date in B2 instead (his January row, B11 then «2026-01» as text): the duplicate is
    said on B11 and names B2 as the date cell to fix."""
    import datetime as dt

    def edit(wb):  # type: ignore[no-untyped-def]
        ws = wb["KetQuaKy"]
        assert (ws["A11"].value, ws["B11"].value, ws["A2"].value, ws["B2"].value) == ("VP-001", "2026-10", "VP-001", "2026-01")
        ws["B11"] = dt.datetime(2026, 1, 10)
        ws["B11"].number_format = "m/d/yyyy"
    code, err = run_main(["check", str(_sample_with(tmp_path, "ky_ngay.xlsx", edit))], capsys)

    assert code == 3
    line = next(ln for ln in err.splitlines() if "(ô B11)" in ln)
    assert ("Sheet «KetQuaKy», dòng 11, cột B «ky» (ô B11): Trùng kết quả cùng người, cùng kỳ 2026-01 (đã có ở dòng 2). "
            "Ô kỳ là ô kiểu Ngày của Excel: ngày 10 tháng 1 năm 2026 (Excel hiện «10/01/2026», hoặc «1/10/2026» nếu "
            "Windows đặt kiểu Mỹ tháng/ngày/năm), được đọc là kỳ 2026-01. Nếu đã gõ «1/10/2026» (ngày 1 tháng 10) để "
            "chỉ tháng 10, Excel đặt kiểu Mỹ đã lưu thành ngày 10 tháng 1.") in line
    assert "Giá trị: «10/01/2026»." in line and "Giá trị: «2026-01»" not in line
    assert "Cần: định dạng ô là Văn bản (Text) rồi gõ kỳ dạng chữ: 2026-10 (tháng 10) hoặc 2026-01 (tháng 1)." in line

    def first(wb):  # type: ignore[no-untyped-def]
        ws = wb["KetQuaKy"]
        ws["B2"] = dt.datetime(2026, 1, 10)
        ws["B11"] = "2026-01"
    code, err = run_main(["check", str(_sample_with(tmp_path, "ky_ngay_truoc.xlsx", first))], capsys)

    assert code == 3
    line = next(ln for ln in err.splitlines() if "(ô B11)" in ln)
    assert ("Trùng kết quả cùng người, cùng kỳ (đã có ở dòng 2): ô B2 là ô kiểu Ngày của Excel: ngày 10 tháng 1 năm "
            "2026 (Excel hiện «10/01/2026»") in line
    assert "Cần: sửa ô B2: định dạng ô là Văn bản (Text) rồi gõ kỳ dạng chữ: 2026-10 (tháng 10)" in line

    # a plain duplicate keeps its words
    def twice(wb):  # type: ignore[no-untyped-def]
        wb["KetQuaKy"]["B11"] = "2026-01"
    code, err = run_main(["check", str(_sample_with(tmp_path, "ky_hai_lan.xlsx", twice))], capsys)
    assert code == 3
    assert ("(ô B11): Trùng kết quả cùng người, cùng kỳ (đã có ở dòng 2). Giá trị: «2026-01». Cần: mỗi người một dòng "
            "cho mỗi tháng hoặc quý.") in err


def test_a_discipline_after_the_year_or_after_ngay_lap_is_said_by_check_as_the_rating_says_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The sample's one decision (KyLuat row 2: VP-008, khiển trách, 88/QĐ-VP, in force 20/06/2026) makes VP-008 KHT
    (ND 335 Điều 20 khoản 4 c: disciplined «trong năm đánh giá»). CoQuan «Ngày lập» is 05/12/2026.
    - In force 01/02/2027: not in the evaluation year 2026, so not counted: VP-008 gets the level of his points, HTT
      (the sample says his vote of HTT agrees with them); the rating warned on VP-008 (hoso build,
      hoso rate), `hoso check` said nothing. Check must warn on E2 with the rating's very words, exit 0.
    - In force 20/12/2026: in the year, so counted (KHT stays), but after the papers' date 05/12/2026: the papers
      signed that day cite a decision not yet in force. Nothing said it; check and the rating now do, same words."""
    import datetime as dt

    from pipeline import ingest
    from pipeline.rating import rate

    for day, said in ((dt.datetime(2027, 2, 1), "có hiệu lực sau năm đánh giá 2026, không tính để xếp loại năm 2026"),
                      (dt.datetime(2026, 12, 20), "có hiệu lực sau ngày lập hồ sơ 05/12/2026 (sheet CoQuan, «Ngày lập»). "
                       "Quyết định có hiệu lực trong năm đánh giá 2026 nên chương trình vẫn tính")):
        def edit(wb, day=day):  # type: ignore[no-untyped-def]
            ws = wb["KyLuat"]
            assert (ws["A2"].value, ws["E1"].value, ws["E2"].value) == ("VP-008", "ngay_hieu_luc", dt.datetime(2026, 6, 20))
            assert wb["CoQuan"]["B6"].value == dt.datetime(2026, 12, 5)
            ws["E2"] = day
        book = _sample_with(tmp_path, f"ky_luat_{day:%Y%m%d}.xlsx", edit)
        code, err = run_main(["check", str(book)], capsys)

        assert code == 0
        line = next(ln for ln in err.splitlines() if "(ô E2)" in ln)
        assert line.startswith("  CẢNH BÁO Sheet «KyLuat», dòng 2, cột E «ngay_hieu_luc» (ô E2): Kỷ luật hành chính, hình "
                               f"thức khiển trách, quyết định số 88/QĐ-VP, có hiệu lực ngày {day:%d/%m/%Y}: {said}")
        vp008 = rate(ingest.load(book)).of("VP-008")
        words = [w for w in vp008.canh_bao if "88/QĐ-VP" in w]
        assert len(words) == 1 and f"(ô E2): {words[0]} Giá trị: «{day:%d/%m/%Y}»." in line  # the same words
        assert vp008.muc_de_xuat == ("KHT" if day.year == 2026 else "HTT")

    code, err = run_main(["check", str(SAMPLE)], capsys)  # 20/06/2026: before Ngày lập, in the year
    assert code == 0 and "(ô E2)" not in err


def test_next_year_typed_into_last_year_s_workbook_is_one_error_on_the_year(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The clerk starts 2027 by typing 2027 into CoQuan «Năm đánh giá» (B5) of the 2026 sample. Every period of
    KetQuaKy (377 rows) and SanPham (380 rows) is of 2026: `check` said «Kỳ không thuộc năm đánh giá 2027» on each
    row — 757 errors, 200 printed, none on the cell she changed. It is one error on B5 naming both years and the
    way to a 2027 workbook (hoso init --tu), exit 3. One period of another year among the year's own keeps its
    error on its row."""
    def edit(wb):  # type: ignore[no-untyped-def]
        assert (wb["CoQuan"]["A5"].value, wb["CoQuan"]["B5"].value) == ("nam_danh_gia", 2026)
        wb["CoQuan"]["B5"] = 2027
    code, err = run_main(["check", str(_sample_with(tmp_path, "nam_2027.xlsx", edit))], capsys)

    assert code == 3
    assert "Tổng cộng: 1 lỗi," in err and "Kỳ không thuộc năm đánh giá" not in err
    assert ("Sheet «CoQuan», dòng 5, cột B «Năm đánh giá» (ô B5): Năm đánh giá là 2027 nhưng mọi kỳ ở sheet «KetQuaKy» "
            "(377 dòng) và «SanPham» (380 dòng) là của năm 2026 (như «2026-01»): các kết quả kỳ đó không được đọc. Nếu "
            "năm đánh giá ghi nhầm, sửa lại 2026; nếu đã sang năm 2027, tạo sổ năm 2027 từ sổ năm 2026 bằng hoso init "
            "--tu") in err

    code, err = run_main(["check", str(_sample_with(tmp_path, "mot_ky_2025.xlsx",
                                                    lambda wb: wb["KetQuaKy"].__setitem__("B11", "2025-10")))], capsys)
    assert code == 3
    assert "(ô B11): Kỳ không thuộc năm đánh giá 2026. Giá trị: «2025-10»." in err and "(ô B5)" not in err
