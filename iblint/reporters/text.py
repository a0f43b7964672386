"""Human output: ``path:line:col: IB101 message [error]``, the source line with a caret under
the span (``show_source``), the fix, the rule's documentation, then a summary.

Paths, messages, fixes and source lines are escaped and bounded (:mod:`iblint.text_safety`):
whatever a checked file holds, each finding takes a fixed number of lines and no escape
sequence but iblint's own colours reaches the terminal.
"""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from iblint.model import Finding, Severity
from iblint.reporters import ReportContext
from iblint.rule_urls import rule_url
from iblint.text_safety import escaped, printable

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTE: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
#: The most characters of a source line shown; a longer line is shown around the span.
SOURCE_WIDTH = 120
_BEFORE_SPAN = 40
_ELLIPSIS = "\u2026"


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if context.color else text

    sources = _Sources(context)
    shown = list(findings)
    if context.show_suppressed and context.suppressed:
        shown = sorted([*findings, *context.suppressed], key=lambda finding: finding.sort_key)
    for finding in shown:
        location = f"{escaped(finding.path)}:{finding.span.start_line}:{finding.span.start_col}:"
        color = _COLORS[finding.severity]
        rule = paint(escaped(finding.rule_id), _BOLD + color)
        note = ""
        if finding.justification is not None:
            reason = printable(finding.justification) or "no reason given"
            note = f" {paint('(suppressed: ' + reason + ')', _DIM)}"
        severity = paint(f"[{finding.severity.value}]", color)
        stream.write(
            f"{paint(location, _BOLD)} {rule} {printable(finding.message)} {severity}{note}\n"
        )
        if context.show_source:
            for line in _frame(finding, sources.line(finding.path, finding.span.start_line)):
                gutter, text, caret = line
                stream.write(f"{paint(gutter, _DIM)}{text}{paint(caret, _BOLD + color)}\n")
        fixable = " (--fix applies it)" if finding.edits else ""
        stream.write(f"    {paint('fix:', _DIM)} {printable(finding.fix)}{fixable}\n")
        stream.write(f"    {paint('docs:', _DIM)} {rule_url(finding.rule_id)}\n")
    if not context.quiet:
        stream.write(summary(findings, context.files_checked, context) + "\n")


def summary(
    findings: list[Finding], files_checked: int, context: ReportContext | None = None
) -> str:
    files = f"{files_checked} file{'s' if files_checked != 1 else ''} checked"
    extra = ""
    if context is not None:
        notes = []
        if context.suppressed:
            notes.append(f"{len(context.suppressed)} suppressed")
        if context.baselined:
            notes.append(f"{context.baselined} in the baseline")
        if notes:
            extra = f"; {', '.join(notes)}"
    if not findings:
        return f"No findings ({files}{extra})."
    counts = []
    for severity in Severity:
        count = sum(1 for finding in findings if finding.severity is severity)
        if count:
            counts.append(f"{count} {severity.value}{'s' if count != 1 else ''}")
    affected = len({finding.path for finding in findings})
    total = len(findings)
    return (
        f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(counts)}) in "
        f"{affected} file{'s' if affected != 1 else ''} ({files}{extra})."
    )


def statistics(findings: list[Finding], fixable: frozenset[str] = frozenset()) -> list[str]:
    """``--statistics``: one line a rule, ``COUNT  ID  name``, most frequent first (then by
    ID); ``[*]`` marks a rule whose findings ``--fix`` can fix."""
    counts = Counter(finding.rule_id for finding in findings)
    names = {finding.rule_id: finding.rule_name for finding in findings}
    fixed = {finding.rule_id for finding in findings if finding.edits} | (fixable & set(counts))
    width = len(str(max(counts.values()))) if counts else 1
    return [
        f"{count:>{width}}  {rule_id}  {'[*] ' if rule_id in fixed else ''}{escaped(names[rule_id])}"
        for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


class _Sources:
    """The lines of the files findings point into, read once each (bounded, as the checks
    read them); a file that cannot be read shows no source. Findings come sorted by file, so
    only the current file's lines are kept: memory stays flat in the number of files."""

    def __init__(self, context: ReportContext) -> None:
        self.context = context
        self.path: str | None = None
        self.lines: list[str] | None = None

    def line(self, path: str, number: int) -> str | None:
        if path != self.path:
            self.path, self.lines = path, self._read(path)
        lines = self.lines
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]

    def _read(self, path: str) -> list[str] | None:
        from iblint.syntax.positions import split_lines

        text = self.context.sources.get(path)
        if text is None:
            from iblint.reading import read_text

            read = read_text(path, self.context.max_file_bytes)
            text = read if isinstance(read, str) else None
        if text is None:
            return None
        return split_lines(text.removeprefix("\ufeff"))


def _frame(finding: Finding, line: str | None) -> list[tuple[str, str, str]]:
    """The source line and the caret line under it, as (gutter, text, caret) triples."""
    if line is None:
        return []
    span = finding.span
    start = max(span.start_col - 1, 0)
    if start > len(line):
        return []
    end = span.end_col - 1 if span.end_line == span.start_line else len(line)
    end = min(max(end, start + 1), len(line) + 1)
    window_start = 0
    if len(line) > SOURCE_WIDTH:
        window_start = max(0, min(start - _BEFORE_SPAN, len(line) - SOURCE_WIDTH))
    window_end = window_start + SOURCE_WIDTH
    prefix = _ELLIPSIS if window_start > 0 else ""
    suffix = _ELLIPSIS if window_end < len(line) else ""
    before = escaped(line[window_start:start])
    marked = escaped(line[start : min(end, window_end)]) or " "
    after = escaped(line[min(end, window_end) : window_end])
    number = str(span.start_line)
    gutter = f" {number} | "
    blank = f" {' ' * len(number)} | "
    text = f"{prefix}{before}{marked}{after}{suffix}".rstrip()
    caret = " " * (len(prefix) + len(before)) + "^" * max(1, min(len(marked), SOURCE_WIDTH))
    return [(gutter, text, ""), (blank, "", caret)]
