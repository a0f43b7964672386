"""Deep comparison of node trees and resources: same node types, values (and their types) and
every span, key span and other slot, so that two readings of one text can be held equal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iblint.model import Node, Resource


def _slots(node: Node) -> Iterator[str]:
    for cls in type(node).__mro__:
        yield from getattr(cls, "__slots__", ())


def assert_same_tree(expected: Node | None, actual: Node | None, path: str = "$") -> None:
    """Every slot of every node equal, children compared in order (mapping keys too)."""
    pending: list[tuple[Any, Any, str]] = [(expected, actual, path)]
    while pending:
        want, got, where = pending.pop()
        assert type(want) is type(got), where
        if isinstance(want, Node):
            for slot in _slots(want):
                pending.append((getattr(want, slot), getattr(got, slot), f"{where}.<{slot}>"))
        elif isinstance(want, dict):
            assert list(want) == list(got), where
            pending.extend((want[key], got[key], f"{where}.{key}") for key in want)
        elif isinstance(want, list | tuple) and not hasattr(want, "_fields"):
            assert len(want) == len(got), where
            pending.extend(
                (item, other, f"{where}[{index}]")
                for index, (item, other) in enumerate(zip(want, got, strict=True))
            )
        else:  # a value, a span, a frozenset of names
            assert repr(want) == repr(got), where


def assert_same_resources(expected: list[Resource], actual: list[Resource]) -> None:
    assert len(expected) == len(actual), ([r.name for r in expected], [r.name for r in actual])
    for want, got in zip(expected, actual, strict=True):
        assert want._fields == got._fields
        for field, mine, theirs in zip(want._fields, want, got, strict=True):
            if isinstance(mine, Node) or isinstance(theirs, Node):
                assert_same_tree(mine, theirs, f"{want.name}.{field}")
            else:
                assert mine == theirs, (want.name, field)
