"""Terraform attribute and block names to Image Builder API member names, shared by the
``.tf`` and plan-JSON loaders (the provider's schema:
https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service/imagebuilder)."""

from __future__ import annotations

import functools

from iblint.model import Mapping, Node, ResourceKind, Scalar, Sequence

RESOURCE_KINDS = {
    "aws_imagebuilder_image_recipe": ResourceKind.IMAGE_RECIPE,
    "aws_imagebuilder_container_recipe": ResourceKind.CONTAINER_RECIPE,
    "aws_imagebuilder_infrastructure_configuration": ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    "aws_imagebuilder_component": ResourceKind.COMPONENT,
}

#: Blocks that may repeat, and the API list member they fill.
LIST_BLOCKS = {
    "block_device_mapping": "blockDeviceMappings",
    "component": "components",
    "parameter": "parameters",
}
#: Arguments whose object value is data (a map), not a nested block.
MAP_ARGUMENTS = frozenset({"tags", "tags_all", "ami_tags", "resource_tags"})
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


def member_name(name: str, top_level: bool) -> str:
    """The API member a Terraform argument or block fills (additionalInstanceConfiguration's
    members keep their own names)."""
    if top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
        return ADDITIONAL_INSTANCE_CONFIGURATION[name]
    if top_level and name in TOP_LEVEL_RENAMES:
        return TOP_LEVEL_RENAMES[name]
    return LIST_BLOCKS.get(name) or api_name(name)


def place_member(
    name: str, value: Node, top_level: bool, entries: dict[str, Node], additional: dict[str, Node]
) -> None:
    """Puts a translated Terraform argument or block where the API has it.

    ``additional`` collects what the API nests under ``additionalInstanceConfiguration``
    (:func:`finish_members` adds it). An argument set to ``null`` is omitted, as Terraform
    treats it.
    """
    if isinstance(value, Scalar) and value.value is None:
        return
    if top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
        additional[ADDITIONAL_INSTANCE_CONFIGURATION[name]] = value
    elif top_level and name in TOP_LEVEL_RENAMES:
        entries[TOP_LEVEL_RENAMES[name]] = value
    elif name == "no_device":
        # The API's noDevice is an empty string that suppresses the device; false is absent.
        if isinstance(value, Scalar) and value.value is True:
            entries["noDevice"] = Scalar("", value.span, value.key_span)
        elif not isinstance(value, Scalar):
            entries["noDevice"] = value
    elif name in LIST_BLOCKS:
        entries[LIST_BLOCKS[name]] = value
    elif name == "value" and isinstance(value, Scalar):
        # Terraform takes one component parameter value; the API a list of them.
        entries["value"] = Sequence([value], value.span, value.key_span)
    else:
        entries[api_name(name)] = value


def finish_members(entries: dict[str, Node], additional: dict[str, Node]) -> dict[str, Node]:
    if additional:
        anchor = min(node.anchor for node in additional.values())
        entries["additionalInstanceConfiguration"] = Mapping(additional, anchor, anchor)
    return entries
