"""Issue 15 (unit, agency and submission half): papers a clerk can sign as printed.

One real build of a small workbook whose unit HC met on a known day with one member absent, whose
notice and report have their own dates, where two people have a decided level and a disciplined
person was voted up and proposed for a title; plus context-level checks on the sample."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest
import workbook_factory as wf

from pipeline import api, ingest
from pipeline.forms.can_cu import citations
from pipeline.forms.registry import Registry
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.plan import make_plan
from pipeline.rating.engine import rate

CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _tables() -> dict:
    data = wf.tables()
    co_quan = dict(data["CoQuan"])
    co_quan.update(ngay_thong_bao=dt.date(2024, 11, 20), ngay_bao_cao=dt.date(2024, 11, 25))
    data["CoQuan"] = list(co_quan.items())
    data["DonVi"][0].update(ngay_hop=dt.date(2024, 10, 28), so_thanh_vien=4, vang_mat="Đinh Văn Xuân (ốm)")
    for p in data["NhanSu"]:
        if p["ma_so"] == "NS-02":
            p["muc_quyet_dinh"] = "HTT"
        if p["ma_so"] == "NS-05":
            p["muc_quyet_dinh"] = "HT"
    # the disciplined NS-03: the meeting voted HT, a title proposal passed the ballot
    data["BieuQuyet"].append(dict(ma_so="NS-03", so_nguoi_du_hop=3, phieu_htxs=0, phieu_htt=3, phieu_ht=0, phieu_kht=0))
    data["ThiDua"].append(dict(ma_so="NS-03", danh_hieu="LDTT", phieu_dong_y=3, tong_so_phieu=3))
    # NS-02, whose level is decided (HTT), proposed for a title too
    data["ThiDua"].append(dict(ma_so="NS-02", danh_hieu="LDTT", phieu_dong_y=3, tong_so_phieu=3))
    return data


@pytest.fixture(scope="module")
def small(tmp_path_factory, cache_dir) -> Path:
    folder = tmp_path_factory.mktemp("papers")
    workbook = wf.write(folder / "so.xlsx", _tables())
    out = folder / "output"
    api.build(workbook, out, api.BuildOptions(cache_dir=cache_dir / "e2e", today=dt.date(2024, 11, 10)))
    return out


def _text(pdf: Path, first: int | None = None, last: int | None = None, mode: str = "-layout") -> str:
    args = ["pdftotext", mode] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _unit_docs(out: Path, unit: str) -> dict[str, str]:
    """Form code -> the text of that unit document inside the unit's bundle (content order: a table
    row's cells one after the other)."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [u] = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    return {m["mau"]: _flat(_text(out / u["pdf"], m["trang_dau"], m["trang_dau"] + m["so_trang"] - 1, "-raw"))
            for m in u["muc"] if not m["ma_so"]}


def test_dates_only_where_the_data_gives_that_step(small):
    hc, sn = _unit_docs(small, "HC"), _unit_docs(small, "SN")
    for code in ("bien_ban_hop", "bien_ban_kiem_phieu", "kiem_diem_tap_the", "tong_hop_xep_loai", "tong_hop_thi_dua"):
        assert "Thử Nghiệm, ngày 28 tháng 10 năm 2024" in hc[code], code  # DonVi.ngay_hop
        assert "Thử Nghiệm, ngày …… tháng …… năm 2024" in sn[code], code  # no meeting date: handwriting
        assert "05 tháng 11" not in hc[code] + sn[code]  # never CoQuan.ngay_lap
    notice = _flat(_text(small / "co_quan" / "thong_bao_ket_qua.pdf"))
    assert "Thử Nghiệm, ngày 20 tháng 11 năm 2024" in notice
    report = _flat(_text(small / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert "Thử Nghiệm, ngày 25 tháng 11 năm 2024" in report


def test_minutes_state_members_absentees_and_the_final_proposal(small):
    minutes = _unit_docs(small, "HC")["bien_ban_hop"]
    assert ("tổng số 4 người; có mặt: 3 người; vắng mặt: 1 người (vắng: Đinh Văn Xuân (ốm))" in minutes)
    # NS-03 voted HTT by the meeting, disciplined in the year: the proposal is KHT, with the reason
    part = minutes.split("Đồng chí Lê Quang Cường", 1)[1].split("2.", 1)[0]
    assert "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ." in part
    assert "Kết quả biểu quyết là Hoàn thành tốt nhiệm vụ." in part and "kỷ luật" in part and "căn cứ:" in part


def _raw(pdf: Path) -> str:
    return _flat(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)


def test_notice_announces_decided_levels_only_signed_by_the_head(small):
    lines = _text(small / "co_quan" / "thong_bao_ket_qua.pdf").splitlines()
    notice = _raw(small / "co_quan" / "thong_bao_ket_qua.pdf")
    assert "DỰ THẢO" not in notice
    assert any("Trần Thị Bình" in line and line.rstrip().endswith("Hoàn thành tốt nhiệm vụ") for line in lines)
    assert any("Hoàng Văn Em" in line and "Kỹ sư" in line and line.rstrip().endswith("Hoàn thành nhiệm vụ")
               for line in lines)
    for undecided in ("Lê Quang Cường", "Phạm Thị Dung", "Nguyễn Văn An Trưởng phòng"):
        assert undecided not in notice, undecided
    assert "đã quyết định mức xếp loại của 2 người" in notice and "chưa có quyết định: 3 người" in notice
    assert re.search(r"CHÁNH VĂN PHÒNG.*Nguyễn Văn An$", notice)
    # «Chánh Văn phòng» of «Văn phòng UBND tỉnh Thử Nghiệm» (it printed «Chánh Văn phòng Văn phòng UBND …»)
    assert "Chánh Văn phòng UBND tỉnh Thử Nghiệm thông báo kết quả" in notice and "Văn phòng Văn phòng" not in notice
    # decided: it goes to the Sở Nội vụ
    assert (small / "nop_so_noi_vu" / "thong_bao_ket_qua.pdf").read_bytes() == \
        (small / "co_quan" / "thong_bao_ket_qua.pdf").read_bytes()


def test_draft_notice_says_who_has_no_level_for_missing_periods():
    """The 2026 sample: VP-021 has no result for October, so no level (Art. 21 ND 335): his row on the
    draft notice says so, as the phiếu does."""
    from pipeline.resources import sample_workbook

    campaign = ingest.load(sample_workbook(2026))
    ctx = agency_document_context(campaign, rate(campaign), Registry().get("thong_bao_ket_qua"))
    rows = {r["ho_ten"]: r for u in ctx["don_vi_list"] for r in u["thanh_vien"]}
    assert rows[campaign.person("VP-021").ho_ten]["ghi_chu"] == "Chưa xếp loại: thiếu kết quả tháng 10/2026"
    assert rows[campaign.person("VP-003").ho_ten]["ghi_chu"] == ""


def test_unit_papers_say_who_has_no_level_for_missing_periods():
    """The 2026 sample: VP-021 (Phòng Tổng hợp, 12 months worked) has no result for October, so no
    level yet (Art. 21 ND 335: the year from the periods of the months worked). He is rated — not
    «Không xếp loại», which means not rated at all (under 6 months) — and the notice says «Chưa xếp
    loại: thiếu kết quả tháng 10/2026». The unit's papers say the same: the minutes after his vote,
    the proposal table in its note, the emulation table (he is proposed for Lao động tiên tiến) in
    its level column."""
    from pipeline.resources import sample_workbook

    campaign = ingest.load(sample_workbook(2026))
    ratings = rate(campaign)
    unit = next(u for u in campaign.units if u.ma_don_vi == "TH")
    why = "Chưa xếp loại: thiếu kết quả tháng 10/2026"
    minutes = unit_document_context(campaign, ratings, Registry().get("bien_ban_hop"), unit)
    row = next(tv for tv in minutes["thanh_vien"] if tv["ma_so"] == "VP-021")
    assert row["khac_bieu_quyet"] and row["ly_do_muc"] == why + ".", row
    table = unit_document_context(campaign, ratings, Registry().get("tong_hop_xep_loai"), unit)
    row = next(tv for tv in table["thanh_vien"] if tv["ma_so"] == "VP-021")
    assert row["ghi_chu"] == why and row["muc_cuoi_chu"] == "", row
    emulation = unit_document_context(campaign, ratings, Registry().get("tong_hop_thi_dua"), unit)
    row = next(r for r in emulation["thi_dua"] if r["ho_ten"] == campaign.person("VP-021").ho_ten)
    assert row["muc_chu"] == why and not row["de_xuat"], row
    # someone not rated at all keeps «Không xếp loại»
    kgvx = next(u for u in campaign.units if u.ma_don_vi == "KGVX")
    table = unit_document_context(campaign, ratings, Registry().get("tong_hop_xep_loai"), kgvx)
    row = next(tv for tv in table["thanh_vien"] if tv["ma_so"] == "VP-028")
    assert row["muc_cuoi_chu"] == "Không xếp loại" and "không xếp loại" in row["ghi_chu"], row


def test_notice_without_decisions_is_a_marked_draft_with_an_empty_column(sample):
    campaign = ingest.load(sample)
    ratings = rate(campaign)
    ctx = agency_document_context(campaign, ratings, Registry().get("thong_bao_ket_qua"))
    assert ctx["du_thao"] is True and ctx["dem"]["quyet_dinh"] == 0
    rows = [r for u in ctx["don_vi_list"] for r in u["thanh_vien"]]
    assert len(rows) == len(campaign.people) and {r["muc_chu"] for r in rows} == {""}
    head = next(r for r in rows if r["ho_ten"] == campaign.agency.nguoi_dung_dau)
    assert head["ghi_chu"].startswith("Do ") and "đánh giá, xếp loại" in head["ghi_chu"]  # rated by the superior
    # the head announces: «Chánh Văn phòng» of «Văn phòng UBND tỉnh …», the shared words said once
    assert ctx["nguoi_thong_bao"] == "Chánh Văn phòng UBND tỉnh Hà Giang Nam"
    # the one person not rated (under 6 months in the year) is named so on the draft's row (it was blank)
    not_rated = {campaign.person(pr.ma_so).ho_ten for pr in ratings.people if not pr.rated}
    assert len(not_rated) == ctx["dem"]["khong_xep_loai"] == 1
    assert {r["ho_ten"] for r in rows if r["ghi_chu"] == "Không xếp loại (công tác trong năm dưới 06 tháng)"} == not_rated
    # one decided level: only that person is announced, the rest are counted as not yet decided
    decided = dataclasses.replace(campaign, people=tuple(
        dataclasses.replace(p, muc_quyet_dinh="HTT") if p.ma_so == "VP-004" else p for p in campaign.people))
    ctx = agency_document_context(decided, rate(decided), Registry().get("thong_bao_ket_qua"))
    rows = [r for u in ctx["don_vi_list"] for r in u["thanh_vien"]]
    assert ctx["du_thao"] is False and [(r["ho_ten"], r["muc_chu"]) for r in rows] == \
        [(decided.person("VP-004").ho_ten, "Hoàn thành tốt nhiệm vụ")]
    assert ctx["dem"]["HTT"] == 1 and ctx["dem"]["chua_quyet_dinh"] == len([p for p in ratings.people if p.rated]) - 1


def test_one_level_per_person_in_every_unit_document(small):
    hc = _unit_docs(small, "HC")
    # the disciplined NS-03 (Lê Quang Cường): KHT everywhere; the ballot passed but he is not eligible
    table = hc["tong_hop_xep_loai"].split("Lê Quang Cường", 1)[1]
    assert table.split("Ghi chú:", 1)[0].count("Không hoàn thành nhiệm vụ") >= 1
    assert "Mức đề xuất hạ từ Hoàn thành tốt nhiệm vụ xuống Không hoàn thành nhiệm vụ" in table
    ballot = hc["bien_ban_kiem_phieu"]
    row = ballot.split("Lê Quang Cường", 1)[1].split("- Đồng chí", 1)[0]
    assert "Không đủ điều kiện" in row and "Đạt" not in row.replace("Không đạt", "")
    assert "Đồng chí Lê Quang Cường (trên 50% phiếu đồng ý): Cần xếp loại từ Hoàn thành tốt nhiệm vụ" in ballot
    emulation = hc["tong_hop_thi_dua"].split("Lê Quang Cường", 1)[1].split("Tổng hợp:", 1)[0]
    assert emulation.startswith(" Chuyên viên Không hoàn thành nhiệm vụ (đề xuất) Lao động tiên tiến")
    assert "Không đủ điều kiện Cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên" in emulation
    for other in ("Hoàn thành tốt nhiệm vụ Lao động", "Hoàn thành nhiệm vụ Lao động", "Đủ điều kiện Cần"):
        assert other not in emulation


def test_the_emulation_table_prints_the_levels_the_meeting_proposed(small):
    """«Xếp loại chất lượng năm» of the emulation table, a paper of the unit's meeting (dated 28/10/2024,
    DonVi.ngay_hop): every level as the meeting proposed it, marked «(đề xuất)» — also NS-02's, whose
    Hoàn thành tốt nhiệm vụ the competent evaluator decided later (a decision never rewrites the
    meeting's paper); NS-03 Không hoàn thành nhiệm vụ by his discipline in the year (ND 90 Art. 2 as
    amended by ND 48/2023). The agency's head (NS-01) has no proposed level there: who rates him instead."""
    emulation = _unit_docs(small, "HC")["tong_hop_thi_dua"]
    rows = {name: emulation.split(name, 1)[1][:60] for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Quang Cường")}
    assert rows["Trần Thị Bình"].startswith(" Phó Trưởng phòng Hoàn thành tốt nhiệm vụ (đề xuất) Lao động"), rows
    # Nguyễn Văn An is the agency's head: the superior rates him (ND 90 Art. 16), his row says so (pap31)
    assert rows["Nguyễn Văn An"].startswith(" Trưởng phòng Do Chủ tịch UBND tỉnh Thử Nghiệm đánh giá"), rows
    assert rows["Lê Quang Cường"].startswith(" Chuyên viên Không hoàn thành nhiệm vụ (đề xuất) Lao động"), rows


def test_one_final_level_per_person_in_the_contexts(sample):
    """On the sample: the minutes, the proposal table and the emulation table take each person's
    level from muc_cuoi; where it differs from the vote the row carries a reason with its basis."""
    campaign = ingest.load(sample)
    ratings = rate(campaign)
    registry = Registry()
    levels = {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ", "HT": "Hoàn thành nhiệm vụ",
              "KHT": "Không hoàn thành nhiệm vụ"}
    moved = 0
    for unit in campaign.units:
        ctx = unit_document_context(campaign, ratings, registry.get("bien_ban_hop"), unit)
        for tv in ctx["thanh_vien"]:
            pr = ratings.of(tv["ma_so"])
            if not pr.rated:
                continue
            assert tv["muc_cuoi_chu"] == levels[pr.muc_cuoi]
            if pr.muc_hop and pr.muc_hop != pr.muc_cuoi:
                moved += 1
                assert tv["khac_bieu_quyet"] and "— căn cứ:" in tv["ly_do_muc"]
                # the note: the reason, after the year score from 2026 (the level comes from it)
                score = f"Điểm đánh giá năm: {tv['diem_nam']}. " if tv["diem_nam"] else ""
                assert tv["ghi_chu"] == score + tv["ly_do_muc"]
            else:
                assert not tv["khac_bieu_quyet"]
        for row in ctx["thi_dua"]:
            person = next(tv for tv in ctx["thanh_vien"] if tv["ho_ten"] == row["ho_ten"])
            assert row["muc_chu"] == person["muc_cuoi_chu"]
            if row["du_dieu_kien"] == "Đạt Lao động tiên tiến":  # a CSTĐCS candidate who meets LĐTT only
                assert row["danh_hieu"] == "Chiến sĩ thi đua cơ sở" and row["ket_qua"] == row["du_dieu_kien"]
                assert row["ly_do"] and ratings.unit_proposals().of(person["ma_so"]).thi_dua.dat_ldtt
            elif row["du_dieu_kien"] != "Đủ điều kiện":
                assert row["ket_qua"] == "Không đủ điều kiện" and row["ly_do"]
    assert moved >= 3  # the sample: discipline (VP-008), leave (VP-027), the 20 % cap (VP-017, VP-018)
    dung = next(tv for u in campaign.units for tv in unit_document_context(
        campaign, ratings, registry.get("tong_hop_xep_loai"), u)["thanh_vien"] if tv["ma_so"] == "VP-017")
    assert "vượt tỷ lệ" in dung["ly_do_muc"] and "Phòng Tổng hợp" in dung["ly_do_muc"]


def test_no_code_identifier_in_any_pdf(small):
    # every PDF but the reading guide, which names the output's files by their paths (ca_nhan/…)
    found = {}
    for pdf in sorted(p for p in small.rglob("*.pdf") if p.name != "HUONG_DAN_IN.pdf"):
        codes = set(CODE.findall(_text(pdf)))
        if codes:
            found[pdf.relative_to(small).as_posix()] = codes
    assert found == {}


def test_citations_are_those_in_force_for_the_year(small):
    assert "91/2017" in citations(2023)["thi_dua"]
    for year in (2024, 2025, 2026):
        assert "91/2017" not in " ".join(citations(year).values()) and "98/2023" in citations(year)["thi_dua"]
    assert "124-QĐ/TW" in citations(2024)["dang"] and "366-QĐ/TW" in citations(2025)["dang"]
    c2026 = citations(2026)
    assert "335/2025/NĐ-CP" in c2026["cong_chuc"] and "233/2026/NĐ-CP" in c2026["vien_chuc"]
    assert "Luật Viên chức" in c2026["vien_chuc"] and "90/2020" not in " ".join(c2026.values())
    hc = _unit_docs(small, "HC")
    for code in ("bien_ban_hop", "kiem_diem_tap_the"):
        assert "Nghị định số 90/2020/NĐ-CP" in hc[code] and "48/2023/NĐ-CP" in hc[code]
    for code in ("bien_ban_kiem_phieu", "tong_hop_thi_dua"):
        assert "Luật Thi đua, khen thưởng năm 2022 và Nghị định số 98/2023/NĐ-CP" in hc[code]
    for pdf in (small / "co_quan" / "thong_bao_ket_qua.pdf", small / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf",
                small / "nop_so_noi_vu" / "bieu_tong_hop.pdf"):
        assert "91/2017" not in _text(pdf)


def test_a_2026_unit_document_cites_the_2026_regime(sample):
    campaign = ingest.load(sample)
    later = dataclasses.replace(campaign, agency=dataclasses.replace(campaign.agency, nam_danh_gia=2026))
    ratings = rate(campaign)
    ctx = unit_document_context(later, ratings, Registry().get("bien_ban_hop"), later.units[0])
    assert ctx["can_cu"]["danh_gia"].startswith("Nghị định số 335/2025/NĐ-CP")


def test_report_has_no_deadline_arithmetic_and_the_readme_has_it(small):
    report = _flat(_text(small / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf"))
    assert not re.search(r"quá hạn|còn \d+ ngày|hạn cuối", report)
    assert "Sở Nội vụ tỉnh Thử Nghiệm" in report
    readme = (small / "README.txt").read_text(encoding="utf-8")
    assert "Hạn gửi hồ sơ cho Sở Nội vụ: 30/11/2024 — còn 20 ngày" in readme


def test_no_ballot_count_minutes_without_a_ballot(tmp_path):
    data = wf.tables()
    data["ThiDua"] = [row for row in data["ThiDua"] if row["ma_so"] != "NS-01"]  # HC: no ballot left
    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", data))
    plan = make_plan(campaign, Registry())
    forms = {u.ma_don_vi: [d.form for d in (*u.before, *u.after)] for u in plan.units}
    assert "bien_ban_kiem_phieu" not in forms["HC"] and "bien_ban_hop" in forms["HC"]
    assert "bien_ban_kiem_phieu" in forms["SN"]


def test_attendance_above_the_members_is_an_error_naming_the_cells(tmp_path):
    data = wf.tables()
    data["BieuQuyet"][0]["so_nguoi_du_hop"] = 4  # HC has 3 people and no declared member count
    problems = [p for p in ingest.check(wf.write(tmp_path / "a.xlsx", data)) if p.is_error]
    assert [(p.sheet, p.cell) for p in problems] == [("BieuQuyet", f"{wf.letter('BieuQuyet', 'so_nguoi_du_hop')}2")]
    assert "lớn hơn số người của đơn vị" in problems[0].message
    data = wf.tables()
    data["DonVi"][0]["so_thanh_vien"] = 2
    problems = [p for p in ingest.check(wf.write(tmp_path / "b.xlsx", data)) if p.is_error]
    cell = f"{wf.letter('DonVi', 'so_thanh_vien')}2"
    assert {p.sheet for p in problems} == {"BieuQuyet"} and len(problems) == 2  # NS-01 and NS-02: 3 present
    assert all(f"ô {cell}" in p.message for p in problems)


def test_header_left_column_breaks_between_words_that_belong_together():
    from pipeline.forms.printed import header_left

    dau = header_left("UBND TỈNH HÀ GIANG NAM", "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN")
    assert dau["tren"].split("\n") == ["UBND", "TỈNH HÀ GIANG NAM"]
    assert dau["duoi"].split("\n")[-1].endswith("NÔNG THÔN") and "\n" in dau["duoi"]
    assert not any(line in ("NAM", "THÔN") for line in dau["tren"].split("\n") + dau["duoi"].split("\n"))
    assert header_left("", "VĂN PHÒNG")["tren"] == "" and header_left("", "VĂN PHÒNG")["ngang_duoi"] == "VĂN PHÒNG"


def test_cover_letter_sends_the_package_to_the_provinces_so_noi_vu(small):
    """dossier.md §3.2 item 1: a công văn naming the province's Sở Nội vụ and what is enclosed."""
    letter = _flat(_text(small / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf"))
    for part in ("Số: …………", "V/v gửi hồ sơ đánh giá, xếp loại chất lượng", "Kính gửi: Sở Nội vụ tỉnh Thử Nghiệm.",
                 "Thử Nghiệm, ngày 25 tháng 11 năm 2024", "1. Báo cáo kết quả đánh giá, xếp loại chất lượng",
                 "2. Thông báo kết quả đánh giá, xếp loại chất lượng năm 2024.",
                 "3. Hồ sơ kiểm điểm tập thể Phòng Hành chính", "Nơi nhận: CHÁNH VĂN PHÒNG - Như trên;",
                 "Nguyễn Văn An"):
        assert part in letter, part
    assert not re.search(r"quá hạn|còn \d+ ngày", letter)
    manifest = json.loads((small / "manifest.json").read_text(encoding="utf-8"))
    kinds = [t["loai"] for t in manifest["nop_so_noi_vu"]["tep"]]
    assert kinds[:2] == ["cong_van_so_noi_vu", "cong_van_so_noi_vu"]  # its .docx and .pdf come first


def test_levels_in_full_words_in_unit_agency_and_submission_documents(small):
    code = re.compile(r"\b(HTXS|HTT|HT|KHT)\b")
    texts = {f"HC/{k}": v for k, v in _unit_docs(small, "HC").items()}
    texts.update({f"SN/{k}": v for k, v in _unit_docs(small, "SN").items()})
    for pdf in [*(small / "nop_so_noi_vu").glob("*.pdf"), small / "co_quan" / "thong_bao_ket_qua.pdf"]:
        texts[pdf.name] = _text(pdf)
    assert {name: code.findall(text) for name, text in texts.items() if code.search(text)} == {}


def test_reading_guide_says_the_cover_letter_and_the_notice_are_signed_by_the_head(small):
    """The công văn to the Sở Nội vụ is signed and stamped like the report (it was «gửi dạng tệp»);
    the decided notice (co_quan/thong_bao_ket_qua.pdf) is named with its signer in «IN NHỮNG GÌ»;
    only the leaders' unit dossier goes to the Sở Nội vụ (every unit dossier was «để lưu và gửi»)."""
    guide = (small / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    [letter] = [line for line in guide.splitlines() if "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf" in line]
    assert "in, người đứng đầu ký, đóng dấu" in letter and "gửi dạng tệp" not in letter
    # the biểu has two signature blocks (NGƯỜI LẬP BIỂU, the head): the guide names both
    [table] = [line for line in guide.splitlines() if "nop_so_noi_vu/bieu_tong_hop.pdf" in line]
    assert "người lập biểu và người đứng đầu ký" in table
    printing = guide.split("2. IN NHỮNG GÌ")[1].split("3. AI KÝ")[0]
    assert "để lưu và gửi Sở Nội vụ" not in printing
    assert "gửi Sở Nội vụ chỉ biên bản họp, báo cáo kiểm điểm tập thể và hồ sơ cá nhân của lãnh đạo cơ quan" in printing
    # section 4: the leaders' file is sent as the scan of those signed pages, not the unit dossier's others
    [leaders] = [line for line in guide.splitlines() if "nop_so_noi_vu/ho_so_lanh_dao.pdf" in line]
    assert "gửi bản quét PDF của các trang đã ký đó, không gửi các văn bản khác của hồ sơ đơn vị" in leaders
    assert "nop_so_noi_vu/don_vi/" not in guide
    [notice] = [line for line in printing.splitlines() if "co_quan/thong_bao_ket_qua.pdf" in line]
    assert "ký: Người đứng đầu cơ quan" in notice and "DỰ THẢO" not in notice
    # section 5 says where the agency's reprinted documents come from (in_lai.pdf takes them from nop_so_noi_vu/)
    assert "gửi Sở Nội vụ: từ nop_so_noi_vu/" in guide.split("5. KHI SỬA SỐ LIỆU")[1]


def test_reading_guide_says_a_draft_notice_is_not_signed(built):
    out, _ = built
    assert not (out / "nop_so_noi_vu" / "thong_bao_ket_qua.pdf").exists()  # no level decided in the sample
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    printing = guide.split("2. IN NHỮNG GÌ")[1].split("3. AI KÝ")[0]
    [notice] = [line for line in printing.splitlines() if "co_quan/thong_bao_ket_qua.pdf" in line]
    assert "bản DỰ THẢO" in notice and "chưa ký, chưa công bố" in notice and "ký: " not in notice


def _meeting_rows(campaign, ratings, code: str) -> dict[str, str]:
    ctx = unit_document_context(campaign, ratings, Registry().get(code), campaign.units[0])
    return {tv["ma_so"]: tv["muc_cuoi_chu"] for tv in ctx["thanh_vien"]}


def test_a_later_decision_never_changes_the_meeting_papers():
    """The minutes, the proposal table, the ballot count and the emulation table record what the
    unit's meeting proposed. A group of 10:
    the votes give 4 HTXS (A by 10/10, B 9/10, C 8/10, D 7/10) and 6 HTT. «HTXS at most 20 % of
    HTT» (ND 90 Art. 20 as amended by ND 48/2023): with one HTXS left, 9 HTT and 20 % × 9 = 1.8 ≥ 1,
    with two 2 > 20 % × 8 = 1.6; so the meeting proposes A HTXS and B, C, D HTT. The competent
    evaluator later decides D HTXS. That decision takes the group's one place, so A's proposal
    becomes HTT from then on (rating.md «Decided levels take their places first») — but the minutes
    and the proposal table still say what the meeting proposed: A HTXS, D HTT, no decision named;
    the notice announces D's decided HTXS."""
    import rating_builder as rb

    def book(decided: str | None):
        b = rb.Book()
        for code, yes in (("A", 10), ("B", 9), ("C", 8), ("D", 7)):
            b.person(code, vote=(10, yes, 10 - yes), decided=decided if code == "D" else None)
        b.peers(6)
        b.emulation("A", "LDTT", 9, 10)
        b.emulation("D", "LDTT", 9, 10)
        return b.campaign()

    htxs, htt = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ"
    before = book(None)
    after = book("HTXS")
    ratings_after = rate(after)
    # the proposal now: the decided D takes the place, A moves to HTT
    assert ratings_after.of("A").muc_de_xuat == "HTT" and ratings_after.of("D").muc_cuoi == "HTXS"
    for code in ("bien_ban_hop", "tong_hop_xep_loai"):
        meeting = _meeting_rows(before, rate(before), code)
        assert {k: meeting[k] for k in "ABCD"} == {"A": htxs, "B": htt, "C": htt, "D": htt}, code
        ctx_before = unit_document_context(before, rate(before), Registry().get(code), before.units[0])
        ctx_after = unit_document_context(after, ratings_after, Registry().get(code), after.units[0])
        assert ctx_after["thanh_vien"] == ctx_before["thanh_vien"] and ctx_after["dem"] == ctx_before["dem"], code
        assert ctx_after["nhom"] == ctx_before["nhom"], code
        assert not any("quyết định" in tv["ly_do_muc"] for tv in ctx_after["thanh_vien"]), code
        d_row = next(tv for tv in ctx_after["thanh_vien"] if tv["ma_so"] == "D")
        assert d_row["khac_bieu_quyet"] and "vượt tỷ lệ" in d_row["ly_do_muc"], d_row
    # the emulation table and the ballot count of the same meeting: A's level as proposed there
    for code in ("tong_hop_thi_dua", "bien_ban_kiem_phieu"):
        ctx_before = unit_document_context(before, rate(before), Registry().get(code), before.units[0])
        ctx_after = unit_document_context(after, ratings_after, Registry().get(code), after.units[0])
        assert ctx_after["thi_dua"] == ctx_before["thi_dua"] and ctx_after["tong_thi_dua"] == ctx_before["tong_thi_dua"], code
        assert [(r["ho_ten"], r["muc_chu"], r["de_xuat"]) for r in ctx_after["thi_dua"]] == \
            [("Người A", htxs, True), ("Người D", htt, True)], code
    notice = agency_document_context(after, ratings_after, Registry().get("thong_bao_ket_qua"))
    rows = [(r["ho_ten"], r["muc_chu"]) for u in notice["don_vi_list"] for r in u["thanh_vien"]]
    assert rows == [("Người D", htxs)]


def test_minutes_state_how_many_htxs_the_cap_keeps_in_a_sentence_that_stands_alone():
    """The minutes and the proposal table print a cap reason cut before its first parenthesis
    (printed.short_reason). Group of 10: A (10/10 HTXS) and B (9/10) proposed HTXS, 8 HTT. Keeping
    one: 9 HTT, 20 % × 9 = 1.8 → 1 ≥ 1; keeping two: 8 HTT, 1.6 → 1 < 2 — A keeps, B moves to HTT.
    B's line must say the group keeps one HTXS («Giữ 1 người …»), not the bare «Có 1 người
    Hoàn thành xuất sắc nhiệm vụ», which read as if the group had one HTXS whatever the meeting did."""
    import rating_builder as rb

    b = rb.Book()
    b.person("A", vote=(10, 10))
    b.person("B", vote=(10, 9, 1))
    b.peers(8)
    campaign = b.campaign()
    ratings = rate(campaign)
    assert ratings.of("A").muc_de_xuat == "HTXS" and ratings.of("B").muc_de_xuat == "HTT"
    for code in ("bien_ban_hop", "tong_hop_xep_loai"):
        ctx = unit_document_context(campaign, ratings, Registry().get(code), campaign.units[0])
        line = next(tv for tv in ctx["thanh_vien"] if tv["ma_so"] == "B")["ly_do_muc"]
        assert "Giữ 1 người Hoàn thành xuất sắc nhiệm vụ — căn cứ:" in line, line
        assert "Có 1 người" not in line, line


def _horizontal_rules(pdf: Path, page: int, x0: float, x1: float, y0: float, y1: float) -> list[float]:
    """The heights (PDF points from the top) between `y0` and `y1` where a dark line runs across at least
    90 % of `x0`..`x1` on `page` (1-based) of `pdf`, drawn at 4 pixels a point."""
    import pypdfium2 as pdfium

    scale = 4
    image = pdfium.PdfDocument(str(pdf))[page - 1].render(scale=scale).to_pil().convert("L")
    a, b = int(x0 * scale), int(x1 * scale)
    rules = []
    for y in range(int(y0 * scale), int(y1 * scale) + 1):
        dark = sum(1 for x in range(a, b) if image.getpixel((x, y)) < 128)
        if dark >= 0.9 * (b - a):
            rules.append(y / scale)
    return rules


def test_ballot_results_table_keeps_its_lines_when_no_note_follows_it(built):
    """Visual review (Lãnh đạo Văn phòng, one candidate, no «- Đồng chí …» note under the table): the
    ballot count's results table had no lines at all. The signatures' borderless table came right after it
    once the empty note block vanished, and two tables with nothing between them are one table to
    LibreOffice — with the second one's (absent) borders. A line must separate the heading row (TT, Họ và
    tên …) from the candidate's row."""
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [unit] = [u for u in manifest["don_vi"] if u["ma_don_vi"] == "LD"]
    [ballot] = [m for m in unit["muc"] if m["mau"] == "bien_ban_kiem_phieu"]
    pdf, page = out / unit["pdf"], ballot["trang_dau"]
    text = _text(pdf, page, page, "-layout")
    assert "Kết quả kiểm phiếu" in text and "- Đồng chí" not in text  # the case: no note under the table
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       _text(pdf, page, page, "-bbox"))
    boxes = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words]
    [tt] = [w for w in boxes if w[4] == "TT"]
    [last] = [w for w in boxes if w[4] == "quả" and abs(w[1] - tt[1]) < 3]  # «Kết quả», the last heading
    row = min((w for w in boxes if w[4] == "1" and w[1] > tt[3] and abs(w[0] - tt[0]) < 15), key=lambda w: w[1])
    rules = _horizontal_rules(pdf, page, tt[0], last[2], tt[3], row[1])
    assert rules, "no line between the results table's heading row and its first row"


def _between_results_and_signatures(document_xml: bytes | str) -> list[str]:
    """The ballot count's paragraphs between its results table («TT», «Họ và tên» …) and the next table (the
    signatures'): each paragraph's text, «<1 pt>» for an empty paragraph of 1 pt (the gap that keeps the two
    tables apart)."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(document_xml.encode() if isinstance(document_xml, str) else document_xml)
    kids = list(root.find(w + "body"))
    [start] = [i for i, el in enumerate(kids) if el.tag == w + "tbl" and "".join(el.itertext()).startswith("TTHọ và tên")]
    out = []
    for el in kids[start + 1:]:
        if el.tag == w + "tbl":
            return out
        said = "".join(el.itertext()).strip()
        size = el.find(f"{w}pPr/{w}rPr/{w}sz")
        out.append("<1 pt>" if not said and size is not None and size.get(w + "val") == "2" else said)
    raise AssertionError("no table after the results table")


def test_ballot_count_has_its_table_gap_only_where_nothing_else_parts_the_tables(built, sample):
    """The 1 pt gap (0b62d2e) is printed only where the results table would touch the signatures' table: a unit
    with proposals and no note under the table (LD, one candidate). A unit with a note line (HCQT: «- Đồng chí
    …») and a unit with no proposal have what they had before the gap came, so the ballot counts printed and
    signed then are not «changed» (thay_doi.txt, in_lai.pdf): no gap paragraph."""
    import zipfile

    from pipeline.forms.render import CompiledTemplate

    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    between = {}
    for unit in manifest["don_vi"]:
        [ballot] = [m for m in unit["muc"] if m["mau"] == "bien_ban_kiem_phieu"] or [None]
        if ballot is not None:
            docx = out / "don_vi" / unit["ma_don_vi"] / "bien_ban_kiem_phieu.docx"
            between[unit["ma_don_vi"]] = _between_results_and_signatures(zipfile.ZipFile(docx).read("word/document.xml"))
    assert between["LD"] == ["<1 pt>"], between["LD"]
    notes = between["HCQT"]
    assert notes and all(line.startswith("- Đồng chí ") for line in notes), notes
    # no proposal: no ballot, so no ballot count in a build (plan.BALLOT_FORMS); the template's own rendering
    campaign = ingest.load(sample)
    [none] = [u for u in campaign.units if u.ma_don_vi == "NK"]
    form = Registry().get("bien_ban_kiem_phieu")
    ctx = unit_document_context(campaign, rate(campaign), form, none)
    assert ctx["thi_dua"] == []
    xml = CompiledTemplate(form.template, code=form.code).render_parts(ctx)["word/document.xml"]
    assert _between_results_and_signatures(xml) == ["(Không có cá nhân được đề nghị danh hiệu thi đua.)"]
