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
