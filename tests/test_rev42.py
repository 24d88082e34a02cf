"""The shipped 2026 sample read paper by paper as the legal reviewer who must let it be signed (rev42).

Outcomes worked out by hand from the rule's words, never from the engine:
- One person, one legal basis. The sample's agency rates its cán bộ, hợp đồng and người lao động by its own
  rules applying ND 335 (CoQuan «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ» nd335-2025; no DonVi chooses another):
  Ngô Văn Tâm (VP-036, Trung tâm Công báo - Tin học) and Lý Thị Uyên (VP-040, Nhà khách tỉnh), người lao động of
  the two đơn vị sự nghiệp, get a level worked out «vận dụng Điều 21 Nghị định 335/2025/NĐ-CP». Their phiếu must
  say the same: «Phiếu … người lao động (vận dụng Nghị định 335/2025/NĐ-CP)» on the dossier's cover, ND 335's
  general criterion a) «Phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý thức kỷ luật», and no word of
  ND 233/2026 (which rates viên chức). It printed ND 233's title and criteria. A viên chức of the same unit (Trần
  Văn Nam, VP-037) keeps ND 233's phiếu.
- A minutes' reason names only what decided. ND 335 Art. 20 cl. 5 a: HTXS at most 20 % of the HTT of the group.
  «Công chức không giữ chức vụ lãnh đạo, quản lý» (Phòng Hành chính - Quản trị and Khoa giáo - Văn xã): 3 HTT
  and Ngô Thị Ngọc Anh's HTXS vote (8 of 9); kept, she would leave 3 HTT, 20 % of 3 = 0,6, rounded down 0 < 1: the
  group has no place, so no rank put her below anyone — the minutes said «vì xếp thứ 1/1 theo thứ tự ưu tiên …,
  sau những người được giữ» with nobody kept. «Chuyên viên – Phòng Tổng hợp»: 4 HTT and 3 HTXS votes; one kept
  leaves 6 HTT, 20 % of 6 = 1,2 → 1 place: Nguyễn Hoàng Ân (8/10 HTXS votes) keeps it, Trần Tuấn Anh (7/10) is
  2nd and Dương Thị Lan Anh (6/10) 3rd by the share of HTXS votes. No share and score are equal at the cut, so
  the staff code (an internal key of the workbook, no criterion of any rule) decided nothing and is named on no
  paper; it was printed as the third criterion of every such minutes.
Real LibreOffice build of the shipped sample (four of its units), shared by the module.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest
from pypdf import PdfReader

from pipeline import api
from pipeline.resources import sample_workbook
from tests.fakes import person_form_text

pytestmark = pytest.mark.libreoffice

UNITS = frozenset({"HCQT", "TH", "CBTH", "NK"})


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def out(tmp_path_factory, shared_cache):
    dest = tmp_path_factory.mktemp("rev42") / "out"
    api.build(sample_workbook(2026), dest, api.BuildOptions(units=UNITS, cache_dir=shared_cache,
                                                           today=dt.date(2026, 12, 6)))
    return dest


@pytest.fixture(scope="module")
def manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _unit_doc_text(out, manifest, unit: str, form: str) -> str:
    (entry,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (d,) = [d for d in entry["muc"] if d["mau"] == form]
    pages = PdfReader(out / entry["pdf"]).pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return _flat("\n".join(p.extract_text() for p in pages))


def _cover(out, manifest, ma_so: str) -> str:
    (entry,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == ma_so]
    return _flat(subprocess.run(["pdftotext", "-layout", "-l", "1", str(out / entry["pdf"]), "-"],
                                capture_output=True, text=True, check=True).stdout)


@pytest.mark.parametrize("ma_so, name", [("VP-036", "Ngô Văn Tâm"), ("VP-040", "Lý Thị Uyên")])
def test_a_worker_rated_by_the_agency_s_rules_applying_nd_335_holds_an_nd_335_phieu(out, manifest, ma_so, name):
    phieu = person_form_text(out, ma_so, "phieu_nd335")
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in phieu and f"Họ và tên: {name}" in phieu
    assert "a) Phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý thức kỷ luật" in phieu
    assert "a) Phẩm chất chính trị, đạo đức, kỷ luật, kỷ cương" not in phieu  # ND 233's criterion a)
    cover = _cover(out, manifest, ma_so)
    assert "Phiếu đánh giá, xếp loại chất lượng người lao động (vận dụng Nghị định 335/2025/NĐ-CP)" in cover
    assert "233/2026" not in cover and "233/2026" not in phieu


def test_a_viên_chức_of_the_same_unit_keeps_the_nd_233_phieu(out, manifest):
    phieu = person_form_text(out, "VP-037", "phieu_nd233")
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC" in phieu
    assert "a) Phẩm chất chính trị, đạo đức, kỷ luật, kỷ cương" in phieu
    assert "Phiếu đánh giá, xếp loại chất lượng viên chức (Nghị định 233/2026/NĐ-CP)" in _cover(out, manifest, "VP-037")


def test_a_group_with_no_place_lowers_without_a_rank(out, manifest):
    minutes = _unit_doc_text(out, manifest, "HCQT", "bien_ban_hop")
    said = minutes[minutes.index("Đồng chí Ngô Thị Ngọc Anh"):minutes.index("Đồng chí Lý Văn Bảo")]
    assert ("Kết quả biểu quyết (trên 9 người dự họp): Hoàn thành xuất sắc nhiệm vụ: 8 phiếu; Hoàn thành tốt nhiệm "
            "vụ: 1 phiếu") in said
    assert "Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ." in said
    assert ("hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành tốt nhiệm vụ vì nhóm không giữ được người Hoàn thành "
            "xuất sắc nhiệm vụ nào theo tỷ lệ.") in said
    assert "xếp thứ" not in said and "sau những người được giữ" not in said
    # her own phiếu gives the same reason
    phieu = person_form_text(out, "VP-009", "phieu_nd335")
    assert "vì nhóm không giữ được người Hoàn thành xuất sắc nhiệm vụ nào theo tỷ lệ" in phieu
    assert "xếp thứ 1/1" not in phieu


def test_a_rank_names_the_criteria_that_decided_it(out, manifest):
    minutes = _unit_doc_text(out, manifest, "TH", "bien_ban_hop")
    order = "theo thứ tự ưu tiên: tỷ lệ phiếu Hoàn thành xuất sắc nhiệm vụ cao hơn, rồi điểm cao hơn, sau những người"
    tuan_anh = minutes[minutes.index("Đồng chí Trần Tuấn Anh"):minutes.index("Đồng chí Nguyễn Hoàng Ân")]
    assert f"vì xếp thứ 2/3 {order}" in tuan_anh
    lan_anh = minutes[minutes.index("Đồng chí Dương Thị Lan Anh"):minutes.index("Đồng chí Trần Tuấn Anh")]
    assert f"vì xếp thứ 3/3 {order}" in lan_anh
    hoang_an = minutes[minutes.index("Đồng chí Nguyễn Hoàng Ân"):minutes.index("Đồng chí Huỳnh Văn Cường")]
    assert "Mức xếp loại đề xuất: Hoàn thành xuất sắc nhiệm vụ." in hoang_an


def test_the_staff_code_is_no_criterion_on_any_paper(out):
    papers = [*out.glob("ca_nhan/*/*.pdf"), *out.glob("don_vi/*.pdf")]
    assert len(papers) > 30
    for pdf in papers:
        assert "rồi mã số" not in _flat("\n".join(p.extract_text() for p in PdfReader(pdf).pages)), pdf.name
