"""A small validator that walks a resource's body along its API shape.

It visits each node once, follows ``Fn::If`` branches, skips values that cannot be known
(:class:`~iblint.model.Unknown`), and reports each mistake once, where it is: an unknown
member at its key, a value of the wrong type, not in the enum, out of range, of the wrong
length or not matching the pattern at the value, a missing required member at its parent.
Per value it stops at the first mistake (a wrong type is not also out of range). Names in
messages are the user's: ``HttpTokens`` in CloudFormation, ``http_tokens`` in Terraform.

Patterns are searched, not matched whole (Smithy's ``pattern`` trait adds no anchors; the
model's own anchors say where a pattern must match), with ASCII classes as Java's regular
expressions have them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from iblint.checks.values import closest, integer_of, literal_text
from iblint.model import (
    Choice,
    Mapping,
    Node,
    Problem,
    ResourceKind,
    Scalar,
    Sequence,
    Span,
    Unknown,
    alternatives,
)
from iblint.shapes import formats
from iblint.shapes.formats import Format
from iblint.text_safety import shown

#: The kinds of mistake, one rule each (:mod:`iblint.checks.shapes`).
UNKNOWN = "unknown"
TYPE = "type"
REQUIRED = "required"
ENUM = "enum"
RANGE = "range"
LENGTH = "length"
PATTERN = "pattern"
#: Only the maximum of a length, for a rule that owns it (:data:`Deferred`).
TOO_LONG = "too-long"

_EXPECTED = {
    "structure": "an object",
    "map": "an object",
    "list": "a list",
    "string": "a string",
    "blob": "a string",
    "timestamp": "a date and time",
    "integer": "an integer",
    "long": "an integer",
    "double": "a number",
    "float": "a number",
    "boolean": "true or false",
}

#: What the model's patterns accept, said in words (the pattern itself follows in the fix).
_PATTERN_WORDS = {
    "ResourceName": (
        "3 to 128 letters, digits, hyphens, underscores and spaces, with no space at either end"
    ),
    "InstanceProfileNameType": "an IAM instance profile name (letters, digits and +=,.@_-)",
    "SnsTopicArn": "an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
    "UserDataOverride": "base64-encoded text",
    "TagKey": "a tag key of letters, digits, spaces and _.:/=+-@ that does not start with aws:",
    "AmiWatermarkName": (
        "3 to 128 letters, digits, spaces and ()[]./'@_-, with no space at either end"
    ),
    "VersionNumber": "a version MAJOR.MINOR.PATCH of three numbers",
    "WildcardVersionNumber": "a version MAJOR.MINOR.PATCH whose nodes are numbers or x",
    "ComponentVersionArnOrBuildVersionArn": (
        "a component version ARN (arn:aws:imagebuilder:REGION:OWNER:component/NAME/VERSION, "
        "NAME in lower case) or build version ARN (.../VERSION/BUILD)"
    ),
    "InfrastructureConfigurationArn": (
        "an infrastructure configuration ARN "
        "(arn:aws:imagebuilder:REGION:ACCOUNT:infrastructure-configuration/NAME)"
    ),
    "ImageBuilderArn": "an Image Builder ARN",
    "InlineComponentData": "text without NUL characters",
    "InlineDockerFileTemplate": "text without NUL characters",
    "ComponentParameterName": "text without NUL characters",
}

_COLLECTIONS = frozenset({"structure", "list", "map"})
#: Python's default limit on the digits of an int it reads from text.
_INT_DIGITS = 4300
_HUGE = 10**_INT_DIGITS
_PLURALS = {"member": "members", "property": "properties", "argument": "arguments"}

_patterns: dict[str, re.Pattern[str]] = {}


def _pattern(text: str) -> re.Pattern[str]:
    compiled = _patterns.get(text)
    if compiled is None:
        compiled = _patterns[text] = re.compile(text, re.ASCII)
    return compiled


class Issue(NamedTuple):
    kind: str
    problem: Problem
    #: The value that certainly corrects it (an enum value written in the wrong letter case).
    replacement: str | None = None


#: A check another rule owns, by (structure, member): the validator leaves it out.
Deferred = frozenset[tuple[str, str, str]]


class _Text(NamedTuple):
    """The checks of a string shape in one place (a member, or a map's keys)."""

    #: The enum values the format allows, in the model's order; ``None`` without an enum.
    allowed: list[str] | None
    #: The values that pass: ``allowed`` and those the format adds.
    accepted: frozenset[str]
    enum_skipped: bool
    minimum: int | None
    maximum: int | None
    length_checked: bool
    too_long_skipped: bool
    pattern: str | None
    #: The pattern, compiled; ``None`` when it is absent or left to another rule.
    compiled: re.Pattern[str] | None
    #: Whether there is anything to check at all.
    checked: bool


class _Member(NamedTuple):
    """A structure's member as a format writes it."""

    shape: str
    #: How the format writes it; ``None`` when it cannot.
    expected: str | None
    #: Its name in messages when the dialect made it (no name was written).
    label: str
    #: Whether the format can write it at all.
    writable: bool
    #: (structure, member): where a deferred check or a format's enum values apply.
    owner: tuple[str, str]
    #: Its shape's type.
    kind: str
    #: The checks of a string member's text; ``None`` for other types.
    text: _Text | None
    #: The check of a scalar of its type (``_SCALAR_CHECKS``); ``None`` for collections.
    check: Callable[[Walk, Scalar, str, str, tuple[str, str]], None] | None


class _Plan:
    """What walks in one format need of the shapes, worked out once per run rather than at
    every node: each structure's members as the format writes them, the members it
    requires, each string's checks, and the checks other rules own by place."""

    def __init__(self, fmt: Format, shapes: dict[str, dict[str, Any]], deferred: Deferred):
        self.fmt = fmt
        self.shapes = shapes
        skips: dict[tuple[str, str], set[str]] = {}
        for structure, member, check in deferred:
            skips.setdefault((structure, member), set()).add(check)
        self.skips = {owner: frozenset(checks) for owner, checks in skips.items()}
        self.members: dict[tuple[str, bool], dict[str, _Member]] = {}
        #: By kind, then by structure and top.
        self.required: dict[ResourceKind, dict[tuple[str, bool], tuple[str, ...]]] = {}
        self.texts: dict[tuple[str, tuple[str, str]], _Text] = {}

    def skipped(self, owner: tuple[str, str], check: str) -> bool:
        checks = self.skips.get(owner)
        return checks is not None and check in checks

    def member_table(self, structure: str, top: bool) -> dict[str, _Member]:
        table = self.members.get((structure, top))
        if table is None:
            fmt = self.fmt
            table = {}
            for api, shape in self.shapes[structure]["members"].items():
                expected = formats.spelling(fmt.name, structure, api, top)
                writable = expected is not None and api not in fmt.unwritable
                owner = (structure, api)
                kind = self.shapes[shape]["type"]
                text = self.text(shape, owner) if kind in ("string", "blob") else None
                check = _SCALAR_CHECKS.get(kind)
                table[api] = _Member(
                    shape, expected, expected or api, writable, owner, kind, text, check
                )
            self.members[(structure, top)] = table
        return table

    def required_of(self, kind: ResourceKind, structure: str, top: bool) -> tuple[str, ...]:
        """The members ``structure`` requires in a resource of ``kind`` (idempotency tokens
        aside: the SDKs fill them in)."""
        shape = self.shapes[structure]
        tokens = shape.get("idempotency_tokens", ())
        required = formats.required(self.fmt, kind, structure, shape.get("required", []), top)
        return tuple(member for member in required if member not in tokens)

    def text(self, shape_name: str, owner: tuple[str, str]) -> _Text:
        key = (shape_name, owner)
        rule = self.texts.get(key)
        if rule is None:
            rule = self.texts[key] = self._text(shape_name, owner)
        return rule

    def _text(self, shape_name: str, owner: tuple[str, str]) -> _Text:
        shape = self.shapes[shape_name]
        name = self.fmt.name
        enum = shape.get("enum")
        allowed: list[str] | None = None
        accepted: frozenset[str] = frozenset()
        if enum is not None:
            only = formats.ENUM_ONLY.get(name, {}).get(owner)
            allowed = [value for value in enum if only is None or value in only]
            accepted = frozenset(allowed) | formats.ENUM_EXTRA.get(name, {}).get(owner, frozenset())
        minimum, maximum = shape.get("min"), shape.get("max")
        length_checked = (minimum is not None or maximum is not None) and not self.skipped(
            owner, LENGTH
        )
        pattern = shape.get("pattern")
        compiled = (
            _pattern(pattern) if pattern is not None and not self.skipped(owner, PATTERN) else None
        )
        return _Text(
            allowed,
            accepted,
            self.skipped(owner, ENUM),
            minimum,
            maximum,
            length_checked,
            self.skipped(owner, TOO_LONG),
            pattern,
            compiled,
            allowed is not None or length_checked or compiled is not None,
        )


#: By the ids of the format and the shapes (a plan keeps both, so the ids stay theirs) and the
#: deferred checks.
_plans: dict[tuple[int, int, Deferred], _Plan] = {}


def _plan(fmt: Format, shapes: dict[str, dict[str, Any]], deferred: Deferred) -> _Plan:
    key = (id(fmt), id(shapes), deferred)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _Plan(fmt, shapes, deferred)
    return plan


class Walk:
    """One resource's walk; ``issues`` holds what it found."""

    def __init__(
        self,
        fmt: Format,
        shapes: dict[str, dict[str, Any]],
        kind: ResourceKind,
        deferred: Deferred,
    ) -> None:
        self.fmt = fmt
        self.shapes = shapes
        self.kind = kind
        self.deferred = deferred
        self.issues: list[Issue] = []
        self._seen: set[tuple[int, str]] = set()
        self._plan = _plan(fmt, shapes, deferred)
        #: The members each (structure, top) requires in this kind of resource.
        self._requires = self._plan.required.setdefault(kind, {})
        #: API documents are written with the API's names; a CloudFormation or Terraform
        #: mapping without the names as written was made by the dialect (a variable's object).
        self._as_is = fmt.name.startswith("api")

    def _report(
        self, kind: str, span: Span, message: str, fix: str, replacement: str | None = None
    ) -> None:
        self.issues.append(Issue(kind, Problem(span, message, fix), replacement))

    # Structures -------------------------------------------------------------------------

    def structure(self, node: Mapping, shape_name: str, label: str, top: bool) -> None:
        plan = self._plan
        table = plan.members.get((shape_name, top)) or plan.member_table(shape_name, top)
        fmt = self.fmt
        reports_unknown = fmt.reports_unknown
        written = node.source_names
        as_is = self._as_is
        entries = node.entries
        for api, child in entries.items():
            # The name as the user wrote it; None for a member the dialect made (Terraform's
            # additionalInstanceConfiguration for user_data_base64).
            name = written.get(api) if written is not None else (api if as_is else None)
            member = table.get(api)
            if name is None:
                if member is not None:
                    self.value(child, member.shape, member.label, member.owner)
                continue
            if member is None or not member.writable:
                if reports_unknown and not (top and name in fmt.extra_names):
                    self._unknown(child, name, shape_name, label, top)
                continue
            if name != member.expected and reports_unknown:
                self._unknown(child, name, shape_name, label, top)
                continue
            if child.__class__ is Scalar:  # a literal, the usual case: as value() checks it
                value = child.value
                if value is None:
                    continue  # null leaves the member unset
                text = member.text
                if text is not None and isinstance(value, str):
                    if text.checked:
                        self._checked_text(value, child.span, text, member.shape, name)
                    continue
                check = member.check
                if check is not None:
                    check(self, child, member.shape, name, member.owner)
                elif member.kind in _COLLECTIONS:
                    self._wrong_type(child, member.kind, name, member.owner)
            elif child.__class__ is Mapping and member.kind == "structure":
                seen = (id(child), member.shape)  # as value() would, without its tests
                if seen not in self._seen:
                    self._seen.add(seen)
                    self.structure(child, member.shape, name, False)
            elif child.__class__ is Sequence and member.kind == "list":
                seen = (id(child), member.shape)
                if seen not in self._seen:
                    self._seen.add(seen)
                    self._list(child, self.shapes[member.shape], name, member.owner)
            else:
                self.value(child, member.shape, name, member.owner)
        members = self._requires.get((shape_name, top))
        if members is None:
            members = self._requires[shape_name, top] = plan.required_of(self.kind, shape_name, top)
        for required in members:
            present = entries.get(required)
            if present.__class__ is Scalar and present.value is not None:
                continue  # the usual case: set to a literal
            self._required(node, required, shape_name, label, top)

    def _required(self, node: Mapping, member: str, structure: str, label: str, top: bool) -> None:
        present = node.entries.get(member)
        anchor: Span | None = None
        if present is None or (isinstance(present, Scalar) and present.value is None):
            anchor = node.anchor
            where = ""
        elif isinstance(present, Choice) and any(
            branch is None or (isinstance(branch, Scalar) and branch.value is None)
            for branch in alternatives(present)
        ):
            anchor = present.anchor
            where = " in one of its Fn::If branches"
        if anchor is None:
            return
        name = formats.spelling(self.fmt.name, structure, member, top) or member
        noun = self._noun(structure, member)
        self._report(
            REQUIRED,
            anchor,
            f"{label} lacks the required {noun} {shown(name)}{where}",
            f"add {name}",
        )

    def _noun(self, structure: str, member: str) -> str:
        if self.fmt.name.startswith("terraform"):
            shape = self.shapes[self.shapes[structure]["members"][member]]
            if shape["type"] == "list":
                shape = self.shapes[shape["member"]]
            if shape["type"] == "structure":
                return "block"
        return self.fmt.noun

    def _unknown(self, node: Node, written: str, structure: str, label: str, top: bool) -> None:
        candidates = self._candidates(structure, top)
        suggestion = closest(written, candidates)
        noun = self.fmt.noun
        if suggestion is not None:
            message = f"{label} has no {noun} {shown(written)}: did you mean {shown(suggestion)}?"
            fix = f"rename {written} to {suggestion}"
        else:
            message = f"{label} has no {noun} {shown(written)}"
            fix = f"remove {written}, or use one of the {_PLURALS[noun]} {label} takes"
        self._report(UNKNOWN, node.key_span or node.span, message, fix)

    def _candidates(self, structure: str, top: bool) -> list[str]:
        fmt = self.fmt
        members = self.shapes[structure]["members"]
        names = [
            name
            for member in members
            if member not in fmt.unwritable
            and (name := formats.spelling(fmt.name, structure, member, top)) is not None
        ]
        if (
            top
            and fmt.name.startswith("terraform")
            and "additionalInstanceConfiguration" in members
        ):
            nested = "AdditionalInstanceConfiguration"
            for member in self.shapes[nested]["members"]:
                name = formats.spelling(fmt.name, nested, member, False)
                if name is not None:
                    names.append(name)
        return names

    # Values --------------------------------------------------------------------------------

    def value(self, node: Node | None, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        """Checks every value ``node`` may take against ``shape_name``."""
        if node.__class__ is Choice:
            for alternative in alternatives(node):
                if alternative is not None:
                    self.value(alternative, shape_name, label, owner)
            return
        if node is None or isinstance(node, Unknown):
            return
        if node.__class__ is Scalar:  # the common case: a leaf, seen once
            assert isinstance(node, Scalar)
            if node.value is not None:  # null leaves the member unset
                kind = self.shapes[shape_name]["type"]
                check = _SCALAR_CHECKS.get(kind)
                if check is not None:
                    check(self, node, shape_name, label, owner)
                elif kind in _COLLECTIONS:
                    self._wrong_type(node, kind, label, owner)
            return
        key = (id(node), shape_name)
        if key not in self._seen:  # a node shared by YAML aliases or Fn::If branches: once
            self._seen.add(key)
            self._one(node, shape_name, label, owner)

    def _one(self, node: Node, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            if isinstance(node, Mapping):
                self.structure(node, shape_name, label, False)
            else:
                self._wrong_type(node, kind, label, owner)
        elif kind == "list":
            if isinstance(node, Sequence):
                self._list(node, shape, label, owner)
            else:
                self._wrong_type(node, kind, label, owner)
        elif kind == "map":
            if isinstance(node, Mapping):
                self._map(node, shape, label, owner)
            else:
                self._wrong_type(node, kind, label, owner)
        elif isinstance(node, Scalar):
            check = _SCALAR_CHECKS.get(kind)
            if check is not None:
                check(self, node, shape_name, label, owner)
        else:
            self._wrong_type(node, kind, label, owner)

    def _skipped(self, owner: tuple[str, str], check: str) -> bool:
        return self._plan.skipped(owner, check)

    def _count(self, node: Node, low: int, high: int, shape: dict[str, Any], label: str) -> None:
        """Item counts of a list or map: ``low`` items are there whatever branch a deployment
        takes, ``high`` at most."""
        minimum, maximum = shape.get("min"), shape.get("max")
        what = "items" if isinstance(node, Sequence) else "entries"
        if maximum is not None and low > maximum:
            self._report(
                LENGTH,
                node.span,
                f"{label} has {low} {what}, but takes at most {maximum}",
                f"keep at most {maximum} {what} in {label}",
            )
        elif minimum is not None and high < minimum and self._reports_too_few(node):
            self._report(
                LENGTH,
                node.span,
                f"{label} has {high} {what}, but takes at least {minimum}",
                f"give {label} at least {minimum} {what}, or leave it out",
            )

    def _reports_too_few(self, node: Node) -> bool:
        if isinstance(node, Sequence):
            return self.fmt.reports_too_few
        return self.fmt.reports_too_few_entries

    def _list(
        self, node: Sequence, shape: dict[str, Any], label: str, owner: tuple[str, str]
    ) -> None:
        items = node.items
        sure = len(items)
        for item in items:
            if isinstance(item, Choice) and _may_be_absent(item):
                sure -= 1
        if not self._skipped(owner, LENGTH):
            self._count(node, sure, len(items), shape, label)
        member = shape["member"]
        structures = self.shapes[member]["type"] == "structure"
        seen = self._seen
        for index, item in enumerate(items):
            if structures and item.__class__ is Mapping:  # as value() would, without its tests
                key = (id(item), member)
                if key not in seen:
                    seen.add(key)
                    self.structure(item, member, f"{label}[{index}]", False)
            else:
                self.value(item, member, f"{label}[{index}]", owner)

    def _map(
        self, node: Mapping, shape: dict[str, Any], label: str, owner: tuple[str, str]
    ) -> None:
        entries = node.entries
        sure = sum(1 for value in entries.values() if not _may_be_absent(value))
        self._count(node, sure, len(entries), shape, label)
        value_shape = shape["value"]
        templated = self.fmt.name == "terraform"
        for key, value in entries.items():
            if not (templated and ("${" in key or "%{" in key)):
                where = value.key_span or value.span
                self._text(key, where, shape["key"], f"the key of {label}", owner)
            self.value(value, value_shape, f"{label}[{shown(key)}]", owner)

    # Scalars -------------------------------------------------------------------------------

    def _wrong_type(self, node: Node, kind: str, label: str, owner: tuple[str, str]) -> None:
        if self._skipped(owner, TYPE):
            return
        expected = _EXPECTED.get(kind, f"a {kind}")
        value = node.value if isinstance(node, Scalar) else None
        fix = f"make {label} {expected}"
        if kind in ("integer", "long") and isinstance(value, str) and integer_of(node) is not None:
            fix = f"write {literal_text(node)} as a number, without quotes"
        elif kind == "boolean" and isinstance(value, str) and value.lower() in ("true", "false"):
            fix = f"write {value.lower()} without quotes"
        elif kind == "string" and isinstance(value, int | float) and not isinstance(value, bool):
            fix = f"write {label} in quotes, as a string"
        self._report(
            TYPE, node.span, f"{label} is {_described(node)}, but it must be {expected}", fix
        )

    def _string(self, node: Scalar, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        value = node.value
        if not isinstance(value, str):
            if not self.fmt.converts:  # CloudFormation and Terraform write 5 as "5"
                self._wrong_type(node, "string", label, owner)
            return
        self._text(value, node.span, shape_name, label, owner)

    def _text(
        self, text: str, span: Span, shape_name: str, label: str, owner: tuple[str, str]
    ) -> None:
        """Enum, length and pattern of a string (a value or a map key)."""
        rule = self._plan.text(shape_name, owner)
        if rule.checked:
            self._checked_text(text, span, rule, shape_name, label)

    def _checked_text(
        self, text: str, span: Span, rule: _Text, shape_name: str, label: str
    ) -> None:
        allowed = rule.allowed
        if allowed is not None:
            if rule.enum_skipped or text in rule.accepted:
                return
            listed = ", ".join(allowed)
            message = f"{label} is {shown(text)}, which is not one of {listed}"
            folded = text.strip().lower()
            close = [value for value in allowed if value.lower() == folded]
            if close:
                # Only a slip of letter case is certain enough to fix (IB504's fix).
                certain = close[0] if close[0].lower() == text.lower() else None
                message = f"{message}: did you mean {shown(close[0])}?"
                self._report(ENUM, span, message, f"set {label} to {close[0]}", certain)
            else:
                self._report(ENUM, span, message, f"set {label} to one of {listed}")
            return
        minimum, maximum = rule.minimum, rule.maximum
        if rule.length_checked:
            length = len(text)
            if maximum == 0 and length > 0:
                self._report(
                    LENGTH,
                    span,
                    f"{label} must be an empty string, but is {shown(text)}",
                    f'set {label} to ""',
                )
                return
            if maximum is not None and length > maximum:
                if not rule.too_long_skipped:
                    bounds = f"at most {maximum}" if not minimum else f"{minimum} to {maximum}"
                    self._report(
                        LENGTH,
                        span,
                        f"{label} is {length} characters long, but takes {bounds}",
                        f"shorten {label} to at most {maximum} characters",
                    )
                return
            if minimum is not None and length < minimum:
                if length == 0:
                    unit = "character" if minimum == 1 else "characters"
                    message = f"{label} is empty, but takes at least {minimum} {unit}"
                    fix = f"give {label} a value, or leave it out"
                else:
                    message = f"{label} is {length} characters long, but takes at least {minimum}"
                    fix = f"lengthen {label} to at least {minimum} characters"
                self._report(LENGTH, span, message, fix)
                return
        compiled = rule.compiled
        if compiled is not None and compiled.search(text) is None:
            pattern = rule.pattern
            words = _PATTERN_WORDS.get(shape_name)
            if words is not None:
                message = f"{label} is {shown(text)}, which is not {words}"
            else:
                message = f"{label} is {shown(text)}, which does not match the API's pattern"
            self._report(PATTERN, span, message, f"make {label} match the pattern {pattern}")

    def _integer(self, node: Scalar, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        shape = self.shapes[shape_name]
        value = node.value
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and math.isinf(value):
            number = _HUGE if value > 0 else -_HUGE  # a literal too long to read
        elif (self.fmt.converts or _too_long_for_int(value)) and not isinstance(value, bool):
            number = integer_of(node)
        if number is None:
            self._wrong_type(node, "integer", label, owner)
            return
        if self._skipped(owner, RANGE):
            return
        minimum, maximum = shape.get("min"), shape.get("max")
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            bounds = _bounds(minimum, maximum)
            side = "below" if minimum is not None and number < minimum else "above"
            written = (
                "a number too long to read" if isinstance(value, float) else literal_text(node)
            )
            self._report(
                RANGE,
                node.span,
                f"{label} is {written}, {side} the range the API accepts, {bounds}",
                f"set {label} to a value from {bounds}",
            )

    def _number(self, node: Scalar, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        value = node.value
        if isinstance(value, bool) or not (
            isinstance(value, int | float) or (self.fmt.converts and integer_of(node) is not None)
        ):
            self._wrong_type(node, "double", label, owner)

    def _boolean(self, node: Scalar, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        value = node.value
        if isinstance(value, bool):
            return
        if self.fmt.converts and isinstance(value, str) and value.lower() in ("true", "false"):
            return
        self._wrong_type(node, "boolean", label, owner)

    def _timestamp(self, node: Scalar, shape_name: str, label: str, owner: tuple[str, str]) -> None:
        if isinstance(node.value, bool) or not isinstance(node.value, str | int | float):
            self._wrong_type(node, "timestamp", label, owner)


#: The check of each scalar type (a table of plain functions: bound methods kept on the walk
#: would make a reference cycle, which the engine's paused garbage collector leaves in memory).
_SCALAR_CHECKS: dict[str, Callable[[Walk, Scalar, str, str, tuple[str, str]], None]] = {
    "string": Walk._string,
    "blob": Walk._string,
    "integer": Walk._integer,
    "long": Walk._integer,
    "double": Walk._number,
    "float": Walk._number,
    "boolean": Walk._boolean,
    "timestamp": Walk._timestamp,
}


def _too_long_for_int(value: object) -> bool:
    """An integer literal too long for Python's int(), which YAML's reader keeps as text (JSON's
    reads it as an infinite float): written as a number, whatever its type now."""
    return isinstance(value, str) and len(value) > _INT_DIGITS and value.lstrip("-").isdigit()


def _bounds(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{minimum} to {maximum}"
    if minimum is not None:
        return f"{minimum} or more"
    return f"{maximum} or less"


def _may_be_absent(node: Node) -> bool:
    """Whether an ``Fn::If`` may remove this list item or map entry."""
    return isinstance(node, Choice) and any(branch is None for branch in alternatives(node))


def _described(node: Node) -> str:
    if isinstance(node, Mapping):
        return "an object"
    if isinstance(node, Sequence):
        return "a list"
    value = node.value if isinstance(node, Scalar) else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the string {shown(value)}"
    if isinstance(value, int | float):
        return f"the number {literal_text(node)}"
    return "a value of another type"
