"""One exception hierarchy; each failure class carries its exit code and a Vietnamese message.

click owns exit codes 1 (generic) and 2 (usage), so ours start at 3. The CLI maps these to exit
codes in one place (`pipeline.cli`); library code only raises. An interruption (Ctrl-C, SIGTERM,
SIGHUP) is not one of these exceptions: it stays a `KeyboardInterrupt` (a `BaseException`, which no
`except Exception` on the way swallows) and `cli.main` gives it exit code 130.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.ingest.problems import Problem


class ExitCode(IntEnum):
    ok = 0
    unexpected = 1  # an exception hoso did not expect (a bug)
    usage = 2  # click's own
    input_invalid = 3  # the workbook has errors (hoso check lists them)
    input_unreadable = 4  # not an .xlsx, corrupt, password-protected, missing file
    missing_dependency = 5  # LibreOffice or a font is missing
    conversion_failed = 6  # a document could not be converted to PDF
    output_error = 7  # output folder not writable, disk full, locked by another run
    template_error = 8  # a form template is broken or uses unknown variables
    verify_failed = 9  # hoso verify found changed, missing or extra files
    interrupted = 130  # Ctrl-C / SIGTERM


EXIT_CODE_HELP = {
    ExitCode.ok: "thành công",
    ExitCode.unexpected: "lỗi không lường trước (xin báo lại kèm thông báo)",
    ExitCode.usage: "sai cú pháp lệnh",
    ExitCode.input_invalid: "sổ Excel đầu vào có lỗi (xem danh sách lỗi)",
    ExitCode.input_unreadable: "không đọc được tệp đầu vào (không phải .xlsx, hỏng, có mật khẩu)",
    ExitCode.missing_dependency: "thiếu LibreOffice hoặc phông chữ cần thiết",
    ExitCode.conversion_failed: "không chuyển được văn bản sang PDF",
    ExitCode.output_error: "không ghi được thư mục kết quả (quyền, đầy đĩa, đang bị khóa)",
    ExitCode.template_error: "mẫu biểu (template) bị lỗi",
    ExitCode.verify_failed: "kiểm tra bộ hồ sơ thấy tệp bị sửa, thiếu hoặc thừa",
    ExitCode.interrupted: "bị ngắt (Ctrl-C)",
}


class HosoError(Exception):
    """Base of every expected failure. `message` is Vietnamese and says how to fix it."""

    exit_code: ExitCode = ExitCode.input_invalid

    def __init__(self, message: str, *, hint: str | None = None, printed: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.printed = printed  # its details are already on the console: `cli.main` prints the message only

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class InputUnreadable(HosoError):
    exit_code = ExitCode.input_unreadable


class ValidationFailed(HosoError):
    """The workbook has errors; carries every problem found (not only the first)."""

    exit_code = ExitCode.input_invalid

    def __init__(self, problems: list[Problem], *, printed: bool = False, source: str = "Sổ Excel",
                 undone: str = "chưa tạo hồ sơ nào", fix: str = "các ô được nêu") -> None:
        """`source`: what holds the errors (the workbook; an import's export file), `undone`: what was not done,
        `fix`: what to correct."""
        errors = [p for p in problems if p.is_error]
        super().__init__(
            f"{source} có {len(errors)} lỗi; {undone}. Sửa {fix} rồi chạy lại.", printed=printed
        )
        self.problems = problems


class MissingDependency(HosoError):
    exit_code = ExitCode.missing_dependency


class ConversionFailed(HosoError):
    exit_code = ExitCode.conversion_failed


class OutputError(HosoError):
    exit_code = ExitCode.output_error


def toml_words(exc: Exception) -> str:
    """Why a TOML file (meta.toml, a labels file) could not be read, in words a clerk can act on: the line and column
    tomllib names («sai cú pháp ở dòng 2, cột 29: thường là thiếu dấu ngoặc kép đóng, hoặc thiếu dấu =»), not its
    English message; a file that is not UTF-8 text said as such."""
    import re

    if isinstance(exc, UnicodeDecodeError):
        return "tệp không phải văn bản UTF-8 (mở bằng Notepad, lưu lại với mã hóa UTF-8)"
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    where = f" ở dòng {m.group(1)}, cột {m.group(2)}" if m else ""
    return (f"sai cú pháp TOML{where}: thường là thiếu dấu ngoặc kép đóng, thiếu dấu =, hoặc một khóa ghi hai lần "
            "(mỗi dòng dạng khoa = \"lời văn\")")


class TemplateError(HosoError):
    exit_code = ExitCode.template_error


class VerifyFailed(HosoError):
    exit_code = ExitCode.verify_failed


class SelectionError(HosoError):
    """--unit/--person name codes the workbook does not have, or units nobody is in: nothing to build."""

    exit_code = ExitCode.input_invalid


class UsageError(HosoError):
    """A setting outside the workbook (an environment variable) that hoso cannot use."""

    exit_code = ExitCode.usage
