"""docxkit: small python-docx helpers to author docxtpl form templates laid out per
Nghị định 30/2020/NĐ-CP (Vietnamese administrative documents).

Used by every template generator (``tools/build_templates.py``, ``build_2026_templates.py``,
``build_unit_templates.py``, ``build_submission_templates.py``), which also share here what is the
same in them: the four levels and their boxes/list (:data:`LEVELS`, :func:`level_choice`), the
state and party headers (:func:`state_header`, :func:`party_header`), the labels and the meta.toml
writer (:class:`Label`, :func:`meta_toml_text`) and the command line (:func:`generator_main`).

Rules this module enforces, because docxtpl depends on them:

* a Jinja tag ``{{ … }}`` / ``{% … %}`` always sits inside ONE run (``add_run`` is given the
  whole tag); :func:`run_spec` checks that every run's tags are balanced;
* block tags that must not leave an empty paragraph behind (``{%p if … %}``, ``{%p endif %}``)
  get a paragraph of their own (:func:`p_tag`);
* a ``Listing`` value (multi-line text) is printed alone in its run (:func:`value_paragraph`).

Fonts: body text is "Times New Roman" (LibreOffice maps it to Liberation Serif 2, which has every
Vietnamese letter); the tick boxes ☐ ☒ are put in runs with font "DejaVu Sans" (:data:`BOX_FONT`),
because Times New Roman / Liberation Serif have no such glyphs.

Sizes follow ND 30/2020 Phụ lục I: A4, margins top 2 cm, bottom 2 cm, left 3 cm, right 2 cm; body
13–14 pt; quốc hiệu 12–13 pt bold capitals; tiêu ngữ 13–14 pt bold; agency name 12–13 pt capitals
(the agency itself bold, the superior agency normal); a short rule under the agency name and a rule
as long as the tiêu ngữ under it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

__all__ = [
    "SERIF",
    "BOX_FONT",
    "BOX_EMPTY",
    "BOX_CHECKED",
    "DOTS",
    "QUOC_HIEU",
    "TIEU_NGU",
    "DANG_HIEU",
    "R",
    "run_spec",
    "new_document",
    "text_width_cm",
    "add_paragraph",
    "p_tag",
    "rule",
    "header_block",
    "form_code_line",
    "title",
    "section_heading",
    "item_heading",
    "field_line",
    "value_paragraph",
    "note_paragraph",
    "choice_line",
    "signature_table",
    "add_page_numbers",
    "save_reproducible",
    "keep_with_next",
    "jinja_tags",
    "used_names",
]

SERIF = "Times New Roman"
BOX_FONT = "DejaVu Sans"
BOX_EMPTY = "\u2610"  # ☐
BOX_CHECKED = "\u2612"  # ☒
DOTS = "\u2026"  # … (one em wide in Times New Roman: 32 of them fill a 16 cm line at 14 pt)

DOTS_FIELD = DOTS * 20  # about 10 cm at 14 pt: a value left for handwriting
# "Đơn vị công tác" value of a form about one person: the unit, then the agency when the unit is
# not the agency itself (dots when the workbook names neither); a unit with its own body (DonVi
# co_quan_in, e.g. the Thường trực HĐND in a UBND xã's workbook) is followed by that body
DON_VI_EXPR = (
    "{% if don_vi.ten %}{{ don_vi.ten }}{% if don_vi.ten != (don_vi.co_quan_in or co_quan.ten) %}, "
    "{{ don_vi.co_quan_in or co_quan.ten }}"
    "{% endif %}{% else %}{{ co_quan.ten or '" + DOTS_FIELD + "' }}{% endif %}"
)
# The agency's own documents signed by the head for a body working as a collective (CoQuan ky_thay_mat):
# «TM. <body>» in capitals above the post (ND 30/2020, Phụ lục I, the signature part)
TM_LINE = "TM. {{ co_quan.ky_thay_mat_hoa }}"
# meta.toml comment of the documents that print it (the generators write it into their meta.toml)
TM_META = (
    "# Signature: the head's post and name; with CoQuan `ky_thay_mat` (a body working as a collective, e.g. the",
    "# Ủy ban nhân dân) «TM. <BODY>» above the post, which then does not repeat the body's name (CoQuan",
    "# `chuc_vu_ky_thay_mat`, else derived: «CHỦ TỊCH»). Nghị định 30/2020/NĐ-CP Phụ lục I (signature part): its",
    "# text was not read for this (UNCONFIRMED); the rule it replaced, Thông tư 01/2011/TT-BNV Art. 12.1.a-b",
    "# (read), says «TM.» before the collective's name and no agency name in the signer's post (docs/submission.md).",
)

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
DANG_HIEU = "ĐẢNG CỘNG SẢN VIỆT NAM"

# Widths measured with Liberation Serif 2 Bold (metric-compatible with Times New Roman), in cm.
_TIEU_NGU_CM = {13: 5.61, 14: 6.04}
_QUOC_HIEU_CM = {12: 8.77, 13: 9.50}

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


# ---------------------------------------------------------------------------------------------
# runs
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class R:
    """One run: text plus formatting. ``None`` means "inherit from the paragraph/style"."""

    text: str
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    font: str | None = None
    underline: bool | None = None
    caps: bool | None = None


def run_spec(part: str | R) -> R:
    """Normalise a str or :class:`R`; refuse a run whose Jinja tags are not all closed inside it."""
    r = part if isinstance(part, R) else R(part)
    t = r.text
    for op, cl in (("{{", "}}"), ("{%", "%}"), ("{#", "#}")):
        if t.count(op) != t.count(cl):
            raise ValueError(f"Jinja tag split across runs (unbalanced {op} {cl}) in run: {t!r}")
    return r


def _set_fonts(rpr_parent, name: str) -> None:
    """Set w:rFonts ascii/hAnsi/cs/eastAsia on a run (or style) element."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)
    # a theme font attribute would win over the explicit name: remove them
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attr), None)


def _apply_run(run, spec: R, default_size: float | None = None) -> None:
    if spec.bold is not None:
        run.bold = spec.bold
    if spec.italic is not None:
        run.italic = spec.italic
    if spec.underline is not None:
        run.underline = spec.underline
    if spec.caps is not None:
        run.font.all_caps = spec.caps
    size = spec.size if spec.size is not None else default_size
    if size is not None:
        run.font.size = Pt(size)
        # complex-script size too, so every script uses the same size
        rpr = run._r.get_or_add_rPr()
        szcs = rpr.find(qn("w:szCs"))
        if szcs is None:
            szcs = OxmlElement("w:szCs")
            rpr.find(qn("w:sz")).addnext(szcs)  # schema order: sz, szCs, highlight, u, …
        szcs.set(qn("w:val"), str(int(round(size * 2))))
    if spec.font:
        run.font.name = spec.font
        _set_fonts(run._r, spec.font)


def _add_runs(par, parts: Iterable[str | R], size: float | None = None) -> None:
    for part in parts:
        spec = run_spec(part)
        if spec.text == "":
            continue
        run = par.add_run(spec.text)
        _apply_run(run, spec, size)


# ---------------------------------------------------------------------------------------------
# document
# ---------------------------------------------------------------------------------------------
def new_document(
    *,
    font: str = SERIF,
    size: float = 14,
    line_spacing: float = 1.15,
    space_after: float = 3,
    margins_cm: tuple[float, float, float, float] = (2.0, 2.0, 3.0, 2.0),
    lang: str = "vi-VN",
    title: str | None = None,
):
    """A4 document per ND 30/2020: margins (top, bottom, left, right) = 2, 2, 3, 2 cm,
    ``font`` ``size`` pt as the default for every paragraph and table, line spacing
    ``line_spacing``, ``space_after`` pt after each paragraph, document language ``lang``.
    """
    doc = Document()
    sec = doc.sections[0]
    sec.page_width = Cm(21.0)
    sec.page_height = Cm(29.7)
    top, bottom, left, right = margins_cm
    sec.top_margin = Cm(top)
    sec.bottom_margin = Cm(bottom)
    sec.left_margin = Cm(left)
    sec.right_margin = Cm(right)
    sec.header_distance = Cm(1.0)
    sec.footer_distance = Cm(1.0)
    sec.gutter = Cm(0)

    # document defaults (also reach tables and styles that do not inherit from Normal)
    styles_el = doc.styles.element
    rpr_default = styles_el.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if rpr_default is not None:
        for child in list(rpr_default):
            if child.tag in (qn("w:rFonts"), qn("w:sz"), qn("w:szCs"), qn("w:lang")):
                rpr_default.remove(child)
        fonts = OxmlElement("w:rFonts")
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), font)
        rpr_default.insert(0, fonts)
        for tag in ("w:sz", "w:szCs"):
            el = OxmlElement(tag)
            el.set(qn("w:val"), str(int(round(size * 2))))
            rpr_default.append(el)
        el = OxmlElement("w:lang")
        el.set(qn("w:val"), lang)
        el.set(qn("w:eastAsia"), lang)
        el.set(qn("w:bidi"), "ar-SA")
        rpr_default.append(el)

    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    _set_fonts(normal.element, font)
    rpr = normal.element.get_or_add_rPr()
    szcs = rpr.find(qn("w:szCs"))
    if szcs is None:
        szcs = OxmlElement("w:szCs")
        rpr.append(szcs)
    szcs.set(qn("w:val"), str(int(round(size * 2))))
    pf = normal.paragraph_format
    pf.line_spacing = line_spacing
    pf.space_before = Pt(0)
    pf.space_after = Pt(space_after)
    pf.widow_control = True

    # Word/LibreOffice: do not stretch a justified line that ends with a manual line break
    # (Listing values are joined with <w:br/>).
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))

    cp = doc.core_properties
    cp.author = "hoso"
    cp.last_modified_by = "hoso"
    cp.comments = "Generated with docxkit (tools/build_templates.py); rebuilding overwrites edits."
    if title:
        cp.title = title
    return doc


def text_width_cm(doc) -> float:
    """Usable width between the margins of the first section, in cm."""
    sec = doc.sections[0]
    return (sec.page_width - sec.left_margin - sec.right_margin) / 360000


def add_paragraph(
    container,
    *parts: str | R,
    align: str = "left",
    bold: bool | None = None,
    italic: bool | None = None,
    size: float | None = None,
    space_before: float | None = None,
    space_after: float | None = None,
    line_spacing: float | None = None,
    first_line_cm: float | None = None,
    left_cm: float | None = None,
    right_cm: float | None = None,
    keep_next: bool | None = None,
    keep_together: bool | None = None,
    page_break_before: bool | None = None,
    tabs_cm: Sequence[float] = (),
):
    """Add a paragraph made of ``parts`` (str or :class:`R`) to a document or table cell.

    ``bold``/``italic``/``size`` apply to every part that does not set its own value.
    ``align``: left, center, right, justify.
    """
    par = container.add_paragraph()
    par.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    pf = par.paragraph_format
    if space_before is not None:
        pf.space_before = Pt(space_before)
    if space_after is not None:
        pf.space_after = Pt(space_after)
    if line_spacing is not None:
        pf.line_spacing = line_spacing
    if first_line_cm is not None:
        pf.first_line_indent = Cm(first_line_cm)
    if left_cm is not None:
        pf.left_indent = Cm(left_cm)
    if right_cm is not None:
        pf.right_indent = Cm(right_cm)
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if keep_together is not None:
        pf.keep_together = keep_together
    if page_break_before is not None:
        pf.page_break_before = page_break_before
    for pos in tabs_cm:
        pf.tab_stops.add_tab_stop(Cm(pos))
    specs = []
    for part in parts:
        s = run_spec(part)
        specs.append(
            R(
                s.text,
                bold=s.bold if s.bold is not None else bold,
                italic=s.italic if s.italic is not None else italic,
                size=s.size if s.size is not None else size,
                font=s.font,
                underline=s.underline,
                caps=s.caps,
            )
        )
    _add_runs(par, specs)
    if size is not None:
        _mark_size(par, size)
    return par


def _mark_size(par, size: float) -> None:
    """Give the paragraph mark a size too (it sets the height of an empty paragraph)."""
    ppr = par._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            rpr.append(el)
        el.set(qn("w:val"), str(int(round(size * 2))))


def p_tag(container, tag: str):
    """A paragraph holding only a docxtpl paragraph-level tag, e.g. ``p_tag(doc, "if x")`` gives
    ``{%p if x %}``. docxtpl replaces the whole paragraph by the tag, so it leaves no empty line."""
    tag = tag.strip()
    if tag.startswith("{%"):
        text = tag
    else:
        text = "{%p " + tag + " %}"
    if not text.startswith("{%p"):
        raise ValueError(f"p_tag needs a {{%p … %}} tag, got {text!r}")
    return add_paragraph(container, text)


def table_gap(container):
    """A 1 pt empty paragraph no docxtpl tag removes, between a table and a table that follows it
    after paragraphs that may all vanish (``{%p if %}``/``{%p for %}`` blocks). Two tables with no
    paragraph between them are one table to Word and LibreOffice: the first one takes the second's
    borders (a results table printed with no lines when the signatures' borderless table follows it)."""
    par = add_paragraph(container, "", space_before=0, space_after=0, line_spacing=1.0)
    _mark_size(par, 1)
    return par


def keep_with_next(*paragraphs) -> None:
    for p in paragraphs:
        p.paragraph_format.keep_with_next = True


def body_mark(doc) -> int:
    """The number of block elements in the body so far: give it to :func:`keep_together_from`."""
    return len([el for el in doc.element.body if el.tag != qn("w:sectPr")])


def keep_together_from(doc, mark: int):
    """Keep every block added since ``mark`` (:func:`body_mark`) on one page, so that no
    signature block is left alone on the last page: the blocks are moved into the single cell of
    a borderless full-width table whose row cannot split (a page break then comes before the
    whole part when it does not fit). Use for a short closing part (well under a page) made of
    several signature blocks. Returns the table."""
    body = doc.element.body
    blocks = [el for el in body if el.tag != qn("w:sectPr")][mark:]
    table = _plain_table(doc, [text_width_cm(doc)], cell_margin_cm=0.0)
    cell = table.rows[0].cells[0]
    for el in blocks:
        cell._tc.append(el)  # moves it
    _ensure_cell_paragraph(cell)
    if cell._tc[-1].tag == qn("w:tbl"):  # a cell must end with a paragraph
        cell.add_paragraph()
    return table


def _set_border(par, side: str = "bottom", sz_eighths: int = 6, color: str = "000000") -> None:
    ppr = par._p.get_or_add_pPr()
    bdr = ppr.find(qn("w:pBdr"))
    if bdr is None:
        bdr = OxmlElement("w:pBdr")
        # schema order: pBdr comes after keepNext…/numPr/suppressLineNumbers; before shd/tabs/spacing
        anchor = None
        for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc"):
            anchor = ppr.find(qn(tag))
            if anchor is not None:
                break
        if anchor is not None:
            anchor.addprevious(bdr)
        else:
            ppr.append(bdr)
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(sz_eighths))
    el.set(qn("w:space"), "1")
    el.set(qn("w:color"), color)
    bdr.append(el)


def rule(container, width_cm: float, container_width_cm: float, *, space_after: float = 4):
    """A centred horizontal rule ``width_cm`` long: an empty 2 pt paragraph with a bottom border,
    its length set by equal left/right indents (renders cleanly in LibreOffice and Word)."""
    side = max(0.0, (container_width_cm - width_cm) / 2)
    par = add_paragraph(
        container,
        align="center",
        left_cm=side,
        right_cm=side,
        space_before=0,
        space_after=space_after,
        line_spacing=1.0,
        size=2,
    )
    _set_border(par, "bottom", 6)
    return par


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------
def _tbl_borders_none(table) -> None:
    tblpr = table._tbl.tblPr
    borders = tblpr.find(qn("w:tblBorders"))
    if borders is None:
        borders = OxmlElement("w:tblBorders")
        tblpr.append(borders)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)


def _tbl_layout_fixed(table, widths_cm: Sequence[float], indent_cm: float = 0.0) -> None:
    tbl = table._tbl
    tblpr = tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        tblpr.append(tblw)
    tblw.set(qn("w:w"), str(int(round(sum(widths_cm) * 567))))
    tblw.set(qn("w:type"), "dxa")
    if tblpr.find(qn("w:tblLayout")) is None:
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblpr.append(layout)
    if indent_cm:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(int(round(indent_cm * 567))))
        ind.set(qn("w:type"), "dxa")
        tblpr.append(ind)
    grid = tbl.tblGrid
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=False):
        gc.set(qn("w:w"), str(int(round(w * 567))))
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(w)


def _tbl_cell_margins(table, left_cm: float, right_cm: float) -> None:
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, val in (("top", 0), ("left", left_cm), ("bottom", 0), ("right", right_cm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(round(val * 567))))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]


def _sort_children(el, order: list[str]) -> None:
    """Reorder child elements by OOXML schema sequence (Word rejects out-of-order ones)."""
    rank = {qn("w:" + n): i for i, n in enumerate(order)}
    kids = list(el)
    for k in kids:
        el.remove(k)
    for k in sorted(kids, key=lambda k: rank.get(k.tag, len(order))):
        el.append(k)


def _row_cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    trpr.append(el)


def _plain_table(doc, widths_cm: Sequence[float], *, cell_margin_cm: float = 0.1, indent_cm=0.0):
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER if not indent_cm else None
    table.autofit = False
    _tbl_borders_none(table)
    _tbl_layout_fixed(table, widths_cm, indent_cm)
    _tbl_cell_margins(table, cell_margin_cm, cell_margin_cm)
    _row_cant_split(table.rows[0])
    _sort_children(table._tbl.tblPr, _TBLPR_ORDER)
    # drop the empty first paragraph python-docx puts in each cell; callers add their own
    for cell in table.rows[0].cells:
        for p in list(cell.paragraphs):
            p._p.getparent().remove(p._p)
    return table


def _ensure_cell_paragraph(cell) -> None:
    """A table cell must end with a paragraph."""
    if not cell.paragraphs:
        cell.add_paragraph()


# ---------------------------------------------------------------------------------------------
# header
# ---------------------------------------------------------------------------------------------
def header_block(
    doc,
    left_lines: Sequence[str | R | Sequence[str | R]],
    right_lines: Sequence[str | R | Sequence[str | R]] | None = None,
    *,
    party: bool = False,
    widths_cm: tuple[float, float] | None = None,
    left_size: float = 13,
    right_sizes: tuple[float, float] = (13, 14),
    left_rule: str | None = "line",
    left_rule_cm: float = 2.5,
    right_rule: str | None = "line",
    right_rule_cm: float | None = None,
    place_date: str | R | None = None,
    number_line: str | R | None = None,
    space_after: float = 6,
):
    """The two-column borderless header of ND 30/2020.

    ``left_lines``: agency lines, top down; each a str/R or a sequence of parts forming one
    paragraph. Plain strings are printed normal for every line but the last, which is bold
    (superior agency normal, own agency bold), e.g.
    ``["{{ co_quan.chu_quan_hoa }}", "{{ co_quan.ten_hoa }}"]``. Give :class:`R` to override.
    A line that is a ``{%p … %}`` tag becomes a tag paragraph, so an optional line can be
    wrapped: ``["{%p if co_quan.chu_quan_hoa %}", "{{ co_quan.chu_quan_hoa }}", "{%p endif %}",
    "{{ co_quan.ten_hoa }}"]``. Party header: ``party=True`` with e.g.
    ``["{{ co_quan.dang_bo_hoa }}", "CHI BỘ {{ don_vi.chi_bo }}"]`` and ``left_rule="star"``.

    ``right_lines``: default quốc hiệu (bold, ``right_sizes[0]`` pt) and tiêu ngữ (bold,
    ``right_sizes[1]`` pt); with ``party=True`` the default is ``ĐẢNG CỘNG SẢN VIỆT NAM`` (bold,
    14 pt) and the rule under it is drawn by underlining the text.

    ``left_rule`` / ``right_rule``: "line" (short centred rule, a paragraph bottom border),
    "star" (a centred "*", used by party documents), "underline" (underline the last line's
    text) or None. ``right_rule_cm``: default the width of the tiêu ngữ.

    ``number_line`` (e.g. ``"Số: …/TB-{{ co_quan.ky_hieu_co_quan }}"``) goes under the left rule;
    ``place_date`` (e.g. ``"{{ dong_ngay }}"``) goes in italics under the right rule.
    Returns the table.
    """
    width = text_width_cm(doc)
    if widths_cm is None:
        widths_cm = (6.0, width - 6.0) if not party else (7.0, width - 7.0)
    table = _plain_table(doc, widths_cm, cell_margin_cm=0.1)
    left, right = table.rows[0].cells
    lw, rw = widths_cm[0] - 0.2, widths_cm[1] - 0.2

    def _lines(cell, lines, default_bold_last, size_of, rule_kind, rule_cm):
        real = [k for k, ln in enumerate(lines) if not _is_ptag(ln)]
        last = real[-1] if real else -1
        for i, line in enumerate(lines):
            if _is_ptag(line):
                p_tag(cell, line)
                continue
            parts = [line] if isinstance(line, (str, R)) else list(line)
            bold = (i == last) if default_bold_last else True
            underline = rule_kind == "underline" and i == last
            parts = [
                R(
                    p.text if isinstance(p, R) else p,
                    bold=(p.bold if isinstance(p, R) and p.bold is not None else bold),
                    italic=p.italic if isinstance(p, R) else None,
                    size=(p.size if isinstance(p, R) and p.size else size_of(i)),
                    font=p.font if isinstance(p, R) else None,
                    underline=True if underline else (p.underline if isinstance(p, R) else None),
                )
                for p in parts
            ]
            add_paragraph(
                cell, *parts, align="center", space_before=0, space_after=0, line_spacing=1.0
            )
        if rule_kind == "line":
            rule(cell, rule_cm, lw if cell is left else rw, space_after=2)
        elif rule_kind == "star":
            add_paragraph(cell, "*", align="center", space_after=0, line_spacing=1.0)

    if right_lines is None:
        if party:
            right_lines = [R(DANG_HIEU, bold=True, size=14)]
            if right_rule == "line":
                right_rule = "underline"
        else:
            right_lines = [
                R(QUOC_HIEU, bold=True, size=right_sizes[0]),
                R(TIEU_NGU, bold=True, size=right_sizes[1]),
            ]
    if right_rule_cm is None:
        right_rule_cm = _TIEU_NGU_CM.get(int(right_sizes[1]), 6.0)

    _lines(left, left_lines, True, lambda i: left_size, left_rule, left_rule_cm)
    _lines(right, right_lines, False, lambda i: right_sizes[min(i, 1)], right_rule, right_rule_cm)

    if number_line is not None:
        add_paragraph(left, number_line, align="center", size=13, space_before=2, space_after=0)
    if place_date is not None:
        spec = run_spec(place_date)
        add_paragraph(
            right,
            R(spec.text, italic=True if spec.italic is None else spec.italic, size=spec.size or 14),
            align="center",
            space_before=4,
            space_after=0,
        )
    for cell in (left, right):
        _ensure_cell_paragraph(cell)
    # breathing space after the header
    if space_after:
        add_paragraph(doc, "", space_before=0, space_after=0, line_spacing=1.0, size=space_after)
    return table


# the state header's columns: the left text is 6.6 cm wide, as pipeline/forms/layout.py
# HEADER_LEFT_TEXT_CM breaks the context's `dau` lines for
STATE_HEADER_WIDTHS_CM = (6.8, 9.2)


def state_header(doc, place_date: str | R | None = None) -> None:
    """The ND 30 header of a form about one person: the left lines come broken at sensible places
    from the context (`dau.tren` when there is one, `dau.duoi`), quốc hiệu at 12 pt so the agency
    column is wide enough for "UBND TỈNH HÀ GIANG NAM"; ``place_date`` under the tiêu ngữ."""
    header_block(
        doc,
        ["{%p if dau.tren %}", "{{ dau.tren }}", "{%p endif %}", "{{ dau.duoi }}"],
        widths_cm=STATE_HEADER_WIDTHS_CM,
        right_sizes=(12, 13),
        place_date=place_date,
        space_after=2,
    )


def party_header(doc, left_lines, *, left_cm: float, place_date: str | None, date_size: float = 13) -> None:
    """The form code in the page header, then the party header (ĐẢNG CỘNG SẢN VIỆT NAM on the right):
    ``left_lines`` (đảng bộ over chi bộ) in a ``left_cm`` column at 12 pt under a star rule,
    ``place_date`` (None: none) at ``date_size`` pt."""
    form_code_line(doc, "{{ mau.ma_hieu }}", in_header=True)
    header_block(
        doc,
        left_lines,
        party=True,
        widths_cm=(left_cm, text_width_cm(doc) - left_cm),
        left_size=12,
        left_rule="star",
        place_date=R(place_date, size=date_size) if place_date else None,
        space_after=2,
    )


def _is_ptag(line) -> bool:
    return isinstance(line, str) and line.lstrip().startswith("{%p")


def form_code_line(
    doc,
    text: str,
    *,
    bold: bool = True,
    size: float = 14,
    space_after: float = 2,
    in_header: bool = False,
):
    """The form code at the top right, e.g. ``form_code_line(doc, "{{ mau.ma_hieu }}")``.

    ``in_header=True`` puts it in the first page's header (in the top margin, so it takes no
    body space) and makes the first page's header different from the others' (see
    :func:`add_page_numbers`). docxtpl renders tags in headers too.
    """
    if not in_header:
        return add_paragraph(
            doc,
            text,
            align="right",
            bold=bold,
            size=size,
            space_after=space_after,
            line_spacing=1.0,
        )
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    header = sec.first_page_header
    header.is_linked_to_previous = False
    par = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    par.paragraph_format.space_after = Pt(0)
    par.paragraph_format.line_spacing = 1.0
    _add_runs(par, [R(text, bold=bold, size=size)])
    return par


# ---------------------------------------------------------------------------------------------
# body
# ---------------------------------------------------------------------------------------------
def title(doc, *lines: str | R, size: float = 14, space_before: float = 6, space_after: float = 6):
    """Centred bold title lines (e.g. "PHIẾU ĐÁNH GIÁ …", "Năm {{ nam }}"). Returns the paragraphs."""
    return _centred_lines(doc, lines, size, space_before, space_after, keep_next=True)


def _centred_lines(container, lines, size: float, space_before: float, space_after: float, **kw) -> list:
    """Title lines centred, bold unless an :class:`R` line says otherwise, at ``size`` unless it
    sets its own; ``space_before`` above the first, ``space_after`` below the last; ``kw`` go to
    every :func:`add_paragraph`."""
    pars = []
    n = len(lines)
    for i, line in enumerate(lines):
        spec = run_spec(line)
        pars.append(
            add_paragraph(
                container,
                R(
                    spec.text,
                    bold=True if spec.bold is None else spec.bold,
                    italic=spec.italic,
                    size=spec.size or size,
                    font=spec.font,
                ),
                align="center",
                space_before=space_before if i == 0 else 0,
                space_after=space_after if i == n - 1 else 0,
                **kw,
            )
        )
    return pars


# The four quality levels of an annual rating (ND 90/2020 and ND 335/2025 alike), in the order the
# forms print them: the context's level code, then the level in full words.
LEVELS = (
    ("HTXS", "Hoàn thành xuất sắc nhiệm vụ"),
    ("HTT", "Hoàn thành tốt nhiệm vụ"),
    ("HT", "Hoàn thành nhiệm vụ"),
    ("KHT", "Không hoàn thành nhiệm vụ"),
)


def level_boxes(doc, prefix: str | None, indent_cm: float = 0.5, *, keep_next: bool = False):
    """The four levels with their boxes, two a line; ``prefix`` names the context's boxes
    ("tu_xep_loai"/"ket_qua"), None prints empty ones; ``keep_next``: the last line is kept with
    what follows. Returns the paragraphs."""
    items = [("{{ " + prefix + "." + code + " }}" if prefix else BOX_EMPTY, text) for code, text in LEVELS]
    pars = choice_line(doc, items, per_line=2, indent_cm=indent_cm, column_cm=8.0)
    if keep_next:
        keep_with_next(pars[-1])
    return pars


def level_list(doc, list_var: str, **kw):
    """The official "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; …)" with the chosen
    level underlined (forms.md §2.4); ``list_var`` is a context `level_list` (``ds_…``)."""
    parts: list = ["("]
    for k, (code, _text) in enumerate(LEVELS):
        parts.append(R("{{ " + list_var + ".chon." + code + " }}", bold=True, underline=True))
        parts.append(R("{{ " + list_var + ".khac." + code + " }}"))
        parts.append("; " if k < len(LEVELS) - 1 else ").")
    return add_paragraph(doc, *parts, left_cm=0.5, align="justify", **kw)


def level_choice(doc, list_var: str, box_var: str | None, *, not_rated: str | None = None) -> None:
    """A level to choose, the official way (:func:`level_list`, the chosen one underlined) or tick
    boxes (:func:`level_boxes`) when the form's label `cach_danh_dau_muc` says so (context
    `o_danh_dau`). The last paragraph is kept with what follows (the signature).

    ``not_rated`` (a label key, e.g. "dong_khong_xep_loai"): when the context's `khong_xep_loai`
    (someone not rated: under 06 months of work in the year) that label prints as one line instead
    of the four levels, so no signer is offered a level to choose for him."""
    if not_rated:
        p_tag(doc, "if khong_xep_loai")
        add_paragraph(doc, "{{ nhan." + not_rated + " }}", left_cm=0.5, align="justify", keep_next=True)
        p_tag(doc, "elif o_danh_dau")
    else:
        p_tag(doc, "if o_danh_dau")
    level_boxes(doc, box_var, keep_next=True)
    p_tag(doc, "else")
    level_list(doc, list_var, keep_next=True)
    p_tag(doc, "endif")


def section_heading(doc, *parts: str | R, align: str = "left", space_before: float = 6, **kw):
    """A bold section heading such as "I. KẾT QUẢ TỰ ĐÁNH GIÁ"; kept with the next paragraph."""
    return add_paragraph(
        doc, *parts, align=align, bold=True, space_before=space_before, keep_next=True, **kw
    )


def item_heading(
    doc,
    number: str | None,
    text: str | R,
    note: str | R | None = None,
    *,
    colon: bool = True,
    bold: bool = True,
    align: str = "justify",
    **kw,
):
    """A numbered item heading: ``number`` (e.g. "5." or "–") and ``text`` bold, then an optional
    ``note`` in normal weight (e.g. "(xác định rõ …)"), then ":". Kept with the next paragraph,
    no space after it (default; pass ``space_after=``).

    ``note`` may hold an inline Jinja tag (e.g. ``"{% if nhan.x %} {{ nhan.x }}{% endif %}"``).
    """
    parts: list[R] = []
    if number:
        parts.append(R(number + " ", bold=bold))
    spec = run_spec(text)
    parts.append(R(spec.text, bold=bold if spec.bold is None else spec.bold, italic=spec.italic))
    if note:
        n = run_spec(note)
        sep = "" if n.text.startswith((" ", "{%")) else " "
        parts.append(R(sep + n.text, bold=False if n.bold is None else n.bold, italic=n.italic))
    if colon:
        parts.append(R(":", bold=bold if not note else False))
    kw.setdefault("space_after", 0)  # the answer follows directly
    return add_paragraph(doc, *parts, align=align, keep_next=True, **kw)


def field_line(
    doc,
    label: str | R,
    value: str | R,
    *,
    label_bold: bool = False,
    value_bold: bool | None = None,
    **kw,
):
    """An identity line "label: value", e.g. ``field_line(doc, "Họ và tên", "{{ nguoi.ho_ten }}")``.
    A trailing ":" is added to the label when missing."""
    spec = run_spec(label)
    text = spec.text if spec.text.rstrip().endswith(":") else spec.text + ":"
    v = run_spec(value)
    return add_paragraph(
        doc,
        R(text + " ", bold=label_bold if spec.bold is None else spec.bold, italic=spec.italic),
        R(v.text, bold=value_bold if v.bold is None else v.bold, italic=v.italic),
        **kw,
    )


def value_paragraph(
    doc, expr: str, *, align: str = "justify", first_line_cm: float | None = None, **kw
):
    """A paragraph holding one Jinja expression alone in its run (for Listing values such as
    ``td.uu_diem`` or ``cham``). ``expr`` is the inner expression ("td.uu_diem") or a full tag."""
    tag = expr if expr.strip().startswith("{{") else "{{ " + expr.strip() + " }}"
    return add_paragraph(doc, tag, align=align, first_line_cm=first_line_cm, **kw)


def note_paragraph(doc, text: str | R, *, italic: bool = True, align: str = "justify", **kw):
    """An italic note paragraph (e.g. ``{{ nhan.ghi_chu_khong_xep_loai }}``)."""
    spec = run_spec(text)
    return add_paragraph(
        doc,
        R(spec.text, italic=italic if spec.italic is None else spec.italic, bold=spec.bold),
        align=align,
        **kw,
    )


def choice_line(
    doc,
    items: Sequence[tuple[str, str]],
    *,
    per_line: int = 2,
    indent_cm: float = 0.5,
    column_cm: float | None = None,
    box_size: float | None = None,
    keep_next_all: bool = True,
    **kw,
):
    """A list of choices with tick boxes: ``items`` = [(box, label)], where ``box`` is a literal
    ☐/☒ or a Jinja tag such as ``"{{ tu_xep_loai.HTXS }}"``. The box goes in its own run with
    font DejaVu Sans; ``per_line`` choices per paragraph, aligned on tab stops. Returns the
    paragraphs (all but the last are kept with the next one)."""
    width = text_width_cm(doc)
    if column_cm is None:
        column_cm = (width - indent_cm) / per_line
    tabs = [indent_cm + column_cm * k for k in range(1, per_line)]
    pars = []
    for start in range(0, len(items), per_line):
        chunk = items[start : start + per_line]
        parts: list[R] = []
        for k, (box, label) in enumerate(chunk):
            if k:
                parts.append(R("\t"))
            parts.append(R(box, font=BOX_FONT, size=box_size, bold=False))
            parts.append(R("\u00a0" + label))
        pars.append(add_paragraph(doc, *parts, left_cm=indent_cm, tabs_cm=tabs, **kw))
    for p in pars[:-1]:
        p.paragraph_format.space_after = Pt(0)
    if keep_next_all:
        keep_with_next(*pars[:-1])
    return pars


def signature_table(
    doc,
    left: dict | None = None,
    right: dict | None = None,
    *,
    widths_cm: tuple[float, float] | None = None,
    space_before: float = 3,
    sign_space_cm: float = 1.5,
):
    """A two-column borderless signature table (one row that cannot split across pages).

    Each side is a dict with optional keys:
    ``date`` (italic line, e.g. "{{ dong_ngay }}"), ``prefix`` (bold line above the title, e.g.
    "T/M CHI BỘ" or "KT. CHÁNH VĂN PHÒNG"; ``prefix_if``: a docxtpl condition for it, the line is left
    out when false), ``title`` (bold, printed in capitals),
    ``subtitle`` (bold line under the title, e.g. the signer's post "{{ x.chuc_vu_hoa }}"),
    ``hint`` (italic, default "(Ký, ghi rõ họ tên)"; "" for none), ``name`` (bold, after a blank
    space of ``sign_space_cm``; "" to leave the space only), ``extra`` (list of lines after the
    name). ``None`` leaves that column empty (the usual case for a single signer on the right).
    """
    width = text_width_cm(doc)
    if widths_cm is None:
        widths_cm = (width - 9.6, 9.6) if left is None else (width / 2, width / 2)
    # spacer paragraph before the table, kept with it
    spacer = add_paragraph(
        doc,
        "",
        space_before=0,
        space_after=0,
        line_spacing=1.0,
        size=max(1, space_before),
        keep_next=True,
    )
    table = _plain_table(doc, widths_cm, cell_margin_cm=0.1)
    for cell, spec in zip(table.rows[0].cells, (left, right), strict=True):
        if spec:
            _signer(cell, spec, sign_space_cm, keep_next=True)
        _ensure_cell_paragraph(cell)
    return spacer, table


def _signer(cell, spec: dict, sign_space_cm: float, *, keep_next: bool) -> None:
    """One signer's lines (``spec`` as for :func:`signature_table`) centred in ``cell``; with
    ``keep_next`` every line down to the signing space is kept with the next and the name's
    paragraph says it is not (:func:`signature_table`), else none says either
    (:func:`signature_row`)."""
    kw = dict(align="center", space_before=0, space_after=0, line_spacing=1.0)
    if keep_next:
        kw["keep_next"] = True
    if spec.get("date"):
        d = run_spec(spec["date"])
        add_paragraph(cell, R(d.text, italic=True if d.italic is None else d.italic), **kw)
    for key in ("prefix", "title", "subtitle"):
        if spec.get(key):
            # ``prefix_if``: a condition for the prefix line (no empty line when it is false)
            cond = spec.get("prefix_if") if key == "prefix" else None
            if cond:
                p_tag(cell, "if " + cond)
            add_paragraph(cell, R(run_spec(spec[key]).text, bold=True), **kw)
            if cond:
                p_tag(cell, "endif")
    hint = spec.get("hint", "(Ký, ghi rõ họ tên)")
    if hint:
        h = run_spec(hint)
        add_paragraph(cell, R(h.text, italic=True if h.italic is None else h.italic), **kw)
    pts = sign_space_cm / 2.54 * 72
    after_space = {**kw, "space_before": pts, **({"keep_next": False} if keep_next else {})}
    name = spec.get("name", "")
    if name:
        n = run_spec(name)
        add_paragraph(cell, R(n.text, bold=True if n.bold is None else n.bold), **after_space)
    else:  # space only (the name is handwritten): a 2 pt paragraph after the space
        add_paragraph(cell, "", **after_space, size=2)
    for line in spec.get("extra", ()):
        add_paragraph(cell, line, **kw)


def add_page_numbers(doc, *, skip_first: bool = True, size: float = 13):
    """Page number centred in the top margin, not shown on the first page (ND 30/2020)."""
    sec = doc.sections[0]
    sec.different_first_page_header_footer = skip_first
    header = sec.header
    header.is_linked_to_previous = False
    par = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = par.add_run()
    _apply_run(run, R("", size=size))
    for kind, text in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "2"),
        ("end", None),
    ):
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        elif text == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = text
            run._r.append(it)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    return par


def save_reproducible(doc, path) -> None:
    """Save ``doc`` so that the same content always gives the same bytes (fixed zip entry
    times), so a template's hash only changes when its content does."""
    import io
    import zipfile

    buf = io.BytesIO()
    doc.save(buf)
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    with open(path, "wb") as fh:
        fh.write(out.getvalue())


# ---------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------
def jinja_tags(docx_path) -> list[str]:
    """Every Jinja tag in a .docx's body, headers and footers, read from the XML text nodes
    joined per run. Fails if a tag is split across runs (which docxtpl would have to repair)."""
    import zipfile

    from lxml import etree

    tags: list[str] = []
    with zipfile.ZipFile(docx_path) as z:
        names = [
            n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)
        ]
        for name in names:
            root = etree.fromstring(z.read(name))
            for r in root.iter(qn("w:r")):
                text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                for op, cl in (("{{", "}}"), ("{%", "%}")):
                    if text.count(op) != text.count(cl):
                        raise ValueError(
                            f"{docx_path} ({name}): Jinja tag split across runs: {text!r}"
                        )
                tags.extend(_TAG_RE.findall(text))
    return tags


def used_names(docx_path, root_name: str) -> set[str]:
    """Attribute names used after ``root_name.`` in the template's tags, e.g.
    ``used_names(p, "nhan")`` gives the label keys a template needs."""
    pat = re.compile(r"\b" + re.escape(root_name) + r"\.([A-Za-z_][A-Za-z0-9_]*)")
    out: set[str] = set()
    for tag in jinja_tags(docx_path):
        out.update(pat.findall(tag))
    return out


# ---------------------------------------------------------------------------------------------
# Helpers WITHOUT "keep with next" (unit and agency documents: bien_ban_hop, tong_hop_xep_loai, …)
#
# pipeline/pdf/join.py::join_safe refuses templates with w:keepNext (LibreOffice lays "keep with
# next" chains out differently after a section break), and join-safe templates convert many at
# once, 2–3× faster. So these helpers never set keep_with_next: what must stay together (a heading
# and its content, a closing paragraph and the signatures) goes into one borderless table row that
# cannot split across pages (:func:`keep_block`, :func:`signature_row`).
# ---------------------------------------------------------------------------------------------
from docx.enum.section import WD_ORIENT  # noqa: E402
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT  # noqa: E402
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER  # noqa: E402

__all__ += [
    "C",
    "set_landscape",
    "title_block",
    "heading",
    "keep_block",
    "dotted_line",
    "dotted_lines",
    "signature_row",
    "grid_table",
    "container_width_cm",
]


def set_landscape(doc, margins_cm: tuple[float, float, float, float] = (2.0, 2.0, 3.0, 1.5)) -> None:
    """Turn the first section into A4 landscape with margins (top, bottom, left, right) in cm
    (for wide tables; ND 30/2020 allows a landscape page for tables). The left margin is ND 30's
    3 cm: the page code (pipeline/bundle/pagecode.py, 0.7–2.7 cm from the bottom left corner) must
    lie in the margin, and with 2 cm on both sides it covered the text at the corner."""
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width = Cm(29.7)
    sec.page_height = Cm(21.0)
    top, bottom, left, right = margins_cm
    sec.top_margin = Cm(top)
    sec.bottom_margin = Cm(bottom)
    sec.left_margin = Cm(left)
    sec.right_margin = Cm(right)


def container_width_cm(container, default: float | None = None) -> float:
    """Usable width of a document (between the margins) or of a table cell (its width minus
    the 0.1 cm margins docxkit tables use)."""
    if hasattr(container, "sections"):
        return text_width_cm(container)
    if getattr(container, "width", None):
        return container.width / 360000 - 0.2
    if default is None:
        raise ValueError("width of this container is unknown: pass width_cm")
    return default


def title_block(
    container, *lines: str | R, size: float = 14, space_before: float = 6, space_after: float = 6
):
    """Centred bold title lines like :func:`title`, but NOT kept with the next paragraph.
    An :class:`R` line may set bold=False / italic=True (e.g. a subtitle). Returns the paragraphs."""
    return _centred_lines(container, lines, size, space_before, space_after, line_spacing=1.0)


def heading(container, *parts: str | R, align: str = "left", space_before: float = 6, **kw):
    """A bold heading paragraph (e.g. "I. Ưu điểm, kết quả đạt được") WITHOUT keep-with-next:
    put it in a :func:`keep_block` with the start of its content to keep them together."""
    kw.setdefault("space_after", 2)
    return add_paragraph(container, *parts, align=align, bold=True, space_before=space_before, **kw)


def keep_block(container, width_cm: float | None = None, *, space_after: float | None = None):
    """A borderless one-row, one-column table whose row cannot split across pages; returns its
    cell, to which the caller adds paragraphs (and tables). Word and LibreOffice then move the
    whole block to the next page instead of splitting it. ``space_after``: size in pt of an
    empty paragraph added after the table (two tables in a row would otherwise touch)."""
    width = width_cm if width_cm is not None else container_width_cm(container)
    table = _plain_table(container, [width], cell_margin_cm=0.0)
    cell = table.rows[0].cells[0]
    if space_after is not None:
        add_paragraph(container, "", space_before=0, space_after=0, line_spacing=1.0, size=max(1, space_after))
    return cell


def _leader_tab(par, pos_cm: float) -> None:
    par.paragraph_format.tab_stops.add_tab_stop(Cm(pos_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


def dotted_line(
    container, *parts: str | R, width_cm: float | None = None, after: Sequence[str | R] = (), **kw
):
    """A line ``parts`` followed by a dot leader up to the right edge (a right tab stop with dot
    leader at ``width_cm``): "Địa điểm: ............". No parts: a whole dotted line. ``after``:
    parts printed after the leader (the tab stop is then placed at ``width_cm`` anyway, so give
    a shorter ``width_cm`` to leave room, e.g. "– Trưởng ban"). In Word, typing before the tab
    shortens the leader, so the line stays one line. Always left-aligned (LibreOffice draws no
    leader in a justified paragraph); in a table cell keep ``width_cm`` ≥ 0.1 cm inside the
    cell's text width."""
    width = width_cm if width_cm is not None else container_width_cm(container) - 0.05
    kw.setdefault("space_after", 0)
    kw["align"] = "left"  # LibreOffice draws no leader in a justified paragraph
    # LibreOffice 7.4 draws no leader for a tab that ends a paragraph inside a table cell: a
    # zero-width space after the tab makes it draw (and prints nothing)
    par = add_paragraph(container, *parts, R("\t\u200b"), *after, **kw)
    _leader_tab(par, width)
    return par


def dotted_lines(container, n: int, *, width_cm: float | None = None, **kw) -> list:
    """``n`` whole dotted lines (for text to be written by hand or typed in Word)."""
    return [dotted_line(container, width_cm=width_cm, **kw) for _ in range(n)]


def _recipients(cell, spec: dict) -> None:
    """ND 30/2020 "Nơi nhận:" block: the words bold italic 12 pt, the list 11 pt, left aligned."""
    add_paragraph(
        cell,
        R(spec.get("recipients_title", "Nơi nhận:"), bold=True, italic=True, size=12),
        space_before=0,
        space_after=0,
        line_spacing=1.0,
    )
    add_paragraph(cell, R(spec["recipients"], size=11), space_before=0, space_after=0, line_spacing=1.0)


def signature_row(
    container,
    left: dict | None = None,
    right: dict | None = None,
    *,
    widths_cm: tuple[float, float] | None = None,
    sign_space_cm: float = 2.0,
    space_before: float = 6,
    lead: Sequence[Sequence[str | R] | dict] = (),
    lead_width_cm: float | None = None,
):
    """Signature blocks in a borderless table whose row cannot split, WITHOUT keep-with-next.

    ``left`` / ``right``: dicts as for :func:`signature_table` (``date``, ``prefix``, ``title``,
    ``hint``, ``name``, ``extra``); a side may instead hold ``recipients`` (the text of the
    "Nơi nhận" list, e.g. ``"{{ nhan.noi_nhan }}"`` whose line breaks are kept) to print the
    ND 30/2020 "Nơi nhận:" block there, or ``paras`` (a list of paragraphs, each a list of
    parts) for free text beside the signature. ``None`` leaves the side empty.

    ``lead``: paragraphs to keep on the same page as the signatures (e.g. the closing sentence of
    minutes); each is a sequence of parts, or a dict ``{"parts": [...], **add_paragraph kwargs}``.
    With ``lead`` the whole thing is one outer cantSplit row holding the paragraphs and the
    signature table nested inside. Returns the outer table's cell (with lead) or the table.
    """
    width = lead_width_cm if lead_width_cm is not None else container_width_cm(container)
    if widths_cm is None:
        widths_cm = (width - 9.0, 9.0) if left is None else (width / 2, width / 2)
    host = container
    if lead:
        host = keep_block(container, width)
        for item in lead:
            if isinstance(item, dict):
                item = dict(item)
                parts = item.pop("parts")
                item.setdefault("align", "justify")
                add_paragraph(host, *parts, **item)
            else:
                add_paragraph(host, *item, align="justify")
    if space_before:
        add_paragraph(host, "", space_before=0, space_after=0, line_spacing=1.0, size=max(1, space_before))
    table = _plain_table(host, widths_cm, cell_margin_cm=0.1)
    for cell, spec in zip(table.rows[0].cells, (left, right), strict=True):
        if spec:
            if "recipients" in spec:
                _recipients(cell, spec)
            elif "paras" in spec:
                for parts in spec["paras"]:
                    add_paragraph(cell, *parts, align="justify", space_before=0, space_after=2)
            else:
                _signer(cell, spec, sign_space_cm, keep_next=False)
        _ensure_cell_paragraph(cell)
    if lead:
        # python-docx closes a cell holding a table with an empty paragraph: make it tiny
        last = host.paragraphs[-1]
        if last._p.getprevious() is table._tbl:
            last.paragraph_format.space_after = Pt(0)
            last.paragraph_format.line_spacing = 1.0
            _mark_size(last, 1)
        return host
    return table


@dataclass(frozen=True)
class C:
    """One cell of :func:`grid_table`: ``text`` (str, :class:`R`, or a list of them for one
    paragraph; a tuple of such for several paragraphs), ``span`` columns and ``vspan`` rows
    (merged), alignment ``align`` (left/center/right/justify), ``bold``/``italic`` defaults."""

    text: object = ""
    span: int = 1
    vspan: int = 1
    align: str = "center"
    bold: bool | None = None
    italic: bool | None = None


def table_borders_single(table, sz_eighths: int = 4) -> None:
    """Single black lines of ``sz_eighths`` eighths of a point round and inside every cell of
    ``table`` (replacing any borders it had)."""
    tblpr = table._tbl.tblPr
    borders = tblpr.find(qn("w:tblBorders"))
    if borders is not None:
        tblpr.remove(borders)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(sz_eighths))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tblpr.append(borders)


def _row_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))


def grid_table(
    container,
    widths_cm: Sequence[float],
    rows: Sequence[str | Sequence[C | str | R]],
    *,
    header_rows: int = 1,
    size: float = 12,
    line_spacing: float = 1.0,
    pad_pt: float = 1.5,
    borders: bool = True,
    split_rows: bool = False,
):
    """A bordered data table (fixed column widths), e.g. a summary table whose body row repeats
    with a docxtpl row loop::

        grid_table(doc, [1, 5, 4], [
            [C("TT", bold=True), C("Họ và tên", bold=True), C("Chức vụ", bold=True)],
            "{%tr for tv in thanh_vien %}",
            [C("{{ tv.stt }}"), C("{{ tv.ho_ten }}", align="left"), C("{{ tv.chuc_vu }}", align="left")],
            "{%tr endfor %}",
        ])

    A row given as a string is a docxtpl row tag (``{%tr … %}``): it gets a row of its own
    (docxtpl replaces the whole row by the tag). Other rows are lists of cells (:class:`C`, or a
    plain str/R = centred cell). ``span``/``vspan`` merge cells; a cell position covered by a
    ``vspan`` from a row above is skipped (give only the cells that start in that row).
    The first ``header_rows`` rows repeat at the top of every page; no row splits across pages.
    No paragraph is kept with the next. ``borders=False``: no borders (e.g. one borderless
    row per person that repeats and never splits). ``split_rows=True`` lets body rows (not the
    header rows) break across pages, for cells with long texts. Returns the table.
    """
    ncols = len(widths_cm)
    n = len(rows)
    table = container.add_table(rows=n, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if borders:
        table_borders_single(table)
    else:
        _tbl_borders_none(table)
    _tbl_layout_fixed(table, widths_cm)
    _tbl_cell_margins(table, 0.1, 0.1)
    _sort_children(table._tbl.tblPr, _TBLPR_ORDER)
    for k, r in enumerate(table.rows):
        if k < header_rows or not split_rows:
            _row_cant_split(r)
    for r in table.rows[:header_rows]:
        _row_header(r)

    pkw = dict(space_before=pad_pt, space_after=pad_pt, line_spacing=line_spacing, size=size)
    covered: set[tuple[int, int]] = set()
    for ri, row in enumerate(rows):
        cells = table.rows[ri].cells
        if isinstance(row, str):
            if not row.lstrip().startswith("{%tr"):
                raise ValueError(f"a row given as a string must be a {{%tr … %}} tag: {row!r}")
            _write_cell(cells[0], C(row, align="left"), pkw)
            for c in cells[1:]:
                _write_cell(c, C(""), pkw)
            continue
        ci = 0
        for spec in row:
            while (ri, ci) in covered:
                ci += 1
            if ci >= ncols:
                raise ValueError(f"row {ri}: more cells than columns")
            spec = spec if isinstance(spec, C) else C(spec)
            cell = table.cell(ri, ci)
            if spec.span > 1 or spec.vspan > 1:
                cell = cell.merge(table.cell(ri + spec.vspan - 1, ci + spec.span - 1))
                for dr in range(spec.vspan):
                    for dc in range(spec.span):
                        covered.add((ri + dr, ci + dc))
            _write_cell(cell, spec, pkw)
            ci += spec.span
    for r in table.rows:
        for c in r.cells:
            _ensure_cell_paragraph(c)
    return table


def _write_cell(cell, spec: C, pkw: dict) -> None:
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paras = spec.text if isinstance(spec.text, tuple) else (spec.text,)
    for para in paras:
        parts = para if isinstance(para, list) else [para]
        add_paragraph(cell, *parts, align=spec.align, bold=spec.bold, italic=spec.italic, **pkw)


@dataclass(frozen=True)
class Label:
    """A corrigible label of a form: its `nhan.<key>`, the default ``text`` and a ``note`` (its
    confidence tag and source), written into meta.toml's [labels] as a comment above it."""

    key: str
    text: str
    note: str


def toml_str(s: str) -> str:
    """A TOML basic string (JSON string syntax is valid TOML for these characters)."""
    return json.dumps(s, ensure_ascii=False)


def meta_identity_lines(code: str, ma_hieu: str, title: str, issuing_document: str) -> list[str]:
    """The lines of a meta.toml that name its form: code, ma_hieu, title, issuing_document."""
    return [f"code = {toml_str(code)}", f"ma_hieu = {toml_str(ma_hieu)}", f"title = {toml_str(title)}",
            f"issuing_document = {toml_str(issuing_document)}"]


def meta_signing_lines(recipients: str, signers: Sequence[str]) -> list[str]:
    """The lines of a meta.toml that say who receives and signs one copy: recipients, signers,
    copies = 1, initials = false."""
    return [f"recipients = {toml_str(recipients)}", "signers = [" + ", ".join(toml_str(s) for s in signers) + "]",
            "copies = 1", "initials = false"]


def meta_toml_text(head: Sequence[str], labels) -> str:
    """A meta.toml: its `head` lines, then the [labels] table, each label (`key`, `text`, `note`)
    under its note as a comment."""
    lines = [*head, "", "[labels]"]
    for lab in labels:
        lines.append(f"# {lab.note}")
        lines.append(f"{lab.key} = {toml_str(lab.text)}")
    return "\n".join(lines) + "\n"


PAGE_LINES = ("trang =", "trang_ky_tu =", "trang_mau =", "# Pages of a healthy render", "# measured on the sample")


def with_page_lines(text: str, block: list[str]) -> str:
    """meta.toml `text` with its page declaration (`trang`, `trang_ky_tu`, `trang_mau` and their
    comment, written by tools/measure_pages.py) replaced by `block`, put before the first table."""
    lines = [line for line in text.splitlines() if not line.startswith(PAGE_LINES)]
    at = next((i for i, line in enumerate(lines) if line.startswith("[")), len(lines))
    while at > 0 and lines[at - 1] == "":
        at -= 1
    return "\n".join([*lines[:at], *block, *lines[at:]]) + "\n"


def write_meta(path: Path, text: str) -> None:
    """Write a generated meta.toml, keeping the page declaration measured for it (measure_pages.py)."""
    old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    path.write_text(with_page_lines(text, [line for line in old if line.startswith(PAGE_LINES)]), encoding="utf-8")


def generator_main(description: str, codes, build, root, argv=None) -> int:
    """The command line every template generator shares: build the templates named (default: all
    of `codes`), `--write-meta` to overwrite their meta.toml too; print each file written."""
    import argparse

    known = list(codes)
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("codes", nargs="*", default=known, help="templates to build")
    ap.add_argument("--write-meta", action="store_true", help="overwrite meta.toml too")
    args = ap.parse_args(argv)
    for code in args.codes:
        if code not in known:
            ap.error(f"unknown template {code!r}; known: {', '.join(known)}")
        print(build(code, write_meta=args.write_meta).relative_to(root))
    return 0


def build_template(folder: Path, make, meta_text, *, rewrite_meta: bool, root: Path,
                   context_labels: frozenset[str] = frozenset(), note_unused: bool = True,
                   join_safe: bool = False) -> Path:
    """One form of a generator: `make()` gives its python-docx Document, saved reproducibly as
    `folder/template.docx`; its meta.toml written from `meta_text()` when asked (`rewrite_meta`:
    `--write-meta`) or absent (the page declaration kept, `write_meta`); then checked: every `nhan.*` label the template
    prints is in meta.toml's [labels] (else the generator stops), labels it does not print are noted
    (`note_unused`; `context_labels` are read by the render context instead), and a `join_safe` form
    uses no «keep with next» (its pages are joined with others')."""
    import sys
    import tomllib
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "template.docx"
    save_reproducible(make(), out)
    meta_path = folder / "meta.toml"
    if rewrite_meta or not meta_path.exists():
        write_meta(meta_path, meta_text())
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    needed = used_names(out, "nhan")
    missing = sorted(needed - set(meta.get("labels", {})))
    if missing:
        raise SystemExit(f"{meta_path}: [labels] lacks {', '.join(missing)} used by {out.name}; "
                         "add them or run with --write-meta")
    # «<key>_su_nghiep»: the wording of a đơn vị sự nghiệp công lập's papers for a printed «<key>»
    # (pipeline.rating.agency_kind.labels_of_kind puts it in the key's place)
    unused = sorted(k for k in set(meta.get("labels", {})) - needed - context_labels
                    if k.removesuffix("_su_nghiep") not in needed)
    if note_unused and unused:
        print(f"note: {meta_path.relative_to(root)}: labels not used by the template: {', '.join(unused)}",
              file=sys.stderr)
    if join_safe:
        with zipfile.ZipFile(out) as z:
            if b"<w:keepNext" in z.read("word/document.xml"):
                raise SystemExit(f"{out}: uses 'keep with next' (not join-safe)")
    return out
