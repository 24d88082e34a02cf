"""«Tệp gửi Sở Nội vụ đã khác … gửi lại bản mới» only when what the package holds changed in content.

Manifest-level: two manifests of an output folder (as `hoso build` records them) compared by
`changes.compare`; no LibreOffice. The package holds the report (.docx + its PDF), the summary table
(.xlsx), the leaders' unit dossier copied from don_vi/LD.pdf, and the zip of them."""

from __future__ import annotations

import copy
import io

import openpyxl

from pipeline.submission import changes
from pipeline.submission.package import values_digest

ZIP = "ho_so_2024.zip"
REPORT_DOCX, REPORT_PDF = "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.docx", "nop_so_noi_vu/bao_cao_ket_qua_danh_gia.pdf"
TABLE = "nop_so_noi_vu/bieu_tong_hop.xlsx"
UNIT_COPY = "nop_so_noi_vu/don_vi/LD.pdf"
LINE = "Tệp gửi Sở Nội vụ đã khác"


def _xlsx(value: object, *, title: str = "Biểu") -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    ws.append(["Đơn vị", "Hoàn thành xuất sắc nhiệm vụ"])
    ws.append(["Lãnh đạo Văn phòng", value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _manifest(*, values: bytes | None = None, new_keys: bool = True) -> dict:
    """An output of one unit LD (its own minutes, one person VP-001 with a phiếu), every file by its digest."""
    files = {"ca_nhan/LD/VP-001.pdf": ("p1", 4), "ca_nhan/LD/VP-001/mau_02.docx": ("d1", None),
             "don_vi/LD.pdf": ("u1", 6), "don_vi/LD/bien_ban_hop.docx": ("m1", None),
             REPORT_DOCX: ("r1", None), REPORT_PDF: ("rp1", 3), TABLE: ("t1", None), UNIT_COPY: ("u1", 6),
             ZIP: ("z1", None)}
    table: dict = {"path": TABLE, "loai": "bieu_tong_hop", "tieu_de": "Biểu tổng hợp (bảng tính)"}
    report_pdf: dict = {"path": REPORT_PDF, "loai": "bao_cao_so_noi_vu", "tieu_de": "Báo cáo kết quả"}
    if new_keys:
        table[changes.VALUES] = values_digest(values if values is not None else _xlsx(3))
        report_pdf["docx"] = REPORT_DOCX
    return {
        "files": [{"path": p, "sha256": sha, **({"pages": n} if n else {})} for p, (sha, n) in files.items()],
        "ca_nhan": [{"ma_so": "VP-001", "ma_don_vi": "LD", "pdf": "ca_nhan/LD/VP-001.pdf",
                     "tai_lieu": [{"mau": "mau_02", "trang_dau": 1, "so_trang": 4, "tieu_de": "Phiếu"}]}],
        "don_vi": [{"ma_don_vi": "LD", "ten_don_vi": "Lãnh đạo Văn phòng", "pdf": "don_vi/LD.pdf",
                    "muc": [{"mau": "bien_ban_hop", "trang_dau": 1, "so_trang": 2, "tieu_de": "Biên bản họp"},
                            {"ma_so": "VP-001", "trang_dau": 3, "so_trang": 4}]}],
        "nop_so_noi_vu": {"thu_muc": "nop_so_noi_vu", "zip": ZIP, "tep": [
            {"path": REPORT_DOCX, "loai": "bao_cao_so_noi_vu", "tieu_de": "Báo cáo kết quả (bản Word)"}, report_pdf,
            table, {"path": UNIT_COPY, "loai": "don_vi", "tieu_de": "Hồ sơ kiểm điểm tập thể: Lãnh đạo Văn phòng",
                    "ma_don_vi": "LD", "goc": "don_vi/LD.pdf"}]},
    }


def _set(manifest: dict, path: str, sha: str, pages: int | None = None) -> None:
    for f in manifest["files"]:
        if f["path"] == path:
            f["sha256"] = sha
            if pages is not None:
                f["pages"] = pages


def _rewritten(before: dict, tag: str = "other-bytes-") -> dict:
    """The same output built again with other bytes for every converted or zipped file: the report's PDF
    converted again, the unit's dossier joined again (and its copy), the table written again, the zip."""
    after = copy.deepcopy(before)
    for path in (REPORT_PDF, "don_vi/LD.pdf", "ca_nhan/LD/VP-001.pdf", UNIT_COPY, TABLE, ZIP):
        _set(after, path, tag + path)
    return after


def test_other_bytes_with_the_same_content_ask_nothing_to_be_sent_again():
    before = _manifest()
    result = changes.compare(before, _rewritten(before), old_root=None, new_root=None)
    assert result.items == [] and result.resend == []
    line = result.summary()
    assert "không văn bản nào thay đổi nội dung, không phải in lại" in line and LINE not in line, line
    assert LINE not in result.listing() and result.as_json()["gui_lai"] == []


def test_a_report_whose_words_changed_is_to_send_again():
    before = _manifest()
    after = _rewritten(before)
    _set(after, REPORT_DOCX, "r2")
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert [(c.bundle, c.why) for c in result.items] == [(REPORT_PDF, "nội dung thay đổi")]  # printed again too
    assert [rel for rel, _ in result.resend] == [ZIP]
    assert f"{LINE}: {ZIP} — nếu đã gửi bản cũ, gửi lại bản mới." in result.summary()
    listing = result.listing()
    assert "Tệp gửi Sở Nội vụ đã khác lần tạo trước (nếu đã gửi bản cũ, gửi lại bản mới):" in listing
    assert f"  - {ZIP}: toàn bộ thư mục nop_so_noi_vu (bản chưa ký)" in listing
    # the report's Word file and its PDF are the files named; the re-joined unit dossier is not
    assert f"(tệp có nội dung khác: {REPORT_DOCX}, {REPORT_PDF})" in listing
    assert result.as_json()["gui_lai"][0]["tep_khac_noi_dung"] == [REPORT_DOCX, REPORT_PDF]


def test_a_report_laid_out_on_another_number_of_pages_is_to_send_again():
    before = _manifest()
    after = _rewritten(before)
    _set(after, REPORT_PDF, "rp2", pages=4)  # the same .docx, converted on 4 pages instead of 3
    assert [rel for rel, _ in changes.compare(before, after, old_root=None, new_root=None).resend] == [ZIP]


def test_a_changed_phieu_in_the_leaders_dossier_is_to_send_again():
    before = _manifest()
    after = _rewritten(before)
    _set(after, "ca_nhan/LD/VP-001/mau_02.docx", "d2")  # VP-001's phiếu has other words
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP] and result.resend_members[ZIP] == [UNIT_COPY]


def test_a_form_gone_from_the_leaders_dossier_is_to_send_again():
    before = _manifest()
    after = _rewritten(before)
    after["don_vi"][0]["muc"] = after["don_vi"][0]["muc"][1:]  # the minutes no longer in the unit's dossier
    after["don_vi"][0]["muc"][0]["trang_dau"] = 1
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP] and result.resend_members[ZIP] == [UNIT_COPY]


def test_a_table_whose_values_changed_is_to_send_again_and_one_written_again_is_not():
    before = _manifest(values=_xlsx(3))
    same = _rewritten(before)
    # written again with the same values (openpyxl's own file: another time in it, other bytes)
    same["nop_so_noi_vu"]["tep"][2][changes.VALUES] = values_digest(_xlsx(3))
    assert changes.compare(before, same, old_root=None, new_root=None).resend == []
    other = _rewritten(before)
    other["nop_so_noi_vu"]["tep"][2][changes.VALUES] = values_digest(_xlsx(4))  # 4 HTXS instead of 3
    result = changes.compare(before, other, old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP, TABLE]
    assert result.resend_members[ZIP] == [TABLE]
    assert f"{LINE}: {ZIP}, bieu_tong_hop.xlsx — nếu đã gửi bản cũ, gửi lại bản mới." in result.summary()


def test_values_digest_reads_values_not_bytes():
    assert values_digest(_xlsx(3)) == values_digest(_xlsx(3))
    assert values_digest(_xlsx(3)) != values_digest(_xlsx(4))
    assert values_digest(_xlsx(3)) != values_digest(_xlsx(3, title="Biểu 2"))


def test_a_folder_built_before_the_content_keys_keeps_the_byte_rule():
    """The previous manifest has no `gia_tri_sha256` nor `docx`: a table and PDF with other bytes are taken
    as changed, as before (never a package left unsent because its content could not be compared)."""
    before = _manifest(new_keys=False)
    after = _rewritten(_manifest())
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP, TABLE]
    assert LINE in result.summary()


def test_a_package_not_listed_before_keeps_the_byte_rule():
    before = _manifest()
    del before["nop_so_noi_vu"]["tep"]
    result = changes.compare(before, _rewritten(_manifest()), old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend][:1] == [ZIP]


def test_since_a_print_the_files_to_send_again_are_judged_against_the_output_replaced_by_content():
    """With a printed mark the reprint list runs from the print; what to send again from the output replaced, by
    the same content rule (bytes alone: nothing; the report's words: the zip)."""
    printed = _manifest()
    mark = {"ban_in": printed, "bia": {}, "ngay": "2026-12-01T09:00:00"}
    replaced = _rewritten(printed)
    again = _rewritten(replaced, "bytes-again-")
    assert changes.compare_printed(mark, replaced, again, new_root=None).resend == []
    _set(again, REPORT_DOCX, "r2")
    result = changes.compare_printed(mark, replaced, again, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP] and result.resend_members[ZIP] == [REPORT_DOCX, REPORT_PDF]


def test_the_package_sent_is_compared_with_the_one_there_now_by_content():
    """`hoso serve` keeps the manifest of the package it sent: the package built since differs from it only when
    its content does (`sent_package_differs`), with the zip's files whose content changed."""
    sent = _manifest()
    assert changes.sent_package_differs(sent, copy.deepcopy(sent)) == (False, [])
    assert changes.sent_package_differs(sent, _rewritten(sent)) == (False, [])  # converted and zipped again
    again = _rewritten(sent)
    _set(again, REPORT_DOCX, "r2")
    assert changes.sent_package_differs(sent, again) == (True, [REPORT_DOCX, REPORT_PDF])
    renamed = _rewritten(sent)
    renamed["nop_so_noi_vu"]["zip"] = "ho_so_2026.zip"  # another name: nothing to compare it with but bytes
    renamed["files"].append({"path": "ho_so_2026.zip", "sha256": "z2"})
    assert changes.sent_package_differs(sent, renamed) == (True, [])
    unlisted = _manifest()
    del unlisted["nop_so_noi_vu"]["tep"]  # a package sent before its files were listed: by the zip's bytes
    assert changes.sent_package_differs(unlisted, _rewritten(_manifest())) == (True, [])


def test_a_sent_dossier_copy_whose_cover_words_changed_is_to_send_again_by_the_recorded_cover():
    """The files sent are not kept beside the manifest: the leaders' dossier, joined again, is compared by the cover
    digests both manifests recorded (`bia`); the same words or only other page numbers: not to send again; other
    words, or no record: to send again."""
    def with_cover(bia: dict | None) -> dict:
        m = _manifest()
        unit = m["don_vi"][0]
        for x in unit["muc"]:  # a cover page before the documents
            x["trang_dau"] += 1
        if bia is not None:
            unit["bia"] = bia
        return m

    sent = with_cover({"trang": 1, "chu": "c1", "so": "s1"})
    again = _rewritten(with_cover({"trang": 1, "chu": "c1", "so": "s1"}))
    assert changes.sent_package_differs(sent, again) == (False, [])
    numbers = _rewritten(with_cover({"trang": 1, "chu": "c2", "so": "s1"}))  # only its page ranges
    assert changes.sent_package_differs(sent, numbers) == (False, [])
    words = _rewritten(with_cover({"trang": 1, "chu": "c3", "so": "s3"}))  # a unit renamed on its cover
    assert changes.sent_package_differs(sent, words) == (True, [UNIT_COPY])
    assert changes.sent_package_differs(with_cover(None), again) == (True, [UNIT_COPY])


LEADERS = "nop_so_noi_vu/ho_so_lanh_dao.pdf"


def _leaders_manifest() -> dict:
    """`_manifest` as packaged since the leaders' file (package.LEADERS_PDF): the Sở gets the minutes and VP-001's
    dossier made into nop_so_noi_vu/ho_so_lanh_dao.pdf, no copy of don_vi/LD.pdf; a staff member VP-002 of
    another unit stays out of it."""
    m = _manifest()
    m["files"] = [f for f in m["files"] if f["path"] != UNIT_COPY] + [
        {"path": LEADERS, "sha256": "l1", "pages": 8}, {"path": "ca_nhan/NV/VP-002.pdf", "sha256": "p2", "pages": 4},
        {"path": "ca_nhan/NV/VP-002/mau_02.docx", "sha256": "d2"}]
    m["ca_nhan"].append({"ma_so": "VP-002", "ma_don_vi": "NV", "pdf": "ca_nhan/NV/VP-002.pdf",
                         "tai_lieu": [{"mau": "mau_02", "trang_dau": 1, "so_trang": 4, "tieu_de": "Phiếu"}]})
    m["nop_so_noi_vu"]["tep"][-1] = {
        "path": LEADERS, "loai": "tap_the_lanh_dao", "tieu_de": "Hồ sơ kiểm điểm tập thể lãnh đạo, hồ sơ cá nhân lãnh "
        "đạo: Lãnh đạo Văn phòng", "ma_don_vi": "LD", "nguon": "don_vi/LD.pdf",
        "muc": [{"tieu_de": "Biên bản họp", "mau": "bien_ban_hop", "ma_so": "", "trang_dau": 3, "so_trang": 2},
                {"tieu_de": "Nguyễn Văn An", "mau": "", "ma_so": "VP-001", "trang_dau": 5, "so_trang": 4}]}
    return m


def _leaders_rewritten(before: dict) -> dict:
    after = _rewritten(before)
    _set(after, LEADERS, "other-bytes-leaders")  # joined again from PDFs converted again
    return after


def test_the_leaders_file_joined_again_with_the_same_words_is_not_to_send_again():
    before = _leaders_manifest()
    after = _leaders_rewritten(before)
    _set(after, "ca_nhan/NV/VP-002/mau_02.docx", "d2-other")  # a staff member's phiếu: not in the Sở's file
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert result.resend == []


def test_a_leader_s_phieu_or_the_minutes_changed_is_to_send_the_leaders_file_again():
    for docx in ("ca_nhan/LD/VP-001/mau_02.docx", "don_vi/LD/bien_ban_hop.docx"):
        before = _leaders_manifest()
        after = _leaders_rewritten(before)
        _set(after, docx, "other-words")
        result = changes.compare(before, after, old_root=None, new_root=None)
        assert [rel for rel, _ in result.resend] == [ZIP] and result.resend_members[ZIP] == [LEADERS], docx


def test_a_leader_s_document_on_another_number_of_pages_is_to_send_again():
    before = _leaders_manifest()
    after = _leaders_rewritten(before)
    after["nop_so_noi_vu"]["tep"][-1]["muc"][1]["so_trang"] = 5
    after["ca_nhan"][0]["tai_lieu"][0]["so_trang"] = 5
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert result.resend_members[ZIP] == [LEADERS]


def test_the_package_of_a_build_before_the_leaders_file_is_to_send_again_with_it():
    """A folder whose package held the copy of don_vi/LD.pdf, built again: the zip now holds the leaders' file
    instead; both named."""
    before = _manifest()
    after = _leaders_manifest()
    _set(after, ZIP, "z2")
    result = changes.compare(before, after, old_root=None, new_root=None)
    assert [rel for rel, _ in result.resend] == [ZIP] and result.resend_members[ZIP] == [LEADERS, UNIT_COPY]
