"""Component documents written inside another document: the ``Data`` of an
``AWS::ImageBuilder::Component``, CreateComponent's and GetComponent's ``data``, the ``data`` of
a Terraform ``aws_imagebuilder_component`` (in a configuration, or resolved in a plan).

The embedded text is parsed by the syntax layer (:func:`iblint.syntax.yaml_tree.parse_yaml`) as
a document of its own, and every position is then mapped back to the outer file, so a finding
points at the character a reader sees:

- a YAML literal block (``Data: |``) or a Terraform heredoc: each line of the text is a line of
  the file, shifted by the block's indentation;
- a quoted string on one line (JSON, YAML, HCL) with escapes such as ``\\n``: the exact character
  inside the string, through a map from the decoded text to the source columns;
- Terraform ``yamlencode({...})`` or ``jsonencode({...})`` of a literal object: the object's own
  nodes, whose positions the HCL parser already gives.

A text that cannot be known exactly (``!Sub``, ``Fn::Join``, a Terraform template or variable,
a folded or multi-line quoted scalar, a value repeated through a YAML alias) is not checked:
the map is used only when the text rebuilt from the source equals the value, character for
character. The document becomes a :data:`~iblint.model.ResourceKind.COMPONENT_DOCUMENT`
resource named as its component, so the component's suppressions cover it; problems of the
embedded text (invalid YAML, a duplicate key) are reported at their place in the outer file.

``file("...")`` in Terraform names a document that is checked as a file of its own, under its
own path (:mod:`iblint.dialects.component_files`); it is not read here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iblint import problems as input_problems
from iblint.dialects.embedded_places import SpanMap, moved_problem, placed_copy, string_map
from iblint.model import (
    InputProblem,
    Mapping,
    Node,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Span,
    Unknown,
    alternatives,
)
from iblint.syntax.limits import MAX_YAML_SEPARATORS, utf8_size_over, yaml_separators

if TYPE_CHECKING:
    from iblint.dialects import LoadContext
    from iblint.syntax.hcl_tree import Expression

_ENCODERS = ("yamlencode", "jsonencode")


def component_documents(found: list[Resource], context: LoadContext) -> list[Resource]:
    """The inline documents of the components among ``found`` (CloudFormation, API documents
    and Terraform plans: ``data`` is a string of the file)."""
    documents: list[Resource] = []
    for resource in found:
        if resource.kind is not ResourceKind.COMPONENT:
            continue
        for node in alternatives(resource.body.get("data")):
            if isinstance(node, Scalar) and isinstance(node.value, str):
                document = _from_string(node, resource, context, hcl=False)
                if document is not None:
                    documents.append(document)
    return documents


def terraform_documents(
    written: Node | None, resource: Resource, context: LoadContext, hcl: bool
) -> list[Resource]:
    """The inline document of a Terraform ``aws_imagebuilder_component``: ``written`` is its
    ``data`` argument as the syntax layer gave it, ``resource`` the translated component;
    ``hcl``: native syntax (not ``.tf.json``)."""
    data = resource.body.get("data")
    if isinstance(data, Scalar) and isinstance(data.value, str):
        document = _from_string(data, resource, context, hcl=hcl)
        return [document] if document is not None else []
    from iblint.syntax.hcl_tree import Expression

    if hcl and isinstance(written, Expression):
        document = _from_encoder(written, resource, context)
        return [document] if document is not None else []
    return []


def _from_string(
    node: Scalar, resource: Resource, context: LoadContext, hcl: bool
) -> Resource | None:
    assert isinstance(node.value, str)
    if not context.text:
        return None  # no text to place it in: not checked
    # A plan, read up to 64 MiB, may hold a document of tens of megabytes.
    size = utf8_size_over(node.value, context.limits.yaml)
    if size:
        problem = input_problems.embedded_too_large(node.span, size, context.limits.yaml)
        context.problems.append(_named(problem, resource))
        return None
    if context.embedded_separators > MAX_YAML_SEPARATORS:
        return None  # past the file's share: said once, at the first document not checked
    separators = context.embedded_separators + yaml_separators(node.value)
    context.embedded_separators = separators
    if separators > MAX_YAML_SEPARATORS:
        problem = input_problems.embedded_too_many(node.span, MAX_YAML_SEPARATORS)
        context.problems.append(_named(problem, resource))
        return None
    span_map = string_map(node, node.value, context.lines, hcl)
    if span_map is None:
        return None  # the text cannot be placed exactly in the file: not checked
    return _parsed(node.value, span_map, node, resource, context)


def _parsed(
    text: str, span_map: SpanMap, holder: Node, resource: Resource, context: LoadContext
) -> Resource | None:
    parsed = context.embedded_parses.get(text)
    if parsed is None:
        from iblint.syntax.yaml_tree import parse_yaml

        parsed = context.embedded_parses[text] = parse_yaml(text)
    documents, problems = parsed
    for problem in problems:
        context.problems.append(_named(moved_problem(problem, span_map), resource))
    root: Node | None = documents[0] if documents else None
    body: Mapping
    if isinstance(root, Mapping):
        placed = placed_copy(root, span_map)
        assert isinstance(placed, Mapping)
        body = placed
    elif root is not None:
        body = Mapping({}, span_map(root.span), holder.key_span)
    elif problems:
        return None  # not YAML (reported above): nothing in it can be checked
    else:  # nothing but blanks or comments
        body = Mapping({}, holder.span, holder.key_span)
    return _document_of(resource, body)


def _named(problem: InputProblem, component: Resource) -> InputProblem:
    """A problem of a component's document, named by the component where the place alone
    does not say which it is (a plan holds every resource on one line), as the engine names
    the resource in its findings."""
    if not component.named_in_messages:
        return problem
    return problem._replace(message=f"{component.name}: {problem.message}")


def _document_of(component: Resource, body: Mapping) -> Resource:
    """The embedded document's resource: named as its component, so that the component's
    suppressions cover it."""
    return Resource(
        ResourceKind.COMPONENT_DOCUMENT,
        component.name,
        body,
        body.anchor,
        component.named_in_messages,
        component.metadata,
    )


def _from_encoder(written: Expression, resource: Resource, context: LoadContext) -> Resource | None:
    """``yamlencode(<object>)`` or ``jsonencode(<object>)`` of a literal: the object as the
    document, each value that is an expression unknown."""
    source = written.text
    name, parenthesis, _ = source.partition("(")
    if name.strip() not in _ENCODERS or not parenthesis or not source.rstrip().endswith(")"):
        return None
    open_at = source.index("(")
    close_at = source.rstrip().rindex(")")
    argument = source[open_at + 1 : close_at]
    # Where the argument starts in the file.
    before = source[: open_at + 1]
    line = written.span.start_line + before.count("\n")
    column = (
        written.span.start_col + len(before)
        if "\n" not in before
        else len(before) - before.rindex("\n")
    )
    from iblint.syntax.hcl_tree import parse_hcl

    prefix = "x = "
    root, problems = parse_hcl((prefix + argument).encode("utf-8", "surrogatepass"))
    if root is None or problems:
        return None
    value = root.get("x")
    if not isinstance(value, Mapping):
        return None

    def moved(span: Span) -> Span:
        def point(row: int, col: int) -> tuple[int, int]:
            if row == 1:
                return line, column + col - 1 - len(prefix)
            return line + row - 1, col

        start = point(span.start_line, span.start_col)
        end = point(span.end_line, span.end_col)
        return Span(start[0], start[1], end[0], end[1])

    document = placed_copy(_literal(value), moved)
    assert isinstance(document, Mapping)
    return _document_of(resource, document)


def _literal(node: Node) -> Node:
    """An HCL value as a document node: an expression (a reference, a template, a function
    call) is unknown."""
    if isinstance(node, Mapping):
        return Mapping(
            {key: _literal(value) for key, value in node.entries.items()}, node.span, node.key_span
        )
    if isinstance(node, Sequence):
        return Sequence([_literal(item) for item in node.items], node.span, node.key_span)
    if isinstance(node, Scalar):
        return node
    return Unknown("Terraform expression", node.span, node.key_span, may_be_null=True)
