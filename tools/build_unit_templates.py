"""Build the Word templates of the unit and agency documents (shared/domain/forms.md §6,
dossier.md §2): minutes of the evaluation meeting, the unit's collective review, the ballot count
for emulation titles, the unit's proposal table, the emulation summary and the agency's notice of
results.

    python tools/build_unit_templates.py                 # every template (+ meta.toml if missing)
    python tools/build_unit_templates.py --write-meta    # also overwrite every meta.toml
    python tools/build_unit_templates.py bien_ban_hop    # one document only

No national template exists for these documents: the layout follows Nghị định 30/2020/NĐ-CP
(header block with the agency and the quốc hiệu / tiêu ngữ, "Số: …" where relevant, the italic
place-date line, bold centred title, body, signature blocks, "Nơi nhận"), and their content the
checklists of forms.md §6. Every fixed wording that is our reconstruction is printed as
``{{ nhan.<key> }}`` from ``templates/<code>/meta.toml`` [labels], so a clerk can correct it without
Python. Only variables of docs/render-context.md ("Common to every form", "Unit documents",
"Agency documents") are used.

Layout rule: NO "keep with next" anywhere (pipeline/pdf/join.py::join_safe; join-safe templates
convert many at once). What must stay together is put in a borderless one-row table whose row
cannot split (docxkit.keep_block / signature_row); data tables repeat their header rows and never
split a row.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docxkit as dk  # noqa: E402
from docxkit import C, Label, R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

ISSUING = "Theo Điều 18, 19 Nghị định 90/2020/NĐ-CP; thể thức theo Nghị định 30/2020/NĐ-CP"
D = dk.DOTS
D2, D4, D6 = D * 2, D * 4, D * 6
LAYOUT = dict(size=14, line_spacing=1.0, space_after=3)
# line spacing of the dotted lines left for handwriting
HAND = 1.35
# the legal citations are data by evaluation year (templates/can_cu.toml, context `can_cu.*`)


@dataclass(frozen=True)
class DocSpec:
    code: str
    title: str
    recipients: str
    signers: tuple[str, ...]
    labels: tuple[Label, ...] = field(default_factory=tuple)
    scope: str = "don_vi"
    ma_hieu: str = ""
    section: str = "§6"
    giai_doan: str = ""  # meta.toml `giai_doan` (pipeline/forms/registry.py STAGES)


_KY_GHI_RO = Label("ky_ghi_ro", "(Ký, ghi rõ họ tên)", "[R] line under a signer title")
_KY_TRUONG = Label(
    "ky_truong_don_vi",
    "THỦ TRƯỞNG ĐƠN VỊ",
    "[R] signer title used only when the unit has no head nor deputy in the data "
    "(otherwise the head's own post, in capitals, e.g. 'TRƯỞNG PHÒNG')",
)


# --------------------------------------------------------------------------------------------
# shared pieces
# --------------------------------------------------------------------------------------------
def _unit_header(doc, *, number: str | None, widths_cm: tuple[float, float] | None = None) -> None:
    """Agency (normal) over the unit (bold), broken between words that belong together (context
    `dau`: 6 cm column, `dau.ngang_*` for the 10 cm column of landscape tables); 'Số: …' under the
    rule; quốc hiệu, tiêu ngữ and the italic place-date line on the right."""
    wide = widths_cm is not None and widths_cm[0] >= 9.0
    top, own = ("dau.ngang_tren", "dau.ngang_duoi") if wide else ("dau.tren", "dau.duoi")
    dk.header_block(
        doc,
        [R("{{ " + top + " }}", bold=False), R("{{ " + own + " }}", bold=True)],
        number_line=number,
        place_date="{{ dong_ngay }}",
        widths_cm=widths_cm,
        space_after=4,
    )


def _numbered_document(spec: DocSpec, *subtitle: str):
    """A portrait document of the unit with a number: page numbers, the unit's header with
    `nhan.so_ky_hieu`, the title `nhan.tieu_de` and the ``subtitle`` lines under it."""
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.add_page_numbers(doc)
    _unit_header(doc, number="{{ nhan.so_ky_hieu }}")
    dk.title_block(doc, "{{ nhan.tieu_de }}", space_before=6, space_after=0)
    dk.title_block(doc, *subtitle, space_before=0, space_after=8)
    return doc


def _landscape_list(spec: DocSpec):
    """A landscape list of the unit: page numbers, the unit's header without a number and one
    title line `nhan.tieu_de` NĂM <year> (the unit is named in the header block: one title line
    leaves room on the page). Returns the document and its text width in cm."""
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.set_landscape(doc)
    dk.add_page_numbers(doc)
    width = dk.text_width_cm(doc)
    _unit_header(doc, number=None, widths_cm=(10.0, width - 10.0))
    dk.title_block(doc, "{{ nhan.tieu_de }} NĂM {{ nam }}", space_before=2, space_after=6)
    return doc, width


def _minutes_time_place(doc, time_word: str, who: str) -> dict:
    """The first lines of minutes: '<time_word>: …… giờ …… phút.', 'Địa điểm: ……' and the bold
    heading ``who`` of the list of those present. Returns the justified paragraph style they use."""
    j = dict(align="justify", space_after=2)
    dk.add_paragraph(doc, R(time_word + ": ", bold=True), D2 + " giờ " + D2 + " phút.", **j)
    dk.dotted_line(doc, R("Địa điểm: ", bold=True), space_after=2)
    dk.add_paragraph(doc, R(who, bold=True), **j)
    return j


def _head_signer(hint: bool = False) -> dict:
    """The head of the unit (chu_tri: the head, or a deputy when the unit has no head: he signs
    «KT. <head's post>» above his own, as a deputy signing for the head — ND 30/2020)."""
    return {
        "prefix": "KT. {{ chu_tri_ky_thay|upper }}",
        "prefix_if": "chu_tri_ky_thay",
        "title": "{{ (chu_tri.chuc_vu or nhan.ky_truong_don_vi)|upper }}",
        "hint": "{{ nhan.ky_ghi_ro }}" if hint else "",
        "name": "{{ chu_tri.ho_ten }}",
    }


def _dots_or(expr: str, dots: str = D2) -> str:
    return "{{ " + expr + " or '" + dots + "' }}"


# --------------------------------------------------------------------------------------------
# bien_ban_hop
# --------------------------------------------------------------------------------------------
BIEN_BAN_HOP = DocSpec(
    code="bien_ban_hop",
    giai_doan="de_xuat",
    title="Biên bản cuộc họp nhận xét, đánh giá, xếp loại chất lượng",
    recipients="Hồ sơ đánh giá của đơn vị (lưu điện tử theo Điều 22 Nghị định 90/2020/NĐ-CP)",
    signers=("Thư ký", "Chủ trì"),
    labels=(
        Label("so_ky_hieu", "Số: " + D2 + "/BB", "[R] number line under the unit name; \"\" to drop it"),
        Label("tieu_de", "BIÊN BẢN", "[R] title (ND 30/2020 'Biên bản')"),
        Label(
            "tieu_de_phu",
            "Cuộc họp nhận xét, đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
            "[R] subtitle, followed by 'năm <year>' and the unit's name",
        ),
        Label(
            "muc_1",
            "Đồng chí chủ trì quán triệt mục đích, yêu cầu, nguyên tắc, tiêu chí và quy trình nhận xét, "
            "đánh giá, xếp loại chất lượng theo",
            "[R] item 1 of the proceedings, followed by the citation of the year (templates/can_cu.toml "
            "'danh_gia') and 'và hướng dẫn của <agency>.'",
        ),
        Label(
            "muc_2",
            "Từng cá nhân trình bày bản tự nhận xét, đánh giá, xếp loại chất lượng; các thành viên dự "
            "họp góp ý kiến và biểu quyết mức xếp loại (người đứng đầu và cấp phó của người đứng đầu kiểm "
            "điểm trước, công chức, viên chức, người lao động kiểm điểm sau)",
            "[R] item 2 heading (ND 90 Art. 18/19; the order in seed 001 II.2.c's words, as the minutes list "
            "people: head, deputies, then the others by name)",
        ),
        Label(
            "khong_bieu_quyet",
            "không biểu quyết mức xếp loại (không xếp loại)",
            "[R] vote line of someone not rated (worked under 6 months: reviewed, not rated; ND 90 Art. 2 "
            "cl. 3), after '- Kết quả biểu quyết: '",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau",
            "đơn vị không đề xuất mức xếp loại; kết quả biểu quyết là ý kiến của tập thể gửi cấp có thẩm quyền "
            "đánh giá, xếp loại",
            "[R] the agency head's level line, after '- Mức xếp loại: Do <superior> đánh giá, xếp loại (' and before "
            "').': his level is the superior's to decide (ND 90 Art. 16; rules.md R8.1), so the minutes record his "
            "unit's votes as the collective's opinion and propose no level for him, as the proposal table does "
            "(tong_hop_xep_loai's label of the same key)",
        ),
        Label("muc_3", "Kết luận của chủ trì cuộc họp", "[R] item 3 heading"),
        Label(
            "thong_qua",
            "Biên bản đã được đọc lại tại cuộc họp; các thành viên dự họp nhất trí thông qua, không có "
            "ý kiến khác.",
            "[R] approval of the minutes at the meeting (ND 90 Art. 18/19: 'thông qua tại cuộc họp')",
        ),
        Label("ky_thu_ky", "THƯ KÝ", "[R] left signer"),
        Label("ky_chu_tri", "CHỦ TRÌ", "[R] right signer (the head; a deputy when the head is reviewed)"),
        _KY_GHI_RO,
    ),
)


def build_bien_ban_hop(spec: DocSpec):
    doc = _numbered_document(spec, "{{ nhan.tieu_de_phu }} năm {{ nam }}", "{{ don_vi.ten }}")
    width = dk.text_width_cm(doc)
    j = _minutes_time_place(doc, "Thời gian bắt đầu", "Thành phần tham dự:")
    dk.add_paragraph(
        doc,
        "- Chủ trì: ",
        "{% if chu_tri.ho_ten %}đồng chí {{ chu_tri.ho_ten }}{% if chu_tri.chuc_vu %} – "
        "{{ chu_tri.chuc_vu }}{% endif %}{% else %}đồng chí " + D6 + "{% endif %}.",
        left_cm=0.5,
        **j,
    )
    dk.p_tag(
        doc,
        "if chu_tri_la_truong and chu_tri_khi_kiem_diem_truong.ho_ten != chu_tri.ho_ten",
    )
    # the head never chairs his own review (seed 001: «Khi kiểm điểm người đứng đầu thì phân công cấp
    # phó chủ trì»): his deputy, or dots for whoever is assigned when the unit has no deputy
    dk.add_paragraph(
        doc,
        R(
            "Khi kiểm điểm đồng chí {{ chu_tri.ho_ten }}, đồng chí "
            "{% if chu_tri_khi_kiem_diem_truong.ho_ten %}{{ chu_tri_khi_kiem_diem_truong.ho_ten }}"
            "{% if chu_tri_khi_kiem_diem_truong.chuc_vu %} – {{ chu_tri_khi_kiem_diem_truong.chuc_vu }}"
            "{% endif %}{% else %}" + D6 + "{% endif %} chủ trì.",
            italic=True,
        ),
        left_cm=0.5,
        **j,
    )
    dk.p_tag(doc, "endif")
    dk.dotted_line(doc, "- Thư ký: đồng chí ", left_cm=0.5, space_after=2)
    dk.add_paragraph(
        doc,
        "- Thành viên {{ don_vi.ten }}: tổng số {{ so_thanh_vien }} người; có mặt: "
        + _dots_or("so_du_hop")
        + " người; vắng mặt: "
        + _dots_or("so_vang")
        + " người"
        "{% if vang_mat %} (vắng: {% for v in vang_mat %}{{ v }}{% if not loop.last %}; {% endif %}{% endfor %})"
        "{% elif so_vang != '0' %} (lý do: " + D6 + "){% endif %}.",
        left_cm=0.5,
        **j,
    )
    dk.dotted_line(doc, "- Khách mời: ", left_cm=0.5, space_after=4)

    dk.heading(doc, "NỘI DUNG CUỘC HỌP", align="center", space_before=4)
    dk.add_paragraph(doc, R("1. ", bold=True), "{{ nhan.muc_1 }} {{ can_cu.danh_gia }} và hướng dẫn của "
                     "{{ co_quan.ten }}.", **j)
    dk.add_paragraph(doc, R("2. ", bold=True), "{{ nhan.muc_2 }}:", **j)

    # one block per person, each a row of a borderless table that cannot split across pages
    cw = width - 0.35  # a tab stop at the very edge of a cell is ignored by LibreOffice
    pkw = dict(align="justify", space_before=0, space_after=1, line_spacing=1.0)
    rows_tbl = dk.grid_table(
        doc,
        [width],
        ["{%tr for tv in thanh_vien %}", [C("")], "{%tr endfor %}"],
        header_rows=0,
        size=14,
        borders=False,
    )
    cell = rows_tbl.rows[1].cells[0]
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    dk.add_paragraph(
        cell,
        R("2.{{ tv.stt }}. Đồng chí {{ tv.ho_ten }}", bold=True),
        "{% if tv.chuc_vu %} – {{ tv.chuc_vu }}{% endif %}",
        **{**pkw, "space_before": 4},
    )
    dk.p_tag(cell, "if chu_tri_la_truong and tv.ma_so == chu_tri.ma_so")  # the head's review: his deputy chairs
    dk.add_paragraph(
        cell,
        R(
            "(Đồng chí {{ chu_tri_khi_kiem_diem_truong.ho_ten or '" + D6 + "' }} chủ trì phần kiểm điểm này.)",
            italic=True,
        ),
        left_cm=0.5,
        **pkw,
    )
    dk.p_tag(cell, "endif")
    dk.add_paragraph(
        cell,
        "- Tự nhận mức: ",
        R("{{ tv.tu_xep_loai_chu }}", bold=True),
        "{% if tv.khong_xep_loai %}{% if tv.tu_xep_loai_chu %} {% endif %}(công tác trong năm dưới 06 "
        "tháng: không xếp loại, chỉ kiểm điểm){% elif not tv.tu_xep_loai_chu %}" + D6 + "{% endif %}.",
        left_cm=0.5,
        **pkw,
    )
    hand = {**pkw, "line_spacing": HAND}
    dk.dotted_line(cell, "- Trình bày bản tự đánh giá: ", width_cm=cw, left_cm=0.5, **hand)
    dk.dotted_line(cell, "- Ý kiến nhận xét, góp ý của các thành viên dự họp: ", width_cm=cw, left_cm=0.5, **hand)
    dk.dotted_lines(cell, 1, width_cm=cw, left_cm=0.5, **hand)
    votes = "; ".join(f"{w}: " + _dots_or(f"tv.phieu.{c}") + " phiếu" for c, w in dk.LEVELS)
    # someone not rated (under 6 months) is reviewed, not voted on: no vote of N people with 0 ballots
    dk.p_tag(cell, "if tv.khong_xep_loai and not tv.co_phieu")
    dk.add_paragraph(cell, "- Kết quả biểu quyết: {{ nhan.khong_bieu_quyet }}.", left_cm=0.5, **pkw)
    dk.p_tag(cell, "else")
    dk.add_paragraph(
        cell,
        "- Kết quả biểu quyết (trên " + "{{ tv.so_du_hop or so_du_hop or '" + D2 + "' }}"
        + " người dự họp): " + votes + ".",
        left_cm=0.5,
        **pkw,
    )
    dk.p_tag(cell, "endif")
    # the agency head: no proposed level (the superior's to decide), his votes the collective's opinion
    dk.p_tag(cell, "if tv.cap_tren_danh_gia")
    dk.add_paragraph(
        cell,
        "- Mức xếp loại: ",
        R("{{ tv.cap_tren_danh_gia }}", bold=True),
        " ({{ nhan.ghi_chu_nguoi_dung_dau }}).",
        left_cm=0.5,
        **{**pkw, "space_after": 4},
    )
    dk.p_tag(cell, "else")
    dk.add_paragraph(
        cell,
        "- Mức xếp loại đề xuất: ",
        R(
            "{% if tv.khong_xep_loai %}Không xếp loại (công tác trong năm dưới 06 tháng)"
            "{% else %}{{ tv.muc_cuoi_chu or '" + D6 + "' }}{% endif %}",
            bold=True,
        ),
        ".",
        left_cm=0.5,
        **{**pkw, "space_after": 4},
    )
    dk.p_tag(cell, "endif")
    dk.p_tag(cell, "if tv.cap_tren_danh_gia")
    dk.p_tag(cell, "elif tv.khac_bieu_quyet")
    dk.add_paragraph(
        cell,
        # not italic: a reason may hold letters the italic primer face lacks (pipeline/pdf/join.py)
        R("(Kết quả biểu quyết là {{ tv.muc_hop_chu }}. {{ tv.ly_do_muc }})"),
        left_cm=0.5,
        **{**pkw, "space_before": 0, "space_after": 4},
    )
    # no vote recorded and the proposal is below the self-rating (months absent, discipline, the cap):
    # the reason, so the minutes never lower someone's level without saying why
    dk.p_tag(cell, "elif tv.khac_tu_xep_loai")
    dk.add_paragraph(
        cell,
        R("(Tự xếp loại là {{ tv.tu_xep_loai_chu }}. {{ tv.ly_do_muc }})"),
        left_cm=0.5,
        **{**pkw, "space_before": 0, "space_after": 4},
    )
    dk.p_tag(cell, "endif")

    dk.dotted_line(doc, R("3. ", bold=True), "{{ nhan.muc_3 }}: ", line_spacing=HAND, space_before=4)
    dk.dotted_lines(doc, 2, line_spacing=HAND)

    dk.signature_row(
        doc,
        {"title": "{{ nhan.ky_thu_ky }}", "hint": "{{ nhan.ky_ghi_ro }}", "name": ""},
        {"title": "{{ nhan.ky_chu_tri }}", "hint": "{{ nhan.ky_ghi_ro }}", "name": "{{ chu_tri.ho_ten }}"},
        lead=[
            {"parts": ["{{ nhan.thong_qua }}"], "first_line_cm": 1.0, "space_after": 2, "space_before": 4},
            {
                "parts": ["Cuộc họp kết thúc vào lúc " + D2 + " giờ " + D2 + " phút cùng ngày./."],
                "first_line_cm": 1.0,
                "space_after": 2,
            },
        ],
    )
    return doc


# --------------------------------------------------------------------------------------------
# kiem_diem_tap_the
# --------------------------------------------------------------------------------------------
KIEM_DIEM_TAP_THE = DocSpec(
    code="kiem_diem_tap_the",
    title="Báo cáo kiểm điểm tập thể",
    recipients="Cấp có thẩm quyền đánh giá; hồ sơ đánh giá của đơn vị",
    signers=("Người đứng đầu đơn vị",),
    labels=(
        Label("so_ky_hieu", "Số: " + D2 + "/BC", "[R] number line under the unit name; \"\" to drop it"),
        Label("tieu_de", "BÁO CÁO", "[R] title"),
        Label("tieu_de_phu", "Kiểm điểm tập thể", "[R] subtitle, followed by the unit's name and 'năm <year>'"),
        Label("phan_i", "Ưu điểm, kết quả đạt được", "[R] section I"),
        Label("phan_ii", "Hạn chế, khuyết điểm và nguyên nhân", "[R] section II"),
        Label("phan_ii_1", "Hạn chế, khuyết điểm", "[R] item II.1"),
        Label("phan_ii_2", "Nguyên nhân", "[R] item II.2"),
        Label(
            "phan_iii",
            "Kết quả khắc phục hạn chế, khuyết điểm năm trước",
            "[R] section III (seed 001 II.2.b: the previous year's weaknesses)",
        ),
        Label("phan_iv", "Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm", "[R] section IV"),
        Label(
            "noi_nhan",
            "- Cấp có thẩm quyền đánh giá;\n- Bộ phận tổ chức cán bộ (để tổng hợp);\n- Lưu: đơn vị.",
            "[R] 'Nơi nhận' list, one recipient a line",
        ),
        _KY_TRUONG,
    ),
)


def _section_with_lines(
    doc, number: str, key: str, n_lines: int, *, item: bool = False, parent: tuple[str, str] | None = None
) -> None:
    """A heading kept with its first dotted lines (borderless cantSplit row), then the rest.
    ``parent`` (number, key): a section heading printed first in the same block (e.g. "II."
    above its item "1.")."""
    width = dk.text_width_cm(doc)
    cell = dk.keep_block(doc, width)
    if parent:
        dk.heading(cell, parent[0] + " ", "{{ nhan." + parent[1] + " }}", space_before=6, space_after=0)
    if item:
        dk.add_paragraph(
            cell, R(number + " ", bold=True), R("{{ nhan." + key + " }}", bold=True, italic=True),
            space_before=2, space_after=0, left_cm=0.5,
        )
    else:
        dk.heading(cell, number + " ", "{{ nhan." + key + " }}", space_before=6, space_after=0)
    first = min(2, n_lines)
    dk.dotted_lines(cell, first, width_cm=width - 0.05, line_spacing=HAND)
    dk.dotted_lines(doc, n_lines - first, width_cm=width - 0.05, line_spacing=HAND)


def build_kiem_diem_tap_the(spec: DocSpec):
    doc = _numbered_document(spec, "{{ nhan.tieu_de_phu }} {{ don_vi.ten }} năm {{ nam }}")
    dk.add_paragraph(
        doc,
        "Thực hiện {{ can_cu.danh_gia }} và hướng dẫn của {{ co_quan.ten }}, {{ don_vi.ten }} báo cáo kết "
        "quả kiểm điểm tập thể năm {{ nam }} như sau:",
        align="justify",
        first_line_cm=1.0,
        space_after=2,
    )
    _section_with_lines(doc, "I.", "phan_i", 9)
    _section_with_lines(doc, "1.", "phan_ii_1", 4, item=True, parent=("II.", "phan_ii"))
    _section_with_lines(doc, "2.", "phan_ii_2", 3, item=True)
    _section_with_lines(doc, "III.", "phan_iii", 4)
    _section_with_lines(doc, "IV.", "phan_iv", 4)
    dk.add_paragraph(doc, "", space_after=0)
    width = dk.text_width_cm(doc)
    dk.signature_row(
        doc,
        {"recipients": "{{ nhan.noi_nhan }}"},
        _head_signer(),
        widths_cm=(width - 9.0, 9.0),
    )
    return doc


# --------------------------------------------------------------------------------------------
# bien_ban_kiem_phieu
# --------------------------------------------------------------------------------------------
BIEN_BAN_KIEM_PHIEU = DocSpec(
    code="bien_ban_kiem_phieu",
    giai_doan="de_xuat",
    title="Biên bản kiểm phiếu bình xét danh hiệu thi đua",
    recipients="Hồ sơ bình xét thi đua của đơn vị; kèm biên bản cuộc họp",
    signers=("Thành viên ban kiểm phiếu", "Trưởng ban kiểm phiếu"),
    labels=(
        Label("so_ky_hieu", "Số: " + D2 + "/BB", "[R] number line under the unit name; \"\" to drop it"),
        Label("tieu_de", "BIÊN BẢN KIỂM PHIẾU", "[R] title (seed 001: 'kết quả kiểm phiếu được ghi vào biên bản')"),
        Label("tieu_de_phu", "Bình xét danh hiệu thi đua", "[R] subtitle, followed by 'năm <year>'"),
        Label(
            "nguyen_tac",
            "Cá nhân được đề nghị danh hiệu thi đua khi có trên 50% tổng số phiếu đồng ý (bỏ phiếu kín).",
            "[R] threshold sentence (forms.md §6.2, UNCONFIRMED; the rating engine uses 'more than "
            "half of the ballots'). The 'Kết quả' column is computed in pipeline/forms/unit_context.py "
            "as 2 × yes > total (and 'Không đủ điều kiện' for someone not eligible) and does NOT follow "
            "this text: edit both together",
        ),
        Label(
            "ket_thuc",
            "Biên bản kiểm phiếu được lập lúc " + D2 + " giờ " + D2 + " phút cùng ngày và đã được công "
            "bố công khai tại cuộc họp./.",
            "[R] closing sentence",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau",
            "người đứng đầu cơ quan: mức xếp loại và danh hiệu thi đua do cấp có thẩm quyền xét, quyết định; kết "
            "quả bỏ phiếu là ý kiến của tập thể gửi cấp có thẩm quyền.",
            "[R] the line under the table for the agency head, after 'Đồng chí <name> (trên 50% phiếu đồng ý): '; his "
            "'Kết quả' cell gives the ballot's outcome only (Đạt / Không đạt): his level is the superior's to decide "
            "(ND 90 Art. 16; rules.md R8.1) and a title's standard starts from it (R7.1), so the minutes judge no "
            "standard for him (as tong_hop_thi_dua's label of the same key). Who confers his title: UNCONFIRMED",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau_su_nghiep",
            "người đứng đầu đơn vị sự nghiệp công lập: mức xếp loại và danh hiệu thi đua do cấp có thẩm quyền xét, "
            "quyết định; kết quả bỏ phiếu là ý kiến của tập thể gửi cấp có thẩm quyền.",
            "[R] «ghi_chu_nguoi_dung_dau» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label(
            "phieu_toan_co_quan",
            "(bỏ phiếu toàn cơ quan)",
            "[R] after a row's 'Phiếu đồng ý/ tổng số' when its ballots outnumber the meeting's members: the vote of a "
            "wider meeting (the whole centre on its Giám đốc, ThiDua 'Tổng số phiếu'); the count is then not the "
            "meeting's 'Số phiếu hợp lệ', which stays blank. Our wording",
        ),
        Label(
            "phieu_toan_co_quan_su_nghiep",
            "(bỏ phiếu toàn đơn vị sự nghiệp)",
            "[R] «phieu_toan_co_quan» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label("ky_thanh_vien", "THÀNH VIÊN", "[R] left signer"),
        Label("ky_truong_ban", "TRƯỞNG BAN KIỂM PHIẾU", "[R] right signer"),
        _KY_GHI_RO,
    ),
)



def build_bien_ban_kiem_phieu(spec: DocSpec):
    doc = _numbered_document(spec, "{{ nhan.tieu_de_phu }} năm {{ nam }}", "{{ don_vi.ten }}")
    width = dk.text_width_cm(doc)
    j = _minutes_time_place(doc, "Thời gian", "Ban kiểm phiếu gồm:")
    for k, role in ((1, "Trưởng ban"), (2, "Thành viên"), (3, "Thành viên")):
        dk.dotted_line(
            doc, f"{k}. Đồng chí ", width_cm=11.0, after=[f" – {role}"], left_cm=0.5, space_after=2
        )
    dk.add_paragraph(
        doc,
        "Ban kiểm phiếu đã tiến hành kiểm phiếu bình xét danh hiệu thi đua năm {{ nam }} của "
        "{{ don_vi.ten }} (bỏ phiếu kín), kết quả như sau:",
        first_line_cm=1.0,
        space_before=4,
        **j,
    )
    dk.add_paragraph(
        doc,
        R("1. Số người: ", bold=True),
        "tổng số {{ so_thanh_vien }} người; có mặt: " + _dots_or("so_du_hop") + " người; vắng mặt: "
        + _dots_or("so_vang") + " người.",
        **j,
    )
    dk.add_paragraph(doc, R("2. Số phiếu:", bold=True), **j)
    for (a, ka), (b, kb) in ((("Số phiếu phát ra", "phat_ra"), ("Số phiếu thu về", "thu_ve")),
                             (("Số phiếu hợp lệ", "hop_le"), ("Số phiếu không hợp lệ", "khong_hop_le"))):
        dk.add_paragraph(
            doc,
            f"- {a}: " + _dots_or("kiem_phieu." + ka) + f" phiếu;\t- {b}: " + _dots_or("kiem_phieu." + kb) + " phiếu.",
            left_cm=0.5,
            tabs_cm=(8.0,),
            space_after=2,
        )
    dk.add_paragraph(doc, R("3. Kết quả kiểm phiếu:", bold=True), space_before=2, **j)
    b = dict(bold=True)
    dk.grid_table(
        doc,
        [0.9, 3.6, 2.9, 3.3, 1.6, 1.2, 2.5],
        [
            [
                C("TT", **b),
                C("Họ và tên", **b),
                C("Chức vụ", **b),
                C("Danh hiệu đề nghị", **b),
                C("Phiếu đồng ý/ tổng số", **b),
                C("Tỷ lệ", **b),
                C("Kết quả", **b),
            ],
            "{%tr for row in thi_dua %}",
            [
                C("{{ row.stt }}"),
                C("{{ row.ho_ten }}", align="left"),
                C("{{ row.chuc_vu }}", align="left"),
                C("{{ row.danh_hieu }}", align="left"),
                # a wider meeting's ballots (more than the members: the whole centre on its Giám đốc) say so
                C("{{ row.phieu }}{% if row.phieu_toan_co_quan %} {{ nhan.phieu_toan_co_quan }}{% endif %}"),
                C("{{ row.ty_le }}"),
                # the agency head: the ballot's outcome only, his standard is the competent level's to judge
                C("{% if row.cap_tren_danh_gia %}{{ row.ket_qua_phieu }}{% else %}{{ row.ket_qua }}{% endif %}"),
            ],
            "{%tr endfor %}",
        ],
        size=12,
    )
    # one chain, so that some paragraph always separates the results table from the signatures' borderless
    # table (two touching tables are one table to LibreOffice, with the second one's borders: the results
    # table printed with no lines at all): the «no proposal» line, the notes («- Đồng chí …»: the rows of
    # `thi_dua_ghi_chu`, those of `thi_dua` with a reason or the agency head's), or else a 1 pt gap. The gap
    # only where nothing else is printed: the other two cases render the XML they did before the gap came
    # (0b62d2e), so the ballot counts printed and signed then are not «changed». A folder built from 0b62d2e to
    # 2ee613a printed the gap after them too (`khoang_bang_luon`, pipeline/run.py::_ballot_gap_as_needed): its
    # ballot counts keep that XML, byte for byte
    dk.p_tag(doc, "if not thi_dua")
    dk.add_paragraph(doc, R("(Không có cá nhân được đề nghị danh hiệu thi đua.)", italic=True), align="center")
    dk.p_tag(doc, "if khoang_bang_luon")
    dk.table_gap(doc)
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "elif thi_dua_ghi_chu")
    dk.p_tag(doc, "for row in thi_dua_ghi_chu")
    dk.add_paragraph(
        doc,
        R("- Đồng chí {{ row.ho_ten }}{% if row.ket_qua_phieu == 'Đạt' %} (trên 50% phiếu đồng ý){% endif %}: "
          "{% if row.cap_tren_danh_gia %}{{ nhan.ghi_chu_nguoi_dung_dau }}{% else %}{{ row.ly_do }}{% endif %}"),
        left_cm=0.5, size=12, **j,
    )
    dk.p_tag(doc, "endfor")
    dk.p_tag(doc, "if khoang_bang_luon")
    dk.table_gap(doc)
    dk.p_tag(doc, "endif")
    dk.p_tag(doc, "else")
    dk.table_gap(doc)
    dk.p_tag(doc, "endif")
    dk.signature_row(
        doc,
        {"title": "{{ nhan.ky_thanh_vien }}", "hint": "{{ nhan.ky_ghi_ro }}", "name": ""},
        {"title": "{{ nhan.ky_truong_ban }}", "hint": "{{ nhan.ky_ghi_ro }}", "name": ""},
        # point 4 and the closing sentence on the signatures' page: never the signatures alone
        lead=[{"parts": [R("4. Nguyên tắc áp dụng: ", bold=True), "{{ nhan.nguyen_tac }} Căn cứ {{ can_cu.thi_dua }}."],
               "space_before": 4, "space_after": 2},
              {"parts": ["{{ nhan.ket_thuc }}"], "first_line_cm": 1.0, "space_before": 2, "space_after": 2}],
        lead_width_cm=width,
        space_before=4,
        sign_space_cm=1.8,
    )
    return doc


# --------------------------------------------------------------------------------------------
# tong_hop_xep_loai (A4 landscape)
# --------------------------------------------------------------------------------------------
TONG_HOP_XEP_LOAI = DocSpec(
    code="tong_hop_xep_loai",
    giai_doan="de_xuat",
    title="Bảng tổng hợp đề xuất mức xếp loại chất lượng",
    recipients="Cấp có thẩm quyền đánh giá (qua bộ phận tổ chức cán bộ); hồ sơ đánh giá của đơn vị",
    signers=("Người đứng đầu đơn vị",),
    labels=(
        Label(
            "tieu_de",
            "BẢNG TỔNG HỢP ĐỀ XUẤT MỨC XẾP LOẠI CHẤT LƯỢNG CÁ NHÂN, TẬP THỂ",
            "[R] title (seed 001 item (4) 'Đề xuất mức xếp loại cá nhân, tập thể'), followed by 'NĂM <year>'",
        ),
        Label(
            "kiem_tra_ty_le",
            "Kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ (không quá 20% số Hoàn thành tốt nhiệm vụ) theo "
            "từng nhóm đối tượng tương đồng",
            "[R] heading of the 20 % check (rules.md R5)",
        ),
        Label(
            "de_xuat_tap_the",
            "Đề xuất mức xếp loại chất lượng tập thể",
            "[R] line for the unit's own proposed level (dossier.md §2.1 item 4), followed by the "
            "unit's name and dotted space",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau",
            "Người đứng đầu cơ quan: đơn vị không đề xuất mức xếp loại; kết quả biểu quyết là ý kiến của tập "
            "thể gửi cấp có thẩm quyền đánh giá, xếp loại",
            "[R] note on the agency head's row: his level is decided by the head of the superior body "
            "(ND 90 Art. 16; rules.md R8.1), the unit he heads proposes none for him (its level cell says "
            "who rates him)",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau_su_nghiep",
            "Người đứng đầu đơn vị sự nghiệp công lập: cuộc họp không đề xuất mức xếp loại; kết quả biểu quyết là ý "
            "kiến của tập thể gửi cấp có thẩm quyền đánh giá, xếp loại",
            "[R] «ghi_chu_nguoi_dung_dau» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label(
            "cap_tren_tong_hop",
            "người đứng đầu cơ quan (do cấp có thẩm quyền đánh giá, xếp loại, đơn vị không đề xuất)",
            "[R] the totals line's count of the agency head's row, after '; ' and before ': <n>'",
        ),
        Label(
            "cap_tren_tong_hop_su_nghiep",
            "người đứng đầu đơn vị sự nghiệp công lập (do cấp có thẩm quyền đánh giá, xếp loại, cuộc họp không đề "
            "xuất)",
            "[R] «cap_tren_tong_hop» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        _KY_TRUONG,
    ),
)


def build_tong_hop_xep_loai(spec: DocSpec):
    doc, width = _landscape_list(spec)
    b = dict(bold=True)
    # Ghi chú carries the year's score and the whole cap reasoning (several hundred letters): it
    # gets the width the short columns can spare (4.55 cm of 25.2), else a 2 cm column made each
    # such row a third of a page tall and the unbreakable rows left half pages empty
    widths = [0.8, 2.4, 1.6, 1.6, 1.5, 1.15, 2.2, 1.7, 1.2, 1.2, 1.2, 1.2, 1.9, 1.0]
    widths.append(round(width - sum(widths), 2))  # Ghi chú
    dk.grid_table(
        doc,
        widths,
        [
            [
                C("TT", vspan=2, **b),
                C("Họ và tên", vspan=2, **b),
                C("Chức vụ", vspan=2, **b),
                C("Ngạch/ chức danh", vspan=2, **b),
                C("Đối tượng", vspan=2, **b),
                C("Đảng viên", vspan=2, **b),
                C("Nhóm tương đồng", vspan=2, **b),
                C("Tự xếp loại", vspan=2, **b),
                C("Kết quả biểu quyết (số phiếu)", span=4, **b),
                C("Mức đề xuất", vspan=2, **b),
                C("Kỷ luật", vspan=2, **b),
                C("Ghi chú", vspan=2, **b),
            ],
            [C(R(w, bold=True, size=9)) for _c, w in dk.LEVELS],
            "{%tr for tv in thanh_vien %}",
            [
                C("{{ tv.stt }}"),
                C(("{{ tv.ho_ten }}",), align="left"),
                C("{{ tv.chuc_vu }}", align="left"),
                C("{{ tv.ngach }}", align="left"),
                C("{{ tv.loai_nhan }}"),
                C("{{ tv.dang_vien }}"),
                C("{{ tv.nhom }}", align="left"),
                C("{{ tv.tu_xep_loai_chu }}", align="left"),
                C("{{ tv.phieu.HTXS }}"),
                C("{{ tv.phieu.HTT }}"),
                C("{{ tv.phieu.HT }}"),
                C("{{ tv.phieu.KHT }}"),
                # the agency head: no proposal, the cell names who rates him (italic)
                C([R("{% if tv.cap_tren_danh_gia %}{% elif tv.khong_xep_loai %}Không xếp loại{% else %}"
                     "{{ tv.muc_cuoi_chu }}{% endif %}", bold=True),
                   R("{{ tv.cap_tren_danh_gia }}", italic=True, size=10)],
                  align="left"),
                C("{{ tv.ky_luat }}"),
                C(R("{% if tv.cap_tren_danh_gia %}{% if tv.diem_nam %}Điểm đánh giá năm: {{ tv.diem_nam }}. {% endif %}"
                    "{{ nhan.ghi_chu_nguoi_dung_dau }}.{% else %}{{ tv.ghi_chu }}{% endif %}", size=9), align="left"),
            ],
            "{%tr endfor %}",
        ],
        header_rows=2,
        size=11,
    )
    j = dict(align="justify", space_after=1, size=12)
    dk.add_paragraph(
        doc,
        R("Tổng hợp: ", bold=True),
        "tổng số {{ dem_de_xuat.tong }} người; Hoàn thành xuất sắc nhiệm vụ: {{ dem_de_xuat.HTXS }}; Hoàn thành tốt "
        "nhiệm vụ: {{ dem_de_xuat.HTT }}; Hoàn thành nhiệm vụ: {{ dem_de_xuat.HT }}; Không hoàn thành nhiệm vụ: "
        "{{ dem_de_xuat.KHT }}; không xếp loại (công tác dưới 06 tháng): {{ dem_de_xuat.khong_xep_loai }}"
        "{% if dem_de_xuat.chua_xep_loai %}; chưa xếp loại (thiếu kết quả kỳ): {{ dem_de_xuat.chua_xep_loai }}{% endif %}"
        "{% if dem_de_xuat.cap_tren %}; {{ nhan.cap_tren_tong_hop }}: {{ dem_de_xuat.cap_tren }}{% endif %}.",
        space_before=4,
        **j,
    )

    cell = dk.keep_block(doc, width)
    dk.add_paragraph(cell, R("{{ nhan.kiem_tra_ty_le }}:", bold=True), space_before=4, **j)
    dk.grid_table(
        cell,
        # «Cách tính» (the whole computation, one per group) gets the room: with four groups the
        # check, the unit's line and the signature must still share one page
        [0.9, 3.8, 1.8, 1.8, 1.8, 1.6, width - 11.7],
        [
            [
                C("TT", **b),
                C("Nhóm đối tượng tương đồng", **b),
                C("Số Hoàn thành xuất sắc nhiệm vụ", **b),
                C("Số Hoàn thành tốt nhiệm vụ", **b),
                C("Số Hoàn thành xuất sắc nhiệm vụ tối đa", **b),
                C("Kết quả", **b),
                C("Cách tính", **b),
            ],
            "{%tr for g in nhom %}",
            [
                C("{{ loop.index }}"),
                # a group spanning several units: its counts are the whole group's, not this unit's
                C("{{ g.nhom }}{% if g.so_don_vi > 1 %} (số liệu cả nhóm, gồm người của {{ g.so_don_vi }} đơn vị)"
                  "{% endif %}", align="left"),
                C("{{ g.so_htxs }}"),
                C("{{ g.so_htt }}"),
                C("{{ g.toi_da }}"),
                C("{% if g.dat %}Đạt{% else %}Vượt tỷ lệ{% endif %}"),
                C("{{ g.cach_tinh }}", align="left"),
            ],
            "{%tr endfor %}",
        ],
        size=11,
    )
    dk.add_paragraph(cell, "", size=2, space_after=0)
    # the unit's own proposed level beside the head's signature (saves a landscape line), in the
    # cap check's block: the signature never stands alone on the last page; the unit's level when
    # the workbook gives it (DonVi muc_xep_loai_don_vi, the level the head's own is capped by), else dots
    dk.signature_row(
        cell,
        {"paras": [[R("{{ nhan.de_xuat_tap_the }} {{ don_vi.ten }}:", bold=True, size=13)],
                   [R("{{ don_vi.muc_chu or '" + D * 26 + "' }}", size=13)]]},
        _head_signer(),
        widths_cm=(width - 10.0, 10.0),
        space_before=4,
        sign_space_cm=1.5,
    )
    return doc


# --------------------------------------------------------------------------------------------
# tong_hop_thi_dua (A4 landscape)
# --------------------------------------------------------------------------------------------
TONG_HOP_THI_DUA = DocSpec(
    code="tong_hop_thi_dua",
    giai_doan="de_xuat",
    title="Bảng tổng hợp bình xét thi đua, khen thưởng",
    recipients="Hội đồng thi đua, khen thưởng của cơ quan; hồ sơ đánh giá của đơn vị",
    signers=("Người đứng đầu đơn vị",),
    labels=(
        Label(
            "tieu_de",
            "BẢNG TỔNG HỢP BÌNH XÉT THI ĐUA, KHEN THƯỞNG",
            "[R] title (seed 001 item (5)), followed by 'NĂM <year>'",
        ),
        Label(
            "ghi_chu_truc_tiep",
            "Cá nhân trực tiếp lao động, công tác trong số cá nhân đủ điều kiện đề nghị khen thưởng của "
            "đơn vị (tỷ lệ tối thiểu 55% theo hướng dẫn tính chung toàn cơ quan)",
            "[R] note on the seed's 55 % direct-worker share (rules.md R7.4, UNCONFIRMED); the share is the "
            "agency's (all its proposals), the unit's count is for that total (rev42)",
        ),
        Label(
            "ghi_chu_truc_tiep_su_nghiep",
            "Cá nhân trực tiếp lao động, công tác trong số cá nhân đủ điều kiện đề nghị khen thưởng của "
            "đơn vị (tỷ lệ tối thiểu 55% theo hướng dẫn tính chung toàn đơn vị sự nghiệp)",
            "[R] «ghi_chu_truc_tiep» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label(
            "quyet_dinh_khong_dat",
            "theo mức xếp loại đề xuất của cuộc họp; trong đó số người không còn đủ điều kiện danh hiệu "
            "theo mức xếp loại cấp có thẩm quyền đã quyết định (xem Ghi chú)",
            "[R] added to the totals' 'đủ điều kiện' count, followed by ': <n>', when a decided level below "
            "the one the meeting proposed takes the title away (rules.md R7.1: LĐTT from HTT up); the rows keep "
            "the meeting's record and say so in Ghi chú",
        ),
        Label(
            "ket_qua_nguoi_dung_dau",
            "Cấp có thẩm quyền xét",
            "[R] «Kết quả xét» on the agency head's row: his level is decided by the head of the superior body "
            "(ND 90 Art. 16; rules.md R8.1) and a title's standard starts from that level (R7.1), so the table he "
            "signs judges nothing for him. Who confers an agency head's title is not in shared/domain: UNCONFIRMED",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau",
            "Người đứng đầu cơ quan: mức xếp loại do cấp có thẩm quyền đánh giá, xếp loại; danh hiệu thi đua, hình "
            "thức khen thưởng do cấp có thẩm quyền xét, quyết định; kết quả bỏ phiếu là ý kiến của tập thể gửi cấp có "
            "thẩm quyền",
            "[R] Ghi chú of the agency head's row (as tong_hop_xep_loai's label of the same key); the ballots stay "
            "printed as counted. Which level confers his title: UNCONFIRMED (see ket_qua_nguoi_dung_dau)",
        ),
        Label(
            "ghi_chu_nguoi_dung_dau_su_nghiep",
            "Người đứng đầu đơn vị sự nghiệp công lập: mức xếp loại do cấp có thẩm quyền đánh giá, xếp loại; danh "
            "hiệu thi đua, hình thức khen thưởng do cấp có thẩm quyền xét, quyết định; kết quả bỏ phiếu là ý kiến của "
            "tập thể gửi cấp có thẩm quyền",
            "[R] «ghi_chu_nguoi_dung_dau» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label(
            "cap_tren_tong_hop",
            "người đứng đầu cơ quan (do cấp có thẩm quyền xét, không tính vào số đủ điều kiện)",
            "[R] the totals line's count of the agency head's rows, after '; ' and before ': <n>'",
        ),
        Label(
            "cap_tren_tong_hop_su_nghiep",
            "người đứng đầu đơn vị sự nghiệp công lập (do cấp có thẩm quyền xét, không tính vào số đủ điều kiện)",
            "[R] «cap_tren_tong_hop» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        Label(
            "phieu_toan_co_quan",
            "(bỏ phiếu toàn cơ quan)",
            "[R] after a row's 'Phiếu đồng ý/ tổng số' when its ballots outnumber the meeting's members: the vote of a "
            "wider meeting (the whole centre on its Giám đốc, ThiDua 'Tổng số phiếu'), as bien_ban_kiem_phieu's label "
            "of the same key says it (one computation: unit_context `row.phieu_toan_co_quan`). Our wording",
        ),
        Label(
            "phieu_toan_co_quan_su_nghiep",
            "(bỏ phiếu toàn đơn vị sự nghiệp)",
            "[R] «phieu_toan_co_quan» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind: ND 233/2026 names its head «người "
            "đứng đầu đơn vị sự nghiệp công lập»; «đơn vị» alone would name the unit whose paper this is)",
        ),
        _KY_TRUONG,
    ),
)


def build_tong_hop_thi_dua(spec: DocSpec):
    doc, width = _landscape_list(spec)
    b = dict(bold=True)
    widths = [0.8, 2.6, 2.0, 2.2, 2.2, 3.2, 1.7, 1.3, 1.4, 1.2, 1.8]  # the reason (last) keeps 4.8 cm
    widths.append(round(width - sum(widths), 2))
    dk.grid_table(
        doc,
        widths,
        [
            [
                C("TT", **b),
                C("Họ và tên", **b),
                C("Chức vụ", **b),
                C("Xếp loại chất lượng năm", **b),
                C("Danh hiệu đề nghị", **b),
                C("Sáng kiến (tên, quyết định công nhận)", **b),
                C("Hình thức khen thưởng đề nghị", **b),
                C("Trực tiếp lao động, công tác", **b),
                C("Phiếu đồng ý/ tổng số", **b),
                C("Tỷ lệ", **b),
                C("Kết quả xét", **b),
                C("Ghi chú", **b),
            ],
            "{%tr for row in thi_dua %}",
            [
                C("{{ row.stt }}"),
                C("{{ row.ho_ten }}", align="left"),
                C("{{ row.chuc_vu }}", align="left"),
                # the agency head: no level proposed by the unit, the cell names who rates him (italic),
                # as on the proposal table; nor a verdict on his title (the competent level considers it)
                C([R("{% if not row.cap_tren_danh_gia %}{{ row.muc_chu }}{% if row.de_xuat %} (đề xuất){% endif %}"
                     "{% endif %}"),
                   R("{{ row.cap_tren_danh_gia }}", italic=True, size=10)], align="left"),
                C("{{ row.danh_hieu }}", align="left"),
                C("{{ row.sang_kien }}", align="left"),
                C("{{ row.hinh_thuc }}", align="left"),
                C("{{ row.truc_tiep }}"),
                # a wider meeting's ballots (more than the members: the whole centre on its Giám đốc) say so, as
                # the ballot-count minutes do
                C("{{ row.phieu }}{% if row.phieu_toan_co_quan %} {{ nhan.phieu_toan_co_quan }}{% endif %}"),
                C("{{ row.ty_le }}"),
                C(R("{% if row.cap_tren_danh_gia %}{{ nhan.ket_qua_nguoi_dung_dau }}{% else %}{{ row.du_dieu_kien }}"
                    "{% endif %}", bold=True)),
                C(R("{% if row.cap_tren_danh_gia %}{{ nhan.ghi_chu_nguoi_dung_dau }}."
                    "{% if row.quyet_dinh_khong_dat %} {{ row.quyet_dinh_khong_dat }}{% endif %}"
                    "{% else %}{{ row.ly_do }}{% endif %}", size=10), align="left"),
            ],
            "{%tr endfor %}",
        ],
        header_rows=1,
        size=11,
        split_rows=True,  # the reason (ly_do) can be long
    )
    dk.p_tag(doc, "if not thi_dua")
    dk.add_paragraph(doc, R("(Không có cá nhân được đề nghị.)", italic=True), align="center", size=12)
    dk.p_tag(doc, "endif")
    j = dict(align="justify", space_after=1, size=13)
    dk.add_paragraph(doc, "", size=2, space_after=0)  # two adjacent tables would merge into one
    # the totals, the law and the signature on one page: a signature never stands alone
    dk.signature_row(
        doc, None, _head_signer(), widths_cm=(width - 10.0, 10.0), space_before=4, sign_space_cm=1.5,
        lead_width_cm=width,
        lead=[
            {"parts": [R("Tổng hợp: ", bold=True),
                       "số cá nhân được đề nghị: {{ tong_thi_dua.de_nghi }}; đủ điều kiện: "
                       "{{ tong_thi_dua.du_dieu_kien }}, trong đó Lao động tiên tiến: {{ tong_thi_dua.ldtt }}, "
                       "Chiến sĩ thi đua cơ sở: {{ tong_thi_dua.cstdcs }}"
                       "{% if tong_thi_dua.quyet_dinh_khong_dat %} ({{ nhan.quyet_dinh_khong_dat }}: "
                       "{{ tong_thi_dua.quyet_dinh_khong_dat }}){% endif %}"
                       "{% if tong_thi_dua.cap_tren %}; {{ nhan.cap_tren_tong_hop }}: {{ tong_thi_dua.cap_tren }}"
                       "{% endif %}."], "space_before": 4, **j},
            {"parts": [R("Căn cứ: ", bold=True), "{{ can_cu.thi_dua }}."], **j},
            {"parts": [R("{{ nhan.ghi_chu_truc_tiep }}: ", bold=True),
                       # no ratio of nobody («0/0»): the table is empty, the line says so
                       "{% if tong_thi_dua.du_dieu_kien %}{{ tong_thi_dua.truc_tiep }}/{{ tong_thi_dua.du_dieu_kien }}"
                       "{% if tong_thi_dua.truc_tiep_ty_le %} = {{ tong_thi_dua.truc_tiep_ty_le }}{% endif %}"
                       "{% else %}không có cá nhân đủ điều kiện{% endif %}."],
             **j},
        ],
    )
    return doc


# --------------------------------------------------------------------------------------------
# thong_bao_ket_qua (agency)
# --------------------------------------------------------------------------------------------
THONG_BAO_KET_QUA = DocSpec(
    code="thong_bao_ket_qua",
    title="Thông báo kết quả đánh giá, xếp loại chất lượng",
    recipients="Các phòng, đơn vị; cá nhân được đánh giá; hồ sơ cá nhân (bản giấy, Điều 22 Nghị định 90/2020/NĐ-CP)",
    signers=("Người đứng đầu cơ quan (cấp có thẩm quyền đánh giá)",),
    scope="co_quan",
    labels=(
        Label("tieu_de", "THÔNG BÁO", "[R] title"),
        Label(
            "tieu_de_phu",
            "Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
            "[R] subtitle, followed by 'năm <year>'",
        ),
        Label(
            "du_thao",
            "DỰ THẢO",
            "[R] mark printed above the title while no level is decided (muc_quyet_dinh): the notice "
            "then lists everyone with an empty result column and must not be published",
        ),
        Label(
            "ghi_chu_du_thao",
            "(Cấp có thẩm quyền chưa quyết định mức xếp loại: cột kết quả để trống, chưa công bố)",
            "[R] line under the draft mark",
        ),
        Label(
            "can_cu_2",
            "Căn cứ kết quả nhận xét, đánh giá, đề xuất mức xếp loại của các phòng, đơn vị và ý kiến "
            "của cấp ủy cùng cấp;",
            "[R] second recital",
        ),
        Label("muc_1", "Kết quả chung", "[R] item 1 heading (counts)"),
        Label("muc_2", "Kết quả đánh giá, xếp loại của từng cá nhân", "[R] item 2 heading (table)"),
        Label(
            "kien_nghi",
            "Cá nhân có ý kiến khác về kết quả đánh giá, xếp loại chất lượng có quyền kiến nghị bằng "
            "văn bản với cấp có thẩm quyền đánh giá trong thời hạn " + D2 + " ngày làm việc kể từ "
            "ngày nhận được thông báo này để được xem xét, giải quyết theo quy định.",
            "[R] item 3: the right to lodge a kiến nghị (ND 90; the time limit is left to the agency)",
        ),
        Label(
            "kien_nghi_vien_chuc",
            "Riêng viên chức: thời hạn kiến nghị bằng văn bản là 05 ngày kể từ ngày công bố kết quả; cấp có "
            "thẩm quyền xem xét, giải quyết trong thời hạn 10 ngày làm việc và kết quả giải quyết là kết quả "
            "cuối cùng (Điều 27 Luật Viên chức năm 2025).",
            "[R] added to item 3 when the notice lists viên chức, from evaluation year 2026 (Luật Viên chức "
            "2025, in force 01/07/2026, Art. 27, known from an English press translation: whether the 5 days "
            "are calendar or working days is UNCONFIRMED; regime-2026.md §2)",
        ),
        Label(
            "cong_khai",
            "Thủ trưởng các phòng, đơn vị thông báo công khai kết quả đến từng cá nhân; kết quả đánh "
            "giá, xếp loại chất lượng được lưu vào hồ sơ cá nhân theo quy định.",
            "[R] item 4: publication in the unit and filing (ND 90 Art. 18/19, 22)",
        ),
        Label(
            "noi_nhan",
            "- Như mục 4;\n- Cá nhân được đánh giá;\n- Lưu: VT, hồ sơ cá nhân.",
            "[R] 'Nơi nhận' list, one recipient a line",
        ),
    ),
)


def build_thong_bao_ket_qua(spec: DocSpec):
    doc = dk.new_document(title=spec.title, **LAYOUT)
    dk.add_page_numbers(doc)
    width = dk.text_width_cm(doc)
    dk.header_block(
        doc,
        [
            "{%p if dau.tren %}",
            "{{ dau.tren }}",
            "{%p endif %}",
            "{{ dau.duoi }}",
        ],
        # ND 30/2020 (Phụ lục I): a thông báo's symbol is its type and the agency's abbreviation, «…/TB-VP» —
        # not the công văn's «VP-HCQT» (`co_quan.ky_hieu_co_quan`, docs/workbook.md «Document symbols»)
        number_line="Số: " + D2 + "/TB{% if co_quan.ky_hieu_co_quan %}-{{ co_quan.ky_hieu_co_quan }}{% endif %}",
        place_date="{{ dong_ngay }}",
        space_after=4,
    )
    dk.p_tag(doc, "if du_thao")
    dk.add_paragraph(doc, R("{{ nhan.du_thao }}", bold=True, size=16), align="center", space_before=4, space_after=0)
    dk.add_paragraph(doc, R("{{ nhan.ghi_chu_du_thao }}", italic=True, size=12), align="center", space_after=0)
    dk.p_tag(doc, "endif")
    dk.title_block(doc, "{{ nhan.tieu_de }}", space_before=6, space_after=0)
    dk.title_block(doc, "{{ nhan.tieu_de_phu }} năm {{ nam }}", space_before=0, space_after=8)
    j = dict(align="justify", first_line_cm=1.0, space_after=3)
    dk.add_paragraph(doc, R("Căn cứ {{ can_cu.danh_gia }};", italic=True), **j)
    dk.add_paragraph(doc, R("{{ nhan.can_cu_2 }}", italic=True), **j)
    dk.add_paragraph(
        doc,
        "{{ nguoi_thong_bao }} thông báo kết quả đánh "
        "giá, xếp loại chất lượng năm {{ nam }} như sau:",
        **j,
    )
    dk.add_paragraph(doc, R("1. {{ nhan.muc_1 }}", bold=True), **{**j, "space_after": 1})
    dk.add_paragraph(
        doc,
        "{% if du_thao %}Tổng số {{ dem.tong }} người; không xếp loại (công tác trong năm dưới 06 tháng): "
        "{{ dem.khong_xep_loai }} người; mức xếp loại của {{ dem.chua_quyet_dinh }} người chờ cấp có thẩm quyền "
        "quyết định.{% else %}"
        "Tổng số {{ dem.tong }} người; cấp có thẩm quyền đã quyết định mức xếp loại của {{ dem.quyet_dinh }} "
        "người, trong đó: Hoàn thành xuất sắc nhiệm vụ: {{ dem.HTXS }} người; "
        "Hoàn thành tốt nhiệm vụ: {{ dem.HTT }} người; Hoàn thành nhiệm vụ: {{ dem.HT }} người; Không "
        "hoàn thành nhiệm vụ: {{ dem.KHT }} người; không xếp loại (công tác trong năm dưới 06 tháng): "
        "{{ dem.khong_xep_loai }} người{% if dem.chua_quyet_dinh %}; chưa có quyết định: "
        "{{ dem.chua_quyet_dinh }} người (không thông báo trong văn bản này){% endif %}.{% endif %}",
        **j,
    )
    dk.add_paragraph(doc, R("2. {{ nhan.muc_2 }}", bold=True), **{**j, "space_after": 3})
    b = dict(bold=True)
    dk.grid_table(
        doc,
        [0.9, 4.0, 3.4, 4.8, width - 13.1],
        [
            [C("TT", **b), C("Họ và tên", **b), C("Chức vụ", **b), C("Kết quả xếp loại", **b), C("Ghi chú", **b)],
            "{%tr for dv in don_vi_list %}",
            [C(R("{{ dv.ten }}", bold=True), span=5, align="left")],
            "{%tr for tv in dv.thanh_vien %}",
            [
                C("{{ tv.stt }}"),
                C("{{ tv.ho_ten }}", align="left"),
                C("{{ tv.chuc_vu }}", align="left"),
                C("{{ tv.muc_chu }}", align="left"),
                C(R("{{ tv.ghi_chu }}", size=10), align="left"),
            ],
            "{%tr endfor %}",
            "{%tr endfor %}",
        ],
        size=12,
    )
    dk.add_paragraph(doc, R("3. ", bold=True), "{{ nhan.kien_nghi }}",
                     "{% if kien_nghi_vien_chuc %} {{ nhan.kien_nghi_vien_chuc }}{% endif %}", space_before=4, **j)
    # item 4 stays on the page of the signature
    dk.signature_row(
        doc,
        {"recipients": "{{ nhan.noi_nhan }}"},
        {
            # the head signing for the collective (CoQuan ky_thay_mat, ND 30/2020): «TM. <body>» above the post
            "prefix": dk.TM_LINE,
            "prefix_if": "co_quan.ky_thay_mat",
            "title": "{{ co_quan.chuc_vu_ky_hoa }}",
            "hint": "",
            "name": "{{ co_quan.nguoi_dung_dau }}",
        },
        widths_cm=(width - 9.0, 9.0),
        sign_space_cm=2.5,
        lead=[{"parts": [R("4. ", bold=True), "{{ nhan.cong_khai }}"], **j}],
    )
    return doc


SPECS = {s.code: s for s in (BIEN_BAN_HOP, KIEM_DIEM_TAP_THE, BIEN_BAN_KIEM_PHIEU, TONG_HOP_XEP_LOAI,
                             TONG_HOP_THI_DUA, THONG_BAO_KET_QUA)}
BUILDERS = {
    "bien_ban_hop": build_bien_ban_hop,
    "kiem_diem_tap_the": build_kiem_diem_tap_the,
    "bien_ban_kiem_phieu": build_bien_ban_kiem_phieu,
    "tong_hop_xep_loai": build_tong_hop_xep_loai,
    "tong_hop_thi_dua": build_tong_hop_thi_dua,
    "thong_bao_ket_qua": build_thong_bao_ket_qua,
}


# --------------------------------------------------------------------------------------------
# meta.toml
# --------------------------------------------------------------------------------------------
def meta_toml(spec: DocSpec) -> str:
    return dk.meta_toml_text([
        f"# Metadata and corrigible labels of the document «{spec.title}».",
        "# Written by tools/build_unit_templates.py when missing; edit the [labels] freely (the template",
        "# prints them as {{ nhan.<key> }}); build_unit_templates.py keeps this file and only checks it.",
        "# No national template exists (shared/domain/forms.md §6): every label is our reconstruction [R].",
        *dk.meta_identity_lines(spec.code, spec.ma_hieu, spec.title, ISSUING),
        "years = [2020, 2100]          # first and last evaluation year it applies to",
        f"scope = {dk.toml_str(spec.scope)}",
        *dk.meta_signing_lines(spec.recipients, spec.signers),
        *(dk.TM_META if spec.scope == "co_quan" else ()),
        *(["# the paper records the unit's proposals as its meeting made them: every level printed as proposed",
           "# before any decision of the competent evaluator (a decision entered later never changes it)",
           f"giai_doan = {dk.toml_str(spec.giai_doan)}"] if spec.giai_doan else []),
    ], spec.labels)


def build(code: str, *, write_meta: bool = False) -> Path:
    spec = SPECS[code]
    return dk.build_template(TEMPLATES / code, lambda: BUILDERS[code](spec), lambda: meta_toml(spec),
                             rewrite_meta=write_meta, root=ROOT, join_safe=True)


def main(argv: list[str] | None = None) -> int:
    return dk.generator_main(__doc__.splitlines()[0], list(SPECS), build, ROOT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
