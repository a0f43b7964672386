"""Hypothesis: whatever the input, loading and checking give findings, never an exception,
and every finding points inside the file.

``IBLINT_FUZZ_EXAMPLES=5000 pytest tests/loaders/test_fuzz.py`` runs a longer search.
"""

from __future__ import annotations

import codecs
import copy
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import check_paths, check_text
from iblint.config import Config
from iblint.loading import load_bytes, load_text
from iblint.model import Finding
from tests.documents import API_RECIPE_BAD, CFN_TEMPLATE_BAD
from tests.terraform.plan_documents import PLAN

EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=False,
)
SUFFIXES = st.sampled_from([".yaml", ".yml", ".json", ".template", ".tf"])
_LINE_BREAK = re.compile(r"\r\n?|\n")

#: A CloudFormation template with an InfrastructureConfiguration and an ImageRecipe, as data
#: (intrinsics in long form) so that it can be mutated structurally and dumped as YAML or JSON.
CFN_DATA: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {
        "Infrastructure": {
            "Type": "AWS::ImageBuilder::InfrastructureConfiguration",
            "Properties": {
                "Name": "infra",
                "InstanceProfileName": {"Ref": "Profile"},
                "InstanceMetadataOptions": {
                    "HttpTokens": {"Fn::If": ["IsProd", "required", "optional"]},
                    "HttpPutResponseHopLimit": 2,
                },
                "Tags": {"Team": "platform"},
            },
        },
        "Recipe": {
            "Type": "AWS::ImageBuilder::ImageRecipe",
            "Properties": {
                "Name": "recipe",
                "Version": "1.0.0",
                "ParentImage": "ami-0123456789abcdef0",
                "BlockDeviceMappings": [
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {"VolumeType": "gp2", "Throughput": 300, "VolumeSize": 30},
                    }
                ],
                "Components": [
                    {
                        "ComponentArn": {
                            "Fn::Sub": "arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/update-linux/x.x.x"
                        }
                    }
                ],
            },
        },
    },
}
API_DATA: dict[str, Any] = json.loads(API_RECIPE_BAD)
TERRAFORM_SEED = """\
variable "tokens" {
  default = "optional"
}

resource "aws_imagebuilder_infrastructure_configuration" "build" {
  name                  = "build"
  instance_profile_name = aws_iam_instance_profile.p.name
  instance_metadata_options {
    http_tokens = var.tokens
  }
}

resource "aws_imagebuilder_image_recipe" "app" {
  name         = "app"
  version      = "1.0.0"
  parent_image = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.2.x"
  block_device_mapping {
    device_name = "/dev/xvda"
    ebs {
      volume_type = "gp2"
      throughput  = 250
    }
  }
  dynamic "component" {
    for_each = local.components
    content {
      component_arn = component.value
    }
  }
  user_data_base64 = <<-EOT
    ZWNobyBoaQ==
  EOT
}
"""

SEEDS = [
    (CFN_TEMPLATE_BAD, "template.yaml"),
    (json.dumps(CFN_DATA, indent=2), "template.json"),
    (yaml.safe_dump(CFN_DATA, sort_keys=False), "template.template"),
    (API_RECIPE_BAD, "create-image-recipe.json"),
    (yaml.safe_dump(API_DATA, sort_keys=False), "create-image-recipe.yaml"),
    (TERRAFORM_SEED, "main.tf"),
    (PLAN, "plan.json"),
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["gp2", "gp3", "optional", "required", "x.x.x", "{{resolve:ssm:/x}}"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(max_size=10) | st.sampled_from(["Ref", "Fn::If", "Fn::Sub", "Condition"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


def lines_of(text: str) -> list[str]:
    """The file's lines as editors and GitHub count them (a final line break ends the last)."""
    text = text.removeprefix("\ufeff")
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


def assert_inside(findings: list[Finding], text: str) -> None:
    lines = lines_of(text)
    for finding in findings:
        span = finding.span
        assert span.start_line >= 1 and span.start_col >= 1, finding
        assert span.start_line <= len(lines), (finding, len(lines))
        assert span.start_col <= len(lines[span.start_line - 1]) + 1, (finding, lines)
        assert (span.end_line, span.end_col) >= (span.start_line, span.start_col), finding
        assert finding.message and finding.fix
        assert re.fullmatch(r"IB[0-9]{3}", finding.rule_id)


def decoded(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


# --- arbitrary input -------------------------------------------------------------------------


@FUZZ
@given(text=st.text(), suffix=SUFFIXES)
def test_arbitrary_text_never_raises(text: str, suffix: str) -> None:
    load_text(text, "fuzz" + suffix)
    assert_inside(check_text(text, "fuzz" + suffix), text)


@FUZZ
@given(data=st.binary(), suffix=SUFFIXES)
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    loaded = load_bytes(data, "fuzz" + suffix)
    assert all(problem.span.start_line >= 1 for problem in loaded.input_problems)


@FUZZ
@given(
    text=st.lists(
        st.sampled_from([*"{}[]:,-&*!|>'\"#\n \t?", "imagebuilder", "parentImage", "<<", "x"])
    ).map("".join),
    suffix=SUFFIXES,
)
def test_syntax_heavy_text_mentioning_image_builder_never_raises(text: str, suffix: str) -> None:
    assert_inside(check_text(text, "fuzz" + suffix), text)


@settings(
    max_examples=max(EXAMPLES // 4, 10), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(files=st.lists(st.tuples(st.binary(max_size=300), SUFFIXES), min_size=1, max_size=4))
def test_arbitrary_files_through_the_whole_engine(files: list[tuple[bytes, str]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        contents = {}
        for index, (data, suffix) in enumerate(files):
            name = f"f{index}{suffix}"
            # Mention Image Builder so that broken files are reported, not skipped.
            data = data + b"\n# imagebuilder parentImage\n" if index % 2 else data
            (root / name).write_bytes(data)
            contents[name] = decoded(data)
        report = check_paths([directory], Config(), root=root)
    assert report.files_checked == len(files)
    for finding in report.findings:
        assert_inside([finding], contents[finding.path])


# --- mutated valid documents ----------------------------------------------------------------------


@st.composite
def character_mutations(draw: st.DrawFn) -> tuple[str, str]:
    text, name = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not text:
            break
        position = draw(st.integers(min_value=0, max_value=len(text) - 1))
        operation = draw(st.sampled_from(["delete", "insert", "duplicate", "swap"]))
        if operation == "delete":
            length = draw(st.integers(min_value=1, max_value=20))
            text = text[:position] + text[position + length :]
        elif operation == "insert":
            inserted = draw(
                st.text(max_size=5)
                | st.sampled_from(
                    [
                        "{",
                        "}",
                        "[",
                        "]",
                        ":",
                        ",",
                        "\n",
                        "  ",
                        "- ",
                        "&a ",
                        "*a",
                        "!Ref ",
                        '"',
                        "'",
                        "\t",
                        "\r",
                        "\u2028",
                        "\ufeff",
                        "\x00",
                        # "9" * 5000 crashes a check: see the xfail test in test_engine.py.
                        "0x" + "f" * 5000,
                        "{{resolve:ssm:/p}}",
                    ]
                )
            )
            text = text[:position] + inserted + text[position:]
        elif operation == "duplicate":
            length = draw(st.integers(min_value=1, max_value=80))
            text = text[:position] + text[position : position + length] + text[position:]
        else:
            other = draw(st.integers(min_value=0, max_value=len(text) - 1))
            chars = list(text)
            chars[position], chars[other] = chars[other], chars[position]
            text = "".join(chars)
    return text, name


@FUZZ
@given(mutated=character_mutations())
def test_character_mutations_of_valid_documents_give_findings_not_tracebacks(
    mutated: tuple[str, str],
) -> None:
    text, name = mutated
    assert_inside(check_text(text, name), text)


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
def structural_mutations(draw: st.DrawFn) -> Any:
    document = copy.deepcopy(draw(st.sampled_from([CFN_DATA, API_DATA])))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [path for path in _paths(document) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        operation = draw(st.sampled_from(["replace", "delete", "duplicate", "wrap"]))
        if operation == "replace":
            parent[last] = draw(json_values)
        elif operation == "delete":
            del parent[last]
        elif operation == "duplicate":
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[last]))
            else:
                parent[f"{last}Copy"] = copy.deepcopy(parent[last])
        else:
            parent[last] = draw(
                st.sampled_from(
                    [[parent[last]], {"Fn::If": ["C", parent[last], {"Ref": "AWS::NoValue"}]}]
                )
            )
    return document


@FUZZ
@given(document=structural_mutations(), as_json=st.booleans())
def test_structural_mutations_give_findings_not_tracebacks(document: Any, as_json: bool) -> None:
    if as_json:
        text, name = json.dumps(document, indent=1), "mutated.json"
    else:
        text, name = yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "mutated.yaml"
    assert_inside(check_text(text, name), text)


@FUZZ
@given(document=structural_mutations())
def test_duplicated_keys_in_mutated_json_are_reported_where_they_are(document: Any) -> None:
    # Repeat the first member of the top-level object: a duplicate key, on its own line.
    text = json.dumps(document, indent=1)
    lines = text.splitlines()
    if len(lines) < 3 or not lines[1].startswith(' "'):
        return
    first = lines[1].rstrip(",")
    if first.endswith(("{", "[")):
        return
    text = "\n".join([lines[0], first + ",", *lines[1:]])
    findings = check_text(text, "dup.json")
    assert_inside(findings, text)
    duplicates = [f for f in findings if f.rule_id == "IB002"]
    assert all(f.span.start_line == 3 for f in duplicates)


# --- hostile values: surrogates, control characters, nested Fn::If ------------------------------

#: Text that a checked file can carry into messages: lone surrogates (JSON "\ud800" escapes, HCL
#: "\ud800"), C0/C1 controls, escape sequences, line separators and bidi controls.
hostile_text = st.lists(
    st.one_of(
        st.characters(codec=None, categories=["Cs", "Cc", "Zl", "Zp", "Cf"]),
        st.sampled_from(["\x1b[2J", "\n::warning file=x::", "\r", "\u202e", "%0A", "\\"]),
        st.characters(),
    ),
    max_size=30,
).map("".join)


def _escaped_json(text: str) -> str:
    """``text`` as a JSON string literal, every non-ASCII character escaped (``\\ud800``)."""
    return json.dumps(text, ensure_ascii=True)


@FUZZ
@given(value=hostile_text, where=st.sampled_from(["HttpTokens", "ParentImage", "VolumeType"]))
def test_hostile_values_reach_every_reporter_without_a_traceback(value: str, where: str) -> None:
    from iblint.reporters import FORMATS, ReportContext, get_reporter

    document = copy.deepcopy(CFN_DATA)
    properties = document["Resources"]
    if where == "HttpTokens":
        properties["Infrastructure"]["Properties"]["InstanceMetadataOptions"][where] = value
    elif where == "ParentImage":
        properties["Recipe"]["Properties"][where] = value
    else:
        properties["Recipe"]["Properties"]["BlockDeviceMappings"][0]["Ebs"][where] = value
    text = json.dumps(document, indent=1, ensure_ascii=True)
    findings = check_text(text, "hostile.json")
    assert_inside(findings, text)
    for name in FORMATS:
        stream = __import__("io").StringIO()
        get_reporter(name)(findings, ReportContext(1), stream)
        stream.getvalue().encode("utf-8")  # nothing unencodable reaches the stream


@st.composite
def nested_fn_if(draw: st.DrawFn) -> str:
    """A recipe whose throughput and volume type are Fn::If nested up to 30 deep, written as
    JSON or as YAML whose levels are aliases of the level below (2**30 paths once expanded)."""
    depth = draw(st.integers(min_value=1, max_value=30))
    leaves = [draw(st.sampled_from([125, 250, 5000, "250", None])) for _ in range(2)]
    kinds = [draw(st.sampled_from(["gp2", "gp3", "io1", "GP3"])) for _ in range(2)]
    if draw(st.booleans()):

        def nest(leaf: Any, other: Any) -> Any:
            node = leaf
            for level in range(depth):
                node = {"Fn::If": [f"C{level}", node, other]}
            return node

        ebs = {"Throughput": nest(*leaves), "VolumeType": nest(*kinds)}
        body = {"BlockDeviceMappings": [{"Ebs": ebs}]}
        return json.dumps(
            {"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": body}}}
        )
    lines = ["Defs:", f"  t0: &t0 {json.dumps(leaves[0])}", f"  v0: &v0 {kinds[0]}"]
    for level in range(1, depth + 1):
        other_t = f"*t{level - 1}" if draw(st.booleans()) else json.dumps(leaves[1])
        lines.append(f"  t{level}: &t{level} {{'Fn::If': [C, *t{level - 1}, {other_t}]}}")
        lines.append(f"  v{level}: &v{level} {{'Fn::If': [C, *v{level - 1}, *v{level - 1}]}}")
    lines += [
        "Resources:",
        "  R:",
        "    Type: AWS::ImageBuilder::ImageRecipe",
        "    Properties:",
        "      BlockDeviceMappings:",
        "        - Ebs:",
        f"            Throughput: *t{depth}",
        f"            VolumeType: *v{depth}",
    ]
    return "\n".join(lines) + "\n"


@settings(max_examples=max(EXAMPLES // 4, 10), deadline=None)
@given(text=nested_fn_if())
def test_nested_fn_if_gives_findings_not_tracebacks(text: str) -> None:
    name = "nested.json" if text.startswith("{") else "nested.yaml"
    findings = check_text(text, name)
    assert_inside(findings, text)
    # IB205: io1 without iops; IB503: the recipe has no name; IB504: GP3 is not a volume type.
    allowed = {"IB201", "IB202", "IB205", "IB005", "IB503", "IB504"}
    assert {f.rule_id for f in findings} <= allowed
