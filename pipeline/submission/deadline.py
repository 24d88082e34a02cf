"""The Sở Nội vụ deadline relative to "today" (rules.md R9): plain date arithmetic, importable without
the build's libraries (an unchanged build still prints the deadline line)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    today: dt.date

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
        return f"Hạn gửi hồ sơ cho Sở Nội vụ: {self.date:%d/%m/%Y} — {self.status} (tính đến hôm nay, {self.today:%d/%m/%Y})."
