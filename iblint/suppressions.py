"""Inline suppressions: ``# iblint: ignore`` (every rule) or ``# iblint: ignore IB101, IB2``
on the line a finding points at. Works in YAML and Terraform comments; JSON has none."""

from __future__ import annotations

import re

from iblint.model import Finding

#: Lines end as a reader counts them (finding positions do the same); ``str.splitlines`` would
#: also break at form feeds and Unicode separators and shift every later line number.
_LINE_BREAK = re.compile(r"\r\n?|\n")
_SUPPRESSION = re.compile(
    r"iblint:\s*ignore(?:[ \t]*[=:]?[ \t]*(?P<ids>IB[0-9]{0,3}(?:[ \t]*,[ \t]*IB[0-9]{0,3})*))?",
    re.IGNORECASE,
)


def find_suppressions(text: str) -> dict[int, frozenset[str]]:
    """Line number to the rule prefixes suppressed on it (empty set: every rule)."""
    if "iblint" not in text:
        return {}
    suppressions: dict[int, frozenset[str]] = {}
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        match = _SUPPRESSION.search(line)
        if match:
            ids = match.group("ids")
            suppressions[number] = (
                frozenset(part.strip().upper() for part in ids.split(",")) if ids else frozenset()
            )
    return suppressions


def is_suppressed(finding: Finding, suppressions: dict[int, frozenset[str]]) -> bool:
    prefixes = suppressions.get(finding.span.start_line)
    if prefixes is None:
        return False
    return not prefixes or any(finding.rule_id.startswith(prefix) for prefix in prefixes)
