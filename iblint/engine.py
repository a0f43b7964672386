"""The engine: load files, build the component catalog, run the rules that apply to each
resource, stamp rule ID, name and severity, apply selection and inline suppressions, sort."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from iblint import problems as input_problems
from iblint.budget import OverBudget, file_budget
from iblint.catalog import ComponentCatalog
from iblint.config import Config
from iblint.dialects import RunCache
from iblint.dialects.component_files import ReferencedFile, file_references
from iblint.discover import Discovered, FilePart
from iblint.errors import IblintError
from iblint.loading import load_catalog, load_component_file, load_part, load_path, load_text
from iblint.logical_paths import PathIndex
from iblint.model import (
    Choice,
    Finding,
    InputProblem,
    LoadedFile,
    Mapping,
    Node,
    Problem,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Severity,
    Unknown,
)
from iblint.parallel import freeze_what_is_left, leave_to_exit
from iblint.problems import InputProblemKind
from iblint.registry import CheckContext, FileResources, load_checks, related_kinds
from iblint.specs import RuleEntry, rule_index
from iblint.suppressions import Suppression, metadata_suppressions, settle
from iblint.syntax.limits import SizeLimits


class CatalogError(IblintError):
    """A ``--catalog`` file that cannot be used; a usage error."""


class Report(NamedTuple):
    findings: list[Finding]
    files_checked: int
    #: Findings an ``iblint: ignore`` comment or a resource's Metadata suppresses, each with
    #: the reason as its ``justification`` (SARIF keeps them as suppressed results).
    suppressed: tuple[Finding, ...] = ()
    #: Findings the baseline (``Config.baseline``) already records: not reported.
    baselined: tuple[Finding, ...] = ()

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
        report = _check_files(files, config)
    finally:
        if collecting:
            freeze_what_is_left()
            gc.enable()
    if config.baseline is not None:
        from iblint.baseline import apply_baseline

        report = apply_baseline(report, config.baseline)
    return report


def _check_files(files: Iterable[Discovered | TextSource], config: Config) -> Report:
    """Streams: each file is loaded and checked, then dropped, so memory and time stay linear
    in the input. Rules that consult the component catalog need every catalog document of the
    run first; only the resources they check are kept until the end. With several processes
    (``jobs``), each checks its share of the files that way and the catalog rules run here."""
    catalog = _catalog_from_files(config)
    run = _Run(config, catalog)
    from iblint.parallel import handed_out

    sources: Iterable[Discovered | FilePart | TextSource] = files
    parts, processes = handed_out(sources, config.jobs, _plan_cutter(run))
    if len(parts) == 1:
        first = _first_pass(parts[0], run, catalog)
    else:
        from iblint.parallel import in_processes

        complete = _parts_of_one_file(parts)
        cache = RunCache()  # each forked process has its own copy

        def first_pass(part: Iterable[Discovered | FilePart | TextSource]) -> _Partial:
            return _first_pass(part, run, catalog, True, complete, cache)

        partials = in_processes(parts, first_pass, processes)
        first = _Partial.merged(partials)
        for partial in partials:  # the forked shares' catalog entries (adding one again: a no-op)
            catalog.add_resources(partial.catalog_entries)
    findings, suppressed = first.findings, first.suppressed
    seconds: float = config.rule_options("IB007")["max_seconds"]
    for loaded, state, earlier in first.waiting:
        try:
            with file_budget(seconds):
                file_findings = run.check(loaded, catalog_rules=True)
        except OverBudget:
            run.settle(state, earlier, findings, suppressed)
            findings.extend(run.over_budget(loaded.path, seconds))
            continue
        run.settle(state, earlier + file_findings, findings, suppressed)
    if len(parts) > 1:
        # Each part of a file checked in parts that ran out of time reported it.
        findings = _over_budget_once(findings)
    findings.sort(key=lambda finding: finding.sort_key)
    suppressed.sort(key=lambda finding: finding.sort_key)
    return Report(findings, first.files_checked, tuple(suppressed))


def _parts_of_one_file(shares: list[Iterable[Discovered | FilePart | TextSource]]) -> bool:
    """Whether the shares are the parts of one file (a large plan checked in parts) and
    nothing else: then no other file can add to the catalog, and only the part that reads
    the whole file (the first, when it cannot be read in parts) may, for its own resources.
    Each part then runs the catalog rules itself, and sends back no waiting resources."""
    sources = [source for share in shares for source in share]  # listed: shares() lists them
    first = sources[0] if sources else None
    return isinstance(first, FilePart) and all(
        isinstance(source, FilePart) and source.text is first.text for source in sources
    )


class _Partial(NamedTuple):
    """What checking a share of the files gives before the catalog rules run."""

    files_checked: int
    findings: list[Finding]
    suppressed: list[Finding]
    #: The files whose resources wait for the catalog rules.
    waiting: _WaitingFiles
    #: The catalog documents' resources found (only where another process needs them).
    catalog_entries: list[Resource]

    @staticmethod
    def merged(partials: list[_Partial]) -> _Partial:
        return _Partial(
            sum(partial.files_checked for partial in partials),
            [finding for partial in partials for finding in partial.findings],
            [finding for partial in partials for finding in partial.suppressed],
            _WaitingFiles.merged([partial.waiting for partial in partials]),
            [entry for partial in partials for entry in partial.catalog_entries],
        )


def size_limits(config: Config) -> SizeLimits:
    """The run's IB003 size limits, by format; a plan's never below any file's."""
    sizes = config.rule_options("IB003")  # validated, defaults in the spec
    max_bytes: int = sizes["max_bytes"]
    return SizeLimits(
        max_bytes,
        min(max_bytes, sizes["max_yaml_bytes"]),
        min(max_bytes, sizes["max_hcl_bytes"]),
        max(max_bytes, sizes["max_plan_bytes"]),  # a plan may be larger than other files
    )


def _plan_cutter(run: _Run) -> Callable[[object, int], list[FilePart]]:
    """What cuts a file into up to ``count`` parts when it is a Terraform plan large enough to
    be checked faster by several processes (:func:`iblint.parallel.plan_parts`). The texts of
    the plans cut are held until their parts are checked: no more than one plan's size limit
    in all (IB003 ``max_plan_bytes``); a plan past that is checked whole, as files are."""
    from iblint.parallel import plan_parts, text_plan_parts

    limits = run.limits
    room = limits.plan

    def parts_of(source: object, count: int) -> list[FilePart]:
        nonlocal room
        if isinstance(source, Discovered):
            parts = plan_parts(source, count, limits, run.related_kinds, room)
        elif isinstance(source, TextSource):
            parts = text_plan_parts(source, count, run.related_kinds, room)
        else:
            return []
        room -= len(parts[0].text) if parts else 0
        return parts

    return parts_of


def _first_pass(
    files: Iterable[Discovered | FilePart | TextSource],
    run: _Run,
    catalog: ComponentCatalog,
    keep_catalog_entries: bool = False,
    catalog_complete: bool = False,
    cache: RunCache | None = None,
) -> _Partial:
    """Loads and checks ``files`` with every rule but the catalog ones, adding what they hold
    of the catalog to ``catalog``; with ``catalog_complete`` (no other file of the run can
    add to it), with the catalog rules too, and nothing waits."""
    config, limits = run.config, run.limits
    cache = cache or RunCache()  # one a process: its shares read the same modules
    references = file_references(cache)  # documents Terraform reads with file("...")
    partial = _Partial(0, [], [], _WaitingFiles(), [])
    findings, suppressed, waiting = partial.findings, partial.suppressed, partial.waiting
    files_checked = 0
    seconds: float = config.rule_options("IB007")["max_seconds"]
    for source in references.sources(files, config):
        if not isinstance(source, FilePart) or source.portion.is_first:
            files_checked += 1  # a file checked in parts counts once
        display = source.name if isinstance(source, TextSource) else source.display
        leave_to_exit(None)  # the previous file's tree goes before this one is built
        try:
            with file_budget(seconds):
                loaded = _load(source, limits, cache)
                references.note(source, loaded)
                if catalog_complete:
                    catalog.add_resources(loaded.resources)
                file_findings = run.check(loaded, catalog_rules=None if catalog_complete else False)
        except OverBudget:
            findings.extend(run.over_budget(display, seconds))
            continue
        leave_to_exit((loaded.resources, loaded.related))  # all but what waits goes below
        if catalog_complete:
            run.settle(run.file_state(loaded, source), file_findings, findings, suppressed)
            continue
        catalog.add_resources(loaded.resources)
        if keep_catalog_entries:
            partial.catalog_entries.extend(
                resource
                for resource in loaded.resources
                if resource.kind is ResourceKind.COMPONENT_CATALOG_ENTRY
            )
        state = run.file_state(loaded, source)
        kept = [run.kept_for_catalog(r) for r in loaded.resources if run.needs_catalog(r)]
        loaded.resources = [resource for resource in kept if resource is not None]
        if not loaded.resources or not state.suppressions:
            # No suppression to settle together with the catalog rules' findings: settled now.
            run.settle(state, file_findings, findings, suppressed)
            file_findings = []
        if loaded.resources:
            loaded.input_problems = []
            if not run.catalog_relates:
                loaded.related = []  # no rule that waits looks them up
            waiting.append((loaded, state, file_findings))
    if keep_catalog_entries:  # one share of several
        waiting.seal()
    return partial._replace(files_checked=files_checked)


#: How many waiting files are packed together (and the first that many are not packed: a
#: pre-commit run on a few files neither packs nor imports pickle).
_BATCH = 64

_Entry = tuple[LoadedFile, "_FileState", list[Finding]]


class _WaitingFiles:
    """The files waiting for the catalog rules, in order, packed by batches of :data:`_BATCH`.

    What a waiting file keeps is small, but its objects are made between each file's
    short-lived tree nodes, so thousands of them would pin most of the heap's memory pages
    (measured: 35 MiB at 5,000 templates, against 5 MiB of packed bytes). A full batch is
    pickled into one bytes object (in-process, from iblint's own objects only; a batch that
    cannot be pickled is kept as it is), and read back when the catalog rules run.
    """

    __slots__ = ("batches", "current")

    def __init__(self) -> None:
        self.batches: list[bytes | list[_Entry]] = []
        self.current: list[_Entry] = []

    def append(self, entry: _Entry) -> None:
        self.current.append(entry)
        if len(self.current) >= _BATCH:
            self.seal()

    def seal(self) -> None:
        """Packs the entries not packed yet: a share among many is done, and the few entries
        each would leave unpacked would add up."""
        if self.current:
            self.batches.append(_packed(self.current))
            self.current = []

    @staticmethod
    def merged(parts: list[_WaitingFiles]) -> _WaitingFiles:
        merged = _WaitingFiles()
        for part in parts:
            merged.batches += [*part.batches, part.current]
        return merged

    def __iter__(self) -> Iterator[_Entry]:
        for batch in self.batches:
            yield from _unpacked(batch) if isinstance(batch, bytes) else batch
        yield from self.current


def _packed(entries: list[_Entry]) -> bytes | list[_Entry]:
    import pickle

    try:
        return pickle.dumps(entries, pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return entries  # kept as objects: more memory, same result


def _unpacked(packed: bytes) -> list[_Entry]:
    import pickle

    entries: list[_Entry] = pickle.loads(packed)  # packed by _packed in this process
    return entries


class _FileState(NamedTuple):
    """What a file's findings are settled with once all its rules have run."""

    path: str
    suppressions: list[Suppression]
    #: Rule IDs or prefixes ``per-file-ignores`` turns off for this file.
    ignored: tuple[str, ...]


def _load(
    source: Discovered | FilePart | TextSource, limits: SizeLimits, cache: RunCache
) -> LoadedFile:
    if isinstance(source, FilePart):
        return load_part(source.text, source.display, source.path, cache, limits, source.portion)
    if isinstance(source, TextSource):
        return load_text(source.text, source.name, cache=cache, limits=limits)
    if source.problem is not None:  # what the walk must not or cannot open
        loaded = LoadedFile(source.display)
        loaded.input_problems.append(source.problem)
        return loaded
    if isinstance(source, ReferencedFile):
        return load_component_file(
            source.path, source.display, limits.any, source.follow_symlinks, limits
        )
    return load_path(source.path, source.display, limits.any, cache, source.follow_symlinks, limits)


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
        self.limits = size_limits(config)
        self.rules = load_checks()
        self.index = rule_index()
        if config.policy_set:  # the users' own policies are rules of this run
            self.rules = {**self.rules, **config.policy_set.implementations()}
            self.index = {**self.index, **config.policy_set.entries()}
        #: Severity overrides by upper-case rule ID (a library caller may write "ib101").
        self.severities = {key.strip().upper(): value for key, value in config.severity.items()}
        self.contexts = {
            rule_id: CheckContext(
                config.rule_options(rule_id, self.index[rule_id].options), catalog
            )
            for rule_id in self.rules
            if config.is_selected(rule_id)
        }
        waiting = [
            self.rules[rule_id] for rule_id in self.contexts if self.rules[rule_id].needs_catalog
        ]
        self.catalog_reads: frozenset[str] | None = (
            frozenset().union(*(rule.reads for rule in waiting if rule.reads is not None))
            if all(rule.reads is not None for rule in waiting)
            else None
        )
        #: The selected rules of each resource kind and whether they wait for the catalog, in
        #: registry order: each resource asks only the rules that apply to it now.
        self.rules_by_kind: dict[tuple[ResourceKind, bool], list[tuple[str, CheckContext]]] = {}
        for rule_id, context in self.contexts.items():
            implementation = self.rules[rule_id]
            for kind in implementation.kinds:
                key = (kind, implementation.needs_catalog)
                self.rules_by_kind.setdefault(key, []).append((rule_id, context))
        self.catalog_kinds = {kind for kind, waits in self.rules_by_kind if waits}
        #: Whether a rule that waits for the catalog looks up a file's other resources.
        self.catalog_relates = any(rule.relates for rule in waiting)
        #: What a part of a file checked in several processes reads of the other parts.
        self.related_kinds = related_kinds(self.rules[rule_id] for rule_id in self.contexts)

    def over_budget(self, path: str, seconds: float) -> list[Finding]:
        """What is reported for a file abandoned past its time budget (IB007): only that,
        since whatever was found before the budget ran out may be incomplete."""
        if not self.config.is_selected("IB007"):
            return []
        problem = input_problems.over_budget(seconds)
        return [_stamp(self.index["IB007"], self.severities, path, problem)]

    def kept_for_catalog(self, resource: Resource) -> Resource | None:
        """What of ``resource`` waits for the catalog: only the members the waiting rules read
        (a recipe's ``components``), so memory does not grow with every recipe's whole tree;
        ``None`` when those members hold no literal value, since the catalog rules resolve
        literal references only."""
        reads = self.catalog_reads
        body = resource.body
        if reads is None or type(body) is not Mapping:  # a plan's open mapping stays whole
            return resource
        done: dict[int, Node | None] = {}
        kept = {
            name: pruned
            for name, node in body.entries.items()
            if name in reads and (pruned := _literal_parts(node, done)) is not None
        }
        if not kept:
            return None
        return resource._replace(body=Mapping(kept, body.span, body.key_span))

    def needs_catalog(self, resource: Resource) -> bool:
        return resource.kind in self.catalog_kinds

    def file_state(
        self, loaded: LoadedFile, source: Discovered | FilePart | TextSource
    ) -> _FileState:
        """The file's suppressions (comments, and its resources' Metadata) and the rules
        ``per-file-ignores`` turns off for it; taken before its resources are dropped."""
        suppressions = loaded.suppressions + metadata_suppressions(loaded.resources)
        ignored: tuple[str, ...] = ()
        if self.config.per_file_ignores:
            from iblint.exclusions import per_file_ignored

            ignored = per_file_ignored(self.config, source_path(source))
        return _FileState(loaded.path, suppressions, ignored)

    def runs(self, rule_id: str, ignored: tuple[str, ...]) -> bool:
        """Whether ``rule_id`` is reported for a file where ``ignored`` rules are off."""
        return self.config.is_selected(rule_id) and not rule_id.startswith(ignored)

    def settle(
        self,
        state: _FileState,
        file_findings: list[Finding],
        findings: list[Finding],
        suppressed: list[Finding],
    ) -> None:
        """Adds a file's findings to ``findings``, those suppressed to ``suppressed``, and the
        findings about its suppressions (IB008-IB011)."""
        ignored = state.ignored
        kept = (
            [f for f in file_findings if not f.rule_id.startswith(ignored)]
            if ignored
            else file_findings
        )
        if state.suppressions:
            settled = settle(
                kept,
                state.suppressions,
                self.index,
                lambda rule_id: self.runs(rule_id, ignored),
                self.config.require_reason,
            )
            kept = settled.reported
            suppressed.extend(settled.suppressed)
            for item in settled.problems:
                if self.runs(item.rule_id, ignored):
                    problem = Problem(item.span, item.message, item.fix)
                    finding = _stamp(self.index[item.rule_id], self.severities, state.path, problem)
                    kept.append(finding._replace(edits=item.edits))
        findings.extend(kept)

    def check(self, loaded: LoadedFile, catalog_rules: bool | None) -> list[Finding]:
        """Findings of one file: input problems, then the rules; ``catalog_rules`` picks the
        rules that need the catalog (True) or the others (False), or all of them (None)."""
        config, index = self.config, self.index
        findings: list[Finding] = []
        for input_problem in loaded.input_problems:
            rule_id = InputProblemKind(input_problem.kind).rule_id
            if config.is_selected(rule_id):
                findings.append(_stamp(index[rule_id], self.severities, loaded.path, input_problem))
        related: dict[frozenset[ResourceKind], FileResources] = {}  # made when a rule asks
        by_kind = self.rules_by_kind
        for resource in loaded.resources:
            paths = PathIndex(resource)
            if catalog_rules is None:
                applicable = [
                    *by_kind.get((resource.kind, False), ()),
                    *by_kind.get((resource.kind, True), ()),
                ]
            else:
                applicable = by_kind.get((resource.kind, catalog_rules), [])
            for rule_id, context in applicable:
                implementation = self.rules[rule_id]
                if implementation.wants_file:
                    context = context._replace(file=loaded.path)
                if implementation.relates:
                    kinds = implementation.relates
                    if kinds not in related:
                        related[kinds] = FileResources(
                            other
                            for other in (*loaded.resources, *loaded.related)
                            if other.kind in kinds
                        )
                    context = context._replace(resources=related[kinds])
                for problem in implementation.check(resource, context):
                    # A value written elsewhere (a variable's default, a YAML anchor) is not
                    # fixed where the finding points.
                    borrowed = problem.span in loaded.origins or problem.span in loaded.aliased
                    problem = _in_context(problem, resource, loaded)
                    finding = _stamp(index[rule_id], self.severities, loaded.path, problem)
                    findings.append(_placed(finding, resource, paths, fixable=not borrowed))
        return _unique(findings)


def _literal_parts(node: Node, done: dict[int, Node | None]) -> Node | None:
    """``node`` with each part that holds no literal replaced by an :class:`Unknown` where it
    was (list items keep their places, so logical paths do not change); ``None`` when no
    literal is anywhere in it. What a catalog rule can read, in less memory. ``done``: the
    nodes already pruned (YAML aliases share them): linear in the number of distinct nodes."""
    key = id(node)
    if key in done:
        return done[key]
    pruned: Node | None = None
    if isinstance(node, Scalar):
        pruned = node if node.value is not None else None
    elif isinstance(node, Mapping):
        entries = {name: _literal_parts(value, done) for name, value in node.entries.items()}
        if any(value is not None for value in entries.values()):
            kept = {name: _placed_for(value, node.entries[name]) for name, value in entries.items()}
            pruned = Mapping(kept, node.span, node.key_span, node.source_names)
    elif isinstance(node, Sequence):
        items = [_literal_parts(item, done) for item in node.items]
        if any(item is not None for item in items):
            kept_items = [_placed_for(item, node.items[i]) for i, item in enumerate(items)]
            pruned = Sequence(kept_items, node.span, node.key_span)
    elif isinstance(node, Choice):
        branches = [None if b is None else _literal_parts(b, done) for b in node.branches]
        if any(branch is not None for branch in branches):
            kept_branches: list[Node | None] = [
                None if original is None else _placed_for(branch, original)
                for branch, original in zip(branches, node.branches, strict=True)
            ]
            pruned = Choice(kept_branches, node.span, node.key_span)
    done[key] = pruned
    return pruned


def _placed_for(pruned: Node | None, original: Node) -> Node:
    """``pruned``, or where it held no literal an :class:`Unknown` in ``original``'s place."""
    return pruned if pruned is not None else Unknown("", original.span, original.key_span)


def source_path(source: Discovered | FilePart | TextSource) -> str:
    """The file a source stands for, absolute (a text's name is taken from the working
    directory)."""
    if isinstance(source, FilePart):
        return source_path(source.file)
    return os.path.abspath(source.name if isinstance(source, TextSource) else source.path)


def _placed(
    finding: Finding, resource: Resource, paths: PathIndex, fixable: bool = True
) -> Finding:
    """``finding`` with its logical path and, for a rule with a safe fix, its edits."""
    from iblint.fixes import FIXERS

    located = paths.locate(finding.span)
    path = located.path if located is not None else (resource.name,)
    fixer = FIXERS.get(finding.rule_id) if fixable else None
    edits = fixer(located, resource) if fixer is not None and located is not None else ()
    return finding._replace(logical_path=path, edits=edits)


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


def _over_budget_once(findings: list[Finding]) -> list[Finding]:
    """Drops repeats of a file's IB007 (each part of a file checked in parts reports its
    own); nothing else is touched, so that a part that reported another's finding shows."""
    seen: set[tuple[str, object, str]] = set()
    kept = []
    for finding in findings:
        if finding.rule_id == "IB007":
            key = (finding.path, finding.span, finding.message)
            if key in seen:
                continue
            seen.add(key)
        kept.append(finding)
    return kept


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
