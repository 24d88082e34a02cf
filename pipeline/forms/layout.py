"""Line breaks for the agency names of a letterhead's left column (ND 30/2020 header).

Word breaks a long name wherever the column ends ("UBND TỈNH HÀ GIANG / NAM"). The names are only
known at render time, so the render context gives them already broken (a "\\n" becomes a Word
line break, see pipeline/forms/render.py), at places that keep together what belongs together:

- never inside a place name: the words after an administrative level (tỉnh, thành phố, huyện,
  quận, thị xã, xã, phường, thị trấn) stay on one line;
- preferably before an administrative level, before "VÀ", or before the name of a kind of
  body ("SỞ", "BAN", "PHÒNG", "TRUNG TÂM", "UBND"…) that starts a new noun phrase;
- lines as even as possible.

With `compounds` (the default; a folder of papers printed before keeps the old breaks, see
`compound_breaks` and pipeline/run.py::_compound_breaks, manifest key `ngat_dong_tu_ghep`), also:

- never inside a word of several syllables of an agency's name (`COMPOUNDS`: "GIÁO DỤC", "ĐÀO TẠO",
  "MÔI TRƯỜNG"…; "SỞ GIÁO DỤC VÀ ĐÀO / TẠO" is not a break) — a data list, the one place to add one;
- a kind of body is one only where it starts a phrase, not inside such a word ("TRƯỜNG" of "MÔI
  TRƯỜNG", "PHÒNG" of "QUỐC PHÒNG", "XÃ" of "XÃ HỘI" are no place to break before);
- a kind of body stays with the first words of its name: the break after it is a preferred one only
  where the kind starts its line and is of several words ("TRUNG TÂM / CÔNG BÁO - TIN HỌC"), never
  after a kind that ends a line it does not start ("CHI BỘ TRƯỜNG / THPT NGUYỄN DU") or after a
  one-word kind that would stand alone ("TRƯỜNG / TRUNG HỌC PHỔ THÔNG …");
- a line more rather than a word split ("SỞ GIÁO DỤC / VÀ ĐÀO TẠO / TỈNH …" in a 5.8 cm column); where
  no split fits the column without one, a line ends on a dash ("KHOA XÉT NGHIỆM - / CHẨN ĐOÁN HÌNH
  ẢNH") rather than break inside a word.

Widths are measured with the standard Times-Bold metrics (base letters, the
diacritics do not change the advance width), which LibreOffice's Liberation Serif matches.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import unicodedata
from collections.abc import Callable, Iterator

# Width of the text in the left column of the person forms' header (tools/docxkit.py:
# column STATE_HEADER_WIDTHS_CM[0] minus the 0.1 cm cell margins) and its font size.
HEADER_LEFT_TEXT_CM = 6.6
HEADER_SIZE = 13

_LEVELS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
_JOINS = ("VÀ", "CÁC", "CỦA", "TRỰC THUỘC", "THUỘC")  # a line may start with these, never end with them
_STARTS = _JOINS + ("SỞ", "BAN", "PHÒNG", "TRUNG TÂM", "VĂN PHÒNG", "UBND", "ỦY BAN", "UỶ BAN", "HỘI ĐỒNG",
           "CỤC", "CHI CỤC", "BỘ", "TỔNG CỤC", "BỆNH VIỆN", "TRƯỜNG", "NHÀ", "ĐẢNG BỘ", "CHI BỘ", "ĐÀI",
           "BẢO TÀNG", "THƯ VIỆN", "VIỆN", "QUỸ", "KHO", "HẠT", "CÔNG ĐOÀN")


# Words of several syllables that agency names are made of: a line never breaks inside one (with `compounds`).
# Capitals as printed; both spellings where the tone mark's place varies (HÓA/HOÁ, THỦY/THUỶ, KHỎE/KHOẺ).
COMPOUNDS = (
    # the sectors of the Sở, Phòng and Bộ
    "GIÁO DỤC", "ĐÀO TẠO", "MÔI TRƯỜNG", "TÀI NGUYÊN", "KHOA HỌC", "CÔNG NGHỆ", "THÔNG TIN", "TRUYỀN THÔNG",
    "VĂN HÓA", "VĂN HOÁ", "THỂ THAO", "DU LỊCH", "NÔNG NGHIỆP", "PHÁT TRIỂN", "NÔNG THÔN", "LAO ĐỘNG",
    "THƯƠNG BINH", "XÃ HỘI", "TÀI CHÍNH", "KẾ HOẠCH", "ĐẦU TƯ", "XÂY DỰNG", "GIAO THÔNG", "VẬN TẢI",
    "CÔNG THƯƠNG", "Y TẾ", "TƯ PHÁP", "NỘI VỤ", "NGOẠI VỤ", "THANH TRA", "DÂN TỘC", "TÔN GIÁO", "NHÂN DÂN",
    "KINH TẾ", "HẠ TẦNG", "ĐÔ THỊ", "QUY HOẠCH", "KIẾN TRÚC", "THỦY LỢI", "THUỶ LỢI", "THIÊN TAI", "KIỂM LÂM",
    "LÂM NGHIỆP", "THỦY SẢN", "THUỶ SẢN", "CHĂN NUÔI", "THÚ Y", "TRỒNG TRỌT", "BẢO VỆ", "THỰC VẬT", "KHUYẾN NÔNG",
    "DÂN SỐ", "GIA ĐÌNH", "TRẺ EM", "AN TOÀN", "THỰC PHẨM", "DƯỢC PHẨM", "TIÊU CHUẨN", "ĐO LƯỜNG", "CHẤT LƯỢNG",
    "NGOẠI NGỮ", "TIN HỌC", "PHÁT THANH", "TRUYỀN HÌNH", "XUẤT BẢN", "BÁO CHÍ", "CÔNG BÁO", "LƯU TRỮ", "VĂN THƯ",
    "THI ĐUA", "KHEN THƯỞNG", "TUYÊN GIÁO", "DÂN VẬN", "KIỂM TRA", "KIỂM SÁT", "KIỂM SOÁT", "KIỂM ĐỊNH", "THỐNG KÊ",
    "THỊ TRƯỜNG", "BẢO HIỂM", "HẢI QUAN", "KHO BẠC", "NHÀ NƯỚC", "CÔNG AN", "QUÂN SỰ", "QUỐC PHÒNG", "BIÊN PHÒNG",
    "BỘ ĐỘI", "CÁN BỘ", "PHÒNG CHỐNG", "PHÒNG CHÁY", "CHỮA CHÁY", "CỨU NẠN", "CỨU HỘ", "TRỢ GIÚP", "PHÁP LÝ",
    "BỒI THƯỜNG", "GIẢI PHÓNG", "MẶT BẰNG", "ĐẤT ĐAI", "ĐĂNG KÝ", "HỘ TỊCH", "CHỨNG THỰC", "CÔNG CHỨNG",
    "THI HÀNH", "DÂN SỰ", "HÌNH SỰ", "TIẾP CÔNG DÂN", "CÔNG DÂN", "ĐỐI NGOẠI", "HỢP TÁC", "QUỐC TẾ", "XÚC TIẾN",
    "THƯƠNG MẠI", "CÔNG NGHIỆP", "KHUYẾN CÔNG", "ĐIỆN LỰC", "NĂNG LƯỢNG", "KHOÁNG SẢN", "ĐỊA CHẤT", "KHÍ TƯỢNG",
    "THỦY VĂN", "THUỶ VĂN", "BIỂN ĐẢO", "HẢI ĐẢO", "KHOA GIÁO", "VĂN XÃ",
    # schools and hospitals
    "TRUNG HỌC", "PHỔ THÔNG", "CƠ SỞ", "TIỂU HỌC", "MẦM NON", "THƯỜNG XUYÊN", "NGHỀ NGHIỆP", "DÂN TỘC NỘI TRÚ",
    "NỘI TRÚ", "BÁN TRÚ", "CHUYÊN BIỆT", "CAO ĐẲNG", "ĐẠI HỌC", "TRUNG CẤP", "HỌC VIỆN", "ĐA KHOA", "CHUYÊN KHOA",
    "KHU VỰC", "Y HỌC", "CỔ TRUYỀN", "PHỤC HỒI", "CHỨC NĂNG", "SẢN NHI", "NHI ĐỒNG", "LAO PHỔI", "TÂM THẦN",
    "BỆNH TẬT", "TRUYỀN NHIỄM", "XÉT NGHIỆM", "CHẨN ĐOÁN", "HÌNH ẢNH", "HỒI SỨC", "CẤP CỨU", "PHẪU THUẬT",
    "GÂY MÊ", "DƯỢC LIỆU", "SỨC KHỎE", "SỨC KHOẺ", "SINH SẢN", "PHỤ SẢN", "NGOẠI KHOA", "NỘI KHOA",
    # the offices inside an agency
    "HÀNH CHÍNH", "TỔ CHỨC", "QUẢN TRỊ", "QUẢN LÝ", "TỔNG HỢP", "GIÁM ĐỐC", "GIÁM HIỆU", "LÃNH ĐẠO", "CƠ QUAN",
    "ĐOÀN THỂ", "CHUYÊN MÔN", "NGHIỆP VỤ", "DỊCH VỤ", "CÔNG TRÌNH", "DỰ ÁN", "HỘI NGHỊ", "THƯỜNG TRỰC", "ĐẢNG ỦY",
    "ĐẢNG UỶ", "TỈNH ỦY", "TỈNH UỶ", "HUYỆN ỦY", "HUYỆN UỶ", "THÀNH ỦY", "THÀNH UỶ", "CHI ỦY", "CHI UỶ",
    "MẶT TRẬN", "TỔ QUỐC", "CỰU CHIẾN BINH", "CHIẾN BINH", "THANH NIÊN", "PHỤ NỮ", "NÔNG DÂN", "LIÊN ĐOÀN",
)
_COMPOUND_WORDS = tuple(sorted(set(COMPOUNDS), key=lambda c: -len(c.split())))  # the longest first

# Whether `break_lines` keeps COMPOUNDS whole (its `compounds=None`): chosen per output folder for the
# contexts a build makes (`compound_breaks`, forms/fill.py::_made, submission/package.py), True elsewhere.
_COMPOUND_BREAKS: contextvars.ContextVar[bool] = contextvars.ContextVar("ngat_dong_tu_ghep", default=True)


# Whether the ballot count (bien_ban_kiem_phieu) prints its 1 pt table gap after a note or the «no proposal» line
# too, as the builds from 0b62d2e to 2ee613a printed it (context `khoang_bang_luon`, unit_context.py): chosen per
# output folder (`ballot_gap_always`, forms/fill.py::_made; pipeline/run.py::_ballot_gap_as_needed), False elsewhere.
_BALLOT_GAP_ALWAYS: contextvars.ContextVar[bool] = contextvars.ContextVar("khoang_bang_luon", default=False)


@contextlib.contextmanager
def ballot_gap_always(on: bool) -> Iterator[None]:
    """The ballot count's 1 pt gap after its notes or «no proposal» line too (on), as a folder built from 0b62d2e
    to 2ee613a printed it, or only where the results table would touch the signatures' table (off) while it lasts:
    such a folder's ballot counts keep their bytes (pipeline/run.py::_ballot_gap_as_needed)."""
    token = _BALLOT_GAP_ALWAYS.set(on)
    try:
        yield
    finally:
        _BALLOT_GAP_ALWAYS.reset(token)


def gap_always() -> bool:
    """What `ballot_gap_always` chose (the context `khoang_bang_luon`)."""
    return _BALLOT_GAP_ALWAYS.get()


@contextlib.contextmanager
def compound_breaks(on: bool) -> Iterator[None]:
    """The header names broken by the rules of `compounds` (on) or as before them (off) while it lasts: the
    contexts a build makes for a folder of papers printed before them keep their breaks byte for byte
    (pipeline/run.py::_compound_breaks)."""
    token = _COMPOUND_BREAKS.set(on)
    try:
        yield
    finally:
        _COMPOUND_BREAKS.reset(token)


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


def break_lines(text: str, width: float = HEADER_LEFT_TEXT_CM, *, size: float = HEADER_SIZE,
                bold: bool = True, compounds: bool | None = None) -> str:
    """`text` with "\\n" where its lines should break to fit `width` cm; unchanged when it fits
    or is empty. Several lines: the split with the fewest lines, then the fewest breaks at
    non-preferred places, then the most even lines. `compounds`: keep COMPOUNDS whole and a kind of
    body with its name (module docstring, `_compound_break_lines`); None: as `compound_breaks` chose
    (on outside a build)."""
    if _COMPOUND_BREAKS.get() if compounds is None else compounds:
        return _compound_break_lines(text, width, size, bold)
    return _break_lines(text, width, size=size, bold=bold)


@functools.lru_cache(maxsize=1024)
def _break_lines(text: str, width: float = HEADER_LEFT_TEXT_CM, *, size: float = HEADER_SIZE,
                 bold: bool = True) -> str:
    """The breaks before `compounds` (kept byte for byte for the folders whose papers were printed with them)."""
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

    return _joined(words, best(0)[1])


def _joined(words: list[str], breaks: tuple[int, ...]) -> str:
    out, start = [], 0
    for j in breaks:
        out.append(" ".join(words[start:j]))
        start = j
    return "\n".join(out)


# With `compounds`: the kinds of body (not the joins), those that are COMPOUNDS words too before the kind that
# is their first word.
_KINDS = ("KHO BẠC", "HỌC VIỆN") + tuple(s for s in _STARTS if s not in _JOINS)


def _compound_at(words: list[str], i: int) -> int:
    """The number of words of the COMPOUNDS word starting at words[i] (0: none); its last word may carry
    a comma ("PHÒNG VĂN HÓA, THÔNG TIN"), the others none."""
    for ph in _COMPOUND_WORDS:
        parts = ph.split()
        k = len(parts)
        if i + k > len(words):
            continue
        got = [w.upper() for w in words[i:i + k]]
        got[-1] = got[-1].rstrip(",;")
        if got == parts:
            return k
    return 0


# What a break costs with `compounds`. Forced (only where no split into lines that fit the column avoids it):
# inside a word (a COMPOUNDS word, a kind of several words, a place name), after a join ("VÀ" at a line's
# end), before a dash (a line starting with it). Else: nothing at a preferred place; one anywhere else (a
# one-word kind alone on its line too: "TRƯỜNG / TRUNG HỌC …"); two after a kind that ends a line it does not
# start ("CHI BỘ TRƯỜNG / THPT …"); three after a dash ("KHOA XÉT NGHIỆM - / CHẨN ĐOÁN HÌNH ẢNH", only where a
# line is saved or a word kept whole: «CHI BỘ PHÒNG / KẾ HOẠCH - TÀI CHÍNH» keeps the phòng's name whole).
_INSIDE_WORD, _AFTER_JOIN, _BEFORE_DASH = 4, 3, 2
_PREFERRED, _OTHER, _AFTER_DASH, _KIND_AT_END = 0, 1, 3, 2


def _costs(words: list[str]) -> tuple[dict[int, int], Callable[[int, int], int]]:
    """For `words`: the forced cost of a break before each position that has one, and the cost of a line
    words[i:j] ending in a break at j (the rules of the module docstring, with `compounds`)."""
    n = len(words)
    unit_end: dict[int, int] = {}  # a COMPOUNDS word: its first word -> its end
    i = 0
    while i < n:
        k = _compound_at(words, i)
        if k:
            unit_end[i] = i + k
        i += k or 1
    inside = {p for a, b in unit_end.items() for p in range(a + 1, b)}  # "TRƯỜNG" of "MÔI TRƯỜNG"

    def end_of(j: int) -> int:  # the end of the word at j (a COMPOUNDS word, else one word)
        return unit_end.get(j, j + 1)

    def starts(j: int, phrases: tuple[str, ...]) -> str | None:
        """The phrase starting at j, unless j is inside a COMPOUNDS word or starts a longer one
        ("XÃ" of "XÃ HỘI", "NHÀ" of "NHÀ NƯỚC")."""
        ph = None if j in inside else _starts_at(words, j, phrases)
        return ph if ph is not None and len(ph.split()) >= end_of(j) - j else None

    forced: dict[int, int] = {p: _INSIDE_WORD for p in inside}
    good: set[int] = set()
    after_dash: set[int] = set()
    kind_end: dict[int, tuple[int, int]] = {}  # the end of a kind of body -> (its start, its words)
    i = 0
    while i < n:
        level = starts(i, _LEVELS)
        if level:
            k = len(level.split())
            good.add(i)
            end = i + k
            while end < n and not starts(end, _LEVELS + _KINDS + _JOINS) and words[end] not in "-–":
                end += 1
            forced.update({p: _INSIDE_WORD for p in range(i + k, end)})  # the place name
            forced.update({p: _INSIDE_WORD for p in range(i + 1, i + k)})  # "THÀNH / PHỐ"
            i = end
            continue
        start = starts(i, _KINDS)
        if start:
            k = len(start.split())
            good.add(i)
            forced.update({p: _INSIDE_WORD for p in range(i + 1, i + k)})  # "TRUNG / TÂM"
            kind_end[i + k] = (i, k)
            i += k
            continue
        if words[i] in ("-", "–") and 0 < i < n - 1:  # "CÔNG BÁO - TIN HỌC": never at a line's start or end
            forced[i] = max(forced.get(i, 0), _BEFORE_DASH)
            after_dash.add(i + 1)
        join = None if words[i] in ("-", "–") else starts(i, _JOINS)
        if join:
            good.add(i)
            forced[i + len(join.split())] = max(forced.get(i + len(join.split()), 0), _AFTER_JOIN)
            i += len(join.split())
            continue
        i += end_of(i) - i

    def cost(i: int, j: int) -> int:
        if j == n or j in good:
            return _PREFERRED
        if j in kind_end:
            first, size = kind_end[j]
            if first != i:
                return _KIND_AT_END
            return _PREFERRED if size > 1 else _OTHER  # "TRUNG TÂM / …" as before; "TRƯỜNG" alone: less so
        return _AFTER_DASH if j in after_dash else _OTHER

    return forced, cost


@functools.lru_cache(maxsize=1024)
def _compound_break_lines(text: str, width: float, size: float, bold: bool) -> str:
    """`break_lines` with `compounds`: the split with the fewest forced breaks, then the fewest lines, then the
    cheapest breaks, then the most even lines."""
    text = " ".join(text.split())
    if not text or width_cm(text, size, bold) <= width:
        return text
    words = text.split(" ")
    forced, cost = _costs(words)
    n = len(words)

    @functools.cache
    def best(i: int) -> tuple[tuple[int, int, int, float], tuple[int, ...]]:
        """(forced, lines, break costs, spread) for words[i:] and the chosen break list."""
        if i == n:
            return (0, 0, 0, 0.0), ()
        options: list[tuple[tuple[int, int, int, float], tuple[int, ...]]] = []
        for j in range(i + 1, n + 1):
            w = width_cm(" ".join(words[i:j]), size, bold)
            if w > width and j > i + 1:
                break  # a single word wider than the column stands alone
            (hard, lines, bad, spread), rest = best(j)
            options.append(((hard + forced.get(j, 0) * (j < n), lines + 1, bad + cost(i, j),
                             spread + (width - w) ** 2), (j, *rest)))
        return min(options)

    return _joined(words, best(0)[1])
