"""--pdfa: each form also as PDF/A-2b beside its .docx; the merged bundles say they are not."""

from __future__ import annotations

import re

import pytest

from pipeline import api

pytestmark = pytest.mark.libreoffice


def test_pdfa_forms_beside_docx(sample, cache_dir, tmp_path):
    messages: list[str] = []
    out = tmp_path / "out"
    api.build(sample, out, api.BuildOptions(persons=frozenset({"VP-014"}), pdfa=True, cache_dir=cache_dir / "pdfa"),
              log=messages.append)
    form = out / "ca_nhan" / "TH" / "VP-014" / "mau_02.pdf"
    data = form.read_bytes()
    assert re.search(rb"<pdfaid:part>2</pdfaid:part>|pdfaid:part=\"2\"", data)
    assert re.search(rb"<pdfaid:conformance>B</pdfaid:conformance>|pdfaid:conformance=\"B\"", data)
    assert any("KHÔNG giữ được chuẩn PDF/A" in m for m in messages)
