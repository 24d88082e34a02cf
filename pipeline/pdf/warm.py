"""LibreOffice kept warm: a service of long-lived soffice lanes, and the converter that uses it.

A cold soffice run (`libreoffice.run_convert`) costs its 1.3–1.8 s start-up every time: nothing for
a full build, most of a one-person rebuild. `hoso serve` (for its builds) and each Dask worker
(`pipeline/pdf/cum.py`) keep soffice running instead:

- `WarmService` owns N lanes (default: the CPU count). A lane is one process group started under
  `guard.py` (it dies with its owner): `warm_bridge.py` run by LibreOffice's own Python (the venv's
  Python cannot import `uno`), which starts one `soffice --accept=pipe,…` with the lane's own profile
  and drives it over UNO: load hidden, export with the same filter and FilterData as
  `soffice --convert-to` (the bookmarks as named destinations, PDF/A), close.
- Supervision is the service's: every request has the cold run's timeout and silence watch (the
  caller's `stall`, nothing new written into its folder for that long); a lane that hangs, crashes or
  whose caller went away is killed with its whole group, its profile removed, and started again; the
  request is answered as failed (`libreoffice.Timeout`/`Stalled`, or a crash), so the caller's own
  retry path runs (one by one, on a fresh lane) exactly as after a cold run.
- Requests wait for a free lane in the order they came (one queue of idle lanes): several agencies'
  builds take turns, and a hung document holds its lane no longer than its timeout.
- Clients in other processes (the server's build processes) reach it over
  `multiprocessing.connection` on 127.0.0.1 with a random authkey (works on Windows too); the address
  and key travel in the environment (`ENV_ADDRESS`, `ENV_KEY`), never on a command line. In the same
  process (a Dask worker) the service itself is the client.
- `WarmConverter` is a `pool.Converter` that overrides only `run_soffice` (how one soffice run is
  done): joining, splitting, font and identity checks, caching, retries and messages stay one code
  path. When the service cannot be reached it falls back to cold runs, saying so once.

The conversions are the same: both paths are LibreOffice's own writer_pdf_Export with the same
FilterData; `tests/test_warm.py` checks a joined document's split forms (pages, text, destinations).
"""

from __future__ import annotations

import collections
import concurrent.futures
import json
import os
import queue
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from multiprocessing import AuthenticationError, connection
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

from pipeline import tempdirs
from pipeline.pdf import libreoffice
from pipeline.pdf.pool import Converter

BRIDGE = Path(__file__).with_name("warm_bridge.py")
ENV_ADDRESS = "HOSO_WARM_ADDRESS"  # "127.0.0.1:PORT" of a running service
ENV_KEY = "HOSO_WARM_KEY"  # its authkey, hex
START_TIMEOUT = 90.0  # seconds for a lane to be ready (a fresh profile's first start is the slow one)
WARM_UP_TIMEOUT = 60.0  # seconds for a lane's first (warm-up) conversion
CLIENT_GRACE = 30.0  # a client waits this much longer than the request's own timeout for an answer

# a connection between a client and the service (the base class: typeshed types Windows ones as Connection | PipeConnection);
# requests and answers are tuples (unpickled: Any)
_Conn: TypeAlias = "connection._ConnectionBase[tuple[object, ...], Any]"


class Unavailable(Exception):
    """The warm service cannot be used (not running, unreachable, no LibreOffice Python with uno)."""


class Crashed(Exception):
    """The lane's soffice (or its bridge) died during the request; the lane was restarted."""


def find_python(soffice: str) -> str | None:
    """LibreOffice's Python, the one that can import `uno`: HOSO_LO_PYTHON, else LibreOffice's own
    `program/python(.exe)` (Windows, the official builds), else the system's python3 (Debian:
    package python3-uno). None when none of them imports uno."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [os.environ.get("HOSO_LO_PYTHON", ""), str(program / "python.exe"), str(program / "python"),
                  "/usr/bin/python3", shutil.which("python3") or ""]
    for cand in dict.fromkeys(c for c in candidates if c):
        if not os.access(cand, os.X_OK):
            continue
        try:
            ok = subprocess.run([cand, "-c", "import uno"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return cand
    return None


class Lane:
    """One soffice driven by one bridge, in one process group; used by one request at a time."""

    def __init__(self, service: WarmService, index: int) -> None:
        self.service = service
        self.index = index
        self.root = service.root / f"lane-{index}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.starts = 0
        self.pipe = ""  # the --accept pipe's name of the running soffice

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        self.kill()
        self.root.mkdir(parents=True, exist_ok=True)
        profile = self.root / "profile"
        pipe = self.pipe = f"{tempdirs.LANE_PIPE}{os.getpid()}-{self.index}-{secrets.token_hex(6)}"
        cmd = libreoffice.guarded([self.service.python, "-I", str(BRIDGE), self.service.soffice,
                                   profile.resolve().as_uri(), pipe])
        proc = self.service._spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   start_new_session=True, env=libreoffice.soffice_env(self.root))
        with libreoffice._lock:
            libreoffice._live.add(proc)  # libreoffice.kill_all (Ctrl-C, a Dask worker's teardown) ends it too
        self.proc, self.lines = proc, queue.Queue()
        lines = self.lines

        def read() -> None:
            for line in cast("IO[bytes]", proc.stdout):  # stdout=PIPE: never None
                lines.put(line)
            lines.put(None)

        threading.Thread(target=read, name=f"hoso-warm-lane-{self.index}", daemon=True).start()
        self.starts += 1
        self.service._started()
        try:
            ready = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            ready = None
        try:
            ok = ready is not None and json.loads(ready).get("ready")
        except ValueError:
            ok = False
        if not ok:
            self.kill(fresh=True)
            raise Unavailable(f"LibreOffice lane {self.index} did not start")
        self._warm_up()

    def _warm_up(self) -> None:
        """A first conversion, of a primed form (`WarmService.warm_document`), before any request:
        a fresh soffice loads its filters and lays out the primer's fonts on its first document
        (0.2–0.3 s more than on the next ones), which a clerk's first rebuild would pay."""
        doc = self.service.warm_document()
        if doc is None:
            return
        from pipeline.pdf import join

        try:
            self.convert([str(doc)], str(self.root), join.EXPORT_FILTER, WARM_UP_TIMEOUT, None, lambda: False)
        except (libreoffice.Timeout, libreoffice.Stalled, Crashed):
            pass  # the lane was killed: started again by its next request, which converts cold

    def kill(self, *, fresh: bool = False) -> None:
        """End the lane's whole process group; `fresh`: its profile goes too (a hang may have damaged it)."""
        proc, self.proc = self.proc, None
        if proc is not None:
            libreoffice.kill_group(proc)
            tempdirs.remove_pipes(self.root / "profile", self.pipe)  # a killed soffice leaves its sockets in /tmp
            with libreoffice._lock:
                libreoffice._live.discard(proc)
            for stream in (proc.stdin, proc.stdout):
                try:
                    if stream is not None:  # both PIPE
                        stream.close()
                except (OSError, ValueError):
                    pass
        if fresh:
            shutil.rmtree(self.root / "profile", ignore_errors=True)

    def convert(self, files: list[str], outdir: str, filter_options: str, timeout: float, stall: float | None,
                gone: Callable[[], bool]) -> list[str]:
        """Convert on this lane; the bridge's per-file errors. Raises libreoffice.Timeout/Stalled or
        Crashed after killing the lane (the caller restarts it)."""
        if not self.alive:
            self.start()
        request = json.dumps({"files": files, "outdir": outdir, "filter": filter_options}) + "\n"
        proc = self.proc  # None when the service stopped it meanwhile
        try:
            if proc is None or proc.stdin is None:
                raise ValueError("the lane was stopped")
            proc.stdin.write(request.encode())
            proc.stdin.flush()
        except (OSError, ValueError):
            self.kill(fresh=True)
            raise Crashed from None
        start = time.monotonic()
        end, last, seen = start + timeout, start, libreoffice._progress(Path(outdir))
        while True:
            try:
                line = self.lines.get(timeout=0.25)
            except queue.Empty:
                now = time.monotonic()
                if now >= end or gone():
                    self.kill(fresh=True)
                    raise libreoffice.Timeout from None
                if stall is not None:
                    now_seen = libreoffice._progress(Path(outdir))
                    if now_seen != seen:
                        seen, last = now_seen, now
                    elif now - last > stall:
                        self.kill(fresh=True)
                        raise libreoffice.Stalled from None
                continue
            if line is None:  # the bridge exited: soffice crashed or the UNO bridge broke
                self.kill(fresh=True)
                raise Crashed
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            if answer.get("dead"):
                self.kill(fresh=True)
            return list(answer.get("errors") or [])


class WarmService:
    """The lanes, their queue and supervision, and (with `listen=True`) a listener for other processes."""

    def __init__(self, lanes: int | None = None, *, soffice: str | None = None, python: str | None = None) -> None:
        self.soffice = soffice or libreoffice.find_soffice()
        self.python = python or ""
        self.size = max(1, lanes or os.cpu_count() or 1)
        tempdirs.sweep()  # the profiles of a server or worker killed outright (its lanes died with it)
        self.root = Path(tempfile.mkdtemp(prefix="hoso-warm-"))
        tempdirs.mark_owner(self.root)
        self.lanes = [Lane(self, i) for i in range(self.size)]
        # free lanes, and the requests waiting for one in the order they came (`_acquire`)
        self._turns = threading.Condition()
        self._free: list[Lane] = []
        self._waiting: collections.deque[object] = collections.deque()
        self._lock = threading.Lock()
        self.counts = {"starts": 0, "requests": 0, "failed": 0, "restarts": 0}
        self._listener: connection.Listener | None = None
        self.address: tuple[str, int] | None = None
        self.authkey = secrets.token_bytes(32)
        self._warm_doc: Path | None = None  # warm_document, once (Path(): none could be made)
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        # every lane is started from this one thread, alive as long as the service: guard.py asks for a
        # signal when its parent dies, and Linux means the parent *thread* (PR_SET_PDEATHSIG)
        self._spawner = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hoso-warm-spawn")

    def _spawn(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        def spawn() -> subprocess.Popen[bytes]:
            return subprocess.Popen(cmd, **kwargs)

        try:
            return self._spawner.submit(spawn).result()
        except RuntimeError as exc:  # stopped meanwhile
            raise Unavailable("stopped") from exc

    # ---- life -----------------------------------------------------------------------------------
    def start(self, *, wait: bool = True, listen: bool = False) -> WarmService:
        """Start every lane (in parallel); `wait`: until they are ready (raises Unavailable when none
        starts), else in the background (a request waits for its lane). `listen`: accept clients of
        other processes on 127.0.0.1 (`env()` gives what they need)."""
        if not self.python:
            found = find_python(self.soffice)
            if not found:
                shutil.rmtree(self.root, ignore_errors=True)
                raise Unavailable("no Python with the uno module (Debian: apt-get install python3-uno)")
            self.python = found
        errors: list[BaseException] = []

        def boot(lane: Lane) -> None:
            try:
                lane.start()
            except BaseException as exc:  # noqa: BLE001 - said below; the lane is retried on use
                errors.append(exc)
            self._hand_back(lane)

        threads = [threading.Thread(target=boot, args=(lane,), daemon=True) for lane in self.lanes]
        for t in threads:
            t.start()
        if wait:
            for t in threads:
                t.join()
            if len(errors) == len(self.lanes):
                self.stop()
                raise Unavailable(str(errors[0]))
        if listen:
            self._listener = connection.Listener(("127.0.0.1", 0), authkey=self.authkey)
            self.address = self._listener.address
            t = threading.Thread(target=self._accept, name="hoso-warm-listener", daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        """Stop listening and end every lane's process group; the profiles are removed."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self._listener is not None:
            try:  # accept() does not wake up on close everywhere: a bare connection wakes it (never waits)
                if self.address is not None:
                    socket.create_connection(self.address, timeout=2).close()
            except OSError:
                pass
            try:
                self._listener.close()
            except OSError:
                pass
        for lane in self.lanes:
            lane.kill()
        self._spawner.shutdown(wait=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> WarmService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """What a build process needs to reach this service (put in its environment)."""
        if self.address is None:
            return {}
        return {ENV_ADDRESS: f"{self.address[0]}:{self.address[1]}", ENV_KEY: self.authkey.hex()}

    def warm_document(self) -> Path | None:
        """A form joined with the primer page, as the builds convert them (join.join), written once
        in the service's folder: what each lane converts first (`Lane._warm_up`). None when no
        template can be read (the lanes then start cold)."""
        with self._lock:
            if self._warm_doc is None:
                from pipeline.pdf import join
                from pipeline.resources import templates_dir

                self._warm_doc = Path()
                try:
                    template = next(iter(sorted(templates_dir().glob("*/template.docx"))))
                    join.join([template], self.root / "warm-up.docx")
                    self._warm_doc = self.root / "warm-up.docx"
                except (StopIteration, OSError, ValueError, KeyError):
                    pass
        return self._warm_doc if self._warm_doc != Path() else None

    def _started(self) -> None:
        with self._lock:
            self.counts["starts"] += 1

    def stats(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts, lanes=self.size)

    # ---- work -----------------------------------------------------------------------------------
    def convert(self, files: Sequence[str | Path], outdir: str | Path, *, filter_options: str, timeout: float,
                stall: float | None = None, poll: Callable[[], None] | None = None,
                gone: Callable[[], bool] = lambda: False) -> list[str]:
        """Convert `files` into `outdir` on the next free lane (`run_convert`'s contract; raises
        libreoffice.Timeout/Stalled, Crashed, Unavailable). `poll` is called while waiting (progress)."""
        if self._stopped.is_set():
            raise Unavailable("stopped")
        with self._lock:
            self.counts["requests"] += 1
        lane = self._acquire(poll, gone)
        failed = False
        try:
            if poll is None:
                return lane.convert([str(f) for f in files], str(outdir), filter_options, timeout, stall, gone)
            result: list[list[str] | BaseException] = []
            worker = threading.Thread(target=self._on_lane, args=(lane, files, outdir, filter_options, timeout,
                                                                   stall, gone, result), daemon=True)
            worker.start()
            while worker.is_alive():
                worker.join(0.25)
                if worker.is_alive():
                    poll()
            if isinstance(result[0], BaseException):
                raise result[0]
            return result[0]
        except (libreoffice.Timeout, Crashed, Unavailable):
            failed = True
            raise
        finally:
            if failed:
                with self._lock:
                    self.counts["failed"] += 1
            self._release(lane, restart=failed)

    @staticmethod
    def _on_lane(lane: Lane, files: Sequence[str | Path], outdir: str | Path, filter_options: str, timeout: float,
                 stall: float | None, gone: Callable[[], bool], result: list[list[str] | BaseException]) -> None:
        try:
            result.append(lane.convert([str(f) for f in files], str(outdir), filter_options, timeout, stall, gone))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            result.append(exc)

    def _acquire(self, poll: Callable[[], None] | None, gone: Callable[[], bool]) -> Lane:
        """The next free lane for this request, first come first served: requests of several builds
        take turns; none waits behind a hung lane longer than that lane's timeout."""
        turn = object()
        with self._turns:
            self._waiting.append(turn)
        try:
            while True:
                with self._turns:
                    if self._free and self._waiting[0] is turn:
                        return self._free.pop()
                    if self._stopped.is_set():
                        raise Unavailable("stopped")
                    self._turns.wait(0.25)
                if gone():
                    raise Unavailable("the client went away")
                if poll is not None:
                    poll()
        finally:
            with self._turns:
                self._waiting.remove(turn)
                self._turns.notify_all()

    def _hand_back(self, lane: Lane) -> None:
        with self._turns:
            self._free.append(lane)
            self._turns.notify_all()

    def _release(self, lane: Lane, *, restart: bool) -> None:
        if self._stopped.is_set():
            lane.kill()
            return
        if not restart or lane.alive:
            self._hand_back(lane)
            return
        with self._lock:
            self.counts["restarts"] += 1

        def again() -> None:  # a fresh lane, started before it is handed out again
            try:
                lane.start()
            except Unavailable:
                pass  # started again on its next request
            if self._stopped.is_set():
                lane.kill()
            self._hand_back(lane)

        threading.Thread(target=again, name=f"hoso-warm-restart-{lane.index}", daemon=True).start()

    # ---- clients of other processes ---------------------------------------------------------------
    def _accept(self) -> None:
        listener = self._listener  # set before this thread starts
        if listener is None:
            return
        while not self._stopped.is_set():
            try:
                conn = listener.accept()
            except (OSError, EOFError, AuthenticationError):
                if self._stopped.is_set():
                    return
                continue
            if self._stopped.is_set():
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), name="hoso-warm-client", daemon=True).start()

    def _serve(self, conn: _Conn) -> None:
        """One client connection: requests answered one after the other (a client has one per thread)."""
        with conn:
            while not self._stopped.is_set():
                try:
                    request = conn.recv()
                except (EOFError, OSError):
                    return
                kind = request[0] if isinstance(request, tuple) and request else None
                answer: tuple[str] | tuple[str, object]
                if kind == "stats":
                    answer = ("ok", self.stats())
                elif kind == "convert":
                    args = request[1]

                    def gone() -> bool:  # a client never sends while it waits: readable means it went away
                        try:
                            return conn.poll(0)
                        except (OSError, EOFError):
                            return True

                    try:
                        answer = ("ok", self.convert(args["files"], args["outdir"], filter_options=args["filter"],
                                                     timeout=float(args["timeout"]), stall=args.get("stall"), gone=gone))
                    except libreoffice.Stalled:
                        answer = ("stalled",)
                    except libreoffice.Timeout:
                        answer = ("timeout",)
                    except Crashed:
                        answer = ("crashed",)
                    except Unavailable as exc:
                        answer = ("unavailable", str(exc))
                    except Exception as exc:  # noqa: BLE001 - answered, never kills the service
                        answer = ("crashed", f"{type(exc).__name__}: {exc}")
                else:
                    answer = ("unavailable", "unknown request")
                try:
                    conn.send(answer)
                except (OSError, ValueError):
                    return


def _connect(address: tuple[str, int], authkey: bytes) -> _Conn:
    """`connection.Client(address, authkey=…)` over a socket with TCP_NODELAY: the handshake ends with
    the client's own write, so without it the client's first request waits for the service's delayed
    acknowledgement (Nagle's algorithm: ~40 ms on every new connection, i.e. on every build's first
    question and every conversion thread's first document)."""
    sock = socket.create_connection(address)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = connection.Connection(sock.detach())
    finally:
        sock.close()
    try:
        connection.answer_challenge(conn, authkey)
        connection.deliver_challenge(conn, authkey)
    except BaseException:
        conn.close()
        raise
    return conn


class WarmClient:
    """A service in another process, reached over `multiprocessing.connection` (one connection per thread)."""

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self.address, self.authkey = address, authkey
        self._local = threading.local()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WarmClient | None:
        env = os.environ if env is None else env
        address, key = env.get(ENV_ADDRESS, ""), env.get(ENV_KEY, "")
        if not address or not key:
            return None
        host, _, port = address.rpartition(":")
        try:
            return cls((host, int(port)), bytes.fromhex(key))
        except ValueError:
            return None

    def _conn(self) -> _Conn:
        conn: _Conn | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = _connect(self.address, self.authkey)
            except (OSError, EOFError, AuthenticationError) as exc:
                raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
            self._local.conn = conn
        return conn

    def _ask(self, request: tuple[object, ...], *, wait: float, poll: Callable[[], None] | None = None) -> Any:
        """The service's answer: a tuple, ("ok", result) or (failure, …) (`WarmService._serve`)."""
        conn = self._conn()
        try:
            conn.send(request)
            end = time.monotonic() + wait
            while not conn.poll(0.25):
                if poll is not None:
                    poll()
                if time.monotonic() > end:  # the service itself is stuck: this connection is done
                    self.close()
                    raise libreoffice.Timeout
            return conn.recv()
        except (OSError, EOFError) as exc:
            self.close()
            raise Unavailable(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def stats(self) -> dict[str, int]:
        return cast("dict[str, int]", self._ask(("stats",), wait=10)[1])

    def convert(self, files: Sequence[str | Path], outdir: str | Path, *, filter_options: str, timeout: float,
                stall: float | None = None, poll: Callable[[], None] | None = None) -> list[str]:
        request = ("convert", {"files": [str(f) for f in files], "outdir": str(outdir), "filter": filter_options,
                               "timeout": timeout, "stall": stall})
        # waiting for a free lane is not the request's time: the service times the conversion itself
        answer = self._ask(request, wait=timeout + CLIENT_GRACE + 3600, poll=poll)
        if answer[0] == "ok":
            return cast("list[str]", answer[1])
        if answer[0] == "stalled":
            raise libreoffice.Stalled
        if answer[0] == "timeout":
            raise libreoffice.Timeout
        if answer[0] == "crashed":
            raise Crashed(answer[1] if len(answer) > 1 else "")
        raise Unavailable(answer[1] if len(answer) > 1 else "")


class WarmConverter(Converter):
    """`pool.Converter` whose soffice runs are done by a warm service (`WarmService` in this process
    or a `WarmClient`); everything else is the Converter's. Falls back to cold runs when the
    service cannot be reached, saying so once (`log`)."""

    same_output_as = "pipeline.pdf.pool.Converter"  # the same PDFs: a build's "nothing changed" key is the same

    def __init__(self, service: WarmService | WarmClient, *, log: Callable[[str], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.service = service
        self.log = log or (lambda text: print(text, file=sys.stderr))
        self.cold = False  # the service was unreachable: every later run is cold

    def run_soffice(self, profile: Path, files: list[Path], outdir: Path, *, timeout: float, filter_options: str,
                    poll: Callable[[], None] | None = None, stall: float | None = None) -> None:
        if not self.cold:
            try:
                self.service.convert(files, outdir, filter_options=filter_options, timeout=timeout, stall=stall,
                                     poll=poll)
                return
            except Crashed:
                return  # what was written is checked by the caller, the rest retried (as after a crash)
            except Unavailable:
                with self._meter:
                    said, self.cold = self.cold, True
                if not said:
                    self.log("LibreOffice chạy sẵn của máy chủ không dùng được: lần tạo này tự khởi động LibreOffice "
                             "(chậm hơn vài giây).")
        super().run_soffice(profile, files, outdir, timeout=timeout, filter_options=filter_options, poll=poll,
                            stall=stall)


def converter_from_env(*, workers: int | None = None, log: Callable[[str], None] | None = None) -> Converter | None:
    """The WarmConverter of the service named in the environment (a `hoso serve` build process),
    None when there is none; one console line when it is named but cannot be reached."""
    client = WarmClient.from_env()
    if client is None:
        return None
    say = log or (lambda text: print(text, file=sys.stderr))
    try:
        client.stats()
    except (Unavailable, libreoffice.Timeout):
        say("Không kết nối được LibreOffice chạy sẵn của máy chủ: lần tạo này tự khởi động LibreOffice (chậm hơn vài giây).")
        return None
    return WarmConverter(client, log=say, workers=workers)
