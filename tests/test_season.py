"""The clerk's season, replayed on the sample with the real LibreOffice: what changed and what to
print again (in_lai.pdf, thay_doi.txt, `hoso diff`), hand edits never overwritten silently, a
--person build keeping the other dossiers, another agency's workbook refused.

Every case works on a copy of the shared real build (conftest `built`) with its cache, so a
rebuild converts only what changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fakes import snapshot
from pypdf import PdfReader
from workbook_factory import with_strengths

from pipeline import clock
from pipeline.cli import main
from pipeline.manifest import MANIFEST

pytestmark = pytest.mark.libreoffice


@pytest.fixture(autouse=True)
def _keep_sigterm(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)  # main() runs in-process here


def run_main(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    captured = capsys.readouterr()
    return exc.value.code, captured.err, captured.out


@pytest.fixture
def copy(built, tmp_path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(built[0], out)  # modification times kept: still "as recorded"
    return out


def cache_args(cache_dir) -> list[str]:
    return ["--cache", str(cache_dir / "e2e")]


def edit_workbook(src: Path, dest: Path, *, votes: dict[str, dict[str, int]] = (), agency: str | None = None) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb["BieuQuyet"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        change = dict(votes).get(row[head.index("ma_so")].value)
        for key, value in (change or {}).items():
            row[head.index(key)].value = value
    if agency is not None:
        ws = wb["CoQuan"]
        for row in ws.iter_rows():
            if row[0].value in ("ten_co_quan", "Tên cơ quan"):
                row[1].value = agency
    wb.save(dest)
    return dest


def files_of(out: Path) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]}


def pdf_pages_text(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_two_people_changed_reprint_holds_exactly_their_changed_sheets(copy, sample, cache_dir, tmp_path, capsys):
    # VP-005 (unit HCQT) rewrites their strengths: their own self-assessment form changes;
    # VP-030 (unit CBTH) gets another vote count: their unit's meeting minutes change.
    step = with_strengths(sample, tmp_path / "a.xlsx", "VP-005", "Tận tụy, chu đáo (bổ sung sau họp).")
    changed = edit_workbook(step, tmp_path / "b.xlsx", votes={"VP-030": {"phieu_htt": 6, "phieu_ht": 0}})
    old = tmp_path / "truoc"
    shutil.copytree(copy, old)
    before = files_of(copy)

    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    after = files_of(copy)
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    section = manifest["thay_doi"]
    # the documents whose .docx changed, worked out from the two manifests
    changed_docx = {p for p in after if p.endswith(".docx") and p.startswith(("ca_nhan/", "don_vi/"))
                    and before.get(p) != after[p]}
    assert changed_docx and all("/VP-005/" in p or p.startswith("don_vi/CBTH/") for p in changed_docx), changed_docx
    listed = {(d["tep"], d["mau"]) for d in section["van_ban"] if d["mau"]}
    expected = {("ca_nhan/HCQT/VP-005.pdf" if "/VP-005/" in p else "don_vi/CBTH.pdf", Path(p).stem)
                for p in changed_docx}
    assert expected == listed, (expected, listed)  # besides the covers (no form), exactly those
    assert {d["ma_so"] for d in section["van_ban"] if d["ma_so"]} <= {"VP-005"}
    assert {d["ma_don_vi"] for d in section["van_ban"]} <= {"HCQT", "CBTH"}
    assert {p["ma_so"] for p in section["nguoi_thay_doi_du_lieu"]} == {"VP-005", "VP-030"}
    # the summary line names the two people and the reprint file
    line = next(x for x in err.splitlines() if x.startswith("So với lần tạo trước"))
    ratings = {p["ma_so"]: p["ho_ten"] for p in json.loads((copy / "ket_qua_xep_loai.json").read_text())["nguoi"]}
    assert ratings["VP-005"] in line and ratings["VP-030"] in line and "in_lai.pdf" in line, line

    # in_lai.pdf: the runs of sheets, each from an odd page to an even one (two-sided), in order
    reprint = copy / "in_lai.pdf"
    pages = pdf_pages_text(reprint)
    assert len(pages) == section["so_trang_in_lai"] and len(pages) % 2 == 0
    expected_pages: list[str] = []
    for run in section["to_in"]:
        bundle = pdf_pages_text(copy / run["tep"])
        assert run["trang_dau"] % 2 == 1 and (run["trang_cuoi"] % 2 == 0 or run["trang_cuoi"] == len(bundle)), run
        expected_pages += bundle[run["trang_dau"] - 1:run["trang_cuoi"]]
        if len(expected_pages) % 2:
            expected_pages.append("")
    assert [t.strip() for t in pages] == [t.strip() for t in expected_pages]
    for d in section["van_ban"]:  # every changed document lies inside one run
        assert any(r["tep"] == d["tep"] and r["trang_dau"] <= d["trang_dau"] and d["trang_cuoi"] <= r["trang_cuoi"]
                   for r in section["to_in"]), d
    assert any("bổ sung sau họp" in t for t in pages), "the changed self-assessment is not in in_lai.pdf"
    outline = [item.title for item in PdfReader(reprint).outline if not isinstance(item, list)]
    assert any(ratings["VP-005"] in t for t in outline) and any("Biên bản" in t for t in outline), outline
    listing = (copy / "thay_doi.txt").read_text(encoding="utf-8")
    assert "ca_nhan/HCQT/VP-005.pdf" in listing and "don_vi/CBTH.pdf" in listing
    # a unit's own document is named by the unit's name (it was «CBTH — Biên bản …», the code)
    assert "Trung tâm Công báo - Tin học — Biên bản cuộc họp" in listing and "CBTH — " not in listing

    # hoso diff compares the two folders the same way
    rc, err, out = run_main(["diff", str(old), str(copy), "--in-lai", str(tmp_path / "lai.pdf")], capsys)
    assert rc == 0, err
    assert out == listing and len(PdfReader(tmp_path / "lai.pdf").pages) == len(pages)
    rc, err, out = run_main(["diff", str(copy), str(copy)], capsys)
    assert rc == 0 and "không văn bản nào thay đổi" in err, err



def _edit_docx(path: Path, marker: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", f"<w:p><w:r><w:t>{marker}</w:t></w:r></w:p></w:body>".encode())
            dst.writestr(item, data)
    tmp.replace(path)


def test_a_hand_edited_docx_is_not_overwritten_without_ghi_de(copy, sample, cache_dir, tmp_path, capsys, monkeypatch):
    edited = copy / "ca_nhan" / "HCQT" / "VP-005" / "mau_02.docx"
    _edit_docx(edited, "Ý kiến bổ sung của đồng chí Trưởng phòng")
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-006", "Một thay đổi khác (lần 2).")
    before = snapshot(copy)
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 7, err
    assert "ca_nhan/HCQT/VP-005/mau_02.docx" in err and "--ghi-de" in err and "TuDanhGia" in err, err
    assert "không phải sổ hoso đọc" not in err  # said of the copy of the workbook only (below)
    assert "nhan-ban-ky" not in err  # said of a replaced PDF only (below)
    assert snapshot(copy) == before  # the previous output as it was, the edit kept
    # run from a terminal standing in the output's subfolder: the swap replaces the folder under it; `ls` there then
    # shows nothing, so the console says where the new files are (it said nothing)
    monkeypatch.chdir(copy / "ca_nhan")
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir), "--ghi-de"], capsys)
    assert rc == 0, err
    assert "ghi đè 1 tệp đã sửa tay" in err and "ca_nhan/HCQT/VP-005/mau_02.docx" in err
    assert ("Ghi chú: cửa sổ dòng lệnh này đang đứng trong thư mục kết quả cũ, vừa được thay bằng thư mục mới cùng tên "
            f"nên các tệp mới chưa hiện ở đây (không mất gì). Gõ: cd \"{(copy / 'ca_nhan').resolve()}\" để vào thư mục "
            "mới.") in " ".join(err.split()), err
    with zipfile.ZipFile(edited) as z:
        assert "Ý kiến bổ sung" not in z.read("word/document.xml").decode()


def test_a_vote_corrected_in_the_copy_of_the_workbook_is_said_to_be_read_nowhere(copy, sample, tmp_path, capsys):
    """The clerk opened so_lieu_kem_ket_qua.xlsx beside the dossiers — a workbook like hers, with the results —,
    corrected a text there and built again: refused as a hand edit, told to put it «into the workbook» — which
    she had just done, as she saw it. Now the refusal says that file is the copy hoso writes, names the workbook
    it reads, and how to use the edited copy as the workbook."""
    import openpyxl

    path = copy / "so_lieu_kem_ket_qua.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["TuDanhGia"]["K3"] = "Sửa trong bản sao"
    wb.save(path)
    read = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["co_quan"]["tep_dau_vao"]
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-006", "Một thay đổi khác (lần 3).")
    before = snapshot(copy)
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy)], capsys)
    assert rc == 7 and snapshot(copy) == before, err
    said = " ".join(err.split())
    assert (f"«so_lieu_kem_ket_qua.xlsx» là bản sao kèm kết quả do hoso viết, không phải sổ hoso đọc («{read}»): số liệu "
            f"sửa trong bản sao không được đọc. Hãy sửa trong sổ «{read}»; hoặc, để dùng chính bản sao đã sửa làm sổ, chép "
            "nó ra ngoài thư mục kết quả rồi chạy hoso build với bản chép đó.") in said, err


def test_a_signed_scan_saved_over_a_dossier_is_kept_and_sent_to_nhan_ban_ky(copy, sample, tmp_path, capsys):
    """The clerk scans VP-005's signed dossier and saves the scan over ca_nhan/HCQT/VP-005.pdf, then builds a change:
    refused (exit 7), the scan kept; the message told her to put her edits into the workbook, which a signed scan
    has none of. It now says where signed scans go: `hoso nhan-ban-ky` files them under da_ky/, never overwritten."""
    scan = copy / "ca_nhan" / "HCQT" / "VP-005.pdf"
    scan.write_bytes((copy / "HUONG_DAN_IN.pdf").read_bytes())  # another PDF, as a scan would be
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-006", "Một thay đổi khác (lần 4).")
    before = snapshot(copy)
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy)], capsys)
    assert rc == 7 and snapshot(copy) == before, err
    said = " ".join(err.split())
    assert ("Nếu tệp PDF (ca_nhan/HCQT/VP-005.pdf) đã được thay bằng bản quét trang đã ký: chép bản quét ra ngoài thư "
            f"mục kết quả rồi chạy hoso nhan-ban-ky \"{copy}\" <tệp quét>: các trang đã ký được xếp vào thư mục da_ky/ "
            "theo mã in trên từng trang, không bị ghi đè khi tạo lại") in said, err


def test_person_build_keeps_the_other_dossiers(copy, sample, cache_dir, tmp_path, capsys):
    before = files_of(copy)
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-030", "Hoàn thành tốt (sửa riêng VP-030).")
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir), "--person", "VP-030"], capsys)
    assert rc == 0, err
    assert "giữ hồ sơ của những người khác" in err, err
    after = files_of(copy)
    dossiers = [p for p in before if p.startswith("ca_nhan/") and p.endswith(".pdf")]
    assert len(dossiers) == 40
    assert all(p in after for p in before if p.startswith(("ca_nhan/", "don_vi/", "nop_so_noi_vu/")))
    assert all(after[p] == before[p] for p in dossiers if "VP-030" not in p)
    assert after["ca_nhan/CBTH/VP-030.pdf"] != before["ca_nhan/CBTH/VP-030.pdf"]
    unit = "".join(pdf_pages_text(copy / "don_vi" / "CBTH.pdf"))
    assert "sửa riêng VP-030" in unit
    rc, err, _ = run_main(["verify", str(copy)], capsys)
    assert rc == 0, err


def test_another_agency_into_the_same_folder_is_refused(copy, sample, cache_dir, tmp_path, capsys):
    other = edit_workbook(sample, tmp_path / "so_khac.xlsx", agency="Sở Tư pháp tỉnh Quảng Ngãi")
    first = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["co_quan"]["ten_co_quan"]
    before = snapshot(copy)
    rc, err, _ = run_main(["build", str(other), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 7, err
    assert first in err and "Sở Tư pháp tỉnh Quảng Ngãi" in err and "so_khac.xlsx" in err and "--doi-co-quan" in err
    assert snapshot(copy) == before
    rc, err, _ = run_main(["build", str(other), "-o", str(copy), *cache_args(cache_dir), "--doi-co-quan"], capsys)
    assert rc == 0, err
    assert json.loads((copy / MANIFEST).read_text(encoding="utf-8"))["co_quan"]["ten_co_quan"] == "Sở Tư pháp tỉnh Quảng Ngãi"


def test_pdftotext_reads_the_reprint(copy, sample, cache_dir, tmp_path, capsys):
    """The reprint is an ordinary PDF: poppler reads it as the clerk's viewer would."""
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-019", "Ghi nhận (bản in lại).")
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    text = subprocess.run(["pdftotext", "-layout", str(copy / "in_lai.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Ghi nhận (bản in lại)." in text


def test_reading_guide_from_the_data(built):
    import datetime as dt

    out = built[0]
    text = (out / "HUONG_DAN_IN.txt").read_text(encoding="utf-8")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    due = dt.date.fromisoformat(manifest["nop_so_noi_vu"]["han_nop"])
    late = (clock.today() - due).days  # worked out here: the sample's deadline (15/11/2024) is past
    assert f"Hạn gửi hồ sơ cho Sở Nội vụ: {due:%d/%m/%Y} — đã quá hạn {late} ngày" in text
    assert "in HAI MẶT" in text
    for unit in manifest["don_vi"]:
        assert f"- {unit['pdf']}:" in text
    # who signs which page: every person's form is named with its pages in the unit's dossier
    ratings = {p["ma_so"]: p["ho_ten"] for p in json.loads((out / "ket_qua_xep_loai.json").read_text())["nguoi"]}
    unit = manifest["don_vi"][0]
    person = next(m for m in unit["muc"] if m["ma_so"])
    docs = next(p for p in manifest["ca_nhan"] if p["ma_so"] == person["ma_so"])["tai_lieu"]
    first = person["trang_dau"] + docs[0]["trang_dau"] - 1
    line = next(x for x in text.splitlines() if f"{ratings[person['ma_so']]} ({person['ma_so']})" in x)
    own = f"trang {docs[0]['trang_dau']}–{docs[0]['trang_dau'] + docs[0]['so_trang'] - 1}"
    assert f"{own} của ca_nhan/{unit['ma_don_vi']}/{person['ma_so']}.pdf (trang {first}–" in line, line
    assert f"của {unit['pdf']}); ký: Người tự nhận xét ({ratings[person['ma_so']]})" in line, line
    page = PdfReader(out / unit["pdf"]).pages[first - 1].extract_text()
    assert ratings[person["ma_so"]] in page and "PHIẾU ĐÁNH GIÁ" in page.upper()
    # what goes to the Sở Nội vụ, each file with how it is sent
    for f in manifest["nop_so_noi_vu"]["tep"]:
        assert f["path"] in text
    assert "bản quét" in text and "chưa có quy định chung được xác nhận" in text
    pdf = subprocess.run(["pdftotext", str(out / "HUONG_DAN_IN.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    assert "HƯỚNG DẪN IN, KÝ VÀ NỘP HỒ SƠ" in pdf and f"đã quá hạn {late} ngày" in pdf
    # the output folder is readable by the group as the umask allows (not mkdtemp's 0700)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask
    # the days left are never printed in a dossier that is signed
    for rel in [u["pdf"] for u in manifest["don_vi"]][:2]:
        assert "quá hạn" not in "".join(p.extract_text() for p in PdfReader(out / rel).pages)


def test_readme_lists_every_output(built):
    """Every file or folder at the root of a build (and each kind of file below) has its row in the
    README's table of what `build` writes."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## What `build` writes"):]
    table = table[:table.index("\n\n")]
    out = built[0]
    for entry in out.iterdir():
        name = entry.name + ("/" if entry.is_dir() else "")
        shown = re.sub(r"\d{4}", "<nam>", name)
        assert f"`{shown}" in table or f"`{name}" in table, f"{name} is not in the README's output table"
    for rel in ("ca_nhan/<ma_don_vi>/<ma_so>.pdf", "ca_nhan/<ma_don_vi>/<ma_so>/*.docx", "don_vi/<ma_don_vi>.pdf",
                "don_vi/<ma_don_vi>/*.docx", "co_quan/*.docx"):
        assert f"`{rel}`" in table, rel


def test_a_longer_form_reprints_the_rest_of_that_person_s_dossier_and_nothing_else(copy, sample, cache_dir,
                                                                                     tmp_path, capsys):
    before = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    old_docs = next(p for p in before["ca_nhan"] if p["ma_so"] == "VP-005")["tai_lieu"]
    longer = with_strengths(sample, tmp_path / "dai.xlsx", "VP-005", "Tận tụy, chu đáo, nhiều sáng kiến. " * 150)
    rc, err, _ = run_main(["build", str(longer), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    docs = next(p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-005")["tai_lieu"]
    assert docs[0]["so_trang"] > old_docs[0]["so_trang"]  # the form grew: the later forms moved
    section = manifest["thay_doi"]
    # the sheets to print again are the grown form's, in VP-005's own dossier: with two-sided printing
    # every document of a dossier starts on a sheet of its own, so the later forms moved to other
    # page numbers on the very same sheets (listed as renumbered, not to sign again)
    assert [(r["tep"], r["trang_dau"]) for r in section["to_in"]] == [("ca_nhan/HCQT/VP-005.pdf", docs[0]["trang_dau"])]
    end = docs[0]["trang_dau"] + docs[0]["so_trang"] - 1
    assert section["to_in"][0]["trang_cuoi"] in (end, end + 1)  # + the blank back of its last sheet
    assert {d["mau"] for d in section["van_ban"]} == {docs[0]["mau"]}
    # what only moved is listed apart, not to sign again
    renumbered = {(d["tep"], d["mau"]) for d in section["chi_doi_so_trang"]}
    assert not any(tep.startswith("don_vi/") for tep, _ in renumbered)  # the unit's sheets did not move
    assert "chỉ đổi số trang (không phải ký lại)" in err


def test_forms_moved_by_a_longer_one_keep_their_sheets_and_signatures(copy, sample, cache_dir, tmp_path, capsys):
    """Two-sided, VP-005's self-assessment (mau_02) grows by three pages: the forms after it start two pages
    later, on sheets of their own as before (every form starts on an odd page), with the same words. Only
    the grown form is printed and signed again; the moved ones are listed as renumbered, and the version in
    their pages' codes (`phien_ban`, what `hoso nhan-ban-ky` compares) is unchanged: their signed pages stay."""
    before = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    was = {d["mau"]: d for d in next(p for p in before["ca_nhan"] if p["ma_so"] == "VP-005")["tai_lieu"]}
    longer = with_strengths(sample, tmp_path / "dai.xlsx", "VP-005", "Tận tụy, chu đáo, nhiều sáng kiến. " * 300)
    rc, err, _ = run_main(["build", str(longer), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    docs = next(p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-005")["tai_lieu"]
    assert docs[0]["mau"] == "mau_02" and docs[0]["so_trang"] >= was["mau_02"]["so_trang"] + 2
    moved = docs[1:]
    assert moved and all(d["trang_dau"] > was[d["mau"]]["trang_dau"] and d["trang_dau"] % 2 == 1 for d in moved)
    assert all(d["phien_ban"] == was[d["mau"]]["phien_ban"] for d in moved)
    assert docs[0]["phien_ban"] != was["mau_02"]["phien_ban"]
    section = manifest["thay_doi"]
    assert {(d["tep"], d["mau"]) for d in section["van_ban"]} == {("ca_nhan/HCQT/VP-005.pdf", "mau_02")}
    renumbered = {(d["tep"], d["mau"]) for d in section["chi_doi_so_trang"]}
    assert {("ca_nhan/HCQT/VP-005.pdf", d["mau"]) for d in moved} <= renumbered, renumbered
    # the sheets to print: the grown form's, from its first page to the blank back of its last sheet
    end = docs[0]["trang_dau"] + docs[0]["so_trang"] - 1
    assert [(r["tep"], r["trang_dau"], r["trang_cuoi"]) for r in section["to_in"]] == \
        [("ca_nhan/HCQT/VP-005.pdf", docs[0]["trang_dau"], end + end % 2)]


def test_a_new_report_date_reprints_the_cover_letter_too(copy, sample, cache_dir, tmp_path, capsys):
    """CoQuan.ngay_bao_cao dates the cover letter, the report and the biểu: all three are signed,
    so all three are to print again (the cover letter was left out of thay_doi.txt and in_lai.pdf)."""
    wb = openpyxl.load_workbook(sample)
    ws = wb["CoQuan"]
    ws.cell(ws.max_row + 1, 1, "ngay_bao_cao")
    ws.cell(ws.max_row, 2, "12/11/2024")
    changed = tmp_path / "ngay.xlsx"
    wb.save(changed)
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    listing = (copy / "thay_doi.txt").read_text(encoding="utf-8")
    for rel in ("nop_so_noi_vu/cong_van_gui_so_noi_vu.pdf", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf",
                "nop_so_noi_vu/bieu_tong_hop.pdf"):
        assert rel in listing, rel
    reprint = pdf_pages_text(copy / "in_lai.pdf")
    assert any("Kính gửi: Sở Nội vụ" in " ".join(t.split()) and "ngày 12 tháng 11 năm 2024" in " ".join(t.split())
               for t in reprint)
    # the package's zip holds those documents: a copy already sent to the Sở Nội vụ is out of date
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    zip_name = manifest["nop_so_noi_vu"]["zip"]
    assert zip_name in [d["tep"] for d in manifest["thay_doi"]["gui_lai"]]
    assert f"  - {zip_name}: toàn bộ thư mục nop_so_noi_vu (bản chưa ký)" in listing
    assert "Tệp gửi Sở Nội vụ đã khác lần tạo trước (nếu đã gửi bản cũ, gửi lại bản mới):" in listing
    line = next(x for x in err.splitlines() if x.startswith("So với lần tạo trước"))
    assert f"Tệp gửi Sở Nội vụ đã khác: {zip_name}" in line and "gửi lại bản mới" in line, line


def test_a_text_outside_the_package_does_not_ask_to_send_it_again(copy, sample, cache_dir, tmp_path, capsys):
    """VP-005 (unit HCQT, not the leaders' unit whose dossier the package carries) rewrites a text:
    their dossier is reprinted, the package's files keep their bytes, so nothing is to be sent again."""
    before = files_of(copy)
    changed = with_strengths(sample, tmp_path / "a.xlsx", "VP-005", "Tận tụy, chu đáo (bổ sung sau họp).")
    rc, err, _ = run_main(["build", str(changed), "-o", str(copy), *cache_args(cache_dir)], capsys)
    assert rc == 0, err
    manifest = json.loads((copy / MANIFEST).read_text(encoding="utf-8"))
    zip_name = manifest["nop_so_noi_vu"]["zip"]
    assert files_of(copy)[zip_name] == before[zip_name]
    assert manifest["thay_doi"]["gui_lai"] == [] and manifest["thay_doi"]["van_ban"]
    assert "Tệp gửi Sở Nội vụ" not in (copy / "thay_doi.txt").read_text(encoding="utf-8") and "Tệp gửi Sở Nội vụ" not in err
