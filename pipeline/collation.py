"""Vietnamese collation of personal names.

Letters first — a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư — then tones: ngang < huyền < hỏi <
ngã < sắc < nặng. Names sort by the given name (last word), then by family and middle names.
"""

from __future__ import annotations

import functools
import unicodedata

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
_MODIFIERS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_COMPOSE = {
    ("a", "breve"): "ă", ("a", "circumflex"): "â", ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô", ("o", "horn"): "ơ", ("u", "horn"): "ư",
}


@functools.lru_cache(maxsize=8192)  # names share their words (Nguyễn, Văn, Thị …): each keyed once
def _letters_and_tones(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    for ch in word.casefold():
        if ch == "đ":
            letters.append(_RANK["đ"])
            tones.append(0)
            continue
        base, *marks = list(unicodedata.normalize("NFD", ch))
        tone = 0
        for m in marks:
            if m in _MODIFIERS:
                base = _COMPOSE.get((base, _MODIFIERS[m]), base)
            elif m in _TONES:
                tone = _TONES[m]
        letters.append(_RANK.get(base, 100 + ord(base)))
        tones.append(tone)
    return tuple(letters), tuple(tones)


def name_key(full_name: str) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """Sort key: given name first, then family and middle names, letters before tones."""
    words = full_name.split()
    ordered = [words[-1], *words[:-1]]
    return tuple(_letters_and_tones(w) for w in ordered)
