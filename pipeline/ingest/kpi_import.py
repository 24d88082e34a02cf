"""`hoso nhap-ket-qua`: monthly/quarterly results exported by a KPI system (.xlsx or .csv) into the
workbook's sheets KetQuaKy and SanPham, without re-keying.

- Columns are mapped by header: the contract's keys and labels and common synonyms, case- and
  diacritic-insensitive (`Mã CB`, `Tháng`, `Điểm tiêu chí chung (30)`, `Chất lượng %` …); a
  mapping file (TOML, `[cot]` key = header) overrides, and the mapping used is saved next to the
  workbook (`<workbook>.anh_xa_ket_qua.toml`) and reused next time — one per kind of export (`KINDS`:
  `[cot_thang]`, `[cot_quy]`, `[cot_san_pham_thang]`, `[cot_san_pham_quy]`), so a quarterly export does not
  replace the monthly export's mapping a clerk corrected; a flat `[cot]` (a file written by hand, or saved
  before) serves any kind.
- An export with a product column (`ten_san_pham`) is a product export: its rows go to SanPham
  (the products of each person and period replace those already there), with one KetQuaKy row per
  person and period when it carries the general-criteria score.
- A KetQuaKy row of the same person and period is replaced (its other cells kept), others are added.
- Rows that cannot be placed (unknown person, unreadable or other-year period, unreadable number)
  are reported in Vietnamese and skipped.
- The workbook is rewritten atomically (temporary file, then rename), zip member by zip member:
  every part other than the two sheets (and the workbook's sheet list when a sheet is added) is
  copied byte for byte.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import stat
import tempfile
import tomllib
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pipeline import portable
from pipeline.errors import InputUnreadable, OutputError, ValidationFailed
from pipeline.ingest import cells, schema, sheetnames
from pipeline.ingest.problems import ERROR, Problem
from pipeline.ingest.reader import _names_lookup, find_sheets, match_name, read_workbook
from pipeline.ingest.xlsx import CellError, Formula, XlsxFile, column_index, column_letter
from pipeline.openmarks import open_marks

MAPPING_SUFFIX = ".anh_xa_ket_qua.toml"
HEADER_SCAN = 15  # rows searched for the header row of an export

# Headers a KPI export may use, folded (pipeline.ingest.cells.fold), besides each key and label.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "ma_so": ("ma", "ma so", "ma can bo", "ma cb", "ma nhan vien", "ma nv", "ma cong chuc", "ma vien chuc", "ma ccvc",
              "ma cbccvc", "ma cbcc", "ma cbvc", "ma cbcnv", "ma cb ccvc", "ma nhan su", "ma ns", "ma dinh danh", "so hieu", "so hieu cong chuc", "id", "ma ca nhan"),
    "ho_ten": ("ho ten", "ho va ten", "ten", "ten can bo", "ten nhan vien", "ho ten can bo", "nguoi thuc hien"),
    # the person's unit, only to tell apart two people of one name (`_person`); never found inside a longer header
    "don_vi": ("don vi", "ten don vi", "phong ban", "don vi cong tac", "co quan don vi", "phong", "bo phan"),
    "ky": ("ky", "ky danh gia", "ky theo doi", "thoi gian", "thoi ky", "thang quy", "thang nam", "period", "ky bao cao"),
    "thang": ("thang", "thang danh gia"),
    "quy": ("quy", "quy danh gia"),
    "nam": ("nam", "nam danh gia"),
    "diem_tieu_chi_chung": ("diem tieu chi chung", "tieu chi chung", "diem chung", "diem tc chung", "tc chung",
                            "diem tieu chi chung 30", "diem phan chung"),
    "ty_le_so_luong": ("so luong", "ty le so luong", "a", "a so luong", "so luong %", "ty le hoan thanh so luong"),
    "ty_le_chat_luong": ("chat luong", "ty le chat luong", "b", "b chat luong", "chat luong %"),
    "ty_le_tien_do": ("tien do", "ty le tien do", "c", "c tien do", "tien do %", "dung han"),
    "ty_le_ket_qua_don_vi": ("ket qua don vi", "ket qua don vi phu trach", "d", "d ket qua don vi",
                             "ket qua linh vuc phu trach", "ket qua hoat dong cua don vi",
                             "ket qua hoat dong cua don vi phu trach", "ket qua hoat dong cua co quan don vi",
                             "ket qua hoat dong cua co quan don vi phu trach", "ket qua hoat dong don vi"),
    "ty_le_to_chuc_thuc_hien": ("nang luc to chuc thuc hien", "to chuc thuc hien", "dd", "d to chuc thuc hien",
                                "nang luc to chuc trien khai", "to chuc trien khai"),
    "ty_le_doan_ket": ("nang luc tap hop doan ket", "tap hop doan ket", "doan ket", "e", "e doan ket"),
    "ten_san_pham": ("san pham", "ten san pham", "cong viec", "san pham cong viec", "ten cong viec", "nhiem vu",
                     "ten nhiem vu", "noi dung cong viec"),
    "he_so_quy_doi": ("he so", "he so quy doi", "trong so", "quy doi"),
    "hoan_thanh": ("hoan thanh", "da hoan thanh", "ket qua hoan thanh", "trang thai hoan thanh", "trang thai",
                   "tinh trang"),
    "so_lan_khong_dat": ("so lan khong dat", "khong dat", "so lan khong dat chat luong", "loi chat luong"),
    "so_lan_cham": ("so lan cham", "cham", "cham tien do", "so lan cham tien do", "tre han", "so lan tre han"),
    "mien_tru": ("mien tru", "ly do khach quan", "khach quan", "mien tru khau tru"),
}
PERIOD_KEYS = tuple(c.key for c in schema.KET_QUA_KY.columns)
PRODUCT_KEYS = tuple(c.key for c in schema.SAN_PHAM.columns)
PCT = ("ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do", "ty_le_ket_qua_don_vi", "ty_le_to_chuc_thuc_hien",
       "ty_le_doan_ket")
NUMBERS = ("diem_tieu_chi_chung", *PCT, "he_so_quy_doi")
INTS = ("so_lan_khong_dat", "so_lan_cham")
YESNO = ("hoan_thanh", "mien_tru")
ALL_KEYS = tuple(SYNONYMS)
DONE_WORDS = {"hoan thanh", "da hoan thanh", "dat", "xong", "da xong", "hoan thanh dung han", "hoan thanh cham"}
NOT_DONE_WORDS = {"chua hoan thanh", "khong hoan thanh", "chua xong", "chua dat", "khong dat", "dang thuc hien",
                  "dang lam"}


# the kinds of export a saved mapping is kept for (table `[cot_<kind>]` of the mapping file: not `[cot.<kind>]`,
# as `thang` and `quy` are keys of `[cot]` itself), in the clerk's words
KINDS = {"thang": "tệp xuất kết quả theo tháng", "quy": "tệp xuất kết quả theo quý",
         "san_pham_thang": "tệp xuất sản phẩm theo tháng", "san_pham_quy": "tệp xuất sản phẩm theo quý"}


@dataclass
class Outcome:
    mapping: dict[str, str]  # key -> export header used
    mapping_source: str  # "tu_dong" | file path
    # the export's kind (`KINDS`: "thang", "quy", "san_pham_thang", "san_pham_quy"; "" when its periods are of both
    # kinds or none could be read) and the saved table the mapping came from ("" : the flat `[cot]`, or none)
    kind: str = ""
    mapping_table: str = ""
    added: dict[str, int] = field(default_factory=lambda: {"KetQuaKy": 0, "SanPham": 0})
    replaced: dict[str, int] = field(default_factory=lambda: {"KetQuaKy": 0, "SanPham": 0})
    skipped: list[str] = field(default_factory=list)  # rows not placed, one Vietnamese line each
    skipped_rows: int = 0  # how many rows of the export those lines name
    unchanged: int = 0  # KetQuaKy rows of the export already in the workbook with the same results: left as they are
    # SanPham rows of the export whose person and period already hold the same products, in the same order, cell
    # for cell (the same product export again): left as they are, neither removed nor added
    unchanged_products: int = 0
    notes: list[str] = field(default_factory=list)
    mapping_saved: Path | None = None
    written: bool = False
    # `keep_before`: the workbook as it was before this import replaced rows of it, kept beside it (blank.keep_aside)
    kept_before: Path | None = None
    # contract key -> the sheet's name in the workbook, where it differs (ingest/sheetnames.py): the notes and
    # skipped lines already name the sheets so; a caller's own lines naming a sheet pass through `as_written`
    sheet_names: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.replaced.values())


# -- reading the export -----------------------------------------------------------------------------
def _read_export(path: Path) -> list[tuple[int, list[object]]]:
    """(row number, cells) of the export's first sheet (or the CSV), raw values."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        data = path.read_bytes()
        # UTF-16 only with its BOM or its NUL bytes: decoding any even-length text as UTF-16 "succeeds", so a
        # Windows-1258 CSV (Excel's «CSV» on a Vietnamese Windows) would otherwise be read as CJK characters
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]
        for enc in ("utf-8-sig", *(("utf-16",) if utf16 else ()), "cp1258", "latin-1"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        lines = text.splitlines()[:30]
        delimiter = max(",;\t|", key=lambda d: sum(line.count(d) for line in lines))
        return [(n, [c if c.strip() else None for c in r])
                for n, r in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)]
    with XlsxFile(path) as xf:
        names = [n for n in xf.sheetnames if xf.is_worksheet(n)]
        best: list[tuple[int, list[object]]] = []
        for name in names:  # the sheet whose header row matches most columns
            rows = []
            for number, row in xf.rows(name):
                width = max(row) + 1 if row else 0
                rows.append((number, [row.get(i) for i in range(width)]))
            _fill_merged_down(rows, xf.merged_ranges(name))
            if _header_row(rows)[1] > _header_row(best)[1]:
                best = rows
        return best


def _fill_merged_down(rows: list[tuple[int, list[object]]], ranges: list[str]) -> None:
    """A cell merged down over several rows of one column («B6:B17»: a person's name, code, STT over their
    months, as KPI exports print them) holds its value in every row it covers, as the clerk sees it. A range
    across columns (a title, a «Tổng cộng» over STT … Tháng) is left as it is: spreading it would put a title or
    a total in the code and period columns."""
    by_number = {number: row for number, row in rows}
    for ref in ranges:
        first, _, last = ref.partition(":")
        m1, m2 = re.fullmatch(r"([A-Z]+)(\d+)", first), re.fullmatch(r"([A-Z]+)(\d+)", last)
        if m1 is None or m2 is None or m1.group(1) != m2.group(1) or int(m2.group(2)) <= int(m1.group(2)):
            continue
        col, top = column_index(m1.group(1)), by_number.get(int(m1.group(2)))
        value = top[col] if top is not None and col < len(top) else None
        if value is None:
            continue
        for n in range(int(m1.group(2)) + 1, int(m2.group(2)) + 1):
            row = by_number.get(n)
            if row is None:
                continue
            row.extend([None] * (col + 1 - len(row)))
            if row[col] is None:
                row[col] = value


def _header_row(rows: list[tuple[int, list[object]]]) -> tuple[int, int]:
    """(index in rows, number of columns recognised) of the likeliest header row."""
    best = (0, 0)
    for i, (_, row) in enumerate(rows[:HEADER_SCAN]):
        hits = len({k for k in (_auto_key(_text(v)) for v in row) if k})
        if hits > best[1]:
            best = (i, hits)
    return best


def _text(value: object) -> str:
    return "" if value is None else cells.clean_text(str(value))


_KEY_LOOKUP: dict[str, str] = {}
for _spec in (schema.KET_QUA_KY, schema.SAN_PHAM):
    for _col in _spec.columns:
        for _name in (_col.key, _col.label):
            _KEY_LOOKUP.setdefault(cells.fold(_name), _col.key)
            _KEY_LOOKUP.setdefault(cells.fold(_name).replace("%", "").strip(), _col.key)
for _key, _names in SYNONYMS.items():
    for _name in _names:
        _KEY_LOOKUP.setdefault(_name, _key)


def _auto_key(header: str) -> str | None:
    f = cells.fold(header)
    if not f:
        return None
    for form in (f, f.replace("%", "").strip(), re.sub(r"\s*\d+\s*$", "", f.replace("%", "")).strip()):
        if form in _KEY_LOOKUP:
            return _KEY_LOOKUP[form]
    return None


def _auto_loose(header: str, taken: set[str]) -> str | None:
    """A header containing a synonym of three letters or more (longest wins), e.g. «Điểm tiêu chí chung (tối đa 30)»."""
    f = " " + cells.fold(header).replace("%", " ") + " "
    best = None
    for name, key in _KEY_LOOKUP.items():
        if key in taken or key == "don_vi" or len(name) < 3 or f" {name} " not in f:
            continue
        if key in PCT and _is_count(f.replace(f" {name} ", " ")):  # «Số lượng kế hoạch»: a count, not the rate
            continue
        if best is None or len(name) > len(best[0]):
            best = (name, key)
    return best[1] if best else None


# Words of a column name under a group title that say what kind of number the column holds: a count (the plan, what
# was done), a rate, a score. A name made of these only («Kế hoạch», «Tỷ lệ (%)») means nothing without its group
# title above it. Folded (cells.fold).
COUNT_WORDS = ("ke hoach", "thuc hien", "chi tieu", "giao", "kh", "th", "hoan thanh")
RATE_WORDS = ("ty le", "ti le", "%", "phan tram")
SCORE_WORDS = ("diem",)
_FILLER_WORDS = ("so", "nhiem vu", "cong viec", "da", "duoc")


def _has(folded: str, words: tuple[str, ...]) -> bool:
    return any(f" {w} " in f" {folded} " for w in words)


def _is_count(text: str) -> bool:
    """A name saying a count («Kế hoạch», «Thực hiện», «SL giao») and no rate."""
    f = cells.fold(text)
    return _has(f, COUNT_WORDS) and not _has(f, RATE_WORDS)


def _without_key(header: str, key: str) -> str:
    """`header` folded, less the names of `key` it contains («Tổ chức thực hiện (%)» less «tổ chức thực hiện»): what
    is left says whether the column is a count of it («Số lượng kế hoạch» → «kế hoạch»)."""
    f = f" {cells.fold(header).replace('%', ' % ')} "
    for name in sorted((n for n, k in _KEY_LOOKUP.items() if k == key), key=len, reverse=True):
        f = f.replace(f" {name} ", " ")
    return " ".join(f.split())


def _is_rate(text: str) -> bool:
    return _has(cells.fold(text), RATE_WORDS)


def _is_score(text: str) -> bool:
    f = cells.fold(text)
    return _has(f, SCORE_WORDS) and not _has(f, COUNT_WORDS) and not _has(f, RATE_WORDS)


def _generic(text: str) -> bool:
    """A column name made only of count, rate and score words («Kế hoạch», «Tỷ lệ (%)», «Điểm»)."""
    f = f" {cells.fold(text)} "
    if not f.strip():
        return False
    for w in sorted((*COUNT_WORDS, *RATE_WORDS, *SCORE_WORDS, *_FILLER_WORDS), key=len, reverse=True):
        f = f.replace(f" {w} ", " ").replace(f" {w} ", " ")
    return not f.strip()


@dataclass
class Header:
    """The export's header as read: one name per column; for a header of two rows whose column names repeat under
    group titles («Số lượng», «Chất lượng», «Tiến độ» merged across, each over «Kế hoạch», «Thực hiện», «Tỷ lệ
    (%)»), the names under a title joined to it («Chất lượng - Tỷ lệ (%)»), and `groups` those columns
    (index -> (group title, column name))."""

    names: list[str]
    row: int  # the row number of the (lower) header row, for messages
    data_from: int  # index in the rows of the first row under the header
    groups: dict[int, tuple[str, str]] = field(default_factory=dict)


IDENTITY_KEYS = ("ma_so", "ho_ten", "ky", "thang", "quy", "nam")


def _grouped(top: list[object], bottom: list[object]) -> dict[int, tuple[str, str]]:
    """The columns of `bottom` (column names) to join to a group title of `top` above them: those under a title
    (in the title's own column, or in the empty cells right of it: a title merged across keeps its text in its first
    cell, in a CSV too) whose name repeats under the titles or means nothing alone (`_generic`). A name merged down
    over both rows (the same text in both) or a column empty in both rows ends a group."""
    width = max(len(top), len(bottom))
    tops = [_text(top[i]) if i < len(top) else "" for i in range(width)]
    names = [_text(bottom[i]) if i < len(bottom) and not isinstance(bottom[i], (int, float)) else "" for i in range(width)]
    under: dict[int, tuple[str, str]] = {}
    title = ""
    for i in range(width):
        t, n = tops[i], names[i]
        if t:
            title = t if n and cells.fold(n) != cells.fold(t) else ""
        elif not n:
            title = ""
        if title and n:
            under[i] = (title, n)
    seen: dict[str, int] = defaultdict(int)
    for _, n in under.values():
        seen[cells.fold(n)] += 1
    return {i: (t, n) for i, (t, n) in under.items() if seen[cells.fold(n)] > 1 or _generic(n)}


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+(?:[.,]\d+)?\s*%?\s*", value) is not None


def read_header(rows: list[tuple[int, list[object]]], at: int) -> Header:
    """The header at `rows[at]`, joined with the row under it (`at` the group titles' row) or above it (`at` the
    column names' row) when those two rows are group titles over column names (`_grouped`). The row under a header
    is taken for its column names only when it holds no number and repeats the header's own names (merged down) or
    leaves them empty (a CSV) in the person's and period's columns: a first row of results does neither."""
    for top_i, bottom_i in ((at, at + 1), (at - 1, at)):
        if top_i < 0 or bottom_i >= len(rows):
            continue
        top, bottom = rows[top_i][1], rows[bottom_i][1]
        if any(_numeric(v) for v in bottom):  # a row of results (scores, rates), not of column names
            continue
        if rows[bottom_i][0] != rows[top_i][0] + 1:  # a blank row between: the upper one is the export's title block
            continue
        texts = [i for i, v in enumerate(top) if _text(v)]
        if len(texts) == 1 and not any(_text(v) for v in bottom[:texts[0]]) and texts[0] < len(bottom) and _text(bottom[texts[0]]):
            # one text over the table's first column («Đơn vị: UBND phường … - Tháng 11/2026», over «STT»): a line of
            # the title block, not a group title over some columns
            continue
        if top_i == at:
            identity = [i for i, v in enumerate(top) if _auto_key(_text(v)) in IDENTITY_KEYS]
            if any(i < len(bottom) and _text(bottom[i]) and cells.fold(_text(bottom[i])) != cells.fold(_text(top[i]))
                   for i in identity):
                continue
        groups = _grouped(top, bottom)
        if not groups:
            continue
        width = max(len(top), len(bottom))
        names = []
        for i in range(width):
            if i in groups:
                names.append(f"{groups[i][0]} - {groups[i][1]}")
            else:  # the column's name: the lower row's, else the upper row's (a CSV leaves the lower empty)
                below = _text(bottom[i]) if i < len(bottom) else ""
                names.append(below or (_text(top[i]) if i < len(top) else ""))
        return Header(names, rows[bottom_i][0], bottom_i + 1, groups)
    return Header([_text(v) for v in rows[at][1]], rows[at][0], at + 1)


def _key_words(key: str) -> str:
    labels = {c.key: c.label for s in (schema.KET_QUA_KY, schema.SAN_PHAM) for c in s.columns}
    return labels.get(key, key)


def _shown(headers: list[str], columns: list[int]) -> str:
    return ", ".join(f"«{headers[i]}» (cột {column_letter(i)})" for i in columns)


def _map_it(key: str, header: str, fix: str = "xuất lại tệp chỉ còn một cột như vậy") -> str:
    """What a clerk does when the program cannot tell a column: name it in the mapping file, or `fix` the export
    (the only way on the web page, which takes no mapping file: `pipeline.web.app._import_refusals` keeps the part
    after «; hoặc »)."""
    return (f"ghi tệp ánh xạ (bảng [cot], ví dụ {key} = {_toml_string(header)} nếu đó là cột đúng) rồi chạy lại với "
            f"--anh-xa TỆP; hoặc {fix}")


def _resolve_groups(headers: list[str], groups: dict[int, tuple[str, str]], out: dict[str, int],
                    used: set[int]) -> list[tuple[str, str]]:
    """Keys of the joined columns (`groups`), set in `out`; the reasons the export cannot be read, in Vietnamese.
    Under a group title naming a rate («Chất lượng»), the one column whose name says a rate («Tỷ lệ (%)») is that
    rate — never a count («Kế hoạch», «Thực hiện»); under a title naming the general score, the one column «Điểm».
    Under a title naming nothing known, a repeated name naming a key («Số lượng» under «Tự đánh giá» and under
    «Cấp trên đánh giá») cannot be told apart."""
    why: list[tuple[str, str]] = []
    accepted: dict[str, list[int]] = defaultdict(list)
    others: dict[str, list[int]] = defaultdict(list)  # columns under a title naming the key, none saying the rate
    titled: dict[str, str] = {}
    by_name: dict[str, list[int]] = defaultdict(list)
    for i, (title, name) in sorted(groups.items()):
        key = _auto_key(title) or _auto_loose(title, set())
        if key in PCT or key == "diem_tieu_chi_chung":
            titled.setdefault(key, title)
            if (_is_rate(name) and key in PCT) or (_is_score(name) and key == "diem_tieu_chi_chung"):
                accepted[key].append(i)
            else:
                others[key].append(i)
        else:
            named = _auto_key(name)
            if named:
                by_name[named].append(i)
    for key in sorted({*accepted, *others}, key=ALL_KEYS.index):
        if key in out:  # a saved mapping named the column
            continue
        what = "tỷ lệ (%)" if key in PCT else "điểm"
        if len(accepted[key]) == 1:
            out[key] = accepted[key][0]
            used.add(accepted[key][0])
        elif accepted[key]:
            why.append((f"Dưới tiêu đề nhóm «{titled[key]}» có nhiều cột {what}: {_shown(headers, accepted[key])}; "
                        f"không biết cột nào là «{_key_words(key)}».", _map_it(
                            key, headers[accepted[key][0]],
                            f"xóa trong tệp xuất các cột {what} thừa dưới tiêu đề «{titled[key]}», chỉ giữ cột đúng, "
                            "rồi nhập lại")))
        elif all(_is_count(headers[i].rpartition(' - ')[2]) for i in others[key]):
            why.append((f"Dưới tiêu đề nhóm «{titled[key]}» không có cột {what}: {_shown(headers, others[key])} là "
                        f"số đếm (kế hoạch, thực hiện), không phải «{_key_words(key)}»; chương trình không lấy "
                        f"{what} từ các cột này.",
                        f"một cột {what} dưới tiêu đề «{titled[key]}» (ví dụ «Tỷ lệ (%)»): xuất lại tệp kèm cột đó"))
        else:
            # a column under the title that does not say it is the rate is never taken, even alone: the clerk renames
            # the right one (exporting «only one such column» was advised, and refused again)
            which = (f"có các cột {_shown(headers, others[key])}: không biết cột nào là «{_key_words(key)}»"
                     if len(others[key]) > 1 else
                     f"chỉ có cột {_shown(headers, others[key])}, tiêu đề không nói đó là {what}: không biết có phải "
                     f"«{_key_words(key)}»")
            why.append((f"Dưới tiêu đề nhóm «{titled[key]}» {which}.", _map_it(
                            key, headers[others[key][0]],
                            f"trong tệp xuất đổi tiêu đề của cột đúng dưới «{titled[key]}» thành "
                            f"«{'Tỷ lệ (%)' if key in PCT else 'Điểm'}» rồi nhập lại")))
    for key, columns in by_name.items():
        if key in out:
            continue
        if len(columns) == 1:
            out[key] = columns[0]
            used.add(columns[0])
        else:
            why.append((f"Cột «{groups[columns[0]][1]}» có dưới nhiều tiêu đề nhóm: {_shown(headers, columns)}; "
                        f"không biết cột nào là «{_key_words(key)}».", _map_it(key, headers[columns[0]])))
    return why


def detect(headers: list[str], saved: dict[str, str] | None = None) -> tuple[dict[str, int], list[str]]:
    """key -> column index in the export; notes about the mapping."""
    index, notes, _ = detect_header(headers, saved)
    return index, notes


def detect_header(headers: list[str], saved: dict[str, str] | None = None,
                  groups: dict[int, tuple[str, str]] | None = None
                  ) -> tuple[dict[str, int], list[str], list[tuple[str, str]]]:
    """key -> column index in the export; notes about the mapping; why the columns cannot be told apart, each with
    what the clerk can do (then the export is refused): a joined column (`groups`, see `Header`) taken by its group
    title only, one key named by two columns of the same name, one column named for two keys, a rate from a count
    column."""
    groups = groups or {}
    why: list[tuple[str, str]] = []
    notes: list[str] = []
    by_fold = {cells.fold(h): i for i, h in enumerate(headers) if h}
    out: dict[str, int] = {}
    for key, header in (saved or {}).items():
        if key not in SYNONYMS:
            notes.append(f"Ánh xạ có khóa «{key}» không dùng được; bỏ qua.")
            continue
        i = by_fold.get(cells.fold(header))
        if i is None:
            notes.append(f"Cột «{header}» (ánh xạ cho «{key}») không có trong tệp xuất; chương trình tự nhận lại cột này.")
            continue
        if sum(cells.fold(h) == cells.fold(header) for h in headers) > 1:
            why.append((f"Ánh xạ ghi {key} = «{header}», nhưng tệp xuất có nhiều cột tiêu đề «{header}»: "
                        f"{_shown(headers, [j for j, h in enumerate(headers) if cells.fold(h) == cells.fold(header)])}.",
                        "đổi tiêu đề các cột trong tệp xuất cho khác nhau, rồi ghi tệp ánh xạ theo tiêu đề mới"))
            continue
        if key in PCT and (_is_count(groups[i][1]) if i in groups else _is_count(_without_key(header, key))):
            why.append((f"Ánh xạ ghi {key} = «{header}»: cột này là số đếm (kế hoạch, thực hiện), không phải "
                        f"«{_key_words(key)}».", f"sửa dòng {key} của tệp ánh xạ cho tiêu đề cột tỷ lệ (%), hoặc xóa "
                        "dòng đó để chương trình tự nhận lại"))
            continue
        out[key] = i
    twice = defaultdict(list)
    for key, i in out.items():
        twice[i].append(key)
    for i, keys in twice.items():
        if len(keys) > 1:
            why.append((f"Ánh xạ ghi cùng một cột «{headers[i]}» (cột {column_letter(i)}) cho {', '.join(keys)}; "
                        "mỗi cột của tệp xuất chỉ dùng cho một cột của sổ.",
                        "sửa tệp ánh xạ cho mỗi dòng một tiêu đề cột khác nhau"))
    used = set(out.values())
    why += _resolve_groups(headers, groups, out, used)
    for i, h in enumerate(headers):
        if i in used or i in groups or not h:
            continue
        auto = _auto_key(h)
        if auto and auto not in out:
            same = [j for j, other in enumerate(headers) if j not in used and j not in groups
                    and cells.fold(other) == cells.fold(h)]
            # (a name twice — the person's and a rater's — is only checked against the code: the first is taken)
            if len(same) > 1 and auto != "ho_ten":
                why.append((f"Có {len(same)} cột cùng tiêu đề: {_shown(headers, same)}; không biết cột nào là "
                            f"«{_key_words(auto)}».",
                            # (a mapping cannot name one of two columns of one name: it is refused as well)
                            "xóa cột thừa trong tệp xuất, hoặc đổi tiêu đề các cột cho khác nhau (cột đúng giữ tiêu "
                            "đề này), rồi nhập lại"))
                used.update(same)
                continue
            out[auto] = i
            used.add(i)
    for i, h in enumerate(headers):
        if i in used or i in groups or not h:
            continue
        auto = _auto_loose(h, set(out))
        if auto:
            out[auto] = i
            used.add(i)
    if groups:  # the keys in the export's column order, as the console shows the mapping
        out = dict(sorted(out.items(), key=lambda kv: kv[1]))
    return out, notes, why


# -- the mapping file ---------------------------------------------------------------------------------
def mapping_path(workbook: Path) -> Path:
    return workbook.with_name(workbook.stem + MAPPING_SUFFIX)


def read_mapping(path: Path) -> dict[str, str]:
    """The flat mapping of the file (`[cot]`'s own key = header lines, or a file without `[cot]`)."""
    return read_mappings(path).get("", {})


def read_mappings(path: Path) -> dict[str, dict[str, str]]:
    """Every mapping of the file: "" the flat one (`[cot]`'s key = header lines), and one per kind of export
    (`[cot_thang]`, `[cot_quy]` …, `KINDS`). Only those with a line."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputUnreadable(f"Không đọc được tệp ánh xạ «{path}» ({exc}).",
                              hint='Tệp TOML có bảng [cot], mỗi dòng dạng ma_so = "Mã cán bộ".') from exc
    table = doc.get("cot", doc)
    out = {"": {str(k): str(v) for k, v in table.items() if isinstance(v, str)}}
    for kind in KINDS:
        sub = doc.get(f"cot_{kind}")
        if isinstance(sub, dict):
            out[kind] = {str(k): str(v) for k, v in sub.items() if isinstance(v, str)}
    return {k: v for k, v in out.items() if v}


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def mapping_text(mapping: dict[str, str], source: str, kind: str = "",
                 kept: dict[str, dict[str, str]] | None = None, sources: dict[str, str] | None = None) -> str:
    """The mapping file: `mapping` (from export `source`) as the table of `kind` (`[cot_<kind>]`, or the flat `[cot]`
    when the kind is ""), beside the other tables `kept` ({kind: mapping}, "" the flat one) as they were; `sources`:
    the export each kept table was saved from, when known (its comment line)."""
    labels = {c.key: c.label for s in (schema.KET_QUA_KY, schema.SAN_PHAM) for c in s.columns}
    labels.update(ho_ten="Họ và tên (để đối chiếu)", don_vi="Đơn vị (phân biệt người trùng tên)", thang="Tháng (kèm cột năm)", quy="Quý (kèm cột năm)", nam="Năm")
    tables = {**(kept or {}), kind: mapping}
    named = {**(sources or {}), kind: source}
    lines = ["# Ánh xạ cột: tệp xuất từ phần mềm theo dõi kết quả (KPI) -> sổ hoso (sheet KetQuaKy, SanPham).",
             f"# Tạo bởi lệnh hoso nhap-ket-qua từ tệp «{source}». Bên trái là mã cột của sổ, bên phải là tiêu đề cột",
             "# trong tệp xuất. Sửa bên phải nếu phần mềm đổi tiêu đề; xóa dòng để chương trình tự nhận lại.",
             "# Mỗi loại tệp xuất có bảng riêng ([cot_thang]: kết quả theo tháng, [cot_quy]: theo quý, [cot_san_pham_thang],",
             "# [cot_san_pham_quy]: sản phẩm): nhập tệp loại này không thay ánh xạ của loại khác; bảng [cot] dùng cho mọi loại.",
             "[cot]"]

    def body(table: dict[str, str]) -> list[str]:
        return [f"{key} = {_toml_string(table[key])}  # {labels.get(key, key)}" for key in ALL_KEYS if key in table]

    lines += body(tables.get("", {}))
    for k in KINDS:
        if k in tables:
            lines += ["", f"[cot_{k}]  # {KINDS[k]}" + (f", từ tệp «{named[k]}»" if named.get(k) else ""), *body(tables[k])]
    return "\n".join(lines) + "\n"


# -- cell values ---------------------------------------------------------------------------------------
class _Skip(Exception):
    pass


def _number(value: object, what: str) -> float:
    if isinstance(value, str):
        value = value.strip().rstrip("%").strip()
    v, expected = cells.parse(schema.NUMBER, value)
    if v is None:
        raise _Skip(f"«{what}» không phải là số ({cells.show(value)})")
    return cast(float, v)  # parse gives the kind's type


def _int(value: object, what: str) -> int:
    v, expected = cells.parse(schema.INT, value)
    if v is None:
        raise _Skip(f"«{what}» không phải là số nguyên ({cells.show(value)})")
    return cast(int, v)  # parse gives the kind's type


def _yesno(value: object, what: str) -> bool:
    f = cells.fold(_text(value))
    if f in DONE_WORDS:
        return True
    if f in NOT_DONE_WORDS:
        return False
    v, _ = cells.parse(schema.YESNO, value)
    if v is None:
        raise _Skip(f"«{what}» không rõ có hay không ({cells.show(value)})")
    return cast(bool, v)  # parse gives the kind's type


def _code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value)


def _period(row: dict[str, object], year: int, headers: dict[str, str]) -> str:
    raw = row.get("ky")
    if not cells.is_blank(raw):
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
            n = int(raw)
            quarter = "quy" in cells.fold(headers.get("ky", ""))
            if (quarter and 1 <= n <= 4) or (not quarter and 1 <= n <= 12):
                return f"{year}-Q{n}" if quarter else f"{year}-{n:02d}"
        else:
            v, _ = cells.parse(schema.PERIOD, raw)
            if v is not None:
                return cast(str, v)  # parse gives the kind's type
        raise _Skip(f"kỳ «{cells.show(raw)}» không đọc được (cần tháng dạng {year}-01 hoặc quý dạng {year}-Q1)")
    y = year
    if not cells.is_blank(row.get("nam")):
        y = _int(row["nam"], headers.get("nam", "Năm"))
    for key, quarters in (("quy", True), ("thang", False)):
        raw = row.get(key)
        if cells.is_blank(raw):
            continue
        if isinstance(raw, dt.date):  # a date cell shown as mm/yyyy: its month and year
            if quarters:
                raise _Skip(f"quý «{cells.show(raw)}» là một ngày, không phải một quý")
            return f"{raw.year:04d}-{raw.month:02d}"
        if isinstance(raw, str):
            # «11/2026», «Tháng 11/2026», «Quý I/2026»: the year is written in the cell itself
            whole, _ = cells.parse(schema.PERIOD, raw if not quarters or cells.fold(raw)[:1] == "q" else f"Q{raw.strip()}")
            if whole is not None and ("Q" in cast(str, whole)) == quarters:
                return cast(str, whole)  # parse gives the kind's type
            v, _ = cells.parse(schema.PERIOD, f"{'Q' if quarters else ''}{raw.strip()}/{y}")
            if v is not None:
                return cast(str, v)  # parse gives the kind's type
        else:
            n = _int(raw, headers.get(key, key))
            if 1 <= n <= (4 if quarters else 12):
                return f"{y}-Q{n}" if quarters else f"{y}-{n:02d}"
        raise _Skip(f"{'quý' if quarters else 'tháng'} «{cells.show(raw)}» không đọc được (cần "
                    f"{'quý 1 … 4, hoặc Q1/' + str(y) if quarters else 'tháng 1 … 12, hoặc 01/' + str(y)})")
    raise _Skip("không có kỳ (tháng hoặc quý)")


# -- the workbook's current sheets ----------------------------------------------------------------------
@dataclass
class _Table:
    """One of the two sheets as it is in the workbook: headers as written, rows of raw values."""

    spec: schema.Sheet
    name: str
    exists: bool
    headers: list[str]
    columns: dict[str, int]  # key -> column index
    rows: list[list[object]]
    touched: bool = False
    # where each row is in the sheet (None: a row the import adds), parallel to `rows`; the cells the
    # import set (id of the row list -> column indexes); the sheet's rows the import removed; the
    # header's width as written. The sheet is patched with these, so everything else stays as typed.
    sources: list[int | None] = field(default_factory=list)
    edits: dict[int, set[int]] = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)
    width: int = 0


def _existing(xf: XlsxFile, found: dict[str, str], spec: schema.Sheet) -> _Table:
    name = found.get(spec.key)
    if name is None or not xf.is_worksheet(name):
        labels = [c.label for c in spec.columns]
        return _Table(spec, spec.key, False, labels, {c.key: i for i, c in enumerate(spec.columns)}, [])
    rows = list(xf.rows(name))
    header_cells = rows[0][1] if rows and rows[0][0] == 1 else {}
    width = max(header_cells) + 1 if header_cells else 0
    headers = [_text(header_cells.get(i)) for i in range(width)]
    lookup = _names_lookup(spec.columns)
    columns: dict[str, int] = {}
    for i, h in enumerate(headers):
        col = match_name(lookup, h) if h else None
        if col is not None and col.key not in columns:
            columns[col.key] = i
    for col in spec.columns:  # the contract's columns the sheet lacks: appended
        if col.key not in columns:
            columns[col.key] = len(headers)
            headers.append(col.label)
    body = rows[1:] if header_cells else rows
    out = []
    sources: list[int | None] = []
    ky = columns["ky"]
    for number, r in body:
        row = [r.get(i) for i in range(max(len(headers), (max(r) + 1) if r else 0))]
        if isinstance(row[ky], dt.date):  # «2026-01» typed into Excel became a date: keep it as the period
            row[ky] = cells.period(row[ky])
        out.append(row)
        sources.append(number)
    return _Table(spec, name, True, headers, columns, out, sources=sources, width=width if header_cells else 0)


def _row_key(t: _Table, row: list[object], people: dict[str, str]) -> tuple[str, str] | None:
    def get(key: str) -> object:
        i = t.columns[key]
        return row[i] if i < len(row) else None

    code, ky = _code(get("ma_so")), get("ky")
    if not code or cells.is_blank(ky):
        return None
    v, _ = cells.parse(schema.PERIOD, ky)
    return (people.get(code.casefold(), code), v) if v else None


def _set(t: _Table, row: list[object], key: str, value: object) -> None:
    i = t.columns[key]
    while len(row) <= i:
        row.append(None)
    row[i] = value
    t.edits.setdefault(id(row), set()).add(i)


# -- the year ---------------------------------------------------------------------------------------------
def why_no_periods(year: object, forced: object = None) -> str | None:
    """Why a workbook of `year` (CoQuan `nam_danh_gia`, `bo_quy_tac` forced or not) has no monthly or
    quarterly results to import, in Vietnamese; None when its rulebooks rate from periods (from 2026) or
    the year is not known (the import says so itself)."""
    from pipeline.rating.rulebooks import BY_CATEGORY_FROM, RULEBOOKS, for_year, uses_periods

    if not isinstance(year, int) or isinstance(year, bool):
        return None
    name = forced.strip() if isinstance(forced, str) else ""
    if name and name not in RULEBOOKS:
        name = ""  # an unknown rulebook is `hoso check`'s error; the year decides here
    if uses_periods(year, name or None):
        return None
    rb = RULEBOOKS[name] if name else for_year(year)
    if name:
        return (f"Sổ này là sổ năm đánh giá {year}, xếp loại theo bộ quy tắc ghi ở ô «Bộ quy tắc» của sheet CoQuan "
                f"({rb.title}): bộ quy tắc này không tính điểm từ kết quả từng tháng, quý (sheet KetQuaKy, SanPham), "
                "nên kết quả xuất từ phần mềm theo dõi, đánh giá (KPI) không được dùng để xếp loại.")
    return (f"Sổ này là sổ năm đánh giá {year}, xếp loại theo {rb.title}: năm {year} không tính điểm từ kết quả "
            "từng tháng, quý (sheet KetQuaKy, SanPham), nên kết quả xuất từ phần mềm theo dõi, đánh giá (KPI) không "
            f"được dùng để xếp loại. Nhập kết quả tháng, quý chỉ dùng cho sổ từ năm {BY_CATEGORY_FROM}.")


def no_periods(workbook: Path) -> str | None:
    """`why_no_periods` of the workbook, reading its CoQuan sheet only; None when it cannot be read (the
    import and `hoso check` say why)."""
    from pipeline.errors import HosoError
    from pipeline.ingest.reader import open_workbook, read_sheet

    try:
        with open_workbook(Path(workbook)) as xf:
            found, _ = find_sheets(xf.sheetnames)
            if "CoQuan" not in found:
                return None
            sheet = read_sheet(xf, "CoQuan", found["CoQuan"], [])
    except (HosoError, OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    if not sheet.rows:
        return None
    v = sheet.rows[0].values
    return why_no_periods(v.get("nam_danh_gia"), v.get("bo_quy_tac"))


# -- import -----------------------------------------------------------------------------------------------
def run(export: Path, workbook: Path, *, mapping_file: Path | None = None, dry_run: bool = False,
        keep_before: bool = False) -> Outcome:
    """Import `export` into `workbook`'s KetQuaKy/SanPham; every line names the sheets as the workbook does
    («sheet «Nhân sự»» in a workbook whose tabs are named in Vietnamese). `keep_before` (the clerk's own workbook,
    not a copy): when the import replaces rows already there — results typed or corrected by hand —, the workbook
    as it was is first kept beside it (`Outcome.kept_before`)."""
    names: dict[str, str] = {}
    try:
        outcome = _run(export, workbook, names, mapping_file=mapping_file, dry_run=dry_run, keep_before=keep_before)
    except ValidationFailed as exc:
        # said as an import: nothing was written into the workbook, and the errors may be the export's own
        problems = [sheetnames.problem_as_written(p, names) for p in exc.problems]
        name = Path(export).name
        in_export = all(p.sheet == name for p in problems if p.is_error)
        raise ValidationFailed(problems, printed=exc.printed,
                               source=f"Tệp xuất «{name}»" if in_export else "Sổ Excel",
                               undone="chưa nhập gì vào sổ",
                               fix="các chỗ được nêu" if in_export else "các ô được nêu") from None
    outcome.notes = [sheetnames.as_written(n, names) for n in outcome.notes]
    outcome.skipped = [sheetnames.as_written(n, names) for n in outcome.skipped]
    outcome.sheet_names = names
    return outcome


def _run(export: Path, workbook: Path, names_found: dict[str, str], *, mapping_file: Path | None = None,
         dry_run: bool = False, keep_before: bool = False) -> Outcome:
    export, workbook = Path(export), Path(workbook)
    data, problems = read_workbook(workbook)
    names_found.update(sheetnames.names_in(data))
    errors = [p for p in problems if p.is_error and p.sheet in ("CoQuan", "NhanSu", "")]
    coquan = data.get("CoQuan")
    year = coquan.rows[0].values.get("nam_danh_gia") if coquan is not None and coquan.rows else None
    if not year:
        errors.append(Problem(ERROR, "CoQuan", "Chưa có năm đánh giá; không biết kỳ thuộc năm nào.",
                              expected="ghi «Năm đánh giá» ở sheet CoQuan"))
    nhansu = data.get("NhanSu")
    if nhansu is None or not nhansu.rows:
        errors.append(Problem(ERROR, "NhanSu", "Sổ chưa có danh sách nhân sự để đối chiếu mã số."))
    if errors or nhansu is None or not year:  # (None and no year are in `errors`)
        raise ValidationFailed(errors)
    unused = why_no_periods(year, coquan.rows[0].values.get("bo_quy_tac") if coquan is not None else None)
    people = {r.values["ma_so"].casefold(): r.values["ma_so"] for r in nhansu.rows if "ma_so" in r.values}
    names: dict[str, list[str]] = defaultdict(list)
    name_of: dict[str, str] = {}
    for r in nhansu.rows:
        if "ma_so" in r.values and "ho_ten" in r.values:
            names[cells.fold(r.values["ho_ten"])].append(r.values["ma_so"])
            name_of[r.values["ma_so"]] = r.values["ho_ten"]

    unit_names = {r.values["ma_don_vi"]: r.values.get("ten_don_vi", "") for r in data["DonVi"].rows
                  if "ma_don_vi" in r.values} if data.get("DonVi") is not None else {}
    units = {r.values["ma_so"]: {cells.fold(r.values["ma_don_vi"]), cells.fold(unit_names.get(r.values["ma_don_vi"], ""))}
             for r in nhansu.rows if "ma_so" in r.values and "ma_don_vi" in r.values}
    rows = _read_export(export)
    saved_path = mapping_file or mapping_path(workbook)
    tables = read_mappings(saved_path) if saved_path.exists() else {}
    if mapping_file is not None and not mapping_file.exists():
        raise InputUnreadable(f"Không có tệp ánh xạ «{mapping_file}».")
    if not rows:
        raise InputUnreadable(f"Tệp «{export}» không có dữ liệu.")
    table, at, kind = _choose(rows, tables, int(year))
    saved = tables.get(table) if table is not None else None
    head = read_header(rows, at)
    header_number, headers = head.row, head.names
    index, notes, unclear = detect_header(headers, saved, head.groups)
    if unclear:  # a wrong column taken silently is worse than none: the clerk says which
        raise ValidationFailed([Problem(ERROR, export.name, why, row=header_number, expected=what)
                                for why, what in unclear])
    if "ten_san_pham" not in index:
        # a product's cells (done or not, weight, failures) only mean something on a product's row: in an export of
        # results «Đơn vị hoàn thành chỉ tiêu (%)» is not «Hoàn thành» (every row was refused as «không rõ có hay không»)
        for key in ("he_so_quy_doi", "hoan_thanh", "so_lan_khong_dat", "so_lan_cham", "mien_tru"):
            index.pop(key, None)
    mapping = {k: headers[i] for k, i in index.items()}
    outcome = Outcome(mapping, str(saved_path) if saved else "tu_dong", kind=kind, mapping_table=table or "",
                      notes=notes)
    if unused:  # the command imports anyway (a clerk may keep the rows for the record): the console says so
        outcome.notes.insert(0, unused)
    if "ma_so" not in index and "ho_ten" not in index:
        raise ValidationFailed([Problem(ERROR, export.name, "Không nhận ra cột mã số (hoặc họ tên) của người được đánh giá.",
                                        row=header_number, expected=_mapping_hint(headers, workbook))])
    if not {"ky", "thang", "quy"} & set(index):
        raise ValidationFailed([Problem(ERROR, export.name, "Không nhận ra cột kỳ (tháng hoặc quý).",
                                        row=header_number, expected=_mapping_hint(headers, workbook))])
    products_mode = "ten_san_pham" in index
    if not products_mode and not {"diem_tieu_chi_chung", "ty_le_so_luong"} & set(index):
        raise ValidationFailed([Problem(ERROR, export.name, "Không nhận ra cột điểm tiêu chí chung, tỷ lệ số lượng, chất "
                                        "lượng, tiến độ hay sản phẩm nào.", row=header_number,
                                        expected=_mapping_hint(headers, workbook))])
    if "ho_ten" in index and "ma_so" not in index:
        outcome.notes.append("Tệp xuất không có cột mã số: đối chiếu người theo họ và tên (chỉ khi tên không trùng).")
    outcome.notes += _unused_columns(headers, rows[head.data_from:], index)
    foreign = _foreign_codes(rows[head.data_from:], index, people)
    if foreign:
        shown = ", ".join(f"«{c}»" for c in foreign[:3]) + (" …" if len(foreign) > 3 else "")
        if "ho_ten" in index:
            del index["ma_so"]  # (the mapping keeps it: the same export is read so again)
            outcome.notes.append(f"Cột «{mapping['ma_so']}» của tệp xuất không có mã số nào của sheet NhanSu ({shown}): "
                                 "đây là mã riêng của phần mềm theo dõi; chương trình đối chiếu người theo họ và tên "
                                 f"(cột «{mapping['ho_ten']}», chỉ khi tên không trùng).")
        else:
            outcome.notes.append(f"Cột «{mapping['ma_so']}» của tệp xuất không có mã số nào của sheet NhanSu ({shown}) "
                                 "và tệp xuất không có cột họ tên: không đối chiếu được người nào. Xuất lại tệp kèm "
                                 "cột «Họ và tên», hoặc ghi mã số của sổ vào cột mã.")
    fractions = _fraction_columns(rows[head.data_from:], index)
    for key in fractions:
        outcome.notes.append(f"Cột «{mapping[key]}» ghi tỷ lệ dạng 0–1; chương trình đổi sang phần trăm (× 100).")

    xf = XlsxFile(workbook)
    try:
        found, _ = find_sheets(xf.sheetnames)
        periods_t = _existing(xf, found, schema.KET_QUA_KY)
        products_t = _existing(xf, found, schema.SAN_PHAM)
    finally:
        xf.close()

    period_rows: dict[tuple[str, str], dict[str, object]] = {}
    product_rows: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    conflicting: dict[tuple[str, str], list[str]] = {}  # one person and period with different results: rows
    first_at: dict[tuple[str, str], str] = {}
    not_results: list[str] = []  # rows naming no person and no period: a total, the signer's lines …
    signed: list[str] = []  # rows with a name (or code) only, no period and no number: the signer's lines
    same_skip: dict[tuple[str, str], tuple[int, list[int]]] = {}  # (who, why) -> (its line in skipped, rows)
    for number, raw in rows[head.data_from:]:
        rec = {k: raw[i] for k, i in index.items() if i < len(raw) and not cells.is_blank(raw[i])}
        if not rec or _numbering_row(raw):
            continue
        if not {"ma_so", "ho_ten", "ky", "thang", "quy"} & set(rec):
            shown = next((_text(v) for v in raw if _text(v)), "")
            not_results.append(f"dòng {number}" + (f" «{shown if len(shown) <= 60 else shown[:59] + '…'}»" if shown else ""))
            continue
        if not {"ky", "thang", "quy", "ten_san_pham"} & set(rec) and not any(
                _numeric(rec[k]) for k in (*NUMBERS, *INTS) if k in rec):
            # a name or a code and no period, no number: the signer's lines under the table («Người lập biểu»,
            # «(Ký tên)», the name signed), not a person's results
            shown = " ".join(_text(rec[k]) for k in ("ma_so", "ho_ten", "don_vi") if k in rec)
            signed.append(f"dòng {number} «{shown if len(shown) <= 60 else shown[:59] + '…'}»")
            continue
        where = f"Dòng {number}"
        try:
            code = _person(rec, people, names, name_of, units)
            ky = _period(rec, year, mapping)
            if not ky.startswith(f"{year}-"):
                raise _Skip(f"kỳ {ky} không thuộc năm đánh giá {year}")
            values: dict[str, object] = {}
            for key in NUMBERS:
                if key in rec:
                    x = _number(rec[key], mapping[key])
                    values[key] = round(x * 100, 6) if key in fractions else x
            for key in INTS:
                if key in rec:
                    values[key] = _int(rec[key], mapping[key])
            for key in YESNO:
                if key in rec:
                    values[key] = _yesno(rec[key], mapping[key])
        except _Skip as why:
            who = _text(rec.get("ma_so")) or _text(rec.get("ho_ten"))
            outcome.skipped_rows += 1
            # one line for the rows of one person skipped for one reason (a person not in NhanSu: twelve months)
            at, numbers = same_skip.setdefault((who, str(why)), (len(outcome.skipped), []))
            numbers.append(number)
            line = (f"{where}{f' ({who})' if who else ''}: {why}; dòng này không được nhập." if len(numbers) == 1 else
                    f"{_rows_said(numbers)}{f' ({who})' if who else ''}: {why}; {len(numbers)} dòng này không được nhập.")
            if at == len(outcome.skipped):
                outcome.skipped.append(line)
            else:
                outcome.skipped[at] = line
            continue
        slot = (code, ky)
        if products_mode:
            name = _text(rec.get("ten_san_pham"))
            if not name:
                outcome.skipped_rows += 1
                outcome.skipped.append(f"{where} ({code}, {ky}): không có tên sản phẩm, công việc; dòng này không được nhập.")
                continue
            if "hoan_thanh" not in values:
                outcome.skipped_rows += 1
                outcome.skipped.append(f"{where} ({code}, {ky}): không rõ sản phẩm «{name}» đã hoàn thành hay chưa; "
                                       "dòng này không được nhập.")
                continue
            product_rows[slot].append({"ma_so": code, "ky": ky, "ten_san_pham": name,
                                      **{k: values[k] for k in PRODUCT_KEYS if k in values}})
            general = values.get("diem_tieu_chi_chung")
            if general is not None:
                prev = period_rows.setdefault(slot, {"ma_so": code, "ky": ky, "diem_tieu_chi_chung": general})
                first_at.setdefault(slot, where)
                if prev["diem_tieu_chi_chung"] != general:
                    conflicting.setdefault(slot, [first_at[slot]]).append(where)
        else:
            row = {"ma_so": code, "ky": ky, **{k: values[k] for k in PERIOD_KEYS if k in values}}
            if slot in conflicting:
                conflicting[slot].append(where)
                continue
            if slot in period_rows:
                if period_rows[slot] == row:
                    outcome.notes.append(f"{where} ({code}, {ky}): trùng người và kỳ với {first_at[slot]}, cùng "
                                         "kết quả; nhập một lần.")
                    continue
                # Two different results of one person and month: which is right is the KPI system's to
                # say, not ours (a later row may be a correction, or another person's under a wrong code).
                conflicting[slot] = [first_at[slot], where]
                del period_rows[slot]
                continue
            period_rows[slot], first_at[slot] = row, where
    if not_results:
        outcome.notes.append(f"Bỏ qua {len(not_results)} dòng không có mã số, họ tên và kỳ (không phải kết quả của một "
                             f"người: dòng cộng, chữ ký …): {', '.join(not_results)}.")
    if signed:
        outcome.notes.append(f"Bỏ qua {len(signed)} dòng chỉ có chữ ở cột họ tên hoặc mã, không có kỳ và điểm nào (dòng "
                             f"cộng, chữ ký dưới bảng, không phải kết quả của một người): {', '.join(signed)}.")
    for (code, ky), wheres in conflicting.items():
        if products_mode:  # the products are imported; the period's general score is not, being unsure
            period_rows.pop((code, ky), None)
            outcome.notes.append(f"{', '.join(wheres)} ({code}, {ky}): điểm tiêu chí chung khác nhau giữa các dòng "
                                 "của cùng kỳ; chưa nhập điểm này — ghi tay ở sheet KetQuaKy.")
            continue
        outcome.skipped_rows += len(wheres)
        outcome.skipped.append(f"{', '.join(wheres)} ({code}, {ky}): cùng người, cùng kỳ nhưng kết quả khác nhau; "
                               "các dòng này không được nhập — sửa tệp xuất cho còn một dòng, hoặc nhập tay ở sheet KetQuaKy.")

    _merge(periods_t, products_t, period_rows, product_rows, people, outcome)
    if products_mode:
        have = {_row_key(periods_t, r, people) for r in periods_t.rows}
        lacking = sorted(k for k in product_rows if k not in have)
        if lacking:
            shown = ", ".join(f"{c} {k}" for c, k in lacking[:10]) + (" …" if len(lacking) > 10 else "")
            outcome.notes.append(f"{len(lacking)} kỳ có sản phẩm nhưng chưa có dòng ở sheet KetQuaKy (cần điểm tiêu chí "
                                 f"chung): {shown}.")
    if dry_run or not outcome.changed:
        return outcome
    _refuse_if_open(workbook)
    if keep_before and any(outcome.replaced.values()):  # rows of the clerk's replaced: the workbook kept as it was
        from pipeline.ingest import blank

        try:
            outcome.kept_before = blank.keep_aside(workbook)
        except OSError as exc:
            raise OutputError(f"Không chép giữ lại được sổ «{workbook}» trước khi nhập ({exc.strerror or exc}); "
                              "chưa nhập gì vào sổ.", hint="Kiểm tra quyền ghi và dung lượng đĩa của thư mục chứa sổ.") from exc
    try:
        _write(workbook, [t for t in (periods_t, products_t) if t.touched])
    except BaseException:
        if outcome.kept_before is not None:  # the workbook is as it was: no copy of it left beside
            os.unlink(outcome.kept_before)
            outcome.kept_before = None
        raise
    outcome.written = True
    target = mapping_path(workbook)
    # the other kinds' mappings are kept as they were: those of the file next to the workbook, else (a first import
    # next to this workbook, the web's copy in a temporary folder) those of the file this import read
    base = read_mappings(target) if target.exists() else dict(tables)
    if kind and saved is not None and base.get("") == saved:  # the flat mapping used becomes this kind's
        base.pop("")
    sources = dict(re.findall(r"(?m)^\[cot_(\w+)\]\s*#.*?từ tệp «(.*)»\s*$",
                              target.read_text(encoding="utf-8") if target.exists() else ""))
    text = mapping_text(mapping, export.name, kind, kept={k: v for k, v in base.items() if k != kind}, sources=sources)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        _atomic_write(target, text.encode("utf-8"))
        outcome.mapping_saved = target
    return outcome


def _header_at(rows: list[tuple[int, list[object]]], saved: dict[str, str] | None) -> int:
    """The header row's index: the likeliest by the known headers, or the one the saved mapping names better."""
    at, hits = _header_row(rows)
    if saved:  # the header row is the one the saved mapping names best
        wanted = {cells.fold(h) for h in saved.values()}
        scored = [(sum(cells.fold(_text(v)) in wanted for v in r), -i) for i, (_, r) in enumerate(rows[:HEADER_SCAN])]
        if scored and max(scored)[0] > hits:
            at = -max(scored)[1]
    return at


def _kind_of(rows: list[tuple[int, list[object]]], index: dict[str, int], mapping: dict[str, str], year: int) -> str:
    """The export's kind (`KINDS`) as read with `index`: its periods all months or all quarters, a product export
    or not; "" when the periods read are of both kinds, or none could be read."""
    seen = set()
    for _, raw in rows:
        rec = {k: raw[i] for k, i in index.items() if i < len(raw) and not cells.is_blank(raw[i])}
        if not rec or _numbering_row(raw):
            continue
        try:
            seen.add("quy" if "Q" in _period(rec, year, mapping) else "thang")
        except (_Skip, ValueError, TypeError):
            continue
    if len(seen) != 1:
        return ""
    return ("san_pham_" if "ten_san_pham" in index else "") + seen.pop()


def _choose(rows: list[tuple[int, list[object]]], tables: dict[str, dict[str, str]],
            year: int) -> tuple[str | None, int, str]:
    """(the saved table to use — a kind, "" the flat one, None for none —, the header row's index, the export's
    kind). The table of the export's own kind, as each table reads it; among those left, the one whose headers
    the export has most (less those it lacks); a kind's table before the flat one."""
    best: tuple[tuple[bool, int, bool], str | None, int, str] | None = None
    # (no saved table at all is a candidate too: a table of another kind naming few of the export's columns — the
    # monthly export's mapping before a first quarterly export — is worse than the columns recognised by name)
    candidates: list[tuple[str | None, dict[str, str]]] = [*tables.items(), (None, {})]
    for name, saved in candidates:
        at = _header_at(rows, saved or None)
        head = read_header(rows, at)
        headers = head.names
        index, _, _ = detect_header(headers, saved or None, head.groups)
        kind = _kind_of(rows[head.data_from:], index, {k: headers[i] for k, i in index.items()}, year)
        present = {cells.fold(h) for h in headers if h}
        found = sum(cells.fold(h) in present for h in saved.values())
        score = (bool(name) and name == kind, 2 * found - len(saved), bool(name))
        if best is None or score > best[0]:
            best = (score, name, at, kind)
    assert best is not None
    return best[1], best[2], best[3]


def _mapping_hint(headers: list[str], workbook: Path) -> str:
    shown = ", ".join(f"«{h}»" for h in headers if h) or "(không có tiêu đề)"
    return (f"tiêu đề cột ở một trong {HEADER_SCAN} dòng đầu; các cột đang có: {shown}. Hoặc ghi tệp ánh xạ "
            f"«{mapping_path(workbook).name}» (bảng [cot], ví dụ ma_so = \"Mã cán bộ\", ky = \"Tháng\") và chạy lại "
            "với --anh-xa")


def _numbering_row(raw: list[object]) -> bool:
    """The row numbering the columns under the header («(1)», «(2)» … or 1, 2 …, as Vietnamese tables print
    it): its cells, in order, are 1, 2, 3 … (three at least). A person's row never reads so."""
    found = [_text(v) for v in raw if _text(v)]
    return len(found) >= 3 and all(re.fullmatch(rf"\(?{n}\)?", v) for n, v in enumerate(found, start=1))


def _fraction_columns(rows: list[tuple[int, list[object]]], index: dict[str, int]) -> set[str]:
    """Rate columns written as 0–1 (Excel percent cells): every value within 0–1, some strictly between."""
    out = set()
    for key in PCT:
        i = index.get(key)
        if i is None:
            continue
        vals = []
        for _, r in rows:
            v = r[i] if i < len(r) else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                vals.append(float(v))
            elif isinstance(v, str) and v.strip():
                vals = []
                break
        if vals and all(0 <= v <= 1 for v in vals) and any(0 < v < 1 for v in vals):
            out.add(key)
    return out


def _rows_said(numbers: list[int]) -> str:
    """«Dòng 56–67», «Dòng 5, 9, 12–14»: row numbers in order, runs joined."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "Dòng " + ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs)


LEADER_PCT = ("ty_le_ket_qua_don_vi", "ty_le_to_chuc_thuc_hien", "ty_le_doan_ket")


def _unused_columns(headers: list[str], rows: list[tuple[int, list[object]]], index: dict[str, int]) -> list[str]:
    """Notes on the export's columns holding numbers that no key took («Tổng điểm», a leader's rate under a name the
    program does not know), and on a leader's rates d), đ), e) found in part: the clerk sees what was left out."""
    used = set(index.values())
    left = []
    for i, h in enumerate(headers):
        if i in used or not h or _auto_key(h) in IDENTITY_KEYS or cells.fold(h) in ("stt", "tt", "so tt", "so thu tu"):
            continue
        if _is_count(h.rpartition(" - ")[2]):  # a count («Kế hoạch», «Thực hiện»): never a rate, left knowingly
            continue
        if any(i < len(raw) and _numeric(raw[i]) and not _numbering_row(raw) for _, raw in rows):
            left.append(i)
    notes = []
    if left:
        notes.append(f"Các cột có số sau của tệp xuất không dùng: {_shown(headers, left)}. Tổng điểm, xếp loại "
                     "do chương trình tự tính từ các cột đã nhận; nếu một cột là tỷ lệ hay điểm của sổ dưới tên khác, "
                     "ghi tệp ánh xạ (bảng [cot], ví dụ ty_le_ket_qua_don_vi = \"tiêu đề cột\") rồi chạy lại với --anh-xa.")
    found = [k for k in LEADER_PCT if k in index]
    if found and len(found) < len(LEADER_PCT):
        missing = [k for k in LEADER_PCT if k not in index]
        notes.append(f"Tệp xuất có cột {', '.join(f'«{headers[index[k]]}»' for k in found)} của người lãnh đạo, quản lý "
                     f"nhưng chương trình không nhận ra cột {', '.join(f'«{_key_words(k)}»' for k in missing)}: dòng "
                     "nhập mới của người lãnh đạo, quản lý sẽ thiếu tỷ lệ này (hoso check báo lỗi). Nếu tệp có cột đó "
                     f"dưới tên khác, ghi tệp ánh xạ (bảng [cot], ví dụ {missing[0]} = \"tiêu đề cột\") rồi chạy lại "
                     "với --anh-xa.")
    return notes


def _foreign_codes(rows: list[tuple[int, list[object]]], index: dict[str, int], people: dict[str, str]) -> list[str]:
    """The codes of the export's code column when none of them is a mã số of NhanSu (a KPI system numbering its staff
    its own way, «CB000123»): then the column does not say who a row is. Empty when a code matches, or none is there."""
    i = index.get("ma_so")
    if i is None:
        return []
    codes: list[str] = []
    for _, raw in rows:
        code = _code(raw[i]) if i < len(raw) else ""
        if not code:
            continue
        if code.casefold() in people:
            return []
        if code not in codes:
            codes.append(code)
    return codes


# words a KPI system or a clerk may write before a name («Ông Trịnh Văn Bảo», «Đ/c Lan»), folded (cells.fold)
TITLES = ("ong", "ba", "anh", "chi", "co", "thay", "dong chi", "d c", "dc")


def _name_forms(name: str) -> list[str]:
    """`name`, then without a title before it («Ông Trịnh Văn Bảo» → «Trịnh Văn Bảo», «Đ/c Lan» → «Lan» is not
    taken: a name of one word is no full name), to compare names."""
    words = name.split()
    for k in (2, 1):
        if len(words) > k + 1 and cells.fold(" ".join(words[:k])) in TITLES:
            return [name, " ".join(words[k:])]
    return [name]


def _has_marks(text: str) -> bool:
    """`text` has a Vietnamese diacritic (a tone or vowel mark, «đ»)."""
    return any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFD", text)) or "đ" in text.casefold()


def _person(rec: dict[str, object], people: dict[str, str], names: dict[str, list[str]], name_of: dict[str, str],
            units: dict[str, set[str]] | None = None) -> str:
    """The NhanSu mã số of the export's row `rec`: by its code (its name checked), else by its name — of two people
    of one name, the one whose unit (`units`: mã số -> the unit's code and name, folded) the row's `don_vi` names."""
    code = _code(rec.get("ma_so"))
    name = _text(rec.get("ho_ten"))
    if code:
        found = people.get(code.casefold())
        if found is None:
            raise _Skip(f"mã số «{code}» không có trong sheet NhanSu")
        # The export's name is there to be checked: a KPI system numbering its staff its own way would
        # otherwise put one person's results on another (with or without diacritics, in any case).
        if name and found in name_of and cells.fold(name_of[found]) not in map(cells.fold, _name_forms(name)):
            raise _Skip(f"mã số «{code}» trong sheet NhanSu là {name_of[found]}, tệp xuất ghi «{name}»; "
                        "kiểm tra lại mã số trong tệp xuất (hoặc họ tên trong sổ)")
        return found
    if not name:
        raise _Skip("không có mã số")
    forms = _name_forms(name)
    matches = names.get(cells.fold(forms[0]), []) or (names.get(cells.fold(forms[1]), []) if len(forms) > 1 else [])
    if matches and _has_marks(name):
        # a name written with its diacritics is that name: «Đỗ Văn Năm» is not «Đỗ Văn Nam» (an export without
        # diacritics, «Do Van Nam», is compared without them)
        keys = {cells.name_key(form) for form in forms}
        exact = [m for m in matches if cells.name_key(name_of[m]) in keys]
        if not exact:
            raise _Skip(f"họ tên «{name}» khác dấu với {', '.join(f'«{name_of[m]}» ({m})' for m in matches)} trong sheet "
                        "NhanSu: không biết có phải một người; sửa tên trong sổ hoặc trong tệp xuất cho giống nhau")
        matches = exact
    unit = cells.fold(_text(rec.get("don_vi")))
    if len(matches) > 1 and unit and units:
        in_unit = [m for m in matches if unit in units.get(m, set())]
        if len(in_unit) == 1:
            return in_unit[0]
    if len(matches) != 1:
        if matches:
            said = _text(rec.get("don_vi"))
            raise _Skip(f"họ tên «{name}» trùng nhiều người trong sheet NhanSu ({', '.join(matches)})"
                        + (f"; đơn vị «{said}» của tệp xuất không phải tên hay mã đơn vị (sheet DonVi) của đúng một "
                           "người trong số đó" if said else "")
                        + "; cần cột mã số của sổ, hoặc cột đơn vị ghi như tên hay mã đơn vị ở sheet DonVi, trong tệp "
                          "xuất để biết là ai")
        raise _Skip(f"họ tên «{name}» không có trong sheet NhanSu (người chưa có trong sổ: thêm vào sheet NhanSu rồi "
                    "nhập lại; tên viết khác trong sổ: sửa cho giống nhau)")
    return matches[0]


def _same(old: object, new: object) -> bool:
    """The workbook's cell `old` already holds the imported `new` (95 typed, «95%» in a percent cell, «95» as text)."""
    if isinstance(new, bool):
        return cells.parse(schema.YESNO, old)[0] is new
    if isinstance(new, (int, float)):
        if isinstance(old, cells.Percent):
            old = float(old) * 100
        try:
            number = _number(old, "")
        except _Skip:
            return False
        return abs(number - new) < 1e-9
    return _text(old) == _text(new)


def _merge(periods_t: _Table, products_t: _Table, period_rows: dict[tuple[str, str], dict[str, object]],
           product_rows: dict[tuple[str, str], list[dict[str, object]]], people: dict[str, str], outcome: Outcome) -> None:
    """KetQuaKy: a row of the same person and period is replaced (its other cells kept) unless it already holds
    the same results (then left as it is), others added.
    SanPham: the products of each person and period imported replace those already there, unless those are
    already the same products (then left as they are)."""
    product_rows = _new_products(products_t, product_rows, people, outcome)
    periods_t.touched, products_t.touched = bool(period_rows), bool(product_rows)
    where: dict[tuple[str, str], int] = {}
    for i, r in enumerate(periods_t.rows):
        k = _row_key(periods_t, r, people)
        if k is not None:
            where.setdefault(k, i)
    for k, rec in period_rows.items():
        row: list[object]
        if k in where:
            row = periods_t.rows[where[k]]
            if all(_same(row[periods_t.columns[key]] if periods_t.columns[key] < len(row) else None, value)
                   for key, value in rec.items()):
                outcome.unchanged += 1  # imported before (a cumulative export, the same file twice): not a change
                continue
            outcome.replaced["KetQuaKy"] += 1
        else:
            row = []
            periods_t.rows.append(row)
            periods_t.sources.append(None)
            outcome.added["KetQuaKy"] += 1
        for key, value in rec.items():
            _set(periods_t, row, key, value)
    if product_rows:
        kept, kept_sources = [], []
        for r, source in zip(products_t.rows, products_t.sources or [None] * len(products_t.rows), strict=True):
            if _row_key(products_t, r, people) in product_rows:
                outcome.replaced["SanPham"] += 1  # an old product row of a period imported again: removed
                if source is not None:
                    products_t.removed.append(source)
            else:
                kept.append(r)
                kept_sources.append(source)
        products_t.rows[:] = kept
        products_t.sources[:] = kept_sources
        for recs in product_rows.values():
            for rec in recs:
                row = []
                for key, value in rec.items():
                    _set(products_t, row, key, value)
                products_t.rows.append(row)
                products_t.sources.append(None)
                outcome.added["SanPham"] += 1


def _new_products(products_t: _Table, product_rows: dict[tuple[str, str], list[dict[str, object]]],
                  people: dict[str, str], outcome: Outcome) -> dict[tuple[str, str], list[dict[str, object]]]:
    """The imported products of the persons and periods whose SanPham rows differ; a person and period whose rows
    already hold the imported products (as many, in the same order, every contract cell the same: the same export
    again) is left out and counted in `outcome.unchanged_products`."""
    held: dict[tuple[str, str], list[list[object]]] = defaultdict(list)
    for r in products_t.rows:
        k = _row_key(products_t, r, people)
        if k is not None and k in product_rows:
            held[k].append(r)
    keys = [c.key for c in products_t.spec.columns if c.key not in ("ma_so", "ky")]  # those two: the row's key

    def cell(row: list[object], key: str) -> object:
        i = products_t.columns[key]
        return row[i] if i < len(row) else None

    out = {}
    for k, recs in product_rows.items():
        rows = held.get(k, [])
        if len(rows) == len(recs) and all(_same(cell(row, key), rec.get(key))
                                          for row, rec in zip(rows, recs, strict=True) for key in keys):
            outcome.unchanged_products += len(recs)
        else:
            out[k] = recs
    return out


# -- writing ---------------------------------------------------------------------------------------------
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WS_TYPE = _REL + "/worksheet"
_WS_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def _xml(text: str) -> str:
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _cell(ref: str, value: object) -> str:
    if value is None or (isinstance(value, str) and not value):
        return ""
    if isinstance(value, CellError):
        return f'<c r="{ref}" t="e"><v>{_xml(str(value))}</v></c>'
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%d/%m/%Y")
    if isinstance(value, Formula):
        value = str(value)
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{_xml(text)}</t></is></c>'


def sheet_xml(t: _Table) -> bytes:
    widths = {c.key: c.width for c in t.spec.columns}
    by_index = {i: k for k, i in t.columns.items()}
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{widths.get(by_index.get(i, ""), 16) + 2}" customWidth="1"/>'
                   for i in range(len(t.headers)))
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}">',
           '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
           'state="frozen"/></sheetView></sheetViews>', f"<cols>{cols}</cols>", "<sheetData>"]
    all_rows: list[list[Any]] = [t.headers, *t.rows]
    for n, row in enumerate(all_rows, start=1):
        body = "".join(_cell(f"{column_letter(i)}{n}", v) for i, v in enumerate(row))
        out.append(f'<row r="{n}">{body}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


_CELL_RE = r"<{p}c\b[^>]*?\br=\"([A-Z]{{1,3}})(\d+)\"[^>]*?(?:/>|>.*?</{p}c>)"


def _style_of(cell_xml: str) -> str:
    found = re.search(r'\bs="(\d+)"', cell_xml.split(">", 1)[0])
    return found.group(1) if found else ""


def _styled(ref: str, value: object, style: str, prefix: str) -> str:
    """The cell `ref` holding `value` (empty: the bare cell) with the style index it had."""
    xml = _cell(ref, value) or f'<c r="{ref}"/>'
    if style:
        xml = xml.replace(f'<c r="{ref}"', f'<c r="{ref}" s="{style}"', 1)
    if prefix:
        xml = re.sub(r"<(/?)(c|v|is|t)\b", lambda m: f"<{m.group(1)}{prefix}{m.group(2)}", xml)
    return xml


def patch_sheet(old: bytes, t: _Table, percent_styles: frozenset[int] = frozenset()) -> bytes | None:
    """The sheet `old` with only the import's changes: the cells it set (each keeping its style), the
    rows it removed left empty, its new rows after the last one (styled as the row above), contract
    columns it added to the header. Every other cell — the clerk's formulas, formats, own columns —
    and everything outside the rows (column widths, drop-down lists, conditional formats, comments,
    frozen panes) is kept byte for byte. None when the sheet cannot be patched (not UTF-8, no rows
    element): it is then regenerated."""
    try:
        text = old.decode("utf-8")
    except UnicodeDecodeError:
        return None
    opened = re.search(r"<(\w+:)?sheetData\b[^>]*?(/?)>", text)
    if opened is None:
        return None
    prefix = opened.group(1) or ""
    if opened.group(2):  # <sheetData/>
        head, body, tail = text[:opened.start()] + f"<{prefix}sheetData>", "", f"</{prefix}sheetData>" + text[opened.end():]
    else:
        close = text.find(f"</{prefix}sheetData>", opened.end())
        if close < 0:
            return None
        head, body, tail = text[:opened.end()], text[opened.end():close], text[close:]
    row_re = re.compile(rf"<{prefix}row\b[^>]*?\br=\"(\d+)\"[^>]*?(?:/>|>.*?</{prefix}row>)", re.S)
    cell_re = re.compile(_CELL_RE.format(p=prefix), re.S)
    rows: dict[int, str] = {int(m.group(1)): m.group(0) for m in row_re.finditer(body)}
    if len(rows) != len(re.findall(rf"<{prefix}row\b", body)) \
            or len(cell_re.findall(body)) != len(re.findall(rf"<{prefix}c\b", body)):
        return None  # a row or cell without its reference (allowed, rare): regenerated rather than guessed
    styles: dict[int, str] = {}  # column -> style of its last cell below the header (for new rows)
    for n in sorted(rows):
        if n > 1:
            for m in cell_re.finditer(rows[n]):
                styles[_col_number(m.group(1)) - 1] = _style_of(m.group(0))

    shares = {t.columns[c.key] for c in t.spec.columns if "(%)" in c.label and c.key in t.columns}  # the rates

    def with_cells(n: int, xml: str | None, cells_: dict[int, object]) -> str:
        found = {(_col_number(m.group(1)) - 1): m.group(0) for m in cell_re.finditer(xml or "")}
        for i, value in cells_.items():
            before = found.get(i)
            if before is not None and re.search(r"<(?:\w+:)?f\b[^>]*\bt=\"shared\"[^>]*\bref=", before):
                raise OutputError(f"Ô {column_letter(i)}{n} của sheet «{t.name}» là công thức dùng chung cho nhiều ô "
                                  "(kéo công thức xuống); nhập kết quả sẽ làm hỏng các ô kia. Chưa ghi gì vào sổ.",
                                  hint=f"Trong Excel chép cột {column_letter(i)} rồi dán giá trị (Paste Values), "
                                       "lưu sổ, rồi chạy lại lệnh.")
            style = _style_of(before) if before is not None else styles.get(i, "") if xml is None else ""
            if (i in shares and style.isdigit() and int(style) in percent_styles and isinstance(value, (int, float))
                    and not isinstance(value, bool)):
                value = round(value / 100, 12)  # a cell shown as «95%» holds 0.95 (cells.Percent)
            found[i] = _styled(f"{column_letter(i)}{n}", value, style, prefix)
        inner = "".join(found[i] for i in sorted(found))
        if xml is None:
            return f'<{prefix}row r="{n}">{inner}</{prefix}row>'
        start = re.match(rf"<{prefix}row\b[^>]*?(?=/?>)", xml)
        assert start is not None
        attrs = re.sub(r'\s+spans="[^"]*"', "", start.group(0))  # the cells' span changed: Excel recomputes it
        return f"{attrs}>{inner}</{prefix}row>"

    if t.width and len(t.headers) > t.width:  # contract columns the sheet lacked: their titles in row 1
        rows[1] = with_cells(1, rows.get(1), {i: t.headers[i] for i in range(t.width, len(t.headers))})
    for n in t.removed:  # the old products of a period imported again: their contract cells emptied
        if n in rows:
            rows[n] = with_cells(n, rows[n], {i: None for i in t.columns.values()})
    last = max(rows, default=1)
    for row, source in zip(t.rows, t.sources, strict=True):
        changed = t.edits.get(id(row))
        if not changed:
            continue
        values = {i: row[i] if i < len(row) else None for i in sorted(changed)}
        if source is None:
            last += 1
            rows[last] = with_cells(last, None, values)
        else:
            rows[source] = with_cells(source, rows.get(source), values)
    body = "".join(rows[n] for n in sorted(rows))
    width = max((_col_number(m.group(1)) for m in cell_re.finditer(body)), default=1)
    head = re.sub(rf'(<{prefix}dimension\b[^>]*?\bref=")[^"]*(")',
                  lambda m: f"{m.group(1)}A1:{column_letter(max(width, 1) - 1)}{max(last, 1)}{m.group(2)}", head, count=1)
    return (head + body + tail).encode("utf-8")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _write(workbook: Path, tables: list[_Table]) -> None:
    with zipfile.ZipFile(workbook) as zin:
        infos = zin.infolist()
        parts = {i.filename: zin.read(i.filename) for i in infos}
    with XlsxFile(workbook) as xf:
        members = {t.name: xf.member(t.name) for t in tables if t.exists}
        percent_styles = xf.percent_styles  # rates the clerk typed as «95%» are written as 0.95 there too
    new_parts: dict[str, bytes] = {}
    for t in tables:
        member = members.get(t.name)
        if member is not None:
            new_parts[member] = patch_sheet(parts[member], t, percent_styles) or sheet_xml(t)
        else:
            xml = sheet_xml(t)
            member = _add_sheet(parts, t.name)
            new_parts[member] = xml
    _drop_calc_chain(parts)
    order = [i.filename for i in infos if i.filename in parts] + [m for m in parts if m not in {i.filename for i in infos}]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = next((i for i in infos if i.filename == name), None)
            data = new_parts.get(name, parts[name])
            zi = zipfile.ZipInfo(name, date_time=info.date_time if info else dt.datetime.now().timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            if info is not None:
                zi.external_attr = info.external_attr
            zout.writestr(zi, data)
    _atomic_write(workbook, buf.getvalue())


def _drop_calc_chain(parts: dict[str, bytes]) -> None:
    """Excel's list of formula cells (xl/calcChain.xml) may name a cell the import gave a value; Excel
    then "repairs" the workbook. Without it, Excel makes the list again on the next save."""
    chain = "xl/calcChain.xml"
    if chain not in parts:
        return
    del parts[chain]
    for name, pattern in (("xl/_rels/workbook.xml.rels", r"<(?:\w+:)?Relationship\b[^>]*calcChain\.xml\"[^>]*/>"),
                          ("[Content_Types].xml", r"<(?:\w+:)?Override\b[^>]*calcChain\.xml\"[^>]*/>")):
        if name in parts:
            parts[name] = re.sub(pattern, "", parts[name].decode("utf-8")).encode("utf-8")


def _add_sheet(parts: dict[str, bytes], title: str) -> str:
    """Register a new worksheet part in the workbook, its relationships and the content types."""
    wb_name = "xl/workbook.xml"
    rels_name = "xl/_rels/workbook.xml.rels"
    wb = parts[wb_name].decode("utf-8")
    rels = parts[rels_name].decode("utf-8")
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in parts:
        n += 1
    member = f"xl/worksheets/sheet{n}.xml"
    ids = {int(x) for x in re.findall(r'Id="rId(\d+)"', rels)}
    rid = f"rId{max(ids, default=0) + 1}"
    rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{_WS_TYPE}" '
                        f'Target="worksheets/sheet{n}.xml"/></Relationships>')
    sheet_ids = [int(x) for x in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bsheetId="(\d+)"', wb)]
    tag = re.search(r"<(\w+:)?sheets\b", wb)
    ns = tag.group(1) or "" if tag else ""
    # the relationships namespace declared on the element itself: valid whatever the root declares
    entry = (f'<{ns}sheet xmlns:r="{_REL}" name="{_xml(title)}" sheetId="{max(sheet_ids, default=0) + 1}" '
             f'r:id="{rid}"/>')
    wb = re.sub(rf"</{ns}sheets>", lambda m: entry + m.group(0), wb, count=1)
    ct = parts["[Content_Types].xml"].decode("utf-8")
    ct = ct.replace("</Types>", f'<Override PartName="/{member}" ContentType="{_WS_CT}"/></Types>')
    parts[wb_name], parts[rels_name], parts["[Content_Types].xml"] = wb.encode(), rels.encode(), ct.encode()
    parts[member] = b""
    return member


def _refuse_if_open(workbook: Path) -> None:
    """A workbook open in Excel or LibreOffice keeps its own copy: its next save would wipe what the
    import wrote (or the import the clerk's unsaved typing). Nothing is written while it is open."""
    marks = open_marks(workbook)
    if marks:
        raise OutputError(f"Sổ «{workbook}» đang mở trong Excel hoặc LibreOffice (có tệp khóa «{marks[0].name}» bên "
                          "cạnh); nếu ghi kết quả vào lúc này, lần lưu tới của chương trình đó sẽ xóa mất phần vừa nhập. "
                          "Chưa ghi gì vào sổ.",
                          hint=f"Lưu và đóng sổ rồi chạy lại lệnh. Nếu sổ không mở ở đâu cả (tệp khóa còn sót lại sau "
                               f"khi máy tắt đột ngột), xóa tệp «{marks[0]}» rồi chạy lại.")


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (a temporary file renamed over it: never half-written). The file
    keeps its mode, owner and group (a workbook on a group share stays the group's; mkstemp's file
    is 0600 and the runner's); a new file is readable as the umask allows."""
    try:
        try:
            was: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            was = None
        fd, tmp = tempfile.mkstemp(prefix=".hoso_", suffix=path.suffix, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if was is not None and hasattr(os, "chown"):
                with contextlib.suppress(OSError):  # only root may give a file away; the group when a member
                    os.chown(tmp, was.st_uid, was.st_gid)
            os.chmod(tmp, stat.S_IMODE(was.st_mode) if was is not None else 0o666 & ~portable.current_umask())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"Không ghi được «{path}» ({exc.strerror or exc}).",
                          hint="Nếu tệp đang mở trong Excel, hãy đóng lại rồi chạy lại lệnh; kiểm tra quyền ghi thư mục.") from exc
