"""GitLab code quality report (``--format gitlab``): a JSON array of Code Climate issues, which
GitLab shows in merge requests when a job saves it as ``artifacts:reports:codequality``.

Each issue has a ``description``, a ``check_name`` (the rule ID), a ``severity`` (error is
``major``, warning ``minor``, note ``info``), a ``location`` whose path is relative to the
repository root (GitLab's project directory) and a ``fingerprint`` that survives edits
elsewhere in the file: a hash of the file, the rule and the finding's logical path (or its
message without numbers), and its rank among findings with the same key. Text is escaped and
bounded as in every other format. See
https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, TextIO

from iblint.logical_paths import joined
from iblint.model import Finding, Severity
from iblint.reporters import ReportContext
from iblint.reporters.locations import SourceRoot
from iblint.rule_urls import rule_url
from iblint.text_safety import printable, without_surrogates

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}
_NUMBERS = re.compile(r"[0-9]++")


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    root = SourceRoot()
    seen: dict[tuple[str, str, str], int] = {}
    issues: list[dict[str, Any]] = []
    for finding in findings:
        path = without_surrogates(root.display(finding.path))
        where = joined(finding.logical_path) or _NUMBERS.sub("#", finding.message)
        key = (path, finding.rule_id, where)
        rank = seen[key] = seen.get(key, -1) + 1
        digest = hashlib.sha256(
            "\0".join((*key, str(rank))).encode("utf-8", "surrogatepass")
        ).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule_id,
                "description": f"{finding.rule_id} {printable(finding.message)}",
                "content": {
                    "body": f"Fix: {printable(finding.fix)}. See {rule_url(finding.rule_id)}"
                },
                "categories": ["Security" if finding.rule_id.startswith("IB1") else "Bug Risk"],
                "severity": _SEVERITY[finding.severity],
                "fingerprint": digest,
                "location": {
                    "path": path,
                    "lines": {"begin": finding.span.start_line, "end": finding.span.end_line},
                },
            }
        )
    json.dump(issues, stream, indent=2)
    stream.write("\n")
