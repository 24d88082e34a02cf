"""ket_qua_xep_loai.json exactly as shared/spec/cli.md defines it (extra keys are additions only)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.output import Staged
from pipeline.rating.result import GroupCap, PeriodScore, PersonRating, Ratings
from pipeline.rating.summary import agency_htxs


def person_document(pr: PersonRating) -> dict[str, Any]:
    return {
        # the contract's keys, in the contract's order
        "ma_so": pr.ma_so,
        "ho_ten": pr.ho_ten,
        "ma_don_vi": pr.ma_don_vi,
        "nhom_tuong_dong": pr.nhom_tuong_dong,
        "trang_thai": pr.trang_thai,
        "tu_xep_loai": pr.tu_xep_loai,
        "muc_de_xuat": pr.muc_de_xuat,
        "muc_quyet_dinh": pr.muc_quyet_dinh,
        "muc_toi_da": pr.muc_toi_da,
        "ly_do": list(pr.ly_do),
        "canh_bao": list(pr.canh_bao),
        "thi_dua": None if pr.thi_dua is None else {
            "de_nghi": pr.thi_dua.de_nghi, "du_dieu_kien": pr.thi_dua.du_dieu_kien, "ly_do": list(pr.thi_dua.ly_do),
            "dat_ldtt": pr.thi_dua.dat_ldtt, "ty_le_phieu": _r(pr.thi_dua.ty_le_phieu),
        },
        # additions
        "muc_hop": pr.muc_hop,
        "nguon_de_xuat": pr.nguon_de_xuat,
        "diem": _cut(pr.diem),
        "muc_dang_vien": pr.muc_dang_vien,
        "diem_ky": [period_document(k) for k in pr.diem_ky],
        **({"bo_quy_tac": pr.bo_quy_tac} if pr.bo_quy_tac else {}),
        # the key of the person's electronic record (NhanSu «Số định danh cá nhân»), when the workbook has it
        **({"so_dinh_danh": pr.so_dinh_danh} if pr.so_dinh_danh else {}),
    }


def _with_meeting(doc: dict[str, Any], at_meeting: PersonRating) -> dict[str, Any]:
    """`cuoc_hop` (an addition): the proposal and its reasons as the unit's meeting made them, which
    the papers print (docs/render-context.md), for a person whose current `muc_de_xuat` differs from
    it (the 20 % check worked out again after others' decisions took or freed the group's places)."""
    if at_meeting.muc_de_xuat != doc["muc_de_xuat"]:
        doc["cuoc_hop"] = {"muc_de_xuat": at_meeting.muc_de_xuat, "ly_do": list(at_meeting.ly_do)}
    return doc


def period_document(k: PeriodScore) -> dict[str, Any]:
    """One period of the points regime: its score and the percentages behind it."""
    return {"ky": k.ky, "diem": _cut(k.diem), "diem_tieu_chi_chung": _r(k.diem_tieu_chi_chung),
            "a": _r(k.a), "b": _r(k.b), "c": _r(k.c), "d": _r(k.d), "dd": _r(k.dd), "e": _r(k.e),
            "don_vi_danh_gia": k.don_vi_danh_gia}


def group_document(g: GroupCap) -> dict[str, Any]:
    return {
        "nhom": g.nhom, "don_vi": list(g.don_vi), "so_nguoi": g.so_nguoi, "so_xep_loai": g.so_xep_loai,
        "so_htxs_de_nghi": g.so_htxs_de_nghi, "so_htt_de_nghi": g.so_htt_de_nghi, "so_htxs_giu": g.so_htxs_giu,
        "toi_da": g.toi_da, "ha_muc": list(g.ha_muc), "cach_tinh": g.cach_tinh, "ty_le": g.ty_le,
        "lam_tron": g.lam_tron, "ngoai_le": g.ngoai_le or None, "bang_nhau": list(g.bang_nhau),
        "xep_hang": [{"ma_so": c.ma_so, "ho_ten": c.ho_ten, "ty_le_phieu_htxs": _r(c.ty_le_phieu_htxs),
                      "diem": _cut(c.diem), "giu": c.giu} for c in g.xep_hang],
        "muc_cuoi": {"so_htxs": g.so_htxs_cuoi, "so_htt": g.so_htt_cuoi, "toi_da": g.toi_da_cuoi,
                     "so_quyet_dinh": g.so_quyet_dinh, "vuot": g.vuot_cuoi},
        "ten_nhom": g.ten_nhom, "so_htxs_quyet_dinh": g.so_htxs_quyet_dinh, "so_htt_quyet_dinh": g.so_htt_quyet_dinh,
    }


def ratings_document(ratings: Ratings) -> dict[str, Any]:
    emu = asdict(ratings.thi_dua)
    emu["ty_le_truc_tiep"] = _r(emu["ty_le_truc_tiep"])
    htxs, rated = agency_htxs(ratings)
    meeting = ratings.unit_proposals()
    return {
        "nam_danh_gia": ratings.nam_danh_gia,
        "bo_quy_tac": ratings.bo_quy_tac,
        "nguoi": [_with_meeting(person_document(pr), meeting.of(pr.ma_so)) for pr in ratings.people],
        # additions
        "ten_bo_quy_tac": ratings.ten_bo_quy_tac,
        "thiet_lap": ratings.thiet_lap,
        "nhom_tuong_dong": [group_document(g) for g in ratings.groups],
        "thi_dua": emu,
        "htxs_co_quan": {"so_htxs": htxs, "so_xep_loai": rated, "ty_le": _r(htxs / rated) if rated else None},
        "canh_bao": list(ratings.canh_bao),
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _cut(x: float | None) -> float | None:
    """A score to 4 decimals, cut (never rounded up: 89.99999 stays below 90, as its level says)."""
    return None if x is None else math.floor(round(x * 10_000, 6)) / 10_000


def dumps(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(path: Path, ratings: Ratings) -> None:
    path.write_bytes(dumps(ratings_document(ratings)))


JSON, XLSX = "ket_qua_xep_loai.json", "ket_qua_xep_loai.xlsx"


def write_ratings(files: Staged, ratings: Ratings, *, ngoac_kep: bool = False, public_service: bool | None = None,
                  order: Sequence[str] = ()) -> None:
    """The two ratings files into a staged output, for `hoso rate` and `hoso build` alike: the .json,
    and the .xlsx (`ratings_xlsx`; a big agency's on the other CPU meanwhile, then read with the
    manifest's scan); `ngoac_kep`: the .xlsx prints «…» as “…” (pipeline/quotes.py), the .json (data,
    read by `hoso serve`) keeps them; `public_service`: the agency is a đơn vị sự nghiệp công lập (the .xlsx's words);
    `order`: the .xlsx's rows in the dossiers' order (`plan.dossier_order`; the .json keeps the workbook's)."""
    from pipeline.submission import ratings_xlsx

    if ratings_xlsx.in_background(ratings):
        # the .xlsx helper forked first, the .json encoded meanwhile (json's indented encoder is pure Python:
        # ~1 s for 10,000 people, which had run before the helper started)
        with ratings_xlsx.writing(files.root / XLSX, ratings, ngoac_kep=ngoac_kep,
                                  public_service=public_service, order=order):
            files.write(JSON, dumps(ratings_document(ratings)))
    else:
        files.write(JSON, dumps(ratings_document(ratings)))
        files.write(XLSX, ratings_xlsx.to_bytes(ratings, ngoac_kep=ngoac_kep, public_service=public_service,
                                                order=order))
