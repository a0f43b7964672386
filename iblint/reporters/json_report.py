"""Machine-readable output: one JSON document with every finding and a summary.

ASCII only (JSON escapes every control and non-ASCII character). Messages and fixes are the
escaped, bounded text the other formats show; paths are as found, but for the bytes of a file
name that is not UTF-8, shown as ``\\xff`` so that the document is valid Unicode.
"""

from __future__ import annotations

import json
from typing import TextIO

from iblint import __version__
from iblint.logical_paths import joined
from iblint.model import Finding
from iblint.reporters import ReportContext
from iblint.rule_urls import rule_url
from iblint.text_safety import printable, without_surrogates


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    document = {
        "tool": {"name": "iblint", "version": __version__},
        "files_checked": context.files_checked,
        "findings": [_entry(finding) for finding in findings],
        # Findings a suppression hides, each with its reason: not counted as findings.
        "suppressed": [
            {**_entry(finding), "justification": printable(finding.justification or "")}
            for finding in context.suppressed
        ],
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")


def _entry(finding: Finding) -> dict[str, object]:
    return {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.value,
        "path": without_surrogates(finding.path),
        "start_line": finding.span.start_line,
        "start_column": finding.span.start_col,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_col,
        "message": printable(finding.message),
        "fix": printable(finding.fix),
        # Where it is without line numbers (what the baseline records), escaped as the message.
        "logical_path": printable(joined(finding.logical_path)),
        "fixable": bool(finding.edits),
        "docs_url": rule_url(finding.rule_id),
    }
