"""Line breaks for the agency names of a letterhead's left column (ND 30/2020 header).

Word breaks a long name wherever the column ends ("UBND TỈNH HÀ GIANG / NAM"). The names are only
known at render time, so the render context gives them already broken (a "\\n" becomes a Word
line break, see pipeline/forms/render.py), at places that keep together what belongs together:

- never inside a place name: the words after an administrative level (tỉnh, thành phố, huyện,
  quận, thị xã, xã, phường, thị trấn) stay on one line;
- preferably before an administrative level, before "VÀ", or before the name of a kind of
  body ("SỞ", "BAN", "PHÒNG", "TRUNG TÂM", "UBND"…) that starts a new noun phrase;
- lines as even as possible.

Widths are measured with the standard Times-Bold metrics (base letters, the
diacritics do not change the advance width), which LibreOffice's Liberation Serif matches.
"""

from __future__ import annotations

import functools
import unicodedata

# Width of the text in the left column of the person forms' header (tools/docxkit.py:
# column STATE_HEADER_WIDTHS_CM[0] minus the 0.1 cm cell margins) and its font size.
HEADER_LEFT_TEXT_CM = 6.6
HEADER_SIZE = 13

_LEVELS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
_JOINS = ("VÀ", "CÁC", "CỦA", "TRỰC THUỘC", "THUỘC")  # a line may start with these, never end with them
_STARTS = _JOINS + ("SỞ", "BAN", "PHÒNG", "TRUNG TÂM", "VĂN PHÒNG", "UBND", "ỦY BAN", "UỶ BAN", "HỘI ĐỒNG",
           "CỤC", "CHI CỤC", "BỘ", "TỔNG CỤC", "BỆNH VIỆN", "TRƯỜNG", "NHÀ", "ĐẢNG BỘ", "CHI BỘ", "ĐÀI",
           "BẢO TÀNG", "THƯ VIỆN", "VIỆN", "QUỸ", "KHO", "HẠT", "CÔNG ĐOÀN")


def _base(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


# Advance widths (1/1000 em) of ASCII 32–126 in the standard Times-Bold / Times-Roman metrics
# (the Adobe AFM files, as shipped with reportlab); Liberation Serif has the same widths.
_FIRST = 32
_WIDTHS = {
    True: (250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500,
           500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778,
           778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333,
           278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500,
           556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520),
    False: (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500,
            500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722,
            722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333,
            278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500,
            500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541),
}


@functools.lru_cache(maxsize=4096)
def width_cm(text: str, size: float = HEADER_SIZE, bold: bool = True) -> float:
    table = _WIDTHS[bool(bold)]
    units = 0
    for ch in _base(text):
        k = ord(ch) - _FIRST
        units += table[k] if 0 <= k < len(table) else 722  # anything else: as wide as a capital
    return units / 1000 * size / 72 * 2.54


def _starts_at(words: list[str], i: int, phrases: tuple[str, ...]) -> str | None:
    for ph in phrases:
        n = len(ph.split())
        if " ".join(words[i:i + n]).upper() == ph:
            return ph
    return None


def _groups(words: list[str]) -> tuple[list[tuple[int, int]], set[int]]:
    """Unbreakable spans [start, end) (a level word and its place name) and preferred break
    positions (word indexes a line may start at)."""
    spans, good = [], set()
    i = 0
    while i < len(words):
        level = _starts_at(words, i, _LEVELS)
        if level:
            good.add(i)
            end = i + len(level.split())
            while end < len(words) and not _starts_at(words, end, _LEVELS + _STARTS) and words[end] not in "-–":
                end += 1
            spans.append((i + len(level.split()), end))  # the place name itself
            i = end
            continue
        start = _starts_at(words, i, _STARTS)
        if start:
            k = len(start.split())
            if start in _JOINS:
                good.add(i)
                spans.append((i, i + k + 1))  # "VÀ PHÁT TRIỂN": not "VÀ" at a line's end
            else:
                good.update((i, i + k))  # before the kind of body and before its name
                spans.append((i, i + k))  # "TRUNG TÂM", "VĂN PHÒNG" stay whole
            i += k
            continue
        if words[i] in ("-", "–") and 0 < i < len(words) - 1:
            spans.append((i - 1, i + 2))  # "CÔNG BÁO - TIN HỌC": never a line starting or ending with a dash
        i += 1
    return spans, good


@functools.lru_cache(maxsize=1024)
def break_lines(text: str, width: float = HEADER_LEFT_TEXT_CM, *, size: float = HEADER_SIZE,
                bold: bool = True) -> str:
    """`text` with "\\n" where its lines should break to fit `width` cm; unchanged when it fits
    or is empty. Several lines: the split with the fewest lines, then the fewest breaks at
    non-preferred places, then the most even lines."""
    text = " ".join(text.split())
    if not text or width_cm(text, size, bold) <= width:
        return text
    words = text.split(" ")
    spans, good = _groups(words)
    forbidden = {k for a, b in spans for k in range(a + 1, b)}  # inside a place name
    n = len(words)

    @functools.cache
    def best(i: int) -> tuple[tuple[int, int, float], tuple[int, ...]]:
        """(lines, bad breaks, spread) for words[i:] and the chosen break list."""
        if i == n:
            return (0, 0, 0.0), ()
        options: list[tuple[tuple[int, int, float], tuple[int, ...]]] = []
        for j in range(i + 1, n + 1):
            if j < n and j in forbidden:
                continue
            line = " ".join(words[i:j])
            w = width_cm(line, size, bold)
            if w > width and j > i + 1:
                break
            (lines, bad, spread), rest = best(j)
            cost = (lines + 1, bad + (0 if j == n or j in good else 1), spread + (width - w) ** 2)
            options.append((cost, (j, *rest)))
        if not options:  # a single word wider than the column: put it alone
            (lines, bad, spread), rest = best(i + 1)
            return (lines + 1, bad + 1, spread), (i + 1, *rest)
        return min(options)

    breaks = best(0)[1]
    out, start = [], 0
    for j in breaks:
        out.append(" ".join(words[start:j]))
        start = j
    return "\n".join(out)
