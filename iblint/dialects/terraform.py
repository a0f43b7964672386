"""Terraform configurations (``.tf`` in native syntax, ``.tf.json`` in JSON syntax) to Image
Builder resources, and the one translation of resource bodies shared with plan JSON.

Both syntaxes arrive as the same kind of tree (:mod:`iblint.syntax.hcl_tree`,
:mod:`iblint.syntax.json_tree`): a nested block is an object or a list of objects (in native
syntax a :class:`~iblint.syntax.hcl_tree.Block`), an argument a value. :class:`Translator`
turns a body into API members (``instance_metadata_options { http_tokens }`` becomes
``instanceMetadataOptions.httpTokens``; the repeatable blocks ``block_device_mapping``,
``component`` and ``parameter`` become lists; ``dynamic`` blocks make their member unknown
unless static blocks of the same type stand beside them). A plan's reader
(:mod:`iblint.dialects.terraform_plan`) subclasses it for what only plans have.

Expressions are unknown (and may be null, which leaves the argument unset), except templates
with text around their interpolations (always a string) and ``var.NAME`` whose value is a
literal in the module (:mod:`iblint.dialects.terraform_module`): that value is checked where
the reference stands, and findings say where it came from. A resource with ``count = 0`` or an
empty literal ``for_each`` is never created and not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from iblint import problems as input_problems
from iblint.dialects import LoadContext
from iblint.dialects.component_files import file_references
from iblint.dialects.embedded import terraform_documents
from iblint.dialects.terraform_module import Module, VariableValue, is_override_file, module_of
from iblint.dialects.terraform_names import (
    ADDITIONAL_INSTANCE_CONFIGURATION,
    ARN_REFERENCE,
    LIST_BLOCKS,
    MAP_ARGUMENTS,
    META,
    PLACEMENTS,
    PLAIN,
    RESOURCE_KINDS,
    finish_members,
    member_name,
    place_member,
    placement,
)
from iblint.model import (
    InputProblem,
    Mapping,
    Node,
    Reference,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Span,
    Unknown,
)
from iblint.syntax.hcl_tree import Block, Expression

_VARIABLE = re.compile(r"var\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)")
_TRAVERSAL = re.compile(r"[A-Za-z_][\w-]*(?:\s*\.\s*[\w-]+|\[[^\[\]]*\])*")
_SHOWN_EXPRESSION = 60
_ALL_KINDS = frozenset(RESOURCE_KINDS.values())
_PIPELINES = frozenset({ResourceKind.IMAGE_PIPELINE})
_MAX_PLACEMENTS = 10_000


def claims(document: Node) -> bool:
    return isinstance(document, Mapping) and "resource" in document.entries


def resources(document: Node, context: LoadContext) -> list[Resource]:
    """The Image Builder resources of a ``.tf`` or ``.tf.json`` document."""
    assert isinstance(document, Mapping)
    path = context.path
    if path is not None and is_override_file(path.name):
        # An override file holds fragments merged into resources declared elsewhere.
        return []
    module = module_of(path, context.cache) if path is not None else None
    translator = ConfigTranslator(
        (lambda: module.variables) if module is not None else dict,
        context.origins,
        context.problems,
    )
    found: list[Resource] = []
    for kind, address, body, translated in _translated(document, translator, module, _ALL_KINDS):
        found.append(Resource(kind, address, translated, translated.anchor, dialect="terraform"))
        if kind is ResourceKind.COMPONENT:  # its inline AWSTOE document
            data = body.get("data")
            found.extend(terraform_documents(data, found[-1], context, not translator.json))
            if path is not None:  # file("...") of a file in the module: checked as its own
                file_references(context.cache).refer(data, path, not translator.json)
    if module is not None and path is not None:
        context.related.extend(_pipelines_elsewhere(module, path.name, found))
    return found


def _pipelines_elsewhere(module: Module, file_name: str, found: list[Resource]) -> list[Resource]:
    """The image pipelines and images in the module's other files that refer to an
    infrastructure configuration of this file (rules relate them: IB102)."""
    files: set[str] = set()
    for resource in found:
        if resource.kind is ResourceKind.INFRASTRUCTURE_CONFIGURATION:
            files |= module.files_referring_to(resource.name)
    files.discard(file_name)
    return [pipeline for name in sorted(files) for pipeline in module.pipelines_in(name)]


def module_pipelines(module: Module, file_name: str) -> list[Resource]:
    """The image pipelines and images declared in one file of a module, translated as a
    checked file's are (their values from the module's variables)."""
    if is_override_file(file_name):
        return []
    root = module.configuration(file_name, b"aws_imagebuilder_image", frozenset({"resource"}))
    if root is None:
        return []
    translator = ConfigTranslator(lambda: module.variables, {}, [])
    return [
        Resource(kind, address, translated, translated.anchor)
        for kind, address, _, translated in _translated(root, translator, module, _PIPELINES)
    ]


def _translated(
    root: Mapping,
    translator: ConfigTranslator,
    module: Module | None,
    kinds: frozenset[ResourceKind],
) -> Iterator[tuple[ResourceKind, str, Mapping, Mapping]]:
    """Kind, address, body as written and translated body of each resource of ``kinds`` that
    ``root`` declares, is ever created, and no override file of the module changes."""
    for (type_name, name), body in declarations(root, "resource", 2):
        kind = RESOURCE_KINDS.get(type_name)
        if kind is None or kind not in kinds:
            continue
        address = f"{type_name}.{name}"
        if module is not None and address in module.overridden:
            continue  # an override file changes it in ways not followed here
        translator.json = not isinstance(body, Block)
        if translator.never_created(body):
            continue
        yield kind, address, body, translator.body(body, None, "")


def declarations(
    root: Mapping, block_type: str, label_count: int
) -> Iterator[tuple[tuple[str, ...], Mapping]]:
    """The labels and body of each top-level block of a type: in native syntax a block with
    its labels, in JSON syntax one nested object per label
    (``{"resource": {"TYPE": {"NAME": {...}}}}``; a list of objects at any level)."""
    group = root.get(block_type)
    if isinstance(group, Sequence) and group.items and isinstance(group.items[0], Block):
        for block in group.items:
            if isinstance(block, Block) and len(block.labels) == label_count:
                yield block.labels, block
        return
    yield from _json_declarations(group, (), label_count)


def _json_declarations(
    node: Node | None, labels: tuple[str, ...], label_count: int
) -> Iterator[tuple[tuple[str, ...], Mapping]]:
    for item in objects(node):
        if len(labels) == label_count:
            yield labels, item
        else:
            for key, value in item.entries.items():
                yield from _json_declarations(value, (*labels, key), label_count)


def objects(node: Node | None) -> list[Mapping]:
    """An object, or each object of a list of them (blocks are written either way)."""
    if isinstance(node, Mapping):
        return [node]
    if isinstance(node, Sequence):
        return [item for item in node.items if isinstance(item, Mapping)]
    return []


def _is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, Scalar) and node.value is None)


class Translator:
    """A resource body (native syntax, JSON syntax or a plan's values) to API members."""

    #: A plan gives an absent single block as an empty list.
    empty_list_is_unset = False

    def __init__(self, problems: list[InputProblem]) -> None:
        self.problems = problems

    def argument(self, name: str, value: Node, block: str) -> Node | None:
        """An argument's value as checked; ``None`` when it leaves the argument unset."""
        raise NotImplementedError

    def names(self, body: Mapping, markers: dict[str, Node]) -> Iterable[str]:
        return body.entries

    def mapping(self, entries: dict[str, Node], body: Mapping, unset: frozenset[str]) -> Mapping:
        return Mapping(entries, body.span, body.key_span)

    def body(self, body: Mapping, marker: Node | None, block: str) -> Mapping:
        """``block``: the Terraform name of the block (``""`` for the resource itself);
        ``marker``: the plan's ``after_unknown`` for it."""
        top_level = block == ""
        entries: dict[str, Node] = {}
        additional: dict[str, Node] = {}
        dynamic: dict[str, Node] = {}
        unset: set[str] = set()
        written: dict[str, str] = {}
        markers = marker.entries if isinstance(marker, Mapping) else {}
        source = body.entries
        places = PLACEMENTS[top_level]
        for name in self.names(body, markers):
            if name in META:
                continue
            value = source.get(name)
            if name == "dynamic":
                self._dynamic(value, top_level, entries, additional, dynamic)
                continue
            known = markers.get(name) if markers else None
            if known is None and type(value) is Scalar:  # the common case, as member() has it
                translated = None if value.value is None else self.argument(name, value, block)
            else:
                translated = self.member(name, value, known, block)
            place = places.get(name)
            if place is None:
                place = placement(name, top_level)
                if len(places) < _MAX_PLACEMENTS:  # names come from the files: a bound
                    places[name] = place
            if translated is None:
                if value is not None:
                    unset.add(place[0])  # given as null or no block
                continue
            member, how = place
            if how == PLAIN:
                entries[member] = translated
            else:
                place_member(member, how, translated, entries, additional)
            written[member] = name
        for api, unknown in dynamic.items():
            entries.setdefault(api, unknown)  # static blocks beside a dynamic one stay
        finish_members(entries, additional)
        # The names as written, by API member (the API shape rules speak the user's names).
        nested = entries.get("additionalInstanceConfiguration")
        if additional and isinstance(nested, Mapping):
            nested.source_names = {api: written.pop(api) for api in additional if api in written}
        mapping = self.mapping(entries, body, frozenset(unset))
        mapping.source_names = written
        return mapping

    def member(self, name: str, value: Node | None, marker: Node | None, block: str) -> Node | None:
        if isinstance(marker, Scalar) and marker.value is True:
            where = value if value is not None else marker
            return Unknown("known after apply", where.span, where.key_span, may_be_null=True)
        if value is None:
            return None
        if value.__class__ is Scalar:  # the common case first
            if value.value is None:
                return None  # unset, as Terraform treats null
            return self.argument(name, value, block)
        if name in MAP_ARGUMENTS:
            return self.argument(name, value, block)
        if name in LIST_BLOCKS and isinstance(value, Sequence):
            markers = marker.items if isinstance(marker, Sequence) else []
            items: list[Node] = []
            for index, item in enumerate(value.items):
                item_marker = markers[index] if index < len(markers) else None
                translated = (
                    self.body(item, item_marker, name)
                    if isinstance(item, Mapping)
                    else self.argument(name, item, block)
                )
                if translated is not None:
                    items.append(translated)
            return Sequence(items, value.span, value.key_span)
        if isinstance(value, Mapping):
            translated = self.body(value, marker, name)
            if name in LIST_BLOCKS:  # one block written as an object
                return Sequence([translated], value.span, value.key_span)
            return translated
        if isinstance(value, Sequence) and value.items:
            if all(isinstance(item, Mapping) for item in value.items):
                return self._single_block(name, value, marker)
        elif isinstance(value, Sequence) and self.empty_list_is_unset:
            return None  # an absent single block
        return self.argument(name, value, block)

    def _single_block(self, name: str, value: Sequence, marker: Node | None) -> Mapping:
        """A block that occurs at most once, given as a list of objects: Terraform rejects
        more than one; the last is checked."""
        items = value.items
        first = items[0]
        for repeated in items[1:]:
            self.problems.append(
                input_problems.duplicate_key(
                    repeated.anchor,
                    f"block '{name}'",
                    first.anchor,
                    "Terraform rejects the file, and only the last one is checked here",
                )
            )
        last = items[-1]
        assert isinstance(last, Mapping)
        markers = marker.items if isinstance(marker, Sequence) else []
        translated = self.body(
            last, markers[len(items) - 1] if len(markers) >= len(items) else None, name
        )
        if translated.key_span is None:
            translated.key_span = value.key_span
        return translated

    def _dynamic(
        self,
        value: Node | None,
        top_level: bool,
        entries: dict[str, Node],
        additional: dict[str, Node],
        dynamic: dict[str, Node],
    ) -> None:
        """A ``dynamic`` block: how many blocks it makes, and what is in them, is unknown."""
        for name, span, key_span in _dynamic_blocks(value):
            unknown = Unknown("dynamic block", span, key_span, may_be_null=True)
            if name in LIST_BLOCKS:
                dynamic.setdefault(LIST_BLOCKS[name], unknown)
            elif top_level and name in ADDITIONAL_INSTANCE_CONFIGURATION:
                additional[ADDITIONAL_INSTANCE_CONFIGURATION[name]] = unknown
            else:
                entries[member_name(name, top_level)] = unknown


def _dynamic_blocks(value: Node | None) -> Iterator[tuple[str, Span, Span | None]]:
    """The type, span and header of each dynamic block: ``dynamic "TYPE" {...}`` in native
    syntax, ``"dynamic": {"TYPE": {...}}`` in JSON syntax."""
    for item in objects(value):
        if isinstance(item, Block):
            if item.labels:
                yield item.labels[0], item.span, item.key_span
        else:
            for name, content in item.entries.items():
                yield name, content.span, content.key_span


class ConfigTranslator(Translator):
    """A configuration's arguments: expressions are unknown, ``var.NAME`` takes the module's
    literal value. ``json``: strings are templates (Terraform's JSON syntax)."""

    def __init__(
        self,
        variables: Callable[[], dict[str, VariableValue]],
        origins: dict[Span, str],
        problems: list[InputProblem],
    ) -> None:
        super().__init__(problems)
        self.variables = variables
        self.origins = origins
        self.json = False

    def argument(self, name: str, value: Node, block: str) -> Node:
        if value.__class__ is Scalar and not self.json:
            return value
        return self.expression(value)

    def expression(self, node: Node) -> Node:
        if isinstance(node, Expression):
            return self._unknown(node.text, node.template, node)
        if isinstance(node, Scalar):
            if self.json and isinstance(node.value, str):
                return self._json_string(node, node.value)
            return node
        if isinstance(node, Sequence):
            return Sequence(
                [self.expression(item) for item in node.items], node.span, node.key_span
            )
        if isinstance(node, Mapping):
            entries = {key: self.expression(value) for key, value in node.entries.items()}
            return Mapping(entries, node.span, node.key_span)
        return node

    def never_created(self, body: Mapping) -> bool:
        """``count = 0`` or ``for_each`` over an empty literal: the resource is never created."""
        count = body.get("count")
        if count is not None:
            value = self.expression(count)
            if isinstance(value, Scalar) and value.value == 0 and value.value is not False:
                return True
        for_each = body.get("for_each")
        if for_each is not None:
            value = self.expression(for_each)
            if isinstance(value, Mapping) and not value.entries:
                return True
            if isinstance(value, Sequence) and not value.items:
                return True
        return False

    def _json_string(self, node: Scalar, text: str) -> Node:
        """A string in JSON syntax is a template: ``$${`` and ``%%{`` are escapes."""
        if "${" not in text and "%{" not in text:
            return node
        unescaped = text.replace("$${", "").replace("%%{", "")
        if "${" not in unescaped and "%{" not in unescaped:
            literal = text.replace("$${", "${").replace("%%{", "%{")
            return Scalar(literal, node.span, node.key_span)
        inner = text[2:-1]
        if (
            text.startswith("${")
            and text.endswith("}")
            and "${" not in inner
            and "%{" not in inner
            and inner.count("{") == inner.count("}")
        ):
            return self._unknown(inner.strip(), False, node)  # "${x}" is x
        return self._unknown(text, True, node)

    def _unknown(self, text: str, template: bool, node: Node) -> Node:
        """An expression's value: a module variable's literal, else unknown."""
        if not template:
            match = _VARIABLE.fullmatch(text.strip())
            if match:
                known = self.variables().get(match.group(1))
                if known is not None:
                    origin = f"var.{match.group(1)} = {known.shown()}, {known.origin}"
                    self.origins[node.span] = origin
                    if _is_null(known.node) and node.key_span is not None:
                        # Findings about an unset argument point at its name.
                        self.origins[node.key_span] = origin
                    return known.placed(node.span, node.key_span)
        if not template:
            reference = ARN_REFERENCE.fullmatch(text.strip())
            if reference is not None and reference.group(1) in RESOURCE_KINDS:
                target = f"{reference.group(1)}.{reference.group(2)}"
                return Reference(text.strip()[:_SHOWN_EXPRESSION], target, node.span, node.key_span)
        if template:
            what = "template"
        elif _TRAVERSAL.fullmatch(text.strip()):
            what = text.strip()[:_SHOWN_EXPRESSION]
        else:
            what = "expression"
        return Unknown(what, node.span, node.key_span, may_be_null=not template)
