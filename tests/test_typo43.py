"""A legal document's number and symbol («233/2026/NĐ-CP», «43-HD/BTCTW», «12/UBND-NC») is one
token on paper: LibreOffice must never end a line at its hyphen («… Nghị định 233/2026/NĐ-» over
«CP …»). forms/render.py::keep_symbols turns those hyphens into Word's non-breaking hyphen
(<w:noBreakHyphen/>) in every rendered part; the PDF's text still reads an ordinary «-».

It is decided per output folder (run._symbols_whole, manifest `ky_hieu_lien`): a folder holding this
year's papers built before it keeps the old rendering, so no paper whose words did not change is to
be signed again; a new folder, or one of another year, prints the symbols whole."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Cm, Pt
from fakes import TextConverter

from pipeline import api, ingest, run
from pipeline.forms import fill, remote
from pipeline.forms.registry import Registry
from pipeline.forms.render import (
    KY_BANG_CHU,
    KY_HIEU_LIEN,
    NGOAC_KEP,
    CompiledTemplate,
    keep_symbols,
    with_symbols_whole,
)
from pipeline.forms.unit_context import unit_document_context
from pipeline.manifest import MANIFEST
from pipeline.pdf.join import header_text
from pipeline.pdf.pool import Converter, Item
from pipeline.plan import make_plan
from pipeline.rating.engine import rate
from pipeline.resources import sample_workbook

needs_soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is required")

SENTENCE = ("Căn cứ Nghị định số 233/2026/NĐ-CP ngày 12 tháng 5 năm 2026 của Chính phủ, Hướng dẫn số "
            "43-HD/BTCTW, Quy định số 366-QĐ/TW và Công văn số 12/UBND-NC của Ủy ban nhân dân tỉnh")
SYMBOLS = ("233/2026/NĐ-CP", "43-HD/BTCTW", "366-QĐ/TW", "12/UBND-NC")
OFFSETS = 8  # the sentence after 0..7 short words: the symbols fall at every place of a line


def _template(path: Path) -> Path:
    """A narrow page (8 cm of text, Times New Roman 13 pt, justified like the forms' reasons): one
    paragraph per offset, `{{ p<i> }}` each."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    section = doc.sections[0]
    section.page_width, section.left_margin, section.right_margin = Cm(10), Cm(1), Cm(1)
    for i in range(OFFSETS):
        doc.add_paragraph(f"{{{{ p{i} }}}}").alignment = 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.save(str(path))
    return path


def _lines(pdf: bytes, tmp: Path, name: str) -> list[str]:
    (tmp / f"{name}.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp / f"{name}.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def _convert(template: CompiledTemplate, context: dict[str, object], tmp: Path, name: str) -> list[str]:
    docx = tmp / f"{name}.docx"
    template.render_to(context, docx)
    pdf, _pages = Converter(workers=1).run([Item(name, docx, "typo43")])[name]
    return _lines(pdf, tmp, name)


@needs_soffice
def test_a_long_citation_on_a_narrow_line_never_ends_a_line_at_its_hyphen(tmp_path):
    template = CompiledTemplate(_template(tmp_path / "t.docx"), code="typo43")
    plain_context: dict[str, object] = {f"p{i}": "x " * i + SENTENCE for i in range(OFFSETS)}
    context = with_symbols_whole(plain_context, True)
    broken = re.compile(r"[0-9A-ZĐ]-$")  # «…/NĐ-», «43-», «…/UBND-» at a line's end

    lines = _convert(template, context, tmp_path, "fixed")
    assert not [line for line in lines if broken.search(line)], lines
    # every symbol whole on one line, and as a clerk copies it: «-» (U+002D), never U+2011
    for symbol in SYMBOLS:
        assert sum(symbol in line for line in lines) == OFFSETS, (symbol, lines)
    assert "\u2011" not in "".join(lines)
    # the hyphen is the body face's own glyph: converted alone (without the primer page hoso adds,
    # which carries every face the forms use), the page holds one font, Liberation Serif
    alone = tmp_path / "alone"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(alone), str(tmp_path / "fixed.docx")],
                   capture_output=True, check=True, timeout=120)
    fonts = subprocess.run(["pdffonts", str(alone / "fixed.pdf")], capture_output=True, text=True, check=True).stdout
    assert [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]] == ["LiberationSerif"], fonts
    assert _lines((alone / "fixed.pdf").read_bytes(), tmp_path, "alone") == lines

    # the same page rendered without the context's key (a folder built before it): ordinary hyphens, and
    # LibreOffice does break there (the case above is a real one)
    plain = _convert(template, plain_context, tmp_path, "plain")
    assert [line for line in plain if broken.search(line)], plain


def test_only_a_documents_number_and_symbol_is_kept_whole():
    nbh = "</w:t><w:noBreakHyphen/>"
    xml = ('<w:p><w:r><w:t xml:space="preserve">theo Nghị định 90/2020/NĐ-CP, Luật số 06/2022/QH15, '
           'Hướng dẫn 43-HD/BTCTW; kỳ 2026-01, mã VP-037, Điều 12.1.a-b, Mẫu 01-HD KĐ.ĐG, 1-2 người </w:t></w:r>'
           '<w:r><w:t>(366-QĐ/TW)</w:t></w:r></w:p>')
    out = keep_symbols(xml)
    assert out == xml.replace("NĐ-CP", f'NĐ{nbh}<w:t xml:space="preserve">CP') \
        .replace("43-HD", f'43{nbh}<w:t xml:space="preserve">HD').replace("366-QĐ", f"366{nbh}<w:t>QĐ")
    # nothing else: no symbol, no change (not even a byte)
    plain = '<w:p><w:r><w:t>kỳ 2026-01 đến 2026-12, VP-037, Hà Nội - Việt Nam</w:t></w:r></w:p>'
    assert keep_symbols(plain) == plain
    # the rest of a symbol after a tag in a run of its own: «số {{ so }}/2026/NĐ-CP»
    assert keep_symbols("<w:t>/2026/NĐ-CP ngày</w:t>") == f"<w:t>/2026/NĐ{nbh}<w:t>CP ngày</w:t>"
    # an attribute is not text
    attr = '<w:bookmarkStart w:name="a 90/2020/NĐ-CP"/><w:t>x</w:t>'
    assert keep_symbols(attr) == attr


def test_the_first_page_header_drawn_after_conversion_still_reads_the_hyphen():
    """The first page's header is read from the .docx and drawn on the PDF by hoso (bundle/stamp.py):
    a symbol there keeps its «-»."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    header = keep_symbols(f'<w:hdr xmlns:w="{w}"><w:p><w:r><w:t>Số: 12/BC-UBND</w:t></w:r></w:p></w:hdr>')
    assert "noBreakHyphen" in header
    parts = {
        "word/document.xml": (f'<w:document xmlns:w="{w}" xmlns:r="{r}"><w:body><w:sectPr>'
                              '<w:headerReference w:type="first" r:id="rId9"/><w:titlePg/></w:sectPr></w:body></w:document>'),
        "word/_rels/document.xml.rels": ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                         '<Relationship Id="rId9" Type="header" Target="header1.xml"/></Relationships>'),
        "word/header1.xml": header,
    }
    assert header_text(lambda name: parts[name].encode()) == "Số: 12/BC-UBND"


@needs_soffice
def test_the_samples_minutes_and_proposal_table_keep_the_decree_whole(tmp_path):
    """The 2026 sample's Phòng Hành chính - Quản trị: the minutes (a demotion's reason, «… Nghị định
    335/2025/NĐ-» / «CP (vi phạm …») and the proposal table's notes column broke the decree's number
    before; every «NĐ-CP» they print is now whole on its line."""
    campaign = ingest.load(sample_workbook(2026))
    ratings = rate(campaign)
    unit = next(u for u in campaign.units if u.ma_don_vi == "HCQT")
    for code in ("bien_ban_hop", "tong_hop_xep_loai"):
        form = Registry().get(code)
        docx = tmp_path / f"{code}.docx"
        context = with_symbols_whole(unit_document_context(campaign, ratings, form, unit), True)
        CompiledTemplate(form.template, code=code).render_to(context, docx)
        with zipfile.ZipFile(docx) as zf:
            assert b"<w:noBreakHyphen/>" in zf.read("word/document.xml")
        pdf, _pages = Converter(workers=1).run([Item(code, docx, code)])[code]
        lines = _lines(pdf, tmp_path, code)
        assert sum("335/2025/NĐ-CP" in line for line in lines) >= 1, (code, lines)
        assert not [line for line in lines if re.search(r"NĐ-\s*$|NĐ-\s{2,}", line)], (code, lines)
        assert not any(re.match(r"\s*CP\b", line) for line in lines), (code, lines)
        assert "\u2011" not in "".join(lines)


# -- per output folder: no unchanged paper signed again ------------------------------------------------
def _build(workbook: Path, out: Path, cache: Path, *, forced: bool = True, **extra: object) -> tuple[api.BuildSummary, list[str]]:
    lines: list[str] = []
    options = api.BuildOptions(units=frozenset({"LD"}), cache_dir=cache, show_progress=False, **extra)
    return api.build(workbook, out, options, converter=TextConverter(), log=lines.append,
                     check_unchanged=not forced), lines


def _manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def _docx(out: Path) -> dict[str, tuple[str, bool]]:
    """Every .docx of a folder: (SHA-256, holds a non-breaking hyphen)."""
    found = {}
    for path in sorted(out.rglob("*.docx")):
        with zipfile.ZipFile(path) as zf:
            nbh = any(b"<w:noBreakHyphen/>" in zf.read(n) for n in zf.namelist() if n.endswith(".xml"))
        found[path.relative_to(out).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), nbh)
    return found


def _as_before_it(workbook: Path, out: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, **extra: object) -> None:
    """`out` as a version before keep_symbols left it: built with the old rendering, its manifest without the key."""
    with monkeypatch.context() as m:
        m.setattr(run, "_symbols_whole", lambda previous, foreign: False)
        _build(workbook, out, cache, **extra)
    record = _manifest(out)
    del record[run.SYMBOLS]
    (out / MANIFEST).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def test_a_new_folder_prints_the_symbols_whole_and_records_it(sample, tmp_path):
    summary, lines = _build(sample, tmp_path / "out", tmp_path / "cache")
    assert _manifest(tmp_path / "out")[run.SYMBOLS] is True
    docx = _docx(tmp_path / "out")
    # the unit's minutes cite «Nghị định 90/2020/NĐ-CP», the report and cover letter too
    for rel in ("don_vi/LD/bien_ban_hop.docx", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.docx",
                "nop_so_noi_vu/cong_van_gui_so_noi_vu.docx"):
        assert docx[rel][1], rel
    assert not [line for line in lines if "ký hiệu văn bản" in line and line.startswith("Ghi chú")]
    assert summary.thay_doi.startswith("Lần tạo đầu tiên ở thư mục này")


def test_a_folder_built_before_it_keeps_its_line_breaks_and_nothing_is_to_sign_again(sample, tmp_path, monkeypatch):
    old, cache = tmp_path / "old", tmp_path / "cache"
    _as_before_it(sample, old, cache, monkeypatch)
    before = _docx(old)
    assert before and not any(nbh for _sha, nbh in before.values())  # the old rendering

    summary, lines = _build(sample, old, cache)  # the rebuild by this version (nothing else changed)
    assert lines.count(run.SYMBOLS_NOTE) == 1
    assert run.SYMBOLS_NOTE.startswith("Ghi chú: ") and "ký lại" in run.SYMBOLS_NOTE and "thư mục mới" in run.SYMBOLS_NOTE
    assert _manifest(old)[run.SYMBOLS] is False
    assert _docx(old) == before  # every .docx byte for byte as printed
    assert _manifest(old)["thay_doi"]["van_ban"] == []
    assert "không văn bản nào thay đổi nội dung" in summary.thay_doi, summary.thay_doi
    assert "Không văn bản nào thay đổi nội dung: không phải in lại." in (old / "thay_doi.txt").read_text(encoding="utf-8")
    assert not (old / "in_lai.pdf").exists()

    # the same inputs in a new folder do print differently: the documents citing a decree, nothing else
    _build(sample, tmp_path / "new", cache)
    new = _docx(tmp_path / "new")
    assert new.keys() == before.keys()
    differ = {rel for rel in new if new[rel][0] != before[rel][0]}
    assert "don_vi/LD/bien_ban_hop.docx" in differ and differ == {rel for rel, (_sha, nbh) in new.items() if nbh}

    # and the folder keeps its choice (recorded false) at the next rebuild
    _summary, lines = _build(sample, old, cache)
    assert lines.count(run.SYMBOLS_NOTE) == 1 and _manifest(old)[run.SYMBOLS] is False and _docx(old) == before


def test_a_folder_of_another_year_prints_the_symbols_whole(sample, tmp_path, monkeypatch):
    out, cache = tmp_path / "out", tmp_path / "cache"
    _as_before_it(sample, out, cache, monkeypatch)  # the 2024 papers, built before it
    _summary, lines = _build(sample_workbook(2026), out, cache, doi_nam=True)
    assert _manifest(out)["nam_danh_gia"] == 2026 and _manifest(out)[run.SYMBOLS] is True
    assert run.SYMBOLS_NOTE not in lines
    assert _docx(out)["don_vi/LD/bien_ban_hop.docx"][1]


def test_a_folder_holding_only_the_ratings_prints_the_symbols_whole(sample, tmp_path):
    out = tmp_path / "out"
    api.rate(sample, out)  # `hoso rate`: a manifest of this year, no paper
    _summary, lines = _build(sample, out, tmp_path / "cache")
    assert _manifest(out)[run.SYMBOLS] is True and run.SYMBOLS_NOTE not in lines


def test_every_context_carries_the_choice_to_where_it_is_rendered(sample):
    """forms/fill.py::_jobs marks each context (made here, or lazily in a forked worker); the cluster's
    task (forms/remote.py) renders what its contexts say; the key is part of the .docx's cache key."""
    campaign = ingest.load(sample)
    ratings, registry = rate(campaign), Registry()
    plan = make_plan(campaign, registry, units={"LD"})
    for lazy in (False, True):
        for k, key in enumerate((KY_HIEU_LIEN, NGOAC_KEP, KY_BANG_CHU)):  # each of Build.typography's choices
            for on in (True, False):
                typography = tuple(on if i == k else True for i in range(3))
                jobs = fill._jobs(plan, campaign, ratings, registry, lazy=lazy, typography=typography)  # type: ignore[arg-type]
                assert jobs and all((key in job.context) is on for job in jobs)
    marked, plain = (next(j for j in fill._jobs(plan, campaign, ratings, registry, typography=(whole, True, True))
                          if j.doc.form == "bien_ban_hop") for whole in (True, False))
    assert marked.context[KY_HIEU_LIEN] is True
    assert fill.cache_key(marked.spec.template_sha256, marked.context) != fill.cache_key(plain.spec.template_sha256,
                                                                                          plain.context)
    spec = marked.spec
    task = (Path(spec.template).read_bytes(), spec.template_sha256, Path(spec.template).name, "bien_ban_hop",
            [marked.context, plain.context], False)
    (whole_docx, _), (plain_docx, _) = remote.render_forms(task)
    read = [zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml") for data in (whole_docx, plain_docx)]
    assert b"<w:noBreakHyphen/>" in read[0] and b"<w:noBreakHyphen/>" not in read[1]
