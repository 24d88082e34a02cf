"""Render contexts as plain JSON-able data (documented in docs/render-context.md).

Plain data lets the cache key be a hash of the context itself: if nothing a form prints has
changed, its PDF is reused.
"""

from __future__ import annotations

import datetime as dt

from pipeline.ingest import schema
from pipeline.ingest.model import Campaign, Person, Unit
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import PersonRating

DOTS = "…" * 31  # one line of a 16 cm text column at 14 pt
BOX_ON, BOX_OFF = "☒", "☐"


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


def agency_context(campaign: Campaign, form) -> dict:
    a = campaign.agency
    return {
        "nam": a.nam_danh_gia,
        "co_quan": {
            "ten": a.ten_co_quan, "ten_hoa": vn_upper(a.ten_co_quan),
            "chu_quan": a.co_quan_chu_quan, "chu_quan_hoa": vn_upper(a.co_quan_chu_quan),
            "dia_danh": a.dia_danh, "nguoi_dung_dau": a.nguoi_dung_dau,
            "chuc_vu_nguoi_dung_dau": a.chuc_vu_nguoi_dung_dau,
            "chuc_vu_nguoi_dung_dau_hoa": vn_upper(a.chuc_vu_nguoi_dung_dau),
            "dang_bo": a.dang_bo, "dang_bo_hoa": vn_upper(a.dang_bo), "ky_hieu": a.ky_hieu_van_ban,
        },
        "dong_ngay": date_line(a.dia_danh, a.ngay_lap, a.nam_danh_gia),
        "nhan": dict(form.labels),
        "mau": {"code": form.code, "title": form.title, "ma_hieu": form.ma_hieu},
    }


def unit_context(unit: Unit) -> dict:
    return {
        "ma": unit.ma_don_vi, "ten": unit.ten_don_vi, "ten_hoa": vn_upper(unit.ten_don_vi),
        "loai_nhan": schema.LOAI_DON_VI[unit.loai_don_vi], "chi_bo": unit.chi_bo,
    }


def person_context(campaign: Campaign, form, person: Person, rating: PersonRating) -> dict:
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
            "chi_bo_noi_cu_tru": person.chi_bo_noi_cu_tru,
        },
        "td": {key: texts.get(key) or dotted(2) for key, _label in schema.TEXT_KEYS},
        "cham": dotted(2),
        "tu_xep_loai": boxes(person.tu_xep_loai if rating.rated else None),
        "ket_qua": boxes(rating.muc_quyet_dinh),
        "khong_xep_loai": not rating.rated,
        "muc_tu_xep_loai_chu": WORDS[person.tu_xep_loai] if person.tu_xep_loai and rating.rated else "",
        "muc_ket_qua_chu": WORDS[rating.muc_quyet_dinh] if rating.muc_quyet_dinh else "",
    })
    return ctx
