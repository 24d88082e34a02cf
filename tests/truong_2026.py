"""A 2026 public upper-secondary school (trường THPT under the Sở Giáo dục và Đào tạo) as its clerk would type it.

«Trường Trung học phổ thông Nguyễn Du», managed by the Sở Giáo dục và Đào tạo tỉnh Hà Giang Nam: a Hiệu
trưởng (viên chức quản lý, the agency head, rated by the Giám đốc Sở), two Phó Hiệu trưởng, three tổ
(Tổ Toán - Tin, Tổ Ngữ văn, Tổ Văn phòng) each with a tổ trưởng (lãnh đạo, quản lý: d/đ/e scored) and a tổ
phó; giáo viên (viên chức hạng I–III; ND 233/2026 + Luật Viên chức 2025), an accountant, a librarian, a school
nurse, two người lao động on labour contracts (bảo vệ, phục vụ) rated by the school's own rules applying ND 233
(`CoQuan.bo_quy_tac_khac`). Teachers and the Ban Giám hiệu are followed BY QUARTER, the Tổ Văn phòng BY MONTH.
Comparable groups as a school writes them: «Giáo viên» (tổ trưởng and tổ phó of the two teaching tổ included),
«Nhân viên» (the Tổ Văn phòng's viên chức); the two Phó Hiệu trưởng in the default managers' group; the NLĐ in
theirs. A teacher on maternity leave from 01/3 to 31/8 (results for Q1, Q3, Q4), a teacher recruited on 01/9
(under 6 months), a khiển trách in force on 15/10 (the tổ trưởng and the Hiệu trưởng set d = 50 in Q4), more
HTXS than 20 % of HTT allows, emulation proposals (LĐTT; two CSTĐCS, one with an initiative; the Hiệu trưởng's
own; the disciplined teacher's and the newcomer's, which cannot stand). A chi bộ of the school in the Đảng bộ of
its ward. Nothing is decided yet: no `muc_quyet_dinh`, no decision dates.

The workbook is written with the Vietnamese labels of the blank workbook (`hoso init --nam 2026`), sheets and
columns, as a clerk fills it. `tables()` returns the sheets as `workbook_factory.write` takes them;
`write(path)` writes the file. The expected ratings are worked out by hand in tests/test_truong_2026.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import workbook_factory as wf

YEAR = 2026
MONTHS = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
QUARTERS = [f"{YEAR}-Q{q}" for q in range(1, 5)]

AGENCY = "Trường Trung học phổ thông Nguyễn Du"
SUPERIOR = "Sở Giáo dục và Đào tạo tỉnh Hà Giang Nam"
_CHI_BO = "Chi bộ Trường THPT Nguyễn Du"
TEACHERS = "Giáo viên"
STAFF = "Nhân viên"

UNITS = [
    dict(ma_don_vi="BGH", ten_don_vi="Ban Giám hiệu", loai_don_vi="su_nghiep", thu_tu=1, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 2), so_thanh_vien=3),
    dict(ma_don_vi="TOAN", ten_don_vi="Tổ Toán - Tin", loai_don_vi="su_nghiep", thu_tu=2, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=8),
    dict(ma_don_vi="VAN", ten_don_vi="Tổ Ngữ văn", loai_don_vi="su_nghiep", thu_tu=3, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 3), so_thanh_vien=7),
    dict(ma_don_vi="VP", ten_don_vi="Tổ Văn phòng", loai_don_vi="su_nghiep", thu_tu=4, chi_bo=_CHI_BO,
         ngay_hop=dt.date(YEAR, 12, 4), so_thanh_vien=6),
]

_T = dict(nhom_tuong_dong=TEACHERS)
_S = dict(nhom_tuong_dong=STAFF)
_LEAD_TEACHER = dict(nhom_tuong_dong=TEACHERS, truc_tiep_cong_tac="Có")  # a tổ trưởng teaches
_GV1, _GV2, _GV3 = ("Giáo viên trung học phổ thông hạng I", "Giáo viên trung học phổ thông hạng II",
                    "Giáo viên trung học phổ thông hạng III")

# (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post or None, self level, extra)
_PEOPLE = [
    ("TR-01", "Nguyễn Văn Thắng", dt.date(1970, 9, 5), "Nam", "BGH", "Hiệu trưởng", "truong", "vien_chuc", True,
     _GV1, "Bí thư chi bộ", "HTXS", {}),
    ("TR-02", "Trần Thị Thu Hằng", dt.date(1976, 4, 18), "Nữ", "BGH", "Phó Hiệu trưởng", "pho", "vien_chuc", True,
     _GV1, "Phó Bí thư chi bộ", "HTXS", {}),
    ("TR-03", "Lê Văn Phúc", dt.date(1979, 11, 2), "Nam", "BGH", "Phó Hiệu trưởng", "pho", "vien_chuc", True,
     _GV2, "Chi ủy viên", "HTT", {}),
    # Tổ Toán - Tin
    ("TR-04", "Phạm Thị Lan", dt.date(1980, 2, 14), "Nữ", "TOAN", "Tổ trưởng Tổ Toán - Tin", "truong", "vien_chuc",
     True, _GV2, "Chi ủy viên", "HTXS", _LEAD_TEACHER),
    ("TR-05", "Đỗ Minh Quân", dt.date(1984, 7, 30), "Nam", "TOAN", "Tổ phó Tổ Toán - Tin", "pho", "vien_chuc", False,
     _GV2, "Đảng viên", "HTXS", _T),
    ("TR-06", "Vũ Thị Hồng Nhung", dt.date(1987, 12, 9), "Nữ", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV2, "Đảng viên", "HTXS", _T),
    ("TR-07", "Bùi Quang Vinh", dt.date(1990, 5, 21), "Nam", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    ("TR-08", "Hà Thị Thanh Tâm", dt.date(1992, 8, 3), "Nữ", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, "Đảng viên", "HTXS", _T),
    ("TR-09", "Ngô Đức Trung", dt.date(1985, 3, 27), "Nam", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    ("TR-10", "Lương Thị Mai", dt.date(2001, 10, 11), "Nữ", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", dict(_T, so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2026.")),
    ("TR-24", "Trịnh Văn Khải", dt.date(1994, 6, 16), "Nam", "TOAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    # Tổ Ngữ văn
    ("TR-11", "Đinh Thị Thu Thủy", dt.date(1978, 1, 25), "Nữ", "VAN", "Tổ trưởng Tổ Ngữ văn", "truong", "vien_chuc",
     True, _GV2, "Đảng viên", "HTT", _LEAD_TEACHER),
    ("TR-12", "Phan Văn Hiếu", dt.date(1983, 9, 8), "Nam", "VAN", "Tổ phó Tổ Ngữ văn", "pho", "vien_chuc", False,
     _GV2, "Đảng viên", "HTXS", _T),
    ("TR-13", "Lý Thị Ngọc Bích", dt.date(1993, 4, 12), "Nữ", "VAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, "Đảng viên", "HTXS",
     dict(_T, so_thang_cong_tac=6, nghi_thai_san="Có",
          ghi_chu="Nghỉ chế độ thai sản từ 01/3/2026 đến 31/8/2026 (06 tháng); công tác thực tế 06 tháng.")),
    ("TR-14", "Tạ Thị Kim Oanh", dt.date(1988, 11, 30), "Nữ", "VAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV2, None, "HTXS", _T),
    ("TR-15", "Mạc Văn Dũng", dt.date(1986, 2, 2), "Nam", "VAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    ("TR-16", "Kiều Thị Hạnh", dt.date(1991, 7, 7), "Nữ", "VAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    ("TR-17", "Châu Minh Tuấn", dt.date(1995, 12, 19), "Nam", "VAN", "Giáo viên", "nhan_vien", "vien_chuc", False,
     _GV3, None, "HTT", _T),
    # Tổ Văn phòng
    ("TR-18", "Hoàng Thị Nga", dt.date(1982, 5, 5), "Nữ", "VP", "Tổ trưởng Tổ Văn phòng", "truong", "vien_chuc", True,
     "Văn thư viên", "Đảng viên", "HTT", _S),
    ("TR-19", "Cao Thị Yến", dt.date(1989, 10, 20), "Nữ", "VP", "Tổ phó Tổ Văn phòng, nhân viên thư viện", "pho",
     "vien_chuc", False, "Thư viện viên hạng IV", None, "HTT", _S),
    ("TR-20", "Đặng Văn Hùng", dt.date(1986, 3, 3), "Nam", "VP", "Kế toán", "nhan_vien", "vien_chuc", False,
     "Kế toán viên", "Đảng viên", "HTXS", _S),
    ("TR-21", "Tô Thị Huyền", dt.date(1994, 8, 28), "Nữ", "VP", "Nhân viên y tế trường học", "nhan_vien", "vien_chuc",
     False, "Y sĩ hạng IV", None, "HTT", _S),
    ("TR-22", "Lò Văn Páo", dt.date(1975, 6, 1), "Nam", "VP", "Bảo vệ", "nhan_vien", "nguoi_lao_dong", False,
     None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
    ("TR-23", "Nông Thị Sen", dt.date(1981, 1, 15), "Nữ", "VP", "Nhân viên phục vụ", "nhan_vien", "nguoi_lao_dong",
     False, None, None, "HTT", dict(ghi_chu="Hợp đồng lao động.")),
]

# ma_so: {period: (general, a, b, c, d, đ, e)}; leaders' d/đ/e, others None
_SCORES: dict[str, dict[str, tuple]] = {
    # the Hiệu trưởng and the tổ trưởng Toán set d = 50 in Q4, when TR-09's khiển trách took effect (15/10)
    "TR-01": {"2026-Q1": (27, 100, 100, 95, 100, 95, 95), "2026-Q2": (27, 100, 100, 95, 100, 95, 95),
              "2026-Q3": (28, 100, 100, 100, 100, 95, 95), "2026-Q4": (27, 100, 100, 95, 50, 95, 95)},
    "TR-02": {q: (27, 100, 100, 95, 100, 95, 90) for q in QUARTERS},
    "TR-03": {q: (25, 90, 90, 90, 100, 85, 85) for q in QUARTERS},
    "TR-04": {"2026-Q1": (27, 100, 100, 100, 100, 95, 95), "2026-Q2": (27, 100, 100, 100, 100, 95, 95),
              "2026-Q3": (27, 100, 100, 100, 100, 95, 95), "2026-Q4": (27, 100, 100, 100, 50, 95, 95)},
    "TR-05": {q: (26, 100, 95, 95, None, None, None) for q in QUARTERS},
    "TR-06": {q: (27, 100, 100, 95, None, None, None) for q in QUARTERS},
    "TR-07": {q: (25, 95, 90, 90, None, None, None) for q in QUARTERS},
    "TR-08": {"2026-Q1": (26, 95, 95, 95, None, None, None), "2026-Q2": (25, 95, 90, 90, None, None, None),
              "2026-Q3": (25, 95, 90, 90, None, None, None), "2026-Q4": (26, 95, 95, 90, None, None, None)},
    "TR-09": {q: (24, 90, 85, 85, None, None, None) for q in QUARTERS},
    # recruited 01/9: September (Q3) and Q4
    "TR-10": {"2026-Q3": (25, 90, 90, 90, None, None, None), "2026-Q4": (25, 90, 90, 90, None, None, None)},
    "TR-24": {q: (25, 90, 90, 85, None, None, None) for q in QUARTERS},
    "TR-11": {q: (25, 95, 90, 90, 100, 90, 90) for q in QUARTERS},
    "TR-12": {q: (26, 95, 95, 90, None, None, None) for q in QUARTERS},
    # maternity leave March–August: worked January–February (Q1) and September–December (Q3, Q4)
    "TR-13": {"2026-Q1": (26, 95, 95, 95, None, None, None), "2026-Q3": (25, 90, 90, 90, None, None, None),
              "2026-Q4": (26, 95, 95, 90, None, None, None)},
    "TR-14": {q: (26, 100, 95, 95, None, None, None) for q in QUARTERS},
    "TR-15": {q: (25, 90, 90, 90, None, None, None) for q in QUARTERS},
    "TR-16": {q: (24, 90, 85, 85, None, None, None) for q in QUARTERS},
    "TR-17": {q: (25, 95, 90, 90, None, None, None) for q in QUARTERS},
    # Tổ Văn phòng, by month
    "TR-18": {m: (25, 90, 90, 90, 100, 85, 85) for m in MONTHS},
    "TR-19": {m: (25, 90, 90, 90, None, None, None) for m in MONTHS},
    "TR-20": {m: (26, 95, 95, 95, None, None, None) for m in MONTHS},
    "TR-21": {m: (25, 90, 85, 85, None, None, None) for m in MONTHS},
    "TR-22": {m: (24, 85, 85, 85, None, None, None) for m in MONTHS},
    "TR-23": {m: (24, 90, 85, 80, None, None, None) for m in MONTHS},
}

_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và "
                          "quy định của ngành giáo dục.",
    "dao_duc_loi_song": "Giữ gìn phẩm chất, uy tín của nhà giáo; thực hiện Quy tắc ứng xử trong nhà trường; lối sống "
                        "lành mạnh, giản dị.",
    "tac_phong_le_loi": "Tác phong mẫu mực, tận tụy với học sinh; phối hợp tốt với đồng nghiệp và cha mẹ học sinh.",
    "y_thuc_ky_luat": "Chấp hành sự phân công của Ban Giám hiệu và tổ; thực hiện đúng nội quy, quy chế chuyên môn "
                      "của nhà trường.",
    "uu_diem": "Nhiệt tình, có trách nhiệm; chủ động đổi mới phương pháp dạy học.",
    "khuyet_diem": "Có lúc cập nhật sổ điểm điện tử còn chậm.",
    "phuong_huong": "Tiếp tục bồi dưỡng chuyên môn, nghiệp vụ; phấn đấu hoàn thành tốt nhiệm vụ năm học 2026 - 2027.",
}
_TASKS = {
    "TR-01": "Lãnh đạo, quản lý toàn diện hoạt động của nhà trường; tỷ lệ tốt nghiệp THPT năm 2026 đạt 99,6%.",
    "TR-04": "Chỉ đạo Tổ Toán - Tin thực hiện kế hoạch giáo dục; bồi dưỡng đội tuyển học sinh giỏi cấp tỉnh đạt "
             "05 giải.",
    "TR-06": "Giảng dạy Toán 03 lớp 12; có 02 học sinh đạt giải Nhì, Ba học sinh giỏi cấp tỉnh.",
    "TR-09": "Giảng dạy Toán 04 lớp 10; chủ nhiệm lớp 10A5.",
    "TR-13": "Hoàn thành nhiệm vụ giảng dạy Ngữ văn trong thời gian công tác thực tế 06 tháng.",
    "TR-20": "Thực hiện công tác kế toán, tài chính của nhà trường; quyết toán ngân sách năm 2025 đúng hạn.",
}


def tables() -> dict[str, list]:
    people = wf.staff_rows(_PEOPLE, noi_cu_tru="Tổ dân phố 5, phường Nam Sơn, tỉnh Hà Giang Nam",
                           chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 5")
    periods = [dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a, ty_le_chat_luong=b,
                    ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e)
               for ma_so, by_period in _SCORES.items()
               for ky, (general, a, b, c, d, dd, e) in by_period.items()]
    texts = wf.text_rows(people, _TEXTS, _TASKS)

    vote = wf.vote_row
    votes = [  # Ban Giám hiệu 3 present (the Hiệu trưởng is rated by the Sở), Tổ Toán - Tin 8, Tổ Ngữ văn 7,
        # Tổ Văn phòng 6; the teacher recruited in September (not rated) is not voted on
        vote("TR-02", 3, 2, 1), vote("TR-03", 3, 0, 3),
        vote("TR-04", 8, 6, 2), vote("TR-05", 8, 5, 3), vote("TR-06", 8, 7, 1), vote("TR-07", 8, 0, 8),
        vote("TR-08", 8, 4, 4), vote("TR-09", 8, 0, 7, 1), vote("TR-24", 8, 0, 8),
        vote("TR-11", 7, 1, 6), vote("TR-12", 7, 5, 2), vote("TR-13", 7, 3, 4), vote("TR-14", 7, 6, 1),
        vote("TR-15", 7, 0, 7), vote("TR-16", 7, 0, 7), vote("TR-17", 7, 0, 7),
        vote("TR-18", 6, 0, 6), vote("TR-19", 6, 0, 6), vote("TR-20", 6, 4, 2), vote("TR-21", 6, 0, 6),
        vote("TR-22", 6, 0, 5, 1), vote("TR-23", 6, 0, 6),
    ]

    def ldtt(ma_so: str, yes: int, total: int) -> dict:
        return dict(ma_so=ma_so, danh_hieu="LDTT", phieu_dong_y=yes, tong_so_phieu=total)

    return {
        "CoQuan": [("ten_co_quan", AGENCY), ("co_quan_chu_quan", "SỞ GIÁO DỤC VÀ ĐÀO TẠO TỈNH HÀ GIANG NAM"),
                   ("dia_danh", "Nam Sơn"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 12, 8)),
                   ("ky_hieu_van_ban", "THPTND-VP"), ("nguoi_dung_dau", "Nguyễn Văn Thắng"),
                   ("chuc_vu_nguoi_dung_dau", "Hiệu trưởng"), ("dang_bo", "Đảng bộ phường Nam Sơn"),
                   ("ten_co_quan_cap_tren", SUPERIOR), ("nguoi_dung_dau_cap_tren", "Đặng Thị Minh Châu"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Giám đốc Sở Giáo dục và Đào tạo"),
                   ("han_nop_so_noi_vu", dt.date(YEAR, 12, 14)), ("bo_quy_tac_khac", "nd233-2026"),
                   # as the blank workbook's guide says for a đơn vị sự nghiệp: its managing Sở receives the report
                   ("so_noi_vu", SUPERIOR)],
        "DonVi": [dict(u) for u in UNITS],
        "NhanSu": people,
        "TuDanhGia": texts,
        "BieuQuyet": votes,
        "KyLuat": [dict(ma_so="TR-09", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách",
                        so_quyet_dinh="45/QĐ-THPTND", ngay_hieu_luc=dt.date(YEAR, 10, 15), lien_quan_cong_vu="Có")],
        "ThiDua": [dict(ma_so="TR-06", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen",
                        sang_kien='Sáng kiến "Dạy học hình học không gian bằng phần mềm GeoGebra" '
                                  '(QĐ 38/QĐ-THPTND ngày 12/10/2026)',
                        phieu_dong_y=8, tong_so_phieu=8),
                   dict(ma_so="TR-14", danh_hieu="CSTDCS", phieu_dong_y=6, tong_so_phieu=7),
                   ldtt("TR-01", 22, 23), ldtt("TR-02", 3, 3), ldtt("TR-04", 8, 8), ldtt("TR-05", 7, 8),
                   ldtt("TR-07", 8, 8), ldtt("TR-12", 7, 7), ldtt("TR-13", 7, 7), ldtt("TR-20", 6, 6),
                   ldtt("TR-22", 5, 6),
                   # two the clerk typed although they cannot stand: disciplined in 2026, and recruited in September
                   ldtt("TR-09", 5, 8), ldtt("TR-10", 6, 8)],
        "KetQuaKy": periods,
    }


def write(path: Path) -> Path:
    """The workbook as a clerk fills the blank one: sheets and columns by their Vietnamese labels."""
    return wf.write(path, tables(), headers="label", sheet_names="label")
