"""The registry of rule implementations.

A check module declares what it checks with :func:`rule`; the engine stamps the rule ID,
name and severity (from the rule's spec) on what the check reports. Input problems found by
loaders are :class:`iblint.problems.InputProblemKind` values, which are IB0xx rule IDs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from iblint.model import Problem, Resource, ResourceKind

if TYPE_CHECKING:
    from iblint.catalog import ComponentCatalog


class CheckContext(NamedTuple):
    """What a check may consult besides the resource: its options and the component catalog."""

    options: dict[str, Any]
    catalog: ComponentCatalog | None = None


CheckFunction = Callable[[Resource, CheckContext], Iterable[Problem]]


class RuleImplementation(NamedTuple):
    rule_id: str
    kinds: frozenset[ResourceKind]
    check: CheckFunction
    needs_catalog: bool = False


RULES: dict[str, RuleImplementation] = {}


_CHECK_MODULES = ("imds", "ebs", "images", "components")


def rule(
    rule_id: str, *kinds: ResourceKind, needs_catalog: bool = False
) -> Callable[[CheckFunction], CheckFunction]:
    """Registers ``check`` as the implementation of ``rule_id`` for resources of ``kinds``.

    ``needs_catalog``: the check consults the component catalog, so it runs once every file
    has been read.
    """

    def register(check: CheckFunction) -> CheckFunction:
        if rule_id in RULES:
            raise ValueError(f"{rule_id} is registered twice")
        RULES[rule_id] = RuleImplementation(rule_id, frozenset(kinds), check, needs_catalog)
        return check

    return register


def load_checks() -> dict[str, RuleImplementation]:
    """Imports every check module (once) and returns the registry."""
    for module in _CHECK_MODULES:
        importlib.import_module(f"iblint.checks.{module}")
    return RULES


def all_rule_ids() -> set[str]:
    from iblint.problems import InputProblemKind

    return set(load_checks()) | {kind.rule_id for kind in InputProblemKind}
