"""The paths an expression may read, from its compiled syntax tree: what decides whether an
unknown value or an Fn::If branch matters."""

from __future__ import annotations

import pytest

from iblint.policies.cel_ast import EVERY, ITEM, Read, Use, WireError, checked_expression
from iblint.policies.evaluate import compile_expression


def reads(expression: str, with_item: bool = False) -> set[tuple[str, str, str]]:
    program = compile_expression(expression, with_item)
    return {(read.root, ".".join(read.path), read.use.value) for read in program.reads}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('resource.parentImage.startsWith("arn:")', {("resource", "parentImage", "whole")}),
        ("has(resource.tags)", {("resource", "tags", "presence")}),
        (
            '"Owner" in resource.tags',
            {("resource", "tags", "membership")},
        ),
        ("size(resource.components) > 0", {("resource", "components", "shallow")}),
        (
            "resource.blockDeviceMappings.all(m, m.ebs.encrypted)",
            {
                ("resource", "blockDeviceMappings", "shallow"),
                ("resource", f"blockDeviceMappings.{ITEM}.ebs.encrypted", "whole"),
            },
        ),
        (
            'resource.tags.exists(k, k.startsWith("a"))',
            {("resource", "tags", "shallow"), ("resource", f"tags.{ITEM}", "whole")},
        ),
        (
            'resource.tags["Owner"] == "x" && resource.components[0].componentArn != ""',
            {
                ("resource", "tags.Owner", "whole"),
                ("resource", f"components.{EVERY}.componentArn", "whole"),
            },
        ),
        (
            "resource.tags[resource.name] == 'x'",
            {("resource", f"tags.{EVERY}", "whole"), ("resource", "name", "whole")},
        ),
        # A macro variable that shadows a root is the variable, not the root.
        (
            "resource.components.all(resource, resource.x == 1)",
            {("resource", "components", "shallow"), ("resource", f"components.{ITEM}.x", "whole")},
        ),
        # A computed range: its own reads cover what its items hold.
        (
            "resource.components.map(c, c.componentArn).all(a, a != '')",
            {
                ("resource", "components", "shallow"),
                ("resource", f"components.{ITEM}.componentArn", "whole"),
            },
        ),
        ('kind == "component" && name != "" && file != ""', set()),
        (
            "resource == dyn({})",
            {("resource", "", "whole")},
        ),
    ],
)
def test_read_paths(expression: str, expected: set[tuple[str, str, str]]) -> None:
    assert reads(expression) == expected


def test_item_paths() -> None:
    assert reads('has(item.kmsKeyId) && item.kmsKeyId != ""', with_item=True) == {
        ("item", "kmsKeyId", "presence"),
        ("item", "kmsKeyId", "whole"),
    }


def test_a_long_chain_of_operators_is_read_without_recursion() -> None:
    expression = " || ".join(f'resource.parentImage == "{index}"' for index in range(2000))
    assert reads(expression) == {("resource", "parentImage", "whole")}


@pytest.mark.parametrize("data", [b"", b"\x0a\xff", b"\x12\x05\x22\x03\x0a", b"\x80" * 20])
def test_bytes_that_are_not_a_checked_expression(data: bytes) -> None:
    with pytest.raises(WireError):
        checked_expression(data)


def test_read_is_a_value() -> None:
    assert Read("resource", ("a",), Use.WHOLE) == Read("resource", ("a",), Use.WHOLE)
