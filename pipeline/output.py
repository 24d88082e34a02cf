"""The output folder: locked against a second run, built aside, moved into place only on success.

A failed or interrupted run leaves the previous output untouched and no half-written file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.submission.manifest import MANIFEST


class OutputFolder:
    def __init__(self, target: Path) -> None:
        self.target = Path(target).absolute()
        self.parent = self.target.parent
        self.staging: Path | None = None
        self._lock_fh = None
        self._staged: Path | None = None  # the staging folder, remembered for error messages

    def __enter__(self) -> OutputFolder:
        t = self.target
        if t.exists() and not t.is_dir():
            raise OutputError(f"«{t}» là một tệp, không phải thư mục; chọn thư mục kết quả khác (-o).")
        if t.is_dir() and any(t.iterdir()) and not (t / MANIFEST).exists():
            raise OutputError(
                f"Thư mục «{t}» đã có tệp khác không phải kết quả của hoso; để tránh xóa nhầm, hãy chọn thư mục trống (-o)."
            )
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fh = open(self.parent / f".{t.name}.lock", "w")  # noqa: SIM115
        except OSError as exc:
            raise _os_error(exc, self.parent) from exc
        try:
            fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock_fh.close()
            raise OutputError(
                f"Một lệnh hoso khác đang ghi vào «{t}». Chờ lệnh đó chạy xong (hoặc chọn thư mục khác với -o)."
            ) from None
        self._tidy()
        try:
            self.staging = self._staged = Path(tempfile.mkdtemp(prefix=f".{t.name}.dang-tao-", dir=self.parent))
        except OSError as exc:
            self._unlock()
            raise _os_error(exc, self.parent) from exc
        return self

    def commit(self) -> None:
        """Swap the finished staging folder into place; the old output is removed only afterwards."""
        assert self.staging is not None
        old = None
        try:
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.cu-", dir=self.parent))
                os.rename(self.target, old / "x")
            os.rename(self.staging, self.target)
        except BaseException as exc:  # OSError, or Ctrl-C between the two renames: put the old one back
            if old is not None and (old / "x").exists() and not self.target.exists():
                os.rename(old / "x", self.target)
            if old is not None:
                with contextlib.suppress(OSError):
                    old.rmdir()
            if isinstance(exc, OSError):
                raise _os_error(exc, self.target) from exc
            raise
        self.staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self._unlock()
        if isinstance(exc, OSError) and exc.errno in _WRITING:  # disk full, read-only… while building
            ours = not exc.filename or any(_inside(exc.filename, p) for p in (self._staged, self.target) if p)
            if ours or exc.errno in _FULL:
                raise _os_error(exc, self.target if ours else Path(exc.filename)) from exc

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
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            try:
                fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
                self._lock_fh.close()
            finally:
                self._lock_fh = None


_FULL = {errno.ENOSPC, errno.EDQUOT}
_WRITING = _FULL | {errno.EACCES, errno.EPERM, errno.EROFS}


def _inside(filename, folder: Path) -> bool:
    return Path(os.path.abspath(os.fsdecode(filename))).is_relative_to(folder)


def _os_error(exc: OSError, where: Path) -> OutputError:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"Không có quyền ghi vào «{where}». Chọn thư mục khác với -o hoặc kiểm tra quyền.")
    if exc.errno in _FULL:
        return OutputError(f"Ổ đĩa chứa «{where}» đã đầy. Giải phóng dung lượng rồi chạy lại; kết quả cũ vẫn giữ nguyên.")
    return OutputError(f"Không ghi được vào «{where}»: {exc.strerror or exc}.")
