"""The fast shape validator and node readers give exactly what they gave before.

``tests/reference_validator.py`` is the validator as it was. Every resource of the real files,
the examples and generated benchmark inputs, and hypothesis-made bodies walked along the API
shapes in every format (right and wrong names, types, enum values, lengths, patterns, ranges,
``Fn::If`` branches that remove a value, unknown values) must give the same issues, in the same
order. The node readers of :mod:`iblint.checks.values`, which now skip their generators for a
value that is not an ``Fn::If``, must yield what their generators yielded.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import registry, shapes
from iblint.checks import ebs, values
from iblint.checks import shapes as shape_checks
from iblint.dialects.terraform_plan import OpenMapping
from iblint.loading import load_text
from iblint.model import (
    Choice,
    Mapping,
    Node,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Span,
    Unknown,
    alternatives,
)
from iblint.shapes import formats
from tests import reference_validator

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402


def reference_issues(resource: Resource) -> list[Any]:
    """:func:`iblint.checks.shapes.validate` as it was, with the reference walk."""
    fmt = formats.FORMATS.get(resource.dialect)
    if fmt is None or resource.kind not in shapes.REQUESTS:
        return []
    if fmt.name == "api-response":
        shape = shapes.RESPONSES[resource.kind]
    elif (
        resource.kind is ResourceKind.INFRASTRUCTURE_CONFIGURATION
        and fmt.name == "api-request"
        and "infrastructureConfigurationArn" in resource.body.entries
    ):
        shape = shapes.UPDATE_INFRASTRUCTURE
    elif (
        resource.kind is ResourceKind.COMPONENT
        and fmt.name == "api-request"
        and "format" in resource.body.entries
    ):
        shape = shapes.IMPORT_COMPONENT
    else:
        shape = shapes.REQUESTS[resource.kind]
    deferred = shape_checks._deferred(len(registry.RULES))
    walk = reference_validator.Walk(fmt, shapes.load().shapes, resource.kind, deferred)
    walk.structure(resource.body, shape, formats.resource_label(fmt, resource.kind, shape), True)
    return walk.issues


def assert_same_issues(resource: Resource) -> int:
    expected = reference_issues(resource)
    actual = shape_checks.validate(resource)
    assert [tuple(issue) for issue in actual] == [tuple(issue) for issue in expected]
    return len(actual)


# --- Real and generated files ----------------------------------------------------------------


def _files() -> Iterator[Path]:
    suffixes = (".yaml", ".yml", ".json", ".template", ".tf")
    roots = [REPO / "examples", REPO / "tests"] + ([CORPUS] if CORPUS.is_dir() else [])
    for root in roots:
        yield from sorted(path for path in root.rglob("*") if path.suffix in suffixes)


def test_real_files() -> None:
    checked = 0
    for path in _files():
        if not path.is_file():
            continue
        loaded = load_text(path.read_bytes().decode("utf-8", "replace"), path.name)
        for resource in loaded.resources:
            assert_same_issues(resource)
            checked += 1
    assert checked > 0


def test_generated_benchmark_inputs() -> None:
    for index in range(12):
        for text, name in (
            (generate.to_yaml(generate.template(index, 7)), "t.yaml"),
            (generate.to_json(generate.template(index, 7)), "t.json"),
            (generate.to_json(generate.cli_request(index, 7)), "r.json"),
        ):
            loaded = load_text(text, name)
            assert loaded.resources
            for resource in loaded.resources:
                assert_same_issues(resource)


# --- Hypothesis-made bodies along the shapes -------------------------------------------------

_positions = count(1)


def _span() -> Span:
    line = next(_positions)
    return Span(line, 1, line, 5)


def _leaf(draw: st.DrawFn, shape: dict[str, Any]) -> Node:
    enum = shape.get("enum") or ["gp3"]
    maximum = shape.get("max") or 10
    value = draw(
        st.one_of(
            st.sampled_from(enum),
            st.sampled_from([item.upper() for item in enum] + [f" {enum[0].lower()} "]),
            st.sampled_from(["", "x", "a" * (maximum + 1), "1.0.0", "1.x.3", "arn:aws:x"]),
            st.sampled_from(["250", "-3", "1" * 4400, "true", "FALSE", "12.5"]),
            st.integers(-5, 70_000),
            st.sampled_from([0.5, 250.0, float("inf"), True, False, None, 10**5000]),
            st.none(),
        )
    )
    return Scalar(value, _span(), _span())


def _wrapped(draw: st.DrawFn, node: Node) -> Node:
    how = draw(st.sampled_from(["as is", "as is", "as is", "choice", "removable", "unknown"]))
    if how == "choice":
        return Choice([node, _leaf(draw, {})], node.span, node.key_span)
    if how == "removable":
        return Choice([None, node], node.span, node.key_span)
    if how == "unknown":
        return Unknown("Ref", node.span, node.key_span, may_be_null=draw(st.booleans()))
    return node


def _spelling(draw: st.DrawFn, fmt: formats.Format, structure: str, api: str, top: bool) -> str:
    expected = formats.spelling(fmt.name, structure, api, top) or api
    return draw(st.sampled_from([expected, expected, expected, api, expected.lower() + "s"]))


def _value(draw: st.DrawFn, fmt: formats.Format, shape_name: str, depth: int) -> Node:
    model = shapes.load().shapes
    shape = model[shape_name]
    kind = shape["type"]
    if draw(st.integers(0, 9)) == 0:  # a value of another type
        kind = draw(st.sampled_from(["structure", "list", "string", "map"]))
    if kind == "structure" and depth < 4:
        return _structure(
            draw, fmt, shape_name if shape["type"] == kind else "InstanceMetadataOptions", depth
        )
    if kind == "list" and depth < 4:
        member = shape.get("member", "ComponentConfiguration")
        items = [
            _wrapped(draw, _value(draw, fmt, member, depth + 1))
            for _ in range(draw(st.integers(0, 3)))
        ]
        return Sequence(items, _span(), _span())
    if kind == "map" and depth < 4:
        value_shape = shape.get("value", "TagValue")
        keys = draw(
            st.lists(st.sampled_from(["a", "", "aws:x", "${var.x}", "k" * 130]), max_size=3)
        )
        entries = {key: _wrapped(draw, _value(draw, fmt, value_shape, depth + 1)) for key in keys}
        return Mapping(entries, _span(), _span())
    return _leaf(draw, shape)


def _structure(draw: st.DrawFn, fmt: formats.Format, shape_name: str, depth: int) -> Mapping:
    members = list(shapes.load().shapes[shape_name].get("members", {}))
    chosen = draw(st.lists(st.sampled_from([*members, "bogus", "clientToken"]), max_size=6))
    if draw(st.booleans()):  # the members a format may require, often null or removed
        required = shapes.load().shapes[shape_name].get("required", [])
        top = ["name", "semanticVersion", "parentImage", "platform"] if depth == 0 else []
        chosen = [*required, *(member for member in top if member in members), *chosen]
    entries: dict[str, Node] = {}
    written: dict[str, str] = {}
    for api in chosen:
        entries[api] = _wrapped(
            draw,
            _value(
                draw,
                fmt,
                shapes.load().shapes[shape_name]["members"].get(api, "NonEmptyString"),
                depth + 1,
            ),
        )
        if draw(st.integers(0, 7)):  # else: a member the dialect made, without its name as written
            written[api] = _spelling(draw, fmt, shape_name, api, depth == 0)
    as_is = fmt.name.startswith("api")
    return Mapping(entries, _span(), _span(), None if as_is else written)


@st.composite
def resources(draw: st.DrawFn) -> Resource:
    kind = draw(st.sampled_from(sorted(shapes.REQUESTS, key=lambda kind: kind.value)))
    fmt = draw(st.sampled_from(sorted(formats.FORMATS.values())))
    shape = shapes.RESPONSES[kind] if fmt.name == "api-response" else shapes.REQUESTS[kind]
    body = _structure(draw, fmt, shape, 0)
    return Resource(kind, "R", body, body.span, dialect=fmt.name)


@FUZZ
@given(resources())
def test_generated_bodies(resource: Resource) -> None:
    assert_same_issues(resource)


def test_generated_bodies_find_issues() -> None:
    """The bodies above are not all clean: the comparison compares findings."""
    found = 0

    @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
    @given(resources())
    def count_issues(resource: Resource) -> None:
        nonlocal found
        found += assert_same_issues(resource)

    count_issues()
    assert found > 0


# --- Node readers ----------------------------------------------------------------------------


def _mappings_in(node: Node | None) -> Iterator[Mapping]:
    for alternative in alternatives(node):
        if isinstance(alternative, Mapping):
            yield alternative


def _mapping_items(node: Node | None) -> Iterator[Mapping]:
    for alternative in alternatives(node):
        if isinstance(alternative, Sequence):
            for item in alternative.items:
                yield from _mappings_in(item)


def _member_alternatives(parent: Mapping, member: str) -> Iterator[tuple[Node | None, Span]]:
    node = parent.get(member)
    absent_anchor = node.anchor if node is not None else parent.anchor
    for alternative in alternatives(node):
        if alternative is None or (isinstance(alternative, Scalar) and alternative.value is None):
            yield None, alternative.anchor if alternative is not None else absent_anchor
        else:
            yield alternative, alternative.span


@st.composite
def _nodes(draw: st.DrawFn, depth: int = 0) -> Node | None:
    kind = draw(
        st.sampled_from(
            ["none", "scalar", "null", "unknown"] + (["map", "list", "choice"] if depth < 3 else [])
        )
    )
    key_span = draw(st.sampled_from([None, _span()]))
    if kind == "none":
        return None
    if kind == "scalar":
        return Scalar(draw(st.sampled_from([1, "gp3", True])), _span(), key_span)
    if kind == "null":
        return Scalar(None, _span(), key_span)
    if kind == "unknown":
        return Unknown("Ref", _span(), key_span)
    if kind == "choice":
        return Choice(
            [draw(_nodes(depth + 1)) for _ in range(draw(st.integers(1, 3)))], _span(), key_span
        )
    if kind == "list":
        items = [draw(_nodes(depth + 1)) for _ in range(draw(st.integers(0, 3)))]
        return Sequence([item for item in items if item is not None], _span(), key_span)
    entries = {
        key: draw(_nodes(depth + 1)) for key in draw(st.lists(st.sampled_from("abc"), max_size=3))
    }
    return Mapping(
        {key: value for key, value in entries.items() if value is not None}, _span(), key_span
    )


@FUZZ
@given(_nodes(), st.booleans())
def test_node_readers(node: Node | None, open_world: bool) -> None:
    assert list(values.mappings_in(node)) == list(_mappings_in(node))
    assert list(values.mapping_items(node)) == list(_mapping_items(node))
    entries = {"a": node} if node is not None else {}
    parent: Mapping = (
        OpenMapping(entries, _span(), _span(), frozenset({"c"}))
        if open_world
        else Mapping(entries, _span(), _span())
    )
    for member in ("a", "b", "c"):
        actual = list(values.member_alternatives(parent, member))
        expected = list(_member_alternatives(parent, member))
        assert [(type(n), s) for n, s in actual] == [(type(n), s) for n, s in expected]
        assert all(
            a is b or isinstance(a, Unknown)
            for (a, _), (b, _) in zip(actual, expected, strict=True)
        )


def _ebs_specifications(resource: Resource) -> Iterator[Mapping]:
    """:func:`iblint.checks.ebs.ebs_specifications` as it was: a generator, not remembered."""
    if resource.kind is ResourceKind.CONTAINER_RECIPE:
        lists = [
            configuration.get("blockDeviceMappings")
            for configuration in _mappings_in(resource.body.get("instanceConfiguration"))
        ]
    else:
        lists = [resource.body.get("blockDeviceMappings")]
    for device_list in lists:
        for device in _mapping_items(device_list):
            yield from _mappings_in(device.get("ebs"))


def test_ebs_mappings_are_found_once_per_resource_as_before() -> None:
    for index in range(12):
        loaded = load_text(generate.to_yaml(generate.template(index, 7)), "t.yaml")
        for resource in loaded.resources:
            expected = list(_ebs_specifications(resource))
            assert list(ebs.ebs_specifications(resource)) == expected
            assert list(ebs.ebs_specifications(resource)) == expected  # remembered
