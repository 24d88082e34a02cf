"""`hoso check`: one message per fault naming the right cell; unusual but valid workbooks pass;
unreadable files give a clear message and exit 4; a workbook with errors never reaches the
output folder; arbitrary cell values never cause a traceback; 10,000 people in under 5 s."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ingest
from pipeline.cli import main
from pipeline.errors import InputUnreadable
from pipeline.ingest import cells, legacy, schema, xlsx
from pipeline.ingest.problems import Problem

ERR, WARN = "loi", "canh_bao"


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def ns(i: int) -> int:
    """Row of the i-th person of workbook_factory.tables() in NhanSu."""
    return i + 2


def L(sheet: str, key: str) -> str:
    return wf.letter(sheet, key)


def person(d, i, **kw):
    d["NhanSu"][i].update(kw)


def agency(d, field, value):
    d["CoQuan"] = [(f, value if f == field else v) for f, v in d["CoQuan"]]
    if field not in dict(d["CoQuan"]):
        d["CoQuan"].append((field, value))


def agency_row(field) -> int:
    return [f for f, _ in wf.tables()["CoQuan"]].index(field) + 2


# (id, mutation of the tables, [(severity, sheet, row, column letter or None, fragment of the message)])
CASES = [
    ("missing_required_value", lambda d: person(d, 0, ho_ten=None),
     [(ERR, "NhanSu", 2, "B", "Thiếu «Họ và tên» (bắt buộc)")]),
    ("impossible_date", lambda d: person(d, 1, ngay_sinh="31/02/1980"),
     [(ERR, "NhanSu", 3, "C", "Ngày không có thật")]),
    ("date_in_another_format", lambda d: person(d, 1, ngay_sinh="1980-02-03"),
     [(ERR, "NhanSu", 3, "C", "dd/mm/yyyy")]),
    ("two_digit_year", lambda d: person(d, 1, ngay_sinh="03/02/80"),
     [(ERR, "NhanSu", 3, "C", "4 chữ số")]),
    ("text_in_number_column", lambda d: d["BieuQuyet"][0].update(so_nguoi_du_hop="ba"),
     [(ERR, "BieuQuyet", 2, "B", "một số nguyên")]),
    ("ambiguous_number_text", lambda d: d["BieuQuyet"][0].update(so_nguoi_du_hop="3.000"),
     [(ERR, "BieuQuyet", 2, "B", "không rõ")]),
    ("months_out_of_range", lambda d: person(d, 2, so_thang_cong_tac=13),
     [(ERR, "NhanSu", 4, L("NhanSu", "so_thang_cong_tac"), "từ 0 đến 12")]),
    ("unknown_code", lambda d: person(d, 2, vai_tro="giam_doc"),
     [(ERR, "NhanSu", 4, L("NhanSu", "vai_tro"), "truong (Người đứng đầu)")]),
    ("unknown_level", lambda d: person(d, 1, tu_xep_loai="Tốt"),
     [(ERR, "NhanSu", 3, L("NhanSu", "tu_xep_loai"), "HTXS, HTT, HT, KHT")]),
    ("bad_yes_no", lambda d: person(d, 1, dang_vien="có lẽ"),
     [(ERR, "NhanSu", 3, L("NhanSu", "dang_vien"), "Có hoặc Không")]),
    ("duplicate_ma_so", lambda d: person(d, 5, ma_so="ns-05"),
     [(ERR, "NhanSu", 7, "A", "Trùng mã số")]),
    ("duplicate_ma_don_vi", lambda d: d["DonVi"].append(dict(ma_don_vi="hc", ten_don_vi="Phòng khác", loai_don_vi="hanh_chinh")),
     [(ERR, "DonVi", 4, "A", "Trùng mã đơn vị")]),
    ("unknown_unit", lambda d: person(d, 4, ma_don_vi="XX"),
     [(ERR, "NhanSu", 6, "E", "Mã đơn vị không có trong sheet DonVi")]),
    ("unknown_person_TuDanhGia", lambda d: d["TuDanhGia"][0].update(ma_so="NS-99"),
     [(ERR, "TuDanhGia", 2, "A", "Mã số không có trong sheet NhanSu")]),
    ("unknown_person_BieuQuyet", lambda d: d["BieuQuyet"][1].update(ma_so="NS-99"),
     [(ERR, "BieuQuyet", 3, "A", "Mã số không có trong sheet NhanSu")]),
    ("unknown_person_KyLuat", lambda d: d["KyLuat"][0].update(ma_so="NS-99"),
     [(ERR, "KyLuat", 2, "A", "Mã số không có trong sheet NhanSu")]),
    ("unknown_person_ThiDua", lambda d: d["ThiDua"][1].update(ma_so="NS-99"),
     [(ERR, "ThiDua", 3, "A", "Mã số không có trong sheet NhanSu")]),
    ("unknown_person_ChamDiem", lambda d: d["ChamDiem"][1].update(ma_so="NS-99"),
     [(ERR, "ChamDiem", 3, "A", "Mã số không có trong sheet NhanSu")]),
    ("absence_longer_than_work", lambda d: person(d, 2, so_thang_cong_tac=5, so_thang_nghi=6),
     [(ERR, "NhanSu", 4, L("NhanSu", "so_thang_nghi"), "Số tháng nghỉ lớn hơn")]),
    ("negative_votes", lambda d: d["BieuQuyet"][1].update(phieu_ht=-1),
     [(ERR, "BieuQuyet", 3, "E", "Số phiếu âm")]),
    ("votes_exceed_attendance", lambda d: d["BieuQuyet"][0].update(phieu_htt=5),
     [(ERR, "BieuQuyet", 2, "B", "lớn hơn số người dự họp (3)")]),
    ("nobody_at_the_meeting", lambda d: d["BieuQuyet"][0].update(so_nguoi_du_hop=0, phieu_htt=0),
     [(ERR, "BieuQuyet", 2, "B", "phải lớn hơn 0")]),
    ("agree_votes_exceed_ballots", lambda d: d["ThiDua"][0].update(phieu_dong_y=4),
     [(ERR, "ThiDua", 2, "E", "lớn hơn tổng số phiếu (3)")]),
    ("duplicate_emulation", lambda d: d["ThiDua"].append(dict(ma_so="NS-01", danh_hieu="Lao động tiên tiến")),
     [(ERR, "ThiDua", 4, "B", "Trùng đề nghị danh hiệu")]),
    ("points_over_maximum", lambda d: d["ChamDiem"][0].update(diem_danh_gia=11),
     [(ERR, "ChamDiem", 2, "D", "từ 0 đến 10")]),
    ("criterion_maximum_zero", lambda d: d["TieuChi"][0].update(diem_toi_da=0),
     [(ERR, "TieuChi", 2, "C", "Điểm tối đa phải lớn hơn 0")]),
    ("unknown_criterion", lambda d: d["ChamDiem"][1].update(ma_tieu_chi="TC9"),
     [(ERR, "ChamDiem", 3, "B", "Mã tiêu chí không có trong sheet «TieuChi»")]),
    ("duplicate_score", lambda d: d["ChamDiem"].append(dict(ma_so="NS-01", ma_tieu_chi="tc1", diem_tu_cham=1)),
     [(ERR, "ChamDiem", 4, "B", "Trùng điểm")]),
    ("too_young", lambda d: person(d, 5, ngay_sinh=dt.date(2010, 1, 1)),
     [(ERR, "NhanSu", 7, "C", "Tuổi trong năm 2024 là 14")]),
    ("too_old", lambda d: person(d, 5, ngay_sinh=dt.date(1940, 1, 1)),
     [(ERR, "NhanSu", 7, "C", "là 84, không hợp lý")]),
    ("discipline_far_from_the_year", lambda d: d["KyLuat"][0].update(ngay_hieu_luc=dt.date(1995, 1, 1)),
     [(ERR, "KyLuat", 2, "E", "cách quá xa năm đánh giá")]),
    ("discipline_counted_in_the_future", lambda d: d["KyLuat"][0].update(da_tinh_nam=2025),
     [(ERR, "KyLuat", 2, "G", "Năm đã tính lớn hơn")]),
    ("document_date_far_from_the_year", lambda d: agency(d, "ngay_lap", dt.date(2019, 1, 1)),
     [(ERR, "CoQuan", agency_row("ngay_lap"), "B", "cách xa năm đánh giá 2024")]),
    ("legacy_tcvn3_name", lambda d: person(d, 2, ho_ten="NguyÔn V¨n Hïng"),
     [(ERR, "NhanSu", 4, "B", "bảng mã cũ TCVN3 (.VnTime)")]),
    ("legacy_vni_name", lambda d: person(d, 4, ho_ten="Nguyeãn Vaên Huøng"),
     [(ERR, "NhanSu", 6, "B", "bảng mã cũ VNI")]),
    ("legacy_in_a_coded_column", lambda d: person(d, 1, gioi_tinh="N÷"),
     [(ERR, "NhanSu", 3, "D", "TCVN3")]),
    ("id_with_space", lambda d: person(d, 4, ma_so="NS 05"),
     [(ERR, "NhanSu", 6, "A", "Mã có khoảng trắng")]),
    ("id_with_slash", lambda d: person(d, 4, ma_so="NS/05"),
     [(ERR, "NhanSu", 6, "A", "«/»")]),
    ("id_with_diacritics", lambda d: person(d, 5, ma_so="Mã-06"),
     [(ERR, "NhanSu", 7, "A", "chữ có dấu")]),
    ("id_reserved_by_windows", lambda d: person(d, 5, ma_so="CON"),
     [(ERR, "NhanSu", 7, "A", "Windows")]),
    ("unit_id_unsafe", lambda d: (d["DonVi"].append(dict(ma_don_vi="P.3", ten_don_vi="Phòng 3", loai_don_vi="hanh_chinh"))),
     [(ERR, "DonVi", 4, "A", "«.»")]),
    ("two_heads", lambda d: person(d, 2, vai_tro="truong"),
     [(ERR, "NhanSu", 4, L("NhanSu", "vai_tro"), "hơn một người đứng đầu")]),
    ("no_head_is_a_warning", lambda d: person(d, 3, vai_tro="pho"),
     [(WARN, "DonVi", 3, "A", "không có người đứng đầu")]),
    ("party_field_for_non_member", lambda d: person(d, 1, chuc_vu_dang="Chi ủy viên"),
     [(WARN, "NhanSu", 3, L("NhanSu", "chuc_vu_dang"), "không phải đảng viên")]),
    ("party_discipline_for_non_member", lambda d: d["KyLuat"][0].update(loai_ky_luat="dang"),
     [(WARN, "KyLuat", 2, "B", "Kỷ luật đảng của người không phải đảng viên")]),
    ("decided_level_for_someone_not_rated", lambda d: person(d, 5, muc_quyet_dinh="HT"),
     [(ERR, "NhanSu", 7, L("NhanSu", "muc_quyet_dinh"), "không được xếp loại")]),
    ("formula_without_cached_value", lambda d: person(d, 0, chuc_vu='=B2&"x"'),
     [(ERR, "NhanSu", 2, "F", "mở và lưu lại tệp bằng Excel")]),
    ("excel_error_value", lambda d: person(d, 0, chuc_vu="#N/A"),
     [(ERR, "NhanSu", 2, "F", "lỗi công thức #N/A")]),
    ("short_text_too_long", lambda d: person(d, 0, chuc_vu="x" * 300),
     [(ERR, "NhanSu", 2, "F", "Nội dung quá dài (300 ký tự)")]),
    ("unknown_rulebook", lambda d: agency(d, "bo_quy_tac", "nd-khong-co"),
     [(ERR, "CoQuan", len(wf.tables()["CoQuan"]) + 2, "B", "Không có bộ quy tắc «nd-khong-co»")]),
    ("missing_agency_value", lambda d: agency(d, "dia_danh", None),
     [(ERR, "CoQuan", agency_row("dia_danh"), "B", "Thiếu giá trị «Địa danh»")]),
    ("missing_agency_field", lambda d: d.update(CoQuan=[(f, v) for f, v in d["CoQuan"] if f != "dia_danh"]),
     [(ERR, "CoQuan", None, None, "Thiếu trường bắt buộc «Địa danh»")]),
    ("duplicate_agency_field", lambda d: d["CoQuan"].append(("Địa danh", "Nơi khác")),
     [(ERR, "CoQuan", len(wf.tables()["CoQuan"]) + 2, "A", "ghi hai lần")]),
    ("duplicate_self_assessment", lambda d: d["TuDanhGia"].append(dict(ma_so="NS-01", uu_diem="Lần hai")),
     [(ERR, "TuDanhGia", 4, "A", "Trùng mã số")]),
    ("missing_required_sheet", lambda d: d.pop("DonVi"),
     [(ERR, "DonVi", None, None, "Thiếu sheet «DonVi»")]),
    ("missing_people_sheet", lambda d: d.pop("NhanSu"),
     [(ERR, "NhanSu", None, None, "Thiếu sheet «NhanSu»")]),
    # the số định danh cá nhân typed into a General cell: Excel keeps a number and drops the leading 0
    ("citizen_id_lost_its_zero", lambda d: person(d, 0, so_dinh_danh=1070012345),
     [(ERR, "NhanSu", 2, L("NhanSu", "so_dinh_danh"), "Excel hiện «1070012345» (10 chữ số), đã bỏ số 0 ở đầu")]),
    ("citizen_id_one_digit_short", lambda d: person(d, 0, so_dinh_danh="00107001234"),
     [(ERR, "NhanSu", 2, L("NhanSu", "so_dinh_danh"), "có 11 chữ số")]),
    ("citizen_id_twice", lambda d: (person(d, 0, so_dinh_danh="001070012345"), person(d, 2, so_dinh_danh="001070012345")),
     [(ERR, "NhanSu", 4, L("NhanSu", "so_dinh_danh"), "trùng với dòng 2 (Nguyễn Văn An, mã số NS-01)")]),
    # Trần Thị Bình, a woman born 25/08/1980, needs 1 (a woman born 1900–1999) then 80: 0 then 81 is a man born 1981
    ("citizen_id_of_someone_else", lambda d: person(d, 1, so_dinh_danh="001081012345"),
     [(WARN, "NhanSu", 3, L("NhanSu", "so_dinh_danh"), "là của người nam, sinh năm 1981 (chữ số thứ 4 «0» cho biết "
       "giới tính và thế kỷ sinh, chữ số thứ 5–6 «81» là hai số cuối của năm sinh), nhưng dòng này ghi ngày sinh "
       "25/08/1980 và giới tính Nữ")]),
    ("citizen_id_no_province", lambda d: person(d, 1, so_dinh_danh="123180012345"),
     [(WARN, "NhanSu", 3, L("NhanSu", "so_dinh_danh"), "«123») không phải mã tỉnh")]),
    # the same person typed again in another unit: both units named, one row asked for
    ("person_in_two_units", lambda d: d["NhanSu"].append(dict(d["NhanSu"][4], ma_don_vi="HC")),
     [(ERR, "NhanSu", ns(len(wf.tables()["NhanSu"])), "A", "Trùng mã số: «NS-05» đã có ở dòng 6, ở đơn vị «SN», "
       "dòng này ở đơn vị «HC».")]),
]


def _write_case(tmp_path: Path, mutate) -> Path:
    data = wf.tables()
    mutate(data)
    return wf.write(tmp_path / "so.xlsx", data)


def _assert_exactly(problems: list[Problem], expected) -> None:
    for severity in (ERR, WARN):
        want = sorted((s, sh, r or 0, c or "") for s, sh, r, c, _ in expected if s == severity)
        got = sorted((p.severity, p.sheet, p.row or 0, p.column or "") for p in problems if p.severity == severity)
        assert got == want, "\n".join(p.text() for p in problems)
    for severity, sheet, row, col, fragment in expected:
        (p,) = [p for p in problems if (p.severity, p.sheet, p.row, p.column) == (severity, sheet, row, col)]
        text = p.text()
        assert fragment in text, text
        assert f"Sheet «{sheet}»" in text
        if row:
            assert f"dòng {row}" in text
        if col:
            assert f"cột {col}" in text and f"(ô {col}{row})" in text


@pytest.mark.parametrize("mutate,expected", [pytest.param(m, e, id=i) for i, m, e in CASES])
def test_one_message_per_fault_naming_the_cell(tmp_path, mutate, expected):
    _assert_exactly(ingest.check(_write_case(tmp_path, mutate)), expected)


def test_the_base_workbook_is_valid(tmp_path):
    campaign, problems = ingest.read(wf.write(tmp_path / "so.xlsx", wf.tables()))
    assert problems == [] and campaign is not None
    assert [p.ma_so for p in campaign.people] == [f"NS-0{i}" for i in range(1, 7)]


def test_references_take_the_declared_spelling(tmp_path):
    data = wf.tables()
    person(data, 4, ma_don_vi="sn")
    data["BieuQuyet"][0]["ma_so"] = "ns-01"
    campaign, problems = ingest.read(wf.write(tmp_path / "so.xlsx", data))
    assert problems == []
    assert campaign.person("NS-05").ma_don_vi == "SN" and "NS-01" in campaign.votes


def test_several_faults_are_all_reported_at_once(tmp_path):
    data = wf.tables()
    person(data, 2, ho_ten="NguyÔn V¨n Hïng", ngay_sinh="32/01/1990")
    data["BieuQuyet"][0].update(phieu_htt=7)
    person(data, 4, ma_don_vi="XX")
    _assert_exactly(ingest.check(wf.write(tmp_path / "so.xlsx", data)), [
        (ERR, "NhanSu", 4, "B", "TCVN3"), (ERR, "NhanSu", 4, "C", "Ngày không có thật"),
        (ERR, "NhanSu", 6, "E", "Mã đơn vị"), (ERR, "BieuQuyet", 2, "B", "là 7, lớn hơn"),
    ])


def test_problems_are_grouped_by_sheet_then_row(tmp_path):
    data = wf.tables()
    data["BieuQuyet"][0].update(phieu_htt=7)
    person(data, 4, ma_don_vi="XX")
    person(data, 1, ngay_sinh="x")
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    assert [(p.sheet, p.row) for p in problems] == [("NhanSu", 3), ("NhanSu", 6), ("BieuQuyet", 2)]


def test_unknown_extra_column_and_sheet_are_warnings(tmp_path):
    data = wf.tables()
    order = [c.key for c in schema.NHAN_SU.columns] + ["so_dien_thoai"]
    path = wf.write(tmp_path / "so.xlsx", data, order={"NhanSu": order})
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Ghi chú riêng")["A1"] = "x"
    wb.save(path)
    _assert_exactly(ingest.check(path), [
        (WARN, "NhanSu", 1, wf.letter("NhanSu", "so_dien_thoai", order), "Cột không thuộc mẫu"),
        (WARN, "Ghi chú riêng", None, None, "Sheet không thuộc mẫu"),
    ])


def test_missing_required_column(tmp_path):
    order = [c.key for c in schema.NHAN_SU.columns if c.key != "ho_ten"]
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", wf.tables(), order={"NhanSu": order}))
    _assert_exactly(problems, [(ERR, "NhanSu", 1, None, "Thiếu cột bắt buộc «Họ và tên» (ho_ten)")])


def test_header_not_in_row_1_is_one_error_without_cascade(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(path)
    wb["DonVi"].insert_rows(1, 2)
    wb["DonVi"]["A1"] = "DANH SÁCH ĐƠN VỊ"
    wb.save(path)
    _assert_exactly(ingest.check(path), [(ERR, "DonVi", 1, None, "Dòng tiêu đề phải là dòng 1 (đang ở dòng 3)")])


def test_duplicate_sheet(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(path)
    wb.copy_worksheet(wb["TieuChi"]).title = "Tiêu chí"
    wb.save(path)
    _assert_exactly(ingest.check(path), [(ERR, "Tiêu chí", None, None, "Trùng sheet")])


def test_30000_character_text_is_accepted(tmp_path):
    data = wf.tables()
    long_text = ("Hoàn thành tốt nhiệm vụ được giao. " * 900)[:30_000]
    data["TuDanhGia"][0]["ket_qua_nhiem_vu"] = long_text
    campaign, problems = ingest.read(wf.write(tmp_path / "so.xlsx", data))
    assert problems == []
    assert campaign.texts["NS-01"]["ket_qua_nhiem_vu"] == long_text.strip()


# -- output folder untouched ------------------------------------------------------------------------
@pytest.mark.parametrize("case", [c for c in CASES if any(e[0] == ERR for e in c[2])][::4], ids=lambda c: c[0])
def test_build_with_errors_leaves_the_output_folder_untouched(tmp_path, capsys, case):
    _, mutate, expected = case
    path = _write_case(tmp_path, mutate)
    out = tmp_path / "out"
    out.mkdir()
    (out / "cu.txt").write_text("kết quả cũ")
    code, stdout, err = run_cli(["build", path, "-o", out, "--cache", tmp_path / "cache"], capsys)
    assert code == 3
    assert sorted(p.name for p in out.iterdir()) == ["cu.txt"] and (out / "cu.txt").read_text() == "kết quả cũ"
    severity, sheet, row, col, fragment = next(e for e in expected if e[0] == ERR)
    assert fragment in err and "chưa tạo hồ sơ nào" in err
    new_out = tmp_path / "moi"
    assert run_cli(["rate", path, "-o", new_out], capsys)[0] == 3
    assert not new_out.exists()


def test_check_exit_codes_and_json(tmp_path, capsys):
    bad = _write_case(tmp_path, lambda d: person(d, 2, ho_ten="NguyÔn V¨n Hïng"))
    code, out, err = run_cli(["check", bad, "--json"], capsys)
    assert code == 3
    items = json.loads(out)
    assert [(i["sheet"], i["row"], i["column"], i["o"]) for i in items] == [("NhanSu", 4, "B", "B4")]
    assert items[0]["severity"] == "loi" and "TCVN3" in items[0]["thong_bao"] and "NguyÔn" in items[0]["value"]
    code, out, err = run_cli(["check", bad], capsys)
    assert code == 3 and out == "" and "── Sheet «NhanSu» ──" in err and "ô B4" in err
    good = _write_case(tmp_path, lambda d: person(d, 1, chuc_vu_dang="Chi ủy viên"))
    code, out, err = run_cli(["check", good, "--json"], capsys)
    assert code == 0 and [i["severity"] for i in json.loads(out)] == ["canh_bao"]
    code, out, err = run_cli(["check", tmp_path / "khong_co.xlsx", "--json"], capsys)
    assert code == 4 and "Không tìm thấy tệp" in json.loads(out)[0]["message"]


# -- unusual but valid ------------------------------------------------------------------------------
def _unusual(d):
    d["NhanSu"][0].update(vai_tro="Người đứng đầu", loai_nhan_su="Công chức", dang_vien="x", tu_xep_loai="hoàn thành tốt nhiệm vụ")
    d["NhanSu"][1].update(vai_tro="Cấp phó", gioi_tinh="nu", dang_vien=None, tu_xep_loai="Hoàn thành nhiệm vụ")
    d["NhanSu"][2].update(vai_tro="nhan vien", dang_vien=0, lanh_dao_quan_ly="FALSE", nghi_thai_san="không")
    d["NhanSu"][4].update(loai_nhan_su="VIEN_CHUC", truc_tiep_cong_tac="✓", so_thang_nghi="0,5")
    d["DonVi"][1].update(loai_don_vi="Sự nghiệp")
    d["ThiDua"][0].update(danh_hieu="Lao động tiên tiến")


@pytest.mark.parametrize("options", [
    dict(headers="label"),
    dict(headers="label", sheet_names="label"),
    dict(sheet_names="label", write_only=True),
    dict(dates_as_text=True),
    dict(numbers_as_text=True, dates_as_text=True, headers="label"),
    dict(order={k: [c.key for c in reversed(schema.SHEETS_BY_KEY[k].columns)] for k in ("NhanSu", "BieuQuyet", "DonVi")}),
], ids=["labels", "labels_and_sheet_labels", "sheet_labels_inline_strings", "dates_as_text", "numbers_as_text",
        "columns_reversed"])
def test_unusual_but_valid_workbooks_pass(tmp_path, options):
    data = wf.tables()
    _unusual(data)
    campaign, problems = ingest.read(wf.write(tmp_path / "so.xlsx", data, **options))
    assert problems == [], "\n".join(p.text() for p in problems)
    p1, p2, p3 = campaign.people[:3]
    assert (p1.vai_tro, p1.dang_vien, p1.tu_xep_loai) == ("truong", True, "HTT")
    assert (p2.vai_tro, p2.gioi_tinh, p2.dang_vien, p2.tu_xep_loai) == ("pho", "Nữ", False, "HT")
    assert (p3.vai_tro, p3.lanh_dao_quan_ly) == ("nhan_vien", False)
    assert campaign.person("NS-05").so_thang_nghi == 0.5 and campaign.person("NS-05").truc_tiep_cong_tac is True
    assert campaign.person("NS-02").ngay_sinh == dt.date(1980, 8, 25)
    assert campaign.agency.nam_danh_gia == 2024 and campaign.votes["NS-01"].phieu["HTT"] == 3


def test_headers_in_capitals_without_diacritics_and_marked_required(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables(), headers="label")
    wb = openpyxl.load_workbook(path)
    ws = wb["NhanSu"]
    ws["A1"], ws["B1"], ws["C1"] = "MA SO (*)", "Ho va ten *", "NgaySinh"
    wb["DonVi"].title = "DON VI"
    wb.save(path)
    assert ingest.check(path) == []


def test_agency_sheet_with_labels_and_no_header_row(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables(), headers="label")
    wb = openpyxl.load_workbook(path)
    wb["CoQuan"].delete_rows(1)
    wb.save(path)
    campaign, problems = ingest.read(path)
    assert problems == [] and campaign.agency.dia_danh == "Thử Nghiệm"


def test_agency_sheet_laid_out_as_a_one_row_table(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(path)
    del wb["CoQuan"]
    ws = wb.create_sheet("Cơ quan", 0)
    fields = wf.tables()["CoQuan"]
    ws.append([schema.CO_QUAN.column(f).label for f, _ in fields])
    ws.append([v for _, v in fields])
    wb.save(path)
    campaign, problems = ingest.read(path)
    assert problems == [] and campaign.agency.ngay_lap == dt.date(2024, 11, 5)
    ws["C2"] = None
    wb.save(path)
    _assert_exactly(ingest.check(path), [(ERR, "Cơ quan", 2, "C", "Thiếu giá trị «Địa danh»")])


def test_formulas_with_cached_values_are_read(tmp_path):
    """A formula saved by Excel carries its result: the value is used, not the formula."""
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = _sheet_part(parts, "BieuQuyet")
    xml = parts[sheet].decode()
    xml, n = re.subn(r'<c r="B2"( t="n")?><v>3</v></c>', '<c r="B2"><f>SUM(C2:F2)</f><v>3</v></c>', xml)
    assert n == 1
    parts[sheet] = xml.encode()
    _rezip(path, parts)
    assert ingest.check(path) == []


# -- the reader on every shape of SpreadsheetML ------------------------------------------------------
def _sheet_part(parts: dict[str, bytes], name: str) -> str:
    wb = parts["xl/workbook.xml"].decode()
    rid = re.search(rf'<sheet[^>]*name="{name}"[^>]*r:id="(\w+)"', wb).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    target = re.search(rf'<Relationship[^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def _rezip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _transform_sheets(path: Path, fn) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name in list(parts):
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = fn(parts[name].decode()).encode()
    _rezip(path, parts)


def _prefixed(xml: str) -> str:
    xml = xml.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                      'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
    return re.sub(r"<(/?)([A-Za-z]\w*)([\s/>])", r"<\1x:\2\3", xml)


def _no_refs(xml: str) -> str:
    """Drop r from every cell that directly follows the previous one (and from rows): valid, as
    some generators write it."""
    def row(m: re.Match) -> str:
        nxt = [0]

        def cell(c: re.Match) -> str:
            col = xlsx.column_index(c.group(1))
            keep = col != nxt[0]
            nxt[0] = col + 1
            return c.group(0) if keep else "<c"

        return re.sub(r'<c r="([A-Z]+)\d+"', cell, m.group(0))

    xml = re.sub(r"<row\b.*?</row>", row, xml, flags=re.S)
    return re.sub(r'<row r="\d+"', "<row", xml)


def _attrs_reversed(xml: str) -> str:
    return re.sub(r'<c r="([A-Z]+\d+)"((?: \w+="[^"]*")*)>', lambda m: f"<c{m.group(2)} r=\"{m.group(1)}\">", xml)


def _comments_and_cdata(xml: str) -> str:
    xml = xml.replace("<sheetData>", "<sheetData><!-- ghi chú <c r=\"A1\"> -->")
    return re.sub(r"<t>([^<&]*)</t>", r"<t><![CDATA[\1]]></t>", xml)


@pytest.mark.parametrize("transform", [_prefixed, _no_refs, _attrs_reversed, _comments_and_cdata])
@pytest.mark.parametrize("write_only", [False, True], ids=["shared_strings", "inline_strings"])
def test_every_xml_shape_reads_the_same(tmp_path, transform, write_only):
    data = wf.tables()
    data["TuDanhGia"][0]["uu_diem"] = 'Dấu & < > " \' và _x000D_ giữ nguyên'  # _x000D_ is Excel's escape for CR
    path = wf.write(tmp_path / "so.xlsx", data, write_only=write_only)
    with xlsx.XlsxFile(path) as f:
        before = {n: list(f.rows(n)) for n in f.sheetnames}
    _transform_sheets(path, transform)
    with xlsx.XlsxFile(path) as f:
        assert {n: list(f.rows(n)) for n in f.sheetnames} == before
        assert {n: list(f.rows(n, engine="lxml")) for n in f.sheetnames} == before
    campaign, problems = ingest.read(path)
    assert problems == [] and campaign.texts["NS-01"]["uu_diem"] == 'Dấu & < > " \' và \n giữ nguyên'


def test_xml_details_rich_text_1904_iso_dates_and_escapes(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = _sheet_part(parts, "DonVi")
    xml = parts[sheet].decode()
    extra = ('<row r="9"><c r="A9" t="inlineStr"><is><r><t>Ph</t></r><r><rPr><b/></rPr><t xml:space="preserve">òng </t></r>'
             '<rPh><t>ふりがな</t></rPh><r><t>X&amp;Y_x000A_</t></r></is></c>'
             '<c r="B9" t="d"><v>2024-11-05T00:00:00</v></c><c r="C9" t="b"><v>1</v></c><c r="D9" t="e"><v>#REF!</v></c>'
             '<c r="E9" t="str"><f>A9</f><v>ok</v></c><c r="F9"><f>1+1</f></c><c r="G9" t="str"><f>""</f><v></v></c>'
             '<c r="H9" s="0"><v>1.5E3</v></c></row>')
    parts[sheet] = xml.replace("</sheetData>", extra + "</sheetData>").encode()
    _rezip(path, parts)
    with xlsx.XlsxFile(path) as f:
        for engine in ("auto", "lxml"):
            row = dict(f.rows("DonVi", engine=engine))[9]
            assert row == {0: "Phòng X&Y\n", 1: dt.datetime(2024, 11, 5), 2: True, 3: "#REF!", 4: "ok", 5: "=1+1",
                           7: 1500.0}, engine
            assert isinstance(row[3], xlsx.CellError) and isinstance(row[5], xlsx.Formula)
    assert xlsx.serial_to_datetime(45601) == dt.datetime(2024, 11, 5)
    assert xlsx.serial_to_datetime(0, xlsx._EPOCH_1904) == dt.datetime(1904, 1, 1)
    assert xlsx.serial_to_datetime(59) == dt.datetime(1900, 2, 28) and xlsx.serial_to_datetime(-1) is None


def test_1904_date_system(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    wb = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = re.sub(r"<workbookPr\b", '<workbookPr date1904="1"', wb).encode()
    for name in [n for n in parts if n.startswith("xl/worksheets/")]:  # shift every date serial by 1462 days
        parts[name] = re.sub(r'(<c r="[A-Z]+\d+" s="[1-9]\d*"(?: t="n")?><v>)(\d+)(</v>)',
                             lambda m: f"{m.group(1)}{int(m.group(2)) - 1462}{m.group(3)}", parts[name].decode()).encode()
    _rezip(path, parts)
    campaign, problems = ingest.read(path)
    assert problems == [] and campaign.person("NS-01").ngay_sinh == dt.date(1970, 3, 12)


def test_formatted_empty_rows_are_not_data(tmp_path):
    """A clerk formats a whole range: 200,000 styled empty cells, no data, no message."""
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    filler = "".join(f'<row r="{r}"><c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>' for r in range(100, 100_100))
    _transform_sheets(path, lambda xml: xml.replace("</sheetData>", filler + "</sheetData>") if "NS-01" in xml else xml)
    started = time.process_time()
    assert ingest.check(path) == []
    assert time.process_time() - started < 3


def test_too_many_data_rows(tmp_path, monkeypatch):
    from pipeline.ingest import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 4)
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", wf.tables()))
    assert [(p.sheet, p.row) for p in problems if p.is_error] == [("NhanSu", 6)]
    assert "quá nhiều dòng" in problems[0].text()


# -- files that cannot be read -----------------------------------------------------------------------
def _ole(extra: bytes) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + extra


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def _valid_bytes(tmp_path) -> bytes:
    return wf.write(tmp_path / "tmp.xlsx", wf.tables()).read_bytes()


UNREADABLE = [
    ("not_an_xlsx", "ho_so.xlsx", lambda t: "mã số,họ tên\nNS-01,An\n".encode(), "không phải sổ Excel (.xlsx)"),
    ("old_xls", "ho_so.xls", lambda t: _ole("Workbook".encode("utf-16-le")), "định dạng Excel cũ (.xls"),
    ("password", "ho_so.xlsx", lambda t: _ole("EncryptedPackage".encode("utf-16-le")), "được đặt mật khẩu"),
    ("truncated", "ho_so.xlsx", lambda t: _valid_bytes(t)[:3000], "bị hỏng hoặc chưa lưu xong"),
    ("corrupt_member", "ho_so.xlsx", lambda t: _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook><sheets"}),
     "bị hỏng"),
    ("zero_bytes", "ho_so.xlsx", lambda t: b"", "rỗng (0 byte)"),
    ("html_saved_as_xls", "ho_so.xls", lambda t: b"<html><body><table><tr><td>1</td></tr></table></body></html>", "trang HTML"),
    ("excel_2003_xml", "ho_so.xml", lambda t: b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
     "Excel 2003 XML"),
    ("ods", "ho_so.ods", lambda t: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "LibreOffice (.ods)"),
    ("docx", "ho_so.docx", lambda t: _zip({"word/document.xml": b"<w:document/>"}), "văn bản Word"),
    ("zip_without_workbook", "ho_so.xlsx", lambda t: _zip({"a.txt": b"x"}), "thiếu phần xl/workbook.xml"),
    ("excel_lock_file", "~$ho_so.xlsx", lambda t: b"\x0bNguyen Van A" + b" " * 150, "tệp khóa tạm"),
]


@pytest.mark.parametrize("name,content,fragment", [pytest.param(n, c, f, id=i) for i, n, c, f in UNREADABLE])
def test_unreadable_files_exit_4_with_a_clear_message(tmp_path, capsys, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content(tmp_path))
    code, out, err = run_cli(["check", path], capsys)
    assert code == 4, err
    assert fragment in err and "Traceback" not in err and out == ""
    with pytest.raises(InputUnreadable):
        ingest.check(path)


def test_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(_zip({"xl/workbook.xml": b"<workbook/>", "xl/big.bin": b"\0" * 5_000_000}))
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 1_000_000)
    code, _, err = run_cli(["check", path], capsys)
    assert code == 4 and "quá lớn" in err


def test_missing_file_and_folder(tmp_path, capsys):
    assert run_cli(["check", tmp_path / "khong_co.xlsx"], capsys)[0] == 4
    with pytest.raises(InputUnreadable, match="thư mục"):
        ingest.check(tmp_path)


def test_empty_workbook_is_invalid_not_a_crash(tmp_path, capsys):
    path = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(path)
    code, _, err = run_cli(["check", path], capsys)
    assert code == 3 and "Sổ không có sheet nào theo mẫu" in err and "hoso init" in err


def test_empty_required_sheets(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", {"CoQuan": wf.tables()["CoQuan"], "DonVi": [], "NhanSu": []})
    wb = openpyxl.load_workbook(path)
    wb["NhanSu"].delete_rows(1)
    wb.save(path)
    _assert_exactly(ingest.check(path), [(ERR, "DonVi", 2, None, "Chưa có đơn vị nào"),
                                         (ERR, "NhanSu", 1, None, "Sheet trống")])


def test_macro_enabled_workbook_is_read_with_a_warning(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", wf.tables())
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    xlsm = tmp_path / "so.xlsm"
    _rezip(xlsm, parts)
    campaign, problems = ingest.read(xlsm)
    assert campaign is not None
    assert [(p.severity, p.sheet) for p in problems] == [(WARN, "")] and "macro" in problems[0].text()


# -- no traceback, whatever the cells hold ------------------------------------------------------------
_LEGAL = st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])))
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)), st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.text(_LEGAL, max_size=40),
    st.sampled_from(["=SUM(A1:A3)", "#N/A", "#DIV/0!", "NguyÔn V¨n Hïng", "Nguyeãn Vaên", "1.000", "12,5", "05/11/2024",
                     "31/02/2024", "x", "✓", "  ", "\u200b", "CON", "NS-01", "ns-01", "HC", "truong", "HTXS", "Có",
                     "0", "-1", "99999999999", "2024", "a" * 400, "&amp;<b>", "_x000D_", "Hoàn thành tốt nhiệm vụ"]),
)
_TARGETS = [(s.key, c.key) for s in schema.SHEETS if not s.key_value for c in s.columns] + \
    [("CoQuan", c.key) for c in schema.CO_QUAN.columns]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from(_TARGETS), st.integers(0, 3), VALUES), min_size=1, max_size=6),
       write_only=st.booleans())
def test_arbitrary_cell_values_never_crash(tmp_path, edits, write_only):
    data = wf.tables()
    data["NgoaiLeTyLe"] = [dict(nhom_tuong_dong="HC/lanh_dao", so_htxs_toi_da=1, so_van_ban="1/UBND", ngay_van_ban=dt.date(2024, 10, 1))]
    for (sheet, key), index, value in edits:
        if sheet == "CoQuan":
            agency(data, key, value)
            continue
        rows = data.setdefault(sheet, [])
        while len(rows) <= index:
            rows.append({})
        rows[index][key] = value
    path = wf.write(tmp_path / "so.xlsx", data, write_only=write_only)
    campaign, problems = ingest.read(path)
    assert all(isinstance(p, Problem) and p.text() for p in problems)
    assert (campaign is None) == any(p.is_error for p in problems)
    for p in problems:
        json.dumps(p.as_json(), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(target=st.sampled_from([c for s in schema.SHEETS for c in s.columns]), value=VALUES)
def test_every_converter_returns_or_complains(target, value):
    try:
        cells.converter(target)(value)
    except cells.Bad as bad:
        assert bad.expected and (bad.message is None or bad.message.endswith((".", ")", "?")))  # a full sentence


_SYLLABLES = st.builds(
    lambda onset, rhyme, tone, upper: (lambda w: w.capitalize() if upper else w)(
        unicodedata.normalize("NFC", onset + rhyme[0] + tone + rhyme[1:])),
    st.sampled_from(["", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu",
                     "r", "s", "t", "th", "tr", "v", "x"]),
    st.sampled_from(legacy._RHYMES), st.sampled_from(["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]),
    st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(_SYLLABLES, min_size=1, max_size=8))
def test_unicode_vietnamese_is_never_taken_for_a_legacy_encoding(words):
    assert legacy.detect(" ".join(words)) is None


@pytest.mark.parametrize("name", ["Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Quang Đức", "Hà Lê Tú", "Quân", "Tiên",
                                  "Hoà", "Nguyên", "Huỳnh Ngọc Ánh", "Phòng Hành chính - Quản trị", "25°C", "«Tên»",
                                  "Müller", "José", "Zoë", "Chuyên viên", "Kỹ sư hạng III"])
def test_genuine_text_is_not_legacy(name):
    assert legacy.detect(name) is None


@pytest.mark.parametrize("raw,encoding,decoded", [
    ("NguyÔn V¨n Hïng", "TCVN3 (.VnTime)", "Nguyễn Văn Hùng"),
    ("Lª ThÞ Hoa", "TCVN3 (.VnTime)", "Lê Thị Hoa"),
    ("Hoµn thµnh tèt nhiÖm vô", "TCVN3 (.VnTime)", "Hoàn thành tốt nhiệm vụ"),
    ("Nguyeãn Vaên Huøng", "VNI", "Nguyễn Văn Hùng"),
    ("Traàn Vaên Taâm", "VNI", "Trần Văn Tâm"),
    ("ÑAØ NAÜNG", "VNI", "ĐÀ NẴNG"),
    ("NGUYÔN V¡N HïNG", "TCVN3 (.VnTime)", "NGUYỄN VĂN HÙNG"),
])
def test_legacy_text_is_named_and_decoded(raw, encoding, decoded):
    assert legacy.detect(raw) == (encoding, decoded)


# -- speed -------------------------------------------------------------------------------------------
def test_ten_thousand_people_are_checked_in_under_5_seconds(tmp_path):
    path = wf.write_fast(tmp_path / "lon.xlsx", wf.big_tables(10_000))
    started = time.process_time()  # CPU time: other jobs on the machine do not count against us
    campaign, problems = ingest.read(path)
    seconds = time.process_time() - started
    assert problems == [] and len(campaign.people) == 10_000 and len(campaign.texts) == 10_000
    assert seconds < 5, f"{seconds:.1f} s"


# -- two processes -----------------------------------------------------------------------------------
def _sheets_as_data(data):
    return {key: (sheet.name, sheet.headers, [(row.number, row.values, dict(row.refs)) for row in sheet.rows])
            for key, sheet in data.items()}


@pytest.mark.parametrize("shape", ["inline_strings_with_errors", "shared_strings"])
def test_two_processes_read_exactly_what_one_reads(tmp_path, monkeypatch, shape):
    """A big workbook's sheets are read by a forked helper and the parent: same rows, refs and
    problems, in the same order, as one process reading them in turn."""
    from pipeline.ingest import reader

    if shape == "shared_strings":
        path = wf.write_fast(tmp_path / "so.xlsx", wf.big_tables(300))
    else:
        data = wf.tables()
        data["NhanSu"][1]["ngay_sinh"] = "31/02/1980"
        data["NhanSu"][2]["ma_don_vi"] = "KHONG_CO"
        data["TuDanhGia"][0]["uu_diem"] = "x" * 40_000
        data["BieuQuyet"][0]["phieu_htt"] = -1
        path = wf.write(tmp_path / "so.xlsx", data, write_only=True)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 0)
    used = []
    real = reader._read_in_two_processes
    monkeypatch.setattr(reader, "_read_in_two_processes", lambda *a: used.append(real(*a)) or used[-1])
    one, one_problems = reader.read_workbook(path, parallel=False)
    two, two_problems = reader.read_workbook(path)
    assert used and used[0] is not None, "the helper process was not used"
    assert _sheets_as_data(two) == _sheets_as_data(one) and list(two) == list(one)
    assert two_problems == one_problems
    problems = ingest.read(path)[1]  # two processes
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 1 << 62)
    assert problems == ingest.read(path)[1]  # one
    assert (shape == "shared_strings") == (problems == []), problems


def test_two_processes_unreadable_sheet_gives_the_same_message(tmp_path, monkeypatch):
    from pipeline.ingest import reader

    path = wf.write(tmp_path / "so.xlsx", wf.tables(), write_only=True)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = _sheet_part(parts, "TuDanhGia")
    parts[sheet] = parts[sheet][: len(parts[sheet]) * 2 // 3]
    _rezip(path, parts)
    monkeypatch.setattr(reader, "PARALLEL_MIN_BYTES", 0)
    messages = []
    for parallel in (False, None):
        with pytest.raises(InputUnreadable) as exc:
            reader.read_workbook(path, parallel=parallel)
        messages.append(exc.value.message)
    assert messages[0] == messages[1] and "sheet «TuDanhGia» bị cắt giữa chừng" in messages[0]


def test_check_does_not_import_the_build_libraries(sample):
    """`hoso check` starts in a fraction of a second: none of the libraries of the build stages."""
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.cli import main\ntry:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print(sorted(({m.split('.')[0] for m in sys.modules} | set(sys.modules)) & "
            "{'openpyxl', 'docxtpl', 'docx', 'jinja2', 'reportlab', 'pypdf', 'pipeline.run'}))")
    proc = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
    assert "Sổ Excel hợp lệ" in proc.stderr


def _sample_2026_changed(tmp_path: Path, change) -> Path:
    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    change(wb)
    path = tmp_path / "so_2026.xlsx"
    wb.save(path)
    return path


def test_one_code_typed_wrong_leaves_one_line_for_its_twelve_monthly_rows(tmp_path, capsys):
    """VP-006's code typed «VP-005» in NhanSu (row 7): its twelve rows of KetQuaKy name nobody. The console says
    it once, with the rows and cells it covers, instead of twelve identical lines, and points at the repeated code
    of NhanSu as the likely cause; the count and --json keep every cell (the highlighted workbook marks each one)."""
    def change(wb):
        wb["NhanSu"]["A7"] = "VP-005"

    book = _sample_2026_changed(tmp_path, change)
    sheet = openpyxl.load_workbook(book)["KetQuaKy"]
    rows = [c.row for c in sheet["A"] if c.value == "VP-006"]
    assert len(rows) == 12 and rows == list(range(rows[0], rows[0] + 12))
    code, _, err = run_cli(["check", book], capsys)
    assert code == 3
    lines = [line for line in err.splitlines() if "«VP-006»" in line and "KetQuaKy" in line]
    assert lines == [f"  LỖI     Sheet «KetQuaKy», dòng {rows[0]}–{rows[-1]} (12 dòng), cột A «ma_so» "
                     f"(ô A{rows[0]}:A{rows[-1]}): Mã số không có trong sheet NhanSu. Sheet NhanSu có mã số bị trùng "
                     "ở dòng 7 («VP-005»): nếu dòng đó là người có mã «VP-006», sửa mã số ở dòng đó. Giá trị: "
                     "«VP-006». Cần: một mã số đã khai ở sheet «NhanSu»."]
    # TuDanhGia and BieuQuyet have one row each: said as before
    assert sum("«VP-006»" in line for line in err.splitlines()) == 3
    code, out, _ = run_cli(["check", "--json", book], capsys)
    found = json.loads(out)
    found = found["van_de"] if isinstance(found, dict) else found
    assert sum(p["sheet"] == "KetQuaKy" and p["value"] == "VP-006" for p in found) == 12


def test_a_rate_typed_in_words_is_one_error_on_its_cell(tmp_path, capsys):
    """«tám mươi» typed for a quality rate: the cell's error says the value is not a number; it was also said a
    second time as «Thiếu tỷ lệ … (ô E3)», as if the cell were empty."""
    def change(wb):
        sheet = wb["KetQuaKy"]
        col = [c.value for c in sheet[1]].index("ty_le_chat_luong") + 1
        sheet.cell(row=3, column=col).value = "tám mươi"

    code, _, err = run_cli(["check", _sample_2026_changed(tmp_path, change)], capsys)
    assert code == 3
    on_cell = [line for line in err.splitlines() if "(ô E3)" in line]
    assert on_cell == ["  LỖI     Sheet «KetQuaKy», dòng 3, cột E «ty_le_chat_luong» (ô E3): Giá trị không hợp lệ cho "
                       "«Chất lượng (%)». Giá trị: «tám mươi». Cần: một số."]
    assert "Thiếu tỷ lệ" not in err
    assert "Tổng cộng: 1 lỗi," in err
