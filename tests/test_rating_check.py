"""`hoso check` on a workbook full of the contradictions of issue 16: each one is reported, naming
its cell; a decided level above the legal ceiling is an error; `rate` and `build` print the rating
warnings."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import workbook_factory as wf

from pipeline import ingest

Y = wf.YEAR


def person(code, name, **kw):
    base = dict(ma_so=code, ho_ten=name, ngay_sinh=dt.date(1985, 1, 1), gioi_tinh="Nam", ma_don_vi="HC",
                vai_tro="nhan_vien", loai_nhan_su="cong_chuc")
    base.update(kw)
    return base


def adversarial(errors: bool = True) -> dict:
    data = wf.tables()
    people = data["NhanSu"]
    people += [
        # self-rating HTXS and a discipline in the year
        person("C-01", "Đỗ Văn Một", tu_xep_loai="HTXS"),
        # party level above the decided state level
        person("C-05", "Đỗ Văn Năm", dang_vien="Có", muc_quyet_dinh="HT", muc_dang_vien="HTT", tu_xep_loai="HT"),
        # LĐTT proposed for a self-rated HT
        person("C-06", "Đỗ Văn Sáu", tu_xep_loai="HT"),
        # two spellings of one group; a near-duplicate without diacritics
        person("C-07", "Đỗ Văn Bảy", nhom_tuong_dong="Tổ A", tu_xep_loai="HTT"),
        person("C-08", "Đỗ Văn Tám", nhom_tuong_dong="TỔ A", tu_xep_loai="HTT"),
        person("C-09", "Đỗ Văn Chín", nhom_tuong_dong="To A", tu_xep_loai="HTT"),
        # a "discipline" that is not one
        person("C-10", "Đỗ Văn Mười", tu_xep_loai="HTT"),
    ]
    data["KyLuat"] += [
        dict(ma_so="C-01", loai_ky_luat="hanh_chinh", hinh_thuc="Cảnh cáo", ngay_hieu_luc=dt.date(Y, 3, 3)),
        dict(ma_so="C-10", loai_ky_luat="hanh_chinh", hinh_thuc="Phê bình", ngay_hieu_luc=dt.date(Y, 4, 4)),
    ]
    data["ThiDua"] += [dict(ma_so="C-06", danh_hieu="LDTT", phieu_dong_y=3, tong_so_phieu=3)]
    if errors:
        people += [
            # decided HTXS with a discipline
            person("C-02", "Đỗ Văn Hai", muc_quyet_dinh="HTXS", tu_xep_loai="KHT"),
            # decided HTT with 4 months' absence
            person("C-03", "Đỗ Văn Ba", muc_quyet_dinh="HTT", so_thang_nghi=4, tu_xep_loai="HT"),
            # decided HTXS with 8 months' absence (4 months actually worked)
            person("C-04", "Đỗ Văn Bốn", muc_quyet_dinh="HTXS", so_thang_nghi=8),
        ]
        data["KyLuat"].append(dict(ma_so="C-02", loai_ky_luat="hanh_chinh", hinh_thuc="Khiển trách",
                                   ngay_hieu_luc=dt.date(Y, 5, 5)))
    return data


def found(problems, sheet, column_key, row_code_index, *, error: bool, words: str):
    col = wf.letter(sheet, column_key)
    hits = [p for p in problems if p.sheet == sheet and p.column == col and p.row == row_code_index
            and p.is_error == error and words in p.message]
    assert hits, (sheet, column_key, row_code_index, [p.text() for p in problems])
    return hits[0]


def row_of(data, sheet, code, key="ma_so"):
    return next(i for i, r in enumerate(data[sheet], start=2) if r.get(key) == code)


def test_check_reports_every_contradiction_with_its_cell(tmp_path):
    data = adversarial()
    path = wf.write(tmp_path / "so.xlsx", data)
    problems = ingest.check(path)
    r = lambda code: row_of(data, "NhanSu", code)  # noqa: E731
    found(problems, "NhanSu", "tu_xep_loai", r("C-01"), error=False, words="bị kỷ luật trong năm đánh giá")
    # ND 48 cl. 5a: discipline in the year ⇒ KHT; a decided HTXS is above the legal ceiling: error
    found(problems, "NhanSu", "muc_quyet_dinh", r("C-02"), error=True, words="bị kỷ luật trong năm đánh giá")
    # ND 90 Art. 2 cl. 3: 4 months' absence ⇒ not above HT: error
    found(problems, "NhanSu", "muc_quyet_dinh", r("C-03"), error=True, words="cao hơn mức tối đa Hoàn thành nhiệm vụ")
    # 12 − 8 = 4 months actually worked < 6 ⇒ not rated: error
    found(problems, "NhanSu", "muc_quyet_dinh", r("C-04"), error=True, words="thời gian công tác thực tế 4 tháng")
    found(problems, "NhanSu", "muc_dang_vien", r("C-05"), error=False, words="cao hơn mức quyết định")
    found(problems, "ThiDua", "danh_hieu", row_of(data, "ThiDua", "C-06"), error=False, words="Lao động tiên tiến")
    found(problems, "NhanSu", "nhom_tuong_dong", r("C-07"), error=False, words="nhiều cách")
    found(problems, "NhanSu", "nhom_tuong_dong", r("C-08"), error=False, words="nhiều cách")
    found(problems, "NhanSu", "nhom_tuong_dong", r("C-09"), error=False, words="chỉ khác nhau dấu")
    found(problems, "KyLuat", "hinh_thuc", row_of(data, "KyLuat", "C-10"), error=False,
          words="không phải là hình thức kỷ luật")
    for p in problems:
        assert "HTXS" not in p.message and "cong_chuc/" not in p.message, p.message


def test_cli_check_and_rate_print_the_contradictions_and_rating_warnings(tmp_path):
    data = adversarial()
    path = wf.write(tmp_path / "so.xlsx", data)
    check = subprocess.run([sys.executable, "-m", "pipeline", "check", str(path)], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 3
    assert "0 cảnh báo" not in check.stderr
    assert "LỖI     Sheet «NhanSu», dòng" in check.stderr and "(ô " in check.stderr
    # without the three errors the workbook is rated; `rate` prints the rating warnings
    ok = wf.write(tmp_path / "ok.xlsx", adversarial(errors=False))
    rate = subprocess.run([sys.executable, "-m", "pipeline", "rate", str(ok), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120)
    assert rate.returncode == 0, rate.stderr
    assert "Cảnh báo — Đỗ Văn Năm (C-05)" in rate.stderr
    assert "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ theo nhóm tương đồng:" in rate.stderr


def test_build_logs_the_rating_warnings(tmp_path):
    """A clerk who only runs `build` sees the warnings `rate` prints (text converter: no LibreOffice)."""
    from fakes import TextConverter

    from pipeline import api

    ok = wf.write(tmp_path / "ok.xlsx", adversarial(errors=False))
    lines: list[str] = []
    options = api.BuildOptions(units=frozenset({"HC"}), cache_dir=tmp_path / "cache", show_progress=False)
    api.build(ok, tmp_path / "out", options, converter=TextConverter(), log=lines.append)
    assert any(line.startswith("Cảnh báo — Đỗ Văn Năm (C-05)") for line in lines), lines


def test_a_written_group_mixing_cong_chuc_and_contract_staff_is_warned(tmp_path):
    # ND 48 cl. 6 compares CBCCVC "có nhiệm vụ tương đồng"; contract staff are outside ND 90 (Art. 1)
    data = wf.tables()
    data["NhanSu"] += [person("M-01", "Lý Văn Một", nhom_tuong_dong="Tổ B", tu_xep_loai="HTT"),
                       person("M-02", "Lý Văn Hai", nhom_tuong_dong="Tổ B", loai_nhan_su="hop_dong", tu_xep_loai="HTT")]
    path = wf.write(tmp_path / "so.xlsx", data)
    problems = ingest.check(path)
    found(problems, "NhanSu", "nhom_tuong_dong", row_of(data, "NhanSu", "M-02"), error=False,
          words="người làm việc theo hợp đồng")
