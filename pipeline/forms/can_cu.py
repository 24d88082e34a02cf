"""Legal citations of the unit, agency and submission documents, by evaluation year, from
`templates/can_cu.toml` (the build's templates folder first, else the bundled one). Documented
in docs/render-context.md ("Citations")."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import TemplateError
from pipeline.resources import templates_dir

FILE = "can_cu.toml"
KEYS = ("danh_gia", "cong_chuc", "vien_chuc", "dang", "thi_dua", "ngan")
# optional: `van_dung`, appended to a unit's one text when some of its people are not of that text's category
# (cán bộ, NLĐ rated under ND 335 by the agency's rules); "{doi_tuong}" names them; `van_dung_<text>` (cong_chuc,
# vien_chuc): the words after that text instead (ND 233's «quy chế đánh giá của đơn vị»)
# `ty_le`: the texts setting the 20 % HTXS cap, cited by the Sở Nội vụ's summary (`province.cap_basis`)
OPTIONAL = ("van_dung", "van_dung_cong_chuc", "van_dung_vien_chuc", "ty_le")


@cache
def _entries(path: Path) -> tuple[dict[str, Any], ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"Không đọc được tệp căn cứ pháp lý «{path}»: {exc}") from exc
    out = []
    for i, e in enumerate(data.get("can_cu", []), 1):
        missing = [k for k in ("tu_nam", "den_nam", *KEYS) if k not in e]
        if missing:
            raise TemplateError(f"Tệp «{path}», mục [[can_cu]] thứ {i}: thiếu {', '.join(missing)}.")
        out.append(e)
    return tuple(out)


def source_for(template: Path | None) -> Path:
    """`can_cu.toml` beside the form folders of `template` (a form's template.docx), else the bundled file."""
    if template is not None:
        own = Path(template).parent.parent / FILE
        if own.is_file():
            return own
    return templates_dir() / FILE


def citations(year: int, template: Path | None = None, *, folder: Path | None = None) -> dict[str, str]:
    """The citations in force for evaluation year `year` (keys: KEYS, and those of OPTIONAL the entry has);
    `folder`: a templates folder (the Sở's `--templates`) whose can_cu.toml is read when it has one."""
    path = folder / FILE if folder is not None and (folder / FILE).is_file() else source_for(template)
    for e in _entries(path):
        if int(e["tu_nam"]) <= year <= int(e["den_nam"]):
            return {k: str(e[k]) for k in (*KEYS, *OPTIONAL) if k in e}
    raise TemplateError(f"Tệp căn cứ pháp lý «{path}» không có mục nào cho năm đánh giá {year} "
                        "(thêm một mục [[can_cu]] có tu_nam ≤ năm ≤ den_nam).")
