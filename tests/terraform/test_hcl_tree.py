"""The HCL syntax layer: blocks, arguments and expressions as generic nodes with exact
positions, and the problems a file's syntax has."""

from __future__ import annotations

from iblint.model import Mapping, Scalar, Sequence, Span
from iblint.syntax.hcl_tree import Block, Expression, parse_hcl
from iblint.syntax.limits import MAX_DEPTH

SOURCE = b"""\
top = 1
resource "aws_s3_bucket" "a" {
  bucket = "x"
  rule {
    id = "one"
  }
  rule {
    id = "two"
  }
}
resource "aws_s3_bucket" b {}
"""


def _root(source: bytes) -> Mapping:
    root, problems = parse_hcl(source)
    assert problems == [] and root is not None
    return root


def test_blocks_of_a_type_are_a_list_under_the_type_with_labels_and_headers() -> None:
    root = _root(SOURCE)
    assert list(root.entries) == ["top", "resource"]
    resources = root.get("resource")
    assert isinstance(resources, Sequence)
    assert resources.span == Span(2, 1, 11, 30)
    assert resources.key_span == Span(2, 1, 2, 29)
    first, second = resources.items
    assert isinstance(first, Block) and isinstance(second, Block)
    assert (first.block_type, first.labels) == ("resource", ("aws_s3_bucket", "a"))
    assert second.labels == ("aws_s3_bucket", "b")
    assert first.header_span == first.anchor == Span(2, 1, 2, 29)
    assert first.span == Span(2, 1, 10, 2)
    bucket = first.get("bucket")
    assert isinstance(bucket, Scalar) and bucket.key_span == Span(3, 3, 3, 9)
    rules = first.get("rule")
    assert isinstance(rules, Sequence) and len(rules.items) == 2
    assert rules.span == Span(4, 3, 9, 4)
    assert second.entries == {}


def test_expressions_keep_their_text_and_whether_they_are_templates() -> None:
    root = _root(
        b'a = var.x\nb = "${var.y}"\nc = "app-${var.z}"\nd = "${"lit"}"\ne = f(1)\n'
        b"f = <<EOT\nhi ${x}\nEOT\ng = {(var.k) = 1}\nh = -2.5\n"
    )
    a, b, c, d, e, f, g, h = (root.get(name) for name in "abcdefgh")
    assert isinstance(a, Expression) and (a.text, a.template) == ("var.x", False)
    assert isinstance(b, Expression) and (b.text, b.template) == ("var.y", False)
    assert b.span == Span(2, 8, 2, 13)  # the expression inside "${...}"
    assert isinstance(c, Expression) and c.template
    assert isinstance(d, Scalar) and d.value == "lit"
    assert isinstance(e, Expression) and not e.template
    assert isinstance(f, Expression) and f.template
    assert isinstance(g, Expression)  # a computed key
    assert isinstance(h, Scalar) and h.value == -2.5


def test_an_argument_given_twice_is_a_duplicate_and_the_last_wins() -> None:
    root, problems = parse_hcl(b"a = 1\nb {}\na = 2\nb = 3\n")
    assert root is not None
    assert [(p.kind, p.span.start_line, p.span.start_col) for p in problems] == [
        ("IB002", 3, 1),
        ("IB002", 4, 1),
    ]
    assert "(first at 1:1)" in problems[0].message
    assert "(first at 2:1)" in problems[1].message
    value = root.get("a")
    assert isinstance(value, Scalar) and value.value == 2


def test_a_block_body_is_read_when_first_asked_for_and_its_problems_join_the_list() -> None:
    root, problems = parse_hcl(b'x "y" {\n  a = 1\n  a = 2\n}\n')
    assert root is not None and problems == []
    blocks = root.get("x")
    assert isinstance(blocks, Sequence)
    (block,) = blocks.items
    assert isinstance(block, Mapping) and set(block.entries) == {"a"}
    assert [(p.kind, p.span.start_line) for p in problems] == [("IB002", 3)]


def test_only_the_block_types_asked_for_are_converted() -> None:
    root, _ = parse_hcl(SOURCE + b'variable "v" {}\n', frozenset({"variable"}))
    assert root is not None and list(root.entries) == ["top", "variable"]


def test_too_deep_is_a_problem_and_the_deep_value_an_expression() -> None:
    depth = MAX_DEPTH + 50
    source = b"a = 1\nb = " + b"[" * depth + b"]" * depth + b"\nc = 2\n"
    root, problems = parse_hcl(source)
    assert root is not None and set(root.entries) == {"a", "b", "c"}
    ((kind, line),) = [(p.kind, p.span.start_line) for p in problems]
    assert (kind, line) == ("IB004", 2)
    node = root.get("b")
    while isinstance(node, Sequence):
        (node,) = node.items
    assert isinstance(node, Expression)


def test_deeply_nested_blocks_are_a_problem_not_a_crash() -> None:
    depth = MAX_DEPTH + 800
    source = b"a {\n" * depth + b"}\n" * depth
    root, problems = parse_hcl(source)
    node: object = root
    while isinstance(node, Mapping) and node.entries:
        blocks = node.get("a")
        assert isinstance(blocks, Sequence)
        node = blocks.items[0]
    assert [p.kind for p in problems] == ["IB004"]


def test_syntax_errors_give_no_tree() -> None:
    root, problems = parse_hcl(b"a = \n")
    assert root is None
    ((kind, message),) = [(p.kind, p.message) for p in problems]
    assert kind == "IB001" and message.startswith("invalid HCL: ")


def test_columns_are_characters_and_lone_carriage_returns_break_lines() -> None:
    root = _root('a = "é"\rb = ["ü", 1]\n'.encode())
    b = root.get("b")
    assert isinstance(b, Sequence)
    assert b.key_span == Span(2, 1, 2, 2)
    assert b.items[1].span == Span(2, 11, 2, 12)
    root = _root("\ufeffa = 1\n".encode())
    assert root.entries["a"].span == Span(1, 5, 1, 6)  # the BOM is no column


def test_a_quoted_string_keeps_its_leading_and_trailing_white_space() -> None:
    """tree-sitter's template literal leaves out the spaces at either end of a string; the
    value is everything between the quotes (" required " is not an httpTokens value)."""
    for written, value in [
        ('" required "', " required "),
        ('" "', " "),
        ('"\\t a\\n "', "\t a\n "),
        ('"  "', "  "),
        ('""', ""),
        ('"a b"', "a b"),
        ('"é "', "é "),
    ]:
        root = _root(f"value = {written}\n".encode())
        scalar = root.get("value")
        assert isinstance(scalar, Scalar) and scalar.value == value, written


def test_a_block_label_keeps_its_white_space() -> None:
    root = _root(b'resource "aws_s3_bucket" " a" {}\n')
    resources = root.get("resource")
    assert isinstance(resources, Sequence)
    (block,) = resources.items
    assert isinstance(block, Block) and block.labels == ("aws_s3_bucket", " a")
