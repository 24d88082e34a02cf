"""The command line as a clerk meets it: help, exit codes and Vietnamese messages."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli, main


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120)


def test_help_lists_every_command_and_exit_code():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "demo", "check", "rate", "build"):
        assert command in result.output
    assert "Mã thoát" in result.output and "130" in result.output


def test_the_command_list_reads_each_summary_as_one_sentence():
    """A summary spread over two lines of its docstring is one sentence: «mỗi lần tạo lại», never «tạo     lại»."""
    proc = run(["--help"])
    assert proc.returncode == 0, proc.stderr
    listing = proc.stdout.split("Lệnh:")[1].split("Mã thoát")[0]
    assert "mỗi lần tạo lại liệt kê" in " ".join(listing.split())
    summaries = [line.strip().split(None, 1)[-1] if line.startswith("  ") and not line.startswith("   ") else line.strip()
                 for line in listing.splitlines() if line.strip()]
    assert not [text for text in summaries if "  " in text]


@pytest.mark.parametrize("command", ["check", "rate", "build", "demo"])
def test_every_command_has_vietnamese_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert any(ch in result.output for ch in "ạảấầểệờởừ")


def test_check_sample_passes(sample):
    proc = run(["check", str(sample)])
    assert proc.returncode == 0, proc.stderr
    assert "hợp lệ" in proc.stderr
    assert proc.stdout == ""


def test_missing_file_exit_4_no_traceback(tmp_path):
    proc = run(["check", str(tmp_path / "khong_co.xlsx")])
    assert proc.returncode == 4
    assert "Không tìm thấy tệp" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_not_an_xlsx_exit_4(tmp_path):
    bad = tmp_path / "danh_sach.xlsx"
    bad.write_text("Họ và tên;Ngày sinh\n", encoding="utf-8")
    proc = run(["build", str(bad), "-o", str(tmp_path / "out")])
    assert proc.returncode == 4
    assert "không phải sổ Excel" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_invalid_workbook_exit_3_names_cell_and_writes_nothing(tmp_path, sample):
    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    headers = [c.value for c in ws[1]]
    col = headers.index("ma_don_vi") + 1
    ws.cell(row=2, column=col, value="KHONG_CO")
    broken = tmp_path / "loi.xlsx"
    wb.save(broken)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}")  # a previous output must survive untouched
    proc = run(["build", str(broken), "-o", str(out)])
    assert proc.returncode == 3
    letter = openpyxl.utils.get_column_letter(col)
    assert f"Sheet «NhanSu», dòng 2, cột {letter} «ma_don_vi»" in proc.stderr
    assert "KHONG_CO" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_missing_libreoffice_gives_install_command(tmp_path, sample, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere on PATH
    monkeypatch.setattr("pipeline.pdf.libreoffice.KNOWN_PATHS", ())
    with pytest.raises(SystemExit) as exc:
        main(["build", str(sample), "-o", str(tmp_path / "out")])
    assert exc.value.code == 5
    err = capsys.readouterr().err
    assert "Không tìm thấy LibreOffice" in err and "apt-get install" in err
    assert not (tmp_path / "out").exists()


def test_python_dash_m_pipeline_works():
    proc = run(["--version"])
    assert proc.returncode == 0 and "hoso" in proc.stdout


def test_a_broken_meta_toml_is_named_with_its_line_in_vietnamese(tmp_path):
    """A clerk correcting a label left a quote open: the run stops naming the file, the line and column, and what
    usually causes it — not tomllib's English («Illegal character …»)."""
    folder = tmp_path / "mau"
    assert run(["templates", "export", str(folder)]).returncode == 0
    meta = folder / "mau_01" / "meta.toml"
    lines = meta.read_text(encoding="utf-8").splitlines()
    meta.write_text("\n".join(lines) + '\ntitle_extra = "Phiếu\n', encoding="utf-8")
    proc = run(["templates", "check", str(folder)])
    assert proc.returncode == 8, proc.stderr
    assert f"Tệp «{meta}»: sai cú pháp TOML ở dòng {len(lines) + 1}, cột " in proc.stderr, proc.stderr
    assert "thiếu dấu ngoặc kép đóng" in proc.stderr
    assert not any(word in proc.stderr for word in ("Illegal", "Expected", "Invalid", "line ", "column "))
