"""The YAML loader: exact 1-based spans, duplicate keys, syntax errors, limits, typing."""

from __future__ import annotations

import pytest

from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.limits import MAX_DEPTH
from iblint.syntax.yaml_tree import parse_yaml
from tests.work_counts import steps_of


def parse_one(text: str) -> Mapping:
    documents, problems = parse_yaml(text)
    assert problems == []
    assert len(documents) == 1
    root = documents[0]
    assert isinstance(root, Mapping)
    return root


def parse_problem(text: str) -> InputProblem:
    documents, problems = parse_yaml(text)
    assert documents == []
    assert len(problems) == 1, problems
    return problems[0]


def at(node: Node | None, *path: str | int) -> Node:
    """The node at ``path`` (mapping keys and list indexes)."""
    for step in path:
        if isinstance(step, int):
            assert isinstance(node, Sequence), node
            node = node.items[step]
        else:
            assert isinstance(node, Mapping), node
            node = node.entries[step]
    assert node is not None
    return node


def value(node: Node) -> object:
    assert isinstance(node, Scalar), node
    return node.value


# --- spans of keys and values -------------------------------------------------------------

BLOCK = """\
Resources:
  Infra:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      InstanceMetadataOptions:
        HttpTokens: optional
      Tags:
        - one
        - two
"""


def test_block_mapping_key_and_value_spans() -> None:
    root = parse_one(BLOCK)
    tokens = at(root, "Resources", "Infra", "Properties", "InstanceMetadataOptions", "HttpTokens")
    assert tokens.key_span == Span(6, 9, 6, 19)
    assert tokens.span == Span(6, 21, 6, 29)
    assert value(tokens) == "optional"
    type_node = at(root, "Resources", "Infra", "Type")
    assert type_node.key_span == Span(3, 5, 3, 9)
    assert type_node.span == Span(3, 11, 3, 57)


def test_block_mapping_spans_start_at_first_key_and_anchor_on_their_key() -> None:
    root = parse_one(BLOCK)
    assert root.span.start_line == 1 and root.span.start_col == 1
    assert root.key_span is None
    options = at(root, "Resources", "Infra", "Properties", "InstanceMetadataOptions")
    assert isinstance(options, Mapping)
    assert options.span[:2] == (6, 9)
    assert options.key_span == Span(5, 7, 5, 30)
    assert options.anchor == options.key_span


def test_block_sequence_items_have_no_key_span() -> None:
    root = parse_one(BLOCK)
    tags = at(root, "Resources", "Infra", "Properties", "Tags")
    assert isinstance(tags, Sequence)
    assert tags.key_span == Span(7, 7, 7, 11)
    assert [item.span for item in tags.items] == [Span(8, 11, 8, 14), Span(9, 11, 9, 14)]
    assert all(item.key_span is None for item in tags.items)
    assert tags.items[0].anchor == Span(8, 11, 8, 14)


def test_flow_mapping_and_sequence_spans() -> None:
    root = parse_one("a: {x: [1, 22], \"y\": 'q'}\n")
    a = at(root, "a")
    assert a.span == Span(1, 4, 1, 26)
    x = at(root, "a", "x")
    assert x.key_span == Span(1, 5, 1, 6)
    assert x.span == Span(1, 8, 1, 15)
    assert [item.span for item in at(root, "a", "x").items] == [  # type: ignore[attr-defined]
        Span(1, 9, 1, 10),
        Span(1, 12, 1, 14),
    ]
    y = at(root, "a", "y")
    assert y.key_span == Span(1, 17, 1, 20)  # the quotes belong to the key
    assert y.span == Span(1, 22, 1, 25)
    assert value(y) == "q"


def test_quoted_scalars_span_their_quotes() -> None:
    root = parse_one("single: 'it''s'\ndouble: \"a\\tb\"\n")
    assert at(root, "single").span == Span(1, 9, 1, 16)
    assert value(at(root, "single")) == "it's"
    assert at(root, "double").span == Span(2, 9, 2, 15)
    assert value(at(root, "double")) == "a\tb"


def test_multi_line_scalars() -> None:
    text = (
        "literal: |\n"
        "  line one\n"
        "  line two\n"
        "folded: >-\n"
        "  folded\n"
        "  text\n"
        "plain: first\n"
        "  second\n"
        'quoted: "one\n'
        '  two"\n'
        "after: 1\n"
    )
    root = parse_one(text)
    literal = at(root, "literal")
    assert value(literal) == "line one\nline two\n"
    assert literal.span[:2] == (1, 10)
    assert literal.key_span == Span(1, 1, 1, 8)
    assert value(at(root, "folded")) == "folded text"
    assert at(root, "folded").span[:2] == (4, 9)
    plain = at(root, "plain")
    assert value(plain) == "first second"
    assert plain.span == Span(7, 8, 8, 9)
    quoted = at(root, "quoted")
    assert value(quoted) == "one two"
    assert quoted.span == Span(9, 9, 10, 7)
    assert at(root, "after").span == Span(11, 8, 11, 9)
    assert at(root, "after").key_span == Span(11, 1, 11, 6)


def test_crlf_line_endings() -> None:
    root = parse_one("a: 1\r\nb:\r\n  c: two\r\n")
    assert at(root, "b", "c").span == Span(3, 6, 3, 9)
    assert at(root, "b", "c").key_span == Span(3, 3, 3, 4)


def test_columns_count_code_points() -> None:
    root = parse_one('a: "😀é"\nb: {c: "😀", d: 1}\n')
    assert at(root, "a").span == Span(1, 4, 1, 8)
    assert at(root, "b", "d").key_span == Span(2, 13, 2, 14)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_unicode_line_separators_are_not_line_breaks_for_positions(separator: str) -> None:
    # YAML 1.1 treats NEL, LS and PS as line breaks; editors, GitHub and SARIF count only
    # CR, LF and CRLF. Positions must be where a reader of the file sees them.
    root = parse_one(f'a: "x{separator}y"\nb: 1\n')
    assert at(root, "b").key_span == Span(2, 1, 2, 2)
    assert at(root, "b").span == Span(2, 4, 2, 5)
    assert at(root, "a").span == Span(1, 4, 1, 9)


def test_unicode_line_separator_in_a_syntax_error_position() -> None:
    problem = parse_problem('a: "x\u2028y"\nb: [1\n')
    assert problem.kind == "IB001"
    assert problem.span[:2] == (2, 6)


def test_old_mac_line_endings_count_as_line_breaks() -> None:
    root = parse_one("a: 1\rb: 2\r")
    assert at(root, "b").span == Span(2, 4, 2, 5)


def test_byte_order_mark_is_not_a_column() -> None:
    root = parse_one("\ufeffa: 1\nb: 2\n")
    assert at(root, "a").key_span == Span(1, 1, 1, 2)
    assert at(root, "b").span == Span(2, 4, 2, 5)


# --- CloudFormation short-form tags -----------------------------------------------------


def test_short_form_tags_become_long_form_mappings() -> None:
    root = parse_one(
        "a: !Ref Param\n"
        "b: !Sub 'x-${AWS::Region}'\n"
        "c: !GetAtt [Res, Arn]\n"
        "d: !If [Cond, 1, !Ref AWS::NoValue]\n"
        "e: !Condition IsProd\n"
        "f: !Base64\n"
        "  Fn::Sub: text\n"
    )
    ref = at(root, "a")
    assert isinstance(ref, Mapping)
    assert list(ref.entries) == ["Ref"]
    assert value(at(root, "a", "Ref")) == "Param"
    assert ref.span == Span(1, 4, 1, 14)  # the tag is part of the value
    assert ref.key_span == Span(1, 1, 1, 2)
    assert list(at(root, "b").entries) == ["Fn::Sub"]  # type: ignore[attr-defined]
    assert value(at(root, "b", "Fn::Sub")) == "x-${AWS::Region}"
    assert [value(item) for item in at(root, "c", "Fn::GetAtt").items] == [  # type: ignore[attr-defined]
        "Res",
        "Arn",
    ]
    condition = at(root, "d", "Fn::If")
    assert isinstance(condition, Sequence)
    assert value(condition.items[1]) == 1
    assert list(at(condition, 2).entries) == ["Ref"]  # type: ignore[attr-defined]
    assert at(condition, 2).span == Span(4, 18, 4, 35)
    assert list(at(root, "e").entries) == ["Condition"]  # type: ignore[attr-defined]
    assert list(at(root, "f", "Fn::Base64").entries) == ["Fn::Sub"]  # type: ignore[attr-defined]


def test_standard_tags_are_not_intrinsics() -> None:
    root = parse_one("a: !!str 250\nb: !!int '7'\n")
    assert at(root, "a") == at(root, "a")
    assert isinstance(at(root, "a"), Scalar)
    assert isinstance(at(root, "b"), Scalar)


# --- duplicate keys -------------------------------------------------------------------------


def test_duplicate_key_reports_the_second_key_and_the_last_value_wins() -> None:
    documents, problems = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.kind == "IB002"
    assert problem.span == Span(3, 1, 3, 2)
    assert "'a'" in problem.message and "(first at 1:1)" in problem.message
    root = documents[0]
    assert isinstance(root, Mapping)
    assert value(at(root, "a")) == 3
    assert at(root, "a").key_span == Span(3, 1, 3, 2)
    assert list(root.entries) == ["b", "a"]


def test_duplicate_keys_nested_and_tripled() -> None:
    _, problems = parse_yaml("x:\n  k: 1\n  k: 2\n  k: 3\n")
    assert [(p.kind, p.span.start_line, p.span.start_col) for p in problems] == [
        ("IB002", 3, 3),
        ("IB002", 4, 3),
    ]


def test_keys_that_differ_only_in_quoting_are_duplicates() -> None:
    _, problems = parse_yaml("a: 1\n'a': 2\n")
    assert [p.span for p in problems] == [Span(2, 1, 2, 4)]


def test_keys_with_equal_yaml_values_but_different_text_are_named_by_their_value() -> None:
    # `1` and `01` are both the integer 1; a duplicate for YAML, reported as such.
    documents, problems = parse_yaml("1: a\n01: b\n")
    assert [p.kind for p in problems] == ["IB002"]
    assert list(documents[0].entries) == ["1"]  # type: ignore[attr-defined]


def test_non_string_keys_are_text() -> None:
    root = parse_one("true: a\n~: b\n1.5: c\n")
    assert list(root.entries) == ["true", "null", "1.5"]


def test_complex_keys_do_not_crash() -> None:
    root = parse_one("? [a, b]\n: 1\n? {c: d}\n: 2\n")
    assert len(root.entries) == 2


# --- syntax errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a: b: c\n", 1, 5),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, 2),
        ("a:\n  - 1\n - 2\n", 3, 2),
        ("a: 'unterminated\n", 1, 17),  # at the end of the last line, not past it
        ("a: [1, 2", 1, 9),
        ("key: value\n\tother: x\n", 2, 1),
        ("a: 1\n@b: 2\n", 2, 1),
        ("a: *missing\n", 1, 4),
    ],
)
def test_syntax_error_position(text: str, line: int, col: int) -> None:
    problem = parse_problem(text)
    assert problem.kind == "IB001"
    assert problem.message.startswith("invalid YAML: ")
    assert (problem.span.start_line, problem.span.start_col) == (line, col), problem


def test_syntax_error_in_a_later_document_drops_every_document() -> None:
    problem = parse_problem("a: 1\n---\nb: [\n")
    assert problem.kind == "IB001"


# --- limits ---------------------------------------------------------------------------------


def test_deep_flow_nesting_is_a_problem_not_a_crash() -> None:
    text = "[" * 50_000
    # Work linear in the text at most: quadratic in the depth would be billions of steps.
    problem, _ = steps_of(lambda: parse_problem(text), limit=50 * len(text))
    assert problem.kind == "IB004"
    assert problem.span.start_line == 1


def test_deep_block_nesting_is_a_problem_not_a_crash() -> None:
    problem = parse_problem("- " * 50_000 + "x\n")
    assert problem.kind == "IB004"


def test_deep_mapping_nesting_is_a_problem_not_a_crash() -> None:
    text = "".join(" " * depth + f"k{depth}:\n" for depth in range(2_000)) + " " * 2_000 + "v\n"
    problem = parse_problem(text)
    assert problem.kind == "IB004"


def test_nesting_just_under_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 1
    documents, problems = parse_yaml("[" * depth + "]" * depth)
    assert problems == []
    assert len(documents) == 1


def test_nesting_just_over_the_limit_is_refused_at_the_deepest_node() -> None:
    depth = MAX_DEPTH + 2
    problem = parse_problem("[" * depth + "]" * depth)
    assert problem.kind == "IB004"
    assert problem.span.start_line == 1
    assert MAX_DEPTH <= problem.span.start_col <= depth


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_alias_bomb_returns_quickly_with_a_problem() -> None:
    # Work linear in the text (342 characters), not in the expansion (9**9 lols), nor in the
    # expansion up to the limit (MAX_EXPANDED_NODES): either is millions of steps.
    text = BILLION_LAUGHS
    problem, _ = steps_of(lambda: parse_problem(text), limit=50 * len(text))
    assert problem.kind == "IB005"
    assert problem.span.start_line == 1


def test_wide_alias_bomb_in_mapping_values_returns_quickly() -> None:
    lines = ["a0: &a0 {x: 1, y: 2, z: 3, w: 4}"]
    for level in range(1, 30):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} {{p: {previous}, q: {previous}, r: {previous}}}")
    text = "\n".join(lines) + "\n"
    # Work linear in the text (1,087 characters), not in the expansion (3**29 mappings).
    problem, _ = steps_of(lambda: parse_problem(text), limit=50 * len(text))
    assert problem.kind == "IB005"


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "&a\nx: *a\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_a_problem(text: str) -> None:
    problem = parse_problem(text)
    assert problem.kind == "IB005"


def test_a_few_aliases_are_fine() -> None:
    root = parse_one("base: &b [1, 2]\nuse: *b\nagain: *b\n")
    assert [value(item) for item in at(root, "again").items] == [1, 2]  # type: ignore[attr-defined]


# --- merge keys -------------------------------------------------------------------------------


def test_merge_key_merges_and_explicit_keys_win() -> None:
    root = parse_one(
        "base: &base\n  x: 1\n  y: 2\nderived:\n  <<: *base\n  y: 3\n  z: 4\n",
    )
    derived = at(root, "derived")
    assert isinstance(derived, Mapping)
    assert {key: value(node) for key, node in derived.entries.items()} == {"x": 1, "y": 3, "z": 4}
    # Merged values stand where the alias stands in the mapping that uses them (a finding
    # there belongs to that mapping's resource); explicit keys keep their own positions.
    assert at(derived, "x").span == Span(5, 7, 5, 12)
    assert at(derived, "y").span == Span(6, 6, 6, 7)


def test_alias_expansion_is_placed_at_the_alias_and_says_where_the_anchor_is() -> None:
    origins: dict[Span, str] = {}
    documents, problems = parse_yaml(
        "a: &opts\n  HttpTokens: optional\nb:\n  x: *opts\nc: *opts\n", origins
    )
    assert problems == []
    (root,) = documents
    assert at(at(root, "a"), "HttpTokens").span == Span(2, 15, 2, 23)
    assert at(at(root, "b"), "x").span == Span(4, 6, 4, 11)
    assert at(at(at(root, "b"), "x"), "HttpTokens").span == Span(4, 6, 4, 11)
    assert at(root, "c").span == Span(5, 4, 5, 9)
    assert origins == {
        Span(4, 6, 4, 11): "through the alias *opts, anchored at line 1",
        Span(5, 4, 5, 9): "through the alias *opts, anchored at line 1",
    }


def test_a_long_flat_list_and_many_documents_are_no_alias_bomb() -> None:
    # IB005 counts the nodes aliases add, not every node of every document.
    flat = "x: &a 1\nitems:\n" + "  - 1\n" * 600_000
    documents, problems = parse_yaml(flat)
    assert problems == [] and len(documents) == 1
    many = "a: &x 1\n" + "---\nb: 1\n" * 200_000
    documents, problems = parse_yaml(many)
    assert problems == [] and len(documents) == 200_001


def test_aliases_that_add_too_many_nodes_across_documents_are_an_alias_bomb() -> None:
    block = "a: &a [" + ", ".join(["1"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    documents, problems = parse_yaml(block + "---\n" + block)
    assert [problem.kind for problem in problems] == ["IB005"] and documents == []


def test_merge_key_with_a_list_of_mappings_first_wins() -> None:
    root = parse_one("a: &a {k: 1}\nb: &b {k: 2, m: 3}\nc:\n  <<: [*a, *b]\n")
    assert {k: value(v) for k, v in at(root, "c").entries.items()} == {"k": 1, "m": 3}  # type: ignore[attr-defined]


def test_merge_key_of_a_scalar_is_ignored() -> None:
    root = parse_one("c:\n  <<: 5\n  k: 1\n")
    assert list(at(root, "c").entries) == ["k"]  # type: ignore[attr-defined]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    root = parse_one("c:\n  '<<': 5\n")
    assert list(at(root, "c").entries) == ["<<"]  # type: ignore[attr-defined]


# --- typing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("yes", True),
        ("No", False),
        ("on", True),
        ("off", False),
        ("true", True),
        ("0x10", 16),
        ("010", 8),
        ("1_000", 1000),
        ("250", 250),
        ('"250"', "250"),
        ("'yes'", "yes"),
        ("1.5", 1.5),
        ("~", None),
        ("null", None),
        ("", None),
        ("2024-01-01", "2024-01-01"),
        ("gp3", "gp3"),
        ("1.0.0", "1.0.0"),
        ("x.x.x", "x.x.x"),
        ("ami-0123456789abcdef0", "ami-0123456789abcdef0"),
        ("1e3", "1e3"),
        ("12:30", 750),
    ],
)
def test_plain_scalars_are_typed_as_yaml_1_1(literal: str, expected: object) -> None:
    root = parse_one(f"v: {literal}\n")
    result = value(at(root, "v"))
    assert result == expected
    assert type(result) is type(expected)


def test_out_of_range_float_stays_text_or_number() -> None:
    root = parse_one("v: 1.0e999999\n")
    assert isinstance(value(at(root, "v")), (float, str))


# --- documents --------------------------------------------------------------------------------


def test_multiple_documents() -> None:
    documents, problems = parse_yaml("a: 1\n---\nb: 2\n...\n---\n- 3\n")
    assert problems == []
    assert len(documents) == 3
    assert at(documents[1], "b").span == Span(3, 4, 3, 5)
    assert isinstance(documents[2], Sequence)


def test_empty_and_comment_only_texts_have_no_documents() -> None:
    for text in ("", "\n\n", "# just a comment\n", "---\n"):
        documents, problems = parse_yaml(text)
        assert problems == []
        assert all(not isinstance(d, (Mapping, Sequence)) for d in documents)


def test_scalar_document() -> None:
    documents, problems = parse_yaml("just text\n")
    assert problems == []
    assert value(documents[0]) == "just text"


def test_integers_too_long_to_print_stay_text() -> None:
    # 0x with 5,000 hex digits is an int Python cannot turn back into decimal text (over
    # sys.get_int_max_str_digits()); a message quoting it would crash the run.
    literal = "0x" + "f" * 5000
    root = parse_one(f"v: {literal}\nw: {'9' * 5000}\n")
    assert value(at(root, "v")) == literal
    assert value(at(root, "w")) == "9" * 5000
    assert str(value(at(root, "v")))


@pytest.mark.parametrize(("levels", "refused"), [(200, False), (201, True)])
def test_yaml_and_json_refuse_the_same_nesting_depth(levels: int, refused: bool) -> None:
    from iblint.syntax.json_tree import parse_json

    yaml_documents, yaml_problems = parse_yaml("[" * levels + "1" + "]" * levels)
    json_root, json_problems = parse_json("[" * levels + "1" + "]" * levels)
    assert (yaml_documents == []) is refused
    assert (json_root is None) is refused
    assert [p.kind for p in yaml_problems] == (["IB004"] if refused else [])
    assert [p.kind for p in json_problems] == (["IB004"] if refused else [])
