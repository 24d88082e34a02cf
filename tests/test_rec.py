"""A unit code corrected or swapped in the workbook, and a file-size limit that stops LibreOffice (helper brief
«rec»).

Each test follows the clerk on the CLI with the real LibreOffice, on a copy of the shared build of the sample
(conftest `built`, its cache: a rebuild converts only what changed): build, change the workbook, build again into
the same folder; it asserts what she reads (the console, thay_doi.txt, the manifest's `thay_doi`) and the exit code.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from fakes import leftovers, recoded, run_main
from pypdf import PdfReader

from bench.scans import form_pages, scanned, write_pdf
from pipeline.submission import changes

pytestmark = pytest.mark.libreoffice


@pytest.fixture(autouse=True)
def _in_process(cli_in_process):
    """main() runs in this process here (conftest.cli_in_process)."""


def _build(wb: Path, out: Path, cache_dir: Path, capsys) -> str:
    code, err = run_main(["build", str(wb), "-o", str(out), "--cache", str(cache_dir / "e2e")], capsys)
    assert code == 0, err
    return " ".join(err.split())


def _cell(wb: openpyxl.Workbook, sheet: str, ma_so: str, column: str, value: object) -> None:
    ws = wb[sheet]
    head = [c.value for c in ws[1]]
    [row] = [r for r in ws.iter_rows(min_row=2) if r[0].value == ma_so]
    row[head.index(column)].value = value


def _swapped(src: Path, dest: Path, a: str, b: str) -> Path:
    """The workbook with unit codes `a` and `b` exchanged everywhere, as a clerk's find-and-replace would: every
    cell holding exactly one of them, and a comparable group written as a code of one («CBTH/vien_chuc»)."""
    wb = openpyxl.load_workbook(src)
    other = {a: b, b: a}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    head, sep, tail = c.value.partition("/")
                    if head in other and (not sep or tail):
                        c.value = other[head] + sep + tail
    wb.save(dest)
    return dest


def _section(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["thay_doi"]


# 1. a corrected code lists none of the unit's people as «dữ liệu thay đổi» -----------------------------------


def test_a_corrected_code_lists_only_the_person_whose_row_changed_otherwise(built, sample, cache_dir, tmp_path,
                                                                           capsys):
    """NK → NKH in DonVi and every row (VP-037…VP-040), and VP-038's «ghi_chu» written. Only VP-038's data
    changed besides the code: she alone is named under «dữ liệu thay đổi» (all four were, their rows holding
    the code)."""
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out)
    wb = recoded(sample, "NK", "NKH")
    _cell(wb, "NhanSu", "VP-038", "ghi_chu", "Đã chuyển công tác nội bộ trong đơn vị.")
    wb.save(tmp_path / "nkh.xlsx")
    err = _build(tmp_path / "nkh.xlsx", out, cache_dir, capsys)
    assert "Mã đơn vị đã đổi: Nhà khách tỉnh (NK → NKH)" in err, err
    assert "dữ liệu thay đổi: Phạm Thị Linh (VP-038)" in err, err
    for other in ("VP-037", "VP-039", "VP-040"):
        assert other not in err, (other, err)
    section = _section(out)
    assert section["nguoi_thay_doi_du_lieu"] == [{"ma_so": "VP-038", "ho_ten": "Phạm Thị Linh"}], section
    assert section["doi_ma_don_vi"] == [{"ma_cu": "NK", "ma_moi": "NKH", "ten_don_vi": "Nhà khách tỉnh"}]
    listing = (out / "thay_doi.txt").read_text(encoding="utf-8")
    assert "Người có dữ liệu thay đổi trong sổ Excel: Phạm Thị Linh (VP-038)\n" in listing, listing



# 2. two units that swap codes -------------------------------------------------------------------------------


def test_two_units_swapping_codes_are_followed_and_their_signed_unit_pages_too(built, sample, cache_dir, tmp_path,
                                                                               capsys):
    """The clerk files the signed pages of the unit documents of NK (Nhà khách tỉnh) and CBTH (Trung tâm Công báo
    - Tin học), all but one of NK's; then finds the two codes were written the wrong way round and swaps them
    everywhere. Each unit keeps its name and its people: it is the same unit under the other's code, its papers'
    words unchanged — nothing to print or sign again, no one's data changed, the swap said once. Its signed pages
    follow it (NK's to CBTH, CBTH's to NK, none «to sign again»), and the NK page printed before the swap,
    received after, is filed with Nhà khách tỉnh's (now CBTH) too (it was set aside as printed from an old
    version: the code NK now names the other unit)."""
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out)
    sheets = [s for s in form_pages(out, units={"NK", "CBTH"}) if not s.person]
    nk = [s for s in sheets if s.unit == "NK"]
    cbth = [s for s in sheets if s.unit == "CBTH"]
    assert nk and cbth
    rng = random.Random(11)
    first = write_pdf([scanned(s.image, rng) for s in [*nk[:-1], *cbth]], tmp_path / "quet_1.pdf")
    later = write_pdf([scanned(nk[-1].image, rng)], tmp_path / "quet_2.pdf")
    code, err = run_main(["nhan-ban-ky", str(out), str(first)], capsys)
    assert code == 0 and "không xếp được" not in err, err

    err = _build(_swapped(sample, tmp_path / "doi_cho.xlsx", "NK", "CBTH"), out, cache_dir, capsys)
    assert "Mã đơn vị đã đổi:" in err and "đổi mã cho nhau, tên đơn vị và người trong đơn vị giữ nguyên" in err, err
    assert "Nhà khách tỉnh (NK → CBTH)" in err and "Trung tâm Công báo - Tin học (CBTH → NK)" in err, err
    assert "dữ liệu thay đổi" not in err, err
    section = _section(out)
    assert sorted((r["ma_cu"], r["ma_moi"]) for r in section["doi_ma_don_vi"]) == [("CBTH", "NK"), ("NK", "CBTH")]
    assert section["nguoi_thay_doi_du_lieu"] == [], section
    unit_docs = [d for d in section["van_ban"] if d["ma_don_vi"] or d["ma_so"]]
    assert unit_docs == [], unit_docs
    assert "Không văn bản nào thay đổi nội dung" in (out / "thay_doi.txt").read_text(encoding="utf-8")

    code, err = run_main(["nhan-ban-ky", str(out), str(later)], capsys)
    assert code == 0, err
    text = " ".join(err.split())
    assert "không xếp được" not in text and "cần ký lại" not in text, text
    # each unit named as it was when its pages were filed (the code NK now names the other unit), its codes beside
    assert f"văn bản của đơn vị (Nhà khách tỉnh, mã đơn vị NK → CBTH): {len(nk) - 1} trang" in text, text
    assert f"văn bản của đơn vị (Trung tâm Công báo - Tin học, mã đơn vị CBTH → NK): {len(cbth)} trang" in text, text
    # the report's sheet lists the same pages one by one: each unit by the name it had when the page was filed
    import openpyxl

    rows = list(openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")["Chuyển theo mã đơn vị mới"]
                .iter_rows(min_row=2, values_only=True))
    nk_rows = [(str(first), k, "Nhà khách tỉnh (NK)", "Nhà khách tỉnh (CBTH)", "da_ky/CBTH/don_vi.pdf")
               for k in range(1, len(nk))]
    cbth_rows = [(str(first), k, "Trung tâm Công báo - Tin học (CBTH)", "Trung tâm Công báo - Tin học (NK)",
                  "da_ky/NK/don_vi.pdf") for k in range(len(nk), len(nk) + len(cbth))]
    assert sorted(r[3:] for r in rows) == sorted(nk_rows + cbth_rows), rows
    assert {r[:2] for r in rows} == {("Văn bản của đơn vị", "(văn bản của đơn vị)")}
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert state["can_ky_lai"] == [], state["can_ky_lai"]
    # each filed page under the code its unit has now; its image moved with it
    by_place = {k.split("/", 1)[0]: set() for k in state["trang"]}
    for k, v in state["trang"].items():
        if k.split("/")[1] == "_don_vi":
            by_place[k.split("/", 1)[0]].add(v["ai"])
            assert v["anh"] == f".trang/{k}.jpg" and (out / "da_ky" / v["anh"]).is_file(), (k, v)
    assert by_place["CBTH"] == {"NK"} and by_place["NK"] == {"CBTH"}, by_place
    assert len(PdfReader(out / "da_ky" / "CBTH" / "don_vi.pdf").pages) == len(nk)
    assert len(PdfReader(out / "da_ky" / "NK" / "don_vi.pdf").pages) == len(cbth)
    code, err = run_main(["verify", str(out)], capsys)
    assert code == 0, err

    # `hoso diff` of the two folders (no workbook) recognises the swap as the build did: the code change said
    # once, nobody's data changed, nothing to print again (it named every person of the two units as changed)
    code, err = run_main(["diff", str(built[0]), str(out)], capsys)
    text = " ".join(err.split())
    assert code == 0, err
    assert "đổi mã cho nhau, tên đơn vị và người trong đơn vị giữ nguyên" in text, text
    assert "Nhà khách tỉnh (NK → CBTH)" in text and "Trung tâm Công báo - Tin học (CBTH → NK)" in text, text
    assert "dữ liệu thay đổi" not in text and "không văn bản nào thay đổi nội dung" in text, text


def test_a_person_s_rows_without_the_unit_code_tell_a_code_correction_from_a_real_change(tmp_path):
    """What `hoso diff` reads (manifest `du_lieu_nguoi_khong_ma_don_vi`): the factory's unit HC corrected to HCN
    everywhere — NS-01, NS-02, NS-03's rows differ only in that code, their fingerprints without it are the same;
    NS-02's title also changed in the corrected workbook: hers differs."""
    import workbook_factory as factory

    from pipeline import ingest

    before = factory.write(tmp_path / "so.xlsx", factory.tables())
    wb = recoded(before, "HC", "HCN")
    wb.save(tmp_path / "hcn.xlsx")
    ws = wb["NhanSu"]
    head = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[head.index("ma_so")].value == "NS-02")
    row[head.index("chuc_vu")].value = "Chuyên viên chính"
    wb.save(tmp_path / "hcn_sua.xlsx")
    old = changes.uncoded_fingerprints(ingest.load(before))
    coded = changes.person_fingerprints(ingest.load(tmp_path / "hcn.xlsx"))
    assert all(coded[m] != changes.person_fingerprints(ingest.load(before))[m] for m in ("NS-01", "NS-02", "NS-03"))
    assert changes.uncoded_fingerprints(ingest.load(tmp_path / "hcn.xlsx")) == old
    edited = changes.uncoded_fingerprints(ingest.load(tmp_path / "hcn_sua.xlsx"))
    assert {m for m in ("NS-01", "NS-02", "NS-03") if edited[m] != old[m]} == {"NS-02"}


def test_diff_names_only_the_really_changed_people_of_a_recoded_unit():
    """`compare` with no build's view (`hoso diff`): the people of the recoded unit whose fingerprints without the
    unit code agree are not named; the one whose differ is; two folders of which one has no such record (built by
    an earlier hoso) name them all, as before."""
    before = _manifest({"A": "Phòng Một"}, {"P1": "A", "P2": "A"})
    after = _manifest({"B": "Phòng Một"}, {"P1": "B", "P2": "B"})
    before.update({"du_lieu_nguoi": {"P1": "a1", "P2": "a2"}, changes.UNCODED: {"P1": "u1", "P2": "u2"}})
    after.update({"du_lieu_nguoi": {"P1": "b1", "P2": "b2"}, changes.UNCODED: {"P1": "u1", "P2": "u2-sua"}})
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert result.renamed_units == [("A", "B", "Phòng Một")]
    assert [m for m, _ in result.people] == ["P2"]
    del before[changes.UNCODED]
    assert [m for m, _ in changes.compare(before, after, old_root=None, new_root=None).people] == ["P1", "P2"]


def _manifest(units: dict[str, str], people: dict[str, str]) -> dict:
    """A manifest with `units` (code -> name) and `people` (staff code -> unit code), no documents."""
    return {"files": [], "don_vi": [{"ma_don_vi": u, "ten_don_vi": n, "pdf": f"don_vi/{u}.pdf", "muc": []}
                                    for u, n in units.items()],
            "ca_nhan": [{"ma_so": m, "ma_don_vi": u, "pdf": f"ca_nhan/{u}/{m}.pdf", "tai_lieu": []}
                        for m, u in people.items()]}


def test_a_swap_is_followed_only_when_names_and_people_both_say_so():
    """Codes A and B exchanged: followed when each unit keeps its name and its people. Not when the names stayed
    with the codes (the people moved between two units: their papers name the other unit, they are listed), nor
    when one person also moved. A → B and B → C while a new unit takes A: followed, the new A is new."""
    before = _manifest({"A": "Phòng Một", "B": "Phòng Hai"}, {"P1": "A", "P2": "A", "Q1": "B"})
    swapped = _manifest({"B": "Phòng Một", "A": "Phòng Hai"}, {"P1": "B", "P2": "B", "Q1": "A"})
    said = changes.compare(before, swapped, old_root=None, new_root=None).renamed_units
    assert sorted(said) == [("A", "B", "Phòng Một"), ("B", "A", "Phòng Hai")]
    people_moved = _manifest({"A": "Phòng Một", "B": "Phòng Hai"}, {"P1": "B", "P2": "B", "Q1": "A"})
    assert changes.compare(before, people_moved, old_root=None, new_root=None).renamed_units == []
    one_more = _manifest({"B": "Phòng Một", "A": "Phòng Hai"}, {"P1": "B", "P2": "A", "Q1": "A"})
    assert changes.compare(before, one_more, old_root=None, new_root=None).renamed_units == []
    taken = _manifest({"B": "Phòng Một", "A": "Phòng Ba", "C": "Phòng Hai"}, {"P1": "B", "P2": "B", "Q1": "C", "R1": "A"})
    assert sorted(changes.compare(before, taken, old_root=None, new_root=None).renamed_units) == \
        [("A", "B", "Phòng Một"), ("B", "C", "Phòng Hai")]


# 4. a file-size limit below one form's PDF --------------------------------------------------------------------


def test_a_file_size_limit_that_stops_libreoffice_is_named(sample, tmp_path):
    """`ulimit -f 100` (100 KB): the workbook's copy and every .docx fit, a form's PDF does not, and LibreOffice
    is killed by the kernel (SIGXFSZ, «Fatal exception: Signal 25»). hoso says the limit, with its size, and exits 7
    as for its own writes — it said «LibreOffice không chuyển được 117 văn bản sang PDF (đã thử lại)», exit 6,
    after trying each form again. No output folder, nothing left beside it."""
    out = tmp_path / "ket_qua"
    hoso = Path(sys.executable).parent / "hoso"
    env = {**os.environ, "HOSO_CACHE": str(tmp_path / "cache")}
    run = subprocess.run(["bash", "-c", f'ulimit -f 100; exec "{hoso}" build "{sample}" -o "{out}" --cache '
                                        f'"{tmp_path / "cache"}"'],
                         capture_output=True, text=True, env=env, timeout=600)
    err = " ".join(run.stderr.split())
    assert run.returncode == 7, run.stderr
    assert ("Lỗi: LibreOffice không ghi được tệp PDF của văn bản: tệp vượt cỡ tối đa máy cho phép ghi (giới hạn cỡ "
            "tệp của phiên làm việc — ulimit -f — hiện là 100 KB)") in err, err
    assert "không chuyển được" not in err and "Traceback" not in err, err
    assert not (out / "manifest.json").exists() and leftovers(out) == []


def test_scan_notes_name_the_units_by_name_and_their_codes_only_when_the_names_agree():
    """«Nhận bản đã ký»/nhan-ban-ky's notes: a teacher moved from Tổ Toán (TOAN) to Tổ Tin học (TTIN) is said
    «Tổ Toán → Tổ Tin học» (the names tell the units apart: no code); a unit whose code alone was corrected keeps
    its name, so its codes are said beside it; no name recorded for the old code (filed by an earlier hoso): the
    codes alone. A dossier gone keeps its codes beside the names (nothing of the output names it)."""
    from pipeline.scan.sort import _left_words, _move_words

    earlier = {"don_vi": {"TOAN": "Tổ Toán", "NK": "Nhà khách tỉnh"}, "nguoi": {"TR-06": "Đỗ Minh Châu"}}
    now = {"don_vi": {"TTIN": "Tổ Tin học", "NKH": "Nhà khách tỉnh", "TOAN": "Tổ Toán"},
           "nguoi": {"TR-06": "Đỗ Minh Châu"}}
    assert _move_words("TOAN", "TR-06", "TTIN", 3, earlier, now) == "Đỗ Minh Châu (Tổ Toán → Tổ Tin học): 3 trang"
    assert _move_words("NK", "_don_vi", "NKH", 4, earlier, now) == \
        "văn bản của đơn vị (Nhà khách tỉnh, mã đơn vị NK → NKH): 4 trang"
    assert _move_words("HC", "TR-06", "TTIN", 1, earlier, now) == "Đỗ Minh Châu (đơn vị HC → Tổ Tin học (TTIN)): 1 trang"
    assert _left_words("TOAN", "TR-06", earlier, now) == "Đỗ Minh Châu (TR-06, Tổ Toán (TOAN))"
    assert _left_words("HC", "VP-013", earlier, now) == "VP-013 (đơn vị HC)"
