"""A 2026 đơn vị sự nghiệp công lập (a district hospital) as its clerk would type it (audit 33).

Mostly viên chức (ND 233/2026 + Luật Viên chức 2025), người lao động rated by the hospital's own
rules applying ND 233 (`CoQuan.bo_quy_tac_khac`), a Giám đốc who is a viên chức quản lý rated by the
Sở Y tế, khoa sharing a chi bộ, monthly results for some and quarterly for others, maternity leave,
a nurse recruited in August, a khiển trách in 2026, a doctor transferred in mid-year, a trưởng khoa
whose khoa is rated below his points, and more HTXS proposals than the 20 % cap allows.

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file.
The points of every person are constant over their periods so that the year score is the period
score, worked out by hand in tests/test_aud33.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Bệnh viện Đa khoa khu vực Sơn Hà"
SUPERIOR = "Sở Y tế tỉnh Hà Giang Nam"
OLD_UNIT = "Trung tâm Y tế huyện Sơn Tây"

UNITS = [
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc", loai_don_vi="su_nghiep", thu_tu=1,
         chi_bo="Chi bộ Hành chính - Ban Giám đốc"),
    dict(ma_don_vi="TCHC", ten_don_vi="Phòng Tổ chức - Hành chính", loai_don_vi="su_nghiep", thu_tu=2,
         chi_bo="Chi bộ Hành chính - Ban Giám đốc"),
    # the khoa Nội is rated «Hoàn thành nhiệm vụ»: its trưởng khoa may not be rated above it
    dict(ma_don_vi="KNOI", ten_don_vi="Khoa Nội tổng hợp", loai_don_vi="su_nghiep", thu_tu=3,
         chi_bo="Chi bộ Khối Nội - Ngoại", muc_xep_loai_don_vi="HT"),
    dict(ma_don_vi="KNGOAI", ten_don_vi="Khoa Ngoại tổng hợp", loai_don_vi="su_nghiep", thu_tu=4,
         chi_bo="Chi bộ Khối Nội - Ngoại"),
    dict(ma_don_vi="KSAN", ten_don_vi="Khoa Phụ sản", loai_don_vi="su_nghiep", thu_tu=5, chi_bo="Chi bộ Khoa Phụ sản"),
]

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("BV-01", "Đinh Công Thành", dt.date(1969, 4, 2), "Nam", "BGD", "Giám đốc", "truong", "vien_chuc", True,
     "Bác sĩ cao cấp (hạng I)", "Bí thư Đảng ủy", "HTXS", {}),
    ("BV-02", "Phạm Thị Thu Trang", dt.date(1975, 9, 14), "Nữ", "BGD", "Phó Giám đốc", "pho", "vien_chuc", True,
     "Bác sĩ chính (hạng II)", "Phó Bí thư Đảng ủy", "HTT", {}),
    ("BV-03", "Nguyễn Văn Hùng", dt.date(1972, 1, 20), "Nam", "KNOI", "Trưởng khoa Nội tổng hợp", "truong",
     "vien_chuc", True, "Bác sĩ chính (hạng II)", "Chi ủy viên", "HTXS", {}),
    ("BV-04", "Trần Thị Lan", dt.date(1984, 5, 8), "Nữ", "KNOI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng III", None, "HTT", {}),
    ("BV-05", "Lê Minh Tuấn", dt.date(1986, 11, 30), "Nam", "KNOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Đảng viên", "HTXS", {}),
    ("BV-06", "Võ Thị Hoa", dt.date(1988, 3, 3), "Nữ", "KNOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Đảng viên", "HTXS", {}),
    ("BV-07", "Đặng Quốc Bảo", dt.date(1990, 7, 17), "Nam", "KNOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", None, "HTXS", {}),
    ("BV-08", "Huỳnh Thị Ngọc", dt.date(1993, 12, 9), "Nữ", "KSAN", "Hộ sinh", "nhan_vien", "vien_chuc", False,
     "Hộ sinh hạng III", None, "HTT",
     dict(so_thang_cong_tac=7, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/6/2026 đến 31/10/2026 (05 tháng); công tác thực tế 07 tháng.")),
    ("BV-09", "Trương Thị Kim Chi", dt.date(1978, 2, 25), "Nữ", "KSAN", "Trưởng khoa Phụ sản", "truong", "vien_chuc",
     True, "Bác sĩ chính (hạng II)", "Bí thư chi bộ", "HTT", {}),
    ("BV-10", "Mai Văn Đức", dt.date(1985, 10, 12), "Nam", "KNGOAI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Đảng viên", "HTT",
     dict(co_quan_cu=OLD_UNIT, so_thang_co_quan_cu=5,
          ghi_chu="Chuyển đến từ Trung tâm Y tế huyện Sơn Tây từ 01/6/2026.")),
    ("BV-11", "Phan Thanh Sơn", dt.date(1974, 6, 6), "Nam", "KNGOAI", "Trưởng khoa Ngoại tổng hợp", "truong",
     "vien_chuc", True, "Bác sĩ chính (hạng II)", "Bí thư chi bộ", "HTXS", {}),
    ("BV-12", "Đoàn Thị Bích", dt.date(2001, 8, 21), "Nữ", "KNGOAI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT",
     dict(so_thang_cong_tac=5, ghi_chu="Tuyển dụng từ 01/8/2026.")),
    ("BV-13", "Cao Văn Lực", dt.date(1989, 4, 15), "Nam", "KNGOAI", "Kỹ thuật viên", "nhan_vien", "vien_chuc", False,
     "Kỹ thuật y hạng III", None, "HTT", {}),
    ("BV-14", "Lương Thị Thảo", dt.date(1980, 8, 8), "Nữ", "TCHC", "Trưởng phòng Tổ chức - Hành chính", "truong",
     "vien_chuc", True, "Chuyên viên chính", "Bí thư chi bộ", "HTT", {}),
    ("BV-15", "Nguyễn Thị Mỹ Duyên", dt.date(1992, 1, 11), "Nữ", "TCHC", "Chuyên viên", "nhan_vien", "vien_chuc",
     False, "Chuyên viên", "Đảng viên", "HTXS", {}),
    ("BV-16", "Trịnh Văn Lâm", dt.date(1987, 12, 24), "Nam", "TCHC", "Kế toán viên", "nhan_vien", "vien_chuc", False,
     "Kế toán viên", None, "HTT", {}),
    ("BV-17", "Hà Văn Thái", dt.date(1979, 5, 1), "Nam", "TCHC", "Lái xe", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("BV-18", "Kiều Thị Nga", dt.date(1983, 9, 19), "Nữ", "KSAN", "Hộ lý", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("BV-19", "Tô Thị Hằng", dt.date(1991, 3, 28), "Nữ", "KSAN", "Hộ sinh", "nhan_vien", "vien_chuc", False,
     "Hộ sinh hạng III", None, "HTT", {}),
    ("BV-20", "Lâm Văn Khoa", dt.date(1994, 10, 2), "Nam", "KNOI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng III", None, "HTT", {}),
    ("BV-21", "Châu Thị Diễm", dt.date(1995, 6, 16), "Nữ", "KNGOAI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng III", None, "HTT", {}),
]

# ma_so: (periods, general, a, b, c, d, đ, e); leaders' d/đ/e, others None
_SCORES: dict[str, tuple] = {
    "BV-01": ("m", 28, 100, 100, 100, 100, 95, 95),   # 28 + 70·590/600 = 96.83
    "BV-02": ("q", 25, 90, 90, 90, 100, 80, 80),      # 25 + 70·530/600 = 86.83
    "BV-03": ("m", 27, 100, 100, 95, 100, 95, 90),    # 27 + 70·580/600 = 94.67
    "BV-04": ("q", 25, 90, 90, 90, None, None, None),  # 25 + 63 = 88
    "BV-05": ("m", 27, 100, 100, 95, None, None, None),  # 27 + 70·295/300 = 95.83
    "BV-06": ("m", 28, 100, 100, 100, None, None, None),  # 98
    "BV-07": ("m", 26, 100, 95, 95, None, None, None),  # 26 + 70·290/300 = 93.67
    "BV-08": ("m7", 24, 90, 90, 90, None, None, None),  # 24 + 63 = 87 (Jan–May, Nov–Dec)
    "BV-09": ("q", 26, 90, 90, 90, 100, 85, 85),      # 26 + 70·540/600 = 89
    "BV-10": ("m", 25, 90, 90, 95, None, None, None),  # 25 + 70·275/300 = 89.17
    "BV-11": ("m", 27, 100, 95, 100, 100, 95, 95),    # 27 + 70·585/600 = 95.25
    "BV-12": ("m5", 25, 90, 90, 90, None, None, None),  # Aug–Dec: 88
    "BV-13": ("q", 24, 80, 75, 80, None, None, None),  # 24 + 70·235/300 = 78.83
    "BV-14": ("q", 25, 90, 90, 90, 100, 80, 80),      # 86.83
    "BV-15": ("m", 26, 95, 95, 90, None, None, None),  # 26 + 70·280/300 = 91.33
    "BV-16": ("m", 25, 90, 90, 85, None, None, None),  # 25 + 70·265/300 = 86.83
    "BV-17": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "BV-18": ("q", 24, 85, 85, 85, None, None, None),  # 24 + 59.5 = 83.5
    "BV-19": ("q", 25, 90, 85, 90, None, None, None),  # 86.83
    "BV-20": ("m", 25, 90, 90, 90, None, None, None),  # 88
    "BV-21": ("m", 25, 85, 85, 90, None, None, None),  # 25 + 70·260/300 = 85.67
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và "
                          "quy định của ngành y tế.",
    "dao_duc_loi_song": "Giữ gìn y đức, thực hiện Quy tắc ứng xử của viên chức ngành y tế; lối sống lành mạnh, "
                        "giản dị.",
    "tac_phong_le_loi": "Tác phong chuẩn mực, ân cần với người bệnh; thực hiện đúng quy trình chuyên môn.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tập thể khoa, phòng; thực hiện đúng nội quy bệnh viện và chế độ "
                      "thường trực.",
    "uu_diem": "Nhiệt tình, có trách nhiệm với người bệnh; phối hợp tốt với đồng nghiệp trong ca trực.",
    "khuyet_diem": "Có lúc hoàn thiện hồ sơ bệnh án điện tử còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ chuyên môn; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "BV-01": "Lãnh đạo, điều hành toàn diện hoạt động của Bệnh viện; hoàn thành 100% chỉ tiêu Sở Y tế giao năm 2026.",
    "BV-03": "Tổ chức khám, điều trị nội trú cho 4.120 lượt người bệnh; công suất giường bệnh đạt 96%.",
    "BV-04": "Chăm sóc người bệnh theo phân cấp; thực hiện y lệnh đầy đủ.",
    "BV-05": "Khám, điều trị 1.350 lượt người bệnh nội trú; triển khai kỹ thuật nội soi tiêu hóa.",
    "BV-08": "Đỡ đẻ, chăm sóc sản phụ và trẻ sơ sinh trong thời gian công tác thực tế 07 tháng.",
    "BV-10": "Thực hiện 310 ca phẫu thuật tại Bệnh viện từ tháng 6/2026; trước đó công tác tại Trung tâm Y tế huyện "
             "Sơn Tây.",
    "BV-11": "Lãnh đạo khoa Ngoại thực hiện 1.280 ca phẫu thuật, không để xảy ra sai sót chuyên môn.",
}


def _periods(kind: str) -> list[str]:
    return {"m": MONTHS, "q": QUARTERS, "m7": MONTHS[:5] + MONTHS[10:], "m5": MONTHS[7:]}[kind]


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 4, thị trấn Di Lăng, huyện Sơn Hà",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 4")
    # the transferred doctor's months before June were rated by the old centre
    periods = wf.period_rows(_SCORES, _periods, lambda ma_so, ky: {"don_vi_danh_gia": OLD_UNIT}
                             if ma_so == "BV-10" and ky <= f"{YEAR}-05" else {})
    texts = wf.text_rows(people, _TEXTS, _TASKS)
    votes = [  # khoa meetings: khoa Nội 6 present, khoa Ngoại 5, khoa Sản 4, phòng TCHC 4
        dict(ma_so="BV-03", so_nguoi_du_hop=6, phieu_htxs=4, phieu_htt=2, phieu_ht=0, phieu_kht=0),
        dict(ma_so="BV-05", so_nguoi_du_hop=6, phieu_htxs=5, phieu_htt=1, phieu_ht=0, phieu_kht=0),
        dict(ma_so="BV-06", so_nguoi_du_hop=6, phieu_htxs=6, phieu_htt=0, phieu_ht=0, phieu_kht=0),
        dict(ma_so="BV-07", so_nguoi_du_hop=6, phieu_htxs=3, phieu_htt=3, phieu_ht=0, phieu_kht=0),
        dict(ma_so="BV-04", so_nguoi_du_hop=6, phieu_htxs=0, phieu_htt=1, phieu_ht=0, phieu_kht=5),
        dict(ma_so="BV-11", so_nguoi_du_hop=5, phieu_htxs=5, phieu_htt=0, phieu_ht=0, phieu_kht=0),
        dict(ma_so="BV-15", so_nguoi_du_hop=4, phieu_htxs=2, phieu_htt=2, phieu_ht=0, phieu_kht=0),
    ]
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "SỞ Y TẾ TỈNH HÀ GIANG NAM"), ("dia_danh", "Sơn Hà"),
                   ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 4)), ("ky_hieu_van_ban", "BVSH-TCHC"),
                   ("nguoi_dung_dau", "Đinh Công Thành"), ("chuc_vu_nguoi_dung_dau", "Giám đốc"),
                   ("dang_bo", "Đảng bộ Bệnh viện Đa khoa khu vực Sơn Hà"), ("ten_co_quan_cap_tren", SUPERIOR),
                   ("nguoi_dung_dau_cap_tren", "Lê Thị Hồng Nhung"), ("chuc_vu_nguoi_dung_dau_cap_tren", "Giám đốc Sở Y tế"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("bo_quy_tac_khac", "nd233-2026"),
                   # the hospital reports to its managing Sở, which compiles for the Sở Nội vụ
                   ("so_noi_vu", SUPERIOR)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [dict(ma_so="BV-04", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="215/QĐ-BVSH",
                        ngay_hieu_luc=dt.date(YEAR, 5, 15), lien_quan_cong_vu="Có")],
        "ThiDua": [dict(ma_so="BV-06", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Quy trình sàng lọc sớm đột quỵ tại khoa Nội" (QĐ 402/QĐ-BVSH ngày 15/10/2026)',
                        phieu_dong_y=6, tong_so_phieu=6),
                   dict(ma_so="BV-05", danh_hieu="LDTT", phieu_dong_y=6, tong_so_phieu=6),
                   dict(ma_so="BV-20", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=6)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    return wf.write(path, tables())
