"""SARIF 2.1.0 for GitHub code scanning.

Every rule of the spec set is listed with its documentation as help; results carry relative
URIs, full regions and the ``primaryLocationLineHash`` fingerprint that GitHub's upload action
would compute, so alerts keep their identity when lines move.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from iblint import __version__
from iblint.fingerprints import line_hashes
from iblint.model import Finding
from iblint.reporters import ReportContext
from iblint.rule_docs import help_markdown, help_text, rule_url
from iblint.specs import load_specs

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PRECISION = {"error": "very-high", "warning": "high", "note": "medium"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
#: GitHub's security severity (a numeric string) of rules tagged ``security``, from the rule's
#: default level: High, Medium, Low.
_SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
#: Relative result URIs are relative to the directory iblint ran in (the repository root in CI).
SRCROOT = "%SRCROOT%"


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    json.dump(build_log(findings), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def build_log(findings: list[Finding]) -> dict[str, Any]:
    specs = load_specs()
    rule_ids = sorted(specs)
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        spec = specs[rule_id]
        tags = ["image-builder", spec.family]
        if spec.id.startswith(("IB1", "IB2", "IB3", "IB4")):
            tags.append("security" if spec.id.startswith("IB1") else "correctness")
        properties: dict[str, Any] = {
            "tags": tags,
            "precision": _PRECISION[spec.severity.value],
            "problem.severity": _PROBLEM_SEVERITY[spec.severity.value],
        }
        if "security" in tags:
            properties["security-severity"] = _SECURITY_SEVERITY[spec.severity.value]
        rules.append(
            {
                "id": spec.id,
                "name": spec.name,
                "shortDescription": {"text": spec.summary},
                "fullDescription": {"text": spec.what.strip()},
                "help": {"text": help_text(spec), "markdown": help_markdown(spec)},
                "helpUri": rule_url(spec.id),
                "defaultConfiguration": {"level": spec.severity.value},
                "properties": properties,
            }
        )
    hashes: dict[str, dict[int, str]] = {}
    results = []
    for finding in findings:
        span = finding.span
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index[finding.rule_id],
            "level": finding.severity.value,
            "message": {"text": f"{finding.message}. Fix: {finding.fix}."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(finding.path),
                        "region": {
                            "startLine": span.start_line,
                            "startColumn": span.start_col,
                            "endLine": span.end_line,
                            "endColumn": max(span.end_col, span.start_col + 1)
                            if span.end_line == span.start_line
                            else span.end_col,
                        },
                    }
                }
            ],
        }
        fingerprint = _fingerprint(finding, hashes)
        if fingerprint:
            result["partialFingerprints"] = {"primaryLocationLineHash": fingerprint}
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "iblint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": rule_url(None),
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": "iblint/"},
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "The directory iblint ran in (the repository root in CI); "
                            "result paths are relative to it."
                        }
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a percent-encoded URI relative to %SRCROOT%; a path outside the
    working directory stays absolute (a ``file:`` URI, which takes no base)."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path.replace("\\", "/")), "uriBaseId": SRCROOT}


def _fingerprint(finding: Finding, cache: dict[str, dict[int, str]]) -> str | None:
    if finding.path not in cache:
        try:
            cache[finding.path] = line_hashes(Path(finding.path).read_bytes())
        except OSError:
            cache[finding.path] = {}
    return cache[finding.path].get(finding.span.start_line)
