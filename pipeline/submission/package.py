"""The submission to the Sở Nội vụ (dossier.md §3): folder `nop_so_noi_vu/`, `ho_so_<nam>.zip` and the
write-back copy of the input workbook.

`nop_so_noi_vu/` holds
- `bao_cao_ket_qua_danh_gia.docx` + `.pdf`: the report (template `bao_cao_so_noi_vu`);
- `bieu_tong_hop.xlsx`, `.docx` + `.pdf`: the summary table (template `bieu_tong_hop`);
- `<code>.pdf` for each agency document of the plan (the public notice `thong_bao_ket_qua`);
- `don_vi/<ma_don_vi>.pdf`: a copy of every unit dossier;
- `lanh_dao/<ma_so>.pdf`: the agency leaders' own dossiers, which go to the superior level
  (ND 90 Art. 16 cl. 2a: heads are evaluated by the head of the directly superior body).

Agency leaders (a rule of this program, see docs/submission.md): the person whose name equals
`CoQuan.nguoi_dung_dau` (Unicode-normalised, case and spacing ignored), plus the head and deputies
(`vai_tro` truong/pho) of that person's unit. No match: no leader dossiers, and a warning.

`ho_so_<nam>.zip` (output root) zips `nop_so_noi_vu/` with entry names relative to the output root,
sorted, with fixed timestamps and permissions: identical input gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.forms.registry import Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.ingest.model import Campaign, Person
from pipeline.pdf.cache import cache_key
from pipeline.pdf.convert import Converted
from pipeline.pdf.join import first_page_header, has_page_numbers
from pipeline.pdf.pool import Item
from pipeline.plan import Plan, review_order
from pipeline.rating.result import Ratings
from pipeline.submission import report, summary_table, writeback

FOLDER = "nop_so_noi_vu"
REPORT = "bao_cao_ket_qua_danh_gia"
TABLE = "bieu_tong_hop"
REPORT_FORM, TABLE_FORM = "bao_cao_so_noi_vu", "bieu_tong_hop"
WRITEBACK = "so_lieu_kem_ket_qua.xlsx"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_name(year: int) -> str:
    return f"ho_so_{year}.zip"


@dataclass(frozen=True)
class Submission:
    manifest: dict  # keys added to manifest.json: "nop_so_noi_vu" and "pham_vi"
    deadline: report.Deadline | None
    documents: int  # documents rendered and converted for the submission
    converted: int  # of which converted now (not from the cache)
    warnings: tuple[str, ...] = ()


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def agency_leaders(campaign: Campaign) -> list[Person]:
    """The head (`CoQuan.nguoi_dung_dau`), then the head and deputies of the head's unit, in review order."""
    wanted = _key(campaign.agency.nguoi_dung_dau)
    matches = [p for p in campaign.people if _key(p.ho_ten) == wanted]
    if not matches:
        return []
    head = next((p for p in matches if p.vai_tro == "truong"), matches[0])
    unit = [p for p in campaign.people if p.ma_don_vi == head.ma_don_vi and p.vai_tro in ("truong", "pho")]
    others = [p for p in review_order(unit) if p.ma_so != head.ma_so]
    return [head, *others]


def fix_zip_times(path: Path) -> None:
    """Rewrite a .docx (zip) with fixed entry times, so the same content gives the same bytes."""
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type, zi.external_attr, zi.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_zip(root: Path, folder: str, dest: Path) -> list[str]:
    """Zip every file under `root/folder` (names relative to `root`), deterministically; returns the names."""
    names = sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*") if p.is_file())
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name in names:
            zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            zi.compress_type, zi.external_attr, zi.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            zf.writestr(zi, (root / name).read_bytes(), compresslevel=6)
    return names


def write_submission(stage: Path, campaign: Campaign, ratings: Ratings, plan: Plan, pdfs: dict[str, bytes], *,
                     registry: Registry, convert: Callable[[list[Item]], Converted], workbook: Path | None,
                     today: dt.date | None = None, units: frozenset[str] = frozenset(),
                     persons: frozenset[str] = frozenset(),
                     log: Callable[[str], None] = lambda s: None) -> Submission:
    """Write `nop_so_noi_vu/`, the zip and the write-back copy into the staging folder `stage`.

    `pdfs`: PDF bytes of the plan's documents by job key (the notice is `co_quan/thong_bao_ket_qua`);
    `convert`: the build's conversion (cache + LibreOffice pool); `workbook`: the input file."""
    folder = stage / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    warnings: list[str] = []
    files: list[dict] = []

    def add(rel: str, loai: str, title: str, **extra) -> None:
        files.append({"path": f"{FOLDER}/{rel}", "loai": loai, "tieu_de": title, **extra})

    # 1–2. report and summary table (.docx rendered here, converted with the build's cache and pool)
    rows = summary_table.summary_rows(campaign, ratings)
    summary_table.write(folder / f"{TABLE}.xlsx", campaign, ratings)
    contexts = {REPORT_FORM: lambda spec: report.report_context(campaign, ratings, spec, rows, today),
                TABLE_FORM: lambda spec: report.table_document_context(campaign, ratings, spec, rows)}
    names = {REPORT_FORM: REPORT, TABLE_FORM: TABLE}
    items: dict[str, Item] = {}
    for form, make in contexts.items():
        spec = _spec(registry, form, warnings)
        ctx = make(spec)
        dest = folder / f"{names[form]}.docx"
        CompiledTemplate(spec.template, code=form).render_to(ctx, dest)
        fix_zip_times(dest)
        items[form] = Item(cache_key(spec.template_sha256, ctx), dest, f"{campaign.agency.ten_co_quan} — {spec.title}",
                           None, has_page_numbers(spec.template), first_page_header(dest))
    conv = convert(list(items.values()))
    for form, item in items.items():
        name, title = names[form], _spec(registry, form, []).title
        (folder / f"{name}.pdf").write_bytes(conv.pdfs[item.key][0])
        add(f"{name}.docx", form, title + " (bản Word)")
        add(f"{name}.pdf", form, title)
        if form == TABLE_FORM:
            add(f"{name}.xlsx", form, title + " (bảng tính)")

    # 3. agency documents of the plan (the public notice of results)
    for job in plan.agency:
        data = pdfs.get(job.key)
        if data is None:
            continue
        (folder / f"{job.form}.pdf").write_bytes(data)
        add(f"{job.form}.pdf", job.form, job.title)
    if not any(f["loai"] == "thong_bao_ket_qua" for f in files):
        warnings.append("Chưa có Thông báo kết quả đánh giá, xếp loại (mẫu «thong_bao_ket_qua») trong bộ nộp Sở Nội vụ.")

    # 4. copies of the unit dossiers
    for unit in plan.units:
        src = stage / unit.pdf
        if src.is_file():
            _copy(src, folder / "don_vi" / f"{unit.ma_don_vi}.pdf")
            add(f"don_vi/{unit.ma_don_vi}.pdf", "don_vi", f"Hồ sơ đơn vị: {unit.ten_don_vi}", ma_don_vi=unit.ma_don_vi,
                goc=unit.pdf)

    # 5. the leaders' own dossiers
    built = {d.ma_so: d for d in plan.persons}
    leaders = agency_leaders(campaign)
    if not leaders:
        warnings.append(f"Không tìm thấy người đứng đầu «{campaign.agency.nguoi_dung_dau}» (sheet CoQuan) trong sheet "
                        "NhanSu: bộ nộp Sở Nội vụ không có hồ sơ cá nhân của lãnh đạo cơ quan.")
    leader_entries = []
    for p in leaders:
        d = built.get(p.ma_so)
        entry = {"ma_so": p.ma_so, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "ma_don_vi": p.ma_don_vi,
                 "vai_tro": "nguoi_dung_dau" if p is leaders[0] else p.vai_tro, "pdf": None}
        if d is not None and (stage / d.pdf).is_file():
            rel = f"lanh_dao/{p.ma_so}.pdf"
            _copy(stage / d.pdf, folder / rel)
            add(rel, "lanh_dao", f"Hồ sơ cá nhân lãnh đạo: {p.ho_ten}", ma_so=p.ma_so, ma_don_vi=p.ma_don_vi,
                goc=d.pdf)
            entry["pdf"] = f"{FOLDER}/{rel}"
        leader_entries.append(entry)

    # 6. the zip of the folder
    archive = zip_name(campaign.year)
    zipped = write_zip(stage, FOLDER, stage / archive)
    assert sorted(f["path"] for f in files) == zipped, "nop_so_noi_vu/ holds a file the manifest section does not list"

    # 7. the write-back copy of the input workbook (not part of the submission)
    copy = None
    if workbook is not None:
        try:
            writeback.write_copy(Path(workbook), stage / WRITEBACK, campaign, ratings)
            copy = WRITEBACK
        except writeback.WritebackSkipped as exc:
            warnings.append(str(exc))

    due = report.deadline(campaign, today)
    filtered = bool(units or persons)
    if filtered:
        warnings.append("Chỉ tạo hồ sơ của một số đơn vị/người (--unit/--person): bộ nộp Sở Nội vụ chưa đầy đủ.")
    for w in warnings:
        log("Cảnh báo: " + w)
    section = {
        "thu_muc": FOLDER,
        "zip": archive,
        "tep": files,
        "lanh_dao": leader_entries,
        "bieu_tong_hop": summary_table.counts_document(rows),
        "han_nop": None if due is None else due.date.isoformat(),
        "so_lieu_kem_ket_qua": copy,
    }
    scope = {"toan_bo": not filtered, "don_vi": sorted(units), "nguoi": sorted(persons)}
    return Submission({"nop_so_noi_vu": section, "pham_vi": scope}, due, len(items), conv.converted, tuple(warnings))


def _spec(registry: Registry, form: str, warnings: list[str]):
    """The form from the build's templates folder; an agency folder exported before this form
    existed falls back to the bundled template (with a warning)."""
    if form in registry:
        return registry.get(form)
    warnings.append(f"Thư mục mẫu biểu «{registry.root}» chưa có mẫu «{form}»: dùng mẫu mặc định của chương trình.")
    return Registry().get(form)


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
