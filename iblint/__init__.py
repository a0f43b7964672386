"""iblint: an offline policy linter for AWS EC2 Image Builder definitions.

The library API::

    from iblint import check_paths, check_text
    from iblint.config import Config

    report = check_paths(["infra/"])
    findings = check_text(template_text, "template.yaml")
    config = Config.build(select=["IB1", "IB2"], options={"IB202": {"maximum": 2000}})
    report = check_paths(["infra/"], config)

A :class:`~iblint.config.Config` is immutable and validated when it is built, by
``Config.build(...)`` or ``iblint.config.load_config(path)``, the same way the command line
builds its own; ``Config()`` runs every rule with its defaults.

Errors. A problem in a checked file is a finding, never an exception. The errors of the run
itself derive from :class:`iblint.errors.IblintError`:

- :class:`iblint.errors.ConfigError`, raised when a configuration is built: an unknown rule
  ID, prefix or option, a severity other than ``error``/``warning``/``note``, an option value
  of the wrong type or outside the bounds its rule's spec declares (``iblint explain RULE``
  lists them), or a configuration file that cannot be read or parsed; also raised by
  ``check_paths`` when the baseline (``Config.baseline``) is missing or is not a baseline;
- :class:`iblint.engine.CatalogError`, raised by ``check_paths`` when a catalog file named in
  the configuration holds no component catalog document.

``check_paths`` also raises :class:`iblint.discover.MissingPathError` (a
``FileNotFoundError``) when a path it is given does not exist.
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
    from iblint.exclusions import Excluder

    config = config or Config()
    given = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    # The configuration's exclusions, and .gitignore in walked folders, as on the command line.
    files = discover([os.fspath(path) for path in given], root, skip=Excluder(config))
    return check_files(files, config)


def check_text(text: str, name: str = "input.yaml", config: Config | None = None) -> list[Finding]:
    """Checks one document given as text; ``name``'s suffix picks the parser. The same path as
    :func:`check_paths`: the configuration's catalogs, selection and options apply."""
    from iblint.config import Config
    from iblint.engine import TextSource, check_files

    return check_files([TextSource(text, name)], config or Config()).findings
