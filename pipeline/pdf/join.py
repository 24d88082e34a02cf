"""Join many filled forms of one template into one DOCX, and split its PDF back per form.

Converting one joined document is 2–3× faster than converting the forms one by one (soffice's
per-document cost dominates). Each form keeps its own section (its `sectPr` moves into its last
paragraph, so the next form starts a new page with the same page setup) and starts with a
bookmark; LibreOffice exports the bookmarks as named destinations, and we cut the PDF at their
pages. Forms made from the same template share styles, numbering and relationships, so their
bodies can be concatenated as they are. The caller checks that there is one destination per form
and falls back to converting forms one by one otherwise.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from lxml import etree
from pypdf import PdfReader, PdfWriter

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BOOKMARK_PREFIX = "hosodoc"
BOOKMARK_ID_BASE = 900_000
EXPORT_FILTER = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _body(docx: Path) -> tuple[etree._Element, list[etree._Element], etree._Element | None]:
    with zipfile.ZipFile(docx) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    body = root.find("w:body", NS)
    children = list(body)
    sect = children[-1] if children and children[-1].tag == _q("sectPr") else None
    content = children[:-1] if sect is not None else children
    return root, content, sect


def _bookmark(p: etree._Element, index: int) -> None:
    start = etree.Element(_q("bookmarkStart"))
    start.set(_q("id"), str(BOOKMARK_ID_BASE + index))
    start.set(_q("name"), f"{BOOKMARK_PREFIX}{index:05d}")
    end = etree.Element(_q("bookmarkEnd"))
    end.set(_q("id"), str(BOOKMARK_ID_BASE + index))
    ppr = p.find("w:pPr", NS)
    pos = 1 if ppr is not None else 0
    p.insert(pos, start)
    p.insert(pos + 1, end)


_AFTER_PGNUM = ("cols", "formProt", "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter",
                "docGrid", "printerSettings", "sectPrChange")


def _restart_numbering(sect: etree._Element) -> None:
    """Each form numbers its own pages from 1, as when converted alone."""
    num = sect.find("w:pgNumType", NS)
    if num is None:
        num = etree.Element(_q("pgNumType"))
        follower = next((c for c in sect if etree.QName(c).localname in _AFTER_PGNUM), None)
        if follower is not None:
            follower.addprevious(num)
        else:
            sect.append(num)
    num.set(_q("start"), "1")


def _end_section(content: list[etree._Element], sect: etree._Element) -> list[etree._Element]:
    """Put the form's section properties into its last paragraph (a 'next page' section break)."""
    if not content or content[-1].tag != _q("p"):
        content = [*content, etree.Element(_q("p"))]
    last = content[-1]
    ppr = last.find("w:pPr", NS)
    if ppr is None:
        ppr = etree.Element(_q("pPr"))
        last.insert(0, ppr)
    change = ppr.find("w:pPrChange", NS)
    if change is not None:
        change.addprevious(sect)
    else:
        ppr.append(sect)
    return content


def join(docx_files: list[Path], dest: Path) -> list[str]:
    """Write one DOCX holding every form in order; returns the bookmark name of each form."""
    names = []
    root0, _, _ = _body(docx_files[0])
    body0 = root0.find("w:body", NS)
    for child in list(body0):
        body0.remove(child)
    final_sect = None
    for i, path in enumerate(docx_files):
        _, content, sect = _body(path)
        first_p = next((el for el in content if el.tag == _q("p")), None)
        if first_p is None:
            first_p = etree.Element(_q("p"))
            content = [first_p, *content]
        _bookmark(first_p, i)
        if sect is not None:
            _restart_numbering(sect)
        names.append(f"{BOOKMARK_PREFIX}{i:05d}")
        if i < len(docx_files) - 1 and sect is not None:
            content = _end_section(content, sect)
        else:
            final_sect = sect
        for el in content:
            body0.append(el)
    if final_sect is not None:
        body0.append(final_sect)
    xml = etree.tostring(root0, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(docx_files[0]) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, xml if info.filename == "word/document.xml" else src.read(info))
    return names


def _keep_next_styles(styles_xml: bytes) -> tuple[set[str], bool]:
    """Paragraph style ids that carry "keep with next" (directly or by inheritance), and whether
    the default paragraph style does."""
    root = etree.fromstring(styles_xml)
    direct, based, default = set(), {}, None
    for st in root.findall("w:style", NS):
        if st.get(_q("type")) != "paragraph":
            continue
        sid = st.get(_q("styleId"))
        if st.get(_q("default")) in ("1", "true"):
            default = sid
        if st.find("w:pPr/w:keepNext", NS) is not None:
            direct.add(sid)
        parent = st.find("w:basedOn", NS)
        if parent is not None:
            based[sid] = parent.get(_q("val"))
    keep = set()
    for sid in {*based, *direct}:
        cur, seen = sid, set()
        while cur and cur not in seen:
            if cur in direct:
                keep.add(sid)
                break
            seen.add(cur)
            cur = based.get(cur)
    return keep, default in keep


def join_safe(template: Path) -> bool:
    """Whether forms of this template keep their exact layout when joined.

    Measured with LibreOffice 7.4: "keep with next" chains are laid out differently after a
    section break than at the start of a document, and page-count fields would count the whole
    joined document. Templates using either are converted one by one.
    """
    with zipfile.ZipFile(template) as zf:
        names = zf.namelist()
        doc = zf.read("word/document.xml")
        if b"<w:keepNext" in doc:
            return False
        parts = [doc] + [zf.read(n) for n in names if n.startswith(("word/header", "word/footer"))]
        if any(b"NUMPAGES" in p or b"SECTIONPAGES" in p for p in parts):
            return False
        if "word/styles.xml" in names:
            keep, default_keeps = _keep_next_styles(zf.read("word/styles.xml"))
            used = set(re.findall(rb'<w:pStyle w:val="([^"]+)"', doc))
            if default_keeps or any(s.encode() in used for s in keep):
                return False
    return True


def split(pdf: bytes, names: list[str]) -> list[tuple[bytes, int]] | None:
    """Cut the joined PDF at each form's destination; None if the destinations don't match."""
    reader = PdfReader(io.BytesIO(pdf))
    dests = reader.named_destinations
    starts = []
    for name in names:
        dest = dests.get(name) or dests.get("/" + name)
        if dest is None:
            return None
        starts.append(reader.get_destination_page_number(dest))
    total = len(reader.pages)
    if starts != sorted(starts) or len(set(starts)) != len(starts) or (starts and starts[0] != 0):
        return None
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else total
        writer = PdfWriter()
        for n in range(start, end):
            writer.add_page(reader.pages[n])
        writer.compress_identical_objects()
        buf = io.BytesIO()
        writer.write(buf)
        out.append((buf.getvalue(), end - start))
    return out
