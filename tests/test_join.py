"""The joined conversion keeps every form exactly as converting it alone (page count and text)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.forms.registry import Registry
from pipeline.pdf import join, libreoffice, pool
from pipeline.pdf.pool import Converter, Item, tasks

pytestmark = pytest.mark.libreoffice


def _texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _separately(files: list[Path], tmp: Path) -> list[bytes]:
    conv = Converter(workers=2)
    items = [Item(f"k{i}", f, f.name) for i, f in enumerate(files)]
    done = conv.run(items)
    return [done[f"k{i}"][0] for i in range(len(files))]


def _joined_each(groups: list[list[Path]], tmp: Path) -> list[list[tuple[bytes, int]]]:
    """Each group joined into one document, converted (every group's document in one soffice run) and split
    back: the pieces of every group, in order."""
    tmp.mkdir()
    out = tmp / "gop-out"
    out.mkdir()
    docs, names = [], []
    for n, files in enumerate(groups):
        docs.append(tmp / f"gop{n}.docx")
        names.append(join.join(files, docs[-1]))
    libreoffice.run_convert(libreoffice.find_soffice(), tmp / "profile", docs, out, timeout=300 + 60 * len(docs),
                            filter_options=join.EXPORT_FILTER)
    found = []
    for n, files in enumerate(groups):
        pieces = join.split((out / f"gop{n}.pdf").read_bytes(), names[n])
        assert pieces is not None and len(pieces) == len(files)
        found.append(pieces)
    return found


def _families(out: Path) -> dict[str, list[Path]]:
    """Every filled form and unit document of the sample build, by join family, in bundle order."""
    registry = Registry()
    family = {code: join.join_family(registry.get(code).template) for code in registry.codes}
    by_family: dict[str, list[Path]] = {}
    for f in sorted((out / "ca_nhan").rglob("*.docx")) + sorted((out / "don_vi").rglob("*.docx")):
        by_family.setdefault(family[f.stem], []).append(f)
    return by_family


def test_joined_forms_equal_forms_converted_alone(built, tmp_path):
    """On the sample data: forms of different templates of one family, joined into one document
    and split back, equal the same forms converted alone — same page count, same text on every
    page. Every template takes part (person forms, party forms, points table, unit documents).
    (The forms of every family are converted alone in one run of the converter, and the joined
    documents of every family in one soffice run: each family's joined document is still its own.)"""
    out, _ = built
    by_family = _families(out)
    assert len(by_family) >= 3
    seen = set()
    groups = []
    for _family, files in by_family.items():
        group, per_template = [], {}
        for f in files:  # up to 4 of each template, interleaved as in the bundles
            if per_template.get(f.stem, 0) < 4:
                per_template[f.stem] = per_template.get(f.stem, 0) + 1
                group.append(f)
        if len(group) < 2:
            continue
        seen.update(per_template)
        groups.append(group)
    everything = [f for group in groups for f in group]
    alone_all = _separately(everything, tmp_path)
    pieces_all = _joined_each(groups, tmp_path / "j")
    assert len(alone_all) == len(everything) and len(pieces_all) == len(groups)
    start = 0
    for group, pieces in zip(groups, pieces_all, strict=True):
        alone = alone_all[start:start + len(group)]
        start += len(group)
        for f, single, (piece, pages) in zip(group, alone, pieces, strict=True):
            assert pages == len(PdfReader(io.BytesIO(single)).pages), f
            assert _texts(piece) == _texts(single), f
    assert {"mau_02", "mau_3_213", "bien_ban_hop", "tong_hop_xep_loai"} <= seen


def test_forms_converted_apart_embed_identical_fonts(built, tmp_path):
    """The primer page: two forms of different families converted in different soffice runs
    embed byte-identical font programs (so a bundle can keep one copy)."""
    out, _ = built
    families = list(_families(out).values())
    pdfs = _separately([families[0][0], families[1][0]], tmp_path)

    def programs(data: bytes) -> dict[str, bytes]:
        found = {}
        for page in PdfReader(io.BytesIO(data)).pages:
            for font in (page["/Resources"].get("/Font") or {}).values():
                font = font.get_object()
                if "/FontDescriptor" in font:
                    found[str(font["/BaseFont"])] = font["/FontDescriptor"]["/FontFile2"].get_data()
        return found

    a, b = programs(pdfs[0]), programs(pdfs[1])
    common = set(a) & set(b)
    assert any("LiberationSerif" in name for name in common)
    assert all(a[name] == b[name] for name in common)


def test_every_default_template_can_be_joined():
    registry = Registry()
    for code in registry.codes:
        assert join.join_safe(registry.get(code).template), code


def test_joined_tasks_group_by_family_one_soffice_run_per_worker():
    items = [Item(f"a{i}", Path(f"/x/a{i}.docx"), "a", "famA") for i in range(10)]
    items += [Item(f"b{i}", Path(f"/x/b{i}.docx"), "b", None) for i in range(3)]
    items += [Item(f"c{i}", Path(f"/x/c{i}.docx"), "c", "famC") for i in range(2)]  # too few to join
    items += [Item(f"d{i}", Path(f"/x/d{i}.docx"), "d", "famD") for i in range(500)]
    plan = tasks(items, 2)
    joined = [chunks for kind, chunks in plan if kind == "join"]
    assert len(joined) == 2  # one soffice run per worker, each with several joined documents
    chunks = [c for js in joined for c in js]
    assert all(len({i.group for i in c}) == 1 and 4 <= len(c) <= 200 for c in chunks if len(c) > 1)
    together = sorted(i.key for c in chunks if len(c) > 1 for i in c)
    assert together == sorted([f"a{i}" for i in range(10)] + [f"d{i}" for i in range(500)])
    # the forms that cannot be joined, or too few of a family, ride along in the same runs, alone
    alone = sorted(c[0].key for c in chunks if len(c) == 1)
    assert alone == sorted([f"b{i}" for i in range(3)] + [f"c{i}" for i in range(2)])
    assert [kind for kind, _c in plan] == ["join", "join"]  # no extra soffice start-up for them
    # (how the work is shared between the runs: test_workers_get_equal_shares_by_the_weight_of_the_forms_text)
    only_single = tasks([Item(f"b{i}", Path(f"/x/b{i}.docx"), "b", None) for i in range(3)], 2)
    assert [kind for kind, _c in only_single] == ["each", "each"]  # nothing joined: batches, as before


def test_workers_get_equal_shares_by_the_weight_of_the_forms_text(tmp_path):
    """Long forms weigh more than short ones: each worker's soffice run gets about half the text
    (the XML of word/document.xml), not half the forms (a family may be cut between the two); a
    form converted on its own counts for more than its text."""
    import os
    import zipfile

    def form(name: str, text_bytes: int, family: str | None) -> Item:
        path = tmp_path / f"{name}.docx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("word/document.xml", os.urandom(text_bytes))  # its weight: text_bytes
        return Item(name, path, name, family)

    items = [form(f"long{i}", 20_000, "famA") for i in range(6)]
    items += [form(f"short{i}", 1_000, "famB") for i in range(200)]
    plan = tasks(items, 2)
    assert [kind for kind, _c in plan] == ["join", "join"]
    weights = [sum(pool._weight(it) for chunk in chunks for it in chunk) for _kind, chunks in plan]
    assert abs(weights[0] - weights[1]) <= 20_100, weights  # within one form of each other
    counts = [sum(len(chunk) for chunk in chunks) for _kind, chunks in plan]
    assert max(counts) > 2 * min(counts)  # by count, very unequal
    for _kind, chunks in plan:
        assert all(len({it.group for it in chunk}) == 1 and len(chunk) <= 200 for chunk in chunks)
    assert sorted(it.key for _k, chunks in plan for chunk in chunks for it in chunk) == sorted(it.key for it in items)
    alone = form("report", 1_000, None)
    plan = tasks([*items, alone], 2)
    shares = [sum(pool._weight(it) + (pool.DOCUMENT_COST if it is alone else 0) for chunk in chunks for it in chunk)
              for _kind, chunks in plan]
    assert abs(shares[0] - shares[1]) <= 20_100 + pool.DOCUMENT_COST, shares


def test_damaged_join_falls_back_to_one_by_one(tmp_path, built, monkeypatch):
    out, _ = built
    files = sorted((out / "ca_nhan").rglob("mau_02.docx"))[:5]
    real = join.split
    # the joined document's destinations are missing (a form converted alone still has its own)
    monkeypatch.setattr(join, "split", lambda pdf, names, meta=None: None if len(names) > 1 else real(pdf, names, meta))
    items = [Item(f"k{i}", f, f.name, "mau_02") for i, f in enumerate(files)]
    done = Converter(workers=1).run(items)
    assert sorted(done) == [f"k{i}" for i in range(5)]
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_split_gives_up_on_a_destination_that_is_on_no_page():
    """A joined PDF whose form destination points at no page of the document is "does not split
    right" (None: the forms are converted one by one), not a TypeError that ends the build (found by
    mypy: pypdf's get_destination_page_number is None for such a destination)."""
    from pypdf import PdfWriter
    from pypdf.generic import Destination, DictionaryObject, Fit, NameObject

    w = PdfWriter()
    for _ in range(3):
        w.add_blank_page(100, 100)
    first, second = f"{join.BOOKMARK_PREFIX}00000", f"{join.BOOKMARK_PREFIX}00001"
    w.add_named_destination(first, join.PRIMER_PAGES)
    stray = w._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Page")}))  # not in the page tree
    w.add_named_destination_object(Destination(NameObject("/" + second), stray, Fit.fit()))
    buf = io.BytesIO()
    w.write(buf)
    assert join.split(buf.getvalue(), [first]) is not None  # the good destination alone splits
    assert join.split(buf.getvalue(), [first, second]) is None


def _small_form(template: Path, dest: Path, runs: str) -> Path:
    """`template` with its body replaced by one paragraph of `runs` (its page set-up kept)."""
    import re
    import zipfile

    with zipfile.ZipFile(template) as zf:
        doc = zf.read("word/document.xml").decode("utf-8")
    sect = re.findall(r"<w:sectPr\b.*?</w:sectPr>", doc, re.S)[-1]
    body = f'<w:body><w:p>{runs}</w:p>{sect}</w:body>'
    doc = re.sub(r"<w:body>.*</w:body>", lambda _m: body, doc, flags=re.S)
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, doc.encode("utf-8") if info.filename == "word/document.xml" else src.read(info))
    return dest


def test_a_form_split_from_a_joined_conversion_is_the_same_pdf_as_converted_alone(tmp_path):
    """A form joined with another that prints in a face the primer has not (bold italic): its pages
    list only the fonts they draw with, as when the form is converted alone — the two pieces are the
    same bytes (pipeline/pdf/prune.py; before, the joined piece's pages listed the bold italic too,
    and a one-person rebuild's bundles differed from a build from nothing)."""
    template = Registry().get("mau_02").template
    run = '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>{}</w:rPr><w:t>{}</w:t></w:r>'
    other = _small_form(template, tmp_path / "khac.docx", run.format("<w:b/><w:i/>", "Ghi chú riêng"))
    form = _small_form(template, tmp_path / "mau.docx", run.format("", "Bản tự kiểm điểm"))
    names = join.join([other, form], tmp_path / "gop.docx")
    join.normalise(form, tmp_path / "mot.docx")
    out = tmp_path / "out"
    out.mkdir()
    libreoffice.run_convert(libreoffice.find_soffice(), tmp_path / "profile", [tmp_path / "gop.docx",
                            tmp_path / "mot.docx"], out, timeout=300, filter_options=join.EXPORT_FILTER)
    meta = {"/HosoVanBan": "mau_02"}
    joined = join.split((out / "gop.pdf").read_bytes(), names, [{"/HosoVanBan": "khac"}, meta])
    alone = join.split((out / "mot.pdf").read_bytes(), [join.SINGLE_NAME], [meta])
    assert joined is not None and alone is not None

    def fonts(data: bytes) -> list[list[str]]:
        return [sorted(str(f.get_object()["/BaseFont"]).split("+")[-1] for f in p["/Resources"]["/Font"].values())
                for p in PdfReader(io.BytesIO(data)).pages]

    assert any("LiberationSerif-BoldItalic" in page for page in fonts(joined[0][0]))  # the joined document had it
    assert fonts(joined[1][0]) == fonts(alone[0][0]) and "LiberationSerif-BoldItalic" not in fonts(alone[0][0])[0]
    assert joined[1][0] == alone[0][0]
