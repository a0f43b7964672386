"""Small readers for normalised nodes, shared by the checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from iblint.model import Choice, Mapping, Node, Scalar, Sequence, Span, alternatives
from iblint.text_safety import clipped, escaped

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")

_MAX_DIGITS = 30
_HUGE: int = 10**_MAX_DIGITS


def text_of(node: Node | None) -> str | None:
    """The string a literal node holds, else ``None`` (unknown, absent or not a string)."""
    if isinstance(node, Scalar) and isinstance(node.value, str):
        return node.value
    return None


def integer_of(node: Node | None) -> int | None:
    """The integer a literal holds; CloudFormation also takes integers written as strings."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return node.value
    if isinstance(node.value, float):
        # 250.0 is the integer 250 (YAML and JSON write it either way).
        return int(node.value) if node.value.is_integer() else None
    text = node.value.strip() if isinstance(node.value, str) else ""
    digits = text.lstrip("-")
    if not (digits.isascii() and digits.isdigit()):
        return None
    if len(digits) > _MAX_DIGITS:
        # int() refuses over 4,300 digits; any such number is out of every range anyway.
        return -_HUGE if text.startswith("-") else _HUGE
    return int(text)


def number_of(node: Node | None) -> int | float | None:
    """The number a literal holds: an integer (integral floats included) or any other float,
    infinities included; ``None`` for NaN and anything that is not a number."""
    integer = integer_of(node)
    if integer is not None:
        return integer
    if isinstance(node, Scalar) and isinstance(node.value, float) and node.value == node.value:
        return node.value
    return None


def literal_text(node: Node | None) -> str:
    """A literal as written, for messages: escaped, and shortened when it is very long."""
    text = str(node.value) if isinstance(node, Scalar) and not isinstance(node.value, int) else ""
    if not text and isinstance(node, Scalar) and isinstance(node.value, int):
        text = str(node.value) if node.value.bit_length() < 1000 else "a very large number"
    text = text.strip()
    return escaped(text) if len(text) <= 24 else escaped(clipped(text, 12))


def mappings_in(node: Node | None) -> Iterable[Mapping]:
    """Every literal mapping ``node`` may be (through ``Fn::If`` branches)."""
    if node.__class__ is not Choice:  # one value: no generator for the usual case
        return (node,) if isinstance(node, Mapping) else ()
    return [alternative for alternative in alternatives(node) if isinstance(alternative, Mapping)]


def mapping_items(node: Node | None) -> Iterable[Mapping]:
    """Every literal mapping that may be an item of the list ``node``."""
    found: list[Mapping] = []
    for alternative in (node,) if node.__class__ is not Choice else alternatives(node):
        if isinstance(alternative, Sequence):
            for item in alternative.items:
                found.extend(mappings_in(item))
    return found


def member_alternatives(parent: Mapping, member: str) -> Iterable[tuple[Node | None, Span]]:
    """Each value ``parent[member]`` may take, with the span a finding about it points at.

    A present value points at itself. An absent member (or an ``Fn::If`` branch that removes
    it, or a null value, which sets nothing) is ``None`` and points at the nearest existing
    node: the member's key if there is one, else the parent's key.
    """
    node = parent.get(member)  # not entries: a plan's open mapping makes unknown members
    if node is None:
        return ((None, parent.anchor),)
    if node.__class__ is not Choice:  # one value, the usual case: no generator
        if isinstance(node, Scalar) and node.value is None:
            return ((None, node.anchor),)
        return ((node, node.span),)
    return _member_choices(node)


def _member_choices(node: Node) -> Iterator[tuple[Node | None, Span]]:
    absent_anchor = node.anchor
    for alternative in alternatives(node):
        if alternative is None or (isinstance(alternative, Scalar) and alternative.value is None):
            yield None, alternative.anchor if alternative is not None else absent_anchor
        else:
            yield alternative, alternative.span


def closest(written: str, choices: Iterable[str]) -> str | None:
    """The choice the user most likely meant (for "did you mean"): the same name but for case
    and underscores, else the closest by spelling; ``None`` when none is close."""
    folded = written.replace("_", "").lower()
    by_folded: dict[str, str] = {}
    for choice in choices:
        key = choice.replace("_", "").lower()
        if key == folded:
            return choice
        by_folded[key] = choice
    import difflib

    close = difflib.get_close_matches(folded, list(by_folded), n=1, cutoff=0.75)
    return by_folded[close[0]] if close else None


def last_only(compute: Callable[[_Key], _Value]) -> Callable[[_Key], _Value]:
    """``compute`` remembering its last argument (by identity) and result: the engine runs
    every rule on one resource before the next, so rules that read the same derived view of it
    build it once. The argument is kept, so its ``id`` cannot be reused while it is cached."""
    last: list[tuple[_Key, _Value]] = []

    def cached(key: _Key) -> _Value:
        if last and last[0][0] is key:
            return last[0][1]
        value = compute(key)
        last[:] = [(key, value)]
        return value

    return cached
