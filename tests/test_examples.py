"""``examples/`` shows every policy rule firing in a bad file, and the good files are clean.

The README's Quick start runs ``iblint check examples/`` and shows part of its output; these
tests keep the examples, that output and the README in step.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.cli import main
from iblint.config import Config
from iblint.discover import SUFFIXES

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

#: Rule IDs each example file must produce; files not listed must produce nothing.
EXPECTED = {
    "examples/api/create-image-recipe.json": {"IB401"},
    "examples/api/get-image.json": {"IB101"},
    "examples/cloudformation/WindowsImageStack.template.json": {"IB202"},
    "examples/cloudformation/linux-pipeline-bad.yaml": {"IB101", "IB201", "IB301"},
    "examples/terraform/bad/main.tf": {"IB101", "IB301"},
    "examples/terraform/plan/tfplan.json": {"IB201"},
}
GOOD = [
    "examples/api/create-container-recipe.yaml",
    "examples/api/create-infrastructure-configuration.json",
    "examples/catalog/arn_aws_imagebuilder_us-east-1_123456789012_component_cis-hardening-linux_1.2.0.json",
    "examples/cloudformation/linux-pipeline-good.yaml",
    "examples/terraform/bad/variables.tf",
    "examples/terraform/good/main.tf",
    # Users' policies (iblint policy test examples/policies runs their examples).
    "examples/policies/approved-parent-images.yaml",
    "examples/policies/encrypted-ebs-customer-key.yaml",
    "examples/policies/instance-types.yaml",
    "examples/policies/logging-bucket.yaml",
    "examples/policies/pinned-component-versions.yaml",
    "examples/policies/required-tags.yaml",
]


def _findings_by_file() -> dict[str, set[str]]:
    report = check_paths([str(EXAMPLES)], Config(), root=REPO)
    found: dict[str, set[str]] = defaultdict(set)
    for finding in report.findings:
        found[finding.path].add(finding.rule_id)
    return dict(found)


def test_each_bad_example_gives_its_findings_and_nothing_else() -> None:
    assert _findings_by_file() == EXPECTED


def test_examples_cover_every_policy_rule_of_the_quick_start() -> None:
    fired = set().union(*EXPECTED.values())
    assert {"IB101", "IB201", "IB202", "IB301", "IB401"} <= fired


def test_the_example_list_is_complete() -> None:
    on_disk = {
        path.relative_to(REPO).as_posix()
        for path in EXAMPLES.rglob("*")
        if path.is_file() and path.suffix in SUFFIXES
    }
    assert on_disk == set(EXPECTED) | set(GOOD)


@pytest.mark.parametrize("name", GOOD)
def test_good_example_alone_is_clean(name: str) -> None:
    report = check_paths([str(REPO / name)], Config(), root=REPO)
    assert report.files_checked == 1
    assert report.findings == []


def test_deprecated_component_needs_the_catalog() -> None:
    """IB401 comes from examples/catalog/: the recipe alone is not flagged."""
    report = check_paths([str(EXAMPLES / "api" / "create-image-recipe.json")], Config(), root=REPO)
    assert report.findings == []


def test_quick_start_output_in_readme_is_real(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("NO_COLOR", "1")
    exit_code = main(["check", "--no-config", "examples/"])
    output = capsys.readouterr().out
    assert exit_code == 1, output
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    shown = re.search(r"```text\n(.*?)```", quick_start, re.DOTALL)
    assert shown, "the Quick start shows no output"
    locations = re.findall(r"^(examples/\S+:\d+:\d+: IB\d{3}) ", shown.group(1), re.MULTILINE)
    assert locations
    for location in locations:
        assert location in output, f"README shows {location!r}; iblint prints:\n{output}"
    summary = output.strip().splitlines()[-1]
    assert summary in shown.group(1), f"README's summary is stale; iblint says {summary!r}"
