"""Before a build replaces an output folder: nothing the clerk did there is lost silently.

- **Hand edits**: a `.docx` or `.pdf` the manifest lists whose bytes are no longer what the build
  wrote (someone typed a remark into a form) makes the build refuse, naming the files, unless told
  to overwrite (`--ghi-de`); the previous output is left exactly as it was. With `--ghi-de` the
  edited files are first copied beside the folder (`<output>.sua-tay-<date-time>/`, paths kept).
  Any other file the build writes (`thay_doi.txt`, `HUONG_DAN_IN.txt`, `README.txt`, the ratings'
  `.json`, the package's `.zip`) is rewritten by every build, as README.txt says: one a clerk
  annotated (ticks in the list to reprint…) is copied there too, named on the console, and the build
  goes on — such notes have no place in the workbook, so there is nothing to refuse for.
- **Another agency**: the manifest records the agency (`co_quan`: `ten_co_quan` and the workbook's
  file name); a workbook of another agency into that folder — another `ten_co_quan`, or the same
  name with other staff (fewer than half of the people's codes in common) — is refused, naming
  both, unless told (`--doi-co-quan`).
- **Another year**: the manifest records the evaluation year (`nam_danh_gia`); a workbook of
  another year into that folder (last year's workbook picked by mistake, or next year's built into
  the same `output/`) is refused, naming both years, unless told (`--doi-nam`): the folder may be
  a year's filed record (with its signed scans in `da_ky/`).
- **A narrower selection**: `--person`/`--unit` into a folder holding a build of more people keeps
  them: the selection is widened to what the folder holds (a full build stays full; selections are
  joined). Their documents come from the caches, so only the selected people cost anything, and
  the unit dossiers and the Sở Nội vụ package are still assembled with everyone.

Only the standard library is imported here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import portable
from pipeline.errors import OutputError
from pipeline.options import BuildOptions
from pipeline.output import listed_files, still_as_recorded

if TYPE_CHECKING:
    from pipeline.ingest.model import Campaign

AGENCY = "co_quan"  # manifest section: the agency and workbook that made the folder
EDITABLE = (".docx", ".pdf", ".xlsx")  # what a clerk opens and may type into
OVERWRITE_OPTION = "--ghi-de"
OTHER_AGENCY_OPTION = "--doi-co-quan"
OTHER_YEAR_OPTION = "--doi-nam"
SHOWN = 10  # files named in a message; the rest are counted
KEPT_SUFFIX = ".sua-tay-"  # <output>.sua-tay-<YYYYmmdd-HHMMSS>: the hand-edited files --ghi-de replaced


def agency_record(campaign: Campaign, workbook: Path) -> dict[str, Any]:
    """The manifest's `co_quan`: the agency's name and workbook (this guard), and its superior body as its papers'
    headers print it (CoQuan `co_quan_chu_quan`, "" when empty): `hoso tong-hop` reads the province from it."""
    return {"ten_co_quan": campaign.agency.ten_co_quan, "tep_dau_vao": Path(workbook).name,
            "co_quan_chu_quan": campaign.agency.co_quan_chu_quan}


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split()).casefold()

    return norm(a) == norm(b)


def agency_clash(previous: dict[str, Any] | None, campaign: Campaign, workbook: Path) -> dict[str, Any] | None:
    """How a workbook is another agency's than the one whose output a folder holds (None: it is not):
    `cu`/`moi` the agencies' names, `tep_cu`/`tep_moi` the workbooks', and when the names are the
    same, `giu`/`so_nguoi`/`trung` the people held, in the workbook and in both (`cung_ten` True)."""
    prev = (previous or {}).get(AGENCY)
    if not isinstance(prev, dict) or not isinstance(prev.get("ten_co_quan"), str):
        return None  # an empty folder, or one built before the agency was recorded
    new = agency_record(campaign, workbook)
    held = {p.get("ma_so") for p in (previous or {}).get("ca_nhan", []) if isinstance(p, dict)}
    staff = {p.ma_so for p in campaign.people}
    shared = len(held & staff)
    same = _same_name(prev["ten_co_quan"], new["ten_co_quan"])
    if same and (not held or not staff or shared * 2 >= min(len(held), len(staff))):
        return None
    return {"cu": prev["ten_co_quan"], "tep_cu": prev.get("tep_dau_vao", "?"), "moi": new["ten_co_quan"],
            "tep_moi": new["tep_dau_vao"], "cung_ten": same, "giu": len(held), "so_nguoi": len(staff), "trung": shared}


def check_agency(previous: dict[str, Any] | None, campaign: Campaign, workbook: Path, outdir: Path, *, allowed: bool,
                 log: Callable[[str], None]) -> None:
    clash = agency_clash(previous, campaign, workbook)
    if clash is None:
        return
    new = {"ten_co_quan": clash["moi"], "tep_dau_vao": clash["tep_moi"]}
    if clash["cung_ten"]:
        # the same name, other staff: another agency's workbook (or a template copied without renaming)
        both = (f"Thư mục «{outdir}» đang chứa hồ sơ của «{clash['cu']}» tạo từ sổ «{clash['tep_cu']}» "
                f"({clash['giu']} người), còn sổ «{new['tep_dau_vao']}» có {clash['so_nguoi']} người mà chỉ "
                f"{clash['trung']} người trùng mã số: có vẻ là sổ của cơ quan khác")
    else:
        both = (f"Thư mục «{outdir}» đang chứa hồ sơ của «{clash['cu']}» (tạo từ sổ "
                f"«{clash['tep_cu']}»), còn sổ «{new['tep_dau_vao']}» là của «{new['ten_co_quan']}»")
    if not allowed:
        raise OutputError(
            f"{both}. Để không thay mất hồ sơ của cơ quan kia, hãy chọn thư mục kết quả khác (-o THƯ_MỤC); "
            f"nếu đúng là muốn thay bằng hồ sơ của «{new['ten_co_quan']}», chạy lại với {OTHER_AGENCY_OPTION}. "
            "Kết quả cũ được giữ nguyên.")
    log(f"Ghi chú: {both}; theo {OTHER_AGENCY_OPTION}, hồ sơ cũ được thay.")


def year_clash(previous: dict[str, Any] | None, campaign: Campaign) -> int | None:
    """The evaluation year of the output a folder holds when the workbook is of another year (None:
    the same year, an empty folder, or one whose manifest records no year)."""
    old = (previous or {}).get("nam_danh_gia")
    if not isinstance(old, int) or isinstance(old, bool) or old == campaign.agency.nam_danh_gia:
        return None
    return old


def check_year(previous: dict[str, Any] | None, campaign: Campaign, workbook: Path, outdir: Path, *, allowed: bool,
               log: Callable[[str], None]) -> None:
    old = year_clash(previous, campaign)
    if old is None or agency_clash(previous, campaign, workbook) is not None:
        return  # the same year, or another agency's output: check_agency speaks for it
    new = campaign.agency.nam_danh_gia
    prev = (previous or {}).get(AGENCY)
    made_from = prev.get("tep_dau_vao") if isinstance(prev, dict) and isinstance(prev.get("tep_dau_vao"), str) else ""
    source = f" (tạo từ sổ «{made_from}»)" if made_from else ""
    both = (f"Thư mục «{outdir}» đang chứa hồ sơ năm đánh giá {old}{source}, còn sổ «{Path(workbook).name}» là của "
            f"năm đánh giá {new}")
    if not allowed:
        raise OutputError(
            f"{both}. Để giữ hồ sơ năm {old}, hãy chọn thư mục kết quả riêng cho năm {new} (-o THƯ_MỤC); nếu chọn nhầm "
            f"sổ, chạy lại với đúng sổ năm {old}; nếu đúng là muốn thay hồ sơ năm {old} bằng hồ sơ năm {new}, chạy lại "
            f"với {OTHER_YEAR_OPTION}. Kết quả cũ được giữ nguyên.")
    log(f"Ghi chú: {both}; theo {OTHER_YEAR_OPTION}, hồ sơ năm {old} được thay.")


def kept_folder(keep: Path | None, previous: dict[str, Any] | None) -> Path | None:
    """Where an output of another agency or year is kept whole (BuildOptions.keep_replaced):
    `<keep>/<its year>-<date-time>`; None when not asked."""
    if keep is None:
        return None
    year = (previous or {}).get("nam_danh_gia")
    named = str(year) if isinstance(year, int) and not isinstance(year, bool) else "khong-ro-nam"
    return Path(keep) / f"{named}-{dt.datetime.now():%Y%m%d-%H%M%S}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def edited_files(folder: Path, previous: dict[str, Any] | None, *, notes: bool = False) -> list[str]:
    """The .docx/.pdf/.xlsx files the manifest lists that are still there with other bytes than the
    build wrote (a file with its recorded size and modification time is not read); with `notes`,
    the other files the manifest lists (the text files every build rewrites…) instead."""
    out = []
    for entry in listed_files(previous or {}):
        rel = entry["path"]
        if rel.lower().endswith(EDITABLE) == notes or still_as_recorded(folder, entry):
            continue
        path = Path(folder) / rel
        try:
            if not path.is_file() or path.is_symlink():
                continue  # deleted: nothing to lose
            if _sha256(path) != entry["sha256"]:
                out.append(rel)
        except OSError:
            continue
    return out


def kept_copies_folder(folder: Path, when: dt.datetime | None = None) -> Path:
    """Where `--ghi-de` keeps the hand-edited files it overwrites: beside the output folder (never
    inside it, where a build replaces everything), named after it and the time."""
    folder = Path(folder)
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return folder.parent / f"{folder.name}{KEPT_SUFFIX}{stamp}"


def keep_copies(folder: Path, edited: list[str]) -> Path:
    """Copy the hand-edited files (relative paths) of `folder` into a new folder beside it, their
    paths kept; the copies are the clerk's, hoso never removes them."""
    base = kept_copies_folder(folder)
    dest = portable.free_name(base.parent, base.name)
    try:
        for rel in edited:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(folder) / rel, target)
    except OSError as exc:
        shutil.rmtree(dest, ignore_errors=True)  # our own copies, half made: the originals are untouched
        raise OutputError(f"Không chép được các tệp đã sửa tay sang «{dest}» ({exc.strerror or exc}); chưa ghi đè "
                          "tệp nào. Kết quả cũ được giữ nguyên.") from exc
    return dest


def _listing(files: list[str]) -> str:
    shown = "\n".join(f"  - {rel}" for rel in files[:SHOWN])
    return shown + (f"\n  … và {len(files) - SHOWN} tệp khác" if len(files) > SHOWN else "")


def _recipient(previous: dict[str, Any] | None) -> str:
    """The body the previous build's package went to (its manifest's nop_so_noi_vu.noi_nhan), else «Sở Nội vụ»."""
    section = (previous or {}).get("nop_so_noi_vu")
    named = section.get("noi_nhan") if isinstance(section, dict) else None
    return named.strip() if isinstance(named, str) and named.strip() else "Sở Nội vụ"


WRITEBACK = "so_lieu_kem_ket_qua.xlsx"  # submission.package.WRITEBACK: the copy of the workbook with the results


def _writeback_words(edited: list[str], previous: dict[str, Any] | None) -> str:
    """When the copy of the workbook written into the output (`WRITEBACK`) was edited — the clerk took it for her
    workbook, opened beside the dossiers, and corrected a vote or a text there —: that it is not the workbook hoso
    reads, which one is, and how to use the edited copy as the workbook."""
    if WRITEBACK not in edited:
        return ""
    agency = (previous or {}).get("co_quan")
    source = agency.get("tep_dau_vao") if isinstance(agency, dict) else None
    read = f"«{source}»" if isinstance(source, str) and source.strip() else "sổ Excel đã dùng để tạo hồ sơ"
    return (f"«{WRITEBACK}» là bản sao kèm kết quả do hoso viết, không phải sổ hoso đọc ({read}): số liệu sửa trong "
            f"bản sao không được đọc. Hãy sửa trong sổ {read}; hoặc, để dùng chính bản sao đã sửa làm sổ, chép nó ra "
            "ngoài thư mục kết quả rồi chạy hoso build với bản chép đó. ")


def _scan_words(edited: list[str], folder: Path) -> str:
    """When a PDF hoso wrote was replaced (a signed scan saved over the dossier, the way a clerk files it): where
    signed scans go instead — `hoso nhan-ban-ky` files them under da_ky/, which no build overwrites."""
    pdfs = [rel for rel in edited if rel.lower().endswith(".pdf")]
    if not pdfs:
        return ""
    return (f"Nếu tệp PDF ({', '.join(pdfs[:3])}{' …' if len(pdfs) > 3 else ''}) đã được thay bằng bản quét trang đã "
            "ký: chép bản quét ra ngoài thư mục kết quả rồi chạy hoso nhan-ban-ky "
            f"\"{folder}\" <tệp quét>: các trang đã ký được xếp vào thư mục da_ky/ theo mã in trên từng trang, không bị "
            "ghi đè khi tạo lại; sau đó chạy lại hoso build. ")


def check_hand_edits(folder: Path, previous: dict[str, Any] | None, *, allowed: bool, log: Callable[[str], None]) -> list[str]:
    """Refuse to overwrite hand-edited documents unless `allowed` (--ghi-de); the edited files —
    and any annotated text file, always — are copied beside the folder first (`keep_copies`)."""
    edited = edited_files(folder, previous)
    notes = edited_files(folder, previous, notes=True)
    if not edited:
        if notes:
            kept = keep_copies(folder, notes)
            log(f"Ghi chú: {len(notes)} tệp trong «{folder}» đã được sửa sau lần tạo trước; hoso viết lại các tệp "
                f"này mỗi lần tạo (README.txt), bản đã sửa được chép giữ lại ở «{kept}»:\n{_listing(notes)}")
        return edited
    shown = _listing(edited)
    if not allowed:
        to = _recipient(previous)
        raise OutputError(
            f"{len(edited)} tệp trong «{folder}» đã được sửa tay sau lần tạo trước; tạo lại sẽ ghi đè và làm mất "
            f"phần đã sửa:\n{shown}\n"
            f"Các tệp PDF để in và bộ hồ sơ gửi {to} không lấy nội dung từ các tệp đã sửa tay. "
            + _writeback_words(edited, previous) + _scan_words(edited, folder) +
            "Hãy đưa phần đã sửa vào sổ Excel (nội dung tự đánh giá, ưu điểm, khuyết điểm, phương hướng: sheet "
            "TuDanhGia; họ tên, chức vụ, nơi cư trú: sheet NhanSu; biểu quyết: sheet BieuQuyet; tên cơ quan, ngày "
            "lập: sheet CoQuan; lời văn in sẵn của mẫu: hoso templates export), rồi chạy lại với "
            f"{OVERWRITE_OPTION}: các tệp đã sửa tay được chép giữ lại sang thư mục "
            f"«{Path(folder).name}{KEPT_SUFFIX}<ngày-giờ>» bên cạnh rồi mới bị ghi đè. "
            "Kết quả cũ được giữ nguyên.")
    kept = keep_copies(folder, edited + notes)
    log(f"Ghi chú: theo {OVERWRITE_OPTION}, ghi đè {len(edited)} tệp đã sửa tay (bản đã sửa được chép giữ lại ở "
        f"«{kept}»):\n{shown}")
    if notes:
        log(f"Ghi chú: {len(notes)} tệp khác hoso viết lại mỗi lần tạo cũng đã được sửa; bản đã sửa cũng được chép "
            f"giữ lại ở «{kept}»:\n{_listing(notes)}")
    return edited


def widen_selection(previous: dict[str, Any] | None, options: BuildOptions, campaign: Campaign, outdir: Path,
                    log: Callable[[str], None]) -> BuildOptions:
    """--person/--unit into a folder holding more people: the selection the folder holds joined
    with the new one (a full build stays full), so that no dossier is removed."""
    if not (options.units or options.persons) or not previous or not isinstance(previous.get("ca_nhan"), list):
        return options
    held = {p.get("ma_so") for p in previous["ca_nhan"] if isinstance(p, dict)}
    scope: dict[str, Any] = found if isinstance(found := previous.get("pham_vi"), dict) else {}
    people = {p.ma_so for p in campaign.people}
    units = {u.ma_don_vi for u in campaign.units}
    asked = ", ".join(sorted(options.persons | options.units))
    if scope.get("toan_bo", True) or (scope.get("nguoi") and (options.units or scope.get("don_vi"))) \
            or (scope.get("don_vi") and options.persons):
        widened = replace(options, units=frozenset(), persons=frozenset())
        whole = True
    elif scope.get("nguoi"):
        widened = replace(options, persons=frozenset(options.persons | (set(scope["nguoi"]) & people)))
        whole = False
    else:
        widened = replace(options, units=frozenset(options.units | (set(scope.get("don_vi") or ()) & units)))
        whole = False
    if widened == options or not (held - set(options.persons)):
        return options
    what = "của cả cơ quan" if whole else "của nhiều người hơn"
    log(f"Ghi chú: thư mục «{outdir}» đang giữ hồ sơ {what}: tạo lại hồ sơ của {asked} và giữ hồ sơ của những người "
        f"khác (hồ sơ đơn vị và bộ nộp {campaign.agency.so_noi_vu.strip() or 'Sở Nội vụ'} vẫn đủ người). Muốn chỉ có hồ sơ đã chọn, dùng thư mục "
        "khác (-o).")
    return widened
