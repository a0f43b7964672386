"""IB613-IB614: the loops and conditions of AWSTOE steps
(https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-looping-constructs.html,
https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-conditional-constructs.html,
https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-comparison-operators.html).

A condition is a mapping with exactly one operator at its top: a comparison operator
(``stringEquals`` with its ``value``, ``fileSHA256Equals`` with its ``path``, ``fileExists``
alone) or a logical one (``and`` and ``or`` over a list of conditions, ``not`` over one),
nested at most four deep. An ``if`` may add ``then`` and ``else`` (Abort, Execute or Skip); the
inputs of an Assert step are one condition. The documentation writes an operator in other case
once (``stringlessThan``), so case alone is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from iblint import toe_modules as toe
from iblint.checks.toe import DOCUMENT, step_label
from iblint.checks.toe_walk import did_you_mean, is_known, literal, steps, type_name
from iblint.checks.values import integer_of
from iblint.model import Mapping, Node, Problem, Resource, Scalar, Sequence
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown

_COMPARISONS = {name.lower(): name for name in toe.COMPARISON_OPERATORS}
_OPERATORS = (*toe.COMPARISON_OPERATORS, *toe.LOGICAL_OPERATORS)
_COMPANIONS = frozenset(value for value in toe.COMPARISON_OPERATORS.values() if value)


@rule("IB613", DOCUMENT)
def invalid_loop(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        loop = step.node.get("loop")
        if loop is None or not is_known(loop):
            continue
        where = f"the loop of {step_label(step)}"
        if not isinstance(loop, Mapping):
            yield Problem(
                loop.span,
                f"{where} is {type_name(loop)}: a loop is a mapping with for or forEach",
                "write the loop as `loop:` with a `for:` or a `forEach:` below it",
            )
            continue
        kinds = [name for name in ("for", "forEach") if name in loop.entries]
        if not kinds:
            yield Problem(
                loop.anchor,
                f"{where} has neither for nor forEach: AWSTOE needs exactly one of them",
                "add `for:` (start, end, updateBy) or `forEach:` (a list of values)",
            )
            continue
        if len(kinds) == 2:
            yield Problem(
                loop.entries["forEach"].anchor,
                f"{where} has both for and forEach: AWSTOE takes exactly one of them",
                "split the step in two, one per loop",
            )
            continue
        if kinds == ["for"]:
            yield from _for(loop.entries["for"], where)
        else:
            yield from _for_each(loop.entries["forEach"], where)


def _for(node: Node, where: str) -> Iterator[Problem]:
    if not is_known(node):
        return
    if not isinstance(node, Mapping):
        yield Problem(
            node.span,
            f"for of {where} is {type_name(node)}: it takes start, end and updateBy",
            "give `for:` its start, end and updateBy, each a whole number",
        )
        return
    numbers: dict[str, int] = {}
    for name in toe.FOR_KEYS:
        value = node.get(name)
        if value is None:
            yield Problem(
                node.anchor,
                f"for of {where} has no {name}: a for loop needs start, end and updateBy",
                f"add {name} to the for loop",
            )
            continue
        if not is_known(value):
            continue
        number = integer_of(value)
        if number is None or (isinstance(value, Scalar) and isinstance(value.value, bool)):
            yield Problem(
                value.span,
                f"{name} of {where} is {type_name(value)}: it must be a whole number",
                f"set {name} to a whole number",
            )
            continue
        numbers[name] = number
    step_by = numbers.get("updateBy")
    if step_by == 0:
        yield Problem(
            node.entries["updateBy"].span,
            f"updateBy of {where} is 0: the loop would never end",
            "set updateBy to a positive or negative whole number",
        )
    elif step_by is not None and "start" in numbers and "end" in numbers:
        start, end = numbers["start"], numbers["end"]
        if (end - start) * step_by < 0:
            yield Problem(
                node.entries["updateBy"].span,
                f"updateBy of {where} is {step_by}, which moves away from end ({start} to "
                f"{end}): AWSTOE refuses a loop that never ends",
                f"set updateBy to {-step_by}, or swap start and end",
            )


def _for_each(node: Node, where: str) -> Iterator[Problem]:
    if not is_known(node):
        return
    if isinstance(node, Sequence):
        if not node.items:
            yield Problem(
                node.span,
                f"forEach of {where} is an empty list: there is nothing to iterate over",
                "list the values, or remove the loop",
            )
        for item in node.items:
            if isinstance(item, Mapping | Sequence):
                yield Problem(
                    item.span,
                    f"a value of forEach of {where} is {type_name(item)}: loops iterate over "
                    "strings",
                    "write each value as a string",
                )
        return
    if not isinstance(node, Mapping):
        yield Problem(
            node.span,
            f"forEach of {where} is {type_name(node)}: it takes a list of values, or a list "
            "string with its delimiter",
            "write `forEach:` as a list, or as `list:` and `delimiter:`",
        )
        return
    if "list" not in node.entries:
        yield Problem(
            node.anchor,
            f"forEach of {where} has no list: a delimited loop needs the list to split",
            "add `list:` with the values joined by the delimiter",
        )
    delimiter = node.get("delimiter")
    text = literal(delimiter)
    valid = text is not None and len(text) == 1 and text in toe.DELIMITERS
    if delimiter is not None and is_known(delimiter) and not valid:
        what = shown(text) if text is not None else type_name(delimiter)
        yield Problem(
            delimiter.span,
            f"delimiter of {where} is {what}: AWSTOE takes one character of '.,;:\\n\\t -_'",
            "use one of those characters (a comma is the default)",
        )


@rule("IB614", DOCUMENT)
def invalid_condition(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        condition = step.node.get("if")
        if condition is not None and is_known(condition):
            where = f"the if of {step_label(step)}"
            items = condition.items if isinstance(condition, Sequence) else [condition]
            for item in items:
                yield from _condition(item, where, depth=0, branches=True)
        if step.action == "Assert":
            inputs = step.node.get("inputs")
            if inputs is not None and is_known(inputs) and not _is_null(inputs):
                where = f"the condition of Assert {step_label(step)}"
                yield from _condition(inputs, where, depth=0, branches=False)


def _is_null(node: Node) -> bool:
    return isinstance(node, Scalar) and node.value is None


def _condition(node: Node, where: str, depth: int, branches: bool) -> Iterator[Problem]:
    if not is_known(node):
        return
    if not isinstance(node, Mapping):
        yield Problem(
            node.span,
            f"{where} is {type_name(node)}: a condition is a mapping with one comparison or "
            "logical operator",
            "write the condition as, for example, `fileExists: /path` or `and: [...]`",
        )
        return
    operators: list[str] = []
    for key, value in node.entries.items():
        canonical = _COMPARISONS.get(key.lower()) or (key if key in toe.LOGICAL_OPERATORS else None)
        if canonical is not None:
            operators.append(key)
            continue
        if key in _COMPANIONS or (branches and key in toe.IF_BRANCHES):
            continue
        yield Problem(
            value.key_span or value.span,
            f"{shown(key)} in {where} is not a comparison or logical operator"
            f"{did_you_mean(key, _OPERATORS)}",
            "use a documented operator (stringEquals, numberGreaterThan, fileExists, and, or, "
            "not, ...)",
        )
    if branches:
        for branch in toe.IF_BRANCHES:
            action = node.get(branch)
            if action is not None and is_known(action) and literal(action) not in toe.STEP_ACTIONS:
                text = literal(action)
                what = shown(text) if text is not None else type_name(action)
                yield Problem(
                    action.span,
                    f"{branch} of {where} is {what}: it takes Abort, Execute or Skip"
                    f"{did_you_mean(text or '', toe.STEP_ACTIONS)}",
                    f"set {branch} to Abort, Execute or Skip",
                )
    if not operators:
        if not any(key not in toe.IF_BRANCHES for key in node.entries):
            yield Problem(
                node.anchor,
                f"{where} has no operator: a condition needs one comparison or logical operator",
                "add the comparison, for example `fileExists: /path`",
            )
        return
    if len(operators) > 1:
        second = node.entries[operators[1]]
        yield Problem(
            second.key_span or second.span,
            f"{where} has {len(operators)} operators ({', '.join(shown(key) for key in operators)}): a condition "
            "holds exactly one at its top",
            "combine the comparisons with and, or or not",
        )
        return
    (operator,) = operators
    value = node.entries[operator]
    if operator in toe.LOGICAL_OPERATORS:
        yield from _logical(operator, value, where, depth)
        return
    canonical = _COMPARISONS[operator.lower()]
    companion = toe.COMPARISON_OPERATORS[canonical]
    strays = [other for other in sorted(_COMPANIONS) if other in node.entries]
    strays = [other for other in strays if other != companion]
    for other in strays:
        stray = node.entries[other]
        if companion is not None and companion not in node.entries:
            message = f"{canonical} in {where} compares with {companion}, not {other}"
            fix = f"rename {other} to {companion}"
        else:
            needs = f"takes {companion}" if companion else "takes no second value"
            message = f"{other} in {where} is not used by {canonical}, which {needs}"
            fix = f"remove {other}"
        yield Problem(stray.key_span or stray.span, message, fix)
    if companion is not None and companion not in node.entries and not strays:
        yield Problem(
            value.key_span or value.span,
            f"{canonical} in {where} has no {companion}: it compares with the {companion} "
            "given beside it",
            f"add `{companion}:` beside {canonical}",
        )
    if isinstance(value, Mapping | Sequence):
        yield Problem(
            value.span,
            f"{canonical} in {where} is {type_name(value)}: it compares a single value",
            f"give {canonical} a string or a number",
        )


def _logical(operator: str, value: Node, where: str, depth: int) -> Iterator[Problem]:
    if depth + 1 > toe.MAX_CONDITION_DEPTH:
        yield Problem(
            value.key_span or value.span,
            f"{where} nests logical operators more than {toe.MAX_CONDITION_DEPTH} deep: AWSTOE "
            "refuses the document",
            "flatten the condition (and/or take several conditions at one level)",
        )
        return
    if not is_known(value):
        return
    if operator == "not":
        yield from _condition(value, where, depth + 1, branches=False)
        return
    if not isinstance(value, Sequence) or not value.items:
        what = "an empty list" if isinstance(value, Sequence) else type_name(value)
        yield Problem(
            value.span,
            f"{operator} in {where} is {what}: it takes a list of conditions",
            f"list the conditions under `{operator}:`, each starting with `- `",
        )
        return
    for item in value.items:
        yield from _condition(item, where, depth + 1, branches=False)
