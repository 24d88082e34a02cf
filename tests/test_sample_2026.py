"""The shipped 2026 sample and the 2026 blank: what the sample's notes promise is what the rating gives."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipeline import ingest
from pipeline.cli import main
from pipeline.ingest import blank
from pipeline.rating import rate
from pipeline.resources import sample_workbook


@pytest.fixture(scope="module")
def ratings():
    return rate(ingest.load(sample_workbook(2026)))


def test_default_sample_is_still_2024():
    assert sample_workbook().name == "mau_ho_so_2024.xlsx"
    assert sample_workbook(2026).name == "mau_ho_so_2026.xlsx"


def test_the_2026_sample_checks_clean_and_has_periods_and_products():
    # four warnings, all taught by the sample: VP-021 lacks October (no level until it is there), VP-008
    # self-rates HTT although disciplined in the year (the superior is named: no warning for it), and the two
    # units of two deputies (LD, HCQT) with nobody named to chair their head's review (tests/test_chair.py)
    problems = ingest.check(sample_workbook(2026))
    chairs = [p for p in problems if p.header == "Người chủ trì khi kiểm điểm người đứng đầu"]
    assert [p.message.split("»")[0] for p in chairs] == ["Đơn vị «LD", "Đơn vị «HCQT"]
    w_disc, w_missing = [p for p in problems if p not in chairs]
    assert (w_missing.severity, w_missing.sheet, w_missing.value) == ("canh_bao", "NhanSu", "VP-021")
    assert "thiếu kết quả kỳ 2026-10" in w_missing.text()
    assert (w_disc.severity, w_disc.sheet, w_disc.value) == ("canh_bao", "NhanSu", "Hoàn thành tốt nhiệm vụ")
    assert "bị kỷ luật trong năm đánh giá 2026" in w_disc.text()
    c = ingest.load(sample_workbook(2026))
    assert c.year == 2026
    kinds = {p.loai_nhan_su for p in c.people}
    assert {"cong_chuc", "vien_chuc", "can_bo", "hop_dong", "nguoi_lao_dong"} <= kinds
    assert any("-Q" in p.ky for p in c.periods) and any("-Q" not in p.ky for p in c.periods)
    assert c.products and any(p.mien_tru for p in c.products) and any(not p.hoan_thanh for p in c.products)
    assert any(p.d is not None for p in c.periods)


def test_the_2026_sample_rates_as_its_notes_say(ratings):
    r = ratings
    assert r.bo_quy_tac == "nd335-2025, nd233-2026"
    assert r.of("VP-004").bo_quy_tac == "nd335-2025" and r.of("VP-030").bo_quy_tac == "nd233-2026"
    assert r.of("VP-010").bo_quy_tac == "nd335-2025"  # cán bộ: the agency's choice
    assert r.of("VP-008").muc_de_xuat == "KHT"  # discipline in 2026
    missing = r.of("VP-021")
    assert missing.muc_de_xuat is None and any("Thiếu kết quả kỳ 2026-10" in x for x in missing.ly_do)
    # 4 months of sick leave: ND 335 Art. 21 rates the actual period of work, no ceiling (ND 90's "at most HT"
    # for 3 to < 6 months of leave is not a 2026 rule): the points' level, Hoàn thành tốt nhiệm vụ
    leave = r.of("VP-027")
    # results for the 8 months worked only (none while on leave): nothing to warn about the periods
    assert leave.muc_de_xuat == "HTT" and leave.muc_toi_da == "HTXS" and len(leave.diem_ky) == 8
    assert not any("Có kết quả" in w for w in leave.canh_bao)
    assert any("thời gian nghỉ không giới hạn mức xếp loại" in x and "Điều 21 Nghị định 335/2025/NĐ-CP" in x
               for x in leave.ly_do)
    assert r.of("VP-028").trang_thai == "khong_xep_loai"
    assert [k.ky for k in r.of("VP-033").diem_ky] == ["2026-Q1", "2026-Q2"] and r.of("VP-033").muc_de_xuat == "HTT"
    head = r.of("VP-037")
    assert head.muc_de_xuat == "HT" and any("khoản 7 Điều 12" in x for x in head.ly_do)
    assert len(r.of("VP-020").diem_ky) == 12  # transferred in July: January–June sent by the old unit
    # TH products: HTXS people a = b = c = 100 (the failure is waived); HTT people a = 88.9, b = 83.3, c = 77.8
    k = r.of("VP-019").diem_ky[0]
    assert (k.a, k.b, k.c) == pytest.approx((100 * 4 / 4.5, 100 * 3.75 / 4.5, 100 * 3.5 / 4.5))
    assert r.group("TH/chuyen_vien").ha_muc  # 3 HTXS over 5 HTT: the cap moves two down


@pytest.mark.parametrize("year, has_periods", [(2026, True), (2024, False)])
def test_init_with_a_year(tmp_path, capsys, year, has_periods):
    with pytest.raises(SystemExit) as exc:
        main(["init", str(tmp_path), "--nam", str(year)])
    assert exc.value.code == 0
    wb = openpyxl.load_workbook(tmp_path / blank.FILENAME)
    assert ("KetQuaKy" in wb.sheetnames) is has_periods and ("SanPham" in wb.sheetnames) is has_periods
    assert any(row[1].value == year for row in wb["CoQuan"].iter_rows(min_row=2) if len(row) > 1)
    guide = "\n".join(str(c.value) for row in wb[blank.GUIDE].iter_rows() for c in row if c.value is not None)
    assert ("hoso nhap-ket-qua" in guide) is has_periods
    assert ("Sheet «KetQuaKy»" in guide) is has_periods


def _phieu_context(ma_so: str) -> dict:
    from pipeline.forms.context import person_context
    from pipeline.forms.registry import Registry

    c = ingest.load(sample_workbook(2026))
    p = c.person(ma_so)
    form = Registry().get("phieu_nd233" if p.loai_nhan_su == "vien_chuc" else "phieu_nd335")
    return person_context(c, form, p, rate(c).of(ma_so))


def test_the_2026_phieu_says_why_once_and_names_the_group_in_words():
    """The line under "Mức xếp loại đề xuất" when it is not the points' level: each legal basis
    once (discipline, months of leave), the clerk's group key «TH/chuyen_vien» in words."""
    disciplined = _phieu_context("VP-008")["ly_do_muc"]
    assert disciplined.startswith("Mức theo điểm năm: Hoàn thành tốt nhiệm vụ. Kỷ luật hành chính, hình thức khiển trách, "
                                  "quyết định số 88/QĐ-VP")
    assert disciplined.count("điểm c khoản 4 Điều 20 Nghị định 335/2025/NĐ-CP") == 1
    # 4 months of leave: the points' level (ND 335 Art. 21), nothing lowered; the line says why months are missing
    leave = _phieu_context("VP-027")["ly_do_muc"]
    assert leave.startswith("Nghỉ không tham gia công tác theo quy định 4 tháng trong năm, thời gian công tác thực tế 8 "
                            "tháng") and "không giới hạn mức xếp loại" in leave and "Mức theo điểm năm" not in leave
    capped = _phieu_context("VP-017")["ly_do_muc"]
    assert "TH/chuyen_vien" not in capped and "«Chuyên viên – Phòng Tổng hợp»" in capped
    assert "điểm a khoản 5 Điều 20 Nghị định 335/2025/NĐ-CP" in capped


def test_the_2026_party_header_breaks_between_words_that_belong_together():
    """2A/2B/2C and Mẫu 01: the left column of the party header, 6.4 cm at 12 pt, is broken before
    «UBND TỈNH» and after «CHI BỘ», never "ĐẢNG BỘ VĂN PHÒNG UBND / TỈNH", "… - QUẢN / TRỊ"."""
    head = _phieu_context("VP-004")["dau_dang"]
    assert head == {"tren": "ĐẢNG BỘ VĂN PHÒNG\nUBND TỈNH", "duoi": "CHI BỘ\nHÀNH CHÍNH - QUẢN TRỊ"}


def test_the_notice_names_the_superior_once():
    """The head's row of the notice: "Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp
    loại", not "… Chủ tịch Ủy ban nhân dân tỉnh Ủy ban nhân dân tỉnh Hà Giang Nam …"."""
    from pipeline.forms.unit_context import rated_by_note

    c = ingest.load(sample_workbook(2026))
    assert rated_by_note(c, c.person("VP-001")) == "Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp loại"
    assert rated_by_note(c, c.person("VP-004")) == ""  # rated by the agency's head, who signs the notice


def test_the_summary_names_who_has_no_level_by_name(ratings):
    """The report's and biểu's "ghi chú": VP-021 (a month missing) by name, never by the workbook's
    ma_so, which is not printed on a signed document."""
    from pipeline.submission.summary_table import summary_rows

    rows = summary_rows(ingest.load(sample_workbook(2026)), ratings)
    assert rows[-1].ghi_chu == "1 người chưa có mức: Huỳnh Văn Cường"
    assert rows[-1].chua_co_muc == ["VP-021"]


def test_the_2026_sample_texts_agree_with_its_data():
    """What the people wrote agrees with the sheets: VP-008 cites the decision of sheet KyLuat; the
    agency head does not describe himself as helping the head."""
    c = ingest.load(sample_workbook(2026))
    (disc,) = c.disciplines
    assert disc.ma_so == "VP-008" and disc.so_quyet_dinh in c.texts["VP-008"]["khuyet_diem"]
    assert "Giúp Chánh Văn phòng" not in c.texts["VP-001"]["ket_qua_nhiem_vu"]
    # nobody else writes of a discipline that sheet KyLuat does not hold: a reprimand in force in 2026 (VP-039's
    # «về chính quyền (01/2026)», the 2024 sample's text two years on) would make her KHT under the 2026 rules (the
    # program counts it, ND 48's one-year exception not being 2026 law) while her papers print HTT with no reason
    told = {m for m, t in c.texts.items() for k, v in t.items()
            if k != "y_thuc_ky_luat" and v and ("kỷ luật" in v.casefold() or "khiển trách" in v.casefold())}
    assert told == {d.ma_so for d in c.disciplines} == {"VP-008"}
    assert rate(c).of("VP-039").muc_de_xuat == "HTT"


def test_the_2024_sample_agency_head_does_not_help_himself():
    """The 2024 sample's Chánh Văn phòng (VP-001) reports his own tasks, not his deputies' "giúp
    Chánh Văn phòng chỉ đạo…" (printed under «Kết quả thực hiện chức trách, nhiệm vụ» of his Mẫu 02
    and 2B, above his own title)."""
    c = ingest.load(sample_workbook(2024))
    assert c.person("VP-001").chuc_vu == "Chánh Văn phòng"
    assert "Giúp Chánh Văn phòng" not in c.texts["VP-001"]["ket_qua_nhiem_vu"]
    assert c.texts["VP-002"]["ket_qua_nhiem_vu"].startswith("Giúp Chánh Văn phòng")  # a deputy's


def test_unit_documents_cite_the_texts_of_their_people(ratings):
    """A phòng whose people are all rated under ND 335 cites ND 335 only; a đơn vị sự nghiệp of
    viên chức and workers rated as such cites its own texts; a mixed one cites both."""
    from pipeline.forms.can_cu import citations
    from pipeline.forms.unit_context import unit_citations

    c = ingest.load(sample_workbook(2026))
    base = citations(2026)

    def of(unit: str) -> str:
        return unit_citations(base, [ratings.of(p.ma_so) for p in c.people if p.ma_don_vi == unit])["danh_gia"]

    assert of("HCQT") == base["cong_chuc"] and "233/2026" not in of("HCQT")
    assert of("CBTH") == base["danh_gia"]  # viên chức and a worker rated under ND 335 (the agency's choice)
    assert "Nghị định số 335/2025/NĐ-CP" in of("CBTH") and "233/2026" in of("CBTH")


def test_the_2026_phieu_of_someone_not_rated_says_so():
    """VP-028 worked 4 months: the phiếu's proposed level is "Không xếp loại", not a dotted line."""
    ctx = _phieu_context("VP-028")
    assert ctx["khong_xep_loai"] and ctx["muc_diem_chu"] == "Không xếp loại"
    assert _phieu_context("VP-021")["muc_diem_chu"] == ""  # rated, but a month missing: the note names it


def test_check_cites_the_viên_chức_rules_for_a_disciplined_viên_chức(tmp_path):
    # a viên chức (VP-034, Trung tâm Công báo - Tin học) disciplined in 2026 who rates herself HTT: the
    # warning names the rule that rates her (ND 233/2026, the viên chức rules), as her phiếu does, not
    # ND 335/2025 (công chức); VP-008, a công chức, keeps the ND 335 citation
    wb = openpyxl.load_workbook(sample_workbook(2026))
    wb["KyLuat"].append(["VP-034", "hanh_chinh", "Khiển trách", "12/QĐ-TT", "01/09/2026", "Có"])
    path = tmp_path / "vc_ky_luat.xlsx"
    wb.save(path)
    by_row = {w.row: w.text() for w in ingest.check(path) if "bị kỷ luật trong năm đánh giá" in w.text()}
    assert len(by_row) == 2, by_row
    vc = next(t for t in by_row.values() if "12/QĐ-TT" in t)
    cc = next(t for t in by_row.values() if "88/QĐ-VP" in t)
    assert "Nghị định 233/2026/NĐ-CP" in vc and "335/2025" not in vc
    assert "Nghị định 335/2025/NĐ-CP" in cc
    assert rate(ingest.load(path)).of("VP-034").muc_de_xuat == "KHT"


def test_check_cites_no_2020_decree_for_the_2026_rules_of_time_and_order(tmp_path):
    """2026 is not rated under ND 90/2020. A level decided for VP-028 (a công chức recruited in September,
    4 months: not rated) cites the rule that rates him (the agency's rules under ND 335/2025: 06 months, no
    article of ND 335 seen), not ND 90 Art. 2 cl. 3; a viên chức of 5 months off maternity leave cites
    the viên chức rules (ND 233/2026). A decision dated before the self-assessment is still an error, said
    without ND 90 Art. 17–19 (ND 335's procedure article was not read)."""
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["NhanSu"]
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "VP-028":
            row[col["muc_quyet_dinh"] - 1].value = "HT"
        if row[0].value == "VP-033":  # 5 months, now without maternity leave: not rated either
            row[col["nghi_thai_san"] - 1].value = "Không"
            row[col["muc_quyet_dinh"] - 1].value = "HTT"
    wb["CoQuan"].append(["ngay_tu_danh_gia", dt.date(2026, 12, 3)])
    wb["CoQuan"].append(["ngay_quyet_dinh", dt.date(2026, 12, 1)])
    path = tmp_path / "khong_xep_loai.xlsx"
    wb.save(path)
    problems = ingest.check(path)
    months = {p.value: p.text() for p in problems if "không nghỉ thai sản) không được xếp loại" in p.text()}
    assert set(months) == {"HT", "HTT"}, months
    assert ("quy chế đánh giá của cơ quan thực hiện Nghị định 335/2025/NĐ-CP (ngưỡng 06 tháng công tác thực tế "
            "trong năm)") in months["HT"]
    assert "Nghị định 233/2026/NĐ-CP" in months["HTT"] and "335/2025" not in months["HTT"]
    [order] = [p.text() for p in problems if "cá nhân tự đánh giá và đơn vị họp nhận xét" in p.text()]
    assert "03/12/2026" in order
    assert all("90/2020" not in t for t in (*months.values(), order))


def test_the_period_row_adds_up_by_hand_and_agrees_with_the_spreadsheet():
    """VP-019 (Phòng Tổng hợp, HTT), January: products of total weight 4,5, 4 of it done, one quality failure
    and one delay (each −25 % of its product): a = 100 × 4/4,5 = 88,888…, b = 100 × 3,75/4,5 = 83,333…,
    c = 100 × 3,5/4,5 = 77,777…; the score 25 + 70 × 250/300
    = 83,333… → «83,33». The phiếu prints a, b, c to two decimals half up — 88,89; 83,33; 77,78, from which a
    reviewer gets 25 + 70 × 250,00/300 = 83,33 again (cut, 88,88 + 83,33 + 77,77 gave 83,32) — and the
    results spreadsheet (sheet DiemKy) holds the same numbers."""
    import io

    from pipeline.submission import ratings_xlsx

    row = _phieu_context("VP-019")["ky"][0]
    assert (row["ten"], row["chung"], row["a"], row["b"], row["c"], row["diem"]) == \
        ("Tháng 01/2026", "25,00", "88,89", "83,33", "77,78", "83,33")
    by_hand = 25 + 70 * (88.89 + 83.33 + 77.78) / 300
    assert f"{by_hand:.2f}".replace(".", ",") == row["diem"]
    sheet = openpyxl.load_workbook(io.BytesIO(ratings_xlsx.to_bytes(rate(ingest.load(sample_workbook(2026))))))["DiemKy"]
    [cells] = [r for r in sheet.iter_rows(values_only=True) if r[0] == "VP-019" and r[3] == "2026-01"]
    assert cells[4:8] == (25, 88.89, 83.33, 77.78) and cells[11] == 83.33
    from pipeline.rating.periods import pct_round
    assert pct_round(99.996) == 99.99 and pct_round(100) == 100  # never «100» for less than all the work


def test_the_ratings_spreadsheet_lists_people_as_the_dossiers_do(tmp_path, capsys):
    """ket_qua_xep_loai.xlsx listed people in the workbook's row order while every paper and dossier lists each unit's
    head, deputies, then staff, each in Vietnamese name order (given name first): a clerk checking the sheet against
    the printed dossiers found Trần Thị Thu Hà before Lê Quang Đức. By hand from the sample's NhanSu: LD — the
    Chánh Văn phòng Khải, then the deputies Đức < Hà; HCQT — the Trưởng phòng Tuấn, the deputies Ánh < Ơn, then An <
    Anh < Bảo < Dũng < Hạnh < … (a < ă < â, «Anh» after «An»); units in DonVi's order."""
    with pytest.raises(SystemExit) as exc:
        main(["rate", str(sample_workbook(2026)), "-o", str(tmp_path)])
    assert exc.value.code == 0
    book = openpyxl.load_workbook(tmp_path / "ket_qua_xep_loai.xlsx")
    rows = [r for r in book["KetQua"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # STT follows the new order
    assert [(r[1], r[2]) for r in rows[:11]] == [
        ("VP-001", "Nguyễn Đình Khải"), ("VP-003", "Lê Quang Đức"), ("VP-002", "Trần Thị Thu Hà"),
        ("VP-004", "Phạm Minh Tuấn"), ("VP-005", "Hoàng Thị Ánh"), ("VP-006", "Vũ Đình Ơn"),
        ("VP-012", "Trương Công An"), ("VP-009", "Ngô Thị Ngọc Anh"), ("VP-011", "Lý Văn Bảo"),
        ("VP-008", "Bùi Văn Dũng"), ("VP-007", "Đặng Thị Hạnh")]
    assert [r[0] for r in book["TongHopDonVi"].iter_rows(min_row=2, max_row=7, values_only=True)] == \
        ["LD", "HCQT", "TH", "KGVX", "CBTH", "NK"]
    # the agency's HTXS share as the console says it, with a decimal comma (it said «7.9%»), and naming the rated
    # person without a level (VP-021, a period missing) it leaves out: 3 HTXS of the 38 with a level = 7,89… → 7,9 %,
    # where the report gives 3 of the 39 rated = 7,7 %
    (share,) = [r[1] for r in book["ThongTin"].iter_rows(values_only=True) if r[0] == "HTXS trên tổng số được xếp loại"]
    assert share == ("3/38 = 7,9% (để so với tỷ lệ đảng viên được xếp loại HTXS; chưa tính 1 người được xếp loại nhưng "
                     "chưa có mức)")
    assert ("Hoàn thành xuất sắc nhiệm vụ trên tổng số được xếp loại của cơ quan: 3/38 = 7,9% (để so với tỷ lệ đảng "
            "viên được xếp loại Hoàn thành xuất sắc nhiệm vụ; chưa tính 1 người được xếp loại nhưng chưa có mức).") \
        in capsys.readouterr().err
    # the .json keeps the workbook's order (data read by hoso serve and hoso tong-hop)
    import json

    doc = json.loads((tmp_path / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    assert [p["ma_so"] for p in doc["nguoi"][:3]] == ["VP-001", "VP-002", "VP-003"]
