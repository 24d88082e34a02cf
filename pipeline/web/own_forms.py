"""An agency's own corrected forms on `hoso serve` (page «Mẫu biểu của cơ quan»): what `hoso templates export`
and `hoso build … --templates DIR` give the command line.

    DATA/co_quan/<MA>/mau_bieu/                    the agency's own forms: only those that differ from the program's
                                                    (each such form's folder whole, meta.toml and template.docx, and
                                                    each top-level .toml that differs)
    DATA/co_quan/<MA>/mau_bieu/tai_len.json        who sent it, when, from which file, which forms differ
    DATA/co_quan/<MA>/mau_bieu.dung/               what a build uses (BuildOptions.templates): the program's set
                                                    with the agency's forms over it, written by the build (`merged`)
    DATA/co_quan/<MA>/mau_bieu.truoc-<time>/        a set replaced by an upload, by «Dùng lại mẫu của chương
                                                    trình» or by a restore: kept aside (<time>: the server's local
                                                    time it stopped being used), never deleted — until it is itself
                                                    brought back («Dùng lại bộ này»: `restore`)
    DATA/co_quan/<MA>/mau_bieu.moi-*/               an upload being checked (removed whether kept or refused)

An upload is a .zip of the files `hoso templates export` writes, and only them: `<code>/template.docx`,
`<code>/meta.toml` of the program's form codes and the top-level .toml files (bo_mau.toml, can_cu.toml,
tong_hop_so_noi_vu.toml; the record `mau_goc.json` an export writes is skipped). The files it holds replace those of the set in use (the agency's, else the
program's), so a zip of the one folder a clerk edited is enough. It is kept only when every form of the
result compiles and fills with the agency's latest valid workbook, as `hoso templates check --workbook` does
(`lint.check`); else nothing changes and the clerk is told which file and what is wrong. Only the forms that then
differ from the program's are kept as the agency's: every other form follows the program's updates (a kept whole copy
would freeze them all at the version of the day of the upload, silently).

A set kept aside is brought back (`restore`, «Dùng lại bộ này» on the page: the last ASIDE_SHOWN sets are listed) as if
its files were uploaded over the program's forms: the same checks (each Word file, each .toml, every form filled with
the agency's latest valid workbook), the same refusals in the same words, only the forms that then differ from the
program's kept; the set in use before is set aside in turn (a restore is undone by restoring that one). The folder
brought back leaves the list (it is the set in use); a file in it that is no form of this program is not carried, and
then the folder stays where it is.

A program update of a form the agency has its own copy of never replaces her copy (her wording wins), but it is said:
`tai_len.json` records, per kept form, the sha256 of the program's files of that form the copy was made against
(`mau_goc` {code: {"meta.toml": …, "template.docx": …}}, a top-level .toml under its own name: {"can_cu.toml":
{"can_cu.toml": …}}) — the program's files at the upload for the files the upload held or took from the program, the
recorded ones of the set they were carried from otherwise (the set in use for an upload, the set brought back for a
restore: bringing an old copy back does not make it up to date). `updates` compares them with the program's files
now: the page, the download (`ban_moi_cua_chuong_trinh/`) and the build's notes (`updated_line`) say which forms
were updated since, or that it is not known (a set recorded before `mau_goc` existed). Sending the forms again (even
unchanged) records the program's files of that day: the clerk has seen the update.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
import tempfile
import time
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from pipeline import portable
from pipeline.errors import HosoError, toml_words
from pipeline.forms import origin
from pipeline.resources import templates_dir

FOLDER = "mau_bieu"  # the agency's own forms, in its folder
USED = "dung"  # FOLDER.dung: the set a build uses (the program's with the agency's forms over it)
INFO = "tai_len.json"  # in FOLDER: the upload it came from (never in a download, never a form)
ASIDE = "truoc-"  # FOLDER.truoc-<time>: a set no longer used, kept
ASIDE_SHOWN = 10  # the sets kept aside a page lists (newest first) and brings back: older ones stay on the server
GUIDE = "HUONG_DAN.txt"  # in a download only: how to edit; skipped when sent back
ORIGIN = origin.ORIGIN  # in tai_len.json: per kept form, the sha256 of the program's files it was made against
NEWER = "ban_moi_cua_chuong_trinh"  # in a download only: the program's files now of the forms updated since (or
# not known to be the same) as the agency's copy was made; skipped when sent back
MAX_FILES = 200  # members of an upload (the program's set has ~80 files)
MAX_INFLATED = 100 * 1024 * 1024  # the upload's members inflated, together (zip bombs refused before inflating)
MAX_RATIO = 200  # inflated / compressed of one member larger than 1 MB: a bomb, not a form
MAX_DOCX_INFLATED = 60 * 1024 * 1024  # a template.docx's own parts inflated (it is a zip too)

GUIDE_TEXT = """\
BỘ MẪU BIỂU CỦA CƠ QUAN (tải từ trang «Mẫu biểu của cơ quan» của hoso)

Mỗi thư mục là một mẫu, mang mã của mẫu (ví dụ mau_01_2025):
  - meta.toml: thông tin của mẫu; phần [labels] là lời văn in trên mẫu mà cơ quan được sửa
    (mỗi dòng dạng khoa = "lời văn"; giữ nguyên tên khóa và dấu ngoặc kép; sửa bằng Notepad, lưu UTF-8).
    Các mẫu ghi status = "tai_dung" là bản tái dựng, chưa đối chiếu được văn bản chính thức.
  - template.docx: tệp Word của mẫu. Có thể thay bằng tệp Word chính thức, giữ các biến {{ … }}
    của mẫu cũ; khi đã thay bằng mẫu chính thức, ghi status = "chinh_thuc" trong meta.toml.
Các tệp .toml ở ngoài cùng (bo_mau.toml, can_cu.toml, tong_hop_so_noi_vu.toml) là bộ mẫu dùng cho
từng năm và căn cứ pháp lý in trên giấy tờ.

Sửa xong: nén lại thành tệp .zip (cả bộ, hoặc chỉ các thư mục mẫu đã sửa) rồi
«Tải lên bộ mẫu đã sửa» trên trang «Mẫu biểu của cơ quan». Chương trình thử điền mọi mẫu với sổ
Excel mới nhất của cơ quan trước khi dùng; nếu có lỗi, bộ mẫu đang dùng được giữ nguyên và trang
cho biết tệp nào sai.
Không thêm tệp nào khác vào tệp .zip (tệp khác sẽ bị từ chối).
"""

NEWER_TEXT = f"""
THƯ MỤC {NEWER}
Mẫu của chương trình đã được cập nhật sau khi cơ quan tải lên bản riêng (hoặc không rõ có cập nhật hay
không) đối với các mẫu có trong thư mục {NEWER}: thư mục này chứa bản hiện nay của chương trình
cho các mẫu đó. Bản riêng của cơ quan (thư mục cùng mã mẫu ở ngoài) vẫn được dùng khi «Tạo hồ sơ».
So sánh hai bản, chép phần cập nhật (ví dụ căn cứ pháp lý, lời văn, ô mới) vào bản riêng nếu cần, rồi
tải lên như trên. Tải lên lại bộ mẫu (kể cả khi không cần chép gì) để chương trình ghi nhận cơ quan đã
xem bản cập nhật: trang «Mẫu biểu của cơ quan» sẽ thôi nhắc.
Không cần xóa thư mục {NEWER} trước khi nén: chương trình bỏ qua thư mục này khi tải lên.
"""


class Refused(Exception):
    """An upload not kept: `problems` in words, each naming the file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FormRow:
    code: str
    name: str  # «Mẫu 01-HD KĐ.ĐG 2025 — Báo cáo kiểm điểm tập thể (chi bộ)»
    years: str
    reconstructed: bool
    own: bool  # the agency's copy differs from the program's


@dataclass(frozen=True)
class AsideRow:
    """A set kept aside, as a page lists it (`aside_rows`)."""

    name: str  # its folder «mau_bieu.truoc-20261207-091200»: what the page's button sends back
    until: str  # when it stopped being used, Vietnam's time: «09:12 ngày 07/12/2026» ("" for a name not of ours)
    info: dict[str, Any]  # its tai_len.json: luc, tai_khoan, ten_tep, mau_doi (and dung_lai_* when itself restored)
    changes: list[str]  # the form codes and top-level .toml names it differs from the program's in


def own_dir(agency_dir: Path) -> Path:
    return agency_dir / FOLDER


def in_use(agency_dir: Path) -> Path | None:
    """The agency's own forms folder when it has one (only the forms that differ from the program's), else None."""
    root = own_dir(agency_dir)
    if root.is_dir() and not root.is_symlink() and ((root / INFO).is_file() or (root / "bo_mau.toml").is_file()):
        return root
    return None


def _fill(dest: Path, own: Path | None) -> None:
    """`dest` (new or empty): the program's forms, with those of `own` (the agency's) over them."""
    ignore = shutil.ignore_patterns("__pycache__", INFO)
    shutil.copytree(templates_dir(), dest, dirs_exist_ok=True, ignore=ignore)
    if own is not None:
        shutil.copytree(own, dest, dirs_exist_ok=True, ignore=ignore)


def merged(agency_dir: Path) -> Path | None:
    """The set a build of the agency uses (its BuildOptions.templates): `mau_bieu.dung`, written anew from the
    program's forms and the agency's over them; None when the agency has no forms of its own (the program's set).
    Called by the build only (one build of an agency at a time; the page refuses uploads while one runs)."""
    own = in_use(agency_dir)
    if own is None:
        return None
    dest = agency_dir / f"{FOLDER}.{USED}"
    stage = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.{USED}-", dir=agency_dir))
    try:
        _fill(stage, own)
        if dest.exists() or dest.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.{USED}-cu-", dir=agency_dir))
            os.replace(dest, old / "x")
            shutil.rmtree(old, ignore_errors=True)
        os.rename(stage, dest)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return dest


def info(agency_dir: Path) -> dict[str, Any] | None:
    """What `tai_len.json` of the agency's own set says (luc, tai_khoan, ten_tep, mau_doi); None without a set."""
    root = in_use(agency_dir)
    return None if root is None else info_of(root)


_allowed = origin.allowed  # (the program's form codes, its top-level .toml names)
_sha = origin.sha
differing = origin.differing
_form_files = origin.form_files


def _origin(forms: list[str], fresh: set[str], carried: Path | None) -> dict[str, dict[str, str]]:
    """`mau_goc` for the kept `forms`: per file, the sha256 of the program's file it was made against — the program's
    now for a file sent now (`fresh`) or taken from the program; for a file taken from the set `carried` (the set in
    use, or the set brought back) what that set recorded, nothing when it recorded nothing (not known)."""
    program = templates_dir()
    before = info_of(carried).get(ORIGIN) if carried is not None else None
    recorded = before if isinstance(before, dict) else {}
    out: dict[str, dict[str, str]] = {}
    for form in forms:
        old = recorded.get(form)
        files: dict[str, str] = {}
        for rel, name in _form_files(form):
            if rel in fresh or carried is None or not (carried / rel).is_file():
                sha = _sha(program / rel)
            else:
                was = old.get(name) if isinstance(old, dict) else None
                sha = was if isinstance(was, str) else ""
            if sha:
                files[name] = sha
        out[form] = files
    return out


def updates(root: Path) -> tuple[list[str], list[str]]:
    """(the forms of the agency's set `root` whose program files differ now from those its copy was made against,
    the forms for which that is not known: no `mau_goc` recorded for a file — a set kept before it was recorded).
    Only forms still differing from the program's count (an update that made the program's form the same as hers
    leaves nothing to say)."""
    data = info_of(root).get(ORIGIN)
    recorded = data if isinstance(data, dict) else {}
    program = templates_dir()
    newer: list[str] = []
    unknown: list[str] = []
    for form in differing(root):
        old = recorded.get(form)
        old = old if isinstance(old, dict) else {}
        shas = [(old.get(name), _sha(program / rel)) for rel, name in _form_files(form)]
        if any(isinstance(was, str) and was != now for was, now in shas):
            newer.append(form)
        elif any(not isinstance(was, str) for was, _now in shas):
            unknown.append(form)
    return newer, unknown


def update_words(newer: list[str], unknown: list[str], names: dict[str, str]) -> str:
    """What the page and a build say of `updates`' forms (named by `names`, a top-level .toml by TOP_WORDS): "" when
    there is nothing to say."""
    def named(forms: list[str]) -> str:
        return "; ".join(names.get(f) or TOP_WORDS.get(f) or f for f in forms)

    said = []
    if newer:
        said.append(f"Mẫu của chương trình đã được cập nhật sau khi cơ quan tải lên bản riêng ({named(newer)})")
    if unknown:
        said.append(("Không rõ" if not newer else "không rõ") + " mẫu của chương trình có được cập nhật sau khi cơ quan "
                    f"tải lên bản riêng hay không ({named(unknown)}; bộ mẫu riêng tải lên trước khi chương trình ghi lại "
                    "bản mẫu gốc)")
    return ", ".join(said)


def updated_line(agency_dir: Path, used: Path) -> str:
    """The line a build that used the agency's own forms updated in the program since (`updates`) shows in its notes,
    naming them by their titles in `used` (the set the build uses); "" when there are none."""
    from pipeline import lint

    root = in_use(agency_dir)
    if root is None:
        return ""
    newer, unknown = updates(root)
    if not newer and not unknown:
        return ""
    try:
        names = {s.code: f"{s.ma_hieu} — {s.title}" if s.ma_hieu else s.title for s in lint.listing(used)}
    except HosoError:
        names = {}
    return (update_words(newer, unknown, names) + ": lần tạo này vẫn dùng bản riêng của cơ quan; ở trang «Mẫu biểu của "
            "cơ quan», tải bộ mẫu về để so sánh và chép phần cập nhật nếu cần.")


def listing(agency_dir: Path) -> list[FormRow]:
    """The forms as `hoso templates list` lists them (of the set in use), each marked when the agency's copy
    differs from the program's."""
    from pipeline import lint

    own = in_use(agency_dir)
    with tempfile.TemporaryDirectory(prefix="hoso-mau-") as tmp:
        root = Path(tmp) / FOLDER
        _fill(root, own)
        try:
            specs = lint.listing(root)
        except HosoError:  # the agency's forms cannot be read with this program (an update changed the keys)
            specs, own = lint.listing(None), None
    changed = set(differing(own)) if own is not None else set()
    return [FormRow(s.code, f"{s.ma_hieu} — {s.title}" if s.ma_hieu else s.title, s.years_text, s.reconstructed,
                    s.code in changed) for s in specs]


def font_warnings(agency_dir: Path, names: dict[str, str]) -> list[str]:
    """For the page: each font the agency's own Word files (of the set in use) set text in that this server prints in
    another face (`fonts_asked.notes`'s warnings, as `hoso templates check` and the upload's check say them), each
    form named by `names` (code -> «Mẫu … — title»). A legacy TCVN3/VNI font is refused at upload: never kept."""
    from pipeline.forms import fonts_asked

    own = in_use(agency_dir)
    if own is None:
        return []
    out: list[str] = []
    for code in differing(own):
        docx = own / code / "template.docx"
        if docx.is_file():
            out += fonts_asked.notes(docx, fonts_asked.form_name(code, names.get(code, "")))[1]
    return out


def download(agency_dir: Path, out: IO[bytes]) -> None:
    """The set in use (the agency's own, else the program's) as a .zip written to `out`, as `hoso templates
    export` writes it, with HUONG_DAN.txt; and under NEWER/ the program's files now of the agency's forms updated
    in the program since its copy was made, or not known not to be (`updates`), said in the guide."""
    own = in_use(agency_dir)
    codes, tops = _allowed()
    newer, unknown = updates(own) if own is not None else ([], [])

    def path(rel: str) -> Path:
        return own / rel if own is not None and (own / rel).is_file() else templates_dir() / rel

    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        guide = GUIDE_TEXT + (NEWER_TEXT if newer or unknown else "")
        zf.writestr(GUIDE, guide.replace("\n", "\r\n"))  # read in Notepad
        for form in sorted(newer + unknown):
            for rel, _name in _form_files(form):
                if (templates_dir() / rel).is_file():
                    zf.write(templates_dir() / rel, f"{NEWER}/{rel}")
        for name in sorted(tops):
            if path(name).is_file():
                zf.write(path(name), name)
        for code in sorted(codes):
            for name in ("meta.toml", "template.docx"):
                if path(f"{code}/{name}").is_file():
                    zf.write(path(f"{code}/{name}"), f"{code}/{name}")


def _members(stream: IO[bytes], shown: str) -> list[tuple[zipfile.ZipInfo, str]]:
    """The upload's members with the path each is kept at; Refused for anything export does not write, a path
    out of the folder, a link, a member inflating past the limits."""
    codes, tops = _allowed()
    try:
        zf = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Refused([f"Tệp «{shown}» không phải tệp nén .zip đọc được ({type(exc).__name__})."]) from exc
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if not infos:
        raise Refused([f"Tệp «{shown}» không có tệp nào."])
    if len(infos) > MAX_FILES:
        raise Refused([f"Tệp «{shown}» có {len(infos)} tệp, quá nhiều cho một bộ mẫu (tối đa {MAX_FILES})."])
    total = sum(i.file_size for i in infos)
    if total > MAX_INFLATED:
        raise Refused([f"Tệp «{shown}» khi giải nén quá lớn ({total // 2**20} MB; tối đa {MAX_INFLATED // 2**20} MB): "
                       "không phải bộ mẫu biểu bình thường (có thể là tệp độc hại dạng «bom nén»)."])
    problems: list[str] = []
    names = [i.filename for i in infos]
    # a zip of the folder itself («mau_bieu/mau_01_2025/meta.toml»): its one top folder is not part of the paths
    firsts = {n.split("/", 1)[0] for n in names}
    strip = ""
    if len(firsts) == 1 and all("/" in n for n in names):
        first = next(iter(firsts))
        if first not in codes and first not in ("..", ".", "", NEWER) and ":" not in first:
            strip = first + "/"
    out: list[tuple[zipfile.ZipInfo, str]] = []
    seen: set[str] = set()
    newer = 0  # members of the download's NEWER folder: the program's files, to compare with, never taken
    for i in infos:
        name = i.filename
        mode = (i.external_attr >> 16) & 0xFFFF
        path = PurePosixPath(name[len(strip):] if strip else name)
        if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
            problems.append(f"«{name}»: đường dẫn ra ngoài bộ mẫu (tuyệt đối hoặc có «..»), không được nhận.")
            continue
        if stat.S_ISLNK(mode):
            problems.append(f"«{name}»: là liên kết (symlink), không phải tệp; không được nhận.")
            continue
        if i.flag_bits & 0x1:
            problems.append(f"«{name}»: tệp có mật khẩu; hãy nén lại không đặt mật khẩu.")
            continue
        if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            problems.append(f"«{name}»: tỉ lệ nén bất thường (có thể là tệp độc hại dạng «bom nén»); không được nhận.")
            continue
        parts = path.parts
        if parts in ((GUIDE,), (origin.RECORD,)):
            continue  # the guide a download carries; the record `hoso templates export` writes (a zipped export)
        if len(parts) > 1 and parts[0] == NEWER:
            newer += 1
            continue
        ok = (len(parts) == 1 and parts[0] in tops) or (
            len(parts) == 2 and parts[0] in codes and parts[1] in ("meta.toml", "template.docx"))
        if not ok:
            if parts and parts[-1].startswith("~$"):
                why = "tệp tạm của Word (đóng Word rồi nén lại, không kèm tệp này)"
            elif len(parts) == 2 and parts[0] not in codes and parts[1] in ("meta.toml", "template.docx"):
                why = f"«{parts[0]}» không phải mã mẫu nào của chương trình"
            else:
                why = ("bộ mẫu chỉ gồm <mã mẫu>/template.docx, <mã mẫu>/meta.toml và các tệp .toml ngoài cùng "
                       f"({', '.join(sorted(tops))})")
            problems.append(f"«{name}»: không phải tệp của bộ mẫu biểu — {why}.")
            continue
        key = "/".join(parts)
        if key in seen:
            problems.append(f"«{name}»: có hai lần trong tệp nén.")
            continue
        seen.add(key)
        out.append((i, key))
    if problems:
        raise Refused(problems)
    if not out and newer:
        raise Refused([f"Tệp «{shown}» chỉ có thư mục «{NEWER}»: các tệp trong thư mục này là bản của chương trình "
                       "để so sánh, không được tải lên. Chép phần cập nhật vào thư mục mẫu cùng mã (bản riêng của cơ "
                       "quan) rồi nén và tải lên thư mục đó."])
    if not out:
        raise Refused([f"Tệp «{shown}» không có tệp mẫu nào (<mã mẫu>/meta.toml, <mã mẫu>/template.docx hoặc tệp .toml "
                       "ngoài cùng)."])
    return out


def _check_docx(path: Path, key: str) -> str | None:
    """A template.docx that is no Word file, or whose own parts inflate past MAX_DOCX_INFLATED."""
    try:
        with zipfile.ZipFile(path) as z:
            names = {i.filename for i in z.infolist()}
            if sum(i.file_size for i in z.infolist()) > MAX_DOCX_INFLATED:
                return f"«{key}»: tệp Word khi giải nén quá lớn (có thể là tệp độc hại dạng «bom nén»)."
            if "word/document.xml" not in names:
                return f"«{key}»: không phải tệp Word .docx (thiếu phần word/document.xml)."
    except (zipfile.BadZipFile, OSError):
        return f"«{key}»: không phải tệp Word .docx (Word 2007 trở lên; tệp .doc cũ: mở bằng Word, lưu thành .docx)."
    return None


def check_tomls(root: Path, keys: list[str]) -> list[str]:
    """Each .toml of `keys` (paths under `root`) that does not parse, in words with its line and column."""
    problems = []
    for key in keys:
        if not key.endswith(".toml"):
            continue
        try:
            tomllib.loads((root / key).read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"«{key}»: {toml_words(exc)}.")
    return problems


def relative(text: str, root: Path) -> str:
    """A message naming the staging folder's files by their path in the zip («mau_01_2025/meta.toml»)."""
    for prefix in (str(root) + os.sep, str(root)):
        text = text.replace(prefix, "")
    return text


def _zipped_record(zf: zipfile.ZipFile) -> dict[str, dict[str, str]] | None:
    """`mau_goc` of the record a zipped `hoso templates export` folder carries (at its top, or under the one folder
    the zip holds), when readable and small; None otherwise."""
    for info in zf.infolist():
        parts = PurePosixPath(info.filename).parts
        if parts and parts[-1] == origin.RECORD and len(parts) <= 2 and info.file_size <= 1024 * 1024:
            try:
                return origin.parse_record(zf.read(info))
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError):
                return None
    return None


def receive(agency_dir: Path, stream: IO[bytes], shown: str, workbook: Path | None, who: str,
            followed: list[str] | None = None) -> tuple[list[str], str]:
    """The upload kept as the agency's own set when it is sound: (the forms it changed against the set in use,
    the name the replaced own set was kept aside under, "" when there was none). A set the same as the
    program's is not kept: the program's forms are used again (as «Dùng lại mẫu của chương trình»). Refused otherwise, nothing
    changed. `workbook`: the agency's latest valid upload (None: the sample shipped with the program).
    A zipped `hoso templates export` folder carries its record (`mau_goc.json`): a form in it still exactly as the
    program's was when exported, while the program's changed since, is an old copy she never edited — it is not kept
    as hers (it would freeze the program's correction): the program's form now is used, and it is appended to
    `followed` for the page to say so (forms/origin.py, as `hoso build --templates DIR` does)."""
    members = _members(stream, shown)
    agency_dir.mkdir(parents=True, exist_ok=True)
    current = in_use(agency_dir)
    stage = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.moi-", dir=agency_dir))
    try:
        _fill(stage, current)
        zf = zipfile.ZipFile(stream)
        for i, key in members:
            dest = stage / key
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(i) as src, open(dest, "wb") as out:
                    shutil.copyfileobj(src, out)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a damaged member (CRC, truncated)
                raise Refused([f"«{key}»: hỏng trong tệp nén, không giải nén được ({type(exc).__name__}); hãy nén "
                               "lại rồi tải lên."]) from exc
        keys = [k for _, k in members]
        recorded = _zipped_record(zf)
        if recorded:
            old = origin.unedited(stage, recorded, {origin.form_of(k) for k in keys})
            for form in old:  # the program's form now over the old copy: the same as the program's, not kept
                for rel, _name in _form_files(form):
                    shutil.copyfile(templates_dir() / rel, stage / rel)
            keys = [k for k in keys if origin.form_of(k) not in old]
            if followed is not None:
                followed += old
        return _keep_checked(agency_dir, stage, keys, workbook, who, shown, fresh=set(keys), carried=current)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _keep_checked(agency_dir: Path, stage: Path, keys: list[str], workbook: Path | None, who: str, shown: str,
                  record: dict[str, Any] | None = None, *, fresh: set[str], carried: Path | None) -> tuple[list[str], str]:
    """`stage` (a whole set: the program's forms with the files `keys` over them) kept as the agency's own set when
    every Word file and .toml of `keys` reads and every form fills with `workbook` (`lint.check`): `receive`'s
    answer. Refused otherwise, nothing changed. `fresh`, `carried`: the files sent now and the set the others of the
    stage's own were taken from, for `mau_goc` (`_origin`)."""
    from pipeline import lint

    current = in_use(agency_dir)
    problems = [why for key in keys if key.endswith(".docx") and (why := _check_docx(stage / key, key))]
    problems += check_tomls(stage, keys)
    if problems:
        raise Refused(problems)
    try:
        results = lint.check(stage, workbook)
    except HosoError as exc:
        raise Refused([relative(str(exc), stage)]) from exc
    bad = [f"«{r.code}/template.docx» ({r.title}): " + " ".join(relative(p, stage) for p in r.problems)
           for r in results if not r.ok]
    if bad:
        raise Refused(bad)
    changed = differing(stage, current)
    after = differing(stage)
    if not after:  # the program's forms exactly: no own copy kept (it would not follow the program's updates)
        return changed, set_aside(agency_dir)
    # only the forms that differ from the program's are the agency's: the others follow the program's updates
    keep = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.giu-", dir=agency_dir))
    try:
        for rel in after:
            if (stage / rel).is_dir():
                shutil.copytree(stage / rel, keep / rel, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(stage / rel, keep / rel)
        origin = {ORIGIN: _origin(after, fresh, carried)}
        return changed, put_in_use(agency_dir, keep, who, shown, after, (record or {}) | origin)
    finally:
        shutil.rmtree(keep, ignore_errors=True)  # gone when it was put in use


def put_in_use(agency_dir: Path, new: Path, who: str, shown: str, forms: list[str],
               record: dict[str, Any] | None = None) -> str:
    """The checked folder `new` made the set in use, with its `tai_len.json` (time, account `who`, file `shown`,
    the `forms` it differs in; `record`'s keys over those: a restored set keeps its upload's and says when it was
    brought back); the set in use before set aside (its name returned; "" when there was none), and back in use
    if `new` cannot be moved in."""
    data = {"luc": now(), "tai_khoan": who,
            "ten_tep": shown, "mau_doi": forms}
    (new / INFO).write_text(json.dumps(data | (record or {}), ensure_ascii=False), encoding="utf-8")
    aside = set_aside(agency_dir)
    try:
        os.rename(new, own_dir(agency_dir))
    except OSError:
        if aside:  # the set in use stays in use
            os.rename(agency_dir / aside, own_dir(agency_dir))
        raise
    return aside


def set_aside(agency_dir: Path) -> str:
    """The agency's own set moved to `mau_bieu.truoc-<time>` (its name; "" when it has none): never deleted."""
    root = own_dir(agency_dir)
    if not (root.exists() or root.is_symlink()):
        return ""
    aside = portable.free_name(agency_dir, f"{FOLDER}.{ASIDE}{time.strftime('%Y%m%d-%H%M%S')}")
    os.rename(root, aside)
    return aside.name


def kept_aside(agency_dir: Path) -> list[str]:
    """The sets kept aside, newest first."""
    try:
        return sorted((p.name for p in agency_dir.iterdir() if p.name.startswith(f"{FOLDER}.{ASIDE}") and p.is_dir()),
                      reverse=True)
    except OSError:
        return []


_ASIDE_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-\d{1,4})?")
TOP_WORDS = origin.TOP_WORDS


def until_words(name: str) -> str:
    """When the set kept aside as `name` («mau_bieu.truoc-20261207-021200», the server's local time) stopped being
    used, in Vietnam's time and the papers' order: «09:12 ngày 07/12/2026»; "" for a name that holds no time."""
    from pipeline.web.store import vietnam_time

    m = _ASIDE_TIME.fullmatch(name.removeprefix(f"{FOLDER}.{ASIDE}"))
    if m is None:
        return ""
    shown = vietnam_time("{}-{}-{} {}:{}:{}".format(*m.groups()))  # «07/12/2026 09:12»
    day, _, clock = shown.partition(" ")
    return f"{clock} ngày {day}" if clock else ""


def now() -> str:
    """The time a record keeps: UTC with its offset, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(sep=" ")


def info_of(root: Path) -> dict[str, Any]:
    """What the `tai_len.json` of the set in `root` (in use or kept aside) says; {} without one."""
    try:
        data = json.loads((root / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _aside_names(agency_dir: Path, holding: str | None = None) -> list[str]:
    """The names of the last ASIDE_SHOWN sets kept aside (folders, no links), newest first; `holding`: only those with
    this file."""
    names = [name for name in kept_aside(agency_dir) if not (agency_dir / name).is_symlink()
             and (holding is None or (agency_dir / name / holding).is_file())]
    return names[:ASIDE_SHOWN]


def aside_rows(agency_dir: Path, holding: str | None = None) -> list[AsideRow]:
    """The last ASIDE_SHOWN sets kept aside, newest first, with what each changed against the program's forms;
    `holding`: only those with this file (the Sở's wording). `changes` lists forms only (the Sở's page words its
    labels itself)."""
    return [AsideRow(name, until_words(name), info_of(agency_dir / name),
                     differing(agency_dir / name) if holding is None else [])
            for name in _aside_names(agency_dir, holding)]


def pick(agency_dir: Path, name: str, holding: str | None = None) -> Path:
    """The set kept aside the page's button named (`name`: one of `aside_rows`' names, nothing else: no path from a
    request reaches the file system); Refused in words otherwise."""
    if name in _aside_names(agency_dir, holding):
        root = agency_dir / name
        if root.is_dir() and not root.is_symlink():
            return root
    raise Refused(["Bộ đã cất giữ này không còn trong danh sách (có thể vừa được dùng lại từ một trang khác): tải lại "
                   "trang rồi chọn lại."])


def _carried(root: Path) -> tuple[list[str], bool]:
    """(the program's form files `root` holds, by their path there — each `<code>/meta.toml`, `<code>/template.docx`
    and top-level .toml —, whether it holds nothing else but its tai_len.json)."""
    codes, tops = _allowed()
    keys = sorted([f"{c}/{n}" for c in codes for n in ("meta.toml", "template.docx")
                   if (root / c / n).is_file() and not (root / c / n).is_symlink() and not (root / c).is_symlink()]
                  + [t for t in tops if (root / t).is_file() and not (root / t).is_symlink()])
    present = {p.relative_to(root).as_posix() for p in root.rglob("*")
               if (p.is_file() or p.is_symlink()) and "__pycache__" not in p.parts}
    return keys, present <= set(keys) | {INFO}


def restore(agency_dir: Path, name: str, workbook: Path | None, who: str) -> tuple[list[str], str]:
    """The set kept aside as `name` (one of `aside_rows`) made the set in use again, checked as an upload of its files
    is (`receive`'s answer and refusals); its folder then leaves the list (removed when everything in it was carried).
    Its tai_len.json keeps the upload's time, account and file, and adds when and by whom it was brought back."""
    source = pick(agency_dir, name)
    keys, whole = _carried(source)
    if not keys:
        raise Refused([f"Bộ đã cất giữ «{name}» không có tệp mẫu nào của chương trình này."])
    before = info_of(source)
    stage = Path(tempfile.mkdtemp(prefix=f"{FOLDER}.moi-", dir=agency_dir))
    try:
        _fill(stage, None)
        for key in keys:
            shutil.copyfile(source / key, stage / key)
        record = {k: before[k] for k in ("luc", "tai_khoan", "ten_tep") if isinstance(before.get(k), str) and before[k]}
        record |= {"dung_lai_luc": now(), "dung_lai_tai_khoan": who, "dung_lai_tu": name}
        answer = _keep_checked(agency_dir, stage, keys, workbook, who, str(before.get("ten_tep") or name), record,
                               fresh=set(), carried=source)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if whole:  # every file is in use again (or is the program's own now): nothing is lost with the folder
        shutil.rmtree(source, ignore_errors=True)
    return answer


def used_line(agency_dir: Path) -> str:
    """The line a build that used the agency's own set shows in its summary and notes."""
    from pipeline.web.store import vietnam_time

    data = info(agency_dir) or {}
    when = vietnam_time(data.get("luc")) if data.get("luc") else ""
    forms = [str(c) for c in data.get("mau_doi") or []]
    said = "Dùng bộ mẫu biểu riêng của cơ quan (trang «Mẫu biểu của cơ quan»"
    if when:
        said += f", tải lên lúc {when}" + (f" từ tệp «{data['ten_tep']}»" if data.get("ten_tep") else "")
    if data.get("dung_lai_luc"):  # a set kept aside, brought back
        said += f", dùng lại lúc {vietnam_time(data['dung_lai_luc'])}"
    said += ")"
    if forms:
        said += f"; các mẫu khác mẫu của chương trình: {', '.join(forms)}"
    return said + "."
