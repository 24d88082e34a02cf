"""`hoso verify OUTDIR`: is this output folder exactly what `hoso build` wrote?

Checks, each problem named with its path (messages in Vietnamese):
1. every file of manifest.json: present, same size and SHA-256 (changed / missing files);
2. no file on disk that the manifest does not list (extra files);
3. every person of ket_qua_xep_loai.json is in exactly one per-person dossier (manifest `ca_nhan`),
   of their own unit, and in that unit's bundle sections (manifest `don_vi`) — for a build limited
   with --unit/--person, only the people inside that scope;
4. the counts of bieu_tong_hop.xlsx (and of the manifest's `nop_so_noi_vu.bieu_tong_hop`, which the
   report prints) equal an independent count of ket_qua_xep_loai.json, person by person;
5. `ho_so_<nam>.zip` lists exactly the files of `nop_so_noi_vu/`, with the same contents, and the
   copies of dossiers (`goc`: a leader's own dossier; the leaders' unit dossier in packages built before the
   leaders' file) equal their originals;
6. the leaders' file made for the Sở Nội vụ (`tap_the_lanh_dao`, `nop_so_noi_vu/ho_so_lanh_dao.pdf`) names its
   unit and kind in its metadata (`ban_ghi_pdf`), and its sections hold each leader the package lists for it
   exactly once and nobody else (no other person's papers go to the Sở: dossier.md §3.2).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pipeline.manifest import MANIFEST
from pipeline.ownership import SIGNED_LIST, editor_lock, signed_files
from pipeline.rating.levels import WORDS
from pipeline.submission.signing import SIGNATURE
from pipeline.submission.summary_table import (
    CATEGORIES,
    TOTAL,
    TableUnreadable,
    count_rows,
    read_table,
)

RATINGS = "ket_qua_xep_loai.json"
COUNT_WORDS = {"tong": "tổng số", "xep_loai": "số được xếp loại", "HTXS": "HTXS", "HTT": "HTT", "HT": "HT",
               "KHT": "KHT", "khong_xep_loai": "không xếp loại"}


@dataclass
class VerifyReport:
    outdir: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    people: int = 0
    signed: int = 0  # files of da_ky/ (hoso nhan-ban-ky) as its list records them
    submission: bool = False  # the dossier, summary-table and zip checks ran

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# manifest.json and ket_qua_xep_loai.json of 10,000 people are tens of MB: a package from elsewhere whose file
# is far bigger is not read (a 3 GB manifest.json was read whole, then parsed: memory for the Sở's machine)
MAX_JSON = 256 * 1024 * 1024


def oversized(path: Path) -> bool:
    try:
        return path.stat().st_size > MAX_JSON
    except OSError:
        return False


def too_big(path: Path) -> str | None:
    """The problem of a JSON file too big to read, or None."""
    if not oversized(path):
        return None
    return f"Tệp {path.name} lớn bất thường ({path.stat().st_size // (1 << 20)} MB, quá {MAX_JSON >> 20} MB): không đọc."


def _load_json(path: Path) -> Any:
    if oversized(path):
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def _opened(folder: Path, public_key: Ed25519PublicKey | None) -> tuple[VerifyReport, Any, bool]:
    """The report begun for `folder`: its signature checked first (with `public_key`), its manifest read (None when
    it cannot be), a manifest or ratings file too big to read named; False when there is no such folder."""
    rep = VerifyReport(folder)
    if not folder.is_dir():
        rep.problems.append(f"Không có thư mục «{folder}».")
        return rep, None, False
    if public_key is not None:
        from pipeline.submission import signing

        why = signing.check(folder, public_key)
        if why:
            rep.problems.append(f"Chữ ký: {why}.")
        else:
            rep.notes.append(f"manifest.json được ký đúng bằng khóa {signing.fingerprint(public_key)}.")
    manifest = _load_json(folder / MANIFEST)
    rep.problems.extend(why for why in (too_big(folder / MANIFEST), too_big(folder / RATINGS)) if why)
    return rep, manifest, True


def verify(outdir: Path, public_key: Ed25519PublicKey | None = None) -> VerifyReport:
    """`public_key` (an Ed25519 public key, `signing.load_public`): manifest.json must carry a
    valid signature by it (`manifest.json.sig`), checked before anything else."""
    outdir = Path(outdir)
    rep, manifest, found = _opened(outdir, public_key)
    if not found:
        return rep
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        rep.problems.append(f"Thiếu hoặc hỏng tệp {MANIFEST} trong «{outdir}»: không kiểm tra được.")
        return rep
    files = {f["path"]: f for f in manifest["files"] if isinstance(f, dict) and "path" in f}
    ok_files = _check_files(outdir, files, rep)
    ratings = _load_json(outdir / RATINGS) if RATINGS in ok_files or (outdir / RATINGS).is_file() else None
    people = ratings.get("nguoi") if isinstance(ratings, dict) else None
    if not isinstance(people, list):
        rep.problems.append(f"Không đọc được {RATINGS}: không kiểm tra được hồ sơ từng người và biểu tổng hợp.")
        return rep
    rep.people = len(people)
    section = manifest.get("nop_so_noi_vu")
    if not manifest.get("ca_nhan") and section is None:
        rep.notes.append("Thư mục chỉ có kết quả xếp loại (hoso rate): không có hồ sơ để đối chiếu.")
        return rep
    _check_people(outdir, manifest, people, files, rep)
    if section is None:
        rep.problems.append(f"{MANIFEST} không có mục «nop_so_noi_vu»: thiếu bộ hồ sơ nộp Sở Nội vụ.")
        return rep
    _check_table(outdir, section, people, rep)
    _check_zip(outdir, section, files, rep)
    _check_leaders_file(outdir, section, people, rep)
    rep.submission = True
    return rep


LEADERS_KIND = "tap_the_lanh_dao"  # submission/package.py: the leaders' file made for the Sở Nội vụ


def _check_leaders_file(outdir: Path, section: dict[str, Any], people: list[Any], rep: VerifyReport) -> None:
    """Check 6: the leaders' file for the Sở Nội vụ is the one hoso made for that unit (its metadata), and holds
    the leaders listed for it (`lanh_dao[].pdf`), each once, and no other person."""
    names = {p.get("ma_so"): p.get("ho_ten", "") for p in people if isinstance(p, dict)}
    for t in section.get("tep") or []:
        if not isinstance(t, dict) or t.get("loai") != LEADERS_KIND or not isinstance(t.get("path"), str):
            continue
        path, unit = t["path"], str(t.get("ma_don_vi") or "")
        if (outdir / path).is_file():
            _check_identity(outdir / path, "/HosoDonVi", unit, f"Hồ sơ lãnh đạo gửi Sở {path}", rep, t.get(RECORD))
        inside = [str(s["ma_so"]) for s in t.get("muc") or [] if isinstance(s, dict) and s.get("ma_so")]
        listed = [str(x.get("ma_so")) for x in section.get("lanh_dao") or []
                  if isinstance(x, dict) and x.get("pdf") == path]
        for ma in sorted(set(inside) - set(listed)):
            rep.problems.append(f"{path}: có hồ sơ của {names.get(ma, '')} ({ma}), không phải lãnh đạo cơ quan "
                                f"({MANIFEST}, mục nop_so_noi_vu.lanh_dao): hồ sơ của người khác không gửi Sở.")
        for ma in listed:
            if inside.count(ma) != 1:
                rep.problems.append(f"{path}: hồ sơ của lãnh đạo {names.get(ma, '')} ({ma}) có {inside.count(ma)} lần "
                                    "(phải đúng 1 lần).")


def _check_files(outdir: Path, files: dict[str, dict[str, Any]], rep: VerifyReport) -> set[str]:
    ok = set()
    for path, entry in sorted(files.items()):
        full = outdir / path
        if not full.is_file():
            rep.problems.append(f"Thiếu tệp: {path}")
            continue
        rep.files += 1
        size = full.stat().st_size
        if size != entry.get("bytes") or _sha256(full) != entry.get("sha256"):
            rep.problems.append(f"Tệp bị sửa: {path} (nội dung khác với lúc tạo, theo mã SHA-256 trong {MANIFEST})")
            continue
        ok.add(path)
    on_disk = {p.relative_to(outdir).as_posix() for p in outdir.rglob("*") if p.is_file()}
    signed = signed_files(outdir)  # hoso nhan-ban-ky's signed scans, listed by da_ky/nhan_ban_ky.json
    for path, digest in sorted(signed.items()):
        if not digest:
            continue
        if path not in on_disk:
            rep.problems.append(f"Thiếu tệp bản đã ký: {path} (có trong {SIGNED_LIST})")
        elif _sha256(outdir / path) != digest:
            rep.problems.append(f"Tệp bản đã ký bị sửa: {path} (khác với lúc hoso nhan-ban-ky ghi, theo {SIGNED_LIST})")
        else:
            rep.signed += 1
    if rep.signed:
        rep.notes.append(f"Bản đã ký (da_ky/, do hoso nhan-ban-ky ghi): {rep.signed} tệp khớp {SIGNED_LIST}.")
    from pipeline import printed

    mark = printed.read(outdir)  # hoso da-in: not listed (marking changes no listed file)
    if mark is not None:
        rep.notes.append(f"Dấu đã in ({printed.MARK_FILE}, do hoso da-in ghi): lần in lúc "
                         f"{printed.when_words(str(mark.get('ngay')))}.")
    locks = []
    for path in sorted(on_disk - set(files) - set(signed) - {MANIFEST, SIGNATURE}
                       - ({printed.MARK_FILE} if mark is not None else set())):
        if editor_lock(path.rsplit("/", 1)[-1]):  # a document open in Word/LibreOffice: its lock file, not the clerk's
            locks.append(path)
            continue
        if signed and path.startswith("da_ky/"):
            rep.problems.append(f"Tệp thừa: {path} (không có trong {SIGNED_LIST}; có thể do một lần hoso nhan-ban-ky "
                                "bị dừng giữa chừng: chạy lại hoso nhan-ban-ky với các bản quét đó)")
            continue
        rep.problems.append(f"Tệp thừa: {path} (không có trong {MANIFEST})")
    if locks:
        rep.notes.append(f"Tệp khóa của Word/LibreOffice (tài liệu đang mở; không thuộc bộ hồ sơ, bỏ qua): "
                         f"{', '.join(locks[:10])}{f' và {len(locks) - 10} tệp khác' if len(locks) > 10 else ''}.")
    return ok


def _in_scope(person: dict[str, Any], scope: dict[str, Any] | None) -> bool:
    if not scope or scope.get("toan_bo", True):
        return True
    units, persons = set(scope.get("don_vi") or ()), set(scope.get("nguoi") or ())
    return (not units or person.get("ma_don_vi") in units) and (not persons or person.get("ma_so") in persons)


def _check_people(outdir: Path, manifest: dict[str, Any], people: list[Any], files: dict[str, dict[str, Any]],
                  rep: VerifyReport) -> None:
    dossiers: dict[str, list[dict[str, Any]]] = {}
    for d in manifest.get("ca_nhan") or []:
        dossiers.setdefault(d.get("ma_so"), []).append(d)
    units = {u.get("ma_don_vi"): u for u in manifest.get("don_vi") or []}
    known = {p.get("ma_so") for p in people}
    scope = manifest.get("pham_vi")
    for p in people:
        ma, unit = p.get("ma_so"), p.get("ma_don_vi")
        who = f"{p.get('ho_ten', '')} ({ma})"
        if not _in_scope(p, scope):
            continue
        found = dossiers.get(ma, [])
        if not found:
            rep.problems.append(f"{who}: không có hồ sơ cá nhân nào trong {MANIFEST} (mục ca_nhan).")
            continue
        if len(found) > 1:
            rep.problems.append(f"{who}: có {len(found)} hồ sơ cá nhân: " + ", ".join(d.get("pdf", "?") for d in found))
        d = found[0]
        pdf = d.get("pdf")
        if pdf not in files:
            rep.problems.append(f"{who}: hồ sơ cá nhân {pdf} không có trong danh sách tệp của {MANIFEST}.")
        elif not (outdir / pdf).is_file():
            rep.problems.append(f"{who}: mất hồ sơ cá nhân {pdf}.")
        elif (outdir / pdf).is_file():
            _check_identity(outdir / pdf, "/HosoNguoi", ma, f"{who}: hồ sơ cá nhân {pdf}", rep, d.get(RECORD))
        if d.get("ma_don_vi") != unit:
            rep.problems.append(f"{who}: hồ sơ cá nhân {pdf} thuộc đơn vị {d.get('ma_don_vi')}, "
                                f"kết quả xếp loại ghi đơn vị {unit}.")
        bundle = units.get(unit)
        if bundle is None:
            rep.problems.append(f"{who}: không có hồ sơ đơn vị {unit} (don_vi/{unit}.pdf) trong {MANIFEST}.")
            continue
        hits = _sections_of(bundle.get("muc") or [], ma)
        if hits != 1:
            rep.problems.append(f"{who}: xuất hiện {hits} lần trong các mục của hồ sơ đơn vị {bundle.get('pdf')} "
                                "(phải đúng 1 lần).")
        for other_code, other in units.items():
            if other_code != unit and _sections_of(other.get("muc") or [], ma):
                rep.problems.append(f"{who}: có trong hồ sơ đơn vị khác: {other.get('pdf')}.")
    for code, u in units.items():
        if isinstance(u.get("pdf"), str) and (outdir / u["pdf"]).is_file():
            _check_identity(outdir / u["pdf"], "/HosoDonVi", code, f"Hồ sơ đơn vị {u['pdf']}", rep, u.get(RECORD))
    for ma in sorted(m for m in dossiers if m not in known):
        rep.problems.append(f"Hồ sơ cá nhân {dossiers[ma][0].get('pdf')} ({ma}) không có trong {RATINGS}.")


RECORD = "ban_ghi_pdf"  # manifest: what a dossier's PDF says of itself (assemble.person_record, unit_record)
_RECORD_WORDS = {"/HosoNguoi": "mã người", "/HosoDonVi": "mã đơn vị", "/HosoVanBan": "loại hồ sơ"}


def _check_identity(path: Path, field: str, expected: str, what: str, rep: VerifyReport,
                    recorded: Any = None) -> None:
    """A bundle names its person (or unit) in its metadata: a dossier swapped for another, even with
    manifest.json rewritten to match, names someone else. `recorded`: what the manifest says the PDF
    records of itself (`ban_ghi_pdf`, written since the dossiers carry it): then each entry must be
    there with that value — a dossier without them is not the one hoso made. Without it (a manifest
    of an older version), a dossier without the entries is a note."""
    from pipeline.pdf.validate import identity

    try:
        found = identity(path.read_bytes()).get
    except OSError:
        return
    wanted = {field: expected}
    if isinstance(recorded, dict):
        wanted.update({"/" + str(k): str(v) for k, v in recorded.items()})
        if str(recorded.get(field.lstrip("/"), expected)) != expected:
            rep.problems.append(f"{what}: {MANIFEST} ghi {_RECORD_WORDS.get(field, field)} trong tệp PDF là "
                                f"«{recorded.get(field.lstrip('/'))}», không phải «{expected}».")
            wanted[field] = expected
    for key, value in wanted.items():
        got = found(key)
        words = _RECORD_WORDS.get(key, key.lstrip("/"))
        if got is None and isinstance(recorded, dict):
            rep.problems.append(f"{what} không ghi {words} ({key.lstrip('/')}) trong siêu dữ liệu của tệp PDF, "
                                f"{MANIFEST} ghi «{value}»: tệp không phải hồ sơ hoso đã tạo, hoặc đã bị sửa.")
        elif got is None:
            note = "Hồ sơ không ghi mã người/đơn vị trong siêu dữ liệu (tạo bởi phiên bản hoso cũ): không đối chiếu được."
            if note not in rep.notes:
                rep.notes.append(note)
        elif got != value and key == field:
            rep.problems.append(f"{what} là hồ sơ của {got}, không phải của {value} (theo siêu dữ liệu của tệp PDF).")
        elif got != value:
            rep.problems.append(f"{what} ghi {words} «{got}» trong siêu dữ liệu của tệp PDF, {MANIFEST} ghi «{value}».")


def _sections_of(sections: list[Any], ma_so: str) -> int:
    n = 0
    for s in sections:
        if not isinstance(s, dict):
            continue
        if s.get("ma_so") == ma_so:
            n += 1
        n += _sections_of(s.get("muc") or s.get("con") or [], ma_so)
    return n


def _independent_counts(people: list[Any], categories: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Counts of final levels per category, from ket_qua_xep_loai.json (the category per person comes
    from the table's own list, which is checked against the ratings person by person first)."""
    entries = []
    for p in people:
        final = (p.get("muc_quyet_dinh") or p.get("muc_de_xuat")) if p.get("trang_thai") == "xep_loai" else None
        cat = categories.get(p.get("ma_so"))
        if cat is None:
            continue
        entries.append({"ma_so": p.get("ma_so"), "doi_tuong": cat, "trang_thai": p.get("trang_thai"), "muc": final})
    return {r.ma: r.counts() for r in count_rows(entries)}


def _compare(what: str, expected: dict[str, dict[str, Any]], got: dict[str, dict[str, Any]], rep: VerifyReport) -> None:
    names = dict((*CATEGORIES, TOTAL))
    for code, want in expected.items():
        have = got.get(code)
        if have is None:
            rep.problems.append(f"{what}: thiếu dòng «{names[code]}».")
            continue
        for key, value in want.items():
            if have.get(key) != value:
                rep.problems.append(f"{what}: dòng «{names[code]}», cột {COUNT_WORDS[key]} ghi {have.get(key)}, "
                                    f"theo {RATINGS} phải là {value}.")


def _status_words(status: object, level: object) -> str:
    """A person's status and level as a person-by-person mismatch names them, in words (no internal code): the
    level «…» when rated with one, else «được xếp loại, chưa có mức» or «không xếp loại»."""
    if status == "xep_loai":
        return f"«{WORDS[level]}»" if isinstance(level, str) and level in WORDS else "«được xếp loại, chưa có mức»"
    if status == "khong_xep_loai":
        return "«không xếp loại»"
    return f"«{status}»"


def _check_table(outdir: Path, section: dict[str, Any], people: list[dict[str, Any]], rep: VerifyReport,
                 data: bytes | None = None) -> None:
    """`data`: the table's bytes (read from the zip of a package as sent), else the file in `outdir`."""
    folder = section.get("thu_muc", "nop_so_noi_vu")
    path = f"{folder}/bieu_tong_hop.xlsx"
    if data is None and not (outdir / path).is_file():
        rep.problems.append(f"Thiếu biểu tổng hợp: {path}")
        return
    try:
        counts, entries = read_table(io.BytesIO(data) if data is not None else outdir / path)
    except TableUnreadable as exc:
        rep.problems.append(f"Không đọc được biểu tổng hợp {path}: {exc}.")
        return
    listed = {e["ma_so"]: e for e in entries}
    valid = {code for code, _ in CATEGORIES}
    for p in people:
        ma = p.get("ma_so")
        e = listed.get(ma)
        if e is None:
            rep.problems.append(f"{path}: thiếu {p.get('ho_ten', '')} ({ma}) trong sheet DanhSach.")
            continue
        final = (p.get("muc_quyet_dinh") or p.get("muc_de_xuat")) if p.get("trang_thai") == "xep_loai" else None
        if e["trang_thai"] != p.get("trang_thai") or (e["muc"] or None) != final:
            rep.problems.append(f"{path}: {ma} ghi {_status_words(e['trang_thai'], e['muc'])}, "
                                f"theo {RATINGS} là {_status_words(p.get('trang_thai'), final)}.")
        if e["doi_tuong"] not in valid:
            rep.problems.append(f"{path}: {ma} có mã đối tượng không hợp lệ «{e['doi_tuong']}».")
    for ma in sorted(set(listed) - {p.get("ma_so") for p in people}):
        rep.problems.append(f"{path}: {ma} có trong sheet DanhSach nhưng không có trong {RATINGS}.")
    categories = {ma: e["doi_tuong"] for ma, e in listed.items() if e["doi_tuong"] in valid}
    expected = _independent_counts(people, categories)
    # the total row does not depend on categories: count it straight from the ratings
    total = count_rows([{"ma_so": p.get("ma_so"), "doi_tuong": "can_bo", "trang_thai": p.get("trang_thai"),
                         "muc": (p.get("muc_quyet_dinh") or p.get("muc_de_xuat"))
                         if p.get("trang_thai") == "xep_loai" else None} for p in people])[-1]
    expected[TOTAL[0]] = total.counts()
    _compare(f"Biểu tổng hợp {path}", expected, counts, rep)
    printed = section.get("bieu_tong_hop")
    if isinstance(printed, dict):
        _compare(f"Số liệu của báo cáo ({MANIFEST}, mục nop_so_noi_vu.bieu_tong_hop)", expected, printed, rep)
    else:
        rep.problems.append(f"{MANIFEST}: thiếu số liệu biểu tổng hợp của báo cáo (nop_so_noi_vu.bieu_tong_hop).")


def _check_zip(outdir: Path, section: dict[str, Any], files: dict[str, dict[str, Any]], rep: VerifyReport) -> None:
    folder = section.get("thu_muc", "nop_so_noi_vu")
    listed = {t.get("path") for t in section.get("tep") or []}
    on_disk = {p.relative_to(outdir).as_posix() for p in (outdir / folder).rglob("*") if p.is_file()} \
        if (outdir / folder).is_dir() else set()
    in_manifest = {p for p in files if p.startswith(folder + "/")}
    for path in sorted(in_manifest - listed):
        rep.problems.append(f"{MANIFEST}: {path} không có trong danh sách tệp nộp Sở Nội vụ (nop_so_noi_vu.tep).")
    for path in sorted(listed - in_manifest):
        rep.problems.append(f"{MANIFEST}: {path} có trong danh sách tệp nộp Sở Nội vụ nhưng không có trong danh sách tệp.")
    name = section.get("zip")
    if not name or not (outdir / name).is_file():
        rep.problems.append(f"Thiếu tệp nén: {name or 'ho_so_<nam>.zip'}")
        return
    try:
        with zipfile.ZipFile(outdir / name) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            for path in sorted(set(names) - on_disk):
                rep.problems.append(f"Tệp nén {name} thừa tệp không có trong {folder}/: {path}")
            for path in sorted(on_disk - set(names)):
                rep.problems.append(f"Tệp nén {name} thiếu tệp: {path}")
            for path in sorted(set(names) & set(files)):
                if hashlib.sha256(zf.read(path)).hexdigest() != files[path].get("sha256"):
                    rep.problems.append(f"Tệp nén {name}: {path} khác với tệp đã tạo (SHA-256).")
    except (zipfile.BadZipFile, OSError) as exc:
        rep.problems.append(f"Tệp nén {name} bị hỏng, không mở được ({exc.__class__.__name__}).")
    # copies equal their originals
    for t in section.get("tep") or []:
        original, copy = t.get("goc"), files.get(t.get("path"))
        if original and copy and original in files and files[original].get("sha256") != copy.get("sha256"):
            rep.problems.append(f"Bản sao {t.get('path')} khác bản gốc {original}.")


def verify_sent(folder: Path, public_key: Ed25519PublicKey | None = None, *, max_table: int = 32 * 1024 * 1024) -> VerifyReport:
    """A package as an agency sent it: its zip, `manifest.json` and `ket_qua_xep_loai.json` only (`hoso serve`'s
    `nop/<id>/`; the dossiers stay with the agency). The zip and the ratings file against their SHA-256 in the
    manifest; the zip's members exactly the files to send (`nop_so_noi_vu.tep`), each against its SHA-256; its
    summary table against the ratings, person by person (check 4 of `verify`); nothing else in the folder.
    `max_table`: a table bigger than that (inflated) is not read."""
    folder = Path(folder)
    rep, manifest, found = _opened(folder, public_key)
    if not found:
        return rep
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        rep.problems.append(f"Thiếu hoặc hỏng tệp {MANIFEST}: không kiểm tra được.")
        return rep
    files = {f["path"]: f for f in manifest["files"] if isinstance(f, dict) and "path" in f}
    section = manifest.get("nop_so_noi_vu")
    if not isinstance(section, dict) or not section.get("zip"):
        rep.problems.append(f"{MANIFEST} không có mục «nop_so_noi_vu»: thiếu bộ hồ sơ nộp Sở Nội vụ.")
        return rep
    name = str(section["zip"])
    for path in (name, RATINGS):
        entry = files.get(path)
        if not (folder / Path(path).name).is_file():
            rep.problems.append(f"Thiếu tệp: {path}")
        elif entry is None:
            rep.problems.append(f"{MANIFEST} không ghi tệp {path}: không đối chiếu được.")
        elif (folder / Path(path).name).stat().st_size != entry.get("bytes") \
                or _sha256(folder / Path(path).name) != entry.get("sha256"):
            rep.problems.append(f"Tệp bị sửa: {path} (nội dung khác với lúc tạo, theo mã SHA-256 trong {MANIFEST})")
        else:
            rep.files += 1
    for extra in sorted(p.name for p in folder.iterdir() if p.name not in {Path(name).name, RATINGS, MANIFEST, SIGNATURE}):
        rep.problems.append(f"Tệp thừa: {extra} (không phải tệp của bộ hồ sơ gửi)")
    listed = {str(t.get("path")) for t in section.get("tep") or [] if isinstance(t, dict)}
    thu_muc = section.get("thu_muc", "nop_so_noi_vu")
    table_path = f"{thu_muc}/bieu_tong_hop.xlsx"
    table: bytes | None = None
    try:
        with zipfile.ZipFile(folder / Path(name).name) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            names = {i.filename for i in infos}
            for path in sorted(names - listed):
                rep.problems.append(f"Tệp nén {name} thừa tệp không có trong danh sách tệp nộp Sở Nội vụ: {path}")
            for path in sorted(listed - names):
                rep.problems.append(f"Tệp nén {name} thiếu tệp: {path}")
            for info in infos:
                entry = files.get(info.filename)
                if entry is None:
                    if info.filename in listed:
                        rep.problems.append(f"{MANIFEST}: {info.filename} không có trong danh sách tệp.")
                    continue
                h = hashlib.sha256()
                with zf.open(info) as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        h.update(chunk)
                if h.hexdigest() != entry.get("sha256"):
                    rep.problems.append(f"Tệp nén {name}: {info.filename} khác với tệp đã tạo (SHA-256).")
            if table_path in names:
                if zf.getinfo(table_path).file_size > max_table:
                    rep.problems.append(f"Biểu tổng hợp {table_path} lớn bất thường: không đọc.")
                else:
                    table = zf.read(table_path)
    except (zipfile.BadZipFile, OSError) as exc:
        rep.problems.append(f"Tệp nén {name} bị hỏng, không mở được ({exc.__class__.__name__}).")
        return rep
    ratings = _load_json(folder / RATINGS)
    people = ratings.get("nguoi") if isinstance(ratings, dict) else None
    if not isinstance(people, list):
        rep.problems.append(f"Không đọc được {RATINGS}: không kiểm tra được biểu tổng hợp.")
        return rep
    rep.people = len(people)
    if table is None:
        rep.problems.append(f"Thiếu biểu tổng hợp: {table_path}")
        return rep
    _check_table(folder, section, people, rep, table)
    rep.submission = True
    return rep
