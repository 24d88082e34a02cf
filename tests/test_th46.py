"""`hoso tong-hop --noi-tong-hop`: a Sở Y tế runs the summary of its own hospitals before forwarding it.

Three real builds (LibreOffice), the day fixed at 06/12/2026: the district hospital of tests/su_nghiep_2026.py
(its CoQuan «Sở Nội vụ nhận báo cáo» is its managing «Sở Y tế tỉnh Hà Giang Nam»), a second hospital made from it
with another name and document symbol whose clerk typed that Sở «Sở Y Tế tỉnh Hà Giang Nam» (a capital T), and
the commune of tests/xa_2026.py, addressed to the «Sở Nội vụ tỉnh Hà Giang Nam». The Sở Y tế names itself on the
command line with two spaces typed («Sở Y tế  tỉnh Hà Giang Nam»): both hospitals are its own, the commune is the
one package addressed elsewhere; without the option the same three packages read as before (the Sở Nội vụ's:
both hospitals named, the commune not).

Counts by hand (tests/test_aud39.py works each hospital's and the commune's levels from their workbooks):
hospital 21 people, 20 rated, HTXS 2, HTT 16, HT 1, KHT 1, 1 not rated; the second hospital is the same staff;
commune 17, 16 rated, HTXS 2, HTT 13, HT 0, KHT 1, 1 not rated. Sum: 59, 56, 6, 45, 2, 3, 3.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).parent))
import su_nghiep_2026 as sn  # noqa: E402
import workbook_factory as wf  # noqa: E402
import xa_2026 as xa  # noqa: E402
from fakes import build_each  # noqa: E402

from pipeline import api  # noqa: E402
from pipeline.submission import province  # noqa: E402

TODAY = dt.date(2026, 12, 6)
SO_Y_TE = "Sở Y tế tỉnh Hà Giang Nam"
SO_NOI_VU = "Sở Nội vụ tỉnh Hà Giang Nam"
SECOND = "Bệnh viện Đa khoa khu vực Sơn Tây"
TOTAL = (21 + 21 + 17, 20 + 20 + 16, 2 + 2 + 2, 16 + 16 + 13, 1 + 1 + 0, 1 + 1 + 1, 1 + 1 + 1)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf(path: Path) -> str:
    return _flat(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)


def _second_hospital(path: Path) -> Path:
    data = sn.tables()
    typed = {"ten_co_quan": SECOND, "dang_bo": f"Đảng bộ {SECOND}", "ky_hieu_van_ban": "BVST-TCHC",
             "so_noi_vu": "Sở Y Tế tỉnh Hà Giang Nam"}
    data["CoQuan"] = [(k, typed.get(k, v)) for k, v in data["CoQuan"]]
    return wf.write(path, data)


@pytest.fixture(scope="module")
def outs(tmp_path_factory, shared_cache) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("th46")
    books = {"bv": sn.write(tmp / "bv.xlsx"), "bv2": _second_hospital(tmp / "bv2.xlsx"), "xa": xa.write(tmp / "xa.xlsx")}
    return build_each(books, tmp, shared_cache, TODAY)


def _run(outs: dict[str, Path], outdir: Path, capsys, *extra: str) -> str:
    from pipeline.cli import main

    try:
        main(["tong-hop", str(outs["bv"]), str(outs["bv2"]), str(outs["xa"]), "-o", str(outdir), *extra])
    except SystemExit as exit_:  # every package verified: no failing exit code
        assert exit_.code in (0, None)
    console = capsys.readouterr()
    return console.out + console.err


def _sheet(outdir: Path, name: str) -> list[tuple]:
    wb = load_workbook(io.BytesIO((outdir / province.XLSX).read_bytes()))
    return [r for r in wb[name].iter_rows(min_row=2, values_only=True) if r[0]]


def test_the_so_y_te_sums_its_hospitals_and_names_the_commune_sent_elsewhere(outs, tmp_path, capsys):
    manifests = {k: api.verify(outs[k]) for k in outs}
    assert all(r.ok for r in manifests.values())
    console = _run(outs, tmp_path / "syt", capsys, "--noi-tong-hop", "Sở Y tế  tỉnh Hà Giang Nam")
    elsewhere = (f"1 bộ hồ sơ gửi cơ quan khác, không phải {SO_Y_TE}: {xa.AGENCY} (gửi {SO_NOI_VU}) — đã tính vào "
                 f"tổng hợp; {SO_NOI_VU} cũng nhận bộ hồ sơ của cơ quan này: tránh cộng hai lần khi chuyển bản "
                 "tổng hợp này.")
    assert f"Lưu ý: {elsewhere}" in console.splitlines()
    # the status of each package (sheet CoQuan, column «Tình trạng»): the hospitals are the Sở Y tế's own
    status = {r[0]: r[6] for r in _sheet(tmp_path / "syt", "CoQuan")}
    assert set(status) == {sn.AGENCY, SECOND, xa.AGENCY}
    for hospital in (sn.AGENCY, SECOND):
        assert "không phải" not in status[hospital] and "cơ quan khác" not in status[hospital], hospital
    assert f"bộ hồ sơ gửi {SO_NOI_VU}, không phải {SO_Y_TE}: đã tính vào tổng hợp" in status[xa.AGENCY]
    # every package is counted, the commune too (the Sở decides)
    total = {r[0]: r for r in _sheet(tmp_path / "syt", "ToanTinh")}
    assert total["Tổng cộng"][1:8] == TOTAL
    # the PDF names the compiling body: its head, the first paragraph, the heading of the totals
    words = _pdf(tmp_path / "syt" / province.PDF)
    # its letterhead: the UBND of its province over it (the province is not repeated under it), then the title
    assert words.startswith("UBND TỈNH HÀ GIANG NAM SỞ Y TẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert ("Hà Giang Nam, ngày …… tháng …… năm 2026 TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026 "
            f"cán bộ, công chức, viên chức và người lao động của các cơ quan, đơn vị (Kèm theo Báo cáo số …………/BC-………… "
            f"của {SO_Y_TE})") in words
    assert f"Cơ quan tổng hợp: {SO_Y_TE}. Lập ngày " in words
    assert elsewhere in words
    assert f"III. Tổng hợp chung của {SO_Y_TE}" in words
    assert "toàn tỉnh" not in words and "không phải Sở Nội vụ" not in words
    assert f"Tổng cộng {' '.join(map(str, TOTAL[:4]))}" in words


def test_without_the_option_the_summary_is_the_so_noi_vu_s(outs, tmp_path, capsys):
    console = _run(outs, tmp_path / "snv", capsys)
    elsewhere = (f"2 bộ hồ sơ gửi cơ quan khác, không phải Sở Nội vụ: {sn.AGENCY} (gửi {SO_Y_TE}); {SECOND} (gửi Sở Y "
                 f"Tế tỉnh Hà Giang Nam) — đã tính vào tổng hợp; nếu các cơ quan nhận đó gửi bản tổng hợp có các cơ "
                 "quan này, không cộng lần nữa.")
    assert f"Lưu ý: {elsewhere}" in console.splitlines()
    status = {r[0]: r[6] for r in _sheet(tmp_path / "snv", "CoQuan")}
    assert f"bộ hồ sơ gửi {SO_Y_TE}, không phải Sở Nội vụ: đã tính vào tổng hợp" in status[sn.AGENCY]
    assert "không phải Sở Nội vụ" in status[SECOND] and "không phải" not in status[xa.AGENCY]
    assert {r[0]: r for r in _sheet(tmp_path / "snv", "ToanTinh")}["Tổng cộng"][1:8] == TOTAL
    words = _pdf(tmp_path / "snv" / province.PDF)
    assert words.startswith("UBND TỈNH HÀ GIANG NAM SỞ NỘI VỤ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert ("TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026 cán bộ, công chức, viên chức và người lao động của "
            f"các cơ quan, đơn vị (Kèm theo Báo cáo số …………/BC-SNV của {SO_NOI_VU}) Lập ngày ") in words
    assert "III. Tổng hợp toàn tỉnh" in words and "Cơ quan tổng hợp" not in words and "SỞ Y TẾ" not in words
    assert elsewhere in words
    # under the totals, each level's share of the 56 people rated (the agencies' biểu give theirs; the province's
    # gave counts only): 6/56 = 10,71 %, 45/56 = 80,36 %, 2/56 = 3,57 %, 3/56 = 5,36 % (one decimal, half up); every
    # level is a proposal (no decision in the three workbooks), and the sentence says so
    assert ("Tỷ lệ trên tổng số được xếp loại (56 người): Hoàn thành xuất sắc nhiệm vụ 10,7%; Hoàn thành tốt nhiệm vụ "
            "80,4%; Hoàn thành nhiệm vụ 3,6%; Không hoàn thành nhiệm vụ 5,4%. Tỷ lệ tính cả các mức mới là đề xuất, "
            "chưa được cấp có thẩm quyền quyết định (cột “Trong đó mức mới là đề xuất…”): có thể còn thay đổi.") in words


def _pkg(name: str, to: str, compiler: str = "") -> province.Package:
    return province.Package(Path(name), agency=name, noi_nhan=to, compiler=compiler, counts={"tong_cong": {"tong": 1}})


def test_a_named_compiler_is_compared_as_names_are():
    """No build. The compiler's own packages: case, spaces, Unicode form and the place of the tone mark aside
    («Thanh Hoá» typed by one clerk, «Thanh Hóa» by the other); a Sở Nội vụ named on the command line also owns
    the packages addressed to the bare «Sở Nội vụ» or made before `noi_nhan`; a Sở Y tế does not."""
    health = "Sở Y tế tỉnh Thanh Hóa"
    assert not _pkg("A", "Sở Y tế tỉnh Thanh Hoá", health).addressed_elsewhere
    assert not _pkg("A", "SỞ Y TẾ  TỈNH THANH HÓA", health).addressed_elsewhere
    assert _pkg("A", "Sở Y tế tỉnh Thanh Hóa Nam", health).addressed_elsewhere
    assert _pkg("A", "Sở Nội vụ tỉnh Thanh Hóa", health).addressed_elsewhere
    assert _pkg("A", "Sở Nội vụ", health).addressed_elsewhere
    no_address = _pkg("A", "", health)
    assert no_address.addressed_elsewhere  # made before noi_nhan: it went to the Sở Nội vụ, so it says
    assert province.elsewhere_part(no_address) == f"bộ hồ sơ gửi Sở Nội vụ, không phải {health}: đã tính vào tổng hợp"
    home = "Sở Nội vụ tỉnh Thanh Hóa"
    assert not _pkg("A", "", home).addressed_elsewhere and not _pkg("A", "Sở Nội vụ", home).addressed_elsewhere
    assert not _pkg("A", "sở nội vụ tỉnh thanh hoá", home).addressed_elsewhere
    assert _pkg("A", "Sở Nội vụ tỉnh Nghệ An", home).addressed_elsewhere
    assert _pkg("A", health, home).addressed_elsewhere
    # the default is as before: any Sở Nội vụ, or no noi_nhan, is the compiler's own
    assert not _pkg("A", "Sở Nội vụ tỉnh Nghệ An").addressed_elsewhere and not _pkg("A", "").addressed_elsewhere
    assert _pkg("A", health).addressed_elsewhere
    # summarise sets the compiler, spaces collapsed, on the summary and each package
    summary = province.summarise([Path("/nonexistent/a")], today=TODAY, compiler="  Sở Y tế   tỉnh Thanh Hóa ",
                                 read=lambda p: _pkg("A", "Sở Y tế tỉnh Thanh Hoá"))
    assert summary.compiler == health and summary.packages[0].compiler == health
    assert not summary.packages[0].addressed_elsewhere
    assert province.summarise([Path("/nonexistent/a")], today=TODAY, read=lambda p: _pkg("A", "")).compiler == ""


def test_the_20_percent_column_leaves_out_the_heads_rated_by_the_superior(outs, tmp_path, capsys):
    """From 2026 an agency head is outside his agency's HTXS cap (ND 335 Art. 10 cl. 2: the managing agency's
    head rates him; docs/rating.md rule 4): each agency's own check puts him in «Người đứng đầu cơ quan (tỷ lệ do
    cấp trên xét)». The Sở's 20 % column counted him with his category and showed «Vượt» where the agency's check
    found every group within the cap. Worked by hand from the workbooks:

    - hospital, viên chức quản lý: 6 rated; the Giám đốc (the head) HTXS, 4 HTT, 1 HT. Without the head: 0 HTXS
      against 20 % × 4 = 0,8, within (it read «1 / 20% × 4 = 0,8», «Vượt»); the second hospital is the same;
    - commune, cán bộ: the Chủ tịch (the head) HTXS, his two deputies and the Chủ tịch HĐND HTT: 0 against
      20 % × 3 = 0,6, within (it read «Vượt»);
    - province: HTXS 2 + 2 + 2 of which 3 heads, HTT 16 + 16 + 13 = 45: 3 against 9, within; viên chức quản lý
      0 against 20 % × (4 + 4) = 1,6 (it read «2 / 20% × 8 = 1,6», «Vượt»).
    """
    _run(outs, tmp_path / "snv", capsys)
    per = {(r[0], r[1]): r for r in _sheet(tmp_path / "snv", "TheoDoiTuong")}
    one = " (không tính 1 người đứng đầu cơ quan)"
    for hospital in (sn.AGENCY, SECOND):
        row = per[(hospital, "Viên chức quản lý")]
        assert row[2:8] == (6, 6, 1, 4, 1, 0)  # the counts stay the agency's own
        assert row[9:11] == ("0 / 20% × 4 = 0,8" + one, "Không vượt"), hospital
        assert per[(hospital, "Viên chức không giữ chức vụ quản lý")][9] == "1 / 20% × 10 = 2"  # no head: as before
    assert per[(xa.AGENCY, "Cán bộ")][4:6] == (1, 3)
    assert per[(xa.AGENCY, "Cán bộ")][9:11] == ("0 / 20% × 3 = 0,6" + one, "Không vượt")
    total = {r[0]: r for r in _sheet(tmp_path / "snv", "ToanTinh")}
    assert total["Tổng cộng"][3:5] == (6, 45)
    assert total["Tổng cộng"][8:10] == ("3 / 20% × 45 = 9 (không tính 3 người đứng đầu cơ quan)", "Không vượt")
    assert total["Viên chức quản lý"][8:10] == ("0 / 20% × 8 = 1,6 (không tính 2 người đứng đầu cơ quan)",
                                                 "Không vượt")
    words = _pdf(tmp_path / "snv" / province.PDF)
    assert "Vượt" not in words.replace("Không vượt", "")
    assert ("Người đứng đầu cơ quan mà biểu của cơ quan ghi ở nhóm “Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)” "
            "do cấp trên đánh giá, xếp loại, không tính trong tỷ lệ của cơ quan: cột này cũng không tính người đó") in words


def test_the_20_percent_citation_is_the_sos_own_copy_of_can_cu(outs, tmp_path, capsys):
    """The texts of the 20 % cap under the tables are data (ND 233's cap for viên chức is reported, UNCONFIRMED:
    regime-2026.md §0): the year's `ty_le` of can_cu.toml, said once on the console; a Sở that corrects its exported
    copy prints its words (the sentence was written in the program, beyond any clerk's reach)."""
    bundled = "Nghị định 335/2025/NĐ-CP (công chức) và Nghị định 233/2026/NĐ-CP (viên chức)"
    console = _run(outs, tmp_path / "goc", capsys)
    assert (f"Ghi chú: căn cứ tỷ lệ 20% ghi dưới bảng của bản PDF («{bundled}») lấy từ tệp can_cu.toml (khóa ty_le, "
            "mục năm 2026); nếu khác văn bản chính thức, sửa tệp đó (hoso templates export THU_MUC) rồi chạy lại với "
            "--templates THU_MUC.") in console.splitlines()
    assert f"20% số hoàn thành tốt nhiệm vụ: theo {bundled}, số được xếp loại" in _pdf(tmp_path / "goc" / province.PDF)

    from pipeline.cli import main

    own = tmp_path / "mau"
    with pytest.raises(SystemExit) as exc:
        main(["templates", "export", str(own)])
    assert exc.value.code in (0, None)
    capsys.readouterr()
    corrected = "Nghị định 335/2025/NĐ-CP (công chức) và Nghị định 233/2026/NĐ-CP ngày 26/6/2026 (viên chức)"
    can_cu = own / "can_cu.toml"
    text = can_cu.read_text(encoding="utf-8")
    assert text.count(f'ty_le = "{bundled}"') == 1
    can_cu.write_text(text.replace(f'ty_le = "{bundled}"', f'ty_le = "{corrected}"'), encoding="utf-8")
    console = _run(outs, tmp_path / "rieng", capsys, "--templates", str(own))
    assert f"(«{corrected}»)" in console
    words = _pdf(tmp_path / "rieng" / province.PDF)
    assert f"20% số hoàn thành tốt nhiệm vụ: theo {corrected}, số được xếp loại" in words
    # a copy without the key (exported before it existed) cites the entry's short form `ngan`
    older = tmp_path / "mau_cu"  # another folder: can_cu.toml is read once per path and process
    shutil.copytree(own, older)
    (older / "can_cu.toml").write_text(text.replace(f'ty_le = "{bundled}"\n', ""), encoding="utf-8")
    _run(outs, tmp_path / "cu", capsys, "--templates", str(older))
    assert ("theo Nghị định số 335/2025/NĐ-CP, Luật Viên chức năm 2025 và Nghị định số 233/2026/NĐ-CP, số được xếp "
            "loại") in _pdf(tmp_path / "cu" / province.PDF)
