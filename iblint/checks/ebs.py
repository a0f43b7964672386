"""IB2xx: EBS block device mappings of image recipes and container recipes."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.checks.values import (
    integer_of,
    literal_text,
    mapping_items,
    mappings_in,
    member_alternatives,
    text_of,
)
from iblint.model import Mapping, Problem, Resource, ResourceKind
from iblint.registry import CheckContext, rule


def ebs_specifications(resource: Resource) -> Iterator[Mapping]:
    """Every literal ``ebs`` mapping of the resource's block device mappings."""
    if resource.kind is ResourceKind.CONTAINER_RECIPE:
        lists = [
            configuration.get("blockDeviceMappings")
            for configuration in mappings_in(resource.body.get("instanceConfiguration"))
        ]
    else:
        lists = [resource.body.get("blockDeviceMappings")]
    for device_list in lists:
        for device in mapping_items(device_list):
            yield from mappings_in(device.get("ebs"))


@rule("IB201", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def throughput_on_non_gp3(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for ebs in ebs_specifications(resource):
        for throughput, throughput_span in member_alternatives(ebs, "throughput"):
            if integer_of(throughput) is None:
                continue
            volume_types = {
                volume_type
                for node, _ in member_alternatives(ebs, "volumeType")
                if (volume_type := text_of(node)) is not None and volume_type != "gp3"
            }
            for volume_type in sorted(volume_types):
                yield Problem(
                    throughput_span,
                    f"throughput is set on a volume of type '{volume_type}', but only gp3 "
                    "volumes take a throughput (EC2: 'valid only for gp3 volumes')",
                    "remove throughput, or set volumeType to 'gp3'",
                )


@rule("IB202", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def throughput_out_of_range(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    minimum = int(context.options.get("minimum", 125))
    maximum = int(context.options.get("maximum", 1000))
    for ebs in ebs_specifications(resource):
        for throughput, throughput_span in member_alternatives(ebs, "throughput"):
            value = integer_of(throughput)
            if value is None or minimum <= value <= maximum:
                continue
            side = "below the minimum" if value < minimum else "above the maximum"
            yield Problem(
                throughput_span,
                f"throughput {literal_text(throughput)} MiB/s is {side}: the allowed range is "
                f"{minimum}-{maximum} MiB/s",
                f"set throughput between {minimum} and {maximum} MiB/s",
            )
