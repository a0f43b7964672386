"""Terraform attribute and block names to Image Builder API member names, shared by the
``.tf``, ``.tf.json`` and plan-JSON readers (the provider's schema:
https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service/imagebuilder)."""

from __future__ import annotations

import functools
import re

from iblint.model import Mapping, Node, ResourceKind, Scalar, Sequence

RESOURCE_KINDS = {
    "aws_imagebuilder_image_recipe": ResourceKind.IMAGE_RECIPE,
    "aws_imagebuilder_container_recipe": ResourceKind.CONTAINER_RECIPE,
    "aws_imagebuilder_infrastructure_configuration": ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    "aws_imagebuilder_component": ResourceKind.COMPONENT,
    "aws_imagebuilder_image_pipeline": ResourceKind.IMAGE_PIPELINE,
    "aws_imagebuilder_image": ResourceKind.IMAGE_PIPELINE,
}

#: A reference to an Image Builder resource's ARN, in a configuration's expression or a plan's
#: ``references``: ``TYPE.NAME.arn`` (or ``.id``, the same ARN for these resources),
#: ``TYPE.NAME[KEY].arn``. Group 1 is the type, group 2 the name.
ARN_REFERENCE = re.compile(
    r"(aws_imagebuilder_[a-z_]+)\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?:\[[^\[\]]*\]\s*)?"
    r"\.\s*(?:arn|id)"
)
#: Child modules of a plan deeper than this are not read.
MAX_MODULE_DEPTH = 50

#: Blocks that may repeat, and the API list member they fill.
LIST_BLOCKS = {
    "block_device_mapping": "blockDeviceMappings",
    "component": "components",
    "parameter": "parameters",
}
#: Arguments whose object value is data (a map), not a nested block.
MAP_ARGUMENTS = frozenset({"tags", "tags_all", "ami_tags", "resource_tags"})
#: Meta-arguments and blocks that are no part of the resource's settings (``//`` is a comment
#: in Terraform's JSON syntax).
META = frozenset(
    {
        "count",
        "for_each",
        "depends_on",
        "lifecycle",
        "provider",
        "provisioner",
        "connection",
        "//",
    }
)
#: Plan JSON: attributes, by the block that holds them ("" for the resource itself), that the
#: provider sends only when they are not the zero value ("" or 0). Its SDKv2 resources store an
#: unset nested attribute as its zero value, so a no-op plan carries ``"throughput": 0`` and
#: ``"volume_type": ""`` for settings nobody made. From the provider's expand functions
#: (``v != 0``, ``v != ""``, ``d.GetOk``): ``expandEBSInstanceBlockDeviceSpecification``,
#: ``expandInstanceBlockDeviceMapping`` and ``expandComponentConfiguration`` in
#: https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/imagebuilder/image_recipe.go,
#: ``expandInstanceConfiguration`` in ``container_recipe.go``, ``expandInstanceMetadataOptions``,
#: ``expandS3Logs`` and ``expandPlacement`` in ``infrastructure_configuration.go``, and the
#: resources' create functions. In a configuration the same values are refused by the
#: provider's validation (``IntBetween(125, 2000)``, ``StringLenBetween(1, 1024)``), so there a
#: written 0 or "" stays what it is.
ZERO_IS_UNSET: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "change_description",
            "container_type",
            "data",
            "description",
            "dockerfile_template_data",
            "dockerfile_template_uri",
            "instance_profile_name",
            "key_pair",
            "kms_key_id",
            "name",
            "parent_image",
            "platform",
            "platform_override",
            "sns_topic_arn",
            "subnet_id",
            "uri",
            "user_data_base64",
            "version",
            "working_directory",
        }
    ),
    "ebs": frozenset(
        {
            "delete_on_termination",
            "encrypted",
            "iops",
            "kms_key_id",
            "snapshot_id",
            "throughput",
            "volume_size",
            "volume_type",
        }
    ),
    "block_device_mapping": frozenset({"device_name", "virtual_name"}),
    "component": frozenset({"component_arn"}),
    "parameter": frozenset({"name", "value"}),
    "instance_configuration": frozenset({"image"}),
    "instance_metadata_options": frozenset({"http_put_response_hop_limit", "http_tokens"}),
    "s3_logs": frozenset({"s3_bucket_name", "s3_key_prefix"}),
    "placement": frozenset({"availability_zone", "host_id", "host_resource_group_arn", "tenancy"}),
}
#: Plan JSON: booleans the provider stores as the strings "true", "false" or "" (unset): the
#: ``ebs`` block's ``nullable.TypeNullableBool`` attributes.
NULLABLE_BOOLS = {"ebs": frozenset({"delete_on_termination", "encrypted"})}
#: Top-level names whose API member is not the camel case of the Terraform name.
TOP_LEVEL_RENAMES = {"version": "semanticVersion"}
#: Top-level names that the API nests under ``additionalInstanceConfiguration``.
ADDITIONAL_INSTANCE_CONFIGURATION = {
    "user_data_base64": "userDataOverride",
    "systems_manager_agent": "systemsManagerAgent",
}


@functools.cache
def api_name(name: str) -> str:
    """``http_put_response_hop_limit`` to ``httpPutResponseHopLimit``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


#: How :func:`place_member` puts a translated value where the API has it: as it is, under
#: ``additionalInstanceConfiguration``, as the API's ``noDevice``, as a one-item list.
PLAIN, ADDITIONAL, NO_DEVICE, LISTED = range(4)


def placement(name: str, top_level: bool) -> tuple[str, int]:
    """The API member a Terraform argument or block fills (additionalInstanceConfiguration's
    members keep their own names), and how :func:`place_member` puts it there."""
    if top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
        return ADDITIONAL_INSTANCE_CONFIGURATION[name], ADDITIONAL
    if top_level and name in TOP_LEVEL_RENAMES:
        return TOP_LEVEL_RENAMES[name], PLAIN
    if name == "no_device":
        return "noDevice", NO_DEVICE
    if name in LIST_BLOCKS:
        return LIST_BLOCKS[name], PLAIN
    if name == "value":
        return "value", LISTED
    return api_name(name), PLAIN


#: The :func:`placement` of each name met so far, at the top level of a resource (``True``)
#: and in blocks: every argument of every resource asks, and a dictionary answers faster.
PLACEMENTS: dict[bool, dict[str, tuple[str, int]]] = {True: {}, False: {}}


def member_name(name: str, top_level: bool) -> str:
    """The API member a Terraform argument or block fills."""
    return placement(name, top_level)[0]


def place_member(
    member: str, how: int, value: Node, entries: dict[str, Node], additional: dict[str, Node]
) -> None:
    """Puts a translated Terraform argument or block where the API has it: ``member`` and
    ``how`` are its :func:`placement`.

    ``additional`` collects what the API nests under ``additionalInstanceConfiguration``
    (:func:`finish_members` adds it). Whether a null is kept is the caller's choice.
    """
    if how == PLAIN:
        entries[member] = value
    elif how == ADDITIONAL:
        additional[member] = value
    elif how == NO_DEVICE:
        # The API's noDevice is an empty string that suppresses the device; false is absent.
        if isinstance(value, Scalar) and value.value is True:
            entries[member] = Scalar("", value.span, value.key_span)
        elif not isinstance(value, Scalar):
            entries[member] = value
    elif isinstance(value, Scalar) and value.value is not None:
        # Terraform takes one component parameter value; the API a list of them.
        entries[member] = Sequence([value], value.span, value.key_span)
    else:
        entries[member] = value


def finish_members(entries: dict[str, Node], additional: dict[str, Node]) -> dict[str, Node]:
    if additional:
        anchor = min(node.anchor for node in additional.values())
        entries["additionalInstanceConfiguration"] = Mapping(additional, anchor, anchor)
    return entries
