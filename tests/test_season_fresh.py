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
    # with the Sở's deadline, its timeliness is said to be unknown, not judged either way
    (pkg,) = province.summarise([out / "nop_so_noi_vu"], due=dt.date(2025, 12, 31)).packages
    assert pkg.verified and pkg.late_days is None
    assert "bộ hồ sơ không ghi ngày lập: chưa xét được nộp đúng hạn (hạn 31/12/2025)" in province.status_words(pkg)
