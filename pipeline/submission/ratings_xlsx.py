"""ket_qua_xep_loai.xlsx: the ratings for clerks.

Sheets: `KetQua` (one row per person: code, name, unit, group, status, self-rating, meeting level,
points, proposal, decided, ceiling, reasons, warnings, emulation), `TongHopDonVi` (per unit: counts
per level and cap status), one sheet per comparable group with the HTXS cap computation, `ThiDua`
(emulation), `ThongTin` (rulebook, settings, agency-wide warnings).

The sheets are laid out on the SpreadsheetML model of `pipeline.ingest.xlsx_write` (`Book`,
`Sheet`) and written by its `book_bytes`: every text cell a string, never a formula; the file
byte-for-byte reproducible (fixed zip and document timestamps).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.ingest.xlsx_write import Book, book_bytes, lines, table
from pipeline.rating import agency_kind
from pipeline.rating.emulation import TITLES
from pipeline.rating.groups import HEAD_GROUP, group_label
from pipeline.rating.levels import ORDER, WORDS
from pipeline.rating.periods import pct_round
from pipeline.rating.result import GroupCap, PersonRating, Ratings
from pipeline.rating.rules import pct
from pipeline.rating.summary import STATUS_WORDS, agency_htxs_words, unit_summaries


def level(code: str | None) -> str:
    return code or ""


def emulation_cell(pr: PersonRating) -> str:
    t = pr.thi_dua
    if t is None:
        return ""
    status = "đủ điều kiện" if t.du_dieu_kien else "không đủ điều kiện"
    head = f"{TITLES.get(t.de_nghi, t.de_nghi)}: {status}"
    if t.de_nghi == "CSTDCS" and not t.du_dieu_kien and t.dat_ldtt:
        head += " (đạt Lao động tiên tiến)"
    return head + ("\n" + lines(t.ly_do) if t.ly_do else "")


def _people_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("KetQua")
    headers = [("STT", 5), ("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Nhóm tương đồng", 18),
               ("Trạng thái", 14), ("Tự xếp loại", 9), ("Mức biểu quyết", 9), ("Điểm", 7), ("Mức đề xuất", 9),
               ("Mức quyết định", 9), ("Mức tối đa", 9), ("Lý do", 90), ("Cảnh báo", 60), ("Thi đua", 60),
               ("Mức đơn vị đề xuất tại cuộc họp", 12)]
    # «Mức đề xuất» is the program's proposal now: for someone undecided, the 20 % check worked out again
    # after the decisions already made; the papers print the meeting's (the last column), which differs
    # when those decisions took or freed the group's HTXS places (docs/render-context.md)
    meeting = ratings.unit_proposals()
    names = {g.nhom: g.ten_nhom for g in ratings.groups if g.ten_nhom}  # «TH/chuyen_vien» in words, as every paper
    rows = []
    for n, pr in enumerate(ratings.people, start=1):
        rows.append([n, pr.ma_so, pr.ho_ten, pr.ma_don_vi, names.get(pr.nhom_tuong_dong) or group_label(pr.nhom_tuong_dong), STATUS_WORDS[pr.trang_thai],
                     level(pr.tu_xep_loai), level(pr.muc_hop), _score(pr),
                     level(pr.muc_de_xuat), level(pr.muc_quyet_dinh), level(pr.muc_toi_da), lines(pr.ly_do),
                     lines(pr.canh_bao), emulation_cell(pr), level(meeting.of(pr.ma_so).muc_de_xuat)])
    if any(pr.so_dinh_danh for pr in ratings.people):  # NhanSu «Số định danh cá nhân», as text: its leading 0 kept
        headers.append(("Số định danh cá nhân", 15))
        for row, pr in zip(rows, ratings.people, strict=True):
            row.append(pr.so_dinh_danh)
    table(ws, 1, headers, rows, wrap_cols={5, 13, 14, 15})  # a group name wraps in its 18 (not cut by the next cell)
    ws.title_cols = "A:C"  # printed across pages (its reasons): each page names its people (STT, Mã số, Họ và tên)


def _units_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("TongHopDonVi")
    headers = [("Mã đơn vị", 10), ("Số người", 8)] + [(lv, 7) for lv in ORDER] + [
        ("Chưa có mức", 8), ("Không xếp loại", 9), ("Đã có mức quyết định", 10), ("Hạ mức do tỷ lệ HTXS", 24),
        ("Tình trạng tỷ lệ HTXS", 50), ("Số cảnh báo", 8)]
    rows = []
    for u in unit_summaries(ratings):
        rows.append([u.ma_don_vi, u.so_nguoi, *[u.so_muc.get(lv, 0) for lv in ORDER], u.chua_co_muc,
                     u.khong_xep_loai, u.so_quyet_dinh, ", ".join(u.ha_muc), u.tinh_trang_ty_le, u.so_canh_bao])
    end = table(ws, 1, headers, rows, wrap_cols={len(headers) - 1})
    ws.put(end, 1, "Các cột HTXS … KHT đếm mức cuối cùng: mức quyết định nếu đã có, nếu chưa thì mức chương trình đề xuất.")


def _sheet_name(wb: Book, base: str) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "_", base).strip("'")[:31] or "Nhom"
    taken = {s.casefold() for s in wb.sheetnames}
    candidate, n = name, 2
    while candidate.casefold() in taken:
        suffix = f"~{n}"
        candidate = name[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


def _group_sheet(wb: Book, ratings: Ratings, g: GroupCap, members_of: dict[str, list[Any]], public_service: bool
                 ) -> None:
    ws = wb.create_sheet(_sheet_name(wb, f"Nhom {g.nhom}"))
    ws.set_width(1, 34)
    ws.set_width(2, 80)
    ws.put(1, 1, f"Nhóm tương đồng «{g.ten_nhom or group_label(g.nhom)}»: kiểm tra tỷ lệ Hoàn thành xuất sắc nhiệm vụ", bold=True)
    # the agency head out of the agency's cap: no ratio nor maximum of the agency's (the competent level weighs him)
    outside = g.nhom == HEAD_GROUP
    head_cap = agency_kind.head_cap_words(public_service)  # «… của đơn vị sự nghiệp» as its papers print it
    facts = [
        ("Đơn vị có người trong nhóm", ", ".join(g.don_vi)),
        ("Số người / số được xếp loại", f"{g.so_nguoi} / {g.so_xep_loai}"),
        ("Tỷ lệ tối đa (HTXS so với HTT)", head_cap if outside else f"{setting_words(round(g.ty_le * 100, 2))}%"),
        ("Cách làm tròn", ROUNDING_WORDS.get(g.lam_tron, g.lam_tron)),
        ("Đề xuất HTXS trước khi áp tỷ lệ", g.so_htxs_de_nghi),
        ("Đề xuất HTT trước khi áp tỷ lệ", g.so_htt_de_nghi),
        ("Đã có mức quyết định HTXS / HTT (giữ chỗ trước)", f"{g.so_htxs_quyet_dinh} / {g.so_htt_quyet_dinh}"),
        ("Số HTXS được giữ", g.so_htxs_giu),
        ("Số HTT sau khi hạ mức", g.so_htt_sau),
        ("Số HTXS tối đa", head_cap if outside else g.toi_da),
        ("Hạ từ HTXS xuống HTT", ", ".join(g.ha_muc) or "không"),
        ("Ngoại lệ được cho phép", g.ngoai_le or "không"),
        ("Cách tính", g.cach_tinh),
        ("Bằng nhau tại ranh giới", ", ".join(g.bang_nhau) or "không"),
        ("Theo mức cuối cùng: HTXS / HTT / tối đa",
         f"{g.so_htxs_cuoi} / {g.so_htt_cuoi} / " + (head_cap if outside else f"{g.toi_da_cuoi}")
         + (" — VƯỢT TỶ LỆ" if g.vuot_cuoi and not outside else "")),
        ("Số người đã có mức quyết định", g.so_quyet_dinh),
    ]
    for r, (label, value) in enumerate(facts, start=3):
        ws.put(r, 1, label, bold=True, wrap=True)  # a long label wraps, not cut by its value
        ws.put(r, 2, value, wrap=True)
    row = 3 + len(facts) + 1
    ws.put(row, 1, "Thứ tự xét giữ HTXS (tỷ lệ phiếu HTXS, rồi điểm, rồi mã số)", bold=True)
    ranks = [[n, c.ma_so, c.ho_ten, round(c.ty_le_phieu_htxs, 4), c.diem if c.diem is not None else "",
              "Giữ HTXS" if c.giu else "Hạ xuống HTT"] for n, c in enumerate(g.xep_hang, start=1)]
    # the share of HTXS ballots a percentage (it showed 0,8889): «88,9%»
    row = table(ws, row + 1, [("Thứ tự", 8), ("Mã số", 10), ("Họ và tên", 24), ("Tỷ lệ phiếu HTXS", 10), ("Điểm", 8),
                              ("Kết quả", 14)], ranks, freeze=False, percent_cols={4})
    ws.put(row, 1, "Thành viên của nhóm", bold=True)
    members = [[pr.ma_so, pr.ho_ten, pr.ma_don_vi, STATUS_WORDS[pr.trang_thai], level(pr.muc_hop), level(pr.muc_de_xuat),
                level(pr.muc_quyet_dinh), level(pr.muc_cuoi)]
               for pr in members_of.get(g.nhom, ())]
    table(ws, row + 1, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Trạng thái", 14), ("Mức biểu quyết", 9),
                        ("Mức đề xuất", 9), ("Mức quyết định", 9), ("Mức cuối cùng", 9)], members, freeze=False)


def _emulation_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("ThiDua")
    s = ratings.thi_dua
    facts = [
        ("Số người được đề nghị", s.so_de_nghi),
        ("Số người đạt tiêu chuẩn Lao động tiên tiến", s.so_dat_ldtt),
        ("Đề nghị Chiến sĩ thi đua cơ sở / đủ điều kiện / tối đa / trong tỷ lệ",
         f"{s.so_de_nghi_cstdcs} / {s.so_cstdcs_du_dieu_kien} / {s.toi_da_cstdcs} / {s.so_cstdcs}"),
        ("Cách tính tỷ lệ Chiến sĩ thi đua cơ sở", s.cach_tinh_cstdcs),
        ("Tỷ lệ trực tiếp lao động, công tác trong số được đề nghị",
         "" if s.ty_le_truc_tiep is None else f"{s.so_truc_tiep}/{s.so_de_nghi} = {pct(s.ty_le_truc_tiep)} "
         f"(ngưỡng {setting_words(round(s.nguong_truc_tiep * 100, 1))}%)"),
    ]
    ws.set_width(1, 40)
    for r, (label, value) in enumerate(facts, start=1):
        ws.put(r, 1, label, bold=True, wrap=True)  # a long label wraps, not cut by its value
        ws.put(r, 2, value, wrap=True)
    rows = []
    for pr in ratings.people:
        t = pr.thi_dua
        if t is None:
            continue
        rows.append([pr.ma_so, pr.ho_ten, pr.ma_don_vi, TITLES.get(t.de_nghi, t.de_nghi), level(pr.muc_cuoi),
                     "Có" if t.dat_ldtt else "Không", "Có" if t.du_dieu_kien else "Không", lines(t.ly_do)])
    table(ws, len(facts) + 2, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Danh hiệu đề nghị", 20),
                               ("Mức xếp loại", 9), ("Đạt LĐTT", 9), ("Đủ điều kiện", 9), ("Lý do", 85)],
          rows, wrap_cols={8}, freeze=False)
    # printed: one page wide (40 + 24 + 13 + 20 + 3 × 13 + 85 = 221 characters; with «Lý do» 90 wide, 226 split it
    # in two, the reasons on a page without the names), the table's header on every page
    ws.title_row = len(facts) + 2


def cut(x: float) -> float:
    """Two decimals, cut, never rounded up (pipeline.rating.periods.cut)."""
    return math.floor(x * 100 + 1e-9) / 100


def _score(pr: PersonRating) -> float | str:
    """The points as printed: a year score from periods with two decimals cut (89.999 -> 89.99); none for someone
    not rated (under 6 months), whose papers print «không tính» for the year score (`context_2026`)."""
    if pr.diem is None or not pr.rated:
        return ""
    return cut(pr.diem) if pr.diem_ky else pr.diem


def _periods_sheet(wb: Book, ratings: Ratings, public_service: bool) -> None:
    """One row per person and period (from 2026): the percentages and the score of each period."""
    rows = []
    for pr in ratings.people:
        for k in pr.diem_ky:
            rows.append([pr.ma_so, pr.ho_ten, pr.ma_don_vi, k.ky, k.diem_tieu_chi_chung,
                         *(pct_round(x) if x is not None else "" for x in (k.a, k.b, k.c, k.d, k.dd, k.e)),
                         cut(k.diem), _score(pr), k.don_vi_danh_gia])
    if not rows:
        return
    ws = wb.create_sheet("DiemKy")
    table(ws, 1, [("Mã số", 10), ("Họ và tên", 24), ("Mã đơn vị", 10), ("Kỳ", 10), ("Điểm tiêu chí chung", 10),
                  ("a) Số lượng (%)", 9), ("b) Chất lượng (%)", 9), ("c) Tiến độ (%)", 9),
                  ("d) Kết quả đơn vị phụ trách (%)", 10), ("đ) Năng lực tổ chức thực hiện (%)", 10),
                  ("e) Năng lực tập hợp, đoàn kết (%)", 10), ("Điểm kỳ", 8), ("Điểm năm", 8),
                  (f"Cơ quan, đơn vị đánh giá kỳ (để trống: {agency_kind.noun(public_service, distinct=True)} này)", 24)],
          rows)


ROUNDING_WORDS = {"floor": "làm tròn xuống", "round": "làm tròn", "ceil": "làm tròn lên"}


def setting_words(value: Any) -> str:
    """A rulebook setting (`Ratings.thiet_lap`) as ThongTin shows it, in a Vietnamese reader's notation: «Có», «Không»,
    «không có» for True, False, None (it showed Python's «True», «None»), decimals with a comma («0,2»), a list «3, 6»,
    a table «khóa: giá trị; …» (nested in parentheses), a rounding in words («làm tròn xuống», it showed «floor»). The
    keys stay the rulebook's identifiers."""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if value is None:
        return "không có"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list | tuple):
        return ", ".join(_nested(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_nested(v)}" for k, v in value.items())
    return ROUNDING_WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


def _nested(value: Any) -> str:
    words = setting_words(value)
    return f"({words})" if isinstance(value, list | tuple | dict) else words


def _info_sheet(wb: Book, ratings: Ratings) -> None:
    ws = wb.create_sheet("ThongTin")
    ws.set_width(1, 34)
    ws.set_width(2, 100)
    facts = [("Năm đánh giá", ratings.nam_danh_gia), ("Bộ quy tắc", ratings.bo_quy_tac),
             ("Tên bộ quy tắc", ratings.ten_bo_quy_tac)]
    facts += [(f"Thiết lập: {k}", setting_words(v)) for k, v in ratings.thiet_lap.items()]
    facts += [("Mức xếp loại", "; ".join(f"{k} = {v}" for k, v in WORDS.items()))]
    # «7,9%» as the console and the papers write it (it said «7.9%»)
    if share := agency_htxs_words(ratings, "để so với tỷ lệ đảng viên được xếp loại HTXS"):
        facts += [("HTXS trên tổng số được xếp loại", share)]
    row = 1
    for label, value in facts:
        ws.put(row, 1, label, bold=True, wrap=True)  # a long label wraps, not cut by its value
        ws.put(row, 2, value, wrap=True)
        row += 1
    row += 1
    ws.put(row, 1, "Cảnh báo chung", bold=True)
    for w in ratings.canh_bao or ("Không có.",):
        row += 1
        ws.put(row, 2, w, wrap=True)


def workbook(ratings: Ratings, *, ngoac_kep: bool = False, public_service: bool | None = None,
             order: Sequence[str] = ()) -> Book:
    """The ratings' sheets; `ngoac_kep`: their «…» written “…”, as on a paper (pipeline/quotes.py); `public_service`:
    the agency is a đơn vị sự nghiệp công lập (`agency_kind.public_service_unit`), named so where the sheets name it
    (None: as the ratings tell, `agency_kind.of_ratings`); `order`: the mã số in the dossiers' order
    (`plan.dossier_order`: units in order, head, deputies, staff, Vietnamese collation), the rows' order (anyone
    not in it after, as rated; empty: as rated, the workbook's order)."""
    if public_service is None:
        public_service = agency_kind.of_ratings(ratings)
    if order:
        place = {ma_so: i for i, ma_so in enumerate(order)}
        ratings = replace(ratings, people=tuple(sorted(ratings.people, key=lambda pr: place.get(pr.ma_so, len(place)))))
    wb = Book(ngoac_kep=ngoac_kep)
    wb.page_title = f"Kết quả xếp loại chất lượng năm {ratings.nam_danh_gia}"  # on every printed page
    _people_sheet(wb, ratings)
    _units_sheet(wb, ratings)
    members_of: dict[str, list[Any]] = {}
    for pr in ratings.people:
        members_of.setdefault(pr.nhom_tuong_dong, []).append(pr)
    for g in ratings.groups:
        _group_sheet(wb, ratings, g, members_of, public_service)
    _emulation_sheet(wb, ratings)
    _periods_sheet(wb, ratings, public_service)
    _info_sheet(wb, ratings)
    return wb


def to_bytes(ratings: Ratings, *, ngoac_kep: bool = False, public_service: bool | None = None,
             order: Sequence[str] = ()) -> bytes:
    """The .xlsx bytes, with fixed timestamps so the same ratings give the same file."""
    return book_bytes(workbook(ratings, ngoac_kep=ngoac_kep, public_service=public_service, order=order),
                      dt.datetime(ratings.nam_danh_gia, 12, 31, 0, 0, 0))


def write(path: Path, ratings: Ratings, *, ngoac_kep: bool = False, public_service: bool | None = None,
          order: Sequence[str] = ()) -> None:
    Path(path).write_bytes(to_bytes(ratings, ngoac_kep=ngoac_kep, public_service=public_service, order=order))


BACKGROUND_MIN_PEOPLE = 2_000  # below this, writing the file takes less than starting a helper


def in_background(ratings: Ratings) -> bool:
    """Whether `writing` writes the file in a forked helper (a big agency, a second CPU free)."""
    from pipeline.ingest import forked

    return len(ratings.people) >= BACKGROUND_MIN_PEOPLE and forked.available()


@contextlib.contextmanager
def writing(path: Path, ratings: Ratings, *, ngoac_kep: bool = False, public_service: bool | None = None,
            order: Sequence[str] = ()) -> Iterator[None]:
    """`with writing(path, ratings): <other work>` writes the file while the other work runs: in a
    forked helper for a big agency when a second CPU is free, else after the other work. When the
    helper fails the file is written here, so that any error is raised here as always; when the
    other work raises, the helper is stopped and nothing more is written."""
    if not in_background(ratings):
        yield
        write(path, ratings, ngoac_kep=ngoac_kep, public_service=public_service, order=order)
        return
    from pipeline.ingest import forked

    with forked.Forked(lambda: write(path, ratings, ngoac_kep=ngoac_kep, public_service=public_service, order=order)) as child:
        yield
        try:
            child.result()
            return
        except forked.Failed:
            pass
    write(path, ratings, ngoac_kep=ngoac_kep, public_service=public_service, order=order)
