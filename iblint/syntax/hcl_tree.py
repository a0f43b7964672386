"""HCL text (Terraform's native syntax) to the same position-carrying node tree as YAML and JSON.

Parsed with tree-sitter's HCL grammar: it is error tolerant, gives exact positions and parses
real files in a fraction of the time python-hcl2 takes. A body becomes a :class:`Block` (a
:class:`~iblint.model.Mapping`): each argument under its name, and the nested blocks of each
type in a :class:`~iblint.model.Sequence` under the type's name (a block type may repeat; which
ones may not is for the reader of the tree to say). Literals become scalars, lists and objects;
every other expression (references, function calls, templates with interpolations) becomes an
:class:`Expression` holding its source text, for the reader to interpret. ``"${x}"`` alone is
``x``, as HCL reads it.

Positions are 1-based lines and columns in characters, with lines broken at LF, CRLF and a
lone CR as editors show them. Nothing here knows what the blocks mean.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from iblint import problems as input_problems
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.hcl_source import (
    SourceText,
    block_type_of,
    heredoc_literal,
    number,
    sole_interpolation,
    string_literal,
    syntax_problem,
    unescape,
)
from iblint.syntax.limits import MAX_DEPTH

if TYPE_CHECKING:
    import tree_sitter

#: A number with an exponent, which tree-sitter's HCL grammar does not know (`1e3`).
_EXPONENT_NUMBER = re.compile(rb"(?<![\w.$-])[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+(?![\w.])")
_WRAPPERS = frozenset({"expression", "collection_value"})
_BOM = b"\xef\xbb\xbf"
_new_span = tuple.__new__  # a Span without the call through its Python-level constructor


class Block(Mapping):
    """A block: its arguments and nested blocks by name (see the module's docstring).

    ``key_span`` is the header, from the type to the last label: where a finding about the
    block as a whole points. Its body is converted when first read, so a reader that wants a
    few blocks of a large file does not pay for the rest; problems found then (an argument
    given twice) join the list :func:`parse_hcl` returned."""

    __slots__ = ("_entries", "_pending", "block_type", "labels")

    def __init__(
        self,
        block_type: str,
        labels: tuple[str, ...],
        entries: dict[str, Node],
        span: Span,
        header_span: Span,
        pending: tuple[_Converter, tree_sitter.Node, int] | None = None,
    ) -> None:
        super().__init__(entries, span, header_span)
        self.block_type = block_type
        self.labels = labels
        self._pending = pending

    @property
    def entries(self) -> dict[str, Node]:
        pending = self._pending
        if pending is not None:
            self._pending = None
            converter, body, depth = pending
            self._entries = converter.body(body, depth)
        return self._entries

    @entries.setter
    def entries(self, entries: dict[str, Node]) -> None:
        self._entries = entries
        self._pending = None

    @property
    def header_span(self) -> Span:
        return self.key_span or self.span

    def __reduce__(self) -> tuple[Any, ...]:
        made = (self.block_type, self.labels, self.entries, self.span, self.key_span)
        return (Block, made, (None, {"source_names": self.source_names}))

    def __repr__(self) -> str:
        return f"Block({self.block_type!r}, {self.labels!r}, {self.entries!r})"


class Expression(Node):
    """An expression that is not a literal, as written (``text``).

    ``template``: a string template with literal text or several parts around its
    interpolations (``"app-${var.env}"``, a heredoc with ``${...}``), whose value is always a
    string; any other expression may yield any value, null included."""

    __slots__ = ("template", "text")

    def __init__(self, text: str, template: bool, span: Span, key_span: Span | None) -> None:
        super().__init__(span, key_span)
        self.text = text
        self.template = template

    def __reduce__(self) -> tuple[Any, ...]:
        return (Expression, (self.text, self.template, self.span, self.key_span))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


class HclUnavailable(Exception):
    """tree-sitter or its HCL grammar is not installed."""


#: One parser for the process (it keeps nothing of the files it parses).
_PARSER: list[tree_sitter.Parser] = []


def _parser() -> tree_sitter.Parser:
    if not _PARSER:
        try:
            import tree_sitter
            import tree_sitter_hcl
        except ImportError as error:  # pragma: no cover - both are dependencies
            raise HclUnavailable(str(error)) from None
        _PARSER.append(tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language())))
    return _PARSER[0]


def parse_hcl(
    data: bytes, block_types: frozenset[str] | None = None
) -> tuple[Mapping | None, list[InputProblem]]:
    """The body of an HCL file as nodes, or ``None`` and the problem. Never raises for bad
    input. ``block_types``: convert only the top-level blocks of these types (and every
    top-level argument); a reader that wants one kind of block skips the cost of the rest."""
    data = data.removeprefix(_BOM)  # a BOM is no column of the first line
    tree = _parse(data)
    source = SourceText(data)
    root = tree.root_node
    problem = syntax_problem(root, source)
    if problem is not None:
        return None, [problem]
    converter = _Converter(source)
    body = next((child for child in root.named_children if child.type == "body"), None)
    entries = converter.body(body, 0, block_types)
    return Mapping(entries, source.span(root)), converter.problems


def _parse(data: bytes) -> tree_sitter.Tree:
    """The syntax tree; numbers like ``1e3`` (valid HCL the grammar lacks) are read as
    expressions of the same length, so a valid file is not reported as broken."""
    tree = _parser().parse(data)
    if not tree.root_node.has_error or not _EXPONENT_NUMBER.search(data):
        return tree
    patched = _EXPONENT_NUMBER.sub(lambda match: b"_" * len(match.group()), data)
    patched_tree = _parser().parse(patched)
    return tree if patched_tree.root_node.has_error else patched_tree


class _Converter:
    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.problems: list[InputProblem] = []
        self._too_deep = False

    def too_deep(self, node: tree_sitter.Node) -> bool:
        """Past the depth limit: reported once; what is below is not looked into (the caller
        keeps it as an expression, or an empty block)."""
        if not self._too_deep:
            self._too_deep = True
            self.problems.append(input_problems.too_deep(self.source.span(node), "value there"))
        return True

    def body(
        self, body: tree_sitter.Node | None, depth: int, block_types: frozenset[str] | None = None
    ) -> dict[str, Node]:
        """A body's arguments and blocks by name; an argument given twice is a problem."""
        entries: dict[str, Node] = {}
        if body is None:
            return entries
        simple = self.source.simple
        data = self.source.data
        groups: dict[str, list[Node]] = {}
        for child in body.named_children:
            kind = child.type
            if kind == "attribute":
                parts = child.named_children
                name_node = parts[0]
                if simple:
                    start, end = name_node.start_point, name_node.end_point
                    key_span = _new_span(Span, (start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1))
                else:
                    key_span = self.source.span(name_node)
                name = data[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace")
                if name in entries:
                    self._repeated(name, key_span, entries[name])
                    del entries[name]  # the last one wins, in its place
                entries[name] = self.expression(parts[-1], depth + 1, key_span)
            elif kind == "block":
                block_type = block_type_of(child, self.source)
                if block_types is not None and block_type not in block_types:
                    continue
                block = self.block(child, block_type, depth + 1)
                blocks = groups.get(block_type)
                if blocks is None:
                    if block_type in entries:
                        self._repeated(block_type, block.header_span, entries.pop(block_type))
                    blocks = groups[block_type] = []
                    entries[block_type] = Sequence(blocks, block.span, block.header_span)
                blocks.append(block)
        for block_type, blocks in groups.items():
            group = entries.get(block_type)
            if isinstance(group, Sequence) and len(blocks) > 1:
                first, last = group.span, blocks[-1].span
                group.span = Span(first.start_line, first.start_col, last.end_line, last.end_col)
        return entries

    def _repeated(self, name: str, span: Span, first: Node) -> None:
        """HCL rejects an argument set twice (or an argument and a block of one name); the
        last one would silently win here, hiding the first."""
        if isinstance(first, Sequence) and first.items and isinstance(first.items[0], Block):
            first_span = first.items[0].anchor
        else:
            first_span = first.anchor
        self.problems.append(
            input_problems.duplicate_key(
                span,
                f"argument '{name}'",
                first_span,
                "the file is not valid HCL, and only the last one is checked here",
            )
        )

    def block(self, node: tree_sitter.Node, block_type: str, depth: int) -> Block:
        children = node.named_children
        labels: list[str] = []
        header_end = children[0]
        body = None
        for child in children[1:]:
            kind = child.type
            if kind == "string_lit":
                labels.append(string_literal(child, self.source) or "")
                header_end = child
            elif kind == "identifier":
                labels.append(self.source.text(child))
                header_end = child
            elif kind == "body":
                body = child
                break
        start, end = self.source.span(children[0]), self.source.span(header_end)
        header = Span(start.start_line, start.start_col, end.end_line, end.end_col)
        pending = None
        if body is not None and not (depth > MAX_DEPTH and self.too_deep(node)):
            pending = (self, body, depth)
        return Block(block_type, tuple(labels), {}, self.source.span(node), header, pending)

    def expression(self, node: tree_sitter.Node, depth: int, key_span: Span | None) -> Node:
        source = self.source
        children = node.named_children
        while len(children) == 1 and node.type in _WRAPPERS:
            node = children[0]
            children = node.named_children
        kind = node.type
        if source.simple:  # inline: this runs for every value of the file
            start, end = node.start_point, node.end_point
            span = _new_span(Span, (start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1))
        else:
            span = source.span(node)
        if depth > MAX_DEPTH and self.too_deep(node):
            return Expression(source.text(node), False, span, key_span)
        if kind == "literal_value" and children:
            literal = children[0]
            literal_kind = literal.type
            if literal_kind == "string_lit":
                # Its quotes and a template literal (an interpolation makes a template
                # expression). The literal is the text between the quotes, read without asking
                # the tree, unless that starts or ends with what the grammar may leave out of
                # the literal (whitespace).
                raw = source.data[literal.start_byte + 1 : literal.end_byte - 1]
                if raw and 0x20 < raw[0] < 0x7F and 0x20 < raw[-1] < 0x7F:
                    return Scalar(unescape(raw.decode("utf-8", "replace")), span, key_span)
                text = string_literal(literal, source)
                if text is not None:
                    return Scalar(text, span, key_span)
                return Expression(source.text(node), True, span, key_span)
            if literal_kind == "numeric_lit":
                return Scalar(number(source.text(literal)), span, key_span)
            if literal_kind == "bool_lit":
                return Scalar(source.text(literal) == "true", span, key_span)
            if literal_kind == "null_lit":
                return Scalar(None, span, key_span)
        elif kind == "template_expr" and children:
            template = children[0]
            inner = sole_interpolation(template)
            if inner is not None:
                # "${x}" is x (HCL 2: a lone interpolation keeps the value's type).
                return self.expression(inner, depth + 1, key_span)
            if template.type == "quoted_template":
                text = string_literal(template, source)
            elif template.type == "heredoc_template":
                text = heredoc_literal(template, source)
            else:
                text = None
            if text is not None:
                return Scalar(text, span, key_span)
            return Expression(source.text(node), True, span, key_span)
        elif kind == "tuple":
            items = [
                self.expression(child, depth + 1, None)
                for child in children
                if child.type == "expression"
            ]
            return Sequence(items, span, key_span)
        elif kind == "object":
            return self._object(node, depth, span, key_span)
        elif kind == "operation" and children and children[0].type == "unary_operation":
            parts = children[0].children
            if len(parts) == 2 and parts[0].type == "-" and parts[1].type == "literal_value":
                operand = self.expression(parts[1], depth + 1, key_span)
                value = operand.value if isinstance(operand, Scalar) else None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    return Scalar(-value, span, key_span)
        return Expression(source.text(node), False, span, key_span)

    def _object(
        self, node: tree_sitter.Node, depth: int, span: Span, key_span: Span | None
    ) -> Node:
        entries: dict[str, Node] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            parts = element.named_children
            key = self._object_key(parts[0])
            if key is None:  # a computed key: the whole object is an expression
                return Expression(self.source.text(node), False, span, key_span)
            entries.pop(key, None)  # the last of repeated keys wins, in its place
            entries[key] = self.expression(parts[-1], depth + 1, self.source.span(parts[0]))
        return Mapping(entries, span, key_span)

    def _object_key(self, node: tree_sitter.Node) -> str | None:
        """An object key that is a name or a literal string, else ``None``."""
        children = node.named_children
        while len(children) == 1 and node.type in _WRAPPERS:
            node = children[0]
            children = node.named_children
        if node.type == "variable_expr":
            return self.source.text(node)
        if node.type == "literal_value" and children and children[0].type == "string_lit":
            return string_literal(children[0], self.source)
        return None
