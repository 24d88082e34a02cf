"""KPI exports "no one here wrote": what a provincial KPI system gives a clerk to import into the 2026 sample
(data/mau_ho_so_2026.xlsx, people VP-001 … VP-040).

- `monthly_xlsx(path)`: a monthly export as the software writes it — a title block of 3 merged rows, the header
  in row 4, the columns' numbering row «(1)» … under it, each person's STT, name, code and unit merged down over
  their months, numbers as text with a decimal comma («95,5»), months
  written «Tháng 3/2026» or «03/2026», a total row («Tổng cộng», merged) and the signer's lines at the bottom.
- `quarterly_csv(path, encoding)`: a quarterly export saved by Excel on Windows as CSV («;» separator, CRLF,
  decimal comma): `cp1258` (Excel's «CSV (Comma delimited)» on a Vietnamese Windows: tone marks stored as
  combining characters, as the code page holds them) or `utf-8-sig` («CSV UTF-8»); quarters «Quý I/2026»; one
  person's code missing but the name present (VP-034), one name with decomposed diacritics (VP-039, NFD).

- `two_row_header_xlsx(path, style)`: a monthly export whose header takes two rows (a merged group title above the
  column names).
- `grouped_xlsx(path, names, titles)`, `grouped_csv(...)`: the same names («Kế hoạch», «Thực hiện», «Tỷ lệ (%)»)
  repeated under group titles («Số lượng», «Chất lượng», «Tiến độ»), merged across in the .xlsx, above the group's
  first column only in the CSV.

The values are plain data (`MONTHLY`, `QUARTERLY`, `TWO_ROW`, `GROUPED`), so a test works out the year scores from them by hand.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

# (code, name, unit, month, general, a, b, c) as the export writes them: text with a decimal comma
MONTHLY: list[tuple[str, str, str, str, str, str, str, str]] = []
for _m in range(1, 13):  # VP-007: months written «Tháng 3/2026»
    _first = _m <= 6
    MONTHLY.append(("VP-007", "Đặng Thị Hạnh", "Phòng Hành chính - Quản trị", f"Tháng {_m}/2026",
                    "27,5" if _first else "26", "100", "95,5" if _first else "90", "90" if _first else "85"))
for _m in range(1, 13):  # VP-026: months written «03/2026»
    _odd = _m % 2 == 1
    MONTHLY.append(("VP-026", "Nguyễn Thị An", "Phòng Khoa giáo - Văn xã", f"{_m:02d}/2026",
                    "24" if _odd else "25,5", "100" if _odd else "95", "80" if _odd else "85", "75,5" if _odd else "80"))
MONTHLY.append(("VP-021", "Huỳnh Văn Cường", "Phòng Tổng hợp", "Tháng 10/2026", "25,5", "100", "90", "85"))

# (code or "", name, quarter, general, a, b, c)
QUARTERLY: list[tuple[str, str, str, str, str, str, str]] = []
_ROMAN = ("I", "II", "III", "IV")
for _q, (_g, _a, _b, _c) in enumerate([("26", "100", "90", "80"), ("25", "100", "85", "80"),
                                        ("26", "100", "90", "85"), ("25,5", "100", "85", "80")], start=1):
    QUARTERLY.append(("VP-032", "Vũ Hoàng Long", f"Quý {_ROMAN[_q - 1]}/2026", _g, _a, _b, _c))
for _q, (_g, _a, _b, _c) in enumerate([("26,5", "100", "92,5", "85"), ("27", "100", "95", "90"),
                                        ("25", "90", "85", "80"), ("28", "100", "100", "95")], start=1):
    QUARTERLY.append(("", "Đặng Văn Phúc", f"Quý {_ROMAN[_q - 1]}/2026", _g, _a, _b, _c))  # code missing
for _q in range(1, 5):
    QUARTERLY.append(("VP-039", unicodedata.normalize("NFD", "Hoàng Văn Dũng"), f"Quý {_ROMAN[_q - 1]}/2026",
                      "24,5", "100", "80", "70"))

MONTHLY_HEADERS = ["STT", "Họ và tên", "Mã CBCC", "Đơn vị", "Tháng", "Điểm tiêu chí chung",
                   "Tỷ lệ hoàn thành số lượng (%)", "Chất lượng (%)", "Tiến độ (%)", "Tổng điểm", "Xếp loại"]
QUARTERLY_HEADERS = ["STT", "Mã CBCC", "Họ và tên", "Quý", "Điểm tiêu chí chung", "Tỷ lệ hoàn thành số lượng (%)",
                     "Chất lượng (%)", "Tiến độ (%)"]


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _score(general: str, a: str, b: str, c: str) -> str:
    """The export's own «Tổng điểm» column, as the software prints it (two decimals, decimal comma)."""
    return f"{_num(general) + 70 * (_num(a) + _num(b) + _num(c)) / 300:.2f}".replace(".", ",")


def monthly_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    width = len(MONTHLY_HEADERS)
    last = chr(ord("A") + width - 1)
    for row, text in enumerate(["ỦY BAN NHÂN DÂN TỈNH HÀ GIANG NAM - VĂN PHÒNG",
                                "BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ HẰNG THÁNG NĂM 2026",
                                "(Xuất từ Hệ thống quản lý, đánh giá cán bộ, công chức theo KPI)"], start=1):
        ws.cell(row=row, column=1, value=text).font = Font(bold=row < 3)
        ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{row}:{last}{row}")
    for col, header in enumerate(MONTHLY_HEADERS, start=1):
        ws.cell(row=4, column=col, value=header).font = Font(bold=True)
        ws.cell(row=5, column=col, value=f"({col})")
    n = 5
    people: list[str] = []
    for code, name, unit, month, g, a, b, c in MONTHLY:
        n += 1
        if code not in people:  # a person's first row: STT, name, code and unit merged down over their months
            people.append(code)
            for col, value in enumerate([len(people), name, code, unit], start=1):
                ws.cell(row=n, column=col, value=value)
        total = _score(g, a, b, c)
        level = "Hoàn thành xuất sắc nhiệm vụ" if _num(total) >= 90 else "Hoàn thành tốt nhiệm vụ"
        for col, value in enumerate([month, g, a, b, c, total, level], start=5):
            ws.cell(row=n, column=col, value=value)
    first = 6
    for code in people:
        count = sum(r[0] == code for r in MONTHLY)
        if count > 1:
            for col in "ABCD":
                ws.merge_cells(f"{col}{first}:{col}{first + count - 1}")
        first += count
    n += 1
    ws.cell(row=n, column=1, value="Tổng cộng").font = Font(bold=True)
    ws.merge_cells(f"A{n}:E{n}")
    ws.cell(row=n, column=6, value=f"{sum(_num(r[4]) for r in MONTHLY):.1f}".replace(".", ","))
    n += 2
    ws.cell(row=n, column=8, value="Hà Giang Nam, ngày 05 tháng 01 năm 2027")
    ws.merge_cells(f"H{n}:{last}{n}")
    ws.cell(row=n + 1, column=8, value="NGƯỜI LẬP BIỂU")
    ws.merge_cells(f"H{n + 1}:{last}{n + 1}")
    wb.save(path)
    return path


# (code, name, month, general, a, b, c) of `two_row_header_xlsx`: VP-021's October (not in the sample), VP-007's
# November (in the sample: replaced)
TWO_ROW: list[tuple[str, str, str, str, str, str, str]] = [
    ("VP-021", "Huỳnh Văn Cường", "Tháng 10/2026", "25,5", "100", "90", "85"),
    ("VP-007", "Đặng Thị Hạnh", "Tháng 11/2026", "26", "95", "90", "80"),
]


def two_row_header_xlsx(path: Path, style: str = "gop") -> Path:
    """A monthly export whose header takes two rows under a title, as report screens print them:
    - `gop`: STT, name, code, month and general score each merged down over both rows («A3:A4»), and one group
      title «Tỷ lệ hoàn thành nhiệm vụ (%)» merged across three columns above «Số lượng», «Chất lượng», «Tiến độ»;
    - `nhom`: a group title over every column («THÔNG TIN CÁN BỘ» over STT … Tháng, «KẾT QUẢ ĐÁNH GIÁ THÁNG» over
      the scores), the column names in the second row.
    The rows (`TWO_ROW`) start right under the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.cell(row=1, column=1, value="BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ HẰNG THÁNG NĂM 2026").font = Font(bold=True)
    ws.merge_cells("A1:H1")
    names = ["STT", "Họ và tên", "Mã CBCC", "Tháng", "Điểm tiêu chí chung"]
    if style == "gop":
        for col, header in enumerate(names, start=1):
            ws.cell(row=3, column=col, value=header).font = Font(bold=True)
            letter = chr(ord("A") + col - 1)
            ws.merge_cells(f"{letter}3:{letter}4")
        ws.cell(row=3, column=6, value="Tỷ lệ hoàn thành nhiệm vụ (%)").font = Font(bold=True)
        ws.merge_cells("F3:H3")
        for col, header in enumerate(["Số lượng", "Chất lượng", "Tiến độ"], start=6):
            ws.cell(row=4, column=col, value=header).font = Font(bold=True)
    elif style == "nhom":
        ws.cell(row=3, column=1, value="THÔNG TIN CÁN BỘ").font = Font(bold=True)
        ws.merge_cells("A3:D3")
        ws.cell(row=3, column=5, value="KẾT QUẢ ĐÁNH GIÁ THÁNG").font = Font(bold=True)
        ws.merge_cells("E3:H3")
        for col, header in enumerate([*names, "Số lượng (%)", "Chất lượng (%)", "Tiến độ (%)"], start=1):
            ws.cell(row=4, column=col, value=header).font = Font(bold=True)
    else:
        raise ValueError(style)
    for n, (code, name, month, g, a, b, c) in enumerate(TWO_ROW, start=1):
        for col, value in enumerate([n, name, code, month, g, a, b, c], start=1):
            ws.cell(row=4 + n, column=col, value=value)
    wb.save(path)
    return path


def _cp1258(text: str) -> bytes:
    """`text` as Windows writes it in code page 1258: a letter the code page lacks precomposed (ễ, ố, ạ …) is
    its base letter (â ê ô ơ ư ă đ are in the code page) followed by the combining tone mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in tones))  # â ê ô ơ ư ă
        out += (base + tones).encode("cp1258")
    return out


def quarterly_csv(path: Path, encoding: str = "cp1258") -> Path:
    lines = [";".join(["KẾT QUẢ THEO DÕI, ĐÁNH GIÁ THEO QUÝ NĂM 2026 - TRUNG TÂM"] + [""] * (len(QUARTERLY_HEADERS) - 1)),
             ";".join(QUARTERLY_HEADERS)]
    for stt, row in enumerate(QUARTERLY, start=1):
        lines.append(";".join([str(stt), *row]))
    text = "\r\n".join(lines) + "\r\n"
    path.write_bytes(_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def short_cp1258_csv(path: Path) -> Path:
    """A short quarterly export in Windows-1258 (VP-032, VP-035) whose bytes are valid UTF-16 as well (CJK
    characters): an even length and no tone byte that would be a lone surrogate — about half of such files are.
    The title's trailing spaces (an Excel CSV keeps them) make it so."""
    for pad in range(4):
        text = (f"KẾT QUẢ QUÝ I NĂM 2026{' ' * pad};;;\r\nMã CBCC;Họ và tên;Quý;Điểm tiêu chí chung\r\n"
                "VP-032;Vũ Hoàng Long;Quý I/2026;26\r\nVP-035;Lê Thị Mai;Quý I/2026;25,5\r\n")
        data = _cp1258(text)
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            continue
        path.write_bytes(data)
        return path
    raise AssertionError("no padding gives bytes that are valid UTF-16")


# (code, name, month, general, then per group «Số lượng», «Chất lượng», «Tiến độ»: (plan, done, rate)) of
# `grouped_xlsx` / `grouped_csv`: the plan and done counts are never rates (8 of 10 tasks is 80 %), so a column
# taken for another shows in the imported numbers
GROUPED: list[tuple[str, str, str, str, tuple[str, str, str], tuple[str, str, str], tuple[str, str, str]]] = [
    ("VP-021", "Huỳnh Văn Cường", "Tháng 10/2026", "25,5", ("10", "10", "100"), ("10", "9", "90"), ("20", "17", "85")),
    ("VP-007", "Đặng Thị Hạnh", "Tháng 11/2026", "26", ("20", "19", "95"), ("19", "17", "89,5"), ("10", "8", "80")),
]
GROUP_TITLES = ("Số lượng", "Chất lượng", "Tiến độ")
GROUP_NAMES = ("Kế hoạch", "Thực hiện", "Tỷ lệ (%)")
PERSON_HEADERS = ("STT", "Họ và tên", "Mã CBCC", "Tháng", "Điểm tiêu chí chung")


def _grouped_cells(names: tuple[str, ...], rows: list[Any] | None = None) -> list[list[object]]:
    """The data rows of `GROUPED` with the group columns `names`: each of `GROUP_NAMES` its own value, any other name
    («Tự chấm», «Cấp trên chấm») the group's rate."""
    out: list[list[object]] = []
    for n, (code, name, month, g, *groups) in enumerate(GROUPED if rows is None else rows, start=1):
        row: list[object] = [n, name, code, month, g]
        for values in groups:
            row += [values[GROUP_NAMES.index(sub)] if sub in GROUP_NAMES else values[2] for sub in names]
        out.append(row)
    return out


def grouped_xlsx(path: Path, names: tuple[str, ...] = GROUP_NAMES, titles: tuple[str, ...] = GROUP_TITLES,
                 rows: list[Any] | None = None) -> Path:
    """A monthly export whose header takes two rows: STT, name, code, month and general score merged down over both,
    then the group titles `titles` each merged across its columns above the same names `names` («Kế hoạch»,
    «Thực hiện», «Tỷ lệ (%)» under each), as many KPI systems print them. Rows `rows` (`GROUPED`) from row 5."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.cell(row=1, column=1, value="BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ HẰNG THÁNG NĂM 2026").font = Font(bold=True)
    width = len(PERSON_HEADERS) + len(titles) * len(names)
    ws.merge_cells(f"A1:{chr(ord('A') + width - 1)}1")
    for col, header in enumerate(PERSON_HEADERS, start=1):
        ws.cell(row=3, column=col, value=header).font = Font(bold=True)
        letter = chr(ord("A") + col - 1)
        ws.merge_cells(f"{letter}3:{letter}4")
    col = len(PERSON_HEADERS) + 1
    for title in titles:
        ws.cell(row=3, column=col, value=title).font = Font(bold=True)
        if len(names) > 1:
            ws.merge_cells(f"{chr(ord('A') + col - 1)}3:{chr(ord('A') + col + len(names) - 2)}3")
        for sub in names:
            ws.cell(row=4, column=col, value=sub).font = Font(bold=True)
            col += 1
    for n, row in enumerate(_grouped_cells(names, rows), start=5):
        for c, value in enumerate(row, start=1):
            ws.cell(row=n, column=c, value=value)
    wb.save(path)
    return path


def grouped_csv(path: Path, names: tuple[str, ...] = GROUP_NAMES, titles: tuple[str, ...] = GROUP_TITLES,
                rows: list[Any] | None = None) -> Path:
    """`grouped_xlsx` saved as CSV («;», UTF-8 with BOM): a merged cell keeps its text in its first cell only, so each
    group title sits above the first column of its group, and the person's column names are in the first header row
    only (the row under them empty there)."""
    top = [*PERSON_HEADERS]
    bottom = [""] * len(PERSON_HEADERS)
    for title in titles:
        top += [title] + [""] * (len(names) - 1)
        bottom += list(names)
    lines = ["BẢNG TỔNG HỢP KẾT QUẢ THEO DÕI, ĐÁNH GIÁ HẰNG THÁNG NĂM 2026", ";".join(top), ";".join(bottom)]
    lines += [";".join(str(v) for v in row) for row in _grouped_cells(names, rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    return path
