"""Thin click commands over pipeline.api. Messages are Vietnamese, on stderr; exit codes in one place.

Only click and the standard library are imported at start-up; each command imports what it needs.
`hoso build` first asks `pipeline.uptodate` whether there is anything to do, before it imports the
build (docxtpl, reportlab, pypdf, openpyxl): an unchanged build costs the Python start-up only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from pipeline import __version__, cli_vi, portable
from pipeline.errors import EXIT_CODE_HELP, ExitCode, HosoError, InputUnreadable, ValidationFailed
from pipeline.options import BuildOptions, BuildSummary

if TYPE_CHECKING:
    import sqlite3

    from pipeline.ingest.problems import Problem
    from pipeline.web.store import Store

_F = TypeVar("_F", bound=Callable[..., Any])

cli_vi.install()  # click's own words in Vietnamese, before the decorators below use them

BLANK_WORKBOOK = "ho_so_danh_gia.xlsx"  # pipeline.ingest.blank.FILENAME, named here for the help text

EXIT_CODES_TEXT = "\n".join(f"  {int(code):>3}  {EXIT_CODE_HELP[code]}" for code in sorted(ExitCode))


def say(text: str = "") -> None:
    click.echo(text, err=True)


MAX_PRINTED = 200  # problems printed; the rest are counted (hoso check --json lists them all)


def print_problems(problems: list[Problem]) -> None:
    from pipeline.ingest.problems import runs

    by_sheet: defaultdict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_sheet[p.sheet].append(p)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    lines = shown = 0
    for sheet, items in by_sheet.items():
        if lines >= MAX_PRINTED:
            break
        say(f"── Sheet «{sheet}» ──" if sheet else "── Tệp ──")
        for p, last, n in runs(items)[:MAX_PRINTED - lines]:
            say(("  LỖI     " if p.is_error else "  CẢNH BÁO ") + p.text(last))
            lines, shown = lines + 1, shown + n
    if shown < len(problems):
        say(f"… và {len(problems) - shown} lỗi/cảnh báo khác chưa in (sửa các lỗi trên rồi kiểm tra lại, "
            "hoặc xem đủ bằng: hoso check --json).")
    say(f"Tổng cộng: {errors} lỗi, {warnings} cảnh báo.")


output_option = click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=Path("output"),
                             show_default=True, help="Thư mục kết quả.")


class _RulebookChoice(click.Choice[str]):
    """The rulebook ids, read from pipeline.rating.rulebooks only when click needs them (help, a value)."""

    def __init__(self) -> None:
        super().__init__([])

    @property  # type: ignore[override]  # computed when asked, where click has a plain attribute
    def choices(self) -> list[str]:
        from pipeline.rating.rulebooks import RULEBOOKS

        return sorted(RULEBOOKS)

    @choices.setter
    def choices(self, value: object) -> None:
        pass


rulebook_option = click.option(
    "--bo-quy-tac", "rulebook", type=_RulebookChoice(), default=None,
    help="Bộ quy tắc xếp loại (mặc định: theo năm đánh giá, hoặc ô «Bộ quy tắc» của sheet CoQuan).")


def build_options(f: _F) -> _F:
    f = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
                     help="Số tiến trình LibreOffice chạy song song (mặc định: số lõi CPU).")(f)
    f = click.option("--unit", "units", multiple=True, metavar="MA_DON_VI", help="Chỉ tạo hồ sơ của đơn vị này (lặp lại được).")(f)
    f = click.option("--person", "persons", multiple=True, metavar="MA_SO", help="Chỉ tạo hồ sơ của người này (lặp lại được).")(f)
    f = click.option("--templates", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
                     help="Thư mục mẫu biểu riêng của cơ quan (xem: hoso templates export).")(f)
    f = click.option("--pdfa", is_flag=True,
                     help="Ghi thêm bản PDF/A-2b của từng mẫu (cạnh tệp .docx); tệp ghép không giữ được PDF/A.")(f)
    f = click.option("--no-duplex", "no_duplex", is_flag=True,
                     help="Không chèn trang trắng (mặc định mỗi người bắt đầu ở trang lẻ để in hai mặt).")(f)
    f = click.option("--cache", "cache_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                     help="Thư mục bộ nhớ đệm PDF (mặc định ~/.cache/hoso).")(f)
    f = click.option("--ghi-de", "ghi_de", is_flag=True,
                     help="Ghi đè cả các tệp .docx/.pdf/.xlsx đã sửa tay trong thư mục kết quả (mặc định: dừng và nêu tên các tệp đó).")(f)
    f = click.option("--doi-co-quan", "doi_co_quan", is_flag=True,
                     help="Cho phép thay hồ sơ của cơ quan khác đang có trong thư mục kết quả (mặc định: dừng và nêu tên hai cơ quan).")(f)
    f = click.option("--doi-nam", "doi_nam", is_flag=True,
                     help="Cho phép thay hồ sơ của năm đánh giá khác đang có trong thư mục kết quả (mặc định: dừng và nêu hai năm).")(f)
    f = click.option("--ky", "sign_key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
                     metavar="KEYFILE", help="Ký manifest.json bằng khóa riêng này (tạo bằng: hoso khoa tao KEYFILE).")(f)
    f = click.option("--cum", "cum", default=None, metavar="tcp://MÁY:8786",
                     help="Điền mẫu, chuyển PDF và ghép hồ sơ trên cụm máy Dask (địa chỉ của «dask scheduler»); "
                          "cần: pip install 'hoso[cum]'.")(f)
    f = click.option("--khong-ma", "khong_ma", is_flag=True,
                     help="Không in mã QR nhận dạng trang ở lề trái (mặc định có: để hoso nhan-ban-ky xếp bản đã ký).")(f)
    f = rulebook_option(f)
    return f


def _options(jobs: int | None, units: Iterable[str], persons: Iterable[str], templates: Path | None, cache_dir: Path | None,
             no_duplex: bool = False, khong_ma: bool = False, **extra: Any) -> BuildOptions:
    return BuildOptions(jobs=jobs, units=frozenset(units), persons=frozenset(persons), templates=templates,
                        cache_dir=cache_dir, duplex=not no_duplex, page_codes=not khong_ma, **extra)


def _summary(s: BuildSummary) -> None:
    from pipeline.progress import seconds_words

    if s.unchanged:
        say("Không có gì thay đổi kể từ lần tạo trước (cùng sổ Excel, tùy chọn, mẫu biểu, phiên bản chương trình, "
            f"LibreOffice và phông chữ; {s.people} người, {s.documents} văn bản: chuyển PDF mới 0, dùng lại {s.reused}; {s.pages} trang; "
            f"kiểm tra trong {seconds_words(s.seconds)} giây): giữ nguyên kết quả ở «{s.outdir}».")
    else:
        say(f"Xong: {s.people} người, {s.documents} văn bản (chuyển PDF mới {s.converted}, dùng lại {s.reused}; "
            f"điền mẫu mới {s.rendered}), hồ sơ ghép mới {s.bundles_built}, dùng lại {s.bundles_reused}; "
            f"{s.pages} trang, {seconds_words(s.seconds)} giây. Kết quả ở «{s.outdir}».")
    if s.thay_doi:
        say(s.thay_doi)
    if s.huong_dan:
        say(f"Hướng dẫn in, ký và nộp: «{s.huong_dan}».")
    if s.han_nop:
        say(s.han_nop)


def _build(workbook: Path, outdir: Path, options: BuildOptions) -> BuildSummary:
    """Nothing at all when the output folder already holds what these inputs give (checked before
    the build's libraries are imported); otherwise the build."""
    from pipeline import uptodate
    from pipeline.openmarks import read_while_open_note

    if note := read_while_open_note(workbook):  # unsaved typing is not in the workbook hoso reads
        say(note)
    same = uptodate.unchanged(workbook, outdir, options)
    if same is not None:
        for line in same.canh_bao:  # the same warnings the build that made the folder printed
            say(line)
        return same
    from pipeline import api

    inside = _cwd_inside(outdir)
    summary = api.build(workbook, outdir, options, log=say, check_unchanged=False)
    if inside is not None and _cwd_replaced():
        # the terminal stood in the output folder, which the swap replaced: `ls` there now shows nothing
        say(f"Ghi chú: cửa sổ dòng lệnh này đang đứng trong thư mục kết quả cũ, vừa được thay bằng thư mục mới cùng "
            f"tên nên các tệp mới chưa hiện ở đây (không mất gì). Gõ: cd \"{inside}\" để vào thư mục mới.")
    return summary


def _cwd_inside(outdir: Path) -> str | None:
    """The working directory's path when it is `outdir` or inside it, else None."""
    try:
        here, out = os.path.realpath(os.getcwd()), os.path.realpath(outdir)
    except OSError:
        return None
    return here if here == out or here.startswith(out + os.sep) else None


def _cwd_replaced() -> bool:
    """The working directory is no longer the folder its path names (a folder moved away or removed)."""
    try:
        st = os.stat(".")
        there = os.stat(os.getcwd())
    except OSError:
        return True
    return (st.st_dev, st.st_ino) != (there.st_dev, there.st_ino)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog="\b\nMã thoát (exit code):\n" + EXIT_CODES_TEXT)
@click.version_option(__version__, prog_name="hoso")
def cli() -> None:
    """hoso — đánh giá, xếp loại chất lượng cán bộ, công chức, viên chức và người lao động.

    Từ một sổ Excel nhân sự, tạo kết quả xếp loại (kèm lý do), các mẫu phiếu đã điền (.docx, .pdf)
    và hồ sơ từng người, từng đơn vị.
    """


@cli.command()
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help=f"Ghi đè tệp {BLANK_WORKBOOK} đã có.")
@click.option("--nam", "year", type=click.IntRange(2000, 2100), default=None, metavar="NĂM",
              help="Năm đánh giá: ghi sẵn năm và chỉ tạo các sheet của năm đó (từ 2026: KetQuaKy, SanPham).")
@click.option("--tu", "source", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="SO_NAM_TRUOC.xlsx",
              help="Tạo sổ năm sau từ sổ năm trước: giữ cơ quan, đơn vị, nhân sự (trừ người đánh dấu «Đã nghỉ, chuyển đi»), "
                   "tiêu chí; xóa biểu quyết, tự đánh giá, mức quyết định, kỷ luật, thi đua của năm cũ; tăng năm đánh giá.")
def init(folder: Path, force: bool, year: int | None, source: Path | None) -> None:
    """Tạo sổ Excel trống (ho_so_danh_gia.xlsx): đủ các sheet, danh sách chọn, hướng dẫn; hoặc sổ năm sau (--tu)."""
    if source is not None:
        _init_from(source, folder, force)
        return
    from pipeline.ingest import blank

    if (folder / BLANK_WORKBOOK).exists() and not force:
        there = folder / BLANK_WORKBOOK
        raise click.UsageError(f"Tệp «{there}» đã có; không ghi đè. Thêm --force để ghi đè ("
                               + blank.KEPT_WORDS.format(name=there.stem, ext=there.suffix)
                               + "), hoặc chọn thư mục khác: hoso init THƯ_MỤC")
    kept: list[Path] = []
    dest = blank.write(folder, force=force, year=year, kept=kept)
    for aside in kept:
        say(f"Sổ đang có ở «{dest}» được chép giữ lại thành «{aside}» (không bị xóa).")
    say(f"Đã tạo «{dest}». Điền theo sheet «{blank.GUIDE}», rồi kiểm tra bằng lệnh: hoso check {dest}")


def _init_from(source: Path, folder: Path, force: bool) -> None:
    from pipeline import api
    from pipeline.ingest import rollover

    try:
        done = api.init_from(source, folder, force=force)
    except rollover.AlreadyThere as exc:
        raise click.UsageError(exc.message) from None
    if done.replaced is not None:
        say(f"Sổ đang có ở «{done.dest}» được chép giữ lại thành «{done.replaced}» (không bị xóa).")
    say(f"Đã tạo «{done.dest}» cho năm đánh giá {done.year} từ «{source}».")
    for line in rollover.lines(done):
        say(line)
    say(f"Điền số liệu năm mới rồi kiểm tra: hoso check {done.dest}")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In danh sách lỗi dạng JSON ra stdout.")
@click.option("--danh-dau", "marked", type=click.Path(path_type=Path, dir_okay=False), default=None, metavar="BAN_SAO.xlsx",
              help="Ghi một bản sao của sổ: ô có lỗi tô màu, lời nhắn ở chú thích của ô, sheet đầu «KiemTra» liệt kê "
                   "mọi lỗi kèm liên kết đến ô (sổ gốc không bị sửa).")
def check(workbook: Path, as_json: bool, marked: Path | None) -> None:
    """Kiểm tra sổ Excel: liệt kê mọi lỗi (sheet, dòng, cột, giá trị, yêu cầu)."""
    from pipeline import api
    from pipeline.ingest.problems import ERROR, Problem
    from pipeline.openmarks import read_while_open_note

    if note := read_while_open_note(workbook):
        say(note)
    try:
        problems = api.check(workbook)
    except InputUnreadable as exc:
        if as_json:  # still a list of problems on stdout; the message also goes to stderr
            click.echo(json.dumps([Problem(ERROR, "", exc.message, expected=exc.hint).as_json()],
                                  ensure_ascii=False, indent=2))
        raise
    if marked is not None:
        from pipeline.ingest import mark

        try:
            cells = mark.write(workbook, marked, problems)
        except mark.TooBig as exc:  # the problems are still listed below
            say(str(exc))
        else:
            say(f"Đã ghi bản đánh dấu «{marked}»: {cells} ô được tô màu, {len(problems)} lỗi và cảnh báo ở sheet "
                f"«{mark.SHEET}» (sổ gốc «{workbook}» không bị sửa).")
    if as_json:
        click.echo(json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2))
    if problems and not as_json:
        print_problems(problems)
    if any(p.is_error for p in problems):
        raise ValidationFailed(problems, printed=True)
    say(f"Sổ Excel hợp lệ ({len(problems)} cảnh báo).")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@rulebook_option
@click.option("--ghi-de", "ghi_de", is_flag=True,
              help="Ghi đè cả tệp kết quả xếp loại đã sửa tay (bản đã sửa được chép giữ lại bên cạnh thư mục).")
def rate(workbook: Path, outdir: Path, rulebook: str | None, ghi_de: bool = False) -> None:
    """Kiểm tra và tính mức xếp loại đề xuất (kèm lý do); chỉ ghi tệp kết quả xếp loại (.json, .xlsx)."""
    from pipeline import api
    from pipeline.ingest.sheetnames import as_written
    from pipeline.openmarks import read_while_open_note
    from pipeline.rating import agency_kind
    from pipeline.rating.levels import ORDER
    from pipeline.rating.rules import pct
    from pipeline.rating.summary import agency_htxs_words, cap_line, unit_summaries, warning_lines

    if note := read_while_open_note(workbook):
        say(note)
    sheet_names: dict[str, str] = {}
    ratings = api.rate(workbook, outdir, rulebook=rulebook, log=say, overwrite=ghi_de, sheet_names=sheet_names)
    say(f"Bộ quy tắc: {ratings.bo_quy_tac} ({ratings.ten_bo_quy_tac}); năm đánh giá {ratings.nam_danh_gia}.")
    say("Mức cuối cùng theo đơn vị (mức quyết định nếu đã có, nếu chưa thì mức đề xuất):")
    width = max([len(u.ma_don_vi) for u in unit_summaries(ratings)] + [8])
    say(f"  {'Đơn vị':<{width}}  " + "  ".join(f"{lv:>4}" for lv in ORDER) + "  Không XL  Chưa có mức  Tỷ lệ HTXS")
    for u in unit_summaries(ratings):
        counts = "  ".join(f"{u.so_muc.get(lv, 0):>4}" for lv in ORDER)
        cap = "VƯỢT TỶ LỆ" if u.vuot_ty_le else ("đã hạ " + ", ".join(u.ha_muc) if u.ha_muc else "đạt")
        say(f"  {u.ma_don_vi:<{width}}  {counts}  {u.khong_xep_loai:>8}  {u.chua_co_muc:>11}  {cap}")
    say("Tỷ lệ Hoàn thành xuất sắc nhiệm vụ theo nhóm tương đồng:")
    for g in ratings.groups:
        say("  " + cap_line(g))
    if share := agency_htxs_words(ratings, "để so với tỷ lệ đảng viên được xếp loại Hoàn thành xuất sắc nhiệm vụ"):
        body = agency_kind.noun(agency_kind.of_ratings(ratings), distinct=True)  # the agency beside its units
        say(f"Hoàn thành xuất sắc nhiệm vụ trên tổng số được xếp loại của {body}: {share}.")
    t = ratings.thi_dua
    if t.so_de_nghi:
        direct = pct(t.ty_le_truc_tiep) if t.ty_le_truc_tiep is not None else "—"
        say(f"Thi đua: {t.so_de_nghi} đề nghị, {t.so_dat_ldtt} đạt Lao động tiên tiến, Chiến sĩ thi đua cơ sở "
            f"{t.so_cstdcs}/{t.toi_da_cstdcs} tối đa; trực tiếp lao động, công tác {direct} (ngưỡng {pct(t.nguong_truc_tiep)}).")
    for line in warning_lines(ratings):
        say(as_written(line, sheet_names))
    say(f"Đã ghi «{outdir / 'ket_qua_xep_loai.json'}» và «{outdir / 'ket_qua_xep_loai.xlsx'}».")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@build_options
def build(workbook: Path, outdir: Path, **kw: Any) -> None:
    """Tạo toàn bộ: kiểm tra, xếp loại, điền mẫu, chuyển PDF, ghép hồ sơ."""
    _summary(_build(workbook, outdir, _options(**kw)))


@cli.command()
@output_option
@build_options
@click.option("--nam", "year", type=click.Choice(["2026", "2024"]), default="2026", show_default=True,
              help="Năm của sổ mẫu: 2026 (chấm điểm theo tháng, quý) hoặc 2024 (Nghị định 90/2020).")
def demo(outdir: Path, year: str, **kw: Any) -> None:
    """Chạy thử toàn bộ với sổ Excel mẫu đi kèm chương trình (mặc định năm 2026)."""
    from pipeline.resources import sample_workbook

    workbook = sample_workbook(int(year))
    say(f"Dùng sổ Excel mẫu «{workbook}».")
    _summary(_build(workbook, outdir, _options(**kw)))


@cli.command("nhan-ban-ky")
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("scans", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True))
def nhan_ban_ky(outdir: Path, scans: tuple[Path, ...]) -> None:
    """Xếp các trang đã ký (tệp quét PDF hoặc ảnh, thứ tự bất kỳ) vào hồ sơ theo mã in trên từng trang."""
    from pipeline.scan.sort import console_lines, receive

    for line in console_lines(receive(outdir, list(scans))):
        say(line)


@cli.command("nhap-ket-qua")
@click.argument("export", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--vao", "workbook", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Sổ Excel nhận kết quả (sheet KetQuaKy, SanPham).")
@click.option("--anh-xa", "mapping", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Tệp ánh xạ cột (.toml). Mặc định: tệp đã lưu cạnh sổ từ lần nhập trước, nếu có.")
@click.option("--thu", "dry_run", is_flag=True, help="Chạy thử: chỉ báo sẽ thêm, thay những dòng nào; không ghi sổ.")
def nhap_ket_qua(export: Path, workbook: Path, mapping: Path | None, dry_run: bool) -> None:
    """Nhập kết quả tháng, quý (và sản phẩm) từ tệp xuất của phần mềm KPI (.xlsx, .csv) vào sổ Excel."""
    from pipeline.ingest import kpi_import

    out = kpi_import.run(export, workbook, mapping_file=mapping, dry_run=dry_run, keep_before=True)
    # the sheets as the workbook names them («Kết quả kỳ: thêm …» in a workbook whose tabs are in Vietnamese)
    periods, products = (out.sheet_names.get(k, k) for k in ("KetQuaKy", "SanPham"))
    src = "tự nhận theo tiêu đề cột" if out.mapping_source == "tu_dong" else f"theo tệp «{out.mapping_source}»"
    say(f"Ánh xạ cột ({src}): " + "; ".join(f"{k} ← «{h}»" for k, h in out.mapping.items()))
    for note in out.notes:
        say("Ghi chú: " + note)
    for line in out.skipped:
        say("  KHÔNG NHẬP  " + line)
    changes = []
    rows = []
    if out.added["KetQuaKy"] or out.replaced["KetQuaKy"]:
        rows.append(f"thêm {out.added['KetQuaKy']} dòng, thay {out.replaced['KetQuaKy']} dòng cùng người, cùng kỳ")
    if out.unchanged:  # rows imported before (a cumulative export, the same file twice): not rewritten
        rows.append(f"giữ nguyên {out.unchanged} dòng đã có trong sổ với cùng kết quả")
    if rows:
        changes.append(f"{periods}: " + ", ".join(rows))
    rows = []
    if out.added["SanPham"] or out.replaced["SanPham"]:
        rows.append(f"thêm {out.added['SanPham']} dòng sản phẩm, bỏ {out.replaced['SanPham']} dòng cũ của cùng người, "
                    "cùng kỳ")
    if out.unchanged_products:  # the same products of a person and period imported again: not rewritten
        rows.append(f"giữ nguyên {out.unchanged_products} dòng sản phẩm đã có trong sổ với cùng nội dung")
    if rows:
        changes.append(f"{products}: " + ", ".join(rows))
    what = "; ".join(changes) or "không có dòng nào để nhập"
    if dry_run:
        say(f"Chạy thử, chưa ghi sổ: {what}.")
    elif out.written:
        say(f"Đã ghi «{workbook}»: {what}. Các sheet khác giữ nguyên.")
        if out.kept_before is not None:  # rows already in the workbook were replaced: their earlier values kept
            say(f"Sổ trước khi nhập (có giá trị cũ của các dòng bị thay) được chép giữ lại thành «{out.kept_before}».")
        if out.mapping_saved:
            # one mapping per kind of export: a quarterly export's does not replace the monthly one's
            kind = kpi_import.KINDS.get(out.kind)
            say(f"Đã lưu ánh xạ cột vào «{out.mapping_saved}» (lần sau tự dùng lại"
                + (f" cho {kind}; ánh xạ của loại tệp xuất khác giữ nguyên)." if kind else ")."))
        say(f"Kiểm tra lại sổ bằng lệnh: hoso check {workbook}")
    else:
        say(f"Không ghi sổ: {what}.")
    if out.skipped:
        say(f"{out.skipped_rows} dòng không nhập được (xem danh sách trên).")


@cli.command()
@click.argument("outdir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--khoa", "public_key", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="KEYFILE.pub", help="Khóa công khai: manifest.json phải được ký bằng khóa riêng tương ứng.")
def verify(outdir: Path, public_key: Path | None) -> None:
    """Kiểm tra bộ hồ sơ đã tạo: tệp bị sửa, thiếu, thừa; hồ sơ từng người; biểu tổng hợp; tệp nén."""
    from pipeline import api
    from pipeline.errors import VerifyFailed

    report = api.verify(outdir, public_key)
    for note in report.notes:
        say("Ghi chú: " + note)
    for problem in report.problems:
        say("  LỖI  " + problem)
    if not report.ok:
        raise VerifyFailed(f"Bộ hồ sơ «{outdir}» không khớp: {len(report.problems)} lỗi (xem danh sách trên).")
    done = "; hồ sơ từng người, biểu tổng hợp và tệp nén đúng" if report.submission else ""
    say(f"Bộ hồ sơ «{outdir}» khớp manifest.json: {report.files} tệp, {report.people} người{done}.")


@cli.command("tong-hop")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="BỘ_HỒ_SƠ...")
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("tong_hop_so_noi_vu"), show_default=True, help="Thư mục ghi bản tổng hợp.")
@click.option("--han", "due", default=None, metavar="NGÀY",
              help="Hạn nộp của Sở Nội vụ (hoặc của cơ quan ghi ở --noi-tong-hop), dd/mm/yyyy; mặc định: hạn "
                   "ghi trong bộ hồ sơ của từng cơ quan.")
@click.option("--danh-sach", "expected", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="Tệp văn bản: tên các cơ quan phải nộp, mỗi dòng một tên (để biết cơ quan nào chưa nộp).")
@click.option("--khoa", "public_key", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="KEYFILE.pub", help="Khóa công khai: manifest.json của mỗi bộ phải được ký bằng khóa này.")
@click.option("--noi-tong-hop", "compiler", default="", metavar="TÊN_CƠ_QUAN",
              help="Cơ quan lập bản tổng hợp khi không phải Sở Nội vụ, ví dụ «Sở Y tế tỉnh Hà Giang Nam» tổng hợp "
                   "các đơn vị sự nghiệp trực thuộc: bộ hồ sơ gửi cơ quan này không bị ghi là «gửi cơ quan khác», "
                   "và bản tổng hợp ghi tên cơ quan này; mặc định: Sở Nội vụ.")
@click.option("--templates", "labels_dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Thư mục mẫu biểu riêng (xem: hoso templates export): lời văn đầu, cuối bản tổng hợp lấy từ tệp "
                   "tong_hop_so_noi_vu.toml trong thư mục này.")
def tong_hop(packages: tuple[Path, ...], outdir: Path, due: str | None, expected: Path | None,
             public_key: Path | None, compiler: str, labels_dir: Path | None) -> None:
    """Sở Nội vụ: kiểm tra và tổng hợp bộ hồ sơ của nhiều cơ quan (thư mục kết quả, thư mục nop_so_noi_vu hoặc tệp ho_so_<năm>.zip) thành bảng tính và bản PDF để in."""  # noqa: E501 (one line: click keeps a docstring's indentation in the command list)
    from pipeline.cli_province import run

    run(list(packages), outdir, due, expected, public_key, say, compiler, labels_dir)


@cli.command()
@click.argument("old", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("new", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--in-lai", "reprint", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Ghi các tờ cần in lại (lấy từ NEW) vào tệp PDF này.")
def diff(old: Path, new: Path, reprint: Path | None) -> None:
    """So sánh hai thư mục kết quả: văn bản nào thay đổi (người, văn bản, trang) và các tờ cần in lại."""
    from pipeline import api

    found = api.diff(old, new, reprint)
    click.echo(found.listing(), nl=False)
    say(found.summary(f"«{reprint}»" if reprint else "các tờ trong danh sách trên (thêm --in-lai TỆP.pdf để ghi thành một tệp)",
                      since=f"«{old}»", details="danh sách trên"))


@cli.command("da-in")
@click.option("-o", "--out", "outdir", required=True, type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Thư mục kết quả (của hoso build) vừa in xong.")
def da_in(outdir: Path) -> None:
    """Đánh dấu đã in xong kết quả hiện tại của thư mục: từ đó, in_lai.pdf và thay_doi.txt của mỗi lần tạo
    lại liệt kê mọi tờ thay đổi kể từ lần in này (không chỉ so với lần tạo ngay trước)."""
    from pipeline import api

    say(api.mark_printed(outdir).line())


@cli.group(invoke_without_command=True)
@click.pass_context
def templates(ctx: click.Context) -> None:
    """Mẫu biểu: liệt kê (mẫu nào là bản tái dựng), chép ra để cơ quan tự sửa, kiểm tra mẫu."""
    if ctx.invoked_subcommand is None:
        _list_templates(None)


@templates.command("list")
@click.argument("root", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
def templates_list(root: Path | None) -> None:
    """Liệt kê các mẫu (mặc định, hoặc của thư mục ROOT): năm áp dụng, mẫu nào là bản tái dựng."""
    _list_templates(root)


@contextlib.contextmanager
def _templates_used(root: Path | None) -> Iterator[Path | None]:
    """The forms a build with `--templates root` reads (`forms.origin.used_set`, in a folder of this command's own),
    its notes said; None: the program's."""
    if root is None:
        yield None
        return
    import tempfile

    from pipeline.forms import origin

    found = origin.examine(root)
    for line in origin.notes(found, root, origin.LATER):
        say(line)
    with tempfile.TemporaryDirectory(prefix="hoso-mau-bieu-") as tmp:
        yield origin.used_set(root, Path(tmp), found)


def _list_templates(root: Path | None) -> None:
    from pipeline import lint

    with _templates_used(root) as used:
        rows = lint.listing(used)
    for spec in rows:
        mark = "TÁI DỰNG " if spec.reconstructed else "         "
        say(f"  {mark} {spec.code:<20} {spec.years_text:<12} {(spec.ma_hieu + ' — ') if spec.ma_hieu else ''}{spec.title}")
    rebuilt = [s for s in rows if s.reconstructed]
    say(f"{len(rows)} mẫu; {len(rebuilt)} mẫu là bản tái dựng (chưa đối chiếu được văn bản chính thức; nguồn ghi ở "
        "«sources» trong meta.toml của mẫu). Thay bằng mẫu chính thức: hoso templates export THU_MUC, thay "
        "THU_MUC/<mã mẫu>/template.docx, ghi status = \"chinh_thuc\", rồi hoso build … --templates THU_MUC.")


@templates.command("export")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Ghi đè nếu thư mục đã có tệp.")
def templates_export(dest: Path, force: bool) -> None:
    """Chép các mẫu mặc định vào DEST để sửa; dùng lại bằng: hoso build … --templates DEST."""
    from pipeline import lint

    kept: list[Path] = []
    lint.export(dest, force=force, kept=kept)
    for aside in kept:
        files = [f for f in aside.rglob("*") if f.is_file() and f.relative_to(aside).as_posix() != "mau_goc.json"]
        say(f"{len(files)} tệp đã sửa trong «{dest}» được chép giữ lại sang «{aside}» trước khi ghi đè: "
            + ", ".join(f.relative_to(aside).as_posix() for f in sorted(files)[:10])
            + (f" và {len(files) - 10} tệp khác" if len(files) > 10 else "") + ".")
    say(f"Đã chép mẫu biểu vào «{dest}». Sửa tệp template.docx hoặc [labels] trong meta.toml, rồi chạy: "
        f"hoso templates check {dest}. Tệp mau_goc.json ghi lại bản mẫu của chương trình lúc chép (đừng xóa): mẫu nào "
        "cơ quan không sửa sẽ theo bản cập nhật của chương trình khi tạo hồ sơ.")


@templates.command("check")
@click.argument("root", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--workbook", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Sổ Excel dùng để thử điền (mặc định: sổ mẫu đi kèm).")
def templates_check(root: Path | None, workbook: Path | None) -> None:
    """Kiểm tra từng mẫu: cú pháp thẻ và các biến mà dữ liệu không có."""
    from pipeline import lint
    from pipeline.errors import TemplateError
    from pipeline.forms import origin

    with _templates_used(root) as used:
        try:
            results = lint.check(used, workbook)
        except TemplateError as exc:
            if used is not None and root is not None:
                exc.message = origin.as_written(exc.message, used, root)
            raise
    for r in results:
        say(f"  {'ĐẠT ' if r.ok else 'LỖI '} {r.code}: {r.title}")
        for problem in r.problems:
            say(f"        {origin.as_written(problem, used, root) if used and root else problem}")
        for warning in r.warnings:
            say(f"        Cảnh báo: {origin.as_written(warning, used, root) if used and root else warning}")
    bad = [r for r in results if not r.ok]
    if bad:
        raise TemplateError(f"{len(bad)}/{len(results)} mẫu có lỗi.")
    say(f"Tất cả {len(results)} mẫu đều điền được.")
    if warned := sum(len(r.warnings) for r in results):
        say(f"{warned} cảnh báo (xem trên): giấy tờ vẫn tạo được, nhưng phần chữ đó in khác với khi xem trong Word.")


@cli.group()
def khoa() -> None:
    """Khóa ký bộ hồ sơ (Ed25519): tạo khóa; ký khi tạo (build --ky); kiểm tra (verify --khoa)."""


@khoa.command("tao")
@click.argument("keyfile", type=click.Path(path_type=Path, dir_okay=False))
def khoa_tao(keyfile: Path) -> None:
    """Tạo khóa riêng KEYFILE (chỉ chủ sở hữu đọc được) và khóa công khai KEYFILE.pub."""
    from pipeline.submission import signing

    public = signing.generate(keyfile)
    say(f"Đã tạo khóa riêng «{keyfile}» (giữ kín, quyền 0600) và khóa công khai «{public}» "
        f"(mã {signing.fingerprint(signing.load_public(public))}; gửi kèm bộ hồ sơ để kiểm tra). "
        f"Ký khi tạo: hoso build … --ky {keyfile}; kiểm tra: hoso verify THU_MUC --khoa {public}")


@cli.group()
def cache() -> None:
    """Bộ nhớ đệm (bản .docx, PDF đã chuyển, hồ sơ ghép): có dữ liệu cá nhân; tự dọn theo tuổi và dung lượng."""


@cache.command("xoa")
@click.option("--nguoi", "ma_so", metavar="MA_SO", default=None,
              help="Chỉ xóa dữ liệu của người này (văn bản, PDF và các hồ sơ ghép có người này).")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Thư mục bộ nhớ đệm (mặc định ~/.cache/hoso).")
def cache_xoa(ma_so: str | None, cache_dir: Path | None) -> None:
    """Xóa bộ nhớ đệm (toàn bộ, hoặc của một người với --nguoi)."""
    from pipeline import cachecare
    from pipeline.pdf.cache import default_root

    root = cache_dir or default_root()
    if ma_so is None:
        n = cachecare.remove_all(root)
        say(f"Đã xóa {n} tệp trong bộ nhớ đệm «{root}».")
        return
    if not cachecare._CODE.fullmatch(ma_so):
        raise click.BadParameter(f"mã số «{ma_so}» không hợp lệ (chỉ gồm chữ cái không dấu, chữ số, - và _).",
                                 param_hint="--nguoi")
    n = cachecare.remove_person(root, ma_so)
    say(f"Đã xóa {n} tệp có dữ liệu của {ma_so} trong bộ nhớ đệm «{root}»." if n else
        f"Bộ nhớ đệm «{root}» không có dữ liệu nào của {ma_so}.")


@cli.command()
@click.option("--host", default="127.0.0.1", metavar="ĐỊA_CHỈ", show_default=True,
              help="Địa chỉ nghe (mặc định chỉ máy này; 0.0.0.0 để các máy trong mạng cơ quan vào được).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, metavar="CỔNG", show_default=True, help="Cổng.")
@click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False), default=Path("hoso_du_lieu"),
              show_default=True, help="Thư mục dữ liệu: cơ sở dữ liệu SQLite và mỗi cơ quan một thư mục.")
@click.option("--sau-proxy", "behind_proxy", is_flag=True,
              help="Chạy sau một reverse proxy HTTPS (tin tiêu đề X-Forwarded-For/-Proto của proxy đó).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Số tiến trình LibreOffice chạy sẵn suốt thời gian máy chủ chạy, dùng chung cho mọi lần tạo hồ sơ (mặc định: số lõi CPU).")
@click.option("--cum", "cum", default=None, metavar="tcp://MÁY:8786",
              help="Mọi lần tạo hồ sơ của hàng đợi chạy trên cụm máy Dask (địa chỉ của «dask scheduler»); "
                   "cần: pip install 'hoso[cum]'.")
def serve(host: str, port: int, data: Path, behind_proxy: bool, jobs: int | None, cum: str | None) -> None:
    """Chạy trang web cho văn thư (đăng nhập bằng tài khoản tạo bởi: hoso tai-khoan them)."""
    from pipeline.web.app import hold_data_folder
    from pipeline.web.app import serve as run_server
    from pipeline.web.store import Store

    store = Store(data)
    held = hold_data_folder(store.data)  # one server per data folder, kept for the server's lifetime
    if store.one("SELECT 1 FROM tai_khoan") is None:
        say(f"Chưa có tài khoản nào: tạo bằng «hoso tai-khoan them TEN --co-quan MA --vai-tro van_thu --data {data}».")
    say(f"hoso đang chạy ở http://{host}:{port}/ (dữ liệu: «{store.data}»). Dừng: Ctrl-C.")
    if cum:
        say(f"Các lần tạo hồ sơ chạy trên cụm máy Dask «{cum}».")
    try:
        run_server(data, host, port, behind_proxy=behind_proxy, jobs=jobs, cum=cum)
    finally:
        if held is not None:
            held.close()


@cli.group("tai-khoan")
def tai_khoan() -> None:
    """Tài khoản đăng nhập trang web (hoso serve)."""


_ROLE_CHOICE = click.Choice(["van_thu", "van_thu_don_vi", "so_noi_vu"])
_ROLE_HELP = "van_thu: văn thư cơ quan (mọi đơn vị); van_thu_don_vi: văn thư một đơn vị; so_noi_vu: Sở Nội vụ."
_UNIT_HELP = "Mã đơn vị (bắt buộc với van_thu_don_vi)."


def _check_role(vai_tro: str, don_vi: str | None) -> None:
    """--vai-tro and --don-vi of `tai-khoan them` and `doi-vai-tro`: a unit clerk needs its unit, no other role has one."""
    from pipeline.web.store import safe_code

    if vai_tro == "van_thu_don_vi" and not don_vi:
        raise click.UsageError("Văn thư đơn vị cần --don-vi MA.")
    if vai_tro != "van_thu_don_vi" and don_vi:
        raise click.UsageError("--don-vi chỉ dùng với --vai-tro van_thu_don_vi.")
    if don_vi is not None and not safe_code(don_vi):
        raise click.BadParameter(f"«{don_vi}» không hợp lệ.", param_hint="--don-vi")


@tai_khoan.command("them")
@click.argument("ten")
@click.option("--co-quan", "co_quan", required=True, metavar="MA", help="Mã cơ quan (tạo mới nếu chưa có).")
@click.option("--vai-tro", "vai_tro", required=True, type=_ROLE_CHOICE, help=_ROLE_HELP)
@click.option("--don-vi", "don_vi", default=None, metavar="MA", help=_UNIT_HELP)
@click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False), default=Path("hoso_du_lieu"),
              show_default=True, help="Thư mục dữ liệu của hoso serve.")
def tai_khoan_them(ten: str, co_quan: str, vai_tro: str, don_vi: str | None, data: Path) -> None:
    """Tạo tài khoản TEN; mật khẩu được hỏi hai lần (không hiện), hoặc đọc một dòng từ stdin khi không phải terminal."""
    from pipeline.web import accounts
    from pipeline.web.store import ROLE_WORDS, Store, safe_code, safe_name

    if not safe_name(ten):
        raise click.BadParameter(f"«{ten}» không hợp lệ (2–64 ký tự: chữ cái không dấu, chữ số, . _ -).", param_hint="TEN")
    if not safe_code(co_quan):
        raise click.BadParameter(f"«{co_quan}» không hợp lệ (chữ cái không dấu, chữ số, _ và -).", param_hint="--co-quan")
    _check_role(vai_tro, don_vi)
    store = Store(data)
    if store.one("SELECT 1 FROM tai_khoan WHERE ten=?", ten) is not None:
        say(f"Tài khoản «{ten}» đã có.")
        sys.exit(int(ExitCode.usage))
    password = _read_new_password("Mật khẩu")
    store.add_account(ten, accounts.hash_password(password), co_quan, vai_tro, don_vi)
    store.audit("quan_tri", co_quan, "cli", "tao_tai_khoan", f"{ten} ({vai_tro}{', ' + don_vi if don_vi else ''})")
    say(f"Đã tạo tài khoản «{ten}»: {ROLE_WORDS[vai_tro]} của cơ quan {co_quan}"
        f"{', đơn vị ' + don_vi if don_vi else ''} (dữ liệu: «{store.data}»).")


def _data_option(fn: _F) -> _F:
    """--data DIR of the `tai-khoan` commands: the data folder of hoso serve."""
    return click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False),
                        default=Path("hoso_du_lieu"), show_default=True, help="Thư mục dữ liệu của hoso serve.")(fn)


def _account_or_exit(data: Path, ten: str) -> tuple[Store, sqlite3.Row]:
    from pipeline.web.store import DB_NAME, Store

    if not (Path(data) / DB_NAME).is_file():
        say(f"Thư mục «{data}» chưa có dữ liệu của hoso serve (chưa có tài khoản nào).")
        sys.exit(int(ExitCode.usage))
    store = Store(data)
    row = store.account(ten)
    if row is None:
        say(f"Không có tài khoản «{ten}» (xem danh sách: hoso tai-khoan ds --data {data}).")
        sys.exit(int(ExitCode.usage))
    return store, row


def _read_new_password(prompt: str = "Mật khẩu mới") -> str:
    """A password typed twice without echo on a terminal, else one line of stdin; a weak one refused."""
    from pipeline.web import accounts

    if sys.stdin.isatty():
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=f"Nhập lại {prompt[0].lower()}{prompt[1:]}",
                                err=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    why = accounts.weak(password)
    if why:
        say(why)
        sys.exit(int(ExitCode.usage))
    return password


@tai_khoan.command("ds")
@_data_option
def tai_khoan_ds(data: Path) -> None:
    """Liệt kê các tài khoản: cơ quan, vai trò, đơn vị, khóa hay không, lần đăng nhập cuối."""
    from pipeline.web.store import DB_NAME, ROLE_WORDS, Store, vietnam_time

    rows = Store(data).accounts() if (Path(data) / DB_NAME).is_file() else []
    if not rows:
        say(f"Chưa có tài khoản nào trong «{data}»: tạo bằng «hoso tai-khoan them TEN --co-quan MA "
            f"--vai-tro van_thu --data {data}».")
        return
    head = ("Tên", "Cơ quan", "Vai trò", "Đơn vị", "Trạng thái", "Tạo lúc", "Đăng nhập cuối", "Phiên")
    table = [(r["ten"], r["co_quan"], ROLE_WORDS.get(r["vai_tro"], r["vai_tro"]), r["don_vi"] or "",
              "Đã khóa" if r["khoa"] else "Đang dùng", vietnam_time(r["tao_luc"]),
              vietnam_time(r["dang_nhap_cuoi"]) or "chưa", str(r["so_phien"]))
             for r in rows]
    widths = [max(len(row[i]) for row in (head, *table)) for i in range(len(head))]
    for row in (head, *table):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    locked = sum(1 for r in rows if r["khoa"])
    say(f"{len(rows)} tài khoản" + (f", {locked} đã khóa." if locked else "."))


@tai_khoan.command("khoa")
@click.argument("ten")
@_data_option
def tai_khoan_khoa(ten: str, data: Path) -> None:
    """Khóa tài khoản TEN: không đăng nhập được nữa, các phiên đang mở kết thúc ngay."""
    ended = _set_locked(data, ten, True)
    say(f"Đã khóa tài khoản «{ten}»" + (f"; {ended} phiên đăng nhập đã kết thúc." if ended else "."))


@tai_khoan.command("mo-khoa")
@click.argument("ten")
@_data_option
def tai_khoan_mo_khoa(ten: str, data: Path) -> None:
    """Mở khóa tài khoản TEN (và xóa các lần đăng nhập sai đang chặn nó)."""
    _set_locked(data, ten, False)
    say(f"Đã mở khóa tài khoản «{ten}».")


def _set_locked(data: Path, ten: str, locked: bool) -> int:
    """Lock (its sessions ended) or unlock (its failed logins forgotten) an account, audited; the
    number of sessions ended."""
    store, row = _account_or_exit(data, ten)
    ended = store.end_sessions(row["id"]) if locked else 0
    store.set_locked(row["id"], locked)
    if not locked:
        store.x("DELETE FROM dang_nhap_sai WHERE ten=?", ten)
    store.audit("quan_tri", row["co_quan"], "cli", "khoa_tai_khoan" if locked else "mo_khoa_tai_khoan", ten)
    return ended


@tai_khoan.command("doi-mat-khau")
@click.argument("ten")
@_data_option
def tai_khoan_doi_mat_khau(ten: str, data: Path) -> None:
    """Đặt mật khẩu mới cho TEN (hỏi hai lần, không hiện; hoặc một dòng từ stdin); các phiên đang mở kết thúc."""
    from pipeline.web import accounts

    store, row = _account_or_exit(data, ten)
    password = _read_new_password()
    ended = store.end_sessions(row["id"])
    store.set_password(row["id"], accounts.hash_password(password))
    store.audit("quan_tri", row["co_quan"], "cli", "doi_mat_khau", ten)
    say(f"Đã đổi mật khẩu của «{ten}»" + (f"; {ended} phiên đăng nhập đã kết thúc." if ended else "."))


def _role_text(vai_tro: str, don_vi: str | None) -> str:
    """A role as the audit log writes it: `van_thu_don_vi, HC`."""
    return f"{vai_tro}{', ' + don_vi if don_vi else ''}"


def _role_words(vai_tro: str, don_vi: str | None) -> str:
    from pipeline.web.store import ROLE_WORDS

    return f"{ROLE_WORDS.get(vai_tro, vai_tro)}{' ' + don_vi if don_vi else ''}"


@tai_khoan.command("xoa")
@click.argument("ten")
@click.option("--dong-y", "dong_y", is_flag=True,
              help="Xóa luôn, không hỏi lại (bắt buộc khi lệnh không chạy trên terminal).")
@_data_option
def tai_khoan_xoa(ten: str, dong_y: bool, data: Path) -> None:
    """Xóa tài khoản TEN: các phiên đang mở kết thúc ngay; nhật ký, các sổ đã tải lên và các lần tạo hồ sơ của nó vẫn giữ."""
    store, row = _account_or_exit(data, ten)
    what = f"«{ten}» ({_role_words(row['vai_tro'], row['don_vi'])}, cơ quan {row['co_quan']})"
    if not dong_y:
        if not sys.stdin.isatty():
            say(f"Không hỏi lại được (lệnh không chạy trên terminal): thêm --dong-y để xóa tài khoản {what}.")
            sys.exit(int(ExitCode.usage))
        answer = click.prompt(f"Xóa tài khoản {what}? [c/K]", default="", show_default=False, prompt_suffix=" ",
                              err=True)
        if answer.strip().lower() not in ("c", "có", "co"):
            say(f"Không xóa: tài khoản {what} vẫn còn.")
            return
    ended = store.delete_account(row["id"])
    store.audit("quan_tri", row["co_quan"], "cli", "xoa_tai_khoan", f"{ten} ({_role_text(row['vai_tro'], row['don_vi'])})")
    say(f"Đã xóa tài khoản {what}" + (f"; {ended} phiên đăng nhập đã kết thúc." if ended else "."))


@tai_khoan.command("doi-vai-tro")
@click.argument("ten")
@click.option("--vai-tro", "vai_tro", required=True, type=_ROLE_CHOICE, help=_ROLE_HELP)
@click.option("--don-vi", "don_vi", default=None, metavar="MA", help=_UNIT_HELP)
@_data_option
def tai_khoan_doi_vai_tro(ten: str, vai_tro: str, don_vi: str | None, data: Path) -> None:
    """Đổi vai trò (và đơn vị) của TEN; các phiên đang mở kết thúc ngay: đăng nhập lại thì có quyền mới."""
    _check_role(vai_tro, don_vi)
    store, row = _account_or_exit(data, ten)
    old, new = _role_words(row["vai_tro"], row["don_vi"]), _role_words(vai_tro, don_vi)
    if row["vai_tro"] == vai_tro and (row["don_vi"] or None) == don_vi:
        say(f"Tài khoản «{ten}» đã là {old}: không có gì thay đổi.")
        return
    ended = store.set_role(row["id"], vai_tro, don_vi)
    store.audit("quan_tri", row["co_quan"], "cli", "doi_vai_tro",
                f"{ten} ({_role_text(row['vai_tro'], row['don_vi'])} → {_role_text(vai_tro, don_vi)})")
    say(f"Đã đổi vai trò của «{ten}»: {old} → {new}" +
        (f"; {ended} phiên đăng nhập đã kết thúc." if ended else "."))


def _on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:  # noqa: ARG001
    raise KeyboardInterrupt


def _kill_soffice() -> None:
    if "pipeline.pdf.libreoffice" in sys.modules:  # nothing was started if it was never imported
        sys.modules["pipeline.pdf.libreoffice"].kill_all()


def _vietnamese_streams() -> None:
    """Output that cannot carry Vietnamese (Windows with the output redirected to a file or a pipe:
    the ANSI code page, e.g. cp1252) is written as UTF-8 instead of `?` and `\\u1ea1` escapes."""
    for stream in (sys.stdout, sys.stderr):
        try:
            "Đánh giá, xếp loại".encode(stream.encoding or "ascii")
        except (LookupError, UnicodeEncodeError):
            try:
                stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]  # a TextIOWrapper, or AttributeError below
            except (AttributeError, ValueError, OSError):
                pass
        except AttributeError:
            pass


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the click group and maps every failure to its exit code."""
    _vietnamese_streams()
    # SIGTERM; the terminal closed (SIGHUP); Ctrl-Break on Windows (SIGBREAK): stop as cleanly as for Ctrl-C
    for sig in portable.STOP_SIGNALS:
        signal.signal(sig, _on_sigterm)
    cli_vi.full_summaries(cli)
    try:
        cli.main(args=argv, prog_name="hoso", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):  # Ctrl-C (click's prompts say Abort), SIGTERM, SIGHUP
        _kill_soffice()
        say("Đã dừng theo yêu cầu; kết quả cũ (nếu có) được giữ nguyên.")
        sys.exit(ExitCode.interrupted)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ValidationFailed as exc:
        if not exc.printed:
            print_problems(exc.problems)
        say(exc.message)
        sys.exit(exc.exit_code)
    except HosoError as exc:
        _kill_soffice()
        say(f"Lỗi: {exc}")
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except OSError as exc:
        _kill_soffice()
        if exc.errno not in _CANNOT_WRITE:
            raise
        say(f"Lỗi: {_cannot_write(exc)}")  # a command without a guard of its own: words, not a traceback
        sys.exit(ExitCode.output_error)
    except BaseException:
        _kill_soffice()
        raise
    sys.exit(0)


_CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def _cannot_write(exc: OSError) -> str:
    """What to say of a disk full, a read-only folder or a file that may not be written."""
    where = f"«{os.path.dirname(os.fsdecode(exc.filename)) or '.'}»" if exc.filename else "thư mục đang ghi"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"Ổ đĩa chứa {where} đã đầy nên lệnh chưa làm xong; tệp đã có không bị ghi dở. Giải phóng dung lượng "
                "rồi chạy lại lệnh.")
    if exc.errno == errno.EFBIG:
        return (f"Không ghi được một tệp vào {where}: {portable.file_too_big_words()} nên lệnh chưa làm xong; tệp đã có "
                "không bị ghi dở. Bỏ giới hạn đó hoặc ghi vào ổ đĩa khác rồi chạy lại lệnh.")
    return (f"Không có quyền ghi vào {where} (hoặc ổ đĩa chỉ cho đọc, hoặc tệp đang mở trong chương trình khác) nên "
            "lệnh chưa làm xong; tệp đã có không bị ghi dở. Kiểm tra quyền ghi (hoặc đóng tệp) rồi chạy lại lệnh.")

