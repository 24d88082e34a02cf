"""hoso where clerks are (issue 20 point 6): no `os.fork`, no `fcntl`, no process groups.

The end-to-end journey (`hoso check`, `rate`, `build`, `verify` on the 2024 sample; `hoso serve`:
an account, the login page, a build from the web, a server stopped mid-build) runs in interpreters
started with `tests/sans_posix` on PYTHONPATH, whose `sitecustomize.py` takes away what Windows does
not have (fork, forkpty, killpg, setsid, getpgid, getuid, O_NOFOLLOW, SIGHUP; `import fcntl`,
`termios`, `pwd`, `grp`, `resource` fail). The build must equal a normal one: the same files, the
same .docx digests, page counts and bookmarks. What only Windows has (msvcrt, taskkill,
CTRL_BREAK, Program Files, C:\\Windows\\Fonts) is tried here by what it is given: folders laid out as
Windows lays them out, a POSIX without killpg.
"""

from __future__ import annotations

import ast
import http.cookiejar
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from web_pages import hidden as _hidden  # noqa: E402

from pipeline import portable
from tests.fakes import free_port, processes_matching, start_serve

pytestmark = pytest.mark.cold  # the CLI's own path on Windows (no fork, no fcntl), soffice started by the build: builds start soffice as the CLI does (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent
SANS_POSIX = Path(__file__).resolve().parent / "sans_posix"
SAMPLE_2024 = ROOT / "data" / "mau_ho_so_2024.xlsx"
POSIX_ONLY = {"fcntl", "termios", "pwd", "grp", "resource", "posix", "tty", "pty", "crypt", "syslog"}
WINDOWS_ONLY = {"msvcrt", "winreg", "_winapi", "winsound"}


def _env(sans_posix: bool, tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, TMPDIR=str(tmp), **extra)
    env.pop("PYTHONPATH", None)
    if sans_posix:
        env["PYTHONPATH"] = str(SANS_POSIX)
    return env


def _hoso(*args: str, env: dict, stdin: str = "", timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=env["TMPDIR"])


def test_the_sans_posix_interpreter_lacks_what_windows_lacks(tmp_path):
    code = ("import os, signal, importlib\n"
            "gone = [n for n in ('fork', 'forkpty', 'killpg', 'setsid', 'getuid', 'O_NOFOLLOW') if hasattr(os, n)]\n"
            "gone += ['SIGHUP'] * hasattr(signal, 'SIGHUP')\n"
            "for m in ('fcntl', 'termios', 'pwd', 'resource'):\n"
            "    try:\n        importlib.import_module(m); gone.append(m)\n"
            "    except ImportError:\n        pass\n"
            "from pipeline.ingest import forked\n"
            "print(gone, forked.available())\n")
    assert _sans_posix(code, tmp_path, timeout=60).split() == ["[]", "False"]


def test_no_module_imports_a_posix_only_module_unconditionally():
    """Every module of the package imports on Windows: POSIX-only modules (and Windows-only ones)
    only inside a function or a `try` that handles their absence."""
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # the module's own top level: run at import, unguarded
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module.split(".")[0]]
            found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n in POSIX_ONLY | WINDOWS_ONLY]
    assert found == []


def test_every_module_imports_without_fork_and_fcntl(tmp_path):
    code = ("import importlib, pkgutil, sys, pipeline\n"
            "bad = []\n"
            "for m in pkgutil.walk_packages(pipeline.__path__, 'pipeline.'):\n"
            "    try:\n        importlib.import_module(m.name)\n"
            "    except Exception as e:\n        bad.append(f'{m.name}: {e!r}')\n"
            "print(bad, 'fcntl' in sys.modules)\n")
    assert _sans_posix(code, tmp_path, timeout=120).strip() == "[] False"


def _sans_posix(code: str, tmp_path: Path, *, timeout: float) -> str:
    """What `code` prints, run by a Python without fork, fcntl and the other POSIX-only pieces."""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(True, tmp_path),
                       timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout


# --- the journey, with and without fork/fcntl ---------------------------------------------------------

def _outline(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    def walk(items) -> list[str]:
        out = []
        for item in items:
            out += walk(item) if isinstance(item, list) else [item.title]
        return out

    return walk(PdfReader(pdf).outline)


def _describe(out: Path) -> dict:
    """What must not depend on the system: every file, each .docx's digest, each PDF's pages and
    bookmarks, the ratings."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = {f["path"]: f for f in manifest["files"]}
    ratings = json.loads((out / "ket_qua_xep_loai.json").read_text(encoding="utf-8"))
    return {
        "paths": sorted(files),
        "docx": {p: f["sha256"] for p, f in files.items() if p.endswith(".docx")},
        "pages": {p: f.get("pages") for p, f in files.items() if p.endswith(".pdf")},
        "bookmarks": {p: _outline(out / p) for p in files if p.endswith(".pdf") and p.count("/") >= 1},
        "ratings": ratings,
    }


@pytest.fixture(scope="module")
def journeys(tmp_path_factory):
    """The 2024 sample checked, rated, built and verified twice: by a normal interpreter and by one
    without fork and fcntl (each with a cache of its own, so both run LibreOffice)."""
    if not shutil.which("soffice"):
        pytest.fail("LibreOffice (soffice) is required: run ./bootstrap.sh setup")
    runs = {}
    for name, sans in (("posix", False), ("sans_posix", True)):
        tmp = tmp_path_factory.mktemp(name)
        env = _env(sans, tmp, HOSO_CACHE=str(tmp / "cache"))
        out = tmp / "ket_qua"
        steps = {
            "check": _hoso("check", str(SAMPLE_2024), env=env),
            "rate": _hoso("rate", str(SAMPLE_2024), "-o", str(tmp / "xep_loai"), env=env),
            "build": _hoso("build", str(SAMPLE_2024), "-o", str(out), "-j", "2", env=env),
        }
        steps["verify"] = _hoso("verify", str(out), env=env)
        runs[name] = (out, steps)
    return runs


@pytest.mark.libreoffice
def test_the_journey_runs_without_fork_and_fcntl(journeys):
    out, steps = journeys["sans_posix"]
    for step, r in steps.items():
        assert r.returncode == 0, f"{step}: {r.stderr[-2000:]}"
    assert "Sổ Excel hợp lệ" in steps["check"].stderr
    assert "ket_qua_xep_loai.json" in steps["rate"].stderr
    assert "Xong: 40 người" in steps["build"].stderr
    assert "khớp manifest.json" in steps["verify"].stderr
    assert (out / "ho_so_2024.zip").is_file()
    text = subprocess.run(["pdftotext", "-layout", str(out / "HUONG_DAN_IN.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "HƯỚNG DẪN" in text.upper()


@pytest.mark.libreoffice
def test_the_build_without_fork_and_fcntl_equals_a_normal_one(journeys):
    posix, sans = (_describe(journeys[name][0]) for name in ("posix", "sans_posix"))
    assert sans["paths"] == posix["paths"]
    assert len(sans["docx"]) > 100 and sans["docx"] == posix["docx"]
    assert sum(sans["pages"].values()) > 400 and sans["pages"] == posix["pages"]
    assert any(len(b) > 3 for b in sans["bookmarks"].values()) and sans["bookmarks"] == posix["bookmarks"]
    assert sans["ratings"] == posix["ratings"]


class _Web:
    """`hoso serve` in the interpreter without fork and fcntl, and a urllib session with it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp, self.data, self.port = tmp, tmp / "du_lieu", free_port()
        # «Tạo hồ sơ» shows the progress page at once (a quick rebuild would be done before it answers)
        self.env = _env(True, tmp, HOSO_CACHE=str(tmp / "khong_dung"), HOSO_CHO_TAO_GIAY="0")
        self.base = f"http://127.0.0.1:{self.port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = start_serve(self.port, self.data, self.env, cwd=self.tmp)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.status, r.read().decode()

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(urllib.request.Request(self.base + path, data=data), timeout=60) as r:
            return r.status, r.read().decode()

    def login(self, name: str, password: str) -> None:
        _, page = self.get("/dang-nhap")
        status, body = self.post("/dang-nhap", {"csrf_token": _hidden(page, "csrf_token"), "ten": name,
                                                "mat_khau": password})
        assert status == 200 and "csrf_token" in body
        self.csrf = _hidden(body, "csrf_token")

    def upload(self, path: Path) -> None:
        boundary = "hosoBoundary"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{self.csrf}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"so\"; filename=\"{path.name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + \
            f"\r\n--{boundary}--\r\n".encode()
        req = urllib.request.Request(self.base + "/so-excel", data=body,
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with self.opener.open(req, timeout=120) as r:
            assert r.status == 200

    def build(self) -> int:
        assert self.post("/tao-ho-so", {"csrf_token": self.csrf})[0] == 200
        return self.db("SELECT MAX(id) FROM lan_tao")[0]

    def db(self, sql: str, *args) -> tuple:
        con = sqlite3.connect(self.data / "hoso.sqlite3")
        try:
            return con.execute(sql, args).fetchone()
        finally:
            con.close()


def _processes_mentioning(text: str) -> list[int]:
    return [pid for pid, _cmd in processes_matching(text)]


@pytest.mark.libreoffice
def test_serve_without_fork_and_fcntl(tmp_path):
    import workbook_factory as factory

    web = _Web(tmp_path)
    r = _hoso("tai-khoan", "them", "vanthu", "--co-quan", "VP", "--vai-tro", "van_thu", "--data", str(web.data),
              env=web.env, stdin="mat-khau-van-thu-1\n")
    assert r.returncode == 0 and "Đã tạo tài khoản «vanthu»" in r.stderr, r.stderr
    web.start()
    try:
        status, page = web.get("/dang-nhap")
        assert status == 200 and "<h1>Đăng nhập</h1>" in page and 'type="password"' in page
        web.login("vanthu", "mat-khau-van-thu-1")

        # a build from the web: the build process started in a group of its own, without fork
        t = factory.tables()
        web.upload(factory.write(tmp_path / "so.xlsx", t))
        build_id = web.build()
        for _ in range(480):
            if web.db("SELECT trang_thai FROM lan_tao WHERE id=?", build_id)[0] in ("xong", "loi"):
                break
            time.sleep(0.5)
        state, error = web.db("SELECT trang_thai, loi FROM lan_tao WHERE id=?", build_id)
        assert state == "xong", error
        _, page = web.get(f"/lan-tao/{build_id}")
        assert "Xong:" in page

        # stopped mid-build: the build process ends (as on Windows: no process group to signal), and the
        # server's LibreOffice lanes (pipeline/pdf/warm.py, kept warm for its lifetime) with the server;
        # the build is failed, saying why
        assert _processes_mentioning(f"{tmp_path}/hoso-warm-") or _processes_mentioning(f"{tmp_path}/hoso-lo-"), \
            "no LibreOffice ran for the server"
        t["NhanSu"][5]["chuc_vu"] = "Nhân viên văn thư"
        web.upload(factory.write(tmp_path / "so_moi.xlsx", t))
        build_id = web.build()
        for _ in range(200):
            if web.db("SELECT trang_thai FROM lan_tao WHERE id=?", build_id)[0] == "dang_chay":
                break
            time.sleep(0.1)
        assert web.db("SELECT trang_thai FROM lan_tao WHERE id=?", build_id)[0] == "dang_chay", "the build never ran"
    finally:
        web.stop()
    state, error = web.db("SELECT trang_thai, loi FROM lan_tao WHERE id=?", build_id)
    assert state == "loi" and "Máy chủ đã dừng" in error
    for _ in range(50):
        if not _processes_mentioning(str(tmp_path)):
            break
        time.sleep(0.2)
    assert _processes_mentioning(str(tmp_path)) == []  # no build process, no soffice left behind


# --- the pieces, as each system has them ---------------------------------------------------------------

def _without_fcntl(monkeypatch) -> None:
    monkeypatch.setattr(portable, "_fcntl", lambda: None)


def test_the_output_lock_without_fcntl_keeps_a_second_run_out(tmp_path):
    """Two interpreters without fcntl: the second run into the same folder is refused while the
    first holds it (os.lockf here; msvcrt.locking on Windows), and may run once it is done."""
    target = tmp_path / "ket_qua"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom pipeline.output import OutputFolder\n"
         f"with OutputFolder({str(target)!r}):\n    print('giu', flush=True)\n    sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env(True, tmp_path))
    try:
        assert holder.stdout.readline().strip() == "giu"
        second = ("from pipeline.output import OutputFolder\nfrom pipeline.errors import OutputError\n"
                  f"try:\n    OutputFolder({str(target)!r}).__enter__()\nexcept OutputError as e:\n    print(e)\n"
                  "else:\n    print('vao')\n")
        r = subprocess.run([sys.executable, "-c", second], capture_output=True, text=True, env=_env(True, tmp_path),
                           timeout=60)
        assert "Một lệnh hoso khác đang ghi vào" in r.stdout, r.stdout + r.stderr
    finally:
        holder.communicate("\n", timeout=30)
    r = subprocess.run([sys.executable, "-c", second], capture_output=True, text=True, env=_env(True, tmp_path),
                       timeout=60)
    assert r.stdout.strip() == "vao", r.stderr


def test_a_planted_lock_symlink_is_refused_without_o_nofollow(tmp_path, monkeypatch):
    """Issue 19 point 4 where there is no O_NOFOLLOW (Windows): the link is still never followed,
    its target never written."""
    from pipeline.errors import OutputError
    from pipeline.output import OutputFolder

    monkeypatch.setattr(portable, "NOFOLLOW", 0)
    _without_fcntl(monkeypatch)
    victim = tmp_path / "quan_trong.txt"
    victim.write_text("dữ liệu của người khác\n")
    (tmp_path / ".ket_qua.lock").symlink_to(victim)
    with pytest.raises(OutputError) as exc:
        OutputFolder(tmp_path / "ket_qua").__enter__()
    assert "liên kết tượng trưng" in str(exc.value)
    assert victim.read_text() == "dữ liệu của người khác\n"
    dangling = tmp_path / ".khac.lock"
    dangling.symlink_to(tmp_path / "chua_co.txt")
    with pytest.raises(OutputError):
        OutputFolder(tmp_path / "khac").__enter__()
    assert not (tmp_path / "chua_co.txt").exists()  # not created through the link either


def test_open_nofollow_without_the_flag_opens_plain_files(tmp_path, monkeypatch):
    monkeypatch.setattr(portable, "NOFOLLOW", 0)
    fd = portable.open_nofollow(tmp_path / "moi.lock", os.O_RDWR | os.O_CREAT)
    os.close(fd)
    assert (tmp_path / "moi.lock").is_file()


def _program_files(root: Path) -> Path:
    exe = root / "LibreOffice" / "program" / "soffice.exe"
    exe.parent.mkdir(parents=True)
    exe.write_text("")
    exe.chmod(0o755)
    return exe


def _no_soffice_on_path(monkeypatch) -> None:
    from pipeline.pdf import libreoffice

    real = shutil.which
    monkeypatch.setattr(libreoffice.shutil, "which", lambda name, *a, **k: None if "office" in name else real(name))
    monkeypatch.setattr(libreoffice, "KNOWN_PATHS", ())
    for var in ("HOSO_SOFFICE", *libreoffice.WINDOWS_FOLDERS):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("folder", ["ProgramFiles", "ProgramFiles(x86)"])
def test_libreoffice_is_found_in_its_windows_folder(tmp_path, monkeypatch, folder):
    from pipeline.pdf import libreoffice

    _no_soffice_on_path(monkeypatch)
    exe = _program_files(tmp_path / "Program Files")
    monkeypatch.setenv(folder, str(tmp_path / "Program Files"))
    assert libreoffice.find_soffice() == str(exe)
    other = _program_files(tmp_path / "khac")
    monkeypatch.setenv("HOSO_SOFFICE", str(other))  # the override comes first
    assert libreoffice.find_soffice() == str(other)


def test_libreoffice_missing_on_windows_says_how_to_install_it(tmp_path, monkeypatch):
    from pipeline.errors import MissingDependency
    from pipeline.pdf import libreoffice

    _no_soffice_on_path(monkeypatch)
    monkeypatch.setattr(libreoffice, "INSTALL_HINT", libreoffice.INSTALL_HINT_WINDOWS)  # as imported on Windows
    monkeypatch.setenv("ProgramFiles", str(tmp_path))  # an empty Program Files
    with pytest.raises(MissingDependency) as exc:
        libreoffice.find_soffice()
    text = str(exc.value)
    assert "Không tìm thấy LibreOffice" in text
    assert "Cài LibreOffice bản cho Windows" in text and "C:\\Program Files\\LibreOffice" in text
    assert "HOSO_SOFFICE" in text and "soffice.exe" in text and "apt-get" not in text


def _fc_match_file(family: str) -> Path:
    r = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True)
    return Path(r.stdout)


def test_fonts_are_checked_without_fontconfig_in_the_windows_fonts_folder(tmp_path, monkeypatch):
    """No fc-match (Windows): the forms' font is found by its file name in %WINDIR%\\Fonts, its
    glyphs checked, and the PDFs' font check expects its PostScript name."""
    import reportlab

    from pipeline.errors import MissingDependency
    from pipeline.pdf import fonts, validate

    fonts_dir = tmp_path / "Windows" / "Fonts"
    fonts_dir.mkdir(parents=True)
    shutil.copy(_fc_match_file("Liberation Serif"), fonts_dir / "times.ttf")  # stands in for Times New Roman
    shutil.copy(_fc_match_file("DejaVu Sans"), fonts_dir / "DejaVuSans.ttf")
    real = shutil.which
    monkeypatch.setattr(fonts.shutil, "which", lambda name, *a, **k: None if name == "fc-match" else real(name))
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    fonts.check_fonts.cache_clear()
    validate.body_face.cache_clear()
    try:
        body, boxes = fonts.check_fonts()
        assert (body.requested, body.file, body.face, body.missing) == (
            "Times New Roman", str(fonts_dir / "times.ttf"), "LiberationSerif", "")
        assert not body.substituted and boxes.file == str(fonts_dir / "DejaVuSans.ttf")
        assert validate.body_face() == "liberationserif"  # what LibreOffice names it in a PDF

        vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # Latin-1 only: refused as on Linux
        shutil.copy(vera, fonts_dir / "times.ttf")
        fonts.check_fonts.cache_clear()
        with pytest.raises(MissingDependency) as exc:
            fonts.check_fonts()
        assert "thiếu" in exc.value.message and "ơ" in exc.value.message
    finally:
        fonts.check_fonts.cache_clear()
        validate.body_face.cache_clear()


def test_thumbnails_without_poppler(tmp_path, monkeypatch):
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from pipeline.web import thumbs

    pdf = tmp_path / "a.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for n in (1, 2):
        c.drawString(100, 700, f"Trang {n}")
        c.showPage()
    c.save()
    assert len(PdfReader(pdf).pages) == 2
    real = shutil.which
    monkeypatch.setattr(thumbs.shutil, "which", lambda name, *a, **k: None if name == "pdftoppm" else real(name))
    png = tmp_path / "a.png"
    assert thumbs.render(pdf, 2, png)
    from PIL import Image

    with Image.open(png) as im:
        assert im.format == "PNG" and max(im.size) == thumbs.SIZE and im.size[0] < im.size[1]
    assert not thumbs.render(pdf, 3, tmp_path / "b.png")  # no such page: no thumbnail, no error


def test_a_soffice_tree_is_killed_without_killpg(tmp_path, monkeypatch):
    """Without os.killpg the guard (pdf/guard.py) is asked to end its tree: the command it runs
    and what that started are gone, and no process of it is left."""
    from pipeline.pdf import libreoffice

    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $! > {pids}; wait"
    proc = subprocess.Popen(libreoffice.guarded(["sh", "-c", script]), **portable.own_group())
    for _ in range(100):
        if pids.is_file() and pids.read_text().strip():
            break
        time.sleep(0.05)
    grandchild = int(pids.read_text())
    monkeypatch.delattr(os, "killpg")
    started = time.monotonic()
    libreoffice.kill_group(proc)
    assert proc.poll() is not None and time.monotonic() - started < 5
    for _ in range(50):
        if portable.pid_alive(grandchild) is False or _zombie(grandchild):
            break
        time.sleep(0.1)
    assert portable.pid_alive(grandchild) is False or _zombie(grandchild)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_stop_signals_are_those_the_system_has():
    assert signal.SIGTERM in portable.STOP_SIGNALS
    assert (getattr(signal, "SIGHUP", None) in portable.STOP_SIGNALS) == hasattr(signal, "SIGHUP")
    assert (getattr(signal, "SIGBREAK", None) in portable.STOP_SIGNALS) == hasattr(signal, "SIGBREAK")


def test_pid_alive():
    assert portable.pid_alive(os.getpid()) is True
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert portable.pid_alive(dead.pid) is False


def test_vietnamese_output_redirected_on_a_code_page_that_lacks_it(tmp_path):
    """Windows writes redirected output in the ANSI code page (cp1252 has no ạ, ư, ơ…): hoso writes
    UTF-8 there instead, so a log file or a pipe reads as Vietnamese."""
    env = _env(False, tmp_path, PYTHONIOENCODING="cp1252")
    r = subprocess.run([sys.executable, "-m", "pipeline", "check", str(SAMPLE_2024)], capture_output=True, env=env,
                       timeout=120, cwd=tmp_path)
    assert r.returncode == 0
    assert "Sổ Excel hợp lệ (4 cảnh báo).".encode() in r.stderr  # two of them: units of two deputies (test_chair.py)


def test_a_file_held_open_on_windows_is_named_as_the_likely_cause(monkeypatch):
    """Windows refuses to move the output folder while a PDF of it is open in a viewer (Access
    denied): the message says to close it; elsewhere the message is unchanged."""
    from pipeline import output

    denied = PermissionError(13, "Access is denied")
    assert "đang mở" not in str(output._os_error(denied, Path("ket_qua")))
    monkeypatch.setattr(portable, "WINDOWS", True)
    text = str(output._os_error(denied, Path("ket_qua")))
    assert "Không có quyền ghi vào «ket_qua»" in text and "đang mở (PDF, Word, Excel), hãy đóng lại" in text
