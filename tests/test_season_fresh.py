"""A clerk's December with a phường's workbook written outside this project (session twelve, «season»):
the defects her walk found, each pinned down on a small campaign or package built here."""

from __future__ import annotations

from tests.rating_builder import Book


def _capped_book(decided: str | None) -> Book:
    """Three officials of one comparable group, each 29 + 70 × 300/300 = 99 points every month (HTXS by points).
    The cap (20 % of the HTT) keeps none: with all three moved down there are 3 HTT, 20 % × 3 = 0,6 → 0."""
    b = Book(year=2026)
    for code, vote in (("A", (3, 0, 3)), ("B", (3, 0, 3)), ("C", (3, 0, 0, 3))):  # A, B voted HTT; C voted HT
        b.person(code, vote=vote, decided=decided)
        b.months(code, 29, 100, 100, 100)
    return b


def _vote_warnings(b: Book) -> dict[str, list[str]]:
    return {p.ma_so: [w for w in p.canh_bao if w.startswith("Cuộc họp biểu quyết")] for p in b.rate().people}


def test_a_decision_does_not_bring_back_a_vote_warning_the_cap_had_made_true():
    # before the decision: A and B are proposed HTT (the cap), as they were voted: no vote warning; C voted HT
    # against an HTT proposal: the warning names the proposal and the cap, not «theo điểm»
    before = _vote_warnings(_capped_book(None))
    # the competent level decides HTT for the three, as proposed: the warnings stay what they were
    after_book = _capped_book("HTT")
    after = _vote_warnings(after_book)
    for said in (before, after):
        assert said["A"] == [] and said["B"] == [], said
        (c,) = said["C"]
        assert c == ("Cuộc họp biểu quyết mức Hoàn thành nhiệm vụ nhưng kết quả chấm điểm là Hoàn thành xuất sắc "
                     "nhiệm vụ; mức đề xuất là Hoàn thành tốt nhiệm vụ (theo tỷ lệ ở phần lý do)."), c
    assert {p.ma_so: p.muc_de_xuat for p in after_book.rate().people} == {"A": "HTT", "B": "HTT", "C": "HTT"}
    assert not [w for p in after_book.rate().people for w in p.canh_bao if "mức đề xuất theo điểm" in w]


def test_a_package_whose_papers_carry_their_own_dates_passes_the_sos_check(tmp_path, capsys, cli_in_process):
    # the phường's workbook: «Ngày lập» given, no «Hạn nộp Sở Nội vụ» — the build records no day (its papers do not
    # depend on it), and the Sở's summary once failed the package for that alone (exit 9, «Không đạt kiểm tra»)
    import datetime as dt
    import json

    from pipeline import api
    from pipeline.submission import province
    from tests import workbook_factory as wf
    from tests.fakes import TextConverter, run_main

    data = wf.tables()
    dated = {"nam_danh_gia": 2025, "ngay_lap": dt.date(2025, 12, 5), "han_nop_so_noi_vu": None}
    data["CoQuan"] = [(k, dated.get(k, v)) for k, v in data["CoQuan"]]
    for row in data["KyLuat"]:
        row["ngay_hieu_luc"] = dt.date(2025, 6, 20)
    out = tmp_path / "out"
    api.build(wf.write(tmp_path / "phuong.xlsx", data), out, api.BuildOptions(cache_dir=tmp_path / "cache"),
              converter=TextConverter())
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["lan_tao"]["ngay"] is None

    code, err = run_main(["tong-hop", str(out / "ho_so_2025.zip"), "-o", str(tmp_path / "so")], capsys)
    assert code == 0, err
    assert "»): Kiểm tra đạt" in err and "0 bộ không đạt kiểm tra" in err and "lan_tao" not in err
    # with the Sở's deadline, it is dated by its papers (the zip's entries carry «Ngày lập», 05/12/2025): on time
    (pkg,) = province.summarise([out / "nop_so_noi_vu"], due=dt.date(2025, 12, 31)).packages
    assert pkg.verified and pkg.made == dt.date(2025, 12, 5) and pkg.late_days == 0
    assert "chưa xét được" not in province.status_words(pkg)
    (late,) = province.summarise([out / "nop_so_noi_vu"], due=dt.date(2025, 12, 3)).packages
    assert late.verified and late.late_days == 2


def test_a_page_signed_again_is_no_longer_said_to_need_signing(tmp_path):
    # day 2 she filed NS-03's signed pages; day 3 a correction changed her self-assessment and she filed the
    # reprinted sheets signed again: the old print stays in can_ky_lai.pdf, but no longer «cần ký lại»
    import json
    import random

    from openpyxl import load_workbook

    from bench.scans import form_pages, scanned, write_pdf
    from pipeline import api
    from pipeline.scan.sort import console_lines, receive
    from tests import workbook_factory as wf
    from tests.fakes import TextConverter

    book = wf.write(tmp_path / "so.xlsx", wf.tables())
    out = tmp_path / "out"

    def build(workbook):
        api.build(workbook, out, api.BuildOptions(cache_dir=tmp_path / "cache", persons=frozenset({"NS-03"})),
                  converter=TextConverter())

    def scan(name):
        sheets = form_pages(out, persons={"NS-03"})
        return sheets, write_pdf([scanned(s.image, random.Random(3)) for s in sheets], tmp_path / name)

    build(book)
    sheets, first = scan("ngay2.pdf")
    receive(out, [first])
    build(wf.with_strengths(book, tmp_path / "ngay3.xlsx", "NS-03", "Ưu điểm viết lại sau khi đã ký."))
    changed = [s for s in form_pages(out, persons={"NS-03"}) if s.image.tobytes() not in
               {t.image.tobytes() for t in sheets}]
    assert changed  # the pages of her changed self-assessment (printed anew)
    # she prints them, has them signed and scans them with the rest again, without receiving anything in between:
    # the new pages are filed (they were once taken for duplicates of the outdated pages still filed, and lost)
    _, second = scan("ngay3.pdf")
    result = receive(out, [second])
    person = {(p.unit, p.person): p for p in result.people}[("HC", "NS-03")]
    assert person.received == person.expected == len(sheets) and not person.missing and not person.duplicates
    assert person.outdated == [] and len(person.resigned) == len(changed)
    pending = person.resigned
    said = "\n".join(console_lines(result))
    assert "cần ký lại" not in said and "Đủ trang: 1/2 hồ sơ." in said  # her dossier and the unit's (not scanned)
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert len(state["can_ky_lai"]) == len(pending)  # nothing she filed is lost
    rows = list(load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")["Cần ký lại"].iter_rows(values_only=True))
    assert rows[0][-1] == "Đã ký lại" and [r[-1] for r in rows[1:]] == ["Đã nhận bản mới đã ký"] * len(pending)
