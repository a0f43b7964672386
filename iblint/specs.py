"""Rule specs: the files in ``rules/`` that name, document and exemplify each rule.

Two readers: :func:`rule_index` is the fast one a check run uses (ID, name, severity and
options only, no validation beyond what it reads); :func:`load_specs` validates every field with
pydantic, for ``iblint rules``/``explain``, SARIF rule help and the tests.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from iblint.model import Severity

if TYPE_CHECKING:
    from iblint.spec_model import RuleSpec

_YamlLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def rules_dir() -> Path:
    """Where the specs are: shipped inside the package in a wheel, at the repo root otherwise."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "rules"


class RuleEntry(NamedTuple):
    rule_id: str
    name: str
    severity: Severity
    summary: str
    options: dict[str, Any]


@functools.cache
def rule_index() -> dict[str, RuleEntry]:
    """ID to name, default severity and default options, for every spec."""
    index: dict[str, RuleEntry] = {}
    for path in sorted(rules_dir().glob("IB*.yaml")):
        text = path.read_text(encoding="utf-8")
        # Examples come last and are most of a spec; a check run needs only the head.
        head, _, _ = text.partition("\nexamples:")
        data = yaml.load(head, Loader=_YamlLoader)
        index[data["id"]] = RuleEntry(
            data["id"],
            data["name"],
            Severity(data["severity"]),
            data["summary"],
            dict(data.get("options") or {}),
        )
    return index


@functools.cache
def load_specs() -> dict[str, RuleSpec]:
    """Every spec, validated."""
    from iblint.spec_model import RuleSpec

    specs: dict[str, RuleSpec] = {}
    for path in sorted(rules_dir().glob("IB*.yaml")):
        with path.open(encoding="utf-8") as stream:
            spec = RuleSpec.model_validate(yaml.load(stream, Loader=_YamlLoader))
        if spec.id != path.stem:
            raise ValueError(f"{path.name} holds the spec of {spec.id}")
        specs[spec.id] = spec
    return specs
