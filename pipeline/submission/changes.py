"""What changed since the last build of an output folder, and the sheets to print and sign again.

Every build compares what it is about to swap in with the output it replaces (and `hoso diff OLD
NEW` compares two output folders the same way), from the two manifests:

- a **document** is signed again when its `.docx` has another SHA-256 (its content changed) or it
  is new — the one rule `hoso nhan-ban-ky` follows too: the version in its pages' codes is that
  digest's first hex digits (pipeline/bundle/build.py), so a signed page is set aside in
  `can_ky_lai.pdf` exactly when its document is listed here for its words. A document that only
  moved (another document before it grew) is not: two-sided, every document starts on a sheet of
  its own (bundle/assemble.py `_doc_pages`), so its printed sheets still hold its own pages;
- the **cover sheet** (cover and table of contents) of a person's or a unit's dossier changed when
  the dossier's bytes changed and the cover's text differs from the previous one;
- a document or cover whose **page numbers only** changed (moved in its dossier, another page total
  at its foot, another page range in a table of contents) is listed apart (`renumbered`): not in
  in_lai.pdf, nothing to sign again;
- the Sở Nội vụ's own documents (report, summary table, public notice) changed when their PDF did (a PDF
  the manifests record as converted from a `.docx`, `nop_so_noi_vu.tep[].docx`: when that `.docx` or its number of
  pages did); the package is to send again (`Changes.resend`) when a file it holds changed in content (`_resend`);
- a **unit's code** corrected in the workbook (NK → NKH in DonVi and every row naming it) moves its
  files (`don_vi/NK.pdf` → `don_vi/NKH.pdf`, `ca_nhan/NK/` → `ca_nhan/NKH/`) but changes no word of a
  document whose `.docx` is the same: the unit's documents and covers are compared with the old
  code's (`renamed`), and the code change is said once (`Changes.renamed_units`, manifest
  `thay_doi.doi_ma_don_vi`) instead of listing its documents as new;
- a **person's data** changed when the fingerprint of every row about them in the workbook (NhanSu,
  TuDanhGia, BieuQuyet, KyLuat, ThiDua, ChamDiem; manifest `du_lieu_nguoi`) differs: a vote
  changes no person's own form but the unit's minutes, and the summary names that person.

The pages to print again are taken from the dossier the clerk printed: a person's forms from the
person's dossier (`ca_nhan/<đơn vị>/<mã số>.pdf`, with its page numbers), the unit's own documents
(minutes, collective review, summary tables) from the unit's dossier, the agency's documents from
`nop_so_noi_vu/`. When the dossiers are printed two-sided (the default; not with --no-duplex) a
sheet carries two pages, so the range is widened to whole sheets (from the odd page before, to the
even page after). `in_lai.pdf` holds those sheets in dossier order (units in their order; in each
unit its documents and persons in review order; then the agency's documents), each run of pages
starting on an odd page (a blank page completes a run of odd length), with one bookmark per
document; `thay_doi.txt` lists them, with the same pages in the unit's dossier.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pypdf import PageObject

    from pipeline.document import Build, Made
    from pipeline.ingest.model import Campaign
    from pipeline.output import Staged

CONTENT, NUMBERS = "noi_dung", "so_trang"  # what changed on a document: its words, or only its page numbers
_DIGITS = re.compile(r"\d+")
REPRINT = "in_lai.pdf"
LISTING = "thay_doi.txt"
SECTION = "thay_doi"  # manifest section of the comparison made by the build
FINGERPRINTS = "du_lieu_nguoi"  # manifest: ma_so -> fingerprint of that person's rows
AGENCY_KINDS = ("cong_van_so_noi_vu", "bao_cao_so_noi_vu", "bieu_tong_hop", "thong_bao_ket_qua",
                "bao_cao_tu_danh_gia_co_quan", "bien_ban_tu_xep_loai_co_quan")
OWN_FILES = (REPRINT, LISTING)  # what the comparison itself writes: never compared
# in a build's view (`staged_view`, never written): its people's fingerprints with unit codes written as
# before, {new code: old code} -> `person_fingerprints(campaign, codes)`; none in a manifest read (`hoso diff`)
RECODED = "_du_lieu_nguoi_theo_ma_cu"
# manifest: ma_so -> fingerprint of that person's rows with their unit code left out (`uncoded_fingerprints`):
# `hoso diff`, which has no workbook, tells a person of a recoded unit whose rows changed only in that code
UNCODED = "du_lieu_nguoi_khong_ma_don_vi"
# manifest: every earlier code of a unit of this output, chained across builds to the code it has now
# (`unit_code_history`): [{"ma_cu", "ma_moi", "ten_don_vi"}]; `hoso nhan-ban-ky` follows a page printed under one
UNIT_CODES = "ma_don_vi_cu"
# a spreadsheet's entry in the manifest's `nop_so_noi_vu.tep`: the digest of its cell values (package.values_digest),
# by which a rebuild tells a table whose values changed from one only written again (`_Walk._resend`)
VALUES = "gia_tri_sha256"


def person_fingerprints(campaign: Campaign, recode: Mapping[str, str] | None = None) -> dict[str, str]:
    """A digest of every row about each person (records' repr leaves out their cell references).

    The points regime's periods and products (KetQuaKy, SanPham) are the person's data too. A person
    with some gets «<digest of all>+<digest without them>»: builds before they counted recorded the
    second alone, and `same_data` compares such a record with that part (else the first rebuild after
    the change would name everybody as changed)."""
    indexes: dict[int, dict[str, list[str]]] = {}

    def rows(items: Iterable[Any], ma_so: str) -> list[str]:
        """repr of the rows of `items` about `ma_so`, in their order (each collection indexed once: not a pass
        over every row for every person)."""
        index = indexes.get(id(items))
        if index is None:
            index = indexes[id(items)] = {}
            for x in items:
                index.setdefault(x.ma_so, []).append(repr(x))
        return list(index.get(ma_so, []))

    def digest(parts: list[Any]) -> str:
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]

    def rowless(parts: list[Any]) -> list[Any]:  # the records' sheet row numbers left out (`_ROW`)
        kept: list[Any] = json.loads(_ROW.sub("row=", json.dumps(parts, ensure_ascii=False)))
        return kept

    out: dict[str, str] = {}
    for p in campaign.people:
        m = p.ma_so
        if recode and p.ma_don_vi in recode:  # the rows as they were written under the unit's old code
            p = _recoded(p, p.ma_don_vi, recode[p.ma_don_vi])
        # a unit headed concurrently (NhanSu `don_vi_kiem_nhiem`, not in the row's repr): only when set, so that a
        # folder built before the column keeps its fingerprints
        kiem = p.don_vi_kiem_nhiem
        own = repr(p) + (f"+kiem_nhiem={recode.get(kiem, kiem) if recode else kiem}" if kiem else "")
        own += f"+dinh_danh={p.so_dinh_danh}" if p.so_dinh_danh else ""  # the same: only when set
        parts = [own, repr(sorted((campaign.texts.get(m) or {}).items())), repr(campaign.votes.get(m)),
                 rows(campaign.disciplines, m), rows(campaign.emulation, m), rows(campaign.scores, m)]
        periods = rows(campaign.periods, m) + rows(campaign.products, m)
        recorded = f"{digest([*parts, periods])}+{digest(parts)}" if periods else digest(parts)
        out[m] = f"{digest(rowless([*parts, periods]))}{ROWLESS}{recorded}"
    return out


# A record's repr holds the sheet row it was read from («row=23»): a row deleted or inserted above, or the sheet sorted,
# changed the fingerprint of everyone below, each named «dữ liệu thay đổi» with nothing of theirs changed. The
# fingerprint is «<digest without the rows>#<the fingerprint as recorded before>»; `same_data` compares the first
# part, or, with a record made before, the second.
_ROW = re.compile(r"\brow=\d+")
ROWLESS = "#"


def uncoded_fingerprints(campaign: Campaign) -> dict[str, str]:
    """`person_fingerprints` with every person's unit code written "" (and a comparable group written as a code of
    it, «NKH/vien_chuc» → «/vien_chuc»): the same for a person before and after a unit's code was corrected, as
    `person_fingerprints(campaign, {new: old})` is with the old fingerprint in a build."""
    return person_fingerprints(campaign, {p.ma_don_vi: "" for p in campaign.people if p.ma_don_vi})


def _recoded(p: Any, new: str, old: str) -> Any:
    """Person row `p` with its unit code `new` written `old`, as before a code correction: its unit, and
    a comparable group written as a code of that unit («THP/chuyen_vien» → «TH/chuyen_vien»)."""
    import dataclasses

    group = p.nhom_tuong_dong
    if group.startswith(f"{new}/"):
        group = f"{old}/{group[len(new) + 1:]}"
    return dataclasses.replace(p, ma_don_vi=old, nhom_tuong_dong=group)


def same_data(old: object, new: str) -> bool:
    """Whether a person's recorded fingerprint `old` says the same rows as `new` (a record made before
    the periods counted is compared with the part of `new` without them)."""
    if old == new:
        return True
    if not isinstance(old, str):
        return False
    rowless, sep, recorded = new.partition(ROWLESS)
    if sep:
        if ROWLESS in old:  # both made with the rows left out: the data alone
            return old.partition(ROWLESS)[0] == rowless
        new = recorded  # a record made before the rows were left out: compared as it was made
        if old == new:
            return True
    _, _, legacy = new.partition("+")
    return bool(legacy) and "+" not in old and old == legacy


@dataclass
class Change:
    """One document (or cover sheet) to print again."""

    bundle: str  # the PDF whose pages are printed again
    first: int  # its pages in that PDF (1-based, inclusive)
    last: int
    title: str
    why: str  # Vietnamese: "mới", "nội dung thay đổi", "số trang in trên văn bản thay đổi", …
    ma_so: str = ""
    ho_ten: str = ""
    ma_don_vi: str = ""
    ten_don_vi: str = ""
    form: str = ""
    unit_pages: tuple[int, int] | None = None  # the same pages in the unit's dossier (person documents)

    @property
    def who(self) -> str:
        if self.ma_so:
            return f"{self.ho_ten} ({self.ma_so})" if self.ho_ten else self.ma_so
        if self.ma_don_vi:
            return self.ten_don_vi or self.ma_don_vi
        return "Cơ quan"

    def as_json(self) -> dict[str, Any]:
        out = {"tep": self.bundle, "trang_dau": self.first, "trang_cuoi": self.last, "tieu_de": self.title,
               "mau": self.form, "ly_do": self.why, "ma_so": self.ma_so, "ho_ten": self.ho_ten,
               "ma_don_vi": self.ma_don_vi}
        if self.unit_pages:
            out["trang_trong_ho_so_don_vi"] = list(self.unit_pages)
        return out


@dataclass
class Changes:
    first_build: bool
    items: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # Vietnamese descriptions of what is gone
    renumbered: list[Change] = field(default_factory=list)  # same words, other page numbers: not signed again
    people: list[tuple[str, str]] = field(default_factory=list)  # (ma_so, ho_ten) whose data changed
    duplex: bool = True
    sheets: list[tuple[str, int, int]] = field(default_factory=list)  # (bundle, first, last) to print
    reprint_pages: int = 0  # pages of in_lai.pdf (blank pages included)
    # files of the package for the Sở Nội vụ sent as files (the zip, the spreadsheets) that differ from
    # the previous build's: (path, what it is); a copy already sent is out of date
    resend: list[tuple[str, str]] = field(default_factory=list)
    # of those, the zip's files whose content changed (a file re-converted or zipped again with the same words
    # does not count): zip path -> the paths in it (added, changed or gone); empty when only bytes could tell
    resend_members: dict[str, list[str]] = field(default_factory=dict)
    # of `resend_members`, those new in the zip and those gone from it (said apart in thay_doi.txt)
    resend_added: dict[str, list[str]] = field(default_factory=dict)
    resend_gone: dict[str, list[str]] = field(default_factory=dict)
    # the body the package goes to (the new manifest's nop_so_noi_vu.noi_nhan: report.recipient)
    noi_nhan: str = "Sở Nội vụ"
    # compared with the last printed output (pipeline/printed.py): when the print was marked, by whom
    printed_at: str = ""
    printed_by: str = ""
    # units whose code was corrected since: (old code, new code, unit name); their files moved folder
    renamed_units: list[tuple[str, str, str]] = field(default_factory=list)
    # every earlier code of a unit of the new output, chained to the code it has now, of this build and the builds
    # before (`unit_code_history`; manifest UNIT_CODES, not part of `as_json`): (earlier code, code now, unit name)
    unit_codes: list[tuple[str, str, str]] = field(default_factory=list)
    # nothing changed since the previous build, whose list to print again (never marked printed) is kept: its
    # items, sheets and people are this list's (`carry_pending`)
    carried: bool = False

    @property
    def empty(self) -> bool:
        return not self.items

    def summary(self, reprint: str = REPRINT, *, since: str = "lần tạo trước", details: str = LISTING) -> str:
        """One line for the console."""
        if self.first_build:
            return "Lần tạo đầu tiên ở thư mục này: chưa có lần trước để so sánh, chưa có gì phải in lại."
        if self.printed_at:
            since = f"lần in lúc {_when(self.printed_at)} (đánh dấu đã in)"
        people = _names(self.people)
        resend = (f" Tệp gửi {self.noi_nhan} đã khác: {', '.join(rel.rsplit('/', 1)[-1] for rel, _ in self.resend)} — "
                  "nếu đã gửi bản cũ, gửi lại bản mới.") if self.resend else ""
        renamed = f" {self.renamed_note()}" if self.renamed_units else ""
        if self.empty:
            tail = f" (dữ liệu thay đổi: {people})" if people else ""
            gone = f"; {len(self.removed)} văn bản không còn" if self.removed else ""
            return f"{self._since(since)}: không văn bản nào thay đổi nội dung{gone}, không phải in lại{tail}.{renamed}{resend}"
        shown = [f"{c.who} — {c.title} tr. {_range(c.first, c.last)}" for c in self.items[:6]]
        more = f"; và {len(self.items) - 6} văn bản khác" if len(self.items) > 6 else ""
        sheets = f"{self.reprint_pages // 2} tờ in hai mặt" if self.duplex else f"{self.reprint_pages} tờ"
        line = f"{self._since(since)}: {len(self.items)} văn bản thay đổi ({'; '.join(shown)}{more})"
        if self.carried:
            line = (f"{self._since(since)}: không văn bản nào thay đổi nội dung; {CARRIED_WORDS}: {len(self.items)} văn "
                    f"bản ({'; '.join(shown)}{more})")
        if people:  # a kept list's people are the earlier builds' too (`carry_pending`): said so
            line += f"; dữ liệu thay đổi{EARLIER_TOO if self.carried else ''}: {people}"
        if self.renumbered:
            line += f"; {len(self.renumbered)} văn bản chỉ đổi số trang (không phải ký lại)"
        return line + f". In lại và ký lại: {reprint} ({self.reprint_pages} trang, {sheets}); chi tiết: {details}.{renamed}{resend}"

    def renamed_note(self) -> str:
        """One sentence: the units whose code changed, where their files are now, and that a document
        whose words are the same is not printed or signed again."""
        units = "; ".join(f"{ten} ({old} → {new})" if ten else f"{old} → {new}" for old, new, ten in self.renamed_units)
        folders = ", ".join(f"don_vi/{new}.pdf, ca_nhan/{new}/" for _, new, _ in self.renamed_units)
        pairs = {(old, new): ten for old, new, ten in self.renamed_units}
        swaps = [f"{ten or old} và {pairs[(new, old)] or new}" for (old, new), ten in pairs.items()
                 if (new, old) in pairs and old < new]
        if swaps:  # said plainly: the same unit (its name, its people) now under the other's code
            units += f" ({'; '.join(swaps)} đổi mã cho nhau, tên đơn vị và người trong đơn vị giữ nguyên)"
        return (f"Mã đơn vị đã đổi: {units} — các tệp của đơn vị đã chuyển sang {folders}; văn bản không đổi "
                "nội dung không phải in lại, ký lại (trang đã ký vẫn dùng được).")

    def _since(self, since: str) -> str:
        return f"Kể từ {since}" if self.printed_at else f"So với {since}"

    def listing(self) -> str:
        """thay_doi.txt: every document to print again, with its pages."""
        lines = ["DANH SÁCH VĂN BẢN CẦN IN LẠI VÀ KÝ LẠI", ""]
        if self.first_build:
            lines.append("Lần tạo đầu tiên ở thư mục này: chưa có lần trước để so sánh.")
            return "\n".join(lines) + "\n"
        if self.printed_at:
            by = f" ({self.printed_by})" if self.printed_by else ""
            lines += [f"Kể từ lần in lúc {_when(self.printed_at)}{by}: mọi văn bản thay đổi từ lần in đó đến nay, "
                      "qua mọi lần tạo lại (hết danh sách khi đánh dấu đã in: hoso da-in, hoặc nút «Đã in xong các "
                      "trang cần in lại» trên trang web).", ""]
        if self.renamed_units:
            lines += [self.renamed_note(), ""]
        if self.carried:
            lines += [f"So với lần tạo trước: không văn bản nào thay đổi nội dung. {CARRIED_WORDS[0].upper()}"
                      f"{CARRIED_WORDS[1:]}: các văn bản dưới đây vẫn cần in lại và ký lại. Khi đã in xong: hoso da-in "
                      "(hoặc nút «Đã in xong các trang cần in lại» trên trang web).", ""]
        if self.people:
            whose = ", ".join(f"{n} ({m})" if n else m for m, n in self.people)
            lines += [f"Người có dữ liệu thay đổi trong sổ Excel{EARLIER_TOO if self.carried else ''}: {whose}", ""]
        if self.empty:
            lines.append("Không văn bản nào thay đổi nội dung: không phải in lại.")
        else:
            lines.append(f"Tệp {REPRINT} gom đúng các tờ cần in lại theo thứ tự hồ sơ"
                         + (" (in hai mặt: mỗi văn bản bắt đầu ở mặt trước của một tờ)." if self.duplex else "."))
            lines.append("")
            for i, c in enumerate(self.items, 1):
                where = f"trang {_range(c.first, c.last)} của {c.bundle}"
                if c.unit_pages:
                    where += f" (trong hồ sơ đơn vị don_vi/{c.ma_don_vi}.pdf: trang {_range(*c.unit_pages)})"
                lines.append(f"{i}. {c.who} — {c.title}: {c.why}; {where}.")
            lines += ["", "Các tờ cần in:"]
            for bundle, a, b in self.sheets:
                lines.append(f"  {bundle}: trang {_range(a, b)}")
        if self.renumbered:
            lines += ["", "Chỉ đổi số trang (nội dung không đổi, không phải ký lại; không có trong "
                      f"{REPRINT} — in lại nếu muốn số trang của bản giấy khớp với tệp):"]
            for c in self.renumbered:
                lines.append(f"  - {c.who} — {c.title}: {c.why}; trang {_range(c.first, c.last)} của {c.bundle}.")
        if self.removed:
            lines += ["", "Không còn trong lần tạo này (hủy bản đã in nếu có):"]
            lines += [f"  {r}" for r in self.removed]
        if self.resend:
            lines += ["", f"Tệp gửi {self.noi_nhan} đã khác lần tạo trước (nếu đã gửi bản cũ, gửi lại bản mới):"]
            for rel, what in self.resend:
                lines.append(f"  - {rel}: {what}")
                members = self.resend_members.get(rel) or []
                added, gone = self.resend_added.get(rel) or [], self.resend_gone.get(rel) or []
                said = [(words, paths) for words, paths in (
                    ("tệp có nội dung khác", [m for m in members if m not in added and m not in gone]),
                    ("tệp mới", added), ("tệp không còn trong bộ gửi", gone)) if paths]
                if said:
                    parts = ["{}: {}".format(words, ", ".join(paths)) for words, paths in said]
                    lines.append(f"    ({'; '.join(parts)})")
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {"lan_dau": self.first_build, "hai_mat": self.duplex,
                "van_ban": [c.as_json() for c in self.items], "khong_con": self.removed,
                "chi_doi_so_trang": [c.as_json() for c in self.renumbered],
                "nguoi_thay_doi_du_lieu": [{"ma_so": m, "ho_ten": n} for m, n in self.people],
                "in_lai": REPRINT if self.items else None, "so_trang_in_lai": self.reprint_pages,
                "to_in": [{"tep": b, "trang_dau": a, "trang_cuoi": z} for b, a, z in self.sheets],
                "gui_lai": [{"tep": rel, "tieu_de": what,
                             **({"tep_khac_noi_dung": self.resend_members[rel]} if self.resend_members.get(rel) else {})}
                            for rel, what in self.resend],
                "doi_ma_don_vi": [{"ma_cu": old, "ma_moi": new, "ten_don_vi": ten} for old, new, ten in self.renamed_units],
                **({"ke_tu_lan_in": {"ngay": self.printed_at, "nguoi": self.printed_by}} if self.printed_at else {}),
                **({"giu_tu_lan_truoc": True} if self.carried else {})}


CARRIED_WORDS = "danh sách cần in lại của lần tạo trước (chưa đánh dấu đã in) được giữ nguyên"
# after «dữ liệu thay đổi» on a kept list: its people are those of the builds whose list it is, not this build's alone
EARLIER_TOO = " (tính cả các lần tạo trước)"


def carry_pending(changed: Changes, previous: dict[str, Any] | None, new: dict[str, Any]) -> Changes:
    """`changed` (the comparison with the previous build, no printed mark) when something changed; when nothing did
    — a build run again the next day (the report counts the days), after a deleted file, with --ghi-de, after an
    upgrade — the previous build's own list to print again, kept: it was never marked printed, and its sheets are
    still the ones to print. Dropping it told the clerk «không phải in lại» while the changed papers were not
    printed yet. Every carried document must lie on the same pages of a dossier the new build has (nothing moved:
    `changed` has no renumbered document), else `changed` is returned as it is."""
    section = (previous or {}).get(SECTION)
    if (changed.first_build or changed.items or changed.renumbered or changed.removed or not isinstance(section, dict)
            or not isinstance(section.get("van_ban"), list) or not section["van_ban"]
            or bool(section.get("hai_mat", True)) != changed.duplex):
        return changed
    pages: dict[str, int] = {str(f.get("path")): f["pages"] for f in new.get("files", [])
                             if isinstance(f, dict) and isinstance(f.get("pages"), int)}
    units = {str(u.get("ma_don_vi")): str(u.get("ten_don_vi") or "") for u in new.get("don_vi", []) if isinstance(u, dict)}
    items: list[Change] = []
    sheets: list[tuple[str, int, int]] = []
    try:
        for x in section["van_ban"]:
            unit = x.get("trang_trong_ho_so_don_vi")
            c = Change(str(x["tep"]), int(x["trang_dau"]), int(x["trang_cuoi"]), str(x["tieu_de"]), str(x["ly_do"]),
                       ma_so=str(x.get("ma_so") or ""), ho_ten=str(x.get("ho_ten") or ""),
                       ma_don_vi=str(x.get("ma_don_vi") or ""), ten_don_vi=units.get(str(x.get("ma_don_vi") or ""), ""),
                       form=str(x.get("mau") or ""), unit_pages=(int(unit[0]), int(unit[1])) if unit else None)
            items.append(c)
        for x in section.get("to_in") or []:
            sheets.append((str(x["tep"]), int(x["trang_dau"]), int(x["trang_cuoi"])))
    except (KeyError, TypeError, ValueError, IndexError):
        return changed
    if not sheets or any(b not in pages or not 1 <= a <= z <= pages[b] for b, a, z in sheets) \
            or any(not any(b == c.bundle and a <= c.first <= c.last <= z for b, a, z in sheets) for c in items):
        return changed
    people = [(str(p.get("ma_so") or ""), str(p.get("ho_ten") or "")) for p in section.get("nguoi_thay_doi_du_lieu") or []
              if isinstance(p, dict)]
    people += [p for p in changed.people if p not in people]  # data changed since without a word printed: said too
    return replace(changed, items=items, sheets=sheets, people=people, carried=True)


def _when(iso: str) -> str:
    from pipeline.printed import when_words

    return when_words(iso) or iso


def _range(a: int, b: int) -> str:
    return str(a) if a == b else f"{a}–{b}"


def _names(people: list[tuple[str, str]], limit: int = 6) -> str:
    shown = [f"{n} ({m})" if n else m for m, n in people[:limit]]
    more = f" và {len(people) - limit} người khác" if len(people) > limit else ""
    return ", ".join(shown) + more


def _files(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    files = manifest.get("files")
    if not isinstance(files, list):
        return {}
    return {f["path"]: f for f in files if isinstance(f, dict) and isinstance(f.get("path"), str)}


def _sha(files: dict[str, dict[str, Any]], rel: str) -> str | None:
    entry = files.get(rel)
    return entry.get("sha256") if entry else None


def _names_from_ratings(root: Path | None) -> dict[str, str]:
    if root is None:
        return {}
    try:
        data = json.loads((root / "ket_qua_xep_loai.json").read_bytes())
        return {p["ma_so"]: p.get("ho_ten", "") for p in data.get("nguoi", []) if isinstance(p, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _pages(root: Path, rel: str, pages: Iterable[int]) -> list[PageObject] | None:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO((root / rel).read_bytes()))
        return [reader.pages[p - 1] for p in pages]
    except Exception:  # noqa: BLE001 — an unreadable old dossier: its cover counts as changed
        return None


def _drawn(pages: list[PageObject]) -> list[bytes] | None:
    """The content streams of pages (a cover drawn again from the same text gives the same bytes)."""
    try:
        out = []
        for page in pages:
            contents = page.get_contents()
            out.append(contents.get_data() if contents is not None else b"")
        return out
    except Exception:  # noqa: BLE001
        return None


def _text(pages: list[PageObject]) -> list[str] | None:
    try:
        return [page.extract_text() or "" for page in pages]
    except Exception:  # noqa: BLE001
        return None


class _Compare:
    def __init__(self, old: dict[str, Any], new: dict[str, Any], old_root: Path | None, new_root: Path | None) -> None:
        self.old, self.new = old, new
        self.old_root, self.new_root = old_root, new_root
        self.old_files, self.new_files = _files(old), _files(new)
        # compared with a printed mark: the old dossiers are gone, their covers' text digests recorded
        self.old_covers: dict[str, Any] | None = None
        self._new_dossiers: dict[str, dict[str, Any]] | None = None  # pdf -> the new manifest's dossier

    def changed_file(self, rel_old: str, rel_new: str) -> bool:
        a, b = _sha(self.old_files, rel_old), _sha(self.new_files, rel_new)
        return a is None or a != b

    def cover_changed(self, rel_old: str | None, rel_new: str, pages_old: int, pages_new: int) -> str | None:
        """CONTENT when the cover's words changed, NUMBERS when only its numbers did (the page
        ranges of its table of contents), None when it is the same."""
        if rel_old is None or pages_old != pages_new:
            return CONTENT
        if not self.changed_file(rel_old, rel_new):
            return None
        if self.old_covers is not None:
            return self._cover_as_printed(rel_old, rel_new, pages_new)
        if self.old_root is None or self.new_root is None or pages_new < 1:
            return CONTENT
        old_pages = _pages(self.old_root, rel_old, range(1, pages_old + 1))
        new_pages = _pages(self.new_root, rel_new, range(1, pages_new + 1))
        if old_pages is None or new_pages is None:
            return CONTENT
        drawn = _drawn(old_pages)
        if drawn is not None and drawn == _drawn(new_pages):
            return None  # the same operators: the same cover (text is read only when they differ)
        a, b = _text(old_pages), _text(new_pages)
        if a is None or b is None:
            return CONTENT
        if a == b:
            return None
        return NUMBERS if [_DIGITS.sub("#", t) for t in a] == [_DIGITS.sub("#", t) for t in b] else CONTENT


    def _cover_as_printed(self, rel_old: str, rel_new: str, pages: int) -> str | None:
        """`cover_changed` against the digests of the cover as printed (`printed.cover_digests`): no
        record, or a cover that cannot be read now, counts as changed (reprinted, never dropped)."""
        from pipeline.printed import recorded_cover, text_digests

        rec = (self.old_covers or {}).get(rel_old)
        if not isinstance(rec, dict) or rec.get("trang") != pages or pages < 1:
            return CONTENT
        # the digests the build recorded with the new dossier (else its cover read from its PDF)
        if self._new_dossiers is None:
            self._new_dossiers = {d["pdf"]: d for part in ("ca_nhan", "don_vi") for d in self.new.get(part) or []
                                  if isinstance(d, dict) and isinstance(d.get("pdf"), str)}
        dossier = self._new_dossiers.get(rel_new)
        now = recorded_cover(dossier, pages) if dossier is not None else None
        if now is None:
            new_pages = _pages(self.new_root, rel_new, range(1, pages + 1)) if self.new_root is not None else None
            texts = _text(new_pages) if new_pages is not None else None
            if texts is None:
                return CONTENT
            now = text_digests(texts)
        if now["chu"] == rec.get("chu"):
            return None
        return NUMBERS if now["so"] == rec.get("so") else CONTENT


def _renamed(old: dict[str, Any], new: dict[str, Any], old_people: dict[str, dict[str, Any]],
             new_people: dict[str, dict[str, Any]]) -> dict[str, str]:
    """new unit code -> old code, for each unit of `new` whose code `old` does not have but whose
    people were all, in `old`, in one unit whose code `new` does not have (a code corrected in the
    workbook); a unit with none of the old people: the one gone unit of the same name.

    A code `new` still has (two units that swapped codes, or a code given to a new unit after its unit
    took another) is followed only when nothing else can be meant: the unit of that code in `new` has
    the same name as the old unit, and exactly the old unit's people (those in both) — each in `old`
    in that unit, each of that unit's in `new` under the code; any doubt (another name, one person
    moved between the units as well) and the code is not followed."""
    def codes(manifest: dict[str, Any]) -> dict[str, str]:
        return {u["ma_don_vi"]: str(u.get("ten_don_vi") or "") for u in manifest.get("don_vi", [])
                if isinstance(u, dict) and u.get("ma_don_vi")}

    old_units, new_units = codes(old), codes(new)
    gone = {c for c in old_units if c not in new_units}
    out: dict[str, str] = {}
    for code, name in new_units.items():
        before = {old_people[m].get("ma_don_vi") for m, p in new_people.items()
                  if p.get("ma_don_vi") == code and m in old_people}
        if not before and code not in old_units:
            before = {c for c in gone if name and old_units[c] == name}
        if len(before) != 1:
            continue
        was = str(next(iter(before)))
        if was == code or was not in old_units or was in out.values():
            continue
        if code not in old_units and was in gone:
            out[code] = was
            continue
        after = {p.get("ma_don_vi") for m, p in new_people.items()
                 if m in old_people and old_people[m].get("ma_don_vi") == was}
        if name and old_units[was] == name and after == {code}:
            out[code] = was
    return out


def unit_code_history(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(earlier code, code now, unit name) for every unit of output `new` whose code was corrected in this build or
    one before, from the previous output's manifest `old`: its record (UNIT_CODES; a folder built before it: its
    last build's `thay_doi.doi_ma_don_vi`) with each code now taken on (A → B recorded then, B → C corrected now:
    A → C, B → C), and this build's corrections (`_renamed` between the two manifests, whatever a print mark
    compares with). A code `new` uses is never followed (a code given to another unit, two units that swapped
    codes: a page printed under it is read as that unit's), nor one whose unit is no longer in `new`."""
    if not old or not isinstance(old.get("ca_nhan"), list):
        return []

    def people(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {p["ma_so"]: p for p in manifest.get("ca_nhan", []) if isinstance(p, dict) and "ma_so" in p}

    units = {str(u["ma_don_vi"]): " ".join(str(u.get("ten_don_vi") or "").split())
             for u in new.get("don_vi", []) if isinstance(u, dict) and u.get("ma_don_vi")}
    section = old.get(SECTION)
    rows = old.get(UNIT_CODES) if isinstance(old.get(UNIT_CODES), list) else \
        section.get("doi_ma_don_vi") if isinstance(section, dict) else None
    now = {str(was): code for code, was in _renamed(old, new, people(old), people(new)).items()}
    chained: dict[str, str] = {}
    for r in rows if isinstance(rows, list) else []:
        if isinstance(r, dict) and r.get("ma_cu") and r.get("ma_moi"):
            chained[str(r["ma_cu"])] = now.get(str(r["ma_moi"]), str(r["ma_moi"]))
    chained.update(now)
    return [(was, code, units[code]) for was, code in sorted(chained.items())
            if was != code and was not in units and code in units]


def _doc_why(old_doc: dict[str, Any] | None, docx_changed: bool, doc: dict[str, Any], total_changed: bool = False) -> tuple[str, str] | None:
    """(why, CONTENT or NUMBERS) for a document to print again; None when it is the same.
    `total_changed`: its dossier has another number of pages, printed on every page («Trang 3/10»)."""
    if old_doc is None:
        return "văn bản mới", CONTENT
    if docx_changed:
        return "nội dung thay đổi", CONTENT
    before, now = old_doc.get("so_trang"), doc.get("so_trang")
    if isinstance(before, int) and isinstance(now, int) and before != now:
        # the same .docx laid out on another number of pages (a conversion corrected: a table's rows
        # LibreOffice had lost, audit rev2): the printed sheets are not this document's pages
        return f"dàn trang lại: nay {now} trang, bản in trước {before} trang (cùng văn bản)", CONTENT
    if (old_doc.get("trang_dau"), old_doc.get("so_trang")) != (doc.get("trang_dau"), doc.get("so_trang")):
        return "số trang in ở chân trang thay đổi (văn bản đứng trước thêm hoặc bớt trang)", NUMBERS
    if total_changed:
        return "tổng số trang in ở chân trang thay đổi (hồ sơ thêm hoặc bớt trang)", NUMBERS
    return None


def compare(old: dict[str, Any] | None, new: dict[str, Any], *, old_root: Path | None, new_root: Path | None) -> Changes:
    """The changes from the output described by manifest `old` (None: no previous build) to `new`
    (two-sided unless `new`'s comparison section says otherwise: `staged_view` writes the build's)."""
    duplex = bool((new.get(SECTION) or {}).get("hai_mat", True))
    if not old or not isinstance(old.get("ca_nhan"), list):
        return Changes(first_build=True, duplex=duplex)
    return _Walk(old, new, old_root, new_root).changes(Changes(first_build=False, duplex=duplex))


def compare_printed(mark: dict[str, Any], replaced: dict[str, Any] | None, new: dict[str, Any], *,
                    new_root: Path | None, names_root: Path | None = None, replaced_root: Path | None = None) -> Changes:
    """The changes from the output printed last (`mark`, pipeline/printed.py) to `new`: every sheet
    changed since the print, whatever builds came between; the package's files to send again are
    still those that differ from the output replaced (`replaced`'s manifest: sending is not printing).
    `replaced_root`: the folder of the output replaced (its dossiers' covers read when their bytes changed; None:
    such a cover counts as changed). `names_root`: the output replaced, whose ratings name the people no longer in `new`; the mark's own
    `ho_ten` names those gone before it (the print's files are not kept: without them a dossier gone read
    «Hồ sơ cá nhân TR-07 (TR-07)»)."""
    duplex = bool((new.get(SECTION) or {}).get("hai_mat", True))
    walk = _Walk(mark["ban_in"], new, None, new_root)
    walk.names_root = names_root
    printed = mark.get("ho_ten")  # the names the print recorded (a mark made before it: none)
    walk.printed_names = {str(k): str(v) for k, v in printed.items() if v} if isinstance(printed, dict) else {}
    covers = mark.get("bia")
    walk.old_covers = covers if isinstance(covers, dict) else {}
    result = walk.changes(Changes(first_build=False, duplex=duplex, printed_at=str(mark.get("ngay") or ""),
                                  printed_by=str(mark.get("nguoi") or "")))
    # what changed since the output replaced, whose content decides the files to send again (`_Walk._resend`)
    result.resend, result.resend_members, result.resend_added, result.resend_gone = [], {}, {}, {}
    if replaced:
        since = _Walk(replaced, new, replaced_root, new_root).changes(Changes(first_build=False, duplex=duplex))
        result.resend, result.resend_members = since.resend, since.resend_members
        result.resend_added, result.resend_gone = since.resend_added, since.resend_gone
    return result


def sent_package_differs(sent: dict[str, Any], now: dict[str, Any], *, now_root: Path | None = None,
                         sent_zip: Path | None = None) -> tuple[bool, list[str]]:
    """Whether the package (the zip, `nop_so_noi_vu.zip`) of the output described by manifest `now` (its folder
    `now_root`) holds other content than the package sent, described by `sent` (the manifest kept with the
    submission, `hoso serve`): the rules of a rebuild's `Changes.resend` (`_Walk._resend`), so a package only
    re-converted or zipped again with the same words is not to send again. The output sent is gone but its zip
    (`sent_zip`): a dossier's cover whose bytes changed is compared by its text (`printed.text_digests`): a
    dossier copied into the package as the copy in the zip sent and the copy there now print it (`_copied_covers`),
    else as the two manifests recorded it (`bia`; none recorded: changed). Returns (differs, the zip's files whose
    content changed, added or gone — empty when only the bytes could tell: `sent` lists no package, or the zip has
    another name)."""
    def package(m: dict[str, Any]) -> tuple[str, str | None]:
        sub = m.get("nop_so_noi_vu")
        rel = sub.get("zip") if isinstance(sub, dict) else None
        rel = rel if isinstance(rel, str) else ""
        return rel, _sha(_files(m), rel) if rel else None

    (rel_sent, sha_sent), (rel_now, sha_now) = package(sent), package(now)
    if sha_now is not None and sha_now == sha_sent:
        return False, []
    if sha_now is None or rel_now != rel_sent or sha_sent is None or not isinstance(sent.get("ca_nhan"), list):
        return True, []
    old_covers = {d["pdf"]: d["bia"] for part in ("ca_nhan", "don_vi") for d in sent.get(part) or []
                  if isinstance(d, dict) and isinstance(d.get("pdf"), str) and isinstance(d.get("bia"), dict)}
    if sent_zip is not None and now_root is not None:
        # the covers of the dossiers copied into the package, as the copy sent and the copy there now print them
        # (a person's cover in the unit's dossier bears the unit's page numbers): like compared with like
        import zipfile

        def in_zip(rel: str) -> bytes | None:
            try:
                with zipfile.ZipFile(sent_zip) as zf:
                    return zf.read(rel)
            except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError):
                return None

        def in_output(rel: str) -> bytes | None:
            try:
                return (now_root / rel).read_bytes()
            except OSError:
                return None

        was, now_covers = _copied_covers(sent, in_zip), _copied_covers(now, in_output)
        both = set(was) & set(now_covers)
        if both:
            now = copy.deepcopy(now)
            for part in ("ca_nhan", "don_vi"):
                for d in now.get(part) or []:
                    if isinstance(d, dict) and d.get("pdf") in both:
                        d["bia"] = now_covers[d["pdf"]]
            old_covers.update({pdf: was[pdf] for pdf in both})
    walk = _Walk(sent, now, None, now_root)
    walk.old_covers = old_covers
    result = walk.changes(Changes(first_build=False, duplex=bool((now.get(SECTION) or {}).get("hai_mat", True))))
    if rel_now in {rel for rel, _ in result.resend}:
        return True, list(result.resend_members.get(rel_now, []))
    return False, []


def _copied_covers(manifest: dict[str, Any], read: Callable[[str], bytes | None]) -> dict[str, dict[str, Any]]:
    """The cover digests (`printed.text_digests`, as `bia` records them) of the dossiers whose copy the package of
    `manifest` holds (`nop_so_noi_vu.tep` entries with `goc`, of the same bytes as that dossier), as that copy
    prints them, by the dossier's path: a person's (lanh_dao) its first pages; a unit's its own cover and each of
    its persons' covers at their pages in it (with the unit's page numbers). `read(path)`: the copy's bytes (None:
    not there). What cannot be read is left out."""
    from pypdf import PdfReader

    from pipeline.printed import text_digests

    sub = manifest.get("nop_so_noi_vu")
    package = sub.get("tep") if isinstance(sub, dict) else None
    files = _files(manifest)
    persons = {p["pdf"]: p for p in manifest.get("ca_nhan") or [] if isinstance(p, dict) and isinstance(p.get("pdf"), str)}
    by_code = {p.get("ma_so"): p for p in persons.values()}
    units = {u["pdf"]: u for u in manifest.get("don_vi") or [] if isinstance(u, dict) and isinstance(u.get("pdf"), str)}

    def first(dossier: dict[str, Any] | None, items: str) -> int:
        starts = [x.get("trang_dau") for x in (dossier or {}).get(items) or [] if isinstance(x, dict)]
        return min((f for f in starts if isinstance(f, int)), default=1)

    out: dict[str, dict[str, Any]] = {}
    for e in package if isinstance(package, list) else []:
        if not isinstance(e, dict) or e.get("loai") not in ("don_vi", "lanh_dao"):
            continue
        rel, source = e.get("path"), e.get("goc")
        if not isinstance(rel, str) or not isinstance(source, str) or _sha(files, rel) is None \
                or _sha(files, rel) != _sha(files, source):
            continue
        unit = units.get(source)
        wanted = [(source, 1, first(unit, "muc") - 1 if unit is not None else first(persons.get(source), "tai_lieu") - 1)]
        for x in (unit or {}).get("muc") or []:  # (dossier, its first page in the copy, its cover pages)
            person = by_code.get(x.get("ma_so")) if isinstance(x, dict) and x.get("ma_so") else None
            if person is not None and isinstance(x.get("trang_dau"), int):
                wanted.append((person["pdf"], x["trang_dau"], first(person, "tai_lieu") - 1))
        wanted = [w for w in wanted if w[2] > 0]
        try:
            data = read(rel) if wanted else None
            if data is None:
                continue
            reader = PdfReader(io.BytesIO(data))
            for pdf, start, n in wanted:  # only the cover pages read (a unit's dossier may be long)
                if start + n - 1 <= len(reader.pages):
                    out[pdf] = {"trang": n, **text_digests([reader.pages[i].extract_text() or ""
                                                            for i in range(start - 1, start - 1 + n)])}
        except Exception:  # noqa: BLE001 — an unreadable copy: its covers left out (counted as changed)
            continue
    return out


class _Walk(_Compare):
    """`compare` over two manifests: each unit's dossier in order (its cover, its own documents,
    its persons' dossiers), the persons without a unit, the agency's documents, then the people
    whose data changed; the changes collected in `result`."""

    result: Changes
    names_root: Path | None = None  # another output whose ratings name people (`compare_printed`)
    printed_names: dict[str, str] = {}  # the names the print mark recorded (`compare_printed`; never mutated)

    def changes(self, result: Changes) -> Changes:
        old, new = self.old, self.new
        self.result = result
        self.names = {**self.printed_names, **_names_from_ratings(self.names_root),
                      **_names_from_ratings(self.old_root), **_names_from_ratings(self.new_root)}
        self.old_people = {p["ma_so"]: p for p in old.get("ca_nhan", []) if isinstance(p, dict) and "ma_so" in p}
        self.new_people = {p["ma_so"]: p for p in new.get("ca_nhan", []) if isinstance(p, dict) and "ma_so" in p}
        self.old_units = {u["ma_don_vi"]: u for u in old.get("don_vi", []) if isinstance(u, dict) and "ma_don_vi" in u}
        # a unit is named by its name, never its code (the manifest's don_vi[].ten_don_vi; a folder made
        # before it: the package's copy of the leaders' unit dossier names that one)
        units = [u for u in (*old.get("don_vi", []), *new.get("don_vi", [])) if isinstance(u, dict)]
        self.unit_names: dict[str, str] = {u["ma_don_vi"]: u["ten_don_vi"] for u in units
                                           if u.get("ma_don_vi") and u.get("ten_don_vi")}
        sub = new.get("nop_so_noi_vu") or {}
        self.package_files = sub.get("tep", []) if isinstance(sub, dict) else []
        if isinstance(sub, dict) and isinstance(sub.get("noi_nhan"), str) and sub["noi_nhan"].strip():
            result.noi_nhan = sub["noi_nhan"].strip()
        for f in self.package_files:
            if f.get("loai") == "don_vi" and f.get("ma_don_vi") and f["ma_don_vi"] not in self.unit_names:
                self.unit_names[f["ma_don_vi"]] = f.get("tieu_de", "").removeprefix("Hồ sơ đơn vị: ")
        self.renamed = _renamed(old, new, self.old_people, self.new_people)
        result.renamed_units = [(was, u, self.unit_names.get(u, "")) for u, was in self.renamed.items()]

        seen_people: set[str] = set()
        for unit in new.get("don_vi", []):
            if isinstance(unit, dict):
                self._unit(unit, seen_people)
        for m, person in self.new_people.items():  # a person without a unit bundle (should not happen)
            if m not in seen_people:
                self._person(person, None, self.unit_names.get(person.get("ma_don_vi", ""), ""))
        for m, p in self.old_people.items():
            if m not in self.new_people:
                result.removed.append(f"Hồ sơ cá nhân {self.names.get(m, m)} ({m}) — {p.get('pdf', '')}")
        self._agency_documents()
        result.resend = self._resend()

        old_fp, new_fp = old.get(FINGERPRINTS), new.get(FINGERPRINTS)
        if isinstance(old_fp, dict) and isinstance(new_fp, dict):
            differ = [m for m in new_fp if not same_data(old_fp.get(m), new_fp[m])]
            result.people = [(m, self.names.get(m, "")) for m in self._only_recoded(differ, old_fp)]
        else:  # a folder built before fingerprints: the people whose own documents changed
            result.people = list(dict.fromkeys((c.ma_so, c.ho_ten) for c in result.items if c.ma_so))
        result.sheets = _sheets(result.items, self.new_files, result.duplex)
        return result

    def _only_recoded(self, differ: list[str], old_fp: dict[str, Any]) -> list[str]:
        """`differ` without the people whose rows changed only in their unit's code, corrected since (a
        recognised rename, `renamed`): their rows compared with the old code written back in; anyone
        whose rows changed in something else as well stays."""
        recoded = self.new.get(RECODED)
        old_unc, new_unc = self.old.get(UNCODED), self.new.get(UNCODED)
        by_manifests = isinstance(old_unc, dict) and isinstance(new_unc, dict)
        if not self.renamed or not (callable(recoded) or by_manifests):
            return differ
        moved = [m for m in differ if (u := (self.new_people.get(m) or {}).get("ma_don_vi")) in self.renamed
                 and (self.old_people.get(m) or {}).get("ma_don_vi") == self.renamed[u]]
        if not moved:
            return differ
        if callable(recoded):  # a build: the rows fingerprinted again with the old code written back
            again = recoded(dict(self.renamed))
            same = {m for m in moved if m in again and same_data(old_fp.get(m), again[m])}
        else:  # `hoso diff`: the two folders' fingerprints without the unit code (both recorded them)
            assert isinstance(old_unc, dict) and isinstance(new_unc, dict)
            same = {m for m in moved if isinstance(new_unc.get(m), str) and same_data(old_unc.get(m), new_unc[m])}
        return [m for m in differ if m not in same]

    def _add(self, kind: str, change: Change) -> None:
        (self.result.items if kind == CONTENT else self.result.renumbered).append(change)

    def _pages_of(self, files: dict[str, dict[str, Any]], rel: str) -> int:
        entry = files.get(rel) or {}
        return int(entry["pages"]) if isinstance(entry.get("pages"), int) else 0

    def _unit(self, unit: dict[str, Any], seen_people: set[str]) -> None:
        """A unit's dossier: its cover sheet, its own documents, and its persons' dossiers (their
        codes added to `seen_people`)."""
        u = unit.get("ma_don_vi", "")
        ten = self.unit_names.get(u, "")
        # its code in the old output (a code corrected since: the old one; a code another unit gave up: none)
        was = self.renamed.get(u) or ("" if u in self.renamed.values() else u)
        old_u = self.old_units.get(was) if was else None
        unit_total_changed = old_u is not None and \
            self._pages_of(self.old_files, old_u.get("pdf", "")) != self._pages_of(self.new_files, unit.get("pdf", ""))
        muc = [x for x in unit.get("muc", []) if isinstance(x, dict)]
        old_muc: dict[Any, dict[str, Any]] = {x.get("mau"): x for x in (old_u or {}).get("muc", []) if isinstance(x, dict) and x.get("mau")}
        first = min((x["trang_dau"] for x in muc), default=1)
        if first > 1:
            old_first = min((x.get("trang_dau", 1) for x in (old_u or {}).get("muc", [])), default=1)
            kind = self.cover_changed(old_u["pdf"] if old_u else None, unit["pdf"], old_first - 1, first - 1)
            if kind:
                self._add(kind, Change(unit["pdf"], 1, first - 1, "Bìa và mục lục hồ sơ đơn vị",
                                       "văn bản mới" if old_u is None else
                                       ("nội dung thay đổi" if kind == CONTENT else "số trang trong mục lục thay đổi"),
                                       ma_don_vi=u, ten_don_vi=ten))
        for x in muc:
            if x.get("ma_so"):
                person = self.new_people.get(x["ma_so"])
                if person is not None:
                    seen_people.add(x["ma_so"])
                    self._person(person, x.get("trang_dau"), ten)
                continue
            mau: str = x.get("mau", "")
            rel = f"don_vi/{u}/{mau}.docx"
            why = _doc_why(old_muc.get(mau), self.changed_file(f"don_vi/{was}/{mau}.docx", rel), x, unit_total_changed)
            if why:
                self._add(why[1], Change(unit["pdf"], x["trang_dau"], x["trang_dau"] + x["so_trang"] - 1,
                                         x.get("tieu_de", mau), why[0], ma_don_vi=u, ten_don_vi=ten, form=mau))

    def _person(self, person: dict[str, Any], unit_start: int | None, ten_don_vi: str) -> None:
        """A person's dossier: its cover sheet and its documents (`unit_start`: its first page in
        the unit's dossier, None when it is in none)."""
        m, u = person["ma_so"], person.get("ma_don_vi", "")
        old_p = self.old_people.get(m)
        docs = [d for d in person.get("tai_lieu", []) if isinstance(d, dict)]
        old_docs: dict[Any, dict[str, Any]] = {d.get("mau"): d for d in (old_p or {}).get("tai_lieu", []) if isinstance(d, dict)}
        common = dict(ma_so=m, ho_ten=self.names.get(m, ""), ma_don_vi=u, ten_don_vi=ten_don_vi)
        person_total_changed = old_p is not None and \
            self._pages_of(self.old_files, old_p.get("pdf", "")) != self._pages_of(self.new_files, person["pdf"])

        def at_unit(a: int, b: int) -> tuple[int, int] | None:
            return (unit_start + a - 1, unit_start + b - 1) if unit_start else None

        first_doc = min((d["trang_dau"] for d in docs), default=1)
        if first_doc > 1:
            old_first = min((d.get("trang_dau", 1) for d in old_docs.values()), default=1)
            kind = self.cover_changed(old_p["pdf"] if old_p else None, person["pdf"], old_first - 1, first_doc - 1)
            if kind:
                self._add(kind, Change(person["pdf"], 1, first_doc - 1, "Bìa và mục lục hồ sơ cá nhân",
                                       "văn bản mới" if old_p is None else
                                       ("nội dung thay đổi" if kind == CONTENT else "số trang trong mục lục thay đổi"),
                                       unit_pages=at_unit(1, first_doc - 1), **common))
        for d in docs:
            mau: str = d.get("mau", "")
            old_d = old_docs.get(mau)
            rel_new = f"ca_nhan/{u}/{m}/{mau}.docx"
            rel_old = f"ca_nhan/{old_p.get('ma_don_vi', '')}/{m}/{mau}.docx" if old_p else rel_new
            # moved only (another document before it grew or shrank): NUMBERS, two-sided too — every
            # document starts on a sheet of its own, its sheets hold the same pages; its signed pages stay
            why = _doc_why(old_d, self.changed_file(rel_old, rel_new), d, person_total_changed)
            if why:
                a, b = d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1
                self._add(why[1], Change(person["pdf"], a, b, d.get("tieu_de", mau), why[0], form=mau,
                                         unit_pages=at_unit(a, b), **common))
        for mau, d in old_docs.items():
            if mau not in {x.get("mau") for x in docs}:
                self.result.removed.append(f"{self.names.get(m, m)} ({m}) — {d.get('tieu_de', mau)}")

    def _agency_documents(self) -> None:
        """The Sở Nội vụ's own documents whose PDF changed: printed again whole. A PDF the manifests say was
        converted from a `.docx` (`docx`, both builds) changed when that `.docx` did or its number of pages did
        (converted again with the same words: not); else by its bytes."""
        old_sub = self.old.get("nop_so_noi_vu")
        old_package = old_sub.get("tep") if isinstance(old_sub, dict) else None
        old_entries = {e["path"]: e for e in old_package if isinstance(e, dict) and isinstance(e.get("path"), str)} \
            if isinstance(old_package, list) else {}
        for f in self.package_files:
            rel = f.get("path", "")
            if f.get("loai") in AGENCY_KINDS and rel.endswith(".pdf") and self.changed_file(rel, rel) \
                    and self._differs(f, old_entries.get(rel)):
                n = self._pages_of(self.new_files, rel)
                if n:
                    self.result.items.append(Change(rel, 1, n, f.get("tieu_de", rel),
                                                    "văn bản mới" if _sha(self.old_files, rel) is None else "nội dung thay đổi",
                                                    form=f.get("loai", "")))


    def _resend(self) -> list[tuple[str, str]]:
        """The package's files sent as files — the zip of the whole folder, the spreadsheets — that the
        previous build also made, with other bytes now and another content (`_differs`): a file re-converted or
        zipped again with the same words is not to send again. The files of the zip whose content changed are
        kept in `result.resend_members` (its path -> those files)."""
        sub = self.new.get("nop_so_noi_vu")
        if not isinstance(sub, dict):
            return []
        archive = sub["zip"] if isinstance(sub.get("zip"), str) and sub["zip"] else ""
        sent = [(archive, f"toàn bộ thư mục {sub.get('thu_muc') or 'nop_so_noi_vu'} (bản chưa ký)")] if archive else []
        package: list[Any] = sub["tep"] if isinstance(sub.get("tep"), list) else []
        entries = {f["path"]: f for f in package if isinstance(f, dict) and isinstance(f.get("path"), str)}
        sent += [(rel, str(f.get("tieu_de") or rel)) for rel, f in entries.items() if rel.endswith(".xlsx")]
        old_sub = self.old.get("nop_so_noi_vu")
        old_package = old_sub.get("tep") if isinstance(old_sub, dict) else None
        old_entries = {f["path"]: f for f in old_package if isinstance(f, dict) and isinstance(f.get("path"), str)} \
            if isinstance(old_package, list) else None
        out: list[tuple[str, str]] = []
        for rel, what in sent:
            before = _sha(self.old_files, rel)
            if before is None or before == _sha(self.new_files, rel):
                continue
            if rel != archive:
                if self._differs(entries[rel], (old_entries or {}).get(rel)):
                    out.append((rel, what))
                continue
            if old_entries is None:  # the previous package not listed: its bytes are all there is to compare
                out.append((rel, what))
                continue
            members = [p for p, f in entries.items() if self._differs(f, old_entries.get(p))]
            gone = [p for p in old_entries if p not in entries]  # a file gone from the package
            members += gone
            if members:
                self.result.resend_members[rel] = members
                self.result.resend_added[rel] = [p for p in members if p not in old_entries]
                self.result.resend_gone[rel] = gone
                out.append((rel, what))
        return out

    def _differs(self, entry: dict[str, Any], old_entry: dict[str, Any] | None) -> bool:
        """Whether a file of the package (`entry` of the manifest's `nop_so_noi_vu.tep`) holds other content than
        the previous package's file of that path (`old_entry`; None: it had none): a PDF converted from a `.docx`
        (`docx`) when that `.docx` changed or the PDF has another number of pages; a copy of a dossier (`goc`)
        when the comparison lists one of its documents or covers for its words (`items`, not a page number only)
        or its documents are others; a spreadsheet when its cell values changed (`gia_tri_sha256`); anything
        else, or a file the previous manifest does not describe so, by its bytes."""
        rel = entry["path"]
        if old_entry is None or _sha(self.old_files, rel) is None:
            return True
        if _sha(self.old_files, rel) == _sha(self.new_files, rel):
            return False
        docx = entry.get("docx")
        if isinstance(docx, str) and docx and old_entry.get("docx") == docx:
            return _sha(self.old_files, docx) != _sha(self.new_files, docx) or \
                self._pages_of(self.old_files, rel) != self._pages_of(self.new_files, rel)
        values = entry.get(VALUES)
        if isinstance(values, str) and isinstance(old_entry.get(VALUES), str):
            return bool(values != old_entry[VALUES])
        source = entry.get("goc")
        if isinstance(source, str) and source and entry.get("loai") in ("don_vi", "lanh_dao") \
                and isinstance(old_entry.get("goc"), str):
            return self._dossier_differs(entry, old_entry["goc"], source)
        if entry.get("loai") == LEADERS_KIND and isinstance(old_entry.get("muc"), list):
            return _leaders_contents(self.old, old_entry) != _leaders_contents(self.new, entry)
        return True

    def _dossier_differs(self, entry: dict[str, Any], old_source: str, source: str) -> bool:
        """A copy of a unit's dossier (`loai` don_vi: its own documents and its persons' dossiers) or of a
        person's (lanh_dao) changed in content: another outline (documents added, gone or in another order), or a
        document or cover in it the comparison lists for its words."""
        unit = entry.get("ma_don_vi") if entry.get("loai") == "don_vi" else None
        if _outline(self.old, old_source) != _outline(self.new, source):
            return True
        return any(c.bundle == source or (unit and c.unit_pages and c.ma_don_vi == unit and c.ma_so)
                   for c in self.result.items)


LEADERS_KIND = "tap_the_lanh_dao"  # submission/package.py: the leaders' file made for the Sở Nội vụ


def _leaders_contents(manifest: dict[str, Any], entry: dict[str, Any]) -> list[Any]:
    """What the leaders' file for the Sở (`entry` of `manifest`'s `nop_so_noi_vu.tep`) holds, by content: its
    sections in order with their page counts; the words of each unit document (its `.docx`'s SHA-256) and of each
    leader's documents, in order, with their page counts. Equal for a file joined again from PDFs converted again
    with the same words (other bytes, the same papers)."""
    files = _files(manifest)
    persons = {p.get("ma_so"): p for p in manifest.get("ca_nhan", []) if isinstance(p, dict)}
    unit = str(entry.get("ma_don_vi") or "")
    out: list[Any] = []
    for x in entry.get("muc") or []:
        if not isinstance(x, dict):
            continue
        if x.get("ma_so"):
            person = persons.get(x["ma_so"]) or {}
            folder = str(person.get("pdf") or "").removesuffix(".pdf")
            out.append([x["ma_so"], x.get("so_trang"),
                        [[d.get("mau"), d.get("so_trang"), _sha(files, f"{folder}/{d.get('mau')}.docx")]
                         for d in person.get("tai_lieu") or [] if isinstance(d, dict)]])
        else:
            out.append([x.get("mau"), x.get("so_trang"), _sha(files, f"don_vi/{unit}/{x.get('mau')}.docx")])
    return out


def _outline(manifest: dict[str, Any], pdf: str) -> list[Any] | None:
    """What a dossier of `manifest` holds, in order: a person's its forms; a unit's its own forms and, for each of
    its persons, the code and forms of that person (None: no dossier of that path)."""
    persons = {p.get("ma_so"): p for p in manifest.get("ca_nhan", []) if isinstance(p, dict)}

    def forms(person: dict[str, Any] | None) -> list[Any]:
        return [d.get("mau") for d in (person or {}).get("tai_lieu", []) if isinstance(d, dict)]

    for p in persons.values():
        if p.get("pdf") == pdf:
            return forms(p)
    for u in manifest.get("don_vi", []):
        if isinstance(u, dict) and u.get("pdf") == pdf:
            return [[x["ma_so"], forms(persons.get(x["ma_so"]))] if x.get("ma_so") else x.get("mau")
                    for x in u.get("muc", []) if isinstance(x, dict)]
    return None


def _sheets(items: list[Change], files: dict[str, dict[str, Any]], duplex: bool) -> list[tuple[str, int, int]]:
    """The page runs to print, in the items' order: widened to whole sheets when two-sided, runs of
    one PDF that touch or overlap joined."""
    runs: list[tuple[str, int, int]] = []
    for c in items:
        a, b = c.first, c.last
        if duplex:
            total = (files.get(c.bundle) or {}).get("pages") or b
            a = a if a % 2 else a - 1
            b = b if b % 2 == 0 else min(b + 1, total)
        if runs and runs[-1][0] == c.bundle and a <= runs[-1][2] + 1 and b >= runs[-1][1] - 1:
            bundle, a0, b0 = runs[-1]
            runs[-1] = (bundle, min(a0, a), max(b0, b))
        else:
            runs.append((c.bundle, a, b))
    return runs


REPRINT_MARK = "/HosoInLai"  # in the metadata of every reprint PDF


def reprint_pdf(changes: Changes, root: Path) -> bytes:
    """in_lai.pdf: the sheets of `changes` taken from the dossiers under `root`, each run starting on
    an odd page, one bookmark per document."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    readers: dict[str, PdfReader] = {}
    for bundle, a, b in changes.sheets:
        if bundle not in readers:
            readers[bundle] = PdfReader(io.BytesIO((root / bundle).read_bytes()))
        reader = readers[bundle]
        start = len(writer.pages)
        for p in range(a, b + 1):
            writer.add_page(reader.pages[p - 1])
        for c in changes.items:
            if c.bundle == bundle and a <= c.first <= b:
                writer.add_outline_item(title=f"{c.who} — {c.title} (trang {_range(c.first, c.last)} của {bundle})",
                                        page_number=start + c.first - a)
        if len(writer.pages) % 2:
            box = reader.pages[b - 1].mediabox
            writer.add_blank_page(width=float(box.width), height=float(box.height))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({REPRINT_MARK: "1"})  # `hoso diff --in-lai` replaces only a file bearing it
    out = io.BytesIO()
    writer.write(out)
    changes.reprint_pages = len(writer.pages)
    return out.getvalue()


def is_reprint(path: Path) -> bool:
    """A PDF hoso wrote as sheets to print again (`in_lai.pdf`, `hoso diff --in-lai`): its metadata
    bears `REPRINT_MARK`."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        if path.is_symlink() or not path.is_file():
            return False
        info = PdfReader(path).metadata
    except (OSError, PyPdfError, ValueError, KeyError, TypeError):
        return False
    return info is not None and info.get(REPRINT_MARK) == "1"


def staged_view(b: Build, made: Made) -> dict[str, Any]:
    """A manifest-shaped view of a build not yet listed in its manifest (its staged files, bundles,
    package, people's fingerprints and whether it is two-sided)."""
    files = [{"path": rel, "sha256": k.sha256, "bytes": k.size, **({"pages": k.pages} if k.pages is not None else {})}
             for rel, k in b.files.known.items()]
    return {"files": files, "ca_nhan": made.bundles.persons, "don_vi": made.bundles.units,
            "nop_so_noi_vu": made.sub.manifest.get("nop_so_noi_vu"), FINGERPRINTS: made.fingerprints,
            SECTION: {"hai_mat": b.options.duplex},
            RECODED: lambda codes: person_fingerprints(b.campaign, codes)}


def write(changes: Changes, files: Staged, *, source_root: Path) -> None:
    """Write thay_doi.txt and, when something is to be printed again, in_lai.pdf (through `files`,
    a pipeline.output.Staged)."""
    if not changes.empty:
        data = reprint_pdf(changes, source_root)
        files.write(REPRINT, data, pages=changes.reprint_pages)
    files.write(LISTING, changes.listing().encode("utf-8"))


def compare_folders(old_dir: Path, new_dir: Path) -> Changes:
    """`hoso diff OLD NEW`."""
    from pipeline.errors import InputUnreadable
    from pipeline.manifest import MANIFEST

    manifests = []
    for folder in (old_dir, new_dir):
        try:
            data = json.loads((Path(folder) / MANIFEST).read_bytes())
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("ca_nhan"), list):
            raise InputUnreadable(f"«{folder}» không phải thư mục kết quả của hoso build (không đọc được {MANIFEST}).")
        manifests.append(data)
    return compare(manifests[0], manifests[1], old_root=Path(old_dir), new_root=Path(new_dir))
