"""click's own words in Vietnamese ("Usage", "Show this message and exit", "Missing argument", …).

click marks its messages with gettext (`_` and `ngettext` imported into each of its modules);
`install()` puts a translating function in their place. A message not in the table stays as click
wrote it. Command summaries in `hoso --help` are the whole first line of each command's help, not
cut with "…" (`full_summaries`).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

TEXT = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: «{command} {option}».",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing command.": "Thiếu lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Aborted!": "Đã dừng.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} không chạy được.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
}
PLURAL = {
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa tham số ({args})",
    "Did you mean {possibility}?": "Có phải {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải một trong: {possibilities}?)",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không thuộc {choices}.",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng chỉ có 1.",
    "Takes {nargs} values but {len} were given.": "Cần {nargs} giá trị nhưng có {len}.",
}
OPTIONS_METAVAR = "[TÙY CHỌN]"
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui")


def _(message: str) -> str:
    return TEXT.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    text = singular if n == 1 else plural
    return PLURAL.get(text, text)


def install() -> None:
    import click  # noqa: F401 — its modules must be loaded to be patched

    for name in MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            setattr(module, "_", _)  # noqa: B010 — click's modules have no such names for the checker
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", ngettext)  # noqa: B010


def full_summaries(group: click.Group) -> None:
    """Every command's summary in the list of `hoso --help` is its help's whole first line."""
    import click

    group.options_metavar = OPTIONS_METAVAR
    if isinstance(group, click.Group):
        group.subcommand_metavar = "LỆNH [THAM SỐ]..."
    for cmd in group.commands.values():
        cmd.options_metavar = OPTIONS_METAVAR
        if cmd.short_help is None and cmd.help:
            cmd.short_help = " ".join(cmd.help.strip().split("\n\n")[0].split())
        if isinstance(cmd, click.Group):
            full_summaries(cmd)
