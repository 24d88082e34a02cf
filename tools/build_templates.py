"""Build the Word templates of the ND 90/2020 evaluation forms (Mẫu số 01, 02, 03).

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

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docxkit as dk  # noqa: E402
from docxkit import R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

ND90 = "Phụ lục ban hành kèm theo Nghị định số 90/2020/NĐ-CP ngày 13/8/2020 của Chính phủ"
DOTS_FIELD = dk.DOTS * 20  # about 10 cm at 14 pt
LEVELS = (
    ("HTXS", "Hoàn thành xuất sắc nhiệm vụ"),
    ("HTT", "Hoàn thành tốt nhiệm vụ"),
    ("HT", "Hoàn thành nhiệm vụ"),
    ("KHT", "Không hoàn thành nhiệm vụ"),
)
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
# "Đơn vị công tác" value: the unit, then the agency when the unit is not the agency itself.
DON_VI_EXPR = (
    "{% if don_vi.ten %}{{ don_vi.ten }}{% if don_vi.ten != co_quan.ten %}, {{ co_quan.ten }}"
    "{% endif %}{% else %}{{ co_quan.ten or '" + DOTS_FIELD + "' }}{% endif %}"
)


@dataclass(frozen=True)
class Label:
    key: str
    text: str
    note: str  # confidence tag and source, written as a TOML comment


@dataclass(frozen=True)
class FormSpec:
    code: str
    ma_hieu: str
    title: str
    doi_tuong: str  # CÁN BỘ / CÔNG CHỨC / VIÊN CHỨC
    recipients: str
    signers: tuple[str, ...]
    labels: tuple[Label, ...] = field(default_factory=tuple)


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


def _section_iii_labels() -> tuple[Label, ...]:
    return (
        Label(
            "phan_iii",
            "Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ ĐỐI VỚI CẤP PHÓ CỦA NGƯỜI ĐỨNG ĐẦU",
            "[R] heading of section III (S14; S15 '…CỦA TRƯỞNG ĐƠN VỊ TRỰC TIẾP…'). "
            'Set to "" to drop section III: the last section is then numbered III',
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


def _levels(doc, prefix: str | None):
    """The four levels with their boxes; prefix "tu_xep_loai"/"ket_qua", or None for empty boxes."""
    items = [
        ("{{ " + prefix + "." + code + " }}" if prefix else dk.BOX_EMPTY, text)
        for code, text in LEVELS
    ]
    return dk.choice_line(doc, items, per_line=2, indent_cm=0.5, column_cm=8.0)


def _header(doc, spec: FormSpec) -> None:
    dk.form_code_line(doc, "{{ mau.ma_hieu }}", in_header=True)
    dk.header_block(
        doc,
        [
            "{%p if co_quan.chu_quan_hoa %}",
            "{{ co_quan.chu_quan_hoa }}",
            "{%p endif %}",
            "{{ co_quan.ten_hoa }}",
        ],
        space_after=2,
    )
    dk.title(
        doc,
        "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG " + spec.doi_tuong,
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
    pars = _levels(doc, "tu_xep_loai")
    dk.keep_with_next(pars[-1])
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ dong_ngay }}",
            "title": "{{ nhan.ky_tu_danh_gia }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "{{ nguoi.ho_ten }}",
        },
    )


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
    pars = _levels(doc, "ket_qua")
    dk.keep_with_next(pars[-1])
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ dong_ngay }}",
            "title": "{{ nhan.ky_tham_quyen }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "{{ co_quan.nguoi_dung_dau }}",
        },
    )


def _section_iii(doc) -> None:
    dk.p_tag(doc, "if nhan.phan_iii")
    dk.section_heading(doc, "III. ", "{{ nhan.phan_iii }}", space_before=6)
    dk.item_heading(doc, "1.", "{{ nhan.phan_iii_muc_1 }}")
    _answer(doc, "cham")
    dk.item_heading(doc, "2.", "{{ nhan.phan_iii_muc_2 }}")
    pars = _levels(doc, None)
    dk.keep_with_next(pars[-1])
    dk.signature_table(
        doc,
        None,
        {
            "date": "{{ co_quan.dia_danh or '"
            + dk.DOTS * 3
            + "' }}, ngày "
            + dk.DOTS * 2
            + " tháng "
            + dk.DOTS * 2
            + " năm "
            + dk.DOTS * 2,
            "title": "{{ nhan.ky_nhan_xet }}",
            "hint": "{{ nhan.ky_ghi_ro }}",
            "name": "",
        },
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
    _final(
        doc,
        "{% if nhan.phan_iii %}IV{% else %}III{% endif %}. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI "
        "CHẤT LƯỢNG " + spec.doi_tuong,
    )
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
        dk.field_line(
            doc,
            "Chức danh nghề nghiệp",
            "{{ nguoi.ngach_chuc_danh or '" + DOTS_FIELD + "' }}",
            space_after=1,
        )
        dk.field_line(doc, "Đơn vị công tác", DON_VI_EXPR, space_after=1)

    return _build_02_03(spec, identity)


BUILDERS = {"mau_01": build_mau_01, "mau_02": build_mau_02, "mau_03": build_mau_03}


# --------------------------------------------------------------------------------------------
# meta.toml
# --------------------------------------------------------------------------------------------
def _q(s: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these characters)."""
    return json.dumps(s, ensure_ascii=False)


def meta_toml(spec: FormSpec) -> str:
    lines = [
        f"# Metadata and corrigible labels of {spec.ma_hieu} ({spec.title}).",
        "# Written by tools/build_templates.py when missing; edit the [labels] freely (the template",
        "# prints them as {{ nhan.<key> }}); build_templates.py keeps this file and only checks it.",
        "# Tags: [V]/[V2] seen in one/two sources, [R] rebuilt and UNCONFIRMED (shared/domain/forms.md §2).",
        f"code = {_q(spec.code)}",
        f"ma_hieu = {_q(spec.ma_hieu)}",
        f"title = {_q(spec.title)}",
        f"issuing_document = {_q(ND90)}",
        "years = [2020, 2025]          # first and last evaluation year it applies to",
        'scope = "ca_nhan"',
        f"recipients = {_q(spec.recipients)}",
        "signers = [" + ", ".join(_q(s) for s in spec.signers) + "]",
        "copies = 1",
        "initials = false",
        "",
        "[labels]",
    ]
    for lab in spec.labels:
        lines.append(f"# {lab.note}")
        lines.append(f"{lab.key} = {_q(lab.text)}")
    return "\n".join(lines) + "\n"


def build(code: str, *, write_meta: bool = False) -> Path:
    spec = FORMS[code]
    folder = TEMPLATES / code
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "template.docx"
    doc = BUILDERS[code](spec)
    dk.save_reproducible(doc, out)

    meta_path = folder / "meta.toml"
    if write_meta or not meta_path.exists():
        meta_path.write_text(meta_toml(spec), encoding="utf-8")
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    needed = dk.used_names(out, "nhan")
    missing = sorted(needed - set(meta.get("labels", {})))
    if missing:
        raise SystemExit(
            f"{meta_path}: [labels] lacks {', '.join(missing)} used by {out.name}; "
            "add them or run with --write-meta"
        )
    unused = sorted(set(meta.get("labels", {})) - needed)
    if unused:
        print(
            f"note: {meta_path.relative_to(ROOT)}: labels not used by the template: "
            f"{', '.join(unused)}",
            file=sys.stderr,
        )
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("codes", nargs="*", default=sorted(FORMS), help="forms to build")
    ap.add_argument("--write-meta", action="store_true", help="overwrite meta.toml too")
    args = ap.parse_args(argv)
    for code in args.codes:
        if code not in FORMS:
            ap.error(f"unknown form {code!r}; known: {', '.join(sorted(FORMS))}")
        out = build(code, write_meta=args.write_meta)
        print(out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
