"""A PDF whose page count no healthy render of its form has is never used nor cached (issue 19,
point 1: LibreOffice short of temporary space set a dossier of 11 pages in 9).

Each form's meta.toml declares the pages of a healthy render (`trang`, growing with the document's
length by `trang_ky_tu`), measured on the sample workbooks (tools/measure_pages.py) for the
template.docx named by `trang_mau`. The faults are injected with a text converter that pages
otherwise (two lines a page) but is checked like LibreOffice; the cached case uses the real one.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
import zipfile
from pathlib import Path

import pytest
from fakes import LD, TextConverter, build_unit, own_output, snapshot, text_pdf, write_text_pdf
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.errors import ExitCode, TemplateError
from pipeline.forms.registry import Registry
from pipeline.pdf import validate
from pipeline.pdf.cache import PdfCache, sha256_bytes
from pipeline.pdf.pool import Converter
from pipeline.resources import templates_dir


class LongPagedConverter(TextConverter):
    """Converts every form into a PDF in the forms' font, but two lines a page: dozens of pages."""

    check_pages = True  # checked as LibreOffice's PDFs are

    def write_pdf(self, docx: Path, outdir: Path) -> None:
        write_text_pdf(docx, outdir, lines_per_page=2)


def cached_pdfs(cache: Path) -> list[Path]:
    return [p for p in cache.glob("*/*.pdf") if len(p.stem) == 64]


def test_the_declared_range_grows_with_the_document_and_holds_for_its_template_only(tmp_path):
    spec = Registry().get("mau_02")
    meta = tomllib.loads((templates_dir() / "mau_02" / "meta.toml").read_text(encoding="utf-8"))
    least, most = meta["trang"]
    assert spec.pages is not None and (spec.pages.least, spec.pages.most) == (least, most)
    per = meta["trang_ky_tu"]
    assert spec.pages.bounds(0) == (least, most)  # a short document: the range as measured
    assert spec.pages.bounds(per * 10) == (least, 10)  # a long one (a long self-assessment): more pages allowed
    assert validate.page_problem((least, most, per), most) is None
    why = validate.page_problem((2, 4, 0), 9)
    assert why == "bản PDF có 9 trang, mẫu này thường có từ 2 đến 4 trang"
    assert validate.page_problem((2, 4, 0), 1) == "bản PDF có 1 trang, mẫu này thường có từ 2 đến 4 trang"
    # above the declared most, the filled document's length decides
    long_docx = tmp_path / "dai.docx"
    with zipfile.ZipFile(long_docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:body>" + "<w:p><w:r><w:t>chữ</w:t></w:r></w:p>" * 300 + "</w:body>")
    length = validate.docx_length(long_docx.read_bytes())
    assert length == 300 * (3 + validate.LINE)
    assert validate.page_problem((2, 4, per), -(-length // per), long_docx) is None
    assert "mẫu này thường có từ 2 đến" in validate.page_problem((2, 4, per), -(-length // per) + 1, long_docx)
    # an agency's copy whose template.docx was edited: the range was not measured on it, no check
    own = tmp_path / "mau"
    shutil.copytree(templates_dir(), own)
    with open(own / "mau_02" / "template.docx", "ab") as fh:
        fh.write(b"\0")  # any other bytes
    assert Registry(own).get("mau_02").pages is None
    assert Registry(own).get("mau_03").pages is not None
    # a template without the declaration (an agency's own form, or one the samples never use): no check
    assert Registry().get("mau_2c_2025").pages is None


def test_every_declaration_is_for_the_template_shipped_beside_it():
    """A template regenerated otherwise must be measured again (tools/measure_pages.py --write)."""
    registry = Registry()
    stale = [code for code in registry.codes
             if registry.get(code).page_rule is not None and registry.get(code).pages is None]
    assert stale == []
    assert sum(registry.get(code).pages is not None for code in registry.codes) >= 20


@pytest.mark.parametrize("drop, value, words", [
    ("trang =", "trang = [4, 2]", "«trang» phải là [số trang ít nhất, số trang nhiều nhất]"),
    ("trang =", 'trang = "2-4"', "«trang» phải là"),
    ("trang_ky_tu =", "trang_ky_tu = 0", "«trang_ky_tu» phải là một số nguyên"),
    ("trang_mau =", 'trang_mau = "x"', "«trang_mau» phải là"),
    ("trang =", "", "thiếu khóa «trang»"),
])
def test_a_malformed_declaration_is_named_by_templates_check(tmp_path, capsys, drop, value, words):
    own = tmp_path / "mau"
    shutil.copytree(templates_dir(), own)
    meta = own / "mau_02" / "meta.toml"
    lines = [line for line in meta.read_text(encoding="utf-8").splitlines() if not line.startswith(drop)]
    at = lines.index("[labels]")
    meta.write_text("\n".join([*lines[:at], value, *lines[at:]]) + "\n", encoding="utf-8")
    with pytest.raises(TemplateError):
        Registry(own)
    with pytest.raises(SystemExit) as exc:
        main(["templates", "check", str(own)])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.template_error, err
    assert str(meta) in err and words in err and "Traceback" not in err


def test_pdfs_with_implausible_pages_are_never_used_nor_cached(sample, tmp_path, monkeypatch, capsys):
    """exit 6 naming each document with its page count and its form's range; each was retried;
    nothing cached; the previous output unchanged."""
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    conv = LongPagedConverter()
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: conv)
    previous = own_output(tmp_path / "output", {"ca_nhan/LD/VP-001.pdf": b"%PDF-1.7 previous dossier %%EOF"})
    before = snapshot(previous)
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "-o", str(previous), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.conversion_failed, err
    assert "Traceback" not in err
    least, most = tomllib.loads((templates_dir() / "mau_02" / "meta.toml").read_text(encoding="utf-8"))["trang"]
    for ma_so, name in LD.items():
        lines = [line for line in err.splitlines() if f"{name} ({ma_so}) — Mẫu số 02" in line]
        assert len(lines) == 1, err
        m = re.search(r"— bản PDF có (\d+) trang, mẫu này thường có từ (\d+) đến (\d+) trang", lines[0])
        assert m, lines[0]
        pages, low, high = map(int, m.groups())
        assert pages > high >= most and low == least
    assert "số trang khác hẳn bản in chuẩn của mẫu" in err
    converted = [text for call in conv.calls for text in call]
    assert sum(f"Họ và tên: {LD['VP-002']}" in t for t in converted) >= 2  # converted, then retried
    assert cached_pdfs(tmp_path / "cache") == []
    assert snapshot(previous) == before


@pytest.mark.libreoffice
def test_a_cached_pdf_with_implausible_pages_is_dropped_and_converted_again(sample, tmp_path):
    cache = tmp_path / "cache"
    first = build_unit(sample, tmp_path / "a", cache, Converter(workers=1))
    dossier = tmp_path / "a" / "ca_nhan" / "LD" / "VP-002.pdf"
    healthy = len(PdfReader(dossier).pages)
    target = next(p for p in cached_pdfs(cache)
                  if validate.identity(p.read_bytes()).get("/HosoNguoi") == "VP-002"
                  and validate.identity(p.read_bytes()).get("/HosoVanBan", "").endswith("mau_02"))
    bad = text_pdf("\n".join(f"Họ và tên: {LD['VP-002']} — dòng {n}" for n in range(24)), lines_per_page=2)
    assert validate.font_problem(bad) is None  # the forms' font: only its 12 pages are wrong
    target.write_bytes(bad)  # as a version that did not check pages cached it, with a sound sidecar
    target.with_suffix(".json").write_text(json.dumps({"sha256": sha256_bytes(bad), "pages": 12}))
    for blob in cache.glob("*/*.bundle*"):
        blob.unlink()
    again = build_unit(sample, tmp_path / "b", cache, Converter(workers=1))
    assert again.converted == 1 and again.reused == first.documents - 1
    data, pages = PdfCache(cache).get(target.stem)
    least, most = Registry().get("mau_02").pages.bounds(0)
    assert least <= pages <= 5 and validate.identity(data).get("/HosoNguoi") == "VP-002"
    assert len(PdfReader(tmp_path / "b" / "ca_nhan" / "LD" / "VP-002.pdf").pages) == healthy


def test_implausible_pages_with_a_nearly_full_temporary_folder_is_exit_7_naming_it(sample, tmp_path, monkeypatch,
                                                                                   capsys):
    """The space check passes (just), then the PDFs come out paged otherwise: the failure is the disk."""
    import tempfile

    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: LongPagedConverter())
    free = iter([10**12])  # the first look (before converting) sees room; later ones 2 MB
    monkeypatch.setattr(validate, "free_bytes", lambda folder: next(free, 2 * 1024 * 1024))
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "-o", str(tmp_path / "output"), "--cache", str(tmp_path / "cache")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.output_error, err
    assert f"Thư mục tạm «{tempfile.gettempdir()}» gần đầy" in err and "Traceback" not in err
    assert cached_pdfs(tmp_path / "cache") == [] and not (tmp_path / "output").exists()


def test_the_pdfs_of_any_converter_are_checked_before_they_are_cached_or_used(tmp_path):
    """A converter that is not the pool (the --cum cluster's workers do not know the ranges): the
    convert stage itself refuses what it returns outside the range, and caches none of it."""
    from pipeline.errors import ConversionFailed
    from pipeline.pdf.convert import convert_documents
    from pipeline.pdf.pool import Item

    docx = tmp_path / "a.docx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w:body><w:p><w:r><w:t>Họ và tên</w:t></w:r></w:p></w:body>")
    items = [Item("a" * 64, docx, "Trần Thị Thu Hà (VP-002) — Mẫu số 02: Phiếu", pages=(2, 4, 2290)),
             Item("b" * 64, docx, "Lê Quang Đức (VP-003) — Mẫu số 02: Phiếu", pages=(2, 4, 2290))]
    healthy, long = text_pdf("x\n" * 60), text_pdf("x\n" * 90, lines_per_page=10)

    class Elsewhere:  # like pdf/cum.py's ClusterConverter: not a pool.Converter
        workers = 1

        def run(self, todo, *, progress=None, on_done=None):
            done = {"a" * 64: (long, 9), "b" * 64: (healthy, 2)}
            for key, (data, pages) in done.items():
                on_done(key, data, pages)
            return done

    cache = PdfCache(tmp_path / "cache")
    with pytest.raises(ConversionFailed) as exc:
        convert_documents(items, cache, Elsewhere(), show_progress=False)
    assert "Trần Thị Thu Hà (VP-002) — Mẫu số 02: Phiếu — bản PDF có 9 trang, mẫu này thường có từ 2 đến 4 trang" in str(exc.value)
    assert "Lê Quang Đức" not in str(exc.value)
    assert cache.get("a" * 64) is None and cache.get("b" * 64) is not None  # only the plausible one cached
