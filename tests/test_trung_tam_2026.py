"""A 2026 provincial centre under a Sở (tests/trung_tam_2026.py) read as the people who sign its papers (audit quy).

Outcomes worked out by hand from the rules' words (workbook-2026.md «Scores and levels»; regime-2026.md §1.3,
§1.4, §2; docs/rating.md rules 2–4, 7), never from the engine's formula. Period score: non-leader
general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600; year = mean of the
quarters present, printed with two decimals cut.
- TT-01 Giám đốc: Q1 26 + 70·590/600 = 94.833…, Q2 (d 50) 27 + 70·540/600 = 90, Q3 28 + 68.833… = 96.833…,
  Q4 27 + 68.833… = 95.833…; mean 377.5 / 4 = 94.375 → «94,37», HTXS; rated by the Giám đốc Sở Y tế,
  outside the centre's groups (ND 335 Art. 10 cl. 2 as reported, docs/rating.md rule 4).
- TT-02: 26 + 70·560/600 = 91.333… (Q1, Q3, Q4), 25 + … = 90.333… (Q2); mean 91.083… → 91,08, HTXS by points.
- TT-03: 25 + 70·540/600 = 88 → HTT. TT-04: 27 + 70·580/600 = 94.666… → HTXS by points.
- TT-05: 25 + 70·565/600 = 90.916… (Q1, Q3, Q4), Q2 d 50: 25 + 70·515/600 = 85.083…; mean 89.458… → 89,45, HTT.
- Managers' group (TT-02 HTXS, TT-04 HTXS, TT-03 HTT, TT-05 HTT): keeping 1 leaves 3 HTT, 20 % = 0.6 → 0 < 1:
  none kept; TT-02 and TT-04 are proposed HTT.
- TT-06 25 + 70·265/300 = 86.833… HTT; TT-07 (Q1 at the old centre 24 + 59.5 = 83.5, then 88 × 3) 86.875 →
  86,87 HTT; TT-08 88 HTT; TT-09 24 + 70·250/300 = 82.333… HTT (the two NLĐ: their own group, no HTXS).
- TT-10, Q1 from products (w 2, 1, 1; one below quality, one late): a 100, b = c = (2 + 0.75 + 1)/4 = 93.75,
  27 + 70·287.5/300 = 94.083…; Q2–Q4 27 + 70·290/300 = 94.666…; mean 94.520… → 94,52 HTXS.
- TT-11 26 + 66.5 = 92.5 HTXS; TT-16 27 + 70·295/300 = 95.833… HTXS; TT-17 26 + 70·280/300 = 91.333… HTXS.
- TT-18: 91.333…, 89.166…, 89.166…, 90.333…: the sum is exactly 360, mean 90 → «90,00», HTXS (≥ 90).
- TT-12: 22 + 70·245/300 = 79.166… but a khiển trách in force 10/09/2026: KHT.
- TT-13 maternity leave April–September, Q1 91.333… and Q4 88: mean 89.666… → 89,66 HTT (rated on the months
  actually worked). TT-14 recruited 01/8 (5 months): not rated. TT-15: 88, Q2 15 + 28 = 43, 83.5, 88 → 75.625
  → 75,62 HTT.
- Non-managers' group: 5 HTXS (TT-10, 11, 16, 17, 18) and 4 HTT (TT-06, 07, 13, 15). Keeping 1: 8 HTT, 20 % =
  1.6 → 1 ≥ 1; keeping 2: 7 HTT, 1.4 → 1 < 2. So 1 is kept: TT-10, the highest share of HTXS ballots (5/6;
  TT-16 4/5, TT-11 4/6, TT-17 3/5, TT-18 2/5).
- Final: HTXS TT-01, TT-10 (2 of 17 rated = 11,8 %); KHT TT-12 (5,9 %); HTT the other 14 (82,4 %).
- Emulation: 7 proposals, all rated HTT or better with more than half the ballots: 7 LĐTT; CSTĐCS at most
  15 % × 7 = 1.05 → 1: TT-10 (HTXS, with an initiative).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import trung_tam_2026 as tt

from pipeline import ingest
from tests.fakes import build_each, flat, pdf_text_flat, person_form_text, rated_people


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("quy")
    return build_each({"out": tt.write(tmp / "trung_tam.xlsx")}, tmp, cache_dir / "quy", dt.date(tt.YEAR, 12, 7))["out"]


def test_the_clerk_s_workbook_typed_with_labels_is_accepted(tmp_path):
    problems = ingest.check(tt.write(tmp_path / "trung_tam.xlsx"))
    assert not [p for p in problems if p.is_error]
    # two warnings: the disciplined Y sĩ rated herself HTT (KHT by the khiển trách), naming the decision; the
    # Giám đốc's 17 ballots (the whole centre voted) above his 2-member unit (tests/test_phieu_review.py)
    ballots, warning = [p.text() for p in problems]
    assert "87/QĐ-KSBT" in warning and "Không hoàn thành nhiệm vụ" in warning
    assert "Tổng số phiếu (17)" in ballots


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = rated_people(out)
    expected = {
        "TT-01": (94.37, "HTXS"), "TT-02": (91.08, "HTT"), "TT-03": (88.00, "HTT"), "TT-04": (94.66, "HTT"),
        "TT-05": (89.45, "HTT"), "TT-06": (86.83, "HTT"), "TT-07": (86.87, "HTT"), "TT-08": (88.00, "HTT"),
        "TT-09": (82.33, "HTT"), "TT-10": (94.52, "HTXS"), "TT-11": (92.50, "HTT"), "TT-12": (79.16, "KHT"),
        "TT-13": (89.66, "HTT"), "TT-15": (75.62, "HTT"), "TT-16": (95.83, "HTT"), "TT-17": (91.33, "HTT"),
        "TT-18": (90.00, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert (int(p["diem"] * 100) / 100, p["muc_de_xuat"], p["trang_thai"]) == (score, level, "xep_loai"), ma_so
    assert people["TT-14"]["trang_thai"] == "khong_xep_loai" and people["TT-14"]["muc_de_xuat"] is None
    assert {p["ma_so"] for p in people.values() if p["thi_dua"] and p["thi_dua"]["dat_ldtt"]} == {
        "TT-01", "TT-07", "TT-08", "TT-10", "TT-11", "TT-13", "TT-16"}
    assert people["TT-10"]["thi_dua"]["de_nghi"] == "CSTDCS" and people["TT-10"]["thi_dua"]["du_dieu_kien"]


@pytest.mark.libreoffice
def test_the_report_counts_add_up(out):
    text = pdf_text_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    assert "18 người (kể cả người đứng đầu đơn vị" in text and "được đánh giá, xếp loại: 17 người" in text
    for line in ("Hoàn thành xuất sắc nhiệm vụ: 2 người, tỷ lệ 11,8%", "Hoàn thành tốt nhiệm vụ: 14 người, tỷ lệ 82,4%",
                 "Hoàn thành nhiệm vụ: 0 người, tỷ lệ 0,0%", "Không hoàn thành nhiệm vụ: 1 người, tỷ lệ 5,9%"):
        assert line in text, line
    assert "Kính gửi: Sở Y tế tỉnh Hà Giang Nam" in pdf_text_flat(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")


def _no_page_number(text: str) -> str:
    return re.sub(r"\s+\d+$", "", text.rstrip())


@pytest.mark.libreoffice
def test_who_signs_the_phieu(out):
    head = _no_page_number(person_form_text(out, "TT-01", "phieu_nd233"))
    # the Giám đốc does not rate himself: the head of the managing Sở does
    assert head.endswith("GIÁM ĐỐC SỞ Y TẾ (Ký, ghi rõ họ tên) Nguyễn Thị Hồng Vân")
    nurse = _no_page_number(person_form_text(out, "TT-12", "phieu_nd233"))
    assert "TRƯỞNG KHOA PHÒNG, CHỐNG BỆNH TRUYỀN NHIỄM (Ký, ghi rõ họ tên) Phạm Quang Huy" in nurse
    assert nurse.endswith("GIÁM ĐỐC (Ký, ghi rõ họ tên) Vũ Đức Minh")
    assert "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ" in nurse and "87/QĐ-KSBT" in nurse


_CODE = re.compile(r"\b2026-(?:Q[1-4]|0[1-9]|1[0-2])\b")


@pytest.mark.libreoffice
def test_printed_reasons_name_the_quarters_as_the_period_table_does(out):
    # the phiếu's table says «Quý I/2026»; the reason printed under it said «2026-Q1: 94,66» (a workbook code)
    chief = person_form_text(out, "TT-04", "phieu_nd233")
    assert "Quý I/2026" in chief
    assert "quý I/2026: 94,66; quý II/2026: 94,66; quý III/2026: 94,66; quý IV/2026: 94,66" in chief
    assert not _CODE.search(chief), _CODE.findall(chief)
    tech = person_form_text(out, "TT-18", "phieu_nd233")
    assert "quý I/2026: 91,33; quý II/2026: 89,16; quý III/2026: 89,16; quý IV/2026: 90,33" in tech
    for unit in ("BGD", "TCHC", "KBTN", "KXN"):
        text = pdf_text_flat(out / "don_vi" / f"{unit}.pdf")
        assert not _CODE.search(text), (unit, _CODE.findall(text))


@pytest.mark.libreoffice
def test_a_folder_built_before_keeps_the_period_codes_it_printed(tmp_path, cache_dir, monkeypatch):
    """A folder of this year's papers built before periods were named in words (its manifest without
    `ky_bang_chu`) keeps «2026-Q1: 94,66» on them: nothing re-filled, nothing to sign again, one console note;
    the choice is kept at the next rebuild. A new folder names the quarters in words."""
    from pipeline import api, run
    from pipeline.manifest import MANIFEST

    book = tt.write(tmp_path / "trung_tam.xlsx")
    options = api.BuildOptions(units=frozenset({"KBTN"}), cache_dir=cache_dir / "quy", show_progress=False,
                               today=dt.date(tt.YEAR, 12, 7))

    def build(folder) -> list[str]:
        lines: list[str] = []
        api.build(book, folder, options, log=lines.append, check_unchanged=False)
        return lines

    def sums(folder) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.docx"))}

    old = tmp_path / "old"
    with monkeypatch.context() as m:  # as a version before this one built it
        m.setattr(run, "_periods_in_words", lambda previous, foreign: False)
        build(old)
    record = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    del record[run.PERIODS]
    (old / MANIFEST).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    before = sums(old)
    assert "2026-Q1: 94,66; 2026-Q2: 94,66" in flat(person_form_text(old, "TT-04", "phieu_nd233"))

    for _ in range(2):  # rebuilt by this version, nothing else changed; then again (its choice recorded false)
        lines = build(old)
        assert lines.count(run.PERIODS_NOTE) == 1 and "thư mục mới" in run.PERIODS_NOTE
        assert json.loads((old / MANIFEST).read_text(encoding="utf-8"))[run.PERIODS] is False
        assert sums(old) == before and not (old / "in_lai.pdf").exists()

    new = tmp_path / "new"
    lines = build(new)
    assert run.PERIODS_NOTE not in lines
    assert json.loads((new / MANIFEST).read_text(encoding="utf-8"))[run.PERIODS] is True
    text = flat(person_form_text(new, "TT-04", "phieu_nd233"))
    assert "quý I/2026: 94,66; quý II/2026: 94,66" in text and not _CODE.search(text)


def test_only_period_codes_are_named_in_words():
    from pipeline.forms.printed import periods_in_words
    from pipeline.forms.render import period_words

    assert periods_in_words("kỳ 2026-Q1: 90,00; 2026-03: 88,50; 2026-12: 70,00") == (
        "quý I/2026: 90,00; tháng 03/2026: 88,50; tháng 12/2026: 70,00")
    kept = "ngày 2026-03-15; Quyết định số 12/2026-03; mã VP-2026-01; năm 2025-2026; 2026-13; 2026-Q5"
    assert periods_in_words(kept) == kept
    xml = '<w:p w:rsidR="2026-03"><w:r><w:t xml:space="preserve">Điểm: 2026-Q4: 91,33.</w:t></w:r></w:p>'
    assert period_words(xml) == '<w:p w:rsidR="2026-03"><w:r><w:t xml:space="preserve">Điểm: quý IV/2026: 91,33.</w:t></w:r></w:p>'
