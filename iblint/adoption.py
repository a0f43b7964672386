"""What ``iblint check`` does around a run for a team adopting it: standard input, exclusions,
the severity gate, safe fixes and the baseline. Kept out of :mod:`iblint.cli` so the command
stays a thin layer of options.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from iblint.model import Finding, Severity

if TYPE_CHECKING:
    from iblint.config import Config
    from iblint.discover import Discovered
    from iblint.engine import TextSource

#: ``--fail-on``: the severities at or above each level.
_AT_LEAST = {
    Severity.ERROR: frozenset({Severity.ERROR}),
    Severity.WARNING: frozenset({Severity.ERROR, Severity.WARNING}),
    Severity.NOTE: frozenset(Severity),
}
#: How ``-`` is named in findings when ``--stdin-filename`` is not given.
STDIN_NAME = "-"


class UsageProblem(Exception):
    """A combination of options that cannot work; the command line makes it a usage error."""


class Inputs(NamedTuple):
    files: list[Discovered | TextSource]
    #: The text of each document read from standard input, by its name.
    sources: dict[str, str]
    #: Every file checked, absolute (the baseline keeps the entries of the others).
    checked: list[str]


def gather(
    paths: tuple[str, ...], stdin_filename: str | None, config: Config, max_bytes: int
) -> Inputs:
    """The files to check: standard input (``-``, or no path with ``--stdin-filename``), else
    the paths (default ``.``), walked with the configuration's exclusions and ``.gitignore``."""
    from iblint.discover import discover
    from iblint.engine import TextSource, source_path
    from iblint.exclusions import Excluder

    if "-" in paths or (stdin_filename is not None and not paths):
        if len(paths) > 1:
            raise UsageProblem("'-' (standard input) cannot be combined with other paths")
        name = stdin_filename or STDIN_NAME
        source = _read_stdin(name, max_bytes, config)
        if Excluder(config, gitignore=False).excludes(name):
            return Inputs([], {}, [])
        if isinstance(source, str):
            text_source = TextSource(source, name)
            return Inputs([text_source], {name: source}, [source_path(text_source)])
        return Inputs([source], {}, [source_path(source)])
    if stdin_filename is not None:
        raise UsageProblem("--stdin-filename names standard input: give '-' as the only path")
    excluder = Excluder(config)
    files: list[Discovered | TextSource] = list(discover(list(paths) or ["."], skip=excluder))
    checked = [source_path(file) for file in files]
    return Inputs(files, {}, checked)


def _read_stdin(name: str, max_bytes: int, config: Config) -> str | Discovered:
    """Standard input's text, or a record of why it cannot be checked (too large, not text).
    Read as a file is: up to ``max_bytes``, and up to the plan's own limit when its first
    bytes say it is a Terraform plan (``terraform show -json plan.out | iblint check -``)."""
    from iblint.discover import Discovered
    from iblint.engine import size_limits
    from iblint.reading import SNIFF_BYTES, decode, over_limit

    stream = sys.stdin.buffer if sys.stdin is not None else None
    data = stream.read(max_bytes + 1) if stream is not None else b""
    if len(data) > max_bytes:
        from iblint.dialects.plan_selection import may_be_plan

        plan_bytes = max(size_limits(config).plan, max_bytes)
        larger = (plan_bytes, may_be_plan) if plan_bytes > max_bytes else None
        if larger is not None and may_be_plan(data[:SNIFF_BYTES]) and stream is not None:
            data += stream.read(plan_bytes - len(data) + 1)
        admitted = over_limit(len(data), data[:SNIFF_BYTES], max_bytes, larger)
        if not isinstance(admitted, int):
            if admitted is None:
                return ""
            return Discovered(Path(name), name, admitted)
    text = decode(data)
    if isinstance(text, str):
        return text
    if text is None:
        return ""  # binary: nothing to check
    return Discovered(Path(name), name, text)


def fails(findings: Iterable[Finding], fail_on: Severity | None) -> bool:
    """Whether the findings fail the run: any finding, or with ``fail_on`` any at or above
    that severity."""
    if fail_on is None:
        return any(True for _ in findings)
    levels = _AT_LEAST[fail_on]
    return any(finding.severity in levels for finding in findings)


def rule_counts_line(count: int, files: int) -> str:
    return f"{count} fix{'es' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"
