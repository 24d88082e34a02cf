"""The submission to the Sở Nội vụ (dossier.md §3): folder `nop_so_noi_vu/`, `ho_so_<nam>.zip` and the
write-back copy of the input workbook.

`nop_so_noi_vu/` holds
- `bao_cao_ket_qua_danh_gia.docx` + `.pdf`: the report (template `bao_cao_so_noi_vu`);
- `bieu_tong_hop.xlsx`, `.docx` + `.pdf`: the summary table (template `bieu_tong_hop`);
- `bao_cao_tu_danh_gia_co_quan` and `bien_ban_tu_xep_loai_co_quan` `.docx` + `.pdf`: the agency's
  own self-rating file (dossier.md §3.2 item 3), only when CoQuan gives `tu_xep_loai_co_quan`;
- `<code>.pdf` for each agency document of the plan (the public notice `thong_bao_ket_qua`), once
  the competent evaluator has decided levels (a draft notice stays out);
- `ho_so_lanh_dao.pdf`: the leaders' file made for the Sở (dossier.md §3.2 items 4–5: the minutes and the
  collective review report of the head's unit, each agency leader's own dossier; `leaders_part`), laid out as a
  unit dossier and cached as a bundle (bundle/build.py `collective_bundle`) — not the unit dossier itself, whose
  chi bộ report and tables name other people (docs/submission.md «The leaders' file for the Sở»);
- `lanh_dao/<ma_so>.pdf`: an agency leader's own dossier, which goes to the superior level
  (ND 90 Art. 16 cl. 2a), only when it is not already inside that file: no file twice.
(Packages built before 2026-12-07 held `don_vi/<ma_don_vi>.pdf`, a copy of the leaders' unit dossier.)

`README.txt` (output root, not in the zip) tells the clerk what the folder holds and how the
Sở Nội vụ deadline stands on the day of the build: deadline arithmetic is never printed in a
document that is signed or sent.

Agency leaders (a rule of this program, see docs/submission.md): the person whose name equals
`CoQuan.nguoi_dung_dau` (Unicode-normalised, case and spacing ignored), plus the head and deputies
(`vai_tro` truong/pho) of that person's unit. No match: no leader dossiers, and a warning.

`ho_so_<nam>.zip` (output root) zips `nop_so_noi_vu/` with entry names relative to the output root,
sorted, dated with the report's date (CoQuan.ngay_bao_cao, else the day of the build) and fixed
permissions: identical input on the same day gives identical bytes.

Two steps around the build's conversion: `prepare_submission` (before it) renders the report and the
table `.docx`, whose items the build converts together with the forms, and writes the table `.xlsx`
and makes the write-back copy; `finish_submission`
(after the bundles) writes the PDFs, the copies, the zip and the write-back copy. Everything is
cached by content (BlobCache): the `.docx` by their render context, the `.xlsx` by the data they
show, the write-back copy by the input's bytes and the columns it adds, the zip member by member
(the deflated bytes of each file, by its SHA-256), so an unchanged part costs a cache read.

The manifest's `tep` records what a rebuild needs to tell a changed content from other bytes (changes.py
`_Walk._resend`): `docx` on a PDF (the `.docx` it was converted from), `gia_tri_sha256` on the table's `.xlsx`
(`values_digest`: its cell values).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import clock
from pipeline.bundle.assemble import Titled, manifest_record, numbered_alone
from pipeline.document import Build, Document
from pipeline.forms.layout import compound_breaks
from pipeline.forms.registry import FormSpec, Registry
from pipeline.forms.render import CompiledTemplate, with_typography
from pipeline.ingest.model import Campaign, Person
from pipeline.ingest.sheetnames import as_written
from pipeline.pdf.cache import BlobCache, cache_key, data_key, pdf_key
from pipeline.pdf.join import conversion_shape, first_page_header, has_page_numbers
from pipeline.pdf.validate import page_range
from pipeline.plan import UnitDossier, review_order
from pipeline.quotes import curly_quotes
from pipeline.rating import agency_kind
from pipeline.rating.result import Ratings
from pipeline.resources import running_program
from pipeline.submission import report, self_rating, summary_table, writeback
from pipeline.submission.changes import VALUES

if TYPE_CHECKING:
    from pipeline.submission.deadline import Deadline
    from pipeline.submission.summary_table import Row

FOLDER = "nop_so_noi_vu"
REPORT = "bao_cao_ket_qua_danh_gia"
TABLE = "bieu_tong_hop"
REPORT_FORM, TABLE_FORM, LETTER_FORM = "bao_cao_so_noi_vu", "bieu_tong_hop", "cong_van_so_noi_vu"
LETTER = "cong_van_gui_so_noi_vu"
# the agency's own self-rating file (dossier.md §3.2 item 3): file name = template code
SELF_REPORT_FORM, SELF_MINUTES_FORM = "bao_cao_tu_danh_gia_co_quan", "bien_ban_tu_xep_loai_co_quan"
FILE_NAMES = {LETTER_FORM: LETTER, REPORT_FORM: REPORT, TABLE_FORM: TABLE, SELF_REPORT_FORM: SELF_REPORT_FORM,
              SELF_MINUTES_FORM: SELF_MINUTES_FORM}
WRITEBACK = "so_lieu_kem_ket_qua.xlsx"
README = "README.txt"
NOTICE = "thong_bao_ket_qua"
ZIP_TIME: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 6


def values_digest(data: bytes) -> str:
    """SHA-256 of a workbook's sheets and cell values (not its styles, sizes or the time it was written): the
    same for two `.xlsx` that hold the same table."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = [[ws.title, [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]]
                  for ws in book.worksheets]
    finally:
        book.close()
    return hashlib.sha256(json.dumps(sheets, ensure_ascii=False).encode("utf-8")).hexdigest()


def _cell(value: object) -> object:
    """A cell value as JSON: numbers, text and None as they are, anything else (dates) as its text."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def zip_name(year: int) -> str:
    return f"ho_so_{year}.zip"


@dataclass(frozen=True)
class Submission:
    manifest: dict[str, Any]  # keys added to manifest.json: "nop_so_noi_vu" and "pham_vi"
    deadline: Deadline | None
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


def enclosed(campaign: Campaign, ratings: Ratings) -> list[str]:
    """What the cover letter lists as enclosed, in the order of dossier.md §3.2."""
    out = ["Báo cáo kết quả đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động "
           f"năm {campaign.year}, kèm theo Biểu tổng hợp."]
    if self_rating.wanted(campaign):
        out.append(f"Hồ sơ tự xếp loại {campaign.agency.ten_co_quan} năm {campaign.year} (báo cáo tự đánh giá kết quả "
                   "thực hiện nhiệm vụ năm, biên bản họp cán bộ chủ chốt tự đánh giá, xếp loại "
                   f"{agency_kind.agency_noun(campaign, ratings)}).")
    if any(pr.rated and pr.muc_quyet_dinh for pr in ratings.people):
        out.append(f"Thông báo kết quả đánh giá, xếp loại chất lượng năm {campaign.year}.")
    leaders = agency_leaders(campaign)
    if leaders:
        unit = campaign.unit(leaders[0].ma_don_vi)
        out.append(f"Hồ sơ kiểm điểm tập thể {unit.ten_don_vi} (biên bản cuộc họp, báo cáo kiểm điểm tập thể, hồ sơ "
                   "đánh giá, xếp loại của từng đồng chí lãnh đạo).")
    return out


def addressed_title(title: str, campaign: Campaign, noun: str = agency_kind.ADMINISTRATIVE_NOUN) -> str:
    """A document's title as the guide, README.txt and the manifest list it: «… đến Sở Nội vụ» (the cover letter's
    meta.toml title) names the body the workbook sends to (report.recipient: «Sở Y tế tỉnh …» for a đơn vị sự nghiệp
    reporting to its managing body); a title ending with «cơ quan» (the self-rating forms': «Biên bản họp tự đánh giá,
    xếp loại cơ quan») ends with `noun` (`agency_kind.agency_noun`: «đơn vị» for a đơn vị sự nghiệp công lập); a title
    the clerk changed in meta.toml otherwise is kept as written."""
    to = report.recipient(campaign)
    if to != report.RECIPIENT and title.endswith(report.RECIPIENT):
        return title[: -len(report.RECIPIENT)] + to
    if title.endswith(" " + agency_kind.ADMINISTRATIVE_NOUN):
        return title[: -len(agency_kind.ADMINISTRATIVE_NOUN)] + noun
    return title


def readme_text(campaign: Campaign, listed: list[dict[str, Any]], archive: str, due: Deadline | None,
                today: dt.date | None) -> str:
    """The output's README.txt (Vietnamese): the submission's files and the Sở Nội vụ deadline
    relative to the day of the build — the only place besides the console where it is written."""
    day = today or clock.today()
    a = campaign.agency
    lines = [f"Hồ sơ đánh giá, xếp loại chất lượng năm {campaign.year} — {a.ten_co_quan}", ""]
    if due is not None:
        lines += [f"Hạn gửi hồ sơ cho {due.to}{due.who}: {due.date:%d/%m/%Y} — {due.status} (tính đến ngày tạo hồ sơ, "
                  f"{day:%d/%m/%Y}).", *([due.workbook_note] if due.workbook_differs else []),
                  "(Thời hạn chỉ ghi ở đây và trên màn hình, không in trong văn bản ký gửi đi.)", ""]
    lines.append(f"Bộ hồ sơ gửi {report.so_noi_vu(campaign)}: thư mục {FOLDER}/ và tệp nén {archive} (cùng nội dung):")
    lines += [f"- {t['path']}: {t['tieu_de']}" for t in listed]
    lines += ["", "Mỗi lần tạo lại, hoso viết lại các tệp trong thư mục này (kể cả README.txt, thay_doi.txt, "
              "HUONG_DAN_IN.txt). Tệp nào đã được sửa hoặc ghi chú thêm thì bản đã sửa được chép giữ lại sang thư mục "
              "«<tên thư mục>.sua-tay-<ngày-giờ>» bên cạnh trước khi viết lại; riêng tệp Word, PDF, Excel đã sửa tay "
              "thì hoso dừng lại và hỏi trước (--ghi-de). Các bản đã ký nhận lại (thư mục da_ky/) không bao giờ bị xóa."]
    # the sheets named as the clerk's workbook names them (the deadline's «sheet CoQuan, ô …»)
    return as_written("\n".join(lines), campaign.sheet_names) + "\n"


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


# ---------------------------------------------------------------------------------------------
# the zip, member by member
# ---------------------------------------------------------------------------------------------


def zip_time(campaign: Campaign, today: dt.date | None) -> tuple[int, int, int, int, int, int]:
    """The date the zip's entries carry: the report's own date (CoQuan.ngay_bao_cao), else the
    workbook's document date (CoQuan.ngay_lap), else the day of the build."""
    day = campaign.agency.ngay_bao_cao or campaign.agency.ngay_lap or today or clock.today()
    return (max(1980, day.year), day.month, day.day, 0, 0, 0)


def depends_on_today(campaign: Campaign, set_by_so: dt.date | None = None) -> bool:
    """Whether the output changes with the day of the build: the README's deadline status (the workbook's
    deadline, or `set_by_so`, the one the Sở Nội vụ set on `hoso serve`), or the zip's date when the workbook
    gives none."""
    a = campaign.agency
    return (a.han_nop_so_noi_vu is not None or set_by_so is not None
            or (a.ngay_bao_cao is None and a.ngay_lap is None))


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, sec = date_time
    return ((y - 1980) << 9) | (mo << 5) | d, (h << 11) | (mi << 5) | (sec // 2)


def deflated(data: bytes) -> bytes:
    """A zip member's stored form: CRC-32, size, then the raw deflate stream (level 6)."""
    c = zlib.compressobj(ZIP_LEVEL, zlib.DEFLATED, -15)
    return struct.pack("<IQ", zlib.crc32(data), len(data)) + c.compress(data) + c.flush()


def zip_bytes(members: list[tuple[str, bytes]], date_time: tuple[int, int, int, int, int, int] = ZIP_TIME) -> bytes:
    """A zip of `(name, deflated(data))` members in the given order: deflate, `date_time` (default
    1980-01-01 00:00), mode 0644, Unix as the creating system, no extra fields — the same bytes for
    the same members and date."""
    dos_date, dos_time = _dos(date_time)
    out = io.BytesIO()
    central = []
    for name, stored in members:
        crc, size = struct.unpack_from("<IQ", stored)
        raw = memoryview(stored)[12:]
        fname = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        if size >= 0xFFFFFFFF or len(raw) >= 0xFFFFFFFF or out.tell() >= 0xFFFFFFFF:
            raise ValueError("zip64 needed")
        offset = out.tell()
        out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, flags, zipfile.ZIP_DEFLATED, dos_time, dos_date,
                              crc, len(raw), size, len(fname), 0))
        out.write(fname)
        out.write(raw)
        central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, flags, zipfile.ZIP_DEFLATED,
                                   dos_time, dos_date, crc, len(raw), size, len(fname), 0, 0, 0, 0, 0o644 << 16,
                                   offset) + fname)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _zip_slow(root: Path, names: list[str], date_time: tuple[int, int, int, int, int, int] = ZIP_TIME) -> bytes:
    """zipfile's own writer (zip64 when needed), same entry attributes; only for a very large folder."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
        for name in names:
            zi = zipfile.ZipInfo(name, date_time=date_time)
            zi.compress_type, zi.external_attr, zi.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            zf.writestr(zi, (root / name).read_bytes(), compresslevel=ZIP_LEVEL)
    return buf.getvalue()


def zip_folder(root: Path, names: list[str], digests: dict[str, str], blobs: BlobCache | None,
               date_time: tuple[int, int, int, int, int, int] = ZIP_TIME) -> bytes:
    """The zip of `names` (files under `root`): each member's deflated form from the cache when its
    content (`digests`: name -> SHA-256) was zipped before, else compressed now and cached."""
    members = []
    for name in names:
        sha = digests.get(name)
        key = data_key("zip-member", ZIP_LEVEL, sha) if sha else None
        stored = blobs.get(key, "deflate") if blobs is not None and key else None
        if stored is None:
            stored = deflated((root / name).read_bytes())
            if blobs is not None and key:
                blobs.put(key, "deflate", stored)
        members.append((name, stored))
    try:
        return zip_bytes(members, date_time)
    except ValueError:
        return _zip_slow(root, names, date_time)


def write_zip(root: Path, folder: str, dest: Path) -> list[str]:
    """Zip every file under `root/folder` (names relative to `root`), deterministically; returns the names."""
    names = sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*") if p.is_file())
    dest.write_bytes(zip_folder(root, names, {}, None))
    return names


# ---------------------------------------------------------------------------------------------
# the two steps
# ---------------------------------------------------------------------------------------------
@dataclass
class Prepared:
    """The submission between its two steps."""

    documents: dict[str, Document]  # form -> the .docx to convert (with the build's forms)
    titles: dict[str, str]
    rows: list[Row]
    warnings: list[str] = field(default_factory=list)
    copy: tuple[bytes, str] | None = None  # the write-back copy and its SHA-256

    @property
    def docs(self) -> list[Document]:
        return list(self.documents.values())


def _cached_bytes(blobs: BlobCache, key: str, name: str, make: Callable[[], bytes]) -> tuple[bytes, str]:
    hit = blobs.get_verified(key, name)
    if hit is not None:
        return hit
    data = make()
    return data, blobs.put(key, name, data)


def prepare_submission(build: Build) -> Prepared:
    """Before the conversion: the report and table `.docx` (to convert with the forms, their PDFs
    keyed for the build's LibreOffice and fonts), the table `.xlsx` and the write-back copy of the
    input (each from the cache when its inputs are unchanged)."""
    files, campaign, ratings, blobs = build.files, build.campaign, build.ratings, build.blobs
    registry, today = build.registry, build.today
    program = running_program()
    warnings: list[str] = []
    rows = summary_table.summary_rows(campaign, ratings)
    table = summary_table.table_data(campaign, ratings)
    curly = build.ngoac_kep  # «…» printed “…” (pipeline/quotes.py); the key as before when not
    data, sha = _cached_bytes(blobs, data_key("bieu_tong_hop.xlsx", program, table, *(["ngoac_kep"] if curly else [])),
                              "xlsx", lambda: summary_table.table_bytes(table, ngoac_kep=curly))
    files.write(f"{FOLDER}/{TABLE}.xlsx", data, sha256=sha)

    contexts: dict[str, Callable[[FormSpec], dict[str, Any]]] = {LETTER_FORM: lambda spec: report.letter_context(campaign, ratings, spec, rows, enclosed(campaign, ratings)),
                REPORT_FORM: lambda spec: report.report_context(campaign, ratings, spec, rows, today),
                TABLE_FORM: lambda spec: report.table_document_context(campaign, ratings, spec, rows)}
    if self_rating.wanted(campaign):  # dossier.md §3.2 item 3, only when the workbook gives the level
        for form in (SELF_REPORT_FORM, SELF_MINUTES_FORM):
            contexts[form] = lambda spec: self_rating.context(campaign, ratings, spec, rows)
    else:
        warnings.append(self_rating.missing_note(agency_kind.agency_noun(campaign, ratings)))
    names = FILE_NAMES
    documents: dict[str, Document] = {}
    titles: dict[str, str] = {}
    for form, make in contexts.items():
        spec = _spec(registry, form, warnings)
        titles[form] = addressed_title(spec.title, campaign, agency_kind.agency_noun(campaign, ratings))
        with compound_breaks(build.ngat_dong_tu_ghep):  # the header's names broken as the folder's papers are
            ctx = with_typography(make(spec), *build.typography)  # as forms/fill.py::_jobs
        key = cache_key(spec.template_sha256, ctx)
        rel = f"{FOLDER}/{names[form]}.docx"

        def render(spec: FormSpec = spec, ctx: dict[str, Any] = ctx, form: str = form) -> bytes:
            scratch = files.root / f"{FOLDER}/.{form}.docx"
            CompiledTemplate(spec.template, code=form).render_to(ctx, scratch)
            fix_zip_times(scratch)
            out = scratch.read_bytes()
            scratch.unlink()
            return out

        data, sha = _cached_bytes(blobs, data_key("submission-docx", program, key), "docx", render)
        dest = files.write(rel, data, sha256=sha)
        documents[form] = Document(None, form, f"{campaign.agency.ten_co_quan} — {spec.title}", dest,
                                   pdf_key(key, build.pdf_maker, conversion_shape(spec.template)), page_numbers=has_page_numbers(spec.template),
                                   first_page_header=first_page_header(dest), page_range=page_range(spec))

    return Prepared(documents, titles, rows, warnings, _writeback_copy(build, program, warnings))


def _writeback_copy(build: Build, program: str, warnings: list[str]) -> tuple[bytes, str] | None:
    """The write-back copy of the input and its SHA-256 (cached by the input's bytes and the columns
    it adds); None without an input, or when it cannot be made (and a warning says why)."""
    if build.snapshot is None:
        return None
    campaign, ratings, source = build.campaign, build.ratings, Path(build.snapshot)
    curly = build.ngoac_kep  # the added columns' «…» printed “…” (pipeline/quotes.py): part of key_data
    key = data_key("so_lieu_kem_ket_qua.xlsx", program, campaign.source_sha256, source.suffix.lower(),
                   writeback.key_data(campaign, ratings, ngoac_kep=curly))
    make: Callable[[], bytes] = lambda: writeback.copy_bytes(source, campaign, ratings, ngoac_kep=curly)  # noqa: E731
    try:
        if campaign.source_sha256:  # the input's bytes are part of the key
            return _cached_bytes(build.blobs, key, "xlsx", make)
        data = make()
        return data, hashlib.sha256(data).hexdigest()
    except writeback.WritebackSkipped as exc:
        warnings.append(str(exc))
        return None


class _Listed(list[dict[str, Any]]):
    """The files of `nop_so_noi_vu/` as the manifest section lists them (`tep`)."""

    def add(self, rel: str, loai: str, title: str, **extra: Any) -> None:
        self.append({"path": f"{FOLDER}/{rel}", "loai": loai, "tieu_de": title, **extra})


def finish_submission(build: Build, prep: Prepared, docs: list[Document]) -> Submission:
    """After the bundles: the PDFs of the package's own documents (`prep`, converted), the agency
    documents of the plan (among `docs`, converted), the leaders' file for the Sở and the copies of leader dossiers, the
    zip and the write-back copy."""
    campaign, warnings, files = build.campaign, prep.warnings, build.files
    units, persons, today = build.options.units, build.options.persons, build.today
    stage = files.root
    listed = _Listed()
    _own_documents(build, prep, listed)  # 1–3
    _agency_documents(build, docs, listed, warnings)  # 3
    leader_entries = _leader_dossiers(build, docs, listed, warnings)  # 4–5

    # 6. the zip of the folder
    archive = zip_name(campaign.year)
    zipped = sorted(p.relative_to(stage).as_posix() for p in (stage / FOLDER).rglob("*") if p.is_file())
    assert sorted(f["path"] for f in listed) == zipped, "nop_so_noi_vu/ holds a file the manifest section does not list"
    files.write(archive, zip_folder(stage, zipped, {n: files.digest(n).sha256 for n in zipped}, build.blobs,
                                    zip_time(campaign, today)))

    # 7. the write-back copy of the input workbook (not part of the submission)
    copy = None
    if prep.copy is not None:
        data, sha = prep.copy
        files.write(WRITEBACK, data, sha256=sha)
        copy = WRITEBACK

    due = report.deadline(campaign, today, build.options.han_nop_so_noi_vu, build.options.han_nop_do)
    filtered = bool(units or persons)
    if filtered:
        warnings.append(f"Chỉ tạo hồ sơ của một số đơn vị/người (--unit/--person): bộ nộp {report.recipient(campaign)} "
                        "chưa đầy đủ.")
    # 8. README.txt: what the folder holds, and the deadline as it stands today (never in a document)
    readme = readme_text(campaign, listed, archive, due, today)
    # its deadline lines are the guide's (HUONG_DAN_IN): quoted as the guide is (pipeline/quotes.py)
    files.write(README, (curly_quotes(readme) if build.ngoac_kep else readme).encode("utf-8"))
    for w in warnings:
        build.log("Cảnh báo: " + w)
    section = {
        "thu_muc": FOLDER,
        "zip": archive,
        "tep": list(listed),
        "lanh_dao": leader_entries,
        "bieu_tong_hop": summary_table.counts_document(prep.rows),
        "han_nop": None if due is None else due.date.isoformat(),
        # the body the package goes to, as the guide and the console name it (report.recipient)
        "noi_nhan": report.recipient(campaign),
        # a deadline the Sở Nội vụ set on `hoso serve` (BuildOptions.han_nop_so_noi_vu), and the workbook's own
        **({"han_nop_do_so_noi_vu_dat": True,
            "han_nop_so_excel": due.workbook.isoformat() if due.workbook else None,
            # who set it, when not the Sở Nội vụ (the server's «Cơ quan tổng hợp»)
            **({"han_nop_do": due.set_by} if due.set_by != "Sở Nội vụ" else {})} if due and due.by_so_noi_vu else {}),
        "so_lieu_kem_ket_qua": copy,
    }
    scope = {"toan_bo": not filtered, "don_vi": sorted(units), "nguoi": sorted(persons)}
    return Submission({"nop_so_noi_vu": section, "pham_vi": scope}, due, len(prep.documents), 0, tuple(warnings))


def _own_documents(build: Build, prep: Prepared, listed: _Listed) -> None:
    """1–3. cover letter, report and summary table, the agency's own self-rating file (when made)."""
    for form, doc in prep.documents.items():
        name, title = FILE_NAMES[form], prep.titles[form]
        assert doc.pdf is not None, "the package's documents are converted before it is finished"
        data = numbered_alone(doc.pdf, title)  # page numbers from page 2 (ND 30/2020)
        build.files.write(f"{FOLDER}/{name}.pdf", data, pages=doc.pages)
        listed.add(f"{name}.docx", form, title + " (bản Word)")
        listed.add(f"{name}.pdf", form, title, docx=f"{FOLDER}/{name}.docx")
        if form == TABLE_FORM:
            table = build.files.root / FOLDER / f"{name}.xlsx"
            listed.add(f"{name}.xlsx", form, title + " (bảng tính)", **{VALUES: values_digest(table.read_bytes())})


def _agency_documents(build: Build, docs: list[Document], listed: _Listed, warnings: list[str]) -> None:
    """3. agency documents of the plan (the public notice of results), once levels are decided."""
    files, plan = build.files, build.plan
    converted = {d.doc: d for d in docs if d.job is not None and d.pdf is not None}
    decided = any(pr.rated and pr.muc_quyet_dinh for pr in build.ratings.people)
    for job in plan.agency:
        done = converted.get(job.key)
        if done is None or done.pdf is None:
            continue
        data = numbered_alone(done.pdf, job.title)  # page numbers from page 2 (ND 30/2020)
        # the agency's own copy beside its .docx (co_quan/<form>.pdf), draft or not
        files.write(str(Path(job.docx).with_suffix(".pdf").as_posix()), data, pages=done.pages)
        if job.form == NOTICE and not decided:
            warnings.append("Thông báo kết quả mới là dự thảo (chưa có mức xếp loại do cấp có thẩm quyền quyết định, "
                            "cột «Mức xếp loại của cấp có thẩm quyền» sheet NhanSu): không đưa vào bộ nộp "
                            f"{report.recipient(build.campaign)}.")
            continue
        files.write(f"{FOLDER}/{job.form}.pdf", data, pages=done.pages)
        listed.add(f"{job.form}.pdf", job.form, job.title, docx=Path(job.docx).as_posix())
    if not any(job.form == NOTICE for job in plan.agency):
        warnings.append("Chưa có Thông báo kết quả đánh giá, xếp loại (mẫu «thong_bao_ket_qua») trong bộ nộp "
                        f"{report.recipient(build.campaign)}.")


# dossier.md §3.2 item 4, «the collective review report and the minutes of the meeting»: the leaders' unit's
# documents that go to the Sở Nội vụ. Not its ballot count for emulation titles (reward dossiers go apart, seed 001
# II.7), not the chi bộ's HD 43 Mẫu 01 (the party cell's review, which names every member of the chi bộ), not its
# proposal and emulation tables (dossier.md §2.1 items 4–5: the unit's papers to the agency's head).
LEADERS_FORMS = ("bien_ban_hop", "kiem_diem_tap_the")
LEADERS_PDF = "ho_so_lanh_dao.pdf"
LEADERS_KIND = "tap_the_lanh_dao"
LEADERS_SECTIONS = (("1. Biên bản cuộc họp", "1. Biên bản cuộc họp kiểm điểm tập thể lãnh đạo"),
                    ("2. Bản kiểm điểm của tập thể", "2. Báo cáo kiểm điểm tập thể lãnh đạo"),
                    ("3. Bản tự kiểm điểm cá nhân", "3. Hồ sơ cá nhân lãnh đạo"))


def leaders_record(ma_don_vi: str) -> dict[str, str]:
    """What the leaders' file for the Sở Nội vụ says of itself in its document information (read back by
    `hoso verify` against its `ban_ghi_pdf` in the package's list)."""
    return {"/HosoDonVi": ma_don_vi, "/HosoVanBan": "ho_so_lanh_dao_gui_so"}


def leaders_part(unit: UnitDossier, leaders: list[Person]) -> UnitDossier:
    """The part of the leaders' unit dossier that goes to the Sở Nội vụ (dossier.md §3.2 items 4–5): the minutes
    and the collective review report (LEADERS_FORMS), then each leader's own dossier whole (phiếu, bản kiểm điểm
    2B/02B, the residence cell's 3-213 on him, his period and points sheets: his own papers). Nobody else's."""
    codes = {p.ma_so for p in leaders}
    return replace(unit, pdf=f"{FOLDER}/{LEADERS_PDF}", persons=tuple(d for d in unit.persons if d.ma_so in codes),
                   before=tuple(d for d in unit.before if d.form in LEADERS_FORMS), after=())


def _leaders_file(build: Build, docs: list[Document], unit: UnitDossier, leaders: list[Person],
                  listed: _Listed) -> set[str]:
    """4–5. the leaders' file made for the Sở Nội vụ (`leaders_part`), as a bundle of its own; the leaders in it."""
    from pipeline.bundle.build import Collective, collective_bundle

    campaign = build.campaign
    part = leaders_part(unit, leaders)
    converted = {d.doc for d in docs if d.job is not None and d.pdf is not None}
    wanted_docs = [j.key for d in part.persons for j in d.documents] + [j.key for j in part.before]
    if not part.persons or not all(k in converted for k in wanted_docs):
        return set()  # not converted in this build: each leader's own dossier goes instead (lanh_dao/<ma_so>.pdf)
    title = f"Hồ sơ kiểm điểm tập thể lãnh đạo và hồ sơ cá nhân lãnh đạo — {campaign.agency.ten_co_quan}"
    record = leaders_record(unit.ma_don_vi)
    wanted = Collective(part, f"HỒ SƠ TẬP THỂ VÀ CÁ NHÂN LÃNH ĐẠO NĂM {campaign.year}",
                        (("Cơ quan", campaign.agency.ten_co_quan), ("Tập thể lãnh đạo", unit.ten_don_vi),
                         ("Số người", str(len(part.persons)))),
                        Titled(LEADERS_SECTIONS, title, tuple(record.items())))
    bundle, sha = collective_bundle(build, docs, wanted)
    build.files.write(part.pdf, bundle.data, sha256=sha, pages=bundle.pages)
    muc = [{"tieu_de": s.title, "mau": s.form, "ma_so": s.ma_so, "trang_dau": s.first_page, "so_trang": s.pages}
           for s in bundle.sections]
    listed.add(LEADERS_PDF, LEADERS_KIND, f"Hồ sơ kiểm điểm tập thể lãnh đạo, hồ sơ cá nhân lãnh đạo: {unit.ten_don_vi}",
               ma_don_vi=unit.ma_don_vi, nguon=unit.pdf, muc=muc, ban_ghi_pdf=manifest_record(record))
    return {d.ma_so for d in part.persons}


def _leader_dossiers(build: Build, docs: list[Document], listed: _Listed, warnings: list[str]) -> list[dict[str, Any]]:
    """4. the collective file of the agency's leadership and 5. the leaders' own dossiers, in one bundle made for
    the Sở Nội vụ from the leaders' unit dossier (`_leaders_file`: no other person's papers; the unit dossier
    itself, with the chi bộ's report and the unit's tables, stays with the agency); a leader outside it (not built
    with that unit) by a copy of his own dossier. Returns the manifest's `lanh_dao` entries."""
    campaign, files, plan = build.campaign, build.files, build.plan
    stage = files.root
    leaders = agency_leaders(campaign)
    in_file: set[str] = set()
    for unit in plan.units:
        if leaders and unit.ma_don_vi == leaders[0].ma_don_vi:
            in_file = _leaders_file(build, docs, unit, leaders, listed)

    built = {d.ma_so: d for d in plan.persons}
    if not leaders:
        warnings.append(f"Không tìm thấy người đứng đầu «{campaign.agency.nguoi_dung_dau}» (sheet CoQuan) trong sheet "
                        f"NhanSu: bộ nộp {report.recipient(campaign)} không có hồ sơ cá nhân của lãnh đạo cơ quan.")
    leader_entries: list[dict[str, Any]] = []
    for p in leaders:
        d = built.get(p.ma_so)
        entry = {"ma_so": p.ma_so, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "ma_don_vi": p.ma_don_vi,
                 "vai_tro": "nguoi_dung_dau" if p is leaders[0] else p.vai_tro, "pdf": None}
        if p.ma_so in in_file:
            entry["pdf"] = f"{FOLDER}/{LEADERS_PDF}"
        elif d is not None and (stage / d.pdf).is_file():
            rel = f"lanh_dao/{p.ma_so}.pdf"
            files.copy(d.pdf, f"{FOLDER}/{rel}")
            listed.add(rel, "lanh_dao", f"Hồ sơ cá nhân lãnh đạo: {p.ho_ten}", ma_so=p.ma_so, ma_don_vi=p.ma_don_vi,
                       goc=d.pdf)
            entry["pdf"] = f"{FOLDER}/{rel}"
        leader_entries.append(entry)
    return leader_entries


def _spec(registry: Registry, form: str, warnings: list[str]) -> FormSpec:
    """The form from the build's templates folder; an agency folder exported before this form
    existed falls back to the bundled template (with a warning)."""
    if form in registry:
        return registry.get(form)
    warnings.append(f"Thư mục mẫu biểu «{registry.root}» chưa có mẫu «{form}»: dùng mẫu mặc định của chương trình.")
    return Registry().get(form)
