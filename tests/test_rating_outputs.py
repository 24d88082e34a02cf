"""The rating outputs: ket_qua_xep_loai.json (cli.md schema), ket_qua_xep_loai.xlsx, `hoso rate`, and
the sample workbook's special cases."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import openpyxl
import pytest
import workbook_factory as wf
from click.testing import CliRunner
from rating_builder import Book

from pipeline import ingest
from pipeline.cli import cli
from pipeline.rating import rate
from pipeline.submission import ratings_file, ratings_xlsx

CONTRACT_PERSON_KEYS = ["ma_so", "ho_ten", "ma_don_vi", "nhom_tuong_dong", "trang_thai", "tu_xep_loai", "muc_de_xuat",
                        "muc_quyet_dinh", "muc_toi_da", "ly_do", "canh_bao", "thi_dua"]
LEVELS = {"HTXS", "HTT", "HT", "KHT", None}


def small_book() -> Book:
    b = Book()
    b.person("A", name="=HYPERLINK(\"http://x\")", vote=(10, 9, 1))
    b.person("B", name="+84 912 345 678", vote=(10, 0, 10), unit="U2")
    b.person("C", name="-Trần Văn C", months=3)
    b.person("D", name="@SUM(A1:A3)", vote=(10, 0, 10), decided="HTT", group="G2")
    b.peers(5)
    b.emulation("B")
    return b


def check_json(doc: dict, rulebook: str) -> None:
    assert list(doc)[:3] == ["nam_danh_gia", "bo_quy_tac", "nguoi"]
    assert doc["bo_quy_tac"] == rulebook
    for p in doc["nguoi"]:
        assert list(p)[:len(CONTRACT_PERSON_KEYS)] == CONTRACT_PERSON_KEYS
        assert p["trang_thai"] in ("xep_loai", "khong_xep_loai")
        for key in ("tu_xep_loai", "muc_de_xuat", "muc_quyet_dinh", "muc_toi_da"):
            assert p[key] in LEVELS
        if p["trang_thai"] == "khong_xep_loai":
            assert p["muc_de_xuat"] is None
        assert all(isinstance(x, str) for x in p["ly_do"] + p["canh_bao"])
        if p["thi_dua"] is not None:
            assert {"de_nghi", "du_dieu_kien", "ly_do"} <= set(p["thi_dua"])
            assert p["thi_dua"]["de_nghi"] in ("LDTT", "CSTDCS")


def test_json_follows_the_contract(tmp_path):
    r = small_book().rate()
    path = tmp_path / "ket_qua_xep_loai.json"
    ratings_file.write(path, r)
    doc = json.loads(path.read_text(encoding="utf-8"))
    check_json(doc, "nd90-2020+nd48-2023")
    assert doc["nam_danh_gia"] == 2024
    c = next(p for p in doc["nguoi"] if p["ma_so"] == "C")
    assert c["trang_thai"] == "khong_xep_loai" and c["muc_toi_da"] is None
    assert {g["nhom"] for g in doc["nhom_tuong_dong"]} == {"G", "G2"}


def test_xlsx_text_is_never_a_formula(tmp_path):
    r = small_book().rate()
    path = tmp_path / "ket_qua_xep_loai.xlsx"
    ratings_xlsx.write(path, r)
    wb = openpyxl.load_workbook(path)
    ws = wb["KetQua"]
    names = {ws.cell(row=i, column=2).value: ws.cell(row=i, column=3) for i in range(2, ws.max_row + 1)}
    for code, expected in [("A", '=HYPERLINK("http://x")'), ("B", "+84 912 345 678"), ("C", "-Trần Văn C"),
                           ("D", "@SUM(A1:A3)")]:
        cell = names[code]
        assert cell.value == expected and cell.data_type == "s"
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name


def test_xlsx_has_one_row_per_person_a_sheet_per_group_and_is_reproducible(tmp_path):
    r = small_book().rate()
    data = ratings_xlsx.to_bytes(r)
    assert data == ratings_xlsx.to_bytes(r)
    path = tmp_path / "k.xlsx"
    path.write_bytes(data)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["KetQua", "TongHopDonVi"]
    assert {"Nhom G", "Nhom G2", "ThiDua", "ThongTin"} <= set(wb.sheetnames)
    header = [c.value for c in wb["KetQua"][1]]
    for title in ("Mã số", "Họ và tên", "Mã đơn vị", "Nhóm tương đồng", "Trạng thái", "Tự xếp loại", "Mức đề xuất",
                  "Mức quyết định", "Mức tối đa", "Lý do", "Cảnh báo", "Thi đua"):
        assert title in header
    assert wb["KetQua"].max_row == 1 + len(r.people)
    group = wb["Nhom G"]
    texts = [c.value for row in group.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("20% của" in t for t in texts)
    # the ranking's share of HTXS ballots is a percentage (it showed 0,8889 for 8/9): each a number shown «0.0%»
    (head,) = [r for r in group.iter_rows() if r[3].value == "Tỷ lệ phiếu HTXS"]
    shares = [r[3] for r in group.iter_rows(min_row=head[3].row + 1) if isinstance(r[0].value, int)]
    assert shares and all(isinstance(c.value, float | int) and c.number_format == "0.0%" for c in shares), shares


def test_xlsx_layout_styles_and_odd_texts(tmp_path):
    """The file written without openpyxl reads back in openpyxl with the layout clerks get: bold,
    filled, wrapped headers, wrapped reason columns, column widths, frozen header row, filters."""
    b = small_book()
    b.person("E", name="Lê _x0041_ <b>&amp; \"Đức\"\x01 ", group="O'Brien & <Co>", vote=(10, 0, 10))
    b.person("F", name="x" * 40_000, vote=(10, 0, 10))
    r = b.rate()
    path = tmp_path / "k.xlsx"
    ratings_xlsx.write(path, r)
    wb = openpyxl.load_workbook(path)
    ws = wb["KetQua"]
    head = ws["A1"]
    assert head.value == "STT" and head.font.b and head.alignment.wrap_text and head.fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:P{1 + len(r.people)}"
    assert {k: d.width for k, d in ws.column_dimensions.items()} == {
        "A": 13, "B": 13, "C": 24, "D": 13, "E": 18, "F": 14, "G": 13, "H": 13, "I": 13, "J": 13, "K": 13, "L": 13,
        "M": 90, "N": 60, "O": 60, "P": 13}
    rows = {row[1].value: row for row in ws.iter_rows(min_row=2)}
    assert rows["A"][0].value == 1 and rows["A"][0].data_type == "n"
    assert rows["E"][2].value == 'Lê _x0041_ <b>&amp; "Đức" '  # literal, control character dropped
    assert rows["F"][2].value == "x" * 32_766 + "…"
    assert rows["A"][12].alignment.wrap_text and not rows["A"][2].alignment.wrap_text and not rows["A"][2].font.b
    assert rows["A"][12].value.startswith("• ") and "\n• " in rows["A"][12].value
    assert rows["A"][10].value is None  # no decided level: an empty cell, not ""
    group = wb[next(n for n in wb.sheetnames if "Brien" in n)]
    assert group.title == "Nhom O'Brien & <Co>" and group["A1"].font.b and group.freeze_panes is None
    assert group.column_dimensions["A"].width == 34 and group.column_dimensions["B"].width == 80
    assert wb["TongHopDonVi"].freeze_panes == "A2" and wb["ThiDua"].auto_filter.ref.startswith("A7:H")
    with zipfile.ZipFile(path) as z:
        workbook_xml = z.read("xl/workbook.xml").decode()
        assert "'Nhom O''Brien &amp; &lt;Co&gt;'!$A$" in workbook_xml  # the group's member table filter
        assert z.testzip() is None
    # printed on A4 (it had no page set-up: the printer's default paper, portrait, the header on page 1 only):
    # KetQua's 406 characters (its widths above) are wider than a landscape page at 60 % (135 / 0.6 = 225): landscape
    # fitted to two pages' width (at its size, before 2026-12-08: five pages across, 117 pages for the sample's 40
    # people, 48 now), the header row on every page; TongHopDonVi's 13 × 10 + 24 + 50 = 204 fit one page's width;
    # the group sheet's 34 + 80 + 24 + 14 + 13 + 14 + 13 + 13 = 205 too, its several tables with no one header row
    def page(ws) -> tuple[object, ...]:
        fit = ws.sheet_properties.pageSetUpPr
        return (ws.page_setup.paperSize, ws.page_setup.orientation, bool(fit and fit.fitToPage),
                ws.page_setup.fitToWidth, ws.page_setup.fitToHeight, ws.print_title_rows)

    assert page(ws) == (9, "landscape", True, 2, 0, "$1:$1")
    assert page(wb["TongHopDonVi"]) == (9, "landscape", True, 1, 0, "$1:$1")
    assert page(group) == (9, "landscape", True, 1, 0, None)
    # on paper (looked at rendered by LibreOffice Calc, 2026-12-08): KetQua's pages of the same people follow each
    # other, each naming them at its left (STT, Mã số, Họ và tên); every page numbered «Trang 2/5»; a row as tall as
    # its wrapped reasons (LibreOffice sizes no row when it opens the file: the reasons printed one line high, each
    # over the next person's)
    assert (ws.print_title_cols, ws.page_setup.pageOrder) == ("$A:$C", "overThenDown")
    assert wb["TongHopDonVi"].page_setup.pageOrder is None  # one page wide: no order to choose
    assert {s.oddFooter.center.text for s in wb} == {"Trang &P/&N"}
    reasons = rows["A"][12].value  # column «Lý do», 90 wide: ~107 characters a line, each «• …» on a line of its own
    lines = sum(-(-len(part) // 107) for part in reasons.split("\n"))
    assert lines > 1 and ws.row_dimensions[rows["A"][12].row].height == 15 * lines
    # and the row's name and levels at its top, beside the first line of its reasons (at the row's foot, they read
    # as the next person's)
    assert {c.alignment.vertical for c in rows["A"] if c.value is not None} == {"top"}
    # a group sheet's long label wraps in its 34 (bold), its row two lines tall: it was cut by its value
    # («Đã có mức quyết định HTXS / HTT (giữ ch» beside «0 / 0»)
    [label] = [c for c in group["A"] if c.value == "Đã có mức quyết định HTXS / HTT (giữ chỗ trước)"]
    assert label.alignment.wrap_text and group.row_dimensions[label.row].height == 30


def test_group_sheet_names_are_valid_and_unique():
    b = Book()
    b.person("A", group="Phòng/Ban:1*", self_level="HTT")
    b.person("B", group="Phòng_Ban_1_", self_level="HTT")
    b.person("C", group="x" * 40, self_level="HTT")
    wb = ratings_xlsx.workbook(b.rate())
    names = [n for n in wb.sheetnames if n.startswith("Nhom")]
    assert len(names) == 3 and len({n.casefold() for n in names}) == 3
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


# ------------------------------------------------------------------ the sample workbook
@pytest.fixture(scope="module")
def sample_ratings(sample):
    return rate(ingest.load(sample))


@pytest.mark.parametrize("code, status, level, phrase", [
    ("VP-008", "xep_loai", "KHT", "điểm a khoản 5 Điều 2"),
    ("VP-028", "khong_xep_loai", None, "vẫn phải kiểm điểm"),
    ("VP-033", "xep_loai", "HTT", "thai sản"),
    ("VP-027", "xep_loai", "HT", "từ 3 đến dưới 6 tháng"),
    ("VP-039", "xep_loai", "HTT", "điểm c khoản 5 Điều 2"),
    ("VP-026", "xep_loai", "HTT", "đúng một nửa"),
    ("VP-016", "xep_loai", "HTXS", "giữ mức Hoàn thành xuất sắc"),
    ("VP-017", "xep_loai", "HTT", "vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ"),
    ("VP-018", "xep_loai", "HTT", "vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ"),
])
def test_sample_special_cases(sample_ratings, code, status, level, phrase):
    pr = sample_ratings.of(code)
    assert pr.trang_thai == status
    assert pr.muc_de_xuat == level
    assert any(phrase in x for x in pr.ly_do), pr.ly_do
    assert all("căn cứ:" in x for x in pr.ly_do)


def test_sample_groups_and_emulation(sample_ratings):
    g = sample_ratings.group("TH/chuyen_vien")
    assert (g.so_htxs_de_nghi, g.so_htt_de_nghi, g.so_htxs_giu) == (3, 5, 1)
    assert g.ha_muc == ("VP-017", "VP-018")
    assert sample_ratings.of("VP-039").muc_toi_da == "HTXS"
    assert not sample_ratings.of("VP-008").thi_dua.du_dieu_kien
    assert not sample_ratings.of("VP-021").thi_dua.du_dieu_kien  # 5/10 votes
    assert sample_ratings.bo_quy_tac == "nd90-2020+nd48-2023"


def test_hoso_rate_writes_both_files_and_prints_a_unit_summary(sample, tmp_path):
    out = tmp_path / "rate"
    result = CliRunner().invoke(cli, ["rate", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "nd90-2020+nd48-2023" in text
    assert "HCQT" in text and "HTXS" in text and "Tỷ lệ HTXS" in text
    assert "đã hạ VP-017, VP-018" in text
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    check_json(doc, "nd90-2020+nd48-2023")
    assert (out / "ket_qua_xep_loai.xlsx").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"ket_qua_xep_loai.json", "ket_qua_xep_loai.xlsx"} <= {f["path"] for f in manifest["files"]}


def test_hoso_rate_bo_quy_tac_option(sample, tmp_path):
    out = tmp_path / "rate335"
    result = CliRunner().invoke(cli, ["rate", str(sample), "-o", str(out), "--bo-quy-tac", "nd335-2025"])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    check_json(doc, "nd335-2025")
    bad = CliRunner().invoke(cli, ["rate", str(sample), "-o", str(out), "--bo-quy-tac", "khong-co"])
    assert bad.exit_code == 2


def test_build_accepts_bo_quy_tac():
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert "--bo-quy-tac" in result.output


def test_decided_dates_and_documents_in_reasons_are_formatted():
    b = Book()
    b.person("A", vote=(10, 0, 10))
    b.discipline("A", "dang", dt.date(2024, 3, 9), number="7-QĐ/UBKT")
    x = b.rate().of("A").ly_do
    assert any("09/03/2024" in r and "7-QĐ/UBKT" in r for r in x)


# ------------------------------------------------------------------ the workbook contract extension
def extended_sample(sample, tmp_path, *, bo_quy_tac: str | None = None):
    wb = openpyxl.load_workbook(sample)
    ws = wb.create_sheet("NgoaiLeTyLe")
    ws.append(["nhom_tuong_dong", "so_htxs_toi_da", "so_van_ban", "ngay_van_ban", "co_quan_ban_hanh"])
    ws.append(["TH/chuyen_vien", 2, "88/UBND-NC", "25/11/2024", "UBND tỉnh"])
    ns = wb["NhanSu"]
    col = ns.max_column + 1
    ns.cell(row=1, column=col, value="Mức xếp loại đảng viên")
    codes = [c.value for c in ns["A"]]
    ns.cell(row=codes.index("VP-026") + 1, column=col, value="HTXS")
    kl = wb["KyLuat"]
    kcol = kl.max_column + 1
    kl.cell(row=1, column=kcol, value="lien_quan_cong_vu")
    kl.cell(row=2, column=kcol, value="Không")
    if bo_quy_tac:
        wb["CoQuan"].append(["bo_quy_tac", bo_quy_tac])
    path = tmp_path / "mo_rong.xlsx"
    wb.save(path)
    return path


def test_workbook_extension_cap_exception_and_party_level(sample, tmp_path):
    campaign = ingest.load(extended_sample(sample, tmp_path))
    assert campaign.cap_overrides[0].so_van_ban == "88/UBND-NC"
    assert campaign.person("VP-026").muc_dang_vien == "HTXS"
    assert campaign.disciplines[0].lien_quan_cong_vu is False
    r = rate(campaign)
    g = r.group("TH/chuyen_vien")
    assert g.so_htxs_giu == 2 and g.ha_muc == ("VP-018",) and "88/UBND-NC" in g.ngoai_le
    assert any("88/UBND-NC" in x and "25/11/2024" in x for x in r.of("VP-017").ly_do)
    assert any("đảng viên" in w for w in r.of("VP-026").canh_bao)
    assert r.of("VP-008").muc_de_xuat == "KHT"  # ND 48 counts any discipline, in duty or not


def test_unknown_rulebook_in_the_workbook_is_a_clear_error(sample, tmp_path, capsys):
    from pipeline.cli import main
    path = extended_sample(sample, tmp_path, bo_quy_tac="nd-khong-co")
    with pytest.raises(SystemExit) as exc:
        main(["rate", str(path), "-o", str(tmp_path / "out")])
    assert exc.value.code == 3
    assert "Không có bộ quy tắc «nd-khong-co»" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_xlsx_written_by_a_helper_process_is_the_same_file(tmp_path, monkeypatch):
    from pipeline.ingest import forked

    r = small_book().rate()
    monkeypatch.setattr(ratings_xlsx, "BACKGROUND_MIN_PEOPLE", 0)
    monkeypatch.setattr(forked, "available", lambda: True)
    path = tmp_path / "k.xlsx"
    with ratings_xlsx.writing(path, r):
        pass
    assert path.read_bytes() == ratings_xlsx.to_bytes(r)

    class Broken(forked.Forked):  # the helper fails: the file is written here instead
        def result(self):
            super().result()
            raise forked.Failed

    monkeypatch.setattr(forked, "Forked", Broken)
    path.unlink()
    with ratings_xlsx.writing(path, r):
        pass
    assert path.read_bytes() == ratings_xlsx.to_bytes(r)

    started = []
    monkeypatch.setattr(forked, "Forked", lambda work: started.append(1) or Broken(lambda: None))
    with pytest.raises(ZeroDivisionError), ratings_xlsx.writing(tmp_path / "never.xlsx", r):
        1 / 0  # noqa: B018 - the other work fails: nothing more is written
    assert started and not (tmp_path / "never.xlsx").exists()


def test_rate_does_not_import_the_form_and_bundle_libraries(sample, tmp_path):
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.cli import main\ntry:\n    main(['rate', sys.argv[1], '-o', sys.argv[2]])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'docxtpl', 'docx', 'jinja2', 'reportlab'}))")
    proc = subprocess.run([sys.executable, "-c", code, str(sample), str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
    assert (tmp_path / "out" / "ket_qua_xep_loai.xlsx").exists()


def test_a_group_the_workbook_writes_as_a_code_is_named_in_words_with_its_unit(sample, tmp_path):
    """The sample's NhanSu «Nhóm tương đồng» «TH/chuyen_vien» (unit TH «Phòng Tổng hợp»): the papers print
    «Chuyên viên – Phòng Tổng hợp»; the ratings file, its reasons and the console call it so too — one name for
    one group in everything the clerk reads or sends."""
    out = tmp_path / "rate"
    result = CliRunner().invoke(cli, ["rate", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "«Chuyên viên – Phòng Tổng hợp»" in result.output and "«TH/chuyen_vien»" not in result.output
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    vp017 = next(p for p in doc["nguoi"] if p["ma_so"] == "VP-017")
    assert vp017["nhom_tuong_dong"] == "TH/chuyen_vien"  # the key stays the workbook's
    assert any("«Chuyên viên – Phòng Tổng hợp»" in r for r in vp017["ly_do"])
    assert not any("TH/chuyen_vien" in r for r in vp017["ly_do"])
    wb = openpyxl.load_workbook(out / "ket_qua_xep_loai.xlsx")
    rows = {r[1]: r for r in wb["KetQua"].iter_rows(min_row=2, values_only=True)}
    assert rows["VP-017"][4] == "Chuyên viên – Phòng Tổng hợp"
    sheet = next(ws for ws in wb if ws.title.startswith("Nhom TH"))
    assert sheet["A1"].value.startswith("Nhóm tương đồng “Chuyên viên – Phòng Tổng hợp”")
    status = {r[0]: r[10] for r in wb["TongHopDonVi"].iter_rows(min_row=2, values_only=True)}
    assert "nhóm “Chuyên viên – Phòng Tổng hợp”: vượt tỷ lệ" in status["TH"]


def test_an_exception_may_name_the_group_as_the_outputs_print_it(sample, tmp_path):
    """Sheet NgoaiLeTyLe naming the group «Chuyên viên – Phòng Tổng hợp» (as the papers and the ratings file
    print it) is the exception of the group the workbook wrote «TH/chuyen_vien»: 2 HTXS kept, as the document
    88/UBND-NC allows, so only VP-018 moves down."""
    path = extended_sample(sample, tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["NgoaiLeTyLe"]["A2"] = "Chuyên viên – Phòng Tổng hợp"
    wb.save(path)
    g = rate(ingest.load(path)).group("TH/chuyen_vien")
    assert g.so_htxs_giu == 2 and g.ha_muc == ("VP-018",) and "88/UBND-NC" in g.ngoai_le


def test_the_citizen_id_goes_with_the_results_of_those_who_have_one(tmp_path):
    """NhanSu «Số định danh cá nhân», the key of each person's record in the national database: in
    ket_qua_xep_loai.json for those whose row has one (typed with spaces between the groups of digits, as
    printed on some cards), absent for the others, as the file was before the column."""
    data = wf.tables()
    data["NhanSu"][1]["so_dinh_danh"] = "001 180 012 345"  # Trần Thị Bình, a woman born in 1980
    data["NhanSu"][4]["so_dinh_danh"] = "079095001234"  # Hoàng Văn Em, a man born in 1995
    src = wf.write(tmp_path / "so.xlsx", data)
    out = tmp_path / "rate"
    result = CliRunner().invoke(cli, ["rate", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    assert {p["ma_so"]: p.get("so_dinh_danh") for p in doc["nguoi"]} == {
        "NS-01": None, "NS-02": "001180012345", "NS-03": None, "NS-04": None, "NS-05": "079095001234", "NS-06": None}
    ws = openpyxl.load_workbook(out / "ket_qua_xep_loai.xlsx")["KetQua"]
    head = [c.value for c in ws[1]]
    assert head[-1] == "Số định danh cá nhân"
    ids = {r[head.index("Mã số")].value: r[-1] for r in ws.iter_rows(min_row=2)}
    assert (ids["NS-02"].value, ids["NS-02"].data_type, ids["NS-01"].value) == ("001180012345", "s", None)


def test_an_empty_citizen_id_column_keeps_the_fingerprints_of_folders_built_before_it(tmp_path):
    """A person's rows are fingerprinted (manifest `du_lieu_nguoi`: the people a rebuild names as changed): the
    column present and empty names nobody; a number typed for one person names that person only (printed on no
    paper, it leaves every paper as it was)."""
    from pipeline.submission import changes

    before = changes.person_fingerprints(ingest.load(wf.write(tmp_path / "truoc.xlsx", wf.tables())))
    data = wf.tables()
    for p in data["NhanSu"]:
        p["so_dinh_danh"] = None
    assert changes.person_fingerprints(ingest.load(wf.write(tmp_path / "trong.xlsx", data))) == before
    data["NhanSu"][1]["so_dinh_danh"] = "001180012345"
    after = changes.person_fingerprints(ingest.load(wf.write(tmp_path / "co.xlsx", data)))
    assert [m for m in before if after[m] != before[m]] == ["NS-02"]


def test_the_rulebook_settings_read_in_vietnamese():
    """ThongTin listed the rulebook's settings as Python prints them («True», «None», «0.2», «floor», «{'HTXS': 90}»):
    a clerk reads «Có», «không có», «0,2», «làm tròn xuống», «HTXS: 90; …»."""
    words = ratings_xlsx.setting_words
    assert [words(v) for v in (True, False, None, 0.2, 6, "floor", "ceil", [3, 6])] == \
        ["Có", "Không", "không có", "0,2", "6", "làm tròn xuống", "làm tròn lên", "3, 6"]
    assert words({"HTXS": 90, "HT": 50.5, "w": [1, 1], "x": {"a": None}}) == "HTXS: 90; HT: 50,5; w: (1, 1); x: (a: không có)"
    book = ratings_xlsx.workbook(small_book().rate())
    info = {row[0][0]: row[0][1] for row in book["ThongTin"].rows.values() if len(row[0]) > 1}
    settings = {k: v for k, v in info.items() if isinstance(k, str) and k.startswith("Thiết lập: ")}
    assert settings and not [v for v in settings.values() if re.search(r"True|False|None|floor|\{|\[|\d\.\d", v)], settings
