"""`hoso verify OUTDIR`: passes on a fresh build; fails with exit 9, naming the file, on any change."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline import api
from pipeline.cli import cli, main
from pipeline.errors import ExitCode
from pipeline.submission import summary_table


def run_verify(outdir: Path, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["verify", str(outdir)])
    return exc.value.code, capsys.readouterr().err


@pytest.fixture
def copy(built, tmp_path) -> Path:
    """A private copy of the shared build, free to damage."""
    out, _ = built
    dest = tmp_path / "output"
    shutil.copytree(out, dest)
    return dest


def rehash(outdir: Path, *paths: str) -> None:
    """Update manifest.json after a deliberate edit, so that only the deeper checks can catch it."""
    path = outdir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for f in manifest["files"]:
        if f["path"] in paths:
            data = (outdir / f["path"]).read_bytes()
            f["sha256"], f["bytes"] = hashlib.sha256(data).hexdigest(), len(data)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def test_verify_is_listed_in_help():
    result = CliRunner().invoke(cli, ["--help"])
    assert "verify" in result.output
    assert "kiểm tra" in CliRunner().invoke(cli, ["verify", "--help"]).output.lower()


def test_verify_passes_on_the_fresh_output(built, capsys):
    out, _ = built
    report = api.verify(out)
    assert report.ok, report.problems
    assert report.people == 40 and report.files > 40
    code, err = run_verify(out, capsys)
    assert code == 0, err
    assert "khớp" in err


def test_one_byte_changed_in_one_pdf_fails_naming_the_file(copy, capsys):
    target = "ca_nhan/HCQT/VP-004.pdf"
    data = bytearray((copy / target).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / target).write_bytes(bytes(data))
    code, err = run_verify(copy, capsys)
    assert code == ExitCode.verify_failed == 9
    assert f"Tệp bị sửa: {target}" in err
    assert err.count("LỖI") == 1  # nothing else is wrong


def test_deleted_dossier_fails_naming_the_file_and_the_person(copy, capsys):
    (copy / "ca_nhan" / "TH" / "VP-016.pdf").unlink()
    (copy / "nop_so_noi_vu" / "ho_so_lanh_dao.pdf").unlink()
    code, err = run_verify(copy, capsys)
    assert code == 9
    assert "Thiếu tệp: ca_nhan/TH/VP-016.pdf" in err
    assert "(VP-016): mất hồ sơ cá nhân ca_nhan/TH/VP-016.pdf" in err
    assert "Thiếu tệp: nop_so_noi_vu/ho_so_lanh_dao.pdf" in err
    assert "ho_so_2024.zip thừa tệp không có trong nop_so_noi_vu/: nop_so_noi_vu/ho_so_lanh_dao.pdf" in err


def test_extra_file_fails(copy, capsys):
    (copy / "don_vi" / "ghi_chu.txt").write_text("x", encoding="utf-8")
    code, err = run_verify(copy, capsys)
    assert code == 9 and "Tệp thừa: don_vi/ghi_chu.txt" in err


def test_a_document_open_in_word_or_libreoffice_is_not_an_extra_file(copy, capsys):
    """A form open in Word (its `~$` lock file beside it) or a dossier open in LibreOffice (`.~lock.…#`) while the
    clerk runs verify: it said «LỖI Tệp thừa» for each lock file and «không khớp» (exit 9), though the build
    itself ignores them. Now they are named once as lock files and left out; a real extra file still fails."""
    form = sorted((copy / "ca_nhan").rglob("*.docx"))[0]
    word = form.parent / f"~${form.name[2:]}"
    office = copy / "don_vi" / ".~lock.LD.pdf#"
    for lock in (word, office):
        lock.write_bytes(b"khoa")
    code, err = run_verify(copy, capsys)
    rels = [p.relative_to(copy).as_posix() for p in (word, office)]
    assert code == 0 and "Tệp thừa" not in err, err
    assert (f"Ghi chú: Tệp khóa của Word/LibreOffice (tài liệu đang mở; không thuộc bộ hồ sơ, bỏ qua): "
            f"{', '.join(sorted(rels))}.") in err, err
    (copy / "don_vi" / "~ghi_chu.txt").write_text("x", encoding="utf-8")  # not an editor's lock file
    code, err = run_verify(copy, capsys)
    assert code == 9 and "Tệp thừa: don_vi/~ghi_chu.txt" in err and "Tệp thừa: don_vi/.~lock" not in err


def test_person_missing_from_dossiers_and_unit_bundle_fails(copy, capsys):
    path = copy / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["ca_nhan"] = [d for d in manifest["ca_nhan"] if d["ma_so"] != "VP-020"]
    manifest["ca_nhan"].append(next(d for d in manifest["ca_nhan"] if d["ma_so"] == "VP-021"))  # twice
    for unit in manifest["don_vi"]:
        unit["muc"] = [m for m in unit["muc"] if m.get("ma_so") != "VP-020"]
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    report = api.verify(copy)
    text = "\n".join(report.problems)
    assert "(VP-020): không có hồ sơ cá nhân" in text
    assert "(VP-021): có 2 hồ sơ cá nhân" in text


def test_summary_table_counts_that_differ_from_the_ratings_fail(copy, capsys):
    rel = "nop_so_noi_vu/bieu_tong_hop.xlsx"
    wb = load_workbook(copy / rel)
    ws = wb[summary_table.SHEET]
    row = summary_table.FIRST_ROW + 2  # công chức không giữ chức vụ
    cell = ws.cell(row=row, column=summary_table.COL_LEVEL["HTT"])
    cell.value = cell.value + 1
    wb.save(copy / rel)
    rehash(copy, rel)
    code, err = run_verify(copy, capsys)
    assert code == 9
    assert "dòng «Công chức không giữ chức vụ lãnh đạo, quản lý», cột HTT" in err
    assert "Tệp nén ho_so_2024.zip: nop_so_noi_vu/bieu_tong_hop.xlsx khác với tệp đã tạo" in err


def test_a_decided_level_changed_in_the_ratings_file_is_named_in_words(copy, capsys):
    """A clerk raises a decided level in ket_qua_xep_loai.json after the build (and rehashes the manifest): the
    person-by-person check names both levels in words, never the internal status «xep_loai/HTT» (which the Sở's
    summary printed on its paper as «xep_loai/“Hoàn thành tốt nhiệm vụ”»)."""
    rel = "ket_qua_xep_loai.json"
    data = json.loads((copy / rel).read_text(encoding="utf-8"))
    person = next(p for p in data["nguoi"] if p["ma_so"] == "VP-001")  # the sample's VP-001: proposed HTT
    person["muc_quyet_dinh"] = "HTXS"
    (copy / rel).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rehash(copy, rel)
    code, err = run_verify(copy, capsys)
    assert code == 9
    assert ("nop_so_noi_vu/bieu_tong_hop.xlsx: VP-001 ghi «Hoàn thành tốt nhiệm vụ», theo ket_qua_xep_loai.json là "
            "«Hoàn thành xuất sắc nhiệm vụ».") in err
    assert "xep_loai/" not in err


def test_zip_missing_an_entry_fails(copy, capsys):
    archive = copy / "ho_so_2024.zip"
    with zipfile.ZipFile(archive) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist() if not i.filename.endswith("bieu_tong_hop.pdf")]
    with zipfile.ZipFile(archive, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    rehash(copy, "ho_so_2024.zip")
    code, err = run_verify(copy, capsys)
    assert code == 9 and "Tệp nén ho_so_2024.zip thiếu tệp: nop_so_noi_vu/bieu_tong_hop.pdf" in err


def test_folder_without_manifest_fails(tmp_path, capsys):
    code, err = run_verify(tmp_path, capsys)
    assert code == 9 and "manifest.json" in err


@pytest.mark.parametrize(("rel", "entry", "words"), [
    ("ca_nhan/TH/VP-019.pdf", "/HosoNguoi", "không ghi mã người (HosoNguoi)"),
    ("don_vi/TH.pdf", "/HosoDonVi", "không ghi mã đơn vị (HosoDonVi)"),
])
def test_a_dossier_without_its_own_record_fails_naming_the_file(copy, capsys, rel, entry, words):
    """A dossier rewritten without the entry that names its person (unit), manifest.json updated to
    its new bytes: the manifest records what the PDF says of itself (`ban_ghi_pdf`), so the missing
    entry is a problem (exit 9) naming the file — not a note about an older version."""
    from pypdf import PdfReader, PdfWriter

    path = copy / rel
    assert PdfReader(path).metadata.get(entry)  # as built
    writer = PdfWriter(clone_from=path)
    info = writer._info
    assert info is not None
    del info[entry]
    writer.write(path)
    rehash(copy, rel)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    recorded = [d.get("ban_ghi_pdf") for d in manifest["ca_nhan"] + manifest["don_vi"] if d["pdf"] == rel]
    assert recorded and recorded[0][entry.lstrip("/")] == rel.rsplit("/", 1)[-1].removesuffix(".pdf")
    code, err = run_verify(copy, capsys)
    assert code == ExitCode.verify_failed
    assert rel in err and words in err, err
    assert "phiên bản hoso cũ" not in err
