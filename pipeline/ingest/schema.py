"""The input workbook contract (shared/spec/workbook.md) as data.

Every sheet and column has a key (ASCII, used in code) and a Vietnamese label (what a clerk sees).
Readers, `hoso init` and `hoso check` are all driven by these tables; nothing else hard-codes a
column name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Value kinds understood by pipeline.ingest.cells
TEXT, DATE, INT, NUMBER, YESNO, LEVEL, CODE, YEAR, MONTHS, ID, PERIOD, CITIZEN_ID = (
    "text", "date", "int", "number", "yesno", "level", "code", "year", "months", "id", "period", "citizen_id",
)

LEVELS: dict[str, str] = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}

VAI_TRO = {"truong": "Người đứng đầu", "pho": "Cấp phó", "nhan_vien": "Công chức, viên chức, NLĐ"}
LOAI_NHAN_SU = {
    "can_bo": "Cán bộ",
    "cong_chuc": "Công chức",
    "vien_chuc": "Viên chức",
    "hop_dong": "Hợp đồng (HĐ 68/111)",
    "nguoi_lao_dong": "Người lao động",
}


def kind_in_sentence(kind: str) -> str:
    """A staff kind's words inside a sentence: «hợp đồng (HĐ 68/111)», «công chức» (only the first letter
    lowered: «HĐ» stays an abbreviation)."""
    words = LOAI_NHAN_SU.get(kind, kind)
    return words[:1].lower() + words[1:]
LOAI_DON_VI = {"hanh_chinh": "Hành chính", "su_nghiep": "Sự nghiệp"}
LOAI_KY_LUAT = {"dang": "Kỷ luật đảng", "hanh_chinh": "Kỷ luật hành chính"}
DANH_HIEU = {"LDTT": "Lao động tiên tiến", "CSTDCS": "Chiến sĩ thi đua cơ sở"}
HINH_THUC_KHEN = {"giay_khen": "Giấy khen", "bang_khen": "Bằng khen"}
GIOI_TINH = {"Nam": "Nam", "Nữ": "Nữ"}
BO_MAU = {"nd90": "Theo Nghị định 90/2020 (mặc định đến năm 2025)",
          "nd335": "Mẫu năm 2026: Nghị định 335/2025, viên chức 2026, Hướng dẫn 43-HD/BTCTW (mặc định từ năm 2026)"}
# (from evaluation year, form set) when CoQuan.bo_mau is empty: the sets named in BO_MAU's words
DEFAULT_BO_MAU = ((2026, "nd335"), (0, "nd90"))


def default_bo_mau(year: int) -> str:
    """The form set an empty «Bộ mẫu» means for `year` (docs/architecture.md, "Form sets by year")."""
    return next(name for first, name in DEFAULT_BO_MAU if year >= first)


NHOM_TIEU_CHI = {"chung": "Tiêu chí chung", "nhiem_vu": "Kết quả thực hiện nhiệm vụ"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    required: bool = False
    choices: dict[str, str] | None = None  # for CODE columns: code -> Vietnamese label
    help: str = ""
    width: int = 16


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str
    columns: tuple[Column, ...]
    required: bool = False
    help: str = ""
    key_value: bool = False  # CoQuan: rows of (truong, gia_tri) instead of a table
    row_key: str | None = None  # column that identifies a row (unique), if any
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


C = Column

CO_QUAN = Sheet(
    "CoQuan", "Cơ quan", key_value=True, required=True,
    help="Thông tin cơ quan và đợt đánh giá: mỗi dòng một trường (cột A: trường, cột B: giá trị).",
    columns=(
        C("ten_co_quan", "Tên cơ quan", required=True, help="In ở đầu các mẫu biểu, ví dụ: Văn phòng UBND tỉnh Quảng Ngãi"),
        C("co_quan_chu_quan", "Cơ quan chủ quản", help="Dòng trên tên cơ quan, ví dụ: UBND TỈNH QUẢNG NGÃI"),
        C("dia_danh", "Địa danh", required=True, help='Địa danh ghi trong dòng "…, ngày … tháng … năm …"'),
        C("nam_danh_gia", "Năm đánh giá", YEAR, required=True, help="Năm đánh giá, ví dụ 2024; quyết định bộ quy tắc áp dụng"),
        C("ngay_lap", "Ngày lập", DATE,
          help="Không in trên văn bản nào: mỗi văn bản ghi ngày của bước mình (ngày tự đánh giá, ngày quyết định, "
               "ngày thông báo, ngày báo cáo Sở Nội vụ ở sheet này; ngày họp ở sheet DonVi), để trống thì in dấu "
               "chấm để viết tay. Chỉ dùng làm ngày của các tệp trong tệp nén gửi Sở Nội vụ khi chưa có «Ngày "
               "báo cáo Sở Nội vụ»"),
        # ND 30/2020 (Phụ lục I, «Số, ký hiệu của văn bản»): a công văn's symbol is «<agency>-<drafting unit>»,
        # a document with a type name's «<type>-<agency>» (Agency.so_ky_hieu; docs/workbook.md «Document symbols»)
        C("ky_hieu_van_ban", "Ký hiệu văn bản",
          help="Ký hiệu công văn: chữ viết tắt tên cơ quan - tên đơn vị soạn thảo, ví dụ VP-HCQT (công văn in "
               "«Số: …/VP-HCQT»). Báo cáo, thông báo, biên bản của cơ quan in chữ viết tắt tên loại văn bản và phần "
               "trước dấu «-» (tên cơ quan): «Số: …/BC-VP», «Số: …/TB-VP»; nếu khác, ghi ô «Chữ viết tắt tên cơ quan»"),
        C("nguoi_dung_dau", "Người đứng đầu", required=True, help="Họ tên người có thẩm quyền đánh giá (ví dụ Chánh Văn phòng)"),
        C("chuc_vu_nguoi_dung_dau", "Chức vụ người đứng đầu", required=True, help="Ví dụ: Chánh Văn phòng"),
        # a deputy assigned to run the agency while the head's post is vacant signs as a deputy signing
        # for the head (ND 30/2020 Art. 13 cl. 1): «KT. GIÁM ĐỐC» above his own post (docs/workbook.md)
        C("chuc_vu_cap_truong", "Chức vụ cấp trưởng (cấp phó được giao phụ trách)",
          help="Chỉ ghi khi cơ quan khuyết cấp trưởng và cấp phó được giao phụ trách, điều hành (ghi ở «Người đứng "
               "đầu», chức vụ chính thức ở «Chức vụ người đứng đầu», ví dụ Phó Giám đốc): chức vụ cấp trưởng, ví dụ "
               "Giám đốc; văn bản người này ký in «KT. GIÁM ĐỐC» trên «PHÓ GIÁM ĐỐC» (Điều 13 Nghị định "
               "30/2020/NĐ-CP). Người được giao quyền cấp trưởng: để trống, ghi «Q. Giám đốc» ở «Chức vụ người "
               "đứng đầu». Sổ năm sau tạo từ sổ này (hoso init --tu) để trống ô này: ghi lại nếu vẫn khuyết cấp trưởng"),
        C("dang_bo", "Đảng bộ", help="Tên đảng bộ cho các mẫu của Đảng"),
        C("ten_co_quan_cap_tren", "Cơ quan cấp trên trực tiếp",
          help="Cơ quan có người đứng đầu đánh giá người đứng đầu cơ quan (đến năm 2025: Điều 16 Nghị định 90/2020/NĐ-CP; "
               "từ năm 2026: công chức theo Nghị định 335/2025/NĐ-CP, đơn vị sự nghiệp công lập và viên chức theo Nghị định "
               "233/2026/NĐ-CP); mặc định là cơ quan chủ quản"),
        C("nguoi_dung_dau_cap_tren", "Người đứng đầu cơ quan cấp trên",
          help="Họ tên người có thẩm quyền đánh giá người đứng đầu cơ quan; để trống thì phiếu để trống cho viết tay"),
        C("chuc_vu_nguoi_dung_dau_cap_tren", "Chức vụ người đứng đầu cơ quan cấp trên", help="Ví dụ: Chủ tịch UBND tỉnh"),
        C("nguoi_dung_dau_ngoai_ty_le", "Người đứng đầu ngoài tỷ lệ HTXS của cơ quan", YESNO,
          help="Có: người đứng đầu (do cấp trên đánh giá, xếp loại) không tính trong tỷ lệ Hoàn thành xuất sắc nhiệm vụ "
               "của các nhóm trong cơ quan, tỷ lệ của người đứng đầu do cấp trên xét; Không: tính trong nhóm lãnh đạo "
               "của cơ quan; để trống: đến năm 2025 tính trong nhóm của cơ quan, từ năm 2026 không tính (người đứng "
               "đầu do người đứng đầu cơ quan quản lý xếp loại)"),
        C("ngay_tu_danh_gia", "Ngày tự đánh giá", DATE,
          help="Ngày ký phần tự đánh giá trên phiếu; để trống thì in dấu chấm để viết tay"),
        C("ngay_quyet_dinh", "Ngày quyết định xếp loại", DATE,
          help="Ngày cấp có thẩm quyền ký kết quả xếp loại trên phiếu; để trống thì in dấu chấm để viết tay"),
        C("bo_mau", "Bộ mẫu", CODE, choices=BO_MAU, help="Bộ mẫu biểu cho từng loại nhân sự; để trống: theo năm đánh giá (đến 2025: nd90, từ 2026: nd335)"),
        C("han_nop_so_noi_vu", "Hạn nộp Sở Nội vụ", DATE, help="Hạn gửi hồ sơ cho Sở Nội vụ (hoặc cơ quan ghi ở ô «Sở Nội vụ nhận báo cáo»)"),
        C("bo_quy_tac", "Bộ quy tắc", help="Ghi đè bộ quy tắc cho mọi người (mặc định chọn theo năm đánh giá và loại nhân sự)"),
        C("bo_quy_tac_khac", "Bộ quy tắc cho cán bộ, hợp đồng, NLĐ",
          help="Từ năm 2026: bộ quy tắc cơ quan chọn cho cán bộ, người làm hợp đồng và người lao động; "
               "mặc định nd335-2025 (như công chức)"),
        C("ngay_thong_bao", "Ngày thông báo kết quả", DATE,
          help="Ngày ký Thông báo kết quả; để trống thì in dấu chấm để viết tay"),
        C("ngay_bao_cao", "Ngày báo cáo Sở Nội vụ", DATE,
          help="Ngày ký Báo cáo và Biểu tổng hợp gửi Sở Nội vụ; để trống thì in dấu chấm để viết tay"),
        C("so_noi_vu", "Sở Nội vụ nhận báo cáo",
          help="Ví dụ: Sở Nội vụ tỉnh Quảng Ngãi; đơn vị sự nghiệp báo cáo cơ quan quản lý thì ghi cơ quan đó, ví dụ "
               "Sở Y tế tỉnh Quảng Ngãi; để trống thì lấy tên tỉnh trong tên cơ quan hoặc cơ quan chủ quản"),
        # the agency's own self-rating file (dossier.md §3.2 item 3); made only when the level is given
        C("tu_xep_loai_co_quan", "Mức cơ quan tự xếp loại", LEVEL, choices=LEVELS,
          help="Mức xếp loại cơ quan do hội nghị cán bộ chủ chốt biểu quyết; có giá trị này thì tạo hồ sơ tự xếp "
               "loại cơ quan (báo cáo tự đánh giá và biên bản họp) gửi Sở Nội vụ"),
        C("diem_co_quan", "Điểm tự đánh giá của cơ quan", NUMBER,
          help="Từ năm 2026 (cơ quan hành chính: Nghị định 335/2025; đơn vị sự nghiệp công lập: Nghị định 233/2026, "
               "chưa xác nhận): tổng điểm cơ quan, đơn vị tự chấm trên thang 100 điểm"),
        C("diem_tieu_chi_chung_co_quan", "Điểm tiêu chí chung của cơ quan", NUMBER,
          help="Từ năm 2026: phần điểm tiêu chí chung (tối đa 30)"),
        C("diem_nhiem_vu_co_quan", "Điểm kết quả thực hiện nhiệm vụ của cơ quan", NUMBER,
          help="Từ năm 2026: phần điểm kết quả thực hiện nhiệm vụ (tối đa 70)"),
        C("ngay_bao_cao_tu_danh_gia", "Ngày báo cáo tự đánh giá của cơ quan", DATE,
          help="Ngày ký Báo cáo tự đánh giá kết quả thực hiện nhiệm vụ năm; để trống thì in dấu chấm để viết tay"),
        C("ngay_hop_tu_xep_loai", "Ngày họp tự xếp loại cơ quan", DATE,
          help="Ngày họp cán bộ chủ chốt biểu quyết mức xếp loại cơ quan; để trống thì in dấu chấm để viết tay"),
        C("so_nguoi_trieu_tap_co_quan", "Số cán bộ chủ chốt được triệu tập", INT,
          help="Số người được mời họp tự xếp loại cơ quan"),
        C("so_nguoi_du_hop_co_quan", "Số cán bộ chủ chốt dự họp", INT,
          help="Số người có mặt tại cuộc họp tự xếp loại cơ quan"),
        C("so_phieu_dong_y_co_quan", "Số phiếu đồng ý mức tự xếp loại", INT,
          help="Số phiếu (biểu quyết) đồng ý với mức cơ quan tự xếp loại"),
        C("chu_tri_hop_co_quan", "Người chủ trì họp tự xếp loại",
          help="Họ tên người chủ trì; để trống thì là người đứng đầu cơ quan"),
        C("thu_ky_hop_co_quan", "Thư ký họp tự xếp loại", help="Họ tên thư ký cuộc họp; để trống thì để viết tay"),
        C("ket_qua_co_quan", "Kết quả thực hiện nhiệm vụ của cơ quan",
          help="Đoạn văn của báo cáo tự đánh giá; để trống thì in dòng chấm để viết tay"),
        C("uu_diem_co_quan", "Ưu điểm của cơ quan", help="Đoạn văn của báo cáo tự đánh giá; để trống thì in dòng chấm"),
        C("han_che_co_quan", "Tồn tại, hạn chế của cơ quan",
          help="Đoạn văn của báo cáo tự đánh giá; để trống thì in dòng chấm"),
        C("phuong_huong_co_quan", "Phương hướng, nhiệm vụ năm sau của cơ quan",
          help="Đoạn văn của báo cáo tự đánh giá; để trống thì in dòng chấm"),
        # ND 30/2020 (Phụ lục I, the signature part): a body working as a collective signs «TM. <body>» above
        # the head's post, which then does not repeat the body's name (docs/workbook.md, "Signing for a body")
        C("ky_thay_mat", "Ký thay mặt tập thể (TM.)",
          help="Cơ quan làm việc theo chế độ tập thể, ví dụ: Ủy ban nhân dân; có giá trị này thì báo cáo, công văn, "
               "biểu tổng hợp, thông báo kết quả và báo cáo tự đánh giá của cơ quan in «TM. ỦY BAN NHÂN DÂN» trên "
               "chức vụ người ký; để trống thì chỉ in chức vụ người đứng đầu"),
        C("chuc_vu_ky_thay_mat", "Chức vụ ký dưới dòng TM.",
          help="Chức vụ in dưới dòng «TM. …», không lặp lại tên cơ quan, ví dụ: Chủ tịch; để trống thì lấy «Chức vụ "
               "người đứng đầu» bỏ phần tên tập thể (hoso check báo chức vụ sẽ in)"),
        # ND 233 k7 Đ12 (regime-2026.md §2): the head of a đơn vị sự nghiệp not above the level of the unit
        C("muc_xep_loai_co_quan", "Mức xếp loại của cơ quan, đơn vị", LEVEL, choices=LEVELS,
          help="Mức xếp loại chất lượng của chính cơ quan, đơn vị do cấp có thẩm quyền quyết định (khi đã có); với "
               "đơn vị sự nghiệp công lập (Nghị định 233/2026), mức xếp loại của người đứng đầu không cao hơn mức "
               "này; để trống khi chưa quyết định"),
        # ND 30/2020 (Phụ lục I): the issuing agency's abbreviation after a document type; the agency sets its own
        C("ky_hieu_co_quan", "Chữ viết tắt tên cơ quan",
          help="Chữ viết tắt tên cơ quan ban hành, in sau chữ viết tắt tên loại văn bản: «Số: …/BC-VP», «Số: "
               "…/TB-VP», «Số: …/BB-VP» (Nghị định 30/2020/NĐ-CP). Để trống thì lấy phần trước dấu «-» của «Ký hiệu "
               "văn bản» (VP-HCQT → VP)"),
    ),
)

DON_VI = Sheet(
    "DonVi", "Đơn vị", required=True, row_key="ma_don_vi",
    help="Các phòng, ban, đơn vị của cơ quan.",
    columns=(
        C("ma_don_vi", "Mã đơn vị", ID, required=True, help="Mã duy nhất: chữ, số, - hoặc _ (dùng làm tên tệp)", width=12),
        C("ten_don_vi", "Tên đơn vị", required=True, width=36),
        C("loai_don_vi", "Loại đơn vị", CODE, required=True, choices=LOAI_DON_VI),
        C("thu_tu", "Thứ tự", INT, help="Thứ tự đơn vị trong hồ sơ; mặc định theo thứ tự dòng", width=8),
        C("chi_bo", "Chi bộ", help="Chi bộ nơi công tác của đơn vị", width=30),
        C("muc_xep_loai_don_vi", "Mức xếp loại của đơn vị", LEVEL, choices=LEVELS,
          help="Mức xếp loại của đơn vị (nếu đã có). Đến năm 2025: đối chiếu tiêu chí của người đứng đầu cơ quan "
               "(tỷ lệ đơn vị thuộc thẩm quyền hoàn thành nhiệm vụ); từ năm 2026: người đứng đầu đơn vị là viên chức "
               "không được xếp loại cao hơn mức này", width=12),
        C("bo_quy_tac_khac", "Bộ quy tắc cho cán bộ, hợp đồng, NLĐ của đơn vị",
          help="Từ năm 2026: bộ quy tắc cho cán bộ, người làm hợp đồng, người lao động của đơn vị này (ví dụ "
               "nd233-2026 cho người lao động của đơn vị sự nghiệp đánh giá như viên chức); để trống thì theo sheet "
               "CoQuan", width=14),
        C("nguoi_danh_gia", "Người đánh giá",
          help="Họ tên người có thẩm quyền đánh giá nhân sự của đơn vị (ví dụ Giám đốc đơn vị sự nghiệp); "
               "để trống thì là người đứng đầu cơ quan", width=24),
        C("chuc_vu_nguoi_danh_gia", "Chức vụ người đánh giá", help="Ví dụ: Giám đốc Trung tâm", width=20),
        C("ngay_hop", "Ngày họp đánh giá", DATE,
          help="Ngày họp nhận xét, đánh giá của đơn vị; để trống thì in dấu chấm để viết tay", width=12),
        C("so_thanh_vien", "Số thành viên", INT,
          help="Số thành viên được triệu tập dự họp; mặc định bằng số người của đơn vị trong sheet Nhân sự (thêm người "
               "kiêm nhiệm người đứng đầu đơn vị, nếu có)", width=10),
        C("vang_mat", "Vắng mặt (lý do)",
          help="Người vắng mặt và lý do, cách nhau bởi dấu chấm phẩy, ví dụ: Nguyễn Văn A (ốm); Trần Thị B (đi công tác)",
          width=36),
        C("so_phieu_phat_ra", "Số phiếu phát ra", INT, help="Bỏ phiếu kín bình xét thi đua: số phiếu phát ra", width=10),
        C("so_phieu_thu_ve", "Số phiếu thu về", INT, help="Bỏ phiếu kín bình xét thi đua: số phiếu thu về", width=10),
        C("co_quan_in", "Cơ quan ghi ở đầu văn bản",
          help="Cơ quan của đơn vị khi không phải cơ quan ở sheet CoQuan, ví dụ: Hội đồng nhân dân xã Tân Phước cho "
               "Thường trực Hội đồng nhân dân xã; in ở đầu phiếu của người trong đơn vị và văn bản của đơn vị; để trống "
               "thì là tên cơ quan", width=30),
        # seed 001 II.2.c: «Khi kiểm điểm người đứng đầu thì phân công cấp phó chủ trì» — who was assigned is the
        # unit's word, printed on its minutes (unit_context.review_chair); empty: its only deputy present
        C("chu_tri_khi_kiem_diem_truong", "Người chủ trì khi kiểm điểm người đứng đầu",
          help="Họ tên (như ở sheet Nhân sự) hoặc mã số của người được phân công chủ trì phần kiểm điểm người đứng "
               "đầu đơn vị tại cuộc họp của đơn vị (thường là một cấp phó), in ở biên bản họp. Để trống khi đơn vị "
               "chỉ có một cấp phó dự họp; nếu có từ hai cấp phó dự họp mà để trống, biên bản in cấp phó có tên "
               "xếp trước theo thứ tự chữ cái và hoso check nhắc ghi cột này", width=28),
        # ND 30/2020 Art. 13 cl. 1: «cấp phó được giao phụ trách, điều hành» signs «KT.» for the head; with the
        # head away from the meeting (or none), the unit assigns which deputy chairs and signs
        # (pipeline.ingest.chairs); empty: its one deputy present, or the first by name (as before)
        C("cap_pho_phu_trach", "Cấp phó chủ trì khi vắng người đứng đầu",
          help="Họ tên (như ở sheet Nhân sự) hoặc mã số của cấp phó được giao phụ trách, điều hành đơn vị khi người "
               "đứng đầu vắng mặt cuộc họp của đơn vị (ghi ở cột «Vắng mặt») hoặc đơn vị không có người đứng đầu: "
               "người này chủ trì cuộc họp, ký biên bản và ký thay (KT.) người đứng đầu các văn bản của đơn vị. Để "
               "trống khi người đứng đầu dự họp hoặc chỉ có một cấp phó dự họp; nếu có từ hai cấp phó dự họp mà để "
               "trống, cấp phó có tên xếp trước theo thứ tự chữ cái chủ trì và hoso check nhắc ghi cột này", width=28),
    ),
)

NHAN_SU = Sheet(
    "NhanSu", "Nhân sự", required=True, row_key="ma_so",
    help="Mỗi dòng một người được đánh giá.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, help="Mã duy nhất: chữ, số, - hoặc _ (dùng làm tên tệp)", width=10),
        C("ho_ten", "Họ và tên", required=True, width=24),
        C("ngay_sinh", "Ngày sinh", DATE, required=True, width=12),
        C("gioi_tinh", "Giới tính", CODE, choices=GIOI_TINH, width=8),
        C("ma_don_vi", "Mã đơn vị", ID, required=True, help="Phải có trong sheet Đơn vị", width=10),
        C("chuc_vu", "Chức vụ, chức danh", width=20),
        C("vai_tro", "Vai trò", CODE, required=True, choices=VAI_TRO, width=14),
        C("loai_nhan_su", "Loại", CODE, required=True, choices=LOAI_NHAN_SU, width=14),
        C("lanh_dao_quan_ly", "Lãnh đạo, quản lý", YESNO, help="Mặc định Có với người đứng đầu, cấp phó", width=10),
        C("ngach_chuc_danh", "Ngạch / chức danh nghề nghiệp", width=20),
        C("dang_vien", "Đảng viên", YESNO, width=9),
        C("chuc_vu_dang", "Chức vụ Đảng", width=16),
        C("chuc_vu_doan_the", "Chức vụ đoàn thể", width=16),
        C("noi_cu_tru", "Nơi cư trú", help="Địa chỉ, in trên Mẫu 3-213", width=30),
        C("chi_bo_noi_cu_tru", "Chi bộ nơi cư trú", help="In trên Mẫu 3-213", width=22),
        C("mien_sinh_hoat_noi_cu_tru", "Miễn nhận xét nơi cư trú", YESNO, help="Có: năm nay không cần Mẫu 3-213", width=10),
        C("nhom_tuong_dong", "Nhóm tương đồng", help="Nhóm tính tỷ lệ 20% HTXS; để trống: theo loại nhân sự (cán bộ, công chức, viên chức, hợp đồng, NLĐ) và lãnh đạo/không", width=16),
        C("so_thang_cong_tac", "Số tháng công tác trong năm", MONTHS,
          help="0–12, mặc định 12. Chuyển đến trong năm: tính cả thời gian ở cơ quan cũ (cơ quan mới đánh giá, "
               "Điều 20 Nghị định 90/2020/NĐ-CP; từ năm 2026 đối với công chức Điều 21 Nghị định 335/2025/NĐ-CP); tính cả thời gian nghỉ theo quy định (ghi ở cột «Số tháng nghỉ theo "
               "quy định»); không tính thời gian nghỉ thai sản", width=10),
        C("so_thang_nghi", "Số tháng nghỉ theo quy định", MONTHS, help="Số tháng nghỉ không tham gia công tác theo quy định; mặc định 0", width=10),
        C("nghi_thai_san", "Nghỉ thai sản", YESNO, width=9),
        C("truc_tiep_cong_tac", "Trực tiếp lao động, công tác", YESNO, help="Cho tỷ lệ 55% khen thưởng; mặc định: không phải lãnh đạo", width=10),
        C("tu_xep_loai", "Tự xếp loại", LEVEL, choices=LEVELS, width=12),
        C("muc_quyet_dinh", "Mức xếp loại của cấp có thẩm quyền", LEVEL, choices=LEVELS, width=12),
        C("muc_dang_vien", "Mức xếp loại đảng viên", LEVEL, choices=LEVELS,
          help="Mức xếp loại đảng viên (Mẫu 02A/02B), nếu đã có; để cảnh báo khi cao hơn mức xếp loại công chức, viên chức", width=12),
        C("tu_xep_loai_dang_vien", "Tự xếp loại đảng viên", LEVEL, choices=LEVELS,
          help="Mức đảng viên tự xếp loại, in ở mục VII.2 Mẫu 02A/02B; để trống thì đảng viên tự ghi tay", width=12),
        C("ket_luan_suy_thoai", "Kết luận suy thoái", YESNO,
          help="Có khi cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, "
               "lối sống, tự diễn biến, tự chuyển hóa (xếp loại Không hoàn thành nhiệm vụ)", width=10),
        C("vi_pham_dang_vien", "Vi phạm điều đảng viên không được làm, trách nhiệm nêu gương", YESNO,
          help="Từ năm 2026: Có khi cấp có thẩm quyền kết luận vi phạm những điều đảng viên không được làm hoặc vi phạm "
               "trách nhiệm nêu gương (xếp loại Không hoàn thành nhiệm vụ)", width=10),
        C("don_vi_tham_nhung", "Đơn vị phụ trách có tham nhũng, lãng phí", YESNO,
          help="Từ năm 2026, người lãnh đạo, quản lý: Có khi cơ quan, đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra "
               "tham nhũng, lãng phí và bị xử lý (xếp loại Không hoàn thành nhiệm vụ)", width=10),
        C("van_ban_ket_luan", "Văn bản kết luận", help="Số, ngày văn bản kết luận của các cột kết luận trên; ghi trong lý do xếp loại",
          width=20),
        C("ghi_chu", "Ghi chú", width=24),
        C("da_nghi", "Đã nghỉ, chuyển đi", YESNO,
          help="Có: người này đã nghỉ hưu, nghỉ việc hoặc chuyển công tác; «hoso init --tu» không chép sang sổ năm sau "
               "(năm nay vẫn được đánh giá như mọi người)", width=10),
        C("co_quan_cu", "Cơ quan, đơn vị cũ (chuyển đến trong năm)",
          help="Người chuyển đến trong năm: tên cơ quan, đơn vị cũ; để trống nếu không chuyển đến", width=24),
        C("so_thang_co_quan_cu", "Số tháng công tác ở cơ quan cũ", MONTHS,
          help="Số tháng công tác trong năm ở cơ quan, đơn vị cũ (đã tính trong «Số tháng công tác trong năm»); từ 06 "
               "tháng trở lên thì cơ quan mới xếp loại có kết hợp ý kiến nhận xét của cơ quan cũ (đến năm 2025: khoản 1 "
               "Điều 20 Nghị định 90/2020/NĐ-CP; từ năm 2026 cơ quan cũ gửi kết quả theo dõi, đánh giá các tháng, quý: "
               "cột «Cơ quan, đơn vị đánh giá kỳ» sheet KetQuaKy)", width=10),
        C("khong_kiem_diem_dang_vien", "Không kiểm điểm đảng viên năm nay", YESNO,
          help="Có: đảng viên không kiểm điểm, xếp loại chất lượng đảng viên năm nay (mới kết nạp chưa đủ 06 tháng, được "
               "miễn công tác và sinh hoạt đảng, đang bị đình chỉ sinh hoạt đảng — theo hướng dẫn của Đảng): không in bản "
               "kiểm điểm đảng viên và Mẫu 3-213; vẫn đánh giá, xếp loại công chức, viên chức", width=10),
        C("nguoi_danh_gia", "Người có thẩm quyền đánh giá",
          help="Họ tên người có thẩm quyền đánh giá, xếp loại riêng người này khi không phải người đứng đầu cơ quan "
               "(hay người đánh giá của đơn vị), ví dụ cán bộ do cấp có thẩm quyền quản lý cán bộ đánh giá; để trống "
               "thì theo sheet Đơn vị, CoQuan", width=22),
        C("chuc_vu_nguoi_danh_gia", "Chức vụ người có thẩm quyền đánh giá",
          help="Ví dụ: Bí thư Đảng ủy xã; in trên phiếu ở phần kết quả đánh giá, xếp loại", width=22),
        C("don_vi_kiem_nhiem", "Đơn vị kiêm nhiệm người đứng đầu", ID,
          help="Mã đơn vị (sheet Đơn vị) mà người này kiêm nhiệm người đứng đầu, ví dụ Phó Chi cục trưởng kiêm Trưởng "
               "phòng: người này vẫn kiểm điểm, được đánh giá ở đơn vị của mình (cột «Mã đơn vị»); ở đơn vị kiêm nhiệm "
               "(không có ai khác giữ vai trò «Người đứng đầu»), người này chủ trì cuộc họp, ký các văn bản của đơn vị "
               "và là người quản lý trực tiếp của những người thuộc đơn vị", width=12),
        C("so_dinh_danh", "Số định danh cá nhân", CITIZEN_ID,
          help="12 chữ số, như trên thẻ căn cước (ví dụ 001089012345): mã hồ sơ điện tử của người này trong Cơ sở dữ "
               "liệu quốc gia về cán bộ, công chức, viên chức; ghi vào kết quả xếp loại (ket_qua_xep_loai.xlsx, .json) "
               "để đối chiếu khi cập nhật cơ sở dữ liệu, không in trên mẫu biểu. Ô định dạng Text (Văn bản) để Excel "
               "không bỏ số 0 ở đầu", width=15),
    ),
)

TEXT_KEYS = (
    ("chinh_tri_tu_tuong", "Chính trị tư tưởng"),
    ("dao_duc_loi_song", "Đạo đức, lối sống"),
    ("tac_phong_le_loi", "Tác phong, lề lối làm việc"),
    ("y_thuc_ky_luat", "Ý thức tổ chức kỷ luật"),
    ("ket_qua_nhiem_vu", "Kết quả thực hiện chức trách, nhiệm vụ được giao"),
    ("thai_do_phuc_vu", "Thái độ phục vụ nhân dân, doanh nghiệp"),
    ("ket_qua_don_vi", "Kết quả hoạt động của đơn vị được giao lãnh đạo, quản lý"),
    ("nang_luc_lanh_dao", "Năng lực lãnh đạo, quản lý"),
    ("nang_luc_doan_ket", "Năng lực tập hợp, đoàn kết"),
    ("uu_diem", "Ưu điểm"),
    ("khuyet_diem", "Khuyết điểm"),
    ("nguyen_nhan", "Nguyên nhân"),
    ("khac_phuc", "Kết quả khắc phục"),
    ("phuong_huong", "Phương hướng, biện pháp khắc phục"),
)

TU_DANH_GIA = Sheet(
    "TuDanhGia", "Tự đánh giá", row_key="ma_so",
    help="Nội dung tự đánh giá của từng người; ô để trống thì mẫu in dòng chấm để viết tay.",
    columns=(C("ma_so", "Mã số", ID, required=True, width=10),)
    + tuple(C(k, label, width=40) for k, label in TEXT_KEYS),
)

BIEU_QUYET = Sheet(
    "BieuQuyet", "Biểu quyết", row_key="ma_so",
    help="Kết quả bỏ phiếu của cuộc họp đơn vị đối với từng người.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("so_nguoi_du_hop", "Số người dự họp", INT, required=True, width=10),
        C("phieu_htxs", "Phiếu HTXS", INT, width=9),
        C("phieu_htt", "Phiếu HTT", INT, width=9),
        C("phieu_ht", "Phiếu HT", INT, width=9),
        C("phieu_kht", "Phiếu KHT", INT, width=9),
    ),
)

KY_LUAT = Sheet(
    "KyLuat", "Kỷ luật",
    help="Mỗi dòng một quyết định kỷ luật (đảng hoặc hành chính).",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("loai_ky_luat", "Loại kỷ luật", CODE, required=True, choices=LOAI_KY_LUAT, width=14),
        C("hinh_thuc", "Hình thức", width=14),
        C("so_quyet_dinh", "Số quyết định", width=16),
        C("ngay_hieu_luc", "Ngày hiệu lực", DATE, required=True, width=12),
        C("ma_hanh_vi", "Mã hành vi", help="Liên kết quyết định kỷ luật đảng và chính quyền cho cùng một hành vi", width=12),
        C("da_tinh_nam", "Đã tính năm", YEAR, help="Năm hành vi này đã được dùng để xếp loại KHT", width=10),
        C("lien_quan_cong_vu", "Liên quan hoạt động công vụ", YESNO,
          help="Vi phạm liên quan đến hoạt động công vụ, hoạt động nghề nghiệp (mặc định Có); dùng cho Nghị định 335/2025, Nghị định 233/2026 và Nghị định 90/2020 gốc", width=10),
    ),
)

THI_DUA = Sheet(
    "ThiDua", "Thi đua",
    help="Đề nghị danh hiệu thi đua và kết quả bỏ phiếu kín.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("danh_hieu", "Danh hiệu", CODE, required=True, choices=DANH_HIEU, width=12),
        C("hinh_thuc_khen_thuong", "Hình thức khen thưởng", CODE, choices=HINH_THUC_KHEN, width=12),
        C("sang_kien", "Sáng kiến", help="Tên sáng kiến, số quyết định công nhận", width=36),
        C("phieu_dong_y", "Phiếu đồng ý", INT, width=9),
        C("tong_so_phieu", "Tổng số phiếu", INT, width=9),
    ),
)

TIEU_CHI = Sheet(
    "TieuChi", "Tiêu chí", row_key="ma_tieu_chi",
    help="Tiêu chí chấm điểm (Mẫu 12/HDDG); để trống thì dùng tiêu chí mặc định của bộ quy tắc.",
    columns=(
        C("ma_tieu_chi", "Mã tiêu chí", ID, required=True, width=10),
        C("noi_dung", "Nội dung", required=True, width=50),
        C("diem_toi_da", "Điểm tối đa", NUMBER, required=True, width=9),
        C("nhom", "Nhóm", CODE, choices=NHOM_TIEU_CHI, width=12),
    ),
)

CHAM_DIEM = Sheet(
    "ChamDiem", "Chấm điểm",
    help="Điểm theo từng tiêu chí của từng người.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("ma_tieu_chi", "Mã tiêu chí", ID, required=True, width=10),
        C("diem_tu_cham", "Điểm tự chấm", NUMBER, width=9),
        C("diem_danh_gia", "Điểm đánh giá", NUMBER, width=9),
    ),
)

NGOAI_LE_TY_LE = Sheet(
    "NgoaiLeTyLe", "Ngoại lệ tỷ lệ HTXS", row_key="nhom_tuong_dong",
    help="Nhóm tương đồng được cấp có thẩm quyền cho phép vượt tỷ lệ 20% HTXS: số HTXS tối đa được duyệt và văn bản cho phép.",
    columns=(
        C("nhom_tuong_dong", "Nhóm tương đồng", required=True, help="Tên nhóm như ở cột Nhóm tương đồng của sheet Nhân sự; nhóm mặc định (cột đó để trống) ghi như tên in "
               "trên biểu, ví dụ: Công chức giữ chức vụ lãnh đạo, quản lý", width=20),
        C("so_htxs_toi_da", "Số HTXS tối đa được duyệt", INT, required=True, width=10),
        C("so_van_ban", "Số văn bản cho phép", required=True, help="Ví dụ: 123/UBND-NC", width=18),
        C("ngay_van_ban", "Ngày văn bản", DATE, required=True, width=12),
        C("co_quan_ban_hanh", "Cơ quan ban hành", width=24),
        C("ghi_chu", "Ghi chú", width=30),
    ),
)

_PCT = "0–100; để trống thì tính từ sheet «SanPham» nếu có dòng sản phẩm của người và kỳ này"

KET_QUA_KY = Sheet(
    "KetQuaKy", "Kết quả kỳ",
    help="Từ năm 2026: kết quả theo dõi, đánh giá từng tháng hoặc từng quý, mỗi dòng một người và một kỳ.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("ky", "Kỳ", PERIOD, required=True,
          help="Tháng: 2026-01 … 2026-12; quý: 2026-Q1 … 2026-Q4. Mỗi người chỉ theo tháng hoặc chỉ theo quý", width=10),
        C("diem_tieu_chi_chung", "Điểm tiêu chí chung", NUMBER, required=True, help="0–30", width=10),
        C("ty_le_so_luong", "Số lượng (%)", NUMBER, help="a) " + _PCT, width=10),
        C("ty_le_chat_luong", "Chất lượng (%)", NUMBER, help="b) sau khi trừ 25% mỗi lần không đạt; " + _PCT, width=10),
        C("ty_le_tien_do", "Tiến độ (%)", NUMBER, help="c) sau khi trừ 25% mỗi lần chậm; " + _PCT, width=10),
        C("ty_le_ket_qua_don_vi", "Kết quả đơn vị phụ trách (%)", NUMBER,
          help="d) chỉ người lãnh đạo, quản lý: 100, hoặc 50 khi có cấp dưới không hoàn thành nhiệm vụ", width=12),
        C("ty_le_to_chuc_thuc_hien", "Năng lực tổ chức thực hiện (%)", NUMBER, help="đ) chỉ người lãnh đạo, quản lý; 0–100", width=12),
        C("ty_le_doan_ket", "Năng lực tập hợp, đoàn kết (%)", NUMBER, help="e) chỉ người lãnh đạo, quản lý; 0–100", width=12),
        C("don_vi_danh_gia", "Cơ quan, đơn vị đánh giá kỳ",
          help="Chỉ ghi khi kỳ này do cơ quan, đơn vị cũ theo dõi, đánh giá (người chuyển đến trong năm): tên cơ quan, đơn vị "
               "như trong kết quả đã gửi; cơ quan mới xếp loại cả năm trên cơ sở các kết quả đó (công chức: Điều 21 Nghị định "
               "335/2025/NĐ-CP). Để trống: kỳ do cơ quan này theo dõi, đánh giá", width=24),
    ),
    extra={"rows_per_person": 12},  # up to 12 months per person: the row limit is 12 × the per-sheet limit
)

SAN_PHAM = Sheet(
    "SanPham", "Sản phẩm",
    help="Từ năm 2026 (không bắt buộc): sản phẩm, công việc được giao trong từng kỳ; chương trình tính a) số lượng, "
         "b) chất lượng, c) tiến độ của kỳ từ các dòng này.",
    columns=(
        C("ma_so", "Mã số", ID, required=True, width=10),
        C("ky", "Kỳ", PERIOD, required=True, help="Như ở sheet «KetQuaKy»", width=10),
        C("ten_san_pham", "Sản phẩm, công việc", required=True, width=40),
        C("he_so_quy_doi", "Hệ số quy đổi", NUMBER, help="Số lớn hơn 0; mặc định 1", width=9),
        C("hoan_thanh", "Hoàn thành", YESNO, required=True, width=9),
        C("so_lan_khong_dat", "Số lần không đạt chất lượng", INT, help="Mỗi lần trừ 25% điểm chất lượng; mặc định 0", width=10),
        C("so_lan_cham", "Số lần chậm tiến độ", INT, help="Mỗi lần trừ 25% điểm tiến độ; mặc định 0", width=10),
        C("mien_tru", "Lý do khách quan được xác nhận", YESNO,
          help="Có: lỗi do nguyên nhân khách quan được cấp có thẩm quyền xác nhận, không bị trừ điểm", width=10),
    ),
    extra={"rows_per_person": 60},  # several products a month
)

SHEETS: tuple[Sheet, ...] = (
    CO_QUAN, DON_VI, NHAN_SU, TU_DANH_GIA, BIEU_QUYET, KY_LUAT, THI_DUA, TIEU_CHI, CHAM_DIEM, NGOAI_LE_TY_LE,
    KET_QUA_KY, SAN_PHAM,
)
SHEETS_BY_KEY = {s.key: s for s in SHEETS}
