"""Papers quote with Vietnamese curly double quotes “…” (U+201C/U+201D), as Nghị định 30/2020/NĐ-CP's documents
and every Vietnamese text do, never with the «…» hoso's own wording (and its console) uses (pipeline/quotes.py).
The 2026 sample names the Phòng Tổng hợp's chuyên viên group «Chuyên viên – Phòng Tổng hợp» (sheet
NhomTuongDong), and its three HTXS proposals exceed that group's cap: the unit's minutes and the agency report
name the group. A folder whose papers of this year were built before (manifest without `ngoac_kep`) keeps «…»:
nothing re-filled, nothing to sign again. Read in the PDFs LibreOffice prints (pdftotext)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from fakes import pdftotext_flat

from pipeline import api, run
from pipeline.forms.render import NGOAC_KEP, quote_marks, with_quotes
from pipeline.manifest import MANIFEST
from pipeline.quotes import curly_quotes
from pipeline.resources import sample_workbook
from pipeline.submission import writeback

GROUP = "Chuyên viên – Phòng Tổng hợp"
CURLY, FRENCH = f"\u201c{GROUP}\u201d", f"«{GROUP}»"
PAPERS = ("don_vi/TH.pdf", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf")
XLSX = ("ket_qua_xep_loai.xlsx", "nop_so_noi_vu/bieu_tong_hop.xlsx", "so_lieu_kem_ket_qua.xlsx")


def _build(out: Path, cache: Path) -> list[str]:
    lines: list[str] = []
    options = api.BuildOptions(units=frozenset({"TH"}), cache_dir=cache, show_progress=False)
    api.build(sample_workbook(2026), out, options, log=lines.append, check_unchanged=False)
    return lines


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def _strings(xlsx: Path) -> str:
    """Every text hoso wrote in an .xlsx: in the write-back copy, only the columns it adds (the clerk's own cells
    are copied as written)."""
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    added = {title for title, _width in writeback.COLUMNS}
    texts = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        keep = ([i for i, v in enumerate(rows[0]) if v in added] if xlsx.name == "so_lieu_kem_ket_qua.xlsx" and rows
                else None)
        for row in rows:
            texts += [v for i, v in enumerate(row) if isinstance(v, str) and (keep is None or i in keep)]
    wb.close()
    return "\n".join(texts)


def _sums(out: Path, pattern: str) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob(pattern))}


def test_quote_marks_changes_the_text_only():
    xml = '<w:p><w:r><w:t xml:space="preserve">Nhóm «A» và «B»</w:t></w:r><w:bookmarkStart w:name="«x»"/></w:p>'
    assert quote_marks(xml) == ('<w:p><w:r><w:t xml:space="preserve">Nhóm \u201cA\u201d và \u201cB\u201d</w:t></w:r>'
                                '<w:bookmarkStart w:name="«x»"/></w:p>')
    assert curly_quotes("không có ngoặc") == "không có ngoặc"
    assert with_quotes({"a": 1}, True) == {"a": 1, NGOAC_KEP: True}
    context = {"a": 1}
    assert with_quotes(context, False) is context  # its cache key the one an earlier version gave it


@pytest.mark.libreoffice
def test_a_new_folder_prints_curly_quotes_and_an_old_one_keeps_its_guillemets(tmp_path, cache_dir, monkeypatch):
    new, old = tmp_path / "new", tmp_path / "old"
    lines = _build(new, cache_dir)
    assert _manifest(new)[run.QUOTES] is True and run.QUOTES_NOTE not in lines
    for rel in PAPERS:
        text = pdftotext_flat(new / rel)
        assert CURLY in text and "«" not in text and "»" not in text, rel
    for pdf in new.rglob("*.pdf"):  # every paper of the folder, the forms' bundles and the guide too
        text = pdftotext_flat(pdf)
        assert "«" not in text and "»" not in text, pdf
    for rel in XLSX:
        strings = _strings(new / rel)
        assert "«" not in strings and "»" not in strings and "\u201c" in strings, rel
    # the guide: the draft notice's line names the workbook's column
    assert "cột \u201cMức xếp loại của cấp có thẩm quyền\u201d" in (new / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    readme = (new / "README.txt").read_text(encoding="utf-8")
    assert "\u201c<tên thư mục>.sua-tay-<ngày-giờ>\u201d" in readme and "«" not in readme
    # the data `hoso serve` reads keeps hoso's own wording
    data = (new / "ket_qua_xep_loai.json").read_text(encoding="utf-8")
    assert "«" in data and "\u201c" not in data

    # a folder a version before this one built: its papers printed «…», its manifest without the key
    with monkeypatch.context() as m:
        m.setattr(run, "_quotes_curly", lambda previous, foreign: False)
        _build(old, cache_dir)
    record = _manifest(old)
    del record[run.QUOTES]
    (old / MANIFEST).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    docx, xlsx = _sums(old, "*.docx"), _sums(old, "*.xlsx")
    assert FRENCH in pdftotext_flat(old / PAPERS[1])

    lines = _build(old, cache_dir)  # rebuilt by this version, nothing else changed
    assert lines.count(run.QUOTES_NOTE) == 1 and "thư mục mới" in run.QUOTES_NOTE
    assert _manifest(old)[run.QUOTES] is False
    assert _sums(old, "*.docx") == docx and _sums(old, "*.xlsx") == xlsx  # byte for byte as printed
    assert _manifest(old)["thay_doi"]["van_ban"] == []
    assert not (old / "in_lai.pdf").exists()
    for rel in PAPERS:
        text = pdftotext_flat(old / rel)
        assert FRENCH in text and "\u201c" not in text, rel
    assert "cột «Mức xếp loại của cấp có thẩm quyền»" in (old / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    assert "«<tên thư mục>.sua-tay-<ngày-giờ>»" in (old / "README.txt").read_text(encoding="utf-8")

    # and keeps its choice (recorded false) at the next rebuild
    lines = _build(old, cache_dir)
    assert lines.count(run.QUOTES_NOTE) == 1 and _manifest(old)[run.QUOTES] is False and _sums(old, "*.docx") == docx
