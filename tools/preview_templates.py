"""Render every form template with a sample context and convert the results to PDF.

    python tools/preview_templates.py                      # all forms → /tmp/hoso-preview
    python tools/preview_templates.py mau_02 --out DIR     # one form
    python tools/preview_templates.py --no-pdf             # .docx only
    python tools/preview_templates.py --png                # also page PNGs (pdftoppm -r 50)

For each form it renders several cases (leader / non-leader, long texts, empty texts, not rated,
optional parts dropped by a clerk) with docxtpl exactly as the pipeline does (StrictUndefined,
autoescape), converts them with one ``soffice --headless --convert-to pdf`` call, prints the
page count of each PDF and checks its text (pdftotext): headings, values with their
diacritics, and ``A & B <c> {{ 7*7 }}`` printed literally. Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate, Listing

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
DOTS = "\u2026"
# what pipeline/forms/context.py puts in an empty text: two "lines" of 62 "…" (at 14 pt one
# printed line holds 32 of them, so each wraps onto two printed lines)
EMPTY_LISTING = DOTS * 62 + "\n" + DOTS * 62
TRICKY = "A & B <c> {{ 7*7 }}"
ND90_FORMS = ("mau_01", "mau_02", "mau_03")
KIEM_DIEM_FORMS = ("mau_02a", "mau_02b")
LEVEL_CODES = ("HTXS", "HTT", "HT", "KHT")

TD_KEYS = (
    "chinh_tri_tu_tuong",
    "dao_duc_loi_song",
    "tac_phong_le_loi",
    "y_thuc_ky_luat",
    "ket_qua_nhiem_vu",
    "thai_do_phuc_vu",
    "ket_qua_don_vi",
    "nang_luc_lanh_dao",
    "nang_luc_doan_ket",
    "uu_diem",
    "khuyet_diem",
    "nguyen_nhan",
    "khac_phuc",
    "phuong_huong",
)

SHORT_TEXTS = {
    "chinh_tri_tu_tuong": "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp "
    "luật của Nhà nước; lập trường tư tưởng vững vàng.",
    "dao_duc_loi_song": "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh, giản dị; không có biểu "
    "hiện suy thoái.",
    "tac_phong_le_loi": "Tác phong làm việc khoa học, đúng giờ; phối hợp tốt với đồng nghiệp.",
    "y_thuc_ky_luat": "Chấp hành nghiêm nội quy, quy chế của cơ quan.",
    "ket_qua_nhiem_vu": "Tham mưu 45 văn bản, hoàn thành 100% đúng hạn.\n"
    "Phụ trách mảng A & B <c> {{ 7*7 }} của phòng.",
    "thai_do_phuc_vu": "Tận tình, chu đáo, đúng mực.",
    "ket_qua_don_vi": "Phòng hoàn thành 100% chỉ tiêu, trong đó 60% vượt mức.",
    "nang_luc_lanh_dao": "Điều hành phòng hiệu quả, phân công hợp lý.",
    "nang_luc_doan_ket": "Xây dựng tập thể đoàn kết, thống nhất.",
    "uu_diem": "Ưu điểm: chủ động, trách nhiệm, nắm vững chuyên môn.",
    "khuyet_diem": "Khuyết điểm: đôi khi còn chậm trong cập nhật văn bản mới.",
}


def _long(text: str) -> str:
    return "\n".join([text] + [f"Nội dung {i}: " + text for i in range(1, 5)])


def sample_context(
    meta: dict,
    *,
    lanh_dao: bool,
    texts: str = "short",
    khong_xep_loai: bool = False,
    tu: str | None = "HTT",
    kq: str | None = None,
    dated: bool = True,
    labels: dict | None = None,
    co_quan: dict | None = None,
) -> dict:
    """A context shaped like docs/render-context.md. ``texts``: short, long or empty.
    ``labels`` / ``co_quan`` override some entries (to try a clerk's corrections)."""

    def td_value(key: str) -> Listing:
        if texts == "empty" or key not in SHORT_TEXTS:
            return Listing(EMPTY_LISTING)
        t = SHORT_TEXTS[key]
        return Listing(_long(t) if texts == "long" else t)

    def boxes(level: str | None) -> dict:
        return {c: ("\u2612" if c == level else "\u2610") for c in LEVEL_CODES}

    words = dict(
        zip(
            LEVEL_CODES,
            (
                "Hoàn thành xuất sắc nhiệm vụ",
                "Hoàn thành tốt nhiệm vụ",
                "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ",
            ),
            strict=True,
        )
    )
    ctx = {
        "nam": 2024,
        "co_quan": {
            "ten": "Văn phòng UBND tỉnh Quảng Ngãi",
            "ten_hoa": "VĂN PHÒNG UBND TỈNH QUẢNG NGÃI",
            "chu_quan": "UBND tỉnh Quảng Ngãi",
            "chu_quan_hoa": "UBND TỈNH QUẢNG NGÃI",
            "dia_danh": "Quảng Ngãi",
            "nguoi_dung_dau": "Nguyễn Văn Ấn",
            "chuc_vu_nguoi_dung_dau": "Chánh Văn phòng",
            "chuc_vu_nguoi_dung_dau_hoa": "CHÁNH VĂN PHÒNG",
            "dang_bo": "Đảng bộ Văn phòng UBND tỉnh",
            "dang_bo_hoa": "ĐẢNG BỘ VĂN PHÒNG UBND TỈNH",
            "ky_hieu": "VP-HCQT",
        },
        "dong_ngay": (
            "Quảng Ngãi, ngày 05 tháng 11 năm 2024"
            if dated
            else f"Quảng Ngãi, ngày {DOTS * 2} tháng {DOTS * 2} năm 2024"
        ),
        "nhan": meta.get("labels", {}),
        "mau": {"code": meta["code"], "title": meta["title"], "ma_hieu": meta["ma_hieu"]},
        "don_vi": {
            "ma": "HCQT",
            "ten": "Phòng Hành chính - Quản trị",
            "ten_hoa": "PHÒNG HÀNH CHÍNH - QUẢN TRỊ",
            "loai_nhan": "Phòng",
            "chi_bo": "Chi bộ Hành chính - Quản trị",
        },
        "nguoi": {
            "ma_so": "CC001",
            "ho_ten": "Trần Thị Hồng Nhung" if not lanh_dao else "Lê Quốc Việt",
            "ho_ten_hoa": "TRẦN THỊ HỒNG NHUNG" if not lanh_dao else "LÊ QUỐC VIỆT",
            "ngay_sinh": "12/03/1985",
            "gioi_tinh": "Nữ" if not lanh_dao else "Nam",
            "chuc_vu": "Trưởng phòng Hành chính - Quản trị" if lanh_dao else "",
            "ngach_chuc_danh": "Chuyên viên chính" if lanh_dao else "Chuyên viên",
            "loai_nhan": "Công chức",
            "lanh_dao": lanh_dao,
            "dang_vien": True,
            "chuc_vu_dang": "Phó Bí thư chi bộ" if lanh_dao else "Đảng viên",
            "chuc_vu_doan_the": "" if lanh_dao else "Bí thư Chi đoàn",
            "noi_cu_tru": "" if texts == "empty" else "Tổ dân phố 3, phường Trần Phú, thành phố Quảng Ngãi",
            "chi_bo_noi_cu_tru": "" if texts == "empty" else "Chi bộ Tổ dân phố 3",
        },
        "td": {k: td_value(k) for k in TD_KEYS},
        "cham": Listing(EMPTY_LISTING),
        "tu_xep_loai": boxes(tu),
        "ket_qua": boxes(kq),
        "khong_xep_loai": khong_xep_loai,
        "muc_tu_xep_loai_chu": words.get(tu or "", ""),
        "muc_ket_qua_chu": words.get(kq or "", ""),
    }
    # points table (mau_12_hddg): two criteria, the second not scored by the reviewer
    ctx["diem"] = [
        {"stt": 1, "ma": "CHUNG", "noi_dung": "Tiêu chí chung " + TRICKY, "toi_da": "30",
         "tu_cham": "28", "danh_gia": "27,5"},
        {"stt": 2, "ma": "NHIEM_VU", "noi_dung": "Kết quả thực hiện nhiệm vụ", "toi_da": "70",
         "tu_cham": "65", "danh_gia": ""},
    ]
    ctx["diem_tong"] = {"toi_da": "100", "tu_cham": "93", "danh_gia": "27,5", "muc": "KHT",
                        "muc_chu": "Không hoàn thành nhiệm vụ", "theo": "danh_gia"}
    ctx["nhan"] = {**ctx["nhan"], **(labels or {})}
    ctx["co_quan"].update(co_quan or {})
    return ctx


CASES = {
    "nonleader_short": dict(lanh_dao=False, texts="short"),
    "leader_short": dict(lanh_dao=True, texts="short", kq="HTXS", tu="HTXS"),
    "nonleader_empty": dict(lanh_dao=False, texts="empty", tu=None, dated=False),
    "leader_long": dict(lanh_dao=True, texts="long"),
    "not_rated": dict(lanh_dao=False, texts="short", khong_xep_loai=True, tu=None),
    # a clerk dropped the optional parts; the agency has no superior agency line
    "variant": dict(
        lanh_dao=True,
        texts="short",
        tu="HT",
        kq="HT",
        labels={"phan_iii": "", "muc_6": "", "muc_7_chu_thich": ""},
        co_quan={"chu_quan": "", "chu_quan_hoa": ""},
    ),
}


def expected_strings(ctx: dict, case: str) -> list[str]:
    """Strings the PDF text of a case must contain (whitespace-insensitive). The full list is
    for the ND 90 phiếu (mau_01/02/03); other forms get the generic part only."""
    n = ctx["nguoi"]
    code = ctx["mau"]["code"]
    if code in KIEM_DIEM_FORMS:
        out = [
            ctx["mau"]["ma_hieu"],
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            ctx["co_quan"]["dang_bo_hoa"],
            ctx["don_vi"]["chi_bo"].upper(),
            "BẢN KIỂM ĐIỂM CÁ NHÂN",
            f"Năm {ctx['nam']}",
            "(Cá nhân giữ chức vụ lãnh đạo, quản lý)"
            if code == "mau_02b"
            else "(Cá nhân không giữ chức vụ lãnh đạo, quản lý)",
            n["ho_ten"],
            f"Ngày sinh: {n['ngay_sinh']}",
            "I. Ưu điểm, kết quả đạt được",
            "II. " + ctx["nhan"]["phan_ii"],
            "VII. " + ctx["nhan"]["phan_vii"],
            ctx["nhan"]["ky_tu_kiem_diem"],
            "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
            ctx["nhan"]["ky_chi_bo"],
            ctx["nhan"]["ky_dang_uy"],
            "Xuất sắc",
            "Trung bình",
            ctx["dong_ngay"],
        ]
        if code == "mau_02b":
            out += ["6. " + ctx["nhan"]["muc_cam_ket"], "5. " + ctx["nhan"]["muc_i_5"][:30]]
        else:
            out.append("3. " + ctx["nhan"]["muc_cam_ket"])
        if case != "nonleader_empty":
            out += [TRICKY, "Khuyết điểm: đôi khi"]
        if ctx["khong_xep_loai"]:
            out.append(ctx["nhan"]["ghi_chu_khong_xep_loai"])
        if ctx["muc_ket_qua_chu"]:
            out.append(ctx["muc_ket_qua_chu"])
        return out
    if code == "mau_3_213":
        out = [
            ctx["mau"]["ma_hieu"],
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            ctx["nhan"]["tieu_de"],
            ctx["nhan"]["tieu_de_phu"],
            f"(Năm {ctx['nam']})",
            n["ho_ten"],
            ctx["don_vi"]["ten"],
            ctx["don_vi"]["chi_bo"],
            ctx["nhan"]["ky_xac_nhan"],
            ctx["nhan"]["ky_chi_uy"],
        ]
        if n["noi_cu_tru"]:
            out += [n["noi_cu_tru"], n["chi_bo_noi_cu_tru"]]
        return out
    if code == "mau_12_hddg":
        return [ctx["mau"]["ma_hieu"], ctx["nhan"]["tieu_de"], n["ho_ten"], TRICKY,
                ctx["nhan"]["dong_tong"], "27,5", ctx["diem_tong"]["muc_chu"]]
    if code not in ND90_FORMS:
        return [n["ho_ten"]] + ([TRICKY] if case != "nonleader_empty" else [])
    out = [
        ctx["mau"]["ma_hieu"],
        ctx["co_quan"]["ten_hoa"],
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        f"Năm {ctx['nam']}",
        n["ho_ten"],
        "I. KẾT QUẢ TỰ ĐÁNH GIÁ",
        "1. Chính trị tư tưởng:",
        "4. Ý thức tổ chức kỷ luật:",
        "Tự xếp loại chất lượng:",
        "(Phần dành cho cấp có thẩm quyền đánh giá)",
        "Kết quả đánh giá, xếp loại chất lượng:",
        ctx["dong_ngay"],
        ctx["co_quan"]["nguoi_dung_dau"],
        "Hoàn thành xuất sắc nhiệm vụ",
        "Không hoàn thành nhiệm vụ",
        ctx["nhan"]["ky_tu_danh_gia"],
        ctx["nhan"]["ky_tham_quyen"],
    ]
    if ctx["co_quan"]["chu_quan_hoa"]:
        out.append(ctx["co_quan"]["chu_quan_hoa"])
    if case != "nonleader_empty":
        out += [TRICKY, "Ưu điểm: chủ động", "Khuyết điểm: đôi khi"]
    if ctx["khong_xep_loai"]:
        out.append(ctx["nhan"]["ghi_chu_khong_xep_loai"])
    if n["lanh_dao"]:
        out += ["Năng lực lãnh đạo, quản lý", "Năng lực tập hợp, đoàn kết"]
        if "phan_lanh_dao" in ctx["nhan"]:
            out.append(ctx["nhan"]["phan_lanh_dao"])
    if ctx["nhan"].get("phan_iii"):
        out += [
            "III. " + ctx["nhan"]["phan_iii"],
            ctx["nhan"]["ky_nhan_xet"],
            "IV. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        ]
    else:
        out.append("III. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG")
    return out


def unexpected_strings(ctx: dict, case: str) -> list[str]:
    """Strings the PDF text must NOT contain."""
    out = ["{{ nhan", "{%", "49", "&amp;", "&lt;"]
    code = ctx["mau"]["code"]
    if code in KIEM_DIEM_FORMS and not ctx["khong_xep_loai"]:
        out.append(ctx["nhan"]["ghi_chu_khong_xep_loai"][:40])
    if code == "mau_02a":
        out.append("4. ")
    if code not in ND90_FORMS:
        return out
    if not ctx["khong_xep_loai"]:
        out.append(ctx["nhan"]["ghi_chu_khong_xep_loai"][:40])
    if not ctx["nguoi"]["lanh_dao"] and "phan_lanh_dao" in ctx["nhan"]:
        out.append(ctx["nhan"]["phan_lanh_dao"])
    if not ctx["nhan"].get("phan_iii") and "ky_nhan_xet" in ctx["nhan"]:
        out += [ctx["nhan"]["ky_nhan_xet"], "IV."]
    return out


def check_pdf(pdf: Path, ctx: dict, case: str) -> list[str]:
    """Problems found in the PDF's text (empty list when fine)."""

    def text(*crop: str) -> str:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", *crop, str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return " ".join(out.split())

    flat = text()
    # the two header columns interleave in reading order: read the left one on its own
    # (page 1, x < 9 cm = 3 cm margin + 6 cm column, y < 7 cm; units are points)
    left = text("-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "255", "-H", "200")
    header_left = {ctx["co_quan"]["ten_hoa"], ctx["co_quan"]["chu_quan_hoa"]}
    if ctx["mau"]["code"] in KIEM_DIEM_FORMS:  # party header: a 7.6 cm left column
        left = text("-f", "1", "-l", "1", "-x", "0", "-y", "0", "-W", "300", "-H", "200")
        header_left = {ctx["co_quan"]["dang_bo_hoa"], ctx["don_vi"]["chi_bo"].upper()}
    problems = [
        f"missing {s!r}"
        for s in expected_strings(ctx, case)
        if s and " ".join(s.split()) not in (left if s in header_left else flat)
    ]
    problems += [
        f"unexpected {s!r}"
        for s in unexpected_strings(ctx, case)
        if s and " ".join(s.split()) in flat
    ]
    return problems


def render(template: Path, context: dict, out: Path) -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=env, autoescape=True)
    tpl.save(str(out))


def to_pdf(docx_files: list[Path], outdir: Path, *, timeout: int = 300) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice not found: install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="hoso-lo-") as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                *map(str, docx_files),
            ],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("codes", nargs="*", help="forms (default: every templates/*/template.docx)")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "hoso-preview")
    ap.add_argument("--no-pdf", action="store_true")
    ap.add_argument("--png", action="store_true", help="also write page PNGs with pdftoppm")
    args = ap.parse_args(argv)

    codes = args.codes or sorted(p.parent.name for p in TEMPLATES.glob("*/template.docx"))
    args.out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    contexts: dict[Path, tuple[dict, str]] = {}
    for code in codes:
        folder = TEMPLATES / code
        meta = tomllib.loads((folder / "meta.toml").read_text(encoding="utf-8"))
        for case, kw in CASES.items():
            kw = dict(kw)
            known = meta.get("labels", {})
            kw["labels"] = {k: v for k, v in (kw.get("labels") or {}).items() if k in known}
            out = args.out / f"{code}_{case}.docx"
            ctx = sample_context(meta, **kw)
            render(folder / "template.docx", ctx, out)
            made.append(out)
            contexts[out] = (ctx, case)
    if args.no_pdf:
        print("\n".join(map(str, made)))
        return 0
    to_pdf(made, args.out)
    bad = 0
    for docx in made:
        pdf = docx.with_suffix(".pdf")
        if not pdf.exists():
            print(f"{docx.name}: NO PDF", file=sys.stderr)
            bad += 1
            continue
        problems = check_pdf(pdf, *contexts[docx]) if shutil.which("pdftotext") else []
        status = "ok" if not problems else "PROBLEMS: " + "; ".join(problems)
        bad += bool(problems)
        print(f"{pdf}: {page_count(pdf)} page(s), text {status}")
        if args.png and shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-r", "50", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
            )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
