"""A signer's rereading of the papers of an ND 90 year (2024 sample; Nghị định 90/2020/NĐ-CP as amended
by Nghị định 48/2023/NĐ-CP): what a clerk, the signers or an inspector must find on them, read from the
PDFs (pdftotext) of a real build with LibreOffice.

The expected texts are worked out by hand from the sample workbook (data/generate_sample.py) and from
the rules (shared/domain/rules.md), never from the engine's formulas."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline import api

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_2024 = ROOT / "data" / "mau_ho_so_2024.xlsx"


def _text(pdf: Path) -> str:
    """The PDF's text as laid out (a table row stays on its line), its lines joined with single spaces (a
    label and its level may wrap)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def _points_table(dossier: str) -> str:
    """The Mẫu 12/HDDG part of a person's dossier text: from its code to the signers' titles."""
    start = dossier.index("Mẫu 12/HDDG", dossier.index("MỤC LỤC") + 1)
    return dossier[start:dossier.index("NGƯỜI TỰ CHẤM", start)]


def _build(workbook: Path, out: Path, cache: Path, *persons: str) -> Path:
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required: run ./bootstrap.sh setup")
    api.build(workbook, out, api.BuildOptions(cache_dir=cache, persons=frozenset(persons)))
    return out


@pytest.fixture(scope="module")
def head_and_disciplined(tmp_path_factory, cache_dir) -> Path:
    """The 2024 sample built for the agency head VP-001 and for VP-008 (both have rows in ChamDiem)."""
    return _build(SAMPLE_2024, tmp_path_factory.mktemp("nd90") / "out", cache_dir / "nd90", "VP-001", "VP-008")


def test_head_points_table_prints_no_proposal_of_his_unit(head_and_disciplined):
    """Nguyễn Đình Khải (VP-001), Chánh Văn phòng, is the agency's head: the head of the superior body rates
    him (ND 90 Art. 16), and his unit's minutes say it proposes no level for him («Do người đứng đầu UBND
    tỉnh Hà Giang Nam đánh giá, xếp loại»). His points table (Mẫu 12/HDDG) must not contradict them with a
    «Mức xếp loại đề xuất» of its own (before: «Hoàn thành tốt nhiệm vụ», the engine's level after the 20 %
    cap of his group, with the cap's ranking as the reason). By hand, the reviewer's points of sheet
    ChamDiem: 7 + 7 + 7 + 7 + 28 + 19 + 10 + 9 = 94, at least 90: Hoàn thành xuất sắc nhiệm vụ."""
    dossier = _text(head_and_disciplined / "ca_nhan" / "LD" / "VP-001.pdf")
    table = _points_table(dossier)
    assert "Tổng cộng 100 98 94" in table
    assert "Mức xếp loại tương ứng với tổng điểm: Hoàn thành xuất sắc nhiệm vụ" in table
    assert "Mức xếp loại đề xuất" not in table
    assert "Lý do khác với mức theo tổng điểm" not in table
    assert "vượt tỷ lệ" not in dossier
    # the unit's minutes, for the same man: no proposal, the superior rates him
    minutes = _text(head_and_disciplined / "don_vi" / "LD.pdf")
    assert ("Mức xếp loại: Do người đứng đầu UBND tỉnh Hà Giang Nam đánh giá, xếp loại (đơn vị không đề xuất "
            "mức xếp loại") in minutes


def test_other_points_tables_keep_the_proposal_and_its_reason(head_and_disciplined):
    """Bùi Văn Dũng (VP-008) is not the head: his table keeps the proposal. He was disciplined
    (khiển trách, QĐ 125/QĐ-VP in force 20/06/2024, in the year rated): Không hoàn thành nhiệm vụ
    (ND 90 Art. 2 cl. 5 a, added by ND 48/2023), whatever his points."""
    table = _points_table(_text(head_and_disciplined / "ca_nhan" / "HCQT" / "VP-008.pdf"))
    assert "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ" in table
    assert "Lý do khác với mức theo tổng điểm: Kỷ luật hành chính, hình thức khiển trách" in table
    assert "điểm a khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (được bổ sung bởi Nghị định 48/2023/NĐ-CP)" in table


def test_head_points_table_prints_the_superior_decision(tmp_path, cache_dir):
    """Once the superior body has decided (NhanSu «muc_quyet_dinh» of VP-001: HTT), his table prints that
    decision under its own label, with the reason it differs from the points level (94: HTXS)."""
    wb = openpyxl.load_workbook(SAMPLE_2024)
    ws = wb["NhanSu"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "VP-001")
    row[head.index("muc_quyet_dinh")].value = "HTT"
    decided = tmp_path / "decided.xlsx"
    wb.save(decided)
    out = _build(decided, tmp_path / "out", cache_dir / "nd90", "VP-001")
    table = _points_table(_text(out / "ca_nhan" / "LD" / "VP-001.pdf"))
    assert "Mức xếp loại của cấp có thẩm quyền: Hoàn thành tốt nhiệm vụ" in table
    assert "Lý do khác với mức theo tổng điểm: Mức do cấp có thẩm quyền đánh giá quyết định: Hoàn thành tốt nhiệm vụ." in table
    assert "Mức xếp loại đề xuất" not in table


def _summary_note(package: Path, out: Path) -> str:
    """The note under section II of `hoso tong-hop`'s PDF for one package: what the 20 % column rests on."""
    from pipeline.cli import main

    try:
        main(["tong-hop", str(package), "-o", str(out)])
    except SystemExit as exc:  # the CLI may end by SystemExit(0)
        assert not exc.code
    text = _text(out / "tong_hop_so_noi_vu.pdf")
    start = text.index("Số hoàn thành xuất sắc nhiệm vụ so với 20% số hoàn thành tốt nhiệm vụ: theo ")
    return text[start:text.index("cột này chỉ để lưu ý", start)]


def test_sum_up_of_a_2024_package_cites_the_added_clause_and_the_party_rule(head_and_disciplined, tmp_path):
    """ND 48/2023 *adds* clause 6 to ND 90 Art. 2, which caps the HTXS ratio at the party's ratio and sets no
    number of its own; the 20 % of the HTT count is the party's rule, for 2024 QĐ 124-QĐ/TW and HD 25-HD/BTCTW
    (rules.md R0, R5.1). The Sở's summary said «theo Nghị định 90/2020/NĐ-CP (sửa đổi bởi Nghị định
    48/2023/NĐ-CP), số được xếp loại … không quá 20%»: a number that decree does not set, and «sửa đổi» for a
    clause it added."""
    note = _summary_note(head_and_disciplined, tmp_path / "so")
    assert note.startswith(
        "Số hoàn thành xuất sắc nhiệm vụ so với 20% số hoàn thành tốt nhiệm vụ: theo khoản 6 Điều 2 Nghị định "
        "90/2020/NĐ-CP (được bổ sung bởi Nghị định 48/2023/NĐ-CP) và Quy định số 124-QĐ/TW, Hướng dẫn số "
        "25-HD/BTCTW, số được xếp loại “Hoàn thành xuất sắc nhiệm vụ” không quá 20% số được xếp loại “Hoàn thành "
        "tốt nhiệm vụ”")
    assert "sửa đổi bởi" not in note and "335" not in note


def test_sum_up_of_a_2025_package_cites_the_party_rule_of_2025(tmp_path, cache_dir):
    """2025 is still an ND 90 year for the state side (ND 335 takes effect on 01/01/2026), but the party's
    rule of that year's review is QĐ 366-QĐ/TW and HD 43-HD/BTCTW (rules.md R0)."""
    from tests import workbook_factory as wf

    book = wf.of_year(tmp_path / "2025.xlsx", 2025)
    out = _build(book, tmp_path / "out", cache_dir / "nd90")
    note = _summary_note(out, tmp_path / "so")
    assert ("theo khoản 6 Điều 2 Nghị định 90/2020/NĐ-CP (được bổ sung bởi Nghị định 48/2023/NĐ-CP) và Quy định "
            "số 366-QĐ/TW, Hướng dẫn số 43-HD/BTCTW, số được xếp loại") in note
    assert "335" not in note and "233/2026" not in note
