"""Rule 7: emulation titles (Luật Thi đua, khen thưởng 2022, Art. 23–24). Pure."""

from __future__ import annotations

from dataclasses import replace

from pipeline.ingest.model import Campaign
from pipeline.rating import rules
from pipeline.rating.levels import WORDS
from pipeline.rating.result import EmulationResult, PersonRating
from pipeline.rating.rulebooks import Rulebook


def rate_emulation(people: list[PersonRating], campaign: Campaign, rb: Rulebook):
    by_code = {pr.ma_so: i for i, pr in enumerate(people)}
    persons = {p.ma_so: p for p in campaign.people}
    results: dict[str, EmulationResult] = {}
    for prop in campaign.emulation:
        if prop.ma_so in results:
            continue
        pr = people[by_code[prop.ma_so]]
        person = persons[prop.ma_so]
        reasons, ok = [], True
        final = pr.muc_cuoi
        if not pr.rated:
            ok = False
            reasons.append(f"Không được xếp loại chất lượng trong năm (công tác dưới 06 tháng) — {rb.cite_ldtt}.")
        elif final not in ("HTXS", "HTT"):
            ok = False
            shown = WORDS[final] if final else "chưa có mức xếp loại"
            reasons.append(f"Danh hiệu Lao động tiên tiến cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên; mức hiện tại: {shown} — {rb.cite_ldtt}.")
        if person.so_thang_cong_tac < 6 and not person.nghi_thai_san and pr.rated:
            ok = False
            reasons.append(f"Công tác dưới 06 tháng trong năm — {rb.cite_ldtt}.")
        if prop.phieu_dong_y is None or not prop.tong_so_phieu:
            ok = False
            reasons.append("Chưa có kết quả bỏ phiếu kín (số phiếu đồng ý / tổng số phiếu).")
        elif 2 * prop.phieu_dong_y <= prop.tong_so_phieu:
            ok = False
            reasons.append(f"Số phiếu đồng ý {prop.phieu_dong_y}/{prop.tong_so_phieu}: không quá một nửa tổng số phiếu.")
        else:
            reasons.append(f"Bỏ phiếu kín: {prop.phieu_dong_y}/{prop.tong_so_phieu} phiếu đồng ý (quá một nửa).")
        if prop.danh_hieu == "CSTDCS" and ok:
            if final == "HTXS" or prop.sang_kien:
                basis = "xếp loại Hoàn thành xuất sắc nhiệm vụ" if final == "HTXS" else f"sáng kiến: {prop.sang_kien}"
                reasons.append(f"Đủ điều kiện Lao động tiên tiến và có {basis} — {rb.cite_cstdcs}.")
            else:
                ok = False
                reasons.append(f"Chiến sĩ thi đua cơ sở cần xếp loại Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến được công nhận — {rb.cite_cstdcs}.")
        elif ok:
            reasons.append(f"Đủ điều kiện danh hiệu Lao động tiên tiến — {rb.cite_ldtt}.")
        results[prop.ma_so] = EmulationResult(prop.danh_hieu, ok, tuple(reasons))

    agency_warnings: list[str] = []
    ldtt_count = sum(1 for r in results.values() if r.du_dieu_kien)
    cst = [code for code, r in results.items() if r.du_dieu_kien and r.de_nghi == "CSTDCS"]
    allowed = rules._round(rb.cstdcs_ratio * ldtt_count, "floor")
    if len(cst) > allowed:
        votes = {p.ma_so: (p.phieu_dong_y or 0) / (p.tong_so_phieu or 1) for p in campaign.emulation}
        ranked = sorted(cst, key=lambda c: (-votes.get(c, 0), c))
        for code in ranked[allowed:]:
            r = results[code]
            results[code] = replace(r, du_dieu_kien=False, ly_do=r.ly_do + (
                f"Vượt tỷ lệ Chiến sĩ thi đua cơ sở: tối đa {rb.cstdcs_ratio:.0%} × {ldtt_count} người đạt Lao động tiên tiến "
                f"= {allowed} người (theo tỷ lệ phiếu đồng ý) — {rb.cite_cstdcs}.",))
    eligible = [code for code, r in results.items() if r.du_dieu_kien]
    if eligible:
        direct = sum(1 for c in eligible if persons[c].truc_tiep_cong_tac)
        share = direct / len(eligible)
        if share < rb.direct_worker_share:
            agency_warnings.append(
                f"Tỷ lệ cá nhân trực tiếp lao động, công tác trong số được đề nghị khen thưởng là {share:.0%} "
                f"({direct}/{len(eligible)}), dưới {rb.direct_worker_share:.0%} theo hướng dẫn."
            )
    out = [replace(pr, thi_dua=results[pr.ma_so]) if pr.ma_so in results else pr for pr in people]
    return out, agency_warnings
