"""The joined conversion keeps every form exactly as converting it alone (page count and text)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.forms.registry import Registry
from pipeline.pdf import join, libreoffice
from pipeline.pdf.pool import Converter, Item, tasks

pytestmark = pytest.mark.libreoffice


def _texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _separately(files: list[Path], tmp: Path) -> list[bytes]:
    conv = Converter(workers=2)
    items = [Item(f"k{i}", f, f.name) for i, f in enumerate(files)]
    done = conv.run(items)
    return [done[f"k{i}"][0] for i in range(len(files))]


def _joined(files: list[Path], tmp: Path) -> list[tuple[bytes, int]]:
    names = join.join(files, tmp / "gop.docx")
    out = tmp / "gop-out"
    out.mkdir()
    libreoffice.run_convert(libreoffice.find_soffice(), tmp / "profile", [tmp / "gop.docx"], out, timeout=300,
                            filter_options=join.EXPORT_FILTER)
    pieces = join.split((out / "gop.pdf").read_bytes(), names)
    assert pieces is not None and len(pieces) == len(files)
    return pieces


def test_joined_forms_equal_forms_converted_alone(built, tmp_path):
    """On the sample data: every form, joined with the others of its template and split back,
    equals the same form converted alone — same page count, same text on every page."""
    out, _ = built
    by_template: dict[str, list[Path]] = {}
    for f in sorted((out / "ca_nhan").rglob("*.docx")):
        by_template.setdefault(f.name, []).append(f)
    assert len(by_template) >= 2
    for name, group in by_template.items():
        if len(group) < 2:
            continue
        alone = _separately(group, tmp_path)
        work = tmp_path / f"j-{Path(name).stem}"
        work.mkdir()
        pieces = _joined(group, work)
        for f, single, (piece, pages) in zip(group, alone, pieces, strict=True):
            assert pages == len(PdfReader(io.BytesIO(single)).pages), f
            assert _texts(piece) == _texts(single), f


def test_every_default_template_can_be_joined():
    registry = Registry()
    for code in registry.codes:
        assert join.join_safe(registry.get(code).template), code


def test_joined_tasks_group_by_template():
    items = [Item(f"a{i}", Path(f"/x/a{i}.docx"), "a", "mau_02") for i in range(10)]
    items += [Item(f"b{i}", Path(f"/x/b{i}.docx"), "b", None) for i in range(3)]
    items += [Item(f"c{i}", Path(f"/x/c{i}.docx"), "c", "mau_03") for i in range(2)]  # too few to join
    plan = tasks(items, 2)
    joined = [t for t in plan if t[0] == "join"]
    assert sum(len(c) for _, c in joined) == 10 and all({i.group for i in c} == {"mau_02"} for _, c in joined)
    each = [i.key for kind, c in plan if kind == "each" for i in c]
    assert sorted(each) == sorted([f"b{i}" for i in range(3)] + [f"c{i}" for i in range(2)])


def test_damaged_join_falls_back_to_one_by_one(tmp_path, built, monkeypatch):
    out, _ = built
    files = sorted((out / "ca_nhan").rglob("mau_02.docx"))[:5]
    real = join.split
    # the joined document's destinations are missing (a form converted alone still has its own)
    monkeypatch.setattr(join, "split", lambda pdf, names: None if len(names) > 1 else real(pdf, names))
    items = [Item(f"k{i}", f, f.name, "mau_02") for i, f in enumerate(files)]
    done = Converter(workers=1).run(items)
    assert sorted(done) == [f"k{i}" for i in range(5)]
    shutil.rmtree(tmp_path, ignore_errors=True)
