"""Terraform's JSON syntax (``*.tf.json``, what CDK for Terraform writes) to Image Builder
resources.

``{"resource": {"aws_imagebuilder_image_recipe": {"app": {...}}}}``: arguments are JSON values,
a nested block is an object (or a list of objects when it repeats), and a string holding
``${...}`` is an expression. Names map to API members as in ``.tf`` files; ``"${var.NAME}"``
takes the module's literal value for the variable, as ``var.NAME`` does there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from iblint.dialects.terraform_names import (
    ADDITIONAL_INSTANCE_CONFIGURATION,
    LIST_BLOCKS,
    MAP_ARGUMENTS,
    RESOURCE_KINDS,
    api_name,
    finish_members,
    place_member,
)
from iblint.model import Mapping, Node, Resource, Scalar, Sequence, Span, Unknown

#: Meta-arguments that are no part of the resource's settings.
_META = frozenset({"depends_on", "lifecycle", "provider", "provisioner", "connection"})
_VARIABLE_ONLY = re.compile(r"^\$\{\s*var\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}$")

if TYPE_CHECKING:
    from iblint.dialects.terraform_hcl import VariableValue


def is_terraform_json(display_path: str) -> bool:
    return display_path.lower().endswith(".tf.json")


def json_resources(
    root: Node, variables: dict[str, VariableValue], origins: dict[Span, str]
) -> list[Resource]:
    """The Image Builder resources of a ``.tf.json`` document."""
    found: list[Resource] = []
    for resources in _objects(root.get("resource") if isinstance(root, Mapping) else None):
        for type_name, by_name in resources.entries.items():
            kind = RESOURCE_KINDS.get(type_name)
            if kind is None:
                continue
            for named in _objects(by_name):
                for name, declaration in named.entries.items():
                    for body in _objects(declaration):
                        translated = _Translator(variables, origins).body(body, top_level=True)
                        found.append(
                            Resource(
                                kind,
                                f"{type_name}.{name}",
                                translated,
                                translated.anchor,
                            )
                        )
    return found


def _objects(node: Node | None) -> list[Mapping]:
    """An object, or each object of a list of them (both are allowed at every level)."""
    if isinstance(node, Mapping):
        return [node]
    if isinstance(node, Sequence):
        return [item for item in node.items if isinstance(item, Mapping)]
    return []


class _Translator:
    def __init__(self, variables: dict[str, VariableValue], origins: dict[Span, str]) -> None:
        self.variables = variables
        self.origins = origins

    def body(self, block: Mapping, top_level: bool = False) -> Mapping:
        entries: dict[str, Node] = {}
        additional: dict[str, Node] = {}
        for name, value in block.entries.items():
            if name in _META:
                continue
            if name == "dynamic":
                for dynamic in _objects(value):
                    for dynamic_name, content in dynamic.entries.items():
                        unknown = Unknown(
                            "dynamic block", content.span, content.key_span, may_be_null=True
                        )
                        if dynamic_name in ADDITIONAL_INSTANCE_CONFIGURATION and top_level:
                            additional[ADDITIONAL_INSTANCE_CONFIGURATION[dynamic_name]] = unknown
                        elif dynamic_name in LIST_BLOCKS:
                            entries.setdefault(LIST_BLOCKS[dynamic_name], unknown)
                        else:
                            entries[api_name(dynamic_name)] = unknown
                continue
            translated = self.member(name, value)
            if name in LIST_BLOCKS and isinstance(entries.get(LIST_BLOCKS[name]), Unknown):
                entries.pop(LIST_BLOCKS[name])  # static blocks beside a dynamic one
            place_member(name, translated, top_level, entries, additional)
        finish_members(entries, additional)
        return Mapping(entries, block.span, block.key_span)

    def member(self, name: str, value: Node) -> Node:
        if name in MAP_ARGUMENTS:
            return self.expression(value)
        if name in LIST_BLOCKS:
            items: list[Node] = [self.body(item) for item in _objects(value)]
            return Sequence(items, value.span, value.key_span)
        if isinstance(value, Mapping):
            return self.body(value)
        blocks = _objects(value) if isinstance(value, Sequence) else []
        if blocks and isinstance(value, Sequence) and len(blocks) == len(value.items):
            first = self.body(blocks[0])  # a single block written as a list
            first.key_span = value.key_span
            return first
        return self.expression(value)

    def expression(self, node: Node) -> Node:
        if isinstance(node, Scalar) and isinstance(node.value, str) and "${" in node.value:
            match = _VARIABLE_ONLY.match(node.value)
            known = self.variables.get(match.group(1)) if match else None
            if match and known is not None and isinstance(known.node, Scalar):
                shown = repr(known.node.value)
                self.origins[node.span] = f"var.{match.group(1)} = {shown}, {known.origin}"
                return Scalar(known.node.value, node.span, node.key_span)
            return Unknown("expression", node.span, node.key_span, may_be_null=True)
        if isinstance(node, Sequence):
            return Sequence([self.expression(i) for i in node.items], node.span, node.key_span)
        if isinstance(node, Mapping):
            entries = {key: self.expression(value) for key, value in node.entries.items()}
            return Mapping(entries, node.span, node.key_span)
        return node
