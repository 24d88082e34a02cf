"""Rule 7: emulation titles (Luật Thi đua, khen thưởng 2022, Art. 23–24), after the ratings. Pure.

LĐTT: final level (decided, else proposed) in the rulebook's `ldtt_levels`, rated, and more than
half of the secret ballot; `ldtt_min_months` (newly recruited people are not considered) is a
warning, the workbook does not say who is newly recruited, and maternity leave is not new
recruitment. CSTĐCS: the LĐTT conditions plus HTXS or a recognised initiative (only an initiative
when `cstdcs_requires_initiative`), at most round(`cstdcs_ratio` × LĐTT count) per agency. The share of
direct workers among those proposed is reported against `direct_worker_share` (warning only).
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.ingest.model import Campaign, EmulationProposal
from pipeline.rating import agency_kind, rules
from pipeline.rating.levels import RANK, WORDS
from pipeline.rating.result import EmulationResult, EmulationSummary, PersonRating
from pipeline.rating.rulebooks import RULEBOOKS, Rulebook
from pipeline.rating.rules import cited, num, pct

TITLES = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}


def ballot_share(prop: EmulationProposal) -> float:
    if prop.phieu_dong_y is None or not prop.tong_so_phieu:
        return 0.0
    return prop.phieu_dong_y / prop.tong_so_phieu


def ldtt_conditions(pr: PersonRating, months: float, maternity: bool, prop: EmulationProposal, rb: Rulebook
                    ) -> tuple[bool, list[str], list[str]]:
    """The LĐTT conditions for one person: (all met, reasons, warnings)."""
    ok, reasons, warnings = True, [], []
    final = pr.muc_cuoi
    which = "mức quyết định" if pr.muc_quyet_dinh else "mức đề xuất"
    if not pr.rated:
        ok = False
        reasons.append(cited("Không thuộc diện xếp loại chất lượng năm nay: không đủ điều kiện Lao động tiên tiến",
                             f"{rb.cite.ldtt}; {rb.cite.months_in_post}"))
    elif final not in rb.ldtt_levels:
        ok = False
        shown = WORDS[final] if final else "chưa có mức xếp loại"
        reasons.append(cited(f"Cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên; {which}: {shown}", rb.cite.ldtt))
    else:
        reasons.append(cited(f"Xếp loại {WORDS[final]} ({which}): đạt tiêu chuẩn Hoàn thành tốt nhiệm vụ trở lên",
                             rb.cite.ldtt))
    if pr.rated and pr.muc_quyet_dinh and pr.muc_toi_da and RANK[pr.muc_quyet_dinh] > RANK[pr.muc_toi_da]:
        warnings.append(f"Đề nghị danh hiệu thi đua dựa trên mức quyết định {WORDS[pr.muc_quyet_dinh]}, nhưng mức này cao "
                        f"hơn mức tối đa {WORDS[pr.muc_toi_da]} theo quy định (xem cảnh báo về mức quyết định); cấp có "
                        "thẩm quyền xem lại mức xếp loại trước khi xét danh hiệu.")
    if maternity and months < rb.ldtt_min_months:
        reasons.append(cited(f"Công tác {num(months)} tháng trong năm, có nghỉ chế độ thai sản: nghỉ thai sản không phải "
                             "là người mới tuyển dụng, không thuộc trường hợp không xét danh hiệu Lao động tiên tiến",
                             rb.cite.ldtt_months))
    elif pr.rated and months < rb.ldtt_min_months:
        warnings.append(f"Công tác {num(months)} tháng trong năm: nếu là người mới tuyển dụng dưới "
                        f"{num(rb.ldtt_min_months)} tháng thì không xét danh hiệu Lao động tiên tiến ({rb.cite.ldtt_months}); "
                        "chương trình không biết ai là người mới tuyển dụng, cấp có thẩm quyền xem xét.")
    if prop.phieu_dong_y is None or not prop.tong_so_phieu:
        ok = False
        reasons.append(cited("Chưa có kết quả bỏ phiếu kín (số phiếu đồng ý, tổng số phiếu)", rb.cite.ldtt_ballot))
    elif 2 * prop.phieu_dong_y <= prop.tong_so_phieu:
        ok = False
        reasons.append(cited(f"Bỏ phiếu kín {prop.phieu_dong_y}/{prop.tong_so_phieu} phiếu đồng ý: không quá một nửa "
                             "tổng số phiếu", rb.cite.ldtt_ballot))
    else:
        reasons.append(cited(f"Bỏ phiếu kín {prop.phieu_dong_y}/{prop.tong_so_phieu} phiếu đồng ý: quá một nửa tổng số phiếu",
                             rb.cite.ldtt_ballot))
    if ok:
        reasons.append(cited("Đủ các điều kiện danh hiệu Lao động tiên tiến", rb.cite.ldtt))
    return ok, reasons, warnings


def rate_emulation(people: list[PersonRating], campaign: Campaign, rb: Rulebook
                   ) -> tuple[list[PersonRating], list[str], EmulationSummary]:
    pos = {pr.ma_so: i for i, pr in enumerate(people)}
    persons = {p.ma_so: p for p in campaign.people}
    agency: list[str] = []
    props: dict[str, EmulationProposal] = {}
    for prop in campaign.emulation:
        if prop.ma_so not in pos:
            continue
        if prop.ma_so in props:
            agency.append(f"{prop.ma_so} có nhiều dòng đề nghị thi đua; chỉ xét dòng đầu ({TITLES[props[prop.ma_so].danh_hieu]}).")
            continue
        props[prop.ma_so] = prop

    results: dict[str, EmulationResult] = {}
    extra_warnings: dict[str, list[str]] = {code: [] for code in props}
    candidates: list[str] = []
    # the agency head's title is left to the competent level on his unit's papers (the emulation table and the
    # ballot minutes print «cấp có thẩm quyền xét» for him): he takes no place in the agency's CSTĐCS ranking,
    # so a subordinate is never moved over the cap by a proposal the agency does not decide
    head = campaign.agency_head_ma_so()
    # what his reason calls the agency: «đơn vị sự nghiệp» for a đơn vị sự nghiệp công lập (agency_kind; his own
    # rulebook: set on each person when the agency is rated under several, else the agency's `rb`)
    head_rb = (RULEBOOKS.get(people[pos[head]].bo_quy_tac) or rb) if head is not None and head in pos else None
    body = agency_kind.noun(agency_kind.public_service(campaign, head_rb), distinct=True)
    for code, prop in props.items():
        pr, person = people[pos[code]], persons[code]
        dat, reasons, warnings = ldtt_conditions(pr, person.so_thang_cong_tac, person.nghi_thai_san, prop, rb)
        extra_warnings[code] += warnings
        eligible = dat
        if prop.danh_hieu == "CSTDCS":
            final = pr.muc_cuoi
            if not dat:
                eligible = False
                reasons.append(cited("Chưa đạt tiêu chuẩn Lao động tiên tiến nên không đủ điều kiện Chiến sĩ thi đua cơ sở",
                                     rb.cite.cstdcs))
            elif rb.cstdcs_requires_initiative and not prop.sang_kien:
                eligible = False
                reasons.append(cited("Chiến sĩ thi đua cơ sở cần có sáng kiến (hoặc đề tài khoa học) được công nhận; "
                                     "chưa ghi sáng kiến", rb.cite.cstdcs))
            elif final == "HTXS" or prop.sang_kien:
                by_level = final == "HTXS" and not rb.cstdcs_requires_initiative
                basis = "xếp loại Hoàn thành xuất sắc nhiệm vụ" if by_level else f"sáng kiến được công nhận: {prop.sang_kien}"
                reasons.append(cited(f"Đạt tiêu chuẩn Lao động tiên tiến và có {basis}", rb.cite.cstdcs))
                if code == head:
                    reasons.append(cited(f"Người đứng đầu {body}: danh hiệu do cấp có thẩm quyền xét, không tính trong "
                                         f"tỷ lệ Chiến sĩ thi đua cơ sở của {body}", rb.cite.cstdcs_cap))
                else:
                    candidates.append(code)
            else:
                eligible = False
                reasons.append(cited("Chiến sĩ thi đua cơ sở cần xếp loại Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến "
                                     "được công nhận; không có cả hai", rb.cite.cstdcs))
        results[code] = EmulationResult(prop.danh_hieu, eligible, tuple(reasons), dat_ldtt=dat,
                                        ty_le_phieu=ballot_share(prop) if prop.tong_so_phieu else None)

    # CSTĐCS cap: at most round(ratio × number reaching LĐTT), per agency
    ldtt_count = sum(1 for r in results.values() if r.dat_ldtt)
    allowed = max(0, rules.round_with(rb.cstdcs_ratio * ldtt_count, rb.cstdcs_rounding))
    how = (f"{len(candidates)} người đủ điều kiện Chiến sĩ thi đua cơ sở; tối đa {pct(rb.cstdcs_ratio)} × {ldtt_count} người "
           f"đạt Lao động tiên tiến = {num(rb.cstdcs_ratio * ldtt_count)} → {allowed} "
           f"({rules.ROUNDING_WORDS.get(rb.cstdcs_rounding, rb.cstdcs_rounding)})")
    ranked = sorted(candidates, key=lambda c: (-round(ballot_share(props[c]), 9), c))
    kept = set(ranked[:allowed])
    for n, code in enumerate(ranked, start=1):
        r = results[code]
        if code in kept:
            text = cited(f"Trong tỷ lệ Chiến sĩ thi đua cơ sở (xếp thứ {n}/{len(ranked)} theo tỷ lệ phiếu đồng ý). {how}",
                         rb.cite.cstdcs_cap)
            results[code] = replace(r, ly_do=r.ly_do + (text,))
        else:
            text = cited(f"Vượt tỷ lệ Chiến sĩ thi đua cơ sở (xếp thứ {n}/{len(ranked)} theo tỷ lệ phiếu đồng ý); "
                         f"vẫn đạt tiêu chuẩn Lao động tiên tiến. {how}", rb.cite.cstdcs_cap)
            results[code] = replace(r, du_dieu_kien=False, ly_do=r.ly_do + (text,))
    if 0 < allowed < len(ranked):
        last = round(ballot_share(props[ranked[allowed - 1]]), 9)
        tied = [c for c in ranked if round(ballot_share(props[c]), 9) == last]
        if any(c not in kept for c in tied):
            names = ", ".join(rules.who(persons[c].ho_ten, c) for c in tied)
            text = (f"Bằng nhau về tỷ lệ phiếu đồng ý tại ranh giới tỷ lệ Chiến sĩ thi đua cơ sở: {names}; chương trình "
                    "chọn theo thứ tự mã số. Hội đồng thi đua, khen thưởng cần quyết định.")
            agency.append(text)
            for c in tied:
                extra_warnings[c].append(text)
    if len(ranked) > allowed:
        # where the 15 % stands, as the reasons say it (its article in ND 98/2023 unconfirmed: rules.md R7.2)
        agency.append(f"Số đề nghị Chiến sĩ thi đua cơ sở vượt tỷ lệ: {how} — căn cứ: {rb.cite.cstdcs_cap}.")

    # the share of direct workers among those proposed (warning only)
    direct = sum(1 for c in props if persons[c].truc_tiep_cong_tac)
    share = direct / len(props) if props else None
    if share is not None and round(share, 9) < rb.direct_worker_share:
        # counted as the units' emulation tables count theirs (`unit_context`: a title reached — Chiến sĩ thi đua
        # cơ sở, or Lao động tiên tiến by someone proposed for it who missed the other —, the agency head apart,
        # his title the competent level's), so the sum of the units' printed «a/b» is this one
        eligible_codes = [c for c, r in results.items() if (r.du_dieu_kien or r.dat_ldtt) and c != head]
        direct_eligible = sum(1 for c in eligible_codes if persons[c].truc_tiep_cong_tac)
        agency.append(
            f"Tỷ lệ cá nhân trực tiếp lao động, công tác trong số được đề nghị khen thưởng là {pct(share)} ({direct}/{len(props)}), "
            f"dưới {pct(rb.direct_worker_share)} (trong số đủ điều kiện, như bảng tổng hợp thi đua của các đơn vị tính: "
            f"{direct_eligible}/{len(eligible_codes)}) — {rb.cite.direct_share}.")
    summary = EmulationSummary(
        so_de_nghi=len(props), so_dat_ldtt=ldtt_count, so_de_nghi_cstdcs=sum(1 for p in props.values() if p.danh_hieu == "CSTDCS"),
        so_cstdcs_du_dieu_kien=len(candidates), toi_da_cstdcs=allowed, so_cstdcs=len(kept), cach_tinh_cstdcs=how,
        so_truc_tiep=direct, ty_le_truc_tiep=share, nguong_truc_tiep=rb.direct_worker_share,
    )
    out = list(people)
    for code, r in results.items():
        i = pos[code]
        out[i] = replace(out[i], thi_dua=r, canh_bao=out[i].canh_bao + tuple(extra_warnings[code]))
    return out, agency, summary
