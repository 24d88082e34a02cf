"""Recognise Vietnamese typed in the legacy 8-bit encodings TCVN3 (ABC, ".VnTime") and VNI.

Such text reaches Excel as the Windows-1252 reading of its bytes, e.g. TCVN3 `NguyÔn V¨n Hïng`
or VNI `Nguyeãn Vaên Huøng` for `Nguyễn Văn Hùng`. We decode the text with each table and count
the words that become valid Vietnamese syllables: the text is legacy only when a decoding makes
more valid syllables than the text as written. Genuine Unicode Vietnamese (which almost always
contains a letter such as ă, đ, ơ, ư or ạ…ỹ that no legacy text read as Windows-1252 can contain)
is recognised in one regular-expression search, so checking every cell stays cheap.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# TCVN3 (ABC) lowercase font: byte (shown as its Windows-1252 character) -> Vietnamese letter.
_TCVN3_FROM = (
    "µ¸¶·¹" "¨»¾¼½Æ" "©ÇÊÈÉË" "®" "ÌÐÎÏÑ" "ªÒÕÓÔÖ" "×ÝØÜÞ" "ßãáâä" "«åèæçé" "¬êíëìî"
    "ïóñòô" "\u00adõøö÷ù" "úýûüþ" "¡¢§£¤¥¦"
)
_TCVN3_TO = (
    "àáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "đ" "èéẻẽẹ" "êềếểễệ" "ìíỉĩị" "òóỏõọ" "ôồốổỗộ" "ơờớởỡợ"
    "ùúủũụ" "ưừứửữự" "ỳýỷỹỵ" "ĂÂĐÊÔƠƯ"
)
_TCVN3 = str.maketrans(_TCVN3_FROM, _TCVN3_TO)


def _vni_table() -> dict[str, str]:
    """VNI Windows: a base letter followed by one modifier byte (or a single byte for a few)."""
    tones = "ùøûõï"  # sắc, huyền, hỏi, ngã, nặng
    rows = {  # VNI base -> the Unicode letter without tone, then its five toned forms
        "a": "aáàảãạ", "aâ": "â", "aê": "ă", "e": "eéèẻẽẹ", "eâ": "ê",
        "o": "oóòỏõọ", "oâ": "ô", "ô": "ơớờởỡợ", "u": "uúùủũụ", "ö": "ưứừửữự",
        "y": "yýỳỷỹỵ",
    }
    table: dict[str, str] = {}
    for base, forms in rows.items():
        if len(base) == 2:
            table[base] = forms[0]  # the hat or breve; its toned forms come below
            continue
        for mark, letter in zip(tones, forms[1:], strict=True):
            table[base + mark] = letter
    # circumflex and breve carry their own tone bytes
    for base, marks, forms in (("a", "áàåãä", "ấầẩẫậ"), ("e", "áàåãä", "ếềểễệ"), ("o", "áàåãä", "ốồổỗộ"),
                               ("a", "éèúüë", "ắằẳẵặ")):
        for mark, letter in zip(marks, forms, strict=True):
            table[base + mark] = letter
    for single, letter in (("ô", "ơ"), ("ö", "ư"), ("æ", "ỉ"), ("ó", "ĩ"), ("ò", "ị"), ("î", "ỵ"), ("ñ", "đ")):
        table[single] = letter
    upper = {k.upper(): v.upper() for k, v in table.items()}
    return {**table, **upper}


_VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))

# Letters that only Unicode Vietnamese has (never produced by reading legacy bytes as cp1252).
UNICODE_VN = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# Characters and pairs typical of legacy text: Latin-1 symbols and letters Vietnamese never uses,
# or a vowel followed by a VNI modifier.
_HINT = re.compile(
    "[\u00a1-\u00bf\u00c4-\u00c7\u00cb\u00ce-\u00d1\u00d6-\u00d8\u00db\u00dc\u00de-\u00df"
    "\u00e4-\u00e7\u00eb\u00ee-\u00f1\u00f6-\u00f8\u00fb\u00fc\u00fe\u00ff]"
    "|[aeouyAEOUYôöÔÖ][àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]"
)

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x)?"
_RHYMES = """
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oen oeo oet oi
om on ong ooc oong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc uê uêch uênh ui um un ung uơ uôc uôi uôm uôn uông uôt up ut uy uya
uych uyên uyêt uyn uynh uyp uyt uyu ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêng yêt yêu
""".split()
_SYLLABLE = re.compile(f"{_ONSET}(?:{'|'.join(sorted(_RHYMES, key=len, reverse=True))})")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SPLIT = re.compile(r"[\s,;:()\[\]\"'/.!?\-–—+=*&%$#@0-9]+")


def is_syllable(word: str) -> bool:
    """True when `word` is one written Vietnamese syllable (any case, at most one tone mark)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _score(words: list[str]) -> int:
    return sum(1 for w in words if is_syllable(w))


def decode_tcvn3(text: str) -> str:
    return text.translate(_TCVN3)


def decode_vni(text: str) -> str:
    return _VNI_RE.sub(lambda m: _VNI[m.group()], text)


def detect(text: str) -> tuple[str, str] | None:
    """(encoding name, decoded text) when `text` looks typed in TCVN3 or VNI, else None."""
    if text.isascii() or UNICODE_VN.search(text) or not _HINT.search(text):
        return None
    return _detect_short(text) if len(text) <= 80 else _detect(text)


@lru_cache(maxsize=4096)
def _detect_short(text: str) -> tuple[str, str] | None:
    return _detect(text)  # short values (names of posts, units, party cells) repeat a lot


def _detect(text: str) -> tuple[str, str] | None:
    words = [w for w in _SPLIT.split(text) if w and not w.isascii()]
    if not words:
        return None
    best = None
    baseline = _score(words)
    for name, decode in (("TCVN3 (.VnTime)", decode_tcvn3), ("VNI", decode_vni)):
        decoded_words = [decode(w) for w in words]
        score = _score(decoded_words)
        if score > baseline and (best is None or score > best[0]):
            best = (score, name, decode)
    if best is None:
        return None
    return best[1], _caps(unicodedata.normalize("NFC", best[2](text)))


def _caps(text: str) -> str:
    """TCVN3 capitals (.VnTimeH) reuse the lowercase codes: «NGUYÔN» decodes to «NGUYễN»; a word
    whose other letters are all capitals is put in capitals."""
    def word(m: re.Match[str]) -> str:
        w: str = m.group()
        ascii_letters = [ch for ch in w if ch.isascii() and ch.isalpha()]
        return w.upper() if len(ascii_letters) >= 2 and all(ch.isupper() for ch in ascii_letters) else w

    return re.sub(r"\w+", word, text)
