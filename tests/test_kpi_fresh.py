"""A clerk imports exports of a provincial KPI system nobody here designed (session twelve, kpifresh): the system
numbers its staff its own way («CB000123»), writes a title block and a signer's block around the table, a name with
a title («Ông …») or decomposed diacritics, the decree's own words for a leader's rates; a quarterly CSV saved by
Excel after a monthly export; a products export whose title line sits over the header. Each export is built here;
the commune of tests/xa_2026.py receives it with some people's results left out."""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata

import openpyxl
import pytest
import xa_2026
from fakes import run_main
from openpyxl.utils import get_column_letter

from pipeline import ingest
from pipeline.rating import rate

pytestmark = pytest.mark.usefixtures("cli_in_process")

LEFT_OUT = {"X-05", "X-06", "X-07", "X-15", "X-16"}  # their KetQuaKy rows are what the exports bring


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    data = xa_2026.tables()
    data["KetQuaKy"] = [r for r in data["KetQuaKy"] if r["ma_so"] not in LEFT_OUT]
    return xa_2026.wf.write(tmp_path_factory.mktemp("kpifresh") / "xa.xlsx", data)


@pytest.fixture
def so(base, tmp_path):
    dest = tmp_path / "so.xlsx"
    shutil.copyfile(base, dest)
    return dest


def _periods(workbook, code):
    return {p.ky: (p.diem_tieu_chi_chung, p.a, p.b, p.c, p.d, p.dd, p.e)
            for p in ingest.load(workbook).periods if p.ma_so == code}


# (KPI code, name as exported, months, general, a, b, c, d, đ, e) — text with decimal commas, as the system writes
MONTHLY = [
    ("CB000105", "Phạm Thị Thu", range(1, 13), "26,5", "95", "90", "90", "100", "90", "85"),
    ("CB000106", "Đỗ Minh Khang", range(1, 13), "27,5", "100", "95", "100", None, None, None),
    ("CB000107", unicodedata.normalize("NFD", "Vũ Thị Ngọc Ánh"), range(1, 13), "28", "100", "100", "100", None, None,
     None),
    ("CB000116", "Ông Dương Văn Bình", range(1, 13), "25", "90", "90", "90", None, None, None),
    ("CB000199", "Nguyễn Thị Bích", range(1, 4), "26", "100", "90", "90", None, None, None),  # not in the workbook
    ("CB000108", "Bùi Văn Năm", range(1, 3), "20", "50", "50", "50", None, None, None),  # X-08 is «Bùi Văn Nam»
]


def _monthly_export(path):
    """The monthly export: a title block, «Kết quả thực hiện nhiệm vụ» and the leaders' group merged over «Số lượng
    (%)» … on two header rows, the other headers merged down, a hidden column, months «Tháng 1/2026» and «02/2026», a
    «Tổng cộng» row and a signer's block whose lines sit in the name column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "HỆ THỐNG ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ, CÔNG CHỨC TRỰC TUYẾN TỈNH HÀ GIANG NAM"
    ws["A2"] = "Đơn vị: Ủy ban nhân dân xã Tân Phước"
    ws["A3"] = "Kỳ xuất: Từ tháng 01/2026 đến tháng 12/2026"
    ws["A4"] = "Ngày xuất: 05/12/2026 14:32"
    ws["A6"] = "BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ HÀNG THÁNG"
    ws.merge_cells("A6:P6")
    top = ["STT", "Mã cán bộ", "Họ và tên", "Chức vụ", "Tháng", "Mã nội bộ", "Điểm tiêu chí chung (tối đa 30)",
           "Kết quả thực hiện nhiệm vụ", None, None, "Tiêu chí đối với người lãnh đạo, quản lý", None, None,
           "Tổng điểm", "Xếp loại tháng"]
    sub = {8: "Số lượng (%)", 9: "Chất lượng (%)", 10: "Tiến độ (%)", 11: "Kết quả hoạt động của đơn vị phụ trách (%)",
           12: "Năng lực tổ chức triển khai (%)", 13: "Năng lực tập hợp, đoàn kết (%)"}
    for c, v in enumerate(top, 1):
        if v is not None:
            ws.cell(7, c, v)
    for c, v in sub.items():
        ws.cell(8, c, v)
    for c in (1, 2, 3, 4, 5, 6, 7, 14, 15):
        ws.merge_cells(f"{get_column_letter(c)}7:{get_column_letter(c)}8")
    ws.merge_cells("H7:J7")
    ws.merge_cells("K7:M7")
    ws.column_dimensions["F"].hidden = True
    r = 9
    for code, name, months, general, a, b, c, d, dd, e in MONTHLY:
        for m in months:
            ws.append([r - 8, code, name, "Công chức", f"Tháng {m}/2026" if m % 2 else f"{m:02d}/2026", f"ID{r}",
                       general, a, b, c, d, dd, e, 88.5, "HTT"])
            r += 1
    ws.cell(r, 1, "Tổng cộng")
    ws.merge_cells(f"A{r}:F{r}")
    ws.cell(r, 7, "1.234,5")
    ws.cell(r + 2, 3, "Người lập biểu")
    ws.cell(r + 2, 11, "Tân Phước, ngày 05 tháng 12 năm 2026")
    ws.cell(r + 3, 3, "(Ký, ghi rõ họ tên)")
    ws.cell(r + 6, 3, "Lê Thị Kế Toán")
    wb.save(path)
    return path, r


def test_a_monthly_export_numbering_its_staff_its_own_way_is_matched_by_name(so, tmp_path, capsys):
    export, total_row = _monthly_export(tmp_path / "xuat_thang.xlsx")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    # the system's codes are none of the workbook's: said once, and the people found by their names
    assert ("Ghi chú: Cột «Mã cán bộ» của tệp xuất không có mã số nào của sheet NhanSu («CB000105», «CB000106», "
            "«CB000107» …): đây là mã riêng của phần mềm theo dõi; chương trình đối chiếu người theo họ và tên (cột "
            "«Họ và tên», chỉ khi tên không trùng).") in err
    assert "mã số «CB0" not in err
    # Thu (a leader, with the decree's words for d and đ), Khang, Ánh (decomposed), Bình («Ông …»): 4 × 12 months
    assert "KetQuaKy: thêm 48 dòng, thay 0 dòng" in err
    assert _periods(so, "X-05")["2026-07"] == (26.5, 95, 90, 90, 100, 90, 85)
    assert _periods(so, "X-06")["2026-02"] == (27.5, 100, 95, 100, None, None, None)
    assert len(_periods(so, "X-07")) == 12 and len(_periods(so, "X-16")) == 12
    # the signer's lines under the table are nobody's results: named in a note, not «không nhập được»
    assert (f"Ghi chú: Bỏ qua 3 dòng chỉ có chữ ở cột họ tên hoặc mã, không có kỳ và điểm nào (dòng cộng, chữ ký dưới "
            f"bảng, không phải kết quả của một người): dòng {total_row + 2} «Người lập biểu», dòng {total_row + 3} "
            f"«(Ký, ghi rõ họ tên)», dòng {total_row + 6} «Lê Thị Kế Toán».") in err
    assert f"dòng {total_row} «Tổng cộng»" in err
    # a stranger's three months: one line; a name written with other diacritics than a person's: not theirs
    assert ("  KHÔNG NHẬP  Dòng 57–59 (Nguyễn Thị Bích): họ tên «Nguyễn Thị Bích» không có trong sheet NhanSu (người "
            "chưa có trong sổ: thêm vào sheet NhanSu rồi nhập lại; tên viết khác trong sổ: sửa cho giống nhau); 3 dòng "
            "này không được nhập.") in err
    assert ("  KHÔNG NHẬP  Dòng 60–61 (Bùi Văn Năm): họ tên «Bùi Văn Năm» khác dấu với «Bùi Văn Nam» (X-08) trong "
            "sheet NhanSu: không biết có phải một người; sửa tên trong sổ hoặc trong tệp xuất cho giống nhau; 2 dòng "
            "này không được nhập.") in err
    assert _periods(so, "X-08")["2026-01"] == (25, 90, 90, 90, None, None, None)  # X-08's own month untouched
    assert "5 dòng không nhập được" in err
    # the numbers the program does not take are named (it works out the total itself)
    assert "Các cột có số sau của tệp xuất không dùng: «Tổng điểm» (cột N)" in err

    # Khang's year by hand (workbook-2026.md): every month 27.5 + 70 × (100 + 95 + 100) / 300 = 96.8333…
    assert rate(ingest.load(so)).of("X-06").diem == pytest.approx(27.5 + 70 * 295 / 300)

    # the same export again: nothing doubled
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "Không ghi sổ: KetQuaKy: giữ nguyên 48 dòng đã có trong sổ với cùng kết quả." in err
    assert len(_periods(so, "X-06")) == 12


def _quarterly_csv(path):
    """Excel's «CSV» on a Vietnamese Windows: Windows-1258 (tone marks as combining characters), «;», CRLF."""
    rows = [["Kết quả đánh giá theo quý - UBND xã Tân Phước"], [],
            ["STT", "Mã CB", "Họ và tên", "Phòng ban", "Kỳ đánh giá", "Điểm tiêu chí chung", "Tỷ lệ số lượng",
             "Tỷ lệ chất lượng", "Tỷ lệ tiến độ", "Ghi chú"]]
    scores = [("26", "100", "90", "80"), ("25,5", "95", "90", "85"), ("27", "100", "100", "95"), ("26", "90", "90", "90")]
    for q, (g, a, b, c) in enumerate(scores, start=1):
        rows.append([q, f"CB0000{q}", "Châu Thị Lệ", "Phòng Văn hóa - Xã hội", f"Quý {'I' * q if q < 4 else 'IV'}/2026",
                     g, a, b, c, ""])
    rows.append(["", "", "Tổng số: 4 lượt"])
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    out = []
    for ch in buf.getvalue():  # precomposed where the code page has the letter, the tone mark apart
        try:
            ch.encode("cp1258")
            out.append(ch)
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in d[1:] if m in "\u0300\u0301\u0303\u0309\u0323")
            out.append(unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m not in tones)) + tones)
    path.write_bytes("".join(out).encode("cp1258"))
    return path


def test_a_quarterly_csv_after_a_monthly_export_is_read_by_its_own_headers(so, tmp_path, capsys):
    monthly, _ = _monthly_export(tmp_path / "xuat_thang.xlsx")
    code, err = run_main(["nhap-ket-qua", str(monthly), "--vao", str(so)], capsys)
    assert code == 0, err
    export = _quarterly_csv(tmp_path / "xuat_quy.csv")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    # the monthly export's saved mapping names none of these columns: not used, not reported column by column
    assert ("Ánh xạ cột (tự nhận theo tiêu đề cột): ma_so ← «Mã CB»; ho_ten ← «Họ và tên»; don_vi ← «Phòng ban»; "
            "ky ← «Kỳ đánh giá»") in err
    assert "không có trong tệp xuất" not in err
    assert "dòng «Tổng số: 4 lượt»" not in err and "dòng 8 «Tổng số: 4 lượt»" in err
    assert "KetQuaKy: thêm 4 dòng, thay 0 dòng" in err
    assert _periods(so, "X-15")["2026-Q2"] == (25.5, 95, 90, 85, None, None, None)
    # Lệ's year by hand: the mean of (26 + 70·270/300, 25.5 + 70·270/300, 27 + 70·295/300, 26 + 70·270/300)
    assert rate(ingest.load(so)).of("X-15").diem == pytest.approx((89 + 88.5 + 95.833333333333333 + 89) / 4)
    # both kinds' mappings are kept, each in its table
    saved = (so.parent / "so.anh_xa_ket_qua.toml").read_text(encoding="utf-8")
    assert '[cot_thang]' in saved and '[cot_quy]' in saved and 'ma_so = "Mã cán bộ"' in saved


def test_a_products_export_whose_title_line_sits_over_the_header(so, tmp_path, capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "HỆ THỐNG QUẢN LÝ CÔNG VIỆC - DANH SÁCH SẢN PHẨM THEO THÁNG"
    ws["A2"] = "Đơn vị: UBND xã Tân Phước - Tháng 11/2026"
    ws.append([])
    ws.append(["STT", "Họ và tên", "Tháng", "Tên sản phẩm", "Hệ số", "Hoàn thành", "Số lần không đạt", "Số lần chậm",
               "Lý do khách quan"])
    ws.append([1, "Bùi Văn Nam", "Tháng 11/2026", "Báo cáo kinh tế - xã hội tháng 11", "2", "Có", 0, 1, "Không"])
    ws.append([2, "Bùi Văn Nam", "Tháng 11/2026", "Tờ trình kế hoạch vốn 2027", "1,5", "Có", 1, 0, "Không"])
    ws.append([3, "Bùi Văn Nam", "Tháng 11/2026", "Thống kê hồ sơ một cửa", "1", "Không", 0, 0, "Không"])
    ws.append(["Cộng: 3 sản phẩm"])
    export = tmp_path / "san_pham.xlsx"
    wb.save(export)
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "hoan_thanh ← «Hoàn thành»;" in err  # not «Đơn vị: UBND xã Tân Phước - Tháng 11/2026 - Hoàn thành»
    assert "SanPham: thêm 3 dòng sản phẩm" in err
    # November by hand (workbook-2026.md), weights 2, 1.5, 1 (Σ 4.5), the third not done:
    # a = 100·3.5/4.5; b = 100·(2 + 1.5·0.75)/4.5; c = 100·(2·0.75 + 1.5)/4.5; score 25 + 70·(a + b + c)/300
    a, b, c = 350 / 4.5, 312.5 / 4.5, 300 / 4.5
    nov = next(p for p in rate(ingest.load(so)).of("X-08").diem_ky if p.ky == "2026-11")
    assert nov.diem == pytest.approx(25 + 70 * (a + b + c) / 300)


def test_a_leaders_rates_found_in_part_are_said(so, tmp_path, capsys):
    export = tmp_path / "thang.csv"
    export.write_text("Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%);"
                      "Đơn vị hoàn thành chỉ tiêu (%);Điều hành (%);Năng lực tập hợp, đoàn kết (%)\n"
                      "Phạm Thị Thu;01/2026;26;95;90;90;100;90;85\n", encoding="utf-8-sig")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--thu"], capsys)
    assert code == 0, err
    assert ("Ghi chú: Tệp xuất có cột «Năng lực tập hợp, đoàn kết (%)» của người lãnh đạo, quản lý nhưng chương trình "
            "không nhận ra cột «Kết quả đơn vị phụ trách (%)», «Năng lực tổ chức thực hiện (%)»") in err
    # the unknown columns are named («hoàn thành» in one: not a product's «Hoàn thành» in an export of results)
    assert "«Đơn vị hoàn thành chỉ tiêu (%)» (cột G), «Điều hành (%)» (cột H)" in err
    assert "KetQuaKy: thêm 1 dòng" in err
    # she does as told: a mapping naming the two columns, the others still recognised by name
    mapping = tmp_path / "anh_xa.toml"
    mapping.write_text('[cot]\nty_le_ket_qua_don_vi = "Đơn vị hoàn thành chỉ tiêu (%)"\n'
                       'ty_le_to_chuc_thuc_hien = "Điều hành (%)"\n', encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mapping)], capsys)
    assert code == 0, err
    assert "không nhận ra cột" not in err
    assert _periods(so, "X-05") == {"2026-01": (26, 95, 90, 90, 100, 90, 85)}


def test_two_people_of_one_name_are_told_apart_by_the_export_s_unit(base, tmp_path, capsys):
    wb = openpyxl.load_workbook(base)
    ws = wb["NhanSu"]
    keys = [c.value for c in ws[1]]
    khang = dict(zip(keys, [c.value for c in ws[7]], strict=True))
    assert khang["ma_so"] == "X-06" and khang["ma_don_vi"] == "VP"
    ws.append([{**khang, "ma_so": "X-18", "ma_don_vi": "KT"}[k] for k in keys])  # another Đỗ Minh Khang, Phòng Kinh tế
    so = tmp_path / "so.xlsx"
    wb.save(so)
    export = tmp_path / "thang.csv"
    export.write_text("Họ và tên;Phòng ban;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "Đỗ Minh Khang;Phòng Kinh tế;01/2026;24;90;90;90\n"
                      "Đỗ Minh Khang;VP;01/2026;27;100;100;100\n"
                      "Đỗ Minh Khang;Phòng Tư pháp;02/2026;25;95;95;95\n", encoding="utf-8-sig")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "don_vi ← «Phòng ban»" in err
    # by the unit's name (DonVi) and by its code
    assert _periods(so, "X-18") == {"2026-01": (24, 90, 90, 90, None, None, None)}
    assert _periods(so, "X-06") == {"2026-01": (27, 100, 100, 100, None, None, None)}  # not February: unplaced
    assert ("  KHÔNG NHẬP  Dòng 4 (Đỗ Minh Khang): họ tên «Đỗ Minh Khang» trùng nhiều người trong sheet NhanSu (X-06, "
            "X-18); đơn vị «Phòng Tư pháp» của tệp xuất không phải tên hay mã đơn vị (sheet DonVi) của đúng một người "
            "trong số đó; cần cột mã số của sổ, hoặc cột đơn vị ghi như tên hay mã đơn vị ở sheet DonVi, trong tệp xuất "
            "để biết là ai; dòng này không được nhập.") in err
