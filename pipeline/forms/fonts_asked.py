"""The fonts a template's text is set in, and whether the converting machine has them.

A clerk who edits a form in Word may set a paragraph (or the whole form) in a font this machine lacks
(«Calibri», «Comic Sans MS», «VNI-Times», «.VnTime»). LibreOffice then prints it in whatever fontconfig
substitutes — often DejaVu Sans —, which passes the PDF font check (the .docx asked for that face) but looks
unlike Word. `notes` says so before anything is printed:

- a warning for a font the text is set in that is neither installed nor replaced by a metric-compatible font
  (`EQUIVALENT`: fontconfig's metric aliases and LibreOffice's own replacement table, VCL.xcu — Times New Roman →
  Liberation Serif, Arial → Liberation Sans, Courier New → Liberation Mono, Calibri → Carlito, Cambria → Caladea);
  symbol fonts (Symbol, Wingdings…) are recoded by LibreOffice into OpenSymbol and are not warned about;
- an error for a legacy Vietnamese font («.Vn…» TCVN3, «VNI-…» VNI) that text uses: text typed for it is in
  TCVN3/VNI bytes, which print as wrong letters in the Unicode face the PDF is set in («Hµ Néi» for «Hà Nội»); and
  in Word, with the font installed, the Unicode data filled in ({{ nguoi.ho_ten }}) shows as wrong letters.

Which font a run of text is set in: per slot (ascii, hAnsi for Latin — Vietnamese — text; eastAsia for CJK
letters; cs for complex-script letters), the first of the run's w:rFonts, its character style's chain, its
paragraph style's chain (the default paragraph style when none), the document defaults; a theme reference
(asciiTheme="minorHAnsi") is the theme's major/minor font. Runs in the document, headers, footers, footnotes,
endnotes; numbering levels used by a paragraph (their number text's font); w:sym characters. Only runs with
visible text count: a font named in a style no text uses, or on an empty run, is not asked for.
Table styles' fonts are not followed (approximation). Where fontconfig cannot say (no fc-match: Windows,
macOS) no warning is given.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")

# requested family (lower case, no spaces) -> the families that print it with the same metrics
EQUIVALENT = {
    "timesnewroman": {"liberationserif", "timesnewroman"},
    "times": {"liberationserif", "timesnewroman"},
    "arial": {"liberationsans", "arial"},
    "helvetica": {"liberationsans", "arial"},
    "couriernew": {"liberationmono", "couriernew"},
    "courier": {"liberationmono", "couriernew"},
    "calibri": {"carlito"},
    "cambria": {"caladea"},
    "arialnarrow": {"liberationsansnarrow"},
    "georgia": {"gelasio"},
}
# symbol fonts LibreOffice recodes into OpenSymbol (unotools/fontcvt): bullets and check boxes print as in Word
SYMBOL_FONTS = {"symbol", "wingdings", "wingdings2", "wingdings3", "webdings", "mtextra", "monotypesorts",
                "opensymbol", "starsymbol"}
_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")
SAMPLE = 40  # characters of the text quoted in a message


def is_legacy(font: str) -> bool:
    """A TCVN3 («.VnTime», «.VnTimeH») or VNI («VNI-Times») font: text in it is not Unicode."""
    low = font.strip().lower()
    return low.startswith(".vn") or low.startswith("vni-") or low.startswith("vni ")


def _key(font: str) -> str:
    return font.replace(" ", "").lower()


@dataclass(frozen=True)
class Asked:
    font: str
    sample: str  # the first text set in it


def _slot(ch: str) -> str:
    o = ord(ch)
    if 0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF \
            or 0x3040 <= o <= 0x30FF or o >= 0x20000:
        return "eastAsia"
    if 0x0590 <= o <= 0x08FF or 0x0900 <= o <= 0x0DFF or 0x0E00 <= o <= 0x0FFF or 0x1780 <= o <= 0x17FF:
        return "cs"
    return "latin"


class _Doc:
    """One .docx's styles, theme and numbering, for resolving the font of a run."""

    def __init__(self, zf: zipfile.ZipFile, names: list[str]) -> None:
        from lxml import etree

        def part(name: str) -> Any:
            return etree.fromstring(zf.read(name)) if name in names else None

        self.styles: dict[str, Any] = {}
        self.default_para: str | None = None
        self.defaults: Any = None
        root = part("word/styles.xml")
        if root is not None:
            self.defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
            for st in root.iter(f"{W}style"):
                sid = st.get(f"{W}styleId")
                if sid:
                    self.styles[sid] = st
                    if st.get(f"{W}type") == "paragraph" and st.get(f"{W}default") in ("1", "true", "on"):
                        self.default_para = sid
        self.theme: dict[str, str] = {}
        for name in names:
            if name.startswith("word/theme/") and name.endswith(".xml"):
                theme = part(name)
                for which in ("major", "minor"):
                    block = theme.find(f".//{A}{which}Font")
                    if block is None:
                        continue
                    for tag, slot in (("latin", "HAnsi"), ("latin", "Ascii"), ("ea", "EastAsia"), ("cs", "Bidi")):
                        el = block.find(f"{A}{tag}")
                        if el is not None and el.get("typeface"):
                            self.theme[which + slot] = el.get("typeface")
                break
        self.levels: dict[tuple[str, str], Any] = {}  # (numId, ilvl) -> its w:lvl
        numbering = part("word/numbering.xml")
        if numbering is not None:
            abstract = {a.get(f"{W}abstractNumId"): a for a in numbering.iter(f"{W}abstractNum")}
            for num in numbering.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                block = abstract.get(ref.get(f"{W}val")) if ref is not None else None
                if block is None:
                    continue
                for lvl in block.iter(f"{W}lvl"):
                    self.levels[(num.get(f"{W}numId") or "", lvl.get(f"{W}ilvl") or "0")] = lvl

    def _from(self, rfonts: Any, slot: str) -> str | None:
        if rfonts is None:
            return None
        theme = rfonts.get(f"{W}{slot}Theme")
        if theme and self.theme.get(theme):
            return self.theme[theme]
        return rfonts.get(f"{W}{slot}") or None

    def _chain(self, sid: str | None) -> Iterator[Any]:
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            st = self.styles[sid]
            yield st
            based = st.find(f"{W}basedOn")
            sid = based.get(f"{W}val") if based is not None else None

    def font(self, rpr: Any, r_style: str | None, p_style: str | None, slot: str) -> str | None:
        rfonts = rpr.find(f"{W}rFonts") if rpr is not None else None
        if (found := self._from(rfonts, slot)) is not None:
            return found
        for sid in (r_style, p_style or self.default_para):
            for st in self._chain(sid):
                if (found := self._from(st.find(f"{W}rPr/{W}rFonts"), slot)) is not None:
                    return found
        return self._from(self.defaults, slot)

    def numbering(self, ppr: Any, p_style: str | None) -> Any:
        """The w:lvl a paragraph's number is drawn from, or None."""
        num = ppr.find(f"{W}numPr") if ppr is not None else None
        if num is None:
            for st in self._chain(p_style or self.default_para):
                if (num := st.find(f"{W}pPr/{W}numPr")) is not None:
                    break
        if num is None:
            return None
        nid, ilvl = num.find(f"{W}numId"), num.find(f"{W}ilvl")
        if nid is None or nid.get(f"{W}val") in (None, "0"):
            return None
        return self.levels.get((nid.get(f"{W}val") or "", ilvl.get(f"{W}val") or "0" if ilvl is not None else "0"))


def asked(docx: Path) -> list[Asked]:
    """The fonts the visible text of a .docx is set in (each with the first text set in it), in the order first met;
    [] for a file that is no readable Word file (others say so)."""
    from lxml import etree

    out: dict[str, str] = {}

    def add(font: str | None, text: str) -> None:
        shown = " ".join(_TAG.sub(" ", text).split())[:SAMPLE]  # the words, not a {% … %} tag
        if font and font.strip() and (font not in out or not out[font]):
            out[font] = shown

    try:
        with zipfile.ZipFile(docx) as zf:
            names = zf.namelist()
            doc = _Doc(zf, names)
            parts = [etree.fromstring(zf.read(n)) for n in names if _PARTS.fullmatch(n)]
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return []
    for root in parts:
        for p in root.iter(f"{W}p"):
            ppr = p.find(f"{W}pPr")
            ps = ppr.find(f"{W}pStyle") if ppr is not None else None
            p_style = ps.get(f"{W}val") if ps is not None else None
            text_of_p = ""
            for r in p.iter(f"{W}r"):
                if next(r.iterancestors(f"{W}p")) is not p:  # a text box's paragraph: its own turn
                    continue
                text = "".join(t.text or "" for t in r.iter(f"{W}t"))
                rpr = r.find(f"{W}rPr")
                rs = rpr.find(f"{W}rStyle") if rpr is not None else None
                r_style = rs.get(f"{W}val") if rs is not None else None
                for sym in r.iter(f"{W}sym"):
                    add(sym.get(f"{W}font"), "")
                if not text.strip():
                    continue
                text_of_p += text
                slots = {_slot(ch) for ch in text if not ch.isspace()}
                wanted = (["ascii", "hAnsi"] if "latin" in slots else []) + sorted(slots - {"latin"})
                for slot in wanted:
                    add(doc.font(rpr, r_style, p_style, slot), text)
            lvl = doc.numbering(ppr, p_style) if text_of_p.strip() else None
            lvl_text = lvl.find(f"{W}lvlText") if lvl is not None else None
            shown = (lvl_text.get(f"{W}val") or "") if lvl_text is not None else ""
            if lvl is not None and shown.strip():  # the number or bullet printed before the paragraph
                rfonts = lvl.find(f"{W}rPr/{W}rFonts")
                for slot in ("ascii", "hAnsi"):
                    add(doc._from(rfonts, slot), shown)
    return [Asked(font, sample) for font, sample in out.items()]


@cache
def printed_in(font: str) -> str | None:
    """The family LibreOffice prints `font` in on this machine (fontconfig's match, as LibreOffice sees it), or
    None when fontconfig cannot say."""
    from pipeline.pdf.fonts import _match

    try:
        found = _match(font)
    except Exception:  # noqa: BLE001 - no fontconfig answer: cannot tell
        return None
    return found[0] if found else None


def substitute(font: str) -> str | None:
    """The family `font` will be printed in when that differs from Word's (not installed, no metric-compatible
    replacement); None when it prints as asked (or cannot be told)."""
    key = _key(font)
    if key in SYMBOL_FONTS:
        return None
    family = printed_in(font)
    if family is None or _key(family) == key or _key(family) in EQUIVALENT.get(key, set()):
        return None
    return family


def notes(docx: Path, form: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) in Vietnamese for the fonts of the .docx of `form` (its name as shown: «Mẫu «mau_01»
    (Phiếu …)»): a legacy Vietnamese font text is set in, a font printed in another face."""
    errors: list[str] = []
    warnings: list[str] = []
    for a in asked(docx):
        where = f" (ví dụ đoạn «{a.sample}»)" if a.sample else ""
        if is_legacy(a.font):
            errors.append(f"{form}: tệp Word đặt chữ bằng phông «{a.font}»{where} — phông chữ cũ (TCVN3/VNI), hãy "
                          f"chuyển sang Unicode (Times New Roman) bằng Unikey (Công cụ chuyển mã: bảng mã nguồn TCVN3 "
                          f"hoặc VNI, bảng mã đích Unicode) rồi chọn lại phông Times New Roman cho đoạn đó. Để nguyên, "
                          f"chữ gõ theo bảng mã cũ sẽ in ra sai ký tự (máy tạo hồ sơ dùng Unicode).")
        elif (family := substitute(a.font)) is not None:
            warnings.append(f"{form}: tệp Word đặt chữ bằng phông «{a.font}»{where}, máy tạo hồ sơ không có phông này "
                            f"nên giấy tờ sẽ in bằng phông «{family}» (khác với khi xem trong Word). Nên dùng phông "
                            f"Times New Roman như mẫu của chương trình, hoặc cài phông «{a.font}» trên máy tạo hồ sơ.")
    return errors, warnings


def form_name(code: str, title: str) -> str:
    """How a font note names a form: «Mẫu «mau_01» (Phiếu đánh giá…)»."""
    return f"Mẫu «{code}» ({title})" if title else f"Mẫu «{code}»"

