"""IB4xx: the components recipes use."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.catalog import CatalogEntry, ComponentCatalog
from iblint.checks.values import mapping_items, member_alternatives, text_of
from iblint.model import (
    Choice,
    Mapping,
    Node,
    Problem,
    Reference,
    Resource,
    ResourceKind,
    Sequence,
    Span,
    alternatives,
)
from iblint.registry import CheckContext, rule
from iblint.text_safety import printable, shown
from iblint.versions import ImageBuilderArn, Version, parse_arn

#: How much of a value from a checked or catalog file a message repeats: names are at most 128
#: characters in the API (ResourceName), reasons 1024 (NonEmptyString), but a file may hold
#: anything.
_MAX_NAME = 128
_MAX_LABEL = 40
_MAX_REASON = 200
#: How many builds and distinct reasons a message lists before it counts the rest.
_MAX_LISTED_BUILDS = 5
_MAX_LISTED_REASONS = 3


@rule(
    "IB401",
    ResourceKind.IMAGE_RECIPE,
    ResourceKind.CONTAINER_RECIPE,
    needs_catalog=True,
    reads=("components",),
)
def deprecated_component(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    catalog = context.catalog
    for arn, arn_span, builds in _resolved_references(resource, catalog):
        if not all(build.is_unusable for build in builds):
            continue
        if all(build.status == "DISABLED" for build in builds):
            continue  # IB402's
        assert catalog is not None
        yield Problem(arn_span, _message(arn, builds), _fix(catalog, arn))


def _resolved_references(
    resource: Resource, catalog: ComponentCatalog | None
) -> Iterator[tuple[ImageBuilderArn, Span, list[CatalogEntry]]]:
    """Each literal component reference of a recipe that the catalog knows, with the builds
    it resolves to; a malformed ARN is IB303's business."""
    if catalog is None or not len(catalog):
        return
    for configuration in mapping_items(resource.body.get("components")):
        for arn_node, arn_span in member_alternatives(configuration, "componentArn"):
            reference = text_of(arn_node)
            if reference is None:
                continue
            try:
                arn = parse_arn(reference, ("component",))
            except ValueError:
                continue
            builds = catalog.resolve(arn)
            if builds:
                yield arn, arn_span, builds


def _message(arn: ImageBuilderArn, builds: list[CatalogEntry]) -> str:
    name = printable(arn.name, _MAX_NAME)
    reason = _reasons(builds)
    if len(builds) == 1 and arn.build is not None:
        entry = builds[0]
        if entry.is_build:
            return (
                f"component {name} {printable(entry.label, _MAX_LABEL)} is {entry.status} in the "
                f"catalog: new recipes cannot use it{reason}"
            )
        return (
            f"component {name} {printable(_label(arn), _MAX_LABEL)} belongs to version "
            f"{printable(entry.label, _MAX_LABEL)}, which is {entry.status} in the catalog: new "
            f"recipes cannot use it{reason}"
        )
    listed = ", ".join(
        f"{printable(build.label, _MAX_LABEL)} ({build.status})"
        for build in builds[:_MAX_LISTED_BUILDS]
    )
    if len(builds) > _MAX_LISTED_BUILDS:
        listed += f" and {len(builds) - _MAX_LISTED_BUILDS} more"
    unusable = (
        "deprecated"
        if all(build.status == "DEPRECATED" for build in builds)
        else "deprecated or disabled"
    )
    return (
        f"component {name} {printable(_label(arn), _MAX_LABEL)} matches only {unusable} builds "
        f"in the catalog, {listed}: new recipes cannot use them{reason}"
    )


def _reasons(builds: list[CatalogEntry]) -> str:
    reasons = sorted({build.reason for build in builds if build.reason})
    if not reasons:
        return ""
    label = "reason" if len(reasons) == 1 else "reasons"
    quoted = "; ".join(shown(text, _MAX_REASON) for text in reasons[:_MAX_LISTED_REASONS])
    if len(reasons) > _MAX_LISTED_REASONS:
        quoted += f"; and {len(reasons) - _MAX_LISTED_REASONS} more"
    return f" ({label}: {quoted})"


def _fix(catalog: ComponentCatalog, arn: ImageBuilderArn) -> str:
    every_version = arn._replace(version=Version((None, None, None)), build=None)
    active = [entry for entry in catalog.resolve(every_version) if entry.status == "ACTIVE"]
    if active:
        return (
            f"reference a version that is not deprecated, such as "
            f"{printable(active[-1].label, _MAX_LABEL)} (the newest active one in the catalog)"
        )
    return "reference a version of the component that is not deprecated, or replace the component"


def _label(arn: ImageBuilderArn) -> str:
    label = str(arn.version)
    return f"{label}/{arn.build}" if arn.build is not None else label


@rule(
    "IB402",
    ResourceKind.IMAGE_RECIPE,
    ResourceKind.CONTAINER_RECIPE,
    needs_catalog=True,
    reads=("components",),
)
def disabled_component(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """References whose matching builds are all DISABLED (IB401 takes those with a DEPRECATED
    one among them)."""
    catalog = context.catalog
    for arn, arn_span, builds in _resolved_references(resource, catalog):
        if not all(build.status == "DISABLED" for build in builds):
            continue
        assert catalog is not None
        yield Problem(arn_span, _disabled_message(arn, builds), _disabled_fix(catalog, arn))


def _disabled_message(arn: ImageBuilderArn, builds: list[CatalogEntry]) -> str:
    name = printable(arn.name, _MAX_NAME)
    reason = _reasons(builds)
    if len(builds) == 1 and builds[0].is_build and arn.build is not None:
        return (
            f"component {name} {printable(builds[0].label, _MAX_LABEL)} is DISABLED in the "
            f"catalog: new recipes cannot use it{reason}"
        )
    listed = ", ".join(printable(build.label, _MAX_LABEL) for build in builds[:_MAX_LISTED_BUILDS])
    if len(builds) > _MAX_LISTED_BUILDS:
        listed += f" and {len(builds) - _MAX_LISTED_BUILDS} more"
    return (
        f"component {name} {printable(_label(arn), _MAX_LABEL)} matches only disabled builds in "
        f"the catalog ({listed}): new recipes cannot use them{reason}"
    )


def _disabled_fix(catalog: ComponentCatalog, arn: ImageBuilderArn) -> str:
    every_version = arn._replace(version=Version((None, None, None)), build=None)
    active = [entry for entry in catalog.resolve(every_version) if entry.status == "ACTIVE"]
    if active:
        return (
            f"reference an active version, such as {printable(active[-1].label, _MAX_LABEL)} "
            "(the newest active one in the catalog)"
        )
    return "reference a version of the component that is active, or replace the component"


@rule("IB403", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def duplicate_component(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """The same component (whatever the versions) twice in one list of components."""
    for components in alternatives(resource.body.get("components")):
        if not isinstance(components, Sequence):
            continue
        first: dict[tuple[str, ...], Span] = {}
        for item in components.items:
            key, label, span = _component_key(item)
            if key is None:
                continue
            earlier = first.get(key)
            if earlier is None:
                first[key] = span
                continue
            yield Problem(
                span,
                f"component {label} is already in this recipe (line {earlier.start_line}): "
                "a recipe takes each component only once",
                "remove this entry, or the earlier one; to run a component's steps twice, "
                "give them their own component",
            )


def _component_key(item: Node) -> tuple[tuple[str, ...] | None, str, Span]:
    """What identifies the component an item of ``components`` names (its ARN without the
    version, or the resource its ARN is read from), a label and where the item's ARN is;
    ``None`` when the item may name more than one thing."""
    if not isinstance(item, Mapping):
        return None, "", item.span
    node = item.get("componentArn")
    if node is None or isinstance(node, Choice):
        return None, "", item.span
    if isinstance(node, Reference):
        return ("reference", node.target), shown(node.target, _MAX_NAME), node.span
    text = text_of(node)
    if text is None:
        return None, "", node.span
    try:
        arn = parse_arn(text, ("component",))
    except ValueError:
        return None, "", node.span
    return arn.owner_key, printable(arn.name, _MAX_NAME), node.span
