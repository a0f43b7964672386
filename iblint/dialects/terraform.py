"""INTERIM (being replaced): Terraform ``.tf`` and ``.tf.json`` through the old loaders."""

from __future__ import annotations

from iblint.dialects import LoadContext
from iblint.model import Mapping, Node, Resource
from iblint.syntax.hcl_tree import HclSource


def claims(document: Node) -> bool:
    return isinstance(document, HclSource) or (
        isinstance(document, Mapping) and "resource" in document.entries
    )


def resources(document: Node, context: LoadContext) -> list[Resource]:
    from iblint.dialects.terraform_hcl import is_override_file, module_variables, parse_terraform

    if isinstance(document, HclSource):
        parsed = parse_terraform(document.data, context.path)
        context.problems.extend(parsed.problems)
        context.origins.update(parsed.origins)
        return parsed.resources
    from iblint.dialects.terraform_json import json_resources

    path = context.path
    if path is not None and is_override_file(path.name):
        return []
    variables = module_variables(path.parent) if path is not None else {}
    return json_resources(document, variables, context.origins)
