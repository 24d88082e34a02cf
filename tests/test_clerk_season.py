"""A clerk's season played with the CLI (audit 4): nothing the clerk did is lost or silently replaced.

Builds here use the text converter (no LibreOffice): what is checked is what reaches the disk, the
exit codes and the messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import workbook_factory as wf
from fakes import TextConverter, snapshot

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


def workbook_of_year(path: Path, year: int) -> Path:
    data = wf.tables()
    data["CoQuan"] = [(k, year if k == "nam_danh_gia" else v) for k, v in data["CoQuan"]]
    return wf.write(path, data)


def test_a_workbook_of_another_year_does_not_replace_the_folder(tmp_path, capsys):
    """Last year's workbook picked by mistake (or next year's built into the same output/) used to
    replace the year's output silently; it is refused naming both years, --doi-nam replaces it."""
    out = tmp_path / "output"
    this_year = workbook_of_year(tmp_path / "so_2025.xlsx", 2025)
    rc, _, err = run_main(["build", this_year, "-o", out], capsys)
    assert rc == 0, err
    before = snapshot(out)
    last_year = workbook_of_year(tmp_path / "so_2024.xlsx", 2024)
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
