#!/usr/bin/env python3
"""Sinh sổ Excel mẫu ``data/mau_ho_so_2024.xlsx`` (cơ quan hư cấu, năm đánh giá 2024).

Theo đúng hợp đồng dữ liệu đầu vào ``/work/shared/spec/workbook.md``: tiêu đề cột và tên sheet là
các khóa (``ma_so``, ``ho_ten``...). Kết quả tất định: chạy lại cho ra cùng một tệp (từng byte).

    python data/generate_sample.py              # ghi data/mau_ho_so_2024.xlsx
    python data/generate_sample.py OUT.xlsx     # ghi ra nơi khác

Các trường hợp đặc biệt (xem cột ``ghi_chu``):
    VP-008  bị kỷ luật hành chính (Khiển trách) năm 2024, tự nhận HTT, có đề nghị LĐTT
    VP-028  công tác 4 tháng (tuyển dụng 01/9/2024): chưa đủ 6 tháng, không xếp loại
    VP-033  nghỉ thai sản (5 tháng công tác), vẫn đánh giá bình thường
    VP-027  nghỉ ốm 4 tháng theo quy định (so_thang_nghi = 4), tự nhận HTT
    VP-039  kỷ luật đảng (hiệu lực 2023) + hành chính (hiệu lực 2024) cùng hành vi, da_tinh_nam 2023
    TH/chuyen_vien  nhóm tương đồng có 3 HTXS / 5 HTT (vượt tỷ lệ 20 %)
    VP-026  tự nhận HTXS, biểu quyết HTXS đúng 3/6 (một nửa: không đạt)
"""
from __future__ import annotations

import io
import re
import sys
import unicodedata
import zipfile
from datetime import date as D
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

OUT_DEFAULT = Path(__file__).resolve().parent / "mau_ho_so_2024.xlsx"
CO, KHONG = "Có", "Không"
FIXED_TIME = datetime(2024, 11, 5, 8, 0, 0)
TP = "thành phố Hà Giang Nam"

# ----------------------------------------------------------------------------------------------
# Dữ liệu
# ----------------------------------------------------------------------------------------------
COQUAN = [
    ("ten_co_quan", "Văn phòng UBND tỉnh Hà Giang Nam"),
    ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"),
    ("dia_danh", "Hà Giang Nam"),
    ("nam_danh_gia", 2024),
    ("ngay_lap", D(2024, 11, 5)),
    ("ky_hieu_van_ban", "VP-HCQT"),
    ("nguoi_dung_dau", "Nguyễn Đình Khải"),
    ("chuc_vu_nguoi_dung_dau", "Chánh Văn phòng"),
    ("dang_bo", "Đảng bộ Văn phòng UBND tỉnh"),
    ("bo_mau", "nd90"),
    ("han_nop_so_noi_vu", D(2024, 11, 15)),
]

DONVI_COLS = ["ma_don_vi", "ten_don_vi", "loai_don_vi", "thu_tu", "chi_bo"]
DONVI = [
    ("LD", "Lãnh đạo Văn phòng", "hanh_chinh", 1, "Chi bộ Lãnh đạo - Tổng hợp"),
    ("HCQT", "Phòng Hành chính - Quản trị", "hanh_chinh", 2, "Chi bộ Hành chính - Quản trị"),
    ("TH", "Phòng Tổng hợp", "hanh_chinh", 3, "Chi bộ Lãnh đạo - Tổng hợp"),
    ("KGVX", "Phòng Khoa giáo - Văn xã", "hanh_chinh", 4, "Chi bộ Khoa giáo - Văn xã"),
    ("CBTH", "Trung tâm Công báo - Tin học", "su_nghiep", 5, "Chi bộ Trung tâm Công báo - Tin học"),
    ("NK", "Nhà khách tỉnh", "su_nghiep", 6, "Chi bộ Nhà khách tỉnh"),
]
# Số người dự họp đánh giá của từng đơn vị (HCQT: 1 lái xe đi công tác; CBTH: 1 người nghỉ thai sản).
DU_HOP = {"LD": 3, "HCQT": 9, "TH": 10, "KGVX": 6, "CBTH": 6, "NK": 4}

# Nơi cư trú của đảng viên (địa chỉ, chi bộ nơi cư trú), gán lần lượt.
CU_TRU = [
    (f"Tổ dân phố 3, phường Trần Phú, {TP}", "Chi bộ Tổ dân phố 3"),
    (f"Tổ dân phố 7, phường Minh Khai, {TP}", "Chi bộ Tổ dân phố 7"),
    (f"Tổ dân phố 1, phường Nguyễn Trãi, {TP}", "Chi bộ Tổ dân phố 1"),
    (f"Tổ dân phố 5, phường Quang Trung, {TP}", "Chi bộ Tổ dân phố 5"),
    (f"Thôn Tân Lập, xã Phương Độ, {TP}", "Chi bộ thôn Tân Lập"),
    (f"Tổ dân phố 2, phường Ngọc Hà, {TP}", "Chi bộ Tổ dân phố 2"),
]

NHANSU_COLS = [
    "ma_so", "ho_ten", "ngay_sinh", "gioi_tinh", "ma_don_vi", "chuc_vu", "vai_tro", "loai_nhan_su",
    "lanh_dao_quan_ly", "ngach_chuc_danh", "dang_vien", "chuc_vu_dang", "chuc_vu_doan_the",
    "noi_cu_tru", "chi_bo_noi_cu_tru", "mien_sinh_hoat_noi_cu_tru", "nhom_tuong_dong",
    "so_thang_cong_tac", "so_thang_nghi", "nghi_thai_san", "truc_tiep_cong_tac", "tu_xep_loai",
    "muc_quyet_dinh", "ghi_chu",
]
TH_NHOM, CBTH_NHOM = "TH/chuyen_vien", "CBTH/vien_chuc"
CC, VC, HD, NLD = "cong_chuc", "vien_chuc", "hop_dong", "nguoi_lao_dong"
CVC, CV = "Chuyên viên chính", "Chuyên viên"

# (ma_so, ho_ten, ngay_sinh, gioi_tinh, ma_don_vi, chuc_vu, vai_tro, loai, ngach, dang_vien,
#  chuc_vu_dang, chuc_vu_doan_the, tu_xep_loai) + các trường khác trong EXTRA.
NHANSU = [
    ("VP-001", "Nguyễn Đình Khải", D(1968, 3, 12), "Nam", "LD", "Chánh Văn phòng", "truong", CC, "Chuyên viên cao cấp", 1, "Bí thư Đảng ủy Văn phòng", "", "HTXS"),
    ("VP-002", "Trần Thị Thu Hà", D(1972, 8, 25), "Nữ", "LD", "Phó Chánh Văn phòng", "pho", CC, "Chuyên viên cao cấp", 1, "Bí thư chi bộ", "", "HTT"),
    ("VP-003", "Lê Quang Đức", D(1975, 11, 2), "Nam", "LD", "Phó Chánh Văn phòng", "pho", CC, CVC, 1, "Chi ủy viên", "", "HTT"),
    ("VP-004", "Phạm Minh Tuấn", D(1970, 5, 19), "Nam", "HCQT", "Trưởng phòng", "truong", CC, CVC, 1, "Bí thư chi bộ", "", "HTT"),
    ("VP-005", "Hoàng Thị Ánh", D(1980, 2, 14), "Nữ", "HCQT", "Phó Trưởng phòng", "pho", CC, CVC, 1, "Phó Bí thư chi bộ", "", "HTT"),
    ("VP-006", "Vũ Đình Ơn", D(1978, 9, 30), "Nam", "HCQT", "Phó Trưởng phòng", "pho", CC, CV, 1, "Chi ủy viên", "", "HTT"),
    ("VP-007", "Đặng Thị Hạnh", D(1986, 12, 8), "Nữ", "HCQT", "Chuyên viên", "nhan_vien", CC, CV, 1, "Đảng viên", "", "HTT"),
    ("VP-008", "Bùi Văn Dũng", D(1983, 4, 21), "Nam", "HCQT", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTT"),
    ("VP-009", "Ngô Thị Ngọc Anh", D(1990, 7, 3), "Nữ", "HCQT", "Kế toán", "nhan_vien", CC, "Kế toán viên", 1, "Đảng viên", "Bí thư Chi đoàn", "HTXS"),
    ("VP-010", "Đỗ Văn Ưng", D(1979, 1, 15), "Nam", "HCQT", "Chủ tịch Công đoàn Văn phòng", "nhan_vien", "can_bo", CV, 1, "Đảng viên", "Chủ tịch Công đoàn", "HTT"),
    ("VP-011", "Lý Văn Bảo", D(1976, 6, 11), "Nam", "HCQT", "Lái xe", "nhan_vien", HD, "Nhân viên lái xe", 0, "", "", "HTT"),
    ("VP-012", "Trương Công An", D(1988, 10, 27), "Nam", "HCQT", "Lái xe", "nhan_vien", HD, "Nhân viên lái xe", 0, "", "", "HTT"),
    ("VP-013", "Hồ Văn Thắng", D(1966, 2, 2), "Nam", "HCQT", "Bảo vệ", "nhan_vien", HD, "Nhân viên bảo vệ", 0, "", "", "HTT"),
    ("VP-014", "Phan Thanh Sơn", D(1974, 7, 7), "Nam", "TH", "Trưởng phòng", "truong", CC, CVC, 1, "Phó Bí thư chi bộ", "", "HTXS"),
    ("VP-015", "Võ Thị Hương", D(1982, 3, 18), "Nữ", "TH", "Phó Trưởng phòng", "pho", CC, CVC, 1, "Chi ủy viên", "", "HTT"),
    ("VP-016", "Nguyễn Hoàng Ân", D(1985, 5, 5), "Nam", "TH", "Chuyên viên chính", "nhan_vien", CC, CVC, 1, "Đảng viên", "", "HTXS"),
    ("VP-017", "Trần Tuấn Anh", D(1991, 9, 9), "Nam", "TH", "Chuyên viên", "nhan_vien", CC, CV, 1, "Đảng viên", "", "HTXS"),
    ("VP-018", "Dương Thị Lan Anh", D(1993, 1, 20), "Nữ", "TH", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTXS"),
    ("VP-019", "Đinh Quốc Hưng", D(1989, 11, 11), "Nam", "TH", "Chuyên viên", "nhan_vien", CC, CV, 1, "Đảng viên", "", "HTT"),
    ("VP-020", "Mai Thị Hà", D(1995, 4, 4), "Nữ", "TH", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTT"),
    ("VP-021", "Huỳnh Văn Cường", D(1987, 6, 16), "Nam", "TH", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTT"),
    ("VP-022", "Tạ Thị Thanh Thảo", D(1996, 8, 8), "Nữ", "TH", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTT"),
    ("VP-023", "Châu Minh Khánh", D(1992, 12, 12), "Nam", "TH", "Chuyên viên", "nhan_vien", CC, CV, 1, "Đảng viên", "", "HTT"),
    ("VP-024", "Đoàn Thị Nhung", D(1973, 10, 10), "Nữ", "KGVX", "Trưởng phòng", "truong", CC, CVC, 1, "Bí thư chi bộ", "", "HTT"),
    ("VP-025", "Lâm Văn Hiếu", D(1981, 5, 23), "Nam", "KGVX", "Phó Trưởng phòng", "pho", CC, CVC, 1, "Chi ủy viên", "", "HTT"),
    ("VP-026", "Nguyễn Thị An", D(1990, 2, 28), "Nữ", "KGVX", "Chuyên viên", "nhan_vien", CC, CV, 1, "Đảng viên", "", "HTXS"),
    ("VP-027", "Lương Văn Hòa", D(1984, 7, 14), "Nam", "KGVX", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HTT"),
    ("VP-028", "Trần Minh Quân", D(1999, 3, 3), "Nam", "KGVX", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", ""),
    ("VP-029", "Phạm Thị Yến", D(1994, 9, 17), "Nữ", "KGVX", "Chuyên viên", "nhan_vien", CC, CV, 0, "", "", "HT"),
    ("VP-030", "Hồ Quang Minh", D(1977, 4, 9), "Nam", "CBTH", "Giám đốc", "truong", VC, "Kỹ sư hạng II", 1, "Bí thư chi bộ", "", "HTT"),
    ("VP-031", "Nguyễn Thị Quỳnh", D(1983, 12, 1), "Nữ", "CBTH", "Phó Giám đốc", "pho", VC, "Biên tập viên hạng III", 1, "Phó Bí thư chi bộ", "", "HTT"),
    ("VP-032", "Vũ Hoàng Long", D(1991, 6, 6), "Nam", "CBTH", "Kỹ sư", "nhan_vien", VC, "Kỹ sư hạng III", 1, "Đảng viên", "", "HTT"),
    ("VP-033", "Bùi Thị Hạnh", D(1993, 11, 19), "Nữ", "CBTH", "Biên tập viên", "nhan_vien", VC, "Biên tập viên hạng III", 0, "", "", "HTT"),
    ("VP-034", "Đặng Văn Phúc", D(1988, 8, 18), "Nam", "CBTH", "Kỹ sư", "nhan_vien", VC, "Kỹ sư hạng III", 1, "Đảng viên", "", "HTT"),
    ("VP-035", "Lê Thị Mai", D(1997, 2, 10), "Nữ", "CBTH", "Lưu trữ viên", "nhan_vien", VC, "Lưu trữ viên hạng IV", 0, "", "", "HT"),
    ("VP-036", "Ngô Văn Tâm", D(1985, 3, 27), "Nam", "CBTH", "Nhân viên kỹ thuật", "nhan_vien", NLD, "", 0, "", "", "HTT"),
    ("VP-037", "Trần Văn Nam", D(1969, 10, 5), "Nam", "NK", "Giám đốc", "truong", VC, CV, 1, "Bí thư chi bộ", "", "HTT"),
    ("VP-038", "Phạm Thị Linh", D(1980, 6, 22), "Nữ", "NK", "Phó Giám đốc", "pho", VC, CV, 1, "Chi ủy viên", "", "HT"),
    ("VP-039", "Hoàng Văn Dũng", D(1976, 9, 3), "Nam", "NK", "Kế toán", "nhan_vien", VC, "Kế toán viên", 1, "Đảng viên", "", "HTT"),
    ("VP-040", "Lý Thị Uyên", D(1998, 4, 30), "Nữ", "NK", "Lễ tân", "nhan_vien", NLD, "", 0, "", "", "HTT"),
]
_HTXS_TH = "Tập thể phòng đề xuất HTXS; nhóm TH/chuyen_vien có 3 đề xuất HTXS trên 5 HTT (vượt tỷ lệ 20%)."
EXTRA = {
    "VP-008": dict(ghi_chu="Bị kỷ luật Khiển trách (QĐ số 125/QĐ-VP, hiệu lực 20/06/2024) do sai sót trong quản lý tài sản công; tự nhận mức HTT."),
    "VP-010": dict(ghi_chu="Cán bộ công đoàn chuyên trách (cán bộ), dùng Mẫu 01."),
    "VP-011": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP."),
    "VP-012": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP; vắng họp đánh giá (đi công tác)."),
    "VP-013": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP."),
    "VP-016": dict(ghi_chu=_HTXS_TH),
    "VP-017": dict(ghi_chu=_HTXS_TH + " Được miễn nhận xét nơi cư trú (ở nhà công vụ).",
                   mien_sinh_hoat_noi_cu_tru=CO, noi_cu_tru=f"Nhà công vụ số 2, phường Minh Khai, {TP}",
                   chi_bo_noi_cu_tru=""),
    "VP-018": dict(ghi_chu=_HTXS_TH),
    "VP-026": dict(ghi_chu="Tự nhận HTXS; biểu quyết HTXS 3/6 phiếu (đúng một nửa, không đạt)."),
    "VP-027": dict(so_thang_nghi=4, ghi_chu="Nghỉ ốm dài ngày 4 tháng (01/3 - 30/6/2024), có xác nhận của cơ quan BHXH; tự nhận HTT."),
    "VP-028": dict(so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2024, công tác 4 tháng: chưa đủ 6 tháng, không đánh giá, xếp loại năm 2024."),
    "VP-033": dict(so_thang_cong_tac=5, so_thang_nghi=0, nghi_thai_san=CO,
                   ghi_chu="Nghỉ chế độ thai sản từ 01/6/2024 đến 30/11/2024 (công tác 5 tháng); vẫn đánh giá bình thường."),
    "VP-036": dict(ghi_chu="Hợp đồng lao động."),
    "VP-039": dict(ghi_chu="Khiển trách về Đảng (hiệu lực 15/12/2023) và về chính quyền (hiệu lực 22/01/2024) cùng một hành vi; đã tính khi xếp loại năm 2023."),
    "VP-040": dict(ghi_chu="Hợp đồng lao động."),
}
NHOM = {**{f"VP-0{n}": TH_NHOM for n in range(16, 24)},
        **{m: CBTH_NHOM for m in ("VP-032", "VP-033", "VP-034", "VP-035")}}

BQ_COLS = ["ma_so", "so_nguoi_du_hop", "phieu_htxs", "phieu_htt", "phieu_ht", "phieu_kht"]
# Biểu quyết: mặc định suy ra từ tu_xep_loai (đa số rõ ràng); các ngoại lệ (htxs, htt, ht, kht):
PHIEU = {
    "VP-008": (0, 5, 4, 0),   # bị kỷ luật: tập thể vẫn nghiêng về HTT (quy tắc phải hạ mức)
    "VP-016": (8, 2, 0, 0), "VP-017": (7, 3, 0, 0), "VP-018": (6, 4, 0, 0),  # nhóm TH vượt trần
    "VP-026": (3, 3, 0, 0),   # đúng một nửa phiếu HTXS: không đạt HTXS
    "VP-028": (0, 0, 0, 0),   # chưa đủ 6 tháng: không bỏ phiếu
    "VP-038": (0, 1, 3, 0),
}

KYLUAT_COLS = ["ma_so", "loai_ky_luat", "hinh_thuc", "so_quyet_dinh", "ngay_hieu_luc", "ma_hanh_vi", "da_tinh_nam"]
KYLUAT = [
    ("VP-008", "hanh_chinh", "Khiển trách", "125/QĐ-VP", D(2024, 6, 20), "", ""),
    ("VP-039", "dang", "Khiển trách", "27-QĐ/UBKTĐU", D(2023, 12, 15), "HV-2023-01", ""),
    ("VP-039", "hanh_chinh", "Khiển trách", "09/QĐ-VP", D(2024, 1, 22), "HV-2023-01", 2023),
]

THIDUA_COLS = ["ma_so", "danh_hieu", "hinh_thuc_khen_thuong", "sang_kien", "phieu_dong_y", "tong_so_phieu"]
THIDUA = [
    ("VP-014", "CSTDCS", "giay_khen", 'Giải pháp "Tự động hóa tổng hợp báo cáo định kỳ" (QĐ 46/QĐ-VP ngày 10/10/2024)', 8, 9),
    ("VP-016", "CSTDCS", "giay_khen", 'Sáng kiến "Số hóa hồ sơ lưu trữ" (QĐ 45/QĐ-VP ngày 10/10/2024)', 9, 9),
    ("VP-009", "CSTDCS", "", "", 6, 9),
    ("VP-002", "LDTT", "", "", 3, 3),
    ("VP-004", "LDTT", "", "", 9, 9),
    ("VP-005", "LDTT", "", "", 8, 9),
    ("VP-007", "LDTT", "", "", 8, 9),
    ("VP-008", "LDTT", "", "", 6, 9),   # bị kỷ luật: không đủ điều kiện
    ("VP-015", "LDTT", "", "", 10, 10),
    ("VP-019", "LDTT", "", "", 9, 10),
    ("VP-021", "LDTT", "", "", 5, 10),  # không quá một nửa số phiếu
    ("VP-024", "LDTT", "", "", 6, 6),
    ("VP-027", "LDTT", "", "", 5, 6),
    ("VP-030", "LDTT", "", "", 6, 6),
    ("VP-033", "LDTT", "", "", 5, 6),
]

TIEUCHI_COLS = ["ma_tieu_chi", "noi_dung", "diem_toi_da", "nhom"]
TIEUCHI = [
    ("TC1", "Chính trị tư tưởng", 8, "chung"),
    ("TC2", "Đạo đức, lối sống", 7, "chung"),
    ("TC3", "Tác phong, lề lối làm việc", 7, "chung"),
    ("TC4", "Ý thức tổ chức kỷ luật", 8, "chung"),
    ("TC5", "Kết quả thực hiện chỉ tiêu, nhiệm vụ theo kế hoạch công tác năm", 30, "nhiem_vu"),
    ("TC6", "Chất lượng, tiến độ sản phẩm, công việc được giao", 20, "nhiem_vu"),
    ("TC7", "Thái độ phục vụ nhân dân, doanh nghiệp", 10, "nhiem_vu"),
    ("TC8", "Tinh thần trách nhiệm, phối hợp, đổi mới sáng tạo", 10, "nhiem_vu"),
]
# Điểm trừ (so với điểm tối đa) theo mức tự xếp loại: (tự chấm, đánh giá) cho TC1..TC8.
TRU_DIEM = {
    "HTXS": ([0, 0, 0, 0, 1, 1, 0, 0], [0, 0, 0, 1, 2, 1, 0, 1]),
    "HTT": ([1, 1, 1, 1, 4, 3, 1, 1], [1, 1, 1, 1, 6, 4, 1, 2]),
    "HT": ([2, 2, 2, 2, 12, 8, 3, 3], [2, 2, 3, 2, 13, 8, 3, 3]),
}
CHAM_DIEM_CHO = ["VP-001", "VP-004", "VP-008", "VP-014", "VP-016", "VP-020", "VP-026", "VP-030", "VP-033", "VP-038"]

# ---- Tự đánh giá ----------------------------------------------------------------------------
TDG_COLS = ["ma_so", "chinh_tri_tu_tuong", "dao_duc_loi_song", "tac_phong_le_loi", "y_thuc_ky_luat",
            "ket_qua_nhiem_vu", "thai_do_phuc_vu", "ket_qua_don_vi", "nang_luc_lanh_dao",
            "nang_luc_doan_ket", "uu_diem", "khuyet_diem", "nguyen_nhan", "khac_phuc", "phuong_huong"]
KHONG_TU_DANH_GIA = {"VP-012", "VP-028", "VP-040"}  # không có dòng: mẫu giữ dòng chấm để viết tay
POOL = {
    "chinh_tri_tu_tuong": [
        "Luôn trung thành với chủ nghĩa Mác - Lê-nin, tư tưởng Hồ Chí Minh; chấp hành nghiêm chủ trương của Đảng, chính sách, pháp luật của Nhà nước.",
        "Có lập trường tư tưởng vững vàng; tích cực học tập, quán triệt các nghị quyết, chỉ thị của Đảng và vận dụng vào công việc chuyên môn.",
        "Chấp hành tốt đường lối của Đảng, chính sách, pháp luật của Nhà nước; không dao động trước các thông tin sai trái trên mạng xã hội.",
    ],
    "dao_duc_loi_song": [
        "Có lối sống giản dị, trung thực, khiêm tốn; không tham nhũng, lãng phí, quan liêu; giữ gìn đoàn kết nội bộ.",
        "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh; gương mẫu thực hiện nếp sống văn minh nơi công sở và nơi cư trú.",
        "Thực hành cần, kiệm, liêm, chính, chí công vô tư; quan hệ đúng mực với đồng nghiệp và nhân dân.",
    ],
    "tac_phong_le_loi": [
        "Làm việc có kế hoạch, khoa học; thực hiện đúng quy chế làm việc của Văn phòng.",
        "Tác phong chuẩn mực, làm việc tận tụy, đúng giờ; chủ động phối hợp với đồng nghiệp trong xử lý công việc.",
        "Có tinh thần trách nhiệm, cầu thị, lắng nghe góp ý; sử dụng thành thạo hệ thống quản lý văn bản và điều hành.",
    ],
    "y_thuc_ky_luat": [
        "Chấp hành nghiêm sự phân công của tổ chức; thực hiện đúng nội quy, quy chế của cơ quan.",
        "Chấp hành tốt kỷ luật, kỷ cương hành chính; thực hiện đầy đủ chế độ báo cáo, kê khai theo quy định.",
    ],
    "thai_do_phuc_vu": [
        "Tận tình, chu đáo khi tiếp nhận, hướng dẫn tổ chức, công dân; không gây phiền hà, sách nhiễu.",
        "Có thái độ hòa nhã, cầu thị khi làm việc với các cơ quan, địa phương và doanh nghiệp.",
    ],
    "uu_diem": [
        "Nhiệt tình, có trách nhiệm; nắm vững chuyên môn, nghiệp vụ được giao.",
        "Chủ động, sáng tạo, hoàn thành công việc đúng tiến độ.",
        "Có tinh thần đoàn kết, sẵn sàng hỗ trợ đồng nghiệp.",
    ],
    "khuyet_diem": [
        "Đôi lúc chưa chủ động đề xuất giải pháp trong xử lý công việc.",
        "Kỹ năng ngoại ngữ còn hạn chế.",
        "Có lúc xử lý công việc còn chậm khi khối lượng công việc lớn.",
    ],
    "nguyen_nhan": ["Khối lượng công việc lớn, nhiều nhiệm vụ đột xuất.",
                    "Bản thân chưa dành nhiều thời gian tự học tập, nghiên cứu."],
    "khac_phuc": ["Tiếp tục học tập nâng cao trình độ chuyên môn, kỹ năng; sắp xếp công việc khoa học hơn.",
                  "Chủ động nghiên cứu, đề xuất giải pháp; tăng cường trao đổi với đồng nghiệp."],
    "phuong_huong": ["Phấn đấu hoàn thành tốt và xuất sắc nhiệm vụ năm 2025.",
                     "Tiếp tục giữ vững phẩm chất, nâng cao chất lượng, hiệu quả công tác trong năm 2025."],
    "nang_luc_lanh_dao": [
        "Có năng lực điều hành, phân công nhiệm vụ hợp lý; thường xuyên kiểm tra, đôn đốc.",
        "Chủ động tham mưu, chỉ đạo giải quyết dứt điểm công việc tồn đọng; dám nghĩ, dám làm, dám chịu trách nhiệm.",
    ],
    "nang_luc_doan_ket": [
        "Xây dựng được khối đoàn kết thống nhất trong đơn vị; lắng nghe, tiếp thu ý kiến của công chức, viên chức.",
        "Tập hợp, phát huy được sức mạnh tập thể; quan tâm đời sống của công chức, viên chức, người lao động.",
    ],
}
KET_QUA = {
    "LD": ["Giúp Chánh Văn phòng chỉ đạo các lĩnh vực được phân công; tham mưu ban hành đúng hạn các văn bản chỉ đạo, điều hành của UBND tỉnh."],
    "HCQT": ["Tham mưu tốt công tác hành chính, văn thư, lưu trữ; xử lý đúng hạn 100% văn bản được giao.",
             "Bảo đảm cơ sở vật chất, phương tiện phục vụ hội nghị và các chuyến công tác của lãnh đạo tỉnh an toàn, đúng thời gian."],
    "TH": ["Tham mưu xây dựng 42 báo cáo, chương trình công tác của UBND tỉnh, bảo đảm chất lượng và đúng tiến độ.",
           "Theo dõi, tổng hợp tình hình kinh tế - xã hội hằng tháng; thẩm tra 215 hồ sơ trình, không có hồ sơ trễ hạn."],
    "KGVX": ["Thẩm tra, trình giải quyết 168 hồ sơ lĩnh vực giáo dục, y tế, văn hóa, lao động - xã hội, 100% đúng hạn.",
             "Tham mưu tổ chức các hoạt động kỷ niệm, lễ hội cấp tỉnh năm 2024 chu đáo, an toàn."],
    "CBTH": ["Vận hành ổn định Cổng Thông tin điện tử và hệ thống quản lý văn bản; không để xảy ra sự cố mất an toàn thông tin.",
             "Biên tập, phát hành đúng hạn 48 số Công báo tỉnh; số hóa 12.500 trang tài liệu lưu trữ."],
    "NK": ["Tổ chức phục vụ chu đáo 96 đoàn khách của tỉnh; quản lý, sử dụng tài sản, tài chính đúng quy định.",
           "Thực hiện tốt công tác lễ tân, buồng phòng; không có phản ánh về thái độ phục vụ."],
    "HD": ["Bảo đảm an toàn tuyệt đối cho 186 chuyến công tác trong năm; bảo dưỡng xe đúng định kỳ, không để xảy ra sự cố.",
           "Bảo vệ an toàn trụ sở, tài sản cơ quan 24/24 giờ; không để xảy ra mất mát, cháy nổ."],
}
LONG_KQ = (
    "1. Công tác tham mưu tổng hợp: Chủ trì tham mưu xây dựng Chương trình công tác năm 2024 của UBND tỉnh, "
    "các báo cáo kinh tế - xã hội tháng, quý, 6 tháng và cả năm; dự thảo 18 báo cáo phục vụ các phiên họp "
    "thường kỳ của UBND tỉnh và 6 báo cáo phục vụ kỳ họp Hội đồng nhân dân tỉnh. Các báo cáo đều được trình "
    "đúng hạn, nội dung bảo đảm chất lượng, được lãnh đạo Văn phòng và lãnh đạo UBND tỉnh đánh giá cao.\n"
    "2. Công tác theo dõi, đôn đốc nhiệm vụ: Theo dõi việc thực hiện 326 nhiệm vụ do UBND tỉnh, Chủ tịch "
    "UBND tỉnh giao trên Hệ thống theo dõi nhiệm vụ; hằng tháng tổng hợp, báo cáo tình hình thực hiện, kịp "
    "thời đề xuất đôn đốc 41 nhiệm vụ chậm tiến độ. Đến ngày 31/10/2024, tỷ lệ nhiệm vụ hoàn thành đúng hạn "
    "đạt 94,2%, tăng 6,5% so với năm 2023.\n"
    "3. Chuyển đổi số: Chủ trì xây dựng sáng kiến \"Số hóa hồ sơ lưu trữ\" (được công nhận tại Quyết định số "
    "45/QĐ-VP ngày 10/10/2024), rút ngắn thời gian tra cứu hồ sơ từ 2 ngày xuống dưới 30 phút; hướng dẫn đồng "
    "nghiệp trong phòng sử dụng chữ ký số, hồ sơ công việc điện tử, bảo đảm 100% văn bản đi được ký số.\n"
    "4. Nhiệm vụ khác: Tham gia Tổ biên tập Báo cáo chính trị trình Đại hội Đảng bộ Văn phòng nhiệm kỳ "
    "2025 - 2030; tham gia Tổ giúp việc Ban Chỉ đạo cải cách hành chính tỉnh; hoàn thành các nhiệm vụ đột "
    "xuất do lãnh đạo phòng và lãnh đạo Văn phòng giao, kể cả ngoài giờ hành chính và ngày nghỉ.\n"
    "Tự đánh giá: hoàn thành 100% nhiệm vụ được giao, trong đó nhiều nhiệm vụ vượt tiến độ, có chất lượng "
    "cao, được lãnh đạo ghi nhận."
)
TDG_RIENG = {  # ghi đè cho từng người
    # Chánh Văn phòng: lãnh đạo, chỉ đạo (không "giúp Chánh Văn phòng" như hai Phó Chánh Văn phòng)
    "VP-001": dict(ket_qua_nhiem_vu="Lãnh đạo, chỉ đạo toàn diện hoạt động của Văn phòng; tham mưu UBND tỉnh ban hành "
                                    "đúng hạn các văn bản chỉ đạo, điều hành."),
    "VP-008": dict(khuyet_diem="Trong năm bị kỷ luật Khiển trách (Quyết định số 125/QĐ-VP) do để xảy ra sai sót trong quản lý, theo dõi tài sản công của cơ quan.",
                   nguyen_nhan="Chưa thực hiện đầy đủ quy trình kiểm kê, bàn giao tài sản; thiếu kiểm tra, đối chiếu.",
                   khac_phuc="Đã nghiêm túc kiểm điểm, khắc phục hậu quả; rà soát, hoàn thiện sổ theo dõi tài sản."),
    "VP-016": dict(ket_qua_nhiem_vu=LONG_KQ,
                   uu_diem="Có năng lực tổng hợp, phân tích tốt; chủ động đề xuất nhiều giải pháp đổi mới.\nNhiệt tình hướng dẫn, hỗ trợ đồng nghiệp trẻ trong phòng.",
                   khuyet_diem="Có lúc ôm đồm nhiều việc nên chưa dành đủ thời gian cho công tác nghiên cứu chuyên sâu.\nKỹ năng ngoại ngữ chưa đáp ứng yêu cầu hội nhập.",
                   phuong_huong="Tiếp tục nâng cao chất lượng tham mưu tổng hợp.\nNhân rộng sáng kiến số hóa hồ sơ lưu trữ ra các phòng, đơn vị.\nHọc tập nâng cao trình độ ngoại ngữ."),
    "VP-027": dict(ket_qua_nhiem_vu="Nghỉ điều trị bệnh 4 tháng (từ 01/3 đến 30/6/2024); thời gian còn lại hoàn thành các nhiệm vụ lĩnh vực lao động - xã hội đúng tiến độ."),
    "VP-033": dict(ket_qua_nhiem_vu="Từ tháng 01 đến tháng 5/2024 biên tập 20 số Công báo đúng hạn, bảo đảm chất lượng; từ 01/6/2024 nghỉ chế độ thai sản theo quy định."),
    "VP-039": dict(khuyet_diem="Bị kỷ luật Khiển trách về Đảng (12/2023) và về chính quyền (01/2024) do sai sót trong thanh toán công tác phí năm 2023; đã được xem xét khi xếp loại năm 2023."),
}


# ----------------------------------------------------------------------------------------------
# Dựng các bảng
# ----------------------------------------------------------------------------------------------
def nhansu_rows() -> list[dict]:
    rows, cu_tru_i = [], 0
    for (ma, ten, sinh, gt, dv, cv, vt, loai, ngach, dang, cvd, dt, tu) in NHANSU:
        leader = vt in ("truong", "pho")
        r = dict(ma_so=ma, ho_ten=ten, ngay_sinh=sinh, gioi_tinh=gt, ma_don_vi=dv, chuc_vu=cv,
                 vai_tro=vt, loai_nhan_su=loai, lanh_dao_quan_ly=CO if leader else KHONG,
                 ngach_chuc_danh=ngach, dang_vien=CO if dang else KHONG, chuc_vu_dang=cvd,
                 chuc_vu_doan_the=dt, nhom_tuong_dong=NHOM.get(ma, ""), so_thang_cong_tac=12,
                 truc_tiep_cong_tac=KHONG if leader else CO, tu_xep_loai=tu)
        if dang:
            r["noi_cu_tru"], r["chi_bo_noi_cu_tru"] = CU_TRU[cu_tru_i % len(CU_TRU)]
            cu_tru_i += 1
        r.update(EXTRA.get(ma, {}))
        rows.append(r)
    return rows


def phieu(level: str, n: int, i: int) -> tuple[int, int, int, int]:
    """Kết quả biểu quyết đa số rõ ràng cho ``level`` với ``n`` người dự họp."""
    if level == "HTXS":
        return (n - 1, 1, 0, 0)
    if level == "HT":
        return (0, 1, n - 1, 0)
    return (0, n, 0, 0) if (i % 3 == 0 or n < 4) else (0, n - 1, 1, 0)


def bieuquyet_rows(ns: list[dict]) -> list[dict]:
    rows = []
    for i, p in enumerate(ns):
        n = DU_HOP[p["ma_don_vi"]]
        v = PHIEU.get(p["ma_so"]) or phieu(p["tu_xep_loai"], n, i)
        rows.append(dict(zip(BQ_COLS, (p["ma_so"], n, *v), strict=True)))
    return rows


def tudanhgia_rows(ns: list[dict]) -> list[dict]:
    rows = []
    for i, p in enumerate(ns):
        ma = p["ma_so"]
        if ma in KHONG_TU_DANH_GIA:
            continue
        leader = p["vai_tro"] != "nhan_vien"
        hd = p["loai_nhan_su"] == HD
        r = {"ma_so": ma}
        for col, pool in POOL.items():
            if col in ("nang_luc_lanh_dao", "nang_luc_doan_ket") and not leader:
                continue
            if hd and col not in ("dao_duc_loi_song", "y_thuc_ky_luat", "uu_diem", "khuyet_diem", "phuong_huong"):
                continue  # hợp đồng chỉ viết vài mục; các mục khác giữ dòng chấm
            if col == "nguyen_nhan" and i % 2:
                continue
            r[col] = pool[(i + len(col)) % len(pool)]
        kq = KET_QUA["HD" if hd else p["ma_don_vi"]]
        r["ket_qua_nhiem_vu"] = kq[i % len(kq)]
        if leader:
            ten_dv = next(d[1] for d in DONVI if d[0] == p["ma_don_vi"])
            r["ket_qua_don_vi"] = (
                "Văn phòng hoàn thành toàn diện các nhiệm vụ năm 2024; tham mưu UBND tỉnh xử lý kịp thời các vấn đề phát sinh."
                if p["ma_don_vi"] == "LD" else
                f"{ten_dv} hoàn thành 100% nhiệm vụ trong Chương trình công tác năm 2024; tập thể tự đánh giá Hoàn thành tốt nhiệm vụ.")
        r.update(TDG_RIENG.get(ma, {}))
        rows.append(r)
    return rows


def chamdiem_rows(ns: list[dict]) -> list[dict]:
    muc = {p["ma_so"]: p["tu_xep_loai"] for p in ns}
    rows = []
    for k, ma in enumerate(CHAM_DIEM_CHO):
        tu, dg = TRU_DIEM[muc[ma]]
        for j, (tc, _nd, toi_da, _nhom) in enumerate(TIEUCHI):
            them = 1 if (j == k % len(TIEUCHI) and toi_da - dg[j] > 1) else 0  # chút khác biệt mỗi người
            diem = toi_da - dg[j] - them
            if ma == "VP-008" and tc == "TC4":
                diem = 3  # bị kỷ luật trong năm: điểm ý thức tổ chức kỷ luật thấp
            rows.append(dict(ma_so=ma, ma_tieu_chi=tc, diem_tu_cham=toi_da - tu[j], diem_danh_gia=diem))
    return rows


def tuples(cols, data) -> list[dict]:
    return [dict(zip(cols, t, strict=True)) for t in data]


# ----------------------------------------------------------------------------------------------
# Ghi tệp
# ----------------------------------------------------------------------------------------------
def clean(v):
    if isinstance(v, str):
        v = unicodedata.normalize("NFC", v.strip())
        return v or None
    return v


def write_sheet(wb: Workbook, name: str, cols: list[str], rows: list[dict]) -> None:
    ws = wb.create_sheet(name)
    ws.append(cols)
    for c in ws[1]:
        c.font = Font(bold=True)
    widths = [len(c) for c in cols]
    for r in rows:
        ws.append([clean(r.get(c)) for c in cols])
        for j, c in enumerate(cols):
            v = r.get(c)
            n = 10 if isinstance(v, D) else max((len(s) for s in str(v or "").split("\n")), default=0)
            widths[j] = max(widths[j], n)
    long_text = name == "TuDanhGia"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, (D, datetime)):
                cell.number_format = "dd/mm/yyyy"
            elif long_text and isinstance(cell.value, str) and cell.column > 1:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(w + 2, 60 if long_text else 50)
    ws.freeze_panes = "A2"


def build() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    ns = nhansu_rows()
    write_sheet(wb, "CoQuan", ["truong", "gia_tri"], tuples(["truong", "gia_tri"], COQUAN))
    write_sheet(wb, "DonVi", DONVI_COLS, tuples(DONVI_COLS, DONVI))
    write_sheet(wb, "NhanSu", NHANSU_COLS, ns)
    write_sheet(wb, "TuDanhGia", TDG_COLS, tudanhgia_rows(ns))
    write_sheet(wb, "BieuQuyet", BQ_COLS, bieuquyet_rows(ns))
    write_sheet(wb, "KyLuat", KYLUAT_COLS, tuples(KYLUAT_COLS, KYLUAT))
    write_sheet(wb, "ThiDua", THIDUA_COLS, tuples(THIDUA_COLS, THIDUA))
    write_sheet(wb, "ChamDiem", ["ma_so", "ma_tieu_chi", "diem_tu_cham", "diem_danh_gia"], chamdiem_rows(ns))
    write_sheet(wb, "TieuChi", TIEUCHI_COLS, tuples(TIEUCHI_COLS, TIEUCHI))
    wb.properties.creator = "hoso data/generate_sample.py"
    wb.properties.title = "Sổ dữ liệu mẫu đánh giá, xếp loại năm 2024"
    wb.properties.created = FIXED_TIME
    return wb


def save_deterministic(wb: Workbook, out: Path) -> None:
    """Lưu rồi đóng gói lại zip với dấu thời gian cố định để tệp giống hệt nhau mỗi lần chạy."""
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    dst = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            zout.writestr(zi, data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(dst.getvalue())


def check(out: Path) -> None:
    """Đọc lại tệp, kiểm tra tham chiếu và in số dòng mỗi sheet."""
    wb = load_workbook(out)
    tab = {ws.title: [dict(zip([c.value for c in ws[1]], [c.value for c in r], strict=True))
                      for r in ws.iter_rows(min_row=2)] for ws in wb}
    don_vi = {r["ma_don_vi"] for r in tab["DonVi"]}
    ma_so = [r["ma_so"] for r in tab["NhanSu"]]
    assert len(ma_so) == len(set(ma_so)), "ma_so trùng"
    for r in tab["NhanSu"]:
        assert r["ma_don_vi"] in don_vi, r
        assert 23 <= 2024 - r["ngay_sinh"].year <= 60, r
    for dv in don_vi:
        vt = [r["vai_tro"] for r in tab["NhanSu"] if r["ma_don_vi"] == dv]
        assert vt.count("truong") == 1 and 1 <= vt.count("pho") <= 2, (dv, vt)
    for s in ("TuDanhGia", "BieuQuyet", "KyLuat", "ThiDua", "ChamDiem"):
        assert all(r["ma_so"] in set(ma_so) for r in tab[s]), s
    assert {r["ma_so"] for r in tab["BieuQuyet"]} == set(ma_so)
    for r in tab["BieuQuyet"]:
        v = [r[k] for k in ("phieu_htxs", "phieu_htt", "phieu_ht", "phieu_kht")]
        assert min(v) >= 0 and sum(v) <= r["so_nguoi_du_hop"], r
    toi_da = {r["ma_tieu_chi"]: r["diem_toi_da"] for r in tab["TieuChi"]}
    assert sum(toi_da.values()) == 100
    for r in tab["ChamDiem"]:
        assert 0 <= r["diem_danh_gia"] <= toi_da[r["ma_tieu_chi"]] and r["diem_tu_cham"] <= toi_da[r["ma_tieu_chi"]], r
    assert all(0 <= r["phieu_dong_y"] <= r["tong_so_phieu"] for r in tab["ThiDua"])
    assert all(unicodedata.is_normalized("NFC", v) for rows in tab.values() for r in rows
               for v in r.values() if isinstance(v, str))
    print(f"{out}: " + ", ".join(f"{name} {len(rows)}" for name, rows in tab.items()))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT_DEFAULT
    save_deterministic(build(), out)
    check(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
