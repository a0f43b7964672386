"""The plan-JSON loader: resources from resource_changes (after / after_unknown) and
planned_values (root and child modules), translated to API member names."""

from __future__ import annotations

from iblint.dialects.terraform_plan import is_plan, plan_resources
from iblint.model import Mapping, Scalar, Sequence, Unknown
from iblint.syntax.json_tree import parse_json
from tests.terraform.plan_documents import PLAN


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
