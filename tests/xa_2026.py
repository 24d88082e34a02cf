"""A 2026 commune (UBND xã after the 2025 reorganisation) as its clerk would type it (audit xa36).

No district level any more: the commune's superior is the province (Ủy ban nhân dân tỉnh), its
reports go to the Sở Nội vụ of the province. Cán bộ (Chủ tịch and Phó Chủ tịch UBND xã, Chủ tịch
HĐND xã, elected) rated by the commune's rules for cán bộ (default nd335-2025, as công chức: who
rates cán bộ in 2026 is not found, regime-2026.md §0), công chức of the Văn phòng and the two
phòng, two người lao động on contract, two chi bộ, monthly results, the Chủ tịch UBND xã (the
agency head) rated by the Chủ tịch UBND tỉnh, a Phó Chủ tịch chairing the head's review, a
khiển trách in 2026, a công chức recruited in September (4 months), a sick leave of 3 months,
HTXS proposals over the 20 % cap, and the Thường trực HĐND as a unit of one person, headed by the HĐND
(DonVi `co_quan_in`); the Chủ tịch signs the commune's own documents «TM. ỦY BAN NHÂN DÂN» / «CHỦ TỊCH»
(CoQuan `ky_thay_mat`, `chuc_vu_ky_thay_mat`).

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file.
The points of every person are constant over their periods, so the year score is the period score.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]

AGENCY = "Ủy ban nhân dân xã Tân Phước"
PROVINCE = "Ủy ban nhân dân tỉnh Hà Giang Nam"
SO_NOI_VU = "Sở Nội vụ tỉnh Hà Giang Nam"
COUNCIL = "Hội đồng nhân dân xã Tân Phước"

_CB_UBND = "Chi bộ Cơ quan Ủy ban nhân dân xã"
_CB_DANG = "Chi bộ Cơ quan Đảng - Đoàn thể xã"
UNITS = [
    dict(ma_don_vi="LD", ten_don_vi="Lãnh đạo Ủy ban nhân dân xã", loai_don_vi="hanh_chinh", thu_tu=1,
         chi_bo=_CB_UBND),
    # a unit of one person: the Chủ tịch HĐND xã
    # the HĐND is a body of its own: its Thường trực's papers and its people's forms head with it (audit xa37)
    dict(ma_don_vi="HDND", ten_don_vi="Thường trực Hội đồng nhân dân xã", loai_don_vi="hanh_chinh", thu_tu=2,
         chi_bo=_CB_DANG, co_quan_in=COUNCIL),
    dict(ma_don_vi="VP", ten_don_vi="Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", loai_don_vi="hanh_chinh",
         thu_tu=3, chi_bo=_CB_UBND),
    dict(ma_don_vi="KT", ten_don_vi="Phòng Kinh tế", loai_don_vi="hanh_chinh", thu_tu=4, chi_bo=_CB_UBND),
    dict(ma_don_vi="VHXH", ten_don_vi="Phòng Văn hóa - Xã hội", loai_don_vi="hanh_chinh", thu_tu=5, chi_bo=_CB_UBND),
]

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("X-01", "Nguyễn Hữu Phước", dt.date(1975, 3, 12), "Nam", "LD", "Chủ tịch Ủy ban nhân dân xã", "truong", "can_bo",
     True, "Chuyên viên chính", "Phó Bí thư Đảng ủy", "HTXS", {}),
    ("X-02", "Trần Thị Minh Hạnh", dt.date(1980, 7, 25), "Nữ", "LD", "Phó Chủ tịch Ủy ban nhân dân xã", "pho",
     "can_bo", True, "Chuyên viên chính", "Đảng ủy viên", "HTXS", {}),
    ("X-03", "Lê Văn Toàn", dt.date(1978, 11, 3), "Nam", "LD", "Phó Chủ tịch Ủy ban nhân dân xã", "pho", "can_bo",
     True, "Chuyên viên", "Đảng ủy viên", "HTT", {}),
    ("X-04", "Hoàng Văn Sáu", dt.date(1970, 1, 30), "Nam", "HDND", "Chủ tịch Hội đồng nhân dân xã", "truong",
     "can_bo", True, "Chuyên viên chính", "Phó Bí thư Thường trực Đảng ủy", "HTXS",
     # the Chủ tịch HĐND is not under the Chủ tịch UBND: the clerk names who rates him
     dict(nguoi_danh_gia="Lê Quang Vinh", chuc_vu_nguoi_danh_gia="Bí thư Đảng ủy xã")),
    ("X-05", "Phạm Thị Thu", dt.date(1982, 4, 18), "Nữ", "VP", "Chánh Văn phòng HĐND và UBND xã", "truong",
     "cong_chuc", True, "Chuyên viên", "Bí thư chi bộ", "HTT", {}),
    ("X-06", "Đỗ Minh Khang", dt.date(1990, 9, 9), "Nam", "VP", "Công chức Văn phòng - Thống kê", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("X-07", "Vũ Thị Ngọc Ánh", dt.date(1992, 2, 14), "Nữ", "VP", "Công chức Tư pháp - Hộ tịch", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("X-08", "Bùi Văn Nam", dt.date(1988, 6, 21), "Nam", "VP", "Công chức Văn phòng - Thống kê", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", None, "HTT", {}),
    ("X-09", "Ngô Thanh Tùng", dt.date(1979, 12, 5), "Nam", "KT", "Trưởng phòng Kinh tế", "truong", "cong_chuc", True,
     "Chuyên viên chính", "Chi ủy viên", "HTT", {}),
    ("X-10", "Đinh Văn Lợi", dt.date(1986, 8, 17), "Nam", "KT", "Công chức Địa chính - Xây dựng", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", "Đảng viên", "HTT", {}),
    ("X-11", "Lý Thị Hồng", dt.date(1994, 10, 28), "Nữ", "KT", "Công chức Tài chính - Kế toán", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", None, "HTXS", {}),
    ("X-12", "Mạc Văn Hiếu", dt.date(2000, 5, 2), "Nam", "KT", "Công chức Nông nghiệp - Môi trường", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", None, "HTT",
     dict(so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2026.")),
    ("X-13", "Tạ Thị Mai", dt.date(1977, 3, 8), "Nữ", "VHXH", "Trưởng phòng Văn hóa - Xã hội", "truong", "cong_chuc",
     True, "Chuyên viên chính", "Chi ủy viên", "HTXS", {}),
    ("X-14", "Quách Văn Thắng", dt.date(1985, 1, 19), "Nam", "VHXH", "Công chức Văn hóa - Xã hội", "nhan_vien",
     "cong_chuc", False, "Chuyên viên", "Đảng viên", "HTT",
     dict(so_thang_nghi=3, ghi_chu="Nghỉ ốm điều trị dài ngày từ 01/3/2026 đến 31/5/2026 (03 tháng).")),
    ("X-15", "Châu Thị Lệ", dt.date(1991, 7, 7), "Nữ", "VHXH", "Công chức Văn hóa - Xã hội", "nhan_vien", "cong_chuc",
     False, "Chuyên viên", None, "HTXS", {}),
    ("X-16", "Dương Văn Bình", dt.date(1968, 9, 1), "Nam", "VP", "Bảo vệ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("X-17", "Lò Thị Sen", dt.date(1983, 12, 12), "Nữ", "VP", "Phục vụ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
]

# ma_so: (months, general, a, b, c, d, đ, e); leaders' d/đ/e, others None
_SCORES: dict[str, tuple] = {
    "X-01": ("m", 28, 100, 100, 100, 100, 95, 95),   # 28 + 70·590/600 = 96.83
    "X-02": ("m", 27, 100, 95, 100, 100, 95, 95),    # 27 + 70·585/600 = 95.25
    "X-03": ("m", 25, 90, 90, 90, 100, 80, 80),      # 25 + 70·530/600 = 86.83
    "X-04": ("m", 28, 100, 100, 95, 100, 95, 95),    # 28 + 70·585/600 = 96.25
    "X-05": ("m", 26, 95, 90, 90, 100, 90, 85),      # 26 + 70·550/600 = 90.16
    "X-06": ("m", 27, 100, 100, 95, None, None, None),  # 27 + 70·295/300 = 95.83
    "X-07": ("m", 28, 100, 100, 100, None, None, None),  # 98
    "X-08": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "X-09": ("m", 25, 90, 90, 85, 100, 80, 80),      # 25 + 70·525/600 = 86.25
    "X-10": ("m", 25, 90, 90, 90, None, None, None),  # 88, khiển trách: KHT
    "X-11": ("m", 26, 100, 95, 95, None, None, None),  # 26 + 70·290/300 = 93.66
    "X-12": ("m4", 25, 90, 90, 90, None, None, None),  # Sep–Dec: not rated
    "X-13": ("m", 27, 100, 95, 95, 100, 95, 90),     # 27 + 70·575/600 = 94.08
    "X-14": ("m9", 24, 85, 85, 85, None, None, None),  # 24 + 59.5 = 83.5 (Jan–Feb, Jun–Dec)
    "X-15": ("m", 26, 95, 95, 95, None, None, None),  # 26 + 66.5 = 92.5
    "X-16": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "X-17": ("m", 24, 85, 85, 85, None, None, None),  # 83.5
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; "
                          "thực hiện tốt quy chế làm việc của Ủy ban nhân dân xã.",
    "dao_duc_loi_song": "Có lối sống giản dị, trung thực; gần gũi, tôn trọng Nhân dân.",
    "tac_phong_le_loi": "Tác phong làm việc khoa học; ứng xử đúng mực khi tiếp công dân tại Trung tâm Phục vụ "
                        "hành chính công xã.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tổ chức; thực hiện đúng nội quy, quy chế của cơ quan.",
    "uu_diem": "Nhiệt tình, trách nhiệm; giải quyết hồ sơ của người dân đúng hạn.",
    "khuyet_diem": "Có lúc cập nhật dữ liệu lên hệ thống thông tin giải quyết thủ tục hành chính còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "X-01": "Lãnh đạo, điều hành toàn diện hoạt động của Ủy ban nhân dân xã; hoàn thành 18/18 chỉ tiêu kinh tế - "
            "xã hội Hội đồng nhân dân xã giao năm 2026.",
    "X-02": "Phụ trách khối kinh tế; thu ngân sách trên địa bàn đạt 112% dự toán.",
    "X-04": "Chủ trì 04 kỳ họp Hội đồng nhân dân xã; tổ chức 12 cuộc giám sát chuyên đề.",
    "X-07": "Giải quyết 1.846 hồ sơ hộ tịch, chứng thực đúng hạn 100%.",
    "X-10": "Thẩm định hồ sơ cấp giấy chứng nhận quyền sử dụng đất; để chậm 06 hồ sơ.",
    "X-14": "Thực hiện công tác văn hóa, thông tin trong thời gian công tác thực tế 09 tháng.",
}


def _periods(kind: str) -> list[str]:
    return {"m": MONTHS, "m4": MONTHS[8:], "m9": MONTHS[:2] + MONTHS[5:]}[kind]


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Ấp Phước Lợi, xã Tân Phước", chi_bo_noi_cu_tru="Chi bộ ấp Phước Lợi")
    periods = wf.period_rows(_SCORES, _periods)
    texts = wf.text_rows(people, _TEXTS, _TASKS)
    votes = [
        dict(ma_so="X-06", so_nguoi_du_hop=5, phieu_htxs=3, phieu_htt=2, phieu_ht=0, phieu_kht=0),
        dict(ma_so="X-07", so_nguoi_du_hop=5, phieu_htxs=5, phieu_htt=0, phieu_ht=0, phieu_kht=0),
        dict(ma_so="X-11", so_nguoi_du_hop=4, phieu_htxs=2, phieu_htt=2, phieu_ht=0, phieu_kht=0),
        dict(ma_so="X-15", so_nguoi_du_hop=3, phieu_htxs=2, phieu_htt=1, phieu_ht=0, phieu_kht=0),
    ]
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"), ("dia_danh", "Tân Phước"),
                   ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 4)), ("ky_hieu_van_ban", "UBND"),
                   ("nguoi_dung_dau", "Nguyễn Hữu Phước"), ("chuc_vu_nguoi_dung_dau", "Chủ tịch Ủy ban nhân dân xã"),
                   ("dang_bo", "Đảng bộ xã Tân Phước"), ("ten_co_quan_cap_tren", PROVINCE),
                   ("nguoi_dung_dau_cap_tren", "Võ Thành Trung"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch Ủy ban nhân dân tỉnh"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("so_noi_vu", SO_NOI_VU),
                   # the Phó Chủ tịch chairs the meeting that reviews the Chủ tịch
                   ("chu_tri_hop_co_quan", "Trần Thị Minh Hạnh"),
                   # the Chủ tịch signs the commune's own documents for the Ủy ban nhân dân (ND 30/2020: «TM.»)
                   ("ky_thay_mat", "Ủy ban nhân dân"), ("chuc_vu_ky_thay_mat", "Chủ tịch")],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [dict(ma_so="X-10", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="87/QĐ-UBND",
                        ngay_hieu_luc=dt.date(YEAR, 6, 10), lien_quan_cong_vu="Có")],
        "ThiDua": [dict(ma_so="X-07", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Số hóa sổ hộ tịch giai đoạn 1999 - 2015" (QĐ 312/QĐ-UBND ngày 20/10/2026)',
                        phieu_dong_y=5, tong_so_phieu=5),
                   dict(ma_so="X-06", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=5)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    return wf.write(path, tables())
