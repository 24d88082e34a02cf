"""Data left from another year (a workbook carried over by hand instead of `hoso init --tu`):
warnings, not errors — the clerk decides.

- CoQuan «Ngày lập» or «Hạn nộp Sở Nội vụ» in the year before the evaluation year (dates further
  away are already errors in load.py);
- NgoaiLeTyLe: an exception to the HTXS cap approved by a document dated before the evaluation year
  (an approval is given for one year's rating);
- CoQuan «Bộ mẫu» naming the default form set of another period than the evaluation year's (nd90,
  the default up to 2025, in a 2026 workbook carried over by hand: the build would stop on its forms);
- the workbook's file name holds a year (2000–2099) that is neither the evaluation year nor the
  next (last year's file copied, its «Năm đánh giá» not moved on — or the other way round).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pipeline.ingest import schema
from pipeline.ingest.problems import WARNING, Problem
from pipeline.ingest.reader import Row

HINT = "dữ liệu của năm đánh giá {year}; nếu đây là số liệu năm trước, hãy sửa hoặc xóa (hoặc tạo sổ mới: hoso init --tu SỔ_NĂM_TRƯỚC.xlsx)"


def _warn(row: Row, key: str, message: str, value: str, year: int, sheet: str) -> Problem:
    ref = row.refs.get(key)
    return Problem(WARNING, ref.sheet if ref else sheet, message, row=ref.row if ref else row.number,
                   column=ref.column if ref else None, header=ref.header if ref else None, value=value,
                   expected=HINT.format(year=year))


_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def check(data: dict[str, Any], year: int | None, path: Path | None = None) -> list[Problem]:
    if not isinstance(year, int):
        return []
    out = []
    named = [int(y) for y in _YEAR_IN_NAME.findall(Path(path).stem)] if path is not None else []
    if named and path is not None and not any(y in (year, year + 1) for y in named):
        agency = data.get("CoQuan")
        out.append(Problem(WARNING, agency.name if agency else "", f"Tên tệp «{Path(path).name}» ghi năm {named[0]}, "
                           f"còn «Năm đánh giá» ở sheet CoQuan là {year}: có phải sổ của năm khác?",
                           expected=f"sổ của năm đánh giá {year} (sổ năm sau: hoso init --tu SỔ_NĂM_TRƯỚC.xlsx)"))
    agency = data.get("CoQuan")
    if agency is not None and agency.rows:
        row = agency.rows[0]
        for key in ("ngay_lap", "han_nop_so_noi_vu"):
            d = row.values.get(key)
            if d is not None and d.year == year - 1:
                label = schema.CO_QUAN.column(key).label
                out.append(_warn(row, key, f"«{label}» thuộc năm {d.year}, trước năm đánh giá {year}: có phải số liệu năm trước?",
                                 d.strftime("%d/%m/%Y"), year, agency.name))
        chosen, default = row.values.get("bo_mau"), schema.default_bo_mau(year)
        others = {name for _first, name in schema.DEFAULT_BO_MAU} - {default}
        if chosen in others:
            ref = row.refs.get("bo_mau")
            out.append(Problem(
                WARNING, ref.sheet if ref else agency.name,
                f"«Bộ mẫu» ghi «{schema.BO_MAU[chosen]}» nhưng năm đánh giá là {year}: bộ mẫu của năm {year} là "
                f"«{schema.BO_MAU[default]}». Nếu giữ, hoso build sẽ dừng ở các mẫu không áp dụng cho năm {year}.",
                row=ref.row if ref else row.number, column=ref.column if ref else None,
                header=ref.header if ref else None, value=schema.BO_MAU[chosen],
                expected=f"để trống ô này (chương trình chọn bộ mẫu theo năm: {default}), trừ khi cấp có thẩm quyền "
                         "cho dùng mẫu cũ"))
    caps = data.get("NgoaiLeTyLe")
    for row in caps.rows if caps is not None else []:
        d = row.values.get("ngay_van_ban")
        if d is not None and d.year < year:
            out.append(_warn(row, "ngay_van_ban", f"Văn bản cho phép vượt tỷ lệ HTXS đề ngày {d.strftime('%d/%m/%Y')}, "
                             f"trước năm đánh giá {year}: mỗi văn bản chỉ áp dụng cho một năm.",
                             d.strftime("%d/%m/%Y"), year, caps.name))  # type: ignore[union-attr]  # set in its loop
    return out
