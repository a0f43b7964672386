"""The member paths of a policy's ``at`` and ``each``: ``blockDeviceMappings[].ebs``.

A path is API member names separated by dots; ``[]`` after a member selects every item of the
list (``each`` only), ``[N]`` the item at index N (from 0). Members are matched as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from iblint.model import Choice, Mapping, Node, Scalar, Sequence, Span, Unknown

#: Every item of a list.
EVERY = "[]"

_MEMBER = r"[A-Za-z_][A-Za-z0-9_-]*"
_INDEX = r"\[(?:[0-9]{1,6})?\]"
_PATH = re.compile(rf"{_MEMBER}(?:{_INDEX})*(?:\.{_MEMBER}(?:{_INDEX})*)*")
_PART = re.compile(rf"({_MEMBER})|\[([0-9]*)\]")


class PathError(ValueError):
    """A path that is not ``member.member[]...``."""


def parse_path(text: str, allow_every: bool) -> tuple[str | int, ...]:
    """The segments of a path: member names, item indexes, and :data:`EVERY`."""
    if not _PATH.fullmatch(text):
        raise PathError(
            f"{text!r} is not a member path such as instanceMetadataOptions.httpTokens or "
            "blockDeviceMappings[].ebs (API member names joined by '.', '[]' for every item, "
            "'[N]' for one)"
        )
    segments: list[str | int] = []
    for match in _PART.finditer(text):
        member, index = match.groups()
        if member is not None:
            segments.append(member)
        elif index:
            segments.append(int(index))
        elif allow_every:
            segments.append(EVERY)
        else:
            raise PathError(
                f"{text!r}: 'at' names one node, so it takes [N] but not [] (use 'each' to "
                "check every item)"
            )
    return tuple(segments)


def path_text(segments: tuple[str | int, ...]) -> str:
    text = ""
    for segment in segments:
        if segment == EVERY:
            text += "[]"
        elif isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


Assignment = dict[int, int]
"""The branch taken at each ``Fn::If`` (by the id of its :class:`Choice` node)."""


class Subject(NamedTuple):
    """A node a policy's expression runs on, and the ``Fn::If`` branches taken to reach it."""

    node: Node
    assignment: Assignment


def resolve(node: Node | None, assignment: Assignment) -> Node | None:
    """``node`` with every :class:`Choice` on top followed to the branch ``assignment`` takes
    (a choice it does not name stays)."""
    while isinstance(node, Choice):
        index = assignment.get(id(node))
        if index is None:
            return node
        node = node.branches[index]
    return node


def present(node: Node | None) -> bool:
    """A value that sets its member: not absent, not null."""
    return node is not None and not (isinstance(node, Scalar) and node.value is None)


def select(
    root: Node, segments: tuple[str | int, ...], assignment: Assignment
) -> Iterator[Subject]:
    """Every node ``segments`` selects under ``root``, each ``Fn::If`` branch on the way taken
    in turn. An unknown value on the way selects nothing: what it holds cannot be known."""
    pending: list[tuple[Node | None, int, Assignment]] = [(root, 0, assignment)]
    while pending:
        node, depth, taken = pending.pop()
        node = resolve(node, taken)
        if isinstance(node, Choice):
            for index in reversed(range(len(node.branches))):
                pending.append((node, depth, {**taken, id(node): index}))
            continue
        if not present(node) or isinstance(node, Unknown):
            continue
        assert node is not None
        if depth == len(segments):
            yield Subject(node, taken)
            continue
        segment = segments[depth]
        children: list[Node] = []
        if isinstance(node, Mapping) and isinstance(segment, str) and segment != EVERY:
            child = node.get(segment)
            children = [child] if child is not None else []
        elif isinstance(node, Sequence) and segment == EVERY:
            children = list(node.items)
        elif isinstance(node, Sequence) and isinstance(segment, int):
            children = [node.items[segment]] if segment < len(node.items) else []
        for child in reversed(children):
            pending.append((child, depth + 1, taken))


def anchor(node: Node) -> Span:
    """Where a finding about ``node`` points: a value at itself, a mapping or list at its key
    (its first line when it has none)."""
    if isinstance(node, Scalar | Unknown):
        return node.span
    return node.anchor


def position(subject: Node, segments: tuple[str | int, ...], assignment: Assignment) -> Span:
    """Where a finding about the node at ``segments`` under ``subject`` points; an absent
    member points at its nearest existing parent, as the built-in rules do."""
    node: Node = subject
    for segment in segments:
        resolved = resolve(node, assignment)
        if resolved is None or isinstance(resolved, Choice | Unknown | Scalar):
            return node.anchor if resolved is None else anchor(resolved)
        child: Node | None = None
        if isinstance(resolved, Mapping) and isinstance(segment, str):
            child = resolved.get(segment)
        elif isinstance(resolved, Sequence) and isinstance(segment, int):
            child = resolved.items[segment] if segment < len(resolved.items) else None
        if child is None or not present(resolve(child, assignment)):
            return child.anchor if child is not None else resolved.anchor
        node = child
    resolved = resolve(node, assignment)
    return anchor(resolved) if resolved is not None else node.anchor
