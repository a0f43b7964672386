"""Terraform plan JSON (``terraform show -json plan.out``) to Image Builder resources.

Values in a plan are resolved, which is how a team checks what a module will really deploy.
Resources come from ``resource_changes[].change.after`` (where ``after_unknown`` tells which
values are known only after apply); a resource that appears only under ``planned_values``
(root and child modules) is read from there, where a value not known yet is simply omitted, so
an absent member counts as unknown rather than as "not set". Nested blocks are lists of
objects in plan JSON; they are translated like the ``.tf`` loader translates blocks.
"""

from __future__ import annotations

from iblint.dialects.terraform_names import (
    LIST_BLOCKS,
    MAP_ARGUMENTS,
    RESOURCE_KINDS,
    finish_members,
    member_name,
    place_member,
)
from iblint.model import Mapping, Node, Resource, Scalar, Sequence, Span, Unknown


class OpenMapping(Mapping):
    """A mapping whose absent members are unknown rather than unset (plan ``planned_values``
    leaves out what is known only after apply), except those the plan gives as null or as no
    block at all, which are known to be unset."""

    __slots__ = ("unset",)

    def __init__(
        self, entries: dict[str, Node], span: Span, key_span: Span | None, unset: frozenset[str]
    ) -> None:
        super().__init__(entries, span, key_span)
        self.unset = unset

    def get(self, key: str) -> Node | None:
        found = self.entries.get(key)
        if found is None and key not in self.unset:
            return Unknown("not known until apply", self.span, self.key_span, may_be_null=True)
        return found


def is_plan(root: Node) -> bool:
    return (
        isinstance(root, Mapping)
        and ("resource_changes" in root.entries or "planned_values" in root.entries)
        and ("format_version" in root.entries or "terraform_version" in root.entries)
    )


def plan_resources(root: Mapping) -> list[Resource]:
    found: list[Resource] = []
    seen: set[str] = set()
    changes = root.get("resource_changes")
    if isinstance(changes, Sequence):
        for change in changes.items:
            resource = _from_change(change)
            if resource is not None:
                found.append(resource)
                seen.add(resource.name)
    planned = root.get("planned_values")
    if isinstance(planned, Mapping):
        module = planned.get("root_module")
        if isinstance(module, Mapping):
            for address, type_name, values in _module_resources(module, 0):
                if address in seen:
                    continue
                kind = RESOURCE_KINDS[type_name]
                body = _translate_body(values, None, open_world=True)
                found.append(Resource(kind, address, body, body.anchor, named_in_messages=True))
    return found


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def _from_change(change: Node) -> Resource | None:
    if not isinstance(change, Mapping) or _text(change.get("mode")) not in (None, "managed"):
        return None
    type_name = _text(change.get("type"))
    address = _text(change.get("address"))
    kind = RESOURCE_KINDS.get(type_name or "")
    details = change.get("change")
    if kind is None or address is None or not isinstance(details, Mapping):
        return None
    after = details.get("after")
    if not isinstance(after, Mapping):
        return None  # deleted, or not an object
    unknown = details.get("after_unknown")
    body = _translate_body(
        after, unknown if isinstance(unknown, Mapping) else None, open_world=False
    )
    return Resource(kind, address, body, body.anchor, named_in_messages=True)


def _module_resources(module: Mapping, depth: int) -> list[tuple[str, str, Mapping]]:
    found: list[tuple[str, str, Mapping]] = []
    resources = module.get("resources")
    if isinstance(resources, Sequence):
        for resource in resources.items:
            if not isinstance(resource, Mapping) or _text(resource.get("mode")) not in (
                None,
                "managed",
            ):
                continue
            type_name = _text(resource.get("type"))
            address = _text(resource.get("address"))
            values = resource.get("values")
            if type_name in RESOURCE_KINDS and address and isinstance(values, Mapping):
                found.append((address, type_name, values))
    children = module.get("child_modules")
    if isinstance(children, Sequence) and depth < 50:
        for child in children.items:
            if isinstance(child, Mapping):
                found.extend(_module_resources(child, depth + 1))
    return found


def _translate_body(values: Mapping, unknown: Mapping | None, open_world: bool) -> Mapping:
    return _translate_object(values, unknown, open_world, top_level=True)


def _translate_object(
    values: Mapping, unknown: Mapping | None, open_world: bool, top_level: bool = False
) -> Mapping:
    entries: dict[str, Node] = {}
    additional: dict[str, Node] = {}
    unset: set[str] = set()
    names = list(values.entries)
    if unknown is not None:
        names += [name for name in unknown.entries if name not in values.entries]
    for name in names:
        value = values.entries.get(name)
        marker = unknown.entries.get(name) if unknown is not None else None
        translated = _translate_value(name, value, marker, open_world)
        if translated is None:
            if value is not None:
                unset.add(member_name(name, top_level))  # given as null or as no block
            continue
        place_member(name, translated, top_level, entries, additional)
    finish_members(entries, additional)
    if open_world:
        return OpenMapping(entries, values.span, values.key_span, frozenset(unset))
    return Mapping(entries, values.span, values.key_span)


def _translate_value(
    name: str, value: Node | None, marker: Node | None, open_world: bool
) -> Node | None:
    if isinstance(marker, Scalar) and marker.value is True:
        span = value.span if value is not None else marker.span
        key_span = value.key_span if value is not None else marker.key_span
        return Unknown("known after apply", span, key_span, may_be_null=True)
    if value is None or (isinstance(value, Scalar) and value.value is None):
        return None  # unset
    if name in MAP_ARGUMENTS:
        return value
    if (
        isinstance(value, Sequence)
        and value.items
        and all(isinstance(i, Mapping) for i in value.items)
    ):
        markers = marker.items if isinstance(marker, Sequence) else []
        items: list[Node] = []
        for index, item in enumerate(value.items):
            assert isinstance(item, Mapping)
            item_marker = markers[index] if index < len(markers) else None
            items.append(
                _translate_object(
                    item, item_marker if isinstance(item_marker, Mapping) else None, open_world
                )
            )
        if name in LIST_BLOCKS:
            return Sequence(items, value.span, value.key_span)
        # A block that occurs at most once: the API member is the object itself.
        first = items[0]
        first.key_span = value.key_span
        return first
    if isinstance(value, Sequence) and not value.items and name not in LIST_BLOCKS:
        return None  # an absent single block
    return value


claims = is_plan


def resources(document: Node, context: object) -> list[Resource]:
    assert isinstance(document, Mapping)
    return plan_resources(document)
