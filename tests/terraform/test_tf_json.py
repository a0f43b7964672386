"""Terraform JSON syntax (*.tf.json, CDK for Terraform output)."""

from __future__ import annotations

from pathlib import Path

from iblint.dialects.terraform_hcl import VariableValue
from iblint.dialects.terraform_json import json_resources
from iblint.model import Mapping, Scalar, Sequence, Span, Unknown
from iblint.syntax.json_tree import parse_json

CDKTF = """\
{
  "resource": {
    "aws_imagebuilder_infrastructure_configuration": {
      "build": {
        "name": "build",
        "instance_profile_name": "${aws_iam_instance_profile.p.name}",
        "instance_metadata_options": {
          "http_tokens": "optional"
        }
      }
    },
    "aws_imagebuilder_image_recipe": {
      "app": {
        "name": "app",
        "version": "1.0.0",
        "parent_image": "${var.parent}",
        "block_device_mapping": [
          {"device_name": "/dev/xvda", "ebs": {"volume_type": "gp2", "throughput": 250}},
          {"device_name": "/dev/xvdb", "ebs": [{"volume_type": "gp3", "throughput": 125}]}
        ],
        "dynamic": {"component": {"for_each": "${var.c}", "content": {}}},
        "tags": {"Team": "platform"}
      }
    }
  }
}
"""


def _bodies(variables: dict[str, VariableValue] | None = None) -> dict[str, Mapping]:
    root, problems = parse_json(CDKTF)
    assert root is not None and problems == []
    origins: dict[Span, str] = {}
    return {r.name: r.body for r in json_resources(root, variables or {}, origins)}


def test_resources_blocks_and_expressions() -> None:
    bodies = _bodies()
    infra = bodies["aws_imagebuilder_infrastructure_configuration.build"]
    assert isinstance(infra.get("instanceProfileName"), Unknown)
    options = infra.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "optional"
    assert tokens.span == Span(8, 26, 8, 36)
    recipe = bodies["aws_imagebuilder_image_recipe.app"]
    assert isinstance(recipe.get("parentImage"), Unknown)
    assert isinstance(recipe.get("components"), Unknown)
    devices = recipe.get("blockDeviceMappings")
    assert isinstance(devices, Sequence) and len(devices.items) == 2
    for device in devices.items:
        assert isinstance(device, Mapping) and isinstance(device.get("ebs"), Mapping)
    tags = recipe.get("tags")
    assert isinstance(tags, Mapping) and "Team" in tags.entries


def test_variable_interpolation_takes_the_module_value() -> None:
    parent = Scalar("ami-0123456789abcdef0", Span(2, 13, 2, 36))
    bodies = _bodies({"parent": VariableValue(parent, "the variable's default at variables.tf:2")})
    value = bodies["aws_imagebuilder_image_recipe.app"].get("parentImage")
    assert isinstance(value, Scalar) and value.value == "ami-0123456789abcdef0"


def test_tf_json_files_are_checked_through_the_whole_pipeline(tmp_path: Path) -> None:
    from iblint import check_paths

    (tmp_path / "cdk.tf.json").write_text(CDKTF)
    (tmp_path / "variables.tf").write_text('variable "parent" {\n  default = "ami-123"\n}\n')
    findings = check_paths(["."], root=tmp_path).findings
    assert [(f.path, f.rule_id, f.span.start_line, f.span.start_col) for f in findings] == [
        ("cdk.tf.json", "IB101", 8, 26),
        ("cdk.tf.json", "IB301", 16, 25),
        ("cdk.tf.json", "IB201", 18, 84),
    ]
    assert findings[1].message.endswith(
        "(var.parent = 'ami-123', the variable's default at variables.tf:2)"
    )


def test_broken_tf_json_is_reported_only_when_it_declares_image_builder(tmp_path: Path) -> None:
    from iblint import check_paths

    (tmp_path / "a.tf.json").write_text('{"resource": {"aws_imagebuilder_image_recipe": {')
    (tmp_path / "b.tf.json").write_text('{"resource": {"aws_s3_bucket": {')
    findings = check_paths(["."], root=tmp_path).findings
    assert [(f.path, f.rule_id) for f in findings] == [("a.tf.json", "IB001")]
