"""A problem found in the workbook, pointing at the cell, with a Vietnamese message."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

ERROR, WARNING = "loi", "canh_bao"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    sheet: str  # the sheet's name as found in the workbook (or the contract's key)
    message: str  # what is wrong, Vietnamese
    row: int | None = None
    column: str | None = None  # letter, e.g. "C"
    header: str | None = None  # the header as written in row 1 (or the contract's label)
    value: str | None = None  # the value found, as shown to a clerk
    expected: str | None = None  # what is expected, Vietnamese

    def __post_init__(self) -> None:
        for name in ("sheet", "message", "header", "value", "expected"):  # printable anywhere (UTF-8, JSON)
            text = getattr(self, name)
            if isinstance(text, str) and _SURROGATE.search(text):
                object.__setattr__(self, name, _SURROGATE.sub(lambda m: f"_x{ord(m.group()):04X}_", text))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def cell(self) -> str:
        if self.column and self.row:
            return f"{self.column}{self.row}"
        if self.row:
            return f"dòng {self.row}"
        return ""

    def where(self, last_row: int | None = None) -> str:
        """«Sheet «NhanSu», dòng 5, cột C «Ngày sinh» (ô C5)», or «Tệp» for the file as a whole; with `last_row`,
        the same problem on every row from `row` to it: «dòng 62–73 (12 dòng), cột A … (ô A62:A73)»."""
        where = [f"Sheet «{self.sheet}»" if self.sheet else "Tệp"]
        run = bool(self.row and last_row and last_row > self.row)
        if self.row:
            where.append(f"dòng {self.row}–{last_row} ({last_row - self.row + 1} dòng)" if run and last_row
                         else f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}" + (f" «{self.header}»" if self.header else ""))
        elif self.header:
            where.append(f"cột «{self.header}»")
        text = ", ".join(where)
        if self.column and self.row:
            text += f" (ô {self.column}{self.row}:{self.column}{last_row})" if run else f" (ô {self.column}{self.row})"
        return text

    def same_but_row(self, other: Problem) -> bool:
        """`other` says the same as this one (severity, sheet, column, message, value, expected) on another row."""
        return (self.severity, self.sheet, self.column, self.header, self.message, self.value, self.expected) == \
            (other.severity, other.sheet, other.column, other.header, other.message, other.value, other.expected)

    def text(self, last_row: int | None = None) -> str:
        """One line for a clerk: where, what was found, what is expected (`last_row`: see `where`)."""
        line = f"{self.where(last_row)}: {self.message}"
        if self.value is not None:
            line += f" Giá trị: «{self.value}»."
        if self.expected:
            line += f" Cần: {self.expected.rstrip('.')}."
        return line

    def as_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["o"] = self.cell
        d["thong_bao"] = self.text()
        return d


RUN = 3  # the same problem on so many consecutive rows or more is said once («dòng 62–73 (12 dòng)»)


def runs(items: list[Problem]) -> list[tuple[Problem, int | None, int]]:
    """(first problem, last row or None, how many): consecutive problems saying the same on consecutive rows (a
    code typed wrong on one row leaves twelve monthly rows without their person) folded into one, for the console
    and the web's table; counts, `--json` and the highlighted workbook keep every cell."""
    out: list[tuple[Problem, int | None, int]] = []
    i = 0
    while i < len(items):
        j = i
        while (j + 1 < len(items) and (row := items[j].row) is not None and items[j + 1].row == row + 1
               and items[i].same_but_row(items[j + 1])):
            j += 1
        if j - i + 1 >= RUN:
            out.append((items[i], items[j].row, j - i + 1))
        else:
            out += [(p, None, 1) for p in items[i:j + 1]]
        i = j + 1
    return out
