"""SARIF 2.1.0 for GitHub code scanning.

Every rule of the spec set is listed with its documentation as help and its severity in this
run; results carry URIs relative to the repository root, full regions and the
``primaryLocationLineHash`` fingerprint that GitHub's upload action would compute, so alerts keep
their identity when lines move. There is no ``automationDetails``: an id in the file would win
over the ``category`` of github/codeql-action/upload-sarif, so that two uploads with different
categories would clash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from iblint import __version__
from iblint.fingerprints import line_hashes
from iblint.model import Finding, Severity
from iblint.reporters import ReportContext
from iblint.rule_docs import help_markdown, help_text
from iblint.specs import load_specs

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PRECISION = {"error": "very-high", "warning": "high", "note": "medium"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
#: GitHub's security severity (a numeric string) of rules tagged ``security``, from the rule's
#: default level: High, Medium, Low.
_SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
#: Relative result URIs are relative to the repository root: see :func:`source_root`.
SRCROOT = "%SRCROOT%"


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    log = build_log(findings, context.severities)
    json.dump(log, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def source_root(start: Path) -> Path:
    """The repository root: the nearest of ``start`` and its parents that holds ``.git`` (a
    directory, or a file in a worktree or submodule); ``start`` itself when there is none."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def build_log(
    findings: list[Finding],
    severities: Mapping[str, Severity] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """The SARIF log. ``severities`` overrides rules' default severities; finding paths are
    relative to ``cwd`` (default: the working directory) or absolute."""
    severities = severities or {}
    cwd = Path(os.path.abspath(cwd or Path.cwd()))
    root = source_root(cwd)
    specs = load_specs()
    rule_ids = sorted(specs)
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    rules = []
    for rule_id in rule_ids:
        spec = specs[rule_id]
        level = severities.get(spec.id, spec.severity).value
        tags = ["image-builder", spec.family]
        if spec.id.startswith(("IB1", "IB2", "IB3", "IB4")):
            tags.append("security" if spec.id.startswith("IB1") else "correctness")
        properties: dict[str, Any] = {
            "tags": tags,
            "precision": _PRECISION[level],
            "problem.severity": _PROBLEM_SEVERITY[level],
        }
        if "security" in tags:
            properties["security-severity"] = _SECURITY_SEVERITY[level]
        rule: dict[str, Any] = {
            "id": spec.id,
            "name": spec.name,
            "shortDescription": {"text": spec.summary},
            "fullDescription": {"text": spec.what.strip()},
            "help": {"text": help_text(spec), "markdown": help_markdown(spec)},
            "defaultConfiguration": {"level": level},
            "properties": properties,
        }
        # The rule's help is in `help`; helpUri points at the primary public source behind it.
        public = [reference for reference in spec.references if reference.startswith("https://")]
        if public:
            rule["helpUri"] = public[0]
        rules.append(rule)
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
                        "artifactLocation": _artifact_location(finding.path, cwd, root),
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
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "The repository root: the nearest directory at or above "
                            "the one iblint ran in that holds .git, else the one iblint ran in; "
                            "result paths are relative to it."
                        }
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _artifact_location(path: str, cwd: Path, root: Path) -> dict[str, str]:
    """A file inside ``root`` gets a percent-encoded URI relative to %SRCROOT%, ``.`` and
    ``..`` resolved; a file outside it an absolute ``file:`` URI, which takes no base."""
    absolute = Path(os.path.normpath(cwd / path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _fingerprint(finding: Finding, cache: dict[str, dict[int, str]]) -> str | None:
    if finding.path not in cache:
        try:
            cache[finding.path] = line_hashes(Path(finding.path).read_bytes())
        except OSError:
            cache[finding.path] = {}
    return cache[finding.path].get(finding.span.start_line)
