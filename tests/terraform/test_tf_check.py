"""Terraform through the whole pipeline: discovery, loading, rules, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from iblint import check_paths, check_text
from tests.terraform.plan_documents import NOOP_PLAN, PLAN

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


RECIPE_GP2 = """\
resource "aws_imagebuilder_image_recipe" "a" {
  name         = "app"
  version      = "1.0.0"
  parent_image = "ami-0123456789abcdef0"

  block_device_mapping {
    device_name = "/dev/xvda"
    ebs {
      volume_type = "gp2"
      throughput  = 300
    }
  }

  dynamic "block_device_mapping" {
    for_each = var.extra_volumes
    content {
      device_name = block_device_mapping.value
    }
  }

  component {
    component_arn = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"
  }
}
"""


def test_dynamic_blocks_do_not_hide_the_static_blocks_beside_them(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(RECIPE_GP2)
    assert [(rule, line, col) for _, rule, line, col, _ in _findings(tmp_path)] == [
        ("IB201", 10, 21)
    ]


def test_exponent_numbers_are_valid_hcl_and_read_as_unknown(tmp_path: Path) -> None:
    # tree-sitter's HCL grammar lacks exponents; Terraform reads 1e4 as 10000.
    (tmp_path / "main.tf").write_text(
        RECIPE_GP2.replace("throughput  = 300", "throughput  = 1e4").replace('"gp2"', '"gp3"')
    )
    (tmp_path / "variables.tf").write_text('variable "tp" {\n  default = 1e3\n}\n')
    assert _findings(tmp_path) == []


def test_override_files_are_not_checked_alone_and_their_resources_not_guessed(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text(INFRA.replace("var.http_tokens", '"optional"'))
    (tmp_path / "main_override.tf").write_text(
        'resource "aws_imagebuilder_infrastructure_configuration" "build" {\n'
        "  instance_metadata_options {\n"
        '    http_tokens = "required"\n'
        "  }\n"
        "}\n"
    )
    assert _findings(tmp_path) == []


def test_override_files_override_variable_defaults(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "optional"\n}\n')
    (tmp_path / "override.tf").write_text('variable "http_tokens" {\n  default = "required"\n}\n')
    assert _findings(tmp_path) == []


def test_a_tfvars_null_keeps_the_default_of_a_variable_that_is_not_nullable(
    tmp_path: Path,
) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text(
        'variable "http_tokens" {\n  default  = "required"\n  nullable = false\n}\n'
    )
    (tmp_path / "terraform.tfvars").write_text("http_tokens = null\n")
    assert _findings(tmp_path) == []


def test_resources_never_created_are_not_checked(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_imagebuilder_infrastructure_configuration" "off" {\n'
        "  count = 0\n"
        '  name = "off"\n'
        '  instance_profile_name = "p"\n'
        "}\n"
        'resource "aws_imagebuilder_infrastructure_configuration" "none" {\n'
        "  for_each = {}\n"
        '  name = "none"\n'
        '  instance_profile_name = "p"\n'
        "}\n"
    )
    assert _findings(tmp_path) == []


def test_bom_is_not_a_column(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_bytes(
        b"\xef\xbb\xbf" + INFRA.replace("var.http_tokens", '"optional"').encode()
    )
    assert [(line, col) for _, _, line, col, _ in _findings(tmp_path)] == [(5, 19)]


def test_an_argument_given_twice_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        INFRA.replace(
            "    http_tokens = var.http_tokens\n",
            '    http_tokens = "optional"\n    http_tokens = "required"\n',
        )
    )
    assert [(rule, line, col) for _, rule, line, col, _ in _findings(tmp_path)] == [("IB002", 6, 5)]


def test_planned_values_nulls_are_known_to_be_unset(tmp_path: Path) -> None:
    plan = json.loads(PLAN)
    del plan["resource_changes"]
    options = plan["planned_values"]["root_module"]["resources"][0]["values"]
    options["instance_metadata_options"] = [{"http_tokens": None}]
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=2))
    messages = [message for _, rule, _, _, message in _findings(tmp_path) if rule == "IB101"]
    assert len(messages) == 1 and "httpTokens is not set" in messages[0]


def test_no_op_plan_zero_values_are_unset_as_the_provider_reads_them(tmp_path: Path) -> None:
    # The AWS provider sends throughput, iops, volume_type... only when not 0 or "" (its
    # expandEBSInstanceBlockDeviceSpecification): no throughput finding on either volume.
    (tmp_path / "plan.json").write_text(NOOP_PLAN)
    found = _findings(tmp_path)
    # The second volume's encrypted "false" is a setting (IB207); "" is not.
    assert [(rule_id, line) for _, rule_id, line, _, _ in found] == [("IB207", 43), ("IB101", 74)]
    # http_tokens "" is not sent either: the setting is missing, not invalid.
    assert "httpTokens is not set" in found[1][4]


def test_a_literal_zero_throughput_in_a_configuration_stays_a_value(tmp_path: Path) -> None:
    # In configuration the provider's validation refuses throughput = 0 (IntBetween(125, 2000)),
    # so it is reported, not read as unset.
    (tmp_path / "main.tf").write_text(RECIPE_GP2.replace("throughput  = 300", "throughput  = 0"))
    assert [(rule, line, col) for _, rule, line, col, _ in _findings(tmp_path)] == [
        ("IB201", 10, 21),
        ("IB202", 10, 21),
    ]


def test_a_tfvars_null_replaces_the_default_and_leaves_the_argument_unset(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "required"\n}\n')
    (tmp_path / "terraform.tfvars").write_text("http_tokens = null\n")
    ((path, rule_id, line, column, message),) = _findings(tmp_path)
    assert (path, rule_id, line, column) == ("main.tf", "IB101", 5, 5)  # at the argument
    assert "httpTokens is not set" in message
    assert message.endswith("(var.http_tokens = null, set in terraform.tfvars:1)")


def test_a_null_in_a_json_variables_file_replaces_the_default_too(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text(
        'variable "http_tokens" {\n  default  = "required"\n  nullable = true\n}\n'
    )
    (tmp_path / "x.auto.tfvars.json").write_text('{"http_tokens": null}')
    assert [rule for _, rule, *_ in _findings(tmp_path)] == ["IB101"]


def test_a_later_variables_file_overrides_a_null(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "optional"\n}\n')
    (tmp_path / "terraform.tfvars").write_text("http_tokens = null\n")
    (tmp_path / "a.auto.tfvars").write_text('http_tokens = "required"\n')
    assert _findings(tmp_path) == []


def test_a_single_block_given_twice_is_reported(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        INFRA.replace(
            "    http_tokens = var.http_tokens\n  }\n",
            '    http_tokens = "optional"\n  }\n  instance_metadata_options {\n'
            '    http_tokens = "required"\n  }\n',
        )
    )
    assert [(rule, line, col) for _, rule, line, col, _ in _findings(tmp_path)] == [("IB002", 7, 3)]


def test_json_override_files_are_followed_like_native_ones(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA.replace("var.http_tokens", '"optional"'))
    (tmp_path / "main_override.tf.json").write_text(
        '{"resource": {"aws_imagebuilder_infrastructure_configuration": {"build": '
        '{"instance_metadata_options": {"http_tokens": "required"}}}}}'
    )
    assert _findings(tmp_path) == []


def test_a_fifo_beside_the_module_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "optional"\n}\n')
    fifo = tmp_path / "terraform.tfvars"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    found: list[list[str]] = []
    worker = threading.Thread(
        target=lambda: found.append([rule for _, rule, *_ in _findings(tmp_path)]), daemon=True
    )
    worker.start()
    worker.join(timeout=20)
    stuck = worker.is_alive()
    if stuck:  # let the reader go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
    assert not stuck
    assert found == [["IB101"]]


def test_each_run_reads_the_module_afresh(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(INFRA)
    (tmp_path / "variables.tf").write_text('variable "http_tokens" {\n  default = "optional"\n}\n')
    assert len(_findings(tmp_path)) == 1
    (tmp_path / "terraform.tfvars").write_text('http_tokens = "required"\n')
    assert _findings(tmp_path) == []
