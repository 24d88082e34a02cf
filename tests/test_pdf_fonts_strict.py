"""A PDF whose TEXT fell back to DejaVu Sans while its headers stay in the forms' face is refused,
in the cache too (pipeline/pdf/validate.py, `_other_letters`).

Seen in a user's cache: forms whose body was set in DejaVu Sans, their page-number headers still in
Liberation Serif; the older check (the body face among the PDF's fonts, every font embedded) let
them pass and every build reused them. A healthy PDF also holds a DejaVu Sans subset (☐ ☒ ☑ ✓ ✔,
set so by the templates), so the rule is: no face but the body's carries a letter.

The polluted PDF is made honestly: the person's filled mau_02.docx with its default face (styles.xml)
changed to DejaVu Sans and its header runs kept in Times New Roman, converted by LibreOffice exactly
as a form is converted alone (join.normalise, soffice, join.split with its identity). One real build
of one person (VP-002, unit LD); then the polluted PDF planted in its cache entry as the older
version recorded it, a build by the older check (its bundles assembled from it), and a build by
this one.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fakes import DEJAVU

from pipeline import api
from pipeline.pdf import convert, installation, join, libreoffice, validate
from pipeline.pdf.cache import PdfCache, sha256_bytes
from pipeline.pdf.pool import Converter

pytestmark = pytest.mark.skipif(not (Path(DEJAVU).is_file() and shutil.which("soffice") and shutil.which("pdffonts")),
                                reason="DejaVu Sans, LibreOffice and pdffonts are needed")

TNR = '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>'


def fonts_of(data: bytes, tmp: Path) -> set[str]:
    """The faces pdffonts lists (subset prefix and style cut)."""
    f = tmp / "f.pdf"
    f.write_bytes(data)
    out = subprocess.run(["pdffonts", str(f)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1].split("-")[0] for line in out.splitlines()[2:] if line.strip()}


def body_in_dejavu(src: Path, dest: Path) -> None:
    """`src` with its text in DejaVu Sans but its first runs (the heading) and its headers in Times
    New Roman: the PDF lists the body face, as the polluted forms seen did (their page numbers in it;
    a form's page lists only the fonts it draws with, pipeline/pdf/prune.py, and its headers are
    drawn on the PDF, so here the heading keeps the body face on the page)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/styles.xml":
                data = data.replace(b"Times New Roman", b"DejaVu Sans")
            elif re.fullmatch(r"word/header\d*\.xml", item.filename):
                data = data.replace(b"<w:rPr>", b"<w:rPr>" + TNR.encode())
            elif item.filename == "word/document.xml":
                data = data.replace(b"<w:rPr>", b"<w:rPr>" + TNR.encode(), 4)
            zout.writestr(item, data)


RARE = "Աբգ"  # Armenian: in DejaVu Sans, not in Liberation Serif


def rare_letters(src: Path, dest: Path) -> None:
    """`src` with the person's name followed by letters the body face lacks."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                data = data.replace("Trần Thị Thu Hà".encode(), f"Trần Thị Thu Hà {RARE}".encode())
            zout.writestr(item, data)


def all_in_arial(src: Path, dest: Path) -> None:
    """`src` wholly in Arial (every Times New Roman of its styles, text and headers): an agency's own form
    set in another face, which LibreOffice prints in Liberation Sans."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.endswith(".xml"):
                data = data.replace(b"Times New Roman", b"Arial")
            zout.writestr(item, data)


def entry_of(cache: Path, doc: str, who: str) -> Path:
    """The cached PDF of document `doc` of person `who` (its /HosoVanBan, /HosoNguoi)."""
    for p in cache.glob("*/*.pdf"):
        if len(p.stem) == 64:
            found = validate.identity(p.read_bytes())
            if found.get("/HosoVanBan", "").endswith(doc) and found.get("/HosoNguoi") == who:
                return p
    raise AssertionError(f"no cached PDF of {doc} for {who}")


@pytest.fixture(scope="module")
def story(tmp_path_factory, sample):
    root = tmp_path_factory.mktemp("fonts-strict")
    cache = root / "cache"

    def build(out: str) -> api.BuildSummary:
        options = api.BuildOptions(units=frozenset({"LD"}), persons=frozenset({"VP-002"}), cache_dir=cache,
                                   show_progress=False)
        return api.build(sample, root / out, options, converter=Converter(workers=1))

    first = build("a")
    entry = entry_of(cache, "mau_02", "VP-002")
    healthy = entry.read_bytes()
    meta = json.loads(entry.with_suffix(".json").read_text())
    # the polluted PDF, converted as pool.Converter converts a form alone
    work = root / "polluted"
    (work / "out").mkdir(parents=True)
    body_in_dejavu(root / "a" / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx", work / "dejavu.docx")
    join.normalise(work / "dejavu.docx", work / "0000.docx")
    # and, in the same soffice run, the form with letters Liberation Serif lacks (Armenian) in a name
    rare_letters(root / "a" / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx", work / "rare.docx")
    join.normalise(work / "rare.docx", work / "0001.docx")
    # and the form wholly in Arial
    all_in_arial(root / "a" / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx", work / "arial.docx")
    join.normalise(work / "arial.docx", work / "0002.docx")
    libreoffice.run_convert(libreoffice.find_soffice(), work / "profile",
                            [work / "0000.docx", work / "0001.docx", work / "0002.docx"],
                            work / "out", timeout=120, filter_options=join.EXPORT_FILTER)
    identity = validate.identity(healthy)
    pieces = join.split((work / "out" / "0000.pdf").read_bytes(), [join.SINGLE_NAME], [identity])
    assert pieces
    polluted = pieces[0][0]
    rare = join.split((work / "out" / "0001.pdf").read_bytes(), [join.SINGLE_NAME], [identity])
    assert rare
    arial = join.split((work / "out" / "0002.pdf").read_bytes(), [join.SINGLE_NAME], [identity])
    assert arial
    # planted as the older version cached it: its font answer (the face alone), the pages of the form
    # (so that only the font check can refuse it, not the page range)
    entry.write_bytes(polluted)
    entry.with_suffix(".json").write_text(json.dumps({"sha256": sha256_bytes(polluted), "pages": meta["pages"],
                                                      "facts": {convert.FONTS: validate.body_face()}}))
    for blob in cache.glob("*/*.bundle*"):  # the dossiers: assembled by the older version from the planted PDF
        blob.unlink()
    with pytest.MonkeyPatch.context() as mp:  # the older check: letters in other faces were not looked at
        mp.setattr(validate, "_other_letters", lambda data, face: {})
        mp.setattr(convert, "_checked", lambda face: face)
        older = build("b")
    now = build("c")
    return {"root": root, "cache": cache, "entry": entry, "healthy": healthy, "polluted": polluted,
            "docx": root / "a" / "ca_nhan" / "LD" / "VP-002" / "mau_02.docx", "asks_dejavu": work / "dejavu.docx",
            "rare": rare[0][0], "arial": arial[0][0], "asks_arial": work / "arial.docx",
            "first": first, "older": older, "now": now}


def test_a_healthy_form_and_its_dossier_pass(story):
    healthy = story["healthy"]
    # a DejaVu Sans subset (☐ ☒) is listed only on a page that prints a box (pipeline/pdf/prune.py)
    assert "LiberationSerif" in fonts_of(healthy, story["root"])
    assert validate.font_problem(healthy) is None
    bundle = (story["root"] / "a" / "ca_nhan" / "LD" / "VP-002.pdf").read_bytes()
    assert validate.font_problem(bundle) is None


def test_a_form_whose_text_fell_back_to_dejavu_is_refused_naming_the_face(story):
    polluted = story["polluted"]
    assert "LiberationSerif" in fonts_of(polluted, story["root"])  # the heading: the older check passed it
    why = validate.font_problem(polluted)
    assert why is not None
    m = re.fullmatch(r"chữ của văn bản bị đặt bằng phông «DejaVu Sans» \((\d+) chữ, ví dụ: ((?:\w, ){6})…\) "
                     r"thay cho phông «Liberation Serif»", why)
    assert m, why
    assert int(m.group(1)) > 30 and m.group(2).startswith("a, ")  # «Họ và tên», the person's name, …
    # its own document does not ask for DejaVu Sans: refused too; a document that asks for it (its
    # styles, as an agency's own form may ask for another face) has it accepted
    assert validate.font_problem(polluted, docx=[story["docx"]]) == why
    assert validate.font_problem(polluted, docx=[story["asks_dejavu"]]) is None
    # read by pypdf (objects in compressed object streams), the same letters
    face = validate.body_face() or ""
    raw = validate._other_letters(polluted, face)
    assert raw["DejaVu Sans"] >= set("HọvàtênTrầnThịHà") and validate._other_letters_pypdf(polluted, face) == raw


def test_letters_the_body_face_lacks_fall_back_rightly(story):
    """A name with letters Liberation Serif has not: LibreOffice sets them in another face; accepted."""
    rare = story["rare"]
    assert set(RARE) <= set().union(*validate._other_letters(rare, validate.body_face() or "").values())
    assert validate.font_problem(rare) is None


def test_a_tounicode_map_is_read_with_its_ranges():
    cmap = (b"2 beginbfchar\n<01> <2610>\n<02> <0020>\nendbfchar\n"
            b"2 beginbfrange\n<03> <05> <2611>\n<06> <07> [<1EA1> <0103>]\nendbfrange\n")
    assert sorted(validate._cmap_text(cmap)) == sorted("☐ ☑☒☓ạă")
    assert validate._letters(validate._cmap_text(cmap)) == {"ạ", "ă"}


def test_the_polluted_cache_entry_is_converted_again_and_its_bundle_assembled_again(story):
    older, now = story["older"], story["now"]
    # the older check took the planted PDF, and assembled the person's dossier from it
    assert older.converted == 0
    assert validate.font_problem((story["root"] / "b" / "ca_nhan" / "LD" / "VP-002.pdf").read_bytes())
    # this one converts that form again, and only it; the dossier is assembled from the new PDF
    assert now.converted == 1 and now.reused == now.documents - 1
    again, pages, facts = PdfCache(story["cache"]).get_with_facts(story["entry"].stem) or (b"", 0, {})
    assert validate.font_problem(again) is None and facts[convert.FONTS].startswith("liberationserif;")
    dossier = (story["root"] / "c" / "ca_nhan" / "LD" / "VP-002.pdf").read_bytes()
    assert validate.font_problem(dossier) is None


def test_an_answer_of_the_current_check_is_taken_without_reading_again(story, monkeypatch):
    entry = story["entry"]
    data, pages, facts = PdfCache(story["cache"]).get_with_facts(entry.stem) or (b"", 0, {})
    monkeypatch.setattr(validate, "font_problem", lambda *a: pytest.fail("read again"))
    face = validate.body_face() or ""
    assert convert._cached(PdfCache(story["cache"]), entry.stem, face) == (data, pages)


def test_the_stamp_follows_the_users_fontconfig(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name in installation.FONTCONFIG_ENV:
        monkeypatch.delenv(name, raising=False)
    seen = [installation.stamp("/nowhere/soffice")]
    conf = tmp_path / ".config" / "fontconfig" / "fonts.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text("<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir></fontconfig>")
    seen.append(installation.stamp("/nowhere/soffice"))
    own = tmp_path / "own.conf"
    own.write_text("<fontconfig/>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(own))
    seen.append(installation.stamp("/nowhere/soffice"))
    own.write_text("<fontconfig><dir>/usr/share/fonts</dir></fontconfig>")  # the same name, other settings
    seen.append(installation.stamp("/nowhere/soffice"))
    monkeypatch.setenv("FONTCONFIG_PATH", str(tmp_path))
    seen.append(installation.stamp("/nowhere/soffice"))
    assert len(set(seen)) == len(seen)
    assert installation.stamp("/nowhere/soffice") == seen[-1]  # nothing changed: the same stamp


def test_the_faces_a_document_asks_for_and_their_letters(tmp_path):
    """Times New Roman by the defaults (any letter), Arial by a heading's runs (their letters), DejaVu
    Sans by the ☐ runs (no letter): as fontconfig gives them here."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    styles = (f'<w:styles {w}><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" '
              'w:hAnsi="Times New Roman"/></w:rPr></w:rPrDefault></w:docDefaults>'
              '<w:style w:type="paragraph" w:styleId="Unused"><w:rPr><w:rFonts w:ascii="Courier"/></w:rPr></w:style>'
              '</w:styles>')
    run = '<w:r><w:rPr><w:rFonts w:ascii="{0}" w:hAnsi="{0}"/></w:rPr><w:t>{1}</w:t></w:r>'
    document = (f'<w:document {w}><w:body><w:p>{run.format("Arial", "CỘNG HÒA")}</w:p>'
                f'<w:p>{run.format("DejaVu Sans", "☐")}<w:r><w:t> Xuất sắc</w:t></w:r></w:p></w:body></w:document>')
    docx = tmp_path / "own.docx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/styles.xml", styles)
        zf.writestr("word/document.xml", document)
    asked = validate.asked_letters([docx])
    body = validate.body_face() or ""
    assert asked[body] is None and asked["dejavusans"] == set() and "liberationmono" not in asked
    assert asked[validate._substitute("Arial")] == set("CỘNGHÒA")


def test_a_form_wholly_in_a_face_it_asks_for_passes_and_without_asking_is_refused(story):
    # an agency's own form set wholly in Arial: its pages list Liberation Sans alone (each page's resources hold
    # only what it draws, pipeline/pdf/prune.py); the form asks for that face, so its letters are rightly there
    arial = story["arial"]
    faces = fonts_of(arial, story["root"])
    assert "LiberationSans" in faces and "LiberationSerif" not in faces
    assert validate.font_problem(arial, docx=[story["asks_arial"]]) is None
    # the same PDF for a form that asks for Times New Roman (the program's mau_02): refused, naming the face used
    why = validate.font_problem(arial, docx=[story["docx"]])
    assert why is not None and "liberationsans" in why.lower()
