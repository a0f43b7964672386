"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

One line per finding, whatever the checked file holds: messages, fixes and paths are escaped
and bounded (:mod:`iblint.text_safety`), so no value can end the command and start another
(``::warning``, ``::stop-commands``), then encoded as the runner expects (``%``, CR and LF in
data; also ``:`` and ``,`` in properties). Paths are relative to the repository root, as
GitHub resolves annotations, so they land when the step ran iblint in a subdirectory.
"""

from __future__ import annotations

from typing import TextIO

from iblint.model import Finding, Severity
from iblint.reporters import ReportContext, message_and_fix
from iblint.reporters.locations import SourceRoot
from iblint.text_safety import escaped

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    root = SourceRoot()
    for finding in findings:
        span = finding.span
        path = escaped(root.display(finding.path))
        title = escaped(f"{finding.rule_id} {finding.rule_name}")
        properties = ",".join(
            [
                f"file={_escape_property(path)}",
                f"line={span.start_line}",
                f"col={span.start_col}",
                f"endLine={span.end_line}",
                f"endColumn={span.end_col}",
                f"title={_escape_property(title)}",
            ]
        )
        message = _escape_data(message_and_fix(finding))
        stream.write(f"::{_COMMANDS[finding.severity]} {properties}::{message}\n")
