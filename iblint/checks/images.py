"""IB3xx: parent images, versions and ARNs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from iblint.checks.values import mapping_items, member_alternatives, text_of
from iblint.model import Mapping, Node, Problem, Resource, ResourceKind, Unknown
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown
from iblint.versions import Fault, VersionError, parse_arn, parse_version

# Every pattern is used with ``fullmatch``: ``$`` would also match before a final line break
# (a YAML ``|`` block scalar or a Terraform heredoc keeps one), and ``re.ASCII`` keeps ``\w``
# and case folding to ASCII, as the grammars they copy are.
_AMI_ID = re.compile(r"ami-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)
_SSM_NAME = re.compile(r"/?[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*(?::[A-Za-z0-9_.-]+)?")
_SSM_ARN = re.compile(r"arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/.+", re.DOTALL)

# Container image references, after github.com/distribution/reference's grammar.
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_CONTAINER_REFERENCE = re.compile(
    rf"(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?",
    re.ASCII,
)
_ECR_DOMAIN = re.compile(r"[0-9]{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?")

#: AWS Marketplace product IDs: a UUID (CDK's integration test deploys one), or the Marketplace
#: catalog's prod-… form (the CDK imagebuilder-alpha README's BaseImage.fromMarketplaceProductId
#: example, 'prod-1234567890abcdef0').
_MARKETPLACE_ID = re.compile(r"prod-[a-z0-9]+")

#: ``parentImage`` is a ``NonEmptyString``: 1 to 1,024 characters (Image Builder API reference,
#: CreateImageRecipe and CreateContainerRecipe). Checked first, it also bounds the work of the
#: patterns below.
MAX_PARENT_IMAGE_LENGTH = 1024
#: The most characters of a whole parent image a message quotes (a typical image ARN fits).
_SHOWN_WHOLE = 100

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


class ParentFault(StrEnum):
    """What is wrong with a parent image, one value per message; a malformed image ARN is
    described by the :class:`~iblint.versions.Fault` of its :class:`VersionError`."""

    EMPTY = "empty"
    TOO_LONG = "too-long"
    LINE_BREAK = "line-break"
    WHITESPACE = "whitespace"
    RECIPE_ARN = "recipe-arn"
    ARN_WITHOUT_VERSION = "arn-without-version"
    AMI_ID = "ami-id"
    SSM_PARAMETER = "ssm-parameter"
    IMAGE_FORM = "image-form"
    CONTAINER_GOT_AMI = "container-got-ami"
    CONTAINER_GOT_SSM = "container-got-ssm"
    CONTAINER_FORM = "container-form"
    ECR_REGISTRY = "ecr-registry"
    ECR_PUBLIC_REPOSITORY = "ecr-public-repository"


class ParentImageProblem(NamedTuple):
    message: str
    fix: str
    fault: ParentFault | Fault


def parent_image_problem(value: str, container: bool) -> ParentImageProblem | None:
    """Why ``value`` is not a valid parent image, and what to do, or ``None`` if it is valid."""
    forms = _CONTAINER_FORMS if container else _AMI_FORMS
    if not value.strip():
        return ParentImageProblem("parentImage is empty", f"use {forms}", ParentFault.EMPTY)
    if len(value) > MAX_PARENT_IMAGE_LENGTH:
        return ParentImageProblem(
            f"parentImage is {len(value):,} characters long; Image Builder accepts at most "
            f"{MAX_PARENT_IMAGE_LENGTH:,}",
            f"use {forms}",
            ParentFault.TOO_LONG,
        )
    if value != value.strip():
        return _whitespace_problem(value)
    if value.startswith("arn:"):
        return _arn_problem(value)
    if container:
        return _container_problem(value)
    whole = shown(value, _SHOWN_WHOLE)
    if value.startswith("ami-"):
        if _AMI_ID.fullmatch(value):
            return None
        return ParentImageProblem(
            f"parentImage {whole} is not an AMI ID: 'ami-' must be followed by 8 or 17 "
            "lower-case hex digits",
            "use the AMI's full ID, such as ami-0123456789abcdef0",
            ParentFault.AMI_ID,
        )
    if value.startswith("ssm:"):
        parameter = value[len("ssm:") :]
        if _SSM_NAME.fullmatch(parameter) or _SSM_ARN.fullmatch(parameter):
            return None
        return ParentImageProblem(
            f"parentImage {whole} is not ssm: followed by a parameter name or parameter ARN",
            "use ssm:/PARAMETER/NAME or ssm:arn:aws:ssm:REGION:ACCOUNT:parameter/NAME",
            ParentFault.SSM_PARAMETER,
        )
    if _UUID.fullmatch(value) or _MARKETPLACE_ID.fullmatch(value):
        return None
    return ParentImageProblem(
        f"parentImage {whole} is not {_AMI_FORMS}", f"use {forms}", ParentFault.IMAGE_FORM
    )


def _whitespace_problem(value: str) -> ParentImageProblem:
    """Image Builder resolves the value as written: a line break or a space around it is part
    of the name it looks for."""
    whole = shown(value, _SHOWN_WHOLE)
    if value.endswith(("\n", "\r")):
        return ParentImageProblem(
            f"parentImage {whole} ends in a line break (a YAML '|' block scalar or a Terraform "
            "heredoc keeps it), so it names no image",
            "remove the line break: in YAML write the value plain, quoted or with '|-'; in "
            "Terraform use a quoted string or chomp()",
            ParentFault.LINE_BREAK,
        )
    return ParentImageProblem(
        f"parentImage {whole} starts or ends with whitespace, so it names no image",
        "remove the whitespace around the value",
        ParentFault.WHITESPACE,
    )


def _arn_problem(value: str) -> ParentImageProblem | None:
    resource = value.split(":", 5)[5] if value.count(":") >= 5 else ""
    resource_type = resource.partition("/")[0]
    recipe = {"image-recipe": "an image recipe", "container-recipe": "a container recipe"}
    if resource_type in recipe:
        return ParentImageProblem(
            f"parentImage is the ARN of {recipe[resource_type]}, not of an image",
            "use the ARN of an image built from it (…:image/NAME/VERSION), or that recipe's "
            "own parent image",
            ParentFault.RECIPE_ARN,
        )
    try:
        arn = parse_arn(value, ("image",))
    except VersionError as error:
        fix = _ARN_FIX
        if error.fault is Fault.TRAILING_SLASH:
            fix = f"remove the '/' at the end: {shown(value.rstrip('/'), _SHOWN_WHOLE)}"
        return ParentImageProblem(f"parentImage ARN is malformed: {error}", fix, error.fault)
    if arn.version is None:
        return ParentImageProblem(
            f"parentImage ARN {shown(value, _SHOWN_WHOLE)} has no version; image ARNs end in "
            "/VERSION (x.x.x for the latest) or /VERSION/BUILD",
            f"append a version, such as {shown(value + '/x.x.x', _SHOWN_WHOLE)}",
            ParentFault.ARN_WITHOUT_VERSION,
        )
    return None


def _container_problem(value: str) -> ParentImageProblem | None:
    whole = shown(value, _SHOWN_WHOLE)
    if _AMI_ID.fullmatch(value) or value.startswith("ssm:"):
        ami = value.startswith("ami-")
        what = "an AMI" if ami else "an SSM parameter (an AMI)"
        return ParentImageProblem(
            f"parentImage {whole} is {what}, but a container recipe's parent is {_CONTAINER_FORMS}",
            "set parentImage to a container image such as amazonlinux:2023; the build "
            "instance's AMI goes in instanceConfiguration.image",
            ParentFault.CONTAINER_GOT_AMI if ami else ParentFault.CONTAINER_GOT_SSM,
        )
    match = _CONTAINER_REFERENCE.fullmatch(value)
    if match is None:
        return ParentImageProblem(
            f"parentImage {whole} is not {_CONTAINER_FORMS}",
            "use REPOSITORY[:TAG] (Docker Hub), ACCOUNT.dkr.ecr.REGION.amazonaws.com/"
            "REPOSITORY[:TAG], public.ecr.aws/ALIAS/REPOSITORY[:TAG] or an image ARN; "
            "repository names are lower case",
            ParentFault.CONTAINER_FORM,
        )
    domain = match.group("domain") or ""
    if ".dkr.ecr" in domain and not _ECR_DOMAIN.fullmatch(domain):
        return ParentImageProblem(
            f"parentImage {whole} has a malformed ECR registry {shown(domain, _SHOWN_WHOLE)}",
            "use ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY[:TAG], ACCOUNT being the "
            "12-digit account ID",
            ParentFault.ECR_REGISTRY,
        )
    if domain == "public.ecr.aws" and "/" not in match.group("path"):
        return ParentImageProblem(
            f"parentImage {whole} names no repository",
            "use public.ecr.aws/ALIAS/REPOSITORY[:TAG]",
            ParentFault.ECR_PUBLIC_REPOSITORY,
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


_RECIPE_VERSION_FIX = (
    "use MAJOR.MINOR.PATCH with numbers (1.2.3), or wildcards in trailing positions only for "
    "automatic versioning (1.2.x, 1.x.x, x.x.x)"
)
_COMPONENT_VERSION_FIX = "use MAJOR.MINOR.PATCH with numbers, such as 1.2.3"


@rule("IB302", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE, ResourceKind.COMPONENT)
def malformed_semantic_version(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """A recipe's version may hold trailing wildcards (automatic versioning); a component's
    is three numbers."""
    component = resource.kind is ResourceKind.COMPONENT
    fix = _COMPONENT_VERSION_FIX if component else _RECIPE_VERSION_FIX
    for node, span in member_alternatives(resource.body, "semanticVersion"):
        value = text_of(node)
        if value is None:
            continue  # absent, computed or not a string: other rules' business
        try:
            version = parse_version(value)
        except VersionError as error:
            yield Problem(span, f"semanticVersion is malformed: {error}", fix)
            continue
        if component and not version.is_exact:
            exact = ".".join("0" if node is None else str(node) for node in version.nodes)
            yield Problem(
                span,
                f"semanticVersion {shown(value, _SHOWN_WHOLE)} uses the wildcard x, but a "
                "component is created at one exact version; only recipes take wildcards "
                "(automatic versioning)",
                f"set semanticVersion to a full version, such as {exact}",
            )


_COMPONENT_ARN_FIX = (
    "use arn:aws:imagebuilder:REGION:ACCOUNT:component/NAME/VERSION, with VERSION x.x.x (the "
    "latest), 1.x.x, 1.2.x, 1.2.3 or 1.2.3/BUILD and NAME in lower case"
)


@rule("IB303", ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)
def malformed_component_arn(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for configuration in mapping_items(resource.body.get("components")):
        for node, span in member_alternatives(configuration, "componentArn"):
            value = text_of(node)
            if value is None:
                continue
            try:
                arn = parse_arn(value, ("component",))
            except VersionError as error:
                fix = _COMPONENT_ARN_FIX
                if error.fault is Fault.TRAILING_SLASH:
                    fix = f"remove the '/' at the end: {shown(value.rstrip('/'), _SHOWN_WHOLE)}"
                yield Problem(span, f"componentArn is malformed: {error}", fix)
                continue
            if arn.version is None:
                yield Problem(
                    span,
                    f"componentArn {shown(value, _SHOWN_WHOLE)} has no version; a recipe names "
                    "a component version (x.x.x for the latest) or a build",
                    f"append a version, such as {shown(value + '/x.x.x', _SHOWN_WHOLE)}",
                )


def _exists(body: Mapping) -> bool:
    """Whether the recipe is one the service already holds (a GetContainerRecipe response, or
    a plan's state with its ARN): the service took it as it is."""
    return text_of(body.get("arn")) is not None


def _certainly_set(node: Node | None) -> bool:
    return node is not None and not (isinstance(node, Unknown) and node.may_be_null)


@rule("IB304", ResourceKind.CONTAINER_RECIPE)
def dockerfile_template_not_exactly_one(
    resource: Resource, context: CheckContext
) -> Iterator[Problem]:
    body = resource.body
    if _exists(body):
        return
    data = list(member_alternatives(body, "dockerfileTemplateData"))
    uri = list(member_alternatives(body, "dockerfileTemplateUri"))
    if all(node is None for node, _ in data) and all(node is None for node, _ in uri):
        yield Problem(
            data[0][1] if data else body.anchor,
            "the container recipe sets neither dockerfileTemplateData nor "
            "dockerfileTemplateUri: Image Builder needs exactly one Dockerfile template",
            "set dockerfileTemplateData to the Dockerfile template (for example 'FROM {{{ "
            "imagebuilder:parentImage }}}' and the components line), or dockerfileTemplateUri "
            "to its s3:// URI",
        )
        return
    if all(_certainly_set(node) for node, _ in data) and all(
        _certainly_set(node) for node, _ in uri
    ):
        for _, span in uri:
            yield Problem(
                span,
                "dockerfileTemplateUri is set, and so is dockerfileTemplateData: Image Builder "
                "takes exactly one Dockerfile template",
                "remove one of them: dockerfileTemplateData (inline) or dockerfileTemplateUri "
                "(an s3:// URI)",
            )


#: What the service says (its error messages, quoted in CloudSnorkel/cdk-github-runners#550 and
#: hashicorp/terraform-provider-aws#24712).
_ECR_PUBLIC_ERROR = (
    "You must specify a platform override when using ECR Public Repositories as your parent image"
)
_WINDOWS_ECR_ERROR = (
    "You must specify an image OsVersion override when using ECR Repositories as your parent "
    "image for Windows Platform"
)


@rule("IB305", ResourceKind.CONTAINER_RECIPE)
def container_parent_without_platform(
    resource: Resource, context: CheckContext
) -> Iterator[Problem]:
    body = resource.body
    if _exists(body):
        return
    platforms = [node for node, _ in member_alternatives(body, "platformOverride")]
    for node, span in member_alternatives(body, "parentImage"):
        value = text_of(node)
        if value is None or len(value) > MAX_PARENT_IMAGE_LENGTH:
            continue
        match = _CONTAINER_REFERENCE.fullmatch(value)
        domain = (match.group("domain") or "") if match is not None else ""
        if domain == "public.ecr.aws":
            if all(platform is None for platform in platforms):
                yield Problem(
                    span,
                    f"parentImage {shown(value, _SHOWN_WHOLE)} is in ECR Public, but "
                    f"platformOverride is not set: Image Builder rejects the recipe "
                    f"('{_ECR_PUBLIC_ERROR}')",
                    "set platformOverride to the parent image's platform, 'Linux' or 'Windows'",
                )
        elif _ECR_DOMAIN.fullmatch(domain) and platforms:
            if not all(text_of(platform) == "Windows" for platform in platforms):
                continue
            versions = [node for node, _ in member_alternatives(body, "imageOsVersionOverride")]
            if all(version is None for version in versions):
                yield Problem(
                    span,
                    f"parentImage {shown(value, _SHOWN_WHOLE)} is in a private ECR repository "
                    "and platformOverride is 'Windows', but imageOsVersionOverride is not set: "
                    f"Image Builder rejects the recipe ('{_WINDOWS_ECR_ERROR}')",
                    "set imageOsVersionOverride to the parent image's operating system version, "
                    "such as 'Microsoft Windows Server 2022'",
                )
