"""Runs a spec's example the way a user would: written to a file, checked by the library."""

from __future__ import annotations

from pathlib import Path

from iblint import check_paths
from iblint.config import Config
from iblint.model import Finding
from iblint.spec_model import Example


def run_example(example: Example, rule_id: str, directory: Path) -> list[Finding]:
    """Every finding (all rules) for ``example``, checked with ``rule_id``'s example options."""
    path = directory / example.file_name
    path.write_bytes(example.content.encode(example.encoding))
    catalogs = []
    if example.catalog is not None:
        catalog = directory / "catalog.json"
        catalog.write_text(example.catalog, encoding="utf-8")
        catalogs.append(catalog)
    config = Config.build(options={rule_id: example.options}, catalogs=catalogs)
    return check_paths([str(path)], config, root=directory).findings


def positions(findings: list[Finding], rule_id: str) -> list[str]:
    return [f"{f.span.start_line}:{f.span.start_col}" for f in findings if f.rule_id == rule_id]
