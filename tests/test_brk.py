"""Letterhead names broken between words only (pipeline/forms/layout.py `compounds`), gated per output folder
(manifest `ngat_dong_tu_ghep`); the ballot count's 1 pt table gap, gated the same way (manifest
`khoang_kiem_phieu_khi_can`: a folder built from 0b62d2e to 2ee613a keeps the gap after its notes).

The school review (tests/truong_2026.py) found «SỞ GIÁO DỤC VÀ ĐÀO / TẠO TỈNH HÀ GIANG NAM» (a break inside the
word «ĐÀO TẠO»), «TRƯỜNG» alone on a line of the landscape tables («TRƯỜNG / TRUNG HỌC PHỔ THÔNG NGUYỄN DU»: the
«TRƯỜNG» of «MÔI TRƯỜNG» and of a school both counted as a kind of body to break after) and «CHI BỘ TRƯỜNG /
THPT NGUYỄN DU» on the party forms. The expected breaks are worked out by hand below from the widths of the
lines in the header column (Times metrics, `layout.width_cm`: what LibreOffice's Liberation Serif advances) and
the rules' words: a line never breaks inside a word; «VÀ» never ends a line; the fewest lines; then a break
before a kind of body, a level or «VÀ» over any other; a kind of body stays with the first words of its name;
then the most even lines. Widths used: the portrait unit/agency papers 5.8 cm, the person forms 6.6 cm, the
landscape tables 9.8 cm (13 pt; the superior line normal, the own line bold); the party header 6.4 cm, 12 pt.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest
import truong_2026 as tr

from pipeline.forms.layout import break_lines, compound_breaks, width_cm


def test_the_widths_the_hand_work_below_rests_on():
    assert width_cm("SỞ GIÁO DỤC VÀ ĐÀO TẠO", bold=False) > 5.8  # 5.87: not one line of a portrait paper
    assert width_cm("VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM", bold=False) > 5.8  # 7.59
    assert width_cm("SỞ GIÁO DỤC VÀ ĐÀO TẠO", bold=False) <= 6.6  # a person form's column holds it
    assert width_cm("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", bold=True) <= 9.8 < width_cm(
        "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM", bold=True)  # 7.63; 12.6
    assert width_cm("TRƯỜNG TRUNG HỌC PHỔ THÔNG NGUYỄN DU", bold=True) > 9.8  # 10.75: two lines even landscape
    assert width_cm("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 12) > 6.4 >= width_cm("TRƯỜNG THPT NGUYỄN DU", 12)  # 7.4; 5.77


# (name, column cm, size, bold, expected) — worked out by hand:
FIXED = [
    # 5.8 cm, normal: «SỞ GIÁO DỤC VÀ ĐÀO TẠO» is 5.87 cm, so «TỈNH HÀ GIANG NAM» cannot join it; «VÀ» may not end a
    # line and «VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM» (7.59) is too wide: three lines, each break before «VÀ» or a level.
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM", 5.8, 13, False, "SỞ GIÁO DỤC\nVÀ ĐÀO TẠO\nTỈNH HÀ GIANG NAM"),
    # the same at 6.6: «SỞ GIÁO DỤC VÀ ĐÀO TẠO» fits, the break before the level
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM", 6.6, 13, False, "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nTỈNH HÀ GIANG NAM"),
    # «TRƯỜNG» of «MÔI TRƯỜNG» is no school: no break before it; two lines at 9.8, the break before the level
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM", 9.8, 13, True, "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG\nTỈNH HÀ GIANG NAM"),
    ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM", 9.8, 13, False,
     "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nTỈNH HÀ GIANG NAM"),
    # 5.8, normal (a Sở under a ministry's name): «SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG» is too wide: before «VÀ», before the level
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM", 5.8, 13, False, "SỞ TÀI NGUYÊN\nVÀ MÔI TRƯỜNG\nTỈNH HÀ GIANG NAM"),
    # the landscape tables (9.8, bold): two lines; «TRƯỜNG» alone (2.0 cm) against 8.6 is the least even and leaves
    # the kind without its name; between «TRUNG HỌC» and «PHỔ THÔNG»: 4.94 and 5.69
    ("TRƯỜNG TRUNG HỌC PHỔ THÔNG NGUYỄN DU", 9.8, 13, True, "TRƯỜNG TRUNG HỌC\nPHỔ THÔNG NGUYỄN DU"),
    # the party header: «CHI BỘ» then the school with its kind, «TRƯỜNG THPT NGUYỄN DU» (5.77 ≤ 6.4)
    ("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 6.4, 12, True, "CHI BỘ\nTRƯỜNG THPT NGUYỄN DU"),
    # «TRƯỜNG THPT NGUYỄN DU» in a 5.8 column, bold (6.26 cm): «TRƯỜNG» keeps the first word of its name
    ("TRƯỜNG THPT NGUYỄN DU", 5.8, 13, True, "TRƯỜNG THPT\nNGUYỄN DU"),
    # a kind that ends a line it does not start: «CHI BỘ TRƯỜNG / TRUNG HỌC PHỔ / THÔNG …» was three lines with two
    # faults; «CHI BỘ» alone, then the school's name at the word between «TRUNG HỌC» and «PHỔ THÔNG»
    ("CHI BỘ TRƯỜNG TRUNG HỌC PHỔ THÔNG NGUYỄN DU", 6.6, 13, True, "CHI BỘ\nTRƯỜNG TRUNG HỌC\nPHỔ THÔNG NGUYỄN DU"),
    # a party header whose unit name is too wide after «CHI BỘ» (hospital test): «BAN» goes with «GIÁM ĐỐC»; the
    # line may end on the dash rather than split the name
    ("CHI BỘ HÀNH CHÍNH - BAN GIÁM ĐỐC", 6.4, 12, True, "CHI BỘ HÀNH CHÍNH -\nBAN GIÁM ĐỐC"),
    # a phòng whose name holds a dash: the name stays whole after its kind rather than a line ending on the
    # dash («CHI BỘ PHÒNG KẾ HOẠCH - / TÀI CHÍNH» splits the phòng's name; «KẾ HOẠCH - TÀI CHÍNH» fits 6.4)
    ("CHI BỘ PHÒNG KẾ HOẠCH - TÀI CHÍNH", 6.4, 12, True, "CHI BỘ PHÒNG\nKẾ HOẠCH - TÀI CHÍNH"),
    # «XÉT NGHIỆM - CHẨN ĐOÁN» (6.2 cm bold) cannot stay on one line at 5.8 or 6.6: the break after the dash
    # (4.80 + 5.29) rather than inside «XÉT NGHIỆM» or «CHẨN ĐOÁN»
    ("KHOA XÉT NGHIỆM - CHẨN ĐOÁN HÌNH ẢNH", 5.8, 13, True, "KHOA XÉT NGHIỆM -\nCHẨN ĐOÁN HÌNH ẢNH"),
    ("KHOA XÉT NGHIỆM - CHẨN ĐOÁN HÌNH ẢNH", 6.6, 13, True, "KHOA XÉT NGHIỆM -\nCHẨN ĐOÁN HÌNH ẢNH"),
    # «ỦY BAN» ended a line it does not start («LÃNH ĐẠO ỦY BAN / NHÂN DÂN XÃ»): now with its name
    ("LÃNH ĐẠO ỦY BAN NHÂN DÂN XÃ", 5.8, 13, True, "LÃNH ĐẠO\nỦY BAN NHÂN DÂN XÃ"),
    # «CÔNG TRÌNH» whole
    ("PHÒNG QUẢN LÝ CÔNG TRÌNH THỦY LỢI", 5.8, 13, True, "PHÒNG QUẢN LÝ\nCÔNG TRÌNH THỦY LỢI"),
    # «TRUNG HỌC CƠ SỞ»: the «SỞ» of «CƠ SỞ» is no Sở
    ("TRƯỜNG TRUNG HỌC CƠ SỞ LÝ TỰ TRỌNG", 6.6, 13, True, "TRƯỜNG TRUNG HỌC\nCƠ SỞ LÝ TỰ TRỌNG"),
    # «XÃ HỘI» is no commune: the dash keeps «VĂN HÓA - XÃ HỘI» together, after the kind
    ("PHÒNG VĂN HÓA - XÃ HỘI", 5.8, 13, True, "PHÒNG\nVĂN HÓA - XÃ HỘI"),
]


@pytest.mark.parametrize(("name", "width", "size", "bold", "expected"), FIXED)
def test_names_break_between_words(name, width, size, bold, expected):
    assert break_lines(name, width, size=size, bold=bold) == expected
    assert break_lines(name, width, size=size, bold=bold, compounds=True) == expected


# Every name of the test agencies (tests/*.py workbooks, data/*.xlsx) that is broken well today, at the widths
# its papers ask for, broken exactly as today (each read as right: no word, kind or place name split).
AS_TODAY = [
    ("BỆNH VIỆN ĐA KHOA KHU VỰC SƠN HÀ", 5.8, 13, True, "BỆNH VIỆN ĐA KHOA\nKHU VỰC SƠN HÀ"),
    ("BỆNH VIỆN ĐA KHOA KHU VỰC SƠN HÀ", 6.6, 13, False, "BỆNH VIỆN\nĐA KHOA KHU VỰC SƠN HÀ"),
    ("CHI BỘ CƠ QUAN ĐẢNG - ĐOÀN THỂ XÃ", 6.4, 12, True, "CHI BỘ CƠ QUAN\nĐẢNG - ĐOÀN THỂ XÃ"),
    ("CHI BỘ CƠ QUAN ỦY BAN NHÂN DÂN XÃ", 6.4, 12, True, "CHI BỘ CƠ QUAN\nỦY BAN NHÂN DÂN XÃ"),
    ("CHI BỘ HÀNH CHÍNH - QUẢN TRỊ", 6.4, 12, True, "CHI BỘ\nHÀNH CHÍNH - QUẢN TRỊ"),
    ("CHI BỘ LÃNH ĐẠO - TỔNG HỢP", 6.4, 12, True, "CHI BỘ\nLÃNH ĐẠO - TỔNG HỢP"),
    ("CHI CỤC THỦY LỢI TỈNH ĐẮK LẮK", 6.6, 13, True, "CHI CỤC THỦY LỢI\nTỈNH ĐẮK LẮK"),
    ("HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHƯỚC", 5.8, 13, False, "HỘI ĐỒNG NHÂN DÂN\nXÃ TÂN PHƯỚC"),
    ("KHOA PHÒNG, CHỐNG BỆNH TRUYỀN NHIỄM", 6.6, 13, True, "KHOA PHÒNG, CHỐNG\nBỆNH TRUYỀN NHIỄM"),
    ("PHÒNG HÀNH CHÍNH - QUẢN TRỊ", 5.8, 13, True, "PHÒNG\nHÀNH CHÍNH - QUẢN TRỊ"),
    ("PHÒNG KHOA GIÁO - VĂN XÃ", 5.8, 13, True, "PHÒNG\nKHOA GIÁO - VĂN XÃ"),
    ("PHÒNG KẾ HOẠCH - TÀI CHÍNH", 5.8, 13, True, "PHÒNG\nKẾ HOẠCH - TÀI CHÍNH"),
    ("PHÒNG PHÒNG, CHỐNG THIÊN TAI", 5.8, 13, True, "PHÒNG PHÒNG,\nCHỐNG THIÊN TAI"),
    ("PHÒNG TỔ CHỨC - HÀNH CHÍNH", 6.6, 13, True, "PHÒNG\nTỔ CHỨC - HÀNH CHÍNH"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM", 9.8, 13, False, "SỞ GIÁO DỤC VÀ ĐÀO TẠO\nTỈNH HÀ GIANG NAM"),
    ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM", 6.6, 13, True,
     "SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG\nTỈNH HÀ GIANG NAM"),
    ("SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", 6.6, 13, True, "SỞ NÔNG NGHIỆP\nVÀ PHÁT TRIỂN NÔNG THÔN"),
    ("SỞ Y TẾ TỈNH HÀ GIANG NAM", 5.8, 13, False, "SỞ Y TẾ\nTỈNH HÀ GIANG NAM"),
    ("THƯỜNG TRỰC HỘI ĐỒNG NHÂN DÂN XÃ", 5.8, 13, True, "THƯỜNG TRỰC\nHỘI ĐỒNG NHÂN DÂN XÃ"),
    ("TRUNG TÂM CÔNG BÁO - TIN HỌC", 6.6, 13, True, "TRUNG TÂM\nCÔNG BÁO - TIN HỌC"),
    ("TRUNG TÂM KIỂM SOÁT BỆNH TẬT TỈNH HÀ GIANG NAM", 6.6, 13, False,
     "TRUNG TÂM\nKIỂM SOÁT BỆNH TẬT\nTỈNH HÀ GIANG NAM"),
    ("TRUNG TÂM KIỂM SOÁT BỆNH TẬT TỈNH HÀ GIANG NAM", 9.8, 13, True, "TRUNG TÂM KIỂM SOÁT BỆNH TẬT\nTỈNH HÀ GIANG NAM"),
    ("TRƯỜNG TRUNG HỌC PHỔ THÔNG NGUYỄN DU", 5.8, 13, True, "TRƯỜNG TRUNG HỌC\nPHỔ THÔNG NGUYỄN DU"),
    ("UBND TỈNH HÀ GIANG NAM", 5.8, 13, False, "UBND\nTỈNH HÀ GIANG NAM"),
    ("UBND TỈNH HÀ GIANG NAM", 6.6, 13, False, "UBND TỈNH HÀ GIANG NAM"),
    ("UBND THÀNH PHỐ HỒ CHÍ MINH", 6.6, 13, True, "UBND\nTHÀNH PHỐ HỒ CHÍ MINH"),
    ("VĂN PHÒNG HỘI ĐỒNG NHÂN DÂN VÀ ỦY BAN NHÂN DÂN XÃ", 9.8, 13, True,
     "VĂN PHÒNG HỘI ĐỒNG NHÂN DÂN\nVÀ ỦY BAN NHÂN DÂN XÃ"),
    ("VĂN PHÒNG UBND TỈNH HÀ GIANG NAM", 6.6, 13, True, "VĂN PHÒNG UBND\nTỈNH HÀ GIANG NAM"),
    ("VĂN PHÒNG UBND TỈNH THỬ NGHIỆM", 5.8, 13, False, "VĂN PHÒNG UBND\nTỈNH THỬ NGHIỆM"),
    ("ĐẢNG BỘ SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", 6.4, 12, False, "ĐẢNG BỘ SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG"),
    ("ĐẢNG BỘ SỞ Y TẾ TỈNH HÀ GIANG NAM", 6.4, 12, False, "ĐẢNG BỘ SỞ Y TẾ\nTỈNH HÀ GIANG NAM"),
    ("ĐẢNG BỘ VĂN PHÒNG UBND TỈNH", 6.4, 12, False, "ĐẢNG BỘ VĂN PHÒNG\nUBND TỈNH"),
    ("ỦY BAN NHÂN DÂN XÃ TÂN PHƯỚC", 6.6, 13, True, "ỦY BAN NHÂN DÂN\nXÃ TÂN PHƯỚC"),
]


@pytest.mark.parametrize(("name", "width", "size", "bold", "expected"), AS_TODAY)
def test_names_broken_well_today_are_broken_as_today(name, width, size, bold, expected):
    assert break_lines(name, width, size=size, bold=bold, compounds=True) == expected
    assert break_lines(name, width, size=size, bold=bold, compounds=False) == expected


def test_a_folder_built_before_asks_for_today_s_breaks():
    """Off (`compound_breaks(False)`, a folder printed before): the breaks as its papers were printed with."""
    with compound_breaks(False):
        assert break_lines("SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM", 5.8, bold=False) == \
            "SỞ GIÁO DỤC VÀ ĐÀO\nTẠO TỈNH HÀ GIANG NAM"
        assert break_lines("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 6.4, size=12) == "CHI BỘ TRƯỜNG\nTHPT NGUYỄN DU"
        assert break_lines("TRƯỜNG TRUNG HỌC PHỔ THÔNG NGUYỄN DU", 9.8) == "TRƯỜNG\nTRUNG HỌC PHỔ THÔNG NGUYỄN DU"
        with compound_breaks(True):
            assert break_lines("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 6.4, size=12) == "CHI BỘ\nTRƯỜNG THPT NGUYỄN DU"
        assert break_lines("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 6.4, size=12) == "CHI BỘ TRƯỜNG\nTHPT NGUYỄN DU"
    assert break_lines("CHI BỘ TRƯỜNG THPT NGUYỄN DU", 6.4, size=12) == "CHI BỘ\nTRƯỜNG THPT NGUYỄN DU"


# --- a real build of the school -------------------------------------------------------------------------------


def _lines(pdf, first: int = 1, last: int = 1) -> list[str]:
    """The PDF's text lines as pdftotext lays them out, each stripped; a column's lines come apart from the
    other column's by the run of spaces between them."""
    text = subprocess.run(["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [part.strip() for line in text.splitlines() for part in re.split(r"\s{2,}", line) if part.strip()]


def _ballots_with_gap_after_text(folder) -> list[str]:
    """The units whose ballot count holds the 1 pt gap paragraph after a paragraph (a note, the «no proposal»
    line) rather than after the results table: as the builds from 0b62d2e to 2ee613a printed it."""
    import zipfile

    from pipeline import run

    return sorted(p.parent.name for p in (folder / "don_vi").glob("*/bien_ban_kiem_phieu.docx")
                  if run._GAP_AFTER_TEXT in zipfile.ZipFile(p).read("word/document.xml"))


def _sums(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".docx", ".pdf", ".xlsx", ".zip")}


@pytest.mark.libreoffice
def test_a_school_s_headers_and_the_folder_built_before(tmp_path, cache_dir, monkeypatch):
    """A new folder: the Sở's name broken between words on the công văn and the report («SỞ GIÁO DỤC / VÀ ĐÀO TẠO /
    TỈNH HÀ GIANG NAM»), the school not left as «TRƯỜNG» on the landscape table, the chi bộ as «CHI BỘ / TRƯỜNG
    THPT NGUYỄN DU» on the party forms. A folder of this campaign built before (its manifest without
    `ngat_dong_tu_ghep`) keeps every paper byte for byte: nothing to print again, one console note.
    The ballot counts: in a new folder the 1 pt gap only after a results table nothing else follows; in a folder
    built from 0b62d2e to 2ee613a (gap after the notes and the «no proposal» line too: BGH, TOAN and VAN carry a
    note, 3 of the school's 5 units) they keep that gap — the manifest without `khoang_kiem_phieu_khi_can`, read
    in the ballot counts themselves — byte for byte, with no note (nothing visible differs)."""
    from pipeline import api, run
    from pipeline.manifest import MANIFEST

    book = tr.write(tmp_path / "truong.xlsx")
    options = api.BuildOptions(cache_dir=cache_dir / "brk", show_progress=False, today=dt.date(tr.YEAR, 12, 7))

    def build(folder) -> list[str]:
        lines: list[str] = []
        api.build(book, folder, options, log=lines.append, check_unchanged=False)
        return lines

    new = tmp_path / "new"
    lines = build(new)
    assert run.COMPOUNDS_NOTE not in lines
    assert json.loads((new / MANIFEST).read_text(encoding="utf-8"))[run.COMPOUNDS] is True
    assert json.loads((new / MANIFEST).read_text(encoding="utf-8"))[run.BALLOT_GAP] is True
    assert _ballots_with_gap_after_text(new) == []
    for paper in ("cong_van_gui_so_noi_vu", "bao_cao_ket_qua_danh_gia"):
        head = _lines(new / "nop_so_noi_vu" / f"{paper}.pdf")
        left = [ln for ln in head if ln in ("SỞ GIÁO DỤC", "VÀ ĐÀO TẠO", "TỈNH HÀ GIANG NAM", "TRƯỜNG TRUNG HỌC",
                                            "PHỔ THÔNG NGUYỄN DU")]
        assert left == ["SỞ GIÁO DỤC", "VÀ ĐÀO TẠO", "TỈNH HÀ GIANG NAM", "TRƯỜNG TRUNG HỌC", "PHỔ THÔNG NGUYỄN DU"], head
        assert not any(ln.endswith(" ĐÀO") or ln.startswith("TẠO ") for ln in head), head
    table = _lines(new / "nop_so_noi_vu" / "bieu_tong_hop.pdf")
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in table and "TRƯỜNG TRUNG HỌC" in table and "PHỔ THÔNG NGUYỄN DU" in table
    assert "TRƯỜNG" not in table, table  # never the kind alone on its line
    notice = _lines(new / "co_quan" / "thong_bao_ket_qua.pdf")
    assert notice[:1] == ["SỞ GIÁO DỤC"] and "VÀ ĐÀO TẠO" in notice[:4], notice
    party = next(p for p in range(1, 30) if "ĐẢNG CỘNG SẢN VIỆT NAM" in _lines(new / "ca_nhan" / "BGH" / "TR-01.pdf", p, p))
    party_lines = _lines(new / "ca_nhan" / "BGH" / "TR-01.pdf", party, party)
    assert "CHI BỘ" in party_lines and "TRƯỜNG THPT NGUYỄN DU" in party_lines, party_lines
    assert "CHI BỘ TRƯỜNG" not in party_lines

    old = tmp_path / "old"
    with monkeypatch.context() as m:  # as the version before this one built it
        m.setattr(run, "_compound_breaks", lambda previous, foreign: False)
        m.setattr(run, "_ballot_gap_as_needed", lambda previous, foreign, outdir: False)
        build(old)
    assert _ballots_with_gap_after_text(old) == ["BGH", "TOAN", "VAN"]
    record = json.loads((old / MANIFEST).read_text(encoding="utf-8"))
    del record[run.COMPOUNDS]
    del record[run.BALLOT_GAP]
    (old / MANIFEST).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    before = _sums(old)
    head = _lines(old / "nop_so_noi_vu" / "cong_van_gui_so_noi_vu.pdf")
    assert "SỞ GIÁO DỤC VÀ ĐÀO" in head and "TẠO TỈNH HÀ GIANG NAM" in head, head  # as it was printed

    for _ in range(2):  # rebuilt by this version, nothing else changed; then again (its choice recorded false)
        lines = build(old)
        assert lines.count(run.COMPOUNDS_NOTE) == 1 and "thư mục mới" in run.COMPOUNDS_NOTE
        assert json.loads((old / MANIFEST).read_text(encoding="utf-8"))[run.COMPOUNDS] is False
        assert json.loads((old / MANIFEST).read_text(encoding="utf-8"))[run.BALLOT_GAP] is False
        assert not any("kiểm phiếu" in line for line in lines if line.startswith("Ghi chú"))
        assert _sums(old) == before and not (old / "in_lai.pdf").exists()
        assert "không phải in lại" in (old / "thay_doi.txt").read_text(encoding="utf-8")


def _ballot_folder(tmp_path, xml: bytes, key: dict[str, bool] | None = None):
    """A folder of this campaign's papers holding one ballot count of `xml`, its manifest listing it as the
    build records a file (size and modification time), `key` added to the manifest."""
    import zipfile

    folder = tmp_path / "out"
    docx = folder / "don_vi" / "LD" / "bien_ban_kiem_phieu.docx"
    docx.parent.mkdir(parents=True)
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", xml)
    st = docx.stat()
    entry = {"path": "don_vi/LD/bien_ban_kiem_phieu.docx", "sha256": "0" * 64, "bytes": st.st_size,
             "mtime_ns": st.st_mtime_ns}
    return folder, {"files": [entry], **(key or {})}


def test_which_ballot_gap_a_folder_built_before_printed(tmp_path):
    """No build: the gap after a paragraph (0b62d2e … 2ee613a) keeps it there; two touching tables (before
    0b62d2e) or the gap after the results table (since) print it only where needed, as a new folder does; the
    manifest's record wins over the files; a ballot count edited since it was listed is not read."""
    from pipeline import run

    p, gap, table = b"<w:p><w:r><w:t>- A note</w:t></w:r></w:p>", run._GAP_AFTER_TEXT, b"</w:tbl><w:tbl>"
    folder, record = _ballot_folder(tmp_path, b"<w:body><w:tbl></w:tbl>" + p[:-6] + gap + b"</w:tbl></w:body>")
    assert run._ballot_gap_as_needed(record, False, folder) is False
    assert run._ballot_gap_as_needed({**record, run.BALLOT_GAP: True}, False, folder) is True
    assert run._ballot_gap_as_needed(record, True, folder) is True  # another year's papers: nothing of this one
    assert run._ballot_gap_as_needed(None, False, folder) is True
    (folder / record["files"][0]["path"]).write_bytes(b"edited by hand")  # not as recorded: not trusted
    assert run._ballot_gap_as_needed(record, False, folder) is True
    for xml in (b"<w:body><w:tbl>" + table + b"</w:tbl>" + p + b"</w:body>",
                b"<w:body><w:tbl></w:tbl><w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" "
                b"w:lineRule=\"auto\"/><w:jc w:val=\"left\"/><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr>"
                b"</w:pPr></w:p><w:tbl></w:tbl></w:body>"):
        folder, record = _ballot_folder(tmp_path / str(len(xml)), xml)
        assert run._ballot_gap_as_needed(record, False, folder) is True
        assert run._ballot_gap_as_needed({**record, run.BALLOT_GAP: False}, False, folder) is False
