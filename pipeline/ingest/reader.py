"""Read the workbook into per-sheet lists of parsed rows, collecting every cell problem.

Sheets and headers are matched by key or Vietnamese label, case-, diacritic-, space- and
punctuation-insensitive (`Nhân sự`, `NhanSu`, `nhan_su` are the same sheet; `Họ và tên`,
`HO VA TEN`, `ho_ten`, `Họ và tên (*)` the same column). Cell values come from
`pipeline.ingest.xlsx` (cached formula results; a formula without one is reported) and are
converted by `pipeline.ingest.cells`; every cell that does not fit gives one `Problem` naming
the sheet, row, column letter and header, the value found and what is expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar, cast

from pipeline.errors import InputUnreadable
from pipeline.ingest import cells, forked, schema
from pipeline.ingest.cells import Bad
from pipeline.ingest.model import Ref
from pipeline.ingest.problems import ERROR, WARNING, Problem
from pipeline.ingest.xlsx import CellError, Formula, XlsxFile, column_index, column_letter

_Named = TypeVar("_Named", schema.Column, schema.Sheet)  # what a header or sheet name can name

MAX_ROWS = 60_000  # data rows per sheet
MAX_CELL_CHARS = cells.MAX_CELL_CHARS
# Sheets `hoso init` adds for the clerk; never warned about.
AUX_SHEETS = frozenset(cells.compact(n) for n in ("HuongDan", "Hướng dẫn", "DanhMuc", "Danh mục", "KiemTra", "Kiểm tra"))
_SUFFIX = re.compile(r"\s*(\([^()]*\)|\*|:)\s*$")

FORMULA_MESSAGE = ("Ô chứa công thức nhưng tệp chưa lưu kết quả tính (thường do tệp được tạo bằng một chương trình "
                   "khác, chưa mở bằng Excel).")
FORMULA_EXPECTED = "mở và lưu lại tệp bằng Excel (hoặc LibreOffice Calc) để lưu kết quả công thức, hoặc nhập thẳng giá trị"


class RowRefs(Mapping[str, Ref]):
    """Column key -> Ref for one row, built on demand (no object per cell while reading)."""

    __slots__ = ("_sheet", "_row", "_columns")

    def __init__(self, sheet: str, row: int, columns: dict[str, tuple[str, str]]) -> None:
        self._sheet, self._row, self._columns = sheet, row, columns

    def __getitem__(self, key: str) -> Ref:
        letter, header = self._columns[key]
        return Ref(self._sheet, self._row, letter, header)

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        return f"RowRefs({self._sheet!r}, row {self._row})"


@dataclass
class Row:
    """One parsed row: typed values by column key, and where each came from."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)  # the cell types of the column's schema
    refs: Mapping[str, Ref] = field(default_factory=dict)


@dataclass
class SheetData:
    spec: schema.Sheet
    name: str  # as written in the workbook
    rows: list[Row]
    headers: dict[str, tuple[str, str]]  # key -> (column letter, header as written)


def open_workbook(path: Path) -> XlsxFile:
    """Open an .xlsx safely; every way it can fail is an InputUnreadable with a Vietnamese message."""
    return XlsxFile(path)


def _names_lookup(items: Iterable[_Named]) -> dict[str, _Named]:
    """fold/compact forms of each item's key and label -> item."""
    lookup: dict[str, _Named] = {}
    for item in items:
        for name in (item.key, item.label):
            lookup.setdefault(cells.fold(name), item)
            lookup.setdefault(cells.compact(name), item)
    return lookup


def match_name(lookup: dict[str, _Named], text: str) -> _Named | None:
    """The contract item named by `text` (key or label, in any case, with or without diacritics,
    spaces, underscores, a trailing «(…)», «*» or «:»), or None."""
    for candidate in (text, _SUFFIX.sub("", text)):
        for form in (cells.fold(candidate), cells.compact(candidate)):
            if form and form in lookup:
                return lookup[form]
    return None


_SHEETS = _names_lookup(schema.SHEETS)


def find_sheets(sheetnames: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """Map contract sheet key -> worksheet name, with a problem for each unknown or missing sheet."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    unknown: list[tuple[int, str, str]] = []  # (index in `problems`, sheet name, message): their hint comes after
    for name in sheetnames:
        spec = match_name(_SHEETS, name)
        if spec is None:
            if cells.compact(name) not in AUX_SHEETS:
                enc = cells.legacy_encoding(name)
                message = (f"Tên sheet gõ bằng bảng mã cũ {enc}, không nhận ra; sheet được bỏ qua." if enc
                           else "Sheet không thuộc mẫu, được bỏ qua.")
                unknown.append((len(problems), name, message))
                problems.append(Problem(WARNING, name, message))
            continue
        if spec.key in found:
            problems.append(Problem(ERROR, name, f"Trùng sheet: sheet «{found[spec.key]}» đã là sheet «{spec.label}».",
                                    expected="mỗi nội dung một sheet; gộp hai sheet hoặc xóa một sheet"))
            continue
        found[spec.key] = name
    # the sheets named as this workbook names its own: by their Vietnamese labels («Nhân sự») when it calls any
    # sheet otherwise than hoso's key, else by the keys (ingest/sheetnames.py)
    by_label = any(name != key for key, name in found.items())
    for i, name, message in unknown:
        problems[i] = Problem(WARNING, name, message, expected="tên sheet theo mẫu: " + ", ".join(
            s.label if by_label else s.key for s in schema.SHEETS))
    if not found:
        problems.append(Problem(ERROR, "", "Sổ không có sheet nào theo mẫu.",
                                expected="các sheet CoQuan, DonVi, NhanSu… (tạo sổ mẫu bằng lệnh: hoso init)"))
        return found, problems
    for spec in schema.SHEETS:
        if spec.required and spec.key not in found:
            if by_label:
                problems.append(Problem(ERROR, spec.key, f"Thiếu sheet «{spec.label}».",
                                        expected=f"một sheet tên «{spec.label}»"))
            else:
                problems.append(Problem(ERROR, spec.key, f"Thiếu sheet «{spec.key}» ({spec.label}).",
                                        expected=f"một sheet tên «{spec.key}» hoặc «{spec.label}»"))
    return found, problems


def _marker_problem(raw: Formula | CellError, sheet: str, row: int, letter: str, header: str) -> Problem:
    if isinstance(raw, Formula):
        return Problem(ERROR, sheet, FORMULA_MESSAGE, row=row, column=letter, header=header,
                       value=cells.show(str(raw)), expected=FORMULA_EXPECTED)
    return Problem(ERROR, sheet, f"Ô có lỗi công thức {raw}.", row=row, column=letter, header=header,
                   value=str(raw), expected="sửa công thức hoặc nhập thẳng giá trị")


def _convert(col: schema.Column, convert: Callable[[object], object], raw: object, sheet: str, row: int, letter: str,
             header: str, problems: list[Problem]) -> object:
    """The typed value of one non-blank cell, or None after recording its problem."""
    if isinstance(raw, (Formula, CellError)):
        problems.append(_marker_problem(raw, sheet, row, letter, header))
        return None
    try:
        return convert(raw)
    except Bad as bad:
        problems.append(Problem(ERROR, sheet, bad.message or f"Giá trị không hợp lệ cho «{col.label}».", row=row,
                                column=letter, header=header, value=cells.show(raw), expected=bad.expected))
        return None


def _header_text(raw: object) -> str:
    return cells.clean_text(str(raw) if isinstance(raw, (Formula, CellError)) else raw)


def _header_map(spec: schema.Sheet, header: dict[int, object], sheet: str, problems: list[Problem],
                header_row: int = 1) -> tuple[dict[str, tuple[str, str]], dict[int, schema.Column]]:
    """The columns of the header row (`header_row`: 1, or the row found under a title row, which the problems
    name — the cell «AK1» of a column not in the contract was the title row's, not the header's)."""
    lookup = _names_lookup(spec.columns)
    headers: dict[str, tuple[str, str]] = {}
    index: dict[int, schema.Column] = {}
    unknown: dict[str, str] = {}  # letter -> a title the contract does not know
    for i in sorted(header):
        text = _header_text(header[i])
        if not text:
            continue
        letter = column_letter(i)
        col = match_name(lookup, text)
        if col is None:
            enc = cells.legacy_encoding(text)
            message = ("Tiêu đề cột gõ bằng bảng mã cũ " + enc + ", không nhận ra; cột được bỏ qua." if enc
                       else "Cột không thuộc mẫu, được bỏ qua.")
            problems.append(Problem(WARNING, sheet, message, row=header_row, column=letter, header=text))
            unknown[letter] = text
            continue
        if col.key in headers:
            problems.append(Problem(ERROR, sheet, f"Trùng cột: cột {headers[col.key][0]} cũng là «{col.label}».",
                                    row=header_row, column=letter, header=text, expected="mỗi cột chỉ xuất hiện một lần"))
            continue
        headers[col.key] = (letter, text)
        index[i] = col
    for col in spec.columns:
        if col.required and col.key not in headers:
            near = _near_title(col, unknown)
            problems.append(Problem(ERROR, sheet, f"Thiếu cột bắt buộc «{col.label}» ({col.key})" + (
                                    f"; có phải cột {near} «{unknown[near]}»?" if near else "."), row=header_row,
                                    header=unknown[near] if near else col.label, column=near,
                                    expected=f"đổi tiêu đề ô {near}{header_row} thành «{col.label}»" if near else
                                    f"một cột có tiêu đề «{col.label}» hoặc «{col.key}» ở dòng 1"))
    return headers, index


def _near_title(col: schema.Column, unknown: dict[str, str]) -> str | None:
    """The letter of the unknown title a clerk most likely wrote for `col` («Mã NV» for «Mã số», «Ngày
    tháng năm sinh» for «Ngày sinh»), or None."""
    import difflib

    best, score = None, 0.0
    for letter, text in unknown.items():
        got = max(difflib.SequenceMatcher(None, cells.fold(text), cells.fold(name)).ratio() for name in (col.label, col.key))
        if got > score:
            best, score = letter, got
    return best if score >= 0.6 else None


def _looks_like_header(spec: schema.Sheet, row: dict[int, object]) -> bool:
    lookup = _names_lookup(spec.columns)
    return any(match_name(lookup, _header_text(v)) is not None for v in row.values())


_COLUMN_NUMBER = re.compile(r"\(\s*(\d{1,3})\s*\)")


def _second_header(spec: schema.Sheet, row: dict[int, object]) -> str | None:
    """What the row under the header is when it is not data: the columns numbered as official tables
    number them («(1)», «(2)»…; or 1, 2, 3… over five columns or more, which no data row of numbers
    would be), or the headers again (the keys under the labels). None for anything else."""
    cells_ = [(i, v) for i, v in sorted(row.items()) if not (v is None or (isinstance(v, str) and not v.strip()))]
    if len(cells_) < 2:
        return None
    numbers: list[tuple[int, int]] = []
    bracketed = True
    for i, v in cells_:
        if isinstance(v, int) and not isinstance(v, bool):
            numbers.append((i, v))
            bracketed = False
        elif isinstance(v, str) and (m := _COLUMN_NUMBER.fullmatch(v.strip())):
            numbers.append((i, int(m.group(1))))
        else:
            break
    else:
        steps = {n - i for i, n in numbers}  # numbered with the columns: one step between all of them
        if len(steps) == 1 and (bracketed and len(numbers) >= 3 or len(numbers) >= 5):
            return "dòng đánh số thứ tự các cột («(1)», «(2)»…)" if bracketed else "dòng đánh số thứ tự các cột (1, 2, 3…)"
    lookup = _names_lookup(spec.columns)
    if all(isinstance(v, str) and match_name(lookup, _header_text(v)) is not None for _, v in cells_):
        return "dòng tiêu đề thứ hai (lặp lại tên các cột)"
    return None


def read_table(xf: XlsxFile, spec: schema.Sheet, sheet: str, problems: list[Problem]) -> SheetData:
    rows_iter = xf.rows(sheet)
    first = next(rows_iter, None)
    if first is None:
        if spec.required:
            problems.append(Problem(ERROR, sheet, "Sheet trống: thiếu dòng tiêu đề và dữ liệu.", row=1,
                                    expected="dòng 1 ghi tiêu đề các cột (tên cột hoặc mã cột), từ dòng 2 là dữ liệu"))
        return SheetData(spec, sheet, [], {})
    number, header = first
    header_row = number
    if number != 1 or not _looks_like_header(spec, header):
        ahead = [first, *islice(rows_iter, 10)]
        found = next((n for n, row in ahead if _looks_like_header(spec, row)), None)
        if found is not None:  # a title (or blank) row above the header: said once, the rest still read
            problems.append(Problem(ERROR, sheet, f"Dòng tiêu đề phải là dòng 1 (đang ở dòng {found}); phía trên là dòng "
                                    "tên bảng hoặc dòng trống. Các dòng dữ liệu bên dưới vẫn được kiểm tra.", row=1,
                                    expected="tiêu đề các cột ở dòng 1 (xóa các dòng trống hoặc dòng tên bảng phía trên)"))
            at = next(i for i, (n, _row) in enumerate(ahead) if n == found)
            header, header_row = ahead[at][1], found
            rows_iter = chain(ahead[at + 1:], rows_iter)
        elif number != 1:
            problems.append(Problem(ERROR, sheet, "Dòng tiêu đề phải là dòng 1 (dòng 1 đang trống); sheet chưa được đọc.",
                                    row=1, expected="tiêu đề các cột ở dòng 1 (xóa các dòng trống phía trên)"))
            return SheetData(spec, sheet, [], {})
        else:
            rows_iter = chain(ahead[1:], rows_iter)
    headers, index = _header_map(spec, header, sheet, problems, header_row)
    second = next(rows_iter, None)
    if second is not None:
        what = _second_header(spec, second[1]) if second[0] == header_row + 1 else None
        if what:  # said once; the data below is read as usual
            problems.append(Problem(WARNING, sheet, f"Dòng {second[0]} là {what}, không phải dữ liệu: được bỏ qua.",
                                    row=second[0], expected="dữ liệu ngay dưới dòng tiêu đề (có thể xóa dòng này)"))
        else:
            rows_iter = chain([second], rows_iter)
    # column index -> (key, converter, cache, column, letter, header). The cache maps a text cell to
    # its typed value for columns whose texts repeat (codes, levels, yes/no, posts, units…), so each
    # distinct text is converted once; long free texts are not cached (they hardly ever repeat).
    by_index: dict[int, tuple[str, Callable[[object], object], dict[object, object] | None, schema.Column, str, str]] = {
        i: (col.key, cells.converter(col), None if col.key in cells.LONG_TEXT else {}, col, *headers[col.key])
                for i, col in sorted(index.items())}
    order = {col.key: n for n, col in enumerate(c for _, c in sorted(index.items()))}
    required = [(col, *headers[col.key]) for _, col in sorted(index.items()) if col.required]
    markers = (Formula, CellError)
    limit = MAX_ROWS * spec.extra.get("rows_per_person", 1)  # KetQuaKy, SanPham: many rows per person
    titled = {i for i, v in header.items() if _header_text(v)}
    untitled: dict[int, int] = {}  # column index without a header -> rows with content there
    dates = {i for i, col in index.items() if col.kind == schema.DATE}
    # date columns: text dates whose first number can only be a day (25/08/1980), and Excel dates whose day
    # could have been typed as a month (03/12/1970): both in one column is a US-set Excel's doing (below)
    day_first_text: dict[int, str] = {}
    swappable: dict[int, list[tuple[int, dt.date]]] = {}
    rows: list[Row] = []
    missing: list[tuple[int, schema.Column, str, str]] = []  # required cells found empty: row, column, letter, header
    for number, raw_row in rows_iter:
        values: dict[str, object] = {}
        blank = True
        present: set[str] | None = None  # required columns with content that did not convert, or invisible only
        last = -1
        ordered = True
        for i, raw in raw_row.items():  # the cells present, in the order of the file (= column order)
            column = by_index.get(i)
            if column is None:  # a column not in the contract
                if i not in titled and raw is not None and not (raw.__class__ is str and (not raw or raw.isspace())):
                    untitled[i] = untitled.get(i, 0) + 1  # content under no header at all: said below
                continue
            if i < last:
                ordered = False
            last = i
            key, convert, cache, col, letter, head = column
            if raw.__class__ is str:
                if cache is not None:
                    value = cache.get(raw)
                    if value is not None:
                        values[key] = value
                        blank = False
                        continue
                if not raw or raw.isspace():
                    continue
            elif raw is None:
                continue
            if isinstance(raw, markers):
                problems.append(_marker_problem(raw, sheet, number, letter, head))
                value = None
            else:
                try:
                    value = convert(raw)
                except Bad as bad:
                    problems.append(Problem(ERROR, sheet, bad.message or f"Giá trị không hợp lệ cho «{col.label}».",
                                            row=number, column=letter, header=head, value=cells.show(raw),
                                            expected=bad.expected))
                    value = None
            if value == "":  # only invisible characters: as if empty
                continue
            if i in dates and value is not None:
                if isinstance(raw, dt.datetime | dt.date):
                    if isinstance(value, dt.date) and value.day <= 12 and value.day != value.month:
                        swappable.setdefault(i, []).append((number, value))
                elif isinstance(raw, str) and int(re.split(r"\D", raw.strip(), maxsplit=1)[0] or 0) > 12:
                    day_first_text.setdefault(i, raw.strip())
            blank = False
            if value is not None:
                values[key] = value
                if cache is not None and raw.__class__ is str:
                    cache[raw] = value
            elif col.required:
                (present := present or set()).add(key)  # its problem is reported; not also "missing"
        if blank:
            continue  # empty row (or content only in ignored columns)
        if len(rows) >= limit:
            problems.append(Problem(ERROR, sheet, f"Sheet có quá nhiều dòng dữ liệu (trên {limit:,}); phần sau không "
                                    "được đọc.".replace(",", "."), row=number,
                                    expected=f"tối đa {limit:,} dòng".replace(",", ".")))
            break
        for col, letter, head in required:
            if col.key not in values and (present is None or col.key not in present):
                missing.append((number, col, letter, head))  # said after the merged ranges are known (below)
        if not ordered:  # cells out of column order in the file: the values in column order all the same
            values = dict(sorted(values.items(), key=lambda kv: order[kv[0]]))
        rows.append(Row(number, values, RowRefs(sheet, number, headers)))
    if untitled:
        _untitled_columns(xf, sheet, header_row, untitled, problems)
    ranges = xf.merged_ranges(sheet) if hasattr(xf, "merged_ranges") else []
    if ranges:
        missing = _merged_data(spec, sheet, header_row, rows, index, headers, order, ranges, missing, problems)
    for number, col, letter, head in missing:
        problems.append(Problem(ERROR, sheet, f"Thiếu «{col.label}» (bắt buộc).", row=number, column=letter,
                                header=head, value="(trống)", expected=expected_for(col)))
    _hidden(xf, spec, sheet, rows, index, headers, problems)
    for i in sorted(day_first_text.keys() & swappable.keys()):
        _, letter, head = by_index[i][3:]
        for number, d in swappable[i]:
            typed = f"{d.month:02d}/{d.day:02d}/{d.year}"
            problems.append(Problem(
                WARNING, sheet, f"Cột này vừa có ngày dạng chữ Excel không nhận ra (như «{day_first_text[i]}»), vừa có ngày "
                "kiểu Ngày như ô này: dấu hiệu Excel đặt kiểu Mỹ (tháng/ngày/năm). Nếu ô này đã gõ "
                f"«{typed}» (ngày {d.month} tháng {d.day}), Excel đã lưu thành ngày {d.day} tháng {d.month} năm {d.year}.",
                row=number, column=letter, header=head, value=cells.show(d),
                expected=f"kiểm tra lại ngày; nếu đúng là ngày {d.month} tháng {d.day} năm {d.year}, gõ lại «{typed}» trong "
                         "ô định dạng Văn bản, hoặc đặt Windows theo kiểu Việt Nam (ngày/tháng/năm)"))
    return SheetData(spec, sheet, rows, headers)


# Columns a merged range down the rows lawfully applies to every row of: the code of the group the rows belong
# to (a unit's code over its people, a person's code over their periods, decisions, titles or scores, a period
# over its products). Read for each row, with a warning; a merge in any other column is an error.
FILL_DOWN = {"NhanSu": frozenset({"ma_don_vi"}), "KetQuaKy": frozenset({"ma_so"}), "SanPham": frozenset({"ma_so", "ky"}),
             "ChamDiem": frozenset({"ma_so"}), "KyLuat": frozenset({"ma_so"}), "ThiDua": frozenset({"ma_so"})}
_RANGE = re.compile(r"([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)")


def _merged_data(spec: schema.Sheet, sheet: str, header_row: int, rows: list[Row], index: dict[int, schema.Column],
                 headers: dict[str, tuple[str, str]], order: dict[str, int], ranges: list[str],
                 missing: list[tuple[int, schema.Column, str, str]], problems: list[Problem]
                 ) -> list[tuple[int, schema.Column, str, str]]:
    """Merged ranges over the data rows (a unit's name or code merged down over its people): Excel keeps the
    value in the first cell only, the others are empty for hoso. One problem per range, naming it: a code of
    FILL_DOWN merged down one column is read for each row of the range (warning); any other merge covering
    a column of the contract with data rows under it is an error (a warning when it only spans optional
    columns of one row). Returns the required cells still to be said missing (those of the ranges are said)."""
    by_number = {r.number: r for r in rows}
    last = rows[-1].number if rows else 0  # a range down a whole column ends here for us
    said: set[tuple[int, str]] = set()  # (row, key) of required cells explained by a range
    for ref in ranges:
        m = _RANGE.fullmatch(ref)
        if m is None:
            continue
        c1, c2 = column_index(m.group(1)), column_index(m.group(3))
        r1, r2 = int(m.group(2)), int(m.group(4))
        if r1 <= header_row:  # the header row (said by `_untitled_columns`) or above it
            continue
        cols = [index[i] for i in range(c1, c2 + 1) if i in index]
        covered = [n for n in range(r1 + 1, min(r2, last) + 1) if n in by_number] if r2 > r1 else []
        if not cols or (not covered and c1 == c2):
            continue  # no column of the contract, or nothing but empty rows under the first cell
        anchor = f"{m.group(1)}{r1}"
        first = by_number.get(r1)
        col = index.get(c1)
        value = first.values.get(col.key) if first is not None and col is not None else None
        if c1 == c2 and col is not None and col.key in FILL_DOWN.get(spec.key, ()) and value is not None:
            letter, head = headers[col.key]
            for n in covered:
                row = by_number[n]
                if col.key not in row.values:
                    row.values[col.key] = value
                    row.values = dict(sorted(row.values.items(), key=lambda kv: order[kv[0]]))
                said.add((n, col.key))
            problems.append(Problem(
                WARNING, sheet, f"Vùng ô gộp (merge) {ref}: «{cells.show(value)}» của ô {anchor} được đọc cho từng dòng "
                f"{r1}–{r2} (cột «{head}»).", row=r1, column=letter, header=head, value=cells.show(value),
                expected="bỏ gộp ô (Unmerge) và điền mã vào từng dòng: sắp xếp hay lọc trong Excel làm lệch vùng gộp"))
            continue
        empty: list[str] = []  # what the range leaves empty, in words
        if covered:
            rows_words = f"dòng {covered[0]}" if len(covered) == 1 else f"các dòng {covered[0]}–{covered[-1]}"
            empty.append(f"{rows_words} của cột " + ", ".join(f"«{headers[c.key][1]}»" for c in cols))
        beside = [c for c in cols if c is not col]
        if beside:
            empty.append("cột " + ", ".join(f"«{headers[c.key][1]}»" for c in beside) + f" ở dòng {r1}")
        required = any(c.required for c in cols)
        if not covered and not required and value is None:
            continue  # optional columns of one row, all empty: nothing is lost
        for n in (r1, *covered):
            said.update((n, c.key) for c in cols if c is not col or n != r1)
        shown = f" («{cells.show(value)}»)" if value is not None else ""
        letter, head = headers[col.key] if col is not None else (m.group(1), "")
        problems.append(Problem(
            ERROR if covered or required else WARNING, sheet,
            f"Vùng ô gộp (merge) {ref}: giá trị chỉ nằm ở ô đầu {anchor}{shown}; " + " và ".join(empty)
            + " được đọc là trống.", row=r1, column=letter, header=head or None, value="(ô gộp)",
            expected="bỏ gộp ô (Unmerge) và điền giá trị vào từng ô"))
    return [t for t in missing if (t[0], t[1].key) not in said]


HIDDEN_SHOWN = 8  # hidden rows named in the warning; the others counted


def _hidden(xf: XlsxFile, spec: schema.Sheet, sheet: str, rows: list[Row], index: dict[int, schema.Column],
            headers: dict[str, tuple[str, str]], problems: list[Problem]) -> None:
    """Rows and columns hidden in Excel (by hand, or rows by a filter) are read like the others — hoso cannot
    know that a hidden row means «this person left» — and one warning for the sheet names them: the hidden
    rows holding data (the first HIDDEN_SHOWN, then «và N dòng khác») and the hidden columns of the contract
    holding data (stale values there are read), with how to leave someone out lawfully."""
    if rows and sheet in getattr(xf, "hidden_sheets", ()):
        # the whole sheet hidden (right-click → Hide): the clerk sees none of its rows, hoso reads them all
        problems.append(Problem(WARNING, sheet, f"Sheet đang bị ẩn trong Excel nhưng có {len(rows)} dòng dữ liệu (từ dòng "
                                f"{rows[0].number}); các dòng này vẫn được đọc như mọi dòng.",
                                expected="bỏ ẩn sheet (nhấp phải vào tên một sheet → Unhide / Bỏ ẩn) để kiểm tra; xóa "
                                "các dòng không dùng"))
    hidden_rows = xf.hidden_rows(sheet) if hasattr(xf, "hidden_rows") else frozenset()
    rows_hidden = sorted(r.number for r in rows if r.number in hidden_rows) if hidden_rows else []
    hidden_cols = xf.hidden_columns(sheet) if hasattr(xf, "hidden_columns") else frozenset()
    cols_hidden = [headers[col.key] for i, col in sorted(index.items())
                   if i in hidden_cols and any(col.key in r.values for r in rows)] if hidden_cols else []
    if not rows_hidden and not cols_hidden:
        return
    parts = []
    if rows_hidden:
        shown = ", ".join(str(n) for n in rows_hidden[:HIDDEN_SHOWN])
        if len(rows_hidden) > HIDDEN_SHOWN:
            shown += f" và {len(rows_hidden) - HIDDEN_SHOWN} dòng khác"
        parts.append(f"dòng dữ liệu đang bị ẩn trong Excel (dòng {shown})")
    if cols_hidden:
        parts.append("cột có dữ liệu đang bị ẩn (" + ", ".join(f"cột {letter} «{head}»" for letter, head in cols_hidden)
                     + ")")
    which = " và ".join(["dòng", "cột"] if rows_hidden and cols_hidden else ["dòng"] if rows_hidden else ["cột"])
    message = f"Sheet có {' và '.join(parts)}; các {which} này vẫn được đọc như mọi {which}"
    if spec.key == "NhanSu" and rows_hidden:
        message += " (người ở dòng ẩn vẫn được đánh giá, xếp loại và in hồ sơ)"
    expected = "bỏ ẩn (Unhide) hoặc bỏ lọc để kiểm tra"
    if spec.key == "NhanSu" and rows_hidden:
        expected += ("; để một người ra ngoài đợt đánh giá: xóa dòng của người đó (và các dòng của người đó ở các sheet "
                     "khác); người công tác không đủ thời gian theo quy định: ghi đúng «Số tháng công tác trong năm» và "
                     "«Số tháng nghỉ theo quy định», chương trình không xếp loại người đó (cột «Đã nghỉ, chuyển đi» chỉ "
                     "để không chép sang sổ năm sau)")
    elif rows_hidden:
        expected += "; xóa các dòng không dùng"
    if cols_hidden:
        expected += "; xóa dữ liệu cũ trong cột ẩn nếu không dùng"
    problems.append(Problem(WARNING, sheet, message + ".", row=rows_hidden[0] if rows_hidden else 1,
                            column=None if rows_hidden else cols_hidden[0][0],
                            header=None if rows_hidden else cols_hidden[0][1], expected=expected))


def _untitled_columns(xf: XlsxFile, sheet: str, header_row: int, untitled: dict[int, int],
                      problems: list[Problem]) -> None:
    """Columns holding data under an empty header cell: never read, so never silently. A header cell
    swallowed by a merged range (the clerk merged two titles) is an error: the column is surely one
    of the contract's; a column the clerk left untitled is a warning."""
    merged = xf.merged_cells(sheet) if hasattr(xf, "merged_cells") else {}
    for i in sorted(untitled):
        letter = column_letter(i)
        cell = f"{letter}{header_row}"
        if cell in merged:
            problems.append(Problem(
                ERROR, sheet, f"Ô tiêu đề {cell} nằm trong vùng ô đã gộp (merge) {merged[cell]} nên cột {letter} không có "
                f"tiêu đề; dữ liệu của cột ({untitled[i]} dòng) không được đọc.", row=header_row, column=letter,
                value="(ô gộp)", expected="bỏ gộp ô (Unmerge) ở dòng tiêu đề và ghi lại tiêu đề của từng cột"))
        else:
            problems.append(Problem(
                WARNING, sheet, f"Cột {letter} có dữ liệu ({untitled[i]} dòng) nhưng không có tiêu đề ở ô {cell}; cột được "
                "bỏ qua.", row=header_row, column=letter, value="(trống)",
                expected="tiêu đề của cột theo mẫu (nếu là cột của mẫu), hoặc xóa dữ liệu thừa"))


def _field_entries(xf: XlsxFile, sheet: str, lookup: dict[str, schema.Column]
                   ) -> Iterator[tuple[int, str, object, int, str, object, tuple[str, object] | None]]:
    """(row, name column, name, value row, value column, value, (letter, content) of the cell right of
    the value — the blank's «Hướng dẫn» column — or None) for each field of CoQuan.

    The contract's layout is one field per row (`truong` | `gia_tri`, columns A and B unless a
    header row places them elsewhere); a sheet laid out as a one-row table (field names in
    row 1, values in row 2) is read too."""
    rows = xf.rows(sheet)
    first = next(rows, None)
    if first is None:
        return
    number, raw_row = first
    heads = {cells.compact(_header_text(v)): i for i, v in raw_row.items()}
    named = [i for i, v in raw_row.items() if match_name(lookup, _header_text(v)) is not None]
    if len(named) >= 3 and any(i >= 2 for i in named) and "truong" not in heads:
        values = next(rows, (number + 1, {}))
        for i in sorted(raw_row):
            letter = column_letter(i)
            yield number, letter, raw_row[i], values[0], letter, values[1].get(i), None
        return
    key_col, val_col = 0, 1
    if "truong" in heads or "giatri" in heads:
        key_col, val_col = heads.get("truong", 0), heads.get("giatri", 1)
        first = None
    key_letter, val_letter, next_letter = column_letter(key_col), column_letter(val_col), column_letter(val_col + 1)
    for number, raw_row in chain([first] if first else [], rows):
        yield (number, key_letter, raw_row.get(key_col), number, val_letter, raw_row.get(val_col),
               (next_letter, raw_row.get(val_col + 1)))


_GUIDE_WORDS = ("vi du", "de trong", "bat buoc", "gia tri", "mac dinh", "neu ")


def _typed_beside(col: schema.Column, beside: tuple[str, object]) -> bool:
    """The cell right of an empty CoQuan value holds a value of that field rather than the guide `hoso init`
    writes there: a date, a number, a level… that reads as one; a short text that is no guide sentence."""
    from pipeline.ingest.blank import guide_text

    raw = beside[1]
    if cells.is_blank(raw) or cells.fold(cells.clean_text(raw)) == cells.fold(guide_text(col)):
        return False
    if col.kind == schema.TEXT:
        text = cells.clean_text(raw)
        return not (len(text) > 80 or text.endswith(".") or any(w in cells.fold(text) for w in _GUIDE_WORDS))
    try:
        cells.converter(col)(raw)
    except Bad:
        return False
    return True


def read_key_value(xf: XlsxFile, spec: schema.Sheet, sheet: str, problems: list[Problem]) -> SheetData:
    """CoQuan: one field per row, the field's name (key or label) in the `truong` column (A by
    default) and its value in the `gia_tri` column (B by default)."""
    lookup = _names_lookup(spec.columns)
    row = Row(0, {}, {})
    seen: dict[str, tuple[int, str]] = {}
    refs: dict[str, Ref] = {}
    for number, key_letter, raw_name, val_row, val_letter, raw, beside in _field_entries(xf, sheet, lookup):
        if cells.is_blank(raw_name):
            if not cells.is_blank(raw):
                problems.append(Problem(WARNING, sheet, "Có giá trị nhưng chưa ghi tên trường; được bỏ qua.",
                                        row=number, column=key_letter, value="(trống)",
                                        expected="tên trường ở ô " + key_letter + str(number)))
            continue
        name = _header_text(raw_name)
        col = match_name(lookup, name)
        if col is None:
            problems.append(Problem(WARNING, sheet, f"Trường «{name}» không thuộc mẫu, được bỏ qua.", row=number,
                                    column=key_letter, value=cells.show(name)))
            continue
        if col.key in seen:
            where = f"ô {seen[col.key][1]}{seen[col.key][0]}"
            problems.append(Problem(ERROR, sheet, f"Trường «{col.label}» ghi hai lần (đã có ở {where}).",
                                    row=number, column=key_letter, value=cells.show(name),
                                    expected="mỗi trường một lần; xóa dòng thừa"))
            continue
        seen[col.key] = (number, key_letter)
        refs[col.key] = Ref(sheet, val_row, val_letter, col.label)
        if cells.is_blank(raw):
            if beside is not None and _typed_beside(col, beside):  # typed one column too far right: said, never dropped
                problems.append(Problem(
                    ERROR if col.required else WARNING, sheet, f"Ô {val_letter}{val_row} («{col.label}») trống nhưng ô "
                    f"{beside[0]}{number} bên cạnh (cột hướng dẫn) có «{cells.show(beside[1])}»: giá trị ở đó không được "
                    "đọc.", row=val_row, column=val_letter, header=col.label, value="(trống)",
                    expected=f"chép giá trị sang ô {val_letter}{val_row}"))
                continue
            if col.required:
                problems.append(Problem(ERROR, sheet, f"Thiếu giá trị «{col.label}» (bắt buộc).", row=val_row,
                                        column=val_letter, header=col.label, value="(trống)", expected=expected_for(col)))
            continue
        value = _convert(col, cells.converter(col), raw, sheet, val_row, val_letter, col.label, problems)
        if value is not None:
            row.values[col.key] = value
    for col in spec.columns:
        if col.required and col.key not in seen:
            problems.append(Problem(ERROR, sheet, f"Thiếu trường bắt buộc «{col.label}» ({col.key}).",
                                    expected=f"một dòng: cột A ghi «{col.label}» (hoặc «{col.key}»), cột B ghi giá trị"))
    row.refs = refs
    return SheetData(spec, sheet, [row], {})


def expected_for(col: schema.Column) -> str:
    """What a required cell left empty should contain."""
    if col.kind == schema.CODE and col.choices:
        return cells.choices_expected(col.choices)
    return {
        schema.LEVEL: "HTXS, HTT, HT hoặc KHT",
        schema.DATE: "ngày dạng dd/mm/yyyy",
        schema.YESNO: "Có hoặc Không",
        schema.ID: "một mã (chữ cái không dấu, chữ số, - hoặc _)",
        schema.CITIZEN_ID: "số định danh cá nhân, 12 chữ số",
        schema.INT: "một số nguyên",
        schema.NUMBER: "một số",
        schema.MONTHS: "số tháng từ 0 đến 12",
        schema.YEAR: "một năm, ví dụ 2024",
    }.get(col.kind, col.help or "một giá trị")


def read_sheet(xf: XlsxFile, key: str, name: str, problems: list[Problem]) -> SheetData:
    spec = schema.SHEETS_BY_KEY[key]
    reader = read_key_value if spec.key_value else read_table
    return reader(xf, spec, name, problems)


def read_workbook(path: Path, *, parallel: bool | None = None) -> tuple[dict[str, SheetData], list[Problem]]:
    """Every sheet of the contract, read and converted, with every problem found.

    A big workbook's sheets are read by two processes when the machine has two free CPUs (see
    `_split`); `parallel=False` forces one. The result is the same either way."""
    with open_workbook(path) as xf:
        problems: list[Problem] = []
        if xf.has_macros:
            problems.append(Problem(WARNING, "", "Tệp có macro (VBA); macro không được chạy, chỉ đọc dữ liệu."))
        found, sheet_problems = find_sheets(xf.sheetnames)
        problems.extend(_renamed_sheets(xf, found, sheet_problems))
        jobs = list(found.items())
        offload = _split(xf, jobs) if parallel is not False else []
        results = _read_in_two_processes(xf, jobs, offload) if offload else None
        if results is None:
            results = {}
            for key, name in jobs:
                own: list[Problem] = []
                results[key] = (read_sheet(xf, key, name, own), own)
        data: dict[str, SheetData] = {}
        for key, _ in jobs:  # sheet order, as when read one after the other
            data[key], own = results[key]
            problems.extend(own)
        return data, problems


def _renamed_sheets(xf: XlsxFile, found: dict[str, str], problems: list[Problem]) -> list[Problem]:
    """A required sheet missing while a sheet of another name has its headers (the clerk renamed
    «NhanSu» «Nhân viên 2026», or Excel's «Sheet1»): the error names that sheet and what to rename it.
    An optional sheet so renamed («Biểu quyết 2026»: its votes would be silently left out) makes the
    unknown-sheet warning of that sheet an error saying what to rename it."""
    missing = {spec.key: spec for spec in schema.SHEETS if spec.key not in found}
    strangers = [n for n in xf.sheetnames if n not in found.values() and cells.compact(n) not in AUX_SHEETS]
    if not missing or not strangers:
        return problems
    hints: dict[str, str] = {}
    for name in strangers:
        try:
            first = next(islice(xf.rows(name), 1), None)
        except InputUnreadable:
            continue  # said where it matters: a sheet of the contract that cannot be read
        if first is None:
            continue
        titles = [t for v in first[1].values() if (t := _header_text(v))]
        for key, spec in missing.items():
            lookup = _names_lookup(spec.columns)
            hits = {c.key for t in titles if (c := match_name(lookup, t)) is not None}
            if key in hints or not all(c.key in hits for c in spec.columns if c.required):
                continue
            # an optional sheet (BieuQuyet «Biểu quyết 2026») is not read at all when renamed: only a sheet
            # that is surely it (two of its columns or more, half of the sheet's titles) is named so
            if spec.required or (len(hits) >= 2 and 2 * len(hits) >= len(titles)):
                hints[key] = name
    out = []
    optional = {name: schema.SHEETS_BY_KEY[key] for key, name in hints.items() if not schema.SHEETS_BY_KEY[key].required}
    for p in problems:
        renamed = hints.get(p.sheet) if p.is_error and p.row is None and p.message.startswith("Thiếu sheet") else None
        meant = optional.get(p.sheet) if not p.is_error and p.row is None else None
        if meant is not None:  # its data would be left out of the ratings and the papers: an error, not a note
            out.append(Problem(ERROR, p.sheet, f"Sheet có các cột của sheet «{meant.key}» ({meant.label}), có lẽ đã bị "
                               "đổi tên; sheet không được đọc.", expected=f"đổi tên sheet «{p.sheet}» thành «{meant.key}»"))
            continue
        out.append(p if not renamed else replace(
            p, message=f"{p.message[:-1] if p.message.endswith('.') else p.message}; sheet «{renamed}» có các cột của "
                       f"sheet này, có lẽ đã bị đổi tên.", expected=f"đổi tên sheet «{renamed}» thành «{p.sheet}»"))
    return out


# -- reading in two processes ---------------------------------------------------------------------
PARALLEL_MIN_BYTES = 8 * 1024 * 1024  # sheets' XML in all; below this a second process does not pay


def _split(xf: XlsxFile, jobs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The sheets a helper process should read (the biggest, then whichever side is lighter gets
    the next), or [] when the workbook is small or no helper can run (see `forked.available`)."""
    sizes = sorted(((xf.sheet_size(name), key, name) for key, name in jobs), reverse=True)
    if len(sizes) < 2 or sum(size for size, _, _ in sizes) < PARALLEL_MIN_BYTES or not forked.available():
        return []
    helper, mine, offload = 0, 0, []
    for size, key, name in sizes:
        if helper <= mine:
            helper += size
            offload.append((key, name))
        else:
            mine += size
    return offload


def _read_in_two_processes(xf: XlsxFile, jobs: list[tuple[str, str]], offload: list[tuple[str, str]]) -> dict[str, tuple[SheetData, list[Problem]]] | None:
    """Read the `offload` sheets in a forked helper and the others here; None when anything goes
    wrong (the caller then reads every sheet here, in order, so that the first unreadable sheet
    gives the same message as always)."""
    try:
        xf.load_shared_strings()  # once, before the fork: both processes use them
    except Exception:
        return None

    def helper() -> dict[str, Any]:
        xf.reopen()
        out = {}
        for key, name in offload:
            own: list[Problem] = []
            sheet = read_sheet(xf, key, name, own)
            rows: list[Any] = sheet.rows
            if all(isinstance(row.refs, RowRefs) for row in rows):  # rebuilt by the parent: 3× less to pickle
                rows = [(row.number, row.values) for row in rows]
            out[key] = (rows, sheet.headers, own)
        return out

    with forked.Forked(helper) as child:
        results: dict[str, tuple[SheetData, list[Problem]]] = {}
        try:
            for key, name in jobs:
                if (key, name) not in offload:
                    own: list[Problem] = []
                    results[key] = (read_sheet(xf, key, name, own), own)
            received = cast(dict[str, Any], child.result())  # what `helper` returned
        except (Exception, forked.Failed):
            return None
    names = dict(offload)
    for key, (rows, headers, own) in received.items():
        name = names[key]
        rows = [row if isinstance(row, Row) else Row(row[0], row[1], RowRefs(name, row[0], headers)) for row in rows]
        results[key] = (SheetData(schema.SHEETS_BY_KEY[key], name, rows, headers), own)
    return results
