"""A run deletes only what hoso itself wrote (issue 19, points 2, 4 and 10).

An output folder may be replaced only when it is empty or an earlier hoso output: its manifest is
hoso's own, it lists every file there, and no input of the run lies inside it. `hoso rate` never
replaces a folder holding dossiers. The lock file is never opened through a symbolic link, a
symbolic link as the output is built into its target, and an existing output folder keeps its mode.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fakes import TextConverter, leftovers, own_output, snapshot

from pipeline import ownership
from pipeline.cli import main
from pipeline.errors import ExitCode


@pytest.fixture(autouse=True)
def _keep_sigterm(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)  # main() runs in-process here
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())


def run_main(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return exc.value.code, capsys.readouterr().err


def refused(args, folder: Path, capsys) -> str:
    before = snapshot(folder)
    rc, err = run_main(args, capsys)
    assert rc == ExitCode.output_error, err
    assert "Traceback" not in err
    assert snapshot(folder) == before
    assert leftovers(folder) == []
    return err


@pytest.mark.parametrize("command", ["rate", "build"])
def test_a_folder_with_a_foreign_manifest_survives(command, sample, tmp_path, capsys):
    project = tmp_path / "du_an"
    (project / "src").mkdir(parents=True)
    (project / "src" / "main.py").write_text("print('xin chào')\n")
    (project / "manifest.json").write_text('{"name": "du-an", "files": []}\n')
    extra = ["--unit", "LD"] if command == "build" else []
    err = refused([command, str(sample), "-o", str(project), *extra], project, capsys)
    assert "không phải do hoso tạo" in err and str(project) in err


def test_an_output_without_its_manifest_is_said_to_have_lost_it(sample, tmp_path, capsys):
    """The clerk deletes manifest.json from her output («a file she does not know») and builds again: refused, the
    folder kept, as before — but it said «đã có tệp khác không phải kết quả của hoso» of a folder that is all
    hoso's. It now says the manifest is missing, why hoso will not replace the folder, and what to do."""
    out = tmp_path / "ket_qua"
    assert run_main(["rate", str(sample), "-o", str(out)], capsys)[0] == 0
    (out / "manifest.json").unlink()
    before = snapshot(out)
    rc, err = run_main(["rate", str(sample), "-o", str(out)], capsys)
    assert rc == ExitCode.output_error and snapshot(out) == before, err
    said = " ".join(err.split())
    assert (f"Thư mục «{out}» giống kết quả hoso đã tạo nhưng không còn tệp manifest.json (danh sách các tệp hoso đã "
            "ghi; có lẽ đã bị xóa hoặc đổi tên)") in said and "đổi tên thư mục này (để giữ lại) rồi chạy lại" in said, err
    (out / "ket_qua_xep_loai.json").unlink()
    (out / "ket_qua_xep_loai.xlsx").unlink()
    (out / "ghi_chu.txt").write_text("của văn thư")  # no sign of hoso: the words for any other folder
    rc, err = run_main(["rate", str(sample), "-o", str(out)], capsys)
    assert rc == ExitCode.output_error and "đã có tệp khác không phải kết quả của hoso" in err, err


def test_an_own_output_with_a_foreign_file_is_refused_naming_it(sample, tmp_path, capsys):
    out = own_output(tmp_path / "output", {"ket_qua_xep_loai.json": b"{}\n"})
    (out / "ghi_chu_cua_toi.txt").write_text("không phải của hoso\n")
    err = refused(["rate", str(sample), "-o", str(out)], out, capsys)
    assert "ghi_chu_cua_toi.txt" in err and "không do hoso tạo" in err


@pytest.mark.parametrize("command", ["rate", "build"])
def test_an_input_inside_the_output_folder_survives(command, sample, tmp_path, capsys):
    out = own_output(tmp_path / "output", {"ket_qua_xep_loai.json": b"{}\n"})
    book = out / "nhan_su.xlsx"
    shutil.copy(sample, book)
    # the workbook itself is not listed: it is foreign too; list it to show the input check alone refuses
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"].append({"path": "nhan_su.xlsx", "sha256": "x", "bytes": book.stat().st_size})
    (out / "manifest.json").write_text(json.dumps(manifest))
    extra = ["--unit", "LD"] if command == "build" else []
    err = refused([command, str(book), "-o", str(out), *extra], out, capsys)
    assert "nằm trong thư mục kết quả" in err and "nhan_su.xlsx" in err
    assert book.read_bytes() == sample.read_bytes()


@pytest.mark.parametrize("command", ["rate", "build"])
def test_the_workbook_given_as_the_output_is_said_to_be_the_input(command, sample, tmp_path, capsys):
    """`-o` followed by the workbook's own name (a slip: `hoso build so.xlsx -o so.xlsx`): it said «so.xlsx (the
    input) is inside the output folder «so.xlsx»; hoso replaces the whole folder, so it would delete it» — of a file,
    no folder. Now it says the file is the command's input, not an output folder, and that nothing is written."""
    book = tmp_path / "so.xlsx"
    shutil.copy(sample, book)
    rc, err = run_main([command, str(book), "-o", str(book)], capsys)
    assert rc == ExitCode.output_error and book.read_bytes() == sample.read_bytes(), err
    assert (f"«{book}» là tệp đầu vào của lệnh này, không phải thư mục kết quả (có lẽ gõ nhầm sau -o); hoso không ghi "
            "gì vào nó. Chọn thư mục kết quả, ví dụ: -o ket_qua.") in " ".join(err.split())
    assert "nằm trong thư mục kết quả" not in err and sorted(p.name for p in tmp_path.iterdir()) == ["so.xlsx"]


def test_an_output_named_dot_dot_from_inside_it_keeps_its_lock_beside_it(sample, tmp_path, capsys, monkeypatch):
    """`-o ..` typed in a terminal standing in a subfolder of the output (`cd output/don_vi`): the folder's name
    was «..», so its lock file «.....lock» was made inside the output — a file no manifest lists, which refused
    that run and every later one («có tệp không do hoso tạo: don_vi/....lock»). Now the path is resolved first:
    the run goes through, its lock beside the folder, nothing left in it."""
    out = own_output(tmp_path / "output", {"ket_qua_xep_loai.json": b"{}\n", "don_vi/ghi.json": b"{}\n"})
    monkeypatch.chdir(out / "don_vi")
    rc, err = run_main(["rate", str(sample), "-o", ".."], capsys)
    assert rc == 0, err
    assert not list(out.rglob("*.lock")) and (tmp_path / ".output.lock").is_file(), sorted(tmp_path.rglob("*"))
    assert (out / "ket_qua_xep_loai.xlsx").is_file() and sorted(p.name for p in tmp_path.iterdir()) == \
        [".output.lock", "output"]


def test_rate_never_replaces_a_build(sample, tmp_path, capsys):
    out = tmp_path / "output"
    assert run_main(["build", str(sample), "--unit", "LD", "-o", str(out)], capsys)[0] == 0
    assert (out / "ca_nhan" / "LD" / "VP-001.pdf").is_file()
    err = refused(["rate", str(sample), "-o", str(out)], out, capsys)
    assert "hoso build" in err and "hoso rate" in err
    assert run_main(["verify", str(out)], capsys)[0] == 0
    # rate into an output of rate is fine; and build replaces a build of its own
    rated = tmp_path / "xep_loai"
    assert run_main(["rate", str(sample), "-o", str(rated)], capsys)[0] == 0
    assert run_main(["rate", str(sample), "-o", str(rated)], capsys)[0] == 0
    assert run_main(["build", str(sample), "--unit", "LD", "--no-duplex", "-o", str(out)], capsys)[0] == 0


def test_removing_the_old_output_deletes_only_its_listed_files(tmp_path):
    old = own_output(tmp_path / "x", {"a/b.pdf": b"%PDF b", "c.json": b"{}"})
    (old / "a" / "cua_toi.txt").write_text("đến sau lần kiểm tra")  # appeared after the check
    victim = tmp_path / "khac.txt"
    victim.write_text("giữ nguyên")
    (old / "lien_ket").symlink_to(victim)  # not listed: left; a listed link would be unlinked, never followed
    left = ownership.remove_owned(old)
    assert sorted(left) == ["a/cua_toi.txt", "lien_ket", "manifest.json"]
    assert not (old / "a" / "b.pdf").exists() and not (old / "c.json").exists()
    assert victim.read_text() == "giữ nguyên"
    # a folder without hoso's manifest: nothing is removed
    other = tmp_path / "y"
    (other / "src").mkdir(parents=True)
    (other / "src" / "m.py").write_text("x")
    (other / "manifest.json").write_text("{}")
    assert ownership.remove_owned(other) == ["manifest.json", "src/m.py"]


def test_a_file_marked_read_only_is_removed_as_windows_allows(tmp_path, monkeypatch):
    """A clerk marks a dossier read-only (Properties → Read-only) to keep it safe. Windows refuses to delete a
    read-only file (POSIX does not look at its mode): the old output moved aside kept that dossier, with its
    person's data, in a hidden folder beside the output, silently, at every run. Windows' rule is played here:
    the file is deleted once its read-only mark is taken off. A file refused while writable (open elsewhere) is
    left, never forced."""
    import stat

    old = own_output(tmp_path / "x", {"ca_nhan/LD/VP-001.pdf": b"%PDF 1", "ca_nhan/LD/VP-002.pdf": b"%PDF 2"})
    locked, busy = old / "ca_nhan" / "LD" / "VP-001.pdf", old / "ca_nhan" / "LD" / "VP-002.pdf"
    locked.chmod(0o444)
    real = os.unlink

    def windows_unlink(path, *a, **k):  # type: ignore[no-untyped-def]
        if not os.stat(path).st_mode & stat.S_IWRITE or os.fspath(path) == os.fspath(busy):
            raise PermissionError(13, "Access is denied", os.fspath(path))
        return real(path, *a, **k)

    monkeypatch.setattr(ownership.os, "unlink", windows_unlink)
    left = ownership.remove_owned(old)
    assert not locked.exists()
    assert left == ["ca_nhan/LD/VP-002.pdf", "manifest.json"] and busy.read_bytes() == b"%PDF 2"


def test_a_planted_lock_symlink_does_not_truncate_its_target(sample, tmp_path, capsys):
    victim = tmp_path / "quan_trong.txt"
    victim.write_text("dữ liệu quan trọng\n")
    (tmp_path / ".output.lock").symlink_to(victim)
    rc, err = run_main(["rate", str(sample), "-o", str(tmp_path / "output")], capsys)
    assert rc == ExitCode.output_error and "liên kết tượng trưng" in err and "Traceback" not in err
    assert victim.read_text() == "dữ liệu quan trọng\n"
    assert not (tmp_path / "output").exists()


def test_a_symlinked_output_is_built_into_its_target(sample, tmp_path, capsys):
    real = tmp_path / "chia_se" / "ket_qua"
    real.mkdir(parents=True)
    link = tmp_path / "output"
    link.symlink_to(real)
    assert run_main(["rate", str(sample), "-o", str(link)], capsys)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "ket_qua_xep_loai.json").is_file()
    assert run_main(["rate", str(sample), "-o", str(link)], capsys)[0] == 0  # and again
    assert link.is_symlink() and (real / "ket_qua_xep_loai.json").is_file()
    dangling = tmp_path / "hong"
    dangling.symlink_to(tmp_path / "khong_co")
    rc, err = run_main(["rate", str(sample), "-o", str(dangling)], capsys)
    assert rc == ExitCode.output_error and "liên kết tượng trưng" in err
    assert dangling.is_symlink() and not (tmp_path / "khong_co").exists()


def test_an_existing_output_folder_keeps_its_mode(sample, tmp_path, capsys):
    out = tmp_path / "output"
    assert run_main(["rate", str(sample), "-o", str(out)], capsys)[0] == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o7777 == 0o777 & ~mask  # a new output folder: readable as the umask allows
    out.chmod(0o2770)  # a group share
    assert run_main(["rate", str(sample), "-o", str(out)], capsys)[0] == 0
    assert out.stat().st_mode & 0o7777 == 0o2770


def test_an_output_name_too_long_is_refused_clearly(sample, tmp_path, capsys):
    rc, err = run_main(["rate", str(sample), "-o", str(tmp_path / ("ả" * 130))], capsys)
    assert rc == ExitCode.output_error and "quá dài" in err and "Traceback" not in err


# -- a file is reused only when its bytes are what the manifest says (point 5) --------------------
def _tamper_keeping_size_and_time(path: Path) -> None:
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_tampered_file_with_size_and_time_kept_is_never_reused(sample, tmp_path, capsys):
    out = tmp_path / "output"
    args = ["build", str(sample), "--unit", "LD", "-o", str(out), "--cache", str(tmp_path / "cache")]
    assert run_main(args, capsys)[0] == 0
    report = out / "ket_qua_xep_loai.xlsx"
    _tamper_keeping_size_and_time(report)
    rc, err = run_main(args, capsys)  # the same inputs: "nothing changed" would keep the tampered file
    assert rc == 0 and "Không có gì thay đổi" not in err
    assert run_main(["verify", str(out)], capsys)[0] == 0
    # a rebuild after another change: the tampered file is written again, not hard-linked
    ratings = out / "ket_qua_xep_loai.json"  # the same bytes with --no-duplex: linked if sound
    inode = ratings.stat().st_ino
    _tamper_keeping_size_and_time(ratings)
    assert run_main([*args, "--no-duplex"], capsys)[0] == 0
    assert run_main(["verify", str(out)], capsys)[0] == 0
    assert ratings.stat().st_ino != inode  # written again (sound files are still linked: test_incremental)
