"""JSON text to a node tree of only the parts a caller reads (a Terraform plan's Image Builder
resources), with the nodes and positions :func:`iblint.syntax.json_tree.parse_json` gives them.

The whole text is read and checked first by the C scanner of :mod:`json` (a document that is a
mapping member by member, so that a member left out is never read again); the mappings and
lists a selector steps into are then walked in the text, and what it keeps gets its nodes from
the values ``json.loads`` read (:mod:`iblint.syntax.json_kept`): the text is only consulted for
where each value ends, a few comparisons rather than a parse (a plan is mostly Image Builder
values, and parsing them again took two thirds of its reading). A value over the depth or
value limit is read again by the parser of :mod:`iblint.syntax.json_tree`, which reports it as
it always does.
"""

from __future__ import annotations

from collections.abc import Callable
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any, NoReturn, TypeAlias

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.json_kept import KeptBuilder, Members, OverLimit
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
#: selector about each of its members or items. Answering with :data:`Members` (names to
#: ``KEEP`` or to more ``Members``) builds a mapping with only the members named, and passes
#: over the others without nodes (a value that is not a mapping is kept whole).
KEEP = 1
DROP = 0
Selector: TypeAlias = "Callable[[str | int, Any], Selector | Members | int]"


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
        checked = json.JSONDecoder(object_pairs_hook=_unique_pairs, parse_constant=_refuse)
        try:
            data, ends = _members_read(text, checked.scan_once)  # type: ignore[attr-defined]
            if data is None:
                data = json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_refuse)
        except (_Refused, ValueError, RecursionError, StopIteration):
            return None
        select = selection(data)
        if select is None or not isinstance(data, dict | list):
            return None
        scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
        walk = _SelectedWalk(text, _line_starts(text), scan_once)
        walk.ends = ends
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


def _members_read(
    text: str, scan_once: Callable[[str, int], tuple[Any, int]]
) -> tuple[dict[str, Any] | None, dict[int, int]]:
    """A document that is a mapping, read member by member as ``json.loads`` reads it (raises
    where it would), and where each member's value ends by where it starts: a member left out
    is then passed over without being read again. ``None`` for any other document."""
    whitespace = _WHITESPACE.match
    index = whitespace(text).end()  # type: ignore[union-attr]
    if text[index : index + 1] != "{":
        return None, {}
    data: dict[str, Any] = {}
    ends: dict[int, int] = {}
    index = whitespace(text, index + 1).end()  # type: ignore[union-attr]
    following = ","
    if text[index : index + 1] == "}":
        following, index = "}", whitespace(text, index + 1).end()  # type: ignore[union-attr]
    while following == ",":
        if text[index : index + 1] != '"':
            raise _Refused
        key, index = scanstring(text, index + 1, True)
        index = whitespace(text, index).end()  # type: ignore[union-attr]
        if text[index : index + 1] != ":" or key in data:
            raise _Refused  # not JSON, or a duplicate key (which parse_json reports)
        start = whitespace(text, index + 1).end()  # type: ignore[union-attr]
        if text[start : start + 1] == "[":
            data[key], index = _items_read(text, start, scan_once, ends)
        else:
            data[key], index = scan_once(text, start)
        ends[start] = index
        index = whitespace(text, index).end()  # type: ignore[union-attr]
        following = text[index : index + 1]
        index = whitespace(text, index + 1).end()  # type: ignore[union-attr]
    if following != "}" or index != len(text):
        raise _Refused
    return data, ends


def _items_read(
    text: str,
    start: int,
    scan_once: Callable[[str, int], tuple[Any, int]],
    ends: dict[int, int],
) -> tuple[list[Any], int]:
    """The list at ``start`` read item by item as ``json.loads`` reads it (raises where it
    would), and where each item ends added to ``ends`` by where it starts: an item left out
    (a plan's resource change of another provider) is then passed over without being read
    again."""
    whitespace = _WHITESPACE.match
    items: list[Any] = []
    index = whitespace(text, start + 1).end()  # type: ignore[union-attr]
    if text[index : index + 1] == "]":
        return items, index + 1
    append = items.append
    while True:
        item, end = scan_once(text, index)
        append(item)
        ends[index] = end
        following = text[end : end + 1]
        if following <= " ":  # whitespace, or the end of the text
            end = whitespace(text, end).end()  # type: ignore[union-attr]
            following = text[end : end + 1]
        if following == "]":
            return items, end + 1
        if following != ",":
            raise _Refused
        index = end + 1
        if text[index : index + 1] <= " ":
            index = whitespace(text, index).end()  # type: ignore[union-attr]


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Refused  # a duplicate key: parse_json reports it
    return mapping


def _refuse(word: str) -> NoReturn:
    raise _Refused  # NaN or Infinity, which json.loads takes and JSON does not


class _SelectedWalk(KeptBuilder):
    """Steps through the mappings and lists a selector steps into, building what it keeps.
    ``ends``: where each value the document's members were read from ends, by its start."""

    ends: dict[int, int]

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
                index = self.ends.get(index) or self.scan_once(text, index)[1]
            elif answer.__class__ is dict:
                node, index = self.kept(
                    value,
                    index,
                    member_key_span,
                    MAX_DEPTH - depth,
                    answer,
                )
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

    def kept(
        self,
        value: Any,
        start: int,
        key_span: Span | None,
        room: int,
        members: Members | None = None,
    ) -> tuple[Node, int]:
        """The nodes of ``value``, written at ``start``, with room for ``room`` levels of
        nesting (of a mapping, only ``members``, if given); and the offset after it."""
        before = self.values
        try:
            self.values += 1
            if self.values > MAX_JSON_VALUES:
                raise OverLimit
            if start >= self.next_start:
                self._move(start)
            if isinstance(value, dict):
                if members is not None:
                    return self._members(value, start, key_span, room, members)
                return self._mapping(value, start, key_span, room)
            if isinstance(value, list):
                return self._sequence(value, start, key_span, room)
            end = self._scalar_end(value, start)
            base = self.base
            return Scalar(
                value, Span(self.line, start - base, self.line, end - base), key_span
            ), end
        except OverLimit:
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
