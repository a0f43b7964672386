"""Suppressions: what a file says should not be reported, and what is wrong with what it says.

Three ways to suppress, each with a reason (required unless the configuration sets
``require-reason = false``):

- a comment on the finding's line, or alone on the line directly above it (YAML and
  Terraform): ``# iblint: ignore IB101, IB2 legacy AMI, replaced in Q3``;
- a comment among the file's leading comments: ``# iblint: ignore-file IB101 reason``;
- a CloudFormation resource's ``Metadata`` (JSON too, and templates whose comments
  ``aws cloudformation package`` stripped):
  ``Metadata: {iblint: {ignore: [{rule: IB101, reason: "..."}]}}``.

``ignore`` without rule IDs suppresses every rule; its reason then follows ``--``:
``# iblint: ignore -- generated file``. Only a real comment counts: ``#`` (in Terraform also
``//`` or ``/*``) at the start of the line or after whitespace, outside quoted strings; the same
words inside a string value suppress nothing. JSON has no comments.

What is wrong with a suppression is itself a finding, never suppressed in turn: no reason
(IB008), nothing suppressed (IB009), an unknown rule ID (IB010), a directive iblint cannot read
(IB011).

Every pattern here is linear: quantifiers are possessive (``*+``) and the rule list is read
token by token from a position, so an 80,000-space comment costs what its length costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from iblint.model import Edit, Finding, Mapping, Node, Resource, Scalar, Sequence, Span
from iblint.text_safety import shown

NO_REASON, UNUSED, UNKNOWN_RULE, INVALID = "IB008", "IB009", "IB010", "IB011"
#: The rules that report problems with suppressions; a suppression never hides them.
SUPPRESSION_RULES = frozenset({NO_REASON, UNUSED, UNKNOWN_RULE, INVALID})
#: Rules no suppression hides: a file abandoned over its time budget was not checked.
_NEVER_SUPPRESSED = SUPPRESSION_RULES | {"IB007"}

#: Lines end as a reader counts them (finding positions do the same); ``str.splitlines`` would
#: also break at form feeds and Unicode separators and shift every later line number.
_LINE_BREAK = re.compile(r"\r\n?|\n")
#: ``iblint: ignore`` and what is glued to it (``-file``, or a misspelling such as ``ignored``).
_DIRECTIVE = re.compile(r"iblint:[ \t]*+ignore(?P<tail>[\w-]*+)", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t]*+")
#: One item of the rule list: letters, digits, ``_``, ``.`` and ``-`` (so ``imdsv1-allowed``
#: is read whole, and refused).
_TOKEN = re.compile(r"[\w.-]++")
#: What a rule ID or prefix looks like; whether it names a rule is decided against the specs.
#: A user's policy ID (letters then digits, never IB: ``iblint.policies.POLICY_ID``) counts too.
_RULE_LIKE = re.compile(r"IB[0-9]*+|(?!IB)[A-Z]{1,16}+[0-9]{1,6}+", re.IGNORECASE)
_VALID_PREFIX = re.compile(r"IB[0-9]{1,3}+|(?!IB)[A-Z]{1,16}+[0-9]{1,6}+", re.IGNORECASE)
#: What may come right before a YAML single-quoted scalar; elsewhere ``'`` is an apostrophe.
_SINGLE_QUOTE_OPENERS = " \t:[{,-?"
_EXAMPLE = "# iblint: ignore IB101 <why this is acceptable>"


class Suppression(NamedTuple):
    """One suppression as written: a comment, or an entry of a resource's Metadata."""

    #: Where it is written: the comment, or the Metadata entry.
    span: Span
    #: ``line``, ``file`` or ``resource``.
    scope: str
    #: The line it covers (``line``), or the names of the resources it covers (``resource``).
    target: int | tuple[str, ...]
    #: The rule IDs or prefixes it names, upper case, each with its span; ``None``: every rule.
    rules: tuple[tuple[str, Span], ...] | None
    reason: str
    #: Why it is not a suppression at all (IB011); ``None`` when it reads well.
    invalid: str | None = None
    #: Deleting it: the comment (and the blanks before it), or its whole line when it is alone
    #: there; ``None`` for a Metadata entry.
    removal: Edit | None = None


class SuppressionProblem(NamedTuple):
    """A finding about a suppression, before the engine stamps it."""

    rule_id: str
    span: Span
    message: str
    fix: str
    edits: tuple[Edit, ...] = ()


class Settled(NamedTuple):
    reported: list[Finding]
    suppressed: list[Finding]
    problems: list[SuppressionProblem]


# --- reading comments -------------------------------------------------------------------------


def find_suppressions(text: str, hcl: bool = False) -> list[Suppression]:
    """The ``iblint: ignore`` comments of ``text`` (YAML, or Terraform when ``hcl``: comments
    also start with ``//`` and ``/*``), in order."""
    if "iblint" not in text.lower():
        return []
    found: list[Suppression] = []
    leading_end: int | None = None  # the first line that is not a leading comment
    in_block = False
    number = 0
    for match in _lines(text):
        number += 1
        line, line_break = match
        if leading_end is None:
            leading, in_block = _is_leading(line, hcl, in_block)
            if not leading:
                leading_end = number
        if "iblint" not in line.lower():
            continue
        start = _comment_start(line, hcl)
        if start < 0:
            continue
        directive = _DIRECTIVE.search(line, start)
        if directive is None:
            continue
        in_leading = leading_end is None
        found.append(_read_directive(line, line_break, number, start, directive, hcl, in_leading))
    return found


def _lines(text: str) -> Iterable[tuple[str, str]]:
    """Each line of ``text`` with the line break that ends it (empty for the last)."""
    position = 0
    for match in _LINE_BREAK.finditer(text):
        yield text[position : match.start()], match.group()
        position = match.end()
    yield text[position:], ""


def _is_leading(line: str, hcl: bool, in_block: bool) -> tuple[bool, bool]:
    """Whether ``line`` may stand among a file's leading comments (blank, a comment, a YAML
    ``---`` or ``%`` directive), and whether a Terraform block comment is still open after it."""
    stripped = line.strip()
    if hcl and in_block:
        return True, "*/" not in stripped
    if not stripped or stripped.startswith("#"):
        return True, False
    if hcl and stripped.startswith("//"):
        return True, False
    if hcl and stripped.startswith("/*"):
        return True, "*/" not in stripped[2:]
    if not hcl and (stripped.startswith("%") or stripped == "---"):
        return True, False
    return False, False


def _read_directive(
    line: str,
    line_break: str,
    number: int,
    start: int,
    directive: re.Match[str],
    hcl: bool,
    in_leading: bool,
) -> Suppression:
    end = len(line.rstrip(" \t"))
    rest_end = end
    if hcl and line.startswith("/*", start):
        close = line.find("*/", directive.end())
        if close >= 0:
            end = close + 2
            rest_end = close
    span = Span(number, start + 1, number, end + 1)
    alone = not line[:start].strip()
    removal: Edit | None = None
    if end == len(line.rstrip(" \t")):
        if alone:
            removal = Edit(Span(number, 1, number + 1, 1), line + line_break, "")
            if not line_break:
                removal = Edit(Span(number, 1, number, len(line) + 1), line, "")
        else:
            code_end = len(line[:start].rstrip(" \t"))
            removal = Edit(Span(number, code_end + 1, number, end + 1), line[code_end:end], "")
    tail = directive.group("tail").lower()
    written = shown(line[directive.start() : directive.end()])
    invalid: str | None
    if tail not in ("", "-file"):
        invalid = f"{written} is not a suppression (write 'iblint: ignore' or 'ignore-file')"
        return Suppression(span, "line", number, None, "", invalid, removal)
    scope = "file" if tail == "-file" else "line"
    target = 0 if scope == "file" else (number + 1 if alone else number)
    rules, reason, invalid = _read_rules(line, directive.end(), rest_end, number)
    if invalid is None and scope == "file" and not in_leading:
        invalid = (
            "'iblint: ignore-file' counts only among the file's leading comments, before "
            "any content"
        )
    return Suppression(span, scope, target, rules, reason, invalid, removal)


def _read_rules(
    line: str, position: int, end: int, number: int
) -> tuple[tuple[tuple[str, Span], ...] | None, str, str | None]:
    """The rule list and the reason after ``ignore``; or why they cannot be read."""
    position = _BLANKS.match(line, position, end).end()  # type: ignore[union-attr]
    if position < end and line[position] in "=:":
        position = _BLANKS.match(line, position + 1, end).end()  # type: ignore[union-attr]
    if position >= end:
        return None, "", None
    if line.startswith("--", position):
        return None, line[position + 2 : end].strip(), None
    rules: list[tuple[str, Span]] = []
    while True:
        token = _TOKEN.match(line, position, end)
        if token is None:
            what = shown(line[position : position + 1])
            return None, "", f"the rule list starts with {what}, not a rule ID such as IB101"
        word = token.group()
        if not _RULE_LIKE.fullmatch(word):
            return (
                None,
                "",
                f"{shown(word)} is not a rule ID such as IB101 (to suppress every rule with a "
                "reason, write 'iblint: ignore -- reason')",
            )
        rules.append((word.upper(), Span(number, position + 1, number, token.end() + 1)))
        position = _BLANKS.match(line, token.end(), end).end()  # type: ignore[union-attr]
        if position < end and line[position] == ",":
            position = _BLANKS.match(line, position + 1, end).end()  # type: ignore[union-attr]
            continue
        break
    reason = line[position:end].strip()
    for separator in ("--", ":", "-", "\u2014"):
        if reason.startswith(separator):
            reason = reason[len(separator) :].strip()
            break
    return tuple(rules), reason, None


def _comment_start(line: str, hcl: bool) -> int:
    """Where the line's comment starts, or -1: the first comment marker at the line start or
    after whitespace that is not inside a quoted string."""
    quote = ""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                if quote == "'" and line[index + 1 : index + 2] == "'":
                    index += 2  # '' is a quote inside a single-quoted YAML scalar
                    continue
                quote = ""
            index += 1
            continue
        after_space = index == 0 or line[index - 1] in " \t"
        if after_space and (char == "#" or (hcl and line.startswith(("//", "/*"), index))):
            return index
        opens_single = not hcl and (index == 0 or line[index - 1] in _SINGLE_QUOTE_OPENERS)
        if char == '"' or (char == "'" and opens_single):
            quote = char
        index += 1
    return -1


# --- reading CloudFormation Metadata ----------------------------------------------------------


def metadata_suppressions(resources: Iterable[Resource]) -> list[Suppression]:
    """The ``Metadata: {iblint: {ignore: [...]}}`` entries of ``resources``, each once (the
    copies of a resource that ``Fn::If`` or ``Fn::ForEach`` make share their entries)."""
    by_span: dict[Span, Suppression] = {}
    for resource in resources:
        if resource.metadata is None:
            continue
        for suppression in _metadata_entries(resource.metadata, resource.name):
            known = by_span.get(suppression.span)
            if known is None:
                by_span[suppression.span] = suppression
            elif isinstance(known.target, tuple) and resource.name not in known.target:
                by_span[suppression.span] = known._replace(target=(*known.target, resource.name))
    return list(by_span.values())


def _metadata_entries(metadata: Node, name: str) -> list[Suppression]:
    if not isinstance(metadata, Mapping):
        return []
    section = metadata.get("iblint")
    if section is None:
        return []
    shape = "Metadata iblint must be a mapping holding an ignore list of {rule, reason} entries"
    if not isinstance(section, Mapping):
        return [_invalid_entry(section.span, shape, name)]
    problems = [
        _invalid_entry(node.anchor, f"Metadata iblint has no setting {shown(key)}: {shape}", name)
        for key, node in section.entries.items()
        if key != "ignore"
    ]
    entries = section.get("ignore")
    if entries is None:
        return problems
    if not isinstance(entries, Sequence):
        return [*problems, _invalid_entry(entries.span, shape, name)]
    found = problems
    for entry in entries.items:
        found.append(_metadata_entry(entry, name, shape))
    return found


def _metadata_entry(entry: Node, name: str, shape: str) -> Suppression:
    if not isinstance(entry, Mapping):
        return _invalid_entry(entry.span, shape, name)
    unknown = [key for key in entry.entries if key not in ("rule", "reason")]
    if unknown:
        return _invalid_entry(
            entry.span, f"an ignore entry has no setting {shown(unknown[0])}: {shape}", name
        )
    rule = entry.get("rule")
    if not isinstance(rule, Scalar) or not isinstance(rule.value, str):
        where = rule.span if rule is not None else entry.span
        return _invalid_entry(where, "an ignore entry needs rule: a rule ID such as IB101", name)
    word = rule.value.strip()
    if not _RULE_LIKE.fullmatch(word):
        return _invalid_entry(rule.span, f"{shown(word)} is not a rule ID such as IB101", name)
    reason_node = entry.get("reason")
    reason = ""
    if isinstance(reason_node, Scalar) and reason_node.value is not None:
        reason = str(reason_node.value).strip()
    elif reason_node is not None:
        return _invalid_entry(reason_node.span, "an ignore entry's reason must be text", name)
    return Suppression(entry.span, "resource", (name,), ((word.upper(), rule.span),), reason)


def _invalid_entry(span: Span, why: str, name: str) -> Suppression:
    return Suppression(span, "resource", (name,), None, "", why)


# --- applying them ----------------------------------------------------------------------------


def settle(
    findings: list[Finding],
    suppressions: list[Suppression],
    known_rules: Iterable[str],
    runs: Callable[[str], bool],
    require_reason: bool = True,
) -> Settled:
    """Splits a file's findings into those reported and those suppressed (with the reason as
    justification), and finds what is wrong with the suppressions themselves.

    ``runs(rule_id)``: whether the rule ran on this file. A suppression is called unused only
    for rules that all ran, so ``--select`` and ``per-file-ignores`` never make one unused.
    """
    known = list(known_rules)
    problems: list[SuppressionProblem] = []
    active: list[tuple[Suppression, tuple[str, ...] | None]] = []
    for suppression in suppressions:
        works, rules = _check(suppression, known, require_reason, problems)
        if works:
            active.append((suppression, rules))
    if not active:
        return Settled(findings, [], problems)
    used: list[set[str]] = [set() for _ in active]
    blanket_used = [False] * len(active)
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        justification: str | None = None
        if finding.rule_id not in _NEVER_SUPPRESSED:
            for index, (suppression, rules) in enumerate(active):
                if not _covers(suppression, finding):
                    continue
                if rules is None:
                    blanket_used[index] = True
                else:
                    matching = [prefix for prefix in rules if finding.rule_id.startswith(prefix)]
                    if not matching:
                        continue
                    used[index].update(matching)
                if justification is None:
                    justification = suppression.reason
        if justification is None:
            reported.append(finding)
        else:
            suppressed.append(finding._replace(justification=justification))
    for index, (suppression, rules) in enumerate(active):
        problem = _unused(suppression, rules, used[index], blanket_used[index], known, runs)
        if problem is not None:
            problems.append(problem)
    return Settled(reported, suppressed, problems)


def _check(
    suppression: Suppression,
    known: list[str],
    require_reason: bool,
    problems: list[SuppressionProblem],
) -> tuple[bool, tuple[str, ...] | None]:
    """Whether ``suppression`` suppresses anything, and its valid rule prefixes (``None``:
    every rule); what is wrong with it goes to ``problems``."""
    fix_reading = (
        f"write '{_EXAMPLE}'"
        if suppression.scope != "resource"
        else "write {rule: IB101, reason: <why this is acceptable>} entries under "
        "Metadata: {iblint: {ignore: [...]}}"
    )
    if suppression.invalid is not None:
        problems.append(
            SuppressionProblem(
                INVALID,
                suppression.span,
                f"{suppression.invalid}, so it suppresses nothing",
                fix_reading,
            )
        )
        return False, None
    rules: tuple[str, ...] | None = None
    if suppression.rules is not None:
        valid: list[str] = []
        for prefix, span in suppression.rules:
            if _VALID_PREFIX.fullmatch(prefix) and any(rule.startswith(prefix) for rule in known):
                valid.append(prefix)
                continue
            what = "no rule ID or prefix of one" if len(prefix) != 5 else "no rule"
            problems.append(
                SuppressionProblem(
                    UNKNOWN_RULE,
                    span,
                    f"the suppression names {shown(prefix)}, which is {what}, so it "
                    "suppresses nothing for it",
                    "correct the rule ID (`iblint rules` lists them) or remove it",
                )
            )
        if not valid:
            return False, None
        rules = tuple(dict.fromkeys(valid))
    if require_reason and not suppression.reason:
        named = ", ".join(rules) if rules is not None else "every rule"
        if suppression.scope == "resource":
            fix = "add reason: <why this is acceptable> to the entry"
        elif rules is None:
            fix = "give the reason after '--': '# iblint: ignore -- <why this is acceptable>'"
        else:
            fix = f"give the reason after the rule IDs: '# iblint: ignore {named} <why>'"
        problems.append(
            SuppressionProblem(
                NO_REASON,
                suppression.span,
                f"the suppression of {named} gives no reason, so it suppresses nothing",
                f"{fix} (or set require-reason = false in the configuration)",
            )
        )
        return False, None
    return True, rules


def _covers(suppression: Suppression, finding: Finding) -> bool:
    if suppression.scope == "file":
        return True
    if suppression.scope == "line":
        return suppression.target == finding.span.start_line
    return bool(finding.logical_path) and finding.logical_path[0] in (
        suppression.target if isinstance(suppression.target, tuple) else ()
    )


def _unused(
    suppression: Suppression,
    rules: tuple[str, ...] | None,
    used: set[str],
    blanket_used: bool,
    known: list[str],
    runs: Callable[[str], bool],
) -> SuppressionProblem | None:
    if rules is None:
        if blanket_used or not all(runs(rule) for rule in known if rule not in _NEVER_SUPPRESSED):
            return None
        unused: list[str] = []
        named = "every rule"
    else:
        unused = [
            prefix
            for prefix in rules
            if prefix not in used and all(runs(rule) for rule in known if rule.startswith(prefix))
        ]
        if not unused:
            return None
        named = ", ".join(unused)
    where = {
        "line": f"on line {suppression.target}",
        "file": "in this file",
        "resource": "in this resource",
    }[suppression.scope]
    whole = rules is None or len(unused) == len(rules)
    edits = (suppression.removal,) if whole and suppression.removal is not None else ()
    return SuppressionProblem(
        UNUSED,
        suppression.span,
        f"the suppression of {named} suppresses nothing: no such finding {where}",
        "remove the suppression" if whole else f"remove {named} from the suppression",
        edits,
    )
