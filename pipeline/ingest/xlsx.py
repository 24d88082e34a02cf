"""A small streaming reader for .xlsx files: sheet names, then rows of raw cell values.

Why not openpyxl here: its read-only mode builds a Python object per cell and parses the style of
every cell, which made a 10,000-person workbook take ~15 s to check; it also cannot tell "formula
without a cached result" from "empty cell" when reading cached values. This module reads the
SpreadsheetML parts directly with lxml's iterparse (one event per row, memory freed as it goes):

- values come out as `str`, `int`, `float`, `bool`, `datetime` (numbers whose cell has a date
  format), `Formula` (a formula with no cached result: the file was written by a program that does
  not compute formulas) or `CellError` (`#N/A`, `#REF!`… cached by Excel);
- shared strings, inline strings, rich text (phonetic runs dropped), `_xHHHH_` escapes, the 1900
  and 1904 date systems, `t="d"` ISO dates, rows and cells without an `r` attribute, transitional
  and strict OOXML namespaces are handled;
- every way the file can be unreadable becomes `InputUnreadable` with a Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from pipeline.errors import InputUnreadable
from pipeline.ingest.cells import Displayed, Percent

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # refuse zip bombs before inflating anything
MAX_OLE_SCAN = 64 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_PERCENT_FMT_IDS = frozenset({9, 10})  # Excel's built-in 0% and 0.00%
_DATE_FMT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PAIR = re.compile("([\ud800-\udbff])([\udc00-\udfff])")
_LETTERS = re.compile(r"[A-Za-z]+")
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
CHUNK = 8 * 1024 * 1024  # bytes of XML decoded and scanned at a time
_P = r"(?:[A-Za-z_][\w.-]*:)?"  # optional namespace prefix
# The fast path: cells as Excel, LibreOffice and openpyxl write them (r first, then s, t).
_FAST = re.compile(r'<c r="([A-Z]{1,3})(\d+)"([^>/]*)(?:/>|><v>([^<]*)</v></c>|'
                   r'><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>|>(.*?)</c>)', re.S)
_EMPTY_CELL = re.compile(r'<c r="[A-Z]{1,3}\d+"(?: s="\d+")?(?: t="\w+")?/>')
# The general path: any attribute order, prefixes, cells and rows without r.
_TOKEN = re.compile(rf"<{_P}(?:(row\b[^>]*)>|(c\b[^>]*?)(?:/>|>(.*?)</{_P}c>))", re.S)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")
_V = re.compile(rf"<{_P}v(?:\s[^>]*)?(?:/>|>([^<]*)</{_P}v>)")
_F = re.compile(rf"<{_P}f\b[^>]*?(?:/>|>([^<]*)</{_P}f>)")
_IS = re.compile(rf"<{_P}is\b[^>]*>(.*?)</{_P}is>", re.S)
_T = re.compile(rf"<{_P}t\b[^>]*?(?:/>|>([^<]*)</{_P}t>)")
_RPH = re.compile(rf"<{_P}rPh\b.*?</{_P}rPh>", re.S)
_SI = re.compile(r'<si>(?:<t(?: xml:space="preserve")?>([^<]*)</t></si>|(.*?)</si>)|<si/>', re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ENTITY = re.compile(r"&(#[xX][0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?")
_EMPTY = object()
_PARSER_OPTS_NO_HUGE: dict[str, Any] = dict(resolve_entities=False, no_network=True, load_dtd=False)
_PARSER_OPTS: dict[str, Any] = dict(_PARSER_OPTS_NO_HUGE, huge_tree=False)


class Formula(str):
    """A formula cell without a cached value; the string is the formula, e.g. '=SUM(A1:A3)'."""

    __slots__ = ()


class CellError(str):
    """An Excel error value cached in the file, e.g. '#N/A', '#REF!'."""

    __slots__ = ()


MARKERS = (Formula, CellError)


_COLUMNS: dict[str, int] = {}
_LETTERS_OF: dict[int, str] = {}
# A number format shows a date or time when its first section has d, m, h, y or s outside quoted
# text and [locale]/[colour] brackets (openpyxl's `is_date_format`, kept here so that reading a
# workbook does not import openpyxl).
_FORMAT_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_FORMAT_DATE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_FORMAT_PERCENT = re.compile(r"(?<![_\\])%")


def is_date_format(fmt: str | None) -> bool:
    if fmt is None:
        return False
    return _FORMAT_DATE.search(_FORMAT_STRIP.sub("", fmt.split(";")[0])) is not None


def is_percent_format(fmt: str | None) -> bool:
    """A number format that shows the number times 100 with a % sign (`0%`, `0.0%`, `#,##0.00%`);
    a % inside quotes or escaped is only a character."""
    if fmt is None:
        return False
    return _FORMAT_PERCENT.search(_FORMAT_STRIP.sub("", fmt.split(";")[0])) is not None


# A number format that shows a whole number padded with zeros, between literal texts: `000`, `00000`,
# `"NV"000`, `\\N\\V000`. Such a cell holds 1 while Excel shows «001» or «NV001».
_FORMAT_PADDED = re.compile(r'((?:"[^"]*"|\\.)*)(0+)((?:"[^"]*"|\\.)*)')
_FORMAT_LITERAL = re.compile(r'"([^"]*)"|\\(.)')


def padded_format(fmt: str | None) -> tuple[str, int, str] | None:
    """(text before, digits, text after) when `fmt` shows a whole number zero-padded to at least two
    digits or with literal text around it (`000`, `"NV"000`); None for any other format (`0`, `0.00`…)."""
    if not fmt:
        return None
    m = _FORMAT_PADDED.fullmatch(fmt.split(";")[0])
    if m is None:
        return None
    before, zeros, after = m.groups()
    if len(zeros) < 2 and not before and not after:
        return None

    def literal(part: str) -> str:
        return "".join(a or b for a, b in _FORMAT_LITERAL.findall(part))

    return literal(before), len(zeros), literal(after)


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB' (the letters of a 0-based column index)."""
    letters = _LETTERS_OF.get(index)
    if letters is None:
        if not 0 <= index < 18_278:
            raise ValueError(f"bad column index {index!r}")
        n, letters = index + 1, ""
        while n:
            n, rem = divmod(n - 1, 26)
            letters = chr(65 + rem) + letters
        _LETTERS_OF[index] = letters
    return letters


def column_index(ref: str) -> int:
    """'A1' or 'A' -> 0, 'AB7' -> 27 (0-based column index of a cell reference)."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        if not (letters.isascii() and letters.isalpha() and len(letters) <= 3):
            raise ValueError(f"bad cell reference {ref!r}")
        index = 0
        for ch in letters.upper():
            index = index * 26 + ord(ch) - 64
        index -= 1
        _COLUMNS[letters] = index
    return index


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _unescape(text: str) -> str:
    """`_xHHHH_` escapes; a character beyond U+FFFF is written as two (a surrogate pair) and joined
    here. A surrogate left alone is no character: it stays for the cell check to refuse."""
    if "_x" not in text:
        return text
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _PAIR.search(text):
        text = _PAIR.sub(lambda m: chr(0x10000 + ((ord(m.group(1)) - 0xD800) << 10) + ord(m.group(2)) - 0xDC00), text)
    return text


def _rich_text(el: etree._Element, t_tag: str, r_tag: str) -> str:
    """Text of an <si> or <is>: direct <t> plus <r><t>, ignoring phonetic <rPh> runs."""
    parts = []
    for child in el:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            for t in child:
                if t.tag == t_tag:
                    parts.append(t.text or "")
    return _unescape("".join(parts))


def _unreadable(path: Path, what: str, hint: str | None = None) -> InputUnreadable:
    return InputUnreadable(f"Tệp «{path.name}» {what}", hint=hint)


_SAVE_AS = "Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)»."


def _sniff(path: Path) -> None:
    """Reject anything that is not a zip before zipfile sees it, with the most useful message."""
    if not path.exists():
        raise InputUnreadable(f"Không tìm thấy tệp «{path}».", hint="Kiểm tra lại đường dẫn và tên tệp.")
    if path.is_dir():
        raise InputUnreadable(f"«{path}» là một thư mục, không phải tệp Excel (.xlsx).")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise InputUnreadable(
            f"Không mở được tệp «{path}» ({exc.strerror}).",
            hint="Nếu tệp đang mở trong Excel, hãy đóng lại rồi chạy lại.",
        ) from exc
    if size == 0:
        raise _unreadable(path, "rỗng (0 byte).", "Có thể tệp chưa lưu xong hoặc bị lỗi khi sao chép.")
    if path.name.startswith("~$"):
        raise _unreadable(path, "là tệp khóa tạm do Excel tạo khi đang mở sổ, không phải sổ dữ liệu.",
                          f"Hãy chọn tệp «{path.name[2:]}».")
    if head.startswith(_OLE):
        with path.open("rb") as fh:
            data = fh.read(MAX_OLE_SCAN)
        if _ENCRYPTED in data:
            raise _unreadable(path, "được đặt mật khẩu (mã hóa), chương trình không đọc được.",
                              "Mở tệp bằng Excel, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → "
                              "Mã hóa bằng mật khẩu → để trống) rồi lưu lại.")
        raise _unreadable(path, "là định dạng Excel cũ (.xls, Excel 97-2003), chương trình chỉ đọc .xlsx.", _SAVE_AS)
    if head.startswith(b"PK"):
        return
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\xfe\xff \t\r\n\x00").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower() or text.startswith(b"<?xml"):
        raise _unreadable(path, "là bảng tính dạng XML (Excel 2003 XML), không phải .xlsx.", _SAVE_AS)
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<meta")):
        raise _unreadable(path, "thực chất là trang HTML (thường do phần mềm khác xuất ra với đuôi .xls), "
                          "không phải sổ Excel .xlsx.", _SAVE_AS)
    if head.startswith(b"%PDF"):
        raise _unreadable(path, "là tệp PDF, không phải sổ Excel (.xlsx).")
    if _looks_like_csv(head):
        raise _unreadable(path, "là tệp CSV (văn bản, các cột cách nhau bởi dấu phẩy, chấm phẩy hoặc tab), không phải sổ "
                          "Excel (.xlsx).",
                          "Mở tệp bằng Excel hoặc LibreOffice Calc (chọn bảng mã Unicode UTF-8 để giữ dấu tiếng Việt), "
                          "kiểm tra các cột rồi lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)».")
    raise _unreadable(path, "không phải sổ Excel (.xlsx) (có thể là tệp văn bản, CSV hoặc tệp đã hỏng).",
                      "Hãy dùng tệp .xlsx; có thể tạo sổ trống bằng lệnh: hoso init")


def _looks_like_csv(head: bytes) -> bool:
    """The first bytes of a file are text (UTF-8, or UTF-16 with its byte order mark, as Excel saves
    «Unicode Text») whose first line has a column separator."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):len(head) - (len(head) - len(bom)) % 2].decode(encoding, "replace")
            break
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    first = text.split("\n", 1)[0].rstrip("\r")
    if "\ufffd" in text[:-1] or not first:
        return False
    return any(sep in first for sep in ",;\t") and all(ch.isprintable() or ch in "\t\r\n" for ch in text[:-1])


sniff = _sniff  # public: the web upload asks it why a file is not a workbook before storing it


class XlsxFile:
    """An open .xlsx: `sheetnames`, then `rows(name)` yields (row number, {column index: value})."""

    def __init__(self, path: Path) -> None:
        self.path = path = Path(path)
        _sniff(path)
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _unreadable(path, "bị hỏng hoặc chưa lưu xong (tệp nén không đọc được).",
                              "Mở tệp bằng Excel; nếu Excel đề nghị sửa chữa, chấp nhận rồi lưu lại.") from exc
        try:
            self._open()
        except InputUnreadable:
            self._zip.close()
            raise
        except Exception as exc:  # malformed parts: XML errors, missing members, bad numbers…
            self._zip.close()
            raise _unreadable(path, f"bị hỏng, không đọc được cấu trúc sổ ({type(exc).__name__}).",
                              "Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại dưới dạng .xlsx.") from exc

    # -- opening ------------------------------------------------------------------------------
    def _open(self) -> None:
        infos = self._zip.infolist()
        names = {i.filename for i in infos}
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise _unreadable(self.path, f"khi giải nén quá lớn ({total // 2**20} MB); đây không phải sổ nhân sự "
                              "bình thường (có thể là tệp độc hại dạng «bom nén»).")
        if "mimetype" in names and b"opendocument" in self._zip.read("mimetype")[:100]:
            raise _unreadable(self.path, "là bảng tính LibreOffice (.ods), không phải .xlsx.",
                              "Trong LibreOffice Calc chọn Tệp → Lưu thành… → «Excel 2007-365 (.xlsx)».")
        if "word/document.xml" in names:
            raise _unreadable(self.path, "là văn bản Word (.docx), không phải sổ Excel (.xlsx).")
        if any(n.startswith("ppt/") for n in names):
            raise _unreadable(self.path, "là tệp PowerPoint, không phải sổ Excel (.xlsx).")
        self._refuse_dtds(infos)
        self.has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
        wb_path = self._office_document(names)
        if wb_path is None:
            raise _unreadable(self.path, "không phải sổ Excel (.xlsx) hợp lệ (thiếu phần xl/workbook.xml).", _SAVE_AS)
        root = self._parse(wb_path)
        rels = self._rels(wb_path)
        self.date1904 = False
        self._sheets: dict[str, str | None] = {}
        self.hidden_sheets: set[str] = set()  # sheets hidden in Excel (Hide, or veryHidden by a macro): read, and said
        for el in root.iter():
            name = _local(el.tag)
            if name == "workbookPr":
                self.date1904 = el.get("date1904", "0").lower() in ("1", "true")
            elif name == "sheet":
                rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                target = rels.get(rid or "")
                self._sheets[el.get("name", "")] = target if target and target in names else None
                if el.get("state") in ("hidden", "veryHidden"):
                    self.hidden_sheets.add(el.get("name", ""))
        self.sheetnames = list(self._sheets)
        self._padded_styles: dict[int, tuple[str, int, str]] = {}
        self._date_styles, self._percent_styles = self._styles(rels, names)
        # numbers _value must look at
        self._special_styles = self._date_styles | self._percent_styles | frozenset(self._padded_styles)
        sst = next((t for t, kind in rels.values_kinds() if kind == "sharedStrings"), None)
        self._sst_path = sst if sst in names else None
        self._sst: list[str] | None = None
        self._attr_cache: dict[str, tuple[int | None, str | None]] = {}
        self._last_row = 0
        self._hidden: dict[str, set[int]] = {}
        self._merges: dict[str, list[str]] = {}  # sheet -> merged ranges, when known

    def hidden_rows(self, name: str) -> frozenset[int]:
        """Rows of sheet `name` hidden in Excel (`<row hidden="1">`), as found by the last `rows(name)`."""
        return frozenset(self._hidden.get(name, ()))

    def hidden_columns(self, name: str) -> frozenset[int]:
        """0-based indexes of the columns of sheet `name` hidden in Excel (`<col min max hidden="1">`, written
        before the cells: only the head of the sheet's XML is read)."""
        member = self._sheets.get(name)
        if not member:
            return frozenset()
        head = b""
        with self._zip.open(member) as fh:
            while len(head) < 4 * CHUNK and (chunk := fh.read(65536)):
                head += chunk
                if b"sheetData" in head:
                    break
        head = head.split(b"sheetData", 1)[0]
        out: set[int] = set()
        for attrs in _COL.findall(head):
            a: dict[str, str] = dict(_ATTR.findall(attrs.decode("utf-8", "replace")))
            if a.get("hidden") not in ("1", "true"):
                continue
            try:
                low = int(a.get("min", "0"))
                high = int(a.get("max", str(low)))
            except ValueError:
                continue
            out.update(range(max(low, 1) - 1, min(high, 16_384)))  # Excel's 1-based, inclusive, at most XFD
        return frozenset(out)

    @property
    def percent_styles(self) -> frozenset[int]:
        """Indexes of the cell formats showing a percent (their numbers are read as `cells.Percent`)."""
        return self._percent_styles

    def merged_cells(self, name: str) -> dict[str, str]:
        """Cells covered by a merged range of sheet `name` other than its first (top-left) cell:
        "B5" -> "B4:B6"."""
        memo: dict[str, dict[str, str]] = self.__dict__.setdefault("_merged", {})
        if name not in memo:
            memo[name] = {cell: ref for ref in self.merged_ranges(name) for cell in _covered(ref)}
        return memo[name]

    def merged_ranges(self, name: str) -> list[str]:
        """The merged ranges of sheet `name` («B5:B12»), in the order of the file: found while the rows
        were read (`<mergeCells>` follows the cells), else by reading the sheet's XML once more."""
        if name in self._merges:
            return self._merges[name]
        out: list[str] = []
        member = self._sheets.get(name)
        if member:
            tail = b""
            seen: set[str] = set()
            with self._zip.open(member) as fh:
                while chunk := fh.read(CHUNK):
                    text = tail + chunk
                    for ref in _MERGE.findall(text):
                        if (r := ref.decode("ascii")) not in seen:  # a range cut by `tail` is found twice
                            seen.add(r)
                            out.append(r)
                    tail = text[-200:]
        self._merges[name] = out
        return out

    def _refuse_dtds(self, infos: Iterable[zipfile.ZipInfo]) -> None:
        """Excel never writes a DOCTYPE: one in any part (entity declarations — the «billion laughs»
        that inflates a few bytes into gigabytes, or an external entity reading a file of this
        machine, XXE) is named for what it is. Entities are never expanded anyway."""
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")) or info.is_dir():
                continue
            with self._zip.open(info) as fh:
                head = fh.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                kind = ("thực thể ngoài đọc tệp của máy (XXE)" if b"SYSTEM" in head or b"PUBLIC" in head
                        else "thực thể lồng nhau nở ra rất lớn («billion laughs»)" if head.count(b"<!ENTITY") > 1
                        else "khai báo thực thể XML")
                raise _unreadable(self.path, f"có phần {info.filename} chứa khai báo DOCTYPE/ENTITY ({kind}). Excel "
                                  "không bao giờ ghi như vậy: tệp đã bị sửa bằng công cụ khác, có thể nhằm tấn công. "
                                  "hoso không đọc tệp này.", "Dùng bản gốc của sổ Excel, hoặc mở bằng Excel rồi lưu lại.")

    def _office_document(self, names: set[str]) -> str | None:
        if "_rels/.rels" in names:
            for target, kind in self._rels("").values_kinds():
                if kind == "officeDocument" and target in names:
                    return target
        return "xl/workbook.xml" if "xl/workbook.xml" in names else None

    def _parse(self, member: str) -> etree._Element:
        with self._zip.open(member) as fh:
            root: etree._Element = etree.parse(fh, etree.XMLParser(**_PARSER_OPTS)).getroot()
            return root

    def _rels(self, part: str) -> _Rels:
        folder, base = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", base + ".rels")
        rels = _Rels()
        if rels_path not in self._zip.NameToInfo:
            return rels
        for el in self._parse(rels_path):
            target = el.get("Target", "")
            if el.get("TargetMode") == "External":
                continue
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            rels[el.get("Id", "")] = full
            rels.kinds[el.get("Id", "")] = el.get("Type", "").rpartition("/")[2]
        return rels

    def _styles(self, rels: _Rels, names: set[str]) -> tuple[frozenset[int], frozenset[int]]:
        """Indexes of cell formats (cellXfs) whose number format shows a date or time, and those
        showing a percent; those showing a zero-padded whole number go to `_padded_styles`."""
        path = next((t for t, kind in rels.values_kinds() if kind == "styles"), None)
        if path not in names:
            return frozenset(), frozenset()
        root = self._parse(path)
        custom: dict[int, str] = {}
        dates = set()
        percents = set()
        for el in root.iter():
            if _local(el.tag) == "numFmt":
                try:
                    custom[int(el.get("numFmtId", "-1"))] = el.get("formatCode", "")
                except ValueError:
                    continue
        for el in root:
            if _local(el.tag) != "cellXfs":
                continue
            for i, xf in enumerate(x for x in el if _local(x.tag) == "xf"):
                try:
                    fid = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                if fid in custom:
                    if is_date_format(custom[fid]):
                        dates.add(i)
                    elif is_percent_format(custom[fid]):
                        percents.add(i)
                    elif (padded := padded_format(custom[fid])) is not None:
                        self._padded_styles[i] = padded
                elif fid in _DATE_FMT_IDS:
                    dates.add(i)
                elif fid in _PERCENT_FMT_IDS:
                    percents.add(i)
        return frozenset(dates), frozenset(percents)

    def _shared_strings(self) -> list[str]:
        if self._sst is None:
            self._sst = []
            if self._sst_path:
                self._sst = self._sst_regex() if self._utf8(self._sst_path) else None
                if self._sst is None:
                    self._sst = self._sst_lxml()
        return self._sst

    def _utf8(self, member: str) -> bool:
        with self._zip.open(member) as fh:
            head = fh.read(200)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return False
        m = re.match(rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=[\"']([^\"']+)", head)
        return m is None or m.group(1).lower().replace(b"-", b"") == b"utf8"

    def _sst_regex(self) -> list[str] | None:
        out: list[str] = []
        for text in self._parts(cast(str, self._sst_path), "si>",  # called only when there is one
                                "phần chữ dùng chung của sổ"):
            if "<![CDATA[" in text or ":si>" in text or ":si " in text:
                return None
            if "<!--" in text:
                text = _COMMENT.sub("", text)
            found = _SI.findall(text)
            if len(found) != text.count("<si"):
                return None
            pending = []
            for plain, rich in found:
                if rich and not plain:
                    out.append(_rich(rich))
                elif "&" in plain:
                    pending.append(len(out))
                    out.append(plain)
                else:
                    out.append(_unescape(plain))
            if pending:
                for i, decoded in zip(pending, _decode_all([out[i] for i in pending]), strict=True):
                    out[i] = _unescape(decoded)
        return out

    def _sst_lxml(self) -> list[str]:
        out: list[str] = []
        with self._zip.open(cast(str, self._sst_path)) as fh:  # called only when there is one
            for _, si in etree.iterparse(fh, events=("end",), tag="{*}si", **_PARSER_OPTS):
                ns = si.tag[: -len("si")]
                out.append(_rich_text(si, ns + "t", ns + "r"))
                si.clear()
                while si.getprevious() is not None:
                    del si.getparent()[0]
        return out

    def _parts(self, member: str, end_tag: str, what: str) -> Iterator[str]:
        """The member's text in pieces of about CHUNK bytes, each ending after a complete element.

        A member whose XML stops before the end tag of its root element (a file cut short by an
        interrupted copy or save) raises InputUnreadable naming `what`, before its last piece is
        yielded: without this check the elements up to the cut would be read as if they were all."""
        with self._zip.open(member) as fh:
            buf = b""
            head = b""
            tail = b""
            while True:
                data = fh.read(CHUNK)
                if data:
                    if len(head) < 4096:
                        head += data[: 4096 - len(head)]
                    tail = (tail + data)[-4096:] if len(data) < 4096 else data[-4096:]
                    buf += data
                    end = _last_end(buf, end_tag.encode())
                    if end < 0:
                        continue
                    part, buf = buf[:end], buf[end:]
                else:
                    if not _whole_document(head, tail):
                        raise self._truncated(member, what)
                    part, buf = buf, b""
                if part:
                    yield part.decode("utf-8")
                if not data:
                    return

    def _truncated(self, member: str, what: str) -> InputUnreadable:
        return _unreadable(self.path, f"bị hỏng: {what} bị cắt giữa chừng ({member} không trọn vẹn), phần dữ liệu "
                           "sau chỗ cắt bị mất.",
                           "Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại dưới dạng .xlsx (nếu Excel đề nghị sửa "
                           "chữa, chấp nhận rồi kiểm tra lại các dòng cuối), hoặc lấy lại bản sao đầy đủ của tệp.")

    def _member_complete(self, member: str) -> bool:
        """Whether the member's XML runs to the end of its root element (any encoding); used to
        tell a cut file from other XML errors on the lxml path."""
        with self._zip.open(member) as fh:
            data = fh.read()
        for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
            if data.startswith(bom):
                data = data[len(bom):].decode(encoding, "replace").encode("utf-8")
                break
        return _whole_document(data[:4096], data[-4096:])

    # -- for a second process ---------------------------------------------------------------------
    def sheet_size(self, name: str) -> int:
        """Bytes of the sheet's XML (uncompressed), 0 for a sheet without a part."""
        member = self._sheets.get(name)
        return self._zip.getinfo(member).file_size if member else 0

    def load_shared_strings(self) -> None:
        self._shared_strings()

    def reopen(self) -> None:
        """Read through a file description of our own (a forked process shares the parent's file
        offset): the same file, even if its name was replaced since (Linux), else the same path."""
        fp = cast(IO[bytes], self._zip.fp)  # an open zip has its file
        try:
            fresh = open(f"/proc/self/fd/{fp.fileno()}", "rb")  # noqa: SIM115 - closed with the zip
        except OSError:
            fresh = open(self.path, "rb")  # noqa: SIM115
        self._zip = zipfile.ZipFile(fresh)

    # -- rows ---------------------------------------------------------------------------------
    def member(self, name: str) -> str | None:
        """The zip member holding a worksheet (None for a chart sheet or a missing part)."""
        return self._sheets.get(name)

    def is_worksheet(self, name: str) -> bool:
        return self._sheets.get(name) is not None

    def rows(self, name: str, *, engine: str = "auto") -> Iterator[tuple[int, dict[int, object]]]:
        """Non-empty rows of a sheet, in order: (1-based row number, {0-based column: value}).

        `engine` is "auto" (regular expressions over UTF-8 text, the fast path) or "lxml" (the
        reference implementation, also used for files that are not UTF-8).
        """
        member = self._sheets.get(name)
        if member is None:
            return
        try:
            if engine == "lxml" or not self._utf8(member):
                yield from self._rows_lxml(member, name)
            else:
                yield from self._rows_regex(member, name)
        except InputUnreadable:
            raise
        except GeneratorExit:
            raise
        except Exception as exc:
            if isinstance(exc, etree.XMLSyntaxError):
                parts = [(member, f"sheet «{name}»")]
                if self._sst_path:
                    parts.append((self._sst_path, "phần chữ dùng chung của sổ"))
                for part, what in parts:
                    if not self._member_complete(part):
                        raise self._truncated(part, what) from exc
            raise _unreadable(self.path, f"bị hỏng ở sheet «{name}», không đọc được ({type(exc).__name__}).",
                              "Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại dưới dạng .xlsx.") from exc

    def _value(self, v: str, s: int | None, t: str | None) -> object:
        """A cell's <v> text as a Python value, given its style index and type."""
        if t is None or t == "n":
            try:
                num: int | float = int(v) if v.lstrip("-").isdigit() else float(v)
            except ValueError:
                return v
            if s is not None and s in self._date_styles:
                return serial_to_datetime(num, _EPOCH_1904 if self.date1904 else _EPOCH_1900) or num
            if s is not None and s in self._percent_styles:
                return Percent(num)
            if s is not None and s in self._padded_styles and isinstance(num, int) and num >= 0:
                before, digits, after = self._padded_styles[s]
                return Displayed(num, f"{before}{num:0{digits}d}{after}")
            return num
        if t == "s":
            return self._shared_strings()[int(v)]
        if t == "b":
            return v.strip() in ("1", "true")
        v = _entities(v)
        if t == "e":
            return CellError(v)
        if t == "d":
            return _iso_date(v)
        return _unescape(v)

    def _content(self, content: str, s: int | None, t: str | None) -> object:
        """Any cell content (formula, rich inline string, prefixed tags…); _EMPTY when blank."""
        if "<![CDATA[" in content:
            content = _CDATA.sub(lambda m: _escape(m.group(1)), content)
        v = _V.search(content)
        vtext = None if v is None else (v.group(1) or "")
        f = _F.search(content)
        if f is not None and (vtext is None or (vtext == "" and t != "str")):
            return Formula("=" + _entities(f.group(1) or ""))
        inline = _IS.search(content)
        if inline is not None:
            return _rich(inline.group(1) or "")
        if not vtext:
            return _EMPTY
        return self._value(vtext, s, t)

    def _rows_regex(self, member: str, name: str) -> Iterator[tuple[int, dict[int, object]]]:
        prefixed = None
        self._last_row = 0
        hidden = self._hidden.setdefault(name, set())
        merges: list[str] = []
        for text in self._parts(member, "row>", f"sheet «{name}»"):
            if 'hidden="' in text:  # rows hidden in Excel (by hand or by a filter): read, and said (reader)
                hidden.update(int(a or b) for a, b in _HIDDEN_ROW.findall(text))
            if "mergeCell" in text:  # after the cells, so in the last piece: known when the rows are
                merges.extend(_MERGE_TEXT.findall(text))
            if prefixed is None:
                i = text.find("sheetData")
                if i < 0:
                    continue
                prefixed = text[i - 1] == ":"
            if "<!--" in text:
                text = _COMMENT.sub("", text)
            matches = None
            if not prefixed and "<![CDATA[" not in text:
                # styled but empty cells (a formatted range) carry nothing: drop them in C first
                fast_text = _EMPTY_CELL.sub("", text) if "/>" in text else text
                matches = _FAST.findall(fast_text)
                if len(matches) != fast_text.count("<c ") + fast_text.count("<c>"):
                    matches = None
            if matches is not None:
                yield from self._fast(matches)
            else:
                yield from self._generic(text)
        self._merges[name] = list(dict.fromkeys(merges))  # the whole sheet was read: its merges are all here

    def _fast(self, matches: list[tuple[str, str, str, str, str, str]]) -> Iterator[tuple[int, dict[int, object]]]:
        rows: list[tuple[int, dict[int, object]]] = []
        # inline texts with entities, resolved together at the end: the row, column and text of each
        pending_rows: list[dict[int, object]] = []
        pending_cols: list[int] = []
        pending_texts: list[str] = []
        cur: Any = None  # the current row's number, as written
        values: dict[int, object] = {}
        attrs = self._attr_cache
        columns = _COLUMNS
        sst = self._shared_strings()
        dates = self._special_styles  # dates and percents: their numbers go through _value
        for col, rown, rest, v, inline, other in matches:
            if rown != cur:
                if values:
                    rows.append((int(cur), values))
                    values = {}
                cur = rown
            ci = columns.get(col)
            if ci is None:
                ci = column_index(col)
            if inline:  # <is><t>…</t></is>: the type and style do not matter
                if "&" in inline:
                    values[ci] = None
                    pending_rows.append(values)
                    pending_cols.append(ci)
                    pending_texts.append(inline)
                else:
                    values[ci] = _unescape(inline) if "_x" in inline else inline
                continue
            s = t = None
            if rest:
                st = attrs.get(rest)
                if st is None:
                    st = attrs[rest] = _style_type(rest)
                s, t = st
            if v:
                if t == "s":
                    values[ci] = sst[int(v)]
                elif (t is None or t == "n") and v.isdigit() and (s is None or s not in dates):
                    values[ci] = int(v)
                else:
                    values[ci] = self._value(v, s, t)
            elif other:
                val = self._content(other, s, t)
                if val is not _EMPTY:
                    values[ci] = val
        if values:
            rows.append((int(cur), values))
        if pending_texts:
            for vals, ci, text in zip(pending_rows, pending_cols, _decode_all(pending_texts), strict=True):
                vals[ci] = _unescape(text) if "_x" in text else text
        yield from rows

    def _generic(self, text: str) -> Iterator[tuple[int, dict[int, object]]]:
        number = self._last_row
        values: dict[int, object] = {}
        col = -1
        for row_attrs, cell_attrs, content in _TOKEN.findall(text):
            if row_attrs:
                if values:
                    yield number, values
                    values = {}
                a = dict(_ATTR.findall(row_attrs))
                number = int(a["r"]) if a.get("r") else number + 1
                self._last_row = number
                col = -1
                continue
            a = dict(_ATTR.findall(cell_attrs))
            ref = a.get("r")
            col = column_index(ref) if ref else col + 1
            s = int(a["s"]) if a.get("s") else None
            val = self._content(content, s, a.get("t")) if content else _EMPTY
            if val is not _EMPTY:
                values[col] = val
        if values:
            yield number, values

    def _rows_lxml(self, member: str, name: str = "") -> Iterator[tuple[int, dict[int, object]]]:
        ns = None
        last_row = 0
        with self._zip.open(member) as fh:
            for _, row in etree.iterparse(fh, events=("end",), tag="{*}row", **_PARSER_OPTS):
                if ns is None:
                    ns = row.tag[:-3]
                    C, V, F, IS, T, R = (ns + x for x in ("c", "v", "f", "is", "t", "r"))
                r = row.get("r")
                number = int(r) if r else last_row + 1
                if row.get("hidden") in ("1", "true"):
                    self._hidden.setdefault(name, set()).add(number)
                last_row = number
                values: dict[int, object] = {}
                col = -1
                for c in row:
                    if c.tag != C:
                        continue
                    ref = c.get("r")
                    col = column_index(ref) if ref else col + 1
                    v = f = inline = None
                    for ch in c:
                        if ch.tag == V:
                            v = ch
                        elif ch.tag == F:
                            f = ch
                        elif ch.tag == IS:
                            inline = ch
                    t = c.get("t")
                    if f is not None and (v is None or (not v.text and t != "str")):
                        values[col] = Formula("=" + (f.text or ""))
                    elif inline is not None:
                        values[col] = _rich_text(inline, T, R)
                    elif v is not None and v.text:
                        s = c.get("s")
                        values[col] = self._value(_escape(v.text) if t not in (None, "n", "s", "b") else v.text,
                                                  int(s) if s else None, t)
                if values:
                    yield number, values
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> XlsxFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Rels(dict[str, str]):
    """Relationship id -> part path, plus the relationship kind (last segment of its Type)."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: dict[str, str] = {}

    def values_kinds(self) -> list[tuple[str, str]]:
        return [(target, self.kinds.get(rid, "")) for rid, target in self.items()]


def serial_to_datetime(serial: float, epoch: dt.datetime = _EPOCH_1900) -> dt.datetime | None:
    """An Excel date serial as a datetime, or None when it cannot be a date."""
    if not 0 <= serial < 2_958_466:  # 31/12/9999
        return None
    if epoch is _EPOCH_1900 and serial < 60:
        serial += 1  # Excel counts a fictitious 29/02/1900: serials 1..59 are one day later
    try:
        return epoch + dt.timedelta(days=serial)
    except OverflowError:
        return None


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        try:
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        except (ValueError, OverflowError):
            return m.group(0)
    return _NAMED[name]


def _entities(text: str) -> str:
    return _ENTITY.sub(_entity, text) if "&" in text else text


_SEPARATOR = "\ue000"  # a private-use character, between the texts of one _decode_all document


def _decode_all(texts: list[str]) -> list[str]:
    """Resolve the XML entities of many texts at once: one document whose only text node is every
    text joined by a reference to _SEPARATOR (so that the document stays ASCII when the texts are,
    e.g. Vietnamese written as &#7879;), parsed by lxml's C parser, split again; one element per
    text when a text holds the separator itself; entity by entity when the document does not parse
    (e.g. a reference to a character XML forbids)."""
    parser = etree.XMLParser(huge_tree=True, **_PARSER_OPTS_NO_HUGE)
    try:
        joined = etree.fromstring(("<a>" + "&#xE000;".join(texts) + "</a>").encode("utf-8"), parser).text or ""
        out = joined.split(_SEPARATOR)
        if len(out) == len(texts):
            return out
        root = etree.fromstring(("<a><b>" + "</b><b>".join(texts) + "</b></a>").encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return [_entities(t) for t in texts]
    out = [b.text or "" for b in root]
    return out if len(out) == len(texts) else [_entities(t) for t in texts]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rich(inner: str) -> str:
    """Text of the inside of an <si> or <is> (markup as text): runs joined, phonetic runs dropped."""
    if "rPh" in inner:
        inner = _RPH.sub("", inner)
    return _unescape(_entities("".join(t or "" for t in _T.findall(inner))))


def _style_type(attrs: str) -> tuple[int | None, str | None]:
    a = dict(_ATTR.findall(attrs))
    return (int(a["s"]) if a.get("s") else None), a.get("t")


_ROOT = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z_][\w.:-]*)[^>]*?(/?)>", re.S)
_MISC_END = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*\Z", re.S)


def _whole_document(head: bytes, tail: bytes) -> bool:
    """Whether an XML document whose first and last bytes are `head` and `tail` ends with the end
    tag of its root element (or its root element is empty, `<worksheet/>`)."""
    m = _ROOT.match(head)
    if m is None:
        return False
    if m.group(2):
        return True
    close = b"</" + m.group(1)
    i = tail.rfind(close)
    while i >= 0:
        j = i + len(close)
        while j < len(tail) and tail[j] in b" \t\r\n":
            j += 1
        if j < len(tail) and tail[j:j + 1] == b">" and _MISC_END.match(tail, j + 1):
            return True
        i = tail.rfind(close, 0, i)
    return False


_HIDDEN_ROW = re.compile(r'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"[^>]*?\shidden="(?:1|true)"'
                         r'|<(?:\w+:)?row\b[^>]*?\shidden="(?:1|true)"[^>]*?\sr="(\d+)"')
_COL = re.compile(rb"<(?:\w+:)?col\s([^>]*)>")
_MERGE_TEXT = re.compile(r"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)\"")
_REF = re.compile(r"([A-Z]{1,3})(\d+)")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _covered(ref: str) -> dict[str, str]:
    a, b = ref.split(":")
    (c1, r1), (c2, r2) = cast("re.Match[str]", _REF.fullmatch(a)).groups(), cast("re.Match[str]", _REF.fullmatch(b)).groups()
    cols = range(_col_number(c1), _col_number(c2) + 1)
    rows = range(int(r1), int(r2) + 1)
    if len(cols) * len(rows) > 100_000:  # a whole column merged: only the first rows matter here
        rows = range(int(r1), int(r1) + 100_000 // max(1, len(cols)))
    return {f"{_col_letters(c)}{r}": ref for r in rows for c in cols if (r, c) != (int(r1), cols[0])}


def _last_end(buf: bytes, tag: bytes) -> int:
    """Offset just after the last closing tag `</…tag` in buf, or -1."""
    pos = len(buf)
    while True:
        i = buf.rfind(tag, 0, pos)
        if i < 0:
            return -1
        j = buf.rfind(b"<", 0, i)
        if j >= 0 and _CLOSE.fullmatch(buf, j, i):
            return i + len(tag)
        pos = i


def _iso_date(text: str) -> dt.datetime | str:
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text
