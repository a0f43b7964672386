"""Policies behave as built-in rules on the command line: --policy and the configuration's
``policies``, selection, severities, suppressions, every report format, ``iblint rules`` and
``iblint explain``; ``iblint policy test`` runs their examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iblint.cli import main
from tests.policies.helpers import policy_file

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_POLICIES = REPO / "examples" / "policies"
CHECK_SARIF = REPO.parent / "shared" / "sarif" / "check-sarif"

POLICY = """
id: ORG001
name: approved-parent-image
severity: warning
summary: Parent images come from AWS or from the platform account.
resources: [image-recipe]
at: parentImage
message: parentImage is not an AWS-managed image
expression: resource.parentImage.split(":")[4] in ["aws", "111122223333"]
examples:
  bad:
    - format: cloudformation-yaml
      content: |
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              ParentImage: arn:aws:imagebuilder:us-east-1:999999999999:image/x/1.0.0
      findings: ["5:20"]
  good:
    - format: api-json
      content: |
        {"name": "r", "semanticVersion": "1.0.0",
         "parentImage": "arn:aws:imagebuilder:us-east-1:aws:image/x/x.x.x", "components": []}
"""

TEMPLATE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: web
      Version: 1.0.0
      ParentImage: arn:aws:imagebuilder:us-east-1:999999999999:image/x/1.0.0{comment}
      Components:
        - ComponentArn: arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a policy, a template and no configuration; the cwd."""
    (tmp_path / ".git").mkdir()
    policy_file(tmp_path, POLICY, "policies/parents.yaml")
    (tmp_path / "template.yaml").write_text(TEMPLATE.format(comment=""), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_policy_option(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--policy", "policies", "template.yaml")
    assert code == 1
    assert out.startswith("template.yaml:7:20: ORG001 ")
    assert "parentImage is not an AWS-managed image" in out.splitlines()[0]


def test_configuration_policies_are_relative_to_the_file(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.iblint]\npolicies = ["policies/"]\nseverity = {ORG001 = "error"}\n',
        encoding="utf-8",
    )
    (project / "sub").mkdir()
    monkeypatch.chdir(project / "sub")
    code, out, _ = run(capsys, "check", "--format", "json", "../template.yaml")
    assert code == 1
    (finding,) = json.loads(out)["findings"]
    assert (finding["rule_id"], finding["severity"]) == ("ORG001", "error")


@pytest.mark.parametrize(
    ("options", "rule_ids"),
    [
        ((), ["ORG001"]),
        (("--select", "ORG"), ["ORG001"]),
        (("--select", "org001"), ["ORG001"]),
        (("--select", "IB3"), []),
        (("--ignore", "ORG0"), []),
        (("--select", "ORG", "--ignore", "ORG001"), []),
    ],
)
def test_selection(
    project: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...], rule_ids: list[str]
) -> None:
    code, out, _ = run(
        capsys, "check", "--policy", "policies", "--format", "json", *options, "template.yaml"
    )
    assert [f["rule_id"] for f in json.loads(out)["findings"]] == rule_ids
    assert code == (1 if rule_ids else 0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--select", "ORX"), "no policy ID starts with 'ORX'; the policies are ORG001"),
        (("--severity", "ORG002=note"), "no policy ID starts with 'ORG002'"),
    ],
)
def test_unknown_policy_ids_are_usage_errors(
    project: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, "check", "--policy", "policies", *options, "template.yaml")
    assert code == 2
    assert message in err


def test_a_policy_id_without_policies_is_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", "--select", "ORG001", "template.yaml")
    assert code == 2
    assert "no policies are loaded" in err


def test_severity_override(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys,
        "check",
        "--policy",
        "policies",
        "--severity",
        "ORG001=note",
        "--format",
        "json",
        "template.yaml",
    )
    assert [f["severity"] for f in json.loads(out)["findings"]] == ["note"]


def test_inline_suppression(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "template.yaml").write_text(
        TEMPLATE.format(comment="  # iblint: ignore ORG001 -- the golden image moves in Q3"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "--policy", "policies", "template.yaml")
    assert "ORG001" not in out
    assert code == 0, out


@pytest.mark.skipif(not CHECK_SARIF.is_file(), reason="shared/ is not beside the checkout")
def test_sarif_lists_the_policy_as_a_rule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(
        capsys,
        "check",
        "--policy",
        "policies",
        "--format",
        "sarif",
        "-o",
        "out.sarif",
        "template.yaml",
    )
    assert code == 1
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    (result,) = run_["results"]
    rule = rules[result["ruleIndex"]]
    assert rule["id"] == result["ruleId"] == "ORG001"
    assert rule["shortDescription"]["text"] == (
        "Parent images come from AWS or from the platform account."
    )
    assert rule["fullDescription"]["text"] == "parentImage is not an AWS-managed image"
    assert "resource.parentImage.split" in rule["help"]["text"]
    assert "policies/parents.yaml" in rule["help"]["markdown"]
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["helpUri"].endswith("API_CreateImageRecipe.html")
    completed = subprocess.run(
        [
            sys.executable,
            str(CHECK_SARIF),
            "--strict",
            "--no-multitool",
            "--src-root",
            ".",
            "out.sarif",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_rules_lists_policies_with_their_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "rules", "--policy", "policies")
    assert code == 0
    last = out.strip().splitlines()[-1]
    assert last.startswith("ORG001  approved-parent-image")
    assert last.endswith("(your policy: policies/parents.yaml)")
    # Without policies, only the built-in rules.
    code, out, _ = run(capsys, "rules")
    assert "ORG001" not in out


def test_explain_a_policy(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "iblint.toml").write_text('policies = ["policies"]\n', encoding="utf-8")
    for name in ("ORG001", "org001", "approved-parent-image"):
        code, out, _ = run(capsys, "explain", name)
        assert code == 0
        assert out.startswith(
            "ORG001 approved-parent-image: Parent images come from AWS or from the platform "
            "account.\n"
        )
        assert "Defined in: policies/parents.yaml (your policy)" in out
        assert 'resource.parentImage.split(":")[4]' in out
        assert "Example that fails (cloudformation-yaml):" in out
        assert "Default severity: warning" in out
    code, _, err = run(capsys, "explain", "ORG404")
    assert code == 2
    assert "unknown rule 'ORG404'" in err


# --- iblint policy test -----------------------------------------------------------------------


def test_policy_test_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "test", "policies")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "policies/parents.yaml .."
    assert lines[-1].startswith("=") and " 2 passed in " in lines[-1]


def test_policy_test_uses_the_configuration(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "policy", "test")
    assert code == 2
    assert "no policies to test" in err
    (project / "iblint.toml").write_text('policies = ["policies"]\n', encoding="utf-8")
    code, out, _ = run(capsys, "policy", "test", "-v")
    assert code == 0
    assert "parents.yaml::ORG001::bad[0] (cloudformation-yaml, line 11) PASSED" in out


def test_policy_test_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = POLICY.replace('findings: ["5:20"]', 'findings: ["5:21"]').replace(
        '"parentImage": "arn:aws:imagebuilder:us-east-1:aws:', '"parentImage": "arn:aws:x:y:z:'
    )
    policy_file(project, broken, "policies/parents.yaml")
    code, out, _ = run(capsys, "policy", "test", "policies")
    assert code == 1
    assert "policies/parents.yaml FF" in out
    assert "FAILED policies/parents.yaml::ORG001::bad[0] (cloudformation-yaml, line 11)" in out
    assert "expected findings at 5:21; got 5:20" in out
    assert "FAILED policies/parents.yaml::ORG001::good[0] (api-json, line 20)" in out
    assert "expected findings at none; got 2:17" in out
    assert out.strip().splitlines()[-1].startswith("=")
    assert " 2 failed, 0 passed in " in out


def test_policy_test_reports_an_example_that_cannot_be_checked(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = POLICY.replace("Properties:\n", "Properties: [\n", 1)
    policy_file(project, broken, "policies/parents.yaml")
    code, out, _ = run(capsys, "policy", "test", "policies")
    assert code == 1
    assert "the example could not be checked: IB001" in out


def test_policy_test_usage_errors(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "policy", "test", "missing/")
    assert code == 2
    assert "no such file or directory: missing" in err
    policy_file(project, POLICY.replace("id: ORG001", "id: IB001"), "bad/p.yaml")
    code, _, err = run(capsys, "policy", "test", "bad")
    assert code == 2
    assert "bad/p.yaml:1: 'IB001' is not a policy ID" in err


def test_policy_test_without_examples(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy_file(project, POLICY.split("examples:")[0], "bare/p.yaml")
    code, out, _ = run(capsys, "policy", "test", "bare")
    assert code == 5
    assert "ORG001 has no examples" in out
    assert "no examples ran" in out


def test_the_shipped_example_policies_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "policy", "test", str(EXAMPLE_POLICIES))
    assert code == 0, out
    assert len(list(EXAMPLE_POLICIES.glob("*.yaml"))) >= 6
    assert " failed" not in out


def test_the_shipped_examples_cover_every_input_format() -> None:
    from iblint.policies import EXAMPLE_FILE_NAMES, load_policies

    formats = {
        example.format
        for policy in load_policies([EXAMPLE_POLICIES])
        for example in policy.examples
        if example.bad
    }
    assert formats == set(EXAMPLE_FILE_NAMES)


# --- start-up cost ----------------------------------------------------------------------------

_MODULES = (
    "import sys\n"
    "from iblint.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(sorted(m for m in sys.modules if m.startswith(('cel_expr_python', 'iblint.policies'))))\n"
)


def _modules_after(tmp_path: Path, *argv: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", _MODULES, *argv],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    return completed.stdout.strip().splitlines()[-1]


def test_a_run_without_policies_imports_nothing_of_them(project: Path) -> None:
    assert _modules_after(project, "check", "--no-config", "template.yaml") == "[]"


def test_a_run_with_policies_imports_the_cel_library(project: Path) -> None:
    imported = _modules_after(project, "check", "--no-config", "--policy", "policies", ".")
    assert "'cel_expr_python.cel'" in imported
    assert "'iblint.policies.evaluate'" in imported


def test_the_readme_policy_and_its_example(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Write your own policies", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert block.startswith("# policies/encrypted-ebs.yaml")
    policy = block.split("  good:\n", 1)[0]  # the good example is elided there
    (tmp_path / "ebs.yaml").write_text(policy, encoding="utf-8")
    code, out, _ = run(capsys, "policy", "test", str(tmp_path / "ebs.yaml"))
    assert code == 0, out
    assert " 1 passed in " in out
