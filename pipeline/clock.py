""""Today" for hoso: the date in Vietnam (UTC+7), or the date in `HOSO_HOM_NAY` (YYYY-MM-DD).

Only the Sở Nội vụ deadline arithmetic uses it (the reading guide's and the summary's "còn N ngày" /
"đã quá hạn N ngày", the package's date when the workbook gives none, the province summary) and the year of
the campaign (`campaign_year`: the web's blank workbook, which Sở deadline is this season's): no date
printed on a form comes from it. `HOSO_HOM_NAY` lets a clerk see the deadline lines as they will read on
a given day, and lets a test run that crosses midnight compute them for one date throughout (the test
suite pins it for all its builds, in-process and in subprocesses alike). Standard library only.
"""

from __future__ import annotations

import datetime as dt
import os

from pipeline.errors import UsageError

VARIABLE = "HOSO_HOM_NAY"
# Vietnam's time: UTC+7 all year (no daylight saving since 1975), so a fixed offset is exact and needs no
# tzdata. The times hoso shows (the web's, a print mark's) are in it, whatever the machine's clock zone.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "UTC+07:00")


def today() -> dt.date:
    """The date of "today": `HOSO_HOM_NAY` when set, else the date in Vietnam — a clerk's computer's own date,
    and on a server whose clock is UTC (`hoso serve` on a cloud machine) not yesterday's until 07:00; a malformed
    value is refused (exit 2), never ignored."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return dt.datetime.now(VIETNAM).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"Biến môi trường {VARIABLE} «{value}» không phải một ngày dạng NĂM-THÁNG-NGÀY.",
                         hint=f"Cần: ví dụ {VARIABLE}=2026-12-05, hoặc bỏ biến này để dùng ngày hôm nay (giờ Việt Nam).") from None


def campaign_year(day: dt.date | None = None) -> int:
    """The evaluation year whose campaign `day` (default: `today()`) belongs to: year Y is rated in November–December
    of Y and its papers are finished in January of Y+1 (units whose work year ends later rate until 15/01), so
    January is still the year before's; from February, the year's own."""
    day = day or today()
    return day.year - 1 if day.month == 1 else day.year
