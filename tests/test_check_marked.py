"""`hoso check WORKBOOK --danh-dau COPY.xlsx`: every cell `check` names is highlighted in the copy
with its message as a comment; a first sheet lists every problem with a link to its cell; the
original is never modified."""

from __future__ import annotations

import hashlib
import json

import openpyxl
import pytest
import workbook_factory as wf

from pipeline.cli import main
from pipeline.ingest import mark


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_every_named_cell_is_marked_and_listed(tmp_path, capsys):
    data = wf.tables()
    data["NhanSu"][2].update(ho_ten="NguyÔn V¨n Hïng", ngay_sinh="32/01/1990")
    data["BieuQuyet"][0].update(phieu_htt=7)
    data["NhanSu"][4].update(ma_don_vi="XX")
    src = wf.write(tmp_path / "so.xlsx", data)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    code, out, _ = run_cli(["check", src, "--json"], capsys)
    problems = json.loads(out)
    assert code == 3 and len(problems) >= 4

    copy = tmp_path / "so_danh_dau.xlsx"
    code, _, err = run_cli(["check", src, "--danh-dau", copy], capsys)
    assert code == 3 and f"Đã ghi bản đánh dấu «{copy}»" in err
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest  # the original untouched
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[0] == mark.SHEET
    for p in problems:
        if not p["row"]:
            continue
        cell = wb[p["sheet"]][f"{p['column'] or 'A'}{p['row']}"]
        assert cell.fill.fgColor.rgb.endswith(mark.ERROR_FILL if p["severity"] == "loi" else mark.WARNING_FILL), p
        assert cell.comment is not None and p["message"] in cell.comment.text, p
    listing = wb[mark.SHEET]
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(problems)
    assert [r[5] for r in rows] == [p["message"] for p in problems]
    links = [listing.cell(row=i + 2, column=4).hyperlink for i, p in enumerate(problems) if p["row"]]
    assert all(link is not None and link.location for link in links)
    first = next(p for p in problems if p["row"])
    assert links[0].location == f"'{first['sheet']}'!{first['column'] or 'A'}{first['row']}"
    # the marked copy is itself a workbook check reads the same way (its first sheet is not data)
    code, out, _ = run_cli(["check", copy, "--json"], capsys)
    assert [p["message"] for p in json.loads(out)] == [p["message"] for p in problems]


def test_the_copy_cannot_be_the_original(tmp_path, capsys):
    src = wf.write(tmp_path / "so.xlsx", wf.tables())
    before = src.read_bytes()
    code, _, err = run_cli(["check", src, "--danh-dau", src], capsys)
    assert code == 7 and "sổ gốc không bao giờ bị sửa" in err
    assert src.read_bytes() == before


def test_a_valid_workbook_gives_a_copy_saying_so(tmp_path, capsys):
    clean = tmp_path / "sach.xlsx"  # the factory's workbook: no error, no warning
    wf.write(clean, wf.tables())
    copy = tmp_path / "ban_sao.xlsx"
    code, _, err = run_cli(["check", clean, "--danh-dau", copy], capsys)
    assert code == 0 and "0 ô được tô màu" in err
    assert openpyxl.load_workbook(copy)[mark.SHEET]["F2"].value == "Không có lỗi hay cảnh báo nào."
