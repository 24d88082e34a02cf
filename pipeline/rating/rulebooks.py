"""Rulebooks as data: ratios, rounding, thresholds, default criteria and the legal citations that
the reasons quote. Nothing here computes; `pipeline.rating.rules` reads these values.

A rulebook is chosen by the evaluation year (rules.md R0) and, from 2026, by the person's staff
category (`for_person`): công chức under ND 335, viên chức under the 2026 viên chức rulebook,
cán bộ / contract staff / NLĐ under the one the agency names in `CoQuan.bo_quy_tac_khac`. `hoso …
--bo-quy-tac` or the workbook's `CoQuan.bo_quy_tac` force one rulebook for everybody. To add a
rulebook, add one `Rulebook(...)` value below and list it in `RULEBOOKS` (see docs/rating.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from pipeline.errors import HosoError
from pipeline.ingest.model import Criterion

ROUNDINGS = ("floor", "round", "ceil")


@dataclass(frozen=True)
class Citations:
    """Where each rule comes from, as printed (Vietnamese) at the end of every reason."""

    procedure: Mapping[str, str]  # loai_nhan_su -> article on self-rating and the unit meeting
    discipline: str  # discipline in the year => KHT
    discipline_b: str  # act already used for a KHT rating in an earlier year
    discipline_c: str  # party and state decisions for one act in different years
    months: str  # < 6 months worked, absence 3 to < 6 months, maternity leave
    cap: str  # HTXS <= ratio x HTT per comparable group
    cap_override: str  # approved exception to the cap
    party: str  # party-member level vs civil-service level
    points: str = ""  # points thresholds (points-based rulebooks)
    # the points regime from periods (KetQuaKy / SanPham), from 2026
    tasks: str = ""  # a) quantity, b) quality, c) progress and the 25 % deductions (non-leaders)
    leaders: str = ""  # d), đ), e) of leaders
    year_score: str = ""  # the year score from the period scores, and the months actually worked
    degradation: str = ""  # degradation concluded by the competent level => KHT
    party_duties: str = ""  # violation of what party members must not do / of the duty to set an example => KHT
    corruption: str = ""  # leaders: corruption or waste in a unit under their direct charge => KHT
    head_unit: str = ""  # the head's level not above the unit's
    # transferred in during the year: the new agency rates, with the old one's opinion after >= 6 months
    # there (ND 90 Art. 20 cl. 1); empty: the rulebook handles it otherwise (ND 335: KetQuaKy don_vi_danh_gia)
    transfer: str = ""
    # ND 90's leader criteria on the units under his authority (kind -> articles): "100% đơn vị thuộc thẩm
    # quyền … hoàn thành nhiệm vụ trở lên, trong đó ít nhất 70% hoàn thành tốt …" for HTXS/HTT, "ít nhất
    # 70% … hoàn thành nhiệm vụ trở lên" for HT (rules.md R2.1–R2.3); empty: not checked
    unit_results: Mapping[str, str] = field(default_factory=dict)
    # who rates the agency head (the superior's head): quoted when the head is outside the agency's cap
    competence: str = ("Điều 16 Nghị định 90/2020/NĐ-CP (người đứng đầu cơ quan do người đứng đầu cơ quan cấp trên "
                       "trực tiếp đánh giá, xếp loại)")
    # the agency head outside the agency's HTXS cap by the rulebook's default (`Rulebook.head_outside_cap`): why, as
    # printed in his reason and in the report's and biểu's «ngoại lệ» (the cap's words are the caller's)
    head_outside: str = ("Người đứng đầu cơ quan do người đứng đầu cơ quan quản lý đánh giá, xếp loại nên không tính trong "
                         "tỷ lệ Hoàn thành xuất sắc nhiệm vụ của các nhóm trong cơ quan: tỷ lệ của người đứng đầu do cấp "
                         "có thẩm quyền xét khi xếp loại.")
    head_outside_basis: str = "người đứng đầu do người đứng đầu cơ quan quản lý xếp loại: tỷ lệ do cấp có thẩm quyền xét"
    # the "quá một nửa" threshold of the unit meeting: no article of ND 90 sets it (Art. 17–19 only
    # say the meeting votes); it is the agency's rule of procedure
    meeting_threshold: str = ("quy chế làm việc của cơ quan: mức được đề xuất khi số phiếu quá một nửa "
                              "số người dự họp")
    # which forms are discipline at all ("phê bình", "nhắc nhở" are not)
    discipline_forms: str = ("Điều 78, Điều 79 Luật Cán bộ, công chức; Điều 52 Luật Viên chức; Điều 35 Điều lệ Đảng "
                             "(các hình thức kỷ luật)")
    ldtt: str = "điểm a khoản 1 Điều 24 Luật Thi đua, khen thưởng số 06/2022/QH15"
    ldtt_months: str = "điểm d khoản 5 Điều 1 Thông tư số 01/2024/TT-BNV (không xét người mới tuyển dụng dưới 06 tháng)"
    # Art. 24 sets the title's standards, not the ballot threshold: the threshold is the agency's rule
    ldtt_ballot: str = ("quy chế thi đua, khen thưởng của cơ quan: bình xét danh hiệu bằng bỏ phiếu kín, đạt khi số phiếu "
                        "đồng ý quá một nửa tổng số phiếu (tiêu chuẩn danh hiệu tại Điều 24 Luật Thi đua, khen thưởng "
                        "số 06/2022/QH15)")
    cstdcs: str = "khoản 1, khoản 2 Điều 23 Luật Thi đua, khen thưởng số 06/2022/QH15"
    # the 15 % is not located in an article of ND 98/2023 (rules.md R7.2: UNCONFIRMED); it stands in
    # the province's guidance and the agency's emulation rules made under ND 98
    cstdcs_cap: str = ("quy chế thi đua, khen thưởng của cơ quan và hướng dẫn thi đua, khen thưởng của tỉnh thực hiện "
                       "Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 quy định chi tiết Luật Thi đua, khen thưởng: tỷ lệ "
                       "Chiến sĩ thi đua cơ sở không quá 15% số cá nhân đạt danh hiệu Lao động tiên tiến (tiêu chuẩn "
                       "danh hiệu tại Điều 23 Luật Thi đua, khen thưởng số 06/2022/QH15)")
    # < 6 months in post in the year (joined or left during it, no leave involved): not rated; empty: `months`
    # (ND 90 Art. 2 cl. 3 says both). ND 335's article on leave is no basis for a recruit of September
    short_time: str = ""
    # how a rule's citation reads for a kind the text does not cover (`Rulebook.for_kind`): «<agency_rules><article>»
    agency_rules: str = "quy chế đánh giá của cơ quan, vận dụng "
    direct_share: str = ("Luật Thi đua, khen thưởng số 06/2022/QH15, nguyên tắc chú trọng khen thưởng cá nhân trực tiếp "
                         "lao động, công tác, và hướng dẫn thi đua, khen thưởng của tỉnh (tỷ lệ 55%)")

    @property
    def months_in_post(self) -> str:
        """The citation of «công tác chưa đủ 06 tháng» for time in post (`short_time`, else `months`)."""
        return self.short_time or self.months

    def unit_results_for(self, loai_nhan_su: str) -> str:
        return self.unit_results.get(loai_nhan_su) or self.unit_results.get("cong_chuc", "")

    def procedure_for(self, loai_nhan_su: str) -> str:
        # a kind the rulebook does not name: its main staff kind's article (never a KeyError)
        return self.procedure.get(loai_nhan_su) or self.procedure.get("cong_chuc") or next(iter(self.procedure.values()))


@dataclass(frozen=True)
class PeriodFormula:
    """How a month's or quarter's score is computed from KetQuaKy / SanPham (workbook-2026.md).

    Each product of weight w (he_so_quy_doi) counts w × [completed] towards a), and
    w × [completed] × max(0, 1 − `deduction` × failures) towards b) and c) (no deduction when waived).
    Period score = general + `task_points` × Σ weight·x / (100 × Σ weight) over a, b, c (and d, đ, e
    for leaders): with the weights 1 that is 70 × (a + b + c) / 300 and 70 × (a + … + e) / 600.
    A ministry's variant (e.g. 30 % progress + 70 % quality) is a rulebook with other weights."""

    general_max: float = 30  # diem_tieu_chi_chung, 0 … general_max
    task_points: float = 70
    deduction: float = 0.25  # per quality failure / per delay, of that product's score
    weights: tuple[float, float, float] = (1, 1, 1)  # a, b, c (non-leaders)
    leader_weights: tuple[float, float, float, float, float, float] = (1, 1, 1, 1, 1, 1)  # a, b, c, d, đ, e
    # False (workbook-2026.md): the periods must cover so_thang_cong_tac; True: months of lawful leave
    # (so_thang_nghi) need no period result (the "actual period of work" reading of ND 335 Art. 21)
    leave_excused: bool = False
    quarter_months: int = 3

    @property
    def divisor(self) -> float:
        return 100 * sum(self.weights)

    @property
    def leader_divisor(self) -> float:
        return 100 * sum(self.leader_weights)


@dataclass(frozen=True)
class Rulebook:
    id: str
    title: str  # Vietnamese, printed in the outputs
    years: tuple[int, int]  # first and last evaluation year it applies to (inclusive)
    cite: Citations
    # R5: HTXS cap per comparable group
    htxs_ratio: float = 0.20
    htxs_rounding: str = "floor"  # floor | round | ceil (no official rule; "không vượt quá" => floor)
    # R4: time worked
    min_months: float = 6  # fewer months worked (and no maternity leave) => not rated
    absence_cap_from: float = 3  # lawful absence of at least this many months caps the level …
    absence_cap_to: float = 6  # … up to (excluding) this many months, as the decree says
    # None: lawful absence sets no ceiling (ND 335 Art. 21: leave is rated on the actual period of work)
    absence_ceiling: str | None = "HT"
    # R3: discipline
    discipline_exceptions: bool = True  # ND 48 points (b) and (c)
    discipline_requires_duty: bool = False  # only violations related to public duty count
    discipline_forms: tuple[str, ...] = ()  # forms that count (empty: every form); folded, no diacritics
    # points (ND 335)
    points_based: bool = False
    points_thresholds: tuple[tuple[str, float], ...] = ()  # (level, minimum points), best first
    points_scale: float = 100
    periods: PeriodFormula | None = None  # the score from periods (KetQuaKy), when the rulebook has one
    kht_cases: tuple[str, ...] = ()  # "suy_thoai", "vi_pham_dang_vien", "tham_nhung_don_vi": KHT whatever the points
    head_not_above_unit: bool = False  # the head's level not above the unit's (DonVi.muc_xep_loai_don_vi)
    # the agency head outside his agency's HTXS cap groups when CoQuan «Người đứng đầu ngoài tỷ lệ HTXS của cơ
    # quan» is empty. ND 335 Art. 10 cl. 2 (regime-2026.md §1.5) splits the decision: the head of the managing
    # agency rates the agency head, the agency head rates the others; the agency's cap is applied by the one
    # who decides, to the people he decides on. No text says it in words (docs/rating.md rule 4)
    head_outside_cap: bool = False
    default_criteria: tuple[Criterion, ...] = ()
    # R7: emulation
    ldtt_levels: tuple[str, ...] = ("HTXS", "HTT")
    ldtt_min_months: float = 6  # newly recruited for less than this: not considered (a warning: the
    #                              workbook does not say who is newly recruited)
    cstdcs_requires_initiative: bool = False  # True: HTXS alone is not enough for CSTĐCS (old law, 2025 draft)
    cstdcs_ratio: float = 0.15
    cstdcs_rounding: str = "floor"
    direct_worker_share: float = 0.55
    # people the rulebook is written for (others get one agency-wide warning)
    staff_kinds: tuple[str, ...] = ("can_bo", "cong_chuc", "vien_chuc", "hop_dong", "nguoi_lao_dong")
    # people the text itself covers (ND 90 Art. 1: cán bộ, công chức, viên chức); the others are rated
    # under the agency's own rules applying it, and their reasons say so (`for_kind`)
    legal_kinds: tuple[str, ...] = ("can_bo", "cong_chuc", "vien_chuc")
    notes: tuple[str, ...] = field(default=())
    # year-dependent data: ((first, last, {field: value, "cite": {citation field: text}}), ...).
    # The texts in force change inside one rulebook's years (QĐ 124 → QĐ 366 for 2025, the 2003
    # emulation law → the 2022 law from 2024); `in_year` applies them.
    by_year: tuple[tuple[int, int, Mapping[str, Any]], ...] = ()

    def in_year(self, year: int) -> Rulebook:
        """This rulebook with the data and citations of the texts in force for `year`."""
        rb = self
        for first, last, changes in self.by_year:
            if first <= year <= last:
                changes = dict(changes)
                cite = changes.pop("cite", None)
                rb = replace(rb, **changes, cite=replace(rb.cite, **cite) if cite else rb.cite)
        return replace(rb, by_year=())

    def for_kind(self, loai_nhan_su: str) -> Rulebook:
        """This rulebook as the reasons of one staff kind cite it: for a kind the text does not cover
        (contract staff and NLĐ under ND 90, rules.md R2.5; anyone but công chức under ND 335), each rule's
        citation becomes "quy chế đánh giá của cơ quan, vận dụng <article>" (`Citations.agency_rules`: «của đơn vị»
        under nd233-2026, the rules of a đơn vị sự nghiệp công lập)."""
        if loai_nhan_su in self.legal_kinds:
            return self
        c = self.cite

        def applied(text: str) -> str:
            return text if not text or text.startswith("quy chế") else f"{c.agency_rules}{text}"

        changes: dict[str, Any] = {name: applied(getattr(c, name)) for name in APPLIED_CITATIONS}
        return replace(self, cite=replace(c, **changes))

    def settings(self) -> dict[str, Any]:
        """The numbers behind the rules, for the JSON and the spreadsheet."""
        out = {
            "ty_le_htxs": self.htxs_ratio, "lam_tron_htxs": self.htxs_rounding,
            "so_thang_toi_thieu": self.min_months,
            "nghi_gioi_han": [self.absence_cap_from, self.absence_cap_to], "muc_toi_da_khi_nghi": self.absence_ceiling,
            "ngoai_le_ky_luat_b_c": self.discipline_exceptions,
            "ty_le_cstdcs": self.cstdcs_ratio, "lam_tron_cstdcs": self.cstdcs_rounding,
            "ty_le_truc_tiep": self.direct_worker_share,
            "cstdcs_can_sang_kien": self.cstdcs_requires_initiative,
        }
        if self.points_based:
            out["nguong_diem"] = {lv: pts for lv, pts in self.points_thresholds}
        if self.periods is not None:
            f = self.periods
            out["cong_thuc_ky"] = {
                "diem_tieu_chi_chung_toi_da": f.general_max, "diem_ket_qua": f.task_points, "ty_le_tru": f.deduction,
                "trong_so": list(f.weights), "trong_so_lanh_dao": list(f.leader_weights),
                "mau_so": f.divisor, "mau_so_lanh_dao": f.leader_divisor, "tru_thang_nghi": f.leave_excused,
            }
        return out


AGENCY_RULES = Citations.agency_rules
# the citations of rules that a kind outside the text gets through the agency's rules (not the emulation
# law, which names người lao động itself, nor the procedure, which is per kind already)
APPLIED_CITATIONS = ("discipline", "discipline_b", "discipline_c", "months", "short_time", "cap", "cap_override", "points",
                     "tasks", "leaders", "year_score", "degradation", "party_duties", "corruption", "head_unit")

_ND90_PROCEDURE = MappingProxyType({
    "can_bo": "Điều 17 Nghị định 90/2020/NĐ-CP",
    "cong_chuc": "Điều 18 Nghị định 90/2020/NĐ-CP",
    "vien_chuc": "Điều 19 Nghị định 90/2020/NĐ-CP",
    "hop_dong": "quy chế đánh giá của cơ quan, vận dụng Điều 18 Nghị định 90/2020/NĐ-CP",
    "nguoi_lao_dong": "quy chế đánh giá của cơ quan, vận dụng Điều 18, 19 Nghị định 90/2020/NĐ-CP",
})

ND48 = "Nghị định 90/2020/NĐ-CP (được bổ sung bởi Nghị định 48/2023/NĐ-CP)"

# The forms of discipline (folded, no diacritics): khiển trách and heavier for công chức, viên
# chức, cán bộ (bãi nhiệm: heavier than khiển trách) and party members; for người lao động the labour
# law's forms (kéo dài thời hạn nâng lương, sa thải: the team's reading of Bộ luật Lao động 2019 Art. 124,
# not in shared/domain). "Phê bình", "nhắc nhở" are not discipline.
STATUTORY_FORMS = ("khien trach", "canh cao", "ha bac luong", "ha ngach", "giang chuc", "cach chuc", "bai nhiem",
                   "buoc thoi viec", "khai tru", "keo dai thoi han nang luong", "sa thai")

_CAP_ND48 = ("khoản 6 Điều 2 " + ND48 + ": tỷ lệ xếp loại Hoàn thành xuất sắc nhiệm vụ không quá tỷ lệ đảng viên được "
             "xếp loại Hoàn thành xuất sắc nhiệm vụ theo quy định của Đảng; {party}: số được xếp loại Hoàn thành xuất sắc "
             "nhiệm vụ không vượt quá 20% số được xếp loại Hoàn thành tốt nhiệm vụ trong từng nhóm có nhiệm vụ tương đồng")
_QD124 = "Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày 10/11/2023"
_QD366 = "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số 43-HD/BTCTW ngày 31/10/2025"

# Emulation before the 2022 law (in force 01/01/2024): Luật Thi đua, khen thưởng 2003 (amended
# 2013) and Nghị định 91/2017/NĐ-CP. Years up to 2022 were reviewed under these texts.
_EMULATION_OLD: dict[str, Any] = {
    "ldtt": "khoản 1 Điều 24 Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2013)",
    "ldtt_months": "Nghị định 91/2017/NĐ-CP (không xét người mới tuyển dụng dưới 10 tháng)",
    "ldtt_ballot": ("quy chế thi đua, khen thưởng của cơ quan: bình xét danh hiệu bằng bỏ phiếu kín, đạt khi số phiếu "
                    "đồng ý quá một nửa tổng số phiếu (tiêu chuẩn danh hiệu tại Điều 24 Luật Thi đua, khen thưởng năm "
                    "2003, sửa đổi, bổ sung năm 2013)"),
    "cstdcs": "Điều 23 Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2013)",
    "cstdcs_cap": ("khoản 3 Điều 9 Nghị định 91/2017/NĐ-CP: tỷ lệ Chiến sĩ thi đua cơ sở không quá 15% tổng số cá nhân "
                   "đạt danh hiệu Lao động tiên tiến"),
    "direct_share": ("Luật Thi đua, khen thưởng năm 2003 (sửa đổi, bổ sung năm 2013), nguyên tắc chú trọng khen thưởng "
                     "cá nhân trực tiếp lao động, công tác, và hướng dẫn thi đua, khen thưởng của tỉnh (tỷ lệ 55%)"),
}

ND90_ND48 = Rulebook(
    id="nd90-2020+nd48-2023",
    title="Nghị định 90/2020/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 48/2023/NĐ-CP",
    years=(2023, 2025),
    cite=Citations(
        procedure=_ND90_PROCEDURE,
        discipline=f"điểm a khoản 5 Điều 2 {ND48}",
        discipline_b=f"điểm b khoản 5 Điều 2 {ND48}",
        discipline_c=f"điểm c khoản 5 Điều 2 {ND48}",
        months="khoản 3 Điều 2 Nghị định 90/2020/NĐ-CP",
        transfer="khoản 1 Điều 20 Nghị định 90/2020/NĐ-CP",
        cap=_CAP_ND48.format(party=_QD124),
        cap_override="ngoại lệ về tỷ lệ Hoàn thành xuất sắc nhiệm vụ do cấp có thẩm quyền cho phép bằng văn bản",
        party="khoản 2 Điều 20, Điều 21 Nghị định 90/2020/NĐ-CP (kết quả xếp loại cán bộ, công chức, viên chức là cơ sở xếp loại đảng viên)",
        # Art. 13 d), 14 d) verbatim for viên chức quản lý (R2.1); Art. 4 cl. 4 verbatim for cán bộ (R2.3);
        # Art. 9, 10 (công chức) assumed parallel (R2.2, UNCONFIRMED verbatim)
        unit_results=MappingProxyType({
            "can_bo": "khoản 4 Điều 4, Điều 5, Điều 6 Nghị định 90/2020/NĐ-CP",
            "cong_chuc": "Điều 8, Điều 9, Điều 10 Nghị định 90/2020/NĐ-CP (công chức lãnh đạo, quản lý)",
            "vien_chuc": "điểm d Điều 13, điểm d Điều 14, Điều 12 Nghị định 90/2020/NĐ-CP (viên chức quản lý)",
        }),
        # Art. 11 cl. 1 a) verbatim (rules.md R2.2), cl. 2 repeats it for leaders; Art. 7 (cán bộ) and 15
        # (viên chức) are assumed parallel (R2.1: UNCONFIRMED verbatim)
        degradation=("điểm a khoản 1, khoản 2 Điều 11 Nghị định 90/2020/NĐ-CP (có biểu hiện suy thoái về tư tưởng chính "
                     "trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa theo đánh giá của cấp có thẩm quyền) và tiêu chí "
                     "tương ứng đối với cán bộ (Điều 7), viên chức (Điều 15)"),
    ),
    # ND 90 Art. 11 cl. 1 a): degradation concluded by the competent level => KHT (the leaders' corruption
    # case of Art. 11 cl. 2 / Art. 15 is UNCONFIRMED in rules.md: a warning only)
    kht_cases=("suy_thoai",),
    discipline_forms=STATUTORY_FORMS,
    by_year=(
        (2025, 2025, MappingProxyType({"cite": MappingProxyType({
            "cap": _CAP_ND48.format(party=_QD366),
            "discipline_forms": ("các hình thức kỷ luật theo Luật Cán bộ, công chức; Điều 52 Luật Viên chức; Điều 35 "
                                 "Điều lệ Đảng"),
        })})),
    ),
)

ND90 = replace(
    ND90_ND48,
    id="nd90-2020",
    title="Nghị định 90/2020/NĐ-CP (trước Nghị định 48/2023/NĐ-CP)",
    years=(2020, 2022),
    discipline_exceptions=False,
    discipline_requires_duty=True,
    cstdcs_requires_initiative=True,
    ldtt_min_months=10,
    cite=replace(
        ND90_ND48.cite,
        discipline=("điểm c khoản 1 Điều 11, Điều 15 Nghị định 90/2020/NĐ-CP (vi phạm trong quá trình thực thi "
                    "nhiệm vụ bị xử lý kỷ luật trong năm đánh giá)"),
        cap=("Quy định số 132-QĐ/TW và Hướng dẫn số 21-HD/BTCTW năm 2019 của Ban Tổ chức Trung ương: số đảng viên được "
             "xếp loại Hoàn thành xuất sắc nhiệm vụ không vượt quá 20% số được xếp loại Hoàn thành tốt nhiệm vụ, áp dụng "
             "theo quy chế đánh giá của cơ quan"),
        party=("Điều 20, Điều 21 Nghị định 90/2020/NĐ-CP và Hướng dẫn số 21-HD/BTCTW năm 2019 (đảng viên xếp loại Hoàn "
               "thành xuất sắc nhiệm vụ phải được xếp loại cán bộ, công chức, viên chức Hoàn thành xuất sắc nhiệm vụ)"),
        **_EMULATION_OLD,
    ),
    by_year=(),
)

_ND335 = "Nghị định 335/2025/NĐ-CP"
# Which forms are discipline, from 2026: the default quotes Art. 78, 79 of the 2008 Luật Cán bộ, công chức (already
# dropped for 2025, the 2025 law in force) and Art. 52 of the 2010 Luật Viên chức, which Luật Viên chức 2025
# replaces from 01/07/2026 (regime-2026.md §2); the new laws' article numbers were not read, so both laws are named
# without them (a 2026 decision may fall before or after 01/07/2026)
_DISCIPLINE_FORMS_2026 = "các hình thức kỷ luật theo Luật Cán bộ, công chức; Luật Viên chức; Điều 35 Điều lệ Đảng"
_ONCE_B = ("quy chế đánh giá của cơ quan: hành vi vi phạm đã được dùng để xếp loại Không hoàn thành nhiệm vụ ở năm "
           "trước thì không tính lại")
_ONCE_C = ("quy chế đánh giá của cơ quan: quyết định kỷ luật của Đảng và của chính quyền đối với cùng một hành vi có "
           "hiệu lực ở hai năm khác nhau thì chỉ tính một lần, ở năm đầu")
# regime-2026.md §1.3/§8 place the levels, the KHT cases and the 20 % cap (with its exception in
# clause 5b) in Art. 20 of ND 335 [uncertain: the official text was not read]
# Article numbers as reported by the press and public code (regime-2026.md §1): [uncertain] until checked
# against the official text; they are data, a clerk may correct them here.
_ND335_LEVELS = f"Điều 20 {_ND335}"
# rules.md R5.3, R7.2: no text read says how the 20 % of HTT and the 15 % of LĐTT are rounded (UNCONFIRMED);
# «không vượt quá» is only sure to hold rounded down (`htxs_rounding`, `cstdcs_rounding`): said once on the console
_ROUNDING_NOTE = ("Số Hoàn thành xuất sắc nhiệm vụ tối đa (20% số Hoàn thành tốt nhiệm vụ của nhóm) và số Chiến sĩ thi "
                  "đua cơ sở tối đa (15% số đạt Lao động tiên tiến) được làm tròn xuống: chưa tìm thấy văn bản quy định "
                  "cách làm tròn, «không vượt quá» chỉ chắc chắn đúng khi làm tròn xuống; sửa trong bộ quy tắc nếu hướng "
                  "dẫn của tỉnh khác.")

ND335 = Rulebook(
    id="nd335-2025",
    title=f"{_ND335} (đánh giá theo thang điểm 100)",
    years=(2026, 2100),
    cite=Citations(
        procedure=MappingProxyType({
            "cong_chuc": f"Điều 10, Điều 21 {_ND335} (theo dõi, đánh giá, chấm điểm công chức)",
            # ND 335 covers công chức: the others are rated under the agency's own rules applying it
            "can_bo": f"quy chế đánh giá của cơ quan, vận dụng Điều 10, Điều 21 {_ND335}",
            "hop_dong": f"quy chế đánh giá của cơ quan, vận dụng Điều 10, Điều 21 {_ND335}",
            "nguoi_lao_dong": f"quy chế đánh giá của cơ quan, vận dụng Điều 10, Điều 21 {_ND335}",
        }),
        discipline=(f"điểm c khoản 4 {_ND335_LEVELS} (vi phạm liên quan đến hoạt động công vụ bị kỷ luật "
                    "từ khiển trách trở lên trong năm đánh giá)"),
        # one act counts once: ND 48's points b/c are not law for 2026 and the decree's own rule was not
        # seen, so the reason names the agency's rules of evaluation (a clerk may correct it here)
        discipline_b=_ONCE_B,
        discipline_c=_ONCE_C,
        # ND 335 Art. 21 (regime-2026.md §1.4, verbatim in translation): absent for legitimate reasons,
        # sick or on maternity leave, "the ranking is carried out based on the total score … for the
        # actual period of civil servant work in the year" — rated on the time actually worked, with no
        # ceiling for 3 to < 6 months of leave (ND 90's rule). The 06-month minimum is kept "as today"
        # (workbook-2026.md): its article in ND 335 was not seen, so it is cited as the agency's rule.
        months=(f"Điều 21 {_ND335} (nghỉ theo quy định, nghỉ ốm, nghỉ thai sản: xếp loại theo tổng điểm theo dõi, đánh "
                "giá trong thời gian công tác thực tế trong năm; ngưỡng 06 tháng theo quy chế đánh giá của cơ quan)"),
        # the 06-month minimum itself: no article of ND 335 seen (regime-2026.md), kept as the agency's rule
        short_time=f"quy chế đánh giá của cơ quan thực hiện {_ND335} (ngưỡng 06 tháng công tác thực tế trong năm)",
        cap=(f"điểm a khoản 5 {_ND335_LEVELS}: số công chức xếp loại Hoàn thành xuất sắc nhiệm vụ không vượt quá 20% "
             "số được xếp loại Hoàn thành tốt nhiệm vụ trong từng nhóm công chức có nhiệm vụ tương đồng"),
        cap_override=f"điểm b khoản 5 {_ND335_LEVELS} (ngoại lệ do cấp có thẩm quyền cho phép bằng văn bản)",
        competence=(f"khoản 2 Điều 10 {_ND335} (người đứng đầu cơ quan quản lý xếp loại người đứng đầu cơ quan)"),
        party=f"Điều 23 {_ND335} và Quy định số 366-QĐ/TW (kết quả xếp loại công chức là cơ sở xếp loại đảng viên)",
        points=(f"khoản 1 đến khoản 4 {_ND335_LEVELS}: Hoàn thành xuất sắc nhiệm vụ từ 90 điểm, Hoàn thành tốt "
                "nhiệm vụ từ 70 đến dưới 90 điểm, Hoàn thành nhiệm vụ từ 50 đến dưới 70 điểm, Không hoàn thành nhiệm vụ "
                "dưới 50 điểm"),
        tasks=(f"Điều 14 {_ND335} (số lượng, chất lượng, tiến độ sản phẩm, công việc đã quy đổi; mỗi lần không đạt "
               "hoặc chậm trừ 25% điểm của sản phẩm đó, trừ lỗi do nguyên nhân khách quan được xác nhận)"),
        leaders=f"Điều 15 {_ND335} (kết quả đơn vị phụ trách, năng lực tổ chức thực hiện, năng lực tập hợp, đoàn kết)",
        year_score=(f"Điều 21 {_ND335} (xếp loại năm theo điểm trung bình của các tháng, quý theo dõi, đánh giá "
                    "trong thời gian công tác thực tế)"),
        degradation=(f"điểm b khoản 4 {_ND335_LEVELS} (cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng "
                     "chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hóa)"),
        corruption=(f"điểm d khoản 4 {_ND335_LEVELS} (cơ quan, đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra tham "
                    "nhũng, lãng phí và bị xử lý theo quy định)"),
        # regime-2026.md §1.3 b) [verbatim, cafef]: the same point lists these two grounds after degradation
        party_duties=(f"điểm b khoản 4 {_ND335_LEVELS} (vi phạm những điều đảng viên không được làm; vi phạm trách "
                      "nhiệm nêu gương)"),
        discipline_forms=_DISCIPLINE_FORMS_2026,
    ),
    discipline_exceptions=False,
    discipline_requires_duty=True,
    discipline_forms=STATUTORY_FORMS,
    points_based=True,
    points_thresholds=(("HTXS", 90), ("HTT", 70), ("HT", 50), ("KHT", 0)),
    # Art. 21: the year is the score of the actual period of work, so months of lawful leave need no
    # period result, and leave sets no ceiling (ND 90's 3-to-6-month rule is not in the 2026 texts read)
    periods=PeriodFormula(leave_excused=True),
    absence_ceiling=None,
    kht_cases=("suy_thoai", "vi_pham_dang_vien", "tham_nhung_don_vi"),
    head_outside_cap=True,
    default_criteria=(
        Criterion("CHUNG", "Tiêu chí chung: chính trị, đạo đức, văn hóa thực thi công vụ, kỷ luật, trách nhiệm, "
                           "thái độ phục vụ, đổi mới sáng tạo", 30, "chung"),
        Criterion("KET_QUA", "Kết quả thực hiện nhiệm vụ: số lượng, chất lượng, tiến độ sản phẩm/công việc (đã quy đổi)",
                  70, "nhiem_vu"),
    ),
    staff_kinds=("cong_chuc",),
    legal_kinds=("cong_chuc",),
    notes=("Số điều, khoản của Nghị định 335/2025/NĐ-CP trong lý do xếp loại lấy theo báo chí và mã nguồn công khai, "
           "chưa đối chiếu văn bản chính thức; sửa trong bộ quy tắc nếu khác. Người nghỉ theo quy định được xếp loại theo "
           "điểm của thời gian công tác thực tế (Điều 21), không giới hạn mức khi nghỉ từ 03 đến dưới 06 tháng như Nghị "
           "định 90/2020/NĐ-CP; ngưỡng 06 tháng công tác thực tế giữ theo quy chế đánh giá của cơ quan.", _ROUNDING_NOTE),
)

_ND233 = "Nghị định 233/2026/NĐ-CP"
_LVC = "Luật Viên chức 2025"
_ND233_LEVELS = f"Điều 12 {_ND233}"

_ND233_NOTE = (f"Bộ quy tắc nd233-2026 CHƯA ĐƯỢC XÁC NHẬN: {_ND233} (26/6/2026) chỉ được biết qua mã nguồn công khai; "
               "số hiệu, điều khoản và tỷ lệ cần đối chiếu văn bản chính thức. Cách tính điểm dùng khung 30 + 70 như "
               "Nghị định 335/2025/NĐ-CP, kể cả cách xếp loại người nghỉ theo quy định (theo thời gian công tác thực tế, "
               "không giới hạn mức)")

ND233 = replace(
    ND335,
    id="nd233-2026",
    # printed as the legal basis (report to the Sở Nội vụ): no disclaimer here, it is in `notes` (console) and docs
    title=f"{_LVC} và {_ND233} (đánh giá viên chức theo thang điểm 100)",
    years=(2026, 2100),
    cite=Citations(
        procedure=MappingProxyType({
            "vien_chuc": f"Điều 26 {_LVC}; {_ND233} (theo dõi, đánh giá viên chức theo tháng, quý)",
            # the unit's own rules for the others (regime-2026.md §0: NLĐ are the unit's choice)
            "can_bo": f"quy chế đánh giá của đơn vị, vận dụng Điều 26 {_LVC} và {_ND233}",
            "hop_dong": f"quy chế đánh giá của đơn vị, vận dụng Điều 26 {_LVC} và {_ND233}",
            "nguoi_lao_dong": f"quy chế đánh giá của đơn vị, vận dụng Điều 26 {_LVC} và {_ND233}",
        }),
        discipline=(f"{_ND233_LEVELS} (viên chức bị kỷ luật từ khiển trách trở lên do vi phạm trong hoạt động "
                    "nghề nghiệp trong năm đánh giá)"),
        # one act counts once: ND 48's points b/c are not law for 2026 and the decree's own rule was not
        # seen, so the reason names the agency's rules of evaluation (a clerk may correct it here)
        discipline_b=_ONCE_B,
        discipline_c=_ONCE_C,
        # printed on a viên chức's phiếu (not rated): ND 335 governs công chức only, so it is not cited here; that
        # the leave rule follows ND 335 Art. 21 is an assumption, said in `notes` and docs (audit 33)
        months=(f"{_ND233} (xếp loại theo kết quả trong thời gian công tác thực tế trong năm; ngưỡng 06 tháng theo quy "
                "chế đánh giá của đơn vị)"),
        cap=(f"{_ND233_LEVELS}: số viên chức xếp loại Hoàn thành xuất sắc nhiệm vụ không vượt quá 20% số được xếp loại "
             "Hoàn thành tốt nhiệm vụ trong từng nhóm chức danh tương đồng"),
        cap_override=f"{_ND233_LEVELS} (ngoại lệ do cấp có thẩm quyền cho phép bằng văn bản)",
        competence=f"{_ND233} (người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp loại)",
        # the words of `competence` (a đơn vị sự nghiệp công lập's head, not ND 335's «cơ quan quản lý»)
        head_outside=("Người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị đánh giá, xếp loại nên không tính trong "
                      "tỷ lệ Hoàn thành xuất sắc nhiệm vụ của các nhóm trong đơn vị: tỷ lệ của người đứng đầu do cấp có "
                      "thẩm quyền xét khi xếp loại."),
        head_outside_basis="người đứng đầu đơn vị do cấp có thẩm quyền quản lý đơn vị xếp loại: tỷ lệ do cấp có thẩm quyền xét",
        # the party's texts, not the state's: no article of Luật Viên chức 2025 or ND 233 read says the viên chức
        # level is the basis of the party level (regime-2026.md §2, §3; ND 335 Art. 23 cl. 3 says it for công chức)
        party=f"{_QD366} (kết quả xếp loại viên chức là cơ sở xếp loại đảng viên)",
        points=(f"{_ND233_LEVELS}: Hoàn thành xuất sắc nhiệm vụ từ 90 điểm, Hoàn thành tốt nhiệm vụ từ 70 đến dưới "
                "90 điểm, Hoàn thành nhiệm vụ từ 50 đến dưới 70 điểm, Không hoàn thành nhiệm vụ dưới 50 điểm"),
        tasks=f"khoản 1, khoản 2 Điều 11 {_ND233} (số lượng, chất lượng, tiến độ sản phẩm, công việc)",
        leaders=f"Điều 11 {_ND233} (tiêu chí đối với viên chức quản lý)",
        year_score=f"Điều 26 {_LVC}; {_ND233} (xếp loại năm theo kết quả theo dõi, đánh giá các tháng, quý)",
        degradation=f"{_ND233_LEVELS} (cấp có thẩm quyền kết luận có biểu hiện suy thoái, tự diễn biến, tự chuyển hóa)",
        corruption=f"{_ND233_LEVELS} (đơn vị thuộc phạm vi phụ trách trực tiếp xảy ra tham nhũng, lãng phí)",
        party_duties=f"{_ND233_LEVELS} (vi phạm những điều đảng viên không được làm, trách nhiệm nêu gương)",
        head_unit=f"khoản 7 Điều 12 {_ND233}: mức xếp loại của người đứng đầu không cao hơn mức xếp loại của đơn vị",
        discipline_forms=_DISCIPLINE_FORMS_2026,
        # the rules of the body it rates are a đơn vị sự nghiệp công lập's («của đơn vị», as `procedure` says): the
        # người lao động a unit rates under this rule set (CoQuan «Bộ quy tắc cho cán bộ, hợp đồng, NLĐ»), and the
        # emulation rules of an agency whose main rule set it is (`categories.Plan.primary`)
        agency_rules="quy chế đánh giá của đơn vị, vận dụng ",
        ldtt_ballot=Citations.ldtt_ballot.replace("khen thưởng của cơ quan:", "khen thưởng của đơn vị:", 1),
        cstdcs_cap=Citations.cstdcs_cap.replace("khen thưởng của cơ quan và", "khen thưởng của đơn vị và", 1),
    ),
    head_not_above_unit=True,
    discipline_forms=STATUTORY_FORMS,
    staff_kinds=("vien_chuc",),
    legal_kinds=("vien_chuc",),
    default_criteria=(
        Criterion("CHUNG", "Tiêu chí chung: phẩm chất chính trị, đạo đức, kỷ luật; năng lực chuyên môn, trách nhiệm, "
                           "thái độ phục vụ, phối hợp; đổi mới, sáng tạo", 30, "chung"),
        Criterion("KET_QUA", "Kết quả thực hiện nhiệm vụ: số lượng, chất lượng, tiến độ sản phẩm/công việc (đã quy đổi)",
                  70, "nhiem_vu"),
    ),
    notes=(_ND233_NOTE + ".", _ROUNDING_NOTE),
    # the transition of the year it came into force: said for 2026 only (a 2027 workbook has no such months)
    by_year=((2026, 2026, {"notes": (
        _ND233_NOTE + ". Nghị định và Luật Viên chức 2025 có hiệu lực từ 01/07/2026; quy định chuyển tiếp cho các tháng "
        "01–06/2026 chưa tìm thấy: chương trình tính mọi kỳ của năm 2026 theo bộ quy tắc này — đối chiếu hướng dẫn của "
        "Sở Nội vụ.", _ROUNDING_NOTE)}),),
)

RULEBOOKS: Mapping[str, Rulebook] = MappingProxyType({rb.id: rb for rb in (ND90, ND90_ND48, ND335, ND233)})

# From 2026, the rulebook of each staff category; the agency chooses for the others (CoQuan.bo_quy_tac_khac).
BY_CATEGORY_FROM = 2026
BY_CATEGORY: Mapping[str, str] = MappingProxyType({"cong_chuc": ND335.id, "vien_chuc": ND233.id})
OTHERS_DEFAULT = ND335.id  # cán bộ, hợp đồng, người lao động when CoQuan.bo_quy_tac_khac is empty


class UnknownRulebook(HosoError):
    """A rulebook id that does not exist (from --bo-quy-tac or CoQuan.bo_quy_tac)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"Không có bộ quy tắc «{name}». Các bộ quy tắc có: {', '.join(RULEBOOKS)}.",
                         hint="Sửa ô «Bộ quy tắc» ở sheet CoQuan hoặc tùy chọn --bo-quy-tac.")


def for_year(year: int) -> Rulebook:
    """R0: the rulebook of an evaluation year (years before 2020 get ND 90, the oldest modelled)."""
    for rb in RULEBOOKS.values():
        if rb.years[0] <= year <= rb.years[1]:
            return rb
    return ND90 if year < ND90.years[0] else ND335


def by_id(name: str) -> Rulebook:
    name = str(name).strip()
    if name not in RULEBOOKS:
        raise UnknownRulebook(name)
    return RULEBOOKS[name]


def for_person(year: int, loai_nhan_su: str, others: str | None = None) -> Rulebook:
    """The rulebook of one person when nothing forces one for everybody: from 2026 by staff category
    (cán bộ, hợp đồng, người lao động: the agency's choice `others`, default nd335-2025); before, by year."""
    if year < BY_CATEGORY_FROM:
        return for_year(year)
    name = BY_CATEGORY.get(loai_nhan_su) or (others or "").strip() or OTHERS_DEFAULT
    return by_id(name)


def uses_periods(year: int, forced: str | None = None) -> bool:
    """The workbook of `year` is rated from monthly/quarterly results (KetQuaKy, SanPham): the rulebook
    it forces (CoQuan `bo_quy_tac`) has a period formula, or, none forced, the rulebooks of the year do
    (from 2026 those of the staff categories; before, the year's: ND 90 has no periods)."""
    if forced and forced.strip() in RULEBOOKS:
        return RULEBOOKS[forced.strip()].periods is not None
    if year >= BY_CATEGORY_FROM:
        return any(RULEBOOKS[n].periods is not None for n in (*BY_CATEGORY.values(), OTHERS_DEFAULT))
    return for_year(year).periods is not None


def resolve(year: int, *overrides: str | Rulebook | None) -> Rulebook:
    """The first override given (a Rulebook or an id) wins; otherwise the year decides."""
    for o in overrides:
        if isinstance(o, Rulebook):
            return o
        if o:
            name = str(o).strip()
            if name not in RULEBOOKS:
                raise UnknownRulebook(name)
            return RULEBOOKS[name]
    return for_year(year)


def notes_for(ids: str, year: int | None = None) -> tuple[str, ...]:
    """The notes (what is unconfirmed) of the rulebooks named in `Ratings.bo_quy_tac` ("a, b"), as they read for
    the evaluation `year` (`Rulebook.in_year`)."""
    out: list[str] = []
    for name in ids.split(", "):
        rb = RULEBOOKS.get(name.strip())
        if rb is not None:
            out += [n for n in (rb.in_year(year) if year is not None else rb).notes if n not in out]
    return tuple(out)
