"""Which files a check looks at.

Directories are walked, skipping version control, virtual environments, dependency and cache
folders; files there are taken by suffix. A file named explicitly is always loaded (and
classified by content), whatever its name: pre-commit passes exactly the files it wants checked.

The walk opens nothing but directories. What it cannot or must not read becomes a
:class:`Discovered` record that carries its problem (IB006), in its place in the order: a
directory it cannot list or enter, a FIFO, socket or device, a symbolic link whose target is
outside the directory being walked (a committed ``x.yaml -> /etc/shadow`` is reported, never
read). A link that stays inside is followed; links to directories are not walked into, and
dangling or looping links name no file and are passed over. A file named on the command line
is followed wherever it points: the user asked for it.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from iblint import problems
from iblint.dialects import SUFFIXES, has_known_suffix
from iblint.model import InputProblem, Portion

if TYPE_CHECKING:
    from iblint.engine import TextSource

__all__ = ["SUFFIXES", "Discovered", "MissingPathError", "discover", "display_path"]
#: Folder names never walked into.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".bzr",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".terraform",
        ".direnv",
        ".eggs",
        "site-packages",
    }
)


class MissingPathError(FileNotFoundError):
    """A path named on the command line does not exist: a usage error."""


class Discovered(NamedTuple):
    """One file (or unreadable directory) for the engine, in walk order.

    When ``problem`` is set the engine reports it for ``display`` and does not open ``path``;
    otherwise it reads ``path`` with :func:`iblint.reading.read_file`, passing
    ``follow_symlinks`` (false for a regular file found by the walk, so that a file replaced by
    a link after the walk is refused rather than followed).
    """

    #: Absolute, with ``.`` and ``..`` folded; not resolved (a link keeps its own name).
    path: Path
    #: Relative to the root when inside it, forward slashes; a name that is not valid UTF-8
    #: keeps its bytes as surrogate escapes (:func:`os.fsdecode`), for reporters to escape.
    display: str
    problem: InputProblem | None = None
    follow_symlinks: bool = True


class FilePart(NamedTuple):
    """A part of a large file (a Terraform plan) that several processes check together
    (:mod:`iblint.parallel`): the file, its text (read once, for every part), which part."""

    file: Discovered | TextSource
    text: str
    portion: Portion

    @property
    def path(self) -> Path | None:
        """The file on disk; ``None`` for a text given as such (standard input)."""
        return self.file.path if isinstance(self.file, Discovered) else None

    @property
    def display(self) -> str:
        return self.file.display if isinstance(self.file, Discovered) else self.file.name


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


#: ``skip(path, is_dir, top)``: whether to leave out a path named on the command line (``top``
#: is ``None``) or found by walking the folder ``top`` (see :class:`iblint.exclusions.Excluder`).
Skip = Callable[[Path, bool, Path | None], bool]


def discover(
    paths: list[str], root: Path | None = None, skip: Skip | None = None
) -> Iterator[Discovered]:
    """A :class:`Discovered` for each file to check, each once, in a stable order; lazily.

    Relative paths are relative to ``root`` (the working directory by default), and so are the
    display paths of files inside it. ``..`` and ``.`` segments are folded, so a file named
    twice is checked once. Raises :class:`MissingPathError` for a named path that does not
    exist (when it is reached: this is a generator). ``skip`` leaves paths out (exclusions).
    """
    root = root or Path.cwd()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        absolute = Path(os.path.normpath(path if path.is_absolute() else root / path))
        try:
            exists = absolute.exists() or absolute.is_symlink()
            is_directory = absolute.is_dir()
        except OSError as error:  # e.g. inside a directory we may not enter
            raise MissingPathError(f"{given} ({error.strerror or error})") from None
        if not exists:
            raise MissingPathError(given)
        if skip is not None and skip(absolute, is_directory, None):
            continue
        if is_directory:
            for item in _walk(absolute, root, skip):
                if item.path not in seen:
                    seen.add(item.path)
                    yield item
        elif absolute not in seen:
            seen.add(absolute)
            yield Discovered(absolute, display_path(absolute, root))


def _walk(top: Path, root: Path, skip: Skip | None = None) -> Iterator[Discovered]:
    """Depth first, each directory's files (sorted by name) before its subdirectories.

    An explicit stack, so no depth of nesting reaches Python's recursion limit; each listing is
    read whole and closed before anything is yielded, so no descriptor stays open."""
    top_real = os.path.realpath(top)
    stack = [top]
    while stack:
        directory = stack.pop()
        entries = _entries(directory)
        if not isinstance(entries, list):
            yield Discovered(
                directory, display_path(directory, root), entries, follow_symlinks=False
            )
            continue
        subdirectories: list[Path] = []
        for entry in entries:
            if _is_directory(entry):
                if (
                    entry.name not in SKIPPED_DIRECTORIES
                    and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
                    and (skip is None or not skip(Path(entry.path), True, top))
                ):
                    subdirectories.append(Path(entry.path))
            elif has_known_suffix(entry.name) and (
                skip is None or not skip(Path(entry.path), False, top)
            ):
                item = _examine(entry, top_real, root)
                if item is not None:
                    yield item
        stack.extend(reversed(subdirectories))


def _entries(directory: Path) -> list[os.DirEntry[str]] | InputProblem:
    """The directory's entries sorted by name, or why it cannot be listed or entered."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        return problems.unlisted_directory(error)
    if entries:
        try:
            # Listing needs read permission; opening what is inside needs execute (search).
            os.lstat(os.path.join(directory, os.curdir))
        except OSError as error:
            return problems.unlisted_directory(error, listing=False)
    return entries


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False  # examined as a file, which reports why


def _examine(entry: os.DirEntry[str], top_real: str, root: Path) -> Discovered | None:
    path = Path(entry.path)
    display = display_path(path, root)
    try:
        if entry.is_symlink():
            return _link(path, display, top_real)
        if entry.is_file(follow_symlinks=False):
            return Discovered(path, display, follow_symlinks=False)
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as error:
        return Discovered(path, display, problems.cannot_read(error), follow_symlinks=False)
    return Discovered(path, display, problems.not_regular(mode), follow_symlinks=False)


def _link(path: Path, display: str, top_real: str) -> Discovered | None:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
            return None  # dangling or looping: the link names no file to check
        return Discovered(path, display, problems.cannot_read(error), follow_symlinks=False)
    if stat.S_ISDIR(mode):
        return None  # a link to a directory: not walked into, as os.walk does
    if not _is_inside(os.path.realpath(path), top_real):
        return Discovered(path, display, problems.outside_link(), follow_symlinks=False)
    if not stat.S_ISREG(mode):
        return Discovered(path, display, problems.not_regular(mode), follow_symlinks=False)
    return Discovered(path, display, follow_symlinks=True)


def _is_inside(target: str, directory: str) -> bool:
    return target == directory or target.startswith(directory.rstrip(os.sep) + os.sep)
