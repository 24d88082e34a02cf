"""Properties of the rating engine over random campaigns (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rating_builder import Book

from pipeline.rating.levels import ORDER, RANK
from pipeline.rating.rulebooks import ND90_ND48, ND335
from pipeline.rating.rules import cap_for

LEVEL = st.sampled_from(ORDER)
MAYBE_LEVEL = st.one_of(st.none(), LEVEL)


@st.composite
def votes(draw):
    present = draw(st.integers(1, 12))
    left = present
    counts = []
    for _ in ORDER:
        n = draw(st.integers(0, left))
        counts.append(n)
        left -= n
    return (present, *counts)


@st.composite
def people(draw):
    return {
        "group": draw(st.sampled_from(["A", "B", ""])),
        "vote": draw(st.one_of(st.none(), votes())),
        "self_level": draw(MAYBE_LEVEL),
        "decided": draw(st.one_of(st.none(), st.none(), LEVEL)),
        "months": draw(st.sampled_from([3, 5.5, 6, 12, 12, 12])),
        "absent": draw(st.sampled_from([0, 0, 2, 3, 4, 6])),
        "maternity": draw(st.booleans()),
        "leader": draw(st.booleans()),
        "discipline": draw(st.sampled_from([None, None, "in_year", "earlier_act", "counted"])),
        "points": draw(st.one_of(st.none(), st.floats(0, 100, allow_nan=False))),
        "emulation": draw(st.sampled_from([None, "LDTT", "CSTDCS"])),
    }


def make_book(specs, year=2024) -> Book:
    b = Book(year=year)
    for i, s in enumerate(specs):
        code = f"P{i:02d}"
        months = max(s["months"], s["absent"])
        b.person(code, group=s["group"], vote=s["vote"], self_level=s["self_level"], decided=s["decided"],
                 months=months, absent=s["absent"], maternity=s["maternity"], leader=s["leader"])
        if s["discipline"] == "in_year":
            b.discipline(code, "hanh_chinh", dt.date(year, 6, 1))
        elif s["discipline"] == "earlier_act":
            b.discipline(code, "dang", dt.date(year - 1, 12, 1), act=f"H{i}")
            b.discipline(code, "hanh_chinh", dt.date(year, 1, 10), act=f"H{i}")
        elif s["discipline"] == "counted":
            b.discipline(code, "hanh_chinh", dt.date(year, 2, 2), counted_year=year - 1)
        if s["points"] is not None:
            b.score(code, "CHUNG", round(s["points"] * 0.3, 2))
            b.score(code, "KET_QUA", round(s["points"] * 0.7, 2))
        if s["emulation"]:
            b.emulation(code, s["emulation"], yes=7, total=10, initiative="SK" if i % 2 else "")
    return b


CAMPAIGNS = st.lists(people(), min_size=1, max_size=10)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_invariants(b: Book, r, rb) -> None:
    given_people = {p.ma_so: p for p in b.people}
    groups: dict[str, list] = {}
    for pr in r.people:
        p = given_people[pr.ma_so]
        assert pr.muc_quyet_dinh == p.muc_quyet_dinh  # decided levels untouched
        if pr.trang_thai == "khong_xep_loai":
            assert pr.muc_de_xuat is None and pr.muc_toi_da is None
        else:
            assert pr.muc_toi_da in ORDER
            if pr.muc_de_xuat is not None:
                assert RANK[pr.muc_de_xuat] <= RANK[pr.muc_toi_da]  # ceilings never broken
        for reason in pr.ly_do:
            assert "căn cứ:" in reason
        groups.setdefault(pr.nhom_tuong_dong, []).append(pr)
    for members in groups.values():  # the cap never exceeded (on proposals)
        htxs = sum(1 for m in members if m.muc_de_xuat == "HTXS")
        htt = sum(1 for m in members if m.muc_de_xuat == "HTT")
        assert htxs <= cap_for(htt, rb.htxs_ratio, rb.htxs_rounding)
    # CSTĐCS cap never exceeded
    kept = sum(1 for pr in r.people if pr.thi_dua and pr.thi_dua.de_nghi == "CSTDCS" and pr.thi_dua.du_dieu_kien)
    ldtt = sum(1 for pr in r.people if pr.thi_dua and pr.thi_dua.dat_ldtt)
    assert kept <= int(rb.cstdcs_ratio * ldtt + 1e-9)


@FAST
@given(CAMPAIGNS)
def test_invariants_nd48(specs):
    b = make_book(specs)
    check_invariants(b, b.rate(), ND90_ND48)


@FAST
@given(CAMPAIGNS)
def test_invariants_nd335(specs):
    b = make_book(specs, year=2026)
    check_invariants(b, b.rate(), ND335)


@FAST
@given(CAMPAIGNS, st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_row_order(specs, rnd: random.Random):
    b = make_book(specs)
    first, second = b.rate(), b.rate()
    assert first == second
    shuffled = make_book(specs)
    rnd.shuffle(shuffled.people)
    third = shuffled.rate()
    assert {p.ma_so: p for p in third.people} == {p.ma_so: p for p in first.people}
    assert third.groups == first.groups


@FAST
@given(CAMPAIGNS, st.data())
def test_more_votes_for_a_better_level_never_lower_the_proposal(specs, data):
    b = make_book(specs)
    voted = [code for code, v in b.votes.items()]
    if not voted:
        return
    code = data.draw(st.sampled_from(sorted(voted)))
    before = b.rate().of(code)
    if before.muc_hop is None or before.muc_de_xuat is None:
        return  # the self-rating fallback is not a vote count
    v = b.votes[code]
    counts = [v.phieu[lv] for lv in ORDER]
    better = data.draw(st.integers(0, 2))
    worse = [i for i in range(better + 1, 4) if counts[i] > 0]
    if worse:  # move one vote from a worse level to a better one
        counts[data.draw(st.sampled_from(worse))] -= 1
    elif sum(counts) >= v.so_nguoi_du_hop:
        return
    counts[better] += 1  # (or add a vote from someone who had abstained)
    b.vote(code, v.so_nguoi_du_hop, *counts)
    after = b.rate().of(code)
    assert RANK[after.muc_de_xuat] >= RANK[before.muc_de_xuat]
