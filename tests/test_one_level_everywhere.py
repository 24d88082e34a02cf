"""One person, one level everywhere: every level printed for a person, in every document of a real
build, agrees with the other documents that print it under the same label.

A person may legitimately have several distinct levels, each under its own label: the self-rating
(tự xếp loại), the unit's proposal (đề xuất: the meeting's, rules.md R5.2 first moment), the competent
evaluator's decision (quyết định: second moment), the party self-rating, the level the points give,
the meeting's vote. What must never be printed: one label with two values for one person, a level
under no known label, a proposal printed as a result, or a result other than the decision.

The edge workbooks are the samples (2026 points regime, 2024 ND 90 regime with Mẫu 12/HDDG) with,
in the comparable group «Chuyên viên – Phòng Tổng hợp» (HTXS proposed by the votes for VP-016,
VP-017, VP-018; the cap keeps one, VP-016): VP-017 decided HTXS (it takes the group's only HTXS
place, so the undecided VP-016 is moved to HTT by the engine's *current* proposal while the meeting
proposed HTXS), VP-019 decided HT (the vote gave HTT), VP-020 decided HTT, the others undecided;
VP-022 self-rated HT against a proposal of HTT; VP-023, a party member, rated HT by the party and
self-rated HTT as a party member.

Sources read: the text of every person and unit bundle PDF (`pdftotext`, split by the bookmarks),
the notice and the Sở Nội vụ package PDFs; the levels in table cells and the underlined choice in
the official level lists from the Word file each PDF was converted from (pdftotext loses table
cells' order and underlines); the package spreadsheet's list of people."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest

from pipeline import api
from pipeline.rating.levels import WORDS

ROOT = Path(__file__).resolve().parent.parent
CODES = {w: c for c, w in WORDS.items()}
LEVEL = r"(Không hoàn thành nhiệm vụ|Hoàn thành xuất sắc nhiệm vụ|Hoàn thành tốt nhiệm vụ|Hoàn thành nhiệm vụ)"
LEVEL_RE = re.compile(LEVEL)
LEVEL_CI = re.compile(LEVEL, re.I)

# labels of the flowing text (minutes, forms): «label: level»; the canonical label says which level it is
SELF, PROPOSED, DECIDED, PARTY_SELF, VOTED, POINTS, MANAGER, RECOMPUTED = (
    "tự xếp loại", "đề xuất", "quyết định", "đảng viên tự xếp loại", "biểu quyết", "theo điểm",
    "người quản lý đề xuất", "đề xuất tính lại sau các quyết định")
TEXT_LABELS = (
    (re.compile(r"Tự nhận mức: " + LEVEL), SELF),
    (re.compile(r"Mức xếp loại đề xuất(?: tại cuộc họp đơn vị)?: " + LEVEL), PROPOSED),
    (re.compile(r"Mức xếp loại của cấp có thẩm quyền: " + LEVEL), DECIDED),
    # 2A/2B's state block (a cán bộ's or người lao động's names his kind: context_2026.party_state_labels)
    (re.compile(r"Mức xếp loại chất lượng (?:công chức, viên chức|cán bộ|người lao động): " + LEVEL), DECIDED),
    (re.compile(r"Kết quả biểu quyết là " + LEVEL), VOTED),
    # the emulation reasons: «Cần xếp loại từ … trở lên; mức đề xuất: X» (or «mức quyết định: X»)
    (re.compile(r"; mức đề xuất: " + LEVEL), PROPOSED),
    (re.compile(r"; mức quyết định: " + LEVEL), DECIDED),
    (re.compile(r"Mức xếp loại tương ứng với tổng điểm: " + LEVEL), POINTS),
    (re.compile(r"Mức theo điểm năm: " + LEVEL), POINTS),
)
# the official lists where the chosen level is underlined: the label of the list → which level it is
LIST_LABELS = (
    ("tự nhận mức xếp loại chất lượng đảng viên", PARTY_SELF),
    ("xếp loại đảng viên", PARTY_SELF),
    ("tự xếp loại chất lượng", SELF),
    ("tự đề xuất mức xếp loại", SELF),
    ("xếp loại cán bộ, công chức, viên chức", SELF),  # Mẫu 02A/02B part VII: the member's own choice
    ("kết quả đánh giá, xếp loại chất lượng", DECIDED),
    ("kết quả xếp loại chất lượng", DECIDED),
    ("đề xuất mức xếp loại chất lượng", MANAGER),
    ("mức xếp loại", MANAGER),  # Mẫu 02/03 part III: the direct manager's proposal
)
# table columns (unit tables, notice): header → label; «… (đề xuất)» in a cell is always the proposal
COLUMNS = {"Tự xếp loại": SELF, "Mức đề xuất": PROPOSED, "Kết quả xếp loại": DECIDED,
           "Xếp loại chất lượng năm": DECIDED, "Mức xếp loại": DECIDED}
NOT_LEVELS = ("Ghi chú",)
BOX_MODE = "ô đánh dấu"  # free-text reasons, which quote levels inside a sentence


@dataclass(frozen=True)
class Seen:
    ma_so: str
    label: str
    level: str  # code
    where: str


def _edge_workbook(src: Path, dst: Path) -> Path:
    wb = openpyxl.load_workbook(src)
    ws = wb["NhanSu"]
    header = [c.value for c in ws[1]]
    for extra in ("muc_dang_vien", "tu_xep_loai_dang_vien"):
        if extra not in header:
            ws.cell(1, len(header) + 1, extra)
            header.append(extra)
    col = {h: i + 1 for i, h in enumerate(header)}
    edits = {"VP-017": {"muc_quyet_dinh": "HTXS"}, "VP-019": {"muc_quyet_dinh": "HT"},
             "VP-020": {"muc_quyet_dinh": "HTT"}, "VP-022": {"tu_xep_loai": "HT"},
             "VP-023": {"muc_dang_vien": "HT", "tu_xep_loai_dang_vien": "HTT"}}
    for r in range(2, ws.max_row + 1):
        for key, value in edits.get(ws.cell(r, col["ma_so"]).value, {}).items():
            ws.cell(r, col[key], value)
    wb.save(dst)
    return dst


@pytest.fixture(scope="module", params=[(2026, ""), (2024, ""), (2026, BOX_MODE), (2024, BOX_MODE)],
                ids=["2026", "2024", "2026-o-danh-dau", "2024-o-danh-dau"])
def edge(request, tmp_path_factory, shared_cache) -> tuple[Path, Path]:
    """A real build of the edge workbook; with BOX_MODE, every form that can marks levels with tick
    boxes (meta.toml label `cach_danh_dau_muc`) instead of underlining them."""
    year, marks = request.param
    folder = tmp_path_factory.mktemp(f"same{year}")
    book = _edge_workbook(ROOT / "data" / f"mau_ho_so_{year}.xlsx", folder / "edge.xlsx")
    templates = None
    if marks:
        templates = folder / "mau"
        shutil.copytree(ROOT / "templates", templates)
        for meta in templates.glob("*/meta.toml"):
            text = meta.read_text(encoding="utf-8")
            meta.write_text(text.replace('cach_danh_dau_muc = "gạch chân"', f'cach_danh_dau_muc = "{marks}"'),
                            encoding="utf-8")
    out = folder / "output"
    api.build(book, out, api.BuildOptions(cache_dir=shared_cache, today=dt.date(year, 11, 10), templates=templates))
    return book, out


def _flat(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=64)
def _pdf_pages(pdf: Path) -> tuple[str, ...]:
    """The text of each page of `pdf` (`pdftotext` run once per file: it ends every page with a form feed)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return tuple(text.split("\f"))


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The text of `pdf`, or of its pages first..last (1-based), whitespace folded."""
    pages = _pdf_pages(pdf)
    return _flat(" ".join(pages[first - 1:last] if first else pages))


def _outline(pdf: Path) -> list[tuple[int, int, int, str]]:
    """(depth, first page, last page, title) of every bookmark, pages 1-based."""
    reader = pypdf.PdfReader(pdf)
    flat: list[tuple[int, int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                flat.append((depth, reader.get_destination_page_number(item) + 1, item.title))
    walk(reader.outline, 0)
    out = []
    for i, (depth, page, title) in enumerate(flat):
        end = next((p - 1 for d, p, _t in flat[i + 1:] if d <= depth), len(reader.pages))
        out.append((depth, page, max(page, end), title))
    return out


BOXES = re.compile(r"([^.:;)]{3,90}): ((?:[☐☒] " + LEVEL + r" ?){4})")


def _list_label(text: str) -> str:
    text = text.strip().casefold()
    return next((label for key, label in LIST_LABELS if key in text), "?" + text)


def _text_levels(text: str, ma_so: str, where: str) -> list[Seen]:
    """The labelled levels of a flowing text, and the ticked box of each list of four (the forms'
    `cach_danh_dau_muc = "ô đánh dấu"`) under the list's label."""
    seen = [Seen(ma_so, label, CODES[m.group(1)], where) for rx, label in TEXT_LABELS for m in rx.finditer(text)]
    for m in BOXES.finditer(text):
        for ticked in re.findall("☒ " + LEVEL, m.group(2)):
            seen.append(Seen(ma_so, _list_label(m.group(1)), CODES[ticked], where))
    return seen


def _minutes_levels(text: str, names: dict[str, str], where: str) -> list[Seen]:
    """The minutes' block of each member: «Đồng chí NAME – post» up to the next member."""
    seen: list[Seen] = []
    heads = list(re.finditer(r"\d+\.\d+\. Đồng chí (.+?) – ", text))
    for i, h in enumerate(heads):
        block = text[h.start():heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        ma_so = names.get(h.group(1).strip())
        assert ma_so, f"{where}: no person named «{h.group(1)}»"
        seen += _text_levels(block, ma_so, where)
    return seen


def _underlined(path: Path, ma_so: str) -> list[Seen]:
    """The underlined choice of each official level list of a filled Word file, with its label (the
    paragraph's own text before the list, or the paragraph above a list that starts with «(»)."""
    seen: list[Seen] = []
    prev = ""
    for p in docx.Document(str(path)).paragraphs:
        chosen = "".join(r.text for r in p.runs if r.font.underline and r.text.strip())
        m = LEVEL_CI.fullmatch(chosen.strip().rstrip(";.").strip()) if chosen else None
        if m:
            label = _list_label(p.text.split("(")[0].strip() or prev)
            code = next(c for c, w in WORDS.items() if w.casefold() == m.group(1).casefold())
            seen.append(Seen(ma_so, label, code, f"{path.parent.name}/{path.name}"))
        if p.text.strip():
            prev = p.text
    return seen


def _table_levels(path: Path, names: dict[str, str]) -> list[Seen]:
    """Levels in the cells of a table with a «Họ và tên» column, under their column's header."""
    seen: list[Seen] = []
    for table in docx.Document(str(path)).tables:
        rows = [[c.text.strip() for c in r.cells] for r in table.rows]
        header = next((r for r in rows if "Họ và tên" in r), None)
        if header is None:
            continue
        who = header.index("Họ và tên")
        for row in rows:
            ma_so = names.get(row[who]) if len(row) > who else None
            if not ma_so:
                continue
            for head, cell in zip(header, row, strict=False):
                m = LEVEL_RE.match(cell)
                if head in NOT_LEVELS:  # a reason: only the levels it labels
                    seen += _text_levels(_flat(cell), ma_so, f"{path.parent.name}/{path.name} «{head}»")
                    continue
                if not m:
                    continue
                label = PROPOSED if cell.endswith("(đề xuất)") else COLUMNS.get(head, "?" + head)
                seen.append(Seen(ma_so, label, CODES[m.group(1)], f"{path.parent.name}/{path.name} «{head}»"))
    return seen


def collect(out: Path, names: dict[str, str]) -> list[Seen]:
    """Every level printed for a person in the output folder, with its label."""
    seen: list[Seen] = []
    # per-person bundles: everything printed in them is about that person
    for pdf in sorted((out / "ca_nhan").glob("*/*.pdf")):
        seen += _text_levels(_pdf_text(pdf), pdf.stem, str(pdf.relative_to(out)))
        for form in sorted((pdf.parent / pdf.stem).glob("*.docx")):
            seen += _underlined(form, pdf.stem)
    # unit bundles (and the leaders' bundles of the package): split by their bookmarks
    for pdf in sorted([*(out / "don_vi").glob("*.pdf"), *(out / "nop_so_noi_vu").glob("ho_so_lanh_dao.pdf")]):
        where = str(pdf.relative_to(out))
        for _depth, first, last, title in _outline(pdf):
            if title.startswith("Biên bản cuộc họp nhận xét"):
                seen += _minutes_levels(_pdf_text(pdf, first, last), names, f"{where} (biên bản họp)")
            elif title.startswith("Biên bản kiểm phiếu"):  # «- Đồng chí NAME (…): why not eligible»
                text = _pdf_text(pdf, first, last)
                for m in re.finditer(r"- Đồng chí (.+?) \([^)]*\): (.*?)(?= - Đồng chí | \d+\. |$)", text):
                    ma_so = names.get(m.group(1).strip(), "?" + m.group(1))
                    seen += _text_levels(m.group(2), ma_so, f"{where} (biên bản kiểm phiếu)")
            elif title in names:
                seen += _text_levels(_pdf_text(pdf, first, last), names[title], f"{where} ({title})")
    for form in sorted([*(out / "don_vi").glob("*/*.docx"), *(out / "co_quan").glob("*.docx"),
                        *(out / "nop_so_noi_vu").glob("*.docx")]):
        seen += _table_levels(form, names)
    # the notice: its text outside the table announces nobody's level by name
    notice = out / "co_quan" / "thong_bao_ket_qua.pdf"
    seen += _text_levels(_pdf_text(notice), "?", "co_quan/thong_bao_ket_qua.pdf")
    # the report and the biểu count final levels; they name whoever is counted at a level their unit
    # did not propose: «NAME (đơn vị đề xuất X, tính là Y)»
    for pdf in ("bao_cao_ket_qua_danh_gia.pdf", "bieu_tong_hop.pdf"):
        text = _pdf_text(out / "nop_so_noi_vu" / pdf)
        seen += _text_levels(text, "?", pdf)
        for m in re.finditer(r"(?:mức của |; )([^;(),\d]+?) \(đơn vị đề xuất " + LEVEL + ", tính là " + LEVEL + r"\)", text):
            ma_so = names.get(m.group(1).strip(), "?" + m.group(1))
            seen += [Seen(ma_so, PROPOSED, CODES[m.group(2)], pdf), Seen(ma_so, RECOMPUTED, CODES[m.group(3)], pdf)]
    # the package spreadsheet: one row per person, the level with what it is («Căn cứ mức»)
    book = out / "nop_so_noi_vu" / "bieu_tong_hop.xlsx"
    ws = openpyxl.load_workbook(book)["DanhSach"]
    rows = list(ws.iter_rows(values_only=True))
    head = list(rows[0])
    for row in rows[1:]:
        rec = dict(zip(head, row, strict=False))
        if rec.get("Mức xếp loại") in WORDS:
            basis = str(rec.get("Căn cứ mức") or "")
            again = re.fullmatch(r"Mức đề xuất tính lại theo tỷ lệ sau các mức đã quyết định "
                                 r"\(đơn vị đề xuất: (HTXS|HTT|HT|KHT)\)", basis)
            label = (DECIDED if basis == "Mức của cấp có thẩm quyền" else PROPOSED if basis == "Mức đề xuất"
                     else RECOMPUTED if again else "?" + basis)
            seen.append(Seen(str(rec["Mã số"]), label, str(rec["Mức xếp loại"]), "bieu_tong_hop.xlsx DanhSach"))
            if again:
                seen.append(Seen(str(rec["Mã số"]), PROPOSED, again.group(1), "bieu_tong_hop.xlsx DanhSach"))
    return seen


def problems(seen: list[Seen], people: dict[str, dict]) -> list[str]:
    """What must never be printed, in words (empty when every document agrees)."""
    found: list[str] = []
    by: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s in seen:
        if s.ma_so not in people:
            found.append(f"{s.where}: a level ({s.level}, «{s.label}») printed for no person")
            continue
        if s.label.startswith("?"):
            found.append(f"{s.ma_so} {s.where}: level {s.level} under no known label ({s.label[1:]!r})")
            continue
        by[(s.ma_so, s.label)][s.level].append(s.where)
    for (ma_so, label), values in sorted(by.items()):
        if len(values) > 1:
            found.append(f"{ma_so}: «{label}» printed with {len(values)} values: "
                         + "; ".join(f"{lv} in {', '.join(sorted(set(w)))}" for lv, w in sorted(values.items())))
    for ma_so, p in people.items():
        decided = set(by.get((ma_so, DECIDED), {}))
        if p["muc_quyet_dinh"] and decided - {p["muc_quyet_dinh"]}:
            found.append(f"{ma_so}: decided {p['muc_quyet_dinh']}, printed as the result: {sorted(decided)}")
        if not p["muc_quyet_dinh"] and decided:
            found.append(f"{ma_so}: not decided, yet printed as a result: {sorted(decided)}")
        own = set(by.get((ma_so, SELF), {}))
        if p["tu_xep_loai"] and own - {p["tu_xep_loai"]}:
            found.append(f"{ma_so}: self-rated {p['tu_xep_loai']} in the workbook, printed {sorted(own)}")
        party = set(by.get((ma_so, PARTY_SELF), {}))
        if party - {p["tu_xep_loai_dang_vien"]}:
            found.append(f"{ma_so}: party self-rating {p['tu_xep_loai_dang_vien']} in the workbook, "
                         f"printed {sorted(party)}")
        if set(by.get((ma_so, MANAGER), {})):
            found.append(f"{ma_so}: the direct manager's proposal is pre-filled (it is his, by hand)")
    return found


def _people(book: Path, out: Path) -> tuple[dict[str, dict], dict[str, str]]:
    rated = {p["ma_so"]: p for p in json.loads((out / "ket_qua_xep_loai.json").read_text("utf-8"))["nguoi"]}
    ws = openpyxl.load_workbook(book)["NhanSu"]
    rows = list(ws.iter_rows(values_only=True))
    for row in rows[1:]:
        rec = dict(zip(rows[0], row, strict=False))
        if rec["ma_so"] in rated:
            rated[rec["ma_so"]]["tu_xep_loai_dang_vien"] = rec.get("tu_xep_loai_dang_vien")
    return rated, {p["ho_ten"]: m for m, p in rated.items()}


@pytest.mark.libreoffice
def test_one_level_per_label_for_every_person(edge):
    book, out = edge
    people, names = _people(book, out)
    assert len(names) == len(people)  # names are unique: a table row names one person
    seen = collect(out, names)
    assert problems(seen, people) == []

    def values(ma_so: str, label: str) -> dict[str, set[str]]:
        got: dict[str, set[str]] = defaultdict(set)
        for s in seen:
            if s.ma_so == ma_so and s.label == label:
                got[s.level].add(s.where)
        return got
    # the checker did read what it checks: the known people under each label, in several documents
    assert set(values("VP-016", PROPOSED)) == {"HTXS"}  # as the meeting proposed it, everywhere
    assert len(values("VP-016", PROPOSED)["HTXS"]) >= 3
    assert set(values("VP-017", DECIDED)) == {"HTXS"} and len(values("VP-017", DECIDED)["HTXS"]) >= 3
    assert set(values("VP-017", PROPOSED)) == {"HTT"}  # the meeting's proposal, before the decision
    assert set(values("VP-019", DECIDED)) == {"HT"}
    assert any("thong_bao" in w for w in values("VP-019", DECIDED)["HT"])
    assert set(values("VP-022", SELF)) == {"HT"} and set(values("VP-022", PROPOSED)) == {"HTT"}
    assert set(values("VP-023", PARTY_SELF)) == {"HTT"}
    assert not values("VP-016", DECIDED) and not values("VP-018", DECIDED)
    # the agency's summaries count VP-016 at the level the cap leaves after VP-017's decision, and say
    # so by name, beside the meeting's proposal (the biểu's list too)
    assert set(values("VP-016", RECOMPUTED)) == {"HTT"}
    assert {w for w in values("VP-016", RECOMPUTED)["HTT"]} == {
        "bao_cao_ket_qua_danh_gia.pdf", "bieu_tong_hop.pdf", "bieu_tong_hop.xlsx DanhSach"}
    assert {s.ma_so for s in seen if s.label == RECOMPUTED} == {"VP-016"}
    # the clerk's ket_qua_xep_loai.xlsx shows both: the program's proposal now and the meeting's
    ws = openpyxl.load_workbook(out / "ket_qua_xep_loai.xlsx")["KetQua"]
    rows = list(ws.iter_rows(values_only=True))
    mine = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert mine["VP-016"]["Mức đề xuất"] == "HTT" and mine["VP-016"]["Mức đơn vị đề xuất tại cuộc họp"] == "HTXS"
    for ma_so in people:
        printed = set(values(ma_so, PROPOSED))
        assert printed <= {mine[ma_so]["Mức đơn vị đề xuất tại cuộc họp"]}, ma_so


def test_the_checker_reports_each_kind_of_disagreement():
    """The checker itself: a label with two values, a result for someone undecided, a result other
    than the decision, a self-rating that is not the workbook's, a level under no label."""
    people = {
        "A": {"muc_quyet_dinh": "HTXS", "tu_xep_loai": "HTT", "tu_xep_loai_dang_vien": None},
        "B": {"muc_quyet_dinh": None, "tu_xep_loai": "HTT", "tu_xep_loai_dang_vien": "HTT"},
    }
    agree = [Seen("A", DECIDED, "HTXS", "x"), Seen("A", PROPOSED, "HTT", "x"), Seen("A", SELF, "HTT", "y"),
             Seen("B", PROPOSED, "HTXS", "x"), Seen("B", PROPOSED, "HTXS", "y"), Seen("B", PARTY_SELF, "HTT", "z")]
    assert problems(agree, people) == []
    for bad, words in (
        (Seen("B", PROPOSED, "HTT", "phiếu"), "«đề xuất» printed with 2 values"),
        (Seen("B", DECIDED, "HTXS", "thông báo"), "not decided, yet printed as a result"),
        (Seen("A", DECIDED, "HTT", "phiếu"), "decided HTXS, printed as the result"),
        (Seen("A", SELF, "HTXS", "biên bản"), "self-rated HTT in the workbook"),
        (Seen("B", PARTY_SELF, "HT", "02A"), "party self-rating HTT"),
        (Seen("A", "?Cột lạ", "HT", "bảng"), "under no known label"),
    ):
        assert any(words in line for line in problems([*agree, bad], people)), words


def test_person_and_chi_bo_papers_take_the_meetings_proposal_in_context(tmp_path):
    """Without LibreOffice, on the contexts: once VP-017's HTXS is decided, the engine moves the
    undecided VP-016 to HTT (`muc_de_xuat`); his phiếu, points table and the chi bộ's Mẫu 01 still
    print the meeting's HTXS as «đề xuất», with the meeting's reasons, like the minutes; the decided
    VP-017 prints the decision and, as proposal, the meeting's HTT; the package names VP-016 with both."""
    from pipeline import ingest
    from pipeline.forms.context import person_context, printed_ratings
    from pipeline.forms.registry import Registry
    from pipeline.forms.unit_context import unit_document_context
    from pipeline.rating.engine import rate
    from pipeline.submission import report, summary_table

    registry = Registry()
    for year, form in ((2024, "mau_12_hddg"), (2026, "phieu_nd335")):
        campaign = ingest.load(_edge_workbook(ROOT / "data" / f"mau_ho_so_{year}.xlsx", tmp_path / f"{year}.xlsx"))
        ratings = rate(campaign)
        assert ratings.of("VP-016").muc_de_xuat == "HTT" and ratings.unit_proposals().of("VP-016").muc_de_xuat == "HTXS"
        shown = printed_ratings(ratings)
        person = {p.ma_so: p for p in campaign.people}
        ctx = person_context(campaign, registry.get(form), person["VP-016"], shown.of("VP-016"))
        assert ctx["muc_de_xuat_chu"] == WORDS["HTXS"] and not ctx["muc_ket_qua_chu"]
        ctx = person_context(campaign, registry.get(form), person["VP-017"], shown.of("VP-017"))
        assert ctx["muc_de_xuat_chu"] == WORDS["HTXS"] and ctx["muc_ket_qua_chu"] == WORDS["HTXS"]
        assert shown.of("VP-017").muc_de_xuat == "HTT"
        unit = next(u for u in campaign.units if u.ma_don_vi == "TH")
        minutes = unit_document_context(campaign, ratings, registry.get("bien_ban_hop"), unit)
        assert {tv["ma_so"]: tv["muc_cuoi"] for tv in minutes["thanh_vien"]}["VP-016"] == "HTXS"
        rows = {e["ma_so"]: e for e in summary_table.people_rows(campaign, ratings)}
        assert rows["VP-016"]["muc"] == "HTT" and rows["VP-016"]["muc_don_vi"] == "HTXS"
        assert rows["VP-016"]["nguon"] == "de_xuat_tinh_lai" and rows["VP-017"]["nguon"] == "quyet_dinh"
        assert "muc_don_vi" not in rows["VP-018"]  # moved down by the meeting already: nothing recomputed
        total = summary_table.count_rows(list(rows.values()))[-1]
        assert ("Nguyễn Hoàng Ân (đơn vị đề xuất Hoàn thành xuất sắc nhiệm vụ, tính là Hoàn thành tốt nhiệm vụ)"
                in report.level_basis(ratings, total))
    chi_bo = unit_document_context(campaign, ratings, registry.get("mau_01_2025"),
                                   next(u for u in campaign.units if u.ma_don_vi == "LD"))
    levels = {m["ma_so"]: (m["muc_cuoi"], m["muc_quyet_dinh"]) for m in chi_bo["dang_vien"]}
    assert levels["VP-016"] == ("HTXS", "") and levels["VP-017"] == ("HTXS", "HTXS")
