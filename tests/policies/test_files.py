"""Policy files: what a policy author gets wrong is an error naming the file and line, before
anything is checked (exit 2); an expression that fails on a resource is a finding that says
so."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from iblint.cli import main
from iblint.errors import ConfigError, PolicyError
from iblint.policies import load_policies
from tests.policies.helpers import findings, policy_file, positions

GOOD = """
id: ORG001
name: approved-parent-image
summary: Parent images come from AWS.
resources: [image-recipe]
at: parentImage
message: parentImage is not an AWS-managed image
expression: resource.parentImage.split(":")[4] == "aws"
"""


def _error(tmp_path: Path, text: str) -> str:
    path = policy_file(tmp_path, text)
    with pytest.raises(PolicyError) as raised:
        load_policies([path])
    assert isinstance(raised.value, ConfigError)
    return str(raised.value)


def test_a_good_policy_loads(tmp_path: Path) -> None:
    (policy,) = load_policies([policy_file(tmp_path, GOOD)])
    assert (policy.id, policy.name, policy.severity.value) == (
        "ORG001",
        "approved-parent-image",
        "error",
    )
    assert policy.at == ("parentImage",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("id: ORG001", "id: IB999"),
            "policy.yaml:1: 'IB999' is not a policy ID: IB is the prefix",
        ),
        (("id: ORG001", "id: ORG"), "policy.yaml:1: 'ORG' is not a policy ID"),
        (("id: ORG001", "id: org001"), "policy.yaml:1: 'org001' is not a policy ID"),
        (("id: ORG001", "id: 001"), "policy.yaml:1: '001' is not a policy ID"),
        (("name: approved-parent-image", "name: Approved Parent"), "policy.yaml:2: name"),
        (("summary:", "sumary:"), "policy.yaml:3: unknown key 'sumary' in a policy; known: id,"),
        (
            ("resources: [image-recipe]", "resources: [pipeline]"),
            "policy.yaml:4: resources: 'pipeline' is not one of",
        ),
        (("resources: [image-recipe]", "resources: []"), "policy.yaml:4: resources must be a list"),
        (
            ("at: parentImage", "at: parent Image"),
            "policy.yaml:5: at: 'parent Image' is not a member path",
        ),
        (
            ("at: parentImage", "at: blockDeviceMappings[].ebs"),
            "policy.yaml:5: at: 'blockDeviceMappings[].ebs': 'at' names one node",
        ),
        (
            ("at: parentImage", "each: components[.componentArn"),
            "policy.yaml:5: each: 'components[.componentArn' is not a member path",
        ),
        (
            ("message: parentImage", "severity: fatal\nmessage: parentImage"),
            "policy.yaml:6: severity 'fatal' is not one of error, warning, note",
        ),
        (('== "aws"', "== "), "policy.yaml:7: the expression does not compile: at 1:"),
        (
            ('resource.parentImage.split(":")[4] == "aws"', "resource.parentImage.frobnicate()"),
            "policy.yaml:7: the expression does not compile: at 1:32: undeclared reference to 'frobnicate'",
        ),
        (
            ('resource.parentImage.split(":")[4] == "aws"', "size(resource.parentImage)"),
            "policy.yaml:7: the expression does not compile: the expression gives a int, not true or false",
        ),
        (
            ('resource.parentImage.split(":")[4] == "aws"', 'item.kmsKeyId == "x"'),
            "(item is defined only in a policy with each)",
        ),
        (
            ('resource.parentImage.split(":")[4] == "aws"', "rsource.parentImage == 1"),
            "undeclared reference to 'rsource.parentImage'",
        ),
        (
            ("message: parentImage is not an AWS-managed image\n", ""),
            "policy.yaml:1: the policy has no message",
        ),
        (
            ("summary: Parent images come from AWS.", "summary: ''"),
            "policy.yaml:3: summary is empty",
        ),
        (("id: ORG001", "id: [ORG001]"), "policy.yaml:1: id must be text"),
    ],
)
def test_author_errors_name_the_file_the_line_and_the_problem(
    change: tuple[str, str], expected: str, tmp_path: Path
) -> None:
    old, new = change
    assert old in GOOD
    message = _error(tmp_path, GOOD.replace(old, new, 1))
    assert expected in message
    assert message.startswith(str(tmp_path))
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: [unclosed\n", "policy.yaml:2: not valid YAML"),
        ("- a list\n", "policy.yaml:1: a policy file is a mapping"),
        ("", "policy.yaml:1: a policy file is a mapping"),
        (GOOD + "id: ORG002\n", "policy.yaml:8: a policy repeats the key id"),
        (
            GOOD + "examples:\n  bad:\n    - format: cfn\n      content: x\n",
            "policy.yaml:10: format 'cfn' is not one of",
        ),
        (
            GOOD + "examples:\n  bad:\n    - format: terraform\n      content: x\n",
            "policy.yaml:10: a bad example lists its findings",
        ),
        (
            GOOD
            + "examples:\n  bad:\n    - format: terraform\n      content: x\n      findings: [7]\n",
            "policy.yaml:12: '7' is not \"line:col\"",
        ),
        (
            GOOD
            + "examples:\n  good:\n    - format: terraform\n      content: x\n      findings: ['1:1']\n",
            "policy.yaml:12: a good example has no findings",
        ),
        (GOOD + "examples:\n  ugly: []\n", "policy.yaml:9: unknown key 'ugly' in examples"),
    ],
)
def test_malformed_files(text: str, expected: str, tmp_path: Path) -> None:
    assert expected in _error(tmp_path, text)


def test_two_policies_with_one_id(tmp_path: Path) -> None:
    policy_file(tmp_path, GOOD, "a.yaml")
    policy_file(tmp_path, GOOD.replace("approved-parent-image", "other"), "b.yaml")
    with pytest.raises(PolicyError, match=r"b\.yaml: policy ID ORG001 is also the ID of .*a\.yaml"):
        load_policies([tmp_path])


def test_a_directory_is_searched_for_yaml_files(tmp_path: Path) -> None:
    nested = tmp_path / "team" / "images"
    nested.mkdir(parents=True)
    policy_file(nested, GOOD, "parents.yml")
    policy_file(tmp_path, GOOD.replace("ORG001", "ORG002"), "b.yaml")
    (tmp_path / "README.md").write_text("not a policy\n", encoding="utf-8")
    hidden = tmp_path / ".git"
    hidden.mkdir()
    (hidden / "x.yaml").write_text("not: a policy\n", encoding="utf-8")
    assert sorted(policy.id for policy in load_policies([tmp_path])) == ["ORG001", "ORG002"]


def test_a_missing_path_or_an_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the policies"):
        load_policies([tmp_path / "missing"])
    with pytest.raises(PolicyError, match="no policy files"):
        load_policies([tmp_path])


def test_the_command_line_exits_2_before_checking_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_file(tmp_path, GOOD.replace('== "aws"', "=="))
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n", encoding="utf-8")
    code = main(["check", "--no-config", "--policy", str(path), str(template)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"Error: {path}:7: the expression does not compile: at 1:")


def test_a_policy_error_in_the_configuration_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file(tmp_path, GOOD.replace("id: ORG001", "id: IB001"), "policies/p.yaml")
    (tmp_path / "iblint.toml").write_text('policies = ["policies"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 2
    assert "p.yaml:1: 'IB001' is not a policy ID" in capsys.readouterr().err


# --- an expression that fails on a resource ---------------------------------------------------

RECIPE = """
    Resources:
      Recipe:
        Type: AWS::ImageBuilder::ImageRecipe
        Properties:
          Name: web
          Version: 1.0.0
          ParentImage: arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x
"""


def test_reading_a_missing_member_without_has_is_a_finding_that_says_why(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        """
        id: ORG007
        name: working-directory
        summary: Recipes build in /build.
        resources: [image-recipe]
        message: the working directory is not /build
        expression: resource.workingDirectory == "/build"
        """,
    )
    (finding,) = findings(tmp_path, path, RECIPE, "cloudformation-yaml")
    assert finding.rule_id == "ORG007"
    assert (finding.span.start_line, finding.span.start_col) == (2, 3)  # the resource
    assert finding.message == (
        "the policy's expression failed: no such member: workingDirectory "
        "(test whether a member is set with has())"
    )
    assert "has()" in finding.fix


def test_a_type_error_is_a_finding_that_says_why(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        """
        id: ORG007
        name: version-number
        summary: Versions are numbers.
        resources: [image-recipe]
        message: never shown
        expression: resource.semanticVersion > 1
        """,
    )
    (finding,) = findings(tmp_path, path, RECIPE, "cloudformation-yaml")
    assert finding.message.startswith("the policy's expression failed: No matching overload")


def test_a_result_that_is_not_a_bool_is_a_finding(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        """
        id: ORG007
        name: dyn-result
        summary: x.
        resources: [image-recipe]
        message: never shown
        expression: resource.name
        """,
    )
    (finding,) = findings(tmp_path, path, RECIPE, "cloudformation-yaml")
    assert finding.message == "the policy's expression failed: it gave a string, not true or false"


def test_compile_error_message_of_a_multiline_expression(tmp_path: Path) -> None:
    message = _error(
        tmp_path,
        textwrap.dedent(
            """
            id: ORG001
            name: multi
            summary: x.
            resources: [component]
            message: y
            expression: |
              has(resource.name) &&
                resource.name.startsWith(
            """
        ),
    )
    assert "policy.yaml:6: the expression does not compile: at 2:" in message


def test_positions_of_a_failing_expression_with_each(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        """
        id: ORG008
        name: ebs-size
        summary: Volumes state their size.
        resources: [image-recipe]
        each: blockDeviceMappings[].ebs
        message: x
        expression: item.volumeSize >= 30
        """,
    )
    document = RECIPE + "          BlockDeviceMappings:\n            - Ebs: {Encrypted: true}\n"
    found = findings(tmp_path, path, document, "cloudformation-yaml")
    assert positions(found) == ["9:11"]
    assert "no such member: volumeSize" in found[0].message


def test_example_files_are_named_as_the_built_in_rules_examples() -> None:
    from iblint.policies import EXAMPLE_FILE_NAMES
    from iblint.spec_model import EXAMPLE_FILE_NAMES as SPEC_FILE_NAMES

    # Standalone AWSTOE documents (component-yaml) are read by the IB6xx rules alone: no
    # policy resource kind is a component document.
    spec_names = {k: v for k, v in SPEC_FILE_NAMES.items() if k != "component-yaml"}
    assert {k: v for k, v in EXAMPLE_FILE_NAMES.items() if k in spec_names} == spec_names
