"""«Nhận bản đã ký» as a job: one reception of signed scans, run outside the request that sent them.

A reception is a folder of the agency, `co_quan/<MA>/nhan_quet/<id>/` (`id` a positive integer, the next
free one of the agency), holding the scans as saved (`1.pdf`, `2.jpg`…, removed once the run ends) and
`lan_nhan.json`, what its page needs:

    {"id": 3, "trang_thai": "dang_chay" | "xong" | "loi", "tai_khoan": "vt", "bat_dau": "<UTC>",
     "ket_thuc": "<UTC>" | "", "tep": ["quét 1.pdf", …]          # the names the clerk sent, in order
     "dem": {…the audit line's counts…}, "ket_qua": {…ScanResult…}  # when "xong"
     "loi": "<words>"}                                               # when "loi"

The run is a thread of the server process (`hoso serve`); a server stopped meanwhile leaves the file
«dang_chay»: `fail_interrupted` marks it failed in words at the next start-up (`receive` swaps `da_ky/`
whole, so the pages filed before are untouched and sending the scans again is safe).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from pipeline.scan.sort import FiledPage, PersonReport, ScanResult
from pipeline.web.store import now, safe_code

FOLDER = "nhan_quet"
STATE = "lan_nhan.json"
RUNNING, DONE, FAILED = "dang_chay", "xong", "loi"
STOPPED = ("Lần nhận này dừng giữa chừng trên máy chủ nên không hoàn thành: gửi lại các tệp quét; các trang đã xếp "
           "trước vẫn giữ nguyên.")
RESTARTED = ("Máy chủ khởi động lại khi đang xếp trang của lần nhận này nên lần nhận không hoàn thành: gửi lại các tệp "
             "quét; các trang đã xếp trước vẫn giữ nguyên.")


def folder(agency_dir: Path, rec_id: int) -> Path:
    return agency_dir / FOLDER / str(int(rec_id))


def load(agency_dir: Path, rec_id: int) -> dict[str, Any] | None:
    """A reception's state (None: no such reception of this agency, or its file unreadable)."""
    if rec_id < 1:
        return None
    try:
        state = json.loads((folder(agency_dir, rec_id) / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("id") == rec_id else None


def save(agency_dir: Path, state: dict[str, Any]) -> None:
    """Written whole to a new file then renamed over the old: a reader never sees half of it."""
    path = folder(agency_dir, int(state["id"])) / STATE
    tmp = path.with_name(STATE + ".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def ids(agency_dir: Path) -> list[int]:
    """The agency's receptions, newest first (folders named by an integer only: nothing else is one)."""
    try:
        names = [p.name for p in (agency_dir / FOLDER).iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return []
    return sorted((int(n) for n in names if n.isdigit() and n == str(int(n)) and int(n) > 0), reverse=True)


def running(agency_dir: Path) -> dict[str, Any] | None:
    """The agency's reception still running, if any: only its newest can be (a reception starts only when none runs,
    under the next id; those a stopped server left are failed at start-up), so one file is read, not the season's."""
    newest = ids(agency_dir)[:1]
    state = load(agency_dir, newest[0]) if newest else None
    return state if state is not None and state.get("trang_thai") == RUNNING else None


def fail(agency_dir: Path, state: dict[str, Any], words: str) -> None:
    """`state` marked failed with `words` (best effort: a disk that cannot be written leaves it as it was)."""
    state.update(trang_thai=FAILED, ket_thuc=now(), loi=words)
    with contextlib.suppress(OSError):
        save(agency_dir, state)


def last_finished(agency_dir: Path) -> dict[str, Any] | None:
    """The agency's newest reception that ended (filed or failed)."""
    for rec_id in ids(agency_dir):
        state = load(agency_dir, rec_id)
        if state is not None and state.get("trang_thai") in (DONE, FAILED):
            return state
    return None


def new(agency_dir: Path, account: str, names: list[str]) -> dict[str, Any]:
    """A new reception, «dang_chay», in the agency's next free id (its folder made here: two callers never
    get the same one). The caller holds the server's reception lock (one running reception per agency)."""
    base = agency_dir / FOLDER
    base.mkdir(parents=True, exist_ok=True)
    rec_id = (ids(agency_dir) or [0])[0] + 1
    while True:
        try:
            folder(agency_dir, rec_id).mkdir()
            break
        except FileExistsError:
            rec_id += 1
    state: dict[str, Any] = {"id": rec_id, "trang_thai": RUNNING, "tai_khoan": account, "bat_dau": now(),
                             "ket_thuc": "", "tep": list(names), "dem": {}, "ket_qua": None, "loi": ""}
    try:
        save(agency_dir, state)
    except OSError:
        shutil.rmtree(folder(agency_dir, rec_id), ignore_errors=True)
        raise
    return state


def drop_scans(agency_dir: Path, rec_id: int) -> None:
    """The saved scans of a reception (everything in its folder but its state)."""
    with contextlib.suppress(OSError):
        for p in folder(agency_dir, rec_id).iterdir():
            if p.name == STATE:
                continue
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def fail_interrupted(data: Path) -> int:
    """At start-up: every reception left «dang_chay» (the server stopped while it ran) is failed in words and its
    saved scans removed. The number failed."""
    failed = 0
    try:
        agencies = [p for p in (data / "co_quan").iterdir() if p.is_dir() and safe_code(p.name)]
    except OSError:
        return 0
    for agency_dir in agencies:
        for rec_id in ids(agency_dir):
            state = load(agency_dir, rec_id)
            if state is None or state.get("trang_thai") != RUNNING:
                continue
            fail(agency_dir, state, RESTARTED)
            failed += 1
            drop_scans(agency_dir, rec_id)
    return failed


def result_json(result: ScanResult) -> dict[str, Any]:
    """What the result page reads of `result`, as JSON (the report's path by its name in da_ky/)."""
    data = asdict(result)
    data["report"] = result.report.name
    return data


def result_of(data: dict[str, Any]) -> ScanResult:
    """`result_json` read back into a ScanResult the result page renders as it renders a fresh one."""
    known = {f.name for f in fields(ScanResult)}
    kw: dict[str, Any] = {k: v for k, v in data.items() if k in known}
    kw["people"] = [PersonReport(**p) for p in data.get("people") or []]
    for key in ("moved_rows", "left_rows", "resign_rows"):
        kw[key] = [FiledPage(**r) for r in data.get(key) or []]
    for key in ("unreadable", "foreign", "outdated", "codes", "matched"):
        kw[key] = [tuple(x) for x in data.get(key) or []]
    kw["report"] = Path(str(data.get("report") or ""))
    return ScanResult(**kw)
