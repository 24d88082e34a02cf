"""`hoso tong-hop`: the command's body (pipeline.submission.province does the work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click


def _parse_date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(f"«{text}» không phải ngày (viết dd/mm/yyyy, ví dụ 15/12/2026).", param_hint="--han")


def run(packages: list[Path], outdir: Path, due: str | None, expected: Path | None, public_key: Path | None,
        say: Callable[[str], None], compiler: str = "", labels_dir: Path | None = None) -> None:
    from pipeline.errors import OutputError, VerifyFailed
    from pipeline.manifest import MANIFEST
    from pipeline.submission import province

    if (Path(outdir) / MANIFEST).is_file():  # two files more would make that folder fail `hoso verify`
        raise OutputError(f"«{outdir}» là thư mục kết quả của hoso build: chọn thư mục khác cho bản tổng hợp (-o).")
    key = None
    if public_key is not None:
        from pipeline.submission import signing

        key = signing.load_public(public_key)
    names = province.read_expected(expected) if expected is not None else []
    if labels_dir is not None:  # the Sở's copy of the file not edited since exported: the program's current words
        from pipeline.forms import origin

        found = origin.examine(labels_dir).only(province.LABELS_FILE)
        for line in origin.notes(found, labels_dir):
            say(line)
        if found.updated:
            labels_dir = None
    if note := province.labels_note(labels_dir):
        say(note)
    summary = province.summarise(packages, expected=names, due=_parse_date(due) if due else None, public_key=key,
                                 compiler=compiler, labels_dir=labels_dir)
    if summary.year is not None and summary.year >= 2026:  # the 2026 texts are data (ND 233: UNCONFIRMED)
        say(f"Ghi chú: căn cứ tỷ lệ 20% ghi dưới bảng của bản PDF («{province.cap_citation(summary.year, labels_dir)}») "
            f"lấy từ tệp can_cu.toml (khóa ty_le, mục năm {summary.year}); nếu khác văn bản chính thức, sửa tệp đó "
            "(hoso templates export THU_MUC) rồi chạy lại với --templates THU_MUC.")
    for pkg in summary.packages:
        say(f"{pkg.agency} («{pkg.given}»): {province.status_words(pkg)}.")
        for problem in pkg.problems:
            say("  LỖI  " + problem)
    for name in summary.missing:
        say(f"{name}: {province.missing_words(summary)}.")
    if summary.missing and summary.due is None:  # the summary prints «Hạn nộp: không rõ» for them: say why
        stated = sorted({p.due for p in summary.counted if p.due is not None})
        why = ("các bộ hồ sơ ghi hạn khác nhau (" + ", ".join(f"{d:%d/%m/%Y}" for d in stated) + ")" if stated
               else "các bộ hồ sơ không ghi hạn nộp")
        say(f"Ghi chú: chưa rõ hạn nộp vì {why}, nên chưa tính được cơ quan chưa nộp đã quá hạn bao nhiêu ngày "
            "(bản tổng hợp ghi «không rõ»); ghi hạn của Sở bằng --han dd/mm/yyyy rồi chạy lại.")
    if elsewhere := province.elsewhere_words(summary):
        say(f"Lưu ý: {elsewhere}")
    if other := province.other_year_note(summary):
        say(f"Lưu ý: {other}")
    if counted_anyway := province.failed_counted_note(summary):
        say(f"Lưu ý: {counted_anyway[0].lower()}{counted_anyway[1:]}")
    kept: list[Path] = []
    try:
        xlsx, pdf = province.write(summary, outdir, kept)
    except OSError as exc:
        raise OutputError(f"Không ghi được bản tổng hợp vào «{outdir}» ({exc.strerror or exc}).") from exc
    for aside in kept:  # what was there was not what the last run wrote (notes typed into it?): kept
        say(f"Ghi chú: «{aside.name[:aside.name.index('.truoc-')]}{aside.suffix}» đã khác với bản hoso ghi lần trước "
            f"(có thể đã được sửa tay): giữ lại thành «{aside}».")
    say(f"Đã ghi «{xlsx}» và «{pdf}»: {province.total_words(summary)}.")
    if summary.failed:
        # an agency whose other-year package failed may have this year's passed: the year tells them apart
        raise VerifyFailed(f"{len(summary.failed)} bộ hồ sơ không đạt kiểm tra: "
                           + "; ".join(p.agency + (f" (bộ hồ sơ năm {p.year})" if p.other_year is not None else "")
                                       for p in summary.failed) + ".")
