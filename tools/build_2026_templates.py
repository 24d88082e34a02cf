"""Build the Word templates of the 2026 forms (form set `nd335`, evaluation years from 2026):

- `phieu_nd335`: Phiếu đánh giá, xếp loại chất lượng công chức (Nghị định 335/2025/NĐ-CP);
- `phieu_nd233`: Phiếu đánh giá, xếp loại chất lượng viên chức (Luật Viên chức 2025,
  Nghị định 233/2026/NĐ-CP as reported: UNCONFIRMED);
- `theo_doi_ky`: the period sheet (kết quả theo dõi, đánh giá từng tháng/quý), an appendix of the phiếu;
- `mau_2a_2025`, `mau_2b_2025`, `mau_2c_2025`: Bản kiểm điểm (HD 43-HD/BTCTW, QĐ 366-QĐ/TW);
- `mau_01_2025`: Báo cáo kiểm điểm tập thể of a chi bộ (HD 43-HD/BTCTW Mẫu 01).

    python tools/build_2026_templates.py                 # every template (+ meta.toml if missing)
    python tools/build_2026_templates.py --write-meta    # also overwrite every meta.toml
    python tools/build_2026_templates.py phieu_nd335     # one form only

The official appendices of ND 335/2025, ND 233/2026 and HD 43 could not be read
(shared/domain/regime-2026.md §1.6, §2, §3): every layout here is a RECONSTRUCTION from the
criteria and procedure the sources describe, in the frame of the ND 90 / HD 25 forms they replace.
Each meta.toml says so (`status = "tai_dung"`, `sources = [...]`); every heading that is our
wording is printed as ``{{ nhan.<key> }}`` from its [labels], so a clerk can correct it, or the
agency can replace the whole template with the official file (hoso templates export, --templates).
The printed page carries no disclaimer. Only variables of docs/render-context.md are used
("The 2026 forms"). An existing meta.toml is kept (it may hold a clerk's corrections) and only
checked to have every label the template uses.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docxkit as dk  # noqa: E402
from docxkit import DON_VI_EXPR, DOTS_FIELD, C, Label, R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

D = dk.DOTS
LAYOUT = dict(size=14, line_spacing=1.0, space_after=3)
# the party header's names, broken between words that belong together (context_2026.party_header)
DANG_BO_EXPR = "{{ dau_dang.tren or 'ĐẢNG BỘ " + D * 6 + "' }}"
CHI_BO_EXPR = "{{ dau_dang.duoi or 'CHI BỘ " + D * 6 + "' }}"

ND335 = "Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ"
ND233 = ("Luật Viên chức năm 2025 và Nghị định số 233/2026/NĐ-CP ngày 26/6/2026 của Chính phủ "
         "(số, ngày của Nghị định theo nguồn chưa đối chiếu)")
HD43 = ("Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương "
        "(thực hiện Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị)")
SRC_ND335 = [
    "regime-2026.md §1: Nghị định 335/2025/NĐ-CP (vnexpress 4998413, dantri 20251225184957472, laodong 1673341, 1632425, cafef 188251228100335529)",
    "regime-2026.md §1.6: phụ lục mẫu của Nghị định 335/2025 chưa tìm thấy",
    "shared/spec/workbook-2026.md: công thức điểm kỳ và điểm năm",
]
SRC_ND233 = [
    "regime-2026.md §2: Luật Viên chức 2025 (laodong 1642510, 1638985); Nghị định 233/2026/NĐ-CP chỉ thấy trong mã nguồn công khai",
    "regime-2026.md §2: phụ lục mẫu của Nghị định 233/2026 chưa tìm thấy",
    "shared/spec/workbook-2026.md: công thức điểm kỳ và điểm năm",
]
SRC_HD43 = [
    "regime-2026.md §3: Hướng dẫn 43-HD/BTCTW (encovietnam 5216; S22 mã «Mẫu 2C-HD KĐ.ĐG 2025»)",
    "regime-2026.md §3: bố cục Mẫu 2A/2B/2C chưa tìm thấy; dựng lại theo Mẫu 02A/02B-HD KĐ.ĐG 2023 (forms.md §3) và khung 100 điểm của Quy định 366-QĐ/TW (S36)",
]
STATUS_NOTE = (
    "# status = \"tai_dung\": RECONSTRUCTED. The official appendix was not read (shared/domain/"
    "regime-2026.md);\n# compare with the official text, correct the [labels], or replace "
    "template.docx with the official file\n# (hoso templates export DIR, edit, hoso build … "
    "--templates DIR). `hoso templates` lists these forms."
)


@dataclass(frozen=True)
class Form:
    code: str
    ma_hieu: str
    title: str
    issuing_document: str
    recipients: str
    signers: tuple[str, ...]
    sources: tuple[str, ...]
    labels: tuple[Label, ...]
    scope: str = "ca_nhan"
    years: tuple[int, int] = (2026, 2100)
    build: Callable | None = field(default=None, compare=False)
    notes: tuple[str, ...] = ()  # comment lines of meta.toml after the status note (what stays unconfirmed)


# --------------------------------------------------------------------------------------------
# shared pieces
# --------------------------------------------------------------------------------------------
def _answer(doc, expr: str):
    return dk.value_paragraph(doc, expr, align="justify")


MARK = Label(
    "cach_danh_dau_muc", "gạch chân",
    "how a chosen level is marked: 'gạch chân' (the official list, the chosen level underlined, forms.md §2.4) "
    "or 'ô đánh dấu' (tick boxes, an agency's own practice); a setting, never printed",
)


def _state_header(doc) -> None:
    dk.form_code_line(doc, "{{ mau.ma_hieu }}", in_header=True)
    dk.state_header(doc)


def _party_header(doc, place_date: str) -> None:
    dk.party_header(doc, [DANG_BO_EXPR, CHI_BO_EXPR], left_cm=6.6, place_date=place_date)


# labels read by pipeline/forms/context_2026.py (who_is_rated), not by the template itself
CONTEXT_LABELS = {"doi_tuong", "doi_tuong_can_bo", "doi_tuong_nguoi_lao_dong", "cach_danh_dau_muc",
                  "nguon_ky_noi_khac", "ghi_chu_xac_nhan"}
RIGHT_SIGNER_CM = (4.6, 11.4)  # one signer on the right: room for "<long place>, ngày …… tháng …… năm ……"


def _signer(date: str | None, title: str, name: str, hint: str = "{{ nhan.ky_ghi_ro }}") -> dict:
    out = {"title": title, "hint": hint, "name": name}
    if date:
        out["date"] = date
    return out


# a period the old agency rated and sent (a person transferred in) is marked; the note under the table names it
PERIOD_NAME = "{{ k.ten }}{% if k.nguon %} (*){% endif %}"
SOURCE_LABEL = Label("nguon_ky_noi_khac", "kết quả theo dõi, đánh giá do {don_vi} gửi",
                     "[R] periods another agency monitored and rated, for a person transferred in during the year "
                     "(ND 335 Art. 21: the old agency sends its results, regime-2026.md §1.4); {don_vi} is KetQuaKy "
                     "don_vi_danh_gia; the wording is ours")


def _period_table(doc, leader: bool) -> None:
    """The periods: Kỳ, tiêu chí chung, a, b, c (d, đ, e), điểm kỳ; one row per period."""
    if leader:
        widths = (0.8, 2.9, 2.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 2.3)
        heads = ["TT", "{{ nhan.cot_ky }}", "{{ nhan.cot_chung }}", "a", "b", "c", "d", "đ", "e", "{{ nhan.cot_diem_ky }}"]
        body = ["{{ k.stt }}", C(PERIOD_NAME, align="left"), "{{ k.chung }}", "{{ k.a }}", "{{ k.b }}", "{{ k.c }}",
                "{{ k.d }}", "{{ k.dd }}", "{{ k.e }}", C("{{ k.diem }}", bold=True)]
    else:
        widths = (1.0, 3.6, 2.6, 2.05, 2.05, 2.05, 2.55)
        heads = ["TT", "{{ nhan.cot_ky }}", "{{ nhan.cot_chung }}", "{{ nhan.cot_a }}", "{{ nhan.cot_b }}",
                 "{{ nhan.cot_c }}", "{{ nhan.cot_diem_ky }}"]
        body = ["{{ k.stt }}", C(PERIOD_NAME, align="left"), "{{ k.chung }}", "{{ k.a }}", "{{ k.b }}", "{{ k.c }}",
                C("{{ k.diem }}", bold=True)]
    # the last period's row is kept with the year's total (the score is never alone on a page,
    # away from the periods it is the mean of): the same row, written apart for its last period
    table = dk.grid_table(
        doc, widths,
        [[C(h, bold=True) for h in heads], "{%tr for k in ky[:-1] %}", body, "{%tr endfor %}",
         "{%tr for k in ky[-1:] %}", body, "{%tr endfor %}",
         [C("{{ nhan.dong_diem_nam }}{% if diem_nam_khong_tinh %}: {{ diem_nam_khong_tinh }}{% endif %}",
            span=len(widths) - 1, bold=True, align="right"),
          C("{{ diem_nam or ('Chưa tính' if diem_nam_chua_tinh else 'Không tính' if diem_nam_khong_tinh else '') }}",
            bold=True)]],
        size=12,
    )
    for cell in table.rows[5].cells:
        dk.keep_with_next(*cell.paragraphs)


PERIOD_LABELS = (
    Label("cot_ky", "Tháng/quý", "[R] periods table, column 2"),
    Label("cot_chung", "Tiêu chí chung (tối đa 30 điểm)", "[R] periods table, column 3 (30 points: vnexpress, S84)"),
    Label("cot_a", "a) Số lượng (%)", "[R] non-leaders' table; criteria a, b, c of Art. 14 ND 335 (laodong 1673341)"),
    Label("cot_b", "b) Chất lượng (%)", "[R] as cot_a"),
    Label("cot_c", "c) Tiến độ (%)", "[R] as cot_a"),
    Label("cot_diem_ky", "Điểm kỳ", "[R] periods table, last column"),
    Label("dong_diem_nam", "Điểm đánh giá năm (trung bình cộng điểm các kỳ)",
          "[R] total row; the averaging rule (months vs quarters) is uncertain (regime-2026.md §1.4)"),
    Label("chu_giai_cot", "a) số lượng, b) chất lượng, c) tiến độ sản phẩm, công việc hoàn thành so với được giao (%); "
          "d) kết quả đơn vị, lĩnh vực phụ trách, đ) năng lực tổ chức thực hiện, e) năng lực tập hợp, đoàn kết (%).",
          "[R] key under the leaders' table (Art. 15 ND 335 as summarised in regime-2026.md §1.2)"),
    Label("ghi_chu_cong_thuc", "Điểm kỳ = điểm tiêu chí chung + 70 × (a + b + c)/300; đối với người giữ chức vụ lãnh "
          "đạo, quản lý: điểm tiêu chí chung + 70 × (a + b + c + d + đ + e)/600.",
          "[R] formula line (workbook-2026.md; leaders' /6 is uncertain, regime-2026.md §1.2); \"\" to drop it"),
    Label("khong_co_ky", "Kết quả theo dõi, đánh giá từng tháng/quý:",
          "[R] printed before dotted lines when the person has no period in sheet KetQuaKy"),
    SOURCE_LABEL,
)


# --------------------------------------------------------------------------------------------
# the phiếu (công chức ND 335 / viên chức ND 233)
# --------------------------------------------------------------------------------------------
def _phieu_labels(kind: str) -> tuple[Label, ...]:
    vc = kind == "vien_chuc"
    src = "(regime-2026.md §2, ND 233 Phụ lục I groups, public code only)" if vc else "(vnexpress 4998413, verbatim)"
    chung = (
        ("chung_1", "Phẩm chất chính trị, đạo đức, kỷ luật, kỷ cương"),
        ("chung_2", "Năng lực chuyên môn, tinh thần trách nhiệm, thái độ phục vụ, phối hợp"),
        ("chung_3", "Đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách nhiệm"),
    ) if vc else (
        ("chung_1", "Phẩm chất chính trị, đạo đức, văn hóa thực thi công vụ, ý thức kỷ luật"),
        ("chung_2", "Tinh thần trách nhiệm, thái độ phục vụ nhân dân, doanh nghiệp"),
        ("chung_3", "Năng lực đổi mới sáng tạo, dám nghĩ, dám làm"),
    )
    who = "VIÊN CHỨC" if vc else "CÔNG CHỨC"
    return (
        Label("tieu_de", "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
              "[R] title, followed by who is rated (below); ND 90's wording kept, the official title is unknown"),
        Label("doi_tuong", who, "[R] who is rated, in the title and the last heading"),
        Label("doi_tuong_can_bo", "CÁN BỘ", "[R] the same for cán bộ (who rates cán bộ in 2026 is unknown: regime-2026.md §0)"),
        Label("doi_tuong_nguoi_lao_dong", "NGƯỜI LAO ĐỘNG", "[R] the same for hợp đồng / người lao động (the unit's choice)"),
        Label("dong_chuc_vu", "Chức danh nghề nghiệp" if vc else "Chức vụ, chức danh", "[R] identity line 2"),
        *((Label("dong_chuc_vu_quan_ly", "Chức vụ", "[R] identity line of a viên chức quản lý, above the chức danh"),)
          if vc else ()),
        Label("dong_cong_viec", "Vị trí công việc", "[R] identity line 2 for hợp đồng / người lao động (their job)"),
        Label("phan_i", "KẾT QUẢ TỰ ĐÁNH GIÁ", "[R] heading I"),
        Label("muc_chung", "Tiêu chí chung (tối đa 30 điểm)", "[R] item 1; 30 + 70 points " + src),
        *(Label(k, t, "[R] general criteria group " + src + "; how the 30 points split is the unit's rule") for k, t in chung),
        Label("muc_nhiem_vu", "Kết quả thực hiện nhiệm vụ được giao (tối đa 70 điểm)",
              "[R] item 2 (số lượng, chất lượng, tiến độ sản phẩm, công việc theo tháng/quý)"),
        Label("phan_lanh_dao", "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ" if vc else "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ",
              "[R] heading of the leaders' part (criteria d, đ, e; Art. 15 ND 335)"),
        Label("phan_lanh_dao_khac", "PHẦN DÀNH RIÊNG CHO NGƯỜI LÃNH ĐẠO, QUẢN LÝ",
              "[R] the same heading on the phiếu of a cán bộ (Chủ tịch, Phó Chủ tịch…) or người lao động: the phan_lanh_dao "
              "wording names công chức / viên chức; who rates cán bộ in 2026 is unknown (regime-2026.md §0)"),
        Label("muc_ld_d", "Kết quả hoạt động của cơ quan, tổ chức, đơn vị hoặc lĩnh vực được giao phụ trách", "[R] criterion d"),
        Label("muc_ld_dd", "Năng lực tổ chức thực hiện nhiệm vụ", "[R] criterion đ"),
        Label("muc_ld_e", "Năng lực tập hợp, đoàn kết", "[R] criterion e"),
        Label("phan_ii", "KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO THÁNG, QUÝ", "[R] heading II (periods table)"),
        *PERIOD_LABELS,
        Label("dong_muc_theo_diem", "Mức xếp loại đề xuất",
              "[R] line under the table: the level the points give (90/70/50), or KHT by a case of the decree"),
        Label("phan_iii", "TỰ NHẬN XÉT, ĐỀ XUẤT MỨC XẾP LOẠI", "[R] heading III"),
        Label("ky_tu_danh_gia", "NGƯỜI TỰ ĐÁNH GIÁ", "[R] self-signer title"),
        Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R] line under every signer title"),
        Label("phan_quan_ly", "Ý KIẾN CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP",
              "[R] heading of the direct manager's part (the monthly cycle: manager reviews, head decides; regime-2026.md §1.5)"),
        Label("ky_quan_ly", "NGƯỜI QUẢN LÝ TRỰC TIẾP", "[R] manager's signer title when the data gives no post"),
        Label("phan_ket_qua", "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", "[R] heading of the last part, followed by who is rated"),
        Label("phan_ket_qua_chu_thich", "(Phần dành cho người có thẩm quyền đánh giá)", "[R] note under it"),
        Label("ky_tham_quyen", "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ",
              "[R] evaluator's title when the data gives no post (Art. 10 ND 335 competence, regime-2026.md §1.5)"),
        Label("ghi_chu_khong_xep_loai", "Không thực hiện xếp loại chất lượng (thời gian công tác trong năm không đủ theo quy "
              "định); bản này dùng để nhận xét, đánh giá.",
              "printed only when khong_xep_loai; the project's own wording"),
        Label("dong_khong_xep_loai", "Không xếp loại (thời gian công tác thực tế trong năm chưa đủ 06 tháng; vẫn nhận "
              "xét, kiểm điểm thời gian công tác trong năm).",
              "[R] printed only when khong_xep_loai, INSTEAD of the four levels to choose in parts III.2 (self), "
              "IV.2 (direct manager) and the competent person's result (the 06-month minimum of actual work is "
              "the agency's rule from 2026, docs/rating.md rule 3); the project's own wording, UNCONFIRMED"),
        MARK,
    )


def build_phieu(form: Form):
    doc = dk.new_document(title=form.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _state_header(doc)
    dk.title(doc, "{{ nhan.tieu_de }} {{ doi_tuong }}", "Năm {{ nam }}", space_before=4, space_after=6)
    dk.field_line(doc, "Họ và tên", "{{ nguoi.ho_ten }}", space_after=1)
    dots = "'" + DOTS_FIELD + "'"
    dk.p_tag(doc, "if nguoi_lao_dong")  # hợp đồng / người lao động: their job, not a chức danh
    dk.field_line(doc, "{{ nhan.dong_cong_viec }}", "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots + " }}",
                  space_after=1)
    dk.p_tag(doc, "else")
    if form.code == "phieu_nd233":  # a manager's post apart from the chức danh nghề nghiệp
        dk.p_tag(doc, "if nguoi.lanh_dao and nguoi.chuc_vu and nguoi.ngach_chuc_danh")
        dk.field_line(doc, "{{ nhan.dong_chuc_vu_quan_ly }}", "{{ nguoi.chuc_vu }}", space_after=1)
        dk.field_line(doc, "{{ nhan.dong_chuc_vu }}", "{{ nguoi.ngach_chuc_danh }}", space_after=1)
        dk.p_tag(doc, "else")
        dk.field_line(doc, "{{ nhan.dong_chuc_vu }}", "{{ nguoi.ngach_chuc_danh or nguoi.chuc_vu or " + dots + " }}",
                      space_after=1)
        dk.p_tag(doc, "endif")
    else:
        dk.field_line(doc, "{{ nhan.dong_chuc_vu }}", "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots + " }}",
                      space_after=1)
    dk.p_tag(doc, "endif")
    dk.field_line(doc, "Đơn vị công tác", DON_VI_EXPR, space_after=1)
    dk.p_tag(doc, "if khong_xep_loai")
    dk.note_paragraph(doc, "{{ nhan.ghi_chu_khong_xep_loai }}", space_before=3)
    dk.p_tag(doc, "endif")

    dk.section_heading(doc, "I. {{ nhan.phan_i }}")
    dk.item_heading(doc, "1.", "{{ nhan.muc_chung }}")
    for n, key, td in (("a)", "chung_1", "td_chung.a"), ("b)", "chung_2", "td.thai_do_phuc_vu"),
                       ("c)", "chung_3", "cham")):
        dk.item_heading(doc, n, "{{ nhan." + key + " }}", bold=False, left_cm=0.5)
        _answer(doc, td)
    dk.item_heading(doc, "2.", "{{ nhan.muc_nhiem_vu }}")
    _answer(doc, "td.ket_qua_nhiem_vu")
    dk.p_tag(doc, "if nguoi.lanh_dao")
    dk.section_heading(doc, "{% if doi_tuong == nhan.doi_tuong %}{{ nhan.phan_lanh_dao }}{% else %}"
                            "{{ nhan.phan_lanh_dao_khac }}{% endif %}", align="center", space_before=4)
    for n, key, td in (("3.", "muc_ld_d", "td.ket_qua_don_vi"), ("4.", "muc_ld_dd", "td.nang_luc_lanh_dao"),
                       ("5.", "muc_ld_e", "td.nang_luc_doan_ket")):
        dk.item_heading(doc, n, "{{ nhan." + key + " }}")
        _answer(doc, td)
    dk.p_tag(doc, "endif")

    dk.section_heading(doc, "II. {{ nhan.phan_ii }}")
    _periods_block(doc)
    dk.add_paragraph(doc, R("{{ nhan.dong_muc_theo_diem }}: ", bold=True),
                     "{{ muc_diem_chu or ghi_chu_thieu_ky or '" + D * 16 + "' }}", align="justify",
                     keep_next=True, space_before=3)
    dk.p_tag(doc, "if ly_do_muc")
    dk.add_paragraph(doc, R("{{ ly_do_muc }}", italic=True), align="justify", keep_next=True)
    dk.p_tag(doc, "endif")

    dk.section_heading(doc, "III. {{ nhan.phan_iii }}")
    dk.item_heading(doc, "1.", "Tự nhận xét ưu, khuyết điểm")
    _answer(doc, "td.uu_diem")
    _answer(doc, "td.khuyet_diem")
    dk.item_heading(doc, "2.", "Tự đề xuất mức xếp loại chất lượng")
    dk.level_choice(doc, "ds_tu_xep_loai", "tu_xep_loai", not_rated="dong_khong_xep_loai")
    dk.signature_table(doc, None, _signer("{{ dong_ngay_tu_danh_gia }}", "{{ nhan.ky_tu_danh_gia }}", "{{ nguoi.ho_ten }}"), widths_cm=RIGHT_SIGNER_CM)

    dk.p_tag(doc, "if nguoi_nhan_xet.co")
    dk.section_heading(doc, "IV. {{ nhan.phan_quan_ly }}", space_before=6)
    dk.item_heading(doc, "1.", "Nhận xét ưu, khuyết điểm")
    _answer(doc, "cham")
    dk.item_heading(doc, "2.", "Đề xuất mức xếp loại chất lượng")
    dk.level_choice(doc, "ds_trong", None, not_rated="dong_khong_xep_loai")
    dk.signature_table(doc, None, _signer("{{ dong_ngay_trong }}", "{{ nguoi_nhan_xet.chuc_vu_hoa or nhan.ky_quan_ly }}",
                                          "{{ nguoi_nhan_xet.ho_ten }}"), widths_cm=RIGHT_SIGNER_CM)
    dk.p_tag(doc, "endif")

    decision = dk.body_mark(doc)  # the evaluator's part stays on one page: never its signature alone
    dk.section_heading(doc, "{% if nguoi_nhan_xet.co %}V{% else %}IV{% endif %}. {{ nhan.phan_ket_qua }} {{ doi_tuong }}",
                       space_before=6, space_after=0)
    dk.add_paragraph(doc, R("{{ nhan.phan_ket_qua_chu_thich }}", italic=True), align="center", keep_next=True)
    dk.item_heading(doc, "1.", "Nhận xét ưu, khuyết điểm")
    _answer(doc, "cham")
    dk.item_heading(doc, "2.", "Kết quả xếp loại chất lượng")
    dk.level_choice(doc, "ds_ket_qua", "ket_qua", not_rated="dong_khong_xep_loai")
    dk.signature_table(doc, None, _signer("{{ dong_ngay_quyet_dinh }}", "{{ nguoi_danh_gia.chuc_vu_hoa or nhan.ky_tham_quyen }}",
                                          "{{ nguoi_danh_gia.ho_ten }}"), widths_cm=RIGHT_SIGNER_CM)
    dk.keep_together_from(doc, decision)
    return doc


def _periods_block(doc) -> None:
    dk.p_tag(doc, "if co_ky")
    dk.p_tag(doc, "if co_dde")
    _period_table(doc, leader=True)
    dk.note_paragraph(doc, "{{ nhan.chu_giai_cot }}", size=12, space_before=2)
    dk.p_tag(doc, "else")
    _period_table(doc, leader=False)
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "for g in ky_noi_khac")
    dk.note_paragraph(doc, "(*) {{ g.ghi_chu }}", size=12, space_before=2)
    dk.p_tag(doc, "endfor")
    dk.p_tag(doc, "if nhan.ghi_chu_cong_thuc")
    dk.note_paragraph(doc, "{{ nhan.ghi_chu_cong_thuc }}", size=12, space_before=2)
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "else")
    dk.add_paragraph(doc, "{{ nhan.khong_co_ky }}", keep_next=True, space_after=0)
    _answer(doc, "cham")
    dk.p_tag(doc, "endif")


# --------------------------------------------------------------------------------------------
# the period sheet (appendix)
# --------------------------------------------------------------------------------------------
def build_theo_doi_ky(form: Form):
    doc = dk.new_document(title=form.title, **{**LAYOUT, "size": 13})
    dk.add_page_numbers(doc)
    _state_header(doc)
    dk.title(doc, "{{ nhan.tieu_de }}", "{{ nhan.tieu_de_phu }} {% if theo_quy %}QUÝ{% else %}THÁNG{% endif %} NĂM {{ nam }}",
             space_before=4, space_after=0)
    dk.add_paragraph(doc, R("({{ nhan.kem_theo }})", italic=True), align="center", space_after=6, keep_next=True)
    dk.add_paragraph(doc, "Họ và tên: ", R("{{ nguoi.ho_ten }}", bold=True), "; {{ nhan.dong_chuc_vu }}: "
                     "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or '" + D * 10 + "' }}", align="justify", space_after=1)
    dk.field_line(doc, "Đơn vị công tác", DON_VI_EXPR, space_after=4, align="justify")
    dk.p_tag(doc, "for k in ky")
    dk.add_paragraph(doc, R("{{ k.stt }}. {{ k.ten }}", bold=True), "{% if k.nguon %} ({{ k.nguon }}){% endif %}",
                     keep_next=True, space_before=4, space_after=2, align="justify")
    dk.p_tag(doc, "if k.san_pham")
    dk.grid_table(
        doc, (0.8, 7.4, 1.4, 1.6, 1.6, 1.6, 1.6),
        [[C("TT", bold=True), C("{{ nhan.cot_san_pham }}", bold=True), C("{{ nhan.cot_he_so }}", bold=True),
          C("{{ nhan.cot_hoan_thanh }}", bold=True), C("{{ nhan.cot_khong_dat }}", bold=True),
          C("{{ nhan.cot_cham }}", bold=True), C("{{ nhan.cot_mien_tru }}", bold=True)],
         "{%tr for sp in k.san_pham %}",
         ["{{ sp.stt }}", C("{{ sp.ten }}", align="left"), "{{ sp.he_so }}", "{{ sp.hoan_thanh }}", "{{ sp.khong_dat }}",
          "{{ sp.cham }}", "{{ sp.mien_tru }}"],
         "{%tr endfor %}"],
        size=11, split_rows=True,
    )
    dk.p_tag(doc, "endif")
    dk.add_paragraph(
        doc,
        "{{ nhan.dong_chung }}: ", R("{{ k.chung }}", bold=True),
        "; a) {{ k.a }}%; b) {{ k.b }}%; c) {{ k.c }}%{% if co_dde %}; d) {{ k.d }}%; đ) {{ k.dd }}%; e) {{ k.e }}%{% endif %}; ",
        "{{ nhan.dong_diem_ky }}: ", R("{{ k.diem }}", bold=True), ".",
        align="justify", space_before=2, space_after=2,
    )
    dk.p_tag(doc, "endfor")
    # periods missing: no mean of some of them as the year's score (context_2026.year_score), the missing said
    dk.add_paragraph(doc, R("{{ nhan.dong_diem_nam }}: ", bold=True),
                     "{% if diem_nam_chua_tinh %}chưa tính, thiếu kết quả {{ diem_nam_chua_tinh }}."
                     "{% elif diem_nam_khong_tinh %}không tính, {{ diem_nam_khong_tinh }}.{% else %}",
                     R("{{ diem_nam or '" + D * 6 + "' }}", bold=True),
                     " ({{ so_ky }} {% if theo_quy %}quý{% else %}tháng{% endif %}).{% endif %}", space_before=6,
                     keep_next=True)
    dk.p_tag(doc, "for g in ky_noi_khac")
    dk.note_paragraph(doc, "{{ g.ghi_chu }}", size=12, keep_next=True)
    dk.p_tag(doc, "endfor")
    dk.p_tag(doc, "if co_dde and nhan.chu_giai")
    dk.note_paragraph(doc, "{{ nhan.chu_giai }}", size=12, keep_next=True)
    dk.p_tag(doc, "elif not co_dde and nhan.chu_giai_abc")
    dk.note_paragraph(doc, "{{ nhan.chu_giai_abc }}", size=12, keep_next=True)
    dk.p_tag(doc, "endif")
    width = dk.text_width_cm(doc)
    # a person transferred in: the manager confirms this agency's periods only (the old agency's were sent)
    dk.p_tag(doc, "if xac_nhan_pham_vi")
    dk.note_paragraph(doc, "{{ xac_nhan_pham_vi }}", size=12, keep_next=True, space_before=4)
    dk.p_tag(doc, "endif")
    dk.add_paragraph(doc, R("{{ dong_ngay_trong }}", italic=True), align="right", keep_next=True, space_before=4,
                     space_after=0)
    dk.p_tag(doc, "if co_xac_nhan")
    dk.signature_table(
        doc,
        _signer(None, "{{ nhan.ky_tu_danh_gia }}", "{{ nguoi.ho_ten }}"),
        _signer(None, "{{ nguoi_xac_nhan.chuc_vu_hoa or nhan.ky_xac_nhan }}", "{{ nguoi_xac_nhan.ho_ten }}",
                hint="{{ nhan.ky_xac_nhan_ghi_ro }}"),
        # the confirming post is the long one ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH", 8 cm at 13 pt bold):
        # on one line, so both names stand level
        widths_cm=(6.0, width - 6.0),
    )
    dk.p_tag(doc, "else")  # every period rated elsewhere: no period of this agency to confirm
    dk.signature_table(doc, None, _signer(None, "{{ nhan.ky_tu_danh_gia }}", "{{ nguoi.ho_ten }}"),
                       widths_cm=RIGHT_SIGNER_CM)
    dk.p_tag(doc, "endif")
    return doc


# --------------------------------------------------------------------------------------------
# party forms (HD 43-HD/BTCTW)
# --------------------------------------------------------------------------------------------
PARTY_COMMON = (
    Label("tieu_de", "BẢN KIỂM ĐIỂM CÁ NHÂN", "[R] title (HD 25 wording; HD 43 layout not found)"),
    Label("muc_i_1", "Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
          "[R] I.1 as HD 25 (forms.md §3)"),
    Label("muc_i_2", "Về thực hiện chức trách, nhiệm vụ được giao", "[R] I.2 as HD 25"),
    Label("muc_cam_ket", "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", "[R] last item of section I"),
    Label("phan_ii", "Hạn chế, khuyết điểm và nguyên nhân", "[R] heading II"),
    Label("phan_iii", "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra "
          "ở các kỳ kiểm điểm trước", "[R] heading III"),
    Label("phan_iv", "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)", "[R] heading IV"),
    Label("phan_v", "Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)", "[R] heading V"),
    Label("phan_vi", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", "[R] heading VI"),
    Label("phan_vii", "Tự chấm điểm và tự nhận mức xếp loại chất lượng", "[R] heading VII: the 100-point frame of QĐ 366"),
    Label("nhom_chung", "Nhóm tiêu chí chung", "[R] QĐ 366 frame, general group (S36: 30 points for non-leaders)"),
    Label("diem_chung", "30", "[R] maximum of the general group"),
    Label("nhom_nhiem_vu", "Nhóm tiêu chí về kết quả thực hiện chức trách, nhiệm vụ được giao", "[R] QĐ 366 frame, task group"),
    Label("diem_nhiem_vu", "70", "[R] maximum of the task group"),
    Label("cot_tu_cham", "Tự chấm", "[R] column"),
    Label("cot_chi_bo", "Chi bộ đánh giá", "[R] column"),
    Label("tu_nhan_muc", "Tự nhận mức xếp loại chất lượng đảng viên", "[R] line before the four boxes"),
    Label("ky_tu_kiem_diem", "NGƯỜI TỰ KIỂM ĐIỂM", "[R] member's signature"),
    Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R]"),
    Label("phan_dang_vien", "Đánh giá, xếp loại chất lượng đảng viên", "[R] heading of the party blocks"),
    Label("chi_uy_nhan_xet", "Nhận xét, đánh giá của chi ủy (chi bộ)", "[R]"),
    Label("chi_bo_de_xuat", "Chi bộ đề xuất xếp loại mức chất lượng", "[R]"),
    Label("ky_chi_bo", "T/M CHI ỦY (CHI BỘ)", "[R]"),
    Label("dang_uy_xep_loai", "Đảng ủy (chi bộ cơ sở) xếp loại mức chất lượng", "[R]"),
    Label("ky_dang_uy", "T/M ĐẢNG ỦY (CHI ỦY)", "[R] as HD 25 (forms.md §3.1): a chi bộ cơ sở decides by its chi ủy"),
    Label("ky_xac_lap", "(Xác lập thời điểm, ký, ghi rõ họ tên)", "[R]"),
    MARK,
)
PARTY_STATE = (
    Label("phan_cong_chuc", "Đánh giá, xếp loại chất lượng công chức, viên chức", "[R] the agency head's block"),
    Label("cong_chuc_nhan_xet", "Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức", "[R]"),
    Label("cong_chuc_diem", "Điểm đánh giá năm (theo kết quả theo dõi từng tháng, quý)", "[R] the year score (ND 335 / ND 233)"),
    Label("cong_chuc_muc", "Mức xếp loại chất lượng công chức, viên chức", "[R]"),
    Label("ky_thu_truong", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "[R] the agency head's block (title when the data gives no post)"),
    Label("ky_thu_truong_ghi_ro", "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)", "[R]"),
)
PARTY_LEADER = (
    Label("muc_i_3", "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; mức độ hoàn "
          "thành nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng quy tụ, xây dựng đoàn kết nội bộ",
          "[R] I.3 of the leaders' form, as HD 25 02B"),
    Label("muc_i_4", "Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, dám chịu trách "
          "nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ", "[R] I.4, as HD 25 02B"),
    Label("muc_i_5", "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, tiêu cực, "
          "lãng phí; sự tín nhiệm của cán bộ, đảng viên", "[R] I.5, as HD 25 02B"),
)


def _party_dash(doc, key: str, value: str | None = None):
    parts = [R("- ", bold=True), R("{{ nhan." + key + " }}:", bold=True)]
    if value:
        parts.append(R(" " + value))
    return dk.add_paragraph(doc, *parts, align="left", keep_next=True, space_after=0)


def _frame_table(doc) -> None:
    dk.grid_table(
        doc, (1.0, 9.0, 2.0, 2.0, 2.0),
        [[C("TT", bold=True), C("Nhóm tiêu chí", bold=True), C("Điểm tối đa", bold=True),
          C("{{ nhan.cot_tu_cham }}", bold=True), C("{{ nhan.cot_chi_bo }}", bold=True)],
         ["1", C("{{ nhan.nhom_chung }}", align="left"), "{{ nhan.diem_chung }}", "", ""],
         ["2", C("{{ nhan.nhom_nhiem_vu }}", align="left"), "{{ nhan.diem_nhiem_vu }}", "", ""],
         [C("Tổng cộng", span=2, bold=True), C("100", bold=True), "", ""]],
        size=12,
    )


def _build_party(form: Form, kind: str):
    """kind: "2a" (not a leader), "2b" (leader), "2c" (not working in the political system)."""
    doc = dk.new_document(title=form.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _party_header(doc, "{{ dong_ngay_tu_danh_gia }}")
    dk.title(doc, "{{ nhan.tieu_de }}", "Năm {{ nam }}", space_before=4, space_after=0)
    dk.add_paragraph(doc, R("({{ nhan.tieu_de_phu }})", italic=True), align="center", space_after=6, keep_next=True)
    dots = "'" + DOTS_FIELD + "'"
    dk.add_paragraph(doc, "Họ và tên: ", R("{{ nguoi.ho_ten }}", bold=True), "\tNgày sinh: {{ nguoi.ngay_sinh }}",
                     tabs_cm=(10.5,), space_after=1)
    dk.field_line(doc, "Chức vụ Đảng", "{{ nguoi.chuc_vu_dang or " + dots + " }}", space_after=1)
    if kind == "2c":
        dk.field_line(doc, "{{ nhan.dong_noi_lam_viec }}", "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots
                      + " }}, " + DON_VI_EXPR, space_after=1, align="justify")
    else:
        dk.field_line(doc, "Chức vụ chính quyền", "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots + " }}",
                      space_after=1)
        dk.field_line(doc, "Chức vụ đoàn thể", "{{ nguoi.chuc_vu_doan_the or " + dots + " }}", space_after=1)
        dk.add_paragraph(doc, "Đơn vị công tác: ", DON_VI_EXPR, "; {{ don_vi.chi_bo or 'Chi bộ " + D * 8 + "' }}",
                         align="justify", space_after=1)

    dk.section_heading(doc, "I. Ưu điểm, kết quả đạt được")
    dk.item_heading(doc, "1.", "{{ nhan.muc_i_1 }}", left_cm=0.5)
    for td in ("td.chinh_tri_tu_tuong", "td.dao_duc_loi_song", "td.y_thuc_ky_luat", "td.tac_phong_le_loi"):
        _answer(doc, td)
    dk.item_heading(doc, "2.", "{{ nhan.muc_i_2 }}", left_cm=0.5)
    _answer(doc, "td.ket_qua_nhiem_vu")
    if kind != "2c":
        _answer(doc, "td.thai_do_phuc_vu")
    n = 3
    if kind == "2b":
        dk.item_heading(doc, "3.", "{{ nhan.muc_i_3 }}", left_cm=0.5)
        for td in ("td.ket_qua_don_vi", "td.nang_luc_lanh_dao", "td.nang_luc_doan_ket"):
            _answer(doc, td)
        for num, key in (("4.", "muc_i_4"), ("5.", "muc_i_5")):
            dk.item_heading(doc, num, "{{ nhan." + key + " }}", left_cm=0.5)
            _answer(doc, "cham")
        n = 6
    dk.item_heading(doc, f"{n}.", "{{ nhan.muc_cam_ket }}", left_cm=0.5)
    _answer(doc, "cham")

    dk.section_heading(doc, "II. {{ nhan.phan_ii }}", align="justify")
    dk.item_heading(doc, "1.", "Hạn chế, khuyết điểm", left_cm=0.5)
    _answer(doc, "td.khuyet_diem")
    dk.item_heading(doc, "2.", "Nguyên nhân của hạn chế, khuyết điểm", left_cm=0.5)
    _answer(doc, "td.nguyen_nhan")
    dk.section_heading(doc, "III. {{ nhan.phan_iii }}", align="justify")
    _answer(doc, "td.khac_phuc")
    roman = ["IV", "V", "VI", "VII"]
    sections = ["phan_iv", "phan_v", "phan_vi"] if kind != "2c" else ["phan_iv", "phan_vi"]
    k = 0
    for key in sections:
        dk.section_heading(doc, roman[k] + ". {{ nhan." + key + " }}", align="justify")
        _answer(doc, "td.phuong_huong" if key == "phan_vi" else "cham")
        k += 1
    dk.section_heading(doc, roman[k] + ". {{ nhan.phan_vii }}", align="justify")
    _frame_table(doc)
    dk.add_paragraph(doc, R("{{ nhan.tu_nhan_muc }}:", bold=True), keep_next=True, space_before=3, space_after=0)
    # the member's own party-level choice (NhanSu tu_xep_loai_dang_vien), blank when unknown
    dk.level_choice(doc, "ds_tu_xep_loai_dang", "tu_xep_loai_dang")
    dk.signature_table(doc, None, _signer(None, "{{ nhan.ky_tu_kiem_diem }}", "{{ nguoi.ho_ten }}"), widths_cm=RIGHT_SIGNER_CM)

    if kind != "2c":
        dk.section_heading(doc, "{{ nhan.phan_cong_chuc }}", align="center", space_before=8)
        _party_dash(doc, "cong_chuc_nhan_xet")
        _answer(doc, "cham")
        # the year score only where the state side is rated on points (ND 335 / ND 233, from 2026):
        # a 2025 review rates it under ND 90 + ND 48, without a score (context `co_diem_nam`)
        dk.p_tag(doc, "if co_diem_nam")
        _party_dash(doc, "cong_chuc_diem", "{{ diem_nam or ('không tính, ' + diem_nam_khong_tinh if diem_nam_khong_tinh else '" + D * 8 + "') }}")
        dk.p_tag(doc, "endif")
        _party_dash(doc, "cong_chuc_muc", "{{ muc_ket_qua_chu or '" + D * 16 + "' }}")
        dk.signature_table(doc, None, _signer(None, "{{ nguoi_danh_gia.chuc_vu_hoa or nhan.ky_thu_truong }}",
                                              "{{ nguoi_danh_gia.ho_ten }}", hint="{{ nhan.ky_thu_truong_ghi_ro }}"), widths_cm=RIGHT_SIGNER_CM)
    dk.section_heading(doc, "{{ nhan.phan_dang_vien }}", align="center", space_before=8)
    _party_dash(doc, "chi_uy_nhan_xet")
    _answer(doc, "cham")
    _party_dash(doc, "chi_bo_de_xuat")
    dk.level_boxes(doc, None, keep_next=True)
    dk.signature_table(doc, None, _signer(None, "{{ nhan.ky_chi_bo }}", "", hint="{{ nhan.ky_xac_lap }}"), widths_cm=RIGHT_SIGNER_CM)
    _party_dash(doc, "dang_uy_xep_loai")
    dk.level_boxes(doc, None, keep_next=True)
    dk.signature_table(doc, None, _signer(None, "{{ nhan.ky_dang_uy }}", "", hint="{{ nhan.ky_xac_lap }}"), widths_cm=RIGHT_SIGNER_CM)
    return doc


# --------------------------------------------------------------------------------------------
# Mẫu 01: collective review of a chi bộ (unit document)
# --------------------------------------------------------------------------------------------
def build_mau_01(form: Form):
    doc = dk.new_document(title=form.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _party_header(doc, "{{ dong_ngay_trong }}")
    dk.add_paragraph(doc, "{{ nhan.so_ky_hieu }}", size=13, space_after=4)
    dk.title(doc, "{{ nhan.tieu_de }}", "{{ nhan.tieu_de_phu }} năm {{ nam }}", space_before=4, space_after=8)
    j = dict(align="justify", first_line_cm=1.0, space_after=3)
    for roman, key, items in (
        ("I", "phan_i", ("phan_i_1", "phan_i_2", "phan_i_3")),
        ("II", "phan_ii", ("phan_ii_1", "phan_ii_2")),
        ("III", "phan_iii", ()),
        ("IV", "phan_iv", ()),
        ("V", "phan_v", ()),
    ):
        dk.section_heading(doc, roman + ". {{ nhan." + key + " }}", align="justify")
        for n, sub in enumerate(items, 1):
            dk.item_heading(doc, f"{n}.", "{{ nhan." + sub + " }}", left_cm=0.5)
            _answer(doc, "cham")
        if not items:
            _answer(doc, "cham")
    dk.section_heading(doc, "VI. {{ nhan.phan_vi }}", align="justify")
    dk.add_paragraph(doc, "{{ nhan.tu_cham_diem }}: " + D * 6 + " /100 điểm.", **{**j, "first_line_cm": 0.5})
    dk.add_paragraph(doc, R("{{ nhan.tu_nhan_muc }}:", bold=True), keep_next=True, space_after=0)
    dk.level_boxes(doc, None, keep_next=True)
    dk.p_tag(doc, "if dang_vien")
    dk.section_heading(doc, "VII. {{ nhan.phan_vii }} {{ nam }}", align="justify")
    # a level the competent evaluator has not decided yet is the proposal, and says so; the agency head's
    # level, not decided yet, is nobody's proposal (his unit proposes none, aud29): who rates him instead
    level = C("{% if tv.cap_tren_danh_gia and not tv.muc_quyet_dinh %}{{ tv.cap_tren_danh_gia }}{% else %}"
              "{{ tv.muc_cuoi_chu }}{% if tv.muc_cuoi_chu and not tv.muc_quyet_dinh and not tv.khong_xep_loai %}"
              " (đề xuất){% endif %}{% endif %}", align="left")
    # the year score column only where the members' state side is rated on points (ND 335 / ND 233,
    # from 2026); a 2025 review rates it under ND 90 + ND 48, without a score (context `co_diem_nam`)
    dk.p_tag(doc, "if co_diem_nam")
    dk.grid_table(
        doc, (1.0, 4.6, 3.6, 2.0, 4.8),
        [[C("TT", bold=True), C("Họ và tên", bold=True), C("Chức vụ", bold=True), C("{{ nhan.cot_diem }}", bold=True),
          C("{{ nhan.cot_muc }}", bold=True)],
         "{%tr for tv in dang_vien %}",
         ["{{ loop.index }}", C("{{ tv.ho_ten }}", align="left"), C("{{ tv.chuc_vu }}", align="left"), "{{ tv.diem_nam }}",
          level],
         "{%tr endfor %}"],
        size=12,
    )
    dk.p_tag(doc, "else")
    dk.grid_table(
        doc, (1.0, 5.6, 4.6, 4.8),
        [[C("TT", bold=True), C("Họ và tên", bold=True), C("Chức vụ", bold=True), C("{{ nhan.cot_muc }}", bold=True)],
         "{%tr for tv in dang_vien %}",
         ["{{ loop.index }}", C("{{ tv.ho_ten }}", align="left"), C("{{ tv.chuc_vu }}", align="left"), level],
         "{%tr endfor %}"],
        size=12,
    )
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "endif")
    dk.add_paragraph(doc, "", space_after=0)
    width = dk.text_width_cm(doc)
    dk.signature_row(
        doc,
        {"recipients": "{{ nhan.noi_nhan }}"},
        {"prefix": "{{ nhan.ky_tm }}", "title": "{{ bi_thu.chuc_vu_dang|upper if bi_thu.chuc_vu_dang else nhan.ky_bi_thu }}",
         "hint": "", "name": "{{ bi_thu.ho_ten }}"},
        widths_cm=(width / 2, width / 2),
    )
    return doc


# --------------------------------------------------------------------------------------------
# the forms
# --------------------------------------------------------------------------------------------
FORMS: dict[str, Form] = {}


def _add(form: Form) -> None:
    FORMS[form.code] = form


_add(Form(
    code="phieu_nd335", ma_hieu="", title="Phiếu đánh giá, xếp loại chất lượng công chức (Nghị định 335/2025/NĐ-CP)",
    issuing_document=ND335 + " về đánh giá, xếp loại chất lượng đối với cơ quan hành chính nhà nước và công chức "
    "(mẫu tái dựng, chưa đối chiếu phụ lục chính thức)",
    recipients="Công chức (cán bộ và người lao động của cơ quan hành chính theo lựa chọn của cơ quan)",
    signers=("Người tự đánh giá", "Người quản lý trực tiếp", "Người có thẩm quyền đánh giá"),
    sources=tuple(SRC_ND335), labels=_phieu_labels("cong_chuc"), build=build_phieu,
))
_add(Form(
    code="phieu_nd233", ma_hieu="", title="Phiếu đánh giá, xếp loại chất lượng viên chức (Nghị định 233/2026/NĐ-CP)",
    issuing_document=ND233 + " về đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp công lập và viên chức "
    "(mẫu tái dựng, chưa đối chiếu phụ lục chính thức)",
    recipients="Viên chức (người lao động của đơn vị sự nghiệp theo lựa chọn của đơn vị)",
    signers=("Người tự đánh giá", "Người quản lý trực tiếp", "Người có thẩm quyền đánh giá"),
    sources=tuple(SRC_ND233), labels=_phieu_labels("vien_chuc"), build=build_phieu,
))
_add(Form(
    code="theo_doi_ky", ma_hieu="Phụ lục", title="Phiếu theo dõi, đánh giá kết quả thực hiện nhiệm vụ theo tháng, quý",
    issuing_document=ND335 + "; " + ND233 + " (mẫu tái dựng; nhiều cơ quan ban hành phiếu tháng/quý riêng)",
    recipients="Người có kết quả tháng/quý (sheet KetQuaKy): phụ lục của phiếu đánh giá",
    signers=("Người tự đánh giá", "Người quản lý trực tiếp (hoặc người có thẩm quyền) xác nhận"),
    sources=tuple(SRC_ND335 + ["regime-2026.md §1.6: phiếu tháng/quý của KBNN (QĐ 1253/QĐ-BTC), Đồng Nai, Thành ủy (mã nguồn công khai)"]),
    labels=(
        Label("tieu_de", "PHIẾU THEO DÕI, ĐÁNH GIÁ", "[R] title line 1"),
        Label("tieu_de_phu", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO", "[R] title line 2, followed by THÁNG/QUÝ NĂM <year>"),
        Label("kem_theo", "Kèm theo Phiếu đánh giá, xếp loại chất lượng năm", "[R] line under the title"),
        Label("dong_chuc_vu", "Chức vụ, chức danh", "[R] identity"),
        Label("cot_san_pham", "Sản phẩm, công việc", "[R] products table (sheet SanPham)"),
        Label("cot_he_so", "Hệ số quy đổi", "[R]"),
        Label("cot_hoan_thanh", "Hoàn thành", "[R]"),
        Label("cot_khong_dat", "Số lần không đạt", "[R] −25% of the quality score each time (Art. 14 ND 335)"),
        Label("cot_cham", "Số lần chậm", "[R] −25% of the progress score each time"),
        Label("cot_mien_tru", "Lý do khách quan", "[R] deductions waived (an objective reason confirmed)"),
        Label("dong_chung", "Điểm tiêu chí chung", "[R] period line"),
        Label("dong_diem_ky", "Điểm kỳ", "[R] period line"),
        Label("dong_diem_nam", "Điểm đánh giá năm (trung bình cộng điểm các kỳ)", "[R] total line; averaging rule uncertain"),
        Label("chu_giai", "a) số lượng, b) chất lượng, c) tiến độ sản phẩm, công việc hoàn thành so với được giao (%); "
              "d) kết quả đơn vị, lĩnh vực phụ trách, đ) năng lực tổ chức thực hiện, e) năng lực tập hợp, đoàn kết (%).",
              "[R] key for leaders; \"\" to drop it"),
        Label("chu_giai_abc", "a) số lượng, b) chất lượng, c) tiến độ sản phẩm, công việc hoàn thành so với được giao (%).",
              "[R] key for the others; \"\" to drop it"),
        Label("ky_tu_danh_gia", "NGƯỜI TỰ ĐÁNH GIÁ", "[R]"),
        Label("ky_xac_nhan", "XÁC NHẬN CỦA NGƯỜI QUẢN LÝ", "[R] the confirming signer's title when the data gives no post"),
        Label("ky_xac_nhan_ghi_ro", "(Xác nhận, ký, ghi rõ họ tên)", "[R]"),
        Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R]"),
        SOURCE_LABEL,
        Label("ghi_chu_xac_nhan", "Người quản lý xác nhận kết quả {ky} do {co_quan} theo dõi, đánh giá.",
              "[R] above the signatures of a person transferred in: the confirmation covers this agency's periods "
              "only ({ky}: those periods, {co_quan}: CoQuan ten_co_quan); the wording is ours"),
    ),
    build=build_theo_doi_ky,
))
_add(Form(
    code="mau_2a_2025", ma_hieu="Mẫu 2A-HD KĐ.ĐG 2025",
    title="Bản kiểm điểm cá nhân (cá nhân không giữ chức vụ lãnh đạo, quản lý)",
    issuing_document=HD43, recipients="Đảng viên không giữ chức vụ lãnh đạo, quản lý",
    signers=("Người tự kiểm điểm", "Thủ trưởng cơ quan, đơn vị", "T/M chi ủy (chi bộ)", "T/M đảng ủy (chi ủy)"),
    sources=tuple(SRC_HD43), years=(2025, 2100),
    labels=(*PARTY_COMMON[:1], Label("tieu_de_phu", "Cá nhân không giữ chức vụ lãnh đạo, quản lý", "[R] subtitle, by analogy with HD 25 02A"),
            *PARTY_COMMON[1:], *PARTY_STATE),
    build=lambda f: _build_party(f, "2a"),
))
_add(Form(
    code="mau_2b_2025", ma_hieu="Mẫu 2B-HD KĐ.ĐG 2025",
    title="Bản kiểm điểm cá nhân (cá nhân giữ chức vụ lãnh đạo, quản lý)",
    issuing_document=HD43, recipients="Đảng viên giữ chức vụ lãnh đạo, quản lý",
    signers=("Người tự kiểm điểm", "Thủ trưởng cơ quan, đơn vị", "T/M chi ủy (chi bộ)", "T/M đảng ủy (chi ủy)"),
    sources=tuple(SRC_HD43), years=(2025, 2100),
    labels=(*PARTY_COMMON[:1], Label("tieu_de_phu", "Cá nhân giữ chức vụ lãnh đạo, quản lý", "[R] subtitle, by analogy with HD 25 02B"),
            *PARTY_COMMON[1:3], *PARTY_LEADER, *PARTY_COMMON[3:], *PARTY_STATE),
    build=lambda f: _build_party(f, "2b"),
))
_add(Form(
    code="mau_2c_2025", ma_hieu="Mẫu 2C-HD KĐ.ĐG 2025",
    title="Bản kiểm điểm đảng viên không làm việc trong hệ thống chính trị",
    issuing_document=HD43, recipients="Đảng viên không làm việc trong hệ thống chính trị (bo_mau.toml: ngoai_he_thong_loai)",
    signers=("Người tự kiểm điểm", "T/M chi ủy (chi bộ)", "T/M đảng ủy (chi ủy)"),
    sources=tuple(SRC_HD43), years=(2025, 2100),
    labels=(Label("tieu_de", "BẢN KIỂM ĐIỂM ĐẢNG VIÊN", "[R] title; S22 names the form 'bản kiểm điểm đảng viên không làm "
                  "việc trong hệ thống chính trị'"),
            Label("tieu_de_phu", "Đảng viên không làm việc trong hệ thống chính trị", "[V] S22 (form name), as subtitle"),
            Label("dong_noi_lam_viec", "Nơi làm việc", "[R] identity line"),
            *(lab for lab in PARTY_COMMON[1:] if lab.key != "phan_v")),
    build=lambda f: _build_party(f, "2c"),
))
_add(Form(
    code="mau_01_2025", ma_hieu="Mẫu 01-HD KĐ.ĐG 2025", title="Báo cáo kiểm điểm tập thể (chi bộ)",
    issuing_document=HD43, recipients="Đảng ủy cấp trên; lưu chi bộ", scope="don_vi",
    signers=("T/M chi bộ (Bí thư)",), years=(2025, 2100), sources=tuple(SRC_HD43[:1] + [
        "regime-2026.md §3: Mẫu 01 = báo cáo kiểm điểm tập thể (encovietnam 5216); bố cục chưa tìm thấy"]),
    labels=(
        Label("so_ky_hieu", "Số: ……-BC/CB", "[R] number line; \"\" to drop it"),
        Label("tieu_de", "BÁO CÁO", "[R] title"),
        Label("tieu_de_phu", "Kiểm điểm tập thể chi bộ", "[R] subtitle, followed by 'năm <year>'"),
        Label("phan_i", "Ưu điểm, kết quả đạt được", "[R] I"),
        Label("phan_i_1", "Về giữ gìn phẩm chất chính trị, đạo đức, lối sống; thực hiện nguyên tắc tập trung dân chủ, "
              "đoàn kết nội bộ", "[R] I.1"),
        Label("phan_i_2", "Về thực hiện nhiệm vụ chính trị được giao và các chỉ tiêu, nhiệm vụ trong năm", "[R] I.2"),
        Label("phan_i_3", "Về công tác xây dựng Đảng, quản lý đảng viên, kiểm tra, giám sát", "[R] I.3"),
        Label("phan_ii", "Hạn chế, khuyết điểm và nguyên nhân", "[R] II"),
        Label("phan_ii_1", "Hạn chế, khuyết điểm", "[R] II.1"),
        Label("phan_ii_2", "Nguyên nhân", "[R] II.2"),
        Label("phan_iii", "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc được chỉ ra "
              "ở các kỳ kiểm điểm trước", "[R] III"),
        Label("phan_iv", "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)", "[R] IV"),
        Label("phan_v", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", "[R] V"),
        Label("phan_vi", "Tự đánh giá, xếp loại chất lượng tập thể", "[R] VI (100-point frame of QĐ 366)"),
        Label("tu_cham_diem", "Tự chấm điểm", "[R]"),
        Label("tu_nhan_muc", "Tự nhận mức xếp loại chất lượng", "[R]"),
        Label("phan_vii", "Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động là đảng "
              "viên của chi bộ năm",
              "[R] VII, the members' state results (ND 335 Art. 23: the basis of the party rating); a commune's chi bộ "
              "lists its cán bộ too (audit xa36)"),
        Label("cot_diem", "Điểm năm", "[R] column, only from 2026 (a 2025 review under ND 90 has no year score)"),
        Label("cot_muc", "Mức xếp loại", "[R] column (decided level, else the proposal marked «(đề xuất)»; the agency "
              "head's undecided level: who rates him, as tong_hop_xep_loai prints it)"),
        Label("noi_nhan", "- Đảng ủy cấp trên;\n- Lưu chi bộ.", "[R] Nơi nhận"),
        Label("ky_tm", "T/M CHI BỘ", "[R] signature prefix"),
        Label("ky_bi_thu", "BÍ THƯ", "[R] title when no member's chuc_vu_dang is 'Bí thư…'"),
    ),
    build=build_mau_01,
    notes=(
        "Years: HD 43-HD/BTCTW (31/10/2025) governs the party review of 2025 (regime-2026.md §3), so this report",
        "is printed from 2025: by the nd335 set and, for 2025, by the nd90 set (bo_mau.toml [nd90.chi_bo]); for",
        "2023-2024 nothing (HD 25's Mẫu 01-HD KĐ.ĐG 2023 is not built, its title and layout UNCONFIRMED).",
        "Part VII prints the year-score column only where a member is rated on points (from 2026; context",
        "`co_diem_nam`): a 2025 review rates the state side under ND 90 + ND 48, without points. UNCONFIRMED:",
        "the whole layout (no official appendix read), and whether part VII belongs in the 2025 report at all.",
    ),
))


# --------------------------------------------------------------------------------------------
# meta.toml
# --------------------------------------------------------------------------------------------
def meta_toml(form: Form) -> str:
    return dk.meta_toml_text([
        f"# Metadata and corrigible labels of {form.ma_hieu or form.code} ({form.title}).",
        "# Written by tools/build_2026_templates.py when missing; edit the [labels] freely (the template",
        "# prints them as {{ nhan.<key> }}); build_2026_templates.py keeps this file and only checks it.",
        "# Tags: [V] seen in a source, [R] rebuilt and UNCONFIRMED (shared/domain/regime-2026.md).",
        STATUS_NOTE,
        *(f"# {line}" for line in form.notes),
        *dk.meta_identity_lines(form.code, form.ma_hieu, form.title, form.issuing_document),
        f"years = [{form.years[0]}, {form.years[1]}]          # first and last evaluation year it applies to",
        f"scope = {dk.toml_str(form.scope)}",
        *dk.meta_signing_lines(form.recipients, form.signers),
        'status = "tai_dung"',
        "sources = [",
        *(f"    {dk.toml_str(s)}," for s in form.sources),
        "]",
    ], form.labels)


def build(code: str, *, write_meta: bool = False) -> Path:
    form = FORMS[code]
    return dk.build_template(TEMPLATES / code, lambda: form.build(form), lambda: meta_toml(form),
                             rewrite_meta=write_meta, root=ROOT, context_labels=CONTEXT_LABELS)


def main(argv: list[str] | None = None) -> int:
    return dk.generator_main(__doc__.splitlines()[0], sorted(FORMS), build, ROOT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
