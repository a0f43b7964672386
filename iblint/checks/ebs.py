"""IB2xx: EBS block device mappings of image recipes and container recipes."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from iblint.checks.values import (
    integer_of,
    last_only,
    literal_text,
    mapping_items,
    mappings_in,
    member_alternatives,
    number_of,
    text_of,
)
from iblint.model import Mapping, Node, Problem, Resource, ResourceKind, Scalar, Unknown
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown


#: The rules of this module read the mappings of one resource in turn: found once.
@last_only
def ebs_specifications(resource: Resource) -> tuple[Mapping, ...]:
    """Every literal ``ebs`` mapping of the resource's block device mappings."""
    if resource.kind is ResourceKind.CONTAINER_RECIPE:
        lists = [
            configuration.get("blockDeviceMappings")
            for configuration in mappings_in(resource.body.get("instanceConfiguration"))
        ]
    else:
        lists = [resource.body.get("blockDeviceMappings")]
    return tuple(
        ebs
        for device_list in lists
        for device in mapping_items(device_list)
        for ebs in mappings_in(device.get("ebs"))
    )


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
                        f"{what} is set, but {shown(volume_type)} is not a valid volume type (volume "
                        "types are lower case: 'gp3'), and only gp3 volumes take a throughput"
                    )
                    fix = "set volumeType to 'gp3' (lower case)"
                else:
                    message = (
                        f"{what} is set on a volume of type {shown(volume_type)}, but only gp3 "
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
            said = "is infinite" if math.isinf(value) else f"{literal_text(throughput)} MiB/s is"
            yield Problem(
                throughput_span,
                f"throughput {said} {side}: the allowed range is {minimum}-{maximum} MiB/s",
                f"set throughput between {minimum} and {maximum} MiB/s",
            )


# Per volume type, from the EC2 documentation (Amazon EBS user guide, "Amazon EBS volume
# types"; EC2 API reference, ``CreateVolume``): the size range in GiB, the most provisioned
# IOPS per GiB, and which types take ``iops`` at all.
_SIZE_RANGE = {
    "gp3": (1, 65_536),
    "gp2": (1, 16_384),
    "io1": (4, 16_384),
    "io2": (4, 65_536),
    "st1": (125, 16_384),
    "sc1": (125, 16_384),
    "standard": (1, 1_024),
}
_IOPS_PER_GIB = {"gp3": 500, "io1": 50, "io2": 1_000}
#: "Required for io1 and io2 volumes. Optional for gp3 volumes. Omit for all other volume
#: types." (EC2 API reference, ``CreateVolume``, ``Iops``)
_NEEDS_IOPS = frozenset({"io1", "io2"})
_TAKES_NO_IOPS = frozenset({"gp2", "st1", "sc1", "standard"})
_GP3_ONLY = frozenset({"gp3"})
#: A gp3 volume's IOPS when ``iops`` is not set, which no size lowers.
_GP3_BASELINE_IOPS = 3_000
#: "The maximum ratio of throughput to IOPS is 0.25 MiB/s per IOPS."
_THROUGHPUT_PER_IOPS = 0.25
#: The sizes the Image Builder API takes (``EbsVolumeSizeInteger``); outside them the API
#: shape rules report the size, not the per-type rule.
_API_SIZES = (1, 16_000)
#: The IOPS the Image Builder API takes (``EbsIopsInteger``), likewise.
_API_IOPS = (100, 64_000)
#: EC2's throughput range for gp3; outside it IB202 reports the value.
_EC2_THROUGHPUT = (125, 2_000)


class _Volume(NamedTuple):
    ebs: Mapping
    #: The volume types it may have, when all are literal known types (else ``None``).
    types: frozenset[str] | None


#: IB203-IB207 read the volumes of one resource in turn: they are worked out once.
@last_only
def _volumes(resource: Resource) -> list[_Volume]:
    return [_Volume(ebs, _certain_types(ebs)) for ebs in ebs_specifications(resource)]


def _certain_types(ebs: Mapping) -> frozenset[str] | None:
    """The volume types the mapping may have, when every alternative is a literal known
    type; ``None`` when one is absent, computed or not a valid type."""
    types: set[str] = set()
    for node, _ in member_alternatives(ebs, "volumeType"):
        value = text_of(node)
        if value is None or value not in _SIZE_RANGE:
            return None
        types.add(value)
    return frozenset(types) or None


def _is_set(node: Node | None) -> bool:
    """Whether a member is certainly set: a literal number, or a value computed at deploy time
    that cannot be null."""
    return number_of(node) is not None or (isinstance(node, Unknown) and not node.may_be_null)


def _most(ebs: Mapping, member: str, default: int | None) -> int | float | None:
    """The largest value ``member`` may take (``default`` where it is absent); ``None`` when
    one alternative is not a literal number (or is absent without a default)."""
    most: int | float | None = None
    for node, _ in member_alternatives(ebs, member):
        value = default if node is None else number_of(node)
        if value is None:
            return None
        most = value if most is None else max(most, value)
    return most


def _type_names(types: frozenset[str]) -> str:
    names = sorted(types)
    return names[0] if len(names) == 1 else " or ".join(names)


@rule("IB203", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def gp3_throughput_above_iops_ratio(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for ebs, types in _volumes(resource):
        if types != _GP3_ONLY:
            continue
        iops = _most(ebs, "iops", _GP3_BASELINE_IOPS)
        if iops is None:
            continue
        iops_set = ebs.get("iops") is not None
        for throughput, span in member_alternatives(ebs, "throughput"):
            value = number_of(throughput)
            if value is None or not _EC2_THROUGHPUT[0] <= value <= _EC2_THROUGHPUT[1]:
                continue
            allowed = iops * _THROUGHPUT_PER_IOPS
            if value <= allowed:
                continue
            where = (
                f"{iops:,} IOPS"
                if iops_set
                else f"the {_GP3_BASELINE_IOPS:,} IOPS of a gp3 volume without iops"
            )
            yield Problem(
                span,
                f"throughput {literal_text(throughput)} MiB/s is more than gp3 allows with "
                f"{where}: at most 0.25 MiB/s per IOPS, {math.floor(allowed):,} MiB/s",
                f"set iops to at least {math.ceil(value / _THROUGHPUT_PER_IOPS):,}, or lower "
                f"throughput to {math.floor(allowed):,} MiB/s",
            )


@rule("IB204", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def iops_on_volume_type_without_iops(
    resource: Resource, context: CheckContext
) -> Iterator[Problem]:
    for ebs, types in _volumes(resource):
        if types is None or not types <= _TAKES_NO_IOPS:
            continue
        for iops, span in member_alternatives(ebs, "iops"):
            if not _is_set(iops):
                continue
            yield Problem(
                span,
                f"iops is set on a {_type_names(types)} volume, but only gp3, io1 and io2 "
                "volumes take provisioned IOPS (EC2: 'Omit for all other volume types')",
                "remove iops, or set volumeType to 'gp3' (or 'io1'/'io2') to provision IOPS",
            )


@rule("IB205", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def provisioned_iops_volume_without_iops(
    resource: Resource, context: CheckContext
) -> Iterator[Problem]:
    for ebs, _ in _volumes(resource):
        if any(node is not None for node, _ in member_alternatives(ebs, "iops")):
            continue  # set (or computed) in some case
        for volume_type, span in member_alternatives(ebs, "volumeType"):
            value = text_of(volume_type)
            if value not in _NEEDS_IOPS:
                continue
            yield Problem(
                span,
                f"volumeType is '{value}', but iops is not set: io1 and io2 volumes need their "
                "provisioned IOPS ('Required only when volumeType is io1 or io2')",
                f"set iops for the {value} volume (at most "
                f"{_IOPS_PER_GIB[value]:,} per GiB of volumeSize), or use volumeType 'gp3'",
            )


@rule("IB206", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def volume_size_or_iops_out_of_range(
    resource: Resource, context: CheckContext
) -> Iterator[Problem]:
    for ebs, types in _volumes(resource):
        if types is None:
            continue
        yield from _size_problems(ebs, types)
        yield from _iops_problems(ebs, types)


def _size_problems(ebs: Mapping, types: frozenset[str]) -> Iterator[Problem]:
    for size_node, span in member_alternatives(ebs, "volumeSize"):
        size = integer_of(size_node)
        if size is None or not _API_SIZES[0] <= size <= _API_SIZES[1]:
            continue
        if any(_SIZE_RANGE[kind][0] <= size <= _SIZE_RANGE[kind][1] for kind in types):
            continue
        low = min(_SIZE_RANGE[kind][0] for kind in types)
        high = max(_SIZE_RANGE[kind][1] for kind in types)
        side = "below the minimum" if size < low else "above the maximum"
        limit = low if size < low else high
        ranges = "; ".join(
            f"{kind} {_SIZE_RANGE[kind][0]:,}-{_SIZE_RANGE[kind][1]:,} GiB"
            for kind in sorted(types)
        )
        yield Problem(
            span,
            f"volumeSize {size:,} GiB is {side} for a {_type_names(types)} volume, "
            f"{limit:,} GiB ({ranges})",
            f"set volumeSize to at least {low:,} GiB"
            if size < low
            else f"set volumeSize to at most {high:,} GiB, or use a volume type that is larger",
        )


def _iops_problems(ebs: Mapping, types: frozenset[str]) -> Iterator[Problem]:
    if not all(kind in _IOPS_PER_GIB for kind in types):
        return  # gp2, st1, sc1, standard: IB204
    size = _most(ebs, "volumeSize", None)
    if size is None or size < 1:
        return  # the size comes from the snapshot or the AMI, or is not known
    # The most any of the types allows for the largest size the volume may have; a gp3 volume
    # always has its 3,000 baseline IOPS.
    allowed = max(
        max(_IOPS_PER_GIB[kind] * size, _GP3_BASELINE_IOPS if kind == "gp3" else 0)
        for kind in types
    )
    for iops_node, span in member_alternatives(ebs, "iops"):
        iops = number_of(iops_node)
        if iops is None or iops <= allowed or not _API_IOPS[0] <= iops <= _API_IOPS[1]:
            continue
        ratio = max(_IOPS_PER_GIB[kind] for kind in types)
        yield Problem(
            span,
            f"iops {literal_text(iops_node)} is more than a {size:,} GiB "
            f"{_type_names(types)} volume takes: at most {ratio:,} IOPS per GiB, "
            f"{math.floor(allowed):,} IOPS",
            f"lower iops to {math.floor(allowed):,}, or make the volume at least "
            f"{math.ceil(iops / ratio):,} GiB",
        )


@rule("IB207", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def unencrypted_ebs_volume(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for ebs, _ in _volumes(resource):
        for encrypted, span in member_alternatives(ebs, "encrypted"):
            if not isinstance(encrypted, Scalar):
                continue
            value = encrypted.value
            if value is False or (isinstance(value, str) and value.strip().lower() == "false"):
                yield Problem(
                    span,
                    "encrypted is false: the volume is created unencrypted (unless the account "
                    "turns on EBS encryption by default), and so are the snapshots of the image "
                    "built from it",
                    "set encrypted to true (and kmsKeyId to a customer managed key, if your "
                    "policy asks for one)",
                )
