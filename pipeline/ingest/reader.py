"""Read the workbook into per-sheet lists of parsed rows, collecting every cell problem.

Headers and sheet names are matched by key or Vietnamese label, case- and diacritic-insensitive.
Values are read through openpyxl's cached formula results (data_only); a formula cell without a
cached result is reported (the file was written by a program that does not compute formulas).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from pipeline.errors import InputUnreadable
from pipeline.ingest import cells, schema
from pipeline.ingest.model import Ref
from pipeline.ingest.problems import ERROR, WARNING, Problem

MAX_UNCOMPRESSED = 300 * 1024 * 1024  # refuse zip bombs before openpyxl inflates them
MAX_ROWS = 60_000
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell


@dataclass
class Row:
    """One parsed row: typed values by column key, and where each came from."""

    number: int
    values: dict[str, object] = field(default_factory=dict)
    refs: dict[str, Ref] = field(default_factory=dict)


@dataclass
class SheetData:
    spec: schema.Sheet
    name: str  # as written in the workbook
    rows: list[Row]
    headers: dict[str, tuple[str, str]]  # key -> (column letter, header as written)


def open_workbook(path: Path):
    """Open an .xlsx safely, turning every way it can fail into a Vietnamese message."""
    import openpyxl

    path = Path(path)
    if not path.exists():
        raise InputUnreadable(f"Không tìm thấy tệp «{path}».")
    if path.is_dir():
        raise InputUnreadable(f"«{path}» là một thư mục, không phải tệp Excel (.xlsx).")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputUnreadable(f"Không mở được tệp «{path}»: {exc.strerror}.") from exc
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise InputUnreadable(
                f"Tệp «{path.name}» được đặt mật khẩu.",
                hint="Mở tệp bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc) rồi lưu lại.",
            )
        raise InputUnreadable(
            f"Tệp «{path.name}» là định dạng Excel cũ (.xls).",
            hint="Mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại dưới dạng .xlsx.",
        )
    if not head.startswith(b"PK"):
        raise InputUnreadable(
            f"Tệp «{path.name}» không phải sổ Excel (.xlsx).",
            hint="Hãy dùng tệp .xlsx; có thể tạo mẫu trống bằng lệnh: hoso init",
        )
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputUnreadable(f"Tệp «{path.name}» bị hỏng hoặc chưa lưu xong, không đọc được.") from exc
    if total > MAX_UNCOMPRESSED:
        raise InputUnreadable(
            f"Tệp «{path.name}» khi giải nén quá lớn ({total // 2**20} MB); không phải sổ nhân sự bình thường."
        )
    if "xl/workbook.xml" not in names:
        raise InputUnreadable(f"Tệp «{path.name}» không phải sổ Excel (.xlsx) hợp lệ.")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on broken files
        raise InputUnreadable(f"Tệp «{path.name}» bị hỏng, không đọc được ({type(exc).__name__}).") from exc


def find_sheets(wb) -> tuple[dict[str, str], list[Problem]]:
    """Map contract sheet key -> worksheet name."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    by_fold = {}
    for spec in schema.SHEETS:
        by_fold[cells.fold(spec.key)] = spec
        by_fold[cells.fold(spec.label)] = spec
    known_extra = {cells.fold("HuongDan"), cells.fold("Hướng dẫn")}
    for name in wb.sheetnames:
        spec = by_fold.get(cells.fold(name))
        if spec is None:
            if cells.fold(name) not in known_extra:
                problems.append(Problem(WARNING, name, "Sheet không thuộc mẫu, được bỏ qua."))
            continue
        if spec.key in found:
            problems.append(Problem(ERROR, name, f"Trùng sheet: đã có sheet «{found[spec.key]}» cho cùng nội dung «{spec.label}»."))
            continue
        found[spec.key] = name
    for spec in schema.SHEETS:
        if spec.required and spec.key not in found:
            problems.append(Problem(ERROR, spec.key, f"Thiếu sheet «{spec.key}» ({spec.label}).",
                                    expected=f"một sheet tên «{spec.key}» hoặc «{spec.label}»"))
    return found, problems


def _header_map(spec: schema.Sheet, header_row, sheet_name: str, problems: list[Problem]):
    lookup = {}
    for col in spec.columns:
        lookup[cells.fold(col.key)] = col
        lookup[cells.fold(col.label)] = col
    headers: dict[str, tuple[str, str]] = {}
    index: dict[int, schema.Column] = {}
    for i, raw in enumerate(header_row):
        if cells.is_blank(raw):
            continue
        letter = get_column_letter(i + 1)
        text = cells.clean_text(raw)
        col = lookup.get(cells.fold(text))
        if col is None:
            problems.append(Problem(WARNING, sheet_name, "Cột không thuộc mẫu, được bỏ qua.", row=1, column=letter, header=text))
            continue
        if col.key in headers:
            problems.append(Problem(ERROR, sheet_name, f"Trùng cột: cột {headers[col.key][0]} cũng là «{col.label}».", row=1, column=letter, header=text))
            continue
        headers[col.key] = (letter, text)
        index[i] = col
    for col in spec.columns:
        if col.required and col.key not in headers:
            problems.append(Problem(ERROR, sheet_name, f"Thiếu cột bắt buộc «{col.label}» ({col.key}).", row=1, header=col.label,
                                    expected=f"một cột có tiêu đề «{col.key}» hoặc «{col.label}» ở dòng 1"))
    return headers, index


def _parse_cell(col: schema.Column, raw, ref: Ref, sheet_name: str, problems: list[Problem]):
    if isinstance(raw, str) and len(raw) > MAX_CELL_CHARS:
        problems.append(Problem(ERROR, sheet_name, "Nội dung ô quá dài.", row=ref.row, column=ref.column, header=ref.header,
                                value=cells.show(raw), expected=f"tối đa {MAX_CELL_CHARS} ký tự"))
        return None
    value, expected = cells.parse(col.kind, raw, col.choices)
    if expected is not None:
        problems.append(Problem(ERROR, sheet_name, f"Giá trị không hợp lệ cho «{col.label}».", row=ref.row, column=ref.column,
                                header=ref.header, value=cells.show(raw), expected=expected))
        return None
    return value


def read_table(ws, spec: schema.Sheet, sheet_name: str, problems: list[Problem]) -> SheetData:
    rows_iter = ws.iter_rows(values_only=True)
    header_row = next(rows_iter, None)
    if header_row is None:
        problems.append(Problem(ERROR, sheet_name, "Sheet trống: thiếu dòng tiêu đề.", row=1,
                                expected="dòng 1 ghi tiêu đề các cột (mã hoặc tên cột)"))
        return SheetData(spec, sheet_name, [], {})
    headers, index = _header_map(spec, header_row, sheet_name, problems)
    rows: list[Row] = []
    for number, raw_row in enumerate(rows_iter, start=2):
        if number > MAX_ROWS:
            problems.append(Problem(ERROR, sheet_name, f"Sheet có quá nhiều dòng (trên {MAX_ROWS:,}).".replace(",", "."), row=number))
            break
        if raw_row is None or all(cells.is_blank(v) for v in raw_row):
            continue
        row = Row(number)
        for i, col in index.items():
            raw = raw_row[i] if i < len(raw_row) else None
            letter, header = headers[col.key]
            ref = Ref(sheet_name, number, letter, header)
            row.refs[col.key] = ref
            if cells.is_blank(raw):
                if col.required:
                    problems.append(Problem(ERROR, sheet_name, f"Thiếu «{col.label}» (bắt buộc).", row=number, column=letter,
                                            header=header, value="(trống)", expected=_expected_for(col)))
                continue
            value = _parse_cell(col, raw, ref, sheet_name, problems)
            if value is not None:
                row.values[col.key] = value
        rows.append(row)
    return SheetData(spec, sheet_name, rows, headers)


def read_key_value(ws, spec: schema.Sheet, sheet_name: str, problems: list[Problem]) -> SheetData:
    """CoQuan: column A names the field (key or label), column B holds its value."""
    lookup = {}
    for col in spec.columns:
        lookup[cells.fold(col.key)] = col
        lookup[cells.fold(col.label)] = col
    row = Row(0)
    seen: dict[str, int] = {}
    for number, raw_row in enumerate(ws.iter_rows(values_only=True, max_col=2), start=1):
        if not raw_row or cells.is_blank(raw_row[0]):
            continue
        name = cells.clean_text(raw_row[0])
        if cells.fold(name) in (cells.fold("truong"), cells.fold("trường")):
            continue  # header row
        col = lookup.get(cells.fold(name))
        if col is None:
            problems.append(Problem(WARNING, sheet_name, f"Trường «{name}» không thuộc mẫu, được bỏ qua.", row=number, column="A"))
            continue
        if col.key in seen:
            problems.append(Problem(ERROR, sheet_name, f"Trường «{col.label}» ghi hai lần (dòng {seen[col.key]} và dòng {number}).",
                                    row=number, column="A"))
            continue
        seen[col.key] = number
        raw = raw_row[1] if len(raw_row) > 1 else None
        ref = Ref(sheet_name, number, "B", col.label)
        row.refs[col.key] = ref
        if cells.is_blank(raw):
            continue
        value = _parse_cell(col, raw, ref, sheet_name, problems)
        if value is not None:
            row.values[col.key] = value
    for col in spec.columns:
        if not col.required or col.key in row.values:
            continue
        if col.key in row.refs:
            ref = row.refs[col.key]
            # the field's row exists but its value is empty (an invalid value was reported already)
            if col.key in seen and not any(p.row == ref.row and p.sheet == sheet_name and p.is_error for p in problems):
                problems.append(Problem(ERROR, sheet_name, f"Thiếu giá trị «{col.label}» (bắt buộc).", row=ref.row, column="B",
                                        header=col.label, value="(trống)", expected=_expected_for(col)))
        else:
            problems.append(Problem(ERROR, sheet_name, f"Thiếu trường bắt buộc «{col.label}» ({col.key}).", header=col.label,
                                    expected=f"một dòng với cột A là «{col.key}» hoặc «{col.label}» và cột B là giá trị"))
    return SheetData(spec, sheet_name, [row], {})


def _expected_for(col: schema.Column) -> str:
    if col.kind == schema.CODE and col.choices:
        return "một trong: " + "; ".join(col.choices)
    if col.kind == schema.LEVEL:
        return "HTXS, HTT, HT hoặc KHT"
    if col.kind == schema.DATE:
        return "ngày dạng dd/mm/yyyy"
    if col.kind == schema.YESNO:
        return "Có hoặc Không"
    return "một giá trị"


def read_workbook(path: Path) -> tuple[dict[str, SheetData], list[Problem]]:
    wb = open_workbook(path)
    try:
        problems: list[Problem] = []
        found, sheet_problems = find_sheets(wb)
        problems.extend(sheet_problems)
        data: dict[str, SheetData] = {}
        for key, name in found.items():
            spec = schema.SHEETS_BY_KEY[key]
            ws = wb[name]
            reader = read_key_value if spec.key_value else read_table
            data[key] = reader(ws, spec, name, problems)
        return data, problems
    finally:
        wb.close()
