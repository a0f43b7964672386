"""The command line, in process (click's CliRunner isolation around ``main``) and as a real
subprocess: exit codes 0/1/2, output formats, configuration, suppressions, file discovery."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from iblint import __version__
from iblint.cli import main
from iblint.registry import RULES, load_checks
from iblint.specs import rule_index
from tests.documents import (
    API_INFRA_BAD,
    API_INFRA_GOOD,
    API_RECIPE_BAD,
    API_RECIPE_GOOD,
    CFN_TEMPLATE_BAD,
    CFN_TEMPLATE_GOOD,
    GITHUB_WORKFLOW,
)

ESCAPE = "\x1b["
FINDING_LINE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>IB\d{3}) \S.*$")
SUMMARY = re.compile(
    r"^Found (?P<total>\d+) findings? \((?:\d+ (?:errors?|warnings?|notes?)(?:, )?)+\) in "
    r"(?P<files>\d+) files? \((?P<checked>\d+) files? checked\)\.$"
)


class Result(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
    """``iblint ARGS`` in process, with click's stream isolation."""
    runner = CliRunner()
    environment: dict[str, str | None] = {"NO_COLOR": None, "FORCE_COLOR": None}
    environment.update(env or {})
    with runner.isolation(env=environment) as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return Result(code, stdout.getvalue().decode(), stderr.getvalue().decode())


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def rules_of(output: str) -> list[str]:
    return [match["rule"] for line in output.splitlines() if (match := FINDING_LINE.match(line))]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with findings of IB101, IB201, IB202 and IB301."""
    (tmp_path / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "recipe.json").write_text(API_RECIPE_BAD)
    (tmp_path / "api" / "infra.json").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "template.yaml").write_text(CFN_TEMPLATE_GOOD)
    (tmp_path / "recipe.json").write_text(API_RECIPE_GOOD)
    (tmp_path / "infra.json").write_text(API_INFRA_GOOD)
    (tmp_path / "ci.yml").write_text(GITHUB_WORKFLOW)
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- exit codes ---------------------------------------------------------------------------------


def test_clean_files_exit_0(clean: Path) -> None:
    result = run("check", ".")
    assert result.exit_code == 0, result
    assert result.stdout == "No findings (4 files checked).\n"
    assert result.stderr == ""


def test_no_paths_means_the_current_directory(clean: Path) -> None:
    assert run("check").stdout == "No findings (4 files checked).\n"


def test_findings_exit_1(project: Path) -> None:
    result = run("check", ".")
    assert result.exit_code == 1, result
    assert sorted(set(rules_of(result.stdout))) == ["IB101", "IB201", "IB202", "IB301"]


def test_exit_zero_flag(project: Path) -> None:
    result = run("check", "--exit-zero", ".")
    assert result.exit_code == 0
    assert rules_of(result.stdout)


def test_missing_path_exits_2_naming_it(project: Path) -> None:
    result = run("check", "template.yaml", "no/such/file.yaml")
    assert result.exit_code == 2
    assert "no/such/file.yaml" in result.stderr
    assert "no such file" in result.stderr.lower()
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--select", "XX1"], ["XX1"]),
        (["--select", "IB1,B2"], ["B2"]),
        (["--ignore", "IB"], ["'IB'"]),
        (["--ignore", "IB1234"], ["IB1234"]),
        (["--select", "IB199"], ["unknown rule", "IB199"]),
        (["--ignore", "IB999"], ["unknown rule", "IB999"]),
        (["--select", "IB9"], ["IB9"]),
        (["--select", "IB101,IB55"], ["IB55"]),
        (["--option", "IB202.minimum=500", "--option", "IB202.maximum=100"], ["minimum"]),
        (["--format", "xml"], ["xml", "--format"]),
        (["--option", "IB202.maximum"], ["RULE.NAME=VALUE"]),
        (["--option", "IB202=3"], ["RULE.NAME=VALUE"]),
        (["--option", "IB999.maximum=3"], ["IB999"]),
        (["--option", "IB202.maximum=abc"], ["IB202", "maximum", "abc"]),
        (["--option", "IB202.nosuch=1"], ["IB202", "nosuch"]),
        (["--option", "IB101.anything=1"], ["IB101", "anything"]),
        (["--severity", "IB999=note"], ["IB999"]),
        (["--severity", "IB101=fatal"], ["fatal"]),
        (["--severity", "IB101"], ["RULE=LEVEL"]),
        (["--config", "missing.toml"], ["missing.toml"]),
        (["--no-such-flag"], ["--no-such-flag"]),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    project: Path, args: list[str], words: list[str]
) -> None:
    result = run("check", *args, ".")
    assert result.exit_code == 2, result
    assert result.stdout == ""
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr


def test_output_file_that_cannot_be_written_exits_2(project: Path) -> None:
    result = run("check", "--output", "no/such/dir/report.txt", ".")
    assert result.exit_code == 2
    assert "no/such/dir/report.txt" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("iblint.toml", "select = [", ["iblint.toml", "TOML"]),
        ("iblint.toml", "colour = true\n", ["colour"]),
        ("iblint.toml", 'select = ["ZZ9"]\n', ["ZZ9"]),
        ("iblint.toml", 'severity = {IB101 = "loud"}\n', ["loud"]),
        ("iblint.toml", "options = {IB202 = 5}\n", ["options"]),
        ("iblint.toml", '[options.IB202]\nmaximum = "lots"\n', ["IB202", "maximum"]),
        ("pyproject.toml", "[tool.iblint]\nselect = 3\n", ["pyproject.toml", "select"]),
        ("pyproject.toml", "[tool.iblint.severity]\nIB999 = 'note'\n", ["IB999"]),
        ("iblint.toml", 'select = ["IB199"]\n', ["iblint.toml", "unknown rule", "IB199"]),
        ("iblint.toml", 'ignore = ["IB7"]\n', ["iblint.toml", "IB7"]),
        ("iblint.toml", "[options.IB202]\nminimum = 1500\n", ["minimum", "maximum"]),
    ],
)
def test_bad_configuration_files_exit_2(
    project: Path, name: str, content: str, words: list[str]
) -> None:
    (project / name).write_text(content)
    result = run("check", ".")
    assert result.exit_code == 2, result
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr


def test_catalog_that_is_not_a_catalog_exits_2(project: Path) -> None:
    result = run("check", "--catalog", "template.yaml", ".")
    assert result.exit_code == 2
    assert "template.yaml" in result.stderr
    assert "catalog" in result.stderr


def test_catalog_that_does_not_exist_exits_2(project: Path) -> None:
    result = run("check", "--catalog", "missing-catalog.json", ".")
    assert result.exit_code == 2
    assert "missing-catalog.json" in result.stderr


@pytest.mark.parametrize(
    ("content", "cause"),
    [("{not json", "invalid JSON at 1:2: "), (None, "cannot read the file: No such file")],
)
def test_catalog_error_says_the_real_cause_first(
    project: Path, content: str | None, cause: str
) -> None:
    if content is not None:
        (project / "catalog.json").write_text(content)
    result = run("check", "--catalog", "catalog.json", ".")
    assert result.exit_code == 2
    assert f"catalog.json: {cause}" in result.stderr, result.stderr
    assert result.stderr.index(cause) < result.stderr.index("holds no component catalog")


def test_catalog_that_is_a_catalog_is_used(project: Path) -> None:
    catalog = {
        "componentVersionList": [
            {
                "arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2",
                "state": {"status": "DEPRECATED", "reason": "superseded"},
            }
        ]
    }
    (project / "catalog.json").write_text(json.dumps(catalog))
    result = run("check", "--catalog", "catalog.json", "--select", "IB4", "api")
    assert result.exit_code == 1, result
    assert rules_of(result.stdout) == ["IB401"]


def test_internal_error_prints_one_line_and_exits_2(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_checks()

    def explode(*_: object) -> list[object]:
        raise RuntimeError("boom in a check")

    monkeypatch.setitem(RULES, "IB101", RULES["IB101"]._replace(check=explode))
    result = run("check", ".")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["iblint: internal error: RuntimeError: boom in a check"]
    assert "Traceback" not in result.stderr


# --- selection ----------------------------------------------------------------------------------


def test_select_a_family_prefix(project: Path) -> None:
    assert sorted(set(rules_of(run("check", "--select", "IB2", ".").stdout))) == [
        "IB201",
        "IB202",
    ]


def test_select_comma_separated_and_repeated(project: Path) -> None:
    one = run("check", "--select", "IB101,IB301", ".")
    two = run("check", "--select", "IB101", "--select", "ib301", ".")
    assert sorted(set(rules_of(one.stdout))) == ["IB101", "IB301"]
    assert one.stdout == two.stdout


def test_ignore_a_prefix_and_an_id(project: Path) -> None:
    result = run("check", "--ignore", "IB2", "--ignore", "IB301", ".")
    assert sorted(set(rules_of(result.stdout))) == ["IB101"]


def test_select_and_ignore_together(project: Path) -> None:
    result = run("check", "--select", "IB2", "--ignore", "IB201", ".")
    assert sorted(set(rules_of(result.stdout))) == ["IB202"]


def test_ignoring_everything_found_exits_0(project: Path) -> None:
    result = run("check", "--ignore", "IB1,IB2,IB3", ".")
    assert result.exit_code == 0
    assert result.stdout.startswith("No findings")


def test_input_problems_can_be_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.json").write_text('{"parentImage": "ami-12345678",')
    monkeypatch.chdir(tmp_path)
    assert rules_of(run("check", ".").stdout) == ["IB001"]
    assert run("check", "--ignore", "IB0", ".").exit_code == 0


# --- options and severities -----------------------------------------------------------------------


def test_option_on_the_command_line(project: Path) -> None:
    assert "IB202" in rules_of(run("check", "api").stdout)
    result = run("check", "--option", "IB202.maximum=2000", "api")
    assert "IB202" not in rules_of(result.stdout)


def test_severity_override_on_the_command_line(project: Path) -> None:
    result = run("check", "--severity", "IB101=note", "--format", "json", "api/infra.json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["severity"] == "note"
    assert result.exit_code == 1  # a note is still a finding


# --- output formats ------------------------------------------------------------------------


def test_text_format(project: Path) -> None:
    result = run("check", ".")
    lines = result.stdout.splitlines()
    findings = [line for line in lines if FINDING_LINE.match(line)]
    fixes = [line for line in lines if line.startswith("    fix: ")]
    assert len(findings) == len(fixes) >= 5
    assert lines[-1] == SUMMARY.match(lines[-1]).group(0)  # type: ignore[union-attr]
    summary = SUMMARY.match(lines[-1])
    assert summary is not None
    assert int(summary["total"]) == len(findings)
    assert int(summary["files"]) == 3
    assert int(summary["checked"]) == 3
    assert "api/infra.json:4:45: IB101 " in result.stdout
    assert "template.yaml:9:21: IB101 " in result.stdout
    assert "template.yaml:21:25: IB201 " in result.stdout
    # Sorted by path, then position.
    keys = [
        (m["path"], int(m["line"]), int(m["col"]))
        for line in findings
        if (m := FINDING_LINE.match(line))
    ]
    assert keys == sorted(keys)


def test_paths_are_relative_to_the_working_directory(project: Path) -> None:
    result = run("check", str(project / "api"))
    assert "api/infra.json:4:45: IB101" in result.stdout
    outside = run("check", str(project / "api"), env={})
    assert str(project) not in outside.stdout


def test_json_format(project: Path) -> None:
    result = run("check", "--format", "json", ".")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["tool"] == {"name": "iblint", "version": __version__}
    assert document["files_checked"] == 3
    findings = document["findings"]
    assert {f["rule_id"] for f in findings} == {"IB101", "IB201", "IB202", "IB301"}
    first = next(f for f in findings if f["path"] == "api/infra.json")
    assert set(first) == {
        "rule_id",
        "rule_name",
        "severity",
        "path",
        "start_line",
        "start_column",
        "end_line",
        "end_column",
        "message",
        "fix",
        "logical_path",
        "fixable",
        "docs_url",
    }
    assert (first["rule_id"], first["start_line"], first["start_column"]) == ("IB101", 4, 45)
    assert first["rule_name"] == rule_index()["IB101"].name
    assert first["severity"] in ("error", "warning", "note")


def test_json_format_without_findings(clean: Path) -> None:
    result = run("check", "--format", "json", ".")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "tool": {"name": "iblint", "version": __version__},
        "files_checked": 4,
        "findings": [],
        "suppressed": [],
    }


def test_github_format(project: Path) -> None:
    result = run("check", "--format", "github", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    pattern = re.compile(
        r"^::(error|warning|notice) file=(?P<file>[^,]+),line=(?P<line>\d+),col=(?P<col>\d+),"
        r"endLine=\d+,endColumn=\d+,title=(?P<rule>IB\d{3}) [a-z0-9-]+::\S.*$"
    )
    matches = [pattern.match(line) for line in lines]
    assert all(matches), lines
    assert ("api/infra.json", "4", "45", "IB101") in {
        (m["file"], m["line"], m["col"], m["rule"]) for m in matches if m
    }


def test_github_format_escapes_newlines_and_commas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a,b%.json").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    (line,) = run("check", "--format", "github", ".").stdout.splitlines()
    assert line.startswith("::error file=a%2Cb%25.json,line=4,")


def test_output_file_gets_the_report(project: Path) -> None:
    result = run("check", "--format", "json", "--output", "report.json", ".")
    assert result.exit_code == 1
    assert result.stdout == ""
    document = json.loads((project / "report.json").read_text())
    assert len(document["findings"]) >= 5


def test_output_file_text_has_no_colour_even_when_forced(project: Path) -> None:
    run("check", "--color", "--output", "report.txt", ".")
    text = (project / "report.txt").read_text()
    assert ESCAPE not in text
    assert text.splitlines()[-1].startswith("Found ")


# --- colour ---------------------------------------------------------------------------------------


def test_no_colour_when_not_a_terminal(project: Path) -> None:
    assert ESCAPE not in run("check", ".").stdout


def test_color_flag_forces_colour(project: Path) -> None:
    result = run("check", "--color", ".")
    assert ESCAPE in result.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", result.stdout) == run("check", ".").stdout


def test_no_color_flag_and_no_color_variable(project: Path) -> None:
    assert ESCAPE not in run("check", "--no-color", ".").stdout
    assert ESCAPE not in run("check", ".", env={"NO_COLOR": "1"}).stdout


def test_colour_is_for_text_only(project: Path) -> None:
    result = run("check", "--color", "--format", "json", ".")
    assert ESCAPE not in result.stdout
    json.loads(result.stdout)


def _run_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    import pty

    leader, follower = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment["TERM"] = "xterm-256color"  # whatever terminal runs the tests
    environment.update(env)
    process = subprocess.Popen(
        [sys.executable, "-m", "iblint", *args],
        cwd=cwd,
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_gets_colour_unless_no_color(project: Path) -> None:
    assert ESCAPE in _run_on_a_terminal(["check", "api/infra.json"], project, {})
    assert ESCAPE not in _run_on_a_terminal(["check", "api/infra.json"], project, {"NO_COLOR": "1"})
    assert ESCAPE not in _run_on_a_terminal(["check", "--no-color", "api/infra.json"], project, {})


# --- rules, explain, version --------------------------------------------------------------------


def test_rules_lists_every_rule() -> None:
    result = run("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == sorted(rule_index())
    for entry in rule_index().values():
        assert any(
            line.split()[:3] == [entry.rule_id, entry.name, entry.severity.value]
            for line in result.stdout.splitlines()
        ), entry.rule_id


@pytest.mark.parametrize("name", ["IB101", "ib101", "imdsv1-allowed"])
def test_explain_prints_the_docs_with_an_example(name: str) -> None:
    result = run("explain", name)
    assert result.exit_code == 0, result
    assert result.stdout.startswith("IB101 imdsv1-allowed")
    for heading in ("What it does", "Why it matters", "How to fix", "Example that fails"):
        assert heading in result.stdout
    assert "httpTokens" in result.stdout or "HttpTokens" in result.stdout
    assert "Default severity:" in result.stdout


def test_explain_every_rule() -> None:
    for rule_id in rule_index():
        result = run("explain", rule_id)
        assert result.exit_code == 0, (rule_id, result)
        assert "Example that fails" in result.stdout


@pytest.mark.parametrize("name", ["IB999", "no-such-rule"])
def test_explain_unknown_rule_exits_2(name: str) -> None:
    result = run("explain", name)
    assert result.exit_code == 2
    assert name in result.stderr
    assert result.stdout == ""


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"iblint, version {__version__}"


def test_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("check", "rules", "explain"):
        assert command in result.stdout
    assert run("check", "--help").exit_code == 0


def test_no_command_shows_usage_and_exits_2() -> None:
    result = run()
    assert result.exit_code == 2
    assert "Usage" in result.stdout + result.stderr


# --- configuration files ------------------------------------------------------------------------


def test_pyproject_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n"
        "[tool.iblint]\n"
        'select = ["IB1", "IB2"]\n'
        'ignore = ["IB201"]\n'
        "\n[tool.iblint.severity]\n"
        'IB101 = "warning"\n'
        "\n[tool.iblint.options.IB202]\n"
        "maximum = 2000\n"
    )
    result = run("check", "--format", "json", ".")
    findings = json.loads(result.stdout)["findings"]
    assert {(f["rule_id"], f["severity"]) for f in findings} == {("IB101", "warning")}


def test_pyproject_without_an_iblint_table_is_not_a_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "repo" / "sub"
    sub.mkdir(parents=True)
    (sub / "recipe.json").write_text(API_RECIPE_BAD)
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "repo" / "iblint.toml").write_text('select = ["IB3"]\n')
    monkeypatch.chdir(sub)
    assert rules_of(run("check", ".").stdout) == ["IB301"]


def test_iblint_toml_configuration(project: Path) -> None:
    (project / "iblint.toml").write_text('select = ["IB2"]\n\n[options.IB202]\nmaximum = 2000\n')
    assert sorted(set(rules_of(run("check", ".").stdout))) == ["IB201"]


def test_configuration_is_found_in_a_parent_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / ".iblint.toml").write_text('ignore = ["IB101"]\n')
    monkeypatch.chdir(project / "api")
    assert sorted(set(rules_of(run("check", ".").stdout))) == ["IB202", "IB301"]


def test_command_line_overrides_the_configuration_file(project: Path) -> None:
    (project / "iblint.toml").write_text('select = ["IB2"]\n[severity]\nIB201 = "note"\n')
    result = run(
        "check", "--select", "IB101", "--severity", "IB101=warning", "--format", "json", "."
    )
    findings = json.loads(result.stdout)["findings"]
    assert {(f["rule_id"], f["severity"]) for f in findings} == {("IB101", "warning")}


def test_explicit_config_and_no_config(project: Path) -> None:
    (project / "iblint.toml").write_text('select = ["IB2"]\n')
    (project / "other.toml").write_text('select = ["IB3"]\n')
    assert sorted(set(rules_of(run("check", "--config", "other.toml", ".").stdout))) == ["IB301"]
    assert len(set(rules_of(run("check", "--no-config", ".").stdout))) == 4


def test_catalog_from_the_configuration_file_is_relative_to_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = {
        "componentVersionList": [
            {
                "arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2",
                "state": {"status": "DEPRECATED"},
            }
        ]
    }
    (project / "catalog.json").write_text(json.dumps(catalog))
    (project / "iblint.toml").write_text('catalog = "catalog.json"\nselect = ["IB4"]\n')
    monkeypatch.chdir(project / "api")
    assert rules_of(run("check", ".").stdout) == ["IB401"]


# --- inline suppressions ------------------------------------------------------------------------


def _suppressed_template(comment: str) -> str:
    return CFN_TEMPLATE_BAD.replace("HttpTokens: optional", f"HttpTokens: optional  {comment}")


@pytest.mark.parametrize(
    ("comment", "remaining"),
    [
        ("# iblint: ignore IB101 legacy AMI", ["IB201"]),
        ("# iblint: ignore -- legacy AMI", ["IB201"]),
        ("# iblint: ignore IB1 legacy AMI", ["IB201"]),
        # IB201 is on another line: that part suppresses nothing (IB009).
        ("# iblint:ignore=IB101,IB201 legacy AMI", ["IB009", "IB201"]),
        ("# iblint: ignore IB201 legacy AMI", ["IB101", "IB009", "IB201"]),
        # Without a reason a suppression suppresses nothing and is reported (IB008).
        ("# iblint: ignore IB101", ["IB101", "IB008", "IB201"]),
        ("# a comment", ["IB101", "IB201"]),
    ],
)
def test_inline_suppression_on_the_finding_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, comment: str, remaining: list[str]
) -> None:
    (tmp_path / "template.yaml").write_text(_suppressed_template(comment))
    monkeypatch.chdir(tmp_path)
    assert rules_of(run("check", ".").stdout) == remaining


def test_suppression_on_another_line_does_not_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = CFN_TEMPLATE_BAD.replace(
        "      InstanceMetadataOptions:",
        "      InstanceMetadataOptions:  # iblint: ignore IB101 legacy AMI",
    )
    (tmp_path / "template.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    # The comment follows code, so it covers its own line only, where IB101 is not (IB009).
    assert rules_of(run("check", ".").stdout) == ["IB009", "IB101", "IB201"]


def test_suppression_after_a_unicode_line_separator_still_matches_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _suppressed_template("# iblint: ignore IB101 legacy AMI").replace(
        "Name: build-infrastructure", 'Name: "build\u2028infrastructure"'
    )
    (tmp_path / "template.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    # (The name's U+2028 is no valid name: IB507, which this test is not about.)
    assert rules_of(run("check", "--ignore", "IB5", ".").stdout) == ["IB201"]


@pytest.mark.parametrize(
    "text",
    [
        # One-line CDK output: a component's Data string holds a YAML comment.
        '{"Resources": {"Infra": {"Type": "AWS::ImageBuilder::InfrastructureConfiguration",'
        ' "Properties": {"Name": "i", "InstanceProfileName": "p"}}, "C": {"Type":'
        ' "AWS::ImageBuilder::Component", "Properties": {"Data": "# iblint: ignore"}}}}',
        '{"name": "i", "instanceProfileName": "p", "description": "see wiki #iblint: ignore"}',
    ],
    ids=["cdk-one-line", "description"],
)
def test_json_files_have_no_suppressions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    (tmp_path / "stack.json").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert "IB101" in rules_of(run("check", ".").stdout)


@pytest.mark.parametrize(
    "options",
    [
        '{HttpTokens: optional, Note: "see wiki #iblint: ignore"}',
        "{HttpTokens: optional, Note: 'a # iblint: ignore'}",
        '{HttpTokens: optional, Note: "it\'s # iblint: ignore"}',
        "{HttpTokens: optional, Note: 'it''s # iblint: ignore'}",
        "{HttpTokens: optional#iblint:ignore}",
    ],
)
def test_yaml_suppressions_must_be_real_comments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: str
) -> None:
    text = CFN_TEMPLATE_BAD.replace(
        "      InstanceMetadataOptions:\n        HttpTokens: optional\n"
        "        HttpPutResponseHopLimit: 2\n",
        f"      InstanceMetadataOptions: {options}\n",
    )
    assert options in text
    (tmp_path / "template.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    # (Note is no property of InstanceMetadataOptions: IB501, which this test is not about.)
    assert rules_of(run("check", "--ignore", "IB5", ".").stdout) == ["IB101", "IB201"]
    suppressed = text.replace(options, f"{options}  # iblint: ignore -- legacy AMI")
    (tmp_path / "template.yaml").write_text(suppressed)
    assert rules_of(run("check", "--ignore", "IB5", ".").stdout) == ["IB201"]


# --- discovery ----------------------------------------------------------------------------------


def test_directory_walk_skips_vcs_dependency_and_virtualenv_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in (".git", "node_modules", ".venv", "venv", "sub/node_modules", ".terraform"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "env" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "sub" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "notes.txt").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    result = run("check", ".")
    assert [
        line.split(":")[0] for line in result.stdout.splitlines() if FINDING_LINE.match(line)
    ] == ["sub/infra.json"]
    assert "(1 file checked)" in result.stdout


def test_a_file_named_explicitly_is_checked_wherever_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "infra.txt").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    result = run("check", "node_modules/infra.txt")
    assert rules_of(result.stdout) == ["IB101"]


def test_a_file_given_twice_is_checked_once(project: Path) -> None:
    result = run("check", "api/infra.json", "api", "./api/infra.json")
    assert rules_of(result.stdout) == ["IB101", "IB301", "IB202"]
    assert "(2 files checked)" in result.stdout


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_is_a_finding_and_the_rest_is_checked(
    project: Path,
) -> None:
    locked = project / "locked.yaml"
    locked.write_text(CFN_TEMPLATE_BAD)
    locked.chmod(0)
    try:
        result = run("check", ".")
    finally:
        locked.chmod(0o644)
    assert result.exit_code == 1
    assert "locked.yaml:1:1: IB006 " in result.stdout
    assert "api/infra.json:4:45: IB101 " in result.stdout


def test_file_that_cannot_be_read_is_a_finding_even_as_root(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = project / "locked.yaml"
    locked.write_text(CFN_TEMPLATE_BAD)
    real_open = os.open

    def refuse(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).endswith("locked.yaml"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("iblint.reading.os.open", refuse)
    result = run("check", ".")
    assert result.exit_code == 1
    assert "locked.yaml:1:1: IB006 cannot read the file: Permission denied" in result.stdout
    assert "api/infra.json:4:45: IB101 " in result.stdout


def test_a_broken_file_does_not_stop_the_rest_of_the_directory(
    project: Path,
) -> None:
    (project / "broken.json").write_text('{"instanceProfileName": "p",\n  "name": }\n')
    (project / "aaa.yaml").write_bytes(b"\x00\x01binary")
    (project / "bomb.yaml").write_text(
        "parentImage: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 0 else f'l{i - 1}'}"] * 10) + "]\n"
            for i in range(8)
        )
    )
    (project / "deep.json").write_text('{"parentImage": ' + "[" * 5000 + "]" * 5000 + "}")
    result = run("check", ".")
    assert result.exit_code == 1
    assert "broken.json:2:11: IB001 " in result.stdout
    assert "bomb.yaml:1:1: IB005 " in result.stdout
    assert "deep.json:1:" in result.stdout and " IB004 " in result.stdout
    assert "api/infra.json:4:45: IB101 " in result.stdout
    assert "template.yaml:21:25: IB201 " in result.stdout
    assert "(7 files checked)" in result.stdout


# --- real subprocesses ------------------------------------------------------------------------


def test_subprocess_exit_codes(project: Path, clean: Path) -> None:
    # `project` and `clean` share tmp_path: the bad files are there too.
    findings = run_subprocess("check", "api", cwd=project)
    assert findings.exit_code == 1, findings
    assert "api/infra.json:4:45: IB101 " in findings.stdout
    assert findings.stdout.splitlines()[-1].startswith("Found 3 findings")
    clean_run = run_subprocess("check", "recipe.json", "infra.json", cwd=clean)
    assert (clean_run.exit_code, clean_run.stdout) == (0, "No findings (2 files checked).\n")
    missing = run_subprocess("check", "nowhere.yaml", cwd=clean)
    assert missing.exit_code == 2
    assert "nowhere.yaml" in missing.stderr
    assert missing.stdout == ""


def test_subprocess_usage_error_and_version(tmp_path: Path) -> None:
    bad = run_subprocess("check", "--select", "nonsense", ".", cwd=tmp_path)
    assert bad.exit_code == 2
    assert "nonsense" in bad.stderr.lower()
    version = run_subprocess("--version", cwd=tmp_path)
    assert (version.exit_code, version.stdout.strip()) == (0, f"iblint, version {__version__}")


def test_subprocess_sarif_to_a_file(project: Path) -> None:
    result = run_subprocess("check", "--format", "sarif", "-o", "out.sarif", ".", cwd=project)
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads((project / "out.sarif").read_text())
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["results"]


def test_subprocess_with_no_color_environment(project: Path) -> None:
    result = run_subprocess("check", "--format", "text", ".", cwd=project, env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert ESCAPE not in result.stdout
    forced = run_subprocess("check", "--color", ".", cwd=project)
    assert ESCAPE in forced.stdout


def test_subprocess_output_closed_early_is_not_a_traceback(project: Path) -> None:
    for index in range(200):
        (project / f"infra{index:03}.json").write_text(API_INFRA_BAD)
    completed = subprocess.run(
        f"{sys.executable} -m iblint check . | head -n 1",
        shell=True,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.stdout.count("\n") == 1
    assert "Traceback" not in completed.stderr


# --- review fixes -------------------------------------------------------------------------------


def test_select_does_not_hide_a_file_that_could_not_be_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.yaml").write_text("parentImage: [ami-12345678\n")
    (tmp_path / "infra.json").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    result = run("check", "--select", "IB2", ".")
    assert result.exit_code == 1, result
    assert rules_of(result.stdout) == ["IB001"]
    assert run("check", "--select", "IB2", "--ignore", "IB001", ".").exit_code == 0
    (tmp_path / "iblint.toml").write_text('select = ["IB2"]\nignore = ["IB0"]\n')
    assert run("check", ".").exit_code == 0


def test_select_help_says_input_rules_stay_on() -> None:
    help_text = " ".join(run("check", "--help").stdout.split())
    assert "IB001" in help_text and "--ignore" in help_text


def _run_into(stdout: int, *args: str, cwd: Path) -> tuple[int, str]:
    """``iblint ARGS`` in a subprocess writing to the file descriptor ``stdout``."""
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    return completed.returncode, completed.stderr


@pytest.mark.parametrize(("fixture", "expected"), [("clean", 0), ("project", 1)])
def test_a_closed_pipe_keeps_the_exit_code_and_stderr_quiet(
    fixture: str, expected: int, request: pytest.FixtureRequest
) -> None:
    directory: Path = request.getfixturevalue(fixture)
    read_end, write_end = os.pipe()
    os.close(read_end)  # `iblint check | true`: the reader is gone before iblint writes
    try:
        code, stderr = _run_into(write_end, "check", ".", cwd=directory)
    finally:
        os.close(write_end)
    assert (code, stderr) == (expected, "")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("to_stdout", [True, False])
def test_a_full_device_is_a_clear_error(clean: Path, to_stdout: bool) -> None:
    with open("/dev/full", "w") as full:
        args = ("check", ".") if to_stdout else ("check", "-o", "/dev/full", ".")
        code, stderr = _run_into(full.fileno(), *args, cwd=clean)
    assert code == 2, stderr
    assert "internal error" not in stderr
    assert "cannot write the report" in stderr
    assert ("standard output" if to_stdout else "/dev/full") in stderr
    assert "No space left on device" in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr


def test_explain_leaves_out_internal_references_and_keeps_urls() -> None:
    result = run("explain", "IB003")
    assert result.exit_code == 0
    assert "../" not in result.stdout
    assert (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html"
        in result.stdout
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--config", "other.toml", "--no-config"], ["--config", "--no-config"]),
        (["--config", "pyproject.toml"], ["pyproject.toml", "[tool.iblint]"]),
        (["--severity", "=warning"], ["rule ID", "missing"]),
        (["--severity", "IB101=LOUD"], ["LOUD"]),
        (["--option", "IB202.minimum=-5"], ["IB202.minimum", "0"]),
        (["--option", "IB003.max_bytes=0"], ["IB003.max_bytes", "1"]),
    ],
)
def test_more_usage_errors(project: Path, args: list[str], words: list[str]) -> None:
    (project / "other.toml").write_text('select = ["IB3"]\n')
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = run("check", *args, ".")
    assert result.exit_code == 2, result
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "internal error" not in result.stderr


def test_severity_and_option_ids_and_levels_are_case_insensitive(project: Path) -> None:
    result = run(
        "check",
        "--severity",
        "ib101=WARNING",
        "--option",
        "ib202.maximum=2000",
        "--format",
        "json",
        ".",
    )
    findings = json.loads(result.stdout)["findings"]
    assert {f["severity"] for f in findings if f["rule_id"] == "IB101"} == {"warning"}
    assert "IB202" not in {f["rule_id"] for f in findings}


@pytest.mark.parametrize(
    "content",
    ["[severity]\nIB999 = 'note'\n", "[options.IB202]\nminimum = -1\n"],
)
def test_configuration_file_errors_name_the_file(project: Path, content: str) -> None:
    (project / "iblint.toml").write_text(content)
    result = run("check", ".")
    assert result.exit_code == 2
    assert "iblint.toml" in result.stderr


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_dumb_terminal_gets_no_colour(project: Path) -> None:
    assert ESCAPE not in _run_on_a_terminal(["check", "."], project, {"TERM": "dumb"})
    forced = run("check", "--color", ".", env={"TERM": "dumb"})
    assert ESCAPE in forced.stdout
