"""Fonts cut to what a bundle prints (pipeline/bundle/subset.py): the pages look exactly the same,
the file is smaller, and nothing is cut when the content cannot be read with certainty."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest
from pypdf import PdfReader, PdfWriter

from pipeline.bundle.subset import _Unsure, shown_bytes, subset_fonts


def test_strings_of_every_kind_are_read():
    stream = (b"BT /F1 12 Tf <0102> Tj [<03 04>-20<05>] TJ (ab\\(c\\)) Tj (x(nested)y) Tj "
              b"(\\101\\t\\\\) Tj (line\\\ncontinued) Tj ET % a comment (zz)\n<</MCID 0>> BDC EMC")
    assert shown_bytes(stream) == {1, 2, 3, 4, 5, *b"ab()cx(nested)y", 0o101, 9, ord("\\"), *b"linecontinued"}
    assert shown_bytes(b"BT /F1 12 Tf [<0102>-3<03>] TJ <</MCID 0>> BDC EMC ET") == {1, 2, 3}  # the fast path


def test_a_page_code_drawn_as_a_hexadecimal_inline_image_is_read_past():
    """hoso's page codes (pens.StreamPen.code): an image mask whose samples are hexadecimal; the
    strings around it are read, its samples are not (they are no text)."""
    from pipeline.bundle.pens import StreamPen

    pen = StreamPen.__new__(StreamPen)
    pen.ops = ["BT /HosoR 13 Tf 10 10 Td <0102> Tj ET"]
    pen.code(19.84, 19.84, 56.69, 9, [(0, 0, 9), (2, 4, 3), (0, 8, 1)])
    pen.ops.append("BT /HosoB 14 Tf 10 10 Td <41> Tj ET")
    stream = pen.take()
    assert b" BI " in stream and b"/AHx ID " in stream and b"> EI Q" in stream
    assert shown_bytes(stream) == {1, 2, 0x41}
    assert shown_bytes(b"(a) Tj " + stream) == {1, 2, 0x41, ord("a")}  # the slow path too


def test_a_stream_it_cannot_be_sure_of_is_refused():
    with pytest.raises(_Unsure):
        shown_bytes(b"q BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\x01\x02\x03 EI Q")
    with pytest.raises(_Unsure):
        shown_bytes(b"BT (never closed Tj ET")


@pytest.mark.libreoffice
def test_cut_fonts_draw_the_same_pages(built, tmp_path):
    """A unit bundle (fonts whole) cut down: every page renders to the same pixels."""
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    source = out / manifest["don_vi"][0]["pdf"]
    writer = PdfWriter(clone_from=PdfReader(source))
    assert subset_fonts(writer) > 0
    buf = io.BytesIO()
    writer.write(buf)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(buf.getvalue())
    assert cut.stat().st_size < source.stat().st_size
    pages = min(40, len(writer.pages))
    for name, pdf in (("a", source), ("b", cut)):
        subprocess.run(["pdftoppm", "-r", "60", "-l", str(pages), "-png", str(pdf), str(tmp_path / name)], check=True)
    before = sorted(tmp_path.glob("a-*.png"))
    after = sorted(tmp_path.glob("b-*.png"))
    assert len(before) == len(after) == pages
    assert [p.read_bytes() for p in before] == [p.read_bytes() for p in after]


@pytest.mark.libreoffice
def test_person_bundles_carry_only_the_glyphs_they_print(built):
    """A person's dossier is mostly fonts: each primed face keeps only the letters its pages show."""
    out, _ = built
    pdf = next(iter(sorted((out / "ca_nhan").rglob("*.pdf"))))
    writer = PdfWriter(clone_from=PdfReader(pdf))
    assert subset_fonts(writer) == 0  # already cut: nothing left to take out
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "LiberationSerif" in listing and "Syntax Error" not in listing
