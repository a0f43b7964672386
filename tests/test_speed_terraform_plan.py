"""A plan's selected reading (:mod:`iblint.syntax.json_selected`) builds what it keeps from the
values ``json.loads`` read, finding in the text only where each value ends. Every node it builds
must be the node the positioned parser (:func:`iblint.syntax.json_tree.parse_json`) builds from
the same text: type, value, span and key span, on a large one-line plan, pretty-printed plans,
and any JSON text (escapes, numbers, whitespace, line breaks of every kind); and where the value
and depth limits stop a document, it stops with the same problem.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.dialects.plan_selection import read_plan
from iblint.model import Mapping, Node, Sequence
from iblint.syntax import json_kept, json_selected, json_tree
from iblint.syntax.json_selected import DROP, KEEP, Selector, parse_json_selected
from tests.json_texts import EDITS, dumped, edited, json_values, keys
from tests.trees import assert_same_tree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _keep_all(data: Any) -> Selector:
    """Steps into the document and keeps each of its members whole."""
    return lambda key, value: KEEP


def _step_all(data: Any) -> Selector:
    """Steps into every mapping and list (the walk, not the builder, reads them)."""

    def step(key: str | int, value: Any) -> Selector | int:
        return step if isinstance(value, dict | list) else KEEP

    return step


def _members_of(value: Any) -> Any:
    """Every other member of a mapping, each the same way (a value that is not a mapping is
    kept whole)."""
    if not isinstance(value, dict):
        return KEEP
    return {key: _members_of(item) for n, (key, item) in enumerate(value.items()) if n % 2 == 0}


def _some(data: Any) -> Selector:
    """Leaves some members and items out, keeps some whole, and some with only some members."""

    def select(key: str | int, value: Any) -> Any:
        return [DROP, _members_of(value), KEEP][len(str(key)) % 3]

    return select


def assert_some_as_whole(text: str) -> None:
    """Leaving parts out changes no node that is kept; ``None`` only for what ``json.loads``
    refuses. (A limit is reached only where the part over it is kept.)"""
    selected = parse_json_selected(text, _some)
    if selected is None:
        assert _refused_by_json_loads(text) or "NaN" in text or "Infinity" in text, text[:200]
        return
    whole = json_tree.parse_json(text)
    assert selected[1] in ([], whole[1]), text[:200]
    if selected[1]:
        assert selected[0] is None
    elif not whole[1]:
        assert whole[0] is not None and selected[0] is not None
        assert_kept_as_whole(whole[0], selected[0])


def _refused_by_json_loads(text: str) -> bool:
    try:
        data = json.loads(text, object_pairs_hook=json_selected._unique_pairs)
    except (ValueError, RecursionError, json_selected._Refused):
        return True
    return not isinstance(data, dict | list)


def assert_selected_as_whole(text: str, selection: Callable[[Any], Selector | None]) -> None:
    """Selecting everything gives exactly what the positioned parser gives; ``None`` only for
    what ``json.loads`` refuses (then the caller parses the whole text)."""
    selected = parse_json_selected(text, selection)
    if selected is None:
        assert _refused_by_json_loads(text) or "NaN" in text or "Infinity" in text, text[:200]
        return
    whole = json_tree.parse_json(text)
    assert selected[1] == whole[1], text[:200]
    assert_same_tree(whole[0], selected[0])


def assert_kept_as_whole(whole: Node, selected: Node) -> int:
    """Every node of the selected tree is the node at that place of the whole tree (items
    of a list matched by their span); returns how many nodes were compared."""
    compared = 0
    pending: list[tuple[Node, Node]] = [(whole, selected)]
    while pending:
        want, got = pending.pop()
        compared += 1
        assert type(want) is type(got)
        assert (want.span, want.key_span) == (got.span, got.key_span)
        if isinstance(got, Mapping):
            assert isinstance(want, Mapping)
            keys = [key for key in want.entries if key in got.entries]
            assert keys == list(got.entries)
            pending.extend((want.entries[key], child) for key, child in got.entries.items())
        elif isinstance(got, Sequence):
            assert isinstance(want, Sequence)
            by_span = {item.span: item for item in want.items}
            pending.extend((by_span[item.span], item) for item in got.items)
        else:
            assert_same_tree(want, got)
    return compared


# --- Plans ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape", ["one line", "indented", "CRLF", "tabs and spaces"], ids=lambda shape: shape
)
def test_every_kept_node_of_a_large_plan_is_the_parsers_node(shape: str) -> None:
    text = generate.plan(3 * 2**20 if shape == "one line" else 400_000, 5)
    if shape != "one line":
        data = json.loads(text)
        if shape == "indented":
            text = json.dumps(data, indent=2)
        elif shape == "CRLF":
            text = json.dumps(data, indent=1, ensure_ascii=False).replace("\n", "\r\n")
        else:
            text = json.dumps(data, indent="\t", separators=(" ,", " : ")).replace("\n", "\r")
    selected = read_plan(text)
    assert selected is not None
    root, problems = selected
    whole, whole_problems = json_tree.parse_json(text)
    assert problems == whole_problems == []
    assert root is not None and whole is not None
    assert assert_kept_as_whole(whole, root) > len(text) // 200
    # The resource changes kept have the members the dialect reads, each whole, and no other.
    assert isinstance(root, Mapping) and isinstance(whole, Mapping)
    changes = root.entries["resource_changes"]
    all_changes = whole.entries["resource_changes"]
    assert isinstance(changes, Sequence) and isinstance(all_changes, Sequence)
    by_span = {change.span: change for change in all_changes.items}
    assert len(changes.items) > 50
    for change in changes.items:
        assert isinstance(change, Mapping)
        want = by_span[change.span]
        assert isinstance(want, Mapping)
        assert list(change.entries) == ["address", "mode", "type", "change"]
        for key in ("address", "mode", "type"):
            assert_same_tree(want.entries[key], change.entries[key])
        details, want_details = change.entries["change"], want.entries["change"]
        assert isinstance(details, Mapping) and isinstance(want_details, Mapping)
        assert (details.span, details.key_span) == (want_details.span, want_details.key_span)
        assert list(details.entries) == ["after", "after_unknown"]
        for key in details.entries:
            assert_same_tree(want_details.entries[key], details.entries[key])


def test_a_one_line_plan_has_columns_from_its_offsets() -> None:
    text = generate.plan(200_000, 3)
    selected = read_plan(text)
    assert selected is not None and isinstance(selected[0], Mapping)
    changes = selected[0].entries["resource_changes"]
    assert isinstance(changes, Sequence)
    after = changes.items[-1]
    assert isinstance(after, Mapping)
    change = after.entries["change"]
    assert isinstance(change, Mapping)
    value = change.entries["after"]
    assert isinstance(value, Mapping) and value.key_span is not None
    start = value.key_span.start_col - 1
    assert value.key_span.start_line == value.span.end_line == 1
    assert text[start : value.key_span.end_col - 1] == '"after"'
    assert text[value.span.start_col - 1] == "{" and text[value.span.end_col - 2] == "}"


# --- Any JSON ---------------------------------------------------------------------------------

_TRICKY = [
    "{}",
    "[]",
    '{"a": {}}',
    '[[], {}, [[]], ""]',
    '{"a":-0,"b":-0.0,"c":1.0,"d":1e5,"e":1E+2,"f":-1.5e-3,"g":0,"h":12345678901234567890}',
    '{"\\"":"\\"","\\\\":"\\\\","\\/":"\\/","a\\u0062":"\\u00e9\\n\\t"}',
    '{"k":"\\\\\\"","l":"x\\\\","m":"\\"x","n":"\\ud83d\\ude00","o":"\\ud800"}',
    '{"é😀":"😀é","\u2028":"\u2029","":""}',
    "[true,false,null,true , false ,\tnull\n]",
    '{ "a" : [ 1 , 2 ] ,\r\n "b" :\r "c" ,\n\n"d":{"e":\r\n{}} }',
    '\n\r\n  {"a": "x"}  \n',
    # A line break where the builder moves to the next line: before a colon or a comma, and
    # inside a value the next member follows on the same line.
    '{"a"\n:\n1,"b"\r\n:"x" \r,\n"c"\r:\r[]}',
    '{"a":{\n"x":1},"b":2,"c":[\n1],"d":3,"e":{"f":\n[]},"g":true}',
    '[{\n},1,[\n],2,[[\r\n]],"x",{"y":\n{}},null]',
    '{"a":"' + "x" * 300 + '","b":["' + "\\n" * 100 + '"]}',
    '[{"a":1},{"a":1,"b":[{"c":[{"d":null}]}]}]',
    '{"a":1,"a":2}',
    '{"a":NaN}',
    "[1e400, -1e400]",
    "[" + "1" * 5000 + "]",
    "[" * 199 + "]" * 199,
    "[" * 201 + "]" * 201,
    '{"a":' * 199 + "1" + "}" * 199,
    '{"a":' * 201 + "1" + "}" * 201,
    "[" + "[1]," * 300 + "[]]",
    # The document's own members are read one by one, as json.loads would read them.
    "{ }",
    ' {"a" : 1 ,"bb":[2], "ccc": {"d":3}} \r\n',
    '{"a":1,"b":{"c":2},"a":3}',
    '{"a":1,}',
    '{"a":1 "b":2}',
    '{"a":1} x',
    '{"a":1}}',
    '{"a"}',
    '{"a":}',
    '{"a":1',
    '{"a',
    "{",
    '\ufeff{"a":1}',
    '{"a\u0000":1,"\\u00e9":[{"x":1,"y":2,"z":{"w":[]}}]}',
]


@pytest.mark.parametrize("text", _TRICKY)
def test_tricky_texts(text: str) -> None:
    for variant in (text, f"[{text}]", f'{{"x": {text}}}'):  # kept whole inside a container
        assert_selected_as_whole(variant, _keep_all)
        assert_selected_as_whole(variant, _step_all)
        assert_some_as_whole(variant)


_KEYS = keys('ab"\\é\u2028\x01/ 😀\ud800')
_VALUES = json_values(_KEYS)
_CONTAINERS = st.lists(_VALUES, max_size=4) | st.dictionaries(_KEYS, _VALUES, max_size=4)


def _dumped() -> st.SearchStrategy[str]:
    return dumped(_CONTAINERS, [None, 0, 1, "\t", " \r\n"])


@FUZZ
@given(_dumped(), st.booleans())
def test_valid_json(text: str, step: bool) -> None:
    assert_selected_as_whole(text, _step_all if step else _keep_all)
    assert_some_as_whole(text)


@FUZZ
@given(_dumped(), EDITS)
def test_mutated_json(text: str, edits: list[tuple[int, int, str]]) -> None:
    text = edited(text, edits)
    assert_selected_as_whole(text, _keep_all)
    assert_some_as_whole(text)


@FUZZ
@given(_dumped(), st.integers(0, 12), st.integers(1, 8), st.booleans())
def test_limits(text: str, cap: int, depth: int, step: bool) -> None:
    """Where the value and depth limits stop a text, the builder stops it as the parser does
    (it hands the value over the limit to the parser, which says where)."""
    with pytest.MonkeyPatch.context() as patch:
        for module in (json_tree, json_selected, json_kept):
            patch.setattr(module, "MAX_JSON_VALUES", cap)
        for module in (json_tree, json_selected):
            patch.setattr(module, "MAX_DEPTH", depth)
        assert_selected_as_whole(text, _step_all if step else _keep_all)
