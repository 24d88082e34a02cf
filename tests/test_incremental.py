"""Rebuilding: nothing to do when nothing changed (and nothing touched), a rebuild for any change
(a file deleted or modified, an option, a template, the day the report counts from), and after one
person's row changed only that person's documents converted, the rest reused or linked.

Fast cases build unit LD with the text converter of tests/fakes.py; the real-LibreOffice cases
work on a copy of the shared build of the sample (conftest `built`) with its cache.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fakes import TextConverter, build_unit
from pypdf import PdfReader, PdfWriter
from workbook_factory import with_strengths

from pipeline import api, ingest, uptodate
from pipeline import manifest as manifest_mod
from pipeline.cli import main
from pipeline.errors import OutputError
from pipeline.forms.registry import Registry
from pipeline.manifest import MANIFEST
from pipeline.plan import make_plan
from pipeline.resources import templates_dir
from pipeline.submission import package, writeback

UNCHANGED = "Không có gì thay đổi kể từ lần tạo trước"
HEAVY = ("docxtpl", "docx", "reportlab", "pypdf", "openpyxl", "lxml", "jinja2")


def state(out: Path) -> dict[str, tuple[int, int, int]]:
    """Every file of a folder: (inode, mtime_ns, size)."""
    out_state = {}
    for p in sorted(out.rglob("*")):
        if p.is_file():
            st = p.stat()
            out_state[p.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return out_state


def run_main(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr().err


@pytest.fixture(autouse=True)
def _keep_sigterm(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)  # main() runs in-process here


@pytest.fixture
def ld(sample, tmp_path) -> tuple[Path, Path, api.BuildSummary]:
    """Unit LD built with the text converter: (output, cache, summary)."""
    out, cache = tmp_path / "output", tmp_path / "cache"
    summary = build_unit(sample, out, cache, TextConverter())
    assert not summary.unchanged
    return out, cache, summary


# -- nothing changed: nothing done -------------------------------------------------------------------
def test_unchanged_build_does_nothing_and_touches_nothing(ld, sample):
    out, cache, first = ld
    before = state(out)
    conv = TextConverter()
    again = build_unit(sample, out, cache, conv)
    assert again.unchanged and conv.calls == []
    assert (again.people, again.documents, again.pages) == (first.people, first.documents, first.pages)
    assert again.converted == 0 and again.reused == first.documents and again.bundles_built == 0
    assert again.bundles_reused == first.bundles_built + first.bundles_reused
    assert again.han_nop == first.han_nop  # the deadline line is still printed
    assert state(out) == before  # same inodes, modification times and sizes: nothing rewritten
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".output.")] == [".output.lock"]


def test_manifest_records_the_input_key_and_modification_times(ld):
    out, _cache, _ = ld
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    rec = manifest[uptodate.RECORD]
    assert len(rec["khoa_dau_vao"]) == 64 and rec["so_nguoi"] == 3
    assert rec["ngay"] is not None  # the sample has a deadline: the report counts days from today
    for f in manifest["files"]:
        assert f["mtime_ns"] == (out / f["path"]).stat().st_mtime_ns
    assert {"nam_danh_gia", "dau_vao_sha256", "files", "ca_nhan", "don_vi", "nop_so_noi_vu", "pham_vi"} <= set(manifest)


@pytest.mark.parametrize("change", ["deleted", "grown", "same-size-touched", "manifest-entry-without-mtime"])
def test_a_changed_output_folder_is_rebuilt(change, ld, sample):
    out, cache, _ = ld
    victim = out / "ca_nhan" / "LD" / "VP-002.pdf"
    original = victim.read_bytes()
    if change == "deleted":
        victim.unlink()
    elif change == "grown":
        victim.write_bytes(original + b"\n% sua\n")
    elif change == "same-size-touched":
        data = bytearray(original)
        data[len(data) // 2] ^= 0xFF
        st = victim.stat()
        victim.write_bytes(bytes(data))
        os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    else:
        path = out / MANIFEST
        manifest = json.loads(path.read_text(encoding="utf-8"))
        del manifest["files"][0]["mtime_ns"]
        path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    if change in ("grown", "same-size-touched"):  # an edited PDF is not overwritten unless told (--ghi-de)
        with pytest.raises(OutputError, match="sửa tay"):
            build_unit(sample, out, cache, TextConverter())
        again = build_unit(sample, out, cache, TextConverter(), ghi_de=True)
    else:
        again = build_unit(sample, out, cache, TextConverter())
    assert not again.unchanged
    assert again.converted == 0  # from the cache
    assert victim.read_bytes() == original
    assert api.verify(out).ok


@pytest.mark.parametrize("option", [{"duplex": False}, {"rulebook": "nd90-2020"}, {"persons": frozenset({"VP-001"})}])
def test_a_different_option_rebuilds(option, ld, sample):
    out, cache, _ = ld
    again = build_unit(sample, out, cache, TextConverter(), **option)
    assert not again.unchanged
    assert build_unit(sample, out, cache, TextConverter(), **option).unchanged  # and that one is now recorded


def test_another_converter_rebuilds(ld, sample):
    out, cache, _ = ld

    class OtherConverter(TextConverter):
        pass

    assert not build_unit(sample, out, cache, OtherConverter()).unchanged


def test_a_new_font_reconverts_every_form_but_renders_none(sample, tmp_path, monkeypatch):
    """A font installed (here in the user's fontconfig folder, which LibreOffice reads too) changes
    the PDFs LibreOffice makes: the same workbook is built again, every PDF converted again (and
    the bundles assembled again), the filled .docx reused."""
    xdg = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    out, cache = tmp_path / "output", tmp_path / "cache"
    first = build_unit(sample, out, cache, TextConverter())
    assert build_unit(sample, out, cache, TextConverter()).unchanged
    (xdg / "fonts").mkdir(parents=True)
    shutil.copyfile("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", xdg / "fonts" / "PhongMoi.ttf")
    again = build_unit(sample, out, cache, TextConverter())
    assert not again.unchanged
    assert again.converted == first.converted and again.reused == 0 and again.rendered == 0
    assert again.bundles_built == first.bundles_built
    assert build_unit(sample, out, cache, TextConverter()).unchanged  # and that one is now recorded


def test_another_libreoffice_reconverts_every_form(sample, tmp_path, monkeypatch):
    """LibreOffice upgraded (its version file rewritten), or another one chosen: converted again."""
    program = tmp_path / "libreoffice" / "program"
    program.mkdir(parents=True)
    soffice = program / "soffice"
    soffice.write_text("#!/bin/sh\nexit 1\n")
    soffice.chmod(0o755)
    (program / "versionrc").write_text("[Version]\nbuildid=1\n")
    monkeypatch.setenv("HOSO_SOFFICE", str(soffice))
    out, cache = tmp_path / "output", tmp_path / "cache"
    first = build_unit(sample, out, cache, TextConverter())
    assert build_unit(sample, out, cache, TextConverter()).unchanged
    (program / "versionrc").write_text("[Version]\nbuildid=22\n")
    again = build_unit(sample, out, cache, TextConverter())
    assert not again.unchanged and again.converted == first.converted and again.rendered == 0
    monkeypatch.delenv("HOSO_SOFFICE")
    assert build_unit(sample, out, cache, TextConverter()).converted == first.converted


def test_a_changed_template_rebuilds(sample, tmp_path):
    own = tmp_path / "mau"
    shutil.copytree(templates_dir(), own)
    out, cache = tmp_path / "output", tmp_path / "cache"
    assert not build_unit(sample, out, cache, TextConverter(), templates=own).unchanged
    assert build_unit(sample, out, cache, TextConverter(), templates=own).unchanged
    (own / "~$template.docx").write_bytes(b"Word's lock file")  # not a template: ignored
    assert build_unit(sample, out, cache, TextConverter(), templates=own).unchanged
    meta = own / "mau_02" / "meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    assert not build_unit(sample, out, cache, TextConverter(), templates=own).unchanged


def test_the_report_counts_days_from_today_so_another_day_rebuilds(sample, tmp_path):
    out, cache = tmp_path / "output", tmp_path / "cache"
    day = dt.date(2024, 11, 5)
    assert not build_unit(sample, out, cache, TextConverter(), today=day).unchanged
    same = build_unit(sample, out, cache, TextConverter(), today=day)
    assert same.unchanged and "còn 10 ngày" in same.han_nop
    later = build_unit(sample, out, cache, TextConverter(), today=day + dt.timedelta(days=1))
    assert not later.unchanged and "còn 9 ngày" in later.han_nop


def test_another_workbook_rebuilds(ld, sample, tmp_path):
    out, cache, _ = ld
    other = tmp_path / "khac.xlsx"
    shutil.copyfile(sample, other)  # same bytes, other name
    assert not build_unit(other, out, cache, TextConverter()).unchanged


def test_cli_says_nothing_changed_and_a_second_run_is_refused_while_one_holds_the_lock(ld, sample, capsys):
    from pipeline.output import OutputFolder

    out, cache, _ = ld
    # the CLI uses the real converter: record a build made with it (monkeypatched to the text one)
    args = ["build", str(sample), "--unit", "LD", "-o", str(out), "--cache", str(cache)]
    rc, err = run_main(args, capsys)
    assert rc == 0 and UNCHANGED not in err, err  # the first record was made by another converter
    rc, err = run_main(args, capsys)
    said = [line for line in err.splitlines() if line.startswith(UNCHANGED)]  # after the warnings the build printed
    assert rc == 0 and len(said) == 1 and f"giữ nguyên kết quả ở «{out}»." in said[0], err
    assert "chuyển PDF mới 0, dùng lại" in err and "Hạn gửi hồ sơ cho Sở Nội vụ" in err
    with OutputFolder(out):  # meanwhile another run writes there
        rc, err = run_main(args, capsys)
    assert rc == 7 and "Một lệnh hoso khác đang ghi vào" in err


@pytest.fixture
def real_copy(built, tmp_path) -> Path:
    """A copy of the shared real build (modification times kept, so it is still 'as recorded')."""
    out = tmp_path / "output"
    shutil.copytree(built[0], out)
    return out


@pytest.mark.libreoffice
def test_cli_no_change_run_is_quick_and_imports_none_of_the_build_libraries(real_copy, sample, cache_dir):
    api.build(sample, real_copy, api.BuildOptions(cache_dir=cache_dir / "e2e"))  # (a source file edited since)
    before = state(real_copy)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "build", str(sample),
                           "-o", str(real_copy), "--cache", str(cache_dir / "e2e")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    messages = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    assert any(line.startswith(UNCHANGED) and f"giữ nguyên kết quả ở «{real_copy}»" in line for line in messages), messages
    assert any(line.startswith("Hạn gửi hồ sơ cho Sở Nội vụ") for line in messages)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert not imported & set(HEAVY), imported & set(HEAVY)
    assert state(real_copy) == before


@pytest.mark.libreoffice
def test_an_unchanged_build_prints_the_warnings_the_build_printed(built, sample, cache_dir, tmp_path, capsys):
    """An unchanged build returns without reading the workbook, yet a clerk who runs it again must
    see the same warnings about the inputs (issue 16): the build records them in `lan_tao.canh_bao`."""
    args = ["build", str(sample), "-o", str(tmp_path / "output"), "--cache", str(cache_dir / "e2e")]
    rc, first = run_main(args, capsys)
    assert rc == 0, first
    assert UNCHANGED not in first
    rc, again = run_main(args, capsys)
    assert rc == 0, again
    assert UNCHANGED in again

    def said(err: str, summary: str) -> list[str]:  # what is printed before the summary line
        lines = err.splitlines()
        return lines[:next(i for i, line in enumerate(lines) if line.startswith(summary))]

    warned = said(first, "Xong:")
    assert any(line.startswith("Cảnh báo — Ngô Thị Ngọc Anh (VP-009)") for line in warned), warned
    assert any(line.startswith("Cảnh báo: Sheet «NhanSu», dòng 9") for line in warned), warned
    assert said(again, UNCHANGED) == warned


@pytest.mark.libreoffice
def test_one_row_changed_reconverts_that_person_only_and_reuses_the_submission(real_copy, sample, cache_dir,
                                                                                  tmp_path, capsys):
    changed = with_strengths(sample, tmp_path / "sua.xlsx", "VP-019",
                             "Chủ động, sáng tạo; hoàn thành vượt tiến độ (sửa lần 3).")
    plan = make_plan(ingest.load(changed), Registry())
    forms_of_person = len(next(d for d in plan.persons if d.ma_so == "VP-019").documents)
    before = state(real_copy)
    old_manifest = json.loads((real_copy / MANIFEST).read_text(encoding="utf-8"))

    rc, err = run_main(["build", str(changed), "-o", str(real_copy), "--cache", str(cache_dir / "e2e")], capsys)
    assert rc == 0, err
    assert f"chuyển PDF mới {forms_of_person}," in err and "hồ sơ ghép mới 2," in err, err
    after = state(real_copy)
    # the submission documents were neither rendered nor converted again: the very same files
    for rel in ("nop_so_noi_vu/bao_cao_ket_qua_danh_gia.docx", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf",
                "nop_so_noi_vu/bieu_tong_hop.docx", "nop_so_noi_vu/bieu_tong_hop.pdf",
                "nop_so_noi_vu/bieu_tong_hop.xlsx", "ket_qua_xep_loai.json",
                # the leaders' file for the Sở: VP-019 is none of them, nothing in it changed (bundle cache)
                "nop_so_noi_vu/ho_so_lanh_dao.pdf"):
        assert after[rel][:2] == before[rel][:2], rel
    # the other units' bundles and persons' dossiers: linked from the previous output, not rewritten
    others = [rel for rel in before if rel.endswith(".pdf") and rel.startswith(("ca_nhan/", "don_vi/"))
              and "/TH" not in rel and not rel.startswith("don_vi/TH")]
    assert len(others) > 30
    assert all(after[rel][:2] == before[rel][:2] for rel in others), [r for r in others if after[r][:2] != before[r][:2]]
    # what changed: the person's dossier, their unit's, the write-back copy (the unit's dossier does not
    # go to the Sở Nội vụ: only the leaders' unit does, dossier.md §3.2)
    for rel in ("ca_nhan/TH/VP-019.pdf", "don_vi/TH.pdf", "so_lieu_kem_ket_qua.xlsx"):
        assert after[rel] != before[rel], rel
    assert "nop_so_noi_vu/don_vi/TH.pdf" not in after
    text = "\n".join(p.extract_text() for p in PdfReader(real_copy / "ca_nhan" / "TH" / "VP-019.pdf").pages)
    assert "(sửa lần 3)" in text
    report = api.verify(real_copy)
    assert report.ok, report.problems
    manifest = json.loads((real_copy / MANIFEST).read_text(encoding="utf-8"))
    assert manifest[uptodate.RECORD]["khoa_dau_vao"] != old_manifest[uptodate.RECORD]["khoa_dau_vao"]
    # and now nothing changed
    rc, err = run_main(["build", str(changed), "-o", str(real_copy), "--cache", str(cache_dir / "e2e")], capsys)
    assert rc == 0 and any(line.startswith(UNCHANGED) for line in err.splitlines()), err
    assert state(real_copy) == after


@pytest.mark.libreoffice
def test_a_new_folder_with_a_warm_cache_converts_and_renders_nothing(built, sample, cache_dir, tmp_path):
    out, first = built
    again = api.build(sample, tmp_path / "moi", api.BuildOptions(cache_dir=cache_dir / "e2e"))
    assert not again.unchanged
    assert again.converted == 0 and again.reused == first.documents
    assert again.rendered == 0 and again.bundles_built == 0
    old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    new = json.loads((tmp_path / "moi" / MANIFEST).read_text(encoding="utf-8"))
    assert {f["path"]: f["sha256"] for f in new["files"]} == {f["path"]: f["sha256"] for f in old["files"]}


# -- pieces ----------------------------------------------------------------------------------------
def test_zip_writer_gives_zipfile_s_own_bytes(tmp_path):
    root = tmp_path / "r"
    (root / "nop_so_noi_vu" / "don_vi").mkdir(parents=True)
    files = {"nop_so_noi_vu/a.pdf": b"%PDF-1.4 " + bytes(range(256)) * 50, "nop_so_noi_vu/don_vi/B.pdf": b"",
             "nop_so_noi_vu/c.xlsx": b"PK" + b"x" * 10_000}
    for name, data in files.items():
        (root / name).write_bytes(data)
    names = sorted(files)
    ours = package.zip_folder(root, names, {}, None)
    assert ours == package._zip_slow(root, names)
    with zipfile.ZipFile(io.BytesIO(ours)) as zf:
        assert zf.testzip() is None and zf.namelist() == names
        assert all(zf.read(n) == files[n] for n in names)


def test_zip_members_come_from_the_cache_by_content(tmp_path):
    from pipeline.pdf.cache import BlobCache, sha256_bytes

    root = tmp_path / "r"
    root.mkdir()
    (root / "a.pdf").write_bytes(b"%PDF a" * 1000)
    blobs = BlobCache(tmp_path / "cache")
    digests = {"a.pdf": sha256_bytes((root / "a.pdf").read_bytes())}
    first = package.zip_folder(root, ["a.pdf"], digests, blobs)
    (root / "a.pdf").unlink()  # a member known by its digest is not read again
    assert package.zip_folder(root, ["a.pdf"], digests, blobs) == first


def test_page_count_from_the_page_tree_equals_pypdf_and_declines_other_shapes():
    w = PdfWriter()
    for _ in range(3):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    data = buf.getvalue()
    assert manifest_mod._fast_page_count(data) == 3 == manifest_mod.pdf_page_count(data)
    updated = data + b"\n1 0 obj\n<< >>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Prev 9 >>\nstartxref\n" \
        + str(len(data) + 1 + len(b"1 0 obj\n<< >>\nendobj\n")).encode() + b"\n%%EOF\n"
    assert manifest_mod._fast_page_count(updated) is None  # an incremental update: pypdf counts
    assert manifest_mod._fast_page_count(b"not a pdf") is None


def _copy_values(path: Path, sheet: str) -> list[list]:
    import openpyxl

    return [[c.value for c in row] for row in openpyxl.load_workbook(path)[sheet].iter_rows()]


def test_write_back_by_editing_the_xml_equals_the_openpyxl_copy(sample, tmp_path):
    campaign = ingest.load(sample)
    from pipeline.rating import rate

    ratings = rate(campaign)
    rows = [(p.refs["ma_so"].row, writeback.values(ratings.of(p.ma_so))) for p in campaign.people]
    fast = tmp_path / "fast.xlsx"
    fast.write_bytes(writeback._edited_copy(sample, "NhanSu", rows))  # raises if it cannot: no silent fallback
    slow = tmp_path / "slow.xlsx"
    slow.write_bytes(writeback._openpyxl_copy(sample, "NhanSu", rows, ratings.nam_danh_gia))
    import openpyxl

    for name in openpyxl.load_workbook(slow).sheetnames:
        assert _copy_values(fast, name) == _copy_values(slow, name), name
    ws = openpyxl.load_workbook(fast)["NhanSu"]
    head = ws.cell(row=1, column=ws.max_column)
    assert head.value == writeback.COLUMNS[-1][0] and head.font.b and head.alignment.wrap_text
    assert ws.column_dimensions["AB"].width == 80
    assert writeback.copy_bytes(sample, campaign, ratings) == fast.read_bytes()


def test_write_back_splits_a_column_range_and_falls_back_on_a_formula(sample, tmp_path):
    import openpyxl

    campaign = ingest.load(sample)
    from pipeline.rating import rate

    ratings = rate(campaign)
    wb = openpyxl.load_workbook(sample)
    ws = wb["NhanSu"]
    ws.column_dimensions.group("A", "AZ", hidden=False)  # one <col min=1 max=52> range
    ws.column_dimensions["A"].width = 9
    book = tmp_path / "range.xlsx"
    wb.save(book)
    rows = [(p.refs["ma_so"].row, writeback.values(ratings.of(p.ma_so))) for p in campaign.people]
    data = writeback._edited_copy(book, "NhanSu", rows)
    (tmp_path / "c.xlsx").write_bytes(data)
    got = openpyxl.load_workbook(tmp_path / "c.xlsx")["NhanSu"]
    last = got.max_column
    assert [got.cell(row=1, column=c).value for c in range(last - 5, last + 1)] == [t for t, _ in writeback.COLUMNS]
    # a formula where a computed column goes (a copy edited by hand, fed back): openpyxl makes the copy
    first = openpyxl.load_workbook(tmp_path / "c.xlsx")
    first["NhanSu"].cell(row=2, column=last - 5).value = "=1+1"  # Trạng thái xếp loại
    fed = tmp_path / "fed.xlsx"
    first.save(fed)
    with pytest.raises(writeback._NotHere):
        writeback._edited_copy(fed, "NhanSu", rows)
    again = openpyxl.load_workbook(io.BytesIO(writeback.copy_bytes(fed, ingest.load(fed), ratings)))["NhanSu"]
    status = again.cell(row=2, column=last - 5)
    assert again.max_column == last and status.data_type == "s" and status.value == rows[0][1][0]
