"""pipeline/pdf/prune.py: a page's resources keep what its content names, through form XObjects."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

from pipeline.pdf.objects import number_in_order
from pipeline.pdf.prune import names_in, prune_resources


def _stream(data: bytes, **entries: object) -> DecodedStreamObject:
    s = DecodedStreamObject()
    s.set_data(data)
    s.update({NameObject(k): v for k, v in entries.items()})
    return s


def _font(name: str) -> DictionaryObject:
    return DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/" + name)})


def _form(w: PdfWriter, data: bytes, resources: DictionaryObject | None = None) -> object:
    entries: dict[str, object] = {"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"),
                                  "/BBox": ArrayObject([NumberObject(0)] * 4)}
    if resources is not None:
        entries["/Resources"] = resources
    return w._add_object(_stream(data, **entries))


def test_names_in_reads_name_tokens_with_escapes() -> None:
    assert names_in(b"q /F1 12 Tf<0A>Tj /GS#20a gs /X1 Do /P <</MCID 0>> BDC") >= {"/F1", "/GS a", "/X1", "/P"}
    assert "/F2" not in names_in(b"BT /F1 12 Tf <2F4632> Tj ET")  # "/F2" as hex text: not a name


def test_a_page_keeps_what_it_and_the_forms_it_draws_name() -> None:
    w = PdfWriter()
    fonts = {f"/F{i}": w._add_object(_font(f"Font{i}")) for i in range(1, 6)}
    inherits = _form(w, b"BT /F2 9 Tf (a) Tj ET")  # no resources of its own: the page's
    own = _form(w, b"BT /F1 9 Tf (b) Tj ET /Z Do", DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): fonts["/F4"], NameObject("/F9"): fonts["/F5"]})}))
    unused = _form(w, b"BT /F3 9 Tf (c) Tj ET")
    shared = w._add_object(DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject(k): v for k, v in fonts.items()}),
        NameObject("/XObject"): DictionaryObject({NameObject("/A"): inherits, NameObject("/B"): own,
                                                  NameObject("/C"): unused}),
        NameObject("/ProcSet"): ArrayObject([NameObject("/PDF")]),
    }))
    contents = [b"BT /F1 12 Tf (x) Tj ET /A Do /B Do", b"BT /F5 12 Tf (y) Tj ET"]
    for data in contents:
        page = w.add_blank_page(100, 100)
        page[NameObject("/Resources")] = shared
        page[NameObject("/Contents")] = w._add_object(_stream(data))
    prune_resources(w)
    number_in_order(w)
    buf = io.BytesIO()
    w.write(buf)
    pages: Any = PdfReader(buf).pages
    first, second = pages[0], pages[1]
    res: Any
    res = first["/Resources"]
    assert sorted(res["/Font"]) == ["/F1", "/F2"] and sorted(res["/XObject"]) == ["/A", "/B"]
    assert list(res["/ProcSet"]) == ["/PDF"]
    inner: Any = res["/XObject"]["/B"]["/Resources"]["/Font"]
    assert list(inner) == ["/F1"] and inner["/F1"]["/BaseFont"] == "/Font4"
    assert sorted(second["/Resources"]) == ["/Font", "/ProcSet"] and list(second["/Resources"]["/Font"]) == ["/F5"]
