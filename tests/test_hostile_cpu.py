"""Inputs built to make a check do work exponential or quadratic in their size.

No wall-clock assertion: each case runs under an alarm far above its real cost, so a return
to the old exponential or quadratic behaviour hangs the test instead of passing (and
benchmarks/hostile.py prints the real numbers).
"""

from __future__ import annotations

import json

from iblint import check_text
from tests.work_counts import hang_guard


def _nested_if(depth: int, leaf: object, other: object) -> object:
    node = leaf
    for level in range(depth):
        node = {"Fn::If": [f"C{level}", node, other]}
    return node


def test_nested_fn_if_on_throughput_and_volume_type_in_json() -> None:
    template = {
        "Resources": {
            "Recipe": {
                "Type": "AWS::ImageBuilder::ImageRecipe",
                "Properties": {
                    "Name": "nested",
                    "Version": "1.0.0",
                    "ParentImage": "ami-0123456789abcdef0",
                    "BlockDeviceMappings": [
                        {
                            "Ebs": {
                                "VolumeType": _nested_if(40, "gp2", "io1"),
                                "Throughput": _nested_if(40, 250, 5000),
                            }
                        }
                    ],
                },
            }
        }
    }
    with hang_guard():
        findings = check_text(json.dumps(template, indent=1), "nested.json")
    assert {f.rule_id for f in findings} == {"IB201", "IB202", "IB205"}  # io1 needs iops


def test_nested_fn_if_through_yaml_aliases() -> None:
    depth = 18  # 2**18 leaves once expanded, from a 1 KiB file
    lines = ["Defs:", "  v0: &v0 gp2", "  t0: &t0 250"]
    for level in range(1, depth + 1):
        lines.append(f"  v{level}: &v{level} {{'Fn::If': [C, *v{level - 1}, *v{level - 1}]}}")
        lines.append(f"  t{level}: &t{level} {{'Fn::If': [C, *t{level - 1}, *t{level - 1}]}}")
    lines += [
        "Resources:",
        "  Recipe:",
        "    Type: AWS::ImageBuilder::ImageRecipe",
        "    Properties:",
        "      BlockDeviceMappings:",
        "        - Ebs:",
        f"            VolumeType: *v{depth}",
        f"            Throughput: *t{depth}",
    ]
    with hang_guard():
        findings = check_text("\n".join(lines) + "\n", "nested.yaml")
    # Either checked (one IB201 at the alias) or refused as an alias bomb: never a hang.
    assert [f.rule_id for f in findings] in (["IB201"], ["IB005"])


def test_a_long_run_of_spaces_after_a_suppression_comment() -> None:
    text = (
        "Resources:\n  Infra:\n    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
        "    Properties:\n      Name: build\n      InstanceProfileName: p\n"
        "      InstanceMetadataOptions:\n"
        "        HttpTokens: optional  # iblint: ignore" + " " * 80_000 + "x\n"
    )
    with hang_guard():
        findings = check_text(text, "spaces.yaml")
    # "ignore" followed by spaces and then a word that is no rule ID suppresses nothing, and
    # is reported as a suppression iblint cannot read (IB011).
    assert [f.rule_id for f in findings] == ["IB101", "IB011"]
