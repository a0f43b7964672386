"""Checking a text as a file of the given name with the loaders and the IB0/IB6 rules only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iblint import check_paths
from iblint.config import Config
from iblint.model import Finding

#: A complete document of the AWS managed component's kind, clean under every rule.
DOCUMENT = """\
name: hello-world-linux
description: Writes a greeting file and checks it.
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: WriteGreeting
        action: CreateFile
        inputs:
          - path: /opt/hello/greeting.txt
            content: Hello
  - name: validate
    steps:
      - name: CheckGreeting
        action: ExecuteBash
        inputs:
          commands:
            - grep -q Hello /opt/hello/greeting.txt
"""


def findings(
    directory: Path,
    name: str,
    text: str,
    select: tuple[str, ...] = ("IB0", "IB6"),
    options: dict[str, dict[str, Any]] | None = None,
) -> list[Finding]:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    config = Config.build(select=list(select), options=options or {})
    return check_paths([str(path)], config, root=directory).findings


def places(found: list[Finding], rule_id: str | None = None) -> list[str]:
    """``IB606@8:17`` for each finding (of ``rule_id`` only, if given)."""
    return [
        f"{finding.rule_id}@{finding.span.start_line}:{finding.span.start_col}"
        for finding in found
        if rule_id is None or finding.rule_id == rule_id
    ]


def step_document(step: str, extra_top: str = "") -> str:
    """A document with one build step (``step`` is the step's YAML, indented 6)."""
    return (
        "name: probe\nschemaVersion: 1.0\n"
        + extra_top
        + "phases:\n  - name: build\n    steps:\n"
        + step
    )
