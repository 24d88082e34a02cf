"""`hoso init --tu LAST_YEAR.xlsx`: next year's workbook keeps the agency, units, staff and criteria,
leaves out who left, and starts the year's own sheets empty; stale data is a warning in `check`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf

from pipeline import ingest
from pipeline.cli import main
from pipeline.ingest import schema


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _mark_gone(src: Path, dest: Path, ma_so: str) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb["NhanSu"]
    head = [c.value for c in ws[1]]
    col = len(head) + 1
    ws.cell(row=1, column=col, value="Đã nghỉ, chuyển đi")
    for row in ws.iter_rows(min_row=2):
        if row[head.index("ma_so")].value == ma_so:
            ws.cell(row=row[0].row, column=col, value="Có")
    wb.save(dest)
    return dest


def test_next_year_from_last_year_is_accepted_with_no_votes_or_decisions(sample, tmp_path, capsys):
    last = ingest.load(sample)
    src = _mark_gone(sample, tmp_path / "nam_truoc.xlsx", "VP-036")
    gone = last.person("VP-036").ho_ten
    code, out, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    dest = tmp_path / "moi" / f"ho_so_danh_gia_{last.year + 1}.xlsx"
    assert dest.is_file() and f"năm đánh giá {last.year + 1}" in err
    assert gone in err and "VP-036" in err
    code, _, err = run_cli(["check", dest], capsys)
    assert code == 0 and "Sổ Excel hợp lệ" in err, err
    new = ingest.load(dest)
    assert new.year == last.year + 1
    assert new.agency.ten_co_quan == last.agency.ten_co_quan and new.agency.ngay_lap is None
    assert new.agency.han_nop_so_noi_vu is None
    assert [u.ma_don_vi for u in new.units] == [u.ma_don_vi for u in last.units]
    assert [p.ma_so for p in new.people] == [p.ma_so for p in last.people if p.ma_so != "VP-036"]
    for p in new.people:
        old = last.person(p.ma_so)
        assert (p.ho_ten, p.ngay_sinh, p.ma_don_vi, p.vai_tro, p.loai_nhan_su, p.chuc_vu) == \
               (old.ho_ten, old.ngay_sinh, old.ma_don_vi, old.vai_tro, old.loai_nhan_su, old.chuc_vu)
        assert p.tu_xep_loai is None and p.muc_quyet_dinh is None
    assert not new.votes and not new.texts and not new.disciplines and not new.emulation and not new.scores
    assert [c.ma_tieu_chi for c in new.criteria] == [c.ma_tieu_chi for c in last.criteria]
    # the year's own sheets are there, empty, as `hoso init` lays them out
    wb = openpyxl.load_workbook(dest)
    for spec in schema.SHEETS:
        assert spec.key in wb.sheetnames
        if spec.key in ("BieuQuyet", "TuDanhGia", "KyLuat", "ThiDua", "ChamDiem", "NgoaiLeTyLe"):
            assert wb[spec.key].max_row == 1 or all(c.value is None for r in wb[spec.key].iter_rows(min_row=2) for c in r)
    # again into the same folder: a usage error, the file kept
    before = dest.read_bytes()
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 2 and "đã có" in err and dest.read_bytes() == before
    assert f"sổ đang có được chép giữ lại thành «{dest.stem}.truoc-<ngày-giờ>.xlsx» bên cạnh" in err
    # --force: the workbook there (maybe typed into since) kept beside, named; the new one written
    dest.write_bytes(b"typed since")
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi", "--force"], capsys)
    (kept,) = (tmp_path / "moi").glob(f"{dest.stem}.truoc-*.xlsx")
    assert code == 0 and kept.read_bytes() == b"typed since" and ingest.load(dest).year == last.year + 1
    assert f"được chép giữ lại thành «{kept}» (không bị xóa)." in err


def test_last_year_s_date_is_a_warning_in_check(sample, tmp_path, capsys):
    _, _, _ = run_cli(["init", "--tu", sample, tmp_path], capsys)
    dest = next(tmp_path.glob("ho_so_danh_gia_*.xlsx"))
    wb = openpyxl.load_workbook(dest)
    year = ingest.load(dest).year
    for row in wb["CoQuan"].iter_rows(min_row=2):
        if row[0].value == "Ngày lập":
            row[1].value = dt.date(year - 1, 12, 1)
    wb.save(dest)
    code, _, err = run_cli(["check", dest], capsys)
    assert code == 0, err
    assert "CẢNH BÁO" in err and f"thuộc năm {year - 1}, trước năm đánh giá {year}" in err and "(ô B" in err


def test_missing_source_is_unreadable(tmp_path, capsys):
    code, _, err = run_cli(["init", "--tu", tmp_path / "khong_co.xlsx", tmp_path], capsys)
    assert code == 4 and "khong_co.xlsx" in err


def test_a_file_named_for_another_year_is_a_warning(sample, tmp_path, capsys):
    import shutil

    year = ingest.load(sample).year
    other = tmp_path / f"ho_so_danh_gia_{year - 1}.xlsx"
    shutil.copyfile(sample, other)
    code, _, err = run_cli(["check", other], capsys)
    assert code == 0 and f"ghi năm {year - 1}" in err and f"là {year}" in err and "CẢNH BÁO" in err
    code, _, err = run_cli(["check", sample], capsys)
    assert code == 0 and "ghi năm" not in err


def _with_year(src: Path, dest: Path, year: int) -> Path:
    wb = openpyxl.load_workbook(src)
    for row in wb["CoQuan"].iter_rows(min_row=2):
        if row[0].value in ("nam_danh_gia", "Năm đánh giá"):
            row[1].value = year
    wb.save(dest)
    return dest


def test_2025_to_2026_leaves_nd90_forms_behind(sample, tmp_path, capsys):
    """A 2025 workbook whose «Bộ mẫu» says «Theo Nghị định 90/2020 (mặc định đến năm 2025)» (as the sample
    and the blank of those years have it): next year is 2026, whose forms are those of ND 335 / HD 43 — the
    cell is left empty (the year's default) and the console says so; a 2024 → 2025 roll keeps it."""
    assert ingest.load(sample).agency.bo_mau == "nd90"
    src = _with_year(sample, tmp_path / "so_2025.xlsx", 2025)
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    assert ("«Bộ mẫu» năm 2025 («Theo Nghị định 90/2020 (mặc định đến năm 2025)») không dùng cho năm 2026: để trống"
            in err)
    new = ingest.load(tmp_path / "moi" / "ho_so_danh_gia_2026.xlsx")
    assert new.year == 2026 and not new.agency.bo_mau
    code, _, err = run_cli(["check", tmp_path / "moi" / "ho_so_danh_gia_2026.xlsx"], capsys)
    assert code == 0 and "Bộ mẫu" not in err, err
    # 2024 → 2025: the same regime, the choice kept
    code, _, err = run_cli(["init", "--tu", sample, tmp_path / "moi2025"], capsys)
    assert code == 0 and "Bộ mẫu" not in err, err
    assert ingest.load(tmp_path / "moi2025" / "ho_so_danh_gia_2025.xlsx").agency.bo_mau == "nd90"


def test_last_regime_s_form_set_in_a_2026_workbook_is_a_warning_in_check(sample, tmp_path, capsys):
    """A 2026 workbook made by hand from last year's copy keeps «Bộ mẫu» nd90: `check` says at its cell that
    2026 has its own forms and that the build would stop (it did: exit 8 after «Sổ Excel hợp lệ»)."""
    book = _with_year(sample, tmp_path / "so_2026.xlsx", 2026)  # (its 2024 dates are errors of their own)
    _code, _, err = run_cli(["check", book], capsys)
    line = next(x for x in err.splitlines() if "«Bộ mẫu» ghi" in x)
    assert "CẢNH BÁO" in line and "«Bộ mẫu» (ô B11)" in line
    assert "nhưng năm đánh giá là 2026: bộ mẫu của năm 2026 là «Mẫu năm 2026: Nghị định 335/2025" in line
    assert "hoso build sẽ dừng" in line
    code, _, err = run_cli(["check", sample], capsys)  # 2024 with nd90: nothing to say
    assert "«Bộ mẫu» ghi" not in err


def _so_2025(src: Path, dest: Path) -> Path:
    """Last year's workbook as an agency has it in December 2025: the year's signing dates, the unit meetings,
    a rulebook override, a discipline decided in December 2025 in force in January 2026 (act HV-25) with the
    party decision on the same act in force in 2025, another of 2025 only, a maternity leave from December."""
    wb = openpyxl.load_workbook(src)
    ws = wb["CoQuan"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "nam_danh_gia":
            row[1].value = 2025
        elif isinstance(row[1].value, dt.datetime):
            row[1].value = row[1].value.replace(year=2025)
    for key, value in (("ngay_tu_danh_gia", dt.datetime(2025, 11, 10)), ("ngay_quyet_dinh", dt.datetime(2025, 11, 20)),
                       ("ngay_thong_bao", dt.datetime(2025, 11, 21)), ("ngay_bao_cao", dt.datetime(2025, 11, 25)),
                       ("bo_quy_tac", "nd90-2020+nd48-2023")):
        ws.append([key, value])
    ws = wb["DonVi"]
    n = ws.max_column
    for c, key in enumerate(("ngay_hop", "vang_mat", "so_phieu_phat_ra", "so_phieu_thu_ve", "so_thanh_vien"), start=n + 1):
        ws.cell(row=1, column=c, value=key)
        for r in range(2, ws.max_row + 1):
            ws.cell(row=r, column=c, value={"ngay_hop": dt.datetime(2025, 11, 12), "vang_mat": "Nguyễn Văn A (ốm)",
                                                    "so_thanh_vien": 20}.get(key, 6))
    # who chaired the Chánh Văn phòng's review at 2025's meeting: a fact of that meeting
    ws.cell(row=1, column=ws.max_column + 1, value="chu_tri_khi_kiem_diem_truong")
    ws.cell(row=2, column=ws.max_column, value="Trần Thị Thu Hà")
    # and who was assigned to chair it, signing for a head away from it: as much that meeting's
    ws.cell(row=1, column=ws.max_column + 1, value="cap_pho_phu_trach")
    ws.cell(row=2, column=ws.max_column, value="Trần Thị Thu Hà")
    ws = wb["NhanSu"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "VP-012":
            row[head.index("nghi_thai_san")].value = "Có"
            row[head.index("so_thang_cong_tac")].value = 11
    ws = wb["KyLuat"]
    ws.delete_rows(2, ws.max_row)
    ws.append(["VP-008", "hanh_chinh", "Khiển trách", "125/QĐ-VP", dt.datetime(2025, 6, 20), None, None])
    ws.append(["VP-020", "dang", "Khiển trách", "31-QĐ/UBKTĐU", dt.datetime(2025, 12, 20), "HV-25", 2025])
    ws.append(["VP-020", "hanh_chinh", "Khiển trách", "200/QĐ-VP", dt.datetime(2026, 1, 5), "HV-25", None])
    ws.append(["VP-021", "hanh_chinh", "Cảnh cáo", "201/QĐ-VP", dt.datetime(2026, 1, 12), None, None])
    wb.save(dest)
    return dest


def test_2025_to_2026_leaves_the_year_s_dates_meetings_and_criteria_behind(sample, tmp_path, capsys):
    """The dates signed on 2025's papers (self-assessment, decision, notice, report), the units' 2025 meetings and
    the rulebook override are not 2026's: carried over, 2026's phiếu and minutes would print 2025 dates. The
    2025 points-table criteria (TieuChi, ND 90 Mẫu 12/HDDG) are not the 2026 frame either (year score = mean of
    the periods, 30 + 70): not carried, and the console says so, as for the maternity leave to re-enter."""
    src = _so_2025(sample, tmp_path / "so_2025.xlsx")
    assert ingest.load(src).criteria  # last year's list is there
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    assert "«Bộ quy tắc» ghi đè năm 2025 («nd90-2020+nd48-2023») không chép sang năm 2026" in err
    assert "Tiêu chí chấm điểm năm 2025 (sheet TieuChi, 8 dòng) không chép sang năm 2026" in err
    assert "Năm 2025 có người nghỉ thai sản: " in err and "(VP-012)" in err
    new = ingest.load(tmp_path / "moi" / "ho_so_danh_gia_2026.xlsx")
    a = new.agency
    assert (a.ngay_lap, a.ngay_tu_danh_gia, a.ngay_quyet_dinh, a.ngay_thong_bao, a.ngay_bao_cao, a.bo_quy_tac) == \
           (None, None, None, None, None, "")
    for u in new.units:
        assert (u.ngay_hop, u.vang_mat, u.so_phieu_phat_ra, u.so_phieu_thu_ve, u.so_thanh_vien) == (None, "", None, None, None)
        assert u.chu_tri_khi_kiem_diem_truong == "" and u.cap_pho_phu_trach == ""
    assert not new.criteria
    p = new.person("VP-012")
    assert not p.nghi_thai_san and p.so_thang_cong_tac == 12
    # the same lines in the workbook's guide: the web page hands the file over with no console
    guide = openpyxl.load_workbook(tmp_path / "moi" / "ho_so_danh_gia_2026.xlsx")["HuongDan"]
    assert "Sổ này được tạo từ sổ năm 2025" in guide["A2"].value and "«Chuyển từ sổ năm 2025»" in guide["A2"].value
    texts = [str(c.value) for row in guide.iter_rows(min_col=2, max_col=2) for c in row if c.value]
    consoled = [x for x in err.splitlines() if x.startswith(("«Bộ quy tắc»", "Tiêu chí chấm điểm", "Giữ 3 quyết định",
                                                             "Năm 2025 có người nghỉ thai sản"))]
    assert len(consoled) == 4 and all(x in texts for x in consoled)


def test_a_discipline_in_force_next_year_is_carried_and_rates_2026(sample, tmp_path, capsys):
    """ND 335 Art. 20 cl. 4c (as ND 48 cl. 5a before it): discipline "trong năm đánh giá", by the effective date
    (rules.md R3). VP-021's cảnh cáo decided in December 2025, in force on 12/01/2026, is 2026's: kept in the 2026
    workbook, and the 2026 level is Không hoàn thành nhiệm vụ. VP-020's act HV-25 has a party decision in force
    in 2025, recorded as the basis of 2025's rating («Đã tính năm» 2025), and the administrative one in force in
    2026: both are kept, with the year recorded. ND 48 cl. 5c ("chỉ tính là căn cứ xếp loại chất lượng ở một năm
    đánh giá") amended ND 90, which no longer rates công chức in 2026; ND 335's words are "bị kỷ luật … trong năm
    đánh giá" with no such exception known (rules.md R3): 2026 is KHT by the 2026 decision, and the warning puts
    the 2025 use before the competent level. VP-008's 2025-only decision stays in 2025, and VP-030's 2026 one goes
    with VP-030, who left."""
    src = _so_2025(sample, tmp_path / "so_2025.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["KyLuat"].append(["VP-030", "hanh_chinh", "Khiển trách", "202/QĐ-VP", dt.datetime(2026, 1, 6), None, None])
    wb.save(src)
    src = _mark_gone(src, src, "VP-030")
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    assert "Giữ 3 quyết định kỷ luật có hiệu lực từ năm 2026" in err and "VP-020 Khiển trách số 200/QĐ-VP" in err
    assert "Kỷ luật (2 dòng)" in err and "202/QĐ-VP" not in err  # VP-008's, left in 2025; VP-030's, gone with him
    new = ingest.load(tmp_path / "moi" / "ho_so_danh_gia_2026.xlsx")
    assert sorted((d.ma_so, d.so_quyet_dinh) for d in new.disciplines) == [
        ("VP-020", "200/QĐ-VP"), ("VP-020", "31-QĐ/UBKTĐU"), ("VP-021", "201/QĐ-VP")]
    from pipeline.rating import rate
    ratings = rate(new)
    assert ratings.of("VP-021").muc_toi_da == "KHT"
    assert any("201/QĐ-VP" in r and "điểm c khoản 4 Điều 20 Nghị định 335/2025" in r for r in ratings.of("VP-021").ly_do)
    vp020 = ratings.of("VP-020")
    assert vp020.muc_toi_da == "KHT" and any("200/QĐ-VP" in r and "trong năm đánh giá 2026" in r for r in vp020.ly_do)
    assert any("200/QĐ-VP" in w and "đã là căn cứ xếp loại năm trước" in w and "Cấp có thẩm quyền xem xét" in w
               for w in vp020.canh_bao), vp020.canh_bao
    assert ratings.of("VP-008").muc_toi_da != "KHT"


def test_a_2026_workbook_carried_by_hand_warns_at_each_cell_of_2025(sample, tmp_path, capsys):
    """Last year's file with only «Năm đánh giá» moved on: `check` names every 2025 date (the papers' dates and
    the units' meetings), the ND 90 rulebook override, and the criteria no 2026 points use."""
    src = _so_2025(sample, tmp_path / "so_2025.xlsx")
    wb = openpyxl.load_workbook(src)
    wb.remove(wb["ChamDiem"])
    wb.save(tmp_path / "nam_nay.xlsx")
    book = _with_year(tmp_path / "nam_nay.xlsx", tmp_path / "nam_nay.xlsx", 2026)
    _code, _, err = run_cli(["check", book], capsys)
    lines = [x for x in err.splitlines() if "CẢNH BÁO" in x]
    for label in ("Ngày tự đánh giá", "Ngày quyết định xếp loại", "Ngày thông báo kết quả", "Ngày báo cáo Sở Nội vụ"):
        assert any(f"«{label}» thuộc năm 2025, trước năm đánh giá 2026" in x for x in lines), label
    assert sum("«Ngày họp đánh giá» của đơn vị" in x and "thuộc năm 2025" in x for x in lines) == 6
    rule = next(x for x in lines if "«Bộ quy tắc» ghi «nd90-2020+nd48-2023»" in x)
    assert "(ô B" in rule and "năm đánh giá là 2026" in rule
    crit = next(x for x in lines if "Sheet «TieuChi» có 8 tiêu chí" in x)
    assert "không được dùng để xếp loại và không in trên mẫu nào" in crit
    # 2025 itself: nothing of this
    _code, _, err = run_cli(["check", src], capsys)
    assert "thuộc năm 2025, trước" not in err and "«Bộ quy tắc» ghi" not in err and "có 8 tiêu chí" not in err


def test_2026_to_2027_keeps_the_2026_choices_and_leaves_the_year_s_results(tmp_path, capsys):
    """2026 → 2027, the same regime: the rulebook chosen for other staff (agency and unit) and the criteria are
    kept; the periods (KetQuaKy, SanPham), the agency's 2026 self-rating (level, points, meeting, report) and the
    dates signed in 2026 are not 2027's — carried, 2027's self-rating file would be made from 2026's."""
    src = tmp_path / "so_2026.xlsx"
    wb = openpyxl.load_workbook(Path(__file__).parent.parent / "data" / "mau_ho_so_2026.xlsx")
    ws = wb["CoQuan"]
    for key, value in (("tu_xep_loai_co_quan", "HTT"), ("diem_co_quan", 85), ("diem_tieu_chi_chung_co_quan", 27),
                       ("diem_nhiem_vu_co_quan", 58), ("ngay_hop_tu_xep_loai", dt.datetime(2026, 12, 3)),
                       ("so_nguoi_trieu_tap_co_quan", 12), ("so_nguoi_du_hop_co_quan", 11), ("so_phieu_dong_y_co_quan", 10),
                       ("ket_qua_co_quan", "Hoàn thành 95% chỉ tiêu năm 2026."), ("ngay_quyet_dinh", dt.datetime(2026, 12, 8))):
        ws.append([key, value])
    ws = wb["DonVi"]
    col = ws.max_column + 1
    ws.cell(row=1, column=col, value="bo_quy_tac_khac")
    ws.cell(row=ws.max_row, column=col, value="nd233-2026")
    ws = wb.create_sheet("TieuChi")
    ws.append(["ma_tieu_chi", "noi_dung", "diem_toi_da", "nhom"])
    ws.append(["CHUNG", "Tiêu chí chung", 30, "chung"])
    ws.append(["KET_QUA", "Kết quả thực hiện nhiệm vụ", 70, "nhiem_vu"])
    wb.save(src)
    last = ingest.load(src)
    assert last.periods and last.agency.tu_xep_loai_co_quan == "HTT"
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    assert "Kết quả kỳ (" in err and "Tiêu chí chấm điểm" not in err and "«Bộ mẫu»" not in err
    new = ingest.load(tmp_path / "moi" / "ho_so_danh_gia_2027.xlsx")
    a = new.agency
    assert new.year == 2027 and not new.periods and not new.products
    assert (a.tu_xep_loai_co_quan, a.diem_co_quan, a.diem_tieu_chi_chung_co_quan, a.diem_nhiem_vu_co_quan,
            a.ngay_hop_tu_xep_loai, a.so_nguoi_trieu_tap_co_quan, a.so_nguoi_du_hop_co_quan, a.so_phieu_dong_y_co_quan,
            a.ket_qua_co_quan, a.ngay_quyet_dinh) == ("", None, None, None, None, None, None, None, "", None)
    assert a.bo_quy_tac_khac == last.agency.bo_quy_tac_khac == "nd335-2025"
    assert [u.bo_quy_tac_khac for u in new.units] == [u.bo_quy_tac_khac for u in last.units]
    assert new.units[-1].bo_quy_tac_khac == "nd233-2026"
    assert [c.ma_tieu_chi for c in new.criteria] == ["CHUNG", "KET_QUA"]


def test_2025_s_advice_on_a_decision_in_force_in_2026_does_not_promise_nd48_s_exception(sample, tmp_path):
    """2025 (ND 90 + ND 48): a decision in force on 05/01/2026 is not 2025's (cl. 5a); if 2025's KHT rested on the act,
    «Đã tính năm» 2025 records it (cl. 5b). ND 48's one-year rule amended ND 90; 2026 is rated under ND 335, whose
    own rule was not seen (rules.md R3): the 2025 warning must not say the year will keep 2026 from counting it —
    it says 2026's rulebook counts it, with a warning. 2024 → a decision of 2025 (same regime): the promise holds."""
    from pipeline.rating import rate

    src = _so_2025(sample, tmp_path / "so_2025.xlsx")
    w = [x for x in rate(ingest.load(src)).of("VP-021").canh_bao if "201/QĐ-VP" in x]
    assert len(w) == 1 and "có hiệu lực sau năm đánh giá 2025" in w[0] and "ghi 2025 vào cột «Đã tính năm»" in w[0]
    assert "Năm 2026 xếp loại theo bộ quy tắc nd335-2025, chưa xác định có ngoại lệ này" in w[0]
    assert "để năm 2026 không tính lại" not in w[0]
    wb = openpyxl.load_workbook(sample)
    wb["KyLuat"].append(["VP-021", "hanh_chinh", "Cảnh cáo", "201/QĐ-VP", dt.datetime(2025, 1, 12), None, None])
    wb.save(tmp_path / "so_2024.xlsx")
    w = [x for x in rate(ingest.load(tmp_path / "so_2024.xlsx")).of("VP-021").canh_bao if "201/QĐ-VP" in x]
    assert len(w) == 1 and "để năm 2025 không tính lại" in w[0]


def test_next_year_straight_from_the_rollover_builds(tmp_path, cache_dir):
    """A 2027 workbook just made by `init --tu` (nobody rated yet: every list of people not rated at its
    longest) is built — the agency's report came out at 6 pages, its template declared at most 5 for its
    length (measured on workbooks of rated people only), and the whole build stopped (exit 6) blaming fonts."""
    import subprocess

    from pipeline import api
    from pipeline.resources import sample_workbook

    made = api.init_from(sample_workbook(2026), tmp_path / "moi")
    out = tmp_path / "out"
    api.build(made.dest, out, api.BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir))
    report = out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"
    info = subprocess.run(["pdfinfo", str(report)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 6  # the case the declaration now allows
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True, check=True).stdout
    assert "NĂM 2027" in " ".join(text.split()).upper()


def test_the_head_s_post_vacant_is_not_carried_into_next_year(tmp_path, capsys):
    """A vacancy is a state of the year, as a maternity leave is: a Giám đốc appointed in 2027 under a carried
    «Chức vụ cấp trưởng» «Giám đốc» would sign «KT. GIÁM ĐỐC» over «GIÁM ĐỐC». So 2026's deputy in charge
    (tests/pho_phu_trach_2026.py) leaves the cell empty in 2027 with a line naming him and what to write; the
    head, his post and the collective body signed for (TM., the body does not change) are carried; and if the
    post is still vacant, `check` of the 2027 workbook warns at the deputy's post (never a silent «PHÓ GIÁM ĐỐC»)."""
    import pho_phu_trach_2026 as sp

    data = sp.tables()
    data["CoQuan"] += [("ky_thay_mat", "Ủy ban nhân dân"), ("chuc_vu_ky_thay_mat", "Chủ tịch")]
    src = sp.write(tmp_path / "so_2026.xlsx", data)
    assert ingest.load(src).agency.chuc_vu_cap_truong == "Giám đốc"
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    line = ("«Chức vụ cấp trưởng (cấp phó được giao phụ trách)» năm 2026 («Giám đốc»: Trần Quốc Bảo, Phó Giám đốc là "
            "cấp phó được giao phụ trách) không chép sang năm 2027: nếu năm 2027 cơ quan vẫn khuyết Giám đốc, ghi lại ô "
            "này (văn bản in «KT. GIÁM ĐỐC» trên chức vụ của người ký); nếu đã có người được bổ nhiệm, sửa «Người đứng "
            "đầu» và «Chức vụ người đứng đầu».")
    assert line in err
    book = tmp_path / "moi" / "ho_so_danh_gia_2027.xlsx"
    a = ingest.load(book).agency
    assert (a.nguoi_dung_dau, a.chuc_vu_nguoi_dung_dau, a.chuc_vu_cap_truong, a.ky_thay_mat, a.chuc_vu_ky_thay_mat) == (
        "Trần Quốc Bảo", "Phó Giám đốc", "", "Ủy ban nhân dân", "Chủ tịch")
    guide = openpyxl.load_workbook(book)["HuongDan"]
    assert line in [str(c.value) for row in guide.iter_rows(min_col=2, max_col=2) for c in row if c.value]
    warned = [p for p in ingest.check(book) if p.sheet == "CoQuan" and "là chức vụ cấp phó" in p.message]
    assert len(warned) == 1 and not warned[0].is_error and warned[0].value == "Phó Giám đốc"
    # a year with no vacancy says nothing of it
    code, _, err = run_cli(["init", "--tu", sp.write(tmp_path / "khac.xlsx", {
        **sp.tables(), "CoQuan": [(k, v) for k, v in sp.tables()["CoQuan"] if k != "chuc_vu_cap_truong"]}),
        tmp_path / "moi2"], capsys)
    assert code == 0 and "Chức vụ cấp trưởng" not in err


def test_the_citizen_id_is_carried_into_next_year_as_text_with_its_leading_zero(tmp_path, capsys):
    """NhanSu «Số định danh cá nhân» is the person's, not the year's: carried, and written as text in a Text cell
    (a number would lose the 0 every such number begins with, and next year's check would refuse it)."""
    data = wf.tables()
    data["NhanSu"][1]["so_dinh_danh"] = "001180012345"  # Trần Thị Bình, a woman born in 1980
    src = wf.write(tmp_path / "so.xlsx", data)
    code, _, err = run_cli(["init", "--tu", src, tmp_path / "moi"], capsys)
    assert code == 0, err
    (dest,) = (tmp_path / "moi").glob("*.xlsx")
    new = ingest.load(dest)
    assert {p.ma_so: p.so_dinh_danh for p in new.people}["NS-02"] == "001180012345"
    ws = openpyxl.load_workbook(dest)["NhanSu"]
    (col,) = [c.column for c in ws[1] if c.value and "định danh" in str(c.value)]
    cell = ws.cell(row=3, column=col)
    assert (cell.value, cell.number_format) == ("001180012345", "@")
