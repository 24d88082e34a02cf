"""Workbook -> Campaign: read every sheet, check every rule of the contract, build frozen records.

`check(path)` returns every problem (errors and warnings) and never raises for bad content;
`load(path)` raises ValidationFailed carrying all problems when there is at least one error.

Cross-sheet checks never cascade: a row whose own cells are wrong is still used for the checks
it can take part in (a unit whose type is misspelt still exists for the people in it, a person
whose birth date is wrong still exists for the votes about them), so each fault gives one message.
Codes referring to another sheet (`ma_don_vi`, `ma_so`, `ma_tieu_chi`) match case-insensitively,
as they do as file names, and are rewritten to the spelling of the sheet that declares them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.errors import ValidationFailed
from pipeline.ingest import cells, chairs, schema, sheetnames, stale
from pipeline.ingest.contradictions import contradictions
from pipeline.ingest.model import (
    Agency,
    Campaign,
    CapOverride,
    Criterion,
    Discipline,
    EmulationProposal,
    PeriodResult,
    Person,
    Product,
    Ref,
    Score,
    Unit,
    Vote,
    derived_so_noi_vu,
    is_cell_secretary,
    names_person,
    party_body,
    post_without_body,
)
from pipeline.ingest.problems import ERROR, WARNING, Problem
from pipeline.ingest.reader import Row, RowRefs, SheetData, read_workbook
from pipeline.ingest.xlsx import column_index

if TYPE_CHECKING:
    import datetime as dt

    from pipeline.rating.rulebooks import Rulebook

_T = TypeVar("_T")

LEVEL_KEYS = (("HTXS", "phieu_htxs"), ("HTT", "phieu_htt"), ("HT", "phieu_ht"), ("KHT", "phieu_kht"))
AGE_RANGE = (18, 70)  # age in the evaluation year
DISCIPLINE_YEARS = (10, 1)  # decisions more than 10 years before or 1 year after the year are implausible
DUTY_FROM = 2026  # the rulebooks from this year (nd335-2025, nd233-2026) count only a violation related to duty
PARTY_FIELDS = ("chuc_vu_dang", "chi_bo_noi_cu_tru", "mien_sinh_hoat_noi_cu_tru", "muc_dang_vien", "tu_xep_loai_dang_vien",
                "khong_kiem_diem_dang_vien")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _p(severity: str, row: Row, key: str, message: str, *, value: object = None, expected: str | None = None,
       sheet: str | None = None) -> Problem:
    ref = row.refs.get(key)
    if ref is None and sheet is None:  # a column the sheet lacks (or whose header is unreadable): the row's sheet
        sheet = next((r.sheet for r in row.refs.values()), None)
    return Problem(severity, ref.sheet if ref else (sheet or "?"), message, row=ref.row if ref else row.number,
                   column=ref.column if ref else None, header=ref.header if ref else None,
                   value=None if value is None else _shown(value), expected=expected)


def _shown(value: object) -> str:
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _frozen(refs: Mapping[str, Ref]) -> Mapping[str, Ref]:
    return refs if isinstance(refs, (RowRefs, MappingProxyType)) else MappingProxyType(dict(refs))


_REQUIRED = {s.key: frozenset(c.key for c in s.columns if c.required) for s in schema.SHEETS}


def _complete(row: Row, spec: schema.Sheet) -> bool:
    """A row is usable only if every required value parsed."""
    return row.values.keys() >= _REQUIRED[spec.key]


def _duplicates(sheet: SheetData | None, key: str, what: str, problems: list[Problem],
                unit: str | None = None) -> set[int]:
    """Report repeated values of `key` (case-insensitive); returns the row numbers of the repeats. `unit`: the
    column of the row's unit (NhanSu ma_don_vi) — a person typed again in another unit is said to be so."""
    if sheet is None:
        return set()
    first: dict[str, tuple[int, object, object]] = {}
    repeats = set()
    for row in sheet.rows:
        v = row.values.get(key)
        if v is None:
            continue
        fk = str(v).casefold()
        here = row.values.get(unit) if unit else None
        if fk in first:
            number, original, there = first[fk]
            note = "" if original == v else " (mã không phân biệt chữ hoa, chữ thường vì được dùng làm tên tệp)"
            expected = f"mỗi {what} chỉ xuất hiện một lần"
            if here is not None and there is not None and str(here).casefold() != str(there).casefold():
                # one person in two units: the person is rated once, in one unit (the one whose head evaluates him)
                note += f", ở đơn vị «{there}», dòng này ở đơn vị «{here}»"
                expected = "mỗi người một dòng, ở một đơn vị (đơn vị đánh giá, xếp loại người đó); xóa dòng thừa"
            problems.append(_p(ERROR, row, key, f"Trùng {what}: «{original}» đã có ở dòng {number}{note}.", value=v,
                               expected=expected))
            repeats.add(row.number)
        else:
            first[fk] = (row.number, v, here)
    return repeats


def _declared(sheet: SheetData | None, key: str) -> dict[str, str] | None:
    """casefold(code) -> code as declared, for every row whose code parsed (complete or not);
    None when the sheet or its key column could not be read (references are then not checked:
    that fault is already reported once)."""
    if sheet is None or key not in sheet.headers:
        return None
    out: dict[str, str] = {}
    for row in sheet.rows:
        code = row.values.get(key)
        if code is not None:
            out.setdefault(code.casefold(), code)
    return out


# -- CoQuan ---------------------------------------------------------------------------------------
def _agency_row(data: dict[str, SheetData]) -> Row | None:
    sheet = data.get("CoQuan")
    return sheet.rows[0] if sheet is not None and sheet.rows else None


def _agency(data: dict[str, SheetData], year: int | None, problems: list[Problem]) -> Agency | None:
    row = _agency_row(data)
    if row is None:
        return None
    v = row.values
    for key in _AGENCY_NAMES:
        _collapse_spaces(row, key, schema.CO_QUAN.column(key).label, problems)
    if year:
        for key in ("ngay_lap", "han_nop_so_noi_vu", "ngay_tu_danh_gia", "ngay_quyet_dinh", "ngay_thong_bao",
                    "ngay_bao_cao", "ngay_bao_cao_tu_danh_gia", "ngay_hop_tu_xep_loai"):
            d = v.get(key)
            if d is not None and not year - 1 <= d.year <= year + 1:
                label = schema.CO_QUAN.column(key).label
                problems.append(_p(ERROR, row, key, f"«{label}» cách xa năm đánh giá {year}, không hợp lý.", value=d,
                                   expected=f"một ngày trong các năm {year - 1}–{year + 1}"))
    _check_rulebook(row, problems, year)
    public_service = _public_service_agency(data, row)
    _check_self_rating(row, problems, year, public_service)
    _check_rating_deadline(row, problems, year, public_service, _staff_kinds(data))
    _check_collective_signature(row, problems)
    _check_deputy_post(row, problems)
    _check_symbols(row, problems)
    if not _complete(row, schema.CO_QUAN):
        return None
    return Agency(
        ten_co_quan=v["ten_co_quan"], dia_danh=v["dia_danh"], nam_danh_gia=v["nam_danh_gia"],
        nguoi_dung_dau=v["nguoi_dung_dau"], chuc_vu_nguoi_dung_dau=v["chuc_vu_nguoi_dung_dau"],
        co_quan_chu_quan=v.get("co_quan_chu_quan", ""), chuc_vu_cap_truong=v.get("chuc_vu_cap_truong", ""),
        ngay_lap=v.get("ngay_lap"),
        ky_hieu_van_ban=v.get("ky_hieu_van_ban", ""), dang_bo=v.get("dang_bo", ""), bo_mau=v.get("bo_mau", ""),
        han_nop_so_noi_vu=v.get("han_nop_so_noi_vu"), bo_quy_tac=v.get("bo_quy_tac", ""),
        ten_co_quan_cap_tren=v.get("ten_co_quan_cap_tren", ""), nguoi_dung_dau_cap_tren=v.get("nguoi_dung_dau_cap_tren", ""),
        chuc_vu_nguoi_dung_dau_cap_tren=v.get("chuc_vu_nguoi_dung_dau_cap_tren", ""),
        nguoi_dung_dau_ngoai_ty_le=v.get("nguoi_dung_dau_ngoai_ty_le"),
        ngay_tu_danh_gia=v.get("ngay_tu_danh_gia"), ngay_quyet_dinh=v.get("ngay_quyet_dinh"), bo_quy_tac_khac=v.get("bo_quy_tac_khac", ""),
        ngay_thong_bao=v.get("ngay_thong_bao"), ngay_bao_cao=v.get("ngay_bao_cao"), so_noi_vu=v.get("so_noi_vu", ""),
        ky_thay_mat=v.get("ky_thay_mat", ""), chuc_vu_ky_thay_mat=v.get("chuc_vu_ky_thay_mat", ""),
        muc_xep_loai_co_quan=v.get("muc_xep_loai_co_quan"), ky_hieu_co_quan=v.get("ky_hieu_co_quan", ""),
        **{k: v.get(k, "") for k in SELF_RATING_TEXT}, **{k: v.get(k) for k in SELF_RATING_VALUES},  # type: ignore[arg-type]  # None: an empty cell
        refs=_frozen(row.refs),
    )


def _check_collective_signature(row: Row, problems: list[Problem]) -> None:
    """«TM. <body>» (ND 30/2020) prints a post that does not repeat the body's name: when the workbook does
    not give that post, say which one the agency's documents will print (derived, or the head's post as
    written when it does not name the body), so the clerk can correct it; a post without the body is unused."""
    v = row.values
    body, post, head_post = v.get("ky_thay_mat", ""), v.get("chuc_vu_ky_thay_mat", ""), v.get("chuc_vu_nguoi_dung_dau", "")
    label = schema.CO_QUAN.column
    if post and not body:
        problems.append(_p(WARNING, row, "chuc_vu_ky_thay_mat",
                           f"«{label('chuc_vu_ky_thay_mat').label}» chỉ được in khi có «{label('ky_thay_mat').label}»; "
                           f"ô này đang không được dùng.", value=post, expected=f"ghi ô «{label('ky_thay_mat').label}»"))
    if not body or post or not head_post:
        return
    short = post_without_body(head_post, body)
    printed = short or head_post
    why = (f"bỏ tên tập thể khỏi «{head_post}»" if short else
           f"«{label('chuc_vu_nguoi_dung_dau').label}» không chứa tên tập thể «{body}»")
    problems.append(_p(WARNING, row, "ky_thay_mat",
                       f"Văn bản của cơ quan in «TM. {body.upper()}» và dưới đó chức vụ «{printed.upper()}» ({why}); "
                       f"nếu khác, ghi chức vụ ở ô «{label('chuc_vu_ky_thay_mat').label}».", value=body,
                       expected=f"ô «{label('chuc_vu_ky_thay_mat').label}», ví dụ: Chủ tịch"))


def _check_deputy_post(row: Row, problems: list[Problem]) -> None:
    """The head's post a deputy's («Phó Giám đốc», «Phó Chủ tịch») with no «Chức vụ cấp trưởng»: every paper the
    agency head signs prints the deputy's post alone. A deputy assigned to run the agency signs «KT. <the head's
    post>» over his own (ND 30/2020 Art. 13 cl. 1, docs/workbook.md «A deputy in charge»); an acting head writes
    «Q. …» as his post. A warning naming both cells; the head's post is not guessed («Phó Chủ tịch» may run a
    Ủy ban whose head is a «Chủ tịch», or be the agency's evaluator by delegation)."""
    post = row.values.get("chuc_vu_nguoi_dung_dau")
    if not isinstance(post, str):
        return
    label = schema.CO_QUAN.column
    head, vacant = label("chuc_vu_nguoi_dung_dau").label, label("chuc_vu_cap_truong").label
    head_post = str(row.values.get("chuc_vu_cap_truong") or "").strip()
    if cells.fold(post).split()[:1] != ["pho"]:
        if head_post:  # the head's own post under «KT. <head's post>»: «KT. GIÁM ĐỐC / GIÁM ĐỐC»
            problems.append(_p(WARNING, row, "chuc_vu_cap_truong",
                               f"Ô «{vacant}» chỉ dùng khi người đứng đầu là cấp phó được giao phụ trách; «{head}» là "
                               f"«{post.strip()}», nên các văn bản sẽ in «KT. {head_post.upper()}» trên "
                               f"«{post.strip().upper()}». Nếu cơ quan đã có cấp trưởng, để trống ô «{vacant}».",
                               value=head_post, expected=f"để trống, hoặc «{head}» là chức vụ cấp phó"))
        return
    if head_post:
        return
    problems.append(_p(WARNING, row, "chuc_vu_nguoi_dung_dau",
                       f"«{head}» là chức vụ cấp phó mà ô «{vacant}» để trống: các văn bản người đứng đầu ký chỉ in "
                       f"«{post.strip().upper()}». Cấp phó được giao phụ trách, điều hành khi cơ quan khuyết cấp "
                       "trưởng ký như cấp phó ký thay cấp trưởng: «KT.» và chức vụ cấp trưởng trên chức vụ của mình "
                       f"(khoản 1 Điều 13 Nghị định 30/2020/NĐ-CP) — ghi chức vụ cấp trưởng ở ô «{vacant}». Người "
                       f"được giao quyền cấp trưởng thì ghi «Q. …» ở ô «{head}» (ví dụ «Q. Giám đốc»).",
                       value=post, expected=f"ô «{vacant}»: chức vụ cấp trưởng đang khuyết (ví dụ «Giám đốc» khi "
                                            "người đứng đầu là Phó Giám đốc được giao phụ trách)"))


def _check_symbols(row: Row, problems: list[Problem]) -> None:
    """Both symbols given and the công văn's («<agency>-<drafting unit>», ND 30/2020 Phụ lục I) not beginning with
    the agency's abbreviation: the papers would name the agency two ways («…/BC-SYT», «…/VP-HCQT»). A warning
    naming both cells and what each paper prints; nothing is changed."""
    v = row.values
    own, letter = str(v.get("ky_hieu_co_quan") or "").strip(), str(v.get("ky_hieu_van_ban") or "").strip()
    if not own or not letter or letter.split("-", 1)[0].strip().casefold() == own.casefold():
        return
    label = schema.CO_QUAN.column
    problems.append(_p(WARNING, row, "ky_hieu_co_quan",
                       f"«{label('ky_hieu_co_quan').label}» là «{own}» nhưng «{label('ky_hieu_van_ban').label}» «{letter}» "
                       f"không bắt đầu bằng «{own}-»: báo cáo in «Số: …/BC-{own}», thông báo «Số: …/TB-{own}», công văn in "
                       f"«Số: …/{letter}». Ký hiệu công văn gồm chữ viết tắt tên cơ quan và tên đơn vị soạn thảo "
                       "(Nghị định 30/2020/NĐ-CP); kiểm tra lại một trong hai ô.", value=own,
                       expected=f"«{label('ky_hieu_van_ban').label}» dạng «{own}-<đơn vị soạn thảo>», ví dụ {own}-HCQT"))


SELF_RATING_TEXT = ("tu_xep_loai_co_quan", "chu_tri_hop_co_quan", "thu_ky_hop_co_quan", "ket_qua_co_quan",
                    "uu_diem_co_quan", "han_che_co_quan", "phuong_huong_co_quan")
SELF_RATING_VALUES = ("diem_co_quan", "diem_tieu_chi_chung_co_quan", "diem_nhiem_vu_co_quan",
                      "ngay_bao_cao_tu_danh_gia", "ngay_hop_tu_xep_loai", "so_nguoi_trieu_tap_co_quan",
                      "so_nguoi_du_hop_co_quan", "so_phieu_dong_y_co_quan")


def _public_service_agency(data: dict[str, SheetData], agency: Row) -> bool:
    """The agency is a đơn vị sự nghiệp công lập (rated from 2026 under the viên chức rules, ND 233/2026, not ND 335's
    for cơ quan hành chính): its head (the one NhanSu row CoQuan «Người đứng đầu» names) is a viên chức; no such row,
    every unit of DonVi is a đơn vị sự nghiệp (as `pipeline.submission.self_rating.public_service_unit`)."""
    head = str(agency.values.get("nguoi_dung_dau") or "")
    people = data.get("NhanSu")
    named = [r for r in (people.rows if people else ()) if head and names_person(head, str(r.values.get("ho_ten") or ""))]
    if len(named) == 1:
        return named[0].values.get("loai_nhan_su") == "vien_chuc"
    units = data.get("DonVi")
    kinds = [r.values.get("loai_don_vi") for r in (units.rows if units else ())]
    return bool(kinds) and all(k == "su_nghiep" for k in kinds)


def _staff_kinds(data: dict[str, SheetData]) -> frozenset[str]:
    """The staff kinds (NhanSu «loai_nhan_su») the workbook rates."""
    people = data.get("NhanSu")
    return frozenset(str(k) for r in (people.rows if people else ()) if (k := r.values.get("loai_nhan_su")))


def _check_self_rating(row: Row, problems: list[Problem], year: int | None, public_service: bool = False) -> None:
    """The agency's self-rating (CoQuan): votes ≤ present ≤ called, points within 0–100 (general
    criteria ≤ 30, task results ≤ 70, ND 335/2025 as reported in regime-2026.md §1.1) and only from 2026."""
    v = row.values

    def label(key: str) -> str:
        return schema.CO_QUAN.column(key).label

    def cell(key: str) -> str:
        ref = row.refs.get(key)
        return f"«{label(key)}» (ô {ref.column}{ref.row})" if ref is not None else f"«{label(key)}»"

    for key in ("so_nguoi_trieu_tap_co_quan", "so_nguoi_du_hop_co_quan", "so_phieu_dong_y_co_quan"):
        n = v.get(key)
        if n is not None and n < 0:
            problems.append(_p(ERROR, row, key, f"«{label(key)}» không được âm.", value=n, expected="số ≥ 0"))
    called, present, votes = (v.get("so_nguoi_trieu_tap_co_quan"), v.get("so_nguoi_du_hop_co_quan"),
                              v.get("so_phieu_dong_y_co_quan"))
    if called is not None and present is not None and present > called:
        problems.append(_p(ERROR, row, "so_nguoi_du_hop_co_quan",
                           f"«{label('so_nguoi_du_hop_co_quan')}» ({present}) lớn hơn "
                           f"{cell('so_nguoi_trieu_tap_co_quan')} ({called}).", value=present,
                           expected=f"tối đa {called}"))
    if votes is not None and present is not None and votes > present:
        problems.append(_p(ERROR, row, "so_phieu_dong_y_co_quan",
                           f"«{label('so_phieu_dong_y_co_quan')}» ({votes}) lớn hơn "
                           f"{cell('so_nguoi_du_hop_co_quan')} ({present}).", value=votes, expected=f"tối đa {present}"))
    elif votes is not None and present and votes * 2 <= present:
        problems.append(_p(WARNING, row, "so_phieu_dong_y_co_quan",
                           f"«{label('so_phieu_dong_y_co_quan')}» ({votes}/{present} người dự họp) không quá một nửa: "
                           "biên bản vẫn ghi hội nghị thống nhất mức tự xếp loại; kiểm tra lại mức hoặc số phiếu.",
                           value=votes, expected=f"trên {present // 2}"))
    for key, top in (("diem_co_quan", 100), ("diem_tieu_chi_chung_co_quan", 30), ("diem_nhiem_vu_co_quan", 70)):
        d = v.get(key)
        if d is None:
            continue
        if not 0 <= d <= top:
            problems.append(_p(ERROR, row, key, f"«{label(key)}» phải từ 0 đến {top} điểm.", value=d,
                               expected=f"0–{top}"))
        elif year and year < 2026:
            problems.append(_p(ERROR, row, key, f"«{label(key)}»: cơ quan chấm điểm trên thang 100 từ năm 2026 "
                               f"(Nghị định 335/2025/NĐ-CP); năm đánh giá {year} không dùng ô này.", value=d,
                               expected="để trống"))
    parts: tuple[Any, ...] = (v.get("diem_tieu_chi_chung_co_quan"), v.get("diem_nhiem_vu_co_quan"), v.get("diem_co_quan"))
    if None not in parts and abs(parts[0] + parts[1] - parts[2]) > 1e-6:
        problems.append(_p(ERROR, row, "diem_co_quan",
                           f"«{label('diem_co_quan')}» khác tổng {cell('diem_tieu_chi_chung_co_quan')} và "
                           f"{cell('diem_nhiem_vu_co_quan')}.", value=parts[2],
                           expected=f"{parts[0] + parts[1]:g}".replace(".", ",")))
    _check_self_rating_level(row, problems, year, label, cell, public_service)


def _check_self_rating_level(row: Row, problems: list[Problem], year: int | None, label: Any, cell: Any,
                             public_service: bool = False) -> None:
    """A self-rated level above what the agency's own points give: a warning (the report prints
    both). ND 335 scores agencies on the same 100 points (30 + 70) in four levels (regime-2026.md
    §1.1); that they share the công chức thresholds 90/70/50 (Art. 20) is not confirmed, so this is
    not an error."""
    from pipeline.rating.levels import RANK, WORDS
    from pipeline.rating.rulebooks import ND233, ND335

    rb = ND233 if public_service else ND335  # a đơn vị sự nghiệp công lập: the viên chức rules (ND 233/2026)
    text = "Nghị định 233/2026/NĐ-CP" if public_service else "Nghị định 335/2025/NĐ-CP"
    v = row.values
    points, level = v.get("diem_co_quan"), v.get("tu_xep_loai_co_quan")
    if points is None or not level or level not in RANK or not (year and year >= 2026) or not 0 <= points <= 100:
        return
    by_points = next(lv for lv, minimum in rb.points_thresholds if points >= minimum)
    if RANK[level] > RANK[by_points]:
        bands = ", ".join(f"{WORDS[lv]} từ {m:g} điểm" for lv, m in rb.points_thresholds if m)
        problems.append(_p(WARNING, row, "tu_xep_loai_co_quan",
                           f"«{label('tu_xep_loai_co_quan')}» là {WORDS[level]} nhưng {cell('diem_co_quan')} là "
                           f"{f'{points:g}'.replace('.', ',')} điểm: theo ngưỡng điểm của {text} ({bands}) thì là "
                           f"{WORDS[by_points]}. Báo cáo tự đánh giá in cả hai; kiểm tra lại (ngưỡng điểm áp dụng cho "
                           "cơ quan chưa đối chiếu văn bản chính thức).", value=WORDS[level],
                           expected=f"{WORDS[by_points]} hoặc thấp hơn, hoặc sửa điểm"))


def _check_rating_deadline(row: Row, problems: list[Problem], year: int | None, public_service: bool = False,
                           kinds: frozenset[str] = frozenset()) -> None:
    """The rating is finished before 15/12 of the evaluation year (ND 90 Art. 20 cl. 2 up to 2025; ND
    335/2025 Art. 21 from 2026, as reported in regime-2026.md §1.4 — units with a special work year:
    the date the superior level sets, before 15/01 of the next year): a decision dated later is a
    warning naming the rule, not an error (the unit may be one of those). Only the decision's date (the
    phiếu's «ngày quyết định»): the written notice follows it and may come later.

    ND 335 rates công chức: from 2026 the viên chức of a đơn vị sự nghiệp công lập (`public_service`, the test
    that chooses the agency's own rule set) are rated under Luật Viên chức 2025 and ND 233/2026, whose deadline
    was NOT FOUND (regime-2026.md §2, §8). For such an agency the warning says so and names the letter that sets
    the date instead of citing ND 335 as the viên chức rule; its công chức, if any (`kinds`: NhanSu
    «loai_nhan_su»), keep ND 335's rule, and so does an agency of công chức that also has viên chức, with one
    sentence on its viên chức."""
    if not year:
        return
    deadline = dt.date(year, 12, 15)
    d = row.values.get("ngay_quyet_dinh")
    if d is None or d < deadline:
        return
    label = schema.CO_QUAN.column("ngay_quyet_dinh").label
    said = f"«{label}» là {d:%d/%m/%Y}, không trước ngày 15/12/{year}"
    if year < 2026:
        rule = "khoản 2 Điều 20 Nghị định 90/2020/NĐ-CP: đánh giá, xếp loại hoàn thành trước ngày 15/12 hằng năm"
        problems.append(_p(WARNING, row, "ngay_quyet_dinh", f"{said} ({rule}). Kiểm tra lại ngày, hoặc giữ nếu đơn vị có "
                           "năm công tác đặc thù.", value=f"{d:%d/%m/%Y}", expected=f"trước 15/12/{year}"))
        return
    civil = ("Điều 21 Nghị định 335/2025/NĐ-CP: xếp loại chất lượng công chức trước ngày 15/12 hằng năm; đơn vị có "
             "năm công tác đặc thù theo ngày cấp trên trực tiếp quy định, chậm nhất trước ngày 15/01 năm sau")
    letter = "văn bản hướng dẫn của Sở Nội vụ hoặc của cơ quan quản lý cấp trên"
    public = ("thời hạn xếp loại viên chức theo Luật Viên chức 2025 và Nghị định 233/2026/NĐ-CP chưa được xác nhận "
              f"(chưa tìm thấy quy định về thời điểm đánh giá, xếp loại); thời hạn do {letter} quy định")
    if not public_service:
        text = f"{said} ({civil}). Kiểm tra lại ngày, hoặc giữ nếu đơn vị có năm công tác đặc thù."
        if "vien_chuc" in kinds:
            text += f" Viên chức của cơ quan: {public}."
        problems.append(_p(WARNING, row, "ngay_quyet_dinh", text, value=f"{d:%d/%m/%Y}", expected=f"trước 15/12/{year}"))
        return
    text = (f"{said}. Đơn vị sự nghiệp công lập: {public}: kiểm tra lại ngày theo văn bản đó (ngày 15/12 là thời hạn "
            "xếp loại công chức, không phải quy định đối với viên chức).")
    if "cong_chuc" in kinds:
        text += f" Công chức của đơn vị: {civil}."
    problems.append(_p(WARNING, row, "ngay_quyet_dinh", text, value=f"{d:%d/%m/%Y}",
                       expected=f"trước 15/12/{year} đối với công chức" if "cong_chuc" in kinds else
                       f"ngày theo {letter}"))


def _competence_article(row: Row, public_service: bool = False) -> str:
    """Who rates the agency's head, as the rulebook of the year cites it (`Citations.competence`, data a clerk may
    correct): ND 90 Art. 16 up to 2025; from 2026 ND 335 Art. 10 cl. 2 as reported (regime-2026.md §1.5,
    uncertain), or for a đơn vị sự nghiệp công lập (`public_service`) the viên chức rulebook's (ND 233/2026: its
    head rated by the competent managing level) — ND 335 rates công chức, not a viên chức head."""
    from pipeline.rating.rulebooks import ND233, ND335, for_year

    year = row.values.get("nam_danh_gia")
    if isinstance(year, int) and year >= 2026:
        return (ND233 if public_service else ND335).cite.competence
    return for_year(year if isinstance(year, int) else 2020).cite.competence


def _check_superior(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """Warn when the agency head is rated (a NhanSu row with the name of CoQuan «Người đứng đầu»)
    but the directly superior agency's head, who rates them (ND 90 Art. 16), is not given: the
    head's phiếu then leaves the evaluator's block for handwriting (pipeline/forms/signers.py)."""
    row, people = _agency_row(data), data.get("NhanSu")
    if row is None or people is None:
        return
    head = cells.name_key(str(row.values.get("nguoi_dung_dau") or ""))

    def named(r: Row) -> bool:
        name = cells.name_key(str(r.values.get("ho_ten") or ""))
        return bool(name) and (head == name or head.endswith(" " + name))

    if not head:
        return
    if not any(named(r) for r in people.rows):
        post = " ".join(str(row.values.get("chuc_vu_nguoi_dung_dau") or "").split()).casefold()
        alike = [r for r in people.rows if r.values.get("vai_tro") == "truong" and post
                 and " ".join(str(r.values.get("chuc_vu") or "").split()).casefold() == post]
        if alike:  # probably the head, under another spelling: the forms would not know him
            problems.append(_p(WARNING, alike[0], "ho_ten",
                               f"Người đứng đầu cơ quan ghi ở sheet CoQuan là «{row.values['nguoi_dung_dau']}», "
                               f"không trùng họ tên người này (cùng chức vụ «{row.values['chuc_vu_nguoi_dung_dau']}»): "
                               "nếu là một người, phiếu của họ sẽ in chính họ là người có thẩm quyền đánh giá.",
                               value=alike[0].values.get("ho_ten"), expected="ghi họ tên giống hệt nhau ở hai sheet"))
        return
    if row.values.get("nguoi_dung_dau_cap_tren"):
        return
    fields = ", ".join(f"«{schema.CO_QUAN.column(k).label}»" for k in
                       ("ten_co_quan_cap_tren", "nguoi_dung_dau_cap_tren", "chuc_vu_nguoi_dung_dau_cap_tren"))
    problems.append(_p(WARNING, row, "nguoi_dung_dau_cap_tren",
                       f"Chưa ghi người đứng đầu cơ quan cấp trên trực tiếp, người có thẩm quyền đánh giá người đứng đầu "
                       f"«{row.values['nguoi_dung_dau']}»: phần ký của cấp có thẩm quyền trên phiếu của người đứng đầu "
                       f"sẽ để trống để viết tay. Căn cứ: {_competence_article(row, _public_service_agency(data, row))}.",
                       sheet=row.refs["nguoi_dung_dau"].sheet if "nguoi_dung_dau" in row.refs else "CoQuan",
                       expected=f"ghi các trường {fields} trong sheet CoQuan"))


def _check_recipient(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """A đơn vị sự nghiệp (every DonVi «Sự nghiệp») whose managing body is neither a UBND nor the Sở Nội vụ
    (a hospital under the Sở Y tế) with CoQuan «Sở Nội vụ nhận báo cáo» empty: its cover letter and report
    would go to the Sở Nội vụ derived from its names (report.so_noi_vu) although the column's own help says
    such a unit writes its managing body there. A warning naming both; nothing is changed (who receives a
    unit's package is the province's call)."""
    row, units = _agency_row(data), data.get("DonVi")
    if row is None or units is None or not units.rows:
        return
    if str(row.values.get("so_noi_vu") or "").strip():
        return
    own = str(row.values.get("ten_co_quan") or "")
    above = " ".join(str(row.values.get("ten_co_quan_cap_tren") or row.values.get("co_quan_chu_quan") or "").split())
    if own.strip() and derived_so_noi_vu(own, str(row.values.get("co_quan_chu_quan") or "")) == "Sở Nội vụ":
        _recipient_without_province(row, own, above, problems)  # of any agency: the letter's addressee is cut
        return
    if any(u.values.get("loai_don_vi") != "su_nghiep" for u in units.rows):
        return
    folded = cells.fold(above)
    if not above or folded.startswith(("ubnd", "uy ban nhan dan", "so noi vu")):
        return
    if above.isupper():
        above = above[0] + above[1:].lower()
    derived = derived_so_noi_vu(own, str(row.values.get("co_quan_chu_quan") or ""))
    label = schema.CO_QUAN.column("so_noi_vu").label
    problems.append(_p(WARNING, row, "so_noi_vu",
                       f"Ô «{label}» để trống: công văn, báo cáo và bộ hồ sơ gửi «{derived}». Cơ quan là đơn vị sự "
                       f"nghiệp (các đơn vị ở sheet DonVi đều là «{schema.LOAI_DON_VI['su_nghiep']}»), cơ quan quản lý "
                       f"là «{above}»: nếu đơn vị gửi kết quả đánh giá, xếp loại cho cơ quan quản lý, ghi tên cơ quan đó "
                       f"vào ô này; nếu gửi thẳng {derived}, ghi «{derived}» để không nhắc lại.",
                       sheet="CoQuan", expected=f"tên cơ quan nhận báo cáo, ví dụ «{above}»"))


def _recipient_without_province(row: Row, own: str, above: str, problems: list[Problem]) -> None:
    """CoQuan «Sở Nội vụ nhận báo cáo» empty and no province at the end of the agency's name or of its managing
    body (a school or a commune body under «UBND phường Hải Châu», since 2025 with no district between): the cover
    letter and report would be addressed «Kính gửi: Sở Nội vụ.», no province said. A warning on the cell; which
    body receives the package (the province's Sở Nội vụ, or the managing UBND) is the province's call."""
    label = schema.CO_QUAN.column("so_noi_vu").label
    parent = " ".join(str(row.values.get("co_quan_chu_quan") or "").split())
    names = f"tên cơ quan («{' '.join(own.split())}»)" + (f" và cơ quan chủ quản («{parent}») đều" if parent else "")
    managing = f"; hoặc tên cơ quan quản lý (ví dụ «{above}») nếu đơn vị gửi kết quả cho cơ quan đó" if above else ""
    problems.append(_p(WARNING, row, "so_noi_vu",
                       f"Ô «{label}» để trống; {names} không có tên tỉnh, thành phố: công văn, báo cáo gửi kèm bộ hồ "
                       f"sơ in «Kính gửi: Sở Nội vụ.», không rõ Sở Nội vụ tỉnh, thành phố nào. Ghi tên cơ quan nhận báo "
                       f"cáo vào ô này: Sở Nội vụ của tỉnh, thành phố (ví dụ «Sở Nội vụ tỉnh Quảng Ngãi"
                       f"»){managing}.", sheet="CoQuan",
                       expected="tên đầy đủ của cơ quan nhận báo cáo"))


def _check_rulebook(row: Row, problems: list[Problem], year: int | None = None) -> None:
    from pipeline.rating.rulebooks import RULEBOOKS

    name = row.values.get("bo_quy_tac")
    if name and name not in RULEBOOKS:
        problems.append(_p(ERROR, row, "bo_quy_tac", f"Không có bộ quy tắc «{name}».", value=name,
                           expected="để trống (chọn theo năm đánh giá) hoặc một trong: " + ", ".join(RULEBOOKS)))
    other = row.values.get("bo_quy_tac_khac")
    if other and other not in RULEBOOKS:
        problems.append(_p(ERROR, row, "bo_quy_tac_khac", f"Không có bộ quy tắc «{other}».", value=other,
                           expected="để trống (mặc định nd335-2025) hoặc một trong: " + ", ".join(RULEBOOKS)))
    elif other and name:
        problems.append(_p(WARNING, row, "bo_quy_tac_khac", f"Ô «Bộ quy tắc» đã chọn {name} cho mọi người; ô này không "
                           "được dùng.", value=other, expected="để trống một trong hai ô"))
    elif other and year and year < 2026:
        problems.append(_p(WARNING, row, "bo_quy_tac_khac", f"Bộ quy tắc theo loại nhân sự chỉ áp dụng từ năm 2026; năm "
                           f"{year} mọi người xếp loại theo cùng một bộ quy tắc, ô này không được dùng.", value=other,
                           expected="để trống"))


def _unit_rulebook(row: Row, problems: list[Problem]) -> str:
    """DonVi.bo_quy_tac_khac: a rulebook id, or "" (then CoQuan's choice); an unknown id is an error."""
    from pipeline.rating.rulebooks import RULEBOOKS

    name = str(row.values.get("bo_quy_tac_khac") or "").strip()
    if name and name not in RULEBOOKS:
        problems.append(_p(ERROR, row, "bo_quy_tac_khac", f"Không có bộ quy tắc «{name}».", value=name,
                           expected="để trống (theo sheet CoQuan) hoặc một trong: " + ", ".join(RULEBOOKS)))
        return ""
    return name


def _rulebook(data: dict[str, SheetData], year: int | None) -> Rulebook | None:
    """The rulebook the workbook selects (for the not-rated rule and default criteria), or None."""
    from pipeline.rating.rulebooks import RULEBOOKS, for_year

    row = _agency_row(data)
    name = row.values.get("bo_quy_tac") if row else None
    if name:
        return RULEBOOKS.get(name)
    return for_year(year) if year else None


def _step_order(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """The dates printed for the steps of the year follow their order (ND 90 Art. 17–19, rules.md R8.2):
    the self-assessment (CoQuan ngay_tu_danh_gia), the unit's meeting where it is presented (DonVi
    ngay_hop), the competent evaluator's decision (ngay_quyet_dinh), then the notice (ngay_thong_bao). A
    paper dated out of that order (a decision before the self-assessment it rules on) is an error."""
    agency = _agency_row(data)
    if agency is None:
        return
    a = agency.values
    own, decided, notice = a.get("ngay_tu_danh_gia"), a.get("ngay_quyet_dinh"), a.get("ngay_thong_bao")

    def label(key: str, spec: schema.Sheet = schema.CO_QUAN) -> str:
        return f"«{spec.column(key).label}»"

    def day(d: dt.date) -> str:
        return d.strftime("%d/%m/%Y")

    # ND 90 Art. 17-19 up to 2025; from 2026 the procedure articles of ND 335 / ND 233 were not read
    # (regime-2026.md §8): the order is said without an article
    year = a.get("nam_danh_gia")
    steps = " (Điều 17, 18, 19 Nghị định 90/2020/NĐ-CP)" if not isinstance(year, int) or year < 2026 else ""
    if own and decided and decided < own:
        problems.append(_p(ERROR, agency, "ngay_quyet_dinh", f"{label('ngay_quyet_dinh')} ({day(decided)}) trước "
                           f"{label('ngay_tu_danh_gia')} ({day(own)}): cấp có thẩm quyền quyết định sau khi cá nhân tự "
                           f"đánh giá và đơn vị họp nhận xét{steps}.", value=decided,
                           expected=f"từ {day(own)} trở về sau, hoặc để trống"))
    if decided and notice and notice < decided:
        problems.append(_p(ERROR, agency, "ngay_thong_bao", f"{label('ngay_thong_bao')} ({day(notice)}) trước "
                           f"{label('ngay_quyet_dinh')} ({day(decided)}): thông báo kết quả sau khi cấp có thẩm quyền "
                           "quyết định.", value=notice, expected=f"từ {day(decided)} trở về sau, hoặc để trống"))
    sheet = data.get("DonVi")
    for row in sheet.rows if sheet is not None else []:
        met = row.values.get("ngay_hop")
        if met is None:
            continue
        where = label("ngay_hop", schema.DON_VI)
        if own and met < own:
            problems.append(_p(ERROR, row, "ngay_hop", f"{where} ({day(met)}) trước {label('ngay_tu_danh_gia')} "
                               f"của sheet CoQuan ({day(own)}): tại cuộc họp từng người trình bày bản tự đánh giá đã làm.",
                               value=met, expected=f"từ {day(own)} trở về sau"))
        if decided and met > decided:
            problems.append(_p(ERROR, row, "ngay_hop", f"{where} ({day(met)}) sau {label('ngay_quyet_dinh')} của "
                               f"sheet CoQuan ({day(decided)}): cấp có thẩm quyền quyết định trên cơ sở kết quả cuộc họp.",
                               value=met, expected=f"đến {day(decided)}"))


# -- DonVi, NhanSu --------------------------------------------------------------------------------
def _units(data: dict[str, SheetData], problems: list[Problem]) -> list[Unit]:
    sheet = data.get("DonVi")
    if sheet is None:
        return []
    if not sheet.rows and sheet.headers:
        problems.append(Problem(ERROR, sheet.name, "Chưa có đơn vị nào.", row=2, expected="ít nhất một dòng đơn vị"))
    repeats = _duplicates(sheet, "ma_don_vi", "mã đơn vị", problems)
    units = []
    for i, row in enumerate(sheet.rows):
        v = row.values
        for key in ("nguoi_danh_gia", "chu_tri_khi_kiem_diem_truong", "cap_pho_phu_trach"):
            _collapse_spaces(row, key, schema.DON_VI.column(key).label, problems)
        if not _complete(row, schema.DON_VI) or row.number in repeats:
            continue
        units.append(Unit(v["ma_don_vi"], v["ten_don_vi"], v["loai_don_vi"], v.get("thu_tu", 10_000 + i),
                          v.get("chi_bo", ""), muc_xep_loai_don_vi=v.get("muc_xep_loai_don_vi"), nguoi_danh_gia=v.get("nguoi_danh_gia", ""),
                          chuc_vu_nguoi_danh_gia=v.get("chuc_vu_nguoi_danh_gia", ""), ngay_hop=v.get("ngay_hop"), so_thanh_vien=v.get("so_thanh_vien"),
                          bo_quy_tac_khac=_unit_rulebook(row, problems),
                          vang_mat=v.get("vang_mat", ""), so_phieu_phat_ra=v.get("so_phieu_phat_ra"),
                          so_phieu_thu_ve=v.get("so_phieu_thu_ve"), co_quan_in=v.get("co_quan_in", ""),
                          chu_tri_khi_kiem_diem_truong=v.get("chu_tri_khi_kiem_diem_truong", ""),
                          cap_pho_phu_trach=v.get("cap_pho_phu_trach", ""),
                          refs=_frozen(row.refs)))
    _cells_differing_in_marks(sheet, problems)
    units.sort(key=lambda u: u.thu_tu)
    return units


def _cells_differing_in_marks(sheet: SheetData, problems: list[Problem]) -> None:
    """Two DonVi «Chi bộ» names that differ only in their Vietnamese marks («Chi bo Hành chính» typed with the
    keyboard off beside «Chi bộ Hành chính»): two chi bộ to hoso — two collective reports (Mẫu 01), the members
    split between them — where the clerk meant one. A warning on the later cell; the names are kept as written
    (two real chi bộ never differ in marks alone, but which spelling is right is the clerk's to say)."""
    first: dict[str, tuple[Row, str]] = {}  # folded name («chi bo» before it or not) -> the first row naming it
    for row in sheet.rows:
        name = " ".join(str(row.values.get("chi_bo") or "").split())
        if not name:
            continue
        folded = cells.fold(name)
        seen = first.setdefault(folded.removeprefix("chi bo "), (row, name))
        if seen[0] is not row and cells.name_key(party_body(seen[1], "Chi bộ")) != cells.name_key(party_body(name, "Chi bộ")):
            problems.append(_p(WARNING, row, "chi_bo",
                               f"«{name}» và «{seen[1]}» (dòng {seen[0].number}) chỉ khác nhau ở dấu tiếng Việt: "
                               "chương trình coi là hai chi bộ khác nhau (hai báo cáo kiểm điểm tập thể chi bộ, đảng "
                               "viên chia ra hai nơi).", value=row.values.get("chi_bo"),
                               expected="nếu là một chi bộ, ghi tên giống hệt nhau ở mọi dòng (có dấu)"))


def _months_rule(data: dict[str, SheetData], year: int | None, v: dict[str, Any]) -> str:
    """Where the «under 06 months worked: not rated» rule stands for this person: the citation of the
    rulebook rating him (ND 90 Art. 2 cl. 3 up to 2025; from 2026 the agency's or unit's rules under ND 335 /
    ND 233, no article of theirs having been seen: rulebooks.py `short_time`, `months`)."""
    from pipeline.rating.rulebooks import RULEBOOKS, UnknownRulebook, for_person, for_year

    agency = _agency_row(data)
    forced = agency.values.get("bo_quy_tac") if agency else None
    if not year:
        return "khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP"
    try:
        if isinstance(forced, str) and forced.strip() in RULEBOOKS:
            rb = RULEBOOKS[forced.strip()]
        elif isinstance(v.get("loai_nhan_su"), str):
            units = data.get("DonVi")
            unit_others = {r.values.get("ma_don_vi"): r.values.get("bo_quy_tac_khac") for r in (units.rows if units else ())}
            others = unit_others.get(v.get("ma_don_vi")) or (agency.values.get("bo_quy_tac_khac") if agency else None)
            rb = for_person(year, v["loai_nhan_su"], others)
        else:
            rb = for_year(year)
    except UnknownRulebook:  # reported on its own cell
        rb = for_year(year)
    kind = v.get("loai_nhan_su")
    rb = rb.in_year(year)
    return (rb.for_kind(kind) if isinstance(kind, str) and kind else rb).cite.months_in_post


def _people(data: dict[str, SheetData], units: dict[str, str] | None, year: int | None, rulebook: Rulebook | None, problems: list[Problem], build: bool = True) -> list[Person]:
    sheet = data.get("NhanSu")
    if sheet is None:
        return []
    if not sheet.rows and sheet.headers:
        problems.append(Problem(ERROR, sheet.name, "Chưa có người nào.", row=2, expected="mỗi dòng một người được đánh giá"))
    repeats = _duplicates(sheet, "ma_so", "mã số", problems, unit="ma_don_vi")
    min_months = rulebook.min_months if rulebook else 6
    people = []
    cased: list[tuple[Row, str]] = []  # names typed all in small letters or all in capitals
    unmarked: list[tuple[Row, str]] = []  # (row, key): a name or post typed without its Vietnamese marks
    _check_concurrent_heads(sheet, units, problems)
    for row in sheet.rows:
        v = row.values
        _collapse_spaces(row, "ho_ten", "Họ và tên", problems)
        if (how := _name_case(row.values.get("ho_ten"))) is not None:
            cased.append((row, how))
        unmarked.extend((row, key) for key in _UNMARKED_KEYS if _without_marks(v.get(key)))
        unit_ok = _check_unit(row, units, problems)
        months, absent = v.get("so_thang_cong_tac", 12), v.get("so_thang_nghi", 0)
        if absent > months:
            problems.append(_p(ERROR, row, "so_thang_nghi", f"Số tháng nghỉ lớn hơn số tháng công tác trong năm ({months:g}).",
                               value=absent, expected=f"từ 0 đến {months:g}"))
        old_months = v.get("so_thang_co_quan_cu")
        if old_months is not None and old_months > months:  # the months at the old agency count in the year's
            problems.append(_p(ERROR, row, "so_thang_co_quan_cu",
                               f"Số tháng công tác ở cơ quan cũ lớn hơn số tháng công tác trong năm ({months:g}), số "
                               "tháng này đã phải tính cả thời gian ở cơ quan cũ.",
                               value=old_months, expected=f"từ 0 đến {months:g}"))
        if year and v.get("ngay_sinh"):
            age = year - v["ngay_sinh"].year
            if not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
                problems.append(_p(ERROR, row, "ngay_sinh", f"Tuổi trong năm {year} là {age}, không hợp lý.", value=v["ngay_sinh"],
                                   expected=f"tuổi từ {AGE_RANGE[0]} đến {AGE_RANGE[1]} trong năm đánh giá"))
        if v.get("muc_quyet_dinh") and months < min_months and not v.get("nghi_thai_san", False):
            problems.append(_p(ERROR, row, "muc_quyet_dinh",
                               f"Người công tác {months:g} tháng trong năm (dưới {min_months:g} tháng, không nghỉ thai sản) không "
                               f"được xếp loại ({_months_rule(data, year, v)}).",
                               value=v["muc_quyet_dinh"], expected="để trống ô này"))
        if not v.get("dang_vien", False):
            for key in PARTY_FIELDS:
                if v.get(key):
                    problems.append(_p(WARNING, row, key, "Người không phải đảng viên nhưng có ghi thông tin của Đảng; "
                                       "thông tin này không được dùng.", value=v[key],
                                       expected="để trống, hoặc ghi Có ở cột «Đảng viên» nếu là đảng viên"))
        if not build or not unit_ok or not _complete(row, schema.NHAN_SU) or row.number in repeats:
            continue
        leader_default = v["vai_tro"] in ("truong", "pho")
        people.append(Person(
            ma_so=v["ma_so"], ho_ten=v["ho_ten"], ngay_sinh=v["ngay_sinh"], ma_don_vi=v["ma_don_vi"],
            vai_tro=v["vai_tro"], loai_nhan_su=v["loai_nhan_su"],
            lanh_dao_quan_ly=v.get("lanh_dao_quan_ly", leader_default), gioi_tinh=v.get("gioi_tinh", ""),
            chuc_vu=v.get("chuc_vu", ""), ngach_chuc_danh=v.get("ngach_chuc_danh", ""),
            dang_vien=v.get("dang_vien", False), chuc_vu_dang=v.get("chuc_vu_dang", ""),
            chuc_vu_doan_the=v.get("chuc_vu_doan_the", ""), noi_cu_tru=v.get("noi_cu_tru", ""),
            chi_bo_noi_cu_tru=v.get("chi_bo_noi_cu_tru", ""),
            mien_sinh_hoat_noi_cu_tru=v.get("mien_sinh_hoat_noi_cu_tru", False),
            nhom_tuong_dong=v.get("nhom_tuong_dong", ""), so_thang_cong_tac=months, so_thang_nghi=absent,
            nghi_thai_san=v.get("nghi_thai_san", False),
            truc_tiep_cong_tac=v.get("truc_tiep_cong_tac", not leader_default),
            tu_xep_loai=v.get("tu_xep_loai"), muc_quyet_dinh=v.get("muc_quyet_dinh"), ghi_chu=v.get("ghi_chu", ""),
            muc_dang_vien=v.get("muc_dang_vien"), tu_xep_loai_dang_vien=v.get("tu_xep_loai_dang_vien"),
            ket_luan_suy_thoai=v.get("ket_luan_suy_thoai", False), vi_pham_dang_vien=v.get("vi_pham_dang_vien", False),
            don_vi_tham_nhung=v.get("don_vi_tham_nhung", False), van_ban_ket_luan=v.get("van_ban_ket_luan", ""),
            co_quan_cu=v.get("co_quan_cu", ""), so_thang_co_quan_cu=v.get("so_thang_co_quan_cu"),
            khong_kiem_diem_dang_vien=v.get("khong_kiem_diem_dang_vien", False),
            nguoi_danh_gia=v.get("nguoi_danh_gia", ""), chuc_vu_nguoi_danh_gia=v.get("chuc_vu_nguoi_danh_gia", ""),
            don_vi_kiem_nhiem=v.get("don_vi_kiem_nhiem", ""), so_dinh_danh=v.get("so_dinh_danh", ""),
            row=row.number, refs=_frozen(row.refs),
        ))
    _name_case_warnings(cased, problems)
    _unmarked_warnings(unmarked, problems)
    _same_person_warnings(sheet, repeats, problems)
    _check_heads(data, sheet, units, problems)
    _check_cell_secretaries(data, sheet, units, problems)
    _check_residence_cells(data, sheet, units, problems)
    _check_citizen_ids(sheet, repeats, problems)
    return people


def _check_citizen_ids(sheet: SheetData, repeats: set[int], problems: list[Problem]) -> None:
    """NhanSu `so_dinh_danh`: one number per person (an error on the later row: the results keyed by it would be
    filed in another person's electronic record), and what its own digits say of the person checked against the row
    — the 4th digit the sex and the century of birth (0/1 a man/woman born 1900–1999, 2/3 born 2000–2099, …), the
    5th and 6th the last two digits of the year of birth, the first three a province's code (001–096). A warning:
    the number or the birth date printed on every paper was typed wrong, the clerk's card in hand decides which."""
    first: dict[str, Row] = {}
    for row in sheet.rows:
        v = row.values
        number = v.get("so_dinh_danh")
        if not isinstance(number, str) or not number or row.number in repeats:
            continue
        earlier = first.setdefault(number, row)
        if earlier is not row:
            where = earlier.refs["so_dinh_danh"].row if "so_dinh_danh" in earlier.refs else earlier.number
            problems.append(_p(ERROR, row, "so_dinh_danh",
                               f"Số định danh cá nhân trùng với dòng {where} ({earlier.values.get('ho_ten', '')}, mã số "
                               f"{earlier.values.get('ma_so', '?')}): mỗi người một số định danh, kết quả xếp loại ghi "
                               "theo số này sẽ vào hồ sơ điện tử của người khác.", value=number,
                               expected="đối chiếu thẻ căn cước của hai người, sửa số ghi sai (hoặc để trống ô này)"))
            continue
        said = _citizen_id_mismatch(number, v.get("ngay_sinh"), v.get("gioi_tinh"))
        if said:
            problems.append(_p(WARNING, row, "so_dinh_danh", said, value=number,
                               expected="đối chiếu thẻ căn cước: sửa số định danh cá nhân, hoặc ngày sinh, giới tính nếu "
                                        "ghi sai (ngày sinh in trên các mẫu biểu)"))


def _citizen_id_mismatch(number: str, born: object, sex: object) -> str | None:
    """What a số định danh cá nhân says that its row does not, in words; None when it agrees."""
    province, code, yy = int(number[:3]), int(number[3]), number[4:6]
    century = 1800 if code >= 8 else 1900 + 100 * (code // 2)
    its_sex, its_year = ("Nam" if code % 2 == 0 else "Nữ"), century + int(yy)
    wrong = []
    if isinstance(born, dt.date) and born.year != its_year:
        wrong.append(f"ngày sinh {born.strftime('%d/%m/%Y')}")
    if sex in ("Nam", "Nữ") and sex != its_sex:
        wrong.append(f"giới tính {sex}")
    if wrong:
        return (f"Số định danh cá nhân {number} là của người {its_sex.lower()}, sinh năm {its_year} (chữ số thứ 4 "
                f"«{code}» cho biết giới tính và thế kỷ sinh, chữ số thứ 5–6 «{yy}» là hai số cuối của năm sinh), "
                f"nhưng dòng này ghi {' và '.join(wrong)}.")
    if not 1 <= province <= 96:
        return (f"Ba chữ số đầu của số định danh cá nhân {number} («{number[:3]}») không phải mã tỉnh, thành phố nơi "
                "đăng ký khai sinh (từ 001 đến 096).")
    return None


def _same_person_warnings(sheet: SheetData, repeats: set[int], problems: list[Problem]) -> None:
    """Two NhanSu rows with other mã số but the same name (compared as names are: spaces, case, Unicode form
    NFC / NFD, the tone mark's place — a name pasted from a web form or a Mac and typed again) and the same
    birth date: one person written twice is rated, counted in his group's 20 % and given a dossier twice. A
    warning on the later row naming the earlier (two people may share both: nothing is dropped)."""
    first: dict[tuple[str, dt.date], Row] = {}
    for row in sheet.rows:
        name, born = row.values.get("ho_ten"), row.values.get("ngay_sinh")
        if row.number in repeats or not isinstance(name, str) or not name.strip() or not isinstance(born, dt.date):
            continue
        key = (cells.name_key(name), born)
        earlier = first.setdefault(key, row)
        if earlier is row:
            continue
        where = earlier.refs["ho_ten"].row if "ho_ten" in earlier.refs else earlier.number
        problems.append(_p(WARNING, row, "ho_ten",
                           f"Cùng họ tên và ngày sinh ({born.strftime('%d/%m/%Y')}) với dòng {where} (mã số "
                           f"{earlier.values.get('ma_so', '?')}), khác mã số ({row.values.get('ma_so', '?')}): nếu là một "
                           "người được ghi hai lần, người này sẽ được xếp loại, tính vào tỷ lệ của nhóm và có hồ sơ hai "
                           "lần.", value=name,
                           expected="xóa một trong hai dòng (và các dòng của mã số đó ở các sheet khác); nếu là hai "
                                    "người khác nhau, giữ nguyên"))


def _collapse_spaces(row: Row, key: str, label: str, problems: list[Problem]) -> None:
    """Two spaces or a line break (Alt+Enter) inside a name (a name is compared with other cells and
    printed on one line of a signed paper): one space, with a warning."""
    value = row.values.get(key)
    if isinstance(value, str) and ("  " in value or "\n" in value):
        collapsed = " ".join(value.split())
        what = "chỗ xuống dòng (Alt+Enter) giữa các chữ; đã thay bằng một khoảng trắng" if "\n" in value else \
            "khoảng trắng thừa giữa các chữ; đã bỏ bớt"
        problems.append(_p(WARNING, row, key, f"«{label}» có {what}.", value=value.replace("\n", "↵"),
                           expected=f"«{collapsed}» (sửa trong sổ để khớp với các ô khác)"))
        row.values[key] = collapsed


def _name_case(value: object) -> str | None:
    """How a name is typed when it is all in small letters («ngô thị thu hà») or all in capitals («NGUYỄN VĂN
    THÀNH», a staff list's habit): it is printed so on every signed paper («Đồng chí ngô thị thu hà – Chuyên
    viên»); None for a name typed otherwise."""
    if not isinstance(value, str) or not any(c.isalpha() for c in value):
        return None
    if value == value.lower():
        return "toàn chữ thường"
    if value == value.upper() and sum(c.isalpha() for c in value) > 1:
        return "toàn chữ in hoa"
    return None


NAME_CASE_EACH = 3  # up to this many names typed one way: a warning on each cell; more: one for them all


def _name_case_warnings(cased: list[tuple[Row, str]], problems: list[Problem]) -> None:
    """A warning with the name each word capitalised, the value kept as typed (only the clerk knows «H'Linh»,
    «Y Bhim»): on each cell for a few names, once for a column typed so throughout (naming its cells)."""
    label = "Họ và tên"
    for how in ("toàn chữ thường", "toàn chữ in hoa"):
        rows = [row for row, h in cased if h == how]
        if len(rows) <= NAME_CASE_EACH:
            for row in rows:
                value = row.values["ho_ten"]
                problems.append(_p(WARNING, row, "ho_ten", f"«{label}» viết {how}; các văn bản in đúng như đã gõ.",
                                   value=value, expected=f"«{value.title()}» (viết hoa chữ cái đầu mỗi tiếng; sửa trong sổ)"))
            continue
        first = rows[0]
        ref = first.refs.get("ho_ten")
        cells = _cell_runs(ref.column if ref else "", [r.refs["ho_ten"].row if "ho_ten" in r.refs else r.number for r in rows])
        value = first.values["ho_ten"]
        problems.append(_p(WARNING, first, "ho_ten", f"«{label}» của {len(rows)} người viết {how} ({cells}); các văn "
                           "bản in đúng như đã gõ.", value=value,
                           expected=f"viết hoa chữ cái đầu mỗi tiếng, ví dụ «{value.title()}» (sửa trong sổ)"))


# NhanSu columns printed on the signed papers whose words are Vietnamese: a name, a post, a party post
_UNMARKED_KEYS = ("ho_ten", "chuc_vu", "chuc_vu_dang")
# words that in a Vietnamese name or post always carry a mark («Nguyễn», «Thị», «Văn», «Phó», «Trưởng», «Bí thư»),
# folded: a cell holding one of them and no letter outside ASCII was typed with the Vietnamese keyboard off. Words
# that may stand unmarked («Thu», «Chi», «Quang», «Minh») are not here, nor the names of ethnic minorities («Y Bhim
# Niê», «Ksor») — only a word of the list says so
_NEEDS_MARKS = frozenset((
    "nguyen tran pham hoang huynh vu vo dang bui ngo duong dinh doan trinh luong le thi van duc "
    "pho truong chanh phong chuyen vien giam doc uy bi ke toan").split())


def _without_marks(value: object) -> bool:
    """«Tran Thi Thu Ha», «Pho Chanh Van phong», «bi thu chi bo»: Vietnamese typed without its marks."""
    return (isinstance(value, str) and value.isascii()
            and any(w in _NEEDS_MARKS for w in re.split(r"[^a-z]+", value.casefold())))


def _unmarked_warnings(unmarked: list[tuple[Row, str]], problems: list[Problem]) -> None:
    """A name or post typed without its marks is printed so on every signed paper (and «bi thu chi bo» is no
    «Bí thư chi bộ» to sign for the chi bộ): a warning on each cell for a few, one per column for more."""
    for key in _UNMARKED_KEYS:
        rows = [row for row, k in unmarked if k == key]
        if not rows:
            continue
        label = schema.NHAN_SU.column(key).label
        expected = "gõ lại có dấu tiếng Việt (bật bộ gõ Unikey hoặc EVKey, kiểu gõ Telex hoặc VNI; bảng mã Unicode)"
        if len(rows) <= NAME_CASE_EACH:
            for row in rows:
                problems.append(_p(WARNING, row, key, f"«{label}» viết không dấu; các văn bản in đúng như đã gõ.",
                                   value=row.values[key], expected=expected))
            continue
        first = rows[0]
        ref = first.refs.get(key)
        where = _cell_runs(ref.column if ref else "", [r.refs[key].row if key in r.refs else r.number for r in rows])
        problems.append(_p(WARNING, first, key, f"«{label}» của {len(rows)} người viết không dấu ({where}); các văn bản "
                           "in đúng như đã gõ.", value=first.values[key], expected=expected))


def _cell_runs(column: str, rows: list[int]) -> str:
    """«B2:B9, B12, B15:B20»: the cells of `rows` in `column`, consecutive rows as one range."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    return ", ".join(f"{column}{a}" if a == b else f"{column}{a}:{column}{b}" for a, b in runs)


# names printed as one line (a signer, the chair of a meeting): tidied like NhanSu «Họ và tên»
_AGENCY_NAMES = ("nguoi_dung_dau", "nguoi_dung_dau_cap_tren", "chu_tri_hop_co_quan", "thu_ky_hop_co_quan")


def _unit_names_for_codes(data: dict[str, SheetData], problems: list[Problem]) -> list[Problem]:
    """A unit's name written where its code goes («Phòng Hành chính - Quản trị» in NhanSu «Mã đơn vị»): the
    code's error («Mã có khoảng trắng») says which code that name has in DonVi."""
    sheet = data.get("DonVi")
    if sheet is None:
        return problems
    codes = {cells.name_key(str(r.values["ten_don_vi"])): str(r.values["ma_don_vi"])
             for r in sheet.rows if r.values.get("ten_don_vi") and r.values.get("ma_don_vi")}
    label = schema.SHEETS_BY_KEY["NhanSu"].column("ma_don_vi").label
    out = []
    for p in problems:
        code = codes.get(cells.name_key(p.value)) if (p.is_error and p.value and p.row and p.header
                                                       and cells.fold(p.header) == cells.fold(label)) else None
        out.append(replace(p, message=f"«{p.value}» là tên đơn vị; cột này ghi mã đơn vị (mã của đơn vị này ở sheet "
                                      f"DonVi là «{code}»).", expected=f"«{code}»") if code else p)
    return out


def _person_names_for_codes(data: dict[str, SheetData], problems: list[Problem]) -> list[Problem]:
    """A person's name written where their mã số goes («Nguyễn Đình Khải» in KetQuaKy «Mã số», the way a clerk
    fills a sheet by name): the code's error («Mã có khoảng trắng») says which mã số NhanSu gives that name."""
    people = data.get("NhanSu")
    if people is None:
        return problems
    codes: dict[str, list[str]] = defaultdict(list)
    for r in people.rows:
        if r.values.get("ho_ten") and isinstance(r.values.get("ma_so"), str):
            codes[cells.name_key(str(r.values["ho_ten"]))].append(r.values["ma_so"])
    id_columns = {sheet.name: sheet.headers["ma_so"][0] for key, sheet in data.items()
                  if key != "NhanSu" and "ma_so" in sheet.headers}
    out = []
    for p in problems:
        found = codes.get(cells.name_key(p.value)) if (p.is_error and p.value and p.row
                                                       and id_columns.get(p.sheet) == p.column) else None
        if found:
            which = (f"mã số của người này ở sheet NhanSu là «{found[0]}»" if len(found) == 1 else
                     "sheet NhanSu có " + str(len(found)) + " người cùng họ tên này: " + ", ".join(f"«{c}»" for c in found))
            p = replace(p, message=f"«{p.value}» là họ tên; cột này ghi mã số ({which}).",
                        expected=" hoặc ".join(f"«{c}»" for c in found))
        out.append(p)
    return out


def _periods_without_year(data: dict[str, SheetData], year: object, problems: list[Problem]) -> list[Problem]:
    """«Tháng 1», «Quý I» in KetQuaKy / SanPham «Kỳ» (a sheet kept for one year has no year in it): the
    period of the evaluation year — the only year a period may have — with one warning per sheet, instead
    of an error on every row."""
    if not isinstance(year, int):
        return problems
    sheets = {data[k].name: data[k] for k in ("KetQuaKy", "SanPham") if k in data}
    label = cells.fold(schema.SHEETS_BY_KEY["KetQuaKy"].column("ky").label)
    read: dict[str, list[tuple[Problem, str]]] = {}
    out = []
    for p in problems:
        sheet = sheets.get(p.sheet) if p.is_error and p.row and p.value and p.header else None
        if sheet is not None and cells.fold(str(p.header)) in (label, "ky"):
            ky = cells.period_without_year(str(p.value), year)
            row = next((r for r in sheet.rows if r.number == p.row), None) if ky else None
            if ky and row is not None:
                row.values["ky"] = ky
                read.setdefault(p.sheet, []).append((p, ky))
                continue
        out.append(p)
    for name, found in read.items():
        first, ky = found[0]
        out.append(Problem(WARNING, name, f"Kỳ ghi không có năm ({len(found)} dòng, như «{first.value}»): đọc là kỳ của "
                           f"năm đánh giá {year} («{first.value}» là {ky}).", row=first.row, column=first.column,
                           header=first.header, value=first.value, expected=f"kỳ ghi kèm năm, ví dụ {ky}"))
    return out


def _periods_of_the_year(year: object, problems: list[Problem]) -> list[Problem]:
    """A period cell that does not read says what to write with the workbook's own year («2027-01 … 2027-12»):
    the reader, converting cells before the year is known, gives the examples of 2026."""
    if not isinstance(year, int) or year == 2026:
        return problems
    wanted = cells.period_expected(year)
    return [replace(p, expected=wanted) if p.expected == cells.PERIOD_EXPECTED else p for p in problems]


def _check_unit(row: Row, units: dict[str, str] | None, problems: list[Problem]) -> bool:
    code = row.values.get("ma_don_vi")
    if code is None:
        return False
    if units is None:
        return True
    canonical = units.get(code.casefold())
    if canonical is None:
        problems.append(_p(ERROR, row, "ma_don_vi", "Mã đơn vị không có trong sheet DonVi.", value=code,
                           expected="một mã đơn vị đã khai ở sheet «DonVi»"))
        return False
    row.values["ma_don_vi"] = canonical
    return True


KIEM_NHIEM = "don_vi_kiem_nhiem"


def _check_concurrent_heads(sheet: SheetData, units: dict[str, str] | None, problems: list[Problem]) -> None:
    """NhanSu `don_vi_kiem_nhiem`, the unit a leader heads concurrently (kiêm nhiệm), before the people are read:
    a code not in DonVi is an error; the person's own unit, a unit with a head of its own (vai_tro «truong»), or a
    unit another row already names is a warning and the cell is not used (cleared here), so that every paper
    names one head per unit. The code is written as DonVi has it."""
    if units is None:
        return
    heads = {units[c.casefold()] for r in sheet.rows if r.values.get("vai_tro") == "truong"
             and isinstance(c := r.values.get("ma_don_vi"), str) and c.casefold() in units}
    taken: dict[str, Row] = {}
    for row in sheet.rows:
        code = row.values.get(KIEM_NHIEM)
        if not code:
            continue
        canonical = units.get(str(code).casefold())
        own = row.values.get("ma_don_vi")
        if canonical is None:
            problems.append(_p(ERROR, row, KIEM_NHIEM, "Mã đơn vị kiêm nhiệm không có trong sheet DonVi.", value=code,
                               expected="một mã đơn vị đã khai ở sheet «DonVi», hoặc để trống"))
            row.values.pop(KIEM_NHIEM)
            continue
        why = ""
        if isinstance(own, str) and own.casefold() == canonical.casefold():
            why = "là đơn vị của chính người này (cột «Mã đơn vị»)"
        elif canonical in heads:
            why = (f"đơn vị «{canonical}» đã có người giữ vai trò «{schema.VAI_TRO['truong']}» ở sheet NhanSu: người đó "
                   "chủ trì, ký các văn bản của đơn vị")
        elif canonical in taken:
            first = taken[canonical]
            why = (f"đơn vị «{canonical}» đã do {first.values.get('ho_ten', first.values.get('ma_so', ''))} (dòng "
                   f"{first.number}) kiêm nhiệm người đứng đầu")
        if why:
            problems.append(_p(WARNING, row, KIEM_NHIEM, f"Đơn vị kiêm nhiệm {why}; ô này không được dùng.", value=code,
                               expected="để trống, hoặc mã một đơn vị không có người đứng đầu"))
            row.values.pop(KIEM_NHIEM)
            continue
        row.values[KIEM_NHIEM] = canonical
        taken[canonical] = row


def _check_heads(data: dict[str, SheetData], sheet: SheetData, units: dict[str, str] | None, problems: list[Problem]) -> None:
    """One head (vai_tro «truong») per unit: more is an error, none a warning."""
    if units is None:
        return
    heads: dict[str, list[Row]] = defaultdict(list)
    staffed = set()
    deputies: set[str] = set()
    size: Counter[str] = Counter()
    for row in sheet.rows:
        code = row.values.get("ma_don_vi")
        if code is None or code.casefold() not in units:
            continue
        code = units[code.casefold()]
        staffed.add(code)
        size[code] += 1
        if row.values.get("vai_tro") == "truong":
            heads[code].append(row)
        elif row.values.get("vai_tro") == "pho":
            deputies.add(code)
    for code, rows in heads.items():
        first = rows[0]
        name = first.values.get("ho_ten", first.values.get("ma_so", ""))
        agency_head = _agency_head(data)
        for extra in rows[1:]:
            leader = agency_head and any(_same_person(r.values.get("ho_ten", ""), agency_head) for r in (first, extra))
            hint = (f"; {agency_head} là người đứng đầu cơ quan (sheet CoQuan): lãnh đạo cơ quan (người đứng đầu, các "
                    "cấp phó) khai ở một đơn vị riêng, ví dụ mã LD «Lãnh đạo cơ quan» ở sheet DonVi, với vai trò "
                    "«Người đứng đầu» / «Cấp phó»; trưởng phòng giữ vai trò «Người đứng đầu» của phòng") if leader else ""
            problems.append(_p(ERROR, extra, "vai_tro", f"Đơn vị «{code}» có hơn một người đứng đầu (đã có {name}, "
                               f"dòng {first.number}).", value=schema.VAI_TRO["truong"],
                               expected="mỗi đơn vị một người đứng đầu; người khác ghi «Cấp phó» hoặc «Công chức, viên "
                                        "chức, NLĐ»" + hint))
    _check_agency_leaders(data, sheet, units, heads, problems)
    unit_rows = {r.values["ma_don_vi"]: r for r in data["DonVi"].rows if "ma_don_vi" in r.values} if "DonVi" in data else {}
    in_charge = _deputy_in_charge_unit(data, sheet, units)
    # a unit headed concurrently by a leader of another unit (NhanSu `don_vi_kiem_nhiem`, kept by
    # _check_concurrent_heads) has its head: he chairs its meeting and signs its papers
    concurrent = {r.values[KIEM_NHIEM] for r in sheet.rows if r.values.get(KIEM_NHIEM)}
    for code in sorted(staffed - set(heads) - concurrent):
        if code == in_charge:
            # the agency head, a deputy in charge (CoQuan «Chức vụ cấp trưởng»), heads his unit (the Ban Giám đốc
            # of two Phó Giám đốc): he chairs its meeting, another deputy chairs his own review
            # (unit_context.unit_chairs), as the clerk's workbook says — nothing to fix, nothing said
            continue
        message = (f"Đơn vị «{code}» không có người đứng đầu (vai trò «{schema.VAI_TRO['truong']}»); cuộc họp sẽ do "
                   "cấp phó chủ trì.")
        expected = None
        if code not in deputies:
            # nobody to chair: the minutes print dots for the chair (unit_context), not a deputy there is not
            message = (f"Đơn vị «{code}» không có người đứng đầu (vai trò «{schema.VAI_TRO['truong']}») và không có "
                       f"cấp phó (vai trò «{schema.VAI_TRO['pho']}»): biên bản họp của đơn vị để dấu chấm ở người "
                       "chủ trì để ghi tay.")
            expected = (f"ở sheet NhanSu, vai trò «{schema.VAI_TRO['truong']}» (hoặc «{schema.VAI_TRO['pho']}») cho "
                        "người phụ trách đơn vị")
        unit_row = unit_rows.get(code)
        problems.append(_p(WARNING, unit_row, "ma_don_vi", message, value=code, expected=expected) if unit_row
                        else Problem(WARNING, sheet.name, message, expected=expected))
    # a unit of one: its «meeting» has nobody to comment or vote but the person reviewed (ND 90 Art. 18/19,
    # seed 001: the unit's members give their opinions and vote; the head never chairs his own review)
    for code in sorted(c for c, n in size.items() if n == 1):
        message = (f"Đơn vị «{code}» chỉ có 1 người: biên bản họp của đơn vị không có ai khác góp ý, biểu quyết. "
                   "Nếu người này được nhận xét, biểu quyết tại cuộc họp của đơn "
                   "vị khác (ví dụ cùng lãnh đạo cơ quan), ghi mã đơn vị đó ở sheet NhanSu.")
        unit_row = unit_rows.get(code)
        problems.append(_p(WARNING, unit_row, "ma_don_vi", message, value=code) if unit_row else Problem(WARNING, sheet.name, message))


def _check_cell_secretaries(data: dict[str, SheetData], sheet: SheetData, units: dict[str, str] | None,
                            problems: list[Problem]) -> None:
    """One «Bí thư chi bộ» per chi bộ (DonVi `chi_bo`, units naming one chi bộ as `plan.chi_bo_units` groups
    them): a second member whose party post says so is a warning on his «Chức vụ Đảng» — the chi bộ's
    collective report (Mẫu 01) prints one name under «T/M CHI BỘ», and which of the two is not the clerk's
    choice (a secretary elected during the year, the former one's post not written anew)."""
    if units is None or "DonVi" not in data:
        return
    cell_of: dict[str, str] = {}  # a unit typed twice is the first row's (the other is an error on its code)
    for r in data["DonVi"].rows:
        if r.values.get("ma_don_vi"):
            cell_of.setdefault(r.values["ma_don_vi"].casefold(), party_body(str(r.values.get("chi_bo") or ""), "Chi bộ"))
    secretaries: dict[str, list[Row]] = defaultdict(list)
    for row in sheet.rows:
        v = row.values
        code = str(v.get("ma_don_vi") or "").casefold()
        if code not in cell_of or not (v.get("dang_vien") and is_cell_secretary(str(v.get("chuc_vu_dang") or ""))):
            continue
        if cell := cell_of[code]:
            secretaries[cells.name_key(cell)].append(row)
        else:
            # a secretary in a unit naming no chi bộ: no collective report (Mẫu 01) is made for his chi bộ, silently
            problems.append(_p(WARNING, row, "chuc_vu_dang",
                               f"{v.get('ho_ten', '')} là Bí thư chi bộ nhưng đơn vị «{v.get('ma_don_vi')}» chưa ghi "
                               "«Chi bộ» ở sheet DonVi: không tạo báo cáo kiểm điểm tập thể chi bộ (Mẫu 01) và phần "
                               "chi bộ của bản kiểm điểm đảng viên để trống tên chi bộ.",
                               value=v.get("chuc_vu_dang"),
                               expected="ghi tên chi bộ ở cột «Chi bộ» của đơn vị này (sheet DonVi)"))
    for rows in secretaries.values():
        first = rows[0]
        cell = cell_of[str(first.values["ma_don_vi"]).casefold()]
        for extra in rows[1:]:
            problems.append(_p(WARNING, extra, "chuc_vu_dang",
                               f"{cell} có hơn một Bí thư chi bộ (đã có {first.values.get('ho_ten', '')}, dòng "
                               f"{first.number}): báo cáo kiểm điểm tập thể chi bộ (Mẫu 01) chỉ in tên một người ở "
                               "chỗ ký «T/M CHI BỘ».", value=extra.values.get("chuc_vu_dang"),
                               expected="một Bí thư cho mỗi chi bộ; người kia ghi chức vụ Đảng hiện nay (ví dụ «Phó "
                                        "Bí thư chi bộ», «Chi ủy viên», hoặc để trống)"))


def _check_residence_cells(data: dict[str, SheetData], sheet: SheetData, units: dict[str, str] | None,
                           problems: list[Problem]) -> None:
    """A member whose «Chi bộ nơi cư trú» is the chi bộ of his own unit (DonVi `chi_bo`, named as `party_body` names
    it): his Mẫu 3-213 (QĐ 213: the residence chi ủy comments to the chi bộ where the member works) would be sent by
    that chi bộ to itself — a warning on the cell. Not for a member excused (no 3-213) or outside the year's review."""
    if units is None or "DonVi" not in data:
        return
    cell_of = {r.values["ma_don_vi"].casefold(): party_body(str(r.values.get("chi_bo") or ""), "Chi bộ")
               for r in data["DonVi"].rows if r.values.get("ma_don_vi")}
    for row in sheet.rows:
        v = row.values
        if not v.get("dang_vien") or v.get("mien_sinh_hoat_noi_cu_tru") or v.get("khong_kiem_diem_dang_vien"):
            continue
        cell = cell_of.get(str(v.get("ma_don_vi") or "").casefold(), "")
        home = party_body(str(v.get("chi_bo_noi_cu_tru") or ""), "Chi bộ")
        if cell and home and cells.name_key(home) == cells.name_key(cell):
            problems.append(_p(WARNING, row, "chi_bo_noi_cu_tru",
                               f"Chi bộ nơi cư trú của {v.get('ho_ten', '')} trùng chi bộ nơi công tác ({cell}): Mẫu "
                               "3-213 là phiếu chi ủy nơi cư trú nhận xét gửi chi bộ nơi đảng viên công tác, in ra sẽ "
                               "là chi bộ này tự gửi cho mình.", value=v.get("chi_bo_noi_cu_tru"),
                               expected="chi bộ nơi đảng viên cư trú (thôn, tổ dân phố); nếu đảng viên không phải lấy "
                                        "nhận xét nơi cư trú, ghi Có ở cột «Miễn nhận xét nơi cư trú»"))


def _deputy_in_charge_unit(data: dict[str, SheetData], sheet: SheetData, units: dict[str, str]) -> str | None:
    """The unit of the agency head when CoQuan `chuc_vu_cap_truong` says he is a deputy in charge (the head's
    post vacant): the one NhanSu row CoQuan `nguoi_dung_dau` names (`Campaign.agency_head_ma_so`'s rule)."""
    row = _agency_row(data)
    if row is None or not str(row.values.get("chuc_vu_cap_truong") or "").strip():
        return None
    head = _agency_head(data)
    named = [r for r in sheet.rows if names_person(head, str(r.values.get("ho_ten") or ""))]
    code = named[0].values.get("ma_don_vi") if len(named) == 1 else None
    return units.get(code.casefold()) if isinstance(code, str) else None


LEADERS_HINT = ("lãnh đạo cơ quan (người đứng đầu và các cấp phó của cơ quan) khai ở một đơn vị riêng, ví dụ mã LD "
                "«Lãnh đạo cơ quan» ở sheet DonVi, với vai trò «Người đứng đầu» / «Cấp phó»; họ được họp, đánh giá và "
                "lập hồ sơ trong đơn vị đó (bộ nộp {noi_nhan} có hồ sơ cá nhân của họ)")


def _check_agency_leaders(data: dict[str, SheetData], sheet: SheetData, units: dict[str, str], heads: dict[str, list[Row]], problems: list[Problem]) -> None:
    """The agency's head or a deputy (by name, or by a post naming the head's post, e.g. «Phó Chánh Văn
    phòng») placed in a unit that has its own head: a warning that says how to model them."""
    row = _agency_row(data)
    title = row.values.get("chuc_vu_nguoi_dung_dau") if row else None
    head = _agency_head(data)
    if not head and not isinstance(title, str):
        return
    # the body the package goes to, as the workbook names it (CoQuan «Sở Nội vụ nhận báo cáo»; report.recipient)
    named = row.values.get("so_noi_vu") if row else None
    hint = LEADERS_HINT.format(noi_nhan=named.strip() if isinstance(named, str) and named.strip() else "Sở Nội vụ")
    for r in sheet.rows:
        v = r.values
        code = units.get(str(v.get("ma_don_vi", "")).casefold())
        unit_heads = [h for h in heads.get(code, []) if h is not r]  # type: ignore[arg-type]  # None: no unit, no heads
        if code is None or not unit_heads or len(heads.get(code, [])) > 1:
            continue  # no other head; or several heads: that error already says how to model leaders
        is_head = bool(head) and _same_person(v.get("ho_ten", ""), head)
        is_deputy = isinstance(title, str) and title.strip() and title.casefold() in str(v.get("chuc_vu", "")).casefold()
        if (is_head or is_deputy) and not any(_same_person(h.values.get("ho_ten", ""), head) for h in unit_heads):
            who = "người đứng đầu cơ quan (sheet CoQuan)" if is_head else f"lãnh đạo cơ quan («{v.get('chuc_vu')}»)"
            problems.append(_p(WARNING, r, "ma_don_vi", f"{v.get('ho_ten', v.get('ma_so', ''))} là {who} nhưng được "
                               f"khai trong đơn vị «{code}», đơn vị đã có người đứng đầu riêng "
                               f"({unit_heads[0].values.get('ho_ten', '')}).", value=code, expected=hint))


def _agency_head(data: dict[str, SheetData]) -> str:
    row = _agency_row(data)
    name = row.values.get("nguoi_dung_dau") if row else None
    return name if isinstance(name, str) else ""


def _same_person(a: str, b: str) -> bool:
    return cells.name_key(a) == cells.name_key(b)


# -- per-person sheets ----------------------------------------------------------------------------
def _person_rows(data: dict[str, SheetData], key: str, people: dict[str, str] | None, problems: list[Problem]) -> list[Row]:
    """Complete rows of a per-person sheet whose ma_so exists (rewritten to its declared spelling)."""
    sheet = data.get(key)
    if sheet is None or people is None:
        return []
    ok = []
    repeated: list[tuple[int, str]] | None = None  # NhanSu's repeated codes, read at the first unknown code
    for row in sheet.rows:
        code = row.values.get("ma_so")
        if code is None:
            continue
        canonical = people.get(code.casefold())
        if canonical is None:
            if repeated is None:
                repeated = _repeated_codes(data.get("NhanSu"))
            problems.append(_p(ERROR, row, "ma_so", "Mã số không có trong sheet NhanSu." + _zeros_hint(code, people.values())
                               + _repeat_hint(code, repeated), value=code, expected="một mã số đã khai ở sheet «NhanSu»"))
            continue
        row.values["ma_so"] = canonical
        if _complete(row, sheet.spec):
            ok.append(row)
    return ok


def _repeated_codes(sheet: SheetData | None) -> list[tuple[int, str]]:
    """(row, code) of NhanSu's rows repeating a code of an earlier row (`_duplicates` reports them)."""
    seen: set[str] = set()
    out = []
    for row in sheet.rows if sheet is not None else ():
        code = row.values.get("ma_so")
        if isinstance(code, str):
            if code.casefold() in seen:
                out.append((row.number, code))
            seen.add(code.casefold())
    return out


def _repeat_hint(code: str, repeated: list[tuple[int, str]]) -> str:
    """A code no row of NhanSu holds while NhanSu repeats another one (row 7 typed «VP-005» for «VP-006»): the
    repeat is most likely this person's row, with the code typed wrong — say where it is."""
    def shape(text: str) -> str:  # «VP-006» and «VP-005» alike; «XX-999» (nobody's) not
        return re.sub(r"\d", "0", text.strip().casefold())

    repeated = [(n, c) for n, c in repeated if shape(c) == shape(code)]
    if not repeated:
        return ""
    rows = ", ".join(f"dòng {n} («{c}»)" for n, c in repeated[:3]) + (" …" if len(repeated) > 3 else "")
    which = "dòng đó" if len(repeated) == 1 else "một trong các dòng đó"
    return f" Sheet NhanSu có mã số bị trùng ở {rows}: nếu {which} là người có mã «{code}», sửa mã số ở dòng đó."


def _zeros_hint(code: str, declared: Iterable[str]) -> str:
    """«001» where NhanSu has «1» (a number in a cell not formatted as text loses its zeros): say so."""
    if not code[:1].isdigit():
        return ""
    close = [d for d in declared if d != code and d[:1].isdigit() and d.lstrip("0").casefold() == code.lstrip("0").casefold()]
    if not close:
        return ""
    return (f" Sheet Nhân sự có mã «{close[0]}», chỉ khác các chữ số 0 ở đầu (ô kiểu Số bỏ số 0 ở đầu): ghi mã giống hệt "
            "nhau ở mọi sheet, định dạng cột Mã số là Văn bản (Text).")


def _votes(data: dict[str, SheetData], people: dict[str, str] | None, problems: list[Problem], build: bool = True) -> dict[str, Vote]:
    repeats = _duplicates(data.get("BieuQuyet"), "ma_so", "mã số (mỗi người một dòng biểu quyết)", problems)
    votes = {}
    for row in _person_rows(data, "BieuQuyet", people, problems):
        v = row.values
        bad = row.number in repeats
        phieu = {}
        for level, key in LEVEL_KEYS:
            n = v.get(key, 0)
            if n < 0:
                problems.append(_p(ERROR, row, key, "Số phiếu âm.", value=n, expected="số phiếu từ 0 trở lên"))
                bad = True
            phieu[level] = n
        present = v["so_nguoi_du_hop"]
        total = sum(n for n in phieu.values() if n > 0)
        if present <= 0:
            problems.append(_p(ERROR, row, "so_nguoi_du_hop", "Số người dự họp phải lớn hơn 0.", value=present,
                               expected="số nguyên dương"))
            bad = True
        elif total > present:
            cols = ", ".join(row.refs[k].column for _, k in LEVEL_KEYS if k in row.refs)
            problems.append(_p(ERROR, row, "so_nguoi_du_hop",
                               f"Tổng số phiếu HTXS + HTT + HT + KHT (cột {cols}) là {total}, lớn hơn số người dự họp ({present}).",
                               value=present, expected=f"số người dự họp từ {total} trở lên, hoặc sửa số phiếu"))
            bad = True
        if not bad and build:
            votes[v["ma_so"]] = Vote(v["ma_so"], present, MappingProxyType(phieu), refs=_frozen(row.refs))
    return votes


def _attendance(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """Attendance that cannot be true: more people at a unit's meeting (BieuQuyet.so_nguoi_du_hop)
    than its members (DonVi.so_thanh_vien, else its people in NhanSu); more ballots returned than
    issued, or issued than members (DonVi.so_phieu_*)."""
    units = data.get("DonVi")
    if units is None:
        return
    headcount: Counter[str] = Counter()
    unit_of: dict[str, str] = {}
    gone: dict[str, list[str]] = {}  # unit -> «Name (mã số)» of its people marked «Đã nghỉ, chuyển đi»
    # units headed concurrently by a leader of another unit (NhanSu `don_vi_kiem_nhiem`, as _check_concurrent_heads
    # kept it): he sits with the unit's people, chairs and votes; the minutes count him a member by default
    # (unit_context.unit_document_context), so the meeting's «Số người dự họp» may count him too (helper sig2: a
    # Khoa Nội of 10 headed by the Phó Giám đốc, 11 present, was refused)
    concurrent: set[str] = set()
    if "NhanSu" in data:
        for row in data["NhanSu"].rows:
            code, ma_so = row.values.get("ma_don_vi"), row.values.get("ma_so")
            kiem = row.values.get(KIEM_NHIEM)
            if isinstance(kiem, str) and kiem:
                headcount[kiem.casefold()] += 1
                concurrent.add(kiem.casefold())
            if code is not None:
                headcount[code.casefold()] += 1
                if ma_so is not None:
                    unit_of[ma_so.casefold()] = code.casefold()
                if row.values.get("da_nghi") is True:
                    gone.setdefault(code.casefold(), []).append(f"{row.values.get('ho_ten') or ''} ({ma_so or ''})".strip())
    declared: dict[str, Row] = {}
    # a person whose unit code is wrong is reported once, not again as a meeting too large
    # (and the count of a staff list with faults of its own is no reference: say nothing then)
    unsure = (any(c not in {(r.values.get("ma_don_vi") or "").casefold() for r in units.rows} for c in headcount)
              or ("NhanSu" in data and any(p.is_error and p.sheet == data["NhanSu"].name for p in problems)))
    for row in units.rows:
        v = row.values
        code = v.get("ma_don_vi")
        if code is None:
            continue
        declared[code.casefold()] = row
        members = v.get("so_thanh_vien")
        issued, returned = v.get("so_phieu_phat_ra"), v.get("so_phieu_thu_ve")
        if members is not None and members <= 0:
            problems.append(_p(ERROR, row, "so_thanh_vien", "Số thành viên phải lớn hơn 0.", value=members,
                               expected="số nguyên dương, hoặc để trống"))
        left = gone.get(code.casefold(), [])
        # the unit's own people (a kiêm nhiệm head is a member by default, not necessarily in a declared count)
        own = headcount[code.casefold()] - (code.casefold() in concurrent)
        if members is not None and members < own - len(left):
            problems.append(_p(WARNING, row, "so_thanh_vien",
                               f"Số thành viên ({members}) ít hơn số người của đơn vị trong sheet NhanSu "
                               f"({own}"
                               + (f", trong đó {len(left)} người đã nghỉ, chuyển đi" if left else "") + ").",
                               value=members))
        if members is None and left and not unsure:
            # the minutes print «tổng số N người» from the staff list, those who left in the year included (audit
            # hard: a retiree of 01/10 counted a member of the December meeting)
            problems.append(_p(WARNING, row, "so_thanh_vien",
                               f"Đơn vị «{code}» chưa khai «Số thành viên»: biên bản họp in tổng số "
                               f"{headcount[code.casefold()]} người theo sheet NhanSu"
                               + (" (và người kiêm nhiệm người đứng đầu đơn vị)" if code.casefold() in concurrent else "")
                               + f", kể cả {len(left)} người đã nghỉ, "
                               f"chuyển đi (cột «Đã nghỉ, chuyển đi»): {'; '.join(left)}. Nếu khi họp những người này "
                               f"không còn là thành viên của đơn vị, ghi «Số thành viên» là "
                               f"{headcount[code.casefold()] - len(left)} và không ghi họ ở cột «Vắng mặt».",
                               expected=f"{headcount[code.casefold()] - len(left)}, hoặc để trống nếu họ vẫn dự họp"))
        if issued is not None and members is not None and issued > members:
            problems.append(_p(ERROR, row, "so_phieu_phat_ra",
                               f"Số phiếu phát ra ({issued}) lớn hơn số thành viên ({members}, ô "
                               f"{row.refs['so_thanh_vien'].column}{row.number}).", value=issued,
                               expected=f"từ 0 đến {members}"))
        if issued is not None and returned is not None and returned > issued:
            problems.append(_p(ERROR, row, "so_phieu_thu_ve",
                               f"Số phiếu thu về ({returned}) lớn hơn số phiếu phát ra ({issued}, ô "
                               f"{row.refs['so_phieu_phat_ra'].column}{row.number}).", value=returned,
                               expected=f"từ 0 đến {issued}"))

    def limit_of(ma_so: str | None) -> tuple[int, str] | None:
        """The members of `ma_so`'s unit who could be at its meeting, and where that number comes from."""
        if ma_so is None or ma_so.casefold() not in unit_of:
            return None
        code = unit_of[ma_so.casefold()]
        unit_row = declared.get(code)
        if unit_row is None:
            return None
        members = unit_row.values.get("so_thanh_vien")
        if members is not None:
            ref = unit_row.refs["so_thanh_vien"]
            return members, f"số thành viên của đơn vị ở sheet «{ref.sheet}», ô {ref.column}{unit_row.number}"
        if unsure:
            return None
        if code in concurrent:
            return headcount[code], ("số người của đơn vị trong sheet «NhanSu» và người kiêm nhiệm người đứng đầu đơn vị "
                                     "(chưa khai «Số thành viên» ở sheet DonVi)")
        return headcount[code], "số người của đơn vị trong sheet «NhanSu» (chưa khai «Số thành viên» ở sheet DonVi)"

    votes = data.get("BieuQuyet")
    for row in votes.rows if votes is not None else []:
        present = row.values.get("so_nguoi_du_hop")
        known = limit_of(row.values.get("ma_so"))
        if present is None or known is None:
            continue
        limit, source = known
        if present > limit:
            problems.append(_p(ERROR, row, "so_nguoi_du_hop",
                               f"Số người dự họp ({present}) lớn hơn {source} ({limit}).", value=present,
                               expected=f"từ 1 đến {limit}, hoặc sửa «Số thành viên» của đơn vị"))
    _absentees_counted(units, votes, unit_of, headcount, unsure, problems)
    # a secret ballot on a title with more ballots than the unit's meeting has members: lawful when a wider
    # meeting voted (the whole agency on its head), but then the unit's ballot-count minutes cannot print it
    # as their own valid ballots (they leave that line to be written by hand)
    titles = data.get("ThiDua")
    agency = data["CoQuan"].rows[0] if "CoQuan" in data and data["CoQuan"].rows else None
    # the whole agency in the agency's own word: «toàn đơn vị» for a đơn vị sự nghiệp công lập (its papers' word)
    whole = "toàn đơn vị sự nghiệp" if agency is not None and _public_service_agency(data, agency) else "toàn cơ quan"
    for row in titles.rows if titles is not None else []:
        total = row.values.get("tong_so_phieu")
        known = limit_of(row.values.get("ma_so"))
        if total is None or known is None or total <= known[0]:
            continue
        limit, source = known
        problems.append(_p(WARNING, row, "tong_so_phieu",
                           f"Tổng số phiếu ({total}) lớn hơn {source} ({limit}): biên bản kiểm phiếu của đơn vị "
                           f"không ghi {total} là số phiếu hợp lệ của cuộc họp đơn vị. Nếu cuộc bỏ phiếu là của "
                           f"hội nghị rộng hơn ({whole} bỏ phiếu cho người đứng đầu), giữ nguyên; nếu không, "
                           f"sửa số phiếu.", value=total, expected=f"từ 0 đến {limit} (phiếu của cuộc họp đơn vị)"))


def _absentees_counted(units: SheetData, votes: SheetData | None, unit_of: dict[str, str], headcount: Counter[str],
                       unsure: bool, problems: list[Problem]) -> None:
    """A unit whose «Vắng mặt» names more people than its members less those at its meeting: the minutes
    print «có mặt: 4 người; vắng mặt: 0 người (vắng: Mai Văn Quý (đã nghỉ hưu))» (audit rev2: a member
    retired in the year listed as absent while «Số thành viên» already left him out). The meeting's size is
    the largest «Số người dự họp» of its people (what the minutes print)."""
    present: dict[str, int] = {}
    for row in votes.rows if votes is not None else []:
        ma_so, n = row.values.get("ma_so"), row.values.get("so_nguoi_du_hop")
        if ma_so is not None and n is not None and ma_so.casefold() in unit_of:
            of = unit_of[ma_so.casefold()]
            present[of] = max(present.get(of, 0), n)
    for row in units.rows:
        v = row.values
        code, listed = v.get("ma_don_vi"), v.get("vang_mat") or ""
        names = [a for a in listed.replace("\n", ";").split(";") if a.strip()]
        if code is None or not names or code.casefold() not in present:
            continue
        members = v.get("so_thanh_vien")
        if members is None and unsure:
            continue
        total = members if members is not None else headcount[code.casefold()]
        away = total - present[code.casefold()]
        if len(names) > away >= 0:
            problems.append(_p(WARNING, row, "vang_mat",
                               f"Cột «Vắng mặt» ghi {len(names)} người nhưng số thành viên ({total}) trừ số người dự họp "
                               f"({present[code.casefold()]}, sheet BieuQuyet) còn {away} người vắng: biên bản họp sẽ in "
                               f"«vắng mặt: {away} người» cùng tên người vắng. Tính cả người vắng vào «Số thành viên», hoặc "
                               f"bỏ tên người không phải thành viên được triệu tập.", value=listed))


def _review_chairs_named(data: dict[str, SheetData]) -> list[Problem]:
    """DonVi `chu_tri_khi_kiem_diem_truong` or `cap_pho_phu_trach` naming nobody of its unit
    (`chairs.unknown_chairs`)."""
    units, people = data.get("DonVi"), data.get("NhanSu")
    if units is None or people is None:
        return []
    staff = [(str(r.values["ma_so"]), str(r.values.get("ho_ten") or ""), str(r.values.get("ma_don_vi") or ""))
             for r in people.rows if r.values.get("ma_so")]
    out: list[Problem] = []
    for key in (chairs.KEY, chairs.DEPUTY_KEY):
        rows = [(r.refs, str(r.values["ma_don_vi"]), str(r.values.get(key) or "")) for r in units.rows
                if r.values.get("ma_don_vi") and r.values.get(key)]
        out.extend(chairs.unknown_chairs(rows, staff, key))
    return out


def _disciplines(data: dict[str, SheetData], people: dict[str, str] | None, members: set[str], year: int | None, problems: list[Problem]) -> list[Discipline]:
    out = []
    for row in _person_rows(data, "KyLuat", people, problems):
        v = row.values
        eff = v["ngay_hieu_luc"]
        ok = True
        if year and not year - DISCIPLINE_YEARS[0] <= eff.year <= year + DISCIPLINE_YEARS[1]:
            problems.append(_p(ERROR, row, "ngay_hieu_luc", f"Ngày hiệu lực cách quá xa năm đánh giá {year}, không hợp lý.",
                               value=eff, expected=f"một ngày trong các năm {year - DISCIPLINE_YEARS[0]}–{year + DISCIPLINE_YEARS[1]}"))
            ok = False
        if v.get("da_tinh_nam") and year and v["da_tinh_nam"] > year:
            problems.append(_p(ERROR, row, "da_tinh_nam", f"Năm đã tính lớn hơn năm đánh giá {year}.", value=v["da_tinh_nam"],
                               expected=f"một năm từ {year} trở về trước"))
            ok = False
        if v["loai_ky_luat"] == "dang" and v["ma_so"] not in members:
            problems.append(_p(WARNING, row, "loai_ky_luat", "Kỷ luật đảng của người không phải đảng viên (sheet NhanSu).",
                               value=schema.LOAI_KY_LUAT["dang"], expected="«Kỷ luật hành chính», hoặc ghi Có ở cột «Đảng viên» của người này"))
        if ok and v["loai_ky_luat"] == "dang" and "lien_quan_cong_vu" not in v and year and year >= DUTY_FROM \
                and eff.year == year:
            # from 2026 (ND 335 cl. 4 c, ND 233 as reported) only a violation related to public duty counts; the
            # column's default «Có» decides a KHT here, and a party decision need not concern the duty at all
            label = schema.KY_LUAT.column("lien_quan_cong_vu").label
            problems.append(_p(WARNING, row, "lien_quan_cong_vu",
                               f"Kỷ luật đảng của người có mã số {v['ma_so']} có "
                               f"hiệu lực trong năm {year}, cột «{label}» để trống: chương trình coi là Có (vi phạm liên "
                               "quan đến hoạt động công vụ, hoạt động nghề nghiệp), là căn cứ xếp loại Không hoàn thành nhiệm vụ. "
                               "Nếu quyết định kỷ luật đảng không liên quan đến hoạt động công vụ, hoạt động nghề nghiệp, "
                               "ghi Không.", sheet="KyLuat", expected="Có hoặc Không, theo nội dung quyết định kỷ luật"))
        if ok:
            out.append(Discipline(v["ma_so"], v["loai_ky_luat"], eff, v.get("hinh_thuc", ""), v.get("so_quyet_dinh", ""),
                                  v.get("ma_hanh_vi", ""), v.get("da_tinh_nam"), v.get("lien_quan_cong_vu", True),
                                  refs=_frozen(row.refs)))
    return out


def _emulation(data: dict[str, SheetData], people: dict[str, str] | None, problems: list[Problem]) -> list[EmulationProposal]:
    out = []
    seen: dict[tuple[str, str], int] = {}
    for row in _person_rows(data, "ThiDua", people, problems):
        v = row.values
        yes, total = v.get("phieu_dong_y"), v.get("tong_so_phieu")
        bad = False
        for key, n in (("phieu_dong_y", yes), ("tong_so_phieu", total)):
            if n is not None and n < 0:
                problems.append(_p(ERROR, row, key, "Số phiếu âm.", value=n, expected="số phiếu từ 0 trở lên"))
                bad = True
        if not bad and yes is not None and total is not None and yes > total:
            problems.append(_p(ERROR, row, "phieu_dong_y", f"Số phiếu đồng ý lớn hơn tổng số phiếu ({total}).", value=yes,
                               expected=f"từ 0 đến {total}"))
            bad = True
        ident = (v["ma_so"], v["danh_hieu"])
        if ident in seen:
            problems.append(_p(ERROR, row, "danh_hieu", f"Trùng đề nghị danh hiệu cho cùng người (đã có ở dòng {seen[ident]}).",
                               value=schema.DANH_HIEU.get(v["danh_hieu"], v["danh_hieu"]),
                               expected="mỗi người một dòng cho mỗi danh hiệu"))
            bad = True
        seen.setdefault(ident, row.number)
        if not bad:
            out.append(EmulationProposal(v["ma_so"], v["danh_hieu"], v.get("hinh_thuc_khen_thuong", ""),
                                         v.get("sang_kien", ""), yes, total, refs=_frozen(row.refs)))
    return out


def _criteria(data: dict[str, SheetData], problems: list[Problem]) -> list[Criterion]:
    sheet = data.get("TieuChi")
    if sheet is None:
        return []
    repeats = _duplicates(sheet, "ma_tieu_chi", "mã tiêu chí", problems)
    out = []
    for row in sheet.rows:
        v = row.values
        if "diem_toi_da" in v and v["diem_toi_da"] <= 0:
            problems.append(_p(ERROR, row, "diem_toi_da", "Điểm tối đa phải lớn hơn 0.", value=v["diem_toi_da"],
                               expected="một số dương"))
            continue
        if _complete(row, schema.TIEU_CHI) and row.number not in repeats:
            out.append(Criterion(v["ma_tieu_chi"], v["noi_dung"], v["diem_toi_da"], v.get("nhom", "")))
    return out


def _scores(data: dict[str, SheetData], people: dict[str, str] | None, criteria: list[Criterion], default: tuple[Criterion, ...], problems: list[Problem]) -> list[Score]:
    own = data.get("TieuChi") is not None and bool(data["TieuChi"].rows)
    declared = (_declared(data.get("TieuChi"), "ma_tieu_chi") if own
                else {c.ma_tieu_chi.casefold(): c.ma_tieu_chi for c in default})
    maxima = {c.ma_tieu_chi: c.diem_toi_da for c in (criteria if own else default)}
    out = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in _person_rows(data, "ChamDiem", people, problems):
        v = row.values
        crit = declared.get(v["ma_tieu_chi"].casefold()) if declared else v["ma_tieu_chi"]
        if crit is None:
            where = "sheet «TieuChi»" if own else "danh sách tiêu chí mặc định của bộ quy tắc"
            problems.append(_p(ERROR, row, "ma_tieu_chi", f"Mã tiêu chí không có trong {where}.", value=v["ma_tieu_chi"],
                               expected="một trong: " + ", ".join((declared or {}).values())))
            continue
        v["ma_tieu_chi"] = crit
        key = (v["ma_so"], crit)
        bad = False
        if key in seen:
            problems.append(_p(ERROR, row, "ma_tieu_chi", f"Trùng điểm cho cùng người và tiêu chí (đã có ở dòng {seen[key]}).",
                               value=crit, expected="mỗi người một dòng cho mỗi tiêu chí"))
            bad = True
        seen.setdefault(key, row.number)
        top = maxima.get(crit)
        for k in ("diem_tu_cham", "diem_danh_gia"):
            pts = v.get(k)
            if pts is not None and (pts < 0 or (top is not None and pts > top)):
                problems.append(_p(ERROR, row, k, f"Điểm ngoài khung của tiêu chí {crit}.", value=pts,
                                   expected=f"từ 0 đến {top:g}" if top is not None else "từ 0 trở lên"))
                bad = True
        if not bad:
            out.append(Score(v["ma_so"], crit, v.get("diem_tu_cham"), v.get("diem_danh_gia"), refs=_frozen(row.refs)))
    return out


def _cap_overrides(data: dict[str, SheetData], problems: list[Problem]) -> list[CapOverride]:
    """Sheet NgoaiLeTyLe: approved exceptions to the HTXS cap, one row per comparable group."""
    sheet = data.get("NgoaiLeTyLe")
    if sheet is None:
        return []
    repeats = _duplicates(sheet, "nhom_tuong_dong", "nhóm tương đồng", problems)
    out = []
    for row in sheet.rows:
        v = row.values
        if "so_htxs_toi_da" in v and v["so_htxs_toi_da"] < 0:
            problems.append(_p(ERROR, row, "so_htxs_toi_da", "Số HTXS tối đa không được âm.", value=v["so_htxs_toi_da"],
                               expected="số nguyên từ 0 trở lên"))
            continue
        if not _complete(row, schema.NGOAI_LE_TY_LE) or row.number in repeats:
            continue
        out.append(CapOverride(v["nhom_tuong_dong"], v["so_htxs_toi_da"], v["so_van_ban"], v["ngay_van_ban"],
                               v.get("co_quan_ban_hanh", ""), v.get("ghi_chu", ""), refs=_frozen(row.refs)))
    return out


# a comparable group written as a code, «<unit code>/<part>» (`rating.groups.clerk_group_name`): its part is
# lower-case ASCII, its unit code has no lower-case letter (a lower-case prefix is the clerk's own scheme, not a unit)
_GROUP_CODE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_-]*)/([a-z0-9_]+)")


def _group_codes_of_no_unit(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """A warning on each comparable group written as a code («TH/chuyen_vien», NhanSu and NgoaiLeTyLe «Nhóm tương
    đồng») whose unit code is not one of DonVi: a unit code corrected in DonVi and NhanSu but not in the groups
    written with it. The group is still one group, but it keeps the old code, printed without its unit's name
    («TH/chuyên viên»), and its name changes on every paper once the clerk corrects it. The staff-category keys
    (`cong_chuc/khong_giu_chuc_vu`) and groups named in words are not codes; the warning names the cells and, when
    the group's people are all of one unit of DonVi, the code with that unit."""
    from pipeline.rating.groups import KIND_WORDS, display_name, is_default_key

    unit_sheet = data.get("DonVi")
    declared = _declared(unit_sheet, "ma_don_vi")
    if not declared or unit_sheet is None:
        return
    units = {str(r.values["ma_don_vi"]): str(r.values.get("ten_don_vi") or "") for r in unit_sheet.rows
             if r.values.get("ma_don_vi")}
    suggested: dict[str, str] = {}  # a NhanSu group -> the code with its people's unit: NgoaiLeTyLe's too
    for key in ("NhanSu", "NgoaiLeTyLe"):
        sheet = data.get(key)
        if sheet is None:
            continue
        found: dict[str, list[Row]] = {}
        for row in sheet.rows:
            written = row.values.get("nhom_tuong_dong")
            m = _GROUP_CODE.fullmatch(written.strip()) if isinstance(written, str) else None
            if m is None or is_default_key(m[0]) or m[1] in units or m[1] in KIND_WORDS:
                continue
            if any(c.islower() for c in m[1]) and m[1].casefold() not in declared:
                continue
            found.setdefault(m[0], []).append(row)
        for written, rows in found.items():
            head, tail = written.split("/", 1)
            own = {r.values.get("ma_don_vi") for r in rows} if key == "NhanSu" else set()
            whose = "của người này" if len(rows) == 1 else "của những người này"
            if len(own) == 1 and (unit := next(iter(own))) in units:
                suggested[written] = f"«{unit}/{tail}» (mã đơn vị {whose} trong sheet NhanSu)"
            elif head.casefold() in declared:
                suggested[written] = f"«{declared[head.casefold()]}/{tail}» (mã đơn vị viết như ở sheet DonVi)"
            ref = rows[0].refs.get("nhom_tuong_dong")
            many = (f" ở {len(rows)} dòng ({_cell_runs(ref.column, [r.refs['nhom_tuong_dong'].row for r in rows])})"
                    if ref and len(rows) > 1 else "")
            expected = suggested.get(written) or (f"mã đơn vị có trong sheet DonVi trước dấu «/» (ví dụ "
                                                  f"«{next(iter(units))}/{tail}»)")
            problems.append(_p(WARNING, rows[0], "nhom_tuong_dong",
                               f"Nhóm tương đồng «{written}»{many} ghi theo mã đơn vị «{head}», nhưng sheet DonVi không "
                               f"có đơn vị mã «{head}» (mã đơn vị đã sửa mà nhóm chưa sửa?); các văn bản in tên nhóm "
                               f"là «{display_name(written, units)}».", value=written, sheet=key,
                               expected=f"{expected}, hoặc tên nhóm viết bằng chữ (sửa mọi ô ghi nhóm này)"))


def _group_codes_of_another_unit(data: dict[str, SheetData], problems: list[Problem]) -> None:
    """A warning on each NhanSu «Nhóm tương đồng» written as a code («TH/chuyen_vien») whose unit code is another
    unit of DonVi than the person's own (`ma_don_vi`): the person is then compared, for the 20 % HTXS cap, with
    that unit's people — what a find-and-replace of unit codes over part of a sheet (or a person moved to another
    unit, the group left as it was) does. A group of people of several units is written in words (the sample's
    groups are each within its unit: no sample or test workbook writes another unit's code on purpose). One warning
    per group and person's unit, at the first cell, naming every cell; what is expected: the code with the person's
    unit, or a group name in words."""
    from pipeline.rating.groups import display_name, is_default_key

    unit_sheet, sheet = data.get("DonVi"), data.get("NhanSu")
    if unit_sheet is None or sheet is None:
        return
    units = {str(r.values["ma_don_vi"]): str(r.values.get("ten_don_vi") or "") for r in unit_sheet.rows
             if r.values.get("ma_don_vi")}
    found: dict[tuple[str, str], list[Row]] = {}
    for row in sheet.rows:
        written, own = row.values.get("nhom_tuong_dong"), row.values.get("ma_don_vi")
        m = _GROUP_CODE.fullmatch(written.strip()) if isinstance(written, str) else None
        if m is None or is_default_key(m[0]) or m[1] not in units or not isinstance(own, str) or own not in units:
            continue
        if m[1] != own:
            found.setdefault((m[0], own), []).append(row)
    for (written, own), rows in found.items():
        head, tail = written.split("/", 1)
        ref = rows[0].refs.get("nhom_tuong_dong")
        many = (f" ở {len(rows)} dòng ({_cell_runs(ref.column, [r.refs['nhom_tuong_dong'].row for r in rows])})"
                if ref and len(rows) > 1 else "")
        unit_ref = rows[0].refs.get("ma_don_vi")
        where = ""
        if unit_ref is not None:
            where = (f"; ô {unit_ref.column}{unit_ref.row}" if len(rows) == 1 else f"; cột {unit_ref.column}") + \
                (f" «{unit_ref.header}»" if unit_ref.header else "")
        who, whose = ("người này", "của người này") if len(rows) == 1 else ("những người này", "của những người này")
        named = units[head] or head
        problems.append(_p(WARNING, rows[0], "nhom_tuong_dong",
                           f"Nhóm tương đồng «{written}»{many} ghi theo mã đơn vị «{head}» ({named}), nhưng {who} "
                           f"thuộc đơn vị «{own}» ({units[own] or own}{where}): {who} sẽ được tính tỷ lệ Hoàn thành "
                           f"xuất sắc nhiệm vụ chung với người của {named}, nhóm in là "
                           f"«{display_name(written, units)}» (sửa mã đơn vị hàng loạt, hoặc chuyển đơn vị, mà nhóm "
                           "chưa sửa theo?).",
                           value=written,
                           expected=f"«{own}/{tail}» (mã đơn vị {whose} trong sheet NhanSu), hoặc tên nhóm viết bằng "
                                    "chữ nếu nhóm cố ý gồm người của nhiều đơn vị"))


# -- KetQuaKy, SanPham (from 2026) ----------------------------------------------------------------
PCT_KEYS = ("ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do")
LEADER_KEYS = ("ty_le_ket_qua_don_vi", "ty_le_to_chuc_thuc_hien", "ty_le_doan_ket")


def _leaders(data: dict[str, SheetData]) -> dict[str, bool]:
    """ma_so -> leader (lanh_dao_quan_ly, default: head or deputy) for every NhanSu row whose code parsed."""
    sheet = data.get("NhanSu")
    out: dict[str, bool] = {}
    for row in sheet.rows if sheet is not None else ():
        v = row.values
        if "ma_so" in v:
            out[v["ma_so"]] = v.get("lanh_dao_quan_ly", v.get("vai_tro") in ("truong", "pho"))
    return out


def _cells(row: Row, keys: Iterable[str]) -> str:
    """«ô D8, E8» for KetQuaKy columns `keys` of `row`; a column the sheet lacks (no header, or a header lost in merged
    cells) by its label, not by its key: «ô D8; cột «Tiến độ (%)» chưa có ở dòng tiêu đề của sheet»."""
    keys = list(keys)
    found = [f"{row.refs[k].column}{row.number}" for k in keys if k in row.refs]
    absent = [f"«{schema.SHEETS_BY_KEY['KetQuaKy'].column(k).label}»" for k in keys if k not in row.refs]
    parts = [f"ô {', '.join(found)}"] if found else []
    if absent:
        parts.append(f"{'cột' if len(absent) == 1 else 'các cột'} {', '.join(absent)} chưa có ở dòng tiêu đề của sheet")
    return "; ".join(parts)


def _periods(data: dict[str, SheetData], people: dict[str, str] | None, leaders: dict[str, bool], year: int | None, rulebook: Rulebook | None, problems: list[Problem]) -> tuple[list[PeriodResult], list[Product]]:
    """Sheets KetQuaKy and SanPham: every problem names its cell."""
    formula = getattr(rulebook, "periods", None)
    general_max = formula.general_max if formula is not None else 30
    products: list[Product] = []
    product_keys: set[tuple[str, str]] = set()
    product_rows: list[Row] = []
    if _periods_all_of_another_year(data, year, problems):
        year_said: list[Problem] = []  # one error on the year's cell said it all: the rows' own are not added
    else:
        year_said = problems
    for row in _person_rows(data, "SanPham", people, problems):
        v = row.values
        bad = not _period_year(row, year, year_said)
        w = v.get("he_so_quy_doi", 1)
        if w <= 0:
            problems.append(_p(ERROR, row, "he_so_quy_doi", "Hệ số quy đổi phải lớn hơn 0.", value=w, expected="một số dương"))
            bad = True
        for key in ("so_lan_khong_dat", "so_lan_cham"):
            if v.get(key, 0) < 0:
                problems.append(_p(ERROR, row, key, "Số lần không được âm.", value=v[key], expected="số nguyên từ 0 trở lên"))
                bad = True
        product_keys.add((v["ma_so"], v["ky"]))
        if not bad:
            product_rows.append(row)
            products.append(Product(v["ma_so"], v["ky"], v["ten_san_pham"], v["hoan_thanh"], w,
                                    v.get("so_lan_khong_dat", 0), v.get("so_lan_cham", 0), v.get("mien_tru", False),
                                    row=row.number, refs=_frozen(row.refs)))
    out: list[PeriodResult] = []
    seen: dict[tuple[str, str], int] = {}
    seen_ky: dict[tuple[str, str], str] = {}  # the period as read at that row (a date cell's: cells.DatePeriod)
    kind: dict[str, tuple[bool, int]] = {}  # ma_so -> (quarters, first row)
    agency = _agency_row(data)
    own_name = " ".join(str(agency.values.get("ten_co_quan") or "").split()).casefold() if agency else ""
    rated_by: dict[str, list[tuple[str, str, Row]]] = defaultdict(list)  # ma_so -> (ky, agency that rated it, row)
    # cells whose value the reader refused («tám mươi» for a rate): said once there, not also «thiếu tỷ lệ»
    results_sheet = data["KetQuaKy"].name if "KetQuaKy" in data else ""
    refused = {(p.row, p.column) for p in problems if p.is_error and p.sheet == results_sheet and p.column}
    for row in _person_rows(data, "KetQuaKy", people, problems):
        v = row.values
        code, ky = v["ma_so"], v["ky"]
        source = " ".join(str(v.get("don_vi_danh_gia") or "").split())
        if source and own_name and source.casefold() == own_name:
            problems.append(_p(WARNING, row, "don_vi_danh_gia", "Cơ quan, đơn vị đánh giá kỳ là chính cơ quan này: "
                               "chương trình coi kỳ này do cơ quan này theo dõi, đánh giá.", value=source,
                               expected="để trống; chỉ ghi tên cơ quan, đơn vị cũ khi kỳ do nơi đó đánh giá và gửi kết quả"))
            source = ""
        rated_by[code].append((ky, source, row))
        bad = not _period_year(row, year, year_said)
        ident = (code, ky)
        if ident in seen:
            problems.append(_duplicate_period(row, ky, seen[ident], seen_ky[ident]))
            bad = True
        seen.setdefault(ident, row.number)
        seen_ky.setdefault(ident, ky)
        quarters = "-Q" in ky
        first = kind.setdefault(code, (quarters, row.number))
        if first[0] != quarters:
            was = "quý" if first[0] else "tháng"
            problems.append(_p(ERROR, row, "ky", f"Người này đã có kết quả theo {was} (dòng {first[1]}); mỗi người chỉ theo "
                               "tháng hoặc chỉ theo quý.", value=ky,
                               expected=f"một {was} dạng " + (f"{year or 2026}-Q1" if first[0] else f"{year or 2026}-01")))
            bad = True
        general = v["diem_tieu_chi_chung"]
        if not 0 <= general <= general_max:
            problems.append(_p(ERROR, row, "diem_tieu_chi_chung", "Điểm tiêu chí chung ngoài khung.", value=general,
                               expected=f"từ 0 đến {general_max:g}"))
            bad = True
        for key in PCT_KEYS + LEADER_KEYS:
            x = v.get(key)
            if x is not None and not 0 <= x <= 100:
                problems.append(_p(ERROR, row, key, "Tỷ lệ phần trăm ngoài khung.", value=x, expected="từ 0 đến 100"))
                bad = True
        rates = [k for k in PCT_KEYS + LEADER_KEYS if v.get(k) is not None]
        tiny = [k for k in rates if 0 < v[k] < 1]
        if not tiny and rates and all(v[k] <= 1 for k in rates):  # a row of 1 and 0: 100 % and 0 % as fractions
            tiny = [k for k in rates if v[k] == 1]
        if tiny and ident not in product_keys:  # 0.95 pasted for 95 %: it is read as 0.95 %
            first = v[tiny[0]]
            # the columns, not the cells: the same on the next rows is one line («dòng 2–13 (12 dòng)», problems.where)
            said = "Tỷ lệ" if len(tiny) == 1 else "Các tỷ lệ ở cột " + ", ".join(
                row.refs[k].column if k in row.refs else k for k in tiny)
            problems.append(_p(WARNING, row, tiny[0], f"{said} không quá 1%, như ghi dạng phân số "
                               f"({cells.show(first)} nghĩa là {cells.show(round(first * 100, 6))}%); chương trình hiểu đúng "
                               f"như đã ghi: {cells.show(first)}%.", value=first,
                               expected="số phần trăm từ 0 đến 100, ví dụ 95 (hoặc gõ 95% trong Excel)"))
        if ident not in product_keys:
            missing = [k for k in PCT_KEYS if v.get(k) is None]
            if missing and all(k in row.refs and (row.number, row.refs[k].column) in refused for k in missing):
                bad = True  # each missing rate is a value refused on its cell, said there
            elif missing := [k for k in missing if k not in row.refs or (row.number, row.refs[k].column) not in refused]:
                problems.append(_p(ERROR, row, missing[0], f"Thiếu tỷ lệ số lượng, chất lượng, tiến độ ({_cells(row, missing)}) "
                                   "và không có sản phẩm của người này trong kỳ này ở sheet «SanPham».",
                                   expected="ghi đủ ba tỷ lệ (0–100), hoặc khai các sản phẩm, công việc của kỳ ở sheet «SanPham»"))
                bad = True
        else:
            given = [k for k in PCT_KEYS if v.get(k) is not None]
            if given:
                problems.append(_p(WARNING, row, given[0], f"Kỳ {ky} có sản phẩm ở sheet «SanPham»: tỷ lệ ở {_cells(row, given)} "
                                   "không được dùng, chương trình tính lại từ các sản phẩm.",
                                   expected="để trống các ô này, hoặc xóa các dòng sản phẩm của kỳ"))
        leader = leaders.get(code, False)
        if leader:
            missing = [k for k in LEADER_KEYS if v.get(k) is None]
            if missing:
                problems.append(_p(ERROR, row, missing[0], f"Người lãnh đạo, quản lý cần đủ tỷ lệ d), đ), e) ({_cells(row, missing)}).",
                                   expected="tỷ lệ từ 0 đến 100 ở mỗi ô"))
                bad = True
            d = v.get("ty_le_ket_qua_don_vi")
            if d is not None and d not in (100, 50):
                problems.append(_p(WARNING, row, "ty_le_ket_qua_don_vi", "Tỷ lệ kết quả đơn vị phụ trách thường là 100 "
                                   "(mọi người thuộc quyền từ Hoàn thành nhiệm vụ trở lên) hoặc 50 (có người Không hoàn thành "
                                   "nhiệm vụ).", value=d, expected="100 hoặc 50"))
        else:
            given = [k for k in LEADER_KEYS if v.get(k) is not None]
            if given:
                problems.append(_p(ERROR, row, given[0], f"Người không phải lãnh đạo, quản lý không có tỷ lệ d), đ), e) "
                                   f"({_cells(row, given)}).", value=v[given[0]],
                                   expected="để trống các ô này, hoặc ghi Có ở cột «Lãnh đạo, quản lý» của sheet «NhanSu»"))
                bad = True
        if not bad:
            out.append(PeriodResult(code, ky, general, *(v.get(k) for k in PCT_KEYS + LEADER_KEYS),  # type: ignore[misc, arg-type]  # the rates in field order
                                    row=row.number, refs=_frozen(row.refs), don_vi_danh_gia=source))
    staff = data.get("NhanSu")
    kinds = {r.values.get("ma_so"): r.values.get("loai_nhan_su") for r in (staff.rows if staff else ())}
    for code, rows in rated_by.items():
        _check_rated_elsewhere(rows, problems, kinds.get(code) == "vien_chuc" and (year or 0) >= 2026)
    for row in product_rows:
        if (row.values["ma_so"], row.values["ky"]) not in seen:
            problems.append(_p(ERROR, row, "ky", "Sản phẩm của một kỳ chưa có dòng kết quả ở sheet «KetQuaKy» (cần điểm tiêu "
                               "chí chung của kỳ).", value=row.values["ky"],
                               expected="thêm dòng cùng mã số và kỳ ở sheet «KetQuaKy»"))
    return out, products


def _check_rated_elsewhere(rows: list[tuple[str, str, Row]], problems: list[Problem], vien_chuc: bool = False) -> None:
    """KetQuaKy `don_vi_danh_gia` of one person: the periods the old agency monitored and rated come before
    the transfer, so before this agency's own; every period rated elsewhere is lawful (the new unit rates
    the year on the results the old agency sends, ND 335 Art. 21) but worth a look. Warnings only.
    `vien_chuc`: a viên chức from 2026, rated under ND 233/2026, whose rule on transfers was not found
    (regime-2026.md §2): ND 335 (công chức) is not cited as his rule."""
    basis = ("quy định của Nghị định 233/2026/NĐ-CP về viên chức chuyển công tác trong năm chưa được xác nhận"
             if vien_chuc else "Điều 21 Nghị định 335/2025/NĐ-CP")
    rows = sorted(rows, key=lambda r: r[0])
    elsewhere = [r for r in rows if r[1]]
    if not elsewhere:
        return
    if len(elsewhere) == len(rows):
        ky, source, row = elsewhere[0]
        names = ", ".join(dict.fromkeys(r[1] for r in elsewhere))
        problems.append(_p(WARNING, row, "don_vi_danh_gia", f"Mọi kỳ có kết quả của người này ({len(rows)} kỳ) do cơ quan, "
                           f"đơn vị khác theo dõi, đánh giá ({names}): cơ quan này vẫn đánh giá, xếp loại năm trên cơ sở "
                           f"kết quả cơ quan cũ gửi ({basis}), nhưng chưa có kỳ nào do cơ quan "
                           "này theo dõi; phiếu theo dõi các kỳ không có phần xác nhận của người quản lý. Kiểm tra lại "
                           "cột này và các kỳ từ khi chuyển đến.", value=source,
                           expected="để trống ở các kỳ do cơ quan này theo dõi, đánh giá"))
        return
    first_own = next(r for r in rows if not r[1])
    late = [r for r in elsewhere if r[0] > first_own[0]]
    if late:
        ky, source, row = late[0]
        problems.append(_p(WARNING, row, "don_vi_danh_gia", f"Kỳ {ky} ghi do «{source}» theo dõi, đánh giá nhưng kỳ "
                           f"{first_own[0]} trước đó (dòng {first_own[2].number}) do cơ quan này theo dõi, đánh giá: kết "
                           "quả cơ quan cũ gửi là của các kỳ trước khi chuyển đến. Kiểm tra lại kỳ và cột này (biệt "
                           "phái, chuyển đi rồi trở lại: cấp có thẩm quyền xem xét).", value=source,
                           expected="tên cơ quan, đơn vị cũ chỉ ở các kỳ trước khi chuyển đến"))


def _check_coverage(data: dict[str, SheetData], periods: list[PeriodResult], year: int | None, problems: list[Problem]) -> None:
    """A warning on each person whose periods do not cover the months worked (they get no level),
    once KetQuaKy is in use; the same rule as pipeline.rating.periods, for `hoso check`."""
    from pipeline.rating.periods import all_periods, is_quarter, missing_words, months_to_cover
    from pipeline.rating.rulebooks import RULEBOOKS, UnknownRulebook, for_person

    sheet = data.get("NhanSu")
    result_sheet = data.get("KetQuaKy")
    if not year or sheet is None or (not periods and result_sheet is not None and result_sheet.rows):
        return  # no period read from rows that are there: each row's error is said on its cell
    # no KetQuaKy row at all: the rating falls back to ChamDiem or the vote with a warning on each person
    # (rating.engine); `hoso check` said the workbook was fine. One warning here, with how many are concerned.
    no_periods: dict[str, list[str]] = defaultdict(list)  # rulebook -> people rated without their periods
    scored = {str(r.values.get("ma_so")).casefold() for r in (data["ChamDiem"].rows if "ChamDiem" in data else ())}
    agency = _agency_row(data)
    forced = agency.values.get("bo_quy_tac") if agency else None
    others = agency.values.get("bo_quy_tac_khac") if agency else None
    units = data.get("DonVi")
    unit_others = {r.values["ma_don_vi"]: r.values["bo_quy_tac_khac"] for r in (units.rows if units else ())
                   if r.values.get("ma_don_vi") and r.values.get("bo_quy_tac_khac")}

    by_person: dict[str, list[str]] = defaultdict(list)
    for pr in periods:
        by_person[pr.ma_so].append(pr.ky)
    # KetQuaKy rows that name a person and a period but were not read as a result (an error on one of their cells)
    kept = {(pr.ma_so, pr.ky) for pr in periods}
    rejected: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in (result_sheet.rows if result_sheet else ()):
        key = (r.values.get("ma_so"), r.values.get("ky"))
        if isinstance(key[0], str) and isinstance(key[1], str) and key not in kept:
            rejected[(key[0], key[1])].append(r.number)
    for row in sheet.rows:
        v = row.values
        if "ma_so" not in v or "loai_nhan_su" not in v:
            continue
        try:
            rb = RULEBOOKS[forced] if forced is not None and forced in RULEBOOKS else for_person(
                year, v["loai_nhan_su"], unit_others.get(v.get("ma_don_vi", "")) or others)
        except UnknownRulebook:  # reported on its own cell
            continue
        if rb.periods is None:
            continue
        months = v.get("so_thang_cong_tac", 12)
        if months < rb.min_months and not v.get("nghi_thai_san", False):
            continue  # not rated at all
        if not periods:
            if rb.points_based and str(v["ma_so"]).casefold() not in scored:
                no_periods[rb.id].append(v["ma_so"])
            continue
        person = Person(ma_so=v["ma_so"], ho_ten="", ngay_sinh=None,  # type: ignore[arg-type]  # a stand-in: months only
                        ma_don_vi="", vai_tro="", loai_nhan_su="",
                        lanh_dao_quan_ly=False, so_thang_cong_tac=months, so_thang_nghi=v.get("so_thang_nghi", 0))
        need = months_to_cover(person, rb.periods)
        kys = by_person.get(v["ma_so"], [])
        quarters = bool(kys) and all(is_quarter(k) for k in kys)
        covered = sum(rb.periods.quarter_months if is_quarter(k) else 1 for k in kys)
        step = rb.periods.quarter_months if quarters else 1
        # the two periods around a leave inside the year (maternity, lawful leave) hold time worked and keep their
        # results: up to two periods' surplus is no sign of a period to remove (the rating explains it, test_truong_2026)
        on_leave = v.get("nghi_thai_san", False) or (rb.periods.leave_excused and v.get("so_thang_nghi", 0) > 0)
        if covered + 1e-9 >= need + step and not (on_leave and covered < need + 2 * step - 1e-9):
            # more periods than the time worked: the rating warns and averages them all (pipeline.rating.periods,
            # year_score); `hoso check` said nothing of it, though a period of leave or before joining changes the
            # year's score. Said on the months cell, the number the periods contradict.
            unit_word = "quý" if quarters else "tháng"
            spanned = f" ({covered:g} tháng)" if quarters else ""
            actual = f"thời gian công tác thực tế {need:g} tháng" if need != months else f"thời gian công tác {months:g} tháng"
            problems.append(_p(WARNING, row, "so_thang_cong_tac" if "so_thang_cong_tac" in row.refs else "ma_so",
                               f"Người có mã số {v['ma_so']} có kết quả {len(kys)} {unit_word}{spanned} ở sheet «KetQuaKy» "
                               f"trong khi {actual}: điểm năm là trung bình mọi kỳ có kết quả. Nếu có kỳ thuộc thời "
                               "gian nghỉ hoặc trước khi về cơ quan, xóa kết quả kỳ đó ở sheet «KetQuaKy».",
                               value=months,
                               expected="số tháng công tác đúng với thực tế, hoặc chỉ giữ kết quả các kỳ có công tác"))
            continue
        if covered + 1e-9 >= need:
            continue
        missing = [k for k in all_periods(year, quarters) if k not in set(kys)]
        what = ("chưa có kết quả tháng hoặc quý nào ở sheet «KetQuaKy»" if not kys else
                f"thiếu kết quả kỳ {missing_words(missing, need, covered, step)} ở sheet «KetQuaKy»")
        # a period whose row is there but holds an error (reported on its cell) is not missing from the sheet:
        # the clerk is sent to that row, not asked to add one
        wrong = sorted({n for k in (missing if kys else all_periods(year, quarters))
                        for n in rejected.get((v["ma_so"], k), ())})
        extra = ""
        if wrong:
            one = len(wrong) == 1
            extra = (f" {'Dòng' if one else 'Các dòng'} {', '.join(str(n) for n in wrong)} của sheet «KetQuaKy» có "
                     f"kết quả {'kỳ' if one else 'các kỳ'} này nhưng có lỗi nên chưa được tính: sửa lỗi ở "
                     f"{'dòng' if one else 'các dòng'} đó.")
        actual = f"thời gian công tác thực tế {need:g} tháng" if need != months else f"thời gian công tác {months:g} tháng"
        problems.append(_p(WARNING, row, "ma_so", f"Người này {what} ({actual}): chưa được "
                           f"xếp loại cho đến khi đủ kết quả các kỳ.{extra}", value=v["ma_so"],
                           expected="mỗi tháng (hoặc quý) trong thời gian công tác một dòng ở sheet «KetQuaKy»"))
    if no_periods:
        count = sum(len(v) for v in no_periods.values())
        rulebooks = ", ".join(sorted(no_periods))
        where = "Sheet chưa có dòng nào" if result_sheet is not None else "Sổ chưa có sheet «KetQuaKy»"
        problems.append(Problem(WARNING, result_sheet.name if result_sheet is not None else "KetQuaKy",
                                f"{where} (chưa có kết quả tháng, quý nào); bộ quy tắc {rulebooks} xếp loại theo điểm "
                                f"trung bình các tháng, quý. Mức đề xuất của {count} người chỉ tạm lấy theo biểu quyết "
                                "hoặc mức tự xếp loại.", row=2 if result_sheet is not None else None,
                                expected="mỗi người một dòng cho mỗi tháng (hoặc quý) công tác: mã số, kỳ, điểm tiêu chí "
                                "chung, các tỷ lệ (hoặc nhập từ tệp xuất của phần mềm theo dõi: hoso nhap-ket-qua)"))


def _duplicate_period(row: Row, ky: str, first_row: int, first_ky: str) -> Problem:
    """A second result of one person for one period. A period read from a date cell (a US-set Excel keeps
    «1/10/2026», typed for October, as 10 January) is shown as that cell shows it, with what to type: «2026-01»
    alone named no cell the clerk could see (cells.period_cell_words)."""
    message = f"Trùng kết quả cùng người, cùng kỳ (đã có ở dòng {first_row})."
    here, there = cells.period_cell_words(ky), cells.period_cell_words(first_ky)
    if here is not None and isinstance(ky, cells.DatePeriod):
        return _p(ERROR, row, "ky", f"Trùng kết quả cùng người, cùng kỳ {ky} (đã có ở dòng {first_row}). Ô kỳ {here[0]}",
                  value=ky.date, expected=here[1])
    if there is not None:
        ref = row.refs.get("ky")
        cell = f"ô {ref.column}{first_row}" if ref is not None and ref.column else f"ô kỳ ở dòng {first_row}"
        return _p(ERROR, row, "ky", f"{message[:-1]}: {cell} {there[0]}", value=ky, expected=f"sửa {cell}: {there[1]}")
    return _p(ERROR, row, "ky", message, value=ky, expected="mỗi người một dòng cho mỗi tháng hoặc quý")


def _periods_all_of_another_year(data: dict[str, SheetData], year: int | None, problems: list[Problem]) -> bool:
    """Every period of KetQuaKy and SanPham in one other year than the evaluation year (the clerk typed next year
    into CoQuan's year, to start the new year in last year's workbook): one error on the year's cell, naming
    both years and how a new year's workbook is made, instead of one «Kỳ không thuộc năm đánh giá» per row (757
    errors for the sample, the year's cell named by none). True when said."""
    agency = _agency_row(data)
    if not year or agency is None:
        return False
    counts: dict[str, int] = {}
    years: set[str] = set()
    first = ""
    for key in ("KetQuaKy", "SanPham"):
        sheet = data.get(key)
        for row in sheet.rows if sheet is not None else ():
            ky = row.values.get("ky")
            if isinstance(ky, str) and ky[:4].isdigit():
                years.add(ky[:4])
                counts[sheet.name if sheet is not None else key] = counts.get(sheet.name if sheet is not None else key, 0) + 1
                first = first or ky
    if len(years) != 1 or (other := int(next(iter(years)))) == year:
        return False
    where = " và ".join(f"«{name}» ({n} dòng)" for name, n in counts.items())
    problems.append(_p(ERROR, agency, "nam_danh_gia",
                       f"Năm đánh giá là {year} nhưng mọi kỳ ở sheet {where} là của năm {other} (như «{first}»): các "
                       f"kết quả kỳ đó không được đọc. Nếu năm đánh giá ghi nhầm, sửa lại {other}; nếu đã sang năm "
                       f"{year}, tạo sổ năm {year} từ sổ năm {other} bằng hoso init --tu (chuyển người, đơn vị; bỏ "
                       f"kết quả các kỳ năm {other}).", value=year,
                       expected=f"{other}, hoặc sổ năm {year} mới: hoso init --tu SỔ_NĂM_{other}.xlsx THƯ_MỤC"))
    return True


def _period_year(row: Row, year: int | None, problems: list[Problem]) -> bool:
    ky = row.values["ky"]
    if year and not ky.startswith(f"{year}-"):
        problems.append(_p(ERROR, row, "ky", f"Kỳ không thuộc năm đánh giá {year}.", value=ky,
                           expected=f"một tháng {year}-01 … {year}-12 hoặc một quý {year}-Q1 … {year}-Q4"))
        return False
    return True


def _texts(data: dict[str, SheetData], people: dict[str, str] | None, problems: list[Problem], build: bool = True) -> dict[str, MappingProxyType[str, Any]]:
    repeats = _duplicates(data.get("TuDanhGia"), "ma_so", "mã số (mỗi người một dòng tự đánh giá)", problems)
    out: dict[str, MappingProxyType[str, Any]] = {}
    for row in _person_rows(data, "TuDanhGia", people, problems):
        code = row.values["ma_so"]
        if build and row.number not in repeats and code not in out:
            texts = dict(row.values)
            del texts["ma_so"]
            if not all(texts.values()):
                texts = {k: v for k, v in texts.items() if v}
            out[code] = MappingProxyType(texts)
    return out


def _one_message_per_bad_id(data: dict[str, SheetData], problems: list[Problem]) -> list[Problem]:
    """A person's code that cannot be read in NhanSu is one error there, which names the other
    cells using it: the same bad code elsewhere, or the code as it was meant ("NS 01" for "NS-01"),
    is not reported again on every sheet."""
    people = data.get("NhanSu")
    where = people.headers.get("ma_so") if people is not None else None
    if people is None or where is None:
        return problems
    bad = {cells.compact(p.value): p for p in problems
           if p.is_error and p.sheet == people.name and p.column == where[0] and p.value and p.row}
    if not bad:
        return problems
    id_columns = {sheet.name: sheet.headers["ma_so"][0] for key, sheet in data.items()
                  if key != "NhanSu" and "ma_so" in sheet.headers}
    kept, uses = [], defaultdict(list)
    for p in problems:
        origin = bad.get(cells.compact(p.value)) if p.value and id_columns.get(p.sheet) == p.column else None
        if origin is not None and p.is_error:
            uses[id(origin)].append(f"{p.sheet} ô {p.cell}")
            continue
        kept.append(p)
    out = []
    for p in kept:
        if id(p) in uses:
            p = replace(p, message=p.message + f" Mã này còn được nhắc ở: {', '.join(uses[id(p)])} "
                        "(kiểm tra lại các ô đó sau khi sửa).")
        out.append(p)
    return out


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Grouped by sheet (in the order sheets first appear), then by row and column."""
    order: dict[str, int] = {}
    for p in problems:
        order.setdefault(p.sheet, len(order))

    def key(p: Problem) -> tuple[int, int, int]:
        try:
            col = column_index(p.column) if p.column else -1
        except ValueError:
            col = -1
        return (order[p.sheet] if p.sheet else -1, p.row or 0, col)

    return sorted(problems, key=key)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (restored after, also when nested). Reading a
    big workbook allocates a million containers and no cycles; the collector, triggered again and
    again by the allocations, only rescans them (~10 % of `hoso check` / `hoso rate`)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read(path: Path, *, build: bool = True) -> tuple[Campaign | None, list[Problem]]:
    """Read and check; returns the campaign (None when errors prevent building it, or when not
    `build`: every check is made, no record is built) and all problems."""
    with gc_paused():
        return _read(path, build)


def _read(path: Path, build: bool) -> tuple[Campaign | None, list[Problem]]:
    data, problems = read_workbook(path)
    agency_row = _agency_row(data)
    year = agency_row.values.get("nam_danh_gia") if agency_row else None
    rulebook = _rulebook(data, year)
    agency = _agency(data, year, problems)
    _check_superior(data, problems)
    _check_recipient(data, problems)
    units = _units(data, problems)
    _step_order(data, problems)
    problems = _unit_names_for_codes(data, problems)
    problems = _person_names_for_codes(data, problems)
    problems = _periods_without_year(data, year, problems)
    problems = _periods_of_the_year(year, problems)
    people = _people(data, _declared(data.get("DonVi"), "ma_don_vi"), year, rulebook, problems, build)
    # every ma_so that parsed counts as declared, so that a person whose row has another error is not
    # also reported as "unknown" in every other sheet
    declared = _declared(data.get("NhanSu"), "ma_so")
    members = {r.values["ma_so"] for r in data["NhanSu"].rows
               if r.values.get("dang_vien") and "ma_so" in r.values} if "NhanSu" in data else set()
    texts = _texts(data, declared, problems, build)
    votes = _votes(data, declared, problems, build)
    _attendance(data, problems)
    problems.extend(_review_chairs_named(data))
    disciplines = _disciplines(data, declared, members, year, problems)
    emulation = _emulation(data, declared, problems)
    criteria = _criteria(data, problems)
    scores = _scores(data, declared, criteria, rulebook.default_criteria if rulebook else (), problems)
    cap_overrides = _cap_overrides(data, problems)
    _group_codes_of_no_unit(data, problems)
    _group_codes_of_another_unit(data, problems)
    leaders = _leaders(data)
    periods, products = _periods(data, declared, leaders, year, rulebook, problems)
    _check_coverage(data, periods, year, problems)
    problems.extend(stale.check(data, year, path))
    names = sheetnames.names_in(data)  # the messages name the sheets as this workbook does
    problems = _sorted([sheetnames.problem_as_written(p, names) for p in _one_message_per_bad_id(data, problems)])
    if any(p.is_error for p in problems) or agency is None:
        return None, problems
    campaign = Campaign(
        agency=agency, units=tuple(units), people=tuple(people), texts=MappingProxyType(texts),
        votes=MappingProxyType(votes), disciplines=tuple(disciplines), emulation=tuple(emulation),
        criteria=tuple(criteria), scores=tuple(scores), source_sha256=sha256_file(path),
        warnings=tuple(p for p in problems if not p.is_error), cap_overrides=tuple(cap_overrides),
        periods=tuple(periods), products=tuple(products), sheet_names=MappingProxyType(names),
    )
    # the rating rules' contradictions; who the minutes print as chairing a unit head's review
    found = [sheetnames.problem_as_written(p, names) for p in contradictions(campaign) + chairs.chair_warnings(campaign)]
    if found:
        # a unit without a head and with two deputies: the chairs' warning naming the deputy who chairs and signs
        # says what «cuộc họp sẽ do cấp phó chủ trì» said, and who: one warning, not two
        named = {m.group(1) for p in found if (m := _NO_HEAD_DEPUTY_NAMED.match(p.message))}
        problems = [p for p in problems if not ((m := _NO_HEAD.match(p.message)) and m.group(1) in named)]
        problems = _sorted(problems + found)
        if any(p.is_error for p in found):
            return None, problems
        campaign = replace(campaign, warnings=tuple(p for p in problems if not p.is_error))
    return (campaign if build else None), problems


_NO_HEAD = re.compile(r"Đơn vị «(.+?)» không có người đứng đầu \(vai trò «[^»]*»\); cuộc họp sẽ do cấp phó chủ trì\.$")
_NO_HEAD_DEPUTY_NAMED = re.compile(r"Đơn vị «(.+?)» không có người đứng đầu dự họp và có \d+ cấp phó dự họp: ")


def check(path: Path) -> list[Problem]:
    """Every problem, the rating contradictions included (they need the records: built, then dropped)."""
    return read(path, build=True)[1]


def load(path: Path) -> Campaign:
    campaign, problems = read(path)
    if campaign is None:
        if not any(p.is_error for p in problems):  # defensive: never return None silently
            problems.append(Problem(ERROR, "CoQuan", "Thiếu thông tin cơ quan."))
        raise ValidationFailed(problems)
    return campaign


def counts_by(items: Iterable[_T], key: Callable[[_T], str]) -> Counter[str]:
    return Counter(key(i) for i in items)
