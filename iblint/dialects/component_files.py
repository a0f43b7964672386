"""Component documents a Terraform configuration reads with ``file("...")``.

``data = file("...")`` in an ``aws_imagebuilder_component`` sends the file's contents as the
component's inline document (https://developer.hashicorp.com/terraform/language/functions/file,
https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/imagebuilder_component),
so that file is checked as the component's AWSTOE document, whatever its name (``build.txt``,
``component.yml.tpl``), and its findings name that file at their own line and column. Checking
only ``main.tf`` (pre-commit with only it staged) checks the document too.

Only a literal path is followed: ``file("x.yaml")``, ``file("./x.yaml")`` and
``file("${path.module}/x.yaml")``
(https://developer.hashicorp.com/terraform/language/expressions/references#filesystem-and-workspace-info),
relative to the directory of the file that says it (Terraform reads a relative path from the
directory it runs in, the root module's). Any other expression stays unknown. Nothing outside
that directory is read: an absolute path, a path through ``..`` above it, ``~``, or a link that
resolves outside it is passed over without a word (a document shared between modules is checked
by checking its own directory), and so is a missing file (Terraform reports it at plan time; a
build step may make it). A Terraform file (``.tf``, ``.tf.json``, ``.tfvars``) is never read as
a document.

A file is checked once per run, keyed by its resolved path, whichever way the run reaches it
first: when the walk (or the command line) reached it already and it gave a finding or a
resource, it is not read again; when it was read for a component first, the walk passes over
it. :class:`FileReferences` keeps this for the run (in the :class:`~iblint.dialects.RunCache`)
and puts each file read for a component in the stream of files right after the file that reads
it (:meth:`FileReferences.sources`); a run without ``file(...)`` pays nothing for it.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from iblint.dialects import Syntax, dialects_for, is_supporting_file
from iblint.discover import Discovered
from iblint.model import Mapping, Node, Resource, ResourceKind, Scalar, Span

if TYPE_CHECKING:
    from iblint.config import Config
    from iblint.dialects import RunCache
    from iblint.model import LoadedFile

_S = TypeVar("_S")
_OWNER = "component-files"
#: ``file("PATH")`` with an optional ``${path.module}/`` prefix; PATH has no quote or escape.
_FILE_CALL = re.compile(r'file\s*\(\s*"(?:\$\{\s*path\s*\.\s*module\s*\}/)?([^"\\]*)"\s*\)')
_MAX_PATH = 4096


class ReferencedFile(Discovered):
    """A file read as a component's document because a checked Terraform file names it in
    ``file("...")``; checked as a file of its own, under its own display path."""

    __slots__ = ()


def file_references(cache: RunCache) -> FileReferences:
    """The run's record of the files read by reference."""
    return cache.get_or_make(_OWNER, "", FileReferences)


class FileReferences:
    """Which files a run has checked, and those waiting to be read for a component."""

    def __init__(self) -> None:
        #: Files to read next: (path, path relative to the referring file's folder, follow).
        self._pending: list[tuple[str, str, bool]] = []
        #: Resolved paths of the files read (or waiting to be read) for a component.
        self._read: set[str] = set()
        #: Resolved paths of the files checked that gave something (see :meth:`note`).
        self._checked: set[str] = set()
        #: Files checked that gave something, resolved only once a reference needs it.
        self._unresolved: list[Path] = []
        #: (folder, path) of every reference decided.
        self._seen: set[tuple[str, str]] = set()

    def refer(self, written: Node | None, referrer: Path, hcl: bool) -> None:
        """Notes the file a component's ``data`` (``written``, as the syntax layer gave it)
        reads, if it is a literal path to a file in ``referrer``'s folder not yet checked."""
        relative = referenced_path(written, hcl)
        if relative is None:
            return
        directory = str(referrer.parent)
        if (directory, relative) in self._seen:
            return  # decided once per run (a module may name one file many times)
        self._seen.add((directory, relative))
        target = _target(directory, relative)
        if target is None:
            return
        path, real, follow = target
        if real in self._read:
            return
        for checked in self._unresolved:
            self._checked.add(os.path.realpath(checked))
        self._unresolved.clear()
        if real in self._checked:
            return  # checked as a file of the run already, with the same findings
        self._pending.append((path, relative, follow))
        self._read.add(real)

    def note(self, source: object, loaded: LoadedFile) -> None:
        """Records a file the run checked that gave resources or problems: a later reference
        to it does not read it again. (One that gave nothing is not a component document by
        its content, and is read as one when a component names it.)"""
        if (
            isinstance(source, Discovered)
            and not isinstance(source, ReferencedFile)
            and (loaded.resources or loaded.input_problems)
        ):
            self._unresolved.append(source.path)

    def sources(
        self, files: Iterable[_S], config: Config | None = None
    ) -> Iterator[_S | ReferencedFile]:
        """``files``, each followed by the files it reads for its components (unless the
        configuration's ``exclude`` globs leave them out), and without the files read that
        way already."""
        excluded: Callable[[Path], bool] | None = None
        for source in files:
            if (
                self._read
                and isinstance(source, Discovered)
                and os.path.realpath(source.path) in self._read
            ):
                continue  # checked already, for the component that reads it
            yield source
            while self._pending:
                pending, self._pending = self._pending, []
                assert isinstance(source, Discovered)  # only a file on disk refers to others
                for path, relative, follow in pending:
                    if excluded is None:
                        excluded = _excluder(config)
                    if excluded(Path(path)):
                        continue
                    display = posixpath.join(posixpath.dirname(source.display), relative)
                    yield ReferencedFile(Path(path), display, None, follow)


def referenced_path(written: Node | None, hcl: bool) -> str | None:
    """The path a component's ``data`` reads with ``file("...")``, relative to the module's
    folder and normalised (``a/./b`` is ``a/b``), if it is a literal that stays inside it."""
    if hcl:
        from iblint.syntax.hcl_tree import Expression

        if not isinstance(written, Expression) or written.template:
            return None
        expression = written.text.strip()
    else:  # JSON syntax: a string holding one interpolation, "${file(\"x.yaml\")}"
        if not isinstance(written, Scalar) or not isinstance(written.value, str):
            return None
        text = written.value  # text around the interpolation would be part of the value
        if not (text.startswith("${") and text.endswith("}")):
            return None
        expression = text[2:-1].strip()
    if len(expression) > _MAX_PATH:
        return None
    match = _FILE_CALL.fullmatch(expression)
    if match is None:
        return None
    written_path = match.group(1)
    if (
        not written_path
        or "${" in written_path
        or "%{" in written_path
        or "\0" in written_path
        or written_path.startswith(("/", "~"))
    ):
        return None
    relative = posixpath.normpath(written_path)
    if relative in (".", "..") or relative.startswith("../"):
        return None
    name = relative.rsplit("/", 1)[-1]
    if is_supporting_file(name) or any(d.syntax is not Syntax.DATA for d in dialects_for(name)):
        return None  # a Terraform file is checked as what it is
    return relative


def _target(directory: str, relative: str) -> tuple[str, str, bool] | None:
    """The file's path, its resolved path and whether it is a link, if it exists and
    resolves inside ``directory``."""
    path = os.path.join(directory, *relative.split("/"))
    try:
        if not os.path.exists(path):
            return None
        real = os.path.realpath(path)
        inside = os.path.realpath(directory).rstrip(os.sep) + os.sep
        is_link = os.path.islink(path)
    except (OSError, ValueError):
        return None
    if not real.startswith(inside):
        return None
    return path, real, is_link


def _excluder(config: Config | None) -> Callable[[Path], bool]:
    """The configuration's ``exclude`` globs, as for a file named on the command line."""
    if config is None or not (config.exclude or config.extend_exclude):
        return lambda path: False
    from iblint.exclusions import Excluder

    return Excluder(config, gitignore=False).excludes


def as_component_document(documents: list[Node], has_problems: bool) -> list[Resource]:
    """The document of a file read for a component whose content is not recognisably one:
    it is the component's data all the same, so its first document is checked as one (an
    empty file as an empty document); nothing when the text could not be parsed."""
    from iblint.dialects.component_documents import NAME

    root = documents[0] if documents else None
    if isinstance(root, Mapping):
        body = root
    elif root is not None:
        body = Mapping({}, root.span, None)
    elif has_problems:
        return []
    else:
        body = Mapping({}, Span(1, 1, 1, 1), None)
    return [Resource(ResourceKind.COMPONENT_DOCUMENT, NAME, body, body.anchor)]
