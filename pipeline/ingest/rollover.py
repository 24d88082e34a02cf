"""`hoso init --tu LAST_YEAR.xlsx [FOLDER]`: next year's workbook from last year's, in one step.

A new workbook laid out exactly like `hoso init`'s (same sheets, labels, drop-down lists, guide),
filled with what stays from one year to the next:

- the sheets in `KEEP` (the agency, its units, its staff, its own scoring criteria) are copied row
  by row, without the columns in `PER_YEAR` (a self-rating, a decided level, months worked, the
  year's note…); the evaluation year moves on by one;
- people marked as gone in NhanSu (column `da_nghi`, «Đã nghỉ, chuyển đi») are left out;
- every other sheet of the schema — votes, self-assessments, disciplines, emulation, scores,
  approved exceptions, and any sheet added to `schema.SHEETS` later — starts empty: it belongs to
  the year it was filled for.

The values are read with the workbook reader (so headers and sheets are matched as `hoso check`
matches them) and written as the clerk would type them: codes as their Vietnamese labels, Có/Không,
dates as dates.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputUnreadable, OutputError
from pipeline.ingest import blank, schema

KEEP = ("CoQuan", "DonVi", "NhanSu", "TieuChi")
PER_YEAR = {
    "CoQuan": ("ngay_lap", "han_nop_so_noi_vu", "bo_quy_tac"),
    "NhanSu": ("so_thang_cong_tac", "so_thang_nghi", "nghi_thai_san", "tu_xep_loai", "muc_quyet_dinh",
               "muc_dang_vien", "mien_sinh_hoat_noi_cu_tru", "ghi_chu", "da_nghi"),
}
GONE = "da_nghi"


class AlreadyThere(OutputError):
    """The next year's workbook is already there (the CLI makes it a usage error)."""


def filename(year: int) -> str:
    return f"ho_so_danh_gia_{year}.xlsx"


@dataclass
class Rollover:
    dest: Path
    year: int
    kept: dict[str, int]  # sheet key -> rows copied
    gone: list[str]  # "Họ tên (mã số)" of the people left out
    cleared: dict[str, int]  # sheet key -> rows of last year not copied


def _cell_value(col: schema.Column, value: object) -> Any:  # what openpyxl writes in a cell
    if value is None:
        return None
    if col.kind == schema.YESNO:
        return blank.YES_NO[0] if value else blank.YES_NO[1]
    if col.kind == schema.CODE and col.choices and value in col.choices:
        return col.choices[value]
    return value


def roll(source: Path, folder: Path, *, force: bool = False) -> Rollover:
    from pipeline.ingest.reader import read_workbook

    source = Path(source)
    if not source.is_file():
        raise InputUnreadable(f"Không tìm thấy sổ Excel năm trước «{source}».")
    data, _problems = read_workbook(source)
    agency = data.get("CoQuan")
    old_year = agency.rows[0].values.get("nam_danh_gia") if agency and agency.rows else None
    if not isinstance(old_year, int):
        raise InputUnreadable(f"Sổ «{source}» không có «Năm đánh giá» đọc được ở sheet CoQuan; không biết chuyển sang năm nào.",
                              hint=f"Sửa ô đó rồi chạy lại: hoso check {source}")
    year = old_year + 1
    dest = Path(folder) / filename(year)
    if dest.exists() and not force:
        raise AlreadyThere(f"Tệp «{dest}» đã có; không ghi đè. Thêm --force để ghi đè, hoặc chọn thư mục khác.")

    blank._import_openpyxl()
    wb = blank.build()
    kept: dict[str, int] = {}
    cleared: dict[str, int] = {}
    gone: list[str] = []
    for spec in schema.SHEETS:
        sheet = data.get(spec.key)
        rows = sheet.rows if sheet else []
        if spec.key not in KEEP:
            if rows:
                cleared[spec.key] = len(rows)
            continue
        drop = set(PER_YEAR.get(spec.key, ()))
        ws = wb[spec.key]
        if spec.key_value:
            values = dict(rows[0].values) if rows else {}
            values["nam_danh_gia"] = year
            for r, col in enumerate(spec.columns, start=2):
                if col.key not in drop:
                    ws.cell(row=r, column=2, value=_cell_value(col, values.get(col.key)))
            kept[spec.key] = 1
            continue
        out_row = 2
        for row in rows:
            v = row.values
            if spec.key == "NhanSu" and v.get(GONE):
                gone.append(f"{v.get('ho_ten', '')} ({v.get('ma_so', '')})")
                continue
            for c, col in enumerate(spec.columns, start=1):
                if col.key in drop:
                    continue
                value = _cell_value(col, v.get(col.key))
                if value is not None:
                    cell = ws.cell(row=out_row, column=c, value=value)
                    if col.kind == schema.DATE:
                        cell.number_format = blank.DATE_FORMAT
                    elif col.kind == schema.ID:
                        cell.number_format = "@"
            out_row += 1
        kept[spec.key] = out_row - 2
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ho_so_", suffix=".xlsx", dir=folder)
        os.close(fd)
        try:
            wb.save(tmp)
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise OutputError(f"Không ghi được «{dest}» ({exc.strerror or exc}).") from exc
    return Rollover(dest, year, kept, gone, cleared)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
