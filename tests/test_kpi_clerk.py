"""A clerk imports her agency's KPI exports (tests/kpi_exports.py: an .xlsx with a title block, merged cells, a
total row; a CSV saved by Excel on Windows) into a copy of the 2026 sample, as she would on the day: every row
placed or named with why, the scores on her workbook the ones the export gave."""

from __future__ import annotations

import re
import shutil
import unicodedata

import kpi_exports
import pytest
from fakes import run_main

from pipeline import ingest
from pipeline.rating import rate
from pipeline.resources import sample_workbook

pytestmark = pytest.mark.usefixtures("cli_in_process")


@pytest.fixture
def so(tmp_path):
    dest = tmp_path / "so.xlsx"
    shutil.copyfile(sample_workbook(2026), dest)
    return dest


def _periods(workbook, code):
    return {p.ky: (p.diem_tieu_chi_chung, p.a, p.b, p.c) for p in ingest.load(workbook).periods if p.ma_so == code}


# -- the monthly .xlsx ----------------------------------------------------------------------------------------
def test_every_month_of_a_person_whose_name_and_code_are_merged_down_is_imported(so, tmp_path, capsys):
    export = kpi_exports.monthly_xlsx(tmp_path / "kpi_thang.xlsx")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    # 12 months of VP-007, 12 of VP-026 (their rows already in the sample: replaced), VP-021's missing October
    assert "KetQuaKy: thêm 1 dòng, thay 24 dòng cùng người, cùng kỳ" in err
    assert not re.search(r"Dòng (?:[6-9]|[12]\d|30)\b", err)  # rows 6–30: the people's months, none left out
    hanh = _periods(so, "VP-007")
    assert hanh["2026-01"] == (27.5, 100, 95.5, 90) and hanh["2026-12"] == (26, 100, 90, 85)
    an = _periods(so, "VP-026")
    assert an["2026-03"] == (24, 100, 80, 75.5) and an["2026-04"] == (25.5, 95, 85, 80)
    # the 24 rows replaced were the workbook's (typed or corrected by hand): the workbook as it was is kept beside
    # it, named (they were gone, with no copy)
    (kept,) = so.parent.glob(f"{so.stem}.truoc-*{so.suffix}")
    assert kept.read_bytes() == sample_workbook(2026).read_bytes()
    assert f"Sổ trước khi nhập (có giá trị cũ của các dòng bị thay) được chép giữ lại thành «{kept}»." in err
    assert _periods(kept, "VP-007")["2026-01"] != hanh["2026-01"]
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)  # again: nothing replaced
    assert code == 0 and "chép giữ lại" not in err and len(list(so.parent.glob(f"{so.stem}.truoc-*"))) == 1, err


def test_the_numbering_row_total_and_signer_lines_are_named_not_reported_as_failed_rows(so, tmp_path, capsys):
    export = kpi_exports.monthly_xlsx(tmp_path / "kpi_thang.xlsx")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--thu"], capsys)
    assert code == 0, err
    assert "«(3)»" not in err  # the row «(1) (2) (3) …» under the header is no one's result
    assert ("Ghi chú: Bỏ qua 3 dòng không có mã số, họ tên và kỳ (không phải kết quả của một người: dòng cộng, chữ "
            "ký …): dòng 31 «Tổng cộng», dòng 33 «Hà Giang Nam, ngày 05 tháng 01 năm 2027», dòng 34 «NGƯỜI LẬP "
            "BIỂU».") in err
    assert "dòng không nhập được" not in err


# -- the quarterly CSV saved by Excel --------------------------------------------------------------------------
def test_a_windows_1258_csv_whose_bytes_also_read_as_utf_16_is_read_as_windows_1258(so, tmp_path, capsys):
    export = kpi_exports.short_cp1258_csv(tmp_path / "kpi_quy.csv")
    export.read_bytes().decode("utf-16")  # the hazard: these bytes are valid UTF-16 (CJK) too
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "ma_so ← «Mã CBCC»" in err and "quy ← «Quý»" in err
    assert "KetQuaKy: thêm 0 dòng, thay 1 dòng cùng người, cùng kỳ, giữ nguyên 1 dòng đã có trong sổ với cùng kết quả." in err
    assert _periods(so, "VP-035")["2026-Q1"][0] == 25.5


@pytest.mark.parametrize("encoding", ["cp1258", "utf-8-sig"])
def test_quarters_a_missing_code_and_a_decomposed_name_are_placed(so, tmp_path, capsys, encoding):
    export = kpi_exports.quarterly_csv(tmp_path / "kpi_quy.csv", encoding)
    if encoding == "utf-8-sig":
        assert unicodedata.normalize("NFD", "Hoàng Văn Dũng").encode() in export.read_bytes()
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "KHÔNG NHẬP" not in err
    assert ("KetQuaKy: thêm 0 dòng, thay 10 dòng cùng người, cùng kỳ, giữ nguyên 2 dòng đã có trong sổ với cùng "
            "kết quả.") in err  # VP-032's Q1 and Q2 are the sample's
    assert _periods(so, "VP-034") == {"2026-Q1": (26.5, 100, 92.5, 85), "2026-Q2": (27, 100, 95, 90),
                                      "2026-Q3": (25, 90, 85, 80), "2026-Q4": (28, 100, 100, 95)}
    assert set(_periods(so, "VP-039").values()) == {(24.5, 100, 80, 70)}


def test_the_year_scores_are_the_export_s_worked_out_by_hand(so, tmp_path, capsys):
    for export in (kpi_exports.monthly_xlsx(tmp_path / "kpi_thang.xlsx"),
                   kpi_exports.quarterly_csv(tmp_path / "kpi_quy.csv")):
        code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
        assert code == 0, err
    r = rate(ingest.load(so))
    # ND 335: a period's score = general + 70 × (a + b + c) / 300; the year = the mean of the periods.
    # VP-007, Jan–Jun: 27.5 + 70 × 285.5 / 300 = 94.11666…; Jul–Dec: 26 + 70 × 275 / 300 = 90.16666…
    assert r.of("VP-007").diem == pytest.approx((94.116666666666667 + 90.166666666666667) / 2)  # 92.1416…
    # VP-034 (found by his name): Q1 26.5 + 64.75 = 91.25; Q2 27 + 66.5 = 93.5; Q3 25 + 59.5 = 84.5;
    # Q4 28 + 68.8333… = 96.8333…; mean 91.5208…
    assert r.of("VP-034").diem == pytest.approx((91.25 + 93.5 + 84.5 + 96.833333333333333) / 4)
    assert len(r.of("VP-034").diem_ky) == 4


# -- next month ------------------------------------------------------------------------------------------------
def test_next_month_s_cumulative_export_changes_only_what_changed_with_the_saved_mapping(so, tmp_path, capsys):
    export = kpi_exports.monthly_xlsx(tmp_path / "kpi_thang.xlsx")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0 and "Đã lưu ánh xạ cột" in err, err
    before = so.read_bytes()
    # the same export again (imported twice, or nothing new this month): nothing to replace, nothing written
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert f"Ánh xạ cột (theo tệp «{so.with_name('so.anh_xa_ket_qua.toml')}»)" in err
    assert "Không ghi sổ: KetQuaKy: giữ nguyên 25 dòng đã có trong sổ với cùng kết quả." in err
    assert "thay" not in err and so.read_bytes() == before
    # next month's export from January on, one month corrected by the KPI system: that row alone is replaced
    kpi_exports.MONTHLY[23] = kpi_exports.MONTHLY[23][:4] + ("26", "100", "90", "85")  # VP-026, December
    try:
        kpi_exports.monthly_xlsx(export)
    finally:
        kpi_exports.MONTHLY[23] = ("VP-026", "Nguyễn Thị An", "Phòng Khoa giáo - Văn xã", "12/2026", "25,5", "95",
                                   "85", "80")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert ("Đã ghi «" + str(so) + "»: KetQuaKy: thêm 0 dòng, thay 1 dòng cùng người, cùng kỳ, giữ nguyên 24 dòng "
            "đã có trong sổ với cùng kết quả.") in err
    assert _periods(so, "VP-026")["2026-12"] == (26, 100, 90, 85)
