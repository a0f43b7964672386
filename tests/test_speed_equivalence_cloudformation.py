"""The fast CloudFormation translation gives exactly what it gave before it was made fast.

``tests/reference_cloudformation.py`` is the dialect as it was. On real files, the examples,
generated benchmark templates (YAML and JSON) and hypothesis-made templates (intrinsics,
``AWS::NoValue`` in lists and branches, dynamic references, free-form tag maps, ``Fn::ForEach``
loops, YAML aliases, an ``*`` that is only text), both must give the same resources: kinds,
names, anchors, and bodies equal node for node (types, values, spans, key spans, the names as
written). The inline component documents are compared too.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.dialects import LoadContext
from iblint.dialects import cloudformation as fast
from iblint.model import Mapping, Node
from iblint.syntax.json_tree import parse_json
from iblint.syntax.yaml_tree import parse_yaml
from tests import reference_cloudformation as reference
from tests.trees import assert_same_resources

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402


def _documents(text: str) -> list[Node]:
    if text.lstrip()[:1] == "{":
        root, _ = parse_json(text)
        if root is not None:
            return [root]
    documents, _ = parse_yaml(text)
    return documents


def assert_same(text: str) -> int:
    """Both dialects on every document of ``text`` that the reference claims; how many
    resources they found."""
    found = 0
    for document in _documents(text):
        claimed = reference.claims(document)
        assert fast.claims(document) == claimed
        if not claimed:
            continue
        expected_context = LoadContext(None, None, text)
        expected = reference.resources(document, expected_context)
        actual_context = LoadContext(None, None, text)
        actual = fast.resources(document, actual_context)
        assert_same_resources(expected, actual)
        assert actual_context.problems == expected_context.problems
        # Each way of reading the text (nodes shared or not, loops or not) gives the same.
        assert isinstance(document, Mapping)
        for shared in (False, True):
            for loops in (False, True):
                if shared and loops and "Fn::ForEach::" in text:
                    continue  # the reference could take a loop's dropped copy for another
                assert_same_resources(
                    reference.template_resources(document, reference._Text(shared, loops)),
                    fast.template_resources(document, fast._Text(shared, loops)),
                )
        found += len(actual)
    return found


# --- Real and generated files ----------------------------------------------------------------


def _files() -> list[Path]:
    suffixes = (".yaml", ".yml", ".json", ".template")
    found = sorted(path for path in (REPO / "examples").rglob("*") if path.suffix in suffixes)
    found += sorted(path for path in (REPO / "tests").rglob("*") if path.suffix in suffixes)
    if CORPUS.is_dir():
        found += sorted(path for path in CORPUS.rglob("*") if path.suffix in suffixes)
    return [path for path in found if path.is_file()]


def test_real_files() -> None:
    found = sum(assert_same(path.read_bytes().decode("utf-8", "replace")) for path in _files())
    assert found > 0


def test_generated_benchmark_templates() -> None:
    for index in range(8):
        template = generate.template(index, 7)
        assert assert_same(generate.to_yaml(template)) > 0
        assert assert_same(generate.to_json(template)) > 0


HAND_PICKED = [
    # An alias repeated in two resources (nodes shared), and a cron '*' that is only text.
    """Resources:
  A:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties: &props
      Name: a
      Components: [{ComponentArn: !Ref C}, !Ref AWS::NoValue]
      BlockDeviceMappings:
        - Ebs: &ebs {VolumeType: gp3, Throughput: !If [X, 250, !Ref AWS::NoValue]}
        - Ebs: *ebs
  B:
    Type: AWS::ImageBuilder::ContainerRecipe
    Properties: *props
  P:
    Type: AWS::ImageBuilder::ImagePipeline
    Properties:
      Schedule:
        ScheduleExpression: cron(0 4 ? * MON *)
      ImageRecipeArn: !GetAtt A.Arn
""",
    """Resources:
  R:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties: !If
      - C
      - {Name: a, Tags: {k: '{{resolve:ssm:x}}'}, InstanceTypes: ['{{resolve:ssm:y}}', m5]}
      - !Ref AWS::NoValue
  S:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties: !Sub x
  T:
    Type: AWS::ImageBuilder::Component
    Properties:
      Name: '{{resolve:ssm:n}}'
      Data: "phases:\\n  - name: build\\n    steps: []\\n"
      Tags: !Ref AWS::NoValue
""",
    """Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Recipes:
    - N
    - [a, b]
    - Recipe${N}:
        Type: AWS::ImageBuilder::ImageRecipe
        Properties:
          Name: !Sub r-${N}
          Fn::ForEach::Disks:
            - D
            - [x, y]
            - Disk${D}: {Ebs: {VolumeSize: 1}}
          BlockDeviceMappings:
            Fn::ForEach::Bad: [D, !Ref P, {K: V}]
""",
]


def test_hand_picked_templates() -> None:
    for text in HAND_PICKED:
        assert assert_same(text) > 0
        assert assert_same(json.dumps(yaml.load(text, Loader=_Loader))) > 0


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short tags as their long form, to write a template as JSON."""


def _short_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(node, deep=True)}  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _short_tag)


# --- Hypothesis-made templates ---------------------------------------------------------------

KINDS = [
    "AWS::ImageBuilder::ImageRecipe",
    "AWS::ImageBuilder::ContainerRecipe",
    "AWS::ImageBuilder::InfrastructureConfiguration",
    "AWS::ImageBuilder::Component",
    "AWS::ImageBuilder::ImagePipeline",
    "AWS::S3::Bucket",
]
NAMES = ["Name", "Version", "Tags", "AmiTags", "Components", "BlockDeviceMappings", "Ebs", "Iops"]
LEAVES: list[Any] = [
    "x",
    "{{resolve:ssm:p}}",
    "a {{resolve:secretsmanager:s}} b",
    1,
    2.5,
    True,
    None,
    {"Ref": "AWS::NoValue"},
    {"Ref": "Other"},
    {"Ref": "AWS::Region"},
    {"Fn::GetAtt": "Other.Arn"},
    {"Fn::GetAtt": ["Other", "Arn"]},
    {"Fn::GetAtt": ["Other", "Name"]},
    {"Fn::Sub": "${AWS::Region}"},
    {"Condition": "C"},
]


@st.composite
def _property_values(draw: st.DrawFn, depth: int = 0) -> Any:
    kind = draw(st.sampled_from(["leaf", "leaf", "if"] + (["map", "list"] if depth < 3 else [])))
    if kind == "leaf":
        return draw(st.sampled_from(LEAVES))
    if kind == "if":
        arguments = [
            draw(_property_values(depth + 1)) for _ in range(draw(st.sampled_from([2, 3])))
        ]
        return {"Fn::If": ["C", *arguments]}
    if kind == "list":
        return [draw(_property_values(depth + 1)) for _ in range(draw(st.integers(0, 3)))]
    keys = draw(st.lists(st.sampled_from(NAMES), max_size=3))
    return {key: draw(_property_values(depth + 1)) for key in keys}


@st.composite
def templates(draw: st.DrawFn) -> str:
    resources = {}
    for index in range(draw(st.integers(1, 3))):
        declaration: dict[str, Any] = {"Type": draw(st.sampled_from(KINDS))}
        if draw(st.booleans()):
            declaration["Properties"] = draw(_property_values())
        else:
            keys = draw(st.lists(st.sampled_from(NAMES), max_size=4))
            declaration["Properties"] = {key: draw(_property_values()) for key in keys}
        resources[f"R{index}"] = declaration
    template = {"Resources": resources}
    if draw(st.booleans()):
        return json.dumps(template, indent=draw(st.sampled_from([None, 2])))
    text = yaml.safe_dump(template, sort_keys=False)
    if draw(st.booleans()):
        text += "# cron(0 4 ? * MON *)\n"  # an '*' that is not an alias
    return text


@FUZZ
@given(templates())
def test_generated_templates(text: str) -> None:
    assert_same(text)
