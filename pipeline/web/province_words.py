"""The Sở's own wording of its summary on `hoso serve` (page «Lời văn bản tổng hợp», /so-noi-vu/loi-van): what
`hoso tong-hop … --templates DIR` gives the command line, for the one file tong_hop_so_noi_vu.toml.

    DATA/so_noi_vu/mau_bieu/tong_hop_so_noi_vu.toml   the Sở's copy (a templates folder `province.labels` reads:
                                                       `summarise(…, labels_dir=…)`)
    DATA/so_noi_vu/mau_bieu/tai_len.json              who sent it, when, from which file
    DATA/so_noi_vu/mau_bieu.truoc-<time>/              a copy replaced, or set aside by «Dùng lại lời văn của
                                                       chương trình» or by a restore: kept, never deleted — until
                                                       brought back («Dùng lại lời văn này»: `restore`)
    DATA/so_noi_vu/mau_bieu.moi-*/                     an upload being checked (removed whether kept or refused)

The folder, its info file and the setting aside are those of an agency's own forms (`own_forms`): the Sở's folder
is its «agency folder». An upload is kept only when it is UTF-8, parses (line and column named), has a [labels]
table whose keys are the summary's and whose values `province.labels` accepts (the CLI's exit-8 check); else
nothing changes. A copy whose labels are the program's is not kept (the program's file is used again, and follows
its updates).

A copy kept aside (the last `own_forms.ASIDE_SHOWN` are listed) is brought back (`restore`) as if its file were uploaded
again: the same checks and refusals; the copy in use is set aside in turn; the folder brought back leaves the list.

A program update of its tong_hop_so_noi_vu.toml (a corrected label, a new one) never replaces the Sở's copy, but it is
said, as for an agency's own forms (`own_forms.updates`): an upload records in tai_len.json the sha256 of the program's
file it was made against (`mau_goc` {"tong_hop_so_noi_vu.toml": {"tong_hop_so_noi_vu.toml": …}}, own_forms' shape) and
the program's labels of that day (`khoa_goc`: the keys of its [labels]); a restore keeps the recorded ones of the copy
brought back (nothing recorded: not known). `update` compares them with the program's file now: the page says the
program's wording was updated since (or that it is not known: a copy recorded before), offers the program's file now
(`program_text`) and names the labels the program added that the copy lacks — those print the program's wording
(`province.labels`). Sending the copy again (even unchanged) records the program's file of that day.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import HosoError, toml_words
from pipeline.resources import templates_dir
from pipeline.submission import province
from pipeline.web import own_forms
from pipeline.web.own_forms import Refused

MAX_BYTES = 256 * 1024  # the program's file is ~3 KB
# the first line of the guide a download carries (a TOML comment: the file stays the one `--templates` reads)
GUIDE_MARK = "# LỜI VĂN ĐẦU, CUỐI BẢN TỔNG HỢP CỦA SỞ"
GUIDE = f"""{GUIDE_MARK} (tải từ trang «Lời văn bản tổng hợp» của hoso)
# Sửa bằng Notepad: chỉ sửa chữ trong dấu ngoặc kép sau dấu =, giữ nguyên tên khóa bên trái và hai dấu ngoặc kép.
# \\n trong lời văn là xuống dòng: Phó Giám đốc ký thay thì ghi thu_truong_so = "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC".
# Dòng bắt đầu bằng # là ghi chú, không in ra. Lưu với mã hóa UTF-8, giữ tên tệp đuôi .toml, rồi tải lên ở trang đó.
# (Dùng được cả với lệnh: hoso tong-hop … --templates THU_MUC, khi tệp này nằm trong THU_MUC.)

"""

# what each label prints, in the page's words
KEY_WORDS = {
    "quoc_hieu": "Quốc hiệu",
    "tieu_ngu": "Tiêu ngữ",
    "cap_tren": "Cơ quan cấp trên, trên tên Sở ({tinh}: tên tỉnh)",
    "co_quan": "Tên cơ quan tổng hợp (khi không ghi cơ quan tổng hợp khác)",
    "ky_hieu": "Chữ viết tắt của Sở trong số, ký hiệu báo cáo",
    "kem_theo": "Dòng dưới tên biểu: báo cáo kèm theo",
    "nguoi_lap": "Người ký bên trái",
    "ky_nguoi_lap": "Dòng dưới người ký bên trái",
    "thu_truong_so": "Người ký bên phải: thủ trưởng Sở",
    "thu_truong_khac": "Người ký bên phải khi cơ quan tổng hợp không phải là Sở",
    "ky_thu_truong": "Dòng dưới người ký bên phải",
}


KEYS = "khoa_goc"  # in tai_len.json: the program's labels (keys of its [labels]) when the copy was made


@dataclass(frozen=True)
class Update:
    """What `update` finds of the program's file since the Sở's copy was made."""

    state: str  # "moi": the program's file changed since; "khong_ro": not known (nothing recorded); "": nothing to say
    added: list[str]  # labels (keys) the program added since that the copy lacks: printed in the program's wording
    lacking: list[str]  # labels the copy lacks, not known whether the program added them since (nothing recorded)


NOTHING = Update("", [], [])


@dataclass(frozen=True)
class AsideCopy:
    """A copy kept aside, as the page lists it."""

    row: own_forms.AsideRow
    changes: list[str]  # its labels that differ from the program's, in the page's words (KEY_WORDS)
    broken: str  # why this program cannot read it ("" when it can): a restore would be refused


def in_use(so_dir: Path) -> Path | None:
    """The Sở's own copy's folder (a `labels_dir`) when it has one, else None (the program's file)."""
    root = own_forms.in_use(so_dir)
    return root if root is not None and (root / province.LABELS_FILE).is_file() else None


def info(so_dir: Path) -> dict[str, Any] | None:
    return own_forms.info(so_dir) if in_use(so_dir) is not None else None


def used(so_dir: Path) -> tuple[Path | None, str]:
    """(the labels_dir a summary uses, "" or why the Sở's copy is not used): a copy this program can no longer
    read (an update changed a label's kind) leaves the program's wording, said on the page."""
    root = in_use(so_dir)
    if root is None:
        return None, ""
    try:
        province.labels(root)
    except HosoError as exc:
        return None, own_forms.relative(str(exc), root.parent)
    return root, ""


def download_text(so_dir: Path) -> str:
    """The file in use (the Sở's copy, else the program's) with the Vietnamese guide at its top (once)."""
    root = in_use(so_dir) or templates_dir()
    text = (root / province.LABELS_FILE).read_text(encoding="utf-8")
    return text if text.startswith(GUIDE_MARK) else GUIDE + text


def program_text() -> str:
    """The program's file now, with the guide at its top: what the Sở compares its copy with after an update."""
    text = (templates_dir() / province.LABELS_FILE).read_text(encoding="utf-8")
    return text if text.startswith(GUIDE_MARK) else GUIDE + text


def _program_sha() -> str:
    try:
        return hashlib.sha256((templates_dir() / province.LABELS_FILE).read_bytes()).hexdigest()
    except OSError:
        return ""


def _keys(path: Path) -> list[str] | None:
    """The summary's labels the file at `path` writes in its [labels] (None when it cannot be read)."""
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8")).get("labels")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return [k for k in province.LABELS if isinstance(given, dict) and k in given]


def origin() -> dict[str, Any]:
    """What an upload records of the program's file it is made against (`mau_goc`, `khoa_goc`)."""
    sha = _program_sha()
    return {own_forms.ORIGIN: {province.LABELS_FILE: {province.LABELS_FILE: sha} if sha else {}},
            KEYS: _keys(templates_dir() / province.LABELS_FILE)}


def update(so_dir: Path) -> Update:
    """The program's file now against the one the Sở's copy in use was made against (NOTHING without a copy, or when
    the copy no longer differs from the program's wording: nothing to say)."""
    root = in_use(so_dir)
    if root is None or not changed(so_dir):
        return NOTHING
    data = own_forms.info_of(root)
    recorded = data.get(own_forms.ORIGIN)
    entry = recorded.get(province.LABELS_FILE) if isinstance(recorded, dict) else None
    was = entry.get(province.LABELS_FILE) if isinstance(entry, dict) else None
    if isinstance(was, str) and was == _program_sha():
        return NOTHING
    now = _keys(templates_dir() / province.LABELS_FILE) or []
    own = _keys(root / province.LABELS_FILE) or []
    lacking = [k for k in now if k not in own]
    then = data.get(KEYS)
    if not isinstance(was, str):
        return Update("khong_ro", [], lacking)
    if isinstance(then, list):
        return Update("moi", [k for k in lacking if k not in then], [])
    return Update("moi", [], lacking)


def update_words(found: Update) -> tuple[str, str]:
    """(what the page says of `found.state`, what it says of the labels the copy lacks); "" for nothing."""
    head = {"moi": "Lời văn của chương trình đã được cập nhật sau khi Sở tải lên bản riêng",
            "khong_ro": "Không rõ lời văn của chương trình có được cập nhật sau khi Sở tải lên bản riêng hay không (bản "
                        "riêng tải lên trước khi chương trình ghi lại bản lời văn gốc)"}.get(found.state, "")

    def named(keys: list[str]) -> str:
        return "; ".join(f"«{KEY_WORDS.get(k, k)}» ({k})" for k in keys)

    keys = ""
    if found.added:
        keys = (f"Chương trình có thêm lời văn mà bản riêng của Sở chưa có: {named(found.added)}. Bản tổng hợp in lời "
                "văn của chương trình cho các chỗ này; muốn sửa, chép dòng đó từ lời văn hiện nay của chương trình vào "
                "bản riêng.")
    elif found.lacking:
        keys = (f"Bản riêng của Sở không có dòng cho: {named(found.lacking)}. Bản tổng hợp in lời văn của chương trình "
                "cho các chỗ này; muốn sửa, chép dòng đó từ lời văn hiện nay của chương trình vào bản riêng.")
    return head, keys


def receive(so_dir: Path, data: bytes, shown: str, who: str,
            record: dict[str, Any] | None = None) -> tuple[bool, str]:
    """The upload kept as the Sở's copy when sound: (whether it was kept — False when its labels are the
    program's: no copy kept —, the name the Sở's former copy was set aside under, "" when there was none).
    Refused otherwise, nothing changed. `record`: keys over those of its tai_len.json (`own_forms.put_in_use`)."""
    if len(data) > MAX_BYTES:
        raise Refused([f"Tệp «{shown}» quá lớn ({len(data) // 1024} KB; tối đa {MAX_BYTES // 1024} KB): tệp lời văn chỉ "
                       "vài KB."])
    try:
        text = data.decode("utf-8-sig")  # Notepad's «UTF-8 with BOM» too; kept without it (the CLI reads plain UTF-8)
    except UnicodeDecodeError as exc:
        raise Refused([f"«{shown}»: {toml_words(exc)}."]) from exc
    stage = Path(tempfile.mkdtemp(prefix=f"{own_forms.FOLDER}.moi-", dir=so_dir))
    try:
        (stage / province.LABELS_FILE).write_text(text, encoding="utf-8", newline="")
        if problems := own_forms.check_tomls(stage, [province.LABELS_FILE]):
            raise Refused([p.replace(f"«{province.LABELS_FILE}»", f"«{shown}»", 1) for p in problems])
        given = tomllib.loads(text).get("labels")
        if not isinstance(given, dict):
            raise Refused([f"«{shown}»: không có bảng [labels] (dòng [labels] rồi các dòng khoa = \"lời văn\"): tải tệp "
                           "đang dùng về và sửa trên tệp đó."])
        if unknown := sorted(k for k in given if k not in province.LABELS):
            raise Refused([f"«{shown}», bảng [labels]: {', '.join(unknown)} không phải lời văn nào của bản tổng hợp "
                           f"(các khóa: {', '.join(province.LABELS)}); giữ nguyên tên khóa như tệp tải về."])
        try:
            words = province.labels(stage)
        except HosoError as exc:
            raise Refused([str(exc).replace(str(stage / province.LABELS_FILE), shown)]) from exc
        if words == province.labels(None):  # the program's wording: no own copy (it would not follow updates)
            return False, own_forms.set_aside(so_dir)
        # the program's file it is made against: today's for an upload, the recorded one for a restore (`record`)
        return True, own_forms.put_in_use(so_dir, stage, who, shown, [province.LABELS_FILE], origin() | (record or {}))
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def changed(so_dir: Path) -> list[str]:
    """The labels of the Sở's copy that differ from the program's (their keys)."""
    root = in_use(so_dir)
    if root is None:
        return []
    try:
        own = province.labels(root)
    except HosoError:
        return []
    program = province.labels(None)
    return [k for k in province.LABELS if own[k] != program[k]]


def aside_copies(so_dir: Path) -> list[AsideCopy]:
    """The last copies kept aside (`own_forms.aside_rows` holding the wording file), newest first."""
    program = province.labels(None)
    out = []
    for row in own_forms.aside_rows(so_dir, province.LABELS_FILE):
        root = so_dir / row.name
        try:
            own = province.labels(root)
        except HosoError as exc:
            out.append(AsideCopy(row, [], own_forms.relative(str(exc), so_dir)))
            continue
        out.append(AsideCopy(row, [KEY_WORDS.get(k, k) for k in province.LABELS if own[k] != program[k]], ""))
    return out


def restore(so_dir: Path, name: str, who: str) -> tuple[bool, str]:
    """The copy kept aside as `name` (one of `aside_copies`, nothing else) made the copy in use again, checked as an
    upload of its file is (`receive`'s answer and refusals; a file of a kind this program no longer reads is refused in
    the same words); its folder then leaves the list (removed when it held only the file and its record)."""
    source = own_forms.pick(so_dir, name, province.LABELS_FILE)
    path = source / province.LABELS_FILE
    if path.is_symlink():
        raise Refused([f"Bộ đã cất giữ «{name}» không có tệp lời văn đọc được."])
    before = own_forms.info_of(source)
    shown = str(before.get("ten_tep") or province.LABELS_FILE)
    record = {k: before[k] for k in ("luc", "tai_khoan", "ten_tep") if isinstance(before.get(k), str) and before[k]}
    record |= {"dung_lai_luc": own_forms.now(), "dung_lai_tai_khoan": who, "dung_lai_tu": name}
    # bringing an old copy back does not make it up to date: what it recorded, else not known (null)
    mark = before.get(own_forms.ORIGIN)
    record[own_forms.ORIGIN] = mark if isinstance(mark, dict) else {}
    keys = before.get(KEYS)
    record[KEYS] = keys if isinstance(keys, list) else None
    answer = receive(so_dir, path.read_bytes(), shown, who, record)
    if {p.name for p in source.iterdir()} <= {province.LABELS_FILE, own_forms.INFO}:
        shutil.rmtree(source, ignore_errors=True)
    return answer
