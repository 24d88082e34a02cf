"""The 2026 forms (form set `nd335`) in real builds (LibreOffice): golden text of every form, the
years guard, `hoso templates`, and no ND 90 / HD 25 form nor citation in a 2026 dossier."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import workbook_factory as wf

from pipeline import api, ingest
from pipeline.cli import main
from pipeline.errors import ExitCode, TemplateError
from pipeline.forms.registry import Registry
from pipeline.options import BuildOptions
from pipeline.plan import default_form_set, make_plan
from pipeline.resources import templates_dir

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]


def flat(text: str) -> str:
    return " ".join(text.split())


def tables_2026() -> dict[str, list]:
    """wf.tables() moved to 2026, with periods: NS-01 (agency head, leader), NS-04 (head of a
    đơn vị sự nghiệp, viên chức leader) and NS-05 monthly; NS-02 (deputy) quarterly; NS-03 from
    products in January; NS-05 misses July; NS-06 (4 months, not rated) September–December."""
    t = wf.tables()
    t["CoQuan"] = [(k, YEAR if k == "nam_danh_gia" else v.replace(year=YEAR) if isinstance(v, dt.date) else v)
                   for k, v in t["CoQuan"]]
    t["KyLuat"][0]["ngay_hieu_luc"] = dt.date(YEAR, 6, 20)
    t["NhanSu"][3]["tu_xep_loai_dang_vien"] = "HTXS"  # NS-04's own party level (2B, VII)
    del t["TieuChi"], t["ChamDiem"], t["BieuQuyet"], t["ThiDua"]
    rows = []

    def add(ma_so, ky, chung, a, b, c, d=None, dd=None, e=None):
        rows.append(dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=chung, ty_le_so_luong=a, ty_le_chat_luong=b,
                         ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e))

    for ky in MONTHS:
        add("NS-01", ky, 28, 100, 100, 100, 100, 100, 100)  # 28 + 70 = 98
        add("NS-04", ky, 27, 100, 90, 80, 100, 90, 80)  # 27 + 70 × 540/600 = 90
        if ky != f"{YEAR}-07":
            add("NS-05", ky, 25, 100, 80, 80)  # 25 + 70 × 260/300 = 85.666…
        if ky != f"{YEAR}-01":
            add("NS-03", ky, 20, 100, 100, 70)  # 20 + 70 × 270/300 = 83
    rows.append(dict(ma_so="NS-03", ky=f"{YEAR}-01", diem_tieu_chi_chung=20))  # a, b, c from SanPham
    for q in (1, 2, 3, 4):
        add("NS-02", f"{YEAR}-Q{q}", 26, 100, 100, 100, 100, 90, 90)  # 26 + 70 × 580/600 = 93.666…
    for ky in MONTHS[8:]:
        add("NS-06", ky, 24, 90, 90, 90)
    t["KetQuaKy"] = rows
    t["SanPham"] = [
        dict(ma_so="NS-03", ky=f"{YEAR}-01", ten_san_pham="Báo cáo tổng hợp tháng", he_so_quy_doi=1, hoan_thanh="Có",
             so_lan_khong_dat=1),
        dict(ma_so="NS-03", ky=f"{YEAR}-01", ten_san_pham="Tờ trình kế hoạch & <dự thảo>", he_so_quy_doi=3,
             hoan_thanh="Có", so_lan_cham=2, mien_tru="Có"),
    ]
    return t


@pytest.fixture(scope="module")
def workbook_2026(tmp_path_factory) -> Path:
    return wf.write(tmp_path_factory.mktemp("wb2026") / "so_2026.xlsx", tables_2026())


@pytest.fixture(scope="module")
def built_2026(tmp_path_factory, workbook_2026, shared_cache):
    out = tmp_path_factory.mktemp("out2026") / "ket_qua"
    lines: list[str] = []
    summary = api.build(workbook_2026, out, BuildOptions(cache_dir=shared_cache), log=lines.append)
    return out, summary, lines


@pytest.fixture(scope="module")
def manifest_2026(built_2026):
    out, _, _ = built_2026
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _doc_text(out: Path, manifest: dict, ma_so: str, form: str) -> str:
    """The text of one form of a person's dossier: the pages of the form in the merged PDF."""
    (person,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == ma_so]
    (doc,) = [d for d in person["tai_lieu"] if d["mau"] == form]
    first, n = doc["trang_dau"], doc["so_trang"]
    return subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(first + n - 1), str(out / person["pdf"]),
                           "-"], capture_output=True, text=True, check=True).stdout


def _forms(manifest: dict, ma_so: str) -> list[str]:
    (person,) = [p for p in manifest["ca_nhan"] if p["ma_so"] == ma_so]
    return [d["mau"] for d in person["tai_lieu"]]


# --------------------------------------------------------------------------------------------
# form sets by year, the years guard
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("year", "name"), [(2020, "nd90"), (2024, "nd90"), (2025, "nd90"), (2026, "nd335"),
                                            (2027, "nd335")])
def test_default_form_set_by_year(year, name):
    assert default_form_set(year) == name


def test_meta_years_of_the_forms_follow_regime_2026():
    reg = Registry()
    assert reg.get("mau_01").years == reg.get("mau_02").years == reg.get("mau_03").years == (2020, 2025)
    assert reg.get("mau_02a").years == reg.get("mau_02b").years == (2023, 2024)  # HD 43 replaced HD 25 for 2025
    for code in ("mau_2a_2025", "mau_2b_2025", "mau_2c_2025", "mau_01_2025"):
        assert reg.get(code).years == (2025, 2100) and reg.get(code).reconstructed
    for code in ("phieu_nd335", "phieu_nd233", "theo_doi_ky"):
        assert reg.get(code).years == (2026, 2100) and reg.get(code).reconstructed
        assert reg.get(code).sources
    assert not reg.get("mau_02").reconstructed and reg.get("mau_02").status == ""  # old meta files load as before


def test_2025_party_members_get_the_hd43_forms_with_nd90(tmp_path):
    t = wf.tables()
    t["CoQuan"] = [(k, 2025 if k == "nam_danh_gia" else v.replace(year=2025) if isinstance(v, dt.date) else v)
                   for k, v in t["CoQuan"]]
    t["KyLuat"][0]["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    plan = make_plan(ingest.load(wf.write(tmp_path / "so.xlsx", t)), Registry())
    forms = {j.key for j in plan.jobs}
    assert {"NS-01/mau_02", "NS-01/mau_2b_2025", "NS-04/mau_03", "NS-04/mau_2b_2025"} <= forms
    assert not any(j.form in ("mau_02a", "mau_02b") for j in plan.jobs)


def test_years_guard_names_form_year_and_fix(tmp_path, workbook_2026):
    t = tables_2026()
    t["CoQuan"].append(("bo_mau", "nd90"))
    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", t))
    with pytest.raises(TemplateError) as err:
        make_plan(campaign, Registry())
    text = str(err.value)
    assert err.value.exit_code == ExitCode.template_error == 8
    assert "Năm đánh giá 2026: bộ mẫu «nd90» sẽ in mẫu không áp dụng cho năm 2026" in text
    assert "«mau_02» (Mẫu số 02 — Phiếu đánh giá, xếp loại chất lượng công chức" in text
    assert "chỉ dùng cho năm 2020–2025" in text
    assert "«mau_03» (Mẫu số 03" in text
    # the party entry of nd90 is a list: HD 25's 02B up to 2024, then HD 43's 2B, which fits 2026
    assert "mau_02b" not in text and "mau_2b_2025" not in text
    assert "ô «Bộ mẫu» đang ghi «nd90»: để trống để chương trình chọn bộ mẫu theo năm" in text
    assert "hoặc ghi «nd335»" in text


def test_years_guard_in_the_cli_exit_8(tmp_path, capsys):
    t = tables_2026()
    t["CoQuan"].append(("bo_mau", "nd90"))
    wb = wf.write(tmp_path / "so.xlsx", t)
    with pytest.raises(SystemExit) as stop:
        main(["build", str(wb), "-o", str(tmp_path / "out")])
    assert stop.value.code == 8
    err = flat(capsys.readouterr().err)
    assert "Lỗi: Năm đánh giá 2026: bộ mẫu «nd90» sẽ in mẫu không áp dụng cho năm 2026" in err
    assert "«mau_02» (Mẫu số 02" in err and "Cách sửa:" in err
    assert not (tmp_path / "out").exists()


def test_years_guard_edited_meta_years_lifts_it(tmp_path):
    """An agency that keeps a form for a later year by its own decision edits `years` in its copy."""
    root = tmp_path / "mau"
    shutil.copytree(templates_dir(), root)
    meta = root / "mau_02" / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("years = [2020, 2025]", "years = [2020, 2026]"),
                    encoding="utf-8")
    t = tables_2026()
    t["CoQuan"].append(("bo_mau", "nd90"))
    with pytest.raises(TemplateError) as err:
        make_plan(ingest.load(wf.write(tmp_path / "so.xlsx", t)), Registry(root))
    assert "«mau_02»" not in str(err.value) and "«mau_03»" in str(err.value)


# --------------------------------------------------------------------------------------------
# hoso templates
# --------------------------------------------------------------------------------------------
def test_hoso_templates_lists_the_reconstructed_forms(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["templates"])
    assert stop.value.code == 0
    lines = capsys.readouterr().err.splitlines()
    rebuilt = {ln.split()[2] for ln in lines if ln.strip().startswith("TÁI DỰNG")}
    assert rebuilt == {"phieu_nd335", "phieu_nd233", "theo_doi_ky", "mau_2a_2025", "mau_2b_2025", "mau_2c_2025",
                       "mau_01_2025"}
    mau02 = next(ln for ln in lines if " mau_02 " in ln)
    assert "TÁI DỰNG" not in mau02 and "2020–2025" in mau02
    assert "7 mẫu là bản tái dựng" in lines[-1] and "--templates" in lines[-1]
    with pytest.raises(SystemExit):
        main(["templates", "list"])
    assert "7 mẫu là bản tái dựng" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# a 2026 build
# --------------------------------------------------------------------------------------------
pytestmark_lo = pytest.mark.libreoffice


@pytestmark_lo
def test_2026_dossiers_hold_the_2026_forms_only(built_2026, manifest_2026):
    out, summary, lines = built_2026
    assert _forms(manifest_2026, "NS-01") == ["phieu_nd335", "theo_doi_ky", "mau_2b_2025", "mau_3_213"]
    assert _forms(manifest_2026, "NS-03") == ["phieu_nd335", "theo_doi_ky"]
    assert _forms(manifest_2026, "NS-04") == ["phieu_nd233", "theo_doi_ky", "mau_2b_2025", "mau_3_213"]
    # hop_dong in a đơn vị sự nghiệp, rated by the agency's rules applying ND 335 (CoQuan «Bộ quy tắc cho cán
    # bộ, hợp đồng, NLĐ» empty: the default): the ND 335 phiếu, whose title says so (rev42)
    assert _forms(manifest_2026, "NS-06") == ["phieu_nd335", "theo_doi_ky"]
    nld = flat(_doc_text(out, manifest_2026, "NS-06", "phieu_nd335"))
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in nld
    assert "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in nld
    assert "Không thực hiện xếp loại chất lượng" in nld  # 4 months: no rating, the sheet is a review
    old = {"mau_01", "mau_02", "mau_03", "mau_02a", "mau_02b", "mau_12_hddg"}
    for p in manifest_2026["ca_nhan"]:
        assert not old & {d["mau"] for d in p["tai_lieu"]}, p["ma_so"]
        text = _text(out / p["pdf"])
        for banned in ("KĐ.ĐG 2023", "Mẫu số 02", "Mẫu số 03", "Mẫu số 01", "90/2020", "48/2023", "25-HD/BTCTW"):
            assert banned not in text, (p["ma_so"], banned)
    (note,) = [ln for ln in lines if "bản tái dựng" in ln]
    for code in ("phieu_nd335", "phieu_nd233", "theo_doi_ky", "mau_2b_2025", "mau_01_2025"):
        assert code in note
    assert "mau_2a_2025" not in note and "mau_3_213" not in note  # not used / not reconstructed
    assert "hoso templates export" in note and "--templates" in note


@pytestmark_lo
def test_golden_phieu_nd335_agency_head(built_2026, manifest_2026):
    out, _, _ = built_2026
    text = flat(_doc_text(out, manifest_2026, "NS-01", "phieu_nd335"))
    golden = [
        "UBND TỈNH THỬ NGHIỆM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
        "Năm 2026", "Họ và tên: Nguyễn Văn An", "Chức vụ, chức danh: Trưởng phòng",
        "I. KẾT QUẢ TỰ ĐÁNH GIÁ", "1. Tiêu chí chung (tối đa 30 điểm):",
        "a) Phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý thức kỷ luật:",
        "2. Kết quả thực hiện nhiệm vụ được giao (tối đa 70 điểm):",
        "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ", "II. KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO THÁNG, QUÝ",
        "1 Tháng 01/2026 28,00 100 100 100 100 100 100 98,00", "12 Tháng 12/2026 28,00 100 100 100 100 100 100 98,00",
        "Điểm đánh giá năm (trung bình cộng điểm các kỳ) 98,00",
        # 98 points: HTXS. The agency head is rated by the head of the managing agency (ND 335 Art. 10
        # cl. 2), so his agency's 20 % cap is not applied to him here: the superior weighs it
        "Mức xếp loại đề xuất: Hoàn thành xuất sắc nhiệm vụ",
        "III. TỰ NHẬN XÉT, ĐỀ XUẤT MỨC XẾP LOẠI", "Nhiệt tình, trách nhiệm.",
        # the official list, the person's choice underlined (checked in the Word file below)
        "2. Tự đề xuất mức xếp loại chất lượng: (Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; "
        "hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ).",
        "Thử Nghiệm, ngày …… tháng …… năm …… NGƯỜI TỰ ĐÁNH GIÁ (Ký, ghi rõ họ tên) Nguyễn Văn An",
        "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC",
        "2. Kết quả xếp loại chất lượng: (Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; "
        "hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ).",
        # the agency head is rated by the head of the superior agency, never by himself
        "CHỦ TỊCH UBND TỈNH (Ký, ghi rõ họ tên) Trần Văn Tỉnh",
    ]
    pos = 0
    for s in golden:
        at = text.find(flat(s), pos)
        assert at >= 0, s
        pos = at
    assert "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" not in text  # no manager above the head but the superior
    assert "CHÁNH VĂN PHÒNG" not in text  # his own post is not an evaluator
    assert "ĐÁNG TIN" not in text and "tái dựng" not in text  # no disclaimer on the page
    assert "☒" not in text and "☐" not in text  # tick boxes only when the form's label asks for them
    # the self-proposal (HTT) underlined, nothing underlined in the evaluator's list (no decision)
    assert _underlined(out / "ca_nhan" / "HC" / "NS-01" / "phieu_nd335.docx") == ["hoàn thành tốt nhiệm vụ"]


def _underlined(docx: Path) -> list[str]:
    """The texts of the underlined runs of a filled Word file."""
    xml = zipfile.ZipFile(docx).read("word/document.xml").decode()
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*?</w:r>", xml, re.S)
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", r)) for r in runs if '<w:u w:val="single"/>' in r
            and re.search(r"<w:t[^>]*>[^<]+</w:t>", r)]


@pytestmark_lo
def test_levels_as_tick_boxes_when_the_label_says_so(tmp_path, cache_dir):
    """`cach_danh_dau_muc = "ô đánh dấu"` in a form's meta.toml: the agency's tick boxes, the same
    label as the ND 90 forms; the party self-rating of 2B from NhanSu tu_xep_loai_dang_vien."""
    root = tmp_path / "mau"
    shutil.copytree(templates_dir(), root)
    for code in ("phieu_nd335", "mau_2b_2025"):
        meta = root / code / "meta.toml"
        meta.write_text(meta.read_text(encoding="utf-8").replace('cach_danh_dau_muc = "gạch chân"',
                                                                 'cach_danh_dau_muc = "ô đánh dấu"'), encoding="utf-8")
    t = tables_2026()
    t["NhanSu"][0]["tu_xep_loai_dang_vien"] = "HTT"
    out = tmp_path / "out"
    api.build(wf.write(tmp_path / "so.xlsx", t), out,
              BuildOptions(templates=root, persons=frozenset({"NS-01", "NS-06"}), cache_dir=cache_dir))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # NS-06 (4 months, not rated): the not-rated line in the three places, no box to tick
    nld = flat(_doc_text(out, manifest, "NS-06", "phieu_nd335"))
    assert nld.count(NOT_RATED_LINE) == 3 and "☐" not in nld and "☒" not in nld
    phieu = flat(_doc_text(out, manifest, "NS-01", "phieu_nd335"))
    assert flat("2. Tự đề xuất mức xếp loại chất lượng: ☐ Hoàn thành xuất sắc nhiệm vụ ☒ Hoàn thành tốt nhiệm vụ") in phieu
    assert flat("2. Kết quả xếp loại chất lượng: ☐ Hoàn thành xuất sắc nhiệm vụ ☐ Hoàn thành tốt nhiệm vụ") in phieu
    assert "(Hoàn thành xuất sắc nhiệm vụ;" not in phieu
    party = flat(_doc_text(out, manifest, "NS-01", "mau_2b_2025"))
    assert flat("Tự nhận mức xếp loại chất lượng đảng viên: ☐ Hoàn thành xuất sắc nhiệm vụ ☒ Hoàn thành tốt nhiệm vụ") \
        in party


LEVEL_LIST = "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ)"
NOT_RATED_LINE = ("Không xếp loại (thời gian công tác thực tế trong năm chưa đủ 06 tháng; vẫn nhận xét, kiểm điểm thời "
                  "gian công tác trong năm).")


@pytestmark_lo
def test_not_rated_phieu_offers_no_level_to_choose(built_2026, manifest_2026):
    """NS-06 worked September–December (4 months: not rated, docs/rating.md rule 3 — «không thực hiện
    việc đánh giá, xếp loại chất lượng nhưng vẫn phải kiểm điểm»): the self-proposal (III.2), the direct
    manager's proposal (IV.2, NS-04 heads her unit) and the competent person's result (V.2) each print
    the not-rated line instead of the four levels a signer could underline. NS-05 (rated, viên chức
    under NS-04: phieu_nd233 with the manager's part) keeps the list in the same three places."""
    out, _, _ = built_2026
    nld = flat(_doc_text(out, manifest_2026, "NS-06", "phieu_nd335"))
    for heading in ("2. Tự đề xuất mức xếp loại chất lượng:", "2. Đề xuất mức xếp loại chất lượng:",
                    "2. Kết quả xếp loại chất lượng:"):
        assert f"{heading} {NOT_RATED_LINE}" in nld, heading
    assert nld.count(NOT_RATED_LINE) == 3
    assert "Hoàn thành xuất sắc nhiệm vụ" not in nld and "Không hoàn thành nhiệm vụ" not in nld
    assert "Không thực hiện xếp loại chất lượng" in nld  # the note under the identity lines stays
    rated = flat(_doc_text(out, manifest_2026, "NS-05", "phieu_nd233"))
    assert rated.count(LEVEL_LIST) == 3 and "Không xếp loại (" not in rated


@pytestmark_lo
def test_golden_phieu_nd335_staff_with_products_and_manager(built_2026, manifest_2026):
    out, _, _ = built_2026
    text = flat(_doc_text(out, manifest_2026, "NS-03", "phieu_nd335"))
    # January from SanPham: weights 1 and 3, both done; a = 100; b = (1 × 0.75 + 3 × 1)/4 = 93.75;
    # c = (1 + 3 × 1 [waived])/4 = 100: 20 + 70 × 293.75/300 = 88.541…; the other months 83
    for s in ("Chức vụ, chức danh: Chuyên viên", "1 Tháng 01/2026 20,00 100 93,75 100 88,54",
              "2 Tháng 02/2026 20,00 100 100 70 83,00",
              # year: (88.5416… + 11 × 83)/12 = 83.4618… -> 83,46 (cut)
              "Điểm đánh giá năm (trung bình cộng điểm các kỳ) 83,46",
              "Mức xếp loại đề xuất: Không hoàn thành nhiệm vụ",  # the reprimand in 2026 (KHT case)
              ):
        assert flat(s) in text, s
    assert "PHẦN DÀNH RIÊNG" not in text and " d đ e " not in text


@pytestmark_lo
def test_golden_phieu_nd233_leader_of_a_unit_and_missing_month(built_2026, manifest_2026):
    out, _, _ = built_2026
    head = flat(_doc_text(out, manifest_2026, "NS-04", "phieu_nd233"))
    for s in ("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG VIÊN CHỨC", "Chức danh nghề nghiệp:",
              "a) Phẩm chất chính trị, đạo đức, kỷ luật, kỷ cương:", "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ",
              "1 Tháng 01/2026 27,00 100 90 80 100 90 80 90,00", "(trung bình cộng điểm các kỳ) 90,00",
              "Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ"):  # 90 = HTXS, lowered by the 20 % cap
        assert flat(s) in head, s
    staff = flat(_doc_text(out, manifest_2026, "NS-05", "phieu_nd233"))
    assert "Tháng 07/2026 25,00" not in staff and "7 Tháng 08/2026 25,00 100 80 80 85,66" in staff
    # July missing: the mean of the 11 months present (each 25 + 70 × 260/300 = 85,66) is not the year's score —
    # Art. 21 ND 335 takes the mean of the periods of the whole time worked: none printed, no level, and
    # the form says which period is missing (the period sheet too)
    assert "(trung bình cộng điểm các kỳ) Chưa tính" in staff and "(trung bình cộng điểm các kỳ) 85,66" not in staff
    assert "Mức xếp loại đề xuất: Chưa xếp loại: thiếu kết quả tháng 07/2026" in staff
    sheet = flat(_doc_text(out, manifest_2026, "NS-05", "theo_doi_ky"))
    assert "(trung bình cộng điểm các kỳ): chưa tính, thiếu kết quả tháng 07/2026." in sheet
    assert "(trung bình cộng điểm các kỳ): 85,66" not in sheet
    # the unit head signs as the direct manager, the agency head as the competent evaluator
    assert "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" in staff
    assert flat("GIÁM ĐỐC (Ký, ghi rõ họ tên) Phạm Thị Dung") in staff
    assert flat("CHÁNH VĂN PHÒNG (Ký, ghi rõ họ tên) Nguyễn Văn An") in staff


@pytestmark_lo
def test_golden_quarterly_period_sheet(built_2026, manifest_2026):
    out, _, _ = built_2026
    text = flat(_doc_text(out, manifest_2026, "NS-02", "theo_doi_ky"))
    for s in ("Phụ lục", "PHIẾU THEO DÕI, ĐÁNH GIÁ", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO QUÝ NĂM 2026",
              "Họ và tên: Trần Thị Bình", "1. Quý I/2026",
              "Điểm tiêu chí chung: 26,00; a) 100%; b) 100%; c) 100%; d) 100%; đ) 90%; e) 90%; Điểm kỳ: 93,66.",
              "4. Quý IV/2026", "Điểm đánh giá năm (trung bình cộng điểm các kỳ): 93,66 (4 quý).",
              "NGƯỜI TỰ ĐÁNH GIÁ"):
        assert flat(s) in text, s


@pytestmark_lo
def test_golden_monthly_period_sheet_with_products(built_2026, manifest_2026):
    out, _, _ = built_2026
    text = flat(_doc_text(out, manifest_2026, "NS-03", "theo_doi_ky"))
    for s in ("KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO THÁNG NĂM 2026", "1. Tháng 01/2026",
              "1 Báo cáo tổng hợp tháng 1 Có 1 0", "2 Tờ trình kế hoạch & <dự thảo> 3 Có 0 2 x",
              "Điểm tiêu chí chung: 20,00; a) 100%; b) 93,75%; c) 100%; Điểm kỳ: 88,54.",
              "12. Tháng 12/2026", "(12 tháng)"):
        assert flat(s) in text, s
    assert "c) tiến độ sản phẩm, công việc hoàn thành so với được giao (%)." in text
    assert "d) kết quả đơn vị" not in text  # the leaders' key only for leaders


@pytestmark_lo
def test_golden_party_2b_and_collective_01(built_2026, manifest_2026):
    out, _, _ = built_2026
    text = flat(_doc_text(out, manifest_2026, "NS-04", "mau_2b_2025"))
    for s in ("Mẫu 2B-HD KĐ.ĐG 2025", "ĐẢNG CỘNG SẢN VIỆT NAM", "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm 2026",
              "(Cá nhân giữ chức vụ lãnh đạo, quản lý)", "Họ và tên: Phạm Thị Dung",
              "VII. Tự chấm điểm và tự nhận mức xếp loại chất lượng",
              "1 Nhóm tiêu chí chung 30", "Nhóm tiêu chí về kết quả thực hiện chức trách,",
              "Tổng cộng 100",
              # the member's own party level (NhanSu tu_xep_loai_dang_vien), the official list
              "Tự nhận mức xếp loại chất lượng đảng viên: (Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ;",
              "NGƯỜI TỰ KIỂM ĐIỂM", "Điểm đánh giá năm (theo kết quả theo dõi từng tháng, quý): 90,00",
              "T/M CHI ỦY (CHI BỘ)", "T/M ĐẢNG ỦY"):
        assert flat(s) in text, s
    (unit,) = [u for u in manifest_2026["don_vi"] if u["ma_don_vi"] == "HC"]
    pdf = out / unit["pdf"]
    full = flat(_text(pdf))
    assert _underlined(out / "ca_nhan" / "SN" / "NS-04" / "mau_2b_2025.docx") == [
        "ĐẢNG CỘNG SẢN VIỆT NAM", "Hoàn thành xuất sắc nhiệm vụ"]  # the party header's own underline
    for s in ("Mẫu 01-HD KĐ.ĐG 2025", "CHI BỘ 1", "BÁO CÁO", "Kiểm điểm tập thể chi bộ năm 2026",
              "VI. Tự đánh giá, xếp loại chất lượng tập thể", "1 Nguyễn Văn An Trưởng phòng 98,00",
              "T/M CHI BỘ", "BÍ THƯ CHI BỘ"):
        assert flat(s) in full, s
    (sn,) = [u for u in manifest_2026["don_vi"] if u["ma_don_vi"] == "SN"]
    assert "Mẫu 01-HD KĐ.ĐG 2025" not in _text(out / sn["pdf"])  # no chi bộ in that unit


def _mau_01_rows(out: Path, manifest: dict, unit: str) -> str:
    (u,) = [d for d in manifest["don_vi"] if d["ma_don_vi"] == unit]
    text = flat(_text(out / u["pdf"]))
    start = text.index("Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động là đảng viên")
    return text[start:text.index("T/M CHI BỘ", start)]


@pytestmark_lo
def test_mau_01_marks_an_undecided_level_as_the_proposal(built_2026, manifest_2026, tmp_path, shared_cache):
    """The chi bộ report (Mẫu 01, part VII) lists its members' state results; a level the competent
    evaluator has not decided is the proposal and is printed as such, never as the result.
    NS-01 (the only party member of HC): 28 + 70 × 600/600 = 98 points, Hoàn thành xuất sắc nhiệm
    vụ by the points; his comparable group (the leaders NS-01, 98, and NS-02, 26 + 70 × 580/600 =
    93.66…) has no one at Hoàn thành tốt nhiệm vụ, so keeping k ≥ 1 at HTXS leaves 2 − k at HTT and
    20 % of that, rounded down, is 0 < k: both are proposed Hoàn thành tốt nhiệm vụ (ND 335 Art. 20
    cl. 5a). But NS-01 is the agency's head: rated by the head of the superior body (ND 90 Art. 16;
    aud29: his unit proposes no level for him), so until that decision his row says who rates him, not
    a proposal (the proposal mark of the others: test_mau_01_is_signed_by_the_secretary_of_the_chi_bo)."""
    out, _, _ = built_2026
    rows = _mau_01_rows(out, manifest_2026, "HC")  # one row (the cell wraps: its words come apart)
    for s in ("1 Nguyễn Văn An Trưởng phòng 98,00", "Do Chủ tịch UBND tỉnh", "Thử Nghiệm đánh giá, xếp loại"):
        assert s in rows, (s, rows)
    assert "(đề xuất)" not in rows and "Hoàn thành" not in rows, rows
    # once the competent evaluator has decided (NhanSu muc_quyet_dinh), the decided level, unmarked
    t = tables_2026()
    t["NhanSu"][0]["muc_quyet_dinh"] = "HTT"
    wb = wf.write(tmp_path / "so.xlsx", t)
    api.build(wb, tmp_path / "out", BuildOptions(cache_dir=shared_cache))
    decided = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    rows = _mau_01_rows(tmp_path / "out", decided, "HC")
    for s in ("1 Nguyễn Văn An Trưởng phòng 98,00", "Hoàn thành tốt nhiệm vụ"):
        assert s in rows, (s, rows)
    assert "(đề xuất)" not in rows, rows


@pytestmark_lo
def test_party_2a_and_2c_render(tmp_path, shared_cache):
    """2A for a member who does not lead; 2C for the categories the set lists as outside the
    political system (an agency's choice in bo_mau.toml). NS-07, a member recruited on 01/9 (4 months:
    the state side does not rate him, ND 335 Art. 20), reads «Không xếp loại» on his 2A's state level
    line, as on his phiếu, not a dotted line inviting a level by hand."""
    root = tmp_path / "mau"
    shutil.copytree(templates_dir(), root)
    sets = root / "bo_mau.toml"
    sets.write_text(sets.read_text(encoding="utf-8").replace("ngoai_he_thong_loai = []",
                                                             'ngoai_he_thong_loai = ["hop_dong"]'), encoding="utf-8")
    t = tables_2026()
    t["NhanSu"][2]["dang_vien"] = "Có"  # NS-03, công chức, not a leader
    t["NhanSu"][5]["dang_vien"] = "Có"  # NS-06, hợp đồng
    t["NhanSu"][5]["so_thang_cong_tac"] = 12
    t["KetQuaKy"] = [r for r in t["KetQuaKy"] if r["ma_so"] != "NS-06"] + [
        dict(ma_so="NS-06", ky=ky, diem_tieu_chi_chung=24, ty_le_so_luong=90, ty_le_chat_luong=90, ty_le_tien_do=90)
        for ky in MONTHS]
    t["NhanSu"].append(dict(t["NhanSu"][2], ma_so="NS-07", ho_ten="Đào Minh Khôi", ngay_sinh=dt.date(2000, 4, 4),
                            dang_vien="Có", tu_xep_loai="HTT", so_thang_cong_tac=4, so_thang_nghi=0))
    t["KetQuaKy"] += [dict(ma_so="NS-07", ky=ky, diem_tieu_chi_chung=25, ty_le_so_luong=90, ty_le_chat_luong=90,
                           ty_le_tien_do=90) for ky in MONTHS[8:]]
    # NS-08, a cán bộ (an elected post) and member: his 2A's state block is a cán bộ's, as his phiếu («… CÁN BỘ»)
    t["NhanSu"].append(dict(t["NhanSu"][2], ma_so="NS-08", ho_ten="Hà Văn Lộc", ngay_sinh=dt.date(1975, 5, 5),
                            dang_vien="Có", loai_nhan_su="can_bo", tu_xep_loai="HTT"))
    t["KetQuaKy"] += [dict(ma_so="NS-08", ky=ky, diem_tieu_chi_chung=25, ty_le_so_luong=90, ty_le_chat_luong=90,
                           ty_le_tien_do=90) for ky in MONTHS]
    wb = wf.write(tmp_path / "so.xlsx", t)
    out = tmp_path / "out"
    api.build(wb, out, BuildOptions(templates=root, persons=frozenset({"NS-03", "NS-06", "NS-07", "NS-08"}),
                                    cache_dir=shared_cache))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "mau_2a_2025" in _forms(manifest, "NS-03") and "mau_2c_2025" in _forms(manifest, "NS-06")
    a = flat(_doc_text(out, manifest, "NS-03", "mau_2a_2025"))
    for s in ("Mẫu 2A-HD KĐ.ĐG 2025", "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)", "Họ và tên: Lê Quang Cường",
              "VII. Tự chấm điểm", "Điểm đánh giá năm (theo kết quả theo dõi từng tháng, quý): 83,46"):
        assert flat(s) in a, s
    c = flat(_doc_text(out, manifest, "NS-06", "mau_2c_2025"))
    for s in ("Mẫu 2C-HD KĐ.ĐG 2025", "BẢN KIỂM ĐIỂM ĐẢNG VIÊN", "(Đảng viên không làm việc trong hệ thống chính trị)",
              "Nơi làm việc:", "VI. Tự chấm điểm và tự nhận mức xếp loại chất lượng", "T/M CHI ỦY (CHI BỘ)"):
        assert flat(s) in c, s
    assert "Đánh giá, xếp loại chất lượng công chức, viên chức" not in c
    # the state level line: dots for NS-03 (rated, nothing decided), words for NS-07 (not rated)
    assert re.search(r"Mức xếp loại chất lượng công chức, viên chức: …+", a)
    assert "Không xếp loại" not in a
    k = flat(_doc_text(out, manifest, "NS-07", "mau_2a_2025"))
    assert "Họ và tên: Đào Minh Khôi" in k
    assert "không tính, không xếp loại (công tác trong năm dưới 06 tháng)" in k
    assert "Mức xếp loại chất lượng công chức, viên chức: Không xếp loại" in k
    # a cán bộ's state block names cán bộ (the công chức's keeps «công chức, viên chức», above)
    cb = flat(_doc_text(out, manifest, "NS-08", "mau_2a_2025"))
    for s in ("Đánh giá, xếp loại chất lượng cán bộ", "Nhận xét, đánh giá của người quản lý, sử dụng cán bộ",
              "Mức xếp loại chất lượng cán bộ:"):
        assert flat(s) in cb, s
    assert "công chức, viên chức" not in cb
    assert "Đánh giá, xếp loại chất lượng công chức, viên chức" in a


def test_templates_check_with_the_2026_sample():
    """`hoso templates check --workbook` the 2026 sample: every form fills with 2026 contexts."""
    from pipeline import lint
    from pipeline.resources import sample_workbook

    results = lint.check(None, sample_workbook(2026))
    assert [(r.code, r.problems) for r in results if not r.ok] == []
    assert {"phieu_nd335", "phieu_nd233", "theo_doi_ky", "mau_01_2025"} <= {r.code for r in results}


def test_an_old_templates_folder_without_the_2026_set(tmp_path):
    """An agency's templates exported before the 2026 forms: the year picks nd335, which it lacks."""
    root = tmp_path / "mau"
    shutil.copytree(templates_dir(), root)
    sets = root / "bo_mau.toml"
    text = sets.read_text(encoding="utf-8")
    sets.write_text(text[: text.index("[nd335]")], encoding="utf-8")
    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", tables_2026()))
    with pytest.raises(TemplateError) as err:
        make_plan(campaign, Registry(root))
    assert "Bộ mẫu «nd335» (chọn theo năm đánh giá 2026) không có trong tệp bo_mau.toml" in str(err.value)
    assert "hoso templates export" in str(err.value)


@pytestmark_lo
def test_sample_2026_agency_head_layout(tmp_path, shared_cache):
    """The 2026 sample's agency head: the superior who confirms his monthly sheet signs on one title
    line, level with him; the party header breaks its names between words that belong together."""
    from pipeline.resources import sample_workbook

    out = tmp_path / "out"
    api.build(sample_workbook(2026), out, BuildOptions(persons=frozenset({"VP-001", "VP-036", "VP-037"}),
                                                       cache_dir=shared_cache))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    sheet = _doc_text(out, manifest, "VP-001", "theo_doi_ky")
    assert re.search(r"NGƯỜI TỰ ĐÁNH GIÁ +CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n", sheet)
    assert re.search(r"Nguyễn Đình Khải +Lục Văn Thành\n", sheet)
    party = _doc_text(out, manifest, "VP-001", "mau_2b_2025")
    lines = [ln.strip() for ln in party.splitlines()]
    assert any(ln.startswith("ĐẢNG BỘ VĂN PHÒNG ") for ln in lines) and "UBND TỈNH" in lines
    assert "CHI BỘ" in lines and "LÃNH ĐẠO - TỔNG HỢP" in lines and "HỢP" not in lines and "TỈNH" not in lines
    # a viên chức quản lý: the post and the chức danh nghề nghiệp each on its line; a người lao động: the job
    head = flat(_doc_text(out, manifest, "VP-037", "phieu_nd233"))
    assert "Chức vụ: Giám đốc Chức danh nghề nghiệp: Chuyên viên Đơn vị công tác: Nhà khách tỉnh" in head
    worker = flat(_doc_text(out, manifest, "VP-036", "phieu_nd335"))  # rated under ND 335: the agency's choice
    assert "Vị trí công việc: Nhân viên kỹ thuật" in worker and "Chức danh nghề nghiệp" not in worker


@pytestmark_lo
def test_sample_2026_no_signature_alone_on_a_page(tmp_path, shared_cache):
    """Every printed page of the 2026 sample's unit bundles carries more than a signature block: the
    phiếu's evaluator part, the ballot count's closing and the summary's signature stay with their
    text (blank pages that make a document start on an odd page carry nothing)."""
    from pipeline.resources import sample_workbook

    out = tmp_path / "out"
    api.build(sample_workbook(2026), out, BuildOptions(units=frozenset({"LD", "HCQT"}), cache_dir=shared_cache))
    for unit in ("LD", "HCQT"):
        pdf = out / "don_vi" / f"{unit}.pdf"
        pages = _text(pdf).split("\f")
        for n, page in enumerate(pages, 1):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
            assert not lines or len(lines) >= 6, (unit, n, lines)  # page number, a title and a name are 3
            body = [ln for ln in lines if not ln.isdigit()]
            # the evaluator's part of a phiếu begins on the page it is signed on
            assert not body or not body[0].startswith("2. Kết quả xếp loại chất lượng"), (unit, n, lines)


@pytestmark_lo
def test_the_unit_summary_shows_each_year_score_as_the_phieu_prints_it(built_2026, manifest_2026):
    """From 2026 the level comes from the year score: the unit's «Bảng tổng hợp đề xuất mức xếp
    loại» shows it in each person's row (Ghi chú), the same number their phiếu prints; a person
    with no periods, or not rated, has none."""
    import docx

    out, _, _ = built_2026
    rows: dict[str, str] = {}
    for path in out.glob("don_vi/*/tong_hop_xep_loai.docx"):
        for table in docx.Document(str(path)).tables:
            for row in table.rows:
                cells = [c.text for c in row.cells]
                if len(cells) > 2 and cells[0].strip().isdigit():
                    rows[cells[1].strip()] = flat(cells[-1])
    names = {p["ma_so"]: p for p in json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))["nguoi"]}
    # NS-03, worked out in test_golden_phieu_nd335_staff_with_products_and_manager: 83,46
    assert rows[names["NS-03"]["ho_ten"]].startswith("Điểm đánh giá năm: 83,46")
    checked = 0
    for ma_so in ("NS-01", "NS-02", "NS-04"):
        phieu = flat(_doc_text(out, manifest_2026, ma_so, _forms(manifest_2026, ma_so)[0]))
        m = re.search(r"Điểm đánh giá năm \(trung bình cộng điểm các kỳ\) (\d+,\d\d)", phieu)
        assert m, ma_so
        assert rows[names[ma_so]["ho_ten"]].startswith(f"Điểm đánh giá năm: {m.group(1)}"), ma_so
        checked += 1
    assert checked == 3
    assert "Điểm đánh giá năm" not in rows[names["NS-06"]["ho_ten"]]  # 4 months: not rated
    assert "Điểm đánh giá năm" not in rows[names["NS-05"]["ho_ten"]]  # July missing: no year score yet


def test_who_signs_names_only_the_blocks_each_phieu_has(built_2026, manifest_2026):
    """The reading guide and the dossier's cover list who signs each form: a person with no direct
    manager distinct from the evaluator (the agency head NS-01, rated by the head of the superior
    agency; NS-03, whose unit head is the agency head who rates him) has no direct manager's block
    on the phiếu, so none is listed; NS-05's unit head (NS-04) comments, the agency head rates."""
    out, _, _ = built_2026
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8").splitlines()

    def line(ma_so: str, form: str) -> str:
        return next(x for x in guide if f"({ma_so}) — {form}" in x)

    head = line("NS-01", "Phiếu đánh giá, xếp loại chất lượng công chức")
    assert head.endswith("ký: Người tự đánh giá (Nguyễn Văn An), Người có thẩm quyền đánh giá "
                         "(Chủ tịch UBND tỉnh Trần Văn Tỉnh)."), head
    staff = line("NS-03", "Phiếu đánh giá, xếp loại chất lượng công chức")
    assert staff.endswith("ký: Người tự đánh giá (Lê Quang Cường), Người có thẩm quyền đánh giá "
                          "(Chánh Văn phòng Nguyễn Văn An)."), staff
    vc = line("NS-05", "Phiếu đánh giá, xếp loại chất lượng viên chức")
    assert vc.endswith("ký: Người tự đánh giá (Hoàng Văn Em), Người quản lý trực tiếp (Giám đốc Phạm Thị Dung), "
                       "Người có thẩm quyền đánh giá (Chánh Văn phòng Nguyễn Văn An)."), vc
    # the period sheet: confirmed by the direct manager, else by the competent evaluator
    assert line("NS-01", "Phụ lục").endswith("Người quản lý trực tiếp (hoặc người có thẩm quyền) xác nhận "
                                              "(Chủ tịch UBND tỉnh Trần Văn Tỉnh)."), line("NS-01", "Phụ lục")
    assert line("NS-05", "Phụ lục").endswith("Người quản lý trực tiếp (hoặc người có thẩm quyền) xác nhận "
                                              "(Giám đốc Phạm Thị Dung)."), line("NS-05", "Phụ lục")
    # the printed phiếu agrees: the direct manager's part only on NS-05's
    assert "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" not in _doc_text(out, manifest_2026, "NS-01", "phieu_nd335")
    assert "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP" in _doc_text(out, manifest_2026, "NS-05", "phieu_nd233")

    def cover(ma_so: str) -> str:
        (p,) = [p for p in manifest_2026["ca_nhan"] if p["ma_so"] == ma_so]
        return flat(subprocess.run(["pdftotext", "-layout", "-l", "1", str(out / p["pdf"]), "-"], capture_output=True,
                                   text=True, check=True).stdout)

    assert "Trang 3–5. Ký: Người tự đánh giá; Người có thẩm quyền đánh giá" in cover("NS-01")
    assert "Trang 3–5. Ký: Người tự đánh giá; Người quản lý trực tiếp; Người có thẩm" in cover("NS-05")


def test_the_title_of_a_phieu_names_the_kind_it_prints(built_2026, manifest_2026):
    """A hợp đồng worker's phiếu is headed «PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG»
    (label doi_tuong_nguoi_lao_dong); the dossier's cover, its bookmarks and the reading guide
    name it so, not «… viên chức», the form's name for the viên chức it is made for."""
    out, _, _ = built_2026
    (person,) = [p for p in manifest_2026["ca_nhan"] if p["ma_so"] == "NS-06"]
    (doc,) = [d for d in person["tai_lieu"] if d["mau"] == "phieu_nd335"]
    # ND 335 governs công chức: a worker's phiếu is the agency's rules applying it (audit 33), the rulebook
    # that rates him (the default for hợp đồng, rev42), in a đơn vị sự nghiệp too
    title = "Phiếu đánh giá, xếp loại chất lượng người lao động (vận dụng Nghị định 335/2025/NĐ-CP)"
    assert doc["tieu_de"] == title
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NGƯỜI LAO ĐỘNG" in _doc_text(out, manifest_2026, "NS-06", "phieu_nd335")
    cover = flat(subprocess.run(["pdftotext", "-layout", "-l", "1", str(out / person["pdf"]), "-"],
                                capture_output=True, text=True, check=True).stdout)
    assert "Phiếu đánh giá, xếp loại chất lượng người lao động (vận dụng Nghị định 335/2025/NĐ-CP)" in cover
    assert "chất lượng công chức" not in cover and "233/2026" not in cover
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    assert f"Vũ Thị Giang (NS-06) — {title}: trang" in guide
    from pypdf import PdfReader
    marks = [o.title for o in PdfReader(out / person["pdf"]).outline if not isinstance(o, list)]
    assert title in marks, marks
    # a viên chức's phiếu keeps the form's title
    (vc,) = [p for p in manifest_2026["ca_nhan"] if p["ma_so"] == "NS-05"]
    assert [d["tieu_de"] for d in vc["tai_lieu"] if d["mau"] == "phieu_nd233"] == [
        "Phiếu đánh giá, xếp loại chất lượng viên chức (Nghị định 233/2026/NĐ-CP)"]


@pytestmark_lo
def test_mau_01_is_signed_by_the_secretary_of_the_chi_bo(tmp_path, shared_cache):
    """«T/M CHI BỘ» is signed by the chi bộ's Bí thư: not by the secretary of the agency's Đảng ủy who
    sits in the unit (NS-01, «Bí thư Đảng ủy Văn phòng»), but by the Bí thư chi bộ, here NS-04 of the
    other unit in the same chi bộ (DonVi chi_bo «Chi bộ 1» for HC and SN). A chi bộ makes one
    collective report: with its first unit (HC), listing the members of both units (NS-04: 27 + 70 ×
    540/600 = 90 points)."""
    t = tables_2026()
    t["NhanSu"][0]["chuc_vu_dang"] = "Bí thư Đảng ủy Văn phòng"  # NS-01, HC
    t["NhanSu"][3]["chuc_vu_dang"] = "Bí thư chi bộ"  # NS-04, SN
    t["DonVi"][1]["chi_bo"] = "Chi bộ 1"
    wb = wf.write(tmp_path / "so.xlsx", t)
    out = tmp_path / "out"
    api.build(wb, out, BuildOptions(cache_dir=shared_cache))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (u,) = [d for d in manifest["don_vi"] if d["ma_don_vi"] == "HC"]
    (m,) = [x for x in u["muc"] if x.get("mau") == "mau_01_2025"]
    # one report for the chi bộ, with its first unit (HC), listing the party members of both units
    (sn,) = [d for d in manifest["don_vi"] if d["ma_don_vi"] == "SN"]
    assert not [x for x in sn["muc"] if x.get("mau") == "mau_01_2025"]
    text = flat(subprocess.run(["pdftotext", "-layout", "-f", str(m["trang_dau"]), "-l",
                                str(m["trang_dau"] + m["so_trang"] - 1), str(out / u["pdf"]), "-"],
                               capture_output=True, text=True, check=True).stdout)
    sign = text[text.index("Nơi nhận:"):]  # the recipients' column and the signature side by side
    for s in ("T/M CHI BỘ", "BÍ THƯ CHI BỘ", "Phạm Thị Dung"):
        assert s in sign, (s, sign)
    assert "Nguyễn Văn An" not in sign
    members = text[text.index("Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động là đảng viên"):text.index("Nơi nhận:")]
    for s in ("1 Nguyễn Văn An Trưởng phòng 98,00", "2 Phạm Thị Dung Giám đốc 90,00"):
        assert s in members, (s, members)
    # NS-04, alone in her comparable group (viên chức leaders): 90 points, HTXS by the points, but keeping
    # her there leaves 0 at HTT and 20 % of 0 is 0 < 1: proposed Hoàn thành tốt nhiệm vụ, undecided — the
    # proposal, marked so (NS-01, the agency's head: who rates him, no proposal)
    # (the wrapped cells come apart in the text: her level's first line stands before her row's line)
    assert members.count("Hoàn thành tốt nhiệm vụ") == members.count("(đề xuất)") == 1, members
    assert "(đề xuất)" in members.split("2 Phạm Thị Dung")[1], members
    assert "Do Chủ tịch UBND tỉnh" in members and "Thử Nghiệm đánh giá, xếp loại" in members, members
    assert "ĐẢNG ỦY VĂN PHÒNG" not in text


@pytestmark_lo
def test_the_phieu_explains_the_proposal_not_the_decision(tmp_path, shared_cache):
    """Part II of the phiếu prints the proposal and, under it, why it is not the level the year score
    gives. NS-02: 93.66… points, Hoàn thành xuất sắc nhiệm vụ by the points, proposed Hoàn thành tốt
    nhiệm vụ by the 20 % cap of his group (the leaders but the agency head, who is outside: keeping him
    leaves 0 at HTT, 20 % of which is 0 < 1). Once the competent evaluator decides that HTT, the proposal and its
    reason (the cap) are still printed, not «the competent evaluator decided»: the decision has its
    own part."""
    t = tables_2026()
    t["NhanSu"][1]["muc_quyet_dinh"] = "HTT"
    assert t["NhanSu"][1]["ma_so"] == "NS-02"
    wb = wf.write(tmp_path / "so.xlsx", t)
    out = tmp_path / "out"
    api.build(wb, out, BuildOptions(cache_dir=shared_cache, persons=frozenset({"NS-02"})))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    text = flat(_doc_text(out, manifest, "NS-02", "phieu_nd335"))
    assert "Mức xếp loại đề xuất: Hoàn thành tốt nhiệm vụ Mức theo điểm năm: Hoàn thành xuất sắc nhiệm vụ." in text
    assert "vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ" in text
    assert "Mức do cấp có thẩm quyền đánh giá quyết định" not in text


def test_the_notice_cites_nd233_by_its_reported_title(built_2026):
    """ND 233/2026/NĐ-CP is cited by the title the sources report (regime-2026.md §2: «quy định về
    đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp công lập và viên chức»), as ND 335 is by its
    own («… đối với cơ quan hành chính nhà nước và công chức»)."""
    out, _, _ = built_2026
    text = flat(_text(out / "co_quan" / "thong_bao_ket_qua.pdf"))
    assert ("Nghị định số 233/2026/NĐ-CP ngày 26/6/2026 của Chính phủ về đánh giá, xếp loại chất lượng đối với "
            "đơn vị sự nghiệp công lập và viên chức") in text
    assert "Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng đối với cơ " \
           "quan hành chính nhà nước và công chức" in text


def test_reading_guide_counts_each_phieu_by_the_title_it_prints(built_2026, manifest_2026):
    """«Số bản mỗi mẫu» names a phiếu as the paper does (by the person's kind): it counted every
    phieu_nd335 as «… công chức …», a hợp đồng's and a cán bộ's included."""
    out, _, _ = built_2026
    titles = Counter(d["tieu_de"] for p in manifest_2026["ca_nhan"] for d in p["tai_lieu"]
                     if d["mau"].startswith("phieu_"))
    assert len(titles) > 1  # the workbook has more than one kind of staff
    guide = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    copies = guide.split("Số bản mỗi mẫu")[1].split("3. AI KÝ")[0]
    for title, n in titles.items():
        assert f"- {title}: {n} văn bản," in copies, (title, n)


def test_the_notice_gives_viên_chức_their_own_petition_window(built_2026, tmp_path, shared_cache):
    """Luật Viên chức 2025 (in force 01/07/2026) Art. 27: a viên chức may petition in writing within
    5 days of the publication of the result; the competent level resolves it within 10 working days and
    that resolution is final (regime-2026.md §2). The 2026 notice lists NS-04, a viên chức: item 3 says
    so after the general sentence (whose window the agency fills in). A 2026 notice without any viên
    chức keeps the general sentence alone."""
    out, _, _ = built_2026
    # the page number printed where item 3 runs over a page break is not part of the sentence
    text = flat(re.sub(r"(?m)^\s*\d+\s*$", "", _text(out / "co_quan" / "thong_bao_ket_qua.pdf")))
    assert ("Riêng viên chức: thời hạn kiến nghị bằng văn bản là 05 ngày kể từ ngày công bố kết quả; cấp có thẩm "
            "quyền xem xét, giải quyết trong thời hạn 10 ngày làm việc và kết quả giải quyết là kết quả cuối cùng "
            "(Điều 27 Luật Viên chức năm 2025).") in text
    assert "trong thời hạn …… ngày làm việc kể từ ngày nhận được thông báo này" in text
    t = tables_2026()
    t["NhanSu"] = [p for p in t["NhanSu"] if p.get("loai_nhan_su") != "vien_chuc"]
    kept = {p["ma_so"] for p in t["NhanSu"]}
    for sheet in ("KetQuaKy", "SanPham", "KyLuat", "TuDanhGia"):
        if sheet in t:
            t[sheet] = [r for r in t[sheet] if r.get("ma_so") in kept]
    no_vc = tmp_path / "out"
    api.build(wf.write(tmp_path / "khong_vien_chuc.xlsx", t), no_vc, BuildOptions(cache_dir=shared_cache))
    assert "Riêng viên chức" not in flat(_text(no_vc / "co_quan" / "thong_bao_ket_qua.pdf"))


def test_the_proposal_table_counts_add_up_with_someone_missing_a_period(built_2026):
    """Unit SN: NS-04 (viên chức leader, 12 months, HTT), NS-05 (viên chức, no result for July: no
    level yet, Art. 21 ND 335 as workbook-2026.md applies it) and NS-06 (4 months: not rated). The
    totals of the proposal table must add up to the 3 people: 1 HTT, 1 not rated and 1 not yet rated
    — before, NS-05 was in no count (1 + 1 ≠ 3)."""
    out, _, _ = built_2026
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (unit,) = [u for u in manifest["don_vi"] if u["ma_don_vi"] == "SN"]
    (doc,) = [m for m in unit["muc"] if m["mau"] == "tong_hop_xep_loai" and not m["ma_so"]]
    text = flat(subprocess.run(["pdftotext", "-layout", "-f", str(doc["trang_dau"]), "-l",
                                str(doc["trang_dau"] + doc["so_trang"] - 1), str(out / unit["pdf"]), "-"],
                               capture_output=True, text=True, check=True).stdout)
    assert ("Tổng hợp: tổng số 3 người; Hoàn thành xuất sắc nhiệm vụ: 0; Hoàn thành tốt nhiệm vụ: 1; Hoàn thành "
            "nhiệm vụ: 0; Không hoàn thành nhiệm vụ: 0; không xếp loại (công tác dưới 06 tháng): 1; chưa xếp loại "
            "(thiếu kết quả kỳ): 1.") in text, text


def test_one_chi_bo_written_with_a_hyphen_and_with_a_dash_is_one_chi_bo(tmp_path):
    """In the 2026 sample, units LD (DonVi row 2) and TH (row 4) name one chi bộ, «Chi bộ Lãnh đạo - Tổng hợp»: one
    chi bộ, one collective report (Mẫu 01) listing the members of both. The clerk pastes TH's from a Word resolution,
    «Chi bộ Lãnh đạo – Tổng hợp» (an en dash): it was silently a second chi bộ (two reports, each with half the
    members). It stays one chi bộ; so does «Lãnh đạo-Tổng hợp» without spaces. Another name stays another chi bộ."""
    import openpyxl

    from pipeline.plan import chi_bo_units

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"

    def units_with(name: str) -> list[str]:
        wb = openpyxl.load_workbook(sample)
        ws = wb["DonVi"]
        assert (ws["A2"].value, ws["A4"].value, ws["E1"].value) == ("LD", "TH", "chi_bo")
        assert ws["E2"].value == ws["E4"].value == "Chi bộ Lãnh đạo - Tổng hợp"
        ws["E4"] = name
        wb.save(tmp_path / "so.xlsx")
        campaign = ingest.load(tmp_path / "so.xlsx")
        (ld,) = [u for u in campaign.units if u.ma_don_vi == "LD"]
        return [u.ma_don_vi for u in chi_bo_units(campaign, ld)]

    assert units_with("Chi bộ Lãnh đạo – Tổng hợp") == ["LD", "TH"]
    assert units_with("Chi bộ Lãnh đạo-Tổng hợp") == ["LD", "TH"]
    assert units_with("Chi bộ Tổng hợp") == ["LD"]


def test_two_chi_bo_names_differing_only_in_marks_are_said_on_the_later_cell(tmp_path):
    """TH's «Chi bộ» typed with the Vietnamese keyboard off, «Chi bo Lanh dao - Tong hop», beside LD's «Chi bộ Lãnh
    đạo - Tổng hợp»: two chi bộ to the program (two Mẫu 01, the members split), where the clerk meant one. `hoso
    check` warns on E4 naming both spellings and row 2; the names are kept as written (TH alone in its chi bộ). The
    sample itself, with both names the same, gets no such warning."""
    import openpyxl

    from pipeline.ingest import check
    from pipeline.plan import chi_bo_units

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    wb = openpyxl.load_workbook(sample)
    ws = wb["DonVi"]
    assert (ws["A2"].value, ws["A4"].value, ws["E1"].value) == ("LD", "TH", "chi_bo")
    ws["E4"] = "Chi bo Lanh dao - Tong hop"
    wb.save(tmp_path / "so.xlsx")

    def said(path: Path) -> list:
        return [p for p in check(path) if "chỉ khác nhau ở dấu tiếng Việt" in p.message]

    (warning,) = said(tmp_path / "so.xlsx")
    assert (warning.severity, warning.sheet, warning.column, warning.row) == ("canh_bao", "DonVi", "E", 4)
    assert ("«Chi bo Lanh dao - Tong hop» và «Chi bộ Lãnh đạo - Tổng hợp» (dòng 2) chỉ khác nhau ở dấu tiếng Việt"
            in warning.message), warning.message
    campaign = ingest.load(tmp_path / "so.xlsx")
    (ld,) = [u for u in campaign.units if u.ma_don_vi == "LD"]
    assert [u.ma_don_vi for u in chi_bo_units(campaign, ld)] == ["LD"]
    assert said(sample) == []


def test_a_secretary_in_a_unit_naming_no_chi_bo_is_said_on_his_party_post(tmp_path):
    """NK's «Chi bộ» cell (DonVi row 7) left empty while its Giám đốc, Trần Văn Nam, is «Bí thư chi bộ»: no collective
    report (Mẫu 01) is made for his chi bộ and the party reviews print «CHI BỘ ………» — nothing said before. A warning on
    his «Chức vụ Đảng» cell says so and what to fill; the sample as it is gets none."""
    import openpyxl

    from pipeline.ingest import check

    sample = Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx"
    wb = openpyxl.load_workbook(sample)
    ws = wb["DonVi"]
    assert (ws["A7"].value, ws["E1"].value) == ("NK", "chi_bo") and ws["E7"].value
    ws["E7"] = None
    wb.save(tmp_path / "so.xlsx")

    def said(path: Path) -> list:
        return [p for p in check(path) if "chưa ghi «Chi bộ» ở sheet DonVi" in p.message]

    (warning,) = said(tmp_path / "so.xlsx")
    assert (warning.severity, warning.sheet, warning.row, warning.value) == ("canh_bao", "NhanSu", 38, "Bí thư chi bộ")
    assert warning.message.startswith("Trần Văn Nam là Bí thư chi bộ nhưng đơn vị «NK» chưa ghi «Chi bộ»"), warning.message
    assert "không tạo báo cáo kiểm điểm tập thể chi bộ (Mẫu 01)" in warning.message
    assert said(sample) == []
