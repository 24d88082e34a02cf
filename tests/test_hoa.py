"""The unit papers say why, where a signer would ask (hoa).

Outcomes worked out by hand from the rules' words and the workbooks, never from the engine:
- The meeting's vote: a level is proposed when the ballots for it or a better level are more than half of those
  present (ND 90 Art. 18; the agency's rules). 2024 sample, Nguyễn Thị An (VP-026, Phòng Khoa giáo - Văn xã): 6
  present, 3 for HTXS and 3 for HTT. HTXS has 3 of 6, exactly half, not more: not reached; HTXS or HTT has 6 of
  6: HTT. She rated herself HTXS: the minutes and the proposal table must say why the meeting's HTT is below
  it. Đoàn Thị Nhung of the same unit rated herself HTT and got HTT (5 of 6): nothing to explain.
- The centre's Ban Giám đốc (tests/trung_tam_2026.py): 2 members; the Giám đốc's LĐTT ballot is the whole
  centre's, 16 of 17 (ThiDua): more ballots than the meeting's members, so its row says it was a wider vote.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest
import trung_tam_2026 as tt
from rating_builder import Book

from pipeline import api
from pipeline.forms.unit_context import vote_below_self_reason
from pipeline.resources import sample_workbook

pytestmark = pytest.mark.libreoffice

HXS, HT_T, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
VOTE_BASIS = "Điều 18 Nghị định 90/2020/NĐ-CP; quy chế làm việc của cơ quan"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _doc_text(out, unit: str, form: str) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (d,) = [d for d in entry["muc"] if d["mau"] == form]
    first, last = d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1
    return _flat(subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(out / entry["pdf"]), "-"],
                                capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def out2024(tmp_path_factory, cache_dir):
    dest = tmp_path_factory.mktemp("hoa") / "out"
    api.build(sample_workbook(2024), dest, api.BuildOptions(units=frozenset({"KGVX", "TH"}), cache_dir=cache_dir / "hoa",
                                                           today=dt.date(2024, 12, 6)))
    return dest


@pytest.fixture(scope="module")
def centre(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("hoa-tt")
    dest = tmp / "out"
    api.build(tt.write(tmp / "trung_tam.xlsx"), dest, api.BuildOptions(units=frozenset({"BGD", "KBTN"}),
                                                                         cache_dir=cache_dir / "hoa",
                                                                         today=dt.date(tt.YEAR, 12, 7)))
    return dest


AN_WHY = (f"Mức {HXS} chỉ có 3/6 phiếu (đúng một nửa), không quá một nửa số người dự họp nên không đạt — căn cứ: "
          f"{VOTE_BASIS}.")


def test_the_minutes_say_why_an_exactly_half_vote_is_below_the_self_rating(out2024):
    minutes = _doc_text(out2024, "KGVX", "bien_ban_hop")
    an = minutes[minutes.index("Đồng chí Nguyễn Thị An"):minutes.index("Đồng chí Lương Văn Hòa")]
    assert f"Kết quả biểu quyết (trên 6 người dự họp): {HXS}: 3 phiếu; {HT_T}: 3 phiếu" in an
    assert f"Mức xếp loại đề xuất: {HT_T}. (Tự xếp loại là {HXS}. {AN_WHY})" in an
    # the head's vote agrees with her self-rating: no note
    nhung = minutes[minutes.index("2.1. Đồng chí Đoàn Thị Nhung"):minutes.index("Đồng chí Lâm Văn Hiếu –")]
    assert "Tự xếp loại là" not in nhung and "không quá một nửa" not in nhung


def test_the_proposal_table_says_it_too(out2024):
    table = _doc_text(out2024, "KGVX", "tong_hop_xep_loai")
    assert AN_WHY in table
    assert table.count("không quá một nửa số người dự họp") == 1  # only hers


def _why(book: Book, code: str) -> str:
    r = book.rate()
    pr = r.of(code)
    person = next(p for p in book.people if p.ma_so == code)
    return vote_below_self_reason(pr, person.tu_xep_loai, book.campaign())


def test_each_level_from_the_self_rating_down_that_failed_is_named():
    b = Book()
    b.peers(10)
    # self HTXS; 6 present: HTXS 1, HTT 2, HT 3 -> HTXS 1/6, HTXS or HTT 3/6 (half), down to HT 6/6: HT
    b.person("A", self_level="HTXS", vote=(6, 1, 2, 3))
    assert _why(b, "A") == (f"Mức {HXS} chỉ có 1/6 phiếu, từ mức {HT_T} trở lên chỉ có 3/6 phiếu (đúng một nửa), "
                            f"không quá một nửa số người dự họp nên không đạt — căn cứ: {VOTE_BASIS}.")
    # self HTT, same kind of vote: the HTXS ballots are not what the person asked for
    b.person("B", self_level="HTT", vote=(6, 2, 1, 3))
    assert _why(b, "B") == (f"Từ mức {HT_T} trở lên chỉ có 3/6 phiếu (đúng một nửa), không quá một nửa số người "
                            f"dự họp nên không đạt — căn cứ: {VOTE_BASIS}.")


def test_no_note_where_the_vote_agrees_or_gave_the_level_no_ballot():
    b = Book()
    b.peers(10)
    b.person("A", self_level="HTT", vote=(6, 0, 5, 1))  # HTT 5/6: agrees
    b.person("B", self_level="HTXS", vote=(6, 0, 6))  # no HTXS ballot: the meeting simply rated HTT
    b.person("C", self_level="HT", vote=(6, 0, 6))  # above her own self-rating: nothing lowered
    assert _why(b, "A") == _why(b, "B") == _why(b, "C") == ""


def test_a_wider_meeting_s_ballots_say_so_on_the_ballot_count_minutes(centre):
    bgd = _doc_text(centre, "BGD", "bien_ban_kiem_phieu")
    assert "tổng số 2 người" in bgd
    # the narrow «Phiếu đồng ý/ tổng số» cell wraps its note over seven lines, read between the row's other cells
    # the whole centre (a đơn vị sự nghiệp công lập) voted: not «toàn đơn vị», which would read as the Ban Giám đốc
    assert re.search(r"16/17 \(bỏ phiếu .*Vũ Đức Minh Giám đốc Lao động tiên tiến toàn 94% Đạt đơn vị sự nghiệp\)",
                     bgd), bgd
    assert "Số phiếu hợp lệ: …… phiếu" in bgd
    khoa = _doc_text(centre, "KBTN", "bien_ban_kiem_phieu")  # its own meeting's ballots
    assert "bỏ phiếu toàn" not in khoa and "/6" in khoa
