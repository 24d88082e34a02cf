"""A 2026 Sở whose Giám đốc post is vacant: a Phó Giám đốc runs it («Phó Giám đốc phụ trách») (audit kpi38).

After the 2025 mergers the Sở Nông nghiệp và Môi trường has no appointed Giám đốc; the Chủ tịch UBND tỉnh
assigned Phó Giám đốc Trần Quốc Bảo to run it. CoQuan names him as the agency head (`nguoi_dung_dau`,
the person who rates the others and signs the Sở's papers); his official post stays «Phó Giám đốc»
(`chuc_vu_nguoi_dung_dau`), and `chuc_vu_cap_truong` «Giám đốc» says that the head's post is vacant and
that he signs «KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC» (Nghị định 30/2020/NĐ-CP Art. 13 cl. 1: «Trường hợp cấp phó
được giao phụ trách, điều hành thì thực hiện ký như cấp phó ký thay cấp trưởng»).
Công chức under ND 335, one người lao động rated as công chức (the default `bo_quy_tac_khac`), monthly results
(one chuyên viên quarterly), three units: the Ban Giám đốc (two Phó Giám đốc, no Giám đốc), the Văn phòng
and one phòng. The other Phó Giám đốc chairs the Ban Giám đốc's review of the deputy in charge.

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file.
The points of every person are constant over their periods, so the year score is the period score.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam"
PROVINCE = "Ủy ban nhân dân tỉnh Hà Giang Nam"
SO_NOI_VU = "Sở Nội vụ tỉnh Hà Giang Nam"
IN_CHARGE = "Trần Quốc Bảo"  # Phó Giám đốc phụ trách
DEPUTY = "Lê Thị Thanh Hương"  # the other Phó Giám đốc
SUPERIOR = "Võ Thành Trung"

_CB = "Chi bộ Văn phòng - Ban Giám đốc"
UNITS = [
    # the deputy in charge is reviewed with the heads of the units (6 called), the other deputy chairing
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc Sở", loai_don_vi="hanh_chinh", thu_tu=1, chi_bo=_CB,
         so_thanh_vien=6),
    dict(ma_don_vi="VP", ten_don_vi="Văn phòng Sở", loai_don_vi="hanh_chinh", thu_tu=2, chi_bo=_CB),
    dict(ma_don_vi="KHTC", ten_don_vi="Phòng Kế hoạch - Tài chính", loai_don_vi="hanh_chinh", thu_tu=3,
         chi_bo="Chi bộ Phòng Kế hoạch - Tài chính"),
]

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("PT-01", IN_CHARGE, dt.date(1972, 5, 14), "Nam", "BGD", "Phó Giám đốc", "pho", "cong_chuc", True,
     "Chuyên viên cao cấp", "Bí thư Đảng ủy", "HTXS", {}),
    ("PT-02", DEPUTY, dt.date(1976, 10, 2), "Nữ", "BGD", "Phó Giám đốc", "pho", "cong_chuc", True,
     "Chuyên viên chính", "Phó Bí thư Đảng ủy", "HTXS", {}),
    ("PT-03", "Nguyễn Văn Hải", dt.date(1978, 3, 21), "Nam", "VP", "Chánh Văn phòng", "truong", "cong_chuc", True,
     "Chuyên viên chính", "Bí thư chi bộ", "HTT", {}),
    ("PT-04", "Phạm Thị Lan", dt.date(1983, 7, 9), "Nữ", "VP", "Phó Chánh Văn phòng", "pho", "cong_chuc", True,
     "Chuyên viên", "Chi ủy viên", "HTT", {}),
    ("PT-05", "Đỗ Minh Tâm", dt.date(1990, 1, 30), "Nam", "VP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("PT-06", "Vũ Thị Hoa", dt.date(1992, 11, 11), "Nữ", "VP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTT", {}),
    ("PT-07", "Hà Văn Lực", dt.date(1975, 6, 3), "Nam", "VP", "Lái xe", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("PT-08", "Hoàng Đức Anh", dt.date(1977, 9, 18), "Nam", "KHTC", "Trưởng phòng Kế hoạch - Tài chính", "truong",
     "cong_chuc", True, "Chuyên viên chính", "Bí thư chi bộ", "HTXS", {}),
    ("PT-09", "Ngô Thị Mai", dt.date(1984, 2, 25), "Nữ", "KHTC", "Phó Trưởng phòng Kế hoạch - Tài chính", "pho",
     "cong_chuc", True, "Chuyên viên", "Chi ủy viên", "HTT", {}),
    ("PT-10", "Bùi Quang Huy", dt.date(1988, 12, 5), "Nam", "KHTC", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("PT-11", "Đinh Thị Ngọc", dt.date(1991, 4, 16), "Nữ", "KHTC", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("PT-12", "Lý Văn Sơn", dt.date(1986, 8, 8), "Nam", "KHTC", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTT", {}),
    ("PT-13", "Tạ Thu Trang", dt.date(1995, 10, 20), "Nữ", "KHTC", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTT", {}),
]

# ma_so: (periods, general, a, b, c, d, đ, e); leaders' d/đ/e, others None
_SCORES: dict[str, tuple] = {
    "PT-01": ("m", 28, 100, 100, 100, 100, 95, 95),   # 28 + 70·590/600 = 96.83
    "PT-02": ("m", 27, 100, 95, 100, 100, 95, 95),    # 27 + 70·585/600 = 95.25
    "PT-03": ("m", 25, 90, 90, 90, 100, 80, 80),      # 25 + 70·530/600 = 86.83
    "PT-04": ("m", 25, 90, 85, 90, 100, 80, 80),      # 25 + 70·525/600 = 86.25
    "PT-05": ("m", 27, 100, 100, 95, None, None, None),  # 27 + 70·295/300 = 95.83
    "PT-06": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "PT-07": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "PT-08": ("m", 27, 100, 100, 95, 100, 95, 90),    # 27 + 70·580/600 = 94.67
    "PT-09": ("m", 25, 90, 90, 85, 100, 80, 80),      # 86.25
    "PT-10": ("m", 28, 100, 100, 100, None, None, None),  # 98
    "PT-11": ("m", 26, 95, 95, 95, None, None, None),  # 26 + 66.5 = 92.5
    "PT-12": ("m", 25, 90, 85, 90, None, None, None),  # 25 + 70·265/300 = 86.83
    "PT-13": ("q", 24, 85, 85, 85, None, None, None),  # 24 + 59.5 = 83.5
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; "
                          "thực hiện tốt quy chế làm việc của Sở.",
    "dao_duc_loi_song": "Có lối sống giản dị, trung thực, khiêm tốn; không có biểu hiện suy thoái.",
    "tac_phong_le_loi": "Tác phong làm việc khoa học, đúng giờ; phối hợp tốt với đồng nghiệp.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tổ chức; thực hiện đúng nội quy, quy chế của cơ quan.",
    "uu_diem": "Nhiệt tình, trách nhiệm; hoàn thành công việc đúng tiến độ.",
    "khuyet_diem": "Có lúc cập nhật sản phẩm lên hệ thống theo dõi, đánh giá còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "PT-01": "Được Ủy ban nhân dân tỉnh giao phụ trách, điều hành hoạt động của Sở từ tháng 7/2025; hoàn thành "
             "việc sắp xếp tổ chức bộ máy sau hợp nhất và 100% nhiệm vụ Ủy ban nhân dân tỉnh giao năm 2026.",
    "PT-02": "Phụ trách lĩnh vực đất đai, môi trường; giải quyết đúng hạn 100% hồ sơ thủ tục hành chính.",
    "PT-10": "Tham mưu xây dựng dự toán ngân sách năm 2027 của Sở đúng hạn, bảo đảm chất lượng.",
}


def _periods(kind: str) -> list[str]:
    return {"m": MONTHS, "q": QUARTERS}[kind]


def coquan() -> list[tuple]:
    return [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"), ("dia_danh", "Hà Giang Nam"),
            ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 4)), ("ky_hieu_van_ban", "SNNMT"),
            # the deputy in charge: his official post, and the vacant head's post he signs for («KT. GIÁM ĐỐC»)
            ("nguoi_dung_dau", IN_CHARGE), ("chuc_vu_nguoi_dung_dau", "Phó Giám đốc"),
            ("chuc_vu_cap_truong", "Giám đốc"),
            ("dang_bo", "Đảng bộ Sở Nông nghiệp và Môi trường"), ("ten_co_quan_cap_tren", PROVINCE),
            ("nguoi_dung_dau_cap_tren", SUPERIOR), ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch Ủy ban nhân dân tỉnh"),
            ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("so_noi_vu", SO_NOI_VU),
            # the Sở's own level (ND 335 rates agencies too): its self-rating file, the deputy in charge chairing
            ("tu_xep_loai_co_quan", "HTT"), ("diem_co_quan", 86), ("diem_tieu_chi_chung_co_quan", 27),
            ("diem_nhiem_vu_co_quan", 59), ("so_nguoi_trieu_tap_co_quan", 6), ("so_nguoi_du_hop_co_quan", 6),
            ("so_phieu_dong_y_co_quan", 6)]


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 2, phường Hà Giang", chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 2")
    periods = wf.period_rows(_SCORES, _periods)
    texts = wf.text_rows(people, _TEXTS, _TASKS)
    votes = [
        dict(ma_so="PT-01", so_nguoi_du_hop=6, phieu_htxs=5, phieu_htt=1, phieu_ht=0, phieu_kht=0),
        dict(ma_so="PT-02", so_nguoi_du_hop=6, phieu_htxs=4, phieu_htt=2, phieu_ht=0, phieu_kht=0),
        dict(ma_so="PT-05", so_nguoi_du_hop=5, phieu_htxs=3, phieu_htt=2, phieu_ht=0, phieu_kht=0),
        dict(ma_so="PT-10", so_nguoi_du_hop=6, phieu_htxs=5, phieu_htt=1, phieu_ht=0, phieu_kht=0),
        dict(ma_so="PT-11", so_nguoi_du_hop=6, phieu_htxs=3, phieu_htt=3, phieu_ht=0, phieu_kht=0),
    ]
    return {
        "CoQuan": coquan(),
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "ThiDua": [dict(ma_so="PT-10", danh_hieu="LDTT", phieu_dong_y=6, tong_so_phieu=6)],
        "KetQuaKy": periods,
    }


def write(path: Path, data: dict[str, list] | None = None) -> Path:
    return wf.write(path, data or tables())
