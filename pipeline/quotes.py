"""Quotation marks on paper.

Vietnamese typography, and every administrative document of Nghị định 30/2020/NĐ-CP, quotes with curly
double quotes “…” (U+201C, U+201D), never with French guillemets. hoso's own wording — the reasons, the
comparable groups' names, the templates' static text, the console and web messages — quotes with «…»; a
paper (a filled form, an .xlsx given with the package, the reading guide) prints them “…”: one conversion
where the paper is written (forms/render.py::quote_marks, ingest/xlsx_write.py `Book(ngoac_kep=True)`,
submission/ratings_xlsx.py, submission/summary_table.py, submission/writeback.py, submission/guide.py).
The console and the web pages keep «…». A folder whose papers of this year were printed with «…» keeps
them (pipeline/run.py::_quotes_curly, manifest key `ngoac_kep`), so no paper already signed is printed
anew. Light on purpose: no import beyond the standard library.
"""

from __future__ import annotations

OPEN, CLOSE = "\u201c", "\u201d"  # “ ”
_GUILLEMETS = str.maketrans({"«": OPEN, "»": CLOSE})


def curly_quotes(text: str) -> str:
    """`text` with every «…» printed “…”: « becomes “, » becomes ” (an unpaired one too)."""
    return text.translate(_GUILLEMETS) if "«" in text or "»" in text else text
