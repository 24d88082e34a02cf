"""One lane of the warm LibreOffice service (`pipeline/pdf/warm.py`): run by LibreOffice's own Python.

    LO_PYTHON warm_bridge.py SOFFICE PROFILE_URL PIPE_NAME

The venv's Python cannot import `uno` (it lives in the Debian package python3-uno, for
/usr/bin/python3, or in LibreOffice's `program/python` on Windows and in the official builds), so
this small script — standard library and `uno` only, never anything of hoso — is the bridge: it
starts one soffice listening on a named pipe (`--accept=pipe,name=…;urp;`, its own profile),
connects to it over UNO, says `{"ready": …}` on stdout, then answers one JSON line per request line
read on stdin:

    {"files": [".../a.docx", …], "outdir": "...", "filter": "pdf:writer_pdf_Export:{…}"}
    -> {"done": 2, "errors": ["a.docx: …"]}

Each file is loaded hidden, exported to OUTDIR/<stem>.pdf with the filter and its FilterData —
exactly what `soffice --convert-to FILTER` writes for it — and closed. A file that cannot be
loaded or exported is skipped (named in "errors"): the caller counts and checks the PDFs, as it
does after a `soffice --convert-to` run. If soffice dies or the UNO bridge breaks, this script
exits: the service kills the lane's process group (this script, soffice and its children) and
starts a new lane with a fresh profile. The service owns every timeout; nothing here waits on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

CONNECT_WAIT = 90.0  # seconds for a fresh profile's first start (measured 1.3–1.8 s warm, ~5 s first)


def _say(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _filter(options: str) -> tuple[str, dict[str, object]]:
    """("writer_pdf_Export", {name: value}) from soffice's `pdf:writer_pdf_Export:{json}` syntax."""
    parts = options.split(":", 2)
    name = parts[1] if len(parts) > 1 else "writer_pdf_Export"
    data: dict[str, object] = {}
    if len(parts) > 2 and parts[2].strip():
        for key, spec in json.loads(parts[2]).items():
            kind, value = spec.get("type"), spec.get("value")
            if kind == "boolean":
                value = str(value).lower() == "true"
            elif kind in ("long", "short", "int"):
                value = int(value)
            elif kind in ("double", "float"):
                value = float(value)
            data[key] = value
    return name, data


def main(argv: list[str]) -> int:
    soffice, profile_url, pipe = argv[:3]
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name: str, value: object) -> Any:  # a com.sun.star.beans.PropertyValue
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    cmd = [soffice, f"-env:UserInstallation={profile_url}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck", "--nofirststartwizard",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    office = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    end = time.monotonic() + CONNECT_WAIT
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
            if office.poll() is not None or time.monotonic() > end:
                _say({"ready": False, "why": "soffice did not start"})
                return 2
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    _say({"ready": True, "soffice": office.pid})
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        name, data = _filter(request.get("filter") or "pdf:writer_pdf_Export")
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(prop(k, v) for k, v in data.items()))
        store = (prop("FilterName", name), prop("FilterData", filter_data), prop("Overwrite", True))
        outdir = request["outdir"]
        done, errors = 0, []
        for path in request["files"]:
            doc = None
            try:
                url = uno.systemPathToFileUrl(os.path.abspath(path))
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("ReadOnly", True)))
                if doc is None:
                    raise RuntimeError("not loaded")
                stem = os.path.splitext(os.path.basename(path))[0]
                target = uno.systemPathToFileUrl(os.path.join(os.path.abspath(outdir), stem + ".pdf"))
                doc.storeToURL(target, store)
                done += 1
            except Exception as exc:  # noqa: BLE001 - this file only; a dead soffice fails the next call too
                errors.append(f"{os.path.basename(path)}: {type(exc).__name__}: {exc}"[:300])
                if office.poll() is not None:
                    _say({"done": done, "errors": errors, "dead": True})
                    return 3
            finally:
                if doc is not None:
                    try:
                        doc.close(True)
                    except Exception:  # noqa: BLE001 - closed or disposed already
                        try:
                            doc.dispose()
                        except Exception:  # noqa: BLE001
                            pass
        _say({"done": done, "errors": errors})
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - soffice may be gone already
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
