"""Each page's resources cut down to what its content streams name.

LibreOffice writes one resource dictionary for all the pages of a document: a form converted
joined with others (pipeline/pdf/join.py) lists on its pages every font of the joined document, a
form converted alone only its own. So the same form's PDF, and a bundle made of it, differed in
bytes with how it was converted (a one-person rebuild converts the changed forms alone; a build
from nothing converts them joined). Here every page gets a resource dictionary of its own whose
/Font, /XObject and /ExtGState entries are only those its content streams name (and, for a form
XObject without resources of its own, the names in its stream too: it draws with the page's).
A form XObject with its own resources has them cut to its own stream's names in turn.

A name counts as used when it appears as a name token anywhere in a content stream (an operand
of Tf, Do, gs, or anything else, even inside a string): a superset of what the operators select,
so never too little, and a function of the content only, so the same content always keeps the
same entries. The new dictionaries list their entries in sorted order (the source's order is how
LibreOffice met the fonts in the whole document); the caller numbers the objects afterwards
(pipeline/pdf/objects.py `number_in_order`), which keeps one copy of identical dictionaries.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Set as AbstractSet
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

PRUNED = ("/ExtGState", "/Font", "/XObject")  # the kinds of resource cut to what is named
# a name token: "/" and its regular characters (PDF 32000-1 7.3.5; delimiters and white space end it)
_NAME = re.compile(rb"/([^\s/\[\]()<>{}%]*)")
_ESCAPED = re.compile(rb"#([0-9A-Fa-f]{2})")


def _decoded(raw: bytes) -> str:
    """A name token's text as pypdf keys a dictionary with it ("#20" read as a space)."""
    if b"#" in raw:
        raw = _ESCAPED.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return "/" + raw.decode("utf-8", "surrogateescape")


def names_in(data: bytes) -> set[str]:
    """Every name token of a content stream, as dictionary keys ("/F1")."""
    return {_decoded(m) for m in set(_NAME.findall(data))}


_MEMO: dict[bytes, frozenset[str]] = {}  # a stream's stored bytes -> its names
_MEMO_SIZE = 4096


def _stream_names(stream: StreamObject) -> frozenset[str]:
    """The names of a content stream, read once per process for the same stored bytes: a person's
    pages come again in their unit's bundle (their streams' stored bytes are the same object)."""
    raw = getattr(stream, "_data", None)
    if not isinstance(raw, bytes):
        return frozenset(names_in(stream.get_data()))
    hit = _MEMO.get(raw)
    if hit is None:
        data = None
        if isinstance(stream, EncodedStreamObject) and stream.get("/Filter") == "/FlateDecode" \
                and "/DecodeParms" not in stream:
            try:  # what get_data gives, without keeping the decoded copy on the object
                data = zlib.decompress(raw)
            except zlib.error:
                data = None
        hit = frozenset(names_in(data if data is not None else stream.get_data()))
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[raw] = hit
    return hit


def _streams(contents: Any) -> list[StreamObject]:
    if contents is None:
        return []
    contents = contents.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    return [s for s in (p.get_object() for p in parts) if isinstance(s, StreamObject)]


class _Pruner:
    def __init__(self, writer: PdfWriter) -> None:
        self.writer = writer
        self.done: dict[int, frozenset[str]] = {}  # id of a form XObject -> the names it uses of the resources it draws with
        self.data: dict[int, frozenset[str]] = {}  # id of a content stream -> its names (a stream shared by pages: read once)

    def names(self, stream: StreamObject) -> frozenset[str]:
        hit = self.data.get(id(stream))
        if hit is None:
            hit = self.data[id(stream)] = _stream_names(stream)
        return hit

    def used(self, resources: DictionaryObject, names: AbstractSet[str]) -> set[str]:
        """`names` and what the form XObjects they draw (without resources of their own) name, in turn."""
        names = set(names)
        ref = resources.get("/XObject")
        xobjects: Any = ref.get_object() if ref is not None else {}
        todo = [n for n in names if n in xobjects]
        seen: set[str] = set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            more = self.form(xobjects[n])
            for m in more - names:
                names.add(m)
                if m in xobjects:
                    todo.append(m)
        return names

    def form(self, ref: Any) -> frozenset[str]:
        """Prune a form XObject's own resources; the names it uses of the resources it is drawn with
        (none when it has its own)."""
        xo = ref.get_object()
        if not isinstance(xo, StreamObject) or xo.get("/Subtype") != "/Form":
            return frozenset()
        if id(xo) in self.done:
            return self.done[id(xo)]
        self.done[id(xo)] = frozenset()  # a form drawing itself: stops here
        own = xo.get("/Resources")
        if own is None:
            names = self.done[id(xo)] = self.names(xo)
            return names
        own = own.get_object()
        xo[NameObject("/Resources")] = self.cut(own, self.used(own, self.names(xo)))
        return frozenset()

    def cut(self, resources: DictionaryObject, names: set[str]) -> IndirectObject:
        """A new resource dictionary: `resources` with its PRUNED kinds holding only `names`."""
        out = DictionaryObject()
        for key in resources:
            value = resources.raw_get(key)
            if key in PRUNED and isinstance(value.get_object(), DictionaryObject):
                entries = value.get_object()
                kept = DictionaryObject()
                for name in sorted(n for n in entries if n in names):
                    kept[NameObject(name)] = entries.raw_get(name)
                if kept:
                    out[NameObject(key)] = kept
            else:
                out[NameObject(key)] = value
        return self.writer._add_object(out)


def prune_resources(writer: PdfWriter) -> None:
    """Give every page of the writer resources holding only what its content names (see the module)."""
    p = _Pruner(writer)
    for page in writer.pages:
        raw = page.raw_get("/Resources") if "/Resources" in page else None
        if raw is None:  # inherited from the page tree (not what LibreOffice or pypdf writes): left as it is
            continue
        resources = raw.get_object()
        if not isinstance(resources, DictionaryObject):
            continue
        names: set[str] = set()
        for stream in _streams(page.raw_get("/Contents") if "/Contents" in page else None):
            names |= p.names(stream)
        page[NameObject("/Resources")] = p.cut(resources, p.used(resources, names))
