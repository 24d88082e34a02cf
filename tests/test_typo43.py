"""A legal document's number and symbol («233/2026/NĐ-CP», «43-HD/BTCTW», «12/UBND-NC») is one
token on paper: LibreOffice must never end a line at its hyphen («… Nghị định 233/2026/NĐ-» over
«CP …»). forms/render.py::keep_symbols turns those hyphens into Word's non-breaking hyphen
(<w:noBreakHyphen/>) in every rendered part; the PDF's text still reads an ordinary «-»."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm, Pt

from pipeline import ingest
from pipeline.forms import render
from pipeline.forms.registry import Registry
from pipeline.forms.render import CompiledTemplate, keep_symbols
from pipeline.forms.unit_context import unit_document_context
from pipeline.pdf.join import header_text
from pipeline.pdf.pool import Converter, Item
from pipeline.rating.engine import rate
from pipeline.resources import sample_workbook

needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is required")

SENTENCE = ("Căn cứ Nghị định số 233/2026/NĐ-CP ngày 12 tháng 5 năm 2026 của Chính phủ, Hướng dẫn số "
            "43-HD/BTCTW, Quy định số 366-QĐ/TW và Công văn số 12/UBND-NC của Ủy ban nhân dân tỉnh")
SYMBOLS = ("233/2026/NĐ-CP", "43-HD/BTCTW", "366-QĐ/TW", "12/UBND-NC")
OFFSETS = 8  # the sentence after 0..7 short words: the symbols fall at every place of a line


def _template(path: Path) -> Path:
    """A narrow page (8 cm of text, Times New Roman 13 pt, justified like the forms' reasons): one
    paragraph per offset, `{{ p<i> }}` each."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.page_width, section.left_margin, section.right_margin = Cm(10), Cm(1), Cm(1)
    for i in range(OFFSETS):
        doc.add_paragraph("{{ p%d }}" % i).alignment = 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.save(str(path))
    return path


def _lines(pdf: bytes, tmp: Path, name: str) -> list[str]:
    (tmp / f"{name}.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp / f"{name}.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _convert(template: CompiledTemplate, context: dict[str, str], tmp: Path, name: str) -> list[str]:
    docx = tmp / f"{name}.docx"
    template.render_to(context, docx)
    pdf, _pages = Converter(workers=1).run([Item(name, docx, "typo43")])[name]
    return _lines(pdf, tmp, name)


@needs_soffice
def test_a_long_citation_on_a_narrow_line_never_ends_a_line_at_its_hyphen(tmp_path, monkeypatch):
    template = CompiledTemplate(_template(tmp_path / "t.docx"), code="typo43")
    context = {f"p{i}": "x " * i + SENTENCE for i in range(OFFSETS)}
    broken = re.compile(r"[0-9A-ZĐ]-$")  # «…/NĐ-», «43-», «…/UBND-» at a line's end

    lines = _convert(template, context, tmp_path, "fixed")
    assert not [line for line in lines if broken.search(line)], lines
    # every symbol whole on one line, and as a clerk copies it: «-» (U+002D), never U+2011
    for symbol in SYMBOLS:
        assert sum(symbol in line for line in lines) == OFFSETS, (symbol, lines)
    assert "\u2011" not in "".join(lines)
    # the hyphen is the body face's own glyph: converted alone (without the primer page hoso adds,
    # which carries every face the forms use), the page holds one font, Liberation Serif
    alone = tmp_path / "alone"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(alone), str(tmp_path / "fixed.docx")],
                   capture_output=True, check=True, timeout=120)
    fonts = subprocess.run(["pdffonts", str(alone / "fixed.pdf")], capture_output=True, text=True, check=True).stdout
    assert [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]] == ["LiberationSerif"], fonts
    assert _lines((alone / "fixed.pdf").read_bytes(), tmp_path, "alone") == lines

    # the same page with ordinary hyphens: LibreOffice does break there (the case above is a real one)
    monkeypatch.setattr(render, "keep_symbols", lambda xml: xml)
    plain = _convert(CompiledTemplate(tmp_path / "t.docx", code="typo43"), context, tmp_path, "plain")
    assert [line for line in plain if broken.search(line)], plain


def test_only_a_documents_number_and_symbol_is_kept_whole():
    nbh = "</w:t><w:noBreakHyphen/>"
    xml = ('<w:p><w:r><w:t xml:space="preserve">theo Nghị định 90/2020/NĐ-CP, Luật số 06/2022/QH15, '
           'Hướng dẫn 43-HD/BTCTW; kỳ 2026-01, mã VP-037, Điều 12.1.a-b, Mẫu 01-HD KĐ.ĐG, 1-2 người </w:t></w:r>'
           '<w:r><w:t>(366-QĐ/TW)</w:t></w:r></w:p>')
    out = keep_symbols(xml)
    assert out == xml.replace("NĐ-CP", f'NĐ{nbh}<w:t xml:space="preserve">CP') \
        .replace("43-HD", f'43{nbh}<w:t xml:space="preserve">HD').replace("366-QĐ", f"366{nbh}<w:t>QĐ")
    # nothing else: no symbol, no change (not even a byte)
    plain = '<w:p><w:r><w:t>kỳ 2026-01 đến 2026-12, VP-037, Hà Nội - Việt Nam</w:t></w:r></w:p>'
    assert keep_symbols(plain) == plain
    # the rest of a symbol after a tag in a run of its own: «số {{ so }}/2026/NĐ-CP»
    assert keep_symbols("<w:t>/2026/NĐ-CP ngày</w:t>") == f"<w:t>/2026/NĐ{nbh}<w:t>CP ngày</w:t>"
    # an attribute is not text
    attr = '<w:bookmarkStart w:name="a 90/2020/NĐ-CP"/><w:t>x</w:t>'
    assert keep_symbols(attr) == attr


def test_the_first_page_header_drawn_after_conversion_still_reads_the_hyphen():
    """The first page's header is read from the .docx and drawn on the PDF by hoso (bundle/stamp.py):
    a symbol there keeps its «-»."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    header = keep_symbols(f'<w:hdr xmlns:w="{w}"><w:p><w:r><w:t>Số: 12/BC-UBND</w:t></w:r></w:p></w:hdr>')
    assert "noBreakHyphen" in header
    parts = {
        "word/document.xml": (f'<w:document xmlns:w="{w}" xmlns:r="{r}"><w:body><w:sectPr>'
                              '<w:headerReference w:type="first" r:id="rId9"/><w:titlePg/></w:sectPr></w:body></w:document>'),
        "word/_rels/document.xml.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                         '<Relationship Id="rId9" Type="header" Target="header1.xml"/></Relationships>'),
        "word/header1.xml": header,
    }
    assert header_text(lambda name: parts[name].encode()) == "Số: 12/BC-UBND"


@needs_soffice
def test_the_samples_minutes_and_proposal_table_keep_the_decree_whole(tmp_path):
    """The 2026 sample's Phòng Hành chính - Quản trị: the minutes (a demotion's reason, «… Nghị định
    335/2025/NĐ-» / «CP (vi phạm …») and the proposal table's notes column broke the decree's number
    before; every «NĐ-CP» they print is now whole on its line."""
    campaign = ingest.load(sample_workbook(2026))
    ratings = rate(campaign)
    unit = next(u for u in campaign.units if u.ma_don_vi == "HCQT")
    for code in ("bien_ban_hop", "tong_hop_xep_loai"):
        form = Registry().get(code)
        docx = tmp_path / f"{code}.docx"
        CompiledTemplate(form.template, code=code).render_to(unit_document_context(campaign, ratings, form, unit), docx)
        with zipfile.ZipFile(docx) as zf:
            assert b"<w:noBreakHyphen/>" in zf.read("word/document.xml")
        pdf, _pages = Converter(workers=1).run([Item(code, docx, code)])[code]
        lines = _lines(pdf, tmp_path, code)
        assert sum("335/2025/NĐ-CP" in line for line in lines) >= 1, (code, lines)
        assert not [line for line in lines if re.search(r"NĐ-\s*$|NĐ-\s{2,}", line)], (code, lines)
        assert not any(re.match(r"\s*CP\b", line) for line in lines), (code, lines)
        assert "\u2011" not in "".join(lines)
