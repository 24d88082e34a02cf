"""The agency's own self-rating file (dossier.md §3.2 item 3; seed 001 3.a–b): render contexts of
the self-assessment report (`bao_cao_tu_danh_gia_co_quan`) and of the minutes of the key-staff
meeting that votes the agency's level (`bien_ban_tu_xep_loai_co_quan`). Made only when CoQuan gives
`tu_xep_loai_co_quan`. Documented in docs/submission.md."""

from __future__ import annotations

from typing import Any

from pipeline.forms.context import date_line, dotted
from pipeline.forms.registry import FormSpec
from pipeline.ingest.cells import name_key
from pipeline.ingest.model import Campaign
from pipeline.rating import agency_kind
from pipeline.rating.agency_kind import public_service_unit
from pipeline.rating.levels import WORDS
from pipeline.rating.result import Ratings
from pipeline.rating.rules import pct
from pipeline.submission import report
from pipeline.submission.summary_table import Row

DOTS_SHORT = "\u2026" * 4
ND335_FROM = 2026  # ND 335/2025 rates cơ quan hành chính nhà nước from the 2026 evaluation (regime-2026.md §1.1)


def wanted(campaign: Campaign) -> bool:
    return bool(campaign.agency.tu_xep_loai_co_quan)


def missing_note(noun: str = agency_kind.ADMINISTRATIVE_NOUN) -> str:
    """The console's note that the agency's own self-rating file was not made; `noun`: what the agency's papers call it
    (`agency_kind.agency_noun`: «đơn vị» for a đơn vị sự nghiệp công lập); the cell's label is the workbook's."""
    return (f"Chưa tạo hồ sơ tự xếp loại {noun} (báo cáo tự đánh giá và biên bản họp cán bộ chủ chốt): sheet CoQuan "
            "chưa có «Mức cơ quan tự xếp loại»; điền ô này (và ngày họp, số người dự họp, số phiếu đồng ý nếu có) rồi "
            "tạo lại hồ sơ.")


def _points(x: float | None) -> str:
    return "" if x is None else f"{x:g}".replace(".", ",")


def _same(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)  # spaces, case, NFC/NFD and the tone mark's place aside


def _text_or_dots(text: str, lines: int = 4) -> str:
    return text.strip() or dotted(lines)


def _count(n: int | None) -> str:
    return DOTS_SHORT if n is None else f"{n:02d} người" if n < 10 else f"{n} người"


def context(campaign: Campaign, ratings: Ratings, form: FormSpec, rows: list[Row]) -> dict[str, Any]:
    """Common variables (agency header, `so_noi_vu`, citations) plus `can_cu_co_quan`, `td` and `bb`."""
    a = campaign.agency
    ctx = report.common_context(campaign, ratings, form, rows)
    cites = ctx["can_cu_day_du"]
    # from 2026 ND 335/2025 rates agencies (its cong_chuc citation names "cơ quan hành chính nhà nước") and the
    # viên chức rules (ND 233/2026, regime-2026.md §2: «đối với đơn vị sự nghiệp công lập và viên chức») rate a
    # đơn vị sự nghiệp công lập; before, no decree rates agencies: the label names the collective framework instead
    if campaign.year >= ND335_FROM:
        ctx["can_cu_co_quan"] = cites["vien_chuc"] if public_service_unit(campaign, ratings) else cites["cong_chuc"]
    else:
        ctx["can_cu_co_quan"] = ctx["nhan"].get("can_cu_truoc_2026", "hướng dẫn của cấp có thẩm quyền")
    # a báo cáo: «……/BC-<agency>» (ND 30/2020, Phụ lục I), as the report to the Sở Nội vụ
    ctx["so_hieu"] = a.so_ky_hieu("BC")
    # the minutes' number line (label `so_ky_hieu`, «Số: ……/BB-{ky_hieu_co_quan}»): a biên bản's symbol is its
    # type and the agency's abbreviation; with no abbreviation the «-{ky_hieu_co_quan}» goes
    line = str(ctx["nhan"].get("so_ky_hieu") or "")
    if "{ky_hieu_co_quan}" in line:
        own = a.ky_hieu_ban_hanh
        line = (line.replace("{ky_hieu_co_quan}", own) if own
                else line.replace("-{ky_hieu_co_quan}", "").replace("{ky_hieu_co_quan}", ""))
        ctx["nhan"] = {**ctx["nhan"], "so_ky_hieu": line}
    ctx["dong_ngay"] = date_line(a.dia_danh, a.ngay_bao_cao_tu_danh_gia, campaign.year)
    level = WORDS[a.tu_xep_loai_co_quan]
    diem = None
    if a.diem_co_quan is not None:
        diem = {"tong": _points(a.diem_co_quan), "chung": _points(a.diem_tieu_chi_chung_co_quan),
                "nhiem_vu": _points(a.diem_nhiem_vu_co_quan)}
        if a.diem_tieu_chi_chung_co_quan is None or a.diem_nhiem_vu_co_quan is None:
            diem["chung"] = ""
    ctx["td"] = {"muc": level, "diem": diem, "ket_qua": _text_or_dots(a.ket_qua_co_quan, 6),
                 "uu_diem": _text_or_dots(a.uu_diem_co_quan), "han_che": _text_or_dots(a.han_che_co_quan),
                 "phuong_huong": _text_or_dots(a.phuong_huong_co_quan)}
    d = a.ngay_hop_tu_xep_loai
    when = (f"vào hồi …… giờ …… phút, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}" if d is not None
            else f"vào hồi …… giờ …… phút, ngày …… tháng …… năm {campaign.year}")
    called, present, votes = a.so_nguoi_trieu_tap_co_quan, a.so_nguoi_du_hop_co_quan, a.so_phieu_dong_y_co_quan
    chair = a.chu_tri_hop_co_quan.strip() or a.nguoi_dung_dau
    chair_title = a.chuc_vu_nguoi_dung_dau if _same(chair, a.nguoi_dung_dau) else ""
    phieu = None
    if votes is not None and present is not None:
        phieu = {"bieu_quyet": str(present), "dong_y": str(votes), "khong_dong_y": str(present - votes),
                 "ty_le": pct(votes / present).rstrip("%") if present else "0"}
    ctx["bb"] = {
        "thoi_gian": when, "dia_diem": "\u2026" * 22,
        "trieu_tap": _count(called), "co_mat": _count(present),
        "vang": _count(called - present) if called is not None and present is not None else DOTS_SHORT,
        "chu_tri": f"{chair}, {chair_title}" if chair_title else chair,
        "thu_ky": a.thu_ky_hop_co_quan.strip() or "\u2026" * 22,
        "ten_chu_tri": chair, "ten_thu_ky": a.thu_ky_hop_co_quan.strip(),
        "y_kien": dotted(4), "cham_phieu": dotted(3), "phieu": phieu, "muc": level,
    }
    return ctx
