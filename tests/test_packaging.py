"""A plain `pip install .` must carry the templates and the sample workbook."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_templates_and_sample(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("hoso-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pipeline/_resources/data/mau_ho_so_2024.xlsx" in names
    assert "pipeline/_resources/data/mau_ho_so_2026.xlsx" in names
    assert "pipeline/_resources/templates/bo_mau.toml" in names
    for form in (p.name for p in (ROOT / "templates").iterdir() if (p / "meta.toml").exists()):
        assert f"pipeline/_resources/templates/{form}/template.docx" in names
        assert f"pipeline/_resources/templates/{form}/meta.toml" in names
    assert "pipeline/cli.py" in names
