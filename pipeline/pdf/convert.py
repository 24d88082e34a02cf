"""convert stage: PDF bytes for every filled document, from the cache or from LibreOffice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from pipeline.document import Build, Document
from pipeline.errors import ConversionFailed
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
    return Item(doc.key, doc.docx, doc.label, doc.family, doc.page_numbers, doc.first_page_header, doc.doc, doc.who,
                form=doc.form, pages=doc.page_range)


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
    checking = getattr(converter, "check_pages", True)  # (the tests' text converters lay out otherwise)
    face = validate.body_face() or ""
    for it in items:
        hit = _cached(cache, it.key, face)
        if hit and validate.page_problem(it.pages if checking else None, hit[1], it.docx):
            cache.drop(it.key)  # cached before the range was declared
            hit = None
        if hit:
            pdfs[it.key] = hit
        else:
            todo.setdefault(it.key, it)
    sources: dict[str, tuple[bytes, int, int]] = {}
    if todo:
        def keep(key: str, data: bytes, pages: int) -> None:  # a PDF with implausible pages is never cached
            it = todo.get(key)
            if not (checking and it and validate.page_problem(it.pages, pages, it.docx)):
                cache.put(key, data, pages, _facts(data, face))

        bar = Progress(len(todo), "Chuyển sang PDF", enabled=show_progress)
        try:  # each task's PDFs are cached as soon as it is done: an interrupted build resumes from them
            done = converter.run(list(todo.values()), progress=bar.advance, on_done=keep)
        finally:
            bar.close()
        if checking:  # Converter checks them itself (and retries); any other converter is checked here
            _refuse_implausible(todo, done)
        pdfs.update(done)
        sources = {k: v for k, v in done.sources.items() if k in todo}
    return Converted(pdfs, len(todo), len(pdfs) - len(todo), sources)


FONTS = "phong"  # the cache's fact of a PDF: the body face its fonts were checked for


def _facts(data: bytes, face: str) -> dict[str, str]:
    """What `_cached` reads once of a PDF's bytes: its fonts checked for `face`."""
    return {FONTS: face} if validate.font_problem(data, face or None) is None else {}


def _embedded_key(data: bytes) -> str:
    """The PDF's /HosoKhoa (its content key, pool.identity), read from its bytes every time: a PDF
    put in an entry's place with the sidecar's digest updated is still refused (issue 19.6).
    `validate.identity(data)["/HosoKhoa"]`, found from the end (the last one, as there)."""
    at = data.rfind(b"/HosoKhoa")
    if at < 0:
        return ""
    found = validate.identity(data[at:at + 512])
    return found.get("/HosoKhoa", "")


def _cached(cache: PdfCache, key: str, face: str) -> tuple[bytes, int] | None:
    """The cached PDF of `key` and its pages, when it is set in the forms' fonts (`face`) and is
    the PDF of that key (its /HosoKhoa); else None, and an entry in the wrong fonts is dropped.
    The font check's answer is kept beside the bytes it read (`PdfCache.remember`; the bytes are
    checked against their SHA-256 on every hit), the key is read from the bytes every time."""
    hit = cache.get_with_facts(key)
    if hit is None:
        return None
    data, pages, facts = hit
    if facts.get(FONTS) != face:
        learnt = _facts(data, face)
        if FONTS not in learnt:  # cached by a version that did not check
            cache.drop(key)
            return None
        cache.remember(key, data, pages, learnt)
    if (_embedded_key(data) or key) != key:  # another entry's PDF
        return None
    return data, pages


def _refuse_implausible(todo: dict[str, Item], done: dict[str, tuple[bytes, int]]) -> None:
    """Every converted PDF has a page count a healthy render of its form has, whoever converted it."""
    bad = [(it, why) for key, it in todo.items() if key in done
           if (why := validate.page_problem(it.pages, done[key][1], it.docx))]
    if bad:
        names = "\n".join(f"  - {it.label} — {why}" for it, why in bad[:20])
        more = f"\n  … và {len(bad) - 20} văn bản khác" if len(bad) > 20 else ""
        raise ConversionFailed(f"LibreOffice không chuyển được {len(bad)} văn bản sang PDF đúng cách:\n{names}{more}",
                               hint="Nguyên nhân: số trang khác hẳn bản in chuẩn của mẫu — LibreOffice đã dàn trang khác "
                                    "thường, thường do thiếu chỗ trống trong thư mục tạm hoặc thiếu phông chữ; chưa tạo bộ "
                                    "hồ sơ nào.")
