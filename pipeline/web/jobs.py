"""Builds for `hoso serve`: queued, one at a time, each in its own process.

The server's queue thread takes the builds in the order they were asked (an agency has at most one
build waiting or running, so agencies take turns) and runs each as `python -m pipeline.web.jobs
DATA ID`, a child process in its own process group: a build that crashes, hangs or is killed fails
that build only, and stopping the server ends the child and its LibreOffice. The child runs
`pipeline.api.build` (on the Dask cluster of `hoso serve --cum`, when given) and writes its progress (forms converted, time left) and its summary lines to
the build's row; the pages read them from there.

The next build's process is started ahead (`DATA -`: it does the imports of a build — about a
second of Python start-up —, checks the fonts and compiles the templates (`warm_up`), then waits
for its build's id on stdin): when a build's process ends, or at once when another build is
already waiting (on a small machine its ~1 s of CPU would otherwise slow the build a clerk waits for),
and it converts on the server's LibreOffice kept warm (`pipeline.pdf.warm`: the service's address
and key in its environment): a rebuild after a one-person change pays neither start-up.
"""

from __future__ import annotations

import gc
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import portable
from pipeline.web import own_forms
from pipeline.web.store import Store, now

if TYPE_CHECKING:
    from pipeline.options import BuildSummary
    from pipeline.pdf.warm import WarmService


class BuildQueue:
    def __init__(self, store: Store, *, jobs: int | None = None, cum: str | None = None,
                 warm: WarmService | None = None) -> None:
        self.store = store
        self.jobs = jobs
        self.cum = cum  # every build of the queue on this Dask cluster (BuildOptions.cum)
        self.warm = warm  # the server's pipeline.pdf.warm.WarmService (listening), or None: cold builds
        self._q: queue.Queue[int | None] = queue.Queue()
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        # the next build's process, started ahead with the build's imports done (~1 s of Python start-up
        # and imports off a rebuild's path): it reads its build's id on stdin; closing stdin ends it
        self._spare: subprocess.Popen[bytes] | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="hoso-build-queue", daemon=True)
        self._thread.start()

    def submit(self, co_quan: str, so_id: int, account: str, *, doi_co_quan: bool = False,
               doi_nam: bool = False, ghi_de: bool = False, sua_tay: list[str] | None = None) -> int | None:
        """Queue a build of upload `so_id`; None when the agency already has one waiting or running.
        `doi_co_quan` / `doi_nam`: the clerk confirmed replacing another agency's / another year's output
        (BuildOptions.doi_co_quan / doi_nam); the output replaced is kept whole in `luu_tru/`. `ghi_de`:
        documents edited by hand in the output are replaced, copies kept beside it (BuildOptions.ghi_de);
        `sua_tay`: which ones the clerk was shown and confirmed (paths in the output), recorded for «Tạo lại»."""
        with self._lock:
            busy = self.store.one("SELECT id FROM lan_tao WHERE co_quan=? AND trang_thai IN ('cho','dang_chay')", co_quan)
            if busy is not None:
                return None
            build_id = self.store.x("INSERT INTO lan_tao(co_quan, so, tai_khoan, trang_thai, tao_luc, doi_co_quan, "
                                    "doi_nam, ghi_de, sua_tay) VALUES (?,?,?,?,?,?,?,?,?)", co_quan, so_id, account,
                                    "cho", now(), int(doi_co_quan), int(doi_nam), int(ghi_de),
                                    json.dumps(sorted(sua_tay), ensure_ascii=False) if ghi_de and sua_tay else None)
        self._q.put(build_id)
        return build_id

    def _loop(self) -> None:
        self._start_spare()  # from this thread, which lives as long as the queue (see _die_with_parent)
        while True:
            build_id = self._q.get()
            if build_id is None:
                self._end_spare()
                return
            try:
                self._run(build_id)
            except Exception:  # noqa: BLE001 — the queue serves the other agencies whatever happened here
                if self._stopping:
                    return
            if self._stopping:
                self._end_spare()
                return
            self._start_spare()  # the next build's process, now that this build's process has ended (`_run`)

    def _spawn(self, build_id: int | None) -> subprocess.Popen[bytes]:
        """`python -m pipeline.web.jobs DATA ID|- [JOBS] [--cum ADDR]` in its own process group ("-": a spare)."""
        cmd = [sys.executable, "-m", "pipeline.web.jobs", str(self.store.data), "-" if build_id is None else str(build_id)]
        if self.jobs:
            cmd.append(str(self.jobs))
        if self.cum:
            cmd += ["--cum", self.cum]
        env = {**os.environ, **(self.warm.env() if self.warm is not None else {})}  # never on the command line
        return subprocess.Popen(cmd, stdin=subprocess.PIPE if build_id is None else subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, **portable.own_group())

    def _start_spare(self) -> None:
        with self._lock:  # never after stop() ended the last one
            if self._spare is None and not self._stopping:
                try:
                    self._spare = self._spawn(None)
                except OSError:
                    self._spare = None

    def _end_spare(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            try:
                if spare.stdin is not None:
                    spare.stdin.close()  # a spare that reads no id ends
                spare.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                portable.kill_tree(spare)

    def _take_spare(self, build_id: int) -> subprocess.Popen[bytes] | None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is None or spare.poll() is not None or spare.stdin is None:
            return None
        try:
            spare.stdin.write(f"{build_id}\n".encode())
            spare.stdin.close()
        except OSError:
            portable.kill_tree(spare)
            return None
        spare.stdin = None  # written and closed: communicate() only reads stderr
        return spare

    def _run(self, build_id: int) -> None:
        try:
            child = self._take_spare(build_id) or self._spawn(build_id)
            self._child = child
            if not self._q.empty():
                # another build waits: its process starts now, its imports done while this build runs.
                # Otherwise it starts when this build ends (`_loop`): its imports and warm-up (~1 s of
                # CPU) would slow this build on a small machine, and a clerk needs longer than that
                # to upload the next workbook.
                self._start_spare()
            _, err = child.communicate()
            rc = child.returncode
        except OSError as exc:
            rc, err = -1, str(exc).encode()
        finally:
            self._child = None
        if self._stopping:
            return
        row = self.store.one("SELECT trang_thai FROM lan_tao WHERE id=?", build_id)
        if row is not None and row["trang_thai"] in ("cho", "dang_chay"):  # the child died without a word
            tail = err.decode("utf-8", "replace").strip().splitlines()[-3:] if err else []
            self.store.x("UPDATE lan_tao SET trang_thai='loi', ket_thuc=?, loi=? WHERE id=?", now(),
                         f"Tiến trình tạo hồ sơ dừng bất thường (mã {rc}). " + " ".join(tail), build_id)

    def idle(self) -> bool:
        """No build waiting or running (the last one's process has ended, its clean-up done) and
        the next build's process started ahead."""
        with self._lock:
            return self._q.empty() and self._child is None and (self._spare is not None or self._stopping)

    def stop(self) -> None:
        """End the running build (its process group: LibreOffice too) and the queue thread: SIGTERM
        to its group on POSIX, CTRL_BREAK_EVENT on Windows (the build stops as for Ctrl-C and ends
        its LibreOffice), then, after 10 s, the whole tree killed."""
        with self._lock:
            self._stopping = True
        child = self._child
        if child is not None and child.poll() is None:
            portable.interrupt_tree(child)
            try:
                child.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                portable.kill_tree(child)
        self._end_spare()  # no build process of this server outlives its stop
        self.store.fail_interrupted()
        self._q.put(None)


def summary_lines(s: BuildSummary) -> list[str]:
    """The CLI's summary words (pipeline.cli._summary) as lines for a page (the seconds with a decimal comma)."""
    from pipeline.progress import seconds_words

    seconds = seconds_words(s.seconds)
    if s.unchanged:
        lines = [f"Không có gì thay đổi kể từ lần tạo trước ({s.people} người, {s.documents} văn bản; {s.pages} trang; "
                 f"kiểm tra trong {seconds} giây): giữ nguyên kết quả."]
    else:
        lines = [f"Xong: {s.people} người, {s.documents} văn bản (chuyển PDF mới {s.converted}, dùng lại {s.reused}; "
                 f"điền mẫu mới {s.rendered}), hồ sơ ghép mới {s.bundles_built}, dùng lại {s.bundles_reused}; "
                 f"{s.pages} trang, {seconds} giây."]
    return lines


def _die_with_parent() -> None:
    """A server killed outright (power cut, SIGKILL) leaves no build running behind it: the build
    process (leader of its own process group: LibreOffice and the forked workers are in it) gets
    SIGTERM when the server dies (Linux `PR_SET_PDEATHSIG`) and SIGTERM ends the whole group. No
    watching thread where prctl works: the build forks workers, which a threaded process should not.

    Without process groups (Windows): SIGTERM or SIGBREAK (the server's CTRL_BREAK_EVENT) stops the
    build as Ctrl-C does — its clean-up ends its LibreOffice runs — and a thread waits for the
    server to end, then ends the LibreOffice runs and this process (each soffice's guard also
    watches this process: pdf/guard.py)."""
    from pipeline.pdf import guard

    if not hasattr(os, "killpg"):
        def stop(*_args: object) -> None:
            raise KeyboardInterrupt

        def server_gone() -> None:
            from pipeline.pdf import libreoffice

            libreoffice.kill_all()
            os._exit(1)

        for sig in portable.STOP_SIGNALS:
            signal.signal(sig, stop)
        portable.watch_parent(os.getppid(), server_gone, name="hoso-watch-server")
        return

    def end_group(*_args: object) -> None:
        os.killpg(os.getpgrp(), signal.SIGKILL)

    parent = os.getppid()
    signal.signal(signal.SIGTERM, end_group)
    if guard._death_signal():
        if os.getppid() != parent:  # the server died before the death signal was set
            end_group()
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        end_group()

    threading.Thread(target=watch, name="hoso-watch-server", daemon=True).start()


def spare(data: Path, jobs: int | None = None, cum: str | None = None) -> int:
    """A build process started ahead: the build's imports done, then the build whose id comes on stdin
    (none: the server stopped, end)."""
    _die_with_parent()
    import pipeline.pdf.warm  # noqa: F401 - the imports of a build, before it is asked
    import pipeline.run  # noqa: F401

    ready = warm_up()
    gc.freeze()  # what the imports and the warm-up made is never collected: the build's collections stay short
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    ready()
    return run(data, int(line), jobs, cum, watched=True)


LOG_LINES = 1000  # a build's notes kept and shown on its page (a workbook of thousands of warnings: the first ones)


# the build's console advice that is for the command line: on the page, what a clerk in a browser can do
FOR_THE_PAGE = ((" Khi có mẫu chính thức: hoso templates export", " Khi có mẫu chính thức (hoặc cần sửa lời văn của mẫu), "
                 "văn thư cơ quan tự làm ở trang «Mẫu biểu của cơ quan»: tải bộ mẫu về, thay tệp Word hoặc sửa nhãn "
                 "trong meta.toml, rồi tải lên lại; cho đến khi đó các mẫu này in theo bản tái dựng."),
                (" Nếu cơ quan đã sửa mẫu (nhãn trong meta.toml), chạy lại sau khi sửa",
                 " Nếu cơ quan đã sửa mẫu (nhãn trong meta.toml) ở trang «Mẫu biểu của cơ quan», sửa lại ở đó hoặc "
                 "xóa khóa «trang» trong meta.toml của mẫu đó, tải bộ mẫu lên lại, rồi bấm «Tạo lại»; nếu cơ quan "
                 "dùng mẫu của chương trình, báo quản trị viên máy chủ."),
                (" Nếu cấp ủy hướng dẫn ghi khác: hoso templates export",  # run.residence_wording_note
                 " Nếu cấp ủy hướng dẫn ghi khác, văn thư cơ quan sửa nhãn ky_xac_nhan của mẫu mau_3_213 ở trang «Mẫu "
                 "biểu của cơ quan»: tải bộ mẫu về, sửa nhãn trong meta.toml, rồi tải lên lại."))


_RULEBOOK = re.compile(r"(bộ quy tắc) (nd\d+-\d{4}(?:\+nd\d+-\d{4})*)", re.IGNORECASE)
_UPLOAD_NAME = re.compile(r"«(\d{1,18})\.xlsx»")  # an upload as the server stores it (so/<id>.xlsx)
# the CLI's option or command named in a build's note or a rating's warning, and what the clerk did or does on the pages
_PAGE_WORDS = ((re.compile(r"; theo --doi-nam, hồ sơ năm (\d+) được thay\."),
                r"; như đã xác nhận ở trang «Tạo hồ sơ», hồ sơ năm \1 được thay và cất nguyên vẹn vào «Lưu trữ»."),
               (re.compile(r"; theo --doi-co-quan, hồ sơ cũ được thay\."),
                "; như đã xác nhận ở trang «Tạo hồ sơ», hồ sơ cũ được thay và cất nguyên vẹn vào «Lưu trữ»."),
               (re.compile(r"\(hoặc hoso\s+nhap-ket-qua\)"),
                "(hoặc «Nhập kết quả tháng, quý» từ phần mềm theo dõi, đánh giá, trên trang kiểm tra sổ Excel)"))


_PERIOD = re.compile(r"(?<![\w/-])(20\d{2})-(0[1-9]|1[0-2]|Q[1-4])(?![\w/-])")  # a KetQuaKy period's code: 2026-01, 2026-Q3


def _period_words(m: re.Match[str]) -> str:
    """«2026-01» -> «tháng 01/2026», «2026-Q3» -> «quý III/2026» (in a sentence, as the papers name periods)."""
    from pipeline.forms.context_2026 import period_name

    name = period_name(m.group(0))
    return name[:1].lower() + name[1:]


def _rulebook_words(m: re.Match[str]) -> str:
    laws = [f"Nghị định {n}/{y}/NĐ-CP" for n, y in re.findall(r"nd(\d+)-(\d{4})", m.group(2), re.IGNORECASE)]
    return f"{m.group(1)} theo {' và '.join(laws)}"


def page_words(line: str, outdir: Path | None = None, upload_names: Callable[[int], str | None] | None = None) -> str:
    """A build's note or a rating's warning as a clerk in a browser reads it: the CLI's advice replaced by what the
    pages do, rulebook codes (`nd335-2025`) by the decree's name, period codes (`2026-01`) by the period's name, the server's output folder by words and an upload's
    stored name (`4.xlsx`) by the name the clerk sent (`upload_names`)."""
    for cli_words, page_words_ in FOR_THE_PAGE:
        if cli_words in line:
            line = line[:line.index(cli_words)] + page_words_
    for pattern, words in _PAGE_WORDS:
        line = pattern.sub(words, line)
    line = _RULEBOOK.sub(_rulebook_words, line)
    line = _PERIOD.sub(_period_words, line)
    if outdir is not None:  # the server's folders: the clerk knows them as «Hồ sơ» and «Lưu trữ»
        line = line.replace(f"Thư mục kết quả «{outdir}»", "Thư mục hồ sơ trên máy chủ")
        line = line.replace(f"Thư mục «{outdir}»", "Thư mục hồ sơ trên máy chủ")
        line = line.replace(f"«{outdir}»", "thư mục hồ sơ trên máy chủ")
        line = re.sub("«" + re.escape(str(outdir.parent / "luu_tru")) + r"[^»]*»", "«Lưu trữ»", line)
        # files put into the server's output folder by someone at its disk (ownership.refusal): no -o on a page
        line = line.replace(" Chuyển các tệp đó ra ngoài, hoặc chọn thư mục khác với -o.",
                            f" Hãy chuyển các tệp đó ra khỏi thư mục «{outdir}» trên ổ đĩa của máy chủ (người đặt chúng "
                            "vào đó, hoặc quản trị viên máy chủ), rồi bấm «Tạo lại».")
        # the folder's lock held (hoso nhan-ban-ky filing scans from the server's console), no permission there
        line = line.replace(" Chờ lệnh đó chạy xong (hoặc chọn thư mục khác với -o).",
                            " Chờ lệnh đó chạy xong (thường một, hai phút), rồi bấm «Tạo lại».")
        line = line.replace(" Chọn thư mục khác với -o hoặc kiểm tra quyền.",
                            " Báo quản trị viên máy chủ kiểm tra quyền ghi vào thư mục dữ liệu của hoso, rồi bấm «Tạo lại».")
    if upload_names is not None:
        line = _UPLOAD_NAME.sub(lambda m: f"«{upload_names(int(m.group(1))) or m.group(1) + '.xlsx'}»", line)
    return line


def _kept_lines(said: list[str], outdir: Path | None = None,
                upload_names: Callable[[int], str | None] | None = None) -> str:
    said = [page_words(line, outdir, upload_names) for line in said]
    if len(said) <= LOG_LINES:
        return "\n".join(said)
    return "\n".join([*said[:LOG_LINES], f"… và {len(said) - LOG_LINES} dòng ghi chú nữa (xem trang kiểm tra của sổ "
                                        "Excel: mọi lỗi, cảnh báo đều ở đó)."])


def warm_up() -> Callable[[], None]:
    """What a build reads once per process, read ahead in a spare build process (no output is
    touched): the font check, the compiled templates (a forked worker inherits them) and the program's
    fingerprint every cache key names (`resources.running_program`: the package's source hashed). Returns
    the check to run when the build is asked: if LibreOffice or the fonts changed meanwhile, the
    font check is done again by the build."""
    from pipeline.forms import fill
    from pipeline.forms.registry import Registry
    from pipeline.forms.render import CompiledTemplate
    from pipeline.pdf import fonts, installation, validate
    from pipeline.resources import running_program

    running_program()
    try:
        before = installation.stamp()
        fonts.check_fonts()
        validate.body_face()
    except Exception:  # noqa: BLE001 - the build says what is wrong, in its own words
        before = ""
    try:
        registry = Registry(None)
        for code in registry.codes:
            spec = registry.get(code)
            fill._compiled.setdefault((spec.template_sha256, code), CompiledTemplate(spec.template, code=code))
    except Exception:  # noqa: BLE001 - compiled again by the build, which reports any problem
        pass

    def ready() -> None:
        try:
            same = bool(before) and installation.stamp() == before
        except Exception:  # noqa: BLE001
            same = False
        if not same:
            fonts.check_fonts.cache_clear()
            validate.body_face.cache_clear()

    return ready


def run(data: Path, build_id: int, jobs: int | None = None, cum: str | None = None, *, watched: bool = False) -> int:
    """The child process: one build, its row kept up to date."""
    from pipeline import api, progress
    from pipeline.errors import HosoError
    from pipeline.pdf import warm

    if not watched:
        _die_with_parent()
    store = Store(data)
    row = store.one("SELECT * FROM lan_tao WHERE id=?", build_id)
    if row is None or row["trang_thai"] != "cho":
        return 0
    ma = row["co_quan"]
    store.x("UPDATE lan_tao SET trang_thai='dang_chay', bat_dau=? WHERE id=?", now(), build_id)
    said: list[str] = []
    last = [0.0]
    own: Path | None = None
    own_line = ""

    def observe(label: str, done: int, total: int, left: float | None) -> None:
        t = time.monotonic()
        if done < total and t - last[0] < 0.5:
            return
        last[0] = t
        store.x("UPDATE lan_tao SET da_xong=?, tong=?, con_lai=? WHERE id=?", done, total, left, build_id)

    progress.observer = observe
    out = store.output_dir(ma)
    later: list[Callable[[], object]] = []  # what the build leaves until it is reported done (run.build)

    def upload_name(so_id: int) -> str | None:  # «4.xlsx» in a note: the name the clerk sent
        found = store.one("SELECT ten_tep FROM so WHERE id=? AND co_quan=?", so_id, ma)
        return str(found["ten_tep"]) if found else None

    def say(text: str) -> None:  # on the build's page and on the server's console
        said.append(text)
        print(text, file=sys.stderr, flush=True)

    try:
        # the server's LibreOffice lanes, kept warm (pipeline/pdf/warm.py); unreachable: a cold build, said
        # once; on a Dask cluster (serve --cum) its workers keep their own LibreOffice warm
        converter = None if cum else warm.converter_from_env(workers=jobs, log=say)
        # the deadline the Sở Nội vụ set on its page binds over the workbook's: the guide, README.txt and the
        # summary's line say it (BuildOptions.han_nop_so_noi_vu)
        options = api.BuildOptions(cache_dir=store.cache_dir(ma), jobs=jobs, show_progress=False, cum=cum,
                                   han_nop_so_noi_vu=store.deadline()[0], han_nop_do=store.compiler())
        # another agency's or another year's workbook: built only when confirmed on the page (docs/web.md); the
        # output it replaces (last year's dossiers, their signed scans) is kept whole in luu_tru/, never removed
        options = replace(options, doi_co_quan=bool(row["doi_co_quan"]), doi_nam=bool(row["doi_nam"]),
                          ghi_de=bool(row["ghi_de"]), keep_replaced=store.archive_dir(ma))
        # the agency's own corrected forms (page «Mẫu biểu của cơ quan»), as `hoso build --templates DIR`
        own = own_forms.merged(store.agency_dir(ma))
        if own is not None:
            options = replace(options, templates=own, templates_follow=False)  # made of the program's forms now
            own_line = own_forms.used_line(store.agency_dir(ma))
            said.append(own_line)
            # her forms the program updated since her copy was made: still hers, said once (notes and console)
            if updated := own_forms.updated_line(store.agency_dir(ma), own):
                say(updated)
        s = api.build(store.upload_path(ma, row["so"]), out, options, converter=converter, log=said.append,
                      later=later)
    except HosoError as exc:
        store.x("UPDATE lan_tao SET trang_thai='loi', ket_thuc=?, loi=?, nhat_ky=? WHERE id=?",
                now(), page_words(str(exc), out, upload_name), _kept_lines(said, out, upload_name), build_id)
        return 0
    except KeyboardInterrupt:  # stopped by the server (without process groups: SIGTERM/SIGBREAK), which says so
        return 130
    except BaseException as exc:  # noqa: BLE001 — a bug: said on the page, the queue goes on
        store.x("UPDATE lan_tao SET trang_thai='loi', ket_thuc=?, loi=?, nhat_ky=? WHERE id=?",
                now(), f"Lỗi không lường trước (xin báo lại kèm thông báo): {type(exc).__name__}: {exc}",
                _kept_lines(said, out, upload_name), build_id)
        return 1
    keep = store.history_dir(ma, build_id)
    try:  # the build is done and in place: a history copy that cannot be written is said, not a failed build
        keep.mkdir(parents=True, exist_ok=True)
        for name in ("manifest.json", "thay_doi.txt"):
            if (out / name).is_file():
                shutil.copyfile(out / name, keep / name)
    except OSError as exc:
        shutil.rmtree(keep, ignore_errors=True)  # no half-written copy served as this build's
        said.append(f"Ghi chú: hồ sơ đã tạo xong, nhưng máy chủ chưa lưu được manifest.json và thay_doi.txt của lần "
                    f"tạo này vào lịch sử ({exc.strerror or exc}); báo quản trị viên kiểm tra ổ đĩa.")
    thay_doi = (s.thay_doi or "").replace(f"«{out}{os.sep}", "«")  # the path of in_lai.pdf, relative
    store.x("UPDATE lan_tao SET trang_thai='xong', ket_thuc=?, tom_tat=?, thay_doi=?, han_nop=?, nhat_ky=?, "
            "da_xong=tong WHERE id=? AND trang_thai='dang_chay'", now(),
            "\n".join(summary_lines(s) + ([own_line] if own is not None else [])), thay_doi, s.han_nop or "",
            _kept_lines(said, out, upload_name), build_id)
    store.audit(row["tai_khoan"], ma, "", "tao_xong", json.dumps({"lan_tao": build_id, "so_nguoi": s.people}))
    later.append(lambda: store.prune_thumbnails(ma))  # the pages of files this build replaced or removed
    for step in later:  # the replaced output removed, the cache's upkeep: after the clerk has the new one
        try:
            step()
        except Exception:  # noqa: BLE001 - done again by the next build (output.tidy, cachecare, thumbnails)
            pass
    return 0


def _main(argv: list[str]) -> int:
    """DATA ID|- [JOBS] [--cum tcp://HOST:8786] ("-": a spare build process, its id on stdin)"""
    cum = None
    if "--cum" in argv:
        at = argv.index("--cum")
        cum = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    jobs = int(argv[2]) if len(argv) > 2 else None
    if argv[1] == "-":
        return spare(Path(argv[0]), jobs, cum)
    return run(Path(argv[0]), int(argv[1]), jobs, cum)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
