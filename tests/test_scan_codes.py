"""Signed pages follow their unit's code through more than one build (helper brief «scanmap»).

The clerk files signed pages of the factory's unit HC (Phòng Hành chính), then corrects its code to HCN and builds
twice (the second time after another edit): the last build's record of the correction (`thay_doi.doi_ma_don_vi`)
is empty then. The reception follows the output's own record of every earlier code (manifest `ma_don_vi_cu`,
chained across builds): a page printed under HC goes to HCN's dossier, and after HCN → HCM to HCM's. A code given
to another unit (Trung tâm Tin học takes HC) is that unit's: it is not followed.

One season per module (`season`): five builds of one unit with the real LibreOffice (a rebuild converts only what
changed, from the module's cache) and three receptions of scans made from the built PDFs (bench.scans).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import zxingcpp
from fakes import recoded

from bench.scans import Sheet, form_pages, write_pdf
from bench.scans import recoded as recoded_image
from pipeline import api
from pipeline.bundle.pagecode import parse
from pipeline.scan.sort import CAN_KY_LAI_WORDS, WHY_CHANGED, WHY_OLD_PRINT, console_lines, receive

sys.path.insert(0, str(Path(__file__).parent))

pytestmark = pytest.mark.libreoffice

NOTHING = ["Không có"]  # the one row of a report sheet with nothing to list


def _stale(sheet: Sheet) -> Any:
    """The sheet as printed from an older version of its document (another version in its code)."""
    [code] = [r.text for r in zxingcpp.read_barcodes(sheet.image) if parse(r.text)]
    return recoded_image(sheet.image, "|".join(code.split("|")[:-1] + ["0badc0de"]))


def _vote(wb: openpyxl.Workbook, ma_so: str, htt: int, ht: int) -> None:
    ws = wb["BieuQuyet"]
    head = [c.value for c in ws[1]]
    [row] = [r for r in ws.iter_rows(min_row=2) if r[0].value == ma_so]
    row[head.index("phieu_htt")].value, row[head.index("phieu_ht")].value = htt, ht


def _sheets(out: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")
    return {ws.title: list(ws.iter_rows(min_row=2, values_only=True)) for ws in book.worksheets}


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _unit_versions(manifest: dict[str, Any], unit: str) -> dict[str, str]:
    [u] = [u for u in manifest["don_vi"] if u["ma_don_vi"] == unit]
    return {s["mau"]: s["phien_ban"] for s in u["muc"] if not s["ma_so"] and "phien_ban" in s}


@pytest.fixture(scope="module")
def season(tmp_path_factory, cache_dir) -> dict[str, Any]:
    import workbook_factory as factory

    root = tmp_path_factory.mktemp("scanmap")
    out = root / "ket_qua"
    cache = cache_dir / "scanmap"

    def build(wb: Path, *units: str) -> dict[str, Any]:
        api.build(wb, out, api.BuildOptions(cache_dir=cache, units=frozenset(units)))
        return _manifest(out)

    def receive_(name: str, images: list[Any]) -> dict[str, Any]:
        scan = write_pdf(images, root / f"{name}.pdf")
        result = receive(out, [scan])
        return {"scan": str(scan), "result": result, "console": " ".join(" ".join(console_lines(result)).split()),
                "sheets": _sheets(out), "state": json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text("utf-8"))}

    s: dict[str, Any] = {"out": out}
    # 1. build HC; its unit's pages and NS-01's signed and received, with one unit page printed from an older version
    cu = factory.write(root / "so.xlsx", factory.tables())
    build(cu, "HC")
    printed = form_pages(out, units={"HC"})
    unit = s["unit"] = [p for p in printed if not p.person]
    ns01 = s["ns01"] = [p for p in printed if p.person == "NS-01"]
    assert len(unit) >= 3 and ns01
    # the scans are the rendered pages as they are (reading a scanner's images is not the point here: test_scan_real)
    s["first"] = receive_("quet_1", [*(p.image for p in [*ns01, *unit]), _stale(unit[0])])
    # 2. HC corrected to HCN; built; then NS-02's vote corrected (the unit's minutes change) and built again
    wb = recoded(cu, "HC", "HCN")
    wb.save(root / "so_hcn.xlsx")
    s["m2"] = build(root / "so_hcn.xlsx", "HCN")
    _vote(wb, "NS-02", 3, 0)
    wb.save(root / "so_hcn_2.xlsx")
    s["m3"] = build(root / "so_hcn_2.xlsx", "HCN")
    # 3. a unit page printed under HC from an older version, received now
    s["second"] = receive_("quet_2", [_stale(unit[-1])])
    # 4. HCN corrected to HCM (A → B → C); a page printed under HC received then
    wb = recoded(root / "so_hcn_2.xlsx", "HCN", "HCM")
    wb.save(root / "so_hcm.xlsx")
    s["m4"] = build(root / "so_hcm.xlsx", "HCM")
    s["third"] = receive_("quet_3", [_stale(unit[1])])
    # 5. the code HC given to another unit (Trung tâm Tin học, SN before), built with it; its unit pages received
    wb = recoded(root / "so_hcm.xlsx", "SN", "HC")
    wb.save(root / "so_hc_moi.xlsx")
    s["m5"] = build(root / "so_hc_moi.xlsx", "HCM", "HC")
    s["new_hc"] = [p for p in form_pages(out, units={"HC"}) if not p.person]
    s["fourth"] = receive_("quet_4", [p.image for p in s["new_hc"]])
    return s


def test_the_record_of_earlier_codes_survives_a_build_that_changes_no_code(season):
    """After HC → HCN the next build records the correction (`thay_doi.doi_ma_don_vi`); the build after (a vote
    corrected) has none to record, while the output's record of earlier codes still names HC → HCN."""
    unit = [{"ma_cu": "HC", "ma_moi": "HCN", "ten_don_vi": "Phòng Hành chính"}]
    assert season["m2"]["thay_doi"]["doi_ma_don_vi"] == unit
    assert season["m2"]["ma_don_vi_cu"] == unit
    assert season["m3"]["thay_doi"]["doi_ma_don_vi"] == []
    assert season["m3"]["ma_don_vi_cu"] == unit
    changed = {f for f, v in _unit_versions(season["m3"], "HCN").items() if _unit_versions(season["m2"], "HCN")[f] != v}
    assert changed and changed != set(_unit_versions(season["m3"], "HCN")), changed  # the minutes, not every document


def test_pages_filed_and_set_aside_under_the_old_code_go_to_the_unit_under_its_code_now(season):
    """Build, HC → HCN, build, build (the last with NS-02's vote corrected: the unit's minutes changed), then a
    page printed under HC from an older version is received. Every page filed under HC moves to HCN and the
    console and report say so (NS-01's by his staff code; the unit's own by its code, those of its minutes too:
    their words changed, so they are set aside to sign again — they stayed under HC as «a dossier no longer in
    the result»); every page of can_ky_lai.pdf is to be signed again for HCN's dossier (they read «không còn
    trong kết quả này»), in «Theo người» under the unit (none were: their code read HC)."""
    unit, ns01, second = season["unit"], season["ns01"], season["second"]
    text = second["console"]
    assert second["result"].unreadable == [] and "không xếp được" not in text, text
    assert "không còn trong kết quả" not in text, text
    assert (f"Ghi chú: {len(ns01) + len(unit)} trang đã ký nhận trước đây, nay theo mã đơn vị mới trong kết quả, được "
            f"xếp vào hồ sơ hiện tại: Nguyễn Văn An (Phòng Hành chính, mã đơn vị HC → HCN): {len(ns01)} trang; "
            f"văn bản của đơn vị (Phòng Hành chính, mã đơn vị HC → HCN): {len(unit)} trang.") in text, text
    before, now = _unit_versions(season["m2"], "HCN"), _unit_versions(season["m3"], "HCN")
    changed = [p for p in unit if before[p.form] != now[p.form]]
    kept = [p for p in unit if before[p.form] == now[p.form]]
    sheets = second["sheets"]
    assert [r[0] for r in sheets["Hồ sơ không còn trong kết quả"]] == NOTHING, sheets["Hồ sơ không còn trong kết quả"]
    assert [r[0] for r in sheets["Không đọc được mã"]] == NOTHING
    moved = [r for r in sheets["Chuyển theo mã đơn vị mới"] if r[1] == "(văn bản của đơn vị)"]
    assert sorted((r[4], r[5], r[6], r[7]) for r in moved) == sorted(
        (k, "Phòng Hành chính (HC)", "Phòng Hành chính (HCN)",
         "da_ky/HCN/don_vi.pdf" if p in kept else CAN_KY_LAI_WORDS)
        for k, p in enumerate(unit, len(ns01) + 1)), moved
    assert {r[:2] for r in sheets["Chuyển theo mã đơn vị mới"]} == {("Nguyễn Văn An", "NS-01"),
                                                                    ("Văn bản của đơn vị", "(văn bản của đơn vị)")}
    # can_ky_lai.pdf: the page set aside before the correction, the one received now, the minutes' pages filed before
    resign = sheets["Cần ký lại"]
    assert [(r[0], r[3], r[5], r[6], r[7], r[8]) for r in resign] == [
        (1, "Phòng Hành chính (HC)", season["first"]["scan"], len(ns01) + len(unit) + 1, WHY_OLD_PRINT,
         "da_ky/HCN/don_vi.pdf — Phòng Hành chính (HCN)"),
        (2, "Phòng Hành chính (HCN)", second["scan"], 1, WHY_OLD_PRINT, "da_ky/HCN/don_vi.pdf — Phòng Hành chính (HCN)"),
        *[(k, "Phòng Hành chính (HCN)", season["first"]["scan"], len(ns01) + 1 + unit.index(p), WHY_CHANGED,
           "da_ky/HCN/don_vi.pdf — Phòng Hành chính (HCN)") for k, p in enumerate(changed, 3)]], resign
    [row] = [r for r in sheets["Theo người"] if r[0] == "HCN" and r[1] == "(văn bản của đơn vị)"]
    assert row[3] == len(kept) and _resign_columns(row) == _resign_states(resign), (row, resign)
    assert row[8] == "da_ky/HCN/don_vi.pdf"
    assert "HC" not in {k.split("/", 1)[0] for k in second["state"]["trang"]}, second["state"]["trang"]


def test_a_chain_of_corrections_is_followed_to_the_code_the_unit_has_now(season):
    """HC → HCN, then HCN → HCM: the output's record names both earlier codes with HCM; a page printed under HC
    received then is set aside for HCM's dossier (the last build named HCN → HCM alone: it was «a dossier no longer
    in the result»), and every page of can_ky_lai.pdf, those set aside under HC or HCN, goes to HCM's now."""
    m4, third = season["m4"], season["third"]
    assert m4["thay_doi"]["doi_ma_don_vi"] == [{"ma_cu": "HCN", "ma_moi": "HCM", "ten_don_vi": "Phòng Hành chính"}]
    assert m4["ma_don_vi_cu"] == [{"ma_cu": "HC", "ma_moi": "HCM", "ten_don_vi": "Phòng Hành chính"},
                                  {"ma_cu": "HCN", "ma_moi": "HCM", "ten_don_vi": "Phòng Hành chính"}]
    text = third["console"]
    assert third["result"].unreadable == [] and "không còn trong kết quả" not in text, text
    assert "Nguyễn Văn An (Phòng Hành chính, mã đơn vị HCN → HCM)" in text, text
    resign = third["sheets"]["Cần ký lại"]
    assert len(resign) == len(season["second"]["sheets"]["Cần ký lại"]) + 1
    assert {r[8] for r in resign} == {"da_ky/HCM/don_vi.pdf — Phòng Hành chính (HCM)"}, resign
    assert (resign[-1][3], *resign[-1][5:8]) == ("Phòng Hành chính (HCM)", third["scan"], 1, WHY_OLD_PRINT), resign[-1]
    [row] = [r for r in third["sheets"]["Theo người"] if r[0] == "HCM" and r[1] == "(văn bản của đơn vị)"]
    assert _resign_columns(row) == _resign_states(resign), (row, resign)


def _resign_columns(row: tuple) -> tuple[int, int]:
    """«Theo người»: (pages printed from an older version still to sign, those whose current version is filed)."""
    return tuple(len([x for x in (row[k] or "").split("\n") if x]) for k in (7, 10))  # type: ignore[return-value]


def _resign_states(resign: list[tuple]) -> tuple[int, int]:
    """«Cần ký lại»: (rows «Chưa» signed again, rows whose current version is filed) — every row one or the other."""
    return sum(r[9] == "Chưa" for r in resign), sum(r[9] == "Đã nhận bản mới đã ký" for r in resign)


def test_a_code_given_to_another_unit_is_not_followed(season):
    """Trung tâm Tin học takes the code HC that Phòng Hành chính had: the record no longer follows HC (HCN → HCM
    stays), and the new HC unit's signed pages are filed under HC, none moved to Phòng Hành chính (HCM). The page
    of Phòng Hành chính's minutes set aside under HC at the first reception stays with Phòng Hành chính (HCM):
    the receptions since followed its code and recorded where it went (`don_vi_nay`), so the code HC, now
    Trung tâm Tin học's, is not read again on it."""
    m5, fourth = season["m5"], season["fourth"]
    assert m5["ma_don_vi_cu"] == [{"ma_cu": "HCN", "ma_moi": "HCM", "ten_don_vi": "Phòng Hành chính"}]
    text = fourth["console"]
    assert fourth["result"].unreadable == [] and "theo mã đơn vị mới" not in text, text
    assert fourth["result"].filed == len(season["new_hc"]) > 0
    [row] = [r for r in fourth["sheets"]["Theo người"] if r[0] == "HC" and r[1] == "(văn bản của đơn vị)"]
    assert row[3:5] == (len(season["new_hc"]), len(season["new_hc"])) and row[8] == "da_ky/HC/don_vi.pdf", row
    assert row[7] in (None, ""), row  # none of Phòng Hành chính's pages to sign again
    resign = fourth["sheets"]["Cần ký lại"]
    assert len(resign) == len(season["third"]["sheets"]["Cần ký lại"])
    assert resign[0][3] == "Phòng Hành chính (HC)", resign[0]
    assert {r[8] for r in resign} == {"da_ky/HCM/don_vi.pdf — Phòng Hành chính (HCM)"}, resign
    assert [r[0] for r in fourth["sheets"]["Chuyển theo mã đơn vị mới"]] == NOTHING


def _output(units: dict[str, str], people: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A manifest of units {code: name} and people {mã số: unit code}."""
    return {"don_vi": [{"ma_don_vi": c, "ten_don_vi": n} for c, n in units.items()],
            "ca_nhan": [{"ma_so": m, "ma_don_vi": u} for m, u in people.items()], **extra}


def test_the_record_of_earlier_codes_chains_and_never_names_a_code_in_use():
    """`unit_code_history` on manifests written by hand: A → B recorded by a folder built before the record (its
    last build's `thay_doi.doi_ma_don_vi`), B → C corrected now: A → C and B → C. Two units that swap codes, a code
    given to a new unit, a unit left out: none of those codes is followed."""
    from pipeline.submission.changes import unit_code_history

    was = _output({"B": "Phòng Một", "X": "Phòng Hai"}, {"NS-01": "B", "NS-02": "X"},
                  thay_doi={"doi_ma_don_vi": [{"ma_cu": "A", "ma_moi": "B", "ten_don_vi": "Phòng Một"}]})
    now = _output({"C": "Phòng Một", "X": "Phòng Hai"}, {"NS-01": "C", "NS-02": "X"})
    assert unit_code_history(was, now) == [("A", "C", "Phòng Một"), ("B", "C", "Phòng Một")]
    recorded = {**now, "ma_don_vi_cu": [{"ma_cu": "A", "ma_moi": "C", "ten_don_vi": "Phòng Một"},
                                        {"ma_cu": "B", "ma_moi": "C", "ten_don_vi": "Phòng Một"}]}
    # the record survives a build that corrects no code (a person added)
    more = _output({"C": "Phòng Một", "X": "Phòng Hai"}, {"NS-01": "C", "NS-02": "X", "NS-05": "X"})
    assert unit_code_history(recorded, more) == [("A", "C", "Phòng Một"), ("B", "C", "Phòng Một")]
    # C and X swap codes: each is another unit's code now
    swapped = _output({"X": "Phòng Một", "C": "Phòng Hai"}, {"NS-01": "X", "NS-02": "C"})
    assert unit_code_history(recorded, swapped) == [("A", "X", "Phòng Một"), ("B", "X", "Phòng Một")]
    # a new unit takes the code A: A is its code, B is still followed
    reused = _output({"C": "Phòng Một", "X": "Phòng Hai", "A": "Phòng Ba"}, {"NS-01": "C", "NS-02": "X", "NS-09": "A"})
    assert unit_code_history(recorded, reused) == [("B", "C", "Phòng Một")]
    # Phòng Một left out of the workbook: its earlier codes name no unit
    gone = _output({"X": "Phòng Hai"}, {"NS-02": "X"})
    assert unit_code_history(recorded, gone) == []
    assert unit_code_history(None, now) == []
