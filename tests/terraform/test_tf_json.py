"""Terraform JSON syntax (*.tf.json, CDK for Terraform output)."""

from __future__ import annotations

import json
from pathlib import Path

from iblint.model import Mapping, Scalar, Sequence, Span, Unknown
from tests.terraform.loading import load_tf_json

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


def _bodies(directory: Path | None = None) -> dict[str, Mapping]:
    path = directory / "cdk.tf.json" if directory is not None else None
    loaded = load_tf_json(CDKTF, path)
    assert loaded.problems == []
    return {r.name: r.body for r in loaded.resources}


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


def test_variable_interpolation_takes_the_module_value(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "parent" {\n  default = "ami-0123456789abcdef0"\n}\n'
    )
    bodies = _bodies(tmp_path)
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


INFRA_JSON = """\
{
  "resource": {
    "aws_imagebuilder_infrastructure_configuration": {
      "build": {
        "name": "build",
        "instance_profile_name": "builder",
        "instance_metadata_options": {"http_tokens": "${var.tokens}"}
      }
    }
  }
}
"""


def test_count_zero_and_empty_for_each_are_never_created(tmp_path: Path) -> None:
    from iblint import check_paths

    document = json.loads(INFRA_JSON)
    resources = document["resource"]["aws_imagebuilder_infrastructure_configuration"]
    resources["build"]["instance_metadata_options"]["http_tokens"] = "optional"
    resources["off"] = {**resources["build"], "count": 0}
    resources["none"] = {**resources["build"], "for_each": {}}
    resources["empty"] = {**resources["build"], "for_each": []}
    resources["by_variable"] = {**resources["build"], "count": "${var.enabled}"}
    (tmp_path / "main.tf.json").write_text(json.dumps(document, indent=2))
    (tmp_path / "variables.tf.json").write_text('{"variable": {"enabled": {"default": 0}}}')
    findings = check_paths(["."], root=tmp_path).findings
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("IB101", 8)]


def test_variables_declared_in_tf_json_files_give_their_defaults(tmp_path: Path) -> None:
    from iblint import check_paths

    (tmp_path / "main.tf.json").write_text(INFRA_JSON)
    (tmp_path / "variables.tf.json").write_text(
        '{\n  "variable": {\n    "tokens": {\n      "default": "optional"\n    }\n  }\n}\n'
    )
    (tmp_path / "main.tf").write_text(
        'resource "aws_imagebuilder_infrastructure_configuration" "native" {\n'
        '  name = "native"\n'
        '  instance_profile_name = "builder"\n'
        "  instance_metadata_options {\n"
        "    http_tokens = var.tokens\n"
        "  }\n"
        "}\n"
    )
    findings = check_paths(["."], root=tmp_path).findings
    assert [(f.path, f.rule_id, f.span.start_line) for f in findings] == [
        ("main.tf", "IB101", 5),
        ("main.tf.json", "IB101", 7),
    ]
    for finding in findings:
        assert finding.message.endswith(
            "(var.tokens = 'optional', the variable's default at variables.tf.json:4)"
        )


def test_templates_cannot_be_null_and_other_expressions_can() -> None:
    loaded = load_tf_json(
        '{"resource": {"aws_imagebuilder_image_recipe": {"r": {'
        '"name": "app-${var.env}", "description": "${var.text}", '
        '"parent_image": "${data.aws_ami.x.id}", "working_directory": "$${HOME}/x"}}}}'
    )
    (recipe,) = loaded.resources
    name = recipe.body.get("name")
    assert isinstance(name, Unknown) and not name.may_be_null and name.what == "template"
    description = recipe.body.get("description")
    assert isinstance(description, Unknown) and description.may_be_null
    parent = recipe.body.get("parentImage")
    assert isinstance(parent, Unknown) and parent.what == "data.aws_ami.x.id"
    directory = recipe.body.get("workingDirectory")
    assert isinstance(directory, Scalar) and directory.value == "${HOME}/x"  # $${ is an escape


def test_a_single_block_given_twice_is_reported() -> None:
    loaded = load_tf_json(
        '{"resource": {"aws_imagebuilder_infrastructure_configuration": {"b": {\n'
        '"instance_metadata_options": [{"http_tokens": "optional"},\n'
        '{"http_tokens": "required"}]}}}}'
    )
    (problem,) = loaded.problems
    assert problem.kind == "IB002" and problem.span.start_line == 3
    (infra,) = loaded.resources
    options = infra.body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "required"


def test_a_repeatable_block_written_as_one_object_is_a_list_of_one() -> None:
    loaded = load_tf_json(
        '{"resource": {"aws_imagebuilder_image_recipe": {"r": {'
        '"component": {"component_arn": "arn:aws:imagebuilder:us-east-1:aws:component/x/1.0.0"},'
        '"block_device_mapping": [{"device_name": "/dev/xvda"}]}}}}'
    )
    (recipe,) = loaded.resources
    for member in ("components", "blockDeviceMappings"):
        value = recipe.body.get(member)
        assert isinstance(value, Sequence) and len(value.items) == 1, member
        assert isinstance(value.items[0], Mapping)
