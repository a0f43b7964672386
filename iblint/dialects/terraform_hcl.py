"""Terraform ``.tf`` files to Image Builder resources.

Parsed with tree-sitter's HCL grammar: it is error tolerant, gives exact positions and parses
real Terraform files in a fraction of the time python-hcl2 takes. Attribute and block names
map to API members (``instance_metadata_options { http_tokens }`` becomes
``instanceMetadataOptions.httpTokens``; repeated blocks such as ``block_device_mapping`` and
``component`` become lists, as the provider's schema names them).

Expressions are unknown, with one exception: ``var.NAME`` whose value is a literal in the same
module (the variable's ``default``, overridden by ``terraform.tfvars`` and then ``*.auto.tfvars``
beside it) is checked as that literal, and findings say where the value came from.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from iblint.dialects.terraform_names import (
    ADDITIONAL_INSTANCE_CONFIGURATION,
    LIST_BLOCKS,
    RESOURCE_KINDS,
    api_name,
    finish_members,
    place_member,
)
from iblint.model import (
    InputProblem,
    Mapping,
    Node,
    Resource,
    Scalar,
    Sequence,
    Span,
    Unknown,
)
from iblint.problems import InputProblemKind
from iblint.syntax.limits import MAX_DEPTH
from iblint.syntax.positions import LineTable

if TYPE_CHECKING:
    import tree_sitter

_ESCAPES = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


class TerraformUnavailable(Exception):
    """tree-sitter or its HCL grammar is not installed."""


@functools.cache
def _parser() -> tree_sitter.Parser:
    try:
        import tree_sitter
        import tree_sitter_hcl
    except ImportError as error:  # pragma: no cover - both are dependencies
        raise TerraformUnavailable(str(error)) from None
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


class _Source:
    """The file's bytes, and conversion of tree-sitter byte points to character columns."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.ascii = data.isascii()  # then a byte column is a character column
        self.line_starts = [0]
        self.line_starts.extend(m.end() for m in re.finditer(b"\n", data))
        # tree-sitter counts rows at LF only; editors also break lines at a lone CR.
        self.readers_lines: LineTable | None = None
        if re.search(b"\r(?!\n)", data):
            self.readers_lines = LineTable(data.decode("utf-8", "replace"))

    def column(self, row: int, byte_column: int) -> int:
        if row >= len(self.line_starts):
            return byte_column + 1
        start = self.line_starts[row]
        prefix = self.data[start : start + byte_column]
        if prefix.isascii():
            return byte_column + 1
        return len(prefix.decode("utf-8", "replace")) + 1

    def span(self, node: tree_sitter.Node) -> Span:
        if self.readers_lines is not None:
            return self.readers_lines.span(
                self._characters(node.start_byte), self._characters(node.end_byte)
            )
        (start_row, start_col), (end_row, end_col) = node.start_point, node.end_point
        if self.ascii:
            return Span(start_row + 1, start_col + 1, end_row + 1, end_col + 1)
        return Span(
            start_row + 1,
            self.column(start_row, start_col),
            end_row + 1,
            self.column(end_row, end_col),
        )

    def _characters(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        return len(self.data[:byte_offset].decode("utf-8", "replace"))

    def text(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


class VariableValue(NamedTuple):
    node: Node
    origin: str


class TerraformDocument(NamedTuple):
    resources: list[Resource]
    problems: list[InputProblem]
    #: Span of a ``var.NAME`` reference to where its literal value came from.
    origins: dict[Span, str]


def parse_terraform(
    data: bytes, path: Path | None, variables: dict[str, VariableValue] | None = None
) -> TerraformDocument:
    """The Image Builder resources of one ``.tf`` file. Never raises for bad input."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # a BOM is no column of the first line
    tree = _parse(data)
    source = _Source(data)
    root = tree.root_node
    problem = _syntax_problem(root, source)
    if problem is not None:
        return TerraformDocument([], [problem], {})
    directory = path.parent if path is not None else None
    if path is not None and is_override_file(path.name):
        # An override file holds fragments merged into resources declared elsewhere.
        return TerraformDocument([], [], {})
    if variables is None:
        variables = module_variables(directory) if directory is not None else {}
    overridden = _overridden_addresses(str(directory)) if directory is not None else frozenset()
    converter = _Converter(source, variables)
    resources: list[Resource] = []
    try:
        for block in _blocks(root):
            labels = _labels(block, source)
            if _block_type(block, source) != "resource" or len(labels) != 2:
                continue
            kind = RESOURCE_KINDS.get(labels[0])
            address = f"{labels[0]}.{labels[1]}"
            if kind is None or address in overridden:
                continue  # an override file changes it in ways not followed here
            body = converter.block_body(block, 0, top_level=True)
            if _never_created(body):
                continue
            resources.append(Resource(kind, address, body, body.anchor))
    except _TooDeep as too_deep:
        return TerraformDocument(
            [],
            [
                InputProblem(
                    InputProblemKind.TOO_DEEP,
                    too_deep.span,
                    f"nesting deeper than {MAX_DEPTH} levels; the file was not checked",
                    "flatten the expression: no Image Builder definition nests this deep",
                )
            ],
            {},
        )
    return TerraformDocument(resources, converter.problems, converter.origins)


#: A number with an exponent, which tree-sitter's HCL grammar does not know (`1e3`).
_EXPONENT_NUMBER = re.compile(rb"(?<![\w.$-])[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+(?![\w.])")


def _parse(data: bytes) -> tree_sitter.Tree:
    """The syntax tree; numbers like ``1e3`` (valid HCL the grammar lacks) are read as unknown
    values of the same length, so a valid file is not reported as broken."""
    tree = _parser().parse(data)
    if not tree.root_node.has_error or not _EXPONENT_NUMBER.search(data):
        return tree
    patched = _EXPONENT_NUMBER.sub(lambda match: b"_" * len(match.group()), data)
    patched_tree = _parser().parse(patched)
    return tree if patched_tree.root_node.has_error else patched_tree


def is_override_file(name: str) -> bool:
    """Terraform's override files (``override.tf``, ``*_override.tf``)."""
    return name in ("override.tf", "override.tf.json") or name.endswith(
        ("_override.tf", "_override.tf.json")
    )


def _never_created(body: Mapping) -> bool:
    """``count = 0`` or ``for_each`` over an empty literal: the resource is never created."""
    count = body.get("count")
    if isinstance(count, Scalar) and count.value == 0 and not isinstance(count.value, bool):
        return True
    for_each = body.get("forEach")
    return isinstance(for_each, Mapping | Sequence) and not (
        for_each.entries if isinstance(for_each, Mapping) else for_each.items
    )


def _snippet(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else text
    return first_line[:40] + ("…" if len(first_line) > 40 else "")


def _syntax_problem(root: tree_sitter.Node, source: _Source) -> InputProblem | None:
    """The first syntax error, worded and placed for a human, or ``None``."""
    problem = _first_syntax_problem(root, source)
    if problem is None:
        return None
    # Something missing at the very end is found past the final line break, on a line no
    # reader sees: point at the end of the last line instead.
    text_lines = re.split(r"\r\n?|\n", source.data.decode("utf-8", "replace"))
    if len(text_lines) > 1 and text_lines[-1] == "":
        text_lines.pop()  # the empty "line" after a final line break
    if problem.span.start_line > len(text_lines):
        line = len(text_lines)
        column = len(text_lines[-1]) + 1
        return problem._replace(span=Span(line, column, line, column + 1))
    return problem


def _first_syntax_problem(root: tree_sitter.Node, source: _Source) -> InputProblem | None:
    if root.has_error:
        error = _first_error(root)
        if error is None:
            return _invalid(Span(1, 1, 1, 2), "cannot parse")
        parent = error.parent
        if error.is_missing and error.type in ("}", "block_end") and parent is not None:
            if parent.type == "block_end" and parent.parent is not None:
                parent = parent.parent
            if parent.type == "block":
                return _invalid(
                    _header_span(parent, source),
                    "this block is never closed: a '}' is missing",
                )
        if error.is_missing and error.type == "quoted_template_end" and parent is not None:
            return _invalid(source.span(parent), "this string is never closed: a '\"' is missing")
        if error.is_missing:
            return _invalid(source.span(error), f"missing '{error.type}'")
        return _invalid(source.span(error), f"unexpected '{_snippet(source.text(error))}'")
    # tree-sitter's grammar lets a block header run over several lines, which Terraform
    # rejects; it happens when an '=' is forgotten ('name "x"' is read as a block header).
    for block in _all_blocks(root):
        children = block.children
        opening = next((child for child in children if child.type == "block_start"), None)
        if opening is None or opening.start_point[0] == block.start_point[0]:
            continue
        header = [child for child in children[: children.index(opening)] if child.is_named]
        if len(header) >= 2:
            second = header[1]
            return _invalid(
                source.span(second),
                f"'{_snippet(source.text(header[0]))}' is followed by "
                f"'{_snippet(source.text(second))}': an argument needs '=' before its value, "
                "and a block header must end with '{' on the same line",
            )
    return None


def _invalid(span: Span, what: str) -> InputProblem:
    return InputProblem(
        InputProblemKind.INVALID_SYNTAX,
        Span(span.start_line, span.start_col, span.start_line, span.start_col + 1),
        f"invalid HCL: {what}",
        "fix the Terraform syntax at this position (`terraform validate` shows it too)",
    )


def _first_error(root: tree_sitter.Node) -> tree_sitter.Node | None:
    # Depth-first: the first ERROR or MISSING node in document order.
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            return node
        if node.has_error:
            pending.extend(reversed(node.children))
    return None


def _all_blocks(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    pending = [root]
    while pending:
        node = pending.pop()
        for child in node.named_children:
            if child.type in ("body", "config_file"):
                pending.append(child)
            elif child.type == "block":
                yield child
                pending.append(child)


def _blocks(root: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    for body in root.named_children:
        if body.type == "body":
            for child in body.named_children:
                if child.type == "block":
                    yield child


def _block_type(block: tree_sitter.Node, source: _Source) -> str:
    first = block.named_children[0] if block.named_children else None
    return source.text(first) if first is not None and first.type == "identifier" else ""


def _labels(block: tree_sitter.Node, source: _Source) -> list[str]:
    labels = []
    for child in block.named_children[1:]:
        if child.type == "string_lit":
            labels.append(_string_literal(child, source) or "")
        elif child.type == "identifier":
            labels.append(source.text(child))
        elif child.type in ("block_start", "body"):
            break
    return labels


def _block_body(block: tree_sitter.Node) -> tree_sitter.Node | None:
    for child in block.named_children:
        if child.type == "body":
            return child
    return None


def _header_span(block: tree_sitter.Node, source: _Source) -> Span:
    """From the block type to its last label: where findings about the block point."""
    children = block.named_children
    end = children[0]
    for child in children[1:]:
        if child.type in ("string_lit", "identifier"):
            end = child
        else:
            break
    start = source.span(children[0])
    finish = source.span(end)
    return Span(start.start_line, start.start_col, finish.end_line, finish.end_col)


def _string_literal(node: tree_sitter.Node, source: _Source) -> str | None:
    """The value of a quoted string without interpolation, else ``None``."""
    parts = []
    for child in node.named_children:
        if child.type in ("quoted_template_start", "quoted_template_end"):
            continue
        if child.type != "template_literal":
            return None
        parts.append(_unescape(source.text(child)))
    return "".join(parts)


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if match.group(1) or match.group(2):
            return chr(int(match.group(1) or match.group(2), 16))
        return _SIMPLE_ESCAPES.get(match.group(3), whole)

    return _ESCAPES.sub(replace, text) if "\\" in text or "$${" in text or "%%{" in text else text


def _sole_interpolation(template: tree_sitter.Node) -> tree_sitter.Node | None:
    """The expression of a quoted template that is one interpolation and nothing else."""
    if template.type != "quoted_template":
        return None
    parts = [
        child
        for child in template.named_children
        if child.type not in ("quoted_template_start", "quoted_template_end")
    ]
    if len(parts) != 1 or parts[0].type != "template_interpolation":
        return None
    expressions = [child for child in parts[0].named_children if child.type == "expression"]
    return expressions[0] if len(expressions) == 1 else None


def _heredoc_literal(node: tree_sitter.Node, source: _Source) -> str | None:
    identifiers = [child for child in node.named_children if child.type == "heredoc_identifier"]
    if (
        any(
            child.type not in ("heredoc_start", "heredoc_identifier", "template_literal")
            for child in node.named_children
        )
        or len(identifiers) != 2
    ):
        return None
    start = source.data.find(b"\n", identifiers[0].end_byte)
    if start < 0:
        return None
    end = source.line_starts[identifiers[1].start_point[0]]
    text = source.data[start + 1 : end].decode("utf-8", "replace")
    start_token = source.text(node.named_children[0])
    if start_token.startswith("<<-"):
        lines = text.splitlines(keepends=True)
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        strip = min(indents, default=0)
        text = "".join(line[strip:] if line.strip() else line.lstrip(" \t") for line in lines)
    return text


class _TooDeep(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


class _Converter:
    def __init__(self, source: _Source, variables: dict[str, VariableValue]) -> None:
        self.source = source
        self.variables = variables
        self.origins: dict[Span, str] = {}
        self.problems: list[InputProblem] = []

    def block_body(self, block: tree_sitter.Node, depth: int, top_level: bool = False) -> Mapping:
        if depth > MAX_DEPTH:
            raise _TooDeep(self.source.span(block))
        source = self.source
        entries: dict[str, Node] = {}
        lists: dict[str, list[Node]] = {}
        list_spans: dict[str, Span] = {}
        dynamic_lists: dict[str, Unknown] = {}
        additional: dict[str, Node] = {}
        seen: dict[str, Span] = {}
        body = _block_body(block)
        for child in body.named_children if body is not None else []:
            kind = child.type
            if kind == "attribute":
                parts = child.named_children
                name_node, value_node = parts[0], parts[-1]
                name = source.text(name_node)
                key_span = source.span(name_node)
                self._note_repeat(name, "argument", key_span, seen)
                value = self.expression(value_node, depth + 1, key_span)
                place_member(name, value, top_level, entries, additional)
            elif kind == "block":
                name = _block_type(child, source)
                if name == "dynamic":
                    labels = _labels(child, source)
                    if labels:
                        dynamic_name = labels[0]
                        # How many such blocks there will be is unknown.
                        unknown = Unknown(
                            "dynamic block",
                            source.span(child),
                            _header_span(child, source),
                            may_be_null=True,
                        )
                        if dynamic_name in LIST_BLOCKS:
                            # The static blocks beside it are still there: keep them.
                            dynamic_lists.setdefault(LIST_BLOCKS[dynamic_name], unknown)
                        elif dynamic_name in ADDITIONAL_INSTANCE_CONFIGURATION and top_level:
                            additional[ADDITIONAL_INSTANCE_CONFIGURATION[dynamic_name]] = unknown
                        else:
                            entries[api_name(dynamic_name)] = unknown
                    continue
                nested = self.block_body(child, depth + 1)
                if name in LIST_BLOCKS:
                    api = LIST_BLOCKS[name]
                    lists.setdefault(api, []).append(nested)
                    list_spans.setdefault(api, nested.key_span or nested.span)
                else:
                    # Every other nested block of these resources occurs at most once.
                    self._note_repeat(name, "block", nested.key_span or nested.span, seen)
                    place_member(name, nested, top_level, entries, additional)
        for api, items in lists.items():
            first = list_spans[api]
            last = items[-1].span
            entries[api] = Sequence(
                items, Span(first.start_line, first.start_col, last.end_line, last.end_col), first
            )
        for api, unknown in dynamic_lists.items():
            entries.setdefault(api, unknown)
        finish_members(entries, additional)
        return Mapping(entries, source.span(block), _header_span(block, source))

    def _note_repeat(self, name: str, what: str, span: Span, seen: dict[str, Span]) -> None:
        """Terraform rejects an argument set twice or a single block given twice; the last
        one would silently win here, hiding the first."""
        first = seen.get(name)
        if first is None:
            seen[name] = span
            return
        self.problems.append(
            InputProblem(
                InputProblemKind.DUPLICATE_KEY,
                span,
                f"{what} '{name}' appears twice in this block (first at line {first.start_line}); "
                "Terraform rejects the file, and only the last one is checked here",
                f"keep one '{name}'",
            )
        )

    def expression(self, node: tree_sitter.Node, depth: int, key_span: Span | None) -> Node:
        if depth > MAX_DEPTH:
            raise _TooDeep(self.source.span(node))
        source = self.source
        span = source.span(node)
        children = node.named_children
        if node.type == "expression" and len(children) == 1:
            return self.expression(children[0], depth + 1, key_span)
        if node.type == "expression" and children and children[0].type == "variable_expr":
            return self._reference(node, span, key_span)
        if node.type == "literal_value" and children:
            literal = children[0]
            if literal.type == "string_lit":
                text = _string_literal(literal, source)
                return (
                    Scalar(text, span, key_span)
                    if text is not None
                    else Unknown("template", span, key_span)
                )
            if literal.type == "numeric_lit":
                return Scalar(_number(source.text(literal)), span, key_span)
            if literal.type == "bool_lit":
                return Scalar(source.text(literal) == "true", span, key_span)
            if literal.type == "null_lit":
                return Scalar(None, span, key_span)
        if node.type == "template_expr" and children:
            template = children[0]
            inner = _sole_interpolation(template)
            if inner is not None:
                # "${var.x}" is var.x (Terraform 0.12 and later).
                return self.expression(inner, depth + 1, key_span)
            if template.type == "quoted_template":
                text = _string_literal(template, source)
            elif template.type == "heredoc_template":
                text = _heredoc_literal(template, source)
            else:
                text = None
            return (
                Scalar(text, span, key_span)
                if text is not None
                else Unknown("template", span, key_span)
            )
        if node.type == "collection_value" and children:
            return self.expression(children[0], depth + 1, key_span)
        if node.type == "tuple":
            items = [
                self.expression(child, depth + 1, None)
                for child in children
                if child.type == "expression"
            ]
            return Sequence(items, span, key_span)
        if node.type == "object":
            entries: dict[str, Node] = {}
            for element in children:
                if element.type != "object_elem":
                    continue
                key_node, value_node = element.named_children[0], element.named_children[-1]
                key = self._object_key(key_node)
                if key is None:
                    return Unknown("object with computed keys", span, key_span)
                entries[key] = self.expression(value_node, depth + 1, source.span(key_node))
            return Mapping(entries, span, key_span)
        if node.type == "operation" and children and children[0].type == "unary_operation":
            operation = children[0]
            parts = operation.children
            if len(parts) == 2 and parts[0].type == "-" and parts[1].type == "literal_value":
                operand = self.expression(parts[1], depth + 1, key_span)
                if (
                    isinstance(operand, Scalar)
                    and isinstance(operand.value, int | float)
                    and not isinstance(operand.value, bool)
                ):
                    return Scalar(-operand.value, span, key_span)
        return Unknown("expression", span, key_span, may_be_null=True)

    def _object_key(self, node: tree_sitter.Node) -> str | None:
        inner = (
            node.named_children[0] if node.type == "expression" and node.named_children else node
        )
        if inner.type == "variable_expr":
            return self.source.text(inner)
        if (
            inner.type == "literal_value"
            and inner.named_children
            and inner.named_children[0].type == "string_lit"
        ):
            return _string_literal(inner.named_children[0], self.source)
        return None

    def _reference(self, node: tree_sitter.Node, span: Span, key_span: Span | None) -> Node:
        """``var.NAME`` with a literal value in this module is that value; the rest is unknown."""
        children = node.named_children
        source = self.source
        if (
            len(children) == 2
            and source.text(children[0]) == "var"
            and children[1].type == "get_attr"
        ):
            name = source.text(children[1]).lstrip(".").strip()
            known = self.variables.get(name)
            if known is not None:
                self.origins[span] = f"var.{name} = {_shown(known.node)}, {known.origin}"
                return _relocated(known.node, span, key_span)
        return Unknown(source.text(node)[:60], span, key_span, may_be_null=True)


def _shown(node: Node) -> str:
    if isinstance(node, Scalar):
        return repr(node.value) if isinstance(node.value, str) else str(node.value).lower()
    return "a literal " + ("list" if isinstance(node, Sequence) else "object")


def _relocated(node: Node, span: Span, key_span: Span | None) -> Node:
    """A variable's value, placed where the reference is (findings point at the reference)."""
    if isinstance(node, Scalar):
        return Scalar(node.value, span, key_span)
    if isinstance(node, Sequence):
        return Sequence([_relocated(item, span, None) for item in node.items], span, key_span)
    if isinstance(node, Mapping):
        return Mapping(
            {k: _relocated(v, span, span) for k, v in node.entries.items()}, span, key_span
        )
    return Unknown(getattr(node, "what", "expression"), span, key_span, may_be_null=True)


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return 0


def clear_caches() -> None:
    _module_variables.cache_clear()
    _overridden_addresses.cache_clear()


def module_variables(directory: Path) -> dict[str, VariableValue]:
    """Literal values of the module's variables: defaults, then terraform.tfvars, then
    ``*.auto.tfvars`` in name order (each overriding the one before, as Terraform does)."""
    return dict(_module_variables(str(directory)))


@functools.lru_cache(maxsize=64)
def _module_variables(directory: str) -> tuple[tuple[str, VariableValue], ...]:
    values: dict[str, VariableValue] = {}
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return ()
    # Override files come last and win, as in Terraform.
    tf_files = [name for name in names if name.endswith(".tf") and not is_override_file(name)]
    tf_files += [name for name in names if name.endswith(".tf") and is_override_file(name)]
    for name in tf_files:
        for variable, value in _variable_defaults(os.path.join(directory, name), name):
            values[variable] = value
    # Terraform's order: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and
    # *.auto.tfvars.json in lexical order; a later file overrides an earlier one.
    tfvars: list[str] = [
        name for name in ("terraform.tfvars", "terraform.tfvars.json") if name in names
    ]
    tfvars += [name for name in names if name.endswith((".auto.tfvars", ".auto.tfvars.json"))]
    for name in tfvars:
        path = os.path.join(directory, name)
        reader = _tfvars_json_values if name.endswith(".json") else _tfvars_values
        for variable, value in reader(path, name):
            if isinstance(value.node, Scalar) and value.node.value is None:
                # null keeps the default of a `nullable = false` variable and clears any
                # other: not worth guessing which.
                values.pop(variable, None)
            else:
                values[variable] = value
    return tuple(values.items())


@functools.lru_cache(maxsize=64)
def _overridden_addresses(directory: str) -> frozenset[str]:
    """The resource addresses that the module's override files change."""
    addresses: set[str] = set()
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return frozenset()
    for name in names:
        if not (name.endswith(".tf") and is_override_file(name)):
            continue
        data = _read(os.path.join(directory, name))
        if data is None:
            continue
        source = _Source(data)
        for block in _blocks(_parse(data).root_node):
            labels = _labels(block, source)
            if _block_type(block, source) == "resource" and len(labels) == 2:
                addresses.add(f"{labels[0]}.{labels[1]}")
    return frozenset(addresses)


def _tfvars_json_values(path: str, name: str) -> Iterator[tuple[str, VariableValue]]:
    from iblint.syntax.json_tree import parse_json

    data = _read(path)
    if data is None:
        return
    root, _ = parse_json(data.decode("utf-8", "replace").removeprefix("\ufeff"))
    if not isinstance(root, Mapping):
        return
    for variable, value in root.entries.items():
        if _is_literal(value):
            yield variable, VariableValue(value, f"set in {name}:{value.span.start_line}")


def _read(path: str) -> bytes | None:
    try:
        if os.path.getsize(path) > 1024 * 1024:
            return None
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return None


def _parsed_module_file(path: str, needle: bytes = b"") -> tuple[tree_sitter.Tree, _Source] | None:
    """A file beside the checked one, parsed; ``None`` if unreadable, without ``needle``, or
    broken (values read from a broken file could be anything)."""
    data = _read(path)
    if data is None or needle not in data:
        return None
    tree = _parse(data)
    if tree.root_node.has_error:
        return None
    return tree, _Source(data)


def _literal_attributes(
    body: tree_sitter.Node | None, source: _Source
) -> Iterator[tuple[str, Node]]:
    """The attributes of a body whose values are literals, by name."""
    converter = _Converter(source, {})
    for child in body.named_children if body is not None else []:
        if child.type != "attribute":
            continue
        try:
            value = converter.expression(child.named_children[-1], 0, None)
        except _TooDeep:
            continue
        if _is_literal(value):
            yield source.text(child.named_children[0]), value


def _variable_defaults(path: str, name: str) -> Iterator[tuple[str, VariableValue]]:
    parsed = _parsed_module_file(path, b"variable")
    if parsed is None:
        return
    tree, source = parsed
    for block in _blocks(tree.root_node):
        labels = _labels(block, source)
        if _block_type(block, source) != "variable" or len(labels) != 1:
            continue
        for attribute, value in _literal_attributes(_block_body(block), source):
            if attribute == "default":
                line = value.span.start_line
                yield labels[0], VariableValue(value, f"the variable's default at {name}:{line}")


def _tfvars_values(path: str, name: str) -> Iterator[tuple[str, VariableValue]]:
    parsed = _parsed_module_file(path)
    if parsed is None:
        return
    tree, source = parsed
    for body in tree.root_node.named_children:
        if body.type == "body":
            for variable, value in _literal_attributes(body, source):
                yield variable, VariableValue(value, f"set in {name}:{value.span.start_line}")


def _is_literal(node: Node) -> bool:
    if isinstance(node, Scalar):
        return True
    if isinstance(node, Sequence):
        return all(_is_literal(item) for item in node.items)
    if isinstance(node, Mapping):
        return all(_is_literal(value) for value in node.entries.values())
    return False
