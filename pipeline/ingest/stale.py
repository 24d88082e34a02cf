"""Data left from another year (a workbook carried over by hand instead of `hoso init --tu`):
warnings, not errors — the clerk decides.

- a date of CoQuan («Ngày lập», «Hạn nộp Sở Nội vụ», and the dates signed on the year's papers: self-
  assessment, decision, notice, report, the agency's self-rating) or a unit's «Ngày họp đánh giá» in
  the year before the evaluation year (dates further away are already errors in load.py);
- from 2026, criteria in TieuChi and no points in ChamDiem (ND 90's points-table criteria carried
  over: nothing uses them);
- CoQuan «Bộ quy tắc» (or «… cho cán bộ, hợp đồng, NLĐ») naming a rulebook of the years before 2026
  (nd90-…) in a workbook of 2026 or later;
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


# every date of CoQuan: the document date, the deadline and the dates signed on the year's papers
DATED = tuple(c.key for c in schema.CO_QUAN.columns if c.kind == schema.DATE)


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
        for key in DATED:
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
        out += _old_rulebooks(row, year, agency.name)
    units = data.get("DonVi")
    unit_sheet = units.name if units is not None else "DonVi"
    for row in units.rows if units is not None else []:
        d = row.values.get("ngay_hop")
        if d is not None and d.year == year - 1:
            out.append(_warn(row, "ngay_hop", f"«Ngày họp đánh giá» của đơn vị {row.values.get('ma_don_vi', '')} thuộc năm "
                             f"{d.year}, trước năm đánh giá {year}: có phải ngày họp năm trước?",
                             d.strftime("%d/%m/%Y"), year, unit_sheet))
    out += _unused_criteria(data, year)
    caps = data.get("NgoaiLeTyLe")
    for row in caps.rows if caps is not None else []:
        d = row.values.get("ngay_van_ban")
        if d is not None and d.year < year:
            out.append(_warn(row, "ngay_van_ban", f"Văn bản cho phép vượt tỷ lệ HTXS đề ngày {d.strftime('%d/%m/%Y')}, "
                             f"trước năm đánh giá {year}: mỗi văn bản chỉ áp dụng cho một năm.",
                             d.strftime("%d/%m/%Y"), year, caps.name))  # type: ignore[union-attr]  # set in its loop
    return out


def _unused_criteria(data: dict[str, Any], year: int) -> list[Problem]:
    """From 2026 the year score is the mean of the periods (KetQuaKy); the criteria of sheet TieuChi only
    serve the points of sheet ChamDiem. Criteria and no points at all: a list carried over from a year of
    ND 90's points table (Mẫu 12/HDDG), used by nothing — said once, at the sheet's first row."""
    criteria, points = data.get("TieuChi"), data.get("ChamDiem")
    if year < 2026 or criteria is None or not criteria.rows or (points is not None and points.rows):
        return []
    first = criteria.rows[0]
    return [Problem(WARNING, criteria.name, f"Sheet «{criteria.name}» có {len(criteria.rows)} tiêu chí nhưng sheet ChamDiem "
                    f"không có điểm nào: từ năm 2026 điểm năm tính từ kết quả từng tháng, quý (sheet KetQuaKy), các "
                    "tiêu chí này không được dùng để xếp loại và không in trên mẫu nào.", row=first.number,
                    value=str(first.values.get("ma_tieu_chi", "")),
                    expected="xóa các dòng tiêu chí của năm trước (hoặc chấm điểm theo tiêu chí ở sheet ChamDiem cho "
                             "người không có kết quả từng kỳ)")]


POINTS_FROM = 2026  # the first year of the points regime (ND 335/2025; rulebooks.BY_CATEGORY_FROM)


def _old_rulebooks(row: Row, year: int, sheet: str) -> list[Problem]:
    """CoQuan «Bộ quy tắc» (or the one for other staff) naming a rulebook of the years before the points
    regime (nd90-…) in a workbook of a year of it: last year's override carried over by hand. The rating
    would follow ND 90 and cite it on 2026 papers; `hoso rate` says so too, this says it at the cell."""
    from pipeline.rating.rulebooks import RULEBOOKS

    out = []
    for key in ("bo_quy_tac", "bo_quy_tac_khac"):
        name = str(row.values.get(key) or "").strip()
        rb = RULEBOOKS.get(name)
        if rb is None or year < POINTS_FROM or rb.years[1] >= POINTS_FROM:
            continue
        ref = row.refs.get(key)
        label = schema.CO_QUAN.column(key).label
        out.append(Problem(
            WARNING, ref.sheet if ref else sheet,
            f"«{label}» ghi «{name}» (bộ quy tắc các năm {rb.years[0]}–{rb.years[1]}) nhưng năm đánh giá là {year}: "
            f"mọi người sẽ được xếp loại và ghi lý do theo quy định cũ, không theo chấm điểm năm {year}.",
            row=ref.row if ref else row.number, column=ref.column if ref else None,
            header=ref.header if ref else None, value=name,
            expected=f"để trống ô này (chương trình chọn bộ quy tắc theo năm {year} và loại nhân sự), trừ khi cấp có "
                     "thẩm quyền cho áp dụng quy định cũ"))
    return out
