"""Terraform through the whole pipeline: discovery, loading, rules, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from iblint import check_paths, check_text
from tests.terraform.plan_documents import PLAN

INFRA = """\
resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                  = "build"
  instance_profile_name = "builder"
  instance_metadata_options {
    http_tokens = var.http_tokens
  }
}
"""


def _findings(directory: Path) -> list[tuple[str, str, int, int, str]]:
    report = check_paths(["."], root=directory)
    return [
        (f.path, f.rule_id, f.span.start_line, f.span.start_col, f.message) for f in report.findings
    ]


def test_variable_default_is_checked_and_named_in_the_message(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text(
        'variable "http_tokens" {\n  type    = string\n  default = "optional"\n}\n'
    )
    ((path, rule_id, line, column, message),) = _findings(tmp_path)
    assert (path, rule_id, line, column) == ("main.tf", "IB101", 5, 19)
    assert message.endswith(
        "(var.http_tokens = 'optional', the variable's default at variables.tf:3)"
    )


def test_tfvars_override_the_default(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "optional"\n}\n')
    (tmp_path / "terraform.tfvars").write_text('http_tokens = "required"\n')
    assert _findings(tmp_path) == []
    (tmp_path / "zz.auto.tfvars").write_text('http_tokens = "optional"\n')
    ((_, _, _, _, message),) = _findings(tmp_path)
    assert message.endswith("(var.http_tokens = 'optional', set in zz.auto.tfvars:1)")


def test_variable_without_a_literal_value_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  type = string\n}\n')
    assert _findings(tmp_path) == []


def test_syntax_error_is_reported_and_the_rest_still_checked(tmp_path: Path) -> None:
    (tmp_path / "broken.tf").write_text(
        'resource "aws_imagebuilder_image_recipe" "r" {\n  name = \n'
    )
    (tmp_path / "infra.tf").write_text(INFRA.replace("var.http_tokens", '"optional"'))
    rules = [(path, rule_id) for path, rule_id, *_ in _findings(tmp_path)]
    assert rules == [("broken.tf", "IB001"), ("infra.tf", "IB101")]


def test_tf_without_image_builder_yields_nothing_even_when_broken(tmp_path: Path) -> None:
    (tmp_path / "s3.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n')
    (tmp_path / "ok.tf").write_text('resource "aws_s3_bucket" "b" { bucket = "x" }\n')
    assert _findings(tmp_path) == []


def test_tfvars_and_unknown_suffixes_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfvars").write_text("imagebuilder = {{{\n")
    (tmp_path / "pipeline.yml.tpl").write_text("parentImage: %{ if x }\n  bad: [\n")
    report = check_paths(["terraform.tfvars", "pipeline.yml.tpl"], root=tmp_path)
    assert report.findings == []


def test_plan_findings_name_the_resource_address(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(PLAN)
    found = _findings(tmp_path)
    assert [(rule_id, line) for _, rule_id, line, _, _ in found] == [
        ("IB101", 64),
        ("IB301", 82),
        ("IB201", 87),
    ]
    assert found[0][4].startswith("aws_imagebuilder_infrastructure_configuration.build: ")
    assert found[1][4].startswith("module.images.aws_imagebuilder_image_recipe.app: ")


def test_single_line_plan_positions_are_columns_on_line_one(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(json.loads(PLAN)))
    found = _findings(tmp_path)
    assert {line for _, _, line, _, _ in found} == {1}
    text = (tmp_path / "plan.json").read_text()
    first = found[0]
    assert text[first[3] - 1 :].startswith('"optional"')


def test_check_text_handles_terraform() -> None:
    findings = check_text(INFRA.replace("var.http_tokens", '"optional"'), "main.tf")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("IB101", 5)]


def test_cli_exit_code_on_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA.replace("var.http_tokens", '"optional"'))
    result = subprocess.run(
        [sys.executable, "-m", "iblint", "check", "main.tf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.startswith("main.tf:5:19: IB101 ")
