"""YAML text to a position-carrying node tree, safely.

PyYAML's C parser composes the document (the slow Python resolver is replaced by a stub, since
scalars are typed here); then the tree is converted into :mod:`iblint.model` nodes while
checking duplicate keys, nesting depth and the size aliases expand to. CloudFormation's short
tags (``!Ref x``, ``!If [...]``) become their long form (``{"Ref": "x"}``) so the CloudFormation
loader handles YAML and JSON alike. The usual text (no anchor, no merge key, no line break only
YAML counts) is converted by :class:`_FastConverter`, which makes the same tree in fewer steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.composer import Composer, ComposerError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YamlNode

from iblint import problems as input_problems
from iblint.model import InputProblem, Mapping, Node, Scalar, Sequence, Span
from iblint.syntax.limits import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    MAX_YAML_SEPARATORS,
    yaml_separators,
)
from iblint.syntax.positions import YAML_ONLY_BREAKS, LineTable
from iblint.syntax.yaml_scalars import PLAIN as _PLAIN
from iblint.syntax.yaml_scalars import (
    RESOLVED_FIRST_CHARACTERS,
    key_text,
    long_form,
    plain_key,
    plain_value,
)
from iblint.syntax.yaml_scalars import STR as _STR

_HAS_LIBYAML = getattr(yaml, "__with_libyaml__", False)
_BaseLoader: type = yaml.CSafeLoader if _HAS_LIBYAML else yaml.SafeLoader


class _ComposeLoader(_BaseLoader):  # type: ignore[misc]
    """Composes nodes without resolving implicit tags; plain scalars are typed by
    :mod:`iblint.syntax.yaml_scalars`."""

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


class _AliasNode(YamlNode):
    """Where an alias (``*name``, ``<<: *name``) stands, and the node it repeats."""

    def __init__(self, target: YamlNode, anchor: str, start_mark: Any, end_mark: Any) -> None:
        super().__init__("alias", target, start_mark, end_mark)
        self.target = target
        self.anchor = anchor


#: The C loader composes in C: the Python composer comes first. PyYAML without libyaml
#: composes in Python already, and listing the composer again would be no class at all.
_ALIAS_KEEPING_BASES: tuple[type, ...] = (
    (Composer, _ComposeLoader) if _HAS_LIBYAML else (_ComposeLoader,)
)


class _AliasKeepingLoader(*_ALIAS_KEEPING_BASES):  # type: ignore[misc]
    """The parser's events composed by PyYAML's Python composer, except that an alias
    becomes an :class:`_AliasNode` where it stands instead of the anchored node itself: a
    finding inside the repeated block can then point at the alias in each resource that uses
    it. Used only for texts with anchors (the C composer is faster)."""

    def __init__(self, text: str) -> None:
        _ComposeLoader.__init__(self, text)  # type: ignore[call-arg]
        Composer.__init__(self)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            event = self.get_event()
            anchor = event.anchor
            if anchor not in self.anchors:
                raise ComposerError(
                    None, None, f"found undefined alias {anchor!r}", event.start_mark
                )
            return _AliasNode(self.anchors[anchor], anchor, event.start_mark, event.end_mark)
        return Composer.compose_node(self, parent, index)


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


class _Converter:
    def __init__(self, span: Callable[[YamlNode], Span] = _span) -> None:
        self._node_span = span
        #: Where a node is: its own span, or the alias's while an alias is expanded (swapped
        #: rather than tested on every node: this is the hottest call of a YAML load).
        self.span: Callable[[YamlNode], Span] = span
        self.problems: list[InputProblem] = []
        #: While an alias is expanded, the alias's span: every node of the repeated block is
        #: placed there, where the alias stands in the resource that uses it.
        self.alias_span: Span | None = None
        #: The span of each alias expanded to where its anchor is, for messages.
        self.alias_origins: dict[Span, str] = {}
        #: Within one alias's expansion every node has the alias's span, so a block that
        #: aliases repeat inside it is converted once and shared: nested aliases cost what the
        #: text costs, not what their expansion would.
        self.expanded: dict[int, Node] = {}

    def convert(self, node: YamlNode, depth: int, key_span: Span | None) -> Node:
        # ``depth`` counts the collections around ``node``: the 201st nested one is refused,
        # as in the JSON parser.
        if isinstance(node, _AliasNode):
            return self._alias(node, depth, key_span)
        if depth >= MAX_DEPTH and not isinstance(node, ScalarNode):
            raise _TooDeep(self.span(node))
        tag = node.tag
        if tag.startswith("!") and len(tag) > 1 and not tag.startswith("!!"):
            # A CloudFormation short-form intrinsic: `!Sub x` is `{"Fn::Sub": x}`.
            span = self.span(node)
            inner = self._untagged(node, depth + 1, span)
            return Mapping({long_form(tag): inner}, span, key_span)
        return self._untagged(node, depth, key_span)

    def _untagged(self, node: YamlNode, depth: int, key_span: Span | None) -> Node:
        span = self.span(node)
        if isinstance(node, ScalarNode):
            value = plain_value(node.value) if node.tag == _PLAIN else node.value
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
                self.problems.append(_duplicate(key_text, k_span, seen[key_text]))
                del entries[key_text]  # keep the insertion order of the surviving key
            seen[key_text] = k_span
            entries[key_text] = self.convert(value_node, depth + 1, k_span)
        return Mapping(entries, span, key_span)

    def _alias(self, node: _AliasNode, depth: int, key_span: Span | None) -> Node:
        if self.alias_span is not None:  # an alias inside a repeated block stays at the outer
            shared = self.expanded.get(id(node.target))
            if shared is None:
                shared = self.expanded[id(node.target)] = self.convert(node.target, depth, key_span)
            return shared
        span = self._node_span(node)
        anchor_line = node.target.start_mark.line + 1
        self.alias_origins[span] = (
            f"through the alias *{node.anchor}, anchored at line {anchor_line}"
        )
        self.alias_span = span
        self.span = lambda _node: span
        problems = len(self.problems)
        try:
            return self.convert(node.target, depth, key_span)
        finally:
            self.alias_span = None
            self.span = self._node_span
            self.expanded = {}
            # A duplicate key in the anchored block is reported where the block is written.
            del self.problems[problems:]

    def _merge(self, entries: dict[str, Node], value_node: YamlNode, depth: int) -> None:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self.convert(source, depth + 1, None)
            if isinstance(merged, Mapping):
                for key, value in merged.entries.items():
                    entries.setdefault(key, value)

    _key_text = staticmethod(key_text)


_new_span = tuple.__new__
_RESOLVED = RESOLVED_FIRST_CHARACTERS


class _FastConverter:
    """The converter for the usual text: no anchor (so no alias), no merge key, and lines that
    YAML and readers count alike. Where a node is then never depends on how it was reached, so
    each node is converted in one call, its span read straight from the parser's marks, and a
    leaf within its parent's call. It makes what :class:`_Converter` makes, node for node and
    problem for problem (``tests/test_speed_equivalence_yaml.py``)."""

    def __init__(self) -> None:
        self.problems: list[InputProblem] = []
        self.alias_origins: dict[Span, str] = {}

    def convert(self, node: YamlNode, depth: int, key_span: Span | None) -> Node:
        start, end = node.start_mark, node.end_mark
        span = _new_span(Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1))
        kind = node.__class__
        tag = node.tag
        if kind is ScalarNode:
            value = node.value
            if tag == _PLAIN:
                if not value or value[0] in _RESOLVED:
                    value = plain_value(value)
            elif tag[:1] == "!" and len(tag) > 1 and tag[1] != "!":
                return Mapping({long_form(tag): Scalar(value, span, span)}, span, key_span)
            return Scalar(value, span, key_span)
        if depth >= MAX_DEPTH:
            raise _TooDeep(span)
        if tag[:1] == "!" and len(tag) > 1 and tag[1] != "!":
            # A CloudFormation short-form intrinsic: `!Sub x` is `{"Fn::Sub": x}`.
            inner = self._collection(node, kind, depth + 1, span, span)
            return Mapping({long_form(tag): inner}, span, key_span)
        return self._collection(node, kind, depth, span, key_span)

    def _collection(
        self, node: YamlNode, kind: type, depth: int, span: Span, key_span: Span | None
    ) -> Node:
        depth += 1
        if kind is SequenceNode:
            items: list[Node] = []
            for item in node.value:
                tag = item.tag
                if item.__class__ is ScalarNode and tag in (_PLAIN, _STR):
                    start, end = item.start_mark, item.end_mark
                    value = item.value
                    if tag == _PLAIN and (not value or value[0] in _RESOLVED):
                        value = plain_value(value)
                    item_span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                    items.append(Scalar(value, _new_span(Span, item_span), None))
                else:
                    items.append(self.convert(item, depth, None))
            return Sequence(items, span, key_span)
        entries: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag == _PLAIN:
                name = key_node.value
                if not name or name[0] in _RESOLVED:
                    name = plain_key(name)
            else:
                name = key_text(key_node)
            start, end = key_node.start_mark, key_node.end_mark
            k_span = _new_span(
                Span, (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
            )
            if name in entries:  # no merge key: the keys seen are the entries' keys
                first = entries.pop(name).key_span  # the survivor goes where it is written
                assert first is not None
                self.problems.append(_duplicate(name, k_span, first))
            tag = value_node.tag
            if value_node.__class__ is ScalarNode and tag in (_PLAIN, _STR):
                start, end = value_node.start_mark, value_node.end_mark
                value = value_node.value
                if tag == _PLAIN and (not value or value[0] in _RESOLVED):
                    value = plain_value(value)
                value_span = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
                entries[name] = Scalar(value, _new_span(Span, value_span), k_span)
            else:
                entries[name] = self.convert(value_node, depth, k_span)
        return Mapping(entries, span, key_span)


def _duplicate(key_text: str, at: Span, first: Span) -> InputProblem:
    return input_problems.duplicate_key(
        at,
        f"key '{key_text}'",
        first,
        "YAML keeps only the last value, so the earlier one is silently ignored",
    )


class _TooDeep(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


class _TooBig(Exception):
    def __init__(self, span: Span) -> None:
        self.span = span


def _alias_expansion(root: YamlNode) -> int:
    """How many nodes expanding the aliases of ``root`` adds, in time linear in the text: the
    nodes written out once do not count (a flat list of a million items is no alias bomb),
    every copy an alias makes does. Stops counting past the limit; an anchor that contains
    its own alias counts as over it."""
    over = MAX_EXPANDED_NODES + 1
    #: id -> (expanded size, nodes added by aliases within)
    sizes: dict[int, tuple[int, int]] = {}
    pending: list[tuple[YamlNode, bool]] = [(root, False)]
    in_progress: set[int] = set()
    while pending:
        node, children_done = pending.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[YamlNode]
        if isinstance(node, _AliasNode):
            children = [node.target]
        elif isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            sizes[key] = (1, 0)
            continue
        if children_done:
            in_progress.discard(key)
            if isinstance(node, _AliasNode):
                size = sizes.get(id(node.target), (over, over))[0]
                sizes[key] = (size, size)
                continue
            parts = [sizes.get(id(child), (over, over)) for child in children]
            size = min(1 + sum(part[0] for part in parts), over)
            added = min(sum(part[1] for part in parts), over)
            sizes[key] = (size, added)
            continue
        if key in in_progress:
            return over
        in_progress.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)][1]


def _mark_span(mark: yaml.Mark | None, table: LineTable) -> Span:
    if mark is None:
        return Span(1, 1, 1, 2)
    return table.point(mark.index)


def parse_yaml(
    text: str, alias_origins: dict[Span, str] | None = None
) -> tuple[list[Node], list[InputProblem]]:
    """Every document in ``text`` as nodes, with the input problems found on the way.

    The nodes of a block repeated by an alias are placed where the alias stands;
    ``alias_origins``, if given, receives each such alias's span and the words saying where its
    anchor is. Never raises for bad input: a syntax error, excessive depth or an alias bomb is
    returned as an :class:`InputProblem` and no documents.
    """
    # libyaml skips a byte order mark without counting it in offsets; Python's parser counts it.
    text = text.removeprefix("\ufeff")
    if yaml_separators(text) > MAX_YAML_SEPARATORS:
        return [], [input_problems.too_many_values(MAX_YAML_SEPARATORS, "YAML")]
    has_anchors = "&" in text
    try:
        loader = _AliasKeepingLoader(text) if has_anchors else _ComposeLoader(text)
    except yaml.reader.ReaderError as error:  # PyYAML without libyaml checks characters first
        span = LineTable(text).span(error.position, error.position + 1)
        message = f"unacceptable character #x{error.character:04x}: {error.reason}"
        return [], [input_problems.invalid_syntax(span, "YAML", message)]
    expanded = 0
    documents: list[Node] = []
    table = LineTable(text) if any(character in text for character in YAML_ONLY_BREAKS) else None
    node_span = _span if table is None else _span_by_offsets(table)
    converter: _Converter | _FastConverter
    if table is None and not has_anchors and not ("<" in text and "<<" in text):
        converter = _FastConverter()
    else:
        converter = _Converter(node_span)
    try:
        while loader.check_node():
            composed = loader.get_node()
            if composed is None:
                continue
            if has_anchors:
                expanded += _alias_expansion(composed)
                if expanded > MAX_EXPANDED_NODES:
                    raise _TooBig(node_span(composed))
            documents.append(converter.convert(composed, 0, None))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        span = _mark_span(mark, table or LineTable(text))
        if "maximum nesting depth" in message:
            return [], [input_problems.too_deep(span)]
        return [], [input_problems.invalid_syntax(span, "YAML", message)]
    except yaml.YAMLError as error:
        return [], [input_problems.invalid_syntax(Span(1, 1, 1, 1), "YAML", str(error))]
    except (_TooDeep, RecursionError) as error:
        span = error.span if isinstance(error, _TooDeep) else Span(1, 1, 1, 1)
        return [], [input_problems.too_deep(span)]
    except _TooBig as error:
        return [], [input_problems.alias_bomb(error.span)]
    finally:
        loader.dispose()
    if alias_origins is not None:
        alias_origins.update(converter.alias_origins)
    return documents, converter.problems
