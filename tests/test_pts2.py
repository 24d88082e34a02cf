"""2026 minutes: a vote the year score does not follow, and the 20 % cap after a vote, said in words.

Outcomes worked out by hand from the rules' words, never from the engine:
- From 2026 the level comes from the year score (ND 335 Art. 20 cl. 1–4 and Art. 21; ND 233 Art. 12 as
  reported, regime-2026.md: HTXS from 90, HTT 70 to under 90, HT 50 to under 70), not from the meeting's vote.
- A công chức under ND 335 with every month 20 + 70·(90 + 90 + 90)/300 = 20 + 63 = 83: HTT. The meeting votes
  HTXS 8 of 10 (more than half): the vote is above the level, and the only thing that says why is the score: 83
  is under HTXS's «từ 90 điểm» (cl. 1–4 Art. 20 ND 335). A vote HT 6 of 10 for the same 83 (HTT 4, HT 6: HTT has
  4 of 10, not more than half; HT and above 10): the vote is below, the score gives HTT «từ 70 đến dưới 90
  điểm». A khiển trách in the year (KHT whatever the score), a decision, a vote that agrees: not this sentence.
- The centre (tests/trung_tam_2026.py) with TT-05's meeting voting HTXS 4 of 5 (her 89,45: HTT, under 90) and
  TT-15's voting HT 3 of 5 (HTT 2: not more than half; his 75,62: HTT, 70 to under 90).
- TT-04 (KBTN): 27 + 70·580/600 = 94,66…: HTXS by points; his meeting HTXS 3 of 6 (exactly half: not more),
  so HTT; self-rated HTXS. The managers' group (the head TT-01 outside it): TT-02 91,33 and TT-04 HTXS by
  points, TT-03 88 and TT-05 89,45 HTT. Keeping one HTXS leaves 3 HTT, 20 % of 3 = 0,6 → 0 < 1: nobody is kept,
  the cap lowers him to HTT. TT-18 (KXN): 90,00, HTXS by points (from 90), meeting HTXS 2 of 5: HTT; the
  non-managers' HTXS by points ranked by their HTXS ballots: TT-10 5/6, TT-16 4/5, TT-11 4/6, TT-17 3/5,
  TT-18 2/5: she is 5th of 5; one is kept (8 HTT, 20 % = 1,6 → 1; keeping 2 leaves 7, 1,4 → 1 < 2): the cap
  lowers her to HTT. Under ND 90 (the 2024 sample) a capped person's minutes say the cap after the vote
  («Kết quả biểu quyết là Hoàn thành xuất sắc nhiệm vụ. Nhóm … vượt tỷ lệ …»); from 2026 the vote of these
  two already was HTT, their self-rating HTXS: the minutes say the cap after the self-rating («Tự xếp loại là
  …»), the existing wording. So too for a discipline: TT-12, self HTT, the meeting KHT 5 of 6, a khiển trách in
  September: KHT (ND 233 Art. 12), said after her self-rating.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest
import trung_tam_2026 as tt
import workbook_factory as wf
from rating_builder import Book

from pipeline import api
from pipeline.forms.unit_context import level_reason, points_reason, self_rating_reason
from pipeline.resources import sample_workbook

HXS, HT_T, HT = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
ND335 = "khoản 1 đến khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP"
ND233 = "Điều 12 Nghị định 233/2026/NĐ-CP"
VOTE_ABOVE_83 = f"Điểm đánh giá năm 83,00: mức {HT_T}, chưa đạt mức biểu quyết {HXS} (từ 90 điểm) — căn cứ: {ND335}."
VOTE_BELOW_83 = f"Điểm đánh giá năm 83,00: mức {HT_T} (từ 70 đến dưới 90 điểm) — căn cứ: {ND335}."
MAI_ANH_VOTE = f"Điểm đánh giá năm 89,45: mức {HT_T}, chưa đạt mức biểu quyết {HXS} (từ 90 điểm) — căn cứ: {ND233}."
HAI_VOTE = f"Điểm đánh giá năm 75,62: mức {HT_T} (từ 70 đến dưới 90 điểm) — căn cứ: {ND233}."
MANAGERS, STAFF = "Viên chức giữ chức vụ lãnh đạo, quản lý", "Viên chức không giữ chức vụ lãnh đạo, quản lý"
HUY_CAP = (f"(Tự xếp loại là {HXS}. Nhóm tương đồng “{MANAGERS}” vượt tỷ lệ {HXS}: hạ từ {HXS} xuống {HT_T} vì "
           f"nhóm không giữ được người {HXS} nào theo tỷ lệ.")
PHUONG_CAP = f"(Tự xếp loại là {HXS}. Nhóm tương đồng “{STAFF}” vượt tỷ lệ {HXS}: hạ từ {HXS} xuống {HT_T} vì xếp thứ 5/5"


def _book() -> Book:
    b = Book(year=2026)
    for code, votes in (("ABOVE", dict(htxs=8, htt=2)), ("BELOW", dict(htt=4, ht=6)), ("AGREE", dict(htt=10)),
                        ("DISC", dict(htxs=8, htt=2)), ("DEC", dict(htxs=8, htt=2))):
        b.person(code, self_level="HTXS" if code == "ABOVE" else "HTT", decided="HT" if code == "DEC" else None)
        b.months(code, 20, 90, 90, 90)  # 20 + 70·270/300 = 83
        b.vote(code, 10, **votes)
    b.discipline("DISC", "hanh_chinh", dt.date(2026, 5, 4))
    # 12 months worked, six results: no year score, no level
    b.person("GAP", self_level="HTT")
    b.months("GAP", 20, 90, 90, 90, months=range(1, 7))
    b.vote("GAP", 10, htxs=8, htt=2)
    return b


def test_the_vote_the_score_does_not_follow_is_one_sentence():
    b = _book()
    r, campaign = b.rate(), b.campaign()
    assert level_reason(r.of("ABOVE"), campaign) == VOTE_ABOVE_83
    assert level_reason(r.of("BELOW"), campaign) == VOTE_BELOW_83
    assert level_reason(r.of("AGREE"), campaign) == ""
    disc = level_reason(r.of("DISC"), campaign)  # KHT by the khiển trách: the discipline's reason
    assert "kỷ luật" in disc and "Điểm đánh giá năm" not in disc and "Điểm từng kỳ" not in disc
    # under the proposal papers' view nobody is decided: DEC is the vote-above case too; decided, the decision
    assert level_reason(r.of("DEC"), campaign).startswith("Cấp có thẩm quyền đánh giá quyết định mức")
    assert level_reason(r.of("GAP"), campaign) == ""
    people = {p.ma_so: p for p in campaign.people}
    # the shared sentence: no other level, or the level itself, says nothing
    assert points_reason(people["AGREE"], r.of("AGREE"), campaign, None, "biểu quyết") == ""
    assert points_reason(people["AGREE"], r.of("AGREE"), campaign, "HTT", "biểu quyết") == ""


def test_no_points_sentence_in_an_nd90_year():
    b = Book(year=2024)
    b.person("V", self_level="HTXS")
    b.vote("V", 10, htxs=4, htt=6)
    r, campaign = b.rate(), b.campaign()
    pr = r.of("V")
    assert pr.muc_hop == pr.muc_cuoi == "HTT"
    assert points_reason(campaign.person("V"), pr, campaign, "HTXS", "biểu quyết") == ""
    assert self_rating_reason(pr, "HTXS", campaign) == ""  # a vote, no rule: vote_below_self_reason's case


def _doc_text(out, unit: str, form: str) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (d,) = [d for d in entry["muc"] if d["mau"] == form]
    return _pages(out / entry["pdf"], d)


def _person_text(out, code: str, form: str) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == code]
    (d,) = [d for d in entry["tai_lieu"] if d["mau"] == form]
    return _pages(out / entry["pdf"], d)


def _pages(pdf, d) -> str:
    first, last = d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1
    return " ".join(subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())


@pytest.fixture(scope="module")
def centre(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("pts2-tt")
    data = tt.tables()
    for v in data["BieuQuyet"]:
        if v["ma_so"] == "TT-05":
            v.update(phieu_htxs=4, phieu_htt=1)
        if v["ma_so"] == "TT-15":
            v.update(phieu_htt=2, phieu_ht=3)
    dest = tmp / "out"
    api.build(wf.write(tmp / "trung_tam.xlsx", data, headers="label", sheet_names="label"), dest,
              api.BuildOptions(units=frozenset({"KBTN", "KXN"}), cache_dir=cache_dir / "pts2",
                               today=dt.date(tt.YEAR, 12, 7)))
    return dest


def _entry(minutes: str, name: str) -> str:
    """A member's part of the minutes: from «2.N. Đồng chí <name>» to the next member's or the conclusion."""
    start = minutes.index(f"Đồng chí {name}")
    end = re.compile(r"\d+\.\d+\. Đồng chí |3\. Kết luận").search(minutes, start)
    return minutes[start:end.start() if end else None]


@pytest.mark.libreoffice
def test_the_minutes_say_the_score_beside_the_vote(centre):
    minutes = _doc_text(centre, "KXN", "bien_ban_hop")
    assert f"Mức xếp loại đề xuất: {HT_T}. (Kết quả biểu quyết là {HXS}. {MAI_ANH_VOTE})" in _entry(minutes, "Đỗ Thị Mai Anh")
    assert f"Mức xếp loại đề xuất: {HT_T}. (Kết quả biểu quyết là {HT}. {HAI_VOTE})" in _entry(minutes, "Triệu Văn Hải")
    assert "Điểm từng kỳ" not in minutes
    # the proposal table: each note is that sentence once, starting with the score
    table = _doc_text(centre, "KXN", "tong_hop_xep_loai")
    assert MAI_ANH_VOTE in table and HAI_VOTE in table, table
    assert table.count("89,45") == table.count("75,62") == 1
    assert "Điểm từng kỳ" not in table
    # her phiếu: the proposal is the points' level, no «Mức theo điểm năm» line
    assert "Mức theo điểm năm" not in _person_text(centre, "TT-05", "phieu_nd233")


@pytest.mark.libreoffice
def test_the_minutes_say_the_cap_after_a_vote_that_agrees(centre):
    huy = _entry(_doc_text(centre, "KBTN", "bien_ban_hop"), "Phạm Quang Huy")
    assert f"Mức xếp loại đề xuất: {HT_T}. {HUY_CAP}" in huy, huy
    assert huy.count("căn cứ: Điều 12 Nghị định 233/2026/NĐ-CP.)") == 1
    phuong = _entry(_doc_text(centre, "KXN", "bien_ban_hop"), "Ninh Thị Phương")
    assert f"Mức xếp loại đề xuất: {HT_T}. {PHUONG_CAP}" in phuong, phuong
    # TT-12: self HTT, the meeting KHT 5 of 6, a khiển trách in September (ND 233 Art. 12: KHT whatever the
    # score): the vote agrees with the level the discipline set, the minutes say the discipline after her self-rating
    yen = _entry(_doc_text(centre, "KBTN", "bien_ban_hop"), "Lường Thị Yến")
    assert (f"(Tự xếp loại là {HT_T}. Mức đề xuất hạ từ {HT_T} xuống Không hoàn thành nhiệm vụ do bị kỷ luật trong "
            f"năm đánh giá — căn cứ: {ND233}") in yen, yen
    # the unit summary kept its note: the cap, after the score
    table = _doc_text(centre, "KBTN", "tong_hop_xep_loai")
    assert f"Điểm đánh giá năm: 94,66. Nhóm tương đồng “{MANAGERS}” vượt tỷ lệ" in table, table


@pytest.mark.libreoffice
def test_nd90_minutes_say_the_cap_after_the_vote(tmp_path, cache_dir):
    # the wording 2026 follows: Trần Tuấn Anh (VP-017, Phòng Tổng hợp), voted HTXS, one of 3 HTXS proposals
    # beside 5 HTT in his group: keeping 2 leaves 6 HTT, 20 % = 1,2 → 1 < 2; one is kept, he is not
    dest = tmp_path / "out"
    api.build(sample_workbook(2024), dest, api.BuildOptions(units=frozenset({"TH"}), cache_dir=cache_dir / "pts2",
                                                           today=dt.date(2024, 12, 6)))
    anh = _entry(_doc_text(dest, "TH", "bien_ban_hop"), "Trần Tuấn Anh")
    assert (f"Mức xếp loại đề xuất: {HT_T}. (Kết quả biểu quyết là {HXS}. Nhóm tương đồng “Chuyên viên – Phòng "
            f"Tổng hợp” vượt tỷ lệ {HXS}: hạ từ {HXS} xuống {HT_T} vì") in anh, anh
