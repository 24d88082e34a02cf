"""Is a PDF from LibreOffice set in the fonts the forms ask for? And is there room to convert at all?

With a nearly full temporary folder LibreOffice cannot write its font subsets; it then silently
sets the whole document in DejaVu Sans (other line breaks, other page counts: a dossier of 9 pages
instead of 11) and still exits 0. A document's text may also fall back to DejaVu Sans while its
headers stay in the forms' face (seen in a user's cache: a phiếu of 2 pages instead of 3). Every
converted PDF is therefore checked before it is used or cached, and every PDF taken from the cache
is checked again (the answer kept beside the cached bytes, `convert.FONTS`, recorded with the
check's version `CHECK_VERSION`: an answer of an older check is not taken, the PDF is read again):
- the body face the forms ask for (Times New Roman, or the font fontconfig gives in its place —
  Liberation Serif 2 —, `fonts.check_fonts`) is among the PDF's fonts;
- every font that has a descriptor is embedded (a font program is in the file);
- no other face carries a letter (`_other_letters`): a healthy PDF's other faces carry only the
  symbols the templates set in DejaVu Sans (☐ ☒ ☑ ✓ ✔ and a space: measured on every form of both
  sample workbooks, 2024 and 2026), so a letter (Unicode category L*) in another face's /ToUnicode
  map is text that fell back to it — unless the filled document itself asks for that face for
  those letters (`asked_letters`, given `docx`: the document defaults and the styles it uses, any
  letter; runs naming a face, their letters; an agency's own form may set a heading in Arial),
  or the body face lacks them (`_body_chars`: a name in Chinese characters falls back rightly).
  Read from the raw bytes (the ToUnicode streams Flate-decoded, the object found by the
  cross-reference table), pypdf only when the objects are in compressed object streams;
- its page count is one a healthy render of its form has (`page_problem`: the form's meta.toml
  `trang`, growing with the document's length; forms without it are not checked).
A conversion also refuses to start when the temporary folder has less free space than it needs
(`ensure_room`), naming the folder: an OutputError (exit 7).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import OutputError

if TYPE_CHECKING:
    from pipeline.forms.registry import FormSpec

MIN_FREE = 32 * 1024 * 1024  # bytes free in the temporary folder before any conversion starts
PER_DOCUMENT = 64 * 1024  # and this much more per document to convert (measured: ~30 KB a form, profile included)

_BASEFONT = re.compile(rb"/BaseFont\s*/([^\s/<>\[\]()]+)")
_DESCRIPTOR = re.compile(rb"/Type\s*/FontDescriptor\b")
_FONTFILE = re.compile(rb"/FontFile[23]?\b")
_TOUNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+(\d+)\s+R")
_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_SUBSECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*\r?\n?")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_RANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f\s]*>|\[[^\]]*\])")
CHECK_VERSION = "2"  # bump when font_problem refuses more: answers recorded by an older check are not taken
MAX_RANGE = 0x10000  # code points read from one /ToUnicode bfrange at most (a damaged map is not expanded whole)
SHOWN = 6  # letters named in the reason


def _norm(name: str) -> str:
    """`BAAAAA+LiberationSerif-Bold` -> `liberationserif` (subset prefix and style cut, no spaces)."""
    if len(name) > 7 and name[6] == "+":
        name = name[7:]
    return name.split("-")[0].split(",")[0].replace(" ", "").lower()


@cache
def body_face() -> str | None:
    """The face the forms' text must be set in (normalised), or None when fontconfig cannot say."""
    from pipeline.pdf.fonts import check_fonts

    for report in check_fonts():
        if report.requested == "Times New Roman":
            return _norm(report.face or report.family)
    return None


def _fonts_pypdf(data: bytes) -> tuple[set[str], int, int]:
    from pypdf import PdfReader

    names: set[str] = set()
    descriptors = embedded = 0
    reader = PdfReader(io.BytesIO(data))
    seen: set[int] = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            for f in [font, *[d.get_object() for d in font.get("/DescendantFonts") or []]]:
                if id(f) in seen:
                    continue
                seen.add(id(f))
                if "/BaseFont" in f:
                    names.add(str(f["/BaseFont"]).lstrip("/"))
                desc = f.get("/FontDescriptor")
                if desc is not None:
                    desc = desc.get_object()
                    descriptors += 1
                    embedded += any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return names, descriptors, embedded


def font_problem(data: bytes, face: str | None = None, docx: Iterable[Path] = ()) -> str | None:
    """Why this PDF is not set in the forms' fonts (Vietnamese), or None when it is. `docx`: the
    filled documents it was converted from; letters in another face pass where they ask for that
    face themselves (`asked_letters`: an agency's own form with a heading in Arial), read only then."""
    face = face if face is not None else body_face()
    names = {m.decode("latin-1") for m in _BASEFONT.findall(data)}
    descriptors, embedded = len(_DESCRIPTOR.findall(data)), len(_FONTFILE.findall(data))
    if not names:  # objects in compressed streams: ask pypdf
        try:
            names, descriptors, embedded = _fonts_pypdf(data)
        except Exception:  # noqa: BLE001 - not a readable PDF: the page check says so
            return "tệp PDF không đọc được"
    if embedded < descriptors:
        return f"{descriptors - embedded} phông chữ không được nhúng vào tệp PDF"
    faces = {_norm(n) for n in names}
    if face and face not in faces and not (docx and faces and _all_asked(faces, asked_letters(docx))):
        # a form set wholly in a face it asks for (an agency's form in Calibri or Arial) lists no body face since
        # each page's resources hold only what it draws (pdf/prune.py): its letters are checked below
        used = ", ".join(sorted(faces)) or "không có"
        return f"văn bản không được đặt bằng phông «{face}» mà bằng: {used}"
    if face:
        fallen = _other_letters(data, face)
        if fallen and face == body_face():  # a letter the body face lacks (a CJK name) falls back rightly
            has = _body_chars()
            fallen = {k: kept for k, v in fallen.items() if (kept := v & has if has else v)}
        if fallen and docx:
            fallen = _not_asked(fallen, asked_letters(docx))
        if fallen:
            other, letters = max(fallen.items(), key=lambda kv: len(kv[1]))
            body = next((_display(n) for n in sorted(names) if _norm(n) == face), face)
            shown = ", ".join(sorted(letters, key=lambda c: (c.isupper(), c))[:SHOWN])
            return (f"chữ của văn bản bị đặt bằng phông «{other}» ({len(letters)} chữ, ví dụ: {shown}, …) "
                    f"thay cho phông «{body}»")
    return None


@cache
def _body_chars() -> frozenset[str]:
    """The characters the body face's font file has (empty when it cannot be read: then every letter
    counts). Read once, only when another face carries a letter."""
    from pipeline.pdf.fonts import check_fonts

    try:
        from reportlab.pdfbase.ttfonts import TTFontFile

        for report in check_fonts():
            if report.requested == "Times New Roman":
                return frozenset(chr(c) for c in TTFontFile(report.file).charToGlyph)
    except Exception:  # noqa: BLE001 - not a TrueType file reportlab reads: every letter counts
        pass
    return frozenset()


def _all_asked(faces: set[str], asked: dict[str, set[str] | None]) -> bool:
    """Every face (normalised) is one the documents name (`asked_letters`; `arialmt` for `arial`)."""
    return all(any(face == name or face.startswith(name) for name in asked) for face in faces)


def _not_asked(fallen: dict[str, set[str]], asked: dict[str, set[str] | None]) -> dict[str, set[str]]:
    """`fallen` without the letters the documents themselves set in each face (None: any letter)."""
    out = {}
    for shown, letters in fallen.items():
        norm = _norm(shown)
        allowed: set[str] = set()
        for name, chars in asked.items():
            if norm == name or norm.startswith(name):  # `arialmt` where fontconfig is not asked (Windows)
                if chars is None:
                    allowed = letters
                    break
                allowed |= chars
        if letters - allowed:
            out[shown] = letters - allowed
    return out


_PARTS = re.compile(r"word/(?:document|header\d*|footer\d*|footnotes|endnotes)\.xml")
_RUN = re.compile(rb"<w:r\b[^>]*>(.*?)</w:r>", re.S)
_RFONTS = re.compile(rb"<w:rFonts\b([^>]*)>")
_FONT_NAME = re.compile(rb'w:(?:ascii|hAnsi|cs|eastAsia)="([^"]+)"')
_THEME_REF = re.compile(rb'w:(?:ascii|hAnsi)Theme="(major|minor)')
_RUN_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_STYLE = re.compile(rb"<w:style\b([^>]*)>(.*?)</w:style>", re.S)
_STYLE_ID = re.compile(rb'w:styleId="([^"]+)"')
_BASED_ON = re.compile(rb'<w:basedOn\s+w:val="([^"]+)"')
_USED_STYLE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle)\s+w:val="([^"]+)"')
_DEFAULTS = re.compile(rb"<w:docDefaults>(.*?)</w:docDefaults>", re.S)
_THEME_FONT = {b"major": re.compile(rb"<a:majorFont>\s*<a:latin\s+typeface=\"([^\"]*)\""),
               b"minor": re.compile(rb"<a:minorFont>\s*<a:latin\s+typeface=\"([^\"]*)\"")}


def _fonts_named(xml: bytes, theme: bytes) -> set[bytes]:
    """The font names of the w:rFonts in `xml`, a theme's reference («majorHAnsi») as the theme's font."""
    names: set[bytes] = set()
    for attrs in _RFONTS.findall(xml):
        names.update(_FONT_NAME.findall(attrs))
        for which in _THEME_REF.findall(attrs):
            found = _THEME_FONT[which].search(theme)
            if found and found.group(1):
                names.add(found.group(1))
    return names


def _style_fonts(styles: bytes, theme: bytes, parts: list[bytes]) -> set[bytes]:
    """The fonts the text of `parts` inherits: the document defaults' and those of the styles the
    parts use (and the default styles), with the styles they are based on."""
    table: dict[bytes, tuple[bytes, bytes | None]] = {}
    used: set[bytes] = set()
    for attrs, block in _STYLE.findall(styles):
        sid = _STYLE_ID.search(attrs)
        if sid:
            based = _BASED_ON.search(block)
            table[sid.group(1)] = (block, based.group(1) if based else None)
            if b'w:default="1"' in attrs:
                used.add(sid.group(1))
    for xml in parts:
        used.update(_USED_STYLE.findall(xml))
    defaults = _DEFAULTS.search(styles)
    names = _fonts_named(defaults.group(1), theme) if defaults else set()
    seen: set[bytes] = set()
    for style in used:
        current: bytes | None = style
        while current is not None and current in table and current not in seen:
            seen.add(current)
            block, current = table[current]
            names |= _fonts_named(block, theme)
    return names


def asked_letters(docx: Iterable[Path]) -> dict[str, set[str] | None]:
    """Face (normalised, as fontconfig gives it for the name) -> the letters the documents set in it:
    the letters of the runs that name it (w:rFonts), or None (any letter) for a face the text
    inherits (the document defaults, a style its paragraphs or runs use; a theme font they name).
    The templates' ☐ ☒ runs name DejaVu Sans: no letter may be set in it."""
    out: dict[str, set[str] | None] = {}
    for path in docx:
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                parts = [zf.read(n) for n in names if _PARTS.fullmatch(n)]
                styles = zf.read("word/styles.xml") if "word/styles.xml" in names else b""
                theme = b"".join(zf.read(n) for n in names if n.startswith("word/theme/"))
        except (OSError, KeyError, zipfile.BadZipFile):
            continue
        for font in _style_fonts(styles, theme, parts):
            out[_substitute(font.decode("utf-8", "replace"))] = None
        for xml in parts:
            for run in _RUN.findall(xml):
                attrs = _RFONTS.search(run)
                if not attrs:
                    continue
                text = b"".join(_RUN_TEXT.findall(run)).decode("utf-8", "replace")
                for font in _fonts_named(attrs.group(0), theme):
                    known = out.setdefault(_substitute(font.decode("utf-8", "replace")), set())
                    if known is not None:
                        known |= _letters(text)
    return out


@cache
def _substitute(family: str) -> str:
    """The face (normalised) LibreOffice sets a family named in a document in: fontconfig's match."""
    from pipeline.pdf.fonts import _match

    try:
        found = _match(family)
    except Exception:  # noqa: BLE001 - no fontconfig answer: the name itself
        found = None
    return _norm((found[0] if found else family).replace(" ", ""))


def _display(name: str) -> str:
    """`EAAAAA+DejaVuSans-Bold` -> `DejaVu Sans` (subset prefix and style cut, words spaced)."""
    if len(name) > 7 and name[6] == "+":
        name = name[7:]
    base = name.split("-")[0].split(",")[0]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", base).replace("Deja Vu", "DejaVu")


def _letters(text: str) -> set[str]:
    return {ch for ch in text if unicodedata.category(ch).startswith("L")}


def _other_letters(data: bytes, face: str) -> dict[str, set[str]]:
    """Face (as shown) -> the letters its /ToUnicode maps, for every font of the PDF that is not of
    the body `face`; empty when none carries a letter. Raw bytes first; pypdf where they cannot say."""
    refs: dict[tuple[int, int], str] = {}
    for m in _BASEFONT.finditer(data):
        name = m.group(1).decode("latin-1")
        if _norm(name) == face:
            continue
        start = max(data.rfind(b"obj", 0, m.start()), 0)
        end = data.find(b"endobj", m.end())
        ref = _TOUNICODE.search(data, start, end if end > 0 else len(data))
        if ref:
            refs.setdefault((int(ref.group(1)), int(ref.group(2))), _display(name))
    if not refs:
        return {}
    offsets = {key: at for key in refs if (at := _object_at(data, *key)) is not None}
    if len(offsets) < len(refs):  # an object in a compressed object stream
        try:
            return _other_letters_pypdf(data, face)
        except Exception:  # noqa: BLE001 - unreadable: the other checks say so
            return {}
    found: dict[str, set[str]] = {}
    for key, shown in refs.items():
        cmap = _stream(data, offsets[key])
        letters = _letters(_cmap_text(cmap)) if cmap is not None else set()
        if letters:
            found.setdefault(shown, set()).update(letters)
    return found


def _object_at(data: bytes, num: int, gen: int) -> int | None:
    """Where object `num gen`'s body starts: from the classic cross-reference table (one look, as
    LibreOffice and pypdf write it), else by a search of the bytes; None when it is not in them."""
    head = b"%d %d obj" % (num, gen)
    at = data.rfind(b"startxref")
    m = _STARTXREF.match(data, at) if at >= 0 else None
    table = int(m.group(1)) if m else -1
    if 0 <= table < len(data) and data.startswith(b"xref", table):
        pos = table + 4
        while sub := _SUBSECTION.match(data, pos):
            first, count = int(sub.group(1)), int(sub.group(2))
            pos = sub.end()
            if first <= num < first + count:
                entry = data[pos + 20 * (num - first):pos + 20 * (num - first) + 18]
                if entry.endswith(b"n"):
                    offset = int(entry[:10])
                    if data.startswith(head, offset):
                        return offset + len(head)
                break
            pos += 20 * count
    found = re.search(rb"(?<![0-9])%d\s+%d\s+obj\b" % (num, gen), data)
    return found.end() if found else None


def _stream(data: bytes, at: int) -> bytes | None:
    """The decoded stream of the object whose dictionary starts at `at` (FlateDecode or none)."""
    begin = data.find(b"stream", at)
    end_obj = data.find(b"endobj", at)
    if begin < 0 or 0 <= end_obj < begin:
        return None
    head = data[at:begin]
    body = begin + len(b"stream")
    if data[body:body + 2] == b"\r\n":
        body += 2
    elif data[body:body + 1] in (b"\n", b"\r"):
        body += 1
    stop = data.find(b"endstream", body)
    if stop < 0:
        return None
    raw = data[body:stop]
    if b"/FlateDecode" in head:
        try:
            return zlib.decompressobj().decompress(raw)
        except zlib.error:
            return None
    return None if b"/Filter" in head else raw


def _utf16(hexdigits: bytes) -> str:
    digits = re.sub(rb"\s", b"", hexdigits)
    try:
        return bytes.fromhex(digits.decode("ascii")).decode("utf-16-be", "replace")
    except ValueError:
        return ""


def _cmap_text(cmap: bytes) -> str:
    """Every character a /ToUnicode CMap maps to (bfchar and bfrange)."""
    out: list[str] = []
    for block in _BFCHAR.findall(cmap):
        pairs = _HEX.findall(block)
        out += (_utf16(dst) for dst in pairs[1::2])
    for block in _BFRANGE.findall(cmap):
        for lo, hi, dst in _RANGE.findall(block):
            count = max(0, min(int(hi, 16) - int(lo, 16) + 1, MAX_RANGE))
            if dst.startswith(b"["):
                out += (_utf16(d) for d in _HEX.findall(dst))
                continue
            first = _utf16(dst[1:-1])
            if first:
                base = ord(first[-1])
                out.append(first[:-1] + "".join(chr(c) for c in range(base, min(base + count, 0x110000))
                                                if not 0xD800 <= c <= 0xDFFF))
    return "".join(out)


def _other_letters_pypdf(data: bytes, face: str) -> dict[str, set[str]]:
    from pypdf import PdfReader

    found: dict[str, set[str]] = {}
    seen: set[int] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            if not name or _norm(name) == face or "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object()
            if id(cmap) in seen:
                continue
            seen.add(id(cmap))
            letters = _letters(_cmap_text(cmap.get_data()))
            if letters:
                found.setdefault(_display(name), set()).update(letters)
    return found


_META = re.compile(rb"/(Hoso[A-Za-z]+)\s*\(((?:[^()\\]|\\.)*)\)")


def identity(data: bytes) -> dict[str, str]:
    """The `/Hoso…` entries of a PDF's document information (which person, document and content
    key hoso made it for: pool.identity, bundle metadata); empty when it has none."""
    found = {}
    for name, value in _META.findall(data[-65536:]) or _META.findall(data):
        found["/" + name.decode("latin-1")] = _literal(value)
    return found


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(raw: bytes) -> str:
    """A PDF literal string's bytes (`\\ddd` octal and the other escapes undone), as text."""
    out = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8) & 0xFF]) if m.group(1)[:1].isdigit()
                 else _ESCAPES.get(m.group(1), m.group(1)), raw)
    if out.startswith(b"\xfe\xff"):
        return out[2:].decode("utf-16-be", "replace")
    return out.decode("latin-1")


def free_bytes(folder: str) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def full_message(folder: str, free: int | None, need: int) -> str:
    have = "không rõ" if free is None else f"{free / 1048576:.1f} MB"
    return (f"Thư mục tạm «{folder}» gần đầy (còn trống {have}, cần ít nhất {need / 1048576:.0f} MB): LibreOffice "
            "sẽ không ghi được phông chữ và lặng lẽ in văn bản bằng phông khác, sai số trang. Giải phóng dung lượng "
            "ở đó, hoặc chọn thư mục tạm khác (ví dụ: TMPDIR=/duong/dan/rong hoso build …), rồi chạy lại.")


def ensure_room(documents: int) -> None:
    """Refuse to convert when the temporary folder cannot hold a conversion (exit 7, folder named)."""
    folder = tempfile.gettempdir()
    need = MIN_FREE + PER_DOCUMENT * documents
    free = free_bytes(folder)
    if free is not None and free < need:
        raise OutputError(full_message(folder, free, need))


# -- page count plausible for the template ------------------------------------------------------------
# A converted PDF's page count must also be one a healthy render of its form has (meta.toml `trang`,
# `registry.PageRule`): a form set in another face breaks its lines and pages otherwise. The range
# grows with the document's length, so a long self-assessment or a large unit's list stays inside.
LINE = 80  # a paragraph or line break takes at least a line: counted as this many characters
_TEXT = re.compile(rb"<w:t(?:\s[^>]*)?>([^<]*)</w:t>")
_BREAKS = re.compile(rb"<w:(?:p|br|tr)[\s/>]")


def docx_length(docx: bytes) -> int:
    """How long a filled .docx's body is: characters of its text, plus LINE for every paragraph,
    line break and table row (each takes at least a line however short). 0 when unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as zf:
            xml = zf.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return 0
    return (sum(len(t.decode("utf-8", "replace")) for t in _TEXT.findall(xml)) + xml.count(b"<w:noBreakHyphen/>")
            + LINE * len(_BREAKS.findall(xml)))  # a non-breaking hyphen (forms/render.py::keep_symbols) is a character


def page_range(spec: FormSpec) -> tuple[int, int, int] | None:
    """(least pages, most pages, length a page holds at least — 0: no growth) of a healthy render of
    a document of this form, from its template's declaration (meta.toml `trang`); None when the
    template declares none for this template.docx (an agency's own or edited template): then its
    page count is not checked."""
    rule = spec.pages
    return None if rule is None else (rule.least, rule.most, rule.per_page or 0)


def page_problem(expected: tuple[int, int, int] | None, pages: int | None, docx: Path | None = None) -> str | None:
    """Why a PDF's page count is not one of a healthy render (Vietnamese), or None when it is. Above
    the declared most, a longer document may have more (one page per `per_page` of its length,
    `docx_length` of the filled `docx`: read only then, so the check costs nothing for the rest)."""
    if expected is None or pages is None:
        return None
    least, most, per_page = expected
    if pages > most and per_page and docx is not None:
        try:
            most = max(most, -(-docx_length(Path(docx).read_bytes()) // per_page))
        except OSError:
            return None  # the filled document is gone: nothing to measure the PDF against
    if least <= pages <= most:
        return None
    usual = f"từ {least} đến {most} trang" if least != most else f"{least} trang"
    return f"bản PDF có {pages} trang, mẫu này thường có {usual}"
