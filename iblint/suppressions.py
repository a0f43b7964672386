"""Inline suppressions: ``# iblint: ignore`` (every rule) or ``# iblint: ignore IB101, IB2``
on the line a finding points at. Works in YAML and Terraform comments; JSON has none.

Only a real comment counts: a ``#`` (in Terraform also ``//`` or ``/*``) at the start of the
line or after whitespace, outside any quoted string on that line. ``iblint: ignore`` inside a
string value (a description, a component's inline document) suppresses nothing.
"""

from __future__ import annotations

import re

from iblint.model import Finding

#: Lines end as a reader counts them (finding positions do the same); ``str.splitlines`` would
#: also break at form feeds and Unicode separators and shift every later line number.
_LINE_BREAK = re.compile(r"\r\n?|\n")
#: ``iblint: ignore`` alone (every rule), or followed by rule IDs or prefixes and then, if
#: wanted, a reason: ``# iblint: ignore IB101, IB2 legacy AMI``. Anything else after
#: ``ignore`` (``ignored``, ``ignore because``, ``ignore W202``, ``ignore IB1011``) is not a
#: suppression: a typo must not silence every rule on the line.
#: Every quantifier is possessive (``*+``): two runs of optional blanks side by side would
#: otherwise backtrack over each other, quadratic in a long run of spaces.
_SUPPRESSION = re.compile(
    r"iblint:[ \t]*+ignore"
    r"(?:[ \t]*+(?:\*/)?+[ \t]*+$"
    r"|[ \t]*+[=:]?+[ \t]*+"
    r"(?P<ids>IB[0-9]{1,3}+(?:[ \t]*+,[ \t]*+IB[0-9]{1,3}+)*+)(?=[ \t]|\*/|$))",
    re.IGNORECASE,
)
#: What may come right before a YAML single-quoted scalar; elsewhere ``'`` is an apostrophe.
_SINGLE_QUOTE_OPENERS = " \t:[{,-?"


def find_suppressions(text: str, hcl: bool = False) -> dict[int, frozenset[str]]:
    """Line number to the rule prefixes suppressed on it (empty set: every rule).

    ``hcl``: the text is Terraform, whose comments also start with ``//`` and ``/*``.
    """
    if "iblint" not in text.lower():
        return {}
    suppressions: dict[int, frozenset[str]] = {}
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if "iblint" not in line.lower():
            continue
        start = _comment_start(line, hcl)
        if start < 0:
            continue
        match = _SUPPRESSION.search(line, start)
        if match:
            ids = match.group("ids")
            suppressions[number] = (
                frozenset(part.strip().upper() for part in ids.split(",")) if ids else frozenset()
            )
    return suppressions


def _comment_start(line: str, hcl: bool) -> int:
    """Where the line's comment starts, or -1: the first comment marker at the line start or
    after whitespace that is not inside a quoted string."""
    quote = ""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                if quote == "'" and line[index + 1 : index + 2] == "'":
                    index += 2  # '' is a quote inside a single-quoted YAML scalar
                    continue
                quote = ""
            index += 1
            continue
        after_space = index == 0 or line[index - 1] in " \t"
        if after_space and (char == "#" or (hcl and line.startswith(("//", "/*"), index))):
            return index
        opens_single = not hcl and (index == 0 or line[index - 1] in _SINGLE_QUOTE_OPENERS)
        if char == '"' or (char == "'" and opens_single):
            quote = char
        index += 1
    return -1


def is_suppressed(finding: Finding, suppressions: dict[int, frozenset[str]]) -> bool:
    prefixes = suppressions.get(finding.span.start_line)
    if prefixes is None:
        return False
    return not prefixes or any(finding.rule_id.startswith(prefix) for prefix in prefixes)
