"""`hoso build --unit/--person` with a code the workbook does not have is an input error (exit 3),
said in Vietnamese with the codes it has, before anything is written.

The positive case (a real LibreOffice build of one unit or one person) is covered elsewhere:
`--unit LD` in test_output_safety.py / test_interrupt.py, `persons={"VP-014"}` in test_pdfa.py;
here only the plan is checked for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import workbook_factory as wf
from fakes import own_output

from pipeline import ingest
from pipeline.errors import ExitCode, HosoError
from pipeline.forms.registry import Registry
from pipeline.plan import make_plan

HOSO = Path(sys.executable).with_name("hoso")


def hoso(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(HOSO)] if HOSO.exists() else [sys.executable, "-m", "pipeline"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under `root` (hidden ones included) with its size and mtime."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.stat()
            out[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture
def previous(tmp_path) -> Path:
    """An output folder from an earlier run, which a refused build must leave as it was."""
    return own_output(tmp_path / "output", {"don_vi/TH.pdf": b"%PDF-1.7 cu"})


def refused(tmp_path: Path, sample: Path, *options: str, out: Path | None = None) -> str:
    before = snapshot(tmp_path)
    proc = hoso("build", str(sample), "-o", str(out or tmp_path / "ket_qua"), "--cache", str(tmp_path / "cache"),
                *options)
    assert proc.returncode == ExitCode.input_invalid, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Chưa tạo hồ sơ nào" in proc.stderr
    assert snapshot(tmp_path) == before  # no output, staging, lock or cache folder created or changed
    return proc.stderr


def test_unknown_unit_exit_3_lists_the_units(tmp_path, sample):
    err = refused(tmp_path, sample, "--unit", "KHONGCO")
    assert "Lỗi: Không có đơn vị mã «KHONGCO» trong sổ (sheet DonVi). Các mã có: LD, HCQT, TH, KGVX, CBTH, NK." in err
    assert not (tmp_path / "ket_qua").exists()


def test_unknown_unit_leaves_the_previous_output(tmp_path, sample, previous):
    err = refused(tmp_path, sample, "--unit", "KHONGCO", out=previous)
    assert "«KHONGCO»" in err
    assert (previous / "don_vi" / "TH.pdf").read_bytes() == b"%PDF-1.7 cu"


def test_unknown_person_exit_3_lists_at_most_ten_codes(tmp_path, sample):
    err = refused(tmp_path, sample, "--person", "ABC")
    assert "Không có người mã số «ABC» trong sổ (sheet NhanSu). Các mã có: VP-001, VP-002," in err
    assert "VP-010, … (40 mã)." in err
    assert "VP-011" not in err


def test_known_and_unknown_codes_together_name_only_the_unknown(tmp_path, sample):
    err = refused(tmp_path, sample, "--unit", "TH", "--unit", "XYZ", "--person", "VP-020", "--person", "ABC")
    assert "Không có đơn vị mã «XYZ»" in err and "Không có người mã số «ABC»" in err
    assert "«TH»" not in err.split("Các mã có")[0] and "«VP-020»" not in err


def test_code_in_another_case_is_suggested(tmp_path, sample):
    err = refused(tmp_path, sample, "--unit", "th")
    assert "Không có đơn vị mã «th» trong sổ (sheet DonVi) (có phải «TH»?)." in err


def test_person_outside_the_selected_unit(tmp_path, sample):
    err = refused(tmp_path, sample, "--unit", "TH", "--person", "VP-001")
    assert "Người mã số «VP-001» thuộc đơn vị «LD», không thuộc đơn vị đã chọn («TH»)" in err


def test_demo_checks_the_selection_too(tmp_path):
    before = snapshot(tmp_path)
    proc = hoso("demo", "-o", str(tmp_path / "demo"), "--cache", str(tmp_path / "cache"), "--person", "ABC")
    assert proc.returncode == ExitCode.input_invalid, proc.stderr
    assert "Không có người mã số «ABC»" in proc.stderr
    assert snapshot(tmp_path) == before


def test_unit_without_people_is_refused(tmp_path):
    data = wf.tables()
    data["DonVi"].append(dict(ma_don_vi="TRONG", ten_don_vi="Phòng chưa có người", loai_don_vi="hanh_chinh", thu_tu=3))
    book = wf.write(tmp_path / "so.xlsx", data)
    campaign = ingest.load(book)
    with pytest.raises(HosoError) as exc:
        make_plan(campaign, Registry(), units={"TRONG"})
    assert exc.value.exit_code == ExitCode.input_invalid
    assert "Các đơn vị đã chọn («TRONG») chưa có ai trong sổ (sheet NhanSu)" in exc.value.message
    assert [u.ma_don_vi for u in make_plan(campaign, Registry(), units={"TRONG", "HC"}).units] == ["HC"]


def test_known_codes_select_as_before(sample):
    campaign, registry = ingest.load(sample), Registry()
    plan = make_plan(campaign, registry, units={"TH"})
    assert [u.ma_don_vi for u in plan.units] == ["TH"] and len(plan.persons) == 10
    plan = make_plan(campaign, registry, persons={"VP-014"})
    assert [p.ma_so for p in plan.persons] == ["VP-014"]
    plan = make_plan(campaign, registry, units={"TH"}, persons={p.ma_so for p in campaign.people if p.ma_don_vi == "TH"})
    assert len(plan.persons) == 10
    assert len(make_plan(campaign, registry).persons) == len(campaign.people)
