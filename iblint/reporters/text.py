"""Human output: ``path:line:col: IB101 message``, the fix below it, then a summary.

Paths, messages and fixes are escaped and bounded (:mod:`iblint.text_safety`): whatever a
checked file holds, each finding is exactly two lines and no escape sequence but iblint's own
colours reaches the terminal.
"""

from __future__ import annotations

from typing import TextIO

from iblint.model import Finding, Severity
from iblint.reporters import ReportContext
from iblint.text_safety import escaped, printable

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTE: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if context.color else text

    for finding in findings:
        location = f"{escaped(finding.path)}:{finding.span.start_line}:{finding.span.start_col}:"
        rule = paint(escaped(finding.rule_id), _BOLD + _COLORS[finding.severity])
        stream.write(f"{paint(location, _BOLD)} {rule} {printable(finding.message)}\n")
        stream.write(f"    {paint('fix:', _DIM)} {printable(finding.fix)}\n")
    stream.write(summary(findings, context.files_checked) + "\n")


def summary(findings: list[Finding], files_checked: int) -> str:
    files = f"{files_checked} file{'s' if files_checked != 1 else ''} checked"
    if not findings:
        return f"No findings ({files})."
    counts = []
    for severity in Severity:
        count = sum(1 for finding in findings if finding.severity is severity)
        if count:
            counts.append(f"{count} {severity.value}{'s' if count != 1 else ''}")
    affected = len({finding.path for finding in findings})
    total = len(findings)
    return (
        f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(counts)}) in "
        f"{affected} file{'s' if affected != 1 else ''} ({files})."
    )
