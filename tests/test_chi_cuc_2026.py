"""A 2026 Chi cục under a Sở (tests/chi_cuc_2026.py) read as the people who sign its papers (helper sig).

Outcomes worked out by hand from the rules' words (workbook-2026.md «Scores and levels»; regime-2026.md §1.3,
§1.4, §2; docs/rating.md rules 2–4, 7), never from the engine's formula. Period score: non-leader
general + 70 × (a + b + c) / 300, leader general + 70 × (a + b + c + d + đ + e) / 600; year = mean of the
periods present, printed with two decimals cut.
- KL-01 Chi cục trưởng: 27 + 70·585/600 = 95.25 in 11 months, August (d 50) 27 + 70·535/600 = 89.416…; mean
  94.763… → «94,76», HTXS; rated by the Giám đốc Sở, outside the Chi cục's groups (docs/rating.md rule 4).
- KL-02, KL-04: 26 + 70·565/600 = 91.916… → 91,91, HTXS by points. KL-03: 26 + 70·560/600 = 91.333… in 11 months,
  August (d 50) 26 + 70·510/600 = 85.5; mean 90.847… → 90,84, HTXS by points. KL-05: 25 + 70·540/600 = 88.
  KL-11: 88 in 11 months, August 25 + 70·490/600 = 82.166…; mean 87.513… → HTT.
- Leaders' group (KL-02, KL-03, KL-04 HTXS; KL-05, KL-11 HTT): keeping 1 leaves 4 HTT, 20 % = 0.8 → 0 < 1: none
  kept, all five HTT.
- KL-12 27 + 70·295/300 = 95.833…, KL-13 27 + 70·290/300 = 94.666…, KL-17 26 + 70·275/300 = 90.166…: HTXS by
  points; KL-06 (January–May at the Hạt 83.5, then 88) 86.125, KL-07 (7 months worked) 25 + 70·265/300 = 86.833…,
  KL-10 (10 months) 24 + 70·245/300 = 81.166…, KL-16 88: HTT. Keeping 1: 6 HTT, 1.2 → 1 ≥ 1; keeping 2: 5 HTT,
  1.0 → 1 < 2. So 1 is kept: KL-12, the highest share of HTXS ballots (6/7; KL-13 4/7, KL-17 1/7).
- KL-14: 83.5 in 11 months, August 15 + 70·160/300 = 52.333…; mean 80.902… (HTT by points) but a khiển trách for
  a public-service fault in force 12/08/2026: KHT (ND 335 Art. 20 cl. 4c as reported).
- KL-15 recruited 01/9 (4 months): not rated. KL-08 (HĐ 111) 88, KL-09 (NLĐ) 24 + 70·250/300 = 82.333…: HTT.
- Trạm, by quarter (ND 233): KL-18 91.916… HTXS by points, KL-19 88: keeping 1 leaves 1 HTT, 0.2 → 0: KL-18 HTT.
  KL-20 (95.833… twice, 98 twice) 96.916…, KL-21 92.5 HTXS by points; KL-22 25 + 70·260/300 = 85.666…, KL-24 83.5:
  keeping 1 leaves 3 HTT, 0.6 → 0: both HTT. KL-23 (NLĐ, ND 233 by the Trạm's choice) 88 HTT.
- Final: HTXS KL-01, KL-12 (2 of 23 rated = 8,7 %); KHT KL-14 (4,3 %); HTT the other 20 (87,0 %).
- Emulation: LĐTT proposals of KL-01, 03, 04, 06, 08, 12, 14, 21 and a CSTĐCS of KL-20; KL-14 (KHT) fails; 8 reach
  LĐTT; CSTĐCS at most 15 % × 8 = 1.2 → 1: KL-20, with an initiative.

Kiêm nhiệm (NhanSu `don_vi_kiem_nhiem`): KL-03, a Phó Chi cục trưởng, sits in the Lãnh đạo Chi cục (reviewed
there, his dossier in the leaders' package sent to the Sở) and heads the Phòng Quản lý, bảo vệ rừng: he chairs
its meeting, signs its papers (no «KT.»: he signs for nobody) and is its people's direct manager. Before the
column, the clerk had to put him in the phòng: the leaders' package the Sở receives lacked one of the three
leaders (the cover letter promised «hồ sơ … của từng đồng chí lãnh đạo»).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import replace

import chi_cuc_2026 as cc
import pytest
import workbook_factory as wf
from pypdf import PdfReader

from pipeline import ingest
from pipeline.submission.verify import verify
from tests.fakes import build_each, flat, outline, pdf_text_flat, person_form_text, rated_people


@pytest.fixture(scope="module")
def out(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("sig")
    return build_each({"out": cc.write(tmp / "chi_cuc.xlsx")}, tmp, cache_dir / "sig", dt.date(cc.YEAR, 12, 7))["out"]


def test_the_clerk_s_workbook_is_accepted_with_three_warnings_on_their_cells(tmp_path):
    problems = ingest.check(cc.write(tmp_path / "chi_cuc.xlsx"))
    assert not [p for p in problems if p.is_error]
    texts = sorted(p.text() for p in problems)
    # the Chi cục trưởng's LĐTT ballot of the whole Chi cục (23) above his 3-member unit; KL-14's LĐTT proposal
    # with a KHT vote; KL-14's self-rating HTT under a khiển trách. No «không có người đứng đầu» for the phòng
    # headed concurrently
    assert len(texts) == 3, texts
    assert any("(ô F3)" in t and "Tổng số phiếu (23)" in t for t in texts)
    assert any("(ô B10)" in t and "Nông Văn Khải (KL-14)" in t for t in texts)
    assert any("(ô V15)" in t and "15/QĐ-CCKL" in t and "Không hoàn thành nhiệm vụ" in t for t in texts)


def _with_column(tmp_path, code: str, who: str = "KL-03"):
    data = cc.tables()
    for row in data["NhanSu"]:
        if row["ma_so"] == who:
            row["don_vi_kiem_nhiem"] = code
    return ingest.check(wf.write(tmp_path / "kn.xlsx", data, headers="label", sheet_names="label"))


def test_a_concurrent_unit_not_in_donvi_is_an_error_on_its_cell(tmp_path):
    col = wf.letter("NhanSu", "don_vi_kiem_nhiem")
    (err,) = [p for p in _with_column(tmp_path, "QLR") if p.is_error]
    assert f"ô {col}4" in err.text() and "Mã đơn vị kiêm nhiệm không có trong sheet «Đơn vị»" in err.text()


def test_a_concurrent_unit_with_a_head_of_its_own_is_warned_and_not_used(tmp_path):
    col = wf.letter("NhanSu", "don_vi_kiem_nhiem")
    problems = _with_column(tmp_path, "hcth")  # any case, as codes are read
    (w,) = [p.text() for p in problems if f"ô {col}4" in p.text()]
    assert "đơn vị «HCTH» đã có người giữ vai trò «Người đứng đầu»" in w and "ô này không được dùng" in w
    (own,) = [p.text() for p in _with_column(tmp_path, "LD") if f"ô {col}4" in p.text()]
    assert "là đơn vị của chính người này" in own
    # without anyone heading the phòng, check says so as before
    assert any("Đơn vị «QLBVR» không có người đứng đầu" in p.text() for p in _with_column(tmp_path, ""))


def test_an_empty_column_keeps_the_fingerprints_of_folders_built_before_it(tmp_path):
    """A person's rows are fingerprinted (manifest `du_lieu_nguoi`: the people a rebuild names as changed); the new
    cell, empty, must not change anyone's, or the first rebuild of a running campaign would name everybody."""
    from pipeline.submission import changes

    campaign = ingest.load(cc.write(tmp_path / "chi_cuc.xlsx"))
    fp = changes.person_fingerprints(campaign)
    ranger = next(p for p in campaign.people if p.ma_so == "KL-12")
    assert "kiem_nhiem" not in repr(ranger) and "kiem_nhiem" not in repr(campaign)
    head = next(p for p in campaign.people if p.ma_so == "KL-03")
    assert head.don_vi_kiem_nhiem == "QLBVR"
    plain = changes.person_fingerprints(replace(campaign, people=tuple(
        replace(p, don_vi_kiem_nhiem="") for p in campaign.people)))
    assert plain["KL-03"] != fp["KL-03"] and all(plain[m] == fp[m] for m in fp if m != "KL-03")


def test_the_meeting_of_the_phong_counts_its_head_among_its_members_by_default(tmp_path):
    """DonVi «Số thành viên» empty: the meeting's members are the unit's people (NhanSu) and the leader heading it
    concurrently, who chairs and votes — 8, 7 present, 1 absent, as `vang_mat` says. Counting the 7 people of
    the sheet alone, the minutes read «tổng số 7 người; có mặt: 7 người; vắng mặt: 0 người (vắng: Lục Văn Phong
    …)»."""
    from pipeline.forms.registry import Registry
    from pipeline.forms.unit_context import unit_document_context
    from pipeline.rating.engine import rate

    data = cc.tables()
    for unit in data["DonVi"]:
        unit.pop("so_thanh_vien")
    campaign = ingest.load(wf.write(tmp_path / "cc.xlsx", data, headers="label", sheet_names="label"))
    ratings, registry = rate(campaign), Registry()
    units = {u.ma_don_vi: u for u in campaign.units}
    ctx = unit_document_context(campaign, ratings, registry.get("bien_ban_hop"), units["QLBVR"])
    assert (ctx["so_thanh_vien"], ctx["so_du_hop"], ctx["so_vang"], ctx["so_nguoi"]) == (8, "7", "1", 7)
    # a unit whose head is one of its people: its people, as before
    ctx = unit_document_context(campaign, ratings, registry.get("bien_ban_hop"), units["HCTH"])
    assert (ctx["so_thanh_vien"], ctx["so_du_hop"], ctx["so_vang"]) == (7, "7", "0")


@pytest.mark.libreoffice
def test_levels_worked_out_by_hand(out):
    people = rated_people(out)
    expected = {
        "KL-01": (94.76, "HTXS"), "KL-02": (91.91, "HTT"), "KL-03": (90.84, "HTT"), "KL-04": (91.91, "HTT"),
        "KL-05": (88.00, "HTT"), "KL-06": (86.12, "HTT"), "KL-07": (86.83, "HTT"), "KL-08": (88.00, "HTT"),
        "KL-09": (82.33, "HTT"), "KL-10": (81.16, "HTT"), "KL-11": (87.51, "HTT"), "KL-12": (95.83, "HTXS"),
        "KL-13": (94.66, "HTT"), "KL-14": (80.90, "KHT"), "KL-16": (88.00, "HTT"), "KL-17": (90.16, "HTT"),
        "KL-18": (91.91, "HTT"), "KL-19": (88.00, "HTT"), "KL-20": (96.91, "HTT"), "KL-21": (92.50, "HTT"),
        "KL-22": (85.66, "HTT"), "KL-23": (88.00, "HTT"), "KL-24": (83.50, "HTT"),
    }
    for ma_so, (score, level) in expected.items():
        p = people[ma_so]
        assert (int(p["diem"] * 100) / 100, p["muc_de_xuat"], p["trang_thai"]) == (score, level, "xep_loai"), ma_so
    assert people["KL-15"]["trang_thai"] == "khong_xep_loai" and people["KL-15"]["muc_de_xuat"] is None
    assert {p["ma_so"] for p in people.values() if p["thi_dua"] and p["thi_dua"]["dat_ldtt"]} == {
        "KL-01", "KL-03", "KL-04", "KL-06", "KL-08", "KL-12", "KL-20", "KL-21"}
    assert people["KL-20"]["thi_dua"]["de_nghi"] == "CSTDCS" and people["KL-20"]["thi_dua"]["du_dieu_kien"]
    # KL-03 answers for the phòng he heads: his d) at 50 % in August, the month of KL-14's khiển trách, is
    # taken as that KHT's period (no d) warning); KL-11, its deputy, the same
    assert not [w for m in ("KL-03", "KL-11") for w in people[m]["canh_bao"] if "d)" in w]


@pytest.mark.libreoffice
def test_the_report_counts_add_up(out):
    text = pdf_text_flat(out / "nop_so_noi_vu" / "bao_cao_ket_qua_danh_gia.pdf")
    assert "24 người (kể cả người đứng đầu cơ quan" in text and "được đánh giá, xếp loại: 23 người" in text
    for line in ("Hoàn thành xuất sắc nhiệm vụ: 2 người, tỷ lệ 8,7%", "Hoàn thành tốt nhiệm vụ: 20 người, tỷ lệ 87,0%",
                 "Hoàn thành nhiệm vụ: 0 người, tỷ lệ 0,0%", "Không hoàn thành nhiệm vụ: 1 người, tỷ lệ 4,3%",
                 "(Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định.)"):
        assert line in text, line
    letter = pdf_text_flat(out / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert "Kính gửi: Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam." in letter
    assert "hồ sơ đánh giá, xếp loại của từng đồng chí lãnh đạo" in letter


def _no_page_number(text: str) -> str:
    return re.sub(r"\s+\d+$", "", text.rstrip())


@pytest.mark.libreoffice
def test_the_leaders_package_for_the_so_has_all_three_leaders(out):
    # the table of contents: the unit dossier's after its minutes, ballot count and two collective reports; the
    # Sở's after the minutes and the collective review report only
    for pdf, toc in ((out / "don_vi" / "LD.pdf", "Nguyễn Hữu Thắng 11 Trần Minh Đức 25 Lê Văn Quý 39"),
                     (out / "nop_so_noi_vu" / "ho_so_lanh_dao.pdf", "Nguyễn Hữu Thắng 7 Trần Minh Đức 21 Lê Văn Quý 35")):
        text = pdf_text_flat(pdf)
        assert "Số người 3" in text
        assert toc in text
        assert "2.2. Đồng chí Trần Minh Đức – Phó Chi cục trưởng kiêm Trưởng phòng Quản lý, bảo vệ rừng" in text
        # the head's review chaired by the deputy the column names (two deputies at the meeting)
        assert "Khi kiểm điểm đồng chí Nguyễn Hữu Thắng, đồng chí Lê Văn Quý – Phó Chi cục trưởng chủ trì." in text
    # his own phiếu: rated by the Chi cục trưởng, no direct manager's part (the head of his unit rates him)
    own = _no_page_number(person_form_text(out, "KL-03", "phieu_nd335"))
    assert "NGƯỜI QUẢN LÝ TRỰC TIẾP" not in own and own.endswith("CHI CỤC TRƯỞNG (Ký, ghi rõ họ tên) Nguyễn Hữu Thắng")


LEADERS = ("KL-01", "KL-02", "KL-03")  # CoQuan's head (KL-01, «Chi cục trưởng») and the pho of his unit LD


@pytest.mark.libreoffice
def test_the_so_gets_the_leaders_papers_and_nobody_else_s(out):
    """dossier.md §3.2 items 4–5: the minutes and collective review of the Lãnh đạo Chi cục, and each leader's own
    papers. The Chi bộ Chi cục Kiểm lâm is the whole Chi cục: its Mẫu 01, in the agency's own LD dossier, names its
    other members, who are not leaders; their names must not reach the Sở."""
    leaders = [row for row in cc.PEOPLE if row[0] in LEADERS]
    assert {row[4] for row in leaders} == {"LD"} and [row[1] for row in leaders if row[6] == "truong"] == \
        ["Nguyễn Hữu Thắng"]
    others = [row[1] for row in cc.PEOPLE if row[0] not in LEADERS]
    assert len(others) == 21
    internal = pdf_text_flat(out / "don_vi" / "LD.pdf")
    assert [n for n in others if n in internal]  # the agency's unit dossier names them (the chi bộ's Mẫu 01)
    sent = out / "nop_so_noi_vu" / "ho_so_lanh_dao.pdf"
    text = pdf_text_flat(sent)
    assert [n for n in others if n in text] == []
    assert "Báo cáo kiểm điểm tập thể (chi bộ)" not in text and "Biên bản kiểm phiếu" not in text
    assert "Bảng tổng hợp đề xuất" not in text and "Bảng tổng hợp bình xét thi đua" not in text
    assert not (out / "nop_so_noi_vu" / "don_vi").exists()
    marks = outline(sent)
    assert [t for d, t, _p in marks if d == 0] == [
        "Bìa và mục lục", "1. Biên bản cuộc họp kiểm điểm tập thể lãnh đạo", "2. Báo cáo kiểm điểm tập thể lãnh đạo",
        "3. Hồ sơ cá nhân lãnh đạo"]
    pages = len(PdfReader(sent).pages)
    for name in ("Nguyễn Hữu Thắng", "Trần Minh Đức", "Lê Văn Quý"):  # review order: head, deputies by given name
        at = next(i for i, (d, t, _p) in enumerate(marks) if d == 1 and t == name)
        own = [(t, p) for d, t, p in marks[at + 1:] if d == 2][:4]
        starts = [p for _t, p in own] + [next((p for d, _t, p in marks[at + 1:] if d < 2), pages + 1)]
        titles = [t for t, _p in own]
        for form, heading in (("Phiếu đánh giá, xếp loại chất lượng công chức", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"),
                              ("Bản kiểm điểm cá nhân (cá nhân giữ chức vụ lãnh đạo, quản lý)", "BẢN KIỂM ĐIỂM")):
            k = next(i for i, t in enumerate(titles) if t.startswith(form))
            pages_text = flat(" ".join(PdfReader(sent).pages[i].extract_text() for i in range(starts[k] - 1, starts[k + 1] - 1)))
            assert heading in pages_text.upper() and name in pages_text, (name, form)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    section = manifest["nop_so_noi_vu"]
    assert {x["pdf"] for x in section["lanh_dao"]} == {"nop_so_noi_vu/ho_so_lanh_dao.pdf"}
    entry = next(t for t in section["tep"] if t["loai"] == "tap_the_lanh_dao")
    assert [m["ma_so"] for m in entry["muc"] if m["ma_so"]] == ["KL-01", "KL-03", "KL-02"]
    assert entry["path"] == "nop_so_noi_vu/ho_so_lanh_dao.pdf" and entry["ma_don_vi"] == "LD"
    digest = next(f["sha256"] for f in manifest["files"] if f["path"] == entry["path"])
    assert digest == hashlib.sha256(sent.read_bytes()).hexdigest()


@pytest.mark.libreoffice
def test_verify_checks_the_leaders_file_for_the_so(out, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    assert verify(copy).ok, verify(copy).problems
    sent, rel = copy / "nop_so_noi_vu" / "ho_so_lanh_dao.pdf", "nop_so_noi_vu/ho_so_lanh_dao.pdf"
    good = sent.read_bytes()
    data = bytearray(good)
    data[len(data) // 2] ^= 0x01
    sent.write_bytes(bytes(data))
    assert verify(copy).problems == [f"Tệp bị sửa: {rel} (nội dung khác với lúc tạo, theo mã SHA-256 trong manifest.json)"]
    # the agency's unit dossier put in its place, manifest.json rewritten to match: not the file made for the Sở
    unit = (copy / "don_vi" / "LD.pdf").read_bytes()
    sent.write_bytes(unit)
    manifest_path = copy / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["path"] == rel:
            f["sha256"], f["bytes"] = hashlib.sha256(unit).hexdigest(), len(unit)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    problems = verify(copy).problems
    assert (f"Hồ sơ lãnh đạo gửi Sở {rel} ghi loại hồ sơ «ho_so_don_vi» trong siêu dữ liệu của tệp PDF, manifest.json "
            "ghi «ho_so_lanh_dao_gui_so».") in problems
    # a non-leader's dossier listed in it
    sent.write_bytes(good)
    for f in manifest["files"]:
        if f["path"] == rel:
            f["sha256"], f["bytes"] = hashlib.sha256(good).hexdigest(), len(good)
    entry = next(t for t in manifest["nop_so_noi_vu"]["tep"] if t["path"] == rel)
    entry["muc"].append({"tieu_de": "Phạm Thị Hoa", "mau": "", "ma_so": "KL-04", "trang_dau": 49, "so_trang": 9})
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert verify(copy).problems == [
        f"{rel}: có hồ sơ của Phạm Thị Hoa (KL-04), không phải lãnh đạo cơ quan (manifest.json, mục "
        "nop_so_noi_vu.lanh_dao): hồ sơ của người khác không gửi Sở."]


@pytest.mark.libreoffice
def test_the_phong_headed_concurrently_is_chaired_and_signed_by_its_head(out):
    text = pdf_text_flat(out / "don_vi" / "QLBVR.pdf")
    assert ("Chủ trì: đồng chí Trần Minh Đức – Phó Chi cục trưởng kiêm Trưởng phòng Quản lý, bảo vệ rừng. - Thư ký"
            in text)
    # his review is the Lãnh đạo's: not in the phòng's minutes, nobody chairs «his» review there
    assert "Khi kiểm điểm đồng chí Trần Minh Đức" not in text and "Đồng chí Trần Minh Đức –" not in text
    assert "2.1. Đồng chí Lò Văn Chiến – Phó Trưởng phòng Quản lý, bảo vệ rừng" in text
    # he signs the phòng's papers as its head: for nobody («KT.» would read «KT. CHI CỤC TRƯỞNG KIÊM …»)
    assert "KT." not in text
    assert text.count("PHÓ CHI CỤC TRƯỞNG KIÊM TRƯỞNG PHÒNG QUẢN LÝ, BẢO VỆ RỪNG") >= 3
    # the direct manager of the phòng's people: the phiếu's part IV, then the Chi cục trưởng's
    ranger = person_form_text(out, "KL-12", "phieu_nd335")
    assert ("PHÓ CHI CỤC TRƯỞNG KIÊM TRƯỞNG PHÒNG QUẢN LÝ, BẢO VỆ RỪNG (Ký, ghi rõ họ tên) Trần Minh Đức" in ranger)
    assert _no_page_number(ranger).endswith("CHI CỤC TRƯỞNG (Ký, ghi rõ họ tên) Nguyễn Hữu Thắng")
    sheet = flat(person_form_text(out, "KL-14", "theo_doi_ky"))
    assert _no_page_number(sheet).endswith(
        "PHÓ CHI CỤC TRƯỞNG KIÊM TRƯỞNG PHÒNG QUẢN LÝ, BẢO VỆ RỪNG (Xác nhận, ký, ghi rõ họ tên) Trần Minh Đức")
