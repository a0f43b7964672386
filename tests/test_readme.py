"""The README stays true: its rules table, its Quick start and the options it documents."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from iblint.cli import cli
from iblint.specs import rule_index

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _rules_table_script() -> ModuleType:
    path = REPO / "scripts" / "rules_table.py"
    spec = importlib.util.spec_from_file_location("rules_table", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("rules_table", module)
    spec.loader.exec_module(module)
    return module


def _quick_start_block() -> list[str]:
    """The lines of the first fenced code block after the ``## Quick start`` heading."""
    section = TEXT.split("\n## Quick start\n", 1)
    assert len(section) == 2, "README has no '## Quick start' section"
    match = re.search(r"^```[^\n]*\n(.*?)^```", section[1], re.MULTILINE | re.DOTALL)
    assert match, "the Quick start section has no fenced code block"
    return match.group(1).splitlines()


def _commands(lines: list[str]) -> list[str]:
    """Shell commands in ``lines``: comments and blank lines dropped, continuations joined."""
    commands: list[str] = []
    pending = ""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        commands.append(pending + stripped)
        pending = ""
    return commands


def test_rules_table_matches_the_specs() -> None:
    script = _rules_table_script()
    assert script.current_table(TEXT) == script.render_table(), (
        "the README rules table is stale: run python scripts/rules_table.py --write"
    )


def test_rules_table_check_mode_agrees(tmp_path: Path) -> None:
    script = _rules_table_script()
    assert script.main(["--check", "--readme", str(README)]) == 0
    stale = tmp_path / "README.md"
    stale.write_text(script.replace_table(TEXT, "| ID |\n"), encoding="utf-8")
    assert script.main(["--check", "--readme", str(stale)]) == 1
    assert script.main(["--write", "--readme", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == TEXT


def test_quick_start_holds_exactly_two_commands() -> None:
    commands = _commands(_quick_start_block())
    assert len(commands) == 2, commands
    run_examples, run_tests = commands
    assert "iblint check examples/" in run_examples
    assert "pip install" in run_examples
    assert "[test]" in run_tests and "-m pytest" in run_tests


def test_ci_runs_the_readme_test_command() -> None:
    run_tests = _commands(_quick_start_block())[1]
    test_part = run_tests.rsplit("&&", 1)[-1].strip()  # .venv/bin/python -m pytest
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run puts its fresh virtualenv first on PATH, so `python` is the README's .venv/bin/python.
    assert re.search(r"^(?:step )?python -m pytest\s*$", ci, re.MULTILINE), ci
    assert test_part.endswith("python -m pytest")


def _help_options(*command: str) -> set[str]:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.output))


#: Words that start a command line of some other tool: options after them are not iblint's.
_OTHER_TOOLS = re.compile(
    r"^(?:pip|pre-commit|pytest|ruff|mypy|git|aws|bash|venv|rules_table\.py|bench\.py|"
    r"check-sarif|build)$"
)


#: Options of the AWS CLI the README's prose mentions (the documents iblint reads).
_AWS_CLI_OPTIONS = {"--cli-input-json", "--cli-input-yaml"}


def _iblint_options_in_readme() -> set[str]:
    """Every ``--option`` the README attributes to iblint.

    On a command line, an option belongs to the last command word before it (a line ending
    in a backslash continues the command); on lines that name no command (the options table,
    prose) it belongs to iblint.
    """
    found: set[str] = set()
    owner = "iblint"
    for line in TEXT.splitlines():
        for token in re.findall(r"[A-Za-z0-9_./-]+", line):
            word = token.rsplit("/", 1)[-1]
            if re.fullmatch(r"--[a-z][a-z0-9-]*", token):
                if owner == "iblint" and token not in _AWS_CLI_OPTIONS:
                    found.add(token)
            elif word == "iblint":
                owner = "iblint"
            elif _OTHER_TOOLS.match(word) or word.endswith(".py"):  # a script of ours
                owner = word
        if not line.rstrip().endswith("\\"):
            owner = "iblint"
    return found


def test_every_documented_option_exists() -> None:
    known = (
        _help_options() | _help_options("check") | _help_options("rules") | _help_options("explain")
    )
    documented = _iblint_options_in_readme()
    assert {"--format", "--select", "--ignore", "--catalog", "--option"} <= documented
    assert documented <= known, f"README mentions options iblint lacks: {documented - known}"


def test_every_check_option_is_documented() -> None:
    documented = _iblint_options_in_readme()
    missing = _help_options("check") - documented - {"--help"}
    assert not missing, f"iblint check options the README does not mention: {missing}"


def test_documented_rule_options_exist() -> None:
    index = rule_index()
    mentioned = set(re.findall(r"\b(IB[0-9]{3})\.([a-z_]+)=", TEXT))
    mentioned |= {
        (rule_id, line.split("=")[0].strip())
        for rule_id, body in re.findall(
            r"\[tool\.iblint\.options\.(IB[0-9]{3})\]\n((?:[^\[\n].*\n)+)", TEXT
        )
        for line in body.splitlines()
        if "=" in line
    }
    assert mentioned
    for rule_id, name in mentioned:
        assert rule_id in index, rule_id
        assert name in index[rule_id].options, f"{rule_id} has no option {name!r}"


@pytest.mark.parametrize(
    "line",
    [line for line in _commands(_quick_start_block())],
)
def test_quick_start_commands_parse_as_shell(line: str) -> None:
    for part in line.split("&&"):
        assert shlex.split(part)
