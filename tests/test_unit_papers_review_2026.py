"""The 2026 units' and agency's papers read as their signers and a Sở Nội vụ reviewer read them (the
aud26 review), on a 2026 workbook made different from the sample: each test asserts on the printed
text (pdftotext, real LibreOffice)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline import api
from pipeline.options import BuildOptions
from pipeline.resources import sample_workbook

lo = pytest.mark.libreoffice


def flat(text: str) -> str:
    return " ".join(text.split())


def _set(ws, ma_so: str, **values) -> None:
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == ma_so)
    for key, value in values.items():
        row[headers.index(key)].value = value


def _unit_doc(out: Path, unit: str, form: str, raw: bool = False) -> str:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    (doc,) = [d for d in u["muc"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return flat(subprocess.run(["pdftotext", "-raw" if raw else "-layout", "-f", str(first), "-l", str(first + n - 1), str(out / u["pdf"]),
                                "-"], capture_output=True, text=True, check=True).stdout)


def _kgvx_as_chuyen_vien(tmp_path_factory, cache_dir, ma_so: str, name: str) -> Path:
    """Phòng Khoa giáo - Văn xã (KGVX) of the 2026 sample built with the leader `ma_so` made a chuyên viên, scored as
    one (a non-leader has no d), đ), e) criteria)."""
    tmp = tmp_path_factory.mktemp(name)
    wb = openpyxl.load_workbook(sample_workbook(2026))
    _set(wb["NhanSu"], ma_so, vai_tro="nhan_vien", chuc_vu="Chuyên viên", lanh_dao_quan_ly="Không")
    for row in wb["KetQuaKy"].iter_rows(min_row=2):
        if row[0].value == ma_so:
            for cell in row[6:9]:
                cell.value = None
    wb.save(tmp / "so.xlsx")
    out = tmp / "out"
    api.build(tmp / "so.xlsx", out, BuildOptions(units=frozenset({"KGVX"}), cache_dir=cache_dir))
    return out


@pytest.fixture(scope="module")
def other_2026(tmp_path_factory, cache_dir) -> Path:
    """The 2026 sample changed: Phòng Khoa giáo - Văn xã has no deputy (Lâm Văn Hiếu, its Phó Trưởng
    phòng, is a chuyên viên here, scored as one)."""
    return _kgvx_as_chuyen_vien(tmp_path_factory, cache_dir, "VP-025", "aud26")


@lo
def test_a_head_without_deputy_does_not_chair_his_own_review(other_2026):
    """Seed 001: «Khi kiểm điểm người đứng đầu thì phân công cấp phó chủ trì». A phòng without a deputy
    printed its head as the chair and nothing more: he chaired the review of himself and the vote on
    his own level. The minutes leave the name of whoever is assigned to chair his part to be written."""
    text = _unit_doc(other_2026, "KGVX", "bien_ban_hop")
    assert "- Chủ trì: đồng chí Đoàn Thị Nhung – Trưởng phòng." in text
    assert re.search(r"Khi kiểm điểm đồng chí Đoàn Thị Nhung, đồng chí …{6,} chủ trì\.", text), text[:900]
    head = text[text.index("2.1. Đồng chí Đoàn Thị Nhung"):text.index("2.2. Đồng chí")]
    assert re.search(r"\(Đồng chí …{6,} chủ trì phần kiểm điểm này\.\)", head), head
    # nobody else's part says so
    assert text.count("chủ trì phần kiểm điểm này") == 1


@pytest.fixture(scope="module")
def exception_2026(tmp_path_factory, cache_dir) -> Path:
    """The 2026 sample with the HTXS cap of its leaders' group raised to 2 by the province, the group
    named in sheet NgoaiLeTyLe as every paper prints it (it is a default group: NhanSu names none)."""
    import datetime as dt

    tmp = tmp_path_factory.mktemp("aud26x")
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb.create_sheet("NgoaiLeTyLe")
    ws.append(["nhom_tuong_dong", "so_htxs_toi_da", "so_van_ban", "ngay_van_ban", "co_quan_ban_hanh"])
    ws.append(["Công chức giữ chức vụ lãnh đạo, quản lý", 2, "123/UBND-NC", dt.datetime(2026, 11, 20),
               "UBND tỉnh Hà Giang Nam"])
    wb.save(tmp / "ngoai_le.xlsx")
    out = tmp / "out"
    api.build(tmp / "ngoai_le.xlsx", out, BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir))
    return out


@lo
def test_an_exception_names_a_default_group_as_the_papers_print_it(exception_2026):
    """The leaders' group is printed «Công chức giữ chức vụ lãnh đạo, quản lý» on the proposal table, the
    report and the biểu — its only name a clerk ever sees. An exception to its HTXS cap written with
    that name was ignored («không khớp nhóm tương đồng nào»): the agency head, voted HTXS, was still
    moved down to HTT «vì xếp thứ 2/2» under a cap the province had raised to 2."""
    table = _unit_doc(exception_2026, "LD", "tong_hop_xep_loai")
    assert "được cho phép ngoại lệ tại văn bản số 123/UBND-NC ngày 20/11/2026 của UBND tỉnh Hà Giang Nam" in table
    assert "hạ từ Hoàn thành xuất sắc nhiệm vụ" not in table
    minutes = _unit_doc(exception_2026, "LD", "bien_ban_hop")
    head = minutes[minutes.index("2.1. Đồng chí Nguyễn Đình Khải"):minutes.index("2.2. Đồng chí")]
    # his level is the superior's to decide (ND 90 Art. 16 as ND 335 keeps it): his meeting's votes are recorded as
    # the collective's opinion, no level proposed for him — as on the proposal table he signs
    assert "- Kết quả biểu quyết (trên 3 người dự họp): Hoàn thành xuất sắc nhiệm vụ: 2 phiếu;" in head, head
    assert ("- Mức xếp loại: Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp loại (đơn vị không đề xuất "
            "mức xếp loại; kết quả biểu quyết là ý kiến của tập thể gửi cấp có thẩm quyền đánh giá, xếp loại).") in head, head
    assert "Mức xếp loại đề xuất" not in head and "xếp thứ" not in head, head
    biểu = flat(subprocess.run(["pdftotext", "-layout", str(exception_2026 / "nop_so_noi_vu" / "bieu_tong_hop.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout)
    assert "123/UBND-NC" in biểu


@pytest.fixture(scope="module")
def nk_2026(tmp_path_factory, cache_dir) -> Path:
    """Nhà khách tỉnh of the 2026 sample: nobody proposed for an emulation title."""
    out = tmp_path_factory.mktemp("aud26nk") / "out"
    api.build(sample_workbook(2026), out, BuildOptions(units=frozenset({"NK"}), cache_dir=cache_dir))
    return out


@lo
def test_the_emulation_table_of_nobody_prints_no_ratio(nk_2026):
    """A unit with nobody proposed printed «(Không có cá nhân được đề nghị.)» and then the share of direct
    workers among the eligible as «0/0» — a ratio of nobody a reviewer reads as 0 %: the line says
    there is nobody eligible. The table stays one page (meta.toml `trang`)."""
    text = _unit_doc(nk_2026, "NK", "tong_hop_thi_dua")
    assert "(Không có cá nhân được đề nghị.)" in text
    assert "(tỷ lệ tối thiểu 55% theo hướng dẫn tính chung toàn cơ quan): không có cá nhân đủ điều kiện." in text
    assert "0/0" not in text
    manifest = json.loads((nk_2026 / "manifest.json").read_text(encoding="utf-8"))
    (u,) = manifest["don_vi"]
    (doc,) = [d for d in u["muc"] if d["mau"] == "tong_hop_thi_dua"]
    assert doc["so_trang"] == 1


@pytest.fixture(scope="module")
def ld_th_2026(tmp_path_factory, cache_dir) -> Path:
    """Lãnh đạo Văn phòng and Phòng Tổng hợp of the 2026 sample."""
    out = tmp_path_factory.mktemp("aud26ld") / "out"
    api.build(sample_workbook(2026), out, BuildOptions(units=frozenset({"LD", "TH"}), cache_dir=cache_dir))
    return out


@lo
def test_the_cap_check_of_a_unit_says_when_its_counts_are_the_whole_groups(ld_th_2026):
    """Lãnh đạo Văn phòng's proposal table counts 3 people, none Hoàn thành xuất sắc nhiệm vụ, and its cap
    check printed «Công chức giữ chức vụ lãnh đạo, quản lý … 1 … 9 … Đạt»: the numbers of the leaders of
    the four units, read by the signer as his unit's. The group's cell says they are the whole group's;
    a group of one unit (Phòng Tổng hợp's chuyên viên) says nothing more."""
    ld = _unit_doc(ld_th_2026, "LD", "tong_hop_xep_loai")
    assert "Tổng hợp: tổng số 3 người; Hoàn thành xuất sắc nhiệm vụ: 0;" in ld
    # the table's cells in reading order (pdftotext -raw)
    # the leaders but the agency head (rated by the managing agency, outside the agency's cap: ND 335 Art. 10
    # cl. 2): 1 HTXS and 8 HTT proposals; keeping 1 leaves 8 HTT, 20 % of 8 = 1.6 → 1 ⇒ 1 kept
    ld = _unit_doc(ld_th_2026, "LD", "tong_hop_xep_loai", raw=True)
    assert "1 Công chức giữ chức vụ lãnh đạo, quản lý (số liệu cả nhóm, gồm người của 4 đơn vị) 1 8 1 Đạt" in ld
    # the head signs this table: it never checks a cap on his own proposal (the unit proposes none for him)
    assert "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)" not in ld.split("Kiểm tra tỷ lệ Hoàn thành xuất sắc")[1]
    th = _unit_doc(ld_th_2026, "TH", "tong_hop_xep_loai", raw=True)
    assert "1 Chuyên viên – Phòng Tổng hợp 1 6 1 Đạt" in th
    assert "2 Công chức giữ chức vụ lãnh đạo, quản lý (số liệu cả nhóm, gồm người của 4 đơn vị) 1 8 1 Đạt" in th


@pytest.fixture(scope="module")
def headless_2026(tmp_path_factory, cache_dir) -> Path:
    """The 2026 sample changed: Phòng Khoa giáo - Văn xã has no head (Đoàn Thị Nhung, its Trưởng phòng, is
    a chuyên viên here, scored as one); its Phó Trưởng phòng Lâm Văn Hiếu runs it."""
    return _kgvx_as_chuyen_vien(tmp_path_factory, cache_dir, "VP-024", "aud26h")


@lo
def test_a_deputy_running_a_unit_signs_its_papers_for_the_head(headless_2026):
    """With no head the deputy chairs and signs the unit's papers. They printed his post alone
    («PHÓ TRƯỞNG PHÒNG») where the unit's head signs; a deputy signing for the head signs «KT. TRƯỞNG
    PHÒNG» above his post (ND 30/2020: a deputy in charge signs as a deputy signing for the head)."""
    for form in ("kiem_diem_tap_the", "tong_hop_xep_loai", "tong_hop_thi_dua"):
        text = _unit_doc(headless_2026, "KGVX", form, raw=True)  # the signature cell after the «Nơi nhận» one
        assert "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG Lâm Văn Hiếu" in text, (form, text[-300:])
    minutes = _unit_doc(headless_2026, "KGVX", "bien_ban_hop")
    assert "- Chủ trì: đồng chí Lâm Văn Hiếu – Phó Trưởng phòng." in minutes
    assert "Khi kiểm điểm đồng chí" not in minutes and "chủ trì phần kiểm điểm này" not in minutes


@lo
def test_the_cap_computation_never_concludes_against_its_own_figure(headless_2026):
    """Where 20 % of the group's HTT allows more places than are kept, the «Cách tính» concluded
    against its own figure: «20% của 5 là 1, làm tròn xuống được 1, nên không giữ được người Hoàn thành
    xuất sắc nhiệm vụ nào» (a court reads: one place, none kept). It says what that figure allows and
    concludes after the step that sets the limit (keeping one leaves 4 HTT: 0 places)."""
    text = _unit_doc(headless_2026, "KGVX", "tong_hop_xep_loai", raw=True)
    assert "làm tròn xuống được 1, nên không giữ được" not in text
    assert ("Không giữ ai ở mức Hoàn thành xuất sắc nhiệm vụ (người đề xuất mức này mà không được giữ thì xếp Hoàn "
            "thành tốt nhiệm vụ) thì nhóm có 5 người Hoàn thành tốt nhiệm vụ; 20% của 5 là 1, làm tròn xuống được 1; "
            "nếu giữ 1 người thì chỉ còn 4 người Hoàn thành tốt nhiệm vụ, 20% của 4 là 0,8, làm tròn xuống được 0, ít "
            "hơn 1; vậy không giữ được người Hoàn thành xuất sắc nhiệm vụ nào.") in text


def test_a_rating_decided_after_15_december_is_warned(tmp_path, capsys):
    """ND 335/2025 Art. 21 (as reported): công chức are rated before 15/12 each year. A decision date of
    18/12/2026 (CoQuan «Ngày quyết định xếp loại», printed on every phiếu above the competent person's
    signature) went through silently; `hoso check` warns, naming the cell and the rule, and still passes."""
    import datetime as dt

    from pipeline.cli import main
    from pipeline.errors import ExitCode

    wb = openpyxl.load_workbook(sample_workbook(2026))
    wb["CoQuan"].append(["ngay_quyet_dinh", dt.datetime(2026, 12, 18)])
    row = wb["CoQuan"].max_row
    wb.save(tmp_path / "muon.xlsx")
    with pytest.raises(SystemExit) as exc:
        main(["check", str(tmp_path / "muon.xlsx")])
    got = capsys.readouterr()
    err = flat(got.err + got.out)
    assert exc.value.code == ExitCode.ok, err[-800:]
    assert (f"ô B{row}" in err and "«Ngày quyết định xếp loại» là 18/12/2026, không trước ngày 15/12/2026 (Điều 21 "
            "Nghị định 335/2025/NĐ-CP: xếp loại chất lượng công chức trước ngày 15/12 hằng năm") in err, err[-1500:]
    # the sample is a cơ quan of công chức that also has viên chức: ND 335 stays its rule, and one sentence says the
    # viên chức deadline (ND 233/2026, regime-2026.md §2: not found) is unconfirmed and set by the guiding letter
    assert ("Kiểm tra lại ngày, hoặc giữ nếu đơn vị có năm công tác đặc thù. Viên chức của cơ quan: thời hạn xếp loại "
            "viên chức theo Luật Viên chức 2025 và Nghị định 233/2026/NĐ-CP chưa được xác nhận (chưa tìm thấy quy định "
            "về thời điểm đánh giá, xếp loại); thời hạn do văn bản hướng dẫn của Sở Nội vụ hoặc của cơ quan quản lý cấp "
            "trên quy định.") in err, err[-1500:]


@pytest.fixture(scope="module")
def civil_servants_2026(tmp_path_factory, cache_dir) -> Path:
    """The 2026 sample as an agency without viên chức: its viên chức are công chức here."""
    tmp = tmp_path_factory.mktemp("aud26cc")
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["NhanSu"]
    kind = [c.value for c in ws[1]].index("loai_nhan_su")
    for row in ws.iter_rows(min_row=2):
        if row[kind].value == "vien_chuc":
            row[kind].value = "cong_chuc"
    for row in wb["DonVi"].iter_rows(min_row=2):
        row[2].value = "hanh_chinh"
    wb.save(tmp / "cong_chuc.xlsx")
    out = tmp / "out"
    api.build(tmp / "cong_chuc.xlsx", out, BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir))
    return out


@lo
def test_an_agency_without_vien_chuc_cites_no_law_on_vien_chuc(civil_servants_2026):
    """An agency of công chức (and contract staff rated like them) printed «Luật Viên chức năm 2025 và Nghị
    định số 233/2026/NĐ-CP … về đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp công lập và viên
    chức» in the notice, the report, the biểu and the letter to the Sở Nội vụ: texts on nobody it rated.
    They cite ND 335 alone, as its units' papers already did."""
    out = civil_servants_2026
    for pdf in ("co_quan/thong_bao_ket_qua.pdf", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf",
                "nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf"):
        text = flat(subprocess.run(["pdftotext", "-layout", str(out / pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout)
        assert "Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng đối " \
               "với cơ quan hành chính nhà nước và công chức" in text, pdf
        assert "Luật Viên chức" not in text and "233/2026" not in text, pdf
    minutes = _unit_doc(out, "LD", "bien_ban_hop")  # one rulebook for everyone: the units' papers too
    assert "Nghị định số 335/2025/NĐ-CP" in minutes and "Luật Viên chức" not in minutes


def test_a_unit_of_one_person_is_warned(tmp_path, capsys):
    """A unit of one person (a Tổ Pháp chế of its Tổ trưởng alone) got the minutes of a «meeting» where he
    chairs, presents, comments and votes on himself, silently. `hoso check` warns on its DonVi row and
    says how to have him reviewed in another unit's meeting."""
    import datetime as dt

    from pipeline.cli import main
    from pipeline.errors import ExitCode

    wb = openpyxl.load_workbook(sample_workbook(2026))
    wb["DonVi"].append(["PC", "Tổ Pháp chế", "hanh_chinh", 9])
    row = wb["DonVi"].max_row
    ns = wb["NhanSu"]
    headers = [c.value for c in ns[1]]
    person = dict(ma_so="VP-099", ho_ten="Kiều Văn Một", ngay_sinh=dt.datetime(1980, 1, 1), gioi_tinh="Nam",
                  ma_don_vi="PC", chuc_vu="Chuyên viên", vai_tro="nhan_vien", loai_nhan_su="cong_chuc",
                  lanh_dao_quan_ly="Không", so_thang_cong_tac=12, tu_xep_loai="HTT")
    ns.append([person.get(h) for h in headers])
    kq = wb["KetQuaKy"]
    for values in [list(r) for r in kq.iter_rows(min_row=2, values_only=True) if r[0] == "VP-007"]:
        kq.append(["VP-099", *values[1:]])
    wb.save(tmp_path / "mot_nguoi.xlsx")
    with pytest.raises(SystemExit) as exc:
        main(["check", str(tmp_path / "mot_nguoi.xlsx")])
    got = capsys.readouterr()
    err = flat(got.err + got.out)
    assert exc.value.code == ExitCode.ok, err[-800:]
    assert f"ô A{row}" in err and "Đơn vị «PC» chỉ có 1 người: biên bản họp của đơn vị không có ai khác góp ý, " \
                                 "biểu quyết." in err, err[-1500:]


@lo
def test_the_printing_guide_names_the_deputy_who_signs_for_the_head(headless_2026):
    """HUONG_DAN_IN said «ký: Người đứng đầu đơn vị» for the unit's papers of a unit with no head, where
    the papers print the deputy signing «KT. TRƯỞNG PHÒNG» above his post: the guide says who signs, as
    the papers do."""
    guide = flat((headless_2026 / "HUONG_DAN_IN.txt").read_text(encoding="utf-8"))
    for title in ("Báo cáo kiểm điểm tập thể", "Bảng tổng hợp đề xuất mức xếp loại chất lượng",
                  "Bảng tổng hợp bình xét thi đua, khen thưởng"):
        line = re.search(re.escape(title) + r": trang [0-9–]+ của don_vi/KGVX\.pdf; ký: (.*?)\.(?= -| [0-9]\. |$)", guide)
        assert line, (title, guide)
        assert line.group(1) == ("Cấp phó ký thay người đứng đầu đơn vị (KT. Trưởng phòng: Phó Trưởng phòng "
                                 "Lâm Văn Hiếu)"), line.group(0)
    assert "ký: Người đứng đầu đơn vị." not in guide


@lo
def test_the_agency_head_proposes_no_level_for_himself_2026(ld_th_2026):
    """ND 335/2025 (as ND 90 Art. 16, rules.md R8.1): the agency's head (Chánh Văn phòng Nguyễn Đình Khải)
    is rated by the head of the superior body. The proposal table of Lãnh đạo Văn phòng, which he signs,
    printed a proposed level for himself. His row proposes none and says who rates him; the totals count
    the two deputies' proposals (Hoàn thành tốt nhiệm vụ each) and him apart."""
    ld = _unit_doc(ld_th_2026, "LD", "tong_hop_xep_loai", raw=True)
    row = ld[ld.index("1 Nguyễn Đình Khải"):ld.index("2 Lê Quang Đức")]
    assert "Do Chủ tịch Ủy ban nhân dân tỉnh Hà Giang Nam đánh giá, xếp loại" in row, row
    assert "Hoàn thành tốt nhiệm vụ Do" not in row and "thành tốt nhiệm vụ Điểm" not in row, row
    assert ("Điểm đánh giá năm: 96,29. Người đứng đầu cơ quan: đơn vị không đề xuất mức xếp loại; kết quả biểu "
            "quyết là ý kiến của tập thể gửi cấp có thẩm quyền đánh giá, xếp loại.") in row, row
    assert "hạ từ" not in row  # no cap reasoning on a level the unit does not propose
    ld = _unit_doc(ld_th_2026, "LD", "tong_hop_xep_loai")
    assert ("Tổng hợp: tổng số 3 người; Hoàn thành xuất sắc nhiệm vụ: 0; Hoàn thành tốt nhiệm vụ: 2; Hoàn thành "
            "nhiệm vụ: 0; Không hoàn thành nhiệm vụ: 0; không xếp loại (công tác dưới 06 tháng): 0; người đứng đầu "
            "cơ quan (do cấp có thẩm quyền đánh giá, xếp loại, đơn vị không đề xuất): 1.") in ld
    assert "CHÁNH VĂN PHÒNG" in ld and "Nguyễn Đình Khải" in ld  # he still signs for his deputies' proposals


@lo
def test_the_emulation_table_names_every_condition_a_person_fails(ld_th_2026):
    """Huỳnh Văn Cường (VP-021): no level yet (October missing) and 5 of 10 ballots. A title needs HTT or
    better (Luật Thi đua, khen thưởng 2022 Art. 24 1 a) and more than half the ballots (the agency's rules):
    both fail, and the table named only the first, as if a level alone kept him out (rev42)."""
    both = ("Cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên; mức đề xuất: chưa có mức xếp loại — căn cứ: điểm a "
            "khoản 1 Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15; bỏ phiếu kín 5/10 phiếu đồng ý: không quá một "
            "nửa tổng số phiếu — căn cứ: quy chế thi đua, khen thưởng của cơ quan.")
    assert f"- Đồng chí Huỳnh Văn Cường: {both}" in _unit_doc(ld_th_2026, "TH", "bien_ban_kiem_phieu", raw=True)
    assert f"Không đủ điều kiện {both}" in _unit_doc(ld_th_2026, "TH", "tong_hop_thi_dua", raw=True)
