"""The body an agency sends to, named as its workbook names it, and the clerk's messages in one voice.

1. A 2026 hospital (tests/su_nghiep_2026.py) whose CoQuan «Sở Nội vụ nhận báo cáo» is «Sở Y tế tỉnh Hà Giang Nam»
   (a đơn vị sự nghiệp reports to the Sở managing it): the printing guide, README.txt, the console's deadline
   line (also on an unchanged build) and the build's warnings about the package send the clerk to that Sở, never
   to the Sở Nội vụ. The 2026 sample (the cell empty) keeps «Sở Nội vụ».
2. A workbook whose tabs are named by their Vietnamese labels («Nhân sự», «Kết quả kỳ» …): `hoso check` with many
   kinds of errors and `hoso build` never print hoso's internal sheet keys (NhanSu, KetQuaKy …), not in hints,
   second lines, the guide or README.txt — not even for a sheet the workbook lacks.
Real LibreOffice builds, one per module fixture.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import su_nghiep_2026 as sn
import workbook_factory as wf

from pipeline import api
from pipeline.ingest import schema

ROOT = Path(__file__).resolve().parent.parent
SO_Y_TE = "Sở Y tế tỉnh Hà Giang Nam"
KEYS = re.compile(r"(?<![\w/])(" + "|".join(s.key for s in schema.SHEETS) + r")(?![\w/])")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(path: Path) -> str:
    return _flat(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout)


# ---------------------------------------------------------------------------------------------------------------
# 1. the hospital sends to the Sở Y tế
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hospital(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("clerk34")
    path = sn.write(tmp / "benh_vien.xlsx")
    dest = tmp / "out"
    lines: list[str] = []
    options = api.BuildOptions(cache_dir=cache_dir / "clerk34", today=dt.date(sn.YEAR, 12, 6))
    summary = api.build(path, dest, options, log=lines.append)
    again = api.build(path, dest, options)  # nothing changed: the deadline line read back from the manifest
    return dest, summary, lines, again


@pytest.mark.libreoffice
def test_the_guide_sends_the_hospital_s_papers_to_its_managing_so(hospital):
    out, *_ = hospital
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert f"Hạn gửi hồ sơ cho {SO_Y_TE}: 14/12/2026 — còn 8 ngày (tính đến ngày 06/12/2026)." in guide
    assert "4. GỬI SỞ Y TẾ TỈNH HÀ GIANG NAM" in guide
    assert f"theo công văn hướng dẫn năm nay của {SO_Y_TE}; chưa có quy định chung" in guide
    assert f"công văn, báo cáo, biểu tổng hợp, thông báo gửi {SO_Y_TE}: từ nop_so_noi_vu/" in guide
    assert (f"gửi {SO_Y_TE} chỉ biên bản họp, báo cáo kiểm điểm tập thể và hồ sơ cá nhân của lãnh đạo đơn vị sự nghiệp, "
            "xem mục 4") in guide
    # the cover letter listed by what it is: sent to the Sở Y tế
    assert f"Công văn gửi hồ sơ đánh giá, xếp loại chất lượng đến {SO_Y_TE} — in, người đứng đầu ký" in guide
    assert "Nội vụ" not in guide and "NỘI VỤ" not in guide
    # the folder and file names are the contract's, unchanged
    assert "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf" in guide


@pytest.mark.libreoffice
def test_readme_console_and_manifest_name_the_so_y_te(hospital):
    out, summary, lines, again = hospital
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert f"Hạn gửi hồ sơ cho {SO_Y_TE}: 14/12/2026 — còn 8 ngày (tính đến ngày tạo hồ sơ, 06/12/2026)." in readme
    assert f"Bộ hồ sơ gửi {SO_Y_TE}: thư mục nop_so_noi_vu/ và tệp nén ho_so_2026.zip" in readme
    assert "Nội vụ" not in readme
    line = f"Hạn gửi hồ sơ cho {SO_Y_TE}: 14/12/2026 — còn 8 ngày (tính đến hôm nay, 06/12/2026)."
    assert summary.han_nop == line
    assert again.unchanged and again.han_nop == line
    # the build's warning on the draft notice: left out of the package for the Sở Y tế
    (draft,) = [w for w in lines if "Thông báo kết quả mới là dự thảo" in w]
    assert draft.endswith(f"không đưa vào bộ nộp {SO_Y_TE}.") and "Nội vụ" not in draft
    section = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["nop_so_noi_vu"]
    assert section["noi_nhan"] == SO_Y_TE and section["thu_muc"] == "nop_so_noi_vu"
    (letter,) = [t for t in section["tep"] if t["path"] == "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf"]
    assert letter["tieu_de"] == f"Công văn gửi hồ sơ đánh giá, xếp loại chất lượng đến {SO_Y_TE}"
    # the signed letter itself, as audit 33 made it
    text = _pdf_text(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert f"Kính gửi: {SO_Y_TE}." in text


# ---------------------------------------------------------------------------------------------------------------
# 2. a workbook whose sheets are named in Vietnamese; the 2026 sample's recipient unchanged
# ---------------------------------------------------------------------------------------------------------------


def _hoso(*args: object, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOSO_CACHE": str(cache), "HOSO_HOM_NAY": "2026-12-06"}
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=900)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("clerk34-nhan")
    book = wf.sheets_named_by_label(ROOT / "data" / "mau_ho_so_2026.xlsx", tmp / "so.xlsx")
    out = tmp / "out"
    # the leaders' unit only (its people are the package's leaders): the lines are the whole build's
    proc = _hoso("build", book, "-o", out, "--unit", "LD", cache=cache_dir / "clerk34-nhan")
    return book, out, proc


@pytest.mark.libreoffice
def test_the_sample_s_recipient_is_still_the_so_noi_vu(labelled):
    _book, out, proc = labelled
    assert proc.returncode == 0, proc.stdout + proc.stderr
    said = proc.stdout + proc.stderr
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 14/12/2026 — còn 8 ngày (tính đến hôm nay, 06/12/2026)." in said
    assert "(--unit/--person): bộ nộp Sở Nội vụ chưa đầy đủ." in said
    guide = _pdf_text(out / "HUONG_DAN_IN.pdf")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 14/12/2026 — còn 8 ngày (tính đến ngày 06/12/2026)." in guide
    assert "4. GỬI SỞ NỘI VỤ" in guide
    assert "theo công văn hướng dẫn năm nay của Sở Nội vụ; chưa có quy định chung" in guide
    assert "Công văn gửi hồ sơ đánh giá, xếp loại chất lượng đến Sở Nội vụ — in" in guide
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 14/12/2026" in readme
    section = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["nop_so_noi_vu"]
    assert section["noi_nhan"] == "Sở Nội vụ"


@pytest.mark.libreoffice
def test_a_build_never_names_a_sheet_by_hoso_s_key(labelled):
    _book, out, proc = labelled
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    # the sample's warnings: a missing month, the HTXS cap (its exception sheet, which this workbook lacks)
    assert "ở sheet «Kết quả kỳ»" in said
    assert "(sheet «Ngoại lệ tỷ lệ HTXS»)" in said
    assert not KEYS.findall(said), KEYS.findall(said)
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    # the draft notice's line; the guide is a paper: quoted “…” (pipeline/quotes.py)
    assert "cột “Mức xếp loại của cấp có thẩm quyền” sheet “Nhân sự”" in guide
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert not KEYS.findall(guide) and not KEYS.findall(readme), KEYS.findall(guide + readme)


def test_check_with_many_kinds_of_errors_never_names_a_sheet_by_hoso_s_key(tmp_path):
    book = wf.sheets_named_by_label(ROOT / "data" / "mau_ho_so_2026.xlsx", tmp_path / "so.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["Thi đua"]
    wb.create_sheet("Ghi chép riêng")  # a sheet of the clerk's own
    people = wb["Nhân sự"]
    people.cell(3, 3).value = "abc"  # a date that is none
    people.cell(4, 5).value = "ZZ"  # a unit that does not exist
    people.cell(5, 7).value = "truongg"  # a code typo
    people.cell(6, 1).value = "VP-001"  # a duplicate id
    people.cell(8, 5).value = "Phòng Tổng hợp"  # a unit's name where its code goes
    wb["Kết quả kỳ"].cell(4, 1).value = "XX-999"  # an unknown person
    wb["Kết quả kỳ"].cell(5, 2).value = "2026-13"  # a period that is none
    wb["Kỷ luật"].cell(2, 1).value = "VP-777"
    wb["Đơn vị"].cell(3, 3).value = "hanh"
    wb["Tự đánh giá"].cell(3, 1).value = "QQ-1"
    wb["Sản phẩm"].cell(4, 4).value = "x"
    agency = wb["Cơ quan"]
    for r in range(1, agency.max_row + 1):
        if agency.cell(r, 1).value == "bo_quy_tac_khac":
            agency.cell(r, 2).value = "nd999"
    wb.save(book)
    proc = _hoso("check", book, cache=tmp_path / "cache")
    said = proc.stdout + proc.stderr
    assert proc.returncode == 3, said
    assert "Mã đơn vị không có trong sheet «Đơn vị». Giá trị: «ZZ». Cần: một mã đơn vị đã khai ở sheet «Đơn vị»." in said
    assert "Mã số không có trong sheet «Nhân sự». Giá trị: «XX-999»" in said
    assert "«Phòng Tổng hợp» là tên đơn vị; cột này ghi mã đơn vị (mã của đơn vị này ở sheet «Đơn vị» là «TH»)." in said
    assert "Sheet «Ghi chép riêng»: Sheet không thuộc mẫu, được bỏ qua. Cần: tên sheet theo mẫu: Cơ quan, Đơn vị, " \
           "Nhân sự," in said
    assert "Trùng mã số: «VP-001»" in said and "«2026-13»" in said and "«nd999»" in said
    assert not KEYS.findall(said), KEYS.findall(said)


def test_a_workbook_named_by_keys_keeps_the_keys(tmp_path):
    """The same errors in a workbook whose tabs are hoso's keys: the keys, the tabs it has."""
    wb = openpyxl.load_workbook(ROOT / "data" / "mau_ho_so_2026.xlsx")
    wb["NhanSu"].cell(4, 5).value = "ZZ"
    wb.create_sheet("Ghi chép riêng")
    wb.save(tmp_path / "so.xlsx")
    proc = _hoso("check", tmp_path / "so.xlsx", cache=tmp_path / "cache")
    said = proc.stdout + proc.stderr
    assert proc.returncode == 3, said
    assert "Mã đơn vị không có trong sheet DonVi. Giá trị: «ZZ». Cần: một mã đơn vị đã khai ở sheet «DonVi»." in said
    assert "Cần: tên sheet theo mẫu: CoQuan, DonVi, NhanSu," in said


# ---------------------------------------------------------------------------------------------------------------
# 3. the hospital's console read as its clerk
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_vote_that_agrees_with_the_points_is_not_said_to_contradict_them(hospital):
    """BV-03: 4 of 6 ballots HTXS (the meeting's level), 27 + 70 × 580/600 = 94.67 points (≥ 90: HTXS), proposed HT
    because his khoa is rated HT (k7 Đ12 ND 233). The warning said «biểu quyết mức HTXS nhưng kết quả chấm điểm là
    HTXS» — a contradiction that is none; it says the vote agrees with the points and a limit lowered the level."""
    out, _summary, lines, _again = hospital
    people = {p["ma_so"]: p for p in json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))["nguoi"]}
    (warning,) = [w for w in people["BV-03"]["canh_bao"] if w.startswith("Cuộc họp biểu quyết")]
    assert warning == ("Cuộc họp biểu quyết mức Hoàn thành xuất sắc nhiệm vụ, đúng kết quả chấm điểm, nhưng mức đề xuất "
                       "là Hoàn thành nhiệm vụ (theo các giới hạn ở phần lý do).")
    assert any(line.endswith(warning) and "Nguyễn Văn Hùng (BV-03)" in line for line in lines)
    assert not any("nhưng kết quả chấm điểm là Hoàn thành xuất sắc nhiệm vụ" in line for line in lines)


@pytest.mark.libreoffice
def test_files_to_send_again_name_the_so_y_te(hospital, tmp_path, cache_dir):
    """A name corrected after the package was made: the zip differs, and the clerk is told to send it again to the
    Sở Y tế — on the console line and in thay_doi.txt."""
    import shutil

    out, *_ = hospital
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    tables = sn.tables()
    (row,) = [p for p in tables["NhanSu"] if p["ma_so"] == "BV-02"]
    row["ho_ten"] = "Phạm Thị Thu Trâm"  # the name corrected
    book = wf.write(tmp_path / "benh_vien.xlsx", tables)
    summary = api.build(book, copy, api.BuildOptions(cache_dir=cache_dir / "clerk34", today=dt.date(sn.YEAR, 12, 6)))
    assert f"Tệp gửi {SO_Y_TE} đã khác: ho_so_2026.zip" in summary.thay_doi, summary.thay_doi
    listing = (copy / "thay_doi.txt").read_text(encoding="utf-8")
    assert f"Tệp gửi {SO_Y_TE} đã khác lần tạo trước (nếu đã gửi bản cũ, gửi lại bản mới):" in listing
    assert "Nội vụ" not in listing


def test_a_kpi_import_into_a_workbook_named_in_vietnamese_names_its_tabs(tmp_path):
    """`hoso nhap-ket-qua` into a workbook whose tabs are «Nhân sự», «Kết quả kỳ»: the rows it cannot place and
    what it wrote name those tabs, never NhanSu / KetQuaKy."""
    book = wf.sheets_named_by_label(ROOT / "data" / "mau_ho_so_2026.xlsx", tmp_path / "so.xlsx")
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Họ và tên;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-021;Huỳnh Văn Cường;10;2026;25;100;85;80\n"
                      "VP-999;Người Lạ;3;2026;26;100;90;90\n", encoding="utf-8")
    proc = _hoso("nhap-ket-qua", export, "--vao", book, cache=tmp_path / "cache")
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    assert "Dòng 3 (VP-999): mã số «VP-999» không có trong sheet «Nhân sự»; dòng này không được nhập." in said
    assert "Kết quả kỳ: thêm 1 dòng, thay 0 dòng cùng người, cùng kỳ" in said
    assert not KEYS.findall(said), KEYS.findall(said)
