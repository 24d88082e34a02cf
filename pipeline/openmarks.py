"""Is a workbook open in Excel or LibreOffice? Both keep a lock file beside it while it is open.

Only the standard library is imported here (the CLI asks before a build that may have nothing to do).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def open_marks(workbook: Path) -> list[Path]:
    """The files Excel (`~$name`, or `~$` over the first two letters of a long name) and LibreOffice
    (`.~lock.name#`) keep beside a workbook while it is open in them."""
    workbook = Path(workbook)
    folder, name = workbook.parent, workbook.name
    marks = [folder / f"~${name}", folder / f"~${name[2:]}", folder / f".~lock.{name}#"]
    return [m for m in dict.fromkeys(marks) if m.name != name and m.is_file()]


def read_while_open_note(workbook: Path) -> str:
    """One console line when the workbook is open in an editor: what is read is the last saved
    version, not what is on the screen; "" when it is not open (or cannot be looked at)."""
    try:
        marks = open_marks(workbook)
        saved = dt.datetime.fromtimestamp(Path(workbook).stat().st_mtime) if marks else None
    except OSError:
        return ""
    if not marks or saved is None:
        return ""
    return (f"Ghi chú: sổ «{Path(workbook).name}» đang mở trong Excel hoặc LibreOffice (tệp khóa «{marks[0].name}»): "
            f"hoso đọc bản đã lưu lần cuối lúc {saved:%H:%M %d/%m/%Y}; phần gõ chưa lưu không có trong kết quả. "
            "Lưu sổ rồi chạy lại nếu cần.")
