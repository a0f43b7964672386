"""Writing policies and documents to a temporary directory and checking them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from iblint import check_paths
from iblint.config import Config
from iblint.model import Finding
from iblint.policies import EXAMPLE_FILE_NAMES


def policy_file(directory: Path, text: str, name: str = "policy.yaml") -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def findings(
    directory: Path, policy: Path | list[Path], document: str, file_name: str
) -> list[Finding]:
    """The findings of ``policy`` (and only of policies) on ``document`` written to
    ``file_name`` (or a format's name, e.g. ``terraform``)."""
    name = EXAMPLE_FILE_NAMES.get(file_name, file_name)
    path = directory / name
    path.write_text(textwrap.dedent(document).lstrip(), encoding="utf-8")
    policies = policy if isinstance(policy, list) else [policy]
    config = Config.build(policies=policies, ignore=["IB1", "IB2", "IB3", "IB4", "IB5"])
    return check_paths([str(path)], config, root=directory).findings


def positions(found: list[Finding], rule_id: str | None = None) -> list[str]:
    return [
        f"{f.span.start_line}:{f.span.start_col}"
        for f in found
        if rule_id is None or f.rule_id == rule_id
    ]
