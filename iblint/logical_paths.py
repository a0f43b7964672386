"""Where a finding is inside its resource, without line numbers.

Rules point at spans; nodes do not know their parents. :class:`PathIndex` walks a resource's
body once (only when one of its findings asks) and maps each node's span, and its key's span,
to the member path that reaches it: API member names, list indices as decimal strings, and
``Fn::If[1]``/``Fn::If[2]`` for the branches of a deploy-time choice. The resource's name (a
CloudFormation logical ID, a Terraform address, a document's member path) comes first, so
``("Infra", "instanceMetadataOptions", "httpTokens")`` is the same finding whatever moves
around it in the file. The baseline keys findings by it; fixes use the node and its parent.
"""

from __future__ import annotations

from typing import NamedTuple

from iblint.model import Choice, Mapping, Node, Resource, Sequence, Span


class Located(NamedTuple):
    """A node of a resource and how it is reached."""

    path: tuple[str, ...]
    node: Node
    #: The mapping that holds it under a key (``None`` for list items, branches, the body).
    parent: Mapping | None
    #: The key it is held under in ``parent``.
    key: str | None
    #: Reached through a branch of a deploy-time choice (``Fn::If``).
    in_choice: bool


class PathIndex:
    """Span to :class:`Located` for one resource, built on first use."""

    __slots__ = ("_by_span", "resource")

    def __init__(self, resource: Resource) -> None:
        self.resource = resource
        self._by_span: dict[Span, Located] | None = None

    def locate(self, span: Span) -> Located | None:
        """The node whose span (or key's span) is ``span``; else the deepest node whose span
        holds it; ``None`` when no node does."""
        by_span = self._index()
        found = by_span.get(span)
        if found is not None:
            return found
        best: Located | None = None
        for node_span, located in by_span.items():
            if _holds(node_span, span) and (best is None or len(located.path) > len(best.path)):
                best = located
        return best

    def _index(self) -> dict[Span, Located]:
        if self._by_span is not None:
            return self._by_span
        by_span: dict[Span, Located] = {}
        seen: set[int] = set()
        body = self.resource.body
        # Depth first, explicitly (no recursion limit); a node shared through YAML aliases is
        # walked once, at the first path that reaches it.
        pending: list[Located] = [Located((self.resource.name,), body, None, None, False)]
        while pending:
            located = pending.pop()
            node = located.node
            if id(node) in seen:
                continue
            seen.add(id(node))
            by_span.setdefault(node.span, located)
            if node.key_span is not None:
                by_span.setdefault(node.key_span, located)
            children: list[Located] = []
            if isinstance(node, Mapping):
                for key, child in node.entries.items():
                    children.append(
                        Located((*located.path, key), child, node, key, located.in_choice)
                    )
            elif isinstance(node, Sequence):
                for index, item in enumerate(node.items):
                    children.append(
                        Located((*located.path, str(index)), item, None, None, located.in_choice)
                    )
            elif isinstance(node, Choice):
                for index, branch in enumerate(node.branches, start=1):
                    if branch is not None:
                        path = (*located.path, f"Fn::If[{index}]")
                        children.append(Located(path, branch, None, None, True))
            pending.extend(reversed(children))
        self._by_span = by_span
        return by_span


def _holds(outer: Span, inner: Span) -> bool:
    return (outer.start_line, outer.start_col) <= (inner.start_line, inner.start_col) and (
        inner.end_line,
        inner.end_col,
    ) <= (outer.end_line, outer.end_col)


def joined(path: tuple[str, ...]) -> str:
    """``path`` as one string, its parts escaped as in a JSON Pointer (RFC 6901: ``~`` is
    ``~0``, ``/`` is ``~1``) and joined with ``/``."""
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in path)
