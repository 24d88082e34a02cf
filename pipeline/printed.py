"""The «printed» mark: the clerk printed the current output of a folder (`hoso da-in -o DIR`, the web's
button «Đã in xong các trang cần in lại»), and the reprint list of every later build starts there.

`da_in.json`, beside manifest.json in the output folder (never in a file the clerk prints, never listed
in the manifest: marking changes no listed file, so the no-change build stays the 0.1 s path), records:

- `ngay` (date and time of the mark, with its offset; read in Vietnam's time), `nguoi` (who marked it on the web; "" from the CLI);
- `manifest_sha256`: the SHA-256 of the manifest.json it marked (the mark covers exactly that build);
- `co_quan` / `nam_danh_gia`: the agency and year of that build (a mark never applies to another's);
- `ban_in`: the parts of that manifest `changes.compare` reads — `files` (every file's path, SHA-256,
  pages), `ca_nhan`, `don_vi` (the dossiers' page layout), `nop_so_noi_vu`, `du_lieu_nguoi` (the
  people's data fingerprints) and whether it was two-sided;
- `ho_ten`: {mã số: họ tên} of the people of that build (its ket_qua_xep_loai.json), so a dossier gone since
  is named by its person's name however many builds came between;
- `bia`: per dossier PDF, the digests of its cover sheet's text as printed (`chu`: the words;
  `so`: the words with every number replaced), so a later build tells a changed cover from one whose
  page numbers only moved, after the printed dossiers are gone. Once the folder holds a mark, the build
  records them with each bundle (the manifest's `ca_nhan[].bia` / `don_vi[].bia`, pipeline/bundle/build.py
  `_Shared.covers`): the next mark copies them; the first mark, and an output built without them, has its
  covers read from its PDFs. A dossier whose
  cover could not be read has no entry: its cover is listed to print again whenever its dossier changed.

The build carries the mark into the folder it swaps in, as it does `da_ky/` (pipeline/output.py); a
build that replaces another agency's or year's output (--doi-co-quan, --doi-nam) does not (the mark
stays with the old output). `changes.compare` then compares with `ban_in` instead of the output it
replaces, so every sheet changed since the print is listed until the clerk marks again.

Only the standard library is imported at module level (the no-change check reads the mark).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pipeline import clock, portable
from pipeline.ownership import MANIFEST, MARK, MARK_KEY, is_own_manifest

MARK_FILE = "da_in.json"
KIND = "da_in"
AGENCY = "co_quan"  # output_guard.AGENCY
PRINTED_PARTS = ("files", "ca_nhan", "don_vi", "nop_so_noi_vu", "du_lieu_nguoi")
_DIGITS = re.compile(r"\d+")  # changes._DIGITS


@dataclass(frozen=True)
class Marked:
    """What `mark` recorded: when, by whom, how many documents and pages, in which folder."""

    when: str  # ISO date and time
    by: str
    documents: int
    pages: int
    folder: Path

    def line(self) -> str:
        """The console line of `hoso da-in`."""
        return (f"Đã đánh dấu in xong lúc {when_words(self.when)}: {self.documents} văn bản, {self.pages} trang của "
                f"«{self.folder}». Từ nay mỗi lần tạo lại, in_lai.pdf và thay_doi.txt liệt kê mọi tờ thay đổi kể từ "
                "lần in này (đến khi đánh dấu lần in sau).")


def when_words(iso: str) -> str:
    """«10:59 ngày 06/12/2026» from an ISO date and time, in Vietnam's time when it has its offset (a mark made
    on a server whose clock is UTC reads as the clerk's time); "" when unreadable."""
    try:
        t = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if t.tzinfo is not None:
        t = t.astimezone(clock.VIETNAM)
    return f"{t:%H:%M} ngày {t:%d/%m/%Y}"


def read(folder: Path) -> dict[str, Any] | None:
    """The mark of `folder`, or None (no mark, or a file that is not one hoso wrote)."""
    try:
        fd = portable.open_nofollow(os.path.join(folder, MARK_FILE), os.O_RDONLY)
        with os.fdopen(fd, "rb") as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and data.get(MARK_KEY) == MARK and data.get("loai") == KIND
            and isinstance(data.get("ban_in"), dict) and isinstance(data["ban_in"].get("ca_nhan"), list)):
        return None
    return data


def is_mark(folder: Path) -> bool:
    return read(folder) is not None


def covers(mark: dict[str, Any] | None, manifest_bytes: bytes) -> bool:
    """Whether `mark` was made on exactly the build whose manifest.json is `manifest_bytes`."""
    return mark is not None and mark.get("manifest_sha256") == hashlib.sha256(manifest_bytes).hexdigest()


def applies(mark: dict[str, Any] | None, previous: dict[str, Any] | None) -> bool:
    """Whether `mark` belongs to the output `previous` (the manifest of the folder it lies in): the same
    agency and year (a mark left beside another's output never applies)."""
    if not mark or not previous:
        return False

    def agency(record: dict[str, Any]) -> object:  # its name (the workbook's file name may change)
        value = record.get(AGENCY)
        return value.get("ten_co_quan") if isinstance(value, dict) else value

    return agency(mark) == agency(previous) and mark.get("nam_danh_gia") == previous.get("nam_danh_gia")


def _printed_names(folder: Path) -> dict[str, str]:
    """{mã số: họ tên} from the ratings file of the build in `folder` ({} when it cannot be read)."""
    try:
        data = json.loads((folder / "ket_qua_xep_loai.json").read_bytes())
        return {p["ma_so"]: str(p.get("ho_ten") or "") for p in data.get("nguoi", [])
                if isinstance(p, dict) and isinstance(p.get("ma_so"), str)}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def mark(folder: Path, *, by: str = "", now: dt.datetime | None = None) -> Marked:
    """Record that the current output of `folder` was printed (under the folder's lock: never half of
    a build). Raises InputUnreadable when `folder` holds no hoso build, OutputError when it cannot be
    written or a build is running there."""
    from pipeline.errors import InputUnreadable, OutputError
    from pipeline.output import locked

    folder = Path(folder)
    if not is_own_manifest(_manifest(folder)):  # asked before the lock: no lock file beside a foreign folder
        raise InputUnreadable(f"«{folder}» không phải thư mục kết quả của hoso build (không đọc được {MANIFEST}): "
                              "chưa có gì để đánh dấu đã in.")
    with locked(folder) as target:
        try:
            raw = (target / MANIFEST).read_bytes()
            manifest = json.loads(raw)
        except (OSError, ValueError):
            manifest, raw = None, b""
        if not is_own_manifest(manifest) or not isinstance(manifest.get("ca_nhan"), list):
            raise InputUnreadable(f"«{folder}» không phải thư mục kết quả của hoso build (không đọc được {MANIFEST}): "
                                  "chưa có gì để đánh dấu đã in.")
        # with its offset: the same instant whatever the clock zone of the machine that reads it
        when = (now or dt.datetime.now()).astimezone().replace(microsecond=0).isoformat()
        record = {MARK_KEY: MARK, "loai": KIND, "ngay": when, "nguoi": by,
                  "manifest_sha256": hashlib.sha256(raw).hexdigest(),
                  AGENCY: manifest.get(AGENCY), "nam_danh_gia": manifest.get("nam_danh_gia"),
                  "ban_in": {**{k: manifest.get(k) for k in PRINTED_PARTS},
                             "thay_doi": {"hai_mat": bool((manifest.get("thay_doi") or {}).get("hai_mat", True))}},
                  "bia": cover_digests(target, manifest),
                  # who the printed dossiers are of: a later build names a dossier gone since by its person's name
                  # even when the outputs between the print and it no longer hold him (changes.compare_printed)
                  "ho_ten": _printed_names(target)}
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            fd, tmp = tempfile.mkstemp(prefix=".da_in-", suffix=".tmp", dir=target)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(OSError):  # readable as the manifest is (a group share stays one)
                os.chmod(tmp, os.stat(target / MANIFEST).st_mode & 0o666)
            os.replace(tmp, target / MARK_FILE)
        except OSError as exc:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)
            raise OutputError(f"Không ghi được dấu đã in vào «{target}»: {exc.strerror or exc}.") from exc
    rec = manifest.get("lan_tao") or {}
    documents, pages = rec.get("so_van_ban"), rec.get("so_trang")
    if not isinstance(documents, int):
        documents = sum(1 for f in manifest["files"] if isinstance(f, dict) and str(f.get("path", "")).endswith(".docx"))
    return Marked(when, by, documents, pages if isinstance(pages, int) else 0, folder)


def _manifest(folder: Path) -> object:
    try:
        return json.loads((Path(folder) / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None


def cover_digests(root: Path, manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per dossier PDF of `manifest` (persons' and units'), the digests of its cover pages' text: as the
    build recorded them (the manifest's `bia` of each dossier, made with the bundle), else read from the
    PDF (an output built before the build recorded them)."""
    out: dict[str, dict[str, Any]] = {}
    for key, items in (("ca_nhan", "tai_lieu"), ("don_vi", "muc")):
        for d in manifest.get(key) or []:
            if not isinstance(d, dict) or not isinstance(d.get("pdf"), str):
                continue
            firsts = [x.get("trang_dau") for x in d.get(items) or [] if isinstance(x, dict)]
            first = min((f for f in firsts if isinstance(f, int)), default=1)
            if first <= 1:
                continue
            recorded = recorded_cover(d, first - 1)
            if recorded is not None:
                out[d["pdf"]] = recorded
                continue
            texts = page_texts(root / d["pdf"], first - 1)
            if texts is not None:
                out[d["pdf"]] = {"trang": first - 1, **text_digests(texts)}
    return out


def recorded_cover(dossier: dict[str, Any], pages: int) -> dict[str, Any] | None:
    """The cover digests the build recorded for a dossier of the manifest (`bia`), when they are of
    its `pages` cover pages; None otherwise."""
    rec = dossier.get("bia")
    if isinstance(rec, dict) and rec.get("trang") == pages and isinstance(rec.get("chu"), str) \
            and isinstance(rec.get("so"), str):
        return {"trang": pages, "chu": rec["chu"], "so": rec["so"]}
    return None


def cover_record(pdf: bytes, first_page: int) -> dict[str, Any] | None:
    """What the build records of a dossier whose documents start on `first_page`: the digests of the
    text of its cover pages (those before), None when it has none or they cannot be read."""
    if first_page <= 1:
        return None
    import io

    texts = page_texts(io.BytesIO(pdf), first_page - 1)
    return {"trang": first_page - 1, **text_digests(texts)} if texts is not None else None


def page_texts(path: Path | IO[bytes], count: int) -> list[str] | None:
    """The text of the first `count` pages of a PDF (None when unreadable)."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(path)
        return [reader.pages[i].extract_text() or "" for i in range(count)]
    except Exception:  # noqa: BLE001 — unreadable: no record, the cover is listed when its dossier changes
        return None


def text_digests(texts: list[str]) -> dict[str, str]:
    def digest(parts: list[str]) -> str:
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()

    return {"chu": digest(texts), "so": digest([_DIGITS.sub("#", t) for t in texts])}


def summary_line(folder: Path, manifest_bytes: bytes) -> str:
    """For a no-change build: one line when a mark covers the folder's current build ("" otherwise)."""
    found = read(folder)
    if not covers(found, manifest_bytes):
        return ""
    assert found is not None
    return (f"Đã đánh dấu in xong lúc {when_words(str(found.get('ngay')))} (hoso da-in), sau lần tạo này: không có "
            "gì phải in lại (in_lai.pdf trong thư mục là các tờ đã in lúc đó).")
