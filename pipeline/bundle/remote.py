"""The bundle task of a Dask cluster (`hoso build --cum`), whose workers share no file system with
the client: a few units' documents' PDFs in, their new bundles out; the client caches and stages
them (`bundle.build._bundles_on_cluster`, pipeline/parallel.py `Backend.shares_files`).

A module-level function with small explicit arguments: Dask pickles it by reference, so every
worker needs hoso installed (as for the conversion, `pipeline/pdf/cum.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.bundle.assemble import BuiltBundle
    from pipeline.bundle.build import _Shared
    from pipeline.plan import UnitDossier

    # (what the units need, the units, PDFs of forms not joined, (joined PDFs, key -> (index of
    # its joined PDF, first page, pages)), cached bundles: pages and sections only)
    UnitsTask = tuple[_Shared, list[UnitDossier], dict[str, bytes],
                      tuple[list[bytes], dict[str, tuple[int, int, int]]], dict[str, BuiltBundle]]
    UnitResult = tuple[list[dict[str, Any]], dict[str, Any], int, int, int, list[tuple[str, str]],
                       dict[str, BuiltBundle]]


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
