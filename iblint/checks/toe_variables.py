"""IB611-IB612: variables in AWSTOE component documents: every ``{{ reference }}`` names a
parameter, a constant, the step's loop, or an earlier step (chaining); parameters and constants
are defined as AWSTOE reads them
(https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-user-defined-variables.html,
https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html#document-chaining).

Only text that has the shape of an AWSTOE reference is judged: a name, or names joined by dots
with list indexes (``{{ build.Download.inputs[0].destination }}``). Other uses of double braces
in a script (``{{ .Id }}`` for docker, ``{{ item | default('x') }}``, Image Builder's
``{{{ imagebuilder:parentImage }}}``) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from iblint import toe_modules as toe
from iblint.checks.toe import DOCUMENT, step_label
from iblint.checks.toe_walk import Step, did_you_mean, is_known, literal, phases, steps, type_name
from iblint.model import Mapping, Node, Problem, Resource, Scalar, Sequence, Span
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown

_REFERENCE = re.compile(r"(?<!\{)\{\{([^{}]*)\}\}(?!\})")
_PART = re.compile(r"([A-Za-z0-9_-]+)((?:\[[0-9]+\])*)")
_LOOP_MEMBERS = ("index", "value")
_CHAIN_MEMBERS = ("inputs", "outputs")


class Definitions(NamedTuple):
    #: Parameter and constant names; ``None`` when a definition cannot be read (then no
    #: simple reference is judged).
    variables: frozenset[str] | None
    #: Every step, in document order: (phase name, step name); ``None`` for a name known only
    #: at run time.
    order: list[tuple[str | None, str | None]]
    #: Where each (phase, step) first runs, in ``order``.
    positions: dict[tuple[str | None, str | None], int]
    #: Every phase and step has a literal name (else chaining is not judged).
    all_named: bool


def _definitions(document: Mapping) -> Definitions:
    names: set[str] = set()
    readable = True
    for section in ("parameters", "constants"):
        listed = document.get(section)
        if listed is None:
            continue
        if not isinstance(listed, Sequence):
            readable = False
            continue
        for item in listed.items:
            if isinstance(item, Mapping) and len(item.entries) == 1:
                names.update(item.entries)
            else:
                readable = False
    order = [(step.phase.name, step.name) for step in steps(document)]
    positions: dict[tuple[str | None, str | None], int] = {}
    for position, pair in enumerate(order):
        positions.setdefault(pair, position)
    all_named = all(name is not None for pair in order for name in pair)
    return Definitions(frozenset(names) if readable else None, order, positions, all_named)


def _strings(node: Node | None) -> Iterator[Scalar]:
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Scalar):
            if isinstance(current.value, str) and "{{" in current.value:
                yield current
        elif isinstance(current, Mapping):
            pending.extend(reversed(current.entries.values()))
        elif isinstance(current, Sequence):
            pending.extend(reversed(current.items))


def references(text: str) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Each AWSTOE-shaped reference in ``text``: as written, and its dotted parts as
    (name, indexes)."""
    for match in _REFERENCE.finditer(text):
        inner = match.group(1).strip()
        parts: list[tuple[str, str]] = []
        for token in inner.split("."):
            part = _PART.fullmatch(token)
            if part is None:
                parts = []
                break
            parts.append((part.group(1), part.group(2)))
        if parts:
            yield match.group(0), parts


@rule("IB611", DOCUMENT)
def undefined_variable(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    definitions = _definitions(document)
    all_phases = {phase.name for phase in phases(document)}
    for position, step in enumerate(steps(document)):
        loop = step.node.get("loop")
        loop_name = literal(loop.get("name")) if isinstance(loop, Mapping) else None
        has_loop = isinstance(loop, Mapping)
        places = (
            (step.node.get("inputs"), True),
            (step.node.get("if"), True),
            (loop, False),
        )
        for node, loop_allowed in places:
            for scalar in _strings(node):
                assert isinstance(scalar.value, str)
                reported: set[str] = set()
                for written, parts in references(scalar.value):
                    if written in reported:
                        continue
                    problem = _judge(
                        written,
                        parts,
                        step,
                        position,
                        definitions,
                        all_phases,
                        (has_loop, loop_name) if loop_allowed else None,
                    )
                    if problem is not None:
                        reported.add(written)
                        yield Problem(scalar.span, *problem)


def _judge(
    written: str,
    parts: list[tuple[str, str]],
    step: Step,
    position: int,
    definitions: Definitions,
    all_phases: set[str | None],
    loop: tuple[bool, str | None] | None,
) -> tuple[str, str] | None:
    """The message and fix for a reference that names nothing, else ``None``."""
    if _fine(parts, step, position, definitions, loop):
        return None  # the common case first: no message is made
    first, first_index = parts[0]
    where = step_label(step)
    shown_ref = shown(written)
    if len(parts) == 1 and not first_index:
        variables = definitions.variables
        assert variables is not None
        return (
            f"{shown_ref} in {where} names no parameter or constant of the document"
            f"{did_you_mean(first, variables)}",
            "define it under parameters or constants, or correct the name",
        )
    is_loop_name = first == "loop" or (
        loop is not None and loop[1] is not None and first == loop[1]
    )
    if is_loop_name and len(parts) == 2 and not first_index:
        if loop is None:
            return None  # in the loop construct itself: not judged
        has_loop, _ = loop
        if not has_loop:
            return (
                f"{shown_ref} in {where} refers to a loop, but the step has none: AWSTOE "
                "leaves the text as written",
                "add a loop to the step, or replace the reference",
            )
        member = parts[1][0]
        if member in _LOOP_MEMBERS and not parts[1][1]:
            return None
        return (
            f"{shown_ref} in {where}: a loop has only index and value"
            f"{did_you_mean(member, _LOOP_MEMBERS)}",
            f"use {shown(first)} with .index or .value, as in {{{{ loop.value }}}}",
        )
    if len(parts) < 3 or first_index or parts[1][1]:
        if len(parts) == 2 and parts[1][0] in _LOOP_MEMBERS and loop is not None:
            return (
                f"{shown_ref} in {where} names loop {shown(first)}, which is not this step's "
                "loop: a step can refer only to its own loop",
                "name the step's loop, or use {{ loop.index }} and {{ loop.value }}",
            )
        return (
            f"{shown_ref} in {where} names no parameter, constant, loop or earlier step",
            "correct the reference: a parameter or constant by name, a loop as "
            "{{ loop.value }}, an earlier step as {{ phase.step.outputs.name }}",
        )
    return _judge_chain(shown_ref, parts, step, position, definitions, all_phases)


def _fine(
    parts: list[tuple[str, str]],
    step: Step,
    position: int,
    definitions: Definitions,
    loop: tuple[bool, str | None] | None,
) -> bool:
    """Whether a reference surely names something (``_judge`` says why not, otherwise)."""
    first, first_index = parts[0]
    if first_index:
        return False
    if len(parts) == 1:
        return definitions.variables is None or first in definitions.variables
    if len(parts) == 2:
        if loop is None:
            return first == "loop"
        has_loop, loop_name = loop
        member, member_index = parts[1]
        named = first == "loop" or (loop_name is not None and first == loop_name)
        return has_loop and named and member in _LOOP_MEMBERS and not member_index
    phase_name, step_name, member = parts[0][0], parts[1][0], parts[2][0]
    if parts[1][1] or member not in _CHAIN_MEMBERS:
        return False
    if not definitions.all_named:
        return True
    first_run = definitions.positions.get((phase_name, step_name))
    if first_run is None or first_run >= position:
        return False
    current = step.phase.name
    return not (current in toe.TEST_STAGE_PHASES and phase_name in toe.BUILD_STAGE_PHASES)


def _judge_chain(
    shown_ref: str,
    parts: list[tuple[str, str]],
    step: Step,
    position: int,
    definitions: Definitions,
    all_phases: set[str | None],
) -> tuple[str, str] | None:
    where = step_label(step)
    phase_name, step_name, member = parts[0][0], parts[1][0], parts[2][0]
    fix = "name an earlier step as {{ phase.step.inputs[N].name }} or {{ phase.step.outputs.name }}"
    if member not in _CHAIN_MEMBERS:
        return (
            f"{shown_ref} in {where} is not a chaining expression: the third part is "
            f"{shown(member)}, not inputs or outputs{did_you_mean(member, _CHAIN_MEMBERS)}",
            fix,
        )
    order = definitions.order
    if not definitions.all_named:
        return None  # a phase or step named only at run time may be the one
    if phase_name not in all_phases:
        return (
            f"{shown_ref} in {where} names phase {shown(phase_name)}, which the document does "
            f"not have{did_you_mean(phase_name, [name for name in all_phases if name])}",
            fix,
        )
    target = (phase_name, step_name)
    first_run = definitions.positions.get(target)
    if first_run is None:
        names = [name for phase, name in order if phase == phase_name and name]
        return (
            f"{shown_ref} in {where} names step {shown(step_name)}, which phase "
            f"{shown(phase_name)} does not have{did_you_mean(step_name, names)}",
            fix,
        )
    if first_run >= position:
        return (
            f"{shown_ref} in {where} names a step that has not run yet: chaining reads the "
            "inputs and outputs of earlier steps",
            "move the step it names before this one, or name an earlier step",
        )
    current = step.phase.name
    if current in toe.TEST_STAGE_PHASES and phase_name in toe.BUILD_STAGE_PHASES:
        return (
            f"{shown_ref} in {where} reaches from the test stage into phase "
            f"{shown(phase_name)} of the build stage: Image Builder runs the two stages "
            "separately, so nothing is chained between them",
            "repeat the step in the test or container-host-test phase and chain from there",
        )
    return None


@rule("IB612", DOCUMENT)
def invalid_variable_definition(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    for section, kind in (("parameters", "parameter"), ("constants", "constant")):
        listed = document.get(section)
        if listed is None or not is_known(listed):
            continue
        shape = f"each {kind} is a one-key mapping: `- Name:` followed by its type" + (
            ", default and description" if kind == "parameter" else " and value"
        )
        if not isinstance(listed, Sequence):
            yield Problem(
                listed.span,
                f"{section} is {type_name(listed)}: AWSTOE takes a list, and {shape}",
                f"write {section} as a list of `- Name:` entries",
            )
            continue
        for item in listed.items:
            if not isinstance(item, Mapping) or len(item.entries) != 1:
                if is_known(item):
                    yield Problem(
                        item.span,
                        f"a {kind} of the document is {type_name(item)} with "
                        f"{len(item.entries) if isinstance(item, Mapping) else 0} members: "
                        f"{shape}",
                        f"write the {kind} as `- Name:` with its settings indented below",
                    )
                continue
            ((name, definition),) = item.entries.items()
            yield from _definition(kind, name, definition, shape)


def _definition(kind: str, name: str, definition: Node, shape: str) -> Iterator[Problem]:
    name_span: Span = definition.key_span or definition.span
    if not toe.VARIABLE_NAME.fullmatch(name):
        yield Problem(
            name_span,
            f"{kind} name {shown(name)} is not 3 to 128 letters, digits, dashes or underscores",
            f"rename the {kind}, and the references to it",
        )
    if not isinstance(definition, Mapping):
        if is_known(definition):
            yield Problem(
                definition.span,
                f"{kind} {shown(name)} is defined as {type_name(definition)}: {shape}",
                f"give the {kind}'s type"
                + (" and default" if kind == "parameter" else " and value")
                + " as a mapping under its name",
            )
        return
    type_node = definition.get("type")
    if type_node is None:
        yield Problem(
            name_span,
            f"{kind} {shown(name)} has no type: AWSTOE requires one, and supports string",
            f"add `type: string` to the {kind}",
        )
    elif is_known(type_node) and literal(type_node) not in toe.VARIABLE_TYPES:
        text = literal(type_node)
        what = shown(text) if text is not None else type_name(type_node)
        yield Problem(
            type_node.span,
            f"{kind} {shown(name)} has type {what}: AWSTOE supports only string"
            f"{did_you_mean(text or '', toe.VARIABLE_TYPES)}",
            "set `type: string` (a value is always text; convert it where it is used)",
        )
    if kind == "constant" and "value" not in definition.entries:
        yield Problem(
            name_span,
            f"constant {shown(name)} has no value: a constant needs one",
            "add `value:` to the constant, or make it a parameter with a default",
        )
