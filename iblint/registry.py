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
    #: The path findings in the checked file report (set for rules that ask: ``wants_file``).
    file: str = ""
    #: The resources of the checked file and those declared beside it, of the kinds the
    #: rule relates to (set for rules that relate resources: ``relates``).
    resources: FileResources | None = None


CheckFunction = Callable[[Resource, CheckContext], Iterable[Problem]]


class FileResources:
    """The resources of one checked file, and those declared beside it that are checked
    elsewhere (the other files of its Terraform module), for rules that relate resources: an
    infrastructure configuration and the pipelines that build on it. Made once per file, when
    a rule first asks; ``memo`` keeps what a rule derives from them once per file."""

    __slots__ = ("_by_name", "all", "memo")

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.all: tuple[Resource, ...] = tuple(resources)
        self._by_name: dict[str, list[Resource]] | None = None
        self.memo: dict[str, Any] = {}

    def named(self, name: str) -> list[Resource]:
        """Every declaration called ``name`` (an ``Fn::If`` around a whole ``Properties``
        makes one per branch)."""
        if self._by_name is None:
            self._by_name = {}
            for resource in self.all:
                self._by_name.setdefault(resource.name, []).append(resource)
        return self._by_name.get(name, [])


class RuleImplementation(NamedTuple):
    rule_id: str
    kinds: frozenset[ResourceKind]
    check: CheckFunction
    needs_catalog: bool = False
    #: The check reads the file's path from its context (a user's policy: its ``file``).
    wants_file: bool = False
    #: The kinds of the file's other resources the check looks up (:class:`FileResources`);
    #: it sees no other kind there.
    relates: frozenset[ResourceKind] = frozenset()
    #: The top-level members the check reads (``None``: any). A check that waits for the
    #: catalog keeps only these of each resource until every file is read, and only if they
    #: hold a literal value (catalog rules resolve literal references): memory stays flat.
    reads: frozenset[str] | None = None


RULES: dict[str, RuleImplementation] = {}


_CHECK_MODULES = (
    "imds",
    "ebs",
    "images",
    "components",
    "toe",
    "toe_variables",
    "toe_constructs",
    "shapes",
)


def rule(
    rule_id: str,
    *kinds: ResourceKind,
    needs_catalog: bool = False,
    relates: tuple[ResourceKind, ...] = (),
    reads: tuple[str, ...] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Registers ``check`` as the implementation of ``rule_id`` for resources of ``kinds``.

    ``needs_catalog``: the check consults the component catalog, so it runs once every file
    has been read. ``relates``: the kinds of the file's other resources the check looks up
    (``context.resources`` holds those kinds only). ``reads``: the only top-level members
    the check reads.
    """

    def register(check: CheckFunction) -> CheckFunction:
        if rule_id in RULES:
            raise ValueError(f"{rule_id} is registered twice")
        RULES[rule_id] = RuleImplementation(
            rule_id,
            frozenset(kinds),
            check,
            needs_catalog,
            relates=frozenset(relates),
            reads=frozenset(reads) if reads is not None else None,
        )
        return check

    return register


def load_checks() -> dict[str, RuleImplementation]:
    """Imports every check module (once) and returns the registry."""
    for module in _CHECK_MODULES:
        importlib.import_module(f"iblint.checks.{module}")
    return RULES


def related_kinds(rules: Iterable[RuleImplementation]) -> frozenset[ResourceKind]:
    """The kinds of resources that ``rules`` relate others to: what a part of a file checked
    in several processes reads of the other parts (:class:`iblint.model.Portion`)."""
    return frozenset(kind for implementation in rules for kind in implementation.relates)


def all_rule_ids() -> set[str]:
    from iblint.problems import InputProblemKind
    from iblint.suppressions import SUPPRESSION_RULES

    return set(load_checks()) | {kind.rule_id for kind in InputProblemKind} | SUPPRESSION_RULES
