"""A person transferred in during 2026: the periods monitored and rated by the old agency (KetQuaKy
`don_vi_danh_gia`). ND 335 Art. 21 (regime-2026.md §1.4): «For a transferred công chức the new unit
rates; the old agency … is responsible for sending the results of monthly and quarterly monitoring and
evaluation … to be used as a basis for calculating the average score». So the year score is the mean
over every period worked, wherever rated; the papers say which periods were sent and the new unit's
confirmation covers its own periods only. Expectations are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf
from rating_builder import Book

from pipeline import api, ingest
from pipeline.cli import main
from pipeline.ingest import schema
from pipeline.options import BuildOptions
from pipeline.rating import rate
from pipeline.resources import sample_workbook
from pipeline.submission.ratings_file import person_document

YEAR = 2026
OLD = "Sở Tài chính tỉnh Thử Nghiệm"


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# the year score and the reason
# ---------------------------------------------------------------------------------------------
def test_transferred_in_june_year_score_is_the_mean_of_all_twelve_periods():
    b = Book(year=YEAR)
    b.person("A", group="T")
    # January–May at the old agency: 24 + 70 × (60 + 60 + 60) / 300 = 24 + 42 = 66 each
    b.months("A", 24, 60, 60, 60, months=range(1, 6), rated_by=OLD)
    # June–December here: 28 + 70 × (90 + 90 + 90) / 300 = 28 + 63 = 91 each
    b.months("A", 28, 90, 90, 90, months=range(6, 13))
    pr = b.rate().of("A")
    # year = (5 × 66 + 7 × 91) / 12 = (330 + 637) / 12 = 967 / 12 = 80.5833…: HTT (70 to < 90).
    # Only this agency's 7 months would give 91 (HTXS), only the old agency's 66 (HT): both wrong.
    assert pr.diem == pytest.approx(967 / 12)
    assert pr.muc_de_xuat == "HTT" and pr.nguon_de_xuat == "diem"
    assert [k.don_vi_danh_gia for k in pr.diem_ky] == [OLD] * 5 + [""] * 7
    (reason,) = [x for x in pr.ly_do if "Điểm năm là trung bình 12 kỳ = 80,58" in x]
    assert f"kỳ 2026-01 đến 2026-05 do «{OLD}» theo dõi, đánh giá và gửi kết quả" in reason
    assert "kỳ 2026-06 đến 2026-12 do cơ quan này theo dõi, đánh giá" in reason
    assert "Điều 21 Nghị định 335/2025/NĐ-CP" in reason
    doc = person_document(pr)
    assert [k["don_vi_danh_gia"] for k in doc["diem_ky"]] == [OLD] * 5 + [""] * 7


def test_periods_from_two_old_agencies_are_each_named():
    b = Book(year=YEAR)
    b.person("A", group="T")
    b.months("A", 20, 100, 100, 100, months=range(1, 3), rated_by="Sở Tư pháp")  # 90
    b.months("A", 20, 100, 100, 100, months=(3,), rated_by=OLD)  # 90
    b.months("A", 10, 100, 100, 100, months=range(4, 13))  # 80
    pr = b.rate().of("A")
    # (3 × 90 + 9 × 80) / 12 = 990 / 12 = 82.5
    assert pr.diem == pytest.approx(82.5)
    (reason,) = [x for x in pr.ly_do if "= 82,50" in x]
    assert "kỳ 2026-01 đến 2026-02 do «Sở Tư pháp»" in reason and f"kỳ 2026-03 do «{OLD}»" in reason
    assert "kỳ 2026-04 đến 2026-12 do cơ quan này" in reason


def test_a_missing_month_of_a_transferred_person_still_gives_no_level():
    b = Book(year=YEAR)
    b.person("A", group="T")
    b.months("A", 24, 60, 60, 60, months=range(1, 5), rated_by=OLD)  # May neither sent nor rated here
    b.months("A", 28, 90, 90, 90, months=range(6, 13))
    pr = b.rate().of("A")
    assert pr.muc_de_xuat is None
    assert any("Thiếu kết quả kỳ 2026-05" in x and f"do «{OLD}»" in x for x in pr.ly_do)


def test_the_leaders_d_check_leaves_the_old_agencys_periods_out():
    """d) (ND 335 Art. 15) is about the unit led in that period: a subordinate's month at the old agency
    is not this leader's unit, and the leader's own month at the old agency was about the unit he led there."""
    b = Book(year=YEAR)
    b.person("L", leader=True, unit="P1", group="LD")
    b.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b.person("S", unit="P1")
    b.months("S", 10, 40, 40, 40, months=(1, 2), rated_by=OLD)  # 10 + 70 × 120 / 300 = 38 at the old agency
    b.months("S", 25, 90, 90, 90, months=range(3, 13))  # 88 here
    r = b.rate()
    assert not any("d) là 50%" in w for w in r.of("L").canh_bao), r.of("L").canh_bao
    # the same months rated here: L's d) of 100 % in January and February is pointed out
    b2 = Book(year=YEAR)
    b2.person("L", leader=True, unit="P1", group="LD")
    b2.months("L", 25, 90, 90, 90, d=100, dd=90, e=90)
    b2.person("S", unit="P1")
    b2.months("S", 10, 40, 40, 40, months=(1, 2))
    b2.months("S", 25, 90, 90, 90, months=range(3, 13))
    assert any("2026-01, 2026-02" in w and "d) là 50%" in w for w in b2.rate().of("L").canh_bao)
    # a leader transferred in: his January at the old agency (d 100 % there) over S, under 50 here in January
    b3 = Book(year=YEAR)
    b3.person("L", leader=True, unit="P1", group="LD")
    b3.months("L", 25, 90, 90, 90, months=(1,), d=100, dd=90, e=90, rated_by=OLD)
    b3.months("L", 25, 90, 90, 90, months=range(2, 13), d=100, dd=90, e=90)
    b3.person("S", unit="P1")
    b3.months("S", 10, 40, 40, 40, months=(1,))
    b3.months("S", 25, 90, 90, 90, months=range(2, 13))
    assert not any("d) là 50%" in w for w in b3.rate().of("L").canh_bao), b3.rate().of("L").canh_bao


# ---------------------------------------------------------------------------------------------
# the workbook: validation
# ---------------------------------------------------------------------------------------------
def _tables() -> dict[str, list]:
    """wf.tables() in 2026, without the sheets of the old regime; KetQuaKy filled by the tests."""
    t = wf.tables()
    t["CoQuan"] = [(k, YEAR if k == "nam_danh_gia" else v.replace(year=YEAR) if isinstance(v, dt.date) else v)
                   for k, v in t["CoQuan"]]
    t["KyLuat"][0]["ngay_hieu_luc"] = dt.date(YEAR, 6, 20)
    for p in t["NhanSu"]:
        if p["ma_so"] == "NS-03":
            p.update(so_thang_nghi=0, tu_xep_loai="HTT")
    del t["TieuChi"], t["ChamDiem"], t["BieuQuyet"], t["ThiDua"]
    return t


def _row(ma_so: str, month: int, general: float, rate_: float, source: str = "", leader: bool = False) -> dict:
    row = dict(ma_so=ma_so, ky=f"{YEAR}-{month:02d}", diem_tieu_chi_chung=general, ty_le_so_luong=rate_,
               ty_le_chat_luong=rate_, ty_le_tien_do=rate_, don_vi_danh_gia=source or None)
    if leader:
        row.update(ty_le_ket_qua_don_vi=100, ty_le_to_chuc_thuc_hien=90, ty_le_doan_ket=90)
    return row


def _transfer_rows() -> list[dict]:
    """NS-03 transferred in June: January–May rated by the old agency (66), June–December here (91)."""
    return [_row("NS-03", m, 24, 60, OLD) if m <= 5 else _row("NS-03", m, 28, 90) for m in range(1, 13)]


def test_the_column_is_read_and_every_odd_use_is_warned_at_its_cell(tmp_path):
    t = _tables()
    rows = _transfer_rows()  # rows 2–13: lawful, no message
    rows += [_row("NS-01", m, 28, 100, leader=True) for m in range(1, 13)]  # rows 14–25
    rows[15]["don_vi_danh_gia"] = "  văn phòng UBND tỉnh  thử nghiệm "  # row 17 (NS-01, March): this agency's own name
    rows += [_row("NS-05", 1, 25, 90), _row("NS-05", 2, 25, 90, OLD)]  # rows 26, 27: February elsewhere after January here
    rows += [_row("NS-05", m, 25, 90) for m in range(3, 13)]  # rows 28–37
    rows += [_row("NS-06", m, 24, 90, "Trung tâm Dịch vụ việc làm") for m in range(9, 13)]  # rows 38–41: all elsewhere
    t["KetQuaKy"] = rows
    path = wf.write(tmp_path / "so.xlsx", t)
    problems = [p for p in ingest.check(path) if p.sheet == "KetQuaKy"]
    col = openpyxl.utils.get_column_letter([c.key for c in schema.KET_QUA_KY.columns].index("don_vi_danh_gia") + 1)
    got = sorted((p.severity, p.row, p.column) for p in problems)
    assert got == [("canh_bao", 17, col), ("canh_bao", 27, col), ("canh_bao", 38, col)], [p.text() for p in problems]
    text = {p.row: p.text() for p in problems}
    assert "là chính cơ quan này" in text[17] and "coi kỳ này do cơ quan này theo dõi, đánh giá" in text[17]
    assert f"Kỳ 2026-02 ghi do «{OLD}» theo dõi, đánh giá nhưng kỳ 2026-01 trước đó (dòng 26)" in text[27]
    assert ("Mọi kỳ có kết quả của người này (4 kỳ) do cơ quan, đơn vị khác theo dõi, đánh giá (Trung tâm Dịch vụ "
            "việc làm)") in text[38]
    assert "cơ quan này vẫn đánh giá, xếp loại năm trên cơ sở kết quả cơ quan cũ gửi (Điều 21" in text[38]
    assert f"ô {col}38" in text[38]
    campaign = ingest.load(path)
    by = {(p.ma_so, p.ky): p.don_vi_danh_gia for p in campaign.periods}
    assert by[("NS-03", "2026-05")] == OLD and by[("NS-03", "2026-06")] == ""
    assert by[("NS-01", "2026-03")] == ""  # the agency's own name: this agency's period
    assert rate(campaign).of("NS-03").diem == pytest.approx(967 / 12)


def test_a_workbook_without_the_column_reads_as_before(tmp_path):
    t = _tables()
    t["KetQuaKy"] = [_row("NS-03", m, 28, 90) for m in range(1, 13)]
    order = [c.key for c in schema.KET_QUA_KY.columns if c.key != "don_vi_danh_gia"]
    path = wf.write(tmp_path / "so.xlsx", t, order={"KetQuaKy": order})
    assert not [p for p in ingest.check(path) if p.sheet == "KetQuaKy"]
    assert {p.don_vi_danh_gia for p in ingest.load(path).periods} == {""}


# ---------------------------------------------------------------------------------------------
# the papers (real LibreOffice)
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory, cache_dir):
    t = _tables()
    rows = _transfer_rows()
    rows += [_row("NS-06", m, 24, 90, "Trung tâm Dịch vụ việc làm") for m in range(9, 13)]  # every period elsewhere
    t["KetQuaKy"] = rows
    path = wf.write(tmp_path_factory.mktemp("xfer") / "so.xlsx", t)
    out = tmp_path_factory.mktemp("xfer_out") / "ket_qua"
    api.build(path, out, BuildOptions(cache_dir=cache_dir, persons=frozenset({"NS-03", "NS-06"})), log=lambda _: None)
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _doc_text(out: Path, manifest: dict, ma_so: str, form: str) -> str:
    (person,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == ma_so]
    (doc,) = [d for d in person["tai_lieu"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(first + n - 1), str(out / person["pdf"]),
                           "-"], capture_output=True, text=True, check=True).stdout


def test_the_period_sheet_names_the_old_agency_and_confirms_only_this_agencys_months(built):
    out, manifest = built
    text = flat(_doc_text(out, manifest, "NS-03", "theo_doi_ky"))
    for m in range(1, 6):
        assert f"{m}. Tháng {m:02d}/2026 (kết quả theo dõi, đánh giá do {OLD} gửi)" in text
    for m in range(6, 13):
        assert f"{m}. Tháng {m:02d}/2026 Điểm tiêu chí chung" in text  # no source: this agency's month
    assert text.count(f"do {OLD} gửi") == 6  # five months and the note
    assert f"Tháng 01–05/2026: kết quả theo dõi, đánh giá do {OLD} gửi." in text
    # (5 × 66 + 7 × 91) / 12 = 80.5833… printed cut: 80,58
    assert "Điểm đánh giá năm (trung bình cộng điểm các kỳ): 80,58 (12 tháng)." in text
    assert ("Người quản lý xác nhận kết quả tháng 06–12/2026 do Văn phòng UBND tỉnh Thử Nghiệm theo dõi, "
            "đánh giá.") in text
    assert "NGƯỜI TỰ ĐÁNH GIÁ" in text and "(Xác nhận, ký, ghi rõ họ tên)" in text


def test_the_phieu_marks_the_sent_periods_under_its_table(built):
    out, manifest = built
    text = flat(_doc_text(out, manifest, "NS-03", "phieu_nd335"))
    for m in range(1, 6):
        assert f"{m} Tháng {m:02d}/2026 (*) 24,00 60 60 60 66,00" in text
    assert "6 Tháng 06/2026 28,00 90 90 90 91,00" in text
    assert f"(*) Tháng 01–05/2026: kết quả theo dõi, đánh giá do {OLD} gửi." in text
    assert "80,58" in text and "Hoàn thành tốt nhiệm vụ" in text


def test_every_period_sent_the_period_sheet_has_no_confirmation(built):
    out, manifest = built
    text = flat(_doc_text(out, manifest, "NS-06", "theo_doi_ky"))
    assert "Tháng 09–12/2026: kết quả theo dõi, đánh giá do Trung tâm Dịch vụ việc làm gửi." in text
    assert "NGƯỜI TỰ ĐÁNH GIÁ" in text
    assert "XÁC NHẬN" not in text and "(Xác nhận, ký, ghi rõ họ tên)" not in text
    assert "Người quản lý xác nhận" not in text


# ---------------------------------------------------------------------------------------------
# the sample, the blank workbook, the rollover, the KPI import
# ---------------------------------------------------------------------------------------------
def test_the_ratings_table_names_the_agency_of_each_period(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["rate", str(sample_workbook(YEAR)), "-o", str(tmp_path)])
    assert exc.value.code == 0
    ws = openpyxl.load_workbook(tmp_path / "ket_qua_xep_loai.xlsx")["DiemKy"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    at = rows[0].index("Cơ quan, đơn vị đánh giá kỳ (để trống: cơ quan này)")
    sent = {(r[0], r[3]): r[at] for r in rows[1:] if r[0] == "VP-020"}
    assert sent[("VP-020", "2026-06")] == "Sở Tư pháp tỉnh Hà Giang Nam"
    assert sent[("VP-020", "2026-07")] in ("", None)


def test_the_2026_sample_has_a_person_transferred_in_july():
    campaign = ingest.load(sample_workbook(YEAR))
    sent = sorted(p.ky for p in campaign.periods if p.don_vi_danh_gia == "Sở Tư pháp tỉnh Hà Giang Nam")
    assert sent == [f"{YEAR}-{m:02d}" for m in range(1, 7)]
    assert {p.ma_so for p in campaign.periods if p.don_vi_danh_gia} == {"VP-020"}
    pr = rate(campaign).of("VP-020")
    assert pr.muc_de_xuat == "HTT"
    assert any("kỳ 2026-01 đến 2026-06 do «Sở Tư pháp tỉnh Hà Giang Nam»" in x for x in pr.ly_do)


def test_blank_and_rollover_workbooks_have_the_column_empty(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["init", str(tmp_path / "trong"), "--nam", str(YEAR)])
    assert exc.value.code == 0
    blank = tmp_path / "trong" / "ho_so_danh_gia.xlsx"
    label = schema.KET_QUA_KY.column("don_vi_danh_gia").label
    ws = openpyxl.load_workbook(blank)["KetQuaKy"]
    assert [c.value for c in ws[1]][-1] == label == "Cơ quan, đơn vị đánh giá kỳ"
    assert not [p for p in ingest.check(blank) if p.is_error and p.sheet in ("KetQuaKy", "Kết quả kỳ")]
    # the rollover of the 2026 sample (VP-020's sent months in it): next year's workbook starts without periods
    rolled = api.init_from(sample_workbook(YEAR), tmp_path / "nam_sau").dest
    campaign = ingest.load(rolled)
    assert campaign.year == YEAR + 1 and not campaign.periods


def test_the_kpi_import_keeps_a_clerks_old_agency(tmp_path, capsys):
    wb = tmp_path / "so_2026.xlsx"
    shutil.copyfile(sample_workbook(YEAR), wb)
    export = tmp_path / "kpi.csv"
    # VP-020's March (sent by Sở Tư pháp) re-imported with a corrected general score; VP-021's October added
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-020;3;2026;24;;;\nVP-021;10;2026;25;100;85;80\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["nhap-ket-qua", str(export), "--vao", str(wb)])
    assert exc.value.code == 0, capsys.readouterr().err
    campaign = ingest.load(wb)
    by = {(p.ma_so, p.ky): p for p in campaign.periods}
    assert by[("VP-020", "2026-03")].diem_tieu_chi_chung == 24
    assert by[("VP-020", "2026-03")].don_vi_danh_gia == "Sở Tư pháp tỉnh Hà Giang Nam"  # the clerk's cell kept
    assert by[("VP-021", "2026-10")].don_vi_danh_gia == ""  # an added row: this agency's


def test_periods_are_named_in_runs():
    from pipeline.forms.context_2026 import periods_span
    from pipeline.rating.periods import runs_text

    assert periods_span(["2026-03", "2026-01", "2026-02", "2026-05"]) == "tháng 01–03, 05/2026"
    assert periods_span(["2026-Q1", "2026-Q2", "2026-Q4"]) == "quý I–II, IV/2026"
    assert periods_span(["2026-07"]) == "tháng 07/2026" and periods_span([]) == ""
    assert runs_text(["2026-05", "2026-01", "2026-02", "2026-03"]) == "2026-01 đến 2026-03, 2026-05"
    assert runs_text(["2026-Q3", "2026-Q4"]) == "2026-Q3 đến 2026-Q4"
