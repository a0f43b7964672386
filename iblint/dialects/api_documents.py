"""AWS CLI/API documents (JSON or YAML) to Image Builder resources.

Two families, told apart by their members:

- request bodies as ``--cli-input-json``/``--cli-input-yaml`` take them: CreateImageRecipe,
  CreateContainerRecipe, Create/UpdateInfrastructureConfiguration, CreateComponent;
- responses as ``aws imagebuilder get-*``/``list-*`` print them: GetImageRecipe,
  GetContainerRecipe, GetInfrastructureConfiguration, GetImage (its nested recipe and
  infrastructure configuration), and the component catalog documents GetComponent,
  ListComponentBuildVersions and ListComponents.

Bodies already use API member names, so they are passed through unchanged.
"""

from __future__ import annotations

from iblint.dialects import LoadContext
from iblint.dialects.embedded import component_documents
from iblint.model import Mapping, Node, Resource, ResourceKind, Scalar, Sequence

_RESPONSE_MEMBERS = {
    "imageRecipe": ResourceKind.IMAGE_RECIPE,
    "containerRecipe": ResourceKind.CONTAINER_RECIPE,
    "infrastructureConfiguration": ResourceKind.INFRASTRUCTURE_CONFIGURATION,
}
_CATALOG_LISTS = ("componentSummaryList", "componentVersionList")
_CONTAINER_ONLY_MEMBERS = (
    "containerType",
    "targetRepository",
    "dockerfileTemplateData",
    "dockerfileTemplateUri",
    "instanceConfiguration",
)


def document_resources(root: Node) -> list[Resource]:
    """The resources an API document holds; empty for anything else."""
    if not isinstance(root, Mapping):
        return []
    found: list[Resource] = []
    # A response wraps the resource (``{"requestId": ..., "imageRecipe": {...}}``); a root that
    # has an ARN of its own is a resource itself, such as the Image object of an SNS
    # notification, not a definition.
    if "arn" not in root.entries:
        for member, kind in _RESPONSE_MEMBERS.items():
            body = root.get(member)
            if isinstance(body, Mapping):
                found.append(_resource(kind, member, body))
    image = root.get("image")
    if isinstance(image, Mapping):
        for member, kind in _RESPONSE_MEMBERS.items():
            body = image.get(member)
            if isinstance(body, Mapping):
                found.append(_resource(kind, f"image.{member}", body))
        if isinstance(image.get("infrastructureConfiguration"), Mapping):
            # GetImage: what the image was built from, and on what (rules relate them).
            found.append(_resource(ResourceKind.IMAGE_PIPELINE, "image", image))
    component = root.get("component")
    if isinstance(component, Mapping) and _is_component(component):
        found.append(_resource(ResourceKind.COMPONENT, "component", component))
        found.append(_resource(ResourceKind.COMPONENT_CATALOG_ENTRY, "component", component))
    for list_name in _CATALOG_LISTS:
        entries = root.get(list_name)
        if isinstance(entries, Sequence):
            for index, entry in enumerate(entries.items):
                if isinstance(entry, Mapping):
                    found.append(
                        _resource(
                            ResourceKind.COMPONENT_CATALOG_ENTRY, f"{list_name}[{index}]", entry
                        )
                    )
    if found:
        return found
    request_kind = _request_kind(root) or _recognised_kind(root)
    if request_kind is not None:
        # An object with an ARN or a creation date is what a Get* call returned, not a
        # request (the API shape rules check it leniently).
        response = "arn" in root.entries or "dateCreated" in root.entries
        dialect = "api-response" if response else "api-request"
        return [_resource(request_kind, _request_name(request_kind), root, dialect)]
    return []


def is_catalog_listing(root: Node) -> bool:
    """Whether ``root`` is ListComponents or ListComponentBuildVersions output, even an empty
    one (an account without components of its own)."""
    return isinstance(root, Mapping) and any(
        isinstance(root.get(list_name), Sequence) for list_name in _CATALOG_LISTS
    )


def _is_component(body: Mapping) -> bool:
    """Whether a ``component`` member is an Image Builder component (GetComponent output), not
    one of the many other things called a component (Helm values, UI libraries)."""
    arn = body.get("arn")
    if isinstance(arn, Scalar) and isinstance(arn.value, str):
        return ":imagebuilder:" in arn.value and ":component/" in arn.value
    members = body.entries
    return "platform" in members and "type" in members and "version" in members


def _request_kind(root: Mapping) -> ResourceKind | None:
    """The kind of a request body, from the members its API operation requires: a recipe
    request has ``parentImage`` and ``semanticVersion`` (``version`` is the response member),
    an infrastructure configuration request ``instanceProfileName`` and ``name`` (create) or
    ``infrastructureConfigurationArn`` (update)."""
    members = root.entries
    if "parentImage" in members and "semanticVersion" in members:
        if any(member in members for member in _CONTAINER_ONLY_MEMBERS):
            return ResourceKind.CONTAINER_RECIPE
        return ResourceKind.IMAGE_RECIPE
    if "instanceProfileName" in members and (
        "name" in members or "infrastructureConfigurationArn" in members
    ):
        return ResourceKind.INFRASTRUCTURE_CONFIGURATION
    if (
        "platform" in members
        and "semanticVersion" in members
        and ("data" in members or "uri" in members)
    ):
        return ResourceKind.COMPONENT
    return None


#: Members too common in other JSON to tell a request on their own.
_COMMON_MEMBERS = frozenset({"data", "uri", "platform", "logging", "placement"})
_RECIPES = frozenset({ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE})


def _recognised_kind(root: Mapping) -> ResourceKind | None:
    """The kind of a request that lacks a member its operation requires, told by the members
    it has: two or more that only that kind's requests take (members only recipes take count
    for both recipe kinds; a container-only member makes it a container recipe), and more of
    its members taken by that request than not. Other JSON (a package.json, a workflow) has
    none or one of them."""
    from iblint.shapes import request_members

    members = set(root.entries)
    by_kind = request_members()
    found: set[ResourceKind] = set()
    for kind, own in by_kind.items():
        siblings = _RECIPES if kind in _RECIPES else {kind}
        others = frozenset().union(*(by_kind[k] for k in by_kind if k not in siblings))
        distinctive = (members & own) - others - _COMMON_MEMBERS
        if len(distinctive) >= 2 and len(members & own) > len(members - own):
            found.add(kind)
    if found and found <= _RECIPES:
        container_only = by_kind[ResourceKind.CONTAINER_RECIPE] - by_kind[ResourceKind.IMAGE_RECIPE]
        if members & container_only:
            return ResourceKind.CONTAINER_RECIPE
        return ResourceKind.IMAGE_RECIPE
    return found.pop() if len(found) == 1 else None


def _request_name(kind: ResourceKind) -> str:
    return {
        ResourceKind.IMAGE_RECIPE: "CreateImageRecipe request",
        ResourceKind.CONTAINER_RECIPE: "CreateContainerRecipe request",
        ResourceKind.INFRASTRUCTURE_CONFIGURATION: "infrastructure configuration request",
        ResourceKind.COMPONENT: "CreateComponent request",
    }[kind]


def _resource(
    kind: ResourceKind, name: str, body: Mapping, dialect: str = "api-response"
) -> Resource:
    return Resource(kind, name, body, body.anchor, dialect=dialect)


def claims(document: Node) -> bool:
    return isinstance(document, Mapping)


def resources(document: Node, context: LoadContext) -> list[Resource]:
    found = document_resources(document)
    return found + component_documents(found, context)  # the components' AWSTOE documents
