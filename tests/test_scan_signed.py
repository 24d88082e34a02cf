"""Issue 21: a code on every form page, and signed scans sorted back into their dossiers.

The scans are made from real builds of the sample (tests/scan_factory.py): pages rasterised with
pdftoppm, turned ±3°, one upside down, blurred, speckled, JPEG at quality 50, shuffled across two
units; one page missing, one scanned twice, one printed from an older build, one with its code
smeared. The report must name exactly these faults and every other page must be filed in order."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops
from workbook_factory import with_strengths

from bench.scans import form_pages, scanned, write_pdf
from pipeline import api
from pipeline.bundle.pagecode import box, parse
from pipeline.scan.sort import receive


def _render(pdf: Path, dpi: int) -> list[Image.Image]:
    out = []
    n = int(next(line.split()[1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                            check=True).stdout.splitlines() if line.startswith("Pages:")))
    for page in range(1, n + 1):
        png = subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(pdf)],
                             capture_output=True, check=True).stdout
        out.append(Image.open(BytesIO(png)).convert("L"))
    return out


@pytest.fixture(scope="module")
def plain(built, tmp_path_factory, sample, cache_dir) -> Path:
    """The same build (of unit LD) without page codes (--khong-ma)."""
    out = tmp_path_factory.mktemp("khong-ma") / "output"
    api.build(sample, out, api.BuildOptions(cache_dir=cache_dir / "e2e", page_codes=False, units=frozenset({"LD"})))
    return out


def test_codes_change_nothing_but_their_corner(built, plain):
    """Every form page carries a code naming its agency, year, person, document, page and version;
    the page images with and without the codes differ only in the code's square (left margin)."""
    out, _ = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    person = next(p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-001")
    dpi = 72
    coded, bare = _render(out / person["pdf"], dpi), _render(plain / person["pdf"], dpi)
    assert len(coded) == len(bare)
    form_pages = {s["trang_dau"] + k: (s, k + 1) for s in person["tai_lieu"] for k in range(s["so_trang"])}
    x, y, w, h = box(842)
    sharp = _render(out / person["pdf"], 150)
    for i, (a, b) in enumerate(zip(coded, bare, strict=True), 1):
        diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 8 else 0).getbbox()
        if b.getextrema()[0] > 200:  # a blank page (two-sided printing) stays blank
            assert diff is None, f"blank page {i} changed"
            continue
        assert diff is not None, f"page {i} has no code"
        left, top, right, bottom = diff
        assert left >= x - 1 and right <= x + w + 1 and top >= a.height - (y + h) - 1 and bottom <= a.height - y + 1, \
            (i, diff)
        [r] = zxingcpp.read_barcodes(sharp[i - 1])
        if i not in form_pages:  # the cover sheet: known as such, not filed
            assert parse(r.text).form == "_bia" and parse(r.text).person == "VP-001"
            continue
        s, k = form_pages[i]
        code = parse(r.text)
        assert (code.year, code.unit, code.person, code.form, code.page, code.pages, code.version) == \
            ("2024", "LD", "VP-001", s["mau"], k, s["so_trang"], s["phien_ban"])
    text = subprocess.run(["pdftotext", "-layout", str(out / person["pdf"]), "-"], capture_output=True, text=True).stdout
    bare_text = subprocess.run(["pdftotext", "-layout", str(plain / person["pdf"]), "-"], capture_output=True,
                               text=True).stdout
    assert text == bare_text


def _codes(pdf: Path) -> list[tuple]:
    """The code of every page of a filed PDF, and whether the page is upright (code at bottom left)."""
    out = []
    for im in _render(pdf, 100):
        [r] = [r for r in zxingcpp.read_barcodes(im) if parse(r.text)]
        c = parse(r.text)
        p = r.position
        upright = p.top_left.y > im.height / 2 and p.top_left.x < im.width / 2
        out.append((c.form, c.copy, c.page, upright))
    return out


def test_signed_scans_find_their_dossiers(built, tmp_path, sample, cache_dir):
    out = tmp_path / "ket_qua"  # a copy: the shared build is not written to
    shutil.copytree(built[0], out, symlinks=True)
    # an older build: VP-002's strengths read differently, so one of their documents has another version
    old = tmp_path / "cu"
    api.build(with_strengths(sample, tmp_path / "cu.xlsx", "VP-002", "Nội dung cũ đã được sửa sau khi in."), old,
              api.BuildOptions(cache_dir=cache_dir / "e2e", units=frozenset({"LD"})))
    new_m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    old_m = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    versions = {(p["ma_so"], s["mau"]): s["phien_ban"] for p in new_m["ca_nhan"] for s in p["tai_lieu"]}
    changed = [s for p in old_m["ca_nhan"] if p["ma_so"] == "VP-002" for s in p["tai_lieu"]
               if versions[("VP-002", s["mau"])] != s["phien_ban"]]
    assert changed, "the older build changed none of VP-002's documents"
    stale_form = changed[0]["mau"]
    [stale] = [s for s in form_pages(old, persons={"VP-002"}) if s.form == stale_form and s.page == 1]

    sheets = form_pages(out, units={"LD"}, persons={"VP-012"})
    rng = random.Random(21)
    title = {(p["ma_so"], s["mau"]): s["tieu_de"] for p in new_m["ca_nhan"] for s in p["tai_lieu"]}
    title.update({("LD", s["mau"]): s["tieu_de"] for u in new_m["don_vi"] for s in u["muc"] if not s["ma_so"]})

    def pick(person, form=None, page=1):
        return next(s for s in sheets if s.person == person and (form is None or s.form == form) and s.page == page)

    missing = next(s for s in sheets if s.person == "VP-001" and s.page == 2)
    dup = pick("VP-003")
    smeared = pick("", "bien_ban_hop")
    flipped = pick("VP-012")
    replaced = pick("VP-002", stale_form)
    stack = []
    for s in sheets:
        if s is missing:
            continue
        image = stale.image if s is replaced else s.image
        stack.append((s, scanned(image, rng, flip=s is flipped, smear=s is smeared)))
    stack.append((dup, scanned(dup.image, rng)))
    cover = _render(out / next(p["pdf"] for p in new_m["ca_nhan"] if p["ma_so"] == "VP-003"), 150)[0]
    stack.append((None, scanned(cover, rng)))  # a cover sheet scanned with the rest: set aside
    rng.shuffle(stack)
    half = len(stack) // 2
    scans = [write_pdf([im for _s, im in stack[:half]], tmp_path / "quet_1.pdf")]
    for k, (_s, im) in enumerate(stack[half:half + 3]):
        im.save(tmp_path / f"anh_{k}.jpg")
        scans.append(tmp_path / f"anh_{k}.jpg")
    scans.append(write_pdf([im for _s, im in stack[half + 3:]], tmp_path / "quet_2.pdf"))
    where = {}
    for n, (s, _im) in enumerate(stack):
        where.setdefault(id(s), []).append(
            (str(scans[0]), n + 1) if n < half else (str(scans[1 + n - half]), 1) if n < half + 3
            else (str(scans[-1]), n - half - 2))

    result = receive(out, scans)
    by = {(p.unit, p.person): p for p in result.people}
    involved = {("LD", ""), ("LD", "VP-001"), ("LD", "VP-002"), ("LD", "VP-003"), ("HCQT", "VP-012")}
    assert set(by) >= involved
    assert by[("LD", "VP-001")].missing == [f"{title[('VP-001', missing.form)]} — trang 2"]
    assert by[("LD", "VP-003")].duplicates and len(by[("LD", "VP-003")].duplicates) == 1
    assert by[("LD", "VP-003")].duplicates[0].startswith(f"{title[('VP-003', dup.form)]} — trang 1/")
    assert by[("LD", "VP-002")].outdated and by[("LD", "VP-002")].outdated[0].startswith(
        f"{title[('VP-002', stale_form)]} — trang 1/")
    assert by[("LD", "VP-002")].missing == [f"{title[('VP-002', stale_form)]} — trang 1"]
    assert by[("LD", "")].missing == [f"{title[('LD', 'bien_ban_hop')]} — trang 1"]
    assert result.unreadable == where[id(smeared)]
    assert result.foreign == [] and result.blank == 0 and result.covers == 1
    for key, p in by.items():
        faulty = {("LD", ""), ("LD", "VP-001"), ("LD", "VP-002")}
        if key in involved and key not in faulty:
            assert not p.missing and p.received == p.expected, p
        if key not in involved:
            assert p.received == 0 and not p.duplicates and not p.outdated
        if key != ("LD", "VP-003"):
            assert not p.duplicates, p
        if key != ("LD", "VP-002"):
            assert not p.outdated, p
    # every filed page in dossier order, upright (VP-012's upside-down sheet turned)
    for person in ("VP-003", "VP-012"):
        unit = "HCQT" if person == "VP-012" else "LD"
        expect = [(s.form, s.copy, s.page, True) for s in sheets if s.person == person]
        assert _codes(out / "da_ky" / unit / f"{person}.pdf") == expect
    assert len(_render(out / "da_ky" / "khong_doc_duoc.pdf", 20)) == 1
    assert len(_render(out / "da_ky" / "can_ky_lai.pdf", 20)) == 1
    import openpyxl
    ws = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")["Theo người"]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows[("LD", "VP-001")][5] == f"{title[('VP-001', missing.form)]} — trang 2"
    # the report printed (it had no page set-up: portrait at its size, «Trang còn thiếu»'s lines printed one over the
    # other, seen rendered by LibreOffice Calc): A4 fitted to the width, the header on every page, each page naming
    # its rows (unit, mã số, name), numbered; a row as tall as its missing pages' lines
    assert (ws.page_setup.paperSize, ws.sheet_properties.pageSetUpPr.fitToPage, ws.page_setup.fitToHeight,
            ws.print_title_rows, ws.print_title_cols, ws.oddFooter.center.text) == (9, True, 0, "$1:$1", "$A:$C",
                                                                                    "Trang &P/&N")
    many = [r for r in ws.iter_rows(min_row=2) if r[5].value and "\n" in r[5].value]
    assert many and all(ws.row_dimensions[r[0].row].height >= 15 * (r[5].value.count("\n") + 1) for r in many)

    # the missing page and the smeared sheet scanned again, with the first file fed once more:
    # the dossiers are completed, nothing counted twice
    again = write_pdf([scanned(missing.image, rng), scanned(smeared.image, rng)], tmp_path / "quet_3.pdf")
    run = subprocess.run([sys.executable, "-m", "pipeline", "nhan-ban-ky", str(out), str(scans[0]), str(again)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    said = run.stdout + run.stderr
    assert f"Đã đọc {half + 2} trang quét (2 trang mới; 0 trang trắng bỏ qua)." in said, said
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert len(state["trung"]) == 1
    after = {(p["unit"], p["person"]): p for p in _report_rows(out)}
    assert after[("LD", "VP-001")]["missing"] == "" and after[("LD", "")]["missing"] == ""
    assert [c[:3] for c in _codes(out / "da_ky" / "LD" / "VP-001.pdf")] == \
        [(s.form, s.copy, s.page) for s in sheets if s.person == "VP-001"]


def _report_rows(out: Path) -> list[dict]:
    import openpyxl
    ws = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")["Theo người"]
    return [{"unit": r[0], "person": "" if r[1] == "(văn bản của đơn vị)" else r[1], "missing": r[5] or ""}
            for r in ws.iter_rows(min_row=2, values_only=True)]


def test_signed_files_are_known_to_verify_and_kept_by_a_rebuild(built, tmp_path, sample, cache_dir):
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out, symlinks=True)
    sheets = form_pages(out, persons={"VP-001"})
    rng = random.Random(7)
    scan = write_pdf([scanned(s.image, rng) for s in sheets], tmp_path / "quet.pdf")
    first = {(p.unit, p.person): p for p in receive(out, [scan]).people}[("LD", "VP-001")]
    assert first.received == first.expected == len(sheets) and not first.missing
    rep = api.verify(out)
    assert rep.ok, rep.problems
    assert rep.signed > len(sheets) and any("da_ky/" in n for n in rep.notes)
    # a filed scan edited afterwards is named
    signed_pdf = out / "da_ky" / "LD" / "VP-001.pdf"
    kept = signed_pdf.read_bytes()
    signed_pdf.write_bytes(kept + b"\n%sua")
    assert any("da_ky/LD/VP-001.pdf" in p for p in api.verify(out).problems)
    signed_pdf.write_bytes(kept)
    # a rebuild after VP-001's strengths changed keeps da_ky/; the pages of the changed document
    # are set aside to be signed again, the others stay filed
    before = {t["mau"]: t["phien_ban"] for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["ca_nhan"]
              if p["ma_so"] == "VP-001" for t in p["tai_lieu"]}
    changed = with_strengths(sample, tmp_path / "moi.xlsx", "VP-001", "Ưu điểm viết lại sau khi đã ký.")
    api.build(changed, out, api.BuildOptions(cache_dir=cache_dir / "e2e", units=frozenset({"LD"})))
    assert signed_pdf.is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [person] = [p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-001"]
    stale = {t["mau"] for t in person["tai_lieu"] if t["phien_ban"] != before[t["mau"]]}
    assert stale, "the rebuild changed none of VP-001's documents"
    result = receive(out, [])
    again = {(p.unit, p.person): p for p in result.people}[("LD", "VP-001")]
    titles = {s["mau"]: s["tieu_de"] for s in person["tai_lieu"]}
    stale_pages = [s for s in sheets if s.form in stale]
    assert again.received == len(sheets) - len(stale_pages)
    assert again.missing == [f"{titles[s.form]} — trang {s.page}" for s in stale_pages]
    assert len(again.outdated) == len(stale_pages)
    # can_ky_lai.pdf's pages, in the report's words: signed and filed, then the words changed by the rebuild; the
    # scan's page each was; a page signed again goes to VP-001's dossier (sample: unit LD, «Lãnh đạo Văn phòng»)
    assert [(m.name, m.person, m.unit, m.page, m.why, m.where) for m in result.resign_rows] == [
        ("Nguyễn Đình Khải", "VP-001", "Lãnh đạo Văn phòng (LD)", sheets.index(s) + 1,
         "đã ký nhận trước đây, nội dung văn bản đã thay đổi khi tạo lại hồ sơ",
         "da_ky/LD/VP-001.pdf — Lãnh đạo Văn phòng (LD)") for s in stale_pages]
    # set aside by an earlier hoso, which recorded only whose code (`ai`) and the document: named the same, the
    # reason said as not recorded
    state_path = out / "da_ky" / "nhan_ban_ky.json"
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["can_ky_lai"] = [{k: v for k, v in d.items() if k not in ("don_vi", "ma_so", "ly_do")} for d in state["can_ky_lai"]]
    state_path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    assert [(m.name, m.person, m.unit, m.why, m.where) for m in receive(out, []).resign_rows] == [
        ("Nguyễn Đình Khải", "VP-001", "Lãnh đạo Văn phòng (LD)", "in từ bản cũ, hoặc nội dung văn bản đã thay đổi sau "
         "khi ký", "da_ky/LD/VP-001.pdf — Lãnh đạo Văn phòng (LD)")] * len(stale_pages)
    assert api.verify(out).ok



def test_signature_spaces_left_empty_are_named(built, tmp_path):
    """Best effort, labelled as such: every «(Ký, ghi rõ họ tên)» space of VP-001's forms is inked
    on the sheets except one; the scans (turned, one upside down) name exactly that one."""
    from PIL import ImageDraw

    from pipeline.scan.signatures import PT, spaces

    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out, symlinks=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [person] = [p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-001"]
    sheets = form_pages(out, persons={"VP-001"})
    rng = random.Random(3)
    images, declared, empty = [], 0, None
    for s in sheets:
        section = next(t for t in person["tai_lieu"] if t["mau"] == s.form)
        image = s.image.copy()
        draw = ImageDraw.Draw(image)
        for k, b in enumerate(spaces(out / person["pdf"], section["trang_dau"] + s.page - 1), 1):
            declared += 1
            if empty is None and declared == 2:
                empty = (section["tieu_de"], s.page, k)
                continue
            x0, y0, x1, y1 = b.x0 * PT, b.y0 * PT, b.x1 * PT, b.y1 * PT
            draw.line([(x0 + (x1 - x0) * (0.3 + 0.05 * i), y0 + (y1 - y0) * (0.3 + 0.4 * ((i * 37) % 8) / 8))
                       for i in range(9)], fill=20, width=3)
        images.append(scanned(image, rng, flip=len(images) == 2))
    assert declared >= 3 and empty is not None
    result = receive(out, [write_pdf(images, tmp_path / "quet.pdf")])
    [report] = [p for p in result.people if p.person == "VP-001"]
    assert report.received == len(sheets)
    assert report.unsigned == [f"{empty[0]} — trang {empty[1]}: ô ký thứ {empty[2]} trên trang"]


def _in_lai(out: Path, who: set[str]) -> set[tuple[str, str]]:
    """(person or unit, document title) of every document the build lists to print and sign again."""
    section = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["thay_doi"]
    return {(d["ma_so"] or d["ma_don_vi"], d["tieu_de"]) for d in section["van_ban"]
            if d["mau"] and (d["ma_so"] or d["ma_don_vi"]) in who}


def _can_ky_lai(out: Path) -> set[tuple[str, str]]:
    """(person or unit, document title) of every signed page set aside in da_ky/can_ky_lai.pdf."""
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    return {(d["ai"], d["van_ban"].rsplit(" — trang ", 1)[0]) for d in state["can_ky_lai"]}


def test_one_rule_for_what_is_signed_again(built, tmp_path, sample, cache_dir):
    """in_lai.pdf and can_ky_lai.pdf name the same documents: a signed page is outdated exactly when its
    document's words changed. Worked out by hand: a vote for VP-030 (unit CBTH) is printed in the unit's
    meeting minutes, not on VP-030's own phiếu (which carries their self-assessment and the levels) —
    the minutes are in both lists, VP-030's phiếu in neither; VP-030's strengths rewritten change the
    text of their phiếu (and nothing of the unit's) — it is in both."""
    out = tmp_path / "ket_qua"
    shutil.copytree(built[0], out, symlinks=True)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [unit] = [u for u in manifest["don_vi"] if u["ma_don_vi"] == "CBTH"]
    [person] = [p for p in manifest["ca_nhan"] if p["ma_so"] == "VP-030"]
    minutes = next(s["tieu_de"] for s in unit["muc"] if s["mau"] == "bien_ban_hop")
    own = {s["tieu_de"] for s in person["tai_lieu"]}
    sheets = [s for s in form_pages(out, units={"CBTH"}) if s.person in ("", "VP-030")]
    assert {s.person for s in sheets} == {"", "VP-030"}
    rng = random.Random(30)
    signed = write_pdf([scanned(s.image, rng) for s in sheets], tmp_path / "da_ky_truoc_khi_sua.pdf")
    who = {"CBTH", "VP-030"}

    # a vote changed after the print; the signed sheets of the earlier print come back afterwards
    vote = tmp_path / "phieu.xlsx"
    _votes(sample, vote, {"VP-030": {"phieu_htt": 6, "phieu_ht": 0}})
    api.build(vote, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    reprint = _in_lai(out, who)
    receive(out, [signed])
    outdated = _can_ky_lai(out)
    assert ("CBTH", minutes) in reprint and ("CBTH", minutes) in outdated, (reprint, outdated)
    assert not any(w == "VP-030" for w, _ in reprint | outdated), (reprint, outdated)
    assert outdated == reprint
    filed = {(p.unit, p.person): p for p in receive(out, []).people}[("CBTH", "VP-030")]
    assert filed.received == filed.expected and not filed.outdated  # VP-030's signed phiếu stays filed

    # then VP-030's strengths rewritten: their phiếu's words change; its filed pages are set aside
    text = with_strengths(vote, tmp_path / "uu_diem.xlsx", "VP-030", "Ưu điểm viết lại sau khi đã ký.")
    api.build(text, out, api.BuildOptions(cache_dir=cache_dir / "e2e"))
    reprint = _in_lai(out, who)
    receive(out, [])
    now = _can_ky_lai(out) - outdated
    assert reprint == now and reprint and all(w == "VP-030" and t in own for w, t in reprint), (reprint, now)
    phieu = pdf_text(out / person["pdf"])
    assert "Ưu điểm viết lại sau khi đã ký." in " ".join(phieu.split())


def _votes(src: Path, dest: Path, votes: dict[str, dict[str, int]]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(src)
    ws = wb["BieuQuyet"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        for key, value in votes.get(row[head.index("ma_so")].value, {}).items():
            row[head.index(key)].value = value
    wb.save(dest)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
