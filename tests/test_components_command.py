"""``iblint components``: every component ARN the recipes reference, one a line, sorted, each
once, ready for the README's ``get-component`` loop; and that loop, run against a stand-in
``aws``, giving a catalog on which IB401 reports the deprecated build."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from iblint import check_paths
from iblint.cli import cli, main
from iblint.components_list import is_get_component_arn, list_components
from iblint.config import Config
from iblint.discover import MissingPathError

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "arn:aws:imagebuilder:us-east-1:123456789012:component"
MANAGED = "arn:aws:imagebuilder:us-east-1:aws:component"

TEMPLATE = f"""\
Parameters:
  AgentArn:
    Type: String
  UseAgent:
    Type: String
Conditions:
  WithAgent: !Equals [!Ref UseAgent, "yes"]
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: web
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      Components:
        - ComponentArn: {MANAGED}/update-linux/x.x.x
        - ComponentArn: !Ref AgentArn
        - ComponentArn: !Sub "arn:${{AWS::Partition}}:imagebuilder:${{AWS::Region}}:aws:component/x/1.0.0"
        - ComponentArn: !If
            - WithAgent
            - {ACCOUNT}/agent/2.x.x
            - {ACCOUNT}/agent/1.2.0/3
  Infrastructure:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: infra
      InstanceProfileName: builder
"""

CONTAINER_REQUEST = {
    "name": "app",
    "semanticVersion": "1.0.0",
    "containerType": "DOCKER",
    "parentImage": "amazonlinux:2023",
    "targetRepository": {"service": "ECR", "repositoryName": "app"},
    "dockerfileTemplateUri": "s3://bucket/Dockerfile",
    "components": [
        {"componentArn": f"{ACCOUNT}/harden/3.1.0"},
        {"componentArn": f"{MANAGED}/update-linux/x.x.x"},
    ],
}

TERRAFORM = f"""\
variable "agent_arn" {{
  type = string
}}

resource "aws_imagebuilder_image_recipe" "web" {{
  name         = "web"
  version      = "1.0.0"
  parent_image = "ami-0123456789abcdef0"

  component {{
    component_arn = var.agent_arn
  }}

  component {{
    component_arn = "{ACCOUNT}/terraformed/1.0.0/1"
  }}

  component {{
    component_arn = "${{local.prefix}}/x.x.x"
  }}
}}
"""

#: GetComponent output: a catalog document, not a recipe; its ARN is not a reference.
GET_COMPONENT = {
    "requestId": "r",
    "component": {
        "arn": f"{ACCOUNT}/catalogued/1.0.0/1",
        "name": "catalogued",
        "version": "1.0.0",
        "type": "BUILD",
        "platform": "Linux",
        "state": {"status": "DEPRECATED"},
    },
}

EXPECTED = [
    f"{ACCOUNT}/agent/1.2.0/3",
    f"{ACCOUNT}/agent/2.x.x",
    f"{ACCOUNT}/harden/3.1.0",
    f"{ACCOUNT}/terraformed/1.0.0/1",
    f"{MANAGED}/update-linux/x.x.x",
]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.yaml").write_text(TEMPLATE)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "container.json").write_text(json.dumps(CONTAINER_REQUEST))
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(TERRAFORM)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "c.json").write_text(json.dumps(GET_COMPONENT))
    monkeypatch.chdir(tmp_path)
    return tmp_path


class Result(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str) -> Result:
    runner = CliRunner()
    with runner.isolation() as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return Result(code, stdout.getvalue().decode(), stderr.getvalue().decode())


# The library.


def test_every_literal_reference_sorted_and_once(tree: Path) -> None:
    listing = list_components(["."])
    assert listing.arns == EXPECTED
    assert listing.notes == []


def test_paths_are_relative_to_root(tree: Path) -> None:
    assert list_components(["api"], root=tree).arns == [
        f"{ACCOUNT}/harden/3.1.0",
        f"{MANAGED}/update-linux/x.x.x",
    ]


def test_a_missing_path_is_a_usage_error(tree: Path) -> None:
    with pytest.raises(MissingPathError):
        list_components(["nowhere"])


@pytest.mark.parametrize(
    "value",
    [
        "not an arn",
        f"{ACCOUNT}/agent",  # versionless: GetComponent needs a version
        f"{ACCOUNT}/agent/x.2.x",  # a number after the first x
        f"{ACCOUNT}/agent/1.x.x/1",  # a build number after a wildcard
        f"{ACCOUNT}/Agent/1.0.0",  # names in ARNs are lower case
        f"{ACCOUNT}/agent/1.0.0/1\n",  # a YAML block scalar's final line break
        f"{ACCOUNT}/agent/1.0.0 ",
        f"{ACCOUNT}/agent/1.0.0/",
        f"{ACCOUNT}/agent/1073741824.0.0",  # over the 2^30-1 node limit
        "arn:aws:imagebuilder:us-east-1:123456789012:image/agent/1.0.0",
        "arn:aws:imagebuilder:us-east-1:12345:component/agent/1.0.0",
    ],
)
def test_values_get_component_would_refuse_are_noted_not_printed(
    tmp_path: Path, value: str
) -> None:
    request: dict[str, object] = {
        "name": "r",
        "semanticVersion": "1.0.0",
        "parentImage": "ami-12345678",
        "components": [{"componentArn": value}, {"componentArn": 7}],
    }
    (tmp_path / "recipe.json").write_text(json.dumps(request, indent=1))
    listing = list_components(["recipe.json"], root=tmp_path)
    assert listing.arns == []
    assert len(listing.notes) == 2
    assert all(note.startswith("recipe.json:") for note in listing.notes), listing.notes
    assert all("\n" not in note for note in listing.notes)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (f"{ACCOUNT}/agent/1.2.0/3", True),
        (f"{ACCOUNT}/agent/1.2.0", True),
        (f"{ACCOUNT}/agent/1.2.x", True),
        (f"{ACCOUNT}/agent/1.x.x", True),
        (f"{ACCOUNT}/agent/x.x.x", True),
        ("arn:aws-cn:imagebuilder:cn-north-1:123456789012:component/agent/1.0.0/1", True),
        ("arn:aws:imagebuilder:us-east-1:aws-marketplace:component/falcon-abc/1.2.2/1", True),
        ("arn:aws:imagebuilder:us-east-1:third-party:component/cis-l1/x.x.x", True),
        (f"{ACCOUNT}/agent/1.x.0", False),
        (f"{ACCOUNT}/agent", False),
        (f"{ACCOUNT}/agent/1.2.0/3\n", False),
        ("arn:aws-moon:imagebuilder:us-east-1:123456789012:component/agent/1.0.0", False),
    ],
)
def test_what_get_component_accepts(value: str, accepted: bool) -> None:
    assert is_get_component_arn(value) is accepted


def test_a_file_that_cannot_be_parsed_is_noted(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"parentImage": "ami-1", "componentArn": [')
    listing = list_components(["."], root=tmp_path)
    assert listing.arns == []
    assert [note.split(":")[0] for note in listing.notes] == ["broken.json"]


def test_a_control_character_in_a_file_name_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "bad\x1b[2Jname.json").write_text('{"parentImage": "ami-1", "componentArn": [')
    [note] = list_components(["."], root=tmp_path).notes
    assert "\x1b" not in note
    assert note.startswith("bad\\x1b[2Jname.json:")


# The command.


def test_command_prints_one_arn_a_line_and_exits_0(tree: Path) -> None:
    result = run("components", ".")
    assert result.exit_code == 0, result
    assert result.stdout == "".join(f"{arn}\n" for arn in EXPECTED)
    assert result.stderr == ""


def test_command_defaults_to_the_current_directory(tree: Path) -> None:
    assert run("components").stdout == run("components", ".").stdout


def test_command_takes_several_paths_and_prints_each_arn_once(tree: Path) -> None:
    result = run("components", "api", "cfn", "api/container.json")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{ACCOUNT}/agent/1.2.0/3",
        f"{ACCOUNT}/agent/2.x.x",
        f"{ACCOUNT}/harden/3.1.0",
        f"{MANAGED}/update-linux/x.x.x",
    ]


def test_command_with_no_recipes_prints_nothing_and_exits_0(tmp_path: Path) -> None:
    result = run("components", str(tmp_path))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_command_notes_go_to_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    request = {
        "name": "r",
        "semanticVersion": "1.0.0",
        "parentImage": "ami-12345678",
        "components": [
            {"componentArn": f"{ACCOUNT}/a/x.2.x"},
            {"componentArn": f"{ACCOUNT}/b/1.0.0"},
        ],
    }
    (tmp_path / "recipe.json").write_text(json.dumps(request))
    result = run("components", ".")
    assert result.exit_code == 0
    assert result.stdout == f"{ACCOUNT}/b/1.0.0\n"
    assert re.fullmatch(r"iblint: recipe\.json:1:\d+: skipped .*\n", result.stderr), result.stderr


@pytest.mark.parametrize("args", [["components", "nowhere"], ["components", "--no-such-option"]])
def test_command_usage_errors_exit_2(tree: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_command_output_survives_a_closed_pipe(tree: Path) -> None:
    """``iblint components . | head -1``: the reader leaving is not an error."""
    process = subprocess.Popen(
        [sys.executable, "-m", "iblint", "components", "."],
        cwd=tree,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr


# The README's loop, with a stand-in for the AWS CLI.

FAKE_AWS = """\
#!{python}
'''Stands in for `aws imagebuilder get-component`: resolves as GetComponent documents.'''
import json, sys

args = sys.argv[1:]
assert args[:2] == ["imagebuilder", "get-component"], args
arn = args[args.index("--component-build-version-arn") + 1]
region = args[args.index("--region") + 1]
assert arn.split(":")[3] == region, (arn, region)
builds = {{
    "agent/1.2.0/3": ("DEPRECATED", "agent 1.x is end of support; use 2.0.0"),
    "agent/2.x.x": ("ACTIVE", None, "agent/2.0.0/1"),
    "harden/3.1.0": ("ACTIVE", None, "harden/3.1.0/2"),
    "terraformed/1.0.0/1": ("ACTIVE", None),
    "update-linux/x.x.x": ("ACTIVE", None, "update-linux/1.0.2/1"),
}}
prefix, _, path = arn.partition(":component/")
if path not in builds:
    print(f"An error occurred (ResourceNotFoundException): {{arn}}", file=sys.stderr)
    sys.exit(254)
status, reason, *resolved = builds[path]
build_arn = f"{{prefix}}:component/{{resolved[0] if resolved else path}}"
name, version = build_arn.split("/")[1:3]
state = {{"status": status, **({{"reason": reason}} if reason else {{}})}}
component = {{"arn": build_arn, "name": name, "version": version, "type": "BUILD",
             "platform": "Linux", "state": state}}
print(json.dumps({{"requestId": "r", "component": component}}, indent=4))
"""


def _readme_catalog_loop() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The component catalog (IB401)\n", 1)[1].split("\n## ", 1)[0]
    blocks: list[str] = re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
    [loop] = [block for block in blocks if "iblint components" in block]
    return loop


def test_readme_loop_records_a_catalog_on_which_ib401_reports_the_deprecated_build(
    tree: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    shutil.rmtree(tree / "catalog")  # the loop makes it
    bin_dir = tmp_path_factory.mktemp("bin")
    aws = bin_dir / "aws"
    aws.write_text(FAKE_AWS.format(python=sys.executable))
    aws.chmod(aws.stat().st_mode | stat.S_IXUSR)
    iblint = bin_dir / "iblint"
    iblint.write_text(f'#!/bin/sh\nexec {sys.executable} -m iblint "$@"\n')
    iblint.chmod(iblint.stat().st_mode | stat.S_IXUSR)
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("NO_COLOR", None)
    completed = subprocess.run(
        [bash, "-e", "-c", _readme_catalog_loop()],
        cwd=tree,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    # The loop's last command is `iblint check .`: findings, so exit 1.
    assert completed.returncode == 1, completed
    saved = sorted(path.name for path in (tree / "catalog").iterdir())
    assert saved == sorted(arn.replace("/", "_").replace(":", "_") + ".json" for arn in EXPECTED)
    ib401 = [line for line in completed.stdout.splitlines() if " IB401 " in line]
    assert len(ib401) == 1, completed.stdout
    assert ib401[0].startswith(
        "cfn/template.yaml:22:15: IB401 component agent 1.2.0/3 is DEPRECATED"
    )
    assert "use 2.0.0" in ib401[0]


def test_loop_catalog_read_in_either_order_with_a_listing_of_the_version(
    tmp_path: Path,
) -> None:
    """A ListComponents document that lists the version of the deprecated build does not
    hide it, whichever file is read first."""
    request = {
        "name": "recipe",
        "semanticVersion": "1.0.0",
        "parentImage": "ami-12345678",
        "components": [{"componentArn": f"{ACCOUNT}/agent/1.2.0/1"}],
    }
    get_component = {
        "component": {
            "arn": f"{ACCOUNT}/agent/1.2.0/1",
            "name": "agent",
            "version": "1.2.0",
            "type": "BUILD",
            "platform": "Linux",
            "state": {"status": "DEPRECATED", "reason": "use 2.0.0"},
        }
    }
    list_components_output = {
        "componentVersionList": [
            {
                "arn": f"{ACCOUNT}/agent/1.2.0",
                "name": "agent",
                "version": "1.2.0",
                "status": "ACTIVE",
            }
        ]
    }
    (tmp_path / "recipe.json").write_text(json.dumps(request))
    for first, second in [
        (get_component, list_components_output),
        (list_components_output, get_component),
    ]:
        for name, document in [("a.json", first), ("b.json", second)]:
            (tmp_path / name).write_text(json.dumps(document))
        # As checked files (read in name order) and as --catalog files (in the order given).
        in_tree = check_paths([str(tmp_path)], Config(), root=tmp_path).findings
        config = Config(catalogs=(tmp_path / "a.json", tmp_path / "b.json"))
        named = check_paths([str(tmp_path / "recipe.json")], config, root=tmp_path).findings
        for findings in (in_tree, named):
            assert [(f.rule_id, f.path) for f in findings] == [("IB401", "recipe.json")], findings
            assert "1.2.0/1 is DEPRECATED" in findings[0].message


def test_command_help_says_how_it_is_used() -> None:
    result = CliRunner().invoke(cli, ["components", "--help"])
    assert result.exit_code == 0
    assert "get-component" in result.output
    assert set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", result.output)) == {
        "--component-build-version-arn",
        "--help",
    }
