"""Rule specs: the files in ``rules/`` that name, document and exemplify each rule.

Two readers: :func:`rule_index` is the fast one a check run uses (ID, name, severity and
options only, no validation beyond what it reads); :func:`load_specs` validates every field with
pydantic, for ``iblint rules``/``explain``, SARIF rule help and the tests. A test keeps the two
in agreement.

A rule's options, their defaults and bounds are declared once, in its spec (as yamllint's rules
declare ``CONF`` and ``DEFAULT``)::

    options:
      maximum:
        type: integer          # integer, number, boolean or string
        default: 1000
        min: 1                 # optional bounds of a number: a number, or the name of
        description: ...       #   another option of the rule (``max: maximum``)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from iblint.model import Severity

if TYPE_CHECKING:
    from iblint.spec_model import RuleSpec


#: The types an option may have, and how a message names each.
OPTION_TYPES = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "string": "a string",
}


def rules_dir() -> Path:
    """Where the specs are: shipped inside the package in a wheel, at the repo root otherwise."""
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "rules"


class OptionSpec(NamedTuple):
    """One rule option as its spec declares it."""

    type: str
    default: Any
    description: str
    #: The smallest and largest value of a number: a number, or another option's name.
    min: int | float | str | None = None
    max: int | float | str | None = None


class RuleEntry(NamedTuple):
    rule_id: str
    name: str
    severity: Severity
    summary: str
    #: The rule's options by name (the engine passes them to
    #: :meth:`iblint.config.Config.rule_options`).
    options: Mapping[str, OptionSpec]
    #: Whether ``--fix`` fixes some of its findings (the spec's ``fixable``).
    fixable: bool = False

    @property
    def defaults(self) -> dict[str, Any]:
        """Each option's default value."""
        return {name: option.default for name, option in self.options.items()}


@functools.cache
def rule_index() -> dict[str, RuleEntry]:
    """ID to name, default severity and options, for every spec.

    Read from :mod:`iblint.rule_index_data`, the spec heads written out as Python by
    ``python scripts/rules_table.py --write`` (a test keeps it equal to ``rules/``): a check of a
    JSON or Terraform file then never imports a YAML parser, and nothing is parsed at start-up.
    """
    from iblint.rule_index_data import HEADS

    return {rule_id: _entry(head) for rule_id, head in HEADS.items()}


def read_heads() -> dict[str, dict[str, Any]]:
    """The head of every spec in ``rules/`` (all but the examples), parsed from YAML: what
    :mod:`iblint.rule_index_data` holds."""
    import yaml

    loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    heads: dict[str, dict[str, Any]] = {}
    for path in sorted(rules_dir().glob("IB*.yaml")):
        text = path.read_text(encoding="utf-8")
        # Examples come last and are most of a spec; the index needs only the head.
        head, _, _ = text.partition("\nexamples:")
        data = yaml.load(head, Loader=loader)
        heads[data["id"]] = {
            "id": data["id"],
            "name": data["name"],
            "severity": data["severity"],
            "summary": data["summary"],
            "options": data.get("options") or {},
            "fixable": bool(data.get("fixable", False)),
        }
    return heads


def _entry(head: Mapping[str, Any]) -> RuleEntry:
    options = {name: OptionSpec(**declared) for name, declared in head["options"].items()}
    return RuleEntry(
        head["id"],
        head["name"],
        Severity(head["severity"]),
        head["summary"],
        options,
        bool(head["fixable"]),
    )


def describe_options(rule_id: str, options: Mapping[str, OptionSpec]) -> str:
    """What ``iblint explain`` says about a rule's options: each with its type, default,
    bounds and description; an empty string for a rule without options."""
    if not options:
        return ""
    import textwrap

    lines = [
        f"Options (set in [tool.iblint.options.{rule_id}], or with --option {rule_id}.NAME=VALUE):"
    ]
    for name, option in options.items():
        facts = [
            OPTION_TYPES.get(option.type, option.type),
            f"default {toml_value(option.default)}",
        ]
        for word, bound in (("least", option.min), ("most", option.max)):
            if bound is not None:
                limit = f"the value of {bound}" if isinstance(bound, str) else toml_value(bound)
                facts.append(f"at {word} {limit}")
        lines.append(f"  {name}: {', '.join(facts)}")
        lines.append(
            textwrap.fill(option.description, 96, initial_indent=" " * 6, subsequent_indent=" " * 6)
        )
    return "\n".join(lines) + "\n"


def toml_value(value: object) -> str:
    """``value`` as TOML writes it: ``true``, ``8388608``, ``"text"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


@functools.cache
def load_specs() -> dict[str, RuleSpec]:
    """Every spec, validated."""
    import yaml

    from iblint.spec_model import RuleSpec

    loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    specs: dict[str, RuleSpec] = {}
    for path in sorted(rules_dir().glob("IB*.yaml")):
        with path.open(encoding="utf-8") as stream:
            spec = RuleSpec.model_validate(yaml.load(stream, Loader=loader))
        if spec.id != path.stem:
            raise ValueError(f"{path.name} holds the spec of {spec.id}")
        specs[spec.id] = spec
    return specs
