"""The JSON loader: exact 1-based spans, duplicate keys, syntax errors, depth, strictness."""

from __future__ import annotations

import json

import pytest

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.json_tree import parse_json
from iblint.syntax.limits import MAX_DEPTH
from tests.work_counts import assert_linear, steps_of


def parse_ok(text: str) -> Node:
    root, problems = parse_json(text)
    assert problems == []
    assert root is not None
    return root


def parse_problem(text: str) -> InputProblem:
    root, problems = parse_json(text)
    assert root is None
    assert len(problems) == 1, problems
    return problems[0]


def at(node: Node | None, *path: str | int) -> Node:
    for step in path:
        if isinstance(step, int):
            assert isinstance(node, Sequence), node
            node = node.items[step]
        else:
            assert isinstance(node, Mapping), node
            node = node.entries[step]
    assert node is not None
    return node


def plain(node: Node) -> object:
    """The node as plain Python data, for comparison with ``json.loads``."""
    if isinstance(node, Mapping):
        return {key: plain(value) for key, value in node.entries.items()}
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    assert isinstance(node, Scalar)
    return node.value


NESTED = """\
{
  "imageRecipe": {
    "name": "r",
    "blockDeviceMappings": [
      {
        "deviceName": "/dev/xvda",
        "ebs": {"volumeType": "gp2", "throughput": 300}
      }
    ],
    "enabled": true,
    "nothing": null,
    "ratio": -1.5e2
  }
}
"""


def test_nested_key_and_value_spans() -> None:
    root = parse_ok(NESTED)
    assert root.span == Span(1, 1, 14, 2)
    assert root.key_span is None
    recipe = at(root, "imageRecipe")
    assert recipe.key_span == Span(2, 3, 2, 16)
    assert recipe.span == Span(2, 18, 13, 4)
    mappings = at(recipe, "blockDeviceMappings")
    assert mappings.key_span == Span(4, 5, 4, 26)
    assert mappings.span == Span(4, 28, 9, 6)
    item = at(mappings, 0)
    assert item.key_span is None
    assert item.span == Span(5, 7, 8, 8)
    throughput = at(item, "ebs", "throughput")
    assert throughput.key_span == Span(7, 38, 7, 50)
    assert throughput.span == Span(7, 52, 7, 55)
    assert at(item, "ebs", "volumeType").span == Span(7, 31, 7, 36)
    assert at(item, "deviceName").span == Span(6, 23, 6, 34)


def test_scalar_types() -> None:
    root = parse_ok(NESTED)
    recipe = at(root, "imageRecipe")
    assert at(recipe, "enabled").span == Span(10, 16, 10, 20)
    assert plain(at(recipe, "enabled")) is True
    assert plain(at(recipe, "nothing")) is None
    assert plain(at(recipe, "ratio")) == -150.0
    assert isinstance(plain(at(recipe, "ratio")), float)
    assert isinstance(plain(at(recipe, "blockDeviceMappings", 0, "ebs", "throughput")), int)


def test_quoted_numbers_stay_strings() -> None:
    root = parse_ok('{"throughput": "250", "on": "yes", "hex": "0x10"}')
    assert plain(root) == {"throughput": "250", "on": "yes", "hex": "0x10"}


def test_values_match_the_standard_library() -> None:
    text = '{"a": [1, 2.5, "x\\u00e9\\n", {"b": null}], "c": {}, "d": [], "e": false, "\\u00e9": 0}'
    assert plain(parse_ok(text)) == json.loads(text)


def test_empty_containers_have_spans() -> None:
    root = parse_ok('{"a": {}, "b": [ ]}')
    assert at(root, "a").span == Span(1, 7, 1, 9)
    assert at(root, "a").key_span == Span(1, 2, 1, 5)
    assert at(root, "b").span == Span(1, 16, 1, 19)


def test_escapes_count_as_written() -> None:
    root = parse_ok('{"a": "\\u00e9\\t", "b": 1}')
    assert at(root, "a").span == Span(1, 7, 1, 17)
    assert at(root, "b").span == Span(1, 24, 1, 25)


def test_columns_count_code_points() -> None:
    root = parse_ok('{"a": "😀😀", "b": 1}')
    assert at(root, "b").key_span == Span(1, 13, 1, 16)


@pytest.mark.parametrize(
    ("newline", "expected"),
    [("\n", Span(2, 6, 2, 7)), ("\r\n", Span(2, 6, 2, 7)), ("\r", Span(2, 6, 2, 7))],
)
def test_line_endings(newline: str, expected: Span) -> None:
    root = parse_ok(f'{{"a": 1,{newline}"b": 2}}')
    assert at(root, "b").span == expected


def test_unicode_line_separators_inside_strings_are_not_line_breaks() -> None:
    root = parse_ok('{"a": "x\u2028y",\n"b": 1}')
    assert at(root, "b").span == Span(2, 6, 2, 7)


def test_top_level_scalar_and_list() -> None:
    assert plain(parse_ok(" 42 ")) == 42
    assert plain(parse_ok("[1, [2]]")) == [1, [2]]
    assert parse_ok("[1, [2]]").span == Span(1, 1, 1, 9)


# --- duplicate keys -------------------------------------------------------------------------


def test_duplicate_key_reports_the_second_key_and_the_last_value_wins() -> None:
    root, problems = parse_json('{\n  "a": 1,\n  "b": 2,\n  "a": {"c": 3}\n}')
    assert root is not None
    assert [(p.kind, p.span) for p in problems] == [("IB002", Span(4, 3, 4, 6))]
    assert "'a'" in problems[0].message and "first at 2:3" in problems[0].message
    assert plain(root) == {"b": 2, "a": {"c": 3}}
    assert at(root, "a").key_span == Span(4, 3, 4, 6)


def test_duplicate_keys_in_nested_objects_are_independent() -> None:
    root, problems = parse_json('{"x": {"k": 1}, "y": {"k": 2, "k": 3}}')
    assert [p.span for p in problems] == [Span(1, 31, 1, 34)]
    assert plain(root) == {"x": {"k": 1}, "y": {"k": 3}}  # type: ignore[arg-type]


def test_keys_equal_after_unescaping_are_duplicates() -> None:
    _, problems = parse_json('{"é": 1, "\\u00e9": 2}')
    assert [p.kind for p in problems] == ["IB002"]


# --- syntax errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ('{\n  "a": 1,\n  "b" 2\n}', 3, 7, "':'"),
        ('{"a": 1,}', 1, 9, "property name"),
        ("[1, 2,]", 1, 7, "value"),
        ('{"a": 1 "b": 2}', 1, 9, "','"),
        ("{'a': 1}", 1, 2, "double quotes"),
        ('{"a": tru}', 1, 7, "value"),
        ('{"a": 01}', 1, 8, "','"),
        ('{"a": NaN}', 1, 7, "value"),
        ('{"a": "x\ny"}', 1, 9, "control character"),
        ('{"a": "\\q"}', 1, 8, "escape"),
        ('{"a": 1} {"b": 2}', 1, 10, "extra data"),
        ("", 1, 1, "end of input"),
        ('{\n  "a": [1, 2\n', 2, 13, "end of input"),
        ('{\n  "a": "unterminated\n}\n', 2, 21, "control character"),
        ('{"a": 1, // comment\n"b": 2}', 1, 10, "property name"),
    ],
)
def test_syntax_error_position(text: str, line: int, col: int, words: str) -> None:
    problem = parse_problem(text)
    assert problem.kind == "IB001"
    assert problem.message.startswith("invalid JSON: ")
    assert words in problem.message.lower()
    assert (problem.span.start_line, problem.span.start_col) == (line, col), problem
    assert problem.span.end_line == line


def test_error_at_the_end_of_a_file_ending_in_a_newline_points_at_the_last_line() -> None:
    problem = parse_problem('{\n  "a": 1\n')
    assert problem.span[:2] == (2, 9)


# --- depth ----------------------------------------------------------------------------------


def test_50000_deep_list_is_a_problem_not_a_crash() -> None:
    text = "[" * 50_000 + "]" * 50_000
    # Work linear in the text at most: quadratic in the depth would be billions of steps.
    problem, _ = steps_of(lambda: parse_problem(text), limit=50 * len(text))
    assert problem.kind == "IB004"
    assert problem.span == Span(1, MAX_DEPTH + 1, 1, MAX_DEPTH + 2)


def test_50000_deep_unterminated_object_is_a_problem_not_a_crash() -> None:
    problem = parse_problem('{"a": ' * 50_000)
    assert problem.kind == "IB004"
    assert problem.message.startswith("nesting deeper than")


def test_nesting_up_to_the_limit_is_accepted() -> None:
    root = parse_ok("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth = 0
    node: Node = root
    while isinstance(node, Sequence) and node.items:
        node = node.items[0]
        depth += 1
    assert depth == MAX_DEPTH - 1


def test_long_flat_list_is_fine() -> None:
    def run(count: int) -> None:
        root = parse_ok("[" + ",".join(["1"] * count) + "]")
        assert len(root.items) == count  # type: ignore[attr-defined]

    assert_linear(run, 10_000)  # 20,000 items cost twice 10,000's, not 4 times


def test_integers_longer_than_python_converts_do_not_crash() -> None:
    # int() refuses strings over 4,300 digits (CVE-2020-10735 limit); the loader must not.
    root = parse_ok('{"throughput": ' + "9" * 5000 + ', "iops": -' + "1" * 4301 + "}")
    throughput = at(root, "throughput")
    assert isinstance(throughput, Scalar)
    assert throughput.span == Span(1, 16, 1, 5016)
    assert at(root, "iops").span[:2] == (1, 5026)


def test_huge_exponents_are_infinite_floats() -> None:
    assert plain(parse_ok('{"a": 1e400, "b": -1e400}')) == {"a": float("inf"), "b": float("-inf")}


def test_unterminated_string_message_is_whole() -> None:
    problem = parse_problem('{"a": "abc')
    assert problem.message == "invalid JSON: unterminated string"


def test_duplicate_key_message_gives_line_and_column_of_the_first() -> None:
    _, problems = parse_json('{"name": "a", "x": 1, "name": "b"}')
    assert "(first at 1:2)" in problems[0].message
