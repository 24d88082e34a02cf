"""`hoso tong-hop PACKAGE… -o DIR`: the Sở Nội vụ's side — many agencies' packages in one summary.

A package is an agency's output folder (with `manifest.json`), its `nop_so_noi_vu/` folder or its
`ho_so_<nam>.zip`. For the last two the manifest is looked for in the folder around them (the
agency's output folder, as `hoso build` wrote it). Each package is checked with
`pipeline.submission.verify.verify` (every file against its SHA-256, the people, the summary table,
the zip); a package without its manifest cannot be checked and is listed as failing.

The counts are those of the package's own `bieu_tong_hop.xlsx` (the table the agency sends; verify
holds it equal to its ratings); emulation comes from `ket_qua_xep_loai.json` when the package has it.
A package is late when the day it was made (manifest `lan_tao.ngay`) is after the deadline
(`--han`, else the package's own `nop_so_noi_vu.han_nop` from `CoQuan.han_nop_so_noi_vu`); an agency
of `--danh-sach` with no package is missing. A build records no day (`lan_tao.ngay` null) when its papers do
not depend on it (the workbook gives their dates and no deadline: `package.depends_on_today`): such a package
passes the check, and its status says its timeliness cannot be judged when there is a deadline.

HTXS against 20 % of HTT (ND 90/2020 Art. 2 cl. 3 as amended by ND 48/2023): the number rated HTXS
may not exceed 20 % of the number rated HTT. The cap applies within each comparable group, which the
province does not see: per agency and staff category this summary shows the comparison as a sign to
look at, `HTXS > 20 % × HTT` exactly (no rounding).

Writes `tong_hop_so_noi_vu.xlsx` (SpreadsheetML writer of `ratings_xlsx`) and `tong_hop_so_noi_vu.pdf`
(A4 landscape, the forms' serif font); nothing printed is an internal code.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import clock, portable
from pipeline.errors import TemplateError, toml_words
from pipeline.manifest import MANIFEST
from pipeline.quotes import curly_quotes
from pipeline.rating.groups import HEAD_GROUP
from pipeline.rating.levels import WORDS
from pipeline.submission.report import RECIPIENT
from pipeline.submission.summary_table import CATEGORIES, TOTAL, TableUnreadable, read_table  # noqa: F401 - read_table for tests

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from pipeline.ingest.xlsx_write import Book

XLSX = "tong_hop_so_noi_vu.xlsx"
PDF = "tong_hop_so_noi_vu.pdf"
FOLDER = "nop_so_noi_vu"
TABLE = "bieu_tong_hop.xlsx"
RATINGS = "ket_qua_xep_loai.json"
LEVELS = ("HTXS", "HTT", "HT", "KHT")
LABELS = dict((*CATEGORIES, TOTAL))
# a package comes from another agency: its biểu tổng hợp (a 10,000-person table is ~1 MB) is read only when
# it and its parts inflated stay under this — a 1 MB zip whose table inflated to 1 GB took 2.1 GB of memory
MAX_TABLE = 32 * 1024 * 1024


@dataclass
class Package:
    given: Path
    agency: str = ""
    year: int | None = None
    made: dt.date | None = None
    due: dt.date | None = None
    counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    emulation: dict[str, dict[str, Any]] = field(default_factory=dict)  # per category: {"LDTT": n, "CSTDCS": n}
    agency_emulation: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    duplicate_of: Path | None = None
    other_year: int | None = None  # the summary's year, when this package evaluates another one (not counted)
    # people whose level counted is only the unit's proposal (no decision of the competent level yet);
    # None when the package has no ratings file to tell
    proposed: int | None = None
    # the same per staff category of the table (and "tong_cong"); empty when the package has no ratings file
    proposed_by: dict[str, int] = field(default_factory=dict)
    # the comparable groups the agency's own table (sheet TyLeHTXS) finds over the HTXS cap, by name; None when
    # the table has no such sheet: the province cannot see the groups, the agency's check can
    groups_over: list[str] | None = None
    # per staff category of the table (and "tong_cong"): the agency heads the agency's own check leaves out of its
    # HTXS cap (ratings file: comparable group `HEAD_GROUP`, rated by the superior), by final level {"HTXS": n,
    # "HTT": n}; the 20 % column leaves them out too, as that check does. Empty without a ratings file
    outside_cap: dict[str, dict[str, int]] = field(default_factory=dict)
    # the day the Sở received the package, when it knows it (`hoso serve`: the day the agency sent it); the
    # deadline is then held against that day, else against the day the package was made
    sent: dt.date | None = None
    # the body the package is addressed to (manifest `nop_so_noi_vu.noi_nhan`: CoQuan «Sở Nội vụ nhận báo cáo»,
    # e.g. a hospital's managing Sở Y tế); "" when the manifest does not say (then the Sở Nội vụ)
    noi_nhan: str = ""
    # the body compiling the summary the package is read into (`hoso tong-hop --noi-tong-hop`, set by
    # `summarise`); "" for a Sở Nội vụ, the default
    compiler: str = ""
    # with no compiler named (a Sở Nội vụ): the province every package that names one names (`home_province`),
    # "" when they disagree or none says; a package addressed to the Sở Nội vụ of another province is then
    # addressed elsewhere (a school under «UBND phường Hải Châu» writing «Sở Nội vụ thành phố Đà Nẵng»)
    home: str = ""
    # the province the package's agency belongs to, as its names say it («tỉnh Hà Giang Nam»: manifest
    # `co_quan.co_quan_chu_quan`, else `co_quan.ten_co_quan` or the table's title; `province_of`); "" when they
    # do not say. The summary's letterhead names the province only when the packages agree (`summary_province`)
    tinh: str = ""

    @property
    def verified(self) -> bool:
        return not self.problems

    @property
    def addressed_elsewhere(self) -> bool:
        """Addressed to a body that is not the one compiling (by default any Sở Nội vụ): still counted (the
        compiler decides), but named — if that body later forwards a summary of its own agencies, this one
        would be counted twice. A named compiler is compared as names are (`cells.name_key`: case, spaces,
        Unicode form, place of the tone mark); when it is itself a Sở Nội vụ, a package addressed to the
        bare «Sở Nội vụ» (CoQuan «Sở Nội vụ nhận báo cáo» left empty) or made before `noi_nhan` is its own. With
        no compiler named, a package addressed to the Sở Nội vụ of a province other than `home` (the one the
        summary's packages agree on) is not the Sở's own either."""
        from pipeline.ingest.cells import name_key

        default = not self.noi_nhan or _norm(self.noi_nhan).startswith(_norm(RECIPIENT))
        if not self.compiler:
            named = province_of(self.noi_nhan) if default else ""
            return not default or bool(self.home and named and name_key(named) != name_key(self.home))

        if name_key(self.noi_nhan or RECIPIENT) == name_key(self.compiler):
            return False
        bare = not self.noi_nhan or _norm(self.noi_nhan) == _norm(RECIPIENT)
        return not (bare and _norm(self.compiler).startswith(_norm(RECIPIENT)))

    @property
    def compiling(self) -> str:
        """The body compiling as the package's status names it: the one named, else the Sở Nội vụ — «Sở Nội vụ
        tỉnh X» of `home` when the package is addressed to another province's Sở Nội vụ (the bare name would read
        «gửi Sở Nội vụ thành phố Đà Nẵng, không phải Sở Nội vụ»)."""
        if self.compiler:
            return self.compiler
        to_a_so = bool(self.noi_nhan) and _norm(self.noi_nhan).startswith(_norm(RECIPIENT))
        return f"{RECIPIENT} {self.home}" if self.home and to_a_so else RECIPIENT

    @property
    def addressed_to(self) -> str:
        """The body the package is addressed to, as printed: `noi_nhan`, or the Sở Nội vụ when not said."""
        return self.noi_nhan or RECIPIENT

    @property
    def late_days(self) -> int | None:
        """Days after the deadline (0: on time), the one rule of `hoso tong-hop` and `hoso serve`."""
        day = self.sent if self.sent is not None else self.made
        if day is None or self.due is None:
            return None
        return max(0, (day - self.due).days)


@dataclass
class Summary:
    packages: list[Package]
    missing: list[str]
    due: dt.date | None
    today: dt.date
    year: int | None = None  # the evaluation year summed up (most packages'; ties: the latest)
    compiler: str = ""  # the body compiling (`hoso tong-hop --noi-tong-hop`); "" for a Sở Nội vụ
    labels_dir: Path | None = None  # a templates folder whose tong_hop_so_noi_vu.toml words the paper (`--templates`)

    @property
    def failed(self) -> list[Package]:
        return [p for p in self.packages if not p.verified]

    @property
    def late(self) -> list[Package]:
        return [p for p in self.counted if p.late_days]

    @property
    def counted(self) -> list[Package]:
        return [p for p in self.packages if p.duplicate_of is None and p.other_year is None]

    @property
    def other_years(self) -> list[Package]:
        """The packages of another evaluation year than the summary's: not counted, named for what they are; one
        whose files are intact is not failing (`failed` holds the packages whose check found a problem)."""
        return [p for p in self.packages if p.other_year is not None]


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _json(path: Path) -> Any:
    from pipeline.submission.verify import oversized

    if oversized(path):  # verify names it
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def manifest_year(path: Path) -> int | None:
    """The evaluation year a package's manifest.json states (`nam_danh_gia`), None when it cannot be read."""
    data = _json(path)
    year = data.get("nam_danh_gia") if isinstance(data, dict) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _root_of(given: Path) -> tuple[Path | None, str | None]:
    """(the agency output folder holding manifest.json, the zip named) for a package path."""
    if given.is_dir():
        if (given / MANIFEST).is_file():
            return given, None
        if (given.parent / MANIFEST).is_file() and given.name == FOLDER:
            return given.parent, None
        return None, None
    if given.is_file() and (given.parent / MANIFEST).is_file():
        return given.parent, given.name
    return None, None


def _zip_date(root: Path, name: object) -> dt.date | None:
    """The date the package's zip carries (`package.zip_time`: the report's date, CoQuan.ngay_bao_cao, else the
    workbook's ngay_lap): the package's date when its manifest records no day of making — `lan_tao.ngay` is
    None when the output does not depend on the day, i.e. the workbook dates its papers and states no deadline
    (`package.depends_on_today`), a package that is otherwise whole. None when there is no such zip."""
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        return None
    try:
        with zipfile.ZipFile(root / name) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        return None
    if not infos or infos[0].date_time[:3] == (1980, 1, 1):
        return None
    try:
        return dt.date(*infos[0].date_time[:3])
    except ValueError:
        return None


def _table_bytes(given: Path, root: Path | None) -> bytes | None:
    """The table's bytes (None: there is none); TableUnreadable when it is too big to be a table."""
    for path in ([root / FOLDER / TABLE] if root is not None else []) + ([given / TABLE] if given.is_dir() else []):
        if path.is_file():
            _fits(path.stat().st_size)
            return _parts_fit(path.read_bytes())
    if given.is_file():
        try:
            with zipfile.ZipFile(given) as zf:
                _fits(zf.getinfo(f"{FOLDER}/{TABLE}").file_size)  # the size its member declares, before inflating
                return _parts_fit(zf.read(f"{FOLDER}/{TABLE}"))  # zipfile never inflates past the declared size
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


def _fits(size: int) -> None:
    if size > MAX_TABLE:
        raise TableUnreadable(f"tệp lớn bất thường ({size / 1048576:.0f} MB), không phải biểu tổng hợp do hoso lập")


def _parts_fit(data: bytes) -> bytes:
    """The table's own parts (openpyxl inflates its shared strings whole) under MAX_TABLE inflated too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _fits(sum(i.file_size for i in zf.infolist()))
    except zipfile.BadZipFile:
        pass  # read_table says it cannot open it
    return data


def _title_rows(data: bytes) -> list[str]:
    """The first cells of the table's three title rows (agency, title, «Năm đánh giá N»)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = list(wb.worksheets[0].iter_rows(min_row=1, max_row=3, max_col=1, values_only=True))
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - a table that cannot be read has no name
        return []
    return [str(r[0] or "").strip() for r in rows]


def _groups_over(data: bytes) -> list[str] | None:
    """The groups the table's own HTXS check (sheet TyLeHTXS, «Kết quả kiểm tra») finds over the cap."""
    from openpyxl import load_workbook

    from pipeline.submission.summary_table import GROUP_SHEET

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if GROUP_SHEET not in wb.sheetnames:
                return None
            rows = list(wb[GROUP_SHEET].iter_rows(min_row=6, max_col=10, values_only=True))
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - read_table names a table that cannot be read
        return None
    return [str(r[1] or "").strip() for r in rows
            if len(r) >= 10 and isinstance(r[9], str) and r[9].strip().casefold() == "vượt tỷ lệ"]


def _agency_name_from_table(data: bytes) -> str:
    rows = _title_rows(data)
    return rows[0] if rows else ""


def _year_from_table(data: bytes) -> int | None:
    """The evaluation year the table states («Năm đánh giá 2026»), for a zip sent without its manifest."""
    rows = _title_rows(data)
    m = re.fullmatch(r"Năm đánh giá (\d{4})", rows[2]) if len(rows) > 2 else None
    return int(m.group(1)) if m else None


def read_package(given: Path, public_key: Ed25519PublicKey | None = None, *, as_sent: bool = False) -> Package:
    """`as_sent`: the package is a zip as an agency sent it, with only its manifest.json and ratings file
    beside it (`hoso serve`'s `nop/<id>/`): checked with `verify.verify_sent` (the dossiers stay with the
    agency); the caller sets `Package.sent`, the day it was received, which lateness is then counted from."""
    from pipeline.submission.verify import verify, verify_sent

    given = Path(given)
    pkg = Package(given)
    if not given.exists():
        pkg.problems.append("Không tìm thấy tệp hoặc thư mục này.")
        pkg.agency = given.name
        return pkg
    root, zip_given = _root_of(given)
    manifest = _json(root / MANIFEST) if root is not None else None
    people: list[Any] | None = None  # ket_qua_xep_loai.json's people, when the package has it
    if root is not None and manifest is None:
        from pipeline.submission.verify import too_big

        pkg.problems.extend(why for why in (too_big(root / MANIFEST), too_big(root / RATINGS)) if why)
    if isinstance(manifest, dict) and root is not None:
        record = manifest.get("co_quan")
        agency: dict[str, Any] = record if isinstance(record, dict) else {}
        pkg.agency = str(agency.get("ten_co_quan") or "")
        pkg.tinh = next((t for t in (province_of(agency.get("co_quan_chu_quan")), province_of(pkg.agency)) if t), "")
        pkg.year = manifest.get("nam_danh_gia") if isinstance(manifest.get("nam_danh_gia"), int) else None
        pkg.made = _date((manifest.get("lan_tao") or {}).get("ngay"))
        section = manifest.get("nop_so_noi_vu") or {}
        pkg.due = _date(section.get("han_nop"))
        if isinstance(section.get("noi_nhan"), str):
            pkg.noi_nhan = " ".join(section["noi_nhan"].split())
        if zip_given is not None and zip_given != section.get("zip"):
            pkg.problems.append(f"Tệp nén «{zip_given}» không phải tệp nén của bộ hồ sơ "
                                f"({MANIFEST} ghi «{section.get('zip') or 'không có'}»).")
        report = verify_sent(root, public_key, max_table=MAX_TABLE) if as_sent else verify(root, public_key)
        pkg.problems.extend(report.problems)
        if pkg.made is None and not as_sent:  # no day recorded (papers dated in the workbook, no deadline): its zip's
            pkg.made = _zip_date(root, section.get("zip"))
        ratings = _json(root / RATINGS)
        if isinstance(ratings, dict):
            pkg.agency_emulation = ratings.get("thi_dua") if isinstance(ratings.get("thi_dua"), dict) else None
            if isinstance(ratings.get("nguoi"), list):
                people = ratings["nguoi"]
                pkg.proposed = sum(1 for p in people if _undecided(p))
    else:
        pkg.problems.append(f"Không có {MANIFEST} đi kèm (thư mục kết quả của cơ quan): không đối chiếu được "
                            "các tệp với mã SHA-256 lúc tạo, không biết ngày lập.")
    try:
        data = _table_bytes(given, root)
    except TableUnreadable as exc:
        data = None
        pkg.problems.append(f"Không đọc được biểu tổng hợp {FOLDER}/{TABLE}: {exc}.")
    else:
        if data is None:
            pkg.problems.append(f"Không có biểu tổng hợp {FOLDER}/{TABLE}: không có số liệu.")
    if data is not None:
        try:
            counts, entries = read_table(io.BytesIO(data))
        except TableUnreadable as exc:
            pkg.problems.append(f"Không đọc được biểu tổng hợp {FOLDER}/{TABLE}: {exc}.")
        else:
            pkg.counts = counts
            pkg.groups_over = _groups_over(data)
            if people is not None:
                _emulation(pkg, people, entries)
        if not pkg.agency:
            pkg.agency = _agency_name_from_table(data)
        if pkg.year is None:
            pkg.year = _year_from_table(data)
    if not pkg.agency:
        pkg.agency = given.stem
    if not pkg.tinh:
        pkg.tinh = province_of(pkg.agency)
    return pkg


def _undecided(person: object) -> bool:
    """A person of ket_qua_xep_loai.json whose level is only the unit's proposal (no decision yet)."""
    return isinstance(person, dict) and not person.get("muc_quyet_dinh") and person.get("muc_de_xuat") in LEVELS


def _emulation(pkg: Package, people: list[Any], entries: list[dict[str, Any]]) -> None:
    """Per category: emulation titles and levels only proposed (ket_qua_xep_loai.json's `people`)."""
    category = {e["ma_so"]: e["doi_tuong"] for e in entries}
    out: dict[str, dict[str, Any]] = {code: {"LDTT": 0, "CSTDCS": 0} for code, _ in (*CATEGORIES, TOTAL)}
    proposed = dict.fromkeys(out, 0)
    outside: dict[str, dict[str, int]] = {}
    for p in people:
        level = (p.get("muc_quyet_dinh") or p.get("muc_de_xuat")) if isinstance(p, dict) else None
        if isinstance(p, dict) and p.get("nhom_tuong_dong") == HEAD_GROUP and level in ("HTXS", "HTT"):
            for code in (category.get(p.get("ma_so")), TOTAL[0]):
                if code in out:
                    outside.setdefault(code, {"HTXS": 0, "HTT": 0})[level] += 1
        if _undecided(p):
            for code in (category.get(p.get("ma_so")), TOTAL[0]):
                if code in proposed:
                    proposed[code] += 1
        t = p.get("thi_dua") if isinstance(p, dict) else None
        if not isinstance(t, dict):
            continue
        cat = category.get(p.get("ma_so"))
        for code in (cat, TOTAL[0]):
            if code not in out:
                continue
            if t.get("dat_ldtt"):
                out[code]["LDTT"] += 1
            if t.get("de_nghi") == "CSTDCS" and t.get("du_dieu_kien"):
                out[code]["CSTDCS"] += 1
    pkg.emulation = out
    pkg.proposed_by = proposed
    pkg.outside_cap = outside


def _norm(name: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def summarise(paths: list[Path], *, expected: Sequence[str] = (), due: dt.date | None = None,
              today: dt.date | None = None, public_key: Ed25519PublicKey | None = None,
              read: Callable[[Path], Package] | None = None, compiler: str = "",
              labels_dir: Path | None = None) -> Summary:
    """Read and check every package; `expected`: the agencies that must send one; `due`: the
    province's deadline (else each package's own); `read`: how a package is read (`hoso serve`: the
    packages as sent, named as the server knows their agencies), else `read_package`; `compiler`: the
    body compiling when it is not a Sở Nội vụ (a Sở Y tế summing its hospitals), as typed; `labels_dir`: the
    Sở's own templates folder (`--templates`), whose tong_hop_so_noi_vu.toml words the paper (checked here, before
    any package is read: a malformed file is a TemplateError)."""
    labels(labels_dir)
    today = today or clock.today()
    compiler = " ".join(compiler.split())
    packages = [read(p) if read is not None else read_package(p, public_key) for p in paths]
    seen: dict[str, Package] = {}
    home = "" if compiler else home_province(packages)
    for pkg in packages:
        pkg.compiler = compiler
        pkg.home = home
        if due is not None:
            pkg.due = due
    # one evaluation year per summary: the one most packages evaluate (ties: the latest); a package of
    # another year (last year's folder sent again, another year's output) is not added to this year's
    years = Counter(p.year for p in packages if p.year)
    year = max(years, key=lambda y: (years[y], y)) if years else None
    for pkg in packages:
        if year is not None and pkg.year is not None and pkg.year != year:
            pkg.other_year = year  # not a problem of its files: said by its status (`status_words`), not counted
    # one package per agency is counted: a verified one before one that fails, then the latest made
    ranked = sorted(packages, key=lambda p: (not p.verified, -(p.made or dt.date.min).toordinal()))
    for pkg in ranked:
        if pkg.other_year is not None:
            continue
        key = _norm(pkg.agency)
        if key in seen:
            pkg.duplicate_of = seen[key].given
        else:
            seen[key] = pkg
    missing = [name for name in expected if _norm(name) not in seen]
    if due is None:  # no province deadline given: the one every package states, when they agree
        stated = {p.due for p in packages if p.due is not None and p.other_year is None}
        province_due = stated.pop() if len(stated) == 1 else None
    else:
        province_due = due
    return Summary(packages, missing, province_due, today, year, compiler, labels_dir)


def read_expected(path: Path) -> list[str]:
    names = []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and line not in names:
            names.append(line)
    return names


# -- the province --------------------------------------------------------------------------------------------
# the cities directly under the central government (from 1 July 2025): «thành phố X» names a province only for
# these — any other «thành phố» is a city inside a province (up to 2025) and says nothing of which
CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
_PLACE = re.compile(r"(?:^|(?<=[\s,(]))(tỉnh|thành phố|tp\.?)\s+([^,;()\-–]+?)\s*(?=$|[,;()\-–])", re.IGNORECASE)


def province_of(name: object) -> str:
    """The province an agency's name or its superior body's names («Văn phòng UBND tỉnh Hà Giang Nam», «SỞ Y TẾ
    TỈNH HÀ GIANG NAM») as written in a sentence: «tỉnh Hà Giang Nam», «thành phố Huế»; the last one named (a
    commune's «…, tỉnh X»); "" when it names none."""
    from pipeline.forms.printed import name_case
    from pipeline.ingest.cells import name_key

    if not isinstance(name, str):
        return ""
    text = name_case(" ".join(name.split()))
    for m in reversed(list(_PLACE.finditer(text))):
        level, place = m.group(1).casefold(), m.group(2).strip()
        if not place or not place[0].isupper():
            continue
        if level == "tỉnh":
            return f"tỉnh {place}"
        city = next((c for c in CENTRAL_CITIES if name_key(c) == name_key(place)), None)
        if city is not None:
            return f"thành phố {city}"
    return ""


def summary_province(summary: Summary) -> str:
    """The province the summary is of: the one the compiling body names («Sở Y tế tỉnh X»), else the one every
    package that names one names (`Package.tinh`, compared as names are); "" when they disagree or none says."""
    if own := province_of(summary.compiler):
        return own
    return home_province(summary.packages)


def home_province(packages: Sequence[Package]) -> str:
    """The province every package that names one names (`Package.tinh`, compared as names are, as the first
    package writes it); "" when they disagree or none says."""
    from pipeline.ingest.cells import name_key

    named: dict[str, str] = {}
    for pkg in packages:
        if pkg.tinh:
            named.setdefault(name_key(pkg.tinh), pkg.tinh)
    return next(iter(named.values())) if len(named) == 1 else ""


# -- the paper's head and foot (Nghị định 30/2020/NĐ-CP): the wording is data, templates/tong_hop_so_noi_vu.toml
LABELS_FILE = "tong_hop_so_noi_vu.toml"
DOTS = "…………"
LABELS = {
    "quoc_hieu": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "tieu_ngu": "Độc lập - Tự do - Hạnh phúc",
    "cap_tren": "UBND {tinh}",
    "co_quan": RECIPIENT,
    "ky_hieu": "SNV",
    "kem_theo": "(Kèm theo Báo cáo số …………/BC-{ky_hieu} của {co_quan})",
    "nguoi_lap": "NGƯỜI LẬP BIỂU",
    "ky_nguoi_lap": "(Ký, ghi rõ họ tên)",
    "thu_truong_so": "GIÁM ĐỐC",
    "thu_truong_khac": "THỦ TRƯỞNG CƠ QUAN",
    "ky_thu_truong": "(Ký, ghi rõ họ tên)",
}


def labels(root: Path | None = None) -> dict[str, str]:
    """`LABELS` as corrected in tong_hop_so_noi_vu.toml ([labels]) of the templates folder `root` (a Sở's own,
    `hoso tong-hop --templates`), else of the bundled templates. A key the bundled file lacks keeps the wording
    above; a key the Sở's own file lacks (a label the program added after the copy was made) prints the bundled
    file's wording, the program's of today (docs/web.md). The bundled file unreadable keeps the wording above; the
    Sở's own file unreadable or malformed is a TemplateError naming it (its corrections are not silently dropped); a
    folder without the file (exported before the file existed) keeps the bundled wording (`labels_note` says so)."""
    import tomllib

    from pipeline.resources import templates_dir

    own = root is not None and (root / LABELS_FILE).is_file()
    out = labels(None) if own else dict(LABELS)
    path = (root if own and root is not None else templates_dir()) / LABELS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if root is None or path.parent != root:
            return out
        why = exc.strerror or str(exc) if isinstance(exc, OSError) else toml_words(exc)
        raise TemplateError(f"Không đọc được «{path}»: {why}. Sửa tệp này (bảng [labels]) hoặc chép lại từ hoso "
                            "templates export.") from exc
    given = data.get("labels")
    if isinstance(given, dict):
        if path.parent == root and (wrong := sorted(k for k, v in given.items() if k in out and not isinstance(v, str))):
            raise TemplateError(f"«{path}», bảng [labels]: {', '.join(wrong)} phải là chuỗi chữ trong dấu ngoặc kép.")
        # a key written wrong would leave its label the program's, silently (a Sở's «KT. GIÁM ĐỐC» lost)
        if path.parent == root and (unknown := sorted(k for k in given if k not in out)):
            raise TemplateError(f"«{path}», bảng [labels]: {', '.join(unknown)} không phải lời văn nào của bản tổng hợp "
                                f"(các khóa: {', '.join(out)}); giữ nguyên tên khóa như tệp của chương trình.")
        out.update({k: v for k, v in given.items() if k in out and isinstance(v, str)})
        if path.parent == root and (wrong := _placeholder_errors(out)):
            raise TemplateError(f"«{path}», bảng [labels]: {'; '.join(wrong)}.")
    return out


# the {…} names each label may hold (`paper_head` fills them); a label of the Sở's own copy naming another, or a
# brace left open, would stop the summary with a traceback: refused with the file named
PLACEHOLDERS = {"cap_tren": ("tinh",), "kem_theo": ("ky_hieu", "co_quan")}


def _placeholder_errors(words: dict[str, str]) -> list[str]:
    out = []
    for key, names in PLACEHOLDERS.items():
        try:
            words[key].format(**{n: "" for n in names})
        except (KeyError, IndexError, ValueError, AttributeError):
            out.append(f"{key} chỉ được dùng {', '.join('{' + n + '}' for n in names)} trong dấu ngoặc nhọn "
                       "(viết đúng như tệp của chương trình; dấu { hoặc } lẻ: bỏ đi)")
    return out


def labels_note(root: Path | None) -> str:
    """One console line when the Sở's templates folder has no tong_hop_so_noi_vu.toml (exported before the file
    existed): the bundled wording is used. "" otherwise."""
    if root is None or (root / LABELS_FILE).is_file():
        return ""
    return (f"Ghi chú: thư mục mẫu «{root}» không có tệp {LABELS_FILE} (lời văn đầu, cuối bản tổng hợp): dùng lời "
            "văn đi kèm chương trình; muốn sửa, chép tệp này từ một thư mục mới của hoso templates export.")


@dataclass(frozen=True)
class Head:
    """What the summary's letterhead and signature block print (`paper_head`)."""

    cap_tren: str  # the superior body, capitals («UBND TỈNH HÀ GIANG NAM»), dots when not known
    co_quan: str  # the compiling body, capitals («SỞ NỘI VỤ»)
    ten: str  # the compiling body in a sentence («Sở Nội vụ tỉnh Hà Giang Nam»)
    dong_ngay: str  # «Hà Giang Nam, ngày …… tháng …… năm 2026»
    kem_theo: str  # «(Kèm theo Báo cáo số …………/BC-SNV của Sở Nội vụ tỉnh Hà Giang Nam)»
    thu_truong: str  # the head's post over the signature («GIÁM ĐỐC»)


def paper_head(summary: Summary) -> Head:
    """The compiling body (`--noi-tong-hop`, else the Sở Nội vụ) under its superior, the UBND of the province
    (`summary_province`; dots when unknown, or when the body is not a Sở: its superior is not known); the place
    is the province's name (a provincial body's documents, ND 30/2020 Phụ lục I — UNCONFIRMED), the day and
    month left for handwriting as on the agencies' own biểu, the year the summary's."""
    from pipeline.forms.context import date_line
    from pipeline.ingest.cells import name_key

    words = labels(summary.labels_dir)
    tinh = summary_province(summary)
    body = summary.compiler or words["co_quan"]
    # «Sở Y tế tỉnh X» under «UBND TỈNH X»: the body's line does not repeat the province (ND 30's letterheads)
    parts, k = body.split(), len(tinh.split())
    short = body
    if tinh and len(parts) > k and name_key(" ".join(parts[-k:])) == name_key(tinh):
        short = " ".join(parts[:-k]).rstrip(",")
    is_so = name_key(body).split(" ")[:1] == [name_key("Sở")]  # a Sở is headed by its Giám đốc, under the UBND
    top = words["cap_tren"].format(tinh=tinh or DOTS) if is_so else DOTS
    ten = body if summary.compiler else (f"{body} {tinh}" if tinh else body)
    # the place name alone («tỉnh Hà Giang Nam» → «Hà Giang Nam», «thành phố Huế» → «Huế»)
    place = tinh.removeprefix("thành phố ").removeprefix("tỉnh ") if tinh else DOTS
    symbol = words["ky_hieu"] if name_key(body).startswith(name_key(RECIPIENT)) else DOTS
    return Head(cap_tren=top.upper(), co_quan=short.upper(), ten=ten, dong_ngay=date_line(place, None, summary.today.year),
                kem_theo=words["kem_theo"].format(ky_hieu=symbol, co_quan=ten),
                thu_truong=words["thu_truong_so"] if is_so else words["thu_truong_khac"])

# -- words ------------------------------------------------------------------------------------------------
def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "không rõ"


def htxs_words(counts: dict[str, Any], outside: dict[str, int] | None = None) -> tuple[str, bool]:
    """("2 / 20% × 9 = 1,8", over?) — HTXS against 20 % of HTT; `outside`: the agency heads out of the cap
    (`Package.outside_cap`), left out of both numbers and named: «1 / 20% × 8 = 1,6 (không tính 1 người đứng
    đầu cơ quan)»."""
    out_htxs, out_htt = (outside or {}).get("HTXS") or 0, (outside or {}).get("HTT") or 0
    htxs, htt = (counts.get("HTXS") or 0) - out_htxs, (counts.get("HTT") or 0) - out_htt
    limit = f"{htt * 0.2:.1f}".replace(".", ",").removesuffix(",0")
    over = htxs * 5 > htt
    heads = f" (không tính {out_htxs + out_htt} người đứng đầu cơ quan)" if out_htxs + out_htt else ""
    return f"{htxs} / 20% × {htt} = {limit}{heads}", over


def status_words(pkg: Package) -> str:
    parts = ["Kiểm tra đạt" if pkg.verified else f"Không đạt kiểm tra ({len(pkg.problems)} lỗi)"]
    if pkg.other_year is not None:  # whole or not, as its check found: the year alone is no sign of tampering
        return (f"Bộ hồ sơ của năm {pkg.year}, không phải năm đang tổng hợp {pkg.other_year}: không cộng vào số liệu; "
                + parts[0][0].lower() + parts[0][1:])
    if pkg.duplicate_of is not None:
        return f"Nộp trùng (đã có bộ «{pkg.duplicate_of}»): không cộng lại; {parts[0].lower()}"
    late = pkg.late_days
    day = f"gửi ngày {_d(pkg.sent)}" if pkg.sent is not None else f"lập ngày {_d(pkg.made)}"
    if late:
        parts.append(f"nộp muộn {late} ngày ({day}, hạn {_d(pkg.due)})")
    elif late == 0:
        parts.append(f"đúng hạn ({day}, hạn {_d(pkg.due)})")
    elif pkg.due is None and (pkg.made is not None or pkg.sent is not None):
        parts.append(f"{day}, không có hạn nộp để đối chiếu")
    elif pkg.due is not None:  # a build whose papers carry their own dates records no day (module doc)
        parts.append(f"bộ hồ sơ không ghi ngày lập: chưa xét được nộp đúng hạn (hạn {_d(pkg.due)})")
    if pkg.groups_over:
        parts.append(f"biểu của cơ quan ghi {len(pkg.groups_over)} nhóm có nhiệm vụ tương đồng vượt tỷ lệ Hoàn thành "
                     "xuất sắc nhiệm vụ: " + ", ".join(f"«{g}»" for g in pkg.groups_over))
    if pkg.addressed_elsewhere:
        parts.append(elsewhere_part(pkg))
    if pkg.proposed:
        parts.append(f"{pkg.proposed} người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định "
                     "(số liệu xếp loại của cơ quan này là số dự kiến)")
    return "; ".join(parts)


def elsewhere_part(pkg: Package) -> str:
    """«bộ hồ sơ gửi Sở Y tế tỉnh X, không phải Sở Nội vụ: đã tính vào tổng hợp» (a package's status); with a
    compiler named, «… không phải <compiler> …»."""
    return f"bộ hồ sơ gửi {pkg.addressed_to}, không phải {pkg.compiling}: đã tính vào tổng hợp"


def elsewhere_words(summary: Summary) -> str:
    """The sentence naming the counted packages addressed to another body (`Package.addressed_elsewhere`), or
    "": `hoso tong-hop`'s console, the PDF's first paragraph, `hoso serve`'s page. They stay in the sums (the Sở
    decides); a summary that body forwards later may hold them again."""
    others = [p for p in summary.counted if p.addressed_elsewhere]
    if not others:
        return ""
    named = "; ".join(f"{p.agency} (gửi {p.addressed_to})" for p in others)
    bodies = list(dict.fromkeys(p.addressed_to for p in others))
    who = bodies[0] if len(bodies) == 1 else "các cơ quan nhận đó"
    which = "cơ quan này" if len(others) == 1 else "các cơ quan này"
    if summary.compiler:  # a Sở summing its own units: it forwards this summary; that body has the package too
        return (f"{len(others)} bộ hồ sơ gửi cơ quan khác, không phải {summary.compiler}: {named} — đã tính vào tổng "
                f"hợp; {who} cũng nhận bộ hồ sơ của {which}: tránh cộng hai lần khi chuyển bản tổng hợp này.")
    own = max((p.compiling for p in others), key=len)  # «Sở Nội vụ tỉnh X» when one went to another province's
    return (f"{len(others)} bộ hồ sơ gửi cơ quan khác, không phải {own}: {named} — đã tính vào tổng hợp; nếu "
            f"{who} gửi bản tổng hợp có {which}, không cộng lần nữa.")


def total_words(summary: Summary) -> str:
    """The summary's count line, `hoso tong-hop`'s last line and `hoso serve`'s: «3 bộ hồ sơ, 1 bộ không đạt
    kiểm tra, 1 bộ nộp muộn, 1 cơ quan chưa nộp; …»."""
    return (f"{len(summary.packages)} bộ hồ sơ, {len(summary.failed)} bộ không đạt kiểm tra{other_year_words(summary, ', ')}, "
            f"{len(summary.late)} bộ nộp muộn, {len(summary.missing)} cơ quan chưa nộp{proposed_words(summary)}")


def proposed_words(summary: Summary) -> str:
    """«; 1 bộ có mức xếp loại mới là đề xuất (… người)» for the summary's first line, or ""."""
    drafts = [p for p in summary.counted if p.proposed]
    # a package counted without its ratings file (a zip sent alone) cannot tell: said, not left out of the count
    # silently (the line read «1 bộ … (38 người)» as if the other package's levels were all decided)
    unknown = [p for p in summary.counted if p.counts and p.proposed is None]
    said = (f"; {len(drafts)} bộ có mức xếp loại mới là đề xuất, chưa được cấp có thẩm quyền quyết định "
            f"({sum(p.proposed or 0 for p in drafts)} người)") if drafts else ""
    if unknown:
        said += f"; {len(unknown)} bộ không rõ mức xếp loại nào mới là đề xuất (thiếu tệp kết quả xếp loại)"
    return said


def other_year_words(summary: Summary, sep: str) -> str:
    """«, 1 bộ hồ sơ của năm khác không cộng (năm 2024)» (`sep` first) after the count of failing packages, or "":
    a package of another year is not counted, and is not failing for its year (only when its check found a problem,
    then counted among the failing too)."""
    other = summary.other_years
    if not other:
        return ""
    years = ", ".join(str(y) for y in sorted({p.year for p in other if p.year}))
    return f"{sep}{len(other)} bộ hồ sơ của năm khác không cộng (năm {years})"


def other_year_note(summary: Summary) -> str:
    """`hoso tong-hop`'s «Lưu ý» naming each package of another year (not counted): whether its files are intact — a
    package sent for the wrong year is not a tampered one — and that this year's is still wanted; "" when none."""
    other = summary.other_years
    if not other:
        return ""
    named = "; ".join(f"{p.agency} gửi bộ hồ sơ đánh giá, xếp loại năm {p.year} ("
                      + ("các tệp còn nguyên vẹn" if p.verified else "không đạt kiểm tra") + ")" for p in other)
    # an agency whose package of the summary's year is counted here is not asked for it (the note asked the Sở to
    # request a package it held and had summed)
    counted = {_norm(p.agency) for p in summary.counted}
    have = list(dict.fromkeys(p.agency for p in other if _norm(p.agency) in counted))
    wanted = list(dict.fromkeys(p.agency for p in other if _norm(p.agency) not in counted))
    both = bool(have and wanted)
    said = []
    if have:
        who = ", ".join(have) if both else ("cơ quan này" if len(have) == 1 else "các cơ quan này")
        said.append(f"bộ hồ sơ năm {summary.year} của {who} đã được cộng vào bản tổng hợp này")
    if wanted:
        who = ", ".join(wanted) if both else ("cơ quan này" if len(wanted) == 1 else "các cơ quan này")
        said.append(f"nếu chưa nhận bộ hồ sơ năm {summary.year} của {who}, đề nghị gửi bộ đó")
    tail = "; ".join(said)
    return f"không cộng vào tổng hợp năm {summary.year}: {named}. {tail[0].upper()}{tail[1:]}."


def failed_counted_words(summary: Summary) -> str:
    """« Số liệu của … vẫn được cộng …» when packages that fail the check are in the counts (they are: a zip
    sent alone cannot be checked, its table is all the Sở has), or ""; the reader is told, not left to guess."""
    failed = [p for p in summary.counted if not p.verified and p.counts]
    if not failed:
        return ""
    return (f" Số liệu của {len(failed)} bộ không đạt kiểm tra ({', '.join(p.agency for p in failed)}) vẫn được cộng "
            f"vào mục II và III, theo biểu tổng hợp của chính {'bộ' if len(failed) == 1 else 'các bộ'} đó; xem lỗi ở mục "
            "IV.")


def failed_counted_note(summary: Summary) -> str:
    """The same as `failed_counted_words` where the summary has no sections (`hoso tong-hop`'s console «Lưu ý»,
    `hoso serve`'s Sở page under its totals), or "": the console named the failing package and ended «Lỗi: 1 bộ hồ sơ
    không đạt kiểm tra», the page showed its totals, and neither said those totals hold that package's numbers."""
    failed = [p for p in summary.counted if not p.verified and p.counts]
    if not failed:
        return ""
    return (f"Số liệu của {len(failed)} bộ không đạt kiểm tra ({', '.join(p.agency for p in failed)}) vẫn được cộng "
            f"vào tổng hợp, theo biểu tổng hợp của chính {'bộ' if len(failed) == 1 else 'các bộ'} đó.")


def missing_words(summary: Summary) -> str:
    if summary.due is None:
        return "Chưa nộp"
    n = (summary.today - summary.due).days
    return f"Chưa nộp, đã quá hạn {n} ngày" if n > 0 else f"Chưa nộp (hạn {_d(summary.due)})"


def _category_rows(summary: Summary) -> list[list[Any]]:
    rows = []
    for pkg in summary.counted:
        for code, label in (*CATEGORIES, TOTAL):
            c = pkg.counts.get(code)
            if not c or (code != TOTAL[0] and not c.get("tong")):
                continue
            words, over = htxs_words(c, pkg.outside_cap.get(code))
            emu = pkg.emulation.get(code) if pkg.emulation else None
            rows.append([pkg.agency, label, c.get("tong", 0), c.get("xep_loai", 0),
                         *(c.get(k, 0) for k in LEVELS), c.get("khong_xep_loai", 0), words,
                         "Vượt" if over else "Không vượt",
                         "" if emu is None else emu["LDTT"], "" if emu is None else emu["CSTDCS"],
                         proposed_cell(pkg.proposed_by.get(code) if pkg.proposed_by else None), without_level(c)])
    return rows


def shares_words(summary: Summary) -> str:
    """The sentence under the totals' table of the PDF: each level's share of the people rated («Tổng cộng»), as the
    agencies' biểu give theirs (one decimal, half up: `summary_table.vn_percent`), and that proposals are in them;
    "" when no one is rated. The summary printed counts only: the UBND tỉnh worked the shares out by hand."""
    from pipeline.submission.summary_table import vn_percent

    total = _province_totals(summary)[TOTAL[0]]
    rated = total["xep_loai"]
    if not rated:
        return ""
    parts = [f"{WORDS[k]} {vn_percent(total[k] / rated)}%" for k in LEVELS]
    if n := without_level(total):
        parts.append(f"được xếp loại nhưng chưa có mức {vn_percent(n / rated)}%")
    counted = [p for p in summary.counted if p.counts]
    drafts = any(not p.proposed_by or p.proposed_by.get(TOTAL[0]) for p in counted)
    return (f"Tỷ lệ trên tổng số được xếp loại ({rated} người): " + "; ".join(parts) + "."
            + (" Tỷ lệ tính cả các mức mới là đề xuất, chưa được cấp có thẩm quyền quyết định (cột «Trong đó mức mới là "
               "đề xuất…»): có thể còn thay đổi." if drafts else ""))


def without_level(counts: dict[str, Any]) -> int:
    """Rated people the table gives no level (the agency's biểu names them in «Ghi chú»): without this the
    levels of a row do not add up to «Số được xếp loại»."""
    return (counts.get("xep_loai") or 0) - sum(counts.get(k) or 0 for k in LEVELS)


def proposed_cell(n: int | None) -> int | str:
    """How many of a row's levels are only the unit's proposal (a count of proposals is not a result);
    a package without its ratings file cannot tell."""
    return "Không rõ (thiếu tệp kết quả xếp loại)" if n is None else n


def province_totals(summary: Summary) -> dict[str, dict[str, Any]]:
    """The province's counts per staff category and overall (`TOTAL`), of the packages counted."""
    return _province_totals(summary)


def _province_totals(summary: Summary) -> dict[str, dict[str, Any]]:
    keys = ("tong", "xep_loai", *LEVELS, "khong_xep_loai")
    out = {code: dict.fromkeys(keys, 0) for code, _ in (*CATEGORIES, TOTAL)}
    for pkg in summary.counted:
        for code, c in pkg.counts.items():
            if code in out:
                for k in keys:
                    out[code][k] += c.get(k) or 0
    return out


# -- .xlsx ------------------------------------------------------------------------------------------------
PROPOSED_HEADER = "Trong đó mức mới là đề xuất, chưa được cấp có thẩm quyền quyết định"
WITHOUT_LEVEL_HEADER = "Được xếp loại nhưng chưa có mức"
COUNT_HEADERS = [("Cơ quan, đơn vị", 36), ("Đối tượng", 40), ("Tổng số", 9), ("Số được xếp loại", 11),
                 *((WORDS[k], 16) for k in LEVELS), ("Không xếp loại", 11),
                 ("Số hoàn thành xuất sắc / 20% số hoàn thành tốt", 22),
                 ("So với 20% số hoàn thành tốt", 13),  # CAP_HEADER
                 ("Lao động tiên tiến", 12), ("Chiến sĩ thi đua cơ sở (trong tỷ lệ)", 14),
                 (PROPOSED_HEADER, 16), (WITHOUT_LEVEL_HEADER, 12)]


def workbook(summary: Summary) -> Book:
    from pipeline.ingest.xlsx_write import Book, table

    wb = Book(ngoac_kep=True)  # a paper the Sở signs: “…” as the agencies' papers (pipeline/quotes.py)
    # on every printed page, as the PDF's title
    wb.page_title = "Tổng hợp kết quả đánh giá, xếp loại chất lượng" + (f" năm {summary.year}" if summary.year else "")
    ws = wb.create_sheet("CoQuan")
    rows = []
    for pkg in summary.packages:
        # another year's package is not counted (status «không cộng»): nor are its emulation titles shown
        emu = (pkg.agency_emulation or {}) if pkg.other_year is None else {}
        rows.append([pkg.agency, str(pkg.given), _day(pkg.made), _day(pkg.due),
                     "" if pkg.late_days is None or pkg.other_year is not None else pkg.late_days,
                     "Đạt" if pkg.verified else "Không đạt", status_words(pkg),
                     emu.get("so_dat_ldtt", ""), emu.get("so_cstdcs", ""),
                     "\n".join(f"• {p}" for p in pkg.problems)])
    for name in summary.missing:
        rows.append([name, "", "", _day(summary.due), "", "", missing_words(summary), "", "", ""])
    table(ws, 1, [("Cơ quan, đơn vị", 36), ("Bộ hồ sơ nhận được", 40), ("Ngày lập", 12), ("Hạn nộp", 12),
                  ("Số ngày nộp muộn", 10), ("Kiểm tra", 10), ("Tình trạng", 50), ("Lao động tiên tiến", 12),
                  ("Chiến sĩ thi đua cơ sở (trong tỷ lệ)", 14), ("Lỗi khi kiểm tra", 90)], rows, wrap_cols={7, 10},
          date_cols={3, 4})
    # wider than a page: each page of a row's columns names its agency (and category) at its left
    ws.title_cols = "A"
    ws = wb.create_sheet("TheoDoiTuong")
    # «Số hoàn thành xuất sắc / 20% …»'s working («1 / 20% × 30 = 6 (không tính …)») wrapped: not cut by the next cell
    table(ws, 1, _with_cap_caveat(COUNT_HEADERS), _category_rows(summary), wrap_cols={10})
    ws.title_cols = "A:B"
    ws = wb.create_sheet("ToanTinh")
    trows = _total_rows(summary)
    table(ws, 1, _with_cap_caveat(TOTAL_HEADERS), trows, wrap_cols={9})
    ws.title_cols = "A"
    # the shares the PDF gives under its totals, on a sheet of their own: ToanTinh's columns keep their places
    ws = wb.create_sheet("TyLeToanTinh")
    table(ws, 1, [("Đối tượng", 40), ("Số được xếp loại", 11), *SHARE_HEADERS],
          [[row[0], row[2], *_shares(summary, row[0])] for row in trows], percent_cols=set(range(3, 3 + len(SHARE_HEADERS))))
    return wb


def _day(value: dt.date | None) -> dt.date | str:
    """A date of the CoQuan sheet: the date itself (shown dd/mm/yyyy, sorted and filtered as a date), or «không rõ»."""
    return value if value else _d(value)


# the shares of the PDF's sentence under its totals (`shares_words`), sheet TyLeToanTinh: each level's share of the
# people rated, one decimal, half up as the agencies' biểu (summary_table.vn_percent), a number shown «0.0%», for
# every staff category of ToanTinh and the total (whose row gives the PDF's numbers)
SHARE_BASE = " (trên số được xếp loại)"
SHARE_HEADERS = [*((f"Tỷ lệ {WORDS[k]}{SHARE_BASE}", 14) for k in LEVELS),
                 (f"Tỷ lệ được xếp loại nhưng chưa có mức{SHARE_BASE}", 14)]


def _shares(summary: Summary, label: str) -> list[float | str]:
    """The ToanTinh row `label`'s shares (`SHARE_HEADERS`); "" for a category nobody of is rated."""
    from pipeline.rating.rules import percent_tenths

    code = next(code for code, name in (*CATEGORIES, TOTAL) if name == label)
    c = _province_totals(summary)[code]
    rated = c["xep_loai"]
    if not rated:
        return [""] * len(SHARE_HEADERS)
    return [(percent_tenths(n / rated) or 0) / 1000 for n in (*(c[k] for k in LEVELS), without_level(c))]


CAP_HEADER = "So với 20% số hoàn thành tốt"
CAP_CAVEAT = " (chỉ để lưu ý: tỷ lệ xét trong từng nhóm có nhiệm vụ tương đồng của mỗi cơ quan)"


def _with_cap_caveat(headers: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The spreadsheet has no note under its tables (the PDF has): its 20 % column says what it is in its header."""
    return [(h + CAP_CAVEAT, w + 6) if h == CAP_HEADER else (h, w) for h, w in headers]


# The 20 % rule up to 2025 (shared/domain/rules.md R0, R5.1): clause 6 of ND 90 Art. 2, *added* by ND 48/2023,
# caps the HTXS ratio at the party's, and the party's rule of the year sets the 20 % of the HTT count (QĐ 124 +
# HD 25 for 2023–2024, QĐ 366 + HD 43 for 2025, as the rulebooks cite them); before ND 48 (up to 2022) only the
# party's HD 21-HD/BTCTW of 2019, applied through the agency's rules. ND 48 sets no number of its own.
_ND48_CAP = "khoản 6 Điều 2 Nghị định 90/2020/NĐ-CP (được bổ sung bởi Nghị định 48/2023/NĐ-CP)"
_PARTY_CAP = ((2022, "Quy định số 132-QĐ/TW và Hướng dẫn số 21-HD/BTCTW năm 2019 (áp dụng theo quy chế đánh giá "
                     "của cơ quan)"),
              (2024, f"{_ND48_CAP} và Quy định số 124-QĐ/TW, Hướng dẫn số 25-HD/BTCTW"),
              (2025, f"{_ND48_CAP} và Quy định số 366-QĐ/TW, Hướng dẫn số 43-HD/BTCTW"))


def cap_citation(year: int, templates: Path | None = None) -> str:
    """The texts setting the 20 % cap from 2026 (ND 335 for công chức; ND 233 for viên chức, UNCONFIRMED): data, the
    year's `ty_le` of can_cu.toml — the Sở's own copy in `templates` (`--templates`) when it has one, else the
    bundled file — or its `ngan` when that copy has no `ty_le` (one exported before the key existed)."""
    from pipeline.forms.can_cu import citations

    cites = citations(year, folder=templates)
    return cites.get("ty_le") or cites["ngan"]


def _cap_basis(years: list[int], templates: Path | None = None) -> str:
    """The texts that set the 20 % rule for the evaluation years of the packages (in force that year)."""
    new = cap_citation(max(years), templates) if years and max(years) >= 2026 else ""

    def old(year: int | None) -> str:
        if year is None:
            return f"{_ND48_CAP} và quy định của Đảng"
        return next(text for last, text in _PARTY_CAP if year <= last)

    if years and min(years) >= 2026:
        return new
    if years and max(years) >= 2026:
        return f"{old(min(years))} đến năm 2025; {new} từ năm 2026"
    return old(max(years) if years else None)


TOTAL_HEADERS = COUNT_HEADERS[1:]


def _total_rows(summary: Summary) -> list[list[Any]]:
    """The province's totals per staff category and overall, as printed in the xlsx and the PDF; the
    emulation and proposal columns come from the ratings files, which a package without one cannot tell
    (said so in the cell)."""
    totals = _province_totals(summary)
    unknown = [p for p in summary.counted if p.counts and not p.proposed_by]
    every = len(unknown) == len([p for p in summary.counted if p.counts])

    def cell(n: int) -> int | str:
        if not unknown:
            return n
        return proposed_cell(None) if every else f"{n} (chưa tính {len(unknown)} bộ thiếu tệp kết quả xếp loại)"

    rows = []
    for code, label in (*CATEGORIES, TOTAL):
        c = totals[code]
        heads = [p.outside_cap[code] for p in summary.counted if code in p.outside_cap]
        words, over = htxs_words(c, {k: sum(h[k] for h in heads) for k in ("HTXS", "HTT")})
        emu = [p.emulation[code] for p in summary.counted if p.emulation and code in p.emulation]
        rows.append([label, c["tong"], c["xep_loai"], *(c[k] for k in LEVELS), c["khong_xep_loai"], words,
                     "Vượt" if over else "Không vượt", cell(sum(e["LDTT"] for e in emu)),
                     cell(sum(e["CSTDCS"] for e in emu)),
                     cell(sum(p.proposed_by.get(code, 0) for p in summary.counted)), without_level(c)])
    return rows


def xlsx_bytes(summary: Summary) -> bytes:
    from pipeline.ingest.xlsx_write import book_bytes

    return book_bytes(workbook(summary), dt.datetime.combine(summary.today, dt.time()))


def _words(text: str) -> str:
    """Level codes (in a verification message) in full words: nothing printed is an internal code."""
    return re.sub(r"\b(HTXS|HTT|HT|KHT)\b", lambda m: f"«{WORDS[m.group(1)]}»", text)


# -- PDF --------------------------------------------------------------------------------------------------
# the tables' column widths (points; the landscape page's text is 770 wide) and cell padding: every header cell
# of sections II and III wraps to at most `HEADER_LINES` lines (`header_lines`), the long headers in full
COUNT_WIDTHS: tuple[float, ...] = (92, 96, 30, 34, 42, 42, 36, 42, 34, 70, 48, 34, 46, 76, 48)
TOTAL_WIDTHS: tuple[float, ...] = (128, 36, 40, 44, 44, 40, 44, 36, 86, 50, 38, 48, 80, 56)
LIST_WIDTHS: tuple[float, ...] = (34, 230, 62, 62, 382)
PAD = 3
HEADER_LINES = 4


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    from pipeline.bundle.pens import fonts

    regular, bold = fonts()
    italic = _italic(regular)
    base = ParagraphStyle("t", fontName=regular, fontSize=8.5, leading=10.5)
    big = ParagraphStyle("L", fontName=regular, fontSize=12.5, leading=15, alignment=1)
    return {"base": base, "head": ParagraphStyle("h", parent=base, fontName=bold), "regular": regular, "bold": bold,
            "italic": italic, "big": big, "big_bold": ParagraphStyle("LB", parent=big, fontName=bold),
            "big_italic": ParagraphStyle("LI", parent=big, fontName=italic)}


def _italic(regular: str) -> str:
    """The italic face beside the forms' serif font (`pens.fonts`), registered once; the regular one without it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from pipeline.bundle.pens import FONT_DIRS, FONT_FILES

    name = "HosoSerif-Italic"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    for folder in FONT_DIRS:
        for plain, _ in FONT_FILES:
            r, i = Path(folder) / plain, Path(folder) / plain.replace("-Regular", "").replace(".ttf", "-Italic.ttf")
            if r.is_file():  # the face `fonts` took: its italic, or none
                if not i.is_file():
                    return regular
                pdfmetrics.registerFont(TTFont(name, str(i)))
                return name
    return regular


def header_lines(table: str) -> list[int]:
    """How many lines each header cell of section «II» (per agency and category) or «III» (the totals) wraps to
    in the PDF, as reportlab lays it out."""
    from reportlab.platypus import Paragraph

    head = _styles()["head"]
    headers, widths = (COUNT_HEADERS, COUNT_WIDTHS) if table == "II" else (TOTAL_HEADERS, TOTAL_WIDTHS)
    out = []
    for (text, _), width in zip(headers, widths, strict=True):
        _, height = Paragraph(text, head).wrap(width - 2 * PAD, 10_000)
        out.append(round(height / head.leading))
    return out


def pdf_bytes(summary: Summary) -> bytes:
    """A4 landscape, a biểu as the agencies' (ND 30/2020): the letterhead (`paper_head`), the title, the list
    of agencies (verification, deadline), the counts per agency and staff category, the province totals, each
    failing package's problems, then the signatures of the one who drew it up and of the body's head, left for
    handwriting."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import (
        Flowable,
        HRFlowable,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    st = _styles()
    regular, bold = st["regular"], st["bold"]
    base, head = st["base"], st["head"]
    title = ParagraphStyle("T", parent=base, fontName=bold, fontSize=13, leading=17, alignment=1)
    h2 = ParagraphStyle("H", parent=base, fontName=bold, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)

    def esc(s: object) -> str:  # “…” where the words quote «…», as every paper (pipeline/quotes.py)
        return curly_quotes(_words(str(s))).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def grid(header: list[str], rows: list[list[Any]], widths: Sequence[float]) -> Table:
        data = [[Paragraph(esc(h), head) for h in header]] + [[Paragraph(esc(v), base) for v in r] for r in rows]
        t = Table(data, colWidths=list(widths), repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8"))]))
        return t

    def lines(text: str, style: Any) -> Paragraph:  # a name broken by `break_lines`: "\n" a line break
        return Paragraph("<br/>".join(esc(x) for x in text.split("\n")), style)

    def rule(text: str, style: Any, share: float) -> HRFlowable:  # the short line under a name (ND 30)
        width = max(stringWidth(x, style.fontName, style.fontSize) for x in text.split("\n"))
        return HRFlowable(width=width * share, thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=0,
                          hAlign="CENTER")

    def two(left: list[Flowable], right: list[Flowable], widths: list[float]) -> Table:
        t = Table([[left, right]], colWidths=widths)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return t

    from pipeline.forms.printed import header_left

    years = [summary.year] if summary.year else []
    year = f" NĂM {summary.year}" if summary.year else ""
    # the letterhead: the superior body over the compiling one (a named compiler, a Sở Y tế summing its
    # hospitals, else the Sở Nội vụ), broken as every paper's header (`printed.header_left`); the quốc hiệu,
    # tiêu ngữ and the place and date line
    words, paper = labels(summary.labels_dir), paper_head(summary)
    left = header_left(paper.cap_tren, paper.co_quan)
    motto = words["tieu_ngu"]
    story: list[Flowable] = [
        two([lines(left["ngang_tren"], st["big"]), lines(left["ngang_duoi"], st["big_bold"]),
             rule(left["ngang_duoi"].split("\n")[-1], st["big_bold"], 0.4)],
            [Paragraph(esc(words["quoc_hieu"]), st["big_bold"]), Paragraph(esc(motto), st["big_bold"]),
             rule(motto, st["big_bold"], 1.0), Spacer(1, 5), Paragraph(esc(paper.dong_ngay), st["big_italic"])],
            [290, 480]),
        Spacer(1, 10)]
    by = f"Cơ quan tổng hợp: {summary.compiler}. " if summary.compiler else ""
    # agencies' names are in these words: escaped as a whole (reportlab reads «&», «<» as markup)
    first = (f"{by}Lập ngày {_d(summary.today)}. Nhận {len(summary.packages)} bộ hồ sơ; "
             f"{len(summary.failed)} bộ không đạt kiểm tra{other_year_words(summary, '; ')}; {len(summary.late)} bộ nộp muộn; "
             f"{len(summary.missing)} cơ quan chưa nộp{proposed_words(summary)}.{failed_counted_words(summary)}"
             + (f" {elsewhere_words(summary)}" if elsewhere_words(summary) else ""))
    story += [Paragraph(f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG{year}", title),
              Paragraph("cán bộ, công chức, viên chức và người lao động của các cơ quan, đơn vị", title),
              Paragraph(esc(paper.kem_theo), ParagraphStyle("K", parent=base, fontName=st["italic"], fontSize=11,
                                                            leading=14, alignment=1)),
              Spacer(1, 6),
              Paragraph(esc(first), base)]
    story.append(Paragraph("I. Tình hình nộp hồ sơ", h2))
    rows = [[i, p.agency, _d(p.made), _d(p.due), status_words(p)] for i, p in enumerate(summary.packages, 1)]
    rows += [[len(rows) + i, name, "", _d(summary.due), missing_words(summary)]
             for i, name in enumerate(summary.missing, 1)]
    story.append(grid(["STT", "Cơ quan, đơn vị", "Ngày lập", "Hạn nộp", "Tình trạng"], rows, LIST_WIDTHS))
    story.append(Paragraph("II. Kết quả xếp loại theo cơ quan và đối tượng", h2))
    header = [h for h, _ in COUNT_HEADERS]
    story.append(grid(header, _category_rows(summary), COUNT_WIDTHS))
    story.append(Paragraph(esc(
        f"Số hoàn thành xuất sắc nhiệm vụ so với 20% số hoàn thành tốt nhiệm vụ: theo {_cap_basis(years, summary.labels_dir)}, số được "
        "xếp loại «Hoàn thành xuất sắc nhiệm vụ» không quá 20% số được xếp loại «Hoàn thành tốt nhiệm vụ», xét trong "
        "từng nhóm đối tượng tương đồng của mỗi cơ quan; cột này chỉ để lưu ý. Bản tổng hợp không thấy các nhóm: kết quả "
        "kiểm tra theo từng nhóm là của chính cơ quan (phần «Kiểm tra tỷ lệ hoàn thành xuất sắc nhiệm vụ theo nhóm có "
        "nhiệm vụ tương đồng» của biểu tổng hợp cơ quan gửi); nhóm nào vượt tỷ lệ được ghi ở cột «Tình trạng» mục I."
        + (f" Người đứng đầu cơ quan mà biểu của cơ quan ghi ở nhóm «{HEAD_GROUP}» do cấp trên đánh giá, xếp loại, "
           "không tính trong tỷ lệ của cơ quan: cột này cũng không tính người đó (ghi «không tính … người đứng đầu cơ "
           "quan»)." if any(p.outside_cap for p in summary.counted) else "")), base))
    story.append(Paragraph(f"III. Tổng hợp chung của {esc(summary.compiler)}" if summary.compiler
                           else "III. Tổng hợp toàn tỉnh", h2))
    trows = _total_rows(summary)
    story.append(grid([h for h, _ in TOTAL_HEADERS], trows, TOTAL_WIDTHS))
    tail = len(story) - 2  # what the signatures are kept with: section III's heading and table (and the shares
    # under it), or (below) the last failing package's name and its last problems
    if shares := shares_words(summary):
        story.append(Paragraph(esc(shares), base))
    failed = summary.failed
    if failed:
        story.append(Paragraph("IV. Bộ hồ sơ không đạt kiểm tra", h2))
        for p in failed:
            tail = len(story)
            story.append(Paragraph(f"{esc(p.agency)} — {esc(p.given)}", head))
            for problem in p.problems[:50]:
                story.append(Paragraph("• " + esc(problem), base))
            if len(p.problems) > 50:
                story.append(Paragraph(f"… và {len(p.problems) - 50} lỗi khác (xem tệp {XLSX}).", base))
    # the signatures, names left for handwriting (the agencies' biểu: «NGƯỜI LẬP BIỂU» and the head), kept on a
    # page with what comes before them (a page of signatures alone is signed for nothing that can be seen)
    # a label's line break is kept: «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC» when a deputy signs (ND 30/2020)
    def said(text: str) -> str:
        return "<br/>".join(esc(line) for line in text.split("\n"))

    signatures = two(
        [Paragraph(said(words["nguoi_lap"]), st["big_bold"]), Paragraph(said(words["ky_nguoi_lap"]), st["big_italic"])],
        [Paragraph(said(paper.thu_truong), st["big_bold"]), Paragraph(said(words["ky_thu_truong"]), st["big_italic"]),
         Spacer(1, 70)],
        [385, 385])
    tail = max(tail, len(story) - 3)
    story[tail:] = [KeepTogether([*story[tail:], Spacer(1, 12), signatures])]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=36, rightMargin=36, topMargin=36,
                            bottomMargin=36, title="Tổng hợp kết quả đánh giá, xếp loại chất lượng", invariant=1)

    from reportlab.pdfgen.canvas import Canvas

    class Numbered(Canvas):
        """Each page «Trang k/n» at its foot (a printed summary of several pages, tables split across them): the
        pages are kept until the count is known (reportlab's deferred showPage)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._kept.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own, untyped

        def save(self) -> None:
            for state in self._kept:
                self.__dict__.update(state)
                self.setFont(regular, 8.5)
                self.drawCentredString(landscape(A4)[0] / 2, 20, f"Trang {self.getPageNumber()}/{len(self._kept)}")
                Canvas.showPage(self)
            Canvas.save(self)

    doc.build(story, canvasmaker=Numbered)
    return buf.getvalue()


RECORD = ".tong_hop.json"  # what the last run wrote into the folder: {"tao_boi": "hoso", "tep": {name: sha256}}


def write(summary: Summary, outdir: Path, kept: list[Path] | None = None) -> tuple[Path, Path]:
    """The table and its PDF into `outdir`, each written whole (a temporary file renamed). A file there
    that is not what the last run wrote (the Sở's clerk typed notes into the table, or it came from
    elsewhere) is first renamed aside, `tong_hop_so_noi_vu.truoc-<date-time>.xlsx`, and listed in
    `kept`: a run never replaces someone's work."""
    import hashlib
    import os
    import time

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    try:
        record = json.loads((outdir / RECORD).read_text(encoding="utf-8"))
        written = record["tep"] if isinstance(record, dict) and isinstance(record.get("tep"), dict) else {}
    except (OSError, ValueError):
        written = {}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    digests: dict[str, str] = {}
    for name, data in ((XLSX, xlsx_bytes(summary)), (PDF, pdf_bytes(summary))):
        target = outdir / name
        if os.path.lexists(target):
            try:
                same = target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == written.get(name)
            except OSError:
                same = False
            if not same:
                aside = portable.free_name(outdir, f"{target.stem}.truoc-{stamp}", target.suffix)
                os.rename(target, aside)
                if kept is not None:
                    kept.append(aside)
        portable.replace_file(target, _bytes_writer(data), prefix=".tong_hop_")
        digests[name] = hashlib.sha256(data).hexdigest()
    (outdir / RECORD).write_text(json.dumps({"tao_boi": "hoso", "tep": digests}), encoding="utf-8")
    return outdir / XLSX, outdir / PDF


def _bytes_writer(data: bytes) -> Callable[[str], object]:
    """What `portable.replace_file` calls to fill its temporary file with `data`."""
    return lambda tmp: Path(tmp).write_bytes(data)
