"""Write-back: a COPY of the input workbook with the computed columns added to sheet NhanSu.

The input file is only read (openpyxl loads it into memory); the copy is saved under a new name in
the output folder. Added columns, after the last used column of the header row (row 1), or over a
column with the same header (so a copy can be fed back without piling up columns):
Trạng thái xếp loại, Mức đề xuất (chương trình), Mức cuối cùng, Lý do, Cảnh báo, Đủ điều kiện thi đua.
Every value is written as text (`data_type = "s"`), never as a formula: `=1+1` stays `=1+1`.

The copy is made by editing the sheet's XML (lxml) and the styles part in a copy of the input's zip:
every other part is copied as it is (images, charts, comments survive), and a 10,000-person workbook
takes a fraction of a second. A workbook this cannot handle safely (.xlsm, rows or cells without
their reference, a formula where a computed column goes, no styles part, …) is copied through
openpyxl as before (which drops what it does not understand).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from pipeline.ingest.model import Campaign
from pipeline.ingest.xlsx_write import column_letter, lines, text
from pipeline.quotes import curly_quotes
from pipeline.rating.emulation import TITLES
from pipeline.rating.result import PersonRating, Ratings
from pipeline.rating.summary import STATUS_WORDS
from pipeline.submission.summary_table import reproducible_bytes

if TYPE_CHECKING:
    from lxml import etree
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

COLUMNS = (
    ("Trạng thái xếp loại", 14),
    ("Mức đề xuất (chương trình)", 12),
    ("Mức cuối cùng", 12),
    ("Lý do", 80),
    ("Cảnh báo", 60),
    ("Đủ điều kiện thi đua", 30),
)
FILL_COLOUR = "E2EFDA"  # computed columns stand out from the clerk's own


class WritebackSkipped(Exception):
    """The copy could not be written; the message (Vietnamese) says why. The build goes on."""


def _place(existing: dict[str, int], last: int) -> list[int]:
    """The column of each added column: where a header of that title already is, else after the last."""
    columns = []
    for title, _width in COLUMNS:
        col = existing.get(title)
        if col is None:
            last += 1
            col = last
        columns.append(col)
    return columns


def emulation(pr: PersonRating) -> str:
    t = pr.thi_dua
    if t is None:
        return ""
    head = f"{TITLES.get(t.de_nghi, t.de_nghi)}: {'đủ điều kiện' if t.du_dieu_kien else 'không đủ điều kiện'}"
    if t.de_nghi == "CSTDCS" and not t.du_dieu_kien and t.dat_ldtt:
        head += " (đạt Lao động tiên tiến)"
    return head


def values(pr: PersonRating, *, ngoac_kep: bool = False) -> list[str]:
    """The added columns' texts for `pr`; `ngoac_kep`: their «…» written “…” as on a paper (pipeline/quotes.py;
    only the added columns: the clerk's own cells are copied as written)."""
    out = [STATUS_WORDS[pr.trang_thai], pr.muc_de_xuat or "", (pr.muc_cuoi or "") if pr.rated else "",
           lines(pr.ly_do), lines(pr.canh_bao), emulation(pr)]
    return [curly_quotes(v) for v in out] if ngoac_kep else out


def _put_text(ws: Worksheet, row: int, col: int, value: str) -> Cell:
    cell = cast("Cell", ws.cell(row=row, column=col))  # a merged cell would refuse the value below
    cell.value = text(value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def key_data(campaign: Campaign, ratings: Ratings, *, ngoac_kep: bool = False) -> list[Any]:
    """Everything the copy adds to the input workbook (with the input's own bytes, the copy's cache key)."""
    rows = [[p.ma_so, p.refs["ma_so"].sheet, p.refs["ma_so"].row, values(ratings.of(p.ma_so), ngoac_kep=ngoac_kep)]
            for p in campaign.people if p.refs.get("ma_so") is not None]
    return [ratings.nam_danh_gia, COLUMNS, rows]


def write_copy(source: Path, dest: Path, campaign: Campaign, ratings: Ratings, *, ngoac_kep: bool = False) -> None:
    dest.write_bytes(copy_bytes(source, campaign, ratings, ngoac_kep=ngoac_kep))


def copy_bytes(source: Path, campaign: Campaign, ratings: Ratings, *, ngoac_kep: bool = False) -> bytes:
    """The bytes of the copy (raises WritebackSkipped when there can be none)."""
    source = Path(source)
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WritebackSkipped(f"Không tạo bản sao kèm kết quả: tệp «{source.name}» không phải .xlsx.")
    refs = [p.refs.get("ma_so") for p in campaign.people]
    sheets = {r.sheet for r in refs if r is not None}
    if len(sheets) != 1:
        raise WritebackSkipped("Không tạo bản sao kèm kết quả: không xác định được sheet NhanSu.")
    sheet = sheets.pop()
    rows = []
    for person in campaign.people:
        ref = person.refs.get("ma_so")
        if ref is not None:
            rows.append((ref.row, values(ratings.of(person.ma_so), ngoac_kep=ngoac_kep)))
    try:
        return _edited_copy(source, sheet, rows)
    except Exception:  # noqa: BLE001 - _NotHere, or anything unforeseen: the proven way below
        return _openpyxl_copy(source, sheet, rows, ratings.nam_danh_gia)


def _openpyxl_copy(source: Path, sheet: str, rows: list[tuple[int, list[str]]], year: int) -> bytes:
    from openpyxl import load_workbook  # here, not at import: most copies never need openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill

    _fits_openpyxl(source)
    try:
        wb = load_workbook(source)  # reads the file; the source is never written
    except Exception as exc:  # noqa: BLE001 - a copy that cannot be made is a warning, not a failure
        raise WritebackSkipped(f"Không tạo bản sao kèm kết quả: openpyxl không đọc được «{source.name}» "
                               f"({exc.__class__.__name__}).") from exc
    ws = wb[sheet]
    existing = {}
    last = 0
    for cell in ws[1]:
        if cell.value not in (None, ""):
            last = max(last, cell.column)
            existing[str(cell.value).strip()] = cell.column
    columns = _place(existing, last)
    for (title, width), col in zip(COLUMNS, columns, strict=True):
        head = _put_text(ws, 1, col, title)
        head.font, head.fill = Font(bold=True), PatternFill("solid", fgColor=FILL_COLOUR)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[head.column_letter].width = width
    for row, vals in rows:
        for col, value in zip(columns, vals, strict=True):
            cell = _put_text(ws, row, col, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return reproducible_bytes(wb, year)


OPENPYXL_LIMIT = 16 * 1024 * 1024  # sheet XML openpyxl may load (~0.5 million cells, several hundred MB of memory)


def _fits_openpyxl(source: Path) -> None:
    """openpyxl reads every sheet, also those hoso never needs (a hidden sheet of a million rows
    took minutes, then MemoryError): refuse before it starts, from the sizes in the zip directory."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as zf:
            sheets = [(i.filename, i.file_size) for i in zf.infolist() if i.filename.startswith("xl/worksheets/")]
    except (OSError, zipfile.BadZipFile) as exc:
        raise WritebackSkipped(f"Không tạo bản sao kèm kết quả: không đọc được «{source.name}».") from exc
    total = sum(size for _name, size in sheets)
    if total > OPENPYXL_LIMIT:
        raise WritebackSkipped(
            f"Không tạo bản sao kèm kết quả: sổ «{source.name}» có {len(sheets)} sheet với tổng cộng "
            f"{total / 1048576:.0f} MB dữ liệu (có thể có sheet ẩn rất lớn); bản sao phải đọc hết nên được bỏ qua "
            "(kết quả xếp loại và hồ sơ vẫn được tạo đủ).")


# ---------------------------------------------------------------------------------------------
# the copy by editing the XML
# ---------------------------------------------------------------------------------------------
class _NotHere(Exception):
    """This workbook is copied through openpyxl instead."""


_REL_ID = "}id"


def _col_index(ref: str) -> int:
    n = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    if n == 0:
        raise _NotHere
    return n




def _target(base: str, target: str) -> str:
    import posixpath

    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_of(zf: zipfile.ZipFile, part: str) -> list[Any]:
    import posixpath

    from lxml import etree

    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    try:
        root = etree.fromstring(zf.read(name), _parser())
    except KeyError:
        return []
    return [(r.get("Id"), (r.get("Type") or "").rsplit("/", 1)[-1], _target(part, r.get("Target") or ""))
            for r in root if isinstance(r.tag, str) and r.tag.endswith("Relationship")]


def _parser() -> etree.XMLParser:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


def _edited_copy(source: Path, sheet: str, rows: list[tuple[int, list[str]]]) -> bytes:
    import copy
    import io
    import zipfile

    from lxml import etree

    if source.suffix.lower() != ".xlsx":
        raise _NotHere  # .xlsm: openpyxl writes a plain .xlsx without the macros
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise _NotHere from exc
    with zf:
        try:
            book = next(t for _i, kind, t in _rels_of(zf, "") if kind == "officeDocument")
            book_rels = _rels_of(zf, book)
            by_id = {i: t for i, _k, t in book_rels}
            styles_part = next(t for _i, kind, t in book_rels if kind == "styles")
            wb_root = etree.fromstring(zf.read(book), _parser())
            el = next(e for e in wb_root.iter() if isinstance(e.tag, str) and e.tag.endswith("}sheet")
                      and e.get("name") == sheet)
            rid = next(v for k, v in el.attrib.items() if k.endswith(_REL_ID))
            sheet_part = by_id[rid]
            sheet_root = etree.fromstring(zf.read(sheet_part), _parser())
            styles_root = etree.fromstring(zf.read(styles_part), _parser())
            shared = _shared_strings(zf, book_rels)
        except (StopIteration, KeyError, etree.XMLSyntaxError, ValueError) as exc:
            raise _NotHere from exc
        header_xf, data_xf = _add_styles(styles_root, copy)
        _edit_sheet(sheet_root, rows, shared, header_xf, data_xf)
        changed = {sheet_part: sheet_root, styles_part: styles_root}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in zf.infolist():
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr, zi.create_system = info.external_attr, info.create_system
                root = changed.get(info.filename)
                data = zf.read(info) if root is None else etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                                          standalone=True)
                dst.writestr(zi, data)
    return out.getvalue()


def _shared_strings(zf: zipfile.ZipFile, book_rels: list[Any]) -> list[str]:
    from lxml import etree

    part = next((t for _i, kind, t in book_rels if kind == "sharedStrings"), None)
    if part is None:
        return []
    root = etree.fromstring(zf.read(part), _parser())
    out = []
    for si in root:
        if not isinstance(si.tag, str):
            continue
        out.append("".join(t.text or "" for t in si.iter() if isinstance(t.tag, str) and t.tag.endswith("}t")
                           and not any(a.tag.endswith("}rPh") for a in t.iterancestors() if isinstance(a.tag, str))))
    return out


def _add_styles(root: etree._Element, copy: ModuleType) -> tuple[int, int]:
    """A bold font with the default size and face, the green fill, and two cell formats (header:
    bold, filled, wrapped at the top; value: wrapped at the top); their indices."""
    from lxml import etree

    ns = etree.QName(root).namespace
    q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    fonts, fills, xfs = root.find(q("fonts")), root.find(q("fills")), root.find(q("cellXfs"))
    if fonts is None or fills is None or xfs is None or len(fonts) == 0:
        raise _NotHere

    def add(parent: etree._Element, el: etree._Element) -> int:
        parent.append(el)
        n = sum(1 for c in parent if isinstance(c.tag, str))
        parent.set("count", str(n))
        return n - 1

    bold = copy.deepcopy(next(c for c in fonts if isinstance(c.tag, str)))
    for b in bold.findall(q("b")):
        bold.remove(b)
    bold.insert(0, etree.Element(q("b")))
    font_id = add(fonts, bold)
    fill = etree.Element(q("fill"))
    pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
    etree.SubElement(pattern, q("fgColor"), rgb="FF" + FILL_COLOUR)
    etree.SubElement(pattern, q("bgColor"), indexed="64")
    fill_id = add(fills, fill)

    def xf(**attrs: Any) -> int:
        el = etree.Element(q("xf"), numFmtId="0", borderId="0", xfId="0", applyAlignment="1", **attrs)
        etree.SubElement(el, q("alignment"), vertical="top", wrapText="1")
        return add(xfs, el)

    return (xf(fontId=str(font_id), fillId=str(fill_id), applyFont="1", applyFill="1"),
            xf(fontId="0", fillId="0"))


def _edit_sheet(root: Any, rows: list[tuple[int, list[str]]], shared: list[str], header_xf: int, data_xf: int) -> None:
    from lxml import etree

    ns = etree.QName(root).namespace
    q = (lambda t: f"{{{ns}}}{t}") if ns else (lambda t: t)
    data = root.find(q("sheetData"))
    if data is None:
        raise _NotHere
    row_els: dict[int, Any] = {}
    for row in data.iterchildren(q("row")):
        if row.get("r") is None:
            raise _NotHere
        row_els[int(row.get("r"))] = row
    if 1 not in row_els:
        raise _NotHere

    def cells(row_el: Any) -> dict[int, Any]:
        out = {}
        for c in row_el.iterchildren(q("c")):
            if c.get("r") is None:
                raise _NotHere
            out[_col_index(c.get("r"))] = c
        return out

    def shown(c: Any) -> str | None:
        """The header cell's value as openpyxl gives it (None when empty)."""
        if c.find(q("f")) is not None:
            return "="
        t, v = c.get("t"), c.find(q("v"))
        if t == "inlineStr":
            text = "".join(x.text or "" for x in c.iter(q("t")))
            return text or None
        if v is None or v.text in (None, ""):
            return None
        if t == "s":
            try:
                return shared[int(v.text)] or None
            except (ValueError, IndexError) as exc:
                raise _NotHere from exc
        return str(v.text)

    header = cells(row_els[1])
    existing, last = cast(dict[str, int], {}), 0
    for col, c in header.items():
        value = shown(c)
        if value is not None:
            last = max(last, col)
            existing.setdefault(value.strip(), col)
    columns = _place(existing, last)

    def put(row_el: Any, r: int, values: list[str], style: int) -> None:
        have = cells(row_el)
        for col, value in zip(columns, values, strict=True):
            old = have.get(col)
            if old is not None and old.find(q("f")) is not None:
                raise _NotHere  # a formula there: its calculation chain would point at a text cell
            c = etree.Element(q("c"), r=f"{column_letter(col)}{r}", s=str(style))
            value = text(value)
            if value:
                c.set("t", "inlineStr")
                t = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
                t.text = value
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if old is not None:
                row_el.replace(old, c)
            have[col] = c
        others = [e for e in row_el if not (isinstance(e.tag, str) and e.tag == q("c"))]
        for col in sorted(have):
            row_el.append(have[col])
        for e in others:  # extLst and the like stay after the cells
            row_el.append(e)
        row_el.attrib.pop("spans", None)

    put(row_els[1], 1, [title for title, _w in COLUMNS], header_xf)
    for r, values in rows:
        row_el = row_els.get(r)
        if row_el is None:
            raise _NotHere
        put(row_el, r, values, data_xf)
    _widen(root, q, columns)
    dim = root.find(q("dimension"))
    if dim is not None and dim.get("ref"):
        first, _, end = dim.get("ref").partition(":")
        end = end or first
        digits = end.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        col = max(_col_index(end), *columns)
        dim.set("ref", f"{first}:{column_letter(col)}{digits}")


def _widen(root: Any, q: Callable[[str], str], columns: list[int]) -> None:
    """Column widths of COLUMNS, splitting any <col> range that covers one of them."""
    import copy

    from lxml import etree

    cols = root.find(q("cols"))
    if cols is None:
        data = root.find(q("sheetData"))
        cols = etree.Element(q("cols"))
        data.addprevious(cols)
    for col, (_title, width) in zip(columns, COLUMNS, strict=True):
        target = None
        for el in list(cols.iterchildren(q("col"))):
            lo, hi = int(el.get("min")), int(el.get("max"))
            if lo <= col <= hi:
                if lo < col:
                    before = copy.deepcopy(el)
                    before.set("max", str(col - 1))
                    el.addprevious(before)
                if hi > col:
                    after = copy.deepcopy(el)
                    after.set("min", str(col + 1))
                    el.addnext(after)
                el.set("min", str(col))
                el.set("max", str(col))
                target = el
                break
        if target is None:
            target = etree.Element(q("col"), min=str(col), max=str(col))
            later = next((e for e in cols.iterchildren(q("col")) if int(e.get("min")) > col), None)
            if later is None:
                cols.append(target)
            else:
                later.addprevious(target)
        target.set("width", str(width))
        target.set("customWidth", "1")
