"""Turn raw cell values (as pipeline.ingest.xlsx gives them) into typed values, or a complaint.

`converter(column)` returns a function `raw -> value` for one column of the contract, built once
per column (lookup tables for codes, levels and yes/no are precomputed); it raises `Bad` with a
Vietnamese message and what is expected when the value does not fit, so the reader can collect
every problem of a workbook instead of stopping at the first. `parse(kind, value, choices)` is
the same as a `(value, expected)` pair, for callers that prefer it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from pipeline.ingest import legacy, schema


class Percent(float):
    """A number shown with a percent format: 0.95 in a cell Excel shows as «95%» (typing «95%» into
    Excel stores 0.95 with that format; `xlsx.XlsxFile` reads it as this). A column measured in
    percent reads it as 95 (`converter`); elsewhere it is the plain number."""

    __slots__ = ()


class Displayed(int):
    """A whole number whose cell format shows it otherwise than its digits: 1 in a cell formatted
    `000` (Excel shows «001»), or `"NV"000` («NV001»). Everywhere a number is expected it is the
    number; where a code or a text is expected it is `shown`, what the clerk sees and typed
    (`xlsx.XlsxFile` reads such cells as this)."""

    shown: str

    def __new__(cls, value: int, shown: str) -> Displayed:
        self = super().__new__(cls, value)
        self.shown = shown
        return self

    def __reduce__(self) -> tuple[object, ...]:  # kept across the reader's worker processes
        return (Displayed, (int(self), self.shown))


class DatePeriod(str):
    """A period read from a cell Excel keeps as a date («2026-01» typed into Excel becomes 01/01/2026): the
    period (its month), and `date`, the date the cell holds, so that a message about the period can show the
    cell as the clerk sees it. A US-set Excel stores «1/10/2026», typed for October, as 10 January: the period
    read is 2026-01, and only the date tells the clerk which cell that is (`period_cell_words`)."""

    date: dt.date

    def __new__(cls, value: str, date: dt.date) -> DatePeriod:
        self = super().__new__(cls, value)
        self.date = date
        return self

    def __reduce__(self) -> tuple[object, ...]:  # kept across the reader's worker processes
        return (DatePeriod, (str(self), self.date))


def period_cell_words(ky: str) -> tuple[str, str] | None:
    """For a period read from a date cell whose day could have been typed as its month (1/10/2026 stored as
    10 January by an Excel set to month/day/year): what the cell holds, as Excel shows it (day/month, and
    month/day when Windows is set the US way), to follow «Ô B5 » or «Ô kỳ », and what to type instead. None for
    any other period."""
    if not isinstance(ky, DatePeriod):
        return None
    d = ky.date
    shown = f"{d:%d/%m/%Y}"
    other = f"{d.year:04d}-{d.day:02d}" if 1 <= d.day <= 12 and d.day != d.month else None
    said = (f"là ô kiểu Ngày của Excel: ngày {d.day} tháng {d.month} năm {d.year} (Excel hiện «{shown}», hoặc "
            f"«{d.month}/{d.day}/{d.year}» nếu Windows đặt kiểu Mỹ tháng/ngày/năm), được đọc là kỳ {ky}")
    if other is None:
        return said + ".", f"kỳ ghi dạng chữ, ví dụ {ky}, trong ô định dạng Văn bản (Text)"
    return (said + f". Nếu đã gõ «{d.month}/{d.day}/{d.year}» (ngày {d.month} tháng {d.day}) để chỉ tháng {d.day}, Excel "
            f"đặt kiểu Mỹ đã lưu thành ngày {d.day} tháng {d.month}.",
            f"định dạng ô là Văn bản (Text) rồi gõ kỳ dạng chữ: {other} (tháng {d.day}) hoặc {ky} (tháng {d.month})")


# removed from every text: control characters, invisible ones, and the bidirectional embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069) that would print a name reversed
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# the other spaces of Unicode (en, em, thin, hair, narrow no-break — «Phan\u202fThị» pasted from a web form or a
# Mac —, ideographic): a plain space, as the no-break space, so a name prints and compares as typed by hand
_SPACES = re.compile(r"[\u2000-\u200a\u202f\u205f\u3000]")
_SPECIAL = re.compile(r"[\r\t\u00a0\u2000-\u200a\u202f\u205f\u3000\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
# Word's list bullets pasted into a cell are characters of the Symbol and Wingdings fonts (private use,
# U+F0xx): no font the forms use draws them, so they vanished from the papers. What they show instead.
_WORD_BULLETS = str.maketrans({"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓",
                               "\uf06e": "■", "\uf071": "❑", "\uf0a8": "□", "\uf0e0": "→", "\uf0e8": "➔"})
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a character (a lone `_xD800_`): no character at all
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])")
_NUMBER = re.compile(r"[+-]?(\d+)(?:[.,](\d+))?")
_NUMBER_WORD = re.compile(r"([+-]?\d+(?:[.,]\d+)?)\s*([^\W\d_][^\W\d_ ]*(?: [^\W\d_]+)*)")
_DATE_TEXT = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?:\s+0{1,2}:00(?::00)?)?")
# the year first (ISO 8601, as databases and web forms export dates): 2026-12-05, 2026/12/05
_DATE_YEAR_FIRST = re.compile(r"(\d{4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?")
# in words, as on a signed paper («ngày 05 tháng 12 năm 2026»), on `fold`ed text
_DATE_WORDS = re.compile(r"(?:ngay )?(\d{1,2}) thang (\d{1,2}) nam (\d{1,4})")
_EPOCH = dt.datetime(1899, 12, 30)
MAX_SHORT_TEXT = 255
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell
LONG_TEXT = frozenset({k for k, _ in schema.TEXT_KEYS} | {"ghi_chu", "sang_kien", "noi_dung", "noi_cu_tru"})


class Bad(Exception):
    """A value that does not fit its column: what is wrong (optional) and what is expected."""

    def __init__(self, expected: str, message: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.message = message


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form used to match headers and codes."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng (combining)
# hyphen, the dashes Word puts for it («Lãnh đạo – Tổng hợp» pasted from a resolution) and the minus sign, with or
# without spaces around: one separator (a chi bộ named with «-» in one DonVi row and «–» in the next was two chi bộ)
_DASHES = str.maketrans({c: " - " for c in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"})


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """A person's name as compared with the same name written in another cell: spaces, case,
    Unicode form (NFC / NFD) and the place of the tone mark aside — «Hoà» and «Hòa», «Thuỷ» and
    «Thủy» (the old and the new placement, both typed by Unikey) are one name; so are «Đ» and the
    Icelandic «Ð» that looks the same (some keyboards and converted files type it), and a hyphen and a dash
    («Lãnh đạo - Tổng hợp», «Lãnh đạo – Tổng hợp», «Lãnh đạo-Tổng hợp»). Names are printed as written; this is
    only for matching."""
    words = []
    text = str(text).replace("Ð", "Đ").replace("ð", "đ").translate(_DASHES)
    for word in unicodedata.normalize("NFD", text).casefold().split():
        tones = "".join(ch for ch in word if ch in _TONES)
        words.append("".join(ch for ch in word if ch not in _TONES) + tones)
    return " ".join(words)


def compact(text: str) -> str:
    """`fold` without spaces: «Nhân sự», «NhanSu» and «nhan_su» all give «nhansu»."""
    return fold(text).replace(" ", "")


def clean_text(value: object) -> str:
    """NFC, trimmed, line ends unified, invisible and XML-invalid control characters removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    elif isinstance(value, Displayed):
        text = value.shown
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else format(value, ".15g")
    elif isinstance(value, dt.datetime | dt.date):
        return _show_date(value)
    else:
        text = str(value)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.isascii() and "\uf000" <= max(text) and any("\uf020" <= ch <= "\uf0ff" for ch in text):
        text = text.translate(_WORD_BULLETS)
    # every character _SPECIAL matches is unprintable: most texts skip the regular expression
    if not (text.isprintable() or ("\n" in text and text.replace("\n", "").isprintable())) and _SPECIAL.search(text):
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\u00a0", " ")
        text = _SPACES.sub(" ", _CONTROL.sub("", text))
    if _SURROGATE.search(text):  # cannot be written anywhere (UTF-8, XML, PDF): shown as �
        text = _SURROGATE.sub("\ufffd", text)
    return text.strip()


def legacy_encoding(text: str) -> str | None:
    """Name of the legacy Vietnamese encoding `text` seems to be typed in, or None."""
    found = legacy.detect(text)
    return found[0] if found else None


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    return not value or value.isspace() or (not value.isprintable() and not clean_text(value))


def _show_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y") if value.year >= 1000 else value.isoformat()


def _legacy_bad(text: str) -> Bad | None:
    found = legacy.detect(text)
    if not found:
        return None
    enc, decoded = found
    shown = decoded if len(decoded) <= 60 else decoded[:57] + "…"
    return Bad(f"chữ tiếng Việt Unicode, có lẽ là «{shown}» (chuyển mã bằng Unikey: Ctrl+Shift+F6, "
               f"từ {enc} sang Unicode)",
               f"Chữ gõ bằng bảng mã cũ {enc}, không phải Unicode.")


# -- one converter per kind -----------------------------------------------------------------------
def _text(max_len: int) -> Callable[[object], str]:
    is_normalized, vietnamese = unicodedata.is_normalized, legacy.UNICODE_VN.search

    def convert(value: object) -> str:
        # The usual cells take a short cut with the same result: ASCII, or already NFC and without
        # any character clean_text changes (all unprintable), so that only stripping is left.
        if value.__class__ is str and (
                (value.isascii() and value.isprintable())
                or (not value.isascii() and (value.isprintable() or ("\n" in value and value.replace("\n", "").isprintable()))
                    and is_normalized("NFC", value))):
            text = value.strip()
            if len(text) > max_len:
                raise Bad(f"tối đa {max_len:,} ký tự".replace(",", "."),
                          f"Nội dung quá dài ({len(text):,} ký tự).".replace(",", "."))
            if text.isascii() or vietnamese(text):  # Unicode Vietnamese letters: not a legacy encoding
                return text
            bad = _legacy_bad(text)
            if bad:
                raise bad
            return text
        if isinstance(value, bool):
            raise Bad("chữ", "Ô chứa giá trị đúng/sai (TRUE/FALSE) của Excel, không phải chữ.")
        if isinstance(value, str) and _SURROGATE.search(value):
            raise Bad("chữ hợp lệ (gõ lại ô này)",
                      "Ô có một ký tự hỏng (mã _xD800_…_xDFFF_ đứng lẻ, không thành chữ nào), thường do phần mềm "
                      "khác ghi ra.")
        text = clean_text(value)
        if len(text) > max_len:
            raise Bad(f"tối đa {max_len:,} ký tự".replace(",", "."),
                      f"Nội dung quá dài ({len(text):,} ký tự).".replace(",", "."))
        if not text.isascii():
            bad = _legacy_bad(text)
            if bad:
                raise bad
        return text

    return convert


_ID_EXPECTED = "mã chỉ gồm chữ cái không dấu, chữ số, dấu - hoặc _ (tối đa 64 ký tự), vì mã được dùng làm tên tệp"


def _id(value: object) -> str:
    if value.__class__ is str and _ID.fullmatch(value) and not _RESERVED.fullmatch(value):
        return value  # already clean: ASCII letters, digits, - and _ only
    text = clean_text(value)
    if _ID.fullmatch(text):
        if _RESERVED.fullmatch(text):
            raise Bad(_ID_EXPECTED, f"Mã «{text}» trùng tên thiết bị dành riêng của Windows, không dùng làm tên tệp được.")
        return text
    if any(ch.isspace() for ch in text):
        raise Bad(_ID_EXPECTED, "Mã có khoảng trắng.")
    if not text.isascii():
        raise Bad(_ID_EXPECTED, "Mã có chữ có dấu hoặc ký tự ngoài bảng chữ cái tiếng Anh.")
    if len(text) > 64:
        raise Bad(_ID_EXPECTED, f"Mã dài {len(text)} ký tự.")
    bad = sorted({ch for ch in text if not (ch.isalnum() or ch in "-_")})
    if bad:
        raise Bad(_ID_EXPECTED, "Mã có ký tự không dùng được trong tên tệp: " + " ".join(f"«{ch}»" for ch in bad) + ".")
    raise Bad(_ID_EXPECTED, "Mã phải bắt đầu bằng chữ cái hoặc chữ số.")


CITIZEN_ID_EXPECTED = "số định danh cá nhân: đúng 12 chữ số như trên thẻ căn cước, ví dụ 001089012345"
_CITIZEN_NUMBER_EXPECTED = ("định dạng ô là Text (Văn bản) rồi gõ lại đủ 12 chữ số (hoặc gõ dấu ' trước số, ví dụ "
                            "'001089012345)")


def _citizen_id(value: object) -> str:
    """A số định danh cá nhân (the 12 digits of the citizen's card): kept as text, its leading zeros with it. Every
    one begins with the three digits of a province (001–096), so a cell Excel holds as a number has lost at least one
    zero: refused, naming what Excel shows, rather than read as another person's number. Spaces between the groups
    of digits («001 089 012 345») are dropped."""
    if isinstance(value, bool):
        raise Bad(CITIZEN_ID_EXPECTED, "Ô chứa giá trị đúng/sai (TRUE/FALSE) của Excel, không phải số định danh.")
    if isinstance(value, int | float) and not isinstance(value, Displayed):
        digits = clean_text(value)
        if digits.isdigit() and len(digits) < 12:
            raise Bad(_CITIZEN_NUMBER_EXPECTED,
                      f"Ô kiểu số: Excel hiện «{digits}» ({len(digits)} chữ số), đã bỏ số 0 ở đầu của số định danh cá "
                      "nhân.")
    text = "".join(clean_text(value).split())
    if text.isascii() and text.isdigit() and len(text) == 12:
        return text
    if text.isascii() and text.isdigit():
        raise Bad(CITIZEN_ID_EXPECTED, f"Số định danh cá nhân có {len(text)} chữ số.")
    raise Bad(CITIZEN_ID_EXPECTED, "Số định danh cá nhân chỉ gồm chữ số.")


def _serial_of(value: dt.date) -> float:
    """Back from a date to the Excel serial number it was displayed from."""
    d = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    return (d - _EPOCH).total_seconds() / 86400


def _number(value: object) -> float | int:
    if value.__class__ is int:
        return value
    if isinstance(value, bool):
        raise Bad("một số")
    if isinstance(value, int):
        return int(value)  # a Displayed (1 shown «001») is the number here
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Bad("một số")
        return value
    if isinstance(value, dt.datetime | dt.date):
        if value.year <= 1900:  # a number in a cell formatted as a date
            return _serial_of(value)
        raise Bad("một số", "Ô chứa ngày tháng, không phải số.")
    text = clean_text(value).replace(" ", "")
    m = _NUMBER.fullmatch(text)
    if not m:
        worded = _NUMBER_WORD.fullmatch(clean_text(value))  # «85 điểm», «12 tháng», «3 người»
        if worded:
            raise Bad("một số", f"Ô có chữ «{worded.group(2).strip()}» sau số; chỉ ghi số: «{worded.group(1)}».")
        raise Bad("một số")
    whole, frac = m.groups()
    if frac is None:
        return int(text)
    if len(frac) == 3 and whole.lstrip("0"):
        raise Bad("số viết không có dấu phân cách hàng nghìn, ví dụ 1000 hoặc 1,5",
                  f"Số «{text}» không rõ: có thể là {whole}{frac} hoặc {whole},{frac}.")
    return float(text.replace(",", "."))


def _int(value: object) -> int:
    if value.__class__ is int and abs(value) <= 1_000_000_000:
        return value
    try:
        num = _number(value)
    except Bad as bad:
        raise Bad("một số nguyên", bad.message) from None
    if isinstance(num, float):
        if not num.is_integer():
            raise Bad("một số nguyên")
        num = int(num)
    if abs(num) > 1_000_000_000:
        raise Bad("một số nguyên", "Số quá lớn.")
    return num


def _months(value: object) -> float | int:
    try:
        num = _number(value)
    except Bad as bad:
        raise Bad("số tháng từ 0 đến 12", bad.message) from None
    if not 0 <= num <= 12:
        raise Bad("số tháng từ 0 đến 12")
    return num


def _year(value: object) -> int:
    if isinstance(value, dt.datetime | dt.date) and 1990 <= _serial_of(value) <= 2100:
        return int(_serial_of(value))  # a year typed into a cell formatted as a date (shows 1905)
    try:
        num = _int(value)
    except Bad:
        raise Bad("một năm có 4 chữ số, ví dụ 2024") from None
    if not 1990 <= num <= 2100:
        raise Bad("một năm có 4 chữ số, ví dụ 2024")
    return num


PERIOD_EXPECTED = "tháng dạng 2026-01 … 2026-12 hoặc quý dạng 2026-Q1 … 2026-Q4"  # a workbook of unknown year
_EXAMPLE_PERIOD = re.compile(r"\b2026-(0[1-9]|1[0-2]|Q[1-4])\b")


def of_year(text: str, year: int | None) -> str:
    """`text` with its example periods («2026-01 … 2026-12», «2026-Q1») in the evaluation year `year`, so that
    a 2027 workbook's guide and messages show 2027's periods; unchanged when the year is not known."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999 or year == 2026:
        return text
    return _EXAMPLE_PERIOD.sub(lambda m: f"{year}-{m.group(1)}", text)


def period_expected(year: int | None) -> str:
    """What a period cell of a workbook of `year` should hold (the examples in that year)."""
    return of_year(PERIOD_EXPECTED, year)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PERIOD_FORMS = (  # on `fold`ed text: punctuation is already a space
    # year first: 2026-01, 2026-1, 2026/01, 2026-Q1, 2026Q1, 2026 quý 1
    (re.compile(r"(\d{4}) ?(?:q|quy) ?([1-4]|i{1,3}|iv)"), "yq"),
    (re.compile(r"(\d{4}) (?:t |thang )?(\d{1,2})"), "ym"),
    # period first: Q1/2026, Quý I/2026, quý 1 năm 2026, T1/2026, Tháng 01/2026, 01/2026, tháng 1 năm 2026
    (re.compile(r"(?:q|quy) ?([1-4]|i{1,3}|iv) (?:nam )?(\d{4})"), "qy"),
    (re.compile(r"(?:t ?|thang )?(\d{1,2}) (?:nam )?(\d{4})"), "my"),
)


_CUT_ZERO = re.compile(r"(\d{4})\.1")  # a year-first period held as a number: 2026.1 (2026.10 lost its 0)


def period(value: object) -> str:
    """A month or quarter of a year, canonical: "2026-01" … "2026-12", "2026-Q1" … "2026-Q4"."""
    if isinstance(value, dt.datetime | dt.date):
        # «2026-01» typed into Excel becomes 01/01/2026; the date is kept for the messages (DatePeriod)
        d = value.date() if isinstance(value, dt.datetime) else value
        return DatePeriod(f"{value.year:04d}-{value.month:02d}", d)
    if isinstance(value, float) and (m := _CUT_ZERO.fullmatch(format(value, ".15g"))):
        # «2026.10» or «2026,10» typed into a General cell is stored as the number 2026.1: the trailing 0 is gone,
        # and the cell no longer says whether October or January was meant (read as January, silently, before)
        y = m.group(1)
        raise Bad(f"kỳ ghi dạng chữ: {y}-10 (tháng 10) hoặc {y}-01 (tháng 1); nếu Excel tự đổi, định dạng ô là "
                  "Văn bản (Text) rồi gõ lại",
                  f"Ô kiểu Số {y}.1 không rõ là tháng 10 hay tháng 1: Excel bỏ chữ số 0 cuối khi gõ {y}.10 hoặc {y},10.")
    text = fold(clean_text(value))
    for pattern, how in _PERIOD_FORMS:
        m = pattern.fullmatch(text)
        if not m:
            continue
        first, second = m.groups()
        year, part = (first, second) if how[0] == "y" else (second, first)
        if "q" in how:
            q = _ROMAN.get(part) or int(part)
            return f"{int(year):04d}-Q{q}"
        month = int(part)
        if 1 <= month <= 12:
            return f"{int(year):04d}-{month:02d}"
    raise Bad(PERIOD_EXPECTED)


_NO_YEAR = re.compile(r"(?:(t|thang) ?(\d{1,2})|(q|quy) ?([1-4]|i{1,3}|iv))")


def period_without_year(text: str, year: int) -> str | None:
    """«Tháng 1», «T1», «Quý I», «Q2» (a period without its year, as a sheet kept for one year writes it)
    as the period of `year`, the evaluation year (the only year a period may have); None for anything else."""
    m = _NO_YEAR.fullmatch(fold(text))
    if m is None:
        return None
    _, month, _, quarter = m.groups()
    if month is not None:
        return f"{year:04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None
    return f"{year:04d}-Q{_ROMAN.get(quarter) or int(quarter)}"


_DATE_EXPECTED = "ngày theo dạng dd/mm/yyyy (ví dụ 05/11/2024) hoặc ô kiểu Ngày của Excel"


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime | dt.date):
        d = value.date() if isinstance(value, dt.datetime) else value
        if not 1900 <= d.year <= 2100:
            raise Bad(_DATE_EXPECTED, "Ngày không hợp lý.")
        return d
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000 <= value <= 80_000:  # a serial in a cell not formatted as a date
            return (_EPOCH + dt.timedelta(days=int(value))).date()
        raise Bad(_DATE_EXPECTED, "Ô chứa một số, không phải ngày.")
    text = clean_text(value)
    m = _DATE_TEXT.fullmatch(text)
    if m:
        day, _, month, year = m.groups()
    else:
        # The contract (spec/workbook.md) reads dd/mm/yyyy only; a date written year first (as databases
        # export it) or in words (as on a signed paper) is refused, with the value to type instead.
        found = None
        if m := _DATE_YEAR_FIRST.fullmatch(text):
            found = m.group(1), m.group(3), m.group(4)
        elif m := _DATE_WORDS.fullmatch(fold(text)):
            found = m.group(3), m.group(2), m.group(1)
        if found is None:
            raise Bad(_DATE_EXPECTED)
        if len(found[0]) != 4:
            raise Bad("năm ghi đủ 4 chữ số, ví dụ 05/11/2024", "Năm không đủ 4 chữ số.")
        try:
            meant = dt.date(*(int(x) for x in found))
        except ValueError:
            raise Bad(_DATE_EXPECTED, "Ngày không có thật.") from None
        raise Bad(_DATE_EXPECTED, f"Ngày không ghi theo dạng ngày/tháng/năm: nếu là ngày {meant.day} tháng "
                                  f"{meant.month} năm {meant.year}, ghi «{meant:%d/%m/%Y}».")
    if len(year) != 4:
        raise Bad("năm ghi đủ 4 chữ số, ví dụ 05/11/2024", "Năm không đủ 4 chữ số.")
    try:
        d = dt.date(int(year), int(month), int(day))
    except ValueError:
        swapped = _month_first(int(year), int(month), int(day))
        if swapped is not None:
            raise Bad("ngày theo dạng ngày/tháng/năm (dd/mm/yyyy)",
                      f"Ngày không có thật nếu đọc ngày trước, tháng sau; ô có vẻ ghi theo kiểu tháng/ngày/năm "
                      f"(kiểu Mỹ): nếu vậy, ngày đúng là {swapped:%d/%m/%Y}.") from None
        raise Bad("một ngày có thật theo dạng dd/mm/yyyy, ví dụ 05/11/2024", "Ngày không có thật.") from None
    if not 1900 <= d.year <= 2100:
        raise Bad(_DATE_EXPECTED, "Ngày không hợp lý.")
    return d


def _month_first(year: int, first: int, second: int) -> dt.date | None:
    """The date read month-first (`first` is the month), when only that reading is a real date."""
    try:
        return dt.date(year, second, first)
    except ValueError:
        return None


_YES = {"co", "x", "1", "true", "yes", "y", "c", "dung", "phai"}
_NO = {"khong", "0", "false", "no", "n", "k", "sai"}
_MARKS_YES = {"✓", "✔", "√", "☑", "✅"}
_MARKS_NO = {"-", "–", "—"}
_YESNO_EXPECTED = "Có hoặc Không (cũng nhận x / để trống, 1 / 0, TRUE / FALSE)"


def _yesno(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = clean_text(value)
    if text in _MARKS_YES:
        return True
    if text in _MARKS_NO:
        return False
    f = fold(text)
    if f in _YES:
        return True
    if f in _NO:
        return False
    raise Bad(_YESNO_EXPECTED)


def _lookup(table: dict[str, str], expected: str, shown: dict[str, str] | None = None,
            hints: dict[str, str] | None = None) -> Callable[[object], str]:
    """`shown`: folded name -> the name a clerk writes, for "có phải «…»?" on a typo; `hints`: compacted value ->
    the message for a value that names several choices (`_CODE_HINTS`), said instead of a guess."""
    def convert(value: object) -> str:
        text = clean_text(value)
        code = table.get(fold(text))
        if code is None:
            code = table.get(compact(text))
        if code is None and hints and compact(text) in hints:
            raise Bad(expected, hints[compact(text)].format(text=text))
        if code is None:
            guess = _close(text, shown or {})
            raise Bad(expected, f"Không có giá trị này; có phải «{guess}»?" if guess else None)
        return code

    return convert


def _close(text: str, shown: dict[str, str]) -> str | None:
    import difflib

    key = fold(text)
    found = difflib.get_close_matches(key, list(shown), n=1, cutoff=0.6)
    if not found:  # a code with two letters swapped or one missing: compare as written, without case
        upper = {name.upper(): name for name in shown.values() if len(name) <= 8}
        # only a code typed as a code (HTTX, HTX): a Vietnamese word («Không», «Khá», «K» for none) is no typo of KHT
        found_code = (difflib.get_close_matches(text.upper(), list(upper), n=1, cutoff=0.5)
                      if 2 <= len(text) <= 8 and text.isascii() and text.isalnum() else [])
        return upper[found_code[0]] if found_code else None
    return shown[found[0]]


def _shown_names(choices: dict[str, str]) -> dict[str, str]:
    """The clerk's word for each code and label: the label."""
    return {fold(name): label for code, label in choices.items() for name in (label, code)}


def _choices_table(choices: dict[str, str]) -> dict[str, str]:
    table = {}
    for code, label in choices.items():
        for name in (code, label):
            table[fold(name)] = code
            table[compact(name)] = code
    return table


_LEVEL_ALIASES = {
    "htxsnv": "HTXS", "hoan thanh xuat sac": "HTXS",
    "httnv": "HTT", "hoan thanh tot": "HTT",
    "htnv": "HT", "hoan thanh": "HT",
    "khtnv": "KHT", "khong hoan thanh": "KHT",
}
# the abbreviations every personnel list uses, unambiguous (on `fold`ed text); «HĐLĐ» is not one: a labour
# contract may be «Hợp đồng» (ND 111) or «Người lao động»
_CODE_ALIASES: dict[str, dict[str, str]] = {
    "loai_nhan_su": {"cb": "can_bo", "cc": "cong_chuc", "vc": "vien_chuc", "hd": "hop_dong", "nld": "nguoi_lao_dong"},
    "vai_tro": {"nv": "nhan_vien"},
}
# values that name two choices at once (on `compact`ed text): refused as before, the message says which two and how
# to choose, rather than guess one («Hợp đồng lao động» is as close to «Người lao động» as to «Hợp đồng»)
_TWO_CHOICES = ("«{text}»: hợp đồng lao động ứng với hai loại, «Hợp đồng (HĐ 68/111)» (hợp đồng làm công việc hỗ trợ, "
                "phục vụ theo Nghị định 111/2022/NĐ-CP, ví dụ lái xe, bảo vệ) hoặc «Người lao động»; chọn loại theo hợp "
                "đồng đã ký.")
_CODE_HINTS: dict[str, dict[str, str]] = {
    "loai_nhan_su": {"hdld": _TWO_CHOICES, "hopdonglaodong": _TWO_CHOICES},
}
_LEVEL_EXPECTED = "một mức xếp loại: HTXS, HTT, HT, KHT hoặc ghi đủ chữ (ví dụ Hoàn thành tốt nhiệm vụ)"


def _level_table() -> dict[str, str]:
    table = _choices_table(schema.LEVELS)
    table.update(_LEVEL_ALIASES)
    for alias, code in _LEVEL_ALIASES.items():
        table[alias + " nhiem vu"] = code
        table[alias + " nv"] = code  # «Hoàn thành tốt NV»: NV is how clerks shorten «nhiệm vụ»
    return table


def choices_expected(choices: dict[str, str]) -> str:
    return "một trong: " + "; ".join(
        f"{code} ({label})" if fold(code) != fold(label) else label for code, label in choices.items())


def converter(col: schema.Column) -> Callable[[object], object]:
    """The function that turns a raw, non-blank cell of `col` into its typed value (or raises Bad)."""
    kind = col.kind
    if kind == schema.TEXT:
        return _text(MAX_CELL_CHARS if col.key in LONG_TEXT else MAX_SHORT_TEXT)
    simple = {schema.ID: _id, schema.NUMBER: _number, schema.INT: _int, schema.MONTHS: _months,
              schema.YEAR: _year, schema.DATE: _date, schema.YESNO: _yesno, schema.PERIOD: period,
              schema.CITIZEN_ID: _citizen_id}
    convert: Callable[[object], object]
    if kind in simple:
        convert = simple[kind]
    elif kind == schema.LEVEL:
        # suggestions from the level's words only: «Khá» is 0.67 like «KHT» by letters, a suggestion never to make
        convert = _lookup(_level_table(), _LEVEL_EXPECTED, {fold(label): code for code, label in schema.LEVELS.items()})
    elif kind == schema.CODE:
        assert col.choices, col.key
        convert = _lookup(_choices_table(col.choices) | _CODE_ALIASES.get(col.key, {}), choices_expected(col.choices),
                          _shown_names(col.choices), _CODE_HINTS.get(col.key))
    else:
        raise ValueError(f"unknown column kind {kind!r}")
    if kind in (schema.ID, schema.YESNO, schema.LEVEL, schema.CODE):
        return _with_legacy_hint(convert)
    if kind == schema.NUMBER and "(%)" in col.label:
        return _as_percent(convert)
    if kind in (schema.NUMBER, schema.INT, schema.MONTHS, schema.YEAR) and col.key not in _PERCENT_AS_STORED:
        return _not_percent(convert)
    return convert


# a conversion coefficient written as a percent (50 % for a half) is read as stored: the weights are relative, and a
# column formatted one way gives the products the same shares
_PERCENT_AS_STORED = frozenset({"he_so_quy_doi"})


def _not_percent(convert: Callable[[object], object]) -> Callable[[object], object]:
    """A column of points, counts, months or a year: a cell formatted as a percent shows «27,5%» for the 27,5 points
    typed into it and holds 0.275 (Excel divides by 100 what is typed into a percent cell). It was read as 0.275
    points, silently (a period's general score of 27.5 became 0.275, the level fell to KHT): refused, naming the
    number the clerk sees. 0 is 0 either way."""

    def plain(value: object) -> object:
        if isinstance(value, Percent) and float(value) != 0.0:
            seen = round(float(value) * 100, 9)
            # as a Vietnamese Excel shows it and as the clerk types it again: the decimal comma («27,5»)
            typed = show(int(seen) if seen.is_integer() else seen).replace(".", ",")
            raise Bad(f"gõ lại {typed} trong ô định dạng General (Chung) hoặc Number (Số), không phải Percentage (Phần trăm)",
                      f"Ô định dạng phần trăm: Excel hiện «{typed}%» nhưng lưu {show(float(value))}; cột này không tính "
                      "theo phần trăm.")
        return convert(value)

    return plain


def _as_percent(convert: Callable[[object], object]) -> Callable[[object], object]:
    """A column measured in percent (its label says «(%)», e.g. «Số lượng (%)»: 0–100): a cell Excel
    shows as «95%» holds 0.95 (`xlsx.Percent`) and is read as the 95 the clerk sees."""

    def percent(value: object) -> object:
        if isinstance(value, Percent):
            shown = round(float(value) * 100, 9)
            value = int(shown) if shown.is_integer() else shown
        elif isinstance(value, str) and value.rstrip().endswith("%"):  # «95%» typed into a Text cell
            value = value.rstrip()[:-1]
        return convert(value)

    return percent


def _with_legacy_hint(convert: Callable[[object], object]) -> Callable[[object], object]:
    """On failure, say so when the text is in a legacy encoding (e.g. «N÷» for «Nữ»)."""

    def checked(value: object) -> object:
        try:
            return convert(value)
        except Bad as bad:
            if isinstance(value, str) and not value.isascii():
                hint = _legacy_bad(clean_text(value))
                if hint:
                    raise Bad(bad.expected + "; " + hint.expected, hint.message) from None
            raise

    return checked


_CONVERTERS: dict[tuple[Any, ...], Callable[[object], object]] = {}


def parse(kind: str, value: object, choices: dict[str, str] | None = None, *, key: str = "") -> tuple[Any, str | None]:
    """`(value, None)` or `(None, what is expected)`; `value` is never blank here."""
    ident = (kind, key, tuple(choices.items()) if choices else None)
    convert = _CONVERTERS.get(ident)
    if convert is None:
        convert = _CONVERTERS[ident] = converter(schema.Column(key or "x", key or "x", kind, choices=choices))
    try:
        return convert(value), None
    except Bad as bad:
        return None, bad.expected


def show(value: object) -> str:
    """A raw value as a clerk would recognise it in a message."""
    if value is None:
        return "(trống)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Displayed):
        return value.shown
    if isinstance(value, dt.datetime):
        if value.hour or value.minute or value.second:
            return value.strftime("%d/%m/%Y %H:%M")
        value = value.date()
    if isinstance(value, dt.date):
        return _show_date(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    text = str(value).replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    if len(text) <= 60:
        return text
    return text[:57] + f"… ({len(text):,} ký tự)".replace(",", ".")
