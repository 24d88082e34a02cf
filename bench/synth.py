"""Deterministic synthetic agency: N people, contract-valid .xlsx (shared/spec/workbook.md).

    python -m bench.synth 300 out.xlsx [--seed 2024] [--edit MA_SO]

What it contains, all drawn from one `random.Random(seed)` (same seed and N → same bytes):
- units of 10–25 people (a smaller N is split into a few units), hành chính and sự nghiệp
  (2 units in 5 are sự nghiệp), one head, one or two deputies, the rest staff;
- every staff category: công chức and viên chức, some cán bộ (trade-union officers), hợp đồng
  and người lao động; about 60 % party members (with residence and party-cell data, a few
  excused from the residence review);
- a vote (BieuQuyet) for everyone, mostly a clear majority for the self-rating, a few split
  votes; a few new hires (< 6 months: not rated), maternity and sick leave;
- about 1 % with disciplinary decisions (some party + state for the same act, some already
  counted in an earlier year); emulation proposals (LĐTT, some CSTĐCS with an initiative);
- self-assessment texts (TuDanhGia) for about 97 %: short ones from pools, and for about 10 % a
  long multi-paragraph report of results; contract-employees only fill a few fields;
- points (ChamDiem / TieuChi) for about 5 %.

`edit=MA_SO` changes exactly one text of that person (for the incremental benchmark); everything
else stays identical. Written with openpyxl's write_only mode, then re-zipped with a fixed
timestamp so the file is byte-for-byte reproducible; 10,000 people take a few seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook


def _sample_generator():
    """data/generate_sample.py (a script, not a package): the sheets' columns, the criteria and the
    pool of self-assessment texts are written once, there."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "data" / "generate_sample.py"
    spec = importlib.util.spec_from_file_location("hoso_generate_sample", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_sample = _sample_generator()

YEAR = 2024
FIXED_TIME = _sample.FIXED_TIME
CO, KHONG = _sample.CO, _sample.KHONG
NHANSU_COLS, TDG_COLS, BQ_COLS = _sample.NHANSU_COLS, _sample.TDG_COLS, _sample.BQ_COLS
KL_COLS, TD_COLS, TC_COLS = _sample.KYLUAT_COLS, _sample.THIDUA_COLS, _sample.TIEUCHI_COLS
TIEUCHI = _sample.TIEUCHI
# the sample's texts; the synthetic agency is any agency, not the sample's Văn phòng
POOL = {k: [t.replace("của Văn phòng.", "của cơ quan.") for t in v] for k, v in _sample.POOL.items()}
CITY = "Hà Giang Nam"

HO = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
      ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
      ("Lý", 1), ("Đinh", 1), ("Lâm", 1), ("Mai", 1), ("Trương", 1)]
DEM_NAM = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Hoàng", "Ngọc", "Xuân", "Đình", "Quang"]
DEM_NU = ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Hồng", "Kim", "Phương", "Mai", "Diệu"]
TEN_NAM = ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Khoa", "Long",
           "Minh", "Nam", "Nghĩa", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Thành", "Trung", "Tuấn",
           "Việt", "Vinh", "Ân", "Ưng", "Lộc", "Thịnh", "Đông"]
TEN_NU = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
          "Mai", "My", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Trang",
          "Uyên", "Vân", "Yến", "Ánh", "Diệp", "Huyền", "Tuyết"]

PHONG = ["Hành chính - Tổng hợp", "Tổ chức cán bộ", "Kế hoạch - Tài chính", "Thanh tra", "Pháp chế",
         "Quản lý đô thị", "Tài nguyên - Môi trường", "Kinh tế", "Văn hóa - Thông tin",
         "Lao động - Thương binh và Xã hội", "Tư pháp", "Nội vụ", "Giáo dục và Đào tạo", "Y tế",
         "Nông nghiệp và Phát triển nông thôn", "Công Thương", "Khoa học và Công nghệ",
         "Quản lý xây dựng", "Tiếp công dân", "Kiểm soát thủ tục hành chính"]
SU_NGHIEP = ["Trung tâm Công nghệ thông tin", "Trung tâm Phục vụ hành chính công", "Ban Quản lý dự án",
             "Trung tâm Lưu trữ lịch sử", "Nhà khách", "Trung tâm Y tế", "Trường Trung học phổ thông",
             "Trung tâm Dịch vụ việc làm", "Trung tâm Văn hóa - Thể thao", "Đài Truyền thanh",
             "Trung tâm Kiểm định chất lượng", "Trung tâm Khuyến nông"]
VC_JOBS = [("Kỹ sư", "Kỹ sư"), ("Biên tập viên", "Biên tập viên"), ("Giáo viên", "Giáo viên trung học phổ thông"),
           ("Kế toán", "Kế toán viên"), ("Lưu trữ viên", "Lưu trữ viên"), ("Bác sĩ", "Bác sĩ"),
           ("Điều dưỡng", "Điều dưỡng"), ("Kỹ thuật viên", "Kỹ thuật viên")]
HD_JOBS = [("Lái xe", "Nhân viên lái xe"), ("Bảo vệ", "Nhân viên bảo vệ"), ("Tạp vụ", "Nhân viên phục vụ")]
NLD_JOBS = [("Nhân viên kỹ thuật", ""), ("Nhân viên văn thư", ""), ("Lễ tân", "")]
PHUONG = ["Trần Phú", "Minh Khai", "Nguyễn Trãi", "Quang Trung", "Ngọc Hà", "Lê Lợi", "Hùng Vương"]

CD_COLS = ["ma_so", "ma_tieu_chi", "diem_tu_cham", "diem_danh_gia"]
LEVELS = ["HTXS", "HTT", "HT", "KHT"]

KQ_SHORT = [
    "Hoàn thành {a} nhiệm vụ được giao trong năm, {b}% đúng hạn; không có văn bản, hồ sơ trễ hạn.",
    "Tham mưu xây dựng {a} báo cáo, kế hoạch của đơn vị, bảo đảm chất lượng và đúng tiến độ.",
    "Thẩm định, giải quyết {a} hồ sơ thuộc lĩnh vực phụ trách; tỷ lệ đúng hạn đạt {b}%.",
    "Bảo đảm vận hành ổn định hệ thống được giao quản lý; xử lý {a} yêu cầu hỗ trợ, không để xảy ra sự cố.",
    "Thực hiện tốt công tác chuyên môn; tham gia {a} đoàn kiểm tra, giám sát của đơn vị.",
]
KQ_LONG_PARTS = [
    "{i}. Công tác tham mưu tổng hợp: chủ trì tham mưu xây dựng chương trình công tác năm {y} của đơn vị; dự thảo "
    "{a} báo cáo định kỳ và chuyên đề phục vụ các phiên họp thường kỳ. Các báo cáo đều được trình đúng hạn, nội dung "
    "bảo đảm chất lượng, được lãnh đạo đơn vị đánh giá cao.",
    "{i}. Công tác theo dõi, đôn đốc nhiệm vụ: theo dõi việc thực hiện {a} nhiệm vụ được giao trên hệ thống theo dõi "
    "nhiệm vụ; hằng tháng tổng hợp, báo cáo tình hình thực hiện, kịp thời đề xuất đôn đốc các nhiệm vụ chậm tiến độ. "
    "Đến ngày 31/10/{y}, tỷ lệ nhiệm vụ hoàn thành đúng hạn đạt {b}%.",
    "{i}. Chuyển đổi số: tham gia xây dựng giải pháp số hóa hồ sơ lưu trữ, rút ngắn thời gian tra cứu hồ sơ từ 2 ngày "
    "xuống dưới 30 phút; hướng dẫn đồng nghiệp sử dụng chữ ký số, hồ sơ công việc điện tử, bảo đảm 100% văn bản đi "
    "được ký số.",
    "{i}. Cải cách hành chính: rà soát {a} thủ tục hành chính thuộc lĩnh vực phụ trách, đề xuất đơn giản hóa 7 thủ "
    "tục; tham gia tổ công tác tiếp nhận, giải quyết phản ánh, kiến nghị của người dân và doanh nghiệp.",
    "{i}. Nhiệm vụ khác: tham gia tổ biên tập văn kiện đại hội; tham gia các đoàn kiểm tra liên ngành; hoàn thành các "
    "nhiệm vụ đột xuất do lãnh đạo giao, kể cả ngoài giờ hành chính và ngày nghỉ.",
    "{i}. Học tập, bồi dưỡng: hoàn thành chương trình bồi dưỡng kiến thức quản lý nhà nước; tham gia {a} lớp tập huấn "
    "chuyên môn, nghiệp vụ và áp dụng vào thực tiễn công tác.",
]


@dataclass(frozen=True)
class Stats:
    people: int
    units: int
    party_members: int
    texts: int
    long_texts: int
    disciplines: int
    emulation: int
    seconds: float


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def unit_sizes(n: int, rng: random.Random) -> list[int]:
    """Sizes of 10–25 people summing to n; small n split into a few units of at least 3."""
    if n < 30:
        k = max(1, min(n // 3, -(-n // 12)))
        base, extra = divmod(n, k)
        return [base + (1 if i < extra else 0) for i in range(k)]
    sizes, rem = [], n
    while rem > 0:
        s = rng.randint(10, 25)
        if rem - s < 10:
            s = rem if rem <= 25 else rem - 10
        sizes.append(s)
        rem -= s
    return sizes


def _name(rng: random.Random, female: bool) -> str:
    ho = _weighted(rng, HO)
    dem = rng.choice(DEM_NU if female else DEM_NAM)
    ten = rng.choice(TEN_NU if female else TEN_NAM)
    return f"{ho} {dem} {ten}"


def _votes(rng: random.Random, present: int, level: str, split: bool) -> tuple[int, int, int, int]:
    """A clear majority for `level` (rest to a neighbouring level), or an exactly split vote."""
    i = LEVELS.index(level)
    votes = [0, 0, 0, 0]
    if split and present >= 2 and level in ("HTXS", "HTT"):
        half = present // 2
        votes[i], votes[i + 1] = half, present - half  # half for HTXS/HTT only: not more than half
        return tuple(votes)  # type: ignore[return-value]
    m = rng.randint(present // 2 + 1, present)
    votes[i] = m
    rest = present - m
    if rest and rng.random() < 0.15:
        rest -= 1  # a blank ballot
    other = i + 1 if i < 3 else i - 1
    votes[other] = rest
    return tuple(votes)  # type: ignore[return-value]


def _long_text(rng: random.Random) -> str:
    parts = rng.sample(KQ_LONG_PARTS, rng.randint(4, 6))
    body = [p.format(i=k + 1, y=YEAR, a=rng.randint(12, 400), b=rng.randint(85, 99)) for k, p in enumerate(parts)]
    body.append("Tự đánh giá: hoàn thành 100% nhiệm vụ được giao, trong đó nhiều nhiệm vụ vượt tiến độ, có chất lượng "
                "cao, được lãnh đạo ghi nhận.")
    return "\n".join(body)


def build_tables(n: int, seed: int = 2024, edit: str | None = None) -> dict[str, tuple[list[str], list[list]]]:
    """All sheets as (header keys, rows)."""
    rng = random.Random(seed)
    sizes = unit_sizes(n, rng)
    width = max(3, len(str(len(sizes))))
    units, people = [], []
    used_names: dict[str, int] = {}
    seq = 0
    for ui, size in enumerate(sizes):
        sn = ui % 5 in (1, 3)
        topic = (SU_NGHIEP if sn else PHONG)[(ui // 5 * 2 + ui) % len(SU_NGHIEP if sn else PHONG)]
        base = topic if sn else f"Phòng {topic}"
        used_names[base] = used_names.get(base, 0) + 1
        ten = base if used_names[base] == 1 else f"{base} số {used_names[base]}"
        code = f"{'SN' if sn else 'HC'}{ui + 1:0{width}d}"
        units.append([code, ten, "su_nghiep" if sn else "hanh_chinh", ui + 1, f"Chi bộ {ten}"])
        if topic.startswith("Trường"):
            t_head, t_dep = "Hiệu trưởng", "Phó Hiệu trưởng"
        elif topic.startswith("Ban"):
            t_head, t_dep = "Trưởng ban", "Phó Trưởng ban"
        elif sn:
            t_head, t_dep = "Giám đốc", "Phó Giám đốc"
        else:
            t_head, t_dep = "Trưởng phòng", "Phó Trưởng phòng"
        deputies = 2 if size >= 14 else 1 if size >= 2 else 0
        roles = ["truong"] + ["pho"] * deputies + ["nhan_vien"] * (size - 1 - deputies)
        present = size - (1 if size > 4 and rng.random() < 0.3 else 0)
        for role in roles:
            seq += 1
            female = rng.random() < 0.5
            leader = role != "nhan_vien"
            if leader:
                loai = "vien_chuc" if sn else "cong_chuc"
            elif sn:
                loai = _weighted(rng, [("vien_chuc", 80), ("hop_dong", 10), ("nguoi_lao_dong", 10)])
            else:
                loai = _weighted(rng, [("cong_chuc", 82), ("can_bo", 3), ("hop_dong", 10), ("nguoi_lao_dong", 5)])
            if role == "truong":
                chuc_vu, ngach = t_head, "Chuyên viên chính" if not sn else f"{rng.choice(VC_JOBS)[1]} hạng II"
            elif role == "pho":
                chuc_vu, ngach = t_dep, "Chuyên viên chính" if not sn else f"{rng.choice(VC_JOBS)[1]} hạng II"
            elif loai == "cong_chuc":
                chuc_vu = _weighted(rng, [("Chuyên viên", 70), ("Chuyên viên chính", 22), ("Cán sự", 8)])
                ngach = chuc_vu
            elif loai == "can_bo":
                chuc_vu, ngach = "Chủ tịch Công đoàn cơ sở", "Chuyên viên"
            elif loai == "vien_chuc":
                job, title = rng.choice(VC_JOBS)
                chuc_vu, ngach = job, f"{title} hạng {rng.choice(['II', 'III', 'III', 'IV'])}"
            elif loai == "hop_dong":
                chuc_vu, ngach = rng.choice(HD_JOBS)
            else:
                chuc_vu, ngach = rng.choice(NLD_JOBS)
            p_party = 0.95 if leader else 0.12 if loai in ("hop_dong", "nguoi_lao_dong") else 0.64
            party = rng.random() < p_party
            chuc_vu_dang = ""
            if party:
                chuc_vu_dang = {"truong": "Bí thư chi bộ", "pho": rng.choice(["Phó Bí thư chi bộ", "Chi ủy viên"])}.get(role, "Đảng viên")
            doan_the = ""
            if not leader and rng.random() < 0.08:
                doan_the = rng.choice(["Bí thư Chi đoàn", "Chủ tịch Công đoàn bộ phận", "Ủy viên Ban Chấp hành Công đoàn"])
            age = rng.randint(24, 59) if not leader else rng.randint(35, 59)
            birth = dt.date(YEAR - age, rng.randint(1, 12), rng.randint(1, 28))
            months, absent, maternity, note = 12, 0, False, ""
            r = rng.random()
            tu = _weighted(rng, [("HTXS", 12), ("HTT", 72), ("HT", 14), ("KHT", 2)])
            if leader and tu == "KHT":
                tu = "HT"
            if not leader and r < 0.007:
                months, tu = rng.choice([3, 4, 5]), ""
                note = f"Tuyển dụng từ 01/{13 - months:02d}/{YEAR}: chưa đủ 6 tháng, không xếp loại."
            elif female and not leader and r < 0.03:
                months, maternity = 5, True
                note = f"Nghỉ chế độ thai sản từ 01/06/{YEAR}."
            elif r < 0.04:
                absent = rng.choice([3, 4])
                tu = "HT"
                note = f"Nghỉ ốm dài ngày {absent} tháng theo quy định."
            ma_so = f"NS{seq:05d}"
            residence = residence_cell = ""
            excused = False
            if party:
                k = rng.randint(1, 30)
                residence = f"Tổ dân phố {k}, phường {rng.choice(PHUONG)}, thành phố {CITY}"
                residence_cell = f"Chi bộ Tổ dân phố {k}"
                excused = rng.random() < 0.04
            people.append(dict(
                ma_so=ma_so, ho_ten=_name(rng, female), ngay_sinh=birth, gioi_tinh="Nữ" if female else "Nam",
                ma_don_vi=code, chuc_vu=chuc_vu, vai_tro=role, loai_nhan_su=loai,
                lanh_dao_quan_ly=CO if leader else KHONG, ngach_chuc_danh=ngach, dang_vien=CO if party else KHONG,
                chuc_vu_dang=chuc_vu_dang, chuc_vu_doan_the=doan_the, noi_cu_tru=residence,
                chi_bo_noi_cu_tru="" if excused else residence_cell,
                mien_sinh_hoat_noi_cu_tru=CO if excused else "", nhom_tuong_dong="",
                so_thang_cong_tac=months, so_thang_nghi=absent or "", nghi_thai_san=CO if maternity else "",
                truc_tiep_cong_tac=KHONG if leader else CO, tu_xep_loai=tu, muc_quyet_dinh="", ghi_chu=note,
                _present=present, _leader=leader, _female=female,
            ))
    # disciplines: about 1 % of rated staff
    discipline_rows = []
    for p in people:
        if p["tu_xep_loai"] and not p["_leader"] and rng.random() < 0.01:
            kind = rng.random()
            ms = p["ma_so"]
            if kind < 0.6:
                discipline_rows.append([ms, "hanh_chinh", "Khiển trách", f"{rng.randint(10, 300)}/QĐ-SNV",
                                        dt.date(YEAR, rng.randint(1, 10), rng.randint(1, 28)), "", ""])
                p["tu_xep_loai"] = "HTT"
                p["ghi_chu"] = "Bị kỷ luật Khiển trách trong năm; tự nhận mức HTT."
            elif kind < 0.85:
                act = f"HV-{ms}"
                discipline_rows.append([ms, "dang", "Khiển trách", f"{rng.randint(10, 99)}-QĐ/UBKT",
                                        dt.date(YEAR - 1, 12, rng.randint(1, 28)), act, ""])
                discipline_rows.append([ms, "hanh_chinh", "Khiển trách", f"{rng.randint(10, 300)}/QĐ-SNV",
                                        dt.date(YEAR, 1, rng.randint(5, 28)), act, YEAR - 1])
                p["ghi_chu"] = "Kỷ luật đảng và chính quyền cùng một hành vi; đã tính khi xếp loại năm trước."
            else:
                discipline_rows.append([ms, "dang", "Cảnh cáo", f"{rng.randint(10, 99)}-QĐ/UBKT",
                                        dt.date(YEAR, rng.randint(2, 9), rng.randint(1, 28)), "", ""])
                p["tu_xep_loai"] = "HT"
    # votes for everyone
    vote_rows = []
    for p in people:
        present = p["_present"]
        if not p["tu_xep_loai"]:
            vote_rows.append([p["ma_so"], present, 0, 0, 0, 0])
            continue
        v = _votes(rng, present, p["tu_xep_loai"], split=rng.random() < 0.01)
        vote_rows.append([p["ma_so"], present, *v])
        p["_votes"] = v
    # emulation proposals
    emulation_rows = []
    for p in people:
        if p["tu_xep_loai"] not in ("HTXS", "HTT") or p["so_thang_cong_tac"] < 6:
            continue
        x = rng.random()
        present = p["_present"]
        if p["tu_xep_loai"] == "HTXS" and x < 0.25:
            emulation_rows.append([p["ma_so"], "CSTDCS", rng.choice(["giay_khen", ""]),
                                   f"Sáng kiến \"Cải tiến quy trình xử lý hồ sơ\" (QĐ {rng.randint(10, 99)}/QĐ-SNV ngày 10/10/{YEAR})",
                                   present - rng.randint(0, 1), present])
        elif x < 0.30:
            yes = rng.randint(present // 2 + 1, present) if rng.random() < 0.9 else present // 2
            emulation_rows.append([p["ma_so"], "LDTT", "", "", yes, present])
    # self-assessment texts
    text_rows, long_count = [], 0
    for p in people:
        rng_t = random.Random(f"{seed}/TuDanhGia/{p['ma_so']}")  # per person: an edit changes nothing else
        if rng_t.random() < 0.03 and p["ma_so"] != edit:
            continue  # no row: the form keeps its dotted lines
        hd = p["loai_nhan_su"] in ("hop_dong", "nguoi_lao_dong")
        row = {"ma_so": p["ma_so"]}
        for col, pool in POOL.items():
            if col in ("nang_luc_lanh_dao", "nang_luc_doan_ket") and not p["_leader"]:
                continue
            if hd and col not in ("dao_duc_loi_song", "y_thuc_ky_luat", "uu_diem", "khuyet_diem", "phuong_huong"):
                continue
            if col in ("nguyen_nhan", "khac_phuc") and rng_t.random() < 0.5:
                continue
            row[col] = rng_t.choice(pool)
        if rng_t.random() < 0.10 and not hd:
            row["ket_qua_nhiem_vu"] = _long_text(rng_t)
            long_count += 1
        else:
            row["ket_qua_nhiem_vu"] = rng_t.choice(KQ_SHORT).format(a=rng_t.randint(12, 400), b=rng_t.randint(85, 100))
        if p["_leader"]:
            row["ket_qua_don_vi"] = (f"Đơn vị hoàn thành {rng_t.randint(90, 100)}% nhiệm vụ trong chương trình công tác năm "
                                     f"{YEAR}; tập thể tự đánh giá Hoàn thành tốt nhiệm vụ.")
        if p["ma_so"] == edit:
            row["ket_qua_nhiem_vu"] += "\nBổ sung: hoàn thành thêm nhiệm vụ đột xuất được giao trong tháng 12."
        text_rows.append([row.get(c, "") for c in TDG_COLS])
    # points for about 5 %
    score_rows = []
    for p in people:
        if not p["tu_xep_loai"] or rng.random() >= 0.05:
            continue
        for tc, _text, top, _group in TIEUCHI:
            self_pts = top - rng.randint(0, max(1, top // 8))
            score_rows.append([p["ma_so"], tc, self_pts, max(0, self_pts - rng.randint(0, 1))])
    head = next(p for p in people if p["vai_tro"] == "truong")
    agency = [
        ["truong", "gia_tri"],
        ["ten_co_quan", f"Sở Nội vụ tỉnh {CITY}"],
        ["co_quan_chu_quan", f"UBND TỈNH {CITY.upper()}"],
        ["dia_danh", CITY],
        ["nam_danh_gia", YEAR],
        ["ngay_lap", dt.date(YEAR, 11, 5)],
        ["ky_hieu_van_ban", "SNV"],
        ["nguoi_dung_dau", head["ho_ten"]],
        ["chuc_vu_nguoi_dung_dau", "Giám đốc Sở"],
        ["dang_bo", "Đảng bộ Sở Nội vụ"],
        ["bo_mau", "nd90"],
        ["han_nop_so_noi_vu", dt.date(YEAR, 11, 15)],
    ]
    return {
        "CoQuan": (agency[0], agency[1:]),
        "DonVi": (["ma_don_vi", "ten_don_vi", "loai_don_vi", "thu_tu", "chi_bo"], units),
        "NhanSu": (NHANSU_COLS, [[p[c] for c in NHANSU_COLS] for p in people]),
        "TuDanhGia": (TDG_COLS, text_rows),
        "BieuQuyet": (BQ_COLS, vote_rows),
        "KyLuat": (KL_COLS, discipline_rows),
        "ThiDua": (TD_COLS, emulation_rows),
        "TieuChi": (TC_COLS, [list(t) for t in TIEUCHI]),
        "ChamDiem": (CD_COLS, score_rows),
        "_stats": (["long_texts"], [[long_count]]),
    }


def _clean(v):
    return None if v == "" else v


def generate(n: int, path: Path, *, seed: int = 2024, edit: str | None = None) -> Stats:
    """Write the synthetic workbook of `n` people to `path`."""
    started = time.perf_counter()
    tables = build_tables(n, seed, edit)
    stats_long = tables.pop("_stats")[1][0][0]
    wb = Workbook(write_only=True)
    for name, (cols, rows) in tables.items():
        ws = wb.create_sheet(name)
        ws.append(cols)
        for r in rows:
            ws.append([_clean(v) for v in r])
    wb.properties.creator = "hoso bench/synth.py"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    _save_deterministic(buf.getvalue(), Path(path))
    people = tables["NhanSu"][1]
    return Stats(
        people=len(people), units=len(tables["DonVi"][1]),
        party_members=sum(1 for r in people if r[NHANSU_COLS.index("dang_vien")] == CO),
        texts=len(tables["TuDanhGia"][1]), long_texts=stats_long, disciplines=len(tables["KyLuat"][1]),
        emulation=len(tables["ThiDua"][1]), seconds=time.perf_counter() - started,
    )


def _save_deterministic(data: bytes, out: Path) -> None:
    """Re-zip with a fixed timestamp (openpyxl stamps the current time into the zip and core.xml)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    dst = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type, zi.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            zout.writestr(zi, body, compresslevel=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(dst.getvalue())


def edit_target(n: int, seed: int = 2024) -> str:
    """The person the incremental benchmark edits: a staff member in the middle of the workbook."""
    people = build_tables(n, seed)["NhanSu"][1]
    i_role = NHANSU_COLS.index("vai_tro")
    mid = len(people) // 2
    for r in people[mid:] + people[:mid]:
        if r[i_role] == "nhan_vien":
            return r[0]
    return people[mid][0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.synth", description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--edit", default=None, metavar="MA_SO", help="change one text of this person")
    a = ap.parse_args(argv)
    s = generate(a.n, a.out, seed=a.seed, edit=a.edit)
    print(f"{a.out}: {s.people} people in {s.units} units, {s.party_members} party members, {s.texts} texts "
          f"({s.long_texts} long), {s.disciplines} disciplines, {s.emulation} emulation proposals; {s.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
