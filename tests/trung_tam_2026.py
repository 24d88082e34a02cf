"""A 2026 provincial centre (đơn vị sự nghiệp công lập under a Sở) as its clerk would type it (audit quy).

«Trung tâm Kiểm soát bệnh tật tỉnh Hà Giang Nam», managed by the Sở Y tế: a Giám đốc (viên chức quản
lý, rated by the Giám đốc Sở Y tế), one Phó Giám đốc, a phòng and two khoa each led by a trưởng phòng /
trưởng khoa, 18 people: viên chức (ND 233/2026 + Luật Viên chức 2025) and two người lao động on labour
contracts, rated by the centre's own rules applying ND 233 (`CoQuan.bo_quy_tac_khac`). Results BY
QUARTER, different each quarter (so the year score is a real mean), with products (`SanPham`) for one
doctor; a technician recruited in August, a maternity leave from April to September, an accountant
transferred in in April (Q1 rated by the old centre), a khiển trách in September, a trưởng khoa whose
technician fell under 50 in Q2 (d = 50 that quarter, the head too), more HTXS proposals than 20 % of
HTT allows, an exact 90.00, emulation proposals (LĐTT, one CSTĐCS with an initiative, the Giám đốc's own).
Nothing is decided yet: no `muc_quyet_dinh`, no decision dates.

The workbook is written with the Vietnamese labels of the blank workbook (`hoso init`), sheets and
columns, as a clerk fills it. `tables()` returns the sheets as `workbook_factory.write` takes them;
`write(path)` writes the file. The expected ratings are worked out by hand in tests/test_trung_tam_2026.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Trung tâm Kiểm soát bệnh tật tỉnh Hà Giang Nam"
SUPERIOR = "Sở Y tế tỉnh Hà Giang Nam"
OLD_UNIT = "Trung tâm Y tế huyện Sơn Tây"
_CHI_BO = "Chi bộ Trung tâm Kiểm soát bệnh tật"

UNITS = [
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc", loai_don_vi="su_nghiep", thu_tu=1, chi_bo=_CHI_BO),
    dict(ma_don_vi="TCHC", ten_don_vi="Phòng Tổ chức - Hành chính", loai_don_vi="su_nghiep", thu_tu=2, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=5),
    dict(ma_don_vi="KBTN", ten_don_vi="Khoa Phòng, chống bệnh truyền nhiễm", loai_don_vi="su_nghiep", thu_tu=3,
         chi_bo=_CHI_BO, ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=6),
    dict(ma_don_vi="KXN", ten_don_vi="Khoa Xét nghiệm - Chẩn đoán hình ảnh", loai_don_vi="su_nghiep", thu_tu=4,
         chi_bo=_CHI_BO, ngay_hop=dt.date(YEAR, 12, 4), so_thanh_vien=5),
]

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("TT-01", "Vũ Đức Minh", dt.date(1971, 5, 19), "Nam", "BGD", "Giám đốc", "truong", "vien_chuc", True,
     "Bác sĩ chính (hạng II)", "Bí thư chi bộ", "HTXS", {}),
    ("TT-02", "Lê Thị Thanh Hương", dt.date(1977, 10, 2), "Nữ", "BGD", "Phó Giám đốc", "pho", "vien_chuc", True,
     "Bác sĩ chính (hạng II)", "Phó Bí thư chi bộ", "HTXS", {}),
    ("TT-03", "Hoàng Văn Tùng", dt.date(1975, 2, 11), "Nam", "TCHC", "Trưởng phòng Tổ chức - Hành chính", "truong",
     "vien_chuc", True, "Chuyên viên chính", "Chi ủy viên", "HTT", {}),
    ("TT-04", "Phạm Quang Huy", dt.date(1979, 8, 23), "Nam", "KBTN", "Trưởng khoa Phòng, chống bệnh truyền nhiễm",
     "truong", "vien_chuc", True, "Bác sĩ y học dự phòng chính (hạng II)", "Đảng viên", "HTXS", {}),
    ("TT-05", "Đỗ Thị Mai Anh", dt.date(1981, 12, 5), "Nữ", "KXN", "Trưởng khoa Xét nghiệm - Chẩn đoán hình ảnh",
     "truong", "vien_chuc", True, "Bác sĩ chính (hạng II)", "Đảng viên", "HTXS", {}),
    ("TT-06", "Trần Thị Ngọc Ánh", dt.date(1990, 3, 17), "Nữ", "TCHC", "Chuyên viên", "nhan_vien", "vien_chuc", False,
     "Chuyên viên", "Đảng viên", "HTT", {}),
    ("TT-07", "Bùi Văn Khánh", dt.date(1986, 6, 30), "Nam", "TCHC", "Kế toán viên", "nhan_vien", "vien_chuc", False,
     "Kế toán viên", None, "HTT",
     dict(co_quan_cu=OLD_UNIT, so_thang_co_quan_cu=3,
          ghi_chu="Chuyển đến từ Trung tâm Y tế huyện Sơn Tây từ 01/4/2026.")),
    ("TT-08", "Lò Văn Sơn", dt.date(1980, 1, 9), "Nam", "TCHC", "Lái xe", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("TT-09", "Hoàng Văn Bảy", dt.date(1972, 7, 7), "Nam", "TCHC", "Bảo vệ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("TT-10", "Nguyễn Thị Thu Hà", dt.date(1988, 9, 14), "Nữ", "KBTN", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ y học dự phòng (hạng III)", "Đảng viên", "HTXS", {}),
    ("TT-11", "Hà Minh Đức", dt.date(1991, 4, 4), "Nam", "KBTN", "Bác sĩ", "nhan_vien", "vien_chuc", False,
     "Bác sĩ y học dự phòng (hạng III)", None, "HTXS", {}),
    ("TT-12", "Lường Thị Yến", dt.date(1993, 11, 20), "Nữ", "KBTN", "Y sĩ", "nhan_vien", "vien_chuc", False,
     "Y sĩ hạng IV", None, "HTT", {}),
    ("TT-13", "Phan Thị Kim Liên", dt.date(1994, 2, 28), "Nữ", "KBTN", "Y tế công cộng", "nhan_vien", "vien_chuc",
     False, "Y tế công cộng (hạng III)", "Đảng viên", "HTT",
     dict(so_thang_cong_tac=6, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/4/2026 đến 30/9/2026 (06 tháng); công tác thực tế 06 tháng.")),
    ("TT-14", "Đinh Văn Long", dt.date(2000, 10, 10), "Nam", "KBTN", "Kỹ thuật viên", "nhan_vien", "vien_chuc", False,
     "Kỹ thuật y hạng IV", None, "HTT", dict(so_thang_cong_tac=5, ghi_chu="Tuyển dụng từ 01/8/2026.")),
    ("TT-15", "Triệu Văn Hải", dt.date(1989, 5, 25), "Nam", "KXN", "Kỹ thuật viên xét nghiệm", "nhan_vien",
     "vien_chuc", False, "Kỹ thuật y hạng III", None, "HTT", {}),
    ("TT-16", "Mông Thị Lan", dt.date(1987, 8, 8), "Nữ", "KXN", "Kỹ thuật viên xét nghiệm", "nhan_vien", "vien_chuc",
     False, "Kỹ thuật y hạng III", "Đảng viên", "HTXS", {}),
    ("TT-17", "Quách Văn Thịnh", dt.date(1992, 1, 13), "Nam", "KXN", "Kỹ thuật viên chẩn đoán hình ảnh", "nhan_vien",
     "vien_chuc", False, "Kỹ thuật y hạng III", None, "HTXS", {}),
    ("TT-18", "Ninh Thị Phương", dt.date(1995, 6, 1), "Nữ", "KXN", "Kỹ thuật viên xét nghiệm", "nhan_vien",
     "vien_chuc", False, "Kỹ thuật y hạng III", None, "HTXS", {}),
]

# ma_so: one (general, a, b, c, d, đ, e) per quarter present, keyed by quarter; leaders' d/đ/e, others None.
_SCORES: dict[str, dict[str, tuple]] = {
    # the Giám đốc set d = 50 in Q2, when TT-15 scored 43 (the whole centre is under him)
    "TT-01": {"2026-Q1": (26, 100, 100, 100, 100, 95, 95), "2026-Q2": (27, 100, 100, 100, 50, 95, 95),
              "2026-Q3": (28, 100, 100, 100, 100, 95, 95), "2026-Q4": (27, 100, 100, 100, 100, 95, 95)},
    "TT-02": {"2026-Q1": (26, 95, 95, 90, 100, 90, 90), "2026-Q2": (25, 95, 95, 90, 100, 90, 90),
              "2026-Q3": (26, 95, 95, 90, 100, 90, 90), "2026-Q4": (26, 95, 95, 90, 100, 90, 90)},
    "TT-03": {q: (25, 90, 90, 90, 100, 85, 85) for q in QUARTERS},
    "TT-04": {q: (27, 100, 100, 95, 100, 95, 90) for q in QUARTERS},
    "TT-05": {"2026-Q1": (25, 95, 95, 95, 100, 90, 90), "2026-Q2": (25, 95, 95, 95, 50, 90, 90),
              "2026-Q3": (25, 95, 95, 95, 100, 90, 90), "2026-Q4": (25, 95, 95, 95, 100, 90, 90)},
    "TT-06": {q: (25, 90, 90, 85, None, None, None) for q in QUARTERS},
    # Q1 at the old centre, which sent its result
    "TT-07": {"2026-Q1": (24, 85, 85, 85, None, None, None), "2026-Q2": (25, 90, 90, 90, None, None, None),
              "2026-Q3": (25, 90, 90, 90, None, None, None), "2026-Q4": (25, 90, 90, 90, None, None, None)},
    "TT-08": {q: (25, 90, 90, 90, None, None, None) for q in QUARTERS},
    "TT-09": {q: (24, 85, 80, 85, None, None, None) for q in QUARTERS},
    # Q1 from products (SanPham below); the cells of Q1 are left empty
    "TT-10": {"2026-Q1": (27, None, None, None, None, None, None), "2026-Q2": (27, 100, 95, 95, None, None, None),
              "2026-Q3": (27, 100, 95, 95, None, None, None), "2026-Q4": (27, 100, 95, 95, None, None, None)},
    "TT-11": {q: (26, 95, 95, 95, None, None, None) for q in QUARTERS},
    "TT-12": {q: (22, 85, 80, 80, None, None, None) for q in QUARTERS},
    # maternity leave April–September: Q1 and Q4 only
    "TT-13": {"2026-Q1": (26, 95, 95, 90, None, None, None), "2026-Q4": (25, 90, 90, 90, None, None, None)},
    # recruited 01/8: Q3 (August, September) and Q4
    "TT-14": {"2026-Q3": (25, 90, 90, 90, None, None, None), "2026-Q4": (25, 90, 90, 90, None, None, None)},
    "TT-15": {"2026-Q1": (25, 90, 90, 90, None, None, None), "2026-Q2": (15, 40, 40, 40, None, None, None),
              "2026-Q3": (24, 85, 85, 85, None, None, None), "2026-Q4": (25, 90, 90, 90, None, None, None)},
    "TT-16": {q: (27, 100, 100, 95, None, None, None) for q in QUARTERS},
    "TT-17": {q: (26, 95, 95, 90, None, None, None) for q in QUARTERS},
    "TT-18": {"2026-Q1": (26, 95, 95, 90, None, None, None), "2026-Q2": (25, 95, 90, 90, None, None, None),
              "2026-Q3": (25, 95, 90, 90, None, None, None), "2026-Q4": (25, 95, 90, 95, None, None, None)},
}

# TT-10, Q1: (product, coefficient, done, times below quality, times late)
_PRODUCTS = [
    ("Giám sát ca bệnh sốt xuất huyết Dengue quý I", 2, "Có", 0, 0),
    ("Báo cáo dịch tễ tuần các bệnh truyền nhiễm", 1, "Có", 1, 0),
    ("Điều tra, xử lý ổ dịch sởi tại xã Tân Phước", 1, "Có", 0, 1),
]

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và "
                          "quy định của ngành y tế.",
    "dao_duc_loi_song": "Giữ gìn y đức, thực hiện Quy tắc ứng xử của viên chức ngành y tế; lối sống lành mạnh, "
                        "giản dị.",
    "tac_phong_le_loi": "Tác phong chuẩn mực, phối hợp tốt với đồng nghiệp và y tế cơ sở.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của lãnh đạo khoa, phòng; thực hiện đúng nội quy của Trung tâm.",
    "uu_diem": "Nhiệt tình, có trách nhiệm; chủ động trong công tác phòng, chống dịch.",
    "khuyet_diem": "Có lúc cập nhật số liệu lên phần mềm giám sát còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ chuyên môn; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "TT-01": "Lãnh đạo, điều hành toàn diện hoạt động của Trung tâm; hoàn thành các chỉ tiêu Sở Y tế giao năm 2026.",
    "TT-04": "Chỉ đạo giám sát, phát hiện sớm và xử lý kịp thời 14 ổ dịch; không để dịch lớn xảy ra.",
    "TT-10": "Giám sát 1.240 ca bệnh truyền nhiễm; chủ trì điều tra, xử lý 6 ổ dịch sởi, sốt xuất huyết.",
    "TT-07": "Thực hiện công tác kế toán của Trung tâm từ tháng 4/2026; trước đó công tác tại Trung tâm Y tế huyện "
             "Sơn Tây.",
    "TT-13": "Hoàn thành nhiệm vụ truyền thông phòng, chống dịch trong thời gian công tác thực tế 06 tháng.",
}


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 7, phường Nam Sơn, tỉnh Hà Giang Nam",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 7")
    periods = []
    for ma_so, quarters in _SCORES.items():
        for ky, (general, a, b, c, d, dd, e) in quarters.items():
            row = dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a, ty_le_chat_luong=b,
                       ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e)
            if ma_so == "TT-07" and ky == "2026-Q1":
                row["don_vi_danh_gia"] = OLD_UNIT
            periods.append(row)
    products = [dict(ma_so="TT-10", ky="2026-Q1", ten_san_pham=name, he_so_quy_doi=w, hoan_thanh=done,
                     so_lan_khong_dat=bad, so_lan_cham=late) for name, w, done, bad, late in _PRODUCTS]
    texts = wf.text_rows(people, _TEXTS, _TASKS)

    vote = wf.vote_row
    votes = [  # phòng TCHC 5 present, khoa Truyền nhiễm 6, khoa Xét nghiệm 5; TT-14 (not rated) not voted on
        vote("TT-03", 5, 0, 5), vote("TT-06", 5, 0, 5), vote("TT-07", 5, 0, 5), vote("TT-08", 5, 0, 5),
        vote("TT-09", 5, 0, 4, 1),
        vote("TT-04", 6, 3, 3), vote("TT-10", 6, 5, 1), vote("TT-11", 6, 4, 2), vote("TT-12", 6, 0, 1, 0, 5),
        vote("TT-13", 6, 0, 6),
        vote("TT-05", 5, 2, 3), vote("TT-15", 5, 0, 4, 1), vote("TT-16", 5, 4, 1), vote("TT-17", 5, 3, 2),
        vote("TT-18", 5, 2, 3),
    ]
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "SỞ Y TẾ TỈNH HÀ GIANG NAM"),
                   ("dia_danh", "Hà Giang Nam"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 8)),
                   ("ky_hieu_van_ban", "KSBT-TCHC"), ("nguoi_dung_dau", "Vũ Đức Minh"),
                   ("chuc_vu_nguoi_dung_dau", "Giám đốc"), ("dang_bo", "Đảng bộ Sở Y tế tỉnh Hà Giang Nam"),
                   ("ten_co_quan_cap_tren", SUPERIOR), ("nguoi_dung_dau_cap_tren", "Nguyễn Thị Hồng Vân"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Giám đốc Sở Y tế"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("bo_quy_tac_khac", "nd233-2026"),
                   # as the blank workbook's guide says for a đơn vị sự nghiệp: its managing Sở receives the report
                   ("so_noi_vu", SUPERIOR)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [dict(ma_so="TT-12", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="87/QĐ-KSBT",
                        ngay_hieu_luc=dt.date(YEAR, 9, 10), lien_quan_cong_vu="Có")],
        "ThiDua": [dict(ma_so="TT-10", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Bản đồ số giám sát ổ dịch sốt xuất huyết" (QĐ 112/QĐ-KSBT ngày 20/10/2026)',
                        phieu_dong_y=6, tong_so_phieu=6),
                   dict(ma_so="TT-01", danh_hieu="LDTT", phieu_dong_y=16, tong_so_phieu=17),
                   dict(ma_so="TT-07", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=5),
                   dict(ma_so="TT-08", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=5),
                   dict(ma_so="TT-11", danh_hieu="LDTT", phieu_dong_y=6, tong_so_phieu=6),
                   dict(ma_so="TT-13", danh_hieu="LDTT", phieu_dong_y=6, tong_so_phieu=6),
                   dict(ma_so="TT-16", danh_hieu="LDTT", phieu_dong_y=5, tong_so_phieu=5)],
        "KetQuaKy": periods,
        "SanPham": products,
    }


def write(path: Path) -> Path:
    """The workbook as a clerk fills the blank one: sheets and columns by their Vietnamese labels."""
    return wf.write(path, tables(), headers="label", sheet_names="label")
