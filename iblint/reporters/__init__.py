"""Output formats. A reporter writes findings to a text stream; the CLI picks one by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NamedTuple, TextIO

from iblint.model import Finding


class ReportContext(NamedTuple):
    """What a reporter knows besides the findings."""

    files_checked: int
    color: bool = False


Reporter = Callable[[list[Finding], ReportContext, TextIO], None]

#: Format name to the module that implements it (imported only when chosen).
FORMATS = {
    "text": "iblint.reporters.text",
    "json": "iblint.reporters.json_report",
    "sarif": "iblint.reporters.sarif",
    "github": "iblint.reporters.github",
}


def get_reporter(name: str) -> Reporter:
    module = importlib.import_module(FORMATS[name])
    return module.write  # type: ignore[no-any-return]
