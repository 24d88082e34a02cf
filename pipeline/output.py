"""The output folder: locked against a second run, built aside, moved into place only on success.

A failed or interrupted run leaves the previous output untouched and no half-written file.

`Staged` writes into the staging folder and remembers what the manifest needs (digest, size,
pages) of what it wrote; a file whose content equals the previous output's file at the same path
(same SHA-256, and that file still has the size and modification time its manifest recorded) is
hard-linked from it instead of written again (`PreviousOutput`). The previous folder is removed
when the new one is swapped in, so the link is the only name left: no other folder shares it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from pipeline import ownership, portable
from pipeline.errors import OutputError
from pipeline.manifest import MANIFEST, Known, describe, scan


class OutputFolder:
    def __init__(self, target: Path, *, inputs: tuple[Path | None, ...] = (), keep_builds: bool = False,
                 keep_old: bool = False, carry_signed: bool = True, keep_replaced: Path | None = None) -> None:
        """`inputs`: what the run reads (the workbook…), refused inside the output; `keep_builds`:
        the run writes ratings only (`hoso rate`), so a folder holding dossiers is refused;
        `keep_old`: `commit` leaves the replaced output set aside (not in the folder's place any
        more), for `tidy` to remove after the build is reported done (`hoso serve`);
        `carry_signed`: the signed scans (`da_ky/`) of the output replaced go into the new one — not
        when it was another agency's or another year's: they are then moved beside the folder
        (`signed_aside`, `<output>.da-ky-<date-time>`), never into a dossier they do not belong to;
        `keep_replaced` (with `carry_signed` False): the output replaced is moved there whole instead
        (`kept`; the folder is made, a name already taken gets a number), nothing of it removed."""
        given = Path(target).absolute()
        if given.name in ("", "..", "."):  # `-o ..` (a terminal standing in a subfolder of the output): its lock
            # file and staging folder go beside the folder, named after it, never into it as «.....lock»
            given = Path(os.path.realpath(given))
        self.target = _real_target(given)
        self.parent = self.target.parent
        self.staging: Path | None = None
        self._lock_fh: BinaryIO | None = None
        self._staged: Path | None = None  # the staging folder, remembered for error messages
        self._inputs, self._keep_builds, self._keep_old = tuple(inputs), keep_builds, keep_old
        self._carry = carry_signed
        self.signed_aside: Path | None = None  # where the replaced output's da_ky/ went (carry_signed=False)
        self._keep_replaced = None if carry_signed else keep_replaced
        self.kept: Path | None = None  # where the replaced output went (keep_replaced)

    def __enter__(self) -> OutputFolder:
        t = self.target
        if t.exists() and not t.is_dir():  # said as ownership says it (the workbook itself given after -o…)
            raise OutputError(ownership.refusal(t, inputs=self._inputs)
                              or f"«{t}» là một tệp, không phải thư mục; chọn thư mục kết quả khác (-o).")
        self._lock()
        self._tidy()
        try:
            self._refuse_what_is_not_ours()
            self.staging = self._staged = Path(tempfile.mkdtemp(prefix=f".{t.name}.dang-tao-", dir=self.parent))
            _as_umask_allows(self.staging)
        except OSError as exc:
            self._unlock()
            raise _os_error(exc, self.parent) from exc
        except BaseException:
            self._unlock()
            raise
        return self

    def _refuse_what_is_not_ours(self) -> None:
        """Only a folder that is empty or hoso's own earlier output may be replaced (pipeline/ownership.py)."""
        why = ownership.refusal(self.target, inputs=self._inputs, keep_builds=self._keep_builds)
        if why:
            raise OutputError(why)

    def commit(self) -> None:
        """Swap the finished staging folder into place; the old output is removed only afterwards."""
        assert self.staging is not None
        if self._keep_replaced is not None and self.target.exists():
            self._commit_keeping(self._keep_replaced)
            return
        old = None
        try:
            if self.target.exists():
                _keep_mode(self.target, self.staging)  # a group share stays a group share
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.cu-", dir=self.parent))
                os.rename(self.target, old / "x")
                if self._carry:
                    _carry_signed(old / "x", self.staging)
                    _carry_printed(old / "x", self.staging)
                else:
                    self.signed_aside = _set_signed_aside(old / "x", self.target)
            os.rename(self.staging, self.target)
        except BaseException as exc:  # OSError, or Ctrl-C between the two renames: put the old one back
            if old is not None and (old / "x").exists() and not self.target.exists():
                _carry_signed(self.staging, old / "x")
                _carry_printed(self.staging, old / "x")
                if self.signed_aside is not None:
                    os.rename(self.signed_aside, old / "x" / ownership.SIGNED_DIR)
                    self.signed_aside = None
                os.rename(old / "x", self.target)
            if old is not None:
                with contextlib.suppress(OSError):
                    old.rmdir()
            if isinstance(exc, OSError):
                raise _os_error(exc, self.target) from exc
            raise
        self.staging = None
        if old is not None and not self._keep_old:
            _remove_old(old)

    def _commit_keeping(self, where: Path) -> None:
        """The swap, the output replaced moved whole to `where` (same file system: two renames)."""
        assert self.staging is not None
        try:
            where.parent.mkdir(parents=True, exist_ok=True)
            kept = portable.free_name(where.parent, where.name)
            _keep_mode(self.target, self.staging)
            os.rename(self.target, kept)
        except OSError as exc:
            raise _os_error(exc, self.target) from exc
        try:
            os.rename(self.staging, self.target)
        except BaseException as exc:  # put the old one back: the output folder is never left empty
            if not self.target.exists():
                os.rename(kept, self.target)
            if isinstance(exc, OSError):
                raise _os_error(exc, self.target) from exc
            raise
        self.staging, self.kept = None, kept

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self._unlock()
        if isinstance(exc, OSError) and exc.errno in _WRITING:  # disk full, read-only… while building
            ours = not exc.filename or any(_inside(exc.filename, p) for p in (self._staged, self.target) if p)
            if ours or exc.errno in _FULL or exc.errno == errno.EFBIG:
                raise _os_error(exc, self.target if ours else Path(exc.filename)) from exc

    def _lock(self) -> None:
        t = self.target
        lock = self.parent / f".{t.name}.lock"
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            # never truncated, never through a symbolic link: a planted link cannot make us write elsewhere
            fd = portable.open_nofollow(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise OutputError(f"Tệp khóa «{lock}» là một liên kết tượng trưng (symlink), không phải tệp của "
                                  f"hoso; hoso không mở nó để khỏi ghi vào tệp khác. Xóa «{lock}» rồi chạy lại.") from exc
            raise _os_error(exc, self.parent) from exc
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                os.close(fd)
                raise OutputError(f"«{lock}» không phải tệp khóa thường của hoso. Xóa nó rồi chạy lại.")
            self._lock_fh = fh = os.fdopen(fd, "r+b")
        except OSError as exc:
            raise _os_error(exc, self.parent) from exc
        try:
            got = portable.try_lock(fh)
        except portable.LockUnsupported as exc:
            fh.close()
            self._lock_fh = None
            raise OutputError(
                f"Ổ đĩa chứa «{t}» không hỗ trợ khóa tệp ({exc.strerror or exc}), nên hoso không chắc được rằng không có "
                "lệnh hoso nào khác đang ghi vào đó. Chọn thư mục kết quả trên ổ đĩa của máy (-o THƯ_MỤC), rồi chép "
                "kết quả sang ổ mạng sau khi tạo xong.") from None
        if not got:
            fh.close()
            self._lock_fh = None
            raise OutputError(
                f"Một lệnh hoso khác đang ghi vào «{t}». Chờ lệnh đó chạy xong (hoặc chọn thư mục khác với -o)."
            ) from None

    def _tidy(self) -> None:
        """Folders left by a run killed outright (kill -9, power cut); only the lock holder may touch
        them. A previous output caught between the two renames of `commit` is put back first."""
        name = self.target.name
        try:
            stale = sorted(p for p in self.parent.iterdir()
                           if p.name.startswith((f".{name}.dang-tao-", f".{name}.cu-")) and p.is_dir())
            if not self.target.exists():
                for p in stale:
                    if p.name.startswith(f".{name}.cu-") and (p / "x").is_dir():
                        os.rename(p / "x", self.target)
                        break
        except OSError:
            return
        put_back_signed(self.target)  # before a build looks at da_ky/
        for p in stale:
            if p.name.startswith(f".{name}.cu-"):
                _remove_old(p)  # an old output: only what hoso wrote there
            else:
                with contextlib.suppress(OSError):  # a printed mark carried into it by a commit cut short
                    _carry_printed(p, self.target)
                shutil.rmtree(p, ignore_errors=True)  # a staging folder: hoso made it and all it holds

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            try:
                portable.unlock(self._lock_fh)
                self._lock_fh.close()
            finally:
                self._lock_fh = None


SIGNED_STAGE = ".da-ky-dang-nhan-"  # .<output>.da-ky-dang-nhan-*: `hoso nhan-ban-ky`'s copy of da_ky/ (scan/sort.py)


def put_back_signed(target: Path) -> None:
    """`hoso nhan-ban-ky` killed between the two renames of its swap left the filed `da_ky/` in its
    copy's folder as `cu`: put it back into the output folder `target`; then remove what such runs
    left (hard links only: the files keep their names in `da_ky/`). Call it holding the lock."""
    try:
        left = sorted(p for p in target.parent.iterdir()
                      if p.name.startswith(f".{target.name}{SIGNED_STAGE}") and p.is_dir() and not p.is_symlink())
    except OSError:
        return
    for p in left:
        with contextlib.suppress(OSError):
            if (p / "cu").is_dir() and target.is_dir() and not os.path.lexists(target / ownership.SIGNED_DIR):
                os.rename(p / "cu", target / ownership.SIGNED_DIR)
        if not (p / "cu").exists() or os.path.lexists(target / ownership.SIGNED_DIR):
            shutil.rmtree(p, ignore_errors=True)


def _as_umask_allows(folder: Path) -> None:
    """mkdtemp makes a 0700 folder; the output folder is readable by the group as the umask allows."""
    os.chmod(folder, 0o777 & ~portable.current_umask())


MAX_NAME_BYTES = 200  # the output name, so that `.<name>.dang-tao-xxxxxxxx` fits the 255-byte limit


def _real_target(target: Path) -> Path:
    """The folder a run builds into: a symbolic link to a folder is built into its target (the link
    stays); a link to anything else is refused, as is a name the file system cannot hold."""
    if len(os.fsencode(target.name)) > MAX_NAME_BYTES:
        raise OutputError(f"Tên thư mục kết quả «{target.name}» quá dài ({len(os.fsencode(target.name))} byte, "
                          f"tối đa {MAX_NAME_BYTES}). Chọn tên ngắn hơn với -o.")
    if target.is_symlink():
        real = Path(os.path.realpath(target))
        if not real.is_dir():
            raise OutputError(f"«{target}» là một liên kết tượng trưng (symlink) tới «{real}», không phải một thư mục "
                              "có sẵn; hoso không thay nó. Chọn thư mục kết quả khác với -o.")
        return real
    return target


def _keep_mode(old: Path, new: Path) -> None:
    with contextlib.suppress(OSError):
        os.chmod(new, stat.S_IMODE(os.stat(old).st_mode))


def _carry_signed(old: Path, new: Path) -> None:
    """Move the signed scans filed by `hoso nhan-ban-ky` (`da_ky/`, listed by its own
    `da_ky/nhan_ban_ky.json`) from the output being replaced into the one swapped in: a rebuild keeps
    them (nhan-ban-ky, run again, sets aside the pages whose document the rebuild changed)."""
    src, dest = old / ownership.SIGNED_DIR, new / ownership.SIGNED_DIR
    if (src.is_dir() and not src.is_symlink() and not os.path.lexists(dest)
            and ownership.signed_files(old)):
        os.rename(src, dest)


def _carry_printed(old: Path, new: Path) -> None:
    """Move the printed mark (`da_in.json`, `hoso da-in`: pipeline/printed.py) from the output being
    replaced into the one swapped in: the next builds' reprint lists still start from that print."""
    from pipeline import printed

    src, dest = old / printed.MARK_FILE, new / printed.MARK_FILE
    if printed.is_mark(old) and new.is_dir() and not os.path.lexists(dest):
        os.rename(src, dest)


def _set_signed_aside(old: Path, target: Path) -> Path | None:
    """Move the signed scans of the output being replaced (`old`) beside the output folder `target`
    (`<name>.da-ky-<date-time>`): they are another agency's or another year's, kept but not mixed
    into the new dossiers. None when there were none."""
    src = old / ownership.SIGNED_DIR
    if not (src.is_dir() and not src.is_symlink() and ownership.signed_files(old)):
        return None
    dest = portable.free_name(target.parent, f"{target.name}.da-ky-{time.strftime('%Y%m%d-%H%M%S')}")
    os.rename(src, dest)
    return dest


def _remove_old(holder: Path) -> None:
    """Remove the previous output moved aside into `holder` (`holder/x`): only the files hoso wrote
    (its manifest lists them); anything else stays where it is."""
    old = holder / "x"
    if old.is_dir() and not old.is_symlink():
        ownership.remove_owned(old)
    with contextlib.suppress(OSError):
        holder.rmdir()


_FULL = {errno.ENOSPC, errno.EDQUOT}
# EFBIG: a file over the size the process may write (`ulimit -f`, a FAT32 drive's 4 GB)
_WRITING = _FULL | {errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG}


def _inside(filename: str | bytes | os.PathLike[str], folder: Path) -> bool:
    return Path(os.path.abspath(os.fsdecode(filename))).is_relative_to(folder)


def _os_error(exc: OSError, where: Path) -> OutputError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        # Windows refuses to move or replace a file another program holds open (a PDF in a viewer…)
        held = (" Nếu một tệp trong đó đang mở (PDF, Word, Excel), hãy đóng lại rồi chạy lại."
                if portable.WINDOWS else "")
        return OutputError(f"Không có quyền ghi vào «{where}». Chọn thư mục khác với -o hoặc kiểm tra quyền.{held}")
    if exc.errno in _FULL:
        return OutputError(f"Ổ đĩa chứa «{where}» đã đầy. Giải phóng dung lượng rồi chạy lại; kết quả cũ vẫn giữ nguyên.")
    if exc.errno == errno.EFBIG:
        return OutputError(f"Không ghi được một tệp vào «{where}»: {portable.file_too_big_words()}. Bỏ giới hạn đó "
                           "hoặc chọn thư mục kết quả trên ổ đĩa khác (-o) rồi chạy lại; kết quả cũ vẫn giữ nguyên.")
    return OutputError(f"Không ghi được vào «{where}»: {exc.strerror or exc}.")


@contextlib.contextmanager
def locked(target: Path) -> Iterator[Path]:
    """Hold the output folder's lock without building anything (the unchanged-build check): a run
    writing it makes this fail like a second build would; what a killed run left is tidied first."""
    folder = OutputFolder(target)
    folder._lock()
    try:
        folder._tidy()
        yield folder.target
    finally:
        folder._unlock()


def tidy(target: Path) -> None:
    """Remove what earlier runs set aside beside the output folder `target` (an output replaced
    by a build with `keep_old`, or left by a killed run): only hoso's files, under the folder's
    lock. A build holding the lock meanwhile does it itself."""
    try:
        with locked(target):
            pass
    except (OutputError, OSError):
        pass


def manifest_of(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(folder) / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def listed_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The well-formed file entries of a manifest."""
    files = manifest.get("files")
    if not isinstance(files, list):
        return []
    return [f for f in files if isinstance(f, dict) and isinstance(f.get("path"), str)
            and isinstance(f.get("sha256"), str) and isinstance(f.get("bytes"), int)]


def holds_papers(manifest: dict[str, Any] | None, foreign: bool) -> bool:
    """Whether a folder of this manifest holds papers of the campaign being built (a .docx listed: built, maybe
    signed); `foreign`: it holds another year's or agency's output, none of this campaign's."""
    return manifest is not None and not foreign and any(f["path"].endswith(".docx") for f in listed_files(manifest))


def new_typography(manifest: dict[str, Any] | None, foreign: bool, key: str) -> bool:
    """Whether a build into a folder of this manifest prints a paper's typography that came after a campaign's
    first papers (`key`: its manifest key, e.g. `ngoac_kep`): yes where nothing of this campaign was printed (a
    new folder, another year's or agency's output — `foreign` —, ratings only) and in a folder whose manifest
    records it; no in a folder of this campaign's papers built before it (the key missing, or false): they keep
    the typography they were printed, maybe signed, with, so none whose words did not change is signed again."""
    return not holds_papers(manifest, foreign) or manifest is None or manifest.get(key) is True


def still_as_recorded(folder: Path, entry: dict[str, Any]) -> bool:
    """The file of a manifest entry is there, a regular file, with the recorded size and
    modification time (no modification time recorded: not trusted)."""
    mtime = entry.get("mtime_ns")
    if not isinstance(mtime, int):
        return False
    try:
        st = os.stat(os.path.join(folder, entry["path"]), follow_symlinks=False)
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == entry["bytes"] and st.st_mtime_ns == mtime


class PreviousOutput:
    """The output folder as the last build left it, read from its manifest (call it while holding
    the lock): page counts by digest, and files that can be linked instead of written."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        manifest = manifest_of(self.folder) or {}
        self.entries = {f["path"]: f for f in listed_files(manifest)}
        self.pages_by_sha = {f["sha256"]: f["pages"] for f in self.entries.values() if isinstance(f.get("pages"), int)}

    def reusable(self, rel: str, sha256: str) -> tuple[Path, int] | None:
        """The previous file at `rel` and its inode, when it still holds exactly `sha256`: its size
        and time are not trusted alone (a file edited with both kept), its bytes are hashed."""
        entry = self.entries.get(rel)
        if entry is None or entry["sha256"] != sha256 or not still_as_recorded(self.folder, entry):
            return None
        path = self.folder / rel
        ino = digest_matches(path, sha256)
        return None if ino is None else (path, ino)

    def link_into(self, rel: str, sha256: str, dest: Path) -> bool:
        """Hard-link the previous file at `rel` to `dest` when it still holds exactly `sha256`
        (`reusable`); False when it does not, or cannot be linked (then write `dest` instead)."""
        found = self.reusable(rel, sha256)
        if found is None:
            return False
        src, ino = found
        try:
            os.link(src, dest, follow_symlinks=False)
        except OSError:  # no hard links on this file system, another device, …: write instead
            return False
        if os.stat(dest, follow_symlinks=False).st_ino != ino:  # replaced between the hash and the link
            os.unlink(dest)
            return False
        return True


def digest_matches(path: Path, sha256: str) -> int | None:
    """The inode of `path` when it is a regular file (not followed if a link) whose bytes hash to
    `sha256`; None otherwise."""
    try:
        fd = portable.open_nofollow(path, os.O_RDONLY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        h = hashlib.sha256()
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        except OSError:
            return None
    return st.st_ino if h.hexdigest() == sha256 else None


class Staged:
    """Writes into the staging folder `root`, remembering each file's digest, size and pages for
    the manifest (`known`)."""

    def __init__(self, root: Path, previous: PreviousOutput | None = None) -> None:
        self.root = Path(root)
        self.previous = previous
        self.known: dict[str, Known] = {}
        self.linked = 0  # files hard-linked from the previous output

    def rel(self, path: Path) -> str:
        text, root = os.fspath(path), os.fspath(self.root) + os.sep
        if not text.startswith(root):
            raise ValueError(f"{path} is not under {self.root}")
        return text[len(root):].replace(os.sep, "/")

    @property
    def pages_by_sha(self) -> dict[str, int]:
        memo = dict(self.previous.pages_by_sha) if self.previous else {}
        memo.update((k.sha256, k.pages) for k in self.known.values() if k.pages is not None)
        return memo

    def note(self, rel: str, sha256: str, size: int, pages: int | None = None) -> None:
        self.known[rel] = Known(sha256, size, pages)

    def _link_previous(self, rel: str, sha256: str, dest: Path) -> bool:
        if self.previous is None or not self.previous.link_into(rel, sha256, dest):
            return False
        self.linked += 1
        return True

    def write(self, rel: str, data: bytes, *, sha256: str | None = None, pages: int | None = None) -> Path:
        dest = self.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        digest = sha256 or hashlib.sha256(data).hexdigest()
        if not self._link_previous(rel, digest, dest):
            dest.write_bytes(data)
        self.note(rel, digest, len(data), pages)
        return dest

    def digest(self, rel: str) -> Known:
        """What is known of a staged file, reading it if nothing is."""
        k = self.known.get(rel)
        if k is None:
            k = self.known[rel] = describe(self.root / rel, self.pages_by_sha)
        return k

    def copy(self, src_rel: str, rel: str) -> Path:
        """A byte-identical copy of a staged file (its own file: editing one never changes the other)."""
        k = self.digest(src_rel)
        dest = self.root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not self._link_previous(rel, k.sha256, dest):
            shutil.copyfile(self.root / src_rel, dest)
        self.known[rel] = k
        return dest

    def scan(self) -> None:
        """Learn every staged file not known yet (read and hashed, a few at once)."""
        scan(self.root, self.known, self.pages_by_sha)
