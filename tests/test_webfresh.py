"""`hoso serve` as issue 20's checker met it with a clerk's own workbook (a phường's, from `hoso init`): what the
pages got wrong there. Flask's test client; the one build runs in this process (`jobs.run`, as the queue's child
runs it) with the text converter — what is checked is what the pages say, not the PDFs.

- the check page said «Sửa các lỗi dưới đây» over four warnings before its one error (a formula without a saved
  result in KetQuaKy, after NhanSu's warnings): the errors now come first;
- a build's notes quoted a name typed with two spaces as «Giá trị: «Nguyễn Văn  Hùng». Cần: «Nguyễn Văn Hùng»»,
  which a browser shows as two equal names: the doubled space is marked there as in the check page's table;
- `curl -I` (HEAD) of the home page without a session was refused (403) where GET goes to the login page.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
from fakes import TextConverter  # noqa: E402
from web_pages import InlineQueue, logged_in  # noqa: E402
from web_pages import csrf as _csrf  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
MARK = '<mark class="ws" title="khoảng trắng thừa">  </mark>'


def _upload(c: Any, name: str, data: bytes) -> str:
    """The check page of the workbook `data` uploaded as `name`."""
    r = c.post("/so-excel", data={"csrf_token": _csrf(c), "so": (io.BytesIO(data), name)},
               content_type="multipart/form-data")
    assert r.status_code == 302, r.text
    return str(c.get(r.headers["Location"]).text)


@pytest.fixture(scope="module")
def journey(tmp_path_factory, cache_dir) -> Iterator[dict[str, Any]]:
    """The clerk «vt» of agency VP uploads a workbook with one error after a warning, then the fixed one, and
    builds it once: the pages' HTML, and the app to ask more."""
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    tmp = tmp_path_factory.mktemp("webfresh")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOSO_CACHE", str(cache_dir))
        mp.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())
        mp.setattr("pipeline.progress.observer", None)
        Store(tmp / "du_lieu").add_account("vt", accounts.hash_password(PASSWORD), "VP", "van_thu", None)
        app = create_app(tmp / "du_lieu", start_queue=False)
        app.extensions["hoso_queue"] = q = InlineQueue(app.extensions["hoso_store"])
        c = logged_in(app, "vt", PASSWORD)
        t = factory.tables()
        t["NhanSu"][1]["ho_ten"] = "Trần  Thị Bình"  # NS-02, typed with two spaces: a warning of sheet NhanSu
        fixed = factory.write(tmp / "so_dung.xlsx", t)
        t["BieuQuyet"][0]["phieu_htt"] = 7  # NS-01: 7 votes of 3 at the meeting, an error of sheet BieuQuyet
        broken = factory.write(tmp / "so_loi.xlsx", t)
        pages = {"loi": _upload(c, "so_loi.xlsx", broken.read_bytes()),
                 "dung": _upload(c, "so_dung.xlsx", fixed.read_bytes())}
        assert c.post("/tao-ho-so", data={"csrf_token": _csrf(c)}).status_code == 302
        row = q.run_next()
        assert row["trang_thai"] == "xong", row["loi"]
        pages["lan_tao"] = c.get(f"/lan-tao/{row['id']}").text
        yield {"app": app, "pages": pages}


def _rows(html: str) -> list[list[str]]:
    body = html.split('<table id="van_de"', 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S) for tr in body.split("<tr")[2:]]


def test_the_check_page_lists_the_error_before_the_warnings(journey):
    html = journey["pages"]["loi"]
    assert re.search(r'id="tong"[^>]*>1 lỗi, \d+ cảnh báo\.\s*Sửa các lỗi dưới đây', html)
    rows = _rows(html)
    # the workbook's order is NhanSu (the name's warning) before BieuQuyet (the error): the page puts the error first
    assert rows[0][0] == "Lỗi" and rows[0][1] == "BieuQuyet", rows[0]
    assert rows[0][2] == f"{factory.letter('BieuQuyet', 'so_nguoi_du_hop')}2" and rows[0][5] == "3", rows[0]
    assert [r[0] for r in rows[1:]] == ["Cảnh báo"] * (len(rows) - 1)
    warned = next(r for r in rows if "khoảng trắng thừa giữa các chữ" in r[4])
    assert warned[1] == "NhanSu" and warned[2] == f"{factory.letter('NhanSu', 'ho_ten')}3"


def test_a_builds_notes_show_the_doubled_space_of_a_value(journey):
    html = journey["pages"]["lan_tao"]
    notes = html.split("<h2>Ghi chú của lần tạo</h2>", 1)[1]
    line = next(li for li in re.findall(r"<li>(.*?)</li>", notes, re.S) if "khoảng trắng thừa giữa các chữ" in li)
    # the value as typed (two spaces, marked so that the browser keeps them), the expected name with one
    assert f"Giá trị: «Trần{MARK}Thị Bình»" in line, line
    assert "Cần: «Trần Thị Bình»" in line and line.count("<mark") == 1, line
    # a line without a doubled space is left as it was: nothing marked, its words escaped as before
    assert all("<mark" not in li for li in re.findall(r"<li>(.*?)</li>", notes, re.S) if li != line)


def test_a_head_request_without_a_session_goes_to_the_login_page(journey):
    c = journey["app"].test_client()
    for path in ("/", "/ho-so"):
        r = c.head(path)
        assert r.status_code == 302 and r.headers["Location"].endswith("/dang-nhap"), (path, r.status_code)
    assert c.get("/").status_code == 302
