"""Output formats. A reporter writes findings to a text stream; the CLI picks one by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple, TextIO

from iblint.model import Finding, Severity


class ReportContext(NamedTuple):
    """What a reporter knows besides the findings."""

    files_checked: int
    color: bool = False
    #: Each rule's severity in this run where the configuration (``--severity``, a config
    #: file's ``severity`` table) overrides the spec's default; other rules have their default.
    severities: Mapping[str, Severity] = MappingProxyType({})


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
