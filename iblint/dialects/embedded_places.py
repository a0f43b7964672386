"""Where the characters of a document embedded in another file are in that file
(:mod:`iblint.dialects.embedded`): each form the text can be written in (a YAML literal block
or heredoc, a quoted string with escapes) gives a map from a span of the embedded text to the
span of the outer file, and the parsed document is copied into place through it.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Callable

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.positions import LineTable

#: Maps a span of the embedded text to the span of the outer file.
SpanMap = Callable[[Span], Span]

_FIRST_AT = re.compile(r"\(first at (\d+):(\d+)\)")
#: Escapes of one character, the union of JSON's, YAML's and HCL's (each source is checked
#: against its parser's own value, so one syntax's escape cannot pass for another's).
_SIMPLE_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "0": "\0",
    "a": "\a",
    "v": "\v",
    "e": "\x1b",
    " ": " ",
    "\t": "\t",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
#: Runs of characters that stand for themselves in a quoted string, by (quote, HCL): all but
#: the quote, a line break, and what may start an escape.
_ORDINARY = {
    ('"', False): re.compile(r'[^"\\\r\n]+'),
    ('"', True): re.compile(r'[^"\\\r\n$%]+'),
    ("'", False): re.compile(r"[^'\r\n]+"),
    ("'", True): re.compile(r"[^'\r\n$%]+"),
}


def moved_problem(problem: InputProblem, span_map: SpanMap) -> InputProblem:
    message = problem.message

    def first(match: re.Match[str]) -> str:
        line, column = int(match.group(1)), int(match.group(2))
        moved = span_map(Span(line, column, line, column))
        return f"(first at {moved.start_line}:{moved.start_col})"

    message = _FIRST_AT.sub(first, message)
    prefix = "in the embedded component document: "
    return problem._replace(span=span_map(problem.span), message=prefix + message)


def placed_copy(root: Node, span_map: SpanMap) -> Node:
    """A copy of ``root`` placed in the outer file, ``root`` left as parsed (to be placed
    again where the same text is written again); a node reached twice is copied once, and
    reached twice in the copy."""
    copies: dict[int, Node] = {}
    made: list[tuple[Node, Node]] = []
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in copies:
            continue
        span = span_map(node.span)
        key_span = span_map(node.key_span) if node.key_span is not None else None
        placed: Node
        if isinstance(node, Mapping):
            placed = Mapping({}, span, key_span, node.source_names)
            pending.extend(node.entries.values())
        elif isinstance(node, Sequence):
            placed = Sequence([], span, key_span)
            pending.extend(node.items)
        elif type(node) is Scalar:
            placed = Scalar(node.value, span, key_span)
        else:  # an expression in an encoder's object (Unknown), which holds no other node
            placed = copy.copy(node)
            placed.span, placed.key_span = span, key_span
        copies[id(node)] = placed
        made.append((node, placed))
    for node, placed in made:
        if isinstance(node, Mapping) and isinstance(placed, Mapping):
            placed.entries = {key: copies[id(value)] for key, value in node.entries.items()}
        elif isinstance(node, Sequence) and isinstance(placed, Sequence):
            placed.items = [copies[id(item)] for item in node.items]
    return copies[id(root)]


# Where the text of a string value stands in the file ------------------------------------------


def string_map(node: Scalar, value: str, lines: LineTable, hcl: bool) -> SpanMap | None:
    """How positions of ``value`` map to the file (``lines``' text), if ``node``'s source text
    rebuilds it exactly; else ``None``."""
    span = node.span
    text = lines.text
    if span.start_line > len(lines.line_starts):
        return None
    start = lines.line_starts[span.start_line - 1] + span.start_col - 1
    if not 0 <= start < len(text):
        return None
    first = text[start]
    if first == '"' or (first == "'" and not hcl):
        return _quoted_map(value, text, start, span.start_line, span.start_col, hcl)
    if (first == "|" and not hcl) or (hcl and text.startswith("<<", start)):
        return _block_map(value, lines, span.start_line)
    plain = not hcl and first not in "'\">|&*!" and "\n" not in value
    if plain and text.startswith(value, start):  # a plain scalar on one line, as written
        return _shifted(span.start_line, span.start_col - 1)
    return None


def _shifted(line: int, shift: int) -> SpanMap:
    def moved(span: Span) -> Span:
        return Span(line, span.start_col + shift, line, span.end_col + shift)

    return moved


def _block_map(value: str, lines: LineTable, header_line: int) -> SpanMap | None:
    """A YAML literal block or an HCL heredoc: line ``k`` of the value is line
    ``header_line + k`` of the file, every line shifted by the same indentation."""
    value_lines = value.split("\n")
    text, starts = lines.text, lines.line_starts
    shift: int | None = None
    for index, value_line in enumerate(value_lines):
        if not value_line:
            continue
        number = header_line + index  # 0-based index of the file line
        if number >= len(starts):
            return None
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        source_line = text[starts[number] : end].rstrip("\r\n")
        if shift is None:
            shift = len(source_line) - len(value_line)
            if shift < 0:
                return None
        if source_line[shift:] != value_line or source_line[:shift].strip(" \t"):
            return None
    if shift is None:
        shift = 0
    first_line = header_line + 1

    def moved(span: Span) -> Span:
        assert shift is not None
        return Span(
            first_line + span.start_line - 1,
            span.start_col + shift,
            first_line + span.end_line - 1,
            span.end_col + shift,
        )

    return moved


def _quoted_map(
    value: str, text: str, start: int, line: int, column: int, hcl: bool
) -> SpanMap | None:
    """A quoted string on one line: ``column`` is its opening quote's. The decoded text is
    rebuilt from the source, recording where each escape makes the two drift apart."""
    quote = text[start]
    index = start + 1
    decoded: list[str] = []
    #: The pieces in ``decoded`` so far: a character, or an escape however long it decodes
    #: to (the offsets below count them so).
    pieces = 0
    #: Decoded offsets from which the source runs ``extra`` characters ahead.
    breaks: list[int] = []
    extras: list[int] = []
    extra = 0
    length = len(text)
    ordinary = _ORDINARY[quote, hcl].match
    while index < length:
        run = ordinary(text, index)
        if run is not None:  # characters that stand for themselves, taken at once
            end = run.end()
            decoded.append(text[index:end])
            pieces += end - index
            index = end
            continue
        char = text[index]
        produced: str | None
        if char in "\r\n":
            return None  # a string over several lines: folded, not placed exactly
        if char == quote:
            if not (quote == "'" and text.startswith("''", index)):
                break
            produced, width = "'", 2
        elif quote == '"' and char == "\\":
            produced, width = _escape(text, index)
            if produced is None:
                return None
        elif hcl and (text.startswith("$${", index) or text.startswith("%%{", index)):
            produced, width = text[index + 1 : index + 3], 3
        else:
            decoded.append(char)
            pieces += 1
            index += 1
            continue
        # An escape: ``width`` characters of source for ``produced``.
        decoded.append(produced)
        pieces += 1
        extra += width - len(produced)
        breaks.append(pieces)
        extras.append(extra)
        index += width
    else:
        return None
    rebuilt = "".join(decoded)
    if rebuilt != value:
        return None
    starts = LineTable(value).line_starts
    last = len(starts)
    first_column = column + 1
    bisect_right = bisect.bisect_right

    def moved(span: Span) -> Span:
        begin = starts[min(span.start_line, last) - 1] + span.start_col - 1
        end = max(starts[min(span.end_line, last) - 1] + span.end_col - 1, begin)
        position = bisect_right(breaks, begin) - 1
        begin_column = first_column + begin + (extras[position] if position >= 0 else 0)
        position = bisect_right(breaks, end) - 1
        end_column = first_column + end + (extras[position] if position >= 0 else 0)
        return Span(line, begin_column, line, end_column)

    return moved


def _escape(text: str, index: int) -> tuple[str | None, int]:
    """The character a backslash escape at ``index`` stands for, and its source width."""
    code = text[index + 1 : index + 2]
    simple = _SIMPLE_ESCAPES.get(code)
    if simple is not None:
        return simple, 2
    digits = _HEX_ESCAPES.get(code)
    if digits is None:
        return None, 0
    hexa = text[index + 2 : index + 2 + digits]
    if len(hexa) != digits or any(c not in "0123456789abcdefABCDEF" for c in hexa):
        return None, 0
    value = int(hexa, 16)
    width = 2 + digits
    if 0xD800 <= value <= 0xDBFF and text.startswith("\\u", index + width):
        low_digits = text[index + width + 2 : index + width + 6]
        if len(low_digits) == 4 and all(c in "0123456789abcdefABCDEF" for c in low_digits):
            low = int(low_digits, 16)
            if 0xDC00 <= low <= 0xDFFF:
                combined = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                return chr(combined), width + 6
    if value > 0x10FFFF:
        return None, 0
    return chr(value), width


# Terraform yamlencode({...}) ------------------------------------------------------------------
