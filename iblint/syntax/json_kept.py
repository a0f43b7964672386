"""The nodes of JSON values that :func:`json.loads` has read, with the positions
:func:`iblint.syntax.json_tree.parse_json` gives them (for :mod:`iblint.syntax.json_selected`).

A value's nodes are made from the plain value; the text is only consulted for where each value
ends. A string without escapes ends ``len(value) + 2`` characters after it starts, ``true``
four, a number where the number pattern says; so a value costs a few comparisons, not a parse.
What is unusual (a string with escapes, whitespace) is read with the C scanner or a pattern.
Line breaks are only in whitespace, so the line of a position is followed as whitespace is
skipped: a one-line text has line 1 and columns that are offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, TypeAlias

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.json_tree import _WHITESPACE
from iblint.syntax.limits import MAX_JSON_VALUES

#: Which members of a mapping to build: names to ``KEEP`` (1) or to more ``Members``.
Members: TypeAlias = "dict[str, Members | int]"

_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


class OverLimit(Exception):
    """A value goes past the depth or value limit: the positioned parser reads it again
    and says where, as :func:`parse_json` would."""


class KeptBuilder:
    """Builds the nodes of values read by ``json.loads``, in text read forward only.

    The builder keeps the line of the offset it has reached (``line``, ``base``: the offset
    just before that line's first character, so a column is ``offset - base``; ``next_start``:
    where the next line starts). A line break can only be in whitespace, so the line moves
    only where whitespace is skipped. ``values`` counts the values built, against
    ``MAX_JSON_VALUES``; ``room`` is how many levels of nesting a value may still have.
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

    def _members(
        self, data: dict[str, Any], start: int, own_key_span: Span | None, room: int, only: Members
    ) -> tuple[Node, int]:
        """The mapping ``data`` written at ``start`` with the members ``only`` names; the
        others are passed over by the C scanner (a kept member as in :meth:`_mapping`)."""
        if room <= 0:
            raise OverLimit
        text = self.text
        skip = self._skip
        open_line, open_col = self.line, start - self.base
        entries: dict[str, Node] = {}
        index = start + 1
        node: Node
        for key, value in data.items():
            index = skip(index)
            if text[index] == ",":
                index = skip(index + 1)
            end = index + len(key) + 2
            if text[end - 1] != '"' or text[end - 2] == "\\":
                end = scanstring(text, index + 1, True)[1]
            wanted = only.get(key, 0)
            if wanted == 0:
                index = self.scan_once(text, skip(skip(end) + 1))[1]
                if index >= self.next_start:
                    self._move(index)
                continue
            key_span = Span(self.line, index - self.base, self.line, end - self.base)
            index = skip(skip(end) + 1)
            self.values += 1
            if self.values > MAX_JSON_VALUES:
                raise OverLimit
            kind = value.__class__
            if kind is dict and wanted.__class__ is dict:
                node, index = self._members(value, index, key_span, room - 1, wanted)
            elif kind is dict:
                node, index = self._mapping(value, index, key_span, room - 1)
            elif kind is list:
                node, index = self._sequence(value, index, key_span, room - 1)
            else:
                end = self._scalar_end(value, index)
                span = Span(self.line, index - self.base, self.line, end - self.base)
                node, index = Scalar(value, span, key_span), end
            entries[key] = node
        index = skip(index) + 1  # the closing brace
        span = Span(open_line, open_col, self.line, index - self.base)
        return Mapping(entries, span, own_key_span), index

    def _mapping(
        self, data: dict[str, Any], start: int, own_key_span: Span | None, room: int
    ) -> tuple[Node, int]:
        """The mapping ``data`` written at ``start``; see :meth:`kept`."""
        if room <= 0:
            raise OverLimit
        self.values += len(data)
        if self.values > MAX_JSON_VALUES:
            raise OverLimit
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
            raise OverLimit
        self.values += len(data)
        if self.values > MAX_JSON_VALUES:
            raise OverLimit
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
