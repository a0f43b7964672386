"""iblint: an offline policy linter for AWS EC2 Image Builder definitions.

The library API::

    from iblint import check_paths, check_text
    report = check_paths(["infra/"])
    findings = check_text(template_text, "template.yaml")
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from iblint.config import Config
    from iblint.engine import Report
    from iblint.model import Finding


def check_paths(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    config: Config | None = None,
    root: Path | None = None,
) -> Report:
    """Checks files and directories (one path or several); paths in findings are relative to
    ``root`` (the cwd)."""
    from iblint.config import Config
    from iblint.discover import discover
    from iblint.engine import check_files

    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    return check_files(discover([os.fspath(path) for path in given], root), config or Config())


def check_text(text: str, name: str = "input.yaml", config: Config | None = None) -> list[Finding]:
    """Checks one document given as text; ``name``'s suffix picks the parser. The same path as
    :func:`check_paths`: the configuration's catalogs, selection and options apply."""
    from iblint.config import Config
    from iblint.engine import TextSource, check_files

    return check_files([TextSource(text, name)], config or Config()).findings
