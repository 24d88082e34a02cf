"""Small, valid input workbooks for the ingest tests, built from plain tables.

`tables()` is a valid campaign (2 units, 6 people, every optional sheet) as
{sheet key: rows}; rows are dicts {column key: value} except CoQuan, a list of (field, value).
`write(path, tables, ...)` writes it in schema column order (so column letters are predictable:
`letter("NhanSu", "ngay_sinh") == "C"`), with options for the unusual-but-valid layouts.
`write_fast(path, n)` writes an n-person workbook straight as XML (seconds for 10,000 people).
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from pipeline.ingest import schema

YEAR = 2024


def letter(sheet: str, key: str, order: list[str] | None = None) -> str:
    keys = order or [c.key for c in schema.SHEETS_BY_KEY[sheet].columns]
    return get_column_letter(keys.index(key) + 1)


def tables() -> dict[str, list]:
    people = [
        dict(ma_so="NS-01", ho_ten="Nguyễn Văn An", ngay_sinh=dt.date(1970, 3, 12), gioi_tinh="Nam", ma_don_vi="HC",
             chuc_vu="Trưởng phòng", vai_tro="truong", loai_nhan_su="cong_chuc", dang_vien="Có",
             chuc_vu_dang="Bí thư chi bộ", noi_cu_tru="Tổ 3, phường Trần Phú", chi_bo_noi_cu_tru="Chi bộ tổ 3",
             tu_xep_loai="HTT"),
        dict(ma_so="NS-02", ho_ten="Trần Thị Bình", ngay_sinh=dt.date(1980, 8, 25), gioi_tinh="Nữ", ma_don_vi="HC",
             chuc_vu="Phó Trưởng phòng", vai_tro="pho", loai_nhan_su="cong_chuc", dang_vien="Không", tu_xep_loai="HTT"),
        dict(ma_so="NS-03", ho_ten="Lê Quang Cường", ngay_sinh=dt.date(1990, 1, 5), gioi_tinh="Nam", ma_don_vi="HC",
             chuc_vu="Chuyên viên", vai_tro="nhan_vien", loai_nhan_su="cong_chuc", tu_xep_loai="KHT",
             so_thang_cong_tac=12, so_thang_nghi=1),
        dict(ma_so="NS-04", ho_ten="Phạm Thị Dung", ngay_sinh=dt.date(1985, 6, 30), gioi_tinh="Nữ", ma_don_vi="SN",
             chuc_vu="Giám đốc", vai_tro="truong", loai_nhan_su="vien_chuc", dang_vien="Có", tu_xep_loai="HTXS"),
        dict(ma_so="NS-05", ho_ten="Hoàng Văn Em", ngay_sinh=dt.date(1995, 2, 14), gioi_tinh="Nam", ma_don_vi="SN",
             chuc_vu="Kỹ sư", vai_tro="nhan_vien", loai_nhan_su="vien_chuc", tu_xep_loai="HTT"),
        dict(ma_so="NS-06", ho_ten="Vũ Thị Giang", ngay_sinh=dt.date(1998, 9, 9), gioi_tinh="Nữ", ma_don_vi="SN",
             chuc_vu="Nhân viên", vai_tro="nhan_vien", loai_nhan_su="hop_dong", so_thang_cong_tac=4),
    ]
    return {
        "CoQuan": [("ten_co_quan", "Văn phòng UBND tỉnh Thử Nghiệm"), ("co_quan_chu_quan", "UBND TỈNH THỬ NGHIỆM"),
                   ("dia_danh", "Thử Nghiệm"), ("nam_danh_gia", YEAR), ("ngay_lap", dt.date(YEAR, 11, 5)),
                   ("nguoi_dung_dau", "Nguyễn Văn An"), ("chuc_vu_nguoi_dung_dau", "Chánh Văn phòng"),
                   ("dang_bo", "Đảng bộ Văn phòng"), ("han_nop_so_noi_vu", dt.date(YEAR, 11, 30)),
                   ("ten_co_quan_cap_tren", "UBND tỉnh Thử Nghiệm"), ("nguoi_dung_dau_cap_tren", "Trần Văn Tỉnh"),
                   ("chuc_vu_nguoi_dung_dau_cap_tren", "Chủ tịch UBND tỉnh")],
        "DonVi": [dict(ma_don_vi="HC", ten_don_vi="Phòng Hành chính", loai_don_vi="hanh_chinh", thu_tu=1, chi_bo="Chi bộ 1"),
                  dict(ma_don_vi="SN", ten_don_vi="Trung tâm Tin học", loai_don_vi="su_nghiep", thu_tu=2)],
        "NhanSu": people,
        "TuDanhGia": [dict(ma_so="NS-01", uu_diem="Nhiệt tình, trách nhiệm.", khuyet_diem="Đôi lúc còn chậm."),
                      dict(ma_so="NS-03", ket_qua_nhiem_vu="Hoàn thành 100% nhiệm vụ.")],
        "BieuQuyet": [dict(ma_so="NS-01", so_nguoi_du_hop=3, phieu_htxs=0, phieu_htt=3, phieu_ht=0, phieu_kht=0),
                      dict(ma_so="NS-02", so_nguoi_du_hop=3, phieu_htxs=0, phieu_htt=2, phieu_ht=1, phieu_kht=0),
                      dict(ma_so="NS-04", so_nguoi_du_hop=3, phieu_htxs=2, phieu_htt=1, phieu_ht=0, phieu_kht=0)],
        "KyLuat": [dict(ma_so="NS-03", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách", so_quyet_dinh="12/QĐ-VP",
                        ngay_hieu_luc=dt.date(YEAR, 6, 20))],
        "ThiDua": [dict(ma_so="NS-01", danh_hieu="LDTT", phieu_dong_y=3, tong_so_phieu=3),
                   dict(ma_so="NS-04", danh_hieu="CSTDCS", hinh_thuc_khen_thuong="giay_khen", phieu_dong_y=3,
                        tong_so_phieu=3)],
        "TieuChi": [dict(ma_tieu_chi="TC1", noi_dung="Chính trị tư tưởng", diem_toi_da=10, nhom="chung"),
                    dict(ma_tieu_chi="TC2", noi_dung="Kết quả nhiệm vụ", diem_toi_da=90, nhom="nhiem_vu")],
        "ChamDiem": [dict(ma_so="NS-01", ma_tieu_chi="TC1", diem_tu_cham=9, diem_danh_gia=9),
                     dict(ma_so="NS-01", ma_tieu_chi="TC2", diem_tu_cham=80, diem_danh_gia=78)],
    }


def write(path: Path, data: dict[str, list], *, headers: str = "key", sheet_names: str = "key",
          order: dict[str, list[str]] | None = None, dates_as_text: bool = False, numbers_as_text: bool = False,
          write_only: bool = False, header_row: int = 1) -> Path:
    """Write `data`; `headers`/`sheet_names` are "key" or "label"; `order` gives a sheet's column keys."""
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    for key, rows in data.items():
        spec = schema.SHEETS_BY_KEY[key]
        ws = wb.create_sheet(spec.key if sheet_names == "key" else spec.label)
        for _ in range(header_row - 1):
            ws.append([])
        if spec.key_value:
            ws.append(["truong", "gia_tri"])
            for field, value in rows:
                name = field if headers == "key" else spec.column(field).label
                ws.append([name, _cell(value, dates_as_text, numbers_as_text)])
            continue
        keys = (order or {}).get(key) or [c.key for c in spec.columns]
        ws.append([k if headers == "key" else spec.column(k).label for k in keys])
        for row in rows:
            ws.append([_cell(row.get(k), dates_as_text, numbers_as_text) for k in keys])
    wb.save(path)
    return Path(path)


def _cell(value, dates_as_text: bool, numbers_as_text: bool):
    if dates_as_text and isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if numbers_as_text and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# -- a large workbook, written directly as SpreadsheetML --------------------------------------------
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '{sheets}<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" '
           'formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
           '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2">'
           '<xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')


def big_tables(n: int, *, seed: int = 3) -> dict[str, list]:
    """n people in units of 20, every sheet filled as a real agency would (texts for everyone)."""
    rng = random.Random(seed)
    base = tables()
    units = [dict(ma_don_vi=f"DV{u:04d}", ten_don_vi=f"Phòng số {u}", loai_don_vi=rng.choice(["hanh_chinh", "su_nghiep"]),
                  thu_tu=u, chi_bo=f"Chi bộ {u}") for u in range(max(1, n // 20))]
    people, texts, votes, emulation = [], [], [], []
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    for i in range(n):
        unit = units[min(i // 20, len(units) - 1)]["ma_don_vi"]
        role = "truong" if i % 20 == 0 else ("pho" if i % 20 == 1 else "nhan_vien")
        party = rng.random() < 0.6
        code = f"NS{i:05d}"
        people.append(dict(ma_so=code, ho_ten=f"{rng.choice(surnames)} Văn Thường {i}", ngay_sinh=dt.date(1965 + i % 35, 1 + i % 12, 1 + i % 28),
                           gioi_tinh=rng.choice(["Nam", "Nữ"]), ma_don_vi=unit, chuc_vu="Chuyên viên", vai_tro=role,
                           loai_nhan_su=rng.choice(["cong_chuc", "vien_chuc", "hop_dong"]), ngach_chuc_danh="Chuyên viên",
                           dang_vien="Có" if party else "Không", chuc_vu_dang="Đảng viên" if party else None,
                           noi_cu_tru="Tổ dân phố 3, phường Trần Phú", chi_bo_noi_cu_tru="Chi bộ Tổ dân phố 3" if party else None,
                           so_thang_cong_tac=12, so_thang_nghi=0, tu_xep_loai=rng.choice(["HTT", "HT", "HTXS"]),
                           ghi_chu="Hoàn thành tốt nhiệm vụ được giao trong năm"))
        texts.append({"ma_so": code, **{k: f"Nội dung {label.lower()} của người thứ {i}: luôn chấp hành nghiêm chủ trương "
                                            "của Đảng, chính sách, pháp luật của Nhà nước; hoàn thành nhiệm vụ."
                                         for k, label in schema.TEXT_KEYS}})
        votes.append(dict(ma_so=code, so_nguoi_du_hop=20, phieu_htxs=2, phieu_htt=15, phieu_ht=3, phieu_kht=0))
        if i % 4 == 0 and people[-1]["tu_xep_loai"] != "HT":  # LĐTT needs HTT or better (hoso check warns)
            emulation.append(dict(ma_so=code, danh_hieu="LDTT", phieu_dong_y=15, tong_so_phieu=20))
    scores = [dict(ma_so=p["ma_so"], ma_tieu_chi=c, diem_tu_cham=8, diem_danh_gia=7)
              for p in people[: n // 10] for c in ("TC1", "TC2")]
    return {"CoQuan": base["CoQuan"], "DonVi": units, "NhanSu": people, "TuDanhGia": texts, "BieuQuyet": votes,
            "ThiDua": emulation, "TieuChi": base["TieuChi"], "ChamDiem": scores}


def write_fast(path: Path, data: dict[str, list]) -> Path:
    """`write` for big tables: shared strings, dates as date-formatted numbers, as Excel saves them."""
    strings: dict[str, int] = {}

    def cell(ref: str, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, dt.date):
            return f'<c r="{ref}" s="1"><v>{(value - dt.date(1899, 12, 30)).days}</v></c>'
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<c r="{ref}"><v>{value}</v></c>'
        index = strings.setdefault(str(value), len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    sheets = []
    for key, rows in data.items():
        spec = schema.SHEETS_BY_KEY[key]
        keys = ["truong", "gia_tri"] if spec.key_value else [c.key for c in spec.columns]
        letters = [get_column_letter(i + 1) for i in range(len(keys))]
        table = [keys] + ([list(r) for r in rows] if spec.key_value else [[r.get(k) for k in keys] for r in rows])
        body = "".join(f'<row r="{n}">' + "".join(cell(f"{col}{n}", v) for col, v in zip(letters, values, strict=True))
                       + "</row>" for n, values in enumerate(table, start=1))
        sheets.append((spec.key, f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><sheetData>{body}</sheetData></worksheet>'))
    sst = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships"><Relationship Id="rId1" Type="{_R}/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_R}"><sheets>' + "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, start=1))
            + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships">' + "".join(
                       f'<Relationship Id="rId{i}" Type="{_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
                   + f'<Relationship Id="rId900" Type="{_R}/sharedStrings" Target="sharedStrings.xml"/>'
                   f'<Relationship Id="rId901" Type="{_R}/styles" Target="styles.xml"/></Relationships>')
        for i, (_, xml) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {_NS} count="{len(strings)}" '
                   f'uniqueCount="{len(strings)}">{sst}</sst>')
        z.writestr("xl/styles.xml", _STYLES)
    return Path(path)


def with_strengths(workbook: Path, dest: Path, ma_so: str, text: str) -> Path:
    """A copy of `workbook` where person `ma_so`'s strengths (TuDanhGia.uu_diem) read `text`."""
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb["TuDanhGia"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[headers.index("ma_so")].value == ma_so)
    row[headers.index("uu_diem")].value = text
    wb.save(dest)
    return dest


def signed_scans(out: Path) -> dict[str, bytes]:
    """A da_ky/ folder as `hoso nhan-ban-ky` leaves it in output folder `out`: one filed scan and its list."""
    import hashlib
    import json

    scan = b"%PDF-1.4 signed scan of NS-01\n%%EOF\n"
    (out / "da_ky" / "HC").mkdir(parents=True)
    (out / "da_ky" / "HC" / "NS-01.pdf").write_bytes(scan)
    listing = json.dumps({"tao_boi": "hoso", "tep": [{"path": "HC/NS-01.pdf", "sha256": hashlib.sha256(scan).hexdigest()}]})
    (out / "da_ky" / "nhan_ban_ky.json").write_text(listing, encoding="utf-8")
    return {"HC/NS-01.pdf": scan, "nhan_ban_ky.json": listing.encode()}


def of_year(path: Path, year: int) -> Path:
    """The factory workbook moved to evaluation year `year` (its dates with it), written to `path`."""
    data = tables()
    moved = {"nam_danh_gia": year, "ngay_lap": dt.date(year, 11, 5), "han_nop_so_noi_vu": dt.date(year, 11, 30)}
    data["CoQuan"] = [(k, moved.get(k, v)) for k, v in data["CoQuan"]]
    for row in data["KyLuat"]:
        row["ngay_hieu_luc"] = dt.date(year, 6, 20)
    return write(path, data)


def sheets_named_by_label(src: Path, dest: Path) -> Path:
    """`src` as a clerk's own copy may be: every sheet named by its Vietnamese label («Nhân sự», …), saved as `dest`."""
    import openpyxl

    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        if ws.title in schema.SHEETS_BY_KEY:
            ws.title = schema.SHEETS_BY_KEY[ws.title].label
    wb.save(dest)
    return dest


def staff_rows(people, *, noi_cu_tru: str, chi_bo_noi_cu_tru: str) -> list[dict]:
    """NhanSu rows from tuples (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party post,
    self level, extra columns): a whole year worked, leaders not direct workers, party members living at
    `noi_cu_tru` in `chi_bo_noi_cu_tru` (tests/su_nghiep_2026.py, tests/xa_2026.py)."""
    rows = []
    for (ma_so, name, birth, sex, unit, title, role, kind, leader, grade, party, self_level, extra) in people:
        row = dict(ma_so=ma_so, ho_ten=name, ngay_sinh=birth, gioi_tinh=sex, ma_don_vi=unit, chuc_vu=title,
                   vai_tro=role, loai_nhan_su=kind, lanh_dao_quan_ly="Có" if leader else "Không",
                   ngach_chuc_danh=grade, dang_vien="Có" if party else "Không", chuc_vu_dang=party,
                   so_thang_cong_tac=12, truc_tiep_cong_tac="Không" if leader else "Có", tu_xep_loai=self_level)
        if party:
            row.update(noi_cu_tru=noi_cu_tru, chi_bo_noi_cu_tru=chi_bo_noi_cu_tru)
        row.update(extra)
        rows.append(row)
    return rows


def period_rows(scores, periods_of, extra=lambda ma_so, ky: {}) -> list[dict]:
    """KetQuaKy rows from {ma_so: (kind, general points, the six ratios)}, one per period of `periods_of(kind)`,
    plus `extra(ma_so, ky)`'s columns."""
    rows = []
    for ma_so, (kind, general, a, b, c, d, dd, e) in scores.items():
        for ky in periods_of(kind):
            rows.append(dict(ma_so=ma_so, ky=ky, diem_tieu_chi_chung=general, ty_le_so_luong=a, ty_le_chat_luong=b,
                             ty_le_tien_do=c, ty_le_ket_qua_don_vi=d, ty_le_to_chuc_thuc_hien=dd, ty_le_doan_ket=e,
                             **extra(ma_so, ky)))
    return rows


def vote_row(ma_so: str, present: int, htxs: int, htt: int, ht: int = 0, kht: int = 0) -> dict:
    """A BieuQuyet row: the people present at the unit's meeting and the votes for each level."""
    return dict(ma_so=ma_so, so_nguoi_du_hop=present, phieu_htxs=htxs, phieu_htt=htt, phieu_ht=ht, phieu_kht=kht)


def text_rows(people, texts: dict, tasks: dict) -> list[dict]:
    """TuDanhGia rows: everyone's common self-assessment `texts`, and their task results (`tasks` by ma_so,
    else «Hoàn thành các nhiệm vụ được giao.»)."""
    return [dict(ma_so=p["ma_so"], **texts, ket_qua_nhiem_vu=tasks.get(p["ma_so"], "Hoàn thành các nhiệm vụ được giao."))
            for p in people]


def sample_with_agency_rows(year: int, rows, dest: Path) -> Path:
    """A copy of the shipped sample of `year` with CoQuan rows (key, value) added at the end, as a clerk types them."""
    import shutil

    import openpyxl

    from pipeline.resources import sample_workbook

    shutil.copy(sample_workbook(year), dest)
    wb = openpyxl.load_workbook(dest)
    for key, value in rows:
        wb["CoQuan"].append([key, value])
    wb.save(dest)
    return dest
