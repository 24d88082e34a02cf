"""Nothing lost: disk full and permission errors give a clear message (exit 7) with the previous
output intact; a damaged cache entry is detected and rebuilt, never copied into a dossier; the
input workbook is never modified, and the manifest catches any change after the build.

Permissions and full disks are produced for real where the machine allows it (a non-root user for
chmod, a private mount namespace for a tiny tmpfs or a read-only bind mount) and by fault hooks
(an injected OSError) everywhere, so the outcome is checked on any machine.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from fakes import (
    LD,
    TextConverter,
    build_unit,
    docx_text,
    fake_soffice,
    leftovers,
    own_output,
    pdf_text,
    run_main,
    snapshot,
)
from pypdf import PdfReader

from pipeline.errors import ExitCode
from pipeline.pdf.cache import PdfCache, sha256_bytes

pytestmark = pytest.mark.cold  # a fake soffice: builds start soffice as the CLI does (tests/conftest.py)

HOSO = [sys.executable, "-m", "pipeline"]
FULL = "đã đầy"
DENIED = "Không có quyền ghi"


@pytest.fixture(autouse=True)
def _in_process(cli_in_process):
    """main() runs in this process here (conftest.cli_in_process)."""




@pytest.fixture
def previous(tmp_path) -> Path:
    return own_output(tmp_path / "output", {"ket_qua_xep_loai.json": b'{"cu": true}\n'})


def fake_libreoffice(monkeypatch) -> None:
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())


# -- permissions --------------------------------------------------------------------------------
@pytest.mark.parametrize("code, words", [(errno.EACCES, DENIED), (errno.EROFS, DENIED), (errno.ENOSPC, FULL)])
def test_staging_folder_cannot_be_created(code, words, sample, previous, monkeypatch, capsys):
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        if ".dang-tao-" in str(kwargs.get("prefix", "")):
            raise OSError(code, os.strerror(code), str(kwargs.get("dir")))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    before = snapshot(previous)
    rc, err = run_main(["rate", str(sample), "-o", str(previous)], capsys)
    assert rc == ExitCode.output_error
    assert words in err and "Traceback" not in err
    assert snapshot(previous) == before


def test_lock_file_cannot_be_created(sample, previous, monkeypatch, capsys):
    real_open = os.open

    def guarded(file, *args, **kwargs):
        if str(file).endswith(".output.lock"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("pipeline.output.os.open", guarded)
    rc, err = run_main(["rate", str(sample), "-o", str(previous)], capsys)
    assert rc == ExitCode.output_error and DENIED in err


NO_DAC = "-dac_override,-dac_read_search,-fowner"


def test_output_folder_not_writable_for_real(sample, tmp_path):
    """A real EACCES: the output folder and its parent are 0o555. Root ignores modes, so as root
    the command runs without the capabilities that let it (setpriv)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: modes cannot deny a write")
        prefix = ["setpriv", f"--bounding-set={NO_DAC}", f"--inh-caps={NO_DAC}", "--"]
    parent = tmp_path / "chi-doc"
    out = parent / "output"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text("{}\n")
    for p in (out, parent):
        p.chmod(0o555)
    try:
        proc = subprocess.run([*prefix, *HOSO, "rate", str(sample), "-o", str(out)], capture_output=True,
                              text=True, timeout=120)
        assert proc.returncode == ExitCode.output_error, proc.stderr
        assert DENIED in proc.stderr and "Traceback" not in proc.stderr
        assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
        assert sorted(p.name for p in parent.iterdir()) == ["output"]
    finally:
        for p in (out, parent):
            p.chmod(0o755)


# -- disk full ----------------------------------------------------------------------------------
def test_disk_full_while_writing_a_bundle(sample, previous, monkeypatch, capsys):
    fake_libreoffice(monkeypatch)
    real = pathlib.Path.write_bytes
    hits = []

    def write_bytes(self, data):
        if ".dang-tao-" in str(self) and self.parent.name == "don_vi":
            hits.append(self)
            raise OSError(errno.ENOSPC, "No space left on device")  # as write() reports it: no filename
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    before = snapshot(previous)
    rc, err = run_main(["build", str(sample), "--unit", "LD", "-o", str(previous)], capsys)
    assert hits, "the hook never fired: bundles are no longer written with Path.write_bytes"
    assert rc == ExitCode.output_error, err
    assert f"Ổ đĩa chứa «{previous}» đã đầy" in err and "kết quả cũ vẫn giữ nguyên" in err
    assert "Traceback" not in err
    assert snapshot(previous) == before
    assert leftovers(previous) == []


def test_disk_full_in_the_conversion_folder(sample, previous, monkeypatch, capsys, tmp_path):
    fake_libreoffice(monkeypatch)
    monkeypatch.setenv("HOSO_CACHE", str(tmp_path / "empty-cache"))  # something must be converted

    def normalise(src, dest):
        raise OSError(errno.ENOSPC, "No space left on device", str(dest))

    monkeypatch.setattr("pipeline.pdf.join.normalise", normalise)
    before = snapshot(previous)
    rc, err = run_main(["build", str(sample), "--unit", "LD", "-o", str(previous)], capsys)
    assert rc == ExitCode.output_error, err
    assert FULL in err and "hoso-lo-" in err  # names the full disk (the temporary folder), not the output
    assert snapshot(previous) == before


def _namespace_ok() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True, timeout=20)
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(not _namespace_ok(), reason="no private mount namespace (unshare -m) here")


def in_namespace(script: str, tmp_path: Path, env: dict) -> subprocess.CompletedProcess:
    """Run `script` (sh) in a private mount namespace: its mounts vanish with it."""
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], capture_output=True, text=True, timeout=300,
                          env=env, cwd=tmp_path)


@needs_namespace
def test_disk_full_on_a_real_small_filesystem(sample, tmp_path):
    """The output folder lives on a 384 KB tmpfs that a build cannot fit in (LibreOffice faked)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    env = dict(os.environ, HOSO_SOFFICE=str(fake_soffice(tmp_path)), HOSO_CACHE=str(tmp_path / "cache"),
               TMPDIR=str(tmp_path))
    hoso = " ".join(HOSO)
    manifest = json.dumps({"tao_boi": "hoso", "files": [{"path": "cu.txt", "sha256": sha256_bytes(b"cu\n"), "bytes": 3}]})
    script = f"""
mount -t tmpfs -o size=384k tmpfs {disk}
mkdir {disk}/output && echo cu > {disk}/output/cu.txt
echo '{manifest}' > {disk}/output/manifest.json
set +e
{hoso} build {sample} --unit LD -o {disk}/output 2> {tmp_path}/err.txt
echo "rc=$?"
set -e
ls -A {disk}
cat {disk}/output/cu.txt
ls -A {disk}/output
"""
    proc = in_namespace(script, tmp_path, env)
    err = (tmp_path / "err.txt").read_text()
    lines = proc.stdout.split()
    assert "rc=7" in lines, (proc.stdout, proc.stderr, err)
    assert FULL in err and "Traceback" not in err
    assert lines[lines.index("rc=7") + 1:] == [".output.lock", "output", "cu", "cu.txt", "manifest.json"]


@needs_namespace
def test_read_only_filesystem(sample, tmp_path):
    ro = tmp_path / "ro"
    (ro / "output").mkdir(parents=True)
    (ro / "output" / "manifest.json").write_text("{}\n")
    hoso = " ".join(HOSO)
    script = f"""
mount --bind {ro} {ro}
mount -o remount,bind,ro {ro}
set +e
{hoso} rate {sample} -o {ro}/output 2> {tmp_path}/err.txt
echo "rc=$?"
"""
    proc = in_namespace(script, tmp_path, dict(os.environ))
    err = (tmp_path / "err.txt").read_text()
    assert "rc=7" in proc.stdout, (proc.stdout, proc.stderr, err)
    assert DENIED in err and "Traceback" not in err
    assert sorted(p.name for p in ro.iterdir()) == ["output"]


# -- cache integrity ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ld_cache(tmp_path_factory, sample) -> Path:
    root = tmp_path_factory.mktemp("ld-cache")
    build_unit(sample, root / "output", root / "cache", TextConverter())
    return root / "cache"


def form_entries(cache: Path) -> dict[str, Path]:
    """Person name -> the cached PDF of their form (entries named <64 hex>.pdf)."""
    out = {}
    for pdf in cache.glob("*/*.pdf"):
        if len(pdf.stem) == 64:
            text = pdf_text(pdf)
            for name in LD.values():
                if f"Họ và tên: {name}" in text:
                    out[name] = pdf
    return out


def person_bundle_blob(cache: Path, name: str) -> Path:
    for pdf in cache.glob("*/*.bundle.pdf"):
        text = pdf_text(pdf)
        others = [n for n in LD.values() if n != name and f"Họ và tên: {n}" in text]
        if f"Họ và tên: {name}" in text and not others:
            return pdf
    raise AssertionError(f"no cached bundle for {name}")


TARGET, OTHER = LD["VP-002"], LD["VP-001"]


def _flip(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0xFF
    p.write_bytes(bytes(data))


def _swap_keeping_facts(e: dict[str, Path]) -> None:
    """Another person's PDF put in the entry's place, its sidecar rewritten to match the new bytes
    while keeping what it recorded of the old ones (the font check's answer, pdf/convert.py)."""
    side = e[TARGET].with_suffix(".json")
    info = json.loads(side.read_text())
    data = e[OTHER].read_bytes()
    e[TARGET].write_bytes(data)
    side.write_text(json.dumps({**info, "sha256": sha256_bytes(data), "pages": len(PdfReader(e[OTHER]).pages)}))


CORRUPTIONS = {
    "pdf-of-another-person-sidecar-rewritten": _swap_keeping_facts,
    "pdf-truncated": lambda e: e[TARGET].write_bytes(e[TARGET].read_bytes()[: e[TARGET].stat().st_size // 2]),
    "pdf-bit-flipped": lambda e: _flip(e[TARGET]),
    "pdf-of-another-person": lambda e: e[TARGET].write_bytes(e[OTHER].read_bytes()),
    "pdf-empty": lambda e: e[TARGET].write_bytes(b""),
    "sidecar-garbage": lambda e: e[TARGET].with_suffix(".json").write_bytes(b"\xff\xfe\x00garbage"),
    "sidecar-not-an-object": lambda e: e[TARGET].with_suffix(".json").write_text("[]"),
    "sidecar-bad-pages": lambda e: e[TARGET].with_suffix(".json").write_text(
        json.dumps({"sha256": sha256_bytes(e[TARGET].read_bytes()), "pages": "hai"})),
    "sidecar-missing": lambda e: e[TARGET].with_suffix(".json").unlink(),
}


@pytest.mark.parametrize("how", list(CORRUPTIONS))
def test_damaged_form_pdf_in_cache_is_reconverted(how, ld_cache, sample, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(ld_cache, cache)
    entries = form_entries(cache)
    assert set(entries) == set(LD.values())
    key = entries[TARGET].stem
    CORRUPTIONS[how](entries)
    for blob in cache.glob("*/*.bundle*"):  # dossiers must be assembled again, from the cached forms
        blob.unlink()
    conv = TextConverter()
    build_unit(sample, tmp_path / "output", cache, conv)
    converted = [text for call in conv.calls for text in call]
    assert len(converted) == 1 and f"Họ và tên: {TARGET}" in converted[0]  # only the damaged entry
    text = pdf_text(tmp_path / "output" / "ca_nhan" / "LD" / "VP-002.pdf")
    assert f"Họ và tên: {TARGET}" in text and f"Họ và tên: {OTHER}" not in text
    data, pages = PdfCache(cache).get(key)  # the entry is sound again
    assert pages == len(PdfReader(entries[TARGET]).pages) and data == entries[TARGET].read_bytes()


def test_damaged_entry_checked_while_missing_ones_convert_is_converted_after(ld_cache, sample, tmp_path):
    """The forms with no cache entry are converted while the others' entries are checked (convert.py):
    an entry refused there is converted after them, and nothing of it reaches the dossiers."""
    cache = tmp_path / "cache"
    shutil.copytree(ld_cache, cache)
    entries = form_entries(cache)
    entries[OTHER].unlink()  # no entry: converted at once
    entries[OTHER].with_suffix(".json").unlink()
    entries[TARGET].write_bytes(entries[LD["VP-003"]].read_bytes())  # another person's PDF: refused when checked
    for blob in cache.glob("*/*.bundle*"):
        blob.unlink()
    conv = TextConverter()
    summary = build_unit(sample, tmp_path / "output", cache, conv)
    assert [[f"Họ và tên: {OTHER}" in t for t in call] for call in conv.calls] == [[True], [False]]
    assert f"Họ và tên: {TARGET}" in conv.calls[1][0]
    assert summary.converted == 2 and summary.reused == summary.documents - 2
    for ma_so in ("VP-001", "VP-002", "VP-003"):
        text = pdf_text(tmp_path / "output" / "ca_nhan" / "LD" / f"{ma_so}.pdf")
        assert f"Họ và tên: {LD[ma_so]}" in text
        assert not [n for n in LD.values() if n != LD[ma_so] and f"Họ và tên: {n}" in text]


@pytest.mark.parametrize("how", ["bundle-of-another-person", "bundle-truncated", "bundle-sidecar-garbage"])
def test_damaged_bundle_in_cache_is_rebuilt(how, ld_cache, sample, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(ld_cache, cache)
    target = person_bundle_blob(cache, TARGET)
    if how == "bundle-of-another-person":
        target.write_bytes(person_bundle_blob(cache, OTHER).read_bytes())
    elif how == "bundle-truncated":
        target.write_bytes(target.read_bytes()[:1000])
    else:
        target.with_name(target.name + ".sha256").write_bytes(b"\xff\xfe\x00")
    conv = TextConverter()
    summary = build_unit(sample, tmp_path / "output", cache, conv)
    assert conv.calls == []  # the forms themselves were sound
    assert summary.bundles_built >= 1
    text = pdf_text(tmp_path / "output" / "ca_nhan" / "LD" / "VP-002.pdf")
    assert f"Họ và tên: {TARGET}" in text and f"Họ và tên: {OTHER}" not in text


def test_damaged_filled_docx_in_cache_is_filled_again(ld_cache, sample, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(ld_cache, cache)
    blobs = [p for p in cache.glob("*/*.docx") if TARGET in docx_text(p)]
    assert blobs
    for p in blobs:
        p.write_bytes(b"PK\x03\x04 not a docx")
    build_unit(sample, tmp_path / "output", cache, TextConverter())
    docx = tmp_path / "output" / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx"
    assert f"Họ và tên: {TARGET}" in docx_text(docx)


# -- the input is never modified; the manifest catches later changes ----------------------------
def test_input_workbook_is_never_modified(sample, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "dau-vao"
    folder.mkdir()
    book = folder / "nhan_su.xlsx"
    shutil.copy2(sample, book)
    digest, stat = hashlib.sha256(book.read_bytes()).hexdigest(), book.stat()
    fake_libreoffice(monkeypatch)
    assert run_main(["check", str(book)], capsys)[0] == 0
    assert run_main(["rate", str(book), "-o", str(tmp_path / "rate")], capsys)[0] == 0
    assert run_main(["build", str(book), "--unit", "LD", "-o", str(tmp_path / "build")], capsys)[0] == 0
    assert hashlib.sha256(book.read_bytes()).hexdigest() == digest
    assert book.stat().st_mtime_ns == stat.st_mtime_ns and book.stat().st_mode == stat.st_mode
    assert [p.name for p in folder.iterdir()] == ["nhan_su.xlsx"]  # no lock, backup or temporary file
    manifest = json.loads((tmp_path / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dau_vao_sha256"] == digest


def test_manifest_and_verify_catch_a_change_after_the_build(sample, tmp_path, monkeypatch, capsys):
    fake_libreoffice(monkeypatch)
    out = tmp_path / "output"
    assert run_main(["build", str(sample), "--unit", "LD", "-o", str(out)], capsys)[0] == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed == {k: v for k, v in snapshot(out).items() if k != "manifest.json"}
    rc, err = run_main(["verify", str(out)], capsys)
    assert rc == 0, err
    dossier = out / "ca_nhan" / "LD" / "VP-002.pdf"
    dossier.write_bytes(dossier.read_bytes() + "\n% sửa tay\n".encode())
    rc, err = run_main(["verify", str(out)], capsys)
    assert rc == ExitCode.verify_failed
    assert "ca_nhan/LD/VP-002.pdf" in err and "Traceback" not in err
