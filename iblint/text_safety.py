"""Text from a checked file, made safe to show in a terminal, a CI log or a report.

A checked file is untrusted input: a value or a file name may hold a line break (which would
start a forged output line, or a GitHub workflow command such as ``::warning``), an escape
sequence that drives the terminal, a bidirectional control that reorders what is displayed
(Trojan Source, CVE-2021-42574), a lone surrogate that no encoder accepts, or a million
characters. Two layers keep that out of the output:

- checks show a value with :func:`shown` (bounded, quoted, escaped like ``repr``) or, for a
  bare literal, :func:`clipped` and :func:`escaped`;
- every reporter passes each message, fix and displayed path through :func:`printable` (or
  :func:`escaped` for paths), whatever the checks did.

Escapes follow Python's: ``\\n``, ``\\r``, ``\\t``, ``\\xNN`` up to U+00FF, ``\\uNNNN`` above.
A file name byte that is not UTF-8 (decoded with ``surrogateescape`` as U+DC80-U+DCFF) shows as
the byte, ``\\xff``. A backslash is not doubled: the escapes make output safe, not reversible,
and values that must read unambiguously go through :func:`shown`, which quotes them as
``repr`` does (a backslash in the value shows as ``\\\\`` there).
"""

from __future__ import annotations

import re

#: The most characters of a message or a fix a reporter shows: a last line of defence, far
#: above any message iblint writes (checks bound the values they quote with :func:`shown`).
MESSAGE_LIMIT = 4000
#: The most characters of a value :func:`shown` quotes.
SHOWN_LIMIT = 40

#: C0 controls, DEL, C1 controls, the Arabic letter mark, LRM/RLM, the line and paragraph
#: separators, the bidi embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069),
#: and surrogates (which only a decoding error or a JSON ``\\ud800`` escape can produce). Kept
#: as text, compiled by ``re`` when first needed: printable ASCII, most text, never needs it.
_UNSAFE = r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
_SURROGATES = r"[\ud800-\udfff]"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ELLIPSIS = "\u2026"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that surrogateescape could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(text: str) -> str:
    """``text`` with every character that could break a line, drive a terminal, reorder the
    display or fail to encode replaced by its escape (``\\n``, ``\\x1b``, ``\\u202e``, ``\\xff``
    for an undecodable file-name byte). Everything else, non-ASCII letters included, is kept."""
    if text.isascii() and text.isprintable():  # what _UNSAFE matches in ASCII is unprintable
        return text
    return re.sub(_UNSAFE, _escape, text)


def without_surrogates(text: str) -> str:
    """``text`` with only its lone surrogates escaped (as :func:`escaped` does): valid Unicode
    for a format that escapes the rest itself, such as JSON."""
    return text if text.isascii() else re.sub(_SURROGATES, _escape, text)


def clipped(text: str, limit: int) -> str:
    """``text`` itself when it is at most ``limit`` characters, else its first ``limit``
    characters, an ellipsis and the total length: ``abcd… (12,345 characters)``. Nothing is
    escaped."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}{_ELLIPSIS} ({len(text):,} characters)"


def printable(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """What a reporter shows of a message or a fix: bounded, then escaped."""
    return escaped(clipped(text, limit))


def shown(value: str, limit: int = SHOWN_LIMIT) -> str:
    """A value from a checked file, as a message quotes it: ``repr`` when it is at most
    ``limit`` characters (``'optional'``), else a quoted prefix with the total length
    (``'abcd…' (12,345 characters)``). Escaped as ``repr`` escapes, so never more than about
    ``10 * limit`` characters, and safe to print."""
    if len(value) <= limit:
        return escaped(repr(value))
    prefix = repr(value[:limit])
    return f"{escaped(prefix[:-1])}{_ELLIPSIS}{prefix[-1]} ({len(value):,} characters)"
