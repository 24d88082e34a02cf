"""Measure how many pages each form's documents take in a healthy render, to declare `trang` in
its meta.toml (pipeline/pdf/validate.py: a converted or cached PDF outside that range is refused).

    python tools/measure_pages.py --nam-sau data/mau_ho_so_2024.xlsx data/mau_ho_so_2026.xlsx [more.xlsx]

`--nam-sau` also measures each workbook's next year as `hoso init --tu` makes it (nobody rated yet:
the agency's lists of people not rated are at their longest, the densest pages a list form has —
a 2027 workbook straight from the rollover was refused for a 6-page report declared at most 5).

Builds each workbook with the real LibreOffice into a scratch folder, with an empty cache (every
form converted), and prints per template: documents, pages and length (validate.docx_length)
measured, and the declaration made of them (`declaration`); `--write` writes it into meta.toml.
Forms the workbooks do not use are left as they are (no declaration: not checked).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docxkit as dk  # noqa: E402

from pipeline import api  # noqa: E402
from pipeline.forms.registry import Registry  # noqa: E402
from pipeline.pdf import validate  # noqa: E402
from pipeline.pdf.pool import Converter  # noqa: E402


class Recording(Converter):
    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.seen: list[tuple[str, int, int]] = []  # (form, pages, length)

    def run(self, items, **kw):
        done = super().run(items, **kw)
        for it in items:
            self.seen.append((it.form, done[it.key][1], validate.docx_length(Path(it.docx).read_bytes())))
        return done


def measure(workbook: Path) -> list[tuple[str, int, int, int]]:
    with tempfile.TemporaryDirectory(prefix="hoso-do-trang-") as tmp:
        conv = Recording()
        api.build(workbook, Path(tmp) / "out", api.BuildOptions(cache_dir=Path(tmp) / "cache", show_progress=False),
                  converter=conv)
        return conv.seen


MARGIN = 0.75  # the length a page is taken to hold at least: this share of the least measured


def declaration(spec, rows: list[tuple[str, int, int]]) -> tuple[int, int, int]:
    """(least, most, length a page holds at least) for a form's measured documents: the least pages
    measured (one less for forms of 3 pages or more, whose free texts may be shorter than the
    samples'; 1 for unit and agency documents, whose lists are short for a unit or agency of a
    few people), the most plus one, and MARGIN of the least length per page."""
    pages = [p for _f, p, _n in rows]
    if spec.scope != "ca_nhan":  # a list: as short as one page for a unit or agency of a few people
        least = 1
    else:
        least = max(1, min(pages) - (1 if min(pages) >= 3 else 0))
    per_page = int(MARGIN * min(n / p for _f, p, n in rows)) // 10 * 10
    return least, max(pages) + 1, max(100, per_page)


def write(spec, least: int, most: int, per_page: int) -> None:
    """Put `trang`, `trang_ky_tu`, `trang_mau` into the form's meta.toml, before its first table,
    replacing those written before (the rest of the file is kept as it is)."""
    meta = spec.template.parent / "meta.toml"
    block = [
        "# Pages of a healthy render of one document (pipeline/pdf/validate.py refuses a PDF outside them),",
        "# measured on the sample workbooks with tools/measure_pages.py for the template.docx named by trang_mau:",
        f"trang = [{least}, {most}]",
        f"trang_ky_tu = {per_page}",
        f'trang_mau = "{spec.template_sha256[:16]}"',
    ]
    meta.write_text(dk.with_page_lines(meta.read_text(encoding="utf-8"), block), encoding="utf-8")


def main(argv: list[str]) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workbooks", nargs="+", type=Path)
    ap.add_argument("--write", action="store_true", help="write the ranges into each measured form's meta.toml")
    ap.add_argument("--nam-sau", action="store_true", help="also measure each workbook's next year (hoso init --tu)")
    args = ap.parse_args(argv)
    validate.page_problem = lambda *_args: None  # measure what LibreOffice gives, refuse nothing
    with tempfile.TemporaryDirectory(prefix="hoso-nam-sau-") as rolled:
        books = list(args.workbooks)
        if args.nam_sau:
            for i, wb in enumerate(args.workbooks):
                (Path(rolled) / str(i)).mkdir()
                books.append(api.init_from(wb, Path(rolled) / str(i)).dest)
        seen = [row for wb in books for row in measure(wb)]
    registry = Registry()
    for form in sorted({f for f, *_ in seen}):
        rows = [r for r in seen if r[0] == form]
        spec = registry.get(form)
        least, most, per_page = declaration(spec, rows)
        pages = [p for _f, p, _n in rows]
        print(f"{form:30} n={len(rows):3} pages {min(pages)}-{max(pages)} length {min(n for *_, n in rows)}-"
              f"{max(n for *_, n in rows)}: trang = [{least}, {most}], trang_ky_tu = {per_page}")
        if args.write:
            write(spec, least, most, per_page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
