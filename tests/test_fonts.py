"""The font check: substitution is reported once; a font without Vietnamese letters stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest
import reportlab

from pipeline.errors import MissingDependency
from pipeline.pdf import fonts


def test_all_134_vietnamese_letters_are_checked():
    letters = fonts.vietnamese_letters()
    assert len(letters) == 134
    for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ":
        assert ch in letters and ch.upper() in letters


def test_installed_fonts_cover_vietnamese():
    fonts.check_fonts.cache_clear()
    reports = fonts.check_fonts()
    assert reports, "fontconfig (fc-match) should be installed with LibreOffice"
    assert all(not r.missing for r in reports)


def test_font_without_vietnamese_letters_is_refused(monkeypatch):
    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin-1 only
    monkeypatch.setattr(fonts, "_match", lambda family: ("Bitstream Vera Sans", str(vera)))
    fonts.check_fonts.cache_clear()
    try:
        with pytest.raises(MissingDependency) as exc:
            fonts.check_fonts()
        assert "thiếu" in exc.value.message and "ơ" in exc.value.message
        assert "fonts-liberation2" in str(exc.value)
    finally:
        fonts.check_fonts.cache_clear()


def renamed_font(src: Path, family: str, postscript: str) -> bytes:
    """A copy of TrueType font `src` whose name table says `family` (Regular) and `postscript`: a
    stand-in for a font a clerk installs (the glyphs stay the source's)."""
    import struct

    data = src.read_bytes()
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _sum, off, length = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        tables[tag] = data[off: off + length]
    names = [(1, family), (2, "Regular"), (4, family), (6, postscript)]
    strings = [text.encode("utf-16-be") for _id, text in names]
    records, offset = b"", 0
    for (name_id, _text), raw in zip(names, strings, strict=True):
        records += struct.pack(">6H", 3, 1, 0x409, name_id, len(raw), offset)
        offset += len(raw)
    tables[b"name"] = struct.pack(">3H", 0, len(names), 6 + 12 * len(names)) + records + b"".join(strings)
    head = struct.pack(">IHHHH", 0x00010000, len(tables), 0, 0, 0)
    body, directory, at = b"", b"", 12 + 16 * len(tables)
    for tag in sorted(tables):
        table = tables[tag]
        padded = table + b"\0" * (-len(table) % 4)
        checksum = sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF
        directory += struct.pack(">4sIII", tag, checksum, at + len(body), len(table))
        body += padded
    return head + directory + body


@pytest.mark.libreoffice
def test_a_font_the_clerk_installed_for_themselves_is_the_one_checked_and_used(monkeypatch, tmp_path, built):
    """Times New Roman installed in the user's own font folder (~/.local/share/fonts, no root
    needed): the font check finds it (no substitution to report) and LibreOffice, which runs with a
    HOME of its own, embeds it too."""
    from pypdf import PdfReader

    from pipeline.pdf import libreoffice

    home = tmp_path / "home"
    (home / ".local" / "share" / "fonts").mkdir(parents=True)
    (home / ".local" / "share" / "fonts" / "times.ttf").write_bytes(
        renamed_font(Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"), "Times New Roman", "HosoTimesNewRoman"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    fonts.check_fonts.cache_clear()
    try:
        body = next(r for r in fonts.check_fonts() if r.requested == "Times New Roman")
        assert body.family == "Times New Roman" and not body.substituted and body.file.startswith(str(home))
    finally:
        fonts.check_fonts.cache_clear()
    out, _ = built
    docx = next((out / "ca_nhan").rglob("*.docx"))
    rc = libreoffice.run_convert(libreoffice.find_soffice(), tmp_path / "profile", [docx], tmp_path / "pdf",
                                 timeout=120)
    assert rc == 0
    reader = PdfReader(tmp_path / "pdf" / (docx.stem + ".pdf"))
    used = {str(f["/BaseFont"]).split("+")[-1] for page in reader.pages
            for f in (page["/Resources"].get("/Font") or {}).values() for f in [f.get_object()]}
    assert "HosoTimesNewRoman" in used, used
