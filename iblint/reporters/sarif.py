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

A SARIF run costs little more than a text one: the built-in rules' entries come pre-rendered
from :mod:`iblint.sarif_rules_data` (no spec is parsed or validated; ``python
scripts/rules_table.py --write`` regenerates it from the specs with :func:`rule_data`, and a
test keeps the two equal), each file is read and hashed once, up to its last finding's line
(a large run's files in several processes, while this one prints the results), and
:func:`write` prints the results from a template. :func:`build_log` is the same log as
Python data, and what the output is tested against: ``write`` prints exactly
``json.dumps(build_log(...), indent=2, ensure_ascii=False)`` with the unsafe characters
escaped.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from iblint import __version__
from iblint.fingerprints import file_line_hashes, files_line_hashes
from iblint.model import Finding, Severity, Span
from iblint.reporters import ReportContext, message_and_fix
from iblint.reporters.locations import SourceRoot, source_root
from iblint.rule_urls import rule_url
from iblint.syntax.limits import MAX_FILE_BYTES
from iblint.text_safety import printable

if TYPE_CHECKING:
    from iblint.policies import Policy
    from iblint.spec_model import RuleSpec

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PRECISION = {"error": "very-high", "warning": "high", "note": "medium"}
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}
#: GitHub's security severity (a numeric string) of rules tagged ``security``, from the rule's
#: default level: High, Medium, Low.
_SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
#: Relative result URIs are relative to the repository root: see :func:`source_root`.
SRCROOT = "%SRCROOT%"
__all__ = ["SCHEMA", "SRCROOT", "build_log", "rule_data", "source_root", "write"]

#: What JSON leaves raw with ``ensure_ascii=False`` but a terminal or an editor would act on:
#: DEL, C1 controls, bidi controls, line separators, lone surrogates. Only strings hold them.
_UNSAFE_IN_JSON = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)

#: GitHub's limit on a rule's shortDescription and fullDescription (the full text is in help).
MAX_DESCRIPTION = 1024
_UP_TO_LAST_SENTENCE = re.compile(r".*[.!?](?=\s)", re.DOTALL)
_OTHER_SURROGATES = re.compile(r"([\ud800-\udc7f\udd00-\udfff])")
_ORIGINAL_URI_BASE = (
    "The repository root: the nearest directory at or above the one iblint ran in that holds "
    ".git, else the one iblint ran in; result paths are relative to it."
)
#: A string as ``json.dumps(..., ensure_ascii=False)`` writes it (the C encoder's function).
_ENCODE: Callable[[str], str] = json.encoder.encode_basestring


def write(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    """The log of :func:`build_log`, written as ``json.dumps`` with ``indent=2`` writes it,
    unsafe characters escaped, without building it as objects first: the results are printed
    from a template. The files are hashed for the fingerprints in several processes where that
    pays off (``context.jobs``), the results printed here meanwhile."""
    shown = [*findings, *context.suppressed]
    rules, rule_index = _rules(context.severities, context.policies)
    places = _Places(None)
    fingerprints = _Fingerprints(shown, places.cwd, context.max_file_bytes)
    results: list[tuple[str, str]] = []

    def render_results() -> None:
        docs: dict[str, str] = {}
        for finding in shown:
            rule_id = finding.rule_id
            url = docs.get(rule_id)
            if url is None:
                url = docs[rule_id] = _string(rule_url(rule_id))
            artifact = places.artifact_json(finding.path)
            results.append(_result_json(finding, rule_index[rule_id], artifact, url))

    fingerprints.work_out(context.jobs, meanwhile=render_results)
    head, middle, tail = _SKELETON
    # The rules are few; json's own encoder writes them, indented to where they sit.
    rules_json = json.dumps(rules, indent=2, ensure_ascii=False).replace("\n", "\n" + " " * 10)
    parts = [head, _safe(rules_json), middle, "[\n" if shown else "[]"]
    for finding, (before, after) in zip(shown, results, strict=True):
        fingerprint = fingerprints.of(finding)
        parts += before, _fingerprint_json(fingerprint) if fingerprint else "", after, ",\n"
    if shown:
        parts[-1] = "\n      ]"
    parts += [tail, "\n"]
    stream.write("".join(parts))


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


def rule_data(spec: RuleSpec) -> dict[str, Any]:
    """What a built-in rule's SARIF entry takes from its spec, rendered: everything but what
    the run's severity decides. :mod:`iblint.sarif_rules_data` holds this for every spec."""
    from iblint.rule_docs import help_markdown, help_text

    tags = ["image-builder", spec.family]
    if spec.id.startswith(("IB1", "IB2", "IB3", "IB4")):
        tags.append("security" if spec.id.startswith("IB1") else "correctness")
    return {
        "id": spec.id,
        "name": spec.name,
        "severity": spec.severity.value,
        "tags": tags,
        "shortDescription": description(spec.summary),
        "fullDescription": description(spec.what.strip()),
        "helpText": help_text(spec),
        "helpMarkdown": help_markdown(spec),
        # The rule's help is in `help`; helpUri points at the primary public source behind
        # it, its first reference (every one is an https URL: tests/test_public_sources.py).
        "helpUri": spec.references[0],
    }


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
    rules, rule_index = _rules(severities or {}, policies)
    places = _Places(cwd)
    shown = [*findings, *suppressed]
    fingerprints = _Fingerprints(shown, places.cwd, max_file_bytes)
    results = []
    # Suppressed findings are results too, marked so (code scanning shows them as dismissed).
    for finding in shown:
        span = finding.span
        result: dict[str, Any] = {
            "ruleId": finding.rule_id,
            "ruleIndex": rule_index[finding.rule_id],
            "level": finding.severity.value,
            "message": {"text": f"{message_and_fix(finding)}."},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": places.artifact(finding.path),
                        "region": {
                            "startLine": span.start_line,
                            "startColumn": span.start_col,
                            "endLine": span.end_line,
                            "endColumn": _end_column(span),
                        },
                    }
                }
            ],
        }
        fingerprint = fingerprints.of(finding)
        if fingerprint:
            result["partialFingerprints"] = {"primaryLocationLineHash": fingerprint}
        if finding.justification is not None:
            suppression: dict[str, Any] = {"kind": "inSource"}
            if finding.justification:
                suppression["justification"] = printable(finding.justification)
            result["suppressions"] = [suppression]
        result["properties"] = {"docsUrl": rule_url(finding.rule_id)}
        results.append(result)
    return _log(rules, results)


def _log(rules: Any, results: Any) -> dict[str, Any]:
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
                "originalUriBaseIds": {SRCROOT: {"description": {"text": _ORIGINAL_URI_BASE}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _skeleton() -> tuple[str, str, str]:
    """The log's text around its rules and its results."""
    marks = ("\x00rules", "\x00results")
    text = json.dumps(_log(marks[0], marks[1]), indent=2)
    head, rest = text.split(json.dumps(marks[0]))
    middle, tail = rest.split(json.dumps(marks[1]))
    return head, middle, tail


_SKELETON = _skeleton()


def _rules(
    severities: Mapping[str, Severity], policies: Iterable[Policy] | None
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Every rule's SARIF entry, built-in rules (from :mod:`iblint.sarif_rules_data`) then the
    users' policies, with its severity in this run; and each rule's index among them."""
    from iblint.sarif_rules_data import RULES

    rules: list[dict[str, Any]] = []
    rule_index: dict[str, int] = {}
    for data in RULES:
        rule_id = data["id"]
        override = severities.get(rule_id)
        level = data["severity"] if override is None else override.value
        tags = list(data["tags"])
        properties: dict[str, Any] = {
            "tags": tags,
            "precision": _PRECISION[level],
            "problem.severity": _PROBLEM_SEVERITY[level],
        }
        if "security" in tags:
            properties["security-severity"] = _SECURITY_SEVERITY[level]
        rule_index[rule_id] = len(rules)
        rules.append(
            {
                "id": rule_id,
                "name": data["name"],
                "shortDescription": {"text": data["shortDescription"]},
                "fullDescription": {"text": data["fullDescription"]},
                "help": {"text": data["helpText"], "markdown": data["helpMarkdown"]},
                "defaultConfiguration": {"level": level},
                "properties": properties,
                "helpUri": data["helpUri"],
            }
        )
    for policy in policies or ():  # the users' own rules, after iblint's
        from iblint.policies.docs import sarif_rule

        level = severities.get(policy.id, policy.severity).value
        rule = sarif_rule(policy, level, description)
        rule["properties"].update(precision=_PRECISION[level])
        rule["properties"]["problem.severity"] = _PROBLEM_SEVERITY[level]
        rule_index[policy.id] = len(rules)
        rules.append(rule)
    return rules, rule_index


def _end_column(span: Span) -> int:
    """A region on one line covers at least one column."""
    if span.end_line == span.start_line:
        return max(span.end_col, span.start_col + 1)
    return span.end_col


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _safe(encoded: str) -> str:
    """JSON text with what :data:`_UNSAFE_IN_JSON` matches escaped (all of it is non-ASCII)."""
    return encoded if encoded.isascii() else _UNSAFE_IN_JSON.sub(_escape, encoded)


def _string(text: str) -> str:
    """``text`` as a JSON string, as the log's text holds it."""
    return _safe(_ENCODE(text))


def _result_json(
    finding: Finding, rule_index: int, artifact: str, docs_url: str
) -> tuple[str, str]:
    """A result as ``json.dumps(result, indent=2)`` writes it where results sit in the log:
    the text before its fingerprint (:func:`_fingerprint_json`, if it has one) and after."""
    span = finding.span
    parts = [
        '        {\n          "ruleId": ',
        _string(finding.rule_id),
        ',\n          "ruleIndex": ',
        str(rule_index),
        ',\n          "level": ',
        _string(finding.severity.value),
        ',\n          "message": {\n            "text": ',
        _string(f"{message_and_fix(finding)}."),
        "\n          },\n"
        '          "locations": [\n'
        "            {\n"
        '              "physicalLocation": {\n'
        '                "artifactLocation": {\n'
        "                  ",
        artifact,
        '\n                },\n                "region": {\n                  "startLine": ',
        str(span.start_line),
        ',\n                  "startColumn": ',
        str(span.start_col),
        ',\n                  "endLine": ',
        str(span.end_line),
        ',\n                  "endColumn": ',
        str(_end_column(span)),
        "\n                }\n              }\n            }\n          ],\n",
    ]
    after: list[str] = []
    justification = finding.justification
    if justification is not None:
        after.append('          "suppressions": [\n            {\n              "kind": "inSource"')
        if justification:
            after += [',\n              "justification": ', _string(printable(justification))]
        after.append("\n            }\n          ],\n")
    after += [
        '          "properties": {\n            "docsUrl": ',
        docs_url,
        "\n          }\n        }",
    ]
    return "".join(parts), "".join(after)


def _fingerprint_json(fingerprint: str) -> str:
    """A result's fingerprint as its members hold it, between :func:`_result_json`'s parts."""
    return (
        '          "partialFingerprints": {\n            "primaryLocationLineHash": '
        f"{_string(fingerprint)}\n          }},\n"
    )


class _Places:
    """Each finding's ``artifactLocation``, worked out once a file (and the path from the
    repository root once a directory)."""

    def __init__(self, cwd: Path | None) -> None:
        self.root = SourceRoot(cwd)
        self.cwd = str(self.root.cwd)
        self._artifacts: dict[str, dict[str, str]] = {}
        self._texts: dict[str, str] = {}
        self._directories: dict[str, str | None] = {}

    def artifact(self, path: str) -> dict[str, str]:
        """A file inside the root gets a percent-encoded URI relative to %SRCROOT%, ``.`` and
        ``..`` resolved; a file outside it an absolute ``file:`` URI, which takes no base. The
        file name's own bytes are encoded, so a name that is not UTF-8 still makes a valid
        URI."""
        location = self._artifacts.get(path)
        if location is None:
            relative = self._relative(path)
            if relative is None:
                absolute = str(self.root.absolute(path))
                location = {"uri": "file://" + quote(_path_bytes(absolute))}
            else:
                location = {"uri": quote(_path_bytes(relative)), "uriBaseId": SRCROOT}
            self._artifacts[path] = location
        return location

    def _relative(self, path: str) -> str | None:
        """``SourceRoot.relative(path)`` as a string, worked out once a directory: a file's
        path from the root is its directory's, then its name."""
        directory, name = os.path.split(path)
        if name in ("", ".", ".."):
            relative = self.root.relative(path)
            return None if relative is None else str(relative)
        if directory not in self._directories:
            folder = self.root.relative(directory or ".")
            self._directories[directory] = None if folder is None else str(folder)
        folder_text = self._directories[directory]
        if folder_text is None:
            return None
        return name if folder_text == "." else f"{folder_text}/{name}"

    def artifact_json(self, path: str) -> str:
        """:meth:`artifact` as the members of a JSON object where results hold it."""
        text = self._texts.get(path)
        if text is None:
            location = self.artifact(path)
            text = f'"uri": {_string(location["uri"])}'
            if "uriBaseId" in location:
                text += f',\n                  "uriBaseId": {_string(location["uriBaseId"])}'
            self._texts[path] = text
        return text


def _path_bytes(path: str) -> bytes:
    """The bytes of a file name: undecodable bytes back as they were (``surrogateescape``,
    U+DC80-U+DCFF); any other lone surrogate, which no file system returns, as UTF-8 would
    encode it."""
    parts = _OTHER_SURROGATES.split(path)
    return b"".join(
        part.encode("utf-8", "surrogatepass" if index % 2 else "surrogateescape")
        for index, part in enumerate(parts)
    )


class _Fingerprints:
    """The fingerprint of each finding's first line: each file is read and hashed once, up to
    the last line a finding starts on."""

    def __init__(self, findings: Iterable[Finding], cwd: str, max_bytes: int) -> None:
        self.cwd = cwd
        self.max_bytes = max_bytes
        self.lines: dict[str, set[int]] = {}
        for finding in findings:
            self.lines.setdefault(finding.path, set()).add(finding.span.start_line)
        self.hashes: dict[str, dict[int, str]] = {}

    def work_out(self, jobs: int | None, meanwhile: Callable[[], object] | None = None) -> None:
        """Hashes every file now, in several processes where that pays off (``jobs`` as
        ``--jobs``), running ``meanwhile`` here while the others hash."""
        paths = list(self.lines)
        files = [(os.path.join(self.cwd, path), self.lines[path]) for path in paths]
        hashes = files_line_hashes(files, self.max_bytes, jobs, meanwhile)
        self.hashes = dict(zip(paths, hashes, strict=True))

    def of(self, finding: Finding) -> str | None:
        path = finding.path
        hashes = self.hashes.get(path)
        if hashes is None:
            wanted = self.lines.get(path)
            file = os.path.join(self.cwd, path)
            hashes = self.hashes[path] = file_line_hashes(file, self.max_bytes, wanted)
        return hashes.get(finding.span.start_line)
