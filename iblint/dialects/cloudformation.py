"""CloudFormation templates (YAML, JSON, CDK output) to Image Builder resources.

Property names are translated to API member names at this edge (``HttpTokens`` becomes
``httpTokens``, the top-level ``Version`` becomes ``semanticVersion``; see
the CloudFormation resource reference,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-imagebuilder-imagerecipe.html,
against the Image Builder API reference). Intrinsic functions become :class:`Unknown`
nodes, except ``Fn::If``, whose two branches become a :class:`Choice` so literal branches are
still checked; ``!Ref AWS::NoValue`` in a branch means "property absent". Dynamic references
(``{{resolve:ssm:...}}``, ``{{resolve:secretsmanager:...}}``) are resolved at deployment, so a
string holding one is :class:`Unknown` too.
"""

from __future__ import annotations

import copy as copy_module
from typing import NamedTuple

from iblint.dialects import LoadContext, cloudformation_foreach
from iblint.dialects.embedded import component_documents
from iblint.model import (
    Choice,
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

RESOURCE_KINDS = {
    "AWS::ImageBuilder::ImageRecipe": ResourceKind.IMAGE_RECIPE,
    "AWS::ImageBuilder::ContainerRecipe": ResourceKind.CONTAINER_RECIPE,
    "AWS::ImageBuilder::InfrastructureConfiguration": ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    "AWS::ImageBuilder::Component": ResourceKind.COMPONENT,
    "AWS::ImageBuilder::ImagePipeline": ResourceKind.IMAGE_PIPELINE,
    "AWS::ImageBuilder::Image": ResourceKind.IMAGE_PIPELINE,
}

#: Properties whose values are free-form maps: their keys are user data, never renamed.
_FREE_FORM_MAPS = frozenset({"Tags", "AmiTags", "ResourceTags"})
#: Top-level properties whose API name is not the lower-camel-case of the CloudFormation name.
_RENAMED = {"Version": "semanticVersion"}
#: What marks a dynamic reference inside a string value.
_DYNAMIC_REFERENCE = "{{resolve:"


def claims(root: Node) -> bool:
    """Whether ``root`` is a CloudFormation template that declares an Image Builder resource."""
    resources = _resources_section(root)
    return resources is not None and any(
        _resource_type(declaration) in RESOURCE_KINDS for declaration in resources.entries.values()
    )


def _resources_section(root: Node) -> Mapping | None:
    """The template's resources, its ``Fn::ForEach`` loops expanded where they can be."""
    if not isinstance(root, Mapping):
        return None
    resources = root.get("Resources")
    if not isinstance(resources, Mapping):
        return None
    if cloudformation_foreach.has_loops(resources):
        resources, _ = cloudformation_foreach.expand(resources)
    return resources


def _resource_type(declaration: Node) -> str | None:
    if isinstance(declaration, Mapping):
        type_node = declaration.get("Type")
        if isinstance(type_node, Scalar) and isinstance(type_node.value, str):
            return type_node.value
    return None


class _Text(NamedTuple):
    """What the template's text allows: nodes shared through YAML aliases (a ``*`` that
    repeats an ``&`` anchor: without an anchor, a ``*`` is text, as in ``cron(0 4 ? * MON *)``),
    and ``Fn::ForEach`` loops. Where the text has neither, translation skips looking for them."""

    shared: bool = True
    loops: bool = True


_ANY_TEXT = _Text()


def template_resources(root: Mapping, text: _Text = _ANY_TEXT) -> list[Resource]:
    """The Image Builder resources of a template, bodies keyed by API member names."""
    resources = _resources_section(root)
    if resources is None:
        return []
    written = root.entries["Resources"]
    assert isinstance(written, Mapping)
    found: list[Resource] = []
    for logical_id, declaration in resources.entries.items():
        kind = RESOURCE_KINDS.get(_resource_type(declaration) or "")
        if kind is None:
            continue
        assert isinstance(declaration, Mapping)
        # A resource an Fn::ForEach loop makes shares its lines with the loop's other copies:
        # its findings name it.
        from_loop = logical_id not in written.entries
        for body in _bodies(declaration, text):
            metadata = declaration.get("Metadata")  # iblint suppressions (README)
            found.append(
                Resource(
                    kind,
                    logical_id,
                    body,
                    declaration.anchor,
                    from_loop,
                    metadata,
                    "cloudformation",
                )
            )
    return found


def _bodies(declaration: Mapping, text: _Text) -> list[Mapping]:
    """The property sets a declaration may deploy with: one, or one per literal branch of an
    ``Fn::If`` around the whole ``Properties``; none when an intrinsic computes them."""
    properties = declaration.get("Properties")
    if properties is None:
        return [Mapping({}, declaration.span, declaration.key_span)]
    if _is_absent(properties):  # null or AWS::NoValue: no properties, said at the key
        return [Mapping({}, properties.span, properties.key_span)]
    if not isinstance(properties, Mapping):
        return []
    if text.loops and cloudformation_foreach.has_loops(properties):
        properties, complete = cloudformation_foreach.expand(properties)
        if not complete:
            return []  # properties a loop makes from a computed list: nothing can be known
    intrinsic = _intrinsic_name(properties)
    if intrinsic is None:
        return [_translate_properties(properties, text)]
    if intrinsic != "Fn::If":
        return []  # Properties computed by an intrinsic: nothing can be known.
    arguments = properties.entries["Fn::If"]
    if not isinstance(arguments, Sequence) or len(arguments.items) != 3:
        return []
    bodies = []
    for branch in arguments.items[1:]:
        if _is_absent(branch):
            bodies.append(Mapping({}, properties.span, properties.key_span))
        elif isinstance(branch, Mapping) and _intrinsic_name(branch) is None:
            body = _translate_properties(branch, text)
            # A branch stands where Properties stands: findings about it point at that key.
            body.key_span = properties.key_span
            bodies.append(body)
    return bodies


def _is_absent(node: Node | None) -> bool:
    """Whether a property value leaves the property out: missing, null or ``AWS::NoValue``."""
    return node is None or (isinstance(node, Scalar) and node.value is None) or _is_no_value(node)


def _translate_properties(properties: Mapping, text: _Text) -> Mapping:
    translator = _Translator(text)
    entries: dict[str, Node] = {}
    written: dict[str, str] = {}  # the property names as written (API shape rules)
    plain = not text.shared
    for name, value in properties.entries.items():
        api_name = _RENAMED.get(name) or _api_name(name)
        if plain and value.__class__ is Scalar:
            entries[api_name] = _leaf(value)  # what translate() gives a leaf
        else:
            entries[api_name] = translator.translate(value, free_form=name in _FREE_FORM_MAPS)
        written[api_name] = name
    return Mapping(entries, properties.span, properties.key_span, written)


def _removed(node: Node) -> Choice:
    """A property ``!Ref AWS::NoValue`` removes: absent, anchored on its key."""
    return Choice([None], node.span, node.key_span)


def _api_name(name: str) -> str:
    """The API member name of a CloudFormation property name: its first letter in lower
    case (the exceptions are in ``_RENAMED``)."""
    return name[:1].lower() + name[1:]


def _intrinsic_name(node: Mapping) -> str | None:
    if len(node.entries) != 1:
        return None
    (key,) = node.entries
    if key == "Ref" or key == "Condition" or key.startswith("Fn::"):
        return key
    return None


class _Translator:
    """CloudFormation property values to API-shaped nodes. A node the syntax layer shares
    (a YAML alias repeated inside another alias) is translated once, so nested ``Fn::If``
    through aliases costs what the text costs."""

    def __init__(self, text: _Text) -> None:
        #: By (id, free_form): the node translated, and the node itself, kept so that its id
        #: is not reused by another (a copy an Fn::ForEach loop makes lives only so long).
        self.done: dict[tuple[int, bool], tuple[Node, Node]] = {}
        self.loops = text.loops
        self.shared = text.shared

    def translate(self, node: Node, free_form: bool = False) -> Node:
        if not self.shared:  # no node can be shared: translate each one as it comes
            return self._translate(node, free_form)
        key = (id(node), free_form)
        done = self.done.get(key)
        if done is None:
            done = self.done[key] = (self._translate(node, free_form), node)
        return done[0]

    def _translate(self, node: Node, free_form: bool) -> Node:
        if node.__class__ is not Mapping and not isinstance(node, Mapping):
            if isinstance(node, Sequence):
                return Sequence(self._items(node.items, free_form), node.span, node.key_span)
            return _leaf(node)
        if len(node.entries) == 1 and _is_no_value(node):
            return _removed(node)
        if self.loops and cloudformation_foreach.has_loops(node):
            node, complete = cloudformation_foreach.expand(node)
            if not complete:
                return Unknown("Fn::ForEach", node.span, node.key_span)
        if len(node.entries) == 1:
            intrinsic = _intrinsic_name(node)
            if intrinsic == "Fn::If":
                return self._choice(node, free_form)
            if intrinsic is not None:
                return _intrinsic(intrinsic, node)
        if free_form:
            entries = {key: self._child(value, True) for key, value in node.entries.items()}
            return Mapping(entries, node.span, node.key_span)
        entries = {}
        written: dict[str, str] = {}  # the property names as written (API shape rules)
        shared = self.shared
        for key, value in node.entries.items():
            api_name = _api_name(key)
            if shared:
                entries[api_name] = self.translate(value, False)
            elif value.__class__ is Scalar:  # a leaf: what _translate gives, without the call
                text = value.value
                if isinstance(text, str) and _DYNAMIC_REFERENCE in text:
                    value = _leaf(value)
                entries[api_name] = value
            else:
                entries[api_name] = self._translate(value, False)
            written[api_name] = key
        return Mapping(entries, node.span, node.key_span, written)

    def _child(self, node: Node, free_form: bool) -> Node:
        return self.translate(node, free_form) if self.shared else self._translate(node, free_form)

    def _items(self, items: list[Node], free_form: bool) -> list[Node]:
        """A list's items translated, those ``AWS::NoValue`` removes left out."""
        translated: list[Node] = []
        shared = self.shared
        for item in items:
            if shared:
                if not _is_no_value(item):
                    translated.append(self.translate(item, free_form))
            elif item.__class__ is Scalar:
                text = item.value
                if isinstance(text, str) and _DYNAMIC_REFERENCE in text:
                    item = _leaf(item)
                translated.append(item)
            elif not _is_no_value(item):
                translated.append(self._translate(item, free_form))
        return translated

    def _choice(self, node: Mapping, free_form: bool) -> Node:
        arguments = node.entries["Fn::If"]
        if not isinstance(arguments, Sequence) or len(arguments.items) != 3:
            return Unknown("Fn::If", node.span, node.key_span)
        branches: list[Node | None] = []
        for branch in arguments.items[1:]:
            if _is_no_value(branch):
                branches.append(None)
            else:
                translated = self.translate(branch, free_form)
                if translated.key_span != node.key_span:
                    # A branch stands where the Fn::If stands: findings about it point at
                    # that key (a copy, since the node may be shared).
                    translated = _with_key_span(translated, node.key_span)
                branches.append(translated)
        return Choice(branches, node.span, node.key_span)


def _leaf(node: Node) -> Node:
    """A value that is neither a mapping nor a list: itself, or unknown if it holds a dynamic
    reference."""
    if (
        isinstance(node, Scalar)
        and isinstance(node.value, str)
        and _DYNAMIC_REFERENCE in node.value
    ):
        return Unknown("dynamic reference", node.span, node.key_span)
    return node


def _intrinsic(name: str, node: Mapping) -> Unknown:
    """An intrinsic's unknown value; ``!Ref X`` and ``!GetAtt X.Arn`` name the resource whose
    ARN they read (``Ref`` of an Image Builder resource returns its ARN: CloudFormation
    resource reference, "Return values")."""
    argument = node.entries[name]
    target: str | None = None
    if name == "Ref" and isinstance(argument, Scalar) and isinstance(argument.value, str):
        if not argument.value.startswith("AWS::"):
            target = argument.value
    elif name == "Fn::GetAtt":
        parts: list[object] = []
        if isinstance(argument, Scalar) and isinstance(argument.value, str):
            parts = list(argument.value.split(".", 1))
        elif isinstance(argument, Sequence):
            parts = [item.value if isinstance(item, Scalar) else None for item in argument.items]
        if len(parts) == 2 and isinstance(parts[0], str) and parts[1] == "Arn":
            target = parts[0]
    if target is not None:
        return Reference(name, target, node.span, node.key_span)
    return Unknown(name, node.span, node.key_span)


def _with_key_span(node: Node, key_span: Span | None) -> Node:
    copy = copy_module.copy(node)
    copy.key_span = key_span
    return copy


def _is_no_value(node: Node) -> bool:
    if isinstance(node, Mapping) and len(node.entries) == 1:
        ref = node.get("Ref")
        return isinstance(ref, Scalar) and ref.value == "AWS::NoValue"
    return False


def resources(document: Node, context: LoadContext) -> list[Resource]:
    assert isinstance(document, Mapping)
    source = context.text
    shared = "*" in source and "&" in source
    text = _Text(shared, "Fn::ForEach::" in source) if source else _ANY_TEXT
    found = template_resources(document, text)
    return found + component_documents(found, context)  # the components' AWSTOE documents
