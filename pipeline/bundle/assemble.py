"""assemble: per-person and per-unit PDF bundles — covers, tables of contents computed from the
real page counts, nested bookmarks, page numbers in the margin, duplex-safe blank pages."""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

from pipeline.bundle import cover
from pipeline.bundle.pagecode import COVER_FORM, PageCode
from pipeline.bundle.pens import Faces, Unencodable, find_faces, flate_stream, reportlab_faces
from pipeline.bundle.stamp import FormMarks, apply_marks
from pipeline.bundle.subset import subset_fonts
from pipeline.pdf.objects import number_in_order
from pipeline.pdf.prune import prune_resources
from pipeline.plan import DocumentJob, PersonDossier, UnitDossier

# Seed 001 (Kế hoạch VP UBND tỉnh, II.2.d): the unit dossier's items, in this order.
UNIT_SECTIONS = (
    (("bien_ban_hop", "bien_ban_kiem_phieu"), "1. Biên bản cuộc họp"),
    (("kiem_diem_tap_the",), "2. Bản kiểm điểm của tập thể"),
    (("__ca_nhan__",), "3. Bản tự kiểm điểm cá nhân"),
    (("tong_hop_xep_loai",), "4. Đề xuất mức xếp loại cá nhân, tập thể"),
    (("tong_hop_thi_dua",), "5. Bảng tổng hợp bình xét thi đua, khen thưởng"),
)


@dataclass(frozen=True)
class Section:
    """A document inside a bundle: where it starts (1-based) and how many pages it has."""

    title: str
    first_page: int
    pages: int
    form: str = ""
    ma_so: str = ""
    children: tuple[Section, ...] = ()


@dataclass(frozen=True)
class BuiltBundle:
    data: bytes  # the finished PDF
    pages: int
    sections: tuple[Section, ...]
    # the digests of its cover sheet's text (pipeline/printed.py `cover_record`: {"trang", "chu", "so"}),
    # made once with the bundle and cached with it; None: unknown (no cover, or not read)
    bia: dict[str, Any] | None = None


@dataclass(frozen=True)
class CoverInfo:
    """What a cover sheet prints."""

    header: tuple[str, ...]
    title: str
    facts: tuple[tuple[str, str], ...] = ()
    signers: dict[str, Any] = field(default_factory=dict)  # form code -> signer titles
    copies: dict[str, Any] = field(default_factory=dict)  # form code -> number of copies (default 1)
    initials: frozenset[str] = frozenset()  # form codes whose pages get an initials box
    headers: dict[str, Any] = field(default_factory=dict)  # document key -> (page numbers?, first-page header text)
    codes: dict[str, Any] = field(default_factory=dict)  # document key -> its pages' code (pagecode.PageCode; none: no code)


def person_record(ma_so: str) -> dict[str, str]:
    """What a person's dossier says of itself in its document information: whose it is, what it is
    (read back by `hoso verify` against the manifest's `ban_ghi_pdf`)."""
    return {"/HosoNguoi": ma_so, "/HosoVanBan": "ho_so_ca_nhan"}


def unit_record(ma_don_vi: str) -> dict[str, str]:
    """What a unit's bundle says of itself (see person_record)."""
    return {"/HosoDonVi": ma_don_vi, "/HosoVanBan": "ho_so_don_vi"}


def manifest_record(record: dict[str, str]) -> dict[str, str]:
    """A record as the manifest keeps it (`ban_ghi_pdf`): the entries' names without the PDF's slash."""
    return {k.lstrip("/"): v for k, v in record.items()}


class _Builder:
    """Appends PDFs to one writer, remembering where each starts, blank and cover pages, and
    what must be drawn on which page (drawn once, at the end). `faces`: the fonts of covers and
    marks (None: reportlab's)."""

    def __init__(self, duplex: bool, faces: Faces | None) -> None:
        self.writer = PdfWriter()
        self.writer.page_mode = "/UseOutlines"
        self.duplex = duplex
        self.faces = faces
        self.unnumbered: set[int] = set()
        self.marks: dict[int, tuple[Any, ...]] = {}
        self._fonts: dict[bytes, IndirectObject] = {}  # font identity (`_object_identity`) -> its copy in the writer
        self._readers: set[int] = set()  # the readers whose fonts were matched (`_share_fonts`)

    @property
    def count(self) -> int:
        return len(self.writer.pages)

    def to_odd(self) -> None:
        if self.duplex and self.count % 2 == 1:
            self.writer.add_blank_page(width=595.28, height=841.89)
            self.unnumbered.add(self.count - 1)

    def append(self, source: bytes | tuple[PdfReader, int, int], *, numbered: bool = True,
               form: FormMarks | None = None) -> int:
        """Append a PDF (bytes) or a page range of an open one ((reader, first page index, pages));
        pages of one reader share their fonts and resources in the bundle (cloned once)."""
        reader, first, count = (_reader(source), 0, None) if isinstance(source, bytes) else source
        start = self.count
        indices = range(first, first + (len(reader.pages) - first if count is None else count))
        new = self._share_fonts(reader, indices)
        for i in indices:
            self.writer.add_page(reader.pages[i])
        for key, idnum in new.items():  # this reader's fonts, as cloned: the next readers' may share them
            dst = self.writer._id_translated.get(id(reader), {}).get(idnum)
            if dst is not None:
                self._fonts.setdefault(key, IndirectObject(dst, 0, self.writer))
        n = self.count - start
        if not numbered:
            self.unnumbered.update(range(start, self.count))
        if form is not None:
            for i in range(n):
                if m := form.for_page(i, n):
                    self.marks[start + i] = self.marks.get(start + i, ()) + m
        return start

    def _share_fonts(self, reader: PdfReader, indices: range) -> dict[bytes, int]:
        """Before the pages of `reader` are cloned: its fonts already in the writer (another form's
        PDF embeds the same primed subsets, pipeline/pdf/join.py) are pointed at that copy, so they
        are neither parsed (their /Widths arrays are most of a form's objects) nor cloned again.
        Fonts are matched by their stored bytes and those of everything they refer to
        (`_object_identity`). Returns this reader's other fonts: identity -> object number in it."""
        new: dict[bytes, int] = {}
        if id(reader) in self._readers:
            return new
        self._readers.add(id(reader))
        table = self.writer._id_translated.setdefault(id(reader), {"PreventGC": reader})
        stream = reader.stream
        if not isinstance(stream, io.BytesIO):
            return new
        buf = stream.getbuffer()
        for i in indices:
            resources = reader.pages[i].get("/Resources")
            fonts = resources.get_object().get("/Font") if resources is not None else None
            for ref in (fonts.get_object().values() if fonts is not None else ()):
                if not isinstance(ref, IndirectObject) or ref.idnum in table:
                    continue
                memo: dict[int, bytes | None] = reader.__dict__.setdefault("_hoso_identity", {})
                key = memo[ref.idnum] if ref.idnum in memo else memo.setdefault(
                    ref.idnum, _object_identity(reader, buf, ref.idnum))  # a person's pages come again in the unit's bundle
                if key is None:
                    continue
                known = self._fonts.get(key)
                if known is not None:
                    table[ref.idnum] = known.idnum
                else:
                    new.setdefault(key, ref.idnum)
        return new

    def append_cover(self, drawn: cover.CoverPages) -> int:
        """Append a drawn cover (unnumbered pages); its first page index."""
        if drawn.pdf is not None:
            return self.append(drawn.pdf, numbered=False)
        start = self.count
        assert self.faces is not None  # drawn contents come only with faces (cover.draw)
        resources = self.faces.resources(self.writer)
        for content in drawn.contents:
            page = self.writer.add_blank_page(*cover.A4)
            page[NameObject("/Contents")] = self.writer._add_object(flate_stream(content))
            page[NameObject("/Resources")] = resources
        self.unnumbered.update(range(start, self.count))
        return start

    def finish(self, title: str, *, cut_fonts: bool = False, identity: dict[str, str] | None = None) -> bytes:
        """Draw every mark and the page numbers, keep one copy of each font (forms converted
        apart embed the same primed subsets), write once. `cut_fonts`: empty the glyphs no page
        shows (pipeline/bundle/subset.py) — worth it for a person's few pages, where the fonts
        are most of the file; a unit bundle prints nearly every letter anyway."""
        self.writer.add_metadata({"/Title": title, "/Producer": "hoso", **(identity or {})})  # identity: verify.py
        # one page-numbering scheme per sheet: each document keeps its own numbers (ND 30/2020, from
        # its page 2); the bundle prints none of its own, so a signed original is the same sheet in
        # the person's dossier and in the unit's bundle (the covers list the PDF's pages)
        apply_marks(self.writer, dict(self.marks), self.faces)
        self.writer.set_page_label(0, self.count - 1, style=PageLabelStyle.DECIMAL, start=1)
        merge_identical_fonts(self.writer)
        # each page lists only the fonts it draws with: a form's pages from the joined PDF it was
        # converted in list every font of that conversion (pipeline/pdf/prune.py)
        prune_resources(self.writer)
        if cut_fonts:
            subset_fonts(self.writer)
        _inline_outline_destinations(self.writer)
        number_in_order(self.writer)
        buf = io.BytesIO()
        self.writer.write(buf)
        return buf.getvalue()


_REF = re.compile(rb"(\d+)\s+(\d+)\s+R\b")


def _object_identity(reader: PdfReader, buf: memoryview, idnum: int, depth: int = 0) -> bytes | None:
    """SHA-256 of an object as stored in the file, each reference in it replaced by the identity of
    the object it points at (so the same font in two PDFs, numbered differently, has one identity);
    a stream by its stored bytes. Read from the file's bytes, not parsed: a font's inline /Widths
    array is hundreds of numbers pypdf would parse one by one. None when the object is not stored
    plainly (in an object stream, or not found)."""
    offset = reader.xref.get(0, {}).get(idnum)
    if offset is None or depth > 3:
        return None
    end = bytes(buf[offset:offset + 65536]).find(b"endobj")
    raw = bytes(buf[offset:offset + end]) if end > 0 else b""
    head = raw.split(b"obj", 1)
    if len(head) != 2 or not head[0].split() or head[0].split()[0] != str(idnum).encode():
        return None
    body = head[1]
    if b"stream" in body:  # a stream: its dictionary is small, its data hashed as stored
        obj: Any = reader.get_object(idnum)
        data = getattr(obj, "_data", None)
        if data is None:
            return None
        body = body.split(b"stream", 1)[0] + hashlib.sha256(data).digest()
    parts: list[bytes] = []
    last = 0
    for m in _REF.finditer(body):
        inner = _object_identity(reader, buf, int(m.group(1)), depth + 1)
        if inner is None:
            return None
        parts += [body[last:m.start()], inner]
        last = m.end()
    parts.append(body[last:])
    return hashlib.sha256(b"".join(parts)).digest()


def merge_identical_fonts(writer: PdfWriter) -> None:
    """One copy of each font in the bundle. Forms converted in different LibreOffice runs, covers
    and page marks all embed the same primed subsets (pipeline/pdf/join.py); each run's copy came
    in with its pages. Fonts are compared by everything that draws them (name, widths, encoding,
    the font program, the Unicode map); pages and form XObjects are pointed at the first copy and
    the others dropped. (pypdf's generic compress_identical_objects needs one full pass over every
    object per level of references, ~4× slower.)"""
    first: dict[tuple[Any, ...], IndirectObject] = {}
    dropped: set[int] = set()
    known: dict[int, tuple[Any, ...]] = {}  # font object number -> identity (most pages share their fonts)

    def identity(font: DictionaryObject) -> tuple[Any, ...]:
        parts: list[tuple[Any, ...]] = []
        for k in sorted(font):
            v = font.raw_get(k)
            if k == "/FontDescriptor":
                fd = v.get_object()
                ff = fd.get("/FontFile2") or fd.get("/FontFile") or fd.get("/FontFile3")
                parts.append((k, tuple((a, repr(b)) for a, b in sorted(fd.items()) if not a.startswith("/FontFile")),
                              hashlib.sha256(ff.get_object()._data).digest() if ff is not None else b""))
            elif isinstance(v, IndirectObject):
                o: Any = v.get_object()
                parts.append((k, hashlib.sha256(o._data).digest() if hasattr(o, "_data") else repr(o)))
            else:
                parts.append((k, repr(v)))
        return tuple(parts)

    def visit(resources: Any) -> None:
        fonts = resources.get("/Font") if resources is not None else None
        if fonts is not None:
            fonts = fonts.get_object()
            for name in list(fonts):
                ref = fonts.raw_get(name)
                if not isinstance(ref, IndirectObject):
                    continue
                key = known.get(ref.idnum)
                if key is None:
                    key = known[ref.idnum] = identity(cast(DictionaryObject, ref.get_object()))
                keep = first.setdefault(key, ref)
                if keep.idnum != ref.idnum:
                    fonts[NameObject(name)] = keep
                    dropped.add(ref.idnum)
        xobjects = resources.get("/XObject") if resources is not None else None
        for ref in (xobjects.get_object().values() if xobjects is not None else ()):
            xo = ref.get_object()
            if xo.get("/Subtype") == "/Form" and id(xo) not in seen:
                seen.add(id(xo))
                visit(xo.get("/Resources"))

    seen: set[int] = set()
    for page in writer.pages:
        visit(page.get("/Resources"))
    kept = {ref.idnum for ref in first.values()}
    for idnum in dropped - kept:  # the copies, with what only they use
        font: Any = writer.get_object(idnum)
        related = [font.raw_get(k) for k in ("/FontDescriptor", "/ToUnicode", "/Widths") if k in font]
        if "/FontDescriptor" in font:
            fd = font["/FontDescriptor"]
            related += [fd.raw_get(k) for k in ("/FontFile2", "/FontFile", "/FontFile3") if k in fd]
        writer._objects[idnum - 1] = None
        for ref in related:
            if isinstance(ref, IndirectObject) and ref.idnum not in kept:
                writer._objects[ref.idnum - 1] = None


def _inline_outline_destinations(writer: PdfWriter) -> None:
    """Bookmarks point at their page with a /Dest array instead of a separate GoTo action object
    (what pypdf writes): the same jump in every viewer, one object less per bookmark."""
    outlines = writer._root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    while stack:
        ref = stack.pop()
        if ref is None:
            continue
        item = ref.get_object()
        action = item.raw_get("/A") if "/A" in item else None
        act = action.get_object() if action is not None else None
        if act is not None and act.get("/S") == "/GoTo" and isinstance(act.get("/D"), ArrayObject):
            item[NameObject("/Dest")] = act["/D"]
            del item["/A"]
            if isinstance(action, IndirectObject):
                writer._objects[action.idnum - 1] = None
        title = item.get("/Title")
        if isinstance(title, str) and not title.isascii():  # UTF-16 as hex: 4 bytes a letter, not ~6 escaped
            item[NameObject("/Title")] = ByteStringObject(codecs.BOM_UTF16_BE + title.encode("utf-16-be"))
        stack += [item.get("/First"), item.get("/Next")]


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


class Pages:
    """Where each document's pages are read from: the joined PDF it was converted in, when it was
    converted in this run (one reader for many forms: parsed once, its fonts cloned once per
    bundle), otherwise its own PDF. Readers are kept, so a person's forms are parsed once for
    their own dossier and their unit's."""

    def __init__(self, pdfs: dict[str, bytes], sources: dict[str, tuple[bytes, int, int]] | None = None) -> None:
        self.pdfs = pdfs
        self.sources = sources or {}
        self._readers: dict[int, tuple[bytes, PdfReader]] = {}
        self._faces: list[Faces | None] = []

    def _open(self, data: bytes) -> PdfReader:
        hit = self._readers.get(id(data))
        if hit is None:
            hit = self._readers[id(data)] = (data, _reader(data))
        return hit[1]

    def __getitem__(self, key: str) -> tuple[PdfReader, int, int]:
        if key in self.sources:
            data, first, n = self.sources[key]
            return self._open(data), first, n
        reader = self._open(self.pdfs[key])
        return reader, 0, len(reader.pages)

    def pages(self, key: str) -> int:
        return self[key][2]

    def faces(self) -> Faces | None:
        """The fonts covers and marks are drawn in: the forms' primed faces (the first PDF that
        has them: every conversion embeds the same), else reportlab's; None: draw by reportlab."""
        if not self._faces:
            def readers() -> Iterator[PdfReader]:
                for data, _first, _n in self.sources.values():
                    yield self._open(data)
                for key in self.pdfs:
                    yield self._open(self.pdfs[key])

            faces = find_faces(readers())
            if faces is None:
                try:
                    faces = reportlab_faces()
                except Unencodable:
                    faces = None
            self._faces.append(faces)
        return self._faces[0]

    def forget_single(self) -> None:
        """Drop the readers of single documents (keep the joined PDFs): bounds memory per unit."""
        joined = {id(v[0]) for v in self.sources.values()}
        self._readers = {k: v for k, v in self._readers.items() if k in joined}


def _as_pages(docs: Pages | dict[str, bytes]) -> Pages:
    return docs if isinstance(docs, Pages) else Pages(docs)


def _content_start(cover_pages: int, duplex: bool) -> int:
    """1-based page where the content starts after a cover of `cover_pages` pages (odd for duplex)."""
    start = cover_pages + 1
    return start + 1 if duplex and start % 2 == 0 else start


def render_covers(wanted: list[tuple[CoverInfo, Callable[[int], list[cover.TocEntry]]]], duplex: bool,
                  faces: Faces | None) -> list[tuple[cover.CoverPages, int]]:
    """Covers whose tables of contents give the right pages: `wanted` = (cover facts,
    entries_for(content start page) -> TOC entries); returns, for each, its drawn pages and where
    its content starts. Every cover is first taken to fill one page; the few that need more are
    laid out again with the right count."""
    if not wanted:
        return []
    guesses = [1] * len(wanted)
    for _ in range(6):
        specs = [cover.CoverSpec(tuple(info.header), info.title, tuple(info.facts),
                                 tuple(entries_for(_content_start(g, duplex))))
                 for (info, entries_for), g in zip(wanted, guesses, strict=True)]
        drawn = cover.draw(specs, faces)
        counts = [d.count for d in drawn]
        if counts == guesses:
            return [(d, _content_start(d.count, duplex)) for d in drawn]
        guesses = counts
    raise RuntimeError("cover layout did not settle")  # a TOC whose length depends on its own pages


def numbered_alone(data: bytes, title: str) -> bytes:
    """A document on its own, outside any bundle (the agency's notice, the Sở Nội vụ's cover letter,
    report and tables): its page numbers from its page 2 (Nghị định 30/2020), drawn as the bundles
    draw them — forms are converted without their Word headers (pipeline/pdf/join.py), so nothing
    else would number them. A one-page document comes back unchanged."""
    reader = _reader(data)
    if len(reader.pages) < 2:
        return data
    b = _Builder(False, find_faces([reader]) or reportlab_faces())
    b.append((reader, 0, len(reader.pages)), form=FormMarks(page_numbers=True))
    return b.finish(title)


@dataclass(frozen=True)
class _Doc:
    job: DocumentJob  # title numbered "(bản k/n)" for a copy
    data: tuple[PdfReader, int, int]
    pages: int
    marks: FormMarks


def _person_documents(dossier: PersonDossier, pdfs: Pages, info: CoverInfo) -> list[_Doc]:
    """The person's documents in order; a form whose metadata asks for copies is repeated."""
    docs = []
    for d in dossier.documents:
        data = pdfs[d.key]
        numbers, head = info.headers.get(d.key, (False, ""))
        code = info.codes.get(d.key)
        copies = max(1, int(info.copies.get(d.form, 1)))
        pages = data[2]
        for n in range(copies):
            titled = d if copies == 1 else replace(d, title=f"{d.title} (bản {n + 1}/{copies})")
            marks = FormMarks(numbers, head, d.form in info.initials, replace(code, copy=n + 1) if code else None)
            docs.append(_Doc(titled, data, pages, marks))
    return docs


def _doc_pages(docs: list[_Doc], first: int, duplex: bool) -> list[int]:
    """The 1-based page where each document starts, the first on page `first`: for duplex every
    separately signed document starts on an odd (right-hand) page, so it can be taken out of the
    printed bundle as a sheet set of its own."""
    out, page = [], first
    for d in docs:
        if duplex and page % 2 == 0:
            page += 1
        out.append(page)
        page += d.pages
    return out


def _span(docs: list[_Doc], duplex: bool) -> int:
    """Pages the documents take from an odd first page, blank pages included."""
    if not docs:
        return 0
    starts = _doc_pages(docs, 1, duplex)
    return starts[-1] + docs[-1].pages - 1


def _code_cover(b: _Builder, at: int, code: PageCode | None) -> None:
    """The cover pages from `at` carry a code too (form "_bia", no version), so a scanned cover is
    known and set aside by `hoso nhan-ban-ky` instead of being taken for an unreadable page."""
    if code is None:
        return
    n = b.count - at
    for i in range(n):
        text = replace(code, form=COVER_FORM, copy=1, page=i + 1, pages=n, version="").text()
        b.marks[at + i] = b.marks.get(at + i, ()) + (("code", text),)


def _add_person(b: _Builder, drawn: cover.CoverPages, docs: list[_Doc], ma_so: str) -> tuple[int, list[Section]]:
    """The cover (unnumbered), a blank page for duplex, the documents, each on an odd page for
    duplex; (first page index, sections with 1-based first pages relative to the person's own dossier)."""
    at = b.append_cover(drawn)
    _code_cover(b, at, next((d.marks.code for d in docs if d.marks.code is not None), None))
    b.to_odd()
    sections = []
    for d in docs:
        b.to_odd()
        start = b.append(d.data, form=d.marks)
        sections.append(Section(d.job.title, start - at + 1, d.pages, d.job.form, ma_so))
    return at, sections


def person_cover(dossier: PersonDossier, pdfs: Pages | dict[str, bytes], info: CoverInfo, *, first_page: int = 1,
                 duplex: bool = True) -> tuple[CoverInfo, Callable[[int], list[cover.TocEntry]]]:
    """(cover facts, entries_for) of a person's cover sheet: the documents, their pages, who signs.
    `first_page`: the page the cover is printed on — 1 in the person's own dossier, its page in a
    unit's bundle, so the pages it lists are the pages they are on there."""
    docs = _person_documents(dossier, _as_pages(pdfs), info)

    def entries(offset: int) -> list[cover.TocEntry]:
        out = []
        for d, page in zip(docs, _doc_pages(docs, first_page - 1 + offset, duplex), strict=True):
            signers = "; ".join(info.signers.get(d.job.form, ()))
            pages = f"Trang {page}" if d.pages == 1 else f"Trang {page}–{page + d.pages - 1}"
            out.append(cover.TocEntry(d.job.title, page, 1, pages + (f". Ký: {signers}" if signers else "")))
        return out

    return info, entries


def person_bundle(dossier: PersonDossier, pdfs: Pages | dict[str, bytes], info: CoverInfo, *,
                  duplex: bool = True, cover_pages: cover.CoverPages | None = None) -> BuiltBundle:
    """Cover sheet (documents, pages, who signs), then the documents in order; a bookmark each.
    A form whose metadata asks for copies is repeated; one that asks for initials gets a box at the
    bottom right of every page but its last. `cover_pages`: the cover already drawn (render_covers)."""
    pdfs = _as_pages(pdfs)
    if cover_pages is None:
        [(cover_pages, _start)] = render_covers([person_cover(dossier, pdfs, info, duplex=duplex)], duplex,
                                                pdfs.faces())
    b = _Builder(duplex, pdfs.faces())
    _at, sections = _add_person(b, cover_pages, _person_documents(dossier, pdfs, info), dossier.ma_so)
    b.writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    for s in sections:
        b.writer.add_outline_item(title=s.title, page_number=s.first_page - 1)
    data = b.finish(f"Hồ sơ đánh giá, xếp loại — {dossier.ho_ten}", cut_fonts=True,
                    identity=person_record(dossier.ma_so))
    return BuiltBundle(data, b.count, tuple(sections))


@dataclass(frozen=True)
class Titled:
    """How a bundle of a unit's documents names itself: other section titles (`UNIT_SECTIONS`' title -> its own),
    the PDF's title and the record it carries (`unit_record` when None). The defaults are the unit dossier's."""

    sections: tuple[tuple[str, str], ...] = ()
    title: str = ""
    record: tuple[tuple[str, str], ...] = ()


def unit_bundle(unit: UnitDossier, persons: dict[str, BuiltBundle], docs: Pages | dict[str, bytes], info: CoverInfo,
                *, duplex: bool = True, person_info: dict[str, CoverInfo] | None = None,
                titled: Titled = Titled()) -> BuiltBundle:
    """Cover and table of contents, then seed 001's items (1)–(5); the persons in review order,
    each starting on an odd page (their cover sheet and documents, as in their own dossier, but the
    cover lists the pages by the unit bundle's numbers); nested bookmarks section → person →
    document. `persons`: each person's own bundle (its length is the first guess of theirs here);
    `person_info`: each person's CoverInfo (copies, initials, form headers), as given to
    `person_bundle`; `titled`: another bundle made of the unit's documents (the leaders' file for the
    Sở Nội vụ: submission/package.py), its section titles, PDF title and record."""
    unit_docs: dict[str, DocumentJob] = {d.form: d for d in (*unit.before, *unit.after)}
    docs = _as_pages(docs)
    infos = {p.ma_so: (person_info or {}).get(p.ma_so, CoverInfo((), "")) for p in unit.persons}
    content = {p.ma_so: _span(_person_documents(p, docs, infos[p.ma_so]), duplex) for p in unit.persons}
    lengths = {p.ma_so: persons[p.ma_so].pages for p in unit.persons}

    # a unit document the sections do not name (e.g. HD 43 Mẫu 01 of a chi bộ, an agency's own)
    # goes with the collective review when it comes before the persons, else with the proposals
    listed = {c for codes, _t in UNIT_SECTIONS for c in codes}
    extra = {UNIT_SECTIONS[1][1]: tuple(d.form for d in unit.before if d.form not in listed),
             UNIT_SECTIONS[3][1]: tuple(d.form for d in unit.after if d.form not in listed)}
    renamed = dict(titled.sections)
    section_codes = [(codes + extra.get(title, ()), renamed.get(title, title)) for codes, title in UNIT_SECTIONS]

    def layout(start_page: int) -> list[tuple[str, list[tuple[str, Any, int, int]]]]:
        """Page of every part given where the content starts (1-based)."""
        page, plan = start_page, []
        for codes, title in section_codes:
            parts: list[tuple[str, Any, int, int]] = []
            if codes == ("__ca_nhan__",):
                for p in unit.persons:
                    if duplex and page % 2 == 0:
                        page += 1
                    parts.append(("person", p, page, lengths[p.ma_so]))
                    page += lengths[p.ma_so]
            else:
                for code in codes:
                    if code in unit_docs:
                        if duplex and page % 2 == 0:  # every signed document on a right-hand page
                            page += 1
                        n = docs.pages(unit_docs[code].key)
                        parts.append(("doc", unit_docs[code], page, n))
                        page += n
            if parts:
                plan.append((title, parts))
        return plan

    def toc(plan: list[tuple[str, list[tuple[str, Any, int, int]]]]) -> list[cover.TocEntry]:
        out = []
        for title, parts in plan:
            out.append(cover.TocEntry(title, parts[0][2], 0))
            for kind, obj, page, _n in parts:
                out.append(cover.TocEntry(obj.ho_ten if kind == "person" else obj.title, page, 1))
        return out

    # the unit's contents and its persons' covers give each other's pages: lay both out until they agree
    for _ in range(6):
        [(cover_pages, start)] = render_covers([(info, lambda at: toc(layout(at)))], duplex, docs.faces())
        plan = layout(start)
        firsts = {obj.ma_so: page for _title, parts in plan for kind, obj, page, _n in parts if kind == "person"}
        drawn = render_covers([person_cover(p, docs, infos[p.ma_so], first_page=firsts[p.ma_so], duplex=duplex)
                               for p in unit.persons],
                              duplex, docs.faces())
        covers = {p.ma_so: pages for p, (pages, _start) in zip(unit.persons, drawn, strict=True)}
        settled = {p.ma_so: begins - 1 + content[p.ma_so] for p, (_pages, begins) in zip(unit.persons, drawn, strict=True)}
        if settled == lengths:
            break
        lengths = settled
    else:
        raise RuntimeError("unit layout did not settle")
    b = _Builder(duplex, docs.faces())
    b.append_cover(cover_pages)
    _code_cover(b, 0, next(iter(info.codes.values()), None))
    b.to_odd()
    b.writer.add_outline_item(title="Bìa và mục lục", page_number=0)
    sections: list[Section] = []
    outline: list[tuple[str, int, list[Any]]] = []  # (title, page index, children) added once pages exist
    for title, parts in plan:
        node: tuple[str, int, list[Any]] = (title, parts[0][2] - 1, [])
        outline.append(node)
        for kind, obj, page, n in parts:
            if kind == "person":
                b.to_odd()
                at, own = _add_person(b, covers[obj.ma_so], _person_documents(obj, docs, infos[obj.ma_so]), obj.ma_so)
                assert at + 1 == page and b.count - at == n, (at, page, b.count - at, n)
                node[2].append((obj.ho_ten, at, [(s.title, at + s.first_page - 1, []) for s in own]))
                sections.append(Section(obj.ho_ten, page, n, "", obj.ma_so))
            else:
                numbers, head = info.headers.get(obj.key, (False, ""))
                b.to_odd()
                at = b.append(docs[obj.key], form=FormMarks(numbers, head, code=info.codes.get(obj.key)))
                assert at + 1 == page, (at, page)
                node[2].append((obj.title, at, []))
                sections.append(Section(obj.title, page, n, obj.form, ""))

    def add(items: list[tuple[str, int, list[Any]]], parent: IndirectObject | None = None) -> None:
        for title, page, children in items:
            ref = b.writer.add_outline_item(title=title, page_number=page, parent=parent)
            add(children, ref)

    add(outline)
    data = b.finish(titled.title or f"Hồ sơ đánh giá, xếp loại — {unit.ten_don_vi}",
                    identity=dict(titled.record) or unit_record(unit.ma_don_vi))
    return BuiltBundle(data, b.count, tuple(sections))
