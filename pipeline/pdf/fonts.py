"""Font check before converting: the forms ask for Times New Roman (Nghị định 30/2020).

Where it is missing, fontconfig gives LibreOffice a substitute; Liberation Serif 2 is
metric-compatible and has every Vietnamese letter, Liberation Serif 1.07 (package
fonts-liberation) lacks 96 of them and gives visibly mixed fonts. We say once which font is used,
and refuse to run when the font (or the one for ☐ ☒) lacks a glyph the forms need.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.errors import MissingDependency
from pipeline.pdf.libreoffice import INSTALL_HINT, soffice_env

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def vietnamese_letters() -> str:
    """All 134 Vietnamese letters with diacritics, both cases (and đ/Đ)."""
    out = set("đĐ")
    for v in _VOWELS:
        for t in _TONES:
            ch = unicodedata.normalize("NFC", v + t)
            if len(ch) == 1 and not ch.isascii():
                out.add(ch)
                out.add(ch.upper())
    return "".join(sorted(out))


@dataclass(frozen=True)
class FontReport:
    requested: str
    family: str
    file: str
    missing: str  # characters the font does not have

    @property
    def substituted(self) -> bool:
        return self.requested.lower() not in self.family.lower()


def _match(family: str) -> tuple[str, str] | None:
    if not shutil.which("fc-match"):
        return None
    with tempfile.TemporaryDirectory(prefix="hoso-fc-") as home:  # what LibreOffice sees (soffice_env)
        proc = subprocess.run(["fc-match", "-f", "%{family}|%{file}", family], capture_output=True, text=True,
                              timeout=20, env=soffice_env(Path(home)))
    if proc.returncode != 0 or "|" not in proc.stdout:
        return None
    fam, path = proc.stdout.split("|", 1)
    return fam.split(",")[0], path


def _missing(path: str, chars: str) -> str:
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        cmap = TTFontFile(path).charToGlyph
    except Exception:  # not a TrueType file reportlab can read (e.g. a .pfb): cannot tell
        return ""
    return "".join(ch for ch in chars if ord(ch) not in cmap)


@cache
def check_fonts() -> tuple[FontReport, ...]:
    """Check the body font and the box font; raise MissingDependency when glyphs are missing."""
    reports = []
    for family, chars in (("Times New Roman", vietnamese_letters()), ("DejaVu Sans", "☐☒")):
        found = _match(family)
        if found is None:
            continue
        report = FontReport(family, found[0], found[1], _missing(found[1], chars))
        if report.missing:
            raise MissingDependency(
                f"Phông «{report.family}» (dùng thay cho «{family}») thiếu {len(report.missing)} chữ cần cho mẫu biểu, "
                f"ví dụ: {' '.join(report.missing[:12])}. Văn bản in ra sẽ lẫn phông.",
                hint=INSTALL_HINT,
            )
        reports.append(report)
    return tuple(reports)
