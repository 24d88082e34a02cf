"""`hoso init`: the blank workbook has every sheet, labels, keys, drop-downs, formats and a guide;
filled in (by hand-like edits with openpyxl) it passes `hoso check`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import workbook_factory as wf

from pipeline import ingest
from pipeline.cli import main
from pipeline.ingest import blank, cells, schema


def run_cli(args, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    return blank.write(tmp_path_factory.mktemp("init"))


def test_cli_writes_refuses_to_overwrite_and_forces(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["init"], capsys)
    assert code == 0 and out == "" and "ho_so_danh_gia.xlsx" in err
    dest = tmp_path / "ho_so_danh_gia.xlsx"
    dest.write_bytes(b"clerk's work")
    code, _, err = run_cli(["init", "."], capsys)
    assert code == 2 and "đã có; không ghi đè" in err and "--force" in err  # a usage error
    assert "sổ đang có được chép giữ lại thành «ho_so_danh_gia.truoc-<ngày-giờ>.xlsx» bên cạnh" in err
    assert dest.read_bytes() == b"clerk's work"
    # --force replaces it with a blank, but a season's typing is never lost: kept beside, named (it was deleted)
    code, _, err = run_cli(["init", ".", "--force"], capsys)
    assert code == 0 and dest.read_bytes()[:2] == b"PK"
    (kept,) = tmp_path.glob("ho_so_danh_gia.truoc-*.xlsx")
    assert kept.read_bytes() == b"clerk's work"
    assert f"Sổ đang có ở «ho_so_danh_gia.xlsx» được chép giữ lại thành «{kept.name}» (không bị xóa)." in err
    code, _, _ = run_cli(["init", ".", "--force"], capsys)  # again within the second: an earlier copy not covered
    assert code == 0 and len(list(tmp_path.glob("ho_so_danh_gia.truoc-*.xlsx"))) == 2 and kept.read_bytes() == b"clerk's work"
    code, _, _ = run_cli(["init", "moi/thu_muc"], capsys)
    assert code == 0 and (tmp_path / "moi/thu_muc/ho_so_danh_gia.xlsx").exists()
    assert not list(tmp_path.glob("**/.ho_so_*"))  # no temporary file left behind


def test_sheets_named_by_key_with_the_guide_first(made):
    wb = openpyxl.load_workbook(made)
    assert wb.sheetnames == [blank.GUIDE] + [s.key for s in schema.SHEETS] + [blank.LISTS]
    assert wb[blank.LISTS].sheet_state == "hidden" and wb.active.title == blank.GUIDE


@pytest.mark.parametrize("spec", [s for s in schema.SHEETS if not s.key_value], ids=lambda s: s.key)
def test_table_sheet_layout(made, spec):
    wb = openpyxl.load_workbook(made)
    ws = wb[spec.key]
    assert [c.value for c in ws[1]] == [c.label for c in spec.columns]
    assert ws.freeze_panes == "B2"
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    for i, col in enumerate(spec.columns, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        head = ws.cell(row=1, column=i)
        assert f"Mã cột: {col.key}" in head.comment.text
        assert ("Bắt buộc" in head.comment.text) == col.required
        assert ws.column_dimensions[letter].width == max(col.width, 8)
        if col.kind == schema.DATE:
            assert ws.column_dimensions[letter].number_format == "DD/MM/YYYY"
        if col.kind == schema.ID:
            assert ws.column_dimensions[letter].number_format == "@"
        if col.kind in (schema.CODE, schema.LEVEL, schema.YESNO):
            dv = validations[f"{letter}2"]
            assert dv.type == "list" and str(dv.sqref) == f"{letter}2:{letter}1048576"
            offered = _list(wb, dv.formula1)
            convert = cells.converter(col)
            assert [convert(v) for v in offered]  # every offered value is accepted by the reader
            if col.choices:
                assert {convert(v) for v in offered} == set(col.choices)
        if col.kind in (schema.INT, schema.MONTHS, schema.YEAR, schema.NUMBER):
            assert validations[f"{letter}2"].type in ("whole", "decimal")


def _list(wb, formula: str) -> list[str]:
    sheet, ref = formula.split("!")
    col = ref.split(":")[0].split("$")[1]
    first, last = (int(part.split("$")[-1]) for part in ref.split(":"))
    return [wb[sheet.strip("'")][f"{col}{r}"].value for r in range(first, last + 1)]


def test_agency_sheet_is_prefilled_with_the_field_names(made):
    wb = openpyxl.load_workbook(made)
    ws = wb["CoQuan"]
    assert [ws.cell(row=1, column=i).value for i in (1, 2)] == ["Trường", "Giá trị"]
    fields = [ws.cell(row=r, column=1).value for r in range(2, len(schema.CO_QUAN.columns) + 2)]
    assert fields == [c.label for c in schema.CO_QUAN.columns]
    for r, col in enumerate(schema.CO_QUAN.columns, start=2):
        assert f"Mã cột: {col.key}" in ws.cell(row=r, column=1).comment.text
        assert ws.cell(row=r, column=2).value is None
        if col.kind == schema.DATE:
            assert ws.cell(row=r, column=2).number_format == "DD/MM/YYYY"


def test_guide_explains_every_sheet_column_and_code(made):
    wb = openpyxl.load_workbook(made)
    text = "\n".join(str(c.value) for row in wb[blank.GUIDE].iter_rows() for c in row if c.value is not None)
    for spec in schema.SHEETS:
        assert f"Sheet «{spec.key}» — {spec.label}" in text
        for col in spec.columns:
            assert col.key in text and col.label in text
            for code, label in (col.choices or {}).items():
                assert code in text and label in text
    assert "TCVN3" in text and "dd/mm/yyyy" in text and "hoso check" in text


def test_blank_workbook_only_asks_for_the_missing_values(made):
    problems = ingest.check(made)
    assert all(p.is_error for p in problems)  # no warning about the guide or the lists
    assert {p.sheet for p in problems} == {"CoQuan", "DonVi", "NhanSu"}
    required = [c for c in schema.CO_QUAN.columns if c.required]
    assert sorted(p.row for p in problems if p.sheet == "CoQuan") == sorted(
        schema.CO_QUAN.columns.index(c) + 2 for c in required)


def _fill(path: Path, data: dict[str, list], *, as_labels: bool = False) -> None:
    """Type the tables into the init workbook the way a clerk would: under the existing headers."""
    wb = openpyxl.load_workbook(path)
    ws = wb["CoQuan"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for field, value in data["CoQuan"]:
        ws.cell(row=rows[schema.CO_QUAN.column(field).label], column=2, value=value)
    for key, table in data.items():
        spec = schema.SHEETS_BY_KEY[key]
        if spec.key_value:
            continue
        ws = wb[key]
        columns = {c.value: c.column for c in ws[1]}
        for r, record in enumerate(table, start=2):
            for field, value in record.items():
                col = spec.column(field)
                if as_labels and col.choices and value in col.choices:
                    value = col.choices[value] if col.kind == schema.CODE else value
                if as_labels and col.kind == schema.YESNO and isinstance(value, str):
                    value = "Có" if cells.fold(value) == "co" else "Không"
                ws.cell(row=r, column=columns[col.label], value=value)
    wb.save(path)


@pytest.mark.parametrize("as_labels", [False, True], ids=["codes", "drop_down_labels"])
def test_init_then_filled_passes_check(tmp_path, as_labels):
    path = blank.write(tmp_path)
    data = wf.tables()
    data["NgoaiLeTyLe"] = [dict(nhom_tuong_dong="HC/lanh_dao", so_htxs_toi_da=1, so_van_ban="12/UBND-NC",
                                ngay_van_ban=dt.date(2024, 10, 1), co_quan_ban_hanh="UBND tỉnh")]
    _fill(path, data, as_labels=as_labels)
    campaign, problems = ingest.read(path)
    assert problems == [], "\n".join(p.text() for p in problems)
    reference, _ = ingest.read(wf.write(tmp_path / "tham_chieu.xlsx", wf.tables()))
    assert campaign.people == reference.people and campaign.units == reference.units
    assert campaign.agency == reference.agency and dict(campaign.votes) == dict(reference.votes)
    assert campaign.disciplines == reference.disciplines and campaign.emulation == reference.emulation
    assert campaign.scores == reference.scores and len(campaign.cap_overrides) == 1


def test_init_then_filled_with_a_fault_names_the_cell(tmp_path):
    path = blank.write(tmp_path)
    data = wf.tables()
    data["NhanSu"][2]["ngay_sinh"] = "31/02/1990"
    _fill(path, data)
    (problem,) = ingest.check(path)
    assert (problem.sheet, problem.row, problem.column, problem.header) == ("NhanSu", 4, "C", "Ngày sinh")
