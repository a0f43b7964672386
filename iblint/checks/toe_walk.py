"""Readers shared by the AWSTOE component document checks (IB6xx): the phases and steps of a
document, literal values, and did-you-mean suggestions.

A value that holds a ``{{ variable }}`` is known only when AWSTOE runs the document, so it is
unknown to every check but the one about variables, as is a Terraform expression inside a
``yamlencode`` object."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from iblint.checks.values import closest, last_only
from iblint.model import Mapping, Node, Scalar, Sequence
from iblint.text_safety import shown


class Phase(NamedTuple):
    position: int
    node: Mapping
    #: The phase's literal name (``None``: absent, not a string, or a variable).
    name: str | None


class Step(NamedTuple):
    phase: Phase
    position: int
    node: Mapping
    name: str | None
    action: str | None


class _Walked(NamedTuple):
    phases: list[Phase]
    steps: list[Step]


#: Every rule of a resource walks the same document in turn, so it is walked once.
@last_only
def _walk(document: Mapping) -> _Walked:
    found_phases: list[Phase] = []
    found_steps: list[Step] = []
    listed = document.get("phases")
    for index, item in enumerate(listed.items if isinstance(listed, Sequence) else ()):
        if not isinstance(item, Mapping):
            continue
        phase = Phase(index, item, literal(item.get("name")))
        found_phases.append(phase)
        listed_steps = item.get("steps")
        if not isinstance(listed_steps, Sequence):
            continue
        for position, step in enumerate(listed_steps.items):
            if isinstance(step, Mapping):
                name, action = literal(step.get("name")), literal(step.get("action"))
                found_steps.append(Step(phase, position, step, name, action))
    return _Walked(found_phases, found_steps)


def phases(document: Mapping) -> list[Phase]:
    """The phases of a document that are mappings, in order."""
    return _walk(document).phases


def steps(document: Mapping) -> list[Step]:
    """The steps of every phase that are mappings, in document order."""
    return _walk(document).steps


def has_variable(node: Node | None) -> bool:
    return isinstance(node, Scalar) and isinstance(node.value, str) and "{{" in node.value


def literal(node: Node | None) -> str | None:
    """The string a node holds when it is known before AWSTOE runs (no ``{{ variable }}``)."""
    if isinstance(node, Scalar) and isinstance(node.value, str) and "{{" not in node.value:
        return node.value
    return None


def is_known(node: Node | None) -> bool:
    """A literal that no variable or expression replaces (a string, number, boolean, null,
    or a list or mapping)."""
    if isinstance(node, Scalar):
        return not has_variable(node)
    return isinstance(node, Mapping | Sequence)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'X'?"`` for the closest choice to a near miss, else ``""``."""
    match = closest(word, choices)
    return f"; did you mean {shown(match)}?" if match is not None and match != word else ""


def type_name(node: Node) -> str:
    """What a node is, for messages: ``a list``, ``a mapping``, ``the number 5``."""
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Scalar):
        value = node.value
        if value is None:
            return "empty (null)"
        if isinstance(value, bool):
            return f"the boolean {str(value).lower()}"
        if isinstance(value, int | float):
            return f"the number {value}"
        return f"the string {shown(value)}"
    return "a value known only when it runs"


def where(node: Node) -> str:
    """``12:7``: a node's position, for messages that point at an earlier one."""
    span = node.span
    return f"{span.start_line}:{span.start_col}"
