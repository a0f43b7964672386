"""The pre-commit hook, run the way users run it: ``pre-commit try-repo`` on a git repository.

``try-repo`` clones the hook repository, installs iblint into a fresh virtualenv with pip
(from PyPI: click, pydantic, pyyaml and the hatchling build backend) and runs the hook. Its
store is a throwaway directory, so each ``try-repo`` call is one install (PRE_COMMIT_HOME does
not help); the two scenarios run concurrently in one session fixture.

``try-repo`` given a local path sees committed files plus changes to tracked files, but not
new untracked ones (it ``git add -u``s into a shadow clone), so the hook repository tried here
is a commit of the working tree as it is: ``.pre-commit-hooks.yaml`` and everything else git
would add, untracked files included.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from iblint.discover import SUFFIXES

REPO = Path(__file__).resolve().parent.parent
#: Needs PyPI (pip installs iblint's dependencies) and takes tens of seconds; deselect with
#: ``-m 'not slow'``.
slow = pytest.mark.slow

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

BAD_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  BuildInfrastructure:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: build
      InstanceProfileName: !Ref InstanceProfile
      InstanceMetadataOptions:
        HttpTokens: optional
"""
BAD_DOT_TEMPLATE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: golden
      Version: 1.0.0
      ParentImage: arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
            VolumeType: gp2
            Throughput: 250
"""
BAD_TERRAFORM = """\
resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                  = "build"
  instance_profile_name = "builder"
}
"""
GOOD_REQUEST = """\
{
    "name": "build",
    "instanceProfileName": "EC2InstanceProfileForImageBuilder",
    "instanceTypes": ["m6i.large"],
    "instanceMetadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1}
}
"""
#: Files every repository holds: not Image Builder definitions, so the hook must ignore them.
UNRELATED = {
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "package.json": '{"name": "web", "version": "1.0.0"}\n',
    "notes.md": "# notes\n",
}


def _git_environment(home: Path) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        # Set when the tests themselves run inside a git hook; they would redirect our git.
        if not name.startswith("GIT_") and name not in {"PRE_COMMIT", "SKIP", "VIRTUAL_ENV"}
    }
    environment.update(
        GIT_AUTHOR_NAME="iblint tests",
        GIT_AUTHOR_EMAIL="tests@iblint.invalid",
        GIT_COMMITTER_NAME="iblint tests",
        GIT_COMMITTER_EMAIL="tests@iblint.invalid",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        PRE_COMMIT_HOME=str(home),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
    )
    return environment


def _git(directory: Path, *arguments: str, environment: dict[str, str]) -> None:
    result = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *arguments],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"git {' '.join(arguments)}: {result.stderr}"


def _commit_repository(directory: Path, environment: dict[str, str]) -> None:
    _git(directory, "init", "-q", environment=environment)
    _git(directory, "add", "-A", environment=environment)
    _git(directory, "commit", "-q", "-m", "snapshot", environment=environment)


def _working_tree_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


@pytest.fixture(scope="session")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding the working tree as it is now, committed."""
    if not (REPO / ".git").exists():
        pytest.skip("the hook repository must be a git checkout")
    snapshot = tmp_path_factory.mktemp("hook-repository")
    for name in _working_tree_files():
        source = REPO / name
        if source.is_file():  # listed but deleted in the working tree: skip
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _commit_repository(snapshot, _git_environment(tmp_path_factory.mktemp("pre-commit-home")))
    return snapshot


class HookRun(NamedTuple):
    returncode: int
    output: str


def _user_repository(directory: Path, files: dict[str, str], environment: dict[str, str]) -> Path:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    _commit_repository(directory, environment)
    return directory


@pytest.fixture(scope="session")
def hook_runs(
    hook_repository: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, HookRun]]:
    """``pre-commit try-repo HOOK_REPOSITORY iblint --all-files`` in two user repositories."""
    scenarios = {
        "bad-and-good": {
            "infra/pipeline.yaml": BAD_TEMPLATE,
            "images/recipe.template": BAD_DOT_TEMPLATE,
            "modules/build/main.tf": BAD_TERRAFORM,
            "requests/infrastructure.json": GOOD_REQUEST,
            **UNRELATED,
        },
        "good-only": {"requests/infrastructure.json": GOOD_REQUEST, **UNRELATED},
    }
    processes = {}
    for name, files in scenarios.items():
        environment = _git_environment(tmp_path_factory.mktemp(f"pre-commit-home-{name}"))
        user = _user_repository(tmp_path_factory.mktemp(name), files, environment)
        command = [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repository),
            "iblint",
            "--all-files",
        ]
        processes[name] = subprocess.Popen(
            command,
            cwd=user,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    runs = {}
    try:
        for name, process in processes.items():
            output, _ = process.communicate(timeout=900)
            runs[name] = HookRun(process.returncode, output)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
    yield runs


@slow
def test_hook_fails_on_a_bad_file_and_names_the_finding(hook_runs: dict[str, HookRun]) -> None:
    run = hook_runs["bad-and-good"]
    assert run.returncode == 1, run.output
    assert re.search(r"^iblint\.+Failed$", run.output, re.MULTILINE), run.output
    assert re.search(r"^infra/pipeline\.yaml:9:21: IB101 ", run.output, re.MULTILINE), run.output


@slow
@pytest.mark.parametrize(
    ("path", "rule_id"), [("images/recipe.template", "IB201"), ("modules/build/main.tf", "IB101")]
)
def test_hook_checks_dot_template_and_terraform_files(
    hook_runs: dict[str, HookRun], path: str, rule_id: str
) -> None:
    run = hook_runs["bad-and-good"]
    pattern = rf"^{re.escape(path)}:\d+:\d+: {rule_id} "
    assert re.search(pattern, run.output, re.MULTILINE), run.output


@slow
def test_hook_says_nothing_about_good_and_unrelated_files(hook_runs: dict[str, HookRun]) -> None:
    run = hook_runs["bad-and-good"]
    for name in ["requests/infrastructure.json", *UNRELATED]:
        assert f"{name}:" not in run.output, run.output
    assert "Found 3 findings" in run.output, run.output


@slow
def test_hook_passes_when_only_good_files(hook_runs: dict[str, HookRun]) -> None:
    run = hook_runs["good-only"]
    assert run.returncode == 0, run.output
    assert re.search(r"^iblint\.+Passed$", run.output, re.MULTILINE), run.output


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "iblint"]
    assert isinstance(hook, dict)
    return hook


def test_manifest_is_valid_for_pre_commit() -> None:
    from pre_commit.clientlib import load_manifest  # type: ignore[import-untyped]

    (hook,) = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "iblint"
    assert hook["entry"] == "iblint check"
    assert hook["language"] == "python"
    # One process for all files, so IB401 sees every catalog document in the commit.
    assert hook["require_serial"] is True


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        *[(f"dir/file{suffix}", True) for suffix in sorted(SUFFIXES)],
        ("stack.template.json", True),
        ("Template.YAML", True),
        ("setup.py", False),
        ("README.md", False),
        ("variables.tfvars", False),
        ("yaml", False),
    ],
)
def test_hook_takes_the_files_a_directory_walk_takes(name: str, taken: bool) -> None:
    pattern = re.compile(str(_hook()["files"]))
    assert bool(pattern.search(name)) is taken


@pytest.mark.parametrize(
    "name",
    [
        *[f"x{suffix}" for suffix in SUFFIXES],
        *[f"X{suffix.upper()}" for suffix in SUFFIXES],
        "x.tfvars",
        "x.tfvars.json",
        "x.hcl",
        "x.jsonl",
        "x.yaml.bak",
        "x.md",
        "x.template.txt",
        "x",
    ],
)
def test_hook_pattern_and_the_dialect_suffixes_take_the_same_files(name: str) -> None:
    # One list of suffixes (iblint.dialects.SUFFIXES) decides what a walk takes; the hook's
    # pattern, which pre-commit applies, must take exactly the same names.
    from iblint.dialects import has_known_suffix

    pattern = re.compile(str(_hook()["files"]))
    assert bool(pattern.search(name)) is has_known_suffix(name)


def test_hook_file_types_include_dot_template_files(tmp_path: Path) -> None:
    from identify.identify import tags_from_path

    template = tmp_path / "stack.template"
    template.write_text(BAD_DOT_TEMPLATE, encoding="utf-8")
    types = set(_hook().get("types", ["file"]))
    types_or = set(_hook().get("types_or", []))
    tags = tags_from_path(str(template))
    assert types <= tags
    assert not types_or or types_or & tags
