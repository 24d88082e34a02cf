"""`hoso nhan-ban-ky` on what office scanners and phones really give back (issue: signed pages back
from real scans). Pages of a real build of the sample, rasterised with pdftoppm, degraded with
Pillow the way they come back (seeded): sheets fed sideways, landscape pages on portrait paper,
skew, JPEG, blank backs with the front showing through or the scanner's dark lid around them,
two sheets in one image, a colour scan with a red stamp and a blue pen over the code, pages of
another year's or agency's build, a QR code that is not hoso's, a page with no code. Each test names
the pages and what the report must say about them."""

from __future__ import annotations

import cmath
import io
import json
import math
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps, ImageStat

from bench.scans import Sheet, form_pages, recoded, write_pdf
from pipeline.bundle.pagecode import SIZE_CM, X_CM, Y_CM, parse
from pipeline.scan.read import WHY_DAMAGED, WHY_NONE, WHY_OTHER
from pipeline.scan.sort import console_lines, receive

DPI = 150  # form_pages renders at this resolution


@pytest.fixture
def out(built, tmp_path) -> Path:
    """A copy of the shared build: the scans are filed into it."""
    dest = tmp_path / "ket_qua"
    shutil.copytree(built[0], dest, symlinks=True)
    return dest


@pytest.fixture(scope="module")
def vp001(built) -> list[Sheet]:
    return form_pages(built[0], persons={"VP-001"})


@pytest.fixture(scope="module")
def unit_ld(built) -> list[Sheet]:
    return form_pages(built[0], units={"LD"}, persons=set())


def _scanner(image: Image.Image, rng: random.Random, *, turn: float | None = None, quality: int = 40,
             fill: int = 255) -> Image.Image:
    """An office scanner: the sheet a few degrees askew (the scan holds all of it), softened, a
    little noise, JPEG."""
    turn = rng.uniform(1.5, 4) * rng.choice((-1, 1)) if turn is None else turn
    im = image.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    im = im.filter(ImageFilter.GaussianBlur(0.5))
    im = Image.blend(im, _noise(im.size, rng), 0.06)
    return _jpeg(im, quality)


def _noise(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """Uniform noise from the test's own seed (Image.effect_noise draws from C's rand())."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def _filed(pdf: Path) -> list[tuple[str, int, int, bool, float]]:
    """Each page of a filed PDF: its code (form, copy, page), whether the page stands upright (the
    code at its bottom left, read upright) and the code's tilt in degrees."""
    n = int(next(line.split()[1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                            check=True).stdout.splitlines() if line.startswith("Pages:")))
    out = []
    for page in range(1, n + 1):
        png = subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(page), "-l", str(page), str(pdf)],
                             capture_output=True, check=True).stdout
        im = Image.open(io.BytesIO(png)).convert("L")
        # the page's own code (a code showing through from the other side is mirrored: at the right);
        # a dithered page's code is read softened
        [r] = [r for r in zxingcpp.read_barcodes(im) if parse(r.text) and r.position.top_left.x < im.width / 2] or \
            [r for r in zxingcpp.read_barcodes(im.filter(ImageFilter.GaussianBlur(1)))
             if parse(r.text) and r.position.top_left.x < im.width / 2]
        c, p = parse(r.text), r.position
        tilt = math.degrees(cmath.phase(complex(p.top_right.x - p.top_left.x, p.top_right.y - p.top_left.y)))
        upright = p.top_left.x < im.width / 2 < im.width and p.bottom_left.y > im.height / 2 and abs(tilt) < 45
        out.append((c.form, c.copy, c.page, upright, tilt))
    return out


def test_sideways_and_landscape_pages_are_filed_upright_and_straight(out, vp001, unit_ld, tmp_path):
    """Sheets fed sideways (turned 90° and 270°), upside down, or askew by up to 4°, and a
    landscape page scanned on portrait paper, are filed upright and straight, in dossier order."""
    rng = random.Random(90)
    turns = [Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270, Image.Transpose.ROTATE_180, None]
    images = [_scanner(s.image.transpose(turns[k % 4]) if turns[k % 4] else s.image, rng)
              for k, s in enumerate(vp001)]
    landscape = [s for s in unit_ld if s.image.width > s.image.height]
    assert landscape, "the sample's unit has no landscape page"
    images += [_scanner(s.image.transpose(Image.Transpose.ROTATE_90), rng) for s in landscape]  # portrait paper
    result = receive(out, [write_pdf(images, tmp_path / "quet.pdf")])
    assert result.unreadable == [] and result.blank == 0
    filed = _filed(out / "da_ky" / "LD" / "VP-001.pdf")
    assert [f[:3] for f in filed] == [(s.form, s.copy, s.page) for s in vp001]
    assert all(f[3] for f in filed), filed
    assert all(abs(f[4]) < 1 for f in filed), [f[4] for f in filed]  # the skew taken out
    unit = [f for f in _filed(out / "da_ky" / "LD" / "don_vi.pdf")]
    assert [f[:3] for f in unit] == [(s.form, s.copy, s.page) for s in landscape]
    assert all(f[3] for f in unit), unit


def _show_through(front: Image.Image) -> Image.Image:
    """The back of a printed sheet: blank, with the front showing through faintly (mirrored)."""
    ghost = ImageOps.mirror(front).filter(ImageFilter.GaussianBlur(0.8))
    return ghost.point(lambda v: 255 - (255 - v) * 15 // 100)


def test_blank_backs_are_blank_even_with_the_front_showing_through_or_a_dark_border(out, vp001, tmp_path):
    """Duplex scans: each front followed by its back. A back where the front's code shows through
    (read mirrored) is not that page again (no duplicate), and a blank back framed by the scanner's
    dark lid (askew, fit to page 97 %) is blank, not an unreadable page. A sheet printed on both
    sides: its back is filed as its own page, the front's code showing through it is ignored."""
    rng = random.Random(91)
    fronts = vp001[:3]
    images = []
    for k, s in enumerate(fronts):
        images.append(_scanner(s.image, rng, turn=1.0))
        if k == 1:  # the dark lid around a smaller, askew blank sheet
            small = Image.new("L", (round(s.image.width * 0.97), round(s.image.height * 0.97)), 250)
            framed = Image.new("L", s.image.size, 35)
            framed.paste(small.rotate(2.5, expand=False, fillcolor=35), ((s.image.width - small.width) // 2,
                                                                          (s.image.height - small.height) // 2))
            images.append(_scanner(framed, rng, turn=0, fill=35))
        else:
            images.append(_scanner(_show_through(s.image), rng, turn=-1.0))
    # a sheet printed on both sides: the back's own code at its bottom left, the front's showing through
    front, back = vp001[3], vp001[4]
    images += [_scanner(front.image, rng, turn=1.0),
               _scanner(ImageChops.multiply(back.image, _show_through(front.image)), rng, turn=-1.0)]
    # the scanner's ghost is what it is: the mirrored code must be readable for this test to mean anything
    assert any(parse(r.text) for r in zxingcpp.read_barcodes(images[1])), "the show-through code is not readable"
    result = receive(out, [write_pdf(images, tmp_path / "hai_mat.pdf")])
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert me.received == 5 and me.duplicates == []
    assert result.blank == 3 and result.unreadable == []
    assert [f[:4] for f in _filed(out / "da_ky" / "LD" / "VP-001.pdf")] == \
        [(s.form, s.copy, s.page, True) for s in vp001[:5]]


def test_two_sheets_in_one_image_are_set_aside_and_said_so(out, vp001, tmp_path):
    """Two sheets side by side in one image (A3 bed, or a phone photo of two sheets): neither is
    filed (the image is not one page), the report says the file holds two sheets."""
    rng = random.Random(92)
    a, b = vp001[0].image, vp001[1].image
    bed = Image.new("L", (a.width + b.width + 60, max(a.height, b.height) + 40), 245)
    bed.paste(a, (20, 20))
    bed.paste(b, (a.width + 40, 20))
    path = tmp_path / "hai_to.jpg"
    _scanner(bed, rng, turn=0.5).save(path, quality=80)
    result = receive(out, [path])
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert me.received == 0
    assert result.unreadable == [(str(path), 1)]
    assert result.why == ["2 tờ trong một ảnh quét: quét lại từng tờ riêng"]
    assert f"    1. {path}, trang 1: 2 tờ trong một ảnh quét: quét lại từng tờ riêng" in console_lines(result)


def _code_box(image: Image.Image) -> tuple[float, float, float, float]:
    px = DPI / 2.54
    x0, y1 = X_CM * px, image.height - Y_CM * px
    return x0, y1 - SIZE_CM * px, x0 + SIZE_CM * px, y1


def _inked(image: Image.Image, draw) -> Image.Image:  # noqa: ANN001 - a function of an ImageDraw
    """Colour ink laid over the printed page (ink over ink stays dark)."""
    layer = Image.new("RGB", image.size, (255, 255, 255))
    draw(ImageDraw.Draw(layer), *_code_box(image))
    return ImageChops.multiply(image.convert("RGB"), layer)


def test_a_red_stamp_or_blue_pen_over_the_code_is_read_from_a_colour_scan(out, vp001, tmp_path):
    """A colour scan: the unit's red stamp over part of the code, a blue signature across it. The
    gray page cannot be read (the stamp is as dark as the code there); the brightest colour channel
    can. The same sheets scanned in grayscale are set aside, each with the reason."""
    red, blue = (170, 20, 30), (30, 40, 150)  # in gray ~66 and ~50: as dark as the code after any threshold

    def stamp(d, x0, y0, x1, y1, frac=0.25):  # noqa: ANN001, ANN202
        r = 0.95 * (x1 - x0)
        cx, cy = x1 + r * (1 - 2 * frac), y0 + (y1 - y0) * 0.4
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=red, width=7)
        d.ellipse([cx - r * .72, cy - r * .72, cx + r * .72, cy + r * .72], outline=red, width=3)
        d.regular_polygon((cx, cy, r * .3), 5, fill=red)

    def pen(d, x0, y0, x1, y1):  # noqa: ANN001, ANN202
        d.line([(x0 - 15 + (x1 - x0 + 30) * i / 14, y0 + (y1 - y0) * (0.1 + 0.35 * (1 + math.sin(i * 2.1))))
                for i in range(15)], fill=blue, width=4)

    rng = random.Random(93)
    sheets = vp001[:2]
    colour = []
    for s, ink in zip(sheets, (stamp, pen), strict=True):
        im = _inked(s.image, ink).rotate(1.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255))
        colour.append(_jpeg(im.filter(ImageFilter.GaussianBlur(0.4)), 60))
    gray = [im.convert("L") for im in colour]
    assert not any(parse(r.text) for im in gray for r in zxingcpp.read_barcodes(im)), "the marks hide nothing"
    scans = [write_pdf(colour, tmp_path / "mau.pdf")]
    for k, im in enumerate(gray):
        scans.append(tmp_path / f"xam_{k}.jpg")
        im.save(scans[-1], quality=90)
    result = receive(out, scans)
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert me.received == 2 and me.duplicates == []
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert {(e["tep"], e["trang"]) for e in state["trang"].values()} == {(str(scans[0]), 1), (str(scans[0]), 2)}
    assert result.unreadable == [(str(scans[1]), 1), (str(scans[2]), 1)]
    assert result.why == [WHY_DAMAGED, WHY_DAMAGED], rng


def _recoded(image: Image.Image, text: str) -> Image.Image:
    """The page with its code replaced by one saying `text` (a page of another build)."""
    return recoded(image, text, DPI)


def test_pages_set_aside_say_why(out, vp001, built, tmp_path):
    """Each page set aside says why, in the console and the report's sheet «Không đọc được mã»:
    a page of another year's build, of another agency's, a QR code that is not hoso's (a link),
    a page with no code at all (the reading guide); the clerk knows which to re-scan and which to
    put away."""
    rng = random.Random(94)
    s = vp001[0]
    [r] = [r for r in zxingcpp.read_barcodes(s.image) if parse(r.text)]
    fields = r.text.split("|")
    year, agency, nobody, beyond = list(fields), list(fields), list(fields), list(fields)
    year[2] = str(int(fields[2]) - 1)
    agency[1] = "abc123"
    nobody[4] = "VP-999"  # this agency's and year's code, of a staff code the workbook does not have
    nobody[5] = "mau_12_hddg"  # (of a form the sample's output titles one way only)
    beyond[7] = "7/9"  # VP-001's, of a page their document does not have
    guide = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", "2", "-l", "2", str(built[0] / "HUONG_DAN_IN.pdf")],
                           capture_output=True, check=True).stdout
    images = [_scanner(_recoded(s.image, "|".join(year)), rng), _scanner(_recoded(s.image, "|".join(agency)), rng),
              _scanner(_recoded(s.image, "https://dichvucong.gov.vn/"), rng),
              _scanner(Image.open(io.BytesIO(guide)).convert("L"), rng), _scanner(_recoded(s.image, "|".join(nobody)), rng),
              _scanner(_recoded(s.image, "|".join(beyond)), rng), _scanner(s.image, rng)]
    scan = write_pdf(images, tmp_path / "lan.pdf")
    result = receive(out, [scan])
    why = [f"mã của bản in năm {year[2]} (kết quả này: năm {fields[2]})",
           "mã của bản in của cơ quan khác (không phải kết quả này)", WHY_OTHER, WHY_NONE,
           "mã của hồ sơ không có trong kết quả này (đơn vị LD, mã số VP-999)",
           f"mã của trang không có trong kết quả này ({s.form}, bản 1, trang 7/9)"]
    assert result.unreadable == [(str(scan), k) for k in (1, 2, 3, 4, 5, 6)]
    assert result.why == why
    assert [p.received for p in result.people if p.person == "VP-001"] == [1]
    lines = console_lines(result)
    assert "6 trang không xếp được vào hồ sơ (xếp tay hoặc quét lại; gom trong da_ky/khong_doc_duoc.pdf):" in lines
    for k, w in enumerate(why, 1):
        assert f"    {k}. {scan}, trang {k}: {w}" in lines
    ws = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")["Không đọc được mã"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Trang trong khong_doc_duoc.pdf", "Tệp quét", "Trang trong tệp quét", "Lý do", "Mã đọc được",
                       "Hồ sơ theo mã (người, đơn vị)", "Văn bản, trang theo mã")
    assert [row[3] for row in rows[1:]] == why
    # the code read, and whose dossier and which page it names, as a clerk reads them: VP-001 (Nguyễn Đình Khải,
    # unit LD «Lãnh đạo Văn phòng» in the sample workbook) for last year's code — as this output's holder of the
    # code, not as that page's owner; another agency's codes name nobody of this one; a staff code the output
    # does not have is said so
    # the document: VP-001's page is of form mau_02, which the sample's output titles two ways (công chức, người lao
    # động): a page of another year or agency is named by its form's code, not by a title that may not be its own;
    # mau_12_hddg has one title
    assert s.form == "mau_02"
    doc = f"văn bản (mã mẫu mau_02) — trang {fields[7]}"
    # (this year's VP-001 page: their own document's title)
    own = next(d["tieu_de"] for p in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["ca_nhan"]
               if p["ma_so"] == "VP-001" for d in p["tai_lieu"] if d["mau"] == "mau_02")
    scale = f"Bảng tham chiếu chấm điểm theo các tiêu chí đánh giá, xếp loại — trang {fields[7]}"
    assert [row[4:] for row in rows[1:]] == [
        ("|".join(year), f"bản in năm {year[2]}: mã số VP-001 (trong kết quả này là Nguyễn Đình Khải), mã đơn vị LD "
                         "(trong kết quả này là Lãnh đạo Văn phòng)", doc),
        ("|".join(agency), "hồ sơ của cơ quan khác (mã đơn vị LD, mã số VP-001): không có trong kết quả này", doc),
        ("https://dichvucong.gov.vn/", None, None),
        (None, None, None),
        ("|".join(nobody), "mã số VP-999 (không có trong kết quả này), Lãnh đạo Văn phòng (LD)", scale),
        ("|".join(beyond), "Nguyễn Đình Khải (VP-001, Lãnh đạo Văn phòng (LD))", f"{own} — trang 7/9")]
    # nothing moved to a new unit code, no dossier gone: those sheets say so
    book = openpyxl.load_workbook(out / "da_ky" / "bao_cao_nhan_ban_ky.xlsx")
    for name in ("Chuyển theo mã đơn vị mới", "Hồ sơ không còn trong kết quả"):
        assert [row[0] for row in book[name].iter_rows(min_row=2, values_only=True)] == ["Không có"], name
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert [e["ly_do"] for e in state["khong_doc_duoc"]] == why


def _photo(page: Image.Image, rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A phone photo of the sheet on a desk: seen at a slant (a trapezoid, the far edge narrower),
    the desk around it, light falling off to one side, the phone's shadow over part of it, soft."""
    w, h = size
    pw, ph = page.width, page.height
    # the output rectangle is drawn from this quad of the page (beyond the page: the desk)
    k = ph / (0.8 * h)
    top, bottom = 0.62 * w * k, 0.5 * w * k
    quad = (pw / 2 - top, -0.12 * ph, pw / 2 - bottom, ph * 1.12, pw / 2 + bottom, ph * 1.12, pw / 2 + top, -0.1 * ph)
    photo = page.convert("RGB").transform(size, Image.Transform.QUAD, quad, Image.Resampling.BICUBIC,
                                          fillcolor=(120, 95, 70))
    light = Image.linear_gradient("L").resize(size).rotate(rng.uniform(60, 120), expand=False, fillcolor=128)
    light = light.point(lambda v: 150 + v * 105 // 255)
    shade = Image.new("L", size, 255)
    ImageDraw.Draw(shade).rectangle([0, 0, int(w * rng.uniform(0.25, 0.45)), h], fill=185)
    photo = ImageChops.multiply(photo, Image.merge("RGB", [ImageChops.multiply(light, shade)] * 3))
    return photo.filter(ImageFilter.GaussianBlur(1.2))


def test_phone_photos_big_and_turned_by_exif_are_filed_upright(out, vp001, tmp_path):
    """Phone photos on a desk (slant, shadow): a 22-megapixel JPEG whose pixels are stored sideways
    with the EXIF orientation tag saying how to show them, a landscape-framed one, a PNG screenshot
    of the page on a screen. Each is filed upright; the big JPEG is decoded reduced (its draft),
    not whole."""
    from pipeline.scan.read import READ_SIDE, _page

    rng = random.Random(95)
    big = _photo(vp001[0].image.resize((2480, 3508)), rng, (4000, 5600))
    exif = Image.Exif()
    exif[0x0112] = 6  # show turned 90° clockwise: the pixels are stored turned the other way
    turned = tmp_path / "IMG_0001.jpg"
    big.transpose(Image.Transpose.ROTATE_90).save(turned, quality=85, exif=exif)
    landscape = tmp_path / "IMG_0002.jpg"
    _photo(vp001[1].image.resize((2480, 3508)), rng, (4000, 3000)).save(landscape, quality=85)
    screen = Image.new("RGB", (1920, 1080), (60, 60, 60))
    screen.paste(vp001[2].image.resize((round(1040 * vp001[2].image.width / vp001[2].image.height), 1040)).convert("RGB"),
                 (500, 20))
    shot = tmp_path / "man_hinh.png"
    screen.save(shot)
    assert READ_SIDE <= max(_page(turned, 1).size) <= 2 * READ_SIDE and _page(turned, 1).height > _page(turned, 1).width
    result = receive(out, [turned, landscape, shot])
    assert result.unreadable == []
    assert [f[:4] for f in _filed(out / "da_ky" / "LD" / "VP-001.pdf")] == \
        [(s.form, s.copy, s.page, True) for s in vp001[:3]]


def test_huge_scans_are_read_quietly_or_refused_with_a_reason(out, vp001, tmp_path):
    """A 1200 dpi black-and-white TIFF (139 megapixels) is read without Pillow's English warning
    reaching the clerk; an image over Pillow's hard limit (a 1200 dpi A3 scan) is refused naming
    the file, its size and what to do, not called damaged."""
    import struct
    import warnings
    import zlib

    from pipeline.scan.read import _page
    from pipeline.scan.sort import ScanError

    page = vp001[0].image.resize((9921, 14031), Image.Resampling.NEAREST).point(lambda v: 255 if v > 128 else 0)
    tif = tmp_path / "quet_1200dpi.tif"
    page.convert("1").save(tif, compression="group4")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        _page(tif, 1)
    result = receive(out, [tif])
    assert result.unreadable == [] and [p.received for p in result.people if p.person == "VP-001"] == [1]
    # a PNG whose header says 14031 × 19843 (A3 at 1200 dpi): refused before anything is decoded
    buf = io.BytesIO()
    Image.new("1", (1, 1)).save(buf, "PNG")
    png = bytearray(buf.getvalue())
    png[16:24] = struct.pack(">II", 14031, 19843)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    a3 = tmp_path / "a3.png"
    a3.write_bytes(bytes(png))
    with pytest.raises(ScanError) as err:
        receive(out, [a3])
    assert str(err.value).startswith(f"Tệp quét «{a3}» là ảnh quá lớn (278 triệu điểm ảnh, quá 179 triệu): "
                                     "quét lại ở 200–300 dpi.")


def test_an_iphone_heic_photo_is_refused_with_what_to_do(out, tmp_path):
    """iPhones save photos as HEIC by default, which Pillow cannot read: the clerk is told so, and
    how to get a JPG, instead of a list of suffixes."""
    from pipeline.scan.sort import ScanError

    photo = tmp_path / "IMG_0042.HEIC"
    photo.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
    with pytest.raises(ScanError) as err:
        receive(out, [photo])
    assert str(err.value).startswith(f"Tệp quét «{photo}» là ảnh HEIC của iPhone, chương trình chưa đọc được: "
                                     "chuyển sang JPG")
    assert not (out / "da_ky").exists()


def test_black_and_white_dithered_scans_at_150_dpi(out, vp001, tmp_path):
    """A scanner's black-and-white mode with error diffusion at 150 dpi: the code is dots, its
    light modules speckled. Every page is filed (a page not read as scanned is read again softened:
    the dots merge back into gray)."""
    rng = random.Random(96)
    images = []
    for s in vp001:
        im = _scanner(s.image, rng, quality=90).point(lambda v: min(255, v * 255 // 225))  # the scanner's white point
        images.append(im.convert("1"))  # Floyd–Steinberg
    result = receive(out, [write_pdf(images, tmp_path / "den_trang.pdf")])
    assert result.unreadable == []
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert not any("không so được" in u for u in me.unsigned), me.unsigned  # the signature check reads them too
    assert [f[:4] for f in _filed(out / "da_ky" / "LD" / "VP-001.pdf")] == [(s.form, s.copy, s.page, True) for s in vp001]


def test_a_password_protected_or_empty_scan_file_is_refused_naming_it_and_what_to_do(out, vp001, tmp_path):
    """An office scanner's «secure PDF» (a password to open it) is not called damaged: the clerk is told it asks
    for a password and what to do; a file of 0 bytes (a copy cut short, a scan the scanner failed to save) is
    called empty. Nothing is filed from a run refused (the good scan beside them included)."""
    import pypdf

    from pipeline.scan.sort import ScanError

    good = write_pdf([vp001[0].image], tmp_path / "tot.pdf")
    locked = tmp_path / "quet_mat_khau.pdf"
    writer = pypdf.PdfWriter(clone_from=str(good))
    writer.encrypt("1234")
    writer.write(locked)
    with pytest.raises(ScanError) as err:
        receive(out, [good, locked])
    assert str(err.value) == (f"Tệp quét «{locked}» có mật khẩu mở tệp: mở tệp bằng mật khẩu rồi lưu (in) ra PDF "
                              "không mật khẩu, hoặc quét lại không đặt mật khẩu.")
    empty = tmp_path / "quet_rong.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ScanError) as err:
        receive(out, [good, empty])
    assert str(err.value) == (f"Tệp quét «{empty}» rỗng (0 byte): tệp chưa chép xong hoặc máy quét chưa lưu được; "
                              "chép lại hoặc quét lại tệp này.")
    assert not (out / "da_ky").exists()
    # a PDF with only an owner password (printing or copying restricted) opens without one: it is read
    owner = tmp_path / "quet_han_che.pdf"
    writer = pypdf.PdfWriter(clone_from=str(good))
    writer.encrypt("", owner_password="chu")
    writer.write(owner)
    result = receive(out, [owner])
    assert [p.received for p in result.people if p.person == "VP-001"] == [1]


def _sign(sheet: Sheet, out: Path) -> Image.Image:
    """The sheet with a pen's strokes across each of its signature spaces (found from the printed words, as the
    signature check finds them)."""
    from pipeline.scan.signatures import PT, spaces

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    person = next(p for p in manifest["ca_nhan"] if p["ma_so"] == sheet.person)
    section = [s for s in person["tai_lieu"] if s["mau"] == sheet.form][sheet.copy - 1]
    image = sheet.image.copy()
    draw = ImageDraw.Draw(image)
    for s in spaces(out / person["pdf"], section["trang_dau"] + sheet.page - 1):
        x0, y0, x1, y1 = s.x0 * PT, s.y0 * PT, s.x1 * PT, s.y1 * PT
        draw.line([(x0 + (x1 - x0) * (0.2 + 0.03 * j), (y0 + y1) / 2 + (y1 - y0) * 0.25 * math.sin(j))
                   for j in range(20)], fill=20, width=3)
    return image


def test_a_sheet_scanned_before_and_after_it_was_signed_files_the_signed_scan(out, vp001, tmp_path):
    """The clerk scans a stack, then notices a sheet was not signed yet, has it signed and scans it again: the
    signed scan is filed in place of the unsigned one (before, it was a duplicate kept nowhere, and feeding it
    again changed nothing: the dossier kept the unsigned page for good). The unsigned scan is the duplicate,
    its image kept, named with the scan that replaced it. The other way round (signed first) the unsigned
    scan stays a duplicate; a scan no better signed than the page filed never replaces it."""
    sheet = next(s for s in vp001 if s.form == "mau_02" and s.page == 2)  # the last page, signed by the person
    key = f"LD/VP-001/{sheet.form}_{sheet.copy}_{sheet.page}"
    first = write_pdf([sheet.image], tmp_path / "lan_1.pdf")
    result = receive(out, [first])
    [me] = [p for p in result.people if p.person == "VP-001"]
    title = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))["trang"][key]["van_ban"]
    assert len(me.unsigned) == 1 and me.unsigned[0].startswith(title.rsplit("/", 1)[0] + ": ô ký thứ")
    again = write_pdf([sheet.image], tmp_path / "lan_2_chua_ky.pdf")  # scanned again, still unsigned: a duplicate
    signed = write_pdf([_sign(sheet, out)], tmp_path / "lan_3_da_ky.pdf")
    result = receive(out, [again, signed])
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert me.unsigned == [] and me.received == 1
    assert me.duplicates == [f"{title} ({again}, trang 1)",
                             f"{title} ({first}, trang 1; ô ký còn trống, đã thay bằng bản đã ký: {signed}, trang 1)"]
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert state["trang"][key]["tep"] == str(signed)
    kept = [d["anh"] for d in state["trung"] if "anh" in d]
    assert len(kept) == 1 and (out / "da_ky" / kept[0]).is_file()
    assert any(line.endswith(f"đã thay bằng bản đã ký: {signed}, trang 1)") for line in console_lines(result))
    # the unsigned sheet fed after the signed one (a new scan file): a duplicate, the signed page stays
    late = write_pdf([sheet.image.rotate(0.5, fillcolor=255)], tmp_path / "lan_4_chua_ky.pdf")
    result = receive(out, [late])
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert state["trang"][key]["tep"] == str(signed)
    assert subprocess.run([".venv/bin/hoso", "verify", str(out)], capture_output=True).returncode == 0


def _signed_across_the_code(image: Image.Image) -> Image.Image:
    """A black pen's signature running across the page code, between its finder patterns (its tail in the left
    margin)."""
    im = image.copy()
    x0, y0, x1, y1 = _code_box(im)
    ImageDraw.Draw(im).line([(x0 - 25 + 5 * j, (y0 + y1) / 2 + 0.15 * (y1 - y0) * math.sin(j / 2)) for j in range(50)],
                            fill=15, width=4)
    return im


def test_a_signature_across_the_code_is_matched_to_the_one_page_it_can_be(out, vp001, tmp_path):
    """A signature crossing the page code (black, in a grayscale scan: no colour channel drops it) damages more
    than QR's level M corrects; re-scanning cannot help. zxing-cpp still locates the code: its modules are
    compared with the codes of every page the output expects, and the page is filed when exactly one fits (a
    stroke only darkens: the right code has no module light on the scan where it is dark). Filed upright (one
    sheet fed sideways), named in a note; a page of another year's build with the same damage matches nothing
    of this output and stays set aside with its reason."""
    sheets = [s for s in vp001 if s.page == 1][:3]
    images = [_signed_across_the_code(s.image) for s in sheets]
    images[1] = images[1].rotate(90, expand=True)
    code = next(parse(r.text) for r in zxingcpp.read_barcodes(sheets[0].image))
    assert code is not None
    other_year = _signed_across_the_code(_recoded(sheets[0].image, code.text().replace(
        f"|{code.year}|", f"|{int(code.year) - 1}|")))
    scans = [_jpeg(im, 60) for im in [*images, other_year]]
    assert not any(parse(r.text) for im in scans for r in zxingcpp.read_barcodes(im)), "the signature hides nothing"
    pdf = write_pdf(scans, tmp_path / "ky_de_len_ma.pdf")
    result = receive(out, [pdf])
    assert result.matched == [(str(pdf), 1), (str(pdf), 2), (str(pdf), 3)]
    assert result.unreadable == [(str(pdf), 4)] and result.why == [WHY_DAMAGED]
    [me] = [p for p in result.people if p.person == "VP-001"]
    assert me.received == 3
    state = json.loads((out / "da_ky" / "nhan_ban_ky.json").read_text(encoding="utf-8"))
    assert {k: (e["tep"], e["trang"]) for k, e in state["trang"].items()} == {
        f"LD/VP-001/{s.form}_{s.copy}_{s.page}": (str(pdf), k) for k, s in enumerate(sheets, 1)}
    for k, s in enumerate(sheets, 1):  # filed upright: like the printed page, unlike it upside down
        png = subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(k), "-l", str(k),
                              str(out / "da_ky" / "LD" / "VP-001.pdf")], capture_output=True, check=True).stdout
        page = Image.open(io.BytesIO(png)).convert("L").resize(s.image.size)
        near, far = (ImageStat.Stat(ImageChops.difference(page, im)).mean[0] for im in (s.image, s.image.rotate(180)))
        assert near < far / 2, (k, near, far)
    # each named with the dossier and the page it was filed as: what the clerk looks at to make sure
    who = "Nguyễn Đình Khải (VP-001)"
    assert (f"Ghi chú: 3 trang có mã QR bị che một phần (chữ ký, vết mực… đè lên mã), không đọc thẳng được mà nhận "
            f"ra bằng cách so với mã các trang của kết quả này, đã xếp vào hồ sơ (xem lại cho chắc): {pdf}, trang 1 "
            f"(xếp vào: {who} — Phiếu đánh giá, xếp loại chất lượng công chức — trang 1/2); {pdf}, trang 2 (xếp vào: "
            f"{who} — Bảng tham chiếu chấm điểm theo các tiêu chí đánh giá, xếp loại — trang 1/1); {pdf}, trang 3 "
            f"(xếp vào: {who} — Bản kiểm điểm cá nhân (cá nhân giữ chức vụ lãnh đạo, quản lý) — trang 1/4).") \
        in console_lines(result)
    assert sorted(e["trang"] for e in state["trang"].values() if e.get("ma_bi_che")) == [1, 2, 3]


def test_a_faded_page_without_a_code_is_set_aside_not_taken_for_a_blank_back(out, vp001, tmp_path):
    """A page whose code is gone (cut off, covered with correction tape) printed faded or scanned light: its text
    at gray ~110–150. Before, the blank check averaged the page down first and called it blank: skipped, only
    counted among the blank backs. Now it is set aside with its reason; a back with the front showing through
    stays blank."""
    page = vp001[0].image.copy()
    ImageDraw.Draw(page).rectangle([0, page.height - 3 * DPI / 2.54, 3 * DPI / 2.54, page.height], fill=255)
    faded = [page.point(lambda v, k=k: 255 - (255 - v) * k // 100) for k in (55, 42)]
    assert not any(r.valid for im in faded for r in zxingcpp.read_barcodes(im))
    pdf = write_pdf([*faded, _show_through(vp001[0].image)], tmp_path / "nhat.pdf")
    result = receive(out, [pdf])
    assert result.unreadable == [(str(pdf), 1), (str(pdf), 2)] and result.why == [WHY_NONE, WHY_NONE]
    assert result.blank == 1
