"""Build the Word templates of the agency's submission to the Sở Nội vụ:

* ``bao_cao_so_noi_vu`` — Báo cáo kết quả đánh giá, xếp loại chất lượng CBCCVC và NLĐ (A4 portrait,
  Nghị định 30/2020 layout: number, date, "V/v", "Kính gửi", sections I–IV, signature, "Nơi nhận"),
  with the biểu tổng hợp as a table in section II;
* ``bieu_tong_hop`` — the same biểu tổng hợp alone (A4 landscape), plus the per-group HTXS check;
* ``cong_van_so_noi_vu`` — the cover letter sending the package (dossier.md §3.2 item 1);
* ``bao_cao_tu_danh_gia_co_quan`` and ``bien_ban_tu_xep_loai_co_quan`` — the agency's own
  self-rating file (dossier.md §3.2 item 3): its self-assessment report and the minutes of the
  key-staff meeting that votes its level (made only when CoQuan gives the level).

    python tools/build_submission_templates.py                 # both (+ meta.toml if missing)
    python tools/build_submission_templates.py --write-meta    # also overwrite meta.toml
    python tools/build_submission_templates.py bieu_tong_hop   # one only

The report's structure follows shared/domain/forms.md §6.6 (a PROPOSAL there: the real template
comes with each year's Sở Nội vụ letter), so every wording a clerk may need to change is a label in
``templates/<code>/meta.toml`` (printed as ``{{ nhan.<key> }}``). The render context is documented
in docs/submission.md and built by pipeline/submission/report.py.

Blocks are kept together with rows that cannot split across pages (``w:cantSplit``), never with
"keep with next" (``w:keepNext``), which this script strips from the documents it writes.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import docxkit as dk  # noqa: E402
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm  # noqa: E402
from docxkit import Label, R  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LEVELS = tuple(code for code, _words in dk.LEVELS)
# printed in full words (no level code on a signed document)
LEVEL_WORDS = dict(dk.LEVELS)


@dataclass(frozen=True)
class Spec:
    code: str
    ma_hieu: str
    title: str
    signers: tuple[str, ...]
    labels: tuple[Label, ...]
    issuing_document: str = "Đề xuất theo thực tiễn (shared/domain/forms.md §6.6); mẫu chính thức theo văn bản hướng dẫn hằng năm của Sở Nội vụ"


_COMMON = (
    Label("doi_tuong", "cán bộ, công chức, viên chức và người lao động",
          "who is rated, as printed in titles and sentences"),
    Label("ghi_chu_viet_tat",
          "Ghi chú: SL: số lượng; tỷ lệ % tính trên số được đánh giá, xếp loại; "
          "không xếp loại: thời gian công tác trong năm dưới 06 tháng.",
          "note under the table"),
)

BAO_CAO = Spec(
    code="bao_cao_so_noi_vu",
    ma_hieu="",
    title="Báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
    signers=("Người đứng đầu cơ quan",),
    labels=(
        *_COMMON,
        Label("tieu_de", "BÁO CÁO", "title (ND 30/2020: the name of the document type)"),
        Label("trich_yeu", "Kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
              "trích yếu under the title (the year is appended)"),
        Label("mo_dau", "báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
              "opening sentence: 'Thực hiện <rulebook>, <agency> <mo_dau> năm <year> như sau:'"),
        Label("phan_i", "TÌNH HÌNH TRIỂN KHAI THỰC HIỆN", "section I heading"),
        Label("phan_ii", "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", "section II heading"),
        Label("phan_iii", "TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "section III heading"),
        Label("phan_iv", "KIẾN NGHỊ, ĐỀ XUẤT", "section IV heading"),
        Label("ket_thuc", "Trên đây là báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và "
              "người lao động của cơ quan, gửi",
              "closing sentence, followed by the Sở Nội vụ's name (CoQuan.so_noi_vu or derived) and ket_thuc_2"),
        Label("ket_thuc_su_nghiep", "Trên đây là báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên "
              "chức và người lao động của đơn vị, gửi",
              "«ket_thuc» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind; ND 233/2026 rates «đơn vị sự "
              "nghiệp công lập và viên chức»)"),
        Label("ket_thuc_2", "tổng hợp, báo cáo theo quy định./.", "end of the closing sentence"),
        Label("noi_nhan_1", "(để tổng hợp);", "after the Sở Nội vụ's name, the first line under 'Nơi nhận:'"),
        Label("noi_nhan_2", "- Lưu: VT, …", "last line under 'Nơi nhận:' (e.g. '- Lưu: VT, HCQT.')"),
    ),
)

BIEU = Spec(
    code="bieu_tong_hop",
    ma_hieu="Biểu tổng hợp",
    title="Biểu tổng hợp kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
    signers=("Người lập biểu", "Người đứng đầu cơ quan"),
    labels=(
        *_COMMON,
        Label("nguoi_lap", "NGƯỜI LẬP BIỂU", "left signer"),
        Label("tieu_de_ty_le", "KIỂM TRA TỶ LỆ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ THEO NHÓM CÓ NHIỆM VỤ TƯƠNG ĐỒNG",
              "heading of the per-group HTXS check"),
    ),
)

CONG_VAN = Spec(
    code="cong_van_so_noi_vu",
    ma_hieu="",
    title="Công văn gửi hồ sơ đánh giá, xếp loại chất lượng đến Sở Nội vụ",
    signers=("Người đứng đầu cơ quan",),
    issuing_document="Đề xuất theo thực tiễn (shared/domain/dossier.md §3.2 mục 1); thể thức công văn theo Nghị định 30/2020/NĐ-CP",
    labels=(
        Label("trich_yeu", "V/v gửi hồ sơ đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
              "the 'V/v' line under the number (the year is appended)"),
        Label("mo_dau", "gửi hồ sơ đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động",
              "opening: 'Thực hiện <citation>, <agency> <mo_dau> năm <year>, gồm:'"),
        Label("ket_thuc", "Kính đề nghị {so_noi_vu} xem xét, tổng hợp theo quy định./.",
              "closing sentence; {so_noi_vu} is the body addressed (CoQuan.so_noi_vu, else the province's Sở Nội vụ)"),
        Label("noi_nhan_2", "- Lưu: VT, …", "last line under 'Nơi nhận:' (e.g. '- Lưu: VT, HCQT.')"),
    ),
)

_SELF = "Đề xuất theo thực tiễn (shared/domain/dossier.md §3.2 mục 3; seed 001 mục 3.a–b); mẫu chính thức theo khung tiêu chí tập thể và hướng dẫn hằng năm của cấp có thẩm quyền"

TU_DANH_GIA = Spec(
    code="bao_cao_tu_danh_gia_co_quan",
    ma_hieu="",
    title="Báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm của cơ quan",
    signers=("Người đứng đầu cơ quan",),
    issuing_document=_SELF,
    labels=(
        Label("tieu_de", "BÁO CÁO", "title (ND 30/2020: the name of the document type)"),
        Label("trich_yeu", "Tự đánh giá kết quả thực hiện nhiệm vụ năm",
              "trích yếu under the title (the year and the agency's name are appended)"),
        Label("can_cu_truoc_2026", "hướng dẫn của cấp có thẩm quyền về đánh giá, xếp loại chất lượng tập thể",
              "up to 2025 no decree rates agencies (ND 90 rates people): what the opening cites instead "
              "[uncertain: name the province's collective framework, e.g. QĐ 1263-QĐ/TU in seed 001]"),
        Label("mo_dau", "báo cáo tự đánh giá kết quả thực hiện nhiệm vụ", "opening: 'Thực hiện <citation>, <agency> <mo_dau> năm <year> như sau:'"),
        Label("phan_i", "KẾT QUẢ THỰC HIỆN NHIỆM VỤ", "section I heading [uncertain]"),
        Label("phan_ii", "ĐÁNH GIÁ CHUNG", "section II heading [uncertain]"),
        Label("uu_diem", "Ưu điểm", "II.1 heading"),
        Label("han_che", "Tồn tại, hạn chế và nguyên nhân", "II.2 heading"),
        Label("phan_iii", "TỰ ĐÁNH GIÁ, XẾP LOẠI", "section III heading [uncertain]"),
        Label("tu_xep_loai", "tự đánh giá, đề nghị xếp loại mức", "III: '<agency> <tu_xep_loai>: <level in words>.'"),
        Label("phan_iv", "PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM", "section IV heading (the next year is appended)"),
        Label("ket_thuc", "Trên đây là báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm", "closing sentence: '<ket_thuc> <year> của <agency>./.'"),
        Label("noi_nhan_1", "(để tổng hợp);", "after the Sở Nội vụ's name under 'Nơi nhận:'"),
        Label("noi_nhan_2", "- Lưu: VT, …", "last line under 'Nơi nhận:'"),
    ),
)

BIEN_BAN_CO_QUAN = Spec(
    code="bien_ban_tu_xep_loai_co_quan",
    ma_hieu="",
    title="Biên bản họp tự đánh giá, xếp loại cơ quan",
    signers=("Thư ký", "Chủ trì"),
    issuing_document=_SELF,
    labels=(
        Label("so_ky_hieu", "Số: ……/BB-{ky_hieu_co_quan}",
              "number line under the agency's name; {ky_hieu_co_quan} = the agency's abbreviation (CoQuan "
              "ky_hieu_co_quan, else ky_hieu_van_ban before its first «-»; «-{ky_hieu_co_quan}» dropped when there is "
              "none): ND 30/2020 Phụ lục I Phần I mục II.3, a document with a type name is numbered «<type>-<agency>» "
              "(as quoted by luatvietnam.vn and the HCMC Chi cục Văn thư - Lưu trữ; the Gazette text not read: "
              "docs/workbook.md «Document symbols»); \"\" to drop the line"),
        Label("tieu_de", "BIÊN BẢN", "title (ND 30/2020: the name of the document type)"),
        Label("trich_yeu", "Họp tự đánh giá, xếp loại cơ quan năm", "trích yếu (the year is appended)"),
        Label("trich_yeu_su_nghiep", "Họp tự đánh giá, xếp loại đơn vị năm",
              "«trich_yeu» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind; ND 233/2026 rates «đơn vị sự "
              "nghiệp công lập và viên chức»)"),
        Label("thanh_phan", "Cán bộ chủ chốt của cơ quan (Đảng ủy cơ quan, trưởng các phòng, ban, đơn vị, Chủ tịch "
              "Công đoàn, Bí thư Đoàn Thanh niên)",
              "who attends [uncertain: seed 001 3.b lists these for a Văn phòng UBND tỉnh]"),
        Label("thanh_phan_su_nghiep", "Cán bộ chủ chốt của đơn vị (cấp ủy, trưởng các phòng, ban, đơn vị trực thuộc, "
              "Chủ tịch Công đoàn, Bí thư Đoàn Thanh niên)",
              "«thanh_phan» of a đơn vị sự nghiệp công lập: its party committee is an Đảng ủy or a chi ủy, not "
              "«Đảng ủy cơ quan»; «trực thuộc» keeps its khoa, phòng, tổ apart from the unit itself [uncertain]"),
        Label("noi_dung_1", "Hội nghị nghe trình bày dự thảo Báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm",
              "item 1 (the year and the agency are appended)"),
        Label("noi_dung_2", "Ý kiến thảo luận, góp ý của các thành viên dự họp:", "item 2"),
        Label("noi_dung_3", "Kết quả biểu quyết mức xếp loại cơ quan:", "item 3 heading [uncertain: by show of hands or ballot]"),
        Label("noi_dung_3_su_nghiep", "Kết quả biểu quyết mức xếp loại đơn vị:",
              "«noi_dung_3» of a đơn vị sự nghiệp công lập (pipeline.rating.agency_kind)"),
        Label("ket_luan", "Hội nghị thống nhất đề nghị xếp loại", "conclusion: '<ket_luan> <agency> năm <year> ở mức: <level>.'"),
        Label("ket_thuc", "Biên bản được lập xong vào hồi …… giờ …… cùng ngày, đã thông qua trước hội nghị và các thành "
              "viên dự họp thống nhất./.", "closing sentence (the hour is left for handwriting)"),
    ),
)

FORMS = {s.code: s for s in (BAO_CAO, BIEU, CONG_VAN, TU_DANH_GIA, BIEN_BAN_CO_QUAN)}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _row_flags(row, *, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    if trpr.find(qn("w:cantSplit")) is None:
        trpr.append(OxmlElement("w:cantSplit"))
    if header and trpr.find(qn("w:tblHeader")) is None:
        trpr.append(OxmlElement("w:tblHeader"))


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: float = 10,
               align: str = "center") -> None:
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    dk.add_paragraph(cell, R(text, bold=bold, italic=italic, size=size), align=align, space_before=0.5,
                     space_after=0.5, line_spacing=1.0, size=size)
    tcpr = cell._tc.get_or_add_tcPr()
    v = tcpr.find(qn("w:vAlign"))
    if v is None:
        v = OxmlElement("w:vAlign")
        tcpr.append(v)
    v.set(qn("w:val"), "center")


def _grid(doc, widths: Sequence[float], rows: int):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    dk._tbl_layout_fixed(table, widths)
    dk._tbl_cell_margins(table, 0.05, 0.05)
    dk.table_borders_single(table)
    dk._sort_children(table._tbl.tblPr, dk._TBLPR_ORDER)
    return table


def summary_table(doc, widths: Sequence[float], *, size: float = 10) -> None:
    """The biểu tổng hợp: 3 header rows, one looped row per category, the total row.

    Columns: TT | Đối tượng | Tổng số | Số được đánh giá, xếp loại | HTXS SL % | HTT SL % | HT SL % |
    KHT SL % | Không xếp loại | Ghi chú (14 columns)."""
    assert len(widths) == 14
    t = _grid(doc, widths, 7)
    rows = t.rows
    h0, h1, h2, loop_start, data, loop_end, total = rows
    # header
    for col, text in ((0, "TT"), (1, "Đối tượng"), (2, "Tổng số"), (3, "Số được đánh giá, xếp loại"),
                      (12, "Không xếp loại"), (13, "Ghi chú")):
        merged = h0.cells[col].merge(h2.cells[col])
        _cell_text(merged, text, bold=True, size=size)
    top = h0.cells[4].merge(h0.cells[11])
    _cell_text(top, "Kết quả xếp loại chất lượng", bold=True, size=size)
    for k, level in enumerate(LEVELS):
        c = h1.cells[4 + 2 * k].merge(h1.cells[5 + 2 * k])
        _cell_text(c, LEVEL_WORDS[level], bold=True, size=size)
        _cell_text(h2.cells[4 + 2 * k], "SL", bold=True, size=size)
        _cell_text(h2.cells[5 + 2 * k], "%", bold=True, size=size)
    for r in (h0, h1, h2):
        _row_flags(r, header=True)
    # loop rows: docxtpl replaces each {%tr %} row by the tag itself
    _cell_text(loop_start.cells[0], "{%tr for r in bieu.dong %}", size=size)
    _cell_text(loop_end.cells[0], "{%tr endfor %}", size=size)
    values = ["{{ r.stt }}", "{{ r.ten }}", "{{ r.tong }}", "{{ r.xep_loai }}"]
    for level in LEVELS:
        values += ["{{ r." + level + ".so }}", "{{ r." + level + ".ty_le }}"]
    values += ["{{ r.khong_xep_loai }}", "{{ r.ghi_chu }}"]
    for i, v in enumerate(values):
        _cell_text(data.cells[i], v, size=size, align="left" if i in (1, 13) else "center")
    totals = ["", "Tổng cộng", "{{ bieu.tong.tong }}", "{{ bieu.tong.xep_loai }}"]
    for level in LEVELS:
        totals += ["{{ bieu.tong." + level + ".so }}", "{{ bieu.tong." + level + ".ty_le }}"]
    totals += ["{{ bieu.tong.khong_xep_loai }}", "{{ bieu.tong.ghi_chu }}"]
    for i, v in enumerate(totals):
        _cell_text(total.cells[i], v, bold=True, size=size, align="left" if i in (1, 13) else "center")
    for r in (loop_start, data, loop_end, total):
        _row_flags(r)


def group_table(doc, widths: Sequence[float], *, size: float = 10) -> None:
    """Per comparable group: HTXS ≤ ratio × HTT on final levels."""
    assert len(widths) == 8
    t = _grid(doc, widths, 4)
    head, loop_start, data, loop_end = t.rows
    for i, text in enumerate(("TT", "Nhóm có nhiệm vụ tương đồng", "Số được xếp loại", LEVEL_WORDS["HTXS"],
                              LEVEL_WORDS["HTT"], "Số Hoàn thành xuất sắc nhiệm vụ tối đa", "Kết quả kiểm tra",
                              "Ngoại lệ được phép")):
        _cell_text(head.cells[i], text, bold=True, size=size)
    _row_flags(head, header=True)
    _cell_text(loop_start.cells[0], "{%tr for g in nhom %}", size=size)
    _cell_text(loop_end.cells[0], "{%tr endfor %}", size=size)
    for i, v in enumerate(("{{ g.stt }}", "{{ g.nhom }}", "{{ g.so_xep_loai }}", "{{ g.so_htxs }}", "{{ g.so_htt }}",
                           "{{ g.toi_da }}", "{{ g.ket_luan }}", "{{ g.ngoai_le }}")):
        _cell_text(data.cells[i], v, size=size, align="left" if i in (1, 6, 7) else "center")
    for r in (loop_start, data, loop_end):
        _row_flags(r)


def header(doc, *, number: bool, widths=None, number_line: str | None = None) -> None:
    """Managing body over the agency, broken between words that belong together (context `dau`;
    `dau.ngang_*` for the 10 cm column of the landscape table); `number_line`: a number line
    without the place-date line (the agency's minutes: `nhan.so_ky_hieu`)."""
    top, own = ("dau.ngang_tren", "dau.ngang_duoi") if widths and widths[0] >= 9.0 else ("dau.tren", "dau.duoi")
    dk.header_block(
        doc,
        ["{%p if " + top + " %}", "{{ " + top + " }}", "{%p endif %}", "{{ " + own + " }}"],
        number_line="Số: {{ so_hieu }}" if number else number_line,
        place_date="{{ dong_ngay }}" if number else None,
        widths_cm=widths,
        space_after=2,
    )


def strip_keep_next(doc, keep=()) -> None:
    """No "keep with next" anywhere: blocks are kept together by rows that cannot split. Except
    the paragraphs in `keep`: section headings followed by a paragraph (its text or dotted lines),
    which a page must never end with."""
    kept = {p._p for p in keep}
    for part in (doc.element, *(s.header._element for s in doc.sections), *(s.footer._element for s in doc.sections)):
        for el in list(part.iter(qn("w:keepNext"))):
            if el.getparent().getparent() not in kept:
                el.getparent().remove(el)


def dotted_block(doc, expr: str) -> None:
    dk.value_paragraph(doc, expr, align="justify", space_after=3)


# the head signing for the collective (CoQuan ky_thay_mat): «TM. ỦY BAN NHÂN DÂN» (ND 30/2020)
TM_LINE = dk.TM_LINE


def _head_signature(doc, width: float, closing: str, *,
                    first_recipient: str = "- {{ so_noi_vu }} {{ nhan.noi_nhan_1 }}", **closing_kw) -> None:
    """The ``closing`` sentence (``closing_kw`` to its paragraph), 'Nơi nhận' (left: ``first_recipient``
    then `nhan.noi_nhan_2`) and the head's signature (right) in ONE row that cannot split across
    pages: the signature never stands alone on a page."""
    outer = dk._plain_table(doc, [width], cell_margin_cm=0)
    box = outer.rows[0].cells[0]
    dk.add_paragraph(box, closing, align="justify", first_line_cm=1.0, space_after=6, **closing_kw)
    sign = dk._plain_table(box, [width - 8.0, 8.0], cell_margin_cm=0.1)
    left, right = sign.rows[0].cells
    kw = dict(space_before=0, space_after=0, line_spacing=1.0)
    dk.add_paragraph(left, R("Nơi nhận:", bold=True, italic=True, size=12), size=12, **kw)
    dk.add_paragraph(left, R(first_recipient, size=11), size=11, **kw)
    dk.add_paragraph(left, R("{{ nhan.noi_nhan_2 }}", size=11), size=11, **kw)
    # a body working as a collective (CoQuan ky_thay_mat): «TM. <body>» above the post, which then does
    # not repeat the body's name (ND 30/2020 Phụ lục I, the signature part; docs/submission.md)
    dk.p_tag(right, "if co_quan.ky_thay_mat")
    dk.add_paragraph(right, R(TM_LINE, bold=True), align="center", **kw)
    dk.p_tag(right, "endif")
    dk.add_paragraph(right, R("{{ co_quan.chuc_vu_ky_hoa }}", bold=True), align="center", **kw)
    dk.add_paragraph(right, R("{{ co_quan.nguoi_dung_dau }}", bold=True), align="center",
                     **{**kw, "space_before": 2.5 / 2.54 * 72})
    # a cell must end with a paragraph: a tiny one after the nested table
    dk.add_paragraph(box, "", size=1, **kw)


# --------------------------------------------------------------------------------------------
# the report
# --------------------------------------------------------------------------------------------
def build_bao_cao(spec: Spec):
    doc = dk.new_document(title=spec.title, size=14, line_spacing=1.1, space_after=4)
    width = dk.text_width_cm(doc)  # 16 cm
    header(doc, number=True, widths=(6.0, width - 6.0))
    # "V/v …" under the number, in the left column (ND 30/2020: 12–13 pt, centred)
    # ND 30/2020 (a document with a type name): the type in capitals, the trích yếu under it, no "V/v"
    # and no "Kính gửi" (the Sở Nội vụ is named in "Nơi nhận")
    dk.add_paragraph(doc, R("{{ nhan.tieu_de }}", bold=True, size=14), align="center", space_before=10,
                     space_after=0, line_spacing=1.0)
    dk.add_paragraph(doc, R("{{ nhan.trich_yeu }} năm {{ nam }}", bold=True, size=14), align="center",
                     space_before=0, space_after=10, line_spacing=1.0)
    dk.add_paragraph(
        doc,
        "Thực hiện {{ can_cu }} và các văn bản hướng dẫn của cấp có thẩm quyền, {{ co_quan.ten }} {{ nhan.mo_dau }} "
        "năm {{ nam }} như sau:",
        align="justify", first_line_cm=1.0,
    )
    # I
    dk.section_heading(doc, "I. {{ nhan.phan_i }}", space_before=6)
    dotted_block(doc, "cham_trien_khai")
    # II
    dk.section_heading(doc, "II. {{ nhan.phan_ii }}", space_before=6)
    dk.add_paragraph(
        doc,
        "1. Tổng số {{ nhan.doi_tuong }} của {{ co_quan.danh_tu }}: {{ kq.tong }} người{% if kq.nguoi_dung_dau %} (kể "
        "cả người đứng đầu {{ co_quan.danh_tu }}, do cấp trên trực tiếp đánh giá, xếp loại){% endif %}; trong đó được "
        "đánh giá, "
        "xếp loại: {{ kq.xep_loai }} người; không đánh giá, xếp loại (thời gian công tác trong năm dưới 06 tháng): "
        "{{ kq.khong_xep_loai }} người.",
        align="justify", first_line_cm=1.0,
    )
    dk.add_paragraph(doc, "2. Kết quả xếp loại chất lượng (tỷ lệ tính trên số được đánh giá, xếp loại):",
                     align="justify", first_line_cm=1.0, space_after=0)
    dk.p_tag(doc, "for m in kq.muc")
    dk.add_paragraph(doc, "- {{ m.ten }}: {{ m.so }} người, tỷ lệ {{ m.ty_le }}%{{ ';' if kq.chua_co_muc or not loop.last else '.' }}", align="justify",
                     first_line_cm=1.0, space_after=0)
    dk.p_tag(doc, "endfor")
    dk.p_tag(doc, "if kq.chua_co_muc")
    dk.add_paragraph(doc, "- Chưa có mức xếp loại: {{ kq.chua_co_muc }} người.", align="justify",
                     first_line_cm=1.0, space_after=0)
    dk.p_tag(doc, "endif")
    dk.add_paragraph(doc, R("({{ kq.can_cu_muc }}.)", italic=True), align="justify", first_line_cm=1.0)  # a sentence: its stop
    dk.add_paragraph(doc, "3. Kết quả theo từng đối tượng (biểu tổng hợp):", align="justify", first_line_cm=1.0)
    # 16 cm: TT, đối tượng, tổng, được xếp loại, 4 × (SL, %), không xếp loại, ghi chú
    summary_table(doc, [0.6, 3.2, 0.9, 1.45, 0.75, 1.0, 0.75, 1.0, 0.75, 1.0, 0.75, 1.0, 1.3, 1.55], size=9)
    dk.add_paragraph(doc, R("{{ nhan.ghi_chu_viet_tat }}", italic=True, size=11), align="justify",
                     space_before=3, size=11)
    dk.add_paragraph(
        doc,
        "4. Tỷ lệ Hoàn thành xuất sắc nhiệm vụ trong từng nhóm có nhiệm vụ tương đồng (không vượt quá "
        "{{ ty_le_toi_da }}% số Hoàn thành tốt nhiệm vụ của nhóm, tính trên {{ muc_tinh_ty_le or "
        "'mức xếp loại cuối cùng' }}):",
        align="justify", first_line_cm=1.0, space_after=0,
    )
    dk.p_tag(doc, "for g in nhom")
    dk.add_paragraph(doc, "- Nhóm «{{ g.nhom }}»: Hoàn thành xuất sắc nhiệm vụ {{ g.so_htxs }} người, Hoàn thành tốt "
                     "nhiệm vụ {{ g.so_htt }} người{% if g.toi_da %}, tối đa {{ g.toi_da }} người Hoàn thành xuất sắc nhiệm vụ{% endif %} — "
                     "{{ g.ket_luan }}{% if g.ngoai_le %} ({{ g.ngoai_le }}){% endif %}{{ ';' if not loop.last else '.' }}",
                     align="justify", first_line_cm=1.0, space_after=0)
    dk.p_tag(doc, "endfor")
    dk.add_paragraph(doc, "", size=4, space_after=0)
    # III, IV
    dk.section_heading(doc, "III. {{ nhan.phan_iii }}", space_before=6)
    dotted_block(doc, "cham_ton_tai")
    dk.section_heading(doc, "IV. {{ nhan.phan_iv }}", space_before=6)
    dotted_block(doc, "cham_kien_nghi")
    _head_signature(doc, width, "{{ nhan.ket_thuc }} {{ so_noi_vu }} {{ nhan.ket_thuc_2 }}")
    dk.add_page_numbers(doc)
    strip_keep_next(doc)
    return doc


# --------------------------------------------------------------------------------------------
# the table alone (landscape)
# --------------------------------------------------------------------------------------------
def build_bieu(spec: Spec):
    doc = dk.new_document(title=spec.title, size=13, line_spacing=1.0, space_after=2,
                          margins_cm=(2.0, 2.0, 2.0, 2.0))
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    width = dk.text_width_cm(doc)  # 25.7 cm
    header(doc, number=False, widths=(10.0, width - 10.0))
    dk.title(doc, "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
             "{{ nhan.doi_tuong|upper }} NĂM {{ nam }}", size=13, space_before=0, space_after=0)
    dk.add_paragraph(doc, R("(Kèm theo Báo cáo số {{ so_hieu }} của {{ co_quan.ten }})", italic=True),
                     align="center", space_after=4)
    # the columns add up to the text width (26.7 cm ran 0.5 cm into each side margin); the note
    # column («1 người chưa có mức: …») takes what the category column can spare
    summary_table(doc, [1.0, 5.2, 1.6, 2.1, 1.3, 1.5, 1.3, 1.5, 1.3, 1.5, 1.3, 1.5, 1.6, 3.0], size=10)
    # the biểu may travel without its report: it says itself whether the levels are decided or proposed
    dk.add_paragraph(doc, R("{{ nhan.ghi_chu_viet_tat }} {{ can_cu_muc }}.", italic=True, size=11), align="justify",
                     space_before=3, size=11)
    dk.add_paragraph(doc, R("{{ nhan.tieu_de_ty_le }}", bold=True, size=12), align="center", space_before=4, size=12)
    group_table(doc, [1.0, 6.7, 2.4, 2.0, 2.0, 2.4, 4.6, 4.6], size=10)
    dk.signature_table(
        doc,
        {"date": " ", "title": "{{ nhan.nguoi_lap }}", "hint": "(Ký, ghi rõ họ tên)", "name": ""},
        {"date": "{{ dong_ngay }}", "prefix": TM_LINE, "prefix_if": "co_quan.ky_thay_mat",
         "title": "{{ co_quan.chuc_vu_ky_hoa }}", "hint": "", "name": "{{ co_quan.nguoi_dung_dau }}"},
        widths_cm=(width / 2, width / 2), space_before=2, sign_space_cm=1.6,
    )
    strip_keep_next(doc)
    return doc


def build_cong_van(spec: Spec):
    """The cover letter (dossier.md §3.2 item 1): a công văn (ND 30/2020) — number and "V/v" under
    the agency, "Kính gửi" the province's Sở Nội vụ, the list of what is enclosed, "Nơi nhận" and
    the head's signature kept together."""
    doc = dk.new_document(title=spec.title, size=14, line_spacing=1.1, space_after=4)
    width = dk.text_width_cm(doc)
    header(doc, number=True, widths=(6.0, width - 6.0))
    left = doc.tables[-1].rows[0].cells[0]
    dk.add_paragraph(left, R("{{ nhan.trich_yeu }} năm\u00a0{{ nam }}", size=12), align="center", space_before=2,
                     space_after=0, line_spacing=1.0, size=12)
    dk.add_paragraph(doc, R("Kính gửi: {{ so_noi_vu }}.", size=14), align="center", space_before=8, space_after=10)
    dk.add_paragraph(doc, "Thực hiện {{ can_cu }} và hướng dẫn của {{ so_noi_vu }}, {{ co_quan.ten }} {{ nhan.mo_dau }} "
                     "năm {{ nam }}, gồm:", align="justify", first_line_cm=1.0)
    dk.p_tag(doc, "for k in kem_theo")
    dk.add_paragraph(doc, "{{ loop.index }}. {{ k }}", align="justify", first_line_cm=1.0, space_after=2)
    dk.p_tag(doc, "endfor")
    _head_signature(doc, width, "{{ nhan.ket_thuc }}", first_recipient="- Như trên;", space_before=4)
    dk.add_page_numbers(doc)
    strip_keep_next(doc)
    return doc


def build_tu_danh_gia(spec: Spec):
    """The agency's self-assessment report (dossier.md §3.2 item 3): a BÁO CÁO under ND 30/2020,
    signed by the head; each section prints the workbook's text or dotted lines for handwriting."""
    doc = dk.new_document(title=spec.title, size=14, line_spacing=1.1, space_after=4)
    width = dk.text_width_cm(doc)
    header(doc, number=True, widths=(6.0, width - 6.0))
    dk.add_paragraph(doc, R("{{ nhan.tieu_de }}", bold=True, size=14), align="center", space_before=10,
                     space_after=0, line_spacing=1.0)
    dk.add_paragraph(doc, R("{{ nhan.trich_yeu }} {{ nam }} của {{ co_quan.ten }}", bold=True, size=14),
                     align="center", space_before=0, space_after=10, line_spacing=1.0)
    dk.add_paragraph(doc, "Thực hiện {{ can_cu_co_quan }}, {{ co_quan.ten }} {{ nhan.mo_dau }} năm {{ nam }} như sau:",
                     align="justify", first_line_cm=1.0)
    heads = [dk.section_heading(doc, "I. {{ nhan.phan_i }}", space_before=6)]
    dotted_block(doc, "td.ket_qua")
    heads.append(dk.section_heading(doc, "II. {{ nhan.phan_ii }}", space_before=6))
    heads.append(dk.add_paragraph(doc, R("1. {{ nhan.uu_diem }}", bold=True), align="justify", first_line_cm=1.0))
    dotted_block(doc, "td.uu_diem")
    heads.append(dk.add_paragraph(doc, R("2. {{ nhan.han_che }}", bold=True), align="justify", first_line_cm=1.0))
    dotted_block(doc, "td.han_che")
    heads.append(dk.section_heading(doc, "III. {{ nhan.phan_iii }}", space_before=6))
    dk.p_tag(doc, "if td.diem")
    dk.add_paragraph(doc, "Tổng điểm tự đánh giá: {{ td.diem.tong }}/100 điểm{% if td.diem.chung %} (tiêu chí chung: "
                     "{{ td.diem.chung }}/30 điểm; kết quả thực hiện nhiệm vụ: {{ td.diem.nhiem_vu }}/70 điểm){% endif %}.",
                     align="justify", first_line_cm=1.0)
    dk.p_tag(doc, "endif")
    dk.add_paragraph(doc, "{{ co_quan.ten }} {{ nhan.tu_xep_loai }}: {{ td.muc }}.", align="justify", first_line_cm=1.0)
    heads.append(dk.section_heading(doc, "IV. {{ nhan.phan_iv }} {{ nam + 1 }}", space_before=6))
    dotted_block(doc, "td.phuong_huong")
    _head_signature(doc, width, "{{ nhan.ket_thuc }} {{ nam }} của {{ co_quan.ten }}./.", space_before=4)
    dk.add_page_numbers(doc)
    dk.keep_with_next(*heads)  # the bold item lines; section_heading set its own
    strip_keep_next(doc, keep=heads)
    return doc


def build_bien_ban_co_quan(spec: Spec):
    """Minutes of the key-staff meeting that votes the agency's own level (dossier.md §3.2 item 3):
    time, attendance and the vote from the workbook, dotted lines where it gives none."""
    doc = dk.new_document(title=spec.title, size=14, line_spacing=1.1, space_after=4)
    width = dk.text_width_cm(doc)
    # the number line of minutes, as the unit minutes print it (bien_ban_hop `so_ky_hieu`)
    header(doc, number=False, widths=(6.0, width - 6.0), number_line="{{ nhan.so_ky_hieu }}")
    dk.add_paragraph(doc, R("{{ nhan.tieu_de }}", bold=True, size=14), align="center", space_before=10,
                     space_after=0, line_spacing=1.0)
    dk.add_paragraph(doc, R("{{ nhan.trich_yeu }} {{ nam }} của {{ co_quan.ten }}", bold=True, size=14),
                     align="center", space_before=0, space_after=10, line_spacing=1.0)
    para = dict(align="justify", first_line_cm=1.0)
    dk.add_paragraph(doc, "Thời gian: {{ bb.thoi_gian }}.", **para)
    dk.add_paragraph(doc, "Địa điểm: {{ bb.dia_diem }}", align="left", first_line_cm=1.0)
    left_para = dict(align="left", first_line_cm=1.0)
    dk.add_paragraph(doc, "Thành phần: {{ nhan.thanh_phan }}.", **para)
    dk.add_paragraph(doc, "Số người được triệu tập: {{ bb.trieu_tap }}.", **left_para)
    dk.add_paragraph(doc, "Có mặt: {{ bb.co_mat }}; vắng mặt: {{ bb.vang }}.", **left_para)
    dk.add_paragraph(doc, "Chủ trì: {{ bb.chu_tri }}.", **para)
    dk.add_paragraph(doc, "Thư ký: {{ bb.thu_ky }}.", **left_para)
    heads = [dk.section_heading(doc, "NỘI DUNG", space_before=6)]
    dk.add_paragraph(doc, "1. {{ nhan.noi_dung_1 }} {{ nam }} của {{ co_quan.ten }}.", **para)
    dk.add_paragraph(doc, "2. {{ nhan.noi_dung_2 }}", **para)
    dotted_block(doc, "bb.y_kien")
    dk.add_paragraph(doc, "3. {{ nhan.noi_dung_3 }}", **para)
    dk.p_tag(doc, "if bb.phieu")
    dk.add_paragraph(doc, "- Số người biểu quyết: {{ bb.phieu.bieu_quyet }};", **para)
    dk.add_paragraph(doc, "- Đồng ý xếp loại mức «{{ bb.muc }}»: {{ bb.phieu.dong_y }}/{{ bb.phieu.bieu_quyet }} "
                     "({{ bb.phieu.ty_le }}%);", **para)
    dk.add_paragraph(doc, "- Không đồng ý: {{ bb.phieu.khong_dong_y }}.", **para)
    dk.p_tag(doc, "else")
    dotted_block(doc, "bb.cham_phieu")
    dk.p_tag(doc, "endif")
    dk.add_paragraph(doc, "4. {{ nhan.ket_luan }} {{ co_quan.ten }} năm {{ nam }} ở mức: {{ bb.muc }}.", **para)
    outer = dk._plain_table(doc, [width], cell_margin_cm=0)
    box = outer.rows[0].cells[0]
    dk.add_paragraph(box, "{{ nhan.ket_thuc }}", align="justify", first_line_cm=1.0, space_before=4, space_after=6)
    sign = dk._plain_table(box, [width / 2, width / 2], cell_margin_cm=0.1)
    left, right = sign.rows[0].cells
    kw = dict(space_before=0, space_after=0, line_spacing=1.0)
    for cell, title, name in ((left, "THƯ KÝ", "bb.ten_thu_ky"), (right, "CHỦ TRÌ", "bb.ten_chu_tri")):
        dk.add_paragraph(cell, R(title, bold=True), align="center", **kw)
        dk.add_paragraph(cell, R("(Ký, ghi rõ họ tên)", italic=True, size=12), align="center", size=12, **kw)
        dk.add_paragraph(cell, R("{{ " + name + " }}", bold=True), align="center",
                         **{**kw, "space_before": 2.5 / 2.54 * 72})
    dk.add_paragraph(box, "", size=1, **kw)
    dk.add_page_numbers(doc)
    strip_keep_next(doc, keep=heads)
    return doc


BUILDERS = {"bao_cao_so_noi_vu": build_bao_cao, "bieu_tong_hop": build_bieu, "cong_van_so_noi_vu": build_cong_van,
            "bao_cao_tu_danh_gia_co_quan": build_tu_danh_gia, "bien_ban_tu_xep_loai_co_quan": build_bien_ban_co_quan}


# --------------------------------------------------------------------------------------------
# meta.toml and main
# --------------------------------------------------------------------------------------------
def meta_toml(spec: Spec) -> str:
    return dk.meta_toml_text([
        f"# Metadata and corrigible labels of «{spec.title}» (agency submission to the Sở Nội vụ).",
        "# Written by tools/build_submission_templates.py when missing; edit the [labels] freely (the",
        "# template prints them as {{ nhan.<key> }}). shared/domain/forms.md §6.6: the layout is a PROPOSAL;",
        "# the Sở Nội vụ letter of each year is the authority.",
        *dk.meta_identity_lines(spec.code, spec.ma_hieu, spec.title, spec.issuing_document),
        "years = [2020, 2100]",
        'scope = "co_quan"',
        *dk.meta_signing_lines("Sở Nội vụ", spec.signers),
        *(dk.TM_META if spec.code in HEAD_SIGNED else ()),
    ], spec.labels)


# the documents the head signs for the agency (TM_LINE when CoQuan ky_thay_mat is given)
HEAD_SIGNED = frozenset({"bao_cao_so_noi_vu", "bieu_tong_hop", "cong_van_so_noi_vu", "bao_cao_tu_danh_gia_co_quan"})


def build(code: str, *, write_meta: bool = False) -> Path:
    spec = FORMS[code]
    return dk.build_template(TEMPLATES / code, lambda: BUILDERS[code](spec), lambda: meta_toml(spec),
                             rewrite_meta=write_meta, root=ROOT, note_unused=False)


def main(argv: list[str] | None = None) -> int:
    return dk.generator_main(__doc__.splitlines()[0], sorted(FORMS), build, ROOT, argv)


if __name__ == "__main__":
    raise SystemExit(main())
