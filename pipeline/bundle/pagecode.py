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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import segno
from segno import consts as _consts
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

# Encoding a code costs ~1 ms (`_matrix`; segno's own choice of the best of 8 masks ~3 ms), as much as the rest of a
# page's assembly. The same text always gives the same runs, so they are remembered: in this
# process (a person's pages are drawn in their own bundle and again in the unit's) and, through
# `remembered`, across builds in the bundle cache (a unit rebuilt after one person changed encodes
# only that person's new codes).
_MEMO: dict[str, Runs] = {}
_MEMO_MAX = 50_000
_local = threading.local()  # the `Remembered` block of this thread (dask workers run threads)
MEMO_VERSION = f"2 segno {segno.__version__}"  # part of the saved runs' key: another encoder may choose other masks


_encoder: Any = _segno_encoder  # segno's own steps (untyped), used as its `_encode` uses them
_Lines = tuple[int, ...]  # a matrix's rows (or columns), each one integer of one byte a module, column 0 first


@functools.cache
def _symbol(version: int) -> tuple[int, int, _Lines, _Lines, tuple[tuple[_Lines, _Lines], ...]]:
    """What every QR code of `version` shares: (width, the bytes 0x01 of a whole line, by rows
    0x01 at the encoding region's modules, by rows the function patterns as segno scores them —
    format and version areas and the dark module still light —, for each of the 8 data masks the
    modules it flips, by rows and by columns). Made by segno's own functions, as its
    `find_and_apply_best_mask` makes them."""
    width = _encoder.calc_matrix_size(version)
    function = _encoder.make_matrix(width, width)
    _encoder.add_finder_patterns(function, width, width)
    _encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1  # not in the encoding region (segno marks it so); light until the format is added

    def lines(rows: list[bytes]) -> tuple[_Lines, _Lines]:
        return (tuple(int.from_bytes(r, "big") for r in rows),
                tuple(int.from_bytes(bytes(c), "big") for c in zip(*rows, strict=True)))

    region = [bytes(1 if v > 0x1 else 0 for v in row) for row in function]
    fixed = [bytes(v if v <= 0x1 else 0 for v in row) for row in function]
    fixed[-8] = fixed[-8][:8] + b"\x00" + fixed[-8][9:]
    masks = tuple(lines([bytes(1 if region[i][j] and fn(i, j) else 0 for j in range(width)) for i in range(width)])
                  for fn in _encoder.get_data_mask_functions(False))
    return width, int.from_bytes(b"\x01" * width, "big"), lines(region)[0], lines(fixed)[0], masks


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
    dark = sum(r.bit_count() for r in rows)
    percent = float(dark) / (width ** 2)
    return score + 3 * blocks + 10 * int(abs(percent * 100 - 50) / 5)  # N4 as segno computes it


def _matrix(text: str) -> tuple[bytearray, ...]:
    """The modules of `segno.make_qr(text, error="m", boost_error=False)`, the same to the bit
    (tests/test_pagecode.py compares them), ~3× faster: segno picks the best of the 8 data masks
    by scoring each one module by module in Python (~2.5 ms of its ~3.2). Here the code is made
    with mask 0 and taken back to its unmasked modules; the 8 masks are scored by the same rules
    on whole rows and columns at once, the first lowest score winning as in segno; the chosen
    mask is applied and its format information written by segno's own `add_format_info`."""
    qr = segno.make_qr(text, error="m", boost_error=False, mask=0)
    version = qr.version
    if not isinstance(version, int) or qr.mask != 0 or qr.error != "M" or qr.is_micro:
        return tuple(bytearray(r) for r in segno.make_qr(text, error="m", boost_error=False).matrix)
    width, ones, region, fixed, masks = _symbol(version)
    made = [int.from_bytes(r, "big") for r in qr.matrix]
    # the unmasked matrix as segno scores it: the data modules without mask 0, the rest as reserved
    plain = [(m ^ k) & e | f for m, k, e, f in zip(made, masks[0][0], region, fixed, strict=True)]
    plain_cols = [int.from_bytes(bytes(c), "big") for c in zip(*(r.to_bytes(width, "big") for r in plain), strict=True)]
    scores = [_penalty([r ^ k for r, k in zip(plain, by_rows, strict=True)],
                       [c ^ k for c, k in zip(plain_cols, by_cols, strict=True)], width, ones)
              for by_rows, by_cols in masks]
    best = scores.index(min(scores))
    matrix = tuple(bytearray((m ^ k0 ^ k).to_bytes(width, "big"))
                   for m, k0, k in zip(made, masks[0][0], masks[best][0], strict=True))
    _encoder.add_format_info(matrix, version, _consts.ERROR_LEVEL_M, best)
    return matrix


def _encode(text: str) -> Runs:
    rows = [list(r) for r in _matrix(text)]
    n = len(rows)
    out = []
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                out.append((start, n - 1 - r, c - start))
            else:
                c += 1
    return n, tuple(out)


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
