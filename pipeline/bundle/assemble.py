"""assemble: per-person and per-unit PDF bundles — covers, tables of contents computed from the
real page counts, nested bookmarks, page numbers in the margin, duplex-safe blank pages."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

from pypdf import PdfReader, PdfWriter

from pipeline.bundle import cover
from pipeline.bundle.stamp import FormMarks, apply_marks, bundle_page_marks
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
    plain: bytes = b""  # nothing drawn yet, for inclusion in a larger bundle
    unnumbered: frozenset[int] = frozenset()  # 0-based cover and blank pages
    marks: tuple[tuple[int, tuple], ...] = ()  # form marks of `plain`: (page index, marks)


@dataclass(frozen=True)
class CoverInfo:
    """What a cover sheet prints."""

    header: tuple[str, ...]
    title: str
    facts: tuple[tuple[str, str], ...] = ()
    signers: dict = field(default_factory=dict)  # form code -> signer titles
    copies: dict = field(default_factory=dict)  # form code -> number of copies (default 1)
    initials: frozenset = frozenset()  # form codes whose pages get an initials box
    headers: dict = field(default_factory=dict)  # document key -> (page numbers?, first-page header text)


class _Builder:
    """Appends PDFs to one writer, remembering where each starts, blank and cover pages, and
    what must be drawn on which page (drawn once, at the end, in one overlay)."""

    def __init__(self, duplex: bool) -> None:
        self.writer = PdfWriter()
        self.writer.page_mode = "/UseOutlines"
        self.duplex = duplex
        self.unnumbered: set[int] = set()
        self.marks: dict[int, tuple] = {}

    @property
    def count(self) -> int:
        return len(self.writer.pages)

    def to_odd(self) -> None:
        if self.duplex and self.count % 2 == 1:
            self.writer.add_blank_page(width=595.28, height=841.89)
            self.unnumbered.add(self.count - 1)

    def append(self, data: bytes, *, numbered: bool = True, skip: frozenset[int] = frozenset(),
               form: FormMarks | None = None, marks: tuple = ()) -> int:
        start = self.count
        self.writer.append(PdfReader(io.BytesIO(data)), import_outline=False)
        n = self.count - start
        if not numbered:
            self.unnumbered.update(range(start, self.count))
        self.unnumbered.update(start + i for i in skip)
        if form is not None:
            for i in range(n):
                if m := form.for_page(i, n):
                    self.marks[start + i] = self.marks.get(start + i, ()) + m
        for i, m in marks:
            self.marks[start + i] = self.marks.get(start + i, ()) + tuple(m)
        return start

    def _bytes(self) -> bytes:
        buf = io.BytesIO()
        self.writer.write(buf)
        return buf.getvalue()

    def finish(self, title: str) -> tuple[bytes, bytes, tuple]:
        """(finished PDF, plain PDF with nothing drawn, the form marks of the plain PDF)."""
        self.writer.add_metadata({"/Title": title, "/Producer": "hoso"})
        for _ in range(2):  # a second pass merges objects that became identical in the first
            self.writer.compress_identical_objects()
        plain = self._bytes()
        form_marks = tuple(sorted(self.marks.items()))
        all_marks = dict(self.marks)
        for i, m in bundle_page_marks(self.count, self.unnumbered).items():
            all_marks[i] = all_marks.get(i, ()) + m
        apply_marks(self.writer, all_marks)
        self.writer.set_page_label(0, self.count - 1, style="/D", start=1)
        return self._bytes(), plain, form_marks


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def _cover_pages(info: CoverInfo, entries: list[cover.TocEntry], footer: str = "") -> bytes:
    return cover.render(list(info.header), info.title, list(info.facts), entries, footer=footer)


def _cover_and_start(info: CoverInfo, entries_for, duplex: bool) -> tuple[bytes, int]:
    """The cover whose table of contents gives the right pages: the content starts right after the
    cover (on an odd page for duplex). Guess one cover page, re-render only if the guess was wrong."""
    guess = 1
    while True:
        start = guess + 1 + (1 if duplex and (guess + 1) % 2 == 0 else 0)
        data = _cover_pages(info, entries_for(start))
        pages = _pages(data)
        if pages == guess:
            return data, start
        guess = pages


def person_bundle(dossier: PersonDossier, pdfs: dict[str, bytes], info: CoverInfo, *, duplex: bool = True) -> BuiltBundle:
    """Cover sheet (documents, pages, who signs), then the documents in order; a bookmark each.
    A form whose metadata asks for copies is repeated; one that asks for initials gets a box at the
    bottom right of every page but its last."""
    docs = []
    for d in dossier.documents:
        data = pdfs[d.key]
        numbers, head = info.headers.get(d.key, (False, ""))
        marks = FormMarks(numbers, head, d.form in info.initials)
        copies = max(1, int(info.copies.get(d.form, 1)))
        for n in range(copies):
            titled = d if copies == 1 else replace(d, title=f"{d.title} (bản {n + 1}/{copies})")
            docs.append((titled, data, _pages(data), marks))

    def entries(offset: int) -> list[cover.TocEntry]:
        out, page = [], offset
        for d, _data, n, _marks in docs:
            signers = "; ".join(info.signers.get(d.form, ()))
            note = f"Trang {page}–{page + n - 1}" + (f". Ký: {signers}" if signers else "")
            out.append(cover.TocEntry(d.title, page, 1, note))
            page += n
        return out

    cover_pdf, _start = _cover_and_start(info, entries, duplex)
    b = _Builder(duplex)
    b.append(cover_pdf, numbered=False)
    b.to_odd()
    b.writer.add_outline_item(title="Bìa hồ sơ", page_number=0)
    sections = []
    for d, data, n, marks in docs:
        start = b.append(data, form=marks)
        b.writer.add_outline_item(title=d.title, page_number=start)
        sections.append(Section(d.title, start + 1, n, d.form, dossier.ma_so))
    data, plain, form_marks = b.finish(f"Hồ sơ đánh giá, xếp loại — {dossier.ho_ten}")
    return BuiltBundle(data, b.count, tuple(sections), plain, frozenset(b.unnumbered), form_marks)


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

    cover_pdf, start = _cover_and_start(info, lambda at: toc(layout(at)), duplex)
    plan = layout(start)
    b = _Builder(duplex)
    b.append(cover_pdf, numbered=False)
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
                at = b.append(built.plain, skip=built.unnumbered, marks=built.marks)
                assert at + 1 == page, (at, page)
                node[2].append((obj.ho_ten, at, [(s.title, at + s.first_page - 1, []) for s in built.sections]))
                sections.append(Section(obj.ho_ten, page, n, "", obj.ma_so))
            else:
                numbers, head = info.headers.get(obj.key, (False, ""))
                at = b.append(docs[obj.key], form=FormMarks(numbers, head))
                assert at + 1 == page, (at, page)
                node[2].append((obj.title, at, []))
                sections.append(Section(obj.title, page, n, obj.form, ""))

    def add(items, parent=None) -> None:
        for title, page, children in items:
            ref = b.writer.add_outline_item(title=title, page_number=page, parent=parent)
            add(children, ref)

    add(outline)
    data, plain, form_marks = b.finish(f"Hồ sơ đánh giá, xếp loại — {unit.ten_don_vi}")
    return BuiltBundle(data, b.count, tuple(sections), plain, frozenset(b.unnumbered), form_marks)
