"""ket_qua_xep_loai.json exactly as shared/spec/cli.md defines it."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.rating.result import Ratings


def ratings_document(ratings: Ratings) -> dict:
    people = []
    for pr in ratings.people:
        people.append({
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
            },
        })
    return {
        "nam_danh_gia": ratings.nam_danh_gia,
        "bo_quy_tac": ratings.bo_quy_tac,
        "nguoi": people,
        "nhom_tuong_dong": [
            {"nhom": g.nhom, "so_nguoi": g.so_nguoi, "so_htxs_de_nghi": g.so_htxs_de_nghi,
             "so_htt_de_nghi": g.so_htt_de_nghi, "so_htxs_giu": g.so_htxs_giu, "toi_da": g.toi_da,
             "ha_muc": list(g.ha_muc), "cach_tinh": g.cach_tinh}
            for g in ratings.groups
        ],
        "canh_bao": list(ratings.canh_bao),
    }


def dumps(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(path: Path, ratings: Ratings) -> None:
    path.write_bytes(dumps(ratings_document(ratings)))
