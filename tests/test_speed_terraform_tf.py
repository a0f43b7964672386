"""The Terraform readers made faster give what they gave before.

- A resource body's translation (:meth:`iblint.dialects.terraform.Translator.body`, shared by
  ``.tf``, ``.tf.json`` and plans) now looks each name's API member up once and reads a literal
  argument without a call: on generated bodies (every kind of name the translation treats
  apart, literals, expressions, blocks, lists, plan markers) it gives the tree and problems
  that the body as it was (kept here as the reference) gives.
- A quoted string of HCL is read from the bytes between its quotes: the value is the one the
  template literal inside gives (:func:`iblint.syntax.hcl_source.string_literal`).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.dialects import terraform_names
from iblint.dialects.terraform import ConfigTranslator, Translator
from iblint.dialects.terraform_names import (
    ADDITIONAL_INSTANCE_CONFIGURATION,
    LIST_BLOCKS,
    META,
    TOP_LEVEL_RENAMES,
    api_name,
    finish_members,
)
from iblint.dialects.terraform_plan import PlanTranslator
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.hcl_source import SourceText, string_literal
from iblint.syntax.hcl_tree import Expression, _parse, parse_hcl
from iblint.syntax.positions import LineTable
from tests.trees import assert_same_tree

FUZZ = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- The translation as it was ----------------------------------------------------------------


def _member_name(name: str, top_level: bool) -> str:
    if top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
        return ADDITIONAL_INSTANCE_CONFIGURATION[name]
    if top_level and name in TOP_LEVEL_RENAMES:
        return TOP_LEVEL_RENAMES[name]
    return LIST_BLOCKS.get(name) or api_name(name)


def _place_member(
    name: str, value: Node, top_level: bool, entries: dict[str, Node], additional: dict[str, Node]
) -> None:
    if top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
        additional[ADDITIONAL_INSTANCE_CONFIGURATION[name]] = value
    elif top_level and name in TOP_LEVEL_RENAMES:
        entries[TOP_LEVEL_RENAMES[name]] = value
    elif name == "no_device":
        if isinstance(value, Scalar) and value.value is True:
            entries["noDevice"] = Scalar("", value.span, value.key_span)
        elif not isinstance(value, Scalar):
            entries["noDevice"] = value
    elif name in LIST_BLOCKS:
        entries[LIST_BLOCKS[name]] = value
    elif name == "value" and isinstance(value, Scalar) and value.value is not None:
        entries["value"] = Sequence([value], value.span, value.key_span)
    else:
        entries[api_name(name)] = value


def _reference_body(self: Translator, body: Mapping, marker: Node | None, block: str) -> Mapping:
    top_level = block == ""
    entries: dict[str, Node] = {}
    additional: dict[str, Node] = {}
    dynamic: dict[str, Node] = {}
    unset: set[str] = set()
    written: dict[str, str] = {}
    markers = marker.entries if isinstance(marker, Mapping) else {}
    for name in self.names(body, markers):
        if name in META:
            continue
        value = body.entries.get(name)
        if name == "dynamic":
            self._dynamic(value, top_level, entries, additional, dynamic)
            continue
        translated = self.member(name, value, markers.get(name), block)
        if translated is None:
            if value is not None:
                unset.add(_member_name(name, top_level))
            continue
        _place_member(name, translated, top_level, entries, additional)
        written[_member_name(name, top_level)] = name
    for api, unknown in dynamic.items():
        entries.setdefault(api, unknown)
    finish_members(entries, additional)
    nested = entries.get("additionalInstanceConfiguration")
    if additional and isinstance(nested, Mapping):
        nested.source_names = {api: written.pop(api) for api in additional if api in written}
    mapping = self.mapping(entries, body, frozenset(unset))
    mapping.source_names = written
    return mapping


class _ReferencePlan(PlanTranslator):
    body = _reference_body  # type: ignore[assignment]

    def names(self, body: Mapping, markers: dict[str, Node]) -> list[str]:
        return [*body.entries, *(name for name in markers if name not in body.entries)]


class _ReferenceConfig(ConfigTranslator):
    body = _reference_body  # type: ignore[assignment]


# --- Generated bodies -------------------------------------------------------------------------

_NAMES = st.sampled_from(
    sorted(
        {
            *META,
            *LIST_BLOCKS,
            *ADDITIONAL_INSTANCE_CONFIGURATION,
            *TOP_LEVEL_RENAMES,
            *terraform_names.ZERO_IS_UNSET[""],
            *terraform_names.ZERO_IS_UNSET["ebs"],
            *terraform_names.MAP_ARGUMENTS,
            "dynamic",
            "no_device",
            "value",
            "ebs",
            "instance_metadata_options",
            "http_tokens",
            "x_y",
        }
    )
)
_LITERALS = st.sampled_from([None, True, False, 0, 0.0, 1, "", "true", "false", "gp2", "${a}"])


@st.composite
def _span(draw: st.DrawFn) -> Span:
    line, column = draw(st.integers(1, 40)), draw(st.integers(1, 40))
    return Span(line, column, line, column + draw(st.integers(1, 9)))


@st.composite
def _node(draw: st.DrawFn, depth: int = 0, key_span: Span | None = None) -> Node:
    span = draw(_span())
    kind = draw(st.sampled_from(["scalar", "scalar", "expression", "mapping", "sequence"]))
    if kind == "scalar" or depth > 3:
        return Scalar(draw(_LITERALS), span, key_span)
    if kind == "expression":
        text = draw(st.sampled_from(["var.x", "local.y", "aws_imagebuilder_component.c.arn"]))
        return Expression(text, draw(st.booleans()), span, key_span)
    if kind == "sequence":
        items = draw(st.lists(_node(depth + 1), max_size=3))
        return Sequence(items, span, key_span)
    return _mapping(draw, depth + 1, span, key_span)


def _mapping(draw: st.DrawFn, depth: int, span: Span, key_span: Span | None) -> Mapping:
    entries: dict[str, Node] = {}
    for name in draw(st.lists(_NAMES, max_size=6, unique=True)):
        entries[name] = draw(_node(depth, draw(_span())))
    return Mapping(entries, span, key_span)


@st.composite
def _body(draw: st.DrawFn) -> Mapping:
    return _mapping(draw, 0, draw(_span()), draw(st.none() | _span()))


@st.composite
def _marker(draw: st.DrawFn, depth: int = 0) -> Node | None:
    span = draw(_span())
    kind = draw(st.sampled_from(["none", "bool", "mapping", "sequence"]))
    if kind == "none" or depth > 3:
        return None
    if kind == "bool":
        return Scalar(draw(st.booleans()), span)
    if kind == "sequence":
        items = [item for item in draw(st.lists(_marker(depth + 1), max_size=3)) if item]
        return Sequence(items, span)
    entries: dict[str, Node] = {}
    for name in draw(st.lists(_NAMES, max_size=5, unique=True)):
        value = draw(_marker(depth + 1))
        if value is not None:
            entries[name] = value
    return Mapping(entries, span)


_BLOCKS = st.sampled_from(["", "ebs", "block_device_mapping", "component", "other"])


def _same(new: Translator, reference: Translator, body: Mapping, marker: Any, block: str) -> None:
    problems: list[InputProblem] = new.problems
    assert_same_tree(reference.body(body, marker, block), new.body(body, marker, block))
    assert problems == reference.problems


@FUZZ
@given(_body(), _marker(), _BLOCKS, st.booleans())
def test_plan_bodies(body: Mapping, marker: Node | None, block: str, open_world: bool) -> None:
    _same(
        PlanTranslator([], open_world),
        _ReferencePlan([], open_world),
        body,
        marker,
        block,
    )


@FUZZ
@given(_body(), _BLOCKS, st.booleans())
def test_configuration_bodies(body: Mapping, block: str, json: bool) -> None:
    new = ConfigTranslator(dict, {}, [])
    reference = _ReferenceConfig(dict, {}, [])
    new.json = reference.json = json
    _same(new, reference, body, None, block)


# --- Quoted strings ---------------------------------------------------------------------------

_STRING_PARTS = st.sampled_from(
    [
        *("a", " ", "é", "😀", "\\\\", '\\"', "\\n", "\\t", "\\u00e9", "\\U0001F600", "\\uD800"),
        *("$", "{", "}", "%", "$${", "%%{", "$${x}", "%%{if}", "\\$", "#", "\\r", "'"),
    ]
)


@FUZZ
@given(st.lists(_STRING_PARTS, max_size=8), st.booleans())
def test_a_quoted_string_is_its_template_literal(parts: list[str], crlf: bool) -> None:
    content = "".join(parts)
    text = f'a = "{content}"\nb {{\n  c = ["{content}", {{ k = "{content}" }}]\n}}\n'
    data = (text.replace("\n", "\r\n") if crlf else text).encode()
    root, _ = parse_hcl(data)
    if root is None:
        return
    source = SourceText(data)
    expected = {
        source.span(node.parent): string_literal(node, source)
        for node in _tree_nodes(_parse(data).root_node)
        if node.type == "string_lit" and node.parent.type == "literal_value"
    }
    found = {node.span: node.value for node in _scalars(root)}
    assert {span: found[span] for span in expected} == expected
    if content.strip(" \t") == content and "$" not in content and "%" not in content:
        assert len(expected) == 3 and root.entries["a"].span == LineTable(text).span(
            4, 6 + len(content)
        )


def _tree_nodes(root: Any) -> list[Any]:
    found, pending = [], [root]
    while pending:
        node = pending.pop()
        found.append(node)
        pending.extend(reversed(node.children))
    return found


def _scalars(node: Node) -> list[Scalar]:
    found: list[Scalar] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, Scalar):
            found.append(current)
        elif isinstance(current, Mapping):
            pending.extend(current.entries.values())
        elif isinstance(current, Sequence):
            pending.extend(current.items)
    return found
