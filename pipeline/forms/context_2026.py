"""Render contexts of the 2026 forms (form set `nd335`), as plain JSON-able data.

Added to the per-person context of `context.person_context` for the forms in `PERSON_FORMS`
(the ND 335 / ND 233 phiếu, the period sheet, the HD 43 party forms) and to the unit context of
`unit_context.unit_document_context` for `UNIT_FORMS` (HD 43 Mẫu 01, the collective review of a
chi bộ). Documented in docs/render-context.md ("The 2026 forms").

Numbers follow shared/spec/workbook-2026.md: scores are cut (never rounded up) to two decimals and
printed with a decimal comma; the rating's unrounded values are never changed here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import replace
from typing import Any

from pipeline.forms import signers
from pipeline.forms.registry import FormSpec
from pipeline.ingest.model import Campaign, Person, Unit, is_cell_secretary, party_body
from pipeline.plan import chi_bo_units
from pipeline.rating.levels import WORDS
from pipeline.rating.periods import pct_round
from pipeline.rating.result import PersonRating, Ratings

PERSON_FORMS = frozenset({"phieu_nd335", "phieu_nd233", "theo_doi_ky", "mau_2a_2025", "mau_2b_2025", "mau_2c_2025"})
UNIT_FORMS = frozenset({"mau_01_2025"})
PARTY_STATE_BLOCK = frozenset({"mau_2a_2025", "mau_2b_2025"})  # the party forms with the state rating's block
ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
BLANK = "……"
NOT_RATED = "Không xếp loại"  # as unit_context prints a person without a level
# the year score's line of someone not rated, after «Điểm đánh giá năm …: » (unit_context.NOT_RATED_NOTE's words)
NOT_RATED_WHY = "không xếp loại (công tác trong năm dưới 06 tháng)"
# TuDanhGia texts printed under the phiếu's general criterion a) (ND 335: «phẩm chất chính trị, đạo
# đức, văn hóa thực thi công vụ, ý thức kỷ luật»; ND 233: «phẩm chất chính trị, đạo đức, kỷ luật, kỷ
# cương»): the four general criteria of ND 90 Art. 3 cl. 1–4, in the order 2A/2B print them
GENERAL_A = ("chinh_tri_tu_tuong", "dao_duc_loi_song", "y_thuc_ky_luat", "tac_phong_le_loi")


def _dotted() -> str:
    from pipeline.forms.context import dotted  # context imports this module

    return dotted(2)


def cut2(x: float) -> float:
    """`x` cut (towards zero) to two decimals, the float noise of 89.99999999 kept at 89.99."""
    return math.floor(x * 100 + 1e-7) / 100 if x >= 0 else -math.floor(-x * 100 + 1e-7) / 100


def score_text(x: float | None) -> str:
    """A score with two decimals, cut: 89.999 -> "89,99"; None -> ""."""
    return "" if x is None else f"{cut2(x):.2f}".replace(".", ",")


def pct_text(x: float | None) -> str:
    """A percentage to two decimals, half up as the results spreadsheet holds it (`periods.pct_round`: the
    period score beside it adds up by hand; never 100 for less), trailing zeros dropped: 87.5 -> "87,5";
    88.888… -> "88,89"; 100 -> "100"."""
    if x is None:
        return ""
    text = f"{pct_round(x):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def period_name(ky: str) -> str:
    """"2026-01" -> "Tháng 01/2026"; "2026-Q3" -> "Quý III/2026"."""
    year, _, part = ky.partition("-")
    if part.upper().startswith("Q"):
        return f"Quý {ROMAN.get(part[1:], part[1:])}/{year}"
    return f"Tháng {part}/{year}"


def periods_span(kys: list[str]) -> str:
    """Periods as one phrase, runs joined: ["2026-01" … "2026-05"] -> "tháng 01–05/2026";
    ["2026-01", "2026-02", "2026-05"] -> "tháng 01–02, 05/2026"; ["2026-Q1", "2026-Q2"] -> "quý I–II/2026"."""
    if not kys:
        return ""
    by_year: dict[str, list[str]] = {}
    for ky in sorted(kys):
        year, _, part = ky.partition("-")
        by_year.setdefault(year, []).append(part.upper())
    out = []
    for year, parts in by_year.items():
        quarters = parts[0].startswith("Q")
        nums = sorted(int(x.lstrip("Q")) for x in parts)
        runs: list[list[int]] = []
        for n in nums:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])

        def name(n: int, quarters: bool = quarters) -> str:
            return ROMAN.get(str(n), str(n)) if quarters else f"{n:02d}"
        text = ", ".join(name(r[0]) if len(r) == 1 else f"{name(r[0])}–{name(r[-1])}" for r in runs)
        out.append(f"{'quý' if quarters else 'tháng'} {text}/{year}")
    return ", ".join(out)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _fill(template: str, **values: str) -> str:
    """A label with {ky}, {don_vi}, {co_quan} filled (str.replace: a clerk's braces never break it)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def sent_periods_context(campaign: Campaign, form: FormSpec, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The periods another agency monitored and rated (KetQuaKy `don_vi_danh_gia`: a person transferred in
    during the year; ND 335 Art. 21: the new unit rates on the results the old agency sends) and the scope
    of this agency's confirmation. Labels `nguon_ky_noi_khac` ({don_vi}) and `ghi_chu_xac_nhan` ({ky},
    {co_quan}) of the form's meta.toml; each row of `rows` gets `nguon` ("" for this agency's periods)."""
    labels = form.labels
    source = str(labels.get("nguon_ky_noi_khac") or "kết quả theo dõi, đánh giá do {don_vi} gửi")
    groups: dict[str, list[str]] = {}
    for r in rows:
        r["nguon"] = _fill(source, don_vi=r["don_vi_danh_gia"]) if r["don_vi_danh_gia"] else ""
        if r["don_vi_danh_gia"]:
            groups.setdefault(r["don_vi_danh_gia"], []).append(r["ky"])
    own = [r["ky"] for r in rows if not r["don_vi_danh_gia"]]
    notes = [f"{_upper_first(periods_span(kys))}: {_fill(source, don_vi=who)}." for who, kys in groups.items()]
    scope = ""
    if groups and own:
        scope = _fill(str(labels.get("ghi_chu_xac_nhan") or ""), ky=periods_span(own),
                      co_quan=campaign.agency.ten_co_quan)
    return {
        "co_ky_noi_khac": bool(groups),
        "ky_noi_khac": [{"don_vi": who, "cac_ky": periods_span(kys), "ghi_chu": note}
                        for (who, kys), note in zip(groups.items(), notes, strict=True)],
        "ky_tai_co_quan": periods_span(own),
        "so_ky_tai_co_quan": len(own),
        # the confirmation covers this agency's periods only; none of them: nothing to confirm
        "co_xac_nhan": bool(own) or not rows,
        "xac_nhan_pham_vi": scope,
    }


def place_date(place: str, date: dt.date | None) -> str:
    """The line above a signature: the date only where the data gives that step's date, else
    dots for handwriting (the year too: a year-end rating may be signed in January)."""
    if date is None:
        return f"{place or BLANK}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
    return f"{place}, ngày {date.day:02d} tháng {date.month:02d} năm {date.year}"


def _yes(flag: bool) -> str:
    return "Có" if flag else "Không"


def period_rows(campaign: Campaign, person: Person, rating: PersonRating) -> list[dict[str, Any]]:
    """One row per period of the person's year score (the rating's `diem_ky`, in period order),
    with the products of sheet SanPham behind a, b, c when there are any."""
    products: dict[str, list[Any]] = {}
    for pr in campaign.products:
        if pr.ma_so == person.ma_so:
            products.setdefault(pr.ky, []).append(pr)
    rows = []
    for i, k in enumerate(sorted(rating.diem_ky, key=lambda s: s.ky), 1):
        rows.append({
            "stt": i, "ky": k.ky, "ten": period_name(k.ky),
            "chung": score_text(k.diem_tieu_chi_chung), "a": pct_text(k.a), "b": pct_text(k.b), "c": pct_text(k.c),
            "d": pct_text(k.d), "dd": pct_text(k.dd), "e": pct_text(k.e), "diem": score_text(k.diem),
            "don_vi_danh_gia": k.don_vi_danh_gia,
            "san_pham": [
                {"stt": j, "ten": p.ten_san_pham, "he_so": pct_text(p.he_so_quy_doi), "hoan_thanh": _yes(p.hoan_thanh),
                 "khong_dat": str(p.so_lan_khong_dat), "cham": str(p.so_lan_cham), "mien_tru": "x" if p.mien_tru else ""}
                for j, p in enumerate(sorted(products.get(k.ky, ()), key=lambda p: p.row), 1)
            ],
        })
    return rows


_MISSING = re.compile(r"[Tt]hiếu kết quả kỳ ([0-9Qq ,\-–và]+)")
_PERIOD = re.compile(r"\d{4}-(?:\d{2}|[Qq][1-4])")


def missing_periods_note(rating: PersonRating) -> str:
    """When the periods do not cover the months worked (no level): "Chưa xếp loại: thiếu kết
    quả tháng 07/2026" naming the periods the rating names; else ""."""
    names = missing_periods(rating)
    return "Chưa xếp loại: thiếu kết quả " + ", ".join(names) if names else ""


def missing_periods(rating: PersonRating) -> list[str]:
    """The periods the rating names as missing ("tháng 07/2026", "quý III/2026": lower case, as they are
    printed inside a sentence), when it has no level for that reason; else []."""
    if rating.muc_de_xuat is not None:
        return []
    for reason in rating.ly_do:
        found = _MISSING.search(reason)
        if found:
            names = [_lower_first(period_name(k)) for k in _PERIOD.findall(found.group(1))]
            if names:
                return names
    return []


def year_score(rating: PersonRating) -> float | None:
    """The year score a paper prints: the mean of the periods when they cover the months worked; None
    when there are none, or when some are missing (Art. 21 ND 335: the year is the mean of the periods
    of the time actually worked — a mean of some of them is not the year's score, and the person has
    no level until the rest come: `missing_periods_note`)."""
    if not rating.diem_ky or missing_periods(rating):
        return None
    return rating.diem


def who_is_rated(form: FormSpec, person: Person) -> str:
    """The phiếu's "CÔNG CHỨC" / "VIÊN CHỨC" (label `doi_tuong`), "CÁN BỘ" for cán bộ and
    "NGƯỜI LAO ĐỘNG" for hợp đồng / người lao động (labels `doi_tuong_can_bo`,
    `doi_tuong_nguoi_lao_dong`), as a form's labels give them."""
    labels = form.labels
    key = {"can_bo": "doi_tuong_can_bo", "hop_dong": "doi_tuong_nguoi_lao_dong",
           "nguoi_lao_dong": "doi_tuong_nguoi_lao_dong"}.get(person.loai_nhan_su, "doi_tuong")
    return str(labels.get(key) or labels.get("doi_tuong", ""))


# the party header's left column of the 2026 forms (tools/build_2026_templates.py::_party_header):
# 6.6 cm minus the cell margins, 12 pt; the đảng bộ line normal, the chi bộ line bold
PARTY_LEFT_TEXT_CM, PARTY_LEFT_SIZE = 6.4, 12


def party_header(campaign: Campaign, unit: Unit | None) -> dict[str, Any]:
    """`dau_dang.tren` (the đảng bộ) / `dau_dang.duoi` (the chi bộ) in capitals, broken between
    words that belong together ("ĐẢNG BỘ VĂN PHÒNG / UBND TỈNH", never "… UBND / TỈNH"); "" when
    the workbook has no name (the form prints dots)."""
    from pipeline.forms.layout import break_lines

    def brk(text: str, bold: bool) -> str:
        return break_lines(text.upper(), PARTY_LEFT_TEXT_CM, size=PARTY_LEFT_SIZE, bold=bold) if text else ""

    return {"tren": brk(party_body(campaign.agency.dang_bo, "Đảng bộ"), False),
            "duoi": brk(party_body(unit.chi_bo, "Chi bộ") if unit else "", True)}


def person_context_2026(campaign: Campaign, form: FormSpec, person: Person, rating: PersonRating) -> dict[str, Any]:
    rows = period_rows(campaign, person, rating)
    sent = sent_periods_context(campaign, form, rows)
    rated_by = signers.evaluator(campaign, person)
    manager = signers.commenter(campaign, person, rated_by)
    months = sum(3 if "Q" in r["ky"].upper() else 1 for r in rows)
    texts = campaign.texts.get(person.ma_so, {})
    return {
        # criterion a) of the phiếu's general criteria: every text the person wrote on politics,
        # ethics, working style and discipline (as 2A/2B I.1 print them), one line each
        "td_chung": {"a": "\n".join(t for k in GENERAL_A if (t := (texts.get(k) or "").strip())) or _dotted()},
        "dau_dang": party_header(campaign, campaign.unit(person.ma_don_vi)),
        "doi_tuong": who_is_rated(form, person),
        "ky": rows,
        "co_ky": bool(rows),
        "theo_quy": any("Q" in r["ky"].upper() for r in rows),
        "so_ky": len(rows),
        "so_thang_co_ket_qua": months,
        "co_dde": person.lanh_dao_quan_ly or any(r["d"] or r["dd"] or r["e"] for r in rows),
        # not rated (worked under 6 months): no year score — a year score suggests an evaluation; the periods'
        # scores stay (facts), the year's line says why instead (`diem_nam_khong_tinh`)
        "diem_nam": score_text(year_score(rating) if rows and rating.rated else None),
        "diem_nam_khong_tinh": NOT_RATED_WHY if rows and not rating.rated else "",
        # the state side is rated on a year score (ND 335 / ND 233, from 2026): the 2A/2B line for it;
        # a 2025 review rates the state side under ND 90 + ND 48, which has no score (no such line)
        "co_diem_nam": _points_based(campaign, person, rating),
        # periods missing: the year score is not worked out — the missing periods, said instead of a number
        "diem_nam_chua_tinh": ", ".join(missing_periods(rating)) if rows else "",
        # not rated (worked under 6 months): said in words, as every unit document says it, never a
        # dotted line that invites a level by hand
        "muc_diem_chu": WORDS[rating.muc_de_xuat] if rating.muc_de_xuat else "" if rating.rated else NOT_RATED,
        # where the proposal is not the level the year score gives (discipline, the 20 % cap, the
        # head not above the unit), the why in words with its legal basis (issue 15: one truth)
        # not rated: why, with its basis (worked under 6 months; audit 33: «Không xếp loại» alone on a phiếu
        # that still offers the four levels below it invited one by hand)
        # on leave (maternity, lawful leave): the leave line, so the months missing from the table are explained
        # (audit 33: a midwife's June–October left out without a word) — after the why when the level is not the
        # score's too (audit rev: a teacher on maternity leave moved down by the 20 % cap had her March–August
        # left out without a word)
        "ly_do_muc": (_why_and_leave(campaign, person, rating) if rows else "")
        if rating.rated else " ".join(rating.ly_do),
        "ghi_chu_thieu_ky": missing_periods_note(rating),
        # who confirms the period sheet: the direct manager, else the competent evaluator
        "nguoi_xac_nhan": (manager if manager.known else rated_by).as_context(),
        # periods rated by the old agency of a person transferred in (KetQuaKy don_vi_danh_gia)
        **sent,
        # 2A/2B's state level line for someone the state side does not rate (worked under 6 months): said in
        # words, as his phiếu and the chi bộ's Mẫu 01 say it, never the dotted line that invites a level by
        # hand; given here, not in the template, so every other member's filled 2A/2B keeps its bytes
        **({"muc_ket_qua_chu": NOT_RATED} if form.code in PARTY_STATE_BLOCK and not rating.rated else {}),
        **party_state_labels(form, person),
    }


# the 2A/2B state block's labels that name the people it is about («… công chức, viên chức»), and what a cán bộ's
# or a người lao động's says instead (as his phiếu's title: «… CÁN BỘ», «… NGƯỜI LAO ĐỘNG», `who_is_rated`)
STATE_BLOCK_LABELS = ("phan_cong_chuc", "cong_chuc_nhan_xet", "cong_chuc_muc")
STATE_BLOCK_KINDS = {"can_bo": "cán bộ", "hop_dong": "người lao động", "nguoi_lao_dong": "người lao động"}


def party_state_labels(form: FormSpec, person: Person) -> dict[str, Any]:
    """{"nhan": labels} for the 2A/2B of a cán bộ or người lao động: the state block said «Đánh giá, xếp loại chất
    lượng công chức, viên chức» above a level his phiếu gives as a cán bộ's («PHIẾU … CÁN BỘ»); the three labels
    name his kind instead. Only these members' papers change; {} for everybody else."""
    kind = STATE_BLOCK_KINDS.get(person.loai_nhan_su)
    if form.code not in PARTY_STATE_BLOCK or kind is None:
        return {}
    labels = dict(form.labels)
    for key in STATE_BLOCK_LABELS:
        if isinstance(labels.get(key), str):
            labels[key] = labels[key].replace("công chức, viên chức", kind)
    return {"nhan": labels}


def _why_and_leave(campaign: Campaign, person: Person, rating: PersonRating) -> str:
    """The phiếu's line under its proposal: why it is not the level the year score gives, then the leave line
    (once: a leave that set the level is already in the why); either alone when the other is ""."""
    why, leave = _why_not_points(campaign, person, rating), _leave_line(rating)
    return " ".join(part for part in (why, leave if leave not in why else "") if part)


def _leave_line(rating: PersonRating) -> str:
    """The rating's reason on lawful leave or maternity leave in the year («Nghỉ chế độ thai sản (công tác 7
    tháng trong năm): … — căn cứ: …»), "" when there is none."""
    return next((ln for ln in rating.ly_do if ln.startswith("Nghỉ ")), "")


def _points_based(campaign: Campaign, person: Person, rating: PersonRating) -> bool:
    from pipeline.rating.rulebooks import by_id, for_person

    rb = by_id(rating.bo_quy_tac) if rating.bo_quy_tac else for_person(
        campaign.year, person.loai_nhan_su, campaign.others_rulebook(person))
    return rb.points_based


def _why_not_points(campaign: Campaign, person: Person, rating: PersonRating) -> str:
    from pipeline.forms.context import level_reason  # context imports this module
    from pipeline.rating.rulebooks import by_id, for_person
    from pipeline.rating.rules import points_level

    if rating.diem is None or not rating.muc_de_xuat:
        return ""
    rb = by_id(rating.bo_quy_tac) if rating.bo_quy_tac else for_person(
        campaign.year, person.loai_nhan_su, campaign.others_rulebook(person))
    by_points = points_level(rating.diem, rb)
    # the line explains the proposal printed above it, not the decision (printed in the last part)
    why = level_reason(replace(rating, muc_quyet_dinh=None), by_points, campaign)
    return f"Mức theo điểm năm: {WORDS[by_points]}. {why}" if why else ""


def chi_bo_secretary(campaign: Campaign, unit: Unit) -> Person | None:
    """Who signs «T/M CHI BỘ» for `unit`'s chi bộ: its secretary, a party member whose party post is
    «Bí thư chi bộ», of this unit or of another unit in the same chi bộ (DonVi `chi_bo`: one chi bộ
    may hold several units); None when there is none (the name is left for handwriting)."""
    same = {u.ma_don_vi for u in chi_bo_units(campaign, unit)} | {unit.ma_don_vi}
    found = [p for p in campaign.people if p.ma_don_vi in same and p.dang_vien and is_cell_secretary(p.chuc_vu_dang)]
    return next((p for p in found if p.ma_don_vi == unit.ma_don_vi), found[0] if found else None)


def unit_context_2026(campaign: Campaign, ratings: Ratings, unit: Unit, members: list[dict[str, Any]]) -> dict[str, Any]:
    """HD 43 Mẫu 01 (collective review of a chi bộ): the members' year scores and levels."""
    people = {p.ma_so: p for p in campaign.people}
    scored = False
    for m in members:
        pr = ratings.of(m["ma_so"])
        m["diem_nam"] = score_text(year_score(pr) if pr.rated else None)  # none for someone not rated
        scored = scored or (bool(m["dang_vien"]) and _points_based(campaign, people[m["ma_so"]], pr))
    secretary = chi_bo_secretary(campaign, unit)
    return {
        # the year score column only where some member's state side is rated on points (ND 335 /
        # ND 233, from 2026); a 2025 review rates it under ND 90 + ND 48, which has no score
        "co_diem_nam": scored,
        "dau_dang": party_header(campaign, unit),
        "bi_thu": {"ho_ten": secretary.ho_ten if secretary else "", "chuc_vu_dang": secretary.chuc_vu_dang if secretary else ""},
        "dang_vien": [m for m in members if m["dang_vien"]],
        "dong_ngay_trong": place_date(campaign.agency.dia_danh, None),
    }
