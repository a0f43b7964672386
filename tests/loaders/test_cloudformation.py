"""CloudFormation templates to API-shaped resources: names, intrinsics, conditions."""

from __future__ import annotations

import pytest

from iblint import check_text
from iblint.config import Config
from iblint.loading import load_text
from iblint.model import Choice, Mapping, Node, Resource, Scalar, Sequence, Unknown
from iblint.model import ResourceKind as Kind


def resources(text: str, name: str = "template.yaml") -> list[Resource]:
    loaded = load_text(text, name)
    assert loaded.input_problems == []
    return loaded.resources


def only(text: str) -> Mapping:
    (resource,) = resources(text)
    return resource.body


def template(resource_type: str, properties: str) -> str:
    indented = "".join(f"      {line}\n" for line in properties.splitlines())
    return f"Resources:\n  Res:\n    Type: {resource_type}\n    Properties:\n{indented}"


def infra(properties: str) -> str:
    return template("AWS::ImageBuilder::InfrastructureConfiguration", properties)


def recipe(properties: str) -> str:
    return template("AWS::ImageBuilder::ImageRecipe", properties)


def get(node: Node | None, *path: str | int) -> Node | None:
    for step in path:
        if isinstance(step, int):
            assert isinstance(node, Sequence)
            node = node.items[step]
        else:
            assert isinstance(node, Mapping), node
            node = node.get(step)
    return node


def test_resource_kinds_names_and_format() -> None:
    text = (
        "Resources:\n"
        "  A: {Type: AWS::ImageBuilder::ImageRecipe, Properties: {Name: a}}\n"
        "  B: {Type: AWS::ImageBuilder::ContainerRecipe, Properties: {Name: b}}\n"
        "  C: {Type: AWS::ImageBuilder::InfrastructureConfiguration, Properties: {Name: c}}\n"
        "  D: {Type: AWS::ImageBuilder::Component, Properties: {Name: d}}\n"
        "  E: {Type: AWS::ImageBuilder::ImagePipeline, Properties: {Name: e}}\n"
        "  F: {Type: AWS::S3::Bucket}\n"
    )
    found = resources(text)
    assert [(r.kind, r.name) for r in found] == [
        (Kind.IMAGE_RECIPE, "A"),
        (Kind.CONTAINER_RECIPE, "B"),
        (Kind.INFRASTRUCTURE_CONFIGURATION, "C"),
        (Kind.COMPONENT, "D"),
        (Kind.IMAGE_PIPELINE, "E"),
    ]
    assert found[0].anchor[:2] == (2, 3)  # the logical ID


def test_json_template() -> None:
    text = (
        '{"Resources": {"Infra": {"Type": "AWS::ImageBuilder::InfrastructureConfiguration",\n'
        '  "Properties": {"InstanceMetadataOptions": {"HttpTokens": "optional"}}}}}'
    )
    body = only(text.replace("\n", "\n"))
    tokens = get(body, "instanceMetadataOptions", "httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "optional"
    assert tokens.span[:2] == (2, 60)


def test_pascal_case_properties_become_camel_case_members() -> None:
    body = only(
        recipe(
            "Name: r\n"
            "ParentImage: ami-0123456789abcdef0\n"
            "BlockDeviceMappings:\n"
            "  - DeviceName: /dev/xvda\n"
            "    Ebs: {VolumeType: gp3, Throughput: 300, DeleteOnTermination: true}\n"
            "AdditionalInstanceConfiguration:\n"
            "  SystemsManagerAgent: {UninstallAfterBuild: false}\n"
        )
    )
    assert list(body.entries) == [
        "name",
        "parentImage",
        "blockDeviceMappings",
        "additionalInstanceConfiguration",
    ]
    ebs = get(body, "blockDeviceMappings", 0, "ebs")
    assert isinstance(ebs, Mapping)
    assert list(ebs.entries) == ["volumeType", "throughput", "deleteOnTermination"]
    assert get(
        body, "additionalInstanceConfiguration", "systemsManagerAgent", "uninstallAfterBuild"
    )


def test_version_becomes_semantic_version_only_at_the_top_level() -> None:
    component, document = resources(
        template(
            "AWS::ImageBuilder::Component",
            "Name: c\nVersion: 1.0.0\nPlatform: Linux\nData: |\n  name: x\n",
        )
    )
    assert document.kind is Kind.COMPONENT_DOCUMENT  # Data, as AWSTOE reads it
    body = component.body
    assert list(body.entries) == ["name", "semanticVersion", "platform", "data"]
    version = body.get("semanticVersion")
    assert isinstance(version, Scalar) and version.value == "1.0.0"
    assert version.key_span is not None and version.key_span[:2] == (6, 7)


def test_translated_members_keep_their_original_positions() -> None:
    text = infra("InstanceMetadataOptions:\n  HttpTokens: optional\n")
    tokens = get(only(text), "instanceMetadataOptions", "httpTokens")
    assert tokens is not None
    assert tokens.key_span is not None and tokens.key_span[:2] == (6, 9)
    assert tokens.span[:2] == (6, 21)


@pytest.mark.parametrize("member", ["Tags", "AmiTags", "ResourceTags"])
def test_tag_keys_are_preserved(member: str) -> None:
    body = only(infra(f"{member}:\n  CostCenter: a\n  team-Name: b\n  Nested: {{Inner: c}}\n"))
    tags = body.get(member[0].lower() + member[1:])
    assert isinstance(tags, Mapping)
    assert list(tags.entries) == ["CostCenter", "team-Name", "Nested"]
    assert list(get(tags, "Nested").entries) == ["Inner"]  # type: ignore[union-attr]


def test_tag_keys_are_preserved_inside_fn_if() -> None:
    body = only(infra("Tags: !If [IsProd, {CostCenter: a}, {Team: b}]\n"))
    tags = body.get("tags")
    assert isinstance(tags, Choice)
    assert [list(branch.entries) for branch in tags.branches] == [  # type: ignore[union-attr]
        ["CostCenter"],
        ["Team"],
    ]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("!Ref Param", "Ref"),
        ("!Sub 'x-${AWS::Region}'", "Fn::Sub"),
        ("!GetAtt Role.Arn", "Fn::GetAtt"),
        ("!ImportValue shared-value", "Fn::ImportValue"),
        ("!Join ['', [a, b]]", "Fn::Join"),
        ("!Select [0, [a, b]]", "Fn::Select"),
        ("!FindInMap [M, K, V]", "Fn::FindInMap"),
        ("{Ref: Param}", "Ref"),
        ('{"Fn::Sub": "x"}', "Fn::Sub"),
    ],
)
def test_intrinsics_are_unknown(value: str, what: str) -> None:
    body = only(infra(f"InstanceMetadataOptions:\n  HttpTokens: {value}\n"))
    tokens = get(body, "instanceMetadataOptions", "httpTokens")
    assert isinstance(tokens, Unknown)
    assert tokens.what == what
    assert tokens.key_span is not None and tokens.key_span[:2] == (6, 9)


def test_intrinsic_for_a_whole_nested_property_is_unknown() -> None:
    body = only(infra("InstanceMetadataOptions: !Ref Options\n"))
    assert isinstance(body.get("instanceMetadataOptions"), Unknown)


def test_properties_computed_by_an_intrinsic_skip_the_resource() -> None:
    text = (
        "Resources:\n  R:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
        "    Properties: !FindInMap [Settings, Infra, Properties]\n"
    )
    assert resources(text) == []


def test_resource_without_properties_has_an_empty_body_anchored_on_its_id() -> None:
    (resource,) = resources(
        "Resources:\n  R:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
    )
    assert resource.body.entries == {}
    assert resource.body.anchor[:2] == (2, 3)


def test_fn_if_becomes_a_choice_with_none_for_no_value() -> None:
    body = only(
        infra("InstanceMetadataOptions:\n  HttpTokens: !If [IsProd, required, !Ref AWS::NoValue]\n")
    )
    tokens = get(body, "instanceMetadataOptions", "httpTokens")
    assert isinstance(tokens, Choice)
    first, second = tokens.branches
    assert isinstance(first, Scalar) and first.value == "required"
    assert second is None
    # A branch stands where the Fn::If stands: its key is the property's key.
    assert first.key_span == tokens.key_span
    assert first.span[:2] == (6, 34)


def test_fn_if_long_form_with_nested_mappings_is_translated() -> None:
    body = only(
        infra(
            "InstanceMetadataOptions:\n"
            "  Fn::If:\n"
            "    - IsProd\n"
            "    - {HttpTokens: required}\n"
            "    - HttpTokens: optional\n"
            "      HttpPutResponseHopLimit: {Ref: Hops}\n"
        )
    )
    options = body.get("instanceMetadataOptions")
    assert isinstance(options, Choice)
    assert [list(b.entries) for b in options.branches] == [  # type: ignore[union-attr]
        ["httpTokens"],
        ["httpTokens", "httpPutResponseHopLimit"],
    ]
    assert isinstance(get(options.branches[1], "httpPutResponseHopLimit"), Unknown)


def test_nested_fn_if_and_fn_if_in_lists() -> None:
    body = only(
        recipe(
            "BlockDeviceMappings:\n"
            "  - !If\n"
            "    - Big\n"
            "    - {DeviceName: a, Ebs: {Throughput: !If [Fast, 1000, 125]}}\n"
            "    - !Ref AWS::NoValue\n"
        )
    )
    item = get(body, "blockDeviceMappings", 0)
    assert isinstance(item, Choice)
    assert item.branches[1] is None
    throughput = get(item.branches[0], "ebs", "throughput")
    assert isinstance(throughput, Choice)
    assert [b.value for b in throughput.branches] == [1000, 125]  # type: ignore[union-attr]


@pytest.mark.parametrize("arguments", ["[OnlyCondition]", "[C, a]", "NotAList", "[C, a, b, c]"])
def test_malformed_fn_if_is_unknown(arguments: str) -> None:
    body = only(infra(f"InstanceMetadataOptions:\n  HttpTokens: !If {arguments}\n"))
    tokens = get(body, "instanceMetadataOptions", "httpTokens")
    assert isinstance(tokens, Unknown) and tokens.what == "Fn::If"


@pytest.mark.parametrize(
    "reference",
    [
        "'{{resolve:ssm:/my/tokens}}'",
        "'{{resolve:ssm:/my/tokens:3}}'",
        "'{{resolve:secretsmanager:MySecret:SecretString:tokens}}'",
        "'{{resolve:ssm-secure:/secure/value}}'",
        "'prefix-{{resolve:ssm:/my/tokens}}'",
    ],
)
def test_dynamic_references_are_unknown(reference: str) -> None:
    body = only(infra(f"InstanceMetadataOptions:\n  HttpTokens: {reference}\n"))
    tokens = get(body, "instanceMetadataOptions", "httpTokens")
    assert isinstance(tokens, Unknown)
    assert tokens.key_span is not None and tokens.key_span[:2] == (6, 9)
    assert tokens.span[:2] == (6, 21)


def test_dynamic_references_in_fn_if_branches_and_lists_are_unknown() -> None:
    body = only(
        recipe(
            "ParentImage: !If [C, '{{resolve:ssm:/ami/a}}', ami-0123456789abcdef0]\n"
            "Components:\n"
            "  - ComponentArn: '{{resolve:ssm:/component/arn}}'\n"
        )
    )
    parent = body.get("parentImage")
    assert isinstance(parent, Choice)
    assert isinstance(parent.branches[0], Unknown)
    assert isinstance(parent.branches[1], Scalar)
    assert isinstance(get(body, "components", 0, "componentArn"), Unknown)


def test_dynamic_references_give_no_findings() -> None:
    text = recipe(
        "Name: web-server\nVersion: 1.0.0\nParentImage: '{{resolve:ssm:/golden/ami}}'\n"
        "BlockDeviceMappings:\n"
        "  - DeviceName: /dev/xvda\n"
        "    Ebs: {VolumeType: gp3, Throughput: '{{resolve:ssm:/throughput}}'}\n"
    ) + (
        "  Infra:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
        "    Properties:\n      Name: build\n      InstanceProfileName: p\n"
        "      InstanceMetadataOptions: {HttpTokens: '{{resolve:ssm:/tokens}}'}\n"
    )
    assert check_text(text, "template.yaml") == []


def test_strings_that_only_look_like_references_stay_literal() -> None:
    body = only(recipe("Description: 'use {{ braces }} and {{resolve without colon'\n"))
    assert isinstance(body.get("description"), Scalar)


def test_not_a_template_when_resources_is_not_a_mapping() -> None:
    assert resources("Resources: [AWS::ImageBuilder::ImageRecipe]\n") == []
    assert resources("Resources:\n  R: AWS::ImageBuilder::ImageRecipe\n") == []
    assert resources("Resources:\n  R: {Type: !Ref T}\n") == []


def test_cdk_style_json_template() -> None:
    text = """{
 "Resources": {
  "RecipeABC123": {
   "Type": "AWS::ImageBuilder::ImageRecipe",
   "Properties": {
    "Components": [{"ComponentArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}]]}}],
    "Name": "recipe",
    "ParentImage": {"Ref": "SsmParameterValueawsserviceami"},
    "Version": "1.0.0"
   },
   "Metadata": {"aws:cdk:path": "Stack/Recipe"}
  }
 }
}"""
    body = only(text.replace("\n", "\n"))
    assert isinstance(body.get("parentImage"), Unknown)
    assert isinstance(get(body, "components", 0, "componentArn"), Unknown)


def test_a_duplicate_that_overrides_the_image_builder_resource_is_still_reported() -> None:
    text = (
        "Resources:\n"
        "  Infra:\n"
        "    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
        "    Properties:\n"
        "      InstanceProfileName: p\n"
        "  Infra:\n"
        "    Type: AWS::S3::Bucket\n"
    )
    loaded = load_text(text, "template.yaml")
    assert loaded.resources == []
    assert [(p.kind, p.span[:2]) for p in loaded.input_problems] == [("IB002", (6, 3))]
    as_json = (
        '{"Resources": {"Infra": {"Type": "AWS::ImageBuilder::InfrastructureConfiguration"},'
        ' "Infra": {"Type": "AWS::S3::Bucket"}}}'
    )
    assert [p.kind for p in load_text(as_json, "t.json").input_problems] == ["IB002"]


def findings(text: str, name: str = "template.yaml") -> list[tuple[str, int, int, str]]:
    # Without the API shape rules (tests/test_shapes.py): these templates are minimal.
    config = Config(ignore=("IB5",))
    return [(f.rule_id, *f.span[:2], f.message) for f in check_text(text, name, config)]


INFRA_HEAD = "Resources:\n  Infra:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"


@pytest.mark.parametrize(
    "properties",
    [
        "    Properties: !If\n      - Strict\n      - {Name: a, InstanceProfileName: p,"
        " InstanceMetadataOptions: {HttpTokens: required}}\n"
        "      - {Name: b, InstanceProfileName: p, InstanceMetadataOptions: {HttpTokens: optional}}\n",
        "    Properties:\n      Fn::If:\n        - Strict\n"
        "        - {Name: a, InstanceProfileName: p, InstanceMetadataOptions: {HttpTokens: required}}\n"
        "        - {Name: b, InstanceProfileName: p, InstanceMetadataOptions: {HttpTokens: optional}}\n",
    ],
    ids=["short", "long"],
)
def test_properties_chosen_by_fn_if_are_checked_branch_by_branch(properties: str) -> None:
    result = findings(INFRA_HEAD + properties)
    assert [(rule, line) for rule, line, _, _ in result] == [("IB101", properties.count("\n") + 3)]
    assert "'optional'" in result[0][3]


def test_properties_removed_by_a_no_value_branch_are_absent() -> None:
    text = INFRA_HEAD + "    Properties: !If [Cond, !Ref AWS::NoValue, {Name: a}]\n"
    result = findings(text)
    assert [(rule, line, col) for rule, line, col, _ in result] == [("IB101", 4, 5)]


def test_a_direct_no_value_is_absent() -> None:
    text = INFRA_HEAD + (
        "    Properties:\n      Name: a\n      InstanceMetadataOptions: !Ref AWS::NoValue\n"
    )
    assert [(rule, line, col) for rule, line, col, message in findings(text)] == [("IB101", 6, 7)]
    assert "is not set" in findings(text)[0][3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (INFRA_HEAD + "    Properties:\n", [("IB101", 4, 5)]),
        (
            INFRA_HEAD + "    Properties:\n      Name: a\n      InstanceMetadataOptions:\n",
            [("IB101", 6, 7)],
        ),
        (
            INFRA_HEAD + "    Properties:\n      InstanceMetadataOptions:\n        HttpTokens: ~\n",
            [("IB101", 6, 9)],
        ),
    ],
    ids=["properties", "options", "tokens"],
)
def test_null_values_are_absent(text: str, expected: list[tuple[str, int, int]]) -> None:
    result = findings(text)
    assert [(rule, line, col) for rule, line, col, _ in result] == expected
    assert all("not set" in message for *_, message in result)


def test_json_null_properties_are_absent() -> None:
    text = (
        '{"Resources": {"Infra": {"Type": "AWS::ImageBuilder::InfrastructureConfiguration",'
        ' "Properties": {"Name": "a", "InstanceMetadataOptions": null}}}}'
    )
    result = findings(text, "t.json")
    assert [(rule, col) for rule, _, col, _ in result] == [("IB101", 112)]
    assert "not set" in result[0][3]
