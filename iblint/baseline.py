"""A baseline: the findings a repository already has, recorded so that only new ones are reported.

``iblint check --write-baseline FILE`` records each finding by its file (relative to FILE's
folder), its rule and its logical path (the resource's name and the API member path, e.g.
``Infra/instanceMetadataOptions/httpTokens``; see :mod:`iblint.logical_paths`), never by line,
so edits elsewhere in the file leave it recorded. A finding about the file itself (invalid
syntax, a suppression) has no logical path and is recorded by its message with every number
left out. Findings with the same key are counted: a third IB201 on a mapping that had two is
new. ``--baseline FILE`` (or the ``baseline`` setting) reports only what the file does not
record.

Writing again keeps the entries of files this run did not check (a pre-commit run checks a
few) and replaces those of the files it did, so fixed findings drop out.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from iblint.errors import ConfigError
from iblint.logical_paths import joined
from iblint.model import Finding
from iblint.text_safety import escaped

if TYPE_CHECKING:
    from iblint.engine import Report

#: The ``version`` of the file format this module writes and reads.
FORMAT_VERSION = 1
#: A baseline larger than this is refused (one entry is about 150 bytes).
MAX_BASELINE_BYTES = 64 * 1024 * 1024
_NUMBERS = re.compile(r"[0-9]++")

Key = tuple[str, str, str, str]


def _file_key(path: str, base: Path) -> str:
    absolute = os.path.abspath(path)
    try:
        return Path(absolute).relative_to(base).as_posix()
    except ValueError:
        return Path(absolute).as_posix()


def finding_key(finding: Finding, base: Path) -> Key:
    """(file, rule, ``logical-path`` or ``message``, the value) of ``finding``."""
    file = _file_key(finding.path, base)
    if finding.logical_path:
        return (file, finding.rule_id, "logical-path", joined(finding.logical_path))
    return (file, finding.rule_id, "message", _NUMBERS.sub("#", finding.message))


def _base(path: Path) -> Path:
    return Path(os.path.abspath(path)).parent


def read_baseline(path: Path) -> Counter[Key]:
    """The entries of the baseline at ``path``; raises :class:`ConfigError` (a usage error)
    when it is missing or is not a baseline this version reads."""
    from iblint.reading import read_file

    shown = escaped(str(path))
    data = read_file(path, MAX_BASELINE_BYTES, always_report=True)
    if not isinstance(data, bytes):
        reason = data.message if data is not None else "not readable"
        hint = "; create it with --write-baseline" if not path.exists() else ""
        raise ConfigError(f"baseline {shown}: {reason}{hint}")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ConfigError(f"baseline {shown}: not valid JSON ({type(error).__name__})") from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise ConfigError(
            f"baseline {shown}: not an iblint baseline of version {FORMAT_VERSION}; write it "
            "again with --write-baseline"
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise ConfigError(f"baseline {shown}: 'findings' must be a list")
    counts: Counter[Key] = Counter()
    for index, entry in enumerate(entries):
        counts[_entry_key(entry, index, shown)] += _count(entry, index, shown)
    return counts


def _entry_key(entry: Any, index: int, shown: str) -> Key:
    if isinstance(entry, dict):
        file, rule = entry.get("file"), entry.get("rule")
        for kind in ("logical-path", "message"):
            value = entry.get(kind)
            if isinstance(file, str) and isinstance(rule, str) and isinstance(value, str):
                return (file, rule, kind, value)
    raise ConfigError(
        f"baseline {shown}: entry {index + 1} needs file, rule and logical-path or message"
    )


def _count(entry: dict[str, Any], index: int, shown: str) -> int:
    count = entry.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ConfigError(f"baseline {shown}: entry {index + 1}: count must be a positive integer")
    return count


def apply_baseline(report: Report, path: Path) -> Report:
    """``report`` with the findings the baseline records moved to ``baselined``."""
    remaining = read_baseline(path)
    base = _base(path)
    new: list[Finding] = []
    known: list[Finding] = []
    for finding in report.findings:
        key = finding_key(finding, base)
        if remaining[key] > 0:
            remaining[key] -= 1
            known.append(finding)
        else:
            new.append(finding)
    return report._replace(findings=new, baselined=(*report.baselined, *known))


def baseline_document(
    path: Path, findings: Iterable[Finding], checked: Iterable[str] | None = None
) -> dict[str, Any]:
    """The baseline recording ``findings``. When a baseline exists at ``path`` and ``checked``
    (the files this run checked) is given, the entries of the other files are kept."""
    base = _base(path)
    counts: Counter[Key] = Counter(finding_key(finding, base) for finding in findings)
    if checked is not None and path.exists():
        checked_files = {_file_key(file, base) for file in checked}
        for key, count in read_baseline(path).items():
            if key[0] not in checked_files:
                counts[key] += count
    entries = [
        {"file": file, "rule": rule, kind: value, "count": count}
        for (file, rule, kind, value), count in sorted(counts.items())
    ]
    return {"tool": "iblint", "version": FORMAT_VERSION, "findings": entries}


def write_baseline(
    path: Path, findings: Iterable[Finding], checked: Iterable[str] | None = None
) -> int:
    """Writes the baseline (atomically) and returns how many findings it records."""
    from iblint.reporters.output import write_report_file

    document = baseline_document(path, findings, checked)
    text = json.dumps(document, indent=2, ensure_ascii=True) + "\n"

    def render(stream: TextIO) -> None:
        stream.write(text)

    write_report_file(path, render)
    return sum(entry["count"] for entry in document["findings"])
