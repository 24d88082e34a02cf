"""What kind of body the agency is, and the noun its own papers call it by.

A đơn vị sự nghiệp công lập (a hospital, a school, a centre) is rated from 2026 under the viên chức rules —
Luật Viên chức 2025 and Nghị định 233/2026/NĐ-CP «về đánh giá, xếp loại chất lượng đối với đơn vị sự nghiệp
công lập và viên chức», whose head is «người đứng đầu đơn vị sự nghiệp công lập» — not under Nghị định
335/2025/NĐ-CP «đối với cơ quan hành chính nhà nước và công chức» (shared/domain/regime-2026.md §1.1, §2).
Its papers call it «đơn vị», an administrative body's «cơ quan». One test decides it (`public_service_unit`),
one helper gives the noun (`agency_noun`) and the forms' label variants (`labels_of_kind`): no scattered if's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.ingest.model import Campaign
from pipeline.rating.groups import HEAD_CAP_WORDS, HEAD_GROUP
from pipeline.rating.result import GroupCap, Ratings
from pipeline.rating.rulebooks import RULEBOOKS, Rulebook

ADMINISTRATIVE_NOUN = "cơ quan"
PUBLIC_SERVICE_NOUN = "đơn vị"
DISTINCT_PUBLIC_SERVICE_NOUN = "đơn vị sự nghiệp"
# a form's [labels] key with this suffix is the wording of a đơn vị sự nghiệp công lập's papers for the key
# without it (meta.toml: «trich_yeu_su_nghiep» for «trich_yeu»)
PUBLIC_SERVICE_SUFFIX = "_su_nghiep"


def public_service_unit(campaign: Campaign, ratings: Ratings) -> bool:
    """The agency is a đơn vị sự nghiệp công lập, rated under the viên chức rules, not ND 335's for cơ quan hành chính:
    its head is rated under a rulebook where the head is not above his unit (nd233-2026: a viên chức head); with no
    head in the workbook, every unit of it is a đơn vị sự nghiệp (DonVi «loai_don_vi»). Before 2026 (one rulebook,
    ND 90, for cán bộ, công chức and viên chức alike) no rulebook says so: False for a head rated under it."""
    head = campaign.agency_head_ma_so()
    rated = {pr.ma_so: pr for pr in ratings.people}
    if head is not None and head in rated:
        rb = RULEBOOKS.get(rated[head].bo_quy_tac or ratings.bo_quy_tac)
        return rb is not None and public_service(campaign, rb)
    return public_service(campaign, None)


def public_service(campaign: Campaign, head_rulebook: Rulebook | None) -> bool:
    """`public_service_unit` before the ratings exist (the rating engine's own sentences): `head_rulebook`, the
    rulebook the agency head is rated under, None when the workbook names no head (then: every unit `su_nghiep`)."""
    if head_rulebook is not None:
        return by_head_rulebook(head_rulebook)
    return bool(campaign.units) and all(u.loai_don_vi == "su_nghiep" for u in campaign.units)


def by_head_rulebook(head_rulebook: Rulebook) -> bool:
    """The test itself, the head's rulebook known: one where the head is not above his unit (nd233-2026, the viên chức
    rules that rate «đơn vị sự nghiệp công lập và viên chức»)."""
    return head_rulebook.head_not_above_unit


def agency_noun(campaign: Campaign, ratings: Ratings, *, distinct: bool = False) -> str:
    """«đơn vị» for a đơn vị sự nghiệp công lập (`public_service_unit`), else «cơ quan». `distinct`: where «đơn vị»
    alone would also name the agency's units (a text about both, a khoa's paper), «đơn vị sự nghiệp»."""
    return noun(public_service_unit(campaign, ratings), distinct=distinct)


def noun(public_service: bool, *, distinct: bool = False) -> str:
    """The noun of `agency_noun` once the test is made (`public_service`)."""
    if not public_service:
        return ADMINISTRATIVE_NOUN
    return DISTINCT_PUBLIC_SERVICE_NOUN if distinct else PUBLIC_SERVICE_NOUN


def labels_of_kind(labels: Mapping[str, Any], public_service: bool) -> dict[str, Any]:
    """A form's [labels] as the agency's papers print them: for a đơn vị sự nghiệp công lập each non-empty
    `<key>_su_nghiep` stands for `<key>`; an administrative body's labels are left as they are."""
    out = dict(labels)
    if public_service:
        for key, value in labels.items():
            if key.endswith(PUBLIC_SERVICE_SUFFIX) and value:
                out[key.removesuffix(PUBLIC_SERVICE_SUFFIX)] = value
    return out


# the agency head's own comparable group (`groups.HEAD_GROUP`, an identifier the ratings file and the Sở's
# summary read) and its «no ratio of the agency's», as a đơn vị sự nghiệp công lập's papers print them: «đơn vị sự
# nghiệp», as «đơn vị» alone would read as one of its khoa, phòng (whose heads are in the groups)
_HEAD_GROUP_WORDS = {False: HEAD_GROUP, True: "Người đứng đầu đơn vị sự nghiệp (tỷ lệ do cấp trên xét)"}
_OUTSIDE_WORDS = {False: "không tính trong tỷ lệ của cơ quan", True: "không tính trong tỷ lệ của đơn vị sự nghiệp"}


def head_group_name(public_service: bool) -> str:
    """The printed name of the agency head's own group (`groups.HEAD_GROUP`)."""
    return _HEAD_GROUP_WORDS[public_service]


def outside_cap_words(public_service: bool) -> str:
    """«không tính trong tỷ lệ của cơ quan» (the head's group has no ratio of the agency's), or «… của đơn vị sự
    nghiệp»."""
    return _OUTSIDE_WORDS[public_service]


def head_cap_words(public_service: bool) -> str:
    """What a table prints for the head's group's ratio and maximum (`groups.HEAD_CAP_WORDS`), in the agency's words."""
    return HEAD_CAP_WORDS.replace(_OUTSIDE_WORDS[False], _OUTSIDE_WORDS[public_service], 1)


def of_head_group(g: GroupCap) -> bool:
    """Whether `g` is the agency head's own group (`groups.HEAD_GROUP`) of a đơn vị sự nghiệp công lập: the engine
    names it in that agency's words (`head_group_name`), so that every table and line printing it says «đơn vị sự
    nghiệp», not «cơ quan»."""
    return g.nhom == HEAD_GROUP and g.ten_nhom == _HEAD_GROUP_WORDS[True]


def of_ratings(ratings: Ratings) -> bool:
    """`public_service_unit` where only the ratings are at hand (`hoso rate`'s lines): the head's own group named
    as a đơn vị sự nghiệp's (`of_head_group`). Without that group (the head counted in the agency's cap) it cannot
    tell: False."""
    return any(of_head_group(g) for g in ratings.groups)
