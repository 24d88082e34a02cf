"""The objects of a finished writer numbered in the order they are reached, one copy of identical
objects kept: a PDF's bytes then depend on its document only (pipeline/bundle/assemble.py's bundles,
pipeline/pdf/join.py's forms split from a joined conversion)."""

from __future__ import annotations

import hashlib
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import IndirectObject, NullObject, StreamObject


def number_in_order(writer: PdfWriter) -> None:
    """Number the writer's objects in the order they are first reached from the catalogue, then
    from the document information (breadth first; a dictionary in its keys' order, an array in its
    items'), one copy of identical objects kept (`_identical`), and drop what nothing reaches. The
    bytes written then depend on the document only, never on the order its objects were made in
    nor on how its PDFs shared them: which PDF the covers' faces were cloned from (a forked
    worker's Pages holds every unit's PDFs, a spawned worker's its unit's only), which copy of a
    font `merge_identical_fonts` kept and where the dropped copies' numbers were, whether a form's
    pages came from the joined PDF it was converted in (one resource dictionary for all its forms)
    or from its own PDF taken from the cache, what the process built before. A reference to a
    dropped object, read as null before (a free object), is written as null."""
    writer._resolve_links()  # links are patched with the old numbers (pypdf does it when writing)
    writer._unresolved_links = []
    _renumber(writer, _identical(writer._objects))
    writer._id_translated = {}  # numbers of the old order: nothing is cloned into a finished writer
    writer._idnum_hash = {}


def _renumber(writer: PdfWriter, same: dict[int, int]) -> None:
    """`number_in_order`'s numbering; a reference to an object of `same` points at its copy kept."""
    old = writer._objects
    numbers: dict[int, int] = {}  # old number -> new
    order: list[Any] = []  # the objects, in their new order
    done: set[int] = set()  # containers whose references are renumbered (a shared one only once)

    def number(ref: IndirectObject) -> Any:
        if ref.pdf is not writer:
            return ref
        idnum = same.get(ref.idnum, ref.idnum)
        n = numbers.get(idnum)
        if n is None:
            obj = old[idnum - 1] if 0 < idnum <= len(old) else None
            if obj is None:
                return NullObject()
            n = numbers[idnum] = len(order) + 1
            order.append(obj)
        return IndirectObject(n, 0, writer)

    root, info = writer._root_object, writer._info  # the dictionaries (`_info_obj` is a reference)
    for top in (root, info):
        if top is not None and top.indirect_reference is not None:
            number(top.indirect_reference)
    at = 0
    while at < len(order):
        stack = [order[at]]
        at += 1
        while stack:
            c = stack.pop()
            if id(c) in done:
                continue
            done.add(id(c))
            if isinstance(c, dict):
                for k, v in c.items():
                    if isinstance(v, IndirectObject):
                        dict.__setitem__(c, k, number(v))  # the same key: the dictionary keeps its order
                    elif isinstance(v, (dict, list)):
                        stack.append(v)
            elif isinstance(c, list):
                for i, v in enumerate(c):
                    if isinstance(v, IndirectObject):
                        c[i] = number(v)
                    elif isinstance(v, (dict, list)):
                        stack.append(v)
    for n, obj in enumerate(order, 1):
        obj.indirect_reference = IndirectObject(n, 0, writer)
    writer._objects = order
    writer._pages = root.raw_get("/Pages")
    if info is not None:
        writer._info_obj = info.indirect_reference  # the trailer's /Info


_PLACES = frozenset({"/Parent", "/P", "/First", "/Next", "/Prev"})  # what points back into the document's tree
_PLACE_TYPES = frozenset({"/Catalog", "/Pages", "/Page", "/Outlines"})


def _identical(objects: list[Any]) -> dict[int, int]:
    """Object number -> the first of the objects identical to it (the same values, a stream's data,
    and what they refer to identical in turn), for every object but the first of each kind: a
    resource dictionary, a font, a content stream the forms' PDFs each held a copy of. Pages,
    bookmarks and what else is a place in the document (or on a cycle of references) are never merged."""
    keys: dict[int, bytes | None] = {}
    active: set[int] = set()

    def key(n: int) -> bytes | None:
        if n in keys:
            return keys[n]
        if n in active:  # a cycle: n and everything on the way back to it stay apart
            return None
        obj = objects[n - 1]
        if obj is None:  # dropped (merge_identical_fonts)
            return None
        if isinstance(obj, dict) and (_PLACES & obj.keys() or obj.get("/Type") in _PLACE_TYPES):
            keys[n] = None  # a page, a bookmark, the page tree, the catalogue: never merged, never walked
            return None
        active.add(n)
        parts: list[bytes] = []
        ok = encode(obj, parts)
        if ok and isinstance(obj, StreamObject):
            data = obj._data
            parts.append(hashlib.sha256(data if isinstance(data, bytes) else str(data).encode()).digest())
        active.discard(n)
        keys[n] = k = hashlib.sha256(b"".join(parts)).digest() if ok else None
        return k

    def encode(v: Any, parts: list[bytes]) -> bool:
        if isinstance(v, IndirectObject):
            k = key(v.idnum) if 0 < v.idnum <= len(objects) and objects[v.idnum - 1] is not None else None
            if k is None:
                return False
            parts += [b"R", k]
        elif isinstance(v, dict):
            parts.append(b"<<")
            for name, item in v.items():
                parts.append(str(name).encode())
                if not encode(item, parts):
                    return False
            parts.append(b">>")
        elif isinstance(v, list):
            parts.append(b"[")
            for item in v:
                if not encode(item, parts):
                    return False
            parts.append(b"]")
        else:
            parts.append(f"{type(v).__name__}:{v!r};".encode())
        return True

    first: dict[bytes, int] = {}
    same: dict[int, int] = {}
    for n in range(1, len(objects) + 1):
        try:
            k = key(n)
        except RecursionError:  # references nested deeper than Python's stack: leave them all apart
            return {}
        if k is not None:
            kept = first.setdefault(k, n)
            if kept != n:
                same[n] = kept
    return same
