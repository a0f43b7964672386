"""Where lines start, and where a quoted string's characters stand, found faster but the same.

:func:`iblint.syntax.positions.find_line_starts` sums line lengths in C (or searches a large
text in place) instead of matching every line break; the original regular expression is the
reference. :func:`iblint.dialects.embedded_places._quoted_map` takes runs of ordinary characters at
once; the character-by-character loop it replaced is the reference, on hypothesis-made values
written as JSON, YAML single- and double-quoted and HCL strings (escapes of every kind, doubled
quotes, ``$${``, line breaks, text that does not rebuild the value).
"""

from __future__ import annotations

import bisect
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.dialects import embedded_places
from iblint.dialects.embedded_places import SpanMap, _escape
from iblint.model import Span
from iblint.syntax import positions
from iblint.syntax.positions import LineTable

EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_LINE_BREAK = re.compile(r"\r\n?|\n")


def _line_starts(text: str) -> list[int]:
    """Where lines start, as the table found them before."""
    starts = [0]
    starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
    return starts


@FUZZ
@given(st.text(alphabet="ab \n\r\t\u2028\x85\x0b\x0c", max_size=60))
def test_split_lines(text: str) -> None:
    """The text reporter's source lines: what splitting by the pattern gave."""
    assert positions.split_lines(text) == _LINE_BREAK.split(text)


@FUZZ
@given(st.text(alphabet="ab \n\r\t\u2028\x85", max_size=60))
def test_line_starts(text: str) -> None:
    assert positions.find_line_starts(text) == _line_starts(text)
    assert LineTable(text).line_starts == _line_starts(text)


@pytest.mark.parametrize("text", ["", "\n", "a", "a\n", "\n\n\nb", "ab\ncd\n\nx", "x\r\ny\n"])
def test_line_starts_of_a_large_text(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Searched in place rather than split, as a plan of megabytes is."""
    monkeypatch.setattr(positions, "_SPLIT_LENGTH", 0)
    assert positions.find_line_starts(text) == _line_starts(text)


def _quoted_map(
    value: str, text: str, start: int, line: int, column: int, hcl: bool
) -> SpanMap | None:
    """:func:`iblint.dialects.embedded_places._quoted_map` as it was."""
    quote = text[start]
    index = start + 1
    decoded: list[str] = []
    breaks: list[int] = []
    extras: list[int] = []
    extra = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "\r\n":
            return None
        if char == quote:
            if quote == "'" and text.startswith("''", index):
                decoded.append("'")
                extra += 1
                breaks.append(len(decoded))
                extras.append(extra)
                index += 2
                continue
            break
        if quote == '"' and char == "\\":
            produced, width = _escape(text, index)
            if produced is None:
                return None
            decoded.append(produced)
            extra += width - len(produced)
            breaks.append(len(decoded))
            extras.append(extra)
            index += width
            continue
        if hcl and (text.startswith("$${", index) or text.startswith("%%{", index)):
            decoded.append(text[index + 1 : index + 3])
            extra += 1
            breaks.append(len(decoded))
            extras.append(extra)
            index += 3
            continue
        decoded.append(char)
        index += 1
    else:
        return None
    rebuilt = "".join(decoded)
    if rebuilt != value:
        return None
    value_lines = LineTable(value)

    def column_of(offset: int) -> int:
        position = bisect.bisect_right(breaks, offset) - 1
        return column + 1 + offset + (extras[position] if position >= 0 else 0)

    def moved(span: Span) -> Span:
        starts = value_lines.line_starts
        begin = starts[min(span.start_line, len(starts)) - 1] + span.start_col - 1
        end = starts[min(span.end_line, len(starts)) - 1] + span.end_col - 1
        return Span(line, column_of(begin), line, column_of(max(end, begin)))

    return moved


_YAML_ESCAPES = {"\n": "\\n", "\t": "\\t", "\x1b": "\\e", "\x85": "\\N", "\xa0": "\\_"}


def _written(value: str, how: str, variant: int) -> str:
    """``value`` as a quoted string of one kind (``variant`` picks among equivalent forms)."""
    if how == "json":
        return json.dumps(value, ensure_ascii=variant % 2 == 0)
    if how == "single":
        return "'" + value.replace("'", "''") + "'"
    if how == "hcl":
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return '"' + escaped.replace("${", "$${").replace("%{", "%%{") + '"'
    out = []
    for character in value:  # YAML double-quoted, with its own escapes
        if character in _YAML_ESCAPES and variant % 3:
            out.append(_YAML_ESCAPES[character])
        elif character in '"\\':
            out.append("\\" + character)
        elif ord(character) > 0xFFFF or (variant % 3 == 2 and ord(character) > 0x7E):
            out.append(
                f"\\U{ord(character):08x}"
                if ord(character) > 0xFFFF
                else f"\\u{ord(character):04X}"
            )
        elif character == "\n":
            out.append("\\n")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def _spans(value: str) -> list[Span]:
    """Spans inside ``value`` and just past it, as the embedded parser gives them."""
    starts = LineTable(value).line_starts
    found = []
    for line, start in enumerate(starts, 1):
        end = starts[line] if line < len(starts) else len(value) + 1
        for column in range(1, end - start + 2):
            found.append(Span(line, column, line, column + 1))
            found.append(Span(1, 1, line, column))
    return found


@FUZZ
@given(
    st.text(alphabet="ab'\"\\$%{}\n\t\x1b\x85\xa0é\U0001f600", max_size=12),
    st.sampled_from(["json", "single", "double", "hcl"]),
    st.integers(0, 5),
    st.sampled_from(["", "x: ", "  - "]),
    st.sampled_from(["", "\n", " # tail\n", "'"]),
)
def test_quoted_map(value: str, how: str, variant: int, before: str, after: str) -> None:
    written = _written(value, how, variant)
    text = before + written + after
    start = len(before)
    hcl = how == "hcl"
    for mutated in (text, text[:-2] if len(text) > start + 2 else text):
        expected = _quoted_map(value, mutated, start, 3, start + 1, hcl)
        actual = embedded_places._quoted_map(value, mutated, start, 3, start + 1, hcl)
        assert (actual is None) == (expected is None), (value, mutated)
        if actual is not None and expected is not None:
            for span in _spans(value):
                assert actual(span) == expected(span), (value, mutated, span)
