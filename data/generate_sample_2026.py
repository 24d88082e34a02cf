#!/usr/bin/env python3
"""Sinh sổ Excel mẫu ``data/mau_ho_so_2026.xlsx`` (cơ quan hư cấu, năm đánh giá 2026, chấm điểm theo kỳ).

Cùng cơ quan với sổ mẫu năm 2024 (``generate_sample.py``), hai năm sau, theo hợp đồng dữ liệu
``shared/spec/workbook-2026.md``: kết quả từng tháng (đơn vị hành chính, công chức) hoặc từng quý
(đơn vị sự nghiệp, viên chức) ở sheet ``KetQuaKy``; sản phẩm, công việc của Phòng Tổng hợp ở sheet
``SanPham``. Kết quả tất định: chạy lại cho ra cùng một tệp (từng byte).

    python data/generate_sample_2026.py              # ghi data/mau_ho_so_2026.xlsx
    python data/generate_sample_2026.py OUT.xlsx     # ghi ra nơi khác

Các trường hợp đặc biệt (xem cột ``ghi_chu``):
    VP-008  bị kỷ luật Khiển trách năm 2026 (vi phạm trong hoạt động công vụ): Không hoàn thành nhiệm vụ dù điểm cao
    VP-020  chuyển đến từ Sở Tư pháp ngày 01/7/2026: tháng 1–6 do Sở Tư pháp gửi kết quả (cột don_vi_danh_gia)
    VP-021  thiếu kết quả tháng 10/2026: chưa xếp loại, chương trình nêu tên kỳ còn thiếu
    VP-027  nghỉ ốm 4 tháng (3–6/2026): kết quả 8 tháng công tác thực tế (không theo dõi trong thời gian nghỉ);
            xếp loại theo điểm các tháng đó, thời gian nghỉ không giới hạn mức (Điều 21 Nghị định 335/2025/NĐ-CP)
    VP-028  tuyển dụng 01/9/2026 (4 tháng): không xếp loại
    VP-033  nghỉ thai sản từ 01/6/2026 (5 tháng công tác): kết quả quý I, II
    VP-037  Giám đốc Nhà khách (viên chức): đơn vị xếp loại Hoàn thành nhiệm vụ, người đứng đầu không cao hơn
    TH      sản phẩm, công việc từng tháng (sheet SanPham); nhóm TH/chuyen_vien có 3 HTXS trên 5 HTT (vượt tỷ lệ 20 %)
"""
from __future__ import annotations

import re
import sys
from datetime import date as D
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_sample as g24  # noqa: E402  (same agency, same people, two years later)

YEAR = 2026
OUT_DEFAULT = Path(__file__).resolve().parent / "mau_ho_so_2026.xlsx"
FIXED_TIME = datetime(2026, 12, 5, 8, 0, 0)
CO, KHONG = g24.CO, g24.KHONG

COQUAN = [
    ("ten_co_quan", "Văn phòng UBND tỉnh Hà Giang Nam"),
    ("co_quan_chu_quan", "UBND TỈNH HÀ GIANG NAM"),
    ("dia_danh", "Hà Giang Nam"),
    ("nam_danh_gia", YEAR),
    ("ngay_lap", D(2026, 12, 5)),
    ("ky_hieu_van_ban", "VP-HCQT"),
    ("nguoi_dung_dau", "Nguyễn Đình Khải"),
    ("chuc_vu_nguoi_dung_dau", "Chánh Văn phòng"),
    ("ten_co_quan_cap_tren", "Ủy ban nhân dân tỉnh Hà Giang Nam"),
    ("nguoi_dung_dau_cap_tren", "Lục Văn Thành"),
    ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch Ủy ban nhân dân tỉnh"),
    ("dang_bo", "Đảng bộ Văn phòng UBND tỉnh"),
    ("han_nop_so_noi_vu", D(2026, 12, 14)),
    ("bo_quy_tac_khac", "nd335-2025"),
]

DONVI_COLS = g24.DONVI_COLS + ["muc_xep_loai_don_vi"]
UNIT_LEVEL = {"CBTH": "HTT", "NK": "HT"}  # đơn vị sự nghiệp đã được xếp loại
DONVI = [d + (UNIT_LEVEL.get(d[0], ""),) for d in g24.DONVI]
MONTHLY_UNITS = {"LD", "HCQT", "TH", "KGVX"}  # hành chính: theo tháng; sự nghiệp: theo quý

NHANSU_COLS = g24.NHANSU_COLS
EXTRA = {
    "VP-008": dict(ghi_chu="Bị kỷ luật Khiển trách (QĐ số 88/QĐ-VP, hiệu lực 20/06/2026) do vi phạm quy trình quản lý "
                           "tài sản công khi thi hành công vụ; tự nhận mức HTT."),
    "VP-010": dict(ghi_chu="Cán bộ công đoàn chuyên trách (cán bộ): cơ quan chọn chấm điểm như công chức."),
    "VP-011": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP; chấm điểm như công chức theo quy chế của Văn phòng."),
    "VP-012": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP; vắng họp đánh giá (đi công tác)."),
    "VP-013": dict(ghi_chu="Hợp đồng theo Nghị định 111/2022/NĐ-CP."),
    "VP-017": dict(mien_sinh_hoat_noi_cu_tru=CO, noi_cu_tru=f"Nhà công vụ số 2, phường Minh Khai, {g24.TP}",
                   chi_bo_noi_cu_tru="", ghi_chu="Được miễn nhận xét nơi cư trú (ở nhà công vụ)."),
    "VP-020": dict(ghi_chu="Chuyển công tác từ Sở Tư pháp về Phòng Tổng hợp từ 01/7/2026; kết quả tháng 1–6/2026 do "
                           "Sở Tư pháp gửi."),
    "VP-021": dict(ghi_chu="Chưa có kết quả tháng 10/2026 (phần mềm theo dõi chưa khóa kỳ)."),
    "VP-027": dict(so_thang_nghi=4, ghi_chu="Nghỉ ốm dài ngày 4 tháng (01/3 - 30/6/2026), có xác nhận của cơ quan BHXH; "
                                            "không theo dõi kết quả các tháng nghỉ."),
    "VP-028": dict(so_thang_cong_tac=4, ghi_chu="Tuyển dụng từ 01/9/2026, công tác 4 tháng: chưa đủ 6 tháng, không xếp loại năm 2026."),
    "VP-033": dict(so_thang_cong_tac=5, so_thang_nghi=0, nghi_thai_san=CO,
                   ghi_chu="Nghỉ chế độ thai sản từ 01/6/2026 (công tác 5 tháng); kết quả quý I, quý II."),
    "VP-036": dict(ghi_chu="Hợp đồng lao động."),
    "VP-037": dict(ghi_chu="Người đứng đầu đơn vị sự nghiệp; Nhà khách tỉnh được xếp loại Hoàn thành nhiệm vụ."),
    "VP-040": dict(ghi_chu="Hợp đồng lao động."),
}

# The level each person's results are built to reach (the self-rating: the meeting agrees).
LEVEL = {p[0]: p[12] for p in g24.NHANSU}
LEVEL.update({"VP-026": "HTT", "VP-028": "HT", "VP-037": "HTT", "VP-030": "HTT"})

# (general, a, b, c) per level; two variants alternate month by month.
RATES = {
    "HTXS": ((28, 100, 100, 100), (27.5, 100, 95, 100)),  # 98 / 96.3
    "HTT": ((25, 100, 85, 80), (26, 100, 90, 80)),  # 84.2 / 86.3
    "HT": ((18, 80, 60, 50), (19, 80, 60, 55)),  # 62.3 / 64.5
}
# d, đ, e; d) is 100 % because nobody under any leader scores below 50 in any period (ND 335 Art. 15: 50 %
# only in a period where someone under him does not complete the tasks)
LEADER = {"HTXS": (100, 95, 95), "HTT": (100, 85, 85), "HT": (100, 70, 70)}

# Phòng Tổng hợp: products each month instead of rates.
TH_PRODUCTS = [("Báo cáo tình hình kinh tế - xã hội tháng", 2), ("Dự thảo chương trình công tác", 1),
               ("Phiếu thẩm tra hồ sơ trình", 1), ("Tổng hợp ý kiến thành viên UBND tỉnh", 0.5)]

NOT_MONTHS = {"VP-021": {10}, "VP-027": {3, 4, 5, 6}, "VP-028": set(range(1, 9))}
QUARTERS = {"VP-033": (1, 2)}
# periods monitored and rated by another agency, which sent its results (KetQuaKy don_vi_danh_gia)
RATED_ELSEWHERE = {"VP-020": ("Sở Tư pháp tỉnh Hà Giang Nam", range(1, 7))}

KYLUAT_COLS = ["ma_so", "loai_ky_luat", "hinh_thuc", "so_quyet_dinh", "ngay_hieu_luc", "lien_quan_cong_vu"]
KYLUAT = [("VP-008", "hanh_chinh", "Khiển trách", "88/QĐ-VP", D(2026, 6, 20), CO)]

KQ_COLS = ["ma_so", "ky", "diem_tieu_chi_chung", "ty_le_so_luong", "ty_le_chat_luong", "ty_le_tien_do",
           "ty_le_ket_qua_don_vi", "ty_le_to_chuc_thuc_hien", "ty_le_doan_ket", "don_vi_danh_gia"]
SP_COLS = ["ma_so", "ky", "ten_san_pham", "he_so_quy_doi", "hoan_thanh", "so_lan_khong_dat", "so_lan_cham", "mien_tru"]


def to_2026(value):
    """The 2024 texts, two years later."""
    if isinstance(value, str):
        return re.sub(r"\b202([345])\b", lambda m: f"202{int(m.group(1)) + 2}", value)
    if isinstance(value, D):
        return value.replace(year=value.year + 2)
    return value


def nhansu_rows() -> list[dict]:
    rows = []
    for r in g24.nhansu_rows():
        r = {k: v for k, v in r.items() if k != "ghi_chu"}
        for k in ("so_thang_nghi", "nghi_thai_san"):
            r.pop(k, None)
        r["so_thang_cong_tac"] = 12
        r["tu_xep_loai"] = LEVEL[r["ma_so"]] if r["ma_so"] != "VP-028" else ""
        r.update(EXTRA.get(r["ma_so"], {}))
        rows.append(r)
    return rows


def periods(ns: list[dict]) -> tuple[list[dict], list[dict]]:
    results, products = [], []
    for i, p in enumerate(ns):
        code, level = p["ma_so"], LEVEL[p["ma_so"]]
        leader = p["lanh_dao_quan_ly"] == CO
        monthly = p["ma_don_vi"] in MONTHLY_UNITS
        if monthly:
            kys = [(f"{YEAR}-{m:02d}", m) for m in range(1, 13) if m not in NOT_MONTHS.get(code, set())]
        else:
            kys = [(f"{YEAR}-Q{q}", q) for q in QUARTERS.get(code, (1, 2, 3, 4))]
        with_products = p["ma_don_vi"] == "TH" and not leader
        for n, (ky, number) in enumerate(kys):
            g, a, b, c = RATES[level][(n + i) % 2]
            row = dict(ma_so=code, ky=ky, diem_tieu_chi_chung=g)
            elsewhere = RATED_ELSEWHERE.get(code)
            if elsewhere and monthly and number in elsewhere[1]:
                row["don_vi_danh_gia"] = elsewhere[0]
            if with_products:
                products += th_products(code, ky, level, n)
            else:
                row.update(ty_le_so_luong=a, ty_le_chat_luong=b, ty_le_tien_do=c)
            if leader:
                d, dd, e = LEADER[level]
                row.update(ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e)
            results.append(row)
    return results, products


def th_products(code: str, ky: str, level: str, n: int) -> list[dict]:
    """HTXS: all done, a quality failure now and then with an objective reason (waived): a = b = c = 100.
    HTT: the last product not done, one quality failure and one delay: a = 88.9, b = 83.3, c = 77.8."""
    out = []
    for j, (name, w) in enumerate(TH_PRODUCTS):
        row = dict(ma_so=code, ky=ky, ten_san_pham=name, he_so_quy_doi=w, hoan_thanh=CO, so_lan_khong_dat=0,
                   so_lan_cham=0, mien_tru=KHONG)
        if level == "HTXS" and j == 1 and n % 3 == 0:
            row.update(so_lan_khong_dat=1, mien_tru=CO)  # văn bản chỉ đạo thay đổi: lý do khách quan được xác nhận
        if level != "HTXS":
            if j == 3:
                row["hoan_thanh"] = KHONG
            elif j == 1:
                row["so_lan_khong_dat"] = 1
            elif j == 0:
                row["so_lan_cham"] = 1
        out.append(row)
    return out


# texts of the 2024 sample that would contradict the 2026 data: the discipline's decision number
# (sheet KyLuat: 88/QĐ-VP), the agency head's own tasks (he directs; he does not "help" himself), and VP-039's
# reprimands of 12/2023 and 01/2024 (the 2024 sample's ND 48 case c): shifted two years, a state decision in force
# in 01/2026 that sheet KyLuat does not hold, printed on her phiếu and 2A while she is rated HTT with no reason
TEXT_2026 = {
    "VP-039": dict(khuyet_diem="Có lúc còn sai sót trong hồ sơ thanh toán công tác phí, phải bổ sung chứng từ; đã rút "
                               "kinh nghiệm, kiểm tra kỹ hồ sơ trước khi trình ký."),
    "VP-001": dict(ket_qua_nhiem_vu="Lãnh đạo, chỉ đạo toàn diện hoạt động của Văn phòng; tham mưu UBND tỉnh ban hành "
                                    "đúng hạn các văn bản chỉ đạo, điều hành."),
    "VP-008": dict(khuyet_diem="Trong năm bị kỷ luật Khiển trách (Quyết định số 88/QĐ-VP) do vi phạm quy trình quản lý "
                               "tài sản công khi thi hành công vụ."),
}


def texts(ns: list[dict]) -> list[dict]:
    base = [p | {"tu_xep_loai": LEVEL[p["ma_so"]]} for p in ns]
    rows = [{k: to_2026(v) for k, v in r.items()} for r in g24.tudanhgia_rows(base)]
    return [r | TEXT_2026.get(r["ma_so"], {}) for r in rows]


def build() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    ns = nhansu_rows()
    results, products = periods(ns)
    votes = g24.bieuquyet_rows([p | {"tu_xep_loai": LEVEL[p["ma_so"]]} for p in ns])
    for v in votes:
        if v["ma_so"] == "VP-028":
            v.update(phieu_htxs=0, phieu_htt=0, phieu_ht=0, phieu_kht=0)
        elif v["ma_so"] in ("VP-016", "VP-017", "VP-018"):
            htxs, htt = {"VP-016": (8, 2), "VP-017": (7, 3), "VP-018": (6, 4)}[v["ma_so"]]
            v.update(phieu_htxs=htxs, phieu_htt=htt)
    thidua = [{k: to_2026(v) for k, v in r.items()} for r in g24.tuples(g24.THIDUA_COLS, g24.THIDUA)]
    g24.write_sheet(wb, "CoQuan", ["truong", "gia_tri"], g24.tuples(["truong", "gia_tri"], COQUAN))
    g24.write_sheet(wb, "DonVi", DONVI_COLS, g24.tuples(DONVI_COLS, DONVI))
    g24.write_sheet(wb, "NhanSu", NHANSU_COLS, ns)
    g24.write_sheet(wb, "TuDanhGia", g24.TDG_COLS, texts(ns))
    g24.write_sheet(wb, "BieuQuyet", g24.BQ_COLS, votes)
    g24.write_sheet(wb, "KyLuat", KYLUAT_COLS, g24.tuples(KYLUAT_COLS, KYLUAT))
    g24.write_sheet(wb, "ThiDua", g24.THIDUA_COLS, thidua)
    g24.write_sheet(wb, "KetQuaKy", KQ_COLS, results)
    g24.write_sheet(wb, "SanPham", SP_COLS, products)
    wb.properties.creator = "hoso data/generate_sample_2026.py"
    wb.properties.title = "Sổ dữ liệu mẫu đánh giá, xếp loại năm 2026 (chấm điểm theo tháng, quý)"
    wb.properties.created = FIXED_TIME
    return wb


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT_DEFAULT
    g24.FIXED_TIME = FIXED_TIME  # the zip's time stamps
    g24.save_deterministic(build(), out)
    print(f"{out}: đã ghi.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
