"""Render contexts of the report to the Sở Nội vụ (`bao_cao_so_noi_vu`) and of the biểu tổng hợp
(`bieu_tong_hop`), and the deadline note (rules.md R9). Documented in docs/submission.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline import clock
from pipeline.forms import signers
from pipeline.forms.can_cu import citations
from pipeline.forms.context import agency_context, date_line, dotted
from pipeline.forms.printed import group_label, header_left
from pipeline.forms.registry import FormSpec
from pipeline.forms.unit_context import unit_citations
from pipeline.ingest.model import Campaign, derived_so_noi_vu
from pipeline.rating import agency_kind
from pipeline.rating.groups import HEAD_GROUP
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import Ratings
from pipeline.submission.deadline import Deadline
from pipeline.submission.summary_table import (
    Row,
    counted_levels,
    group_rows,
    level_basis,
    vn_percent,
)


def deadline(campaign: Campaign, today: dt.date | None = None, set_by_so: dt.date | None = None,
             set_by: str = "") -> Deadline | None:
    """The deadline that binds: `set_by_so`, the one the Sở Nội vụ set on `hoso serve`'s page, when given and of this
    workbook's campaign (`clock.campaign_year`: a deadline of January 2026 is the 2025 campaign's, left from last
    season for a 2026 workbook) — the workbook's then kept beside it, to say when it differs; else the workbook's
    (CoQuan «Hạn nộp Sở Nội vụ»). `set_by`: who set `set_by_so` when not the Sở Nội vụ (the server's «Cơ quan tổng
    hợp», BuildOptions.han_nop_do)."""
    han = campaign.agency.han_nop_so_noi_vu
    if set_by_so is not None and clock.campaign_year(set_by_so) == campaign.year:
        return Deadline(set_by_so, today or clock.today(), by_so_noi_vu=True, workbook=han, to=recipient(campaign),
                        set_by=set_by or "Sở Nội vụ")
    if han is None:
        return None
    return Deadline(han, today or clock.today(), to=recipient(campaign))


RECIPIENT = "Sở Nội vụ"  # the body a package goes to when CoQuan «Sở Nội vụ nhận báo cáo» is empty


def recipient(campaign: Campaign) -> str:
    """The body this agency sends its package to, as the clerk's guide, README.txt and console name it: CoQuan.so_noi_vu
    as the workbook writes it (a đơn vị sự nghiệp sends to its managing body, «Sở Y tế tỉnh …»), else «Sở Nội vụ».
    The documents signed name the province's Sở Nội vụ when the workbook does not (`so_noi_vu`)."""
    return campaign.agency.so_noi_vu.strip() or RECIPIENT


def _num(n: int) -> str:
    return str(n)


def _row(n: int | None, row: Row) -> dict[str, Any]:
    out: dict[str, Any] = {"stt": "" if n is None else str(n), "ten": row.ten, "tong": _num(row.tong), "xep_loai": _num(row.xep_loai),
           "khong_xep_loai": _num(row.khong_xep_loai), "ghi_chu": row.ghi_chu}
    for lv in ORDER:
        out[lv] = {"so": _num(row.muc[lv]), "ty_le": vn_percent(row.ratio(lv))}
    return out


def table_context(rows: list[Row]) -> dict[str, Any]:
    """`bieu`: `dong` (the 7 category rows) and `tong` (the total row), all values as text."""
    *categories, total = rows
    return {"dong": [_row(i, r) for i, r in enumerate(categories, start=1)], "tong": _row(None, total)}


def document_number(campaign: Campaign) -> str:
    """"……/BC-VP": a báo cáo's symbol is its type and the agency's abbreviation (ND 30/2020, Phụ lục I;
    `Agency.ky_hieu_ban_hanh`: «VP» of «VP-HCQT»); the number itself is left for the văn thư."""
    return campaign.agency.so_ky_hieu("BC")


def so_noi_vu(campaign: Campaign) -> str:
    """The Sở Nội vụ the report goes to: CoQuan.so_noi_vu, else "Sở Nội vụ tỉnh/thành phố X" from
    the province named at the end of the agency's name or of its managing body, else "Sở Nội vụ"."""
    a = campaign.agency
    if a.so_noi_vu.strip():
        return a.so_noi_vu.strip()
    return derived_so_noi_vu(a.ten_co_quan, a.co_quan_chu_quan)


def _groups(campaign: Campaign, ratings: Ratings) -> list[dict[str, Any]]:
    public_service = agency_kind.public_service_unit(campaign, ratings)
    return [{"stt": str(g["stt"]), "nhom": agency_kind.head_group_name(public_service) if g["nhom"] == HEAD_GROUP
             else group_label(g["nhom"], campaign), "so_xep_loai": str(g["so_xep_loai"]), "so_htxs": str(g["so_htxs"]),
             "so_htt": str(g["so_htt"]), "toi_da": str(g["toi_da"]), "ket_luan": g["ket_luan"],
             "ngoai_le": g["ngoai_le"]} for g in group_rows(ratings, campaign)]


def common_context(campaign: Campaign, ratings: Ratings, form: FormSpec, rows: list[Row]) -> dict[str, Any]:
    ctx = agency_context(campaign, form, ratings)
    a = campaign.agency
    # the report and its table carry the report's own date (CoQuan.ngay_bao_cao), else dots
    ctx["dong_ngay"] = date_line(a.dia_danh, a.ngay_bao_cao, campaign.year)
    # the texts of the staff categories the agency has: an agency of công chức only cites ND 335 alone
    cites = unit_citations(citations(campaign.year, getattr(form, "template", None)), list(ratings.people),
                           ratings.bo_quy_tac, {p.ma_so: p.loai_nhan_su for p in campaign.people})
    ratios = sorted({g.ty_le for g in ratings.groups}) or [ratings.thiet_lap.get("ty_le_htxs", 0.2)]
    ctx.update({
        "so_hieu": document_number(campaign),
        "bieu": table_context(rows),
        "nhom": _groups(campaign, ratings),
        "so_noi_vu": so_noi_vu(campaign),
        "dau": header_left(ctx["co_quan"]["chu_quan_hoa"], ctx["co_quan"]["ten_hoa"]),
        "can_cu": cites["danh_gia"],
        "can_cu_day_du": cites,
        "ty_le_toi_da": ", ".join(f"{round(r * 100, 2):g}".replace(".", ",") for r in ratios),
        "can_cu_muc": level_basis(ratings, rows[-1]),
        # the report's section 4 (the group check): «tính trên mức xếp loại cuối cùng» only once all are decided
        "muc_tinh_ty_le": counted_levels(ratings, rows[-1]),
    })
    return ctx


def report_context(campaign: Campaign, ratings: Ratings, form: FormSpec, rows: list[Row], today: dt.date | None = None) -> dict[str, Any]:
    total = rows[-1]
    decided = sum(1 for pr in ratings.people if pr.rated and pr.muc_quyet_dinh)
    basis = level_basis(ratings, total)
    ctx = common_context(campaign, ratings, form, rows)
    ctx.update({
        "kq": {
            "tong": total.tong, "xep_loai": total.xep_loai, "khong_xep_loai": total.khong_xep_loai,
            "chua_co_muc": len(total.chua_co_muc), "so_quyet_dinh": decided, "can_cu_muc": basis,
            # the head is counted with the agency's staff, though the superior body rates him (ND 90 Art. 16)
            "nguoi_dung_dau": any(signers.is_agency_head(campaign, p) for p in campaign.people),
            "muc": [{"ma": lv, "ten": WORDS[lv], "so": total.muc[lv], "ty_le": vn_percent(total.ratio(lv)) or "0"}
                    for lv in ORDER],
        },
        # the deadline is never printed in the report (console and README.txt only): the date alone
        "han_nop": None if campaign.agency.han_nop_so_noi_vu is None
        else {"ngay": f"{campaign.agency.han_nop_so_noi_vu:%d/%m/%Y}"},
        "cham_trien_khai": dotted(4),
        "cham_ton_tai": dotted(4),
        "cham_kien_nghi": dotted(4),
    })
    return ctx


def letter_context(campaign: Campaign, ratings: Ratings, form: FormSpec, rows: list[Row], enclosed: list[str]) -> dict[str, Any]:
    """The cover letter (`cong_van_so_noi_vu`): the common variables, its own number
    ("……/VP-HCQT": a công văn's symbol is the agency's and the drafting unit's, ND 30/2020 Phụ lục I —
    `ky_hieu_van_ban` as written) and `kem_theo`, what is enclosed."""
    ctx = common_context(campaign, ratings, form, rows)
    ctx.update({"so_hieu": campaign.agency.so_ky_hieu(), "kem_theo": enclosed})
    # the closing names the body the letter is addressed to (label `ket_thuc`, «{so_noi_vu}»): a đơn vị sự
    # nghiệp sending to its managing Sở (CoQuan.so_noi_vu «Sở Y tế …») no longer asks the Sở Nội vụ (audit 33)
    closing = str(ctx["nhan"].get("ket_thuc") or "")
    ctx["nhan"] = {**ctx["nhan"], "ket_thuc": closing.replace("{so_noi_vu}", ctx["so_noi_vu"])}
    return ctx


def table_document_context(campaign: Campaign, ratings: Ratings, form: FormSpec, rows: list[Row]) -> dict[str, Any]:
    return common_context(campaign, ratings, form, rows)
