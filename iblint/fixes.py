"""Safe fixes: the findings whose correction is certain, as minimal edits of the original text.

A fixer looks at the node a finding points at and returns :class:`~iblint.model.Edit`\\ s: the
text at a span, which must still read as the value the rule saw (bare, or between matching
quotes, which are kept), and what replaces it. Everything else in the file, comments, quoting,
layout and line endings, stays as it was. A value reached through an ``Fn::If`` branch, a
resource an ``Fn::ForEach`` loop makes or a plan (generated output) is never fixed: the edit
would not be the only possible one. Which rules have a fix is said by each spec's ``fixable``
(a test keeps :data:`FIXERS` and the specs in agreement).

- IB101: ``httpTokens: optional`` (or ``Required`` in any other letter case) -> ``required``.
- IB201: a volume type spelled ``GP3`` (any letter case) -> ``gp3``.
- IB301: an upper-case ``X`` in an image ARN's version wildcard -> ``x``, when that makes the
  parent image valid.
- IB504: an enum value in the wrong letter case (``GP3``, ``linux``) -> the value it means.
- IB009: an unused suppression comment is deleted (see :mod:`iblint.suppressions`).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from iblint.logical_paths import Located
from iblint.model import Edit, Finding, Resource, ResourceKind, Scalar

#: Lines with their endings, as positions count them (LF, CRLF or a lone CR).
_LINES = re.compile(r"[^\r\n]*+(?:\r\n?|\n)|[^\r\n]++$")

Fixer = Callable[[Located, Resource], tuple[Edit, ...]]


def _fixable(located: Located, resource: Resource) -> bool:
    return not located.in_choice and not resource.named_in_messages


def _fix_http_tokens(located: Located, resource: Resource) -> tuple[Edit, ...]:
    node = located.node
    if (
        _fixable(located, resource)
        and located.key == "httpTokens"
        and isinstance(node, Scalar)
        and isinstance(node.value, str)
        and node.value.strip().lower() in ("optional", "required")
        and node.value != "required"
    ):
        return (Edit(node.span, node.value, "required"),)
    return ()


def _fix_volume_type_case(located: Located, resource: Resource) -> tuple[Edit, ...]:
    parent = located.parent
    if parent is None or located.key != "throughput" or not _fixable(located, resource):
        return ()
    volume_type = parent.get("volumeType")
    if (
        isinstance(volume_type, Scalar)
        and isinstance(volume_type.value, str)
        and volume_type.value.lower() == "gp3"
        and volume_type.value != "gp3"
    ):
        return (Edit(volume_type.span, volume_type.value, "gp3"),)
    return ()


def _fix_wildcard_case(located: Located, resource: Resource) -> tuple[Edit, ...]:
    from iblint.checks.images import parent_image_problem

    node = located.node
    if (
        not _fixable(located, resource)
        or located.key != "parentImage"
        or not isinstance(node, Scalar)
        or not isinstance(node.value, str)
        or not node.value.startswith("arn:")
    ):
        return ()
    head, slash, rest = node.value.partition("/")
    parts = rest.split("/")
    if not slash or len(parts) < 2:
        return ()
    nodes = parts[1].split(".")
    if "X" not in nodes:
        return ()
    parts[1] = ".".join("x" if part == "X" else part for part in nodes)
    fixed = f"{head}/{'/'.join(parts)}"
    container = resource.kind is ResourceKind.CONTAINER_RECIPE
    if parent_image_problem(fixed, container) is not None:
        return ()
    return (Edit(node.span, node.value, fixed),)


def _fix_enum_case(located: Located, resource: Resource) -> tuple[Edit, ...]:
    from iblint.checks.shapes import enum_case_fix

    return enum_case_fix(located.node, resource) if _fixable(located, resource) else ()


#: Rule ID to its fixer; IB009's edits come with the finding (:mod:`iblint.suppressions`).
FIXERS: dict[str, Fixer] = {
    "IB101": _fix_http_tokens,
    "IB201": _fix_volume_type_case,
    "IB301": _fix_wildcard_case,
    "IB504": _fix_enum_case,
}
#: Every rule that has a safe fix.
FIXABLE = frozenset({*FIXERS, "IB009"})


# --- applying edits ---------------------------------------------------------------------------


def _offset(line_starts: list[int], text: str, line: int, column: int) -> int | None:
    if not 1 <= line <= len(line_starts) or column < 1:
        return None
    start = line_starts[line - 1]
    end = line_starts[line] if line < len(line_starts) else len(text)
    offset = start + column - 1
    return offset if offset <= end else None


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, int]:
    """``text`` with each edit that still reads as expected applied, and how many were; an
    edit that overlaps one before it (in the text) is left out."""
    from iblint.syntax.positions import LineTable

    starts = LineTable(text).line_starts
    planned: dict[tuple[int, int], str] = {}
    for edit in edits:
        replacement = _replacement(text, starts, edit)
        if replacement is not None:
            planned.setdefault(replacement[:2], replacement[2])
    applied = 0
    pieces: list[str] = []
    position = 0
    for (start, end), new in sorted(planned.items()):
        if start < position:
            continue  # overlaps an edit already placed
        pieces.append(text[position:start])
        pieces.append(new)
        position = end
        applied += 1
    pieces.append(text[position:])
    return "".join(pieces), applied


def _replacement(text: str, starts: list[int], edit: Edit) -> tuple[int, int, str] | None:
    span = edit.span
    start = _offset(starts, text, span.start_line, span.start_col)
    end = _offset(starts, text, span.end_line, span.end_col)
    if start is None or end is None or end < start:
        return None
    current = text[start:end]
    if current == edit.old:
        return start, end, edit.new
    quote = current[:1]
    quoted = len(current) >= 2 and quote in ("'", '"') and current[-1] == quote
    if quoted and current[1:-1] == edit.old and quote not in edit.new and "\\" not in edit.new:
        return start, end, f"{quote}{edit.new}{quote}"
    return None


class FixedFile(NamedTuple):
    path: str
    before: str
    after: str
    applied: int


def fix_text(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """The text of a document given as text, fixed."""
    return apply_edits(text, (edit for finding in findings for edit in finding.edits))


def planned_fixes(findings: Iterable[Finding], max_bytes: int) -> list[FixedFile]:
    """For each file with fixable findings (paths relative to the working directory), its text
    before and after the fixes; a file that is a symbolic link, is not UTF-8 or cannot be read
    is left alone."""
    from iblint.reading import read_file

    by_path: dict[str, list[Edit]] = {}
    for finding in findings:
        if finding.edits:
            by_path.setdefault(finding.path, []).extend(finding.edits)
    fixed: list[FixedFile] = []
    for path, edits in by_path.items():
        data = read_file(path, max_bytes, follow_symlinks=False)
        if not isinstance(data, bytes):
            continue
        bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
        after, applied = apply_edits(text, edits)
        if applied:
            fixed.append(FixedFile(path, bom + text, bom + after, applied))
    return fixed


def write_fixed(fixed: FixedFile) -> None:
    """Replaces the file with its fixed text, atomically (a temporary file renamed over it),
    keeping its permission bits; raises ``OSError``."""
    import stat
    import tempfile

    path = Path(fixed.path)
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        os.fchmod(descriptor, mode)
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:
            stream.write(fixed.after)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def unified_diff(fixed: FixedFile) -> str:
    """The change as a unified diff (``a/PATH`` to ``b/PATH``). Characters that would drive a
    terminal are escaped, as in every other output; tabs and line breaks are kept."""
    import difflib

    from iblint.text_safety import escaped

    def safe(line: str) -> str:
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        return "\t".join(escaped(part) for part in body.split("\t")) + (ending or "\n")

    name = escaped(fixed.path)
    lines = difflib.unified_diff(
        _LINES.findall(fixed.before),
        _LINES.findall(fixed.after),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    return "".join(safe(line) if not line.startswith(("---", "+++")) else line for line in lines)
