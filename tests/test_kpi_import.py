"""`hoso nhap-ket-qua`: a KPI export into KetQuaKy / SanPham — headers mapped, unknown rows reported,
the mapping saved and reused, nothing else in the workbook changed, the result rates as expected."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import openpyxl
import pytest

from pipeline import ingest
from pipeline.cli import main
from pipeline.rating import rate
from pipeline.resources import sample_workbook


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture
def wb2026(tmp_path):
    dest = tmp_path / "so_2026.xlsx"
    shutil.copyfile(sample_workbook(2026), dest)
    return dest


CSV = """BÁO CÁO KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THÁNG
Mã CB;Họ và tên;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)
VP-021;Huỳnh Văn Cường;10;2026;25;100;85;80
VP-024;Đoàn Thị Nhung;3;2026;26,5;100;90;90
VP-999;Người Lạ;3;2026;26;100;90;90
VP-019;Đinh Quốc Hưng;13;2026;26;100;90;90
VP-019;Đinh Quốc Hưng;4;2025;26;100;90;90
"""


def test_good_export_fills_the_missing_month_and_reports_what_it_cannot_place(wb2026, tmp_path, capsys):
    export = tmp_path / "kpi.csv"
    export.write_text(CSV, encoding="utf-8")
    before = _members(wb2026)
    # before: VP-021 lacks October and has no level
    assert rate(ingest.load(wb2026)).of("VP-021").muc_de_xuat is None
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb2026], capsys)
    assert code == 0, err
    assert "ma_so ← «Mã CB»" in err and "thang ← «Tháng»" in err and "diem_tieu_chi_chung ← «Điểm tiêu chí chung (30)»" in err
    assert "Dòng 5 (VP-999): mã số «VP-999» không có trong sheet NhanSu; dòng này không được nhập." in err
    assert "Dòng 6 (VP-019): tháng «13» không đọc được" in err
    assert "Dòng 7 (VP-019): kỳ 2025-04 không thuộc năm đánh giá 2026" in err
    assert "KetQuaKy: thêm 1 dòng, thay 1 dòng cùng người, cùng kỳ" in err
    assert "3 dòng không nhập được" in err
    after = _members(wb2026)
    changed = [n for n in before if before[n] != after.get(n)]
    assert len(changed) == 1 and changed[0].startswith("xl/worksheets/")  # only the KetQuaKy sheet
    assert set(after) == set(before)
    campaign = ingest.load(wb2026)
    octobers = [p for p in campaign.periods if p.ma_so == "VP-021" and p.ky == "2026-10"]
    assert [(p.diem_tieu_chi_chung, p.a, p.b, p.c) for p in octobers] == [(25, 100, 85, 80)]
    march = [p for p in campaign.periods if p.ma_so == "VP-024" and p.ky == "2026-03"]
    assert [(p.diem_tieu_chi_chung, p.a) for p in march] == [(26.5, 100)]
    assert march[0].d is not None  # the leader's d, đ, e already in that row were kept
    # VP-021 now has 12 months: 25 + 70 × 265 / 300 = 86.83 in October, the others as before -> a level
    r = rate(campaign)
    assert r.of("VP-021").muc_de_xuat == "HTT" and len(r.of("VP-021").diem_ky) == 12
    saved = wb2026.with_name("so_2026.anh_xa_ket_qua.toml")
    assert saved.exists() and 'ma_so = "Mã CB"' in saved.read_text(encoding="utf-8")


def test_unknown_headers_need_a_mapping_which_is_saved_and_reused(wb2026, tmp_path, capsys):
    export = tmp_path / "kpi.csv"
    export.write_text("NV_ID,KY_DG,P30,Q1,Q2,Q3\nVP-021,2026-10,25,100,85,80\n", encoding="utf-8")
    before = wb2026.read_bytes()
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb2026], capsys)
    assert code == 3 and "Không nhận ra cột mã số" in err and "«NV_ID»" in err
    assert wb2026.read_bytes() == before  # nothing written
    mapping = tmp_path / "anh_xa.toml"
    mapping.write_text('[cot]\nma_so = "NV_ID"\nky = "KY_DG"\ndiem_tieu_chi_chung = "P30"\n'
                       'ty_le_so_luong = "Q1"\nty_le_chat_luong = "Q2"\nty_le_tien_do = "Q3"\n', encoding="utf-8")
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb2026, "--anh-xa", mapping], capsys)
    assert code == 0, err
    assert "KetQuaKy: thêm 1 dòng" in err and "Đã lưu ánh xạ cột" in err
    # next month's export, same headers, no --anh-xa: the saved mapping is used
    export2 = tmp_path / "kpi2.csv"
    export2.write_text("NV_ID,KY_DG,P30,Q1,Q2,Q3\nVP-021,2026-10,27,100,100,100\n", encoding="utf-8")
    code, _, err = run_cli(["nhap-ket-qua", export2, "--vao", wb2026], capsys)
    assert code == 0, err
    assert "so_2026.anh_xa_ket_qua.toml" in err and "KetQuaKy: thêm 0 dòng, thay 1 dòng" in err
    (october,) = [p for p in ingest.load(wb2026).periods if p.ma_so == "VP-021" and p.ky == "2026-10"]
    assert october.diem_tieu_chi_chung == 27


def test_product_export_adds_the_sheets_and_computes_abc(tmp_path, capsys):
    wb = tmp_path / "so_2024.xlsx"
    shutil.copyfile(sample_workbook(2024), wb)  # a 2024 workbook has no KetQuaKy / SanPham sheet
    before = _members(wb)
    xb = openpyxl.Workbook()
    ws = xb.active
    ws.append(["Mã nhân viên", "Kỳ đánh giá", "Tên công việc", "Hệ số quy đổi", "Trạng thái", "Số lần không đạt",
               "Số lần chậm", "Lý do khách quan", "Điểm tiêu chí chung"])
    ws.append(["VP-020", "T1/2024", "Báo cáo tháng", 2, "Hoàn thành", 1, 0, "Không", 26])
    ws.append(["VP-020", "T1/2024", "Tờ trình", 1, "Chưa hoàn thành", 0, 0, "Không", 26])
    ws.append(["VP-020", "T1/2024", "Công văn", 1, "Hoàn thành", 0, 2, "Có", 26])
    export = tmp_path / "san_pham.xlsx"
    xb.save(export)
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb, "--thu"], capsys)
    assert code == 0 and "Chạy thử, chưa ghi sổ" in err and _members(wb) == before
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb], capsys)
    assert code == 0, err
    assert "SanPham: thêm 3 dòng sản phẩm" in err and "KetQuaKy: thêm 1 dòng" in err
    # the command imports (the rows are the agency's record) but says they do not count in 2024
    assert ("Ghi chú: Sổ này là sổ năm đánh giá 2024, xếp loại theo Nghị định 90/2020/NĐ-CP, sửa đổi, bổ sung bởi "
            "Nghị định 48/2023/NĐ-CP: năm 2024 không tính điểm từ kết quả từng tháng, quý") in err
    after = _members(wb)
    assert all(after[n] == before[n] for n in before
               if n not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"))
    assert openpyxl.load_workbook(wb).sheetnames[-2:] == ["KetQuaKy", "SanPham"]
    campaign = ingest.load(wb)
    assert [(p.ten_san_pham, p.hoan_thanh, p.he_so_quy_doi, p.so_lan_khong_dat, p.so_lan_cham, p.mien_tru)
            for p in campaign.products] == [("Báo cáo tháng", True, 2, 1, 0, False), ("Tờ trình", False, 1, 0, 0, False),
                                            ("Công văn", True, 1, 0, 2, True)]
    (period,) = campaign.periods
    assert (period.ma_so, period.ky, period.diem_tieu_chi_chung, period.a) == ("VP-020", "2024-01", 26, None)
    # the same export again: the period's products are already those, nothing is removed, added nor written
    # (it said «SanPham: thêm 3 dòng sản phẩm, bỏ 3 dòng cũ» and rewrote the sheet)
    written = wb.read_bytes()
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb], capsys)
    assert code == 0, err
    assert ("Không ghi sổ: KetQuaKy: giữ nguyên 1 dòng đã có trong sổ với cùng kết quả; SanPham: giữ nguyên 3 dòng sản "
            "phẩm đã có trong sổ với cùng nội dung.") in err, err
    assert "Đã ghi" not in err and wb.read_bytes() == written
    # one product of the period changed (Tờ trình now done) and another person's period new: that period's products
    # are replaced, not doubled; the new one added; nothing else is said kept
    ws.cell(row=3, column=5, value="Hoàn thành")
    ws.append(["VP-021", "T1/2024", "Kế hoạch", 1, "Hoàn thành", 0, 0, "Không", 25])
    xb.save(export)
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb], capsys)
    assert code == 0, err
    assert ("SanPham: thêm 4 dòng sản phẩm, bỏ 3 dòng cũ của cùng người, cùng kỳ." in err
            and "KetQuaKy: thêm 1 dòng, thay 0 dòng cùng người, cùng kỳ, giữ nguyên 1 dòng" in err), err
    assert [(p.ma_so, p.ten_san_pham, p.hoan_thanh) for p in ingest.load(wb).products] == [
        ("VP-020", "Báo cáo tháng", True), ("VP-020", "Tờ trình", True), ("VP-020", "Công văn", True),
        ("VP-021", "Kế hoạch", True)]
    # and the export with VP-020's products as they now are, VP-021's Kế hoạch not done: only VP-021's replaced
    ws.cell(row=5, column=5, value="Chưa hoàn thành")
    xb.save(export)
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb], capsys)
    assert ("SanPham: thêm 1 dòng sản phẩm, bỏ 1 dòng cũ của cùng người, cùng kỳ, giữ nguyên 3 dòng sản phẩm đã có "
            "trong sổ với cùng nội dung.") in err, err
    assert [(p.ma_so, p.ten_san_pham, p.hoan_thanh) for p in ingest.load(wb).products][-1] == ("VP-021", "Kế hoạch", False)


def test_month_column_written_with_its_year_as_kpi_systems_export_it(wb2026, tmp_path, capsys):
    """A «Tháng» column holding «10/2026», «Tháng 10/2026» (text) or a date cell shown as mm/yyyy is the month
    of that year — not «10/2026/2026», which no one wrote (found by trying an export as a clerk has it)."""
    export = tmp_path / "kpi_thang.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Mã cán bộ", "Họ và tên", "Tháng", "Điểm tiêu chí chung", "Tỷ lệ số lượng (%)",
               "Tỷ lệ chất lượng (%)", "Tỷ lệ tiến độ (%)"])
    ws.append(["VP-021", "Huỳnh Văn Cường", "10/2026", 25, 100, 85, 80])
    ws.append(["VP-024", "Đoàn Thị Nhung", "Tháng 3/2026", 26.5, 100, 90, 90])
    ws.append(["VP-019", "Đinh Quốc Hưng", dt.datetime(2026, 4, 1), 26, 100, 90, 90])
    ws.cell(row=4, column=3).number_format = "mm/yyyy"
    ws.append(["VP-019", "Đinh Quốc Hưng", "04/2025", 26, 100, 90, 90])
    book.save(export)
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb2026], capsys)
    assert code == 0, err
    assert "không đọc được" not in err
    assert "Dòng 5 (VP-019): kỳ 2025-04 không thuộc năm đánh giá 2026" in err
    assert "1 dòng không nhập được" in err
    rows = {(r[0], r[1]): r for r in openpyxl.load_workbook(wb2026)["KetQuaKy"].iter_rows(min_row=2, values_only=True)}
    assert rows[("VP-021", "2026-10")][2:6] == (25, 100, 85, 80)
    assert rows[("VP-024", "2026-03")][2] == 26.5
    assert rows[("VP-019", "2026-04")][2] == 26
    # now VP-021 has all twelve months: a level from the points
    assert rate(ingest.load(wb2026)).of("VP-021").muc_de_xuat is not None


def test_a_code_whose_name_is_another_person_s_and_disagreeing_rows_are_not_imported(wb2026, tmp_path, capsys):
    """Results go on signed papers: a row whose code is another person's in the workbook (a KPI system
    numbering its staff its own way) and two rows of one person and month with different results are not
    imported — neither is guessed; the same row twice is imported once; names match without diacritics."""
    export = tmp_path / "kpi.csv"
    export.write_text(
        "Mã CB;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
        "VP-004;Phạm Văn Long;10;20;100;80;80\n"         # VP-004 is Phạm Minh Tuấn in the workbook
        "VP-021;Huỳnh Văn Cường;10;25;100;85;80\n"
        "VP-021;HUYNH VAN CUONG;10;29;100;100;100\n"     # the same month again, other results
        "VP-024;Doan Thi Nhung;3;26,5;100;90;90\n"       # no diacritics: the same person
        "VP-024;Đoàn Thị Nhung;3;26,5;100;90;90\n",      # the same row twice
        encoding="utf-8")
    before = {(r[0], r[1]): r for r in openpyxl.load_workbook(wb2026)["KetQuaKy"].iter_rows(min_row=2, values_only=True)}
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb2026], capsys)
    assert code == 0, err
    assert ("Dòng 2 (VP-004): mã số «VP-004» trong sheet NhanSu là Phạm Minh Tuấn, tệp xuất ghi «Phạm Văn Long»" in err)
    assert "Dòng 3, Dòng 4 (VP-021, 2026-10): cùng người, cùng kỳ nhưng kết quả khác nhau" in err
    assert "Dòng 6 (VP-024, 2026-03): trùng người và kỳ với Dòng 5, cùng kết quả; nhập một lần." in err
    assert "3 dòng không nhập được" in err
    after = {(r[0], r[1]): r for r in openpyxl.load_workbook(wb2026)["KetQuaKy"].iter_rows(min_row=2, values_only=True)}
    assert after[("VP-004", "2026-10")] == before[("VP-004", "2026-10")]
    assert ("VP-021", "2026-10") not in after  # still missing: VP-021 keeps «thiếu kết quả kỳ», no level
    assert rate(ingest.load(wb2026)).of("VP-021").muc_de_xuat is None
    assert after[("VP-024", "2026-03")][2] == 26.5


def test_products_disagreeing_on_the_period_general_score_import_the_products_not_the_score(tmp_path, capsys):
    wb = tmp_path / "so_2024.xlsx"
    shutil.copyfile(sample_workbook(2024), wb)
    xb = openpyxl.Workbook()
    ws = xb.active
    ws.append(["Mã nhân viên", "Kỳ đánh giá", "Tên công việc", "Trạng thái", "Điểm tiêu chí chung"])
    ws.append(["VP-020", "T1/2024", "Báo cáo tháng", "Hoàn thành", 26])
    ws.append(["VP-020", "T1/2024", "Tờ trình", "Hoàn thành", 22])
    export = tmp_path / "san_pham.xlsx"
    xb.save(export)
    code, _, err = run_cli(["nhap-ket-qua", export, "--vao", wb], capsys)
    assert code == 0, err
    assert "Dòng 2, Dòng 3 (VP-020, 2024-01): điểm tiêu chí chung khác nhau giữa các dòng của cùng kỳ; chưa nhập" in err
    assert "SanPham: thêm 2 dòng sản phẩm" in err and "KetQuaKy: thêm" not in err
    assert "1 kỳ có sản phẩm nhưng chưa có dòng ở sheet KetQuaKy" in err
    book = openpyxl.load_workbook(wb)
    assert [r[0] for r in book["SanPham"].iter_rows(min_row=2, values_only=True)] == ["VP-020", "VP-020"]
    assert "KetQuaKy" not in book.sheetnames  # a 2024 workbook: the sheet is added only with a row to hold


@pytest.mark.parametrize("header", ["Mã CBCC", "Mã CBVC", "Mã CBCNV", "Mã CB, CCVC"])
def test_the_staff_code_headers_kpi_systems_use_are_recognised(header):
    from pipeline.ingest import kpi_import

    index, _ = kpi_import.detect([header, "Họ và tên", "Tháng", "Điểm tiêu chí chung"])
    assert index["ma_so"] == 0


def test_which_years_have_results_to_import():
    """ND 90 (to 2025) rates without periods; from 2026 ND 335 and ND 233 rate from them; a rulebook forced in
    CoQuan «Bộ quy tắc» decides for its workbook; a year not known is left to the import's own error."""
    from pipeline.ingest.kpi_import import why_no_periods

    assert why_no_periods(2026) is None and why_no_periods(2027, "") is None
    assert why_no_periods(2025, "nd335-2025") is None  # a 2025 workbook rated under ND 335 by choice
    assert why_no_periods(None) is None and why_no_periods("2025") is None
    old = why_no_periods(2021)
    assert old is not None and old.startswith("Sổ này là sổ năm đánh giá 2021, xếp loại theo Nghị định 90/2020/NĐ-CP "
                                               "(trước Nghị định 48/2023/NĐ-CP): năm 2021 không tính điểm")
    forced = why_no_periods(2026, "nd90-2020+nd48-2023")
    assert forced is not None and "bộ quy tắc ghi ở ô «Bộ quy tắc» của sheet CoQuan" in forced
    assert "từ năm 2026" not in forced  # the clerk's choice, not the year, is why
    assert why_no_periods(2025, "khong-co") == why_no_periods(2025)  # an unknown id is check's error; the year decides
