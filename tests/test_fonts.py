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
