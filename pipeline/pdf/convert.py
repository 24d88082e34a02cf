"""convert stage: PDF bytes for every filled document, from the cache or from LibreOffice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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
    """The PDF of every item: from the cache when its entry passes the checks (`_cached`), else from
    `converter`. The documents with no entry are converted while the entries of the others are read
    and checked (a thread: reading and hashing); an entry refused by the checks is converted after."""
    checking = getattr(converter, "check_pages", True)  # (the tests' text converters lay out otherwise)
    face = validate.body_face() or ""
    wanted: dict[str, Item] = {}
    for it in items:
        wanted.setdefault(it.key, it)
    absent = {k: it for k, it in wanted.items() if not cache.has(k)}
    present = [it for k, it in wanted.items() if k not in absent]
    found: dict[str, tuple[bytes, int]] = {}
    refused: dict[str, Item] = {}

    def look_up() -> None:
        for it in present:
            hit = _cached(cache, it.key, face, it.docx)
            if hit and validate.page_problem(it.pages if checking else None, hit[1], it.docx):
                cache.drop(it.key)  # cached before the range was declared
                hit = None
            if hit:
                found[it.key] = hit
            else:
                refused[it.key] = it

    done = Conversion()
    if absent and present:
        with _alongside(look_up):
            done = _run(absent, cache, converter, face, checking, show_progress)
    else:
        look_up()
        done = _run(absent, cache, converter, face, checking, show_progress)
    if refused:
        again = _run(refused, cache, converter, face, checking, show_progress)
        done.update(again)
        done.sources.update(again.sources)
    todo = {**absent, **refused}
    pdfs = {**found, **{k: v for k, v in done.items() if k in todo}}
    sources = {k: v for k, v in done.sources.items() if k in todo}
    return Converted(pdfs, len(todo), len(pdfs) - len(todo), sources)


@contextmanager
def _alongside(work: Callable[[], None]) -> Iterator[None]:
    """Run `work` in a thread while the body runs; its exception, if any, is raised at the end (the
    body's own first). The thread is always joined: nothing of it outlives the stage."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            errors.append(exc)

    thread = threading.Thread(target=target, name="hoso-cache-check", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if errors:
        raise errors[0]


def _run(todo: dict[str, Item], cache: PdfCache, converter: DocumentConverter, face: str, checking: bool,
         show_progress: bool | None) -> Conversion:
    """`todo` converted; each PDF cached as soon as its task is done (an interrupted build resumes
    from them), never one with implausible pages."""
    if not todo:
        return Conversion()

    def keep(key: str, data: bytes, pages: int) -> None:
        it = todo.get(key)
        if not (checking and it and validate.page_problem(it.pages, pages, it.docx)):
            cache.put(key, data, pages, _facts(data, face, it.docx if it else None))

    bar = Progress(len(todo), "Chuyển sang PDF", enabled=show_progress)
    try:
        done = converter.run(list(todo.values()), progress=bar.advance, on_done=keep)
    finally:
        bar.close()
    if checking:  # Converter checks them itself (and retries); any other converter is checked here
        _refuse_implausible(todo, done)
    return done


FONTS = "phong"  # the cache's fact of a PDF: the body face its fonts were checked for, and by which check


def _checked(face: str) -> str:
    """The FONTS fact of a PDF that passed the font check for `face`: the face and the check's version
    (`validate.CHECK_VERSION`), so an answer recorded by an older, laxer check (the face alone, as
    before version 2) makes the PDF be read again once, and one the check now refuses be converted again."""
    return f"{face};v{validate.CHECK_VERSION}"


def _facts(data: bytes, face: str, docx: Path | None = None) -> dict[str, str]:
    """What `_cached` reads once of a PDF's bytes: its fonts checked for `face` (and the filled
    document `docx` it was converted from: the faces it asks for itself, `validate.asked_letters`)."""
    fine = validate.font_problem(data, face or None, [docx] if docx else ()) is None
    return {FONTS: _checked(face)} if fine else {}


def _embedded_key(data: bytes) -> str:
    """The PDF's /HosoKhoa (its content key, pool.identity), read from its bytes every time: a PDF
    put in an entry's place with the sidecar's digest updated is still refused (issue 19.6).
    `validate.identity(data)["/HosoKhoa"]`, found from the end (the last one, as there)."""
    at = data.rfind(b"/HosoKhoa")
    if at < 0:
        return ""
    found = validate.identity(data[at:at + 512])
    return found.get("/HosoKhoa", "")


def _cached(cache: PdfCache, key: str, face: str, docx: Path | None = None) -> tuple[bytes, int] | None:
    """The cached PDF of `key` and its pages, when it is set in the forms' fonts (`face`) and is
    the PDF of that key (its /HosoKhoa); else None, and an entry in the wrong fonts is dropped.
    The font check's answer is kept beside the bytes it read (`PdfCache.remember`; the bytes are
    checked against their SHA-256 on every hit) with the check's version (`_checked`): an answer of
    another version is not taken, the bytes are checked again. The key is read from the bytes every time."""
    hit = cache.get_with_facts(key)
    if hit is None:
        return None
    data, pages, facts = hit
    if facts.get(FONTS) != _checked(face):
        learnt = _facts(data, face, docx)
        if FONTS not in learnt:  # cached by a version that did not check, or checked less
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
                                    "thường, thường do thiếu chỗ trống trong thư mục tạm hoặc thiếu phông chữ — hoặc văn bản "
                                    "dài, dày hơn mọi bản đã đo khi khai báo số trang của mẫu (xin báo lại kèm sổ Excel); "
                                    "chưa tạo bộ hồ sơ nào.")
