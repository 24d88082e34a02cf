"""Rule 7: emulation titles (LĐTT, CSTĐCS), the 15 % cap and the 55 % share."""

from __future__ import annotations

import datetime as dt

from rating_builder import Book

HTT = (10, 0, 10)
HTXS = (10, 10)


def test_ldtt_conditions_all_met():
    b = Book()
    b.person("A", vote=HTT)
    b.emulation("A", yes=6, total=10)
    t = b.rate().of("A").thi_dua
    assert t.de_nghi == "LDTT" and t.du_dieu_kien and t.dat_ldtt
    assert any("điểm a khoản 1 Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15" in x for x in t.ly_do)


def test_ldtt_ballot_exactly_half_is_not_enough():
    b = Book()
    b.person("A", vote=HTT)
    b.emulation("A", yes=5, total=10)
    t = b.rate().of("A").thi_dua
    assert not t.du_dieu_kien
    assert any("5/10" in x and "không quá một nửa" in x for x in t.ly_do)


def test_ldtt_needs_a_ballot():
    b = Book()
    b.person("A", vote=HTT)
    b.emulation("A", yes=None, total=None)
    assert not b.rate().of("A").thi_dua.du_dieu_kien


def test_ldtt_needs_htt_or_better_using_the_decided_level_first():
    b = Book()
    b.person("A", vote=(10, 0, 0, 10))  # HT
    b.person("B", vote=(10, 0, 0, 10), decided="HTT")  # decided HTT wins
    b.person("C", vote=HTT, decided="HT")  # decided HT loses
    for code in "ABC":
        b.emulation(code)
    r = b.rate()
    assert not r.of("A").thi_dua.du_dieu_kien
    assert r.of("B").thi_dua.du_dieu_kien
    assert not r.of("C").thi_dua.du_dieu_kien
    assert any("mức quyết định: Hoàn thành nhiệm vụ" in x for x in r.of("C").thi_dua.ly_do)


def test_ldtt_needs_being_rated_and_maternity_is_not_new_recruitment():
    b = Book()
    b.person("A", months=4, vote=HTT)  # not rated (ND 90 Art. 2 cl. 3)
    # 5 months worked because of maternity leave: rated, and not "newly recruited under 6 months"
    # (TT 01/2024 Art. 1 cl. 5 d excludes only the newly recruited), so not refused for the months
    b.person("B", months=5, maternity=True, vote=HTT)
    b.person("C", months=6, vote=HTT)
    for code in "ABC":
        b.emulation(code)
    r = b.rate()
    assert not r.of("A").thi_dua.du_dieu_kien
    assert any("Không thuộc diện xếp loại" in x for x in r.of("A").thi_dua.ly_do)
    assert r.of("B").trang_thai == "xep_loai" and r.of("B").thi_dua.du_dieu_kien
    assert any("không phải là người mới tuyển dụng" in x and "Thông tư số 01/2024/TT-BNV" in x
               for x in r.of("B").thi_dua.ly_do)
    assert r.of("C").thi_dua.du_dieu_kien


def test_disciplined_person_is_not_eligible():
    b = Book()
    b.person("A", vote=HTT)
    b.discipline("A", "hanh_chinh", dt.date(2024, 4, 4))
    b.emulation("A", yes=9, total=9)
    assert not b.rate().of("A").thi_dua.du_dieu_kien


def seven_ldtt(b: Book) -> None:
    for i in range(5):
        code = b.person(f"L{i}", vote=HTT)
        b.emulation(code, yes=7, total=10)


def test_cstdcs_needs_htxs_or_an_initiative():
    b = Book()
    seven_ldtt(b)
    b.peers(10, group="G")
    b.person("S1", vote=HTXS)
    b.person("S2", vote=HTT)
    b.person("S3", vote=HTT)
    b.emulation("S1", "CSTDCS", yes=9, total=10)
    b.emulation("S2", "CSTDCS", yes=9, total=10, initiative="Sáng kiến X (QĐ 1/QĐ-VP)")
    b.emulation("S3", "CSTDCS", yes=9, total=10)
    # 8 people reach LĐTT → 15 % × 8 = 1.2 → 1 CSTĐCS
    r = b.rate()
    assert r.thi_dua.so_dat_ldtt == 8 and r.thi_dua.toi_da_cstdcs == 1
    s3 = r.of("S3").thi_dua
    assert not s3.du_dieu_kien and s3.dat_ldtt
    assert any("hoặc có sáng kiến" in x for x in s3.ly_do)
    assert r.thi_dua.so_cstdcs_du_dieu_kien == 2 and r.thi_dua.so_cstdcs == 1
    kept = [c for c in ("S1", "S2") if r.of(c).thi_dua.du_dieu_kien]
    assert kept == ["S1"]  # equal ballots: the deterministic order, with a warning naming both
    assert any("S1" in w and "S2" in w for w in r.of("S2").canh_bao)
    assert any("Vượt tỷ lệ Chiến sĩ thi đua cơ sở" in x and "15% × 8" in x for x in r.of("S2").thi_dua.ly_do)


def test_cstdcs_cap_keeps_the_higher_ballot_share():
    b = Book()
    seven_ldtt(b)
    b.person("S1", vote=HTT)
    b.person("S2", vote=HTT)
    b.emulation("S1", "CSTDCS", yes=7, total=10, initiative="SK1")
    b.emulation("S2", "CSTDCS", yes=9, total=10, initiative="SK2")
    r = b.rate()  # 7 LĐTT → 1.05 → 1
    assert r.of("S2").thi_dua.du_dieu_kien and not r.of("S1").thi_dua.du_dieu_kien
    assert not any("Bằng nhau" in w for w in r.canh_bao)
    # the console line says where the 15 % stands, as the reasons do: the agency's and province's rules made
    # under ND 98/2023 (no article of ND 98 holding it was read), not ND 91/2017 Art. 9 cl. 3 (repealed from 2024)
    [over] = [w for w in r.canh_bao if w.startswith("Số đề nghị Chiến sĩ thi đua cơ sở vượt tỷ lệ")]
    assert "→ 1 (làm tròn xuống) — căn cứ: quy chế thi đua, khen thưởng của cơ quan" in over
    assert "Nghị định số 98/2023/NĐ-CP" in over and "91/2017" not in over


def test_the_agency_head_takes_no_place_in_the_agencys_cstdcs_ranking():
    # 7 LĐTT + the head and S2 proposed CSTĐCS with an initiative: 9 reach LĐTT, 15 % × 9 = 1,35 → 1 place.
    # The head's title is left to the competent level (his unit's table prints «cấp có thẩm quyền xét»): S2,
    # with fewer ballots than the head, keeps the agency's one place instead of being moved over the cap
    b = Book()
    seven_ldtt(b)
    b.person("H", name="Nguyễn Văn Thủ Trưởng", role="truong", leader=True, vote=HTT)
    b.person("S2", vote=HTT)
    b.emulation("H", "CSTDCS", yes=10, total=10, initiative="SK1")
    b.emulation("S2", "CSTDCS", yes=7, total=10, initiative="SK2")
    r = b.rate()
    assert r.thi_dua.toi_da_cstdcs == 1 and r.thi_dua.so_cstdcs == 1 and r.of("S2").thi_dua.du_dieu_kien
    head = r.of("H").thi_dua
    assert head.du_dieu_kien and head.dat_ldtt  # his standards are met; the cap is the conferring level's
    assert any("Người đứng đầu cơ quan: danh hiệu do cấp có thẩm quyền xét" in x for x in head.ly_do)
    assert not any("Vượt tỷ lệ" in x for x in r.of("S2").thi_dua.ly_do)


def test_cstdcs_cap_rounds_down_to_zero():
    b = Book()
    for i in range(5):
        b.person(f"L{i}", vote=HTT)
        b.emulation(f"L{i}")
    b.person("S", vote=HTT)
    b.emulation("S", "CSTDCS", initiative="SK")
    r = b.rate()  # 6 LĐTT → 0.9 → 0
    assert r.thi_dua.toi_da_cstdcs == 0 and not r.of("S").thi_dua.du_dieu_kien
    assert r.of("S").thi_dua.dat_ldtt


def test_direct_worker_share_below_55_percent_warns():
    b = Book()
    b.person("A", vote=HTT, leader=True)
    b.person("B", vote=HTT, leader=True)
    b.person("C", vote=HTT)
    for code in "ABC":
        b.emulation(code)
    r = b.rate()
    assert r.thi_dua.so_truc_tiep == 1 and round(r.thi_dua.ty_le_truc_tiep, 3) == 0.333
    assert any("trực tiếp lao động" in w and "33,3%" in w for w in r.canh_bao)


def test_direct_worker_share_at_or_above_55_percent_is_silent():
    b = Book()
    b.person("A", vote=HTT, leader=True)
    b.person("B", vote=HTT)
    b.person("C", vote=HTT)
    for code in "ABC":
        b.emulation(code)
    assert not any("trực tiếp lao động" in w for w in b.rate().canh_bao)
