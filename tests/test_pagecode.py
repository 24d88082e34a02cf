"""The page codes' QR modules are segno's own: pagecode places segno's message and chooses the data
mask by segno's penalty rules computed on whole rows (pagecode._fast_matrix), and a bundle must not
change because of it (the saved runs of earlier builds, qr.json, are reused as they are)."""

from __future__ import annotations

import random
import string

import pytest
import segno

from pipeline.bundle import pagecode


def _texts() -> list[str]:
    rng = random.Random(20261206)
    codes = [pagecode.PageCode(pagecode.agency_token(f"Sở {a}"), "2026", f"DV{u:02d}", f"NV{p:04d}" if p else "",
                               form, copy, page, pages, "" if form == pagecode.COVER_FORM else f"{rng.getrandbits(32):08x}").text()
             for a in range(3) for u in range(4) for p in range(0, 40, 7)
             for form, copy, page, pages in (("ca_nhan", 1, 1, 2), ("dang_vien", 2, 3, 3), (pagecode.COVER_FORM, 1, 1, 1))]
    letters = string.ascii_letters + string.digits + " |/-_.:"
    other = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 400))) for _ in range(300)]
    other += ["".join(rng.choice(letters) for _ in range(rng.randint(500, 900))) for _ in range(12)]
    return codes + other + ["0123456789" * k for k in range(1, 12)] + ["Nguyễn Thị Ánh " * k for k in range(1, 6)]


def test_the_modules_are_segnos_own_for_every_mask_and_version() -> None:
    masks, versions = set(), set()
    for text in _texts():
        qr = segno.make_qr(text, error="m", boost_error=False)
        masks.add(qr.mask)
        versions.add(qr.version)
        fast = pagecode._fast_matrix(text)
        assert fast is not None and [bytes(r) for r in fast] == [bytes(r) for r in qr.matrix], text
    assert masks == set(range(8))  # every mask was the best one somewhere
    # small codes, hoso's own (version 4), codes with version modules, with 3 and 4 remainder bits
    assert {1, 4, 7, 10, 14, 21} <= versions
    assert pagecode._fast_is_segnos()


def test_a_segno_whose_steps_differ_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    text = pagecode.PageCode("a1b2c3", "2026", "DV01", "NV0001", "ca_nhan", 1, 1, 2, "deadbeef").text()
    monkeypatch.setattr(pagecode, "_fast_matrix", lambda t: tuple(bytearray(len(r)) for r in pagecode._segno(t)))
    pagecode._fast_is_segnos.cache_clear()
    try:
        assert not pagecode._fast_is_segnos()
        assert [bytes(r) for r in pagecode._matrix(text)] == [bytes(r) for r in segno.make_qr(text, error="m", boost_error=False).matrix]
    finally:
        pagecode._fast_is_segnos.cache_clear()


def test_the_runs_cover_exactly_the_dark_modules() -> None:
    text = pagecode.PageCode("a1b2c3", "2026", "DV01", "NV0001", "ca_nhan", 1, 2, 3, "deadbeef").text()
    n, runs = pagecode._encode(text)
    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    dark = {(c, n - 1 - r) for r, row in enumerate(matrix) for c, v in enumerate(row) if v}
    drawn = {(c + k, r) for c, r, w in runs for k in range(w)}
    assert n == len(matrix) and drawn == dark
