"""Fonts cut down to what a bundle prints.

Every conversion embeds the same primed subsets (pipeline/pdf/join.py): each face holds every
Vietnamese letter, whatever the form prints, so that a bundle needs one copy of each. A bundle
of a few forms prints maybe half of those letters; here the glyphs no page can show are emptied
(their outlines dropped, their numbers kept), so nothing else in the font or the PDF changes:
codes, widths, the Unicode map and the glyph numbers stay as they are.

Which codes a page can show is read from the content streams: every byte of every string in
them (of any font — a superset of what each font shows, so never too little). The rewrite is
skipped — fonts left whole — whenever a stream is not plain enough to be sure of that (an inline
image) or a font is not the simple TrueType font it expects.
"""

from __future__ import annotations

import functools
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, cast

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    EncodedStreamObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

_TOKENS = re.compile(rb"\(|<<|>>|<|%|\bBI\b")
_ESCAPES = {0x6E: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12}  # \n \r \t \b \f


class _Unsure(Exception):
    """A stream or a font this module does not read with certainty: leave the fonts whole."""


MIN_SAVING = 2048  # bytes of font program
_ANY_HEX = re.compile(rb"<[^<>]*>")
_EVEN_HEX = re.compile(rb"<((?:[0-9A-Fa-f]{2})*)>")
_BI = re.compile(rb"\bBI\b")


_ID = re.compile(rb"\sID\s")
_HEX_TAIL = re.compile(rb"[0-9A-Fa-f\s]*>\s*EI\b")


def _past_inline_image(data: bytes, i: int) -> int:
    """Where an inline image that starts at `i` (after BI) ends. Only one whose samples are in
    hexadecimal (`/F /AHx`, what hoso draws its page codes with, pens.StreamPen.code) is read
    past with certainty; any other is binary, which could hold anything: `_Unsure`."""
    m = _ID.search(data, i)
    if m is None or not re.search(rb"/(?:F|Filter)\s*/(?:AHx|ASCIIHexDecode)\b", data[i:m.start()]):
        raise _Unsure("inline image")
    tail = _HEX_TAIL.match(data, m.end())
    if tail is None:
        raise _Unsure("inline image")
    return tail.end()


def shown_bytes(data: bytes) -> set[int]:
    """Every byte of every string (literal or hex) in a content stream."""
    if b"(" not in data and b"%" not in data and not (b"BI" in data and _BI.search(data)):
        # hex strings only, each of whole bytes without spaces (what LibreOffice and hoso write):
        # all read at once
        even = _EVEN_HEX.findall(data)
        if len(even) == len(_ANY_HEX.findall(data.replace(b"<<", b"").replace(b">>", b""))):
            return set(bytes.fromhex(b"".join(even).decode("ascii")))
    out: set[int] = set()
    i, n = 0, len(data)
    while True:
        m = _TOKENS.search(data, i)
        if m is None:
            return out
        tok, i = m.group(0), m.end()
        if tok in (b"<<", b">>"):
            continue
        if tok == b"BI":
            i = _past_inline_image(data, i)
            continue
        if tok == b"%":  # a comment, to the end of the line
            eol = re.compile(rb"[\r\n]").search(data, i)
            i = n if eol is None else eol.end()
        elif tok == b"<":
            end = data.find(b">", i)
            if end < 0:
                raise _Unsure("unterminated hex string")
            digits = re.sub(rb"\s", b"", data[i:end])
            if len(digits) % 2:
                digits += b"0"
            try:
                out.update(bytes.fromhex(digits.decode("ascii")))
            except ValueError:
                raise _Unsure("bad hex string") from None
            i = end + 1
        else:  # "(": a literal string, with nested parentheses and escapes
            depth, k, raw = 1, i, bytearray()
            while depth:
                if k >= n:
                    raise _Unsure("unterminated string")
                c = data[k]
                if c == 0x5C:  # backslash
                    k += 1
                    if k >= n:
                        raise _Unsure("unterminated string")
                    e = data[k]
                    if 0x30 <= e <= 0x37:
                        digits = cast("re.Match[bytes]", re.match(rb"[0-7]{1,3}", data[k:k + 3])).group(0)  # data[k] is one
                        raw.append(int(digits, 8) & 0xFF)
                        k += len(digits)
                        continue
                    k += 1
                    if e == 0x0D and data[k:k + 1] == b"\n":  # a line continuation (CR LF)
                        k += 1
                    elif e not in b"\r\n":  # (CR or LF alone: a line continuation)
                        raw.append(_ESCAPES.get(e, e))
                    continue
                if c == 0x28:
                    depth += 1
                elif c == 0x29:
                    depth -= 1
                    if not depth:
                        break
                raw.append(c)
                k += 1
            out.update(raw)
            i = k + 1


def _streams(writer: PdfWriter) -> Iterator[bytes]:
    """Every content stream that can show text: the pages', and those of the form XObjects,
    patterns and annotation appearances they use."""
    seen: set[int] = set()

    def resources(res: Any) -> Iterator[bytes]:
        res = res.get_object() if res is not None else None
        if not res:
            return
        if "/Font" in res:
            for font in res["/Font"].get_object().values():
                if font.get_object().get("/Subtype") == "/Type3":
                    raise _Unsure("Type 3 font")
        for kind in ("/XObject", "/Pattern"):
            for ref in (res[kind].get_object().values() if kind in res else ()):
                yield from stream(ref)

    def stream(ref: Any) -> Iterator[bytes]:
        obj = ref.get_object()
        if id(obj) in seen or not isinstance(obj, StreamObject):
            return
        seen.add(id(obj))
        if obj.get("/Subtype") == "/Image":
            return
        yield obj.get_data()
        yield from resources(obj.get("/Resources"))

    for page in writer.pages:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else ArrayObject()
        for part in (contents if isinstance(contents, ArrayObject) else [contents]):
            yield from stream(part)
        yield from resources(page.get("/Resources"))
        for annot in cast(Iterable[Any], page["/Annots"].get_object() if "/Annots" in page else ()):
            ap = annot.get_object().get("/AP")
            for appearance in (ap.get_object().values() if ap is not None else ()):
                appearance = appearance.get_object()
                if isinstance(appearance, StreamObject):
                    yield from stream(appearance)
                else:
                    for state in appearance.values():
                        yield from stream(state)


def _fonts(writer: PdfWriter) -> dict[int, IndirectObject]:
    """The simple TrueType fonts with an embedded program, by the program's object."""
    out: dict[int, IndirectObject] = {}
    for page in writer.pages:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else {}
        for ref in (res["/Font"].get_object().values() if "/Font" in res else ()):
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            program = desc.get_object().raw_get("/FontFile2") if desc is not None and "/FontFile2" in desc else None
            if font.get("/Subtype") == "/TrueType" and isinstance(program, IndirectObject):
                out[program.idnum] = program
    return out


def _tables(font: bytes) -> dict[bytes, tuple[int, int]]:
    count = struct.unpack(">H", font[4:6])[0]
    out = {}
    for k in range(count):
        tag, _sum, offset, length = struct.unpack(">4sIII", font[12 + 16 * k:28 + 16 * k])
        out[tag] = (offset, length)
    return out


def _code_to_glyph(cmap: bytes) -> dict[int, int]:
    """One-byte code -> glyph number, from the (1, 0) or (3, 0) subtable (formats 0, 4, 6)."""
    count = struct.unpack(">H", cmap[2:4])[0]
    for k in range(count):
        platform, encoding, offset = struct.unpack(">HHI", cmap[4 + 8 * k:12 + 8 * k])
        if (platform, encoding) not in ((1, 0), (3, 0)):
            continue
        fmt = struct.unpack(">H", cmap[offset:offset + 2])[0]
        if fmt == 0:
            return dict(enumerate(cmap[offset + 6:offset + 262]))
        if fmt == 6:
            first, n = struct.unpack(">HH", cmap[offset + 6:offset + 10])
            ids = struct.unpack(f">{n}H", cmap[offset + 10:offset + 10 + 2 * n])
            return {(first + i) & 0xFF: g for i, g in enumerate(ids) if first + i < 0x10000}
        if fmt == 4:
            segs = struct.unpack(">H", cmap[offset + 6:offset + 8])[0] // 2
            base = offset + 14
            ends = struct.unpack(f">{segs}H", cmap[base:base + 2 * segs])
            starts = struct.unpack(f">{segs}H", cmap[base + 2 * segs + 2:base + 4 * segs + 2])
            deltas = struct.unpack(f">{segs}h", cmap[base + 4 * segs + 2:base + 6 * segs + 2])
            range_at = base + 6 * segs + 2
            ranges = struct.unpack(f">{segs}H", cmap[range_at:range_at + 2 * segs])
            out = {}
            for s, (start, end, delta, ro) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
                for c in range(start, min(end, 0xFFFE) + 1):
                    if ro == 0:
                        g = (c + delta) & 0xFFFF
                    else:
                        at = range_at + 2 * s + ro + 2 * (c - start)
                        g = struct.unpack(">H", cmap[at:at + 2])[0]
                        g = (g + delta) & 0xFFFF if g else 0
                    out[c & 0xFF] = g  # symbolic fonts map 0xF000 + code
            return out
    raise _Unsure("no byte cmap")


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return int(sum(struct.unpack(f">{len(data) // 4}I", data))) & 0xFFFFFFFF


class _Program:
    """A TrueType program, read once: its tables, glyph offsets, code map and composite glyphs."""

    def __init__(self, font: bytes) -> None:
        offsets = _tables(font)
        if not {b"glyf", b"loca", b"head", b"cmap", b"maxp"} <= offsets.keys():
            raise _Unsure("not a TrueType outline font")
        self.font = font
        self.header = font[:12]
        self.tables = {tag: font[o:o + n] for tag, (o, n) in sorted(offsets.items())}
        self.sums = {tag: _checksum(data) for tag, data in self.tables.items()}
        head = self.tables[b"head"]
        self.long_loca = struct.unpack(">h", head[50:52])[0] == 1
        self.glyphs = n = struct.unpack(">H", self.tables[b"maxp"][4:6])[0]
        loca = self.tables[b"loca"]
        self.loca = (struct.unpack(f">{n + 1}I", loca[:4 * (n + 1)]) if self.long_loca
                     else [2 * x for x in struct.unpack(f">{n + 1}H", loca[:2 * (n + 1)])])
        self.by_code = {c: g for c, g in _code_to_glyph(self.tables[b"cmap"]).items() if g < n}
        glyf = self.tables[b"glyf"]
        self.components: dict[int, tuple[int, ...]] = {}
        for g in range(n):
            data = glyf[self.loca[g]:self.loca[g + 1]]
            if len(data) >= 10 and struct.unpack(">h", data[:2])[0] < 0:
                self.components[g] = _components(data, n)

    def cut(self, codes: set[int]) -> bytes:
        """The program with every glyph that no code in `codes` draws (directly or as a
        component) emptied; glyph numbers and all other tables unchanged."""
        keep = {0} | {self.by_code[c] for c in codes if c in self.by_code}
        todo = list(keep)
        while todo:
            for component in self.components.get(todo.pop(), ()):
                if component not in keep:
                    keep.add(component)
                    todo.append(component)
        glyf, loca = self.tables[b"glyf"], self.loca
        pieces, offsets, size = [], [0], 0
        for g in range(self.glyphs):
            if g in keep:
                piece = glyf[loca[g]:loca[g + 1]]
                piece += b"\0" * (len(piece) % 2)
                pieces.append(piece)
                size += len(piece)
            offsets.append(size)
        if not self.long_loca and size > 0x1FFFE:
            raise _Unsure("glyf too long for short offsets")
        n = self.glyphs + 1
        parts = dict(self.tables)
        parts[b"glyf"] = b"".join(pieces)
        parts[b"loca"] = (struct.pack(f">{n}I", *offsets) if self.long_loca
                          else struct.pack(f">{n}H", *(x // 2 for x in offsets)))
        head = self.tables[b"head"]
        parts[b"head"] = head[:8] + b"\0\0\0\0" + head[12:]  # checkSumAdjustment: set below
        sums = dict(self.sums)
        for tag in (b"glyf", b"loca", b"head"):
            sums[tag] = _checksum(parts[tag])
        at = 12 + 16 * len(parts)
        directory, body = [], []
        for tag, data in parts.items():
            directory.append(struct.pack(">4sIII", tag, sums[tag], at, len(data)))
            body.append(data + b"\0" * (-len(data) % 4))
            at += len(body[-1])
        head_at = 12 + 16 * len(parts) + sum(len(x) for x, tag in zip(body, parts, strict=True) if tag < b"head")
        front = self.header + b"".join(directory)
        adjust = (0xB1B0AFBA - _checksum(front) - sum(sums.values())) & 0xFFFFFFFF
        out = bytearray(front + b"".join(body))
        out[head_at + 8:head_at + 12] = struct.pack(">I", adjust)
        return bytes(out)


def _components(data: bytes, glyphs: int) -> tuple[int, ...]:
    """The glyphs a composite glyph is made of."""
    out, at = [], 10
    while True:
        flags, component = struct.unpack(">HH", data[at:at + 4])
        if component >= glyphs:
            raise _Unsure("bad component")
        out.append(component)
        at += 4 + (4 if flags & 0x0001 else 2)
        at += 2 if flags & 0x0008 else 4 if flags & 0x0040 else 8 if flags & 0x0080 else 0
        if not flags & 0x0020:
            return tuple(out)


@functools.lru_cache(maxsize=64)
def _deflated(program: bytes) -> bytes:
    return zlib.compress(program, -1)


@functools.lru_cache(maxsize=32)
def _program(font: bytes) -> _Program:
    return _Program(font)


@functools.lru_cache(maxsize=32)
def _inflated_program(deflated: bytes) -> _Program:
    return _Program(zlib.decompress(deflated))


def _program_of(stream: StreamObject) -> _Program:
    """The font program of a FontFile2 stream; read once per process for the primed fonts (every
    bundle's copy holds the same compressed bytes)."""
    if stream.get("/Filter") == "/FlateDecode" and "/DecodeParms" not in stream and isinstance(stream._data, bytes):
        try:
            return _inflated_program(stream._data)
        except zlib.error:
            pass
    return _program(stream.get_data())


def cut(font: bytes, codes: set[int]) -> bytes:
    """The TrueType program `font` keeping only the glyphs `codes` draw (see _Program.cut)."""
    return _program(font).cut(codes)


def subset_fonts(writer: PdfWriter) -> int:
    """Cut every embedded simple TrueType font of the writer to the codes its pages can show;
    the bytes saved (0 when anything is not plain enough to be sure)."""
    try:
        codes: set[int] = set()
        for data in _streams(writer):
            codes |= shown_bytes(data)
        cuts = []
        for ref in _fonts(writer).values():
            stream: Any = ref.get_object()
            program = _program_of(stream)
            cuts.append((stream, len(program.font), program.cut(codes)))
    except (_Unsure, struct.error, IndexError, KeyError, ValueError):
        return 0
    saved = 0
    for stream, before, smaller in cuts:
        if before - len(smaller) >= MIN_SAVING:  # else not worth compressing the program again
            if isinstance(stream, EncodedStreamObject) and stream.get("/Filter") == "/FlateDecode" \
                    and "/DecodeParms" not in stream:
                # what set_data stores (pypdf's FlateDecode.encode), without decoding the old program
                # first; persons of a unit often show the same letters: each cut compressed once
                stream._data = _deflated(smaller)
                stream.decoded_self = None
            else:
                stream.set_data(smaller)
            stream[NameObject("/Length1")] = NumberObject(len(smaller))
            saved += before - len(smaller)
    return saved
