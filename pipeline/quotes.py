"""Quotation marks on paper.

Vietnamese typography, and every administrative document of Nghị định 30/2020/NĐ-CP, quotes with curly
double quotes “…” (U+201C, U+201D), never with French guillemets. hoso's own wording — the reasons, the
comparable groups' names, the templates' static text, the console and web messages — quotes with «…»; a
paper (a filled form, an .xlsx given with the package, the reading guide) prints them “…”: one conversion
where the paper is written (forms/render.py::quote_marks, ingest/xlsx_write.py `Book(ngoac_kep=True)`,
submission/ratings_xlsx.py, submission/summary_table.py, submission/writeback.py, submission/guide.py).
The console and the web pages keep «…». A folder whose papers of this year were printed with «…» keeps
them (pipeline/run.py::_quotes_curly, manifest key `ngoac_kep`), so no paper already signed is printed
anew. Light on purpose: `hoso rate` imports it (pipeline.output only in `curly_in`).
"""

from __future__ import annotations

from typing import Any

MANIFEST_KEY = "ngoac_kep"  # manifest.json: true when the folder's papers print «…» as “…”
OPEN, CLOSE = "\u201c", "\u201d"  # “ ”
_GUILLEMETS = str.maketrans({"«": OPEN, "»": CLOSE})


def curly_quotes(text: str) -> str:
    """`text` with every «…» printed “…”: « becomes “, » becomes ” (an unpaired one too)."""
    return text.translate(_GUILLEMETS) if "«" in text or "»" in text else text


def curly_in(previous: dict[str, Any] | None, foreign: bool) -> bool:
    """Whether a build into a folder whose manifest is `previous` prints «…» as “…”: as the numbers/symbols
    (pipeline/run.py::_symbols_whole), yes where nothing of this campaign was printed (a new folder, another
    year's or agency's output — `foreign` —, ratings only) and in a folder whose manifest records it; no in a
    folder of this campaign's papers built before it (its manifest lacks the key, or records false): they keep
    the «…» they were printed, maybe signed, with."""
    from pipeline.output import new_typography

    return new_typography(previous, foreign, MANIFEST_KEY)
