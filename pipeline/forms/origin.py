"""What a templates folder was made against: the program's forms at `hoso templates export`, and what a build with
`--templates DIR` uses of them.

`hoso templates export DIR` copies the program's whole set and writes `DIR/mau_goc.json` (`RECORD`):

    {"phien_ban": "0.1.0", "luc": "2026-12-07 10:40:00+00:00",
     "mau_goc": {"mau_01_2025": {"meta.toml": "<sha256>", "template.docx": "<sha256>"},
                 "can_cu.toml": {"can_cu.toml": "<sha256>"}, ...}}

— per form code, and per top-level .toml under its own name, the sha256 of the program's files as exported: the
shape of `mau_goc` in the web's `tai_len.json` (pipeline/web/own_forms.py, which imports the helpers below).

A build (`examine`, `used_set`) then tells, per form of the program's set, a copy the clerk never edited from her
corrected one: a form of DIR whose files are still those recorded while the program's changed since is an old copy
(`Examined.updated`): the build uses the program's form (she never touched it, so a correction the program made —
a citation, a legal line — reaches her papers); a form DIR lacks (a form of a later year, a folder holding only the
forms she edited) is the program's too (`missing`). A form she edited keeps her copy (her wording wins); when the
program's changed since the record she is warned (`edited_newer`). A folder without a record (exported before it was
written) cannot tell an edited copy from an old one: its differing forms are kept and named (`unknown`), nothing
guessed. DIR itself is never written by a build: when the program's forms are to be used, the set the build reads
is a copy of DIR with them over it, in the cache under its content's digest (`used_set`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.resources import templates_dir

ORIGIN = "mau_goc"  # per form, the sha256 of the program's files a copy was made against (web: tai_len.json)
RECORD = "mau_goc.json"  # in a folder `hoso templates export` wrote: {"phien_ban", "luc", ORIGIN}
USED = "mau_bieu"  # under the cache: the sets builds used (DIR with the program's forms over it), by digest
FILES = ("meta.toml", "template.docx")  # a form code's files
TOP_WORDS = {"bo_mau.toml": "bộ mẫu dùng cho từng năm (bo_mau.toml)",
             "can_cu.toml": "căn cứ pháp lý in trên giấy tờ (can_cu.toml)",
             "tong_hop_so_noi_vu.toml": "lời văn bản tổng hợp của Sở (tong_hop_so_noi_vu.toml)"}


def sha(path: Path) -> str:
    """The sha256 of a file's bytes; "" when it cannot be read (absent)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def allowed() -> tuple[set[str], set[str]]:
    """(the program's form codes, its top-level .toml names)."""
    root = templates_dir()
    codes = {p.parent.name for p in root.glob("*/meta.toml")}
    tops = {p.name for p in root.glob("*.toml")}
    return codes, tops


def forms() -> list[str]:
    """The program's forms: its codes, then its top-level .toml names, each sorted."""
    codes, tops = allowed()
    return sorted(codes) + sorted(tops)


def form_files(form: str) -> list[tuple[str, str]]:
    """(path in a set, name in `mau_goc`'s entry) of each file of `form`: a code's two files, or a top-level .toml."""
    if form.endswith(".toml"):
        return [(form, form)]
    return [(f"{form}/{name}", name) for name in FILES]


def differing(root: Path, over: Path | None = None) -> list[str]:
    """The form codes (and top-level .toml names) that `root` holds and whose files differ from those of the set
    `over` makes (the program's with the agency's forms `over` over them; None: the program's alone)."""
    program = templates_dir()

    def base(rel: str) -> Path:
        return over / rel if over is not None and (over / rel).is_file() else program / rel

    codes, tops = allowed()
    out = [c for c in sorted(codes) if (root / c).is_dir()
           and any(sha(root / c / n) != sha(base(f"{c}/{n}")) for n in FILES)]
    return out + [t for t in sorted(tops) if (root / t).is_file() and sha(root / t) != sha(base(t))]


def program_origin() -> dict[str, dict[str, str]]:
    """`mau_goc` of the program's whole set as it is now."""
    program = templates_dir()
    return {form: {name: sha(program / rel) for rel, name in form_files(form)} for form in forms()}


def write_record(dest: Path) -> Path:
    """`dest/mau_goc.json`: the program's version and `program_origin()` (`hoso templates export`)."""
    from pipeline import __version__

    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(sep=" ")
    path = Path(dest) / RECORD
    data = {"phien_ban": __version__, "luc": when, ORIGIN: program_origin()}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_record(root: Path) -> dict[str, dict[str, str]] | None:
    """`mau_goc` of the folder's record; None without a readable one (a folder exported before it was written)."""
    try:
        return parse_record((Path(root) / RECORD).read_bytes())
    except OSError:
        return None


def parse_record(raw: bytes) -> dict[str, dict[str, str]] | None:
    """`mau_goc` of a record's bytes (`read_record`; a zipped export sent to `hoso serve`); None when unreadable."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    recorded = data.get(ORIGIN) if isinstance(data, dict) else None
    if not isinstance(recorded, dict):
        return None
    return {k: {n: s for n, s in v.items() if isinstance(n, str) and isinstance(s, str)}
            for k, v in recorded.items() if isinstance(k, str) and isinstance(v, dict)}


@dataclass(frozen=True)
class Examined:
    """What a templates folder holds of each of the program's forms (`examine`); each list of forms in `forms()`'
    order."""

    root: Path
    recorded: bool  # the folder has its mau_goc.json
    updated: list[str] = field(default_factory=list)  # not edited since export, the program's changed: program's used
    missing: list[str] = field(default_factory=list)  # the folder lacks it: the program's used
    edited_newer: list[str] = field(default_factory=list)  # edited, and the program's changed since: hers kept, warned
    unknown: list[str] = field(default_factory=list)  # no record, differs from the program's: hers kept, said

    def only(self, form: str) -> Examined:
        """What it says of one form (a form the folder lacks left out: its reader says that itself)."""
        return Examined(self.root, self.recorded, *([f for f in forms_ if f == form]
                                                     for forms_ in (self.updated, [], self.edited_newer, self.unknown)))

    @property
    def taken(self) -> list[str]:
        """The forms the build takes from the program's set."""
        return [f for f in forms() if f in set(self.updated) | set(self.missing)]


def _present(root: Path, form: str) -> bool:
    return (root / form).is_file() if form.endswith(".toml") else (root / form / "meta.toml").is_file()


def examine(root: Path) -> Examined:
    """Each of the program's forms in the templates folder `root`, against the program's now and the folder's record."""
    root = Path(root)
    program = templates_dir()
    recorded = read_record(root)
    out = Examined(root, recorded is not None)
    for form in forms():
        if not _present(root, form):
            out.missing.append(form)
            continue
        files = form_files(form)
        mine = [sha(root / rel) for rel, _ in files]
        now = [sha(program / rel) for rel, _ in files]
        if mine == now:
            continue
        entry = recorded.get(form) if recorded is not None else None
        if not entry:
            out.unknown.append(form)
            continue
        was = [entry.get(name, "") for _, name in files]
        if mine == was:  # the copy as exported: the program's changed since (mine == now is said above)
            out.updated.append(form)
        elif now != was:
            out.edited_newer.append(form)
    return out


def unedited(root: Path, recorded: dict[str, dict[str, str]], among: set[str] | None = None) -> list[str]:
    """The forms of the set `root` (those of `among` only, when given) still exactly as the record `recorded` says
    the program's were when exported while the program's differ now: old copies the clerk never edited."""
    program = templates_dir()
    out = []
    for form in forms():
        if (among is not None and form not in among) or not _present(root, form) or not (entry := recorded.get(form)):
            continue
        files = form_files(form)
        mine = [sha(root / rel) for rel, _ in files]
        if mine == [entry.get(name, "") for _, name in files] and mine != [sha(program / rel) for rel, _ in files]:
            out.append(form)
    return out


def form_of(key: str) -> str:
    """The form a file of a set belongs to: «mau_02/meta.toml» -> «mau_02», a top-level .toml -> itself."""
    return key.split("/", 1)[0]


def names() -> dict[str, str]:
    """Each program form by «ma_hieu — title» (a top-level .toml by TOP_WORDS)."""
    from pipeline.errors import HosoError
    from pipeline.forms.registry import Registry

    try:
        registry = Registry(None)
        specs = [registry.get(code) for code in registry.codes]
    except HosoError:
        specs = []
    return {s.code: f"{s.ma_hieu} — {s.title}" if s.ma_hieu else s.title for s in specs} | TOP_WORDS


BUILD = "lần tạo này"  # who uses the forms, in `notes`: a build
LATER = "khi tạo hồ sơ với --templates, chương trình"  # `hoso templates check/list DIR`


def notes(found: Examined, shown: Path | str, who: str = BUILD) -> list[str]:
    """The console lines a build (or `hoso templates check/list`: `who` LATER) says of `found`, the folder named
    `shown`: a «Ghi chú» for the forms taken from the program and for those not known, a «Cảnh báo» for the edited
    forms the program updated since. [] when there is nothing to say."""
    if not (found.updated or found.missing or found.edited_newer or found.unknown):
        return []
    named = names()

    def listed(forms: list[str]) -> str:
        return "; ".join(named.get(f, f) for f in forms)

    out = []
    taken = []
    if found.updated:
        taken.append(f"{len(found.updated)} mẫu trong «{shown}» chưa được cơ quan sửa và đã được chương trình cập nhật: "
                     f"dùng bản mới của chương trình ({listed(found.updated)})")
    if found.missing:
        taken.append(f"{len(found.missing)} mẫu không có trong «{shown}»: dùng mẫu của chương trình "
                     f"({listed(found.missing)})")
    if taken:
        out.append("Ghi chú: " + "; ".join(taken) + f". Thư mục «{shown}» không bị thay đổi.")
    if found.edited_newer:
        out.append(f"Cảnh báo: mẫu của chương trình đã được cập nhật sau khi chép ra «{shown}» ({listed(found.edited_newer)}): "
                   f"{who} vẫn dùng bản cơ quan đã sửa trong «{shown}». Xem bản mới: hoso templates export "
                   f"THU_MUC_MOI, so sánh với bản của cơ quan, chép các sửa đổi riêng của cơ quan sang THU_MUC_MOI rồi "
                   f"dùng --templates THU_MUC_MOI (chương trình sẽ thôi nhắc).")
    if found.unknown:
        out.append(f"Ghi chú: «{shown}» không có tệp {RECORD} (chép ra trước khi chương trình ghi lại bản mẫu gốc): không "
                   f"rõ {len(found.unknown)} mẫu khác mẫu của chương trình là bản cơ quan đã sửa hay bản cũ chưa được "
                   f"cập nhật ({listed(found.unknown)}); {who} dùng bản trong «{shown}». Để các mẫu không sửa theo "
                   f"các bản cập nhật của chương trình: hoso templates export THU_MUC_MOI, chép các sửa đổi riêng của cơ "
                   f"quan sang rồi dùng --templates THU_MUC_MOI.")
    return out


def _files(root: Path) -> dict[str, Path]:
    """Every file of a folder by its path there (posix), without hidden files, Word's lock files and caches."""
    out: dict[str, Path] = {}
    for folder, dirs, names_ in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "~$", "__pycache__")))
        for name in sorted(names_):
            if name.startswith((".", "~$")):
                continue
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = path
    return out


def used_set(root: Path, cache_root: Path, found: Examined | None = None) -> Path:
    """The folder a build with `--templates root` reads: `root` itself when it takes nothing from the program, else a
    copy of `root` with the program's files of `found.taken` over it, kept under `cache_root/mau_bieu/<digest of its
    content>` (written once; the same content is the same folder). `root` is never written."""
    found = found or examine(root)
    taken = found.taken
    if not taken:
        return Path(root)
    program = templates_dir()
    files = _files(Path(root))
    files.pop(RECORD, None)
    for form in taken:
        if form.endswith(".toml"):
            files[form] = program / form
        else:
            files.update({f"{form}/{rel}": path for rel, path in _files(program / form).items()})
    content = {rel: sha(path) for rel, path in files.items()}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    base = Path(cache_root) / USED
    dest = base / digest[:32]

    def whole() -> bool:
        return dest.is_dir() and {rel: sha(p) for rel, p in _files(dest).items()} == content

    if whole():
        try:
            os.utime(dest)  # used: the cache's upkeep removes the sets unused for its age limit (cachecare)
        except OSError:
            pass
        return dest
    try:
        base.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".moi-", dir=base))
    except OSError:  # the cache cannot be written: a folder of this build's own
        stage = Path(tempfile.mkdtemp(prefix="hoso-mau-bieu-"))
        _copy(files, stage)
        return stage
    try:
        _copy(files, stage)
        try:
            os.rename(stage, dest)
        except OSError:
            # a folder is there: another build sharing the cache put this very set there meanwhile — it may be
            # reading it now: used, never moved away under it — or one left damaged, replaced
            if whole():
                return dest
            old = Path(tempfile.mkdtemp(prefix=".cu-", dir=base))
            os.replace(dest, old / "x")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(stage, dest)
    except OSError:
        if not dest.is_dir():  # another build put the same content there at the same time: that one is used
            raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return dest


def _copy(files: dict[str, Path], dest: Path) -> None:
    for rel, src in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)


def as_written(text: str, used: Path, root: Path) -> str:
    """A message naming a file of the set `used` by its path in the clerk's folder `root` (the same relative path)."""
    if Path(used) == Path(root):
        return text
    return text.replace(str(used), str(root))
