"""A rebuild after one person's change reuses what it safely can, and gives the very bytes a build
from nothing gives (issue 20 point 5: the server's fast edits):

- the page codes of a unit rebuilt come from the runs its previous build saved in the cache
  (pipeline/bundle/pagecode.py `remembered`); a saved file that is unreadable only costs time;
- fonts already in a bundle are matched by their stored bytes before a form's pages are cloned
  (pipeline/bundle/assemble.py `_share_fonts`): one copy of each face in a bundle;
- unchanged .docx are hard-linked from the output being replaced, only when its bytes are the
  ones the cache recorded (hashed: a file edited with its size and time kept is written afresh);
- the font check's answer for a cached PDF is kept beside it (pipeline/pdf/convert.py `_cached`;
  its key is read from its bytes every time).

Real LibreOffice, on a copy of the shared build of the sample (conftest `built`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from workbook_factory import with_strengths

from pipeline import api
from pipeline.bundle import pagecode
from pipeline.manifest import MANIFEST
from pipeline.pdf.convert import FONTS

pytestmark = pytest.mark.libreoffice

PERSON, UNIT = "VP-019", "TH"
STRENGTHS = "Chủ động, sáng tạo (sửa lần 7)."  # PERSON's new strengths: his and his unit's bundles change


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listed(out: Path) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]}


@pytest.fixture
def rebuilt(built, sample, cache_dir, tmp_path) -> tuple[Path, Path, Path]:
    """(the shared build copied then rebuilt after PERSON's strengths changed, the changed workbook,
    its private cache: a copy of the shared one)."""
    out, cache = tmp_path / "output", tmp_path / "cache"
    shutil.copytree(built[0], out)
    shutil.copytree(cache_dir / "e2e", cache)
    changed = with_strengths(sample, tmp_path / "sua.xlsx", PERSON, STRENGTHS)
    s = api.build(changed, out, api.BuildOptions(cache_dir=cache))
    assert s.bundles_built == 2 and s.converted > 0
    return out, changed, cache


@pytest.fixture(scope="module")
def from_nothing(sample, cache_dir, tmp_path_factory) -> Path:
    """The output of a build from an empty cache of the sample with PERSON's STRENGTHS: what a rebuild is
    compared with, built once for the module's tests. The page codes it encodes are kept out of this
    process's memory (pagecode._MEMO), so a rebuild after it takes its codes from the runs saved in its
    cache, as it would in a process of its own."""
    folder = tmp_path_factory.mktemp("from-nothing")
    changed = with_strengths(sample, folder / "sua.xlsx", PERSON, STRENGTHS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOSO_CACHE", str(cache_dir))
        mp.setattr(pagecode, "_MEMO", {})
        api.build(changed, folder / "fresh", api.BuildOptions(cache_dir=folder / "empty-cache"))
    return folder / "fresh"


def drawn(pdf: Path) -> list[tuple[str, list[bytes]]]:
    """Each page's text and content streams (the forms' own, and the marks drawn on them: page
    numbers, headers, the page codes' runs)."""
    pages = []
    for page in PdfReader(pdf).pages:
        contents = page.get("/Contents")
        streams = [] if contents is None else [c.get_object().get_data() for c in (
            contents.get_object() if isinstance(contents.get_object(), list) else [contents])]
        pages.append((page.extract_text(), streams))
    return pages


def test_a_rebuild_draws_what_a_build_from_nothing_draws(rebuilt, from_nothing):
    """The bundles a rebuild assembles (the person's and the unit's) are the very bytes a build from
    an empty cache writes — the page codes taken from the saved runs included, the changed forms
    converted alone where the full build converted them joined with others (each page lists only
    the fonts it draws with: pipeline/pdf/prune.py); every other file is the same bytes."""
    out, _changed, _cache = rebuilt
    fresh = from_nothing
    for rel in (f"ca_nhan/{UNIT}/{PERSON}.pdf", f"don_vi/{UNIT}.pdf"):
        mine, theirs = drawn(out / rel), drawn(fresh / rel)
        assert len(mine) == len(theirs) > 2, rel
        assert mine == theirs, rel
        assert sha(out / rel) == sha(fresh / rel), rel
    assert any("(sửa lần 7)" in text for text, _ in drawn(out / "don_vi" / f"{UNIT}.pdf"))
    mine, theirs = listed(out), listed(fresh)
    assert all(mine[r] == theirs[r] for r in theirs if r.endswith(".docx"))
    others = [r for r in theirs if r.endswith(".pdf") and r.startswith(("ca_nhan/", "don_vi/")) and f"/{UNIT}" not in r
              and not r.startswith(f"don_vi/{UNIT}")]
    assert len(others) > 10 and all(mine[r] == theirs[r] for r in others)  # linked: as a full build made them


def test_the_unit_bundle_holds_one_copy_of_each_face(rebuilt):
    out = rebuilt[0]
    reader = PdfReader(out / "don_vi" / f"{UNIT}.pdf")
    programs: list[str] = []
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            fd = font.get("/FontDescriptor")
            if fd is not None:
                ff = fd.get_object().get("/FontFile2")
                if ff is not None:
                    programs.append(ff.indirect_reference.idnum)
    by_bytes: dict[str, set[int]] = {}
    for idnum in set(programs):
        by_bytes.setdefault(hashlib.sha256(reader.get_object(idnum).get_data()).hexdigest(), set()).add(idnum)
    assert programs and all(len(ids) == 1 for ids in by_bytes.values()), by_bytes


def _outside_the_code(data: bytes) -> bytes:
    """Every saved code's runs replaced by a run far outside its modules."""
    codes = json.loads(data)
    return json.dumps({t: [n, base64.b64encode(bytes([200, 200, 200])).decode()] for t, (n, _r) in codes.items()}).encode()


@pytest.mark.parametrize("garble", [lambda _d: b"{not json", _outside_the_code], ids=["not-json", "runs-outside"])
def test_unreadable_saved_page_codes_only_cost_time(garble, built, sample, cache_dir, tmp_path, monkeypatch,
                                                    from_nothing):
    monkeypatch.setattr(pagecode, "_MEMO", {})  # nothing known in this process: the saved codes are read
    out, cache = tmp_path / "output", tmp_path / "cache"
    shutil.copytree(built[0], out)
    shutil.copytree(cache_dir / "e2e", cache)
    saved = sorted(cache.glob("*/*.qr.json"))
    assert saved, "a build keeps each unit's page codes in the cache"
    for f in saved:  # garbage, with a sidecar that matches it: read, found unreadable, encoded again
        f.write_bytes(garble(f.read_bytes()))
        Path(f"{f}.sha256").write_text(sha(f))
    changed = with_strengths(sample, tmp_path / "sua.xlsx", PERSON, STRENGTHS)
    api.build(changed, out, api.BuildOptions(cache_dir=cache))
    assert drawn(out / "don_vi" / f"{UNIT}.pdf") == drawn(from_nothing / "don_vi" / f"{UNIT}.pdf")


def test_unchanged_docx_are_linked_but_never_one_edited_with_its_size_and_time_kept(built, sample, cache_dir,
                                                                                     tmp_path):
    out, cache = tmp_path / "output", tmp_path / "cache"
    shutil.copytree(built[0], out)
    shutil.copytree(cache_dir / "e2e", cache)
    docs = sorted(p for p in (out / "ca_nhan").rglob("*.docx") if PERSON not in p.name)
    kept, edited = docs[0], docs[1]
    kept_inode = kept.stat().st_ino
    st = edited.stat()
    data = bytearray(edited.read_bytes())
    data[-30] ^= 0x01  # one byte inside the zip's central directory comment area or tail: same size
    edited.write_bytes(bytes(data))
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))  # size and time as recorded
    expected = listed(out)[edited.relative_to(out).as_posix()]
    changed = with_strengths(sample, tmp_path / "sua.xlsx", PERSON, "Chủ động, sáng tạo (sửa lần 9).")
    api.build(changed, out, api.BuildOptions(cache_dir=cache))
    assert kept.stat().st_ino == kept_inode  # linked from the output it replaced
    assert sha(edited) == expected and edited.stat().st_ino != st.st_ino  # written afresh, as the cache holds it


def test_what_the_pdf_checks_read_is_kept_beside_the_cached_pdf(rebuilt):
    cache = rebuilt[2]
    sidecars = [json.loads(p.read_text()) for p in cache.glob("*/*.json") if not p.name.endswith(".qr.json")
                and p.name.count(".") == 1]
    pdf_sidecars = [s for s in sidecars if "pages" in s and "sha256" in s]
    assert pdf_sidecars and all(FONTS in s.get("facts", {}) for s in pdf_sidecars)
