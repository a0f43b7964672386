"""The adoption options of ``iblint check`` (issue 9), each through the command line: exit codes
and output, in process (CliRunner isolation) and, for what depends on a real process (standard
input, colour, git), as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iblint.rule_urls import rule_url
from tests.documents import API_INFRA_BAD, CFN_TEMPLATE_BAD
from tests.test_cli import FINDING_LINE, SUMMARY, Result, rules_of, run

SARIF_CHECKER = Path(__file__).resolve().parents[2] / "shared" / "sarif" / "check-sarif"
SUPPRESSED = CFN_TEMPLATE_BAD.replace(
    "HttpTokens: optional", "HttpTokens: optional  # iblint: ignore IB101 legacy agent"
)
GP3 = CFN_TEMPLATE_BAD.replace("VolumeType: gp2", "VolumeType: GP3")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "infra.json").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def subprocess_run(
    *args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> Result:
    import os

    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


# --- suppressions -------------------------------------------------------------------------------


def test_show_suppressed(tree: Path) -> None:
    (tree / "template.yaml").write_text(SUPPRESSED)
    hidden = run("check", "template.yaml")
    assert rules_of(hidden.stdout) == ["IB201"]
    assert "1 suppressed" in hidden.stdout.splitlines()[-1]
    shown = run("check", "--show-suppressed", "template.yaml")
    assert rules_of(shown.stdout) == ["IB101", "IB201"]
    assert "(suppressed: legacy agent)" in shown.stdout
    assert shown.exit_code == hidden.exit_code == 1


def test_sarif_keeps_suppressed_results_with_their_justification(tree: Path) -> None:
    (tree / "template.yaml").write_text(SUPPRESSED)
    result = run("check", "--format", "sarif", "-o", "out.sarif", "template.yaml")
    assert result.exit_code == 1
    results = json.loads((tree / "out.sarif").read_text())["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["IB101"]
    assert suppressed[0]["suppressions"] == [{"kind": "inSource", "justification": "legacy agent"}]
    assert all(r["properties"]["docsUrl"] == rule_url(r["ruleId"]) for r in results)
    if SARIF_CHECKER.exists():
        checked = subprocess.run(
            [sys.executable, str(SARIF_CHECKER), "--strict", "--src-root", ".", "out.sarif"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_json_lists_suppressed_findings_apart(tree: Path) -> None:
    (tree / "template.yaml").write_text(SUPPRESSED)
    document = json.loads(run("check", "--format", "json", "template.yaml").stdout)
    assert [f["rule_id"] for f in document["findings"]] == ["IB201"]
    (suppressed,) = document["suppressed"]
    assert (suppressed["rule_id"], suppressed["justification"]) == ("IB101", "legacy agent")
    assert document["findings"][0]["docs_url"] == rule_url("IB201")
    assert document["findings"][0]["logical_path"] == "Recipe/blockDeviceMappings/0/ebs/throughput"


def test_require_reason_in_the_configuration(tree: Path) -> None:
    (tree / "template.yaml").write_text(
        CFN_TEMPLATE_BAD.replace(
            "HttpTokens: optional", "HttpTokens: optional  # iblint: ignore IB101"
        )
    )
    assert rules_of(run("check", "template.yaml").stdout) == ["IB101", "IB008", "IB201"]
    (tree / "iblint.toml").write_text("require-reason = false\n")
    assert rules_of(run("check", "template.yaml").stdout) == ["IB201"]


# --- selection ----------------------------------------------------------------------------------


def test_exclude_and_extend_exclude_on_the_command_line(tree: Path) -> None:
    assert set(rules_of(run("check", ".").stdout)) == {"IB101", "IB201"}
    assert rules_of(run("check", "--exclude", "api", ".").stdout) == ["IB101", "IB201"]
    assert rules_of(run("check", "--exclude", "*.yaml", ".").stdout) == ["IB101"]
    # Files named on the command line are excluded too (pre-commit names every staged file).
    assert rules_of(run("check", "--exclude", "api/", "api/infra.json").stdout) == []


def test_exclude_from_the_configuration_is_relative_to_it(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "iblint.toml").write_text('exclude = ["/api"]\n')
    assert rules_of(run("check", ".").stdout) == ["IB101", "IB201"]
    monkeypatch.chdir(tree / "api")
    assert run("check", ".").stdout.startswith("No findings")
    monkeypatch.chdir(tree)
    # --exclude replaces the configuration's exclude; --extend-exclude adds to it.
    assert set(rules_of(run("check", "--exclude", "nothing", ".").stdout)) == {"IB101", "IB201"}
    assert run("check", "--extend-exclude", "*.yaml", ".").stdout.startswith("No findings")


def test_gitignore_is_respected_when_walking_but_not_for_named_files(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n*.generated.json\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "x.generated.json").write_text(API_INFRA_BAD)
    (tmp_path / "infra.json").write_text(API_INFRA_BAD)
    walked = subprocess_run("check", "--no-show-source", ".", cwd=tmp_path)
    assert [
        line.split(":")[0] for line in walked.stdout.splitlines() if FINDING_LINE.match(line)
    ] == ["infra.json"]
    named = subprocess_run("check", "build/infra.json", "x.generated.json", cwd=tmp_path)
    assert rules_of(named.stdout) == ["IB101", "IB101"]


def test_per_file_ignores(tree: Path) -> None:
    (tree / "iblint.toml").write_text('[per-file-ignores]\n"api/*.json" = ["IB1"]\n')
    assert rules_of(run("check", ".").stdout) == ["IB101", "IB201"]  # template.yaml only
    assert "api/infra.json" not in run("check", ".").stdout


# --- gates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "severity", "code"),
    [
        ("error", "IB101=warning", 1),  # IB201 is still an error
        ("warning", "IB101=note", 1),
        ("note", "IB101=note", 1),
    ],
)
def test_fail_on(tree: Path, fail_on: str, severity: str, code: int) -> None:
    assert run("check", "--fail-on", fail_on, "--severity", severity, ".").exit_code == code


def test_fail_on_lets_lesser_findings_pass(tree: Path) -> None:
    result = run("check", "--fail-on", "error", "--severity", "IB101=warning", "api")
    assert result.exit_code == 0
    assert rules_of(result.stdout) == ["IB101"]  # still reported
    assert "[warning]" in result.stdout
    (tree / "iblint.toml").write_text('fail-on = "warning"\n[severity]\nIB101 = "note"\n')
    assert run("check", "api").exit_code == 0
    assert run("check", "--fail-on", "note", "api").exit_code == 1


def test_fail_on_refuses_other_levels(tree: Path) -> None:
    assert run("check", "--fail-on", "fatal", ".").exit_code == 2
    (tree / "iblint.toml").write_text('fail-on = "fatal"\n')
    result = run("check", ".")
    assert result.exit_code == 2 and "fail-on" in result.stderr


def test_text_names_each_findings_severity(tree: Path) -> None:
    lines = [line for line in run("check", ".").stdout.splitlines() if FINDING_LINE.match(line)]
    assert lines and all(line.endswith("[error]") for line in lines)


# --- input --------------------------------------------------------------------------------------


def test_standard_input_with_a_name(tmp_path: Path) -> None:
    result = subprocess_run(
        "check",
        "--no-show-source",
        "--stdin-filename",
        "infra/template.yaml",
        "-",
        cwd=tmp_path,
        stdin=CFN_TEMPLATE_BAD,
    )
    assert result.exit_code == 1
    assert "infra/template.yaml:9:21: IB101" in result.stdout
    tf = (
        'resource "aws_imagebuilder_infrastructure_configuration" "b" {\n'
        '  name = "b"\n  instance_profile_name = "p"\n'
        '  instance_metadata_options {\n    http_tokens = "optional"\n  }\n}\n'
    )
    as_tf = subprocess_run("check", "--stdin-filename", "main.tf", "-", cwd=tmp_path, stdin=tf)
    assert "main.tf:5:19: IB101" in as_tf.stdout
    # Without a name the document is read as YAML or JSON, named '-'.
    unnamed = subprocess_run("check", "-", cwd=tmp_path, stdin=API_INFRA_BAD)
    assert "-:4:45: IB101" in unnamed.stdout
    # The source line comes from standard input too.
    assert '"httpTokens": "optional"' in unnamed.stdout


def test_standard_input_usage_errors(tmp_path: Path) -> None:
    both = subprocess_run("check", "-", "other.yaml", cwd=tmp_path, stdin="a: 1\n")
    assert both.exit_code == 2 and "'-'" in both.stderr
    named = subprocess_run("check", "--stdin-filename", "x.yaml", ".", cwd=tmp_path, stdin="")
    assert named.exit_code == 2


def test_standard_input_that_is_not_text_is_a_finding(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", "check", "--stdin-filename", "t.yaml", "-"],
        cwd=tmp_path,
        input=b"parentImage: \xff\xfe\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert b"t.yaml:1:14: IB006" in completed.stdout


def test_stdin_fix_prints_the_fixed_document(tmp_path: Path) -> None:
    result = subprocess_run("check", "--fix", "-", cwd=tmp_path, stdin=API_INFRA_BAD)
    assert result.exit_code == 0
    assert result.stdout == API_INFRA_BAD.replace('"optional"', '"required"')


# --- output -------------------------------------------------------------------------------------


def test_statistics(tree: Path) -> None:
    (tree / "more.json").write_text(API_INFRA_BAD)
    result = run("check", "--statistics", ".")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == ["3  IB101  [*] imdsv1-allowed", "1  IB201  [*] throughput-on-non-gp3"]
    assert SUMMARY.match(lines[-1])
    assert run("check", "--statistics", "--quiet", ".").stdout.splitlines() == lines[:2]
    assert run("check", "--statistics", "--format", "json", ".").exit_code == 2


def test_quiet_prints_findings_only(tree: Path) -> None:
    result = run("check", "--quiet", ".")
    assert result.exit_code == 1
    assert not any(line.startswith("Found") for line in result.stdout.splitlines())
    assert run("check", "-q", "api/infra.json", "--select", "IB2").stdout == ""


def test_source_line_and_caret(tree: Path) -> None:
    lines = run("check", "template.yaml").stdout.splitlines()
    index = lines.index(next(line for line in lines if "IB101" in line))
    assert lines[index + 1] == " 9 |         HttpTokens: optional"
    assert lines[index + 2] == "   |                     ^^^^^^^^"
    assert lines[index + 3].startswith("    fix: ")
    assert lines[index + 4] == f"    docs: {rule_url('IB101')}"
    concise = run("check", "--no-show-source", "template.yaml").stdout.splitlines()
    assert concise[1].startswith("    fix: ") and " | " not in "".join(concise)


def test_source_lines_are_escaped_and_clipped(tree: Path) -> None:
    long_value = "x" * 500 + "\x1b[2J"
    text = API_INFRA_BAD.replace('"optional"', f'"{long_value}"')
    (tree / "api" / "infra.json").write_text(text)
    output = run("check", "api").stdout
    assert "\x1b" not in output
    source = next(line for line in output.splitlines() if line.startswith(" 4 | "))
    assert len(source) < 200 and source.startswith(" 4 | \u2026")


def test_force_color_and_no_color(tmp_path: Path) -> None:
    (tmp_path / "infra.json").write_text(API_INFRA_BAD)
    forced = subprocess_run("check", ".", cwd=tmp_path, env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    plain = subprocess_run("check", ".", cwd=tmp_path)
    assert "\x1b[" not in plain.stdout
    both = subprocess_run("check", ".", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout
    zero = subprocess_run("check", ".", cwd=tmp_path, env={"FORCE_COLOR": "0"})
    assert "\x1b[" not in zero.stdout


def test_gitlab_code_quality_report(tree: Path) -> None:
    result = run("check", "--format", "gitlab", ".")
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert {issue["check_name"] for issue in issues} == {"IB101", "IB201"}
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] == "major"
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    # The fingerprint survives lines added above the finding.
    (tree / "template.yaml").write_text("# a new comment\n" + CFN_TEMPLATE_BAD)
    moved = json.loads(run("check", "--format", "gitlab", ".").stdout)
    assert {i["fingerprint"] for i in moved} == {i["fingerprint"] for i in issues}
    assert json.loads(run("check", "--format", "gitlab", "--select", "IB3", ".").stdout) == []


# --- baseline -----------------------------------------------------------------------------------


def test_write_baseline_then_only_new_findings(tree: Path) -> None:
    written = run("check", "--write-baseline", "baseline.json", ".")
    assert written.exit_code == 0 and "recorded 3 findings" in written.stderr
    document = json.loads((tree / "baseline.json").read_text())
    assert document["version"] == 1
    assert {
        "file": "template.yaml",
        "rule": "IB101",
        "logical-path": "Infrastructure/instanceMetadataOptions/httpTokens",
        "count": 1,
    } in document["findings"]
    clean = run("check", "--baseline", "baseline.json", ".")
    assert clean.exit_code == 0 and "3 in the baseline" in clean.stdout
    # Lines added above move every finding: still recorded.
    (tree / "template.yaml").write_text("# moved\n\n" + CFN_TEMPLATE_BAD)
    assert run("check", "--baseline", "baseline.json", ".").exit_code == 0
    # A new finding is reported.
    (tree / "api" / "second.json").write_text(API_INFRA_BAD)
    new = run("check", "--baseline", "baseline.json", ".")
    assert new.exit_code == 1 and rules_of(new.stdout) == ["IB101"]
    assert "api/second.json" in new.stdout


def test_a_baseline_counts_repeated_findings(tree: Path) -> None:
    run("check", "--write-baseline", "b.json", "api")
    (tree / "api" / "infra.json").write_text(API_INFRA_BAD.replace("optional", "required"))
    # A fixed finding: nothing reported; rewriting drops it.
    assert run("check", "--baseline", "b.json", "api").exit_code == 0
    run("check", "--write-baseline", "b.json", "api")
    assert json.loads((tree / "b.json").read_text())["findings"] == []


def test_rewriting_keeps_the_entries_of_files_not_checked(tree: Path) -> None:
    run("check", "--write-baseline", "b.json", ".")
    run("check", "--write-baseline", "b.json", "api/infra.json")
    files = {entry["file"] for entry in json.loads((tree / "b.json").read_text())["findings"]}
    assert files == {"api/infra.json", "template.yaml"}


def test_baseline_from_the_configuration_and_bad_baselines(tree: Path) -> None:
    run("check", "--write-baseline", "b.json", ".")
    (tree / "iblint.toml").write_text('baseline = "b.json"\n')
    assert run("check", ".").exit_code == 0
    (tree / "b.json").write_text("{not json")
    broken = run("check", ".")
    assert broken.exit_code == 2 and "b.json" in broken.stderr
    missing = run("check", "--baseline", "missing.json", ".")
    assert missing.exit_code == 2 and "--write-baseline" in missing.stderr
    (tree / "b.json").write_text('{"version": 7, "findings": []}')
    assert run("check", ".").exit_code == 2


# --- fixes --------------------------------------------------------------------------------------


def test_diff_prints_and_writes_nothing(tree: Path) -> None:
    (tree / "template.yaml").write_text(GP3)
    result = run("check", "--diff", ".")
    assert result.exit_code == 1
    assert "--- a/template.yaml\n+++ b/template.yaml\n" in result.stdout
    assert "-        HttpTokens: optional\n+        HttpTokens: required\n" in result.stdout
    assert "+            VolumeType: gp3\n" in result.stdout
    assert (tree / "template.yaml").read_text() == GP3
    (tree / "template.yaml").write_text(CFN_TEMPLATE_BAD.replace("optional", "required"))
    (tree / "api" / "infra.json").unlink()
    assert run("check", "--diff", ".") == Result(0, "", "")


def test_fix_writes_and_reports_what_remains(tree: Path) -> None:
    (tree / "template.yaml").write_text(GP3)
    result = run("check", "--fix", ".")
    assert "applied 3 fixes in 2 files" in result.stderr
    assert (tree / "template.yaml").read_text() == GP3.replace("optional", "required").replace(
        "GP3", "gp3"
    )
    assert result.exit_code == 0 and result.stdout.startswith("No findings")
    again = run("check", "--fix", ".")
    assert again.exit_code == 0 and again.stderr == ""


def test_explain_says_whether_a_rule_has_a_fix() -> None:
    assert "Safe fix: yes" in run("explain", "IB101").stdout
    assert "Safe fix: none" in run("explain", "IB202").stdout
