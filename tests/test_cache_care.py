"""The cache of personal data is bounded and can be emptied (issue 19, point 10)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from fakes import LD, TextConverter, build_unit, docx_text, pdf_text

from pipeline import cachecare
from pipeline.cli import main


def run_main(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr().err


def entry(root: Path, key: str, size: int, age_days: float, now: float) -> Path:
    path = root / key[:2] / f"{key}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    side = path.with_suffix(".json")
    side.write_text("{}")
    for p in (path, side):
        os.utime(p, (now - age_days * 86400,) * 2)
    return path


def test_eviction_by_age_then_by_size_keeps_the_recent(tmp_path):
    now = time.time()
    old = entry(tmp_path, "a" * 64, 10, 90, now)
    mid = entry(tmp_path, "b" * 64, 600, 10, now)
    new = entry(tmp_path, "c" * 64, 600, 1, now)
    other = tmp_path / "aa" / "not-an-entry.txt"
    other.write_text("giữ")
    cachecare.evict(tmp_path, max_days=60, max_bytes=1000, now=now)
    assert not old.exists() and not old.with_suffix(".json").exists()  # too old
    assert not mid.exists()  # the least recently used, until the rest fits
    assert new.exists() and other.exists()


def test_defaults_are_documented_and_can_be_changed(monkeypatch):
    assert cachecare.limits() == (60, 2 * 1024**3)
    monkeypatch.setenv("HOSO_CACHE_MAX_DAYS", "7")
    monkeypatch.setenv("HOSO_CACHE_MAX_MB", "100")
    assert cachecare.limits() == (7, 100 * 1024**2)


def holding(cache: Path, name: str) -> list[Path]:
    found = []
    for f in cache.glob("*/*"):
        if f.name.endswith((".pdf",)):
            if name in pdf_text(f):
                found.append(f)
        elif f.name.endswith(".docx") and name in docx_text(f):
            found.append(f)
    return found


def test_removing_one_persons_cache_entries(sample, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    cache = tmp_path / "cache"
    build_unit(sample, tmp_path / "out", cache, TextConverter())
    target, other = LD["VP-002"], LD["VP-001"]
    assert holding(cache, target) and holding(cache, other)
    rc, err = run_main(["cache", "xoa", "--nguoi", "VP-002", "--cache", str(cache)], capsys)
    assert rc == 0 and "VP-002" in err
    assert holding(cache, target) == []  # her forms, and every document or bundle listing her
    kept = holding(cache, other)
    assert kept  # the others' own forms stay
    conv = TextConverter()
    summary = build_unit(sample, tmp_path / "out2", cache, conv)
    converted = [t for call in conv.calls for t in call]
    assert any(f"Họ và tên: {target}" in t for t in converted)
    assert not any(f"Họ và tên: {other}" in t for t in converted)  # the others' forms were reused
    assert 0 < summary.converted < summary.documents and all(p.exists() for p in kept)
    rc, err = run_main(["cache", "xoa", "--cache", str(cache)], capsys)
    assert rc == 0 and list(cache.glob("*/*.pdf")) == [] and list(cache.glob("*/*.docx")) == []
    rc, err = run_main(["cache", "xoa", "--nguoi", "../x", "--cache", str(cache)], capsys)
    assert rc == 2 and "không hợp lệ" in err


def test_an_entry_used_is_young_again_and_survives_the_age_limit(tmp_path):
    from pipeline.pdf.cache import BlobCache, PdfCache

    now = time.time()
    pdfs, blobs = PdfCache(tmp_path), BlobCache(tmp_path)
    pdfs.put("d" * 64, b"%PDF-1.4 used", 1)
    pdfs.put("e" * 64, b"%PDF-1.4 unused", 1)
    blobs.put("f" * 64, "docx", b"used docx")
    for f in tmp_path.glob("*/*"):
        os.utime(f, (now - 90 * 86400,) * 2)
    assert pdfs.get("d" * 64) == (b"%PDF-1.4 used", 1)
    assert blobs.recorded_digest("f" * 64, "docx") is not None
    cachecare.evict(tmp_path, max_days=60, max_bytes=10**9)
    assert pdfs.get("d" * 64) is not None and blobs.get("f" * 64, "docx") == b"used docx"
    assert pdfs.get("e" * 64) is None  # not used for 90 days: gone


def test_the_sets_of_forms_of_templates_folders_are_trimmed_and_emptied(tmp_path, capsys):
    """The sets `build --templates DIR` reads (`mau_bieu/<digest>`: her folder with the program's current forms over
    those she did not edit) follow the cache's age limit — one reused is young again — and `hoso cache xoa` removes
    them; a staging folder a killed build left is removed after a day, a fresh one (a build writing it now) is not."""
    from pipeline.forms import origin

    now = time.time()

    def folder(name: str, age_days: float) -> Path:
        path = tmp_path / "mau_bieu" / name
        (path / "mau_02").mkdir(parents=True)
        (path / "mau_02" / "meta.toml").write_text("code = 'mau_02'\n")
        os.utime(path, (now - age_days * 86400,) * 2)
        return path

    old, recent = folder("a" * 32, 90), folder("b" * 32, 3)
    stage_old, stage_new = folder(".moi-x1", 2), folder(".moi-x2", 0.01)
    other = folder("khong-phai-bo-mau", 400)  # not a name the program writes: never touched
    cachecare.evict(tmp_path, max_days=60, now=now)
    assert not old.exists() and not stage_old.exists()
    assert recent.exists() and stage_new.exists() and other.exists()

    # a build reusing a set makes it young again (origin.used_set), so the next trimming keeps it
    program = tmp_path / "chuong_trinh"
    (program / "mau_02").mkdir(parents=True)
    (program / "mau_02" / "meta.toml").write_text("code = 'mau_02'\n")
    agency = tmp_path / "cua_co_quan"
    agency.mkdir()
    from unittest import mock

    with mock.patch.object(origin, "templates_dir", lambda: program):
        found = origin.Examined(agency, True, missing=["mau_02"])
        with mock.patch.object(origin, "forms", lambda: ["mau_02"]):
            used = origin.used_set(agency, tmp_path, found)
            os.utime(used, (now - 90 * 86400,) * 2)
            assert origin.used_set(agency, tmp_path, found) == used
    cachecare.evict(tmp_path, max_days=60)
    assert used.exists()

    assert run_main(["cache", "xoa", "--cache", str(tmp_path)], capsys)[0] == 0
    assert not used.exists() and not recent.exists() and not stage_new.exists() and other.exists()


def test_two_builds_recording_at_once_both_keep_their_keys(tmp_path, monkeypatch):
    """Two builds sharing the cache (two terminals; a clerk's build beside the server's) record VP-005's keys at
    once: the second read the list before the first wrote it. Rewriting the whole list from that stale read dropped
    the first build's keys, and `hoso cache xoa --nguoi VP-005` then left the PDFs they name — that person's data —
    in the cache. Both builds' keys must be listed."""
    cachecare.record(tmp_path, {"VP-005": {"a" * 64}})
    stale = Path.read_text

    def read_before_the_other_wrote(self, *args, **kwargs):
        return "" if self.name == "VP-005.keys" else stale(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_before_the_other_wrote)
    cachecare.record(tmp_path, {"VP-005": {"b" * 64}})
    monkeypatch.undo()
    listed = set((tmp_path / cachecare.INDEX / "VP-005.keys").read_text().split())
    assert listed == {"a" * 64, "b" * 64}


def test_a_set_another_build_puts_in_place_meanwhile_is_used_not_moved_away(tmp_path):
    """Two builds with the same `--templates` folder share a cache: both find no set and copy one; the other build
    renames its copy into place first and starts reading it. This build must use that set — moving it aside to put
    its own there deleted the folder under the other build's feet. A damaged set (a file missing) is replaced."""
    from unittest import mock

    from pipeline.forms import origin

    program = tmp_path / "chuong_trinh"
    (program / "mau_02").mkdir(parents=True)
    (program / "mau_02" / "meta.toml").write_text("code = 'mau_02'\n")
    agency = tmp_path / "cua_co_quan"
    agency.mkdir()
    (agency / "ghi_chu.txt").write_text("bộ mẫu của cơ quan\n")
    cache = tmp_path / "cache"
    copy = origin._copy
    theirs: list[Path] = []
    held: list[int] = []

    def copy_while_the_other_build_finishes(files, dest):
        copy(files, dest)
        if not theirs:  # the other build's rename lands between this one's check and its own
            with mock.patch.object(origin, "_copy", copy):
                theirs.append(origin.used_set(agency, cache, found))
            held.append(theirs[0].stat().st_ino)  # the folder the other build is reading

    with mock.patch.object(origin, "templates_dir", lambda: program), \
            mock.patch.object(origin, "forms", lambda: ["mau_02"]):
        found = origin.Examined(agency, True, missing=["mau_02"])
        with mock.patch.object(origin, "_copy", copy_while_the_other_build_finishes):
            used = origin.used_set(agency, cache, found)
        assert used == theirs[0] and used.stat().st_ino == held[0]  # the other build's folder, left where it was
        assert not [p for p in used.parent.iterdir() if p.name.startswith(".")]  # no staging copy left behind
        (used / "mau_02" / "meta.toml").unlink()  # damaged: replaced by a whole one
        again = origin.used_set(agency, cache, found)
        assert again == used and (again / "mau_02" / "meta.toml").is_file() and again.stat().st_ino != held[0]
