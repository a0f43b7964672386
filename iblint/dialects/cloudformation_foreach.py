"""``Fn::ForEach`` loops of the ``AWS::LanguageExtensions`` transform, expanded where the
collection is a literal list.

``Fn::ForEach::Name: [Identifier, Collection, {OutputKey: Fragment}]`` stands in a mapping (the
template's ``Resources``, or a resource's properties) for the entries the loop generates: one
copy of the fragment per item, with ``${Identifier}`` and ``&{Identifier}`` replaced in its keys,
``{"Ref": Identifier}`` replaced by the item, and ``${Identifier}`` replaced in ``Fn::Sub``
strings (see
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html).
Copies keep the positions of the fragment, so a finding in a loop body points at the line that
wrote it. A loop whose collection is not a literal list (``!Ref`` to a parameter) cannot be
expanded: its entries are unknown.
"""

from __future__ import annotations

import re

from iblint.model import Mapping, Node, Scalar, Sequence, Unknown

PREFIX = "Fn::ForEach::"
#: Nodes that expanding the loops of one mapping may create; past it, the remaining copies are
#: not made (a loop over thousands of items of a large fragment, or loops nested deep).
MAX_EXPANDED_NODES = 100_000
#: Nested loops deeper than this are not expanded (CloudFormation allows five levels).
MAX_NESTING = 5


class ExpansionLimit(Exception):
    """The loops would make more nodes than :data:`MAX_EXPANDED_NODES`."""


def has_loops(mapping: Mapping) -> bool:
    return any(key.startswith(PREFIX) for key in mapping.entries)


def expand(mapping: Mapping) -> tuple[Mapping, bool]:
    """``mapping`` with its loops replaced by the entries they generate, and whether every
    loop could be expanded (a loop over a computed collection, or past the limits, cannot)."""
    budget = [MAX_EXPANDED_NODES]
    try:
        return _expand(mapping, budget, 0)
    except ExpansionLimit:
        entries = {k: v for k, v in mapping.entries.items() if not k.startswith(PREFIX)}
        return Mapping(entries, mapping.span, mapping.key_span), False


def _expand(mapping: Mapping, budget: list[int], depth: int) -> tuple[Mapping, bool]:
    entries: dict[str, Node] = {}
    complete = True
    for key, value in mapping.entries.items():
        if not key.startswith(PREFIX):
            entries[key] = value
            continue
        generated = _loop(value, budget, depth) if depth < MAX_NESTING else None
        if generated is None:
            complete = False
            continue
        for generated_key, generated_value in generated.items():
            entries.setdefault(generated_key, generated_value)
    return Mapping(entries, mapping.span, mapping.key_span), complete


def _loop(arguments: Node, budget: list[int], depth: int) -> dict[str, Node] | None:
    if not isinstance(arguments, Sequence) or len(arguments.items) != 3:
        return None
    identifier, collection, template = arguments.items
    if not (isinstance(identifier, Scalar) and isinstance(identifier.value, str)):
        return None
    if not isinstance(collection, Sequence) or not isinstance(template, Mapping):
        return None
    values: list[str] = []
    for element in collection.items:
        if (
            not isinstance(element, Scalar)
            or element.value is None
            or isinstance(element.value, bool)
        ):
            return None  # a computed item: the keys the loop makes cannot be known
        values.append(str(element.value))
    name = identifier.value
    generated: dict[str, Node] = {}
    for value in values:
        for key, fragment in template.entries.items():
            copy = _substitute(fragment, name, value, budget)
            if isinstance(copy, Mapping) and has_loops(copy):
                copy, complete = _expand(copy, budget, depth + 1)
                if not complete:
                    return None
            generated.setdefault(_key(key, name, value), copy)
    return generated


def _key(key: str, name: str, item: str) -> str:
    alphanumeric = re.sub(r"[^A-Za-z0-9]", "", item)
    return key.replace("${" + name + "}", item).replace("&{" + name + "}", alphanumeric)


def _substitute(node: Node, name: str, item: str, budget: list[int]) -> Node:
    """A copy of ``node`` for one item of the loop (iterative in breadth, recursive in depth,
    which the syntax layer already bounds)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ExpansionLimit
    if isinstance(node, Mapping):
        if len(node.entries) == 1:
            ((only_key, only_value),) = node.entries.items()
            if only_key == "Ref" and isinstance(only_value, Scalar) and only_value.value == name:
                return Scalar(item, node.span, node.key_span)
            if only_key == "Fn::Sub" and isinstance(only_value, Scalar):
                return _sub(node, only_value, name, item)
        entries = {
            _key(key, name, item): _substitute(value, name, item, budget)
            for key, value in node.entries.items()
        }
        return Mapping(entries, node.span, node.key_span)
    if isinstance(node, Sequence):
        return Sequence(
            [_substitute(child, name, item, budget) for child in node.items],
            node.span,
            node.key_span,
        )
    if isinstance(node, Scalar):
        return Scalar(node.value, node.span, node.key_span)
    if isinstance(node, Unknown):
        return Unknown(node.what, node.span, node.key_span, node.may_be_null)
    return node


def _sub(node: Mapping, text: Scalar, name: str, item: str) -> Node:
    """``Fn::Sub`` of a string: the loop's variable replaced; a literal once nothing else is
    left to substitute (``${!Literal}`` is CloudFormation's escape for a literal ``${``)."""
    value = str(text.value).replace("${" + name + "}", item)
    if "${" not in value:
        return Scalar(value, node.span, node.key_span)
    return Mapping({"Fn::Sub": Scalar(value, text.span, text.key_span)}, node.span, node.key_span)
