"""Build the Word templates of the evaluation forms: ND 90/2020 Mẫu số 01, 02, 03 and the party
forms Mẫu 02A/02B-HD KĐ.ĐG 2023 and Mẫu 3-213.

    python tools/build_templates.py                 # templates/mau_0X/template.docx (+ meta.toml if missing)
    python tools/build_templates.py --write-meta    # also overwrite every meta.toml
    python tools/build_templates.py mau_02          # one form only

The layout follows shared/domain/forms.md §2. Every heading that forms.md marks [R] (rebuilt,
UNCONFIRMED) is not written into the .docx: the template prints it as ``{{ nhan.<key> }}`` and its
text lives in ``templates/<code>/meta.toml`` under ``[labels]``, so a clerk can correct it
without touching Python. An existing meta.toml is kept (it may hold a clerk's corrections); it is
only checked to have every label the template uses. Only variables of docs/render-context.md are
used.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docxkit as dk  # noqa: E402
from docxkit import DON_VI_EXPR, DOTS_FIELD, Label, R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

ND90 = "Phụ lục ban hành kèm theo Nghị định số 90/2020/NĐ-CP ngày 13/8/2020 của Chính phủ"
NOTE_5 = (
    "(xác định rõ nội dung công việc thực hiện; tỷ lệ hoàn thành, chất lượng, tiến độ công việc)"
)
NOTE_6 = (
    "(đối với những vị trí tiếp xúc trực tiếp hoặc trực tiếp giải quyết công việc của người dân "
    "và doanh nghiệp)"
)
GHI_CHU_KXL = (
    "Không thực hiện đánh giá, xếp loại chất lượng (thời gian công tác trong năm dưới 06 tháng — "
    "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP); bản này dùng để kiểm điểm."
)


@dataclass(frozen=True)
class FormSpec:
    code: str
    ma_hieu: str
    title: str
    doi_tuong: str  # CÁN BỘ / CÔNG CHỨC / VIÊN CHỨC
    recipients: str
    signers: tuple[str, ...]
    labels: tuple[Label, ...] = field(default_factory=tuple)
    issuing_document: str = ""  # default: the ND 90/2020 appendix
    years: tuple[int, int] = (2020, 2025)
    section: str = "§2"  # where shared/domain/forms.md describes the form
    years_note: str = ""  # why the years end where they do (meta.toml's comment)


# --------------------------------------------------------------------------------------------
# labels ([R] / UNCONFIRMED wording, see shared/domain/forms.md §2)
# --------------------------------------------------------------------------------------------
_COMMON_SIGN = (
    Label(
        "ky_tu_danh_gia",
        "NGƯỜI TỰ NHẬN XÉT",
        "[R] self-signer title; S14 and S87 'NGƯỜI TỰ NHẬN XÉT', S86 'NGƯỜI TỰ ĐÁNH GIÁ'",
    ),
    Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R] line under every signer title"),
)
_THAM_QUYEN = Label(
    "ky_tham_quyen",
    "NGƯỜI CÓ THẨM QUYỀN ĐÁNH GIÁ",
    "[V2] S86, S87; some units print the head's title instead (e.g. 'CHÁNH VĂN PHÒNG')",
)
_KXL = Label(
    "ghi_chu_khong_xep_loai",
    GHI_CHU_KXL,
    "printed only when khong_xep_loai (worked < 6 months); wording is the project's own",
)
_KXL_LINE = Label(
    "dong_khong_xep_loai",
    "Không xếp loại (thời gian công tác trong năm chưa đủ 06 tháng; vẫn kiểm điểm thời gian công "
    "tác trong năm).",
    "[R] printed only when khong_xep_loai, INSTEAD of the four levels to choose in the self-rating, "
    "the direct manager's part and the competent person's result (ND 90 Art. 2 cl. 3: not rated, "
    "still reviewed); the project's own wording, UNCONFIRMED",
)


_MARK = Label(
    "cach_danh_dau_muc",
    "gạch chân",
    "how the chosen level is marked: 'gạch chân' (the official list, the chosen level "
    "underlined, forms.md §2.4) or 'ô đánh dấu' (tick boxes, an agency's own practice); a setting, "
    "never printed",
)


def _doi_tuong_labels(words: str) -> tuple[Label, ...]:
    return (
        Label("doi_tuong", words, "[V2] last words of the title and of the last section's heading"),
        Label(
            "doi_tuong_nguoi_lao_dong",
            "NGƯỜI LAO ĐỘNG",
            "the same words for hợp đồng / người lao động filling this form (seed 000 practice); "
            "the project's own wording",
        ),
    )


def _section_iii_labels() -> tuple[Label, ...]:
    return (
        Label(
            "phan_iii",
            "Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ ĐỐI VỚI CẤP PHÓ CỦA NGƯỜI ĐỨNG ĐẦU",
            "[R] heading of section III for a deputy commented on by the head of the unit (S14). "
            "Section III is printed only when the person has a direct commenter who is not the "
            'competent evaluator (pipeline/forms/signers.py); "" drops it for deputies',
        ),
        Label(
            "phan_iii_truc_tiep",
            "Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP",
            "[R] heading of section III for staff commented on by the head of their unit "
            "(S15 '…CỦA TRƯỞNG ĐƠN VỊ TRỰC TIẾP…'); the project's wording, UNCONFIRMED; "
            '"" drops it for staff',
        ),
        Label("phan_iii_muc_1", "Nhận xét ưu, khuyết điểm", "[R] S14"),
        Label("phan_iii_muc_2", "Mức xếp loại", "[R] S14"),
        Label("ky_nhan_xet", "NGƯỜI NHẬN XÉT, ĐÁNH GIÁ", "[R] signer of section III (S14, S87)"),
    )


MAU_01 = FormSpec(
    code="mau_01",
    ma_hieu="Mẫu số 01",
    title="Phiếu đánh giá, xếp loại chất lượng cán bộ",
    doi_tuong="CÁN BỘ",
    recipients="Cán bộ",
    signers=("Người tự nhận xét", "Người có thẩm quyền đánh giá"),
    labels=(
        Label(
            "muc_5_1",
            "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách",
            "[R] item 5, first dash sub-item (S9/S13 cut off after '– Kết quả hoạt đ')",
        ),
        Label("muc_5_2", "Năng lực lãnh đạo, quản lý", "[R] item 5, second dash sub-item"),
        Label("muc_5_3", "Năng lực tập hợp, đoàn kết", "[R] item 5, third dash sub-item"),
        Label(
            "muc_6",
            "Thái độ phục vụ nhân dân, doanh nghiệp",
            '[R] UNCONFIRMED whether Mẫu 01 has item 6 at all; set to "" to drop it',
        ),
        Label("muc_6_chu_thich", NOTE_6, '[R] note after item 6; "" for none'),
        Label(
            "phan_ii",
            "TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG",
            "[R] for Mẫu 01 (copied from Mẫu 02/03, where it is [V2])",
        ),
        *_COMMON_SIGN,
        Label(
            "phan_ket_qua",
            "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ",
            "[R] heading of section III of Mẫu 01",
        ),
        _THAM_QUYEN,
        _KXL,
        _KXL_LINE,
        Label("doi_tuong", "CÁN BỘ", "[V2] last word of the title"),
        _MARK,
    ),
)

MAU_02 = FormSpec(
    code="mau_02",
    ma_hieu="Mẫu số 02",
    title="Phiếu đánh giá, xếp loại chất lượng công chức",
    doi_tuong="CÔNG CHỨC",
    recipients="Công chức (seed 000 also uses it for hợp đồng 68 / NLĐ in administrative units)",
    signers=("Người tự nhận xét", "Người nhận xét, đánh giá", "Người có thẩm quyền đánh giá"),
    labels=(
        Label("dong_ho_ten", "Họ và tên", "[R] identity line 1 of Mẫu 02"),
        Label("dong_chuc_vu", "Chức vụ, chức danh", "[R] identity line 2 of Mẫu 02"),
        Label(
            "dong_don_vi",
            "Đơn vị công tác",
            "[R] identity line 3; some copies 'Cơ quan, tổ chức, đơn vị công tác'",
        ),
        Label(
            "phan_lanh_dao",
            "PHẦN DÀNH RIÊNG CHO CÔNG CHỨC LÃNH ĐẠO, QUẢN LÝ",
            "[R] heading of the leaders' part (Mẫu 03 wording is [V2])",
        ),
        Label(
            "muc_7",
            "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao lãnh đạo, quản lý, phụ trách",
            "[R] item 7 (long variant, S15)",
        ),
        Label("muc_7_chu_thich", NOTE_5, '[R] note after item 7; "" for the short variant (S14)'),
        *_COMMON_SIGN,
        *_section_iii_labels(),
        _THAM_QUYEN,
        _KXL,
        _KXL_LINE,
        *_doi_tuong_labels("CÔNG CHỨC"),
        _MARK,
    ),
)

MAU_03 = FormSpec(
    code="mau_03",
    ma_hieu="Mẫu số 03",
    title="Phiếu đánh giá, xếp loại chất lượng viên chức",
    doi_tuong="VIÊN CHỨC",
    recipients="Viên chức (seed 000 also uses it for NLĐ in public service units)",
    signers=("Người tự nhận xét", "Người nhận xét, đánh giá", "Người có thẩm quyền đánh giá"),
    labels=(
        Label("phan_lanh_dao", "PHẦN DÀNH RIÊNG CHO VIÊN CHỨC QUẢN LÝ", "[V2] S14, S15"),
        Label(
            "muc_7",
            "Kết quả hoạt động của cơ quan, tổ chức, đơn vị được giao quản lý, phụ trách",
            "[R] item 7, short variant (S14); long variant (S15): '…được giao lãnh đạo, quản lý, "
            "phụ trách' with the note below",
        ),
        Label("muc_7_chu_thich", "", "[R] note after item 7; S15 has '" + NOTE_5 + "'"),
        *_COMMON_SIGN,
        *_section_iii_labels(),
        _THAM_QUYEN,
        _KXL,
        _KXL_LINE,
        *_doi_tuong_labels("VIÊN CHỨC"),
        Label(
            "dong_cong_viec",
            "Vị trí công việc",
            "identity line 2 for người lao động (no chức danh nghề nghiệp): their job "
            "(NhanSu chuc_vu); the project's own wording",
        ),
        _MARK,
    ),
)

FORMS = {f.code: f for f in (MAU_01, MAU_02, MAU_03)}

# Page set-up of the three forms. ND 30/2020 allows 13–14 pt and line spacing from single to
# 1.5 lines. Single spacing (Times New Roman's own line height is already 1.15 em) is what lets
# a non-leader's phiếu with short answers fit on 2 pages with the signature blocks kept whole;
# at 1.15 the same phiếu takes 3 pages.
LAYOUT = dict(size=14, line_spacing=1.0, space_after=3)


# --------------------------------------------------------------------------------------------
# building blocks shared by the three forms
# --------------------------------------------------------------------------------------------
def _heading_with_note(doc, number: str, key: str, note_key: str | None = None, **kw):
    note = None
    if note_key:
        note = "{% if nhan." + note_key + " %} {{ nhan." + note_key + " }}{% endif %}"
    return dk.item_heading(doc, number, "{{ nhan." + key + " }}", note, **kw)


def _answer(doc, expr: str):
    return dk.value_paragraph(doc, expr, align="justify")


def _header(doc, spec: FormSpec) -> None:
    dk.form_code_line(doc, "{{ mau.ma_hieu }}", in_header=True)
    dk.state_header(doc)
    dk.title(
        doc,
        "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {{ doi_tuong }}",
        "Năm {{ nam }}",
        space_before=4,
        space_after=6,
    )


def _not_rated_note(doc) -> None:
    dk.p_tag(doc, "if khong_xep_loai")
    dk.note_paragraph(doc, "{{ nhan.ghi_chu_khong_xep_loai }}", space_before=3)
    dk.p_tag(doc, "endif")


def _items_1_to_4(doc) -> None:
    for n, text, key in (
        ("1.", "Chính trị tư tưởng", "chinh_tri_tu_tuong"),
        ("2.", "Đạo đức, lối sống", "dao_duc_loi_song"),
        ("3.", "Tác phong, lề lối làm việc", "tac_phong_le_loi"),
        ("4.", "Ý thức tổ chức kỷ luật", "y_thuc_ky_luat"),
    ):
        dk.item_heading(doc, n, text)
        _answer(doc, "td." + key)


def _self_rating(doc, phan_ii: str) -> None:
    dk.section_heading(doc, phan_ii)
    dk.item_heading(doc, "1.", "Tự nhận xét ưu, khuyết điểm")
    _answer(doc, "td.uu_diem")
    _answer(doc, "td.khuyet_diem")
    dk.item_heading(doc, "2.", "Tự xếp loại chất lượng")
    dk.level_choice(doc, "ds_tu_xep_loai", "tu_xep_loai", not_rated="dong_khong_xep_loai")
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ dong_ngay_tu_danh_gia }}",
            "title": "{{ nhan.ky_tu_danh_gia }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "{{ nguoi.ho_ten }}",
        },
        widths_cm=SIGN_WIDTHS_CM,
    )


SIGN_WIDTHS_CM = (5.4, 10.6)  # the right column holds "Thành phố Hồ Chí Minh, ngày …… tháng …… năm ……"


def _final(doc, heading: str | R) -> None:
    dk.section_heading(doc, heading, space_before=6, space_after=0)
    dk.add_paragraph(
        doc,
        R("(Phần dành cho cấp có thẩm quyền đánh giá)", italic=True),
        align="center",
        keep_next=True,
    )
    dk.item_heading(doc, "1.", "Nhận xét ưu, khuyết điểm")
    _answer(doc, "cham")
    dk.item_heading(doc, "2.", "Kết quả đánh giá, xếp loại chất lượng")
    dk.level_choice(doc, "ds_ket_qua", "ket_qua", not_rated="dong_khong_xep_loai")
    # the competent evaluator (pipeline/forms/signers.py): never the person; left blank for
    # handwriting when unknown (the agency head with no superior in CoQuan)
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ dong_ngay_quyet_dinh }}",
            "title": "{{ nhan.ky_tham_quyen }}",
            "subtitle": "{{ nguoi_danh_gia.chuc_vu_hoa }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "{{ nguoi_danh_gia.ho_ten }}",
        },
        widths_cm=SIGN_WIDTHS_CM,
    )


def _section_iii(doc) -> None:
    """Comments of the direct manager: only when the person has one who is not the evaluator
    (context `phan_nhan_xet`, the fitting heading from the labels)."""
    dk.p_tag(doc, "if phan_nhan_xet")
    dk.section_heading(doc, "III. ", "{{ phan_nhan_xet }}", space_before=6)
    dk.item_heading(doc, "1.", "{{ nhan.phan_iii_muc_1 }}")
    _answer(doc, "cham")
    dk.item_heading(doc, "2.", "{{ nhan.phan_iii_muc_2 }}")
    dk.level_choice(doc, "ds_trong", None, not_rated="dong_khong_xep_loai")
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ dong_ngay_trong }}",
            "title": "{{ nhan.ky_nhan_xet }}",
            "subtitle": "{{ nguoi_nhan_xet.chuc_vu_hoa }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "{{ nguoi_nhan_xet.ho_ten }}",
        },
        widths_cm=SIGN_WIDTHS_CM,
    )
    dk.p_tag(doc, "endif")


def _leaders_part(doc) -> None:
    dk.p_tag(doc, "if nguoi.lanh_dao")
    dk.section_heading(doc, "{{ nhan.phan_lanh_dao }}", align="center", space_before=6)
    _heading_with_note(doc, "7.", "muc_7", "muc_7_chu_thich")
    _answer(doc, "td.ket_qua_don_vi")
    dk.item_heading(doc, "8.", "Năng lực lãnh đạo, quản lý")
    _answer(doc, "td.nang_luc_lanh_dao")
    dk.item_heading(doc, "9.", "Năng lực tập hợp, đoàn kết")
    _answer(doc, "td.nang_luc_doan_ket")
    dk.p_tag(doc, "endif")


# --------------------------------------------------------------------------------------------
# the three forms
# --------------------------------------------------------------------------------------------
def build_mau_01(spec: FormSpec):
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _header(doc, spec)
    dk.field_line(doc, "Họ và tên", "{{ nguoi.ho_ten }}", space_after=1)
    dk.field_line(
        doc,
        "Chức vụ, chức danh",
        "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or '" + DOTS_FIELD + "' }}",
        space_after=1,
    )
    dk.field_line(doc, "Cơ quan, tổ chức, đơn vị công tác", DON_VI_EXPR, space_after=1)
    _not_rated_note(doc)

    dk.section_heading(doc, "I. KẾT QUẢ TỰ ĐÁNH GIÁ")
    _items_1_to_4(doc)
    dk.item_heading(doc, "5.", "Kết quả thực hiện chức trách, nhiệm vụ được giao")
    _answer(doc, "td.ket_qua_nhiem_vu")
    for key, td in (
        ("muc_5_1", "ket_qua_don_vi"),
        ("muc_5_2", "nang_luc_lanh_dao"),
        ("muc_5_3", "nang_luc_doan_ket"),
    ):
        _heading_with_note(doc, "\u2013", key, left_cm=0.5)
        _answer(doc, "td." + td)
    dk.p_tag(doc, "if nhan.muc_6")
    _heading_with_note(doc, "6.", "muc_6", "muc_6_chu_thich")
    _answer(doc, "td.thai_do_phuc_vu")
    dk.p_tag(doc, "endif")

    _self_rating(doc, "II. {{ nhan.phan_ii }}")
    _final(doc, "III. {{ nhan.phan_ket_qua }}")
    return doc


def _build_02_03(spec: FormSpec, identity) -> object:
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _header(doc, spec)
    identity(doc)
    _not_rated_note(doc)

    dk.section_heading(doc, "I. KẾT QUẢ TỰ ĐÁNH GIÁ")
    _items_1_to_4(doc)
    dk.item_heading(doc, "5.", "Kết quả thực hiện chức trách, nhiệm vụ được giao", NOTE_5)
    _answer(doc, "td.ket_qua_nhiem_vu")
    dk.item_heading(doc, "6.", "Thái độ phục vụ nhân dân, doanh nghiệp", NOTE_6)
    _answer(doc, "td.thai_do_phuc_vu")
    _leaders_part(doc)

    _self_rating(doc, "II. TỰ NHẬN XÉT, XẾP LOẠI CHẤT LƯỢNG")
    _section_iii(doc)
    _final(doc, "{{ so_phan_ket_qua }}. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {{ doi_tuong }}")
    return doc


def build_mau_02(spec: FormSpec):
    def identity(doc):
        dk.field_line(doc, "{{ nhan.dong_ho_ten }}", "{{ nguoi.ho_ten }}", space_after=1)
        dk.field_line(
            doc,
            "{{ nhan.dong_chuc_vu }}",
            "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or '" + DOTS_FIELD + "' }}",
            space_after=1,
        )
        dk.field_line(doc, "{{ nhan.dong_don_vi }}", DON_VI_EXPR, space_after=1)

    return _build_02_03(spec, identity)


def build_mau_03(spec: FormSpec):
    def identity(doc):
        dk.field_line(doc, "Họ và tên", "{{ nguoi.ho_ten }}", space_after=1)
        dk.p_tag(doc, "if nguoi_lao_dong")
        dk.field_line(
            doc,
            "{{ nhan.dong_cong_viec }}",
            "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or '" + DOTS_FIELD + "' }}",
            space_after=1,
        )
        dk.p_tag(doc, "else")
        dk.field_line(
            doc,
            "Chức danh nghề nghiệp",
            "{{ nguoi.ngach_chuc_danh or '" + DOTS_FIELD + "' }}",
            space_after=1,
        )
        dk.p_tag(doc, "endif")
        dk.field_line(doc, "Đơn vị công tác", DON_VI_EXPR, space_after=1)

    return _build_02_03(spec, identity)


# --------------------------------------------------------------------------------------------
# party forms: Bản kiểm điểm cá nhân 02A/02B (HD 25-HD/BTCTW) and Phiếu nhận xét 3-213 (HD 33)
# shared/domain/forms.md §3 and §4
# --------------------------------------------------------------------------------------------
HD25 = (
    "Hướng dẫn số 25-HD/BTCTW ngày 10/11/2023 của Ban Tổ chức Trung ương "
    "(thực hiện Quy định số 124-QĐ/TW ngày 04/10/2023)"
)
HD33 = (
    "Hướng dẫn số 33-HD/BTCTW ngày 30/10/2020 của Ban Tổ chức Trung ương "
    "(thực hiện Quy định số 213-QĐ/TW ngày 02/01/2020 của Bộ Chính trị)"
)
PARTY_LEVELS = ("Xuất sắc", "Tốt", "Trung bình", "Kém")  # [V] S29
# the left column of a party header: the đảng bộ (normal) and the chi bộ (bold), then "*"
DANG_BO_EXPR = "{{ co_quan.dang_bo_hoa or 'ĐẢNG BỘ " + dk.DOTS * 6 + "' }}"
CHI_BO_EXPR = "{{ don_vi.chi_bo|upper if don_vi.chi_bo else 'CHI BỘ " + dk.DOTS * 6 + "' }}"
XAC_LAP = "(Xác lập thời điểm, ký, ghi rõ họ tên)"

_KD_LABELS_TOP = (
    Label(
        "muc_i_1",
        "Về phẩm chất chính trị; phẩm chất đạo đức, lối sống; ý thức tổ chức kỷ luật; "
        "tác phong, lề lối làm việc",
        "[R] S26, item I.1",
    ),
    Label("muc_i_2", "Về thực hiện chức trách, nhiệm vụ được giao", "[R] S26, item I.2"),
    Label(
        "tu_danh_gia_cap_do",
        "Tự đánh giá về cấp độ thực hiện",
        "[R] S26, line before the Xuất sắc / Tốt / Trung bình / Kém boxes (levels [V] S29)",
    ),
)
_KD_LABELS_LEADER = (
    Label(
        "muc_i_3",
        "Kết quả công tác lãnh đạo, chỉ đạo, quản lý, điều hành; thực hiện chức trách, nhiệm vụ; "
        "mức độ hoàn thành nhiệm vụ của các tổ chức, cơ quan, đơn vị thuộc quyền quản lý; khả năng "
        "quy tụ, xây dựng đoàn kết nội bộ",
        "[R] S26, item I.3 of 02B",
    ),
    Label(
        "muc_i_4",
        "Trách nhiệm trong công việc; tinh thần năng động, đổi mới, sáng tạo, dám nghĩ, dám làm, "
        "dám chịu trách nhiệm; xử lý những vấn đề khó, phức tạp, nhạy cảm trong thực hiện nhiệm vụ",
        "[R] S26, item I.4 of 02B",
    ),
    Label(
        "muc_i_5",
        "Trách nhiệm nêu gương của bản thân và gia đình; việc đấu tranh phòng, chống tham nhũng, "
        "tiêu cực, lãng phí; sự tín nhiệm của cán bộ, đảng viên",
        "[R] S26, item I.5 of 02B",
    ),
)
_KD_LABELS_REST = (
    Label(
        "muc_cam_ket",
        "Việc thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm",
        "[R] S26, last item of section I (3 in 02A, 6 in 02B)",
    ),
    Label("phan_ii", "Hạn chế, khuyết điểm và nguyên nhân", "[R] S26, heading II"),
    Label("phan_ii_1", "Hạn chế, khuyết điểm", "[R] S26, II.1"),
    Label("phan_ii_2", "Nguyên nhân của hạn chế, khuyết điểm", "[R] S26, II.2"),
    Label(
        "phan_iii",
        "Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận hoặc "
        "được chỉ ra ở các kỳ kiểm điểm trước",
        "[R] S26, heading III",
    ),
    Label(
        "phan_iv",
        "Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
        "[R] S26, heading IV",
    ),
    Label(
        "phan_v",
        "Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
        "[R] S26, heading V",
    ),
    Label(
        "phan_vi", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", "[R] S26, heading VI"
    ),
    Label("phan_vii", "Tự nhận mức xếp loại chất lượng", "[R] S26, heading VII"),
    Label("phan_vii_1", "Xếp loại cán bộ, công chức, viên chức", "[R] S26, VII.1"),
    Label("phan_vii_2", "Xếp loại đảng viên", "[R] S26, VII.2"),
    Label("ky_tu_kiem_diem", "NGƯỜI TỰ KIỂM ĐIỂM", "[R] S26, the member's signature"),
    Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R] S26, line under NGƯỜI TỰ KIỂM ĐIỂM"),
    Label(
        "phan_cong_chuc",
        "Đánh giá, xếp loại chất lượng công chức, viên chức",
        "[R] S26, heading of the agency head's block",
    ),
    Label(
        "cong_chuc_nhan_xet",
        "Nhận xét, đánh giá của người quản lý, sử dụng công chức, viên chức",
        "[R] S26",
    ),
    Label("cong_chuc_muc", "Mức xếp loại chất lượng công chức, viên chức", "[R] S26"),
    Label(
        "phan_dang_vien",
        "Đánh giá, xếp loại chất lượng đảng viên",
        "[R] S26, heading of the party blocks",
    ),
    Label("chi_uy_nhan_xet", "Nhận xét, đánh giá của chi ủy", "[R] S26"),
    Label("chi_bo_de_xuat", "Chi bộ đề xuất xếp loại mức chất lượng", "[R] S26"),
    Label("ky_chi_bo", "T/M CHI ỦY (CHI BỘ)", "[R] S26"),
    Label("dang_uy_xep_loai", "Đảng ủy, chi ủy cơ sở xếp loại mức chất lượng", "[R] S26"),
    Label("ky_dang_uy", "T/M ĐẢNG ỦY (CHI ỦY)", "[R] S26"),
    Label("ky_xac_lap", XAC_LAP, "[R] S26, line under the chi bộ and đảng ủy signers"),
    Label(
        "ghi_chu_khong_xep_loai",
        "Không đánh giá, xếp loại chất lượng công chức, viên chức năm nay (thời gian công tác "
        "trong năm dưới 06 tháng); vẫn kiểm điểm theo quy định.",
        "printed under VII.1 only when khong_xep_loai; wording is the project's own",
    ),
    _MARK,
)

MAU_02A = FormSpec(
    code="mau_02a",
    ma_hieu="Mẫu 02A-HD KĐ.ĐG 2023",
    title="Bản kiểm điểm cá nhân (cá nhân không giữ chức vụ lãnh đạo, quản lý)",
    doi_tuong="",
    recipients="Đảng viên không giữ chức vụ lãnh đạo, quản lý",
    signers=("Người tự kiểm điểm", "Thủ trưởng cơ quan, đơn vị", "T/M chi ủy (chi bộ)",
             "T/M đảng ủy (chi ủy)"),
    labels=_KD_LABELS_TOP + _KD_LABELS_REST,
    issuing_document=HD25,
    years=(2023, 2024),  # regime-2026.md §0, §3
    years_note="HD 43-HD/BTCTW replaced HD 25 for the 2025 review",
    section="§3",
)
MAU_02B = FormSpec(
    code="mau_02b",
    ma_hieu="Mẫu 02B-HD KĐ.ĐG 2023",
    title="Bản kiểm điểm cá nhân (cá nhân giữ chức vụ lãnh đạo, quản lý)",
    doi_tuong="",
    recipients="Đảng viên giữ chức vụ lãnh đạo, quản lý",
    signers=MAU_02A.signers,
    labels=_KD_LABELS_TOP + _KD_LABELS_LEADER + _KD_LABELS_REST,
    issuing_document=HD25,
    years=(2023, 2024),  # regime-2026.md §0, §3
    years_note="HD 43-HD/BTCTW replaced HD 25 for the 2025 review",
    section="§3",
)

_NCT_ITEM_NOTE = "[R] UNCONFIRMED item wording (duties of QĐ 213 Art. 2); set to \"\" to drop it"
MAU_3_213 = FormSpec(
    code="mau_3_213",
    ma_hieu="Mẫu 3-213",
    title="Phiếu nhận xét đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng "
    "và nhân dân nơi cư trú",
    doi_tuong="",
    recipients="Đảng viên (trừ người được miễn); chi ủy nơi cư trú ghi nhận xét, đảng viên nộp "
    "lại chi bộ nơi công tác",
    signers=("T/M chi ủy (chi bộ) nơi cư trú", "Xác nhận của đảng ủy xã, phường, thị trấn"),
    labels=(
        Label("dang_bo_cu_tru", "ĐẢNG BỘ " + dk.DOTS * 10,
              "[R] upper left, line 1 (the residence party organisation, filled by hand)"),
        Label("tieu_de", "PHIẾU NHẬN XÉT", "[R] title"),
        Label(
            "tieu_de_phu",
            "đảng viên đang công tác thường xuyên giữ mối liên hệ với tổ chức đảng và nhân dân "
            "nơi cư trú",
            "[R] subtitle (two public reproductions)",
        ),
        Label("kinh_gui", "Chi ủy, chi bộ nơi đảng viên đang công tác", "[R] 'Kính gửi:' line; "
              "the workplace chi bộ's name follows; set to \"\" to drop the line"),
        Label("dong_noi_cong_tac", "Nơi công tác", "[R] identity line"),
        Label("dong_chi_bo_cong_tac", "Sinh hoạt đảng tại", "[R] identity line (workplace chi bộ)"),
        Label("dong_noi_cu_tru", "Nơi cư trú", "[R] identity line"),
        Label("dong_chi_bo_cu_tru", "Chi bộ nơi cư trú", "[R] identity line"),
        Label(
            "mo_dau",
            "Chi ủy sau khi họp với ban công tác mặt trận thôn, bản, khu dân cư, tổ dân phố "
            "thống nhất nhận xét về đảng viên",
            "[R] opening line; the member's name and 'như sau:' follow",
        ),
        Label(
            "muc_1",
            "Gương mẫu thực hiện và vận động gia đình, nhân dân nơi cư trú thực hiện chủ trương, "
            "đường lối của Đảng, chính sách, pháp luật của Nhà nước và các quy định của địa "
            "phương; thực hiện nghĩa vụ công dân nơi cư trú",
            _NCT_ITEM_NOTE,
        ),
        Label(
            "muc_2",
            "Thường xuyên giữ mối liên hệ với chi ủy, trưởng thôn, tổ trưởng tổ dân phố và ban "
            "công tác mặt trận nơi cư trú; dự đầy đủ các cuộc họp do cấp ủy, chi bộ nơi cư trú "
            "mời",
            _NCT_ITEM_NOTE,
        ),
        Label(
            "muc_3",
            "Tham gia các hoạt động, phong trào ở nơi cư trú; tuyên truyền, vận động nhân dân; "
            "phản ánh tâm tư, nguyện vọng của nhân dân với tổ chức đảng",
            _NCT_ITEM_NOTE,
        ),
        Label(
            "muc_4",
            "Giữ gìn phẩm chất đạo đức, lối sống; xây dựng gia đình văn hóa, khu dân cư văn hóa",
            _NCT_ITEM_NOTE,
        ),
        Label("lua_chon_tot", "Thực hiện tốt", "[R] choice after each item"),
        Label("lua_chon_chua_tot", "Chưa tốt", "[R] choice after each item"),
        Label("nhan_xet_khac", "Nhận xét khác", "[R] last item"),
        Label("ky_xac_nhan", "XÁC NHẬN CỦA ĐẢNG ỦY XÃ, PHƯỜNG, THỊ TRẤN",
              "[R] left signature. Kept as the form's wording as two public reproductions print it (HD 33-HD/BTCTW of 2020: text not read). Since 01/07/2025 there is no thị trấn (two-level local government: xã, phường, đặc khu); whether the form's text was reissued is UNCONFIRMED — an agency may edit this label"),
        Label("ky_chi_uy", "T/M CHI ỦY (CHI BỘ)", "[R] right signature ('T/M CHI ỦY' or "
              "'T/M CHI BỘ')"),
        Label("ky_chi_uy_chuc_vu", "BÍ THƯ", "[R] under T/M CHI ỦY; \"\" for none"),
        Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R]"),
        Label("ky_xac_nhan_ghi_ro", "(Ký tên, đóng dấu)", "[R] under the đảng ủy confirmation"),
    ),
    issuing_document=HD33,
    years=(2020, 2100),
    section="§4",
)
FORMS.update({f.code: f for f in (MAU_02A, MAU_02B, MAU_3_213)})


def _party_header(doc, left_lines, *, place_date: str | None = "{{ dong_ngay }}",
                  date_size: float = 13) -> None:
    dk.party_header(doc, left_lines, left_cm=7.6, place_date=place_date, date_size=date_size)


def _party_levels(doc, indent_cm: float = 0.5):
    items = [(dk.BOX_EMPTY, text) for text in PARTY_LEVELS]
    return dk.choice_line(doc, items, per_line=4, indent_cm=indent_cm, column_cm=3.6)


def _self_level(doc) -> None:
    """'Tự đánh giá về cấp độ thực hiện:' then the four empty boxes (the member ticks one)."""
    dk.add_paragraph(
        doc,
        R("{{ nhan.tu_danh_gia_cap_do }}:", italic=True),
        left_cm=0.5,
        keep_next=True,
        space_after=0,
    )
    _party_levels(doc)


def _kd_item(doc, number: str, key: str, answers: Sequence[str], *, level: bool = True) -> None:
    dk.item_heading(doc, number, "{{ nhan." + key + " }}", left_cm=0.5 if number else None)
    for expr in answers:
        _answer(doc, expr)
    if level:
        _self_level(doc)


def _dash_line(doc, key: str, value_expr: str | None = None):
    """'- <label>:' in bold with an optional value on the same line."""
    parts = [R("- ", bold=True), R("{{ nhan." + key + " }}:", bold=True)]
    if value_expr:
        parts.append(R(" " + value_expr))
    return dk.add_paragraph(doc, *parts, align="left", keep_next=True, space_after=0)


def _build_kiem_diem(spec: FormSpec, leader: bool):
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.add_page_numbers(doc)
    # the member's own review: dated with the self-assessment step (CoQuan ngay_tu_danh_gia), else
    # dots for handwriting; never the clerk's ngay_lap (as the phiếu and the 2026 forms)
    # (12 pt, as on Mẫu 12/HDDG's same header: the dotted date fits the right column on one line)
    _party_header(doc, [DANG_BO_EXPR, CHI_BO_EXPR], place_date="{{ dong_ngay_tu_danh_gia }}", date_size=12)
    dk.title(doc, "BẢN KIỂM ĐIỂM CÁ NHÂN", "Năm {{ nam }}", space_before=4, space_after=0)
    sub = "(Cá nhân giữ chức vụ lãnh đạo, quản lý)" if leader else (
        "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)"
    )
    dk.add_paragraph(doc, R(sub, italic=True), align="center", space_after=6, keep_next=True)

    dots = "'" + DOTS_FIELD + "'"
    dk.add_paragraph(
        doc,
        "Họ và tên: ",
        R("{{ nguoi.ho_ten }}", bold=True),
        "\tNgày sinh: {{ nguoi.ngay_sinh }}",
        tabs_cm=(10.5,),
        space_after=1,
    )
    dk.field_line(doc, "Chức vụ Đảng", "{{ nguoi.chuc_vu_dang or " + dots + " }}", space_after=1)
    dk.field_line(
        doc,
        "Chức vụ chính quyền",
        "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots + " }}",
        space_after=1,
    )
    dk.field_line(
        doc, "Chức vụ đoàn thể", "{{ nguoi.chuc_vu_doan_the or " + dots + " }}", space_after=1
    )
    # "Đơn vị công tác: ………… Chi bộ …………" [V] S27; the data's chi bộ name starts with "Chi bộ"
    dk.add_paragraph(
        doc,
        "Đơn vị công tác: ",
        DON_VI_EXPR,
        "; {{ don_vi.chi_bo or 'Chi bộ " + dk.DOTS * 8 + "' }}",
        align="justify",
        space_after=1,
    )

    dk.section_heading(doc, "I. Ưu điểm, kết quả đạt được")
    _kd_item(
        doc,
        "1.",
        "muc_i_1",
        ["td.chinh_tri_tu_tuong", "td.dao_duc_loi_song", "td.y_thuc_ky_luat", "td.tac_phong_le_loi"],
    )
    _kd_item(doc, "2.", "muc_i_2", ["td.ket_qua_nhiem_vu", "td.thai_do_phuc_vu"])
    n = 3
    if leader:
        _kd_item(
            doc, "3.", "muc_i_3", ["td.ket_qua_don_vi", "td.nang_luc_lanh_dao", "td.nang_luc_doan_ket"]
        )
        _kd_item(doc, "4.", "muc_i_4", ["cham"])
        _kd_item(doc, "5.", "muc_i_5", ["cham"])
        n = 6
    _kd_item(doc, f"{n}.", "muc_cam_ket", ["cham"], level=False)

    dk.section_heading(doc, "II. {{ nhan.phan_ii }}")
    _kd_item(doc, "1.", "phan_ii_1", ["td.khuyet_diem"], level=False)
    _kd_item(doc, "2.", "phan_ii_2", ["td.nguyen_nhan"], level=False)

    dk.section_heading(doc, "III. {{ nhan.phan_iii }}", align="justify")
    _answer(doc, "td.khac_phuc")
    _party_levels(doc)
    dk.section_heading(doc, "IV. {{ nhan.phan_iv }}", align="justify")
    _answer(doc, "cham")
    dk.section_heading(doc, "V. {{ nhan.phan_v }}", align="justify")
    _answer(doc, "cham")
    dk.section_heading(doc, "VI. {{ nhan.phan_vi }}", align="justify")
    _answer(doc, "td.phuong_huong")

    dk.section_heading(doc, "VII. {{ nhan.phan_vii }}")
    dk.item_heading(doc, "1.", "{{ nhan.phan_vii_1 }}", left_cm=0.5)
    dk.level_choice(doc, "ds_tu_xep_loai", "tu_xep_loai")
    dk.p_tag(doc, "if khong_xep_loai")
    dk.note_paragraph(doc, "{{ nhan.ghi_chu_khong_xep_loai }}", left_cm=0.5, keep_next=True)
    dk.p_tag(doc, "endif")
    dk.item_heading(doc, "2.", "{{ nhan.phan_vii_2 }}", left_cm=0.5)
    # the member's own party-level choice (NhanSu tu_xep_loai_dang_vien), blank when unknown
    dk.level_choice(doc, "ds_tu_xep_loai_dang", "tu_xep_loai_dang")
    dk.signature_table(
        doc,
        None,
        {"title": "{{ nhan.ky_tu_kiem_diem }}", "hint": "{{ nhan.ky_ghi_ro }}",
         "name": "{{ nguoi.ho_ten }}"},
    )

    # the agency head's rating (công chức / viên chức), then the chi bộ and the đảng ủy
    dk.section_heading(doc, "{{ nhan.phan_cong_chuc }}", align="center", space_before=8)
    _dash_line(doc, "cong_chuc_nhan_xet")
    _answer(doc, "cham")
    _dash_line(doc, "cong_chuc_muc", "{{ muc_ket_qua_chu or '" + dk.DOTS * 16 + "' }}")
    dk.signature_table(
        doc,
        None,
        # the competent evaluator (signers.py): the superior's head on the agency head's own
        # form, blank for handwriting when unknown; never the person
        {"title": "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "subtitle": "{{ nguoi_danh_gia.chuc_vu_hoa }}",
         "hint": "(Xác lập thời điểm, ký, ghi rõ họ tên và đóng dấu)",
         "name": "{{ nguoi_danh_gia.ho_ten }}"},
        widths_cm=(5.0, 11.0),
    )

    party_part = dk.body_mark(doc)  # the chi bộ and đảng ủy blocks stay on one page
    dk.section_heading(doc, "{{ nhan.phan_dang_vien }}", align="center", space_before=8)
    _dash_line(doc, "chi_uy_nhan_xet")
    _answer(doc, "cham")
    _dash_line(doc, "chi_bo_de_xuat")
    dk.level_boxes(doc, None, keep_next=True)
    dk.signature_table(
        doc, None, {"title": "{{ nhan.ky_chi_bo }}", "hint": "{{ nhan.ky_xac_lap }}", "name": ""}
    )
    _dash_line(doc, "dang_uy_xep_loai")
    dk.level_boxes(doc, None, keep_next=True)
    dk.signature_table(
        doc, None, {"title": "{{ nhan.ky_dang_uy }}", "hint": "{{ nhan.ky_xac_lap }}", "name": ""}
    )
    dk.keep_together_from(doc, party_part)
    return doc


def build_mau_02a(spec: FormSpec):
    return _build_kiem_diem(spec, leader=False)


def build_mau_02b(spec: FormSpec):
    return _build_kiem_diem(spec, leader=True)


def build_mau_3_213(spec: FormSpec):
    # one sheet, as the official phiếu (a sổ liên hệ holds one per year): 13 pt body
    doc = dk.new_document(title=spec.title, **{**LAYOUT, "size": 13})
    dk.add_page_numbers(doc)
    place = dk.DOTS * 4 + ", ngày " + dk.DOTS * 2 + " tháng " + dk.DOTS * 2 + " năm " + dk.DOTS * 2
    _party_header(
        doc,
        [
            R("{{ nhan.dang_bo_cu_tru }}", bold=False),
            "{{ nguoi.chi_bo_noi_cu_tru|upper if nguoi.chi_bo_noi_cu_tru else 'CHI BỘ "
            + dk.DOTS * 6
            + "' }}",
        ],
        place_date=place,
    )
    dk.title(doc, "{{ nhan.tieu_de }}", space_before=4, space_after=0)
    dk.add_paragraph(
        doc, R("{{ nhan.tieu_de_phu }}", bold=True), align="center", keep_next=True, space_after=0
    )
    dk.add_paragraph(doc, R("(Năm {{ nam }})", bold=True), align="center", space_after=6)
    dk.p_tag(doc, "if nhan.kinh_gui")
    dk.add_paragraph(
        doc,
        R("Kính gửi: ", italic=True),
        "{{ nhan.kinh_gui }} ({{ don_vi.chi_bo or '" + dk.DOTS * 8 + "' }}"
        "{% if co_quan.dang_bo %}, {{ co_quan.dang_bo }}{% endif %}).",
        align="justify",
        left_cm=0,
        space_after=4,
    )
    dk.p_tag(doc, "endif")

    dots = "'" + DOTS_FIELD + "'"
    dk.add_paragraph(
        doc,
        "Họ và tên đảng viên: ",
        R("{{ nguoi.ho_ten }}", bold=True),
        "\tNgày sinh: {{ nguoi.ngay_sinh }}",
        tabs_cm=(10.5,),
        space_after=1,
    )
    dk.field_line(
        doc,
        "Chức vụ",
        "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or " + dots + " }}"
        "{% if nguoi.chuc_vu_dang and nguoi.chuc_vu_dang != 'Đảng viên' %}; "
        "{{ nguoi.chuc_vu_dang }}{% endif %}",
        space_after=1,
        align="justify",
    )
    dk.field_line(doc, "{{ nhan.dong_noi_cong_tac }}", DON_VI_EXPR, space_after=1, align="justify")
    dk.field_line(
        doc,
        "{{ nhan.dong_chi_bo_cong_tac }}",
        "{{ don_vi.chi_bo or " + dots + " }}{% if co_quan.dang_bo %}, {{ co_quan.dang_bo }}"
        "{% endif %}",
        space_after=1,
        align="justify",
    )
    dk.field_line(
        doc, "{{ nhan.dong_noi_cu_tru }}", "{{ nguoi.noi_cu_tru or " + dots + " }}",
        space_after=1, align="justify",
    )
    dk.field_line(
        doc, "{{ nhan.dong_chi_bo_cu_tru }}", "{{ nguoi.chi_bo_noi_cu_tru or " + dots + " }}",
        space_after=4, align="justify",
    )

    dk.add_paragraph(
        doc,
        "{{ nhan.mo_dau }} ",
        R("{{ nguoi.ho_ten }}", bold=True),
        " như sau:",
        align="justify",
        first_line_cm=1.0,
        keep_next=True,
    )
    width = dk.text_width_cm(doc)
    for k in range(1, 5):
        key = f"muc_{k}"
        dk.p_tag(doc, f"if nhan.{key}")
        dk.add_paragraph(
            doc,
            R(f"{k}. ", bold=True),
            "{{ nhan." + key + " }}.",
            align="justify",
            keep_next=True,
            space_after=0,
        )
        dk.add_paragraph(
            doc,
            R(dk.BOX_EMPTY, font=dk.BOX_FONT, bold=False),
            "\u00a0{{ nhan.lua_chon_tot }}\t",
            R(dk.BOX_EMPTY, font=dk.BOX_FONT, bold=False),
            "\u00a0{{ nhan.lua_chon_chua_tot }}",
            left_cm=1.0,
            tabs_cm=(6.0,),
            space_after=1,
        )
        dk.p_tag(doc, "endif")
    dk.item_heading(doc, "5.", "{{ nhan.nhan_xet_khac }}", bold=True)
    _answer(doc, "cham")
    dk.signature_table(
        doc,
        {"title": "{{ nhan.ky_xac_nhan }}", "hint": "{{ nhan.ky_xac_nhan_ghi_ro }}", "name": ""},
        {"prefix": "{{ nhan.ky_chi_uy }}", "title": "{{ nhan.ky_chi_uy_chuc_vu }}",
         "hint": "{{ nhan.ky_ghi_ro }}", "name": ""},
        widths_cm=(width / 2, width / 2),
        space_before=6,
    )
    return doc


BUILDERS = {
    "mau_01": build_mau_01,
    "mau_02": build_mau_02,
    "mau_03": build_mau_03,
    "mau_02a": build_mau_02a,
    "mau_02b": build_mau_02b,
    "mau_3_213": build_mau_3_213,
}


# --------------------------------------------------------------------------------------------
# Mẫu 12/HDDG: points table (forms.md §5; layout UNCONFIRMED, every heading is a label)
# --------------------------------------------------------------------------------------------
MAU_12_HDDG = FormSpec(
    code="mau_12_hddg",
    ma_hieu="Mẫu 12/HDDG",
    title="Bảng tham chiếu chấm điểm theo các tiêu chí đánh giá, xếp loại",
    doi_tuong="",
    recipients="Người có điểm ở sheet ChamDiem (đảng viên viết 02A/02B căn cứ bảng này, seed 001)",
    signers=("Người tự chấm", "Người đánh giá"),
    labels=(
        Label("tieu_de", "BẢNG THAM CHIẾU CHẤM ĐIỂM THEO CÁC TIÊU CHÍ ĐÁNH GIÁ, XẾP LOẠI",
              "[R] UNCONFIRMED title (seed 001 wording)"),
        Label("cot_tt", "TT", "[R] column"),
        Label("cot_tieu_chi", "Tiêu chí", "[R] column"),
        Label("cot_toi_da", "Điểm tối đa", "[R] column"),
        Label("cot_tu_cham", "Điểm tự chấm", "[R] column"),
        Label("cot_danh_gia", "Điểm đánh giá", "[R] column"),
        Label("dong_tong", "Tổng cộng", "[R] total row"),
        Label("dong_muc", "Mức xếp loại tương ứng với tổng điểm", "[R] line under the table"),
        Label("ghi_chu_nguong", "(Hoàn thành xuất sắc nhiệm vụ: từ 90 điểm; hoàn thành tốt nhiệm vụ: "
              "từ 70 đến dưới 90 điểm; hoàn thành nhiệm vụ: từ 50 đến dưới 70 điểm; không hoàn "
              "thành nhiệm vụ: dưới 50 điểm)", "[R] thresholds of QĐ 366 / ND 335 (forms.md §5.2)"),
        Label("dong_muc_de_xuat", "Mức xếp loại đề xuất",
              "the final proposal of the rating (muc_de_xuat), printed under the points level; "
              "the project's own wording"),
        Label("dong_muc_quyet_dinh", "Mức xếp loại của cấp có thẩm quyền",
              "instead of dong_muc_de_xuat when the evaluator has decided (muc_quyet_dinh)"),
        Label("dong_ly_do", "Lý do khác với mức theo tổng điểm",
              "printed only when the final level differs from the points level; the reason "
              "text is the rating's own (ly_do, with its legal basis)"),
        Label("ky_tu_cham", "NGƯỜI TỰ CHẤM", "[R]"),
        Label("ky_danh_gia", "NGƯỜI ĐÁNH GIÁ", "[R]"),
        Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R]"),
    ),
    issuing_document="Hướng dẫn số 13-HD/TU ngày 10/11/2023 của Ban Thường vụ Tỉnh ủy (UNCONFIRMED)",
    years=(2023, 2100),
    section="§5",
)
FORMS[MAU_12_HDDG.code] = MAU_12_HDDG


def _grid_cell(cell, text, *, bold=False, align="left", width_cm=None):
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    dk.add_paragraph(cell, R(text, bold=bold), align=align, space_after=0, space_before=0,
                     line_spacing=1.0)


def build_mau_12_hddg(spec: FormSpec):
    doc = dk.new_document(title=spec.title, **{**LAYOUT, "size": 13})
    dk.add_page_numbers(doc)
    # party letterhead only on a party member's table (seed 001 ties it to 02A/02B)
    dk.p_tag(doc, "if nguoi.dang_vien")
    _party_header(doc, [DANG_BO_EXPR, CHI_BO_EXPR], place_date="{{ dong_ngay_tu_danh_gia }}",
                  date_size=12)
    dk.p_tag(doc, "else")
    dk.state_header(doc, R("{{ dong_ngay_tu_danh_gia }}", size=13))
    dk.p_tag(doc, "endif")
    dk.title(doc, "{{ nhan.tieu_de }}", "Năm {{ nam }}", space_before=4, space_after=6)
    dk.add_paragraph(doc, "Họ và tên: ", R("{{ nguoi.ho_ten }}", bold=True), space_after=1)
    dk.field_line(doc, "Chức vụ", "{{ nguoi.chuc_vu or nguoi.ngach_chuc_danh or '"
                  + DOTS_FIELD + "' }}", space_after=1)
    dk.field_line(doc, "Đơn vị công tác", DON_VI_EXPR, space_after=6, align="justify")
    widths = (1.2, 8.8, 2.0, 2.0, 2.0)
    table = doc.add_table(rows=5, cols=5)
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    dk._tbl_layout_fixed(table, widths)  # noqa: SLF001 (fixed column widths for LibreOffice)
    dk._sort_children(table._tbl.tblPr, dk._TBLPR_ORDER)  # noqa: SLF001
    for row in table.rows:  # no row split across pages; the column heads repeat on each page
        dk._row_cant_split(row)  # noqa: SLF001
    dk._row_header(table.rows[0])  # noqa: SLF001
    heads = ("cot_tt", "cot_tieu_chi", "cot_toi_da", "cot_tu_cham", "cot_danh_gia")
    for cell, key in zip(table.rows[0].cells, heads, strict=True):
        _grid_cell(cell, "{{ nhan." + key + " }}", bold=True, align="center")
    _grid_cell(table.rows[1].cells[0], "{%tr for r in diem %}")
    for cell, (expr, align) in zip(table.rows[2].cells, (
        ("{{ r.stt }}", "center"), ("{{ r.noi_dung }}", "justify"), ("{{ r.toi_da }}", "center"),
        ("{{ r.tu_cham }}", "center"), ("{{ r.danh_gia }}", "center"),
    ), strict=True):
        _grid_cell(cell, expr, align=align)
    _grid_cell(table.rows[3].cells[0], "{%tr endfor %}")
    tot = table.rows[4].cells
    _grid_cell(tot[0], "")
    _grid_cell(tot[1], "{{ nhan.dong_tong }}", bold=True, align="center")
    for cell, key in zip(tot[2:], ("toi_da", "tu_cham", "danh_gia"), strict=True):
        _grid_cell(cell, "{{ diem_tong." + key + " }}", bold=True, align="center")
    dk.add_paragraph(doc, "", space_after=0, size=4)
    dk.add_paragraph(
        doc, R("{{ nhan.dong_muc }}: ", bold=True),
        "{{ diem_tong.muc_chu or '" + dk.DOTS * 16 + "' }}", align="left", keep_next=True,
        space_after=0,
    )
    dk.note_paragraph(doc, "{{ nhan.ghi_chu_nguong }}", keep_next=True)
    # one truth per person: the final level of the rating, and why it differs from the points
    dk.p_tag(doc, "if muc_de_xuat_chu")
    dk.add_paragraph(
        doc,
        R("{% if muc_ket_qua_chu %}{{ nhan.dong_muc_quyet_dinh }}{% else %}{{ nhan.dong_muc_de_xuat }}"
          "{% endif %}: ", bold=True),
        R("{{ muc_de_xuat_chu }}", bold=True),
        align="left", keep_next=True, space_after=0,
    )
    dk.p_tag(doc, "if diem_tong.ly_do_khac")
    dk.add_paragraph(doc, R("{{ nhan.dong_ly_do }}: ", italic=True), "{{ diem_tong.ly_do_khac }}",
                     align="justify", keep_next=True, space_after=0)
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "endif")
    width = dk.text_width_cm(doc)
    dk.signature_table(
        doc,
        {"title": "{{ nhan.ky_danh_gia }}", "hint": "{{ nhan.ky_ghi_ro }}", "name": ""},
        {"title": "{{ nhan.ky_tu_cham }}", "hint": "{{ nhan.ky_ghi_ro }}",
         "name": "{{ nguoi.ho_ten }}"},
        widths_cm=(width / 2, width / 2),
    )
    return doc


BUILDERS["mau_12_hddg"] = build_mau_12_hddg


# --------------------------------------------------------------------------------------------
# meta.toml
# --------------------------------------------------------------------------------------------
def meta_toml(spec: FormSpec) -> str:
    return dk.meta_toml_text([
        f"# Metadata and corrigible labels of {spec.ma_hieu} ({spec.title}).",
        "# Written by tools/build_templates.py when missing; edit the [labels] freely (the template",
        "# prints them as {{ nhan.<key> }}); build_templates.py keeps this file and only checks it.",
        "# Tags: [V]/[V2] seen in one/two sources, [R] rebuilt and UNCONFIRMED "
        f"(shared/domain/forms.md {spec.section}).",
        *dk.meta_identity_lines(spec.code, spec.ma_hieu, spec.title, spec.issuing_document or ND90),
        f"years = [{spec.years[0]}, {spec.years[1]}]          # first and last evaluation year it applies to"
        + (f" ({spec.years_note})" if spec.years_note else ""),
        'scope = "ca_nhan"',
        *dk.meta_signing_lines(spec.recipients, spec.signers),
    ], spec.labels)


# Labels read by pipeline/forms/context.py::person_context rather than printed by the template.
CONTEXT_LABELS = frozenset({"cach_danh_dau_muc", "doi_tuong", "doi_tuong_nguoi_lao_dong", "phan_iii",
                            "phan_iii_truc_tiep"})


def build(code: str, *, write_meta: bool = False) -> Path:
    spec = FORMS[code]
    return dk.build_template(TEMPLATES / code, lambda: BUILDERS[code](spec), lambda: meta_toml(spec),
                             rewrite_meta=write_meta, root=ROOT, context_labels=CONTEXT_LABELS)


def main(argv: list[str] | None = None) -> int:
    return dk.generator_main(__doc__.splitlines()[0], sorted(FORMS), build, ROOT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
