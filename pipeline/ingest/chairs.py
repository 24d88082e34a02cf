"""Who chairs a unit's meeting, and who chairs the review of its head (seed 001 II.2.c: «Khi kiểm điểm
người đứng đầu thì phân công cấp phó chủ trì»).

The head (vai_tro `truong`) chairs the unit's meeting; a unit without one whose member is the agency head
(a deputy in charge heading the Ban Giám đốc) is chaired by him. Someone the minutes list as absent (DonVi
`vang_mat`, «Name (reason)») chairs nothing. The review of the head is chaired by the person DonVi
`chu_tri_khi_kiem_diem_truong` names (a name as written in NhanSu, or a mã số); when it is empty, by the
unit's deputy present — the first by name when there are several, which `hoso check` says, naming the others
(the agency assigns one: the paper must not print a guess unsaid). With no head present (absent, or none), the
deputy DonVi `cap_pho_phu_trach` names («cấp phó được giao phụ trách, điều hành», ND 30/2020 Art. 13 cl. 1) chairs
the meeting and signs the unit's papers «KT.» for the head; when it is empty, the deputy present — again the first
by name when there are several, which `hoso check` says. The minutes print them (pipeline.forms.unit_context);
`hoso check` reports here what the columns name or leave to the order.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.collation import name_key
from pipeline.ingest import schema
from pipeline.ingest.model import Campaign, Person, Ref, Unit, names_person
from pipeline.ingest.problems import ERROR, WARNING, Problem

KEY = "chu_tri_khi_kiem_diem_truong"
DEPUTY_KEY = "cap_pho_phu_trach"
# what each column's person does, in a clerk's words (unknown_chairs' errors)
_DOES = {KEY: "chủ trì khi kiểm điểm người đứng đầu", DEPUTY_KEY: "chủ trì cuộc họp, ký thay người đứng đầu"}
_PRINTS = {KEY: "biên bản họp của đơn vị không in được người chủ trì khi kiểm điểm người đứng đầu",
           DEPUTY_KEY: "biên bản họp và các văn bản của đơn vị không in được người chủ trì cuộc họp, ký thay người "
                       "đứng đầu"}


def absentees(unit: Unit) -> list[str]:
    """DonVi `vang_mat` as the minutes list it: «Name (reason)» items, `;` or a line apart."""
    return [a.strip() for a in unit.vang_mat.replace("\n", ";").split(";") if a.strip()]


def _absent(unit: Unit, person: Person) -> bool:
    return any(names_person(a.partition("(")[0].strip(), person.ho_ten) for a in absentees(unit))


_last: tuple[Campaign, dict[str, list[Person]], tuple[str | None, str]] | None = None


def _index(campaign: Campaign) -> tuple[dict[str, list[Person]], tuple[str | None, str]]:
    """Per campaign, built once (a unit's papers ask for each unit; `check` for every unit of 10,000 people): its
    people by unit in name order (plan.review_order within a role), and the agency head (his mã số when one person
    is so named, and CoQuan `nguoi_dung_dau`)."""
    global _last
    if _last is not None and _last[0] is campaign:
        return _last[1], _last[2]
    by_unit: dict[str, list[Person]] = {}
    for p in campaign.people:
        by_unit.setdefault(p.ma_don_vi, []).append(p)
    for people in by_unit.values():
        # plan.review_order's order within a role: Vietnamese collation, the given name first (the minutes
        # printed before this module chose by it: «Trần Thị Minh Hạnh» before «Lê Văn Toàn»)
        people.sort(key=lambda p: (name_key(p.ho_ten), p.ma_so))
    head = (campaign.agency_head_ma_so(), campaign.agency.nguoi_dung_dau)
    _last = (campaign, by_unit, head)
    return by_unit, head


def _is_agency_head(head: tuple[str | None, str], person: Person) -> bool:
    # as forms.signers.is_agency_head: the one person CoQuan `nguoi_dung_dau` names, else anyone so named
    return person.ma_so == head[0] if head[0] else names_person(head[1], person.ho_ten)


def named_in_unit(written: str, people: list[Person]) -> list[Person]:
    """The people of a unit `written` designates: the one whose mã số it is, else those whose name it is
    (compared as names are: `model.names_person`)."""
    text = " ".join(written.split())
    if not text:
        return []
    by_code = [p for p in people if p.ma_so.casefold() == text.casefold()]
    return by_code or [p for p in people if names_person(text, p.ho_ten)]


@dataclass(frozen=True)
class Chairs:
    head: Person | None  # chairs the meeting: the unit's head (or the agency head heading it); None: none present
    # with no head, the one who chairs and signs «KT.»: the person DonVi `cap_pho_phu_trach` names, else the first
    # deputy present other than `head` (by name); with a head, that first deputy
    deputy: Person | None
    review: Person | None  # chairs the head's review: the person the column names, else the first deputy present
    named: Person | None  # the person DonVi `chu_tri_khi_kiem_diem_truong` names (None: empty, or nobody of the unit)
    others: tuple[Person, ...]  # the deputies present other than `head` and `deputy`, in name order
    assigned: Person | None = None  # the person DonVi `cap_pho_phu_trach` names (None: empty, or nobody of the unit)


def chairs(campaign: Campaign, unit: Unit) -> Chairs:
    """The unit's chairs (module docstring). The column's person chairs the head's review unless he is the head
    himself (the seed's rule: the head never chairs his own review): then the deputy does, and check warns. The
    person DonVi `cap_pho_phu_trach` names chairs and signs only when no head is present."""
    by_unit, agency_head = _index(campaign)
    people = by_unit.get(unit.ma_don_vi, [])
    present = [p for p in people if not _absent(unit, p)]
    head = next((p for p in present if p.vai_tro == "truong"), None)
    if head is None:
        head = next((p for p in present if _is_agency_head(agency_head, p)), None)
    if head is None and not any(p.vai_tro == "truong" for p in people):
        # a leader of another unit heading this one concurrently (NhanSu `don_vi_kiem_nhiem`) chairs its meeting,
        # unless the minutes list him as absent; he is not among its members (his own review is in his unit)
        head = next((p for p in campaign.people if p.don_vi_kiem_nhiem == unit.ma_don_vi and not _absent(unit, p)),
                    None)
    deputies = [p for p in present if p.vai_tro == "pho" and p is not head]
    first = deputies[0] if deputies else None
    named, assigned = (_one(named_in_unit(written, people))
                       for written in (unit.chu_tri_khi_kiem_diem_truong, unit.cap_pho_phu_trach))
    deputy = assigned if head is None and assigned is not None else first
    # the head's review has no chair of its own with no head: kept as it was (the first by name), not printed
    review = named if named is not None and named is not head else first
    return Chairs(head, deputy, review, named, tuple(p for p in deputies if p is not deputy), assigned)


def deputy_post(post: str) -> str:
    """What follows «Phó» in a deputy's post (the head's post he signs «KT.» for, before his own charge is
    cut: unit_context._head_post); "" when the post does not start with «Phó» (no «KT.» can be printed)."""
    word, _, rest = unicodedata.normalize("NFC", post.strip()).partition(" ")
    return rest.strip() if word.casefold() == "phó" else ""


def _one(found: list[Person]) -> Person | None:
    return found[0] if len(found) == 1 else None


def _at(unit_refs: Mapping[str, Ref], severity: str, message: str, *, value: str | None = None,
        expected: str | None = None, key: str = KEY) -> Problem:
    """A problem on the unit's DonVi `key` cell (`chu_tri_khi_kiem_diem_truong` unless said; its row and label
    when the workbook has no such column)."""
    ref = unit_refs.get(key)
    if ref is not None:
        return Problem(severity, ref.sheet, message, row=ref.row, column=ref.column, header=ref.header,
                       value=value, expected=expected)
    row = next(iter(unit_refs.values()), None)
    return Problem(severity, row.sheet if row else "DonVi", message, row=row.row if row else None,
                   header=schema.DON_VI.column(key).label, value=value, expected=expected)


def _who(p: Person) -> str:
    return f"{p.ho_ten} – {p.chuc_vu.strip()}" if p.chuc_vu.strip() else p.ho_ten


def chair_warnings(campaign: Campaign) -> list[Problem]:
    """Per unit and column, one warning at most. `chu_tri_khi_kiem_diem_truong`: it names the head himself, or
    someone listed absent, or is written while no head is present (unused); or it is empty, the unit has a head
    and two or more deputies are present (the minutes print the first by name). `cap_pho_phu_trach`: it is
    written while the head is present (unused), or names someone listed absent; or it is empty, no head is present
    and two or more deputies are (the first by name chairs and signs: named, and the column to fill)."""
    label = schema.DON_VI.column(KEY).label
    out: list[Problem] = []
    for unit in campaign.units:
        c = chairs(campaign, unit)
        out.extend(_deputy_warnings(unit, c))
        written = unit.chu_tri_khi_kiem_diem_truong
        if c.named is not None and c.named is c.head:
            fallback = (f"biên bản in đồng chí {_who(c.deputy)} chủ trì phần kiểm điểm này" if c.deputy is not None
                        else "biên bản để dấu chấm để ghi tay người chủ trì")
            out.append(_at(unit.refs, WARNING,
                           f"Đơn vị «{unit.ma_don_vi}»: «{label}» ghi chính người đứng đầu đơn vị ({c.head.ho_ten}); "
                           f"người đứng đầu không chủ trì phần kiểm điểm của mình (cấp phó được phân công chủ trì): "
                           f"{fallback}.", value=written,
                           expected="họ tên hoặc mã số người được phân công chủ trì khi kiểm điểm người đứng đầu"))
        elif c.named is not None and _absent(unit, c.named):
            out.append(_at(unit.refs, WARNING,
                           f"Đơn vị «{unit.ma_don_vi}»: «{label}» ghi {c.named.ho_ten}, người có tên ở cột «Vắng mặt» "
                           f"của đơn vị; biên bản vẫn in người này chủ trì phần kiểm điểm người đứng đầu.",
                           value=written, expected="người dự họp được phân công chủ trì, hoặc bỏ tên khỏi cột «Vắng mặt»"))
        elif written.strip() and c.head is None:
            out.append(_at(unit.refs, WARNING,
                           f"Đơn vị «{unit.ma_don_vi}» không có người đứng đầu dự họp: cuộc họp do cấp phó chủ trì, "
                           f"biên bản không có phần chủ trì khi kiểm điểm người đứng đầu; «{label}» không được dùng "
                           f"(cấp phó chủ trì cuộc họp ghi ở cột «{schema.DON_VI.column(DEPUTY_KEY).label}»).",
                           value=written, expected="để trống"))
        elif not written.strip() and c.head is not None and c.deputy is not None and c.others:
            others = "; ".join(_who(p) for p in c.others)
            # a workbook made before the column: it has to be added (the blank workbook of `hoso init` has it)
            fill = "ghi họ tên người đó vào cột này" if KEY in unit.refs else \
                f"thêm cột «{label}» vào sheet này (như sổ trống của hoso init) và ghi họ tên người đó"
            out.append(_at(unit.refs, WARNING,
                           f"Đơn vị «{unit.ma_don_vi}» có {1 + len(c.others)} cấp phó dự họp nhưng chưa ghi «{label}»: "
                           f"biên bản họp in đồng chí {_who(c.deputy)} (tên xếp trước theo thứ tự chữ cái) "
                           f"chủ trì phần kiểm điểm đồng chí {c.head.ho_ten}; cấp phó còn lại: {others}. Nếu người "
                           f"khác được phân công chủ trì, {fill}.",
                           expected="họ tên hoặc mã số người được phân công chủ trì khi kiểm điểm người đứng đầu"))
    return out


def _deputy_warnings(unit: Unit, c: Chairs) -> list[Problem]:
    """DonVi `cap_pho_phu_trach`'s warning for a unit (chair_warnings), on its cell (on the unit's row, with the
    column's label, when the workbook predates the column)."""
    label = schema.DON_VI.column(DEPUTY_KEY).label
    written = unit.cap_pho_phu_trach
    if c.assigned is not None and c.head is not None:
        return [_at(unit.refs, WARNING,
                    f"Đơn vị «{unit.ma_don_vi}»: «{label}» ghi {c.assigned.ho_ten}, nhưng người đứng đầu đơn vị "
                    f"({_who(c.head)}) dự họp: đồng chí {c.head.ho_ten} chủ trì cuộc họp và ký các văn bản của đơn "
                    f"vị; cột này không được dùng.", value=written, key=DEPUTY_KEY,
                    expected="để trống; nếu người đứng đầu vắng, ghi tên người đó ở cột «Vắng mặt»")]
    if c.assigned is not None and _absent(unit, c.assigned):
        return [_at(unit.refs, WARNING,
                    f"Đơn vị «{unit.ma_don_vi}»: «{label}» ghi {c.assigned.ho_ten}, người có tên ở cột «Vắng mặt» "
                    f"của đơn vị; biên bản vẫn in người này chủ trì cuộc họp và ký thay người đứng đầu.",
                    value=written, key=DEPUTY_KEY,
                    expected="cấp phó dự họp được giao phụ trách, hoặc bỏ tên khỏi cột «Vắng mặt»")]
    if c.assigned is not None and c.head is None and not deputy_post(c.assigned.chuc_vu):
        post = c.assigned.chuc_vu.strip()
        return [_at(unit.refs, WARNING,
                    f"Đơn vị «{unit.ma_don_vi}»: «{label}» ghi {c.assigned.ho_ten}"
                    f"{f', chức vụ «{post}»,' if post else ', người không ghi chức vụ,'} không phải cấp phó "
                    f"(«Phó …»): biên bản và các văn bản của đơn vị in người này chủ trì cuộc họp và ký dưới chức vụ "
                    f"của mình, không có dòng «KT.» ký thay người đứng đầu.", value=written, key=DEPUTY_KEY,
                    expected="cấp phó được giao phụ trách, điều hành đơn vị; hoặc ghi đúng chức vụ «Phó …» của "
                             "người đó ở sheet NhanSu")]
    if written.strip() or c.head is not None or c.deputy is None or not c.others:
        return []
    # no head at the meeting and nobody assigned: the first deputy by name chairs it and signs the unit's papers
    # for the head (unit_context.unit_chairs), as before the column; a workbook made before it has to add it
    fill = (f"ghi họ tên hoặc mã số người đó vào cột «{label}»" if DEPUTY_KEY in unit.refs else
            f"thêm cột «{label}» vào sheet này (như sổ trống của hoso init) và ghi họ tên người đó")
    others = "; ".join(_who(p) for p in c.others)
    return [_at(unit.refs, WARNING,
                f"Đơn vị «{unit.ma_don_vi}» không có người đứng đầu dự họp và có {1 + len(c.others)} cấp phó dự họp: "
                f"cuộc họp do đồng chí {_who(c.deputy)} (tên xếp trước theo thứ tự chữ cái) chủ trì, biên bản và các "
                f"văn bản của đơn vị in đồng chí này ký thay người đứng đầu; cấp phó còn lại: {others}. Nếu cấp phó "
                f"khác được giao phụ trách, điều hành, {fill}.", key=DEPUTY_KEY,
                expected="họ tên hoặc mã số cấp phó được giao phụ trách, điều hành đơn vị khi vắng người đứng đầu")]


def unknown_chairs(donvi_rows: list[tuple[Mapping[str, Ref], str, str]],
                   people: list[tuple[str, str, str]], key: str = KEY) -> list[Problem]:
    """Errors, before a campaign is built: a DonVi `key` cell (`chu_tri_khi_kiem_diem_truong`, or
    `cap_pho_phu_trach`) naming nobody of its unit, or two of its people by the same name. `donvi_rows`: (refs,
    unit code, the cell as written); `people`: (mã số, name, unit code) of NhanSu."""
    out: list[Problem] = []
    by_unit: dict[str, list[tuple[str, str]]] = {}
    for m, n, u in people if donvi_rows else ():
        by_unit.setdefault(u.casefold(), []).append((m, n))
    for refs, code, written in donvi_rows:
        text = " ".join(written.split())
        if not text:
            continue
        of_unit = by_unit.get(code.casefold(), [])
        by_code = [m for m, _ in of_unit if m.casefold() == text.casefold()]
        by_name = [m for m, n in of_unit if names_person(text, n)]
        if by_code or len(by_name) == 1:
            continue
        if by_name:
            out.append(_at(refs, ERROR, f"«{text}» trùng tên {len(by_name)} người của đơn vị «{code}» "
                                        f"({', '.join(by_name)}): không rõ ai {_DOES[key]}.",
                           value=written, expected=f"mã số của người được phân công ({', '.join(by_name)})", key=key))
            continue
        elsewhere = sorted({u for m, n, u in people
                            if u.casefold() != code.casefold() and (m.casefold() == text.casefold() or names_person(text, n))})
        where = f" (người này thuộc đơn vị «{', '.join(elsewhere)}»)" if elsewhere else ""
        out.append(_at(refs, ERROR, f"«{text}» không phải người của đơn vị «{code}» ở sheet NhanSu{where}: "
                                    f"{_PRINTS[key]}.", key=key,
                       value=written, expected=f"họ tên (như ở sheet NhanSu) hoặc mã số một người của đơn vị «{code}»"))
    return out
