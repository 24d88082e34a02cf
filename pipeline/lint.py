"""`hoso templates check`: every template compiles, and renders strictly with real data.

Each form is rendered (in memory, nothing written) with every context the build would give it,
built from a workbook — the agency's own, or the sample shipped with the program: the plan's
documents (each person's, unit and agency forms) and the submission package's report and summary
table (`pipeline/submission/report.py`, called as `submission/package.py` calls it). So a tag with
a typo, or a variable the data does not provide, is reported per form with the variable's name
and the person or unit it failed for.
"""

from __future__ import annotations

import dataclasses
import difflib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import ingest
from pipeline.errors import HosoError, OutputError, TemplateError
from pipeline.forms import fonts_asked
from pipeline.forms.context import person_context, printed_ratings
from pipeline.forms.registry import FormSpec, Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.ingest.model import Campaign, Person, Unit
from pipeline.plan import make_plan
from pipeline.rating import rate
from pipeline.rating.result import Ratings
from pipeline.resources import sample_workbook, templates_dir
from pipeline.submission import report, self_rating, summary_table
from pipeline.submission.package import (
    LETTER_FORM,
    REPORT_FORM,
    SELF_MINUTES_FORM,
    SELF_REPORT_FORM,
    TABLE_FORM,
    enclosed,
)

MAX_PROBLEMS = 5  # distinct problems listed per form


@dataclass(frozen=True)
class FormCheck:
    code: str
    title: str
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # what does not stop the form (a font this machine prints in another face)

    @property
    def ok(self) -> bool:
        return not self.problems


def export(dest: Path, *, force: bool = False, kept: list[Path] | None = None) -> Path:
    """Copy the default templates to `dest` for an agency to edit (use them with --templates), with the record of
    the program's files as exported (`forms.origin.RECORD`: a build then tells a form she edited from one she did not,
    which follows the program's updates). With `force` over an earlier export, every file of `dest` the copy would
    change (a form the agency edited, its meta.toml, the record) is first copied to `<dest>.truoc-<date-time>/`
    beside it, whose path is appended to `kept`: the agency's edits are never lost."""
    from pipeline.forms import origin

    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()) and not force:
        raise OutputError(f"Thư mục «{dest}» đã có tệp; chọn thư mục trống hoặc thêm --force để ghi đè (các tệp đã "
                          f"sửa trong đó được chép giữ lại sang thư mục «{dest.name}.truoc-<ngày-giờ>» bên cạnh).")
    try:
        aside = _keep_what_export_replaces(templates_dir(), dest, origin.RECORD) if dest.is_dir() else None
    except OSError as exc:
        raise OutputError(f"Không chép giữ lại được các tệp đã sửa của «{dest}» trước khi ghi đè ({exc.strerror or exc}); "
                          "chưa ghi đè gì.", hint="Kiểm tra quyền ghi và dung lượng đĩa của thư mục chứa nó.") from exc
    try:
        shutil.copytree(templates_dir(), dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        origin.write_record(dest)
    except OSError as exc:
        raise OutputError(f"Không chép được mẫu biểu vào «{dest}»: {exc.strerror or exc}.") from exc
    if aside is not None and kept is not None:
        kept.append(aside)
    return dest


def _keep_what_export_replaces(program: Path, dest: Path, record: str) -> Path | None:
    """The files of `dest` an export of `program` would overwrite with other bytes (and then the record it rewrites),
    copied with their paths to `<dest>.truoc-<date-time>/` beside it, made whole or not at all (a hidden folder
    renamed at the end); that folder, None when nothing would change."""
    import os
    import tempfile
    import time

    from pipeline import portable

    changed: list[Path] = []
    for src in sorted(program.rglob("*")):
        rel = src.relative_to(program)
        if "__pycache__" in rel.parts or not src.is_file():
            continue
        there = dest / rel
        if os.path.lexists(there) and (there.is_symlink() or not there.is_file()
                                       or there.read_bytes() != src.read_bytes()):
            changed.append(rel)
    if not changed:  # the record alone is rewritten (a time): nothing of the agency's to keep
        return None
    if (dest / record).is_file():  # it says which of the kept files were the program's when exported
        changed.append(Path(record))
    aside = portable.free_name(dest.parent, f"{dest.name}.truoc-{time.strftime('%Y%m%d-%H%M%S')}")
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.truoc-", dir=dest.parent))
    try:
        for rel in changed:
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            if (dest / rel).is_dir() and not (dest / rel).is_symlink():
                shutil.copytree(dest / rel, work / rel, symlinks=True)
            else:
                shutil.copy2(dest / rel, work / rel, follow_symlinks=False)
        os.chmod(work, 0o777 & ~portable.current_umask())
        os.rename(work, aside)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return aside


def listing(root: Path | None = None) -> list[FormSpec]:
    """Every form of the templates folder `root` (default: the program's), for `hoso templates`:
    the reconstructed ones (meta.toml `status = "tai_dung"`) first, then by first year and code."""
    registry = Registry(root)
    specs = [registry.get(code) for code in registry.codes]
    return sorted(specs, key=lambda s: (not s.reconstructed, s.years[0], s.code))


def check(root: Path | None = None, workbook: Path | None = None) -> list[FormCheck]:
    """Compile every form of the templates folder `root` and render it in memory with the contexts
    the build gives it for `workbook` (default: the sample shipped with the program)."""
    registry = Registry(root)
    campaign = ingest.load(workbook or sample_workbook())
    ratings = rate(campaign)
    contexts = _contexts(campaign, ratings, registry)
    results = []
    for code in registry.codes:
        spec = registry.get(code)
        problems: list[str] = []
        warnings: list[str] = []
        try:
            compiled = CompiledTemplate(spec.template, code=code)
            wrong_fonts, warnings = fonts_asked.notes(spec.template, fonts_asked.form_name(code, spec.title))
            problems += wrong_fonts  # a legacy TCVN3/VNI font: the Unicode data prints as wrong letters
            if (empty := no_variables(compiled, registry, code)) is not None:
                problems.append(empty)
            if (unknown := unknown_label(registry, code)) is not None:
                problems.append(unknown)
            for who, make in contexts(spec):
                try:
                    compiled.render_parts(make())
                except HosoError as exc:
                    message = (exc.message if isinstance(exc, TemplateError) else str(exc)).rstrip(".")
                    if not any(p.startswith(message) for p in problems):
                        problems.append(f"{message} (khi điền cho {who}).")
                    if len(problems) >= MAX_PROBLEMS:
                        break
        except HosoError as exc:
            problems.append(exc.message if isinstance(exc, TemplateError) else str(exc))
        results.append(FormCheck(code, spec.title, tuple(problems), tuple(warnings)))
    return results


Make = Callable[[], dict[str, Any]]


def empty_forms(registry: Registry) -> list[str]:
    """`no_variables` for each form of an agency's folder whose Word file is not the program's (the build's check
    with --templates: only those files are parsed)."""
    program = templates_dir()
    if registry.root.resolve() == program.resolve():
        return []
    out = []
    for code in registry.codes:
        mine, ours = registry.get(code).template, program / code / "template.docx"
        try:
            if ours.is_file() and mine.read_bytes() == ours.read_bytes():
                continue
        except OSError:
            continue
        if (said := no_variables(CompiledTemplate(mine, code=code), registry, code)) is not None:
            out.append(said)
    return out


def font_notes(registry: Registry) -> tuple[list[str], list[str]]:
    """`fonts_asked.notes` (errors, warnings) for each form of an agency's folder whose Word file is not the
    program's (the build's check with --templates; the program's own forms set no such font: tested)."""
    program = templates_dir()
    errors: list[str] = []
    warnings: list[str] = []
    if registry.root.resolve() == program.resolve():
        return errors, warnings
    for code in registry.codes:
        spec = registry.get(code)
        ours = program / code / "template.docx"
        try:
            if ours.is_file() and spec.template.read_bytes() == ours.read_bytes():
                continue
        except OSError:
            continue
        said = fonts_asked.notes(spec.template, fonts_asked.form_name(code, spec.title))
        errors += said[0]
        warnings += said[1]
    return errors, warnings


def unknown_labels(registry: Registry) -> list[str]:
    """`unknown_label` for each form of an agency's folder ([] for the program's own)."""
    return [said for code in registry.codes if (said := unknown_label(registry, code)) is not None]


def unknown_label(registry: Registry, code: str) -> str | None:
    """In an agency's folder, the form's [labels] keys that no one prints: not a label of the program's form
    (which the program's code may read) nor one the form's Word file names («{{ nhan.<key> }}») — a misspelt
    key («tieu_dee»), whose wording would silently never be printed while the program's stays. A sentence naming
    the keys and the nearest label of the form; None: none such, the program's own folder, a form of the
    agency's own (its labels are its own business)."""
    if registry.root.resolve() == templates_dir().resolve():
        return None
    mine = registry.get(code)
    try:
        ours = Registry().get(code)
    except TemplateError:
        return None
    extra = set(mine.labels) - set(ours.labels)
    printed = CompiledTemplate(mine.template, code=code).label_keys() if extra else None
    if printed is None or not extra - printed:
        return None
    words = []
    for key in sorted(extra - printed):
        near = difflib.get_close_matches(key, list(ours.labels), n=1, cutoff=0.6)
        words.append(f"«{key}»" + (f" (có phải «{near[0]}»?)" if near else ""))
    return (f"Mẫu «{code}», tệp meta.toml, phần [labels]: khóa {', '.join(words)} không phải lời văn nào của mẫu, "
            f"nên lời văn ghi ở đó không được in (mẫu vẫn in lời văn của chương trình). Sửa tên khóa cho đúng như "
            f"tệp meta.toml của mẫu gốc (hoso templates export), hoặc xóa dòng đó.")


def no_variables(compiled: CompiledTemplate, registry: Registry, code: str) -> str | None:
    """A form of an agency's own folder whose Word file names no variable while the program's form of that code
    does: the official Word file put in as it is, which fills nothing — every paper would come out without the
    person's or unit's data. None otherwise (the program's own folder; a form the program has not)."""
    program = templates_dir()
    if registry.root.resolve() == program.resolve() or compiled.variables():
        return None
    try:
        ours = Registry().get(code)
    except TemplateError:
        return None
    if not CompiledTemplate(ours.template, code=code).variables():
        return None
    examples = _examples(ours.template)
    return (f"Tệp Word của mẫu «{code}» không có biến {{{{ … }}}} nào: giấy tờ in ra sẽ không có dữ liệu của người, đơn "
            f"vị (họ tên, chức vụ, mức xếp loại…). Khi thay bằng tệp Word chính thức, chép các biến của mẫu cũ vào đúng "
            f"chỗ" + (f" (ví dụ {', '.join(examples)})." if examples else "."))


def _examples(template: Path, most: int = 4) -> list[str]:
    """The first printed fields of a Word template as written in it («{{ nguoi.ho_ten }}»), for a clerk to copy:
    fields with a dot (a person's or unit's data), in the document's order."""
    import re
    import zipfile

    with zipfile.ZipFile(template) as zf:
        text = re.sub(r"<[^>]+>", "", zf.read("word/document.xml").decode("utf-8"))
    out: list[str] = []
    for m in re.finditer(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}", text):
        field = "{{ " + m.group(1) + " }}"
        if "." in m.group(1) and field not in out:
            out.append(field)
        if len(out) == most:
            break
    return out


def _contexts(campaign: Campaign, ratings: Ratings, registry: Registry) -> Callable[[FormSpec], list[tuple[str, Make]]]:
    """For a form: (who it is filled for, its context) for every document the build would fill with
    it — the plan's jobs for person, unit and agency forms, the submission package for the report
    and the summary table. A form the plan does not use (another category's or another form
    set's) is filled for one representative person, unit or the agency, as the build would."""
    try:
        jobs = make_plan(campaign, registry).jobs
    except HosoError:  # e.g. CoQuan.bo_mau not in bo_mau.toml: the build reports it; fall back
        jobs = ()
    people = {p.ma_so: p for p in campaign.people}
    units = {u.ma_don_vi: u for u in campaign.units}
    leader = next((p for p in campaign.people if p.lanh_dao_quan_ly), campaign.people[0])
    rows = summary_table.summary_rows(campaign, ratings)
    a = campaign.agency
    self_rated = dataclasses.replace(campaign, agency=dataclasses.replace(
        a, tu_xep_loai_co_quan=a.tu_xep_loai_co_quan or "HTT",
        so_nguoi_du_hop_co_quan=a.so_nguoi_du_hop_co_quan if a.so_nguoi_du_hop_co_quan is not None else 1,
        so_phieu_dong_y_co_quan=a.so_phieu_dong_y_co_quan if a.so_phieu_dong_y_co_quan is not None else 1,
        diem_co_quan=a.diem_co_quan if a.diem_co_quan is not None else 0.0))
    submission = {
        REPORT_FORM: lambda spec: report.report_context(campaign, ratings, spec, rows),
        TABLE_FORM: lambda spec: report.table_document_context(campaign, ratings, spec, rows),
        LETTER_FORM: lambda spec: report.letter_context(campaign, ratings, spec, rows, enclosed(campaign, ratings)),
        # the agency's self-rating file, filled as the build would once CoQuan gives the level (and a vote)
        SELF_REPORT_FORM: lambda spec: self_rating.context(self_rated, ratings, spec, rows),
        SELF_MINUTES_FORM: lambda spec: self_rating.context(self_rated, ratings, spec, rows),
    }

    shown = printed_ratings(ratings)  # as the build fills the person forms (forms/fill.py)

    def for_person(spec: FormSpec, p: Person) -> tuple[str, Make]:
        return f"{p.ma_so} — {p.ho_ten}", lambda: person_context(campaign, spec, p, shown.of(p.ma_so))

    def for_unit(spec: FormSpec, u: Unit) -> tuple[str, Make]:
        return f"đơn vị {u.ma_don_vi}", lambda: unit_document_context(campaign, ratings, spec, u)

    def for_agency(spec: FormSpec) -> tuple[str, Make]:
        return campaign.agency.ten_co_quan, lambda: agency_document_context(campaign, ratings, spec)

    def contexts(spec: FormSpec) -> list[tuple[str, Make]]:
        if spec.code in submission:
            return [(campaign.agency.ten_co_quan, lambda: submission[spec.code](spec))]
        out = []
        for job in (j for j in jobs if j.form == spec.code):
            if job.ma_so is not None:
                out.append(for_person(spec, people[job.ma_so]))
            elif job.ma_don_vi is not None:
                out.append(for_unit(spec, units[job.ma_don_vi]))
            else:
                out.append(for_agency(spec))
        if out:
            return out
        if spec.scope == "don_vi":
            return [for_unit(spec, units[leader.ma_don_vi])]
        if spec.scope == "co_quan":
            return [for_agency(spec)]
        return [for_person(spec, leader)]

    return contexts
