"""SARIF 2.1.0 for GitHub code scanning.

Every rule of the spec set is listed with its documentation as help and its severity in this
run; results carry URIs relative to the repository root, full regions and the
``primaryLocationLineHash`` fingerprint that GitHub's upload action would compute, so alerts keep
their identity when lines move. There is no ``automationDetails``: an id in the file would win
over the ``category`` of github/codeql-action/upload-sarif, so that two uploads with different
categories would clash.

Messages are the escaped, bounded text the other formats show (:mod:`iblint.text_safety`); a
file name's bytes that are not UTF-8 are percent-encoded in its URI as they are (``%FF``);
the JSON is UTF-8 with every control, bidi and line-separator character escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from iblint import __version__
from iblint.fingerprints import file_line_hashes
from iblint.model import Finding, Severity
from iblint.reporters import ReportContext, message_and_fix
from iblint.reporters.locations import SourceRoot, source_root
from iblint.rule_docs import help_markdown, help_text
from iblint.rule_urls import rule_url
from iblint.specs import load_specs
from iblint.syntax.limits import MAX_FILE_BYTES
from iblint.text_safety import printable

if TYPE_CHECKING:
    from iblint.policies import Policy

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PRECISION = {"error": "very-high", "warning": "high", "note": "medium"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
#: GitHub's security severity (a numeric string) of rules tagged ``security``, from the rule's
#: default level: High, Medium, Low.
_SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
#: Relative result URIs are relative to the repository root: see :func:`source_root`.
SRCROOT = "%SRCROOT%"
__all__ = ["SCHEMA", "SRCROOT", "build_log", "source_root", "write"]

#: What JSON leaves raw with ``ensure_ascii=False`` but a terminal or an editor would act on:
#: DEL, C1 controls, bidi controls, line separators, lone surrogates. Only strings hold them.
_UNSAFE_IN_JSON = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)

#: GitHub's limit on a rule's shortDescription and fullDescription (the full text is in help).
MAX_DESCRIPTION = 1024
_UP_TO_LAST_SENTENCE = re.compile(r".*[.!?](?=\s)", re.DOTALL)
_OTHER_SURROGATES = re.compile(r"([\ud800-\udc7f\udd00-\udfff])")


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    log = build_log(
        findings,
        context.severities,
        max_file_bytes=context.max_file_bytes,
        policies=context.policies,
        suppressed=context.suppressed,
    )
    text = json.dumps(log, indent=2, ensure_ascii=False)
    stream.write(_UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text))
    stream.write("\n")


def description(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """``text`` if it has at most ``limit`` characters, else as many of its first sentences (or
    failing that, words) as fit with `` …`` after them."""
    if len(text) <= limit:
        return text
    room = text[: limit - 2]
    sentences = _UP_TO_LAST_SENTENCE.match(room)
    if sentences is not None and sentences.end() > limit // 2:
        return f"{sentences.group()} …"
    space = max(room.rfind(" "), room.rfind("\n"))
    if space > limit // 2:
        return f"{room[:space].rstrip()} …"
    return f"{room} …"


def build_log(
    findings: list[Finding],
    severities: Mapping[str, Severity] | None = None,
    cwd: Path | None = None,
    max_file_bytes: int = MAX_FILE_BYTES,
    policies: Iterable[Policy] | None = None,
    suppressed: Iterable[Finding] = (),
) -> dict[str, Any]:
    """The SARIF log. ``severities`` overrides rules' default severities; finding paths are
    relative to ``cwd`` (default: the working directory) or absolute. A fingerprint is read
    from each regular file of at most ``max_file_bytes`` (the IB003 limit)."""
    severities = severities or {}
    root = SourceRoot(cwd)
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
            "shortDescription": {"text": description(spec.summary)},
            "fullDescription": {"text": description(spec.what.strip())},
            "help": {"text": help_text(spec), "markdown": help_markdown(spec)},
            "defaultConfiguration": {"level": level},
            "properties": properties,
            # The rule's help is in `help`; helpUri points at the primary public source behind
            # it, its first reference (every one is an https URL: tests/test_public_sources.py).
            "helpUri": spec.references[0],
        }
        rules.append(rule)
    for policy in policies or ():  # the users' own rules, after iblint's
        from iblint.policies.docs import sarif_rule

        level = severities.get(policy.id, policy.severity).value
        rule = sarif_rule(policy, level, description)
        rule["properties"].update(precision=_PRECISION[level])
        rule["properties"]["problem.severity"] = _PROBLEM_SEVERITY[level]
        rule_index[policy.id] = len(rules)
        rules.append(rule)
    hashes: dict[str, dict[int, str]] = {}
    lines: dict[str, set[int]] = {}  # a file is hashed up to its last finding's line
    for finding in [*findings, *suppressed]:
        lines.setdefault(finding.path, set()).add(finding.span.start_line)
    results = []
    # Suppressed findings are results too, marked so (code scanning shows them as dismissed).
    for finding in [*findings, *suppressed]:
        span = finding.span
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index[finding.rule_id],
            "level": finding.severity.value,
            "message": {"text": f"{message_and_fix(finding)}."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(finding.path, root),
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
        fingerprint = _fingerprint(finding, root, hashes, max_file_bytes, lines)
        if fingerprint:
            result["partialFingerprints"] = {"primaryLocationLineHash": fingerprint}
        if finding.justification is not None:
            suppression: dict[str, Any] = {"kind": "inSource"}
            if finding.justification:
                suppression["justification"] = printable(finding.justification)
            result["suppressions"] = [suppression]
        result["properties"] = {"docsUrl": rule_url(finding.rule_id)}
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


def _artifact_location(path: str, root: SourceRoot) -> dict[str, str]:
    """A file inside the root gets a percent-encoded URI relative to %SRCROOT%, ``.`` and
    ``..`` resolved; a file outside it an absolute ``file:`` URI, which takes no base. The
    file name's own bytes are encoded, so a name that is not UTF-8 still makes a valid URI."""
    relative = root.relative(path)
    if relative is None:
        return {"uri": "file://" + quote(_path_bytes(str(root.absolute(path))))}
    return {"uri": quote(_path_bytes(str(relative))), "uriBaseId": SRCROOT}


def _path_bytes(path: str) -> bytes:
    """The bytes of a file name: undecodable bytes back as they were (``surrogateescape``,
    U+DC80-U+DCFF); any other lone surrogate, which no file system returns, as UTF-8 would
    encode it."""
    parts = _OTHER_SURROGATES.split(path)
    return b"".join(
        part.encode("utf-8", "surrogatepass" if index % 2 else "surrogateescape")
        for index, part in enumerate(parts)
    )


def _fingerprint(
    finding: Finding,
    root: SourceRoot,
    cache: dict[str, dict[int, str]],
    max_bytes: int,
    lines: Mapping[str, set[int]] | None = None,
) -> str | None:
    if finding.path not in cache:
        wanted = (lines or {}).get(finding.path)
        cache[finding.path] = file_line_hashes(root.cwd / finding.path, max_bytes, wanted)
    return cache[finding.path].get(finding.span.start_line)
