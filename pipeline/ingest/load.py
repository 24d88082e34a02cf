"""Workbook -> Campaign: read every sheet, check every rule of the contract, build frozen records.

`check(path)` returns every problem (errors and warnings) and never raises for bad content;
`load(path)` raises ValidationFailed carrying all problems when there is at least one error.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from pathlib import Path
from types import MappingProxyType

from pipeline.errors import ValidationFailed
from pipeline.ingest import schema
from pipeline.ingest.model import (
    Agency, Campaign, CapOverride, Criterion, Discipline, EmulationProposal, Person, Score, Unit, Vote,
)
from pipeline.ingest.problems import ERROR, WARNING, Problem
from pipeline.ingest.reader import Row, SheetData, read_workbook

LEVEL_KEYS = (("HTXS", "phieu_htxs"), ("HTT", "phieu_htt"), ("HT", "phieu_ht"), ("KHT", "phieu_kht"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _p(severity, row: Row, key: str, message: str, *, value=None, expected=None, sheet=None) -> Problem:
    ref = row.refs.get(key)
    return Problem(severity, ref.sheet if ref else (sheet or "?"), message, row=ref.row if ref else row.number,
                   column=ref.column if ref else None, header=ref.header if ref else None,
                   value=None if value is None else str(value), expected=expected)


def _frozen(refs: dict) -> MappingProxyType:
    return MappingProxyType(dict(refs))


def _complete(row: Row, spec: schema.Sheet) -> bool:
    """A row is usable only if every required value parsed."""
    return all(c.key in row.values for c in spec.columns if c.required)


def _duplicates(sheet: SheetData | None, key: str, what: str, problems: list[Problem]) -> None:
    if sheet is None:
        return
    first: dict[object, int] = {}
    for row in sheet.rows:
        v = row.values.get(key)
        if v is None:
            continue
        fk = str(v).casefold()
        if fk in first:
            problems.append(_p(ERROR, row, key, f"Trùng {what}: «{v}» đã có ở dòng {first[fk]}.", value=v,
                               expected=f"mỗi {what} chỉ xuất hiện một lần"))
        else:
            first[fk] = row.number


def _agency(data: dict[str, SheetData], problems: list[Problem]) -> Agency | None:
    sheet = data.get("CoQuan")
    if sheet is None or not sheet.rows:
        return None
    row = sheet.rows[0]
    v = row.values
    if not _complete(row, schema.CO_QUAN):
        return None
    return Agency(
        ten_co_quan=v["ten_co_quan"], dia_danh=v["dia_danh"], nam_danh_gia=v["nam_danh_gia"],
        nguoi_dung_dau=v["nguoi_dung_dau"], chuc_vu_nguoi_dung_dau=v["chuc_vu_nguoi_dung_dau"],
        co_quan_chu_quan=v.get("co_quan_chu_quan", ""), ngay_lap=v.get("ngay_lap"),
        ky_hieu_van_ban=v.get("ky_hieu_van_ban", ""), dang_bo=v.get("dang_bo", ""), bo_mau=v.get("bo_mau", "nd90"),
        han_nop_so_noi_vu=v.get("han_nop_so_noi_vu"), bo_quy_tac=v.get("bo_quy_tac", ""), refs=_frozen(row.refs),
    )


def _units(data, problems) -> list[Unit]:
    sheet = data.get("DonVi")
    if sheet is None:
        return []
    _duplicates(sheet, "ma_don_vi", "mã đơn vị", problems)
    units, seen = [], set()
    for i, row in enumerate(sheet.rows):
        v = row.values
        if not _complete(row, schema.DON_VI) or v["ma_don_vi"].casefold() in seen:
            continue
        seen.add(v["ma_don_vi"].casefold())
        units.append(Unit(v["ma_don_vi"], v["ten_don_vi"], v["loai_don_vi"], v.get("thu_tu", 10_000 + i),
                          v.get("chi_bo", ""), refs=_frozen(row.refs)))
    if sheet is not None and not sheet.rows:
        problems.append(Problem(ERROR, sheet.name, "Chưa có đơn vị nào.", expected="ít nhất một dòng đơn vị"))
    units.sort(key=lambda u: u.thu_tu)
    return units


def _people(data, unit_codes: set[str], year: int | None, problems) -> list[Person]:
    sheet = data.get("NhanSu")
    if sheet is None:
        return []
    if not sheet.rows:
        problems.append(Problem(ERROR, sheet.name, "Chưa có người nào.", expected="mỗi dòng một người được đánh giá"))
    _duplicates(sheet, "ma_so", "mã số", problems)
    people, seen = [], set()
    for row in sheet.rows:
        v = row.values
        if "ma_don_vi" in v and v["ma_don_vi"] not in unit_codes:
            problems.append(_p(ERROR, row, "ma_don_vi", "Mã đơn vị không có trong sheet Đơn vị.", value=v["ma_don_vi"],
                               expected="một mã đơn vị đã khai ở sheet «DonVi»"))
            continue
        if not _complete(row, schema.NHAN_SU) or v["ma_so"].casefold() in seen:
            continue
        seen.add(v["ma_so"].casefold())
        leader_default = v["vai_tro"] in ("truong", "pho")
        months = v.get("so_thang_cong_tac", 12)
        absent = v.get("so_thang_nghi", 0)
        if absent > months:
            problems.append(_p(ERROR, row, "so_thang_nghi", f"Số tháng nghỉ lớn hơn số tháng công tác trong năm ({months:g}).",
                               value=f"{absent:g}", expected=f"từ 0 đến {months:g}"))
        if year and v.get("ngay_sinh"):
            age = year - v["ngay_sinh"].year
            if not 18 <= age <= 70:
                problems.append(_p(ERROR, row, "ngay_sinh", f"Tuổi trong năm {year} là {age}, không hợp lý.",
                                   value=v["ngay_sinh"].strftime("%d/%m/%Y"), expected="tuổi từ 18 đến 70 trong năm đánh giá"))
        rated = months >= 6 or v.get("nghi_thai_san", False)
        if v.get("muc_quyet_dinh") and not rated:
            problems.append(_p(ERROR, row, "muc_quyet_dinh",
                               "Người công tác dưới 06 tháng trong năm không được xếp loại (khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP).",
                               value=v["muc_quyet_dinh"], expected="để trống"))
        if not v.get("dang_vien", False):
            for key in ("chuc_vu_dang", "chi_bo_noi_cu_tru"):
                if v.get(key):
                    problems.append(_p(WARNING, row, key, "Người không phải đảng viên nhưng có ghi thông tin của Đảng; thông tin này không được dùng.",
                                       value=v[key]))
        people.append(Person(
            ma_so=v["ma_so"], ho_ten=v["ho_ten"], ngay_sinh=v["ngay_sinh"], ma_don_vi=v["ma_don_vi"],
            vai_tro=v["vai_tro"], loai_nhan_su=v["loai_nhan_su"],
            lanh_dao_quan_ly=v.get("lanh_dao_quan_ly", leader_default), gioi_tinh=v.get("gioi_tinh", ""),
            chuc_vu=v.get("chuc_vu", ""), ngach_chuc_danh=v.get("ngach_chuc_danh", ""),
            dang_vien=v.get("dang_vien", False), chuc_vu_dang=v.get("chuc_vu_dang", ""),
            chuc_vu_doan_the=v.get("chuc_vu_doan_the", ""), noi_cu_tru=v.get("noi_cu_tru", ""),
            chi_bo_noi_cu_tru=v.get("chi_bo_noi_cu_tru", ""),
            mien_sinh_hoat_noi_cu_tru=v.get("mien_sinh_hoat_noi_cu_tru", False),
            nhom_tuong_dong=v.get("nhom_tuong_dong", ""), so_thang_cong_tac=months, so_thang_nghi=absent,
            nghi_thai_san=v.get("nghi_thai_san", False),
            truc_tiep_cong_tac=v.get("truc_tiep_cong_tac", not leader_default),
            tu_xep_loai=v.get("tu_xep_loai"), muc_quyet_dinh=v.get("muc_quyet_dinh"), ghi_chu=v.get("ghi_chu", ""),
            muc_dang_vien=v.get("muc_dang_vien"),
            row=row.number, refs=_frozen(row.refs),
        ))
    _check_heads(sheet, people, unit_codes, problems)
    return people


def _check_heads(sheet: SheetData, people: list[Person], unit_codes: set[str], problems) -> None:
    heads = defaultdict(list)
    for p in people:
        if p.vai_tro == "truong":
            heads[p.ma_don_vi].append(p)
    for code, hs in heads.items():
        for extra in hs[1:]:
            ref = extra.refs.get("vai_tro")
            problems.append(Problem(ERROR, sheet.name, f"Đơn vị «{code}» có hơn một người đứng đầu (đã có {hs[0].ho_ten}, dòng {hs[0].row}).",
                                    row=extra.row, column=ref.column if ref else None, header=ref.header if ref else None,
                                    value="truong", expected="mỗi đơn vị một người đứng đầu; người khác ghi «pho» hoặc «nhan_vien»"))
    staffed = {p.ma_don_vi for p in people}
    for code in sorted(staffed - set(heads)):
        problems.append(Problem(WARNING, sheet.name, f"Đơn vị «{code}» không có người đứng đầu (vai trò «truong»); cuộc họp sẽ do cấp phó chủ trì."))


def _person_rows(data, key: str, people_codes: set[str], problems) -> list[Row]:
    """Rows of a per-person sheet whose ma_so exists; unknown ones reported."""
    sheet = data.get(key)
    if sheet is None:
        return []
    ok = []
    for row in sheet.rows:
        code = row.values.get("ma_so")
        if code is None:
            continue
        if code not in people_codes:
            problems.append(_p(ERROR, row, "ma_so", "Mã số không có trong sheet Nhân sự.", value=code,
                               expected="một mã số đã khai ở sheet «NhanSu»"))
            continue
        if _complete(row, sheet.spec):
            ok.append(row)
    return ok


def _votes(data, codes, problems) -> dict[str, Vote]:
    _duplicates(data.get("BieuQuyet"), "ma_so", "mã số (mỗi người một dòng biểu quyết)", problems)
    votes = {}
    for row in _person_rows(data, "BieuQuyet", codes, problems):
        v = row.values
        bad = False
        phieu = {}
        for level, key in LEVEL_KEYS:
            n = v.get(key, 0)
            if n < 0:
                problems.append(_p(ERROR, row, key, "Số phiếu âm.", value=n, expected="số phiếu từ 0 trở lên"))
                bad = True
            phieu[level] = n
        present = v["so_nguoi_du_hop"]
        if present <= 0:
            problems.append(_p(ERROR, row, "so_nguoi_du_hop", "Số người dự họp phải lớn hơn 0.", value=present, expected="số nguyên dương"))
            bad = True
        elif sum(phieu.values()) > present:
            problems.append(_p(ERROR, row, "so_nguoi_du_hop",
                               f"Tổng số phiếu ({sum(phieu.values())}) lớn hơn số người dự họp ({present}).",
                               value=present, expected="tổng phiếu HTXS + HTT + HT + KHT không vượt quá số người dự họp"))
            bad = True
        if not bad and v["ma_so"] not in votes:
            votes[v["ma_so"]] = Vote(v["ma_so"], present, MappingProxyType(phieu), refs=_frozen(row.refs))
    return votes


def _disciplines(data, codes, year, problems) -> list[Discipline]:
    out = []
    for row in _person_rows(data, "KyLuat", codes, problems):
        v = row.values
        eff = v["ngay_hieu_luc"]
        if year and not year - 10 <= eff.year <= year + 1:
            problems.append(_p(WARNING, row, "ngay_hieu_luc", f"Ngày hiệu lực cách xa năm đánh giá {year}; kiểm tra lại.",
                               value=eff.strftime("%d/%m/%Y")))
        if v.get("da_tinh_nam") and year and v["da_tinh_nam"] > year:
            problems.append(_p(ERROR, row, "da_tinh_nam", f"Năm đã tính lớn hơn năm đánh giá {year}.", value=v["da_tinh_nam"],
                               expected=f"một năm trước {year}"))
            continue
        out.append(Discipline(v["ma_so"], v["loai_ky_luat"], eff, v.get("hinh_thuc", ""), v.get("so_quyet_dinh", ""),
                              v.get("ma_hanh_vi", ""), v.get("da_tinh_nam"), v.get("lien_quan_cong_vu", True),
                              refs=_frozen(row.refs)))
    return out


def _emulation(data, codes, problems) -> list[EmulationProposal]:
    out = []
    for row in _person_rows(data, "ThiDua", codes, problems):
        v = row.values
        yes, total = v.get("phieu_dong_y"), v.get("tong_so_phieu")
        if yes is not None and yes < 0:
            problems.append(_p(ERROR, row, "phieu_dong_y", "Số phiếu âm.", value=yes, expected="từ 0 trở lên"))
            continue
        if yes is not None and total is not None and yes > total:
            problems.append(_p(ERROR, row, "phieu_dong_y", f"Số phiếu đồng ý lớn hơn tổng số phiếu ({total}).", value=yes,
                               expected=f"từ 0 đến {total}"))
            continue
        out.append(EmulationProposal(v["ma_so"], v["danh_hieu"], v.get("hinh_thuc_khen_thuong", ""), v.get("sang_kien", ""),
                                     yes, total, refs=_frozen(row.refs)))
    return out


def _criteria(data, problems) -> list[Criterion]:
    sheet = data.get("TieuChi")
    if sheet is None:
        return []
    _duplicates(sheet, "ma_tieu_chi", "mã tiêu chí", problems)
    out, seen = [], set()
    for row in sheet.rows:
        v = row.values
        if not _complete(row, schema.TIEU_CHI) or v["ma_tieu_chi"] in seen:
            continue
        if v["diem_toi_da"] <= 0:
            problems.append(_p(ERROR, row, "diem_toi_da", "Điểm tối đa phải lớn hơn 0.", value=v["diem_toi_da"], expected="số dương"))
            continue
        seen.add(v["ma_tieu_chi"])
        out.append(Criterion(v["ma_tieu_chi"], v["noi_dung"], v["diem_toi_da"], v.get("nhom", "")))
    return out


def _scores(data, codes, criteria: list[Criterion], problems) -> list[Score]:
    maxima = {c.ma_tieu_chi: c.diem_toi_da for c in criteria}
    out = []
    sheet = data.get("ChamDiem")
    seen: dict[tuple, int] = {}
    for row in _person_rows(data, "ChamDiem", codes, problems):
        v = row.values
        crit = v["ma_tieu_chi"]
        if maxima and crit not in maxima:
            problems.append(_p(ERROR, row, "ma_tieu_chi", "Mã tiêu chí không có trong sheet Tiêu chí.", value=crit,
                               expected="một mã đã khai ở sheet «TieuChi»"))
            continue
        key = (v["ma_so"], crit)
        if key in seen:
            problems.append(_p(ERROR, row, "ma_tieu_chi", f"Trùng điểm cho cùng người và tiêu chí (đã có ở dòng {seen[key]}).",
                               value=crit, expected="mỗi người một dòng cho mỗi tiêu chí"))
            continue
        seen[key] = row.number
        bad = False
        for k in ("diem_tu_cham", "diem_danh_gia"):
            pts = v.get(k)
            if pts is None:
                continue
            top = maxima.get(crit)
            if pts < 0 or (top is not None and pts > top):
                problems.append(_p(ERROR, row, k, f"Điểm vượt khung của tiêu chí {crit}.", value=f"{pts:g}",
                                   expected=f"từ 0 đến {top:g}" if top is not None else "từ 0 trở lên"))
                bad = True
        if not bad:
            out.append(Score(v["ma_so"], crit, v.get("diem_tu_cham"), v.get("diem_danh_gia"), refs=_frozen(row.refs)))
    del sheet
    return out


def _cap_overrides(data, problems) -> list[CapOverride]:
    """Sheet NgoaiLeTyLe: approved exceptions to the HTXS cap, one row per comparable group."""
    sheet = data.get("NgoaiLeTyLe")
    if sheet is None:
        return []
    _duplicates(sheet, "nhom_tuong_dong", "nhóm tương đồng", problems)
    out, seen = [], set()
    for row in sheet.rows:
        v = row.values
        if not _complete(row, schema.NGOAI_LE_TY_LE) or v["nhom_tuong_dong"].casefold() in seen:
            continue
        if v["so_htxs_toi_da"] < 0:
            problems.append(_p(ERROR, row, "so_htxs_toi_da", "Số HTXS tối đa không được âm.", value=v["so_htxs_toi_da"],
                               expected="số nguyên từ 0 trở lên"))
            continue
        seen.add(v["nhom_tuong_dong"].casefold())
        out.append(CapOverride(v["nhom_tuong_dong"], v["so_htxs_toi_da"], v["so_van_ban"], v["ngay_van_ban"],
                               v.get("co_quan_ban_hanh", ""), v.get("ghi_chu", ""), refs=_frozen(row.refs)))
    return out


def _texts(data, codes, problems) -> dict[str, MappingProxyType]:
    _duplicates(data.get("TuDanhGia"), "ma_so", "mã số (mỗi người một dòng tự đánh giá)", problems)
    out = {}
    for row in _person_rows(data, "TuDanhGia", codes, problems):
        code = row.values["ma_so"]
        if code not in out:
            out[code] = MappingProxyType({k: v for k, v in row.values.items() if k != "ma_so" and v})
    return out


def read(path: Path) -> tuple[Campaign | None, list[Problem]]:
    """Read and check; returns the campaign (None when errors prevent building it) and all problems."""
    data, problems = read_workbook(path)
    agency = _agency(data, problems)
    year = agency.nam_danh_gia if agency else None
    units = _units(data, problems)
    people = _people(data, {u.ma_don_vi for u in units}, year, problems)
    codes = {p.ma_so for p in people}
    # rows of people that failed to parse must not also be reported as "unknown person"
    sheet = data.get("NhanSu")
    if sheet is not None:
        codes |= {r.values["ma_so"] for r in sheet.rows if "ma_so" in r.values}
    texts = _texts(data, codes, problems)
    votes = _votes(data, codes, problems)
    disciplines = _disciplines(data, codes, year, problems)
    emulation = _emulation(data, codes, problems)
    criteria = _criteria(data, problems)
    scores = _scores(data, codes, criteria, problems)
    cap_overrides = _cap_overrides(data, problems)
    if any(p.is_error for p in problems) or agency is None:
        return None, problems
    campaign = Campaign(
        agency=agency, units=tuple(units), people=tuple(people), texts=MappingProxyType(texts),
        votes=MappingProxyType(votes), disciplines=tuple(disciplines), emulation=tuple(emulation),
        criteria=tuple(criteria), scores=tuple(scores), source_sha256=sha256_file(path),
        warnings=tuple(p for p in problems if not p.is_error), cap_overrides=tuple(cap_overrides),
    )
    return campaign, problems


def check(path: Path) -> list[Problem]:
    return read(path)[1]


def load(path: Path) -> Campaign:
    campaign, problems = read(path)
    if campaign is None:
        if not any(p.is_error for p in problems):  # defensive: never return None silently
            problems.append(Problem(ERROR, "CoQuan", "Thiếu thông tin cơ quan."))
        raise ValidationFailed(problems)
    return campaign


def counts_by(items, key) -> Counter:
    return Counter(key(i) for i in items)
