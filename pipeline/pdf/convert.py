"""convert stage: PDF bytes for every filled document, from the cache or from LibreOffice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.document import Build, Document
from pipeline.pdf import validate
from pipeline.pdf.cache import PdfCache
from pipeline.pdf.pool import Conversion, Item
from pipeline.progress import Progress


class DocumentConverter(Protocol):
    """What the build needs of a converter: `pool.Converter`, `cum.ClusterConverter`, the tests' fakes."""

    workers: int

    def run(self, items: list[Item], *, progress: Callable[[int], None] | None = None,
            on_done: Callable[[str, bytes, int], None] | None = None) -> Conversion: ...

    def with_pdfa(self) -> DocumentConverter: ...


@dataclass(frozen=True)
class Converted:
    pdfs: dict[str, tuple[bytes, int]]  # cache key -> (PDF bytes, pages)
    converted: int
    reused: int
    sources: dict[str, tuple[bytes, int, int]] = field(default_factory=dict)  # see pool.Conversion.sources


def item(doc: Document) -> Item:
    """What the converter is given for a document."""
    return Item(doc.key, doc.docx, doc.label, doc.family, doc.page_numbers, doc.first_page_header, doc.doc, doc.who)


def convert(build: Build, docs: list[Document]) -> Converted:
    """Every document's PDF, pages and (joined in this run) source, set on its record; what was
    converted now and what came from the cache."""
    conv = convert_documents([item(d) for d in docs], build.cache, build.converter,
                             show_progress=build.options.show_progress)
    for d in docs:
        d.pdf, d.pages = conv.pdfs[d.key]
        d.source = conv.sources.get(d.key)
    return conv


def convert_documents(items: list[Item], cache: PdfCache, converter: DocumentConverter, *,
                      show_progress: bool | None = None) -> Converted:
    pdfs: dict[str, tuple[bytes, int]] = {}
    todo: dict[str, Item] = {}
    for it in items:
        hit = cache.get(it.key)
        if hit and validate.font_problem(hit[0]):  # cached by a version that did not check: convert again
            hit = None
        if hit and validate.identity(hit[0]).get("/HosoKhoa", it.key) != it.key:  # another entry's PDF
            hit = None
        if hit:
            pdfs[it.key] = hit
        else:
            todo.setdefault(it.key, it)
    sources: dict[str, tuple[bytes, int, int]] = {}
    if todo:
        bar = Progress(len(todo), "Chuyển sang PDF", enabled=show_progress)
        try:  # each task's PDFs are cached as soon as it is done: an interrupted build resumes from them
            done = converter.run(list(todo.values()), progress=bar.advance, on_done=cache.put)
        finally:
            bar.close()
        pdfs.update(done)
        sources = {k: v for k, v in done.sources.items() if k in todo}
    return Converted(pdfs, len(todo), len(pdfs) - len(todo), sources)
