"""IB1xx: instance metadata service settings of infrastructure configurations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from iblint.checks.values import integer_of, literal_text, member_alternatives, text_of
from iblint.model import (
    Mapping,
    Node,
    Problem,
    Reference,
    Resource,
    ResourceKind,
    Sequence,
    Unknown,
    alternatives,
)
from iblint.registry import CheckContext, FileResources, rule
from iblint.text_safety import shown

_FIX = "set instanceMetadataOptions.httpTokens to 'required'"
#: The most characters of a resource name or recipe ARN a message quotes.
_SHOWN_NAME = 80
#: What an unset httpTokens means (Image Builder API model, ``InstanceMetadataOptions``; EC2 API
#: reference, ``InstanceMetadataOptionsRequest.HttpTokens``): the EC2 launch default, which is
#: 'optional' unless the parent AMI (ImdsSupport v2.0) or the account default requires IMDSv2.
_UNSET = (
    "falls back to the EC2 launch default ('optional' unless the parent AMI or the account "
    "requires IMDSv2): build and test instances may accept IMDSv1"
)


@rule("IB101", ResourceKind.INFRASTRUCTURE_CONFIGURATION)
def imdsv1_allowed(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """httpTokens must be 'required'; absent or 'optional' leaves IMDSv1 open."""
    for options, options_span in member_alternatives(resource.body, "instanceMetadataOptions"):
        if options is None:
            yield Problem(
                options_span,
                f"instanceMetadataOptions is not set, so httpTokens {_UNSET}",
                _FIX,
            )
            continue
        if not isinstance(options, Mapping):
            continue  # unknown (an intrinsic) or malformed: nothing to say here
        for tokens, tokens_span in member_alternatives(options, "httpTokens"):
            if tokens is None:
                yield Problem(
                    tokens_span,
                    f"httpTokens is not set, so it {_UNSET}",
                    "set httpTokens to 'required'",
                )
                continue
            if isinstance(tokens, Unknown):
                continue
            value = text_of(tokens)
            if value == "required":
                continue
            if value == "optional":
                message = (
                    "httpTokens is 'optional': build and test instances accept IMDSv1 requests"
                )
            else:
                message = (
                    f"httpTokens is {_shown(tokens)}, not 'required': IMDSv2 is not enforced "
                    "(the only valid values are 'required' and 'optional')"
                )
            yield Problem(tokens_span, message, "set httpTokens to 'required'")


def _shown(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = getattr(node, "value", None)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return shown(value) if isinstance(value, str) else literal_text(node)


#: The members by which an image pipeline, an image or a GetImage ``image`` names the
#: container recipe it builds and the infrastructure configuration it builds on (the nested
#: objects of GetImage, or an ARN: API reference, ``CreateImagePipeline``, ``Image``).
_CONTAINER_MEMBERS = ("containerRecipeArn", "containerRecipe")
_INFRASTRUCTURE_MEMBERS = ("infrastructureConfigurationArn", "infrastructureConfiguration")
_INSTANCE_KEY = re.compile(r"\[[^\[\]]*\]")
_MEMO = "IB102"
#: A container runs behind one more network hop than its instance (EC2 user guide, "Configure
#: the instance metadata options"; Image Builder API reference, ``InstanceMetadataOptions``:
#: "container image builds need a minimum of two hops").
_MINIMUM_HOPS = 2


class _Build(NamedTuple):
    """A container build on some infrastructure configuration: who builds what."""

    pipeline: str
    recipe: str


@rule(
    "IB102",
    ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    relates=(ResourceKind.IMAGE_PIPELINE,),
)
def container_build_hop_limit(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """httpTokens 'required' with a hop limit of 1 (or unset) where a pipeline or image builds
    a container recipe on this infrastructure configuration."""
    if context.resources is None:
        return
    builds = _builds_on(resource, context.resources)
    if not builds:
        return
    who = _who(builds)
    for options, _ in member_alternatives(resource.body, "instanceMetadataOptions"):
        if not isinstance(options, Mapping):
            continue  # unset: httpTokens is not 'required' for certain
        tokens = [text_of(node) for node, _ in member_alternatives(options, "httpTokens")]
        if not tokens or any(value != "required" for value in tokens):
            continue  # IMDSv1 allowed (IB101), or not known
        for hops, hops_span in member_alternatives(options, "httpPutResponseHopLimit"):
            if hops is None:
                setting = (
                    "httpPutResponseHopLimit is not set, so the EC2 launch default applies (1 "
                    "hop unless the AMI or the account default says more),"
                )
            elif integer_of(hops) == 1:
                setting = "httpPutResponseHopLimit is 1"
            else:
                continue  # 2 or more, unknown, or out of range (another rule's business)
            yield Problem(
                hops_span,
                f"{setting} with httpTokens 'required', but {who} on this infrastructure "
                "configuration: the container is one more network hop from the instance "
                "metadata service, so IMDSv2 requests from inside it time out",
                f"set instanceMetadataOptions.httpPutResponseHopLimit to {_MINIMUM_HOPS} "
                "(container builds need at least two hops when httpTokens is 'required')",
            )


def _who(builds: list[_Build]) -> str:
    first = builds[0]
    text = f"{first.pipeline} builds container recipe {first.recipe}"
    others = len({build.pipeline for build in builds}) - 1
    if others > 0:
        text += f" (and {others} more pipeline{'s' if others > 1 else ''} build containers)"
    return text


def _builds_on(resource: Resource, resources: FileResources) -> list[_Build]:
    """The container builds of the file (and its Terraform module) that use this
    infrastructure configuration, by name, by ARN or as GetImage's nested object."""
    index: dict[tuple[str, object], list[_Build]] | None = resources.memo.get(_MEMO)
    if index is None:
        index = resources.memo[_MEMO] = _index_builds(resources.all)
    keys: list[tuple[str, object]] = [
        ("name", _base_name(resource.name)),
        ("node", id(resource.body)),
    ]
    arn = text_of(resource.body.get("arn"))
    if arn is not None:
        keys.append(("arn", arn))
    builds: list[_Build] = []
    for key in keys:
        for build in index.get(key, ()):
            if build not in builds:
                builds.append(build)
    return builds


def _index_builds(resources: tuple[Resource, ...]) -> dict[tuple[str, object], list[_Build]]:
    """Each infrastructure configuration that container builds use, to those builds."""
    index: dict[tuple[str, object], list[_Build]] = {}
    for pipeline in resources:
        if pipeline.kind is not ResourceKind.IMAGE_PIPELINE:
            continue
        recipe = _container_recipe(pipeline.body)
        if recipe is None:
            continue
        build = _Build(shown(pipeline.name, _SHOWN_NAME), recipe)
        for member in _INFRASTRUCTURE_MEMBERS:
            for node in alternatives(pipeline.body.get(member)):
                key = _infrastructure_key(node)
                if key is not None and build not in index.setdefault(key, []):
                    index[key].append(build)
    return index


def _container_recipe(body: Mapping) -> str | None:
    """How to name the container recipe a pipeline builds in every case it may deploy with,
    else ``None`` (an image recipe, or a value that may leave the member unset)."""
    for member in _CONTAINER_MEMBERS:
        node = body.get(member)
        if node is None:
            continue
        labels = [_recipe_label(alternative) for alternative in alternatives(node)]
        return labels[0] if labels and None not in labels else None
    return None


def _recipe_label(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Reference):
        return shown(node.target, _SHOWN_NAME)
    if isinstance(node, Unknown):
        return None if node.may_be_null else f"(computed by {node.what})"
    if isinstance(node, Mapping):
        name = text_of(node.get("name")) or text_of(node.get("arn"))
        return shown(name, _SHOWN_NAME) if name is not None else "image.containerRecipe"
    value = text_of(node)
    if value is None or not value:
        return None
    return shown(value, _SHOWN_NAME)


def _infrastructure_key(node: Node | None) -> tuple[str, object] | None:
    if isinstance(node, Reference):
        return ("name", _base_name(node.target))
    if isinstance(node, Mapping):
        return ("node", id(node))
    value = text_of(node)
    return ("arn", value) if value else None


def _base_name(name: str) -> str:
    """A name without Terraform instance keys (``module.m[0].TYPE.NAME["a"]``)."""
    return _INSTANCE_KEY.sub("", name) if "[" in name else name
