"""An HCL file's text as tree-sitter sees it: positions in characters, the values of literal
tokens, and the first syntax error worded for a human.

tree-sitter counts bytes and breaks lines at LF only; readers count characters and also break
lines at a lone CR. tree-sitter marks errors as ERROR and MISSING nodes wherever its recovery
put them; :func:`syntax_problem` picks the first in document order and words it by what is
missing (a '}' points at the header of the block it would close, a '"' at the string). One
error the grammar accepts is caught too: a block header that runs over several lines, which is
what a forgotten '=' looks like.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from iblint import problems as input_problems
from iblint.model import InputProblem, Span
from iblint.syntax.positions import LineTable

if TYPE_CHECKING:
    import tree_sitter

_ESCAPES = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
#: Nodes that may hold blocks.
_CONTAINERS = frozenset({"body", "block", "config_file"})
_new_span = tuple.__new__  # a Span without the call through its Python-level constructor


class SourceText:
    """The file's bytes, and tree-sitter's byte positions as the characters a reader sees."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        # tree-sitter counts rows at LF only; readers also break lines at a lone CR.
        lone_cr = b"\r" in data and re.search(b"\r(?!\n)", data) is not None
        #: Rows and byte columns are lines and character columns (the common case).
        self.simple = data.isascii() and not lone_cr
        self.lines: LineTable | None = None
        #: Byte offsets just past each multi-byte character, and the extra bytes so far.
        self._wide_ends: list[int] = []
        self._extra: list[int] = []
        if not self.simple:
            # Undecodable bytes become one character each, so byte offsets still map exactly.
            text = data.decode("utf-8", "surrogateescape")
            self.lines = LineTable(text)
            extra = 0
            for match in _NON_ASCII.finditer(text):
                width = len(match.group().encode("utf-8", "surrogateescape"))
                if width > 1:
                    extra += width - 1
                    self._wide_ends.append(match.end() + extra)
                    self._extra.append(extra)

    def span(self, node: tree_sitter.Node) -> Span:
        if self.simple:
            start, end = node.start_point, node.end_point
            return _new_span(Span, (start[0] + 1, start[1] + 1, end[0] + 1, end[1] + 1))
        assert self.lines is not None
        return self.lines.span(self._characters(node.start_byte), self._characters(node.end_byte))

    def _characters(self, byte_offset: int) -> int:
        index = bisect.bisect_right(self._wide_ends, byte_offset)
        return byte_offset - (self._extra[index - 1] if index else 0)

    def text(self, node: tree_sitter.Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def block_type_of(block: tree_sitter.Node, source: SourceText) -> str:
    first = block.named_children[0] if block.named_children else None
    return source.text(first) if first is not None and first.type == "identifier" else ""


def string_literal(node: tree_sitter.Node, source: SourceText) -> str | None:
    """The value of a quoted string without interpolation, else ``None``: everything between
    the quotes (tree-sitter's template literals leave out the white space at either end)."""
    children = node.named_children
    if (
        len(children) < 2
        or children[0].type != "quoted_template_start"
        or children[-1].type != "quoted_template_end"
        or any(child.type != "template_literal" for child in children[1:-1])
    ):
        return None
    between = source.data[children[0].end_byte : children[-1].start_byte]
    return unescape(between.decode("utf-8", "replace"))


def unescape(text: str) -> str:
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        whole = match.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        if match.group(1) or match.group(2):
            code = int(match.group(1) or match.group(2), 16)
            # Past U+10FFFF, or a lone surrogate: no character; Terraform rejects the string.
            # U+FFFD keeps the value a string that no rule mistakes for a valid one.
            valid = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
            return chr(code) if valid else "\ufffd"
        return _SIMPLE_ESCAPES.get(match.group(3), whole)

    return _ESCAPES.sub(replace, text)


def sole_interpolation(template: tree_sitter.Node) -> tree_sitter.Node | None:
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


def heredoc_literal(node: tree_sitter.Node, source: SourceText) -> str | None:
    children = node.named_children
    identifiers = [child for child in children if child.type == "heredoc_identifier"]
    if len(identifiers) != 2 or any(
        child.type not in ("heredoc_start", "heredoc_identifier", "template_literal")
        for child in children
    ):
        return None
    data = source.data
    start = data.find(b"\n", identifiers[0].end_byte)
    if start < 0:
        return None
    end = data.rfind(b"\n", 0, identifiers[1].start_byte) + 1
    text = data[start + 1 : max(end, start + 1)].decode("utf-8", "replace")
    if source.text(children[0]).startswith("<<-"):
        lines = text.splitlines(keepends=True)
        indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
        strip = min(indents, default=0)
        text = "".join(line[strip:] if line.strip() else line.lstrip(" \t") for line in lines)
    return text


def number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return 0


def _snippet(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else text
    return first_line[:40] + ("…" if len(first_line) > 40 else "")


def syntax_problem(root: tree_sitter.Node, source: SourceText) -> InputProblem | None:
    """The first syntax error, worded and placed for a human, or ``None``."""
    problem = _first_syntax_problem(root, source)
    if problem is None:
        return None
    # Something missing at the very end is found past the final line break, on a line no
    # reader sees: point at the end of the last line instead (as LineTable.point does).
    lines = source.lines or LineTable(source.data.decode("utf-8", "surrogateescape"))
    end = lines.point(lines.length)
    if problem.span.start_line > end.start_line:
        return problem._replace(span=end)
    return problem


def _invalid(span: Span, what: str) -> InputProblem:
    return input_problems.invalid_syntax(span, "HCL", what)


def _first_syntax_problem(root: tree_sitter.Node, source: SourceText) -> InputProblem | None:
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
                    _header_start(parent, source), "this block is never closed: a '}' is missing"
                )
        if error.is_missing and error.type == "quoted_template_end" and parent is not None:
            return _invalid(source.span(parent), "this string is never closed: a '\"' is missing")
        if error.is_missing:
            return _invalid(source.span(error), f"missing '{error.type}'")
        return _invalid(source.span(error), f"unexpected '{_snippet(source.text(error))}'")
    # tree-sitter's grammar lets a block header run over several lines, which HCL rejects;
    # it happens when an '=' is forgotten ('name "x"' is read as a block header).
    header = _multiline_header(root)
    if header is not None:
        first, second = header
        return _invalid(
            source.span(second),
            f"'{_snippet(source.text(first))}' is followed by "
            f"'{_snippet(source.text(second))}': an argument needs '=' before its value, "
            "and a block header must end with '{' on the same line",
        )
    return None


def _header_start(block: tree_sitter.Node, source: SourceText) -> Span:
    children = block.named_children
    return source.span(children[0]) if children else source.span(block)


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


def _multiline_header(
    root: tree_sitter.Node,
) -> tuple[tree_sitter.Node, tree_sitter.Node] | None:
    """The first two parts of the first block header (in document order) that does not end
    with its '{' on its first line, if any."""
    pending = [root]
    while pending:
        node = pending.pop()
        named = node.named_children
        if node.type == "block":
            row = node.start_point[0]
            for index, child in enumerate(named):
                if child.type == "block_start":
                    if index >= 2 and child.start_point[0] != row:
                        return named[0], named[1]
                    break
        pending.extend(child for child in reversed(named) if child.type in _CONTAINERS)
    return None
