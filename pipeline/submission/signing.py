"""A signed manifest (Ed25519, the `cryptography` library).

`hoso khoa tao KEYFILE` writes a private key (PEM, PKCS#8, mode 0600, never overwritten) and
`KEYFILE.pub` (the public key, PEM). `hoso build … --ky KEYFILE` signs the exact bytes of the
output's `manifest.json` into `manifest.json.sig`; `hoso verify OUTPUT --khoa KEYFILE.pub` checks
that signature with the public key given, so any change — a file, or `manifest.json` edited to match
a swapped file — is rejected unless it was signed with the private key. The public key written in
the signature file is only informative: verify trusts the one it is given.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, cast

from pipeline import portable
from pipeline.errors import InputUnreadable, OutputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

SIGNATURE = "manifest.json.sig"


def _lib() -> tuple[ModuleType, ModuleType, type[Exception]]:
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        from pipeline.errors import MissingDependency

        raise MissingDependency("Thiếu thư viện «cryptography» để ký và kiểm tra chữ ký.",
                                hint="Cài lại hoso: pip install -e . (hoặc ./bootstrap.sh setup).") from exc
    return serialization, ed25519, InvalidSignature


def _create(path: Path, data: bytes, mode: int) -> None:
    fd = portable.open_nofollow(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)  # whatever the umask


def generate(keyfile: Path) -> Path:
    """Write a new private key to `keyfile` (0600) and its public key to `keyfile`.pub."""
    serialization, ed25519, _ = _lib()
    keyfile = Path(keyfile)
    public = keyfile.with_name(keyfile.name + ".pub")
    for p in (keyfile, public):
        if os.path.lexists(p):
            raise OutputError(f"«{p}» đã có; hoso không ghi đè khóa. Chọn tên khác, hoặc tự xóa tệp cũ nếu chắc chắn.")
    key = ed25519.Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    try:
        _create(keyfile, private_pem, 0o600)
        _create(public, public_pem, 0o644)
    except OSError as exc:
        raise OutputError(f"Không ghi được khóa vào «{keyfile}» ({exc.strerror or exc}).") from exc
    return public


def load_private(keyfile: Path) -> Ed25519PrivateKey:
    serialization, ed25519, _ = _lib()
    try:
        key = serialization.load_pem_private_key(Path(keyfile).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InputUnreadable(f"Không đọc được khóa riêng «{keyfile}» (tệp do «hoso khoa tao» tạo).") from exc
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise InputUnreadable(f"«{keyfile}» không phải khóa Ed25519 do «hoso khoa tao» tạo.")
    return cast("Ed25519PrivateKey", key)


def load_public(keyfile: Path) -> Ed25519PublicKey:
    serialization, ed25519, _ = _lib()
    try:
        key = serialization.load_pem_public_key(Path(keyfile).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise InputUnreadable(f"Không đọc được khóa công khai «{keyfile}» (tệp .pub do «hoso khoa tao» tạo).") from exc
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise InputUnreadable(f"«{keyfile}» không phải khóa công khai Ed25519 do «hoso khoa tao» tạo.")
    return cast("Ed25519PublicKey", key)


def _raw_public(key: Ed25519PublicKey) -> bytes:
    serialization, _, _ = _lib()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """Short SHA-256 of the raw public key (shown to people; part of the no-change key)."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def signature_file(manifest_bytes: bytes, private_key: Ed25519PrivateKey) -> bytes:
    """The contents of manifest.json.sig for these manifest bytes."""
    doc = {
        "thuat_toan": "Ed25519",
        "khoa_cong_khai": base64.b64encode(_raw_public(private_key.public_key())).decode(),
        "dau_van_tay": fingerprint(private_key.public_key()),
        "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
        "chu_ky": base64.b64encode(private_key.sign(manifest_bytes)).decode(),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def check(outdir: Path, public_key: Ed25519PublicKey) -> str | None:
    """None when manifest.json carries a valid signature by `public_key`; else why not (Vietnamese)."""
    _, _, invalid = _lib()
    outdir = Path(outdir)
    try:
        manifest = (outdir / "manifest.json").read_bytes()
    except OSError:
        return "thiếu manifest.json"
    try:
        doc = json.loads((outdir / SIGNATURE).read_text(encoding="utf-8"))
        signature = base64.b64decode(doc["chu_ky"], validate=True)
    except FileNotFoundError:
        return f"bộ hồ sơ không có chữ ký ({SIGNATURE}): không được ký, hoặc chữ ký đã bị xóa"
    except (OSError, ValueError, TypeError, KeyError):
        return f"tệp chữ ký {SIGNATURE} bị hỏng"
    try:
        public_key.verify(signature, manifest)
    except invalid:
        return ("chữ ký không khớp với khóa đã cho: manifest.json đã bị sửa sau khi ký, "
                "hoặc bộ hồ sơ được ký bằng khóa khác")
    return None
