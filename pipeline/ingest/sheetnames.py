"""The sheets as the clerk's workbook names them.

hoso's messages name a sheet by its contract key («KetQuaKy», «sheet NhanSu»); a workbook may call
it by its label («Kết quả kỳ») or any spelling the reader accepts. `as_written` rewrites the keys
in a message to the names this workbook uses, so that a clerk is sent to a tab that exists in the
file he has open. Keys are CamelCase ASCII words no Vietnamese text contains, so the rewrite cannot
touch anything else."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.errors import HosoError
from pipeline.ingest.problems import Problem
from pipeline.ingest.schema import SHEETS

if TYPE_CHECKING:
    from pipeline.ingest.reader import SheetData

_KEYS = sorted((s.key for s in SHEETS), key=len, reverse=True)
_NAMED = re.compile(r"\b([Ss]heet)(\s+)«?(" + "|".join(_KEYS) + r")»?(?!\w)")


def names_in(data: Mapping[str, SheetData]) -> dict[str, str]:
    """Contract key -> the sheet's name in the workbook, for the sheets named otherwise; when the workbook names any
    sheet otherwise than by its key, a sheet it lacks (NgoaiLeTyLe, ThiDua… a message may tell the clerk to add)
    by its Vietnamese label, as the clerk's other tabs are named."""
    named = {key: sheet.name for key, sheet in data.items() if sheet.name != key}
    if named:
        named.update({s.key: s.label for s in SHEETS if s.key not in data})
    return named


def as_written(text: str, names: Mapping[str, str]) -> str:
    """`text` with every «sheet <Key>» of a sheet the workbook names otherwise as «sheet «<its name>»»."""
    if not names or not text:
        return text

    def named(m: re.Match[str]) -> str:
        name = names.get(m[3])
        return m[0] if name is None else f"{m[1]}{m[2]}«{name}»"

    return _NAMED.sub(named, text)


def problem_as_written(problem: Problem, names: Mapping[str, str]) -> Problem:
    if not names:
        return problem
    return replace(problem, sheet=names.get(problem.sheet, problem.sheet), message=as_written(problem.message, names),
                   expected=as_written(problem.expected, names) if problem.expected else problem.expected)


def log_as_written(log: Callable[[str], None], names: Mapping[str, str]) -> Callable[[str], None]:
    """`log` with every line's sheet keys rewritten (the build's and `hoso rate`'s console lines)."""
    if not names:
        return log
    return lambda line: log(as_written(line, names))


def texts_as_written(texts: tuple[str, ...], names: Mapping[str, str]) -> tuple[str, ...]:
    """Each of `texts` as `as_written` makes it (the same tuple when nothing changes)."""
    if not names:
        return texts
    out = tuple(as_written(t, names) for t in texts)
    return texts if out == texts else out


def error_as_written(exc: HosoError, names: Mapping[str, str]) -> None:
    """A failure's message and hint, their sheets named as the workbook does (changed in place: raised again)."""
    exc.message = as_written(exc.message, names)
    exc.hint = as_written(exc.hint, names) if exc.hint else exc.hint
