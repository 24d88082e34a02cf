"""The four rating levels (R1), ordered; `None` means not rated."""

from __future__ import annotations

ORDER = ("HTXS", "HTT", "HT", "KHT")  # best first
RANK = {"HTXS": 4, "HTT": 3, "HT": 2, "KHT": 1}
WORDS = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}


def worse(a: str, b: str) -> str:
    """The lower of two levels."""
    return a if RANK[a] <= RANK[b] else b


def at_most(level: str | None, ceiling: str) -> str | None:
    return None if level is None else worse(level, ceiling)


def better_or_equal(a: str, b: str) -> bool:
    return RANK[a] >= RANK[b]
