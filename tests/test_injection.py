"""Nothing injected, bad input contained.

Hostile text (Jinja syntax, XML specials, control characters, a right-to-left mark, formula-like
text) is printed literally in every PDF and DOCX and stored as text in every output .xlsx; codes
used as file names (ma_so, ma_don_vi, form codes) can never lead outside the output folder; and
any file given as the workbook — truncated, random, a zip bomb, macro-enabled, malformed XML,
XXE — gives a Vietnamese message and exit 3 or 4 (0 for a sound workbook), never a traceback,
within bounded time and memory.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fakes import docx_text, pdf_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.cli import main
from pipeline.errors import ExitCode

HOSO = [sys.executable, "-m", "pipeline"]
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)

# Cell texts as a clerk (or an attacker) might type them. "_x0001_" is how .xlsx stores the control
# character U+0001 (openpyxl refuses the raw character); the reader decodes it, then drops it.
NAME_JINJA = "Trần {{ 7*7 }} Hà"
NAME_XML = 'Lê <b>&amp; "Đức"\u200f'
STRENGTHS = '{% for x in y %}A{% endfor %} & < > " +84 912 345 678'
WEAKNESSES = "-x _x0001_điều khiển_x0001_ =SUM(A1:A3) @x"
WEAKNESSES_SHOWN = "-x điều khiển =SUM(A1:A3) @x"
EDITS = {  # (sheet, ma_so, column) -> text
    ("NhanSu", "VP-002", "ho_ten"): NAME_JINJA,
    ("NhanSu", "VP-002", "chuc_vu"): "=1+1",
    ("NhanSu", "VP-003", "ho_ten"): NAME_XML,
    ("NhanSu", "VP-003", "chuc_vu"): "@x",
    ("TuDanhGia", "VP-002", "uu_diem"): STRENGTHS,
    ("TuDanhGia", "VP-002", "khuyet_diem"): WEAKNESSES,
}
MARKERS = ("7*7", "1+1", "SUM(A1:A3)", "@x", "+84", "{%", "Đức")


def _set_text(ws, row: int, col: int, value: str) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.data_type = "s"  # a string, even when it starts with "=" (openpyxl would write a formula)


def edited_workbook(sample: Path, dest: Path, edits: dict) -> Path:
    wb = openpyxl.load_workbook(sample)
    for (sheet, ma_so, key), value in edits.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        rows = [r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == ma_so]
        _set_text(ws, rows[0], headers.index(key) + 1, value)
    wb.save(dest)
    return dest


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, sample) -> Path:
    """One real build (LibreOffice) of unit LD from a workbook full of hostile text."""
    root = tmp_path_factory.mktemp("hostile")
    book = edited_workbook(sample, root / "hostile.xlsx", EDITS)
    out = root / "output"
    env = dict(os.environ, HOSO_CACHE=str(root / "cache"), TMPDIR=str(root))
    proc = subprocess.run([*HOSO, "build", str(book), "--unit", "LD", "-o", str(out)], capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.libreoffice
def test_pdfs_print_hostile_text_literally(hostile):
    two = pdf_text(hostile / "ca_nhan" / "LD" / "VP-002.pdf")
    for text in (NAME_JINJA, "=1+1", STRENGTHS, WEAKNESSES_SHOWN):
        assert text in two, text
    assert "Trần 49 Hà" not in two and "_x0001_" not in two and "\x01" not in two
    three = pdf_text(hostile / "ca_nhan" / "LD" / "VP-003.pdf")
    assert NAME_XML in three and "Chức vụ, chức danh\n@x" in three  # the cover, drawn by reportlab
    unit = hostile / "don_vi" / "LD.pdf"
    assert NAME_JINJA in pdf_text(unit) and NAME_XML in pdf_text(unit)
    from pypdf import PdfReader

    def titles(items):
        for it in items:
            yield from (titles(it) if isinstance(it, list) else [it.title])

    marks = list(titles(PdfReader(unit).outline))
    assert NAME_JINJA in marks and NAME_XML in marks  # bookmarks


@pytest.mark.libreoffice
def test_docx_parts_are_well_formed_and_literal(hostile):
    docs = sorted(hostile.rglob("*.docx"))
    assert docs
    strict = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    for docx in docs:
        with zipfile.ZipFile(docx) as zf:
            for name in zf.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(zf.read(name), strict)  # raises on malformed XML
    text = docx_text(hostile / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx")
    for literal in (NAME_JINJA, STRENGTHS, WEAKNESSES_SHOWN):
        assert literal in text, literal


@pytest.mark.libreoffice
def test_xlsx_outputs_store_hostile_text_as_text(hostile):
    books = sorted(hostile.rglob("*.xlsx"))
    assert books
    seen = 0
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in wb:
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if isinstance(value, str) and any(m in value for m in MARKERS):
                        seen += 1
                        assert cell.data_type == "s", (book.name, ws.title, cell.coordinate, value)
                        assert "\x01" not in value
    assert seen >= 4


# -- codes used as file names ---------------------------------------------------------------------
BAD_IDS = ["../x", "..", "a/b", "/etc/passwd", "CON", "nul", "a\\b", ".hidden", "x y", "mã"]


def tree(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


def test_path_like_codes_are_rejected_with_the_cell_named(sample, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    for i, bad in enumerate(BAD_IDS):
        _set_text(ws, 2 + i, 1, bad)
    _set_text(wb["DonVi"], 2, 1, "../../tmp/thoat")
    book = tmp_path / "ma_xau.xlsx"
    wb.save(book)
    before = tree(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["check", str(book)])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.input_invalid
    for i, bad in enumerate(BAD_IDS):
        assert f"Sheet «NhanSu», dòng {2 + i}, cột A «ma_so» (ô A{2 + i})" in err
        assert f"Giá trị: «{bad}»" in err
    assert "Sheet «DonVi», dòng 2, cột A «ma_don_vi»" in err and "«../../tmp/thoat»" in err
    with pytest.raises(SystemExit) as exc:
        main(["build", str(book), "-o", str(tmp_path / "output")])
    assert exc.value.code == ExitCode.input_invalid
    assert tree(tmp_path) == before  # nothing created, inside or outside the output folder
    assert not Path("/tmp/thoat").exists()


def test_form_code_from_agency_templates_cannot_leave_the_output(sample, tmp_path, capsys, monkeypatch):
    """An agency's own templates folder (--templates) names its forms: a code such as
    '../../../../../thoat' would be a path outside the output folder."""
    from pipeline.resources import templates_dir

    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: pytest.fail("must stop before converting"))
    root = tmp_path / "deep" / "er" / "still"
    templates = root / "mau"
    shutil.copytree(templates_dir(), templates)
    evil = "../../../../../thoat"
    meta = templates / "mau_02" / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('code = "mau_02"', f'code = "{evil}"'), encoding="utf-8")
    sets = templates / "bo_mau.toml"
    sets.write_text(sets.read_text(encoding="utf-8").replace('"mau_02"', f'"{evil}"'), encoding="utf-8")
    before = tree(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "--unit", "LD", "--templates", str(templates), "-o", str(root / "output")])
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.template_error, err
    assert evil in err and "Traceback" not in err
    assert not [p for p in tree(tmp_path) - before if "thoat" in p]


# -- hostile files: hoso check ----------------------------------------------------------------------
def check(path: Path, capsys, *, limit: float = 20.0) -> tuple[int, str]:
    started = time.monotonic()
    with pytest.raises(SystemExit) as exc:
        main(["check", str(path)])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert elapsed < limit, f"{path.name}: {elapsed:.1f} s"
    assert "Traceback" not in err
    assert VIETNAMESE.search(err), err
    return exc.value.code, err


@pytest.fixture
def quiet_main(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)


def _sample_bytes() -> bytes:
    from pipeline.resources import sample_workbook

    return sample_workbook().read_bytes()


FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(_sample_bytes()) - 1))
def test_truncated_workbook(cut, tmp_path, capsys, quiet_main):
    path = tmp_path / "cat.xlsx"
    path.write_bytes(_sample_bytes()[:cut])
    rc, _ = check(path, capsys)
    assert rc == ExitCode.input_unreadable


@FUZZ
@given(data=st.binary(max_size=4096), zip_magic=st.booleans())
def test_random_bytes(data, zip_magic, tmp_path, capsys, quiet_main):
    path = tmp_path / "ngau_nhien.xlsx"
    path.write_bytes((b"PK\x03\x04" if zip_magic else b"") + data)
    rc, _ = check(path, capsys)
    assert rc == ExitCode.input_unreadable


def rezip(dest: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return dest


def sample_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(_sample_bytes())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@FUZZ
@given(member=st.sampled_from(sorted(sample_parts())), seed=st.integers(0, 2**32 - 1),
       how=st.sampled_from(["flip", "cut", "insert"]))
def test_damaged_parts_inside_a_sound_zip(member, seed, how, tmp_path, capsys, quiet_main):
    rng = random.Random(seed)
    parts = sample_parts()
    data = bytearray(parts[member])
    at = rng.randrange(len(data))
    if how == "flip":
        for _ in range(8):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif how == "cut":
        del data[at:]
    else:
        data[at:at] = rng.choice([b"<", b"&", b"]]>", b"<x>", b'"', b"\xff\xfe", b"<!DOCTYPE a>"])
    parts[member] = bytes(data)
    rc, _ = check(rezip(tmp_path / "hong.xlsx", parts), capsys)
    assert rc in (0, ExitCode.input_invalid, ExitCode.input_unreadable)


def test_malformed_sheet_xml(tmp_path, capsys, quiet_main):
    parts = sample_parts()
    parts["xl/worksheets/sheet3.xml"] = parts["xl/worksheets/sheet3.xml"][:5000] + b"<row><c r=\"A"
    rc, err = check(rezip(tmp_path / "sheet_hong.xlsx", parts), capsys)
    assert rc in (ExitCode.input_invalid, ExitCode.input_unreadable)


@pytest.mark.parametrize("sheet", ["xl/worksheets/sheet4.xml", "xl/worksheets/sheet8.xml"])  # TuDanhGia, ChamDiem
def test_sheet_cut_half_way_is_refused_not_silently_shortened(sheet, tmp_path, capsys, quiet_main):
    parts = sample_parts()
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    rc, err = check(rezip(tmp_path / "sheet_cut.xlsx", parts), capsys)
    assert rc == ExitCode.input_unreadable and "bị hỏng" in err
    name = {"xl/worksheets/sheet4.xml": "TuDanhGia", "xl/worksheets/sheet8.xml": "ChamDiem"}[sheet]
    assert f"sheet «{name}» bị cắt giữa chừng ({sheet} không trọn vẹn)" in err, err


@pytest.mark.parametrize("where", ["after a row", "after sheetData", "before the root's end tag"])
def test_sheet_cut_at_an_element_boundary_is_refused(where, tmp_path, capsys, quiet_main):
    """The sneakiest cut: right after a complete </row> (every row before it reads cleanly)."""
    parts = sample_parts()
    data = parts["xl/worksheets/sheet3.xml"]  # NhanSu
    end = {"after a row": data.rfind(b"</row>", 0, len(data) // 2) + len(b"</row>"),
           "after sheetData": data.find(b"</sheetData>") + len(b"</sheetData>"),
           "before the root's end tag": data.rfind(b"</worksheet>")}[where]
    parts["xl/worksheets/sheet3.xml"] = data[:end]
    rc, err = check(rezip(tmp_path / "sheet_cut.xlsx", parts), capsys)
    assert rc == ExitCode.input_unreadable and "sheet «NhanSu» bị cắt giữa chừng" in err, err


def test_sheet_ending_with_whitespace_and_a_comment_is_whole(tmp_path, capsys, quiet_main):
    parts = sample_parts()
    parts["xl/worksheets/sheet3.xml"] += b"\r\n<!-- saved by a tool -->\n  "
    parts["xl/worksheets/sheet4.xml"] = parts["xl/worksheets/sheet4.xml"].replace(b"</worksheet>", b"</worksheet \n>")
    rc, err = check(rezip(tmp_path / "sheet_tail.xlsx", parts), capsys)
    assert rc == 0, err


def test_sheet_cut_is_refused_on_the_lxml_path_too(tmp_path):
    from pipeline.errors import InputUnreadable
    from pipeline.ingest.xlsx import XlsxFile

    parts = sample_parts()
    parts["xl/worksheets/sheet3.xml"] = parts["xl/worksheets/sheet3.xml"][:-2000]
    with XlsxFile(rezip(tmp_path / "sheet_cut.xlsx", parts)) as xf, pytest.raises(InputUnreadable) as exc:
        list(xf.rows("NhanSu", engine="lxml"))
    assert "sheet «NhanSu» bị cắt giữa chừng" in exc.value.message


def test_shared_strings_cut_half_way_is_refused(tmp_path, capsys, quiet_main):
    """The shared strings of a workbook written as Excel writes it, cut after a complete <si>."""
    import workbook_factory as wf

    with zipfile.ZipFile(wf.write_fast(tmp_path / "excel_like.xlsx", wf.big_tables(40))) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sst = parts["xl/sharedStrings.xml"]
    parts["xl/sharedStrings.xml"] = sst[: sst.rfind(b"</si>", 0, len(sst) // 2) + len(b"</si>")]
    rc, err = check(rezip(tmp_path / "sst_cut.xlsx", parts), capsys)
    assert rc == ExitCode.input_unreadable and "phần chữ dùng chung của sổ bị cắt giữa chừng" in err, err


def test_zip_bomb_declaring_a_huge_size(tmp_path, capsys, quiet_main):
    """Members declare 4 GB each; refused from the directory alone, before inflating anything."""
    path = rezip(tmp_path / "bom.xlsx", sample_parts())
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:  # central directory entries: uncompressed size at offset 24
        struct.pack_into("<I", data, pos + 24, 0xFFFF0000)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    rc, err = check(path, capsys, limit=5)
    assert rc == ExitCode.input_unreadable and "bom nén" in err


def test_zip_bomb_inflating_to_64_mb_has_bounded_time_and_memory(tmp_path):
    """A sheet inflating to 64 MB of blanks (the reader's cap is 300 MB): time and peak memory of
    `hoso check` in a fresh process stay bounded."""
    parts = sample_parts()
    path = tmp_path / "bom_that.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet2.xml":
                zf.writestr(name, data)
                continue
            head, sep, tail = data.partition(b"</sheetData>")
            with zf.open(name, "w", force_zip64=True) as fh:
                fh.write(head)
                for _ in range(8):
                    fh.write(b" " * (8 << 20))
                fh.write(sep + tail)
    assert path.stat().st_size < 1 << 20
    probe = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
             "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(p.returncode)")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", probe, *HOSO, "check", str(path)], capture_output=True,
                          text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode in (0, ExitCode.input_invalid, ExitCode.input_unreadable), proc.stderr
    assert "Traceback" not in proc.stderr
    rss_mb = int(re.search(r"maxrss (\d+)", proc.stderr).group(1)) / 1024
    assert rss_mb < 600, f"peak memory {rss_mb:.0f} MB"
    assert elapsed < 60


def test_macro_enabled_workbook_is_read_without_running_anything(tmp_path, capsys, quiet_main):
    parts = sample_parts()
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048)
    ct = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = ct.replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>').encode()
    rc, err = check(rezip(tmp_path / "co_macro.xlsm", parts), capsys)
    assert rc == 0 and "macro" in err and "không được chạy" in err


@pytest.mark.parametrize("kind", ["xxe", "billion-laughs"])
def test_xml_entities_are_never_expanded(kind, tmp_path, capsys, quiet_main):
    parts = sample_parts()
    if kind == "xxe":
        dtd = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        entity = b"&xxe;"
    else:
        defs = b"".join(b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10) for i in range(1, 10))
        dtd = b'<!DOCTYPE worksheet [<!ENTITY l0 "lol">' + defs + b"]>"
        entity = b"&l9;"
    sheet = parts["xl/worksheets/sheet2.xml"]  # DonVi
    sheet = sheet.replace(b"<worksheet", dtd + b"<worksheet", 1)
    sheet = re.sub(rb"(<c r=\"B2\"[^>]*><is><t[^>]*>)[^<]*", rb"\g<1>" + entity, sheet, count=1)
    parts["xl/worksheets/sheet2.xml"] = sheet
    rc, err = check(rezip(tmp_path / "thuc_the.xlsx", parts), capsys, limit=10)
    assert rc in (0, ExitCode.input_invalid, ExitCode.input_unreadable)
    assert "root:" not in err and "lollollol" not in err
    # named for what it is (not "cut half-way"), in whichever part it is found
    assert rc == ExitCode.input_unreadable and "DOCTYPE/ENTITY" in err and "bị cắt giữa chừng" not in err
    assert ("XXE" if kind == "xxe" else "billion laughs") in err
