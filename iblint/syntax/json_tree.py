"""JSON text to a position-carrying node tree.

The standard library's parser keeps no positions, so this is a small iterative parser (no
recursion, so 50,000-deep nesting is an input problem rather than a crash). It accepts exactly
RFC 8259 JSON, reports the first syntax error with its line and column, and reports duplicate
keys (the last wins, as with ``json.loads``).

It is built for speed, since a generated template can hold a million values. The Python loop
runs once per step, and a step is one C call of a compiled regular expression: in a mapping,
the comma, the key, the colon and the value's first token together (or the closing bracket); in
a list, the comma and the value. Anything else (a key with escapes, an error) is read one token
at a time and checked against what may come there, so that errors have the message and the
position of a character-by-character reading (``tests/reference_json_tree.py`` is that reading,
and a differential test holds the two equal on every input). A line break can only be in
whitespace, so every token lies on one line, whose number is found by moving forward through
the line starts as the tokens go. The cyclic garbage collector is paused while a tree grows.
:mod:`iblint.syntax.json_selected` reads only the parts of a document a caller needs.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import re
from collections.abc import Iterator
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import NoReturn

from iblint import problems as input_problems
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.limits import MAX_DEPTH, MAX_JSON_VALUES
from iblint.syntax.positions import LineTable, find_line_starts

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_WS = r"[ \t\n\r]*+"
#: A value's first token: groups 2 to 7 (group 1 is a key, in the patterns that read one).
_VALUE_GROUPS = (
    r'(?:("[^"\\\x00-\x1f]*+")'  # 2: a string without escapes
    r"|(-?(?:0|[1-9][0-9]*+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"  # 3: a number
    r"|(true|false|null)"  # 4
    r"|(\{)"  # 5
    r"|(\[)"  # 6
    r'|("[^"\\\x00-\x1f]*+(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*+)++"))'  # 7
)
#: A key without escapes, and the colon after it: group 1 is the key's text.
_KEY_GROUP = r'"([^"\\\x00-\x1f]*+)"' + _WS + ":" + _WS
#: What usually follows in each state, read in one match: the next member of a mapping
#: (comma, key, colon and the value's first token), its first member, the next item of a list,
#: its first item, or the closing bracket (group 8). They match only valid text; anything else
#: (a key with escapes, an error) is read token by token with :data:`_TOKEN`.
_MEMBER_NEXT = re.compile(_WS + r"(?:," + _WS + _KEY_GROUP + _VALUE_GROUPS + r"|(\}))")
_MEMBER_FIRST = re.compile(_WS + r"(?:" + _KEY_GROUP + _VALUE_GROUPS + r"|(\}))")
_ITEM_NEXT = re.compile(_WS + r"(?:,()" + _WS + _VALUE_GROUPS + r"|(\]))")
_ITEM_FIRST = re.compile(_WS + r"(?:()" + _VALUE_GROUPS + r"|(\]))")
#: One token after optional whitespace; the group that matched (``lastindex``) is its kind. A
#: string this refuses (a control character, a bad escape, no closing quote) goes to the C
#: string scanner, which judges strings and says what is wrong with one.
_TOKEN = re.compile(_WS + r"(?:()" + _VALUE_GROUPS + r"|([}\]])|(:)|(,))")
(
    _STRING,
    _NUMBER,
    _LITERAL,
    _OPEN_MAPPING,
    _OPEN_LIST,
    _ESCAPED_STRING,
    _CLOSE,
    _COLON,
    _COMMA,
    _DECODED_STRING,  # read by the C scanner after the pattern refused it
) = range(2, 12)
_LITERALS: dict[str, bool | None] = {"true": True, "false": False, "null": None}
#: What may come next: a value, a value or "]" (after "["), a key, a key or "}" (after "{"),
#: ":", "," or the container's closing bracket, nothing (after the document).
_VALUE, _VALUE_OR_CLOSE, _KEY, _KEY_OR_CLOSE, _COLON_NEXT, _AFTER_VALUE, _END = range(7)
_DUPLICATE_CONSEQUENCE = "only the last value is used, so the earlier one is silently ignored"


class _SyntaxError(Exception):
    def __init__(self, offset: int, message: str) -> None:
        self.offset = offset
        self.message = message


def parse_json(text: str) -> tuple[Node | None, list[InputProblem]]:
    """The document in ``text`` as nodes, or ``None`` and the syntax problem. Never raises."""
    problems: list[InputProblem] = []
    line_starts = _line_starts(text)
    with _no_cyclic_collection():
        try:
            root, _, _ = _parse(
                text, line_starts, problems, MAX_DEPTH, MAX_JSON_VALUES, 0, len(text)
            )
        except _SyntaxError as error:
            problem = _limit_problem(text, line_starts, error)
            if problem is None:
                span = LineTable(text, line_starts).point(error.offset)
                problem = input_problems.invalid_syntax(span, "JSON", error.message)
            return None, [problem]
    return root, problems


def _limit_problem(text: str, line_starts: list[int], error: _SyntaxError) -> InputProblem | None:
    """The problem of an error that is a limit (depth, value count) reached, else ``None``."""
    if error.message.startswith("nesting"):
        return input_problems.too_deep(LineTable(text, line_starts).point(error.offset))
    if error.message.startswith("too many values"):
        return input_problems.too_many_values(MAX_JSON_VALUES, "JSON")
    return None


def _line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts, as :class:`LineTable` has them."""
    return find_line_starts(text)


def _span(line_starts: list[int], start: int, end: int) -> Span:
    """The span from offset ``start`` to ``end``."""
    start_line = bisect.bisect_right(line_starts, start)
    end_line = bisect.bisect_right(line_starts, end)
    return Span(
        start_line,
        start - line_starts[start_line - 1] + 1,
        end_line,
        end - line_starts[end_line - 1] + 1,
    )


@contextlib.contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """The cyclic garbage collector off while a tree grows: a tree holds no reference cycles,
    and the collector, left on, walks every node made so far again and again (three quarters
    of the time on a large file)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _parse(
    text: str,
    line_starts: list[int],
    problems: list[InputProblem],
    max_depth: int,
    max_values: int,
    begin: int,
    limit: int,
    values: int = 0,
    root_key_span: Span | None = None,
    whole: bool = True,
) -> tuple[Node, int, int]:
    """The tree of the JSON value in ``text[begin:limit]``, the number of values read so far
    (``values`` before it) and the offset after the value; raises :class:`_SyntaxError` at
    the first error. ``root_key_span`` is the key span of the value, when it is a member of a
    mapping. Unless ``whole``, the value ends where it ends, whatever follows."""
    token = _TOKEN.match
    member_next = _MEMBER_NEXT.match
    member_first = _MEMBER_FIRST.match
    item_next = _ITEM_NEXT.match
    item_first = _ITEM_FIRST.match
    new_span = tuple.__new__
    new_node = object.__new__
    span_type = Span
    # ``line`` is the 1-based line of the current token, ``base`` the offset just before its
    # line's first character (a column is ``offset - base``), ``next_start`` where the next
    # line starts. A line break can only be in whitespace, so a token never spans two lines.
    line_count = len(line_starts)
    beyond = len(text) + 1
    line = bisect.bisect_right(line_starts, begin)
    base = line_starts[line - 1] - 1
    next_start = line_starts[line] if line < line_count else beyond
    # The container being filled: a mapping's entries, or a list's items (the other is None;
    # both are None outside the document), the key waiting for its value and that key's span,
    # and where the container opened. ``stack`` holds the enclosing containers' frames.
    stack: list[
        tuple[dict[str, Node] | None, list[Node] | None, str, Span | None, int, int, Span | None]
    ] = []
    entries: dict[str, Node] | None = None
    items: list[Node] | None = None
    key = ""
    key_span: Span | None = root_key_span
    open_line = open_col = 0
    open_key_span: Span | None = None
    state = _VALUE
    start = end = begin
    decoded = ""
    node: Node
    root: Node | None = None
    while True:
        # The usual next step, read in one match; else one token, checked against the state.
        if state == _AFTER_VALUE:
            found = (member_next if items is None else item_next)(text, end, limit)
        elif state == _KEY_OR_CLOSE:
            found = member_first(text, end, limit)
        elif state == _VALUE_OR_CLOSE:
            found = item_first(text, end, limit)
        else:
            found = None
        if found is not None:
            kind: int = found.lastindex  # type: ignore[assignment]
            if kind != _CLOSE:
                if entries is not None:
                    start, end = found.span(1)
                    start -= 1  # the quotes
                    end += 1
                    if start >= next_start:
                        while line < line_count and line_starts[line] <= start:
                            line += 1
                        base = line_starts[line - 1] - 1
                        next_start = line_starts[line] if line < line_count else beyond
                    key = found.group(1)
                    key_span = new_span(span_type, (line, start - base, line, end - base))
                    if key in entries:
                        _duplicate(problems, entries, key, key_span)
                values += 1
                if values > max_values:
                    raise _SyntaxError(found.start(kind), "too many values")
            start, end = found.span(kind)
            if start >= next_start:
                while line < line_count and line_starts[line] <= start:
                    line += 1
                base = line_starts[line - 1] - 1
                next_start = line_starts[line] if line < line_count else beyond
        else:
            found = token(text, end, limit)
            if found is None:
                start = _WHITESPACE.match(text, end, limit).end()  # type: ignore[union-attr]
                if state == _END:
                    if start != limit:
                        raise _SyntaxError(start, "extra data after the document")
                    assert root is not None
                    return root, values, start
                if state <= _VALUE_OR_CLOSE:
                    values += 1
                    if values > max_values:
                        raise _SyntaxError(start, "too many values")
                if state > _KEY_OR_CLOSE or start >= limit or text[start] != '"':
                    _fail(text, start, limit, state, items is not None)
                # A string the pattern refused: the C scanner reads it or says what is wrong.
                decoded, end = _string(text, start)
                kind = _DECODED_STRING
            else:
                kind = found.lastindex  # type: ignore[assignment]
                start, end = found.span(kind)
                if state <= _VALUE_OR_CLOSE and (state == _VALUE or kind != _CLOSE):
                    values += 1
                    if values > max_values:
                        raise _SyntaxError(start, "too many values")
            if start >= next_start:
                while line < line_count and line_starts[line] <= start:
                    line += 1
                base = line_starts[line - 1] - 1
                next_start = line_starts[line] if line < line_count else beyond
            if state >= _KEY:
                # Not where a value may start: a key, a colon, a comma or a closing bracket.
                if state == _END:
                    raise _SyntaxError(start, "extra data after the document")
                if state <= _KEY_OR_CLOSE and kind in (_STRING, _ESCAPED_STRING, _DECODED_STRING):
                    if kind == _STRING:
                        key = text[start + 1 : end - 1]
                    elif kind == _ESCAPED_STRING:
                        key = _string(text, start)[0]
                    else:
                        key = decoded
                    key_span = new_span(span_type, (line, start - base, line, end - base))
                    assert entries is not None
                    if key in entries:
                        _duplicate(problems, entries, key, key_span)
                    state = _COLON_NEXT
                    continue
                if state == _COLON_NEXT and kind == _COLON:
                    state = _VALUE
                    continue
                if state == _AFTER_VALUE and kind == _COMMA:
                    state = _KEY if items is None else _VALUE
                    continue
                if (
                    kind != _CLOSE
                    or (state != _AFTER_VALUE and state != _KEY_OR_CLOSE)
                    or text[start] != ("}" if items is None else "]")
                ):
                    _fail(text, start, limit, state, items is not None)
            elif kind == _CLOSE:
                if state != _VALUE_OR_CLOSE or text[start] != "]":
                    _fail(text, start, limit, state, items is not None)
            elif kind in (_COLON, _COMMA):
                _fail(text, start, limit, state, items is not None)

        # A value's first token or a closing bracket, at a place where it may be.
        if kind == _STRING:
            node = new_node(Scalar)
            node.value = text[start + 1 : end - 1]
            node.span = new_span(span_type, (line, start - base, line, end - base))
            node.key_span = key_span if items is None else None
        elif kind <= _LITERAL:  # a number or a literal
            literal = text[start:end]
            value: str | int | float | bool | None
            if kind == _LITERAL:
                value = _LITERALS[literal]
            else:
                try:
                    value = int(literal)
                except ValueError:  # a fraction, an exponent, or over the digits int() takes
                    value = float(literal)
            node = new_node(Scalar)
            node.value = value
            node.span = new_span(span_type, (line, start - base, line, end - base))
            node.key_span = key_span if items is None else None
        elif kind in (_ESCAPED_STRING, _DECODED_STRING):
            node = new_node(Scalar)
            node.value = _string(text, start)[0] if kind == _ESCAPED_STRING else decoded
            node.span = new_span(span_type, (line, start - base, line, end - base))
            node.key_span = key_span if items is None else None
        elif kind == _CLOSE:
            span = new_span(span_type, (open_line, open_col, line, end - base))
            if items is not None:
                node = Sequence(items, span, open_key_span)
            else:
                assert entries is not None
                node = Mapping(entries, span, open_key_span)
            if stack:
                entries, items, key, key_span, open_line, open_col, open_key_span = stack.pop()
            else:
                entries = items = None
        else:  # an opening bracket
            if entries is not None or items is not None:
                if len(stack) + 1 >= max_depth:
                    raise _SyntaxError(start, "nesting too deep")
                stack.append((entries, items, key, key_span, open_line, open_col, open_key_span))
            elif max_depth <= 0:
                raise _SyntaxError(start, "nesting too deep")
            open_key_span = key_span if items is None else None
            open_line = line
            open_col = start - base
            if kind == _OPEN_MAPPING:
                entries, items = {}, None
                state = _KEY_OR_CLOSE
            else:
                entries, items = None, []
                state = _VALUE_OR_CLOSE
            continue
        # A complete value: into its container, or it is the document.
        if items is not None:
            items.append(node)
        elif entries is not None:
            entries[key] = node
        else:
            root = node
            if not whole:
                return root, values, end
            state = _END
            continue
        state = _AFTER_VALUE


def _duplicate(problems: list[InputProblem], entries: dict[str, Node], key: str, at: Span) -> None:
    """Reports ``key`` repeated at ``at`` and forgets its earlier value: the last one wins,
    in the last one's place."""
    first = entries.pop(key).key_span
    assert first is not None
    problems.append(input_problems.duplicate_key(at, f"key '{key}'", first, _DUPLICATE_CONSEQUENCE))


def _fail(text: str, index: int, limit: int, state: int, in_list: bool) -> NoReturn:
    """Raises the error a reader expecting what ``state`` says finds at ``index``."""
    char = text[index : index + 1] if index < limit else ""
    if state <= _VALUE_OR_CLOSE:
        if not char:
            raise _SyntaxError(index, "unexpected end of input, expecting a value")
        raise _SyntaxError(index, "expecting a value")
    if state <= _KEY_OR_CLOSE:
        if not char:
            raise _SyntaxError(index, "unexpected end of input, expecting a property name")
        raise _SyntaxError(index, "expecting a property name enclosed in double quotes")
    if state == _COLON_NEXT:
        raise _SyntaxError(index, "expecting ':' delimiter")
    if state == _AFTER_VALUE:
        closer = "]" if in_list else "}"
        if not char:
            raise _SyntaxError(index, f"unexpected end of input, expecting '{closer}'")
        raise _SyntaxError(index, f"expecting ',' or '{closer}'")
    raise _SyntaxError(index, "extra data after the document")


def _string(text: str, index: int) -> tuple[str, int]:
    """The string whose opening quote is at ``index``, and the offset after it."""
    try:
        value, end = scanstring(text, index + 1, True)
    except ValueError as error:
        position = getattr(error, "pos", index)
        message = getattr(error, "msg", "invalid string").removesuffix(" at")
        # "Unterminated string starting at": the position says where it starts.
        message = message.removesuffix(" starting")
        raise _SyntaxError(position, message[0].lower() + message[1:]) from None
    return value, end
