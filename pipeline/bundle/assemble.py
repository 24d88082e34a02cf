"""assemble: per-person and per-unit PDF bundles — covers, tables of contents computed from the
real page counts, nested bookmarks, page numbers in the margin, duplex-safe blank pages."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

from pypdf import PdfReader, PdfWriter

from pipeline.bundle import cover
from pipeline.bundle.stamp import initials_boxes, number_pages
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
    data: bytes  # with page numbers
    pages: int
    sections: tuple[Section, ...]
    plain: bytes = b""  # without page numbers, for inclusion in a larger bundle
    unnumbered: frozenset[int] = frozenset()  # 0-based cover and blank pages


@dataclass(frozen=True)
class CoverInfo:
    """What a cover sheet prints."""

    header: tuple[str, ...]
    title: str
    facts: tuple[tuple[str, str], ...] = ()
    signers: dict = field(default_factory=dict)  # form code -> signer titles
    copies: dict = field(default_factory=dict)  # form code -> number of copies (default 1)
    initials: frozenset = frozenset()  # form codes whose pages get an initials box


class _Builder:
    """Appends PDFs to one writer, remembering where each starts, blank pages and cover pages."""

    def __init__(self, duplex: bool) -> None:
        self.writer = PdfWriter()
        self.writer.page_mode = "/UseOutlines"
        self.duplex = duplex
        self.unnumbered: set[int] = set()

    @property
    def count(self) -> int:
        return len(self.writer.pages)

    def to_odd(self) -> None:
        if self.duplex and self.count % 2 == 1:
            self.writer.add_blank_page(width=595.28, height=841.89)
            self.unnumbered.add(self.count - 1)

    def append(self, data: bytes, *, numbered: bool = True, skip: frozenset[int] = frozenset()) -> int:
        start = self.count
        self.writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        if not numbered:
            self.unnumbered.update(range(start, self.count))
        self.unnumbered.update(start + i for i in skip)
        return start

    def _bytes(self) -> bytes:
        buf = io.BytesIO()
        self.writer.write(buf)
        return buf.getvalue()

    def finish(self, title: str) -> tuple[bytes, bytes]:
        """(numbered, plain) PDF bytes."""
        self.writer.add_metadata({"/Title": title, "/Producer": "hoso"})
        self.writer.compress_identical_objects()
        plain = self._bytes()
        number_pages(self.writer, skip=self.unnumbered)
        return self._bytes(), plain


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _cover_pages(info: CoverInfo, entries: list[cover.TocEntry], footer: str = "") -> bytes:
    return cover.render(list(info.header), info.title, list(info.facts), entries, footer=footer)


def person_bundle(dossier: PersonDossier, pdfs: dict[str, bytes], info: CoverInfo, *, duplex: bool = True) -> BuiltBundle:
    """Cover sheet (documents, pages, who signs), then the documents in order; a bookmark each.
    A form whose metadata asks for copies is repeated; one that asks for initials gets a box at the
    bottom right of every page but its last."""
    docs = []
    for d in dossier.documents:
        data = pdfs[d.key]
        if d.form in info.initials:
            data = initials_boxes(data)
        copies = max(1, int(info.copies.get(d.form, 1)))
        for n in range(copies):
            titled = d if copies == 1 else replace(d, title=f"{d.title} (bản {n + 1}/{copies})")
            docs.append((titled, data, _pages(data)))

    def entries(offset: int) -> list[cover.TocEntry]:
        out, page = [], offset
        for d, _data, n in docs:
            signers = "; ".join(info.signers.get(d.form, ()))
            note = f"Trang {page}–{page + n - 1}" + (f". Ký: {signers}" if signers else "")
            out.append(cover.TocEntry(d.title, page, 1, note))
            page += n
        return out

    trial = _cover_pages(info, entries(2))
    offset = _pages(trial) + 1
    if duplex and offset % 2 == 0:
        offset += 1
    b = _Builder(duplex)
    b.append(_cover_pages(info, entries(offset)), numbered=False)
    b.to_odd()
    b.writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    sections = []
    for d, data, n in docs:
        start = b.append(data)
        b.writer.add_outline_item(title=d.title, page_number=start)
        sections.append(Section(d.title, start + 1, n, d.form, dossier.ma_so))
    data, plain = b.finish(f"Hồ sơ đánh giá, xếp loại — {dossier.ho_ten}")
    return BuiltBundle(data, b.count, tuple(sections), plain, frozenset(b.unnumbered))


def unit_bundle(unit: UnitDossier, persons: dict[str, BuiltBundle], docs: dict[str, bytes], info: CoverInfo,
                *, duplex: bool = True) -> BuiltBundle:
    """Cover and table of contents, then seed 001's items (1)–(5); the persons in review order,
    each starting on an odd page; nested bookmarks section → person → document."""
    unit_docs: dict[str, DocumentJob] = {d.form: d for d in (*unit.before, *unit.after)}

    def layout(start_page: int):
        """Page of every part given where the content starts (1-based)."""
        page, plan = start_page, []
        for codes, title in UNIT_SECTIONS:
            parts = []
            if codes == ("__ca_nhan__",):
                for p in unit.persons:
                    if duplex and page % 2 == 0:
                        page += 1
                    parts.append(("person", p, page, persons[p.ma_so].pages))
                    page += persons[p.ma_so].pages
            else:
                for code in codes:
                    if code in unit_docs:
                        n = _pages(docs[unit_docs[code].key])
                        parts.append(("doc", unit_docs[code], page, n))
                        page += n
            if parts:
                plan.append((title, parts))
        return plan

    def toc(plan) -> list[cover.TocEntry]:
        out = []
        for title, parts in plan:
            out.append(cover.TocEntry(title, parts[0][2], 0))
            for kind, obj, page, _n in parts:
                out.append(cover.TocEntry(obj.ho_ten if kind == "person" else obj.title, page, 1))
        return out

    trial = _cover_pages(info, toc(layout(2)))
    start = _pages(trial) + 1
    if duplex and start % 2 == 0:
        start += 1
    plan = layout(start)
    b = _Builder(duplex)
    b.append(_cover_pages(info, toc(plan)), numbered=False)
    b.to_odd()
    b.writer.add_outline_item(title="Bìa và mục lục", page_number=0)
    sections = []
    outline: list[tuple[str, int, list]] = []  # (title, page index, children) added once pages exist
    for title, parts in plan:
        node: tuple[str, int, list] = (title, parts[0][2] - 1, [])
        outline.append(node)
        for kind, obj, page, n in parts:
            if kind == "person":
                b.to_odd()
                built = persons[obj.ma_so]
                at = b.append(built.plain, skip=built.unnumbered)
                assert at + 1 == page, (at, page)
                node[2].append((obj.ho_ten, at, [(s.title, at + s.first_page - 1, []) for s in built.sections]))
                sections.append(Section(obj.ho_ten, page, n, "", obj.ma_so))
            else:
                at = b.append(docs[obj.key])
                assert at + 1 == page, (at, page)
                node[2].append((obj.title, at, []))
                sections.append(Section(obj.title, page, n, obj.form, ""))

    def add(items, parent=None) -> None:
        for title, page, children in items:
            ref = b.writer.add_outline_item(title=title, page_number=page, parent=parent)
            add(children, ref)

    add(outline)
    data, plain = b.finish(f"Hồ sơ đánh giá, xếp loại — {unit.ten_don_vi}")
    return BuiltBundle(data, b.count, tuple(sections), plain, frozenset(b.unnumbered))
