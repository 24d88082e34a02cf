"""Turn raw cell values (as openpyxl gives them) into typed values, or a Vietnamese complaint.

Every parser returns `(value, None)` on success or `(None, "what is expected")` on failure, so
the reader can collect every problem of a workbook instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from pipeline.ingest import schema

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")

# Characters that never occur in Vietnamese written in Unicode but are typical of text typed in
# the legacy 8-bit encodings and then read as Windows-1252: TCVN3 (".VnTime") puts Vietnamese
# letters at ¡..¿ and some capitals; VNI puts tone marks on separate Latin-1 letters.
_TCVN3_MARKS = set("¡¢£¤¥¦§¨©ª«¬®¯±²³´µ¶·¸¹º»¼½¾¿") | {"\u00ad"}
_VNI_MARKS = set("äåæçëîïðñöøûüþÿÄÅÆÇËÎÏÐÑÖØÛÜÞ")
_VN_CAPITALS_MIDWORD = re.compile(r"[a-zđ][ÂÊÔĂƠƯĐÀÁÃÈÉÌÍÒÓÕÙÚÝ]")


def fold(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form used to match headers and codes."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", text).split())


def clean_text(value: object) -> str:
    """NFC, trimmed, Windows line ends unified, XML-invalid control characters removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\t", " "))
    return text.strip()


def legacy_encoding(text: str) -> str | None:
    """Name of the legacy Vietnamese encoding `text` seems to be typed in, or None."""
    if not text:
        return None
    if any(ch in _VNI_MARKS for ch in text):
        return "VNI"
    if any(ch in _TCVN3_MARKS for ch in text) or _VN_CAPITALS_MIDWORD.search(text):
        return "TCVN3 (.VnTime)"
    return None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse(kind: str, value: object, choices: dict[str, str] | None = None):
    """Dispatch on the column kind; `value` is never blank here."""
    return _PARSERS[kind](value, choices)


def _text(value, _choices):
    text = clean_text(value)
    enc = legacy_encoding(text)
    if enc:
        return None, f"chữ tiếng Việt theo Unicode (ô này có vẻ gõ bằng bảng mã cũ {enc}; chuyển mã sang Unicode, ví dụ bằng Unikey)"
    return text, None


def _id(value, _choices):
    text = clean_text(value)
    if _ID.match(text):
        return text, None
    return None, "mã chỉ gồm chữ không dấu, chữ số, dấu - hoặc _ (tối đa 64 ký tự), vì mã được dùng làm tên tệp"


def _number(value, _choices):
    if isinstance(value, bool):
        return None, "một số"
    if isinstance(value, (int, float)):
        return float(value), None
    text = clean_text(value).replace(" ", "")
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return float(text.replace(",", ".")), None
    return None, "một số"


def _int(value, _choices):
    num, err = _number(value, None)
    if err or num is None or not float(num).is_integer():
        return None, "một số nguyên"
    return int(num), None


def _months(value, _choices):
    num, err = _number(value, None)
    if err or num is None:
        return None, "số tháng từ 0 đến 12"
    if not 0 <= num <= 12:
        return None, "số tháng từ 0 đến 12"
    return num, None


def _year(value, _choices):
    num, err = _int(value, None)
    if err or not 1990 <= num <= 2100:
        return None, "một năm có 4 chữ số, ví dụ 2024"
    return num, None


def _date(value, _choices):
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 10000 <= value <= 80000:
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))), None
    m = _DATE_TEXT.match(clean_text(value))
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day), None
        except ValueError:
            return None, "một ngày có thật theo dạng dd/mm/yyyy, ví dụ 05/11/2024"
    return None, "ngày theo dạng dd/mm/yyyy (ví dụ 05/11/2024) hoặc ô kiểu Ngày của Excel"


_YES = {"co", "x", "1", "true", "yes", "y", "c", "dung", "phai"}
_NO = {"khong", "0", "false", "no", "n", "k", "sai", ""}


def _yesno(value, _choices):
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value), None
    f = fold(clean_text(value))
    if f in _YES:
        return True, None
    if f in _NO:
        return False, None
    return None, "Có hoặc Không (cũng nhận x / để trống, 1 / 0, TRUE / FALSE)"


_LEVEL_ALIASES = {
    "htxs": "HTXS", "htxsnv": "HTXS", "hoan thanh xuat sac": "HTXS",
    "htt": "HTT", "httnv": "HTT", "hoan thanh tot": "HTT",
    "ht": "HT", "htnv": "HT", "hoan thanh": "HT",
    "kht": "KHT", "khtnv": "KHT", "khong hoan thanh": "KHT",
}


def _level(value, _choices):
    f = fold(clean_text(value))
    for code, words in schema.LEVELS.items():
        if f in (fold(code), fold(words)):
            return code, None
    code = _LEVEL_ALIASES.get(f.removesuffix(" nhiem vu").strip())
    if code:
        return code, None
    return None, "một mức xếp loại: HTXS, HTT, HT, KHT hoặc ghi đủ chữ (ví dụ Hoàn thành tốt nhiệm vụ)"


def _code(value, choices):
    assert choices is not None
    f = fold(clean_text(value))
    for code, label in choices.items():
        if f in (fold(code), fold(label)):
            return code, None
    allowed = "; ".join(f"{code} ({label})" if fold(code) != fold(label) else code for code, label in choices.items())
    return None, f"một trong: {allowed}"


_PARSERS = {
    schema.TEXT: _text,
    schema.ID: _id,
    schema.NUMBER: _number,
    schema.INT: _int,
    schema.MONTHS: _months,
    schema.YEAR: _year,
    schema.DATE: _date,
    schema.YESNO: _yesno,
    schema.LEVEL: _level,
    schema.CODE: _code,
}


def show(value: object) -> str:
    """A raw value as a clerk would recognise it in a message."""
    if value is None:
        return "(trống)"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"
