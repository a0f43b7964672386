"""The cross-member and cross-resource policies of issue 7 (IB102, IB203-IB207, IB302-IB305,
IB402, IB403) beyond their spec examples: how pipelines tie resources together in every
format, what an ``Fn::If`` may or may not prove, and that related rules never report one
problem twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iblint import check_paths, check_text
from iblint.config import Config
from iblint.dialects import LoadContext
from iblint.dialects import cloudformation as cloudformation_dialect
from iblint.loading import load_path
from iblint.model import Finding, Mapping, Reference, Resource, ResourceKind, Unknown
from iblint.syntax.yaml_tree import parse_yaml
from tests.terraform.loading import load_tf, load_tf_json
from tests.work_counts import assert_linear


def _only(*rules: str) -> Config:
    return Config.build(select=list(rules))


def _positions(findings: list[Finding], rule_id: str) -> list[str]:
    return [f"{f.span.start_line}:{f.span.start_col}" for f in findings if f.rule_id == rule_id]


# --- references kept by the dialects ---------------------------------------------------------


def _cfn_pipeline_body(properties: str) -> Mapping:
    text = (
        "Resources:\n  Pipeline:\n    Type: AWS::ImageBuilder::ImagePipeline\n"
        "    Properties:\n" + properties
    )
    documents, _ = parse_yaml(text, {})
    (resource,) = cloudformation_dialect.resources(documents[0], LoadContext(None))
    assert resource.kind is ResourceKind.IMAGE_PIPELINE
    return resource.body


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("!Ref Infra", "Infra"),
        ("!GetAtt Infra.Arn", "Infra"),
        ("{'Fn::GetAtt': [Infra, Arn]}", "Infra"),
    ],
)
def test_cloudformation_refs_to_an_arn_name_their_resource(written: str, target: str) -> None:
    body = _cfn_pipeline_body(f"      InfrastructureConfigurationArn: {written}\n")
    node = body.get("infrastructureConfigurationArn")
    assert isinstance(node, Reference) and node.target == target


@pytest.mark.parametrize("written", ["!Ref AWS::Region", "!GetAtt Infra.Name", "!Sub '${Infra}'"])
def test_other_intrinsics_stay_plain_unknowns(written: str) -> None:
    node = _cfn_pipeline_body(f"      InfrastructureConfigurationArn: {written}\n").get(
        "infrastructureConfigurationArn"
    )
    assert isinstance(node, Unknown) and not isinstance(node, Reference)


@pytest.mark.parametrize(
    ("expression", "target"),
    [
        ("aws_imagebuilder_infrastructure_configuration.build.arn", "build"),
        ("aws_imagebuilder_infrastructure_configuration.build.id", "build"),
        ("aws_imagebuilder_infrastructure_configuration.build[0].arn", "build"),
        ('aws_imagebuilder_infrastructure_configuration.build["a"].arn', "build"),
    ],
)
def test_terraform_arn_references_name_their_resource(expression: str, target: str) -> None:
    source = f'resource "aws_imagebuilder_image_pipeline" "p" {{\n  x = {expression}\n}}\n'
    source = source.replace("x =", "infrastructure_configuration_arn =")
    (resource,) = load_tf(source.encode()).resources
    node = resource.body.get("infrastructureConfigurationArn")
    assert isinstance(node, Reference)
    assert node.target == f"aws_imagebuilder_infrastructure_configuration.{target}"
    assert not node.may_be_null


@pytest.mark.parametrize(
    "expression",
    [
        "data.aws_imagebuilder_infrastructure_configuration.build.arn",
        "aws_imagebuilder_infrastructure_configuration.build.name",
        "aws_s3_bucket.logs.arn",
        "var.infrastructure_arn",
    ],
)
def test_other_terraform_expressions_are_not_references(expression: str) -> None:
    source = f'resource "aws_imagebuilder_image_pipeline" "p" {{\n  infrastructure_configuration_arn = {expression}\n}}\n'
    (resource,) = load_tf(source.encode()).resources
    assert not isinstance(resource.body.get("infrastructureConfigurationArn"), Reference)


def test_terraform_json_templates_refer_too() -> None:
    document = {
        "resource": {
            "aws_imagebuilder_image_pipeline": {
                "p": {
                    "infrastructure_configuration_arn": (
                        "${aws_imagebuilder_infrastructure_configuration.build.arn}"
                    )
                }
            }
        }
    }
    (resource,) = load_tf_json(json.dumps(document)).resources
    node = resource.body.get("infrastructureConfigurationArn")
    assert isinstance(node, Reference)


# --- IB102 in every shape --------------------------------------------------------------------

_INFRA_TF = """\
resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                  = "container-build"
  instance_profile_name = "ImageBuilderInstanceProfile"

  instance_metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}
"""
_PIPELINE_TF = """\
resource "aws_imagebuilder_image_pipeline" "app" {
  name                             = "app"
  container_recipe_arn             = aws_imagebuilder_container_recipe.app.arn
  infrastructure_configuration_arn = aws_imagebuilder_infrastructure_configuration.build.arn
}
"""


def test_a_pipeline_in_another_file_of_the_module_ties_the_infrastructure(
    tmp_path: Path,
) -> None:
    (tmp_path / "infrastructure.tf").write_text(_INFRA_TF)
    (tmp_path / "pipelines.tf").write_text(_PIPELINE_TF)
    # The pre-commit case: only the changed file is named.
    findings = check_paths(
        [str(tmp_path / "infrastructure.tf")], _only("IB102"), root=tmp_path
    ).findings
    assert [(f.path, f.span.start_line) for f in findings] == [("infrastructure.tf", 7)]
    assert "aws_imagebuilder_image_pipeline.app" in findings[0].message
    # The whole module: still one finding, on the infrastructure configuration.
    findings = check_paths([str(tmp_path)], _only("IB102"), root=tmp_path).findings
    assert [(f.path, f.span.start_line) for f in findings] == [("infrastructure.tf", 7)]


def test_a_tf_json_pipeline_in_the_module_counts(tmp_path: Path) -> None:
    (tmp_path / "infrastructure.tf").write_text(_INFRA_TF)
    pipeline = {
        "resource": {
            "aws_imagebuilder_image_pipeline": {
                "app": {
                    "name": "app",
                    "container_recipe_arn": "${aws_imagebuilder_container_recipe.app.arn}",
                    "infrastructure_configuration_arn": (
                        "${aws_imagebuilder_infrastructure_configuration.build.arn}"
                    ),
                }
            }
        }
    }
    (tmp_path / "pipelines.tf.json").write_text(json.dumps(pipeline))
    findings = check_paths(
        [str(tmp_path / "infrastructure.tf")], _only("IB102"), root=tmp_path
    ).findings
    assert _positions(findings, "IB102") == ["7:35"]


def test_a_pipeline_in_another_module_is_not_related(tmp_path: Path) -> None:
    (tmp_path / "infrastructure.tf").write_text(_INFRA_TF)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "pipelines.tf").write_text(_PIPELINE_TF)
    assert check_paths([str(tmp_path)], _only("IB102"), root=tmp_path).findings == []


def test_module_files_are_read_only_when_they_refer_to_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "infrastructure.tf").write_text(_INFRA_TF)
    (tmp_path / "pipelines.tf").write_text(_PIPELINE_TF.replace(".build.arn", ".other.arn"))
    (tmp_path / "broken.tf").write_text("resource {{{ aws_imagebuilder_image_pipeline")
    loaded = load_path(tmp_path / "infrastructure.tf", "infrastructure.tf")
    assert loaded.related == []


def test_an_image_ties_like_a_pipeline_and_names_every_pipeline() -> None:
    text = (
        _INFRA_TF
        + _PIPELINE_TF
        + _PIPELINE_TF.replace(
            'aws_imagebuilder_image_pipeline" "app"', 'aws_imagebuilder_image" "nightly"'
        )
    )
    findings = check_text(text, "main.tf", _only("IB102"))
    assert len(findings) == 1
    assert "(and 1 more pipeline build containers)" in findings[0].message


def _template(hops: str, tokens: str = "required", recipe: str = "!Ref AppRecipe") -> str:
    return f"""\
Conditions:
  Prod: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  Infra:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: build
      InstanceProfileName: Profile
      InstanceMetadataOptions:
        HttpTokens: {tokens}
        HttpPutResponseHopLimit: {hops}
  Pipeline:
    Type: AWS::ImageBuilder::ImagePipeline
    Properties:
      Name: app
      ContainerRecipeArn: {recipe}
      InfrastructureConfigurationArn: !Ref Infra
"""


@pytest.mark.parametrize(
    ("hops", "tokens", "recipe", "expected"),
    [
        ("!If [Prod, 1, 2]", "required", "!Ref AppRecipe", ["11:45"]),
        ("1", "!If [Prod, required, optional]", "!Ref AppRecipe", []),
        ("1", "!Ref Tokens", "!Ref AppRecipe", []),
        ("!Ref Hops", "required", "!Ref AppRecipe", []),
        ("0", "required", "!Ref AppRecipe", []),
        ("1", "required", "!If [Prod, !Ref AppRecipe, !Ref AWS::NoValue]", []),
        ("1", "required", "!ImportValue shared-recipe", ["11:34"]),
        (
            '"1"',
            "required",
            "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/app/1.0.0",
            ["11:34"],
        ),
    ],
)
def test_ib102_reports_only_what_holds_in_every_case(
    hops: str, tokens: str, recipe: str, expected: list[str]
) -> None:
    findings = check_text(_template(hops, tokens, recipe), "template.yaml", _only("IB102"))
    assert _positions(findings, "IB102") == expected


def test_ib102_plan_with_known_arns_and_a_child_module() -> None:
    infra_arn = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/build"
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "module.images[0].aws_imagebuilder_infrastructure_configuration.build",
                "mode": "managed",
                "type": "aws_imagebuilder_infrastructure_configuration",
                "change": {
                    "actions": ["no-op"],
                    "after": {
                        "arn": infra_arn,
                        "instance_metadata_options": [
                            {"http_put_response_hop_limit": 0, "http_tokens": "required"}
                        ],
                    },
                },
            },
            {
                "address": "module.images[0].aws_imagebuilder_image_pipeline.app",
                "mode": "managed",
                "type": "aws_imagebuilder_image_pipeline",
                "change": {
                    "actions": ["update"],
                    "after": {
                        "container_recipe_arn": (
                            "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/app/1.0.0"
                        ),
                        "infrastructure_configuration_arn": infra_arn,
                    },
                },
            },
        ],
    }
    findings = check_text(json.dumps(plan, indent=1), "plan.json", _only("IB102"))
    assert len(findings) == 1
    assert "not set" in findings[0].message


def test_ib102_plan_references_in_a_module_call() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "module.images.aws_imagebuilder_infrastructure_configuration.build",
                "mode": "managed",
                "type": "aws_imagebuilder_infrastructure_configuration",
                "change": {
                    "after": {
                        "instance_metadata_options": [
                            {"http_put_response_hop_limit": 1, "http_tokens": "required"}
                        ]
                    },
                    "after_unknown": {"arn": True},
                },
            },
            {
                "address": "module.images.aws_imagebuilder_image_pipeline.app",
                "mode": "managed",
                "type": "aws_imagebuilder_image_pipeline",
                "change": {
                    "after": {"name": "app"},
                    "after_unknown": {
                        "container_recipe_arn": True,
                        "infrastructure_configuration_arn": True,
                    },
                },
            },
        ],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "images": {
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_imagebuilder_image_pipeline.app",
                                    "type": "aws_imagebuilder_image_pipeline",
                                    "expressions": {
                                        "container_recipe_arn": {
                                            "references": [
                                                "aws_imagebuilder_container_recipe.app.arn"
                                            ]
                                        },
                                        "infrastructure_configuration_arn": {
                                            "references": [
                                                "aws_imagebuilder_infrastructure_configuration.build.arn"
                                            ]
                                        },
                                    },
                                }
                            ]
                        }
                    }
                }
            }
        },
    }
    findings = check_text(json.dumps(plan, indent=1), "plan.json", _only("IB102"))
    assert len(findings) == 1
    assert "module.images.aws_imagebuilder_container_recipe.app" in findings[0].message


def test_ib102_plan_without_configuration_knows_nothing() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_imagebuilder_infrastructure_configuration.build",
                "type": "aws_imagebuilder_infrastructure_configuration",
                "change": {
                    "after": {
                        "instance_metadata_options": [
                            {"http_put_response_hop_limit": 1, "http_tokens": "required"}
                        ]
                    }
                },
            },
            {
                "address": "aws_imagebuilder_image_pipeline.app",
                "type": "aws_imagebuilder_image_pipeline",
                "change": {
                    "after": {},
                    "after_unknown": {
                        "container_recipe_arn": True,
                        "infrastructure_configuration_arn": True,
                    },
                },
            },
        ],
    }
    assert check_text(json.dumps(plan), "plan.json", _only("IB102")) == []


def test_ib102_is_linear_in_pipelines_and_configurations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pipelines of a file are indexed once, not once per infrastructure configuration."""
    from iblint.checks import imds

    indexed: list[int] = []
    index_builds = imds._index_builds

    def counting(resources: tuple[Resource, ...]) -> dict[tuple[str, object], list[object]]:
        indexed.append(len(resources))
        return index_builds(resources)  # type: ignore[return-value]

    monkeypatch.setattr(imds, "_index_builds", counting)

    def run(count: int) -> None:
        resources = {}
        for index in range(count):
            resources[f"Infra{index}"] = {
                "Type": "AWS::ImageBuilder::InfrastructureConfiguration",
                "Properties": {
                    "Name": f"build-{index}",
                    "InstanceProfileName": "Profile",
                    "InstanceMetadataOptions": {
                        "HttpTokens": "required",
                        "HttpPutResponseHopLimit": 1,
                    },
                },
            }
            resources[f"Pipeline{index}"] = {
                "Type": "AWS::ImageBuilder::ImagePipeline",
                "Properties": {
                    "Name": f"app-{index}",
                    "ContainerRecipeArn": {"Ref": "Recipe"},
                    "InfrastructureConfigurationArn": {"Ref": f"Infra{index}"},
                },
            }
        text = json.dumps({"Resources": resources})
        indexed.clear()
        findings = check_text(text, "template.json", _only("IB102"))
        assert len(findings) == count
        assert indexed == [count]  # once per file, over the pipelines: the kind IB102 relates to

    assert_linear(run, 500)  # 1,000 pipelines and configurations cost twice 500's, not 4 times


# --- one problem, one finding ----------------------------------------------------------------

_RECIPE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: web
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      Components:
        - ComponentArn: arn:aws:imagebuilder:us-east-1:123456789012:component/agent/1.x.x
"""


def _catalog(tmp_path: Path, statuses: dict[str, str]) -> Path:
    entries = [
        {
            "arn": f"arn:aws:imagebuilder:us-east-1:123456789012:component/agent/{version}/1",
            "state": {"status": status},
        }
        for version, status in statuses.items()
    ]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"componentSummaryList": entries}))
    return path


@pytest.mark.parametrize(
    ("statuses", "rule"),
    [
        ({"1.0.0": "DISABLED", "1.1.0": "DISABLED"}, "IB402"),
        ({"1.0.0": "DEPRECATED", "1.1.0": "DISABLED"}, "IB401"),
        ({"1.0.0": "DEPRECATED", "1.1.0": "DEPRECATED"}, "IB401"),
        ({"1.0.0": "DISABLED", "1.1.0": "ACTIVE"}, None),
    ],
)
def test_deprecated_and_disabled_references_give_one_finding(
    tmp_path: Path, statuses: dict[str, str], rule: str | None
) -> None:
    (tmp_path / "template.yaml").write_text(_RECIPE)
    config = Config.build(select=["IB401", "IB402"], catalogs=[_catalog(tmp_path, statuses)])
    findings = check_paths([str(tmp_path / "template.yaml")], config, root=tmp_path).findings
    assert [f.rule_id for f in findings] == ([rule] if rule else [])


def test_a_malformed_component_arn_is_ib303_only() -> None:
    text = _RECIPE.replace("agent/1.x.x", "Agent/x.1.x")
    findings = check_text(text, "template.yaml", _only("IB3", "IB4"))
    assert [f.rule_id for f in findings] == ["IB303"]


def test_a_throughput_out_of_every_range_is_ib202_only() -> None:
    text = """\
name: web
semanticVersion: 1.0.0
parentImage: ami-0123456789abcdef0
blockDeviceMappings:
  - deviceName: /dev/xvda
    ebs: {volumeType: gp3, volumeSize: 20000, iops: 3000, throughput: 4000}
"""
    findings = check_text(text, "request.yaml", _only("IB2"))
    assert [f.rule_id for f in findings] == ["IB202"]


# --- Fn::If on several members ---------------------------------------------------------------

_VOLUME = """\
Conditions:
  Fast: !Equals [!Ref AWS::AccountId, "111122223333"]
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: web
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      BlockDeviceMappings:
        - DeviceName: /dev/xvda
          Ebs:
{ebs}
"""


@pytest.mark.parametrize(
    ("ebs", "expected"),
    [
        # The throughput of the branch that is not gp3 is IB201's; its missing iops IB205's.
        ("VolumeType: !If [Fast, gp3, io1]\nThroughput: !If [Fast, 125, 1000]", ["IB205"]),
        ("VolumeType: gp3\nThroughput: !If [Fast, 1000, 125]", ["IB203"]),
        ("VolumeType: gp3\nIops: !If [Fast, 4000, !Ref AWS::NoValue]\nThroughput: 1000", []),
        ("VolumeType: !If [Fast, io2, gp2]\nIops: !If [Fast, 4000, !Ref AWS::NoValue]", []),
        ("VolumeType: !If [Fast, io2, io1]", ["IB205", "IB205"]),
        ("VolumeType: !If [Fast, st1, sc1]\nVolumeSize: 100", ["IB206"]),
        ("VolumeType: !If [Fast, st1, gp3]\nVolumeSize: 100", []),
        ("VolumeType: io1\nVolumeSize: !If [Fast, 400, 100]\nIops: 20000", []),
        ("VolumeType: io1\nVolumeSize: 100\nIops: 20000", ["IB206"]),
        ("VolumeType: gp3\nEncrypted: !If [Fast, true, false]", ["IB207"]),
    ],
)
def test_cross_member_rules_hold_for_every_branch(ebs: str, expected: list[str]) -> None:
    indented = "\n".join(" " * 12 + line for line in ebs.splitlines())
    findings = check_text(
        _VOLUME.format(ebs=indented),
        "template.yaml",
        _only("IB203", "IB204", "IB205", "IB206", "IB207"),
    )
    assert sorted(f.rule_id for f in findings) == expected


def test_ib403_compares_within_each_list_and_only_certain_entries() -> None:
    text = _RECIPE + (
        "        - ComponentArn: !If [Prod, arn:aws:imagebuilder:us-east-1:123456789012:component/agent/1.0.0,"
        " !Ref AWS::NoValue]\n"
    )
    assert check_text(text, "template.yaml", _only("IB403")) == []
    text = (
        _RECIPE
        + "        - ComponentArn: arn:aws:imagebuilder:us-east-1:123456789012:component/agent/2.0.0\n"
    )
    findings = check_text(text, "template.yaml", _only("IB403"))
    assert _positions(findings, "IB403") == ["10:25"]
    assert "(line 9)" in findings[0].message


def test_ib302_offers_the_exact_version_for_a_component() -> None:
    text = """\
name: hardening
semanticVersion: 2.1.x
platform: Linux
uri: s3://bucket/hardening.yaml
"""
    (finding,) = check_text(text, "request.yaml", _only("IB302"))
    assert finding.fix == "set semanticVersion to a full version, such as 2.1.0"


def test_ib304_and_ib305_skip_recipes_the_service_already_holds() -> None:
    response = {
        "containerRecipe": {
            "arn": "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/app/1.0.0",
            "name": "app",
            "parentImage": "public.ecr.aws/docker/library/python:3.12-slim",
        }
    }
    assert check_text(json.dumps(response), "response.json", _only("IB304", "IB305")) == []
