"""Two papers a legal reviewer would look for (pap31).

Outcomes worked out by hand:
- HD 43-HD/BTCTW of 31/10/2025 governs the party review of 2025 (regime-2026.md §3: it replaces HD 25)
  and has a collective review report, Mẫu 01-HD KĐ.ĐG 2025. A 2025 unit with a chi bộ (DonVi `chi_bo`)
  therefore files that report in its dossier, with the collective reviews (dossier.md §2.1 item 2: after
  the minutes, before the persons' dossiers); a unit without a chi bộ files none. For 2023–2024 (HD 25)
  no Mẫu 01 is built (HD 25's title UNCONFIRMED): bo_mau.toml's `["mau_01_2025", ""]` prints nothing
  then, and the build still goes through. The state side of 2025 is rated under ND 90 + ND 48, without
  points (rules.md R0, R2): the report's table of the members' results has no year-score column.
- ND 90/2020 Art. 16 (rules.md R8.1): the agency's head is rated by the head of the directly superior
  agency; Luật Thi đua, khen thưởng 2022 Art. 24 cl. 1 (R7.1): a title's standard starts from that level.
  The emulation table of the unit he heads, signed by him, records his proposal and the ballots as counted
  (2/3 = 67 %, 3/3 = 100 %) and says who rates him, but does not find him «Đủ điều kiện»; the totals count
  the others' eligibility and him apart. Which level confers his title is not in the sources: the wording
  is the labels of templates/tong_hop_thi_dua/meta.toml.
Real LibreOffice builds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf

from pipeline import api, ingest
from pipeline.errors import TemplateError
from pipeline.forms.registry import Registry
from pipeline.options import BuildOptions
from pipeline.plan import make_plan
from pipeline.resources import sample_workbook, templates_dir
from tests.fakes import outline

lo = pytest.mark.libreoffice
REPORT = "mau_01_2025"
HEAD_NOTE = ("Người đứng đầu cơ quan: mức xếp loại do cấp có thẩm quyền đánh giá, xếp loại; danh hiệu thi đua, hình "
             "thức khen thưởng do cấp có thẩm quyền xét, quyết định; kết quả bỏ phiếu là ý kiến của tập thể gửi cấp có "
             "thẩm quyền.")
HEAD_TOTAL = "người đứng đầu cơ quan (do cấp có thẩm quyền xét, không tính vào số đủ điều kiện): 1."


def _flat(text: str) -> str:
    return " ".join(text.split())


def _unit_doc(out: Path, unit: str, form: str) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (doc,) = [d for d in u["muc"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return _flat(subprocess.run(["pdftotext", "-raw", "-f", str(first), "-l", str(first + n - 1), str(out / u["pdf"]),
                                 "-"], capture_output=True, text=True, check=True).stdout)


def _plan_forms(tmp_path: Path, year: int, registry: Registry | None = None) -> dict[str, list[str]]:
    """Unit code -> the unit documents of the plan (before the persons, then after), for the factory
    workbook moved to `year` (unit HC has «Chi bộ 1», SN no chi bộ)."""
    plan = make_plan(ingest.load(wf.of_year(tmp_path / f"so_{year}.xlsx", year)), registry or Registry())
    return {u.ma_don_vi: [d.form for d in (*u.before, *u.after)] for u in plan.units}


# -- bo_mau.toml: an empty alternative is «no such document that year» ------------------------------
def test_the_chi_bo_report_by_year_in_the_nd90_set(tmp_path):
    units = _plan_forms(tmp_path, 2025)
    assert units["HC"] == ["bien_ban_hop", "bien_ban_kiem_phieu", "kiem_diem_tap_the", REPORT,
                           "tong_hop_xep_loai", "tong_hop_thi_dua"]
    assert REPORT not in units["SN"]  # no chi bộ
    # 2024: HD 25's Mẫu 01 is not built, the "" alternative prints nothing and the years guard is satisfied
    units = _plan_forms(tmp_path, 2024)
    assert units["HC"] == ["bien_ban_hop", "bien_ban_kiem_phieu", "kiem_diem_tap_the", "tong_hop_xep_loai",
                           "tong_hop_thi_dua"]
    # 2026 (nd335) as before
    assert REPORT in _plan_forms(tmp_path, 2026)["HC"]


def _templates_with(tmp_path: Path, chi_bo: str) -> Registry:
    root = tmp_path / "mau"
    shutil.copytree(templates_dir(), root)
    sets = root / "bo_mau.toml"
    text = sets.read_text(encoding="utf-8")
    entry = '[nd90.chi_bo]\ntruoc = [["mau_01_2025", ""]]\n'
    assert entry in text
    sets.write_text(text.replace(entry, f"[nd90.chi_bo]\n{chi_bo}\n"), encoding="utf-8")
    return Registry(root)


def test_without_the_empty_alternative_the_years_guard_still_stops(tmp_path):
    with pytest.raises(TemplateError) as err:
        _plan_forms(tmp_path, 2024, _templates_with(tmp_path, 'truoc = ["mau_01_2025"]'))
    text = str(err.value)
    assert "Năm đánh giá 2024: bộ mẫu «nd90» sẽ in mẫu không áp dụng cho năm 2024" in text
    assert "«mau_01_2025» (Mẫu 01-HD KĐ.ĐG 2025 — Báo cáo kiểm điểm tập thể (chi bộ)" in text
    assert "chỉ dùng từ năm 2025; 1 văn bản." in text


def test_an_empty_alternative_first_means_never(tmp_path):
    """The alternatives are read in order: "" first prints the document in no year."""
    registry = _templates_with(tmp_path, 'truoc = [["", "mau_01_2025"]]')
    assert REPORT not in _plan_forms(tmp_path, 2025, registry)["HC"]


# -- real builds ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def out_2025(tmp_path_factory, cache_dir) -> Path:
    tmp = tmp_path_factory.mktemp("pap31_2025")
    out = tmp / "out"
    api.build(wf.of_year(tmp / "so.xlsx", 2025), out, BuildOptions(cache_dir=cache_dir))
    return out




@lo
def test_2025_chi_bo_unit_files_the_hd43_report_with_the_collective_reviews(out_2025):
    titles = [t for _d, t, _p in outline(out_2025 / "don_vi" / "HC.pdf")]
    at = titles.index("Báo cáo kiểm điểm tập thể (chi bộ)")
    # item 2 of the unit dossier (dossier.md §2.1), after the unit's own collective review, before the persons
    assert titles[at - 2:at + 2] == ["2. Bản kiểm điểm của tập thể", "Báo cáo kiểm điểm tập thể",
                                     "Báo cáo kiểm điểm tập thể (chi bộ)", "3. Bản tự kiểm điểm cá nhân"], titles
    assert titles.index("1. Biên bản cuộc họp") < at < titles.index("Nguyễn Văn An")
    report = _unit_doc(out_2025, "HC", REPORT)
    assert "Mẫu 01-HD KĐ.ĐG 2025" in report, report
    for words in ("ĐẢNG BỘ VĂN PHÒNG", "CHI BỘ 1", "BÁO CÁO Kiểm điểm tập thể chi bộ năm 2025",
                  "VI. Tự đánh giá, xếp loại chất lượng tập thể", "Tự chấm điểm: ",
                  "viên của chi bộ năm 2025", "T/M CHI BỘ BÍ THƯ CHI BỘ"):
        assert words in report, words
    # the members' state results of 2025 (ND 90 + ND 48): a level, no year score
    table = report[report.index("viên của chi bộ năm 2025"):]
    assert "TT Họ và tên Chức vụ Mức xếp loại" in table, table
    assert "Điểm năm" not in report
    # the only party member, NS-01, is the agency's head: no level decided yet, and none proposed by his unit
    # (ND 90 Art. 16): his row says who rates him
    assert "1 Nguyễn Văn An Trưởng phòng Do Chủ tịch UBND tỉnh Thử Nghiệm đánh giá, xếp loại" in table, table
    assert "(đề xuất)" not in table
    # the unit without a chi bộ has no such report
    text = _flat(subprocess.run(["pdftotext", str(out_2025 / "don_vi" / "SN.pdf"), "-"], capture_output=True,
                                text=True, check=True).stdout)
    assert "Kiểm điểm tập thể chi bộ" not in text
    manifest = json.loads((out_2025 / "manifest.json").read_text(encoding="utf-8"))
    assert [u["ma_don_vi"] for u in manifest["don_vi"] if any(d["mau"] == REPORT for d in u["muc"])] == ["HC"]


@lo
def test_2025_emulation_table_leaves_the_agency_heads_title_to_the_competent_level(out_2025):
    # factory: Nguyễn Văn An (NS-01), Trưởng phòng of HC and the agency's head (CoQuan nguoi_dung_dau), proposed
    # for Lao động tiên tiến with 3 of 3 ballots; rated by the Chủ tịch UBND tỉnh (CoQuan, superior)
    table = _unit_doc(out_2025, "HC", "tong_hop_thi_dua")
    row = table[table.index("1 Nguyễn Văn An"):table.index("Tổng hợp:")]
    assert row.startswith("1 Nguyễn Văn An Trưởng phòng Do Chủ tịch UBND tỉnh Thử Nghiệm đánh giá, xếp loại "
                          "Lao động tiên tiến 3/3 100% Cấp có thẩm quyền xét " + HEAD_NOTE), row
    assert "(đề xuất)" not in row and "Đủ điều kiện" not in row and "Hoàn thành tốt nhiệm vụ" not in row
    assert ("Tổng hợp: số cá nhân được đề nghị: 1; đủ điều kiện: 0, trong đó Lao động tiên tiến: 0, Chiến sĩ thi "
            "đua cơ sở: 0; " + HEAD_TOTAL) in table
    assert "không có cá nhân đủ điều kiện." in table
    # the ballot minutes keep the count as it was (the counting committee's record, not the head's)
    ballot = _unit_doc(out_2025, "HC", "bien_ban_kiem_phieu")
    assert "1 Nguyễn Văn An Trưởng phòng Lao động tiên tiến 3/3 100% Đạt" in ballot, ballot


def _sample_with_head_proposed(year: int, dest: Path, title: str, yes: int, total: int) -> Path:
    """The shipped sample of `year` where the agency's head VP-001 (Nguyễn Đình Khải, Chánh Văn phòng, unit
    LD) is proposed for `title` with `yes` of `total` ballots."""
    shutil.copy(sample_workbook(year), dest)
    wb = openpyxl.load_workbook(dest)
    ws = wb["ThiDua"]
    assert [c.value for c in ws[1]][:6] == ["ma_so", "danh_hieu", "hinh_thuc_khen_thuong", "sang_kien",
                                            "phieu_dong_y", "tong_so_phieu"]
    ws.append(["VP-001", title, "giay_khen", None, yes, total])
    wb.save(dest)
    return dest


@pytest.mark.parametrize(("year", "superior"), [
    (2024, "Do người đứng đầu UBND tỉnh Hà Giang Nam đánh giá, xếp loại"),
    (2026, None),
])
@lo
def test_sample_leaders_emulation_table_with_the_head_proposed(tmp_path, cache_dir, year, superior):
    """Lãnh đạo Văn phòng of the sample (ND 90 in 2024, ND 335 in 2026): the Chánh Văn phòng proposed for
    Chiến sĩ thi đua cơ sở with 2 of 3 ballots, Trần Thị Thu Hà (Phó Chánh Văn phòng, VP-002) for Lao động
    tiên tiến with 3 of 3 as the sample has it."""
    wb = _sample_with_head_proposed(year, tmp_path / "so.xlsx", "CSTDCS", 2, 3)
    out = tmp_path / "out"
    api.build(wb, out, BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir))
    table = _unit_doc(out, "LD", "tong_hop_thi_dua")
    head = table[table.index("Nguyễn Đình Khải"):table.index("Trần Thị Thu Hà")]
    assert head.startswith("Nguyễn Đình Khải Chánh Văn phòng Do "), head
    if superior:
        assert superior in head, head
    assert "đánh giá, xếp loại Chiến sĩ thi đua cơ sở Giấy khen 2/3 67% Cấp có thẩm quyền xét " + HEAD_NOTE in head, head
    for not_his in ("(đề xuất)", "Đủ điều kiện", "Không đủ điều kiện", "Hoàn thành xuất sắc nhiệm vụ"):
        assert not_his not in head, (not_his, head)
    deputy = table[table.index("Trần Thị Thu Hà"):table.index("Tổng hợp:")]
    assert "Phó Chánh Văn phòng Hoàn thành tốt nhiệm vụ (đề xuất) Lao động tiên tiến 3/3 100% Đủ điều kiện" in deputy
    assert ("Tổng hợp: số cá nhân được đề nghị: 2; đủ điều kiện: 1, trong đó Lao động tiên tiến: 1, Chiến sĩ thi đua "
            "cơ sở: 0; " + HEAD_TOTAL) in table, table
    # no chi bộ report for 2024 (HD 25's Mẫu 01 not built): the build goes through without it
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    forms = {d["mau"] for u in manifest["don_vi"] for d in u["muc"]}
    assert (REPORT in forms) is (year >= 2025)
    # the ballot-count minutes: the head's row gives the ballot's outcome (2 of 3: more than half, «Đạt»), never a
    # judgement on a title's standard, which starts from a level the competent body has not decided (his LĐTT or
    # CSTĐCS is that body's to confer); the deputy's row keeps the meeting's verdict
    ballot = _unit_doc(out, "LD", "bien_ban_kiem_phieu")
    head_row = ballot[ballot.index("Nguyễn Đình Khải"):ballot.index("Trần Thị Thu Hà")]
    assert head_row == "Nguyễn Đình Khải Chánh Văn phòng Chiến sĩ thi đua cơ sở 2/3 67% Đạt 2 ", head_row
    assert ("Đồng chí Nguyễn Đình Khải (trên 50% phiếu đồng ý): người đứng đầu cơ quan: mức xếp loại và danh hiệu "
            "thi đua do cấp có thẩm quyền xét, quyết định; kết quả bỏ phiếu là ý kiến của tập thể gửi cấp có thẩm "
            "quyền.") in ballot, ballot
    for not_his in ("Lao động tiên tiến Đạt", "Đạt Lao động tiên tiến", "cần xếp loại"):
        assert not_his not in ballot[ballot.index("Nguyễn Đình Khải"):], (not_his, ballot)
