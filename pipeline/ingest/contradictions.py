"""Contradictions between a person's data and the rating rules, found by `hoso check` (and on every
load): each names the cell to look at.

A decided level (`muc_quyet_dinh`) above the ceiling the law sets (discipline in the year ⇒ Không
hoàn thành nhiệm vụ; 3 to under 6 months of lawful absence ⇒ at most Hoàn thành nhiệm vụ; under 6
months actually worked ⇒ not rated) is an error: the law forbids it, the clerk corrects the data or
the decision. Everything else is a warning. The rules themselves are the rating engine's
(`pipeline.rating.rules`), so `check` and `rate` never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import cast

from pipeline.ingest.model import Campaign, Person, Ref
from pipeline.ingest.problems import ERROR, WARNING, Problem


def _at(severity: str, refs: Mapping[str, Ref] | None, key: str, message: str, *, value: str | None = None,
        expected: str | None = None, sheet: str = "NhanSu",
        row: int | None = None) -> Problem:
    ref = refs.get(key) if refs else None
    if ref is None:
        return Problem(severity, sheet, message, row=row, value=value, expected=expected)
    return Problem(severity, ref.sheet, message, row=ref.row, column=ref.column, header=ref.header,
                   value=value, expected=expected)


def _row_of(refs: Mapping[str, Ref] | None) -> str:
    ref = next(iter(refs.values()), None) if refs else None
    return f"sheet «{ref.sheet}», dòng {ref.row}" if ref else "sheet «KyLuat»"


def contradictions(campaign: Campaign) -> list[Problem]:
    from pipeline.rating import rules
    from pipeline.rating.groups import CBCCVC, fold, group_label, norm
    from pipeline.rating.levels import RANK, WORDS
    from pipeline.rating.rulebooks import (
        BY_CATEGORY_FROM,
        Rulebook,
        UnknownRulebook,
        for_person,
        resolve,
    )

    try:
        rb = resolve(campaign.year, campaign.agency.bo_quy_tac).in_year(campaign.year)
    except UnknownRulebook:
        return []
    year = campaign.year
    out: list[Problem] = []

    def rulebook_of(p: Person) -> Rulebook:
        # as the rating plans it (pipeline.rating.categories): from 2026, unless one rulebook is forced,
        # the staff category decides, so a viên chức's message cites the viên chức rules, not ND 335
        if campaign.agency.bo_quy_tac or year < BY_CATEGORY_FROM:
            return rb
        try:
            return for_person(year, p.loai_nhan_su, campaign.others_rulebook(p)).in_year(year)
        except UnknownRulebook:
            return rb

    persons = {p.ma_so: p for p in campaign.people}
    # cited as the rating cites it: contract staff, NLĐ through the agency's rules applying the text
    rulebooks = {ma_so: rulebook_of(p).for_kind(p.loai_nhan_su) for ma_so, p in persons.items()}
    discs = defaultdict(list)
    for d in campaign.disciplines:
        discs[d.ma_so].append(d)

    # forms that are not discipline ("phê bình", "nhắc nhở")
    for d in campaign.disciplines:
        if rules.is_discipline_form(d.hinh_thuc, rulebooks.get(d.ma_so, rb)) is False:
            out.append(_at(WARNING, d.refs, "hinh_thuc",
                           f"«{d.hinh_thuc}» không phải là hình thức kỷ luật (các hình thức từ khiển trách trở lên); "
                           "quyết định này không làm người được xếp loại Không hoàn thành nhiệm vụ.", value=d.hinh_thuc,
                           expected="khiển trách, cảnh cáo, hạ bậc lương, giáng chức, cách chức, bãi nhiệm, buộc thôi "
                                    "việc, khai trừ (người lao động: kéo dài thời hạn nâng lương, sa thải); hoặc xóa "
                                    "dòng nếu không phải quyết định kỷ luật", sheet="KyLuat"))

    for p in campaign.people:
        prb = rulebooks[p.ma_so]
        time = rules.time_rules(p, prb)
        disc = rules.disciplines_in_year(discs.get(p.ma_so, []), year, prb, drawn_up=campaign.agency.ngay_lap)
        for d, words in disc.dated:  # the rating's words on this person, said on the decision's date
            out.append(_at(WARNING, d.refs, "ngay_hieu_luc", words, value=f"{d.ngay_hieu_luc:%d/%m/%Y}",
                           expected="ngày hiệu lực ghi trong quyết định kỷ luật", sheet="KyLuat"))
        decided, own, party = p.muc_quyet_dinh, p.tu_xep_loai, p.muc_dang_vien
        where_disc = "; ".join(f"{rules.discipline_label(d)} ({_row_of(d.refs)})" for d in disc.counted)
        # an act an earlier year used, counted only because the rulebook's own exception is not known: said
        contested = f" Lưu ý: {rules.contested_words(prb)}" if disc.contested else ""
        if disc.counted and own and own != "KHT":
            out.append(_at(WARNING, p.refs, "tu_xep_loai",
                           f"Tự xếp loại {WORDS[own]} nhưng bị kỷ luật trong năm đánh giá {year} ({where_disc}): theo "
                           f"{prb.cite.discipline}, mức xếp loại là Không hoàn thành nhiệm vụ.{contested}", value=WORDS[own],
                           expected="Không hoàn thành nhiệm vụ, hoặc kiểm tra lại sheet KyLuat"))
        if decided and time.rated is False and p.so_thang_cong_tac >= prb.min_months:
            worked = p.so_thang_cong_tac - p.so_thang_nghi
            out.append(_at(ERROR, p.refs, "muc_quyet_dinh",
                           f"Người công tác {rules.num(p.so_thang_cong_tac)} tháng, nghỉ {rules.num(p.so_thang_nghi)} tháng "
                           f"(không phải thai sản): thời gian công tác thực tế {rules.num(worked)} tháng, dưới "
                           f"{rules.num(prb.min_months)} tháng, không được xếp loại ({prb.cite.months}).",
                           value=WORDS[decided], expected="để trống ô này, hoặc sửa số tháng nghỉ"))
        if decided and time.rated and time.ceiling and RANK[decided] > RANK[time.ceiling]:
            out.append(_at(ERROR, p.refs, "muc_quyet_dinh",
                           f"Mức quyết định {WORDS[decided]} cao hơn mức tối đa {WORDS[time.ceiling]}: nghỉ không tham gia "
                           f"công tác {rules.num(p.so_thang_nghi)} tháng trong năm (từ 03 đến dưới 06 tháng) thì không "
                           f"xếp loại từ Hoàn thành tốt nhiệm vụ trở lên ({prb.cite.months}).", value=WORDS[decided],
                           expected=f"{WORDS[time.ceiling]} hoặc thấp hơn, hoặc sửa số tháng nghỉ"))
        if decided and time.rated and disc.counted and decided != "KHT":
            # the competent authority's level stands where the law is unsure or unknown: a warning, not a refusal
            severity = WARNING if disc.unsure or disc.contested else ERROR
            note = (" Sổ không ghi năm nào đã tính hành vi này (cột «Đã tính năm»); kiểm tra lại." if disc.unsure
                    else contested)
            out.append(_at(severity, p.refs, "muc_quyet_dinh",
                           f"Mức quyết định {WORDS[decided]} nhưng bị kỷ luật trong năm đánh giá {year} ({where_disc}): "
                           f"theo {prb.cite.discipline}, mức xếp loại là Không hoàn thành nhiệm vụ.{note}",
                           value=WORDS[decided], expected="Không hoàn thành nhiệm vụ, hoặc kiểm tra lại sheet KyLuat"))
        state = decided or own
        if party and p.dang_vien and state and RANK[party] > RANK[state]:
            which = "mức quyết định" if decided else "mức tự xếp loại"
            out.append(_at(WARNING, p.refs, "muc_dang_vien",
                           f"Mức xếp loại đảng viên {WORDS[party]} cao hơn {which} cán bộ, công chức, viên chức "
                           f"({WORDS[state]}); kiểm tra lại — căn cứ: {prb.cite.party}.", value=WORDS[party],
                           expected=f"{WORDS[state]} hoặc thấp hơn"))

    # emulation proposals for people whose level cannot give the title
    titles = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
    for e in campaign.emulation:
        found = persons.get(e.ma_so)
        if found is None:
            continue
        p = found
        vote = campaign.votes.get(p.ma_so)
        meeting = rules.meeting_level(vote) if vote is not None else None
        state = p.muc_quyet_dinh or meeting or p.tu_xep_loai
        which = ("mức quyết định" if p.muc_quyet_dinh else "mức cuộc họp biểu quyết" if meeting else "tự xếp loại")
        title = titles.get(e.danh_hieu, e.danh_hieu)
        if state and state not in rb.ldtt_levels:
            out.append(_at(WARNING, e.refs, "danh_hieu",
                           f"Đề nghị danh hiệu {title} cho {p.ho_ten} ({p.ma_so}) nhưng {which} là {WORDS[state]}: danh "
                           f"hiệu cần xếp loại từ Hoàn thành tốt nhiệm vụ trở lên ({rb.cite.ldtt}).", value=title,
                           expected="bỏ đề nghị, hoặc kiểm tra lại mức xếp loại", sheet="ThiDua"))
        elif p.tu_xep_loai and p.tu_xep_loai not in rb.ldtt_levels:
            out.append(_at(WARNING, e.refs, "danh_hieu",
                           f"Đề nghị danh hiệu {title} cho {p.ho_ten} ({p.ma_so}), người tự xếp loại "
                           f"{WORDS[p.tu_xep_loai]}; {which} là {WORDS[cast(str, state)]}. Danh hiệu cần xếp loại từ Hoàn thành tốt "
                           f"nhiệm vụ trở lên ({rb.cite.ldtt}); kiểm tra lại mức tự xếp loại.", value=title,
                           expected="mức tự xếp loại khớp với đề nghị", sheet="ThiDua"))

    # group names: one group written in several ways, near-duplicates, contract staff mixed in
    by_norm: dict[str, dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
    for p in campaign.people:
        if p.nhom_tuong_dong and p.nhom_tuong_dong.strip():
            by_norm[norm(p.nhom_tuong_dong)][p.nhom_tuong_dong].append(p)
    for variants in by_norm.values():
        if len(variants) > 1:
            names = ", ".join(f"«{v}» ({len(ps)} người)" for v, ps in sorted(variants.items()))
            for v, ps in sorted(variants.items()):
                out.append(_at(WARNING, ps[0].refs, "nhom_tuong_dong",
                               f"Nhóm tương đồng được viết theo nhiều cách: {names}; chương trình coi là một nhóm. Nên "
                               "viết thống nhất.", value=v, expected="cùng một cách viết cho cùng một nhóm"))
    by_fold: dict[str, list[str]] = defaultdict(list)
    for key in by_norm:
        by_fold[fold(key)].append(key)
    for keys in by_fold.values():
        if len(keys) > 1:
            shown = [next(iter(sorted(by_norm[k]))) for k in sorted(keys)]
            names = ", ".join(f"«{n}»" for n in shown)
            for k in sorted(keys):
                first = next(iter(sorted(by_norm[k].items())))[1][0]
                out.append(_at(WARNING, first.refs, "nhom_tuong_dong",
                               f"Các nhóm tương đồng {names} chỉ khác nhau dấu tiếng Việt; chương trình coi là các nhóm "
                               "khác nhau. Nếu là một nhóm, sửa cho cùng cách viết.",
                               value=first.nhom_tuong_dong, expected="cùng một cách viết cho cùng một nhóm"))
    members: dict[str, list[Person]] = defaultdict(list)
    for p in campaign.people:
        if p.nhom_tuong_dong and p.nhom_tuong_dong.strip():
            members[norm(p.nhom_tuong_dong)].append(p)
    for ps in members.values():
        kinds = {p.loai_nhan_su for p in ps}
        others = [p for p in ps if p.loai_nhan_su not in CBCCVC]
        if others and kinds & set(CBCCVC):
            p = others[0]
            out.append(_at(WARNING, p.refs, "nhom_tuong_dong",
                           f"Nhóm tương đồng «{group_label(p.nhom_tuong_dong)}» gồm cả cán bộ, công chức, viên chức và "
                           f"{len(others)} người làm việc theo hợp đồng hoặc người lao động: tỷ lệ Hoàn thành xuất sắc "
                           "nhiệm vụ so sánh cán bộ, công chức, viên chức có nhiệm vụ tương đồng; người hợp đồng không "
                           "nên là cơ sở để giữ mức Hoàn thành xuất sắc nhiệm vụ của công chức.", value=p.nhom_tuong_dong,
                           expected="một nhóm riêng cho người hợp đồng, người lao động (hoặc để trống: nhóm mặc định "
                                    "theo loại nhân sự)"))
    return out
