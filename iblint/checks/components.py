"""IB4xx: the components recipes use."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.checks.values import mapping_items, member_alternatives, text_of
from iblint.model import Problem, Resource, ResourceKind
from iblint.registry import CheckContext, rule
from iblint.versions import VersionError, parse_arn


@rule("IB401", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
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
            labels = ", ".join(f"{build.label} ({build.status})" for build in builds)
            reasons = sorted({build.reason for build in builds if build.reason})
            reason = f": {'; '.join(reasons)}" if reasons else ""
            yield Problem(
                arn_span,
                f"component {arn.name} {arn.version if arn.build is None else f'{arn.version}/{arn.build}'} "
                f"resolves only to deprecated builds ({labels}){reason}",
                "reference a version of the component that is not deprecated",
            )
