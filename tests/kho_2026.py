"""A 2026 Sở with the hard cases of a campaign, as its clerk would type them (audit hard).

«Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Giang Nam»: a Ban Giám đốc, the Văn phòng Sở, a phòng whose Trưởng
phòng post is vacant (the Phó Trưởng phòng is in charge of it), and a centre (đơn vị sự nghiệp) of viên chức and
a người lao động, monthly results. The Giám đốc Sở (agency head) is rated by the Chủ tịch UBND tỉnh; every
other person by the Giám đốc Sở. The people whose papers are most often wrong:
- K-04 recruited 01/8/2026 (5 months: not rated) and K-05 recruited 01/6/2026 (7 months: rated);
- K-09 transferred in on 01/7/2026 from the Sở Du lịch after 6 months there (its months sent by the old Sở);
- K-10 on maternity leave 01/3–31/8/2026 (rated on the 6 months worked), K-16 on sick leave for 4 months
  (rated, at most HT);
- K-11 khiển trách for a public-service fault, in force 15/5/2026 (KHT); K-12 whose act was counted in 2025 (the
  party's decision of 2025) and whose state decision came in 2026 (not counted again);
- K-07 retiring from 01/10/2026 (9 months worked); K-06 and K-18 người lao động; K-15 – K-17 viên chức;
- K-13 a party member whose party level was typed above his state level;
- K-08 the Phó Trưởng phòng in charge of a phòng with no Trưởng phòng; K-03 the Chánh Văn phòng, a unit head rated
  by the Giám đốc Sở.

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file. The points of
every person are constant over their months, so the year score is the month score.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]

AGENCY = "Sở Văn hóa, Thể thao và Du lịch tỉnh Hà Giang Nam"
PROVINCE = "Ủy ban nhân dân tỉnh Hà Giang Nam"
SO_NOI_VU = "Sở Nội vụ tỉnh Hà Giang Nam"
OLD_AGENCY = "Sở Du lịch tỉnh Hà Giang Nam"
_CHI_BO = "Chi bộ Văn phòng Sở"
_CHI_BO_TT = "Chi bộ Trung tâm Văn hóa tỉnh"

UNITS = [
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc Sở", loai_don_vi="hanh_chinh", thu_tu=1, chi_bo=_CHI_BO),
    dict(ma_don_vi="VP", ten_don_vi="Văn phòng Sở", loai_don_vi="hanh_chinh", thu_tu=2, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 2)),
    # the Trưởng phòng post is vacant: the Phó Trưởng phòng runs the phòng
    dict(ma_don_vi="QLVH", ten_don_vi="Phòng Quản lý văn hóa", loai_don_vi="hanh_chinh", thu_tu=3, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 3)),
    dict(ma_don_vi="TTVH", ten_don_vi="Trung tâm Văn hóa tỉnh", loai_don_vi="su_nghiep", thu_tu=4,
         chi_bo=_CHI_BO_TT, ngay_hop=dt.date(YEAR, 12, 3), bo_quy_tac_khac="nd233-2026",
         # the centre's director rates its viên chức and worker; he himself is rated by the Giám đốc Sở
         nguoi_danh_gia="Mai Xuân Trường", chuc_vu_nguoi_danh_gia="Giám đốc Trung tâm Văn hóa tỉnh"),
]

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("K-01", "Nguyễn Văn Hùng", dt.date(1970, 4, 2), "Nam", "BGD", "Giám đốc Sở", "truong", "cong_chuc", True,
     "Chuyên viên cao cấp", "Bí thư chi bộ", "HTXS", {}),
    ("K-02", "Trần Thị Lan Anh", dt.date(1976, 8, 15), "Nữ", "BGD", "Phó Giám đốc Sở", "pho", "cong_chuc", True,
     "Chuyên viên chính", "Phó Bí thư chi bộ", "HTT", {}),
    ("K-03", "Lê Minh Quân", dt.date(1978, 1, 20), "Nam", "VP", "Chánh Văn phòng Sở", "truong", "cong_chuc", True,
     "Chuyên viên chính", "Chi ủy viên", "HTT", {}),
    ("K-04", "Phạm Thu Trang", dt.date(1999, 3, 3), "Nữ", "VP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTT", dict(so_thang_cong_tac=5, ghi_chu="Tuyển dụng từ 01/8/2026.")),
    ("K-05", "Đặng Quốc Bảo", dt.date(1997, 6, 11), "Nam", "VP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTT", dict(so_thang_cong_tac=7, ghi_chu="Tuyển dụng từ 01/6/2026.")),
    ("K-06", "Võ Văn Tư", dt.date(1975, 9, 9), "Nam", "VP", "Lái xe", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("K-07", "Hồ Thị Nga", dt.date(1966, 9, 25), "Nữ", "VP", "Chuyên viên chính", "nhan_vien", "cong_chuc", False,
     "Chuyên viên chính", "Đảng viên", "HTT",
     dict(so_thang_cong_tac=9, da_nghi="Có", ghi_chu="Nghỉ hưu từ 01/10/2026.")),
    ("K-08", "Bùi Thanh Tâm", dt.date(1982, 5, 5), "Nam", "QLVH", "Phó Trưởng phòng Quản lý văn hóa (phụ trách)",
     "pho", "cong_chuc", True, "Chuyên viên chính", "Chi ủy viên", "HTT", {}),
    ("K-09", "Đoàn Văn Phúc", dt.date(1988, 12, 1), "Nam", "QLVH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT",
     dict(co_quan_cu=OLD_AGENCY, so_thang_co_quan_cu=6, ghi_chu="Chuyển đến từ Sở Du lịch từ 01/7/2026.")),
    ("K-10", "Ngô Thị Hoa", dt.date(1993, 2, 14), "Nữ", "QLVH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT",
     dict(so_thang_cong_tac=6, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/3/2026 đến 31/8/2026 (06 tháng).")),
    ("K-11", "Trịnh Văn Khoa", dt.date(1985, 7, 7), "Nam", "QLVH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT", {}),
    ("K-12", "Lương Thị Mỹ", dt.date(1987, 10, 10), "Nữ", "QLVH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT", {}),
    ("K-13", "Cao Văn Đức", dt.date(1984, 11, 30), "Nam", "QLVH", "Chuyên viên chính", "nhan_vien", "cong_chuc",
     False, "Chuyên viên chính", "Đảng viên", "HTT", dict(muc_dang_vien="HTXS")),
    ("K-14", "Hà Thị Thu Thủy", dt.date(1990, 4, 4), "Nữ", "QLVH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     "Chuyên viên", None, "HTXS", {}),
    ("K-15", "Mai Xuân Trường", dt.date(1979, 2, 2), "Nam", "TTVH", "Giám đốc Trung tâm Văn hóa tỉnh", "truong",
     "vien_chuc", True, "Chuyên viên chính", "Bí thư chi bộ", "HTT", {}),
    ("K-16", "Phan Thị Bích", dt.date(1991, 8, 8), "Nữ", "TTVH", "Tuyên truyền viên", "nhan_vien", "vien_chuc",
     False, "Tuyên truyền viên chính (hạng III)", "Đảng viên", "HTT",
     dict(so_thang_nghi=4, ghi_chu="Nghỉ ốm điều trị dài ngày từ 01/4/2026 đến 31/7/2026 (04 tháng).")),
    ("K-17", "Kiều Văn Sang", dt.date(1994, 1, 1), "Nam", "TTVH", "Đạo diễn", "nhan_vien", "vien_chuc", False,
     "Đạo diễn hạng III", None, "HTXS", {}),
    ("K-18", "Tô Thị Hường", dt.date(1980, 3, 13), "Nữ", "TTVH", "Tạp vụ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
]

# ma_so: (months, general, a, b, c, d, đ, e); leaders' d/đ/e, others None
_SCORES: dict[str, tuple] = {
    "K-01": ("m", 28, 100, 100, 100, 100, 95, 95),   # 28 + 70·590/600 = 96.83
    "K-02": ("m", 26, 95, 95, 90, 100, 90, 90),      # 26 + 70·560/600 = 91.33
    "K-03": ("m", 25, 90, 90, 90, 100, 85, 85),      # 25 + 70·540/600 = 88
    "K-04": ("m5", 25, 90, 90, 90, None, None, None),  # Aug–Dec: not rated
    "K-05": ("m7", 25, 90, 90, 90, None, None, None),  # Jun–Dec: 88
    "K-06": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "K-07": ("m9", 26, 95, 95, 95, None, None, None),  # Jan–Sep: 92.5
    "K-08": ("m", 25, 90, 90, 90, 100, 85, 85),      # 88
    "K-09": ("m", 25, 90, 90, 90, None, None, None),  # 88 (Jan–Jun sent by the old Sở)
    "K-10": ("m6", 27, 100, 95, 95, None, None, None),  # Jan–Feb, Sep–Dec: 27 + 70·290/300 = 94.66
    "K-11": ("m", 25, 90, 90, 90, None, None, None),  # 88, khiển trách: KHT
    "K-12": ("m", 25, 90, 90, 90, None, None, None),  # 88: the act counted in 2025
    "K-13": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "K-14": ("m", 28, 100, 100, 100, None, None, None),  # 98
    "K-15": ("m", 25, 90, 90, 90, 100, 85, 85),      # 88
    "K-16": ("m8", 25, 90, 90, 90, None, None, None),  # 8 months worked: 88, at most HT
    "K-17": ("m", 28, 100, 100, 100, None, None, None),  # 98
    "K-18": ("m", 24, 85, 85, 85, None, None, None),  # 83.5
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước.",
    "dao_duc_loi_song": "Có lối sống giản dị, trung thực, lành mạnh.",
    "tac_phong_le_loi": "Tác phong làm việc khoa học, đúng mực với đồng nghiệp và người dân.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tổ chức; thực hiện đúng nội quy, quy chế của cơ quan.",
    "uu_diem": "Nhiệt tình, trách nhiệm trong công việc.",
    "khuyet_diem": "Có lúc tham mưu văn bản còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "K-01": "Lãnh đạo, điều hành toàn diện hoạt động của Sở; hoàn thành các chỉ tiêu Ủy ban nhân dân tỉnh giao năm "
            "2026.",
    "K-07": "Hoàn thành nhiệm vụ tổng hợp của Văn phòng Sở đến khi nghỉ hưu (01/10/2026).",
    "K-09": "Từ tháng 7/2026 thẩm định hồ sơ cấp phép biểu diễn nghệ thuật; trước đó công tác tại Sở Du lịch.",
    "K-10": "Hoàn thành nhiệm vụ trong thời gian công tác thực tế 06 tháng.",
    "K-11": "Thẩm định hồ sơ cấp phép quảng cáo; để chậm 04 hồ sơ.",
}


def _periods(kind: str) -> list[str]:
    return {"m": MONTHS, "m5": MONTHS[7:], "m7": MONTHS[5:], "m9": MONTHS[:9], "m6": MONTHS[:2] + MONTHS[8:],
            "m8": MONTHS[:3] + MONTHS[7:]}[kind]


def _old_agency(ma_so: str, ky: str) -> dict:
    """K-09's months at the Sở Du lịch (January to June) were scored there and sent on (ND 335 Art. 21)."""
    return dict(don_vi_danh_gia=OLD_AGENCY) if ma_so == "K-09" and ky <= f"{YEAR}-06" else {}


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 3, phường Bắc Sơn, tỉnh Hà Giang Nam",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 3")
    periods = wf.period_rows(_SCORES, _periods, _old_agency)
    texts = wf.text_rows(people, _TEXTS, _TASKS)

    vote = wf.vote_row
    votes = [vote("K-14", 7, 6, 1), vote("K-17", 4, 4, 0)]
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"),
                   ("dia_danh", "Hà Giang Nam"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 7)),
                   ("ky_hieu_van_ban", "SVHTTDL-VP"), ("nguoi_dung_dau", "Nguyễn Văn Hùng"),
                   ("chuc_vu_nguoi_dung_dau", "Giám đốc Sở"), ("dang_bo", "Đảng bộ Sở Văn hóa, Thể thao và Du lịch"),
                   ("ten_co_quan_cap_tren", PROVINCE), ("nguoi_dung_dau_cap_tren", "Võ Thành Trung"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch Ủy ban nhân dân tỉnh"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("so_noi_vu", SO_NOI_VU)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [
            dict(ma_so="K-11", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="45/QĐ-SVHTTDL",
                 ngay_hieu_luc=dt.date(YEAR, 5, 15), lien_quan_cong_vu="Có"),
            # one act: the party's khiển trách in force in December 2025 was counted for 2025 (KHT that year);
            # the Sở's own decision on the same act came in 2026
            dict(ma_so="K-12", loai_ky_luat="dang", hinh_thuc="Khiển trách", so_quyet_dinh="12-QĐ/UBKTĐU",
                 ngay_hieu_luc=dt.date(YEAR - 1, 12, 5), ma_hanh_vi="HV-2025-01", da_tinh_nam=YEAR - 1),
            dict(ma_so="K-12", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="03/QĐ-SVHTTDL",
                 ngay_hieu_luc=dt.date(YEAR, 1, 20), ma_hanh_vi="HV-2025-01", lien_quan_cong_vu="Có"),
        ],
        "ThiDua": [dict(ma_so="K-14", danh_hieu="LDTT", phieu_dong_y=7, tong_so_phieu=7),
                   dict(ma_so="K-16", danh_hieu="LDTT", phieu_dong_y=4, tong_so_phieu=4)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    return wf.write(path, tables())
