"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from typing import TextIO

from iblint.model import Finding, Severity
from iblint.reporters import ReportContext

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    for finding in findings:
        span = finding.span
        properties = ",".join(
            [
                f"file={_escape_property(finding.path)}",
                f"line={span.start_line}",
                f"col={span.start_col}",
                f"endLine={span.end_line}",
                f"endColumn={span.end_col}",
                f"title={_escape_property(f'{finding.rule_id} {finding.rule_name}')}",
            ]
        )
        message = _escape_data(f"{finding.message}. Fix: {finding.fix}")
        stream.write(f"::{_COMMANDS[finding.severity]} {properties}::{message}\n")
