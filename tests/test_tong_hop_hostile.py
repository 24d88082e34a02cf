"""`hoso tong-hop` reads packages other agencies sent: a package whose biểu tổng hợp inflates far beyond any
real table (a 1 MB zip whose table member inflated to 1 GB took 2.1 GB of memory and 12 s) is named as
unreadable before anything is inflated, and the summary of the others is still written."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.submission import province

TABLE = f"{province.FOLDER}/{province.TABLE}"


def _zeros(fh, megabytes: int) -> None:
    block = b"\0" * (1 << 20)
    for _ in range(megabytes):
        fh.write(block)


def _run(args, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out + out.err


def test_a_table_inflating_past_any_real_one_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(province, "MAX_TABLE", 4 << 20)  # the same rule, smaller numbers: the test stays quick
    bomb = tmp_path / "ho_so_2025.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z, z.open(TABLE, "w", force_zip64=True) as fh:
        _zeros(fh, 16)
    assert bomb.stat().st_size < 1 << 20
    inner = io.BytesIO()  # a small table file whose own part (its shared strings) inflates far
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z, z.open("xl/sharedStrings.xml", "w") as fh:
        _zeros(fh, 16)
    nested = tmp_path / "khac" / "ho_so_2025.zip"
    nested.parent.mkdir()
    with zipfile.ZipFile(nested, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(TABLE, inner.getvalue())
    assert len(inner.getvalue()) < 1 << 20

    def refuse(*_a, **_k):
        raise AssertionError("read_table must not be reached")

    monkeypatch.setattr(province, "read_table", refuse)
    code, text = _run(["tong-hop", bomb, nested, "-o", tmp_path / "ra"], capsys)
    assert code == ExitCode.verify_failed, text
    assert text.count("Không đọc được biểu tổng hợp nop_so_noi_vu/bieu_tong_hop.xlsx: tệp lớn bất thường (16 MB)") == 2
    assert (tmp_path / "ra" / province.XLSX).is_file()


def test_a_huge_manifest_or_ratings_file_is_named_not_read(tmp_path, capsys, monkeypatch):
    """A package's manifest.json (or ket_qua_xep_loai.json) far beyond any real one — here a 300 MB sparse file,
    which read whole and parsed took the Sở's memory — is named as such, not read; the summary is still written."""
    from pipeline.submission import verify

    monkeypatch.setattr(verify, "MAX_JSON", 8 << 20)  # the same rule, smaller numbers
    root = tmp_path / "co_quan_la" / "output"
    root.mkdir(parents=True)
    for name in ("manifest.json", "ket_qua_xep_loai.json"):
        with (root / name).open("wb") as fh:
            fh.truncate(300 << 20)
    out = tmp_path / "tong_hop"
    code, text = _run(["tong-hop", root, "-o", out], capsys)
    assert code == ExitCode.verify_failed
    assert "Tệp manifest.json lớn bất thường (300 MB, quá 8 MB): không đọc." in text
    assert "Tệp ket_qua_xep_loai.json lớn bất thường (300 MB, quá 8 MB): không đọc." in text
    assert (out / province.XLSX).is_file() and (out / province.PDF).is_file()


def test_an_agency_name_with_markup_characters_is_printed_as_written(monkeypatch, tmp_path):
    """The summary's first paragraph names agencies (packages addressed elsewhere, failed but counted); reportlab
    reads «&» and «<» as markup: a name holding them broke the PDF or lost its words. Printed as written."""
    import subprocess

    name = "Trung tâm Văn hóa & Thể thao <Khu vực 2>"
    monkeypatch.setattr(province, "elsewhere_words", lambda _s: f"1 bộ hồ sơ gửi cơ quan khác: {name}.")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(province.pdf_bytes(province.summarise([], today=dt.date(2026, 12, 10))))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert name in text
