"""Join many filled forms of one template into one DOCX, and split its PDF back per form.

Converting one joined document is 2–3× faster than converting forms one by one (soffice's
per-document cost dominates). What we measured with LibreOffice 7.4: joining with *section*
breaks changes the layout ("keep with next" chains and first-page headers behave differently
after a section break), while joining with plain *page* breaks keeps every form exactly as when
converted alone — provided both are converted in the same normalised shape. So every form, joined
or alone, is converted as `normalise()` makes it:
- a tiny anchor paragraph (1 pt) first, holding a bookmark; in a joined document it also carries
  "page break before" for every form but the first;
- no headers or footers: the forms' page numbers (Nghị định 30/2020: from page 2, top centre) are
  drawn on the PDF afterwards (`pipeline/bundle/stamp.py::number_form_pages`);
- a *primer* page first (dropped after conversion): every letter a form can use (ASCII, every
  Vietnamese letter, the usual punctuation, ☐ ☒) in every face of the forms' fonts. LibreOffice
  embeds one subset per font and document, numbered in the order glyphs are first used; with the
  primer every document — joined or alone — gets byte-identical font subsets, so a bundle made of
  forms from many conversions carries each font once (identical objects are merged), instead of
  once per conversion (measured: 52 font files in a 132-page unit bundle without the primer).
LibreOffice exports the bookmarks as named destinations and we cut the PDF at their pages. The
caller checks there is one destination per form and falls back to one-by-one conversion otherwise.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from lxml import etree
from pypdf import PdfReader, PdfWriter

from pipeline.pdf.objects import number_in_order
from pipeline.pdf.prune import prune_resources

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BOOKMARK_PREFIX = "hosodoc"  # no underscore: PDF names would escape it as #5F
BOOKMARK_ID_BASE = 900_000
EXPORT_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
_HEADER_REFS = re.compile(rb"<w:(?:header|footer)Reference\b[^>]*/>|<w:titlePg(?:\s[^>]*)?/>")


_VN_LOWER = ("aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ")
# Every character the primer page shows, in a fixed order: what the forms print (ASCII, every
# Vietnamese letter, the usual punctuation), "fi fl" for the ligatures. At most ~250 glyphs, so
# LibreOffice keeps one subset per face (a 256th glyph opens a second one).
PRIMER_TEXT = ("".join(chr(c) for c in range(33, 127)) + " " + _VN_LOWER + _VN_LOWER.upper()
               + "–—…“”‘’•×→−≤«»\u00a0 fi fl")
_ITALIC_TEXT = "".join(chr(c) for c in range(33, 127)) + " " + _VN_LOWER + "ĐÁÂ–—…“”‘’ fi fl"
_BOXES = "☐☒☑✓✔"  # not in Liberation Serif: the templates set them in DejaVu Sans
# (font, face, text): what the templates print in each face, measured on the forms' text
# (regular and bold: everything; italic: notes and dates, lower case). Bold italic is left out:
# the forms use a few of its letters, and a small subset per conversion costs less than a full one.
PRIMER_FONTS = (("Times New Roman", "", PRIMER_TEXT), ("Times New Roman", "<w:b/>", PRIMER_TEXT),
                ("Times New Roman", "<w:i/>", _ITALIC_TEXT), ("DejaVu Sans", "", _BOXES))
PRIMER_PAGES = 1
SINGLE_NAME = f"{BOOKMARK_PREFIX}{0:05d}"  # the bookmark of a form converted alone


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _primer() -> list[etree._Element]:
    """The primer page: the PRIMER_FONTS texts in their faces, 1 pt, then a page break; always the
    same, so the font subsets are always the same."""
    runs = []
    for font, style, text in PRIMER_FONTS:
        runs.append(f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}" w:eastAsia="{font}"/>'
                    f'{style}<w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr>'
                    f'<w:t xml:space="preserve">{escape(text)} </w:t></w:r>')
    return [etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr>'
                             f'{"".join(runs)}</w:p>')]


def _anchor(index: int, *, page_break: bool) -> etree._Element:
    brk = "<w:pageBreakBefore/>" if page_break else ""
    return etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:pPr>{brk}<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        f'<w:rPr><w:sz w:val="2"/><w:szCs w:val="2"/></w:rPr></w:pPr>'
        f'<w:bookmarkStart w:id="{BOOKMARK_ID_BASE + index}" w:name="{BOOKMARK_PREFIX}{index:05d}"/>'
        f'<w:bookmarkEnd w:id="{BOOKMARK_ID_BASE + index}"/></w:p>'
    )


def _document(docx: Path) -> etree._Element:
    with zipfile.ZipFile(docx) as zf:
        return keep_header_rows(etree.fromstring(_HEADER_REFS.sub(b"", zf.read("word/document.xml"))))


# the elements a w:pPr may hold before w:keepNext (ECMA-376 CT_PPrBase sequence)
_BEFORE_KEEP_NEXT = {_q("pStyle")}


def keep_header_rows(root: etree._Element) -> etree._Element:
    """Every paragraph of a table's repeated heading row (`w:tblHeader`) kept with the next: the heading
    row never ends a page alone. LibreOffice 7.4 lays a table whose heading row alone fits at the foot
    of a page by leaving that row there and losing the rows under it — they are in no page of the PDF
    (audit rev2: the Giám đốc's phiếu printed the periods table's heading and none of his twelve months
    nor his year score). Kept with its first row, the heading goes to the next page with the rows.
    Done on the converted copy only: the filled .docx (its digest is the document's version, what is
    signed and reprinted) is not touched. Returns `root`, changed in place."""
    for tr in root.iter(_q("tr")):
        trpr = tr.find("w:trPr", NS)
        if trpr is None or trpr.find("w:tblHeader", NS) is None:
            continue
        for p in tr.iter(_q("p")):
            ppr = p.find("w:pPr", NS)
            if ppr is None:
                ppr = etree.Element(_q("pPr"))
                p.insert(0, ppr)
            if ppr.find("w:keepNext", NS) is not None:
                continue
            at = sum(1 for child in ppr if child.tag in _BEFORE_KEEP_NEXT)
            ppr.insert(at, etree.Element(_q("keepNext")))
    return root


HEADER_ROWS_KEPT = "hang-tieu-de-bang-giu-voi-dong-sau"  # the shape of a form with a heading row (pdf_key)


@functools.lru_cache(maxsize=256)
def _has_header_rows(template: Path, size: int, mtime: int) -> bool:
    with zipfile.ZipFile(template) as zf:
        return b"<w:tblHeader" in zf.read("word/document.xml")


def conversion_shape(template: Path) -> str:
    """What the conversion changes in the copy of the forms of `template` (`keep_header_rows`), for
    their PDFs' cache key (`cache.pdf_key`): "" when nothing (no table heading row)."""
    st = Path(template).stat()
    return HEADER_ROWS_KEPT if _has_header_rows(Path(template), st.st_size, st.st_mtime_ns) else ""


def prepared_alone(src: Path, dest: Path) -> None:
    """The copy of a form converted one by one with its own headers (PDF/A): only `keep_header_rows`."""
    with zipfile.ZipFile(src) as zf:
        root = keep_header_rows(etree.fromstring(zf.read("word/document.xml")))
    _write(src, root, dest)


def _write(template_docx: Path, root: etree._Element, dest: Path) -> None:
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(template_docx) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, xml if info.filename == "word/document.xml" else src.read(info))


def normalise(src: Path, dest: Path) -> None:
    """The shape in which a form is converted alone (same as inside a joined document)."""
    root = _document(src)
    body = root.find("w:body", NS)
    assert body is not None  # every document.xml has its w:body
    for i, el in enumerate([*_primer(), _anchor(0, page_break=True)]):
        body.insert(i, el)
    _write(src, root, dest)


def join(docx_files: list[Path], dest: Path) -> list[str]:
    """Write one DOCX holding every form in order; returns the bookmark name of each form."""
    root0 = _document(docx_files[0])
    body0 = root0.find("w:body", NS)
    assert body0 is not None  # every document.xml has its w:body
    final_sect = body0[-1] if len(body0) and body0[-1].tag == _q("sectPr") else None
    for child in list(body0):
        body0.remove(child)
    names = []
    body0.extend(_primer())
    for i, path in enumerate(docx_files):
        body = _document(path).find("w:body", NS)
        assert body is not None
        body0.append(_anchor(i, page_break=True))
        names.append(f"{BOOKMARK_PREFIX}{i:05d}")
        for el in body:
            if el.tag != _q("sectPr"):
                body0.append(el)
    if final_sect is not None:
        body0.append(final_sect)
    _write(docx_files[0], root0, dest)
    return names


def join_safe(template: Path) -> bool:
    """Forms of this template can be joined: a single section and no whole-document page counts."""
    with zipfile.ZipFile(template) as zf:
        doc = zf.read("word/document.xml")
        parts = [zf.read(n) for n in zf.namelist() if n.startswith(("word/header", "word/footer"))]
    if doc.count(b"<w:sectPr") > 1:
        return False
    return not any(b"NUMPAGES" in p or b"SECTIONPAGES" in p for p in [doc, *parts])


_RELS_HEADERS = re.compile(rb'<Relationship\b[^>]*Type="[^"]*/(?:header|footer)"[^>]*/>')
_RSID = re.compile(rb'\sw:rsid\w*="[^"]*"')
_SKIP_PARTS = re.compile(r"^(word/document\.xml|word/(header|footer)\d*\.xml|\[Content_Types\]\.xml|docProps/.*"
                         r"|customXml/.*|word/_rels/(header|footer)\d*\.xml\.rels)$")


def join_family(template: Path) -> str | None:
    """Forms of templates with the same family can be joined into one document, whatever their
    template: everything but the body and the (removed) headers is byte-identical — styles,
    numbering, settings, fonts, theme, media, relationships — and so is the page set-up (the final
    section properties without header references). None: the template cannot be joined at all."""
    if not join_safe(template):
        return None
    h = hashlib.sha256()
    with zipfile.ZipFile(template) as zf:
        for name in sorted(zf.namelist()):
            if _SKIP_PARTS.match(name):
                continue
            data = zf.read(name)
            if name == "word/_rels/document.xml.rels":
                data = _RELS_HEADERS.sub(b"", data)
            h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        doc = _HEADER_REFS.sub(b"", zf.read("word/document.xml"))
    sect = re.findall(rb"<w:sectPr\b.*?</w:sectPr>", doc, re.S)
    h.update(_RSID.sub(b"", sect[-1]) if sect else b"")
    return h.hexdigest()[:16]


def has_page_numbers(template: Path) -> bool:
    """Whether the template prints page numbers in a header or footer (they are stamped instead)."""
    with zipfile.ZipFile(template) as zf:
        return any(b"PAGE" in zf.read(n) for n in zf.namelist() if n.startswith(("word/header", "word/footer")))


def first_page_header(docx: Path | IO[bytes]) -> str:
    """The text of the first page's own header (e.g. "Mẫu số 02"), drawn on the PDF instead."""
    with zipfile.ZipFile(docx) as zf:
        return header_text(zf.read)


def header_text(read: Callable[[str], bytes]) -> str:
    """first_page_header of the document whose parts `read(name) -> bytes` gives."""
    doc = read("word/document.xml")
    if b"<w:titlePg" not in doc:
        return ""
    m = re.search(rb'<w:headerReference[^>]*w:type="first"[^>]*/>', doc)
    if not m:
        return ""
    rid = re.search(rb'r:id="([^"]+)"', m.group(0))
    target = _target(read("word/_rels/document.xml.rels"), rid.group(1).decode() if rid else "")
    if not target:
        return ""
    return _lines(read("word/" + target.lstrip("/").removeprefix("word/")))


# documents of one template mostly share their relationships and their header's XML: parsed once
@functools.lru_cache(maxsize=64)
def _target(rels: bytes, rid: str) -> str | None:
    return next((r.get("Target") for r in etree.fromstring(rels) if rid and r.get("Id") == rid), None)


@functools.lru_cache(maxsize=256)
def _lines(header: bytes) -> str:
    root = etree.fromstring(header)
    # a <w:noBreakHyphen/> (forms/render.py::keep_symbols, a document's number «12/BC-UBND») is printed «-»
    lines = ["".join(t.text or "" if t.tag == _q("t") else "-" for t in p.iter(_q("t"), _q("noBreakHyphen")))
             for p in root.iter(_q("p"))]
    return "\n".join(line for line in lines if line.strip())


def split(pdf: bytes, names: list[str], metadata: list[dict[str, str]] | None = None
          ) -> list[tuple[bytes, int]] | None:
    """Cut the converted PDF at each form's destination, dropping the primer page before the
    first; None if the destinations don't match. `metadata`: each piece's document information
    entries (which person, document and content key it is: pool.identity)."""
    reader = PdfReader(io.BytesIO(pdf))
    dests = reader.named_destinations
    starts = []
    for name in names:
        dest = dests.get(name) or dests.get("/" + name)
        if dest is None:
            return None
        page = reader.get_destination_page_number(dest)
        if page is None:  # a destination on no page of the document
            return None
        starts.append(page)
    total = len(reader.pages)
    if starts != sorted(starts) or len(set(starts)) != len(starts) or (starts and starts[0] != PRIMER_PAGES):
        return None
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else total
        writer = PdfWriter()
        for n in range(start, end):
            writer.add_page(reader.pages[n])
        # the piece's pages list only the fonts they draw with, and its objects are numbered in the
        # order they are reached: the same bytes whether the form was converted alone or joined
        prune_resources(writer)
        number_in_order(writer)
        if metadata is not None:
            writer.add_metadata(metadata[i])
        buf = io.BytesIO()
        writer.write(buf)
        out.append((buf.getvalue(), end - start))
    return out
