"""Render contexts of the report to the Sở Nội vụ (`bao_cao_so_noi_vu`) and of the biểu tổng hợp
(`bieu_tong_hop`), and the deadline note (rules.md R9). Documented in docs/submission.md."""

from __future__ import annotations

import datetime as dt

from pipeline.forms.context import agency_context, dotted
from pipeline.ingest.model import Campaign
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import Ratings
from pipeline.submission.deadline import Deadline
from pipeline.submission.summary_table import Row, group_rows, vn_percent


def deadline(campaign: Campaign, today: dt.date | None = None) -> Deadline | None:
    han = campaign.agency.han_nop_so_noi_vu
    if han is None:
        return None
    return Deadline(han, today or dt.date.today())


def _num(n: int) -> str:
    return str(n)


def _row(n: int | None, row: Row) -> dict:
    out = {"stt": "" if n is None else str(n), "ten": row.ten, "tong": _num(row.tong), "xep_loai": _num(row.xep_loai),
           "khong_xep_loai": _num(row.khong_xep_loai), "ghi_chu": row.ghi_chu}
    for lv in ORDER:
        out[lv] = {"so": _num(row.muc[lv]), "ty_le": vn_percent(row.ratio(lv))}
    return out


def table_context(rows: list[Row]) -> dict:
    """`bieu`: `dong` (the 7 category rows) and `tong` (the total row), all values as text."""
    *categories, total = rows
    return {"dong": [_row(i, r) for i, r in enumerate(categories, start=1)], "tong": _row(None, total)}


def document_number(campaign: Campaign) -> str:
    """"……/BC-VP-HCQT": the number itself is left for the clerk (given by the văn thư)."""
    ky = campaign.agency.ky_hieu_van_ban.strip()
    return "\u2026" * 4 + ("/BC-" + ky if ky else "/BC")


def _groups(ratings: Ratings) -> list[dict]:
    return [{"stt": str(g["stt"]), "nhom": g["nhom"], "so_xep_loai": str(g["so_xep_loai"]), "so_htxs": str(g["so_htxs"]),
             "so_htt": str(g["so_htt"]), "toi_da": str(g["toi_da"]), "ket_luan": g["ket_luan"],
             "ngoai_le": g["ngoai_le"]} for g in group_rows(ratings)]


def common_context(campaign: Campaign, ratings: Ratings, form, rows: list[Row]) -> dict:
    ctx = agency_context(campaign, form)
    ratios = sorted({g.ty_le for g in ratings.groups}) or [ratings.thiet_lap.get("ty_le_htxs", 0.2)]
    ctx.update({
        "so_hieu": document_number(campaign),
        "bieu": table_context(rows),
        "nhom": _groups(ratings),
        "ty_le_toi_da": ", ".join(f"{round(r * 100, 2):g}".replace(".", ",") for r in ratios),
    })
    return ctx


def report_context(campaign: Campaign, ratings: Ratings, form, rows: list[Row], today: dt.date | None = None) -> dict:
    total = rows[-1]
    decided = sum(1 for pr in ratings.people if pr.rated and pr.muc_quyet_dinh)
    with_level = sum(total.muc.values())
    if decided == 0:
        basis = "Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định"
    elif decided == with_level:
        basis = "Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định"
    else:
        basis = (f"Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định đối với {decided} người; "
                 f"{with_level - decided} người còn lại là mức đề xuất")
    due = deadline(campaign, today)
    ctx = common_context(campaign, ratings, form, rows)
    ctx.update({
        "can_cu": ratings.ten_bo_quy_tac or ratings.bo_quy_tac,
        "kq": {
            "tong": total.tong, "xep_loai": total.xep_loai, "khong_xep_loai": total.khong_xep_loai,
            "chua_co_muc": len(total.chua_co_muc), "so_quyet_dinh": decided, "can_cu_muc": basis,
            "muc": [{"ma": lv, "ten": WORDS[lv], "so": total.muc[lv], "ty_le": vn_percent(total.ratio(lv)) or "0"}
                    for lv in ORDER],
        },
        "han_nop": None if due is None else {
            "ngay": f"{due.date:%d/%m/%Y}", "tinh_trang": f"tính đến ngày {due.today:%d/%m/%Y}: {due.status}",
            "so_ngay_con": due.days_left,
        },
        "cham_trien_khai": dotted(4),
        "cham_ton_tai": dotted(4),
        "cham_kien_nghi": dotted(4),
    })
    return ctx


def table_document_context(campaign: Campaign, ratings: Ratings, form, rows: list[Row]) -> dict:
    return common_context(campaign, ratings, form, rows)
