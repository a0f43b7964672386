"""Which files are not checked, and which rules are off in which files.

Globs (``exclude``, ``extend-exclude``, ``per-file-ignores``) read as ``.gitignore`` lines do:

- a pattern without ``/`` (or with one only at the end) matches a file or folder name at any
  depth: ``generated``, ``*.gen.yaml``;
- a pattern with a ``/`` elsewhere is a path from the configuration file's folder (the working
  directory for ``--exclude`` and library callers): ``infra/legacy``, ``/vendor``,
  ``stacks/**/old-*.yaml``;
- ``*`` and ``?`` do not cross ``/``, ``**`` spans any number of folders, ``[a-z]`` is a class;
  a trailing ``/`` matches only folders. A folder that matches excludes everything in it.

Patterns are stored anchored (absolute), so a configuration is the same whatever the working
directory. Matching is component by component with :func:`fnmatch.fnmatchcase` and a set of
reachable positions for ``**``: time linear in the path's depth times the pattern's length.

``.gitignore``: when a folder inside a git work tree is walked, the files and folders git
ignores there (``git ls-files --others --ignored --exclude-standard --directory``: every
``.gitignore``, ``.git/info/exclude`` and the user's global excludes, exactly as git reads
them) are skipped. One ``git`` call per walked folder, a few milliseconds; nothing runs when
only files are named (pre-commit), and a file named on the command line is always checked,
whatever ``.gitignore`` says. Without ``git`` on the PATH, or outside a work tree, nothing is
skipped for ``.gitignore``. ``exclude`` globs apply to named files too, so a pre-commit run
skips what the configuration excludes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from iblint.errors import ConfigError
from iblint.text_safety import shown

if TYPE_CHECKING:
    from iblint.config import Config

#: The most characters of one glob: far beyond any real one.
MAX_GLOB = 1000


def globs(
    value: object, label: str, base: Path | None = None, from_file: bool = False
) -> tuple[str, ...]:
    """Glob patterns from a list (or one string), anchored at ``base`` (default: the working
    directory; see :func:`anchored`)."""
    items = [value] if isinstance(value, str) else value
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        raise ConfigError(f'{label} must be a list of glob patterns, e.g. ["generated/"]')
    patterns: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f'{label} must be a list of glob patterns, e.g. ["generated/"]')
        patterns.append(anchored(_valid_glob(item, label), base, from_file))
    return tuple(dict.fromkeys(patterns))


def per_file_ignores(
    value: object, label: str, base: Path | None = None, from_file: bool = False
) -> dict[str, tuple[str, ...]]:
    """A table of glob to rule IDs or prefixes (a list, or a comma-separated string), globs
    anchored at ``base``; the IDs are validated by the caller."""
    if not isinstance(value, Mapping):
        raise ConfigError(
            f'{label} must be a table of glob = [rule IDs], e.g. "legacy/*.yaml" = ["IB101"]'
        )
    table: dict[str, tuple[str, ...]] = {}
    for pattern, rules in value.items():
        if not isinstance(pattern, str):
            raise ConfigError(f"{label}: a key must be a glob pattern")
        listed = [rules] if isinstance(rules, str) else rules
        if isinstance(listed, Mapping) or not isinstance(listed, Iterable):
            raise ConfigError(f"{label} {shown(pattern)} must be a list of rule IDs or prefixes")
        items = list(listed)
        if not all(isinstance(item, str) for item in items):
            raise ConfigError(f"{label} {shown(pattern)} must be a list of rule IDs or prefixes")
        table[anchored(_valid_glob(pattern, label), base, from_file)] = tuple(items)
    return table


def _valid_glob(pattern: str, label: str) -> str:
    if not pattern.strip() or not pattern.strip("/"):
        raise ConfigError(f"{label}: an empty pattern matches nothing; name files or folders")
    if len(pattern) > MAX_GLOB or "\x00" in pattern or "\n" in pattern or "\r" in pattern:
        raise ConfigError(f"{label}: {shown(pattern)} is not a glob pattern")
    return pattern


def anchored(pattern: str, base: Path | None = None, from_file: bool = False) -> str:
    """``pattern`` as an absolute pattern. An absolute pattern is kept (on the command line
    and for library callers, ``/x`` is the path ``/x``); in a configuration file
    (``from_file``) a leading ``/`` means "from this file's folder", as in ``.gitignore``.
    Anything else is joined to ``base`` (the working directory); a bare name matches at any
    depth below it."""
    directory_only = pattern.endswith("/")
    body = pattern.rstrip("/")
    root = PurePosixPath(os.path.abspath(base or Path.cwd()).replace(os.sep, "/"))
    if body.startswith("/") and not from_file:
        whole = body
    elif "/" in body:
        whole = str(root / body.lstrip("/"))
    else:
        whole = str(root / "**" / body)
    return whole + ("/" if directory_only else "")


class _Glob:
    __slots__ = ("directory_only", "parts")

    def __init__(self, pattern: str) -> None:
        self.directory_only = pattern.endswith("/")
        self.parts = [part for part in pattern.rstrip("/").split("/") if part]

    def matches(self, parts: list[str], is_dir: bool) -> bool:
        """Whether the pattern matches the path ``parts`` or one of its folders."""
        positions = {0}
        count = len(parts)
        for part in self.parts:
            if part == "**":
                positions = set(range(min(positions), count + 1))
            else:
                positions = {
                    index + 1
                    for index in positions
                    if index < count and fnmatchcase(parts[index], part)
                }
            if not positions:
                return False
        if count in positions and (is_dir or not self.directory_only):
            return True
        return any(0 < index < count for index in positions)


#: A glob split once, not again for every file ``per-file-ignores`` is asked about.
_compiled = lru_cache(maxsize=1024)(_Glob)


def _parts(path: str | os.PathLike[str]) -> list[str]:
    return [part for part in os.path.abspath(path).replace(os.sep, "/").split("/") if part]


class Excluder:
    """Decides, for discovery, what is not checked: ``exclude`` and ``extend-exclude`` globs,
    and what git ignores in walked folders."""

    def __init__(self, config: Config, gitignore: bool = True) -> None:
        self.globs = [_Glob(pattern) for pattern in (*config.exclude, *config.extend_exclude)]
        self.gitignore = gitignore
        #: Walked folder to what git ignores in it (absolute paths; folders end in ``/``).
        self._ignored: dict[Path, frozenset[str] | None] = {}

    def __call__(self, path: Path, is_dir: bool, top: Path | None) -> bool:
        """Whether to skip ``path``: named on the command line (``top`` is ``None``) or
        found by walking the folder ``top``."""
        if self.globs:
            parts = _parts(path)
            if any(glob.matches(parts, is_dir) for glob in self.globs):
                return True
        if top is None or not self.gitignore:
            return False
        ignored = self._ignored.get(top, ...)
        if ignored is ...:
            ignored = self._ignored[top] = git_ignored(top)
        if not ignored:
            return False
        key = os.path.abspath(path).replace(os.sep, "/") + ("/" if is_dir else "")
        return key in ignored

    def excludes(self, path: str | os.PathLike[str]) -> bool:
        """Whether a named file (or a text's name) is excluded by the globs."""
        return bool(self.globs) and any(glob.matches(_parts(path), False) for glob in self.globs)


def git_ignored(top: Path) -> frozenset[str] | None:
    """What git ignores under ``top`` (absolute, ``/``-separated, folders ending in ``/``), or
    ``None`` when ``top`` is not in a git work tree or git cannot say."""
    import subprocess

    from iblint.config import repository_root

    if repository_root(top) is None:
        return None
    try:
        completed = subprocess.run(
            [
                "git",
                "-C",
                os.fspath(top),
                "ls-files",
                "-z",
                "--others",
                "--ignored",
                "--exclude-standard",
                "--directory",
            ],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    base = os.path.abspath(top).replace(os.sep, "/").rstrip("/")
    ignored: set[str] = set()
    for raw in completed.stdout.split(b"\0"):
        if not raw:
            continue
        name = os.fsdecode(raw)
        if name in ("./", "."):
            return None  # the walked folder itself is ignored: it was named, so it is checked
        ignored.add(f"{base}/{name}")
    return frozenset(ignored)


def per_file_ignored(config: Config, path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The rule IDs or prefixes ``per-file-ignores`` turns off for the file at ``path``."""
    parts = _parts(path)
    ignored: list[str] = []
    for pattern, prefixes in config.per_file_ignores.items():
        if _compiled(pattern).matches(parts, False):
            ignored.extend(prefixes)
    return tuple(dict.fromkeys(ignored))
