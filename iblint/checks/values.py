"""Small readers for normalised nodes, shared by the checks."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.model import Mapping, Node, Scalar, Sequence, Span, alternatives


def text_of(node: Node | None) -> str | None:
    """The string a literal node holds, else ``None`` (unknown, absent or not a string)."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    return None


def integer_of(node: Node | None) -> int | None:
    """The integer a literal holds; CloudFormation also takes integers written as strings."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return node.value
    if isinstance(node.value, str) and node.value.strip().lstrip("-").isdigit():
        return int(node.value.strip())
    return None


def mappings_in(node: Node | None) -> Iterator[Mapping]:
    """Every literal mapping ``node`` may be (through ``Fn::If`` branches)."""
    for alternative in alternatives(node):
        if isinstance(alternative, Mapping):
            yield alternative


def mapping_items(node: Node | None) -> Iterator[Mapping]:
    """Every literal mapping that may be an item of the list ``node``."""
    for alternative in alternatives(node):
        if isinstance(alternative, Sequence):
            for item in alternative.items:
                yield from mappings_in(item)


def member_alternatives(parent: Mapping, member: str) -> Iterator[tuple[Node | None, Span]]:
    """Each value ``parent[member]`` may take, with the span a finding about it points at.

    A present value points at itself. An absent member (or an ``Fn::If`` branch that removes
    it) is ``None`` and points at the nearest existing node: the member's key if there is one,
    else the parent's key.
    """
    node = parent.get(member)
    absent_anchor = node.anchor if node is not None else parent.anchor
    for alternative in alternatives(node):
        if alternative is None:
            yield None, absent_anchor
        else:
            yield alternative, alternative.span
