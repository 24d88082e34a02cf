"""assemble: per-person and per-unit PDF bundles with bookmarks, from converted form PDFs."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter

from pipeline.bundle.stamp import number_pages
from pipeline.plan import PersonDossier, UnitDossier


@dataclass(frozen=True)
class Section:
    """A document inside a bundle: where it starts (1-based) and how many pages it has."""

    title: str
    first_page: int
    pages: int
    form: str = ""
    ma_so: str = ""


@dataclass(frozen=True)
class BuiltBundle:
    data: bytes
    pages: int
    sections: tuple[Section, ...]


def _finish(writer: PdfWriter) -> bytes:
    writer.compress_identical_objects()
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _readers(pdfs: dict[str, bytes]) -> dict[str, PdfReader]:
    return {k: PdfReader(io.BytesIO(v)) for k, v in pdfs.items()}


def person_bundle(dossier: PersonDossier, pdfs: dict[str, bytes]) -> BuiltBundle:
    """One person's documents in order, one bookmark per document."""
    writer = PdfWriter()
    writer.page_mode = "/UseOutlines"
    sections = []
    readers = _readers({d.key: pdfs[d.key] for d in dossier.documents})
    for doc in dossier.documents:
        start = len(writer.pages)
        reader = readers[doc.key]
        writer.append(reader)
        writer.add_outline_item(title=doc.title, page_number=start)
        sections.append(Section(doc.title, start + 1, len(reader.pages), doc.form, dossier.ma_so))
    writer.add_metadata({"/Title": f"Hồ sơ đánh giá, xếp loại — {dossier.ho_ten}", "/Producer": "hoso"})
    return BuiltBundle(_finish(writer), len(writer.pages), tuple(sections))


def unit_bundle(unit: UnitDossier, person_pdfs: dict[str, BuiltBundle], *, duplex: bool = True) -> BuiltBundle:
    """The unit's persons in review order: bookmark per person (full name) with one child per document.

    For duplex printing each person starts on an odd page (a blank page is added after a person
    whose dossier has an odd page count); pages are numbered in the bottom margin.
    """
    writer = PdfWriter()
    writer.page_mode = "/UseOutlines"
    sections = []
    blanks = []
    for person in unit.persons:
        built = person_pdfs[person.ma_so]
        if duplex and len(writer.pages) % 2 == 1:
            last = writer.pages[-1].mediabox
            writer.add_blank_page(width=float(last.width), height=float(last.height))
            blanks.append(len(writer.pages) - 1)
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(built.data)), import_outline=False)
        parent = writer.add_outline_item(title=person.ho_ten, page_number=start)
        for s in built.sections:
            writer.add_outline_item(title=s.title, page_number=start + s.first_page - 1, parent=parent)
        sections.append(Section(person.ho_ten, start + 1, built.pages, "", person.ma_so))
    number_pages(writer)
    writer.add_metadata({"/Title": f"Hồ sơ đánh giá, xếp loại — {unit.ten_don_vi}", "/Producer": "hoso"})
    return BuiltBundle(_finish(writer), len(writer.pages), tuple(sections))
