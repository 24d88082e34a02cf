"""Measure the shape of `pipeline/`: imports that run back up the stages, and long functions.

    python tools/import_graph.py            # the counts and every offending arrow and function
    python tools/import_graph.py --json     # the same as JSON

**Back-arrows.** Every module of `pipeline/` is placed in a *room*: its folder (`ingest`,
`rating`, `forms`, `pdf`, `bundle`, `submission`, `scan`, `web`) or, for a module at the top of
`pipeline/`, the layer it serves (`LAYERS`). The rooms are ranked in the order the build runs
(`ORDER`): shared infrastructure first, then load → rate → plan → render → convert → assemble →
submit, then what drives a build (`run`, `api`, `uptodate`, the `templates` commands), then the
signed scans and the web server, then the command line. An import from a room to a room ranked
*later* runs back up (a stage that reaches into a stage that runs after it). Every import counts —
at the top of a module or inside a function — except those under `if TYPE_CHECKING:`. The count
is of distinct (room → room) pairs; every module-level arrow is listed.

**Long functions.** Every function or method of `pipeline/` longer than `MAX_LINES` lines
(its whole body, nested functions included) or taking more than `MAX_PARAMS` parameters
(`self`/`cls` not counted, `*args`/`**kwargs` counted).

Standard library only; reads the sources, imports nothing.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
MAX_LINES = 60
MAX_PARAMS = 4

# modules at the top of pipeline/ -> the layer they belong to
LAYERS = {
    "base": ("__init__", "errors", "resources", "options", "progress", "forking", "portable", "tempdirs", "collation",
             "output", "ownership", "cachecare", "manifest", "document", "clock", "openmarks", "printed", "quotes"),
    "plan": ("plan",),
    "pdf": ("parallel",),  # the work map: beside the converter whose cluster it may use (pdf/cum.py)
    "build": ("uptodate", "output_guard", "run", "api", "lint"),
    "cli": ("cli", "cli_vi", "cli_province", "__main__"),
}
# rooms in the order the build runs: an import from a room to a later one runs back up
ORDER = ("base", "ingest", "rating", "plan", "forms", "pdf", "bundle", "submission", "build", "scan", "web", "cli")


def room(module: str) -> str:
    """`pipeline.forms.fill` -> "forms"; `pipeline.run` -> "build" (see LAYERS)."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    if (PACKAGE / head).is_dir():
        return head
    for layer, names in LAYERS.items():
        if head in names:
            return layer
    raise SystemExit(f"tools/import_graph.py: pipeline/{head}.py has no layer: add it to LAYERS")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.Module, module: str, known: dict[str, Path]) -> set[str]:
    """The pipeline modules `module` imports (a name imported from a package counts as its submodule
    when there is one)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative
                pkg = module.split(".")[: -node.level] if not known[module].name == "__init__.py" else module.split(".")
                base = ".".join(pkg + ([base] if base else []))
            if base.startswith("pipeline"):
                for a in node.names:
                    sub = f"{base}.{a.name}"
                    found.add(sub if sub in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in known or m == "pipeline"}


@dataclass(frozen=True)
class Long:
    where: str
    lines: int
    params: int


def _long_functions(tree: ast.Module, rel: str) -> list[Long]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
            params = len(names) - (1 if names and names[0] in ("self", "cls") else 0)
            params += bool(a.vararg) + bool(a.kwarg)
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            if lines > MAX_LINES or params > MAX_PARAMS:
                out.append(Long(f"{rel}:{node.lineno} {node.name}", lines, params))
    return out


def measure() -> dict:
    known = _modules()
    arrows: list[tuple[str, str]] = []
    long: list[Long] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        long += _long_functions(tree, path.relative_to(ROOT).as_posix())
        for target in _imports(tree, module, known):
            a, b = room(module), room(target)
            if ORDER.index(b) > ORDER.index(a):
                arrows.append((module, target))
    pairs = sorted({(room(a), room(b)) for a, b in arrows}, key=lambda p: (ORDER.index(p[0]), ORDER.index(p[1])))
    return {
        "order": list(ORDER),
        "back_arrows": len(pairs),
        "back_arrow_pairs": [f"{a} -> {b}" for a, b in pairs],
        "module_arrows": sorted(f"{a} -> {b}" for a, b in arrows),
        "long_functions": len(long),
        "over_lines": [f"{f.where} ({f.lines} lines)" for f in long if f.lines > MAX_LINES],
        "over_params": [f"{f.where} ({f.params} parameters)" for f in long if f.params > MAX_PARAMS],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    m = measure()
    if args.json:
        print(json.dumps(m, indent=2))
        return 0
    print("rooms, in order: " + " < ".join(m["order"]))
    print(f"back-arrows (room -> later room): {m['back_arrows']}")
    for pair in m["back_arrow_pairs"]:
        print(f"  {pair}")
    print("  module by module:")
    for arrow in m["module_arrows"]:
        print(f"    {arrow}")
    print(f"functions over {MAX_LINES} lines: {len(m['over_lines'])}")
    for f in m["over_lines"]:
        print(f"  {f}")
    print(f"functions over {MAX_PARAMS} parameters: {len(m['over_params'])}")
    for f in m["over_params"]:
        print(f"  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
