"""Audit 39: the Sở Nội vụ's reviewer reads three agencies' 2026 packages and the province summary.

Three real builds (LibreOffice) with the day fixed at 06/12/2026: the Văn phòng UBND tỉnh (the shipped 2026
sample), a district hospital (tests/su_nghiep_2026.py: viên chức under ND 233, two người lao động; it reports
to its managing Sở Y tế) and a commune (tests/xa_2026.py: cán bộ, công chức, two người lao động). All three are
drafts (no level decided by the competent level); a fourth build is the commune once the Chủ tịch decided
every level (the hand-worked levels below typed as `muc_quyet_dinh`), to tell a final package from a draft.

Every figure below is counted BY HAND from the workbooks (kinds and «lanh_dao_quan_ly» of sheet NhanSu,
months worked, points of the factories' _SCORES, the 20 % rule «HTXS ≤ 20 % × HTT» inside each comparable
group); the tests read the printed words (pdftotext), the spreadsheets (openpyxl) and the web page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))
import su_nghiep_2026 as sn  # noqa: E402
import workbook_factory as wf  # noqa: E402
import xa_2026 as xa  # noqa: E402
from fakes import build_each  # noqa: E402
from web_pages import csrf, logged_in  # noqa: E402

from pipeline import api  # noqa: E402
from pipeline.resources import sample_workbook  # noqa: E402

TODAY = dt.date(2026, 12, 6)
ROWS = ("can_bo", "cong_chuc_lanh_dao", "cong_chuc", "vien_chuc_quan_ly", "vien_chuc", "hop_dong", "nguoi_lao_dong")
KEYS = ("tong", "xep_loai", "HTXS", "HTT", "HT", "KHT", "khong_xep_loai")
ZERO = (0, 0, 0, 0, 0, 0, 0)

# --- hand counts: (total, rated, HTXS, HTT, HT, KHT, not rated) per row of the biểu -----------------------
# The agency head of each (the Giám đốc BV-01, the Chủ tịch UBND xã X-01, the Chánh Văn phòng VP-001) is rated by
# the head of the managing agency (ND 335 Art. 10 cl. 2, regime-2026.md §1.5): from 2026 outside his agency's
# 20 % groups (docs/rating.md rule 4), his HTXS by points left for that level to weigh.
# Hospital (21 people). Viên chức quản lý (lanh_dao): BV-01, 02, 03, 09, 11, 14 = 6, all 12 months.
#   BV-03 94.67 points but his khoa Nội is rated HT: at most HT. BV-01 96.83: HTXS, outside the cap.
#   HTXS by points: BV-11 95.25; HTT: BV-02 86.83, BV-09 89, BV-14 86.83. Keeping x HTXS leaves 4 - x HTT:
#   x ≤ 0.2 (4 - x) → x = 0. → HTXS 1 (BV-01), HTT 4, HT 1.
# Viên chức (13): BV-04, 05, 06, 07, 08, 10, 12, 13, 15, 16, 19, 20, 21; BV-12 recruited 01/8 (5 months):
#   not rated → 12 rated. BV-04 khiển trách in 2026: KHT. HTXS by points ≥ 90: BV-05 95.83, 06 98, 07 93.67,
#   15 91.33; HTT: 08, 10, 13, 16, 19, 20, 21 = 7. 11 people: x ≤ 0.2 (11 - x) → 1.2 x ≤ 2.2 → x = 1 (BV-06,
#   98 points). → HTXS 1, HTT 10, KHT 1.
# Người lao động: BV-17 88, BV-18 83.5 → HTT 2.
HOSPITAL = {"vien_chuc_quan_ly": (6, 6, 1, 4, 1, 0, 0), "vien_chuc": (13, 12, 1, 10, 0, 1, 1),
            "nguoi_lao_dong": (2, 2, 0, 2, 0, 0, 0), "tong_cong": (21, 20, 2, 16, 1, 1, 1)}
# Commune (17 people). Cán bộ X-01..X-04 (one row, not split by post): X-01 96.83 HTXS, outside the cap; HTXS by
#   points X-02 95.25, X-04 96.25, HTT X-03 86.83; 3 people: x ≤ 0.2 (3 - x) → x = 0 → HTXS 1, HTT 3.
# Công chức lãnh đạo: 3 people, x ≤ 0.2 (3 - x) → x = 0 → HTT 3.
# Công chức (8): X-06, 07, 08, 10, 11, 12, 14, 15; X-12 recruited 01/9 (4 months): not rated → 7.
#   X-10 khiển trách: KHT. HTXS candidates X-06 95.83, X-07 98, X-11 93.66, X-15 92.5; HTT X-08 88,
#   X-14 83.5 (9 months, sick leave); 6 people: 1.2 x ≤ 1.2 → x = 1. → HTXS 1, HTT 5, KHT 1.
# Người lao động X-16 88, X-17 83.5 → HTT 2.
COMMUNE = {"can_bo": (4, 4, 1, 3, 0, 0, 0), "cong_chuc_lanh_dao": (3, 3, 0, 3, 0, 0, 0),
           "cong_chuc": (8, 7, 1, 5, 0, 1, 1), "nguoi_lao_dong": (2, 2, 0, 2, 0, 0, 0),
           "tong_cong": (17, 16, 2, 13, 0, 1, 1)}
# Văn phòng UBND tỉnh (40 people), kinds and posts of sheet NhanSu: cán bộ VP-010; công chức lãnh đạo
#   VP-001..006, 014, 015, 024, 025 = 10; công chức 007, 008, 009, 016..023, 026..029 = 15, VP-028 4 months
#   not rated → 14; viên chức quản lý 030, 031, 037, 038 = 4; viên chức 032..035, 039 = 5 (VP-033 5 months
#   with maternity leave: rated); hợp đồng 011, 012, 013; người lao động 036, 040. Its levels are not worked
#   again from the points here (tests/test_sample_2026.py pins them); they are counted from the package's own
#   list of people (DanhSach) against its table.
OFFICE_PEOPLE = {"can_bo": (1, 1), "cong_chuc_lanh_dao": (10, 10), "cong_chuc": (15, 14), "vien_chuc_quan_ly": (4, 4),
                 "vien_chuc": (5, 5), "hop_dong": (3, 3), "nguoi_lao_dong": (2, 2), "tong_cong": (40, 39)}
# Emulation (ThiDua): hospital LĐTT BV-05, BV-06 (proposed CSTĐCS, also LĐTT), BV-20 — viên chức; CSTĐCS within
# 15 % × 3 = 0.45 → 0. Commune LĐTT — công chức; CSTĐCS 15 % × 2 = 0.3 → 0.


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf(path: Path, layout: bool = False) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _commune_final(path: Path) -> Path:
    data = xa.tables()
    decided = {"X-01": "HTXS", "X-07": "HTXS", "X-10": "KHT", "X-12": None}  # the hand-worked levels above; everyone else HTT
    for p in data["NhanSu"]:
        if (level := decided.get(p["ma_so"], "HTT")) is not None:
            p["muc_quyet_dinh"] = level
    return wf.write(path, data)


@pytest.fixture(scope="module")
def outs(tmp_path_factory, shared_cache) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("aud39")
    books = {"vp": sample_workbook(2026), "bv": sn.write(tmp / "benh_vien.xlsx"), "xa": xa.write(tmp / "xa.xlsx"),
             "xa_final": _commune_final(tmp / "xa_final.xlsx")}
    return build_each(books, tmp, shared_cache, TODAY)


def _table(out: Path) -> dict[str, tuple]:
    """BieuTongHop of the package's bieu_tong_hop.xlsx: row label → (counts…, (% cells as displayed))."""
    ws = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")["BieuTongHop"]
    rows = {}
    for r in ws.iter_rows(min_row=8):
        if r[1].value and isinstance(r[2].value, int):
            counts = (r[2].value, r[3].value, r[4].value, r[6].value, r[8].value, r[10].value, r[12].value)
            shown = tuple("" if c.value in (None, "") else f"{c.value * 100:.1f}".replace(".", ",")
                          for c in (r[5], r[7], r[9], r[11]))
            assert all(c.number_format == "0.0%" for c in (r[5], r[7], r[9], r[11]))
            rows[r[1].value] = (counts, shown)
    return rows


def _sheet_notes(out: Path) -> list[str]:
    """The lines of sheet BieuTongHop below its table (column A text)."""
    ws = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")["BieuTongHop"]
    return [r[0] for r in ws.iter_rows(min_row=8, max_col=1, values_only=True) if isinstance(r[0], str)]


LABELS = {"can_bo": "Cán bộ", "cong_chuc_lanh_dao": "Công chức giữ chức vụ lãnh đạo, quản lý",
          "cong_chuc": "Công chức không giữ chức vụ lãnh đạo, quản lý", "vien_chuc_quan_ly": "Viên chức quản lý",
          "vien_chuc": "Viên chức không giữ chức vụ quản lý", "hop_dong": "Hợp đồng",
          "nguoi_lao_dong": "Người lao động", "tong_cong": "Tổng cộng"}


def _pdf_rows(text: str) -> dict[str, list[str]]:
    """The biểu's rows as printed (pdftotext -layout): «1 … 0 0 0 …» by STT, «Tổng cộng …»: numbers only."""
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        nums = re.findall(r"(?<![\w,])\d+(?:,\d)?(?![\w,])", line)
        m = re.match(r"\s*([1-7])\s", line)
        if m and len(nums) >= 7 and nums[0] == m.group(1):
            rows.setdefault(ROWS[int(m.group(1)) - 1], nums[1:])
        elif line.strip().startswith("Tổng cộng") and len(nums) >= 7:
            rows.setdefault("tong_cong", nums)
    return rows


@pytest.mark.parametrize("key, hand", [("bv", HOSPITAL), ("xa", COMMUNE)])
def test_each_agency_s_table_and_report_count_its_workbook_people(outs, key, hand):
    out = outs[key]
    table = _table(out)
    for code in (*ROWS, "tong_cong"):
        assert table[LABELS[code]][0] == hand.get(code, ZERO), code  # a category the agency lacks: 0, in place
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))["nop_so_noi_vu"]["bieu_tong_hop"]
    assert {c: tuple(manifest[c][k] for k in KEYS) for c in (*ROWS, "tong_cong")} == {
        c: hand.get(c, ZERO) for c in (*ROWS, "tong_cong")}
    # the printed biểu and the report's table print the same numbers, row by row, and nothing for % of no one
    for doc in ("bieu_tong_hop.pdf", "bao_cao_ket_qua_danh_gia.pdf"):
        printed = _pdf_rows(_pdf(out / "nop_so_noi_vu" / doc, layout=True))
        for code in (*ROWS, "tong_cong"):
            counts, shown = table[LABELS[code]]
            tong, rated, *levels, not_rated = counts
            want = [str(tong), str(rated)]
            for n, pct in zip(levels, shown, strict=True):
                want += [str(n)] + ([pct] if pct else [])
            assert printed[code][:len(want) + 1] == [*want, str(not_rated)], (doc, code)
    # the report's words: the totals and each level with its % of those rated, as hand-counted
    words = _flat(_pdf(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    tong, rated, htxs, htt, ht, kht, not_rated = hand["tong_cong"]
    # a hospital is a đơn vị sự nghiệp công lập (ND 233/2026), a commune's People's Committee a cơ quan
    noun = {"bv": "đơn vị", "xa": "cơ quan"}[key]
    assert (f"của {noun}: {tong} người (kể cả người đứng đầu {noun}, do cấp trên trực tiếp đánh giá, xếp loại); "
            f"trong đó được đánh giá, xếp loại: {rated} người; không đánh giá, xếp loại (thời gian công tác trong năm "
            f"dưới 06 tháng): {not_rated} người.") in words
    assert "(Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định.)" in words
    # the biểu's spreadsheet says it too, as its PDF does: no level of a draft is presented as decided
    draft = "Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định."
    assert draft in _flat(_pdf(out / "nop_so_noi_vu" / "bieu_tong_hop.pdf"))
    assert draft in _sheet_notes(out)


def test_percentages_are_rounded_half_up_in_the_report_and_the_spreadsheet_alike(outs):
    """The commune: 2 HTXS of 16 rated = 12,5 %, 13 HTT = 81,25 %, 1 KHT = 6,25 %. A clerk (and Excel or
    LibreOffice showing 0.0625 as «0.0 %») rounds 6,25 to 6,3 and 81,25 to 81,3; the report had printed 6,2
    (Python's float formatting rounds an exact half to even) while the spreadsheet sent with it showed 6,3."""
    out = outs["xa"]
    words = _flat(_pdf(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert "Hoàn thành xuất sắc nhiệm vụ: 2 người, tỷ lệ 12,5%;" in words
    assert "Hoàn thành tốt nhiệm vụ: 13 người, tỷ lệ 81,3%;" in words
    assert "Hoàn thành nhiệm vụ: 0 người, tỷ lệ 0,0%;" in words
    assert "Không hoàn thành nhiệm vụ: 1 người, tỷ lệ 6,3%." in words
    assert "6,2" not in words and "81,2" not in words
    # công chức: 1 HTXS and 1 KHT of 7 = 14,29 % → 14,3; 5 HTT of 7 = 71,43 % → 71,4
    assert _table(out)["Tổng cộng"][1] == ("12,5", "81,3", "0,0", "6,3")
    assert _table(out)[LABELS["cong_chuc"]][1] == ("14,3", "71,4", "0,0", "14,3")
    printed = _pdf_rows(_pdf(out / "nop_so_noi_vu" / "bieu_tong_hop.pdf", layout=True))
    assert printed["tong_cong"] == ["17", "16", "2", "12,5", "13", "81,3", "0", "0,0", "1", "6,3", "1"]
    # the hospital: 4 of 6 = 66,67 → 66,7; 1 of 6 = 16,67 → 16,7; 2 of 20 = 10,0; 16 of 20 = 80,0; 1 of 20 = 5,0
    assert _table(outs["bv"])[LABELS["vien_chuc_quan_ly"]][1] == ("16,7", "66,7", "16,7", "0,0")
    assert _table(outs["bv"])["Tổng cộng"][1] == ("10,0", "80,0", "5,0", "5,0")


def test_the_office_s_table_counts_its_people_and_its_own_list(outs):
    out = outs["vp"]
    table = _table(out)
    for code, (tong, rated) in OFFICE_PEOPLE.items():
        assert table[LABELS[code]][0][:2] == (tong, rated), code
    # the levels of the table are the levels of the list of people it comes with, row by row
    ws = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")["DanhSach"]
    listed: dict[str, list[str]] = {}
    for r in ws.iter_rows(min_row=2, values_only=True):
        if r[0]:
            listed.setdefault(r[5], []).append(r[7] or "")
    for label, levels in listed.items():
        counts = table[label][0]
        assert counts[2:6] == tuple(levels.count(lv) for lv in ("HTXS", "HTT", "HT", "KHT")), label
    words = _flat(_pdf(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    # VP-021 lacks October: rated, no level; named in the Ghi chú and counted in the words
    assert "Chưa có mức xếp loại: 1 người." in words and "Huỳnh Văn Cường" in words


ND335_FULL = ("Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng đối với cơ quan "
              "hành chính nhà nước và công chức")


def test_citations_and_recipients_follow_each_agency(outs):
    nd335 = "Nghị định số 335/2025/NĐ-CP ngày 21/12/2025"
    nd233 = "Luật Viên chức năm 2025 và Nghị định số 233/2026/NĐ-CP ngày 26/6/2026"
    for doc in ("bao_cao_ket_qua_danh_gia.pdf", "cong_van_gui_so_noi_vu.pdf"):
        bv = _flat(_pdf(outs["bv"] / "nop_so_noi_vu" / doc))
        assert nd233 in bv and "335/2025" not in bv
        # the hospital applies ND 233 (which rates «đơn vị sự nghiệp công lập và viên chức») by its own rules
        assert "(vận dụng đối với người lao động theo quy chế đánh giá của đơn vị)" in bv and "của cơ quan)" not in bv
        assert "Sở Y tế tỉnh Hà Giang Nam" in bv and "Sở Nội vụ" not in bv  # the workbook's managing Sở
        commune = _flat(_pdf(outs["xa"] / "nop_so_noi_vu" / doc))
        assert nd335 in commune and "233/2026" not in commune
        assert "(vận dụng đối với cán bộ, người lao động theo quy chế đánh giá của cơ quan)" in commune
        assert "Sở Nội vụ tỉnh Hà Giang Nam" in commune
        office = _flat(_pdf(outs["vp"] / "nop_so_noi_vu" / doc))
        assert nd335 in office and nd233 in office
        # the office is mixed: its cán bộ VP-010, hợp đồng VP-011..013 and người lao động VP-036, VP-040 are rated
        # under ND 335 (CoQuan.bo_quy_tac_khac empty), which rates công chức only: «vận dụng» after ND 335, once
        assert (f"{ND335_FULL} (vận dụng đối với cán bộ, người lao động theo quy chế đánh giá của cơ quan); "
                f"{nd233} của Chính phủ") in office, doc
        assert office.count("vận dụng đối với") == 1, doc
    # the notice of results cites the same; a unit's own papers cite the kinds of that unit: the Phòng Hành chính -
    # Quản trị (cán bộ, công chức, hợp đồng) ND 335 alone with «vận dụng»; the Trung tâm Công báo - Tin học (viên
    # chức, and a người lao động rated under ND 335) both texts, «vận dụng» after ND 335 for the worker only
    notice = _flat(_pdf(outs["vp"] / "co_quan" / "thong_bao_ket_qua.pdf"))
    assert f"Căn cứ {ND335_FULL} (vận dụng đối với cán bộ, người lao động theo quy chế đánh giá của cơ quan); {nd233}" in notice
    hcqt = _flat(_pdf(outs["vp"] / "don_vi" / "HCQT.pdf"))
    assert f"Thực hiện {ND335_FULL} (vận dụng đối với cán bộ, người lao động theo quy chế đánh giá của cơ quan) và " in hcqt
    assert "233/2026" not in hcqt
    cbth = _flat(_pdf(outs["vp"] / "don_vi" / "CBTH.pdf"))
    assert f"Thực hiện {ND335_FULL} (vận dụng đối với người lao động theo quy chế đánh giá của cơ quan); {nd233}" in cbth
    assert "vận dụng đối với cán bộ" not in cbth
    for unit in ("LD", "TH", "KGVX"):  # công chức only
        assert "vận dụng đối với" not in _flat(_pdf(outs["vp"] / "don_vi" / f"{unit}.pdf")), unit
    assert "Kính gửi: Sở Y tế tỉnh Hà Giang Nam." in _flat(_pdf(outs["bv"] / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf"))
    assert "Đinh Công Thành" in _flat(_pdf(outs["bv"] / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert "Nguyễn Hữu Phước" in _flat(_pdf(outs["xa"] / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    manifests = {k: json.loads((outs[k] / "manifest.json").read_text("utf-8"))["nop_so_noi_vu"] for k in outs}
    assert manifests["bv"]["noi_nhan"] == "Sở Y tế tỉnh Hà Giang Nam"
    assert manifests["xa"]["noi_nhan"] == "Sở Nội vụ tỉnh Hà Giang Nam"
    assert "Hạn gửi hồ sơ cho Sở Y tế tỉnh Hà Giang Nam: 14/12/2026" in (outs["bv"] / "README.txt").read_text("utf-8")


def test_a_final_package_carries_the_notice_and_its_words_agree_with_the_report(outs):
    draft, final = outs["xa"], outs["xa_final"]
    assert not (draft / "nop_so_noi_vu" / "thong_bao_ket_qua.pdf").exists()
    notice = _flat(_pdf(final / "nop_so_noi_vu" / "thong_bao_ket_qua.pdf"))
    assert ("Tổng số 17 người; cấp có thẩm quyền đã quyết định mức xếp loại của 16 người, trong đó: Hoàn thành "
            "xuất sắc nhiệm vụ: 2 người; Hoàn thành tốt nhiệm vụ: 13 người; Hoàn thành nhiệm vụ: 0 người; Không "
            "hoàn thành nhiệm vụ: 1 người; không xếp loại (công tác trong năm dưới 06 tháng): 1 người.") in notice
    report = _flat(_pdf(final / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert "Hoàn thành xuất sắc nhiệm vụ: 2 người, tỷ lệ 12,5%;" in report
    assert "Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định" in report
    assert "2. Thông báo kết quả đánh giá, xếp loại chất lượng năm 2026." in _flat(
        _pdf(final / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf"))
    assert _table(final) == _table(draft)  # the same levels, now decided
    assert "Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định." in _sheet_notes(final)
    assert not any("mức đề xuất; cấp có thẩm quyền chưa quyết định" in n for n in _sheet_notes(final))
    assert "Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định." in _sheet_notes(outs["vp"])
    assert api.verify(final).ok and api.verify(draft).ok


# The office's comparable groups (sheet NhanSu kinds and «lanh_dao_quan_ly», sheet NhomTuongDong names) in the
# biểu's order of categories — cán bộ, công chức lãnh đạo, công chức, viên chức quản lý, viên chức, hợp đồng, người
# lao động —, a named group after its category's default one (Phòng Tổng hợp's chuyên viên VP-016..023 are công
# chức, the Trung tâm's VP-032..035 viên chức), the Chánh Văn phòng's own group last: it is not the agency's check.
OFFICE_GROUPS = ("Cán bộ không giữ chức vụ lãnh đạo, quản lý", "Công chức giữ chức vụ lãnh đạo, quản lý",
                 "Công chức không giữ chức vụ lãnh đạo, quản lý", "Chuyên viên – Phòng Tổng hợp",
                 "Viên chức giữ chức vụ lãnh đạo, quản lý", "Viên chức không giữ chức vụ lãnh đạo, quản lý",
                 "Viên chức – Trung tâm Công báo - Tin học",
                 "Người làm việc theo hợp đồng (HĐ 68/111) không giữ chức vụ lãnh đạo, quản lý",
                 "Người lao động không giữ chức vụ lãnh đạo, quản lý", "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)")


def test_the_groups_are_listed_in_the_biểu_s_order_of_categories(outs):
    folder = outs["vp"] / "nop_so_noi_vu"
    report = _flat(_pdf(folder / "bao_cao_ket_qua_danh_gia.pdf"))
    assert tuple(re.findall(r"- Nhóm “([^”]+)”", report)) == OFFICE_GROUPS  # a paper quotes “…” (pipeline/quotes.py)
    ws = load_workbook(folder / "bieu_tong_hop.xlsx")["TyLeHTXS"]
    sheet = [(r[0], r[1]) for r in ws.iter_rows(min_row=6, max_col=2, values_only=True) if r[0]]
    assert sheet == list(enumerate(OFFICE_GROUPS, start=1))
    # the biểu's PDF: its group table, after its heading, names them in the same order (a name may wrap)
    bieu = _flat(_pdf(folder / "bieu_tong_hop.pdf"))
    table = bieu[bieu.index("KIỂM TRA TỶ LỆ HOÀN THÀNH XUẤT SẮC"):]
    at = [table.index(name[:18]) for name in OFFICE_GROUPS]
    assert at == sorted(at), at
    # the commune: cán bộ (the Phó Chủ tịch, Bí thư…: lanh_dao_quan_ly), công chức lãnh đạo, công chức, người lao
    # động, then the Chủ tịch's own group
    commune = _flat(_pdf(outs["xa"] / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert re.findall(r"- Nhóm “([^”]+)”", commune) == [
        "Cán bộ giữ chức vụ lãnh đạo, quản lý", "Công chức giữ chức vụ lãnh đạo, quản lý",
        "Công chức không giữ chức vụ lãnh đạo, quản lý", "Người lao động không giữ chức vụ lãnh đạo, quản lý",
        "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)"]


# --- the province -----------------------------------------------------------------------------------------
# Sum of the three drafts by hand, per row: (total, rated, HTXS, HTT, HT, KHT, not rated) — the office's levels
# as its own table gives them: cán bộ (1,1,0,1,0,0,0); công chức lãnh đạo (10,10,2,8,0,0,0: VP-001 outside the
# cap, HTXS by points; the others 1 HTXS + 8 HTT, 20 % of 8 = 1,6 → 1 kept); công chức
# (15,14,1,10,1,1,1, VP-021 rated without a level); viên chức quản lý (4,4,0,2,2,0,0); viên chức (5,5,0,4,1,0,0);
# hợp đồng (3,3,0,3,0,0,0); người lao động (2,2,0,2,0,0,0).
OFFICE = {"can_bo": (1, 1, 0, 1, 0, 0, 0), "cong_chuc_lanh_dao": (10, 10, 2, 8, 0, 0, 0),
          "cong_chuc": (15, 14, 1, 10, 1, 1, 1), "vien_chuc_quan_ly": (4, 4, 0, 2, 2, 0, 0),
          "vien_chuc": (5, 5, 0, 4, 1, 0, 0), "hop_dong": (3, 3, 0, 3, 0, 0, 0), "nguoi_lao_dong": (2, 2, 0, 2, 0, 0, 0),
          "tong_cong": (40, 39, 3, 30, 4, 1, 1)}
PROVINCE = {  # office + hospital + commune
    "can_bo": (1 + 4, 1 + 4, 0 + 1, 1 + 3, 0, 0, 0),
    "cong_chuc_lanh_dao": (10 + 3, 10 + 3, 2, 8 + 3, 0, 0, 0),
    "cong_chuc": (15 + 8, 14 + 7, 1 + 1, 10 + 5, 1, 1 + 1, 1 + 1),
    "vien_chuc_quan_ly": (4 + 6, 4 + 6, 0 + 1, 2 + 4, 2 + 1, 0, 0),
    "vien_chuc": (5 + 13, 5 + 12, 0 + 1, 4 + 10, 1, 0 + 1, 0 + 1),
    "hop_dong": (3, 3, 0, 3, 0, 0, 0),
    "nguoi_lao_dong": (2 + 2 + 2, 6, 0, 6, 0, 0, 0),
    "tong_cong": (40 + 21 + 17, 39 + 20 + 16, 3 + 2 + 2, 30 + 16 + 13, 4 + 1 + 0, 1 + 1 + 1, 1 + 1 + 1),
}


def test_the_office_table_is_as_counted_for_the_province(outs):
    assert {c: _table(outs["vp"])[LABELS[c]][0] for c in OFFICE} == OFFICE


def _rows(data: bytes, sheet: str) -> list[tuple]:
    return [r for r in load_workbook(io.BytesIO(data))[sheet].iter_rows(min_row=2, values_only=True) if r[0]]


SO_Y_TE = "Sở Y tế tỉnh Hà Giang Nam"
ELSEWHERE = (f"1 bộ hồ sơ gửi cơ quan khác, không phải Sở Nội vụ: {sn.AGENCY} (gửi {SO_Y_TE}) — đã tính vào tổng hợp; "
             f"nếu {SO_Y_TE} gửi bản tổng hợp có cơ quan này, không cộng lần nữa.")


def _check_province(xlsx: bytes, final_commune: bool) -> None:
    total = {r[0]: r for r in _rows(xlsx, "ToanTinh")}
    assert list(total) == [LABELS[c] for c in (*ROWS, "tong_cong")]  # every category, in the biểu's order
    for code, hand in PROVINCE.items():
        assert total[LABELS[code]][1:8] == hand, code
    # emulation: LĐTT office 13 (its ThiDua sheet, not re-derived here) + hospital 3 + commune 2; CSTĐCS 1 + 0 + 0
    assert total["Tổng cộng"][10:12] == (13 + 3 + 2, 1)
    # proposals only: every level of the three drafts (38 + 20 + 16); with the commune's levels decided, 38 + 20
    assert total["Tổng cộng"][12] == (38 + 20 if final_commune else 38 + 20 + 16)
    assert total["Tổng cộng"][13] == 1  # VP-021: rated, no level
    per = {(r[0], r[1]): r for r in _rows(xlsx, "TheoDoiTuong")}
    for name, hand in ((sn.AGENCY, HOSPITAL), (xa.AGENCY, COMMUNE), ("Văn phòng UBND tỉnh Hà Giang Nam", OFFICE)):
        for code, counts in hand.items():
            assert per[(name, LABELS[code])][2:9] == counts, (name, code)
    assert per[(sn.AGENCY, LABELS["vien_chuc"])][11:13] == (3, 0)
    assert per[(xa.AGENCY, LABELS["cong_chuc"])][11:13] == (2, 0)
    assert per[(xa.AGENCY, "Tổng cộng")][13] == (0 if final_commune else 16)
    status = {r[0]: r[6] for r in _rows(xlsx, "CoQuan")}
    assert "20 người mới có mức đề xuất" in status[sn.AGENCY]
    assert ("mức đề xuất" in status[xa.AGENCY]) is not final_commune
    # the hospital's package is addressed to its Sở Y tế (manifest nop_so_noi_vu.noi_nhan): named, still counted
    assert f"bộ hồ sơ gửi {SO_Y_TE}, không phải Sở Nội vụ: đã tính vào tổng hợp" in status[sn.AGENCY]
    assert not any("không phải Sở Nội vụ" in status[a] for a in (xa.AGENCY, "Văn phòng UBND tỉnh Hà Giang Nam"))


def test_the_province_summary_adds_the_three_agencies(outs, tmp_path, capsys):
    from pipeline.cli import main

    try:
        main(["tong-hop", str(outs["vp"]), str(outs["bv"]), str(outs["xa"]), "-o", str(tmp_path / "th"),
              "--han", "14/12/2026"])
    except SystemExit as exit_:  # every package verified: no failing exit code
        assert exit_.code in (0, None)
    console = capsys.readouterr()
    assert f"Lưu ý: {ELSEWHERE}" in (console.out + console.err).splitlines()
    _check_province((tmp_path / "th" / "tong_hop_so_noi_vu.xlsx").read_bytes(), final_commune=False)
    words = _flat(_pdf(tmp_path / "th" / "tong_hop_so_noi_vu.pdf"))
    assert ELSEWHERE in words
    assert "3 bộ có mức xếp loại mới là đề xuất, chưa được cấp có thẩm quyền quyết định (74 người)" in words
    # the three heads (all HTXS) are outside their agencies' caps from 2026: 7 − 3 = 4 against 20 % × 59
    assert ("Tổng cộng 78 75 7 59 5 3 3 4 / 20% × 59 = 11,8 (không tính 3 người đứng đầu cơ quan)") in words


def test_the_province_page_and_its_export(outs, tmp_path, monkeypatch):
    """`hoso serve` with a so_noi_vu account: the three packages sent (the commune's final one), the page's
    totals and the xlsx downloaded."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import VIETNAM, Store

    monkeypatch.setenv("HOSO_HOM_NAY", "2026-12-10")
    password = "mat-khau-du-dai-9"
    store = Store(tmp_path / "du_lieu")
    codes = {"VP": outs["vp"], "BV": outs["bv"], "XA": outs["xa_final"]}
    store.add_account("snv", accounts.hash_password(password), "SNV", "so_noi_vu", None)
    for code in codes:
        store.add_account(code.lower(), accounts.hash_password(password), code, "van_thu", None)
    app = create_app(tmp_path / "du_lieu", start_queue=False)
    for code, out in codes.items():  # what «Gửi Sở Nội vụ» stores (as tests/test_web_province.py does)
        m = json.loads((out / "manifest.json").read_text("utf-8"))
        zip_name = m["nop_so_noi_vu"]["zip"]
        digest = next(f["sha256"] for f in m["files"] if f["path"] == zip_name)
        when = dt.datetime(2026, 12, 8, 9, 0, tzinfo=VIETNAM).astimezone(dt.UTC).isoformat(sep=" ")
        nop = store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) "
                      "VALUES (?,?,?,?,?,?,?)", code, 1, when, code.lower(), m["co_quan"]["ten_co_quan"], zip_name, digest)
        folder = store.submission_dir(code, nop)
        folder.mkdir(parents=True)
        for name in (zip_name, "manifest.json", "ket_qua_xep_loai.json"):
            shutil.copyfile(out / name, folder / name)
    c = logged_in(app, "snv", password)
    assert c.post("/so-noi-vu/han-nop", data={"csrf_token": csrf(c), "han_nop": "14/12/2026",
                                              "co_quan": list(codes)}).status_code == 302
    page = _flat(c.get("/so-noi-vu").text)
    assert "Tổng hợp toàn tỉnh năm 2026" in page and "3 cơ quan, 78 người." in page
    table = page[page.index('id="tong_hop"'):]
    table = table[:table.index("</table>")]
    got = dict(re.findall(r"<td>([^<]+)</td> ?<td>(\d+)</td>", table))
    assert got == {"Hoàn thành xuất sắc nhiệm vụ": "7", "Hoàn thành tốt nhiệm vụ": "59", "Hoàn thành nhiệm vụ": "5",
                   "Không hoàn thành nhiệm vụ": "3",
                   # 3 not rated (under 6 months) + VP-021 rated without a level
                   "Không xếp loại hoặc chưa đủ căn cứ xếp loại": "4"}
    # of the 74 with a level, the commune's 16 are decided; the office's 38 and the hospital's 20 are proposals
    assert "Trong số người đã có mức, 16 người có mức do cấp có thẩm quyền quyết định; 58 người mới là mức đề xuất" in page
    assert f'<p id="noi_nhan_khac" class="warn">{ELSEWHERE}</p>' in page
    r = c.get("/so-noi-vu/tong-hop.xlsx")
    assert r.status_code == 200
    _check_province(r.data, final_commune=True)


def test_which_packages_are_named_as_addressed_to_another_body():
    """No build: a manifest without `noi_nhan` (made before it) went to the Sở Nội vụ; any Sở Nội vụ, in any case,
    is not another body; two packages to two bodies name both, the sentence speaking of them in the plural."""
    from pipeline.submission import province

    def pkg(name: str, to: str) -> province.Package:
        return province.Package(Path(name), agency=name, noi_nhan=to, counts={"tong_cong": {"tong": 1}})

    assert not pkg("A", "").addressed_elsewhere
    assert not pkg("A", "Sở Nội vụ tỉnh Hà Giang Nam").addressed_elsewhere
    assert not pkg("A", "SỞ NỘI VỤ TỈNH HÀ GIANG NAM").addressed_elsewhere
    assert pkg("A", "Sở Y tế tỉnh Hà Giang Nam").addressed_elsewhere
    summary = province.Summary([pkg("BV", "Sở Y tế tỉnh Hà Giang Nam"), pkg("TH", "Sở Giáo dục và Đào tạo tỉnh Hà Giang Nam"),
                                pkg("VP", "Sở Nội vụ tỉnh Hà Giang Nam")], [], None, TODAY)
    assert province.elsewhere_words(summary) == (
        "2 bộ hồ sơ gửi cơ quan khác, không phải Sở Nội vụ: BV (gửi Sở Y tế tỉnh Hà Giang Nam); TH (gửi Sở Giáo dục và "
        "Đào tạo tỉnh Hà Giang Nam) — đã tính vào tổng hợp; nếu các cơ quan nhận đó gửi bản tổng hợp có các cơ quan này, "
        "không cộng lần nữa.")
    assert province.elsewhere_words(province.Summary([pkg("VP", "")], [], None, TODAY)) == ""


def test_signed_papers_round_every_percentage_half_up():
    """The unit's emulation table prints a ballot share and the direct-worker share as whole percents, the
    agency's self-rating minutes its vote to a tenth: 5 of 8 ballots is 62,5 % → 63 % (it printed 62 %, Python's
    format rounding an exact half to even), 9 of 16 votes 56,25 % → 56,3 % (it printed 56,2), as a clerk and
    the spreadsheet sent with them round."""
    from pipeline.rating.rules import pct, pct_whole

    assert (pct_whole(5 / 8), pct_whole(1 / 2), pct_whole(2 / 3)) == ("63%", "50%", "67%")
    assert (pct(9 / 16), pct(8 / 15), pct(1 / 5)) == ("56,3%", "53,3%", "20%")


def test_the_office_s_papers_still_say_cơ_quan(outs):
    """The Văn phòng UBND tỉnh is a cơ quan hành chính nhà nước (ND 335/2025): the words a đơn vị sự nghiệp công lập's
    papers now say «đơn vị» (helper donvi; the hospital's in tests/test_aud33.py) stay «cơ quan» on its papers, word
    for word as before (the whole text of the 2026 and 2024 samples was compared with pdftotext before and after)."""
    report = _flat(_pdf(outs["vp"] / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert ("1. Tổng số cán bộ, công chức, viên chức và người lao động của cơ quan: 40 người (kể cả người đứng đầu cơ "
            "quan, do cấp trên trực tiếp đánh giá, xếp loại);") in report
    assert ("Nhóm “Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)”: Hoàn thành xuất sắc nhiệm vụ 1 người, Hoàn thành tốt "
            "nhiệm vụ 0 người — không tính trong tỷ lệ của cơ quan") in report
    assert ("Trên đây là báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động "
            "của cơ quan, gửi Sở Nội vụ tỉnh Hà Giang Nam tổng hợp, báo cáo theo quy định./.") in report
    table = _flat(_pdf(outs["vp"] / "nop_so_noi_vu" / "bieu_tong_hop.pdf"))
    assert "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)" in table
    assert "không tính trong tỷ lệ của cơ quan (người đứng đầu do người đứng đầu cơ quan quản lý xếp loại" in table
    assert "Người đứng đầu đơn vị sự nghiệp" not in report + table and "của đơn vị sự nghiệp" not in report + table
    guide = (outs["vp"] / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    assert ("bản ghép đầy đủ để lưu tại cơ quan (gửi Sở Nội vụ chỉ biên bản họp, báo cáo kiểm điểm tập thể và hồ sơ cá "
            "nhân của lãnh đạo cơ quan, xem mục 4)") in guide
    assert "   d) Văn bản của cơ quan:" in guide and "sửa ở đó nếu cơ quan cần khác" in guide
