"""Task functions for a Dask cluster (`hoso build --cum`), where the workers share no file system
with the client: each takes what it needs as bytes and returns bytes; the client writes the
results into its staging folder and its cache (pipeline/parallel.py, `Backend.shares_files`).

Module-level functions with small explicit arguments: Dask pickles them by reference, so every
worker needs hoso installed (as for the conversion, `pipeline/pdf/cum.py`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.bundle.assemble import BuiltBundle
    from pipeline.bundle.build import _Shared
    from pipeline.forms.render import CompiledTemplate
    from pipeline.plan import UnitDossier

    # (what the units need, the units, PDFs of forms not joined, (joined PDFs, key -> (index of
    # its joined PDF, first page, pages)), cached bundles: pages and sections only)
    UnitsTask = tuple[_Shared, list[UnitDossier], dict[str, bytes],
                      tuple[list[bytes], dict[str, tuple[int, int, int]]], dict[str, BuiltBundle]]
    UnitResult = tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[tuple[str, str]],
                       dict[str, BuiltBundle]]

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


def bundle_units(task: UnitsTask) -> list[UnitResult]:
    """The bundles of a few units to be built, from their documents' PDFs (the joined PDFs they were
    converted in, each parsed once here for all the units, and the PDFs of forms not joined): per
    unit (person entries, unit entry, pages, built, reused, [(staged path, bundle key)], {bundle key:
    the bundle built here}) — the client caches and stages them (`bundle.build._bundles_on_cluster`)."""
    from pipeline.bundle.assemble import Pages
    from pipeline.bundle.build import _RemoteStore, _unit_bundles

    sh, units, singles, (joined, refs), hits = task
    pages_of = Pages(singles, {k: (joined[i], first, n) for k, (i, first, n) in refs.items()})
    out: list[UnitResult] = []
    for unit in units:
        store = _RemoteStore(hits)
        p_out, u_out, pages, built, reused, writes = _unit_bundles(sh, unit, pages_of, store)
        out.append((p_out, u_out, pages, built, reused, writes, store.built))
    return out
