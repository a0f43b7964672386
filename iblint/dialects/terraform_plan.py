"""Terraform plan JSON (``terraform show -json plan.out``) to Image Builder resources.

Values in a plan are resolved, which is how a team checks what a module will really deploy.
Resources come from ``resource_changes[].change.after`` (where ``after_unknown`` tells which
values are known only after apply); a resource that appears only under ``planned_values``
(root and child modules) is read from there, where a value not known yet is simply omitted, so
an absent member counts as unknown rather than as "not set". Bodies are translated by the
translator the configurations use (:class:`iblint.dialects.terraform.Translator`); what is
plan-only is here: values are literal (a string holding ``${`` is just a string), an absent
single block is an empty list, and the AWS provider's zero values mean "unset"
(:data:`~iblint.dialects.terraform_names.ZERO_IS_UNSET`).
"""

from __future__ import annotations

from collections.abc import Iterable

from iblint.dialects import LoadContext
from iblint.dialects.terraform import Translator
from iblint.dialects.terraform_names import NULLABLE_BOOLS, RESOURCE_KINDS, ZERO_IS_UNSET
from iblint.model import InputProblem, Mapping, Node, Resource, Scalar, Sequence, Span, Unknown

_NO_NAMES: frozenset[str] = frozenset()
_MAX_MODULE_DEPTH = 50


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


class PlanTranslator(Translator):
    """A plan's resolved values; ``open_world``: absent members are unknown (planned_values)."""

    empty_list_is_unset = True

    def __init__(self, problems: list[InputProblem], open_world: bool) -> None:
        super().__init__(problems)
        self.open_world = open_world

    def names(self, body: Mapping, markers: dict[str, Node]) -> Iterable[str]:
        # after_unknown names values that `after` leaves out.
        return [*body.entries, *(name for name in markers if name not in body.entries)]

    def mapping(self, entries: dict[str, Node], body: Mapping, unset: frozenset[str]) -> Mapping:
        if self.open_world:
            return OpenMapping(entries, body.span, body.key_span, unset)
        return Mapping(entries, body.span, body.key_span)

    def argument(self, name: str, value: Node, block: str) -> Node | None:
        if isinstance(value, Scalar):
            literal = value.value
            if name in ZERO_IS_UNSET.get(block, _NO_NAMES) and (
                literal == "" or (literal == 0 and not isinstance(literal, bool))
            ):
                return None  # the provider's zero value for a setting nobody made
            if name in NULLABLE_BOOLS.get(block, _NO_NAMES) and literal in ("true", "false"):
                return Scalar(literal == "true", value.span, value.key_span)
        return value


def claims(document: Node) -> bool:
    return (
        isinstance(document, Mapping)
        and ("resource_changes" in document.entries or "planned_values" in document.entries)
        and ("format_version" in document.entries or "terraform_version" in document.entries)
    )


is_plan = claims


def resources(document: Node, context: LoadContext) -> list[Resource]:
    assert isinstance(document, Mapping)
    return plan_resources(document, context.problems)


def plan_resources(root: Mapping, problems: list[InputProblem] | None = None) -> list[Resource]:
    problems = problems if problems is not None else []
    found: list[Resource] = []
    seen: set[str] = set()
    changes = root.get("resource_changes")
    if isinstance(changes, Sequence):
        translator = PlanTranslator(problems, open_world=False)
        for change in changes.items:
            resource = _from_change(change, translator)
            if resource is not None:
                found.append(resource)
                seen.add(resource.name)
    planned = root.get("planned_values")
    module = planned.get("root_module") if isinstance(planned, Mapping) else None
    if isinstance(module, Mapping):
        translator = PlanTranslator(problems, open_world=True)
        for address, type_name, values in _module_resources(module, 0):
            if address not in seen:
                body = translator.body(values, None, "")
                kind = RESOURCE_KINDS[type_name]
                found.append(Resource(kind, address, body, body.anchor, named_in_messages=True))
    return found


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def _from_change(change: Node, translator: PlanTranslator) -> Resource | None:
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
    body = translator.body(after, unknown if isinstance(unknown, Mapping) else None, "")
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
    if isinstance(children, Sequence) and depth < _MAX_MODULE_DEPTH:
        for child in children.items:
            if isinstance(child, Mapping):
                found.extend(_module_resources(child, depth + 1))
    return found
