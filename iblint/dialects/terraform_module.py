"""What a Terraform module says beside the checked file: its variables' literal values, and the
resources its override files change.

A variable's value is its ``default`` (in a ``.tf`` or ``.tf.json`` file; override files come
last and win), then ``terraform.tfvars``, ``terraform.tfvars.json`` and ``*.auto.tfvars`` /
``*.auto.tfvars.json`` in lexical order, each overriding the one before, as Terraform loads them
(https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
A ``null`` from a variable definitions file replaces the default unless the variable says
``nullable = false``
(https://developer.hashicorp.com/terraform/language/values/variables#disallowing-null-input-values).

Each module is read at most once per run, through the run's cache. Only regular files are read,
each up to a size bound; one that cannot be read or parsed adds nothing (its own check reports
it when it is a file iblint checks).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from iblint.model import Mapping, Node, Scalar, Sequence, Span, Unknown
from iblint.syntax.limits import MAX_FILE_BYTES
from iblint.text_safety import shown

if TYPE_CHECKING:
    from iblint.dialects import RunCache
    from iblint.model import Resource

_CACHE_OWNER = "terraform"
_INFRASTRUCTURE_TYPE = b"aws_imagebuilder_infrastructure_configuration"
#: A reference to an infrastructure configuration's attribute (a declaration has a quote after
#: the type, never a dot).
_INFRASTRUCTURE_REFERENCE = re.compile(
    rb"aws_imagebuilder_infrastructure_configuration\s*\.\s*([A-Za-z_][A-Za-z0-9_-]*)"
)
_JSON_BOM = "\ufeff"


class VariableValue(NamedTuple):
    """A variable's literal value and where it was set (for messages)."""

    node: Node
    origin: str

    def shown(self) -> str:
        """The value as a message quotes it."""
        node = self.node
        if isinstance(node, Scalar):
            if isinstance(node.value, str):
                return shown(node.value)  # bounded: one long default may be used 2,000 times
            if node.value is None or isinstance(node.value, bool):
                return str(node.value).lower() if node.value is not None else "null"
            try:
                return shown(str(node.value))
            except ValueError:  # an integer past Python's 4,300-digit limit for str()
                return "a very large number"
        return "a literal " + ("list" if isinstance(node, Sequence) else "object")

    def placed(self, span: Span, key_span: Span | None) -> Node:
        """The value, placed where a reference to the variable is (findings point there)."""
        return _relocated(self.node, span, key_span)


def _relocated(node: Node, span: Span, key_span: Span | None) -> Node:
    if isinstance(node, Scalar):
        return Scalar(node.value, span, key_span)
    if isinstance(node, Sequence):
        return Sequence([_relocated(item, span, None) for item in node.items], span, key_span)
    if isinstance(node, Mapping):
        return Mapping(
            {key: _relocated(value, span, span) for key, value in node.entries.items()},
            span,
            key_span,
        )
    return Unknown("expression", span, key_span, may_be_null=True)


def is_override_file(name: str) -> bool:
    """Terraform's override files (``override.tf``, ``*_override.tf``, and their JSON)."""
    return name in ("override.tf", "override.tf.json") or name.endswith(
        ("_override.tf", "_override.tf.json")
    )


def module_of(path: Path, cache: RunCache) -> Module:
    """The module (directory) of a checked file, read once per run."""
    directory = str(path.parent)
    return cache.get_or_make(_CACHE_OWNER, directory, lambda: Module(directory))


class Module:
    """One directory's Terraform files; each part is read when first asked for."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._names: list[str] | None = None
        self._variables: dict[str, VariableValue] | None = None
        self._overridden: frozenset[str] | None = None
        self._pipelines: dict[str, list[Resource]] = {}
        self._mentions: dict[str, set[str]] | None = None

    @property
    def names(self) -> list[str]:
        if self._names is None:
            try:
                self._names = sorted(os.listdir(self.directory))
            except OSError:
                self._names = []
        return self._names

    @property
    def variables(self) -> dict[str, VariableValue]:
        """Literal values of the module's variables, by name."""
        if self._variables is None:
            self._variables = self._read_variables()
        return self._variables

    @property
    def overridden(self) -> frozenset[str]:
        """The addresses (``type.name``) of the resources that override files change."""
        if self._overridden is None:
            addresses: set[str] = set()
            for name in self.names:
                if is_override_file(name):
                    root = self.configuration(name, b"resource", frozenset({"resource"}))
                    addresses.update(".".join(labels) for labels, _ in _blocks(root, "resource"))
            self._overridden = frozenset(addresses)
        return self._overridden

    def files_referring_to(self, address: str) -> set[str]:
        """The configuration files of the module whose text refers to the infrastructure
        configuration ``address`` (``aws_imagebuilder_infrastructure_configuration.NAME``);
        every file is scanned once, without being parsed."""
        if self._mentions is None:
            mentions: dict[str, set[str]] = {}
            for name in self.names:
                if not name.endswith((".tf", ".tf.json")) or is_override_file(name):
                    continue
                data = _read(os.path.join(self.directory, name))
                if data is None or _INFRASTRUCTURE_TYPE not in data:
                    continue
                for match in _INFRASTRUCTURE_REFERENCE.finditer(data):
                    referred = (
                        f"aws_imagebuilder_infrastructure_configuration.{match.group(1).decode()}"
                    )
                    mentions.setdefault(referred, set()).add(name)
            self._mentions = mentions
        return self._mentions.get(address, set())

    def pipelines_in(self, name: str) -> list[Resource]:
        """The image pipelines and images declared in the module's file ``name``, read once
        (:func:`iblint.dialects.terraform.module_pipelines`)."""
        found = self._pipelines.get(name)
        if found is None:
            from iblint.dialects.terraform import module_pipelines

            found = self._pipelines[name] = module_pipelines(self, name)
        return found

    def _read_variables(self) -> dict[str, VariableValue]:
        defaults: dict[str, VariableValue] = {}
        not_nullable: set[str] = set()
        configuration = [name for name in self.names if name.endswith((".tf", ".tf.json"))]
        # Override files come last and win, as in Terraform.
        configuration.sort(key=is_override_file)
        for name in configuration:
            root = self.configuration(name, b"variable", frozenset({"variable"}))
            for labels, body in _blocks(root, "variable"):
                (variable,) = labels
                default = body.get("default")
                if default is not None and _is_literal(default, name.endswith(".json")):
                    line = default.span.start_line
                    origin = f"the variable's default at {name}:{line}"
                    defaults[variable] = VariableValue(default, origin)
                nullable = body.get("nullable")
                if isinstance(nullable, Scalar) and nullable.value is False:
                    not_nullable.add(variable)
                elif isinstance(nullable, Scalar) and nullable.value is True:
                    not_nullable.discard(variable)
        values = dict(defaults)
        for name in self._definition_files():
            for variable, node in self._definitions(name):
                if isinstance(node, Scalar) and node.value is None and variable in not_nullable:
                    # Terraform keeps the default of a `nullable = false` variable.
                    if variable in defaults:
                        values[variable] = defaults[variable]
                    else:
                        values.pop(variable, None)
                    continue
                values[variable] = VariableValue(node, f"set in {name}:{node.span.start_line}")
        return values

    def _definition_files(self) -> list[str]:
        """Variable definitions files in the order Terraform loads them."""
        names = self.names
        ordered: list[str] = [
            name for name in ("terraform.tfvars", "terraform.tfvars.json") if name in names
        ]
        ordered += [name for name in names if name.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        return ordered

    def _definitions(self, name: str) -> Iterator[tuple[str, Node]]:
        json = name.endswith(".json")
        root = self._json(name) if json else self._hcl(name, b"", frozenset())
        for variable, node in root.entries.items() if root is not None else ():
            if _is_literal(node, json):
                yield variable, node

    def configuration(
        self, name: str, needle: bytes, block_types: frozenset[str]
    ) -> Mapping | None:
        """The parsed configuration file ``name`` of the module, if it holds ``needle``, reads
        and parses without a problem; ``block_types``: the top-level blocks it needs."""
        if name.endswith(".json"):
            return self._json(name, needle)
        return self._hcl(name, needle, block_types)

    def _hcl(self, name: str, needle: bytes, block_types: frozenset[str]) -> Mapping | None:
        from iblint.syntax.hcl_tree import parse_hcl

        data = _read(os.path.join(self.directory, name))
        if data is None or needle not in data:
            return None
        root, problems = parse_hcl(data, block_types)
        # Values from a broken file could be anything.
        return None if problems else root

    def _json(self, name: str, needle: bytes = b"") -> Mapping | None:
        from iblint.syntax.json_tree import parse_json

        data = _read(os.path.join(self.directory, name))
        if data is None or needle not in data:
            return None
        root, problems = parse_json(data.decode("utf-8", "replace").removeprefix(_JSON_BOM))
        return root if isinstance(root, Mapping) and not problems else None


def _read(path: str) -> bytes | None:
    """The bytes of a regular file of at most the size limit, else ``None``; never waits on a
    FIFO or reads a device."""
    from iblint.reading import read_file

    data = read_file(path, MAX_FILE_BYTES)
    return data if isinstance(data, bytes) else None


def _blocks(root: Mapping | None, block_type: str) -> Iterator[tuple[tuple[str, ...], Mapping]]:
    """The labels and body of each top-level block of a type, in native or JSON syntax."""
    from iblint.dialects.terraform import declarations

    if root is not None:
        yield from declarations(root, block_type, 1 if block_type == "variable" else 2)


def _is_literal(node: Node, json: bool) -> bool:
    """A value known without evaluating anything (in JSON syntax, a string holding ``${`` or
    ``%{`` is a template)."""
    if isinstance(node, Scalar):
        value = node.value
        return not (json and isinstance(value, str) and ("${" in value or "%{" in value))
    if isinstance(node, Sequence):
        return all(_is_literal(item, json) for item in node.items)
    if isinstance(node, Mapping):
        return all(_is_literal(value, json) for value in node.entries.values())
    return False
