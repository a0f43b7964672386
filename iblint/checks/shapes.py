"""IB5xx: every recognised resource against its API shape, in the user's own names.

One validation per resource (:mod:`iblint.shapes.validator`) feeds the seven rules: each rule
reports its kind of mistake. What another rule reports better is left to it, so one value
never gets two findings for one mistake:

- the throughput range is IB202's (its maximum is an option: EC2 now allows 2000 MiB/s);
- ``httpTokens`` is IB101's, which reports every value but ``required``;
- the length of ``parentImage`` is IB301's, which says what form the value should take;
- the version and component ARN patterns are IB302's and IB303's, and an inline component
  document over 16,000 characters IB615's, when those rules exist (they say more: the
  wildcard rules the patterns cannot express, where to put a long document).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

# iblint.shapes and its formats come with the validator anyway; the model's data is read only
# when a rule first needs it (shapes.load).
from iblint import registry, shapes
from iblint.model import Edit, Node, Problem, Resource, ResourceKind, Scalar, Span
from iblint.registry import CheckContext, rule
from iblint.shapes import formats, validator

_KINDS = (
    ResourceKind.IMAGE_RECIPE,
    ResourceKind.CONTAINER_RECIPE,
    ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    ResourceKind.COMPONENT,
)
_RULES = {
    validator.UNKNOWN: "IB501",
    validator.TYPE: "IB502",
    validator.REQUIRED: "IB503",
    validator.ENUM: "IB504",
    validator.RANGE: "IB505",
    validator.LENGTH: "IB506",
    validator.PATTERN: "IB507",
}
_RECIPES = ("CreateImageRecipeRequest", "CreateContainerRecipeRequest")
_VALUE_CHECKS = (validator.TYPE, validator.ENUM, validator.LENGTH, validator.PATTERN)
#: (structure, member, check) -> the rule that owns that check.
_OWNERS: dict[tuple[str, str, str], str] = {
    ("EbsInstanceBlockDeviceSpecification", "throughput", validator.RANGE): "IB202",
    **{("InstanceMetadataOptions", "httpTokens", check): "IB101" for check in _VALUE_CHECKS},
    **{(recipe, "parentImage", validator.LENGTH): "IB301" for recipe in _RECIPES},
    **{
        (request, "semanticVersion", validator.PATTERN): "IB302"
        for request in (*_RECIPES, "CreateComponentRequest")
    },
    ("ComponentConfiguration", "componentArn", validator.PATTERN): "IB303",
    ("CreateComponentRequest", "data", validator.TOO_LONG): "IB615",
}


class _Memo:
    """The last resource validated, and its issues: every rule of the family asks for the same
    resource in turn, and it is validated once."""

    resource: Resource | None = None
    issues: list[validator.Issue] = []  # noqa: RUF012 (replaced, never changed in place)
    problems: dict[str, list[Problem]] = {}  # noqa: RUF012
    #: Span of an enum value in the wrong letter case to the value it means.
    replacements: dict[Span, str] = {}  # noqa: RUF012


def issues_of(resource: Resource) -> list[validator.Issue]:
    if _Memo.resource is not resource:
        issues = validate(resource)
        problems: dict[str, list[Problem]] = {}
        replacements: dict[Span, str] = {}
        for issue in issues:
            problems.setdefault(_RULES[issue.kind], []).append(issue.problem)
            if issue.replacement is not None:
                replacements[issue.problem.span] = issue.replacement
        _Memo.resource, _Memo.issues, _Memo.problems = resource, issues, problems
        _Memo.replacements = replacements
    return _Memo.issues


def problems_of(resource: Resource) -> dict[str, list[Problem]]:
    """The problems each IB5xx rule finds in ``resource``."""
    issues_of(resource)
    return _Memo.problems


def enum_case_fix(node: Node, resource: Resource) -> tuple[Edit, ...]:
    """IB504's safe fix: an enum value written in another letter case (``GP3``, ``linux``)
    becomes the one value it can only mean."""
    if not isinstance(node, Scalar) or not isinstance(node.value, str):
        return ()
    issues_of(resource)
    replacement = _Memo.replacements.get(node.span)
    return () if replacement is None else (Edit(node.span, node.value, replacement),)


@functools.cache
def _deferred(registered: int) -> validator.Deferred:
    """The checks left to the rules that own them, among those registered (``registered``, the
    number of rules, keys the cache: rules register once, as their modules are imported)."""
    return frozenset(key for key, owner in _OWNERS.items() if owner in registry.RULES)


def validate(resource: Resource) -> list[validator.Issue]:
    """Every shape issue of ``resource``; none for a format the shapes do not cover."""
    fmt = formats.FORMATS.get(resource.dialect)
    if fmt is None or resource.kind not in shapes.REQUESTS:
        return []
    if fmt.name == "api-response":
        shape = shapes.RESPONSES[resource.kind]
    elif (
        resource.kind is ResourceKind.INFRASTRUCTURE_CONFIGURATION
        and fmt.name == "api-request"
        and "infrastructureConfigurationArn" in resource.body.entries
    ):
        shape = shapes.UPDATE_INFRASTRUCTURE
    elif (
        resource.kind is ResourceKind.COMPONENT
        and fmt.name == "api-request"
        and "format" in resource.body.entries
    ):
        shape = shapes.IMPORT_COMPONENT
    else:
        shape = shapes.REQUESTS[resource.kind]
    walk = validator.Walk(fmt, shapes.load().shapes, resource.kind, _deferred(len(registry.RULES)))
    walk.structure(resource.body, shape, formats.resource_label(fmt, resource.kind, shape), True)
    return walk.issues


@rule("IB501", *_KINDS)
def unknown_member(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB501", ())


@rule("IB502", *_KINDS)
def wrong_type(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB502", ())


@rule("IB503", *_KINDS)
def missing_required_member(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB503", ())


@rule("IB504", *_KINDS)
def value_not_in_enum(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB504", ())


@rule("IB505", *_KINDS)
def number_out_of_range(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB505", ())


@rule("IB506", *_KINDS)
def length_out_of_range(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB506", ())


@rule("IB507", *_KINDS)
def pattern_mismatch(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    yield from problems_of(resource).get("IB507", ())
