"""Words printed for internal keys, and reasons cut to a printable sentence (unit, agency and
submission documents). Nothing printed may be an internal code (`co_quan/khong_giu_chuc_vu`).

`group_label` is the one place the comparable groups get their printed names in these documents;
it defers to pipeline/rating/groups.py::group_label (issue 16) for the keys that one names, and
turns the rest (groups the workbook writes as codes, e.g. "TH/chuyen_vien") into words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.forms.layout import break_lines
from pipeline.ingest.model import Campaign
from pipeline.rating.groups import display_name

# text width of the header's left column: portrait documents (6 cm column) and landscape tables (10 cm)
LEFT_PORTRAIT_CM, LEFT_LANDSCAPE_CM = 5.8, 9.8


def header_left(top: str, own: str) -> dict[str, Any]:
    """The left header column of a unit/agency document, broken between words that belong
    together: `tren` (normal) over `duoi` (bold) for portrait pages, `ngang_tren`/`ngang_duoi`
    for landscape ones; "" stays ""."""
    return {"tren": break_lines(top, LEFT_PORTRAIT_CM, bold=False) if top else "",
            "duoi": break_lines(own, LEFT_PORTRAIT_CM, bold=True),
            "ngang_tren": break_lines(top, LEFT_LANDSCAPE_CM, bold=False) if top else "",
            "ngang_duoi": break_lines(own, LEFT_LANDSCAPE_CM, bold=True)}

_DEFAULT_GROUPS = {
    "co_quan/lanh_dao_quan_ly": "Lãnh đạo, quản lý của cơ quan",
    "co_quan/khong_giu_chuc_vu": "Không giữ chức vụ lãnh đạo, quản lý của cơ quan",
}


def group_label(key: str, campaign: Campaign | None = None) -> str:
    """The printed name of comparable group `key`: the defaults in words; "<unit>/<part>" as
    "<part in words> – <unit name>"; any other key as the workbook wrote it, with snake_case
    parts turned into words (pipeline/rating/groups.py::display_name)."""
    if key in _DEFAULT_GROUPS:
        return _DEFAULT_GROUPS[key]
    return display_name(key, {u.ma_don_vi: u.ten_don_vi for u in campaign.units} if campaign is not None else {})


_LEVEL_CODE = re.compile(r"\b(HTXS|HTT|HT|KHT)\b")
_LEVEL_WORDS = {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ", "HT": "Hoàn thành nhiệm vụ",
                "KHT": "Không hoàn thành nhiệm vụ"}


def levels_in_words(text: str) -> str:
    """Level codes (HTXS, HTT, HT, KHT) written out in full words."""
    return _LEVEL_CODE.sub(lambda m: _LEVEL_WORDS[m.group(1)], text)


# a period as the workbook writes it (KetQuaKy «Kỳ»: 2026-03, 2026-Q3), with the «kỳ » a reason may put before it
_PERIOD_CODE = re.compile(r"(?:\bkỳ )?(?<![\w/-])(\d{4})-(Q[1-4]|0[1-9]|1[0-2])(?![\w/-])")


def periods_in_words(text: str, keep_code: bool = False) -> str:
    """Period codes of a reason («kỳ 2026-Q1», «2026-03») named as the papers' period tables name them
    (`context_2026.period_name`), in a sentence's lower case: «quý I/2026», «tháng 03/2026» (audit quy: a phiếu
    printed «Quý I/2026» in its table and «2026-Q1: 94,66» in the reason under it); `keep_code`: the code kept
    beside, «quý IV/2026 (2026-Q4)» (a check's message on the web: the cell holds the code)."""
    from pipeline.forms.context_2026 import period_name  # it imports what imports this module

    def name(m: re.Match[str]) -> str:
        code = f"{m.group(1)}-{m.group(2)}"
        named = period_name(code)
        return f"{named[:1].lower()}{named[1:]}" + (f" ({code})" if keep_code else "")
    return _PERIOD_CODE.sub(name, text)


def readable(text: str, campaign: Campaign | None, groups: Iterable[str] = ()) -> str:
    """`text` with every «group key» of `groups` replaced by its printed name and every level code
    in full words (its period codes are named in words where the paper is rendered:
    forms/render.py::period_words, gated per output folder)."""
    for key in sorted(set(groups), key=len, reverse=True):
        text = text.replace(f"«{key}»", f"«{group_label(key, campaign)}»")
    return levels_in_words(text)


def short_reason(text: str) -> str:
    """A reason (rating `ly_do`: "<what> (<details>) … — căn cứ: <basis>: <gloss>") cut to
    "<what> — căn cứ: <basis>" for a table cell or a line of the minutes."""
    what, sep, basis = text.partition(" — căn cứ: ")
    what = what.split(" (", 1)[0].rstrip(" .;:")
    if not sep:
        return what + "."
    basis = _outside_parentheses(basis, ": ").rstrip(" .;")
    return f"{what} — căn cứ: {basis}."


def _outside_parentheses(text: str, stop: str) -> str:
    """`text` up to the first `stop` that is not inside parentheses."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(stop, i):
            return text[:i]
    return text


_ACRONYMS = {"UBND", "HĐND", "MTTQ", "TP", "TP.", "VP", "BCH"}
_LOWER = {"tỉnh", "thành", "phố", "huyện", "quận", "thị", "xã", "phường", "trấn", "của", "và"}


def name_case(text: str) -> str:
    """An agency's name written in capitals (a header line such as "UBND TỈNH HÀ GIANG NAM") as it
    is written in a sentence ("UBND tỉnh Hà Giang Nam"); other text unchanged."""
    if not text.isupper():
        return text
    words = []
    for i, w in enumerate(text.split()):
        low = w.lower()
        words.append(w if w in _ACRONYMS else low if i and low in _LOWER else w.capitalize())
    return " ".join(words)
