"""Comparable groups (nhóm có nhiệm vụ tương đồng) for the HTXS cap: the default group of a person,
how group names written by clerks are compared, and the Vietnamese name to print for a group.

The default (no `nhom_tuong_dong` written) is one group per staff category and leadership value:
the 20 % rule compares people with similar duties (ND 48 cl. 6: "từng nhóm đối tượng có nhiệm vụ
tương đồng"), so công chức are not compared with viên chức, and contract staff (HĐ 68/111) and
người lao động, who are outside ND 90, never form the base that keeps a công chức's HTXS. The key
stays an internal code (`cong_chuc/khong_giu_chuc_vu`); `group_label` gives the words to print.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

from pipeline.ingest.model import Person

LEADERS, STAFF = "lanh_dao_quan_ly", "khong_giu_chuc_vu"
KIND_WORDS = {
    "can_bo": "Cán bộ",
    "cong_chuc": "Công chức",
    "vien_chuc": "Viên chức",
    "hop_dong": "Người làm việc theo hợp đồng (HĐ 68/111)",
    "nguoi_lao_dong": "Người lao động",
    "co_quan": "Người",  # the former default, one group per agency and leadership value
}
CBCCVC = ("can_bo", "cong_chuc", "vien_chuc")
# the agency head's own group when he is out of the agency's cap: CoQuan `nguoi_dung_dau_ngoai_ty_le` «Có», or
# empty under a rulebook with `head_outside_cap` (from 2026). He is rated by the superior (ND 90 Art. 16, ND 335
# Art. 10 cl. 2), which applies the cap among the heads it rates (docs/rating.md rule 4)
HEAD_GROUP = "Người đứng đầu cơ quan (tỷ lệ do cấp trên xét)"
# what a table prints for his group's ratio and maximum: none of the agency's
HEAD_CAP_WORDS = "không tính trong tỷ lệ của cơ quan (do cấp có thẩm quyền xét)"


def default_key(person: Person) -> str:
    return f"{person.loai_nhan_su}/{LEADERS if person.lanh_dao_quan_ly else STAFF}"


def is_default_key(key: str) -> bool:
    kind, _, lead = key.partition("/")
    return kind in KIND_WORDS and lead in (LEADERS, STAFF)


def _split_by_rulebook(key: str) -> tuple[str, str] | None:
    """A group cut in parts by rulebook (`categories.suffixed`: «nguoi_lao_dong/khong_giu_chuc_vu (nd233-2026)»):
    its own key and the rulebook's id; None for any other key."""
    from pipeline.rating.rulebooks import RULEBOOKS

    base, sep, tail = key.rpartition(" (")
    if sep and base and tail.endswith(")") and tail[:-1] in RULEBOOKS:
        return base, tail[:-1]
    return None


def _rulebook_words(base: str, rulebook_id: str) -> str:
    """What the part of group `base` rated under `rulebook_id` is said to be rated by, in words, never the id
    (audit hard: the report to the Sở printed «người lao động/không giữ chức vụ lãnh đạo, quản lý (nd233-2026)»):
    «xếp loại theo Nghị định 335/2025/NĐ-CP»; «vận dụng …» for a default group of a kind the text does not
    cover (người lao động rated by the agency's rules applying it, docs/rating.md)."""
    from pipeline.rating.rulebooks import RULEBOOKS

    rb = RULEBOOKS[rulebook_id]
    document = rb.title.split(" (", 1)[0]
    kind = base.partition("/")[0] if is_default_key(base) else ""
    outside = kind not in ("", "co_quan") and kind not in rb.legal_kinds  # «co_quan»: everybody of the agency
    return f"vận dụng {document}" if outside else f"xếp loại theo {document}"


def group_label(key: str) -> str:
    """The Vietnamese name of a group, to print: "Công chức giữ chức vụ lãnh đạo, quản lý" for the default
    keys (a part of one cut by rulebook with the rulebook's text in words); a group named by the clerk is
    returned unchanged."""
    split = _split_by_rulebook(key)
    if split is not None and is_default_key(split[0]):
        return f"{group_label(split[0])} ({_rulebook_words(*split)})"
    if not is_default_key(key):
        return key
    kind, _, lead = key.partition("/")
    held = "giữ" if lead == LEADERS else "không giữ"
    return f"{KIND_WORDS[kind]} {held} chức vụ lãnh đạo, quản lý"


# words for the ASCII parts a workbook may use in its own group keys ("TH/chuyen_vien")
_PART_WORDS = {
    "lanh_dao_quan_ly": "lãnh đạo, quản lý", "khong_giu_chuc_vu": "không giữ chức vụ lãnh đạo, quản lý",
    "chuyen_vien": "chuyên viên", "chuyen_vien_chinh": "chuyên viên chính", "vien_chuc": "viên chức",
    "cong_chuc": "công chức", "can_bo": "cán bộ", "nguoi_lao_dong": "người lao động", "hop_dong": "hợp đồng",
    "lanh_dao": "lãnh đạo", "nhan_vien": "nhân viên", "co_quan": "cơ quan",
}
_CODE = re.compile(r"[a-z]+_[a-z_]+")


def clerk_group_name(key: str, units: Mapping[str, str]) -> str:
    """The name of a group the workbook wrote as a code, in words: "<unit code>/<part>" as "<Part in words> –
    <unit name>" («TH/chuyen_vien» → «Chuyên viên – Phòng Tổng hợp»), snake_case parts in words; a group the
    clerk named in words, and a default key, unchanged (`group_label` names those)."""
    if is_default_key(key):
        return key
    head, sep, tail = key.partition("/")
    if sep and head in units and tail:
        words = _part_words(tail)
        return f"{words[:1].upper()}{words[1:]} – {units[head]}"
    return _part_words(key)


def display_name(key: str, units: Mapping[str, str]) -> str:
    """What every output calls group `key`: a default group in words (`group_label`), a group the workbook
    wrote as a code in words with its unit's name (`clerk_group_name`), any other name as written."""
    split = _split_by_rulebook(key)
    if split is not None:
        return f"{display_name(split[0], units)} ({_rulebook_words(*split)})"
    named = group_label(key)
    return named if named != key else clerk_group_name(key, units)


def _part_words(text: str) -> str:
    return _CODE.sub(lambda m: _PART_WORDS.get(m.group(0), m.group(0).replace("_", " ")), text)


def norm(name: str) -> str:
    """How group names are compared: Unicode NFC, spaces collapsed, case ignored («Tổ A» = «TỔ  A»)."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def fold(name: str) -> str:
    """Also without diacritics: «Chuyen vien» ~ «Chuyên viên» (near-duplicates, warned, not merged)."""
    text = unicodedata.normalize("NFD", norm(name).replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def spellings(names: Iterable[str]) -> dict[str, str]:
    """norm(name) -> the spelling used for the group: the most frequent one, ties by the first in
    sorted order (so the choice does not depend on the order of the rows)."""
    counts = Counter(" ".join(unicodedata.normalize("NFC", n).split()) for n in names if n and n.strip())
    best: dict[str, tuple[int, str]] = {}
    for spelled, n in counts.items():
        key = norm(spelled)
        cur = best.get(key)
        if cur is None or (-n, spelled) < (-cur[0], cur[1]):
            best[key] = (n, spelled)
    return {k: v[1] for k, v in best.items()}


def group_of(person: Person, canonical: dict[str, str]) -> str:
    """The group key of a person: the written group (in its canonical spelling), else the default."""
    written = person.nhom_tuong_dong
    if written and written.strip():
        return canonical.get(norm(written), " ".join(written.split()))
    return default_key(person)
