"""The submission to the Sở Nội vụ: report, biểu tổng hợp, notice, copies, zip, manifest, write-back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from fakes import blank_conversion, submit_alone
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader, PdfWriter
from rating_builder import Book

from pipeline import api, ingest
from pipeline.forms.registry import Registry
from pipeline.plan import make_plan
from pipeline.rating import rate
from pipeline.submission import package, report, summary_table, writeback

LEVELS = ("HTXS", "HTT", "HT", "KHT")
ROW_OF = {  # (loai_nhan_su, leader) -> row code, written independently of summary_table.category
    ("can_bo", False): "can_bo", ("can_bo", True): "can_bo",
    ("cong_chuc", True): "cong_chuc_lanh_dao", ("cong_chuc", False): "cong_chuc",
    ("vien_chuc", True): "vien_chuc_quan_ly", ("vien_chuc", False): "vien_chuc",
    ("hop_dong", False): "hop_dong", ("hop_dong", True): "hop_dong",
    ("nguoi_lao_dong", False): "nguoi_lao_dong", ("nguoi_lao_dong", True): "nguoi_lao_dong",
}


def independent_count(ratings_doc: dict, people) -> dict[str, Counter]:
    """Count ket_qua_xep_loai.json by hand: row -> Counter(tong, xep_loai, HTXS…KHT, khong_xep_loai)."""
    row_of = {p.ma_so: ROW_OF[(p.loai_nhan_su, p.lanh_dao_quan_ly)] for p in people}
    out: dict[str, Counter] = {}
    for person in ratings_doc["nguoi"]:
        for row in (row_of[person["ma_so"]], "tong_cong"):
            c = out.setdefault(row, Counter())
            c["tong"] += 1
            if person["trang_thai"] == "khong_xep_loai":
                c["khong_xep_loai"] += 1
                continue
            c["xep_loai"] += 1
            level = person["muc_quyet_dinh"] or person["muc_de_xuat"]
            if level:
                c[level] += 1
    return out


def assert_counts_equal(table: dict[str, dict], expected: dict[str, Counter]) -> None:
    for code, _label in (*summary_table.CATEGORIES, summary_table.TOTAL):
        want = expected.get(code, Counter())
        got = table[code]
        for key in ("tong", "xep_loai", *LEVELS, "khong_xep_loai"):
            assert got[key] == want[key], (code, key, got, dict(want))


# ---------------------------------------------------------------------------------------------
# on the sample (one real build, shared)
# ---------------------------------------------------------------------------------------------
def test_summary_counts_equal_an_independent_count_on_the_sample(built, sample):
    out, _ = built
    campaign = ingest.load(sample)
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    expected = independent_count(doc, campaign.people)
    counts, entries = summary_table.read_table(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")
    assert_counts_equal(counts, expected)
    assert sorted(e["ma_so"] for e in entries) == sorted(p["ma_so"] for p in doc["nguoi"])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert_counts_equal(manifest["nop_so_noi_vu"]["bieu_tong_hop"], expected)
    # the sample has every row but cán bộ/hợp đồng leaders, a person not rated and decided levels absent
    assert expected["tong_cong"]["khong_xep_loai"] >= 1 and expected["can_bo"]["tong"] >= 1
    # percentages of those rated, in the sheet
    ws = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")[summary_table.SHEET]
    total_row = summary_table.FIRST_ROW + len(summary_table.CATEGORIES)
    t = expected["tong_cong"]
    pct = ws.cell(row=total_row, column=summary_table.COL_LEVEL["HTT"] + 1).value
    # the percentage as printed (one decimal of a percent): the ratio within half a tenth of a percent
    assert pct == pytest.approx(t["HTT"] / t["xep_loai"], abs=5e-4) and pct == round(pct, 3)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_report_has_the_nd30_parts_and_the_computed_results(built, sample):
    out, _ = built
    folder = out / "nop_so_noi_vu"
    for name in ("bao_cao_ket_qua_danh_gia.docx", "bao_cao_ket_qua_danh_gia.pdf", "bieu_tong_hop.xlsx",
                 "bieu_tong_hop.pdf", "bieu_tong_hop.docx"):
        assert (folder / name).is_file(), name
    text = " ".join(pdf_text(folder / "bao_cao_ket_qua_danh_gia.pdf").split())
    # a báo cáo's symbol is its type and the agency's abbreviation (ND 30/2020 Phụ lục I): «VP» of the công
    # văn's «VP-HCQT», not the drafting unit (audit sym45; it printed «/BC-VP-HCQT» before)
    assert "HCQT" not in text
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: …………/BC-VP ",
                 "BÁO CÁO Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động "
                 "năm 2024", "Nơi nhận: - Sở Nội vụ tỉnh Hà Giang Nam (để tổng hợp);", "I. TÌNH HÌNH TRIỂN KHAI", "II. KẾT QUẢ ĐÁNH GIÁ", "III. TỒN TẠI, HẠN CHẾ",
                 "IV. KIẾN NGHỊ", "Nơi nhận:", "Lưu: VT", "CHÁNH VĂN PHÒNG", "Nguyễn Đình Khải", "Tổng cộng",
                 "Công chức giữ chức vụ lãnh đạo, quản lý", "Viên chức không giữ chức vụ quản lý",
                 "……"):
        assert part in text, part
    # ND 30/2020 báo cáo: no "V/v" and no "Kính gửi"; no deadline arithmetic in a signed document
    for absent in ("V/v", "Kính gửi", "quá hạn", "còn ", "hạn cuối", "15/11/2024"):
        assert absent not in text, absent
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    # the agency's staff, the head among them though the Chủ tịch UBND tỉnh rates him (ND 90 Art. 16):
    # never all said to be «thuộc thẩm quyền đánh giá» of the agency that signs the report
    assert (f"1. Tổng số cán bộ, công chức, viên chức và người lao động của cơ quan: {len(doc['nguoi'])} người (kể cả "
            "người đứng đầu cơ quan, do cấp trên trực tiếp đánh giá, xếp loại); trong đó được đánh giá") in text
    assert "thuộc thẩm quyền đánh giá" not in text
    rated = [p for p in doc["nguoi"] if p["trang_thai"] == "xep_loai"]
    htt = sum(1 for p in rated if (p["muc_quyet_dinh"] or p["muc_de_xuat"]) == "HTT")
    share = f"{100 * htt / len(rated):.1f}".replace(".", ",")
    assert f"Hoàn thành tốt nhiệm vụ: {htt} người, tỷ lệ {share}%;" in text
    # the list ends with a full stop (everyone rated has a level in the sample: KHT is the last item)
    kht = sum(1 for p in rated if (p["muc_quyet_dinh"] or p["muc_de_xuat"]) == "KHT")
    last = f"{100 * kht / len(rated):.1f}".replace(".", ",")
    assert f"Không hoàn thành nhiệm vụ: {kht} người, tỷ lệ {last}%. (Mức xếp loại nêu trên" in text
    # so does the list of comparable groups (section 4) before section III (a page's number may fall between)
    assert re.search(r"(trong tỷ lệ|VƯỢT TỶ LỆ)( \([^)]*\))?\.( \d+)? III\. TỒN TẠI", text), text[-2000:]
    assert f"được đánh giá, xếp loại: {len(rated)} người" in text
    table = " ".join(pdf_text(folder / "bieu_tong_hop.pdf").split())
    assert "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ" in table and "KIỂM TRA TỶ LỆ HOÀN THÀNH XUẤT SẮC" in table


def test_the_table_says_its_levels_are_proposals_until_decided(built):
    """The biểu tổng hợp may be filed or sent without its report: like the report (section II.2) it
    says that the levels it counts are proposals while the competent evaluator has decided none (the
    2024 sample has no «Mức xếp loại của cấp có thẩm quyền»)."""
    out, _ = built
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    assert not any(p["muc_quyet_dinh"] for p in doc["nguoi"])
    note = "Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định"
    table = " ".join(pdf_text(out / "nop_so_noi_vu" / "bieu_tong_hop.pdf").split())
    assert f"không xếp loại: thời gian công tác trong năm dưới 06 tháng. {note}." in table
    assert note in " ".join(pdf_text(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf").split())


def test_the_groups_sheet_names_each_group_as_the_table_prints_it(built):
    """bieu_tong_hop.xlsx goes to the Sở Nội vụ: sheet TyLeHTXS names a default comparable group in
    words, as the biểu's PDF does (it showed the key `cong_chuc/khong_giu_chuc_vu`); a group the
    workbook names «TH/…» is «<part> – <unit name>»."""
    out, _ = built
    wb = load_workbook(out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")
    names = [r[1] for r in wb["TyLeHTXS"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert names and not [n for n in names if "_" in n]
    assert "Công chức không giữ chức vụ lãnh đạo, quản lý" in names
    printed = " ".join(pdf_text(out / "nop_so_noi_vu" / "bieu_tong_hop.pdf").split())
    assert all(" ".join(n.split()) in printed for n in names)


def test_templates_use_no_keep_with_next():
    registry = Registry()
    for code in ("bao_cao_so_noi_vu", "bieu_tong_hop"):
        with zipfile.ZipFile(registry.get(code).template) as zf:
            assert b"keepNext" not in zf.read("word/document.xml"), code
            assert b"cantSplit" in zf.read("word/document.xml"), code


def test_folder_holds_the_leaders_collective_file_once(built, sample):
    """dossier.md §3.2 items 4–5: the leaders' collective file (the minutes and collective review report of the
    head's unit, with the leaders' own dossiers) goes up, made for the Sở from the head's unit dossier; the unit
    dossiers themselves (every staff member's party documents, the chi bộ's report) do not, and no dossier is
    there twice."""
    out, _ = built
    campaign = ingest.load(sample)
    folder = out / "nop_so_noi_vu"
    leaders = package.agency_leaders(campaign)
    head = next(p for p in campaign.people if p.ho_ten == campaign.agency.nguoi_dung_dau)
    assert leaders[0] == head
    assert {p.ma_so for p in leaders} == {p.ma_so for p in campaign.people
                                          if p.ma_don_vi == head.ma_don_vi and p.vai_tro in ("truong", "pho")}
    assert not (folder / "don_vi").exists()
    assert not (folder / "lanh_dao").exists()  # their dossiers are inside the leaders' file
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = manifest["nop_so_noi_vu"]["lanh_dao"]
    assert [x["ma_so"] for x in entries] == [p.ma_so for p in leaders]
    assert {x["pdf"] for x in entries} == {"nop_so_noi_vu/ho_so_lanh_dao.pdf"}
    sent = next(t for t in manifest["nop_so_noi_vu"]["tep"] if t["loai"] == "tap_the_lanh_dao")
    unit = next(u for u in manifest["don_vi"] if u["ma_don_vi"] == head.ma_don_vi)
    # the unit's minutes and collective review report, then its leaders, as in the unit dossier; nothing else
    assert [(m["mau"], m["ma_so"]) for m in sent["muc"]] == \
        [(m["mau"], m["ma_so"]) for m in unit["muc"] if m["mau"] in ("bien_ban_hop", "kiem_diem_tap_the")
         or m["ma_so"] in {p.ma_so for p in leaders}]
    assert [m["ma_so"] for m in sent["muc"] if m["ma_so"]] == [p.ma_so for p in leaders]
    digests = [f["sha256"] for f in manifest["files"] if f["path"].startswith("nop_so_noi_vu/")]
    assert len(digests) == len(set(digests))  # no file twice


def test_a_draft_notice_stays_out_of_the_submission(built):
    """The sample has no decided level: its notice is a draft, kept beside its .docx, not sent."""
    out, summary = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    kinds = {t["loai"] for t in manifest["nop_so_noi_vu"]["tep"]}
    assert "thong_bao_ket_qua" not in kinds
    assert not (out / "nop_so_noi_vu" / "thong_bao_ket_qua.pdf").exists()
    assert "DỰ THẢO" in pdf_text(out / "co_quan" / "thong_bao_ket_qua.pdf")


def test_zip_lists_the_same_files_as_the_manifest_section(built):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    section = manifest["nop_so_noi_vu"]
    assert section["zip"] == "ho_so_2024.zip"
    files = {f["path"]: f for f in manifest["files"]}
    listed = sorted(t["path"] for t in section["tep"])
    on_disk = sorted(p.relative_to(out).as_posix() for p in (out / "nop_so_noi_vu").rglob("*") if p.is_file())
    with zipfile.ZipFile(out / section["zip"]) as zf:
        names = [i.filename for i in zf.infolist()]
        assert names == sorted(names) == listed == on_disk
        for info in zf.infolist():
            assert info.date_time == (2024, 11, 5, 0, 0, 0) and info.external_attr == 0o644 << 16  # CoQuan.ngay_lap
            assert hashlib.sha256(zf.read(info)).hexdigest() == files[info.filename]["sha256"]
    # manifest.json covers every output file, the zip and the write-back copy included
    assert {"ho_so_2024.zip", "so_lieu_kem_ket_qua.xlsx", *listed} <= set(files)
    assert manifest["pham_vi"]["toan_bo"] is True


def test_identical_input_gives_an_identical_zip(built, sample, cache_dir, tmp_path):
    out, _ = built
    first = (out / "ho_so_2024.zip").read_bytes()
    again = tmp_path / "again"
    api.build(sample, again, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert (again / "ho_so_2024.zip").read_bytes() == first
    for name in ("nop_so_noi_vu/bieu_tong_hop.xlsx", "so_lieu_kem_ket_qua.xlsx",
                 "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.docx"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_build_leaves_the_input_unchanged_and_writes_back_a_copy(built, sample):
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == manifest["dau_vao_sha256"]
    wb = load_workbook(out / "so_lieu_kem_ket_qua.xlsx")
    ws = wb["NhanSu"]
    header = [c.value for c in ws[1]]
    for title, _w in writeback.COLUMNS:
        assert header.count(title) == 1, title
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    by = {p["ma_so"]: p for p in doc["nguoi"]}
    code_col = header.index("ma_so") + 1 if "ma_so" in header else header.index("Mã số") + 1
    proposal_col = header.index("Mức đề xuất (chương trình)") + 1
    seen = 0
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row=row, column=code_col).value
        if code in by:
            seen += 1
            assert (ws.cell(row=row, column=proposal_col).value or None) == by[code]["muc_de_xuat"]
            for col in range(len(header) - len(writeback.COLUMNS) + 1, len(header) + 1):
                assert ws.cell(row=row, column=col).data_type != "f"
    assert seen == len(by)


# ---------------------------------------------------------------------------------------------
# without LibreOffice: a small synthetic campaign
# ---------------------------------------------------------------------------------------------
def synthetic_campaign():
    b = Book()
    b.person("A1", name="Nguyễn Văn Thủ Trưởng", unit="LD", kind="cong_chuc", leader=True, vote=(5, 5))
    b.person("A2", unit="LD", kind="cong_chuc", leader=True, vote=(5, 0, 5))
    b.person("A3", unit="LD", kind="can_bo", vote=(5, 0, 5))
    b.person("B1", unit="P1", kind="cong_chuc", vote=(5, 0, 5), decided="HT")
    b.person("B2", unit="P1", kind="cong_chuc", months=4)
    b.person("B3", unit="P1", kind="hop_dong", vote=(5, 0, 0, 5))
    b.person("C1", unit="P2", kind="vien_chuc", leader=True, vote=(5, 0, 5))
    b.person("C2", unit="P2", kind="vien_chuc", vote=(5, 0, 0, 0, 5))
    b.person("C3", unit="P2", kind="nguoi_lao_dong", vote=(5, 0, 5))
    b.person("C4", unit="P2", kind="vien_chuc", absent=4, vote=(5, 0, 5))
    campaign = b.campaign()
    people = list(campaign.people)
    people[0] = dataclasses.replace(people[0], vai_tro="truong")  # the head of the agency
    campaign = dataclasses.replace(campaign, people=tuple(people),
                                   agency=dataclasses.replace(campaign.agency, ky_hieu_van_ban="VP",
                                                              han_nop_so_noi_vu=dt.date(2024, 11, 15)))
    return campaign, rate(campaign)


def test_summary_counts_equal_an_independent_count_on_a_synthetic_campaign(tmp_path):
    campaign, ratings = synthetic_campaign()
    doc = json.loads(json.dumps({"nguoi": [
        {"ma_so": p.ma_so, "trang_thai": p.trang_thai, "muc_de_xuat": p.muc_de_xuat, "muc_quyet_dinh": p.muc_quyet_dinh}
        for p in ratings.people]}))
    expected = independent_count(doc, campaign.people)
    path = tmp_path / "bieu.xlsx"
    summary_table.write(path, campaign, ratings)
    counts, _ = summary_table.read_table(path)
    assert_counts_equal(counts, expected)
    assert expected["tong_cong"]["khong_xep_loai"] == 1 and expected["cong_chuc"]["HT"] == 1  # decided level counts
    assert {code for code, _ in summary_table.CATEGORIES} <= set(expected)  # every row has someone
    rows = summary_table.summary_rows(campaign, ratings)
    assert [r.ma for r in rows] == [c for c, _ in summary_table.CATEGORIES] + ["tong_cong"]
    assert path.read_bytes() == summary_table.reproducible_bytes(summary_table.workbook(campaign, ratings), 2024)


def test_deadline_days_left_or_overdue():
    due = dt.date(2024, 11, 15)
    assert report.Deadline(due, dt.date(2024, 11, 5)).status == "còn 10 ngày"
    assert report.Deadline(due, dt.date(2024, 11, 15)).status == "hôm nay là hạn cuối"
    assert report.Deadline(due, dt.date(2024, 11, 18)).status == "đã quá hạn 3 ngày"
    campaign, ratings = synthetic_campaign()
    spec = Registry().get("bao_cao_so_noi_vu")
    rows = summary_table.summary_rows(campaign, ratings)
    ctx = report.report_context(campaign, ratings, spec, rows, today=dt.date(2024, 11, 20))
    # the report's context carries the date only: no days left or overdue in a signed document
    assert ctx["han_nop"] == {"ngay": "15/11/2024"}
    assert ctx == report.report_context(campaign, ratings, spec, rows, today=dt.date(2026, 1, 1))
    assert ctx["so_hieu"].endswith("/BC-VP")
    no_deadline = dataclasses.replace(campaign, agency=dataclasses.replace(campaign.agency, han_nop_so_noi_vu=None))
    assert report.report_context(no_deadline, ratings, spec, rows)["han_nop"] is None
    assert report.deadline(no_deadline) is None


def _blank_pdf() -> bytes:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def test_submission_package_without_libreoffice_is_deterministic(tmp_path):
    campaign, ratings = synthetic_campaign()
    registry = Registry()
    plan = make_plan(campaign, registry)
    pdf = _blank_pdf()

    outputs = []
    for n in range(2):
        stage = tmp_path / f"stage{n}"
        for unit in plan.units:  # stand-ins for the bundles of the build
            (stage / unit.pdf).parent.mkdir(parents=True, exist_ok=True)
            (stage / unit.pdf).write_bytes(pdf)
        for d in plan.persons:
            (stage / d.pdf).parent.mkdir(parents=True, exist_ok=True)
            (stage / d.pdf).write_bytes(pdf + d.ma_so.encode())
        logged = []
        # the notice (when the form set has it) as the bundles' stage leaves it
        sub = submit_alone(stage, campaign, ratings, plan, registry=registry, convert=blank_conversion(pdf),
                           agency_pdf=pdf, today=dt.date(2024, 11, 5), log=logged.append)
        outputs.append(((stage / "ho_so_2024.zip").read_bytes(), sub))
        if n == 0:
            time.sleep(1.1)  # a second later: any timestamp left in the files would differ
    (zip1, sub1), (zip2, sub2) = outputs
    assert zip1 == zip2
    section = sub1.manifest["nop_so_noi_vu"]
    assert [x["ma_so"] for x in section["lanh_dao"]] == ["A1", "A2"]  # the head, then the head's unit leaders
    with zipfile.ZipFile(io.BytesIO(zip1)) as zf:
        assert zf.namelist() == sorted(t["path"] for t in section["tep"])
        # the leaders' collective file (made from their unit's dossier, their own dossiers inside) once; no unit's
        assert "nop_so_noi_vu/ho_so_lanh_dao.pdf" in zf.namelist()
        assert not any(n.startswith("nop_so_noi_vu/don_vi/") for n in zf.namelist())
        assert not any(n.startswith("nop_so_noi_vu/lanh_dao/") for n in zf.namelist())
        # real dates: the report's date, else the workbook's document date, else the day of the build
        expected = package.zip_time(campaign, dt.date(2024, 11, 5))
        assert expected != package.ZIP_TIME and {i.date_time for i in zf.infolist()} == {expected}
    assert sub1.deadline.status == "còn 10 ngày"
    readme = (tmp_path / "stage0" / "README.txt").read_text(encoding="utf-8")
    assert "còn 10 ngày" in readme and "nop_so_noi_vu/ho_so_lanh_dao.pdf" in readme
    # the notice goes up once a level is decided (here: some are); a draft would stay out
    decided = any(pr.muc_quyet_dinh for pr in ratings.people)
    has_notice = any(job.form == "thong_bao_ket_qua" for job in plan.agency)
    assert ("nop_so_noi_vu/thong_bao_ket_qua.pdf" in [t["path"] for t in section["tep"]]) == (has_notice and decided)
    assert any("dự thảo" in w for w in sub1.warnings) == (has_notice and not decided)


def test_no_leader_dossiers_when_the_head_is_not_in_the_staff_list():
    campaign, _ = synthetic_campaign()
    other = dataclasses.replace(campaign, agency=dataclasses.replace(campaign.agency, nguoi_dung_dau="Ai Đó"))
    assert package.agency_leaders(other) == []
    spaced = dataclasses.replace(campaign, agency=dataclasses.replace(campaign.agency,
                                                                      nguoi_dung_dau="  nguyễn  văn thủ TRƯỞNG "))
    assert [p.ma_so for p in package.agency_leaders(spaced)] == ["A1", "A2"]


def test_write_back_copies_the_input_and_never_touches_it(sample, tmp_path):
    source = tmp_path / "input.xlsx"
    shutil.copyfile(sample, source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    campaign = ingest.load(source)
    ratings = rate(campaign)
    dest = tmp_path / "copy.xlsx"
    writeback.write_copy(source, dest, campaign, ratings)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    ws = load_workbook(dest)["NhanSu"]
    assert [c.value for c in ws[1]][-len(writeback.COLUMNS):] == [t for t, _ in writeback.COLUMNS]
    # fed back, the copy does not pile up columns
    again = tmp_path / "again.xlsx"
    writeback.write_copy(dest, again, ingest.load(dest), ratings)
    assert load_workbook(again)["NhanSu"].max_column == ws.max_column
    with pytest.raises(writeback.WritebackSkipped):
        writeback.write_copy(tmp_path / "x.xls", tmp_path / "y.xlsx", campaign, ratings)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    for i, value in enumerate(("=1+1", "+A1", "-2", "@SUM(A1)"), start=1):
        writeback._put_text(ws, i, 1, value)
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ws = load_workbook(path).active
    assert [ws.cell(row=i, column=1).value for i in range(1, 5)] == ["=1+1", "+A1", "-2", "@SUM(A1)"]
    assert all(ws.cell(row=i, column=1).data_type == "s" for i in range(1, 5))


def test_an_agency_templates_folder_without_the_submission_forms_falls_back(tmp_path):
    campaign, ratings = synthetic_campaign()
    own = tmp_path / "mau"
    shutil.copytree(Registry().root, own, ignore=shutil.ignore_patterns("bao_cao_so_noi_vu", "bieu_tong_hop"))
    registry = Registry(own)
    pdf = _blank_pdf()
    sub = submit_alone(tmp_path / "stage", campaign, ratings, make_plan(campaign, registry), registry=registry,
                       convert=blank_conversion(pdf))
    assert (tmp_path / "stage" / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf").is_file()
    assert any("bao_cao_so_noi_vu" in w and "mẫu mặc định" in w for w in sub.warnings)


def test_today_for_the_deadline_can_be_set(monkeypatch, capsys, tmp_path):
    """HOSO_HOM_NAY (pipeline/clock.py): the deadline line as it reads on that day; a malformed date
    is refused with exit 2 before anything is written."""
    campaign, _ratings = synthetic_campaign()  # deadline 15/11/2024
    monkeypatch.setenv("HOSO_HOM_NAY", "2024-11-20")
    assert report.deadline(campaign).line == ("Hạn gửi hồ sơ cho Sở Nội vụ: 15/11/2024 — đã quá hạn 5 ngày "
                                              "(tính đến hôm nay, 20/11/2024).")
    monkeypatch.setenv("HOSO_HOM_NAY", "2024-11-15")
    assert report.deadline(campaign).status == "hôm nay là hạn cuối"
    monkeypatch.setenv("HOSO_HOM_NAY", "20/11/2024")
    from pipeline.cli import main
    from pipeline.resources import sample_workbook

    out = tmp_path / "ra"
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample_workbook()), "-o", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 2, err
    assert "Biến môi trường HOSO_HOM_NAY «20/11/2024» không phải một ngày dạng NĂM-THÁNG-NGÀY." in err
    assert not out.exists()
