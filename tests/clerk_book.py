"""A blank workbook of `hoso init` filled as a clerk fills it: by the labels she sees (tests/test_fresh_*.py)."""

from __future__ import annotations

from typing import Any


def set_agency(wb: Any, fields: dict[str, object]) -> None:
    """Sheet CoQuan's value cells, found by the label in column A; every label must be one of the sheet's."""
    cq = wb["CoQuan"]
    left = dict(fields)
    for r in range(2, cq.max_row + 1):
        if cq.cell(r, 1).value in left:
            cq.cell(r, 2).value = left.pop(cq.cell(r, 1).value)
    assert not left, f"not labels of sheet CoQuan: {sorted(left)}"


def write_rows(wb: Any, sheet: str, records: list[dict[str, object]]) -> None:
    """`records` from row 2 of `sheet`, each value in the column its header names."""
    ws = wb[sheet]
    col = {c.value: c.column for c in ws[1] if c.value}
    for i, rec in enumerate(records, start=2):
        for k, v in rec.items():
            ws.cell(i, col[k]).value = v
