"""A form whose text a clerk set in a font this machine lacks is said before anything is printed
(pipeline/forms/fonts_asked.py):

- «Comic Sans MS» (not installed) for the whole notice → `templates check` passes with a warning naming the form,
  the font and the face it will print in; `build --templates` says the same and builds;
- «.VnTime» (TCVN3) on a run of text → refused at `templates check` (exit 8) and by the build, before writing;
  named only in a style no text uses, or on an empty run → nothing;
- «Times New Roman», «Arial», «Courier New» (printed in their metric-compatible Liberation faces), «Calibri» (Carlito,
  installed by bootstrap.sh), a Symbol bullet
  (recoded into OpenSymbol by LibreOffice) → nothing; the program's own forms → nothing;
- a theme font («minorHAnsi») is followed to the theme's typeface.
One `templates check` of an edited copy of the program's forms for the module; one build with the text converter.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.errors import ExitCode, TemplateError
from pipeline.forms import fonts_asked
from pipeline.forms.registry import Registry

sys.path.insert(0, str(Path(__file__).parent))
from fakes import TextConverter  # noqa: E402

NOTICE, MINUTES, TABLE = "thong_bao_ket_qua", "bien_ban_hop", "bieu_tong_hop"
TCVN3 = "Hµ Néi"  # «Hà Nội» typed in TCVN3 bytes, as an old office's file holds it
LEGACY_WORDS = "phông chữ cũ (TCVN3/VNI), hãy chuyển sang Unicode (Times New Roman) bằng Unikey"


def edit(docx: Path, part: str, change: Callable[[str], str]) -> None:
    """`part` of the Word file rewritten by `change` (as Word would save a clerk's edit)."""
    with zipfile.ZipFile(docx) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            if info.filename == part:
                new = change(data.decode("utf-8"))
                assert new != data.decode("utf-8"), part
                data = new.encode("utf-8")
            zf.writestr(info, data)


def first_paragraphs(xml: str, *paragraphs: str) -> str:
    return xml.replace("<w:body>", "<w:body>" + "".join(paragraphs), 1)


def run(text: str, font: str | None = None) -> str:
    fonts = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/></w:rPr>' if font else ""
    return f'<w:r>{fonts}<w:t xml:space="preserve">{text}</w:t></w:r>'


def comic(docx: Path) -> None:
    """The whole form set in Comic Sans MS (the document defaults and the Normal style)."""
    edit(docx, "word/styles.xml", lambda s: s.replace('"Times New Roman"', '"Comic Sans MS"'))


def vntime(docx: Path) -> None:
    """One paragraph typed in an old TCVN3 file and pasted in, keeping its font."""
    edit(docx, "word/document.xml", lambda s: first_paragraphs(s, f"<w:p>{run(TCVN3, '.VnTime')}</w:p>"))


def harmless(docx: Path) -> None:
    """Fonts that print as Word shows them, and a legacy font no text is set in."""
    bullet = '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'  # the Symbol bullet
    edit(docx, "word/document.xml", lambda s: first_paragraphs(
        s, f"<w:p>{run('Kính gửi', 'Times New Roman')}{run(' Sở Nội vụ', 'Arial')}{run(' 01', 'Courier New')}"
           f"{run(' tỉnh Hà Giang Nam', 'Calibri')}"
           f"{run('   ', '.VnTimeH')}</w:p>", f"<w:p>{bullet}{run('Dòng có dấu đầu dòng')}</w:p>"))
    edit(docx, "word/styles.xml", lambda s: s.replace(
        "</w:styles>", '<w:style w:type="paragraph" w:styleId="CuTCVN3"><w:name w:val="Cu TCVN3"/><w:rPr><w:rFonts '
                       'w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style></w:styles>', 1))


def hoso(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120)


def fc_family(font: str) -> str:
    """What fontconfig itself says `font` is printed in (read apart from the program's own lookup)."""
    return subprocess.run(["fc-match", "-f", "%{family}", font], capture_output=True, text=True,
                          check=True).stdout.split(",")[0]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    from pipeline import lint

    return lint.export(tmp_path_factory.mktemp("phong") / "mau_bieu")


@pytest.fixture(scope="module")
def checked(exported, tmp_path_factory) -> tuple[subprocess.CompletedProcess, str]:
    """`hoso templates check` of a copy with the notice in Comic Sans MS, the minutes with a .VnTime paragraph,
    the summary table with harmless fonts: (its answer, its words on one line)."""
    root = tmp_path_factory.mktemp("sua") / "mau_bieu"
    shutil.copytree(exported, root)
    comic(root / NOTICE / "template.docx")
    vntime(root / MINUTES / "template.docx")
    harmless(root / TABLE / "template.docx")
    proc = hoso("templates", "check", str(root))
    return proc, " ".join(proc.stderr.split())


needs_fontconfig = pytest.mark.skipif(shutil.which("fc-match") is None, reason="no fontconfig: no font is told")


@needs_fontconfig
def test_a_font_the_machine_lacks_is_a_warning_naming_the_form_the_font_and_the_substitute(checked):
    proc, said = checked
    face = fc_family("Comic Sans MS")
    assert face and face != "Comic Sans MS"
    assert re.search(rf"ĐẠT\s+{NOTICE}:", proc.stderr), proc.stderr
    assert (f"Cảnh báo: Mẫu «{NOTICE}» (Thông báo kết quả đánh giá, xếp loại chất lượng): tệp Word đặt chữ bằng phông "
            f"«Comic Sans MS» (ví dụ đoạn «") in said, said
    assert (f"máy tạo hồ sơ không có phông này nên giấy tờ sẽ in bằng phông «{face}» (khác với khi xem trong Word). "
            "Nên dùng phông Times New Roman như mẫu của chương trình") in said


def test_a_legacy_vietnamese_font_on_text_is_refused(checked):
    proc, said = checked
    assert proc.returncode == ExitCode.template_error, proc.stderr
    assert re.search(rf"LỖI\s+{MINUTES}:", proc.stderr) and "Lỗi: 1/" in said, proc.stderr
    assert f"Mẫu «{MINUTES}» (" in said and f"bằng phông «.VnTime» (ví dụ đoạn «{TCVN3}») — {LEGACY_WORDS}" in said


@needs_fontconfig
def test_fonts_printed_as_word_shows_them_and_an_unused_legacy_font_say_nothing(checked):
    proc, said = checked
    assert re.search(rf"ĐẠT\s+{TABLE}:", proc.stderr), proc.stderr
    assert f"Mẫu «{TABLE}»" not in said
    assert fc_family("Calibri") == "Carlito", "Carlito (fonts-crosextra-carlito) missing: run ./bootstrap.sh setup"
    for font in ("Times New Roman", "Arial", "Courier New", "Calibri", "Symbol", ".VnTimeH"):
        assert f"«{font}»" not in said, font
    assert said.count("Cảnh báo:") == 1 and said.count("phông chữ cũ") == 1


def test_the_programs_forms_set_no_font_to_warn_about():
    registry = Registry()
    for code in registry.codes:
        spec = registry.get(code)
        assert fonts_asked.notes(spec.template, code) == ([], []), code
        assert {a.font for a in fonts_asked.asked(spec.template)} <= {"Times New Roman", "DejaVu Sans"}, code


def test_a_theme_font_and_a_numbering_font_are_followed(exported, tmp_path):
    """The Normal style asks for the theme's body font («minorHAnsi»), which a clerk's theme names Comic Sans MS;
    a bulleted paragraph's bullet is drawn in Symbol."""
    docx = tmp_path / "template.docx"
    shutil.copyfile(exported / TABLE / "template.docx", docx)
    edit(docx, "word/styles.xml", lambda s: re.sub(
        r'(<w:style w:type="paragraph" w:default="1" w:styleId="Normal">.*?)<w:rFonts [^>]*/>',
        r'\1<w:rFonts w:asciiTheme="minorHAnsi" w:hAnsiTheme="minorHAnsi"/>', s, count=1, flags=re.S))
    edit(docx, "word/theme/theme1.xml", lambda s: re.sub(
        r'(<a:minorFont>\s*<a:latin typeface=")[^"]*"', r'\1Comic Sans MS"', s, count=1))
    edit(docx, "word/styles.xml", lambda s: re.sub(r"<w:docDefaults>.*?</w:docDefaults>", "", s, flags=re.S))
    edit(docx, "word/document.xml", lambda s: first_paragraphs(
        s, '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
           f'{run("Dòng có dấu đầu dòng")}</w:p>'))
    fonts = {a.font for a in fonts_asked.asked(docx)}
    assert {"Comic Sans MS", "Symbol"} <= fonts and "Times New Roman" not in fonts, fonts


@needs_fontconfig
def test_a_build_with_the_forms_warns_or_stops_before_writing(exported, tmp_path, monkeypatch):
    """`build --templates`: the Comic Sans notice is said in the build's lines and the papers are made; the .VnTime
    minutes stop the build before anything is written."""
    from pipeline import api
    from pipeline.resources import sample_workbook

    root = tmp_path / "mau_bieu"
    shutil.copytree(exported, root)
    comic(root / NOTICE / "template.docx")
    lines: list[str] = []
    out = tmp_path / "ket_qua"
    api.build(sample_workbook(), out, api.BuildOptions(templates=root, persons=frozenset({"VP-040"}),
                                                       cache_dir=tmp_path / "cache", show_progress=False),
              converter=TextConverter(), log=lines.append)
    warned = [line for line in lines if line.startswith(f"Cảnh báo: Mẫu «{NOTICE}»")]
    assert len(warned) == 1 and "phông «Comic Sans MS»" in warned[0], lines
    assert list(out.rglob("*.pdf"))

    vntime(root / MINUTES / "template.docx")
    refused = tmp_path / "ket_qua_2"
    with pytest.raises(TemplateError) as exc:
        api.build(sample_workbook(), refused, api.BuildOptions(templates=root, persons=frozenset({"VP-040"}),
                                                               cache_dir=tmp_path / "cache", show_progress=False),
                  converter=TextConverter(), log=lines.append)
    assert LEGACY_WORDS in exc.value.message and f"Mẫu «{MINUTES}»" in exc.value.message
    assert "hoso templates check" in exc.value.message
    assert not refused.exists()


@needs_fontconfig
def test_the_web_upload_keeps_a_form_in_a_missing_font_saying_so_and_refuses_a_legacy_font(exported, tmp_path,
                                                                                            monkeypatch):
    """«Mẫu biểu của cơ quan»: the notice in Comic Sans MS is kept and the page says which font prints in which face;
    the minutes with a .VnTime paragraph are refused, naming the font, and the set in use stays."""
    from test_web_forms import PASSWORD, _send, _serve, _zip
    from web_pages import logged_in

    app, store, _q = _serve(tmp_path / "du_lieu", monkeypatch)
    c = logged_in(app, "vt", PASSWORD)
    notice, minutes = tmp_path / "notice.docx", tmp_path / "minutes.docx"
    shutil.copyfile(exported / NOTICE / "template.docx", notice)
    shutil.copyfile(exported / MINUTES / "template.docx", minutes)
    comic(notice)
    vntime(minutes)
    sent = _send(c, _zip({f"{NOTICE}/template.docx": notice.read_bytes()}))
    assert sent.status_code == 302, sent.text[:500]
    page = c.get(sent.headers["Location"]).text
    warned = page[page.index('id="phong_chu"'):]
    assert f"Mẫu «{NOTICE}» (" in warned and "phông «Comic Sans MS»" in warned
    assert f"sẽ in bằng phông «{fc_family('Comic Sans MS')}»" in warned
    own = store.agency_dir("VP") / "mau_bieu"
    kept = (own / NOTICE / "template.docx").read_bytes()

    r = _send(c, _zip({f"{MINUTES}/template.docx": minutes.read_bytes()}), "cu.zip")
    assert r.status_code == 400
    assert "Chưa nhận bộ mẫu «cu.zip»; bộ mẫu đang dùng được giữ nguyên." in r.text
    assert f"phông «.VnTime» (ví dụ đoạn «{TCVN3}») — {LEGACY_WORDS}" in r.text
    assert not (own / MINUTES).exists() and (own / NOTICE / "template.docx").read_bytes() == kept
