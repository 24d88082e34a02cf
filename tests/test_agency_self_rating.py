"""The agency's own self-rating file (dossier.md §3.2 item 3): the CoQuan keys and their checks,
the self-assessment report and the key-staff meeting's minutes (real LibreOffice PDFs), and their
place in the Sở Nội vụ package."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
import workbook_factory as wf
from fakes import blank_conversion, pdftotext_flat, submit_alone
from pypdf import PdfReader, PdfWriter

from pipeline import ingest
from pipeline.forms.context import DOTS
from pipeline.forms.registry import Registry
from pipeline.pdf.cache import BlobCache, PdfCache
from pipeline.pdf.convert import convert
from pipeline.pdf.pool import Converter
from pipeline.plan import make_plan
from pipeline.rating import rate
from pipeline.resources import sample_workbook

FULL = {
    2024: [("tu_xep_loai_co_quan", "HTT"), ("ngay_hop_tu_xep_loai", dt.date(2024, 11, 8)),
           ("so_nguoi_trieu_tap_co_quan", 15), ("so_nguoi_du_hop_co_quan", 14), ("so_phieu_dong_y_co_quan", 13),
           ("thu_ky_hop_co_quan", "Lê Thị Thư"), ("ket_qua_co_quan", "Hoàn thành 45/45 nhiệm vụ được giao."),
           ("uu_diem_co_quan", "Tham mưu kịp thời, đúng quy định.")],
    2026: [("tu_xep_loai_co_quan", "HTXS"), ("diem_co_quan", 92.5), ("diem_tieu_chi_chung_co_quan", 28),
           ("diem_nhiem_vu_co_quan", 64.5), ("ngay_bao_cao_tu_danh_gia", dt.date(2026, 11, 2))],
}


_with_rows = wf.sample_with_agency_rows


_text = pdftotext_flat


def _build(folder: Path, workbook: Path, year: int, convert, cache: Path):
    campaign = ingest.load(workbook)
    ratings = rate(campaign)
    registry = Registry()
    plan = make_plan(campaign, registry)
    logged: list[str] = []
    sub = submit_alone(folder, campaign, ratings, plan, registry=registry, today=dt.date(year, 11, 20),
                       convert=convert, blobs=BlobCache(cache / "blob"), log=logged.append,
                       converter=Converter(), cache=PdfCache(cache / "pdf"))
    return sub, logged


@pytest.fixture(scope="module")
def built(tmp_path_factory, cache_dir):
    out = {}
    root = tmp_path_factory.mktemp("self_rating")
    for year in (2024, 2026):
        workbook = _with_rows(year, FULL[year], root / f"so_{year}.xlsx")
        folder = root / f"out_{year}"
        out[year] = (folder, *_build(folder, workbook, year, convert, cache_dir))
    return out


HEADER_2024 = ("UBND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM TỈNH HÀ GIANG NAM Độc lập - Tự do - Hạnh phúc VĂN PHÒNG UBND "
               "TỈNH HÀ GIANG NAM")


def test_self_assessment_report_2024(built):
    folder, _, _ = built[2024]
    text = _text(folder / "nop_so_noi_vu" / "bao_cao_tu_danh_gia_co_quan.pdf")
    dots = " ".join([DOTS] * 4)
    assert text == (
        # a báo cáo: its type and the agency's abbreviation, not the công văn's drafting unit (ND 30/2020
        # Phụ lục I; audit sym45: it printed «/BC-VP-HCQT» before)
        f"{HEADER_2024} Hà Giang Nam, ngày …… tháng …… năm 2024 Số: …………/BC-VP "
        "BÁO CÁO Tự đánh giá kết quả thực hiện nhiệm vụ năm 2024 của Văn phòng UBND tỉnh Hà Giang Nam "
        # up to 2025 no decree rates agencies: no ND 90 citation here (ND 90 rates people)
        "Thực hiện hướng dẫn của cấp có thẩm quyền về đánh giá, xếp loại chất lượng tập thể, Văn phòng UBND tỉnh "
        "Hà Giang Nam báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm 2024 như sau: "
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ Hoàn thành 45/45 nhiệm vụ được giao. "
        "II. ĐÁNH GIÁ CHUNG 1. Ưu điểm Tham mưu kịp thời, đúng quy định. 2. Tồn tại, hạn chế và nguyên nhân "
        f"{dots} III. TỰ ĐÁNH GIÁ, XẾP LOẠI Văn phòng UBND tỉnh Hà Giang Nam tự đánh giá, đề nghị xếp loại mức: "
        f"Hoàn thành tốt nhiệm vụ. IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025 {dots} "
        "2 "  # the number of page 2, at its top (ND 30/2020)
        "Trên đây là báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm 2024 của Văn phòng UBND tỉnh Hà Giang "
        "Nam./. Nơi nhận: CHÁNH VĂN PHÒNG - Sở Nội vụ tỉnh Hà Giang Nam (để tổng hợp); - Lưu: VT, … "
        "Nguyễn Đình Khải")


def test_key_staff_minutes_2024_with_the_vote(built):
    folder, _, _ = built[2024]
    text = _text(folder / "nop_so_noi_vu" / "bien_ban_tu_xep_loai_co_quan.pdf")
    # the number line of minutes under the agency (label so_ky_hieu): a biên bản's symbol is its type and the
    # agency's abbreviation (ND 30/2020 Phụ lục I; audit sym45: it printed «……/BB» before)
    assert text.startswith(HEADER_2024 + " Số: ……/BB-VP BIÊN BẢN Họp tự đánh giá, xếp loại cơ quan năm 2024 của Văn phòng UBND "
                           "tỉnh Hà Giang Nam ")
    body = text[len(HEADER_2024):]
    for part in (
        # the meeting's date from the workbook, the hour left for handwriting
        "Thời gian: vào hồi …… giờ …… phút, ngày 08 tháng 11 năm 2024.",
        "Số người được triệu tập: 15 người. Có mặt: 14 người; vắng mặt: 01 người.",
        "Chủ trì: Nguyễn Đình Khải, Chánh Văn phòng. Thư ký: Lê Thị Thư.",
        "3. Kết quả biểu quyết mức xếp loại cơ quan: - Số người biểu quyết: 14; - Đồng ý xếp loại mức “Hoàn thành "
        "tốt nhiệm vụ”: 13/14 (92,9%); - Không đồng ý: 1.",
        "4. Hội nghị thống nhất đề nghị xếp loại Văn phòng UBND tỉnh Hà Giang Nam năm 2024 ở mức: Hoàn thành tốt "
        "nhiệm vụ.",
        "THƯ KÝ CHỦ TRÌ (Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên) Lê Thị Thư Nguyễn Đình Khải",
    ):
        assert part in body, part


def test_self_assessment_report_2026_cites_nd_335_and_prints_the_points(built):
    folder, _, _ = built[2026]
    text = _text(folder / "nop_so_noi_vu" / "bao_cao_tu_danh_gia_co_quan.pdf")
    for part in (
        "ngày 02 tháng 11 năm 2026 Số: …………/BC-",  # CoQuan.ngay_bao_cao_tu_danh_gia
        "BÁO CÁO Tự đánh giá kết quả thực hiện nhiệm vụ năm 2026 của",
        "Thực hiện Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng đối "
        "với cơ quan hành chính nhà nước và công chức,",
        "III. TỰ ĐÁNH GIÁ, XẾP LOẠI Tổng điểm tự đánh giá: 92,5/100 điểm (tiêu chí chung: 28/30 điểm; kết quả "
        "thực hiện nhiệm vụ: 64,5/70 điểm).",
        "tự đánh giá, đề nghị xếp loại mức: Hoàn thành xuất sắc nhiệm vụ.",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027 ",  # then dotted lines (the page number may fall among them)
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ " + DOTS,  # no text in the workbook: dotted lines
    ):
        assert part in text, part
    assert "Nghị định số 90/2020" not in text
    minutes = _text(folder / "nop_so_noi_vu" / "bien_ban_tu_xep_loai_co_quan.pdf")
    # no meeting data: nothing invented
    assert "ngày …… tháng …… năm 2026" in minutes and "Số người được triệu tập: …………. Có mặt: …………; vắng " \
        "mặt: …………." in minutes
    assert "3. Kết quả biểu quyết mức xếp loại cơ quan: " + DOTS in minutes
    assert "Số người biểu quyết" not in minutes


@pytest.mark.parametrize("year", [2024, 2026])
def test_no_code_and_no_deadline_arithmetic_in_the_two_documents(built, year):
    folder, _, _ = built[year]
    for name in ("bao_cao_tu_danh_gia_co_quan", "bien_ban_tu_xep_loai_co_quan"):
        text = _text(folder / "nop_so_noi_vu" / f"{name}.pdf")
        assert not re.findall(r"[a-z]+_[a-z_]+", text), name
        assert not re.search(r"\b(HTXS|HTT|HT|KHT)\b", text), name
        assert not re.search(r"quá hạn|còn \d+ ngày|hạn cuối|hạn nộp|hạn gửi|\d+ ngày\b", text), name


def test_package_order_enclosed_list_readme_zip_and_no_file_twice(built):
    folder, sub, logged = built[2024]
    section = sub.manifest["nop_so_noi_vu"]
    paths = [t["path"] for t in section["tep"]]
    kinds = [t["loai"] for t in section["tep"]]
    assert len(paths) == len(set(paths))
    # dossier.md §3.2: 1 cover letter, 2 report with the biểu, 3 the agency's self-rating file
    order = [k for i, k in enumerate(kinds) if k not in kinds[:i]]
    assert order[:5] == ["cong_van_so_noi_vu", "bao_cao_so_noi_vu", "bieu_tong_hop", "bao_cao_tu_danh_gia_co_quan",
                         "bien_ban_tu_xep_loai_co_quan"]
    assert paths[7:11] == [f"nop_so_noi_vu/{n}.{e}" for n in ("bao_cao_tu_danh_gia_co_quan",
                                                              "bien_ban_tu_xep_loai_co_quan") for e in ("docx", "pdf")]
    with zipfile.ZipFile(folder / "ho_so_2024.zip") as zf:
        names = zf.namelist()
    assert sorted(names) == sorted(paths) and len(names) == len(set(names))
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert "- nop_so_noi_vu/bao_cao_tu_danh_gia_co_quan.pdf: Báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm" \
           " của cơ quan" in readme
    assert "- nop_so_noi_vu/bien_ban_tu_xep_loai_co_quan.pdf: Biên bản họp tự đánh giá, xếp loại cơ quan" in readme
    letter = _text(folder / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert ("1. Báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động năm "
            "2024, kèm theo Biểu tổng hợp. 2. Hồ sơ tự xếp loại Văn phòng UBND tỉnh Hà Giang Nam năm 2024 (báo cáo "
            "tự đánh giá kết quả thực hiện nhiệm vụ năm, biên bản họp cán bộ chủ chốt tự đánh giá, xếp loại cơ quan).") \
        in letter
    assert not any("tự xếp loại cơ quan" in line for line in logged)


def _blank_pdf() -> bytes:
    import io

    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_without_the_agencys_level_no_file_and_one_console_line(tmp_path):
    pdf = _blank_pdf()
    sub, logged = _build(tmp_path / "out", sample_workbook(2024), 2024,
                         blank_conversion(pdf), tmp_path)
    kinds = {t["loai"] for t in sub.manifest["nop_so_noi_vu"]["tep"]}
    assert not kinds & {"bao_cao_tu_danh_gia_co_quan", "bien_ban_tu_xep_loai_co_quan"}
    assert not list((tmp_path / "out" / "nop_so_noi_vu").glob("*tu_*co_quan*"))
    lines = [line for line in logged if "hồ sơ tự xếp loại cơ quan" in line]
    assert lines == ["Cảnh báo: Chưa tạo hồ sơ tự xếp loại cơ quan (báo cáo tự đánh giá và biên bản họp cán bộ chủ "
                     "chốt): sheet CoQuan chưa có «Mức cơ quan tự xếp loại»; điền ô này (và ngày họp, số người dự họp, "
                     "số phiếu đồng ý nếu có) rồi tạo lại hồ sơ."]
    assert "tự xếp loại" not in (tmp_path / "out" / "README.txt").read_text(encoding="utf-8")
    assert len(PdfReader(tmp_path / "out" / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf").pages) == 1


def _errors(tmp_path: Path, rows, year: int = 2024):
    data = wf.tables()
    data["CoQuan"] = [(k, v) for k, v in data["CoQuan"] if k != "nam_danh_gia"] + [("nam_danh_gia", year), *rows]
    path = wf.write(tmp_path / f"w{len(rows)}{year}.xlsx", data)
    return [p for p in ingest.check(path) if p.is_error], data["CoQuan"]


def _cell(coquan, key: str) -> str:
    return f"B{[k for k, _ in coquan].index(key) + 2}"


def test_check_errors_name_the_cells(tmp_path):
    problems, coquan = _errors(tmp_path, [("tu_xep_loai_co_quan", "HTT"), ("so_nguoi_trieu_tap_co_quan", 10),
                                          ("so_nguoi_du_hop_co_quan", 11), ("so_phieu_dong_y_co_quan", 12)])
    got = {(p.sheet, p.cell): p.message for p in problems}
    assert set(got) == {("CoQuan", _cell(coquan, "so_nguoi_du_hop_co_quan")),
                        ("CoQuan", _cell(coquan, "so_phieu_dong_y_co_quan"))}
    assert got[("CoQuan", _cell(coquan, "so_phieu_dong_y_co_quan"))] == (
        f"«Số phiếu đồng ý mức tự xếp loại» (12) lớn hơn «Số cán bộ chủ chốt dự họp» "
        f"(ô {_cell(coquan, 'so_nguoi_du_hop_co_quan')}) (11).")
    # half the votes or fewer: a warning on the votes' cell (the minutes would say the meeting agreed)
    path_rows = [("tu_xep_loai_co_quan", "HTT"), ("so_nguoi_du_hop_co_quan", 10), ("so_phieu_dong_y_co_quan", 5)]
    data = wf.tables()
    data["CoQuan"] += path_rows
    found = [p for p in ingest.check(wf.write(tmp_path / "half.xlsx", data)) if p.sheet == "CoQuan"]
    assert [(p.is_error, p.cell) for p in found] == [(False, _cell(data["CoQuan"], "so_phieu_dong_y_co_quan"))]
    assert "không quá một nửa" in found[0].message
    # a level outside the four
    problems, coquan = _errors(tmp_path, [("tu_xep_loai_co_quan", "Tốt")])
    assert [(p.sheet, p.cell) for p in problems] == [("CoQuan", _cell(coquan, "tu_xep_loai_co_quan"))]
    # points: only from 2026, within 0–100, the parts add up
    problems, coquan = _errors(tmp_path, [("tu_xep_loai_co_quan", "HTT"), ("diem_co_quan", 90)])
    assert [(p.sheet, p.cell) for p in problems] == [("CoQuan", _cell(coquan, "diem_co_quan"))]
    assert "từ năm 2026" in problems[0].message
    problems, coquan = _errors(tmp_path, [("diem_co_quan", 101), ("diem_tieu_chi_chung_co_quan", 31),
                                          ("diem_nhiem_vu_co_quan", 70)], year=2026)
    points = {_cell(coquan, k) for k in ("diem_co_quan", "diem_tieu_chi_chung_co_quan", "diem_nhiem_vu_co_quan")}
    cells = sorted(p.cell for p in problems if p.sheet == "CoQuan" and p.cell in points)  # (the factory's 2024 dates err too)
    assert cells == sorted([_cell(coquan, "diem_co_quan"), _cell(coquan, "diem_tieu_chi_chung_co_quan")])
    problems, coquan = _errors(tmp_path, [("diem_co_quan", 90), ("diem_tieu_chi_chung_co_quan", 25),
                                          ("diem_nhiem_vu_co_quan", 60)], year=2026)
    problems = [p for p in problems if p.sheet == "CoQuan" and p.cell in points]
    assert [p.cell for p in problems] == [_cell(coquan, "diem_co_quan")]
    assert problems[0].message == (f"«Điểm tự đánh giá của cơ quan» khác tổng «Điểm tiêu chí chung của cơ quan» "
                                   f"(ô {_cell(coquan, 'diem_tieu_chi_chung_co_quan')}) và «Điểm kết quả thực hiện "
                                   f"nhiệm vụ của cơ quan» (ô {_cell(coquan, 'diem_nhiem_vu_co_quan')}).")


def test_manifest_titles_are_the_templates(built):
    folder, _, _ = built[2024]
    manifest = {t["path"]: t["tieu_de"] for t in built[2024][1].manifest["nop_so_noi_vu"]["tep"]}
    assert manifest["nop_so_noi_vu/bien_ban_tu_xep_loai_co_quan.docx"] == \
        "Biên bản họp tự đánh giá, xếp loại cơ quan (bản Word)"
    assert json.dumps(manifest, ensure_ascii=False).count("tu_danh_gia_co_quan.pdf") == 1


def test_check_warns_when_the_agencys_level_is_above_its_points(tmp_path):
    """ND 335 scores agencies on 100 points in four levels; by the thresholds of its Art. 20 (HTXS from
    90, HTT from 70, HT from 50) 85 points are HTT. An agency that self-rates HTXS with 85 points would
    send the Sở Nội vụ a report printing «85/100 điểm» and «Hoàn thành xuất sắc nhiệm vụ»: a warning
    on the level's cell (the thresholds for agencies are unconfirmed, so not an error). 92.5 points
    with HTXS (the FULL 2026 rows) and 85 points with HTT give no warning."""
    rows = [("tu_xep_loai_co_quan", "HTXS"), ("diem_co_quan", 85), ("diem_tieu_chi_chung_co_quan", 27),
            ("diem_nhiem_vu_co_quan", 58)]
    book = _with_rows(2026, rows, tmp_path / "cao.xlsx")
    found = [p for p in ingest.check(book) if p.sheet == "CoQuan"]
    assert [(p.is_error, p.value) for p in found] == [(False, "Hoàn thành xuất sắc nhiệm vụ")], found
    assert ("là Hoàn thành xuất sắc nhiệm vụ nhưng «Điểm tự đánh giá của cơ quan»" in found[0].message
            and "là 85 điểm" in found[0].message and "thì là Hoàn thành tốt nhiệm vụ" in found[0].message)
    for name, level_rows in (("du.xlsx", FULL[2026]), ("htt.xlsx", [("tu_xep_loai_co_quan", "HTT")] + rows[1:])):
        assert not [p for p in ingest.check(_with_rows(2026, level_rows, tmp_path / name)) if p.sheet == "CoQuan"]
    # 85,5 points (27 + 58,5), HTXS self-rated: HTT by the points; the points written as a Vietnamese decimal
    half = [("tu_xep_loai_co_quan", "HTXS"), ("diem_co_quan", 85.5), ("diem_tieu_chi_chung_co_quan", 27),
            ("diem_nhiem_vu_co_quan", 58.5)]
    [warned] = [p for p in ingest.check(_with_rows(2026, half, tmp_path / "le.xlsx")) if p.sheet == "CoQuan"]
    assert "là 85,5 điểm" in warned.message and "thì là Hoàn thành tốt nhiệm vụ" in warned.message
