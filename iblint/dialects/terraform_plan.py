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

import re
from collections.abc import Iterable
from typing import Any

from iblint.dialects import LoadContext
from iblint.dialects.embedded import component_documents
from iblint.dialects.terraform import Translator
from iblint.dialects.terraform_names import (
    ARN_REFERENCE,
    MAX_MODULE_DEPTH,
    NULLABLE_BOOLS,
    RESOURCE_KINDS,
    ZERO_IS_UNSET,
)
from iblint.model import (
    InputProblem,
    Mapping,
    Node,
    Reference,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Span,
    Unknown,
)

_NO_NAMES: frozenset[str] = frozenset()


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

    def __reduce__(self) -> tuple[Any, ...]:
        made = (self.entries, self.span, self.key_span, self.unset)
        return (OpenMapping, made, (None, {"source_names": self.source_names}))

    def get(self, key: str) -> Node | None:
        found = self.entries.get(key)
        if found is None and key not in self.unset:
            return Unknown("not known until apply", self.span, self.key_span, may_be_null=True)
        return found


class PlanPart(Mapping):
    """A plan read for one part of its resources (a large plan is checked by several
    processes, each its part: :class:`iblint.model.Portion`). The resource changes read at
    the positions ``related_changes`` (of those read), and with ``related_planned`` the
    resources read from planned values, are another part's: read for the rules that relate
    resources, not checked here."""

    __slots__ = ("related_changes", "related_planned")

    def __init__(
        self, whole: Mapping, related_changes: frozenset[int], related_planned: bool
    ) -> None:
        super().__init__(whole.entries, whole.span, whole.key_span, whole.source_names)
        self.related_changes = related_changes
        self.related_planned = related_planned

    def __reduce__(self) -> tuple[Any, ...]:
        whole = Mapping(self.entries, self.span, self.key_span, self.source_names)
        return (PlanPart, (whole, self.related_changes, self.related_planned))


class PlanTranslator(Translator):
    """A plan's resolved values; ``open_world``: absent members are unknown (planned_values)."""

    empty_list_is_unset = True

    def __init__(self, problems: list[InputProblem], open_world: bool) -> None:
        super().__init__(problems)
        self.open_world = open_world

    def names(self, body: Mapping, markers: dict[str, Node]) -> Iterable[str]:
        # after_unknown names values that `after` leaves out.
        entries = body.entries
        if not markers:
            return entries
        missing = [name for name in markers if name not in entries]
        return [*entries, *missing] if missing else entries

    def mapping(self, entries: dict[str, Node], body: Mapping, unset: frozenset[str]) -> Mapping:
        if self.open_world:
            return OpenMapping(entries, body.span, body.key_span, unset)
        return Mapping(entries, body.span, body.key_span)

    def argument(self, name: str, value: Node, block: str) -> Node | None:
        if isinstance(value, Scalar):
            literal = value.value
            if (
                literal == "" or (literal == 0 and not isinstance(literal, bool))
            ) and name in ZERO_IS_UNSET.get(block, _NO_NAMES):
                return None  # the provider's zero value for a setting nobody made
            if literal in ("true", "false") and name in NULLABLE_BOOLS.get(block, _NO_NAMES):
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
    """The plan's resources, and the AWSTOE documents its components hold (``data``, a JSON
    string of the plan: each finding points at its character in the plan)."""
    assert isinstance(document, Mapping)
    found = plan_resources(document, context.problems, context.related)
    return found + component_documents(found, context)


def plan_resources(
    root: Mapping,
    problems: list[InputProblem] | None = None,
    related: list[Resource] | None = None,
) -> list[Resource]:
    """The resources of a plan; of a :class:`PlanPart`, those of its part, and the other
    parts' resources it reads are added to ``related`` (their problems are the other
    parts' to report)."""
    problems = problems if problems is not None else []
    found, others = _plan_resources(root, problems)
    if any(resource.kind is ResourceKind.IMAGE_PIPELINE for resource in (*found, *others)):
        references = _configuration_references(root)
        if references:
            found = [_with_references(resource, references) for resource in found]
            others = [_with_references(resource, references) for resource in others]
    if related is not None:
        related.extend(others)
    return found


def _plan_resources(
    root: Mapping, problems: list[InputProblem]
) -> tuple[list[Resource], list[Resource]]:
    """The resources of the plan (its part's) and the other parts' it reads."""
    part = root if isinstance(root, PlanPart) else None
    found: list[Resource] = []
    others: list[Resource] = []
    seen: set[str] = set()
    changes = root.get("resource_changes")
    if isinstance(changes, Sequence):
        translator = PlanTranslator(problems, open_world=False)
        elsewhere = PlanTranslator([], open_world=False)  # another part reports its problems
        for position, change in enumerate(changes.items):
            mine = part is None or position not in part.related_changes
            resource = _from_change(change, translator if mine else elsewhere)
            if resource is not None:
                (found if mine else others).append(resource)
                seen.add(resource.name)
    planned = root.get("planned_values")
    module = planned.get("root_module") if isinstance(planned, Mapping) else None
    if isinstance(module, Mapping):
        elsewhere_planned = part is not None and part.related_planned
        translator = PlanTranslator([] if elsewhere_planned else problems, open_world=True)
        for address, type_name, values in _module_resources(module, 0):
            if address not in seen:
                body = translator.body(values, None, "")
                kind = RESOURCE_KINDS[type_name]
                (others if elsewhere_planned else found).append(
                    Resource(kind, address, body, body.anchor, True, dialect="terraform-plan")
                )
    return found, others


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
    return Resource(kind, address, body, body.anchor, True, dialect="terraform-plan")


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
    if isinstance(children, Sequence) and depth < MAX_MODULE_DEPTH:
        for child in children.items:
            if isinstance(child, Mapping):
                found.extend(_module_resources(child, depth + 1))
    return found


#: The arguments by which an image pipeline or image names what it builds with.
_TIES = {
    "container_recipe_arn": "containerRecipeArn",
    "image_recipe_arn": "imageRecipeArn",
    "infrastructure_configuration_arn": "infrastructureConfigurationArn",
}
_INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]")


def base_address(address: str) -> str:
    """A plan address without instance keys: ``module.m[0].TYPE.NAME["a"]`` is
    ``module.m.TYPE.NAME``, as a configuration names it."""
    return _INSTANCE_KEY.sub("", address) if "[" in address else address


def _configuration_references(root: Mapping) -> dict[str, dict[str, str]]:
    """What each image pipeline's and image's ties refer to in the plan's ``configuration``:
    pipeline address (without instance keys) to API member to the target's address. Only an
    expression that refers to the ARN of one resource counts."""
    configuration = root.get("configuration")
    module = configuration.get("root_module") if isinstance(configuration, Mapping) else None
    found: dict[str, dict[str, str]] = {}
    pending: list[tuple[Node | None, str, int]] = [(module, "", 0)]
    while pending:
        current, prefix, depth = pending.pop()
        if not isinstance(current, Mapping) or depth > MAX_MODULE_DEPTH:
            continue
        resources = current.get("resources")
        for declaration in resources.items if isinstance(resources, Sequence) else []:
            if not isinstance(declaration, Mapping):
                continue
            type_name = _text(declaration.get("type"))
            address = _text(declaration.get("address"))
            expressions = declaration.get("expressions")
            if RESOURCE_KINDS.get(type_name or "") is not ResourceKind.IMAGE_PIPELINE:
                continue
            if address is None or not isinstance(expressions, Mapping):
                continue
            ties: dict[str, str] = {}
            for argument, member in _TIES.items():
                target = _single_target(expressions.get(argument))
                if target is not None:
                    ties[member] = prefix + target
            if ties:
                found[prefix + address] = ties
        calls = current.get("module_calls")
        for name, call in calls.entries.items() if isinstance(calls, Mapping) else ():
            if isinstance(call, Mapping):
                pending.append((call.get("module"), f"{prefix}module.{name}.", depth + 1))
    return found


def _single_target(expression: Node | None) -> str | None:
    """The one Image Builder resource whose ARN an expression reads, else ``None``."""
    references = expression.get("references") if isinstance(expression, Mapping) else None
    if not isinstance(references, Sequence):
        return None
    targets = {
        f"{match.group(1)}.{match.group(2)}"
        for item in references.items
        if (text := _text(item)) is not None and (match := ARN_REFERENCE.fullmatch(text))
        if match.group(1) in RESOURCE_KINDS
    }
    return targets.pop() if len(targets) == 1 else None


def _with_references(resource: Resource, references: dict[str, dict[str, str]]) -> Resource:
    """A pipeline whose ties are known only after apply, with the resources they refer to."""
    if resource.kind is not ResourceKind.IMAGE_PIPELINE:
        return resource
    ties = references.get(base_address(resource.name))
    if not ties:
        return resource
    body = resource.body
    entries = dict(body.entries)
    for member, target in ties.items():
        value = body.get(member)
        if isinstance(value, Unknown):  # known after apply: the configuration says what
            entries[member] = Reference(value.what, target, value.span, value.key_span)
    if isinstance(body, OpenMapping):
        replaced: Mapping = OpenMapping(entries, body.span, body.key_span, body.unset)
    else:
        replaced = Mapping(entries, body.span, body.key_span)
    return resource._replace(body=replaced)
