"""Who signs each person form, which dates are printed, one level per person (issue 15, person forms).

Outcomes worked out by hand from ND 90/2020 Art. 16 (shared/domain/rules.md R8.1): the head of
the agency is rated by the head of the directly superior agency; deputies and staff by the head
of the agency; the staff of a đơn vị sự nghiệp with its own evaluator by that evaluator. Real
LibreOffice builds of the sample and of a second agency whose head is rated by a named superior.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import pytest
import workbook_factory as wf
from pypdf import PdfReader

from pipeline import api, ingest
from pipeline.forms import signers
from pipeline.forms.layout import break_lines

SUPERIOR = ("UBND tỉnh Hà Giang Nam", "Lò Văn Tỉnh", "Chủ tịch UBND tỉnh")
CODE_TOKEN = re.compile(r"\b[a-z]+_[a-z_]+\b")
BLANK_DATE = "ngày …… tháng …… năm ……"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _second_tables(*, superior: bool = True, unit_evaluator: bool = True) -> dict:
    data = wf.tables()
    coquan = [(k, v) for k, v in data["CoQuan"] if not k.endswith("_cap_tren")]
    coquan = [(k, "Sở Nông nghiệp và Phát triển nông thôn" if k == "ten_co_quan" else
               "UBND TỈNH HÀ GIANG NAM" if k == "co_quan_chu_quan" else
               "Giám đốc Sở" if k == "chuc_vu_nguoi_dung_dau" else v) for k, v in coquan]
    if superior:
        coquan += list(zip(("ten_co_quan_cap_tren", "nguoi_dung_dau_cap_tren", "chuc_vu_nguoi_dung_dau_cap_tren"),
                           SUPERIOR, strict=True))
    coquan.append(("ngay_tu_danh_gia", dt.date(wf.YEAR, 10, 25)))  # no ngay_quyet_dinh: the decision is not taken
    data["CoQuan"] = coquan
    if unit_evaluator:
        data["DonVi"][1].update(nguoi_danh_gia="Phạm Thị Dung", chuc_vu_nguoi_danh_gia="Giám đốc Trung tâm")
    data["NhanSu"][0].update(tu_xep_loai_dang_vien="HTT")
    data["ChamDiem"] += [dict(ma_so="NS-03", ma_tieu_chi="TC1", diem_tu_cham=8, diem_danh_gia=8),
                         dict(ma_so="NS-03", ma_tieu_chi="TC2", diem_tu_cham=75, diem_danh_gia=72)]
    return data


# -- the evaluator, without LibreOffice ---------------------------------------------------------
def _campaign(tmp_path, **kw):
    return ingest.load(wf.write(tmp_path / "so.xlsx", _second_tables(**kw)))


def test_evaluators_follow_article_16(tmp_path):
    c = _campaign(tmp_path)
    who = {p.ma_so: (signers.evaluator(c, p), signers.commenter(c, p)) for p in c.people}
    head, _ = who["NS-01"]  # the agency head (CoQuan nguoi_dung_dau): the superior's head
    assert (head.ho_ten, head.chuc_vu, head.co_quan) == ("Lò Văn Tỉnh", "Chủ tịch UBND tỉnh", "UBND tỉnh Hà Giang Nam")
    for ma in ("NS-02", "NS-03", "NS-04"):  # the head's deputy, staff, the centre's director: the agency head
        assert who[ma][0].ho_ten == "Nguyễn Văn An", ma
    for ma in ("NS-05", "NS-06"):  # the centre's staff: the centre's own evaluator
        assert (who[ma][0].ho_ten, who[ma][0].chuc_vu) == ("Phạm Thị Dung", "Giám đốc Trung tâm"), ma
    # no commenter where the unit head is the evaluator (or the person)
    assert not any(cm.known for _ev, cm in who.values())
    for p in c.people:
        assert who[p.ma_so][0].ho_ten != p.ho_ten


def test_without_unit_evaluator_the_unit_head_comments(tmp_path):
    c = _campaign(tmp_path, unit_evaluator=False)
    p = c.person("NS-05")
    ev, cm = signers.evaluator(c, p), signers.commenter(c, p)
    assert ev.ho_ten == "Nguyễn Văn An"
    assert (cm.ho_ten, cm.chuc_vu) == ("Phạm Thị Dung", "Giám đốc")
    assert not signers.commenter(c, c.person("NS-04")).known  # the director comments on nobody's own phiếu


def test_a_person_s_own_evaluator_comes_before_the_unit_s_and_the_head_s(tmp_path):
    """NhanSu `nguoi_danh_gia` (audit xa36: the Chủ tịch HĐND xã, a cán bộ, is not rated by the Chủ tịch UBND xã):
    it rates that person only; the agency head stays with the superior, and nobody is their own evaluator."""
    data = _second_tables()
    data["NhanSu"][0].update(nguoi_danh_gia="Trần Quốc Hưng", chuc_vu_nguoi_danh_gia="Bí thư Đảng ủy")  # the head
    data["NhanSu"][2].update(nguoi_danh_gia="Trần Quốc Hưng", chuc_vu_nguoi_danh_gia="Bí thư Đảng ủy")  # NS-03
    data["NhanSu"][4].update(nguoi_danh_gia="Trần Quốc Hưng", chuc_vu_nguoi_danh_gia="Bí thư Đảng ủy")  # NS-05
    c = ingest.load(wf.write(tmp_path / "so.xlsx", data))
    for ma in ("NS-03", "NS-05"):  # over the agency head (NS-03) and over the centre's own evaluator (NS-05)
        ev = signers.evaluator(c, c.person(ma))
        assert (ev.ho_ten, ev.chuc_vu) == ("Trần Quốc Hưng", "Bí thư Đảng ủy"), ma
    assert signers.evaluator(c, c.person("NS-01")).ho_ten == "Lò Văn Tỉnh"
    assert signers.evaluator(c, c.person("NS-02")).ho_ten == "Nguyễn Văn An"
    assert signers.evaluator(c, c.person("NS-06")).ho_ten == "Phạm Thị Dung"


def test_unknown_superior_leaves_the_head_blank_and_check_warns(tmp_path):
    path = wf.write(tmp_path / "so.xlsx", _second_tables(superior=False))
    c = ingest.load(path)
    head = signers.evaluator(c, c.person("NS-01"))
    assert head.ho_ten == "" and head.chuc_vu == ""
    warnings = [p.text() for p in ingest.check(path) if not p.is_error]
    (msg,) = [w for w in warnings if "cơ quan cấp trên" in w]
    for label in ("Cơ quan cấp trên trực tiếp", "Người đứng đầu cơ quan cấp trên", "Chức vụ người đứng đầu cơ quan cấp trên"):
        assert label in msg
    assert "Nguyễn Văn An" in msg and "Sheet «CoQuan»" in msg


def test_agency_names_break_between_words_that_belong_together():
    assert break_lines("UBND TỈNH HÀ GIANG NAM", bold=False) == "UBND TỈNH HÀ GIANG NAM"
    assert break_lines("VĂN PHÒNG UBND TỈNH HÀ GIANG NAM") == "VĂN PHÒNG UBND\nTỈNH HÀ GIANG NAM"
    assert break_lines("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN") == "SỞ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN"
    assert break_lines("TRUNG TÂM CÔNG BÁO - TIN HỌC") == "TRUNG TÂM\nCÔNG BÁO - TIN HỌC"
    assert break_lines("UBND THÀNH PHỐ HỒ CHÍ MINH") == "UBND\nTHÀNH PHỐ HỒ CHÍ MINH"


# -- printed forms (real LibreOffice) -----------------------------------------------------------
def _docs(out) -> dict:
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {p["ma_so"]: p for p in doc["ca_nhan"]}


def _form_text(out, docs, ma_so, form) -> str:
    reader = PdfReader(out / docs[ma_so]["pdf"])
    (d,) = [d for d in docs[ma_so]["tai_lieu"] if d["mau"] == form]
    pages = reader.pages[d["trang_dau"] - 1: d["trang_dau"] - 1 + d["so_trang"]]
    return _flat("\n".join(p.extract_text() for p in pages))


def _signer_after(text: str, title: str) -> str:
    """The text of a signature block: from its title to the next section (or the end)."""
    start = text.index(title)
    return text[start:start + 160]


@pytest.fixture(scope="module")
def second(tmp_path_factory, cache_dir):
    tmp = tmp_path_factory.mktemp("second")
    path = wf.write(tmp / "so.xlsx", _second_tables())
    out = tmp / "out"
    api.build(path, out, api.BuildOptions(cache_dir=cache_dir / "second", today=dt.date(wf.YEAR, 11, 1)))
    return out, _docs(out)


@pytest.mark.libreoffice
def test_second_agency_golden_text(second):
    out, docs = second
    head = _form_text(out, docs, "NS-01", "mau_02")
    # header: the long agency name breaks between words that belong together
    assert "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN" in head
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC Năm 2024" in head
    # the head is rated by the superior, never by himself; no section III (no commenter)
    block = _signer_after(head, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")
    assert "CHỦ TỊCH UBND TỈNH" in block and "Lò Văn Tỉnh" in block and "Nguyễn Văn An" not in block
    assert "III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC" in head and "IV. " not in head
    assert "ĐỐI VỚI CẤP PHÓ" not in head and "QUẢN LÝ TRỰC TIẾP" not in head
    # dates: the self-assessment date is given, the decision date is not
    assert "Thử Nghiệm, ngày 25 tháng 10 năm 2024 NGƯỜI TỰ NHẬN XÉT" in head
    assert f"Thử Nghiệm, {BLANK_DATE} NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ" in head
    assert "05 tháng 11" not in head  # ngay_lap is no step's date on the phiếu
    # the self-rating: the official list, not tick boxes
    assert ("(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành nhiệm vụ; "
            "không hoàn thành nhiệm vụ).") in head and "☐" not in head and "☒" not in head

    # the party self-review (Mẫu 02B) is the member's own document of the same step: the same date,
    # never the clerk's ngay_lap (05/11)
    review = _form_text(out, docs, "NS-01", "mau_02b")
    assert "Thử Nghiệm, ngày 25 tháng 10 năm 2024" in review and "05 tháng 11" not in review

    deputy = _form_text(out, docs, "NS-02", "mau_02")
    assert "Nguyễn Văn An" in _signer_after(deputy, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")
    assert "GIÁM ĐỐC SỞ" in _signer_after(deputy, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")

    staff = _form_text(out, docs, "NS-05", "mau_03")  # viên chức of the centre: its own evaluator
    assert staff.startswith("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TRUNG TÂM TIN HỌC") or \
        "SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN TRUNG TÂM TIN HỌC" in staff
    block = _signer_after(staff, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")
    assert "GIÁM ĐỐC TRUNG TÂM" in block and "Phạm Thị Dung" in block

    director = _form_text(out, docs, "NS-04", "mau_03")
    assert "Nguyễn Văn An" in _signer_after(director, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")

    worker = _form_text(out, docs, "NS-06", "mau_03")  # hợp đồng in the centre
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in worker and "VIÊN CHỨC" not in worker
    assert "Vị trí công việc: Nhân viên" in worker


@pytest.mark.libreoffice
def test_second_agency_party_self_rating_and_points(second):
    out, docs = second
    kd = _form_text(out, docs, "NS-01", "mau_02b")
    block = _signer_after(kd, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ")  # the CC/VC rating on the head's 02B
    assert "CHỦ TỊCH UBND TỈNH" in block and "Lò Văn Tỉnh" in block and "Nguyễn Văn An" not in block
    vii2 = kd[kd.index("2. Xếp loại đảng viên"):]
    assert vii2.startswith("2. Xếp loại đảng viên: (Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ;")
    # the chosen level is underlined in the Word file (the official way)
    xml = zipfile.ZipFile(out / "ca_nhan" / "HC" / "NS-01" / "mau_02b.docx").read("word/document.xml").decode()
    assert re.search(r'<w:u w:val="single"/>(?:(?!</w:r>).)*?<w:t[^>]*>hoàn thành tốt nhiệm vụ</w:t>', xml, re.S)

    # NS-03: disciplined, points 80/100 (HTT), final proposal KHT; not a party member
    pts = _form_text(out, docs, "NS-03", "mau_12_hddg")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in pts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pts
    assert "Mức xếp loại tương ứng với tổng điểm: Hoàn thành tốt nhiệm vụ" in pts
    assert "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ" in pts
    reason = pts[pts.index("Lý do khác với mức theo tổng điểm"):]
    assert "kỷ luật" in reason.lower() and "khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP" in reason
    # NS-01: a party member, points level = final level, no reason
    pts1 = _form_text(out, docs, "NS-01", "mau_12_hddg")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in pts1 and "Lý do khác" not in pts1
    assert "Thử Nghiệm, ngày 25 tháng 10 năm 2024" in pts1


@pytest.mark.libreoffice
def test_sample_person_forms(built):
    out, _ = built
    docs = _docs(out)
    head = _form_text(out, docs, "VP-001", "mau_02")
    block = _signer_after(head, "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ")
    assert "Nguyễn Đình Khải" not in block  # superior unknown: left for handwriting
    kd = _form_text(out, docs, "VP-001", "mau_02b")
    assert "Nguyễn Đình Khải" not in _signer_after(kd, "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ")
    kd = _form_text(out, docs, "VP-016", "mau_02a")
    assert "CHÁNH VĂN PHÒNG (Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu) Nguyễn Đình Khải" in kd
    assert "UBND TỈNH HÀ GIANG NAM VĂN PHÒNG UBND TỈNH HÀ GIANG NAM" in head  # not "HÀ GIANG / NAM"
    staff = _form_text(out, docs, "VP-008", "mau_02")
    assert "III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" in staff
    assert "TRƯỞNG PHÒNG (Ký, ghi rõ họ tên) Phạm Minh Tuấn" in staff
    assert "CHÁNH VĂN PHÒNG (Ký, ghi rõ họ tên) Nguyễn Đình Khải" in staff
    assert staff.count(BLANK_DATE) == 3  # the sample gives no step's date
    deputy = _form_text(out, docs, "VP-005", "mau_02")  # deputy head of a phòng
    assert "III. Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ ĐỐI VỚI CẤP PHÓ CỦA NGƯỜI ĐỨNG ĐẦU" in deputy
    nld = _form_text(out, docs, "VP-036", "mau_03")
    assert nld.startswith("VĂN PHÒNG UBND TỈNH HÀ GIANG NAM TRUNG TÂM CÔNG BÁO - TIN HỌC") or \
        "VĂN PHÒNG UBND TỈNH HÀ GIANG NAM TRUNG TÂM CÔNG BÁO - TIN HỌC" in nld
    assert "NGƯỜI LAO ĐỘNG" in nld and "VIÊN CHỨC" not in nld and "Nhân viên kỹ thuật" in nld
    # VP-026: points 94 (HTXS) but the meeting proposed HTT: the table says so, with the reason
    pts = _form_text(out, docs, "VP-026", "mau_12_hddg")
    assert "Mức xếp loại tương ứng với tổng điểm: Hoàn thành xuất sắc nhiệm vụ" in pts
    assert "Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ" in pts
    assert "Điều 18 Nghị định 90/2020/NĐ-CP" in pts[pts.index("Lý do khác"):]
    assert "ĐẢNG CỘNG SẢN" in pts  # VP-026 is a party member
    assert "ĐẢNG CỘNG SẢN" not in _form_text(out, docs, "VP-008", "mau_12_hddg")


PERSON_FORMS = ("mau_01", "mau_02", "mau_03", "mau_02a", "mau_02b", "mau_3_213", "mau_12_hddg")


@pytest.mark.libreoffice
@pytest.mark.parametrize("which", ["sample", "second"])
def test_no_code_and_one_level_per_person(which, built, second, sample):
    out = built[0] if which == "sample" else second[0]
    docs = _docs(out)
    from pipeline.rating.engine import rate
    from pipeline.rating.levels import WORDS

    campaign = ingest.load(sample) if which == "sample" else ingest.load(out.parent / "so.xlsx")
    ratings = rate(campaign)
    for ma, entry in docs.items():
        rating = ratings.of(ma)
        for d in entry["tai_lieu"]:
            if d["mau"] not in PERSON_FORMS:
                continue
            text = _form_text(out, docs, ma, d["mau"])
            assert not CODE_TOKEN.findall(text), (ma, d["mau"], CODE_TOKEN.findall(text))
            for decree in ("91/2017", "56/2015"):
                assert decree not in text, (ma, d["mau"], decree)
            person = campaign.person(ma)
            ev = signers.evaluator(campaign, person)
            assert ev.ho_ten != person.ho_ten
            if d["mau"] == "mau_12_hddg" and rating.muc_cuoi and rating.rated:
                found = re.search(r"Mức xếp loại (?:đề xuất|của cấp có thẩm quyền): (.+?nhiệm vụ)", text)
                if ev.vai_tro == "cap_tren" and not rating.muc_quyet_dinh:
                    # the agency's head, rated by the superior body (ND 90 Art. 16): his unit proposes no
                    # level for him, and his points table prints none until the superior decides
                    assert found is None, (ma, found.group(0))
                else:
                    assert found is not None and found.group(1) == WORDS[rating.muc_cuoi], (ma, found)


def test_head_named_with_a_courtesy_title(tmp_path):
    data = _second_tables()
    data["CoQuan"] = [(k, "Ông Nguyễn Văn An" if k == "nguoi_dung_dau" else v) for k, v in data["CoQuan"]]
    c = ingest.load(wf.write(tmp_path / "so.xlsx", data))
    assert signers.evaluator(c, c.person("NS-01")).ho_ten == "Lò Văn Tỉnh"
    assert signers.evaluator(c, c.person("NS-02")).ho_ten == "Ông Nguyễn Văn An"


def test_head_spelt_differently_is_a_warning(tmp_path):
    data = _second_tables()
    data["CoQuan"] = [(k, "Nguyễn Văn Ân" if k == "nguoi_dung_dau" else v) for k, v in data["CoQuan"]]
    data["NhanSu"][0].update(chuc_vu="Giám đốc Sở")
    warnings = [p for p in ingest.check(wf.write(tmp_path / "so.xlsx", data)) if not p.is_error]
    (w,) = [w for w in warnings if "Nguyễn Văn Ân" in w.message]
    assert (w.sheet, w.row, w.column) == ("NhanSu", 2, wf.letter("NhanSu", "ho_ten"))
    assert "chính họ là người có thẩm quyền đánh giá" in w.message


def test_levels_marked_the_official_way_or_with_boxes_by_setting(tmp_path):
    import dataclasses

    from pipeline.forms.context import person_context
    from pipeline.forms.registry import Registry
    from pipeline.rating.engine import rate

    c = _campaign(tmp_path)
    ratings = rate(c)
    spec = Registry().get("mau_02b")
    p = c.person("NS-01")
    ctx = person_context(c, spec, p, ratings.of(p.ma_so))
    assert ctx["o_danh_dau"] is False
    assert ctx["ds_tu_xep_loai_dang"]["chon"] == {"HTXS": "", "HTT": "hoàn thành tốt nhiệm vụ", "HT": "", "KHT": ""}
    assert ctx["ds_tu_xep_loai_dang"]["khac"]["HTT"] == ""
    assert ctx["ds_tu_xep_loai"]["chon"]["HTT"] == "hoàn thành tốt nhiệm vụ"  # NS-01 rates himself HTT
    assert not any(ctx["ds_ket_qua"]["chon"].values())  # nothing decided yet
    boxed = dataclasses.replace(spec, labels={**spec.labels, "cach_danh_dau_muc": "Ô đánh dấu"})
    ctx = person_context(c, boxed, p, ratings.of(p.ma_so))
    assert ctx["o_danh_dau"] is True and ctx["tu_xep_loai_dang"]["HTT"] == "☒"
    other = c.person("NS-02")  # no party self-rating given: nothing chosen
    ctx = person_context(c, spec, other, ratings.of(other.ma_so))
    assert not any(ctx["ds_tu_xep_loai_dang"]["chon"].values())
