"""IB3xx: parent images, versions and ARNs."""

from __future__ import annotations

import re
from collections.abc import Iterator

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

_AMI_FORMS = "an AMI ID (ami- and 8 or 17 hex digits), an Image Builder image ARN, ssm:PARAMETER or a Marketplace product ID (a UUID)"
_CONTAINER_FORMS = (
    "an Image Builder image ARN or a container image URI (Docker Hub, ECR or ECR Public)"
)


def parent_image_problem(value: str, container: bool) -> str | None:
    """Why ``value`` is not a valid parent image, or ``None`` if it is."""
    if not value.strip():
        return "parentImage is empty"
    if value.startswith("arn:"):
        try:
            arn = parse_arn(value, ("image",))
        except VersionError as error:
            return f"parentImage ARN is malformed: {error}"
        if arn.version is None:
            return (
                f"parentImage ARN '{value}' has no version; image ARNs end in /VERSION "
                "(x.x.x for the latest) or /VERSION/BUILD"
            )
        return None
    if container:
        return _container_problem(value)
    if value.startswith("ami-"):
        if _AMI_ID.match(value):
            return None
        return f"parentImage '{value}' is not an AMI ID: 'ami-' must be followed by 8 or 17 lower-case hex digits"
    if value.startswith("ssm:"):
        parameter = value[len("ssm:") :]
        if _SSM_NAME.match(parameter) or _SSM_ARN.match(parameter):
            return None
        return f"parentImage '{value}' is not ssm: followed by a parameter name or parameter ARN"
    if _UUID.match(value):
        return None
    return f"parentImage '{value}' is not {_AMI_FORMS}"


def _container_problem(value: str) -> str | None:
    if _AMI_ID.match(value) or value.startswith("ssm:"):
        return f"parentImage '{value}' is an AMI; a container recipe's parent is {_CONTAINER_FORMS} (the build instance AMI goes in instanceConfiguration.image)"
    match = _CONTAINER_REFERENCE.match(value)
    if match is None:
        return f"parentImage '{value}' is not {_CONTAINER_FORMS}"
    domain = match.group("domain") or ""
    if ".dkr.ecr" in domain and not _ECR_DOMAIN.match(domain):
        return f"parentImage '{value}' has a malformed ECR registry '{domain}'; expected ACCOUNT.dkr.ecr.REGION.amazonaws.com"
    if domain == "public.ecr.aws" and "/" not in match.group("path"):
        return f"parentImage '{value}' names no repository; ECR Public images are public.ecr.aws/ALIAS/REPOSITORY[:TAG]"
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
            forms = _CONTAINER_FORMS if container else _AMI_FORMS
            yield Problem(span, problem, f"use {forms}")
