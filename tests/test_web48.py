"""`hoso serve` driven with a workbook no one here wrote (web48): tests/clerk_excel_48.py, a small 2026 agency's
workbook filled from the blank one the page offers, with a clerk's habits and, first, a title row and three
mistakes. What Chromium showed that was wrong: the workbook's problems named the cell «AK1» for a column the
contract does not know when the header stood on row 2 under a title row (the title's row, not the column's title),
and a name typed all in small letters («ngô thị thu hà») or in capitals went onto every signed paper as typed,
with no word on the page."""

from __future__ import annotations

import html as html_lib
import io
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import clerk_excel_48 as clerk  # noqa: E402
from web_pages import hidden, logged_in  # noqa: E402

PASSWORD = "mat-khau-du-dai-48"


def _client(tmp_path: Path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password(PASSWORD), "CCTL", "van_thu", None)
    return logged_in(create_app(tmp_path / "du_lieu", start_queue=False), "vt", PASSWORD)


def _upload(c, path: Path) -> str:
    """The page of the check of `path` sent by the upload form (the redirect followed)."""
    token = hidden(c.get("/so-excel").text, "csrf_token")
    r = c.post("/so-excel", data={"csrf_token": token, "so": (io.BytesIO(path.read_bytes()), path.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.status_code
    return str(c.get(r.headers["Location"]).text)


def _problems(page: str) -> list[tuple[str, ...]]:
    """The rows of the table of problems: (level, sheet, cell, column, message, value, expected)."""
    body = page[page.index('<table id="van_de"'):page.index("</table>")]
    rows = []
    for tr in re.findall(r"<tr class=.*?</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        rows.append(tuple(html_lib.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in cells))
    return rows


def test_a_clerk_s_first_workbook_names_each_mistake_by_sheet_cell_value_and_what_is_expected(tmp_path):
    """The first upload: the title row above the staff table's header (row 2), a unit code typed «QLCTR»
    (TL06, NhanSu row 8, column E), a date of birth 31/02/1988 (TL11, row 14 — rows 3..8, a blank row 9, then
    10..), a general-criteria score 32 in KetQuaKy (TL03's second quarter: TL01 and TL02 have 4 rows each from row 2,
    so TL03's Q2 is row 2 + 8 + 1 = 11). The notes column «Ghi chú của văn thư» is column
    AM (38 contract columns, A..AL, then the clerk's) of the header row 2: its cell is AM2."""
    c = _client(tmp_path)
    page = _upload(c, clerk.write(tmp_path / "Chi cục Thủy lợi 2026.xlsx", errors=True))
    assert "4 lỗi" in page
    rows = _problems(page)
    errors = [r for r in rows if r[0] == "Lỗi"]
    assert [(r[1], r[2], r[5], r[6]) for r in errors] == [
        ("NhanSu", "A1", "", "tiêu đề các cột ở dòng 1 (xóa các dòng trống hoặc dòng tên bảng phía trên)"),
        ("NhanSu", "E8", "QLCTR", "một mã đơn vị đã khai ở sheet «DonVi»"),
        ("NhanSu", "C14", "31/02/1988", "một ngày có thật theo dạng dd/mm/yyyy, ví dụ 05/11/2024"),
        ("KetQuaKy", "C11", "32", "từ 0 đến 30"),
    ]
    assert "Dòng tiêu đề phải là dòng 1 (đang ở dòng 2)" in errors[0][4]
    unknown = [r for r in rows if r[3] == "Ghi chú của văn thư"]
    assert [(r[0], r[2], r[4]) for r in unknown] == [("Cảnh báo", "AM2", "Cột không thuộc mẫu, được bỏ qua.")]

    # the marked copy notes the same cell: the header's, not the title's
    from openpyxl import load_workbook

    so_id = int(re.search(r'href="/so-excel/(\d+)/danh-dau.xlsx"', page).group(1))
    marked = load_workbook(io.BytesIO(c.get(f"/so-excel/{so_id}/danh-dau.xlsx").data))["NhanSu"]
    assert marked["AM2"].comment is not None and "Cột không thuộc mẫu" in marked["AM2"].comment.text
    assert marked["AL1"].comment is None


def test_a_name_typed_in_small_letters_or_capitals_is_named_before_it_is_printed(tmp_path):
    """The corrected workbook is valid (0 errors), and the names a clerk typed «NGUYỄN VĂN THÀNH» (TL01, row 2),
    «TRẦN MINH  TUẤN» (TL05, row 6) and «ngô thị thu hà» (TL10, row 12 — after the blank row 9) are each named
    with the name capitalised word by word; «H'Linh Mlô» and «Y Bhim Niê», written as their owners write them,
    are not; the value is kept as typed (only the clerk knows a name's spelling)."""
    c = _client(tmp_path)
    page = _upload(c, clerk.write(tmp_path / "Chi cục Thủy lợi 2026.xlsx"))
    assert re.search(r"0 lỗi, \d+ cảnh báo\.\s*Sổ hợp lệ", page)
    named = {(r[2], r[5]): r[6] for r in _problems(page) if "viết toàn" in r[4]}
    assert named == {
        ("B2", "NGUYỄN VĂN THÀNH"): "«Nguyễn Văn Thành» (viết hoa chữ cái đầu mỗi tiếng; sửa trong sổ)",
        ("B6", "TRẦN MINH TUẤN"): "«Trần Minh Tuấn» (viết hoa chữ cái đầu mỗi tiếng; sửa trong sổ)",
        ("B12", "ngô thị thu hà"): "«Ngô Thị Thu Hà» (viết hoa chữ cái đầu mỗi tiếng; sửa trong sổ)",
    }
    messages = {r[5]: r[4] for r in _problems(page) if "viết toàn" in r[4]}
    assert messages["ngô thị thu hà"] == "«Họ và tên» viết toàn chữ thường; các văn bản in đúng như đã gõ."
    assert messages["NGUYỄN VĂN THÀNH"] == "«Họ và tên» viết toàn chữ in hoa; các văn bản in đúng như đã gõ."
    # the ratings keep the name as typed: the warning changes nothing
    assert "ngô thị thu hà" in c.get("/xep-loai").text


def test_a_column_of_names_typed_in_capitals_is_one_warning_naming_its_cells(tmp_path):
    """A staff list pasted in capitals (every NhanSu «Họ và tên» of the 2026 sample, rows 2–41, but rows 10–11
    kept as written) is one warning naming the cells «B2:B9, B12:B41» — not 38 lines a clerk scrolls through."""
    import openpyxl

    from pipeline import ingest
    from pipeline.ingest.problems import WARNING

    wb = openpyxl.load_workbook(Path(__file__).resolve().parent.parent / "data" / "mau_ho_so_2026.xlsx")
    ws = wb["NhanSu"]
    col = [c.value for c in ws[1]].index("ho_ten") + 1
    for r in range(2, ws.max_row + 1):
        if r not in (10, 11) and ws.cell(r, col).value:
            ws.cell(r, col).value = ws.cell(r, col).value.upper()
    path = tmp_path / "caps.xlsx"
    wb.save(path)
    found = [p for p in ingest.check(path) if "viết toàn chữ in hoa" in p.message]
    assert len(found) == 1 and found[0].severity == WARNING and found[0].cell == "B2"
    assert found[0].message == ("«Họ và tên» của 38 người viết toàn chữ in hoa (B2:B9, B12:B41); các văn bản in đúng "
                                "như đã gõ.")
    assert found[0].value == "NGUYỄN ĐÌNH KHẢI"
    assert found[0].expected == "viết hoa chữ cái đầu mỗi tiếng, ví dụ «Nguyễn Đình Khải» (sửa trong sổ)"
