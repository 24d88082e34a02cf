"""Printed layout of the longest documents of the samples, converted with the real LibreOffice:
where a page holds too little because a column is too narrow, or a block broke badly."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.forms.registry import Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import unit_document_context
from pipeline.pdf.pool import Converter, Item
from pipeline.rating.engine import rate
from pipeline.resources import sample_workbook

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is required")


def _unit_pdf(tmp: Path, code: str, year: int, unit_code: str) -> tuple[dict, Path]:
    """The unit document `code` of the sample's unit, filled and converted alone: (context, PDF)."""
    campaign = ingest.load(sample_workbook(year))
    form = Registry().get(code)
    unit = next(u for u in campaign.units if u.ma_don_vi == unit_code)
    ctx = unit_document_context(campaign, rate(campaign), form, unit)
    docx = tmp / f"{code}.docx"
    CompiledTemplate(form.template, code=code).render_to(ctx, docx)
    pdf, _pages = Converter(workers=1).run([Item("k", docx, code)])["k"]
    out = tmp / f"{code}.pdf"
    out.write_bytes(pdf)
    return ctx, out


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_proposal_table_rows_with_a_long_note_do_not_leave_pages_half_empty(tmp_path):
    """Phòng Tổng hợp (2026 sample, 10 people): the notes of the people the 20 % cap moved carry
    the whole reasoning (~500 letters). With a 3 cm «Ghi chú» column each such row was a third of
    a page tall and, rows never splitting (a person's row stays on one page), page 2 held one
    person over half a page of blank. No page of the table but its last may hold a single person,
    and the whole document takes 4 pages at most (it took 5)."""
    ctx, pdf = _unit_pdf(tmp_path, "tong_hop_xep_loai", 2026, "TH")
    people = ctx["thanh_vien"]
    assert len(people) == 10 and max(len(tv["ghi_chu"]) for tv in people) > 400
    pages = _pages(pdf)
    assert len(pages) <= 4, len(pages)
    # the people's table ends at the totals line; a person's row starts with its number at the margin
    table = "\f".join(pages).split("Tổng hợp:", 1)[0].split("\f")
    row = re.compile(r"^\s{0,3}(\d{1,2})\s")
    numbers = [[int(m.group(1)) for line in page.splitlines() if (m := row.match(line))] for page in table]
    assert [n for page in numbers for n in page] == [tv["stt"] for tv in people], numbers
    per_page = [len(page) for page in numbers]
    assert all(n >= 2 for n in per_page[:-1]), per_page


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_no_table_of_any_template_is_wider_than_its_page_text():
    """A table whose columns add up to more than the page width between the margins runs into the
    margins when printed (the landscape biểu tổng hợp was 26.7 cm on a 25.7 cm text width)."""
    import zipfile

    from lxml import etree

    checked = 0
    for code in Registry().codes:
        path = Registry().get(code).template
        body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml")).find(W + "body")
        sect = body.find(W + "sectPr")
        page, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
        text = int(page.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
        for table in body.findall(W + "tbl"):  # top-level tables; nested ones live in a cell
            width = sum(int(g.get(W + "w")) for g in table.find(W + "tblGrid").findall(W + "gridCol"))
            indent = table.find(f"{W}tblPr/{W}tblInd")
            width += int(indent.get(W + "w")) if indent is not None else 0
            assert width <= text + 6, (code, round(width / 567, 2), round(text / 567, 2))  # 6 twips: rounding
            checked += 1
    assert checked > 50


def test_reading_guide_embeds_every_font_it_names(tmp_path):
    """HUONG_DAN_IN.pdf named reportlab's default Helvetica on every page without embedding it:
    pdffonts must list only embedded fonts."""
    from pipeline.submission import guide

    pdf = tmp_path / "huong_dan.pdf"
    pdf.write_bytes(guide.pdf(["HƯỚNG DẪN IN, KÝ VÀ NỘP HỒ SƠ", "1. HẠN NỘP", "- Nộp trước ngày 15/12."] * 40))
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows and all("Helvetica" not in r[0] for r in rows), listing
    # columns: name type encoding emb sub uni object ID (type may be two words: «Type 1»)
    assert all(r[-5] == "yes" for r in rows), listing


def test_page_code_lies_in_the_margins_of_every_stamped_form():
    """The page code (QR) is drawn 0.7–2.7 cm from the bottom left corner of every page of a person's
    or a unit's document: the left or the bottom margin must hold it, else it covers the text (the
    landscape tables had 2 cm on both sides: the code hid «không xếp loại» of the totals line)."""
    import zipfile

    from lxml import etree

    from pipeline.bundle import pagecode

    reach = (pagecode.X_CM + pagecode.SIZE_CM) * 567  # twips
    checked = []
    for code in Registry().codes:
        form = Registry().get(code)
        if form.scope not in ("ca_nhan", "don_vi"):
            continue  # the agency's papers carry no page code
        body = etree.fromstring(zipfile.ZipFile(form.template).read("word/document.xml")).find(W + "body")
        for sect in body.iter(W + "sectPr"):
            margins = sect.find(W + "pgMar")
            left, bottom = int(margins.get(W + "left")), int(margins.get(W + "bottom"))
            assert max(left, bottom) >= reach, (code, round(left / 567, 2), round(bottom / 567, 2))
        checked.append(code)
    assert {"tong_hop_xep_loai", "tong_hop_thi_dua", "phieu_nd335"} <= set(checked)


def test_proposal_table_signature_shares_its_page_with_the_cap_check(tmp_path):
    """Phòng Hành chính - Quản trị (2026 sample) has four comparable groups, each with a long «Cách
    tính»: the check, the unit's proposed level and the head's signature are one block, never a
    page holding only the signature."""
    ctx, pdf = _unit_pdf(tmp_path, "tong_hop_xep_loai", 2026, "HCQT")
    assert len(ctx["nhom"]) == 4
    last = " ".join(_pages(pdf)[-1].split())
    for words in ("Kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ", "Cách tính", "Đề xuất mức xếp loại chất lượng tập thể",
                  "TRƯỞNG PHÒNG", "Phạm Minh Tuấn"):
        assert words in last, (words, last[:300])


def test_reading_guide_pages_are_numbered_at_their_foot(tmp_path):
    """HUONG_DAN_IN.pdf runs to a dozen pages: each says «Trang k/n» below its text."""
    from pipeline.submission import guide

    pdf = tmp_path / "huong_dan.pdf"
    pdf.write_bytes(guide.pdf(["HƯỚNG DẪN IN, KÝ VÀ NỘP HỒ SƠ"] + [f"- Dòng thứ {k} của hướng dẫn." for k in range(120)]))
    pages = _pages(pdf)
    assert len(pages) == 3
    for k, page in enumerate(pages, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-1] == f"Trang {k}/3", lines[-3:]
        assert sum(f"Trang {k}/3" in line for line in lines) == 1
    assert "Dòng thứ 119 của hướng dẫn." in pages[-1]


@pytest.mark.parametrize("code", ["bao_cao_tu_danh_gia_co_quan", "bien_ban_tu_xep_loai_co_quan"])
def test_agency_self_rating_papers_never_end_a_page_with_a_section_heading(code):
    """The agency's self-assessment report (2026 sample with the agency's own level) ended its
    first page with «IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027» and printed its dotted lines on the next:
    every section heading («I. …», «NỘI DUNG») is kept with the paragraph that follows it."""
    import zipfile

    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(Registry().get(code).template).read("word/document.xml")).find(W + "body")
    headings = []
    for p in body.iter(W + "p"):
        text = "".join(t.text or "" for t in p.iter(W + "t")).strip()
        if re.match(r"(I|II|III|IV|V)\. ", text) or text == "NỘI DUNG":
            headings.append(text)
            assert p.find(f"{W}pPr/{W}keepNext") is not None, (code, text)
    assert headings, code


def _tag(el) -> tuple[str, str] | None:
    """(`if`, `x`) for a paragraph that is a docxtpl tag ``{%p if x %}``; None for any other element."""
    said = "".join(el.itertext()).strip() if el.tag == W + "p" else ""
    if not (said.startswith("{%p") and said.endswith("%}")):
        return None
    word, _, expr = said[3:-2].strip().partition(" ")
    return word, expr.strip()


def _blocks(kids: list, pos: int, stop: set[str]) -> tuple[list, int]:
    """The paragraphs, tables and `{%p %}` blocks of `kids` from `pos` up to a tag of `stop` (or any other tag
    that ends a block this one is inside) at this level, and the position of that tag (len(kids): none).
    A block is ("for", iterated expression, body, else body or None) or ("if", [(condition or None, body)…])."""
    items: list = []
    while pos < len(kids):
        el, tag = kids[pos], _tag(kids[pos])
        if tag is None:
            if el.tag in (W + "p", W + "tbl"):
                items.append(el)
            pos += 1
        elif tag[0] == "for":
            body, pos = _blocks(kids, pos + 1, {"endfor", "else"})
            other = None
            if pos < len(kids) and _tag(kids[pos]) == ("else", ""):
                other, pos = _blocks(kids, pos + 1, {"endfor"})
            items.append(("for", tag[1].partition(" in ")[2].strip(), body, other))
            pos += 1
        elif tag[0] == "if":
            branches, cond = [], tag[1]
            while True:
                body, pos = _blocks(kids, pos + 1, {"elif", "else", "endif"})
                branches.append((cond, body))
                if pos >= len(kids) or _tag(kids[pos])[0] == "endif":
                    break
                cond = _tag(kids[pos])[1] if _tag(kids[pos])[0] == "elif" else None
            items.append(("if", branches))
            pos += 1
        elif tag[0] in ("elif", "else", "endif", "endfor"):  # `stop`, or a tag of the block this one is inside
            return items, pos
        else:  # {%p set %} and the like: prints nothing
            pos += 1
    return items, pos


def _first_printed(items: list, cond: str | None = None) -> tuple[str, object]:
    """What `items` surely print first: ("p", None) a paragraph whatever the data; ("tbl", table) maybe a table
    before any paragraph; ("", None) maybe nothing. `cond`: the condition that holds in the branch the items
    are (`{%p if X %}`/`{%p elif X %}`): a `{%p for … in X %}` among them runs at least once."""
    for item in items:
        if not isinstance(item, tuple):
            return ("p", None) if item.tag == W + "p" else ("tbl", item)
        if item[0] == "for":
            _, iterated, body, other = item
            runs = _first_printed(body)
            if runs[0] == "tbl":
                return runs
            if other is not None:
                empty = _first_printed(other)
                if empty[0] == "tbl":
                    return empty
                if runs[0] == empty[0] == "p":  # the loop's body or its {%p else %} body
                    return runs
            if runs[0] == "p" and cond is not None and iterated == cond:  # X is not empty: the loop runs
                return runs
            continue
        results = [_first_printed(body, c) for c, body in item[1]]
        if table := next((r for r in results if r[0] == "tbl"), None):
            return table
        if item[1][-1][0] is None and all(r[0] == "p" for r in results):  # every branch, `else` too, prints
            return "p", None
    return "", None


def _touching_tables(root) -> tuple[list[tuple[str, str]], int]:
    """The pairs of tables of a rendered-to-be document.xml (`root`) that some data may print with no paragraph
    between them, one of them bordered; and how many tables were looked at."""

    def text(el) -> str:
        return "".join(el.itertext()).strip()

    def bordered(table) -> bool:
        top = table.find(f"{W}tblPr/{W}tblBorders/{W}top")
        return top is not None and top.get(W + "val") not in ("nil", "none")

    touching, checked = [], 0
    for container in [root.find(W + "body"), *root.iter(W + "tc")]:
        kids = list(container)
        for i, table in enumerate(kids):
            if table.tag != W + "tbl":
                continue
            checked += 1
            pos = i + 1
            while True:
                items, pos = _blocks(kids, pos, {"else", "elif", "endif", "endfor"})
                first = _first_printed(items)
                if first[0] or pos >= len(kids):
                    break
                if _tag(kids[pos])[0] in ("else", "elif"):  # the other branches: never printed with this table
                    depth = 0
                    while pos < len(kids):
                        word = (_tag(kids[pos]) or ("",))[0]
                        depth += word in ("if", "for")
                        if word in ("endif", "endfor"):
                            if depth == 0:
                                break
                            depth -= 1
                        pos += 1
                pos += 1  # past the end of the block the table is in: what follows it
            if first[0] == "tbl" and (bordered(table) or bordered(first[1])):
                touching.append((text(table)[:40], text(first[1])[:40]))
    return touching, checked


def test_no_bordered_table_of_any_template_can_touch_another_table():
    """Two tables with no paragraph between them are one table to LibreOffice, with the borders of the
    second: the ballot count's results table printed with no lines for a unit with no note under it
    (its note block, `{%p for %}` … `{%p endfor %}`, vanished and the signatures' borderless table came
    next). Between a bordered table and the next table of the same body or cell, some paragraph must be
    printed whatever the data: one outside every `{%p if/for %}` block, or an `{%p if %}` … `{%p elif %}` …
    `{%p else %}` chain each of whose branches prints one (a branch `{%p if X %}`/`{%p elif X %}` whose
    `{%p for … in X %}` prints one counts: X is not empty there). Tables in two branches of one `{%p if %}`
    are never printed together."""
    import zipfile

    from lxml import etree

    touching, checked = [], 0
    for code in Registry().codes:
        root = etree.fromstring(zipfile.ZipFile(Registry().get(code).template).read("word/document.xml"))
        pairs, n = _touching_tables(root)
        touching += [(code, *pair) for pair in pairs]
        checked += n
    assert checked > 50
    assert touching == []


@pytest.mark.parametrize(("between", "touch"), [
    # the ballot count before its fix (0b62d2e^): no proposal line, then the notes' loop; no note, no line
    ("{%p if not xs %}|P|{%p endif %}|{%p for x in xs if x.y %}|P|{%p endfor %}", True),
    # the ballot count now: the line, the notes or the 1 pt gap
    ("{%p if not xs %}|P|{%p elif ys %}|{%p for y in ys %}|P|{%p endfor %}|{%p else %}|P|{%p endif %}", False),
    ("{%p if not xs %}|P|{%p elif ys %}|{%p for y in ys %}|P|{%p endfor %}|{%p endif %}", True),  # no else
    ("{%p if not xs %}|P|{%p elif ys %}|{%p for y in ys if y.z %}|P|{%p endfor %}|{%p else %}|P|{%p endif %}", True),
    ("{%p if not xs %}|P|{%p elif ys %}|{%p for y in zs %}|P|{%p endfor %}|{%p else %}|P|{%p endif %}", True),
    ("{%p if a %}|P|{%p elif b %}|{%p else %}|P|{%p endif %}", True),  # a branch that prints nothing
    ("{%p if a %}|T|P|{%p else %}|P|{%p endif %}", True),  # a table first in a branch
    ("{%p for x in xs %}|P|{%p else %}|P|{%p endfor %}", False),
    ("{%p if a %}|{%p if b %}|P|{%p else %}|P|{%p endif %}|{%p else %}|P|{%p endif %}", False),
    ("P", False),
    ("", True),
])
def test_the_table_scan_knows_which_paragraphs_every_data_prints(between, touch):
    """The scan above on made-up bodies: a bordered table, `between` (P a paragraph, T a table, tags), then a
    borderless table."""
    from lxml import etree

    def table(border: str) -> str:
        return f'<w:tbl><w:tblPr><w:tblBorders><w:top w:val="{border}"/></w:tblBorders></w:tblPr></w:tbl>'

    parts = {"P": "<w:p><w:r><w:t>x</w:t></w:r></w:p>", "T": table("nil")}
    body = "".join(parts.get(part) or f"<w:p><w:r><w:t>{part}</w:t></w:r></w:p>" for part in between.split("|") if part)
    ns = W[1:-1]
    root = etree.fromstring(f'<w:document xmlns:w="{ns}"><w:body>{table("single")}{body}{table("nil")}</w:body></w:document>')
    touching, checked = _touching_tables(root)
    assert bool(touching) == touch, touching
