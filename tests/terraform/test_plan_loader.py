"""The plan-JSON loader: resources from resource_changes (after / after_unknown) and
planned_values (root and child modules), translated to API member names."""

from __future__ import annotations

import json

from iblint.dialects.terraform_plan import is_plan, plan_resources
from iblint.model import Mapping, Scalar, Sequence, Unknown
from iblint.syntax.json_tree import parse_json
from tests.terraform.plan_documents import NOOP_PLAN, PLAN


def _resources() -> dict[str, Mapping]:
    root, problems = parse_json(PLAN)
    assert problems == [] and isinstance(root, Mapping) and is_plan(root)
    return {resource.name: resource.body for resource in plan_resources(root)}


def test_resources_come_from_resource_changes_once_each() -> None:
    resources = _resources()
    assert set(resources) == {
        "aws_imagebuilder_infrastructure_configuration.build",
        "module.images.aws_imagebuilder_image_recipe.app",
        "aws_imagebuilder_infrastructure_configuration.pending",
    }


def test_single_blocks_become_objects_and_list_blocks_lists() -> None:
    resources = _resources()
    infra = resources["aws_imagebuilder_infrastructure_configuration.build"]
    options = infra.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "optional"
    assert tokens.span.start_line == 64
    recipe = resources["module.images.aws_imagebuilder_image_recipe.app"]
    assert isinstance(recipe.get("semanticVersion"), Scalar)
    devices = recipe.get("blockDeviceMappings")
    assert isinstance(devices, Sequence)
    device = devices.items[0]
    assert isinstance(device, Mapping)
    assert device.get("noDevice") is None  # null means unset
    ebs = device.get("ebs")
    assert isinstance(ebs, Mapping)
    assert ebs.get("iops") is None
    throughput = ebs.get("throughput")
    assert isinstance(throughput, Scalar) and throughput.value == 300


def test_after_unknown_marks_values_unknown() -> None:
    pending = _resources()["aws_imagebuilder_infrastructure_configuration.pending"]
    assert isinstance(pending.get("instanceMetadataOptions"), Unknown)


def test_planned_values_only_resources_treat_absent_members_as_unknown() -> None:
    text = PLAN.replace('"resource_changes"', '"ignored_changes"')
    root, _ = parse_json(text)
    assert isinstance(root, Mapping)
    resources = {resource.name: resource.body for resource in plan_resources(root)}
    assert set(resources) == {
        "aws_imagebuilder_infrastructure_configuration.build",
        "module.images.aws_imagebuilder_image_recipe.app",
    }
    infra = resources["aws_imagebuilder_infrastructure_configuration.build"]
    assert isinstance(infra.get("subnetId"), Unknown)


def test_not_a_plan() -> None:
    root, _ = parse_json('{"resource_changes": []}')
    assert root is not None and not is_plan(root)


def test_the_providers_zero_values_are_unset_and_its_string_booleans_booleans() -> None:
    root, _ = parse_json(NOOP_PLAN)
    assert isinstance(root, Mapping)
    recipe = {resource.name: resource for resource in plan_resources(root)}[
        "aws_imagebuilder_image_recipe.app"
    ]
    assert recipe.named_in_messages
    assert "description" not in recipe.body.entries
    assert "workingDirectory" not in recipe.body.entries
    devices = recipe.body.get("blockDeviceMappings")
    assert isinstance(devices, Sequence)
    first, second = devices.items
    assert isinstance(first, Mapping) and isinstance(second, Mapping)
    assert "virtualName" not in first.entries
    ebs = first.get("ebs")
    assert isinstance(ebs, Mapping)
    assert set(ebs.entries) == {"deleteOnTermination", "volumeSize"}
    delete = ebs.get("deleteOnTermination")
    assert isinstance(delete, Scalar) and delete.value is True
    second_ebs = second.get("ebs")
    assert isinstance(second_ebs, Mapping)
    assert set(second_ebs.entries) == {"encrypted", "volumeType"}
    encrypted = second_ebs.get("encrypted")
    assert isinstance(encrypted, Scalar) and encrypted.value is False


def test_planned_values_zero_values_are_known_to_be_unset() -> None:
    plan = json.loads(NOOP_PLAN)
    change = plan.pop("resource_changes")[1]
    plan["planned_values"] = {
        "root_module": {
            "resources": [
                {
                    "address": change["address"],
                    "mode": "managed",
                    "type": change["type"],
                    "name": change["name"],
                    "values": change["change"]["after"],
                }
            ]
        }
    }
    root, _ = parse_json(json.dumps(plan, indent=2))
    assert isinstance(root, Mapping)
    (infra,) = plan_resources(root)
    options = infra.body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    assert options.get("httpTokens") is None  # not "unknown until apply"
    assert options.get("httpPutResponseHopLimit") is None
    assert isinstance(options.get("somethingElse"), Unknown)


def test_strings_in_a_plan_are_values_not_templates() -> None:
    root, _ = parse_json(
        '{"format_version": "1.2", "resource_changes": [{"address": "aws_imagebuilder_component.c",'
        ' "type": "aws_imagebuilder_component", "change": {"after": {"data": "echo ${HOME}"}}}]}'
    )
    assert isinstance(root, Mapping)
    (component,) = plan_resources(root)
    data = component.body.get("data")
    assert isinstance(data, Scalar) and data.value == "echo ${HOME}"
