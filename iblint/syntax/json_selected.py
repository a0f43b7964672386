"""JSON text to a node tree of only the parts a caller reads (a Terraform plan's Image Builder
resources), with the nodes and positions :func:`iblint.syntax.json_tree.parse_json` gives them.

The whole text is read and checked first by :func:`json.loads` (C speed); the mappings and lists
a selector steps into are then walked in the text, and what it keeps gets its nodes from the
values ``json.loads`` read: the text is only consulted for where each value ends. A string
without escapes ends ``len(value) + 2`` characters after it starts, ``true`` four, a number
where the number pattern says; so a kept value costs a few comparisons, not a parse (a plan is
mostly Image Builder values, and parsing them again took two thirds of its reading). What is
unusual (a string with escapes, whitespace) is read with the C scanner or a pattern; a value
over the depth or value limit is read again by the parser of :mod:`iblint.syntax.json_tree`,
which reports it as it always does. Line breaks are only in whitespace, so the line of a
position is followed as whitespace is skipped: a one-line plan has line 1 and columns that are
offsets.
"""

from __future__ import annotations

import bisect
import re
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


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class _Refused(Exception):
    """The selected reading cannot give what :func:`parse_json` would: read it all."""


class _OverLimit(Exception):
    """A kept value goes past the depth or value limit: the positioned parser reads it again
    and says where, as :func:`parse_json` would."""


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
        scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        walk = _SelectedWalk(text, _line_starts(text), scan_once)
        start = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
        try:
            root, _ = walk.container(start, data, select, None, 1)
        except _SyntaxError as error:
            problem = _limit_problem(text, walk.line_starts, error)
            # Not a limit: the text was checked, so never here, but parse_json would say.
            return None if problem is None else (None, [problem])
        except (_Refused, ValueError, IndexError, KeyError, RecursionError):
            return None
    return root, walk.problems


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused  # a duplicate key: parse_json reports it
    return mapping


def _refuse(word: str) -> NoReturn:
    raise _Refused  # NaN or Infinity, which json.loads takes and JSON does not


class _SelectedWalk:
    """Steps through the mappings and lists a selector steps into, building what it keeps.

    The builder keeps the line of the offset it has reached (``line``, ``base``: the offset
    just before that line's first character, so a column is ``offset - base``; ``next_start``:
    where the next line starts). The text is read forward only, and a line break can only be
    in whitespace, so the line moves only where whitespace is skipped.
    """

    def __init__(
        self,
        text: str,
        line_starts: list[int],
        scan_once: Callable[[str, int], tuple[Any, int]],
    ) -> None:
        self.text = text
        self.line_starts = line_starts
        self.problems: list[InputProblem] = []
        self.scan_once = scan_once
        self.values = 0
        self.line = 1
        self.base = -1
        self.next_start = line_starts[1] if len(line_starts) > 1 else len(text) + 1

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
            elif not isinstance(value, dict | list) or answer == KEEP:
                node, index = self.kept(value, index, member_key_span, MAX_DEPTH - depth)
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

    def kept(self, value: Any, start: int, key_span: Span | None, room: int) -> tuple[Node, int]:
        """The nodes of ``value``, written at ``start``, with room for ``room`` levels of
        nesting; and the offset after it."""
        before = self.values
        try:
            self.values += 1
            if self.values > MAX_JSON_VALUES:
                raise _OverLimit
            if start >= self.next_start:
                self._move(start)
            if isinstance(value, dict):
                return self._mapping(value, start, key_span, room)
            if isinstance(value, list):
                return self._sequence(value, start, key_span, room)
            end = self._scalar_end(value, start)
            base = self.base
            return Scalar(
                value, Span(self.line, start - base, self.line, end - base), key_span
            ), end
        except _OverLimit:
            node, self.values, end = _parse(
                self.text,
                self.line_starts,
                self.problems,
                room,
                MAX_JSON_VALUES,
                start,
                len(self.text),
                before,
                key_span,
                whole=False,
            )
            return node, end  # not reached: the parser stops where the limit is passed

    def _move(self, offset: int) -> None:
        """Moves the line to the one that holds ``offset``."""
        line_starts = self.line_starts
        line = bisect.bisect_right(line_starts, offset, self.line)
        self.line = line
        self.base = line_starts[line - 1] - 1
        self.next_start = line_starts[line] if line < len(line_starts) else len(self.text) + 1

    def _skip(self, offset: int) -> int:
        """The offset after the whitespace at ``offset``, the line moved to it."""
        if self.text[offset] > " ":
            return offset
        offset = _WHITESPACE.match(self.text, offset).end()  # type: ignore[union-attr]
        if offset >= self.next_start:
            self._move(offset)
        return offset

    def _scalar_end(self, value: Any, start: int) -> int:
        """Where the scalar ``value`` (as ``json.loads`` read it) written at ``start`` ends."""
        text = self.text
        if value.__class__ is str:
            # Without escapes, the closing quote; an escape makes the text longer than the
            # value, and a quote there is then an escaped one, a backslash before it.
            end = start + len(value) + 2
            if text[end - 1] != '"' or text[end - 2] == "\\":
                end = scanstring(text, start + 1, True)[1]
            return end
        if value is None or value is True:
            return start + 4
        if value is False:
            return start + 5
        return _NUMBER.match(text, start).end()  # type: ignore[union-attr]

    def _mapping(
        self, data: dict[str, Any], start: int, own_key_span: Span | None, room: int
    ) -> tuple[Node, int]:
        """The mapping ``data`` written at ``start``; see :meth:`kept`."""
        if room <= 0:
            raise _OverLimit
        self.values += len(data)
        if self.values > MAX_JSON_VALUES:
            raise _OverLimit
        text = self.text
        new_span = tuple.__new__
        new_node = object.__new__
        number = _NUMBER.match
        line = self.line
        base = self.base
        open_line = line
        open_col = start - base
        entries: dict[str, Node] = {}
        index = start + 1
        node: Node
        for key, value in data.items():
            if text[index] <= " ":
                index = self._skip(index)
                line, base = self.line, self.base
            if text[index] == ",":
                index += 1
                if text[index] <= " ":
                    index = self._skip(index)
                    line, base = self.line, self.base
            end = index + len(key) + 2
            if text[end - 1] != '"' or text[end - 2] == "\\":
                end = scanstring(text, index + 1, True)[1]
            key_span = new_span(Span, (line, index - base, line, end - base))
            if text[end] == ":":
                index = end + 1
            else:
                index = self._skip(end) + 1
                line, base = self.line, self.base
            if text[index] <= " ":
                index = self._skip(index)
                line, base = self.line, self.base
            kind = value.__class__
            if kind is str:
                end = index + len(value) + 2
                if text[end - 1] != '"' or text[end - 2] == "\\":
                    end = scanstring(text, index + 1, True)[1]
            elif kind is dict:
                entries[key], index = self._mapping(value, index, key_span, room - 1)
                line, base = self.line, self.base
                continue
            elif kind is list:
                entries[key], index = self._sequence(value, index, key_span, room - 1)
                line, base = self.line, self.base
                continue
            elif value is None or value is True:
                end = index + 4
            elif value is False:
                end = index + 5
            else:
                end = number(text, index).end()  # type: ignore[union-attr]
            node = new_node(Scalar)
            node.value = value
            node.span = new_span(Span, (line, index - base, line, end - base))
            node.key_span = key_span
            entries[key] = node
            index = end
        if text[index] <= " ":
            index = self._skip(index)
            line, base = self.line, self.base
        index += 1  # the closing brace
        node = new_node(Mapping)
        node.entries = entries
        node.source_names = None
        node.span = new_span(Span, (open_line, open_col, line, index - base))
        node.key_span = own_key_span
        return node, index

    def _sequence(
        self, data: list[Any], start: int, own_key_span: Span | None, room: int
    ) -> tuple[Node, int]:
        """The list ``data`` written at ``start``; see :meth:`kept`."""
        if room <= 0:
            raise _OverLimit
        self.values += len(data)
        if self.values > MAX_JSON_VALUES:
            raise _OverLimit
        text = self.text
        new_span = tuple.__new__
        new_node = object.__new__
        number = _NUMBER.match
        line = self.line
        base = self.base
        open_line = line
        open_col = start - base
        items: list[Node] = []
        append = items.append
        index = start + 1
        node: Node
        for value in data:
            if text[index] <= " ":
                index = self._skip(index)
                line, base = self.line, self.base
            if text[index] == ",":
                index += 1
                if text[index] <= " ":
                    index = self._skip(index)
                    line, base = self.line, self.base
            kind = value.__class__
            if kind is str:
                end = index + len(value) + 2
                if text[end - 1] != '"' or text[end - 2] == "\\":
                    end = scanstring(text, index + 1, True)[1]
            elif kind is dict:
                node, index = self._mapping(value, index, None, room - 1)
                append(node)
                line, base = self.line, self.base
                continue
            elif kind is list:
                node, index = self._sequence(value, index, None, room - 1)
                append(node)
                line, base = self.line, self.base
                continue
            elif value is None or value is True:
                end = index + 4
            elif value is False:
                end = index + 5
            else:
                end = number(text, index).end()  # type: ignore[union-attr]
            node = new_node(Scalar)
            node.value = value
            node.span = new_span(Span, (line, index - base, line, end - base))
            node.key_span = None
            append(node)
            index = end
        if text[index] <= " ":
            index = self._skip(index)
            line, base = self.line, self.base
        index += 1  # the closing bracket
        node = new_node(Sequence)
        node.items = items
        node.span = new_span(Span, (open_line, open_col, line, index - base))
        node.key_span = own_key_span
        return node, index
