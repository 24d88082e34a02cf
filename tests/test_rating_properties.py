"""Properties of the rating engine over random campaigns (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rating_builder import Book

from pipeline.rating.levels import ORDER, RANK
from pipeline.rating.rulebooks import ND90_ND48, ND335

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


def oracle_keep(decided_htxs: int, decided_htt: int, proposed_htt: int, htxs_proposals: int) -> int:
    """Brute force from the rule's words: "số Hoàn thành xuất sắc nhiệm vụ không vượt quá 20% số Hoàn thành
    tốt nhiệm vụ" in the group. Try every number k of HTXS proposals kept (the others become HTT); with
    whole people, x ≤ 20 % of y ⇔ 5x ≤ y. Decided levels count as they are. The most k that is legal."""
    legal = [k for k in range(htxs_proposals + 1)
             if 5 * (decided_htxs + k) <= decided_htt + proposed_htt + (htxs_proposals - k)]
    return max(legal) if legal else 0


def oracle_group(spec_group: str, leader: bool) -> str:
    """Groups from the rule's words: a written name, case and spaces ignored; else one default group per
    staff category (all công chức here) and leadership."""
    return " ".join(spec_group.split()).casefold() if spec_group.strip() else f"default-{leader}"


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
        groups.setdefault(oracle_group(p.nhom_tuong_dong, p.lanh_dao_quan_ly), []).append(pr)
    assert len(groups) == len(r.groups)
    for members in groups.values():  # the cap, against the brute-force oracle
        rated = [m for m in members if m.rated]
        decided = [m for m in rated if m.muc_quyet_dinh]
        open_ = [m for m in rated if not m.muc_quyet_dinh]
        g = r.group(members[0].nhom_tuong_dong)
        moved = set(g.ha_muc)
        kept = [m for m in open_ if m.muc_de_xuat == "HTXS"]
        before = len(kept) + len(moved)  # HTXS proposals before the cap
        htt_before = sum(1 for m in open_ if m.muc_de_xuat == "HTT" and m.ma_so not in moved)
        expected = oracle_keep(sum(m.muc_quyet_dinh == "HTXS" for m in decided),
                               sum(m.muc_quyet_dinh == "HTT" for m in decided), htt_before, before)
        assert len(kept) == expected
        finals = [m.muc_cuoi for m in rated]
        if 5 * sum(m.muc_quyet_dinh == "HTXS" for m in decided) <= finals.count("HTT") + finals.count("HTXS") - \
                sum(m.muc_quyet_dinh == "HTXS" for m in decided):
            assert 5 * finals.count("HTXS") <= finals.count("HTT")  # legal whenever the decisions allow it
        shares = {c.ma_so: c.ty_le_phieu_htxs for c in g.xep_hang}
        if kept and moved:  # who stays: no one moved has a higher share of HTXS votes than someone kept
            assert min(shares[m.ma_so] for m in kept) >= max(shares[c] for c in moved)
    # CSTĐCS cap never exceeded
    kept = sum(1 for pr in r.people if pr.thi_dua and pr.thi_dua.de_nghi == "CSTDCS" and pr.thi_dua.du_dieu_kien)
    ldtt = sum(1 for pr in r.people if pr.thi_dua and pr.thi_dua.dat_ldtt)
    assert kept <= int(rb.cstdcs_ratio * ldtt + 1e-9)
    check_citations(r)


# the citation each rule must give, per year (independent of rulebooks.py: written from rules.md R0)
EXPECTED = {
    2024: {"meeting": "Điều 18 Nghị định 90/2020/NĐ-CP", "months": "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP",
           "discipline": "điểm a khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP", "cap": "124-QĐ/TW",
           "ldtt": "Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15"},
    2026: {"meeting": "Nghị định 335/2025/NĐ-CP", "months": "Nghị định 335/2025/NĐ-CP",
           "discipline": "Điều 20 Nghị định 335/2025/NĐ-CP", "cap": "khoản 5 Điều 20 Nghị định 335/2025/NĐ-CP",
           "ldtt": "Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15"},
}


def check_citations(r) -> None:
    want = EXPECTED[r.nam_danh_gia]
    for pr in r.people:
        for x in pr.ly_do + (pr.thi_dua.ly_do if pr.thi_dua else ()):
            what, source = x.split(" — căn cứ: ", 1)
            if what.startswith("Cuộc họp đánh giá"):
                assert want["meeting"] in source, x
            elif "không thực hiện đánh giá, xếp loại" in what or what.startswith("Nghỉ không tham gia công tác"):
                assert want["months"] in source, x
            elif "trong năm đánh giá" in what and "Không hoàn thành nhiệm vụ" in what and what.startswith("Kỷ luật"):
                assert want["discipline"] in source, x
            elif what.startswith("Nhóm tương đồng") and "ngoại lệ" not in source:
                assert want["cap"] in source, x
            elif what.startswith("Xếp loại") and "Hoàn thành tốt nhiệm vụ trở lên" in what:
                assert want["ldtt"] in source, x
            if r.nam_danh_gia == 2024:
                assert "366-QĐ/TW" not in x
            if r.nam_danh_gia >= 2026:  # ND 90 / ND 48 no longer rate anyone: never the basis of a 2026 level
                assert "90/2020" not in source and "48/2023" not in source, x


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


@FAST
@given(st.lists(st.tuples(st.sampled_from(["HTXS", "HTT"]), st.sampled_from([None, None, "HTXS", "HTT"]),
                          st.integers(6, 10)), min_size=1, max_size=14))
def test_cap_of_one_group_matches_the_brute_force_oracle(rows):
    """One group, every mix of proposals and decided levels (6–10 HTXS votes of 10: more than half, so an
    HTXS proposal): the number kept is the oracle's."""
    b = Book()
    for i, (level, decided, share) in enumerate(rows):
        b.person(f"P{i:02d}", vote=(10, share, 10 - share) if level == "HTXS" else (10, 0, 10), decided=decided)
    r = b.rate()
    open_ = [(lv, d) for lv, d, _ in rows if d is None]
    expected = oracle_keep(sum(d == "HTXS" for _, d, _ in rows), sum(d == "HTT" for _, d, _ in rows),
                           sum(lv == "HTT" for lv, _ in open_), sum(lv == "HTXS" for lv, _ in open_))
    kept = [p for p in r.people if not p.muc_quyet_dinh and p.muc_de_xuat == "HTXS"]
    assert len(kept) == expected
    check_invariants(b, r, ND90_ND48)
