"""Messages a clerk meets in a season (issue 18 §7): names with extra spaces, a code typo, a
month-first date, the clerk's words instead of codes, agency leaders placed in a phòng, click's
own words in Vietnamese, whole command summaries, files readable by the group."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import workbook_factory as wf

from pipeline import ingest
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def texts(problems, severity=None) -> list[str]:
    return [p.text() for p in problems if severity is None or p.severity == severity]


def test_extra_spaces_in_a_name_are_collapsed_and_warned(tmp_path):
    data = wf.tables()
    data["NhanSu"][2]["ho_ten"] = "Lê  Quang   Cường"
    path = wf.write(tmp_path / "so.xlsx", data)
    campaign, problems = ingest.read(path)
    assert campaign.person("NS-03").ho_ten == "Lê Quang Cường"
    warned = [p for p in problems if "khoảng trắng thừa" in p.message]
    assert len(warned) == 1 and warned[0].severity == "canh_bao" and warned[0].row == 4
    assert "«Lê Quang Cường»" in warned[0].text()


@pytest.mark.parametrize(("key", "typed", "guess"), [
    ("vai_tro", "truogn", "Người đứng đầu"),
    ("tu_xep_loai", "HTTX", "HTT"),
    ("loai_nhan_su", "cong chu", "Công chức"),
])
def test_a_code_typo_asks_did_you_mean(tmp_path, key, typed, guess):
    data = wf.tables()
    data["NhanSu"][2][key] = typed
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    errors = [p for p in problems if p.is_error and p.value == typed]
    assert len(errors) == 1 and f"có phải «{guess}»?" in errors[0].text(), texts(problems)


def test_a_month_first_date_says_so(tmp_path):
    data = wf.tables()
    data["NhanSu"][2]["ngay_sinh"] = "12/25/1990"
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    (p,) = [p for p in problems if p.is_error]
    assert "tháng/ngày/năm" in p.message and "25/12/1990" in p.message and p.cell.endswith("4")


def test_values_in_messages_are_the_clerk_s_words_and_leaders_get_a_way_to_model_them(tmp_path):
    data = wf.tables()
    # the agency head (CoQuan.nguoi_dung_dau, Nguyễn Văn An) put as head of a phòng that has its own head
    data["NhanSu"][1]["vai_tro"] = "truong"
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    (p,) = [p for p in problems if p.is_error]
    assert p.value == "Người đứng đầu" and "truong" not in p.text()
    assert "lãnh đạo cơ quan" in p.text() and "DonVi" in p.text()


def test_click_speaks_vietnamese_and_summaries_are_whole(capsys):
    code, out, err = run_cli(["check"], capsys)
    assert code == 2 and "Cách dùng:" in err and "Thiếu tham số" in err and "Usage" not in err
    code, out, _ = run_cli(["--help"], capsys)
    assert code == 0 and "Hiện hướng dẫn này rồi thoát." in out and "Lệnh:" in out and "Show this" not in out
    assert "..." not in out.replace("[THAM SỐ]...", "") and "…" not in out
    assert "Tạo sổ Excel trống (ho_so_danh_gia.xlsx): đủ các sheet, danh sách chọn, hướng dẫn; hoặc sổ năm sau (--tu)." \
        in " ".join(out.split())
    assert "thư mục nop_so_noi_vu hoặc tệp" in " ".join(out.split()) and "mục     nop" not in out


def test_every_command_s_help_is_vietnamese(capsys):
    """No English placeholder of click («TEXT», «INTEGER RANGE», «PATH») in any command's help."""
    import re

    from pipeline.cli import cli

    def commands(group, prefix):
        for name, cmd in group.commands.items():
            yield [*prefix, name]
            if hasattr(cmd, "commands"):
                yield from commands(cmd, [*prefix, name])

    english = re.compile(r"\b(TEXT|INTEGER|FLOAT|PATH|FILE|DIRECTORY|BOOLEAN|RANGE|Usage|Options|Show this)\b")
    for args in commands(cli, []):
        code, out, _ = run_cli([*args, "--help"], capsys)
        assert code == 0 and not english.findall(out), (args, english.findall(out))


def test_new_files_are_readable_by_the_group(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        code, _, err = run_cli(["init", tmp_path / "moi"], capsys)
    finally:
        os.umask(old)
    assert code == 0, err
    mode = stat.S_IMODE((tmp_path / "moi" / "ho_so_danh_gia.xlsx").stat().st_mode)
    assert mode == 0o644, oct(mode)


def test_one_bad_id_does_not_cascade_into_other_sheets(tmp_path):
    data = wf.tables()
    data["NhanSu"][0]["ma_so"] = "NS 01"  # a space: not a code; the other sheets keep NS-01 or repeat the slip
    data["TuDanhGia"][0]["ma_so"] = "NS 01"
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    errors = [p for p in problems if p.is_error]
    assert len(errors) == 1, texts(problems)
    (p,) = errors
    assert p.sheet == "NhanSu" and p.cell == "A2"
    assert "TuDanhGia ô A2" in p.message and "BieuQuyet ô A2" in p.message and "ChamDiem ô A2" in p.message


def test_a_title_row_above_the_header_is_reported_and_the_rest_still_checked(tmp_path):
    import openpyxl

    data = wf.tables()
    data["NhanSu"][2]["ngay_sinh"] = "32/01/1990"
    path = wf.write(tmp_path / "so.xlsx", data)
    wb = openpyxl.load_workbook(path)
    wb["NhanSu"].insert_rows(1)
    wb["NhanSu"]["A1"] = "DANH SÁCH NHÂN SỰ"
    wb.save(path)
    problems = ingest.check(path)
    assert [(p.sheet, p.row, p.column) for p in problems if p.is_error] == [("NhanSu", 1, None), ("NhanSu", 5, "C")], \
        texts(problems)
    assert "đang ở dòng 2" in problems[0].message


def test_an_agency_deputy_placed_in_a_phong_is_told_how_to_model_leaders(tmp_path):
    data = wf.tables()
    # the agency's head post is «Chánh Văn phòng»; NS-03, a «Phó Chánh Văn phòng», sits in phòng HC, headed by NS-01
    data["NhanSu"][2].update(chuc_vu="Phó Chánh Văn phòng", vai_tro="pho")
    data["CoQuan"] = [(f, "Lê Văn Khác" if f == "nguoi_dung_dau" else v) for f, v in data["CoQuan"]]
    problems = ingest.check(wf.write(tmp_path / "so.xlsx", data))
    warned = [p for p in problems if "lãnh đạo cơ quan" in p.text()]
    assert len(warned) == 1 and warned[0].row == 4 and not warned[0].is_error, texts(problems)
    assert "đơn vị riêng" in warned[0].text() and "DonVi" in warned[0].text()


def test_diff_of_a_folder_that_is_no_build_is_unreadable(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    code, _, err = run_cli(["diff", tmp_path / "a", tmp_path / "b"], capsys)
    assert code == 4 and "không phải thư mục kết quả của hoso build" in err


def test_same_agency_name_with_other_staff_is_another_agency(tmp_path):
    from pipeline.errors import OutputError
    from pipeline.output_guard import check_agency

    campaign = ingest.load(wf.write(tmp_path / "so.xlsx", wf.tables()))
    mine = {"co_quan": {"ten_co_quan": campaign.agency.ten_co_quan, "tep_dau_vao": "so.xlsx"},
            "ca_nhan": [{"ma_so": p.ma_so} for p in campaign.people]}
    check_agency(mine, campaign, tmp_path / "so_v2.xlsx", tmp_path / "out", allowed=False, log=print)  # renamed: fine
    theirs = dict(mine, ca_nhan=[{"ma_so": f"X-{i}"} for i in range(6)])
    with pytest.raises(OutputError, match="chỉ 0 người trùng mã số"):
        check_agency(theirs, campaign, tmp_path / "so.xlsx", tmp_path / "out", allowed=False, log=print)
    check_agency(theirs, campaign, tmp_path / "so.xlsx", tmp_path / "out", allowed=True, log=lambda s: None)


KEYS_SEEN = ("KetQuaKy", "NhanSu", "KyLuat", "CoQuan")  # sheets this workbook names «Kết quả kỳ», «Nhân sự» …


def test_messages_name_the_sheets_as_the_clerk_s_workbook_does(tmp_path, capsys):
    """A workbook whose tabs are «Nhân sự», «Kết quả kỳ» … : check, rate and build send the clerk to
    those tabs, never to «KetQuaKy» or «NhanSu», which his file does not have."""
    import openpyxl

    book = wf.sheets_named_by_label(ROOT / "data" / "mau_ho_so_2026.xlsx", tmp_path / "so.xlsx")
    # check: an unknown person in «Kết quả kỳ», and the sample's warnings (a month missing)
    bad = openpyxl.load_workbook(book)
    bad["Kết quả kỳ"].cell(4, 1).value = "XX-999"
    bad.save(tmp_path / "loi.xlsx")
    code, out, err = run_cli(["check", tmp_path / "loi.xlsx"], capsys)
    out += err
    assert code == 3
    assert "Cần: một mã số đã khai ở sheet «Nhân sự»" in out
    assert "một dòng ở sheet «Kết quả kỳ»" in out
    assert not [k for k in KEYS_SEEN if k in out], out
    # rate: the rating's own warnings (a leader's d) while someone failed; the missing month)
    code, out, err = run_cli(["rate", book, "-o", tmp_path / "xl"], capsys)
    out += err
    assert code == 0
    assert "Kiểm tra lại các kỳ này ở sheet «Kết quả kỳ»." in out
    assert "Bổ sung kết quả các kỳ còn thiếu ở sheet «Kết quả kỳ»." in out
    assert "(sheet «Cơ quan», «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ»)" in out
    assert not [k for k in KEYS_SEEN if k in out], out
    written = " ".join(str(v) for ws in openpyxl.load_workbook(tmp_path / "xl" / "ket_qua_xep_loai.xlsx")
                       for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str))
    # the .xlsx is a paper: quoted “…” (pipeline/quotes.py)
    assert "sheet \u201cKết quả kỳ\u201d" in written and not [k for k in KEYS_SEEN if k in written]
    # build (one person: the lines are the build's, from the same workbook)
    code, out, err = run_cli(["build", book, "-o", tmp_path / "out", "--person", "VP-021"], capsys)
    assert code == 0, out + err
    assert "ở sheet «Kết quả kỳ»" in out + err
    assert not [k for k in KEYS_SEEN if k in out + err], out + err
    # a refusal's words too: a form edited by hand in the output, then built again
    edited = next((tmp_path / "out").rglob("*.docx"))
    edited.write_bytes(edited.read_bytes() + b"\0")
    code, out, err = run_cli(["build", book, "-o", tmp_path / "out", "--person", "VP-021"], capsys)
    assert code == 7 and "sửa tay" in out + err
    assert "sheet «Tự đánh giá»; họ tên, chức vụ, nơi cư trú: sheet «Nhân sự»" in out + err
    assert not [k for k in (*KEYS_SEEN, "TuDanhGia") if k in out + err], out + err
