"""Document numbers and symbols (số, ký hiệu) as Nghị định 30/2020/NĐ-CP Phụ lục I writes them (audit sym45;
docs/workbook.md «Document symbols»): a document with a type name is numbered «<type>-<issuing agency>», a
công văn «<issuing agency>-<drafting unit>». The 2026 sample's CoQuan `ky_hieu_van_ban` is «VP-HCQT» (the
Văn phòng's công văn drafted by its Phòng Hành chính - Quản trị), so by hand: the báo cáo «…/BC-VP», the
thông báo «…/TB-VP», the biên bản «…/BB-VP», the công văn alone «…/VP-HCQT». Read in the PDFs LibreOffice
prints (pdftotext)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf
from fakes import pdftotext_flat

from pipeline import api, ingest
from pipeline.resources import sample_workbook

SELF_RATING = [("tu_xep_loai_co_quan", "HTT")]  # the agency's self-rating file is made: its report and minutes


def _with_rows(rows, dest: Path) -> Path:
    return wf.sample_with_agency_rows(2026, rows, dest)


_text = pdftotext_flat


def _numbers(pdf: Path) -> list[str]:
    """Every «Số: …» number line the paper prints, its symbol as printed."""
    return re.findall(r"Số: (\S+)", _text(pdf))


PAPERS = {  # the agency's numbered papers, in the build's folder
    "report": "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf",
    "letter": "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf",
    "table": "nop_so_noi_vu/bieu_tong_hop.pdf",
    "self_report": "nop_so_noi_vu/bao_cao_tu_danh_gia_co_quan.pdf",
    "minutes": "nop_so_noi_vu/bien_ban_tu_xep_loai_co_quan.pdf",
    "notice": "co_quan/thong_bao_ket_qua.pdf",  # a draft in the sample (no level decided): not in the package
}


def _build(tmp: Path, rows, cache_dir: Path) -> Path:
    workbook = _with_rows(rows, tmp / "so.xlsx")
    out = tmp / "out"
    api.build(workbook, out, api.BuildOptions(cache_dir=cache_dir))
    return out


@pytest.fixture(scope="module")
def derived(tmp_path_factory, shared_cache) -> Path:
    return _build(tmp_path_factory.mktemp("sym45_derived"), SELF_RATING, shared_cache)


@pytest.fixture(scope="module")
def given(tmp_path_factory, shared_cache) -> Path:
    """The clerk gives the agency's abbreviation its văn thư uses («VPUBND»), the công văn's symbol unchanged."""
    return _build(tmp_path_factory.mktemp("sym45_given"), [*SELF_RATING, ("ky_hieu_co_quan", "VPUBND")], shared_cache)


def test_documents_with_a_type_name_carry_the_agency_not_the_drafting_unit(derived):
    assert _numbers(derived / PAPERS["report"]) == ["…………/BC-VP"]
    assert _numbers(derived / PAPERS["self_report"]) == ["…………/BC-VP"]
    assert _numbers(derived / PAPERS["minutes"]) == ["……/BB-VP"]
    assert _numbers(derived / PAPERS["notice"]) == ["……/TB-VP"]
    # the biểu names the report it goes with, by the report's own number
    assert "(Kèm theo Báo cáo số …………/BC-VP của Văn phòng UBND tỉnh Hà Giang Nam)" in _text(derived / PAPERS["table"])
    for paper in ("report", "self_report", "minutes", "notice", "table"):
        assert "HCQT" not in _text(derived / PAPERS[paper]), paper


def test_the_cover_letter_a_cong_van_keeps_the_drafting_unit(derived):
    assert _numbers(derived / PAPERS["letter"]) == ["…………/VP-HCQT"]


def test_the_agency_abbreviation_given_wins_over_the_derived_one(given):
    assert _numbers(given / PAPERS["report"]) == ["…………/BC-VPUBND"]
    assert _numbers(given / PAPERS["self_report"]) == ["…………/BC-VPUBND"]
    assert _numbers(given / PAPERS["minutes"]) == ["……/BB-VPUBND"]
    assert _numbers(given / PAPERS["notice"]) == ["……/TB-VPUBND"]
    assert "Báo cáo số …………/BC-VPUBND" in _text(given / PAPERS["table"])
    # the công văn's symbol is the workbook's as written, the abbreviation given not spliced into it
    assert _numbers(given / PAPERS["letter"]) == ["…………/VP-HCQT"]


def test_check_warns_when_the_two_cells_name_the_agency_two_ways(tmp_path):
    mismatch = ingest.load(_with_rows([("ky_hieu_co_quan", "VPUBND")], tmp_path / "a.xlsx"))
    [w] = [w for w in mismatch.warnings if "VPUBND" in w.message]
    assert w.sheet == "CoQuan" and w.header == "Chữ viết tắt tên cơ quan" and w.value == "VPUBND"
    assert "«Số: …/BC-VPUBND»" in w.message and "«Số: …/VP-HCQT»" in w.message, w.message
    # «VP» is the công văn's agency part: nothing to say (compared as written, case aside)
    for same in ("VP", "vp"):
        agreeing = ingest.load(_with_rows([("ky_hieu_co_quan", same)], tmp_path / f"b_{same}.xlsx"))
        assert not [w for w in agreeing.warnings if w.header == "Chữ viết tắt tên cơ quan"]


def test_symbols_of_other_workbooks_by_hand(tmp_path):
    agency = ingest.load(sample_workbook(2026)).agency

    def of(**cells):
        return dataclasses.replace(agency, **cells)

    # a commune: «UBND» is the agency alone (ND 30's own example «…/TB-UBND»; a công văn «…/UBND-<unit>»)
    commune = of(ky_hieu_van_ban="UBND")
    assert (commune.so_ky_hieu("BC"), commune.so_ky_hieu("TB"), commune.so_ky_hieu()) == (
        "…………/BC-UBND", "…………/TB-UBND", "…………/UBND")
    # the hospital of tests/su_nghiep_2026.py: «BVSH-TCHC», its Phòng Tổ chức - Hành chính drafting
    hospital = of(ky_hieu_van_ban="BVSH-TCHC")
    assert (hospital.so_ky_hieu("BC"), hospital.so_ky_hieu()) == ("…………/BC-BVSH", "…………/BVSH-TCHC")
    # nothing given: the type alone, the công văn's number bare, for the văn thư to complete
    blank = of(ky_hieu_van_ban="")
    assert (blank.so_ky_hieu("BC"), blank.so_ky_hieu("BB"), blank.so_ky_hieu()) == ("…………/BC", "…………/BB", "…………")
    # only the agency's abbreviation: the công văn prints it without a drafting unit («nếu có»)
    only = of(ky_hieu_van_ban="", ky_hieu_co_quan="VP")
    assert (only.so_ky_hieu("TB"), only.so_ky_hieu()) == ("…………/TB-VP", "…………/VP")


def test_minutes_without_any_symbol_keep_the_type_alone(tmp_path, shared_cache):
    """No ky_hieu_van_ban: the minutes' label «Số: ……/BB-{ky_hieu_co_quan}» prints «Số: ……/BB», no dangling «-»."""
    workbook = _with_rows(SELF_RATING, tmp_path / "so.xlsx")
    wb = openpyxl.load_workbook(workbook)
    for row in wb["CoQuan"].iter_rows(min_row=1):
        if row[0].value == "ky_hieu_van_ban" or row[0].value == "Ký hiệu văn bản":
            row[1].value = None
    wb.save(workbook)
    assert ingest.load(workbook).agency.ky_hieu_van_ban == ""
    out = tmp_path / "out"
    api.build(workbook, out, api.BuildOptions(cache_dir=shared_cache))
    assert _numbers(out / PAPERS["minutes"]) == ["……/BB"]
    assert _numbers(out / PAPERS["notice"]) == ["……/TB"]
    assert _numbers(out / PAPERS["report"]) == ["…………/BC"]
