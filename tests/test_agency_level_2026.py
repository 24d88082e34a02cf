"""The head of a đơn vị sự nghiệp and the level of the unit itself (ND 233/2026 k7 Đ12, regime-2026.md §2:
«mức xếp loại của người đứng đầu không cao hơn mức xếp loại của đơn vị»).

A hospital's Giám đốc heads the hospital, whose own level the managing body (the Sở Y tế) decides; the
workbook says it in CoQuan «Mức xếp loại của cơ quan, đơn vị». Outcomes worked out by hand from the
rule's words: 99 points give HTXS (≥ 90); the hospital decided HTT ⇒ the Giám đốc at most HTT. Not decided
yet, the hospital's own self-rating (HTT) is a proposal: the ceiling is said, not applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import su_nghiep_2026 as sn
import workbook_factory as wf
from rating_builder import Book

from pipeline import api, ingest
from pipeline.rating import rate
from tests.fakes import person_form_text


def _hospital() -> Book:
    b = Book(year=2026)
    b.person("GD", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, kind="vien_chuc", group="")
    b.months("GD", 29, 100, 100, 100, d=100, dd=100, e=100)  # 29 + 70 = 99 points
    for i in range(1, 6):
        b.person(f"V{i}", kind="vien_chuc", group="")
        b.months(f"V{i}", 25, 80, 80, 80)  # 25 + 56 = 81: HTT
    return b


def test_the_head_is_not_rated_above_the_level_decided_for_his_unit():
    c = _hospital().campaign()
    assert rate(c).of("GD").muc_de_xuat == "HTXS"  # the unit's level unknown: the points' level
    r = rate(replace(c, agency=replace(c.agency, muc_xep_loai_co_quan="HTT")))
    gd = r.of("GD")
    assert gd.muc_de_xuat == "HTT"
    why = " ".join(gd.ly_do)
    assert "«Cơ quan thử», đơn vị được cấp có thẩm quyền xếp loại Hoàn thành tốt nhiệm vụ" in why
    assert "khoản 7 Điều 12 Nghị định 233/2026/NĐ-CP" in why
    # the others are not heads: their levels stand
    assert {r.of(f"V{i}").muc_de_xuat for i in range(1, 6)} == {"HTT"}


def test_a_unit_only_self_rated_is_a_warning_not_a_ceiling():
    c = _hospital().campaign()
    r = rate(replace(c, agency=replace(c.agency, tu_xep_loai_co_quan="HTT")))
    gd = r.of("GD")
    assert gd.muc_de_xuat == "HTXS"
    (said,) = [w for w in gd.canh_bao if "tự xếp loại" in w]
    assert "cao hơn mức cơ quan, đơn vị tự xếp loại (Hoàn thành tốt nhiệm vụ)" in said
    assert "«Mức xếp loại của cơ quan, đơn vị»" in said
    # a self-rating as high as his proposal says nothing
    r = rate(replace(c, agency=replace(c.agency, tu_xep_loai_co_quan="HTXS")))
    assert not [w for w in r.of("GD").canh_bao if "tự xếp loại" in w]


def test_công_chức_heads_are_not_bound_by_the_viên_chức_rule():
    # ND 335 (công chức) has no such clause in the sources: an agency's decided level binds nobody there
    b = Book(year=2026)
    b.person("H", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, group="")
    b.months("H", 29, 100, 100, 100, d=100, dd=100, e=100)
    c = b.campaign()
    assert rate(replace(c, agency=replace(c.agency, muc_xep_loai_co_quan="HT"))).of("H").muc_de_xuat == "HTXS"


@pytest.mark.libreoffice
def test_the_giám_đốc_s_phieu_prints_the_ceiling(tmp_path, cache_dir):
    data = sn.tables()
    data["CoQuan"].append(("muc_xep_loai_co_quan", "Hoàn thành tốt nhiệm vụ"))
    path = wf.write(tmp_path / "bv.xlsx", data)
    assert ingest.load(path).agency.muc_xep_loai_co_quan == "HTT"
    out = tmp_path / "out"
    api.build(path, out, api.BuildOptions(cache_dir=cache_dir, persons=frozenset({"BV-01"}),
                                          today=dt.date(sn.YEAR, 12, 6)))
    phieu = person_form_text(out, "BV-01", "phieu_nd233")
    # 96.83 points: HTXS by points; the hospital decided HTT ⇒ his proposal HTT, and the phiếu says why
    assert "Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ" in phieu
    assert ("Mức đề xuất hạ từ Hoàn thành xuất sắc nhiệm vụ xuống Hoàn thành tốt nhiệm vụ do “Bệnh viện Đa khoa khu "
            "vực Sơn Hà” được cấp có thẩm quyền xếp loại Hoàn thành tốt nhiệm vụ — căn cứ: khoản 7 Điều 12 Nghị định "
            "233/2026/NĐ-CP") in phieu


def test_a_public_service_unit_s_self_rating_cites_the_viên_chức_rules_not_those_of_administrative_bodies():
    """ND 335/2025 rates «cơ quan hành chính nhà nước và công chức» (regime-2026.md §1.1); a hospital is a đơn vị
    sự nghiệp công lập, rated under Luật Viên chức 2025 and ND 233/2026 «đối với đơn vị sự nghiệp công lập và viên
    chức» (§2). Its self-assessment report and key-staff minutes for 2026 cite those, as the Sở Nội vụ reads them;
    the 2026 sample's Văn phòng UBND (a công chức head) keeps ND 335."""
    from pipeline.forms.registry import Registry
    from pipeline.resources import sample_workbook
    from pipeline.submission import self_rating, summary_table

    def cited(c) -> str:
        c = replace(c, agency=replace(c.agency, tu_xep_loai_co_quan="HTT"))
        r = rate(c)
        form = Registry().get("bao_cao_tu_danh_gia_co_quan")
        return self_rating.context(c, r, form, summary_table.summary_rows(c, r))["can_cu_co_quan"]

    hospital = cited(_hospital().campaign())
    assert hospital.startswith("Luật Viên chức năm 2025 và Nghị định số 233/2026/NĐ-CP")
    assert "đơn vị sự nghiệp công lập" in hospital and "335/2025" not in hospital
    office = cited(ingest.load(sample_workbook(2026)))
    assert office.startswith("Nghị định số 335/2025/NĐ-CP") and "cơ quan hành chính nhà nước" in office


def test_check_weighs_a_hospital_s_points_by_the_viên_chức_rules(tmp_path):
    """The hospital (a đơn vị sự nghiệp công lập, its Giám đốc a viên chức) self-rates HTXS on 85 points: by the
    thresholds HTXS from 90, HTT from 70, HT from 50, 85 points are HTT — a warning naming the viên chức rules
    (ND 233/2026) that rate such a unit, not ND 335/2025 (cơ quan hành chính nhà nước)."""
    data = sn.tables()
    data["CoQuan"] = data["CoQuan"] + [("tu_xep_loai_co_quan", "HTXS"), ("diem_co_quan", 85),
                                       ("diem_tieu_chi_chung_co_quan", 27), ("diem_nhiem_vu_co_quan", 58)]
    [said] = [p for p in ingest.check(wf.write(tmp_path / "bv.xlsx", data)) if "theo ngưỡng điểm" in p.message]
    assert "là 85 điểm: theo ngưỡng điểm của Nghị định 233/2026/NĐ-CP" in said.message
    assert "thì là Hoàn thành tốt nhiệm vụ" in said.message and "335/2025" not in said.message
