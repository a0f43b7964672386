"""A plan read for its Image Builder parts (:mod:`iblint.dialects.plan_selection`) gives what a
whole reading gives: the same resources (every node, span and slot), the same problems and the
same findings. When this fails after a change to the plan dialect, the dialect reads something
the selection leaves out: keep :func:`iblint.dialects.plan_selection.selection` in step.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import check_text, loading
from iblint.dialects.plan_selection import may_be_plan, read_plan
from iblint.loading import load_text
from iblint.model import Mapping, Sequence
from tests.terraform.plan_documents import NOOP_PLAN, PLAN
from tests.trees import assert_same_resources

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
IB = "aws_imagebuilder_"
INFRA_ARN = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/build"


def _change(address: str, type_name: str, after: Any, **extra: Any) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": type_name,
        "name": address.rsplit(".", 1)[-1],
        "change": {
            "actions": ["update"],
            "before": after,
            "after": after,
            "after_unknown": {"arn": True},
            "before_sensitive": False,
            "after_sensitive": {},
        },
        **extra,
    }


#: A plan with every section ``terraform show -json`` writes, Image Builder resources and
#: others in each, configuration references through a module call, and the odd cases the
#: dialect decides on (a deleted resource, a data source, a resource only in planned_values).
RICH: dict[str, Any] = {
    "format_version": "1.2",
    "terraform_version": "1.9.8",
    "variables": {"region": {"value": "us-east-1"}, "tags": {"value": {"type": "x"}}},
    "planned_values": {
        "outputs": {"arn": {"sensitive": False}},
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.logs",
                    "mode": "managed",
                    "type": "aws_s3_bucket",
                    "values": {"bucket": "logs"},
                },
                {
                    "address": "aws_imagebuilder_infrastructure_configuration.build",
                    "mode": "managed",
                    "type": f"{IB}infrastructure_configuration",
                    "values": {"name": "build", "instance_metadata_options": []},
                },
                {
                    "address": "aws_imagebuilder_image_recipe.only_planned",
                    "mode": "managed",
                    "type": f"{IB}image_recipe",
                    "name": "only_planned",
                    "values": {
                        "name": "only-planned",
                        "block_device_mapping": [
                            {"device_name": "/dev/xvda", "ebs": [{"volume_type": "gp2"}]}
                        ],
                    },
                    "sensitive_values": {},
                },
            ],
            "child_modules": [
                {
                    "address": "module.images",
                    "resources": [
                        {
                            "address": "module.images.aws_imagebuilder_image_recipe.app",
                            "mode": "managed",
                            "type": f"{IB}image_recipe",
                            "values": {"name": "app", "version": "1.0.0"},
                        },
                        {
                            "address": "module.images.data.aws_imagebuilder_image_recipe.d",
                            "mode": "data",
                            "type": f"{IB}image_recipe",
                            "values": {"name": "d"},
                        },
                    ],
                    "child_modules": [
                        {
                            "address": "module.images.module.deeper",
                            "resources": [
                                {
                                    "address": "module.images.module.deeper."
                                    "aws_imagebuilder_component.c",
                                    "mode": "managed",
                                    "type": f"{IB}component",
                                    "values": {"name": "c", "platform": "Linux"},
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    },
    "resource_drift": [_change("aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "logs"})],
    "resource_changes": [
        _change("aws_s3_bucket.logs", "aws_s3_bucket", {"bucket": "logs"}),
        _change(
            "aws_imagebuilder_infrastructure_configuration.build",
            f"{IB}infrastructure_configuration",
            {
                "arn": INFRA_ARN,
                "instance_metadata_options": [
                    {"http_put_response_hop_limit": 0, "http_tokens": "optional"}
                ],
            },
        ),
        _change(
            "module.images.aws_imagebuilder_image_recipe.app",
            f"{IB}image_recipe",
            {
                "name": "app",
                "block_device_mapping": [
                    {
                        "device_name": "/dev/xvda",
                        "ebs": [{"volume_type": "gp2", "throughput": 300, "iops": 0}],
                    }
                ],
            },
            module_address="module.images",
        ),
        _change(
            "module.images.aws_imagebuilder_image_pipeline.app",
            f"{IB}image_pipeline",
            {"name": "app"},
        ),
        # A data source's change is no resource: the planned resource of that address is.
        _change(
            "aws_imagebuilder_image_recipe.only_planned",
            f"{IB}image_recipe",
            {"name": "only-planned"},
            mode="data",
        ),
        {
            "address": "aws_imagebuilder_component.gone",
            "mode": "managed",
            "type": f"{IB}component",
            "change": {"actions": ["delete"], "before": {"name": "gone"}, "after": None},
        },
    ],
    "output_changes": {"arn": {"actions": ["create"], "after_unknown": True}},
    "prior_state": {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_imagebuilder_component.gone",
                        "mode": "managed",
                        "type": f"{IB}component",
                        "values": {"name": "gone"},
                    }
                ]
            }
        },
    },
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "expressions": {"region": {}}}},
        "root_module": {
            "resources": [
                {
                    "address": "aws_s3_bucket.logs",
                    "type": "aws_s3_bucket",
                    "expressions": {"bucket": {"constant_value": "logs"}},
                }
            ],
            "module_calls": {
                "images": {
                    "source": "./images",
                    "module": {
                        "resources": [
                            {
                                "address": "aws_imagebuilder_image_pipeline.app",
                                "type": f"{IB}image_pipeline",
                                "expressions": {
                                    "image_recipe_arn": {
                                        "references": [f"{IB}image_recipe.app.arn"]
                                    },
                                    "infrastructure_configuration_arn": {
                                        "references": [
                                            f"{IB}infrastructure_configuration.build.arn"
                                        ]
                                    },
                                },
                            }
                        ]
                    },
                }
            },
        },
    },
    "relevant_attributes": [{"resource": "aws_s3_bucket.logs", "attribute": ["bucket"]}],
    "checks": [],
    "timestamp": "2025-01-01T00:00:00Z",
    "applyable": True,
    "complete": True,
    "errored": False,
}


def _whole(text: str, name: str = "plan.json") -> Any:
    with mock.patch.object(loading, "_read_plan", lambda *args: None):
        return load_text(text, name)


def assert_same_as_whole(text: str, name: str = "plan.json") -> Any:
    selected = load_text(text, name)
    whole = _whole(text, name)
    assert_same_resources(whole.resources, selected.resources)
    assert selected.input_problems == whole.input_problems
    assert selected.origins == whole.origins
    return selected


def assert_read_selected(text: str) -> None:
    """The selected reading was taken (else the comparison compares a reading with itself)."""
    assert may_be_plan(text[: 64 * 1024])
    assert read_plan(text) is not None


def _texts(document: dict[str, Any]) -> list[str]:
    return [
        json.dumps(document, separators=(",", ":")),
        json.dumps(document, indent=2),
        json.dumps(document, indent=1, ensure_ascii=False).replace("\n", "\r\n"),
    ]


def test_the_rich_plan() -> None:
    for text in _texts(RICH):
        assert_read_selected(text)
        loaded = assert_same_as_whole(text)
        names = {resource.name for resource in loaded.resources}
        assert "aws_imagebuilder_image_recipe.only_planned" in names
        assert "module.images.module.deeper.aws_imagebuilder_component.c" in names
        assert not any("s3" in name or "gone" in name for name in names)


def test_the_rich_plan_findings() -> None:
    text = json.dumps(RICH, indent=2)
    selected = check_text(text, "plan.json")
    with mock.patch.object(loading, "_read_plan", lambda *args: None):
        whole = check_text(text, "plan.json")
    assert selected == whole
    assert {finding.rule_id for finding in selected} >= {"IB101", "IB201"}


def test_a_plan_another_dialect_claims_first_is_read_whole() -> None:
    """An AWSTOE document's members beside a plan's: the component dialect, asked first,
    reads the document as a whole reading gives it, not the plan's selected parts."""
    document = {
        "schemaVersion": 1.0,
        "phases": [{"name": "build", "steps": [{"name": "S", "action": "Nope"}]}],
        **RICH,
    }
    for text in _texts(document):
        loaded = assert_same_as_whole(text)
        assert [resource.kind.value for resource in loaded.resources] == ["component document"]


def test_the_test_suites_plans_and_the_example() -> None:
    example = (REPO / "examples" / "terraform" / "plan" / "tfplan.json").read_text()
    for text in (PLAN, NOOP_PLAN, example, PLAN.replace("\n", "\r\n")):
        assert_read_selected(text)
        assert_same_as_whole(text)


def test_generated_benchmark_plans() -> None:
    for seed in (1, 42):
        text = generate.plan(80_000, seed)
        assert_read_selected(text)
        loaded = assert_same_as_whole(text)
        assert loaded.resources
        assert_same_as_whole(json.dumps(json.loads(text), indent=2))


def test_only_the_image_builder_parts_get_nodes() -> None:
    selected = read_plan(json.dumps(RICH, indent=2))
    assert selected is not None
    root, problems = selected
    assert problems == []
    assert isinstance(root, Mapping)
    assert set(root.entries) == {
        "format_version",
        "terraform_version",
        "planned_values",
        "resource_changes",
        "configuration",
        "timestamp",
        "applyable",
        "complete",
        "errored",
    }
    changes = root.entries["resource_changes"]
    assert isinstance(changes, Sequence)
    assert len(changes.items) == 3  # not the bucket, the data source, the deleted component
    planned = root.entries["planned_values"]
    assert isinstance(planned, Mapping)
    assert set(planned.entries) == {"root_module"}  # not the outputs
    module = planned.entries["root_module"]
    assert isinstance(module, Mapping)
    resources = module.entries["resources"]
    assert isinstance(resources, Sequence)
    assert len(resources.items) == 1  # only the recipe that is not in resource_changes


def test_what_only_a_whole_reading_can_say_is_left_to_it() -> None:
    plan = json.dumps(RICH, indent=2)
    duplicate = plan.replace('"format_version": "1.0",', '"format_version": "1.0", "values": 1,')
    not_json = plan.replace('"applyable": true', '"applyable": NaN')
    broken = plan[:-3]
    huge_number = plan.replace('"errored": false', '"errored": ' + "9" * 5000)
    cloudformation = plan.replace('"checks": []', '"checks": [], "Resources": {}')
    for text in (duplicate, not_json, broken, huge_number, cloudformation):
        assert read_plan(text) is None
        loaded = assert_same_as_whole(text)
        if text is duplicate:
            assert [problem.kind for problem in loaded.input_problems] == ["IB002"]
        if text in (not_json, broken):
            assert [problem.kind for problem in loaded.input_problems] == ["IB001"]


def test_documents_that_are_not_plans_are_not_selected() -> None:
    assert read_plan('{"format_version": "1.2"}') is None
    assert read_plan('[{"format_version": "1.2", "resource_changes": []}]') is None
    assert read_plan('"resource_changes"') is None
    assert not may_be_plan(b'{"Resources": {"resource_changes": 1}}')
    assert may_be_plan(b'{"format_version":"1.2","terraform_version":"1.9","planned_values":{')


# --- Hypothesis: the rich plan with parts replaced, removed or added --------------------------

_ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from(["", "managed", "data", f"{IB}image_recipe", "aws_s3_bucket", "x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "mode", "address", "after", "values", "resources", "a", "phases", "steps"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


@st.composite
def _mutated_plans(draw: st.DrawFn) -> dict[str, Any]:
    plan = copy.deepcopy(RICH)
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(plan)[1:]
        path = draw(st.sampled_from(paths))
        parent: Any = plan
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_ANY_JSON)
        if not isinstance(plan, dict):
            break
    return plan


@FUZZ
@given(_mutated_plans(), st.sampled_from([None, 1]))
def test_mutated_plans(plan: dict[str, Any], indent: int | None) -> None:
    text = json.dumps(plan, indent=indent)
    assert_same_as_whole(text)
    selected = check_text(text, "plan.json")
    with mock.patch.object(loading, "_read_plan", lambda *args: None):
        assert selected == check_text(text, "plan.json")
