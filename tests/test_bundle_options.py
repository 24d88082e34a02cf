"""Copies and initials boxes asked for by a form's metadata (dossier.md §1.3, §1.4)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from pipeline.bundle.assemble import CoverInfo, person_bundle
from pipeline.plan import DocumentJob, PersonDossier


def _pdf(pages: int, text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(100, 700, f"{text} {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_copies_repeat_the_form_and_initials_box_on_all_pages_but_last():
    docs = (DocumentJob("A/ke_khai", "ke_khai", "Bản kê khai", "x.docx", "A"),
            DocumentJob("A/phieu", "phieu", "Phiếu", "y.docx", "A"))
    dossier = PersonDossier("A", "Nguyễn Văn A", "U", "ca_nhan/U/A.pdf", docs)
    info = CoverInfo(("CƠ QUAN",), "HỒ SƠ", (("Họ và tên", "Nguyễn Văn A"),), {"ke_khai": ("Người kê khai",)},
                     {"ke_khai": 2}, frozenset({"ke_khai"}))
    built = person_bundle(dossier, {"A/ke_khai": _pdf(3, "KE KHAI"), "A/phieu": _pdf(2, "PHIEU")}, info, duplex=False)
    titles = [s.title for s in built.sections]
    assert titles == ["Bản kê khai (bản 1/2)", "Bản kê khai (bản 2/2)", "Phiếu"]
    reader = PdfReader(io.BytesIO(built.data))
    first = built.sections[0]
    pages = [reader.pages[first.first_page - 1 + i].extract_text() for i in range(first.pages)]
    assert ["Ký nháy" in t for t in pages] == [True, True, False]
    phieu = built.sections[2]
    assert not any("Ký nháy" in reader.pages[phieu.first_page - 1 + i].extract_text() for i in range(phieu.pages))
    cover = reader.pages[0].extract_text()
    assert "Bản kê khai (bản 2/2)" in cover and "Người kê khai" in cover


def test_marks_with_a_letter_outside_the_primed_fonts_are_still_drawn():
    """Page marks are written with the shared, primed fonts; a header with a character those
    subsets lack (here a snowman) is drawn by reportlab instead — never dropped or garbled."""
    from pypdf import PdfWriter

    from pipeline.bundle.pens import reportlab_faces
    from pipeline.bundle.stamp import FormMarks, apply_marks

    for head in ("Mẫu số 02", "Mẫu số 02 ☃"):
        writer = PdfWriter()
        writer.append(PdfReader(io.BytesIO(_pdf(2, "NOI DUNG"))))
        marks = {i: m for i in range(2) if (m := FormMarks(True, head, True).for_page(i, 2))}
        apply_marks(writer, marks, reportlab_faces())
        buf = io.BytesIO()
        writer.write(buf)
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(buf.getvalue())).pages]
        assert "Mẫu số 02" in pages[0] and "Ký nháy" in pages[0] and "NOI DUNG 1" in pages[0]
        assert "NOI DUNG 2" in pages[1] and "2" in pages[1].replace("NOI DUNG 2", "") and "Ký nháy" not in pages[1]
