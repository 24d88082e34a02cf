"""`hoso check WORKBOOK --danh-dau COPY.xlsx`: the problems shown where the clerk works.

A copy of the workbook (the original is only read) where every cell a problem names is filled —
red for an error, yellow for a warning — and carries the messages as a cell comment; a problem
that names a row but no column marks the row's first cell. A first sheet `KiemTra` lists every
problem (level, sheet, cell, column, message, value found, what is expected) with a link to its
cell; problems of the file or of a whole sheet are listed there only. `KiemTra` is one of the
reader's auxiliary sheets, so the marked copy can itself be checked and built.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import portable
from pipeline.errors import InputUnreadable, OutputError
from pipeline.ingest import xlsx_write

if TYPE_CHECKING:
    from pipeline.ingest.problems import Problem

SHEET = "KiemTra"
ERROR_FILL, WARNING_FILL = "FFC7CE", "FFEB9C"
OPENPYXL_LIMIT = 16 * 1024 * 1024  # sheet XML openpyxl may load, as submission/writeback.py and ingest/rollover.py


def is_marked_copy(path: Path) -> bool:
    """A file an earlier `--danh-dau` wrote (an .xlsx whose first sheet is `KiemTra`): the only kind
    of existing file the marked copy replaces — never another workbook picked by mistake."""
    import re
    import zipfile

    try:
        if Path(path).is_symlink() or not Path(path).is_file():
            return False
        with zipfile.ZipFile(path) as z:
            head = z.read("xl/workbook.xml")[:1 << 20].decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False
    first = re.search(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", head)
    return first is not None and first.group(1) == SHEET


class TooBig(InputUnreadable):
    """The workbook is too big for openpyxl, which the marked copy loads whole: no copy (the problems
    are still listed)."""


def too_big(workbook: Path) -> str:
    """Why openpyxl must not load this workbook ("" when it may): it reads every sheet into Python
    objects — a 6 MB upload of 3 million tiny cells (86 MB of XML) took 75 s and 1.5 GB — so the sheets'
    sizes in the zip directory are checked first, with the limit the write-back copy uses."""
    import zipfile

    try:
        with zipfile.ZipFile(workbook) as zf:
            total = sum(i.file_size for i in zf.infolist() if i.filename.startswith("xl/worksheets/"))
    except (OSError, zipfile.BadZipFile):
        return ""  # openpyxl says why below
    if total <= OPENPYXL_LIMIT:
        return ""
    return f"sổ có {total / 1048576:.0f} MB dữ liệu trong các sheet (có thể có sheet ẩn rất lớn)"


def write(workbook: Path, dest: Path, problems: list[Problem]) -> int:
    """Write the marked copy; returns the number of cells marked."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    workbook, dest = Path(workbook), Path(dest)
    if why := too_big(workbook):
        raise TooBig(f"Không tạo bản đánh dấu «{dest.name}»: {why}; bản đánh dấu phải đọc hết sổ nên được bỏ qua "
                     "(danh sách lỗi vẫn đầy đủ).")
    if dest.exists() and os.path.samefile(workbook, dest):
        raise OutputError(f"«{dest}» là chính sổ đang kiểm tra; bản đánh dấu phải là một tệp khác (sổ gốc không bao giờ bị sửa).")
    if os.path.lexists(dest) and not is_marked_copy(dest):
        raise OutputError(f"«{dest}» đã có và không phải bản đánh dấu do hoso check tạo (sheet đầu không phải «{SHEET}»); "
                          "hoso không ghi đè nó. Chọn tên tệp khác cho bản đánh dấu.")
    try:
        wb = load_workbook(workbook)
    except Exception as exc:  # noqa: BLE001 — check already read it; openpyxl may still refuse
        raise InputUnreadable(f"Không mở được «{workbook}» để tạo bản đánh dấu: {exc}.") from exc
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    fills = {True: PatternFill("solid", fgColor=ERROR_FILL), False: PatternFill("solid", fgColor=WARNING_FILL)}
    notes: dict[tuple[str, str], list[Any]] = {}
    for p in problems:
        if p.sheet in wb.sheetnames and p.row:
            notes.setdefault((p.sheet, f"{p.column or 'A'}{p.row}"), []).append(p)
    for (sheet, ref), items in notes.items():
        cell = wb[sheet][ref]
        cell.fill = fills[any(p.is_error for p in items)]
        text = "\n".join(("LỖI: " if p.is_error else "CẢNH BÁO: ") + p.text() for p in items)
        cell.comment = Comment(text, "hoso check", width=420, height=max(120, 60 * len(items)))

    ws = wb.create_sheet(SHEET, 0)
    heads = ("STT", "Mức", "Sheet", "Ô", "Cột", "Thông báo", "Giá trị", "Cần")
    widths = (6, 10, 14, 8, 22, 80, 24, 50)
    for i, (head, width) in enumerate(zip(heads, widths, strict=True), start=1):
        c = ws.cell(row=1, column=i, value=head)
        c.font = Font(bold=True)
        ws.column_dimensions[c.column_letter].width = width
    for n, p in enumerate(problems, start=1):
        r = n + 1
        where = f"{p.column or 'A'}{p.row}" if p.row else ""
        row = (n, "Lỗi" if p.is_error else "Cảnh báo", p.sheet or "(tệp)", where, p.header or "", p.message,
               p.value or "", p.expected or "")
        for i, value in enumerate(row, start=1):
            c = xlsx_write.put(ws, r, i, value)  # text as text: a value typed "=HYPERLINK(…)" is never a formula
            c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=r, column=2).fill = fills[p.is_error]
        if where and p.sheet in wb.sheetnames:
            link = ws.cell(row=r, column=4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{p.sheet}'!{where}",
                                       tooltip=f"Đến ô {where} của sheet {p.sheet}")
            link.font = Font(color="0563C1", underline="single")
    if not problems:
        ws.cell(row=2, column=6, value="Không có lỗi hay cảnh báo nào.")
    ws.freeze_panes = "A2"
    wb.active = 0
    for other in wb.worksheets[1:]:
        other.sheet_view.tabSelected = False
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        portable.replace_file(dest, wb.save, prefix=".danh_dau_")
    except OSError as exc:
        raise OutputError(f"Không ghi được «{dest}» ({exc.strerror or exc}).") from exc
    return len(notes)
