"""Cover sheets: laid out by hoso and drawn in the forms' own fonts (pipeline/bundle/cover.py)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from pipeline.bundle import cover
from pipeline.bundle.assemble import _Builder
from pipeline.bundle.pens import StreamPen, reportlab_faces


def _pdf(drawn: list[cover.CoverPages]) -> PdfReader:
    b = _Builder(False, reportlab_faces())
    for d in drawn:
        b.append_cover(d)
    return PdfReader(io.BytesIO(b.finish("Bìa")))


def _spec(name: str, entries: int = 3) -> cover.CoverSpec:
    return cover.CoverSpec(("UBND TỈNH HÀ GIANG", "SỞ NỘI VỤ"), "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
                           (("Họ và tên", name), ("Đơn vị", "Phòng Tổ chức cán bộ")),
                           tuple(cover.TocEntry(f"Văn bản số {k + 1}", 3 + 2 * k, 1, "Ký: Thủ trưởng đơn vị")
                                 for k in range(entries)))


def test_cover_prints_its_facts_and_table_of_contents():
    [drawn] = cover.draw([_spec("Nguyễn Thị Ánh")], reportlab_faces())
    assert drawn.pdf is None and drawn.count == 1  # drawn in the faces, not by reportlab
    text = _pdf([drawn]).pages[0].extract_text()
    for expected in ("SỞ NỘI VỤ", "HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG", "Nguyễn Thị Ánh", "MỤC LỤC",
                     "Văn bản số 3", "Ký: Thủ trưởng đơn vị"):
        assert expected in text, expected


def test_long_table_of_contents_continues_on_new_pages_with_its_heading():
    [drawn] = cover.draw([_spec("Lê Văn Bảo", entries=60)], reportlab_faces())
    assert drawn.count >= 3
    pages = [p.extract_text() for p in _pdf([drawn]).pages]
    assert all("Nội dung" in t and "Trang" in t for t in pages)  # the heading row on every page
    printed = [int(n) for n in re.findall(r"Văn bản số (\d+)", "\n".join(pages))]
    assert printed == list(range(1, 61))  # every entry once, in order


def test_lines_wrap_inside_their_width_and_long_words_are_cut():
    pen = StreamPen(reportlab_faces())
    text = "Phiếu nhận xét đảng viên đang công tác thường xuyên giữ mối liên hệ " + "X" * 120
    lines = cover.wrap(pen, text, cover.BASE, 200)
    assert len(lines) > 3
    assert all(pen.measure(False, 12, line) <= 200 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_cover_with_a_letter_outside_the_faces_is_drawn_by_reportlab():
    drawn = cover.draw([_spec("Françoise Nguyễn"), _spec("Trần Hà")], reportlab_faces())
    assert drawn[0].pdf is not None and drawn[1].pdf is None
    pages = [p.extract_text() for p in _pdf(drawn).pages]
    assert "Françoise Nguyễn" in pages[0] and "Trần Hà" in pages[1]
