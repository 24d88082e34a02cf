"""`hoso tong-hop`'s PDF as the biểu a Sở files with its report to the UBND tỉnh: a letterhead (the UBND of the
province over the compiling body, the quốc hiệu and tiêu ngữ, the place and date line), the title with the report it
goes with, the tables, and a signature block (the one who drew it up, the body's head, names left for handwriting);
the count tables' header cells no more than four lines.

Two real builds (LibreOffice) of tests/workbook_factory.py: its agency «Văn phòng UBND tỉnh Thử Nghiệm» (CoQuan
«Cơ quan chủ quản» «UBND TỈNH THỬ NGHIỆM»), and «Sở Tư pháp» of another province, whose name says no province: only
its superior body «UBND TỈNH QUẢNG NGÃI», which the manifest now carries (`co_quan.co_quan_chu_quan`), does.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from pipeline import api, clock
from pipeline.submission import province
from tests import workbook_factory as wf
from tests.fakes import run_main

OTHER = "Sở Tư pháp"


def _build(tmp: Path, key: str, cache: Path, **cells: str) -> Path:
    data = wf.tables()
    data["CoQuan"] = [(k, cells.get(k, v)) for k, v in data["CoQuan"]]
    out = tmp / key
    api.build(wf.write(tmp / f"{key}.xlsx", data), out, api.BuildOptions(cache_dir=cache))
    return out


@pytest.fixture(scope="module")
def agencies(tmp_path_factory, cache_dir) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("so2")
    return {"tn": _build(tmp, "tn", cache_dir / "so2"),
            "qn": _build(tmp, "qn", cache_dir / "so2", ten_co_quan=OTHER, co_quan_chu_quan="UBND TỈNH QUẢNG NGÃI",
                         dia_danh="Quảng Ngãi", ky_hieu_van_ban="STP")}


def _summary(packages: list[Path], out: Path, capsys, *extra: str) -> Path:
    code, err = run_main(["tong-hop", *map(str, packages), "-o", str(out), *extra], capsys)
    assert code == 0, err
    return out / province.PDF


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines as pdftotext -layout prints them, spaces collapsed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in text.split("\f")
            if page.strip()]


def test_the_summary_has_the_letterhead_and_signatures_of_a_paper(agencies, tmp_path, capsys, cli_in_process):
    pages = _pages(_summary([agencies["tn"]], tmp_path / "snv", capsys))
    year = clock.today().year
    # the two columns of the letterhead side by side: the UBND of the province over the Sở Nội vụ (ND 30/2020)
    assert pages[0][:3] == ["UBND TỈNH THỬ NGHIỆM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                            "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc",
                            f"Thử Nghiệm, ngày …… tháng …… năm {year}"]
    assert pages[0][3:6] == [f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {wf.YEAR}",
                             "cán bộ, công chức, viên chức và người lao động của các cơ quan, đơn vị",
                             "(Kèm theo Báo cáo số …………/BC-SNV của Sở Nội vụ tỉnh Thử Nghiệm)"]
    assert pages[0][6].startswith("Lập ngày ")
    # the signatures end the last page, after the province's «Tổng cộng» (never a page of signatures alone);
    # nothing under them but the page number: the names are written by hand
    last = pages[-1]
    assert last[-3:] == ["NGƯỜI LẬP BIỂU GIÁM ĐỐC", "(Ký, ghi rõ họ tên) (Ký, ghi rõ họ tên)",
                         f"Trang {len(pages)}/{len(pages)}"]
    assert any(line.startswith("Tổng cộng ") for line in last[:-3])
    assert sum("NGƯỜI LẬP BIỂU" in line for page in pages for line in page) == 1


def test_the_province_comes_from_the_superior_body_the_manifest_carries(agencies, tmp_path, capsys, cli_in_process):
    import json

    assert json.loads((agencies["qn"] / "manifest.json").read_text("utf-8"))["co_quan"]["co_quan_chu_quan"] == \
        "UBND TỈNH QUẢNG NGÃI"
    pages = _pages(_summary([agencies["qn"]], tmp_path / "snv", capsys))
    assert pages[0][:3] == ["UBND TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                            "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc",
                            f"Quảng Ngãi, ngày …… tháng …… năm {clock.today().year}"]
    assert "(Kèm theo Báo cáo số …………/BC-SNV của Sở Nội vụ tỉnh Quảng Ngãi)" in pages[0]


def test_packages_of_two_provinces_leave_the_province_dotted(agencies, tmp_path, capsys, cli_in_process):
    pages = _pages(_summary([agencies["tn"], agencies["qn"]], tmp_path / "snv", capsys))
    assert pages[0][:3] == ["UBND ………… CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ NỘI VỤ Độc lập - Tự do - Hạnh phúc",
                            f"…………, ngày …… tháng …… năm {clock.today().year}"]
    assert "(Kèm theo Báo cáo số …………/BC-SNV của Sở Nội vụ)" in pages[0]
    assert pages[-1][-3] == "NGƯỜI LẬP BIỂU GIÁM ĐỐC"


def test_another_compiling_body_is_named_and_its_head_left_to_correct(agencies, tmp_path, capsys, cli_in_process):
    """A body that is not a Sở: neither its superior nor its head's post is known — dots and «THỦ TRƯỞNG CƠ QUAN»
    (templates/tong_hop_so_noi_vu.toml). A Sở named with its province: the province is its, not repeated under
    the UBND, headed by its Giám đốc."""
    body = "Ban Quản lý các khu công nghiệp"
    pages = _pages(_summary([agencies["tn"]], tmp_path / "ban", capsys, "--noi-tong-hop", body))
    assert pages[0][:2] == ["………… CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                            "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP Độc lập - Tự do - Hạnh phúc"]
    assert f"(Kèm theo Báo cáo số …………/BC-………… của {body})" in pages[0]
    assert pages[-1][-3] == "NGƯỜI LẬP BIỂU THỦ TRƯỞNG CƠ QUAN"
    # the Sở Y tế of Quảng Ngãi summing the Thử Nghiệm agency's package: the province its own name says
    pages = _pages(_summary([agencies["tn"]], tmp_path / "syt", capsys, "--noi-tong-hop", "Sở Y tế tỉnh Quảng Ngãi"))
    assert pages[0][:3] == ["UBND TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                            "SỞ Y TẾ Độc lập - Tự do - Hạnh phúc", f"Quảng Ngãi, ngày …… tháng …… năm {clock.today().year}"]
    assert pages[-1][-3] == "NGƯỜI LẬP BIỂU GIÁM ĐỐC"


def test_a_so_words_its_summary_from_its_own_templates_folder(agencies, tmp_path, capsys, cli_in_process):
    """The summary's wording is UNCONFIRMED and a Sở corrects it: exported with `hoso templates export`, the copy of
    tong_hop_so_noi_vu.toml edited, `--templates` prints the corrected words; a malformed copy stops the run naming
    the file (exit 8, nothing written) rather than printing the program's words the Sở had corrected; a folder
    exported before the file existed keeps the program's words and says so in one line."""
    own = tmp_path / "mau_rieng"
    code, err = run_main(["templates", "export", str(own)], capsys)
    assert code == 0, err
    toml = own / province.LABELS_FILE
    toml.write_text(toml.read_text("utf-8").replace('nguoi_lap = "NGƯỜI LẬP BIỂU"', 'nguoi_lap = "NGƯỜI TỔNG HỢP"')
                    .replace('thu_truong_so = "GIÁM ĐỐC"', 'thu_truong_so = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"'), "utf-8")
    pages = _pages(_summary([agencies["tn"]], tmp_path / "own", capsys, "--templates", str(own)))
    # a deputy signing for the Giám đốc: «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC», as the file's comment shows
    assert pages[-1][-4:-1] == ["NGƯỜI TỔNG HỢP KT. GIÁM ĐỐC", "(Ký, ghi rõ họ tên) PHÓ GIÁM ĐỐC",
                                "(Ký, ghi rõ họ tên)"]
    assert not any("NGƯỜI LẬP BIỂU" in line for page in pages for line in page)

    # a key written wrong: its correction would be lost silently (the program's «GIÁM ĐỐC» under a deputy's hand)
    toml.write_text('[labels]\nthu_truong_s0 = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"\n', "utf-8")
    code, err = run_main(["tong-hop", str(agencies["tn"]), "-o", str(tmp_path / "typo"), "--templates", str(own)], capsys)
    assert code == 8 and "thu_truong_s0 không phải lời văn nào của bản tổng hợp" in err and "thu_truong_so" in err
    assert not (tmp_path / "typo" / province.PDF).exists()

    toml.write_text('[labels]\nnguoi_lap = "NGƯỜI TỔNG HỢP\n', "utf-8")  # a quote left open
    code, err = run_main(["tong-hop", str(agencies["tn"]), "-o", str(tmp_path / "bad"), "--templates", str(own)], capsys)
    assert code == 8
    assert f"«{toml}»" in err and "[labels]" in err and "sai cú pháp TOML ở dòng 2, cột" in err and "Illegal" not in err
    assert not (tmp_path / "bad" / province.PDF).exists()

    toml.unlink()
    code, err = run_main(["tong-hop", str(agencies["tn"]), "-o", str(tmp_path / "old"), "--templates", str(own)], capsys)
    assert code == 0, err
    assert f"thư mục mẫu «{own}» không có tệp {province.LABELS_FILE}" in err
    assert _pages(tmp_path / "old" / province.PDF)[-1][-3] == "NGƯỜI LẬP BIỂU GIÁM ĐỐC"


def test_a_so_copy_never_edited_follows_the_programs_words(agencies, tmp_path, capsys, cli_in_process):
    """A Sở exported its folder and never edited tong_hop_so_noi_vu.toml; the program corrected the file since
    (simulated: the copy holds other words and its record says they were the program's at export): `tong-hop
    --templates` prints the program's current words and says so; the Sở's folder is not written."""
    import hashlib
    import json

    from pipeline.forms import origin

    own = tmp_path / "mau_cu"
    code, err = run_main(["templates", "export", str(own)], capsys)
    assert code == 0, err
    toml = own / province.LABELS_FILE
    toml.write_text(toml.read_text("utf-8").replace('nguoi_lap = "NGƯỜI LẬP BIỂU"', 'nguoi_lap = "NGƯỜI LẬP BẢNG"'),
                    "utf-8")
    data = json.loads((own / origin.RECORD).read_text("utf-8"))
    data["mau_goc"][province.LABELS_FILE][province.LABELS_FILE] = hashlib.sha256(toml.read_bytes()).hexdigest()
    (own / origin.RECORD).write_text(json.dumps(data), "utf-8")
    before = toml.read_bytes()
    code, err = run_main(["tong-hop", str(agencies["tn"]), "-o", str(tmp_path / "snv"), "--templates", str(own)], capsys)
    assert code == 0, err
    assert _pages(tmp_path / "snv" / province.PDF)[-1][-3] == "NGƯỜI LẬP BIỂU GIÁM ĐỐC"
    said = " ".join(err.split())
    assert (f"Ghi chú: 1 mẫu trong «{own}» chưa được cơ quan sửa và đã được chương trình cập nhật: dùng bản mới của "
            f"chương trình (lời văn bản tổng hợp của Sở (tong_hop_so_noi_vu.toml)). Thư mục «{own}» không bị thay "
            "đổi.") in said
    assert toml.read_bytes() == before


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _header_cells(pdf: Path, section: str, first_word: str, widths: tuple[float, ...]) -> list[tuple[str, int]]:
    """(the words, the number of lines) of each header cell of the table under heading `section` as the PDF places
    them (pdftotext -bbox-layout): the words between the heading and the first row's `first_word` in the first
    column, by column (the page's left margin is 36 pt)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    for page in out.split("<page ")[1:]:
        words = [(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
        heading = [w for i, w in enumerate(words) if w[4] == section and words[i + 1][4] != "Bộ"]
        if not heading:
            continue
        top = heading[0][3]
        row = min(w[1] for w in words if w[1] > top and w[4] == first_word and w[0] < 36 + widths[0])
        cells = []
        left = 36.0
        for width in widths:
            inside = sorted((w for w in words if top < w[1] < row - 1 and left <= w[0] < left + width),
                            key=lambda w: (round(w[1]), w[0]))
            cells.append((" ".join(w[4] for w in inside), len({round(w[1]) for w in inside})))
            left += width
        return cells
    raise AssertionError(f"no section {section}")


def test_no_header_cell_of_the_count_tables_is_over_four_lines(agencies, tmp_path, capsys, cli_in_process):
    """The proposals' column header («Trong đó mức mới là đề xuất, chưa được cấp có thẩm quyền quyết định») took ten
    lines, the header row taller than the rows; each header now reads whole, in at most four lines, no word cut."""
    pdf = _summary([agencies["tn"]], tmp_path / "snv", capsys)
    for section, first, headers, widths in (
            ("II.", "Văn", province.COUNT_HEADERS, province.COUNT_WIDTHS),
            ("III.", "Cán", province.TOTAL_HEADERS, province.TOTAL_WIDTHS)):
        cells = _header_cells(pdf, section, first, widths)
        assert [text for text, _ in cells] == [h for h, _ in headers], section
        assert max(n for _, n in cells) <= 4, (section, cells)
        assert province.header_lines(section.rstrip(".")) == [n for _, n in cells], section
    assert max(n for _, n in cells) >= 3  # the long headers wrap: the count is of lines, not cells


def test_the_province_a_name_says():
    """Worked by hand from the names: the last «tỉnh X» a name holds; «thành phố X» only for the six cities under
    the central government (any other is a city inside a province, up to 2025)."""
    assert province.province_of("SỞ Y TẾ TỈNH HÀ GIANG NAM") == "tỉnh Hà Giang Nam"
    assert province.province_of("UBND xã Tân Phước, tỉnh Thanh Hóa") == "tỉnh Thanh Hóa"
    assert province.province_of("Sở Nội vụ thành phố Hà Nội") == "thành phố Hà Nội"
    assert province.province_of("UBND THÀNH PHỐ QUẢNG NGÃI") == ""
    assert province.province_of("Sở Tư pháp") == "" and province.province_of(None) == ""

    def summary(*named: str, compiler: str = "") -> province.Summary:
        return province.Summary([province.Package(Path(f"/p{i}"), agency=f"A{i}", tinh=t) for i, t in enumerate(named)],
                                [], None, clock.today(), 2026, compiler)

    # the tone mark's place aside (Hóa, Hoá) the packages agree; a package that says nothing does not disagree
    assert province.summary_province(summary("tỉnh Thanh Hóa", "tỉnh Thanh Hoá", "")) == "tỉnh Thanh Hóa"
    assert province.summary_province(summary("tỉnh Thanh Hóa", "tỉnh Nghệ An")) == ""
    assert province.summary_province(summary("", "")) == ""
    assert province.summary_province(summary("tỉnh Nghệ An", compiler="Sở Y tế tỉnh Thanh Hóa")) == "tỉnh Thanh Hóa"


def test_the_date_line_names_the_place_alone():
    """ND 30/2020: the place on the date line is the name of the province or the city under the central government
    («Huế, ngày …», never «phố Huế» nor «thành phố Huế»); unknown: dots."""
    def head(compiler: str) -> province.Head:
        return province.paper_head(province.Summary([], [], None, clock.today(), 2026, compiler))

    assert head("Sở Y tế thành phố Huế").dong_ngay.startswith("Huế, ngày ")
    assert head("Sở Y tế tỉnh Thanh Hóa").dong_ngay.startswith("Thanh Hóa, ngày ")
    assert head("Bệnh viện Đa khoa").dong_ngay.startswith("…")
