"""A signed manifest (issue 19, point 6): `hoso khoa tao`, `hoso build … --ky`, `hoso verify … --khoa`.

Without a signature, someone who swaps two dossiers can also rewrite manifest.json to match; with
one, any change not signed with the private key is rejected."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from fakes import TextConverter

from pipeline.cli import main
from pipeline.errors import ExitCode


@pytest.fixture(autouse=True)
def _quiet(monkeypatch):
    monkeypatch.setattr("pipeline.cli.signal.signal", lambda *a: None)
    monkeypatch.setattr("pipeline.run.Converter", lambda workers=None: TextConverter())


def run_main(args: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    return exc.value.code, capsys.readouterr().err


@pytest.fixture
def keys(tmp_path, capsys) -> tuple[Path, Path]:
    key = tmp_path / "khoa" / "van_phong.key"
    key.parent.mkdir()
    rc, err = run_main(["khoa", "tao", key], capsys)
    assert rc == 0, err
    return key, key.with_name("van_phong.key.pub")


def test_keys_are_made_private_and_never_overwritten(keys, capsys):
    key, pub = keys
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key.read_bytes() and b"PUBLIC KEY" in pub.read_bytes()
    before = key.read_bytes()
    rc, err = run_main(["khoa", "tao", key], capsys)
    assert rc == ExitCode.output_error and "không ghi đè" in err
    assert key.read_bytes() == before


def swap_dossiers_and_fix_the_manifest(out: Path) -> None:
    a, b = out / "ca_nhan" / "LD" / "VP-001.pdf", out / "ca_nhan" / "LD" / "VP-002.pdf"
    da, db = a.read_bytes(), b.read_bytes()
    a.write_bytes(db)
    b.write_bytes(da)
    path = out / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for f in manifest["files"]:
        p = out / f["path"]
        f["sha256"], f["bytes"] = hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def test_a_signed_build_rejects_a_swapped_dossier(sample, tmp_path, keys, capsys):
    key, pub = keys
    out = tmp_path / "output"
    build = ["build", sample, "--unit", "LD", "-o", out, "--cache", tmp_path / "cache", "--ky", key]
    assert run_main(build, capsys)[0] == 0
    assert (out / "manifest.json.sig").is_file()
    rc, err = run_main(["verify", out, "--khoa", pub], capsys)
    assert rc == 0 and "được ký đúng" in err, err
    assert run_main(["verify", out], capsys)[0] == 0  # the signature file is not an "extra file"
    assert run_main(build, capsys)[0] == 0  # a signed output is hoso's own: replaced, signed again
    assert run_main(["verify", out, "--khoa", pub], capsys)[0] == 0
    swap_dossiers_and_fix_the_manifest(out)
    rc, err = run_main(["verify", out, "--khoa", pub], capsys)
    assert rc == ExitCode.verify_failed and "chữ ký không khớp" in err and "Traceback" not in err


def test_a_missing_signature_or_another_key_is_rejected(sample, tmp_path, keys, capsys):
    key, pub = keys
    other = tmp_path / "khac.key"
    assert run_main(["khoa", "tao", other], capsys)[0] == 0
    out = tmp_path / "output"
    build = ["build", sample, "--unit", "LD", "-o", out, "--cache", tmp_path / "cache"]
    assert run_main([*build, "--ky", other], capsys)[0] == 0
    rc, err = run_main(["verify", out, "--khoa", pub], capsys)
    assert rc == ExitCode.verify_failed and "khóa khác" in err
    (out / "manifest.json.sig").unlink()
    rc, err = run_main(["verify", out, "--khoa", pub], capsys)
    assert rc == ExitCode.verify_failed and "không có chữ ký" in err
    assert run_main([*build, "--ky", key], capsys)[0] == 0  # signed with this key now
    assert run_main(["verify", out, "--khoa", pub], capsys)[0] == 0
    rc, err = run_main(["verify", out, "--khoa", key], capsys)  # a private key where the public one goes
    assert rc == ExitCode.input_unreadable and "khóa công khai" in err


# -- identity in the PDFs' metadata (without a signature) -------------------------------------------
def test_a_swapped_dossier_with_a_rewritten_manifest_is_caught_by_its_metadata(sample, tmp_path, capsys):
    out = tmp_path / "output"
    assert run_main(["build", sample, "--unit", "LD", "-o", out, "--cache", tmp_path / "cache"], capsys)[0] == 0
    assert run_main(["verify", out], capsys)[0] == 0
    swap_dossiers_and_fix_the_manifest(out)
    rc, err = run_main(["verify", out], capsys)
    assert rc == ExitCode.verify_failed, err
    assert "ca_nhan/LD/VP-001.pdf là hồ sơ của VP-002" in err and "ca_nhan/LD/VP-002.pdf là hồ sơ của VP-001" in err


def test_a_cache_entry_replaced_with_its_sidecar_is_not_used(sample, tmp_path, capsys):
    """Another person's cached PDF and sidecar copied over an entry: the sidecar's digest matches, but
    the PDF names another content key, so it is converted again."""
    from fakes import LD, build_unit, pdf_text

    from pipeline.pdf import validate

    cache = tmp_path / "cache"
    build_unit(sample, tmp_path / "a", cache, TextConverter())
    entries = {}
    for pdf in cache.glob("*/*.pdf"):
        if len(pdf.stem) == 64:
            for ma_so, name in LD.items():
                if f"Họ và tên: {name}" in pdf_text(pdf):
                    entries[ma_so] = pdf
    victim, other = entries["VP-002"], entries["VP-001"]
    assert validate.identity(victim.read_bytes())["/HosoKhoa"] == victim.stem
    victim.write_bytes(other.read_bytes())
    victim.with_suffix(".json").write_bytes(other.with_suffix(".json").read_bytes())
    for blob in cache.glob("*/*.bundle*"):
        blob.unlink()
    conv = TextConverter()
    build_unit(sample, tmp_path / "b", cache, conv)
    assert [t for call in conv.calls for t in call if f"Họ và tên: {LD['VP-002']}" in t]
    text = pdf_text(tmp_path / "b" / "ca_nhan" / "LD" / "VP-002.pdf")
    assert LD["VP-002"] in text and f"Họ và tên: {LD['VP-001']}" not in text
