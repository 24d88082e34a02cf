"""A clerk's season played with the CLI (audit 4): nothing the clerk did is lost or silently replaced.

Builds here use the text converter (no LibreOffice): what is checked is what reaches the disk, the
exit codes and the messages.
"""

from __future__ import annotations

import errno
import json
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf
from fakes import TextConverter, snapshot
from openpyxl.utils import get_column_letter

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.manifest import MANIFEST


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())


def run_main(args: list, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    got = capsys.readouterr()
    return exc.value.code, got.out, got.err


def test_a_workbook_of_another_year_does_not_replace_the_folder(tmp_path, capsys):
    """Last year's workbook picked by mistake (or next year's built into the same output/) used to
    replace the year's output silently; it is refused naming both years, --doi-nam replaces it."""
    out = tmp_path / "output"
    this_year = wf.of_year(tmp_path / "so_2025.xlsx", 2025)
    rc, _, err = run_main(["build", this_year, "-o", out], capsys)
    assert rc == 0, err
    before = snapshot(out)
    last_year = wf.of_year(tmp_path / "so_2024.xlsx", 2024)
    rc, _, err = run_main(["build", last_year, "-o", out], capsys)
    assert rc == ExitCode.output_error, err
    assert "năm đánh giá 2025" in err and "«so_2025.xlsx»" in err and "«so_2024.xlsx» là của năm đánh giá 2024" in err
    assert "--doi-nam" in err and "Kết quả cũ được giữ nguyên" in err
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if ".dang-tao-" in p.name]
    rc, _, err = run_main(["build", last_year, "-o", out, "--doi-nam"], capsys)
    assert rc == 0, err
    assert "theo --doi-nam, hồ sơ năm 2025 được thay" in err
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["nam_danh_gia"] == 2024
    # the same year again: no question asked
    rc, _, err = run_main(["build", last_year, "-o", out], capsys)
    assert rc == 0 and "--doi-nam" not in err, err


def _edit_docx(path: Path, old: str, new: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            dst.writestr(item, data)
    tmp.replace(path)


def _document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_ghi_de_keeps_a_copy_of_the_hand_edited_files_beside_the_folder(tmp_path, capsys):
    """A clerk fixed a typo in a .docx with Word, then changed the workbook: the build stops naming
    the file and saying the PDFs do not carry the edit; --ghi-de used to lose the edit for good, it
    now copies the edited file beside the folder first (paths kept)."""
    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == 0, err
    form = next(p for p in sorted((out / "ca_nhan").rglob("*.docx")) if "Nguyễn Văn An" in _document_text(p))
    rel = form.relative_to(out).as_posix()
    _edit_docx(form, "Nguyễn Văn An", "Nguyễn Văn Ân")
    edited = form.read_bytes()
    data = wf.tables()
    data["NhanSu"][1]["chuc_vu"] = "Phó Trưởng phòng phụ trách"
    book = wf.write(tmp_path / "so.xlsx", data)
    before = snapshot(out)
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == ExitCode.output_error, err
    assert rel in err and "--ghi-de" in err and "không lấy nội dung từ các tệp đã sửa tay" in err
    assert "docs/" not in err  # the clerk has no docs folder: the message says where each thing goes
    assert snapshot(out) == before
    assert not list(tmp_path.glob("output.sua-tay-*"))
    rc, _, err = run_main(["build", book, "-o", out, "--ghi-de"], capsys)
    assert rc == 0, err
    (kept,) = tmp_path.glob("output.sua-tay-*")
    assert f"«{kept}»" in err and rel in err
    assert (kept / rel).read_bytes() == edited  # the clerk's edit, byte for byte
    assert [p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()] == [rel]
    assert "Nguyễn Văn Ân" not in _document_text(out / rel)  # the output is hoso's again
    rc, _, err = run_main(["verify", out], capsys)
    assert rc == 0, err


def test_notes_typed_into_the_text_files_are_kept_beside_the_folder(tmp_path, capsys):
    """The clerk ticked the reprint list (thay_doi.txt) and wrote who signed into HUONG_DAN_IN.txt
    and README.txt; the next build rewrote them without a word. Every build still rewrites them (as
    README.txt says), but the annotated ones are first copied beside the folder and named; the
    build is not refused for it. Together with --ghi-de the copies share one folder."""
    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == 0, err
    assert "sua-tay-" in (out / "README.txt").read_text(encoding="utf-8")  # the folder says it
    notes = {"thay_doi.txt": "\n- đã in lại, đã ký: chị Hà 07/12\n",
             "HUONG_DAN_IN.txt": "\nĐã trình anh Minh ký ngày 07/12.\n",
             "README.txt": "\nGhi chú của văn thư: nộp bản giấy ngày 10/12.\n"}
    typed = {}
    for name, note in notes.items():
        with open(out / name, "a", encoding="utf-8") as fh:
            fh.write(note)
        typed[name] = (out / name).read_bytes()
    data = wf.tables()
    data["NhanSu"][1]["chuc_vu"] = "Phó Trưởng phòng phụ trách"
    book = wf.write(tmp_path / "so.xlsx", data)
    rc, _, err = run_main(["build", book, "-o", out], capsys)  # the workbook changed: rebuilt
    assert rc == 0, err
    (kept,) = tmp_path.glob("output.sua-tay-*")
    assert f"«{kept}»" in err and all(f"  - {name}" in err for name in notes)
    assert {p.relative_to(kept).as_posix(): p.read_bytes() for p in kept.rglob("*") if p.is_file()} == typed
    for name, note in notes.items():
        assert note.strip() not in (out / name).read_text(encoding="utf-8")  # hoso's own text again
    rc, _, err = run_main(["verify", out], capsys)
    assert rc == 0, err
    # a hand-edited form and a note: refused (the form) until --ghi-de, then both kept in one folder
    kept.rename(tmp_path / "giu_lai")
    with open(out / "thay_doi.txt", "a", encoding="utf-8") as fh:
        fh.write("ghi chú\n")
    form = sorted((out / "ca_nhan").rglob("*.docx"))[0]
    _edit_docx(form, "Nguyễn", "Nguyên")
    before = snapshot(out)
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == ExitCode.output_error and "--ghi-de" in err, err
    assert snapshot(out) == before and not list(tmp_path.glob("output.sua-tay-*"))
    rc, _, err = run_main(["build", book, "-o", out, "--ghi-de"], capsys)
    assert rc == 0, err
    (kept,) = tmp_path.glob("output.sua-tay-*")
    assert sorted(p.relative_to(kept).as_posix() for p in kept.rglob("*") if p.is_file()) == sorted(
        [form.relative_to(out).as_posix(), "thay_doi.txt"])
    assert (kept / "thay_doi.txt").read_text(encoding="utf-8").endswith("ghi chú\n")


def _column_index(ws, key: str) -> int:
    return [c.value for c in ws[1]].index(key) + 1


def test_a_merged_header_cell_is_an_error_not_a_column_silently_dropped(tmp_path, capsys):
    """The clerk merged two header cells (Excel keeps the first title only): the column under the
    swallowed title, chức vụ here, used to be dropped without a word and every form printed no
    position. It is an input error naming the cell and the range; nothing is written."""
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(book)
    ws = wb["NhanSu"]
    col = _column_index(ws, "chuc_vu")
    before, at = get_column_letter(col - 1), get_column_letter(col)
    ws.merge_cells(f"{before}1:{at}1")
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == ExitCode.input_invalid, err
    assert (f"Sheet «NhanSu», dòng 1, cột {at} (ô {at}1): Ô tiêu đề {at}1 nằm trong vùng ô đã gộp (merge) "
            f"{before}1:{at}1 nên cột {at} không có tiêu đề; dữ liệu của cột (6 dòng) không được đọc.") in err
    out = tmp_path / "output"
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == ExitCode.input_invalid and not out.exists(), err


def test_data_under_an_empty_header_is_named(tmp_path, capsys):
    """Values typed in a column with no title are not read: the check says so (a warning)."""
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    wb = openpyxl.load_workbook(book)
    ws = wb["NhanSu"]
    free = get_column_letter(ws.max_column + 2)
    ws[f"{free}3"] = "0912 345 678"
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == ExitCode.ok, err
    assert (f"Sheet «NhanSu», dòng 1, cột {free} (ô {free}1): Cột {free} có dữ liệu (1 dòng) nhưng không có tiêu đề "
            f"ở ô {free}1; cột được bỏ qua.") in err


def test_nhap_ket_qua_keeps_the_workbook_s_mode_and_group(tmp_path, capsys):
    """The workbook on a group share (0664, the office's group): the import rewrote it as 0600 owned by
    the one who ran it, so the other clerks could no longer open it."""
    import os
    import shutil
    import stat

    from pipeline.resources import sample_workbook

    book = tmp_path / "so_2026.xlsx"
    shutil.copyfile(sample_workbook(2026), book)
    os.chmod(book, 0o664)
    gid = os.getgid() if os.getuid() else 4242  # root may give the file to any group
    os.chown(book, -1, gid)
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-021;10;2026;25;100;85;80\n", encoding="utf-8")
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == 0 and "KetQuaKy: thêm 1 dòng" in err, err
    st = book.stat()
    assert stat.S_IMODE(st.st_mode) == 0o664 and st.st_gid == gid
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".hoso_")]


def _with_clerk_work(src: Path, dest: Path) -> Path:
    """The 2026 sample as a clerk keeps it: a formula column of her own in KetQuaKy (saved by Excel
    with its computed values), a red cell, a wide column, a drop-down list, a comment."""
    import re
    import zipfile as zf

    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.load_workbook(src)
    ws = wb["KetQuaKy"]
    own = ws.max_column + 1
    ws.cell(1, own, "Tổng (của văn thư)")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, own, f"=C{r}+D{r}")
    ws["C2"].fill = PatternFill("solid", fgColor="FFFF0000")
    ws.column_dimensions["A"].width = 33
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    ws.add_data_validation(dv)
    dv.add("D2:D1000")
    ws["A1"].comment = Comment("Mã số cán bộ", "văn thư")
    wb.save(dest)
    # Excel stores each formula's last value beside it: so does this copy
    with zf.ZipFile(dest) as z:
        parts = {i: z.read(i) for i in z.namelist()}
    member = next(n for n in parts if n.startswith("xl/worksheets/sheet") and b"C2+D2" in parts[n])
    parts[member] = re.sub(rb"<f>(C(\d+)\+D\2)</f><v\s*/?>(?:</v>)?", rb"<f>\1</f><v>1</v>", parts[member])
    assert b"<f>C2+D2</f><v>1</v>" in parts[member]
    sheet_no = int(re.search(rb"sheet(\d+)", member.encode()).group(1))  # Excel's list of formula cells
    parts["xl/calcChain.xml"] = (f'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 f'<c r="C2" i="{sheet_no}"/></calcChain>').encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.calcChain+xml"/></Types>')
    with zf.ZipFile(dest, "w", zf.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return dest


def test_nhap_ket_qua_keeps_the_clerk_s_formulas_and_formats(tmp_path, capsys):
    """The import regenerated KetQuaKy from its values: the clerk's formulas became their last value
    (or the text «=C2+D2»), her colours, column widths and drop-down lists were gone. Now only the
    cells the export carries change."""
    from pipeline import ingest
    from pipeline.resources import sample_workbook

    book = _with_clerk_work(sample_workbook(2026), tmp_path / "so_2026.xlsx")
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-021;10;2026;25;100;85;80\n"
                      "VP-001;1;2026;26;100;100;100\n", encoding="utf-8")
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == 0 and "KetQuaKy: thêm 1 dòng, thay 1 dòng" in err, err
    wb = openpyxl.load_workbook(book)
    ws = wb["KetQuaKy"]
    own = [c.value for c in ws[1]].index("Tổng (của văn thư)") + 1
    assert ws.cell(2, own).value == "=C2+D2" and ws.cell(2, own).data_type == "f"  # a formula, not a text
    assert all(ws.cell(r, own).data_type == "f" for r in range(2, ws.max_row))
    assert ws["C2"].value == 26 and ws["C2"].fill.fgColor.rgb == "FFFF0000"  # the new value, her colour
    assert ws.column_dimensions["A"].width == 33
    assert [str(d.sqref) for d in ws.data_validations.dataValidation] == ["D2:D1000"]
    assert ws["A1"].comment is not None and ws["A1"].comment.text == "Mã số cán bộ"
    last = [c.value for c in ws[ws.max_row]][:6]
    assert last == ["VP-021", "2026-10", 25, 100, 85, 80]
    with zipfile.ZipFile(book) as z:  # it named C2, which the import gave a value: Excel would "repair" the file
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("xl/_rels/workbook.xml.rels") + z.read("[Content_Types].xml")
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0, err
    (october,) = [p for p in ingest.load(book).periods if p.ma_so == "VP-021" and p.ky == "2026-10"]
    assert (october.diem_tieu_chi_chung, october.a, october.b, october.c) == (25, 100, 85, 80)


def test_nhap_ket_qua_refuses_to_break_a_filled_down_formula(tmp_path, capsys):
    """The cell the import would set is the first of a formula the clerk filled down (a shared
    formula): writing a value there would break the cells below. Refused, the workbook untouched."""
    import zipfile as zf

    from pipeline.resources import sample_workbook

    book = tmp_path / "so_2026.xlsx"
    with zf.ZipFile(sample_workbook(2026)) as z:
        parts = {i: z.read(i) for i in z.namelist()}
    member = "xl/worksheets/sheet8.xml"  # KetQuaKy in the sample
    assert b'<c r="B2" t="inlineStr"><is><t>2026-01</t>' in parts[member]
    parts[member] = parts[member].replace(b'<c r="C2" t="n"><v>28</v></c>',
                                          b'<c r="C2"><f t="shared" ref="C2:C3" si="0">14*2</f><v>28</v></c>', 1)
    parts[member] = parts[member].replace(b'<c r="C3" t="n"><v>27.5</v></c>',
                                          b'<c r="C3"><f t="shared" si="0"/><v>28</v></c>', 1)
    assert parts[member].count(b'si="0"') == 2
    with zf.ZipFile(book, "w", zf.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    before = book.read_bytes()
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30)\nVP-001;1;2026;26\n", encoding="utf-8")
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == ExitCode.output_error, err
    assert "Ô C2 của sheet «KetQuaKy» là công thức dùng chung" in err and "Chưa ghi gì vào sổ" in err
    assert book.read_bytes() == before


def test_next_year_keeps_the_clerk_s_own_sheets_and_columns(tmp_path, capsys):
    """`hoso init --tu` used to drop, without a word, a column the clerk added to NhanSu (phone
    numbers) and a sheet of her own (a to-do list with a formula). They are carried over: the sheet
    whole, the column on each kept person's row; the console names them."""
    from openpyxl.styles import PatternFill

    from pipeline import ingest

    data = wf.tables()
    data["NhanSu"][1]["da_nghi"] = "Có"  # NS-02 left: the rows below move up one
    book = wf.write(tmp_path / "so_2024.xlsx", data)
    wb = openpyxl.load_workbook(book)
    ws = wb["NhanSu"]
    code_col = _column_index(ws, "ma_so")
    own = ws.max_column + 1
    ws.cell(1, own, "Điện thoại")
    phones = {}
    for r in range(2, ws.max_row + 1):
        phones[ws.cell(r, code_col).value] = f"0912 000 00{r}"
        ws.cell(r, own, phones[ws.cell(r, code_col).value])
    ws.cell(4, own, "=A4&\" (gọi sau)\"")  # a formula over cells that move: carried as its text
    mine = wb.create_sheet("ViecCanLam")
    mine["A1"] = "Việc cần làm"
    mine["A2"], mine["B2"] = "Đếm nhân sự", "=COUNTA(NhanSu!A:A)-1"
    mine["A1"].fill = PatternFill("solid", fgColor="FFFFFF00")
    mine.column_dimensions["A"].width = 40
    mine.merge_cells("A1:B1")
    wb.save(book)
    before = book.read_bytes()
    rc, _, err = run_main(["init", "--tu", book, tmp_path / "moi"], capsys)
    assert rc == 0, err
    assert "Giữ phần riêng của cơ quan trong sổ cũ: sheet «ViecCanLam»; cột «Điện thoại» (sheet NhanSu), " \
           "1 công thức chép dưới dạng chữ." in err
    assert book.read_bytes() == before  # last year's workbook untouched
    dest = tmp_path / "moi" / "ho_so_danh_gia_2025.xlsx"
    new = openpyxl.load_workbook(dest)
    ws = new["NhanSu"]
    col = [c.value for c in ws[1]].index("Điện thoại") + 1
    got = {ws.cell(r, 1).value: ws.cell(r, col).value for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value}
    assert set(got) == {"NS-01", "NS-03", "NS-04", "NS-05", "NS-06"}
    assert got["NS-01"] == phones["NS-01"] and got["NS-04"] == phones["NS-04"]  # on the right person's row
    assert got["NS-03"] == '=A4&" (gọi sau)"' and ws.cell(3, col).data_type == "s"
    copied = new["ViecCanLam"]
    assert copied["B2"].value == "=COUNTA(NhanSu!A:A)-1" and copied["B2"].data_type == "f"
    assert copied["A1"].fill.fgColor.rgb == "FFFFFF00" and copied.column_dimensions["A"].width == 40
    assert [str(r) for r in copied.merged_cells.ranges] == ["A1:B1"]
    rc, _, err = run_main(["check", dest], capsys)
    assert rc == 0 and "Sổ Excel hợp lệ" in err, err
    assert [p.ma_so for p in ingest.load(dest).people] == ["NS-01", "NS-03", "NS-04", "NS-05", "NS-06"]


def test_rates_typed_as_percent_in_excel_are_read_as_shown(tmp_path, capsys):
    """Typing «95%» into Excel stores 0.95 shown as 95%. The rates (0–100) were read as 0.95 — a
    person rated on 0.95 % instead of 95 %, without a word (VP-001 fell from Hoàn thành tốt to
    Hoàn thành nhiệm vụ). A percent-formatted cell is now read as the number the clerk sees."""
    from openpyxl.styles import numbers

    from pipeline import ingest
    from pipeline.rating import rate
    from pipeline.resources import sample_workbook

    plain = ingest.load(sample_workbook(2026))
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    keys = [c.value for c in ws[1]]
    rate_cols = [keys.index(k) + 1 for k in ("ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do",
                                             "ty_le_ket_qua_don_vi", "ty_le_to_chuc_thuc_hien", "ty_le_doan_ket")]
    changed = 0
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value != "VP-001":
            continue
        for c in rate_cols:
            cell = ws.cell(r, c)
            if isinstance(cell.value, (int, float)):
                cell.value = cell.value / 100  # what Excel stores for «95%»
                cell.number_format = numbers.FORMAT_PERCENTAGE if changed % 2 else "0.0%"
                changed += 1
    assert changed >= 60
    book = tmp_path / "so_2026.xlsx"
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0, err
    typed = ingest.load(book)
    mine = sorted((p.ky, p.a, p.b, p.c, p.d) for p in typed.periods if p.ma_so == "VP-001")
    assert mine == sorted((p.ky, p.a, p.b, p.c, p.d) for p in plain.periods if p.ma_so == "VP-001")
    assert mine[0][1:] == (100, 100, 100, 100)  # «100%» is 100, as in the sample's January row
    assert rate(typed).of("VP-001").ly_do == rate(plain).of("VP-001").ly_do


def test_points_typed_into_a_percent_cell_are_refused_not_read_as_a_hundredth(tmp_path, capsys):
    """A clerk formats KetQuaKy's row as percent (Format Painter from the rates) and types 27.5 into «Điểm tiêu chí
    chung» (C3, VP-001's 2026-02): Excel shows «27.5%» and stores 0.275. It was read as 0.275 points without a word
    (his period score falls by 27.2 points). It is an error on C3 naming the 27.5 the clerk sees and how to type it;
    the same for a vote count (BieuQuyet D2 «3%») and months worked (NhanSu R10 «12%»). The rates beside it, percent
    columns, still read «95%» as 95; a percent cell holding 0 is 0 either way (no error)."""
    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    assert [ws[c].value for c in ("A3", "B3", "C1", "C3", "E3")] == ["VP-001", "2026-02", "diem_tieu_chi_chung", 27.5, 95]
    ws["C3"].value, ws["C3"].number_format = 0.275, "0.0%"
    ws["E3"].value, ws["E3"].number_format = 0.95, "0%"  # a rate: 95 as before
    votes, people = wb["BieuQuyet"], wb["NhanSu"]
    assert (votes["D1"].value, votes["D2"].value, people["R1"].value, people["R10"].value) == (
        "phieu_htt", 1, "so_thang_cong_tac", 12)
    votes["D2"].value, votes["D2"].number_format = 0.03, "0%"
    people["R10"].value, people["R10"].number_format = 0.12, "0%"
    votes["F2"].number_format = "0%"  # 0 shown as 0%
    book = tmp_path / "phan_tram.xlsx"
    wb.save(book)

    rc, _, err = run_main(["check", book], capsys)

    assert rc == 3
    assert ("Sheet «KetQuaKy», dòng 3, cột C «diem_tieu_chi_chung» (ô C3): Ô định dạng phần trăm: Excel hiện «27,5%» "
            "nhưng lưu 0.275; cột này không tính theo phần trăm. Giá trị: «0.275». Cần: gõ lại 27,5 trong ô định dạng "
            "General (Chung) hoặc Number (Số), không phải Percentage (Phần trăm).") in err
    assert "(ô D2): Ô định dạng phần trăm: Excel hiện «3%»" in err
    assert "(ô R10): Ô định dạng phần trăm: Excel hiện «12%»" in err
    assert "(ô E3)" not in err and "(ô F2)" not in err
    assert "Tổng cộng: 3 lỗi" in err

def test_rates_pasted_as_fractions_are_warned(tmp_path, capsys):
    """0.95 pasted for 95 % (from a system that exports fractions) is read as written, 0.95 %: the
    check now says so, naming the cells, instead of rating the person on it without a word."""
    from pipeline import ingest
    from pipeline.resources import sample_workbook

    campaign = ingest.load(sample_workbook(2026))
    leaders = {p.ma_so for p in campaign.people if p.lanh_dao_quan_ly}
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    keys = [c.value for c in ws[1]]
    a, b, c = (keys.index(k) + 1 for k in ("ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do"))
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value not in leaders
            and all(isinstance(ws.cell(r, k).value, (int, float)) for k in (a, b, c))]
    first, second = rows[0], rows[1]
    for k, x in ((a, 1), (b, 0.95), (c, 0.8)):
        ws.cell(first, k).value = x
    for k in (a, b, c):
        ws.cell(second, k).value = 1  # 100 % written as 1
    book = tmp_path / "so_2026.xlsx"
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0, err
    la, lb, lc = (get_column_letter(k) for k in (a, b, c))
    assert (f"(ô {lb}{first}): Các tỷ lệ ở cột {lb}, {lc} không quá 1%, như ghi dạng phân số (0.95 nghĩa là 95%); "
            "chương trình hiểu đúng như đã ghi: 0.95%.") in err
    assert f"(ô {la}{second}): Các tỷ lệ ở cột {la}, {lb}, {lc} không quá 1%" in err


def test_a_fraction_pasted_down_a_column_is_one_line(tmp_path, capsys):
    """0.95 pasted for 95 % in one column down a person's twelve months: one line naming the rows
    («dòng 2–13 (12 dòng)»), not twelve lines the clerk has to read to find they are the same."""
    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    keys = [c.value for c in ws[1]]
    col = keys.index("ty_le_chat_luong") + 1
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == ws.cell(2, 1).value]
    assert len(rows) == 12 and rows == list(range(2, 14))  # the sample's first person: one row per month
    for r in rows:
        ws.cell(r, col).value = 0.95
    book = tmp_path / "so_2026.xlsx"
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0, err
    letter = get_column_letter(col)
    said = [line for line in err.splitlines() if "không quá 1%" in line]
    assert said == [f"  CẢNH BÁO Sheet «KetQuaKy», dòng 2–13 (12 dòng), cột {letter} «ty_le_chat_luong» (ô {letter}2:"
                    f"{letter}13): Tỷ lệ không quá 1%, như ghi dạng phân số (0.95 nghĩa là 95%); chương trình hiểu đúng "
                    "như đã ghi: 0.95%. Giá trị: «0.95». Cần: số phần trăm từ 0 đến 100, ví dụ 95 (hoặc gõ 95% trong "
                    "Excel)."], said


@pytest.mark.parametrize("mark", ["~$so_2026.xlsx", "~$_2026.xlsx", ".~lock.so_2026.xlsx#"])
def test_nhap_ket_qua_does_not_write_a_workbook_open_in_excel(tmp_path, capsys, mark):
    """The workbook open in Excel or LibreOffice (its lock file beside it): the import rewrote it
    under the editor, whose next save wiped the import (or the import the clerk's unsaved typing).
    Refused, nothing written; once closed, the import goes through."""
    import shutil

    from pipeline.resources import sample_workbook

    book = tmp_path / "so_2026.xlsx"
    shutil.copyfile(sample_workbook(2026), book)
    (tmp_path / mark).write_bytes(b"vanthu")
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-021;10;2026;25;100;85;80\n", encoding="utf-8")
    before = book.read_bytes()
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == ExitCode.output_error, err
    assert f"có tệp khóa «{mark}»" in err and "Chưa ghi gì vào sổ" in err and "đóng sổ" in err
    assert book.read_bytes() == before and not (tmp_path / "so_2026.anh_xa_ket_qua.toml").exists()
    (tmp_path / mark).unlink()
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == 0 and "KetQuaKy: thêm 1 dòng" in err, err


def test_a_workbook_open_in_excel_is_said_to_be_read_as_last_saved(tmp_path, capsys):
    """The clerk typed into the workbook in Excel without saving, then built: hoso reads the file as
    last saved — it now says so, in check, rate and build (printed before the build's own check for
    nothing to do, so a build with nothing to do says it too)."""
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    (tmp_path / "~$so.xlsx").write_bytes(b"vanthu")
    said = "Ghi chú: sổ «so.xlsx» đang mở trong Excel hoặc LibreOffice (tệp khóa «~$so.xlsx»): hoso đọc bản đã lưu lần cuối lúc "
    for command in (["check", book], ["rate", book, "-o", tmp_path / "r"], ["build", book, "-o", tmp_path / "b"],
                    ["build", book, "-o", tmp_path / "b"]):
        rc, _, err = run_main(command, capsys)
        assert rc == 0 and said in err and "phần gõ chưa lưu không có trong kết quả" in err, (command, err)
    (tmp_path / "~$so.xlsx").unlink()
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0 and "đang mở" not in err


def test_signed_scans_of_another_year_are_set_aside_not_mixed_in(tmp_path, capsys):
    """--doi-nam (or --doi-co-quan): the signed scans filed in the replaced output (da_ky/) used to be
    carried into the new year's (or the other agency's) dossiers. They are moved beside the folder,
    whole; a rebuild of the same year still carries them."""
    out = tmp_path / "output"
    book = wf.of_year(tmp_path / "so_2025.xlsx", 2025)
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == 0, err
    scans = wf.signed_scans(out)
    rc, _, err = run_main(["build", book, "-o", out, "--no-duplex"], capsys)  # the same year: carried
    assert rc == 0, err
    assert (out / "da_ky" / "HC" / "NS-01.pdf").read_bytes() == scans["HC/NS-01.pdf"]
    next_year = wf.of_year(tmp_path / "so_2026.xlsx", 2026)
    rc, _, err = run_main(["build", next_year, "-o", out, "--doi-nam"], capsys)
    assert rc == 0, err
    (aside,) = tmp_path.glob("output.da-ky-*")
    assert f"đã chuyển sang «{aside}»" in err
    assert {p.relative_to(aside).as_posix(): p.read_bytes() for p in aside.rglob("*") if p.is_file()} == scans
    assert not (out / "da_ky").exists()
    rc, _, err = run_main(["verify", out], capsys)
    assert rc == 0, err


def test_the_marked_copy_never_overwrites_another_workbook(tmp_path, capsys):
    """`check --danh-dau` wrote over whatever file it was given: last year's workbook picked by
    mistake was replaced by a marked copy of this year's. Only an earlier marked copy is replaced."""
    data = wf.tables()
    data["NhanSu"][2]["ngay_sinh"] = "31/02/1990"
    book = wf.write(tmp_path / "so.xlsx", data)
    last_year = wf.write(tmp_path / "so_nam_truoc.xlsx", wf.tables())
    before = last_year.read_bytes()
    rc, _, err = run_main(["check", book, "--danh-dau", last_year], capsys)
    assert rc == ExitCode.output_error, err
    assert "«" + str(last_year) + "» đã có và không phải bản đánh dấu do hoso check tạo" in err
    assert last_year.read_bytes() == before
    marked = tmp_path / "so_danh_dau.xlsx"
    for _ in range(2):  # a new one, then the earlier marked copy replaced
        rc, _, err = run_main(["check", book, "--danh-dau", marked], capsys)
        assert rc == ExitCode.input_invalid and "Đã ghi bản đánh dấu" in err, err
        assert openpyxl.load_workbook(marked).sheetnames[0] == "KiemTra"


def _two_builds(tmp_path: Path, capsys) -> None:
    """`cu/` and `moi/`: the factory workbook built, then again with one title changed."""
    data = wf.tables()
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", data), "-o", tmp_path / "cu"], capsys)
    assert rc == 0, err
    data["NhanSu"][0]["chuc_vu"] = "Trưởng phòng (mới)"
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", data), "-o", tmp_path / "moi"], capsys)
    assert rc == 0, err


def test_diff_in_lai_never_overwrites_a_file_hoso_did_not_write(tmp_path, capsys):
    """`hoso diff OLD NEW --in-lai FILE.pdf` wrote over any file: a signed scan given by mistake was
    lost. Only an earlier reprint (its PDF metadata bears hoso's mark) is replaced."""
    _two_builds(tmp_path, capsys)
    scan = tmp_path / "ban_da_ky.pdf"
    scan.write_bytes(b"%PDF-1.4 the signed scan\n%%EOF\n")
    rc, _, err = run_main(["diff", tmp_path / "cu", tmp_path / "moi", "--in-lai", scan], capsys)
    assert rc == ExitCode.output_error, err
    assert f"«{scan}» đã có và không phải tệp in lại do hoso tạo" in err
    assert scan.read_bytes() == b"%PDF-1.4 the signed scan\n%%EOF\n"
    reprint = tmp_path / "in_lai.pdf"
    for _ in range(2):  # new, then the earlier reprint replaced
        rc, _, err = run_main(["diff", tmp_path / "cu", tmp_path / "moi", "--in-lai", reprint], capsys)
        assert rc == 0 and f"«{reprint}»" in err, err
    from pipeline.submission.changes import is_reprint

    assert is_reprint(reprint) and not is_reprint(scan)


def test_a_renamed_sheet_is_named_in_the_missing_sheet_error(tmp_path, capsys):
    """NhanSu renamed «Nhân viên 2026»: the check said NhanSu is missing and, apart, that «Nhân viên
    2026» is not a sheet of the form. The error now names the renamed sheet and what to call it."""
    book = wf.write(tmp_path / "so.xlsx", wf.tables(), headers="label")
    wb = openpyxl.load_workbook(book)
    wb["NhanSu"].title = "Nhân viên 2026"
    wb.save(book)
    rc, _, err = run_main(["check", book], capsys)
    assert rc == ExitCode.input_invalid, err
    assert ("Sheet «NhanSu»: Thiếu sheet «NhanSu» (Nhân sự); sheet «Nhân viên 2026» có các cột của sheet này, có lẽ "
            "đã bị đổi tên. Cần: đổi tên sheet «Nhân viên 2026» thành «NhanSu».") in err


def test_a_page_image_left_by_a_stopped_nhan_ban_ky_does_not_block_the_build(tmp_path, capsys):
    """nhan-ban-ky stopped (Ctrl-C) after storing a page image and before listing it: the next build
    refused the folder («có tệp không do hoso tạo … sẽ xóa chúng») though it carries da_ky/ whole.
    The build now goes through and carries the image; verify names it and says what to do."""
    out = tmp_path / "output"
    data = wf.tables()
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", data), "-o", out], capsys)
    assert rc == 0, err
    wf.signed_scans(out)
    stray = out / "da_ky" / ".trang" / "HC" / "NS-02" / "mau_02_1_1.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"\xff\xd8 page image \xff\xd9")
    rc, _, err = run_main(["verify", out], capsys)
    assert rc == ExitCode.verify_failed
    assert "Tệp thừa: da_ky/.trang/HC/NS-02/mau_02_1_1.jpg (không có trong da_ky/nhan_ban_ky.json; có thể do một lần " \
           "hoso nhan-ban-ky bị dừng giữa chừng: chạy lại hoso nhan-ban-ky với các bản quét đó)" in err
    data["NhanSu"][0]["chuc_vu"] = "Trưởng phòng (mới)"
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", data), "-o", out], capsys)
    assert rc == 0, err
    assert stray.read_bytes() == b"\xff\xd8 page image \xff\xd9"
    assert (out / "da_ky" / "HC" / "NS-01.pdf").is_file()
    # a file of the clerk's elsewhere in the folder is still refused, naming it
    (out / "ghi_chu.txt").write_text("của văn thư", encoding="utf-8")
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", wf.tables()), "-o", out], capsys)
    assert rc == ExitCode.output_error and "ghi_chu.txt" in err and "da_ky" not in err, err


def test_a_share_that_cannot_lock_is_said_not_another_run(tmp_path, capsys, monkeypatch):
    """On a network share that cannot lock files (ENOLCK), the build said «Một lệnh hoso khác đang ghi
    vào …»: the clerk waited for a run that did not exist. It now says the drive cannot lock."""
    import errno
    import fcntl

    def no_locks(fh, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    out = tmp_path / "output"
    rc, _, err = run_main(["build", wf.write(tmp_path / "so.xlsx", wf.tables()), "-o", out], capsys)
    assert rc == ExitCode.output_error, err
    assert f"Ổ đĩa chứa «{out}» không hỗ trợ khóa tệp" in err and "Một lệnh hoso khác" not in err
    assert not out.exists()


def test_rate_does_not_overwrite_notes_typed_into_the_ratings_table(tmp_path, capsys):
    """`hoso rate -o DIR` again replaced ket_qua_xep_loai.xlsx silently, with the notes the clerk had
    typed into it; it is now refused as `build` refuses, and --ghi-de keeps a copy beside."""
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    out = tmp_path / "xep_loai"
    rc, _, err = run_main(["rate", book, "-o", out], capsys)
    assert rc == 0, err
    table = out / "ket_qua_xep_loai.xlsx"
    wb = openpyxl.load_workbook(table)
    ws = wb.worksheets[0]
    ws.cell(2, ws.max_column + 1, "Đã báo lại cho đồng chí An")
    wb.save(table)
    noted = table.read_bytes()
    rc, _, err = run_main(["rate", book, "-o", out], capsys)
    assert rc == ExitCode.output_error and "ket_qua_xep_loai.xlsx" in err and "--ghi-de" in err, err
    assert table.read_bytes() == noted
    rc, _, err = run_main(["rate", book, "-o", out, "--ghi-de"], capsys)
    assert rc == 0, err
    (kept,) = tmp_path.glob("xep_loai.sua-tay-*")
    assert (kept / "ket_qua_xep_loai.xlsx").read_bytes() == noted and table.read_bytes() != noted


def test_tong_hop_keeps_the_table_the_so_clerk_annotated(tmp_path, capsys):
    """The Sở's clerk typed notes into tong_hop_so_noi_vu.xlsx; the next `hoso tong-hop` (a late
    package arrived) wrote over it. The annotated file is now renamed aside and named; a table
    unchanged since the last run is simply replaced."""
    book = wf.of_year(tmp_path / "so.xlsx", 2026)
    package = tmp_path / "goi"
    rc, _, err = run_main(["build", book, "-o", package], capsys)
    assert rc == 0, err
    out = tmp_path / "tong_hop"
    rc, _, err = run_main(["tong-hop", package, "-o", out], capsys)
    assert rc == 0, err
    rc, _, err = run_main(["tong-hop", package, "-o", out], capsys)  # nothing typed: replaced, nothing kept
    assert rc == 0 and "giữ lại" not in err, err
    table = out / "tong_hop_so_noi_vu.xlsx"
    wb = openpyxl.load_workbook(table)
    wb.worksheets[0]["A1"] = "Đã gọi điện nhắc Sở Y tế"
    wb.save(table)
    noted = table.read_bytes()
    rc, _, err = run_main(["tong-hop", package, "-o", out], capsys)
    assert rc == 0, err
    (aside,) = out.glob("tong_hop_so_noi_vu.truoc-*.xlsx")
    assert aside.read_bytes() == noted and table.read_bytes() != noted
    assert f"giữ lại thành «{aside}»" in err
    assert sorted(p.name for p in out.iterdir()) == sorted([".tong_hop.json", "tong_hop_so_noi_vu.pdf",
                                                            "tong_hop_so_noi_vu.xlsx", aside.name])


def test_patch_sheet_with_a_prefixed_namespace_and_rows_without_references():
    """The patch keeps a prefixed sheet's own prefix, each cell's style, and adds rows after the last;
    a sheet whose rows or cells carry no reference (allowed, rare) is not guessed at: None, the
    sheet is then regenerated from its values."""
    from lxml import etree

    from pipeline.ingest import kpi_import as k
    from pipeline.ingest import schema

    spec = schema.KET_QUA_KY
    keys = [c.key for c in spec.columns]
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (f'<x:worksheet xmlns:x="{main}"><x:dimension ref="A1:C2"/><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>ma_so</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is>'
           '<x:t>ky</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>diem_tieu_chi_chung</x:t></x:is></x:c></x:row>'
           '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>VP-1</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is>'
           '<x:t>2026-01</x:t></x:is></x:c><x:c r="C2" s="4"><x:v>20</x:v></x:c><x:c r="J2"><x:f>C2*2</x:f><x:v>40</x:v>'
           '</x:c></x:row></x:sheetData></x:worksheet>').encode()
    row: list[object] = ["VP-1", "2026-01", 20]
    t = k._Table(spec, "KetQuaKy", True, keys[:3], {c: i for i, c in enumerate(keys)}, [row], sources=[2], width=3)
    t.headers = list(keys)
    k._set(t, row, "diem_tieu_chi_chung", 25)
    new: list[object] = []
    t.rows.append(new)
    t.sources.append(None)
    for key, value in (("ma_so", "VP-2"), ("ky", "2026-02"), ("diem_tieu_chi_chung", 21.5)):
        k._set(t, new, key, value)
    out = k.patch_sheet(xml, t)
    assert out is not None
    root = etree.fromstring(out)
    cells = {c.get("r"): c for c in root.iter(f"{{{main}}}c")}
    assert cells["C2"].get("s") == "4" and cells["C2"].findtext(f"{{{main}}}v") == "25"
    assert cells["J2"].findtext(f"{{{main}}}f") == "C2*2"  # the clerk's formula, untouched
    assert cells["C3"].get("s") == "4" and cells["C3"].findtext(f"{{{main}}}v") == "21.5"  # styled as above
    assert cells["A3"].findtext(f"{{{main}}}is/{{{main}}}t") == "VP-2" and "D1" in cells
    assert root.find(f"{{{main}}}dimension").get("ref") == "A1:J3"
    no_refs = xml.replace(b'<x:row r="2">', b"<x:row>")
    assert k.patch_sheet(no_refs, t) is None


def test_next_year_from_a_huge_workbook_says_it_did_not_look_for_the_own_parts(tmp_path, capsys, monkeypatch):
    """The own sheets and columns are found with openpyxl, which loads every sheet: over the limit
    (a hidden sheet of a million rows) they are not looked for, and the console says so."""
    from pipeline.ingest import rollover

    monkeypatch.setattr(rollover, "OPENPYXL_LIMIT", 1000)
    book = wf.write(tmp_path / "so_2024.xlsx", wf.tables())
    rc, _, err = run_main(["init", "--tu", book, tmp_path / "moi"], capsys)
    assert rc == 0, err
    assert "Cảnh báo: chưa chép các sheet, cột riêng của cơ quan (ngoài mẫu) từ sổ cũ: sổ có 0 MB dữ liệu" in err
    assert (tmp_path / "moi" / "ho_so_danh_gia_2025.xlsx").is_file()


def test_nhap_ket_qua_into_rates_shown_as_percent(tmp_path, capsys):
    """The clerk's rate cells are percent-formatted (95% holds 0.95). The import writes percent points
    (95): into such a cell — kept, or a new row styled as the one above — it writes 0.95, so the cell
    shows 95% and is read as 95, not 9500."""
    from openpyxl.styles import numbers

    from pipeline import ingest
    from pipeline.resources import sample_workbook

    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["KetQuaKy"]
    keys = [c.value for c in ws[1]]
    rate_cols = [keys.index(k) + 1 for k in ("ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do")]
    for r in range(2, ws.max_row + 1):
        for c in rate_cols:
            if isinstance(ws.cell(r, c).value, (int, float)):
                ws.cell(r, c).value = ws.cell(r, c).value / 100
                ws.cell(r, c).number_format = numbers.FORMAT_PERCENTAGE
    book = tmp_path / "so_2026.xlsx"
    wb.save(book)
    export = tmp_path / "kpi.csv"
    export.write_text("Mã CB;Tháng;Năm;Điểm tiêu chí chung (30);Số lượng (%);Chất lượng (%);Tiến độ (%)\n"
                      "VP-021;10;2026;25;100;85;80\n"
                      "VP-001;1;2026;26;90;80;70\n", encoding="utf-8")
    rc, _, err = run_main(["nhap-ket-qua", export, "--vao", book], capsys)
    assert rc == 0 and "KetQuaKy: thêm 1 dòng, thay 1 dòng" in err, err
    rc, _, err = run_main(["check", book], capsys)
    assert rc == 0, err
    got = {(p.ma_so, p.ky): (p.a, p.b, p.c) for p in ingest.load(book).periods}
    assert got[("VP-001", "2026-01")] == (90, 80, 70) and got[("VP-021", "2026-10")] == (100, 85, 80)
    shown = openpyxl.load_workbook(book)["KetQuaKy"]
    assert shown.cell(2, rate_cols[0]).value == 0.9 and shown.cell(2, rate_cols[0]).number_format == "0%"


def _scan_of(out: Path, person: str, dest: Path) -> Path:
    import random

    from bench.scans import form_pages, scanned, write_pdf

    rng = random.Random(5)
    return write_pdf([scanned(s.image, rng) for s in form_pages(out, persons={person})], dest)


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS])
def test_nhan_ban_ky_stopped_by_a_full_or_read_only_disk_keeps_what_was_filed(tmp_path, capsys, monkeypatch, err):
    """The disk filled up (or the share turned read-only) while `hoso nhan-ban-ky` filed a second
    batch of scans: it used to stop with a traceback, leaving new dossier PDFs beside a list that
    did not know them, and half-written files. Now the filed scans are exactly
    as they were, nothing half-written is left, the message says what to do, and the same command
    afterwards files the batch."""
    from fakes import leftovers

    from pipeline import api

    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    api.build(book, out, api.BuildOptions(cache_dir=tmp_path / "cache"), converter=TextConverter())
    first, second = _scan_of(out, "NS-01", tmp_path / "a.pdf"), _scan_of(out, "NS-02", tmp_path / "b.pdf")
    rc, _, err_text = run_main(["nhan-ban-ky", out, first], capsys)
    assert rc == 0, err_text
    before = snapshot(out)
    assert "da_ky/HC/NS-01.pdf" in before

    def full(*_a, **_k):
        raise OSError(err, os.strerror(err))

    with monkeypatch.context() as m:
        m.setattr("pipeline.scan.sort._excel", full)  # the last file written before the list
        rc, out_text, err_text = run_main(["nhan-ban-ky", out, second], capsys)
    assert rc == ExitCode.output_error, err_text
    assert "Traceback" not in err_text
    said = "đã đầy" if err == errno.ENOSPC else "Không có quyền ghi"
    assert said in err_text and "vẫn giữ nguyên" in err_text and "chạy lại hoso nhan-ban-ky" in err_text
    assert snapshot(out) == before
    assert leftovers(out) == []
    rc, _, err_text = run_main(["nhan-ban-ky", out, second], capsys)
    assert rc == 0, err_text
    from pypdf import PdfReader

    pages = {who: len(PdfReader(out / "da_ky" / "HC" / f"{who}.pdf").pages) for who in ("NS-01", "NS-02")}
    assert pages["NS-01"] >= 1 and pages["NS-02"] >= 1, pages  # the PDFs are written again each run (their date)
    rc, _, err_text = run_main(["verify", out], capsys)
    assert rc == 0, err_text


def test_signed_scans_caught_between_the_two_renames_are_put_back(tmp_path, capsys):
    """`hoso nhan-ban-ky` killed between the two renames of its swap (power cut): the filed da_ky/ is
    in its copy's folder beside the output; the next run holding the lock (a build here) puts it
    back before looking at the folder, and carries it."""
    from fakes import leftovers

    from pipeline import api

    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    api.build(book, out, api.BuildOptions(cache_dir=tmp_path / "cache"), converter=TextConverter())
    rc, _, err_text = run_main(["nhan-ban-ky", out, _scan_of(out, "NS-01", tmp_path / "a.pdf")], capsys)
    assert rc == 0, err_text
    filed = {k: v for k, v in snapshot(out).items() if k.startswith("da_ky/")}
    caught = tmp_path / ".output.da-ky-dang-nhan-x1"
    caught.mkdir()
    (out / "da_ky").rename(caught / "cu")
    rc, _, err_text = run_main(["build", book, "-o", out, "--no-duplex"], capsys)
    assert rc == 0, err_text
    assert {k: v for k, v in snapshot(out).items() if k.startswith("da_ky/")} == filed
    assert leftovers(out) == []


def test_copies_of_edited_files_that_do_not_fit_leave_nothing_half_made(tmp_path, capsys, monkeypatch):
    """The disk filled up while the annotated files were copied aside: the build stops (exit 7) with
    the output as it was, and no half-made `output.sua-tay-*` folder is left to be taken for the copy."""
    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == 0, err
    for name in ("thay_doi.txt", "README.txt"):
        with open(out / name, "a", encoding="utf-8") as fh:
            fh.write("ghi chú của văn thư\n")
    before = snapshot(out)
    import shutil

    real, done = shutil.copy2, []

    def fills_up(src, dst, *a, **k):
        if done:
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        done.append(dst)
        return real(src, dst, *a, **k)

    monkeypatch.setattr("pipeline.output_guard.shutil.copy2", fills_up)
    rc, _, err = run_main(["build", book, "-o", out], capsys)
    assert rc == ExitCode.output_error and "Không chép được các tệp đã sửa tay" in err, err
    assert snapshot(out) == before
    assert not list(tmp_path.glob("output.sua-tay-*"))


def test_diff_in_lai_on_a_full_disk_keeps_the_earlier_reprint_whole(tmp_path, capsys, monkeypatch):
    """The disk filled up while `hoso diff … --in-lai` replaced an earlier reprint: the reprint was
    left cut half-way and the clerk got a traceback. It is written aside and renamed over the old
    one: the old reprint stays whole, exit 7 says the disk is full."""
    _two_builds(tmp_path, capsys)
    (tmp_path / "in").mkdir()
    reprint = tmp_path / "in" / "in_lai.pdf"
    rc, _, err = run_main(["diff", tmp_path / "cu", tmp_path / "moi", "--in-lai", reprint], capsys)
    assert rc == 0, err
    before = reprint.read_bytes()
    real = Path.write_bytes

    def fills_up(self, data):
        if self.parent == reprint.parent:
            real(self, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", fills_up)
    rc, _, err = run_main(["diff", tmp_path / "cu", tmp_path / "moi", "--in-lai", reprint], capsys)
    assert rc == ExitCode.output_error and "đã đầy" in err and "Traceback" not in err, err
    assert reprint.read_bytes() == before
    assert [p.name for p in reprint.parent.iterdir()] == ["in_lai.pdf"]


def test_a_command_stopped_by_a_read_only_folder_says_so(tmp_path, capsys, monkeypatch):
    """Commands without a guard of their own (`init`, `tong-hop`, `check --danh-dau`…) write whole files
    (written aside, then renamed): a read-only folder or a full disk on the way is exit 7 in words, not a
    traceback."""

    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "so" / ".ho_so_x.xlsx"))

    monkeypatch.setattr("pipeline.ingest.blank.write", read_only)
    rc, _, err = run_main(["init", tmp_path / "so"], capsys)
    assert rc == ExitCode.output_error, err
    assert f"Không có quyền ghi vào «{tmp_path / 'so'}»" in err and "chạy lại lệnh" in err


def test_notes_typed_into_the_signed_scans_report_are_kept(tmp_path, capsys):
    """The clerk wrote who to chase into `da_ky/bao_cao_nhan_ban_ky.xlsx`; the next `hoso nhan-ban-ky`
    (more scans) wrote the report again and the notes were gone. The edited report is now kept under
    another name in da_ky/ (listed, so `verify` knows it), named on the console; the new report is
    written."""
    from pipeline import api

    out = tmp_path / "output"
    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    api.build(book, out, api.BuildOptions(cache_dir=tmp_path / "cache"), converter=TextConverter())
    rc, _, err = run_main(["nhan-ban-ky", out, _scan_of(out, "NS-01", tmp_path / "a.pdf")], capsys)
    assert rc == 0, err
    report = out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx"
    wb = openpyxl.load_workbook(report)
    wb.active["K2"] = "Gọi chị Hà bổ sung trang 2"
    wb.save(report)
    noted = report.read_bytes()
    rc, _, err = run_main(["nhan-ban-ky", out, _scan_of(out, "NS-02", tmp_path / "b.pdf")], capsys)
    assert rc == 0, err
    (kept,) = (out / "da_ky").glob("bao_cao_nhan_ban_ky.sua-tay-*.xlsx")
    assert kept.read_bytes() == noted and f"da_ky/{kept.name}" in err
    assert openpyxl.load_workbook(report).active["K2"].value is None  # the report is hoso's again
    rc, _, err = run_main(["verify", out], capsys)
    assert rc == 0, err
    rc, _, err = run_main(["nhan-ban-ky", out, tmp_path / "b.pdf"], capsys)  # nothing edited since: nothing kept
    assert rc == 0 and "sua-tay" not in err, err


def test_notes_alone_do_not_rebuild_and_the_list_to_reprint_stays(tmp_path):
    """The clerk ticked off sheets in thay_doi.txt while printing in_lai.pdf, then ran the same build
    again: the edit made the build run, which compared the folder with itself — nothing changed —, so
    in_lai.pdf was removed and thay_doi.txt said there was nothing to reprint. An annotated text file
    alone is no reason to build: nothing is rewritten, the note names it."""
    from pipeline import api

    out = tmp_path / "output"
    data = wf.tables()
    opts = api.BuildOptions(cache_dir=tmp_path / "cache")
    api.build(wf.write(tmp_path / "so.xlsx", data), out, opts, converter=TextConverter())
    data["NhanSu"][0]["chuc_vu"] = "Trưởng phòng (mới)"
    book = wf.write(tmp_path / "so.xlsx", data)
    api.build(book, out, opts, converter=TextConverter())
    assert (out / "in_lai.pdf").is_file()
    with open(out / "thay_doi.txt", "a", encoding="utf-8") as fh:
        fh.write("đã in tờ 1, 2\n")
    before = snapshot(out)
    said: list[str] = []
    again = api.build(book, out, opts, converter=TextConverter(), log=said.append)
    assert again.unchanged, said
    assert any("thay_doi.txt" in line and "giữ nguyên tệp đã sửa" in line for line in said), said
    assert snapshot(out) == before and not list(tmp_path.glob("output.sua-tay-*"))
    (out / "README.txt").unlink()  # a note file deleted: written again
    assert not api.build(book, out, opts, converter=TextConverter()).unchanged
    assert (out / "README.txt").is_file()


def test_votes_typed_for_someone_not_rated_are_questioned(tmp_path):
    """A recruit under 06 months in post is not rated: «không thực hiện việc đánh giá, xếp loại chất lượng nhưng vẫn
    phải kiểm điểm» (ND 90 Art. 2 cl. 3; from 2026 the agency's rules, same threshold). His meeting reviews him and votes
    on no level; a clerk who typed votes for him (5 HTT, 1 HT) is asked which is true, naming the row of BieuQuyet —
    his proposal stays «không xếp loại». The sample's row of zeros for him (no vote) says nothing."""
    from pipeline import ingest
    from pipeline.rating import rate
    from pipeline.resources import sample_workbook

    def warnings_of(book: Path) -> tuple[str | None, list[str]]:
        r = rate(ingest.load(book)).of("VP-028")
        return r.muc_de_xuat, [w for w in r.canh_bao if "biểu quyết" in w]

    assert warnings_of(sample_workbook(2026)) == (None, [])
    wb = openpyxl.load_workbook(sample_workbook(2026))
    ws = wb["BieuQuyet"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "VP-028"]
    ws.cell(row, 4).value, ws.cell(row, 5).value = 5, 1  # phieu_htt, phieu_ht
    book = tmp_path / "so_2026.xlsx"
    wb.save(book)
    level, said = warnings_of(book)
    assert level is None
    assert said == [f"Có phiếu biểu quyết mức xếp loại cho người này (sheet «BieuQuyet», dòng {row}) nhưng người này "
                    "không xếp loại năm nay (xem lý do): cuộc họp chỉ kiểm điểm, không biểu quyết mức xếp loại. Biên bản "
                    "họp đang in kết quả biểu quyết đã ghi; nếu cuộc họp không biểu quyết, xóa dòng này ở sheet "
                    "BieuQuyet rồi chạy lại."], said
