"""`hoso serve`: the web pages (Flask, server-rendered, no JavaScript).

Who sees what is decided here and nowhere else:
- every page but the login page (and its style sheet) needs a session; a session belongs to one
  account, an account to one agency: no URL names an agency, every query is limited to the
  session's agency, so another agency's ids and file names simply do not exist (404);
- `van_thu` (the agency's clerk) uploads, builds, submits and reads every unit; `van_thu_don_vi`
  reads only its unit's people and documents (others: 404); `so_noi_vu` reads only the packages
  agencies submitted, verifies them and sees the province summary;
- a file is served only when its relative path is listed in the agency's current manifest.json
  (exact string match) and the role may read it; the path is then checked to stay in the output folder.
Security: argon2 password hashes; session tokens random, stored hashed, cookies HttpOnly +
SameSite=Strict (+ Secure behind HTTPS); a CSRF token in every form; failed logins limited per
account name and per address; uploads limited in size and type before the reader's own guards;
an audit log of logins, uploads, builds, downloads and submissions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import hmac
import io
import json
import math
import os
import re
import secrets
import shutil
import sqlite3
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from flask import Flask, Response, abort, g, redirect, render_template, request, send_file, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.routing import IntegerConverter, Map

from pipeline import clock, output_guard, ownership, portable
from pipeline.web import accounts, own_forms, province_words, receptions
from pipeline.web.jobs import BuildQueue, page_words
from pipeline.web.store import (
    ROLE_WORDS,
    STATUS_WORDS,
    Store,
    ago,
    now,
    vietnam_day,
    vietnam_time,
    vietnam_today,
)
from pipeline.web.thumbs import render as render_thumbnail

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from werkzeug.datastructures import FileStorage
    from werkzeug.wrappers import Response as BaseResponse

    from pipeline.pdf.warm import WarmService
    from pipeline.submission.province import Package

COOKIE = "hoso_phien"
LOGIN_COOKIE = "hoso_csrf_dn"
SESSION_SECONDS = 8 * 3600  # a session's whole life: a working day, then log in again (the cookie ends with the browser)
IDLE_SECONDS = 2 * 3600  # and it ends sooner when nothing was asked of it for this long
NAME_SHOWN = 64  # a name typed at the login, as kept in the failed logins and the audit log (accounts: ≤ 64)
MAX_LISTED = 1000  # problems of an upload kept and shown on its page (the counts are exact; errors first)
UPLOAD_WINDOW, UPLOADS_PER_AGENCY = 10 * 60, 30  # workbooks sent (checked, rated, kept) per agency in the window
MAX_UPLOAD = 20 * 1024 * 1024
MAX_SCAN_FILES = 100  # scan files in one «Nhận bản đã ký» (all of them within MAX_UPLOAD together)
FAIL_WINDOW = 15 * 60
QUICK_BUILD_S = 2.0  # «Tạo hồ sơ» waits this long for the build to end before showing its progress page
QUICK_BUILD_ENV = "HOSO_CHO_TAO_GIAY"  # another wait, in seconds (0: show the progress page at once)
# failed logins in FAIL_WINDOW: per name from one address, per address (any name) — each refuses that
# address only, so no one locks a clerk out by typing her name —, and per name from all addresses: then only
# addresses the account logged in from in the last KNOWN_DAYS may try it (a guess from many machines stops,
# the clerk's own machine still passes)
FAIL_PER_NAME, FAIL_PER_IP, FAIL_PER_NAME_ALL, KNOWN_DAYS = 5, 20, 30, 90
FILE_TITLES = {"HUONG_DAN_IN.pdf": "Hướng dẫn in, ký và nộp", "HUONG_DAN_IN.txt": "Hướng dẫn in, ký và nộp (văn bản)",
               "in_lai.pdf": "Các tờ cần in lại và ký lại", "thay_doi.txt": "Những gì thay đổi so với lần tạo trước",
               "ket_qua_xep_loai.xlsx": "Kết quả xếp loại (Excel)", "ket_qua_xep_loai.json": "Kết quả xếp loại (JSON)",
               "so_lieu_kem_ket_qua.xlsx": "Sổ Excel kèm mức xếp loại đã tính",
               "README.txt": "Bộ hồ sơ gửi Sở Nội vụ gồm những gì", "manifest.json": "Danh sách tệp và mã kiểm tra",
               "co_quan/thong_bao_ket_qua.pdf": "Thông báo kết quả đánh giá, xếp loại",
               "co_quan/thong_bao_ket_qua.docx": "Thông báo kết quả đánh giá, xếp loại (bản Word)"}
PUBLIC = {"dang_nhap", "kieu", "favicon"}
LOG_LINES = 300  # the lines a «Nhật ký» page shows (the newest)
ACTION_WORDS = {  # the audit log's actions as the page «Nhật ký» names them (the code is kept beside)
    "dang_nhap": "Đăng nhập", "dang_nhap_sai": "Đăng nhập sai", "dang_nhap_bi_chan": "Đăng nhập bị chặn (sai quá nhiều lần)",
    "dang_nhap_tai_khoan_khoa": "Đăng nhập vào tài khoản đã khóa", "dang_xuat": "Đăng xuất",
    "csrf_sai": "Biểu mẫu bị từ chối (thiếu mã chống giả mạo)", "tai_len_so": "Tải sổ Excel lên",
    "tai_so_danh_dau": "Tải sổ có tô màu các ô được báo", "tai_so_nam_sau": "Tải sổ năm sau",
    "tao_so_nam_sau": "Tạo sổ năm nay từ sổ năm trước", "tao_ho_so": "Yêu cầu tạo hồ sơ",
    "tao_ho_so_bi_tu_choi": "Tạo hồ sơ bị từ chối (sổ của cơ quan khác, chưa xác nhận)", "tao_xong": "Tạo hồ sơ xong",
    "kiem_tra": "Kiểm tra thư mục kết quả", "xem_nguoi": "Xem hồ sơ cá nhân", "xem_don_vi": "Xem hồ sơ đơn vị",
    "tai_len_so_loi_ghi": "Tải sổ Excel lên: máy chủ không lưu được",
    "nop_so_noi_vu_loi": "Gửi Sở Nội vụ: máy chủ không ghi được bản gửi", "tai_luu_tru": "Tải hồ sơ năm cũ đã cất (lưu trữ)",
    "tai_tep": "Mở, tải tệp", "nhap_ket_qua": "Nhập kết quả tháng, quý vào bản sao của sổ", "tai_so": "Tải sổ Excel đã tải lên về", "nop_so_noi_vu": "Gửi bộ hồ sơ cho Sở Nội vụ", "tai_goi_nop": "Sở Nội vụ tải bộ hồ sơ",
    "kiem_tra_goi_nop": "Sở Nội vụ kiểm tra bộ hồ sơ", "tao_tai_khoan": "Tạo tài khoản",
    "khoa_tai_khoan": "Khóa tài khoản", "mo_khoa_tai_khoan": "Mở khóa tài khoản", "doi_mat_khau": "Đổi mật khẩu",
    "xoa_tai_khoan": "Xóa tài khoản", "doi_vai_tro": "Đổi vai trò tài khoản",
    "doi_mat_khau_sai": "Đổi mật khẩu: mật khẩu hiện tại sai", "doi_mat_khau_bi_chan": "Đổi mật khẩu bị chặn (sai quá nhiều lần)",
    "tai_len_bi_chan": "Tải sổ lên bị chặn (quá nhiều lần trong ít phút)",
    "xem_xep_loai": "Xem bảng kết quả xếp loại",
    "quen_cot_nho": "Quên các cột nhớ từ lần nhập kết quả trước",
    "dat_han_nop": "Sở Nội vụ đặt hạn nộp, cơ quan phải nộp", "tai_tong_hop": "Sở Nội vụ tải bảng tổng hợp toàn tỉnh",
    "da_in": "Đánh dấu đã in xong các trang cần in lại",
    "nhan_ban_ky": "Nhận bản đã ký (bản quét) vào hồ sơ", "nhan_ban_ky_loi": "Nhận bản đã ký: chưa xếp được",
    "tai_bo_mau": "Tải bộ mẫu biểu về", "tai_len_bo_mau": "Tải lên bộ mẫu biểu đã sửa (dùng từ lần tạo sau)",
    "tai_len_bo_mau_bi_tu_choi": "Tải lên bộ mẫu biểu: bị từ chối, bộ mẫu đang dùng giữ nguyên",
    "dung_lai_mau_chuong_trinh": "Thôi dùng bộ mẫu biểu riêng, dùng lại mẫu của chương trình",
    "dung_lai_bo_mau_cu": "Dùng lại bộ mẫu biểu riêng đã cất giữ (dùng từ lần tạo sau)",
    "dung_lai_bo_mau_cu_bi_tu_choi": "Dùng lại bộ mẫu biểu đã cất giữ: bị từ chối, bộ mẫu đang dùng giữ nguyên",
    "tai_loi_van_tong_hop": "Sở Nội vụ tải tệp lời văn của bản tổng hợp",
    "tai_len_loi_van_tong_hop": "Sở Nội vụ tải lên lời văn đã sửa của bản tổng hợp (dùng từ lần tải bản tổng hợp sau)",
    "tai_len_loi_van_tong_hop_bi_tu_choi": "Sở Nội vụ tải lên lời văn của bản tổng hợp: bị từ chối, lời văn đang dùng "
                                           "giữ nguyên",
    "tai_len_loi_van_tong_hop_loi_ghi": "Sở Nội vụ tải lên lời văn của bản tổng hợp: máy chủ không lưu được, lời văn "
                                        "đang dùng giữ nguyên",
    "dung_lai_loi_van_chuong_trinh": "Sở Nội vụ thôi dùng lời văn riêng của bản tổng hợp, dùng lại lời văn của "
                                     "chương trình",
    "dung_lai_loi_van_cu": "Sở Nội vụ dùng lại lời văn riêng đã cất giữ của bản tổng hợp",
    "dung_lai_loi_van_cu_bi_tu_choi": "Sở Nội vụ dùng lại lời văn đã cất giữ của bản tổng hợp: bị từ chối, lời văn "
                                      "đang dùng giữ nguyên",
}
# a mark made with no mark before it (audit detail `lan_dau`): the clerk printed the whole output, not a reprint list
FIRST_PRINT_WORDS = "Đánh dấu đã in xong toàn bộ hồ sơ (lần in đầu tiên)"
LEVEL_WORDS = {"HTXS": "Hoàn thành xuất sắc nhiệm vụ", "HTT": "Hoàn thành tốt nhiệm vụ",
               "HT": "Hoàn thành nhiệm vụ", "KHT": "Không hoàn thành nhiệm vụ"}


class _SqliteId(IntegerConverter):
    """`<int:…>` of every route: at most SQLite's largest integer (2^63 - 1); a larger number in a URL is a page
    that does not exist (404), not a traceback in the server's log for every such request."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


class NoRoom(HTTPException):
    """507 Insufficient Storage (werkzeug has no class for it): the server's disk full or not writable."""

    code = 507


def _quick_wait() -> float:
    """How long a request waits for its build or reception to end (QUICK_BUILD_S, or QUICK_BUILD_ENV's seconds)."""
    try:
        return max(0.0, float(os.environ.get(QUICK_BUILD_ENV, QUICK_BUILD_S)))
    except ValueError:
        return QUICK_BUILD_S


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_app(data: Path, *, behind_proxy: bool = False, build_jobs: int | None = None,
               start_queue: bool = True, build_cum: str | None = None, warm: WarmService | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.url_map.converters["int"] = _SqliteId  # an id past SQLite's integers is 404, not an OverflowError (500)
    app.config["MAX_CONTENT_LENGTH"] = MAX_UPLOAD
    store = Store(data)
    interrupted = store.fail_interrupted()
    for agency in store.q("SELECT ma FROM co_quan"):  # thumbnails of files gone since (one pass per agency)
        store.prune_thumbnails(agency["ma"])
    app.extensions["hoso_store"] = store
    app.extensions["hoso_interrupted"] = interrupted
    # receptions of signed scans (pipeline/web/receptions.py): one left running by a stopped server is failed
    app.extensions["hoso_receptions_failed"] = receptions.fail_interrupted(data)
    reception_lock = threading.RLock()  # a reception's check «none running» and its start: one at a time
    reception_threads: dict[tuple[str, int], threading.Thread] = {}
    app.extensions["hoso_queue"] = (BuildQueue(store, jobs=build_jobs, cum=build_cum, warm=warm)
                                     if start_queue else None)
    if behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]  # the documented way to wrap the WSGI app
    app.jinja_env.globals.update(ROLE_WORDS=ROLE_WORDS, STATUS_WORDS=STATUS_WORDS, LEVEL_WORDS=LEVEL_WORDS,
                                 ACTION_WORDS=ACTION_WORDS)
    app.jinja_env.filters["diem"] = _score
    app.jinja_env.filters["khoang_trang"] = _spaces
    app.jinja_env.filters["luc"] = vietnam_time  # a stored time (UTC) as «06/12/2026 08:03», Vietnam's time
    app.jinja_env.filters["ty_le"] = _percent
    app.jinja_env.filters["ten_ky"] = _period
    app.jinja_env.filters["ky_trong_cau"] = _periods_in_words  # a check's message: «quý IV/2026 (2026-Q4)»
    app.jinja_env.filters["loi_trang"] = page_words  # a rating's warning: no CLI command, no rulebook code
    app.jinja_env.filters["ten_tai_ve"] = _download_name  # a link names the file as the browser will save it
    app.jinja_env.globals.update(chi_tiet=_detail, diem_ky=_points, viec=_action, khong_muc=_no_level)

    def ip() -> str:
        return request.remote_addr or "?"

    def cookie(base: str) -> str:
        """A cookie's name: behind HTTPS with the `__Host-` prefix (the browser then takes it only Secure,
        for path / and this host alone: no other host of the domain, no plain-HTTP page sets or shadows it)."""
        return f"__Host-{base}" if request.is_secure else base

    def known_address(name: str) -> bool:
        """The account `name` logged in from this address in the last KNOWN_DAYS (its audit lines)."""
        since = ago(KNOWN_DAYS * 86400)
        return store.one("SELECT 1 FROM nhat_ky WHERE hanh_dong='dang_nhap' AND tai_khoan=? AND ip=? AND luc>? "
                         "LIMIT 1", name, ip(), since) is not None

    def audit(action: str, detail: str = "", *, who: tuple[str, str, str] | None = None) -> None:
        """A line of the audit log by the session's account; `who` (account, agency, address): outside a request
        (a reception's thread), by the account that asked for it."""
        if who is not None:
            store.audit(*who, action, detail)
            return
        user = getattr(g, "user", None)
        store.audit(user["ten"] if user else "-", user["co_quan"] if user else "-", ip(), action, detail)

    def _agency_of(name: str) -> str:
        row = store.one("SELECT co_quan FROM tai_khoan WHERE ten=?", name)
        return row["co_quan"] if row else "-"

    def uploads_left() -> None:
        """429 when the agency sent more workbooks than UPLOADS_PER_AGENCY in UPLOAD_WINDOW: each is checked,
        rated (seconds of CPU for a large agency) and kept (up to MAX_UPLOAD) — a script (or a stuck key)
        must not fill the disk or hold every thread of the server."""
        since = ago(UPLOAD_WINDOW)
        sent = store.one("SELECT COUNT(*) AS n FROM nhat_ky WHERE co_quan=? AND hanh_dong IN ('tai_len_so', "
                         "'tao_so_nam_sau') AND luc>?", g.user["co_quan"], since)["n"]
        if sent >= UPLOADS_PER_AGENCY:
            audit("tai_len_bi_chan", str(sent))
            abort(429, description=f"Cơ quan đã tải lên {sent} sổ Excel trong {UPLOAD_WINDOW // 60} phút vừa qua, "
                                   f"quá số cho phép: hãy đợi ít phút rồi tải lên lại.")

    def role(*roles: str) -> None:
        if g.user["vai_tro"] not in roles:
            abort(403)

    # ---- session, CSRF, headers ----------------------------------------------------------------
    @app.before_request
    def load_session() -> ResponseReturnValue | None:
        g.user, g.csrf = None, ""
        token = request.cookies.get(cookie(COOKIE), "")
        if token:
            row = store.one("SELECT p.csrf, p.het_han, p.bat_dau, t.* FROM phien p JOIN tai_khoan t ON "
                            "t.id=p.tai_khoan WHERE p.token=? AND t.khoa=0", _digest(token))
            started = row["bat_dau"] if row is not None else 0
            if row is not None and row["het_han"] > time.time() and started + SESSION_SECONDS > time.time():
                g.user, g.csrf = row, row["csrf"]
                store.x("UPDATE phien SET het_han=? WHERE token=?",  # idle end, never past the absolute one
                        min(time.time() + IDLE_SECONDS, started + SESSION_SECONDS), _digest(token))
        if request.endpoint in PUBLIC:
            return None
        if g.user is None:
            if request.method in ("GET", "HEAD"):  # a HEAD (a link checker, a monitor) as its GET: to the login
                return redirect(url_for("dang_nhap"))
            abort(403, description="Phiên đăng nhập đã hết hoặc đã đăng xuất nên việc này chưa được thực hiện: "
                                   "hãy đăng nhập lại rồi làm lại.")
        if request.method == "POST":
            sent = request.form.get("csrf_token", "")
            if not sent or not hmac.compare_digest(sent, g.csrf):
                audit("csrf_sai", request.path)
                abort(403, description="Biểu mẫu này được mở từ một phiên đăng nhập trước nên chưa được thực hiện: "
                                       "hãy mở lại trang rồi làm lại.")
        return None

    @app.after_request
    def headers(resp: Response) -> Response:
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'self'; img-src 'self'; "
                                                   "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        if request.endpoint != "kieu":  # every page, file and thumbnail is personal data: no copy kept by the
            resp.headers["Cache-Control"] = "no-store"  # browser or a proxy (send_file's own says "no-cache")
        if request.is_secure:
            resp.headers["Strict-Transport-Security"] = "max-age=31536000"
        return resp

    def set_cookie(resp: BaseResponse, name: str, value: str, max_age: int | None) -> None:
        """`max_age` None: the cookie ends with the browser."""
        resp.set_cookie(cookie(name), value, max_age=max_age, httponly=True, samesite="Strict",
                        secure=request.is_secure, path="/")

    def delete_cookie(resp: BaseResponse, name: str) -> None:
        resp.delete_cookie(cookie(name), path="/", secure=request.is_secure, httponly=True, samesite="Strict")

    @app.errorhandler(403)
    def forbidden(e: HTTPException) -> ResponseReturnValue:
        # our own words when the refusal gave some (no session, an old form), else the usual line
        text = e.description if e.description != Forbidden.description else "Bạn không có quyền xem trang này."
        return render_template("loi.html", code=403, text=text), 403

    @app.errorhandler(404)
    def not_found(_e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=404, text="Không có trang hoặc tệp này."), 404

    @app.errorhandler(413)
    def too_large(_e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=413,
                               text=f"Tệp quá lớn: tối đa {MAX_UPLOAD // (1024 * 1024)} MB."), 413

    @app.errorhandler(429)
    def too_many(e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=429, text=e.description), 429

    @app.errorhandler(NoRoom)
    def no_room(e: HTTPException) -> ResponseReturnValue:  # the server's disk full / not writable: what to do
        return render_template("loi.html", code=507, text=e.description), 507

    # every other answer in words too: werkzeug's own pages are English ("Bad Request", "Method Not
    # Allowed", "Internal Server Error"); a 500's traceback goes to the server's log (Flask logs it first)
    @app.errorhandler(400)
    def bad_request(_e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=400, text="Yêu cầu không hợp lệ hoặc biểu mẫu đã cũ. Hãy mở lại trang "
                               "rồi làm lại."), 400

    @app.errorhandler(405)
    def wrong_method(_e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=405, text="Địa chỉ này chỉ dùng qua nút bấm trên trang, không mở "
                               "trực tiếp được."), 405

    @app.errorhandler(HTTPException)
    def other_http(e: HTTPException) -> ResponseReturnValue:
        return render_template("loi.html", code=e.code, text="Không thực hiện được yêu cầu này."), e.code or 500

    @app.errorhandler(500)
    def server_error(_e: Exception) -> ResponseReturnValue:
        return render_template("loi.html", code=500, text="Chương trình gặp lỗi khi xử lý yêu cầu này. Hãy thử lại; "
                               "nếu vẫn lỗi, báo người quản trị (chi tiết lỗi được ghi ở máy chủ)."), 500

    @app.route("/kieu.css")
    def kieu() -> ResponseReturnValue:
        css = (Path(__file__).parent / "static" / "kieu.css").read_text(encoding="utf-8")
        return Response(css, mimetype="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.route("/favicon.ico")
    def favicon() -> ResponseReturnValue:
        return Response(status=204)

    # ---- login ----------------------------------------------------------------------------------
    @app.route("/dang-nhap", methods=["GET", "POST"])
    def dang_nhap() -> ResponseReturnValue:
        if request.method in ("GET", "HEAD"):  # one token per browser: another tab (or a favicon redirect) keeps it
            token = request.cookies.get(cookie(LOGIN_COOKIE), "")
            if len(token) != 43 or not token.replace("-", "").replace("_", "").isalnum():
                token = secrets.token_urlsafe(32)
            resp: BaseResponse = Response(render_template("dang_nhap.html", login_csrf=token, error=""))
            set_cookie(resp, LOGIN_COOKIE, token, 3600)
            return resp
        form_token, sent = request.cookies.get(cookie(LOGIN_COOKIE), ""), request.form.get("csrf_token", "")
        if not form_token or not sent or not hmac.compare_digest(form_token, sent):
            # refused (a login page left open past its token's hour, or posted from elsewhere): nothing
            # happened; the clerk gets the login page again, with a fresh token and the reason
            fresh = secrets.token_urlsafe(32)
            resp = Response(render_template("dang_nhap.html", login_csrf=fresh,
                                            error="Trang đăng nhập đã mở quá lâu nên chưa đăng nhập được: hãy nhập "
                                                  "lại tên và mật khẩu."), status=403)
            set_cookie(resp, LOGIN_COOKIE, fresh, 3600)
            return resp
        # the name as typed is only looked up; what is kept of it (failed logins, audit log) is cut and has no
        # control characters: a login form cannot grow the database by megabytes or write lines into the log
        typed, password = request.form.get("ten", "").strip(), request.form.get("mat_khau", "")
        name = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", typed)[:NAME_SHOWN]
        since = time.time() - FAIL_WINDOW
        here = store.one("SELECT COUNT(*) AS n FROM dang_nhap_sai WHERE ten=? AND ip=? AND luc>?", name, ip(),
                         since)["n"]
        by_ip = store.one("SELECT COUNT(*) AS n FROM dang_nhap_sai WHERE ip=? AND luc>?", ip(), since)["n"]
        by_name = store.one("SELECT COUNT(*) AS n FROM dang_nhap_sai WHERE ten=? AND luc>?", name, since)["n"]
        guessed = by_name >= FAIL_PER_NAME_ALL and not known_address(name)
        if here >= FAIL_PER_NAME or by_ip >= FAIL_PER_IP or guessed:
            # logged once a minute per address: a refused flood is not a flood of log lines
            minute = ago(60)
            if store.one("SELECT 1 FROM nhat_ky WHERE hanh_dong='dang_nhap_bi_chan' AND ip=? AND luc>?", ip(),
                         minute) is None:
                store.audit(name or "-", _agency_of(name), ip(), "dang_nhap_bi_chan", "")
            if guessed and here < FAIL_PER_NAME and by_ip < FAIL_PER_IP:
                abort(429, description=f"Tên đăng nhập này vừa bị nhập sai mật khẩu nhiều lần từ nhiều máy, nên trong "
                                       f"{FAIL_WINDOW // 60} phút tới chỉ đăng nhập được từ máy đã từng đăng nhập "
                                       "tài khoản này. Hãy dùng máy quen, hoặc thử lại sau; nếu không phải bạn nhập "
                                       "sai, hãy báo quản trị viên.")
            abort(429, description=f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {FAIL_WINDOW // 60} phút.")
        row: Any = store.one("SELECT * FROM tai_khoan WHERE ten=?", typed) if typed == name else None
        if not accounts.verify(row["mat_khau"] if row else None, password):
            store.x("INSERT INTO dang_nhap_sai(ten, ip, luc) VALUES (?,?,?)", name, ip(), time.time())
            # under the account's agency when the name is one: its clerk sees the guesses in «Nhật ký»
            store.audit(name or "-", row["co_quan"] if row else "-", ip(), "dang_nhap_sai", "")
            resp = Response(render_template("dang_nhap.html", login_csrf=form_token,
                                            error="Tên đăng nhập hoặc mật khẩu không đúng."), status=401)
            return resp
        if row["khoa"]:  # said only to who knows the password: a locked account is not a guessable fact
            store.audit(row["ten"], row["co_quan"], ip(), "dang_nhap_tai_khoan_khoa", "")
            return Response(render_template("dang_nhap.html", login_csrf=form_token,
                                            error="Tài khoản này đã bị khóa. Hãy hỏi quản trị viên "
                                                  "(lệnh «hoso tai-khoan mo-khoa»)."), status=403)
        # this address's failures for the name are forgiven; a stranger's elsewhere are not
        store.x("DELETE FROM dang_nhap_sai WHERE (ten=? AND ip=?) OR luc<?", name, ip(), since)
        store.x("DELETE FROM phien WHERE het_han<? OR bat_dau<?", time.time(), time.time() - SESSION_SECONDS)
        # the session this browser had (another account's, or an old one) ends: one browser, one session
        store.x("DELETE FROM phien WHERE token=?", _digest(request.cookies.get(cookie(COOKIE), "")))
        token = secrets.token_urlsafe(32)
        store.x("INSERT INTO phien(token, tai_khoan, csrf, het_han, bat_dau) VALUES (?,?,?,?,?)", _digest(token),
                row["id"], secrets.token_urlsafe(32), time.time() + IDLE_SECONDS, time.time())
        store.audit(row["ten"], row["co_quan"], ip(), "dang_nhap", "")
        resp = redirect(url_for("trang_chu"))
        set_cookie(resp, COOKIE, token, None)  # ends with the browser (a shared PC); the server ends it anyway
        delete_cookie(resp, LOGIN_COOKIE)
        return resp

    @app.route("/dang-xuat", methods=["POST"])
    def dang_xuat() -> ResponseReturnValue:
        store.x("DELETE FROM phien WHERE token=?", _digest(request.cookies.get(cookie(COOKIE), "")))
        audit("dang_xuat")
        resp = redirect(url_for("dang_nhap"))
        delete_cookie(resp, COOKIE)
        return resp

    @app.route("/mat-khau", methods=["GET", "POST"])
    def mat_khau() -> ResponseReturnValue:
        """Any account changes its own password; the old one is asked, the other sessions end."""
        error, done = "", False
        if request.method == "POST":
            old, new, again = (request.form.get(k, "") for k in ("mat_khau_cu", "mat_khau_moi", "nhap_lai"))
            row = store.one("SELECT * FROM tai_khoan WHERE id=?", g.user["id"])
            since = time.time() - FAIL_WINDOW  # wrong current passwords count as failed logins of the account
            if store.one("SELECT COUNT(*) AS n FROM dang_nhap_sai WHERE ten=? AND ip=? AND luc>?", row["ten"], ip(),
                         since)["n"] >= FAIL_PER_NAME:
                audit("doi_mat_khau_bi_chan", "")
                abort(429, description=f"Nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau {FAIL_WINDOW // 60} phút.")
            if not accounts.verify(row["mat_khau"], old):
                store.x("INSERT INTO dang_nhap_sai(ten, ip, luc) VALUES (?,?,?)", row["ten"], ip(), time.time())
                audit("doi_mat_khau_sai", "")
                error = "Mật khẩu hiện tại không đúng."
            elif new != again:
                error = "Hai lần nhập mật khẩu mới không khớp nhau."
            elif new == old:
                error = "Mật khẩu mới phải khác mật khẩu hiện tại."
            else:
                error = accounts.weak(new)
            if not error:
                store.set_password(row["id"], accounts.hash_password(new), keep=_digest(request.cookies.get(cookie(COOKIE), "")))
                audit("doi_mat_khau", "trên trang web; các phiên đăng nhập khác đã kết thúc")
                done = True
        return render_template("mat_khau.html", error=error, done=done), (400 if error else 200)

    # ---- home -----------------------------------------------------------------------------------
    @app.route("/")
    def trang_chu() -> ResponseReturnValue:
        if g.user["vai_tro"] == "so_noi_vu":
            return redirect(url_for("so_noi_vu"))
        ma = g.user["co_quan"]
        upload = store.one("SELECT * FROM so WHERE co_quan=? ORDER BY id DESC LIMIT 1", ma)
        build = store.one("SELECT * FROM lan_tao WHERE co_quan=? ORDER BY id DESC LIMIT 1", ma)
        manifest = store.manifest(ma)
        agency = (manifest or {}).get("co_quan", {}).get("ten_co_quan", "")
        if not agency:  # nothing built yet: the name the latest valid upload gives (not the bare code)
            named = store.one("SELECT ten_co_quan FROM so WHERE co_quan=? AND xep_loai=1 AND ten_co_quan<>'' "
                              "ORDER BY id DESC LIMIT 1", ma)
            agency = named["ten_co_quan"] if named else ""

        return render_template("trang_chu.html", upload=upload, build=build, agency=agency,
                               blank_year=clock.campaign_year(vietnam_today()), newer_unbuilt=_newer_unbuilt())

    # ---- workbooks ------------------------------------------------------------------------------
    def _sent(field: str) -> tuple[FileStorage | None, str, bytes]:
        """The file of form field `field`, its name as the clerk's computer gave it, its first 4 bytes."""
        f = request.files.get(field)
        return f, (f.filename or "") if f else "", f.stream.read(4) if f else b""

    @app.route("/so-excel", methods=["GET", "POST"])
    def so_excel() -> ResponseReturnValue:
        role("van_thu")
        ma = g.user["co_quan"]
        error = ""
        if request.method == "POST":
            uploads_left()
            f, name, head = _sent("so")
            if not f or not name:
                error = "Chưa chọn tệp sổ Excel."
            elif not name.lower().endswith((".xlsx", ".xlsm")) or head != b"PK\x03\x04":
                error = _not_xlsx(name, head, f.stream)
            else:
                f.stream.seek(0)
                return _upload(ma, f, name)
        return _workbooks_page(error), (400 if error else 200)

    def _workbooks_page(error: str = "", year_error: str = "") -> str:
        """The page «Sổ Excel» with `error` (an upload refused) or `year_error` (the blank workbook's year): every
        answer of its three forms shows it whole — the refused «Tạo sổ năm nay» showed the blank workbook's year
        list empty, and its button then asked for a year that was not there."""
        from pipeline.ingest import blank

        rows = store.q("SELECT * FROM so WHERE co_quan=? ORDER BY id DESC LIMIT 50", g.user["co_quan"])
        return render_template("so_excel.html", rows=rows, error=error, year_error=year_error,
                               blank_year=clock.campaign_year(vietnam_today()),
                               blank_years=blank.supported_years(vietnam_today()))

    def _upload(ma: str, f: FileStorage, name: str) -> ResponseReturnValue:
        display = _shown_name(name)
        # an error until checked: a build never takes an upload half-saved or not checked yet (a server stopped
        # meanwhile leaves it so, with words saying to send it again)
        pending = [dict(muc="Lỗi", sheet="(tệp)", o="", cot="", gia_tri="", can="", khong_doc_duoc=1,
                        thong_bao="Sổ chưa được kiểm tra xong (máy chủ dừng giữa chừng): hãy tải sổ lên lại.")]
        so_id = store.x("INSERT INTO so(co_quan, ten_tep, luc, tai_khoan, so_loi, so_canh_bao, van_de) "
                        "VALUES (?,?,?,?,1,0,?)", ma, display, now(), g.user["ten"], json.dumps(pending, ensure_ascii=False))
        try:
            return _check_upload(ma, f, so_id, display)
        except OSError as exc:  # the server's disk full, or its data folder not writable: nothing half-kept
            for kept in (store.upload_path(ma, so_id), store.upload_path(ma, so_id, marked=True)):
                with contextlib.suppress(OSError):
                    kept.unlink(missing_ok=True)
            shutil.rmtree(store.rating_dir(ma, so_id), ignore_errors=True)
            why = ("ổ đĩa của máy chủ đã đầy" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
                   else f"không ghi được vào thư mục dữ liệu của máy chủ ({exc.strerror or exc})")
            failed = [dict(pending[0], thong_bao=f"Máy chủ chưa lưu được sổ này: {why}. Báo quản trị viên giải phóng "
                                                 "dung lượng (hoặc sửa quyền ghi), rồi tải sổ lên lại. Các sổ và hồ sơ "
                                                 "đã có vẫn giữ nguyên.")]
            store.x("UPDATE so SET so_loi=1, so_canh_bao=0, van_de=?, xep_loai=0 WHERE id=?",
                    json.dumps(failed, ensure_ascii=False), so_id)
            audit("tai_len_so_loi_ghi", json.dumps({"so": so_id, "loi": exc.strerror or str(exc)}, ensure_ascii=False))
            return redirect(url_for("so_xem", so_id=so_id))

    def _check_upload(ma: str, f: FileStorage, so_id: int, display: str) -> ResponseReturnValue:
        """The upload `so_id` saved, checked, rated; its row updated with what was found."""
        from pipeline import api, ingest
        from pipeline.errors import HosoError
        from pipeline.ingest import mark
        from pipeline.ingest.problems import runs

        path = store.upload_path(ma, so_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        f.save(path)
        audit("tai_len_so", json.dumps({"so": so_id, "ten_tep": display}, ensure_ascii=False))
        try:
            problems = api.check(path)
        except HosoError as exc:
            problems = None
            # the reader names the file it opened, stored under its id («5.xlsx»): the clerk's name instead
            said = str(exc).replace(f"«{path.name}»", f"«{display}»")
            # `khong_doc_duoc`: the reader could not open it at all (no import of monthly results into it)
            listed: list[dict[str, Any]] = [dict(muc="Lỗi", sheet="(tệp)", o="", cot="", thong_bao=said, gia_tri="", can="",
                                                 khong_doc_duoc=1)]
            errors, warnings = 1, 0
        if problems is not None:
            # the same problem on consecutive rows one line of the table («A62:A73 (12 dòng)»), as the console
            listed = [dict(muc="Lỗi" if p.is_error else "Cảnh báo", sheet=p.sheet or "(tệp)",
                           o=(f"{p.column or 'A'}{p.row}:{p.column or 'A'}{last} ({n} dòng)" if p.row and last else
                              f"{p.column or 'A'}{p.row}" if p.row else ""), cot=p.header or "",
                           thong_bao=p.message, gia_tri=p.value or "", can=p.expected or "", so_o=n)
                      for p, last, n in runs(problems)]
            errors = sum(p.is_error for p in problems)
            warnings = len(problems) - errors
            if len(listed) > MAX_LISTED:  # a 2 MB workbook of 200,000 bad rows made a 76 MB page and database row
                listed = ([x for x in listed if x["muc"] == "Lỗi"] + [x for x in listed if x["muc"] != "Lỗi"])[:MAX_LISTED]
            if problems:
                try:
                    mark.write(path, store.upload_path(ma, so_id, marked=True), problems)
                except HosoError:
                    pass
        rated, unit_names, agency_name = 0, {}, ""
        if problems is not None and errors == 0:
            try:
                api.rate(path, store.rating_dir(ma, so_id))
                rated = 1
                campaign = ingest.load(path)
                unit_names = {u.ma_don_vi: u.ten_don_vi for u in campaign.units}
                agency_name = campaign.agency.ten_co_quan
            except HosoError as exc:
                listed.append(dict(muc="Lỗi", sheet="(tệp)", o="", cot="", thong_bao=str(exc), gia_tri="", can=""))
                errors += 1
        store.x("UPDATE so SET so_loi=?, so_canh_bao=?, van_de=?, xep_loai=?, don_vi_ten=?, ten_co_quan=? WHERE id=?",
                errors, warnings, json.dumps(listed, ensure_ascii=False), rated,
                json.dumps(unit_names, ensure_ascii=False), agency_name, so_id)
        return redirect(url_for("so_xem", so_id=so_id))

    def _agency_row(table: str, row_id: int) -> sqlite3.Row:
        """A row of the session's agency (`table` is one of this module's names, never the user's);
        404 for another agency's id, as for one that does not exist."""
        row: sqlite3.Row | None = store.one(f"SELECT * FROM {table} WHERE id=? AND co_quan=?", row_id,
                                            g.user["co_quan"])
        if row is None:
            abort(404)
        return row

    def _upload_row(so_id: int) -> sqlite3.Row:
        return _agency_row("so", so_id)

    @app.route("/so-excel/<int:so_id>")
    def so_xem(so_id: int) -> ResponseReturnValue:
        role("van_thu")
        row = _upload_row(so_id)
        marked = store.upload_path(row["co_quan"], so_id, marked=True).is_file()
        try:
            imported = json.loads(_import_report(row["co_quan"], so_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            imported = None
        if isinstance(imported, dict):
            imported["ghi_chu"] = _import_notes(list(imported.get("ghi_chu") or []))
        # the errors first (each kind in the workbook's order): the page says «Sửa các lỗi dưới đây», and an
        # error is often the cause of the warnings after it (a formula's row missing → «thiếu kết quả kỳ …»)
        problems = sorted(json.loads(row["van_de"]), key=lambda p: p.get("muc") != "Lỗi")
        return render_template("so_xem.html", row=row, problems=problems, marked=marked,
                               listed_cells=sum(p.get("so_o", 1) for p in problems),
                               imported=imported, kpi=_no_import(row["co_quan"], row) is None,
                               sheets=_results_sheets(row["co_quan"], so_id) if imported else {})

    @app.route("/so-excel/<int:so_id>/danh-dau.xlsx")
    def so_danh_dau(so_id: int) -> ResponseReturnValue:
        role("van_thu")
        row = _upload_row(so_id)
        path = store.upload_path(row["co_quan"], so_id, marked=True)
        if not path.is_file():
            abort(404)
        if _has_formulas(path):  # written before values were kept as text (a value "=HYPERLINK(…)" was a formula)
            _mark_again(store.upload_path(row["co_quan"], so_id), path)
            if not path.is_file():
                abort(404)
        audit("tai_so_danh_dau", str(so_id))
        stem = Path(row["ten_tep"]).stem or "so"
        return send_file(path, as_attachment=True, download_name=f"{stem}_danh_dau.xlsx")

    @app.route("/so-excel/<int:so_id>/so.xlsx")
    def so_tai_ve(so_id: int) -> ResponseReturnValue:
        """The upload as the server keeps it (for one made by an import: the only copy with its results)."""
        role("van_thu")
        row = _upload_row(so_id)
        path = store.upload_path(row["co_quan"], so_id)
        if not path.is_file():
            abort(404)
        audit("tai_so", str(so_id))
        return send_file(path, as_attachment=True, download_name=row["ten_tep"] or f"so_{so_id}.xlsx")

    @app.route("/so-excel/<int:so_id>/nam-sau.xlsx")
    def so_nam_sau(so_id: int) -> ResponseReturnValue:
        from pipeline import api
        from pipeline.errors import HosoError

        role("van_thu")
        row = _upload_row(so_id)
        kept = store.upload_path(row["co_quan"], so_id)
        with tempfile.TemporaryDirectory(prefix="hoso-web-") as tmp:
            try:
                made = api.init_from(kept, Path(tmp))
            except HosoError as exc:  # the stored copy's name («5.xlsx») is not one the clerk knows: hers instead
                return render_template("loi.html", code=400, text=str(exc).replace(str(kept), row["ten_tep"])
                                       .replace(f"«{kept.name}»", f"«{row['ten_tep']}»")), 400
            data = made.dest.read_bytes()
            download = made.dest.name
        audit("tai_so_nam_sau", str(so_id))
        return send_file(io.BytesIO(data), as_attachment=True, download_name=download)

    @app.route("/so-excel/nam-sau", methods=["POST"])
    def so_nam_sau_tu_tep() -> ResponseReturnValue:
        """Last year's workbook in, this year's out (`hoso init --tu`): nothing is kept on the server,
        so last year's workbook never becomes the upload a build would use."""
        from pipeline import api
        from pipeline.errors import HosoError

        role("van_thu")
        uploads_left()
        f, name, head = _sent("so_nam_truoc")
        error = ""
        if not f or not name:
            error = "Chưa chọn sổ Excel năm trước."
        elif not name.lower().endswith((".xlsx", ".xlsm")) or head != b"PK\x03\x04":
            error = _not_xlsx(name, head, f.stream)
        if error or f is None:
            return _workbooks_page(error), 400
        f.stream.seek(0)
        with tempfile.TemporaryDirectory(prefix="hoso-web-") as tmp:
            source = Path(tmp) / "nam_truoc.xlsx"
            f.save(source)
            (Path(tmp) / "ra").mkdir()
            try:
                made = api.init_from(source, Path(tmp) / "ra")
            except HosoError as exc:
                # the reader names the file it opened («nam_truoc.xlsx», the server's copy): the clerk's name
                # instead, on the page of the form she sent (a bare error page named a file she never had)
                shown = _shown_name(name)
                return _workbooks_page(str(exc).replace(str(source), shown)
                                       .replace(f"«{source.name}»", f"«{shown}»")), 400
            data, download = made.dest.read_bytes(), made.dest.name
        audit("tao_so_nam_sau", json.dumps({"tu_tep": _shown_name(name),
                                            "nam": made.year, "bo_ra": len(made.gone)}, ensure_ascii=False))
        return send_file(io.BytesIO(data), as_attachment=True, download_name=download)

    @app.route("/so-excel/mau-trong.xlsx", methods=["GET", "POST"])
    def so_mau_trong() -> ResponseReturnValue:
        """The blank workbook of an evaluation year (`hoso init --nam`): the year filled in, that year's sheets
        and example periods. GET (the home page's link): this campaign's year in Vietnam (`clock.campaign_year`);
        POST (the form on «Sổ Excel», CSRF-checked as every POST): the year chosen, among `blank.supported_years`."""
        from pipeline.ingest import blank

        role("van_thu")
        year = clock.campaign_year(vietnam_today())
        if request.method == "POST":
            typed = request.form.get("nam", "").strip()
            years = blank.supported_years(vietnam_today())
            if not (typed.isascii() and typed.isdigit() and int(typed) in years):
                shown = _shown_name(typed)[:20]
                return _workbooks_page(year_error=f"Năm đánh giá «{shown}» không có: chọn một năm từ {years[0]} đến "
                                                  f"{years[-1]} trong danh sách rồi bấm «Tải sổ trống»."), 400
            year = int(typed)
        buf = io.BytesIO()
        blank.build(year).save(buf)
        buf.seek(0)
        return send_file(buf, as_attachment=True, download_name=blank.filename(year))

    # ---- monthly and quarterly results from a KPI system (`hoso nhap-ket-qua` on the web) ------------------
    years_read: dict[tuple[str, int], str | None] = {}

    def _no_periods(ma: str, so_id: int) -> str | None:
        """Why the upload `so_id` has no monthly or quarterly results to import (a 2025 workbook: ND 90 rates
        without periods), None when it has (from 2026); its CoQuan sheet read once (an upload never changes)."""
        from pipeline.ingest import kpi_import

        key = (ma, so_id)
        if key not in years_read:
            if len(years_read) > 200:
                years_read.clear()
            years_read[key] = kpi_import.no_periods(store.upload_path(ma, so_id))
        return years_read[key]

    def _no_import(ma: str, row: sqlite3.Row) -> str | None:
        """Why monthly results cannot be imported into the upload `row` (its words for the import page), None when
        they can: a workbook the reader could not open at all (damaged, or its check cut short by a stop of the
        server) — the import copied it and failed naming the copy «…_nhap_ket_qua.xlsx», a file the clerk never
        had — or one of a year rated without periods (`_no_periods`)."""
        problems = json.loads(row["van_de"])
        unread = [p for p in problems if p.get("khong_doc_duoc")]
        if unread or not _opens(ma, int(row["id"])):  # an upload checked before the flag existed: opened once
            said = unread or [p for p in problems if p.get("sheet") == "(tệp)" and p.get("muc") == "Lỗi"]
            words = (" ".join(str(said[0].get("thong_bao") or "").split()) if said
                     else f"Sổ «{row['ten_tep']}» không mở được.")
            return (f"{words} Chưa nhập được kết quả tháng, quý vào sổ này: sửa sổ trong Excel, tải lên lại ở trang Sổ "
                    "Excel, rồi nhập kết quả vào sổ mới tải lên.")
        return _no_periods(ma, int(row["id"]))

    opened: dict[tuple[str, int], bool] = {}

    def _opens(ma: str, so_id: int) -> bool:
        """Whether the reader opens the upload `so_id` (once per upload: an upload never changes)."""
        from pipeline.errors import HosoError
        from pipeline.ingest.reader import open_workbook

        key = (ma, so_id)
        if key not in opened:
            if len(opened) > 200:
                opened.clear()
            try:
                with open_workbook(store.upload_path(ma, so_id)):
                    opened[key] = True
            except (HosoError, OSError, ValueError, KeyError, zipfile.BadZipFile):
                opened[key] = False
        return opened[key]

    def _import_report(ma: str, so_id: int) -> Path:
        """What the import that made the upload `so_id` did (JSON beside it; none for a workbook sent as is)."""
        return store.upload_path(ma, so_id).with_name(f"{int(so_id)}_nhap_ket_qua.json")

    @app.route("/so-excel/<int:so_id>/nhap-ket-qua", methods=["GET", "POST"])
    def so_nhap_ket_qua(so_id: int) -> ResponseReturnValue:
        """A KPI system's export (.xlsx or .csv) into the sheets KetQuaKy / SanPham of the upload `so_id`:
        done on a copy, which becomes a new upload, checked and rated as any other — the clerk's upload stays
        as sent, and the page of the new one says what was imported and which rows were not (and why)."""
        from werkzeug.datastructures import FileStorage as Upload

        from pipeline.errors import HosoError, ValidationFailed
        from pipeline.ingest import kpi_import

        role("van_thu")
        ma = g.user["co_quan"]
        row = _upload_row(so_id)
        unused = _no_import(ma, row)
        if unused:  # the check page offers no import for such a year; a link kept from elsewhere, or a POST
            return render_template("so_nhap_ket_qua.html", row=row, error="", no_periods=unused, sheets={}), (
                400 if request.method == "POST" else 200)
        error, note = "", ""
        refusals: list[str] = []
        if request.method == "POST":
            uploads_left()
            f, name, head = _sent("ket_qua")
            shown = _shown_name(name)
            if not f or not name:
                error = "Chưa chọn tệp kết quả xuất từ phần mềm theo dõi, đánh giá (KPI)."
            elif name.lower().endswith((".csv", ".txt")):
                if head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0"):
                    error = f"Tệp «{shown}» không phải tệp văn bản CSV (đuôi tệp bị đặt sai)."
            elif not name.lower().endswith((".xlsx", ".xlsm")) or head != b"PK\x03\x04":
                error = _not_xlsx(name, head, f.stream)
            if not error and f is not None:
                f.stream.seek(0)
                stem = re.sub(r"(_nhap_ket_qua)+$", "", Path(row["ten_tep"]).stem) or "so"
                new_name = f"{stem}_nhap_ket_qua.xlsx"
                mapping = store.agency_dir(ma) / "anh_xa_ket_qua.toml"
                with tempfile.TemporaryDirectory(prefix="hoso-web-") as tmp:
                    book = Path(tmp) / new_name
                    shutil.copyfile(store.upload_path(ma, so_id), book)
                    export = Path(tmp) / ("ket_qua" + Path(name).suffix.lower())
                    f.save(export)
                    try:
                        out = kpi_import.run(export, book, mapping_file=mapping if mapping.is_file() else None)
                    except ValidationFailed as exc:
                        # the command's hint to write a mapping file and pass --anh-xa is not for a browser
                        refusals = _import_refusals(exc.problems[:20], export.name, shown)
                        if "Hoặc ghi tệp ánh xạ" in " ".join(p.expected or "" for p in exc.problems):
                            refusals.append("Sửa tiêu đề các cột trong tệp kết quả cho giống tên cột của sổ (ví dụ "
                                            "«Mã số», «Tháng», «Điểm tiêu chí chung», «Số lượng (%)», «Chất lượng (%)», "
                                            "«Tiến độ (%)») rồi nhập lại.")
                        error = " ".join(refusals)
                    except HosoError as exc:
                        error = str(exc)
                    else:
                        report = {"tu_tep": shown, "tu_so": row["ten_tep"], "tu_so_id": so_id,
                                  "anh_xa": out.mapping, "ghi_chu": out.notes, "khong_nhap": out.skipped,
                                  "so_dong_khong_nhap": out.skipped_rows, "them": out.added, "thay": out.replaced,
                                  # rows of the export the workbook already held the same (the console's «giữ nguyên»)
                                  "giu_nguyen": {"KetQuaKy": out.unchanged, "SanPham": out.unchanged_products}}
                        if not out.written and (out.unchanged or out.unchanged_products) and not out.skipped:
                            # the same export again (or a cumulative one with nothing new): nothing to write
                            same = [f"{n} dòng {what}" for n, what in (
                                (out.unchanged, "cùng người, cùng kỳ, cùng kết quả"),
                                (out.unchanged_products, "sản phẩm cùng người, cùng kỳ, cùng nội dung")) if n]
                            note = (f"Sổ «{row['ten_tep']}» đã có đủ kết quả trong tệp «{shown}» ({'; '.join(same)}): "
                                    "không có gì mới để nhập, không tạo bản sao mới.")
                        elif not out.written:
                            error = ("Tệp kết quả không có dòng nào nhập được vào sổ"
                                     + (": " + " ".join(out.skipped[:10]) if out.skipped else ".")).replace(str(export), shown)
                        else:
                            if out.mapping_saved is not None and out.mapping_saved.is_file():
                                mapping.parent.mkdir(parents=True, exist_ok=True)
                                shutil.copyfile(out.mapping_saved, mapping)
                            audit("nhap_ket_qua", json.dumps({"so": so_id, "tu_tep": shown, "them": out.added,
                                                              "thay": out.replaced, "giu_nguyen": report["giu_nguyen"],
                                                              "khong_nhap": out.skipped_rows}, ensure_ascii=False))
                            with book.open("rb") as fh:
                                resp = _upload(ma, Upload(stream=fh, filename=new_name), new_name)
                            made = re.search(r"/so-excel/(\d+)$", str(getattr(resp, "location", "") or ""))
                            if made:
                                _import_report(ma, int(made.group(1))).write_text(
                                    json.dumps(report, ensure_ascii=False), encoding="utf-8")
                            return resp
                    error = error.replace(str(export), shown).replace(str(book), new_name).replace(tmp, "")
                    refusals = [r.replace(str(export), shown).replace(str(book), new_name).replace(tmp, "")
                                for r in refusals]
        return render_template("so_nhap_ket_qua.html", row=row, error=error, note=note, refusals=refusals,
                               sheets=_results_sheets(ma, so_id), remembered=_remembered(ma),
                               forgot=request.args.get("da_quen") == "1"), (400 if error else 200)

    def _saved_mapping(ma: str) -> Path:
        """The columns the agency's last import used (`kpi_import`'s mapping file, one per agency): a next export
        of the same software is read by them."""
        return store.agency_dir(ma) / "anh_xa_ket_qua.toml"

    def _remembered(ma: str) -> list[str] | None:
        """What the import page shows of the saved mapping: one line per kind of export («Tệp xuất kết quả theo
        tháng: Mã số ← «NV_ID», …»); None when the agency has none; a line saying it cannot be read."""
        from pipeline.errors import HosoError
        from pipeline.ingest import kpi_import

        path = _saved_mapping(ma)
        if not path.is_file():
            return None
        try:
            tables = kpi_import.read_mappings(path)
        except HosoError:
            return ["Không đọc được các cột đã nhớ (tệp bị hỏng): bấm nút dưới đây để quên chúng."]
        kinds = {"": "Mọi tệp xuất", **{k: v[:1].upper() + v[1:] for k, v in kpi_import.KINDS.items()}}
        return [f"{kinds.get(kind, kind)}: " + ", ".join(f"{kpi_import._key_words(key)} ← «{header}»"
                                                         for key, header in table.items())
                for kind, table in tables.items()]

    @app.route("/so-excel/<int:so_id>/quen-cot-nho", methods=["POST"])
    def so_quen_cot_nho(so_id: int) -> ResponseReturnValue:
        """The agency's saved mapping forgotten: the next import reads the columns by their titles again. The file
        is kept aside (`anh_xa_ket_qua.truoc-<time>.toml` in the agency's folder), never deleted."""
        role("van_thu")
        ma = g.user["co_quan"]
        row = _upload_row(so_id)
        path = _saved_mapping(ma)
        if path.is_file():
            aside = portable.free_name(path.parent, f"{path.stem}.truoc-{time.strftime('%Y%m%d-%H%M%S')}", path.suffix)
            os.rename(path, aside)
            audit("quen_cot_nho", json.dumps({"so": row["id"], "giu_lai": aside.name}, ensure_ascii=False))
        return redirect(url_for("so_nhap_ket_qua", so_id=row["id"], da_quen=1))

    # ---- ratings ----------------------------------------------------------------------------------
    def _newer_broken(valid: sqlite3.Row | None) -> sqlite3.Row | None:
        """The agency's last upload when it has errors and came after `valid` (the upload a page uses): a
        clerk who changed a cell, uploaded again with a mistake and went on to «Tạo hồ sơ» must be told the
        older workbook is used, not the one just uploaded. Only the agency clerk uploads: None for others."""
        if g.user["vai_tro"] != "van_thu":
            return None
        last: sqlite3.Row | None = store.one("SELECT * FROM so WHERE co_quan=? ORDER BY id DESC LIMIT 1",
                                             g.user["co_quan"])
        if last is None or not last["so_loi"] or (valid is not None and last["id"] <= valid["id"]):
            return None
        return last

    def _newer_unbuilt() -> dict[str, Any] | None:
        """The agency's latest valid upload when no build was asked of it: uploaded (again, maybe under the same
        file name) after the upload of its latest build — while that build ran, «Tạo hồ sơ» showing the running
        one —, so the dossiers have not its changes. {"so": that upload, "lan_tao": the latest build, "tu_so": that
        build's upload}; None when there is none, or for a unit clerk (only the agency clerk uploads)."""
        if g.user["vai_tro"] != "van_thu":
            return None
        ma = g.user["co_quan"]
        build = store.one("SELECT * FROM lan_tao WHERE co_quan=? ORDER BY id DESC LIMIT 1", ma)
        if build is None:
            return None
        upload = store.one("SELECT * FROM so WHERE co_quan=? AND so_loi=0 AND id>? ORDER BY id DESC LIMIT 1",
                           ma, build["so"])
        if upload is None:
            return None
        return {"so": upload, "lan_tao": build,
                "tu_so": store.one("SELECT * FROM so WHERE id=? AND co_quan=?", build["so"], ma)}

    def _ratings() -> dict[str, Any] | None:
        ma = g.user["co_quan"]
        row = store.one("SELECT id FROM so WHERE co_quan=? AND xep_loai=1 ORDER BY id DESC LIMIT 1", ma)
        for path in ([store.rating_dir(ma, row["id"]) / "ket_qua_xep_loai.json"] if row else []) + \
                [store.output_dir(ma) / "ket_qua_xep_loai.json"]:
            try:
                data: dict[str, Any] | None = json.loads(path.read_text(encoding="utf-8"))
                return data
            except (OSError, ValueError):
                continue
        return None

    @app.context_processor
    def unit_names() -> dict[str, dict[str, str]]:
        """`UNITS`: {code: name} of the agency's latest valid upload, for the pages to name units."""
        if getattr(g, "user", None) is None or g.user["vai_tro"] == "so_noi_vu":
            return {"UNITS": {}}
        row = store.one("SELECT don_vi_ten FROM so WHERE co_quan=? AND xep_loai=1 ORDER BY id DESC LIMIT 1",
                        g.user["co_quan"])
        try:
            return {"UNITS": json.loads(row["don_vi_ten"]) if row else {}}
        except ValueError:
            return {"UNITS": {}}

    def _receiver() -> str:
        """The body the agencies on this server send their packages to: the Sở's «Cơ quan tổng hợp» (a Sở Y tế
        running the server for its hospitals), else «Sở Nội vụ»."""
        return store.compiler() or "Sở Nội vụ"

    @app.context_processor
    def receiver() -> dict[str, str]:
        """`NOI_NHAN`: who receives a package sent from «Hồ sơ» (`_receiver`)."""
        return {"NOI_NHAN": _receiver() if getattr(g, "user", None) is not None else "Sở Nội vụ"}

    def _my_unit(unit: str) -> bool:
        return bool(g.user["vai_tro"] == "van_thu" or (g.user["vai_tro"] == "van_thu_don_vi" and unit == g.user["don_vi"]))

    @app.route("/xep-loai")
    def xep_loai() -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        data = _ratings()
        people = [p for p in (data or {}).get("nguoi", []) if _my_unit(p.get("ma_don_vi", ""))]
        units = sorted({p.get("ma_don_vi", "") for p in people})
        unit, level, warned = request.args.get("don_vi", ""), request.args.get("muc", ""), request.args.get("canh_bao", "")
        shown = [p for p in people if (not unit or p.get("ma_don_vi") == unit)
                 and (not level or (p.get("muc_quyet_dinh") or (p.get("cuoc_hop") or p).get("muc_de_xuat") or "chua") == level)
                 and (not warned or p.get("canh_bao"))]
        scored = any(isinstance(p.get("diem"), (int, float)) for p in people)  # the points regime, a points table
        basis = store.one("SELECT * FROM so WHERE co_quan=? AND xep_loai=1 ORDER BY id DESC LIMIT 1", g.user["co_quan"])
        if data is not None:  # everyone's levels and reasons were read (the filters in the line)
            # a unit clerk's unfiltered table is his unit's, never «tất cả»: the log names the unit he read
            scope = unit or (g.user["don_vi"] if g.user["vai_tro"] == "van_thu_don_vi" else "")
            audit("xem_xep_loai", json.dumps({k: v for k, v in (("don_vi", scope), ("muc", level), ("canh_bao", warned))
                                              if v}, ensure_ascii=False))
        return render_template("xep_loai.html", data=data, people=shown, units=units, unit=unit, level=level,
                               newer_broken=_newer_broken(basis), basis=basis, basis_what="kết quả dưới đây là của sổ",
                               warned=warned, scored=scored)

    # ---- builds ---------------------------------------------------------------------------------
    clashes: dict[tuple[str, int, int], tuple[dict[str, Any] | None, dict[str, Any] | None]] = {}

    def _clashes(ma: str, upload: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """The build's own guards (output_guard.agency_clash, year_clash), asked before the build: is the
        upload another agency's workbook than the one whose dossiers the agency's folder holds — or, the
        same agency's, of another evaluation year (next year's, or last year's picked by mistake)?"""
        from pipeline import ingest
        from pipeline.errors import HosoError
        from pipeline.output_guard import agency_clash, year_clash

        previous = store.manifest(ma)
        if upload is None or previous is None:
            return None, None
        try:  # the workbook is read once per upload and output folder, not at every visit of the page
            key = (ma, upload["id"], (store.output_dir(ma) / "manifest.json").stat().st_mtime_ns)
        except OSError:
            return None, None
        found = clashes.get(key)
        if found is None:
            try:
                campaign = ingest.load(store.upload_path(ma, upload["id"]))
            except HosoError:
                return None, None  # the build says why
            agency = agency_clash(previous, campaign, store.upload_path(ma, upload["id"]))
            old = None if agency is not None else year_clash(previous, campaign)
            year: dict[str, Any] | None = None if old is None else {"cu": old, "moi": campaign.agency.nam_danh_gia,
                                             "nham": campaign.agency.nam_danh_gia < old}
            found = (agency, year)
            if len(clashes) > 100:
                clashes.clear()
            clashes[key] = found
        clash, year = (dict(c) if c is not None else None for c in found)
        last = store.one("SELECT s.ten_tep FROM lan_tao l JOIN so s ON s.id=l.so WHERE l.co_quan=? AND "
                         "l.trang_thai='xong' ORDER BY l.id DESC LIMIT 1", ma)
        if clash is not None:
            clash.update(tep_cu=last["ten_tep"] if last else clash["tep_cu"], tep_moi=upload["ten_tep"])
        if year is not None:
            made = previous.get("co_quan")
            recorded = made.get("tep_dau_vao", "?") if isinstance(made, dict) else "?"
            year.update(tep_cu=last["ten_tep"] if last else recorded, tep_moi=upload["ten_tep"])
        return clash, year

    def _edited_words(ma: str, edited: list[str]) -> list[dict[str, str]]:
        """The documents edited on the server (`output_guard.edited_files`, paths in the output) as the pages name
        them: the document's title and whose it is (the manifest's `tai_lieu`/`muc` by template, the names of the
        output's ratings), the path beside; a file the manifest does not describe keeps its path alone."""
        m = store.manifest(ma) or {}
        try:
            rated = json.loads((store.output_dir(ma) / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            rated = {}
        names = {p.get("ma_so"): p.get("ho_ten", "") for p in (rated.get("nguoi") or [] if isinstance(rated, dict) else [])
                 if isinstance(p, dict)}
        titles: dict[str, str] = {}
        for person in m.get("ca_nhan") or []:
            who = f"{names.get(person.get('ma_so')) or ''} ({person.get('ma_so')})".strip()
            for doc in person.get("tai_lieu") or []:
                titles[f"ca_nhan/{person.get('ma_don_vi')}/{person.get('ma_so')}/{doc.get('mau')}.docx"] = \
                    f"{doc.get('tieu_de')} — {who}"
        for unit in m.get("don_vi") or []:
            for doc in unit.get("muc") or []:
                if doc.get("mau") and not doc.get("ma_so"):
                    titles[f"don_vi/{unit.get('ma_don_vi')}/{doc.get('mau')}.docx"] = \
                        f"{doc.get('tieu_de')} — đơn vị {unit.get('ten_don_vi') or unit.get('ma_don_vi')}"
        return [{"tep": rel, "ten": titles.get(rel, "")} for rel in edited]

    @app.route("/tao-ho-so", methods=["GET", "POST"])
    def tao_ho_so() -> ResponseReturnValue:
        role("van_thu")
        ma = g.user["co_quan"]
        upload = store.one("SELECT * FROM so WHERE co_quan=? AND so_loi=0 ORDER BY id DESC LIMIT 1", ma)
        clash, year = _clashes(ma, upload)
        # documents edited by hand in the output folder (opened from the server's disk in Word…): the build's
        # guard would refuse them with the CLI's --ghi-de; the page asks instead (copies kept beside)
        edited = output_guard.edited_files(store.output_dir(ma), store.manifest(ma)) if upload is not None else []
        # files someone at the server's disk put into its output folder: the build replaces the folder and so refuses
        # it (never deletes them); the page says so before, in its words, instead of a failed build saying «-o»
        held = store.manifest(ma)
        theirs = ownership.foreign(store.output_dir(ma), held) if upload is not None and isinstance(held, dict) \
            and ownership.is_own_manifest(held) else []
        confirmed = request.form.get("doi_co_quan") == "1"
        year_confirmed = request.form.get("doi_nam") == "1"
        overwrite = request.form.get("ghi_de") == "1"
        # «Tạo lại» on a failed build's page (a restart interrupted it…): what the clerk confirmed for that build
        # stands for its re-run of the same workbook, not asked again (`_confirmed_before`) — the overwrite of
        # documents edited by hand only when no document was edited since but those she was shown then
        rerun = request.form.get("lan_tao", "")
        before = _confirmed_before(ma, upload, rerun)
        edited_since = [rel for rel in edited if before[3] is not None and rel not in before[3]]
        confirmed, year_confirmed, overwrite = (confirmed or before[0], year_confirmed or before[1],
                                                overwrite or (before[2] and before[3] is not None and not edited_since))
        # a reception of signed scans filing meanwhile holds the output folder: the build would fail on its lock
        receiving = _running_reception(ma)

        def page(refused: bool, receiving: dict[str, Any] | None) -> str:
            """The page: what the build will use and what stands in its way (`refused`: the POST was not taken)."""
            return render_template("tao_ho_so.html", upload=upload, clash=clash, year=year, edited=edited,
                                   theirs=theirs, out_dir=str(store.output_dir(ma)),
                                   edited_words=_edited_words(ma, edited[:10]), refused=refused,
                                   edited_since=_edited_words(ma, edited_since[:10]) if refused else [],
                                   edited_since_count=len(edited_since), rerun=rerun if rerun.isdigit() else "",
                                   newer_broken=_newer_broken(upload), basis=upload,
                                   basis_what="hồ sơ sẽ được tạo từ sổ", receiving=receiving,
                                   own_set=own_forms.in_use(store.agency_dir(ma)) is not None,
                                   forms_updated=_forms_updated(ma))

        if request.method == "POST":
            q = app.extensions["hoso_queue"]
            if upload is None:
                abort(400)
            if receiving is not None:
                return page(True, receiving), 409
            if q is None:
                abort(400)
            if theirs:
                audit("tao_ho_so_bi_tu_choi", json.dumps({"so": upload["id"], "tep_rieng": len(theirs)}, ensure_ascii=False))
                return page(True, None), 409
            if ((clash is not None and not confirmed) or (year is not None and not year_confirmed)
                    or (edited and not overwrite)):
                refused = ({"co_quan_cu": clash["cu"], "co_quan_moi": clash["moi"]} if clash is not None
                           else {"nam_cu": year["cu"], "nam_moi": year["moi"]} if year is not None
                           else {"sua_tay": len(edited), "sua_tay_them": len(edited_since)} if edited_since
                           else {"sua_tay": len(edited)})
                audit("tao_ho_so_bi_tu_choi", json.dumps({"so": upload["id"], **refused}, ensure_ascii=False))
                return page(True, None), 409
            build_id = q.submit(ma, upload["id"], g.user["ten"], doi_co_quan=clash is not None and confirmed,
                                doi_nam=year is not None and year_confirmed, ghi_de=bool(edited) and overwrite,
                                sua_tay=edited)
            if build_id is None:
                busy = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai IN ('cho','dang_chay')", ma)
                return redirect(url_for("lan_tao_xem", build_id=busy["id"]))
            detail = {"lan_tao": build_id, "so": upload["id"]}
            if clash is not None:
                detail.update(doi_co_quan=True, co_quan_cu=clash["cu"], co_quan_moi=clash["moi"])
            if year is not None:
                detail.update(doi_nam=True, nam_cu=year["cu"], nam_moi=year["moi"])
            if edited:
                detail.update(ghi_de=True, sua_tay=edited[:10])
            audit("tao_ho_so", json.dumps(detail, ensure_ascii=False))
            _wait_briefly(build_id)  # a rebuild after a small change is done in about a second: shown done at once
            return redirect(url_for("lan_tao_xem", build_id=build_id))
        return page(False, receiving)

    def _confirmed_before(ma: str, upload: Any, build: str) -> tuple[bool, bool, bool, frozenset[str] | None]:
        """(doi_co_quan, doi_nam, ghi_de, the documents edited by hand she confirmed replacing) for build `build`
        (the «Tạo lại» form of its page) when a re-run of it is asked: the agency's own latest build, failed, of
        the same upload as the one to build now. Its output was not replaced (the build did not finish), so the
        agency or year it replaces are those confirmed then; documents edited by hand since are not (the caller
        asks again when one is not in the set; None: no set recorded — a build queued by an older version —, so
        the overwrite is asked again). Anything else: nothing confirmed."""
        if upload is None or not build.isdigit():
            return False, False, False, None
        row = store.one("SELECT * FROM lan_tao WHERE co_quan=? ORDER BY id DESC LIMIT 1", ma)
        if row is None or row["id"] != int(build) or row["trang_thai"] != "loi" or row["so"] != upload["id"]:
            return False, False, False, None
        try:
            shown = json.loads(row["sua_tay"]) if row["sua_tay"] else None
        except ValueError:
            shown = None
        files = frozenset(str(f) for f in shown) if isinstance(shown, list) else None
        return bool(row["doi_co_quan"]), bool(row["doi_nam"]), bool(row["ghi_de"]), files

    def _forms_updated(ma: str) -> str:
        """`own_forms.update_words` of the agency's own forms the program updated since (or not known): "" when none
        (the forms' titles read only then)."""
        here = store.agency_dir(ma)
        own = own_forms.in_use(here)
        newer, unknown = own_forms.updates(own) if own is not None else ([], [])
        if not newer and not unknown:
            return ""
        names = {r.code: r.name for r in own_forms.listing(here)} | own_forms.TOP_WORDS
        return own_forms.update_words(newer, unknown, names)

    def _wait_briefly(build_id: int) -> None:
        """Up to QUICK_BUILD_S for the build to end, so that the clerk is shown a quick rebuild done
        rather than a page that refreshes itself once more; a longer build's page shows its progress."""
        until = time.monotonic() + _quick_wait()
        while time.monotonic() < until:
            row = store.one("SELECT trang_thai FROM lan_tao WHERE id=?", build_id)
            if row is None or row["trang_thai"] not in ("cho", "dang_chay"):
                return
            time.sleep(0.05)

    def _build_row(build_id: int) -> sqlite3.Row:
        return _agency_row("lan_tao", build_id)

    @app.route("/lan-tao")
    def lan_tao() -> ResponseReturnValue:
        role("van_thu")
        return render_template("lan_tao.html", rows=_history(g.user["co_quan"]), report=None)

    def _history(ma: str) -> list[sqlite3.Row]:
        """The agency's last 100 builds, each with the name of the workbook it was built from (`so_ten_tep`):
        a clerk who uploaded several workbooks tells the builds apart."""
        return store.q("SELECT l.*, s.ten_tep AS so_ten_tep FROM lan_tao l LEFT JOIN so s ON s.id=l.so AND "
                       "s.co_quan=l.co_quan WHERE l.co_quan=? ORDER BY l.id DESC LIMIT 100", ma)

    @app.route("/lan-tao/<int:build_id>")
    def lan_tao_xem(build_id: int) -> ResponseReturnValue:
        role("van_thu")
        row = _build_row(build_id)
        ahead = store.one("SELECT COUNT(*) AS n FROM lan_tao WHERE trang_thai IN ('cho','dang_chay') AND id<?",
                          build_id)["n"] if row["trang_thai"] == "cho" else 0
        kept = (store.history_dir(row["co_quan"], build_id) / "manifest.json").is_file()
        kept_changes = (store.history_dir(row["co_quan"], build_id) / "thay_doi.txt").is_file()
        # a later build replaced this one's output (its in_lai.pdf among them): the page says so
        later = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai='xong' AND id>? ORDER BY id DESC LIMIT 1",
                          row["co_quan"], build_id) if row["trang_thai"] == "xong" else None
        deadline, deadline_note = "", ""
        if row["trang_thai"] == "xong":  # the Sở's deadline, and what this build's workbook and guide say beside it
            deadline, deadline_note = _deadline_line(row["han_nop"], _kept_manifest(row["co_quan"], build_id), later is None)
        upload = store.one("SELECT id, ten_tep, luc FROM so WHERE id=? AND co_quan=?", row["so"], row["co_quan"])
        newer = _newer_unbuilt()  # a workbook uploaded after this one's, never built: said on the latest build's page
        return render_template("lan_tao_xem.html", row=row, ahead=ahead, kept=kept, kept_changes=kept_changes,
                               upload=upload, newer_unbuilt=newer if newer and newer["lan_tao"]["id"] == row["id"] else None,
                               later=later, mark=_printed_mark() if row["trang_thai"] == "xong" and later is None else None,
                               deadline=deadline, deadline_note=deadline_note,
                               # the first build of the folder (changes.py's words): everything is printed once
                               first=str(row["thay_doi"] or "").startswith("Lần tạo đầu tiên"),
                               guide=_in_output("HUONG_DAN_IN.pdf"))

    def _kept_manifest(co_quan: str, build_id: int) -> dict[str, Any] | None:
        """A build's kept manifest.json (None: not kept, unreadable)."""
        try:
            kept = json.loads((store.history_dir(co_quan, build_id) / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return kept if isinstance(kept, dict) else None

    def _kept_file(build_id: int, name: str) -> Path:
        """A file kept of one of the agency's builds (`lich_su/<id>/`); 404 when there is none."""
        role("van_thu")
        row = _build_row(build_id)
        path = store.history_dir(row["co_quan"], build_id) / name
        if not path.is_file():
            abort(404)
        audit("tai_tep", f"lich_su/{build_id}/{name}")  # names people (whose data changed, whose dossier is which)
        return path

    @app.route("/lan-tao/<int:build_id>/thay_doi.txt")
    def lan_tao_thay_doi(build_id: int) -> ResponseReturnValue:
        # text/* gets its charset from Werkzeug: given here too, the header said «charset=utf-8; charset=utf-8»
        return send_file(_kept_file(build_id, "thay_doi.txt"), mimetype="text/plain",
                         as_attachment=False, download_name=f"thay_doi_lan_tao_{build_id}.txt")

    @app.route("/lan-tao/<int:build_id>/manifest.json")
    def lan_tao_manifest(build_id: int) -> ResponseReturnValue:
        return send_file(_kept_file(build_id, "manifest.json"), mimetype="application/json", as_attachment=True,
                         download_name=f"manifest_lan_tao_{build_id}.json")

    @app.route("/luu-tru")
    def luu_tru() -> ResponseReturnValue:
        """The outputs a build of another year (or agency) replaced, kept whole (`luu_tru/`)."""
        role("van_thu")
        return render_template("luu_tru.html", rows=store.archives(g.user["co_quan"]))

    @app.route("/luu-tru/<ten>.zip")
    def luu_tru_tai(ten: str) -> ResponseReturnValue:
        """One kept output as a zip (its dossiers, package and signed scans), made in a temporary file."""
        role("van_thu")
        ma = g.user["co_quan"]
        if ten not in {r["ten"] for r in store.archives(ma)}:  # only a name listed there: no path from the URL
            abort(404)
        folder = store.archive_dir(ma) / ten
        tmp = tempfile.TemporaryFile()
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                for f in sorted(folder.rglob("*")):
                    if f.is_file() and not f.is_symlink():
                        zf.write(f, f"{ten}/{f.relative_to(folder).as_posix()}")
        except OSError as exc:
            tmp.close()
            raise NoRoom(description=f"Chưa tạo được tệp nén để tải về ({exc.strerror or exc}): thư mục tạm của máy chủ "
                                     "có thể đã đầy. Hồ sơ lưu trữ vẫn giữ nguyên; báo quản trị viên rồi thử lại.") from exc
        tmp.seek(0)
        audit("tai_luu_tru", ten)  # a year's dossiers: everyone's data
        return send_file(tmp, mimetype="application/zip", as_attachment=True, download_name=f"luu_tru_{ten}.zip")

    # ---- the agency's own forms (`hoso templates export` / `build --templates` on the page) ---------------------
    def _form_workbook(ma: str) -> tuple[Path | None, str]:
        """The workbook an upload of forms is tried with (as `hoso templates check --workbook`): the agency's latest
        valid upload, else the program's sample; the words naming it."""
        from pipeline.resources import sample_workbook

        row = store.one("SELECT * FROM so WHERE co_quan=? AND so_loi=0 ORDER BY id DESC LIMIT 1", ma)
        if row is not None and store.upload_path(ma, row["id"]).is_file():
            return store.upload_path(ma, row["id"]), f"sổ «{row['ten_tep']}» (tải lên lúc {vietnam_time(row['luc'])})"
        return None, f"sổ mẫu đi kèm chương trình ({sample_workbook().name}), vì cơ quan chưa có sổ Excel hợp lệ"

    def _forms_page(error: list[str] | None = None, done: str = "", code: int = 200) -> ResponseReturnValue:
        ma = g.user["co_quan"]
        here = store.agency_dir(ma)
        rows = own_forms.listing(here)
        names = {r.code: r.name for r in rows} | own_forms.TOP_WORDS
        aside = [(a, [names.get(c, c) for c in a.changes]) for a in own_forms.aside_rows(here)]
        # the agency's forms the program updated since her copy was made (or not known): said, her copy still used
        newer, unknown = own_forms.updates(own) if (own := own_forms.in_use(here)) is not None else ([], [])
        return render_template("mau_bieu.html", rows=rows, own=own_forms.info(here), error=error or [], done=done,
                               updated=own_forms.update_words(newer, unknown, names),
                               update_state={c: "moi" for c in newer} | {c: "khong_ro" for c in unknown},
                               newer_folder=own_forms.NEWER,
                               aside=aside, more=max(0, len(own_forms.kept_aside(here)) - len(aside)),
                               fonts=own_forms.font_warnings(here, names),
                               workbook=_form_workbook(ma)[1],
                               limit=MAX_UPLOAD // (1024 * 1024), reconstructed=sum(r.reconstructed for r in rows),
                               upload=request.form.get("ten_tep", "")), code

    def _forms_busy(ma: str) -> ResponseReturnValue | None:
        """The page refusing to change the agency's forms while one of its builds waits or runs (409): that build
        reads the set in use from its folder, which an upload or a reset renames — its forms would be half of each."""
        busy = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai IN ('cho','dang_chay')", ma)
        if busy is None:
            return None
        return _forms_page([f"Lần tạo hồ sơ số {busy['id']} đang chờ hoặc đang chạy với bộ mẫu đang dùng: bộ mẫu được giữ "
                            "nguyên. Đợi lần tạo đó xong rồi làm lại."], code=409)

    def _forms_checked_often(ma: str) -> None:
        """429 when the agency had more sets checked (uploaded or brought back) than UPLOADS_PER_AGENCY in
        UPLOAD_WINDOW: each check fills every form, a script must not hold the server."""
        sent = store.one("SELECT COUNT(*) AS n FROM nhat_ky WHERE co_quan=? AND hanh_dong IN ('tai_len_bo_mau', "
                         "'tai_len_bo_mau_bi_tu_choi', 'dung_lai_bo_mau_cu', 'dung_lai_bo_mau_cu_bi_tu_choi') AND luc>?",
                         ma, ago(UPLOAD_WINDOW))["n"]
        if sent >= UPLOADS_PER_AGENCY:
            abort(429, description=f"Cơ quan đã tải lên hoặc dùng lại {sent} bộ mẫu trong {UPLOAD_WINDOW // 60} phút vừa "
                                   "qua, quá số cho phép: hãy đợi ít phút rồi làm lại.")

    @app.route("/mau-bieu")
    def mau_bieu() -> ResponseReturnValue:
        """«Mẫu biểu của cơ quan»: the forms, the set to download, an edited set to send back, the program's again."""
        role("van_thu")
        done = {"tai_len": "Đã nhận bộ mẫu đã sửa: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này.",
                "giong": "Bộ mẫu tải lên giống hệt mẫu của chương trình: cơ quan dùng mẫu của chương trình (bộ mẫu "
                         "riêng trước đó, nếu có, được cất giữ trên máy chủ, không xóa).",
                "dung_lai": "Đã thôi dùng bộ mẫu riêng: từ nay các lần «Tạo hồ sơ» dùng mẫu của chương trình. Bộ mẫu "
                            "riêng cũ được cất giữ trên máy chủ, không xóa.",
                "dung_lai_cu": "Đã dùng lại bộ mẫu đã cất giữ: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này. Bộ mẫu "
                               "riêng đang dùng trước đó (nếu có) được cất giữ, có trong danh sách «Các bộ mẫu riêng đã "
                               "thôi dùng» để dùng lại khi cần.",
                "cu_giong": "Bộ mẫu đã cất giữ nay giống hệt mẫu của chương trình: cơ quan dùng mẫu của chương trình "
                            "(bộ mẫu riêng đang dùng trước đó, nếu có, được cất giữ, không xóa)."
                }.get(request.args.get("xong", ""), "")
        # a zipped `hoso templates export` folder: the forms still as the program's were when exported (its
        # mau_goc.json), updated by the program since, follow the program's forms now (own_forms.receive)
        n = request.args.get("so_mau", "")
        followed = (f"{n} mẫu trong tệp tải lên vẫn giống hệt bản của chương trình lúc chép ra (theo tệp mau_goc.json) và "
                    "chương trình đã cập nhật các mẫu này sau đó: các mẫu này dùng bản mới của chương trình, không giữ "
                    "làm mẫu riêng." if n.isdigit() and 0 < int(n) < 1000 else "")
        done = {"theo_chuong_trinh": f"Đã nhận bộ mẫu đã sửa: từ nay các lần «Tạo hồ sơ» dùng bộ mẫu này. {followed}",
                "giong_theo_chuong_trinh": "Bộ mẫu tải lên không có mẫu nào cơ quan đã sửa: cơ quan dùng mẫu của chương "
                                           f"trình (bộ mẫu riêng trước đó, nếu có, được cất giữ, không xóa). {followed}"
                }.get(request.args.get("xong", ""), done) if followed else done
        return _forms_page(done=done)

    @app.route("/mau-bieu/bo-mau.zip")
    def mau_bieu_tai() -> ResponseReturnValue:
        role("van_thu")
        ma = g.user["co_quan"]
        tmp = tempfile.TemporaryFile()
        try:
            own_forms.download(store.agency_dir(ma), tmp)
        except OSError as exc:
            tmp.close()
            raise NoRoom(description=f"Chưa tạo được tệp nén để tải về ({exc.strerror or exc}): thư mục tạm của máy chủ "
                                     "có thể đã đầy. Báo quản trị viên rồi thử lại.") from exc
        tmp.seek(0)
        own = own_forms.in_use(store.agency_dir(ma)) is not None
        audit("tai_bo_mau", json.dumps({"bo_mau": "riêng của cơ quan" if own else "của chương trình"}, ensure_ascii=False))
        return send_file(tmp, mimetype="application/zip", as_attachment=True,
                         download_name=f"mau_bieu_{ma}.zip" if own else "mau_bieu_chuong_trinh.zip")

    @app.route("/mau-bieu/tai-len", methods=["POST"])
    def mau_bieu_tai_len() -> ResponseReturnValue:
        role("van_thu")
        ma = g.user["co_quan"]
        if (busy := _forms_busy(ma)) is not None:
            return busy
        _forms_checked_often(ma)
        f, name, head = _sent("bo_mau")
        shown = _shown_name(name)
        if not f or not name:
            return _forms_page(["Chưa chọn tệp nén (.zip) của bộ mẫu."], code=400)
        if not name.lower().endswith(".zip") or head != b"PK\x03\x04":
            audit("tai_len_bo_mau_bi_tu_choi", json.dumps({"tep": shown, "loi": "không phải .zip"}, ensure_ascii=False))
            return _forms_page([f"Tệp «{shown}» không phải tệp nén .zip. Hãy nén thư mục bộ mẫu đã sửa (trên Windows: "
                                "bấm chuột phải → Gửi tới → Thư mục nén) rồi tải tệp .zip lên."], code=400)
        f.stream.seek(0)
        workbook, _words = _form_workbook(ma)
        followed: list[str] = []  # old copies in a zipped export she never edited: the program's forms now used
        answer = _forms_kept(ma, lambda: own_forms.receive(store.agency_dir(ma), f.stream, shown, workbook, g.user["ten"],
                                                           followed),
                             "tai_len_bo_mau", {"tep": shown}, f"Chưa nhận bộ mẫu «{shown}»",
                             ("lưu được bộ mẫu", "tải lên lại"), ("giong", "tai_len"),
                             lambda: {"mau_theo_chuong_trinh": ", ".join(followed)} if followed else {})
        if followed and getattr(answer, "status_code", 0) == 302:
            where = own_forms.in_use(store.agency_dir(ma))
            return redirect(url_for("mau_bieu", xong="theo_chuong_trinh" if where is not None else "giong_theo_chuong_trinh",
                                    so_mau=len(followed)))
        return answer

    def _forms_kept(ma: str, keep: Callable[[], tuple[list[str], str]], action: str, about: dict[str, str],
                    not_kept: str, no_room: tuple[str, str], done: tuple[str, str],
                    more: Callable[[], dict[str, str]] | None = None) -> ResponseReturnValue:
        """An upload or a restore of the agency's forms (`keep`: own_forms.receive or restore) and its answer: refused
        → the page with the problems, audit `<action>_bi_tu_choi`; the disk full → 507 (`no_room`: what could not be
        done, what to do again); kept → audit `action` with `about` and the forms changed, back to the page saying
        `done[0]` when the set is the program's forms exactly (no own copy kept), else `done[1]`; `more`: what the audit
        entry adds, asked once `keep` has run."""
        try:
            changed, aside = keep()
        except own_forms.Refused as exc:
            audit(f"{action}_bi_tu_choi", json.dumps({k: v[:120] for k, v in about.items()}
                                                    | {"loi": "; ".join(exc.problems)[:500]}, ensure_ascii=False))
            return _forms_page([f"{not_kept}; bộ mẫu đang dùng được giữ nguyên. {len(exc.problems)} vấn đề:",
                                *exc.problems], code=400)
        except OSError as exc:
            raise NoRoom(description=f"Máy chủ chưa {no_room[0]} ({exc.strerror or exc}); bộ mẫu đang dùng được giữ "
                                     f"nguyên. Báo quản trị viên giải phóng dung lượng rồi {no_room[1]}.") from exc
        detail: dict[str, Any] = {**about, "mau_doi": ", ".join(changed) or "không mẫu nào", **(more() if more else {})}
        if aside:
            detail["cat_rieng"] = aside
        audit(action, json.dumps(detail, ensure_ascii=False))
        same = own_forms.in_use(store.agency_dir(ma)) is None  # the program's forms exactly: no own copy kept
        return redirect(url_for("mau_bieu", xong=done[0] if same else done[1]))

    @app.route("/mau-bieu/dung-mau-chuong-trinh", methods=["POST"])
    def mau_bieu_dung_lai() -> ResponseReturnValue:
        """The agency's own set no longer used: kept aside (`mau_bieu.truoc-<time>`), never deleted."""
        role("van_thu")
        ma = g.user["co_quan"]
        if (busy := _forms_busy(ma)) is not None:
            return busy
        here = store.agency_dir(ma)
        changed = own_forms.differing(own) if (own := own_forms.in_use(here)) is not None else []
        aside = own_forms.set_aside(here)
        if aside:
            audit("dung_lai_mau_chuong_trinh", json.dumps({"mau_doi": ", ".join(changed) or "không mẫu nào",
                                                           "cat_rieng": aside}, ensure_ascii=False))
        return redirect(url_for("mau_bieu", xong="dung_lai"))

    @app.route("/mau-bieu/dung-lai-bo-cu", methods=["POST"])
    def mau_bieu_dung_lai_cu() -> ResponseReturnValue:
        """A set kept aside («Dùng lại bộ này»: its folder's name, one of the listed ones) in use again, checked as an
        upload is; the set in use set aside in turn."""
        role("van_thu")
        ma = g.user["co_quan"]
        if (busy := _forms_busy(ma)) is not None:
            return busy
        _forms_checked_often(ma)
        name = request.form.get("bo", "")
        workbook, _words = _form_workbook(ma)
        return _forms_kept(ma, lambda: own_forms.restore(store.agency_dir(ma), name, workbook, g.user["ten"]),
                           "dung_lai_bo_mau_cu", {"tu_bo": name}, "Chưa dùng lại bộ mẫu đã cất giữ",
                           ("dùng lại được bộ mẫu", "làm lại"), ("cu_giong", "dung_lai_cu"))

    @app.route("/lan-tao/kiem-tra", methods=["POST"])
    def lan_tao_kiem_tra() -> ResponseReturnValue:
        from pipeline import api

        role("van_thu")
        ma = g.user["co_quan"]
        out = store.output_dir(ma)
        report = api.verify(out) if (out / "manifest.json").is_file() else None
        audit("kiem_tra", "ok" if report is not None and report.ok else "loi")
        rows = _history(ma)
        problems = [p.replace(str(out) + "/", "") for p in report.problems] if report else []
        return render_template("lan_tao.html", rows=rows, report=report, problems=problems, missing=report is None)

    # ---- dossiers and files ----------------------------------------------------------------------
    def _manifest() -> dict[str, Any]:
        m = store.manifest(g.user["co_quan"])
        if m is None:
            abort(404)
        return m

    @app.route("/ho-so")
    def ho_so() -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        m = store.manifest(g.user["co_quan"])
        ratings = _ratings() or {}
        if m and ratings.get("nam_danh_gia") and m.get("nam_danh_gia") \
                and str(ratings["nam_danh_gia"]) != str(m["nam_danh_gia"]):
            # the latest upload is of another year (last year's workbook by mistake): beside this year's dossiers,
            # the levels they were built with, not that workbook's
            try:
                ratings = json.loads((store.output_dir(g.user["co_quan"]) / "ket_qua_xep_loai.json")
                                     .read_text(encoding="utf-8"))
            except (OSError, ValueError):
                ratings = {}
        names = {p["ma_so"]: p.get("ho_ten", "") for p in ratings.get("nguoi", [])}
        # each person's level beside the name: the decided one, else the proposal the papers print (the meeting's)
        levels = {p["ma_so"]: (p.get("muc_quyet_dinh") or (p.get("cuoc_hop") or p).get("muc_de_xuat"),
                               bool(p.get("muc_quyet_dinh")), _no_level(p).lower()) for p in ratings.get("nguoi", [])}
        units = [u for u in (m or {}).get("don_vi", []) if _my_unit(u["ma_don_vi"])]
        persons = [p for p in (m or {}).get("ca_nhan", []) if _my_unit(p["ma_don_vi"])]
        agency_files = []
        if m and g.user["vai_tro"] == "van_thu":
            titles = {t["path"]: t.get("tieu_de", "") for t in (m.get("nop_so_noi_vu") or {}).get("tep", [])}
            zip_name = (m.get("nop_so_noi_vu") or {}).get("zip", "")
            to = _receiver()  # the body «Gửi bộ hồ sơ» sends to (the Sở's «Cơ quan tổng hợp», else the Sở Nội vụ)
            titles.update({zip_name: f"Bộ hồ sơ gửi {to} (tệp nén)", **FILE_TITLES,
                           "README.txt": f"Bộ hồ sơ gửi {to} gồm những gì"})
            agency_files = [(f["path"], titles.get(f["path"], "")) for f in m.get("files", []) if "/" not in f["path"] or
                            f["path"].startswith(("co_quan/", "nop_so_noi_vu/")) and f["path"].count("/") == 1]
            agency_files.sort(key=lambda pt: (not pt[1], pt[0]))
        sent = store.one("SELECT * FROM nop WHERE co_quan=? ORDER BY id DESC LIMIT 1", g.user["co_quan"]) \
            if g.user["vai_tro"] == "van_thu" else None
        # the package sent is not the one there now (built again since, with other content): send it again
        zip_now = next((f.get("sha256") for f in (m or {}).get("files", [])
                        if f.get("path") == ((m or {}).get("nop_so_noi_vu") or {}).get("zip")), None)
        outdated, rebuilt = False, False
        changed_files: list[str] = []
        if sent is not None and m and zip_now is not None and zip_now != sent["zip_sha256"]:
            outdated, changed_files = _sent_differs(sent, m)
            rebuilt = not outdated
        # before sending: how many levels in this package are only proposed (no decision of the competent level)
        proposed = 0
        if agency_files:
            try:
                built = json.loads((store.output_dir(g.user["co_quan"]) / "ket_qua_xep_loai.json").read_text("utf-8"))
                proposed = sum(1 for p in built.get("nguoi", [])
                               if not p.get("muc_quyet_dinh") and p.get("muc_de_xuat") in LEVEL_WORDS)
            except (OSError, ValueError, AttributeError):
                proposed = 0
        staff_sheet = _as_the_workbook_names("sheet NhanSu", g.user["co_quan"]) if proposed else ""
        # a package the workbook addresses to someone else (CoQuan «Sở Nội vụ nhận báo cáo») than the body this
        # server's button sends to — the Sở's «Cơ quan tổng hợp» (a Sở Y tế for its hospitals), or, none set, the Sở
        # Nội vụ (a school whose workbook names its Sở Giáo dục: the deadline line named the Sở Giáo dục, the button
        # the Sở Nội vụ, and only the Sở's page said it once sent): the signed report names that body
        addressed = ""
        if agency_files and m:
            from pipeline.submission import province

            named = (m.get("nop_so_noi_vu") or {}).get("noi_nhan") if isinstance(m.get("nop_so_noi_vu"), dict) else ""
            pkg = province.Package(Path(), noi_nhan=" ".join(named.split()) if isinstance(named, str) else "",
                                   compiler=store.compiler())
            if pkg.addressed_elsewhere:
                addressed = pkg.addressed_to
        # last years' dossiers, kept whole when this year's replaced them: where the clerk looks for them
        kept = len(store.archives(g.user["co_quan"])) if g.user["vai_tro"] == "van_thu" else 0
        # the deadline where the package is sent: the Sở's when it set one, counted as of today
        deadline, deadline_note = "", ""
        if agency_files:
            last = store.one("SELECT han_nop FROM lan_tao WHERE co_quan=? AND trang_thai='xong' ORDER BY id DESC LIMIT 1",
                             g.user["co_quan"])
            deadline, deadline_note = _deadline_line(last["han_nop"] if last is not None else "",
                                                     m if isinstance(m, dict) else None)
        return render_template("ho_so.html", m=m, units=units, persons=persons, names=names, agency_files=agency_files,
                               newer_unbuilt=_newer_unbuilt(),
                               sent=sent, outdated=outdated, rebuilt=rebuilt, changed_files=changed_files,
                               proposed=proposed, staff_sheet=staff_sheet,
                               addressed=addressed, agency_sheet=_as_the_workbook_names("sheet CoQuan", g.user["co_quan"])
                               if addressed else "",
                               levels=levels, kept=kept, deadline=deadline, deadline_note=deadline_note,
                               signed=[f for f in _signed_files() if _may_read_signed(f)])

    # the answer of `_sent_differs` by submission and the digest of the output's manifest: a view of «Hồ sơ» walks
    # the two manifests once per build, not at every view
    sent_cache: dict[tuple[Any, ...], tuple[bool, list[str]]] = {}

    def _sent_differs(sent: sqlite3.Row, m: dict[str, Any]) -> tuple[bool, list[str]]:
        """Whether the package there now (output manifest `m`, whose zip has other bytes than the one sent) holds
        other content than the submission `sent` (`changes.sent_package_differs` against the manifest and zip kept
        with it: a package only re-converted or zipped again with the same words is not to send again), and the
        files of the zip whose content changed, as the page names them (title and file name; empty when only the
        bytes could tell). A submission kept without its manifest (sent before it was kept, or unreadable): by
        the bytes of its zip."""
        from pipeline.submission import changes

        ma = sent["co_quan"]
        try:
            now = hashlib.sha256((store.output_dir(ma) / "manifest.json").read_bytes()).hexdigest()
            kept = json.loads((store.submission_dir(ma, sent["id"]) / "manifest.json").read_text("utf-8"))
        except (OSError, ValueError):
            return True, []
        if not isinstance(kept, dict):
            return True, []
        key = (sent["id"], now)
        if key not in sent_cache:
            differs, members = changes.sent_package_differs(
                kept, m, now_root=store.output_dir(ma), sent_zip=store.submission_dir(ma, sent["id"]) / sent["zip"])
            titles: dict[str, str] = {}
            for manifest in (kept, m):  # a file gone from the package named as the package sent named it
                sub = manifest.get("nop_so_noi_vu")
                for f in (sub.get("tep") if isinstance(sub, dict) else None) or []:
                    if isinstance(f, dict) and isinstance(f.get("path"), str) and f.get("tieu_de"):
                        titles[f["path"]] = str(f["tieu_de"])
            named = [f"{titles[p]} ({p.rsplit('/', 1)[-1]})" if p in titles else p.rsplit("/", 1)[-1] for p in members]
            if len(sent_cache) > 200:
                sent_cache.clear()
            sent_cache[key] = (differs, named)
        return sent_cache[key]

    # ---- signed scans back («Nhận bản đã ký», `hoso nhan-ban-ky` on the page) --------------------------
    def _signed_files() -> list[str]:
        """The files of `da_ky/` the last reception listed (`nhan_ban_ky.json` `tep`, paths under da_ky/),
        without its page images (`.trang/`): the only ones served by `/da-ky/…`."""
        try:
            state = json.loads((store.output_dir(g.user["co_quan"]) / "da_ky" / "nhan_ban_ky.json")
                               .read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        listed = state.get("tep") if isinstance(state, dict) else None
        return [t["path"] for t in listed or [] if isinstance(t, dict) and isinstance(t.get("path"), str)
                and not t["path"].startswith(".trang/") and ".." not in t["path"].split("/")]

    def _may_read_signed(rel: str) -> bool:
        """A unit clerk reads her unit's signed dossiers only (`<unit>/…`); can_ky_lai.pdf, khong_doc_duoc.pdf
        and the report hold every unit's pages: the agency clerk's."""
        if g.user["vai_tro"] == "van_thu":
            return True
        return g.user["vai_tro"] == "van_thu_don_vi" and rel.startswith(f"{g.user['don_vi'] or '?'}/")

    def _signed_of(unit: str, person: str = "") -> str:
        """`da_ky/`'s path of a person's (or a unit's own) signed dossier when filed, else ''."""
        rel = f"{unit}/{person}.pdf" if person else f"{unit}/don_vi.pdf"
        return rel if rel in _signed_files() else ""

    def _results_sheets(ma: str, so_id: int) -> dict[str, str]:
        """How the upload `so_id` names the sheets an import writes: {"KetQuaKy": "«Kết quả kỳ»", "SanPham": …} for
        a workbook whose tabs are in Vietnamese, the keys for one named by them (and when it cannot be read)."""
        from openpyxl import load_workbook

        from pipeline.ingest import reader
        from pipeline.ingest.schema import SHEETS

        found: dict[str, str] = {}
        try:
            wb = load_workbook(store.upload_path(ma, so_id), read_only=True)
            try:
                found, _ = reader.find_sheets(list(wb.sheetnames))
            finally:
                wb.close()
        except Exception:  # noqa: BLE001 - an unreadable upload: the keys' names
            pass
        names = {key: name for key, name in found.items() if name != key}
        if names:  # as `sheetnames.names_in`: a sheet the workbook lacks by its label, as its other tabs
            names.update({s.key: s.label for s in SHEETS if s.key not in found})
        return {key: f"«{names[key]}»" if key in names else key for key in ("KetQuaKy", "SanPham")}

    def _as_the_workbook_names(text: str, ma: str) -> str:
        """`text` with its «sheet <Key>» named as the workbook of the agency's current output names that sheet:
        «sheet «Nhân sự»» for a workbook whose tabs are in Vietnamese, «sheet NhanSu» for one named by the keys (the
        output's copy of the workbook keeps the clerk's tabs); `text` as it is when that copy cannot be read."""
        from openpyxl import load_workbook

        from pipeline.ingest import reader, sheetnames
        from pipeline.submission.package import WRITEBACK

        try:
            wb = load_workbook(store.output_dir(ma) / WRITEBACK, read_only=True)
            try:
                found, _ = reader.find_sheets(list(wb.sheetnames))
            finally:
                wb.close()
        except Exception:  # noqa: BLE001 - a missing or unreadable copy: the keys' names
            return text
        return sheetnames.as_written(text, {key: name for key, name in found.items() if name != key})

    @app.route("/da-ky/<path:rel>")
    def da_ky(rel: str) -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        if rel not in _signed_files() or not _may_read_signed(rel):
            abort(404)
        root = (store.output_dir(g.user["co_quan"]) / "da_ky").resolve()
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            abort(404)
        audit("tai_tep", f"da_ky/{rel}")
        inline = rel.endswith(".pdf") and request.args.get("tai") != "1"
        name = (f"{rel.split('/')[0]}_{Path(rel).stem}_da_ky.pdf" if rel.count("/") == 1 and rel.endswith(".pdf")
                else Path(rel).name)
        return send_file(path, as_attachment=not inline, download_name=name)

    def _scan_kind(name: str, head: bytes) -> str:
        """'' when `name`/`head` (its first bytes) are a PDF or an image `receive` reads, else why not (Vietnamese)."""
        from PIL import Image

        from pipeline.scan.read import IMAGE_SUFFIXES

        suffix = Path(name).suffix.lower()
        accepted = "PDF (.pdf) hoặc ảnh (" + ", ".join(sorted(IMAGE_SUFFIXES)) + ")"
        if suffix == ".pdf":
            return "" if head.startswith(b"%PDF-") else f"Tệp «{name}» có tên .pdf nhưng không phải tệp PDF."
        if suffix in (".heic", ".heif"):
            return (f"Tệp «{name}» là ảnh HEIC của iPhone, chương trình chưa đọc được: chuyển sang JPG (gửi ảnh qua "
                    "Zalo/email thường tự chuyển; hoặc trên iPhone: Cài đặt › Camera › Định dạng › Tương thích nhất).")
        if suffix not in IMAGE_SUFFIXES:
            return f"Tệp «{name}» không phải bản quét: chỉ nhận {accepted}."
        try:
            with Image.open(io.BytesIO(head)) as im:  # the header only: what the file really is
                im.format  # noqa: B018 - identified
        except Exception:  # noqa: BLE001 - Pillow's errors for a file that is not an image it knows
            return f"Tệp «{name}» có đuôi {suffix} nhưng không phải ảnh đọc được."
        return ""

    def _running_reception(ma: str) -> dict[str, Any] | None:
        """The agency's reception running in this server, if any. One whose file still says «dang_chay» though its
        thread ended (its last state could not be written: a full disk) is failed in words, not left blocking the
        agency's receptions and builds until a restart."""
        agency_dir = store.agency_dir(ma)
        state = receptions.running(agency_dir)
        if state is None:
            return None
        with reception_lock:
            alive = (ma, state["id"]) in reception_threads
        if alive:
            return state
        receptions.fail(agency_dir, state, receptions.STOPPED)
        receptions.drop_scans(agency_dir, state["id"])
        return None

    def _reception_page(m: dict[str, Any] | None, **kw: Any) -> str:
        """nhan_ban_ky.html with what every state of the page gives it (the form's limits, the signed files, the
        agency's running reception and its last finished one)."""
        agency_dir = store.agency_dir(g.user["co_quan"])
        kw.setdefault("result", None)
        kw.setdefault("busy", None)
        kw.setdefault("error", "")
        kw.setdefault("rec", None)
        kw.setdefault("running", _running_reception(g.user["co_quan"]))
        last = receptions.last_finished(agency_dir) if kw["result"] is None and not kw["error"] else None
        kw["waiting"] = kw["rec"] is not None and kw["rec"].get("trang_thai") == receptions.RUNNING
        return render_template("nhan_ban_ky.html", m=m, files=_signed_files(), limit=MAX_UPLOAD // (1024 * 1024),
                               max_files=MAX_SCAN_FILES, last=last, **kw)

    def _reception_result(state: dict[str, Any]) -> dict[str, Any]:
        """The template's arguments of a reception that ended: its result (counts, names) or its refusal's words."""
        if state.get("trang_thai") == receptions.DONE and isinstance(state.get("ket_qua"), dict):
            names = {p["ma_so"]: p.get("ho_ten", "") for p in (_ratings() or {}).get("nguoi", [])}
            return {"result": receptions.result_of(state["ket_qua"]), "counts": state.get("dem") or {},
                    "names": names, "rec": state}
        return {"error": str(state.get("loi") or "Lần nhận này không hoàn thành: gửi lại các tệp quét."),
                "rec": state}

    def _reception_run(ma: str, rec_id: int, out: Path, paths: dict[Path, str], who: tuple[str, str, str]) -> None:
        """A reception's thread: `receive`, then its state (the page's result or refusal) and its audit line;
        the saved scans removed whatever happens."""
        from pipeline.errors import HosoError
        from pipeline.scan.sort import receive

        agency_dir = store.agency_dir(ma)
        state = receptions.load(agency_dir, rec_id) or {"id": rec_id, "tep": list(paths.values())}
        try:
            try:
                result = receive(out, list(paths), paths)
            except HosoError as exc:
                said = str(exc)
                for path, name in paths.items():
                    said = said.replace(f"«{path}»", f"«{name}»")
                if said.startswith("Một lệnh hoso khác đang ghi vào"):  # receive's folder lock: its CLI words
                    said = ("Hồ sơ của cơ quan đang được ghi (một lần tạo hồ sơ hoặc một lần nhận bản quét khác đang "
                            "chạy): chưa xếp trang nào lần này. Hãy đợi ít phút rồi gửi lại các tệp quét.")
                said = said.replace(f"«{out}»", "thư mục hồ sơ trên máy chủ").replace(str(out), "thư mục hồ sơ")
                said = said.replace("hoso nhan-ban-ky", "«Nhận bản đã ký»")
                audit("nhan_ban_ky_loi", said[:300], who=who)
                state.update(trang_thai=receptions.FAILED, ket_thuc=now(), loi=said)
                receptions.save(agency_dir, state)
                return
            # the page's numbers: this run's pages filed (not the filed total's change, which pages set aside to
            # sign again lower), those moved to the unit's new code, those kept of dossiers the output no longer has
            counts = {"so_tep": len(paths), "trang_doc": result.read, "trang_moi": result.new,
                      "xep_vao_ho_so": result.filed, "khong_xep_duoc": len(result.unreadable),
                      "can_ky_lai": len(result.outdated), "trang_trang": result.blank, "trang_bia": result.covers,
                      "ho_so_theo_ma_moi": len(result.moved), "trang_theo_ma_moi": result.moved_pages,
                      "ho_so_khong_con": len(result.left), "trang_khong_con": result.left_pages}
            audit("nhan_ban_ky", json.dumps(counts, ensure_ascii=False), who=who)
            state.update(trang_thai=receptions.DONE, ket_thuc=now(), dem=counts, ket_qua=receptions.result_json(result))
            receptions.save(agency_dir, state)
        except BaseException as exc:  # noqa: BLE001 - never a reception left «running» by a thread that ended
            said = (f"Máy chủ gặp lỗi khi xếp trang ({type(exc).__name__}: {exc}): lần nhận này không hoàn thành; gửi "
                    "lại các tệp quét, các trang đã xếp trước vẫn giữ nguyên. Nếu lỗi lặp lại, báo quản trị viên.")
            if isinstance(exc, OSError):
                said = (f"Máy chủ chưa ghi được các trang đã xếp ({exc.strerror or exc}): báo quản trị viên giải phóng "
                        "dung lượng rồi gửi lại. Các trang đã nhận trước vẫn giữ nguyên.")
            state.update(trang_thai=receptions.FAILED, ket_thuc=now(), loi=said)
            with contextlib.suppress(Exception):
                audit("nhan_ban_ky_loi", said[:300], who=who)
                receptions.save(agency_dir, state)
            if not isinstance(exc, Exception):
                raise
        finally:
            receptions.drop_scans(agency_dir, rec_id)
            with reception_lock:
                reception_threads.pop((ma, rec_id), None)

    @app.route("/ho-so/nhan-ban-ky", methods=["GET", "POST"])
    def nhan_ban_ky() -> ResponseReturnValue:
        """Scanned signed pages filed into the dossiers (`pipeline.scan.sort.receive`): the agency clerk's.
        A unit clerk is refused: a stack of scans holds any unit's pages and `receive` files them all.
        The files are checked and saved in the request; `receive` runs in a thread of the server (a reception,
        pipeline/web/receptions.py): the request waits for it up to QUICK_BUILD_S, then shows the reception's
        page (`nhan_ban_ky_xem`), which refreshes itself until the result."""
        if g.user["vai_tro"] == "van_thu_don_vi":
            abort(403, description="Văn thư đơn vị không nhận bản đã ký trên trang này: một xấp bản quét có thể có "
                                   "trang của đơn vị khác, chương trình xếp tất cả. Hãy gửi bản quét cho văn thư cơ "
                                   "quan để nhận vào hồ sơ.")
        role("van_thu")
        ma = g.user["co_quan"]
        m = _manifest()  # no output yet: 404
        agency_dir = store.agency_dir(ma)
        busy = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai IN ('cho','dang_chay')", ma)
        if request.method == "GET":
            return _reception_page(m, busy=busy)

        def refused(error: str, code: int) -> ResponseReturnValue:
            audit("nhan_ban_ky_loi", error[:300])
            return _reception_page(m, busy=busy, error=error), code

        if busy is not None:
            return refused(f"Đang tạo hồ sơ (lần tạo số {busy['id']}): chưa nhận bản đã ký lúc này, vì hồ sơ sắp được "
                           "thay bằng bản mới. Hãy đợi lần tạo xong rồi gửi lại các tệp quét.", 409)
        sent = [f for f in request.files.getlist("quet") if f and f.filename]
        if not sent:
            return refused("Chưa chọn tệp quét nào.", 400)
        if len(sent) > MAX_SCAN_FILES:
            return refused(f"Gửi {len(sent)} tệp một lần là quá nhiều: tối đa {MAX_SCAN_FILES} tệp; hãy gửi thành "
                           "nhiều lần (các trang đã nhận được giữ lại).", 400)
        shown = [_shown_name(f.filename or "") for f in sent]
        for f, name in zip(sent, shown, strict=True):
            why = _scan_kind(name, f.stream.read(64))
            f.stream.seek(0)
            if why:
                return refused(why + " Chưa nhận tệp nào lần này.", 400)
        with reception_lock:  # one reception of the agency at a time (a second one would wait for the lock anyway)
            other = _running_reception(ma)
            started = _reception_start(ma, sent, shown) if other is None else None
        if other is not None or started is None:
            return refused(f"Đang xếp các trang đã ký của lần nhận số {other['id'] if other else '?'} (gửi lúc "
                           f"{vietnam_time(other.get('bat_dau') or '') if other else '?'}): chưa nhận thêm lúc này. Hãy "
                           "đợi lần nhận đó xong rồi gửi các tệp quét này.", 409)
        rec_id, worker = started
        worker.join(_quick_wait())  # a small stack is filed in a second or two: its result shown at once
        state = receptions.load(agency_dir, rec_id)
        if state is None or state.get("trang_thai") == receptions.RUNNING:
            return redirect(url_for("nhan_ban_ky_xem", rec_id=rec_id))
        shown_state = _reception_result(state)
        return _reception_page(m, **shown_state), 200 if "result" in shown_state else 409

    def _reception_start(ma: str, sent: list[FileStorage], shown: list[str]) -> tuple[int, threading.Thread]:
        """A new reception of the agency (the caller holds `reception_lock` and saw none running): the files saved
        in its folder, its thread started; its id and thread. 507 when the server cannot save them (nothing kept)."""
        agency_dir, out = store.agency_dir(ma), store.output_dir(ma)
        rec: dict[str, Any] | None = None
        paths: dict[Path, str] = {}
        try:
            rec = receptions.new(agency_dir, g.user["ten"], shown)
            for k, (f, name) in enumerate(zip(sent, shown, strict=True), 1):
                path = receptions.folder(agency_dir, rec["id"]) / f"{k}{Path(name).suffix.lower()}"  # not the browser's
                f.save(path)
                paths[path] = name
        except OSError as exc:
            if rec is not None:
                shutil.rmtree(receptions.folder(agency_dir, rec["id"]), ignore_errors=True)
            raise NoRoom(description=f"Máy chủ chưa lưu được các tệp quét ({exc.strerror or exc}): báo quản trị viên "
                                     "giải phóng dung lượng rồi gửi lại. Các trang đã nhận trước vẫn giữ nguyên.") from exc
        worker = threading.Thread(target=_reception_run, name=f"hoso-nhan-ban-ky-{ma}-{rec['id']}", daemon=True,
                                  args=(ma, rec["id"], out, paths, (g.user["ten"], ma, ip())))
        reception_threads[(ma, rec["id"])] = worker
        worker.start()
        return rec["id"], worker

    @app.route("/ho-so/nhan-ban-ky/<int:rec_id>")
    def nhan_ban_ky_xem(rec_id: int) -> ResponseReturnValue:
        """One reception of the agency: «Đang xếp…» refreshing itself while it runs, then its result (or why it
        failed) as the page of the POST shows it. Another agency's id, or none: 404."""
        if g.user["vai_tro"] == "van_thu_don_vi":
            abort(403, description="Kết quả nhận bản đã ký nêu trang của mọi đơn vị: chỉ văn thư cơ quan xem được.")
        role("van_thu")
        state = receptions.load(store.agency_dir(g.user["co_quan"]), rec_id)
        if state is None:
            abort(404)
        if state.get("trang_thai") == receptions.RUNNING and _running_reception(g.user["co_quan"]) is None:
            state = receptions.load(store.agency_dir(g.user["co_quan"]), rec_id) or state  # failed just now
        m = _manifest()
        if state.get("trang_thai") == receptions.RUNNING:
            return _reception_page(m, rec=state, running=state)
        return _reception_page(m, **_reception_result(state))

    def _page_groups(items: list[dict[str, Any]], pages: int, docx: dict[str, str]) -> list[dict[str, Any]]:
        """Every page of a dossier in groups: each document (its title, pages, .docx), the cover
        before the first one, and the blank pages added for two-sided printing between them."""
        groups: list[dict[str, Any]] = []
        covered = 0
        for d in sorted(items, key=lambda d: d.get("trang_dau") or 0):
            first, count = int(d.get("trang_dau") or 0), int(d.get("so_trang") or 0)
            if first < 1 or count < 1:
                continue
            if first > covered + 1:
                groups.append(dict(tieu_de="Bìa và mục lục" if not groups else "Trang trắng (để in hai mặt)",
                                   trang=list(range(covered + 1, first)), phu=True))
            last = min(first + count - 1, pages) if pages else first + count - 1
            groups.append(dict(tieu_de=d.get("tieu_de", ""), trang=list(range(first, last + 1)), phu=False,
                               docx=docx.get(d.get("mau", "")), ma_so=d.get("ma_so", "")))
            covered = max(covered, last)
        if pages > covered:
            groups.append(dict(tieu_de="Trang trắng (để in hai mặt)" if groups else "Các trang",
                               trang=list(range(covered + 1, pages + 1)), phu=bool(groups)))
        return groups

    def _pages_of(m: dict[str, Any], rel: str) -> int:
        return int(next((f.get("pages") or 0 for f in m.get("files", []) if f.get("path") == rel), 0))

    @app.route("/ho-so/don-vi/<ma_don_vi>")
    def ho_so_don_vi(ma_don_vi: str) -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        m = _manifest()
        unit = next((u for u in m.get("don_vi", []) if u["ma_don_vi"] == ma_don_vi and _my_unit(ma_don_vi)), None)
        if unit is None:
            abort(404)
        prefix = f"don_vi/{ma_don_vi}/"
        files = [f["path"] for f in m.get("files", []) if f["path"].startswith(prefix) and f["path"].count("/") == 2]
        docx = {Path(f).stem: f for f in files if f.endswith(".docx")}
        groups = _page_groups(unit.get("muc", []), _pages_of(m, unit["pdf"]), docx)
        names = {p["ma_so"]: p.get("ho_ten", "") for p in (_ratings() or {}).get("nguoi", [])}
        audit("xem_don_vi", ma_don_vi)
        return render_template("don_vi.html", u=unit, groups=groups, files=files, names=names,
                               signed=_signed_of(ma_don_vi))

    @app.route("/ho-so/nguoi/<ma_so>")
    def ho_so_nguoi(ma_so: str) -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        m = _manifest()
        person = next((p for p in m.get("ca_nhan", []) if p["ma_so"] == ma_so and _my_unit(p["ma_don_vi"])), None)
        if person is None:
            abort(404)
        prefix = f"ca_nhan/{person['ma_don_vi']}/{ma_so}/"
        files = [f["path"] for f in m.get("files", []) if f["path"].startswith(prefix)]
        ratings = _ratings() or {}
        rating = next((p for p in ratings.get("nguoi", []) if p["ma_so"] == ma_so), None)
        docx = {Path(f).stem: f for f in files if f.endswith(".docx")}
        groups = _page_groups(person.get("tai_lieu", []), _pages_of(m, person["pdf"]), docx)
        audit("xem_nguoi", ma_so)
        stale = _built_from_older()
        if stale is not None and ratings.get("nam_danh_gia") and m.get("nam_danh_gia") \
                and str(ratings["nam_danh_gia"]) != str(m["nam_danh_gia"]):
            # the upload is of another evaluation year than the dossier (last year's workbook picked by mistake):
            # «tạo lại hồ sơ trước khi in» would replace this year's dossiers by that year's
            stale = {**stale, "nam_so": ratings["nam_danh_gia"], "nam_ho_so": m["nam_danh_gia"]}
        return render_template("nguoi.html", p=person, files=files, rating=rating, groups=groups,
                               ratings_setup=ratings.get("thiet_lap"), stale=stale,
                               signed=_signed_of(person["ma_don_vi"], ma_so))

    def _built_from_older() -> dict[str, Any] | None:
        """The level and points a person's page shows come from the latest valid upload, its dossier from the last
        build: when that build was made from an older upload, both are named (the papers do not show the new
        data until the clerk builds again). None when they agree or there is nothing to compare."""
        ma = g.user["co_quan"]
        basis = store.one("SELECT * FROM so WHERE co_quan=? AND xep_loai=1 ORDER BY id DESC LIMIT 1", ma)
        build = store.one("SELECT * FROM lan_tao WHERE co_quan=? AND trang_thai='xong' ORDER BY id DESC LIMIT 1", ma)
        if basis is None or build is None or build["so"] is None or build["so"] >= basis["id"]:
            return None
        return {"so": basis, "lan_tao": build}

    def _listed(rel: str) -> tuple[dict[str, Any], dict[str, Any]]:
        m = _manifest()
        entry = next((f for f in m.get("files", []) if f.get("path") == rel), None)
        if entry is None:
            abort(404)
        if g.user["vai_tro"] == "van_thu_don_vi":
            u = g.user["don_vi"] or ""
            if not (rel.startswith(f"ca_nhan/{u}/") or rel == f"don_vi/{u}.pdf" or rel.startswith(f"don_vi/{u}/")):
                abort(404)
        elif g.user["vai_tro"] != "van_thu":
            abort(404)
        return m, entry

    def _file_path(rel: str) -> Path:
        out = store.output_dir(g.user["co_quan"]).resolve()
        path = (out / rel).resolve()
        if not path.is_relative_to(out) or not path.is_file():
            abort(404)
        return path

    @app.route("/tep/<path:rel>")
    def tep(rel: str) -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        m, _ = _listed(rel)
        path = _file_path(rel)
        audit("tai_tep", rel)
        inline = rel.endswith(".pdf") and request.args.get("tai") != "1"
        name = _download_name(rel)
        package = (m.get("nop_so_noi_vu") or {}) if isinstance(m.get("nop_so_noi_vu"), dict) else {}
        if rel == package.get("zip"):  # «ho_so_2026.zip» says nothing of whose: named as the Sở's page names it
            name = f"{g.user['co_quan']}_{name}"
        return send_file(path, as_attachment=not inline, download_name=name)

    @app.route("/anh/<int:page>/<path:rel>")
    def anh(page: int, rel: str) -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        _, entry = _listed(rel)
        if not rel.endswith(".pdf") or not (1 <= page <= (entry.get("pages") or 0)):
            abort(404)
        path = _file_path(rel)
        thumbs = store.thumbs_dir(g.user["co_quan"])
        thumbs.mkdir(parents=True, exist_ok=True)
        png = thumbs / f"{entry['sha256']}_{page}.png"
        if not png.is_file():
            with tempfile.TemporaryDirectory(prefix="hoso-anh-") as tmp:
                made = Path(tmp) / "a.png"
                if not render_thumbnail(path, page, made):  # pdftoppm, else pypdfium2 (Windows)
                    abort(404)
                shutil.move(made, png)
        return send_file(png, mimetype="image/png", max_age=3600)

    @app.route("/thay-doi")
    def thay_doi() -> ResponseReturnValue:
        role("van_thu", "van_thu_don_vi")
        m = store.manifest(g.user["co_quan"])
        section = (m or {}).get("thay_doi") or {}
        docs = [d for d in section.get("van_ban", []) if _my_unit(d.get("ma_don_vi", ""))]
        gone = [d for d in _gone(section, m or {}) if _my_unit(d.get("ma_don_vi", ""))]
        renumbered = [d for d in section.get("chi_doi_so_trang", []) if _my_unit(d.get("ma_don_vi", ""))]
        people = section.get("nguoi_thay_doi_du_lieu", [])
        renamed = [r for r in section.get("doi_ma_don_vi", []) if isinstance(r, dict) and _my_unit(r.get("ma_moi", ""))]
        if g.user["vai_tro"] != "van_thu":
            units = {p["ma_so"]: p["ma_don_vi"] for p in (m or {}).get("ca_nhan", [])}
            people = [p for p in people if _my_unit(units.get(p["ma_so"], ""))]
        build = store.one("SELECT * FROM lan_tao WHERE co_quan=? AND trang_thai='xong' ORDER BY id DESC LIMIT 1",
                          g.user["co_quan"])
        reprint = section.get("in_lai") if g.user["vai_tro"] == "van_thu" else None
        earlier: sqlite3.Row | None = None
        earlier_docs: list[dict[str, Any]] = []
        mark = _printed_mark()
        if mark["now"]:  # the print was marked after this build: what it listed is printed
            docs, gone, renumbered, reprint = [], [], [], None
        elif build and m and not section.get("lan_dau") and not _changed(section) and not section.get("ke_tu_lan_in"):
            earlier, earlier_docs = _unprinted(build["id"])  # (a list since the print holds every build's changes)
        return render_template("thay_doi.html", section=section, docs=docs, gone=gone, renumbered=renumbered,
                               people=[] if mark["now"] else people, renamed=[] if mark["now"] else renamed, build=build, reprint=reprint, earlier=earlier,
                               earlier_docs=earlier_docs, mark=mark, first=bool(section.get("lan_dau")),
                               guide=_in_output("HUONG_DAN_IN.pdf"),
                               # a unit's own documents (minutes, tables) are named by their unit, not left blank
                               unit_names={str(u.get("ma_don_vi")): str(u.get("ten_don_vi") or "")
                                           for u in (m or {}).get("don_vi", []) if isinstance(u, dict)})

    def _in_output(rel: str) -> bool:
        """`rel` is a file of the agency's current output (its manifest lists it)."""
        m = store.manifest(g.user["co_quan"])
        return any(f.get("path") == rel for f in (m or {}).get("files", []))

    def _deadline_line(stored: str, manifest: dict[str, Any] | None = None, current: bool = True) -> tuple[str, str]:
        """(the deadline line of a build's page and «Hồ sơ», a warning or ""), as of today in Vietnam. The line: the
        deadline the Sở Nội vụ set on its page when it set one (the one its page holds every package against, and the
        one a build made since prints in its guide), else the workbook's, which the build wrote in `lan_tao.han_nop`
        («Hạn gửi hồ sơ cho Sở Nội vụ: 14/12/2026 — còn 8 ngày (tính đến hôm nay, 06/12/2026).»): its «còn N ngày» is
        counted again today, not left as on the day of the build. The warning, when the Sở set one: the workbook of
        the build (`manifest`, its `nop_so_noi_vu`) states another date, and — `current`: the build is the output
        now — its guide (HUONG_DAN_IN) was made before the Sở set this date and prints another. A build made with a
        deadline of the Sở that the Sở has since removed: the workbook's line, and (`current`) that its guide prints
        the removed date. A deadline of the Sở of another campaign than the build's year (last season's, not changed
        yet: `report.deadline` does not apply it either): the workbook's line, and the Sở's named as of that year."""
        from pipeline.submission.deadline import Deadline

        today = vietnam_today()
        due = store.deadline()[0]
        by = _receiver()  # who set it: the Sở Nội vụ, or the body compiling on this server
        section = (manifest or {}).get("nop_so_noi_vu")
        section = section if isinstance(section, dict) else None
        year = (manifest or {}).get("nam_danh_gia")
        if due is not None and isinstance(year, int) and clock.campaign_year(due) != year:
            return _workbook_line(stored, section), (
                f"Hạn {by} đặt trên trang web ({due:%d/%m/%Y}) là của đợt đánh giá năm {clock.campaign_year(due)}, "
                f"không phải năm {year} của bộ hồ sơ này: hạn ở đây là hạn ghi trong sổ Excel. Khi Sở Nội vụ đặt hạn "
                "năm nay, trang này và hướng dẫn in của lần tạo sau theo hạn đó.").replace("Khi Sở Nội vụ đặt", f"Khi {by} đặt")
        if due is not None:
            notes = []
            sec = section or {}
            by_so = bool(sec.get("han_nop_do_so_noi_vu_dat"))
            own, printed = _iso_date(sec.get("han_nop_so_excel") if by_so else sec.get("han_nop")), _iso_date(sec.get("han_nop"))
            if own is not None and own != due:
                notes.append(f"Sổ Excel ghi hạn khác: {own:%d/%m/%Y} (sheet CoQuan, ô «Hạn nộp Sở Nội vụ»); hạn phải theo "
                             f"là hạn {by} đặt ở trên. Nên sửa sổ Excel cho khớp.")
            if section is not None and current and printed != due:
                notes.append(f"Hướng dẫn in (HUONG_DAN_IN.pdf) của bộ hồ sơ này được tạo trước khi {by} đặt hạn "
                             f"này{f' và ghi hạn {printed:%d/%m/%Y}' if printed else ''}: tạo lại hồ sơ để hướng dẫn in "
                             f"ghi đúng hạn của {by}.")
            return Deadline(due, today, by_so_noi_vu=True, to=str(sec.get("noi_nhan") or by), set_by=by).line, " ".join(notes)
        note = ""
        if section is not None and section.get("han_nop_do_so_noi_vu_dat") and current:
            # built with a deadline the Sở has since removed: the workbook's is the one left
            printed = _iso_date(section.get("han_nop"))
            note = ("" if printed is None else
                    f"Hướng dẫn in (HUONG_DAN_IN.pdf) của bộ hồ sơ này ghi hạn {printed:%d/%m/%Y} do {by} đặt trước "
                    f"đây; {by} đã bỏ hạn đó: tạo lại hồ sơ để hướng dẫn in ghi đúng.")
        return _workbook_line(stored, section), note

    def _workbook_line(stored: str, section: dict[str, Any] | None) -> str:
        """The workbook's deadline line of a build, counted as of today in Vietnam: from its manifest's section
        (`han_nop`, or `han_nop_so_excel` when the build applied the Sở's), else from the line the build wrote."""
        from pipeline.submission.deadline import Deadline

        today = vietnam_today()
        if section is not None:
            own = _iso_date(section.get("han_nop_so_excel") if section.get("han_nop_do_so_noi_vu_dat")
                            else section.get("han_nop"))
            # to the body the workbook names (a centre's managing Sở Y tế), as the build's console said it
            return Deadline(own, today, to=str(section.get("noi_nhan") or "Sở Nội vụ")).line if own else ""
        m = re.match(r"Hạn gửi hồ sơ cho (.+?): (\d{2})/(\d{2})/(\d{4})", stored or "")
        if m is None:
            return stored or ""
        try:
            return Deadline(dt.date(int(m[4]), int(m[3]), int(m[2])), today, to=m[1]).line
        except ValueError:
            return stored

    def _iso_date(value: object) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    def _printed_mark() -> dict[str, Any]:
        """The agency's output's printed mark (pipeline/printed.py): `ngay` (words), `nguoi`, `now` (it
        covers the current build: nothing is left to print), `da_danh_dau` (a mark exists: without one, the next
        mark is a print of the whole output, the button says so as `da_in`'s audit `lan_dau` does); all empty without one."""
        from pipeline import printed

        out = store.output_dir(g.user["co_quan"])
        found = printed.read(out)
        if found is None:
            return {"ngay": "", "nguoi": "", "now": False, "da_danh_dau": False}
        try:
            raw = (out / "manifest.json").read_bytes()
        except OSError:
            raw = b""
        return {"ngay": vietnam_time(printed.when_words(str(found.get("ngay")))), "nguoi": str(found.get("nguoi") or ""),
                "now": printed.covers(found, raw), "da_danh_dau": True}

    @app.route("/thay-doi/da-in", methods=["POST"])
    def da_in() -> ResponseReturnValue:
        """«Đã in xong các trang cần in lại»: the agency's clerk marks the current output printed (the
        build she was shown, `lan_tao`: a newer one is refused); the next builds list every sheet changed
        since. Only `van_thu`: the mark is the whole output's (a unit clerk never marks another unit's papers)."""
        from pipeline import api
        from pipeline.errors import HosoError

        role("van_thu")
        ma = g.user["co_quan"]
        try:
            shown = int(request.form.get("lan_tao", ""))
        except ValueError:
            abort(400)
        row = _build_row(shown)  # 404: another agency's build, or none
        latest = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai='xong' ORDER BY id DESC LIMIT 1", ma)
        busy = store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai IN ('cho','dang_chay')", ma)
        if row["trang_thai"] != "xong" or latest is None or latest["id"] != row["id"] or busy is not None:
            why = (f"lần tạo số {busy['id']} đang chờ hoặc đang chạy" if busy is not None else
                   f"lần tạo số {latest['id']} đã thay nó" if latest is not None else "lần tạo này chưa xong")
            return render_template("loi.html", code=409, text=(
                f"Chưa đánh dấu: lần tạo số {row['id']} không phải kết quả hiện tại ({why}). Mở lại trang «Thay đổi, "
                "cần in lại», in các tờ của kết quả hiện tại rồi đánh dấu.")), 409
        from pipeline import printed

        first = printed.read(store.output_dir(ma)) is None  # nothing marked before: the whole output was printed
        try:
            marked = api.mark_printed(store.output_dir(ma), by=g.user["ten"])
        except HosoError as exc:
            return render_template("loi.html", code=409, text=str(exc).replace(str(store.output_dir(ma)), "kết quả")), 409
        audit("da_in", json.dumps({"lan_tao": row["id"], "so_van_ban": marked.documents, "so_trang": marked.pages,
                                   **({"lan_dau": True} if first else {})}, ensure_ascii=False))
        return redirect(url_for("thay_doi"))

    def _unprinted(latest: int) -> tuple[sqlite3.Row | None, list[dict[str, Any]]]:
        """The last build before `latest` that had documents to reprint, when every build since changed
        nothing at all (no document, no page number): its list is still exact, and a clerk who built again
        before printing (the same workbook, or a second click) must not be told there is nothing to reprint.
        Read from the builds' kept manifests (`lich_su/<id>/manifest.json`); (None, []) when there is none."""
        ma = g.user["co_quan"]
        for row in store.q("SELECT * FROM lan_tao WHERE co_quan=? AND trang_thai='xong' AND id<? ORDER BY id DESC "
                           "LIMIT 20", ma, latest):
            try:
                kept = json.loads((store.history_dir(ma, row["id"]) / "manifest.json").read_text("utf-8"))
            except (OSError, ValueError):
                return None, []
            old = kept.get("thay_doi") or {}
            if old.get("lan_dau"):
                return None, []
            if _changed(old):
                docs = [d for d in old.get("van_ban", []) if _my_unit(d.get("ma_don_vi", ""))]
                return (row, docs) if docs else (None, [])
        return None, []

    # ---- submission to the Sở Nội vụ ----------------------------------------------------------
    @app.route("/nop-so-noi-vu", methods=["POST"])
    def nop() -> ResponseReturnValue:
        role("van_thu")
        ma = g.user["co_quan"]
        m = _manifest()
        build = store.one("SELECT * FROM lan_tao WHERE co_quan=? AND trang_thai='xong' ORDER BY id DESC LIMIT 1", ma)
        sub = m.get("nop_so_noi_vu") or {}
        zip_name = sub.get("zip", "")
        entry = next((f for f in m.get("files", []) if f.get("path") == zip_name), None)
        if build is None or entry is None:
            abort(400)
        last = store.one("SELECT zip_sha256 FROM nop WHERE co_quan=? ORDER BY id DESC LIMIT 1", ma)
        if last is not None and last["zip_sha256"] == entry["sha256"]:
            # the Sở already holds this very package (a second click, a page sent again): nothing is sent twice.
            # A package of the same content with other bytes (converted again since) may be sent: the Sở then
            # holds these bytes, the same words; the page does not ask for it (`_sent_differs`)
            return redirect(url_for("ho_so"))
        out = store.output_dir(ma)
        # the copies made aside first; the row (what the Sở Nội vụ sees) and the folder appear together: a full
        # disk never leaves a submission whose package is half-copied
        holder = store.submission_dir(ma, 0).parent
        staging: Path | None = None
        try:
            holder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".dang-gui-", dir=holder))
            for name in (zip_name, "manifest.json", "ket_qua_xep_loai.json"):
                shutil.copyfile(out / name, staging / Path(name).name)
            conn = store.db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                nop_id = conn.execute("INSERT INTO nop(co_quan, lan_tao, luc, tai_khoan, ten_co_quan, zip, zip_sha256) "
                                      "VALUES (?,?,?,?,?,?,?)", (ma, build["id"], now(), g.user["ten"],
                                      m.get("co_quan", {}).get("ten_co_quan", ma), Path(zip_name).name,
                                      entry["sha256"])).lastrowid
                os.rename(staging, store.submission_dir(ma, int(nop_id or 0)))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except OSError as exc:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            # the body it was for, when not the Sở Nội vụ (the Sở's «Cơ quan tổng hợp»): «Nhật ký» names it
            audit("nop_so_noi_vu_loi", json.dumps({"loi": exc.strerror or str(exc), "noi_nhan": _receiver()},
                                                  ensure_ascii=False) if store.compiler() else exc.strerror or str(exc))
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            raise NoRoom(description=("Chưa gửi được: " + ("ổ đĩa của máy chủ đã đầy" if full else
                                    f"máy chủ không ghi được bản gửi ({exc.strerror or exc})")
                                    + f". {_receiver()} chưa nhận gì mới; hồ sơ đã tạo vẫn giữ nguyên. Báo quản trị viên "
                                    "giải phóng dung lượng (hoặc sửa quyền ghi) rồi bấm gửi lại.")) from exc
        audit("nop_so_noi_vu", json.dumps({"nop": nop_id, "lan_tao": build["id"],
                                           **({"noi_nhan": _receiver()} if store.compiler() else {})}, ensure_ascii=False))
        return redirect(url_for("ho_so"))

    def _submission(nop_id: int) -> sqlite3.Row:
        role("so_noi_vu")
        row: sqlite3.Row | None = store.one("SELECT * FROM nop WHERE id=?", nop_id)
        if row is None:
            abort(404)
        return row

    # the packages as read and checked, by submission and the state of its three files: a page view reads each
    # agency's last package once (its zip's SHA-256 and members, its table), not at every view
    read_cache: dict[tuple[Any, ...], Package] = {}
    year_cache: dict[tuple[Any, ...], int | None] = {}  # a sent package's year (manifest), by row and file state

    def _province_summary() -> dict[str, Any]:
        """`hoso tong-hop`'s summary (`province.summarise`, one counting) of each agency's last submission,
        late against the day it was sent and the deadline the Sở set; the agencies expected are those on
        the server (`Store.agencies`) unless the Sở narrowed them."""
        import copy
        from collections import Counter

        from pipeline.submission import province

        rows = store.q("SELECT * FROM nop ORDER BY id DESC")
        latest: dict[str, sqlite3.Row] = {}
        for r in rows:
            latest.setdefault(r["co_quan"], r)
        # an earlier year's package sent after this year's (last year's zip by mistake) does not replace it: the
        # agency's last package of the year most agencies sent one for (ties: the latest) is counted, and the later
        # one is named (it made the agency «chưa nộp» and dropped its package from the totals). A later year's
        # package (a new season beginning) is left as it was
        def year_of(r: sqlite3.Row) -> int | None:
            path = store.submission_dir(r["co_quan"], r["id"]) / "manifest.json"
            try:
                st = path.stat()
                key: tuple[Any, ...] = (r["id"], st.st_size, st.st_mtime_ns)
            except OSError:
                return None
            if key not in year_cache:
                if len(year_cache) > 10000:
                    year_cache.clear()
                year_cache[key] = province.manifest_year(path)
            return year_cache[key]

        sent_years: dict[str, set[int]] = {}
        for r in rows:
            if (y := year_of(r)) is not None:
                sent_years.setdefault(r["co_quan"], set()).add(y)
        by_year = Counter(y for ys in sent_years.values() for y in ys)
        year = max(by_year, key=lambda y: (by_year[y], y)) if by_year else None
        set_aside: dict[str, sqlite3.Row] = {}  # agency → its later package of an earlier year, not counted
        for code, last in list(latest.items()):
            last_year = year_of(last)
            if year is None or last_year is None or last_year >= year:
                continue
            same = next((r for r in rows if r["co_quan"] == code and r["id"] != last["id"] and year_of(r) == year), None)
            if same is not None:
                set_aside[code], latest[code] = last, same
        agencies = store.agencies()
        names = [n for _, n in agencies]
        # agencies by name as the server knows them; two codes of one name told apart by the code
        named = {code: (f"{n} ({code})" if names.count(n) > 1 else n) for code, n in agencies}
        due, codes, setting = store.deadline()
        expected = [code for code, _ in agencies if codes is None or code in codes]
        order = {code: i for i, (code, _) in enumerate(agencies)}  # the packages in the order of the agencies' names
        by_path = {store.submission_dir(r["co_quan"], r["id"]) / r["zip"]: r
                   for r in sorted(latest.values(), key=lambda r: order.get(r["co_quan"], len(order)))}

        def read(path: Path) -> province.Package:
            r = by_path[path]
            sent = vietnam_day(r["luc"])  # the day in Vietnam (stored in UTC: 06:30 on the 15th is the 14th there)
            state: list[tuple[int, int] | None] = []
            for f in (path, path.parent / "manifest.json", path.parent / province.RATINGS):
                try:
                    st = f.stat()
                    state.append((st.st_size, st.st_mtime_ns))
                except OSError:
                    state.append(None)
            key = (r["id"], sent, named.get(r["co_quan"], r["ten_co_quan"]), tuple(state))
            if key not in read_cache:
                pkg = province.read_package(path, as_sent=True)
                pkg.sent = sent
                pkg.agency = key[2]
                if len(read_cache) > 1000:
                    read_cache.clear()
                read_cache[key] = pkg
            return copy.deepcopy(read_cache[key])

        # the Sở's own wording of the summary (page «Lời văn bản tổng hợp»), as `hoso tong-hop --templates` reads it
        words_dir, words_broken = province_words.used(store.province_dir())
        summary = province.summarise(list(by_path), expected=[named[c] for c in expected], due=due, read=read,
                                     today=vietnam_today(), compiler=store.compiler(), labels_dir=words_dir)
        return dict(summary=summary, rows=rows, latest=latest, set_aside=set_aside, agencies=agencies, named=named, due=due,
                    expected=expected, codes=codes, setting=setting, words_line=_words_line(words_dir, words_broken),
                    words_update=_words_update(),
                    packages={by_path[p.given]["co_quan"]: p for p in summary.packages})

    def _words_update() -> str:
        """The main page's repeat of «Lời văn bản tổng hợp»'s notice that the program's wording was updated after the
        Sở's own copy was made (or that this is not known): "" when there is nothing to say."""
        head, lacking = province_words.update_words(province_words.update(store.province_dir()))
        if not head and not lacking:
            return ""
        return (f"{head}: bản tổng hợp vẫn dùng lời văn riêng của Sở." if head else lacking)

    def _words_line(words_dir: Path | None, broken: str) -> str:
        """The one line saying whose wording the summary's letterhead and signatures use (the CLI's «Ghi chú»)."""
        if broken:
            return ("Lời văn riêng của Sở cho bản tổng hợp không dùng được với phiên bản này của chương trình ("
                    f"{broken}): bản tổng hợp tạm dùng lời văn của chương trình. Tải tệp lời văn về, sửa rồi tải lên lại.")
        data = province_words.info(store.province_dir()) if words_dir is not None else None
        if data is None:
            return "Đầu và cuối bản tổng hợp (cơ quan, người ký) dùng lời văn của chương trình."
        said = "Đầu và cuối bản tổng hợp (cơ quan, người ký) dùng lời văn riêng của Sở"
        if data.get("luc"):
            said += f", tải lên lúc {vietnam_time(data['luc'])}" + (f" bởi {data['tai_khoan']}" if data.get("tai_khoan")
                                                                   else "")
            said += f" (tệp «{data['ten_tep']}»)" if data.get("ten_tep") else ""
        if data.get("dung_lai_luc"):  # a copy kept aside, brought back
            said += f", dùng lại lúc {vietnam_time(data['dung_lai_luc'])}" + (
                f" bởi {data['dung_lai_tai_khoan']}" if data.get("dung_lai_tai_khoan") else "")
        return said + "."

    def _province(checked: dict[str, Any] | None, error: str = "", compiler: str | None = None) -> str:
        """The Sở's page; `compiler`: the compiling body's name as typed, shown back beside an error."""
        from pipeline.submission import province

        s = _province_summary()
        summary: province.Summary = s["summary"]
        packages: dict[str, province.Package] = s["packages"]
        missing = set(summary.missing)
        lateness = province.missing_words(summary)
        status = []  # each agency expected or that sent a package: (name, its last submission, status, class)
        for code, _ in s["agencies"]:
            pkg, row, name = packages.get(code), s["latest"].get(code), s["named"][code]
            if pkg is None and code not in s["expected"]:
                continue
            words = province.status_words(pkg) if pkg is not None else lateness
            if pkg is not None and name in missing:  # its last package is another year's: this year's is missing
                words += "; " + lateness[0].lower() + lateness[1:]
            bad = pkg is None or not pkg.verified or bool(pkg.late_days) or pkg.other_year is not None
            status.append((name, row, words, "bad" if bad else "good"))
        notes = {r["id"]: "Đã có bản gửi sau: không cộng" for r in s["rows"] if s["latest"][r["co_quan"]]["id"] != r["id"]}
        for code, pkg in packages.items():
            notes[s["latest"][code]["id"]] = province.status_words(pkg)
        later = []  # another year's package sent after the one counted: (agency, its row, the row counted)
        for code, r in s["set_aside"].items():
            counted_row = s["latest"][code]
            other_year = province.manifest_year(store.submission_dir(code, r["id"]) / "manifest.json")
            notes[r["id"]] = (f"Bộ hồ sơ của năm {other_year}, không phải năm đang tổng hợp {summary.year}: không cộng; "
                              f"bộ hồ sơ năm {summary.year} gửi lúc {vietnam_time(counted_row['luc'])} vẫn được cộng")
            later.append((s["named"].get(code, r["ten_co_quan"]), r, counted_row, other_year))
        from pipeline.submission.summary_table import TOTAL

        total_code = TOTAL[0]  # the row «Tổng cộng»
        total = province.province_totals(summary)[total_code]
        rated: int = sum(total[k] for k in LEVEL_WORDS)
        counted = [p for p in summary.counted if p.counts]
        proposed = sum(p.proposed_by.get(total_code, 0) for p in counted)
        other = [p for p in summary.packages if p.other_year is not None]
        return render_template("so_noi_vu.html", rows=s["rows"], totals=total if counted else None,
                               people=total["tong"], agencies=len(counted), checked=checked,
                               unrated=total["tong"] - rated, decided=rated - proposed, proposed=proposed,
                               year=summary.year, other=other, later=later, notes=notes, status=status,
                               elsewhere=province.elsewhere_words(summary),
                               failed_counted=province.failed_counted_note(summary),
                               total_line=province.total_words(summary), all_agencies=s["agencies"],
                               expected=set(s["expected"]), narrowed=s["codes"] is not None,
                               due=s["due"], setting=s["setting"], error=error, compiler=summary.compiler,
                               # no deadline set: the agencies missing are held against the one the packages sent all
                               # state (`province.summarise`, as `hoso tong-hop` without --han): said where it comes from
                               shared_due=summary.due if s["due"] is None and summary.missing else None,
                               compiler_typed=summary.compiler if compiler is None else compiler,
                               words_line=s["words_line"], words_update=s["words_update"])

    @app.route("/so-noi-vu")
    def so_noi_vu() -> ResponseReturnValue:
        role("so_noi_vu")
        return _province(None)

    @app.route("/so-noi-vu/han-nop", methods=["POST"])
    def so_noi_vu_han_nop() -> ResponseReturnValue:
        """The deadline (empty: none) and the agencies that must send a package (every agency ticked: all,
        agencies created later too)."""
        role("so_noi_vu")
        text = request.form.get("han_nop", "").strip()
        due = _parse_day(text) if text else None
        compiler = " ".join(request.form.get("noi_tong_hop", "").split())
        if text and due is None:
            # the page again with what is wrong beside the field; nothing stored
            shown = re.sub(r"[\x00-\x1f\x7f-\x9f]", "", text)[:40]
            return _province(None, error=f"«{shown}» không phải ngày: viết ngày/tháng/năm, ví dụ 15/12/2026. "
                                         "Hạn nộp chưa được lưu.", compiler=compiler[:200]), 400
        if len(compiler) > 200 or re.search(r"[\x00-\x1f\x7f-\x9f<>]", compiler):
            return _province(None, error="Tên cơ quan tổng hợp dài quá 200 ký tự hoặc có ký tự không dùng trong tên "
                                         "cơ quan (<, >, ký tự điều khiển). Chưa lưu gì.", compiler=compiler[:200]), 400
        known = [code for code, _ in store.agencies()]
        ticked = set(request.form.getlist("co_quan"))
        codes = None if ticked >= set(known) else [code for code in known if code in ticked]
        detail = {"han_nop": f"{due:%d/%m/%Y}" if due else "không có",
                  "co_quan_phai_nop": "tất cả" if codes is None else ", ".join(codes) or "không có"}
        if compiler or store.compiler():  # named when set, and when set back to the Sở Nội vụ
            detail["noi_tong_hop"] = compiler or "Sở Nội vụ"
        store.set_deadline(due, codes, g.user["ten"], compiler)
        audit("dat_han_nop", json.dumps(detail, ensure_ascii=False))
        return redirect(url_for("so_noi_vu"))

    @app.route("/so-noi-vu/tong-hop.<any(xlsx, pdf):kind>")
    def so_noi_vu_tong_hop(kind: str) -> ResponseReturnValue:
        """The province table `hoso tong-hop` writes (`province.write`), made now from the last submissions
        (never a copy made before a newer one) in a folder of this request under the Sở's own folder."""
        from pipeline.submission import province

        role("so_noi_vu")
        summary: province.Summary = _province_summary()["summary"]
        with tempfile.TemporaryDirectory(prefix="tong-hop-", dir=store.province_dir()) as tmp:
            xlsx, pdf = province.write(summary, Path(tmp))
            data = (xlsx if kind == "xlsx" else pdf).read_bytes()
        name = f"tong_hop_so_noi_vu_{summary.year or 'khong-ro-nam'}.{kind}"
        from pipeline.submission.summary_table import TOTAL

        counted = [p for p in summary.counted if p.counts]  # what the table sums, as the page says it («N cơ quan, M người»)
        audit("tai_tong_hop", json.dumps({"tep": name, "so_co_quan": len(counted),
                                          "so_nguoi": province.province_totals(summary)[TOTAL[0]]["tong"]}))
        mime = "application/pdf" if kind == "pdf" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)

    # ---- the Sở's own wording of its summary (tong_hop_so_noi_vu.toml; `province_words`) ----------------------
    def _words_page(error: list[str] | None = None, done: str = "", code: int = 200) -> ResponseReturnValue:
        from pipeline.submission import province

        here = store.province_dir()
        words_dir, broken = province_words.used(here)
        shown = province.labels(words_dir)
        program = province.labels(None)
        rows = [(k, province_words.KEY_WORDS.get(k, k), shown[k], shown[k] != program[k]) for k in province.LABELS]
        # the program's file updated since the Sở's copy was made (or not known): said, the Sở's copy still used
        found = province_words.update(here)
        updated, lacking = province_words.update_words(found)
        return render_template("so_noi_vu_loi_van.html", rows=rows, own=province_words.info(here), error=error or [],
                               updated=updated, lacking=lacking, added=set(found.added + found.lacking),
                               done=done, aside=(aside := province_words.aside_copies(here)),
                               more=max(0, len(own_forms.kept_aside(here)) - len(aside)),
                               line=_words_line(words_dir, broken),
                               limit=province_words.MAX_BYTES // 1024, file_name=province.LABELS_FILE), code

    @app.route("/so-noi-vu/loi-van")
    def so_noi_vu_loi_van() -> ResponseReturnValue:
        """«Lời văn bản tổng hợp»: the wording in use, the file to download, a corrected file to send back, the
        program's wording again."""
        role("so_noi_vu")
        done = {"tai_len": "Đã nhận tệp lời văn đã sửa: từ nay bản tổng hợp (PDF, Excel) tải ở trang «Hồ sơ các cơ quan "
                           "gửi» dùng lời văn này.",
                "giong": "Tệp tải lên có lời văn giống hệt lời văn của chương trình: bản tổng hợp dùng lời văn của chương "
                         "trình (lời văn riêng trước đó, nếu có, được cất giữ trên máy chủ, không xóa).",
                "dung_lai": "Đã thôi dùng lời văn riêng: từ nay bản tổng hợp dùng lời văn của chương trình. Tệp lời văn "
                            "riêng cũ được cất giữ trên máy chủ, không xóa.",
                "dung_lai_cu": "Đã dùng lại lời văn đã cất giữ: từ nay bản tổng hợp dùng lời văn này. Lời văn riêng "
                               "đang dùng trước đó (nếu có) được cất giữ, có trong danh sách «Lời văn riêng đã thôi dùng» "
                               "để dùng lại khi cần.",
                "cu_giong": "Lời văn đã cất giữ nay giống hệt lời văn của chương trình: bản tổng hợp dùng lời văn của "
                            "chương trình (lời văn riêng đang dùng trước đó, nếu có, được cất giữ, không xóa)."
                }.get(request.args.get("xong", ""), "")
        return _words_page(done=done)

    @app.route("/so-noi-vu/loi-van/tong_hop_so_noi_vu.toml")
    def so_noi_vu_loi_van_tai() -> ResponseReturnValue:
        from pipeline.submission import province

        role("so_noi_vu")
        here = store.province_dir()
        own = province_words.in_use(here) is not None
        data = province_words.download_text(here).encode("utf-8")
        audit("tai_loi_van_tong_hop", json.dumps({"loi_van": "riêng của Sở" if own else "của chương trình"},
                                                 ensure_ascii=False))
        return send_file(io.BytesIO(data), mimetype="application/toml", as_attachment=True,
                         download_name=province.LABELS_FILE)

    @app.route("/so-noi-vu/loi-van/ban-moi-cua-chuong-trinh.toml")
    def so_noi_vu_loi_van_ban_moi() -> ResponseReturnValue:
        """The program's wording file now (the guide over it), to compare the Sở's copy with after an update."""
        role("so_noi_vu")
        data = province_words.program_text().encode("utf-8")
        audit("tai_loi_van_tong_hop", json.dumps({"loi_van": "của chương trình (bản hiện nay, để so sánh)"},
                                                 ensure_ascii=False))
        return send_file(io.BytesIO(data), mimetype="application/toml", as_attachment=True,
                         download_name="tong_hop_so_noi_vu.ban_moi_cua_chuong_trinh.toml")

    @app.route("/so-noi-vu/loi-van/tai-len", methods=["POST"])
    def so_noi_vu_loi_van_tai_len() -> ResponseReturnValue:
        role("so_noi_vu")
        f = request.files.get("loi_van")
        name = (f.filename or "") if f else ""
        shown = _shown_name(name)
        if not f or not name:
            return _words_page(["Chưa chọn tệp lời văn (.toml)."], code=400)
        data = f.stream.read(province_words.MAX_BYTES + 1)
        try:
            if not name.lower().endswith(".toml"):
                raise own_forms.Refused([f"Tệp «{shown}» không phải tệp .toml. Tải tệp lời văn về, sửa bằng Notepad rồi lưu "
                                         "giữ nguyên tên (khi lưu, chọn «Save as type: All files» để tệp không thành "
                                         ".txt)."])
            kept, aside = province_words.receive(store.province_dir(), data, shown, g.user["ten"])
        except own_forms.Refused as exc:
            audit("tai_len_loi_van_tong_hop_bi_tu_choi", json.dumps({"tep": shown, "loi": "; ".join(exc.problems)[:500]},
                                                                    ensure_ascii=False))
            return _words_page([f"Chưa nhận tệp «{shown}»; lời văn đang dùng được giữ nguyên.", *exc.problems], code=400)
        except OSError as exc:
            audit("tai_len_loi_van_tong_hop_loi_ghi", json.dumps({"tep": shown, "loi": exc.strerror or str(exc)},
                                                                 ensure_ascii=False))
            raise NoRoom(description=f"Máy chủ chưa lưu được tệp lời văn ({exc.strerror or exc}); lời văn đang dùng được "
                                     "giữ nguyên. Báo quản trị viên giải phóng dung lượng rồi tải lên lại.") from exc
        detail: dict[str, Any] = {"tep": shown}
        if kept:
            detail["loi_van_doi"] = ", ".join(province_words.changed(store.province_dir()))
        else:
            detail["loi_van"] = "giống lời văn của chương trình: dùng lời văn của chương trình"
        if aside:
            detail["cat_loi_van"] = aside
        audit("tai_len_loi_van_tong_hop", json.dumps(detail, ensure_ascii=False))
        return redirect(url_for("so_noi_vu_loi_van", xong="tai_len" if kept else "giong"))

    @app.route("/so-noi-vu/loi-van/dung-loi-van-chuong-trinh", methods=["POST"])
    def so_noi_vu_loi_van_dung_lai() -> ResponseReturnValue:
        """The Sở's own copy no longer used: kept aside (`mau_bieu.truoc-<time>`), never deleted."""
        role("so_noi_vu")
        here = store.province_dir()
        changed = province_words.changed(here)
        aside = own_forms.set_aside(here)
        if aside:
            audit("dung_lai_loi_van_chuong_trinh", json.dumps({"loi_van_doi": ", ".join(changed) or "không",
                                                               "cat_loi_van": aside}, ensure_ascii=False))
        return redirect(url_for("so_noi_vu_loi_van", xong="dung_lai"))

    @app.route("/so-noi-vu/loi-van/dung-lai-loi-van-cu", methods=["POST"])
    def so_noi_vu_loi_van_dung_lai_cu() -> ResponseReturnValue:
        """A copy kept aside («Dùng lại lời văn này»: its folder's name, one of the listed ones) in use again, checked
        as an upload is; the copy in use set aside in turn. (The Sở's summary is made when downloaded: no build to
        wait for.)"""
        role("so_noi_vu")
        name = request.form.get("bo", "")
        here = store.province_dir()
        try:
            kept, aside = province_words.restore(here, name, g.user["ten"])
        except own_forms.Refused as exc:
            audit("dung_lai_loi_van_cu_bi_tu_choi", json.dumps({"tu_loi_van": name[:120],
                                                                "loi": "; ".join(exc.problems)[:500]}, ensure_ascii=False))
            return _words_page(["Chưa dùng lại lời văn đã cất giữ; lời văn đang dùng được giữ nguyên.", *exc.problems],
                               code=400)
        except OSError as exc:
            raise NoRoom(description=f"Máy chủ chưa dùng lại được lời văn ({exc.strerror or exc}); lời văn đang dùng được "
                                     "giữ nguyên. Báo quản trị viên giải phóng dung lượng rồi làm lại.") from exc
        detail: dict[str, Any] = {"tu_loi_van": name}
        if kept:
            detail["loi_van_doi"] = ", ".join(province_words.changed(here))
        else:
            detail["loi_van"] = "giống lời văn của chương trình: dùng lời văn của chương trình"
        if aside:
            detail["cat_loi_van"] = aside
        audit("dung_lai_loi_van_cu", json.dumps(detail, ensure_ascii=False))
        return redirect(url_for("so_noi_vu_loi_van", xong="dung_lai_cu" if kept else "cu_giong"))

    @app.route("/so-noi-vu/<int:nop_id>/ho-so.zip")
    def so_noi_vu_tai(nop_id: int) -> ResponseReturnValue:
        row = _submission(nop_id)
        audit("tai_goi_nop", str(nop_id))
        # under the agency too: its clerk sees in «Nhật ký» who at the Sở took its people's dossiers, and when (once,
        # when the Sở's account is of the agency's own code)
        if row["co_quan"] != g.user["co_quan"]:
            store.audit(g.user["ten"], row["co_quan"], ip(), "tai_goi_nop", str(nop_id))
        return send_file(store.submission_dir(row["co_quan"], nop_id) / row["zip"], as_attachment=True,
                         download_name=f"{row['co_quan']}_{row['zip']}")

    @app.route("/so-noi-vu/<int:nop_id>/kiem-tra", methods=["POST"])
    def so_noi_vu_kiem_tra(nop_id: int) -> ResponseReturnValue:
        row = _submission(nop_id)
        path = store.submission_dir(row["co_quan"], nop_id) / row["zip"]
        problems = []
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        if h.hexdigest() != row["zip_sha256"]:
            problems.append("Tệp nén khác với tệp cơ quan đã gửi (mã SHA-256 không khớp manifest).")
        try:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
                if bad:
                    problems.append(f"Tệp «{bad}» trong tệp nén bị hỏng.")
                count = len(z.namelist())
        except zipfile.BadZipFile:
            problems.append("Tệp nén bị hỏng, không mở được.")
            count = 0
        audit("kiem_tra_goi_nop", json.dumps({"nop": nop_id, "ok": not problems}))
        if row["co_quan"] != g.user["co_quan"]:
            store.audit(g.user["ten"], row["co_quan"], ip(), "kiem_tra_goi_nop",
                        json.dumps({"nop": nop_id, "ok": not problems}))
        return _province(dict(id=nop_id, problems=problems, count=count))

    # ---- audit log ---------------------------------------------------------------------------------
    @app.route("/nhat-ky")
    def nhat_ky() -> ResponseReturnValue:
        role("van_thu")
        rows = store.q("SELECT * FROM nhat_ky WHERE co_quan=? ORDER BY id DESC LIMIT 300", g.user["co_quan"])
        return render_template("nhat_ky.html", rows=rows)

    @app.route("/so-noi-vu/nhat-ky")
    def so_noi_vu_nhat_ky() -> ResponseReturnValue:
        """The Sở's «Nhật ký»: what its accounts did (`Store.province_log`) and the packages agencies sent it (table
        `nop`, the rows «Các lần gửi» lists), newest first, the last LOG_LINES of both together. A package the Sở took
        or checked is named with its agency; an agency's own lines (its clerk's, its address) are never shown."""
        role("so_noi_vu")
        sent = store.q("SELECT id, luc, tai_khoan, ten_co_quan, zip FROM nop ORDER BY id DESC LIMIT ?", LOG_LINES)
        own = store.province_log(LOG_LINES)
        numbers = {n for n in (_package_number(r["hanh_dong"], r["chi_tiet"]) for r in own) if n is not None}
        names = {r["id"]: r["ten_co_quan"] for r in sent}
        missing = sorted(numbers - set(names))
        if missing:  # a package sent before the last LOG_LINES: its agency's name still said
            names |= {r["id"]: r["ten_co_quan"] for r in store.q(
                f"SELECT id, ten_co_quan FROM nop WHERE id IN ({','.join('?' * len(missing))})", *missing)}
        lines: list[tuple[tuple[str, int, int], dict[str, str]]] = []
        for r in sent:
            lines.append(((str(r["luc"]), 0, r["id"]), dict(
                luc=r["luc"], tai_khoan=r["tai_khoan"], dia_chi="", ma="nop_so_noi_vu",
                viec=f"{r['ten_co_quan']} gửi bộ hồ sơ", chi_tiet=f"bộ hồ sơ số {r['id']}, tệp {r['zip']}")))
        for r in own:
            detail = _detail(r["hanh_dong"], r["chi_tiet"])
            number = _package_number(r["hanh_dong"], r["chi_tiet"])
            if number in names:
                detail = detail.replace(f"bộ hồ sơ số {number}", f"bộ hồ sơ số {number} của {names[number]}", 1)
            lines.append(((str(r["luc"]), 1, r["id"]), dict(
                luc=r["luc"], tai_khoan=r["tai_khoan"], ma=r["hanh_dong"], viec=_action(r["hanh_dong"], r["chi_tiet"]),
                dia_chi="dòng lệnh trên máy chủ" if r["ip"] == "cli" else (r["ip"] or "máy chủ"), chi_tiet=detail)))
        lines.sort(key=lambda line: line[0], reverse=True)
        return render_template("so_noi_vu_nhat_ky.html", rows=[line for _, line in lines[:LOG_LINES]], limit=LOG_LINES)

    return app


SERVE_LOCK = ".hoso_serve.lock"  # in the data folder: held by the one `hoso serve` using it, for its lifetime


def hold_data_folder(data: Path) -> IO[bytes] | None:
    """The lock of the data folder `data` for this server's lifetime (keep the file returned open), or an
    `OutputError` when another `hoso serve` holds it: its start-up would mark that server's running build failed
    («Máy chủ đã dừng …» while it goes on and replaces the output) and both queues would build for one agency.
    None where the file system cannot lock (nothing to say: no other server is known to run)."""
    from pipeline.errors import OutputError

    path = Path(data) / SERVE_LOCK
    try:
        fd = portable.open_nofollow(path, os.O_RDWR | os.O_CREAT, 0o600)
        fh = os.fdopen(fd, "r+b")
    except OSError as exc:
        raise OutputError(f"Không mở được tệp khóa «{path}» của thư mục dữ liệu ({exc.strerror or exc}).",
                          hint="Kiểm tra quyền ghi vào thư mục dữ liệu; một liên kết tượng trưng ở tên đó: xóa nó.") from exc
    try:
        got = portable.try_lock(fh)
    except portable.LockUnsupported:
        fh.close()
        return None
    if not got:
        fh.close()
        raise OutputError(f"Một hoso serve khác đang chạy với thư mục dữ liệu «{data}»: hai máy chủ trên cùng một thư "
                          "mục dữ liệu sẽ đánh dấu hỏng lần tạo hồ sơ máy kia đang chạy. Mở trang của máy chủ đang "
                          "chạy; hoặc dừng nó (Ctrl-C ở cửa sổ của nó) rồi chạy lại lệnh này.")
    return fh


def serve(data: Path, host: str, port: int, *, behind_proxy: bool = False, jobs: int | None = None,
          cum: str | None = None) -> None:
    """Serve with waitress (a production WSGI server: request size limits, timeouts, a fixed pool of
    threads); the build queue is stopped with it (the running build ends, marked failed).

    LibreOffice is kept running for the server's lifetime (pipeline/pdf/warm.py: `jobs` lanes, default
    the CPU count) and every build converts on it; it is stopped — every soffice — with the server.
    Without it (no LibreOffice Python with `uno`) the builds start their own, said in one line."""
    import sys

    import waitress

    from pipeline.errors import HosoError
    from pipeline.pdf import warm

    if os.name == "posix":  # what the server and its builds write (uploads, outputs, thumbnails) is personal
        os.umask(0o077)     # data: readable by the server's account only (the data folder is 0700 too, store.private)
    service: warm.WarmService | None = None
    try:  # on a Dask cluster (cum) the workers keep their own LibreOffice warm (pdf/cum.py)
        if not cum:
            service = warm.WarmService(jobs).start(listen=True, wait=False)  # the pages are up at once; lanes in seconds
    except (warm.Unavailable, HosoError) as exc:
        service = None
        print(f"Không giữ được LibreOffice chạy sẵn ({exc}): mỗi lần tạo hồ sơ tự khởi động LibreOffice, chậm hơn "
              "vài giây. Trên Debian/Ubuntu: sudo apt-get install python3-uno.", file=sys.stderr, flush=True)
    try:
        app = create_app(data, behind_proxy=behind_proxy, build_jobs=jobs, build_cum=cum, warm=service)
        q = app.extensions["hoso_queue"]
        try:
            waitress.serve(app, host=host, port=port, threads=8, ident="hoso",
                           max_request_body_size=4 * MAX_UPLOAD)  # Flask says 413 in words up to this
        finally:
            if q is not None:
                q.stop()
    finally:
        if service is not None:
            service.stop()


def _changed(section: dict[str, Any]) -> bool:
    """A build's `thay_doi` section says something was changed, removed or renumbered."""
    return bool(section.get("van_ban") or section.get("khong_con") or section.get("chi_doi_so_trang"))


def _not_xlsx(name: str, head: bytes, stream: IO[bytes]) -> str:
    """Why an upload is refused before it is stored: the reader's own words (`xlsx.sniff`, `xlsx.XlsxFile`)
    for what it recognises (a workbook protected by a password, Excel 97-2003, an HTML or XML table saved as
    .xls, a PDF, a LibreOffice .ods, a Word file…), so a clerk whose .xlsx has a password is not told to save
    it as .xlsx; a real workbook under another name is told to rename it; else a short message."""
    from pipeline.errors import HosoError
    from pipeline.ingest import xlsx

    shown = _shown_name(name)
    head += stream.read(xlsx.MAX_OLE_SCAN)
    with tempfile.TemporaryDirectory(prefix="hoso-web-") as tmp:
        probe = Path(tmp) / "so.xlsx"
        probe.write_bytes(head)
        try:
            xlsx.sniff(probe)
            if head.startswith(b"PK"):
                with xlsx.XlsxFile(probe):
                    pass
                return (f"«{shown}» là sổ Excel .xlsx nhưng tên tệp không có đuôi .xlsx: đổi tên tệp cho có đuôi "
                        ".xlsx rồi tải lên lại.")
        except HosoError as exc:
            if "hoso init" not in (exc.hint or ""):  # not the reader's last resort, which names a CLI command
                return str(exc).replace("«so.xlsx»", f"«{shown}»")
    return f"«{shown}» không phải sổ Excel .xlsx (tệp .xls cũ: mở bằng Excel và lưu lại thành .xlsx)."


def _has_formulas(marked: Path) -> bool:
    """A marked copy's first sheet (`KiemTra`, hoso's own list of problems, never a formula) holds a formula:
    a copy made before its values were written as text, where a value typed `=…` became one."""
    try:
        with zipfile.ZipFile(marked) as z:
            return re.search(rb"<(?:\w+:)?f[ >]", z.read("xl/worksheets/sheet1.xml")) is not None
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def _mark_again(upload: Path, marked: Path) -> None:
    """The marked copy made again from the kept upload (as at the upload); removed if that fails (never served
    with its formulas)."""
    from pipeline import api
    from pipeline.errors import HosoError
    from pipeline.ingest import mark

    try:
        mark.write(upload, marked, api.check(upload))
    except HosoError:
        marked.unlink(missing_ok=True)  # not served with its formulas: the page then offers no copy


def _shown_name(name: str) -> str:
    """The name a browser sent with a file, as the pages, the audit log and a download's name show it: its
    last path part, no control characters (a NUL or a line break would break a Content-Disposition header
    or a log line), at most 200 characters. Never a path: files are stored under their database id."""
    name = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", "", name)
    return Path(name.replace("\\", "/")).name[:200]


def _spaces(text: object, ends: bool = True) -> Markup:
    """A cell's value as typed, its stray spaces visible: a browser collapses "Hoàng  Văn" to one space, so
    a warning «khoảng trắng thừa» would show a value identical to what it expects. Every run of two or more
    spaces, and a space at either end, is wrapped in `<mark class="ws">` (shown with `white-space: pre`).
    `ends=False` for a sentence quoting a value (a build's note «Giá trị: «Nguyễn Văn  Hùng». Cần: …»): only
    the runs of two or more spaces between its words."""
    pattern = r"^ +| {2,}| +$" if ends else r"(?<=\S) {2,}(?=\S)"
    return Markup(re.sub(pattern, lambda m: f'<mark class="ws" title="khoảng trắng thừa">{m.group(0)}</mark>',
                         str(escape(text))))


def _score(x: object) -> str:
    """A score as the forms print it (two decimals, cut, decimal comma: 96.2916 -> "96,29"); "" when none."""
    from pipeline.rating.periods import score_text

    return score_text(float(x)) if isinstance(x, (int, float)) and not isinstance(x, bool) else ""


_MAPPING_GONE = re.compile(r"Cột «(.+?)» \(ánh xạ cho «[a-z_]+»\) không có trong tệp xuất; chương trình tự nhận lại cột này\.")
_MAPPING_KEY = re.compile(r"Ánh xạ có khóa «[^»]*» không dùng được; bỏ qua\.")


def _import_notes(notes: list[str]) -> list[str]:
    """An import's notes (`kpi_import.detect`) as the page says them: the server keeps the columns of the agency's
    last import (`anh_xa_ket_qua.toml`), and every one of them missing from this export was a line naming the
    sheet's key («Cột «Kỳ» (ánh xạ cho «ky») không có…»): one line naming the columns, no key; an entry of that
    file that cannot be used is said without its key."""
    gone = [m.group(1) for n in notes if (m := _MAPPING_GONE.fullmatch(n))]
    out = [n for n in notes if not _MAPPING_GONE.fullmatch(n) and not _MAPPING_KEY.fullmatch(n)]
    if any(_MAPPING_KEY.fullmatch(n) for n in notes):
        out.insert(0, "Một mục trong các cột nhớ từ lần nhập trước không dùng được: bỏ qua, cột được nhận theo tiêu đề.")
    if gone:
        cols = ", ".join(f"«{c}»" for c in gone)
        out.insert(0, f"Tệp này không có {'các cột' if len(gone) > 1 else 'cột'} {cols} như tệp nhập lần trước: "
                      "các cột được nhận theo tiêu đề của tệp này (kết quả nhập ở trên).")
    return out


_MAPPING_FILE_FIX = re.compile(r"^ghi tệp ánh xạ .*? rồi chạy lại với --anh-xa TỆP; hoặc ")
_MAPPING_SAID = re.compile(r"Ánh xạ ghi (cùng một cột )?")
_KEY_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
_SAVED_MAPPING_FIX = ("bấm «Quên các cột đã nhớ» ở cuối trang này rồi nhập lại: các cột sẽ được nhận theo tiêu đề "
                      "của tệp")


def _import_refusals(problems: list[Any], export_name: str, shown: str) -> list[str]:
    """Why the KPI import refused an export (`kpi_import.run`'s ValidationFailed), one line a problem, in the page's
    words: the export's row named with the clerk's file name; the command's remedy through a mapping file (bảng
    [cot] … `--anh-xa TỆP`, which a browser cannot give) left out for the fix in the export itself that follows it
    («; hoặc …»); a remedy of the saved mapping (the agency's, written by its last import, which no page edits) given
    to the server's administrator; a column key of the workbook («ty_le_so_luong») by its label. They were one run-on
    paragraph that named the key and asked for `--anh-xa TỆP`."""
    from pipeline.ingest import kpi_import

    def label(key: str) -> str:
        if key not in kpi_import.SYNONYMS:
            return key
        return f"«{kpi_import._key_words(key)}»"

    out: list[str] = []
    for p in problems:
        where = (f"Tệp «{shown}», dòng {p.row}: " if p.sheet == export_name and p.row else
                 f"Tệp «{shown}»: " if p.sheet == export_name else
                 f"Sheet {p.sheet} của sổ, dòng {p.row}: " if p.row else "")
        message = _MAPPING_SAID.sub(lambda m: "Các cột nhớ từ lần nhập trước ghi " + (m.group(1) or ""), p.message)
        expected = _MAPPING_FILE_FIX.sub("", p.expected or "").split(". Hoặc ghi tệp ánh xạ")[0]
        if "tệp ánh xạ" in expected:
            expected = _SAVED_MAPPING_FIX
        message = _KEY_NAME.sub(lambda m: label(m.group()), message)
        out.append(f"{where}{message}" + (f" Cần: {expected[:1].upper()}{expected[1:]}." if expected else ""))
    return out


_GONE_PATH = re.compile(r"\b(?:ca_nhan|don_vi)/([A-Za-z0-9][A-Za-z0-9_-]*)")
_GONE_CODE = re.compile(r"\(([^()]+)\) — ")


def _gone(section: dict[str, Any], manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """A build's documents no longer in the output (`thay_doi.khong_con`), each a dict the page lists and filters by
    unit. The build writes them as its console's lines (`changes.Changes.removed`: «Hồ sơ cá nhân NAME (CODE) —
    ca_nhan/UNIT/CODE.pdf», «NAME (CODE) — TITLE» for a form a person no longer has): `dong` is that line, the unit
    the one of its path, else the person's in this output. «Thay đổi, in lại» read each as a dict and failed with a
    500 after any build that dropped a person or a form (someone left the workbook, a unit code corrected with a
    person removed). A path under a unit code this build corrected (`doi_ma_don_vi`) is the new code's unit: its
    clerk is told her unit's dossier is gone."""
    units = {str(p.get("ma_so")): str(p.get("ma_don_vi") or "")
             for p in manifest.get("ca_nhan", []) if isinstance(p, dict)}
    renamed = {str(r.get("ma_cu")): str(r.get("ma_moi")) for r in section.get("doi_ma_don_vi", []) or []
               if isinstance(r, dict)}
    out: list[dict[str, Any]] = []
    for d in section.get("khong_con", []) or []:
        if isinstance(d, dict):
            out.append(d)
        elif isinstance(d, str):
            path, code = _GONE_PATH.search(d), _GONE_CODE.search(d)
            unit = path.group(1) if path else units.get(code.group(1), "") if code else ""
            out.append({"dong": d, "ma_don_vi": renamed.get(unit, unit)})
    return out


def _download_name(rel: str) -> str:
    """The name a file of the output is saved under: a person's or a unit's form named with whose it is
    («ca_nhan/HC/NS-01/phieu_nd335.docx» → «NS-01_phieu_nd335.docx», «don_vi/HC/bien_ban_hop.docx» →
    «HC_bien_ban_hop.docx»): every person's form has the same file name, and a clerk downloading several
    had «phieu_nd335 (3).docx» in her folder, not knowing whose; other files keep their name."""
    parts = rel.split("/")
    if parts[0] == "ca_nhan" and len(parts) >= 4:
        return "_".join(parts[2:])
    if parts[0] == "don_vi" and len(parts) >= 3:
        return "_".join(parts[1:])
    return parts[-1]


def _parse_day(text: str) -> dt.date | None:
    """A date as a clerk types it (15/12/2026) or a browser's date field sends it (2026-12-15); None if not one."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


_DETAIL_WORDS = {"so": "sổ số", "ten_tep": "tệp", "lan_tao": "lần tạo số", "so_nguoi": "số người", "nop": "bộ hồ sơ số",
                 "don_vi": "đơn vị", "muc": "mức", "co_quan_cu": "cơ quan cũ", "co_quan_moi": "cơ quan mới",
                 "tu_tep": "từ tệp", "nam": "năm", "bo_ra": "số người bỏ ra", "nam_cu": "năm cũ", "nam_moi": "năm mới",
                 "them": "số dòng thêm", "thay": "số dòng thay",
                 "giu_nguyen": "số dòng giữ nguyên (đã có trong sổ, cùng nội dung)", "khong_nhap": "số dòng không nhập", "loi": "lỗi",
                 "han_nop": "hạn nộp", "co_quan_phai_nop": "cơ quan phải nộp", "noi_tong_hop": "cơ quan tổng hợp", "tep": "tệp",
                 "noi_nhan": "nơi nhận", "so_co_quan": "số cơ quan được cộng",
                 "mau_doi": "các mẫu thay đổi", "mau_theo_chuong_trinh": "các mẫu chưa sửa dùng bản mới của chương trình",
                 "cat_rieng": "bộ mẫu riêng cũ cất giữ ở thư mục", "bo_mau": "bộ mẫu",
                 # «Lời văn bản tổng hợp» (the Sở's tong_hop_so_noi_vu.toml)
                 "loi_van": "lời văn", "loi_van_doi": "các lời văn thay đổi",
                 "cat_loi_van": "lời văn riêng cũ cất giữ ở thư mục",
                 # a set or copy kept aside, brought back (dung_lai_bo_mau_cu, dung_lai_loi_van_cu)
                 "tu_bo": "bộ mẫu dùng lại, đã cất giữ ở thư mục", "tu_loi_van": "lời văn dùng lại, đã cất giữ ở thư mục",
                 "giu_lai": "các cột đã nhớ chép giữ lại ở tệp",  # quen_cot_nho: the saved mapping set aside
                 "so_van_ban": "số văn bản", "so_trang": "số trang",
                 # «Nhận bản đã ký» (nhan_ban_ky): the reception's counts
                 "so_tep": "số tệp quét", "trang_doc": "trang đã đọc", "trang_moi": "trang mới",
                 "xep_vao_ho_so": "trang xếp vào hồ sơ", "khong_xep_duoc": "trang không xếp được (tổng)",
                 "can_ky_lai": "trang cần ký lại (tổng)", "trang_trang": "trang trắng", "trang_bia": "trang bìa",
                 "ho_so_theo_ma_moi": "hồ sơ chuyển theo mã đơn vị mới",
                 "trang_theo_ma_moi": "trang chuyển theo mã đơn vị mới",
                 "ho_so_khong_con": "hồ sơ không còn trong kết quả (tổng)",
                 "trang_khong_con": "trang của hồ sơ không còn trong kết quả (tổng)"}


def _action(action: str, text: object) -> str:
    """An audit line's action as «Nhật ký» names it (`ACTION_WORDS`): a package sent to the body the server compiled
    for when it was sent (detail key `noi_nhan`, the Sở's «Cơ quan tổng hợp») is said sent to that body; the first
    printed mark of an output (detail key `lan_dau`) is said a print of the whole output, not of «các trang cần in lại»."""
    words = ACTION_WORDS.get(action, action)
    raw = "" if text is None else str(text)
    if action == "da_in" and raw.startswith("{"):  # the first mark of the output: nothing was «to print again»
        try:
            first = json.loads(raw).get("lan_dau") is True
        except (ValueError, AttributeError):
            first = False
        return FIRST_PRINT_WORDS if first else words
    if action in ("nop_so_noi_vu", "nop_so_noi_vu_loi") and raw.startswith("{"):
        try:
            to = json.loads(raw).get("noi_nhan")
        except (ValueError, AttributeError):
            to = None
        if isinstance(to, str) and to.strip():
            return words.replace("Sở Nội vụ", " ".join(to.split()))
    return words


def _package_number(action: str, text: object) -> int | None:
    """The submission (`nop.id`) an audit line of the Sở taking or checking a package is about, else None."""
    raw = "" if text is None else str(text)
    if action == "tai_goi_nop" and raw.isdigit():
        return int(raw)
    if action == "kiem_tra_goi_nop" and raw.startswith("{"):
        try:
            number = json.loads(raw).get("nop")
        except (ValueError, AttributeError):
            return None
        return number if isinstance(number, int) and not isinstance(number, bool) else None
    return None


_ARCHIVE_DETAIL = re.compile(r"(\d{4}|khong-ro-nam)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})\d{2}(?:-\d{1,4})?")
_ROLE_CODE = re.compile(r"\b(van_thu_don_vi|van_thu|so_noi_vu)\b")


def _detail(action: str, text: object) -> str:
    """An audit line's detail in words: the JSON some actions keep ({"lan_tao": 1, "so_nguoi": 6}) as
    "lần tạo số 1, số người 6", a role code as its name, a check's "ok"/"loi" as its outcome."""
    from pipeline.web.store import ROLE_WORDS

    raw = "" if text is None else str(text)
    if action == "kiem_tra" and raw in ("ok", "loi"):
        return "hợp lệ" if raw == "ok" else "có vấn đề"
    numbered = {"tai_so": "sổ số {}", "tai_so_danh_dau": "sổ số {}", "tai_so_nam_sau": "từ sổ số {}", "tai_goi_nop": "bộ hồ sơ số {}",
                "tai_len_bi_chan": "{} sổ trong ít phút"}
    if action in numbered and raw.isdigit():
        return numbered[action].format(raw)
    archive = _ARCHIVE_DETAIL.fullmatch(raw) if action == "tai_luu_tru" else None
    if archive:  # luu_tru/<year>-<date>-<time>: the archive as its page lists it
        year, yyyy, mm, dd, hh, mi = archive.groups()
        # named at the server's local time: shown in Vietnam's, as the archive page shows it
        return f"hồ sơ {'năm ' + year if year.isdigit() else 'không rõ năm'}, cất lúc {vietnam_time(f'{yyyy}-{mm}-{dd} {hh}:{mi}')}"
    try:
        data = json.loads(raw) if raw.startswith("{") else None
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = []
        for key, value in data.items():
            if key == "ok":
                parts.append("nguyên vẹn" if value else "có vấn đề")
            elif key == "doi_co_quan":
                parts.append("đã xác nhận thay hồ sơ của cơ quan khác" if value else "")
            elif key == "doi_nam":
                parts.append("đã xác nhận tạo hồ sơ năm khác (hồ sơ cũ cất vào Lưu trữ)" if value else "")
            elif key == "ghi_de":
                parts.append("đã xác nhận ghi đè tệp sửa tay (bản sửa được chép giữ lại)" if value else "")
            elif key == "sua_tay":
                files = value if isinstance(value, list) else []
                count = value if isinstance(value, int) and not isinstance(value, bool) else len(files)
                parts.append(f"{count} tệp sửa tay trên máy chủ" + (f" ({', '.join(map(str, files))})" if files else ""))
            elif key == "tep_rieng" and isinstance(value, int):
                parts.append(f"{value} tệp không do hoso tạo trong thư mục hồ sơ trên máy chủ")
            elif key == "sua_tay_them" and isinstance(value, int):
                parts.append(f"{value} tệp được sửa tay sau lần xác nhận ghi đè trước (chưa xác nhận)")
            elif key == "lan_dau" and action == "da_in":
                continue  # named in the action (`_action`)
            elif key == "noi_nhan" and action in ("nop_so_noi_vu", "nop_so_noi_vu_loi"):
                continue  # named in the action (`_action`)
            elif key == "canh_bao":
                parts.append("chỉ người có cảnh báo")
            elif key == "loi_van_doi" and isinstance(value, str):  # the Sở's labels that differ: each in words
                named = [f"«{province_words.KEY_WORDS[k]}»" if k in province_words.KEY_WORDS else k
                         for k in value.split(", ")]
                parts.append(f"{_DETAIL_WORDS[key]} " + ", ".join(named))
            elif key == "muc":
                parts.append(f"mức {LEVEL_WORDS.get(str(value), 'chưa xếp loại hoặc không xếp loại' if value == 'chua' else value)}")
            elif isinstance(value, dict):  # counts per sheet (an import's {"KetQuaKy": 1, "SanPham": 0})
                parts.append(f"{_DETAIL_WORDS.get(key, key)} " + ", ".join(f"sheet {k} {v}" for k, v in value.items()))
            else:
                parts.append(f"{_DETAIL_WORDS.get(key, key)} {value}")
        shown = ", ".join(p for p in parts if p)
        return shown or ("tất cả" if action == "xem_xep_loai" else "")
    return _ROLE_CODE.sub(lambda m: ROLE_WORDS[m.group(1)], raw)


_MISSING_PERIODS = re.compile(r"[Tt]hiếu kết quả kỳ ([0-9Qq ,\-–và]+)")


def _periods_in_words(text: str) -> str:
    """A check's message with each period's code named as the papers name it, the code typed in the sheet kept
    beside: «thiếu kết quả kỳ 2026-Q4» -> «thiếu kết quả quý IV/2026 (2026-Q4)». Only the message: the value
    column shows the cell as typed and «Cần» the form to type."""
    from pipeline.forms.printed import periods_in_words

    return periods_in_words(text, keep_code=True)


def _period(ky: str) -> str:
    """"2026-01" -> "Tháng 01/2026"; "2026-Q3" -> "Quý III/2026" (as the papers name periods)."""
    from pipeline.forms.context_2026 import period_name

    return period_name(str(ky)) if "-" in str(ky) else str(ky)


def _percent(x: object) -> str:
    """A rate of a period (0–100) as the papers print it: cut to two decimals, no trailing zeros, decimal
    comma (87.5 -> "87,5", 100 -> "100"); "" when none."""
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return ""
    text = f"{math.floor(float(x) * 100 + 1e-9) / 100:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _no_level(person: Any) -> str:
    """The words for a person without a level, as the papers print them: «Không xếp loại» for someone the time
    rules leave unrated this year (`trang_thai: khong_xep_loai`: under 6 months worked), «Chưa xếp loại» for
    someone not rated yet (periods missing, a level still to come)."""
    unrated = isinstance(person, dict) and person.get("trang_thai") == "khong_xep_loai"
    return "Không xếp loại" if unrated else "Chưa xếp loại"


def _points(person: dict[str, Any]) -> dict[str, Any] | None:
    """A person's points of the 2026 regime for a page: each period's row (`diem_ky`, in order, named as the
    papers name it), whether any has a leader's d, đ, e, the periods the rating names as missing (then there is
    no year score: it is not the mean of some of the periods), the year score (none for someone not rated), whether
    not rated. None without periods."""
    rows = sorted((k for k in person.get("diem_ky") or [] if isinstance(k, dict)), key=lambda k: str(k.get("ky")))
    if not rows:
        return None
    missing: list[str] = []
    if not (person.get("muc_de_xuat") or person.get("muc_quyet_dinh")):
        for reason in person.get("ly_do") or []:
            found = _MISSING_PERIODS.search(str(reason))
            if found:
                # inside a sentence («Thiếu kết quả quý IV/2026»), as the papers print them (context_2026.missing_periods)
                missing = [(n := _period(k))[:1].lower() + n[1:]
                           for k in re.findall(r"\d{4}-(?:\d{2}|[Qq][1-4])", found.group(1))]
                break
    # not rated (worked under 6 months): no year score, as the phiếu prints none (context_2026: «không xếp loại
    # (công tác trong năm dưới 06 tháng)»); the rating's `diem` still holds the mean of the periods present
    not_rated = person.get("trang_thai") == "khong_xep_loai"
    year = person.get("diem") if not missing and not not_rated else None
    return {"ky": [dict(k, ten=_period(str(k.get("ky")))) for k in rows],
            "lanh_dao": any(k.get(x) is not None for k in rows for x in ("d", "dd", "e")),
            "thieu": missing, "nam": year if isinstance(year, (int, float)) else None, "khong_xep_loai": not_rated}
