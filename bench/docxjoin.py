"""Join filled forms (.docx made from templates with the same styles) into one .docx, one section
per form, so that LibreOffice can export all their pages as ONE PDF.

Used only by the benchmark, as the size reference: "what LibreOffice's own single PDF of the same
pages weighs". Each form keeps its page setup and its own header parts (they are rendered per
form), and restarts its page numbers at 1, as when it is converted alone. The body of every form
is appended as is; the styles, numbering and other relationships of the first file are used for
all (the templates share them; `join` refuses files whose body references another relationship).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_REL = re.compile(r'<Relationship\b[^>]*?/>')
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_SECT = re.compile(r"<w:sectPr\b[^>]*>.*?</w:sectPr>\s*$", re.S)
_BODY = re.compile(r"<w:body>(.*)</w:body>", re.S)
_HEADER_TYPES = ("/header", "/footer")
_CT = {
    "/header": "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "/footer": "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml",
}
# elements that follow pgNumType in CT_SectPr
_AFTER_PGNUM = ("<w:cols", "<w:formProt", "<w:vAlign", "<w:noEndnote", "<w:titlePg", "<w:textDirection",
                "<w:bidi", "<w:rtlGutter", "<w:docGrid", "<w:printerSettings", "</w:sectPr>")


class JoinError(Exception):
    pass


def _rels(xml: str) -> list[dict[str, str]]:
    return [dict(_ATTR.findall(m.group(0))) for m in _REL.finditer(xml)]


def _restart_numbering(sect: str) -> str:
    if "<w:pgNumType" in sect:
        return re.sub(r"<w:pgNumType\b[^>]*/>", '<w:pgNumType w:start="1"/>', sect, count=1)
    for tag in _AFTER_PGNUM:
        i = sect.find(tag)
        if i >= 0:
            return sect[:i] + '<w:pgNumType w:start="1"/>' + sect[i:]
    raise JoinError("sectPr without an end tag")


def join(files: list[Path], dest: Path) -> int:
    """Write `dest`, the forms of `files` in order, one section each; returns the number joined."""
    if not files:
        raise JoinError("nothing to join")
    with zipfile.ZipFile(files[0]) as base:
        entries = {i.filename: base.read(i) for i in base.infolist()}
    doc0 = entries["word/document.xml"].decode("utf-8")
    head = doc0[: doc0.index("<w:body>")]
    base_rels = entries["word/_rels/document.xml.rels"].decode("utf-8")
    base_ids = {r["Id"]: r for r in _rels(base_rels)}
    bodies: list[str] = []
    new_rels: list[str] = []
    new_types: list[str] = []
    parts: dict[str, bytes] = {}
    for k, path in enumerate(files):
        with zipfile.ZipFile(path) as zf:
            doc = zf.read("word/document.xml").decode("utf-8")
            rels = _rels(zf.read("word/_rels/document.xml.rels").decode("utf-8"))
            body = _BODY.search(doc)
            if body is None:
                raise JoinError(f"{path}: no w:body")
            content = body.group(1)
            m = _SECT.search(content)
            if m is None:
                raise JoinError(f"{path}: no final section properties")
            sect, content = m.group(0).strip(), content[: m.start()]
            remap = {}
            for r in rels:
                kind = next((t for t in _HEADER_TYPES if r["Type"].endswith(t)), None)
                if kind is None:
                    continue
                new_id = f"rIdJoin{k}x{r['Id']}"
                new_target = f"join{k}_{Path(r['Target']).name}"
                parts["word/" + new_target] = zf.read("word/" + r["Target"])
                new_rels.append(f'<Relationship Id="{new_id}" Type="{r["Type"]}" Target="{new_target}"/>')
                new_types.append(f'<Override PartName="/word/{new_target}" ContentType="{_CT[kind]}"/>')
                remap[r["Id"]] = new_id
            used = set(re.findall(r'r:(?:id|embed|link)="([^"]+)"', content))
            for rid in used:
                mine = next((r for r in rels if r["Id"] == rid), None)
                theirs = base_ids.get(rid)
                if mine is None or theirs is None or mine["Target"] != theirs["Target"]:
                    raise JoinError(f"{path}: body uses relationship {rid} that differs from the first file")
        sect = re.sub(r'r:id="([^"]+)"', lambda mm, remap=remap: f'r:id="{remap.get(mm.group(1), mm.group(1))}"', sect)
        sect = _restart_numbering(sect)
        if k < len(files) - 1:
            bodies.append(content + f"<w:p><w:pPr>{sect}</w:pPr></w:p>")
        else:
            bodies.append(content + sect)
    # drop the first file's own header parts' relationships: every section now points at its copy
    kept = [m.group(0) for m in _REL.finditer(base_rels)
            if not any(dict(_ATTR.findall(m.group(0)))["Type"].endswith(t) for t in _HEADER_TYPES)]
    opening = re.search(r"<Relationships\b[^>]*>", base_rels)
    if opening is None:
        raise JoinError(f"{files[0]}: no Relationships element")
    rels_xml = base_rels[: opening.end()] + "".join(kept + new_rels) + "</Relationships>"
    ct = entries["[Content_Types].xml"].decode("utf-8")
    ct = ct.replace("</Types>", "".join(new_types) + "</Types>")
    entries["word/document.xml"] = (head + "<w:body>" + "".join(bodies) + "</w:body></w:document>").encode("utf-8")
    entries["word/_rels/document.xml.rels"] = rels_xml.encode("utf-8")
    entries["[Content_Types].xml"] = ct.encode("utf-8")
    entries.update(parts)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return len(files)
