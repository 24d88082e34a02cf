"""Small contradictions a signer would query on the 2026 papers (review «phiếu»), each read from the printed
PDF with pdftotext; the expected words worked out by hand from the workbook and the rule.

- The centre (tests/trung_tam_2026.py): the Ban Giám đốc (BGD) has 2 people and no `so_thanh_vien`; the
  Giám đốc's LĐTT was voted by the whole centre, 16 of 17 ballots. 17 ballots cannot be the valid ballots
  of a 2-member meeting: `check` warns on ThiDua «Tổng số phiếu» and the BGD's ballot-count minutes leave
  «Số phiếu hợp lệ» dotted. The khoa Truyền nhiễm (KBTN, 6 members, every ballot 6) keeps «6 phiếu».
- TT-14, recruited 01/08/2026 (5 months, under 6): not rated. His two quarters (25 + 70·270/300 = 88) are
  facts and stay; the year's line says he is not rated and why, never «88,00» as a year score.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
import trung_tam_2026 as tt

from pipeline import ingest
from tests.fakes import build_each

DOTS = "……"


def _text(path) -> str:
    """The PDF's text as pdftotext gives it, on one line."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.fixture(scope="module")
def centre(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("phieu")
    return build_each({"out": tt.write(tmp / "trung_tam.xlsx")}, tmp, cache_dir / "phieu", dt.date(tt.YEAR, 12, 7))["out"]


def test_check_warns_on_ballots_above_the_meeting_s_members(tmp_path):
    problems = ingest.check(tt.write(tmp_path / "trung_tam.xlsx"))
    (ballots,) = [p.text() for p in problems if "Tổng số phiếu (17)" in p.text()]
    assert "ô F3" in ballots and "Thi đua" in ballots  # the Giám đốc's row of ThiDua, column «Tổng số phiếu»
    assert "lớn hơn số người của đơn vị" in ballots and "(2)" in ballots
    assert not [p for p in problems if p.is_error]


@pytest.mark.libreoffice
def test_ballot_count_minutes_do_not_print_a_wider_vote_as_their_valid_ballots(centre):
    bgd = _text(centre / "don_vi" / "BGD.pdf")
    assert "1. Số người: tổng số 2 người" in bgd
    assert f"Số phiếu hợp lệ: {DOTS} phiếu" in bgd and "Số phiếu hợp lệ: 17" not in bgd
    kbtn = _text(centre / "don_vi" / "KBTN.pdf")
    assert "1. Số người: tổng số 6 người; có mặt: 6 người" in kbtn and "Số phiếu hợp lệ: 6 phiếu" in kbtn


@pytest.mark.libreoffice
def test_someone_not_rated_has_no_year_score(centre):
    text = _text(centre / "ca_nhan" / "KBTN" / "TT-14.pdf")
    # the two quarters stay, each 88,00
    assert "1 Quý III/2026 25,00 90 90 90 88,00" in text and "2 Quý IV/2026 25,00 90 90 90 88,00" in text
    # the phiếu's total row: why, and «Không tính» in the score cell (two lines of the row, pdftotext -layout)
    assert "Điểm đánh giá năm (trung bình cộng điểm các kỳ): không xếp loại (công" in text
    assert "Không tính tác trong năm dưới 06 tháng)" in text
    # the period sheet
    assert ("Điểm đánh giá năm (trung bình cộng điểm các kỳ): không tính, không xếp loại (công tác trong năm "
            "dưới 06 tháng).") in text
    assert "Mức xếp loại đề xuất: Không xếp loại" in text
    # 88,00 only on the period rows (2 in the phiếu's table, 2 on the period sheet), never as the year's
    assert text.count("88,00") == 4, text.count("88,00")


@pytest.mark.libreoffice
def test_the_report_s_level_note_is_a_sentence_with_its_stop(centre):
    # nothing decided yet: the note says so, and ends with its full stop inside the brackets
    text = _text(centre / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    assert "(Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định.)" in text
