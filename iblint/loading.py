"""From a file on disk (or text) to a :class:`LoadedFile`: resources plus input problems.

The pipeline for one file: read its bytes (bounded; :func:`load_path`), decode them, pick the
dialects that may read a file of its name (:mod:`iblint.dialects`), parse the text with their
syntax (:mod:`iblint.syntax`), and let the first dialect that claims each document turn it into
resources. Files are classified by content, not by name. A file that is not an Image Builder
definition yields nothing at all, not even a syntax error, unless its raw text mentions Image
Builder structurally (pre-commit hands us every YAML and JSON file, Helm templates included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from iblint import problems as input_problems
from iblint.dialects import (
    Dialect,
    LoadContext,
    RunCache,
    Syntax,
    dialects_for,
    has_known_suffix,
    is_supporting_file,
)
from iblint.model import InputProblem, LoadedFile, Node, Portion, Resource, Span
from iblint.parallel import leave_document
from iblint.reading import (
    SNIFF_BYTES,
    decode,
    mentions_image_builder,
    over_limit,
    read_file,
    read_text,
)
from iblint.suppressions import find_suppressions
from iblint.syntax.limits import MAX_FILE_BYTES, SizeLimits, utf8_size_over


def load_path(
    path: Path,
    display_path: str,
    max_bytes: int = MAX_FILE_BYTES,
    cache: RunCache | None = None,
    follow_symlinks: bool = True,
    limits: SizeLimits | None = None,
) -> LoadedFile:
    """Reads (only a regular file, never past ``max_bytes``) and loads one file; never raises
    for anything about the file itself."""
    loaded = LoadedFile(display_path)
    if is_supporting_file(display_path):
        return loaded  # read by a dialect for the files it checks, never checked alone
    data = _read(path, max_bytes, follow_symlinks, limits)
    if not isinstance(data, bytes):
        return _with_problem(loaded, data)
    return _load_decoded(data, display_path, loaded, path, cache, limits)  # within the limits


def _read(
    path: Path, max_bytes: int, follow_symlinks: bool, limits: SizeLimits | None
) -> bytes | InputProblem | None:
    """A file's bytes, read as every file is: up to ``max_bytes``, and on to the plan's own
    limit when its first bytes say it is a plan."""
    larger = _larger(max_bytes, limits)
    return read_file(path, max_bytes, follow_symlinks=follow_symlinks, larger=larger)


def load_bytes(
    data: bytes,
    display_path: str,
    loaded: LoadedFile | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    path: Path | None = None,
    cache: RunCache | None = None,
    limits: SizeLimits | None = None,
) -> LoadedFile:
    """Loads a file's bytes; ``path`` (the file on disk) lets Terraform read its module."""
    loaded = loaded or LoadedFile(display_path)
    if is_supporting_file(display_path):
        return loaded
    if len(data) > max_bytes:
        larger = _larger(max_bytes, limits)
        admitted = over_limit(len(data), data[:SNIFF_BYTES], max_bytes, larger)
        if not isinstance(admitted, int):
            return _with_problem(loaded, admitted)
    return _load_decoded(data, display_path, loaded, path, cache, limits)


def read_plan_text(
    path: Path, display_path: str, follow_symlinks: bool, limits: SizeLimits
) -> str | None:
    """The text of a file that its first bytes say may be a Terraform plan, read and decoded
    as :func:`load_path` reads a file; ``None`` for any other file, or one that cannot be
    read or decoded (:func:`load_path` then says why)."""
    if is_supporting_file(display_path):
        return None
    data = _read(path, limits.any, follow_symlinks, limits)
    if not isinstance(data, bytes) or not _may_be_plan(data[:SNIFF_BYTES]):
        return None
    text = decode(data)
    return text if isinstance(text, str) else None


def load_part(
    text: str,
    display_path: str,
    path: Path | None,
    cache: RunCache,
    limits: SizeLimits,
    portion: Portion,
) -> LoadedFile:
    """Part ``portion`` of a large plan that several processes check, each its part
    (:mod:`iblint.parallel`), its text read once by :func:`read_plan_text`. The first part
    reports what the file as a whole gives (every resource, when it cannot be read in parts);
    each other part gives only its own resources, and nothing when the file cannot be read
    in parts."""
    return load_text(text, display_path, LoadedFile(display_path), path, cache, limits, portion)


def _larger(
    max_bytes: int, limits: SizeLimits | None
) -> tuple[int, Callable[[bytes], bool]] | None:
    """:func:`iblint.reading.read_file`'s ``larger``: a plan's own limit, if above the file's."""
    plan_bytes = (limits or SizeLimits()).plan
    return (plan_bytes, _may_be_plan) if plan_bytes > max_bytes else None


def _load_decoded(
    data: bytes,
    display_path: str,
    loaded: LoadedFile,
    path: Path | None,
    cache: RunCache | None,
    limits: SizeLimits | None,
) -> LoadedFile:
    text = decode(data)
    if not isinstance(text, str):
        return _with_problem(loaded, text)
    return load_text(text, display_path, loaded, path, cache, limits)


def _with_problem(loaded: LoadedFile, problem: InputProblem | None) -> LoadedFile:
    """``loaded`` with ``problem``, if there is one (``None``: a file skipped quietly)."""
    if problem is not None:
        loaded.input_problems.append(problem)
    return loaded


def load_text(
    text: str,
    display_path: str,
    loaded: LoadedFile | None = None,
    path: Path | None = None,
    cache: RunCache | None = None,
    limits: SizeLimits | None = None,
    portion: Portion | None = None,
) -> LoadedFile:
    """Parses ``text`` (named ``display_path``) and lets the dialects that may read a file of
    that name claim each document; ``path`` (the file on disk) lets Terraform read its
    module, ``cache`` is the run's; ``portion``: see :func:`load_part`."""
    loaded = loaded or LoadedFile(display_path)
    text = text.removeprefix("\ufeff")  # text given directly may still carry its BOM
    if is_supporting_file(display_path):
        return loaded
    candidates = _triggered(text, dialects_for(display_path))
    if not candidates:
        return loaded  # nothing here can make it an Image Builder document: skip the parse
    syntax = candidates[0].syntax
    alias_origins: dict[Span, str] = {}
    limits = limits or SizeLimits()
    documents, problems, has_comments = _parse(
        text, syntax, display_path, alias_origins, limits, portion
    )
    if portion is not None and not portion.is_first:
        # Not read in parts: the first part reads it whole. A part read is the plan
        # dialect's to claim (_read_plan reads whole what another dialect claims first).
        if not _is_plan_part(documents):
            return loaded
        problems = []  # the first part reports what the file as a whole gives
    context = LoadContext(path, cache, text, limits)
    resources: list[Resource] = []
    for document in documents:
        for dialect in candidates:
            if dialect.claims(document):
                resources.extend(dialect.resources(document, context))
                break
    problems.extend(context.problems)
    leave_document(documents)  # what the resources were not made of goes at exit, not now
    # A file we could not parse, or whose problems (a duplicate key overriding an Image
    # Builder resource) leave no resource, is worth a word only if it is plausibly ours: a
    # known suffix, and Image Builder mentioned structurally (a Helm template is not).
    plausible = (
        (not documents or problems)
        and has_known_suffix(display_path)
        and mentions_image_builder(text)
    )
    if resources or plausible:
        loaded.resources.extend(resources)
        loaded.input_problems.extend(problems)
        loaded.origins.update(context.origins)
        loaded.related.extend(context.related)
        loaded.origins.update(alias_origins)
        loaded.aliased.update(alias_origins)
        if has_comments:  # JSON has no comments: "iblint: ignore" there is in a string
            loaded.suppressions = find_suppressions(text, hcl=syntax is Syntax.HCL)
    return loaded


def load_component_file(
    path: Path,
    display_path: str,
    max_bytes: int = MAX_FILE_BYTES,
    follow_symlinks: bool = True,
    limits: SizeLimits | None = None,
) -> LoadedFile:
    """A file a Terraform component reads as its ``data`` with ``file("...")``
    (:mod:`iblint.dialects.component_files`): loaded as any file is, and when that finds
    nothing, read as the component document it must be, so that what cannot be read, decoded
    or parsed is reported there, and a document not recognisable as one is checked all the
    same."""
    loaded = LoadedFile(display_path)
    # ``None``: bytes decode() skips quietly (binary, or bad UTF-8 not naming Image Builder).
    text = read_text(path, max_bytes, follow_symlinks=follow_symlinks, always_report=True)
    if not isinstance(text, str):
        loaded.input_problems.append(
            text
            or input_problems.unreadable(
                "the file is not UTF-8 text; it was not checked", "save the file as UTF-8"
            )
        )
        return loaded
    load_text(text, display_path, loaded, limits=limits)
    if loaded.resources or loaded.input_problems:
        return loaded  # what the same file gives when the walk reaches it
    from iblint.dialects.component_files import as_component_document

    alias_origins: dict[Span, str] = {}
    limits = limits or SizeLimits()
    documents, problems, has_comments = _parse(
        text, Syntax.DATA, display_path, alias_origins, limits
    )
    loaded.resources.extend(as_component_document(documents, bool(problems)))
    loaded.input_problems.extend(problems)
    loaded.origins.update(alias_origins)
    loaded.aliased.update(alias_origins)
    if has_comments:
        loaded.suppressions = find_suppressions(text)
    return loaded


class CatalogFile(NamedTuple):
    """A ``--catalog`` file, read and parsed once."""

    resources: list[Resource]
    #: A ListComponents/ListComponentBuildVersions document, even an empty one.
    is_listing: bool
    #: Why it yielded nothing, if it could not be read or parsed.
    problems: list[InputProblem]


def load_catalog(path: Path) -> CatalogFile:
    """A file named as a component catalog: unlike a checked file, its problems are kept
    whatever it holds, since it must be a catalog document."""
    from iblint.dialects import api_documents

    text = read_text(path, MAX_FILE_BYTES, always_report=True)
    if not isinstance(text, str):
        problem = text or input_problems.unreadable("a binary file, not a catalog document")
        return CatalogFile([], False, [problem])
    # By content, not suffix: `aws ... --output yaml > catalog.json` happens.
    documents, problems, _ = _parse(text, Syntax.DATA, "", None, SizeLimits())
    context = LoadContext(None)
    resources = [
        resource
        for document in documents
        for resource in api_documents.resources(document, context)
    ]
    listing = any(api_documents.is_catalog_listing(document) for document in documents)
    return CatalogFile(resources, listing, problems)


def _parse(
    text: str,
    syntax: Syntax,
    display_path: str,
    alias_origins: dict[Span, str] | None,
    limits: SizeLimits,
    portion: Portion | None = None,
) -> tuple[list[Node], list[InputProblem], bool]:
    """The documents, the problems, and whether the text may hold comments (YAML, HCL)."""
    if syntax is Syntax.HCL:
        from iblint.syntax.hcl_tree import parse_hcl

        data = text.encode("utf-8", "surrogatepass")
        if len(data) > limits.hcl:
            return [], [input_problems.too_large_for(len(data), limits.hcl, "HCL")], True
        hcl_root, hcl_problems = parse_hcl(data)
        return ([hcl_root] if hcl_root is not None else []), hcl_problems, True
    if syntax is Syntax.JSON:
        from iblint.syntax.json_tree import parse_json

        root, problems = parse_json(text)
        return ([root] if root is not None else []), problems, False
    is_json_name = display_path.lower().endswith(".json")
    if is_json_name or text.lstrip()[:1] in ("{", "["):
        plan = _read_plan(text, portion, display_path)
        if plan is not None:
            return plan
        from iblint.syntax.json_tree import parse_json

        root, problems = parse_json(text)
        if root is not None:
            return [root], problems, False
        if is_json_name:
            return [], problems, False
        yaml_documents, yaml_problems = _parse_yaml(text, alias_origins, limits)
        if yaml_documents:
            return yaml_documents, yaml_problems, True
        return [], problems, False
    return (*_parse_yaml(text, alias_origins, limits), True)


#: The dialect that reads a plan in parts (:func:`load_part`).
_PLAN = "terraform-plan"


def _triggered(text: str, dialects: Iterable[Dialect]) -> list[Dialect]:
    """The ``dialects`` one of whose (lower-case) triggers ``text`` holds in any case. As
    written is looked at first: lower-casing a large text copies it."""
    lowered: str | None = None
    found = []
    for dialect in dialects:
        if not any(trigger in text for trigger in dialect.triggers):
            if lowered is None:
                lowered = text.lower()
            if not any(trigger in lowered for trigger in dialect.triggers):
                continue
        found.append(dialect)
    return found


def _is_plan_part(documents: list[Node]) -> bool:
    from iblint.dialects.terraform_plan import PlanPart

    return len(documents) == 1 and isinstance(documents[0], PlanPart)


def _may_be_plan(head: bytes | str) -> bool:
    """Whether a file's first bytes say it can be a Terraform plan (read up to its own limit)."""
    from iblint.dialects.plan_selection import may_be_plan

    return may_be_plan(head)


def _read_plan(
    text: str, portion: Portion | None = None, display_path: str = ""
) -> tuple[list[Node], list[InputProblem], bool] | None:
    """A Terraform plan read for the parts its dialect reads (a large plan is read at
    ``json.loads`` speed: :mod:`iblint.dialects.plan_selection`); ``None`` if not a plan,
    or if a dialect asked before the plan's claims it (an AWSTOE document's members beside
    a plan's): that dialect reads the whole document. A part other than the first of a plan
    that cannot be read in parts reads nothing."""
    later_part = portion is not None and not portion.is_first
    if not _may_be_plan(text[:SNIFF_BYTES]):
        return ([], [], False) if later_part else None
    from iblint.dialects.plan_selection import read_plan

    selected = read_plan(text, portion)
    if selected is None:
        return ([], [], False) if later_part else None
    root, problems = selected
    if root is not None and _claimed_before_the_plan(root, display_path):
        return ([], [], False) if later_part else None
    return ([root] if root is not None else []), problems, False


def _claimed_before_the_plan(root: Node, display_path: str) -> bool:
    """Whether a dialect asked before the plan's claims ``root``."""
    for dialect in dialects_for(display_path):
        if dialect.name == _PLAN:
            return False
        if dialect.syntax is Syntax.DATA and dialect.claims(root):
            return True
    return False


def _parse_yaml(
    text: str, alias_origins: dict[Span, str] | None, limits: SizeLimits
) -> tuple[list[Node], list[InputProblem]]:
    from iblint.syntax.yaml_tree import parse_yaml

    size = utf8_size_over(text, limits.yaml)
    if size:
        return [], [input_problems.too_large_for(size, limits.yaml, "YAML")]

    return parse_yaml(text, alias_origins)
