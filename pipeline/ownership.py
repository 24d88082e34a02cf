"""What in an output folder is hoso's own, and may therefore be removed when a run replaces it.

A folder is an earlier hoso output only when its `manifest.json` is one hoso wrote (a JSON object
with hoso's mark `tao_boi: "hoso"`, or — outputs of versions before the mark — the keys every hoso
manifest has: `files`, `nam_danh_gia`, `dau_vao_sha256`). Even then, only the files its manifest
lists (and the manifest itself, and the lock files Word and LibreOffice leave beside a document they
have open) are hoso's: a run refuses a folder holding anything else, or holding one of its own
inputs (the workbook, the agency's templates, the cache), and when the old output is removed after
the swap, only its listed files are deleted — anything else found there by then is left in place.

Only the standard library is imported here (the no-change check runs before the build's imports).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline import portable

MANIFEST = "manifest.json"  # pipeline.manifest.MANIFEST
SIGNATURE = "manifest.json.sig"  # pipeline.submission.signing.SIGNATURE: not listed, it signs the list
MARK_KEY, MARK = "tao_boi", "hoso"  # written into every manifest (extends the manifest; never removed)
_LEGACY_KEYS = ("files", "nam_danh_gia", "dau_vao_sha256")
SHOWN = 5  # foreign files named in a message


def read_manifest(folder: Path) -> object:
    """The parsed manifest.json of `folder`; None when there is none; `...` when it is unreadable."""
    path = os.path.join(folder, MANIFEST)
    try:
        fd = portable.open_nofollow(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return ...
    try:
        with os.fdopen(fd, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return ...


def is_own_manifest(data: object) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        return False
    if data.get(MARK_KEY) == MARK:
        return True
    return all(k in data for k in _LEGACY_KEYS) and isinstance(data.get("dau_vao_sha256"), str)


def listed(data: dict[str, Any]) -> set[str]:
    """The relative paths a manifest lists (only plain, relative paths without `..`)."""
    out = set()
    for f in data.get("files") or []:
        p = f.get("path") if isinstance(f, dict) else None
        if isinstance(p, str) and p and not p.startswith("/") and ".." not in p.split("/"):
            out.add(p)
    return out


def editor_lock(name: str) -> bool:
    """Lock files an editor leaves beside a document it has open (Word `~$x.docx`, LibreOffice
    `.~lock.x.docx#`): they belong to the document, not to the user."""
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def on_disk(folder: Path) -> list[str]:
    """Every non-directory entry under `folder` (symbolic links included, never followed), relative."""
    out = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        rel_root = os.path.relpath(root, folder)
        # a symbolic link to a folder is listed by walk among `dirs`: it is an entry, not a folder
        for name in [*names, *(d for d in dirs if os.path.islink(os.path.join(root, d)))]:
            out.append(name if rel_root == "." else f"{rel_root}/{name}".replace(os.sep, "/"))
    return sorted(out)


SIGNED_DIR, SIGNED_LIST = "da_ky", "da_ky/nhan_ban_ky.json"  # pipeline/scan/sort.py (hoso nhan-ban-ky)


def signed_files(folder: Path) -> dict[str, str]:
    """The files `hoso nhan-ban-ky` wrote under `da_ky/` (relative to `folder`) -> SHA-256, as its own
    list `da_ky/nhan_ban_ky.json` records them (with that list itself, digest ""). The build carries
    `da_ky/` over into the folder it swaps in (pipeline/output.py)."""
    path = os.path.join(folder, SIGNED_LIST)
    try:
        fd = portable.open_nofollow(path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get(MARK_KEY) != MARK:
        return {}
    out = {SIGNED_LIST: ""}
    for f in data.get("tep") or []:
        p = f.get("path") if isinstance(f, dict) else None
        if isinstance(p, str) and p and not p.startswith("/") and ".." not in p.split("/"):
            out[f"{SIGNED_DIR}/{p}"] = str(f.get("sha256", ""))
    return out


def foreign(folder: Path, data: dict[str, Any]) -> list[str]:
    """Entries under `folder` that its (own) manifest does not list (nor hoso nhan-ban-ky's list).
    Nothing under a `da_ky/` that hoso nhan-ban-ky's list makes hoso's: a build moves that folder
    whole (pipeline/output.py), so a page image a `nhan-ban-ky` stopped half-way left unlisted is
    carried with it, never deleted — and never a reason to refuse the folder."""
    signed = signed_files(folder)
    mine = listed(data) | {MANIFEST, SIGNATURE} | set(signed) | _printed_mark(folder)
    carried = f"{SIGNED_DIR}/" if signed and not os.path.islink(os.path.join(folder, SIGNED_DIR)) else None
    return [p for p in on_disk(folder) if p not in mine and not editor_lock(p.rsplit("/", 1)[-1])
            and not (carried and p.startswith(carried))]


PRINTED = "da_in.json"  # pipeline.printed.MARK_FILE (hoso da-in)


def _printed_mark(folder: Path) -> set[str]:
    """{PRINTED} when `folder` holds the printed mark hoso wrote (pipeline/printed.py), else nothing."""
    from pipeline import printed  # standard library only, as here

    return {PRINTED} if printed.is_mark(folder) else set()


def _inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))
    except (OSError, ValueError):
        return False


# files every hoso output has at its top (build and rate): a folder holding one without a manifest is an earlier output
LOOKS_BUILT = frozenset({"ket_qua_xep_loai.json", "ket_qua_xep_loai.xlsx", "HUONG_DAN_IN.txt", "thay_doi.txt"})


def refusal(target: Path, *, inputs: tuple[Path | None, ...] = (), keep_builds: bool = False) -> str | None:
    """Why `target` must not be replaced by a run (a Vietnamese message), or None when it may.

    `inputs`: files and folders the run reads (none may be inside the output);
    `keep_builds`: the run writes the ratings only (`hoso rate`): a folder holding dossiers is refused."""
    if os.path.lexists(target) and not target.is_dir():  # a file: never a folder to replace
        if any(item is not None and _inside(Path(item), target) for item in inputs):  # `-o` given the workbook itself
            return (f"«{target}» là tệp đầu vào của lệnh này, không phải thư mục kết quả (có lẽ gõ nhầm sau -o); "
                    "hoso không ghi gì vào nó. Chọn thư mục kết quả, ví dụ: -o ket_qua.")
        return f"«{target}» là một tệp, không phải thư mục; chọn thư mục kết quả khác (-o)."
    for item in inputs:
        if item is not None and _inside(Path(item), target):
            return (f"«{item}» (dữ liệu đầu vào của lệnh này) nằm trong thư mục kết quả «{target}». hoso thay cả "
                    "thư mục kết quả khi chạy xong, nên sẽ xóa nó. Chuyển nó ra ngoài, hoặc chọn thư mục kết quả "
                    "khác với -o.")
    if not target.is_dir():
        return None
    data = read_manifest(target)
    entries = on_disk(target)
    if data is None:
        if not entries:
            return None
        if any(e in LOOKS_BUILT for e in entries):  # an earlier output whose manifest was deleted or renamed
            return (f"Thư mục «{target}» giống kết quả hoso đã tạo nhưng không còn tệp {MANIFEST} (danh sách các tệp "
                    "hoso đã ghi; có lẽ đã bị xóa hoặc đổi tên): không có nó, hoso không biết tệp nào là của mình "
                    "nên không thay thư mục này (trong đó có thể có bản quét, ghi chú của văn thư). Nếu có bản sao "
                    f"{MANIFEST}, chép lại vào thư mục; nếu không, đổi tên thư mục này (để giữ lại) rồi chạy lại: "
                    f"hoso tạo mới «{target}».")
        return (f"Thư mục «{target}» đã có tệp khác không phải kết quả của hoso; để tránh xóa nhầm, hãy chọn "
                "thư mục trống (-o).")
    if not is_own_manifest(data):
        return (f"Thư mục «{target}» có tệp {MANIFEST} nhưng không phải do hoso tạo, nên không phải kết quả "
                "của hoso; hoso không xóa hay ghi đè nó. Chọn thư mục trống hoặc thư mục kết quả cũ của hoso (-o).")
    assert isinstance(data, dict)
    others = foreign(target, data)
    if others:
        names = ", ".join(others[:SHOWN]) + (f" … (tổng cộng {len(others)} tệp)" if len(others) > SHOWN else "")
        return (f"Thư mục kết quả «{target}» có tệp không do hoso tạo (không có trong {MANIFEST}): {names}. hoso "
                "thay cả thư mục khi chạy xong, nên sẽ xóa chúng. Chuyển các tệp đó ra ngoài, hoặc chọn thư mục "
                "khác với -o.")
    if keep_builds and (data.get("ca_nhan") or data.get("don_vi") or data.get("nop_so_noi_vu")):
        return (f"Thư mục «{target}» đang chứa bộ hồ sơ do «hoso build» tạo; «hoso rate» chỉ ghi kết quả xếp loại "
                "nên sẽ không thay nó (bộ hồ sơ sẽ mất). Chọn thư mục khác với -o.")
    return None


def _unlink(path: str) -> None:
    """Remove one of hoso's files (a symbolic link is removed, never followed). Windows refuses to delete a file
    marked read-only (a clerk's Properties → Read-only on a dossier, a copy from a CD): the mark is taken off and
    the file removed — it was left, silently, in the old output moved aside beside the folder, with its person's
    data, at every run. POSIX deletes it whatever its mode: the retry never runs there."""
    try:
        os.unlink(path)
    except PermissionError:
        try:
            if os.path.islink(path) or os.stat(path).st_mode & 0o200:
                return  # writable already: refused for another reason (open in another program); left
            os.chmod(path, 0o600)
            os.unlink(path)
        except OSError:
            pass
    except OSError:
        pass


def remove_owned(folder: Path) -> list[str]:
    """Delete what hoso wrote in `folder` (the files its own manifest lists, the manifest, editors'
    lock files) and the folders left empty; return what is left (nothing was followed or deleted
    there). A folder without hoso's manifest is left entirely as it is."""
    data = read_manifest(folder)
    if not is_own_manifest(data):
        return on_disk(folder)
    assert isinstance(data, dict)
    mine = listed(data) | _printed_mark(folder)
    for rel in on_disk(folder):
        if rel in mine or rel == SIGNATURE or editor_lock(rel.rsplit("/", 1)[-1]):
            _unlink(os.path.join(folder, rel))
    for root, dirs, _names in sorted(os.walk(folder, topdown=False, followlinks=False), key=lambda w: -len(w[0])):
        for d in dirs:
            p = os.path.join(root, d)
            if not os.path.islink(p):
                try:
                    os.rmdir(p)
                except OSError:
                    pass
    left = on_disk(folder)
    if left == [MANIFEST]:  # the manifest goes last: while anything else is left, it says what that is
        os.unlink(os.path.join(folder, MANIFEST))
        left = []
    if not left:
        try:
            os.rmdir(folder)
        except OSError:
            pass
    return left
