"""Form templates on disk: `templates/<code>/template.docx` + `meta.toml`, and the form sets.

A clerk can correct headings marked [R]/UNCONFIRMED in `meta.toml` ([labels]) or edit the Word
file itself; nothing here needs Python changes for that.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.errors import TemplateError, toml_words
from pipeline.resources import templates_dir

# meta.toml `status` (optional; older meta files have none): how far the layout can be trusted
STATUS = {
    "tai_dung": "tái dựng, chưa đối chiếu văn bản chính thức",
    "chinh_thuc": "theo văn bản chính thức",
    "": "theo bản sao (xem chú thích [labels])",
}
OPEN_END = 2100  # `years = [2026, 2100]`: no last year known
# meta.toml `giai_doan` (optional): the stage of the campaign a paper records. "de_xuat": the unit's
# proposals, made at its meeting before any decision — the paper prints every level as proposed then
# (`Ratings.unit_proposals`), so a decision entered later never changes a paper already signed.
# "" (default): the final levels (decided, else proposed, marked so where the form says it).
STAGES = ("", "de_xuat")
# the unit's papers dated with its meeting (DonVi.ngay_hop); meta files exported before the key
STAGE_DEFAULTS = {code: "de_xuat" for code in ("bien_ban_hop", "bien_ban_kiem_phieu", "tong_hop_xep_loai", "tong_hop_thi_dua")}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")  # a form code is a file name: never a path


@dataclass(frozen=True)
class PageRule:
    """meta.toml `trang = [A, B]` (+ `trang_ky_tu = C`, `trang_mau = "…"`): how many pages a healthy
    render of one document of this form has — from A to B, and more for a longer document: up to
    one page per C units of its length (`pipeline.pdf.validate.docx_length`). Measured on the sample
    workbooks with margin (`tools/measure_pages.py`); it holds for the template.docx whose SHA-256
    starts with `trang_mau` (another template.docx, e.g. edited by an agency, is not checked)."""

    least: int
    most: int
    per_page: int | None  # length units a page holds at least; None: the range does not grow
    template: str  # the first hex digits of the SHA-256 of the template.docx it was measured on

    def bounds(self, length: int) -> tuple[int, int]:
        grown = -(-length // self.per_page) if self.per_page else 0
        return self.least, max(self.most, grown)


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    ma_hieu: str
    issuing_document: str
    years: tuple[int, int]
    scope: str  # ca_nhan | don_vi | co_quan
    template: Path
    labels: dict[str, Any] = field(default_factory=dict, compare=False)
    signers: tuple[str, ...] = ()
    copies: int = 1
    initials: bool = False
    recipients: str = ""
    status: str = ""  # "tai_dung": reconstructed, no official layout was read (see STATUS)
    sources: tuple[str, ...] = ()  # what the reconstruction rests on (meta.toml `sources`)
    page_rule: PageRule | None = field(default=None, compare=False)  # meta.toml `trang` (see PageRule)
    giai_doan: str = ""  # meta.toml `giai_doan` (see STAGES)

    @property
    def records_proposals(self) -> bool:
        """The paper records the unit's proposals as its meeting made them (`giai_doan = "de_xuat"`)."""
        return self.giai_doan == "de_xuat"

    @property
    def reconstructed(self) -> bool:
        return self.status == "tai_dung"

    @property
    def status_text(self) -> str:
        return STATUS.get(self.status, self.status)

    @property
    def years_text(self) -> str:
        first, last = self.years
        return f"từ năm {first}" if last >= OPEN_END else f"{first}–{last}"

    @property
    def template_sha256(self) -> str:
        return _file_sha(self.template)

    def applies_to(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]

    @property
    def pages(self) -> PageRule | None:
        """The page rule, when it was measured on this very template.docx (else no page check)."""
        rule = self.page_rule
        if rule is None or not self.template_sha256.startswith(rule.template):
            return None
        return rule


PAGE_KEYS = ("trang", "trang_ky_tu", "trang_mau")


def _page_rule(meta: Path, data: dict[str, Any]) -> PageRule | None:
    """meta.toml's page range (None when it declares none); a malformed one is a TemplateError
    naming the file and the key (`hoso templates check` reports it too)."""
    if "trang" not in data:
        if any(k in data for k in PAGE_KEYS):
            raise TemplateError(f"Tệp «{meta}»: có «trang_ky_tu»/«trang_mau» mà thiếu khóa «trang» "
                                "(số trang ít nhất và nhiều nhất, ví dụ: trang = [2, 4]).")
        return None
    pages, per, sha = data["trang"], data.get("trang_ky_tu"), data.get("trang_mau")
    if (not isinstance(pages, list) or len(pages) != 2 or not all(type(n) is int for n in pages)
            or not 1 <= pages[0] <= pages[1] <= 500):
        raise TemplateError(f"Tệp «{meta}»: khóa «trang» phải là [số trang ít nhất, số trang nhiều nhất] với "
                            f"1 ≤ ít nhất ≤ nhiều nhất ≤ 500 (ví dụ: trang = [2, 4]); đang ghi: {pages!r}.")
    if per is not None and (type(per) is not int or per < 100):
        raise TemplateError(f"Tệp «{meta}»: khóa «trang_ky_tu» phải là một số nguyên từ 100 trở lên (độ dài văn "
                            f"bản mà một trang chứa được ít nhất); đang ghi: {per!r}.")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{12,64}", sha):
        raise TemplateError(f"Tệp «{meta}»: khóa «trang_mau» phải là phần đầu (12–64 chữ số hex) mã SHA-256 của "
                            f"tệp template.docx đã đo số trang; đang ghi: {sha!r}. Đo lại: python tools/measure_pages.py")
    return PageRule(pages[0], pages[1], per, sha)


@cache
def _file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Registry:
    """All forms of one templates folder (the defaults, or an agency's own copy)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else templates_dir()
        if not self.root.is_dir():
            raise TemplateError(f"Không thấy thư mục mẫu biểu «{self.root}».")
        self._forms: dict[str, FormSpec] = {}
        for meta in sorted(self.root.glob("*/meta.toml")):
            spec = self._load(meta)
            self._forms[spec.code] = spec
        self.form_sets = self._load_sets()

    def _load(self, meta: Path) -> FormSpec:
        try:
            data = tomllib.loads(meta.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TemplateError(f"Tệp «{meta}»: {toml_words(exc)}.") from exc
        try:
            if not isinstance(data["code"], str) or not _CODE.fullmatch(data["code"]):
                raise TemplateError(f"Tệp «{meta}»: mã mẫu «{data['code']}» không dùng làm tên tệp được (mã được dùng "
                                    "làm tên tệp: chỉ gồm chữ cái không dấu, chữ số, dấu - hoặc _).")
            template = meta.parent / data.get("template", "template.docx")
            if not template.is_file():
                raise TemplateError(f"Mẫu «{data['code']}»: thiếu tệp Word «{template}».")
            years = data.get("years", [2000, 2100])
            stage = data.get("giai_doan", STAGE_DEFAULTS.get(data["code"], ""))
            if stage not in STAGES:
                raise TemplateError(f"Tệp «{meta}»: giai_doan = «{stage}» không hợp lệ (để trống, hoặc \"de_xuat\" cho giấy "
                                    "tờ ghi mức đơn vị đề xuất tại cuộc họp, trước khi cấp có thẩm quyền quyết định).")
            return FormSpec(
                code=data["code"], title=data["title"], ma_hieu=data.get("ma_hieu", ""),
                issuing_document=data.get("issuing_document", ""), years=(int(years[0]), int(years[1])),
                scope=data.get("scope", "ca_nhan"), template=template, labels=dict(data.get("labels", {})),
                signers=tuple(data.get("signers", ())), copies=int(data.get("copies", 1)),
                initials=bool(data.get("initials", False)), recipients=data.get("recipients", ""),
                status=str(data.get("status", "")), sources=tuple(str(x) for x in data.get("sources", ())),
                page_rule=_page_rule(meta, data), giai_doan=stage,
            )
        except KeyError as exc:
            raise TemplateError(f"Tệp «{meta}» thiếu khóa bắt buộc «{exc.args[0]}».") from exc

    def _load_sets(self) -> dict[str, Any]:
        path = self.root / "bo_mau.toml"
        if not path.is_file():
            raise TemplateError(f"Thiếu tệp bộ mẫu «{path}».")
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(f"Tệp «{path}»: {toml_words(exc)}.") from exc

    def get(self, code: str) -> FormSpec:
        try:
            return self._forms[code]
        except KeyError:
            raise TemplateError(f"Không có mẫu «{code}» trong thư mục mẫu biểu «{self.root}».") from None

    def __contains__(self, code: str) -> bool:
        return code in self._forms

    @property
    def codes(self) -> list[str]:
        return list(self._forms)
