"""The small code printed on every generated form page, so a signed, scanned sheet finds its way
back into its dossier (`hoso nhan-ban-ky`, pipeline/scan/).

A QR code (segno) in the left margin, bottom corner: Nghị định 30/2020 leaves a left margin of
3–3.5 cm and a bottom margin of 2–2.5 cm, and nothing else is drawn there (the page numbers are at
the top centre, the first page's header at the top right, the initials box at the bottom right).
It is drawn through the same pens as the other page marks (stamp.py), so the rest of the page is
unchanged: in the forms' own pages as a 1-bit image mask inline in the marks' stream, its samples in
hexadecimal, not interpolated (`pens.StreamPen.code`: ~300 bytes a page compressed, where the same
code as rectangles took ~830); on a reportlab canvas as filled squares.

What it says (one line, fields separated by "|"):
    HS1|<agency>|<year>|<unit>|<person>|<form>|<copy>|<page>/<pages>|<version>
agency: 6 hex digits of the SHA-256 of the agency's name; person: ma_so (empty on a unit's own
document); form: the form's code (`_bia` on a dossier's
cover pages, with no version); copy: 1.. for forms printed in several copies; version: the
first 8 hex digits of the SHA-256 of the document's .docx (its words changed: another version —
the rule in_lai.pdf follows, pipeline/submission/changes.py; builds before it printed the content
key's, kept in the manifest as `phien_ban_khoa`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import itertools
import json
import operator
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from segno import consts as _segno_consts
from segno import encoder as _segno_encoder

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.bundle.pens import Pen

MAGIC = "HS1"
COVER_FORM = "_bia"  # the form field of a dossier's cover pages (no version: they are not signed)
CM = 72 / 2.54
X_CM, Y_CM = 0.7, 0.7  # the code's lower left corner on the page
SIZE_CM = 2.0  # the side of the code (without its quiet zone, which the white margin gives)


@dataclass(frozen=True)
class PageCode:
    agency: str
    year: str
    unit: str
    person: str
    form: str
    copy: int
    page: int
    pages: int
    version: str

    def text(self) -> str:
        return "|".join((MAGIC, self.agency, self.year, self.unit, self.person, self.form, str(self.copy),
                         f"{self.page}/{self.pages}", self.version))

    @property
    def document(self) -> tuple[str, str, str, int]:
        """Which document (and copy) of which dossier the page belongs to."""
        return self.unit, self.person, self.form, self.copy


def agency_token(name: str) -> str:
    return hashlib.sha256(name.strip().encode()).hexdigest()[:6]


def version_token(content_key: str) -> str:
    return content_key[:8]


def parse(text: str) -> PageCode | None:
    """The code a decoded string holds, or None if it is not one of hoso's."""
    parts = text.split("|")
    if len(parts) != 9 or parts[0] != MAGIC:
        return None
    try:
        page, pages = (int(x) for x in parts[7].split("/"))
        return PageCode(parts[1], parts[2], parts[3], parts[4], parts[5], int(parts[6]), page, pages, parts[8])
    except ValueError:
        return None


def box(height: float) -> tuple[float, float, float, float]:
    """(x, y, w, h) in points of the code's area on a page of `height` points, quiet zone included."""
    q = 0.25 * CM
    return X_CM * CM - q, Y_CM * CM - q, SIZE_CM * CM + 2 * q, SIZE_CM * CM + 2 * q


Runs = tuple[int, tuple[tuple[int, int, int], ...]]  # (modules a side, dark runs (column, row from the bottom, length))

# Encoding a code costs ~0.5 ms (`_matrix`; segno's own make_qr ~3 ms, most of it choosing the best
# of 8 masks: it was half of a full build's bundle time). The same text always gives the same runs, so they are remembered: in this
# process (a person's pages are drawn in their own bundle and again in the unit's) and, through
# `remembered`, across builds in the bundle cache (a unit rebuilt after one person changed encodes
# only that person's new codes).
_MEMO: dict[str, Runs] = {}
_MEMO_MAX = 50_000
_local = threading.local()  # the `Remembered` block of this thread (dask workers run threads)
MEMO_VERSION = f"2 segno {segno.__version__}"  # part of the saved runs' key: another encoder may choose other masks


_encoder: Any = _segno_encoder  # segno's own steps (untyped), called as its `_encode` calls them
_consts: Any = _segno_consts
_Lines = tuple[int, ...]  # a matrix's rows (or columns), each one integer of one byte a module, column 0 first


@dataclass(frozen=True)
class _Symbol:
    """What every QR code of one version shares, made by segno's own functions as its `_encode`
    and `find_and_apply_best_mask` make them."""

    width: int
    ones: int  # 0x01 in each byte of a line
    fixed: _Lines  # the function patterns by rows, format and version areas and the dark module light
    masks: tuple[tuple[_Lines, _Lines], ...]  # the modules each of the 8 data masks flips, by rows and by columns
    cells: int  # modules in the encoding region: the final message's bits
    source: tuple[int, ...]  # for each module (row by row), its bit of the final message; `cells` outside the region


@functools.cache
def _symbol(version: int) -> _Symbol:
    width = _encoder.calc_matrix_size(version)
    function = _encoder.make_matrix(width, width)
    _encoder.add_finder_patterns(function, width, width)
    _encoder.add_alignment_patterns(function, width, width)
    region = [bytes(1 if v == 0x2 else 0 for v in row) for row in function]  # the encoding region
    # segno's `add_codewords` (a QR code, not a Micro one): the message's bits placed in two-module
    # columns from the right, up and down in turn, skipping the timing column
    order: list[int] = []
    taken = [bytearray(row) for row in region]
    for right in range(width - 1, 0, -2):
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if taken[i][j]:
                    taken[i][j] = 0
                    order.append(i * width + j)
    source = [len(order)] * (width * width)
    for k, at in enumerate(order):
        source[at] = k

    def lines(rows: list[bytes]) -> tuple[_Lines, _Lines]:
        return (tuple(int.from_bytes(r, "big") for r in rows),
                tuple(int.from_bytes(bytes(c), "big") for c in zip(*rows, strict=True)))

    masks = tuple(lines([bytes(1 if region[i][j] and fn(i, j) else 0 for j in range(width)) for i in range(width)])
                  for fn in _encoder.get_data_mask_functions(False))
    fixed = lines([bytes(v if v <= 0x1 else 0 for v in row) for row in function])[0]
    return _Symbol(width, int.from_bytes(b"\x01" * width, "big"), fixed, masks, len(order), tuple(source))


@functools.cache
def _line_masks(width: int, size: int) -> tuple[int, int]:
    """For `size` bytes of lines of `width` modules with one byte between two: (0x01 in every
    byte, 0x01 in every byte that is a module with a module of its line on its left)."""
    inside = b"\x02".join([b"\x00" + b"\x01" * (width - 1)] * ((size + 1) // (width + 1)))
    return int.from_bytes(b"\x01" * size, "big"), int.from_bytes(inside, "big")


_N3 = b"\x01\x00\x01\x01\x01\x00\x01"


def _penalty(rows: list[int], cols: list[int], width: int, ones: int) -> int:
    """segno's `evaluate_mask` (ISO/IEC 18004:2015 7.8.3.1, N1 + N2 + N3 + N4) of a masked
    matrix given by its rows and its columns. N1 and N3 are counted in all the lines at once,
    written one after the other with a byte 0x02 between two (no pattern crosses it)."""
    stride = width + 1
    lines = b"\x02".join(line.to_bytes(width, "big") for line in (*rows, *cols))
    # N1: a run of L >= 5 modules of one colour scores 3 + (L - 5) = (L - 4) + 2: its windows of 5
    # modules of one colour, plus 2 for the window that starts it (its left neighbour differs)
    every, inside = _line_masks(width, len(lines))
    x = int.from_bytes(lines, "big")
    same = (x ^ (x >> 8) ^ every) & inside  # 0x01 where a module equals its left neighbour
    windows = same & (same >> 8) & (same >> 16) & (same >> 24)  # ... and the 3 before it did too
    score = windows.bit_count() + 2 * (windows & ~(same >> 32)).bit_count()
    # N3, by the very steps of segno's `mask_scores` on one line (its quirks included)
    idx = lines.find(_N3)
    while idx != -1:
        start = idx - idx % stride
        end = start + width
        offset = idx + 7
        if idx - start in (0, width - 7) or not any(lines[max(idx - 4, start):idx]) \
                or not any(lines[offset:min(offset + 4, end)]):
            score += 40
        else:
            offset = idx + 4
        idx = lines.find(_N3, offset)
    # N2: 3 for each 2 x 2 block of one colour; `alike` has 0x01 where a module equals the one above
    inner = ones ^ (1 << 8 * (width - 1))  # column 0 has no left neighbour
    blocks = 0
    for upper, row in zip(rows, rows[1:], strict=False):
        alike = upper ^ row ^ ones
        blocks += (alike & (alike >> 8) & (row ^ (row >> 8) ^ ones) & inner).bit_count()
    dark = sum(map(int.bit_count, rows))
    percent = float(dark) / (width ** 2)
    return score + 3 * blocks + 10 * int(abs(percent * 100 - 50) / 5)  # N4 as segno computes it


@functools.cache
def _products(errors: int) -> tuple[int, ...]:
    """For each byte c, c times the generator polynomial of `errors` error codewords (segno's
    tables), as one integer of `errors` bytes."""
    gen, log, exp = _consts.GEN_POLY[errors], _consts.GALIOS_LOG, _consts.GALIOS_EXP
    return (0, *(int.from_bytes(bytes(exp[log[c] + g] for g in gen), "big") for c in range(1, 256)))


_BITS = bytes.maketrans(b"01", b"\x00\x01")
_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _final_message(version: int, bits: bytes) -> bytes:
    """segno's `make_final_message` of a QR code at level M (ISO/IEC 18004:2015 7.6): the data
    codewords cut into blocks, each block's error codewords (the remainder of its division by the
    generator, byte by byte), both interleaved, as bits, then the remainder bits."""
    size = (len(bits) + 7) // 8
    data = int(bits.ljust(8 * size, b"\x00").translate(_DIGITS), 2).to_bytes(size, "big")
    blocks, errors, at = [], [], 0
    for info in _consts.ECC[version][_consts.ERROR_LEVEL_M]:
        n = info.num_total - info.num_data
        products, top, keep = _products(n), 8 * (n - 1), (1 << 8 * n) - 1
        for _ in range(info.num_blocks):
            block = data[at:at + info.num_data]
            at += info.num_data
            rest = 0
            for byte in block:
                rest = ((rest << 8) & keep) ^ products[byte ^ (rest >> top)]
            blocks.append(block)
            errors.append(rest.to_bytes(n, "big"))
    words = bytes(b for column in itertools.zip_longest(*blocks) for b in column if b is not None) \
        + bytes(b for column in itertools.zip_longest(*errors) for b in column if b is not None)
    remainder = 7 if version in (2, 3, 4, 5, 6) else 3 if version in (14, 15, 16, 17, 18, 19, 20, *range(28, 35)) \
        else 4 if version in range(21, 28) else 0
    return format(int.from_bytes(words, "big"), f"0{8 * len(words)}b").encode().translate(_BITS) + b"\x00" * remainder


def _plain(text: str) -> tuple[int, _Symbol, list[int]] | None:
    """(version, its symbol, the unmasked matrix by rows) of `segno.make_qr(text, error="m",
    boost_error=False)`, as segno's `_encode` has them before it chooses a mask, by the same
    steps; None if the message does not fill the encoding region as expected."""
    error = _consts.ERROR_LEVEL_M
    segments = _encoder.prepare_data(text, None, None)
    version = _encoder.find_version(segments, error, eci=False, micro=False)
    if not isinstance(version, int) or version < 1:
        return None
    buff = _encoder.Buffer()
    for segment in segments:
        _encoder.write_segment(buff, segment, None, _encoder.version_range(version), False)
    capacity = _consts.SYMBOL_CAPACITY[version][error]
    _encoder.write_terminator(buff, capacity, None, len(buff))
    _encoder.write_padding_bits(buff, version, len(buff))
    _encoder.write_pad_codewords(buff, version, capacity, len(buff))
    message = _final_message(version, bytes(buff.getbits()))
    symbol = _symbol(version)
    width = symbol.width
    if len(message) != symbol.cells:
        return None
    placed = bytes(operator.itemgetter(*symbol.source)(message + b"\x00"))
    return version, symbol, [int.from_bytes(placed[i:i + width], "big") | f
                             for i, f in zip(range(0, width * width, width), symbol.fixed, strict=True)]


def _fast_matrix(text: str) -> tuple[bytearray, ...] | None:
    """The modules of `segno.make_qr(text, error="m", boost_error=False)`, the same to the bit
    (tests/test_pagecode.py compares them), ~6× faster (~0.5 ms): segno computes the error
    codewords, places the message and scores each of the 8 data masks module by module in Python
    (~2.5 ms of its ~3). Here segno's own steps make the data codewords; the error codewords are
    computed a byte at a time (`_final_message`), the message is placed by a permutation computed
    once per version, the 8 masks are scored by the same rules on whole rows and columns at once,
    the first lowest score winning as in segno, and the format and version information are
    written by segno's own functions."""
    plain = _plain(text)
    if plain is None:
        return None
    version, symbol, rows = plain
    width = symbol.width
    cols = [int.from_bytes(bytes(c), "big") for c in zip(*(r.to_bytes(width, "big") for r in rows), strict=True)]
    scores = [_penalty([r ^ k for r, k in zip(rows, by_rows, strict=True)],
                       [c ^ k for c, k in zip(cols, by_cols, strict=True)], width, symbol.ones)
              for by_rows, by_cols in symbol.masks]
    best = scores.index(min(scores))
    matrix = tuple(bytearray((r ^ k).to_bytes(width, "big")) for r, k in zip(rows, symbol.masks[best][0], strict=True))
    _encoder.add_format_info(matrix, version, _consts.ERROR_LEVEL_M, best)
    _encoder.add_version_info(matrix, version)
    return matrix


def _segno(text: str) -> tuple[bytearray, ...]:
    return tuple(bytearray(r) for r in segno.make_qr(text, error="m", boost_error=False).matrix)


@functools.cache
def _fast_is_segnos() -> bool:
    """Checked once per process: `_fast_matrix` gives segno's own modules for a code of hoso's
    size and for one with version modules (another segno, whose steps differ: segno is used)."""
    try:
        return all(_fast_matrix(t) == _segno(t) for t in ("HS1|a1b2c3|2026|DV01|NV0001|ca_nhan|1|1/2|deadbeef",
                                                           "HS1|" + "0123456789abcdef" * 8))
    except Exception:  # noqa: BLE001 - segno's inner steps are not its API: any failure means "use segno"
        return False


def _matrix(text: str) -> tuple[bytearray, ...]:
    """The QR code's modules, as segno makes them (`_fast_matrix` when it is segno's own)."""
    fast = _fast_matrix(text) if _fast_is_segnos() else None
    return fast if fast is not None else _segno(text)


_DARK = re.compile(rb"\x01+")


def _encode(text: str) -> Runs:
    rows = _matrix(text)
    n = len(rows)
    return n, tuple((m.start(), n - 1 - r, m.end() - m.start()) for r, row in enumerate(rows)
                    for m in _DARK.finditer(bytes(row)))


def runs(text: str) -> Runs:
    """The QR code of `text` as runs of dark modules (remembered)."""
    block: Remembered | None = getattr(_local, "block", None)
    hit = _MEMO.get(text)
    if hit is None and block is not None and block.load():
        hit = _MEMO.get(text)
    if hit is None:
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        hit = _MEMO[text] = _encode(text)
        if block is not None:
            block.encoded += 1
    if block is not None:
        block.drawn.add(text)
    return hit


class Remembered:
    """The codes drawn inside a `remembered` block: `encoded` of them were not known; `dump()`
    gives the runs of every one, to be handed to the next build's block."""

    def __init__(self, loader: Callable[[], bytes | None]) -> None:
        self.loader: Callable[[], bytes | None] | None = loader
        self.drawn: set[str] = set()
        self.encoded = 0

    def load(self) -> bool:
        """Read the saved runs (once, at the first code not known in this process); True if read now."""
        if self.loader is None:
            return False
        data, self.loader = self.loader(), None
        if not data:
            return False
        try:
            for text, (n, packed) in json.loads(data).items():
                flat = iter(base64.b64decode(packed, validate=True))
                runs = tuple(zip(flat, flat, flat, strict=True))
                if not isinstance(text, str) or not isinstance(n, int) or any(c + w > n or r >= n for c, r, w in runs):
                    raise ValueError(text)
                _MEMO.setdefault(text, (n, runs))
        except (ValueError, TypeError, AttributeError, binascii.Error):
            return False  # unreadable: only slower, the codes are encoded again
        return True

    def dump(self) -> bytes:
        """{text: [modules a side, the runs' numbers as bytes in base64]} (a side is at most 177 modules)."""
        return json.dumps({t: [_MEMO[t][0], base64.b64encode(bytes(itertools.chain.from_iterable(_MEMO[t][1]))).decode()]
                           for t in sorted(self.drawn) if t in _MEMO}, separators=(",", ":")).encode()


@contextmanager
def remembered(loader: Callable[[], bytes | None]) -> Iterator[Remembered]:
    """Draw codes with the runs an earlier build saved (`loader()`: what its `dump()` gave, or None;
    called only if a code is not known in this process)."""
    outer = getattr(_local, "block", None)
    _local.block = block = Remembered(loader)
    try:
        yield block
    finally:
        _local.block = outer


def draw(pen: Pen, width: float, height: float, text: str) -> None:
    """The QR code of `text`, drawn by `pen.code` (an image mask in the forms' pages, rectangles on a
    reportlab canvas)."""
    n, dark = runs(text)
    pen.code(X_CM * CM, Y_CM * CM, SIZE_CM * CM, n, dark)
