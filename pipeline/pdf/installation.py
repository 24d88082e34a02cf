"""What a PDF depends on besides its document: the LibreOffice that converts it and the fonts that
LibreOffice can find.

Installing Times New Roman, or upgrading LibreOffice, changes the PDFs of the same `.docx` (another
font, another line break, another page count). So every PDF key (`cache.pdf_key`) and the
no-change key of a build (`uptodate.input_key`) carry the stamp of the installation: the names,
sizes and modification times of LibreOffice's core files and of every font file and fontconfig
setting in the usual places — the user's own (~/.config/fontconfig, ~/.fonts.conf) and what the
environment names (FONTCONFIG_FILE, FONTCONFIG_PATH, whose values count too): a fontconfig that
hides the forms' font makes LibreOffice set their text in another. Changing any of them makes the next build convert again (and assemble
the bundles again: they are keyed by their PDFs' keys), while the filled `.docx` stay cached.

Only the standard library is imported here: the no-change check runs before the build's imports.
A stat of each file, no reading: ~2 ms for the ~100 font files of a Debian machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# LibreOffice's own files whose change means another LibreOffice (an upgrade rewrites them)
CORE_FILES = ("versionrc", "soffice.bin", "soffice", "libmergedlo.so", "libmergedlo.dylib", "mergedlo.dll",
              "soffice.exe", "soffice.bin.exe")


def font_dirs() -> list[Path]:
    """Where fontconfig (Linux), macOS and Windows look for fonts, and their settings."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local/share")
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/etc/fonts"), home / ".fonts",
            data_home / "fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library/Fonts"]
    if sys.platform == "win32":
        dirs += [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts",
                 Path(os.environ.get("LOCALAPPDATA", home)) / "Microsoft/Windows/Fonts"]
    return dirs


def _stats(paths: Iterable[str | Path]) -> list[tuple[str, int, int]]:
    out = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:  # missing, or a dangling link
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return out


def _walk(root: Path) -> list[str]:
    files: list[str] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        files += (os.path.join(folder, n) for n in sorted(names))
    return files


def libreoffice_stamp(soffice: str | None) -> list[Any]:
    """The LibreOffice found (its real path) and the sizes and times of its core files; its own
    bundled fonts (`share/fonts`) too."""
    if soffice is None:
        return ["none"]
    real = Path(os.path.realpath(soffice))
    program = real.parent
    fonts = program.parent / "share" / "fonts"
    return [str(real), _stats(program / name for name in CORE_FILES), _stats(_walk(fonts))]


# the environment that tells fontconfig where its settings are (and so which fonts it gives LibreOffice)
FONTCONFIG_ENV = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT")


def fontconfig_user() -> list[Path]:
    """The user's fontconfig settings: $XDG_CONFIG_HOME/fontconfig (~/.config/fontconfig) and the
    older ~/.fonts.conf, ~/.fonts.conf.d."""
    home = Path.home()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    return [config_home / "fontconfig", home / ".fonts.conf", home / ".fonts.conf.d"]


def fontconfig_stamp() -> list[Any]:
    """The fontconfig environment's values, and the files it names (FONTCONFIG_FILE; the folders of
    FONTCONFIG_PATH) and the user's settings, by name, size and time."""
    env = {name: os.environ.get(name) for name in FONTCONFIG_ENV}
    named: list[Path] = [Path(env["FONTCONFIG_FILE"])] if env["FONTCONFIG_FILE"] else []
    named += [Path(d) for d in (env["FONTCONFIG_PATH"] or "").split(os.pathsep) if d]
    files = []
    for path in [*named, *fontconfig_user()]:
        files += _stats([path]) + (_stats(_walk(path)) if path.is_dir() else [])
    return [env, files]


def fonts_stamp() -> list[Any]:
    return [_stats(_walk(d)) for d in font_dirs()] + [fontconfig_stamp()]


def find_libreoffice() -> str | None:
    from pipeline.errors import MissingDependency
    from pipeline.pdf.libreoffice import find_soffice

    try:
        return find_soffice()
    except MissingDependency:  # the build itself says so, with the hint to install it
        return None


def stamp(soffice: str | None = None) -> str:
    """SHA-256 of the installation that makes the PDFs (the LibreOffice found when not given)."""
    soffice = soffice if soffice is not None else find_libreoffice()
    parts = {"libreoffice": libreoffice_stamp(soffice), "fonts": fonts_stamp()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
