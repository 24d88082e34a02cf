"""Wall time of each stage of one `hoso build`, without a profiler's overhead.

    python -m bench.stages WORKBOOK OUTDIR CACHE_DIR      # prints JSON: {"stages": {...}, "total": s}

Every function that `pipeline/run.py` imports from the pipeline's own modules (load, rate, plan,
fill, convert, bundle, submission, manifest, …) or calls as `module.function(…)` on one of them
(`ingest.load`, `ratings_xlsx.write`, …) is wrapped with a timer, then the build runs as
`hoso build` would. Nothing is hard-coded, so the stages follow the code as it changes. Times
are cumulative: a stage called from inside another one (e.g. conversion of the submission
documents) is counted in both.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    workbook, outdir, cache = map(Path, argv[:3])
    from pipeline import api, run

    seconds: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)

    def timed(name, fn):
        @functools.wraps(fn)
        def wrapper(*a, **kw):
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                seconds[name] += time.perf_counter() - started
                calls[name] += 1
        return wrapper

    for name, obj in list(vars(run).items()):
        if inspect.isfunction(obj) and name != "build" and (obj.__module__ or "").startswith("pipeline."):
            setattr(run, name, timed(f"{obj.__module__.removeprefix('pipeline.')}.{name}", obj))
    source = inspect.getsource(run)
    for mod_name, attr in set(re.findall(r"\b([a-z_]\w*)\.([a-z_]\w*)\(", source)):
        mod = getattr(run, mod_name, None)
        if inspect.ismodule(mod) and mod.__name__.startswith("pipeline.") and inspect.isfunction(getattr(mod, attr, None)):
            setattr(mod, attr, timed(f"{mod.__name__.removeprefix('pipeline.')}.{attr}", getattr(mod, attr)))
    started = time.perf_counter()
    api.build(workbook, outdir, api.BuildOptions(cache_dir=cache))
    total = time.perf_counter() - started
    stages = {k: round(v, 2) for k, v in sorted(seconds.items(), key=lambda kv: -kv[1])}
    print(json.dumps({"total": round(total, 2), "stages": stages, "calls": dict(calls)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
