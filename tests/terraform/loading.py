"""Runs the Terraform readers the way the pipeline does, for tests that look at the nodes."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from iblint.dialects import LoadContext, RunCache
from iblint.dialects import terraform as terraform_dialect
from iblint.model import InputProblem, Node, Resource, Span
from iblint.syntax.hcl_tree import parse_hcl
from iblint.syntax.json_tree import parse_json


class Loaded(NamedTuple):
    resources: list[Resource]
    problems: list[InputProblem]
    #: Span of a ``var.NAME`` reference to where its literal value came from.
    origins: dict[Span, str]


def load_tf(source: bytes, path: Path | None = None, cache: RunCache | None = None) -> Loaded:
    """A ``.tf`` file's resources, problems and origins; ``path`` places it in its module."""
    root, problems = parse_hcl(source)
    return _translate(root, problems, path, cache)


def load_tf_json(text: str, path: Path | None = None, cache: RunCache | None = None) -> Loaded:
    root, problems = parse_json(text)
    return _translate(root, problems, path, cache)


def _translate(
    root: Node | None, problems: list[InputProblem], path: Path | None, cache: RunCache | None
) -> Loaded:
    context = LoadContext(path, cache)
    resources: list[Resource] = []
    if root is not None and terraform_dialect.claims(root):
        resources = terraform_dialect.resources(root, context)
    return Loaded(resources, [*problems, *context.problems], context.origins)
