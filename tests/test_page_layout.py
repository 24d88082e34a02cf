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


def test_no_bordered_table_of_any_template_can_touch_another_table():
    """Two tables with no paragraph between them are one table to LibreOffice, with the borders of the
    second: the ballot count's results table printed with no lines for a unit with no note under it
    (its note block, `{%p for %}` … `{%p endfor %}`, vanished and the signatures' borderless table came
    next). Between a bordered table and the next table of the same body or cell, some paragraph must be
    printed whatever the data: one outside every `{%p if/for %}` block. Tables in the two branches of
    one `{%p if %}` … `{%p else %}` are never printed together."""
    import zipfile

    from lxml import etree

    def text(el) -> str:
        return "".join(el.itertext()).strip()

    def bordered(table) -> bool:
        top = table.find(f"{W}tblPr/{W}tblBorders/{W}top")
        return top is not None and top.get(W + "val") not in ("nil", "none")

    touching, checked = [], 0
    for code in Registry().codes:
        root = etree.fromstring(zipfile.ZipFile(Registry().get(code).template).read("word/document.xml"))
        for container in [root.find(W + "body"), *root.iter(W + "tc")]:
            kids = list(container)
            for i, table in enumerate(kids):
                if table.tag != W + "tbl":
                    continue
                checked += 1
                depth, skipping = 0, False
                for el in kids[i + 1:]:
                    said = text(el) if el.tag == W + "p" else ""
                    if said.startswith("{%p"):
                        word = said[3:].split()[0]
                        if word in ("if", "for"):
                            depth += 1
                        elif word in ("endif", "endfor"):
                            depth -= 1
                            skipping = skipping and depth >= 0
                        elif word in ("else", "elif") and depth == 0:
                            skipping = True  # the other branch: never printed with this table
                        continue
                    if skipping or (el.tag == W + "p" and depth > 0):
                        continue
                    if el.tag == W + "tbl" and (bordered(table) or bordered(el)):
                        touching.append((code, text(table)[:40], text(el)[:40]))
                    break
    assert checked > 50
    assert touching == []
