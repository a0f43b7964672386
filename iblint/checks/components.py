"""IB4xx: the components recipes use."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.catalog import CatalogEntry, ComponentCatalog
from iblint.checks.values import mapping_items, member_alternatives, text_of
from iblint.model import Problem, Resource, ResourceKind
from iblint.registry import CheckContext, rule
from iblint.versions import ImageBuilderArn, Version, VersionError, parse_arn


@rule("IB401", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE, needs_catalog=True)
def deprecated_component(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    catalog = context.catalog
    if catalog is None or not len(catalog):
        return
    for configuration in mapping_items(resource.body.get("components")):
        for arn_node, arn_span in member_alternatives(configuration, "componentArn"):
            reference = text_of(arn_node)
            if reference is None:
                continue
            try:
                arn = parse_arn(reference, ("component",))
            except VersionError:
                continue  # a malformed ARN is another rule's business
            builds = catalog.resolve(arn)
            if not builds or any(
                build.status not in ("DEPRECATED", "DISABLED") for build in builds
            ):
                continue
            if all(build.status == "DISABLED" for build in builds):
                continue
            yield Problem(arn_span, _message(arn, builds), _fix(catalog, arn))


def _message(arn: ImageBuilderArn, builds: list[CatalogEntry]) -> str:
    reasons = sorted({build.reason for build in builds if build.reason})
    reason = ""
    if reasons:
        label = "reason" if len(reasons) == 1 else "reasons"
        reason = f" ({label}: {'; '.join(repr(text) for text in reasons)})"
    if arn.build is not None and len(builds) == 1:
        return (
            f"component {arn.name} {builds[0].label} is {builds[0].status} in the catalog: "
            f"new recipes cannot use it{reason}"
        )
    labels = ", ".join(f"{build.label} ({build.status})" for build in builds)
    unusable = (
        "deprecated"
        if all(build.status == "DEPRECATED" for build in builds)
        else "deprecated or disabled"
    )
    return (
        f"component {arn.name} {arn.version} matches only {unusable} builds in the "
        f"catalog, {labels}: new recipes cannot use them{reason}"
    )


def _fix(catalog: ComponentCatalog, arn: ImageBuilderArn) -> str:
    every_version = arn._replace(version=Version((None, None, None)), build=None)
    active = [entry for entry in catalog.resolve(every_version) if entry.status == "ACTIVE"]
    if active:
        return (
            f"reference a version that is not deprecated, such as {active[-1].label} "
            "(the newest active one in the catalog)"
        )
    return "reference a version of the component that is not deprecated, or replace the component"
