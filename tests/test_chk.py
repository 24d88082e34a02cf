"""KPI exports whose column names repeat under group titles (tests/kpi_exports.py `grouped_xlsx`, `grouped_csv`:
«Số lượng», «Chất lượng», «Tiến độ» merged across, each over «Kế hoạch», «Thực hiện», «Tỷ lệ (%)»): the rates are
the «Tỷ lệ (%)» columns of their groups, never a plan or done count; what cannot be told is refused, naming the
columns. `hoso check`: a comparable group written as another unit's code."""

from __future__ import annotations

import shutil

import kpi_exports
import pytest
from fakes import run_main

from pipeline import ingest
from pipeline.resources import sample_workbook

pytestmark = pytest.mark.usefixtures("cli_in_process")


@pytest.fixture
def so(tmp_path):
    dest = tmp_path / "so.xlsx"
    shutil.copyfile(sample_workbook(2026), dest)
    return dest


def _periods(workbook, code):
    return {p.ky: (p.diem_tieu_chi_chung, p.a, p.b, p.c) for p in ingest.load(workbook).periods if p.ma_so == code}


def _build(fmt, path, names=kpi_exports.GROUP_NAMES, titles=kpi_exports.GROUP_TITLES, rows=None):
    return getattr(kpi_exports, f"grouped_{fmt}")(path.with_suffix(f".{fmt}"), names, titles, rows)


# -- the export's rates are its «Tỷ lệ (%)» columns -------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("names", [kpi_exports.GROUP_NAMES, ("Tỷ lệ (%)",), ("Thực hiện", "Tỷ lệ (%)")],
                         ids=["ke_hoach_thuc_hien_ty_le", "ty_le", "thuc_hien_ty_le"])
def test_each_rate_is_the_rate_column_under_its_own_group_title(so, tmp_path, capsys, fmt, names):
    """Before: the group titles' row was taken for the header, «Số lượng» (over «Kế hoạch») read as the quantity
    rate — VP-021's October imported as 10 % quantity, 10 % quality, 20 % timeliness — and, in the .xlsx, the
    column names' row reported as a person's row not imported."""
    export = _build(fmt, tmp_path / "kpi", names)
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert ("diem_tieu_chi_chung ← «Điểm tiêu chí chung»; ty_le_so_luong ← «Số lượng - Tỷ lệ (%)»; "
            "ty_le_chat_luong ← «Chất lượng - Tỷ lệ (%)»; ty_le_tien_do ← «Tiến độ - Tỷ lệ (%)»") in err
    assert "KetQuaKy: thêm 1 dòng, thay 1 dòng cùng người, cùng kỳ" in err
    assert "không được nhập" not in err and "Bỏ qua" not in err
    # the export's «Tỷ lệ (%)» cells: VP-021 October 100 / 90 / 85, VP-007 November 95 / 89,5 / 80
    assert _periods(so, "VP-021")["2026-10"] == (25.5, 100, 90, 85)
    assert _periods(so, "VP-007")["2026-11"] == (26, 95, 89.5, 80)


def test_the_saved_mapping_names_the_joined_headers_and_next_month_s_export_uses_it(so, tmp_path, capsys):
    export = _build("xlsx", tmp_path / "thang_10")
    assert run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)[0] == 0
    saved = so.with_name("so.anh_xa_ket_qua.toml").read_text(encoding="utf-8")
    assert 'ty_le_so_luong = "Số lượng - Tỷ lệ (%)"' in saved
    assert 'ty_le_chat_luong = "Chất lượng - Tỷ lệ (%)"' in saved and 'ty_le_tien_do = "Tiến độ - Tỷ lệ (%)"' in saved
    # the next export of the same screen, as CSV, a corrected VP-021 October: quality done 8 of 10, 80 %
    first = kpi_exports.GROUPED[0]
    again = _build("csv", tmp_path / "thang_10_sua", rows=[(*first[:5], ("10", "8", "80"), first[6])])
    code, err = run_main(["nhap-ket-qua", str(again), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "Ánh xạ cột (theo tệp «" in err and "ty_le_chat_luong ← «Chất lượng - Tỷ lệ (%)»" in err
    assert "không có trong tệp xuất" not in err
    assert _periods(so, "VP-021")["2026-10"] == (25.5, 100, 80, 85)


def test_a_mapping_saved_from_the_group_titles_before_is_read_again_from_the_rate_columns(so, tmp_path, capsys):
    """A workbook whose saved mapping was written by the old reading (ty_le_so_luong = "Số lượng", the title over
    «Kế hoạch»): the title is no longer a column of the export; the rate columns are taken, and the note says so."""
    so.with_name("so.anh_xa_ket_qua.toml").write_text(
        '[cot_thang]\nma_so = "Mã CBCC"\nho_ten = "Họ và tên"\nthang = "Tháng"\n'
        'diem_tieu_chi_chung = "Điểm tiêu chí chung"\nty_le_so_luong = "Số lượng"\nty_le_chat_luong = "Chất lượng"\n'
        'ty_le_tien_do = "Tiến độ"\n', encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(_build("csv", tmp_path / "kpi")), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "Cột «Số lượng» (ánh xạ cho «ty_le_so_luong») không có trong tệp xuất; chương trình tự nhận lại" in err
    assert _periods(so, "VP-021")["2026-10"] == (25.5, 100, 90, 85)


def test_one_group_of_counts_and_rate_is_read_by_its_title(so, tmp_path, capsys):
    """One group only («Số lượng» over «Kế hoạch», «Thực hiện», «Tỷ lệ (%)»: no name repeats): the names mean
    nothing alone, so they are joined to the title all the same; the rate is «Tỷ lệ (%)» (95), not the plan (20)."""
    export = _build("xlsx", tmp_path / "kpi", titles=("Số lượng",))
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--thu"], capsys)
    assert code == 0, err
    assert "ty_le_so_luong ← «Số lượng - Tỷ lệ (%)»" in err
    assert "ty_le_chat_luong" not in err and "ty_le_tien_do" not in err


# -- refused when the rate cannot be told ------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_groups_of_plan_and_done_counts_only_are_refused_naming_their_columns(so, tmp_path, capsys, fmt):
    before = so.read_bytes()
    export = _build(fmt, tmp_path / "kpi", ("Kế hoạch", "Thực hiện"))
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 3, err
    row = 4 if fmt == "xlsx" else 3  # the column names' row
    assert (f"Sheet «kpi.{fmt}», dòng {row}: Dưới tiêu đề nhóm «Chất lượng» không có cột tỷ lệ (%): «Chất lượng - Kế "
            "hoạch» (cột H), «Chất lượng - Thực hiện» (cột I) là số đếm (kế hoạch, thực hiện), không phải «Chất lượng "
            "(%)»; chương trình không lấy tỷ lệ (%) từ các cột này. Cần: một cột tỷ lệ (%) dưới tiêu đề «Chất lượng» "
            "(ví dụ «Tỷ lệ (%)»): xuất lại tệp kèm cột đó.") in err
    assert "Dưới tiêu đề nhóm «Số lượng» không có cột tỷ lệ (%): «Số lượng - Kế hoạch» (cột F)" in err
    assert "Dưới tiêu đề nhóm «Tiến độ» không có cột tỷ lệ (%): «Tiến độ - Kế hoạch» (cột J)" in err
    # the closing line says it as an import of that file (not «Sổ Excel … chưa tạo hồ sơ nào»)
    assert f"Tệp xuất «kpi.{fmt}» có 3 lỗi; chưa nhập gì vào sổ. Sửa các chỗ được nêu rồi chạy lại." in err
    assert "chưa tạo hồ sơ nào" not in err
    assert so.read_bytes() == before
    assert not so.with_name("so.anh_xa_ket_qua.toml").exists()


def test_two_columns_of_a_group_neither_named_a_rate_are_refused_then_imported_with_the_clerk_s_mapping(
        so, tmp_path, capsys):
    export = _build("csv", tmp_path / "kpi", ("Tự chấm", "Cấp trên chấm"))
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 3, err
    assert ("Dưới tiêu đề nhóm «Tiến độ» có các cột «Tiến độ - Tự chấm» (cột J), «Tiến độ - Cấp trên chấm» (cột K): "
            "không biết cột nào là «Tiến độ (%)». Cần: ghi tệp ánh xạ (bảng [cot], ví dụ ty_le_tien_do = \"Tiến độ - "
            "Tự chấm\" nếu đó là cột đúng) rồi chạy lại với --anh-xa TỆP") in err
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nty_le_so_luong = "Số lượng - Cấp trên chấm"\nty_le_chat_luong = "Chất lượng - Cấp trên '
                    'chấm"\nty_le_tien_do = "Tiến độ - Cấp trên chấm"\n', encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mine)], capsys)
    assert code == 0, err
    assert _periods(so, "VP-007")["2026-11"] == (26, 95, 89.5, 80)


def test_two_rate_columns_in_one_group_are_refused(so, tmp_path, capsys):
    export = _build("xlsx", tmp_path / "kpi", ("Tỷ lệ (%)", "Tỷ lệ quy đổi (%)"))
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 3, err
    assert ("Dưới tiêu đề nhóm «Số lượng» có nhiều cột tỷ lệ (%): «Số lượng - Tỷ lệ (%)» (cột F), «Số lượng - Tỷ lệ "
            "quy đổi (%)» (cột G); không biết cột nào là «Số lượng (%)».") in err


def test_a_mapping_naming_a_count_column_for_a_rate_is_refused(so, tmp_path, capsys):
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nty_le_so_luong = "Số lượng - Kế hoạch"\n', encoding="utf-8")
    export = _build("csv", tmp_path / "kpi")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mine)], capsys)
    assert code == 3, err
    assert ("Ánh xạ ghi ty_le_so_luong = «Số lượng - Kế hoạch»: cột này là số đếm (kế hoạch, thực hiện), không phải "
            "«Số lượng (%)».") in err


def test_a_mapping_naming_one_column_for_two_keys_is_refused(so, tmp_path, capsys):
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nty_le_so_luong = "Số lượng - Tỷ lệ (%)"\nty_le_chat_luong = "Số lượng - Tỷ lệ (%)"\n',
                    encoding="utf-8")
    export = _build("csv", tmp_path / "kpi")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mine)], capsys)
    assert code == 3, err
    assert ("Ánh xạ ghi cùng một cột «Số lượng - Tỷ lệ (%)» (cột H) cho ty_le_so_luong, ty_le_chat_luong; mỗi cột của "
            "tệp xuất chỉ dùng cho một cột của sổ.") in err


def test_a_one_row_header_with_the_same_rate_name_twice_is_refused(so, tmp_path, capsys):
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CBCC;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng (%);Chất lượng (%);Chất lượng (%)\n"
                      "VP-021;Huỳnh Văn Cường;10/2026;25,5;100;90;45\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 3, err
    assert ("Có 2 cột cùng tiêu đề: «Chất lượng (%)» (cột F), «Chất lượng (%)» (cột G); không biết cột nào là «Chất "
            "lượng (%)».") in err


def test_a_one_row_header_s_plan_count_is_not_taken_for_the_rate(so, tmp_path, capsys):
    """«Số lượng kế hoạch» contains «số lượng»: before, with no rate column, it was taken for the quantity rate."""
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CBCC;Họ và tên;Tháng;Điểm tiêu chí chung;Số lượng kế hoạch;Số lượng thực hiện\n"
                      "VP-021;Huỳnh Văn Cường;10/2026;25,5;12;11\n", encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so)], capsys)
    assert code == 0, err
    assert "ty_le_so_luong" not in err
    assert _ket_qua_ky(so, "VP-021", "2026-10") == {"diem_tieu_chi_chung": 25.5, "ty_le_so_luong": None}


def _ket_qua_ky(workbook, code, period):
    """The workbook's KetQuaKy row of `code` and `period` as written (the sample's header: the keys): its general
    score and quantity rate cells."""
    import openpyxl

    ws = openpyxl.load_workbook(workbook)["KetQuaKy"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[head.index("ma_so")] == code and row[head.index("ky")] == period:
            return {h: row[head.index(h)] for h in ("diem_tieu_chi_chung", "ty_le_so_luong")}
    raise AssertionError(f"no KetQuaKy row of {code} {period}")


# -- hoso check: a comparable group written with another unit's code ---------------------------------------------
ANOTHER = "sẽ được tính tỷ lệ Hoàn thành xuất sắc nhiệm vụ chung với người của"  # the words of the warning


def _sample_with_groups(tmp_path, groups):
    """The 2026 sample with NhanSu «Nhóm tương đồng» of the people `groups` written anew; their rows and the
    column letters (group, unit) of the sheet."""
    import openpyxl

    book = openpyxl.load_workbook(sample_workbook(2026))
    ws = book["NhanSu"]
    head = [c.value for c in ws[1]]
    group, unit = head.index("nhom_tuong_dong"), head.index("ma_don_vi")
    rows = {}
    for r in ws.iter_rows(min_row=2):
        if r[0].value in groups:
            r[group].value = groups[r[0].value]
            rows[r[0].value] = r[0].row
    path = tmp_path / "so.xlsx"
    book.save(path)
    return path, rows, ws.cell(row=1, column=group + 1).column_letter, ws.cell(row=1, column=unit + 1).column_letter


def test_people_of_one_unit_in_a_group_written_with_another_unit_s_code_are_warned(tmp_path, capsys):
    """VP-026 and VP-027 (unit KGVX, Phòng Khoa giáo - Văn xã) written in «TH/chuyen_vien», the group of Phòng Tổng
    hợp's chuyên viên (VP-016 … VP-023); VP-032 (CBTH) in «TH/vien_chuc»: one warning per group and unit, at the first
    cell, naming the cells and what the group would be with their own unit. The sample's own groups (TH's people in
    «TH/chuyen_vien», CBTH's in «CBTH/vien_chuc») are not warned."""
    path, rows, group, unit = _sample_with_groups(
        tmp_path, {"VP-026": "TH/chuyen_vien", "VP-027": "TH/chuyen_vien", "VP-032": "TH/vien_chuc"})
    assert rows["VP-027"] == rows["VP-026"] + 1
    found = sorted((p.sheet, p.row, p.column, p.value, p.message, p.expected)
                   for p in ingest.check(path) if ANOTHER in p.message)
    first = rows["VP-026"]
    assert found == [
        ("NhanSu", first, group, "TH/chuyen_vien",
         f"Nhóm tương đồng «TH/chuyen_vien» ở 2 dòng ({group}{first}:{group}{first + 1}) ghi theo mã đơn vị «TH» (Phòng "
         f"Tổng hợp), nhưng những người này thuộc đơn vị «KGVX» (Phòng Khoa giáo - Văn xã; cột {unit} «ma_don_vi»): "
         "những người này sẽ được tính tỷ lệ Hoàn thành xuất sắc nhiệm vụ chung với người của Phòng Tổng hợp, nhóm in "
         "là «Chuyên viên – Phòng Tổng hợp» (sửa mã đơn vị hàng loạt, hoặc chuyển đơn vị, mà nhóm chưa sửa theo?).",
         "«KGVX/chuyen_vien» (mã đơn vị của những người này trong sheet NhanSu), hoặc tên nhóm viết bằng chữ nếu nhóm "
         "cố ý gồm người của nhiều đơn vị"),
        ("NhanSu", rows["VP-032"], group, "TH/vien_chuc",
         f"Nhóm tương đồng «TH/vien_chuc» ghi theo mã đơn vị «TH» (Phòng Tổng hợp), nhưng người này thuộc đơn vị «CBTH» "
         f"(Trung tâm Công báo - Tin học; ô {unit}{rows['VP-032']} «ma_don_vi»): người này sẽ được tính tỷ lệ Hoàn "
         "thành xuất sắc nhiệm vụ chung với người của Phòng Tổng hợp, nhóm in là «Viên chức – Phòng Tổng hợp» (sửa mã "
         "đơn vị hàng loạt, hoặc chuyển đơn vị, mà nhóm chưa sửa theo?).",
         "«CBTH/vien_chuc» (mã đơn vị của người này trong sheet NhanSu), hoặc tên nhóm viết bằng chữ nếu nhóm cố ý gồm "
         "người của nhiều đơn vị"),
    ]
    code, err = run_main(["check", str(path)], capsys)
    assert code == 0, err  # a warning: the workbook still builds
    assert (f"CẢNH BÁO Sheet «NhanSu», dòng {rows['VP-032']}, cột {group} «nhom_tuong_dong» (ô {group}{rows['VP-032']}): "
            "Nhóm tương đồng «TH/vien_chuc» ghi theo mã đơn vị «TH»") in err
    assert "Cần: «CBTH/vien_chuc»" in err


def test_the_warning_names_the_sheets_and_columns_as_the_workbook_does(tmp_path):
    """Sheets and columns named by their Vietnamese labels (as `hoso init` writes them); NS-05 (unit SN) in «HC/lanh_dao»,
    the group NS-01 (HC) is in too: only NS-05 is warned."""
    import workbook_factory as factory

    from pipeline.ingest import schema

    t = factory.tables()
    for person in t["NhanSu"]:
        person["nhom_tuong_dong"] = {"NS-01": "HC/lanh_dao", "NS-05": "HC/lanh_dao"}.get(person["ma_so"], "")
    path = factory.write(tmp_path / "so.xlsx", t, headers="label", sheet_names="label")
    [p] = [p for p in ingest.check(path) if ANOTHER in p.message]
    staff = schema.SHEETS_BY_KEY["NhanSu"]
    labels = {c.key: c.label for c in staff.columns}
    assert (p.sheet, p.row, p.column, p.header, p.value) == (staff.label, 6, factory.letter("NhanSu", "nhom_tuong_dong"),
                                                             labels["nhom_tuong_dong"], "HC/lanh_dao")
    assert f"«SN» (Trung tâm Tin học; ô {factory.letter('NhanSu', 'ma_don_vi')}6 «{labels['ma_don_vi']}»)" in p.message
    assert p.expected.startswith(f"«SN/lanh_dao» (mã đơn vị của người này trong sheet «{staff.label}»)")


@pytest.mark.parametrize("name", ["mau_2024", "mau_2026", "su_nghiep_2026", "xa_2026", "trung_tam_2026", "truong_2026"])
def test_no_sample_or_test_workbook_puts_a_person_in_another_unit_s_group(name, tmp_path):
    """The brief's question, answered by the workbooks themselves: none writes another unit's code on purpose."""
    import importlib

    if name.startswith("mau_"):
        path = sample_workbook(int(name[-4:]))
    else:
        path = importlib.import_module(name).write(tmp_path / f"{name}.xlsx")
    assert not [p for p in ingest.check(path) if ANOTHER in p.message]


def test_a_code_of_no_unit_gets_the_other_warning_only(tmp_path):
    """«TT/vien_chuc» (no unit TT): the stale-code warning (tests/test_nho.py), not this one, which needs the code to be
    a unit's."""
    path, rows, _, _ = _sample_with_groups(tmp_path, {"VP-026": "TT/vien_chuc"})
    problems = [p for p in ingest.check(path) if p.row == rows["VP-026"] and "«TT/vien_chuc»" in p.message]
    assert len(problems) == 1 and "sheet DonVi không có đơn vị mã «TT»" in problems[0].message


def test_a_mapping_naming_a_leader_s_rate_whose_name_holds_thuc_hien_is_not_taken_for_a_count(so, tmp_path, capsys):
    """«Tổ chức thực hiện» is the name of the leader's rate đ) (năng lực tổ chức thực hiện), «thực hiện» in it no
    count: the clerk's mapping is used. VP-004 (Trưởng phòng HCQT) October: đ) 90."""
    export = tmp_path / "kpi.csv"
    export.write_text("NV;KY;P30;Tổ chức thực hiện\nVP-004;2026-10;27;90\n", encoding="utf-8")
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nma_so = "NV"\nky = "KY"\ndiem_tieu_chi_chung = "P30"\n'
                    'ty_le_to_chuc_thuc_hien = "Tổ chức thực hiện"\n', encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mine), "--thu"], capsys)
    assert code == 0, err
    assert "ty_le_to_chuc_thuc_hien ← «Tổ chức thực hiện»" in err


def test_a_mapping_naming_a_header_the_export_has_twice_is_refused(so, tmp_path, capsys):
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CBCC;Tháng;Điểm tiêu chí chung;Chất lượng (%);Chất lượng (%)\n"
                      "VP-021;10/2026;25,5;90;45\n", encoding="utf-8")
    mine = tmp_path / "anh_xa.toml"
    mine.write_text('[cot]\nty_le_chat_luong = "Chất lượng (%)"\n', encoding="utf-8")
    code, err = run_main(["nhap-ket-qua", str(export), "--vao", str(so), "--anh-xa", str(mine)], capsys)
    assert code == 3, err
    assert ("Ánh xạ ghi ty_le_chat_luong = «Chất lượng (%)», nhưng tệp xuất có nhiều cột tiêu đề «Chất lượng (%)»: "
            "«Chất lượng (%)» (cột D), «Chất lượng (%)» (cột E).") in err
