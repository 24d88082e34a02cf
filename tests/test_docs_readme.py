"""The README against the program: every command of the CLI (read from click's group, so commands
added later are checked too) has a row in the README's command table and every row is a command;
each option a row names exists on that command; the exit-code table is exactly the codes the
program uses; every repository path the README names exists in a clone."""

from __future__ import annotations

import re
from pathlib import Path

import click

from pipeline.cli import cli
from pipeline.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    nxt = re.search(r"^#{2,3} ", README[start + len(title):], re.M)
    return README[start:start + len(title) + (nxt.start() if nxt else len(README))]


def _table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|\s*-", line):
            cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))  # a `\|` inside a cell is not a border
            rows.append([c.strip().replace("\\|", "|") for c in cells])
    return rows[1:]  # without the header row


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out = {}
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            out.update(_commands(cmd, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = cmd
    return out


def _readme_commands() -> dict[str, list[str]]:
    """Command name -> the README rows (first cells) that document it."""
    rows: dict[str, list[str]] = {}
    names = sorted(_commands(cli), key=len, reverse=True)
    for cells in _table_rows(_section("## Commands")):
        m = re.match(r"`hoso ([^`]*)`", cells[0])
        assert m, f"a row of the command table is not a hoso command: {cells[0]}"
        usage = m.group(1)
        name = next((n for n in names if usage == n or usage.startswith(n + " ")), None)
        assert name is not None, f"the README documents «hoso {usage}», which the CLI does not have"
        rows.setdefault(name, []).append(usage)
    return rows


def test_every_command_has_a_row_and_every_row_is_a_command():
    documented = _readme_commands()
    missing = sorted(set(_commands(cli)) - set(documented))
    assert not missing, f"commands without a row in the README's command table: {missing}"


def test_options_named_in_the_readme_exist():
    commands = _commands(cli)
    for name, usages in _readme_commands().items():
        opts = {o for p in commands[name].params for o in (*p.opts, *p.secondary_opts)}
        for usage in usages:
            for option in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage):
                assert option in opts, f"README: «hoso {usage}» names {option}, which «hoso {name}» does not have"
    build = {o for p in commands["build"].params if isinstance(p, click.Option) for o in p.opts}
    paragraph = README[README.index("Options of `build` and `demo`"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    named = set(re.findall(r"`(--[a-z][\w-]*)", paragraph))
    assert named <= build, named - build
    assert build - {"--help", "-h", "-o", "--output", "-j"} <= named, build - named


def test_exit_codes_table_matches_the_program():
    rows = _table_rows(_section("### Exit codes"))
    codes = [int(r[0]) for r in rows]
    assert codes == sorted(int(c) for c in ExitCode)  # every code once, in order, including click's 1 and 2


def test_the_cli_help_lists_every_exit_code_with_its_meaning():
    from click.testing import CliRunner

    from pipeline.errors import EXIT_CODE_HELP

    assert set(EXIT_CODE_HELP) == set(ExitCode)
    listed = CliRunner().invoke(cli, ["--help"]).output
    listed = " ".join(listed[listed.index("Mã thoát"):].split())
    for code in ExitCode:
        assert f"{int(code)} {' '.join(EXIT_CODE_HELP[code].split())}" in listed, code


def test_paths_the_readme_names_exist_in_a_clone():
    assert "../shared" not in README and "/work/" not in README
    paths = set(re.findall(r"`((?:docs|tools|templates|data|bench|pipeline|tests)/[^`\s]*)`", README))
    paths |= set(re.findall(r"\]\(((?:docs|tools|templates|data|bench|pipeline|tests)/[^)]+)\)", README))
    assert paths
    made_by_a_run = {"bench/results"}  # the benchmark writes its results there
    for rel in paths:
        rel = rel.split("::")[0].rstrip(".,")
        if "<" in rel or "*" in rel:
            rel = rel[:min(i for i in (rel.find("<"), rel.find("*")) if i >= 0)].rsplit("/", 1)[0]
        assert rel in made_by_a_run or (ROOT / rel).exists(), f"README names {rel}, which a clone does not have"
    for script in re.findall(r"`\./([\w.]+\.sh)", README):
        assert (ROOT / script).exists(), script


def test_workbook_contract_tables_match_the_schema():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "workbook_doc.py"), "--check"], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert "docs/workbook.md" in README


def test_every_type_ignore_names_its_code_and_says_why():
    """The README: «a `# type: ignore[code]` always names its code and says why» — in the code mypy
    checks (pipeline/), the reason follows on the same line as a comment of its own."""
    marker = re.compile(r"#\s*type:\s*ignore\b(?P<code>\[[^\]]*\])?(?P<rest>.*)$")
    bad = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = marker.search(line)
            if m and not (m["code"] and re.match(r"\s+#\s*\S", m["rest"])):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)
