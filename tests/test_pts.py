"""2026 unit papers: why a proposal the year score sets is below the self-rating; the emulation table's wider vote.

Outcomes worked out by hand from the rules' words, never from the engine:
- From 2026 the level comes from the year score (ND 335 Art. 20 cl. 1–4, regime-2026.md §1.3: HTXS from 90,
  HTT 70 to under 90, HT 50 to under 70; ND 233 Art. 12 as reported, §2, the same thresholds). The centre
  (tests/trung_tam_2026.py), TT-05 Đỗ Thị Mai Anh, viên chức, self-rated HTXS: quarters 25 + 70·565/600 =
  90.916… (Q1, Q3, Q4) and 25 + 70·515/600 = 85.083… (Q2, d 50); mean 89.458… → «89,45» (cut), under 90: HTT.
  Her vote (HTXS 2 of 5) does not set the level in 2026; nothing else lowers her (no discipline, the cap keeps
  nobody of the managers' group at HTXS but she is not HTXS by points). So the minutes and the proposal table
  say: her score, the level it gives, and that it does not reach her self-rated HTXS «từ 90 điểm», Art. 12 ND 233.
- TT-04 (self HTXS, 94,66 by points, lowered by the 20 % cap) and TT-18 (90,00, cap): the cap lowers them, not
  the points: no such sentence. TT-15 (self HTT, 75,62, HTT): agrees, nothing.
- A công chức under ND 335 with every month 20 + 70·210/300 = 69: 69 is under 70, HT; self-rated HTT (70 to
  under 90): «chưa đạt mức tự xếp loại Hoàn thành tốt nhiệm vụ (từ 70 đến dưới 90 điểm)», Art. 20 cl. 1–4.
- ND 90 (2024 sample): no points; Nguyễn Thị An (VP-026) rated herself HTXS and got HTT from the vote: her note
  is the vote's (tests/test_hoa.py), never a score.
- The centre's Ban Giám đốc: 2 members; the Giám đốc's LĐTT ballots are the whole centre's, 16 of 17 (ThiDua):
  more than the members, so the emulation table says «(bỏ phiếu toàn đơn vị sự nghiệp)» (the centre is a đơn vị sự
  nghiệp công lập; «toàn đơn vị» alone would read as the Ban Giám đốc) beside 16/17, as the ballot-count
  minutes do; a khoa's own 5/5 does not.
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
from pipeline.forms.unit_context import points_below_self_reason
from pipeline.resources import sample_workbook

pytestmark = pytest.mark.libreoffice

HXS, HT_T, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
MAI_ANH_WHY = (f"Điểm đánh giá năm 89,45: mức {HT_T}, chưa đạt mức tự xếp loại {HXS} (từ 90 điểm) — căn cứ: "
               "Điều 12 Nghị định 233/2026/NĐ-CP.")
NOT_REACHED = "chưa đạt mức tự xếp loại"


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
def centre(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("pts-tt")
    dest = tmp / "out"
    api.build(tt.write(tmp / "trung_tam.xlsx"), dest,
              api.BuildOptions(units=frozenset({"BGD", "KXN", "KBTN"}), cache_dir=cache_dir / "pts",
                               today=dt.date(tt.YEAR, 12, 7)))
    return dest


@pytest.fixture(scope="module")
def out2024(tmp_path_factory, cache_dir):
    dest = tmp_path_factory.mktemp("pts-2024") / "out"
    api.build(sample_workbook(2024), dest, api.BuildOptions(units=frozenset({"KGVX"}), cache_dir=cache_dir / "pts",
                                                           today=dt.date(2024, 12, 6)))
    return dest


def test_the_minutes_say_why_the_year_score_is_below_the_self_rating(centre):
    minutes = _doc_text(centre, "KXN", "bien_ban_hop")
    mai_anh = minutes[minutes.index("2.1. Đồng chí Đỗ Thị Mai Anh"):minutes.index("2.2. Đồng chí")]
    assert f"Mức xếp loại đề xuất: {HT_T}. (Tự xếp loại là {HXS}. {MAI_ANH_WHY})" in mai_anh, mai_anh
    # TT-18 (90,00, lowered by the cap) and TT-15 (75,62, self HTT): not a points case
    assert minutes.count(NOT_REACHED) == 1


def test_the_proposal_table_says_it_once_with_the_score(centre):
    table = _doc_text(centre, "KXN", "tong_hop_xep_loai")
    assert MAI_ANH_WHY in table, table
    assert table.count("89,45") == 1  # the note starts with her score: not «Điểm đánh giá năm: 89,45.» again
    assert table.count(NOT_REACHED) == 1
    assert "Điểm đánh giá năm: 75,62" in table  # TT-15 keeps the plain score


def test_the_cap_is_not_the_points(centre):
    # TT-04 94,66 by points, HTXS, lowered by the 20 % cap: his note is the cap's, no points sentence
    table = _doc_text(centre, "KBTN", "tong_hop_xep_loai")
    assert NOT_REACHED not in table
    assert "vượt tỷ lệ" in table


def test_no_points_note_in_an_nd90_year(out2024):
    minutes = _doc_text(out2024, "KGVX", "bien_ban_hop")
    an = minutes[minutes.index("Đồng chí Nguyễn Thị An"):minutes.index("Đồng chí Lương Văn Hòa")]
    assert f"(Tự xếp loại là {HXS}. Mức {HXS} chỉ có 3/6 phiếu" in an  # the vote's note, as before
    for form in ("bien_ban_hop", "tong_hop_xep_loai"):
        text = _doc_text(out2024, "KGVX", form)
        assert NOT_REACHED not in text and "Điểm đánh giá năm" not in text


def test_the_emulation_table_says_a_wider_vote(centre):
    bgd = _doc_text(centre, "BGD", "tong_hop_thi_dua")
    # the narrow «Phiếu đồng ý/ tổng số» cell wraps the note over several lines, read between the row's other cells
    assert re.search(r"16/17 .*\(bỏ .*phiếu .*toàn .*đơn .*vị .*sự .*nghiệp\)", bgd), bgd
    khoa = _doc_text(centre, "KXN", "tong_hop_thi_dua")  # its own meeting's ballots (5 members)
    assert "5/5" in khoa and "bỏ phiếu toàn" not in khoa and "(bỏ" not in khoa


def _points_book() -> Book:
    b = Book(year=2026)
    # every month 20 + 70·210/300 = 69: HT; self HTT
    b.person("A", self_level="HTT")
    b.months("A", 20, 70, 70, 70)
    # the same points, a khiển trách in the year: KHT by the discipline, not by the points
    b.person("B", self_level="HTT")
    b.months("B", 20, 70, 70, 70)
    b.discipline("B", "hanh_chinh", dt.date(2026, 5, 4))
    # 69 but the competent level decided HT: the decision's
    b.person("C", self_level="HTT", decided="HT")
    b.months("C", 20, 70, 70, 70)
    # 12 months worked, six results: no year score, no level
    b.person("D", self_level="HTT")
    b.months("D", 20, 70, 70, 70, months=range(1, 7))
    # self HT, 69: agrees
    b.person("E", self_level="HT")
    b.months("E", 20, 70, 70, 70)
    return b


def test_the_points_sentence_under_nd335():
    b = _points_book()
    r, campaign = b.rate(), b.campaign()
    people = {p.ma_so: p for p in campaign.people}

    def why(code: str) -> str:
        return points_below_self_reason(people[code], r.of(code), campaign)

    assert why("A") == (f"Điểm đánh giá năm 69,00: mức {HT}, chưa đạt mức tự xếp loại {HT_T} (từ 70 đến dưới 90 "
                        "điểm) — căn cứ: khoản 1 đến khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP.")
    assert why("B") == why("C") == why("D") == why("E") == ""
