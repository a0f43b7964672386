"""The component ARNs recipes reference, for ``iblint components``: the list a shell loop hands
to ``aws imagebuilder get-component`` to build the component catalog IB401 reads.

Files are found and loaded exactly as ``iblint check`` finds and loads them. Printed are the
literal ``componentArn`` values of image and container recipes that GetComponent accepts: its
``componentBuildVersionArn`` parameter takes the same ARN forms as a recipe's
``componentArn`` (a build version ARN, or a version ARN whose trailing nodes may be ``x``;
https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_GetComponent.html), and
"version ARNs resolve to the latest available matching component build version", which is
the build a recipe created now would get. So every reference is printed as written.

Values known only at deploy time (CloudFormation intrinsics, Terraform expressions) are
skipped; so are literal values GetComponent would refuse, each named in a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from iblint.checks.values import mapping_items, member_alternatives
from iblint.discover import Discovered, discover
from iblint.model import Resource, ResourceKind, Scalar, Span, Unknown
from iblint.text_safety import escaped
from iblint.versions import parse_arn

#: GetComponent's ``componentBuildVersionArn`` pattern (ComponentVersionArnOrBuildVersionArn
#: in the API reference), matched against the whole string.
_GET_COMPONENT_ARN = re.compile(
    r"arn:aws[^:]*:imagebuilder:[^:]+:(?:[0-9]{12}|aws(?:-[a-z-]+)?|third-party):component/"
    r"[a-z0-9-_]+/(?:(?:([0-9]+|x)\.([0-9]+|x)\.([0-9]+|x))|(?:[0-9]+\.[0-9]+\.[0-9]+/[0-9]+))"
)
_RECIPES = (ResourceKind.IMAGE_RECIPE, ResourceKind.CONTAINER_RECIPE)


class ComponentListing(NamedTuple):
    #: Every component ARN referenced, sorted, each once.
    arns: list[str]
    #: What was left out and why, one line each: literal values GetComponent would refuse,
    #: files that could not be read or parsed (``iblint check`` reports those).
    notes: list[str]


def list_components(paths: list[str], root: Path | None = None) -> ComponentListing:
    """The component ARNs the recipes under ``paths`` reference (relative to ``root``, the
    working directory by default). Raises :class:`iblint.discover.MissingPathError` for a
    path that does not exist."""
    return components_in(discover(paths, root))


def components_in(files: Iterable[Discovered]) -> ComponentListing:
    """As :func:`list_components`, for files found by :func:`iblint.discover.discover`."""
    from iblint.dialects import RunCache
    from iblint.loading import load_path

    cache = RunCache()
    arns: set[str] = set()
    notes: list[str] = []
    for source in files:
        if source.problem is not None:  # what the walk must not or cannot open
            notes.append(f"{escaped(source.display)}: not read (`iblint check` says why)")
            continue
        loaded = load_path(
            source.path, source.display, cache=cache, follow_symlinks=source.follow_symlinks
        )
        if loaded.input_problems:
            notes.append(
                f"{escaped(source.display)}: not read completely (`iblint check` says why); "
                "references in it may be missing"
            )
        for resource in loaded.resources:
            for value, span in _references(resource):
                if is_get_component_arn(value):
                    arns.add(value)
                else:
                    notes.append(
                        f"{escaped(source.display)}:{span.start_line}:{span.start_col}: skipped a "
                        "componentArn that is not a component ARN GetComponent accepts"
                    )
    return ComponentListing(sorted(arns), notes)


def is_get_component_arn(value: str) -> bool:
    """Whether GetComponent accepts ``value`` as ``componentBuildVersionArn``: the API's
    pattern, a known partition and region shape, and wildcards only in trailing nodes
    (``1.x.x``, never ``x.2.x``, which Image Builder refuses)."""
    if not _GET_COMPONENT_ARN.fullmatch(value):
        return False
    try:
        arn = parse_arn(value, ("component",))
    except ValueError:
        return False
    return arn.version is not None


def _references(resource: Resource) -> Iterable[tuple[str, Span]]:
    """The literal ``componentArn`` values of a recipe (every ``Fn::If`` branch), skipping
    values known only at deploy time."""
    if resource.kind not in _RECIPES:
        return
    for configuration in mapping_items(resource.body.get("components")):
        for node, span in member_alternatives(configuration, "componentArn"):
            if isinstance(node, Unknown) or node is None:
                continue
            if isinstance(node, Scalar) and isinstance(node.value, str):
                yield node.value, span
            else:
                yield "", span  # a number, a list: not an ARN
