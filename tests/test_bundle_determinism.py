"""A dossier's bytes depend on its inputs only — the PDFs it joins, their order, its cover and
outline — never on what the process that assembles it holds or did before (pipeline/bundle/
assemble.py `number_in_order`). A forked worker's Pages holds every unit's PDFs and a spawned
worker's its own unit's; the covers' faces are cloned from the first PDF that has them; a worker
assembles several units in a row: none of it may show in the bytes, which "same bytes" checks
(the spawn path, reprint detection, `hoso verify`) rely on.

The forms here are drawn by reportlab in the primed faces (pens.prime), as LibreOffice's are
converted: every PDF embeds byte-identical subsets, so the covers' faces can come from any of them.
"""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject
from reportlab.pdfgen import canvas

from pipeline.bundle import pens
from pipeline.bundle.assemble import CoverInfo, Pages, number_in_order, person_bundle, unit_bundle
from pipeline.plan import DocumentJob, PersonDossier, UnitDossier


def _form(lines: list[str], pages: int = 1) -> bytes:
    """A form's PDF as a conversion gives it: the primed faces, text in both."""
    regular, bold = pens.fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.28, 841.89), invariant=1)
    pens.prime(c)
    for n in range(pages):
        c.setFont(bold, 13)
        c.drawString(72, 770, lines[0])
        c.setFont(regular, 12)
        for i, line in enumerate(lines[1:]):
            c.drawString(72, 740 - 18 * i, f"{line} (trang {n + 1})")
        c.showPage()
    c.save()
    return buf.getvalue()


def _person(ma_so: str, ho_ten: str, forms: list[str]) -> PersonDossier:
    docs = tuple(DocumentJob(f"{ma_so}/{f}", f, title, f"ca_nhan/TH/{ma_so}/{f}.docx", ma_so, "TH")
                 for f, title in ((f, {"mau_01": "Bản tự kiểm điểm", "mau_02": "Phiếu đánh giá"}[f]) for f in forms))
    return PersonDossier(ma_so, ho_ten, "TH", f"ca_nhan/TH/{ma_so}.pdf", docs)


AN = _person("VP-014", "Nguyễn Văn An", ["mau_01", "mau_02"])
BINH = _person("VP-015", "Trần Thị Bình", ["mau_01"])
UNIT = UnitDossier("TH", "Phòng Tổng hợp", "don_vi/TH.pdf", (AN, BINH))
OTHER = _person("VP-004", "Lê Văn Cường", ["mau_01"])  # of another unit (HCQT)


def _pdfs() -> dict[str, bytes]:
    """Fresh bytes (and readers) for every call: nothing carried over between two histories."""
    return {
        "VP-014/mau_01": _form(["BẢN TỰ KIỂM ĐIỂM", "Họ và tên: Nguyễn Văn An", "Chức vụ: Chuyên viên"], pages=2),
        "VP-014/mau_02": _form(["PHIẾU ĐÁNH GIÁ", "Mức xếp loại: Hoàn thành tốt nhiệm vụ"]),
        "VP-015/mau_01": _form(["BẢN TỰ KIỂM ĐIỂM", "Họ và tên: Trần Thị Bình", "Ưu điểm: Chủ động, sáng tạo"]),
        "VP-004/mau_01": _form(["BẢN TỰ KIỂM ĐIỂM", "Họ và tên: Lê Văn Cường", "Đơn vị: Hành chính – Quản trị"]),
    }


def _info(title: str) -> CoverInfo:
    return CoverInfo(("UBND TỈNH MẪU", "VĂN PHÒNG"), title, (("Đơn vị", "Phòng Tổng hợp"),),
                     signers={"mau_01": ("Người tự đánh giá",)})


def _built(history: str) -> tuple[bytes, bytes]:
    """(An's dossier, the unit's bundle) assembled after `history`:
    - "alone": a Pages of the unit's PDFs only, nothing built before (a spawned worker);
    - "after": a Pages that also holds another unit's PDF, first (a forked worker's: the covers'
      faces are cloned from that PDF), in which that unit's and Bình's dossiers were built first."""
    pdfs = _pdfs()
    if history == "alone":
        pages = Pages({k: v for k, v in pdfs.items() if not k.startswith("VP-004/")})
    else:
        pages = Pages({"VP-004/mau_01": pdfs.pop("VP-004/mau_01"), **pdfs})
        person_bundle(OTHER, pages, _info("Hồ sơ của Lê Văn Cường"))
        person_bundle(BINH, pages, _info("Hồ sơ của Trần Thị Bình"))
    an = person_bundle(AN, pages, _info("Hồ sơ của Nguyễn Văn An"))
    binh = person_bundle(BINH, pages, _info("Hồ sơ của Trần Thị Bình"))
    unit = unit_bundle(UNIT, {AN.ma_so: an, BINH.ma_so: binh}, pages, _info("Hồ sơ của Phòng Tổng hợp"),
                       person_info={AN.ma_so: _info("Hồ sơ của Nguyễn Văn An"), BINH.ma_so: _info("Hồ sơ của Trần Thị Bình")})
    return an.data, unit.data


def test_a_dossier_is_the_same_bytes_whatever_the_process_held_or_built_before():
    alone, after = _built("alone"), _built("after")
    # worked out by hand: An's dossier is a cover page, its blank back, his 2-page self-review on
    # pages 3–4, his 1-page evaluation on page 5 (duplex: every document on a right-hand page)
    reader = PdfReader(io.BytesIO(alone[0]))
    assert len(reader.pages) == 5
    assert "Nguyễn Văn An" in reader.pages[2].extract_text()
    assert [o.title for o in reader.outline] == ["Bìa hồ sơ", "Bản tự kiểm điểm", "Phiếu đánh giá"]
    assert reader.metadata is not None and reader.metadata["/HosoNguoi"] == "VP-014"  # the trailer's /Info
    assert reader.metadata.title == "Hồ sơ đánh giá, xếp loại — Nguyễn Văn An"
    assert PdfReader(io.BytesIO(alone[1])).metadata["/HosoDonVi"] == "TH"
    assert hashlib.sha256(alone[0]).hexdigest() == hashlib.sha256(after[0]).hexdigest()
    assert hashlib.sha256(alone[1]).hexdigest() == hashlib.sha256(after[1]).hexdigest()


def test_objects_are_numbered_by_the_document_not_by_the_order_they_were_made():
    """Two writers holding one document, its objects made in another order and one of them with
    an object dropped after it was made (as merge_identical_fonts drops a font's copy): the same
    bytes once numbered, and nothing unreachable left."""

    def document(order: str) -> bytes:
        w = PdfWriter()
        page = w.add_blank_page(595, 842)
        made = {}
        for name in order:
            made[name] = w._add_object(DictionaryObject({NameObject("/N"): NumberObject(ord(name))}))
            if name == "a":
                w._add_object(DictionaryObject({NameObject("/Dropped"): NumberObject(1)}))
                w._objects[-1] = None
                w._add_object(DictionaryObject({NameObject("/Unreachable"): NumberObject(2)}))
        page[NameObject("/Hoso")] = DictionaryObject({NameObject("/A"): made["a"], NameObject("/B"): made["b"]})
        number_in_order(w)
        buf = io.BytesIO()
        w.write(buf)
        return buf.getvalue()

    ab, ba = document("ab"), document("ba")
    assert ab == ba
    reader = PdfReader(io.BytesIO(ab))
    assert len(reader.xref[0]) == 6  # catalogue, pages, info, page, /A, /B: no free entry, nothing unreachable
    assert b"/Unreachable" not in ab and b"/Dropped" not in ab
    assert reader.pages[0]["/Hoso"]["/A"]["/N"] == ord("a") and reader.pages[0]["/Hoso"]["/B"]["/N"] == ord("b")
