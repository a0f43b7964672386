"""The validated shape of a rule spec (``rules/IBnnn.yaml``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from iblint.model import Severity

InputFormat = Literal[
    "api-json",
    "api-yaml",
    "cloudformation-yaml",
    "cloudformation-json",
    "terraform",
    "terraform-plan",
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
}

_POSITION = re.compile(r"^[1-9][0-9]*:[1-9][0-9]*$")


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

    @field_validator("findings")
    @classmethod
    def _positions(cls, findings: list[str]) -> list[str]:
        for position in findings:
            if not _POSITION.match(position):
                raise ValueError(f"{position!r} is not line:col")
        return findings

    @property
    def file_name(self) -> str:
        return EXAMPLE_FILE_NAMES[self.format]


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
    options: dict[str, Any] = Field(default_factory=dict)
    examples: Examples

    @property
    def family(self) -> str:
        return self.id[:3]
