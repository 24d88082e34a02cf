"""The papers a unit sends never show the agency head proposing himself, nor a title the decided
level forbids (audit 29).

Outcomes worked out by hand:
- ND 90/2020 Art. 16 (rules.md R8.1): the agency's head is rated by the head of the directly superior
  agency. The proposal table of the unit he heads is signed by him: his row proposes no level and says
  who rates him (as the notice of results says it); the totals count the others' proposals and him apart.
- Luật Thi đua, khen thưởng 2022 Art. 24 cl. 1 (rules.md R7.1): Lao động tiên tiến only for «Hoàn thành tốt
  nhiệm vụ trở lên». Trần Thị Bình (NS-02), proposed Hoàn thành tốt nhiệm vụ by her meeting (2 of 3 votes)
  and found «Đủ điều kiện» Lao động tiên tiến there (3/3 ballots), is then decided Hoàn thành nhiệm vụ:
  the emulation table and the ballot minutes keep the meeting's record and say on her row that the
  decided level leaves her without the title; the totals say the count is the meeting's.
Real LibreOffice builds.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import workbook_factory as wf

from pipeline import api
from pipeline.options import BuildOptions
from pipeline.resources import sample_workbook

lo = pytest.mark.libreoffice


def _flat(text: str) -> str:
    return " ".join(text.split())


def _unit_doc(out: Path, unit: str, form: str, raw: bool = False) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (doc,) = [d for d in u["muc"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return _flat(subprocess.run(["pdftotext", "-raw" if raw else "-layout", "-f", str(first), "-l",
                                 str(first + n - 1), str(out / u["pdf"]), "-"],
                                capture_output=True, text=True, check=True).stdout)


@pytest.fixture(scope="module")
def ld_2024(tmp_path_factory, cache_dir) -> Path:
    """Lãnh đạo Văn phòng of the 2024 sample (ND 90 regime)."""
    out = tmp_path_factory.mktemp("aud29ld") / "out"
    api.build(sample_workbook(2024), out, BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir))
    return out


@lo
def test_the_agency_head_proposes_no_level_for_himself_2024(ld_2024):
    ld = _unit_doc(ld_2024, "LD", "tong_hop_xep_loai", raw=True)
    row = ld[ld.index("1 Nguyễn Đình Khải"):ld.index("2 Lê Quang Đức")]
    # the superior's post is not in the 2024 sample: the words of the notice of results
    assert "Do người đứng đầu UBND tỉnh Hà Giang Nam đánh giá, xếp loại" in row, row
    assert "Hoàn thành xuất sắc nhiệm vụ Do" not in row and "Hoàn thành tốt nhiệm vụ Do" not in row, row
    assert ("Người đứng đầu cơ quan: đơn vị không đề xuất mức xếp loại; kết quả biểu quyết là ý kiến của tập thể "
            "gửi cấp có thẩm quyền đánh giá, xếp loại.") in row, row
    assert "hạ từ" not in row and "vượt tỷ lệ" not in row, row
    ld = _unit_doc(ld_2024, "LD", "tong_hop_xep_loai")
    assert ("Tổng hợp: tổng số 3 người; Hoàn thành xuất sắc nhiệm vụ: 0; Hoàn thành tốt nhiệm vụ: 2; Hoàn thành "
            "nhiệm vụ: 0; Không hoàn thành nhiệm vụ: 0; không xếp loại (công tác dưới 06 tháng): 0; người đứng đầu "
            "cơ quan (do cấp có thẩm quyền đánh giá, xếp loại, đơn vị không đề xuất): 1.") in ld
    # the minutes keep the meeting's record of his review (the vote), chaired by a deputy
    minutes = _unit_doc(ld_2024, "LD", "bien_ban_hop")
    assert "Nguyễn Đình Khải" in minutes


def _tables() -> dict:
    data = wf.tables()
    # NS-02: proposed HTT by the meeting (2 of 3 votes), LĐTT 3/3 ballots; decided HT since
    data["NhanSu"][1].update(muc_quyet_dinh="HT")
    data["ThiDua"].append(dict(ma_so="NS-02", danh_hieu="LDTT", phieu_dong_y=3, tong_so_phieu=3))
    return data


@pytest.fixture(scope="module")
def decided(tmp_path_factory, cache_dir) -> Path:
    tmp = tmp_path_factory.mktemp("aud29")
    path = wf.write(tmp / "so.xlsx", _tables())
    out = tmp / "out"
    api.build(path, out, BuildOptions(units=frozenset({"HC"}), cache_dir=cache_dir))
    return out


NOTE = ("Cấp có thẩm quyền xếp loại Hoàn thành nhiệm vụ: không đủ điều kiện danh hiệu Lao động tiên tiến (danh "
        "hiệu cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên — căn cứ: ")


@lo
def test_a_title_the_decided_level_forbids_is_said_on_the_row(decided):
    table = _unit_doc(decided, "HC", "tong_hop_thi_dua", raw=True)
    row = table[table.index("Trần Thị Bình"):table.index("Tổng hợp:")]
    # the meeting's record: her proposed level, the ballot, its verdict
    assert row.startswith("Trần Thị Bình Phó Trưởng phòng Hoàn thành tốt nhiệm vụ (đề xuất) Lao động tiên tiến"), row
    assert "3/3 100% Đủ điều kiện" in row, row
    # and the decision since, with the rule
    assert NOTE in row and "Điều 24" in row and "Thi đua, khen thưởng" in row, row
    # Nguyễn Văn An, the agency's head (rated by the superior, ND 90 Art. 16), is counted apart, not as
    # eligible on a table he signs (pap31): of the others, Trần Thị Bình eligible on the meeting's proposal
    assert ("số cá nhân được đề nghị: 2; đủ điều kiện: 1, trong đó Lao động tiên tiến: 1, Chiến sĩ thi đua cơ sở: 0 "
            "(theo mức xếp loại đề xuất của cuộc họp; trong đó số người không còn đủ điều kiện danh hiệu theo mức "
            "xếp loại cấp có thẩm quyền đã quyết định (xem Ghi chú): 1); người đứng đầu cơ quan (do cấp có thẩm "
            "quyền xét, không tính vào số đủ điều kiện): 1.") in _unit_doc(decided, "HC", "tong_hop_thi_dua")
    ballot = _unit_doc(decided, "HC", "bien_ban_kiem_phieu")
    assert "- Đồng chí Trần Thị Bình (trên 50% phiếu đồng ý): " + NOTE in ballot, ballot
    # Nguyễn Văn An, the agency's head (HTT by his meeting, nothing decided for him): the ballot's outcome, and the
    # line that his level and title are the competent level's — no note of a decision, no standard judged for him
    assert ("- Đồng chí Nguyễn Văn An (trên 50% phiếu đồng ý): người đứng đầu cơ quan: mức xếp loại và danh hiệu thi "
            "đua do cấp có thẩm quyền xét, quyết định;") in ballot, ballot
    assert "- Đồng chí Nguyễn Văn An (trên 50% phiếu đồng ý): " + NOTE not in ballot
    # the proposal table still records the meeting's proposal: HTT for her
    proposal = _unit_doc(decided, "HC", "tong_hop_xep_loai", raw=True)
    assert "Trần Thị Bình" in proposal and "Hoàn thành nhiệm vụ" not in proposal.split("Trần Thị Bình")[1][:200]


@lo
def test_the_agency_head_heading_a_unit_proposes_nothing_for_himself(decided):
    table = _unit_doc(decided, "HC", "tong_hop_xep_loai", raw=True)
    row = table[table.index("1 Nguyễn Văn An"):table.index("2 Trần Thị Bình")]
    assert "Do Chủ tịch UBND tỉnh Thử Nghiệm đánh giá, xếp loại" in row, row
    assert "Hoàn thành tốt nhiệm vụ" not in row.split("Hoàn thành tốt nhiệm vụ", 1)[1], row  # his self-rating only
    text = _unit_doc(decided, "HC", "tong_hop_xep_loai")
    assert ("Tổng hợp: tổng số 3 người; Hoàn thành xuất sắc nhiệm vụ: 0; Hoàn thành tốt nhiệm vụ: 1; Hoàn thành "
            "nhiệm vụ: 0; Không hoàn thành nhiệm vụ: 1;") in text, text
