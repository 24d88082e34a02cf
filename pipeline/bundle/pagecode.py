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
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno

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

# Encoding a code (segno's choice of the best of 8 masks) costs ~5 ms, as much as the rest of a
# page's assembly. The same text always gives the same runs, so they are remembered: in this
# process (a person's pages are drawn in their own bundle and again in the unit's) and, through
# `remembered`, across builds in the bundle cache (a unit rebuilt after one person changed encodes
# only that person's new codes).
_MEMO: dict[str, Runs] = {}
_MEMO_MAX = 50_000
_local = threading.local()  # the `Remembered` block of this thread (dask workers run threads)
MEMO_VERSION = f"2 segno {segno.__version__}"  # part of the saved runs' key: another encoder may choose other masks


def _encode(text: str) -> Runs:
    qr = segno.make_qr(text, error="m", boost_error=False)
    rows = [list(r) for r in qr.matrix]
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
        return json.dumps({t: [_MEMO[t][0], base64.b64encode(bytes(x for run in _MEMO[t][1] for x in run)).decode()]
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
