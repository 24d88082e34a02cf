"""A nearly full temporary folder never gives wrong documents (issue 19, point 1).

LibreOffice that cannot write its font subsets sets the forms in DejaVu Sans and exits 0. The fake
converter here does the same (`FaultyConverter("dejavu")`, `HOSO_FAKE_FONT=dejavu` for the fake
soffice); the real case is a 3 MB tmpfs as TMPDIR where a private mount namespace is allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fakes import (
    DEJAVU,
    LD,
    FaultyConverter,
    TextConverter,
    build_unit,
    dejavu_font,
    fake_soffice,
    leftovers,
    own_output,
    pdf_text,
    snapshot,
    text_pdf,
)

from pipeline.cli import main
from pipeline.errors import ConversionFailed, ExitCode
from pipeline.pdf import validate
from pipeline.pdf.cache import PdfCache, sha256_bytes

pytestmark = [pytest.mark.skipif(not Path(DEJAVU).is_file(), reason="DejaVu Sans is not installed"),
              pytest.mark.cold]  # a fake soffice's fonts: builds start soffice as the CLI does (tests/conftest.py)


@pytest.fixture
def previous(tmp_path) -> Path:
    return own_output(tmp_path / "output", {"ca_nhan/LD/VP-001.pdf": b"%PDF-1.7 previous dossier %%EOF"})


def cached_pdfs(cache: Path) -> list[Path]:
    return [p for p in cache.glob("*/*.pdf") if len(p.stem) == 64]


def test_the_check_tells_the_forms_font_from_dejavu():
    assert validate.body_face() == "liberationserif"  # Times New Roman's substitute here
    assert validate.font_problem(text_pdf("Họ và tên: Trần Thị Thu Hà")) is None
    why = validate.font_problem(text_pdf("Họ và tên: Trần Thị Thu Hà", font=dejavu_font()))
    assert why and "liberationserif" in why and "dejavusans" in why


def test_pdfs_in_another_font_are_never_used_nor_cached(sample, tmp_path, previous):
    before = snapshot(previous)
    conv = FaultyConverter("dejavu", times=10**6)
    with pytest.raises(ConversionFailed) as exc:
        build_unit(sample, previous, tmp_path / "cache", conv)
    message = str(exc.value)
    for ma_so, name in LD.items():
        assert f"{name} ({ma_so}) — Mẫu số 02" in message
    assert "phông" in message and "dejavusans" in message
    assert cached_pdfs(tmp_path / "cache") == []  # nothing of it kept for the next build
    assert snapshot(previous) == before and leftovers(previous) == []
    # the next healthy build converts everything and gives the forms' font
    conv = TextConverter()
    summary = build_unit(sample, previous, tmp_path / "cache", conv)
    assert summary.converted == summary.documents
    assert validate.font_problem((previous / "ca_nhan" / "LD" / "VP-002.pdf").read_bytes()) is None


def test_a_wrong_font_pdf_already_in_the_cache_is_converted_again(sample, tmp_path):
    cache = tmp_path / "cache"
    build_unit(sample, tmp_path / "a", cache, TextConverter())
    target = next(p for p in cached_pdfs(cache) if f"Họ và tên: {LD['VP-002']}" in pdf_text(p))
    bad = text_pdf(f"Họ và tên: {LD['VP-002']}", font=dejavu_font())  # as an older version cached it
    target.write_bytes(bad)
    target.with_suffix(".json").write_text(json.dumps({"sha256": sha256_bytes(bad), "pages": 1}))
    for blob in cache.glob("*/*.bundle*"):
        blob.unlink()
    conv = TextConverter()
    build_unit(sample, tmp_path / "b", cache, conv)
    converted = [text for call in conv.calls for text in call]
    assert len(converted) == 1 and f"Họ và tên: {LD['VP-002']}" in converted[0]
    assert validate.font_problem(PdfCache(cache).get(target.stem)[0]) is None
    assert validate.font_problem((tmp_path / "b" / "ca_nhan" / "LD" / "VP-002.pdf").read_bytes()) is None


def test_wrong_fonts_with_a_nearly_full_temporary_folder_is_exit_7_naming_it(sample, tmp_path, previous,
                                                                          monkeypatch, capsys):
    """The space check passes (just), then LibreOffice writes DejaVu PDFs: the failure is the disk."""
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: FaultyConverter("dejavu", times=10**6))
    free = iter([10**12])  # the first look (before converting) sees room; later ones 2 MB
    monkeypatch.setattr(validate, "free_bytes", lambda folder: next(free, 2 * 1024 * 1024))
    before = snapshot(previous)
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "-o", str(previous), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.output_error, err
    assert f"Thư mục tạm «{tempfile.gettempdir()}» gần đầy" in err and "Traceback" not in err
    assert snapshot(previous) == before and cached_pdfs(tmp_path / "cache") == []


def test_too_little_room_is_refused_before_converting(sample, tmp_path, previous, monkeypatch, capsys):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    conv = TextConverter()
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: conv)
    monkeypatch.setattr(validate, "free_bytes", lambda folder: 2 * 1024 * 1024)
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "-o", str(previous), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.output_error and "gần đầy (còn trống 2.0 MB" in err
    assert conv.calls == []


def _namespace_ok() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


@pytest.mark.skipif(not _namespace_ok(), reason="no private mount namespace (unshare -m) here")
def test_a_real_nearly_full_tmpdir(sample, tmp_path):
    """TMPDIR on a 3 MB tmpfs, a soffice that sets DejaVu Sans: exit 7 naming TMPDIR, nothing written."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, HOSO_SOFFICE=str(fake_soffice(tmp_path)), HOSO_FAKE_FONT="dejavu",
               HOSO_CACHE=str(tmp_path / "cache"), TMPDIR=str(tmp))
    out = tmp_path / "output"
    script = (f"mount -t tmpfs -o size=3m tmpfs {tmp}\n{sys.executable} -m pipeline build {sample} --unit LD "
              f"-o {out}; echo rc=$?")
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300,
                          env=env, cwd=tmp_path)
    assert "rc=7" in proc.stdout, (proc.stdout, proc.stderr)
    assert f"Thư mục tạm «{tmp}» gần đầy" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists() and cached_pdfs(tmp_path / "cache") == []


class PrimedThenDejaVu(TextConverter):
    """The primer page in the forms' font (written while there was room), the form itself in DejaVu."""

    def convert_batch(self, profile, files, outdir):
        import io

        from fakes import docx_text
        from pypdf import PdfReader, PdfWriter

        from pipeline.pdf import join

        for f in files:
            writer = PdfWriter()
            writer.append(PdfReader(io.BytesIO(text_pdf("primer ÀÁÂ"))))
            writer.append(PdfReader(io.BytesIO(text_pdf(docx_text(f), font=dejavu_font()))))
            writer.add_named_destination(join.SINGLE_NAME, 1)
            buf = io.BytesIO()
            writer.write(buf)
            (outdir / f"{f.stem}.pdf").write_bytes(buf.getvalue())


def test_a_form_in_another_font_behind_a_sound_primer_page_is_refused(sample, tmp_path, previous):
    with pytest.raises(ConversionFailed) as exc:
        build_unit(sample, previous, tmp_path / "cache", PrimedThenDejaVu())
    # refused already on the whole PDF (a face other than the forms' carries the form's letters), else once cut
    assert "bằng phông «DejaVu Sans»" in str(exc.value) and cached_pdfs(tmp_path / "cache") == []
