"""Reading policy files: YAML with the keys of :mod:`iblint.policies`, validated by hand (no
pydantic on the check path), every error with its file and line."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from iblint.errors import PolicyError
from iblint.model import Severity
from iblint.policies import EXAMPLE_FILE_NAMES, KINDS, POLICY_ID, Policy, PolicyExample
from iblint.text_safety import clipped, escaped, shown

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: A policy file larger than this is refused unread.
MAX_POLICY_BYTES = 1024 * 1024
#: The most policy files one run reads from the directories it is given.
MAX_POLICY_FILES = 10_000
SUFFIXES = (".yaml", ".yml")

_REQUIRED = ("id", "name", "summary", "resources", "message", "expression")
_OPTIONAL = ("severity", "at", "each", "examples")
_KEYS = _REQUIRED + _OPTIONAL
_EXAMPLE_KEYS = ("format", "content", "findings", "description")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_POSITION = re.compile(r"[1-9][0-9]{0,8}:[1-9][0-9]{0,8}")


def policy_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Each file given, and each ``*.yaml``/``*.yml`` file under each directory given (sorted,
    hidden directories skipped)."""
    seen: set[Path] = set()
    count = 0
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            raise PolicyError(
                f"{_display(path)}: cannot read the policies: {error.strerror or error}"
            ) from None
        if stat.S_ISDIR(mode):
            found = sorted(_walk(path))
            if not found:
                raise PolicyError(f"{_display(path)}: no policy files (*.yaml, *.yml) in it")
        else:
            found = [path]
        for file in found:
            key = Path(os.path.abspath(file))
            if key in seen:
                continue
            seen.add(key)
            count += 1
            if count > MAX_POLICY_FILES:
                raise PolicyError(f"{_display(path)}: more than {MAX_POLICY_FILES} policy files")
            yield file


def _walk(directory: Path) -> Iterator[Path]:
    pending = [directory]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            raise PolicyError(
                f"{_display(current)}: cannot read the directory: {error.strerror or error}"
            ) from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.name.lower().endswith(SUFFIXES) and entry.is_file():
                yield Path(entry.path)


def _display(path: Path) -> str:
    """``path`` as messages show it: relative to the working directory when it is under it
    (a configuration's policies are given relative to the configuration file)."""
    text = str(path)
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except ValueError:  # another drive
            relative = text
        if not relative.startswith(".."):
            text = relative
    return escaped(text)


def read_policy(path: Path) -> Policy:
    """The policy in ``path``, compiled; :class:`PolicyError` says what is wrong, and where."""
    display = _display(path)
    text = _read(path, display)
    try:
        document = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{display}:{mark.line + 1}" if mark is not None else display
        problem = getattr(error, "problem", None) or str(error)
        raise PolicyError(
            f"{where}: not valid YAML: {escaped(clipped(str(problem), 200))}"
        ) from None
    except RecursionError:
        raise PolicyError(f"{display}: nested too deep to be a policy") from None
    if not isinstance(document, yaml.MappingNode):
        raise PolicyError(f"{display}:1: a policy file is a mapping of id, name, expression ...")
    return _Reader(display, path).policy(document)


def _read(path: Path, display: str) -> str:
    from iblint.problems import InputProblemKind
    from iblint.reading import read_file

    data = read_file(path, MAX_POLICY_BYTES, always_report=True)
    if not isinstance(data, bytes):
        if data is None or data.kind == InputProblemKind.TOO_LARGE:
            raise PolicyError(f"{display}: larger than {MAX_POLICY_BYTES // 1024} KiB, not read")
        raise PolicyError(f"{display}: {data.message}")
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise PolicyError(f"{display}: not UTF-8 text (at byte {error.start})") from None


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Reader:
    """Validates one policy document, naming the line of each problem."""

    def __init__(self, display: str, path: Path) -> None:
        self.display = display
        self.path = path

    def error(self, node: yaml.Node, message: str) -> PolicyError:
        return PolicyError(f"{self.display}:{_line(node)}: {message}")

    def mapping(self, node: yaml.Node, what: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping")
        entries: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in keys:
                known = ", ".join(keys)
                raise self.error(
                    key,
                    f"unknown key {shown(str(name)) if name else 'here'} in {what}; known: {known}",
                )
            if name in entries:
                raise self.error(key, f"{what} repeats the key {name}")
            entries[name] = value
        return entries

    def text(self, node: yaml.Node, key: str, multiline: bool = True) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.error(node, f"{key} must be text")
        value = str(node.value)
        if not value.strip():
            raise self.error(node, f"{key} is empty")
        if not multiline and "\n" in value.strip():
            raise self.error(node, f"{key} must be one line")
        return value

    def policy(self, document: yaml.MappingNode) -> Policy:
        from iblint.policies.evaluate import CompileError, MissingLibraryError, compile_expression
        from iblint.policies.paths import PathError, parse_path

        entries = self.mapping(document, "a policy", _KEYS)
        for key in _REQUIRED:
            if key not in entries:
                raise self.error(
                    document, f"the policy has no {key} (required: {', '.join(_REQUIRED)})"
                )
        id_node = entries["id"]
        policy_id = self.text(id_node, "id", multiline=False).strip()
        if not POLICY_ID.fullmatch(policy_id):
            reason = (
                "IB is the prefix of iblint's own rules"
                if policy_id.upper().startswith("IB")
                else "a policy ID is capital letters then digits, such as ORG001"
            )
            raise self.error(id_node, f"{shown(policy_id)} is not a policy ID: {reason}")
        name = self.text(entries["name"], "name", multiline=False).strip()
        if not _NAME.fullmatch(name) or len(name) > 64:
            raise self.error(
                entries["name"],
                f"name {shown(name)} must be lower-case words joined by '-', such as "
                "approved-parent-image",
            )
        severity = Severity.ERROR
        if "severity" in entries:
            level = self.text(entries["severity"], "severity", multiline=False).strip().lower()
            try:
                severity = Severity(level)
            except ValueError:
                raise self.error(
                    entries["severity"],
                    f"severity {shown(level)} is not one of error, warning, note",
                ) from None
        summary = " ".join(self.text(entries["summary"], "summary").split())
        message = " ".join(self.text(entries["message"], "message").split())
        kinds = self.kinds(entries["resources"])
        paths: dict[str, tuple[tuple[str | int, ...], str]] = {}
        for key in ("at", "each"):
            if key in entries:
                text = self.text(entries[key], key, multiline=False).strip()
                try:
                    paths[key] = (parse_path(text, allow_every=key == "each"), text)
                except PathError as error:
                    raise self.error(entries[key], f"{key}: {error}") from None
        expression_node = entries["expression"]
        expression = self.text(expression_node, "expression").strip()
        try:
            program = compile_expression(expression, with_item="each" in paths)
        except CompileError as error:
            hint = ""
            if "item" in str(error) and "each" not in paths:
                hint = " (item is defined only in a policy with each)"
            raise self.error(
                expression_node, f"the expression does not compile{hint}: {error}"
            ) from None
        except MissingLibraryError as error:
            raise PolicyError(f"{self.display}: {error}") from None
        examples = self.examples(entries["examples"]) if "examples" in entries else ()
        at, at_text = paths.get("at", (None, ""))
        each, each_text = paths.get("each", (None, ""))
        return Policy(
            id=policy_id,
            name=name,
            severity=severity,
            summary=summary,
            kinds=kinds,
            message=message,
            expression=expression,
            display=self.display,
            path=self.path,
            at=at,
            each=each,
            at_text=at_text,
            each_text=each_text,
            examples=examples,
            program=program,
        )

    def kinds(self, node: yaml.Node) -> tuple[Any, ...]:
        items = [node] if isinstance(node, yaml.ScalarNode) else node.value
        if not isinstance(node, yaml.ScalarNode | yaml.SequenceNode) or not items:
            raise self.error(node, f"resources must be a list of {', '.join(KINDS)}")
        kinds = []
        for item in items:
            name = item.value if isinstance(item, yaml.ScalarNode) else None
            if not isinstance(name, str) or name not in KINDS:
                raise self.error(
                    item,
                    f"resources: {shown(str(name)) if name else 'this item'} is not one of "
                    f"{', '.join(KINDS)}",
                )
            if KINDS[name] not in kinds:
                kinds.append(KINDS[name])
        return tuple(kinds)

    def examples(self, node: yaml.Node) -> tuple[PolicyExample, ...]:
        entries = self.mapping(node, "examples", ("bad", "good"))
        examples: list[PolicyExample] = []
        for key, value in entries.items():
            if not isinstance(value, yaml.SequenceNode):
                raise self.error(value, f"examples.{key} must be a list of examples")
            for item in value.value:
                examples.append(self.example(item, key == "bad"))
        return tuple(examples)

    def example(self, node: yaml.Node, bad: bool) -> PolicyExample:
        kind = "bad" if bad else "good"
        entries = self.mapping(node, f"a {kind} example", _EXAMPLE_KEYS)
        if "format" not in entries or "content" not in entries:
            raise self.error(node, "an example needs a format and a content")
        example_format = self.text(entries["format"], "format", multiline=False).strip()
        if example_format not in EXAMPLE_FILE_NAMES:
            raise self.error(
                entries["format"],
                f"format {shown(example_format)} is not one of {', '.join(EXAMPLE_FILE_NAMES)}",
            )
        content = self.text(entries["content"], "content")
        description = ""
        if "description" in entries:
            description = " ".join(self.text(entries["description"], "description").split())
        findings: list[str] = []
        if "findings" in entries:
            listed = entries["findings"]
            if not isinstance(listed, yaml.SequenceNode):
                raise self.error(listed, 'findings must be a list of "line:col"')
            for item in listed.value:
                position = item.value if isinstance(item, yaml.ScalarNode) else None
                if not isinstance(position, str) or not _POSITION.fullmatch(position.strip()):
                    raise self.error(item, f'{shown(str(position))} is not "line:col", e.g. "7:20"')
                findings.append(position.strip())
        if bad and not findings:
            raise self.error(node, 'a bad example lists its findings, e.g. findings: ["7:20"]')
        if not bad and findings:
            raise self.error(entries["findings"], "a good example has no findings")
        return PolicyExample(
            example_format, content, tuple(findings), bad, description, _line(node)
        )
