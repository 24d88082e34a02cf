"""Thin click commands over pipeline.api. Messages are Vietnamese, on stderr; exit codes in one place.

Only click and the standard library are imported at start-up; each command imports what it needs.
`hoso build` first asks `pipeline.uptodate` whether there is anything to do, before it imports the
build (docxtpl, reportlab, pypdf, openpyxl): an unchanged build costs the Python start-up only.
"""

from __future__ import annotations

import json
import signal
import sys
from collections import defaultdict
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import EXIT_CODE_HELP, ExitCode, HosoError, InputUnreadable, ValidationFailed
from pipeline.options import BuildOptions, BuildSummary

BLANK_WORKBOOK = "ho_so_danh_gia.xlsx"  # pipeline.ingest.blank.FILENAME, named here for the help text

EXIT_CODES_TEXT = "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_HELP.items()) + \
    "\n    1  lỗi không lường trước (xin báo lại kèm thông báo)\n    2  sai cú pháp lệnh"


def say(text: str = "") -> None:
    click.echo(text, err=True)


MAX_PRINTED = 200  # problems printed; the rest are counted (hoso check --json lists them all)


def print_problems(problems) -> None:
    by_sheet = defaultdict(list)
    for p in problems:
        by_sheet[p.sheet].append(p)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    printed = 0
    for sheet, items in by_sheet.items():
        if printed >= MAX_PRINTED:
            break
        say(f"── Sheet «{sheet}» ──" if sheet else "── Tệp ──")
        for p in items[:MAX_PRINTED - printed]:
            say(("  LỖI     " if p.is_error else "  CẢNH BÁO ") + p.text())
        printed += min(len(items), MAX_PRINTED - printed)
    if printed < len(problems):
        say(f"… và {len(problems) - printed} lỗi/cảnh báo khác chưa in (sửa các lỗi trên rồi kiểm tra lại, "
            "hoặc xem đủ bằng: hoso check --json).")
    say(f"Tổng cộng: {errors} lỗi, {warnings} cảnh báo.")


output_option = click.option("-o", "--output", "outdir", type=click.Path(path_type=Path), default=Path("output"),
                             show_default=True, help="Thư mục kết quả.")


class _RulebookChoice(click.Choice):
    """The rulebook ids, read from pipeline.rating.rulebooks only when click needs them (help, a value)."""

    def __init__(self) -> None:
        super().__init__([])

    @property
    def choices(self):
        from pipeline.rating.rulebooks import RULEBOOKS

        return sorted(RULEBOOKS)

    @choices.setter
    def choices(self, value) -> None:
        pass


rulebook_option = click.option(
    "--bo-quy-tac", "rulebook", type=_RulebookChoice(), default=None,
    help="Bộ quy tắc xếp loại (mặc định: theo năm đánh giá, hoặc ô «Bộ quy tắc» của sheet CoQuan).")


def build_options(f):
    f = click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
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
    f = click.option("--ky", "sign_key", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
                     metavar="KEYFILE", help="Ký manifest.json bằng khóa riêng này (tạo bằng: hoso khoa tao KEYFILE).")(f)
    f = rulebook_option(f)
    return f


def _options(jobs, units, persons, templates, cache_dir, no_duplex=False, **extra) -> BuildOptions:
    return BuildOptions(jobs=jobs, units=frozenset(units), persons=frozenset(persons), templates=templates,
                        cache_dir=cache_dir, duplex=not no_duplex, **extra)


def _summary(s: BuildSummary) -> None:
    if s.unchanged:
        say("Không có gì thay đổi kể từ lần tạo trước (cùng sổ Excel, tùy chọn, mẫu biểu, phiên bản chương trình, "
            f"LibreOffice và phông chữ; {s.people} người, {s.documents} văn bản: chuyển PDF mới 0, dùng lại {s.reused}; {s.pages} trang; "
            f"kiểm tra trong {s.seconds:.1f} giây): giữ nguyên kết quả ở «{s.outdir}».")
    else:
        say(f"Xong: {s.people} người, {s.documents} văn bản (chuyển PDF mới {s.converted}, dùng lại {s.reused}; "
            f"điền mẫu mới {s.rendered}), hồ sơ ghép mới {s.bundles_built}, dùng lại {s.bundles_reused}; "
            f"{s.pages} trang, {s.seconds:.1f} giây. Kết quả ở «{s.outdir}».")
    if s.han_nop:
        say(s.han_nop)


def _build(workbook: Path, outdir: Path, options: BuildOptions) -> BuildSummary:
    """Nothing at all when the output folder already holds what these inputs give (checked before
    the build's libraries are imported); otherwise the build."""
    from pipeline import uptodate

    same = uptodate.unchanged(workbook, outdir, options)
    if same is not None:
        return same
    from pipeline import api

    return api.build(workbook, outdir, options, log=say, check_unchanged=False)


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
def init(folder: Path, force: bool) -> None:
    """Tạo sổ Excel trống (ho_so_danh_gia.xlsx): đủ các sheet, danh sách chọn, hướng dẫn."""
    from pipeline.ingest import blank

    dest = blank.write(folder, force=force)
    say(f"Đã tạo «{dest}». Điền theo sheet «{blank.GUIDE}», rồi kiểm tra bằng lệnh: hoso check {dest}")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="In danh sách lỗi dạng JSON ra stdout.")
def check(workbook: Path, as_json: bool) -> None:
    """Kiểm tra sổ Excel: liệt kê mọi lỗi (sheet, dòng, cột, giá trị, yêu cầu)."""
    from pipeline import api
    from pipeline.ingest.problems import ERROR, Problem

    try:
        problems = api.check(workbook)
    except InputUnreadable as exc:
        if as_json:  # still a list of problems on stdout; the message also goes to stderr
            click.echo(json.dumps([Problem(ERROR, "", exc.message, expected=exc.hint).as_json()],
                                  ensure_ascii=False, indent=2))
        raise
    if as_json:
        click.echo(json.dumps([p.as_json() for p in problems], ensure_ascii=False, indent=2))
    if problems and not as_json:
        print_problems(problems)
    if any(p.is_error for p in problems):
        exc = ValidationFailed(problems)
        exc.printed = True  # type: ignore[attr-defined]
        raise exc
    say(f"Sổ Excel hợp lệ ({len(problems)} cảnh báo).")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@rulebook_option
def rate(workbook: Path, outdir: Path, rulebook: str | None) -> None:
    """Kiểm tra và tính mức xếp loại đề xuất (kèm lý do); chỉ ghi tệp kết quả xếp loại (.json, .xlsx)."""
    from pipeline import api
    from pipeline.rating.levels import ORDER
    from pipeline.rating.summary import agency_htxs, unit_summaries

    ratings = api.rate(workbook, outdir, rulebook=rulebook, log=say)
    say(f"Bộ quy tắc: {ratings.bo_quy_tac} ({ratings.ten_bo_quy_tac}); năm đánh giá {ratings.nam_danh_gia}.")
    say("Mức cuối cùng theo đơn vị (mức quyết định nếu đã có, nếu chưa thì mức đề xuất):")
    width = max([len(u.ma_don_vi) for u in unit_summaries(ratings)] + [8])
    say(f"  {'Đơn vị':<{width}}  " + "  ".join(f"{lv:>4}" for lv in ORDER) + "  Không XL  Chưa có mức  Tỷ lệ HTXS")
    for u in unit_summaries(ratings):
        counts = "  ".join(f"{u.so_muc.get(lv, 0):>4}" for lv in ORDER)
        cap = "VƯỢT TỶ LỆ" if u.vuot_ty_le else ("đã hạ " + ", ".join(u.ha_muc) if u.ha_muc else "đạt")
        say(f"  {u.ma_don_vi:<{width}}  {counts}  {u.khong_xep_loai:>8}  {u.chua_co_muc:>11}  {cap}")
    say("Tỷ lệ HTXS theo nhóm tương đồng:")
    for g in ratings.groups:
        if g.vuot_cuoi:
            status = f"mức cuối cùng VƯỢT tỷ lệ ({g.so_htxs_cuoi} HTXS, tối đa {g.toi_da_cuoi})"
        elif g.ha_muc:
            status = "vượt tỷ lệ, đã hạ xuống HTT: " + ", ".join(g.ha_muc)
        else:
            status = "trong tỷ lệ"
        extra = f"; ngoại lệ: {g.ngoai_le}" if g.ngoai_le else ""
        say(f"  «{g.nhom}»: giữ {g.so_htxs_giu}/{g.so_htxs_de_nghi} HTXS, tối đa {g.toi_da} — {status}{extra}")
    htxs, rated = agency_htxs(ratings)
    if rated:
        say(f"HTXS trên tổng số được xếp loại của cơ quan: {htxs}/{rated} = {htxs / rated:.1%} "
            "(để so với tỷ lệ đảng viên được xếp loại HTXS).".replace(".", ",", 1))
    t = ratings.thi_dua
    if t.so_de_nghi:
        direct = f"{t.ty_le_truc_tiep:.0%}" if t.ty_le_truc_tiep is not None else "—"
        say(f"Thi đua: {t.so_de_nghi} đề nghị, {t.so_dat_ldtt} đạt Lao động tiên tiến, Chiến sĩ thi đua cơ sở "
            f"{t.so_cstdcs}/{t.toi_da_cstdcs} tối đa; trực tiếp lao động, công tác {direct} (ngưỡng {t.nguong_truc_tiep:.0%}).")
    warned = sum(1 for p in ratings.people if p.canh_bao)
    if warned:
        say(f"{warned} người có cảnh báo cần xem (cột «Cảnh báo» trong ket_qua_xep_loai.xlsx).")
    for w in ratings.canh_bao:
        say("Cảnh báo: " + w)
    say(f"Đã ghi «{outdir / 'ket_qua_xep_loai.json'}» và «{outdir / 'ket_qua_xep_loai.xlsx'}».")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@output_option
@build_options
def build(workbook: Path, outdir: Path, **kw) -> None:
    """Tạo toàn bộ: kiểm tra, xếp loại, điền mẫu, chuyển PDF, ghép hồ sơ."""
    _summary(_build(workbook, outdir, _options(**kw)))


@cli.command()
@output_option
@build_options
def demo(outdir: Path, **kw) -> None:
    """Chạy thử toàn bộ với sổ Excel mẫu đi kèm chương trình."""
    from pipeline.resources import sample_workbook

    say(f"Dùng sổ Excel mẫu «{sample_workbook()}».")
    _summary(_build(sample_workbook(), outdir, _options(**kw)))


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


@cli.group()
def templates() -> None:
    """Mẫu biểu: chép ra để cơ quan tự sửa, kiểm tra mẫu."""


@templates.command("export")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Ghi đè nếu thư mục đã có tệp.")
def templates_export(dest: Path, force: bool) -> None:
    """Chép các mẫu mặc định vào DEST để sửa; dùng lại bằng: hoso build … --templates DEST."""
    from pipeline.forms import lint

    lint.export(dest, force=force)
    say(f"Đã chép mẫu biểu vào «{dest}». Sửa tệp template.docx hoặc [labels] trong meta.toml, rồi chạy: "
        f"hoso templates check {dest}")


@templates.command("check")
@click.argument("root", required=False, type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--workbook", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Sổ Excel dùng để thử điền (mặc định: sổ mẫu đi kèm).")
def templates_check(root: Path | None, workbook: Path | None) -> None:
    """Kiểm tra từng mẫu: cú pháp thẻ và các biến mà dữ liệu không có."""
    from pipeline.errors import TemplateError
    from pipeline.forms import lint

    results = lint.check(root, workbook)
    for r in results:
        say(f"  {'ĐẠT ' if r.ok else 'LỖI '} {r.code}: {r.title}")
        for problem in r.problems:
            say(f"        {problem}")
    bad = [r for r in results if not r.ok]
    if bad:
        raise TemplateError(f"{len(bad)}/{len(results)} mẫu có lỗi.")
    say(f"Tất cả {len(results)} mẫu đều điền được.")


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


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def _kill_soffice() -> None:
    if "pipeline.pdf.libreoffice" in sys.modules:  # nothing was started if it was never imported
        sys.modules["pipeline.pdf.libreoffice"].kill_all()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the click group and maps every failure to its exit code."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    if hasattr(signal, "SIGHUP"):  # the terminal closed: stop as cleanly as for SIGTERM
        signal.signal(signal.SIGHUP, _on_sigterm)
    try:
        cli.main(args=argv, prog_name="hoso", standalone_mode=False)
    except click.exceptions.Abort:
        _kill_soffice()
        say("Đã dừng theo yêu cầu; kết quả cũ (nếu có) được giữ nguyên.")
        sys.exit(ExitCode.interrupted)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ValidationFailed as exc:
        if not getattr(exc, "printed", False):
            print_problems(exc.problems)
        say(exc.message)
        sys.exit(exc.exit_code)
    except HosoError as exc:
        _kill_soffice()
        say(f"Lỗi: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _kill_soffice()
        say("Đã dừng theo yêu cầu; kết quả cũ (nếu có) được giữ nguyên.")
        sys.exit(ExitCode.interrupted)
    except SystemExit:
        raise
    except BaseException:
        _kill_soffice()
        raise
    sys.exit(0)

