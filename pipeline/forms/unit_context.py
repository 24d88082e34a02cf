"""Render contexts of unit and agency documents (minutes, collective review, ballot count,
summary tables, notice of results), as plain JSON-able data. Documented in docs/render-context.md."""

from __future__ import annotations

from collections import Counter

from pipeline.forms import context_2026  # the 2026 forms (form set nd335)
from pipeline.forms.context import agency_context, dotted, unit_context
from pipeline.ingest import schema
from pipeline.ingest.model import Campaign, Person, Unit
from pipeline.plan import review_order
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import PersonRating, Ratings

DANH_HIEU = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
VAI_TRO = {"truong": "Người đứng đầu", "pho": "Cấp phó", "nhan_vien": ""}


def _num(n) -> str:
    return "" if n is None else f"{n:g}" if isinstance(n, float) else str(n)


def _note(pr: PersonRating, discipline: bool) -> str:
    if not pr.rated:
        return "Công tác dưới 06 tháng: không xếp loại"
    notes = []
    if discipline:
        notes.append("Kỷ luật trong năm")
    if pr.muc_toi_da == "HT" and not discipline:
        notes.append("Nghỉ từ 03 đến dưới 06 tháng")
    if pr.muc_de_xuat == "HTT" and pr.muc_hop == "HTXS":
        notes.append("Hạ mức do vượt tỷ lệ HTXS")
    return "; ".join(notes)


def _member(i: int, p: Person, pr: PersonRating, campaign: Campaign, disciplined: set[str]) -> dict:
    vote = campaign.votes.get(p.ma_so)
    return {
        "stt": i, "ma_so": p.ma_so, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "ngach": p.ngach_chuc_danh,
        "loai_nhan": schema.LOAI_NHAN_SU[p.loai_nhan_su], "vai_tro_nhan": VAI_TRO[p.vai_tro],
        "dang_vien": "x" if p.dang_vien else "", "nhom": pr.nhom_tuong_dong,
        "tu_xep_loai": p.tu_xep_loai or "", "tu_xep_loai_chu": WORDS.get(p.tu_xep_loai or "", ""),
        "so_du_hop": _num(vote.so_nguoi_du_hop) if vote else "",
        "phieu": {lv: (_num(vote.phieu.get(lv, 0)) if vote else "") for lv in ORDER},
        "muc_hop": pr.muc_hop or "", "muc_hop_chu": WORDS.get(pr.muc_hop or "", ""),
        "muc_de_xuat": pr.muc_de_xuat or "", "muc_de_xuat_chu": WORDS.get(pr.muc_de_xuat or "", ""),
        "muc_quyet_dinh": pr.muc_quyet_dinh or "", "muc_cuoi": pr.muc_cuoi or "",
        "muc_cuoi_chu": WORDS.get(pr.muc_cuoi or "", "Không xếp loại" if not pr.rated else ""),
        "khong_xep_loai": not pr.rated, "ky_luat": "x" if p.ma_so in disciplined else "",
        "thang_cong_tac": _num(p.so_thang_cong_tac), "thang_nghi": _num(p.so_thang_nghi) if p.so_thang_nghi else "",
        "ghi_chu": _note(pr, p.ma_so in disciplined),
    }


def _counts(prs: list[PersonRating]) -> dict:
    c = Counter(pr.muc_cuoi if pr.rated else "khong_xep_loai" for pr in prs)
    return {**{lv: c.get(lv, 0) for lv in ORDER}, "khong_xep_loai": c.get("khong_xep_loai", 0), "tong": len(prs)}


def _emulation_rows(people: list[Person], ratings: Ratings, campaign: Campaign) -> tuple[list[dict], dict]:
    props = {e.ma_so: e for e in campaign.emulation}
    rows = []
    for p in people:
        prop = props.get(p.ma_so)
        pr = ratings.of(p.ma_so)
        if prop is None or pr.thi_dua is None:
            continue
        yes, total = prop.phieu_dong_y, prop.tong_so_phieu
        rows.append({
            "stt": len(rows) + 1, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu, "muc_chu": WORDS.get(pr.muc_cuoi or "", "Không xếp loại"),
            "danh_hieu": DANH_HIEU[prop.danh_hieu], "sang_kien": prop.sang_kien,
            "hinh_thuc": schema.HINH_THUC_KHEN.get(prop.hinh_thuc_khen_thuong, ""),
            "truc_tiep": "x" if p.truc_tiep_cong_tac else "",
            "phieu": f"{yes}/{total}" if yes is not None and total else "",
            "ty_le": f"{yes / total:.0%}" if yes is not None and total else "",
            "du_dieu_kien": "Đủ điều kiện" if pr.thi_dua.du_dieu_kien else "Không đủ điều kiện",
            "ly_do": pr.thi_dua.ly_do[-1] if pr.thi_dua.ly_do else "",
        })
    eligible = [r for r in rows if r["du_dieu_kien"] == "Đủ điều kiện"]
    direct = sum(1 for r in eligible if r["truc_tiep"])
    totals = {
        "de_nghi": len(rows), "du_dieu_kien": len(eligible),
        "ldtt": sum(1 for r in eligible if r["danh_hieu"] == DANH_HIEU["LDTT"]),
        "cstdcs": sum(1 for r in eligible if r["danh_hieu"] == DANH_HIEU["CSTDCS"]),
        "truc_tiep": direct, "truc_tiep_ty_le": f"{direct / len(eligible):.0%}" if eligible else "",
    }
    return rows, totals


def unit_document_context(campaign: Campaign, ratings: Ratings, form, unit: Unit) -> dict:
    people = review_order([p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi])
    prs = [ratings.of(p.ma_so) for p in people]
    disciplined = {d.ma_so for d in campaign.disciplines if d.ngay_hieu_luc.year == campaign.year}
    head = next((p for p in people if p.vai_tro == "truong"), None)
    deputy = next((p for p in people if p.vai_tro == "pho"), None)
    chair = head or deputy
    votes = [campaign.votes[p.ma_so].so_nguoi_du_hop for p in people if p.ma_so in campaign.votes]
    groups = {pr.nhom_tuong_dong for pr in prs}
    rows, totals = _emulation_rows(people, ratings, campaign)
    ctx = agency_context(campaign, form)

    def who(p: Person | None) -> dict:
        return {"ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu} if p else {"ho_ten": "", "chuc_vu": ""}

    ctx.update({
        "don_vi": unit_context(unit),
        "chu_tri": who(chair),
        "chu_tri_khi_kiem_diem_truong": who(deputy),
        "so_nguoi": len(people),
        "so_du_hop": _num(max(votes)) if votes else "",
        "thanh_vien": [_member(i, p, pr, campaign, disciplined) for i, (p, pr) in enumerate(zip(people, prs, strict=True), 1)],
        "dem": _counts(prs),
        "nhom": [
            {"nhom": g.nhom, "so_htxs": g.so_htxs_giu, "so_htt": g.so_htt_de_nghi + len(g.ha_muc), "toi_da": g.toi_da,
             "dat": g.so_htxs_giu <= g.toi_da, "cach_tinh": g.cach_tinh}
            for g in ratings.groups if g.nhom in groups
        ],
        "thi_dua": rows,
        "tong_thi_dua": totals,
        "cham": dotted(2),
    })
    if form.code in context_2026.UNIT_FORMS:
        ctx.update(context_2026.unit_context_2026(campaign, ratings, unit, ctx["thanh_vien"]))
    return ctx


def agency_document_context(campaign: Campaign, ratings: Ratings, form) -> dict:
    ctx = agency_context(campaign, form)
    units = []
    for unit in campaign.units:
        people = review_order([p for p in campaign.people if p.ma_don_vi == unit.ma_don_vi])
        if not people:
            continue
        units.append({
            "ten": unit.ten_don_vi,
            "thanh_vien": [
                {"stt": i, "ho_ten": p.ho_ten, "chuc_vu": p.chuc_vu,
                 "muc_chu": WORDS.get(ratings.of(p.ma_so).muc_cuoi or "", "Không xếp loại" if not ratings.of(p.ma_so).rated else "Chưa có mức")}
                for i, p in enumerate(people, 1)
            ],
        })
    ctx.update({"don_vi_list": units, "dem": _counts(list(ratings.people)), "cham": dotted(2)})
    return ctx
