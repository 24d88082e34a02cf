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
import re

import pytest
import workbook_factory as wf
from pypdf import PdfReader

from pipeline import api
from tests.fakes import person_form_text

BLANK_DATE = "ngày …… tháng …… năm ……"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _tables() -> dict:
    data = wf.tables()
    data["CoQuan"].append(("ngay_quyet_dinh", dt.date(wf.YEAR, 12, 10)))
    # decided: the head (by the superior) and NS-03; NS-05 still undecided
    data["NhanSu"][0].update(muc_quyet_dinh="HTT")
    data["NhanSu"][2].update(muc_quyet_dinh="KHT")
    # the deputy of Phòng Hành chính is on maternity leave: absent from the unit's meeting
    data["DonVi"][0]["vang_mat"] = "Trần Thị Bình (nghỉ thai sản)"
    data["NhanSu"][1].update(nghi_thai_san="Có", so_thang_cong_tac=5)
    # NS-05 rates himself HTT, no vote recorded, 4 months of lawful leave: proposed HT at most
    data["NhanSu"][4].update(so_thang_nghi=4)
    data["BieuQuyet"] = [dict(v, so_nguoi_du_hop=2, phieu_htt=2, phieu_ht=0) for v in data["BieuQuyet"]
                         if v["ma_so"] == "NS-01"] + [v for v in data["BieuQuyet"] if v["ma_so"] == "NS-04"]
    # NS-01 (HTT, 2/2 ballots) proposed for CSTĐCS without HTXS nor an initiative
    data["ThiDua"][0].update(danh_hieu="CSTDCS", phieu_dong_y=2, tong_so_phieu=2)
    return data


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("aud28")
    path = wf.write(tmp / "so.xlsx", _tables())
    dest = tmp / "out"
    api.build(path, dest, api.BuildOptions(cache_dir=cache_dir / "aud28", today=dt.date(wf.YEAR, 11, 1)))
    return dest


def _unit_text(out, unit: str) -> str:
    return _flat("\n".join(p.extract_text() for p in PdfReader(out / "don_vi" / f"{unit}.pdf").pages))


@pytest.mark.libreoffice
def test_agency_decision_date_is_not_the_superiors(out):
    head = person_form_text(out, "NS-01", "mau_02")  # the agency head: rated by the Chủ tịch UBND tỉnh
    block = head[head.index("III. KẾT QUẢ ĐÁNH GIÁ"):]
    assert "Trần Văn Tỉnh" in block and "CHỦ TỊCH UBND TỈNH" in block
    assert f"Thử Nghiệm, {BLANK_DATE} NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in block
    assert "10 tháng 12" not in head
    staff = person_form_text(out, "NS-03", "mau_02")  # staff: rated by the agency head on ngay_quyet_dinh
    block = staff[staff.index("KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC"):]
    assert "Thử Nghiệm, ngày 10 tháng 12 năm 2024 NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in block
    assert "Nguyễn Văn An" in block
    # NS-05 is not decided yet: no decision date is printed on his phiếu (seed defect: pre-filled dates)
    worker = person_form_text(out, "NS-05", "mau_03")
    block = worker[worker.index("(Phần dành cho cấp có thẩm quyền đánh giá)"):]
    assert f"Thử Nghiệm, {BLANK_DATE} NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in block and "10 tháng 12" not in worker


@pytest.mark.libreoffice
def test_absent_deputy_does_not_chair_the_heads_review(out):
    minutes = _unit_text(out, "HC")
    assert "vắng: Trần Thị Bình (nghỉ thai sản)" in minutes
    assert "Chủ trì: đồng chí Nguyễn Văn An" in minutes
    assert "Trần Thị Bình chủ trì" not in minutes
    # nobody else named: whoever chairs the head's review is written by hand, never the head himself
    assert re.search(r"Khi kiểm điểm đồng chí Nguyễn Văn An, đồng chí …{4,} chủ trì\.", minutes), minutes
    assert re.search(r"\(Đồng chí …{4,} chủ trì phần kiểm điểm này\.\)", minutes), minutes


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


@pytest.mark.libreoffice
def test_cstdcs_candidate_short_of_its_standard_keeps_ldtt_on_the_papers(out):
    # Luật TĐKT 2022 Art. 23: CSTĐCS = LĐTT's standard + (HTXS or a recognised initiative). NS-01 is HTT
    # with 2/2 ballots and no initiative: not CSTĐCS, but LĐTT (Art. 24 cl. 1 a: HTT or better; the
    # ballot above half). The ballot count says so. NS-01 is also the agency's head: the emulation table he
    # signs leaves his title to the competent level (pap31) and counts him apart.
    unit = _unit_text(out, "HC")
    table = unit[unit.index("BẢNG TỔNG HỢP BÌNH XÉT THI ĐUA"):]
    row = table[table.index("Nguyễn Văn An"):]
    assert "Chiến sĩ thi đua cơ sở 2/2 100% Cấp có thẩm quyền xét" in row[:300], row[:300]
    assert "đủ điều kiện: 0, trong đó Lao động tiên tiến: 0, Chiến sĩ thi đua cơ sở: 0; người đứng đầu cơ quan" in table
    count = unit[unit.index("BIÊN BẢN KIỂM PHIẾU"):unit.index("BẢNG TỔNG HỢP BÌNH XÉT THI ĐUA")]
    # the ballot count records his ballot (2/2: «Đạt») and leaves his standard to the competent level, whose
    # decision on his level it starts from: no «Đạt Lao động tiên tiến» judged for him on a paper of his unit
    head = count[count.index("Nguyễn Văn An"):]
    assert "Chiến sĩ thi đua cơ sở 2/2 100% Đạt" in head[:200], head[:200]
    assert "Đạt Lao động tiên tiến" not in count and "Không đủ điều kiện" not in count
    assert ("Đồng chí Nguyễn Văn An (trên 50% phiếu đồng ý): người đứng đầu cơ quan: mức xếp loại và danh hiệu thi "
            "đua do cấp có thẩm quyền xét, quyết định") in count, count
    # NS-04 (SN, Giám đốc, not the agency's head), proposed CSTĐCS with 3/3 ballots and no initiative: her
    # meeting's HTXS (2 of 3 votes) is brought to HTT by the 20 % cap (alone in her group: keeping her at HTXS
    # leaves 0 at HTT, 20 % of 0 is 0 < 1); HTT, no initiative: not CSTĐCS, but LĐTT — and counted so
    unit = _unit_text(out, "SN")
    table = unit[unit.index("BẢNG TỔNG HỢP BÌNH XÉT THI ĐUA"):]
    row = table[table.index("Phạm Thị Dung"):]
    assert row.startswith("Phạm Thị Dung Giám đốc Hoàn thành tốt nhiệm vụ (đề xuất) Chiến sĩ thi đua cơ sở"), row[:200]
    assert "3/3 100% Đạt Lao động tiên tiến" in row[:300], row[:300]
    assert "đủ điều kiện: 1, trong đó Lao động tiên tiến: 1, Chiến sĩ thi đua cơ sở: 0." in table


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
    review = person_form_text(out_2025, "NS-01", "mau_2b_2025")
    state = review[review.index("Đánh giá, xếp loại chất lượng công chức, viên chức"):]
    assert "Mức xếp loại chất lượng công chức, viên chức:" in state
    assert "Điểm đánh giá năm" not in review
    assert "theo dõi từng tháng" not in review
    # the party side keeps QĐ 366's 100-point frame (2025 party reviews: QĐ 366 + HD 43)
    assert "Tự chấm điểm" in review


# -- transferred in during the year (ND 90 Art. 20 cl. 1), no LibreOffice ---------------------------
def _transfer_tables() -> dict:
    data = wf.tables()
    # NS-05: 7 months at the old agency, 5 here (12 in the year): the new agency rates, with the old one's opinion
    data["NhanSu"][4].update(co_quan_cu="Sở Xây dựng tỉnh Thử Nghiệm", so_thang_co_quan_cu=7)
    # NS-02: 4 months at the old agency (under 6): the new agency rates, no opinion required
    data["NhanSu"][1].update(co_quan_cu="UBND huyện Đồi Núi", so_thang_co_quan_cu=4)
    return data


def test_transfer_in_with_six_months_or_more_needs_the_old_agencys_opinion(tmp_path):
    from pipeline import ingest
    from pipeline.rating.engine import rate

    ratings = rate(ingest.load(wf.write(tmp_path / "so.xlsx", _transfer_tables())))
    moved = ratings.of("NS-05")
    assert moved.muc_de_xuat == "HTT"  # the transfer changes no level: 12 months worked in the year
    (line,) = [t for t in moved.ly_do if "Chuyển đến" in t]
    assert line.startswith("Chuyển đến trong năm từ Sở Xây dựng tỉnh Thử Nghiệm, công tác ở đó 7 tháng (từ 06 tháng "
                           "trở lên): cơ quan, đơn vị mới đánh giá, xếp loại chất lượng có kết hợp ý kiến nhận xét của "
                           "Sở Xây dựng tỉnh Thử Nghiệm")
    assert line.endswith(" — căn cứ: khoản 1 Điều 20 Nghị định 90/2020/NĐ-CP.")
    assert any("Cần có ý kiến nhận xét của Sở Xây dựng tỉnh Thử Nghiệm" in w for w in moved.canh_bao)
    short = ratings.of("NS-02")
    (line,) = [t for t in short.ly_do if "Chuyển đến" in t]
    assert "4 tháng (dưới 06 tháng)" in line and "kết hợp" not in line
    assert not any("ý kiến nhận xét của UBND huyện" in w for w in short.canh_bao)
    assert not any("Chuyển đến" in t for t in ratings.of("NS-03").ly_do)


def test_transfer_months_beyond_the_year_is_an_error_and_2026_uses_the_period_sheet(tmp_path):
    from pipeline import ingest
    from pipeline.rating import rulebooks, rules

    data = _transfer_tables()
    data["NhanSu"][4].update(so_thang_co_quan_cu=13)
    (err,) = [p.text() for p in ingest.check(wf.write(tmp_path / "so.xlsx", data))
              if p.is_error and "cơ quan cũ" in p.text()]
    col = wf.letter("NhanSu", "so_thang_co_quan_cu")
    assert "Sheet «NhanSu», dòng 6" in err and f"cột {col}" in err and "13" in err
    person = ingest.load(wf.write(tmp_path / "ok.xlsx", _transfer_tables())).person("NS-05")
    reasons, warnings = rules.transfer_rule(person, rulebooks.by_id("nd335-2025"))
    assert reasons == () and "sheet KetQuaKy" in warnings[0]  # from 2026: the periods the old agency rated


def test_member_outside_the_party_review_gets_no_party_forms(tmp_path):
    # QĐ 124-QĐ/TW Art. 5 cl. 2.1 (rules.md R4): a member admitted less than 6 months ago is not in the
    # year's party review; the clerk marks it (khong_kiem_diem_dang_vien). Her state rating is unchanged.
    from pipeline import ingest
    from pipeline.forms.registry import Registry
    from pipeline.plan import make_plan

    data = wf.tables()
    data["NhanSu"][4].update(dang_vien="Có", noi_cu_tru="Tổ 5", chi_bo_noi_cu_tru="Chi bộ tổ 5",
                             khong_kiem_diem_dang_vien="Có", ghi_chu="Kết nạp Đảng ngày 05/08/2024")
    data["NhanSu"][3].update(noi_cu_tru="Tổ 6", chi_bo_noi_cu_tru="Chi bộ tổ 6")
    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", data))
    forms = {d.ma_so: [j.form for j in d.documents] for d in make_plan(campaign, Registry()).persons}
    assert forms["NS-05"] == ["mau_03"]  # only the viên chức phiếu
    assert "mau_02b" in forms["NS-04"] and "mau_3_213" in forms["NS-04"]  # another member: both


def test_next_year_does_not_inherit_a_transfer_nor_a_party_review_exemption(tmp_path):
    from pipeline import ingest
    from pipeline.ingest.rollover import roll

    data = _transfer_tables()
    data["NhanSu"][0].update(khong_kiem_diem_dang_vien="Có")
    src = wf.write(tmp_path / "2024.xlsx", data)
    last = ingest.load(src)
    assert last.person("NS-05").so_thang_co_quan_cu == 7 and last.person("NS-01").khong_kiem_diem_dang_vien
    new = ingest.load(roll(src, tmp_path / "moi").dest)
    assert new.year == 2025
    assert not any(p.co_quan_cu or p.so_thang_co_quan_cu is not None or p.khong_kiem_diem_dang_vien for p in new.people)


def test_step_dates_out_of_order_are_errors_on_their_cells(tmp_path):
    # ND 90 Art. 17–19 (rules.md R8.2): self-assessment → unit meeting → decision → notice. A decision
    # dated before the self-assessment it rules on, a notice before the decision, a meeting after the
    # decision: each is an error naming its sheet, row and column; the build makes no paper.
    from pipeline import ingest

    data = wf.tables()
    data["CoQuan"] += [("ngay_tu_danh_gia", dt.date(2024, 12, 5)), ("ngay_quyet_dinh", dt.date(2024, 11, 20)),
                       ("ngay_thong_bao", dt.date(2024, 11, 10))]
    data["DonVi"][0]["ngay_hop"] = dt.date(2024, 12, 20)
    errors = [p.text() for p in ingest.check(wf.write(tmp_path / "so.xlsx", data)) if p.is_error]
    (decision,) = [e for e in errors if e.startswith("Sheet «CoQuan»") and "«Ngày quyết định xếp loại» (20/11/2024) trước" in e]
    assert "«Ngày tự đánh giá» (05/12/2024)" in decision
    assert any(e.startswith("Sheet «CoQuan»") and "«Ngày thông báo kết quả» (10/11/2024) trước" in e for e in errors)
    col = wf.letter("DonVi", "ngay_hop")
    (meeting,) = [e for e in errors if e.startswith(f"Sheet «DonVi», dòng 2, cột {col}")]
    assert "(20/12/2024) sau «Ngày quyết định xếp loại»" in meeting
    # in order: no such error
    ok = wf.tables()
    ok["CoQuan"] += [("ngay_tu_danh_gia", dt.date(2024, 11, 1)), ("ngay_quyet_dinh", dt.date(2024, 11, 20)),
                     ("ngay_thong_bao", dt.date(2024, 11, 22))]
    ok["DonVi"][0]["ngay_hop"] = dt.date(2024, 11, 8)
    assert not [p for p in ingest.check(wf.write(tmp_path / "ok.xlsx", ok)) if p.is_error]
