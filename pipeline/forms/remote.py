"""The fill task of a Dask cluster (`hoso build --cum`), whose workers share no file system with the
client: a template's bytes and contexts in, the filled .docx bytes out; the client writes them into
its staging folder and cache (`forms.fill._fill_on_cluster`, pipeline/parallel.py `Backend.shares_files`).

A module-level function with small explicit arguments: Dask pickles it by reference, so every
worker needs hoso installed (as for the conversion, `pipeline/pdf/cum.py`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.forms.render import CompiledTemplate

_templates: dict[tuple[str, str], CompiledTemplate] = {}  # (template SHA-256, form) -> CompiledTemplate, per worker process


def _compile(data: bytes, name: str, form: str) -> CompiledTemplate:
    """The template compiled from its bytes: written to a private folder under its own file name
    (messages name it as on the client), compiled (everything is read into memory), removed."""
    from pipeline.forms.render import CompiledTemplate

    with tempfile.TemporaryDirectory(prefix="hoso-mau-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return CompiledTemplate(path, code=form)


def render_forms(task: tuple[bytes, str, str, str, list[dict[str, Any]], bool]) -> list[tuple[bytes, str | None]]:
    """Fill one template with each context: [(the .docx bytes, the first page's header text when
    `want_head`, else None)] — the same bytes `forms.fill` writes locally."""
    template_bytes, sha, name, form, contexts, want_head = task
    compiled = _templates.get((sha, form))
    if compiled is None:
        compiled = _templates[sha, form] = _compile(template_bytes, name, form)
    out: list[tuple[bytes, str | None]] = []
    with tempfile.TemporaryDirectory(prefix="hoso-dien-") as tmp:
        dest = Path(tmp) / "form.docx"
        for context in contexts:
            parts = compiled.render_to(context, dest)
            out.append((dest.read_bytes(), compiled.first_page_header(parts) if want_head else None))
    return out
