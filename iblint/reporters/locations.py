"""Where a finding's file is, as the consumers of a report look for it: relative to the
repository root, which GitHub resolves both SARIF results and workflow-command annotations
against, whatever directory the workflow step ran iblint in."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def source_root(start: Path) -> Path:
    """The repository root: the nearest of ``start`` and its parents that holds ``.git`` (a
    directory, or a file in a worktree or submodule); ``start`` itself when there is none."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


class SourceRoot:
    """Finding paths (relative to ``cwd``, default the working directory, or absolute) placed
    against the repository root above ``cwd``."""

    def __init__(self, cwd: Path | None = None) -> None:
        self.cwd = Path(os.path.abspath(cwd or Path.cwd()))
        self.root = source_root(self.cwd)

    def absolute(self, path: str) -> Path:
        """The finding's file as an absolute path, ``.`` and ``..`` folded."""
        return Path(os.path.normpath(self.cwd / path))

    def relative(self, path: str) -> PurePosixPath | None:
        """The finding's file relative to the root, or ``None`` when it is outside."""
        try:
            return PurePosixPath(self.absolute(path).relative_to(self.root).as_posix())
        except ValueError:
            return None

    def display(self, path: str) -> str:
        """Relative to the root as a ``/``-separated path, else absolute."""
        relative = self.relative(path)
        return str(relative) if relative is not None else str(self.absolute(path))
