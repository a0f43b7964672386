"""The dialect layer: what a generic node tree means for Image Builder.

A syntax module (:mod:`iblint.syntax`) turns text into nodes with positions and knows nothing
of Image Builder; a dialect recognises a document of its kind and turns it into resources whose
bodies use API member names. Each dialect declares the file names it reads, the syntax they are
written in, and how it claims a document; :data:`DIALECTS` is the one registry, and
:data:`SUFFIXES` (every file name ending any dialect reads) is shared by discovery, loading and
the pre-commit hook's pattern.

Adding an input format is one dialect module and one line in :data:`DIALECTS`.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from iblint.syntax.limits import SizeLimits

if TYPE_CHECKING:
    from iblint.model import InputProblem, Node, Resource, Span
    from iblint.syntax.positions import LineTable

_T = TypeVar("_T")


class Syntax(enum.Enum):
    """How a file's text is parsed into nodes."""

    #: JSON, or YAML (a superset): told apart by the text, whatever the file's suffix.
    DATA = "data"
    #: JSON only (Terraform's JSON syntax).
    JSON = "json"
    #: HashiCorp configuration language (Terraform's native syntax).
    HCL = "hcl"


class RunCache:
    """What dialects keep for the length of one run (a Terraform module's variables, read once
    for every file of the module); made by the engine and passed in, never global."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], Any] = {}

    def get_or_make(self, owner: str, key: str, make: Callable[[], _T]) -> _T:
        """The value ``owner`` (a dialect's name) keeps under ``key``, made once per run."""
        slot = (owner, key)
        if slot not in self._values:
            self._values[slot] = make()
        return self._values[slot]  # type: ignore[no-any-return]


class LoadContext:
    """What a dialect may use and report besides the document: the file on disk (Terraform
    reads its module), the run's cache, problems, and where borrowed values came from."""

    __slots__ = (
        "_lines",
        "cache",
        "embedded_parses",
        "embedded_separators",
        "limits",
        "origins",
        "path",
        "problems",
        "related",
        "text",
    )

    def __init__(
        self,
        path: Path | None,
        cache: RunCache | None = None,
        text: str = "",
        limits: SizeLimits | None = None,
    ) -> None:
        self.path = path
        #: The run's size limits (IB003): a document embedded in the file is YAML text.
        self.limits = limits or SizeLimits()
        #: The file's text as parsed: where a document embedded in a string is read from.
        self.text = text
        self.cache = cache or RunCache()
        self.problems: list[InputProblem] = []
        #: Span of a value taken from elsewhere (a Terraform variable) to where it came from.
        self.origins: dict[Span, str] = {}
        #: Resources declared beside the document, for rules that relate resources
        #: (:attr:`iblint.model.LoadedFile.related`).
        self.related: list[Resource] = []
        #: Each embedded document's text as parsed, before its nodes are placed in the file:
        #: a document written several times (one module's component in every instance) is
        #: parsed once.
        self.embedded_parses: dict[str, tuple[list[Node], list[InputProblem]]] = {}
        #: The lines and commas of the embedded documents placed so far: together they are
        #: held to what one YAML file may hold (each placed copy has nodes of its own).
        self.embedded_separators = 0
        self._lines: LineTable | None = None

    @property
    def lines(self) -> LineTable:
        """The lines of :attr:`text`, tabled when first asked for and once per file (every
        embedded document of the file is placed through it)."""
        if self._lines is None:
            from iblint.syntax.positions import LineTable

            self._lines = LineTable(self.text)
        return self._lines


class Dialect(NamedTuple):
    """One input format. ``module`` is imported only when a file may be of this dialect; it
    provides ``claims(document) -> bool`` and ``resources(document, context) -> list``."""

    name: str
    syntax: Syntax
    #: File name endings (lower case) this dialect reads.
    suffixes: tuple[str, ...]
    #: Lower-cased words one of which every document of this dialect holds; a file without
    #: any is not even parsed (a large Kubernetes manifest costs nothing).
    triggers: tuple[str, ...]
    module: str

    def claims(self, document: Node) -> bool:
        return bool(_module(self.module).claims(document))

    def resources(self, document: Node, context: LoadContext) -> list[Resource]:
        found: list[Resource] = _module(self.module).resources(document, context)
        return found


_DATA_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: What every CloudFormation template, API document and plan that we read holds: a
#: CloudFormation type, a plan's resource type, an ARN, or an API member that identifies a
#: request, a response or a catalog.
_DATA_TRIGGERS = (
    "aws::imagebuilder::",
    "aws_imagebuilder_",
    ":imagebuilder:",
    "parentimage",
    "instanceprofilename",
    "instancemetadataoptions",
    "componentarn",
    "imagerecipe",
    "containerrecipe",
    "infrastructureconfiguration",
    "componentsummarylist",
    "componentversionlist",
    "component",
    "semanticversion",
)

#: Every input format, in the order they are asked to claim a document.
DIALECTS: tuple[Dialect, ...] = (
    Dialect("terraform", Syntax.HCL, (".tf",), ("aws_imagebuilder_",), "terraform"),
    Dialect("terraform-json", Syntax.JSON, (".tf.json",), ("aws_imagebuilder_",), "terraform"),
    Dialect("component", Syntax.DATA, _DATA_SUFFIXES, ("phases",), "component_documents"),
    Dialect("cloudformation", Syntax.DATA, _DATA_SUFFIXES, _DATA_TRIGGERS, "cloudformation"),
    Dialect("terraform-plan", Syntax.DATA, _DATA_SUFFIXES, _DATA_TRIGGERS, "terraform_plan"),
    Dialect("api", Syntax.DATA, _DATA_SUFFIXES, _DATA_TRIGGERS, "api_documents"),
)

#: Every file name ending some dialect reads: what a directory walk and the pre-commit hook
#: take.
SUFFIXES: tuple[str, ...] = tuple(
    sorted({suffix for dialect in DIALECTS for suffix in dialect.suffixes})
)
#: Files read by a dialect for the files it checks, never checked on their own.
SUPPORTING_SUFFIXES = (".tfvars", ".tfvars.json")


def dialects_for(file_name: str) -> tuple[Dialect, ...]:
    """The dialects that may read a file of this name: those of its longest known ending
    (``x.tf.json`` is Terraform JSON, not any JSON); a name no dialect knows (a file named on
    the command line) is read as data, classified by content."""
    lowered = file_name.lower()
    matching = [
        (len(suffix), dialect)
        for dialect in DIALECTS
        for suffix in dialect.suffixes
        if lowered.endswith(suffix)
    ]
    if not matching:
        return tuple(dialect for dialect in DIALECTS if dialect.syntax is Syntax.DATA)
    longest = max(length for length, _ in matching)
    return tuple(dialect for length, dialect in matching if length == longest)


def has_known_suffix(file_name: str) -> bool:
    return file_name.lower().endswith(SUFFIXES)


def is_supporting_file(file_name: str) -> bool:
    return file_name.lower().endswith(SUPPORTING_SUFFIXES)


def _module(name: str) -> Any:
    return importlib.import_module(f"iblint.dialects.{name}")
