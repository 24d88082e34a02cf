"""Inputs that pass `check` must not crash a later command (issue 19, points 9 and 11): each gets
a Vietnamese message and its exit code, or is made harmless, and nothing reads sheets it does not need."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fakes import TextConverter

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.ingest.xlsx import _unescape


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    got = capsys.readouterr()
    return exc.value.code, got.out, got.err


def with_name(sample: Path, dest: Path, row: int, value) -> Path:
    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    col = [c.value for c in ws[1]].index("ho_ten") + 1
    ws.cell(row=row, column=col, value=value)
    wb.save(dest)
    return dest


def test_a_lone_surrogate_escape_is_an_input_error_everywhere(sample, tmp_path, capsys):
    book = with_name(sample, tmp_path / "hong.xlsx", 3, "Trần Thị_xD800_ Thu Hà")  # stored as typed: an escape
    rc, _, err = run_main(["check", str(book)], capsys)
    assert rc == ExitCode.input_invalid and "Traceback" not in err
    assert "ô B3" in err and "ký tự hỏng" in err and "_xD800_" in err
    rc, out, err = run_main(["check", "--json", str(book)], capsys)
    assert rc == ExitCode.input_invalid and "_xD800_" in json.loads(out)[0]["thong_bao"]
    for command in (["rate", str(book), "-o", str(tmp_path / "r")],
                    ["build", str(book), "--unit", "LD", "-o", str(tmp_path / "b")]):
        rc, _, err = run_main(command, capsys)
        assert rc == ExitCode.input_invalid and "Traceback" not in err and "ký tự hỏng" in err


def test_a_surrogate_pair_is_one_character():
    assert _unescape("A_xD83D__xDE00_B") == "A\U0001F600B"
    assert _unescape("_x0041_") == "A"


def test_true_as_a_name_is_refused(sample, tmp_path, capsys):
    book = with_name(sample, tmp_path / "bool.xlsx", 3, True)
    rc, _, err = run_main(["check", str(book)], capsys)
    assert rc == ExitCode.input_invalid and "TRUE/FALSE" in err and "ô B3" in err


def test_a_bidi_override_is_removed_from_a_name(sample, tmp_path, capsys):
    book = with_name(sample, tmp_path / "bidi.xlsx", 3, "Trần Thị \u202eThu Hà")
    rc, _, err = run_main(["rate", str(book), "-o", str(tmp_path / "r")], capsys)
    assert rc == 0, err
    names = [p["ho_ten"] for p in json.loads((tmp_path / "r" / "ket_qua_xep_loai.json").read_text())["nguoi"]]
    assert "Trần Thị Thu Hà" in names and not any("\u202e" in n for n in names)


def xlsm_with_a_hidden_huge_sheet(sample: Path, dest: Path, rows: int = 1_048_576) -> Path:
    with zipfile.ZipFile(sample) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", f'<sheet {ns} name="An" sheetId="99" state="hidden" r:id="rId99"/></sheets>'.encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/sheet99.xml" Id="rId99"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/worksheets/sheet99.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)
    body = io.BytesIO()
    body.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData>')
    for r in range(1, rows + 1):
        body.write(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r))
    body.write(b"</sheetData></worksheet>")
    parts["xl/worksheets/sheet99.xml"] = body.getvalue()
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return dest


def test_a_hidden_million_row_sheet_is_never_read(sample, tmp_path, capsys):
    book = xlsm_with_a_hidden_huge_sheet(sample, tmp_path / "an.xlsm")
    started = time.monotonic()
    rc, _, err = run_main(["build", str(book), "--unit", "LD", "-o", str(tmp_path / "out"),
                           "--cache", str(tmp_path / "cache")], capsys)
    assert rc == 0, err
    assert time.monotonic() - started < 60
    assert "Không tạo bản sao kèm kết quả" in err and "sheet ẩn" in err and "Traceback" not in err
    assert (tmp_path / "out" / "ca_nhan" / "LD" / "VP-001.pdf").is_file()


def test_a_damaged_entry_in_a_cache_that_cannot_be_written(sample, tmp_path, capsys, monkeypatch):
    """A read-only or another user's cache: the damaged entry cannot be removed nor replaced; it is
    not used, the build converts again and succeeds."""
    import errno
    import os
    import pathlib

    cache = tmp_path / "cache"
    args = ["build", str(sample), "--unit", "LD", "--cache", str(cache)]
    assert run_main([*args, "-o", str(tmp_path / "a")], capsys)[0] == 0
    for pdf in cache.glob("*/*.pdf"):
        pdf.write_bytes(pdf.read_bytes()[:100])  # every entry damaged
    real_unlink, real_mkstemp = pathlib.Path.unlink, __import__("tempfile").mkstemp

    def unlink(self, missing_ok=False):
        if str(self).startswith(str(cache)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_unlink(self, missing_ok=missing_ok)

    def mkstemp(*a, dir=None, **kw):
        if dir is not None and str(dir).startswith(str(cache)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
        return real_mkstemp(*a, dir=dir, **kw)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    monkeypatch.setattr("tempfile.mkstemp", mkstemp)
    rc, _, err = run_main([*args, "-o", str(tmp_path / "b")], capsys)
    assert rc == 0 and "Traceback" not in err, err
    monkeypatch.undo()
    assert run_main(["verify", str(tmp_path / "b")], capsys)[0] == 0


def test_thousands_of_errors_print_a_readable_number_and_the_count(sample, tmp_path, capsys):
    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    for i in range(600):
        ws.append([f"X-{i}"])  # a code and nothing else: several errors a row
    book = tmp_path / "nhieu_loi.xlsx"
    wb.save(book)
    rc, _, err = run_main(["check", str(book)], capsys)
    assert rc == ExitCode.input_invalid
    lines = err.splitlines()
    assert len(lines) < 230, len(lines)
    assert "lỗi/cảnh báo khác chưa in" in err and "Tổng cộng:" in lines[-2]


def test_half_written_pdfs_are_named_once_with_their_cause(sample, tmp_path, capsys, monkeypatch):
    from fakes import FaultyConverter

    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: FaultyConverter("truncated", times=10**6))
    rc, _, err = run_main(["build", str(sample), "--unit", "LD", "-o", str(tmp_path / "out"),
                           "--cache", str(tmp_path / "cache")], capsys)
    assert rc == ExitCode.conversion_failed
    assert err.count("PDF dở dang") == 1 and "EOF marker" not in err and "Traceback" not in err
    assert err.count("Trần Thị Thu Hà (VP-002) — Mẫu số 02") == 1


def test_a_unit_code_merged_over_its_people_is_read_for_each_of_them(sample, tmp_path, capsys):
    """The clerk merges the unit's code down over its people, as on a printed list: Excel keeps the code in the
    first cell only. Each person of the range is in that unit (what the clerk sees), read so with one warning
    per range naming it — never one «missing» error per cell."""
    from openpyxl.utils import get_column_letter

    from pipeline.ingest.load import read

    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    letter = get_column_letter([c.value for c in ws[1]].index("ma_don_vi") + 1)
    units = [ws[f"{letter}{r}"].value for r in range(2, ws.max_row + 1)]
    runs = [(2 + i, 2 + i + len(list(g)) - 1) for i, g in ((units.index(u), [x for x in units if x == u])
                                                            for u in dict.fromkeys(units))]
    for top, bottom in runs:
        if bottom > top:
            ws.merge_cells(f"{letter}{top}:{letter}{bottom}")
    book = tmp_path / "gop.xlsx"
    wb.save(book)
    plain, _ = read(sample)
    merged, problems = read(book)
    assert merged is not None
    assert [(p.ma_so, p.ma_don_vi) for p in merged.people] == [(p.ma_so, p.ma_don_vi) for p in plain.people]
    said = [p for p in problems if "gộp" in p.message]
    assert [(p.is_error, p.row, p.column) for p in said] == [(False, top, letter) for top, bottom in runs if bottom > top]
    top, bottom = runs[0]
    assert said[0].message == (f"Vùng ô gộp (merge) {letter}{top}:{letter}{bottom}: «{units[0]}» của ô {letter}{top} được "
                               f"đọc cho từng dòng {top}–{bottom} (cột «ma_don_vi»).")
    rc, _, err = run_main(["check", str(book)], capsys)
    assert rc == 0 and f"Vùng ô gộp (merge) {letter}{top}:{letter}{bottom}" in err and "Thiếu «Mã đơn vị»" not in err


def test_merged_cells_are_one_error_per_range_not_one_per_cell(sample, tmp_path, capsys):
    """A name merged over two people, a decided level merged over three (the clerk meant «all three HTT»), a
    position merged across the next column: Excel keeps each value in the first cell only. One message per
    range names it and what is read as empty; the cells of a range are never said «missing» one by one, and a
    level is never given to people hoso would read without one."""
    from openpyxl.utils import get_column_letter

    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    head = [c.value for c in ws[1]]
    col = {k: get_column_letter(head.index(k) + 1) for k in ("ho_ten", "muc_quyet_dinh", "chuc_vu", "vai_tro")}
    ws[f"{col['muc_quyet_dinh']}8"] = "HTT"
    ws.merge_cells(f"{col['ho_ten']}2:{col['ho_ten']}3")
    ws.merge_cells(f"{col['muc_quyet_dinh']}8:{col['muc_quyet_dinh']}10")
    ws.merge_cells(f"{col['chuc_vu']}5:{col['vai_tro']}5")
    book = tmp_path / "gop.xlsx"
    wb.save(book)
    rc, _, err = run_main(["check", str(book)], capsys)
    assert rc == ExitCode.input_invalid
    assert err.count("Vùng ô gộp") == 3 and err.count("LỖI     Sheet «NhanSu»") == 3 and "Thiếu «" not in err
    h, m, c, v = col["ho_ten"], col["muc_quyet_dinh"], col["chuc_vu"], col["vai_tro"]
    assert (f"Sheet «NhanSu», dòng 2, cột {h} «ho_ten» (ô {h}2): Vùng ô gộp (merge) {h}2:{h}3: giá trị chỉ nằm ở ô "
            f"đầu {h}2 («Nguyễn Đình Khải»); dòng 3 của cột «ho_ten» được đọc là trống.") in err
    assert (f"Vùng ô gộp (merge) {m}8:{m}10: giá trị chỉ nằm ở ô đầu {m}8 («HTT»); các dòng 9–10 của cột "
            "«muc_quyet_dinh» được đọc là trống.") in err
    assert (f"Sheet «NhanSu», dòng 5, cột {c} «chuc_vu» (ô {c}5): Vùng ô gộp (merge) {c}5:{v}5: giá trị chỉ nằm ở ô "
            f"đầu {c}5 («Trưởng phòng»); cột «vai_tro» ở dòng 5 được đọc là trống.") in err
