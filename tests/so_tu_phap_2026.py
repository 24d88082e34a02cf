"""A 2026 Sở of the province whose staff are all công chức, as its clerk would type it (audit rev2).

«Sở Tư pháp tỉnh Hà Giang Nam» under the Ủy ban nhân dân tỉnh: a Giám đốc (the agency head, rated by the
Chủ tịch UBND tỉnh), two Phó Giám đốc, the Văn phòng Sở, the Thanh tra Sở, the Phòng Hành chính tư pháp and
the Phòng Phổ biến, giáo dục pháp luật, each with a head and a deputy (lãnh đạo, quản lý: d/đ/e scored),
chuyên viên chính and chuyên viên; one HĐ 111 contract driver (rated, by default, as công chức are:
`bo_quy_tac_khac` empty). Every công chức under ND 335/2025, followed BY MONTH, with results that change
during the year for some (so the year score is a real mean). A chuyên viên transferred in from the Sở Nội vụ
on 01/4 (January–March followed by the Sở Nội vụ: KetQuaKy `don_vi_danh_gia`); a chuyên viên chính retiring on
01/9 (8 months worked, `da_nghi`; his party review moves to his residence: `khong_kiem_diem_dang_vien`).
The Đảng bộ Sở with four chi bộ (the Ban Giám đốc sits in the Văn phòng's), the Giám đốc Bí thư Đảng ủy, a
Phó Giám đốc Phó Bí thư, chi ủy members, every party member living in a residence cell (Mẫu 3-213). More HTXS
by points than 20 % of HTT allows in both default groups. The agency's own self-rating (HTT, 86,5 points;
the key-staff meeting of 04/12; the report's date left for handwriting; the level decided by the
UBND tỉnh left empty). Emulation proposals (LĐTT; one CSTĐCS with an initiative; the Giám đốc's own). The
workbook has no column for collective titles («Tập thể lao động tiên tiến»): none is proposed here.
Nothing is decided yet: no `muc_quyet_dinh`, no decision dates.

The workbook is written with the Vietnamese labels of the blank workbook (`hoso init --nam 2026`), sheets and
columns, as a clerk fills it. `tables()` returns the sheets as `workbook_factory.write` takes them;
`write(path)` writes the file. The expected ratings are worked out by hand in tests/test_so_tu_phap_2026.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]

AGENCY = "Sở Tư pháp tỉnh Hà Giang Nam"
SUPERIOR = "Ủy ban nhân dân tỉnh Hà Giang Nam"
OLD_AGENCY = "Sở Nội vụ tỉnh Hà Giang Nam"
DANG_BO = "Đảng bộ Sở Tư pháp tỉnh Hà Giang Nam"
CB_VP = "Chi bộ Văn phòng Sở"
CB_TT = "Chi bộ Thanh tra Sở"
CB_HC = "Chi bộ Phòng Hành chính tư pháp"
CB_PB = "Chi bộ Phòng Phổ biến, giáo dục pháp luật"

UNITS = [
    dict(ma_don_vi="BGD", ten_don_vi="Ban Giám đốc", loai_don_vi="hanh_chinh", thu_tu=1, chi_bo=CB_VP,
         ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=3),
    dict(ma_don_vi="VP", ten_don_vi="Văn phòng Sở", loai_don_vi="hanh_chinh", thu_tu=2, chi_bo=CB_VP,
         ngay_hop=dt.date(YEAR, 12, 2), so_thanh_vien=5),
    dict(ma_don_vi="TTRA", ten_don_vi="Thanh tra Sở", loai_don_vi="hanh_chinh", thu_tu=3, chi_bo=CB_TT,
         ngay_hop=dt.date(YEAR, 12, 2), so_thanh_vien=4),
    dict(ma_don_vi="HCTP", ten_don_vi="Phòng Hành chính tư pháp", loai_don_vi="hanh_chinh", thu_tu=4, chi_bo=CB_HC,
         ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=5, vang_mat="Mai Văn Quý (đã nghỉ hưu từ 01/9/2026)"),
    dict(ma_don_vi="PBGD", ten_don_vi="Phòng Phổ biến, giáo dục pháp luật", loai_don_vi="hanh_chinh", thu_tu=5,
         chi_bo=CB_PB, ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=5),
]

_CVC, _CV, _TTVC, _TTV = "Chuyên viên chính", "Chuyên viên", "Thanh tra viên chính", "Thanh tra viên"

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("TP-01", "Hoàng Minh Tuấn", dt.date(1972, 3, 14), "Nam", "BGD", "Giám đốc", "truong", "cong_chuc", True,
     "Chuyên viên cao cấp", "Bí thư Đảng ủy Sở", "HTXS", {}),
    ("TP-02", "Trần Thị Bích Ngọc", dt.date(1976, 8, 2), "Nữ", "BGD", "Phó Giám đốc", "pho", "cong_chuc", True,
     _CVC, "Phó Bí thư Đảng ủy Sở", "HTXS", {}),
    ("TP-03", "Lê Văn Khoa", dt.date(1974, 11, 21), "Nam", "BGD", "Phó Giám đốc", "pho", "cong_chuc", True,
     _CVC, "Đảng ủy viên", "HTT", {}),
    # Văn phòng Sở
    ("TP-04", "Phạm Quốc Hưng", dt.date(1979, 5, 9), "Nam", "VP", "Chánh Văn phòng", "truong", "cong_chuc", True,
     _CVC, "Bí thư chi bộ", "HTXS", {}),
    ("TP-05", "Đỗ Thị Hải Yến", dt.date(1983, 1, 27), "Nữ", "VP", "Phó Chánh Văn phòng", "pho", "cong_chuc", True,
     _CV, "Chi ủy viên", "HTT", {}),
    ("TP-06", "Vũ Thị Thu Trang", dt.date(1985, 9, 12), "Nữ", "VP", "Chuyên viên chính", "nhan_vien", "cong_chuc",
     False, _CVC, "Đảng viên", "HTXS", {}),
    ("TP-07", "Nguyễn Đức Thành", dt.date(1990, 12, 3), "Nam", "VP", "Chuyên viên (kế toán)", "nhan_vien",
     "cong_chuc", False, _CV, None, "HTT", {}),
    ("TP-08", "Hà Văn Lực", dt.date(1978, 6, 18), "Nam", "VP", "Nhân viên lái xe", "nhan_vien", "hop_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP.")),
    # Thanh tra Sở
    ("TP-09", "Bùi Thanh Sơn", dt.date(1977, 2, 25), "Nam", "TTRA", "Chánh Thanh tra", "truong", "cong_chuc", True,
     _TTVC, "Bí thư chi bộ", "HTXS", {}),
    ("TP-10", "Lương Thị Hoa", dt.date(1984, 10, 30), "Nữ", "TTRA", "Phó Chánh Thanh tra", "pho", "cong_chuc", True,
     _TTV, "Chi ủy viên", "HTT", {}),
    ("TP-11", "Ngô Văn Bình", dt.date(1981, 4, 7), "Nam", "TTRA", "Thanh tra viên chính", "nhan_vien", "cong_chuc",
     False, _TTVC, "Đảng viên", "HTXS", {}),
    ("TP-12", "Đinh Thị Lan Anh", dt.date(1992, 7, 16), "Nữ", "TTRA", "Thanh tra viên", "nhan_vien", "cong_chuc",
     False, _TTV, "Đảng viên", "HTT", {}),
    # Phòng Hành chính tư pháp
    ("TP-13", "Phan Văn Lâm", dt.date(1980, 8, 19), "Nam", "HCTP", "Trưởng phòng Hành chính tư pháp", "truong",
     "cong_chuc", True, _CVC, "Bí thư chi bộ", "HTT", {}),
    ("TP-14", "Tạ Thị Minh Nguyệt", dt.date(1986, 3, 5), "Nữ", "HCTP", "Phó Trưởng phòng Hành chính tư pháp", "pho",
     "cong_chuc", True, _CV, "Đảng viên", "HTT", {}),
    ("TP-15", "Mai Văn Quý", dt.date(1966, 8, 10), "Nam", "HCTP", "Chuyên viên chính", "nhan_vien", "cong_chuc",
     False, _CVC, "Đảng viên", "HTT",
     dict(so_thang_cong_tac=8, da_nghi="Có", khong_kiem_diem_dang_vien="Có",
          ghi_chu="Nghỉ hưu từ 01/9/2026; sinh hoạt đảng tại nơi cư trú từ tháng 9/2026.")),
    ("TP-16", "Kiều Thị Hồng", dt.date(1994, 11, 11), "Nữ", "HCTP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, None, "HTT", {}),
    ("TP-17", "Lê Hoàng Nam", dt.date(1988, 1, 22), "Nam", "HCTP", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, "Đảng viên", "HTT",
     dict(co_quan_cu=OLD_AGENCY, so_thang_co_quan_cu=3,
          ghi_chu="Điều động từ Sở Nội vụ tỉnh Hà Giang Nam về Sở Tư pháp từ 01/4/2026.")),
    # Phòng Phổ biến, giáo dục pháp luật
    ("TP-18", "Châu Thị Kim Dung", dt.date(1978, 12, 1), "Nữ", "PBGD", "Trưởng phòng Phổ biến, giáo dục pháp luật",
     "truong", "cong_chuc", True, _CVC, "Bí thư chi bộ", "HTXS", {}),
    ("TP-19", "Trịnh Văn Đông", dt.date(1985, 5, 28), "Nam", "PBGD", "Phó Trưởng phòng Phổ biến, giáo dục pháp luật",
     "pho", "cong_chuc", True, _CV, "Phó Bí thư chi bộ", "HTT", {}),
    ("TP-20", "Nông Thị Thảo", dt.date(1987, 9, 9), "Nữ", "PBGD", "Chuyên viên chính", "nhan_vien", "cong_chuc",
     False, _CVC, "Chi ủy viên", "HTXS", {}),
    ("TP-21", "Cao Minh Hiếu", dt.date(1991, 2, 14), "Nam", "PBGD", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, "Đảng viên", "HTXS", {}),
    ("TP-22", "Lý Thị Ngọc", dt.date(1996, 6, 6), "Nữ", "PBGD", "Chuyên viên", "nhan_vien", "cong_chuc", False,
     _CV, None, "HTT", {}),
]

_H1, _H2 = MONTHS[:6], MONTHS[6:]


def _all(score: tuple, months=MONTHS) -> dict[str, tuple]:
    return {m: score for m in months}


_N = (None, None, None)
# ma_so: {month: (general, a, b, c, d, đ, e)}; leaders' d/đ/e, others None
_SCORES: dict[str, dict[str, tuple]] = {
    "TP-01": {**_all((26, 100, 95, 95, 100, 90, 90), _H1), **_all((27, 100, 100, 95, 100, 95, 95), _H2)},
    "TP-02": _all((27, 100, 100, 95, 100, 95, 95)),
    "TP-03": _all((25, 90, 90, 90, 100, 85, 85)),
    "TP-04": {**_all((26, 95, 95, 95, 100, 95, 95), _H1), **_all((26, 100, 95, 95, 100, 95, 95), _H2)},
    "TP-05": _all((25, 90, 90, 85, 100, 85, 85)),
    "TP-06": _all((26, 95, 95, 95, *_N)),
    "TP-07": _all((25, 90, 90, 90, *_N)),
    "TP-08": _all((25, 90, 90, 90, *_N)),
    "TP-09": _all((27, 100, 95, 95, 100, 90, 90)),
    "TP-10": _all((24, 90, 85, 85, 100, 85, 85)),
    "TP-11": _all((27, 100, 95, 95, *_N)),
    "TP-12": _all((25, 90, 90, 85, *_N)),
    "TP-13": _all((25, 95, 90, 90, 100, 90, 85)),
    "TP-14": _all((25, 90, 90, 90, 100, 85, 85)),
    # retired on 01/9: January–August
    "TP-15": {**_all((25, 90, 90, 90, *_N), MONTHS[:4]), **_all((25, 90, 85, 85, *_N), MONTHS[4:8])},
    "TP-16": _all((24, 90, 85, 85, *_N)),
    # transferred in on 01/4: January–March followed by the Sở Nội vụ, which sent its results
    "TP-17": {**_all((24, 85, 85, 85, *_N), MONTHS[:3]), **_all((25, 90, 90, 90, *_N), MONTHS[3:])},
    "TP-18": _all((26, 100, 100, 100, 100, 90, 90)),
    "TP-19": _all((25, 90, 90, 90, 100, 85, 85)),
    "TP-20": _all((26, 95, 95, 90, *_N)),
    "TP-21": _all((27, 100, 100, 95, *_N)),
    "TP-22": _all((25, 90, 90, 85, *_N)),
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước; "
                          "kiên định lập trường chính trị.",
    "dao_duc_loi_song": "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh, giản dị; không có biểu hiện suy thoái.",
    "tac_phong_le_loi": "Tác phong chuẩn mực, làm việc khoa học; phối hợp tốt với đồng nghiệp.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của tổ chức; thực hiện đúng nội quy, quy chế làm việc của Sở.",
    "thai_do_phuc_vu": "Tận tụy, tôn trọng người dân và doanh nghiệp khi giải quyết thủ tục hành chính.",
    "uu_diem": "Nhiệt tình, có trách nhiệm; chủ động tham mưu trong lĩnh vực được giao.",
    "khuyet_diem": "Có lúc cập nhật văn bản trên hệ thống quản lý văn bản còn chậm.",
    "phuong_huong": "Tiếp tục học tập nâng cao trình độ; phấn đấu hoàn thành tốt nhiệm vụ năm 2027.",
}
_TASKS = {
    "TP-01": "Lãnh đạo, điều hành toàn diện hoạt động của Sở; tham mưu UBND tỉnh ban hành 14 văn bản quy phạm "
             "pháp luật đúng tiến độ.",
    "TP-02": "Phụ trách công tác xây dựng, kiểm tra văn bản quy phạm pháp luật; thẩm định 62 dự thảo văn bản.",
    "TP-09": "Chủ trì 05 cuộc thanh tra, kiểm tra; giải quyết 100% đơn thư thuộc thẩm quyền đúng hạn.",
    "TP-15": "Hoàn thành nhiệm vụ về hộ tịch, quốc tịch, chứng thực đến khi nghỉ hưu (01/9/2026).",
    "TP-17": "Công tác tại Phòng Hành chính tư pháp từ tháng 4/2026; trước đó công tác tại Sở Nội vụ tỉnh Hà "
             "Giang Nam.",
    "TP-21": "Chủ trì tổ chức Ngày Pháp luật Việt Nam năm 2026; xây dựng trang phổ biến pháp luật trực tuyến.",
}

# the key-staff meeting of 04/12/2026 on the Sở's own level (the report's date left empty: signed by hand)
AGENCY_SELF = [
    ("tu_xep_loai_co_quan", "HTT"), ("diem_co_quan", 86.5), ("diem_tieu_chi_chung_co_quan", 27),
    ("diem_nhiem_vu_co_quan", 59.5), ("ngay_hop_tu_xep_loai", dt.date(YEAR, 12, 4)),
    ("so_nguoi_trieu_tap_co_quan", 13), ("so_nguoi_du_hop_co_quan", 12), ("so_phieu_dong_y_co_quan", 11),
    ("thu_ky_hop_co_quan", "Vũ Thị Thu Trang"),
    ("ket_qua_co_quan", "Hoàn thành 46/48 nhiệm vụ UBND tỉnh giao trong năm 2026; 02 nhiệm vụ đang thực hiện "
                        "theo lộ trình được phê duyệt."),
    ("uu_diem_co_quan", "Tham mưu kịp thời, đúng quy định các văn bản quy phạm pháp luật của tỉnh."),
    ("han_che_co_quan", "Tiến độ số hóa sổ hộ tịch còn chậm so với kế hoạch."),
    ("phuong_huong_co_quan", "Hoàn thành số hóa sổ hộ tịch; nâng cao chất lượng thẩm định văn bản năm 2027."),
]


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 3, phường Hà Giang 1, tỉnh Hà Giang Nam",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 3")
    periods = []
    for ma_so, by_month in _SCORES.items():
        for ky, (general, a, b, c, d, dd, e) in by_month.items():
            row = dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a, ty_le_chat_luong=b,
                       ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e)
            if ma_so == "TP-17" and ky in MONTHS[:3]:
                row["don_vi_danh_gia"] = OLD_AGENCY
            periods.append(row)
    texts = wf.text_rows(people, _TEXTS, _TASKS)

    vote = wf.vote_row
    votes = [  # Ban Giám đốc 3 present (the Giám đốc is rated by the Chủ tịch UBND tỉnh), Văn phòng 5,
        # Thanh tra 4, Phòng Hành chính tư pháp 4 of 5 (the chuyên viên chính retired on 01/9 is rated in his absence),
        # Phòng Phổ biến, giáo dục pháp luật 5
        vote("TP-02", 3, 3, 0), vote("TP-03", 3, 0, 3),
        vote("TP-04", 5, 4, 1), vote("TP-05", 5, 0, 5), vote("TP-06", 5, 3, 2), vote("TP-07", 5, 0, 5),
        vote("TP-08", 5, 0, 5),
        vote("TP-09", 4, 3, 1), vote("TP-10", 4, 0, 4), vote("TP-11", 4, 3, 1), vote("TP-12", 4, 0, 4),
        vote("TP-13", 4, 0, 4), vote("TP-14", 4, 0, 4), vote("TP-15", 4, 0, 4), vote("TP-16", 4, 0, 4),
        vote("TP-17", 4, 0, 4),
        vote("TP-18", 5, 3, 2), vote("TP-19", 5, 0, 5), vote("TP-20", 5, 4, 1), vote("TP-21", 5, 5, 0),
        vote("TP-22", 5, 0, 5),
    ]

    def ldtt(ma_so: str, yes: int, total: int) -> dict:
        return dict(ma_so=ma_so, danh_hieu="LDTT", phieu_dong_y=yes, tong_so_phieu=total)

    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"),
                   ("dia_danh", "Hà Giang Nam"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 8)),
                   ("ky_hieu_van_ban", "STP-VP"), ("nguoi_dung_dau", "Hoàng Minh Tuấn"),
                   ("chuc_vu_nguoi_dung_dau", "Giám đốc"), ("dang_bo", DANG_BO),
                   ("ten_co_quan_cap_tren", SUPERIOR), ("nguoi_dung_dau_cap_tren", "Lục Văn Thành"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch Ủy ban nhân dân tỉnh"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("so_noi_vu", "Sở Nội vụ tỉnh Hà Giang Nam"),
                   *AGENCY_SELF],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "ThiDua": [dict(ma_so="TP-21", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Trang phổ biến pháp luật trực tuyến cho người dân vùng cao" '
                                  '(QĐ 215/QĐ-STP ngày 16/10/2026)',
                        phieu_dong_y=5, tong_so_phieu=5),
                   ldtt("TP-01", 20, 22), ldtt("TP-02", 3, 3), ldtt("TP-04", 5, 5), ldtt("TP-06", 5, 5),
                   ldtt("TP-08", 5, 5), ldtt("TP-09", 4, 4), ldtt("TP-11", 4, 4), ldtt("TP-13", 4, 4),
                   ldtt("TP-15", 3, 4), ldtt("TP-17", 4, 4), ldtt("TP-18", 5, 5), ldtt("TP-20", 5, 5)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    """The workbook as a clerk fills the blank one: sheets and columns by their Vietnamese labels."""
    return wf.write(path, tables(), headers="label", sheet_names="label")
