"""`hoso serve` looked at after the 2026 changes (web47): the pages of the commune's workbook (tests/xa_2026.py) at
a phone's width, its head's row in the ratings table, and the line before «Gửi bộ hồ sơ này cho Sở Nội vụ» naming
the staff sheet as the clerk's workbook names it."""

from __future__ import annotations

import io
import json
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import workbook_factory as factory  # noqa: E402
import xa_2026 as xa  # noqa: E402
from web_pages import hidden, logged_in, phone_page  # noqa: E402

PASSWORD = "mat-khau-du-dai-47"


def _flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _agency(tmp_path: Path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path / "du_lieu")
    store.add_account("vt", accounts.hash_password(PASSWORD), "XA", "van_thu", None)
    return store, logged_in(create_app(tmp_path / "du_lieu", start_queue=False), "vt", PASSWORD)


def _rows(html: str) -> dict[str, str]:
    """The ratings table's rows: code → the row's words."""
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return {m.group(1): _flat(row) for row in re.findall(r"<tr.*?</tr>", body, re.S)
            if (m := re.search(r"<td[^>]*>\s*(X-\d\d)\s*</td>", row))}


def test_the_commune_s_ratings_fit_a_phone_and_its_head_is_rated_outside_the_cap(tmp_path):
    """Seen in Chromium at 390×844: the commune's unit filter («VP — Văn phòng Hội đồng nhân dân và Ủy ban nhân dân
    xã») made /xep-loai 497 px wide. Worked by hand from tests/xa_2026.py and docs/rating.md rule 4: the Chủ tịch
    X-01 (96.83 points every month, ≥ 90) is rated by the managing agency's head, outside the 20 % of the commune's
    groups, so he keeps Hoàn thành xuất sắc nhiệm vụ; in his former group of cán bộ X-02 (95.25) and X-04 (96.25) are
    left 3 people: x ≤ 0.2 × (3 - x) → x = 0, both Hoàn thành tốt nhiệm vụ; the only other HTXS is the công chức X-07
    (98 points, 1 of 6). The level filter shows exactly X-01 and X-07, the head's row with why he is outside."""
    assert shutil.which("chromium") and shutil.which("chromedriver"), \
        "chromium and chromium-driver are required: run ./bootstrap.sh test"
    _, c = _agency(tmp_path)
    book = xa.write(tmp_path / "Xa Tan Phuoc 2026.xlsx")
    token = hidden(c.get("/so-excel").text, "csrf_token")
    r = c.post("/so-excel", data={"csrf_token": token, "so": (io.BytesIO(book.read_bytes()), book.name)},
               content_type="multipart/form-data")
    assert r.status_code == 302

    top = c.get("/xep-loai?muc=HTXS").text
    rows = _rows(top)
    assert sorted(rows) == ["X-01", "X-07"]
    head = rows["X-01"]
    assert "Nguyễn Hữu Phước" in head and "96,83" in head
    assert ("Người đứng đầu cơ quan do người đứng đầu cơ quan quản lý đánh giá, xếp loại nên không tính trong tỷ lệ "
            "Hoàn thành xuất sắc nhiệm vụ của các nhóm trong cơ quan") in head
    assert "HEAD" not in top and "_ky_hieu_lien" not in top and "lanh_dao_quan_ly" not in top
    good = _rows(c.get("/xep-loai?muc=HTT").text)
    assert {"X-02", "X-04"} <= set(good)
    assert "Nhóm tương đồng «Cán bộ giữ chức vụ lãnh đạo, quản lý» vượt tỷ lệ" in good["X-02"]

    everyone = c.get("/xep-loai").text
    assert "VP — Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã" in everyone
    with phone_page(everyone, c.get("/kieu.css").text, tmp_path) as d:
        assert d.execute_script("return window.innerWidth") == 390
        assert d.execute_script("return document.documentElement.scrollWidth") <= 390
        # the unit list is there, shown whole within the screen
        assert 0 < d.execute_script("return document.querySelector('select[name=don_vi]').getBoundingClientRect().right") \
            <= 390


def test_the_line_of_proposed_levels_names_the_staff_sheet_as_the_workbook_does(tmp_path):
    """«Hồ sơ» said «cột «Mức xếp loại của cấp có thẩm quyền», sheet Nhân sự» to every clerk, while the shipped
    sample and the commune's workbook call that tab «NhanSu» (the build's own note said «sheet NhanSu»). Now the
    sheet as the output's copy of the workbook (so_lieu_kem_ket_qua.xlsx) names it; no copy: the key."""
    store, c = _agency(tmp_path)
    out = store.output_dir("XA")
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"files": [{"path": "ket_qua_xep_loai.json", "sha256": "0"}]}),
                                       "utf-8")
    (out / "ket_qua_xep_loai.json").write_text(json.dumps({"nguoi": [{"ma_so": "X-01", "muc_de_xuat": "HTXS"}]}),
                                              "utf-8")
    said = "1 người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định (cột «Mức xếp loại của cấp có " \
           "thẩm quyền», sheet {})"
    for names, sheet in (("label", "«Nhân sự»"), ("key", "NhanSu")):
        factory.write(out / "so_lieu_kem_ket_qua.xlsx", xa.tables(), sheet_names=names)
        page = re.sub(r"\s+", " ", c.get("/ho-so").text)
        assert said.format(sheet) in page, names
    (out / "so_lieu_kem_ket_qua.xlsx").unlink()
    assert said.format("NhanSu") in re.sub(r"\s+", " ", c.get("/ho-so").text)
