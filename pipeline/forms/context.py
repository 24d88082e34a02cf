"""Render contexts as plain JSON-able data (documented in docs/render-context.md).

Plain data lets the cache key be a hash of the context itself: if nothing a form prints has
changed, its PDF is reused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
from typing import Any

from pipeline.forms import context_2026, signers  # context_2026: the 2026 forms (form set nd335)
from pipeline.forms.layout import HEADER_LEFT_TEXT_CM, break_lines
from pipeline.forms.printed import readable
from pipeline.forms.registry import FormSpec
from pipeline.ingest import schema
from pipeline.ingest.model import Campaign, Person, Unit, party_body, post_without_body
from pipeline.rating import agency_kind
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import PersonRating, Ratings

DOTS = "…" * 31  # one line of a 16 cm text column at 14 pt
BOX_ON, BOX_OFF = "☒", "☐"


def printed_ratings(ratings: Ratings) -> Ratings:
    """The ratings the person forms and the unit's other papers print (rules.md R5.2: the 20 % check
    has two moments, the unit's proposals and the competent evaluator's decisions). A decided person
    as decided (their proposal is the one made before the decision); an undecided person's proposal
    as the unit's meeting made it (`Ratings.unit_proposals`), never the program's proposal worked out
    again after other people's decisions took the group's HTXS places: nobody proposed that level, and
    under the same «đề xuất» it would contradict the minutes and the proposal table. The agency's
    summaries, which count the final levels, print that recomputed level under its own words
    (pipeline/submission/report.py `level_basis`)."""
    before = ratings.truoc_quyet_dinh
    if before is None:
        return ratings
    return dataclasses.replace(ratings, people=tuple(
        pr if pr.muc_quyet_dinh else before.of(pr.ma_so) for pr in ratings.people))


def dotted(lines: int = 2) -> str:
    return "\n".join([DOTS] * lines)


def vn_upper(text: str) -> str:
    return text.upper()


def date_line(place: str, date: dt.date | None, year: int) -> str:
    if date is None:
        return f"{place}, ngày …… tháng …… năm {year}"
    return f"{place}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


def boxes(level: str | None) -> dict[str, str]:
    return {lv: BOX_ON if lv == level else BOX_OFF for lv in ORDER}


def step_date_line(place: str, date: dt.date | None) -> str:
    """The date line of one step (self-assessment, decision): the date when the data gives it,
    else all of it left for handwriting (the year too: a decision may fall in the next year)."""
    if date is None:
        return f"{place or '…………'}, ngày …… tháng …… năm ……"
    return f"{place}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


@functools.cache
def level_list(level: str | None) -> dict[str, dict[str, str]]:
    """The official bracketed list "(Hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; …)"
    split so the template underlines the chosen level (forms.md §2.4): `chon.<code>` holds the
    words of the chosen level (printed underlined), `khac.<code>` those of the others; exactly
    one of the two is "" for each level. Shared between contexts: never mutate it."""
    words = {lv: (WORDS[lv] if k == 0 else WORDS[lv][0].lower() + WORDS[lv][1:]) for k, lv in enumerate(ORDER)}
    return {"chon": {lv: words[lv] if lv == level else "" for lv in ORDER},
            "khac": {lv: "" if lv == level else words[lv] for lv in ORDER}}


# A form's [labels] may set how a chosen level is marked: underlined in the printed list (the
# official way, default) or tick boxes (an agency's own practice).
MARK_KEY, MARK_BOXES = "cach_danh_dau_muc", "ô đánh dấu"

_GROUP_RE = re.compile(r"Nhóm tương đồng «[^»]*»")


_LEVEL_SETTERS = ("hạ từ", "hạ xuống", "xếp loại ở mức", "kỷ luật")


def level_reason(rating: PersonRating, shown: str | None, campaign: Campaign | None = None) -> str:
    """Why the final proposal (`muc_cuoi`) differs from a level `shown` on a form (the points
    level): the rating's own reasons (`ly_do`, each with its legal basis) that changed the level,
    in words, each basis said once and the comparable group by its printed name (never a key such
    as «TH/chuyen_vien»); "" when they agree or nothing is proposed."""
    final = rating.muc_cuoi
    if not final or not shown or final == shown:
        return ""
    if rating.muc_quyet_dinh:
        return f"Mức do cấp có thẩm quyền đánh giá quyết định: {WORDS[rating.muc_quyet_dinh]}."
    lines = [ln.strip() for ln in rating.ly_do if ln.strip()]
    if not lines:
        return ""
    # the lines that lowered the level (discipline, months absent, the 20 % cap), each with its basis
    # (a discipline sets the level itself even when the self-rating already was that level)
    changes = [ln for ln in lines[1:] if any(k in ln for k in _LEVEL_SETTERS)]
    # the first line says where the proposal came from (the meeting's votes, the self-rating):
    # kept when that level already differs from the one shown, or when nothing lowered it
    source = rating.muc_hop or (rating.tu_xep_loai if rating.nguon_de_xuat == "tu_xep_loai" else None)
    chosen = ([lines[0]] if not changes or (source and source != shown) else []) + changes
    # a level set by a rule (discipline, months absent) is followed in the rating by "Mức đề xuất
    # hạ từ … do …" on the same basis: say it once, by the line with the facts
    said: set[str] = set()
    kept = []
    for ln in chosen:
        basis = ln.partition(" — căn cứ: ")[2].strip()
        if basis and basis in said:
            continue
        said.add(basis)
        kept.append(ln)
    text = " ".join(ln.strip() for ln in kept if ln.strip())
    text = _GROUP_RE.sub("Nhóm có nhiệm vụ tương đồng", text)
    return readable(text, campaign, [rating.nhom_tuong_dong] if rating.nhom_tuong_dong else [])


def unit_body(campaign: Campaign, unit: Unit) -> str:
    """The body a unit's papers and its people's forms are headed by: DonVi `co_quan_in` when given
    (the HĐND xã for its Thường trực, kept in the UBND xã's workbook), else the agency."""
    return unit.co_quan_in or campaign.agency.ten_co_quan


def header_lines(campaign: Campaign, unit: Unit) -> dict[str, str]:
    """Left column of a person form's state header: the superior line (normal) and the own
    line (bold), broken between words that belong together (pipeline/forms/layout.py). The
    viên chức of a đơn vị sự nghiệp are headed by their unit under the agency; a unit with its
    own body (DonVi `co_quan_in`) by that body where the agency would be printed."""
    a = campaign.agency
    body = unit_body(campaign, unit)
    if unit.loai_don_vi == "su_nghiep" and unit.ten_don_vi.casefold() != body.casefold():
        top, own = vn_upper(body), vn_upper(unit.ten_don_vi)
    else:
        top, own = vn_upper(a.co_quan_chu_quan), vn_upper(body)
    return {"tren": break_lines(top, HEADER_LEFT_TEXT_CM, bold=False),
            "duoi": break_lines(own, HEADER_LEFT_TEXT_CM, bold=True)}


NON_STAFF = frozenset({"hop_dong", "nguoi_lao_dong"})  # titled "người lao động", not công/viên chức
# Used when a form's meta.toml (e.g. an agency's exported copy) predates these labels.
LABEL_DEFAULTS = {
    "mau_01": {"doi_tuong": "CÁN BỘ"},
    "mau_02": {"doi_tuong": "CÔNG CHỨC", "doi_tuong_nguoi_lao_dong": "NGƯỜI LAO ĐỘNG",
               "phan_iii_truc_tiep": "Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP"},
    "mau_03": {"doi_tuong": "VIÊN CHỨC", "doi_tuong_nguoi_lao_dong": "NGƯỜI LAO ĐỘNG",
               "phan_iii_truc_tiep": "Ý KIẾN NHẬN XÉT, ĐÁNH GIÁ CỦA NGƯỜI QUẢN LÝ TRỰC TIẾP"},
}


def agency_context(campaign: Campaign, form: FormSpec, ratings: Ratings | None = None) -> dict[str, Any]:
    """The agency's header, names and signatures, and the form's labels. With `ratings` (the agency's and units'
    papers), a đơn vị sự nghiệp công lập's papers print its own wording: `co_quan.danh_tu` is «đơn vị» (else «cơ
    quan») and each label `<key>_su_nghiep` stands for `<key>` (pipeline.rating.agency_kind)."""
    a = campaign.agency
    public_service = ratings is not None and agency_kind.public_service_unit(campaign, ratings)
    return {
        "nam": a.nam_danh_gia,
        "co_quan": {
            "ten": a.ten_co_quan, "ten_hoa": vn_upper(a.ten_co_quan),
            "chu_quan": a.co_quan_chu_quan, "chu_quan_hoa": vn_upper(a.co_quan_chu_quan),
            "dia_danh": a.dia_danh, "nguoi_dung_dau": a.nguoi_dung_dau,
            "chuc_vu_nguoi_dung_dau": a.chuc_vu_nguoi_dung_dau,
            # the signature block's title: «KT. GIÁM ĐỐC» over «PHÓ GIÁM ĐỐC» for a deputy in charge (signers.py)
            "chuc_vu_nguoi_dung_dau_hoa": signers.signing_title(a.chuc_vu_nguoi_dung_dau, a.chuc_vu_cap_truong),
            # the agency's own documents' signature (ND 30/2020): «TM. <ky_thay_mat_hoa>» when the head
            # signs for the collective, then `chuc_vu_ky_hoa` (the post without the body's name; a deputy in
            # charge: «KT. CHỦ TỊCH» over his own post)
            "ky_thay_mat": a.ky_thay_mat, "ky_thay_mat_hoa": vn_upper(a.ky_thay_mat),
            "chuc_vu_ky": a.chuc_vu_ky,
            "chuc_vu_ky_hoa": signers.signing_title(a.chuc_vu_ky, (
                post_without_body(a.chuc_vu_cap_truong, a.ky_thay_mat) or a.chuc_vu_cap_truong) if a.ky_thay_mat
                else a.chuc_vu_cap_truong),
            # the đảng bộ / chi bộ as a party body's name («Phường Hải Châu» in CoQuan «Đảng bộ»: «Đảng bộ Phường Hải Châu»)
            "dang_bo": party_body(a.dang_bo, "Đảng bộ"), "dang_bo_hoa": vn_upper(party_body(a.dang_bo, "Đảng bộ")),
            "ky_hieu": a.ky_hieu_van_ban,
            # the agency's abbreviation after a document type («…/TB-VP», ND 30/2020 Phụ lục I): CoQuan
            # ky_hieu_co_quan, else `ky_hieu` before its first «-» (`ky_hieu` is the công văn's «VP-HCQT»)
            "ky_hieu_co_quan": a.ky_hieu_ban_hanh,
            # the noun the agency's own papers call it by: «đơn vị» for a đơn vị sự nghiệp công lập (ND 233/2026)
            "danh_tu": agency_kind.agency_noun(campaign, ratings) if ratings is not None else agency_kind.ADMINISTRATIVE_NOUN,
        },
        "dong_ngay": date_line(a.dia_danh, a.ngay_lap, a.nam_danh_gia),
        "nhan": agency_kind.labels_of_kind(form.labels, public_service),
        "mau": {"code": form.code, "title": form.title, "ma_hieu": form.ma_hieu},
    }


def unit_context(unit: Unit) -> dict[str, Any]:
    return {
        "ma": unit.ma_don_vi, "ten": unit.ten_don_vi, "ten_hoa": vn_upper(unit.ten_don_vi),
        "loai_nhan": schema.LOAI_DON_VI[unit.loai_don_vi], "chi_bo": party_body(unit.chi_bo, "Chi bộ"),
        # the unit's own level when the workbook gives it (DonVi muc_xep_loai_don_vi), in words
        "muc_chu": WORDS[unit.muc_xep_loai_don_vi] if unit.muc_xep_loai_don_vi else "",
        # the unit's own body (DonVi co_quan_in) when it is not the agency: "" for the agency
        "co_quan_in": unit.co_quan_in,
    }


def person_context(campaign: Campaign, form: FormSpec, person: Person, rating: PersonRating) -> dict[str, Any]:
    unit = campaign.unit(person.ma_don_vi)
    texts = campaign.texts.get(person.ma_so, {})
    ctx = agency_context(campaign, form)
    ctx.update({
        "don_vi": unit_context(unit),
        "nguoi": {
            "ma_so": person.ma_so, "ho_ten": person.ho_ten, "ho_ten_hoa": vn_upper(person.ho_ten),
            "ngay_sinh": person.ngay_sinh.strftime("%d/%m/%Y"), "gioi_tinh": person.gioi_tinh,
            "chuc_vu": person.chuc_vu, "ngach_chuc_danh": person.ngach_chuc_danh,
            "loai_nhan": schema.LOAI_NHAN_SU[person.loai_nhan_su], "lanh_dao": person.lanh_dao_quan_ly,
            "dang_vien": person.dang_vien, "chuc_vu_dang": person.chuc_vu_dang,
            "chuc_vu_doan_the": person.chuc_vu_doan_the, "noi_cu_tru": person.noi_cu_tru,
            "chi_bo_noi_cu_tru": party_body(person.chi_bo_noi_cu_tru, "Chi bộ"),
        },
        "td": {key: texts.get(key) or dotted(2) for key, _label in schema.TEXT_KEYS},
        "cham": dotted(2),
        "tu_xep_loai": boxes(person.tu_xep_loai if rating.rated else None),
        "ket_qua": boxes(rating.muc_quyet_dinh),
        "khong_xep_loai": not rating.rated,
        "muc_tu_xep_loai_chu": WORDS[person.tu_xep_loai] if person.tu_xep_loai and rating.rated else "",
        "muc_ket_qua_chu": WORDS[rating.muc_quyet_dinh] if rating.muc_quyet_dinh else "",
    })
    labels = {**LABEL_DEFAULTS.get(form.code, {}), **form.labels}
    rated_by = signers.evaluator(campaign, person)
    comments = signers.commenter(campaign, person, rated_by)
    agency = campaign.agency
    section_iii = ""
    if comments.known:
        section_iii = labels.get("phan_iii", "") if person.vai_tro == "pho" else labels.get("phan_iii_truc_tiep", "")
    non_staff = person.loai_nhan_su in NON_STAFF
    # the agency's head is rated by the head of the superior body (ND 90 Art. 16): his unit proposes no
    # level for him (its minutes, proposal table, chi bộ report and the notice say so), so his own papers
    # print no proposal either — not the engine's level after the 20 % cap — until the superior decides
    by_superior_undecided = rated_by.vai_tro == "cap_tren" and not rating.muc_quyet_dinh
    final = rating.muc_cuoi if rating.rated and not by_superior_undecided else None
    ctx.update({
        "dau": header_lines(campaign, unit),
        "nguoi_danh_gia": rated_by.as_context(),
        "nguoi_nhan_xet": comments.as_context(),
        "phan_nhan_xet": section_iii,
        "so_phan_ket_qua": "IV" if section_iii else "III",
        "dong_ngay_tu_danh_gia": step_date_line(agency.dia_danh, agency.ngay_tu_danh_gia),
        # CoQuan ngay_quyet_dinh is the day this agency's head signs the decided ratings: printed on a
        # phiếu whose level is decided (muc_quyet_dinh), never on one still undecided; the agency head's
        # own phiếu is signed by the superior (ND 90 Art. 16) on a day of theirs: left for handwriting
        "dong_ngay_quyet_dinh": step_date_line(
            agency.dia_danh,
            agency.ngay_quyet_dinh if rating.muc_quyet_dinh and rated_by.vai_tro != "cap_tren" else None),
        "dong_ngay_trong": step_date_line(agency.dia_danh, None),
        "doi_tuong": (labels.get("doi_tuong_nguoi_lao_dong") if non_staff else None) or labels.get("doi_tuong", ""),
        "nguoi_lao_dong": non_staff,
        "o_danh_dau": labels.get(MARK_KEY, "").strip().casefold() == MARK_BOXES,
        "ds_tu_xep_loai": level_list(person.tu_xep_loai if rating.rated else None),
        "ds_ket_qua": level_list(rating.muc_quyet_dinh),
        "ds_trong": level_list(None),
        "tu_xep_loai_dang": boxes(person.tu_xep_loai_dang_vien if person.dang_vien else None),
        "ds_tu_xep_loai_dang": level_list(person.tu_xep_loai_dang_vien if person.dang_vien else None),
        "muc_de_xuat_chu": WORDS[final] if final else "",
    })
    if form.code in POINTS_FORMS:
        ctx.update(points_context(campaign, person))
        ctx["diem_tong"]["ly_do_khac"] = level_reason(rating, ctx["diem_tong"]["muc"], campaign) if final else ""
    if form.code in context_2026.PERSON_FORMS:
        ctx.update(context_2026.person_context_2026(campaign, form, person, rating))
    return ctx


# ---------------------------------------------------------------------------------------------
# Points table (Mẫu 12/HDDG): rows from TieuChi/ChamDiem, or the default criteria below
# ---------------------------------------------------------------------------------------------
POINTS_FORMS = frozenset({"mau_12_hddg"})  # forms whose context also gets points_context()
# Used when sheet TieuChi is empty: the 30 + 70 split of QĐ 366-QĐ/TW / ND 335/2025 (forms.md §5).
DEFAULT_CRITERIA = (
    ("CHUNG", "Tiêu chí chung: chính trị tư tưởng; đạo đức, lối sống; tác phong, lề lối làm việc; "
              "ý thức tổ chức kỷ luật", 30.0, "chung"),
    ("NHIEM_VU", "Kết quả thực hiện chức trách, nhiệm vụ được giao", 70.0, "nhiem_vu"),
)
POINTS_THRESHOLDS = (("HTXS", 90.0), ("HTT", 70.0), ("HT", 50.0), ("KHT", 0.0))  # on a 100 scale


def _pts(x: float | None) -> str:
    """Points with 2 decimals, cut (not rounded up) from the precision the level is decided on, so
    89.99999 (Hoàn thành tốt) prints "89,99", never "90" (issue 16)."""
    if x is None:
        return ""
    x = math.floor(round(x, 6) * 100 + 1e-7) / 100
    return (str(int(x)) if x == int(x) else f"{x:.2f}".rstrip("0")).replace(".", ",")


def points_context(campaign: Campaign, person: Person) -> dict[str, Any]:
    """`diem` rows and totals of one person's points table (docs/render-context.md)."""
    criteria = [(c.ma_tieu_chi, c.noi_dung, c.diem_toi_da) for c in campaign.criteria] or [
        (ma, nd, td) for ma, nd, td, _nhom in DEFAULT_CRITERIA
    ]
    mine = [s for s in campaign.scores if s.ma_so == person.ma_so]
    rows, tu, dg = [], [], []
    for stt, (ma, noi_dung, toi_da) in enumerate(criteria, 1):
        got = [s for s in mine if s.ma_tieu_chi == ma]
        t = sum(s.diem_tu_cham for s in got if s.diem_tu_cham is not None) if any(
            s.diem_tu_cham is not None for s in got) else None
        d = sum(s.diem_danh_gia for s in got if s.diem_danh_gia is not None) if any(
            s.diem_danh_gia is not None for s in got) else None
        tu.append(t)
        dg.append(d)
        rows.append({"stt": stt, "ma": ma, "noi_dung": noi_dung, "toi_da": _pts(toi_da),
                     "tu_cham": _pts(t), "danh_gia": _pts(d)})
    maximum = sum(c[2] for c in criteria)

    def total(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    t_tu, t_dg = total(tu), total(dg)
    basis = t_dg if t_dg is not None else t_tu
    level = ""
    if basis is not None and maximum:
        scaled = basis * 100 / maximum
        level = next(lv for lv, minimum in POINTS_THRESHOLDS if round(scaled, 6) >= minimum)
    return {"diem": rows, "diem_tong": {
        "toi_da": _pts(maximum), "tu_cham": _pts(t_tu), "danh_gia": _pts(t_dg),
        "muc": level, "muc_chu": WORDS[level] if level else "",
        "theo": "danh_gia" if t_dg is not None else ("tu_cham" if t_tu is not None else ""),
    }}
