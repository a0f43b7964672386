"""IB2xx: EBS block device mappings of image recipes and container recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator

from iblint.checks.values import (
    literal_text,
    mapping_items,
    mappings_in,
    member_alternatives,
    number_of,
    text_of,
)
from iblint.model import Mapping, Problem, Resource, ResourceKind, Unknown
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
        # The volume types are worked out once per ebs mapping, not once per throughput
        # alternative: nested Fn::If on both would otherwise multiply the work.
        volume_types: set[str] | None = None
        for throughput, throughput_span in member_alternatives(ebs, "throughput"):
            # A computed throughput is still set, unless it may be null (a Terraform
            # expression), which leaves the argument out: then nothing is known.
            computed_is_set = isinstance(throughput, Unknown) and not throughput.may_be_null
            if not computed_is_set and number_of(throughput) is None:
                continue
            if volume_types is None:
                volume_types = {
                    volume_type
                    for node, _ in member_alternatives(ebs, "volumeType")
                    if (volume_type := text_of(node)) is not None and volume_type != "gp3"
                }
            what = (
                f"throughput (computed by {throughput.what})"
                if isinstance(throughput, Unknown)
                else "throughput"
            )
            for volume_type in sorted(volume_types):
                if volume_type.lower() == "gp3":
                    message = (
                        f"{what} is set, but '{volume_type}' is not a valid volume type (volume "
                        "types are lower case: 'gp3'), and only gp3 volumes take a throughput"
                    )
                    fix = "set volumeType to 'gp3' (lower case)"
                else:
                    message = (
                        f"{what} is set on a volume of type '{volume_type}', but only gp3 "
                        "volumes take a throughput (EC2: 'valid only for gp3 volumes')"
                    )
                    fix = "remove throughput, or set volumeType to 'gp3'"
                yield Problem(throughput_span, message, fix)


@rule("IB202", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def throughput_out_of_range(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    minimum: int = context.options["minimum"]  # defaults in the spec, validated by Config
    maximum: int = context.options["maximum"]
    for ebs in ebs_specifications(resource):
        for throughput, throughput_span in member_alternatives(ebs, "throughput"):
            value = number_of(throughput)
            if value is None or minimum <= value <= maximum:
                continue
            side = "below the minimum" if value < minimum else "above the maximum"
            shown = "is infinite" if math.isinf(value) else f"{literal_text(throughput)} MiB/s is"
            yield Problem(
                throughput_span,
                f"throughput {shown} {side}: the allowed range is {minimum}-{maximum} MiB/s",
                f"set throughput between {minimum} and {maximum} MiB/s",
            )
