"""Character offsets to the 1-based line and column a reader of the file sees.

Lines end at LF, CRLF or a lone CR, as in editors, GitHub and SARIF. YAML 1.1 also breaks lines
at NEL, LS and PS (U+0085, U+2028, U+2029); a position taken from the YAML parser's own line
count would point below the real line after one of those, so YAML positions go through this
table whenever the text holds one. Columns count code points (SARIF ``unicodeCodePoints``).
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, count
from operator import add

from iblint.model import Span

_LINE_BREAK = re.compile(r"\r\n?|\n")
#: Texts up to this length are split into lines to find where they start (faster than
#: searching, but a copy of the text).
_SPLIT_LENGTH = 1 << 20
#: Characters YAML takes for line breaks and readers do not.
YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks (LF, CRLF or a lone CR), as
    ``re.split(r"\\r\\n?|\\n", text)`` gives them; split in C, not by the pattern (which
    steps through a plan's one line of megabytes a character at a time)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def find_line_starts(text: str) -> list[int]:
    """Where each line of ``text`` starts: 0, and the offset after each line break."""
    if "\r" in text:
        starts = [0]
        starts.extend(match.end() for match in _LINE_BREAK.finditer(text))
        return starts
    if len(text) <= _SPLIT_LENGTH:
        # LF only, the usual case: the offsets summed in C, without a Python step per line.
        lines = text.split("\n")
        lines.pop()  # the text after the last break starts no further line
        return [0, *map(add, accumulate(map(len, lines)), count(1))]
    # A large text (a plan is one line of megabytes): found in place, not copied line by line.
    starts = [0]
    find = text.find
    found = find("\n")
    while found >= 0:
        found += 1
        starts.append(found)
        found = find("\n", found)
    return starts


class LineTable:
    """Turns string offsets into 1-based line and column numbers."""

    __slots__ = ("length", "line_starts", "text")

    def __init__(self, text: str, line_starts: list[int] | None = None) -> None:
        """``line_starts``: where each line of ``text`` starts, when the caller has them."""
        self.text = text
        self.length = len(text)
        self.line_starts = find_line_starts(text) if line_starts is None else line_starts

    def at(self, offset: int) -> tuple[int, int]:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        starts = self.line_starts
        if 0 <= start <= end <= self.length:
            # The common case, on the parsers' hot path: a token on one line.
            line = bisect.bisect_right(starts, start) - 1
            line_start = starts[line]
            if line + 1 == len(starts) or end < starts[line + 1]:
                return Span(line + 1, start - line_start + 1, line + 1, end - line_start + 1)
        start_line, start_col = self.at(start)
        end_line, end_col = self.at(end)
        return Span(start_line, start_col, end_line, end_col)

    def point(self, offset: int) -> Span:
        """A one-character span at ``offset`` for a problem found there.

        The end of a text that ends with a line break is on a line no reader sees (GitHub
        cannot place an alert there); such a position moves back to the end of the last line.
        """
        at_end_after_break = len(self.line_starts) > 1 and self.line_starts[-1] == self.length
        if offset >= self.length and at_end_after_break:
            last_start = self.line_starts[-2]
            line_text = self.text[last_start : self.line_starts[-1]].rstrip("\r\n")
            line = len(self.line_starts) - 1
            column = len(line_text) + 1
            return Span(line, column, line, column + 1)
        line, column = self.at(offset)
        return Span(line, column, line, column + 1)
