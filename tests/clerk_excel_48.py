"""A 2026 workbook filled as a clerk of a small agency fills one in Excel, from the blank workbook `hoso serve`
offers (`blank.build(2026)`), not through tests/workbook_factory.py: a made-up «Chi cục Thủy lợi» of 3 units and 12
people, with the habits of a real clerk — names typed in capitals or with two spaces, dates and numbers typed as
text («15/3/1985», «12», «27,5»), a merged title row above the staff table, a blank row in the middle of it, a notes
column the contract does not know, a person moved in from another agency in April, one disciplined for a breach in
her duties, one who started in August (under 6 months).

`write(path, errors=True)` leaves the title row and three real mistakes, as a first upload has: a unit code typed «QLCTR» for «QLCT»
(DonVi has no such unit), a date of birth «31/02/1988», and a general-criteria score 32 (at most 30) in KetQuaKy.
`write(path)` is the corrected workbook (title row removed, as the check asks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AGENCY = "Chi cục Thủy lợi tỉnh Đắk Lắk"
# the three mistakes of the first upload: (sheet, what is wrong)
ERRORS = ("QLCTR", "31/02/1988", 32)

# code, name as typed, birth as typed, sex, unit, title, role, kind, party member, months, moved from, months there
_PEOPLE: list[tuple[Any, ...]] = [
    ("TL01", "NGUYỄN VĂN THÀNH", "15/3/1972", "Nam", "VP", "Chi cục trưởng", "Người đứng đầu", "Công chức", "Có",
     None, None, None),
    ("TL02", "Lê Thị  Hồng Nhung", "2/11/1980", "Nữ", "VP", "Phó Chi cục trưởng", "Cấp phó", "Công chức", "Có",
     None, None, None),
    ("TL03", "Phạm Quốc Huy", "07/07/1990", "Nam", "VP", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Không", None, None, None),
    ("TL04", "Y Bhim Niê", "1/1/1993", "Nam", "VP", "Nhân viên lái xe", "Công chức, viên chức, NLĐ",
     "Hợp đồng (HĐ 68/111)", "Không", "12", None, None),
    ("TL05", "TRẦN MINH  TUẤN", "20/5/1978", "Nam", "QLCT", "Trưởng phòng", "Người đứng đầu", "Công chức", "Có",
     None, None, None),
    ("TL06", "Hoàng Thị Lan", "12/9/1985", "Nữ", "QLCT", "Chuyên viên chính", "Công chức, viên chức, NLĐ",
     "Công chức", "Có", None, None, None),
    ("TL07", "Đỗ Văn Khoa", "3/4/1991", "Nam", "QLCT", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Không", "12", "Phòng Nông nghiệp và Môi trường huyện Krông Pắc (cũ)", "3"),
    ("TL08", "H'Linh Mlô", "25/12/1995", "Nữ", "QLCT", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Không", "5", None, None),
    ("TL09", "Vũ Đình Phong", "18/8/1976", "Nam", "PCTT", "Trưởng phòng", "Người đứng đầu", "Công chức", "Có",
     None, None, None),
    ("TL10", "ngô thị thu hà", "9/10/1988", "Nữ", "PCTT", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Có", None, None, None),
    ("TL11", "Bùi Văn Sáu", "30/6/1983", "Nam", "PCTT", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Không", None, None, None),
    ("TL12", "Đặng Thị Mai", "14/2/1994", "Nữ", "PCTT", "Chuyên viên", "Công chức, viên chức, NLĐ", "Công chức",
     "Không", None, None, None),
]

# general criteria, a, b, c per quarter (d, đ, e for leaders: 100 each); as typed (text with a decimal comma)
_SCORES = {
    "TL01": ("29", 100, 98, 97), "TL02": ("28,5", 100, 96, 95), "TL03": ("27", 95, 90, 90),
    "TL04": ("25", 90, 85, 85), "TL05": ("29", 100, 97, 96), "TL06": ("29,5", 100, 99, 98),
    "TL07": ("26", 92, 90, 88), "TL08": ("25", 90, 85, 80), "TL09": ("28", 98, 95, 95),
    "TL10": ("24", 85, 80, 75), "TL11": ("27,5", 95, 92, 92), "TL12": ("26", 90, 88, 85),
}
_LEADERS = {"TL01", "TL02", "TL05", "TL09"}


def _put(ws: Any, row: int, values: dict[str, Any]) -> None:
    """Values by the label of row 1 of the blank sheet (as a clerk types under the headers)."""
    heads = {c.value: c.column for c in ws[1] if c.value}
    for label, value in values.items():
        ws.cell(row=row, column=heads[label], value=value)


def workbook(*, errors: bool = False, vote_changed: bool = False) -> Any:
    from pipeline.ingest import blank

    wb = blank.build(2026)
    co = wb["CoQuan"]
    fields = {
        "Tên cơ quan": AGENCY, "Cơ quan chủ quản": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG TỈNH ĐẮK LẮK",
        "Địa danh": "Đắk Lắk", "Ngày lập": "10/12/2026", "Ký hiệu văn bản": "CCTL-VP",
        "Người đứng đầu": "Nguyễn Văn Thành", "Chức vụ người đứng đầu": "Chi cục trưởng",
        "Đảng bộ": "Đảng bộ Sở Nông nghiệp và Môi trường", "Cơ quan cấp trên trực tiếp": "Sở Nông nghiệp và Môi trường",
        "Người đứng đầu cơ quan cấp trên": "Trần Văn Bình", "Chức vụ người đứng đầu cơ quan cấp trên": "Giám đốc Sở",
        "Hạn nộp Sở Nội vụ": "31/12/2026", "Sở Nội vụ nhận báo cáo": "Sở Nội vụ tỉnh Đắk Lắk",
    }
    for row in co.iter_rows(min_row=2):
        if row[0].value in fields:
            row[1].value = fields[row[0].value]

    dv = wb["DonVi"]
    for i, (ma, ten, hop) in enumerate((("VP", "Văn phòng Chi cục", "05/12/2026"),
                                        ("QLCT", "Phòng Quản lý công trình thủy lợi", "5/12/2026"),
                                        ("PCTT", "Phòng Phòng, chống thiên tai", "06/12/2026")), start=2):
        _put(dv, i, {"Mã đơn vị": ma, "Tên đơn vị": ten, "Loại đơn vị": "Hành chính", "Thứ tự": str(i - 1),
                     "Ngày họp đánh giá": hop})

    ns = wb["NhanSu"]
    head = 1
    if errors:  # a merged title row above the headers, as clerks do before printing (the check refuses it)
        ns.insert_rows(1)
        ns["A1"] = "DANH SÁCH CÁN BỘ, CÔNG CHỨC NĂM 2026"
        ns.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
        head = 2
    last = ns.max_column + 1
    ns.cell(row=head, column=last, value="Ghi chú của văn thư")
    heads = {c.value: c.column for c in ns[head] if c.value}
    row = head + 1
    for n, (ma, ten, sinh, gt, don_vi, chuc_vu, vai_tro, loai, dang, thang, cu, thang_cu) in enumerate(_PEOPLE):
        if n == 6:
            row += 1  # a blank row between two groups
        if errors and ma == "TL06":
            don_vi = "QLCTR"
        if errors and ma == "TL11":
            sinh = "31/02/1988"
        values = {"Mã số": ma, "Họ và tên": ten, "Ngày sinh": sinh, "Giới tính": gt, "Mã đơn vị": don_vi,
                  "Chức vụ, chức danh": chuc_vu, "Vai trò": vai_tro, "Loại": loai, "Đảng viên": dang,
                  "Số tháng công tác trong năm": thang, "Cơ quan, đơn vị cũ (chuyển đến trong năm)": cu,
                  "Số tháng công tác ở cơ quan cũ": thang_cu, "Tự xếp loại": "HTT"}
        for label, value in values.items():
            if value is not None:
                ns.cell(row=row, column=heads[label], value=value)
        ns.cell(row=row, column=last, value={"TL07": "chuyển về từ 01/4", "TL08": "tuyển dụng từ 01/8",
                                             "TL10": "kỷ luật khiển trách"}.get(ma, ""))
        row += 1

    kq = wb["KetQuaKy"]
    r = 2
    for ma, (chung, a, b, c) in _SCORES.items():
        quarters = ("Q3", "Q4") if ma == "TL08" else ("Q1", "Q2", "Q3", "Q4")
        for q in quarters:
            values: dict[str, Any] = {"Mã số": ma, "Kỳ": f"2026-{q}", "Điểm tiêu chí chung": chung,
                                      "Số lượng (%)": a, "Chất lượng (%)": str(b), "Tiến độ (%)": c}
            if errors and ma == "TL03" and q == "Q2":
                values["Điểm tiêu chí chung"] = 32
            if ma in _LEADERS:
                values.update({"Kết quả đơn vị phụ trách (%)": 100, "Năng lực tổ chức thực hiện (%)": 100,
                               "Năng lực tập hợp, đoàn kết (%)": "100"})
            if ma == "TL07" and q == "Q1":
                values["Cơ quan, đơn vị đánh giá kỳ"] = "Phòng Nông nghiệp và Môi trường huyện Krông Pắc (cũ)"
            _put(kq, r, values)
            r += 1

    bq = wb["BieuQuyet"]
    for i, (ma, *_rest) in enumerate(_PEOPLE, start=2):
        htt, ht = (3, 1) if vote_changed and ma == "TL12" else (4, 0)
        _put(bq, i, {"Mã số": ma, "Số người dự họp": "4", "Phiếu HTXS": 0, "Phiếu HTT": htt, "Phiếu HT": ht,
                     "Phiếu KHT": 0})

    _put(wb["KyLuat"], 2, {"Mã số": "TL10", "Loại kỷ luật": "Kỷ luật hành chính", "Hình thức": "Khiển trách",
                           "Số quyết định": "45/QĐ-CCTL", "Ngày hiệu lực": "12/8/2026",
                           "Liên quan hoạt động công vụ": "Có"})
    return wb


def write(path: Path, *, errors: bool = False, vote_changed: bool = False) -> Path:
    """`vote_changed`: the meeting's count of Đặng Thị Mai (TL12) corrected after the first build, 3 HTT and 1 HT
    (was 4 HTT) — the change whose sheets must be printed again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook(errors=errors, vote_changed=vote_changed).save(path)
    return path


if __name__ == "__main__":  # the two workbooks of the web journey, for a person to open in Excel
    import sys

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    print(write(folder / "Chi cuc Thuy loi 2026 (loi).xlsx", errors=True))
    print(write(folder / "Chi cuc Thuy loi 2026.xlsx"))
    print(write(folder / "Chi cuc Thuy loi 2026 (sua phieu).xlsx", vote_changed=True))

