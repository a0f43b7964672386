"""Image Builder semantic versions, wildcards and ARNs.

Facts (``../shared/reference/imagebuilder-facts.md`` §1.2, §2): a version has three nodes,
``major.minor.patch``, each a number or the wildcard ``x``; "when you use a wildcard in any
node, all nodes to the right of the first wildcard must also be wildcards" (``x.2.x`` and
``1.x.8`` produce an error although the API's regexes accept them); a build number (``/N``)
follows only a fully numeric version. ARNs read
``arn:PARTITION:imagebuilder:REGION:ACCOUNT:TYPE/NAME[/VERSION[/BUILD]]``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: botocore ``partitions.json`` (BC 1.44.8).
PARTITIONS = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_REGION = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-[0-9]+$")
_ACCOUNT = re.compile(r"^(?:[0-9]{12}|aws(?:-[a-z-]+)?|third-party)$")
_NAME = re.compile(r"^[a-z0-9_-]+$")
_NUMBER = re.compile(r"^[0-9]+$")
#: Image Builder caps each version node at 2^30 - 1 (imagebuilder-facts.md §2.1).
MAX_NODE = 2**30 - 1


class VersionError(ValueError):
    """Why a version or ARN is malformed, worded to finish "…: <reason>"."""


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


def parse_version(text: str, allow_wildcards: bool = True) -> Version:
    """Parses ``major.minor.patch``; raises :class:`VersionError` saying what is wrong."""
    parts = text.split(".")
    if len(parts) != 3:
        raise VersionError(
            f"version '{text}' has {len(parts)} node{'s' if len(parts) != 1 else ''}; "
            "it needs three: major.minor.patch"
        )
    nodes: list[int | None] = []
    first_wildcard: int | None = None
    for position, part in enumerate(parts):
        if part == "x" and allow_wildcards:
            if first_wildcard is None:
                first_wildcard = position
            nodes.append(None)
            continue
        if not _NUMBER.match(part):
            allowed = "a number or x" if allow_wildcards else "a number"
            raise VersionError(f"version node '{part}' in '{text}' is not {allowed}")
        if first_wildcard is not None:
            raise VersionError(
                f"version '{text}' has a number after the wildcard x; every node right of the "
                "first x must also be x (x.x.x, 1.x.x, 1.2.x)"
            )
        value = int(part)
        if value > MAX_NODE:
            raise VersionError(f"version node {part} in '{text}' is over the maximum {MAX_NODE}")
        nodes.append(value)
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


def parse_arn(text: str, resource_types: tuple[str, ...]) -> ImageBuilderArn:
    """Parses an Image Builder ARN of one of ``resource_types``; the version may be absent.

    Raises :class:`VersionError` naming the part that is wrong.
    """
    fields = text.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn":
        raise VersionError(
            f"'{text}' is not an ARN of the form arn:PARTITION:imagebuilder:REGION:ACCOUNT:"
            f"{resource_types[0]}/NAME/VERSION"
        )
    _, partition, service, region, account, resource = fields
    if partition not in PARTITIONS:
        raise VersionError(
            f"partition '{partition}' is not an AWS partition ({', '.join(sorted(PARTITIONS))})"
        )
    if service != "imagebuilder":
        raise VersionError(f"service '{service}' is not imagebuilder")
    if not _REGION.match(region):
        raise VersionError(f"region '{region}' is not a region name such as us-east-1")
    if not _ACCOUNT.match(account):
        raise VersionError(
            f"account '{account}' is not a 12-digit account ID, aws, aws-… or third-party"
        )
    resource_type, _, path = resource.partition("/")
    if resource_type not in resource_types:
        raise VersionError(f"resource type '{resource_type}' is not {' or '.join(resource_types)}")
    segments = path.split("/") if path else []
    if not segments or not segments[0]:
        raise VersionError(f"the ARN has no {resource_type} name after '{resource_type}/'")
    name = segments[0]
    if not _NAME.match(name):
        if _NAME.match(name.lower()):
            raise VersionError(
                f"name '{name}' has upper-case letters; names in ARNs are lower case "
                f"('{name.lower()}')"
            )
        raise VersionError(
            f"name '{name}' may only hold lower-case letters, digits, hyphens and underscores"
        )
    if len(segments) > 3:
        raise VersionError(f"'{'/'.join(segments[1:])}' after the name is more than VERSION/BUILD")
    version = parse_version(segments[1]) if len(segments) >= 2 else None
    build: int | None = None
    if len(segments) == 3:
        assert version is not None
        if not version.is_exact:
            raise VersionError(
                f"build number /{segments[2]} follows the wildcard version {version}; a build "
                "number may only follow a fully numeric version such as 1.2.3"
            )
        if not _NUMBER.match(segments[2]):
            raise VersionError(f"build number '{segments[2]}' is not a number")
        build = int(segments[2])
    return ImageBuilderArn(partition, region, account, resource_type, name, version, build)
