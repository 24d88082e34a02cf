"""Biểu tổng hợp: counts and percentages of final levels per staff category (forms.md §6.6).

Rows (fixed, in this order): cán bộ; công chức giữ chức vụ lãnh đạo, quản lý; công chức không giữ
chức vụ; viên chức quản lý; viên chức không giữ chức vụ quản lý; hợp đồng; người lao động; tổng
cộng. Columns: tổng số; số được đánh giá, xếp loại; HTXS, HTT, HT, KHT (số lượng and % of those
rated); không xếp loại (worked < 6 months); ghi chú.

The level counted is the final level (`PersonRating.muc_cuoi`: decided by the competent evaluator,
else the program's proposal), exactly as in ket_qua_xep_loai.json. A person who is rated but has no
level at all is counted in "số được đánh giá, xếp loại" only and named in "ghi chú". An undecided
person counted at a proposal worked out again after others' decisions (not the level their unit's
meeting proposed, which every other paper prints) is named with both (`recomputed`).

`bieu_tong_hop.xlsx` has three sheets: `BieuTongHop` (the table), `TyLeHTXS` (the HTXS ≤ 20 % × HTT
check per comparable group, on final levels) and `DanhSach` (one row per person: category, status,
final level), which `hoso verify` recounts. Cells are values, never formulas; the file is
byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from pipeline.forms.printed import group_label, readable
from pipeline.ingest import xlsx_write
from pipeline.ingest.model import Campaign, Person
from pipeline.ingest.xlsx_write import put
from pipeline.quotes import curly_quotes
from pipeline.rating import agency_kind
from pipeline.rating.groups import HEAD_CAP_WORDS, HEAD_GROUP, is_default_key
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.result import GroupCap, Ratings
from pipeline.rating.rules import percent_tenths
from pipeline.rating.summary import STATUS_WORDS

if TYPE_CHECKING:  # openpyxl is imported when a table is written or read, not with this module
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("can_bo", "Cán bộ"),
    ("cong_chuc_lanh_dao", "Công chức giữ chức vụ lãnh đạo, quản lý"),
    ("cong_chuc", "Công chức không giữ chức vụ lãnh đạo, quản lý"),
    ("vien_chuc_quan_ly", "Viên chức quản lý"),
    ("vien_chuc", "Viên chức không giữ chức vụ quản lý"),
    ("hop_dong", "Hợp đồng"),
    ("nguoi_lao_dong", "Người lao động"),
)
TOTAL = ("tong_cong", "Tổng cộng")
LABELS = dict((*CATEGORIES, TOTAL))
SOURCE_WORDS = {"quyet_dinh": "Mức của cấp có thẩm quyền", "de_xuat": "Mức đề xuất",
                # not decided, and the 20 % check worked out again once others' decisions took (or freed)
                # the group's HTXS places gives another level than the unit's meeting proposed: the
                # column says so and names the meeting's level (rules.md R5.2, the two moments)
                "de_xuat_tinh_lai": "Mức đề xuất tính lại theo tỷ lệ sau các mức đã quyết định "
                                    "(đơn vị đề xuất: {muc_don_vi})"}

# layout of sheet BieuTongHop (read back by `read_table`)
SHEET, GROUP_SHEET, PEOPLE_SHEET = "BieuTongHop", "TyLeHTXS", "DanhSach"
HEADER_ROWS = (5, 6, 7)
FIRST_ROW = 8
COL_LABEL, COL_TONG, COL_XEP_LOAI = 2, 3, 4
COL_LEVEL = {lv: 5 + 2 * i for i, lv in enumerate(ORDER)}  # count; the % is in the next column
COL_KHONG, COL_GHI_CHU = 13, 14


def category(person: Person) -> str:
    kind = person.loai_nhan_su
    if kind == "cong_chuc":
        return "cong_chuc_lanh_dao" if person.lanh_dao_quan_ly else "cong_chuc"
    if kind == "vien_chuc":
        return "vien_chuc_quan_ly" if person.lanh_dao_quan_ly else "vien_chuc"
    return kind  # can_bo, hop_dong, nguoi_lao_dong


@dataclass
class Row:
    ma: str
    ten: str
    tong: int = 0
    xep_loai: int = 0  # rated (not "khong_xep_loai")
    muc: dict[str, int] = field(default_factory=lambda: {lv: 0 for lv in ORDER})
    khong_xep_loai: int = 0
    chua_co_muc: list[str] = field(default_factory=list)  # ma_so rated without any level
    chua_co_muc_ten: list[str] = field(default_factory=list)  # their names, as printed (never the ma_so)

    def ratio(self, level: str) -> float | None:
        return self.muc[level] / self.xep_loai if self.xep_loai else None

    @property
    def ghi_chu(self) -> str:
        if not self.chua_co_muc:
            return ""
        return f"{len(self.chua_co_muc)} người chưa có mức: " + ", ".join(self.chua_co_muc_ten or self.chua_co_muc)

    def counts(self) -> dict[str, Any]:
        """The numbers `hoso verify` compares (also written to manifest.json)."""
        return {"tong": self.tong, "xep_loai": self.xep_loai, **self.muc, "khong_xep_loai": self.khong_xep_loai}

    def add(self, status: str, level: str | None, ma_so: str, ho_ten: str = "") -> None:
        self.tong += 1
        if status != "xep_loai":
            self.khong_xep_loai += 1
            return
        self.xep_loai += 1
        if level in self.muc:
            self.muc[level] += 1
        else:
            self.chua_co_muc.append(ma_so)
            self.chua_co_muc_ten.append(ho_ten or ma_so)


def recomputed(ratings: Ratings) -> list[tuple[str, str, str | None, str | None]]:
    """The undecided people whose final level (the proposal worked out again after the decisions
    already made took or freed the group's HTXS places) is not what their unit's meeting proposed:
    (ma_so, ho_ten, the meeting's proposal, the level counted), in ratings order."""
    before = ratings.unit_proposals()
    out = []
    for pr in ratings.people:
        if pr.rated and not pr.muc_quyet_dinh and before is not ratings:
            meeting = before.of(pr.ma_so).muc_de_xuat
            if meeting != pr.muc_de_xuat:
                out.append((pr.ma_so, pr.ho_ten, meeting, pr.muc_de_xuat))
    return out


def _decided(ratings: Ratings, total: Row) -> tuple[int, int]:
    """How many levels the competent evaluator decided, and how many levels the totals count."""
    return sum(1 for pr in ratings.people if pr.rated and pr.muc_quyet_dinh), sum(total.muc.values())


def level_basis(ratings: Ratings, total: Row) -> str:
    """Whether the levels counted are the competent evaluator's decisions or proposals (the report's
    and the biểu's note: a proposal is never presented as the result)."""
    decided, with_level = _decided(ratings, total)
    if decided == 0:
        return "Mức xếp loại nêu trên là mức đề xuất; cấp có thẩm quyền chưa quyết định"
    if decided == with_level:
        return "Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định"
    text = (f"Mức xếp loại nêu trên là mức do cấp có thẩm quyền quyết định đối với {decided} người; "
            f"{with_level - decided} người còn lại là mức đề xuất")
    # rules.md R5.2: the unit's proposals and the decisions are two moments. A proposal worked out
    # again after the decisions took (or freed) a group's HTXS places is neither: say whose level
    # counted here is not the one their unit's meeting proposed, and what the meeting proposed
    moved = [(name, meeting, now) for _m, name, meeting, now in recomputed(ratings) if now]
    if moved:
        text += (", trong đó mức của " + "; ".join(
            f"{name} (đơn vị đề xuất {WORDS[meeting] if meeting else 'chưa có mức'}, tính là {WORDS[now]})"
            for name, meeting, now in moved)
            + " được tính lại theo tỷ lệ Hoàn thành xuất sắc nhiệm vụ của nhóm sau các mức đã quyết định")
    return text


def counted_levels(ratings: Ratings, total: Row) -> str:
    """The levels the report's group check (its section 4) is worked out on, in words: «mức xếp loại cuối cùng»
    only when every level counted is the competent evaluator's decision; else the proposals are named as such
    (helper sig2: a hospital's report said «(Mức xếp loại nêu trên là mức đề xuất …)» under its totals and then
    «tính trên mức xếp loại cuối cùng» over the same proposals)."""
    decided, with_level = _decided(ratings, total)
    if with_level and decided >= with_level:
        return "mức xếp loại cuối cùng"
    if decided == 0:
        return "mức xếp loại đề xuất"
    return "mức xếp loại đã quyết định và mức đề xuất"


def people_rows(campaign: Campaign, ratings: Ratings) -> list[dict[str, Any]]:
    """One entry per rated person (ratings order): category, status, final level and its source;
    `muc_don_vi`, the unit meeting's proposal, when the level counted is not that (`recomputed`)."""
    people = {p.ma_so: p for p in campaign.people}
    moved = {ma_so: meeting for ma_so, _name, meeting, _now in recomputed(ratings)}
    out = []
    for pr in ratings.people:
        p = people.get(pr.ma_so)
        if p is None:
            continue
        source = ("quyet_dinh" if pr.muc_quyet_dinh else "de_xuat") if pr.rated and pr.muc_cuoi else ""
        entry = {
            "ma_so": pr.ma_so, "ho_ten": pr.ho_ten, "ma_don_vi": pr.ma_don_vi, "doi_tuong": category(p),
            "trang_thai": pr.trang_thai, "muc": pr.muc_cuoi if pr.rated else None,
            "nguon": "de_xuat_tinh_lai" if pr.ma_so in moved and source else source,
        }
        if pr.ma_so in moved:
            entry["muc_don_vi"] = moved[pr.ma_so]
        out.append(entry)
    return out


def count_rows(entries: list[dict[str, Any]]) -> list[Row]:
    """The 7 category rows and the total row, from `people_rows`-shaped entries."""
    rows = {code: Row(code, label) for code, label in CATEGORIES}
    total = Row(*TOTAL)
    for e in entries:
        for row in (rows[e["doi_tuong"]], total):
            row.add(e["trang_thai"], e["muc"], e["ma_so"], e.get("ho_ten", ""))
    return [*rows.values(), total]


def summary_rows(campaign: Campaign, ratings: Ratings) -> list[Row]:
    return count_rows(people_rows(campaign, ratings))


def counts_document(rows: list[Row]) -> dict[str, Any]:
    return {r.ma: r.counts() for r in rows}


def vn_percent(value: float | None) -> str:
    """33.333… → "33,3" (one decimal, Vietnamese comma, half up: 6.25 → "6,3"); "" when there is no one rated."""
    tenths = percent_tenths(value)
    return "" if tenths is None else f"{tenths // 10},{tenths % 10}"


def group_order(campaign: Campaign, ratings: Ratings) -> list[GroupCap]:
    """The comparable groups in the biểu's order of categories (CATEGORIES: cán bộ, công chức lãnh đạo, công
    chức, viên chức quản lý, viên chức, hợp đồng, người lao động): a group of its members' first category, its
    default group (`cong_chuc/khong_giu_chuc_vu`) before the groups the workbook names (in the rating's order).
    The agency head's own group (HEAD_GROUP) is last: it is not one of the agency's checks (no maximum of the
    agency's; the managing level weighs him), so the agency's own groups are read first, in the table's order."""
    rank = {code: i for i, (code, _label) in enumerate(CATEGORIES)}
    of = {p.ma_so: rank[category(p)] for p in campaign.people if category(p) in rank}
    first: dict[str, int] = {}
    for pr in ratings.people:
        if pr.ma_so in of:
            first[pr.nhom_tuong_dong] = min(first.get(pr.nhom_tuong_dong, len(rank)), of[pr.ma_so])

    def key(item: tuple[int, GroupCap]) -> tuple[int, int, int, int]:
        at, g = item
        return (g.nhom == HEAD_GROUP, first.get(g.nhom, len(rank)), not is_default_key(g.nhom), at)

    return [g for _at, g in sorted(enumerate(ratings.groups), key=key)]


def group_rows(ratings: Ratings, campaign: Campaign) -> list[dict[str, Any]]:
    """The rows of the HTXS check per comparable group (report II.4, the biểu's table, sheet TyLeHTXS), in
    `group_order`."""
    out = []
    public_service = agency_kind.public_service_unit(campaign, ratings)  # «của đơn vị sự nghiệp», not «của cơ quan»
    for n, g in enumerate(group_order(campaign, ratings), start=1):
        outside = g.nhom == HEAD_GROUP  # the agency head: no maximum of the agency's, the competent level weighs him
        out.append({
            "stt": n, "nhom": g.nhom, "don_vi": ", ".join(g.don_vi), "so_nguoi": g.so_nguoi,
            "so_xep_loai": g.so_xep_loai, "so_htxs": g.so_htxs_cuoi, "so_htt": g.so_htt_cuoi,
            "toi_da": "" if outside else g.toi_da_cuoi, "vuot": g.vuot_cuoi and not outside,
            "ket_luan": (f"{agency_kind.outside_cap_words(public_service)} ({g.ngoai_le})" if outside else
                         "VƯỢT TỶ LỆ" if g.vuot_cuoi else "trong tỷ lệ"),
            "ngoai_le": "" if outside else g.ngoai_le,  # the head's why is no exception allowed
            "ty_le": g.ty_le, "cach_tinh": g.cach_tinh,
            "ha_muc": ", ".join(g.ha_muc),
            # the printed ratio of the head's group (none of the agency's), in the agency's words
            "ty_le_chu": agency_kind.head_cap_words(public_service) if outside else "",
        })
    return out


# ---------------------------------------------------------------------------------------------
# .xlsx
# ---------------------------------------------------------------------------------------------
_STYLES: tuple[Any, ...] = ()


def _styles() -> tuple[Any, ...]:
    """(BOX, CENTER, LEFT): openpyxl styles, made on first use (importing this module does not import
    openpyxl; a cached table needs neither)."""
    global _STYLES
    if not _STYLES:
        from openpyxl.styles import Alignment, Border, Side

        thin = Side(style="thin", color="000000")
        _STYLES = (Border(left=thin, right=thin, top=thin, bottom=thin),
                   Alignment(horizontal="center", vertical="center", wrap_text=True),
                   Alignment(horizontal="left", vertical="center", wrap_text=True))
    return _STYLES


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _title_rows(ws: Worksheet, data: dict[str, Any], title: str, last_col: int) -> None:
    BOX, CENTER, LEFT = _styles()
    put(ws, 1, 1, data["ten_co_quan"].upper(), bold=True)
    put(ws, 2, 1, title, bold=True)
    put(ws, 3, 1, f"Năm đánh giá {data['nam_danh_gia']}")
    for r in (2, 3):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_col)
        ws.cell(row=r, column=1).alignment = CENTER


def _table_sheet(wb: Workbook, data: dict[str, Any], rows: list[Row]) -> None:
    BOX, CENTER, LEFT = _styles()
    ws = cast("Worksheet", wb.active)  # a new workbook's one sheet
    ws.title = SHEET
    _title_rows(ws, data, "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG CÁN BỘ, CÔNG CHỨC, "
                "VIÊN CHỨC VÀ NGƯỜI LAO ĐỘNG", COL_GHI_CHU)
    h0, h1, h2 = HEADER_ROWS
    for col, text in ((1, "TT"), (COL_LABEL, "Đối tượng"), (COL_TONG, "Tổng số"),
                      (COL_XEP_LOAI, "Số được đánh giá, xếp loại"), (COL_KHONG, "Không xếp loại"),
                      (COL_GHI_CHU, "Ghi chú")):
        put(ws, h0, col, text, bold=True)
        ws.merge_cells(start_row=h0, start_column=col, end_row=h2, end_column=col)
    put(ws, h0, COL_LEVEL["HTXS"], "Kết quả xếp loại chất lượng", bold=True)
    ws.merge_cells(start_row=h0, start_column=COL_LEVEL["HTXS"], end_row=h0, end_column=COL_LEVEL["KHT"] + 1)
    for lv, col in COL_LEVEL.items():
        put(ws, h1, col, f"{lv} ({WORDS[lv]})", bold=True)
        ws.merge_cells(start_row=h1, start_column=col, end_row=h1, end_column=col + 1)
        put(ws, h2, col, "Số lượng", bold=True)
        put(ws, h2, col + 1, "Tỷ lệ %", bold=True)
    for r in HEADER_ROWS:
        for c in range(1, COL_GHI_CHU + 1):
            cell = ws.cell(row=r, column=c)
            cell.alignment, cell.border, cell.fill = CENTER, BOX, xlsx_write.HEADER_FILL
    for i, row in enumerate(rows):
        r = FIRST_ROW + i
        is_total = row.ma == TOTAL[0]
        put(ws, r, 1, "" if is_total else i + 1, bold=is_total)
        put(ws, r, COL_LABEL, row.ten, bold=is_total)
        put(ws, r, COL_TONG, row.tong, bold=is_total)
        put(ws, r, COL_XEP_LOAI, row.xep_loai, bold=is_total)
        for lv, col in COL_LEVEL.items():
            put(ws, r, col, row.muc[lv], bold=is_total)
            ratio = row.ratio(lv)
            # the percentage as the report and the biểu print it (vn_percent), so the cell shows those words
            tenths = percent_tenths(ratio)
            cell = put(ws, r, col + 1, tenths / 1000 if tenths is not None else "", bold=is_total)
            cell.number_format = "0.0%"
        put(ws, r, COL_KHONG, row.khong_xep_loai, bold=is_total)
        put(ws, r, COL_GHI_CHU, row.ghi_chu, bold=is_total)
        for c in range(1, COL_GHI_CHU + 1):
            cell = ws.cell(row=r, column=c)
            cell.border = BOX
            cell.alignment = LEFT if c in (COL_LABEL, COL_GHI_CHU) else CENTER
    end = FIRST_ROW + len(rows) + 1
    note = put(ws, end, 1, "HTXS, HTT, HT, KHT: mức xếp loại cuối cùng (mức của cấp có thẩm quyền nếu đã quyết định, nếu "
        "chưa thì mức đề xuất); tỷ lệ % tính trên số được đánh giá, xếp loại; không xếp loại: thời gian công tác "
        "trong năm dưới 06 tháng. Chi tiết từng người ở sheet «DanhSach», tỷ lệ HTXS theo nhóm ở sheet «TyLeHTXS».")
    notes = [(end, note)]
    if data.get("can_cu_muc"):
        notes.append((end + 1, put(ws, end + 1, 1, f"{data['can_cu_muc']}.", bold=True)))
    for r, cell in notes:  # each note wrapped across the table's width: printed whole, the table not made smaller
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=COL_GHI_CHU)
        cell.alignment = LEFT
    widths = {1: 5, COL_LABEL: 42, COL_TONG: 9, COL_XEP_LOAI: 12, COL_KHONG: 10, COL_GHI_CHU: 30}
    for c in range(1, COL_GHI_CHU + 1):
        ws.column_dimensions[_letter(c)].width = widths.get(c, 10)
    ws.freeze_panes = cast("Cell", ws.cell(row=FIRST_ROW, column=1))
    xlsx_write.fit_rows(ws, 1, end + len(notes) - 1)  # the merged header's and the notes' lines shown whole
    xlsx_write.print_setup(ws, COL_GHI_CHU, f"5:{FIRST_ROW - 1}")  # A4, the header's rows on every page


def _group_sheet(wb: Workbook, data: dict[str, Any]) -> None:
    BOX, CENTER, LEFT = _styles()
    ws = wb.create_sheet(GROUP_SHEET)
    headers = ["TT", "Nhóm có nhiệm vụ tương đồng", "Đơn vị", "Số người", "Số được xếp loại", "HTXS (mức cuối)",
               "HTT (mức cuối)", "Tỷ lệ tối đa", "Số HTXS tối đa", "Kết quả kiểm tra", "Ngoại lệ được phép",
               "Hạ từ HTXS xuống HTT", "Cách tính"]
    _title_rows(ws, data, "KIỂM TRA TỶ LỆ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ THEO NHÓM CÓ NHIỆM VỤ TƯƠNG ĐỒNG",
                len(headers))
    for c, h in enumerate(headers, start=1):
        cell = put(ws, 5, c, h, bold=True)
        cell.alignment, cell.border, cell.fill = CENTER, BOX, xlsx_write.HEADER_FILL
    for i, g in enumerate(data["nhom"]):
        r = 6 + i
        values = [g["stt"], g.get("ten_nhom") or g["nhom"], g["don_vi"], g["so_nguoi"], g["so_xep_loai"], g["so_htxs"], g["so_htt"],
                  (g.get("ty_le_chu") or HEAD_CAP_WORDS) if g["nhom"] == HEAD_GROUP else f"{round(g['ty_le'] * 100, 2):g}% số HTT", g["toi_da"], g["ket_luan"], g["ngoai_le"], g["ha_muc"],
                  g["cach_tinh"]]
        for c, v in enumerate(values, start=1):
            cell = put(ws, r, c, v, bold=(c == 10 and g["vuot"]))
            cell.border = BOX
            cell.alignment = LEFT if c in (2, 3, 10, 11, 12, 13) else CENTER
    # 13 columns fitted to a landscape page's width (the texts wrapped): not printed across two pages
    for c, w in enumerate((5, 26, 16, 8, 9, 9, 9, 11, 9, 14, 18, 14, 46), start=1):
        ws.column_dimensions[_letter(c)].width = w
    xlsx_write.fit_rows(ws, 5, 5 + len(data["nhom"]))
    xlsx_write.print_setup(ws, len(headers), "5:5")


def _people_sheet(wb: Workbook, entries: list[dict[str, Any]], nam_danh_gia: object) -> None:
    BOX, CENTER, LEFT = _styles()
    ws = wb.create_sheet(PEOPLE_SHEET)
    headers = ["STT", "Mã số", "Họ và tên", "Mã đơn vị", "Mã đối tượng", "Đối tượng", "Trạng thái", "Mức xếp loại",
               "Căn cứ mức"]
    for c, h in enumerate(headers, start=1):
        cell = put(ws, 1, c, h, bold=True)
        cell.fill, cell.alignment = xlsx_write.HEADER_FILL, CENTER
    for i, e in enumerate(entries, start=1):
        values = [i, e["ma_so"], e["ho_ten"], e["ma_don_vi"], e["doi_tuong"], LABELS[e["doi_tuong"]],
                  STATUS_WORDS[e["trang_thai"]], e["muc"] or "",
                  SOURCE_WORDS.get(e["nguon"], "").format(muc_don_vi=e.get("muc_don_vi") or "chưa có mức")]
        for c, v in enumerate(values, start=1):
            put(ws, i + 1, c, v)
    for c, w in enumerate((6, 10, 26, 10, 26, 40, 14, 12, 26), start=1):  # «cong_chuc_lanh_dao_quan_ly» whole
        ws.column_dimensions[_letter(c)].width = w
    ws.freeze_panes = "A2"
    xlsx_write.fit_rows(ws, 1, 1)
    # the list has no title row (its header is row 1, as readers expect): its title printed at the head of each page
    xlsx_write.print_setup(ws, len(headers), "1:1",
                           page_title=f"Danh sách đánh giá, xếp loại chất lượng năm {nam_danh_gia}")
    if entries:
        ws.auto_filter.ref = f"A1:I{len(entries) + 1}"


def table_data(campaign: Campaign, ratings: Ratings) -> dict[str, Any]:
    """Everything `bieu_tong_hop.xlsx` shows, as plain JSON-able data: its hash keys the cached file."""
    # each group by its printed name, as the report and the biểu's PDF print it (a default group's key,
    # `cong_chuc/khong_giu_chuc_vu`, is an internal code)
    # and its «Cách tính» with the same name (the rating's sentence names a workbook's own group by its key)
    public_service = agency_kind.public_service_unit(campaign, ratings)
    groups = [{**g, "ten_nhom": agency_kind.head_group_name(public_service) if g["nhom"] == HEAD_GROUP
               else group_label(g["nhom"], campaign),
               "cach_tinh": readable(g["cach_tinh"], campaign, [g["nhom"]])} for g in group_rows(ratings, campaign)]
    people = people_rows(campaign, ratings)
    return {"ten_co_quan": campaign.agency.ten_co_quan, "nam_danh_gia": campaign.agency.nam_danh_gia,
            "nam_xep_loai": ratings.nam_danh_gia, "nguoi": people, "nhom": groups,
            # the note the Word/PDF biểu prints under its table: proposals or decided levels
            "can_cu_muc": level_basis(ratings, count_rows(people)[-1])}


def workbook_of(data: dict[str, Any]) -> Workbook:
    from openpyxl import Workbook

    wb = Workbook()
    _table_sheet(wb, data, count_rows(data["nguoi"]))
    _group_sheet(wb, data)
    _people_sheet(wb, data["nguoi"], data["nam_danh_gia"])
    return wb


def workbook(campaign: Campaign, ratings: Ratings) -> Workbook:
    return workbook_of(table_data(campaign, ratings))


def table_bytes(data: dict[str, Any], *, ngoac_kep: bool = False) -> bytes:
    """The bytes of bieu_tong_hop.xlsx for `table_data(…)`; `ngoac_kep`: its «…» written “…” as on a paper
    (pipeline/quotes.py)."""
    wb = workbook_of(data)
    if ngoac_kep:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and (curly := curly_quotes(cell.value)) != cell.value:
                        kind = cell.data_type
                        cell.value = curly
                        cell.data_type = kind  # text stays text (`put`), never a formula
    return reproducible_bytes(wb, data["nam_xep_loai"])


def reproducible_bytes(wb: Workbook, year: int) -> bytes:
    """Save `wb` with fixed document and zip timestamps, so the same content gives the same bytes."""
    fixed = dt.datetime(year, 12, 31, 0, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            zi = zipfile.ZipInfo(info.filename, date_time=fixed.timetuple()[:6])
            zi.compress_type, zi.external_attr, zi.create_system = zipfile.ZIP_DEFLATED, 0o644 << 16, 3
            zout.writestr(zi, data)
    return out.getvalue()


def write(path: Path, campaign: Campaign, ratings: Ratings) -> None:
    Path(path).write_bytes(table_bytes(table_data(campaign, ratings)))


# ---------------------------------------------------------------------------------------------
# reading back (hoso verify)
# ---------------------------------------------------------------------------------------------
class TableUnreadable(ValueError):
    """The .xlsx is not a biểu tổng hợp written by this module (message in Vietnamese)."""


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def read_table(path: Path | IO[bytes]) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """(counts per row code as in `Row.counts`, the DanhSach entries) read from bieu_tong_hop.xlsx."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        raise TableUnreadable(f"không mở được tệp .xlsx ({exc.__class__.__name__})") from exc
    try:
        if SHEET not in wb.sheetnames or PEOPLE_SHEET not in wb.sheetnames:
            raise TableUnreadable(f"thiếu sheet «{SHEET}» hoặc «{PEOPLE_SHEET}»")
        by_label = {label: code for code, label in (*CATEGORIES, TOTAL)}
        counts: dict[str, dict[str, Any]] = {}
        for row in wb[SHEET].iter_rows(min_row=FIRST_ROW, max_col=COL_GHI_CHU, values_only=True):
            label = row[COL_LABEL - 1] if len(row) >= COL_LABEL else None
            code = by_label.get(label) if isinstance(label, str) else None
            if code is None:
                continue
            cols = {"tong": COL_TONG, "xep_loai": COL_XEP_LOAI, **COL_LEVEL, "khong_xep_loai": COL_KHONG}
            counts[code] = {k: _int(row[c - 1]) for k, c in cols.items()}
        entries = []
        words: dict[Any, Any] = {v: k for k, v in STATUS_WORDS.items()}
        for row in wb[PEOPLE_SHEET].iter_rows(min_row=2, max_col=9, values_only=True):
            if not row or row[1] in (None, ""):
                continue
            entries.append({"ma_so": str(row[1]), "ho_ten": row[2], "ma_don_vi": row[3], "doi_tuong": row[4],
                            "trang_thai": words.get(row[6], row[6]), "muc": row[7] or None})
        return counts, entries
    finally:
        wb.close()
