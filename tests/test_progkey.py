"""The program's own source is part of every cache key (pdf/cache.py `data_key`, `resources.running_program`).

An updated hoso — the same version string, other code — makes every document again instead of carrying over
.docx and PDFs the old code wrote; the first build after the update says once why it is slower; and since the
reprint list compares content (a .docx's SHA-256, a cover's words), papers whose words did not change are not
asked to be printed, signed or sent again. The update is simulated by giving this process another program
fingerprint (`pipeline.resources._running`, what `running_program` memoises): forked workers inherit it, the
no-change key (uptodate.py) reads the same.

One module-scoped sequence of builds of the small factory workbook with the authority's levels filled (so the
package for the Sở Nội vụ and its zip are made), into one output folder with a private cache:
first build; "updated" program; the earlier program again; and a no-change rebuild.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.run import PROGRAM_UPDATED

NOTE = "chương trình đã được cập nhật"


def _docx_digests(out: Path) -> dict[str, str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {f["path"]: f["sha256"] for f in manifest["files"] if f["path"].endswith(".docx")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Any]:
    import workbook_factory as factory

    from pipeline import api

    root = tmp_path_factory.mktemp("progkey")
    tables = factory.tables()
    # the authority's decision (NS-06 worked 4 months: not rated, left empty): the package is made, with its zip
    for person, level in zip(tables["NhanSu"], ["HTT", "HTT", "KHT", "HTXS", "HTT", None], strict=True):
        person["muc_quyet_dinh"] = level
    book = factory.write(root / "so.xlsx", tables)
    out, cache = root / "out", root / "cache"
    options = api.BuildOptions(cache_dir=cache)
    result: dict[str, Any] = {"out": out}

    def build(name: str) -> None:
        said: list[str] = []
        result[name] = api.build(book, out, options, log=said.append)
        result[f"{name}_log"] = said
        result[f"{name}_docx"] = _docx_digests(out)

    build("first")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("pipeline.resources._running", "another-program-" + "0" * 48)
        build("updated")
        result["thay_doi_txt"] = (out / "thay_doi.txt").read_text(encoding="utf-8")
        result["in_lai"] = (out / "in_lai.pdf").exists()
    build("earlier")
    build("again")
    return result


def test_a_first_build_says_nothing_about_an_update(runs):
    assert not any(NOTE in line for line in runs["first_log"])
    assert runs["first"].converted == runs["first"].documents  # a cache empty at first: everything converted


def test_after_an_update_every_document_is_made_again_and_the_reason_is_said_once(runs):
    s = runs["updated"]
    assert s.reused == 0 and s.converted == s.documents == runs["first"].documents
    assert s.bundles_reused == 0 and s.bundles_built == runs["first"].bundles_built
    assert s.rendered == runs["first"].rendered  # the .docx filled again by the new code, not copied from the cache
    assert [line for line in runs["updated_log"] if NOTE in line] == [PROGRAM_UPDATED]
    assert PROGRAM_UPDATED == ("Ghi chú: chương trình đã được cập nhật nên mọi văn bản được tạo lại từ đầu "
                               "(lần này chậm hơn).")


def test_an_update_that_changes_no_word_asks_nothing_to_print_sign_or_send_again(runs):
    s = runs["updated"]
    assert runs["updated_docx"] == runs["first_docx"]  # the same words: the same .docx bytes
    assert "không văn bản nào thay đổi nội dung" in s.thay_doi and "không phải in lại" in s.thay_doi
    assert "gửi lại" not in s.thay_doi
    assert "Không văn bản nào thay đổi nội dung: không phải in lại." in runs["thay_doi_txt"]
    assert not runs["in_lai"]


def test_the_earlier_program_again_finds_its_documents_and_says_nothing(runs):
    s = runs["earlier"]
    assert s.converted == 0 and s.reused == s.documents and s.rendered == 0 and s.bundles_built == 0
    assert not any(NOTE in line for line in runs["earlier_log"])
    assert "không văn bản nào thay đổi nội dung" in s.thay_doi


def test_the_same_program_rebuilding_the_same_inputs_keeps_the_folder(runs):
    s = runs["again"]
    assert s.unchanged and s.converted == 0
    assert not any(NOTE in line for line in runs["again_log"])


def test_a_worker_handed_the_parent_s_program_names_the_entries_as_the_parent(monkeypatch):
    from pipeline.pdf.cache import cache_key, data_key, pdf_key

    parent = data_key("unit", 1, ["a"])
    form, pdf = cache_key("t" * 64, {"x": 1}), pdf_key("k", "lo", "shape")
    monkeypatch.setattr("pipeline.resources._running", "a-worker-with-another-installation")
    assert data_key("unit", 1, ["a"]) != parent  # its own program: other keys
    import pipeline.resources as resources

    monkeypatch.undo()
    program = resources.running_program()
    monkeypatch.setattr("pipeline.resources._running", "a-worker-with-another-installation")
    assert data_key("unit", 1, ["a"], program=program) == parent
    assert cache_key("t" * 64, {"x": 1}, program) == form and pdf_key("k", "lo", "shape", program) == pdf
