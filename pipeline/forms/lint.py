"""`hoso templates check`: every template compiles, and renders strictly with real data.

Each form is rendered (in memory, nothing written) with the context the build would give it,
built from a workbook — the agency's own, or the sample shipped with the program — so a tag with
a typo or a variable the data does not provide is reported per form, with the variable's name.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline import ingest
from pipeline.errors import HosoError, OutputError, TemplateError
from pipeline.forms.context import person_context
from pipeline.forms.registry import Registry
from pipeline.forms.render import CompiledTemplate
from pipeline.forms.unit_context import agency_document_context, unit_document_context
from pipeline.rating import rate
from pipeline.resources import sample_workbook, templates_dir


@dataclass(frozen=True)
class FormCheck:
    code: str
    title: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def export(dest: Path, *, force: bool = False) -> Path:
    """Copy the default templates to `dest` for an agency to edit (use them with --templates)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()) and not force:
        raise OutputError(f"Thư mục «{dest}» đã có tệp; chọn thư mục trống hoặc thêm --force để ghi đè.")
    try:
        shutil.copytree(templates_dir(), dest, dirs_exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Không chép được mẫu biểu vào «{dest}»: {exc.strerror or exc}.") from exc
    return dest


def check(root: Path | None = None, workbook: Path | None = None) -> list[FormCheck]:
    registry = Registry(root)
    campaign = ingest.load(workbook or sample_workbook())
    ratings = rate(campaign)
    person = next((p for p in campaign.people if p.lanh_dao_quan_ly), campaign.people[0])
    unit = campaign.unit(person.ma_don_vi)
    results = []
    for code in registry.codes:
        spec = registry.get(code)
        problems: list[str] = []
        try:
            compiled = CompiledTemplate(spec.template, code=code)
            if spec.scope == "don_vi":
                ctx = unit_document_context(campaign, ratings, spec, unit)
            elif spec.scope == "co_quan":
                ctx = agency_document_context(campaign, ratings, spec)
            else:
                ctx = person_context(campaign, spec, person, ratings.of(person.ma_so))
            compiled.render_parts(ctx)
        except TemplateError as exc:
            problems.append(exc.message)
        except HosoError as exc:
            problems.append(str(exc))
        results.append(FormCheck(code, spec.title, tuple(problems)))
    return results
