"""AWSTOE component documents written as files of their own: the YAML that a component's
``uri`` points at in S3, or that Terraform reads with ``file("...")``
(https://docs.aws.amazon.com/imagebuilder/latest/userguide/toe-use-documents.html).

A document is recognised by its content: a mapping with a ``phases`` member and either
``schemaVersion`` or phases that hold ``steps``. Its keys are AWSTOE's own names and stay as
written; the whole document is the body of one
:data:`~iblint.model.ResourceKind.COMPONENT_DOCUMENT` resource. Documents embedded in a
template, a request or a Terraform resource are read by :mod:`iblint.dialects.embedded`.
"""

from __future__ import annotations

from iblint.model import Mapping, Node, Resource, ResourceKind, Sequence

#: The name of a standalone document's resource: the first part of its findings' logical paths.
NAME = "component document"


def claims(root: Node) -> bool:
    if not isinstance(root, Mapping):
        return False
    phases = root.entries.get("phases")
    if phases is None:
        return False
    if "schemaVersion" in root.entries:
        return True
    return isinstance(phases, Sequence) and any(
        isinstance(phase, Mapping) and "steps" in phase.entries for phase in phases.items
    )


def resources(document: Node, context: object) -> list[Resource]:
    assert isinstance(document, Mapping)
    return [Resource(ResourceKind.COMPONENT_DOCUMENT, NAME, document, document.anchor)]
