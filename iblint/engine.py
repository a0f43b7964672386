"""The engine: load files, build the component catalog, run the rules that apply to each
resource, stamp rule ID, name and severity, apply selection and inline suppressions, sort."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import NamedTuple

from iblint import problems as input_problems
from iblint.budget import OverBudget, file_budget
from iblint.catalog import ComponentCatalog
from iblint.config import Config
from iblint.dialects import RunCache
from iblint.discover import Discovered
from iblint.errors import IblintError
from iblint.loading import load_catalog, load_path, load_text
from iblint.model import (
    Finding,
    InputProblem,
    LoadedFile,
    Problem,
    Resource,
    ResourceKind,
    Severity,
)
from iblint.problems import InputProblemKind
from iblint.registry import CheckContext, load_checks
from iblint.specs import RuleEntry, rule_index
from iblint.suppressions import is_suppressed


class CatalogError(IblintError):
    """A ``--catalog`` file that cannot be used; a usage error."""


class Report(NamedTuple):
    findings: list[Finding]
    files_checked: int

    @property
    def has_findings(self) -> bool:
        return bool(self.findings)


class TextSource(NamedTuple):
    """A document given as text (the library's ``check_text``, standard input): ``name``'s
    suffix picks the parser, and ``name`` is the path findings report."""

    text: str
    name: str


def check_files(files: Iterable[Discovered | TextSource], config: Config) -> Report:
    """Checks files found by :func:`iblint.discover.discover`, or given as text."""
    # Node trees hold no reference cycles, so the cyclic garbage collector finds nothing and
    # only rescans the growing heap: pausing it cut a 1000-template run by a third.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_files(files, config)
    finally:
        if collecting:
            gc.enable()


def _check_files(files: Iterable[Discovered | TextSource], config: Config) -> Report:
    """Streams: each file is loaded and checked, then dropped, so memory and time stay linear
    in the input. Rules that consult the component catalog need every catalog document of the
    run first; only the resources they check are kept until the end."""
    # The spec declares the default; the loader's own limit stands in should it not.
    max_bytes: int = config.rule_options("IB003")["max_bytes"]  # validated, default in spec
    cache = RunCache()
    catalog = _catalog_from_files(config)
    run = _Run(config, catalog)
    files_checked = 0
    findings: list[Finding] = []
    waiting: list[LoadedFile] = []
    seconds: float = config.rule_options("IB007")["max_seconds"]
    for source in files:
        files_checked += 1
        display = source.name if isinstance(source, TextSource) else source.display
        try:
            with file_budget(seconds):
                loaded = _load(source, max_bytes, cache)
                file_findings = run.check(loaded, catalog_rules=False)
        except OverBudget:
            findings.extend(run.over_budget(display, seconds))
            continue
        catalog.add_resources(loaded.resources)
        findings.extend(file_findings)
        loaded.resources = [r for r in loaded.resources if run.needs_catalog(r)]
        if loaded.resources:
            loaded.input_problems = []
            waiting.append(loaded)
    for loaded in waiting:
        try:
            with file_budget(seconds):
                file_findings = run.check(loaded, catalog_rules=True)
        except OverBudget:
            file_findings = run.over_budget(loaded.path, seconds)
        findings.extend(file_findings)
    findings.sort(key=lambda finding: finding.sort_key)
    return Report(findings, files_checked)


def _load(source: Discovered | TextSource, max_bytes: int, cache: RunCache) -> LoadedFile:
    if isinstance(source, TextSource):
        return load_text(source.text, source.name, cache=cache)
    if source.problem is not None:  # what the walk must not or cannot open
        loaded = LoadedFile(source.display)
        loaded.input_problems.append(source.problem)
        return loaded
    return load_path(source.path, source.display, max_bytes, cache, source.follow_symlinks)


def _catalog_from_files(config: Config) -> ComponentCatalog:
    catalog = ComponentCatalog()
    for catalog_path in config.catalogs:
        catalog_file = load_catalog(catalog_path)
        catalog.add_resources(catalog_file.resources)
        has_entries = any(
            resource.kind is ResourceKind.COMPONENT_CATALOG_ENTRY
            for resource in catalog_file.resources
        )
        if not has_entries and not catalog_file.is_listing:
            causes = "; ".join(_catalog_causes(catalog_file.problems))
            raise CatalogError(
                f"{catalog_path}: {causes + ', so it ' if causes else ''}holds no component "
                "catalog document (GetComponent, ListComponentBuildVersions or ListComponents "
                "output)"
            )
    return catalog


def _catalog_causes(problems: list[InputProblem]) -> list[str]:
    """Why a catalog file yielded nothing, each cause with its position."""
    causes = []
    for problem in problems:
        message = problem.message
        head, separator, rest = message.partition(": ")
        where = f"{problem.span.start_line}:{problem.span.start_col}"
        if problem.kind == InputProblemKind.UNREADABLE:
            causes.append(message)
        elif separator:
            causes.append(f"{head} at {where}: {rest}")
        else:
            causes.append(f"{message} (at {where})")
    return causes


class _Run:
    """The selected rules with their options, applied file by file."""

    def __init__(self, config: Config, catalog: ComponentCatalog) -> None:
        self.config = config
        self.rules = load_checks()
        self.index = rule_index()
        #: Severity overrides by upper-case rule ID (a library caller may write "ib101").
        self.severities = {key.strip().upper(): value for key, value in config.severity.items()}
        self.contexts = {
            rule_id: CheckContext(
                config.rule_options(rule_id, self.index[rule_id].options), catalog
            )
            for rule_id in self.rules
            if config.is_selected(rule_id)
        }
        self.catalog_kinds = {
            kind
            for rule_id in self.contexts
            if self.rules[rule_id].needs_catalog
            for kind in self.rules[rule_id].kinds
        }

    def over_budget(self, path: str, seconds: float) -> list[Finding]:
        """What is reported for a file abandoned past its time budget (IB007): only that,
        since whatever was found before the budget ran out may be incomplete."""
        if not self.config.is_selected("IB007"):
            return []
        problem = input_problems.over_budget(seconds)
        return [_stamp(self.index["IB007"], self.severities, path, problem)]

    def needs_catalog(self, resource: Resource) -> bool:
        return resource.kind in self.catalog_kinds

    def check(self, loaded: LoadedFile, catalog_rules: bool | None) -> list[Finding]:
        """Findings of one file: input problems, then the rules; ``catalog_rules`` picks the
        rules that need the catalog (True), the others (False) or all of them (None)."""
        config, index = self.config, self.index
        findings: list[Finding] = []
        for input_problem in loaded.input_problems:
            rule_id = InputProblemKind(input_problem.kind).rule_id
            if config.is_selected(rule_id):
                findings.append(_stamp(index[rule_id], self.severities, loaded.path, input_problem))
        for resource in loaded.resources:
            for rule_id, context in self.contexts.items():
                implementation = self.rules[rule_id]
                if resource.kind not in implementation.kinds:
                    continue
                if catalog_rules is not None and implementation.needs_catalog != catalog_rules:
                    continue
                for problem in implementation.check(resource, context):
                    problem = _in_context(problem, resource, loaded)
                    findings.append(_stamp(index[rule_id], self.severities, loaded.path, problem))
        if loaded.suppressions:
            findings = [f for f in findings if not is_suppressed(f, loaded.suppressions)]
        return _unique(findings)


def _in_context(problem: Problem, resource: Resource, loaded: LoadedFile) -> Problem:
    """Adds what the place alone does not say: where a value came from (a Terraform variable's
    default, a YAML anchor), and which resource the finding is about where the place is shared
    (a plan's one line, a block repeated by an alias)."""
    message = problem.message
    origin = loaded.origins.get(problem.span)
    if origin is not None:
        message = f"{message} ({origin})"
    if resource.named_in_messages or problem.span in loaded.aliased:
        message = f"{resource.name}: {message}"
    return problem._replace(message=message) if message != problem.message else problem


def _stamp(
    entry: RuleEntry, severities: dict[str, Severity], path: str, problem: Problem | InputProblem
) -> Finding:
    severity = severities.get(entry.rule_id, entry.severity)
    return Finding(
        entry.rule_id, entry.name, severity, path, problem.span, problem.message, problem.fix
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drops repeats (the same rule, place and message reached through two Fn::If branches)."""
    seen: set[tuple[str, object, str]] = set()
    unique = []
    for finding in findings:
        key = (finding.rule_id, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique
