"""Which files a check looks at.

Directories are walked, skipping version control, virtual environments, dependency and cache
folders; files there are taken by suffix. A file named explicitly is always loaded (and
classified by content), whatever its name: pre-commit passes exactly the files it wants checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

#: Suffixes of files taken when walking a directory.
SUFFIXES = frozenset({".json", ".yaml", ".yml", ".template", ".tf"})
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


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside it, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: list[str], root: Path | None = None) -> Iterator[tuple[Path, str]]:
    """(path, display path) for each file to check, each once, in a stable order.

    Relative paths are relative to ``root`` (the working directory by default), and so are the
    display paths of files inside it. ``..`` and ``.`` segments are folded, so a file named
    twice is checked once. A directory the walk cannot read is yielded too: loading it
    reports it (IB006) rather than passing it over in silence.
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
        if is_directory:
            for file in _walk(absolute):
                if file not in seen:
                    seen.add(file)
                    yield file, display_path(file, root)
        elif absolute not in seen:
            seen.add(absolute)
            yield absolute, display_path(absolute, root)


def _walk(directory: Path) -> Iterator[Path]:
    unreadable: list[Path] = []

    def note(error: OSError) -> None:
        if error.filename:
            unreadable.append(Path(error.filename))

    for current, directories, files in os.walk(directory, onerror=note):
        yield from unreadable
        unreadable.clear()
        directories[:] = sorted(
            name
            for name in directories
            if name not in SKIPPED_DIRECTORIES
            and not os.path.exists(os.path.join(current, name, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            file = Path(current) / name
            if file.is_symlink() and not file.exists():
                continue  # a dangling link names no file to check
            yield file
    yield from unreadable
