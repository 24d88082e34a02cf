"""`hoso check` on a KetQuaKy row that holds an error: the person's «missing period» warning sends the clerk to
that row (it is there, its cell is wrong), rather than asking for a row that exists.

Worked by hand: in the 2026 sample, sheet KetQuaKy row 3 is VP-001's result of 2026-02 (12 months worked, monthly
results). Its general-criteria score written 120 is outside 0–30 (ND 335: 30 points at most), so the row is not
read; VP-001 then lacks 2026-02, and the warning on his NhanSu row must name KetQuaKy row 3 as the row to fix.
A period with no row at all (VP-021 lacks 2026-10 in the sample) keeps the plain warning.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from fakes import run_main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "mau_ho_so_2026.xlsx"


@pytest.fixture(autouse=True)
def _in_process(cli_in_process):
    """main() runs in this process here (conftest.cli_in_process)."""


def test_missing_period_names_the_row_with_the_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(SAMPLE)
    ws = wb["KetQuaKy"]
    header = [c.value for c in ws[1]]
    row3 = dict(zip(header, (c.value for c in ws[3]), strict=False))
    assert (row3["ma_so"], row3["ky"]) == ("VP-001", "2026-02")  # the row worked out above
    ws.cell(3, header.index("diem_tieu_chi_chung") + 1, 120)
    bad = tmp_path / "ket_qua_loi.xlsx"
    wb.save(bad)

    code, err = run_main(["check", str(bad)], capsys)

    assert code == 3  # an error in the workbook
    assert "Sheet «KetQuaKy», dòng 3, cột C «diem_tieu_chi_chung» (ô C3): Điểm tiêu chí chung ngoài khung." in err
    lines = err.splitlines()
    vp001 = next(ln for ln in lines if "«NhanSu», dòng 2, cột A" in ln)
    assert "thiếu kết quả kỳ 2026-02" in vp001
    assert ("Dòng 3 của sheet «KetQuaKy» có kết quả kỳ này nhưng có lỗi nên chưa được tính: sửa lỗi ở dòng đó."
            in vp001)
    vp021 = next(ln for ln in lines if "Giá trị: «VP-021»" in ln)
    assert "thiếu kết quả kỳ 2026-10" in vp021 and "có lỗi nên chưa được tính" not in vp021
