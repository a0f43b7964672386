"""The validated shape of a rule spec (``rules/IBnnn.yaml``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from iblint.model import Severity

InputFormat = Literal[
    "api-json",
    "api-yaml",
    "cloudformation-yaml",
    "cloudformation-json",
    "terraform",
    "terraform-plan",
    "component-yaml",
]

#: The file name an example of each format is written to (the loaders classify by content,
#: but the suffix picks the parser).
EXAMPLE_FILE_NAMES: dict[str, str] = {
    "api-json": "request.json",
    "api-yaml": "request.yaml",
    "cloudformation-yaml": "template.yaml",
    "cloudformation-json": "template.json",
    "terraform": "main.tf",
    "terraform-plan": "plan.json",
    # A standalone AWSTOE component document (classified by content like every document).
    "component-yaml": "component.yaml",
}

_POSITION = re.compile(r"[1-9][0-9]*:[1-9][0-9]*")

#: Python types of each option type's values (``bool`` is an ``int`` in Python: excluded below).
_OPTION_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "string": (str,),
}


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: InputFormat
    description: str = ""
    content: str
    #: ``line:col`` of every finding of this rule, in order.
    findings: list[str] = Field(default_factory=list)
    #: A component catalog document (JSON) passed as ``--catalog`` when running the example.
    catalog: str | None = None
    #: Rule options for this example, overriding the spec's defaults.
    options: dict[str, Any] = Field(default_factory=dict)
    #: How ``content`` is written to the file (``latin-1`` makes non-ASCII text invalid UTF-8).
    encoding: Literal["utf-8", "latin-1", "utf-16"] = "utf-8"
    #: A bad example of a rule with a safe fix: ``content`` after ``iblint check --fix`` (a test
    #: applies the fixes and checks the result against this and against the rules again).
    fixed: str | None = None

    @field_validator("findings")
    @classmethod
    def _positions(cls, findings: list[str]) -> list[str]:
        for position in findings:
            if not _POSITION.fullmatch(position):
                raise ValueError(f"{position!r} is not line:col")
        return findings

    @property
    def file_name(self) -> str:
        return EXAMPLE_FILE_NAMES[self.format]


class RuleOption(BaseModel):
    """A rule option: its type, default, bounds and what it does (see :mod:`iblint.specs`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["integer", "number", "boolean", "string"]
    default: Any
    description: str = Field(min_length=1)
    #: Bounds of a number: a number, or the name of another option of the same rule.
    min: int | float | str | None = None
    max: int | float | str | None = None

    @model_validator(mode="after")
    def _default_fits(self) -> RuleOption:
        if not _is_option_value(self.type, self.default):
            raise ValueError(f"default {self.default!r} is not of type {self.type}")
        for bound in (self.min, self.max):
            if bound is None:
                continue
            if self.type not in ("integer", "number"):
                raise ValueError(f"a {self.type} option has no bounds")
            if not isinstance(bound, str) and not _is_option_value(self.type, bound):
                raise ValueError(f"bound {bound!r} is not of type {self.type}")
        if isinstance(self.min, int | float) and self.default < self.min:
            raise ValueError(f"default {self.default} is below min {self.min}")
        if isinstance(self.max, int | float) and self.default > self.max:
            raise ValueError(f"default {self.default} is above max {self.max}")
        return self


def _is_option_value(option_type: str, value: object) -> bool:
    if isinstance(value, bool) and option_type != "boolean":
        return False
    return isinstance(value, _OPTION_VALUE_TYPES[option_type])


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^IB[0-9]{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    severity: Severity
    summary: str = Field(min_length=1, max_length=200)
    what: str = Field(min_length=1)
    why: str = Field(min_length=1)
    fix: str = Field(min_length=1)
    references: list[str] = Field(min_length=1)
    formats: list[InputFormat] = Field(min_length=1)
    options: dict[str, RuleOption] = Field(default_factory=dict)
    #: Whether ``iblint check --fix`` fixes some of its findings (those whose fix is certain).
    fixable: bool = False
    examples: Examples

    @model_validator(mode="after")
    def _bounds_name_numeric_options(self) -> RuleSpec:
        """A bound that names another option names a number option whose default respects it."""
        for name, option in self.options.items():
            for side, bound in (("min", option.min), ("max", option.max)):
                if not isinstance(bound, str):
                    continue
                other = self.options.get(bound)
                if other is None or other.type not in ("integer", "number") or bound == name:
                    raise ValueError(
                        f"option {name}: {side} {bound!r} is not another number option"
                    )
                low, high = (other.default, option.default)[:: 1 if side == "min" else -1]
                if low > high:
                    raise ValueError(f"option {name}: default breaks its {side} {bound!r}")
        return self

    @property
    def family(self) -> str:
        return self.id[:3]
