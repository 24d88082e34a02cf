"""`hoso templates check`: every shipped form passes with the contexts the build really gives it
(the submission report and summary table included), and an unknown variable fails with exit 8."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import ExitCode
from pipeline.forms.registry import Registry


def hoso(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=120)


def inject(docx: Path, tag: str) -> None:
    """Add a first paragraph holding `tag` to the document body, as a clerk typing in Word would."""
    with zipfile.ZipFile(docx) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            if info.filename == "word/document.xml":
                assert b"<w:body>" in data
                data = data.replace(b"<w:body>", f"<w:body><w:p><w:r><w:t>{tag}</w:t></w:r></w:p>".encode(), 1)
            zf.writestr(info, data)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("mau") / "mau_bieu"
    proc = hoso("templates", "export", str(dest))
    assert proc.returncode == 0, proc.stderr
    return dest


def test_shipped_templates_pass():
    proc = hoso("templates", "check")
    assert proc.returncode == ExitCode.ok, proc.stderr
    count = len(Registry().codes)
    assert f"Tất cả {count} mẫu đều điền được." in proc.stderr
    for code in ("bao_cao_so_noi_vu", "bieu_tong_hop"):
        assert re.search(rf"ĐẠT\s+{code}:", proc.stderr), proc.stderr
    assert "LỖI" not in proc.stderr


def test_exported_copy_passes(exported):
    proc = hoso("templates", "check", str(exported))
    assert proc.returncode == ExitCode.ok, proc.stderr


@pytest.mark.parametrize("code", ["bao_cao_so_noi_vu", "bieu_tong_hop", "mau_02", "bien_ban_hop", "thong_bao_ket_qua"])
def test_unknown_variable_is_reported_with_template_and_variable(code, exported, tmp_path):
    root = tmp_path / "mau_bieu"
    shutil.copytree(exported, root)
    inject(root / code / "template.docx", "{{ bien_khong_co }}")
    proc = hoso("templates", "check", str(root))
    assert proc.returncode == ExitCode.template_error, proc.stderr
    assert "Traceback" not in proc.stderr
    assert re.search(rf"LỖI\s+{code}:", proc.stderr), proc.stderr
    assert f"Mẫu «{code}» dùng biến không có trong dữ liệu" in proc.stderr
    assert "bien_khong_co" in proc.stderr and "khi điền cho" in proc.stderr
    assert "Lỗi: 1/" in proc.stderr  # only the edited form fails
    assert len(re.findall(r"LỖI\s", proc.stderr)) == 1


def test_the_official_word_file_put_in_without_variables_is_refused(exported, tmp_path):
    """A clerk replaces mau_02/template.docx with the official Word form as it is (its text, no {{ … }} tag): every
    phiếu would print without the person's name or level. `templates check` fails on that form (exit 8), saying the
    file names no variable and which the program's form uses; the program's own folder is never told so."""
    from docx import Document

    root = tmp_path / "mau_bieu"
    shutil.copytree(exported, root)
    official = Document()
    official.add_paragraph("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    official.add_paragraph("Họ và tên: ……………………")
    official.save(root / "mau_02" / "template.docx")
    proc = hoso("templates", "check", str(root))
    assert proc.returncode == ExitCode.template_error, proc.stderr
    assert re.search(r"LỖI\s+mau_02:", proc.stderr) and "Lỗi: 1/" in proc.stderr, proc.stderr
    said = " ".join(proc.stderr.split())
    assert "Tệp Word của mẫu «mau_02» không có biến {{ … }} nào: giấy tờ in ra sẽ không có dữ liệu của người" in said
    assert "chép các biến của mẫu cũ vào đúng chỗ (ví dụ" in said and "{{ nguoi.ho_ten }}" in said


def test_a_build_with_such_a_folder_stops_before_writing(exported, tmp_path):
    """`hoso build --templates` with that form: exit 8 with the same words, nothing written (a clerk who skipped
    `templates check` never gets phiếu without names)."""
    from docx import Document

    from pipeline.resources import sample_workbook

    root = tmp_path / "mau_bieu"
    shutil.copytree(exported, root)
    official = Document()
    official.add_paragraph("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÔNG CHỨC")
    official.save(root / "mau_02" / "template.docx")
    out = tmp_path / "ket_qua"
    proc = hoso("build", str(sample_workbook()), "-o", str(out), "--templates", str(root))
    assert proc.returncode == ExitCode.template_error, proc.stderr
    said = " ".join(proc.stderr.split())
    assert "Tệp Word của mẫu «mau_02» không có biến {{ … }} nào" in said and "hoso templates check" in said
    assert not out.exists()


def _misspelt(exported: Path, tmp_path: Path) -> Path:
    """The notice's title corrected by a clerk under a misspelt key: `tieu_dee = "THÔNG BÁO KẾT QUẢ"` beside the
    program's `tieu_de` — her wording would never print."""
    root = tmp_path / "mau_bieu"
    shutil.copytree(exported, root)
    meta = root / "thong_bao_ket_qua" / "meta.toml"
    text = meta.read_text(encoding="utf-8")
    assert '\ntieu_de = "THÔNG BÁO"\n' in text
    meta.write_text(text.replace('\ntieu_de = "THÔNG BÁO"\n', '\ntieu_de = "THÔNG BÁO"\ntieu_dee = "THÔNG BÁO KẾT QUẢ"\n'),
                    encoding="utf-8")
    return root


def test_a_misspelt_label_key_is_named_with_the_key_it_resembles(exported, tmp_path):
    root = _misspelt(exported, tmp_path)
    proc = hoso("templates", "check", str(root))
    assert proc.returncode == ExitCode.template_error, proc.stderr
    assert re.search(r"LỖI\s+thong_bao_ket_qua:", proc.stderr) and "Lỗi: 1/" in proc.stderr, proc.stderr
    said = " ".join(proc.stderr.split())
    assert ("Mẫu «thong_bao_ket_qua», tệp meta.toml, phần [labels]: khóa «tieu_dee» (có phải «tieu_de»?) không phải "
            "lời văn nào của mẫu, nên lời văn ghi ở đó không được in") in said
    # the same key printed by the agency's own Word file is a label of its own: nothing said
    inject(root / "thong_bao_ket_qua" / "template.docx", "{{ nhan.tieu_dee }}")
    proc = hoso("templates", "check", str(root))
    assert proc.returncode == ExitCode.ok, proc.stderr


def test_a_build_with_a_misspelt_label_key_says_so(exported, tmp_path):
    """`hoso build --templates`: the papers are made (the program's words print) and the console names the key."""
    from pipeline.resources import sample_workbook

    root = _misspelt(exported, tmp_path)
    out = tmp_path / "ket_qua"
    proc = hoso("build", str(sample_workbook()), "-o", str(out), "--templates", str(root), "--person", "VP-040")
    assert proc.returncode == ExitCode.ok, proc.stderr
    said = " ".join(proc.stderr.split())
    assert "Cảnh báo: Mẫu «thong_bao_ket_qua», tệp meta.toml, phần [labels]: khóa «tieu_dee» (có phải «tieu_de»?)" in said
