"""The Sở Nội vụ's side (`hoso tong-hop`) with packages built from other clerks' workbooks (session twelve, sofresh).

Two agencies of tests/workbook_factory.py, built with tests/fakes.TextConverter (no LibreOffice: the summary reads
the packages' manifests, tables and zips, not their PDFs):

- «Ủy ban nhân dân phường Nghĩa Lộ» under «UBND TỈNH QUẢNG NGÃI», whose workbook dates its report to the Sở
  (CoQuan «Ngày báo cáo Sở Nội vụ» 17/12) and states no deadline (the Sở's letter sets it): such a build records
  no day in `lan_tao.ngay` (its output does not depend on the day), and `tong-hop` refused the package — whole,
  every file as made — as «Không đạt kiểm tra: manifest.json không ghi ngày lập bộ hồ sơ», exit 9. Two of the three
  fresh clerks' packages (the phường's and the school's) were refused so.
- «Trường THCS Nguyễn Du» under «UBND PHƯỜNG HẢI CHÂU» (no province in either name), its workbook addressing the
  package to «Sở Nội vụ thành phố Đà Nẵng»: the Sở Nội vụ of tỉnh Quảng Ngãi counted it into its «Tổng hợp toàn
  tỉnh» without a word, as any package addressed to any «Sở Nội vụ …» was its own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from pipeline import api
from pipeline.errors import ExitCode
from pipeline.submission import province
from tests import workbook_factory as wf
from tests.fakes import TextConverter, run_main

WARD = "Ủy ban nhân dân phường Nghĩa Lộ"
SCHOOL = "Trường THCS Nguyễn Du"
REPORT_DAY = dt.date(wf.YEAR, 12, 17)  # the phường's «Ngày báo cáo Sở Nội vụ»
SO_DUE = "15/12/" + str(wf.YEAR)  # the Sở's deadline: two days before the phường's report


def _build(tmp: Path, key: str, cache: Path, cells: dict[str, object]) -> Path:
    data = wf.tables()
    given = dict(cells)
    rows = [(k, given.pop(k, v)) for k, v in data["CoQuan"]]
    data["CoQuan"] = [(k, v) for k, v in rows if v is not None] + list(given.items())
    out = tmp / key
    api.build(wf.write(tmp / f"{key}.xlsx", data), out, api.BuildOptions(cache_dir=cache), converter=TextConverter())
    return out


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("so_fresh")
    cache = tmp / "cache"
    ward = _build(tmp, "ward", cache, {"ten_co_quan": WARD, "co_quan_chu_quan": "UBND TỈNH QUẢNG NGÃI",
                                       "dia_danh": "Nghĩa Lộ", "han_nop_so_noi_vu": None, "ngay_bao_cao": REPORT_DAY})
    school = _build(tmp, "school", cache, {"ten_co_quan": SCHOOL, "co_quan_chu_quan": "UBND PHƯỜNG HẢI CHÂU",
                                           "dia_danh": "Đà Nẵng", "so_noi_vu": "Sở Nội vụ thành phố Đà Nẵng",
                                           "ten_co_quan_cap_tren": "UBND phường Hải Châu"})
    return {"ward": ward, "school": school}


def test_a_dated_package_without_a_deadline_is_checked_and_its_lateness_counted(packages, tmp_path, capsys,
                                                                                 cli_in_process):
    import json

    ward = packages["ward"]
    assert json.loads((ward / "manifest.json").read_text("utf-8"))["lan_tao"]["ngay"] is None  # the case itself
    zipped = ward / f"ho_so_{wf.YEAR}.zip"
    code, err = run_main(["tong-hop", str(zipped), "-o", str(tmp_path / "snv"), "--han", SO_DUE], capsys)
    assert code == 0, err
    # by hand: the report is dated 17/12, the Sở's deadline is 15/12: two days late; nothing failed
    assert (f"{WARD} («{zipped}»): Kiểm tra đạt; nộp muộn 2 ngày (lập ngày 17/12/{wf.YEAR}, hạn {SO_DUE});") in err
    assert "lan_tao" not in err and "Không đạt" not in err
    summary = province.summarise([zipped], due=dt.date(wf.YEAR, 12, 15))
    assert summary.failed == [] and summary.packages[0].made == REPORT_DAY
    assert [p.agency for p in summary.late] == [WARD]
    # its own output folder as the package: the same date (the folder's zip)
    assert province.read_package(ward).made == REPORT_DAY and province.read_package(ward / "nop_so_noi_vu").verified


def test_a_package_addressed_to_the_so_noi_vu_of_another_province_is_named(packages, tmp_path, capsys,
                                                                           cli_in_process):
    out = tmp_path / "snv"
    code, err = run_main(["tong-hop", str(packages["ward"]), str(packages["school"]), "-o", str(out)], capsys)
    assert code == 0, err
    flat = " ".join(err.split())
    # the packages that name a province all name tỉnh Quảng Ngãi (the school's names name none): the Sở Nội vụ
    # summing them is that province's, and the school's package is addressed to Đà Nẵng's
    assert (f"{SCHOOL} («{packages['school']}»): Kiểm tra đạt;") in flat
    assert ("bộ hồ sơ gửi Sở Nội vụ thành phố Đà Nẵng, không phải Sở Nội vụ tỉnh Quảng Ngãi: đã tính vào tổng hợp;") in flat
    assert (f"Lưu ý: 1 bộ hồ sơ gửi cơ quan khác, không phải Sở Nội vụ tỉnh Quảng Ngãi: {SCHOOL} (gửi Sở Nội vụ "
            "thành phố Đà Nẵng) — đã tính vào tổng hợp; nếu Sở Nội vụ thành phố Đà Nẵng gửi bản tổng hợp có cơ quan "
            "này, không cộng lần nữa.") in flat
    # the phường's package, addressed to the bare «Sở Nội vụ» (its cell left empty), stays the Sở's own
    assert f"{WARD} («{packages['ward']}»): Kiểm tra đạt; lập ngày 17/12/{wf.YEAR}, không có hạn nộp để đối chiếu;" in flat
    pdf = " ".join(subprocess.run(["pdftotext", "-layout", str(out / province.PDF), "-"], capture_output=True,
                                  text=True, check=True).stdout.split())
    assert f"{SCHOOL} (gửi Sở Nội vụ thành phố Đà Nẵng) — đã tính vào tổng hợp" in pdf
    # a Sở Nội vụ of Đà Nẵng summing the same two: the phường's (bare «Sở Nội vụ») is its own, the school's too
    summary = province.summarise([packages["school"]])
    assert not summary.packages[0].addressed_elsewhere  # alone, no province is known: nothing to hold it against


def test_a_tampered_table_is_refused_and_named(packages, tmp_path, capsys, cli_in_process):
    import shutil

    copy = tmp_path / "ward"
    shutil.copytree(packages["ward"], copy)
    table = copy / "nop_so_noi_vu" / "bieu_tong_hop.pdf"
    table.write_bytes(table.read_bytes() + b"\n")
    code, err = run_main(["tong-hop", str(copy), "-o", str(tmp_path / "snv")], capsys)
    assert code == ExitCode.verify_failed
    assert f"Lỗi: 1 bộ hồ sơ không đạt kiểm tra: {WARD}." in err
    assert "Tệp bị sửa: nop_so_noi_vu/bieu_tong_hop.pdf" in err
