"""Image Builder semantic versions, wildcards and ARNs.

A version has three nodes, ``major.minor.patch``, each a number or the wildcard ``x``; "when you
use a wildcard in any node, all nodes to the right of the first wildcard must also be wildcards"
(``x.2.x`` and ``1.x.8`` produce an error although the API's regexes accept them); a build
number (``/N``) follows only a fully numeric version. ARNs read
``arn:PARTITION:imagebuilder:REGION:ACCOUNT:TYPE/NAME[/VERSION[/BUILD]]``.

Sources: https://docs.aws.amazon.com/imagebuilder/latest/userguide/ibhow-semantic-versioning.html
and the ARN patterns of botocore's service model,
https://github.com/boto/botocore/blob/develop/botocore/data/imagebuilder/2019-12-02/service-2.json
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from iblint.memo import remembered
from iblint.text_safety import shown

#: The partitions of botocore's ``botocore/data/partitions.json`` (botocore 1.44.8).
PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
# Matched with ``fullmatch``: ``$`` would also match before a final line break, so a value from
# a YAML ``|`` block scalar or a Terraform heredoc (``1.0.0\n``) would pass. ``[0-9]`` rather
# than ``\d``, which takes any Unicode digit.
_REGION = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]+")
_ACCOUNT = re.compile(r"[0-9]{12}|aws(?:-[a-z-]+)?|third-party")
_NAME = re.compile(r"[a-z0-9_-]+")
_NUMBER = re.compile(r"[0-9]+")
#: Image Builder caps each version node at 2^30 - 1 (user guide, "Semantic versioning").
MAX_NODE = 2**30 - 1
#: Digits of the largest node; a longer number is over the cap however it reads, and is never
#: given to ``int()`` (which refuses more than 4,300 digits).
_MAX_NODE_DIGITS = len(str(MAX_NODE))
#: The most characters of a whole version or ARN a message quotes (a typical image ARN fits).
_SHOWN_WHOLE = 100


class Fault(StrEnum):
    """What is wrong with a version or an ARN: one value per message :class:`VersionError`
    words, so that callers and tests can tell the cases apart without reading the text."""

    NODE_COUNT = "node-count"
    NODE = "node"
    NUMBER_AFTER_WILDCARD = "number-after-wildcard"
    NODE_TOO_LARGE = "node-too-large"
    NOT_AN_ARN = "not-an-arn"
    PARTITION = "partition"
    SERVICE = "service"
    REGION = "region"
    ACCOUNT = "account"
    RESOURCE_TYPE = "resource-type"
    NO_NAME = "no-name"
    NAME_CASE = "name-case"
    NAME_CHARACTERS = "name-characters"
    TRAILING_SLASH = "trailing-slash"
    EMPTY_PART = "empty-part"
    TOO_MANY_PARTS = "too-many-parts"
    BUILD_AFTER_WILDCARD = "build-after-wildcard"
    BUILD = "build"
    BUILD_TOO_LARGE = "build-too-large"


class VersionError(ValueError):
    """Why a version or ARN is malformed, worded to finish "…: <reason>"; ``fault`` says which
    case it is. Values are quoted bounded and escaped (:func:`iblint.text_safety.shown`)."""

    def __init__(self, fault: Fault, message: str) -> None:
        super().__init__(message)
        self.fault = fault


class Version(NamedTuple):
    """Three nodes, each an int or ``None`` for the wildcard ``x``."""

    nodes: tuple[int | None, int | None, int | None]

    @property
    def is_exact(self) -> bool:
        return None not in self.nodes

    def matches(self, exact: Version) -> bool:
        return all(
            mine is None or mine == theirs
            for mine, theirs in zip(self.nodes, exact.nodes, strict=False)
        )

    def __str__(self) -> str:
        return ".".join("x" if node is None else str(node) for node in self.nodes)


def _node_value(part: str, what: str, fault: Fault) -> int:
    """A node or build number written as ASCII digits (checked by the caller), at most
    :data:`MAX_NODE`."""
    if len(part.lstrip("0")) > _MAX_NODE_DIGITS or int(part) > MAX_NODE:
        raise VersionError(fault, f"{what} {shown(part)} is over the maximum {MAX_NODE}")
    return int(part)


def parse_version(text: str, allow_wildcards: bool = True) -> Version:
    """Parses ``major.minor.patch``; raises :class:`VersionError` saying what is wrong."""
    whole = shown(text, _SHOWN_WHOLE)
    parts = text.split(".")
    if len(parts) != 3:
        raise VersionError(
            Fault.NODE_COUNT,
            f"version {whole} has {len(parts):,} node{'s' if len(parts) != 1 else ''}; "
            "it needs three: major.minor.patch",
        )
    nodes: list[int | None] = []
    first_wildcard: int | None = None
    for position, part in enumerate(parts):
        if part == "x" and allow_wildcards:
            if first_wildcard is None:
                first_wildcard = position
            nodes.append(None)
            continue
        if not _NUMBER.fullmatch(part):
            allowed = "a number or x" if allow_wildcards else "a number"
            raise VersionError(
                Fault.NODE, f"version node {shown(part)} in {whole} is not {allowed}"
            )
        if first_wildcard is not None:
            raise VersionError(
                Fault.NUMBER_AFTER_WILDCARD,
                f"version {whole} has a number after the wildcard x; every node right of the "
                "first x must also be x (x.x.x, 1.x.x, 1.2.x)",
            )
        nodes.append(_node_value(part, f"version node in {whole},", Fault.NODE_TOO_LARGE))
    return Version((nodes[0], nodes[1], nodes[2]))


class ImageBuilderArn(NamedTuple):
    partition: str
    region: str
    account: str
    resource_type: str
    name: str
    version: Version | None
    build: int | None

    @property
    def owner_key(self) -> tuple[str, str, str, str, str]:
        """What names the same resource across its versions."""
        return (self.partition, self.region, self.account, self.resource_type, self.name)

    def __str__(self) -> str:
        text = f"arn:{self.partition}:imagebuilder:{self.region}:{self.account}:{self.resource_type}/{self.name}"
        if self.version is not None:
            text += f"/{self.version}"
        if self.build is not None:
            text += f"/{self.build}"
        return text


@remembered(1024)  # IB301, IB303 and IB403 parse the same references
def parse_arn(text: str, resource_types: tuple[str, ...]) -> ImageBuilderArn:
    """Parses an Image Builder ARN of one of ``resource_types``; the version may be absent.

    Raises :class:`VersionError` (only) naming the part that is wrong.
    """
    fields = text.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn":
        raise VersionError(
            Fault.NOT_AN_ARN,
            f"{shown(text, _SHOWN_WHOLE)} is not an ARN of the form "
            f"arn:PARTITION:imagebuilder:REGION:ACCOUNT:{resource_types[0]}/NAME/VERSION",
        )
    _, partition, service, region, account, resource = fields
    if partition not in PARTITIONS:
        raise VersionError(
            Fault.PARTITION,
            f"partition {shown(partition)} is not an AWS partition "
            f"({', '.join(sorted(PARTITIONS))})",
        )
    if service != "imagebuilder":
        raise VersionError(Fault.SERVICE, f"service {shown(service)} is not imagebuilder")
    if not _REGION.fullmatch(region):
        raise VersionError(
            Fault.REGION, f"region {shown(region)} is not a region name such as us-east-1"
        )
    if not _ACCOUNT.fullmatch(account):
        raise VersionError(
            Fault.ACCOUNT,
            f"account {shown(account)} is not a 12-digit account ID, aws, aws-… or third-party",
        )
    resource_type, _, path = resource.partition("/")
    if resource_type not in resource_types:
        raise VersionError(
            Fault.RESOURCE_TYPE,
            f"resource type {shown(resource_type)} is not {' or '.join(resource_types)}",
        )
    segments = path.split("/") if path else []
    if not segments or not segments[0]:
        raise VersionError(
            Fault.NO_NAME, f"the ARN has no {resource_type} name after '{resource_type}/'"
        )
    name = segments[0]
    if not _NAME.fullmatch(name):
        if _NAME.fullmatch(name.lower()):
            raise VersionError(
                Fault.NAME_CASE,
                f"name {shown(name)} has upper-case letters; names in ARNs are lower case "
                f"({shown(name.lower())})",
            )
        raise VersionError(
            Fault.NAME_CHARACTERS,
            f"name {shown(name)} may only hold lower-case letters, digits, hyphens and underscores",
        )
    _check_slashes(segments)
    version = parse_version(segments[1]) if len(segments) >= 2 else None
    build: int | None = None
    if len(segments) == 3:
        assert version is not None
        if not version.is_exact:
            raise VersionError(
                Fault.BUILD_AFTER_WILDCARD,
                f"build number {shown('/' + segments[2])} follows the wildcard version {version}; a "
                "build number may only follow a fully numeric version such as 1.2.3",
            )
        if not _NUMBER.fullmatch(segments[2]):
            raise VersionError(Fault.BUILD, f"build number {shown(segments[2])} is not a number")
        build = _node_value(segments[2], "build number", Fault.BUILD_TOO_LARGE)
    return ImageBuilderArn(partition, region, account, resource_type, name, version, build)


def _check_slashes(segments: list[str]) -> None:
    """NAME, VERSION and BUILD, each non-empty, and nothing more: a slash at the end is named
    as such (not read as an empty version or build number)."""
    if not segments[-1]:
        last = len(segments) - 2
        while last > 0 and not segments[last]:
            last -= 1
        kind = ("the name ", "version ", "build number ")[last] if last < 3 else ""
        raise VersionError(
            Fault.TRAILING_SLASH, f"the ARN ends in '/' after {kind}{shown(segments[last])}"
        )
    if "" in segments:
        raise VersionError(Fault.EMPTY_PART, "the ARN has an empty part ('//')")
    if len(segments) > 3:
        raise VersionError(
            Fault.TOO_MANY_PARTS,
            f"{shown('/'.join(segments[1:]), _SHOWN_WHOLE)} after the name is more than "
            "VERSION/BUILD",
        )
