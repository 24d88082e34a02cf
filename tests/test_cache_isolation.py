"""PDFs made otherwise than by LibreOffice are never shared with LibreOffice's through a cache.

The suite's builds share one PDF cache per test process (tests/conftest.py). A PDF's cache key is its .docx and
the LibreOffice and fonts installed — every converter that runs LibreOffice (the pool, the warm lanes, a Dask
cluster) gives the same PDF. The tests' text converter does not: once pytest-xdist put its build of the 2024
sample's leaders' unit before tests/test_aud29.py's real one in the same process, that test read the text
converter's pages from the cache (the agency head's proposal table cut short). Its PDFs now carry their maker
in their key (`Converter.made_by`, `Build.pdf_maker`)."""

from __future__ import annotations

import pytest

from pipeline.pdf.pool import Converter
from tests.fakes import TextConverter, build_unit


@pytest.mark.libreoffice
def test_a_libreoffice_build_never_takes_a_text_converters_pdfs_from_the_cache(tmp_path, sample):
    cache = tmp_path / "cache"
    text = TextConverter(workers=2)
    made = build_unit(sample, tmp_path / "text", cache, text)
    assert text.calls and made.converted == made.documents  # every PDF of the unit made by the text converter
    real = build_unit(sample, tmp_path / "real", cache, Converter(workers=2))
    assert real.documents == made.documents
    assert (real.converted, real.reused) == (real.documents, 0)  # LibreOffice converted each: none taken from text
    again = build_unit(sample, tmp_path / "again", cache, Converter(workers=2))
    assert (again.converted, again.reused) == (0, again.documents)  # LibreOffice's own entries are reused
    text_again = TextConverter(workers=2)
    back = build_unit(sample, tmp_path / "text-again", cache, text_again)
    assert (back.converted, back.reused) == (0, back.documents)  # and the text converter's its own, never LibreOffice's
