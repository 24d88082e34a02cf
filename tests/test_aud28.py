"""Papers of the ND 90 / ND 48 regime on workbooks unlike the sample (audit 28).

Outcomes worked out by hand:
- ND 90/2020 Art. 16 (rules.md R8.1): the agency head is rated by the head of the directly superior
  agency, who signs that phiếu on a day of their own; CoQuan `ngay_quyet_dinh` is the day the
  agency's head signs the ratings of the others, so it is printed on theirs, never on the head's.
- Seed 001 II.2.c (rules.md R8.3): "Khi kiểm điểm người đứng đầu thì phân công cấp phó chủ trì":
  a deputy the minutes list as absent (DonVi `vang_mat`, on maternity leave) chairs nothing.
Real LibreOffice build of one small workbook.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import workbook_factory as wf
from pypdf import PdfReader

from pipeline import api

BLANK_DATE = "ngày …… tháng …… năm ……"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _tables() -> dict:
    data = wf.tables()
    data["CoQuan"].append(("ngay_quyet_dinh", dt.date(wf.YEAR, 12, 10)))
    # the deputy of Phòng Hành chính is on maternity leave: absent from the unit's meeting
    data["DonVi"][0]["vang_mat"] = "Trần Thị Bình (nghỉ thai sản)"
    data["NhanSu"][1].update(nghi_thai_san="Có", so_thang_cong_tac=5)
    # NS-05 rates himself HTT, no vote recorded, 4 months of lawful leave: proposed HT at most
    data["NhanSu"][4].update(so_thang_nghi=4)
    data["BieuQuyet"] = [dict(v, so_nguoi_du_hop=2, phieu_htt=2, phieu_ht=0) for v in data["BieuQuyet"]
                         if v["ma_so"] == "NS-01"] + [v for v in data["BieuQuyet"] if v["ma_so"] == "NS-04"]
    return data


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("aud28")
    path = wf.write(tmp / "so.xlsx", _tables())
    dest = tmp / "out"
    api.build(path, dest, api.BuildOptions(cache_dir=cache_dir / "aud28", today=dt.date(wf.YEAR, 11, 1)))
    return dest


def _form_text(out, ma_so: str, form: str) -> str:
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [p for p in doc["ca_nhan"] if p["ma_so"] == ma_so]
    (d,) = [d for d in entry["tai_lieu"] if d["mau"] == form]
    pages = PdfReader(out / entry["pdf"]).pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return _flat("\n".join(p.extract_text() for p in pages))


def _unit_text(out, unit: str) -> str:
    return _flat("\n".join(p.extract_text() for p in PdfReader(out / "don_vi" / f"{unit}.pdf").pages))


@pytest.mark.libreoffice
def test_agency_decision_date_is_not_the_superiors(out):
    head = _form_text(out, "NS-01", "mau_02")  # the agency head: rated by the Chủ tịch UBND tỉnh
    block = head[head.index("III. KẾT QUẢ ĐÁNH GIÁ"):]
    assert "Trần Văn Tỉnh" in block and "CHỦ TỊCH UBND TỈNH" in block
    assert f"Thử Nghiệm, {BLANK_DATE} NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in block
    assert "10 tháng 12" not in head
    staff = _form_text(out, "NS-03", "mau_02")  # staff: rated by the agency head on ngay_quyet_dinh
    block = staff[staff.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"):]
    assert "Thử Nghiệm, ngày 10 tháng 12 năm 2024 NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in block
    assert "Nguyễn Văn An" in block


@pytest.mark.libreoffice
def test_absent_deputy_does_not_chair_the_heads_review(out):
    minutes = _unit_text(out, "HC")
    assert "vắng: Trần Thị Bình (nghỉ thai sản)" in minutes
    assert "Chủ trì: đồng chí Nguyễn Văn An" in minutes
    assert "Trần Thị Bình chủ trì" not in minutes
    assert "Khi kiểm điểm đồng chí Nguyễn Văn An" not in minutes


@pytest.mark.libreoffice
def test_minutes_say_why_the_proposal_is_below_the_self_rating(out):
    # ND 90 Art. 2 cl. 3: absent 3 to under 6 months ⇒ rated, but not HTT or above ⇒ NS-05 (self HTT,
    # no vote) is proposed HT; the minutes and the proposal table say why, with the clause
    minutes = _unit_text(out, "SN")
    entry = minutes[minutes.index("Đồng chí Hoàng Văn Em"):]
    entry = entry[:entry.index("Đồng chí", 10)] if "Đồng chí" in entry[10:] else entry
    assert "Mức xếp loại đề xuất: Hoàn thành nhiệm vụ." in entry
    assert "(Tự xếp loại là Hoàn thành tốt nhiệm vụ." in entry
    assert "4 tháng" in entry and "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP" in entry
    assert "Kết quả biểu quyết là" not in entry  # there was no vote
    table = minutes[minutes.index("BẢNG TỔNG HỢP ĐỀ XUẤT MỨC XẾP LOẠI"):]
    row = table[table.index("Hoàng Văn Em"):]
    assert "khoản 3 Điều 2" in row[:600]


# -- 2025: the party forms of HD 43 (QĐ 366) over a state side still rated under ND 90 + ND 48 -----
@pytest.fixture(scope="module")
def out_2025(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("aud28_2025")
    path = wf.of_year(tmp / "so.xlsx", 2025)
    dest = tmp / "out"
    api.build(path, dest, api.BuildOptions(cache_dir=cache_dir / "aud28_2025", today=dt.date(2025, 11, 1)))
    return dest


@pytest.mark.libreoffice
def test_2025_party_review_has_no_year_score_line(out_2025):
    # ND 90/2020 (as amended by ND 48/2023) rates the 2025 state side on criteria, without points
    # (rules.md R0, R2): the state block of Mẫu 2B asks for the level only, not a «year score from
    # the monthly, quarterly tracking» that ND 335 introduces from 2026
    review = _form_text(out_2025, "NS-01", "mau_2b_2025")
    state = review[review.index("Đánh giá, xếp loại chất lượng công chức, viên chức"):]
    assert "Mức xếp loại chất lượng công chức, viên chức:" in state
    assert "Điểm đánh giá năm" not in review
    assert "theo dõi từng tháng" not in review
    # the party side keeps QĐ 366's 100-point frame (2025 party reviews: QĐ 366 + HD 43)
    assert "Tự chấm điểm" in review
