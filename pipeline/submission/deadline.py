"""The Sở Nội vụ deadline relative to "today" (rules.md R9): plain date arithmetic, importable without
the build's libraries (an unchanged build still prints the deadline line)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    today: dt.date
    # set by the Sở Nội vụ on `hoso serve`'s page (BuildOptions.han_nop_so_noi_vu), not taken from the workbook
    by_so_noi_vu: bool = False
    workbook: dt.date | None = None  # the workbook's own deadline (CoQuan «Hạn nộp Sở Nội vụ»), when by_so_noi_vu
    # the body the agency sends its package to, as the workbook names it (CoQuan.so_noi_vu: a đơn vị sự nghiệp's
    # managing Sở), else «Sở Nội vụ» (report.recipient)
    to: str = "Sở Nội vụ"
    # who set a deadline on the web (`by_so_noi_vu`): the body compiling on that server («Cơ quan tổng hợp» of
    # the Sở's page: a Sở Y tế summing its hospitals), else «Sở Nội vụ»
    set_by: str = "Sở Nội vụ"

    @property
    def who(self) -> str:
        """« (do Sở Nội vụ đặt)» for a deadline the Sở set on the web, "" for the workbook's."""
        return f" (do {self.set_by} đặt)" if self.by_so_noi_vu else ""

    @property
    def workbook_differs(self) -> bool:
        """The Sở set this deadline and the workbook states another one."""
        return self.by_so_noi_vu and self.workbook is not None and self.workbook != self.date

    @property
    def workbook_note(self) -> str:
        """One sentence when the workbook states another deadline than the Sở's ("" otherwise)."""
        if not self.workbook_differs or self.workbook is None:
            return ""
        return (f"Sổ Excel ghi hạn khác: {self.workbook:%d/%m/%Y} (sheet CoQuan, ô «Hạn nộp Sở Nội vụ»); hạn phải theo là "
                f"hạn {self.set_by} đặt, {self.date:%d/%m/%Y}. Nên sửa sổ Excel cho khớp.")

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days

    @property
    def status(self) -> str:
        """"còn 10 ngày", "hôm nay là hạn cuối" or "đã quá hạn 3 ngày" (relative to `today`)."""
        n = self.days_left
        if n > 0:
            return f"còn {n} ngày"
        if n == 0:
            return "hôm nay là hạn cuối"
        return f"đã quá hạn {-n} ngày"

    @property
    def line(self) -> str:
        """The build summary's line."""
        return f"Hạn gửi hồ sơ cho {self.to}{self.who}: {self.date:%d/%m/%Y} — {self.status} (tính đến hôm nay, {self.today:%d/%m/%Y})."
