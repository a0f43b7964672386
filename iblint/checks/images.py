"""IB3xx: parent images, versions and ARNs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from iblint.checks.values import member_alternatives, text_of
from iblint.model import Problem, Resource, ResourceKind
from iblint.registry import CheckContext, rule
from iblint.versions import VersionError, parse_arn

_AMI_ID = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)
_SSM_NAME = re.compile(r"^/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*(?::[A-Za-z0-9_.-]+)?$")
_SSM_ARN = re.compile(r"^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+$")

# Container image references, after github.com/distribution/reference's grammar.
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_CONTAINER_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)
_ECR_DOMAIN = re.compile(r"^[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")

#: AWS Marketplace product IDs: a UUID (CDK's integration test deploys one), or the Marketplace
#: catalog's prod-… form (the CDK imagebuilder-alpha README's BaseImage.fromMarketplaceProductId
#: example, 'prod-1234567890abcdef0').
_MARKETPLACE_ID = re.compile(r"^prod-[a-z0-9]+$")

_AMI_FORMS = (
    "an AMI ID (ami- and 8 or 17 hex digits), an Image Builder image ARN, ssm:PARAMETER or a "
    "Marketplace product ID"
)
_CONTAINER_FORMS = (
    "an Image Builder image ARN or a container image URI (Docker Hub, ECR or ECR Public)"
)
_ARN_FIX = (
    "use an image ARN, arn:aws:imagebuilder:REGION:ACCOUNT:image/NAME/VERSION, with VERSION "
    "x.x.x (the latest), 1.x.x, 1.2.x, 1.2.3 or 1.2.3/BUILD and NAME in lower case"
)


class ParentImageProblem(NamedTuple):
    message: str
    fix: str


def parent_image_problem(value: str, container: bool) -> ParentImageProblem | None:
    """Why ``value`` is not a valid parent image, and what to do, or ``None`` if it is valid."""
    forms = _CONTAINER_FORMS if container else _AMI_FORMS
    if not value.strip():
        return ParentImageProblem("parentImage is empty", f"use {forms}")
    if value.startswith("arn:"):
        return _arn_problem(value)
    if container:
        return _container_problem(value)
    if value.startswith("ami-"):
        if _AMI_ID.match(value):
            return None
        return ParentImageProblem(
            f"parentImage '{value}' is not an AMI ID: 'ami-' must be followed by 8 or 17 "
            "lower-case hex digits",
            "use the AMI's full ID, such as ami-0123456789abcdef0",
        )
    if value.startswith("ssm:"):
        parameter = value[len("ssm:") :]
        if _SSM_NAME.match(parameter) or _SSM_ARN.match(parameter):
            return None
        return ParentImageProblem(
            f"parentImage '{value}' is not ssm: followed by a parameter name or parameter ARN",
            "use ssm:/PARAMETER/NAME or ssm:arn:aws:ssm:REGION:ACCOUNT:parameter/NAME",
        )
    if _UUID.match(value) or _MARKETPLACE_ID.match(value):
        return None
    return ParentImageProblem(f"parentImage '{value}' is not {_AMI_FORMS}", f"use {forms}")


def _arn_problem(value: str) -> ParentImageProblem | None:
    resource = value.split(":", 5)[5] if value.count(":") >= 5 else ""
    resource_type = resource.partition("/")[0]
    recipe = {"image-recipe": "an image recipe", "container-recipe": "a container recipe"}
    if resource_type in recipe:
        return ParentImageProblem(
            f"parentImage is the ARN of {recipe[resource_type]}, not of an image",
            "use the ARN of an image built from it (…:image/NAME/VERSION), or that recipe's "
            "own parent image",
        )
    try:
        arn = parse_arn(value, ("image",))
    except VersionError as error:
        return ParentImageProblem(f"parentImage ARN is malformed: {error}", _ARN_FIX)
    if arn.version is None:
        return ParentImageProblem(
            f"parentImage ARN '{value}' has no version; image ARNs end in /VERSION "
            "(x.x.x for the latest) or /VERSION/BUILD",
            f"append a version, such as '{value}/x.x.x'",
        )
    return None


def _container_problem(value: str) -> ParentImageProblem | None:
    if _AMI_ID.match(value) or value.startswith("ssm:"):
        what = "an AMI" if value.startswith("ami-") else "an SSM parameter (an AMI)"
        return ParentImageProblem(
            f"parentImage '{value}' is {what}, but a container recipe's parent is "
            f"{_CONTAINER_FORMS}",
            "set parentImage to a container image such as amazonlinux:2023; the build "
            "instance's AMI goes in instanceConfiguration.image",
        )
    match = _CONTAINER_REFERENCE.match(value)
    if match is None:
        return ParentImageProblem(
            f"parentImage '{value}' is not {_CONTAINER_FORMS}",
            "use REPOSITORY[:TAG] (Docker Hub), ACCOUNT.dkr.ecr.REGION.amazonaws.com/"
            "REPOSITORY[:TAG], public.ecr.aws/ALIAS/REPOSITORY[:TAG] or an image ARN; "
            "repository names are lower case",
        )
    domain = match.group("domain") or ""
    if ".dkr.ecr" in domain and not _ECR_DOMAIN.match(domain):
        return ParentImageProblem(
            f"parentImage '{value}' has a malformed ECR registry '{domain}'",
            "use ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG], ACCOUNT being the "
            "12-digit account ID",
        )
    if domain == "public.ecr.aws" and "/" not in match.group("path"):
        return ParentImageProblem(
            f"parentImage '{value}' names no repository",
            "use public.ecr.aws/ALIAS/REPOSITORY[:TAG]",
        )
    return None


@rule("IB301", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def malformed_parent_image(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    container = resource.kind is ResourceKind.CONTAINER_RECIPE
    for node, span in member_alternatives(resource.body, "parentImage"):
        value = text_of(node)
        if value is None:
            continue  # absent, unknown or not a string: other rules' business
        problem = parent_image_problem(value, container)
        if problem is not None:
            yield Problem(span, problem.message, problem.fix)
