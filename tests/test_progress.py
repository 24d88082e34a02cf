"""The conversion's progress: a bar with count and ETA on a terminal, nothing when stderr is not one."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from fakes import TextConverter, build_unit

from pipeline.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_shows_count_and_time_left_and_ends_with_the_time_taken(monkeypatch):
    clock = iter([100.0, 100.0, 104.0, 108.0, 112.0])
    monkeypatch.setattr("pipeline.progress.time.monotonic", lambda: next(clock))
    out = Terminal()
    bar = Progress(3, "Chuyển sang PDF", stream=out)
    bar.advance()  # 1 of 3 in 4 s: 8 s left
    bar.advance()  # 2 of 3 in 8 s: 4 s left
    bar.advance()
    bar.close()
    lines = out.getvalue().split("\r")[1:]
    assert lines[0].startswith("Chuyển sang PDF ") and "0/3 — đang ước tính thời gian còn lại" in lines[0]
    assert "1/3 — còn khoảng 8 giây" in lines[1]
    assert "2/3 — còn khoảng 4 giây" in lines[2]
    assert "3/3 — xong trong 12 giây" in lines[3] and lines[3].endswith("\x1b[K\n")
    assert "██████████░" in lines[1]  # a third of the 30 cells


def test_nothing_is_written_when_stderr_is_not_a_terminal():
    out = io.StringIO()
    bar = Progress(5, "Chuyển sang PDF", stream=out)
    bar.advance(5)
    bar.close()
    assert out.getvalue() == ""


def test_a_build_with_progress_asked_for_draws_it_while_converting(sample, tmp_path, capsys):
    build_unit(sample, tmp_path / "out", tmp_path / "cache", TextConverter())  # show_progress=False: quiet
    assert "Chuyển sang PDF" not in capsys.readouterr().err
    from pipeline import api

    options = api.BuildOptions(units=frozenset({"LD"}), cache_dir=tmp_path / "cache2", show_progress=True)
    summary = api.build(sample, tmp_path / "out2", options, converter=TextConverter())
    err = capsys.readouterr().err
    assert f"{summary.converted}/{summary.converted} — xong trong" in err


@pytest.mark.libreoffice
def test_cli_piped_stderr_gets_no_bar_only_the_summary(sample, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(sample), "-o", str(tmp_path / "out"),
                           "--unit", "LD", "--cache", str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Chuyển sang PDF" not in proc.stderr and "\r" not in proc.stderr
    assert any(line.startswith("Xong:") for line in proc.stderr.splitlines())
