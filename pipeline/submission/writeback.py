"""Write-back: a COPY of the input workbook with the computed columns added to sheet NhanSu.

The input file is only read (openpyxl loads it into memory); the copy is saved under a new name in
the output folder. Added columns, after the last used column of the header row (row 1), or over a
column with the same header (so a copy can be fed back without piling up columns):
Trạng thái xếp loại, Mức đề xuất (chương trình), Mức cuối cùng, Lý do, Cảnh báo, Đủ điều kiện thi đua.
Every value is written as text (`data_type = "s"`), never as a formula: `=1+1` stays `=1+1`.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pipeline.ingest.model import Campaign
from pipeline.rating.result import PersonRating, Ratings
from pipeline.rating.summary import STATUS_WORDS
from pipeline.submission.ratings_xlsx import TITLES, lines, text
from pipeline.submission.summary_table import reproducible_bytes

COLUMNS = (
    ("Trạng thái xếp loại", 14),
    ("Mức đề xuất (chương trình)", 12),
    ("Mức cuối cùng", 12),
    ("Lý do", 80),
    ("Cảnh báo", 60),
    ("Đủ điều kiện thi đua", 30),
)
FILL = PatternFill("solid", fgColor="E2EFDA")  # computed columns stand out from the clerk's own


class WritebackSkipped(Exception):
    """The copy could not be written; the message (Vietnamese) says why. The build goes on."""


def emulation(pr: PersonRating) -> str:
    t = pr.thi_dua
    if t is None:
        return ""
    head = f"{TITLES.get(t.de_nghi, t.de_nghi)}: {'đủ điều kiện' if t.du_dieu_kien else 'không đủ điều kiện'}"
    if t.de_nghi == "CSTDCS" and not t.du_dieu_kien and t.dat_ldtt:
        head += " (đạt Lao động tiên tiến)"
    return head


def values(pr: PersonRating) -> list[str]:
    return [STATUS_WORDS[pr.trang_thai], pr.muc_de_xuat or "", (pr.muc_cuoi or "") if pr.rated else "",
            lines(pr.ly_do), lines(pr.canh_bao), emulation(pr)]


def _put_text(ws, row: int, col: int, value: str):
    cell = ws.cell(row=row, column=col)
    cell.value = text(value)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def write_copy(source: Path, dest: Path, campaign: Campaign, ratings: Ratings) -> None:
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WritebackSkipped(f"Không tạo bản sao kèm kết quả: tệp «{source.name}» không phải .xlsx.")
    refs = [p.refs.get("ma_so") for p in campaign.people]
    sheets = {r.sheet for r in refs if r is not None}
    if len(sheets) != 1:
        raise WritebackSkipped("Không tạo bản sao kèm kết quả: không xác định được sheet Nhân sự.")
    try:
        wb = load_workbook(source)  # reads the file; the source is never written
    except Exception as exc:  # noqa: BLE001 - a copy that cannot be made is a warning, not a failure
        raise WritebackSkipped(f"Không tạo bản sao kèm kết quả: openpyxl không đọc được «{source.name}» "
                               f"({exc.__class__.__name__}).") from exc
    ws = wb[sheets.pop()]
    existing = {}
    last = 0
    for cell in ws[1]:
        if cell.value not in (None, ""):
            last = max(last, cell.column)
            existing[str(cell.value).strip()] = cell.column
    columns = []
    for title, width in COLUMNS:
        col = existing.get(title)
        if col is None:
            last += 1
            col = last
        columns.append(col)
        head = _put_text(ws, 1, col, title)
        head.font, head.fill = Font(bold=True), FILL
        head.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[head.column_letter].width = width
    for person in campaign.people:
        ref = person.refs.get("ma_so")
        if ref is None:
            continue
        pr = ratings.of(person.ma_so)
        for col, value in zip(columns, values(pr), strict=True):
            cell = _put_text(ws, ref.row, col, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    dest.write_bytes(reproducible_bytes(wb, ratings.nam_danh_gia))
