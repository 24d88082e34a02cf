"""HUONG_DAN_IN.txt and HUONG_DAN_IN.pdf: the reading guide at the root of the output folder.

Made from the build's own data (the plan, each form's `meta.toml` — `signers`, `copies` — and the
page ranges of the manifest): what to print, how many copies and one- or two-sided, who signs
which pages, what goes to the Sở Nội vụ and in which form, and the deadline with the days left.
The deadline and the days left are printed here and on the console only, never in a document
that is signed. The deadline is the one that binds (`report.deadline`): on `hoso serve`, the one the Sở
Nội vụ set on its page, named as the Sở's, with the workbook's other date in one line when it differs;
from the CLI, the workbook's (CoQuan «Hạn nộp Sở Nội vụ»).

How the Sở Nội vụ wants the package (paper, a scan of the signed papers, or files through the
document system) is decided by each year's letter of the Sở and is not confirmed
(shared/domain/dossier.md §3.2): the guide says so once; the wording is `HOW_SENT` below.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from pipeline.forms import signers as signing
from pipeline.forms.unit_context import unit_signer_words
from pipeline.ingest.sheetnames import as_written
from pipeline.quotes import curly_quotes
from pipeline.rating import agency_kind
from pipeline.submission.report import RECIPIENT, recipient

if TYPE_CHECKING:
    from pipeline.bundle.build import Bundles
    from pipeline.document import Build
    from pipeline.forms.registry import FormSpec
    from pipeline.ingest.model import Campaign, Person
    from pipeline.submission.package import Submission

TEXT = "HUONG_DAN_IN.txt"
PDF = "HUONG_DAN_IN.pdf"

# «{co_quan}»: the agency as the guide names it (agency_kind.agency_noun, distinct: «đơn vị sự nghiệp» beside its units)
HOW_SENT = {
    "cong_van_so_noi_vu.pdf": "in, người đứng đầu ký, đóng dấu; gửi bản đã ký cùng hồ sơ (bản giấy hoặc bản quét PDF)",
    "cong_van_so_noi_vu.docx": "gửi dạng tệp (bản Word)",
    "bao_cao_so_noi_vu.pdf": "in, người đứng đầu ký, đóng dấu; gửi bản đã ký (bản giấy hoặc bản quét PDF)",
    "bao_cao_so_noi_vu.docx": "gửi dạng tệp (bản Word để Sở tổng hợp)",
    "bieu_tong_hop.pdf": "in, người lập biểu và người đứng đầu ký, đóng dấu; gửi kèm báo cáo",
    "bieu_tong_hop.docx": "gửi dạng tệp (bản Word)",
    "bieu_tong_hop.xlsx": "gửi dạng tệp (bảng tính, không in)",
    "bao_cao_tu_danh_gia_co_quan.pdf": "in, người đứng đầu ký, đóng dấu; gửi bản đã ký (bản giấy hoặc bản quét PDF)",
    "bien_ban_tu_xep_loai_co_quan.pdf": "in, chủ trì và thư ký ký; gửi bản đã ký (bản giấy hoặc bản quét PDF)",
    "thong_bao_ket_qua.pdf": "in, người đứng đầu ký, đóng dấu, công khai trong {co_quan}; gửi bản đã ký (bản quét)",
    "don_vi": "hồ sơ đơn vị đã ký đủ: gửi bản quét PDF của bản giấy đã ký (tệp trong thư mục là bản chưa ký)",
    "lanh_dao": "hồ sơ cá nhân lãnh đạo đã ký đủ: gửi bản quét PDF của bản giấy đã ký",
    # the leaders' file made for the Sở (package.LEADERS_PDF): the same sheets as in the leaders' unit dossier
    "tap_the_lanh_dao.pdf": "các văn bản này đã ký trong hồ sơ đơn vị của lãnh đạo {co_quan} (cùng các trang): gửi "
                            "bản quét PDF của các trang đã ký đó, không gửi các văn bản khác của hồ sơ đơn vị (tệp trong "
                            "thư mục là bản chưa ký)",
}
# {noi_nhan}: the body the package goes to (report.recipient: CoQuan «Sở Nội vụ nhận báo cáo», else «Sở Nội vụ»)
UNCONFIRMED = ("Hình thức gửi (bản giấy, bản quét hay tệp qua hệ thống quản lý văn bản) theo công văn hướng dẫn "
               "năm nay của {noi_nhan}; chưa có quy định chung được xác nhận — đối chiếu với công văn trước khi gửi.")


def _range(a: int, b: int) -> str:
    return f"trang {a}" if a == b else f"trang {a}–{b}"


def _name(spec: FormSpec, title: str | None = None) -> str:
    """The form's code and title; `title`: the document's own (a person's phiếu names the person's
    kind, plan.person_title), else the form's."""
    title = title or spec.title
    return f"{spec.ma_hieu} ({title})" if spec.ma_hieu else title


UNIT_HEAD_ROLE = "Người đứng đầu đơn vị"  # meta.toml `signers` of the unit's papers (kiem_diem_tap_the, tong_hop_*)


def _signers(spec: FormSpec, person_name: str | None, campaign: Campaign | None = None,
             person: Person | None = None, unit_signer: str = "") -> str:
    """The form's signer roles, each with the name the form prints under it when known; for a
    person's form, only the blocks that person's copy has (no direct manager's block for someone
    who has none: signers.roles_of). `unit_signer`: who signs a unit's paper for its head, as the
    paper prints him (unit_context.unit_signer_words: a deputy «ký thay (KT. Trưởng phòng)»)."""
    roles = spec.signers
    named: dict[str, signing.Signer] = {}
    if campaign is not None and person is not None:
        roles = signing.roles_of(campaign, person, roles)
        rated_by = signing.evaluator(campaign, person)
        named[signing.EVALUATOR_ROLE] = rated_by
        # the party reviews' state block (2A/2B, 02A/02B) prints the competent evaluator too: for the
        # agency head, the head of the superior agency, never himself
        named[signing.HEAD_BLOCK_ROLE] = rated_by
        manager = signing.commenter(campaign, person, rated_by)
        for role in signing.MANAGER_ROLES:
            named[role] = manager
        # the period sheet (theo_doi_ky): confirmed by the direct manager, else the competent evaluator
        named[signing.CONFIRM_ROLE] = manager if manager.known else rated_by
    out = []
    for role in roles:
        who = named.get(role)
        if person_name and "tự" in role.lower():
            out.append(f"{role} ({person_name})")
        elif role == UNIT_HEAD_ROLE and unit_signer:
            out.append(unit_signer)
        elif who is not None and who.known:
            kt = f"KT. {who.ky_thay.strip()}: " if who.ky_thay.strip() else ""  # a deputy in charge, as printed
            out.append(f"{role} ({kt}{' '.join(x for x in (who.chuc_vu, who.ho_ten) if x)})")
        else:
            out.append(role)
    return ", ".join(out) if out else "không có chữ ký"


def lines(b: Build, bundles: Bundles, sub: Submission) -> list[str]:
    """The guide's text from the build (`b`: campaign, plan, registry, options, today, the staged
    files' pages), its bundles and its submission package."""
    campaign, today = b.campaign, b.today
    to = recipient(campaign)
    pages = {rel: k.pages for rel, k in b.files.known.items() if k.pages is not None}
    out = [f"HƯỚNG DẪN IN, KÝ VÀ NỘP HỒ SƠ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {campaign.year}",
           campaign.agency.ten_co_quan, f"Tạo ngày {today:%d/%m/%Y} cùng bộ hồ sơ trong thư mục này.", ""]

    out.append("1. HẠN NỘP")
    due = sub.deadline
    if due is not None:
        out.append(f"   Hạn gửi hồ sơ cho {to}{due.who}: {due.date:%d/%m/%Y} — {due.status} "
                   f"(tính đến ngày {today:%d/%m/%Y}).")
        if due.workbook_differs:  # the Sở's deadline binds; the workbook's other date named once
            out.append(f"   {due.workbook_note}")
    else:
        out.append("   Sổ Excel chưa ghi hạn nộp (sheet CoQuan, ô «Hạn nộp Sở Nội vụ»).")
    out.append("")
    out += _what_to_print(b, bundles, pages, sub.manifest.get("nop_so_noi_vu"))
    out += _who_signs(b, bundles)
    out += _what_to_send(sub.manifest.get("nop_so_noi_vu"), to, agency_kind.agency_noun(campaign, b.ratings, distinct=True))
    out.append("5. KHI SỬA SỐ LIỆU SAU KHI ĐÃ IN")
    out.append("   Sửa trong sổ Excel rồi chạy lại hoso build vào thư mục này: tệp in_lai.pdf gom đúng các tờ phải in "
               "lại và ký lại (văn bản của người: từ hồ sơ cá nhân; văn bản của đơn vị: từ hồ sơ đơn vị; công văn, "
               f"báo cáo, biểu tổng hợp, thông báo gửi {to}: từ nop_so_noi_vu/), "
               "thay_doi.txt liệt kê chúng. Không sửa trực tiếp các tệp .docx/.pdf ở đây.")
    out.append("   In xong thì đánh dấu đã in: hoso da-in -o <thư mục này> (trên trang web: nút «Đã in xong các trang "
               "cần in lại»). Từ đó in_lai.pdf gom mọi tờ thay đổi kể từ lần in, dù đã tạo lại nhiều lần trước khi in.")
    # the sheets named as the clerk's workbook names them («sheet «Nhân sự»», not «sheet NhanSu»)
    return [as_written(line, campaign.sheet_names) for line in out]


def _what_to_print(b: Build, bundles: Bundles, pages: dict[str, int],
                   submission: dict[str, Any] | None = None) -> list[str]:
    """Section 2: the person and unit bundles with their pages and sheets, and each form's copies."""
    duplex, persons, units = b.options.duplex, bundles.persons, bundles.units
    out = ["2. IN NHỮNG GÌ"]
    to = recipient(b.campaign)
    # the agency as the guide names it beside its units: «đơn vị sự nghiệp» for a đơn vị sự nghiệp công lập
    body = agency_kind.agency_noun(b.campaign, b.ratings, distinct=True)
    sides = ("in HAI MẶT; trang trắng đã được chèn để mỗi người, mỗi phần bắt đầu ở mặt trước của một tờ" if duplex
             else "in MỘT MẶT; bộ hồ sơ được tạo với --no-duplex, không chèn trang trắng")
    person_pages = sum(pages.get(p["pdf"], 0) for p in persons)
    out.append(f"   a) Hồ sơ cá nhân từng người, để ký: ca_nhan/<mã đơn vị>/<mã số>.pdf — {len(persons)} tệp, "
               f"{person_pages} trang; mỗi hồ sơ đánh số trang riêng (sửa số liệu của một người không làm đổi số trang "
               "của người khác). Hai mặt: các văn bản trong một hồ sơ nối tiếp nhau trên các tờ.")
    out.append(f"   b) Văn bản của từng đơn vị (biên bản họp, kiểm điểm tập thể, bảng tổng hợp), để ký: các trang nêu ở "
               f"mục 3 trong hồ sơ đơn vị ({sides}).")
    out.append("   c) Hồ sơ đơn vị (bìa, mục lục, văn bản đơn vị và hồ sơ từng người theo thứ tự xét), bản ghép đầy đủ "
               f"để lưu tại {body} (gửi {to} chỉ biên bản họp, báo cáo kiểm điểm tập thể và hồ sơ cá nhân của lãnh "
               f"đạo {body}, xem mục 4):")
    by_unit = {u.ma_don_vi: u for u in b.plan.units}
    for u in units:
        unit = by_unit.get(u["ma_don_vi"])
        n = pages.get(u["pdf"])
        sheets = f", {(n + 1) // 2 if duplex else n} tờ" if n else ""
        out.append(f"   - {u['pdf']}: {unit.ten_don_vi if unit else u['ma_don_vi']}" + (f", {n} trang{sheets}" if n else ""))
    out += _agency_documents(b, submission)
    out.append(f"   Số bản mỗi mẫu (theo meta.toml của mẫu; sửa ở đó nếu {body} cần khác):")
    # by form and printed title: a phiếu is titled by the person's kind (công chức, người lao động, cán bộ…),
    # as section 3 and the papers name it
    counts: dict[tuple[str, str], int] = {}
    for job in b.plan.jobs:
        counts[(job.form, job.title)] = counts.get((job.form, job.title), 0) + 1
    for (code, title), n in counts.items():
        spec = b.registry.get(code)
        extra = f" — in thêm {spec.copies - 1} bản" if spec.copies > 1 else ""
        out.append(f"   - {_name(spec, title)}: {n} văn bản, {spec.copies} bản mỗi văn bản{extra}.")
    out.append("")
    return out


def _agency_documents(b: Build, submission: dict[str, Any] | None) -> list[str]:
    """The agency's own documents (plan.agency, co_quan/<form>.pdf: the notice of results), closing
    section 2: where each is and who signs it; a draft (left out of the package for the Sở Nội vụ:
    no level decided yet) is to be read, not signed."""
    if not b.plan.agency:
        return []
    sent = {f.get("loai") for f in (submission or {}).get("tep", [])}
    body = agency_kind.agency_noun(b.campaign, b.ratings, distinct=True)  # beside its units (c)
    out = [f"   d) Văn bản của {body}:"]
    for job in b.plan.agency:
        spec = b.registry.get(job.form)
        path = job.docx.rsplit(".", 1)[0] + ".pdf"
        if job.form in sent:
            signs = _signers(spec, None).replace("Người đứng đầu cơ quan", f"Người đứng đầu {body}")
            out.append(f"   - {path}: {_name(spec, job.title)}; ký: {signs}; đóng dấu, công khai trong {body}.")
        else:
            out.append(f"   - {path}: {_name(spec, job.title)} — bản DỰ THẢO (cấp có thẩm quyền chưa quyết định mức "
                       "xếp loại): để xem lại, chưa ký, chưa công bố; khi đã có mức quyết định (cột «Mức xếp loại của "
                       "cấp có thẩm quyền» sheet NhanSu), tạo lại hồ sơ rồi in bản chính thức để ký.")
    return out


def _who_signs(b: Build, bundles: Bundles) -> list[str]:
    """Section 3: who signs which pages, in each person's bundle and in the unit's bundle."""
    registry = b.registry
    people = {p.ma_so: p for p in b.campaign.people}
    names = {p.ma_so: p.ho_ten for p in b.campaign.people}
    out = ["3. AI KÝ TRANG NÀO (chữ ký ở cuối mỗi văn bản; trang trong hồ sơ cá nhân, và trong hồ sơ đơn vị)"]
    docs_of: dict[str, Any] = {p["ma_so"]: p for p in bundles.persons}
    units = {u.ma_don_vi: u for u in b.campaign.units}
    for u in bundles.units:
        out.append(f"   {u['pdf']}:")
        unit = units.get(u.get("ma_don_vi", ""))
        unit_signer = unit_signer_words(b.campaign, unit) if unit is not None else ""
        for m in u.get("muc", []):
            first, last = m["trang_dau"], m["trang_dau"] + m["so_trang"] - 1
            if m.get("ma_so"):
                person: Any = docs_of.get(m["ma_so"])
                name = names.get(m["ma_so"], m.get("tieu_de", ""))
                for d in (person or {}).get("tai_lieu", []):
                    own = _range(d["trang_dau"], d["trang_dau"] + d["so_trang"] - 1)
                    pa = m["trang_dau"] + d["trang_dau"] - 1
                    pb = pa + d["so_trang"] - 1
                    spec = registry.get(d["mau"])
                    out.append(f"   - {name} ({m['ma_so']}) — {_name(spec, d.get('tieu_de'))}: {own} của {person['pdf']} "
                               f"({_range(pa, pb)} của {u['pdf']}); ký: {_signers(spec, name, b.campaign, people.get(m['ma_so']))}.")
            elif m.get("mau"):
                spec = registry.get(m["mau"])
                out.append(f"   - {m.get('tieu_de', spec.title)}: {_range(first, last)} của {u['pdf']}; "
                           f"ký: {_signers(spec, None, unit_signer=unit_signer)}.")
    out.append("")
    return out


def _what_to_send(submission: dict[str, Any] | None, to: str = RECIPIENT, body: str = "cơ quan") -> list[str]:
    """Section 4: each file of the package for `to` (the Sở Nội vụ, or the body the workbook names) and how it is
    sent (unconfirmed); `body`: what the agency is called (`HOW_SENT`'s «{co_quan}»)."""
    out = [f"4. GỬI {to.upper()}"]
    section = submission or {}
    for f in section.get("tep", []):
        name = f["path"].rsplit("/", 1)[-1]
        key = f"{f.get('loai')}.{name.rsplit('.', 1)[-1]}" if f.get("loai") not in ("don_vi", "lanh_dao") else f["loai"]
        how = HOW_SENT.get(key, HOW_SENT.get(name, "gửi dạng tệp")).format(co_quan=body)
        out.append(f"   - {f['path']}: {f.get('tieu_de', '')} — {how}.")
    if section.get("zip"):
        out.append(f"   - {section['zip']}: toàn bộ thư mục {section.get('thu_muc', 'nop_so_noi_vu')} (bản chưa ký) "
                   "— gửi khi Sở yêu cầu bản điện tử.")
    out.append(f"   Lưu ý: {UNCONFIRMED.format(noi_nhan=to)}")
    out.append("")
    return out


def pdf(text_lines: list[str]) -> bytes:
    """The guide as an A4 PDF in the forms' serif font (every Vietnamese letter)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    from pipeline.bundle.pens import fonts

    regular, bold = fonts()
    buf = io.BytesIO()
    # same bytes for the same text; the initial font is ours, else every page names a Helvetica
    # that is not embedded (pdffonts lists it; printers and PDF checkers flag it)
    # (types-reportlab declares initialFontName a float: a stub error, reportlab takes the font's name)
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1, invariant=1,
                      initialFontName=regular, initialFontSize=11)  # type: ignore[arg-type]  # the stub, see above
    c.setTitle("Hướng dẫn in, ký và nộp hồ sơ")
    width, height = A4
    left, top, bottom, size, lead = 56, height - 56, 56, 11, 14.5
    # laid out first, drawn then: each page numbered «Trang k/n» at its foot (a loose sheet of a
    # guide of a dozen pages finds its place)
    pages: list[list[tuple[str, float, float, str]]] = [[]]
    y = top
    for i, line in enumerate(text_lines):
        heading = i == 0 or (line[:2].rstrip(".").isdigit() and line[1:2] == ".")
        font = bold if heading else regular
        indent = len(line) - len(line.lstrip(" "))
        wrapped = simpleSplit(line.strip(), font, size, width - left * 2 - indent * 3) or [""]
        for j, part in enumerate(wrapped):
            if y < bottom:
                pages.append([])
                y = top
            pages[-1].append((font, left + indent * 3 + (12 if j and part and line.strip().startswith("-") else 0), y, part))
            y -= lead
    for k, page in enumerate(pages, 1):
        for font, x, y, part in page:
            c.setFont(font, size)
            c.drawString(x, y, part)
        if len(pages) > 1:
            c.setFont(regular, 10)
            c.drawCentredString(width / 2, bottom / 2, f"Trang {k}/{len(pages)}")
        c.showPage()
    c.save()
    return buf.getvalue()


def write(b: Build, bundles: Bundles, sub: Submission) -> None:
    """Write both files into the build's staged output; the PDF comes from the build's cache
    (`b.blobs`) when the same text was laid out before (reportlab and its font cost about half a
    second)."""
    text = lines(b, bundles, sub)
    if b.ngoac_kep:  # a paper the clerk prints and reads: «…» printed “…” (pipeline/quotes.py), as the forms
        text = [curly_quotes(line) for line in text]
    body = ("\n".join(text) + "\n").encode("utf-8")
    files, blobs = b.files, b.blobs
    files.write(TEXT, body)
    from pipeline.pdf.cache import data_key
    from pipeline.resources import running_program

    key = data_key("huong_dan_in", running_program(), body.decode("utf-8"))
    hit = blobs.get_verified(key, "pdf")
    if hit is None:
        made = pdf(text)
        hit = made, blobs.put(key, "pdf", made)
    files.write(PDF, hit[0], sha256=hit[1])
