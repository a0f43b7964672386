"""Terraform attribute and block names to Image Builder API member names, shared by the
``.tf`` and plan-JSON loaders (``../shared/reference/imagebuilder-facts.md`` §6)."""

from __future__ import annotations

import functools

from iblint.model import ResourceKind

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
