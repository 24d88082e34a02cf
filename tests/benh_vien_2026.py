"""A 2026 district hospital (đơn vị sự nghiệp công lập under the Sở Y tế) as its clerk types it (helper sig2).

«Bệnh viện Đa khoa huyện Tam Nông», managed by the Sở Y tế tỉnh Phú Thọ Nam: a Giám đốc (viên chức quản lý,
rated by the Giám đốc Sở Y tế), a Phó Giám đốc who heads the Khoa Nội concurrently (`don_vi_kiem_nhiem`), a
Phòng Kế hoạch tổng hợp and a Khoa Ngoại each with its own head, 30 people: doctors, nurses, a pharmacist
(viên chức with professional titles), a hợp đồng (HĐ 111) driver and two người lao động rated by the hospital's
rules applying ND 233. The hospital's party organisation is a Đảng bộ cơ sở with one chi bộ per khoa and one for
the offices. The Khoa Ngoại reports BY QUARTER, everyone else BY MONTH. A nurse on maternity leave May–October,
a doctor recruited on 01/09 (four months), a nurse disciplined (khiển trách, August), a member whose residence
cell differs from the others', votes, emulation proposals. Nothing is decided yet: no `muc_quyet_dinh`.

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file with the
labels of `hoso init`'s blank workbook. The outcomes are worked out by hand in tests/test_benh_vien_2026.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Bệnh viện Đa khoa huyện Tam Nông"
SUPERIOR = "Sở Y tế tỉnh Phú Thọ Nam"
DANG_BO = "Đảng bộ Bệnh viện Đa khoa huyện Tam Nông"
CB_HC = "Chi bộ Hành chính - Kế hoạch"
CB_NOI = "Chi bộ Khoa Nội"
CB_NGOAI = "Chi bộ Khoa Ngoại"

UNITS = [
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc", loai_don_vi="su_nghiep", thu_tu=1, chi_bo=CB_HC),
    dict(ma_don_vi="KHTH", ten_don_vi="Phòng Kế hoạch tổng hợp", loai_don_vi="su_nghiep", thu_tu=2, chi_bo=CB_HC,
         ngay_hop=dt.date(YEAR, 12, 2)),
    dict(ma_don_vi="NOI", ten_don_vi="Khoa Nội", loai_don_vi="su_nghiep", thu_tu=3, chi_bo=CB_NOI,
         ngay_hop=dt.date(YEAR, 12, 3)),
    dict(ma_don_vi="NGOAI", ten_don_vi="Khoa Ngoại", loai_don_vi="su_nghiep", thu_tu=4, chi_bo=CB_NGOAI,
         ngay_hop=dt.date(YEAR, 12, 4)),
]

_P = (None, None, None)  # a non-leader's empty d, đ, e

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("BV-01", "Nguyễn Văn Thành", dt.date(1970, 3, 12), "Nam", "BGD", "Giám đốc", "truong", "vien_chuc", True,
     "Bác sĩ chuyên khoa cấp II (hạng I)", "Bí thư Đảng ủy", "HTXS", {}),
    ("BV-02", "Trần Thị Bích Ngọc", dt.date(1975, 8, 4), "Nữ", "BGD", "Phó Giám đốc kiêm Trưởng khoa Nội", "pho",
     "vien_chuc", True, "Bác sĩ chính (hạng II)", "Bí thư chi bộ", "HTXS", dict(don_vi_kiem_nhiem="NOI")),
    ("BV-03", "Lê Quang Vinh", dt.date(1978, 1, 20), "Nam", "KHTH", "Trưởng phòng Kế hoạch tổng hợp", "truong",
     "vien_chuc", True, "Bác sĩ chính (hạng II)", "Phó Bí thư Đảng ủy", "HTT", {}),
    ("BV-04", "Phạm Thị Hạnh", dt.date(1985, 6, 15), "Nữ", "KHTH", "Chuyên viên", "nhan_vien", "vien_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT", {}),
    ("BV-05", "Đặng Văn Hùng", dt.date(1982, 11, 2), "Nam", "KHTH", "Kế toán viên", "nhan_vien", "vien_chuc", False,
     "Kế toán viên", None, "HTT", {}),
    ("BV-06", "Vương Thị Lụa", dt.date(1990, 4, 9), "Nữ", "KHTH", "Dược sĩ", "nhan_vien", "vien_chuc", False,
     "Dược sĩ hạng III", "Đảng viên", "HTT", {}),
    ("BV-07", "Cao Văn Tư", dt.date(1979, 9, 9), "Nam", "KHTH", "Lái xe", "nhan_vien", "hop_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP.")),
    ("BV-08", "Lý Thị Hoa", dt.date(1976, 2, 14), "Nữ", "KHTH", "Hộ lý", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("BV-09", "Mai Xuân Trường", dt.date(1988, 12, 1), "Nam", "NOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Chi ủy viên", "HTXS", {}),
    ("BV-10", "Hồ Thị Thu Trang", dt.date(1991, 7, 22), "Nữ", "NOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Đảng viên", "HTXS",
     dict(noi_cu_tru="Khu 5, xã Hiền Quan, tỉnh Phú Thọ Nam", chi_bo_noi_cu_tru="Chi bộ Khu 5 xã Hiền Quan")),
    ("BV-11", "Tạ Văn Quý", dt.date(1993, 3, 3), "Nam", "NOI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", None, "HTT", dict(so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2026.")),
    ("BV-12", "Nông Thị Hằng", dt.date(1987, 5, 5), "Nữ", "NOI", "Điều dưỡng trưởng khoa", "nhan_vien", "vien_chuc",
     False, "Điều dưỡng hạng III", "Đảng viên", "HTT", {}),
    ("BV-13", "Kiều Thị Oanh", dt.date(1994, 10, 10), "Nữ", "NOI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", "Đảng viên", "HTT",
     dict(so_thang_cong_tac=6, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/5/2026 đến 31/10/2026 (06 tháng); công tác thực tế 06 tháng.")),
    ("BV-14", "Phùng Văn Lâm", dt.date(1989, 8, 18), "Nam", "NOI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT", {}),
    ("BV-15", "Trịnh Thị Mến", dt.date(1992, 1, 27), "Nữ", "NOI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT", {}),
    ("BV-16", "Lương Văn Đạt", dt.date(1990, 6, 6), "Nam", "NOI", "Kỹ thuật viên", "nhan_vien", "vien_chuc", False,
     "Kỹ thuật y hạng IV", None, "HTT", {}),
    ("BV-17", "Đoàn Thị Nhung", dt.date(1986, 9, 30), "Nữ", "NOI", "Y sĩ", "nhan_vien", "vien_chuc", False,
     "Y sĩ hạng IV", None, "HTT", {}),
    ("BV-18", "Chu Văn Bình", dt.date(1977, 4, 1), "Nam", "NOI", "Bảo vệ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("BV-19", "Vi Văn Toàn", dt.date(1976, 12, 12), "Nam", "NGOAI", "Trưởng khoa Ngoại", "truong", "vien_chuc", True,
     "Bác sĩ chuyên khoa cấp I (hạng II)", "Bí thư chi bộ", "HTXS", {}),
    ("BV-20", "Âu Thị Ngân", dt.date(1983, 2, 2), "Nữ", "NGOAI", "Phó Trưởng khoa Ngoại", "pho", "vien_chuc", True,
     "Bác sĩ chính (hạng II)", "Phó Bí thư chi bộ", "HTT", {}),
    ("BV-21", "Hà Văn Sơn", dt.date(1987, 7, 7), "Nam", "NGOAI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", "Đảng viên", "HTXS", {}),
    ("BV-22", "Lục Thị Hiền", dt.date(1990, 11, 11), "Nữ", "NGOAI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", None, "HTXS", {}),
    ("BV-23", "Bế Văn Khoa", dt.date(1992, 8, 8), "Nam", "NGOAI", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ (hạng III)", None, "HTT", {}),
    ("BV-24", "Tô Thị Huế", dt.date(1988, 3, 21), "Nữ", "NGOAI", "Điều dưỡng trưởng khoa", "nhan_vien", "vien_chuc",
     False, "Điều dưỡng hạng III", "Đảng viên", "HTT", {}),
    ("BV-25", "Đinh Thị Loan", dt.date(1995, 5, 25), "Nữ", "NGOAI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT", {}),
    ("BV-26", "Ma Văn Hải", dt.date(1993, 9, 19), "Nam", "NGOAI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT", {}),
    ("BV-27", "La Thị Duyên", dt.date(1996, 12, 24), "Nữ", "NGOAI", "Điều dưỡng", "nhan_vien", "vien_chuc", False,
     "Điều dưỡng hạng IV", None, "HTT", {}),
    ("BV-28", "Giáp Văn Cường", dt.date(1985, 10, 3), "Nam", "NGOAI", "Kỹ thuật viên gây mê", "nhan_vien",
     "vien_chuc", False, "Kỹ thuật y hạng III", "Đảng viên", "HTT", {}),
    ("BV-29", "Hoàng Thị Yến", dt.date(1994, 6, 16), "Nữ", "NGOAI", "Hộ sinh", "nhan_vien", "vien_chuc", False,
     "Hộ sinh hạng IV", None, "HTT", {}),
    ("BV-30", "Nghiêm Văn Tài", dt.date(1974, 1, 5), "Nam", "NGOAI", "Hộ lý", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
]

# Monthly (every unit but the Khoa Ngoại): (general, a, b, c, d, đ, e) for each month worked.
_MONTHLY: dict[str, tuple] = {
    "BV-01": (28, 100, 100, 100, 100, 95, 95),
    "BV-02": (27, 100, 95, 95, 100, 95, 90),
    "BV-03": (26, 95, 90, 90, 100, 90, 90),
    "BV-04": (25, 90, 90, 90, *_P),
    "BV-05": (25, 90, 85, 85, *_P),
    "BV-06": (26, 95, 90, 90, *_P),
    "BV-07": (25, 90, 90, 90, *_P),
    "BV-08": (24, 85, 85, 85, *_P),
    "BV-09": (28, 100, 100, 95, *_P),
    "BV-10": (27, 100, 95, 95, *_P),
    "BV-11": (25, 90, 90, 90, *_P),
    "BV-12": (26, 95, 90, 90, *_P),
    "BV-13": (25, 90, 90, 85, *_P),
    "BV-14": (24, 85, 85, 85, *_P),
    "BV-15": (22, 85, 80, 80, *_P),
    "BV-16": (25, 90, 90, 90, *_P),
    "BV-17": (25, 90, 85, 85, *_P),
    "BV-18": (24, 85, 85, 85, *_P),
}
# the Giám đốc and the Phó Giám đốc heading the Khoa Nội set d) = 50 in August, when the khoa's nurse BV-15 was
# disciplined (KHT): the whole hospital is under the one, the Khoa Nội under the other
_D50 = {("BV-01", "2026-08"), ("BV-02", "2026-08")}
# months worked, when not the whole year
_MONTHS_OF = {"BV-11": MONTHS[8:], "BV-13": MONTHS[:4] + MONTHS[10:]}

# Khoa Ngoại, by quarter
_QUARTERLY: dict[str, tuple] = {
    "BV-19": (28, 100, 100, 95, 100, 95, 95),
    "BV-20": (26, 95, 90, 90, 100, 90, 90),
    "BV-21": (28, 100, 100, 100, *_P),
    "BV-22": (27, 100, 95, 95, *_P),
    "BV-23": (25, 90, 90, 90, *_P),
    "BV-24": (26, 95, 90, 90, *_P),
    "BV-25": (25, 90, 85, 85, *_P),
    "BV-26": (25, 90, 90, 85, *_P),
    "BV-27": (24, 85, 85, 85, *_P),
    "BV-28": (26, 95, 95, 90, *_P),
    "BV-29": (25, 90, 90, 90, *_P),
    "BV-30": (24, 85, 85, 85, *_P),
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và "
                          "quy định của ngành y tế.",
    "dao_duc_loi_song": "Giữ gìn y đức, thực hiện Quy tắc ứng xử của viên chức ngành y tế; lối sống lành mạnh.",
    "tac_phong_le_loi": "Tác phong chuẩn mực, ân cần với người bệnh, phối hợp tốt với đồng nghiệp.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của lãnh đạo khoa, phòng; thực hiện đúng nội quy của Bệnh viện.",
    "uu_diem": "Nhiệt tình, có trách nhiệm với người bệnh.",
    "khuyet_diem": "Có lúc hoàn thiện hồ sơ bệnh án còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ chuyên môn; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "BV-01": "Lãnh đạo, điều hành toàn diện hoạt động của Bệnh viện; hoàn thành các chỉ tiêu Sở Y tế giao năm 2026.",
    "BV-02": "Phụ trách công tác chuyên môn; trực tiếp điều hành Khoa Nội, khám và điều trị 8.400 lượt người bệnh.",
    "BV-19": "Điều hành Khoa Ngoại; thực hiện 1.150 ca phẫu thuật, không để xảy ra sai sót chuyên môn.",
    "BV-13": "Hoàn thành nhiệm vụ chăm sóc người bệnh trong thời gian công tác thực tế 06 tháng.",
}


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Khu 3, thị trấn Hưng Hóa, tỉnh Phú Thọ Nam",
                           chi_bo_noi_cu_tru="Chi bộ Khu 3 thị trấn Hưng Hóa")
    periods = []
    for ma_so, (general, a, b, c, d, dd, e) in _MONTHLY.items():
        for ky in _MONTHS_OF.get(ma_so, MONTHS):
            periods.append(dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a,
                                ty_le_chat_luong=b, ty_le_tien_do=c,
                                ty_le_ket_qua_don_vi=50 if (ma_so, ky) in _D50 else d,
                                ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e))
    periods += wf.period_rows({k: ("q", *v) for k, v in _QUARTERLY.items()}, lambda kind: QUARTERS)
    texts = wf.text_rows(people, _TEXTS, _TASKS)

    vote = wf.vote_row
    votes = [  # KHTH 5 present (its 5 members), Nội 11 (10 + its kiêm nhiệm head), Ngoại 12
        vote("BV-03", 5, 1, 4), vote("BV-04", 5, 0, 5), vote("BV-05", 5, 0, 5), vote("BV-06", 5, 1, 4),
        vote("BV-07", 5, 0, 5), vote("BV-08", 5, 0, 5),
        vote("BV-09", 11, 9, 2), vote("BV-10", 11, 7, 4), vote("BV-12", 11, 1, 10), vote("BV-13", 11, 0, 11),
        vote("BV-14", 11, 0, 11), vote("BV-15", 11, 0, 2, 0, 9), vote("BV-16", 11, 0, 11), vote("BV-17", 11, 0, 11),
        vote("BV-18", 11, 0, 11),
        vote("BV-19", 12, 8, 4), vote("BV-20", 12, 2, 10), vote("BV-21", 12, 10, 2), vote("BV-22", 12, 6, 6),
        vote("BV-23", 12, 0, 12), vote("BV-24", 12, 1, 11), vote("BV-25", 12, 0, 12), vote("BV-26", 12, 0, 12),
        vote("BV-27", 12, 0, 11, 1), vote("BV-28", 12, 2, 10), vote("BV-29", 12, 0, 12), vote("BV-30", 12, 0, 12),
    ]
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "SỞ Y TẾ TỈNH PHÚ THỌ NAM"),
                   ("dia_danh", "Tam Nông"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 7)),
                   ("ky_hieu_van_ban", "BVĐK-KHTH"), ("nguoi_dung_dau", "Nguyễn Văn Thành"),
                   ("chuc_vu_nguoi_dung_dau", "Giám đốc"), ("dang_bo", DANG_BO),
                   ("ten_co_quan_cap_tren", SUPERIOR), ("nguoi_dung_dau_cap_tren", "Phan Thị Thu Thủy"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Giám đốc Sở Y tế"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("bo_quy_tac_khac", "nd233-2026"),
                   ("so_noi_vu", SUPERIOR)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [dict(ma_so="BV-15", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="45/QĐ-BVĐK",
                        ngay_hieu_luc=dt.date(YEAR, 8, 14), lien_quan_cong_vu="Có")],
        "ThiDua": [dict(ma_so="BV-21", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Quy trình phẫu thuật nội soi cắt ruột thừa trong ngày" '
                                  '(QĐ 98/QĐ-BVĐK ngày 15/10/2026)',
                        phieu_dong_y=12, tong_so_phieu=12),
                   dict(ma_so="BV-09", danh_hieu="CSTDCS", phieu_dong_y=10, tong_so_phieu=11),
                   dict(ma_so="BV-01", danh_hieu="LDTT", phieu_dong_y=27, tong_so_phieu=28),
                   dict(ma_so="BV-04", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=5),
                   dict(ma_so="BV-12", danh_hieu="LDTT", phieu_dong_y=11, tong_so_phieu=11),
                   dict(ma_so="BV-13", danh_hieu="LDTT", phieu_dong_y=11, tong_so_phieu=11),
                   dict(ma_so="BV-22", danh_hieu="LDTT", phieu_dong_y=12, tong_so_phieu=12),
                   dict(ma_so="BV-24", danh_hieu="LDTT", phieu_dong_y=12, tong_so_phieu=12)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    """The workbook as a clerk fills the blank one: sheets and columns by their Vietnamese labels."""
    return wf.write(path, tables(), headers="label", sheet_names="label")
