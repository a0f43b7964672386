"""What each input format adds to the API shapes: its names, its required members, how it
converts values, and the few enum values it accepts or refuses on its own.

The API shapes (:mod:`iblint.shapes`) are what the Image Builder service accepts, whatever
wrote the request. A format changes only how a member is written and what its own validation
refuses before the request is sent:

- **API documents** (``--cli-input-json``/``--cli-input-yaml``) are the request itself: every
  member the shape does not have is refused ("Unknown parameter in input"), types are exact
  (``"250"`` is not an integer), and the required members are the shape's, except the
  idempotency token ``clientToken``, which the AWS CLI and SDKs fill in.
- **CloudFormation** writes members in PascalCase (``Version`` for ``semanticVersion``), turns
  numeric strings into numbers and ``"true"`` into true, and requires what each resource
  type's schema requires (CloudFormation resource reference, ``AWS::ImageBuilder::*``):
  ``Name``, ``Version`` and ``ParentImage`` for an image recipe, also ``ContainerType`` and
  ``TargetRepository`` for a container recipe, ``Name`` and ``InstanceProfileName`` for an
  infrastructure configuration, ``Name``, ``Platform`` and ``Version`` for a component.
  Its schemas list two volume types the API does not (``io2a``, ``gp3a``, unexplained), which
  are not reported, and no ``macOS`` for ``PlatformOverride``, which is.
- **Terraform** writes snake_case arguments and blocks (``block_device_mapping``, one block per
  list item; ``user_data_base64`` and ``systems_manager_agent`` at the top level for
  ``additionalInstanceConfiguration``), converts values as CloudFormation does, requires what
  the AWS provider's schema marks ``Required``
  (https://github.com/hashicorp/terraform-provider-aws/tree/main/internal/service/imagebuilder:
  at least one ``component`` block on recipes, ``s3_logs`` in ``logging``, ...) and has
  attributes the API lacks (``arn``, ``tags_all``, ``date_created``, ``skip_destroy``, the
  provider's ``region``), which are never reported. Its ``platform_override`` takes only
  ``Linux`` and ``Windows``.
- **Terraform plans** are Terraform's own output: every name in them is the provider's, and a
  value known only after apply is simply absent, so neither unknown nor missing members are
  reported there; values are.
- **Get* responses** are what the service returned: they are checked against the response
  objects (``ImageRecipe``, ...) for types and values only, since the service adds response
  members without notice and requires nothing of them.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from iblint.model import ResourceKind

_KIND_LABELS = {
    ResourceKind.IMAGE_RECIPE: ("ImageRecipe", "image_recipe"),
    ResourceKind.CONTAINER_RECIPE: ("ContainerRecipe", "container_recipe"),
    ResourceKind.INFRASTRUCTURE_CONFIGURATION: (
        "InfrastructureConfiguration",
        "infrastructure_configuration",
    ),
    ResourceKind.COMPONENT: ("Component", "component"),
}


class Format(NamedTuple):
    name: str
    #: What a member is called in messages: member, property, argument.
    noun: str
    #: Numeric strings are numbers, "true"/"false" booleans, numbers and booleans strings.
    converts: bool
    reports_unknown: bool
    reports_required: bool
    #: Whether a list with fewer items than the shape's minimum is reported (Terraform leaves
    #: an empty list out of the request).
    reports_too_few: bool
    #: The same for maps: an empty tag map is left out by Terraform, and allowed by the
    #: CloudFormation schemas (no ``minProperties``); a response may hold ``"tags": {}``.
    reports_too_few_entries: bool
    #: API members this format has no way to write (the SDK's own idempotency token).
    unwritable: frozenset[str] = frozenset()
    #: Top-level names the format has that are not API members: never reported.
    extra_names: frozenset[str] = frozenset()


API_REQUEST = Format("api-request", "member", False, True, True, True, True)
API_RESPONSE = Format("api-response", "member", False, False, False, False, False)
CLOUDFORMATION = Format(
    "cloudformation",
    "property",
    True,
    True,
    True,
    True,
    False,
    frozenset({"clientToken", "dryRun"}),
    # Read-only properties (the resource types' readOnlyProperties).
    frozenset({"Arn", "LatestVersion", "Type", "Encrypted"}),
)
TERRAFORM = Format(
    "terraform",
    "argument",
    True,
    True,
    True,
    False,
    False,
    frozenset({"clientToken", "dryRun"}),
    # Computed attributes, the provider's own arguments, and region (AWS provider 6).
    frozenset(
        {
            "arn",
            "id",
            "date_created",
            "date_updated",
            "owner",
            "platform",
            "encrypted",
            "type",
            "tags_all",
            "region",
            "skip_destroy",
            "timeouts",
            "latest_version_arn",
            "latest_major_version_arn",
            "latest_minor_version_arn",
            "latest_patch_version_arn",
        }
    ),
)
TERRAFORM_PLAN = TERRAFORM._replace(
    name="terraform-plan", reports_unknown=False, reports_required=False
)

FORMATS = {
    f.name: f for f in (API_REQUEST, API_RESPONSE, CLOUDFORMATION, TERRAFORM, TERRAFORM_PLAN)
}

#: Top-level required members per format, as API names (CloudFormation resource schemas;
#: the AWS provider's schemas). API requests use the shape's own ``required``.
_REQUIRED: dict[str, dict[ResourceKind, tuple[str, ...]]] = {
    "cloudformation": {
        ResourceKind.IMAGE_RECIPE: ("name", "semanticVersion", "parentImage"),
        ResourceKind.CONTAINER_RECIPE: (
            "name",
            "semanticVersion",
            "parentImage",
            "targetRepository",
            "containerType",
        ),
        ResourceKind.INFRASTRUCTURE_CONFIGURATION: ("name", "instanceProfileName"),
        ResourceKind.COMPONENT: ("name", "platform", "semanticVersion"),
    },
    "terraform": {
        ResourceKind.IMAGE_RECIPE: ("name", "semanticVersion", "parentImage", "components"),
        ResourceKind.CONTAINER_RECIPE: (
            "name",
            "semanticVersion",
            "parentImage",
            "containerType",
            "targetRepository",
            "components",
        ),
        ResourceKind.INFRASTRUCTURE_CONFIGURATION: ("name", "instanceProfileName"),
        ResourceKind.COMPONENT: ("name", "semanticVersion", "platform"),
    },
}
#: Nested members Terraform requires beyond the API (``Required`` in the provider's blocks).
_TERRAFORM_NESTED_REQUIRED = {
    "Logging": ("s3Logs",),
    "S3Logs": ("s3BucketName",),
    "SystemsManagerAgent": ("uninstallAfterBuild",),
}

#: Enum values a format accepts beyond the API's, by (structure, member).
ENUM_EXTRA: dict[str, dict[tuple[str, str], frozenset[str]]] = {
    "cloudformation": {
        ("EbsInstanceBlockDeviceSpecification", "volumeType"): frozenset({"io2a", "gp3a"}),
    },
}
#: The only enum values a format accepts, where its own validation is narrower than the API's.
ENUM_ONLY: dict[str, dict[tuple[str, str], tuple[str, ...]]] = {
    "cloudformation": {("CreateContainerRecipeRequest", "platformOverride"): ("Windows", "Linux")},
    "terraform": {("CreateContainerRecipeRequest", "platformOverride"): ("Linux", "Windows")},
    "terraform-plan": {("CreateContainerRecipeRequest", "platformOverride"): ("Linux", "Windows")},
}

#: Terraform names that are not the snake_case of the API name, by (structure or "", member);
#: ``None``: Terraform has no such argument (its members are written at the top level).
_TERRAFORM_NAMES: dict[tuple[str, str], str | None] = {
    ("", "semanticVersion"): "version",
    ("", "additionalInstanceConfiguration"): None,
    ("*", "blockDeviceMappings"): "block_device_mapping",
    ("*", "components"): "component",
    ("ComponentConfiguration", "parameters"): "parameter",
    ("AdditionalInstanceConfiguration", "userDataOverride"): "user_data_base64",
}
_CAPITAL = re.compile(r"([A-Z])")


@functools.cache
def spelling(format_name: str, structure: str, member: str, top: bool) -> str | None:
    """How ``member`` of ``structure`` is written in a format; ``None`` when it cannot be."""
    if format_name == "cloudformation":
        if top and member == "semanticVersion":
            return "Version"
        return member[:1].upper() + member[1:]
    if format_name in ("terraform", "terraform-plan"):
        for key in (("" if top else structure, member), ("*", member), (structure, member)):
            if key in _TERRAFORM_NAMES:
                return _TERRAFORM_NAMES[key]
        return _CAPITAL.sub(r"_\1", member).lower()
    return member


def required(
    fmt: Format, kind: ResourceKind, structure: str, shape_required: list[str], top: bool
) -> tuple[str, ...]:
    """The members of ``structure`` a format requires (API names)."""
    if not fmt.reports_required:
        return ()
    if top and fmt.name in _REQUIRED:
        return _REQUIRED[fmt.name][kind]
    own = tuple(shape_required)
    if fmt.name == "terraform":
        own += _TERRAFORM_NESTED_REQUIRED.get(structure, ())
    return own


def resource_label(fmt: Format, kind: ResourceKind, shape: str) -> str:
    """What a resource of ``kind`` is called in messages of this format."""
    pascal, snake = _KIND_LABELS[kind]
    if fmt.name == "cloudformation":
        return f"AWS::ImageBuilder::{pascal}"
    if fmt.name in ("terraform", "terraform-plan"):
        return f"aws_imagebuilder_{snake}"
    if shape.endswith("Request"):
        return f"the {shape.removesuffix('Request')} request"
    return f"the {shape} object"
