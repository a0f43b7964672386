"""The normalised document model shared by loaders, rules, engine and reporters.

Loaders turn a file into :class:`Resource` objects whose bodies are trees of :class:`Node`
objects keyed by Image Builder API member names. Every node carries the :class:`Span` it came
from in the original file, so a rule only points at a node and never deals with line numbers.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from iblint.suppressions import Suppression


class Span(NamedTuple):
    """A region of the original file: 1-based lines and columns, end column exclusive."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int


FILE_START = Span(1, 1, 1, 1)


class Node:
    """A value in a normalised document.

    ``key_span`` is the span of the mapping key that holds this node (``None`` for list items
    and the root); it anchors findings about something missing inside the node.
    """

    __slots__ = ("key_span", "span")

    def __init__(self, span: Span, key_span: Span | None = None) -> None:
        self.span = span
        self.key_span = key_span

    # Each node class says how it is made again from its slots (``__reduce__``): pickled
    # nodes (files waiting for the catalog rules, another process's results) are then made
    # by their constructor, twice as fast as from a dictionary of slots and a third smaller.
    # A subclass with slots of its own must say it again (``tests/test_node_pickling.py``).
    def __reduce__(self) -> tuple[Any, ...]:
        return (Node, (self.span, self.key_span))

    @property
    def anchor(self) -> Span:
        """Where a finding about this node as a whole points: its key if it has one."""
        return self.key_span or self.span


class Scalar(Node):
    """A literal: str, int, float, bool or None."""

    __slots__ = ("value",)

    def __init__(
        self, value: str | int | float | bool | None, span: Span, key_span: Span | None = None
    ) -> None:
        # Here and in the other node classes, the slots are set directly rather than through
        # ``super().__init__``: a file's load makes nodes by the hundred, a run by the million.
        self.span = span
        self.key_span = key_span
        self.value = value

    def __reduce__(self) -> tuple[Any, ...]:
        return (Scalar, (self.value, self.span, self.key_span))

    def __repr__(self) -> str:
        return f"Scalar({self.value!r})"


class Unknown(Node):
    """A value that cannot be known before deployment (an intrinsic, an expression).

    ``what`` names it for messages, e.g. ``Ref`` or ``Fn::Sub``. ``may_be_null``: whether the
    value may turn out to be null, which leaves the member unset (a Terraform expression may;
    a CloudFormation intrinsic always yields a value, so the member is set).
    """

    __slots__ = ("may_be_null", "what")

    def __init__(
        self, what: str, span: Span, key_span: Span | None = None, may_be_null: bool = False
    ) -> None:
        self.span = span
        self.key_span = key_span
        self.what = what
        self.may_be_null = may_be_null

    def __reduce__(self) -> tuple[Any, ...]:
        return (Unknown, (self.what, self.span, self.key_span, self.may_be_null))

    def __repr__(self) -> str:
        return f"Unknown({self.what!r})"


class Reference(Unknown):
    """An unknown value that reads the ARN of another resource declared beside it: ``target`` is
    that resource's name as :attr:`Resource.name` gives it (a CloudFormation logical ID from
    ``!Ref X`` or ``!GetAtt X.Arn``, a Terraform address ``TYPE.NAME`` from ``TYPE.NAME.arn``,
    without instance keys). Rules that relate resources (an image pipeline and what it builds
    with) look the target up; every other rule sees an :class:`Unknown`."""

    __slots__ = ("target",)

    def __init__(self, what: str, target: str, span: Span, key_span: Span | None = None) -> None:
        self.span = span
        self.key_span = key_span
        self.what = what
        self.may_be_null = False
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        made = (self.what, self.target, self.span, self.key_span)
        return (Reference, made, (None, {"may_be_null": self.may_be_null}))

    def __repr__(self) -> str:
        return f"Reference({self.target!r})"


class Choice(Node):
    """A value chosen at deploy time among known alternatives (CloudFormation ``Fn::If``).

    A branch is ``None`` where that alternative removes the property (``AWS::NoValue``).
    """

    __slots__ = ("branches",)

    def __init__(
        self, branches: list[Node | None], span: Span, key_span: Span | None = None
    ) -> None:
        self.span = span
        self.key_span = key_span
        self.branches = branches

    def __reduce__(self) -> tuple[Any, ...]:
        return (Choice, (self.branches, self.span, self.key_span))

    def __repr__(self) -> str:
        return f"Choice({self.branches!r})"


class Sequence(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node], span: Span, key_span: Span | None = None) -> None:
        self.span = span
        self.key_span = key_span
        self.items = items

    def __reduce__(self) -> tuple[Any, ...]:
        return (Sequence, (self.items, self.span, self.key_span))

    def __repr__(self) -> str:
        return f"Sequence({self.items!r})"


class Mapping(Node):
    """An ordered mapping with string keys; the last of duplicate keys wins, as in YAML."""

    __slots__ = ("entries", "source_names")

    def __init__(
        self,
        entries: dict[str, Node],
        span: Span,
        key_span: Span | None = None,
        source_names: dict[str, str] | None = None,
    ) -> None:
        self.span = span
        self.key_span = key_span
        self.entries = entries
        #: The key each entry was written with, by API member name, where a dialect renamed
        #: it (CloudFormation ``HttpTokens``, Terraform ``http_tokens``); ``None`` when the
        #: keys are written as they are (API documents) or are data (tags). An entry missing
        #: here was made by the dialect, not written.
        self.source_names = source_names

    def get(self, key: str) -> Node | None:
        return self.entries.get(key)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Mapping, (self.entries, self.span, self.key_span, self.source_names))

    def __repr__(self) -> str:
        return f"Mapping({self.entries!r})"


def alternatives(node: Node | None) -> Iterator[Node | None]:
    """Every concrete value ``node`` may take: the branches of a :class:`Choice`, flattened.

    ``None`` stands for "absent". Anything else is yielded as is, :class:`Unknown` included.
    A branch shared by several choices (YAML aliases nesting ``Fn::If``) is visited once, so
    the work is linear in the number of distinct nodes, whatever the nesting depth.
    """
    if not isinstance(node, Choice):
        yield node
        return
    seen: set[int] = set()
    pending: list[Node | None] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Choice):
            if id(current) not in seen:
                seen.add(id(current))
                pending.extend(reversed(current.branches))
        elif current is None or id(current) not in seen:
            if current is not None:
                seen.add(id(current))
            yield current


class ResourceKind(enum.Enum):
    IMAGE_RECIPE = "image recipe"
    CONTAINER_RECIPE = "container recipe"
    INFRASTRUCTURE_CONFIGURATION = "infrastructure configuration"
    COMPONENT = "component"
    COMPONENT_CATALOG_ENTRY = "component catalog entry"
    #: An AWSTOE component document, standalone or embedded; its body is the document as
    #: written (AWSTOE's own key names).
    COMPONENT_DOCUMENT = "component document"
    #: An image pipeline or a one-off image build (CloudFormation ``AWS::ImageBuilder::
    #: ImagePipeline``/``Image``, Terraform ``aws_imagebuilder_image_pipeline``/``_image``, a
    #: GetImage response's ``image``): it ties a recipe to an infrastructure configuration, and
    #: its body keeps those references (:class:`Reference`, an ARN, or the nested objects).
    IMAGE_PIPELINE = "image pipeline"


class Portion(NamedTuple):
    """A part of one large file that several processes check together, each its part (a
    Terraform plan: :mod:`iblint.parallel`). The file's resources are cut into ``runs``
    runs of about equal length; the part is the runs ``start`` to ``stop`` (not included).
    It checks its own resources and reads, of the others, only those whose kind is in
    ``related``: the kinds the rules that relate resources look up
    (:attr:`iblint.registry.RuleImplementation.relates`). The part that starts at run 0
    also reports what the file as a whole gives."""

    start: int
    stop: int
    runs: int
    related: frozenset[ResourceKind] = frozenset()

    @property
    def is_first(self) -> bool:
        return self.start == 0

    def owns(self, ordinal: int, total: int) -> bool:
        """Whether the resource ``ordinal`` (from 0) of ``total`` is this part's."""
        return self.start <= ordinal * self.runs // total < self.stop


class Resource(NamedTuple):
    """One Image Builder resource, its body keyed by API member names.

    ``name`` identifies it (a CloudFormation logical ID, the document's member path, a
    Terraform address); ``anchor`` is where a finding about the resource as a whole points.
    ``named_in_messages``: the position alone does not tell which resource a finding is about
    (a Terraform plan holds every resource on one line), so the engine starts each message
    with ``name``.
    """

    kind: ResourceKind
    name: str
    body: Mapping
    anchor: Span
    named_in_messages: bool = False
    #: The declaration's CloudFormation ``Metadata``, as written (source key names): where
    #: ``iblint: {ignore: [...]}`` suppresses findings of the resource.
    metadata: Node | None = None
    #: The input format it was read from, for rules that depend on it (the API shape rules):
    #: ``cloudformation``, ``terraform``, ``terraform-plan``, ``api-request``, ``api-response``;
    #: empty when not known.
    dialect: str = ""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Problem(NamedTuple):
    """What a rule or loader reports before the engine stamps an ID and a severity."""

    span: Span
    message: str
    fix: str


class InputProblem(NamedTuple):
    """A problem with the input itself; ``kind`` is an :class:`iblint.problems.InputProblemKind`,
    whose value is the IB0xx rule that reports it."""

    kind: str
    span: Span
    message: str
    fix: str


class Edit(NamedTuple):
    """A safe fix: the text at ``span`` of the original file, which must read ``old`` (as is,
    or between matching quotes, which are kept), becomes ``new``."""

    span: Span
    old: str
    new: str


class Finding(NamedTuple):
    rule_id: str
    rule_name: str
    severity: Severity
    path: str
    span: Span
    message: str
    fix: str
    #: Where the finding is, without line numbers: the resource's name, then the API member
    #: names and list indices down to the node (empty for a problem of the file itself).
    logical_path: tuple[str, ...] = ()
    #: The reason given by the suppression that covers it; ``None`` when it is not suppressed.
    justification: str | None = None
    #: The edits of its safe fix, if it has one (``iblint check --fix``).
    edits: tuple[Edit, ...] = ()

    @property
    def sort_key(self) -> tuple[str, Span, str]:
        return (self.path, self.span, self.rule_id)


class LoadedFile:
    """What a loader made of one file: resources to check, and input problems."""

    __slots__ = (
        "aliased",
        "input_problems",
        "origins",
        "path",
        "related",
        "resources",
        "suppressions",
    )

    def __init__(self, path: str) -> None:
        self.path = path
        self.resources: list[Resource] = []
        self.input_problems: list[InputProblem] = []
        #: The ``iblint: ignore`` comments of the file (:mod:`iblint.suppressions`).
        self.suppressions: list[Suppression] = []
        #: Span of a value taken from elsewhere (a Terraform variable) to where it came from.
        self.origins: dict[Span, str] = {}
        #: Spans of YAML aliases: the block there may belong to several resources, so the
        #: engine names the resource in each finding there.
        self.aliased: set[Span] = set()
        #: Resources declared beside the file and checked with their own file (the image
        #: pipelines of the other files of a Terraform module): rules that relate resources
        #: look them up, nothing checks them here.
        self.related: list[Resource] = []
