"""`hoso templates export DIR` records the program's files it copied (DIR/mau_goc.json); `hoso build … --templates DIR`
then uses the program's current form for each form the clerk did not edit (or DIR lacks), keeps hers for the forms she
edited — warning when the program updated them since — and says which; DIR is never written (pipeline/forms/origin.py).

A program update is simulated the other way round: DIR's copy of a form is made "old" (another wording) and its record
says the program's file was that old one when exported."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from fakes import TextConverter, docx_text, person_form_text, run_main

from pipeline import __version__, api
from pipeline.forms import origin
from pipeline.resources import sample_workbook, templates_dir

pytestmark = pytest.mark.usefixtures("cli_in_process")

PHIEU = "Phiếu đánh giá, xếp loại chất lượng công chức (Nghị định 335/2025/NĐ-CP)"  # phieu_nd335's title
MINUTES = "Biên bản cuộc họp nhận xét, đánh giá, xếp loại chất lượng"  # bien_ban_hop's title
OLD_TITLE = 'tieu_de = "PHIẾU ĐÁNH GIÁ CŨ CHƯA CẬP NHẬT"'
HER_TITLE = 'tieu_de = "BIÊN BẢN HỌP CỦA VĂN PHÒNG"'


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def said(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def set_label(meta: Path, line: str) -> None:
    text = meta.read_text(encoding="utf-8")
    (old,) = [x for x in text.splitlines() if x.startswith("tieu_de = ")]
    meta.write_text(text.replace(old, line, 1), encoding="utf-8")


def record(root: Path) -> dict:
    return json.loads((root / origin.RECORD).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    from pipeline import lint

    return lint.export(tmp_path_factory.mktemp("xuat") / "mau_bieu")


def test_export_records_the_program_files_it_copied(exported):
    data = record(exported)
    assert data["phien_ban"] == __version__
    program = templates_dir()
    assert data["mau_goc"]["phieu_nd335"] == {
        "meta.toml": hashlib.sha256((program / "phieu_nd335/meta.toml").read_bytes()).hexdigest(),
        "template.docx": hashlib.sha256((program / "phieu_nd335/template.docx").read_bytes()).hexdigest()}
    assert data["mau_goc"]["can_cu.toml"] == {
        "can_cu.toml": hashlib.sha256((program / "can_cu.toml").read_bytes()).hexdigest()}
    codes = {p.parent.name for p in program.glob("*/meta.toml")} | {p.name for p in program.glob("*.toml")}
    assert set(data["mau_goc"]) == codes


def test_export_says_what_the_record_is_for(tmp_path, capsys):
    code, err = run_main(["templates", "export", str(tmp_path / "mau")], capsys)
    assert code == 0, err
    assert "Tệp mau_goc.json ghi lại bản mẫu của chương trình lúc chép (đừng xóa)" in " ".join(err.split())
    assert (tmp_path / "mau" / origin.RECORD).is_file()


def test_a_fresh_export_has_nothing_to_say(exported, capsys):
    code, err = run_main(["templates", "list", str(exported)], capsys)
    assert code == 0, err
    assert "Ghi chú" not in err and "Cảnh báo" not in err and str(exported) not in err


@pytest.fixture(scope="module")
def built(exported, tmp_path_factory, cache_dir):
    """One build of unit LD of the 2026 sample with DIR: phieu_nd335 an old copy never edited, bien_ban_hop edited by
    the clerk and updated in the program since, kiem_diem_tap_the removed from DIR."""
    base = tmp_path_factory.mktemp("tao")
    root = base / "mau_cua_co_quan"
    shutil.copytree(exported, root)
    data = record(root)
    set_label(root / "phieu_nd335/meta.toml", OLD_TITLE)
    data["mau_goc"]["phieu_nd335"]["meta.toml"] = hashlib.sha256((root / "phieu_nd335/meta.toml").read_bytes()).hexdigest()
    set_label(root / "bien_ban_hop/meta.toml", HER_TITLE)
    data["mau_goc"]["bien_ban_hop"]["meta.toml"] = "0" * 64  # the program's file then: not the one it has now
    (root / origin.RECORD).write_text(json.dumps(data), encoding="utf-8")
    shutil.rmtree(root / "kiem_diem_tap_the")
    before = tree(root)
    out, lines = base / "ket_qua", []
    options = api.BuildOptions(units=frozenset({"LD"}), cache_dir=cache_dir, show_progress=False, templates=root)
    summary = api.build(sample_workbook(2026), out, options, converter=TextConverter(), log=lines.append)
    return root, out, lines, before, summary, options


def test_a_form_the_clerk_did_not_edit_prints_the_programs_current_words(built):
    root, out, lines, *_ = built
    (phieu, *_) = sorted(out.glob("ca_nhan/LD/*/phieu_nd335.docx"))
    text = docx_text(phieu)
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in text and "CŨ CHƯA CẬP NHẬT" not in text
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG" in person_form_text(out, phieu.parent.name, "phieu_nd335")
    notes = [x for x in lines if "chưa được cơ quan sửa" in x]
    assert len(notes) == 1
    assert notes[0].startswith(f"Ghi chú: 1 mẫu trong «{root}» chưa được cơ quan sửa và đã được chương trình cập nhật: "
                               f"dùng bản mới của chương trình ({PHIEU}); ")
    assert notes[0].endswith(f"Thư mục «{root}» không bị thay đổi.")


def test_a_form_she_edited_keeps_her_words_and_the_update_is_warned(built):
    root, out, lines, *_ = built
    assert "BIÊN BẢN HỌP CỦA VĂN PHÒNG" in docx_text(out / "don_vi/LD/bien_ban_hop.docx")
    (warned,) = [x for x in lines if x.startswith("Cảnh báo: mẫu của chương trình đã được cập nhật")]
    assert warned.startswith(f"Cảnh báo: mẫu của chương trình đã được cập nhật sau khi chép ra «{root}» ({MINUTES}): "
                             f"lần tạo này vẫn dùng bản cơ quan đã sửa trong «{root}».")
    assert "hoso templates export THU_MUC_MOI" in warned
    assert MINUTES not in " ".join(x for x in lines if x.startswith("Ghi chú: 1 mẫu"))


def test_a_form_the_folder_lacks_is_the_programs(built):
    """Before: «Không có mẫu «kiem_diem_tap_the» trong thư mục mẫu biểu», exit 8."""
    root, out, lines, *_ = built
    assert (out / "don_vi/LD/kiem_diem_tap_the.docx").is_file()
    (note,) = [x for x in lines if "chưa được cơ quan sửa" in x]
    assert f"1 mẫu không có trong «{root}»: dùng mẫu của chương trình (Báo cáo kiểm điểm tập thể" in note


def test_the_folder_is_never_written_and_never_named_by_its_copy(built, cache_dir):
    root, out, lines, before, *_ = built
    assert tree(root) == before
    assert str(cache_dir) not in said(lines)
    assert str(cache_dir) not in (out / "manifest.json").read_text(encoding="utf-8")


def test_a_rebuild_with_nothing_changed_does_nothing_and_says_it_again(built):
    root, out, _lines, _before, summary, options = built
    lines: list[str] = []
    again = api.build(sample_workbook(2026), out, options, converter=TextConverter(), log=lines.append)
    assert again.unchanged and not summary.unchanged
    assert any(x.startswith(f"Ghi chú: 1 mẫu trong «{root}» chưa được cơ quan sửa") for x in lines)
    assert any(x.startswith("Cảnh báo: mẫu của chương trình đã được cập nhật") for x in lines)


def test_a_folder_without_a_record_keeps_its_copies_and_says_it_cannot_tell(exported, tmp_path, capsys):
    root = tmp_path / "mau_cu"
    shutil.copytree(exported, root)
    (root / origin.RECORD).unlink()
    meta = root / "bien_ban_hop/meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(f'title = "{MINUTES}"', 'title = "Biên bản họp riêng"'),
                    encoding="utf-8")
    code, err = run_main(["templates", "list", str(root)], capsys)
    assert code == 0, err
    text = said(err.splitlines())
    assert (f"Ghi chú: «{root}» không có tệp mau_goc.json (chép ra trước khi chương trình ghi lại bản mẫu gốc): không rõ "
            f"1 mẫu khác mẫu của chương trình là bản cơ quan đã sửa hay bản cũ chưa được cập nhật ({MINUTES}); khi tạo "
            f"hồ sơ với --templates, chương trình dùng bản trong «{root}».") in text
    assert "bien_ban_hop" in text and "Biên bản họp riêng" in text  # the listing: her copy
    assert "chưa được cơ quan sửa" not in text and "Cảnh báo" not in text


def test_templates_list_shows_the_programs_form_for_an_old_copy(exported, tmp_path, capsys):
    root = tmp_path / "mau"
    shutil.copytree(exported, root)
    meta = root / "bien_ban_hop/meta.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(f'title = "{MINUTES}"', 'title = "Biên bản tên cũ"'),
                    encoding="utf-8")
    data = record(root)
    data["mau_goc"]["bien_ban_hop"]["meta.toml"] = hashlib.sha256(meta.read_bytes()).hexdigest()
    (root / origin.RECORD).write_text(json.dumps(data), encoding="utf-8")
    code, err = run_main(["templates", "list", str(root)], capsys)
    assert code == 0, err
    assert "Biên bản tên cũ" not in err and MINUTES in err
    assert f"Ghi chú: 1 mẫu trong «{root}» chưa được cơ quan sửa" in err


def test_a_zipped_export_is_taken_by_the_web_page(exported):
    """The record is no form: the page «Mẫu biểu của cơ quan» skips it in an upload (it refused unknown files)."""
    from pipeline.web import own_forms

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.write(exported / origin.RECORD, origin.RECORD)
        zf.write(exported / "bien_ban_hop/meta.toml", "bien_ban_hop/meta.toml")
    buf.seek(0)
    assert [key for _info, key in own_forms._members(buf, "mau.zip")] == ["bien_ban_hop/meta.toml"]


def test_export_force_over_an_edited_set_keeps_the_agency_s_edits_beside(tmp_path, capsys):
    """`hoso templates export DIR --force` over a set the agency edited (its title in a meta.toml, its Word
    file) copied the program's files over them: the edits were lost without a word. Now each file it would
    change is kept first in `DIR.truoc-<date-time>/` (with the record of that export), named on the console;
    files it would not change are not copied; the refusal without --force says so."""
    mau = tmp_path / "mau"
    code, err = run_main(["templates", "export", str(mau)], capsys)
    assert code == 0, err
    code, err = run_main(["templates", "export", str(mau), "--force"], capsys)  # nothing edited: nothing kept
    assert code == 0 and "chép giữ lại" not in err and [p.name for p in tmp_path.iterdir()] == ["mau"]
    set_label(mau / "bien_ban_hop/meta.toml", HER_TITLE)
    with zipfile.ZipFile(mau / "phieu_nd335/template.docx", "a") as zf:
        zf.writestr("customXml/sua.xml", "<x>sửa</x>")
    edited = {rel: (mau / rel).read_bytes() for rel in ("bien_ban_hop/meta.toml", "phieu_nd335/template.docx")}
    their_record = (mau / origin.RECORD).read_bytes()
    code, err = run_main(["templates", "export", str(mau)], capsys)
    assert code == 7 and f"«{mau.name}.truoc-<ngày-giờ>» bên cạnh" in said([err])
    code, err = run_main(["templates", "export", str(mau), "--force"], capsys)
    assert code == 0, err
    (kept,) = tmp_path.glob("mau.truoc-*")
    assert tree(kept) == {**{rel: hashlib.sha256(b).hexdigest() for rel, b in edited.items()},
                          origin.RECORD: hashlib.sha256(their_record).hexdigest()}
    assert (f"2 tệp đã sửa trong «{mau}» được chép giữ lại sang «{kept}» trước khi ghi đè: bien_ban_hop/meta.toml, "
            "phieu_nd335/template.docx.") in said([err])
    program = templates_dir()
    assert all((mau / rel).read_bytes() == (program / rel).read_bytes() for rel in edited)
    assert not list(tmp_path.glob(".mau.truoc-*"))
