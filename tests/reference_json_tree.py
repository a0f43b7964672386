"""The JSON parser as it was before it was made fast (commit a6ed80c), kept as the reference
the fast parser in :mod:`iblint.syntax.json_tree` is compared against
(tests/loaders/test_json_differential.py). Do not change it: it is the specification.
"""

from __future__ import annotations

import re
from json.decoder import scanstring  # type: ignore[attr-defined]

from iblint import problems as input_problems
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.limits import MAX_DEPTH, MAX_JSON_VALUES
from iblint.syntax.positions import LineTable

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _SyntaxError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        self.offset = offset
        self.message = message


class _Container:
    """A mapping or list being built, with what is needed to finish it."""

    __slots__ = ("entries", "items", "key_span", "pending_key", "pending_key_span", "seen", "start")

    def __init__(self, start: int, key_span: Span | None, is_mapping: bool) -> None:
        self.start = start
        self.key_span = key_span
        self.entries: dict[str, Node] | None = {} if is_mapping else None
        self.items: list[Node] | None = None if is_mapping else []
        self.pending_key: str | None = None
        self.pending_key_span: Span | None = None
        self.seen: dict[str, Span] = {}


def parse_json(text: str) -> tuple[Node | None, list[InputProblem]]:
    """The document in ``text`` as nodes, or ``None`` and the syntax problem. Never raises."""
    positions = LineTable(text)
    problems: list[InputProblem] = []
    try:
        return _Parser(text, positions, problems).parse(), problems
    except _SyntaxError as error:
        span = positions.point(error.offset)
        if error.message.startswith("nesting"):
            return None, [input_problems.too_deep(span)]
        if error.message.startswith("too many values"):
            return None, [input_problems.too_many_values(MAX_JSON_VALUES, "JSON")]
        return None, [input_problems.invalid_syntax(span, "JSON", error.message)]


class _Parser:
    def __init__(self, text: str, positions: LineTable, problems: list[InputProblem]) -> None:
        self.text = text
        self.positions = positions
        self.problems = problems
        self.values = 0

    def skip(self, index: int) -> int:
        return _WHITESPACE.match(self.text, index).end()  # type: ignore[union-attr]

    def parse(self) -> Node:
        text = self.text
        stack: list[_Container] = []
        index = self.skip(0)
        result: Node | None = None
        # Each turn reads one value (or closes containers), then what may follow it.
        while True:
            value, index = self.value_or_open(index, stack)
            while value is not None:
                # A complete value: attach it to the enclosing container, or finish.
                if not stack:
                    result = value
                    break
                parent = stack[-1]
                if parent.entries is not None:
                    key = parent.pending_key
                    assert key is not None
                    if key in parent.entries:
                        del parent.entries[key]
                    parent.entries[key] = value
                else:
                    assert parent.items is not None
                    parent.items.append(value)
                index = self.skip(index)
                char = text[index : index + 1]
                if char == ",":
                    index = self.skip(index + 1)
                    if parent.entries is not None:
                        index = self.key(index, parent)
                    value = None
                    break
                closer = "}" if parent.entries is not None else "]"
                if char != closer:
                    if not char:
                        raise _SyntaxError(index, f"unexpected end of input, expecting '{closer}'")
                    raise _SyntaxError(index, f"expecting ',' or '{closer}'")
                stack.pop()
                value = self.finish(parent, index + 1)
                index += 1
            if result is not None:
                break
        index = self.skip(index)
        if index != len(text):
            raise _SyntaxError(index, "extra data after the document")
        return result

    def value_or_open(self, index: int, stack: list[_Container]) -> tuple[Node | None, int]:
        """Reads a scalar, an empty container, or opens a container (returning ``None``)."""
        text = self.text
        while True:
            self.values += 1
            if self.values > MAX_JSON_VALUES:
                raise _SyntaxError(index, "too many values")
            char = text[index : index + 1]
            key_span = self.attach_key_span(stack)
            if char == "{" or char == "[":
                if len(stack) >= MAX_DEPTH:
                    raise _SyntaxError(index, "nesting too deep")
                container = _Container(index, key_span, char == "{")
                after = self.skip(index + 1)
                closer = "}" if char == "{" else "]"
                if text[after : after + 1] == closer:
                    return self.finish(container, after + 1), after + 1
                stack.append(container)
                index = self.key(after, container) if char == "{" else after
                continue
            return self.scalar(index, key_span)

    @staticmethod
    def attach_key_span(stack: list[_Container]) -> Span | None:
        if stack and stack[-1].entries is not None:
            return stack[-1].pending_key_span
        return None

    def key(self, index: int, container: _Container) -> int:
        text = self.text
        if text[index : index + 1] != '"':
            if not text[index : index + 1]:
                raise _SyntaxError(index, "unexpected end of input, expecting a property name")
            raise _SyntaxError(index, "expecting a property name enclosed in double quotes")
        key, end = self.string(index)
        key_span = self.positions.span(index, end)
        if key in container.seen:
            first = container.seen[key]
            self.problems.append(
                input_problems.duplicate_key(
                    key_span,
                    f"key '{key}'",
                    first,
                    "only the last value is used, so the earlier one is silently ignored",
                )
            )
        container.seen[key] = key_span
        container.pending_key = key
        container.pending_key_span = key_span
        index = self.skip(end)
        if text[index : index + 1] != ":":
            raise _SyntaxError(index, "expecting ':' delimiter")
        return self.skip(index + 1)

    def string(self, index: int) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, index + 1, True)
        except ValueError as error:
            position = getattr(error, "pos", index)
            message = getattr(error, "msg", "invalid string").removesuffix(" at")
            # "Unterminated string starting at": the position says where it starts.
            message = message.removesuffix(" starting")
            raise _SyntaxError(position, message[0].lower() + message[1:]) from None
        return value, end

    def scalar(self, index: int, key_span: Span | None) -> tuple[Node, int]:
        text = self.text
        char = text[index : index + 1]
        if char == '"':
            value, end = self.string(index)
            return Scalar(value, self.positions.span(index, end), key_span), end
        match = _NUMBER.match(text, index)
        if match:
            literal = match.group()
            number: int | float
            if match.group(1) or match.group(2):
                number = float(literal)
            else:
                try:
                    number = int(literal)
                except ValueError:  # over sys.get_int_max_str_digits() digits
                    number = float(literal)
            end = match.end()
            return Scalar(number, self.positions.span(index, end), key_span), end
        for word, word_value in _LITERALS.items():
            if text.startswith(word, index):
                end = index + len(word)
                return Scalar(word_value, self.positions.span(index, end), key_span), end
        if not char:
            raise _SyntaxError(index, "unexpected end of input, expecting a value")
        raise _SyntaxError(index, "expecting a value")

    def finish(self, container: _Container, end: int) -> Node:
        span = self.positions.span(container.start, end)
        if container.entries is not None:
            return Mapping(container.entries, span, container.key_span)
        assert container.items is not None
        return Sequence(container.items, span, container.key_span)
