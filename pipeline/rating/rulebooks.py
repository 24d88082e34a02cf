"""Rulebooks as data: thresholds, rounding, quotas and the legal citations used in reasons.

A rulebook is chosen by the evaluation year (R0) unless the workbook overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rulebook:
    id: str
    years: tuple[int, int]  # first, last evaluation year (inclusive)
    htxs_ratio: float = 0.20  # HTXS ≤ ratio × HTT per comparable group
    rounding: str = "floor"  # "floor" | "round" | "ceil"
    min_months: float = 6  # below: not rated (unless maternity)
    absence_cap_from: float = 3  # lawful absence in [from, to) months caps the level at HT
    absence_cap_to: float = 6
    cstdcs_ratio: float = 0.15  # CSTĐCS ≤ ratio × LĐTT count per agency
    direct_worker_share: float = 0.55  # share of direct workers among emulation proposals
    points_based: bool = False
    points_thresholds: tuple[tuple[str, float], ...] = ()  # (level, minimum points), best first
    # legal citations used in reasons (Vietnamese)
    cite_vote: str = "Điều 18, 19 Nghị định 90/2020/NĐ-CP (biểu quyết tại cuộc họp đơn vị)"
    cite_discipline: str = "điểm a khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi Nghị định 48/2023/NĐ-CP)"
    cite_discipline_b: str = "điểm b khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi Nghị định 48/2023/NĐ-CP)"
    cite_discipline_c: str = "điểm c khoản 5 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi Nghị định 48/2023/NĐ-CP)"
    cite_months: str = "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP"
    cite_cap: str = (
        "khoản 6 Điều 2 Nghị định 90/2020/NĐ-CP (bổ sung bởi Nghị định 48/2023/NĐ-CP) và quy định của Đảng "
        "(Quy định 124-QĐ/TW): số HTXS không vượt quá 20% số HTT trong nhóm tương đồng"
    )
    cite_ldtt: str = "Điều 24 Luật Thi đua, khen thưởng 2022"
    cite_cstdcs: str = "Điều 23 Luật Thi đua, khen thưởng 2022"


ND90_ND48 = Rulebook(id="nd90-2020+nd48-2023", years=(2023, 2025))

ND335 = Rulebook(
    id="nd335-2025",
    years=(2026, 2100),
    points_based=True,
    points_thresholds=(("HTXS", 90), ("HTT", 70), ("HT", 50), ("KHT", 0)),
    cite_discipline="Điều 2 Nghị định 335/2025/NĐ-CP (kỷ luật từ khiển trách trở lên do vi phạm liên quan hoạt động công vụ)",
    cite_cap="khoản 5 Điều 2 Nghị định 335/2025/NĐ-CP: số HTXS không vượt quá 20% số HTT trong nhóm tương đồng",
)

# Evaluation years before 2023 use ND 90 without ND 48's discipline clause; the closest we model.
ND90 = Rulebook(id="nd90-2020", years=(2020, 2022))

RULEBOOKS = {rb.id: rb for rb in (ND90, ND90_ND48, ND335)}


def for_year(year: int, override: str = "") -> Rulebook:
    if override:
        if override not in RULEBOOKS:
            from pipeline.errors import ValidationFailed  # noqa: F401  (message below is for the CLI)

            raise KeyError(override)
        return RULEBOOKS[override]
    for rb in RULEBOOKS.values():
        if rb.years[0] <= year <= rb.years[1]:
            return rb
    return ND90_ND48
