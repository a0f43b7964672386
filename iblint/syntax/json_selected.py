"""JSON text to a node tree of only the parts a caller reads (a Terraform plan's Image Builder
resources), with the nodes and positions :func:`iblint.syntax.json_tree.parse_json` gives them.

The whole text is read and checked first by :func:`json.loads` (C speed); the mappings and lists
a selector steps into are then walked in the text, and what it keeps is parsed with positions
by the parser of :mod:`iblint.syntax.json_tree`, from where it starts to where it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NoReturn, TypeAlias

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.json_tree import (
    _WHITESPACE,
    _limit_problem,
    _line_starts,
    _no_cyclic_collection,
    _parse,
    _span,
    _SyntaxError,
)
from iblint.syntax.limits import MAX_DEPTH, MAX_JSON_VALUES

#: What a selector answers for a value: build its nodes (with positions), or leave it out.
#: Answering with another selector steps into the value (a mapping or a list) and asks that
#: selector about each of its members or items.
KEEP = 1
DROP = 0
Selector: TypeAlias = "Callable[[str | int, Any], Selector | int]"


class _Refused(Exception):
    """The selected reading cannot give what :func:`parse_json` would: read it all."""


def parse_json_selected(
    text: str, selection: Callable[[Any], Selector | None]
) -> tuple[Node | None, list[InputProblem]] | None:
    """The document in ``text`` with only the parts a selection keeps, or ``None`` when only
    :func:`parse_json` can say what the document holds.

    Each node that is built is the node :func:`parse_json` builds, with the same positions; a
    mapping or list stepped into holds only what its selector kept. The document is first read
    as plain data by :func:`json.loads` (C speed), which also checks every part of it: a
    syntax error, a duplicate key anywhere, or a number ``json.loads`` reads differently is a
    ``None`` (the caller then calls :func:`parse_json`, which reports it as it always does).
    ``selection(data)`` gets that data and returns the selector of the document's members or
    items, or ``None`` to decline. The depth and value limits apply to what is built; the
    parts left out are read only by ``json.loads``.
    """
    import json

    with _no_cyclic_collection():
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_refuse)
        except (_Refused, ValueError, RecursionError):
            return None
        select = selection(data)
        if select is None or not isinstance(data, dict | list):
            return None
        problems: list[InputProblem] = []
        scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        line_starts = _line_starts(text)
        walk = _SelectedWalk(text, line_starts, problems, scan_once)
        start = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
        try:
            root, _ = walk.container(start, data, select, None, 1)
        except _SyntaxError as error:
            problem = _limit_problem(text, line_starts, error)
            # Not a limit: the text was checked, so never here, but parse_json would say.
            return None if problem is None else (None, [problem])
        except (_Refused, ValueError, IndexError, KeyError, RecursionError):
            return None
    return root, problems


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused  # a duplicate key: parse_json reports it
    return mapping


def _refuse(word: str) -> NoReturn:
    raise _Refused  # NaN or Infinity, which json.loads takes and JSON does not


class _SelectedWalk:
    """Steps through the mappings and lists a selector steps into, building what it keeps."""

    def __init__(
        self,
        text: str,
        line_starts: list[int],
        problems: list[InputProblem],
        scan_once: Callable[[str, int], tuple[Any, int]],
    ) -> None:
        self.text = text
        self.line_starts = line_starts
        self.problems = problems
        self.scan_once = scan_once
        self.values = 0

    def container(
        self, start: int, data: Any, select: Selector, key_span: Span | None, depth: int
    ) -> tuple[Node, int]:
        """The mapping or list at ``start`` (``data`` is its plain value) with what ``select``
        keeps of it, at ``depth`` containers deep; and the offset after it."""
        text = self.text
        line_starts = self.line_starts
        whitespace = _WHITESPACE.match
        self.values += 1
        if self.values > MAX_JSON_VALUES:
            raise _SyntaxError(start, "too many values")
        if depth > MAX_DEPTH:
            raise _SyntaxError(start, "nesting too deep")
        is_mapping = text[start] == "{"
        if is_mapping != isinstance(data, dict) or text[start] not in "{[":
            raise _Refused
        entries: dict[str, Node] = {}
        items: list[Node] = []
        index = whitespace(text, start + 1).end()  # type: ignore[union-attr]
        position = 0
        while text[index] not in "}]":
            member_key: str | int = position
            member_key_span = None
            if is_mapping:
                member_key, after_key = scanstring(text, index + 1, True)
                member_key_span = _span(line_starts, index, after_key)
                index = whitespace(text, after_key).end()  # type: ignore[union-attr]
                if text[index] != ":":
                    raise _Refused
                index = whitespace(text, index + 1).end()  # type: ignore[union-attr]
            value = data[member_key]
            answer = select(member_key, value)
            node: Node | None = None
            if answer == DROP:
                index = self.scan_once(text, index)[1]
            elif not isinstance(value, dict | list):
                # A scalar: the value json.loads read, where it is written.
                self.values += 1
                if self.values > MAX_JSON_VALUES:
                    raise _SyntaxError(index, "too many values")
                value, end = self.scan_once(text, index)
                node = Scalar(value, _span(line_starts, index, end), member_key_span)
                index = end
            elif answer == KEEP:
                node, self.values, index = _parse(
                    text,
                    line_starts,
                    self.problems,
                    MAX_DEPTH - depth,
                    MAX_JSON_VALUES,
                    index,
                    len(text),
                    self.values,
                    member_key_span,
                    whole=False,
                )
            else:
                node, index = self.container(
                    index,
                    value,
                    answer,  # type: ignore[arg-type]
                    member_key_span,
                    depth + 1,
                )
            if node is not None:
                if is_mapping:
                    entries[member_key] = node  # type: ignore[index]
                else:
                    items.append(node)
            data[member_key] = None  # read: its memory can go to the nodes
            position += 1
            index = whitespace(text, index).end()  # type: ignore[union-attr]
            if text[index] == ",":
                index = whitespace(text, index + 1).end()  # type: ignore[union-attr]
        end = index + 1
        span = _span(line_starts, start, end)
        if is_mapping:
            return Mapping(entries, span, key_span), end
        return Sequence(items, span, key_span), end
