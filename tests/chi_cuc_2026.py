"""A 2026 Chi cục under a Sở, as its clerk would type it (helper sig: the signer's read).

«Chi cục Kiểm lâm tỉnh Hà Giang Nam», under the Sở Nông nghiệp và Môi trường: the Lãnh đạo Chi cục (the Chi cục
trưởng, the agency head, rated by the Giám đốc Sở; two Phó Chi cục trưởng), the Phòng Hành chính - Tổng hợp, the
Phòng Quản lý, bảo vệ rừng whose Trưởng phòng is a Phó Chi cục trưởng (kiêm nhiệm: KL-03 sits in the Lãnh đạo Chi cục,
NhanSu `don_vi_kiem_nhiem` names the phòng he heads), and the Trạm Cứu hộ động vật hoang dã, a đơn vị sự nghiệp of viên chức (ND 233/2026) with a người lao
động (rated under ND 233 by the unit's choice, `DonVi.bo_quy_tac_khac`). Công chức followed BY MONTH, the Trạm BY
QUARTER. The hard cases:
- KL-06 transferred in on 01/6 from the Hạt Kiểm lâm Sơn Tây (January–May sent by the Hạt: `don_vi_danh_gia`);
- KL-07 on maternity leave 01/3–31/7 (5 months; rated on the 7 months worked);
- KL-10 recruited 01/3 and on probation (tập sự, the workbook has no column: `ghi_chu` only), 10 months;
- KL-15 recruited 01/9 (4 months: not rated);
- KL-14 khiển trách for a public-service fault, in force 12/08/2026 (KHT), who rated himself HTT; his phòng's
  heads (KL-03, KL-11) and the Chi cục trưởng took d) = 50 % in August;
- KL-08 a hợp đồng under ND 111 (rated as công chức: the default rulebook), KL-09 and KL-23 người lao động;
- party members in the Chi bộ Chi cục Kiểm lâm, all living in one residence cell but KL-17 (another cell).
Nothing is decided yet: no `muc_quyet_dinh`, no decision dates.

`tables()` returns the sheets as `workbook_factory.write` takes them; `write(path)` writes the file with the
Vietnamese labels of the blank workbook. The expected ratings are worked out by hand in tests/test_chi_cuc_2026.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Chi cục Kiểm lâm tỉnh Hà Giang Nam"
SUPERIOR = "Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam"
OLD_UNIT = "Hạt Kiểm lâm khu vực Sơn Tây"
CHI_BO = "Chi bộ Chi cục Kiểm lâm"

UNITS = [
    dict(ma_don_vi="LD", ten_don_vi="Lãnh đạo Chi cục", loai_don_vi="hanh_chinh", thu_tu=1, chi_bo=CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 4), so_thanh_vien=3, chu_tri_khi_kiem_diem_truong="Lê Văn Quý"),
    dict(ma_don_vi="HCTH", ten_don_vi="Phòng Hành chính - Tổng hợp", loai_don_vi="hanh_chinh", thu_tu=2,
         chi_bo=CHI_BO, ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=7),
    dict(ma_don_vi="QLBVR", ten_don_vi="Phòng Quản lý, bảo vệ rừng", loai_don_vi="hanh_chinh", thu_tu=3,
         chi_bo=CHI_BO, ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=8,
         vang_mat="Lục Văn Phong (đi tập huấn nghiệp vụ)"),
    dict(ma_don_vi="TCH", ten_don_vi="Trạm Cứu hộ động vật hoang dã", loai_don_vi="su_nghiep", thu_tu=4,
         chi_bo=CHI_BO, ngay_hop=dt.date(YEAR, 12, 2), so_thanh_vien=7, bo_quy_tac_khac="nd233-2026"),
]

_KLVC, _KLV, _KLVTC, _CV = "Kiểm lâm viên chính", "Kiểm lâm viên", "Kiểm lâm viên trung cấp", "Chuyên viên"

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
PEOPLE = [
    ("KL-01", "Nguyễn Hữu Thắng", dt.date(1972, 4, 16), "Nam", "LD", "Chi cục trưởng", "truong", "cong_chuc", True,
     _KLVC, "Bí thư chi bộ", "HTXS", {}),
    ("KL-02", "Lê Văn Quý", dt.date(1975, 9, 3), "Nam", "LD", "Phó Chi cục trưởng", "pho", "cong_chuc", True,
     _KLVC, "Phó Bí thư chi bộ", "HTT", {}),
    # kiêm nhiệm: a member of the Lãnh đạo Chi cục (reviewed there), the head of the Phòng Quản lý, bảo vệ rừng
    ("KL-03", "Trần Minh Đức", dt.date(1978, 1, 22), "Nam", "LD",
     "Phó Chi cục trưởng kiêm Trưởng phòng Quản lý, bảo vệ rừng", "pho", "cong_chuc", True, _KLVC,
     "Chi ủy viên", "HTT", dict(don_vi_kiem_nhiem="QLBVR")),
    # Phòng Hành chính - Tổng hợp
    ("KL-04", "Phạm Thị Hoa", dt.date(1980, 6, 11), "Nữ", "HCTH", "Trưởng phòng Hành chính - Tổng hợp", "truong",
     "cong_chuc", True, _CV, "Chi ủy viên", "HTT", {}),
    ("KL-05", "Đặng Văn Hùng", dt.date(1984, 2, 8), "Nam", "HCTH", "Phó Trưởng phòng Hành chính - Tổng hợp", "pho",
     "cong_chuc", True, _CV, "Đảng viên", "HTT", {}),
    ("KL-06", "Ngô Thị Lan", dt.date(1989, 10, 19), "Nữ", "HCTH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, "Đảng viên", "HTT",
     dict(co_quan_cu=OLD_UNIT, so_thang_co_quan_cu=5,
          ghi_chu="Điều động từ Hạt Kiểm lâm khu vực Sơn Tây về Chi cục từ 01/6/2026.")),
    ("KL-07", "Vũ Thị Thu", dt.date(1992, 12, 1), "Nữ", "HCTH", "Kế toán viên", "nhan_vien", "cong_chuc", False,
     "Kế toán viên", None, "HTT",
     dict(so_thang_cong_tac=7, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/3/2026 đến 31/7/2026 (05 tháng).")),
    ("KL-08", "Hoàng Thị Mến", dt.date(1990, 5, 5), "Nữ", "HCTH", "Nhân viên văn thư", "nhan_vien", "hop_dong",
     False, None, None, "HTT", dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP.")),
    ("KL-09", "Bùi Văn Tám", dt.date(1976, 8, 8), "Nam", "HCTH", "Lái xe", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("KL-10", "Đỗ Minh Tuấn", dt.date(1999, 3, 30), "Nam", "HCTH", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, None, "HTT",
     dict(so_thang_cong_tac=10, ghi_chu="Tuyển dụng từ 01/3/2026, đang trong thời gian tập sự.")),
    # Phòng Quản lý, bảo vệ rừng (its head: KL-03 above, kiêm nhiệm)
    ("KL-11", "Lò Văn Chiến", dt.date(1983, 7, 14), "Nam", "QLBVR", "Phó Trưởng phòng Quản lý, bảo vệ rừng", "pho",
     "cong_chuc", True, _KLVC, "Đảng viên", "HTT", {}),
    ("KL-12", "Hà Văn Dũng", dt.date(1981, 11, 2), "Nam", "QLBVR", "Kiểm lâm viên chính", "nhan_vien", "cong_chuc",
     False, _KLVC, "Đảng viên", "HTXS", {}),
    ("KL-13", "Triệu Thị Hằng", dt.date(1990, 4, 25), "Nữ", "QLBVR", "Kiểm lâm viên", "nhan_vien", "cong_chuc",
     False, _KLV, None, "HTXS", {}),
    ("KL-14", "Nông Văn Khải", dt.date(1987, 9, 9), "Nam", "QLBVR", "Kiểm lâm viên", "nhan_vien", "cong_chuc",
     False, _KLV, None, "HTT", {}),
    ("KL-15", "Lục Văn Phong", dt.date(2001, 1, 17), "Nam", "QLBVR", "Kiểm lâm viên trung cấp", "nhan_vien",
     "cong_chuc", False, _KLVTC, None, "HTT", dict(so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2026.")),
    ("KL-16", "Mai Văn Sang", dt.date(1986, 3, 3), "Nam", "QLBVR", "Kiểm lâm viên trung cấp", "nhan_vien",
     "cong_chuc", False, _KLVTC, None, "HTT", {}),
    ("KL-17", "Sầm Thị Oanh", dt.date(1993, 6, 21), "Nữ", "QLBVR", "Kiểm lâm viên", "nhan_vien", "cong_chuc", False,
     _KLV, "Đảng viên", "HTT",
     dict(noi_cu_tru="Thôn Nà Làng, xã Bắc Quang, tỉnh Hà Giang Nam", chi_bo_noi_cu_tru="Chi bộ thôn Nà Làng")),
    # Trạm Cứu hộ động vật hoang dã (viên chức, by quarter)
    ("KL-18", "Vi Văn Toàn", dt.date(1979, 12, 12), "Nam", "TCH", "Trạm trưởng", "truong", "vien_chuc", True,
     "Kỹ sư chính (hạng II)", "Chi ủy viên", "HTT", {}),
    ("KL-19", "Đinh Thị Nga", dt.date(1985, 8, 18), "Nữ", "TCH", "Phó Trạm trưởng", "pho", "vien_chuc", True,
     "Kỹ sư (hạng III)", "Đảng viên", "HTT", {}),
    ("KL-20", "Kim Văn Bình", dt.date(1988, 2, 27), "Nam", "TCH", "Bác sĩ thú y", "nhan_vien", "vien_chuc", False,
     "Bác sĩ thú y (hạng III)", "Đảng viên", "HTXS", {}),
    ("KL-21", "Hứa Thị Quyên", dt.date(1991, 10, 6), "Nữ", "TCH", "Kỹ sư lâm nghiệp", "nhan_vien", "vien_chuc",
     False, "Kỹ sư (hạng III)", None, "HTXS", {}),
    ("KL-22", "Lương Văn Sinh", dt.date(1994, 5, 15), "Nam", "TCH", "Kỹ thuật viên", "nhan_vien", "vien_chuc", False,
     "Kỹ thuật viên (hạng IV)", None, "HTT", {}),
    ("KL-23", "Chu Văn Tài", dt.date(1982, 1, 1), "Nam", "TCH", "Nhân viên chăm sóc động vật", "nhan_vien",
     "nguoi_lao_dong", False, None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("KL-24", "Dương Thị Yến", dt.date(1996, 7, 7), "Nữ", "TCH", "Kỹ sư lâm nghiệp", "nhan_vien", "vien_chuc", False,
     "Kỹ sư (hạng III)", None, "HTT", {}),
]

_N = (None, None, None)
_AUG = f"{YEAR}-08"


def _all(score: tuple, periods=MONTHS) -> dict[str, tuple]:
    return {p: score for p in periods}


def _august_d50(score: tuple) -> dict[str, tuple]:
    """A leader over KL-14: every month `score`, August with d) = 50 (his subordinate's khiển trách took effect)."""
    general, a, b, c, _d, dd, e = score
    return {**_all(score), _AUG: (general, a, b, c, 50, dd, e)}


# ma_so: {period: (general, a, b, c, d, đ, e)}; leaders' d/đ/e, others None
SCORES: dict[str, dict[str, tuple]] = {
    "KL-01": _august_d50((27, 100, 100, 95, 100, 95, 95)),
    "KL-02": _all((26, 95, 95, 95, 100, 90, 90)),
    "KL-03": _august_d50((26, 95, 95, 90, 100, 90, 90)),
    "KL-04": _all((26, 95, 95, 95, 100, 90, 90)),
    "KL-05": _all((25, 90, 90, 90, 100, 85, 85)),
    # January–May at the Hạt, which sent its months
    "KL-06": {**_all((24, 85, 85, 85, *_N), MONTHS[:5]), **_all((25, 90, 90, 90, *_N), MONTHS[5:])},
    # maternity leave March–July: January, February, August–December
    "KL-07": _all((25, 90, 90, 85, *_N), MONTHS[:2] + MONTHS[7:]),
    "KL-08": _all((25, 90, 90, 90, *_N)),
    "KL-09": _all((24, 85, 85, 80, *_N)),
    # recruited 01/3: March–December
    "KL-10": _all((24, 85, 80, 80, *_N), MONTHS[2:]),
    "KL-11": _august_d50((25, 90, 90, 90, 100, 85, 85)),
    "KL-12": _all((27, 100, 100, 95, *_N)),
    "KL-13": _all((27, 100, 95, 95, *_N)),
    "KL-14": {**_all((24, 85, 85, 85, *_N)), _AUG: (15, 60, 50, 50, *_N)},
    # recruited 01/9: September–December
    "KL-15": _all((24, 85, 85, 85, *_N), MONTHS[8:]),
    "KL-16": _all((25, 90, 90, 90, *_N)),
    "KL-17": _all((26, 95, 90, 90, *_N)),
    "KL-18": _all((26, 95, 95, 95, 100, 90, 90), QUARTERS),
    "KL-19": _all((25, 90, 90, 90, 100, 85, 85), QUARTERS),
    "KL-20": {**_all((27, 100, 100, 95, *_N), QUARTERS[:2]), **_all((28, 100, 100, 100, *_N), QUARTERS[2:])},
    "KL-21": _all((26, 95, 95, 95, *_N), QUARTERS),
    "KL-22": _all((25, 90, 85, 85, *_N), QUARTERS),
    "KL-23": _all((25, 90, 90, 90, *_N), QUARTERS),
    "KL-24": _all((24, 85, 85, 85, *_N), QUARTERS),
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước về "
                          "lâm nghiệp, bảo vệ và phát triển rừng.",
    "dao_duc_loi_song": "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh, giản dị; không có biểu hiện suy thoái.",
    "tac_phong_le_loi": "Tác phong chuẩn mực; phối hợp tốt với chính quyền cơ sở và chủ rừng.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tổ chức; thực hiện đúng nội quy, quy chế làm việc của Chi cục.",
    "uu_diem": "Nhiệt tình, có trách nhiệm; bám sát địa bàn được giao.",
    "khuyet_diem": "Có lúc cập nhật số liệu theo dõi diễn biến rừng còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "KL-01": "Lãnh đạo, điều hành toàn diện hoạt động của Chi cục; không để xảy ra cháy rừng lớn trong năm 2026.",
    "KL-03": "Chỉ đạo tuần tra, kiểm soát lâm sản; phát hiện, xử lý 42 vụ vi phạm Luật Lâm nghiệp.",
    "KL-06": "Công tác tại Phòng Hành chính - Tổng hợp từ tháng 6/2026; trước đó công tác tại Hạt Kiểm lâm khu vực "
             "Sơn Tây.",
    "KL-20": "Cứu hộ, chăm sóc và tái thả 128 cá thể động vật hoang dã về tự nhiên.",
}


_vote = wf.vote_row


VOTES = [  # Lãnh đạo Chi cục 3 present; Hành chính - Tổng hợp 7; Quản lý, bảo vệ rừng 7 of 8 with its head (KL-15,
    # away, not voted on: 4 months); the Trạm 7
    _vote("KL-02", 3, 0, 3), _vote("KL-03", 3, 1, 2),
    _vote("KL-04", 7, 2, 5), _vote("KL-05", 7, 0, 7), _vote("KL-06", 7, 0, 7), _vote("KL-07", 7, 0, 7),
    _vote("KL-08", 7, 0, 7), _vote("KL-09", 7, 0, 6, 1), _vote("KL-10", 7, 0, 5, 2),
    _vote("KL-11", 7, 0, 7), _vote("KL-12", 7, 6, 1), _vote("KL-13", 7, 4, 3),
    _vote("KL-14", 7, 0, 0, 1, 6), _vote("KL-16", 7, 0, 7), _vote("KL-17", 7, 1, 6),
    _vote("KL-18", 7, 2, 5), _vote("KL-19", 7, 0, 7), _vote("KL-20", 7, 7, 0), _vote("KL-21", 7, 5, 2),
    _vote("KL-22", 7, 0, 7), _vote("KL-23", 7, 0, 7), _vote("KL-24", 7, 0, 6, 1),
]


def _ldtt(ma_so: str, yes: int, total: int) -> dict:
    return dict(ma_so=ma_so, danh_hieu="LDTT", phieu_dong_y=yes, tong_so_phieu=total)


EMULATION = [
    dict(ma_so="KL-20", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
         sang_kien='Sáng kiến "Quy trình cách ly, phục hồi sức khỏe tê tê trước khi tái thả" '
                   '(QĐ 36/QĐ-CCKL ngày 12/10/2026)', phieu_dong_y=7, tong_so_phieu=7),
    _ldtt("KL-01", 22, 23), _ldtt("KL-03", 3, 3), _ldtt("KL-04", 7, 7), _ldtt("KL-06", 7, 7), _ldtt("KL-08", 7, 7),
    _ldtt("KL-12", 7, 7), _ldtt("KL-21", 7, 7), _ldtt("KL-14", 2, 7),
]


def tables() -> dict[str, list]:
    people = wf.staff_rows(PEOPLE, noi_cu_tru="Tổ dân phố 5, phường Hà Giang 2, tỉnh Hà Giang Nam",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 5")
    periods = []
    for ma_so, by_period in SCORES.items():
        for ky, (general, a, b, c, d, dd, e) in by_period.items():
            row = dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a, ty_le_chat_luong=b,
                       ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e)
            if ma_so == "KL-06" and ky in MONTHS[:5]:
                row["don_vi_danh_gia"] = OLD_UNIT
            periods.append(row)
    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH HÀ GIANG NAM"),
                   ("dia_danh", "Hà Giang Nam"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 8)),
                   ("ky_hieu_van_ban", "CCKL-HCTH"), ("ky_hieu_co_quan", "CCKL"),
                   ("nguoi_dung_dau", "Nguyễn Hữu Thắng"), ("chuc_vu_nguoi_dung_dau", "Chi cục trưởng"),
                   ("dang_bo", "Đảng bộ Sở Nông nghiệp và Môi trường tỉnh Hà Giang Nam"),
                   ("ten_co_quan_cap_tren", SUPERIOR), ("nguoi_dung_dau_cap_tren", "Trịnh Văn Lâm"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Giám đốc Sở Nông nghiệp và Môi trường"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("so_noi_vu", SUPERIOR)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": wf.text_rows(people, _TEXTS, _TASKS),
        "BieuQuyet": VOTES,
        "KyLuat": [dict(ma_so="KL-14", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách",
                        so_quyet_dinh="15/QĐ-CCKL", ngay_hieu_luc=dt.date(YEAR, 8, 12), lien_quan_cong_vu="Có")],
        "ThiDua": EMULATION,
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    """The workbook as a clerk fills the blank one: sheets and columns by their Vietnamese labels."""
    return wf.write(path, tables(), headers="label", sheet_names="label")
