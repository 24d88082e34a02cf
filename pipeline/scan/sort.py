"""`hoso nhan-ban-ky`: file scanned, signed pages into dossiers by the code printed on each page.

What is expected comes from the output folder's manifest.json (each person's documents, in dossier
order, with their pages and content version `phien_ban`); what came back is read from the scans
(read.py). Every page filed is kept as an image under `da_ky/.trang/` and listed in
`da_ky/nhan_ban_ky.json`, so running again with more scans completes the dossiers: a scan page
already seen (same file bytes, same page) is not counted twice; another sheet with the same code
is a duplicate. Written:
- `da_ky/<ma_don_vi>/<ma_so>.pdf` (the person's signed pages in dossier order),
  `da_ky/<ma_don_vi>/don_vi.pdf` (the unit's own documents);
- `da_ky/can_ky_lai.pdf`: pages printed from an older version of their document (to sign again);
- `da_ky/khong_doc_duoc.pdf`: pages that could not be filed, to sort by hand or scan again (the
  report says which scan file and page each one is, and why when known: no code, a code not
  decoded, not hoso's, another year's or agency's, two sheets in one image);
- `da_ky/bao_cao_nhan_ban_ky.xlsx`: the report (sheets «Theo người», «Không đọc được mã» with the code read
  and whose it names, «Chuyển theo mã đơn vị mới», «Hồ sơ không còn trong kết quả»: `_excel`).

A run files into a copy of `da_ky/` (hard links, beside the output folder:
`.<output>.da-ky-dang-nhan-*`) and swaps it into place only once everything is written: a disk
that fills up, a folder that turns read-only or a run stopped half-way leaves the scans filed
before exactly as they were (the next run puts back a `da_ky/` caught between the two renames).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PIL import Image

from pipeline import portable
from pipeline.bundle.pagecode import COVER_FORM, PageCode, _matrix, agency_token, parse
from pipeline.errors import InputUnreadable, OutputError
from pipeline.output import SIGNED_STAGE, put_back_signed
from pipeline.scan.read import (
    IMAGE_SUFFIXES,
    WHY_DAMAGED,
    code_rows,
    match_damaged,
    page_count,
    read_scans,
)
from pipeline.scan.signatures import unsigned_spaces
from pipeline.submission.changes import UNIT_CODES

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

STATE = "nhan_ban_ky.json"
DPI = 150


@dataclass
class Expected:
    """One dossier's pages in order: (form, copy, page) -> (document title, version)."""

    unit: str
    person: str  # "" for the unit's own documents
    name: str
    pdf: str
    pages: list[tuple[str, int, int]] = field(default_factory=list)
    titles: dict[tuple[str, int], str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    # form -> the content key's token (`phien_ban_khoa`): what the codes of builds before the version was
    # the .docx's digest carry; a page printed then is current when it is still the same
    keyed: dict[str, str] = field(default_factory=dict)
    source: dict[tuple[str, int, int], tuple[Path, int]] = field(default_factory=dict)  # the unsigned page

    def current(self, form: str, version: object) -> bool:
        """Whether a page of `form` printed with `version` in its code holds the document's words of
        this build: its .docx is the same (the rule of in_lai.pdf, pipeline/submission/changes.py)."""
        return version == self.versions.get(form) or (form in self.keyed and version == self.keyed[form])


@dataclass
class PersonReport:
    unit: str
    person: str
    name: str
    received: int
    expected: int
    missing: list[str]
    duplicates: list[str]
    outdated: list[str]  # pages printed from an older version, not signed again since
    pdf: str
    unsigned: list[str] = field(default_factory=list)  # signature spaces that seem empty (an estimate)
    # pages set aside as printed from an older version whose current version has been filed since (signed again):
    # nothing left to sign; the old print stays in can_ky_lai.pdf
    resigned: list[str] = field(default_factory=list)


@dataclass
class FiledPage:
    """A page an earlier run filed, named for the report's sheets: moved to its unit's new code in this run
    (`ScanResult.moved_rows`), or kept in da_ky/ though the output no longer has its dossier (`left_rows`)."""

    source: str  # the scan file
    page: int  # its page in the scan file
    person: str  # mã số ("" a unit's own document)
    name: str  # the person's name (or «Văn bản của đơn vị»; what is said when no run recorded it)
    document: str  # «<title> — trang p/n»
    unit: str  # the unit the page was filed under, in words: «Phòng Hành chính (HC)»
    where: str  # where the page is now (da_ky/HCN/NS-01.pdf; can_ky_lai.pdf when its words changed since)
    new_unit: str = ""  # moved: the unit holding the dossier now, in words
    why: str = ""  # set aside to sign again (`ScanResult.resign_rows`): why
    signed_again: bool = False  # set aside to sign again: the current version of that page has been filed since

    @property
    def whose(self) -> str:
        """The person (or unit) in words: «Nguyễn Văn An (NS-01, Phòng Hành chính (HC))», «văn bản của đơn vị
        Phòng Hành chính (HC)»."""
        return f"{self.name} ({self.person}, {self.unit})" if self.person else f"văn bản của đơn vị {self.unit}"

    @property
    def gone(self) -> bool:
        """A page of can_ky_lai.pdf whose dossier the output no longer has."""
        return self.where == GONE


@dataclass
class ScanResult:
    people: list[PersonReport]
    unreadable: list[tuple[str, int]]  # (scan file, page), in khong_doc_duoc.pdf's order
    foreign: list[tuple[str, int, str]]  # a hoso code of another output (agency or year)
    outdated: list[tuple[str, int, str, str]]  # (scan file, page, person or unit, what)
    blank: int
    covers: int  # cover sheets set aside
    read: int  # scan pages read in this run
    new: int  # of which new (not seen in an earlier run)
    report: Path
    why: list[str] = field(default_factory=list)  # why each unreadable page was set aside ("" unknown), same order
    kept: list[str] = field(default_factory=list)  # files of da_ky/ edited since the last run, kept under another name
    # pages filed under a unit code the output no longer uses, now in their person's (or unit's) dossier:
    # "Nguyễn Văn A (Phòng HCQT → Phòng Hành chính): 3 trang"; and pages of dossiers the output no longer has,
    # kept: "Nguyễn Văn B (VP-013, Phòng Hành chính – Quản trị (HCQT)): 4 trang (da_ky/…)"
    moved: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    moved_pages: int = 0  # pages of `moved` (this run)
    left_pages: int = 0  # pages of `left` (all kept so far)
    filed: int = 0  # scan pages filed into a dossier in this run
    # per page of `unreadable` (same order): (the code read, "" none; whose dossier the code names, in words; its
    # document and page, in words) — the last two "" unless it is a hoso code
    codes: list[tuple[str, str, str]] = field(default_factory=list)
    moved_rows: list[FiledPage] = field(default_factory=list)  # the pages of `moved`, one by one
    left_rows: list[FiledPage] = field(default_factory=list)  # the pages of `left`, one by one
    # every page of da_ky/can_ky_lai.pdf in its order (its page k is resign_rows[k - 1]), of any run: whose, its
    # document, scan file and page, why; `where`: the dossier a page signed again goes to now, in words with its
    # signed PDF, or that the output has no such dossier any more (`_resign_row`)
    resign_rows: list[FiledPage] = field(default_factory=list)
    # (scan file, page) of each page of this run whose code, covered in part (a signature across it), was not
    # decoded but matched to the code of one page of this output (`read.match_damaged`)
    matched: list[tuple[str, int]] = field(default_factory=list)
    # per page of `matched` (same order): the dossier and the document its matched code names, in words — what the
    # clerk looks at to make sure: «Nguyễn Văn An (NS-01) — Phiếu đánh giá … — trang 1/2» (empty in results
    # recorded before it was kept)
    matched_whose: list[str] = field(default_factory=list)


class ScanError(InputUnreadable):
    pass


def _dossiers(outdir: Path) -> tuple[dict[tuple[str, str], Expected], str, str]:
    path = outdir / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScanError(f"Không đọc được «{path}»: thư mục này không phải kết quả của hoso build ({exc}).") from exc
    names: dict[str, str] = {}
    for u in manifest.get("don_vi", []):
        for s in u.get("muc", []):
            if s.get("ma_so"):
                names[s["ma_so"]] = s["tieu_de"]
    out: dict[tuple[str, str], Expected] = {}

    def add(e: Expected, sections: list[dict[str, Any]], pdf: str) -> None:
        seen: dict[str, int] = {}
        for s in sections:
            form = s.get("mau", "")
            if not form or "phien_ban" not in s:
                continue
            copy = seen[form] = seen.get(form, 0) + 1
            e.titles[(form, copy)] = s.get("tieu_de", form)
            e.versions[form] = s["phien_ban"]
            if isinstance(s.get("phien_ban_khoa"), str):
                e.keyed[form] = s["phien_ban_khoa"]
            e.pages += [(form, copy, p) for p in range(1, int(s["so_trang"]) + 1)]
            for p in range(1, int(s["so_trang"]) + 1):
                e.source[(form, copy, p)] = (outdir / pdf, int(s["trang_dau"]) + p - 1)

    for u in manifest.get("don_vi", []):
        e = Expected(u["ma_don_vi"], "", "Văn bản của đơn vị", f"da_ky/{u['ma_don_vi']}/don_vi.pdf")
        add(e, [s for s in u.get("muc", []) if not s.get("ma_so")], u["pdf"])
        if e.pages:
            out[(e.unit, "")] = e
    for p in manifest.get("ca_nhan", []):
        e = Expected(p["ma_don_vi"], p["ma_so"], names.get(p["ma_so"], ""), f"da_ky/{p['ma_don_vi']}/{p['ma_so']}.pdf")
        add(e, p.get("tai_lieu", []), p["pdf"])
        out[(e.unit, e.person)] = e
    if not any(e.pages for e in out.values()):
        raise ScanError(f"Các trang trong «{outdir}» không có mã nhận dạng (tạo bằng --khong-ma hoặc bản hoso cũ): "
                        "hãy tạo lại hồ sơ không có --khong-ma, in và ký bản mới.")
    agency = manifest.get("co_quan", {}).get("ten_co_quan", "")
    return out, agency_token(agency), str(manifest.get("nam_danh_gia", ""))


def _expected_codes(dossiers: dict[tuple[str, str], Expected], agency: str, year: str) -> dict[str, tuple[int, ...]]:
    """The code of every page this output expects (with each version a page printed of it may carry), as
    `read.match_damaged` compares them."""
    out: dict[str, tuple[int, ...]] = {}
    for e in dossiers.values():
        pages: dict[tuple[str, int], int] = {}
        for f, c, p in e.pages:
            pages[(f, c)] = max(pages.get((f, c), 0), p)
        for f, c, p in e.pages:
            for version in {e.versions.get(f), e.keyed.get(f)} - {None}:
                text = PageCode(agency, year, e.unit, e.person, f, c, p, pages[(f, c)], str(version)).text()
                out[text] = code_rows(_matrix(text))
    return out


def _better_signed(jpeg: bytes, entry: dict[str, Any], root: Path, pdf: Path, number: int) -> list[int] | None:
    """The signature spaces that seem empty on a second scan of a filed page (`jpeg`), when it seems signed in
    more of them than the page filed (`entry`, whose estimate is computed and kept here if missing): the same
    sheet scanned before it was signed, then after. None: keep the page filed (this one is a duplicate)."""
    try:
        if "o_ky_trong" not in entry:
            with Image.open(root / entry["anh"]) as im:
                entry["o_ky_trong"] = unsigned_spaces(im.convert("L"), pdf, number)
        before = entry["o_ky_trong"]
        if not before:  # all signed, no signature space, or the check could not be made
            return None
        with Image.open(io.BytesIO(jpeg)) as im:
            now = unsigned_spaces(im.convert("L"), pdf, number)
    except (OSError, subprocess.CalledProcessError):
        return None
    return now if now is not None and set(now) < set(before) else None


def _replaced_words(dup: dict[str, Any]) -> str:
    """A duplicate's note when it is the page once filed, replaced by a scan of the same sheet signed since."""
    by = dup.get("thay_bang")
    return "" if not by else f"; ô ký còn trống, đã thay bằng bản đã ký: {by['tep']}, trang {by['trang']}"


def _store(jpeg: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)  # a name linked from the filed da_ky/ (an unlisted image): never written through
    path.write_bytes(jpeg)


def _pdf(images: list[Path], dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not images:
        dest.unlink(missing_ok=True)
        return
    frames = [Image.open(p) for p in images]
    tmp = dest.with_name(dest.name + ".tmp")
    frames[0].save(tmp, "PDF", save_all=True, append_images=frames[1:], resolution=DPI)
    for f in frames:
        f.close()
    os.replace(tmp, dest)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _page_name(form: str, copy: int, page: int) -> str:
    return f"{form}_{copy}_{page}"


def receive(outdir: Path, scans: list[Path], names: dict[Path, str] | None = None) -> ScanResult:
    """File the scans into `outdir/da_ky`; the report (also written as Excel). The output folder's
    lock is held meanwhile: a build cannot swap the folder under it (nor it write during a build).
    `names`: the name a scan file is reported and recorded under (`hoso serve` keeps the uploads in a
    temporary folder removed after the run: the report names the file the clerk sent, not that path)."""
    from pipeline.output import locked

    with locked(outdir) as target:
        return _staged(target, scans, {str(k): v for k, v in (names or {}).items()})


def _staged(outdir: Path, scans: list[Path], names: dict[str, str] | None = None) -> ScanResult:
    """`_receive` into a copy of `da_ky/` made of hard links (a file is never written through a
    link: every file the run writes is a new one), swapped into place at the end; on any failure
    the filed `da_ky/` is as it was."""
    put_back_signed(outdir)
    root = outdir / "da_ky"
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{outdir.name}{SIGNED_STAGE}", dir=outdir.parent))
    except OSError as exc:
        raise _write_error(exc, outdir) from exc
    try:
        work = stage / "da_ky"
        if root.is_dir() and not root.is_symlink():
            # a stopped run's half-written *.tmp is left behind (the run writes its own afresh)
            shutil.copytree(root, work, symlinks=True, copy_function=_link_or_copy, ignore=shutil.ignore_patterns("*.tmp"))
        result = _receive(outdir, scans, work, names or {})
        if root.exists() or root.is_symlink():
            os.rename(root, stage / "cu")
        try:
            os.rename(work, root)
        except BaseException:
            if (stage / "cu").exists() and not os.path.lexists(root):
                os.rename(stage / "cu", root)
            raise
    except OSError as exc:
        raise _write_error(exc, outdir) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # links only (and the replaced da_ky/'s names): the files stay
    return replace(result, report=root / result.report.relative_to(work))


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:  # another file system, no hard links (FAT)…
        shutil.copy2(src, dst)


def _write_error(exc: OSError, outdir: Path) -> OutputError:
    kept = ("Các trang đã ký nhận từ các lần trước (da_ky/) vẫn giữ nguyên, lần này chưa xếp trang nào; "
            "chạy lại hoso nhan-ban-ky với các tệp quét này sau khi")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError(f"Ổ đĩa chứa «{outdir}» đã đầy. {kept} giải phóng dung lượng.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"Không có quyền ghi vào «{outdir}» (hoặc ổ đĩa chỉ cho đọc). {kept} kiểm tra quyền ghi.")
    return OutputError(f"Không ghi được vào «{outdir}»: {exc.strerror or exc}. {kept} khắc phục lỗi trên.")


def _receive(outdir: Path, scans: list[Path], root: Path, names: dict[str, str] | None = None) -> ScanResult:
    for s in scans:
        if not s.is_file():
            raise ScanError(f"Không tìm thấy tệp quét «{s}».")
        if s.suffix.lower() in (".heic", ".heif"):  # an iPhone's photos by default: Pillow cannot read them
            raise ScanError(f"Tệp quét «{s}» là ảnh HEIC của iPhone, chương trình chưa đọc được: chuyển sang JPG "
                            "(gửi ảnh qua Zalo/email thường tự chuyển; hoặc trên iPhone: Cài đặt › Camera › Định "
                            "dạng › Tương thích nhất, rồi chụp lại).")
        if s.suffix.lower() != ".pdf" and s.suffix.lower() not in IMAGE_SUFFIXES:
            raise ScanError(f"Tệp quét «{s}» không phải PDF hay ảnh (nhận: .pdf, "
                            + ", ".join(sorted(IMAGE_SUFFIXES)) + ").")
        if s.stat().st_size == 0:
            raise ScanError(f"Tệp quét «{s}» rỗng (0 byte): tệp chưa chép xong hoặc máy quét chưa lưu được; "
                            "chép lại hoặc quét lại tệp này.")
        try:
            page_count(s)
        except Image.DecompressionBombError as exc:
            pixels = next((int(w) for w in str(exc).replace("(", " ").split() if w.isdigit()), 0)
            raise ScanError(f"Tệp quét «{s}» là ảnh quá lớn ({pixels / 1e6:.0f} triệu điểm ảnh, quá "
                            f"{(Image.MAX_IMAGE_PIXELS or 0) * 2 / 1e6:.0f} triệu): quét lại ở 200–300 dpi.") from exc
        except Exception as exc:  # noqa: BLE001 - pdfium's and Pillow's errors: the file is damaged
            import pypdfium2.raw as pdfium_c

            if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:  # a PDF that asks for a password to open
                raise ScanError(f"Tệp quét «{s}» có mật khẩu mở tệp: mở tệp bằng mật khẩu rồi lưu (in) ra PDF "
                                "không mật khẩu, hoặc quét lại không đặt mật khẩu.") from exc
            raise ScanError(f"Không đọc được tệp quét «{s}» (tệp hỏng hoặc chưa chép xong): {exc}") from exc
    dossiers, agency, year = _dossiers(outdir)
    store = root / ".trang"
    state_path = root / STATE
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.is_file() else {}
    filed: dict[str, dict[str, Any]] = state.get("trang", {})  # "unit/person/form_copy_page" -> {nguon, tep, trang, anh}
    dups: list[dict[str, Any]] = state.get("trung", [])
    old: list[dict[str, Any]] = state.get("can_ky_lai", [])
    unread: list[dict[str, Any]] = state.get("khong_doc_duoc", [])
    foreign: list[dict[str, Any]] = state.get("khac", [])
    seen = set(state.get("da_doc", []))
    kept = _keep_edited(root, state)
    # the units' and people's names, this output's over those an earlier run recorded: a page filed under a unit
    # code or a person the output no longer has is named as its papers named it
    earlier, known = _known_names(outdir, dossiers, state)
    renamed = _renamed_units(outdir)
    moved, moved_pages, plan = _follow_moves(filed, dossiers, root, state, earlier, known, renamed)
    moving = {k: filed[t] for k, t in plan.items()}  # each moved page's entry (the same object while it stays filed)
    read = new = blank = covers = filed_now = 0
    candidates: dict[str, tuple[int, ...]] | None = None  # the codes of this output's pages, made when needed
    matched: list[tuple[str, int]] = []
    matched_whose: list[str] = []
    for page in read_scans(scans):
        read += 1
        if page.digest in seen:
            continue
        seen.add(page.digest)
        new += 1
        where = {"nguon": page.digest, "tep": (names or {}).get(page.source, page.source), "trang": page.index}
        if page.code is None and page.why == WHY_DAMAGED:  # located, not decoded: one of this output's codes?
            if candidates is None:
                candidates = _expected_codes(dossiers, agency, year)
            found = match_damaged(page.jpeg, candidates)
            if found is not None:
                page = replace(page, code=parse(found[0]), text=found[0], jpeg=found[1], why="")
                where["ma_bi_che"] = True
                matched.append(((names or {}).get(page.source, page.source), page.index))
                matched_whose.append(_matched_words(page.code, dossiers, known, renamed))
        code = page.code
        if code is None:
            if page.blank:
                blank += 1
                continue
            img = store / "_khong_doc_duoc" / f"{len(unread) + 1:05d}.jpg"
            _store(page.jpeg, img)
            unread.append({**where, "anh": img.relative_to(root).as_posix(), "ly_do": page.why,
                           **({"ma": page.text} if page.text else {})})
            continue
        e = _holder(dossiers, code.unit, code.person, code.form, code.version, renamed)
        if code.agency == agency and code.year == year and code.form == COVER_FORM:
            covers += 1  # a dossier's cover sheet: not signed, not filed
            continue
        if (code.agency == agency and code.year == year and e is not None and code.form in e.versions
                and not e.current(code.form, code.version)):
            img = store / "_can_ky_lai" / f"{len(old) + 1:05d}.jpg"
            _store(page.jpeg, img)
            old.append({**where, "anh": img.relative_to(root).as_posix(), "ai": code.person or code.unit,
                        "van_ban": f"{e.titles.get((code.form, code.copy), code.form)} — trang {code.page}/{code.pages}",
                        "don_vi": e.unit, "ma_so": code.person, "ly_do": WHY_OLD_PRINT,
                        "ma_trang": _page_name(code.form, code.copy, code.page)})
            continue
        if code.agency != agency or code.year != year or e is None or (code.form, code.copy, code.page) not in e.pages:
            img = store / "_khong_doc_duoc" / f"{len(unread) + 1:05d}.jpg"
            _store(page.jpeg, img)
            why = _foreign(code, agency, year, e)
            unread.append({**where, "anh": img.relative_to(root).as_posix(), "ma": page.text, "ly_do": why})
            foreign.append({**where, "ma": page.text, "ly_do": why})
            continue
        what = f"{e.titles[(code.form, code.copy)]} — trang {code.page}/{code.pages}"
        who = code.person or code.unit
        if not e.current(code.form, code.version):
            img = store / "_can_ky_lai" / f"{len(old) + 1:05d}.jpg"
            _store(page.jpeg, img)
            old.append({**where, "anh": img.relative_to(root).as_posix(), "ai": who, "van_ban": what,
                        "don_vi": e.unit, "ma_so": code.person, "ly_do": WHY_OLD_PRINT,
                        "ma_trang": _page_name(code.form, code.copy, code.page)})
            continue
        key = f"{e.unit}/{code.person or '_don_vi'}/{_page_name(code.form, code.copy, code.page)}"
        if key in filed and not e.current(code.form, filed[key].get("phien_ban", e.versions[code.form])):
            # the page filed under this key is of an older version (a rebuild changed its document): this page is
            # its current version signed again — set the old one aside now (as the loop after would) and file this
            # one, never take it for a duplicate (its image was then kept nowhere)
            stale = {k: v for k, v in filed.pop(key).items() if k != "phien_ban"}
            img = store / "_can_ky_lai" / f"{len(old) + 1:05d}.jpg"
            img.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / stale["anh"], img)
            old.append({**stale, "anh": img.relative_to(root).as_posix(), "don_vi": e.unit, "ma_so": code.person,
                        "ly_do": WHY_CHANGED, "ma_trang": _page_name(code.form, code.copy, code.page)})
        if key in filed:
            k = (code.form, code.copy, code.page)
            better = _better_signed(page.jpeg, filed[key], root, *e.source[k])
            if better is None:
                dups.append({**where, "ai": who, "van_ban": what, "khoa": key})
                continue
            # the page filed seems not signed where this scan of the same sheet is (scanned before it was signed,
            # then again after): this one is filed, the one it replaces kept as the duplicate with its image
            gone = filed.pop(key)
            img = store / "_trung" / f"{len(dups) + 1:05d}.jpg"
            img.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / gone["anh"], img)
            dups.append({**{f: gone[f] for f in ("nguon", "tep", "trang")}, "anh": img.relative_to(root).as_posix(),
                         "ai": who, "van_ban": what, "khoa": key,
                         "thay_bang": {"tep": where["tep"], "trang": where["trang"]}})
            img = store / f"{key}.jpg"
            _store(page.jpeg, img)
            filed[key] = {**where, "anh": img.relative_to(root).as_posix(), "phien_ban": code.version, "ai": who,
                          "van_ban": what, "o_ky_trong": better}
            continue
        img = store / f"{key}.jpg"
        _store(page.jpeg, img)
        filed[key] = {**where, "anh": img.relative_to(root).as_posix(), "phien_ban": code.version, "ai": who,
                      "van_ban": what}
        filed_now += 1

    # pages filed by an earlier run whose document has changed since (a rebuild): to be signed again
    for e in dossiers.values():
        base = f"{e.unit}/{e.person or '_don_vi'}/"
        for f, c, p in e.pages:
            entry = filed.get(base + _page_name(f, c, p))
            if entry is not None and not e.current(f, entry.get("phien_ban", e.versions[f])):
                entry = {k: v for k, v in filed.pop(base + _page_name(f, c, p)).items() if k != "phien_ban"}
                img = store / "_can_ky_lai" / f"{len(old) + 1:05d}.jpg"
                img.parent.mkdir(parents=True, exist_ok=True)
                os.replace(root / entry["anh"], img)
                old.append({**entry, "anh": img.relative_to(root).as_posix(), "don_vi": e.unit, "ma_so": e.person,
                            "ly_do": WHY_CHANGED, "ma_trang": _page_name(f, c, p)})

    # each page of can_ky_lai.pdf in the dossier a page signed again goes to now (its person's; a unit's own under
    # the code its unit has now): «Theo người» lists it there, not under the code read on the page
    holders = [_resign_holder(d, dossiers, known, renamed) for d in old]
    for d, h in zip(old, holders, strict=True):  # the code its dossier has now: what the next run follows from
        if h is not None:
            d[NOW] = h.unit
    # a page set aside whose current version has been filed since (signed again): nothing is left to sign for it
    # (a page set aside by a run that did not record its key `ma_trang` is still said to be signed again)
    again = [h is not None and "ma_trang" in d and f"{h.unit}/{h.person or '_don_vi'}/{d['ma_trang']}" in filed
             for d, h in zip(old, holders, strict=True)]
    people: list[PersonReport] = []
    for e in dossiers.values():
        base = f"{e.unit}/{e.person or '_don_vi'}/"
        have = [(f, c, p) for f, c, p in e.pages if base + _page_name(f, c, p) in filed]
        got = set(have)
        missing = [f"{e.titles[(f, c)]} — trang {p}" for f, c, p in e.pages if (f, c, p) not in got]
        _pdf([root / filed[base + _page_name(*k)]["anh"] for k in have], root / e.pdf.removeprefix("da_ky/"))
        unsigned = []
        for k in have:
            entry = filed[base + _page_name(*k)]
            if "o_ky_trong" not in entry:  # checked once, when the page is filed
                pdf, number = e.source[k]
                try:
                    with Image.open(root / entry["anh"]) as im:
                        entry["o_ky_trong"] = unsigned_spaces(im.convert("L"), pdf, number)
                except (OSError, subprocess.CalledProcessError):
                    entry["o_ky_trong"] = None
            empty = entry["o_ky_trong"]
            what = f"{e.titles[(k[0], k[1])]} — trang {k[2]}"
            if empty is None:
                unsigned.append(f"{what}: không so được (mã không đọc lại được)")
            elif empty:
                unsigned.append(f"{what}: ô ký thứ {', '.join(str(n) for n in empty)} trên trang")
        who = e.person or e.unit
        people.append(PersonReport(
            e.unit, e.person, e.name, len(have), len(e.pages), missing,
            [f"{d['van_ban']} ({d['tep']}, trang {d['trang']}{_replaced_words(d)})" for d in dups
             if d["khoa"].startswith(base)],
            [f"{d['van_ban']} ({d['tep']}, trang {d['trang']})" for d, h, a in zip(old, holders, again, strict=True)
             if h is e and not a],
            e.pdf if have else "", unsigned,
            [f"{d['van_ban']} ({d['tep']}, trang {d['trang']})" for d, h, a in zip(old, holders, again, strict=True)
             if h is e and a]))
    left: dict[tuple[str, str], int] = {}
    for key in filed:
        unit, who, _ = key.split("/", 2)
        if (unit, "" if who == "_don_vi" else who) not in dossiers:
            left[(unit, who)] = left.get((unit, who), 0) + 1
    _pdf([root / d["anh"] for d in unread], root / "khong_doc_duoc.pdf")
    _pdf([root / d["anh"] for d in old], root / "can_ky_lai.pdf")
    report = root / "bao_cao_nhan_ban_ky.xlsx"
    codes = [(str(d.get("ma") or ""), *_code_words(str(d.get("ma") or ""), agency, year, dossiers, known))
             for d in unread]
    moved_rows = []
    for before, after in plan.items():
        u, w, _ = before.split("/", 2)
        now_unit = after.split("/", 1)[0]
        holder = dossiers.get((now_unit, "" if w == "_don_vi" else w))
        # set aside since (its document's words changed after it was signed): in can_ky_lai.pdf
        place = holder.pdf if holder is not None and filed.get(after) is moving[before] else CAN_KY_LAI_WORDS
        moved_rows.append(_filed_page(u, w, moving[before], earlier["don_vi"].get(u), known, place,
                                      _unit_words(now_unit, known["don_vi"].get(now_unit))))
    left_rows = []
    for at, entry in sorted(filed.items(), key=lambda kv: kv[0].rsplit("/", 1)[0]):  # a dossier's pages in filing order
        u, w, _ = at.split("/", 2)
        if (u, "" if w == "_don_vi" else w) not in dossiers:
            left_rows.append(_filed_page(u, w, entry, earlier["don_vi"].get(u) or known["don_vi"].get(u), known,
                                         f"da_ky/{u}/{'don_vi' if w == '_don_vi' else w}.pdf"))
    result = ScanResult(people, [(d["tep"], d["trang"]) for d in unread], [(d["tep"], d["trang"], d["ma"]) for d in foreign],
                        [(d["tep"], d["trang"], d["ai"], d["van_ban"]) for d in old], blank, covers, read, new, report,
                        [d.get("ly_do", "") for d in unread], kept, moved,
                        [f"{_left_words(u, w, earlier, known)}: {n} trang (da_ky/{u}/{'don_vi' if w == '_don_vi' else w}.pdf)"
                         for (u, w), n in sorted(left.items())],
                        moved_pages, sum(left.values()), filed_now, codes, moved_rows, left_rows,
                        [replace(_resign_row(d, dossiers, earlier, known, renamed), signed_again=a)
                         for d, a in zip(old, again, strict=True)], matched, matched_whose)
    _excel(result, report)
    written = sorted({p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not p.name.endswith(".tmp") and p.name != STATE})
    state = {"tao_boi": "hoso", "trang": filed, "trung": dups, "can_ky_lai": old, "khong_doc_duoc": unread,
             "khac": foreign, "da_doc": sorted(seen), "ten": known,
             # every file of da_ky/ with its digest: pipeline/ownership.py keeps them, hoso verify checks them
             "tep": [{"path": rel, "sha256": _sha256(root / rel)} for rel in written]}
    root.mkdir(parents=True, exist_ok=True)
    tmp = state_path.with_name(STATE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, state_path)
    return result


def _moved_to(dossiers: dict[tuple[str, str], Expected], unit: str, person: str, form: str,
              version: object, renamed: dict[str, str] | None = None) -> Expected | None:
    """The dossier now holding the pages a code names when its unit code is no longer the output's (the
    unit's code corrected, the person moved to another unit): a person's by their staff code, which
    is unique; a unit's own document by its words — the one unit whose document `form` is exactly
    that version (None: none or several, or it is still the code's unit). The latter also when the
    code's unit is still there but its document is not that version while another unit's is (two units
    that swapped codes): a version is the digest of the document's .docx, so that page is that unit's. Else a unit's
    own document under an earlier code of a unit (`renamed`: `_renamed_units`, never a code the output uses) is
    that unit's, whatever its version (its words changed since: the caller sets the page aside to sign again)."""
    if person:
        if (unit, person) in dossiers:
            return None
        return next((e for e in dossiers.values() if e.person == person), None)
    units = [e for e in dossiers.values() if not e.person and form in e.versions and e.current(form, version)]
    if len(units) == 1 and units[0].unit != unit:
        return units[0]
    later = dossiers.get(((renamed or {}).get(unit, unit), ""))
    return later if later is not None and later.unit != unit and form in later.versions else None


def _holder(dossiers: dict[tuple[str, str], Expected], unit: str, person: str, form: str,
            version: object, renamed: dict[str, str] | None = None) -> Expected | None:
    """The dossier a page coded (`unit`, `person`, `form`, `version`) belongs to now."""
    e = dossiers.get((unit, person))
    if e is not None and (person or form not in e.versions or e.current(form, version)):
        return e
    return _moved_to(dossiers, unit, person, form, version, renamed) or e


Names = dict[str, dict[str, str]]  # {"don_vi": {unit code: name}, "nguoi": {mã số: name}}


def _matched_words(code: PageCode | None, dossiers: dict[tuple[str, str], Expected], known: Names,
                   renamed: dict[str, str]) -> str:
    """The dossier and the document a matched code (a covered page's) names, in words: «Nguyễn Văn An (NS-01) —
    Phiếu … — trang 1/2», «văn bản của đơn vị Phòng Hành chính (HC) — Biên bản … — trang 2/3»."""
    if code is None:
        return ""
    e = _holder(dossiers, code.unit, code.person, code.form, code.version, renamed)
    title = e.titles.get((code.form, code.copy), code.form) if e is not None else code.form
    if code.person:
        name = known["nguoi"].get(code.person)
        who = f"{name} ({code.person})" if name else code.person
    else:
        who = f"văn bản của đơn vị {_unit_words(code.unit, known['don_vi'].get(code.unit))}"
    return f"{who} — {title} — trang {code.page}/{code.pages}"


def _known_names(outdir: Path, dossiers: dict[tuple[str, str], Expected], state: dict[str, Any]) -> tuple[Names, Names]:
    """(the names the earlier runs recorded (state key `ten`): what a code meant when its pages were filed, before
    a unit code was corrected or swapped; those with this output's over them (its manifest's `ten_don_vi`, its
    dossiers' names): recorded for the next run)."""
    raw = state.get("ten")
    before: dict[str, Any] = raw if isinstance(raw, dict) else {}
    earlier: Names = {key: {str(k): str(v) for k, v in (before.get(key) or {}).items() if isinstance(v, str) and v.strip()}
                      for key in ("don_vi", "nguoi")}
    units, people = dict(earlier["don_vi"]), dict(earlier["nguoi"])
    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    for u in manifest.get("don_vi", []) if isinstance(manifest, dict) else []:
        if isinstance(u, dict) and isinstance(u.get("ten_don_vi"), str) and u["ten_don_vi"].strip():
            units[str(u.get("ma_don_vi"))] = " ".join(u["ten_don_vi"].split())
    people.update({e.person: e.name for e in dossiers.values() if e.person and e.name.strip()})
    # a code the builds recognised as corrected (manifest ma_don_vi_cu, thay_doi.doi_ma_don_vi): its unit's name,
    # when no run recorded one (pages filed by an earlier hoso, or before the code's correction with no run since)
    section = manifest.get("thay_doi") if isinstance(manifest, dict) else None
    history = manifest.get(UNIT_CODES) if isinstance(manifest, dict) else None
    for r in [*(history if isinstance(history, list) else []),
              *((section.get("doi_ma_don_vi") or []) if isinstance(section, dict) else [])]:
        if isinstance(r, dict) and isinstance(r.get("ten_don_vi"), str) and r["ten_don_vi"].strip():
            earlier["don_vi"].setdefault(str(r.get("ma_cu")), " ".join(r["ten_don_vi"].split()))
    return earlier, {"don_vi": units, "nguoi": people}


def _move_words(unit: str, who: str, new: str, pages: int, earlier: Names, known: Names) -> str:
    """A dossier's pages that followed it to another unit code, in words: «Nguyễn Văn A (Tổ Toán → Tổ Tin học):
    3 trang»; the codes in parentheses only when the names do not tell the two apart («văn bản của đơn vị (Nhà
    khách tỉnh, mã đơn vị NK → CBTH): 4 trang»)."""
    label = "văn bản của đơn vị" if who == "_don_vi" else known["nguoi"].get(who) or who
    # the old code as named when its pages were filed (now it may name another unit), the new one as now
    old_name, new_name = earlier["don_vi"].get(unit), known["don_vi"].get(new)
    if old_name and new_name and old_name != new_name:
        place = f"{old_name} → {new_name}"
    elif new_name and old_name:
        place = f"{new_name}, mã đơn vị {unit} → {new}"
    elif new_name:  # the old code's name unknown (filed by an earlier hoso)
        place = f"đơn vị {unit} → {new_name} ({new})"
    else:
        place = f"mã đơn vị {unit} → {new}"
    return f"{label} ({place}): {pages} trang"


def _left_words(unit: str, who: str, earlier: Names, known: Names) -> str:
    """A dossier the output no longer has, in words: «Nguyễn Văn B (VP-013, Phòng Hành chính)», «văn bản của đơn vị
    Nhà khách tỉnh (NK)» (its codes kept: nothing of the output names it any more)."""
    unit_name = earlier["don_vi"].get(unit) or known["don_vi"].get(unit)
    if who == "_don_vi":
        return f"văn bản của đơn vị {unit_name} ({unit})" if unit_name else f"văn bản của đơn vị {unit}"
    name = known["nguoi"].get(who)
    where = f"{unit_name} ({unit})" if unit_name else f"đơn vị {unit}"
    return f"{name} ({who}, {where})" if name else f"{who} ({where})"


NOTHING = "Không có"  # the row of a report sheet with nothing to list
CAN_KY_LAI_WORDS = "da_ky/can_ky_lai.pdf (in từ bản cũ, cần ký lại)"
NOT_HERE = "không có trong kết quả này"


def _unit_words(unit: str, name: str | None) -> str:
    """A unit code in words for the report: «Phòng Hành chính (HC)»; one no name is known for, said so."""
    return f"{name} ({unit})" if name else f"mã đơn vị {unit} ({NOT_HERE})"


# why a page is in can_ky_lai.pdf (state `can_ky_lai` `ly_do`; a page set aside by an earlier hoso recorded none)
WHY_OLD_PRINT = "in từ bản cũ: nội dung văn bản đã thay đổi sau khi in"
WHY_CHANGED = "đã ký nhận trước đây, nội dung văn bản đã thay đổi khi tạo lại hồ sơ"
WHY_UNRECORDED = "in từ bản cũ, hoặc nội dung văn bản đã thay đổi sau khi ký"
GONE = ("không còn trong kết quả này (người hoặc văn bản đã bỏ khỏi sổ Excel, hoặc mã đơn vị đã đổi): không xếp vào "
        "hồ sơ nào")
UNRECORDED = "(không rõ: lần nhận trước chưa ghi lại)"


def _renamed_units(outdir: Path) -> dict[str, str]:
    """Every earlier code of a unit of the output -> the code it has now: the builds' record (manifest
    `ma_don_vi_cu`, chained across builds: A → B then B → C is A → C and B → C) and the last build's corrections
    (`thay_doi.doi_ma_don_vi`: a folder built before the record). Never a code the output uses (given to another
    unit, or two units that swapped codes: a page under it is that unit's), nor one whose unit is gone."""
    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    units = {str(u.get("ma_don_vi")) for u in manifest.get("don_vi", []) if isinstance(u, dict)}
    section = manifest.get("thay_doi")
    last = section.get("doi_ma_don_vi") if isinstance(section, dict) else None
    history = manifest.get(UNIT_CODES)
    out: dict[str, str] = {}
    for rows in (last, history):  # the record over the last build's (the same codes when both name one)
        for r in rows if isinstance(rows, list) else []:
            if isinstance(r, dict) and r.get("ma_cu") and r.get("ma_moi"):
                out[str(r["ma_cu"])] = str(r["ma_moi"])
    return {old: new for old, new in out.items() if old not in units and new in units}


def _resign_who(entry: dict[str, Any], dossiers: dict[tuple[str, str], Expected], known: Names) -> tuple[str, str]:
    """(mã số, unit code) of a page of can_ky_lai.pdf (its state entry) as when it was set aside; "" unknown."""
    ai = str(entry.get("ai") or "")
    if "ma_so" in entry:
        person = str(entry.get("ma_so") or "")
        return person, str(entry.get("don_vi") or "") or ("" if person else ai)
    people = {e.person: e for e in dossiers.values() if e.person}
    if ai in people or ai in known["nguoi"]:  # set aside by an earlier hoso: `ai` a mã số, or a unit code
        return ai, people[ai].unit if ai in people else ""
    return "", ai


# state `can_ky_lai` entries: the unit code of the dossier the page went to at the last run (`don_vi` keeps the
# code when it was set aside): a unit's code followed then is not read again as a code another unit took since
NOW = "don_vi_nay"


def _resign_holder(entry: dict[str, Any], dossiers: dict[tuple[str, str], Expected], known: Names,
                   renamed: dict[str, str]) -> Expected | None:
    """The dossier a page of can_ky_lai.pdf signed again goes to now: the person's wherever their unit is now, a
    unit's own under the code its unit has now (from the code it had at the last run, `NOW`, else when it was set
    aside, through `_renamed_units`); None: the output has none."""
    person, unit = _resign_who(entry, dossiers, known)
    if person:
        return next((e for e in dossiers.values() if e.person == person), None)
    if isinstance(entry.get(NOW), str) and entry[NOW]:
        unit = entry[NOW]
    return dossiers.get((renamed.get(unit, unit), ""))


def _resign_row(entry: dict[str, Any], dossiers: dict[tuple[str, str], Expected], earlier: Names, known: Names,
                renamed: dict[str, str]) -> FiledPage:
    """A page of can_ky_lai.pdf (its state entry) as the report names it: the person (or unit) and unit as when it
    was set aside, and the dossier a page signed again goes to now — the person's wherever their unit is now, a
    unit's own under its corrected code — or that the output has none (the person left, the unit is gone)."""
    person, unit = _resign_who(entry, dossiers, known)
    holder = _resign_holder(entry, dossiers, known, renamed)
    name = (known["nguoi"].get(person) or "(không rõ họ tên: lần nhận trước chưa ghi lại)") if person \
        else "Văn bản của đơn vị"
    where = (f"{holder.pdf} — {_unit_words(holder.unit, known['don_vi'].get(holder.unit))}" if holder is not None
             else GONE)
    page = entry.get("trang")
    return FiledPage(str(entry.get("tep") or ""), page if isinstance(page, int) else 0, person, name,
                     str(entry.get("van_ban") or ""),
                     _unit_words(unit, earlier["don_vi"].get(unit) or known["don_vi"].get(unit)) if unit else UNRECORDED,
                     where, why=str(entry.get("ly_do") or WHY_UNRECORDED))


def _filed_page(unit: str, who: str, entry: dict[str, Any], unit_name: str | None, known: Names, where: str,
                new_unit: str = "") -> FiledPage:
    """A filed page (`filed`'s key parts `unit`/`who`, its entry) as the report names it."""
    person = "" if who == "_don_vi" else who
    name = ("Văn bản của đơn vị" if not person else known["nguoi"].get(person)
            or "(không rõ họ tên: lần nhận trước chưa ghi lại)")
    page = entry.get("trang")
    return FiledPage(str(entry.get("tep") or ""), page if isinstance(page, int) else 0, person, name,
                     str(entry.get("van_ban") or ""), _unit_words(unit, unit_name), where, new_unit)


def _code_words(text: str, agency: str, year: str, dossiers: dict[tuple[str, str], Expected],
                known: Names) -> tuple[str, str]:
    """(whose dossier a hoso code read on a page set aside names, its document and page), in words for the
    report; ("", "") for a text that is not a hoso code. A person or unit this output does not know is said so,
    never left a bare code; a code of another agency names no one of this output (its codes are that agency's),
    one of another year names who holds that code in this output, as such."""
    code = parse(text) if text else None
    if code is None:
        return "", ""
    people, units = {e.person for e in dossiers.values()}, {e.unit for e in dossiers.values()}
    # the document's title: its dossier's (this agency's, this year's); else the form's when the output titles it one
    # way only (a form titled per kind of staff is named by its code)
    own = dossiers.get((code.unit, code.person)) if (code.agency, code.year) == (agency, year) else None
    titles = {t for e in dossiers.values() for (f, _c), t in e.titles.items() if f == code.form}
    doc = ("Bìa hồ sơ" if code.form == COVER_FORM else own.titles.get((code.form, code.copy)) if own
           and (code.form, code.copy) in own.titles else next(iter(titles)) if len(titles) == 1
           else f"văn bản (mã mẫu {code.form})")
    doc = f"{doc} — trang {code.page}/{code.pages}"
    if code.agency != agency:
        ids = f"mã đơn vị {code.unit}" + (f", mã số {code.person}" if code.person else "")
        return f"hồ sơ của cơ quan khác ({ids}): {NOT_HERE}", doc
    unit_name = known["don_vi"].get(code.unit)
    if code.year != year:
        here = known["don_vi"].get(code.unit) if code.unit in units else None
        unit = f"mã đơn vị {code.unit} ({f'trong kết quả này là {here}' if here else NOT_HERE})"
        if not code.person:
            return f"bản in năm {code.year}: văn bản của đơn vị, {unit}", doc
        name = known["nguoi"].get(code.person) if code.person in people else None
        person = f"mã số {code.person} ({f'trong kết quả này là {name}' if name else NOT_HERE})"
        return f"bản in năm {code.year}: {person}, {unit}", doc
    unit = _unit_words(code.unit, unit_name)
    if not code.person:
        return f"văn bản của đơn vị {unit}", doc
    name = known["nguoi"].get(code.person)
    if code.person in people and name:
        return f"{name} ({code.person}, {unit})", doc
    if name:  # named by an earlier run's record
        return f"{name} ({code.person}, {unit}): {NOT_HERE}", doc
    return f"mã số {code.person} ({NOT_HERE}), {unit}", doc


def _follow_moves(filed: dict[str, dict[str, Any]], dossiers: dict[tuple[str, str], Expected], root: Path,
                  state: dict[str, Any], earlier: Names | None = None, known: Names | None = None,
                  renamed: dict[str, str] | None = None) -> tuple[list[str], int, dict[str, str]]:
    """Pages an earlier run filed under a unit code this output no longer has are moved to the dossier
    that holds them now (`_moved_to`), under the same rule of versions as any page (a document whose
    words changed since is set aside to be signed again by the caller). All at once: two units that
    swapped codes exchange their pages; each page's image moves with it (its name is its place, where a
    page filed later is stored). The signed PDF of the old place is removed once nothing is left filed
    there and hoso wrote it as it is (an edited one was kept under another name by `_keep_edited`). What
    moved, as "Nguyễn Văn A (Tổ Toán → Tổ Tin học): 3 trang" (`_move_words`), how many pages moved, and each page's
    move (old place -> new place, keys of `filed`)."""
    earlier = earlier or {"don_vi": {}, "nguoi": {}}
    known = known or {"don_vi": {}, "nguoi": {}}
    listed = {t.get("path") for t in state.get("tep", []) if isinstance(t, dict)}
    plan: dict[str, str] = {}
    for key in sorted(filed):
        unit, who, page = key.split("/", 2)
        person = "" if who == "_don_vi" else who
        form = page.rsplit("_", 2)[0]
        e = _moved_to(dossiers, unit, person, form, filed[key].get("phien_ban"), renamed)
        # a unit's page followed by its code to a document laid out on fewer pages since: no place to hold it there
        if e is not None and (person or page in {_page_name(*k) for k in e.pages}):
            plan[key] = f"{e.unit}/{who}/{page}"
    # a place taken by a page that stays, or wanted by two pages: those pages stay where they are (until no
    # page moves into a place whose page stays)
    while True:
        targets = list(plan.values())
        kept = {k: t for k, t in plan.items() if targets.count(t) == 1 and (t not in filed or t in plan)}
        if kept == plan:
            break
        plan = kept
    entries = {k: filed.pop(k) for k in plan}
    images: dict[str, Path] = {}
    for k, entry in entries.items():  # each image aside first: two swapped places may each hold the other's
        img = root / str(entry.get("anh", ""))
        if entry.get("anh") and img.is_file() and not img.is_symlink():
            aside = img.with_name(img.name + ".di-chuyen")
            os.replace(img, aside)
            images[k] = aside
    moves: dict[tuple[str, str], str] = {}
    counts: dict[tuple[str, str], int] = {}
    for k, t in plan.items():
        entry = entries[k]
        if k in images:
            dest = root / ".trang" / f"{t}.jpg"
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(images[k], dest)
            entry["anh"] = dest.relative_to(root).as_posix()
        filed[t] = entry
        unit, who, _ = k.split("/", 2)
        moves[(unit, who)] = t.split("/", 1)[0]
        counts[(unit, who)] = counts.get((unit, who), 0) + 1
    out = []
    for (unit, who), new in sorted(moves.items()):
        name = "don_vi" if who == "_don_vi" else who
        out.append(_move_words(unit, who, new, counts[(unit, who)], earlier, known))
        if any(k.startswith(f"{unit}/{who}/") for k in filed):
            continue
        old = root / unit / f"{name}.pdf"
        if f"{unit}/{name}.pdf" in listed and old.is_file() and not old.is_symlink():
            old.unlink()
            with contextlib.suppress(OSError):
                old.parent.rmdir()
    return out, len(plan), plan


def _keep_edited(root: Path, state: dict[str, Any]) -> list[str]:
    """The files of `root` (da_ky/) the last run listed whose bytes changed since — notes typed into the
    report, a signed PDF annotated — renamed `<name>.sua-tay-<date-time><ext>` before this run writes
    them again (listed from then on like every file of da_ky/); their new paths."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = []
    for entry in state.get("tep", []):
        rel = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(rel, str) or rel.startswith(".trang/") or ".." in rel.split("/"):
            continue
        path = root / rel
        if not path.is_file() or path.is_symlink() or _sha256(path) == entry.get("sha256"):
            continue
        dest = portable.free_name(path.parent, f"{path.stem}.sua-tay-{stamp}", path.suffix)
        os.rename(path, dest)
        out.append(dest.relative_to(root).as_posix())
    return out


def _foreign(code: PageCode, agency: str, year: str, e: Expected | None) -> str:
    """Why a hoso code read on a page is not one of this output's pages (Vietnamese)."""
    if code.agency != agency:
        return "mã của bản in của cơ quan khác (không phải kết quả này)"
    if code.year != year:
        return f"mã của bản in năm {code.year or '?'} (kết quả này: năm {year})"
    if e is None:
        return f"mã của hồ sơ không có trong kết quả này (đơn vị {code.unit}, mã số {code.person or '—'})"
    return f"mã của trang không có trong kết quả này ({code.form}, bản {code.copy}, trang {code.page}/{code.pages})"


def _excel(r: ScanResult, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = cast("Worksheet", wb.active)  # a new workbook's one sheet
    ws.title = "Theo người"
    ws.append(["Đơn vị", "Mã số", "Họ và tên", "Trang đã nhận", "Trang cần có", "Trang còn thiếu",
               "Trang trùng (bỏ qua)", "Trang in từ bản cũ (cần ký lại)", "Hồ sơ đã ký",
               "Ô ký có vẻ còn trống (ước lượng, cần xem lại)", "Trang in từ bản cũ, đã nhận bản mới đã ký (bản in cũ giữ trong can_ky_lai.pdf)"])
    for p in r.people:
        ws.append([p.unit, p.person or "(văn bản của đơn vị)", p.name, p.received, p.expected, "\n".join(p.missing),
                   "\n".join(p.duplicates), "\n".join(p.outdated), p.pdf, "\n".join(p.unsigned),
                   "\n".join(p.resigned)])
    ws2 = wb.create_sheet("Không đọc được mã")
    ws2.append(["Trang trong khong_doc_duoc.pdf", "Tệp quét", "Trang trong tệp quét", "Lý do", "Mã đọc được",
                "Hồ sơ theo mã (người, đơn vị)", "Văn bản, trang theo mã"])
    for i, (src, page) in enumerate(r.unreadable, 1):
        code, whose, doc = r.codes[i - 1] if i <= len(r.codes) else ("", "", "")
        ws2.append([i, src, page, r.why[i - 1] if i <= len(r.why) else "", code, whose, doc])
    # every page of can_ky_lai.pdf in its order: the clerk holding it reads each page's row by its number (the sheet
    # «Theo người» lists a dossier's pages to sign again, not where they are in can_ky_lai.pdf, and none of a
    # dossier the output no longer has)
    ws5 = wb.create_sheet("Cần ký lại")
    ws5.append(["Trang trong can_ky_lai.pdf", "Họ và tên", "Mã số", "Đơn vị (khi nhận)", "Văn bản, trang", "Tệp quét",
                "Trang trong tệp quét", "Lý do", "Hồ sơ hiện nay (trang ký lại xếp vào)", "Đã ký lại"])
    for i, m in enumerate(r.resign_rows, 1):
        ws5.append([i, m.name, m.person or "(văn bản của đơn vị)", m.unit, m.document, m.source, m.page or None, m.why,
                    m.where, "Đã nhận bản mới đã ký" if m.signed_again else "Chưa"])
    # pages filed before, followed to their unit's new code in this run; pages of dossiers the output no longer has
    ws3 = wb.create_sheet("Chuyển theo mã đơn vị mới")
    ws3.append(["Họ và tên", "Mã số", "Văn bản, trang", "Tệp quét", "Trang trong tệp quét", "Đơn vị khi nhận (mã cũ)",
                "Đơn vị hiện nay (mã mới)", "Nay ở"])
    for m in r.moved_rows:
        ws3.append([m.name, m.person or "(văn bản của đơn vị)", m.document, m.source, m.page or None, m.unit,
                    m.new_unit, m.where])
    ws4 = wb.create_sheet("Hồ sơ không còn trong kết quả")
    ws4.append(["Đơn vị", "Mã số", "Họ và tên", "Văn bản, trang", "Tệp quét", "Trang trong tệp quét",
                "Giữ tại (không tính vào hồ sơ nào)"])
    for m in r.left_rows:
        ws4.append([m.unit, m.person or "(văn bản của đơn vị)", m.name, m.document, m.source, m.page or None, m.where])
    for sheet in (ws, ws2, ws5, ws3, ws4):
        for c in sheet[1]:
            c.font = Font(bold=True)
        if sheet.max_row == 1:  # every sheet is there; one with nothing to list says so
            sheet.append([NOTHING])
        _fit_columns(sheet)
        _print_setup(sheet, r)
    buf = io.BytesIO()
    wb.save(buf)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, path)


WIDEST = 60  # a column's width at most (characters): longer text wraps in its cell
HEADER_LINE = 16  # a header wraps on lines of about this many characters when its column's values are narrower


def _fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest line of text (a little more: Excel's unit is a digit's width), at most
    WIDEST, with a header wrapped to the width its values need rather than widening a column of numbers; a cell
    whose text is longer than its column (or has several lines) wraps, top-aligned; the header row frozen."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    top = Alignment(wrap_text=True, vertical="top")
    for k, column in enumerate(sheet.iter_cols(), 1):
        head, cells = column[0], column[1:]
        longest = max((len(line) for c in cells if c.value is not None for line in str(c.value).split("\n")), default=0)
        head_text = str(head.value or "")
        widest_word = max((len(w) for w in head_text.split()), default=0)
        need = max(longest, min(len(head_text), max(HEADER_LINE, widest_word)))
        width = min(WIDEST, round(need * 1.1) + 2)
        sheet.column_dimensions[get_column_letter(k)].width = width
        for n, c in enumerate(column):
            text = "" if c.value is None else str(c.value)
            if "\n" in text or len(text) * 1.1 + 2 > width:
                c.alignment = top
            elif n:
                c.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"


def _print_setup(sheet: Worksheet, r: ScanResult) -> None:
    """How a sheet of the report prints (looked at rendered by LibreOffice Calc, 2026-12-08: portrait at its size,
    «Trang còn thiếu»'s lines printed one over the other): A4, fitted to the page's width (or 2 pages' width, those of
    the same rows one after the other, «Theo người»'s unit, mã số and name repeated at their left), each row as tall
    as its wrapped lines, the header on every page, the page's number at its foot and the report's name at its head."""
    from openpyxl.styles import Alignment

    from pipeline.ingest import xlsx_write

    for cell in sheet[1]:  # the header's words all at the top of the row (some wrapped at its top, others at its foot)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    xlsx_write.fit_rows(sheet, 1, sheet.max_row)
    xlsx_write.print_setup(sheet, sheet.max_column, "1:1", page_title=f"Báo cáo nhận bản đã ký — {sheet.title}")
    if sheet.title == "Theo người":
        sheet.print_title_cols = "A:C"


def _into(r: ScanResult, k: int) -> str:
    """« (xếp vào: <whose> — <document> — trang p/n)» of the k-th matched page; "" when not recorded."""
    whose = r.matched_whose[k] if len(r.matched_whose) == len(r.matched) else ""
    return f" (xếp vào: {whose})" if whose else ""


def console_lines(r: ScanResult) -> list[str]:
    """The report in a few Vietnamese lines."""
    lines = [f"Đã đọc {r.read} trang quét ({r.new} trang mới; {r.blank} trang trắng bỏ qua"
             + (f", {r.covers} trang bìa hồ sơ bỏ qua" if r.covers else "") + ")."]
    none = [p for p in r.people if not p.received and not p.duplicates and not p.outdated]
    for p in r.people:
        if p in none or (p.received == p.expected and not p.duplicates and not p.outdated and not p.unsigned):
            continue
        who = f"{p.unit} {p.person} {p.name}".strip() if p.person else f"{p.unit} (văn bản của đơn vị)"
        lines.append(f"- {who}: nhận {p.received}/{p.expected} trang.")
        if p.received and p.missing:
            lines += [f"    thiếu: {m}" for m in p.missing]
        lines += [f"    trùng: {m}" for m in p.duplicates]
        lines += [f"    in từ bản cũ, cần ký lại: {m}" for m in p.outdated]
        lines += [f"    đã nhận bản mới đã ký (bản in cũ giữ trong da_ky/can_ky_lai.pdf): {m}" for m in p.resigned]
        lines += [f"    ô ký có vẻ còn trống (ước lượng, cần xem lại): {m}" for m in p.unsigned]
    full = sum(1 for p in r.people if p.received == p.expected)
    lines.append(f"Đủ trang: {full}/{len(r.people)} hồ sơ.")
    if r.matched:
        lines.append(f"Ghi chú: {len(r.matched)} trang có mã QR bị che một phần (chữ ký, vết mực… đè lên mã), không "
                     "đọc thẳng được mà nhận ra bằng cách so với mã các trang của kết quả này, đã xếp vào hồ sơ "
                     "(xem lại cho chắc): " + "; ".join(f"{src}, trang {page}{_into(r, k)}"
                                                         for k, (src, page) in enumerate(r.matched)) + ".")
    if none:
        lines.append(f"Chưa nhận trang nào: {len(none)} hồ sơ ("
                     + ", ".join(p.person or f"{p.unit} (đơn vị)" for p in none) + ").")
    if r.unreadable:
        lines.append(f"{len(r.unreadable)} trang không xếp được vào hồ sơ (xếp tay hoặc quét lại; gom trong "
                     "da_ky/khong_doc_duoc.pdf):")
        lines += [f"    {i}. {src}, trang {page}" + (f": {r.why[i - 1]}" if i <= len(r.why) and r.why[i - 1] else "")
                  for i, (src, page) in enumerate(r.unreadable, 1)]
    if r.moved:
        lines.append(f"Ghi chú: {r.moved_pages} trang đã ký nhận trước đây, nay theo mã đơn vị mới trong kết quả, được "
                     "xếp vào hồ sơ hiện tại: " + "; ".join(r.moved) + ".")
    if r.left:
        lines.append(f"{r.left_pages} trang đã ký của {len(r.left)} hồ sơ không còn trong kết quả (người hoặc đơn vị "
                     "đã bỏ khỏi sổ Excel): vẫn giữ trong da_ky/, không tính vào hồ sơ nào: " + "; ".join(r.left) + ".")
    gone = [(i, m) for i, m in enumerate(r.resign_rows, 1) if m.gone]
    if gone:
        lines.append(f"{len(gone)} trang trong da_ky/can_ky_lai.pdf thuộc hồ sơ không còn trong kết quả (người hoặc văn "
                     "bản đã bỏ khỏi sổ Excel, hoặc mã đơn vị đã đổi), không xếp vào hồ sơ nào: "
                     + "; ".join(f"trang {i}: {m.whose}, {m.document}" for i, m in gone) + ".")
    if r.kept:
        lines.append(f"Ghi chú: {len(r.kept)} tệp trong da_ky/ đã được sửa sau lần nhận trước; hoso viết lại các tệp "
                     "này mỗi lần nhận, bản đã sửa được giữ lại với tên mới: " + ", ".join(f"da_ky/{k}" for k in r.kept) + ".")
    lines.append(f"Báo cáo: «{r.report}».")
    return lines
