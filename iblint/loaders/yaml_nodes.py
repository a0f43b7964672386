"""YAML text to a position-carrying node tree, safely.

PyYAML's C parser composes the document (the slow Python resolver is replaced by a stub, since
scalars are typed here); then the tree is converted into :mod:`iblint.model` nodes while
checking duplicate keys, nesting depth and the size aliases expand to. CloudFormation's short
tags (``!Ref x``, ``!If [...]``) become their long form (``{"Ref": "x"}``) so the CloudFormation
loader handles YAML and JSON alike.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YamlNode
from yaml.resolver import Resolver

from iblint.loaders.limits import MAX_DEPTH, MAX_EXPANDED_NODES
from iblint.loaders.positions import YAML_ONLY_BREAKS, LineTable
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span

_PLAIN = "tag:iblint:plain"
_STR = "tag:yaml.org,2002:str"
_HAS_LIBYAML = getattr(yaml, "__with_libyaml__", False)
_BaseLoader: type = yaml.CSafeLoader if _HAS_LIBYAML else yaml.SafeLoader


class _ComposeLoader(_BaseLoader):  # type: ignore[misc]
    """Composes nodes without resolving implicit tags; typing happens in :func:`_scalar`."""

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        if kind is ScalarNode:
            return _STR
        if kind is SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


_resolver = Resolver()
_constructor = SafeConstructor()
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TYPED = {_INT, _FLOAT, _BOOL, _NULL}
#: Integers wider than this cannot be printed in decimal under Python's default limit of 4,300
#: digits (``sys.get_int_max_str_digits``); such a literal stays text.
_MAX_INT_BITS = 14_000


#: First characters for which PyYAML has implicit resolvers; any other plain scalar is a string.
_RESOLVED_FIRST_CHARACTERS = frozenset(
    key for key in Resolver.yaml_implicit_resolvers if key is not None
)


def _plain_value(text: str) -> str | int | float | bool | None:
    """A plain scalar typed as YAML 1.1 (PyYAML's SafeLoader) would type it."""
    if text and text[0] not in _RESOLVED_FIRST_CHARACTERS:
        return text  # most keys and values: no resolver applies (and resolving is slow)
    tag = _resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag not in _TYPED:
        return text
    try:
        value = _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, text))
    except (ConstructorError, ValueError, OverflowError):
        return text
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return text  # too long to turn back into decimal text for a message
    return value  # type: ignore[no-any-return]


def _span(node: YamlNode) -> Span:
    """The node's span from the parser's own line count: right unless NEL/LS/PS occur."""
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def _span_by_offsets(table: LineTable) -> Callable[[YamlNode], Span]:
    """The node's span from character offsets: for texts where YAML and readers count lines
    differently."""

    def span(node: YamlNode) -> Span:
        return table.span(node.start_mark.index, node.end_mark.index)

    return span


def _long_form(tag: str) -> str:
    name = tag[1:]
    return name if name in ("Ref", "Condition") else "Fn::" + name


class _Converter:
    def __init__(self, span: Callable[[YamlNode], Span] = _span) -> None:
        self.span = span
        self.problems: list[InputProblem] = []
        self.expanded = 0

    def convert(self, node: YamlNode, depth: int, key_span: Span | None) -> Node:
        # ``depth`` counts the collections around ``node``: the 201st nested one is refused,
        # as in the JSON parser.
        if depth >= MAX_DEPTH and not isinstance(node, ScalarNode):
            raise _TooDeep(self.span(node))
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise _TooBig(self.span(node))
        tag = node.tag
        if tag.startswith("!") and len(tag) > 1 and not tag.startswith("!!"):
            # A CloudFormation short-form intrinsic: `!Sub x` is `{"Fn::Sub": x}`.
            span = self.span(node)
            inner = self._untagged(node, depth + 1, span)
            return Mapping({_long_form(tag): inner}, span, key_span)
        return self._untagged(node, depth, key_span)

    def _untagged(self, node: YamlNode, depth: int, key_span: Span | None) -> Node:
        span = self.span(node)
        if isinstance(node, ScalarNode):
            value = _plain_value(node.value) if node.tag == _PLAIN else node.value
            return Scalar(value, span, key_span)
        if isinstance(node, SequenceNode):
            return Sequence(
                [self.convert(item, depth + 1, None) for item in node.value], span, key_span
            )
        assert isinstance(node, MappingNode)
        entries: dict[str, Node] = {}
        seen: dict[str, Span] = {}
        for key_node, value_node in node.value:
            key_text = self._key_text(key_node)
            k_span = self.span(key_node)
            if key_text == "<<" and key_node.tag == _PLAIN:
                self._merge(entries, value_node, depth)
                continue
            if key_text in seen:
                first = seen[key_text]
                self.problems.append(
                    InputProblem(
                        "duplicate-key",
                        k_span,
                        f"duplicate key '{key_text}' (first at line {first.start_line}); YAML keeps "
                        "only the last value, so the earlier one is silently ignored",
                        "remove one of the two keys, keeping the value you mean",
                    )
                )
                del entries[key_text]  # keep the insertion order of the surviving key
            seen[key_text] = k_span
            entries[key_text] = self.convert(value_node, depth + 1, k_span)
        return Mapping(entries, span, key_span)

    def _merge(self, entries: dict[str, Node], value_node: YamlNode, depth: int) -> None:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self.convert(source, depth + 1, None)
            if isinstance(merged, Mapping):
                for key, value in merged.entries.items():
                    entries.setdefault(key, value)

    @staticmethod
    def _key_text(key_node: YamlNode) -> str:
        if isinstance(key_node, ScalarNode):
            if key_node.tag == _PLAIN:
                value = _plain_value(key_node.value)
                if value is None:
                    return "null" if key_node.value else ""
                if isinstance(value, bool):
                    return str(value).lower()
                return str(value) if not isinstance(value, str) else value
            return str(key_node.value)
        # A complex key (a list or mapping): no Image Builder member is one; name it by position.
        return f"<complex key at line {key_node.start_mark.line + 1}>"


class _TooDeep(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


class _TooBig(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


def _expanded_size(root: YamlNode) -> int:
    """How many nodes ``root`` has once every alias is expanded, in time linear in the text.

    Stops counting past the limit; a node that contains itself counts as over the limit.
    """
    sizes: dict[int, int] = {}
    pending: list[tuple[YamlNode, bool]] = [(root, False)]
    in_progress: set[int] = set()
    while pending:
        node, children_done = pending.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[YamlNode]
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            sizes[key] = 1
            continue
        if children_done:
            in_progress.discard(key)
            total = 1 + sum(sizes.get(id(child), MAX_EXPANDED_NODES + 1) for child in children)
            sizes[key] = min(total, MAX_EXPANDED_NODES + 1)
            continue
        if key in in_progress:
            return MAX_EXPANDED_NODES + 1
        in_progress.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def _mark_span(mark: yaml.Mark | None, table: LineTable) -> Span:
    if mark is None:
        return Span(1, 1, 1, 2)
    return table.point(mark.index)


def parse_yaml(text: str) -> tuple[list[Node], list[InputProblem]]:
    """Every document in ``text`` as nodes, with the input problems found on the way.

    Never raises for bad input: a syntax error, excessive depth or an alias bomb is returned as
    an :class:`InputProblem` and no documents.
    """
    # libyaml skips a byte order mark without counting it in offsets; Python's parser counts it.
    text = text.removeprefix("\ufeff")
    loader = _ComposeLoader(text)
    has_anchors = "&" in text
    documents: list[Node] = []
    if any(character in text for character in YAML_ONLY_BREAKS):
        converter = _Converter(_span_by_offsets(LineTable(text)))
    else:
        converter = _Converter()
    try:
        while loader.check_node():
            composed = loader.get_node()
            if composed is None:
                continue
            if has_anchors and _expanded_size(composed) > MAX_EXPANDED_NODES:
                raise _TooBig(converter.span(composed))
            documents.append(converter.convert(composed, 0, None))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        if "maximum nesting depth" in message:
            return [], [_too_deep(_mark_span(mark, LineTable(text)))]
        return [], [
            InputProblem(
                "invalid-syntax",
                _mark_span(mark, LineTable(text)),
                f"invalid YAML: {message or 'cannot parse'}",
                "fix the YAML syntax at this position",
            )
        ]
    except yaml.YAMLError as error:
        return [], [
            InputProblem(
                "invalid-syntax",
                Span(1, 1, 1, 1),
                f"invalid YAML: {error}",
                "fix the YAML syntax",
            )
        ]
    except (_TooDeep, RecursionError) as error:
        span = error.span if isinstance(error, _TooDeep) else Span(1, 1, 1, 1)
        return [], [_too_deep(span)]
    except _TooBig as error:
        return [], [
            InputProblem(
                "too-many-aliases",
                error.span,
                f"aliases expand this document to more than {MAX_EXPANDED_NODES:,} nodes "
                "(an alias bomb?); it was not checked",
                "expand the aliases by hand or split the document",
            )
        ]
    finally:
        loader.dispose()
    return documents, converter.problems


def _too_deep(span: Span) -> InputProblem:
    return InputProblem(
        "too-deep",
        span,
        f"nesting deeper than {MAX_DEPTH} levels; the document was not checked",
        "flatten the document: no Image Builder definition nests this deep",
    )
