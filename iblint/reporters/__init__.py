"""Output formats. A reporter writes findings to a text stream; the CLI picks one by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple, TextIO

from iblint.model import Finding, Severity
from iblint.syntax.limits import MAX_FILE_BYTES
from iblint.text_safety import printable

if TYPE_CHECKING:
    from iblint.policies import PolicySet


class ReportContext(NamedTuple):
    """What a reporter knows besides the findings."""

    files_checked: int
    color: bool = False
    #: Each rule's severity in this run where the configuration (``--severity``, a config
    #: file's ``severity`` table) overrides the spec's default; other rules have their default.
    severities: Mapping[str, Severity] = MappingProxyType({})
    #: The IB003 limit: the SARIF reporter reads no larger file for its fingerprints.
    max_file_bytes: int = MAX_FILE_BYTES
    #: The users' policies of the run (SARIF lists them with the built-in rules).
    policies: PolicySet | None = None
    #: Findings a suppression hides, with its reason as ``justification``: SARIF keeps them as
    #: suppressed results, JSON lists them apart, text shows them with ``show_suppressed``.
    suppressed: tuple[Finding, ...] = ()
    show_suppressed: bool = False
    #: Text output: the offending source line with a caret under the span.
    show_source: bool = False
    #: Text output: findings only, no summary.
    quiet: bool = False
    #: The text of documents that are not files (standard input), by the path findings name.
    sources: Mapping[str, str] = MappingProxyType({})
    #: How many findings the baseline already records (not reported).
    baselined: int = 0
    #: How many processes may work out the report (the SARIF fingerprints of a large run), as
    #: ``Config.jobs``: ``None`` as many as pay off, 1 this process only.
    jobs: int | None = None


Reporter = Callable[[list[Finding], ReportContext, TextIO], None]

#: Format name to the module that implements it (imported only when chosen).
FORMATS = {
    "text": "iblint.reporters.text",
    "json": "iblint.reporters.json_report",
    "sarif": "iblint.reporters.sarif",
    "github": "iblint.reporters.github",
    "gitlab": "iblint.reporters.gitlab",
}


def message_and_fix(finding: Finding) -> str:
    """A finding's message and fix in one line, ``message. Fix: fix``, each escaped and bounded
    (:func:`iblint.text_safety.printable`), for the formats with a single text field."""
    return f"{printable(finding.message)}. Fix: {printable(finding.fix)}"


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(FORMATS[name])
    return module.write  # type: ignore[no-any-return]
