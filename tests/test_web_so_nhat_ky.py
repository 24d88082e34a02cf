"""`hoso serve`'s «Nhật ký» of the Sở Nội vụ (`/so-noi-vu/nhat-ky`, Flask's test client): what the Sở's accounts did
(a deadline set, its summary's wording sent, a package taken) and the packages agencies sent it, in words, newest
first; never an agency's own lines. No build: a submission is stored as «Gửi Sở Nội vụ» stores it (app.nop: the
`nop` row, the agency's audit line, the files in `co_quan/<MA>/nop/<id>/`)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from web_pages import csrf, logged_in  # noqa: E402

PASSWORD = "mat-khau-du-dai-9"
STP = "Sở Tư pháp tỉnh Thử Nghiệm"
SENT_UTC = "2026-01-10 02:05:00+00:00"  # 09:05 on 10/01/2026 in Vietnam (UTC+7)


def _flat(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str) -> list[str]:
    """The log table's rows, each as its text."""
    body = html[html.index('<table id="nhat_ky"'):]
    body = body[:body.index("</table>")]
    return [_flat(tr) for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S)][1:]  # the head's row left out


@pytest.fixture
def server(tmp_path):
    from pipeline.web import accounts
    from pipeline.web.app import create_app
    from pipeline.web.store import Store

    store = Store(tmp_path / "du_lieu")
    for name, agency, role in (("snv", "SNV", "so_noi_vu"), ("stp", "STP", "van_thu")):
        store.add_account(name, accounts.hash_password(PASSWORD), agency, role, None)
    app = create_app(store.data, start_queue=False)
    clerk = logged_in(app, "stp", PASSWORD)  # the clerk's login: a line of STP's own
    # what «Gửi Sở Nội vụ» stores (app.nop)
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("README.txt", "Bộ hồ sơ")
    nop = store.x("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) VALUES (?,?,?,?,?,?,?)",
                  "STP", 1, SENT_UTC, "stp", STP, "ho_so_2025.zip", hashlib.sha256(data.getvalue()).hexdigest())
    folder = store.submission_dir("STP", nop)
    folder.mkdir(parents=True)
    (folder / "ho_so_2025.zip").write_bytes(data.getvalue())
    store.audit("stp", "STP", "10.0.0.7", "nop_so_noi_vu", json.dumps({"nop": nop, "lan_tao": 1}))
    return store, app, clerk, nop


def test_the_sos_log_names_its_deadline_its_wording_and_what_agencies_sent(server):
    """The Sở sets a deadline, sends its summary's wording back with the deputy's signature, takes STP's package:
    its «Nhật ký» lists these in words, newest first, with the account and the time «dd/mm/yyyy hh:mm», and
    STP's package as STP sent it (agency, clerk's account, 09:05 in Vietnam). STP's own lines (its clerk's login,
    its address) are not there; the package taken is one line (the copy kept under STP for its clerk is STP's)."""
    store, app, clerk, nop = server
    so = logged_in(app, "snv", PASSWORD)
    token = csrf(so)
    assert so.post("/so-noi-vu/han-nop", data={"csrf_token": token, "han_nop": "15/01/2026",
                                               "co_quan": ["STP"]}).status_code == 302
    text = so.get("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml").data.decode("utf-8")
    assert 'thu_truong_so = "GIÁM ĐỐC"' in text
    edited = text.replace('thu_truong_so = "GIÁM ĐỐC"', 'thu_truong_so = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"')
    assert so.post("/so-noi-vu/loi-van/tai-len", content_type="multipart/form-data", data={
        "csrf_token": token, "loi_van": (io.BytesIO(edited.encode("utf-8")), "tong_hop_so_noi_vu.toml")}).status_code == 302
    assert so.get("/so-noi-vu/tong-hop.xlsx").status_code == 200  # STP's package has no ratings: nothing counted
    assert so.post(f"/so-noi-vu/{nop}/kiem-tra", data={"csrf_token": token}).status_code == 200
    assert so.get(f"/so-noi-vu/{nop}/ho-so.zip").status_code == 200

    r = so.get("/so-noi-vu/nhat-ky")
    assert r.status_code == 200
    assert re.search(r'<a href="/so-noi-vu/nhat-ky" aria-current="page">Nhật ký</a>', r.text)
    rows = _rows(r.text)
    when = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    expected = [  # newest first: the package taken, checked, the summary, the wording sent and downloaded, the deadline,
        # the login; then STP's package
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ tải bộ hồ sơ tai_goi_nop bộ hồ sơ số {nop} của {STP}",
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ kiểm tra bộ hồ sơ kiem_tra_goi_nop bộ hồ sơ số {nop} của {STP}, nguyên vẹn",
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ tải bảng tổng hợp toàn tỉnh tai_tong_hop tệp "
        r"tong_hop_so_noi_vu_khong-ro-nam\.xlsx, số cơ quan được cộng 0, số người 0",
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ tải lên lời văn đã sửa của bản tổng hợp \(dùng từ lần tải bản tổng hợp "
        r"sau\) tai_len_loi_van_tong_hop tệp tong_hop_so_noi_vu\.toml, các lời văn thay đổi «Người ký bên phải: "
        r"thủ trưởng Sở»",
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ tải tệp lời văn của bản tổng hợp tai_loi_van_tong_hop lời văn của "
        r"chương trình",
        rf"{when} snv 127\.0\.0\.1 Sở Nội vụ đặt hạn nộp, cơ quan phải nộp dat_han_nop hạn nộp 15/01/2026, "
        r"cơ quan phải nộp tất cả",
        rf"{when} snv 127\.0\.0\.1 Đăng nhập dang_nhap",
        rf"10/01/2026 09:05 stp {STP} gửi bộ hồ sơ nop_so_noi_vu bộ hồ sơ số {nop}, tệp ho_so_2025\.zip",
    ]
    assert len(rows) == len(expected), rows
    for row, pattern in zip(rows, expected, strict=True):
        assert re.fullmatch(pattern, row), (pattern, row)
    assert "10.0.0.7" not in r.text  # the agency's address: its own

    # the clerk's log is as before: its login, its send, the Sở's taking of the package said by number
    log = _flat(clerk.get("/nhat-ky").text)
    assert f"Sở Nội vụ tải bộ hồ sơ tai_goi_nop bộ hồ sơ số {nop} " in log + " " and "đặt hạn nộp" not in log
    assert f"Sở Nội vụ kiểm tra bộ hồ sơ kiem_tra_goi_nop bộ hồ sơ số {nop}, nguyên vẹn" in log
    assert "Sở Tư pháp" not in log and "tổng hợp" not in log


def test_each_role_sees_only_its_own_log(server):
    """A clerk gets 403 on the Sở's «Nhật ký» (as on every Sở route) and has no link to it; the Sở gets 403 on an
    agency's «Nhật ký»; a unit's clerk too. The Sở's menu links its own."""
    from pipeline.web import accounts

    store, app, clerk, _ = server
    assert clerk.get("/so-noi-vu/nhat-ky").status_code == 403
    assert "/so-noi-vu/nhat-ky" not in clerk.get("/").text
    store.add_account("stp_dv", accounts.hash_password(PASSWORD), "STP", "van_thu_don_vi", "VP")
    assert logged_in(app, "stp_dv", PASSWORD).get("/so-noi-vu/nhat-ky").status_code == 403
    so = logged_in(app, "snv", PASSWORD)
    assert so.get("/nhat-ky").status_code == 403
    assert '<a href="/so-noi-vu/nhat-ky">Nhật ký</a>' in so.get("/so-noi-vu").text
    assert app.test_client().get("/so-noi-vu/nhat-ky").status_code == 302  # no session: the login page


def test_a_so_account_in_an_agencys_code_shows_none_of_the_agencys_lines(server):
    """A server set up with a Sở account under an agency's code (STP): the Sở's log has that account's lines, never
    the STP clerk's (its login, its send's audit line), nor an administrator's line about STP's accounts."""
    from pipeline.web import accounts

    store, app, clerk, nop = server
    store.add_account("snv_stp", accounts.hash_password(PASSWORD), "STP", "so_noi_vu", None)
    store.audit("quan_tri", "STP", "cli", "khoa_tai_khoan", "stp_cu")
    so = logged_in(app, "snv_stp", PASSWORD)
    assert so.get(f"/so-noi-vu/{nop}/ho-so.zip").status_code == 200
    rows = _rows(so.get("/so-noi-vu/nhat-ky").text)
    accounts_shown = [row.split()[2] for row in rows]  # each row: day, time, account, …
    assert accounts_shown == ["snv_stp", "snv_stp", "stp"], rows  # taken (once: its copy for STP is this line), login, sent
    assert f"Sở Nội vụ tải bộ hồ sơ tai_goi_nop bộ hồ sơ số {nop} của {STP}" in rows[0]
    assert rows[-1].endswith(f"{STP} gửi bộ hồ sơ nop_so_noi_vu bộ hồ sơ số {nop}, tệp ho_so_2025.zip")
    assert not any("stp_cu" in row or "10.0.0.7" in row for row in rows)


def test_a_wording_the_server_cannot_write_is_on_the_sos_log(server, monkeypatch):
    """The disk full when the Sở sends its corrected wording: 507, and its «Nhật ký» says the server did not keep it,
    naming the file and the error."""
    import errno

    from pipeline.web import province_words

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(province_words, "receive", full)
    _, app, _, _ = server
    so = logged_in(app, "snv", PASSWORD)
    r = so.post("/so-noi-vu/loi-van/tai-len", content_type="multipart/form-data", data={
        "csrf_token": csrf(so), "loi_van": (io.BytesIO(b'[labels]\nky_hieu = "SNV"\n'), "loi_van_so.toml")})
    assert r.status_code == 507
    top = _rows(so.get("/so-noi-vu/nhat-ky").text)[0]
    assert top.endswith("Sở Nội vụ tải lên lời văn của bản tổng hợp: máy chủ không lưu được, lời văn đang dùng giữ "
                        "nguyên tai_len_loi_van_tong_hop_loi_ghi tệp loi_van_so.toml, lỗi No space left on device"), top
