"""Font check before converting: the forms ask for Times New Roman (Nghị định 30/2020).

Where it is missing, fontconfig gives LibreOffice a substitute; Liberation Serif 2 is
metric-compatible and has every Vietnamese letter, Liberation Serif 1.07 (package
fonts-liberation) lacks 96 of them and gives visibly mixed fonts. We say once which font is used,
and refuse to run when the font (or the one for ☐ ☒) lacks a glyph the forms need.

Where there is no fontconfig (`fc-match`: Windows, most Macs) the font is looked for by its usual
file name in the system's and the user's font folders and in LibreOffice's own bundled fonts
(`FONT_FILES`, `font_dirs`); not found there, the check is skipped as before.
"""

from __future__ import annotations

import os
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
    face: str = ""  # the font's PostScript name, as a PDF names it (file lookup only; else `family`)

    @property
    def substituted(self) -> bool:
        return self.requested.lower() not in self.family.lower()


# the files of the families the forms ask for, where no fontconfig says which file a family is
FONT_FILES = {
    "Times New Roman": ("times.ttf", "Times New Roman.ttf"),  # Windows; macOS (Supplemental)
    "DejaVu Sans": ("DejaVuSans.ttf",),  # bundled with LibreOffice on Windows and macOS
}


def font_dirs() -> list[Path]:
    """Font folders where there is no fontconfig: Windows's (%WINDIR%\\Fonts, the user's
    %LOCALAPPDATA%\\Microsoft\\Windows\\Fonts), macOS's, and LibreOffice's bundled fonts
    (<install>/share/fonts/truetype, beside its program folder)."""
    dirs = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    dirs += [Path.home() / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts/Supplemental")]
    from pipeline.pdf.libreoffice import find_soffice

    try:
        program = Path(os.path.realpath(find_soffice())).parent
    except Exception:  # noqa: BLE001 - no LibreOffice: the converter says so itself
        return dirs
    dirs += [program.parent / "share" / "fonts" / "truetype", program.parent / "Resources" / "fonts" / "truetype"]
    return dirs


def _match_file(family: str) -> tuple[str, str] | None:
    for folder in font_dirs():
        for name in FONT_FILES.get(family, ()):
            path = folder / name
            if path.is_file():
                return family, str(path)
    return None


def _postscript_name(path: str) -> str:
    from reportlab.pdfbase.ttfonts import TTFontFile

    try:
        name = TTFontFile(path).name
    except Exception:  # noqa: BLE001 - not a TrueType file reportlab can read
        return ""
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def _match(family: str) -> tuple[str, str] | None:
    if not shutil.which("fc-match"):
        return _match_file(family)
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
        face = "" if shutil.which("fc-match") else _postscript_name(found[1])
        report = FontReport(family, found[0], found[1], _missing(found[1], chars), face)
        if report.missing:
            raise MissingDependency(
                f"Phông «{report.family}» (dùng thay cho «{family}») thiếu {len(report.missing)} chữ cần cho mẫu biểu, "
                f"ví dụ: {' '.join(report.missing[:12])}. Văn bản in ra sẽ lẫn phông.",
                hint=INSTALL_HINT,
            )
        reports.append(report)
    return tuple(reports)
