"""`hoso serve`'s storage: one SQLite database and one folder per agency, both in the data folder.

    DATA/hoso.sqlite3                  agencies, accounts, sessions, uploads, builds, submissions, audit log,
                                       the Sở Nội vụ's deadline and expected agencies (table so_noi_vu, one row)
    DATA/co_quan/<MA>/so/<id>.xlsx     each uploaded workbook, named by its database id (never the
                                       name the browser sent), and `<id>_danh_dau.xlsx`, the marked copy
    DATA/co_quan/<MA>/xep_loai/<id>/   `hoso rate`'s output for a valid upload
    DATA/co_quan/<MA>/ket_qua/         the agency's output folder (every build replaces it, as `hoso build`)
    DATA/co_quan/<MA>/lich_su/<id>/    each finished build's manifest.json and thay_doi.txt
    DATA/co_quan/<MA>/nop/<id>/        what was submitted to the Sở Nội vụ (the zip, manifest, ratings)
    DATA/co_quan/<MA>/cache/           the agency's own PDF cache (personal data stays with its agency)
    DATA/co_quan/<MA>/anh/             page thumbnails, <sha256 of the PDF>_<page>.png, made when first
                                       viewed; those of files no longer in ket_qua/ removed after each
                                       build and at start-up
    DATA/co_quan/<MA>/mau_bieu/        the agency's own forms (page «Mẫu biểu của cơ quan», own_forms.py; the
                                       builds' BuildOptions.templates); sets no longer used kept beside as
                                       `mau_bieu.truoc-<time>/`
    DATA/so_noi_vu/tong-hop-*/         the province table made for one download (removed with the request)

Every path is made from a code checked by `safe_code` or from an integer id: nothing a browser
sends is ever joined to a path.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any, cast

from pipeline import clock

DB_NAME = "hoso.sqlite3"
ROLES = ("van_thu", "van_thu_don_vi", "so_noi_vu")
ROLE_WORDS = {"van_thu": "Văn thư cơ quan", "van_thu_don_vi": "Văn thư đơn vị", "so_noi_vu": "Sở Nội vụ"}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS co_quan (ma TEXT PRIMARY KEY, tao_luc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tai_khoan (
    id INTEGER PRIMARY KEY, ten TEXT UNIQUE NOT NULL, mat_khau TEXT NOT NULL,
    co_quan TEXT NOT NULL REFERENCES co_quan(ma), vai_tro TEXT NOT NULL, don_vi TEXT, tao_luc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS phien (
    token TEXT PRIMARY KEY, tai_khoan INTEGER NOT NULL REFERENCES tai_khoan(id), csrf TEXT NOT NULL,
    het_han REAL NOT NULL);
CREATE TABLE IF NOT EXISTS dang_nhap_sai (id INTEGER PRIMARY KEY, ten TEXT NOT NULL, ip TEXT NOT NULL, luc REAL NOT NULL);
CREATE TABLE IF NOT EXISTS so (
    id INTEGER PRIMARY KEY, co_quan TEXT NOT NULL, ten_tep TEXT NOT NULL, luc TEXT NOT NULL, tai_khoan TEXT NOT NULL,
    so_loi INTEGER NOT NULL, so_canh_bao INTEGER NOT NULL, van_de TEXT NOT NULL, xep_loai INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS lan_tao (
    id INTEGER PRIMARY KEY, co_quan TEXT NOT NULL, so INTEGER NOT NULL, tai_khoan TEXT NOT NULL,
    trang_thai TEXT NOT NULL, tao_luc TEXT NOT NULL, bat_dau TEXT, ket_thuc TEXT,
    da_xong INTEGER NOT NULL DEFAULT 0, tong INTEGER NOT NULL DEFAULT 0, con_lai REAL,
    tom_tat TEXT NOT NULL DEFAULT '', thay_doi TEXT NOT NULL DEFAULT '', han_nop TEXT NOT NULL DEFAULT '',
    loi TEXT NOT NULL DEFAULT '', nhat_ky TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS nop (
    id INTEGER PRIMARY KEY, co_quan TEXT NOT NULL, lan_tao INTEGER NOT NULL, luc TEXT NOT NULL,
    tai_khoan TEXT NOT NULL, ten_co_quan TEXT NOT NULL, zip TEXT NOT NULL, zip_sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS so_noi_vu (
    id INTEGER PRIMARY KEY CHECK (id = 1), han_nop TEXT NOT NULL DEFAULT '', co_quan_nop TEXT NOT NULL DEFAULT '',
    sua_luc TEXT NOT NULL DEFAULT '', tai_khoan TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS nhat_ky (
    id INTEGER PRIMARY KEY, luc TEXT NOT NULL, tai_khoan TEXT NOT NULL, co_quan TEXT NOT NULL, ip TEXT NOT NULL,
    hanh_dong TEXT NOT NULL, chi_tiet TEXT NOT NULL);
"""

# Columns added after the first release: an older database gets them at start-up (ALTER TABLE).
ADDED_COLUMNS = (
    ("tai_khoan", "khoa", "INTEGER NOT NULL DEFAULT 0"),  # 1: locked (no login, its sessions ended)
    ("tai_khoan", "doi_mat_khau_luc", "TEXT"),  # when the password was last changed
    ("lan_tao", "doi_co_quan", "INTEGER NOT NULL DEFAULT 0"),  # 1: replace another agency's output (--doi-co-quan)
    ("lan_tao", "doi_nam", "INTEGER NOT NULL DEFAULT 0"),  # 1: the clerk confirmed building another year (--doi-nam)
    ("lan_tao", "ghi_de", "INTEGER NOT NULL DEFAULT 0"),  # 1: replace documents edited by hand, copies kept (--ghi-de)
    # the output's files edited by hand the clerk confirmed replacing (JSON list of paths; NULL: not recorded —
    # a build queued before this column, or none edited): a «Tạo lại» asks again when others are edited since
    ("lan_tao", "sua_tay", "TEXT"),
    ("so", "don_vi_ten", "TEXT NOT NULL DEFAULT '{}'"),  # a valid upload's units: {code: name} (JSON)
    ("so", "ten_co_quan", "TEXT NOT NULL DEFAULT ''"),  # a valid upload's agency name (the home page before a build)
    ("phien", "bat_dau", "REAL NOT NULL DEFAULT 0"),  # when the session was made (its absolute end; 0: before this column)
    ("so_noi_vu", "noi_tong_hop", "TEXT NOT NULL DEFAULT ''"),  # the body compiling, when not a Sở Nội vụ (--noi-tong-hop)
)

SO_NOI_VU = "so_noi_vu"  # DATA/so_noi_vu/: the Sở's own folder (the province table made for a download)
RUNNING = ("cho", "dang_chay")  # queued, running
ARCHIVE_NAME = re.compile(r"(?:\d{4}|khong-ro-nam)-(\d{8})-(\d{6})(?:-\d{1,4})?")  # luu_tru/<year>-<date-time>[-n]
STATUS_WORDS = {"cho": "Đang chờ", "dang_chay": "Đang tạo", "xong": "Xong", "loi": "Lỗi"}


VIETNAM = clock.VIETNAM  # the times shown: Vietnam's (UTC+7), whatever the server's clock zone
# The columns holding a time as text. Written by `now()` in UTC with its offset («2026-12-06 01:03:51+00:00»):
# the same instant whatever the server's clock zone (a cloud VM, a container: UTC), and ordered as text, so
# `luc > ?` with `ago()` compares instants. Before, they held the server's local time without an offset;
# `Store` converts those once at start-up (`_times_to_utc`).
TIME_COLUMNS = (("co_quan", "tao_luc"), ("tai_khoan", "tao_luc"), ("tai_khoan", "doi_mat_khau_luc"), ("so", "luc"),
                ("lan_tao", "tao_luc"), ("lan_tao", "bat_dau"), ("lan_tao", "ket_thuc"), ("nop", "luc"),
                ("nhat_ky", "luc"))
_TIMES_IN_UTC = 1  # PRAGMA user_version from which the database's times are all in UTC (`Store._times_to_utc`)
_NAIVE_LIKE = "____-__-__ __:__:__"  # SQL LIKE: a time written without an offset (before UTC was stored)
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?")


def now() -> str:
    """The time to store: UTC with its offset, to the second («2026-12-06 01:03:51+00:00»)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(sep=" ")


def ago(seconds: float) -> str:
    """The stored form of the time `seconds` ago, to compare with stored times (`luc > ?`)."""
    return dt.datetime.fromtimestamp(time.time() - seconds, dt.UTC).replace(microsecond=0).isoformat(sep=" ")


def _instant(m: re.Match[str]) -> dt.datetime | None:
    year, month, day, hour, minute, second, offset = m.groups()
    try:
        when = dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        if offset is None:  # the server's local time (a database written before UTC was stored, a folder's name)
            return when.astimezone(VIETNAM)
        if offset != "Z":
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            return when.replace(tzinfo=dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
                                ).astimezone(VIETNAM)
        return when.replace(tzinfo=dt.UTC).astimezone(VIETNAM)
    except (ValueError, OverflowError, OSError):
        return None


def vietnam_day(text: object) -> dt.date | None:
    """The day in Vietnam of a stored time (a package sent at 06:30 on 15/12 in Vietnam is stored as 14/12 23:30
    UTC: its day is the 15th); None when `text` is not a time."""
    m = _TIME.fullmatch(str(text)) if text is not None else None
    when = _instant(m) if m is not None else None
    return when.date() if when is not None else None


def vietnam_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Vietnam (the deadline's «còn N ngày», who is late): the day of `now` (default: this instant)
    at UTC+7, not the server's local date (a server on UTC is still on yesterday until 07:00 in Vietnam);
    `HOSO_HOM_NAY` (clock.today) when set, as for every deadline line of hoso."""
    if os.environ.get(clock.VARIABLE, "").strip():
        return clock.today()
    return (now or _utc_now()).astimezone(VIETNAM).date()


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# the command line's words for a time (printed.when_words: «18:30 ngày 06/12/2026», already Vietnam's time), found in
# a build's lines (the changes since a print mark, an unchanged build's «Đã đánh dấu in xong lúc …»)
_CLI_TIME = re.compile(r"(?<![\d:])([01]\d|2[0-3]):([0-5]\d) ngày (\d{2})/(\d{2})/(\d{4})(?!\d)")


def vietnam_time(text: object) -> str:
    """Every stored time in `text` as a clerk reads it, in Vietnam's time: «06/12/2026 08:03» (day/month/year,
    hours and minutes) — the pages' one format; a time without an offset is the server's local time, and the
    command line's «08:03 ngày 06/12/2026» (a build's lines) is put in the same order. "" for None; other text
    as it is."""
    if text is None:
        return ""

    def shown(m: re.Match[str]) -> str:
        when = _instant(m)
        return m.group(0) if when is None else f"{when:%d/%m/%Y %H:%M}"

    return _CLI_TIME.sub(r"\3/\4/\5 \1:\2", _TIME.sub(shown, str(text)))


def private(path: Path, mode: int = 0o700) -> None:
    """Personal data is for the server's own account only: `co_quan/` (and the data folder when it is hoso's
    alone) 0700, so nothing under it — uploads, outputs, thumbnails — can be read by another user of the
    machine whatever modes the files inside got, and the database 0600. Only where POSIX modes exist
    (Windows: the folder's ACL)."""
    if os.name != "posix":
        return
    try:
        if path.exists() and not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~0o077 | (mode & 0o700))
    except OSError:  # not ours (another owner): left as it is
        pass


def safe_code(code: str) -> bool:
    """An agency or unit code usable as one folder name: letters, digits, '_' and '-'."""
    return bool(code) and bool(_CODE.match(code))


def safe_name(name: str) -> bool:
    return bool(name) and bool(_NAME.match(name))


class Store:
    def __init__(self, data: Path) -> None:
        self.data = Path(data).resolve()
        self.data.mkdir(parents=True, exist_ok=True)
        (self.data / "co_quan").mkdir(exist_ok=True)
        # the data folder itself only when it holds nothing but hoso's own (`--data .` in a home folder keeps
        # that folder's mode); the agencies' folder and the database always
        if {p.name for p in self.data.iterdir()} <= {DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", "co_quan", SO_NOI_VU}:
            private(self.data)
        private(self.data / "co_quan")
        self.path = self.data / DB_NAME
        self._local = threading.local()
        with self.db() as c:
            c.executescript(SCHEMA)
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm"):
            private(self.data / name, 0o600)
        for table, column, decl in ADDED_COLUMNS:
            if column not in {r["name"] for r in self.q(f"PRAGMA table_info({table})")}:
                self.x(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
        self._times_to_utc()

    def _times_to_utc(self) -> int:
        """Times a server before this version stored (its local time, no offset), as `now()` writes them now:
        taken as this server's local time — the zone they were written in, unless the server's zone was
        changed since — and written in UTC with the offset. Done once per database (`PRAGMA user_version`
        records it: every build process opens the store, and a server's audit log grows all season);
        idempotent anyway (only times without an offset); returns how many were converted."""
        done = 0
        conn = self.db()
        if conn.execute("PRAGMA user_version").fetchone()[0] >= _TIMES_IN_UTC:
            return 0
        conn.execute("BEGIN IMMEDIATE")  # one transaction: all converted or none (a crash midway converts nothing)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] >= _TIMES_IN_UTC:  # another process did it
                conn.execute("COMMIT")
                return 0
            for table, column in TIME_COLUMNS:
                rows = conn.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} LIKE ?", (_NAIVE_LIKE,)).fetchall()
                changes = []
                for rowid, text in rows:
                    try:
                        utc = dt.datetime.fromisoformat(text).astimezone(dt.UTC)
                    except (ValueError, OverflowError, OSError):
                        continue
                    changes.append((utc.isoformat(sep=" "), rowid))
                conn.executemany(f"UPDATE {table} SET {column}=? WHERE rowid=?", changes)
                done += len(changes)
            conn.execute(f"PRAGMA user_version = {_TIMES_IN_UTC}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return done

    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def q(self, sql: str, *args: object) -> list[sqlite3.Row]:
        return self.db().execute(sql, args).fetchall()

    def one(self, sql: str, *args: object) -> Any:  # a sqlite3.Row, or None
        rows = self.q(sql, *args)
        return rows[0] if rows else None

    def x(self, sql: str, *args: object) -> int:
        cur = self.db().execute(sql, args)
        return cur.lastrowid or 0

    # ---- folders ------------------------------------------------------------------------------
    def province_dir(self) -> Path:
        """The Sở Nội vụ's own folder (never an agency's), 0700."""
        path = self.data / SO_NOI_VU
        path.mkdir(exist_ok=True)
        private(path)
        return path

    def agency_dir(self, ma: str) -> Path:
        if not safe_code(ma):
            raise ValueError(f"bad agency code {ma!r}")
        return self.data / "co_quan" / ma

    def upload_path(self, ma: str, so_id: int, marked: bool = False) -> Path:
        return self.agency_dir(ma) / "so" / (f"{int(so_id)}_danh_dau.xlsx" if marked else f"{int(so_id)}.xlsx")

    def output_dir(self, ma: str) -> Path:
        return self.agency_dir(ma) / "ket_qua"

    def archive_dir(self, ma: str) -> Path:
        """`luu_tru/`: each output a build of another year (or agency) replaced, kept whole
        (`<year>-<date-time>/`, its signed scans too): BuildOptions.keep_replaced."""
        return self.agency_dir(ma) / "luu_tru"

    def archives(self, ma: str) -> list[dict[str, Any]]:
        """The outputs kept in `luu_tru/`, newest first: `ten` (the folder's name), `nam`, `co_quan`,
        `so_nguoi`, `da_ky` (signed scans kept), `tep` (files)."""
        root = self.archive_dir(ma)
        try:
            names = sorted((p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and ARCHIVE_NAME.fullmatch(p.name)),
                           key=lambda p: p.name.split("-", 1)[1], reverse=True)
        except OSError:
            return []
        out = []
        for p in names:
            try:
                m = json.loads((p / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                m = {}
            m = m if isinstance(m, dict) else {}
            agency = m.get("co_quan")
            day, hour = cast("re.Match[str]", ARCHIVE_NAME.fullmatch(p.name)).groups()
            # named by the build at the server's local time: shown in Vietnam's
            when = vietnam_time(f"{day[:4]}-{day[4:6]}-{day[6:8]} {hour[:2]}:{hour[2:4]}:{hour[4:6]}")
            out.append({"ten": p.name, "nam": m.get("nam_danh_gia", ""), "luc": when,
                        "co_quan": agency.get("ten_co_quan", "") if isinstance(agency, dict) else "",
                        "so_nguoi": len(m.get("ca_nhan") or []), "da_ky": (p / "da_ky").is_dir(),
                        "tep": sum(1 for f in p.rglob("*") if f.is_file())})
        return out

    def history_dir(self, ma: str, build_id: int) -> Path:
        return self.agency_dir(ma) / "lich_su" / str(int(build_id))

    def submission_dir(self, ma: str, nop_id: int) -> Path:
        return self.agency_dir(ma) / "nop" / str(int(nop_id))

    def cache_dir(self, ma: str) -> Path:
        return self.agency_dir(ma) / "cache"

    def rating_dir(self, ma: str, so_id: int) -> Path:
        return self.agency_dir(ma) / "xep_loai" / str(int(so_id))

    def thumbs_dir(self, ma: str) -> Path:
        return self.agency_dir(ma) / "anh"

    def prune_thumbnails(self, ma: str) -> int:
        """Remove the page thumbnails of files the agency's current output no longer has (after each
        build and at start-up); with a manifest.json that cannot be read now, nothing."""
        from pipeline.web.thumbs import prune

        m = self.manifest(ma)
        if m is None and (self.output_dir(ma) / "manifest.json").exists():
            return 0
        return prune(self.thumbs_dir(ma), m)

    # ---- agencies and accounts ----------------------------------------------------------------
    def add_account(self, ten: str, password_hash: str, co_quan: str, vai_tro: str, don_vi: str | None) -> int:
        if self.one("SELECT 1 FROM co_quan WHERE ma=?", co_quan) is None:
            self.x("INSERT INTO co_quan(ma, tao_luc) VALUES (?, ?)", co_quan, now())
            self.agency_dir(co_quan).mkdir(parents=True, exist_ok=True)
        return self.x("INSERT INTO tai_khoan(ten, mat_khau, co_quan, vai_tro, don_vi, tao_luc) VALUES (?,?,?,?,?,?)",
                      ten, password_hash, co_quan, vai_tro, don_vi, now())

    def account(self, ten: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.one("SELECT * FROM tai_khoan WHERE ten=?", ten)
        return row

    def accounts(self) -> list[sqlite3.Row]:
        return self.q("SELECT t.*, (SELECT MAX(luc) FROM nhat_ky n WHERE n.tai_khoan=t.ten AND n.hanh_dong='dang_nhap') "
                      "AS dang_nhap_cuoi, (SELECT COUNT(*) FROM phien p WHERE p.tai_khoan=t.id AND p.het_han>?) AS so_phien "
                      "FROM tai_khoan t ORDER BY t.co_quan, t.ten", time.time())

    def end_sessions(self, account_id: int, *, keep: str = "") -> int:
        """End every session of an account (but `keep`, a session token's digest)."""
        return self.db().execute("DELETE FROM phien WHERE tai_khoan=? AND token<>?", (account_id, keep)).rowcount

    def set_locked(self, account_id: int, locked: bool) -> None:
        self.x("UPDATE tai_khoan SET khoa=? WHERE id=?", int(locked), account_id)
        if locked:
            self.end_sessions(account_id)

    def set_password(self, account_id: int, password_hash: str, *, keep: str = "") -> None:
        """A new password ends the account's other sessions (whoever knew the old one is out)."""
        self.x("UPDATE tai_khoan SET mat_khau=?, doi_mat_khau_luc=? WHERE id=?", password_hash, now(), account_id)
        self.end_sessions(account_id, keep=keep)

    def _atomic(self, *statements: tuple[str, tuple[object, ...]]) -> list[int]:
        """Run statements in one transaction (the connection is in autocommit mode); their rowcounts."""
        c = self.db()
        c.execute("BEGIN IMMEDIATE")
        try:
            counts = [c.execute(sql, args).rowcount for sql, args in statements]
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")
        return counts

    def delete_account(self, account_id: int) -> int:
        """Delete an account and its sessions (the number ended). What it did stays: the audit log,
        uploads, builds and submissions name accounts by their name, with no reference to this row."""
        row = self.one("SELECT ten FROM tai_khoan WHERE id=?", account_id)
        ended, *_ = self._atomic(("DELETE FROM phien WHERE tai_khoan=?", (account_id,)),
                                 ("DELETE FROM dang_nhap_sai WHERE ten=?", (row["ten"] if row else "",)),
                                 ("DELETE FROM tai_khoan WHERE id=?", (account_id,)))
        return ended

    def set_role(self, account_id: int, vai_tro: str, don_vi: str | None) -> int:
        """A new role (and unit) ends the account's sessions (the number ended): no browser keeps the old rights."""
        _, ended = self._atomic(("UPDATE tai_khoan SET vai_tro=?, don_vi=? WHERE id=?", (vai_tro, don_vi, account_id)),
                                ("DELETE FROM phien WHERE tai_khoan=?", (account_id,)))
        return ended

    # ---- the Sở Nội vụ's deadline ------------------------------------------------------------
    def agencies(self) -> list[tuple[str, str]]:
        """The agencies that send packages, (code, name as the server knows it), by name: those with an
        account of an agency role, and any that sent one. The name: the agency's last package sent, else its
        last valid upload, else its code said as such."""
        rows = self.q("SELECT c.ma, (SELECT n.ten_co_quan FROM nop n WHERE n.co_quan=c.ma ORDER BY n.id DESC LIMIT 1) AS nop, "
                      "(SELECT s.ten_co_quan FROM so s WHERE s.co_quan=c.ma AND s.ten_co_quan<>'' ORDER BY s.id DESC "
                      "LIMIT 1) AS so FROM co_quan c WHERE EXISTS (SELECT 1 FROM tai_khoan t WHERE t.co_quan=c.ma AND "
                      "t.vai_tro<>'so_noi_vu') OR EXISTS (SELECT 1 FROM nop n WHERE n.co_quan=c.ma)")
        return sorted(((r["ma"], r["nop"] or r["so"] or f"Cơ quan mã {r['ma']} (chưa tải sổ lên)") for r in rows),
                      key=lambda a: (a[1].casefold(), a[0]))

    def deadline(self) -> tuple[dt.date | None, list[str] | None, sqlite3.Row | None]:
        """(the deadline the Sở set, the agency codes it expects — None: every agency —, the row)."""
        row = self.one("SELECT * FROM so_noi_vu WHERE id=1")
        if row is None:
            return None, None, None
        try:
            due = dt.date.fromisoformat(row["han_nop"]) if row["han_nop"] else None
        except ValueError:
            due = None
        try:
            codes = json.loads(row["co_quan_nop"]) if row["co_quan_nop"] else None
        except ValueError:
            codes = None
        return due, ([str(c) for c in codes] if isinstance(codes, list) else None), row

    def set_deadline(self, due: dt.date | None, codes: list[str] | None, account: str, compiler: str = "") -> None:
        """`compiler`: the body compiling the summary when it is not a Sở Nội vụ (`hoso tong-hop --noi-tong-hop`),
        "" for a Sở Nội vụ."""
        self.x("INSERT INTO so_noi_vu(id, han_nop, co_quan_nop, sua_luc, tai_khoan, noi_tong_hop) VALUES (1,?,?,?,?,?) "
               "ON CONFLICT(id) DO UPDATE SET han_nop=excluded.han_nop, co_quan_nop=excluded.co_quan_nop, "
               "sua_luc=excluded.sua_luc, tai_khoan=excluded.tai_khoan, noi_tong_hop=excluded.noi_tong_hop",
               due.isoformat() if due else "", "" if codes is None else json.dumps(codes), now(), account,
               " ".join(compiler.split()))

    def compiler(self) -> str:
        """The body compiling the summary the Sở's page set («» for a Sở Nội vụ)."""
        row = self.one("SELECT noi_tong_hop FROM so_noi_vu WHERE id=1")
        return str(row["noi_tong_hop"]) if row is not None else ""

    def audit(self, account: str, co_quan: str, ip: str, action: str, detail: str = "") -> None:
        self.x("INSERT INTO nhat_ky(luc, tai_khoan, co_quan, ip, hanh_dong, chi_tiet) VALUES (?,?,?,?,?,?)",
               now(), account, co_quan, ip, action, detail)

    def province_log(self, limit: int = 300) -> list[sqlite3.Row]:
        """The Sở Nội vụ's own audit lines, newest first (its page «Nhật ký»): those of the agency codes its accounts
        belong to (`vai_tro` so_noi_vu: what any of its accounts did, their logins, the CLI's lines about them). A code
        that also holds an agency's accounts (a server set up so) gives only the lines of its Sở accounts: never an
        agency clerk's own lines. No request's value reaches the query: the codes and names come from `tai_khoan`."""
        rows = self.q("SELECT co_quan, ten, vai_tro FROM tai_khoan")
        codes = {r["co_quan"] for r in rows if r["vai_tro"] == "so_noi_vu"}
        mixed = {r["co_quan"] for r in rows if r["vai_tro"] != "so_noi_vu"} & codes
        pure = sorted(codes - mixed)
        names = sorted(r["ten"] for r in rows if r["vai_tro"] == "so_noi_vu" and r["co_quan"] in mixed)
        where, args = [], []
        if pure:
            where.append(f"co_quan IN ({','.join('?' * len(pure))})")
            args += pure
        if names:
            where.append(f"(co_quan IN ({','.join('?' * len(mixed))}) AND tai_khoan IN ({','.join('?' * len(names))}))")
            args += [*sorted(mixed), *names]
        if not where:
            return []
        return self.q(f"SELECT * FROM nhat_ky WHERE {' OR '.join(where)} ORDER BY id DESC LIMIT ?", *args, int(limit))

    def fail_interrupted(self) -> int:
        """At start-up: a build queued or running when the server stopped will never finish."""
        cur = self.db().execute(
            "UPDATE lan_tao SET trang_thai='loi', ket_thuc=?, loi=? WHERE trang_thai IN ('cho','dang_chay')",
            (now(), "Máy chủ đã dừng khi đang tạo (hoặc chờ tạo) hồ sơ: lần tạo này không hoàn thành. Bấm «Tạo lại» ở trang của lần tạo này để chạy lại."))
        return cur.rowcount

    def manifest(self, ma: str) -> dict[str, Any] | None:
        path = self.output_dir(ma) / "manifest.json"
        try:
            data: dict[str, Any] | None = json.loads(path.read_text(encoding="utf-8"))
            return data
        except (OSError, ValueError):
            return None
