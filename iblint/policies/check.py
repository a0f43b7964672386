"""A policy as a rule implementation: the engine runs it on each resource of its kinds, as it
runs a built-in check, and stamps its ID, name and severity on what it reports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from iblint.model import Node, Problem, Resource
from iblint.policies import KIND_NAMES, Policy
from iblint.policies.evaluate import Program, run, value_of, worlds
from iblint.policies.paths import Assignment, Subject, anchor, position, select
from iblint.registry import CheckContext, RuleImplementation

_FAILED_FIX = (
    "correct the policy's expression: test a member that may be absent with has() before "
    "reading it, and compare values of the same type"
)


class _Values:
    """The plain values of the resource being checked, shared by every policy of the run: the
    engine checks one resource with each rule in turn, so one slot is enough."""

    __slots__ = ("body", "value")

    def __init__(self) -> None:
        self.body: Node | None = None
        self.value: Any = None

    def of(self, body: Node, assignment: Assignment) -> Any:
        if assignment:
            return value_of(body, assignment)
        if self.body is not body:
            self.body = body
            self.value = value_of(body, assignment)
        return self.value


def implementation(policy: Policy, shared: dict[str, Any]) -> RuleImplementation:
    values = shared.setdefault("values", _Values())
    program = policy.program
    assert program is not None

    def check(resource: Resource, context: CheckContext) -> Iterator[Problem]:
        yield from _check(policy, program, values, resource, context.file)

    return RuleImplementation(policy.id, frozenset(policy.kinds), check, wants_file=True)


def _check(
    policy: Policy, program: Program, values: _Values, resource: Resource, file: str
) -> Iterator[Problem]:
    body = resource.body
    subjects = [Subject(body, {})] if policy.each is None else list(select(body, policy.each, {}))
    base = {"kind": KIND_NAMES.get(resource.kind, ""), "name": resource.name, "file": file}
    for subject in subjects:
        roots: dict[str, Node] = {"resource": body, "item": subject.node}
        for world in worlds(roots, program.reads, subject.assignment):
            data = {**base, "resource": values.of(body, world)}
            if policy.each is not None:
                data["item"] = value_of(subject.node, world)
            result = run(program, data)
            if result.error is not None:
                where = anchor(subject.node) if policy.each is not None else resource.anchor
                yield Problem(where, f"the policy's expression failed: {result.error}", _FAILED_FIX)
            elif not result.holds:
                if policy.at is not None:
                    where = position(subject.node, policy.at, world)
                elif policy.each is not None:
                    where = anchor(subject.node)
                else:
                    where = resource.anchor
                yield Problem(where, policy.message, policy.fix)
