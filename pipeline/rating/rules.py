"""Each rule as a pure function of one person's data. Reasons and warnings are Vietnamese and
cite their legal source (from the rulebook). No I/O here."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pipeline.ingest.model import Discipline, Person, Vote
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.rulebooks import Rulebook


def meeting_level(vote: Vote) -> str | None:
    """Highest level L such that votes for L or better are more than half of those present."""
    running = 0
    for level in ORDER:
        running += vote.phieu.get(level, 0)
        if 2 * running > vote.so_nguoi_du_hop:
            return level
    return None


def describe_votes(vote: Vote) -> str:
    parts = ", ".join(f"{lv} {vote.phieu.get(lv, 0)}" for lv in ORDER)
    return f"{vote.so_nguoi_du_hop} người dự họp; phiếu {parts}"


def proposal(person: Person, vote: Vote | None, rb: Rulebook) -> tuple[str | None, list[str], list[str]]:
    """Rule 1: the meeting's proposal, else the self-rating."""
    reasons, warnings = [], []
    if vote is not None:
        level = meeting_level(vote)
        if level is not None:
            reasons.append(
                f"Cuộc họp đơn vị đề xuất {WORDS[level]} ({describe_votes(vote)}; số phiếu từ mức này trở lên "
                f"quá một nửa số người dự họp) — {rb.cite_vote}."
            )
            return level, reasons, warnings
        if person.tu_xep_loai:
            warnings.append(
                f"Không mức nào được quá một nửa số người dự họp ({describe_votes(vote)}); tạm lấy mức tự xếp loại "
                f"{WORDS[person.tu_xep_loai]}. Cần biểu quyết lại hoặc cấp có thẩm quyền quyết định."
            )
            reasons.append(f"Theo mức tự xếp loại: {WORDS[person.tu_xep_loai]} (biểu quyết không đạt quá một nửa).")
            return person.tu_xep_loai, reasons, warnings
        warnings.append(f"Không mức nào được quá một nửa số người dự họp ({describe_votes(vote)}) và không có mức tự xếp loại: chưa có đề xuất.")
        return None, reasons, warnings
    if person.tu_xep_loai:
        reasons.append(f"Chưa có kết quả biểu quyết; theo mức tự xếp loại: {WORDS[person.tu_xep_loai]}.")
        return person.tu_xep_loai, reasons, warnings
    warnings.append("Chưa có kết quả biểu quyết và chưa tự xếp loại: chưa có mức đề xuất.")
    return None, reasons, warnings


def counted_disciplines(person_discs: Iterable[Discipline], all_discs: Iterable[Discipline], year: int, rb: Rulebook
                        ) -> tuple[list[Discipline], list[str]]:
    """Rule 2: decisions effective in the year that count, with notes on those that do not (b, c)."""
    counted, notes = [], []
    by_act: dict[str, list[Discipline]] = {}
    for d in all_discs:
        if d.ma_hanh_vi:
            by_act.setdefault((d.ma_so, d.ma_hanh_vi), []).append(d)  # type: ignore[arg-type]
    for d in person_discs:
        if d.ngay_hieu_luc.year != year:
            continue
        label = _disc_label(d)
        if d.da_tinh_nam and d.da_tinh_nam < year:
            notes.append(f"{label}: không tính vào năm {year} vì hành vi này đã được dùng để xếp loại KHT năm {d.da_tinh_nam} — {rb.cite_discipline_b}.")
            continue
        if d.ma_hanh_vi:
            first_year = min(x.ngay_hieu_luc.year for x in by_act[(d.ma_so, d.ma_hanh_vi)])  # type: ignore[index]
            if first_year < year:
                notes.append(f"{label}: cùng hành vi «{d.ma_hanh_vi}» đã có quyết định kỷ luật hiệu lực năm {first_year}; chỉ tính ở một năm đánh giá (năm đầu) — {rb.cite_discipline_c}.")
                continue
        counted.append(d)
    return counted, notes


def _disc_label(d: Discipline) -> str:
    kind = "Kỷ luật đảng" if d.loai_ky_luat == "dang" else "Kỷ luật hành chính"
    parts = [kind]
    if d.hinh_thuc:
        parts.append(d.hinh_thuc.lower())
    if d.so_quyet_dinh:
        parts.append(f"quyết định số {d.so_quyet_dinh}")
    parts.append(f"hiệu lực {d.ngay_hieu_luc:%d/%m/%Y}")
    return ", ".join(parts)


def discipline_reason(d: Discipline, year: int, rb: Rulebook) -> str:
    return f"{_disc_label(d)} trong năm đánh giá {year}: xếp loại ở mức Không hoàn thành nhiệm vụ — {rb.cite_discipline}."


def not_rated(person: Person, rb: Rulebook) -> bool:
    """Rule 3: fewer than 6 months worked (maternity leave excepted)."""
    return person.so_thang_cong_tac < rb.min_months and not person.nghi_thai_san


def htxs_allowed(htt: int, htxs: int, rb: Rulebook) -> int:
    """Rule 4: largest k ≤ htxs with k ≤ round(ratio × (htt + htxs − k))."""
    for k in range(htxs, -1, -1):
        if k <= _round(rb.htxs_ratio * (htt + htxs - k), rb.rounding):
            return k
    return 0


def cap_for(htt_total: int, rb: Rulebook) -> int:
    return _round(rb.htxs_ratio * htt_total, rb.rounding)


def _round(x: float, how: str) -> int:
    x = round(x, 9)  # 0.2 × 5 must be exactly 1
    if how == "ceil":
        return math.ceil(x)
    if how == "round":
        return int(math.floor(x + 0.5))
    return math.floor(x)
