"""A workbook no one here wrote (issue 20): `hoso init`'s blank workbook filled with openpyxl as a clerk of a
UBND phường types in Excel, read only from its sheet «HuongDan» and column comments.

Outcomes worked out by hand from the words of the papers and the guide:
- CoQuan «Chức vụ người đứng đầu cơ quan cấp trên» as its guide's example («Chủ tịch UBND tỉnh») and «Cơ quan
  cấp trên trực tiếp» written in full («Ủy ban nhân dân tỉnh Quảng Ngãi»): the agency head's row says once who
  rates him, «Do Chủ tịch UBND tỉnh Quảng Ngãi đánh giá, xếp loại» — not «Chủ tịch UBND tỉnh Ủy ban nhân dân
  tỉnh Quảng Ngãi», the same body named twice on a signed paper.
- A unit with neither a head nor a deputy (two staff of the Văn phòng): nobody chairs its meeting, so the minutes
  leave the chair to be written by hand, and `hoso check` says so — not «cuộc họp sẽ do cấp phó chủ trì», a
  deputy there is not. A unit with a deputy and no head keeps that warning.
- What she typed is read as she meant it: «85%» typed as text is 85; 0.95 in a cell formatted as percent (what
  Excel stores for «95%») is 95; «x» in «Đảng viên» is yes (the party member's self-review is in his dossier).
Real LibreOffice build of one small workbook, shared by the module.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from clerk_book import set_agency, write_rows
from pypdf import PdfReader

from pipeline import api, ingest
from pipeline.ingest import blank

YEAR = 2026
NO_CHAIR = ("Đơn vị «VP» không có người đứng đầu (vai trò «Người đứng đầu») và không có cấp phó (vai trò «Cấp "
            "phó»): biên bản họp của đơn vị để dấu chấm ở người chủ trì để ghi tay.")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _fill(path: Path) -> Path:
    """The clerk's workbook: `hoso init`'s sheets, filled by the labels she sees."""
    wb = openpyxl.load_workbook(path)
    agency = {
        "Tên cơ quan": "Ủy ban nhân dân phường Nghĩa Lộ", "Địa danh": "Nghĩa Lộ", "Năm đánh giá": YEAR,
        "Người đứng đầu": "Nguyễn Văn Hùng", "Chức vụ người đứng đầu": "Chủ tịch UBND phường",
        "Cơ quan cấp trên trực tiếp": "Ủy ban nhân dân tỉnh Quảng Ngãi",
        "Người đứng đầu cơ quan cấp trên": "Trần Phước Hiền",
        "Chức vụ người đứng đầu cơ quan cấp trên": "Chủ tịch UBND tỉnh",
        "Ký thay mặt tập thể (TM.)": "Ủy ban nhân dân", "Chức vụ ký dưới dòng TM.": "Chủ tịch",
    }
    set_agency(wb, agency)

    def rows(sheet: str, records: list[dict[str, object]]) -> None:
        write_rows(wb, sheet, records)

    rows("DonVi", [
        {"Mã đơn vị": "LD", "Tên đơn vị": "Lãnh đạo UBND phường", "Loại đơn vị": "Hành chính",
         "Ngày họp đánh giá": "10/12/2026"},
        {"Mã đơn vị": "VP", "Tên đơn vị": "Văn phòng HĐND và UBND", "Loại đơn vị": "Hành chính",
         "Ngày họp đánh giá": "10/12/2026"},
        {"Mã đơn vị": "KT", "Tên đơn vị": "Phòng Kinh tế", "Loại đơn vị": "Hành chính"},
    ])
    staff = "Công chức, viên chức, NLĐ"
    people = [
        ("CT01", "Nguyễn Văn Hùng", "LD", "Chủ tịch UBND phường", "Người đứng đầu", "Cán bộ", "có"),
        ("PCT01", "Trần Thị Mai", "LD", "Phó Chủ tịch UBND phường", "Cấp phó", "Cán bộ", None),
        ("VP02", "Đỗ Văn Nam", "VP ", "Chuyên viên", staff, "Công chức", "x"),
        ("HD01", "Trịnh Văn Bảo", "VP", "Lái xe", staff, "Hợp đồng (HĐ 68/111)", None),
        ("KT02", "Lê Văn Phúc", "KT", "Phó Trưởng phòng", "Cấp phó", "Công chức", None),
        ("KT03", "Ngô Thị Hồng", "KT", "Chuyên viên", staff, "Công chức", None),
    ]
    rows("NhanSu", [{"Mã số": m, "Họ và tên": n, "Ngày sinh": "05/06/1985", "Mã đơn vị": u, "Chức vụ, chức danh": c,
                     "Vai trò": v, "Loại": t, **({"Đảng viên": d} if d else {})} for m, n, u, c, v, t, d in people])
    results = []
    for m, *_ in people:
        for q in range(1, 5):
            rec: dict[str, object] = {"Mã số": m, "Kỳ": f"{YEAR}-Q{q}", "Điểm tiêu chí chung": 25,
                                      "Số lượng (%)": 90, "Chất lượng (%)": 90, "Tiến độ (%)": 90}
            if m == "VP02":
                rec["Chất lượng (%)"] = "85%"  # typed as text
            if m in ("CT01", "PCT01", "KT02"):
                rec.update({"Kết quả đơn vị phụ trách (%)": 100, "Năng lực tổ chức thực hiện (%)": 90,
                            "Năng lực tập hợp, đoàn kết (%)": 90})
            results.append(rec)
    rows("KetQuaKy", results)
    ws = wb["KetQuaKy"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "HD01":  # «95%» typed in Excel: 0.95 shown as a percent
            ws.cell(r, 5).value = 0.95
            ws.cell(r, 5).number_format = "0%"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fresh_clerk")
    return _fill(blank.write(folder, year=YEAR))


@pytest.fixture(scope="module")
def out(workbook, tmp_path_factory, cache_dir) -> Path:
    dest = tmp_path_factory.mktemp("fresh_clerk_out") / "out"
    api.build(workbook, dest, api.BuildOptions(cache_dir=cache_dir / "fresh_clerk", today=dt.date(YEAR, 12, 7)))
    return dest


def _unit_doc_text(out: Path, unit: str, form: str) -> str:
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [u for u in doc["don_vi"] if u["ma_don_vi"] == unit]
    (d,) = [d for d in entry["muc"] if d["mau"] == form]
    pages = PdfReader(out / entry["pdf"]).pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return _flat("\n".join(p.extract_text() for p in pages))


def test_a_unit_with_no_head_and_no_deputy_is_told_its_minutes_leave_the_chair_blank(workbook):
    problems = ingest.check(workbook)
    assert not [p.text() for p in problems if p.is_error]
    (vp,) = [p for p in problems if p.message.startswith("Đơn vị «VP» không có người đứng đầu")]
    assert (vp.sheet, vp.row, vp.column, vp.message) == ("DonVi", 3, "A", NO_CHAIR), vp
    assert vp.expected == "ở sheet NhanSu, vai trò «Người đứng đầu» (hoặc «Cấp phó») cho người phụ trách đơn vị"
    # a unit with a deputy: he chairs, as the warning always said
    (kt,) = [p for p in problems if p.message.startswith("Đơn vị «KT» không có người đứng đầu")]
    assert kt.message == "Đơn vị «KT» không có người đứng đầu (vai trò «Người đứng đầu»); cuộc họp sẽ do cấp phó chủ trì."


def test_the_minutes_of_that_unit_leave_the_chair_to_the_pen(out):
    minutes = _unit_doc_text(out, "VP", "bien_ban_hop")
    assert "- Chủ trì: đồng chí ………………." in minutes, minutes
    assert "Lê Văn Phúc" not in minutes and "Trần Thị Mai" not in minutes


def test_the_head_is_rated_by_the_superior_named_once(out):
    said = "Do Chủ tịch UBND tỉnh Quảng Ngãi đánh giá, xếp loại"
    minutes = _unit_doc_text(out, "LD", "bien_ban_hop")
    assert f"Mức xếp loại: {said} (đơn vị không đề xuất mức xếp loại" in minutes, minutes
    summary = _unit_doc_text(out, "LD", "tong_hop_xep_loai")
    notice = _flat(" ".join(p.extract_text() for p in PdfReader(out / "co_quan" / "thong_bao_ket_qua.pdf").pages))
    for text in (minutes, summary, notice):
        assert said in text and "Ủy ban nhân dân tỉnh Quảng Ngãi" not in text, text


def test_what_she_typed_is_read_as_she_meant_it(out):
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    by = {p["ma_so"]: p for p in doc["nguoi"]}
    assert {k["b"] for k in by["VP02"]["diem_ky"]} == {85}  # «85%» typed as text
    assert {k["b"] for k in by["HD01"]["diem_ky"]} == {95}  # 0.95 shown as 95 %
    # 25 + 70 × (90 + 95 + 90) / 300 = 25 + 64.1666… = 89.17: HTT (70 to under 90)
    assert round(by["HD01"]["diem"], 2) == 89.17 and by["HD01"]["muc_de_xuat"] == "HTT"
    assert by["VP02"]["ma_don_vi"] == "VP"  # «VP » with its trailing space is the unit VP
    forms = {d["mau"] for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["ca_nhan"]
             if p["ma_so"] == "VP02" for d in p["tai_lieu"]}
    assert "mau_2a_2025" in forms, forms  # «x» in «Đảng viên»: a party member's self-review
