"""Strict, autoescaped rendering of docxtpl templates, compiled once per template.

docxtpl re-reads and re-patches the template on every render (~50 ms). We use docxtpl's own
`patch_xml`/`resolve_listing` once per template part, keep the compiled Jinja template, and per
document only render the XML and write the zip (~5 ms). Plain strings are enough for multi-line
text: docxtpl's listing pass turns "\\n" into Word line breaks after escaping.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from pipeline.errors import TemplateError
from pipeline.forms.printed import periods_in_words
from pipeline.pdf.join import header_text
from pipeline.quotes import curly_quotes

_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_LISTING_CHARS = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # docxtpl's own pattern

# A legal document's number and symbol (số, ký hiệu) is one token on paper: «233/2026/NĐ-CP»,
# «12/UBND-NC», «43-HD/BTCTW», «366-QĐ/TW». LibreOffice (and Word) may break a line after its
# hyphen («… Nghị định 233/2026/NĐ-» / «CP …»); its hyphens become Word's own non-breaking hyphen,
# <w:noBreakHyphen/>: the same «-» glyph of the run's font in Word and in LibreOffice (which reads it
# as its hard hyphen, U+2011, drawn with the font's «-»: Liberation Serif has no U+2011 glyph of its
# own), and a PDF whose text still reads «NĐ-CP» (pdftotext, a clerk copying). A token: starts with a
# digit after no letter, digit, «.» or «-» (after a «/» too: «số {{ so }}/2026/NĐ-CP» leaves
# «/2026/NĐ-CP» in a run of its own); holds a «/», a hyphen between two of its parts and an
# upper-case letter (so «2026-01», «01/2026», «VP-037» are not symbols). LibreOffice does not break
# after a «/» before a letter (measured, 7.4), so the slashes need nothing.
_TEXT_RUN = re.compile(r"(<w:t(?:\s[^>]*)?>)([^<]*)</w:t>")
_SYMBOL = re.compile(r"(?<![\w.&-])\d[\w.&]*(?:[/-][\w.&]+)+")
NO_BREAK_HYPHEN = "<w:noBreakHyphen/>"
# The reserved context key that asks for it (`with_symbols_whole`): a folder whose papers of this year were
# printed before keep_symbols existed keeps the old rendering (pipeline/run.py::_symbols_whole), so no paper
# whose words did not change is signed again. Being in the context, it is in the .docx's cache key
# (cache.cache_key): a .docx cached for one rendering is never taken for the other.
KY_HIEU_LIEN = "_ky_hieu_lien"


def with_symbols_whole(context: dict[str, Any], whole: bool) -> dict[str, Any]:
    """`context` marked for keep_symbols when `whole`; else `context` itself, untouched (its cache key
    the one an earlier version gave it, so the .docx it cached and linked are reused)."""
    return {**context, KY_HIEU_LIEN: True} if whole else context


# Quotation marks on paper (pipeline/quotes.py): the «…» of the rendered text (<w:t>: the templates' static
# text and every value filled in) printed “…”. The reserved context key that asks for it (`with_quotes`): as
# KY_HIEU_LIEN, a folder whose papers of this year were printed with «…» keeps them
# (pipeline/run.py::_quotes_curly), and the key being in the context, a .docx cached for one is never taken
# for the other.
NGOAC_KEP = "_ngoac_kep"


def with_quotes(context: dict[str, Any], curly: bool) -> dict[str, Any]:
    """`context` marked for quote_marks when `curly`; else `context` itself, untouched (as with_symbols_whole)."""
    return {**context, NGOAC_KEP: True} if curly else context


# A period code of the workbook in a paper's text («kỳ 2026-Q1», «2026-03»: a reason's score per period) named
# as the period tables name it («quý I/2026», «tháng 03/2026»; forms/printed.py::periods_in_words). The reserved
# context key that asks for it (`with_periods_in_words`): as KY_HIEU_LIEN and NGOAC_KEP, a folder whose papers of
# this year were printed with the codes keeps them (pipeline/run.py::_periods_in_words).
KY_BANG_CHU = "_ky_bang_chu"


def with_periods_in_words(context: dict[str, Any], on: bool) -> dict[str, Any]:
    """`context` marked for period_words when `on`; else `context` itself, untouched (as with_symbols_whole)."""
    return {**context, KY_BANG_CHU: True} if on else context


def with_typography(context: dict[str, Any], whole: bool, curly: bool, periods: bool) -> dict[str, Any]:
    """`context` marked for the paper's typography of this folder (`Build.typography`): numbers/symbols unbroken,
    “…” quotes, periods in words."""
    return with_periods_in_words(with_quotes(with_symbols_whole(context, whole), curly), periods)


def period_words(xml: str) -> str:
    """`xml` (a rendered part) with the period codes of its text (<w:t>) named in words; the rest byte for byte."""
    if "-Q" not in xml and not _PERIOD_HINT.search(xml):
        return xml
    return _TEXT_RUN.sub(lambda m: f"{m.group(1)}{periods_in_words(m.group(2))}</w:t>", xml)


_PERIOD_HINT = re.compile(r"\d{4}-[01]\d")


def quote_marks(xml: str) -> str:
    """`xml` (a rendered part) with «…» in its text (<w:t>) printed “…”; the rest byte for byte the same
    (a «» in an attribute or a field code is not text on paper)."""
    if "«" not in xml and "»" not in xml:
        return xml
    return _TEXT_RUN.sub(lambda m: f"{m.group(1)}{curly_quotes(m.group(2))}</w:t>", xml)


def _is_symbol(token: str) -> bool:
    return "/" in token and "-" in token and any(c.isupper() for c in token)


def keep_symbols(xml: str) -> str:
    """`xml` (a rendered part) with the hyphens of every legal document's number/symbol in its
    text (<w:t>) made non-breaking; the rest byte for byte the same."""
    if "-" not in xml:
        return xml

    def text(m: re.Match[str]) -> str:
        opening, body = m.group(1), m.group(2)
        if "-" not in body or not any(_is_symbol(t.group(0)) for t in _SYMBOL.finditer(body)):
            return m.group(0)
        joint = f"</w:t>{NO_BREAK_HYPHEN}{opening}"  # the same <w:t …>: each piece keeps its spaces' rule
        body = _SYMBOL.sub(lambda t: t.group(0).replace("-", joint) if _is_symbol(t.group(0)) else t.group(0), body)
        return f"{opening}{body}</w:t>"

    return _TEXT_RUN.sub(text, xml)


def make_env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True, keep_trailing_newline=True)


def _undefined(message: str | None) -> str:
    """Jinja's "'x' is undefined" / "'dict object' has no attribute 'y'" in Vietnamese."""
    message = message or ""
    if m := re.fullmatch(r"'([^']*)' is undefined", message):
        return f"«{m.group(1)}» chưa có"
    if m := re.fullmatch(r"'[^']*' has no attribute '([^']*)'", message):
        return f"trường «{m.group(1)}» chưa có"
    return message


class CompiledTemplate:
    def __init__(self, path: Path, *, code: str) -> None:
        self.path = Path(path)
        self.code = code
        self.env = make_env()
        self._helper = DocxTemplate(str(self.path))  # only its XML helpers are used
        self._parts: dict[str, jinja2.Template] = {}
        self._entries: list[tuple[zipfile.ZipInfo, bytes | None]] = []  # None: rendered part
        try:
            with zipfile.ZipFile(self.path) as zf:
                for info in zf.infolist():
                    data = zf.read(info)
                    if _PARTS.match(info.filename) and b"{" in data:
                        src = data.decode("utf-8")
                        src = src.split("?>", 1)[1] if src.startswith("<?xml") else src
                        src = self._helper.patch_xml(src)
                        src = re.sub(r"<w:p([ >])", r"\n<w:p\1", src)
                        self._parts[info.filename] = self.env.from_string(src)
                        self._entries.append((info, None))
                    else:
                        self._entries.append((info, data))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"Mẫu «{code}» ({self.path.name}) sai cú pháp ở thẻ: {exc.message}.") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise TemplateError(f"Mẫu «{code}»: tệp Word «{self.path}» bị hỏng hoặc không đọc được.") from exc

    def render_parts(self, context: dict[str, Any]) -> dict[str, str]:
        out = {}
        for name, template in self._parts.items():
            try:
                xml = template.render(context)
            except jinja2.UndefinedError as exc:
                raise TemplateError(f"Mẫu «{self.code}» dùng biến không có trong dữ liệu: {_undefined(exc.message)}.") from exc
            except jinja2.TemplateError as exc:
                raise TemplateError(f"Mẫu «{self.code}» lỗi khi điền dữ liệu: {exc}.") from exc
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            xml = self._resolve_listing(xml)
            xml = keep_symbols(xml) if context.get(KY_HIEU_LIEN) is True else xml
            xml = period_words(xml) if context.get(KY_BANG_CHU) is True else xml
            out[name] = quote_marks(xml) if context.get(NGOAC_KEP) is True else xml
        return out

    def _resolve_listing(self, xml: str) -> str:
        """docxtpl's resolve_listing (a tab, new line, new paragraph or page break in a value
        becomes Word's element) applied only to the paragraphs that have such a character: the
        same XML, without running its regular expressions over every run of every paragraph."""
        if not _LISTING_CHARS.search(xml):
            return xml
        return _PARAGRAPH.sub(lambda m: self._helper.resolve_listing(m.group(0))
                              if _LISTING_CHARS.search(m.group(0)) else m.group(0), xml)

    @functools.cached_property
    def _static_zip(self) -> bytes:
        """The template's unchanging parts (styles, settings, fonts, … ~800 KB of XML), compressed
        once: every document starts as a copy of these bytes and gets its rendered parts appended."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self._entries:
                if data is not None:
                    zf.writestr(info, data)
        return buf.getvalue()

    def first_page_header(self, parts: dict[str, str]) -> str:
        """join.first_page_header of the document render_to wrote with these `parts`."""
        return header_text(lambda name: (_XML_DECL + parts[name]).encode() if name in parts else self._static[name])

    @functools.cached_property
    def _static(self) -> dict[str, bytes]:
        return {info.filename: data for info, data in self._entries if data is not None}

    def render_to(self, context: dict[str, Any], dest: Path) -> dict[str, str]:
        """Write the filled document to `dest`; its rendered parts (name -> XML)."""
        parts = self.render_parts(context)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(self._static_zip)
        with zipfile.ZipFile(dest, "a", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self._entries:
                if data is None:
                    rendered = zipfile.ZipInfo(info.filename, info.date_time)  # the template's time: same bytes each run
                    rendered.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(rendered, _XML_DECL + parts[info.filename])
        return parts

    def _asts(self) -> list[jinja2.nodes.Template]:
        with zipfile.ZipFile(self.path) as zf:
            return [self.env.parse(self._helper.patch_xml(zf.read(name).decode("utf-8"))) for name in self._parts]

    def variables(self) -> set[str]:
        """Top-level variable names the template uses (for `hoso templates check`)."""
        from jinja2 import meta

        names: set[str] = set()
        for ast in self._asts():
            names |= meta.find_undeclared_variables(ast)
        return names

    def label_keys(self) -> set[str] | None:
        """The labels the template prints by name («{{ nhan.tieu_de }}», «nhan['tieu_de']»); None when it uses
        `nhan` otherwise too (a loop over it, handed whole to a filter), so any key may be printed."""
        from jinja2 import nodes

        keys: set[str] = set()
        for ast in self._asts():
            named: set[int] = set()
            for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
                inner = node.node if isinstance(node, (nodes.Getattr, nodes.Getitem)) else None
                if isinstance(inner, nodes.Name) and inner.name == "nhan":
                    key = (node.attr if isinstance(node, nodes.Getattr) else
                           node.arg.value if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)
                           else None)
                    if not isinstance(key, str):
                        return None
                    keys.add(key)
                    named.add(id(inner))
            if any(n.name == "nhan" and id(n) not in named for n in ast.find_all(nodes.Name)):
                return None
        return keys
