"""`hoso tong-hop`: the Sở Nội vụ's summary over agencies' packages names exactly the tampered and
the late ones, and the agencies that sent nothing; the .xlsx and the PDF say the same."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import api, clock
from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.submission import province
from tests import workbook_factory as wf

DUE = dt.date(2026, 12, 31)  # the factory agencies evaluate 2025: a deadline not passed when this was written


LATE_DUE = dt.date(2025, 11, 15)  # passed: a package made today is late


def agency(tmp: Path, name: str, cache_dir: Path, due: dt.date = DUE) -> Path:
    data = wf.tables()
    moved = {"ten_co_quan": name, "nam_danh_gia": 2025, "ngay_lap": dt.date(2025, 11, 5), "han_nop_so_noi_vu": due}
    data["CoQuan"] = [(k, moved.get(k, v)) for k, v in data["CoQuan"]]
    for row in data["KyLuat"]:
        row["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    book = wf.write(tmp / f"{name}.xlsx", data)
    out = tmp / name / "output"
    api.build(book, out, api.BuildOptions(cache_dir=cache_dir / "tong-hop"))
    return out


@pytest.fixture(scope="module")
def packages(tmp_path_factory, built, cache_dir) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("tong-hop")
    on_time = agency(tmp, "Sở Tư pháp tỉnh Thử Nghiệm", cache_dir)
    tampered = agency(tmp, "Sở Xây dựng tỉnh Thử Nghiệm", cache_dir)
    late = agency(tmp, "Văn phòng UBND tỉnh Hà Giang Nam", cache_dir, LATE_DUE)
    old_year = tmp / "old_year" / "output"
    shutil.copytree(built[0], old_year)  # the sample: the 2024 evaluation
    return {"on_time": on_time, "tampered": tampered, "late": late, "old_year": old_year}


def test_names_exactly_the_tampered_and_the_late(packages, tmp_path, capsys):
    if clock.today() > DUE:
        pytest.skip("the test's deadline has passed: move DUE and the year forward")
    tampered = packages["tampered"]
    table = tampered / "nop_so_noi_vu" / "bieu_tong_hop.pdf"
    table.write_bytes(table.read_bytes().replace(b"/Producer", b"/Producex", 1))
    expected = tmp_path / "ds.txt"
    expected.write_text("Sở Tư pháp tỉnh Thử Nghiệm\nSở Xây dựng tỉnh Thử Nghiệm\n"
                        "Văn phòng UBND tỉnh Hà Giang Nam\nSở Y tế tỉnh Thử Nghiệm\n", encoding="utf-8")
    out = tmp_path / "so_noi_vu"
    args = ["tong-hop", str(packages["on_time"] / "ho_so_2025.zip"), str(tampered), str(packages["late"] / "nop_so_noi_vu"),
            "-o", str(out), "--danh-sach", str(expected)]
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == ExitCode.verify_failed
    assert "1 bộ hồ sơ không đạt kiểm tra: Sở Xây dựng tỉnh Thử Nghiệm." in err
    assert "Tệp bị sửa: nop_so_noi_vu/bieu_tong_hop.pdf" in err
    assert "Sở Y tế tỉnh Thử Nghiệm: Chưa nộp." in err
    # the console says the failing package is in the totals, as the PDF's first lines do (it named the package and
    # ended «Lỗi: 1 bộ hồ sơ không đạt kiểm tra», leaving the Sở to guess whether its numbers were summed)
    assert ("Lưu ý: số liệu của 1 bộ không đạt kiểm tra (Sở Xây dựng tỉnh Thử Nghiệm) vẫn được cộng vào tổng hợp, "
            "theo biểu tổng hợp của chính bộ đó.") in err
    # the packages state two deadlines (31/12/2026 and the late one's 15/11/2025): the summary's «không rõ» said why
    assert ("Ghi chú: chưa rõ hạn nộp vì các bộ hồ sơ ghi hạn khác nhau (15/11/2025, 31/12/2026), nên chưa tính được "
            "cơ quan chưa nộp đã quá hạn bao nhiêu ngày (bản tổng hợp ghi «không rõ»); ghi hạn của Sở bằng --han "
            "dd/mm/yyyy rồi chạy lại.") in err

    summary = province.summarise([packages["on_time"] / "ho_so_2025.zip", tampered, packages["late"] / "nop_so_noi_vu"],
                                 expected=province.read_expected(expected))
    assert [p.agency for p in summary.failed] == ["Sở Xây dựng tỉnh Thử Nghiệm"]
    assert [p.agency for p in summary.late] == ["Văn phòng UBND tỉnh Hà Giang Nam"]
    assert summary.missing == ["Sở Y tế tỉnh Thử Nghiệm"]
    today = clock.today()
    assert summary.late[0].late_days == (today - LATE_DUE).days

    # the spreadsheet: one row per agency, the missing one last
    wb = load_workbook(out / province.XLSX)
    rows = [r for r in wb["CoQuan"].iter_rows(min_row=2, values_only=True) if r[0]]
    by_name = {r[0]: r for r in rows}
    assert by_name["Sở Tư pháp tỉnh Thử Nghiệm"][5] == "Đạt"
    assert by_name["Sở Xây dựng tỉnh Thử Nghiệm"][5] == "Không đạt"
    assert "bieu_tong_hop.pdf" in by_name["Sở Xây dựng tỉnh Thử Nghiệm"][9]
    assert by_name["Văn phòng UBND tỉnh Hà Giang Nam"][4] == (today - LATE_DUE).days
    assert by_name["Sở Y tế tỉnh Thử Nghiệm"][6] == "Chưa nộp"
    # counts per category from each package's table; the factory agency: 6 people, one under 6 months
    # (not rated), NS-03 disciplined (Không hoàn thành), four HTT, so no HTXS (20% × 4 = 0,8: NS-04 held to HTT)
    cat = [r for r in wb["TheoDoiTuong"].iter_rows(min_row=2, values_only=True) if r[0]]
    total = next(r for r in cat if r[0] == "Văn phòng UBND tỉnh Hà Giang Nam" and r[1] == "Tổng cộng")
    assert total[2:9] == (6, 5, 0, 4, 0, 1, 1)
    assert total[9:11] == ("0 / 20% × 4 = 0,8", "Không vượt")
    # the factory agency's rows are its own table's, one row per category with people
    counts, _ = province.read_table(packages["on_time"] / "nop_so_noi_vu" / "bieu_tong_hop.xlsx")
    mine = [r for r in cat if r[0] == "Sở Tư pháp tỉnh Thử Nghiệm"]
    assert [r[2] for r in mine] == [c["tong"] for c in counts.values() if c["tong"]]
    assert mine[-1][1] == "Tổng cộng" and mine[-1][2] == 6

    text = subprocess.run(["pdftotext", "-layout", str(out / province.PDF), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in flat
    # the factory's workbooks record no decided level: every level counted is a unit's proposal, and the
    # Sở's summary says so (it counted them as results without a word)
    assert ("Nhận 3 bộ hồ sơ; 1 bộ không đạt kiểm tra; 1 bộ nộp muộn; 1 cơ quan chưa nộp; 3 bộ có mức xếp loại mới là "
            "đề xuất, chưa được cấp có thẩm quyền quyết định (15 người).") in flat
    assert ("5 người mới có mức đề xuất, chưa có mức do cấp có thẩm quyền quyết định (số liệu xếp loại của cơ quan này "
            "là số dự kiến)") in flat
    assert f"nộp muộn {(today - LATE_DUE).days} ngày" in flat
    # the tampered package's table is in the counts: said on the first lines, not left to guess
    assert ("Số liệu của 1 bộ không đạt kiểm tra (Sở Xây dựng tỉnh Thử Nghiệm) vẫn được cộng vào mục II và III, theo "
            "biểu tổng hợp của chính bộ đó; xem lỗi ở mục IV.") in flat
    assert "Tệp bị sửa: nop_so_noi_vu/bieu_tong_hop.pdf" in flat
    # the shares under the totals: three agencies of 5 rated each, 4 HTT and 1 KHT: 12/15 = 80 %, 3/15 = 20 %
    assert ("Tỷ lệ trên tổng số được xếp loại (15 người): Hoàn thành xuất sắc nhiệm vụ 0,0%; Hoàn thành tốt nhiệm vụ "
            "80,0%; Hoàn thành nhiệm vụ 0,0%; Không hoàn thành nhiệm vụ 20,0%. Tỷ lệ tính cả các mức mới là đề xuất") in flat
    for code in ("HTXS", "HTT", "KHT", "cong_chuc", "can_bo", "tong_cong", "vien_chuc"):
        assert code not in text, code


def test_zip_alone_cannot_be_checked(packages, tmp_path):
    alone = tmp_path / "ho_so_2024.zip"
    shutil.copy(packages["on_time"] / "ho_so_2025.zip", alone)
    pkg = province.read_package(alone)
    assert not pkg.verified and "Không có manifest.json đi kèm" in pkg.problems[0]
    assert pkg.agency == "SỞ TƯ PHÁP TỈNH THỬ NGHIỆM"  # from the table's title row
    assert pkg.year == 2025  # «Năm đánh giá 2025»: a zip of another year is not added to this year's
    assert pkg.counts["tong_cong"]["tong"] == 6
    # counted with the late package (5 rated, every level a proposal): the count line says the zip's proposals are not
    # known, instead of counting the late package's 5 as if the zip's 5 levels were decided
    summary = province.summarise([alone, packages["late"]])
    assert province.total_words(summary).endswith(
        "; 1 bộ có mức xếp loại mới là đề xuất, chưa được cấp có thẩm quyền quyết định (5 người); 1 bộ không rõ mức "
        "xếp loại nào mới là đề xuất (thiếu tệp kết quả xếp loại)")


def test_htxs_against_a_fifth_of_htt():
    # ND 90/2020 Art. 2 cl. 3 (ND 48/2023): HTXS no more than 20 % of HTT
    assert province.htxs_words({"HTXS": 1, "HTT": 5}) == ("1 / 20% × 5 = 1", False)
    assert province.htxs_words({"HTXS": 1, "HTT": 4}) == ("1 / 20% × 4 = 0,8", True)
    assert province.htxs_words({"HTXS": 0, "HTT": 0}) == ("0 / 20% × 0 = 0", False)


def test_before_2026_the_head_counts_in_the_20_percent_column(packages):
    """ND 90 years: the 2024 sample's head is in his category's group (its own check counts him): the Sở's column
    leaves no one out. Công chức lãnh đạo, quản lý: 10 rated, 1 HTXS, 9 HTT (the head among them): 1 against
    20 % × 9 = 1,8."""
    summary = province.summarise([packages["old_year"]])
    rows = {r[1]: r for r in province._category_rows(summary)}
    assert rows["Công chức giữ chức vụ lãnh đạo, quản lý"][9:11] == ["1 / 20% × 9 = 1,8", "Không vượt"]
    assert not any("đứng đầu" in r[9] for r in rows.values())


def test_province_deadline_overrides_each_packages_own(packages):
    due = clock.today() - dt.timedelta(days=3)
    summary = province.summarise([packages["on_time"], packages["late"]], expected=["Sở Nội vụ tỉnh Thử Nghiệm"], due=due)
    assert sorted(p.agency for p in summary.late) == ["Sở Tư pháp tỉnh Thử Nghiệm", "Văn phòng UBND tỉnh Hà Giang Nam"]
    assert all(p.late_days == 3 for p in summary.late)
    assert province.missing_words(summary) == "Chưa nộp, đã quá hạn 3 ngày"


def test_a_package_of_another_year_is_not_added_to_this_years(packages, tmp_path, capsys):
    """The 2024 sample sent whole with two 2025 packages: the summary is of 2025 (most packages'); the
    2024 package is named for what it is — another year's, its files intact — not counted (its 40 people
    were added: a province total over two years), not listed as failing the check (it was: «không đạt
    kiểm tra», exit 9, as if an agency had altered its package), exit 0; the title says the year."""
    summary = province.summarise([packages["on_time"], packages["old_year"], packages["late"]])
    assert summary.year == 2025
    [old] = [p for p in summary.packages if p.year == 2024]
    assert old.other_year == 2025 and old not in summary.counted and summary.other_years == [old]
    assert old.verified and old.problems == [] and summary.failed == []
    assert province.status_words(old) == ("Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: không cộng vào "
                                          "số liệu; kiểm tra đạt")
    # not a duplicate of the 2025 package of the same agency: both are listed for what they are
    assert all(p.duplicate_of is None for p in summary.packages)
    totals = {r[0]: r for r in province._total_rows(summary)}
    assert totals["Tổng cộng"][1] == 6 + 6  # the two 2025 agencies of the factory, 6 people each
    out = tmp_path / "so"
    with pytest.raises(SystemExit) as exc:
        main(["tong-hop", str(packages["on_time"]), str(packages["old_year"]), str(packages["late"]), "-o", str(out)])
    assert exc.value.code == ExitCode.ok
    flat = " ".join(subprocess.run(["pdftotext", "-layout", str(out / province.PDF), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2025" in flat
    # every printed page says which it is of how many (the tables run over pages; there were no page numbers), at
    # its foot (-layout: the lines as placed on the page; the reading order may put a table's header cell last)
    pages = subprocess.run(["pdftotext", "-layout", str(out / province.PDF), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) >= 2
    assert [" ".join(p.split()).endswith(f"Trang {k}/{len(pages)}") for k, p in enumerate(pages, 1)] == [True] * len(pages)
    # the first line counts it apart from the failing; its row says what it is; no section of failing packages
    assert ("Nhận 3 bộ hồ sơ; 0 bộ không đạt kiểm tra; 1 bộ hồ sơ của năm khác không cộng (năm 2024); 1 bộ nộp muộn;"
            in flat)
    assert "Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: không cộng vào số liệu; kiểm tra đạt" in flat
    assert "không đạt kiểm tra" not in flat.replace("0 bộ không đạt kiểm tra", "")
    err = capsys.readouterr().err
    assert ("Văn phòng UBND tỉnh Hà Giang Nam («" + str(packages["old_year"]) + "»): Bộ hồ sơ của năm 2024, không phải "
            "năm đang tổng hợp 2025: không cộng vào số liệu; kiểm tra đạt.") in err
    # the same agency's 2025 package (the late one) is among these and counted: the Sở is not told to ask for it
    # (it was: «Nếu chưa nhận bộ hồ sơ năm 2025 của cơ quan này, đề nghị gửi bộ đó.»)
    assert ("Lưu ý: không cộng vào tổng hợp năm 2025: Văn phòng UBND tỉnh Hà Giang Nam gửi bộ hồ sơ đánh giá, xếp loại "
            "năm 2024 (các tệp còn nguyên vẹn). Bộ hồ sơ năm 2025 của cơ quan này đã được cộng vào bản tổng hợp này."
            ) in err
    # without it, this year's is asked for
    province_only = province.summarise([packages["on_time"], packages["old_year"]])
    assert province.other_year_note(province_only) == (
        "không cộng vào tổng hợp năm 2025: Văn phòng UBND tỉnh Hà Giang Nam gửi bộ hồ sơ đánh giá, xếp loại năm 2024 "
        "(các tệp còn nguyên vẹn). Nếu chưa nhận bộ hồ sơ năm 2025 của cơ quan này, đề nghị gửi bộ đó.")
    assert "0 bộ không đạt kiểm tra, 1 bộ hồ sơ của năm khác không cộng (năm 2024), 1 bộ nộp muộn," in err
    assert "LỖI" not in err and "Lỗi:" not in err and "vẫn được cộng" not in err
    assert "Nghị định 335/2025" not in flat  # the 2025 rule only (ND 90 as amended by ND 48)
    rows = {r[1]: r for r in load_workbook(out / province.XLSX)["CoQuan"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows[str(packages["old_year"])][4] in (None, "")  # no days late against another year's deadline
    assert rows[str(packages["old_year"])][5:7] == ("Đạt", "Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: "
                                                    "không cộng vào số liệu; kiểm tra đạt")
    assert rows[str(packages["old_year"])][9] in (None, "")  # no problem of its check listed
    # nor its emulation titles (the 2024 sample proposes Lao động tiên tiến for most people): it is not counted
    assert rows[str(packages["old_year"])][7:9] in ((None, None), ("", ""))
    assert rows[str(packages["on_time"])][7] not in (None, "")  # this year's package shows its titles
    # the column counts the proposals within the 15 % cap (thi_dua.du_dieu_kien), as the CoQuan sheet says
    header = next(load_workbook(out / province.XLSX)["TheoDoiTuong"].iter_rows(max_row=1, values_only=True))
    assert header[12] == "Chiến sĩ thi đua cơ sở (trong tỷ lệ)"


def test_a_package_of_another_year_that_was_altered_still_fails_the_check(packages, tmp_path, capsys):
    """Its year does not hide a changed file: the same 2024 package with its table's PDF altered is not counted
    (another year) and fails the check (exit 9); the error line names it with its year (the same agency's 2025
    package passed)."""
    old = tmp_path / "old_year"
    shutil.copytree(packages["old_year"], old)
    table = old / "nop_so_noi_vu" / "bieu_tong_hop.pdf"
    table.write_bytes(table.read_bytes().replace(b"/Producer", b"/Producex", 1))
    with pytest.raises(SystemExit) as exc:
        main(["tong-hop", str(packages["on_time"]), str(old), str(packages["late"]), "-o", str(tmp_path / "so")])
    assert exc.value.code == ExitCode.verify_failed
    err = capsys.readouterr().err
    assert (f"Văn phòng UBND tỉnh Hà Giang Nam («{old}»): Bộ hồ sơ của năm 2024, không phải năm đang tổng hợp 2025: "
            "không cộng vào số liệu; không đạt kiểm tra (1 lỗi).") in err
    assert "1 bộ không đạt kiểm tra, 1 bộ hồ sơ của năm khác không cộng (năm 2024)," in err
    assert "(không đạt kiểm tra). Bộ hồ sơ năm 2025 của cơ quan này đã được cộng vào bản tổng hợp này." in err
    assert "Lỗi: 1 bộ hồ sơ không đạt kiểm tra: Văn phòng UBND tỉnh Hà Giang Nam (bộ hồ sơ năm 2024)." in err


def test_the_count_tables_say_how_many_levels_are_only_proposals(packages, tmp_path):
    """The factory agencies record no decided level: every level counted is a unit's proposal. The first
    line and «Tình trạng» said so, but the per-category and province tables (what the Sở copies into its
    report) showed the same numbers as results without a word; now each row says how many are proposals."""
    out = tmp_path / "so"
    with pytest.raises(SystemExit) as exc:
        main(["tong-hop", str(packages["on_time"]), str(packages["late"]), "-o", str(out), "--han", "31/12/2099"])
    assert exc.value.code == 0
    wb = load_workbook(out / province.XLSX)
    for sheet in ("TheoDoiTuong", "ToanTinh"):
        header = next(wb[sheet].iter_rows(max_row=1, values_only=True))
        # no note under the spreadsheet's tables: the 20 % column says in its header that it is only a sign
        assert ("So với 20% số hoàn thành tốt (chỉ để lưu ý: tỷ lệ xét trong từng nhóm có nhiệm vụ tương đồng của "
                "mỗi cơ quan)") in header, sheet
        assert header[-2] == "Trong đó mức mới là đề xuất, chưa được cấp có thẩm quyền quyết định", sheet
    rows = [r for r in wb["TheoDoiTuong"].iter_rows(min_row=2, values_only=True) if r[0]]
    # 6 people each, one under 6 months (not rated): 5 levels, all proposals
    assert [r[-2] for r in rows if r[1] == "Tổng cộng"] == [5, 5]
    assert all(r[-2] == r[3] for r in rows)  # every rated person of these agencies is a proposal
    totals = {r[0]: r for r in wb["ToanTinh"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert totals["Tổng cộng"][2] == 10 and totals["Tổng cộng"][-2] == 10
    # emulation summed for the province too (it was only per agency): the agencies' own «Tổng cộng» rows
    assert totals["Tổng cộng"][10:12] == tuple(map(sum, zip(*(r[11:13] for r in rows if r[1] == "Tổng cộng"), strict=True)))
    assert next(wb["ToanTinh"].iter_rows(max_row=1, values_only=True))[10:12] == (
        "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở (trong tỷ lệ)")
    flat = " ".join(subprocess.run(["pdftotext", str(out / province.PDF), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert flat.count("Trong đó mức mới là đề xuất, chưa được cấp có thẩm quyền quyết định") >= 2
    # the shares the PDF prints under its totals are in the spreadsheet too (they were only in the PDF), as numbers
    # shown «0.0%»: 10 rated, each agency 4 HTT and 1 KHT (NS-03's discipline) → HTT 8/10 = 80 %, KHT 2/10 = 20 %
    assert ("Tỷ lệ trên tổng số được xếp loại (10 người): Hoàn thành xuất sắc nhiệm vụ 0,0%; Hoàn thành tốt nhiệm vụ "
            "80,0%; Hoàn thành nhiệm vụ 0,0%; Không hoàn thành nhiệm vụ 20,0%.") in flat
    shares = wb["TyLeToanTinh"]
    assert next(shares.iter_rows(max_row=1, values_only=True)) == (
        "Đối tượng", "Số được xếp loại", "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ (trên số được xếp loại)",
        "Tỷ lệ Hoàn thành tốt nhiệm vụ (trên số được xếp loại)", "Tỷ lệ Hoàn thành nhiệm vụ (trên số được xếp loại)",
        "Tỷ lệ Không hoàn thành nhiệm vụ (trên số được xếp loại)",
        "Tỷ lệ được xếp loại nhưng chưa có mức (trên số được xếp loại)")
    (total,) = [r for r in shares.iter_rows(min_row=2) if r[0].value == "Tổng cộng"]
    assert [c.value for c in total[1:]] == [10, 0, 0.8, 0, 0.2, 0]
    assert {c.number_format for c in total[2:]} == {"0.0%"}
    # 40 + 13 + 5 × 14 = 123 characters wide: an A4 landscape page's width (90 across a portrait one), its header
    # row on every page
    assert (shares.page_setup.paperSize, shares.page_setup.orientation, shares.sheet_properties.pageSetUpPr.fitToPage,
            shares.page_setup.fitToWidth, shares.print_title_rows) == (9, "landscape", True, 1, "$1:$1")
    # the sheets wider than a page (CoQuan 295 characters, TheoDoiTuong 276, ToanTinh 240) print their pages of the
    # same rows one after the other, each naming its agency (and category) at its left; every page numbered
    assert [(wb[n].print_title_cols, wb[n].page_setup.pageOrder) for n in ("CoQuan", "TheoDoiTuong", "ToanTinh")] \
        == [("$A:$A", "overThenDown"), ("$A:$B", "overThenDown"), ("$A:$A", "overThenDown")]
    assert {ws.oddFooter.center.text for ws in wb} == {"Trang &P/&N"}
    # a category nobody of is rated has no share (not 0 %)
    rows = list(shares.iter_rows(min_row=2, values_only=True))
    assert [r for r in rows if r[1] == 0] and all(set(r[2:]) == {None} for r in rows if r[1] == 0), rows
    # «Ngày lập», «Hạn nộp»: dates, shown as the PDF prints them (they were texts a filter or a sort could not read)
    made, due = wb["CoQuan"]["C2"], wb["CoQuan"]["D2"]
    assert made.is_date and due.is_date and made.number_format == due.number_format == "dd/mm/yyyy"
    assert f"{made.value:%d/%m/%Y}" in flat and due.value.date() == dt.date(2099, 12, 31)


def test_a_group_over_the_htxs_cap_in_the_agencys_own_check_is_named(packages, tmp_path):
    """The province sees categories, not comparable groups; the agency's table carries its own check per
    group (sheet TyLeHTXS). A group it finds over the cap («VƯỢT TỶ LỆ»: the competent level decided more
    HTXS than 20 % of HTT) was nowhere in the Sở's summary; now «Tình trạng» names it."""
    copy = tmp_path / "pkg"
    shutil.copytree(packages["on_time"], copy)
    table = copy / "nop_so_noi_vu" / "bieu_tong_hop.xlsx"
    wb = load_workbook(table)
    ws = wb["TyLeHTXS"]
    assert ws.cell(row=6, column=10).value == "trong tỷ lệ"
    name = ws.cell(row=6, column=2).value
    pkg = province.read_package(copy)
    assert pkg.groups_over == [] and "vượt tỷ lệ" not in province.status_words(pkg)
    ws.cell(row=6, column=10).value = "VƯỢT TỶ LỆ"
    wb.save(table)
    pkg = province.read_package(copy)
    assert pkg.groups_over == [name]
    assert (f"biểu của cơ quan ghi 1 nhóm có nhiệm vụ tương đồng vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ: «{name}»"
            in province.status_words(pkg))
    summary = province.summarise([copy])
    (tmp_path / "t.pdf").write_bytes(province.pdf_bytes(summary))
    flat = " ".join(subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    # the Sở's paper quotes as every paper does: “…” (the console and the web pages keep «…»)
    assert f"vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ: “{name}”" in flat and "«" not in flat and "»" not in flat
    assert "kết quả kiểm tra theo từng nhóm là của chính cơ quan (phần “Kiểm tra tỷ lệ hoàn thành xuất sắc" in flat
    sheet = load_workbook(io.BytesIO(province.xlsx_bytes(summary)))["CoQuan"]
    assert f"vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ: “{name}”" in sheet.cell(row=2, column=7).value
    assert "HTXS" not in flat


def test_rated_people_without_a_level_are_counted_so_the_levels_add_up(tmp_path):
    """An agency's biểu: 14 rated, levels 1 + 10 + 1 + 1 = 13, «Ghi chú: 1 người chưa có mức» (the 2026
    sample's person with missing periods). The Sở's tables printed 14 and the four levels only: a row
    that did not add up, the missing person nowhere; now a column counts them, per agency and province."""
    row = {"tong": 15, "xep_loai": 14, "HTXS": 1, "HTT": 10, "HT": 1, "KHT": 1, "khong_xep_loai": 1}
    pkgs = [province.Package(tmp_path / n, agency=n, year=2026, counts={"cong_chuc": dict(row),
                                                         "tong_cong": dict(row)})
            for n in ("Sở A", "Sở B")]
    summary = province.Summary(pkgs, [], None, dt.date(2026, 12, 10), 2026)
    (tmp_path / "t.xlsx").write_bytes(province.xlsx_bytes(summary))
    wb = load_workbook(tmp_path / "t.xlsx")
    header = next(wb["TheoDoiTuong"].iter_rows(max_row=1, values_only=True))
    assert header[-1] == "Được xếp loại nhưng chưa có mức"
    rows = [r for r in wb["TheoDoiTuong"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert [(r[0], r[3], r[-1]) for r in rows if r[1] == "Tổng cộng"] == [("Sở A", 14, 1), ("Sở B", 14, 1)]
    totals = {r[0]: r for r in wb["ToanTinh"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert totals["Tổng cộng"][2] == 28 and sum(totals["Tổng cộng"][3:7]) + totals["Tổng cộng"][-1] == 28
    (tmp_path / "t.pdf").write_bytes(province.pdf_bytes(summary))
    flat = " ".join(subprocess.run(["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert flat.count("Được xếp loại nhưng chưa có mức") >= 2  # the agencies' table and the province's (headers repeat per page)


def test_only_undecided_levels_are_called_proposals(tmp_path):
    import json

    root = tmp_path / "out"
    root.mkdir()
    people = [{"ma_so": "A", "muc_de_xuat": "HTT", "muc_quyet_dinh": "HTT"},
              {"ma_so": "B", "muc_de_xuat": "HTXS", "muc_quyet_dinh": None},
              {"ma_so": "C", "muc_de_xuat": None, "muc_quyet_dinh": None}]  # not rated: neither
    (root / province.RATINGS).write_text(json.dumps({"nguoi": people}), encoding="utf-8")
    (root / "manifest.json").write_text(json.dumps({"co_quan": {"ten_co_quan": "X"}}), encoding="utf-8")
    pkg = province.read_package(root)
    assert pkg.proposed == 1
    assert "1 người mới có mức đề xuất" in province.status_words(pkg)
    people[1]["muc_quyet_dinh"] = "HTT"
    (root / province.RATINGS).write_text(json.dumps({"nguoi": people}), encoding="utf-8")
    pkg = province.read_package(root)
    assert pkg.proposed == 0 and "đề xuất" not in province.status_words(pkg)
