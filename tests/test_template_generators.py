"""Every shipped template is what its generator writes: tools/build_*templates.py, run with
--write-meta on a copy of tools/ and templates/, reproduce every template.docx and meta.toml byte
for byte (a hand edit of a generated file would be lost by the next regeneration)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATORS = ("build_templates", "build_unit_templates", "build_submission_templates", "build_2026_templates")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("gen")
    shutil.copytree(ROOT / "tools", copy / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    written = set()
    for name in GENERATORS:
        done = subprocess.run([sys.executable, str(copy / "tools" / f"{name}.py"), "--write-meta"],
                              capture_output=True, text=True)
        assert done.returncode == 0, (name, done.stderr[-2000:])
        written |= {Path(line.strip()).parent.name for line in done.stdout.splitlines() if line.strip()}
    shipped = {p.parent.name for p in (ROOT / "templates").glob("*/template.docx")}
    assert shipped == written, f"templates no generator writes: {sorted(shipped - written)}"
    return copy


@pytest.mark.parametrize("name", ["template.docx", "meta.toml"])
def test_generators_reproduce_the_shipped_templates(regenerated: Path, name: str) -> None:
    written = {p.parent.name for p in (regenerated / "templates").glob(f"*/{name}")
               if (ROOT / "templates" / p.parent.name / name).read_bytes() != p.read_bytes()}
    assert written == set(), f"{name} differs from its generator's output: {sorted(written)}"
