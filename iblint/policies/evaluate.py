"""Compiling and running a policy's CEL expression on a resource.

The CEL implementation is Google's C++ runtime through its Python binding, cel-expr-python
(imported only when a policy is loaded). It takes plain Python values, so a resource body is
converted for each evaluation; what cannot be known before deployment is handled before the
call, from the paths the expression may read (:func:`iblint.policies.cel_ast.read_paths`):

- an :class:`~iblint.model.Unknown` value on a path the expression may read (or anywhere under
  a path whose whole value it reads) makes the result unknown: the expression is not run and
  nothing is reported. ``has()`` of an unknown value that is never null (a CloudFormation
  intrinsic) is true and runs;
- each :class:`~iblint.model.Choice` (``Fn::If``) on such a path is resolved to each of its
  branches in turn, and the expression runs once per combination (at most
  :data:`MAX_WORLDS`; combinations past that are not checked);
- values nobody reads are never looked at.

The expression must hold: ``false`` is a finding; an evaluation error (a member read without
``has()`` that is absent, a function applied to the wrong type) is a finding that says the
expression failed and why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from iblint.model import Choice, Mapping, Node, Scalar, Sequence, Unknown
from iblint.policies.cel_ast import EVERY, ITEM, Read, Use, checked_expression, read_paths
from iblint.policies.paths import Assignment, present, resolve

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The most ``Fn::If`` branch combinations one expression is run on for one subject.
MAX_WORLDS = 64
#: The variables every expression may use; ``item`` only with ``each``.
STRING_VARIABLES = ("kind", "name", "file")
_INT64 = 1 << 63
_SURROGATE = re.compile("[\ud800-\udfff]")


class CompileError(ValueError):
    """An expression CEL does not accept: its syntax, an unknown name or function, a result
    that is not a bool."""


class MissingLibraryError(RuntimeError):
    """cel-expr-python is not installed."""


class Program(NamedTuple):
    """A compiled expression and the paths it may read."""

    source: str
    expression: Any
    reads: frozenset[Read]
    uses_item: bool


def _cel() -> Any:
    try:
        from cel_expr_python import cel
    except ImportError:
        raise MissingLibraryError(
            "policies need the CEL library cel-expr-python: pip install 'iblint[policies]'"
        ) from None
    return cel


_ENVIRONMENTS: dict[bool, Any] = {}


def _environment(with_item: bool) -> Any:
    """The CEL environment (one per process: it holds declarations only, never data)."""
    environment = _ENVIRONMENTS.get(with_item)
    if environment is None:
        cel = _cel()
        from cel_expr_python.ext import ext_math, ext_strings

        variables = {"resource": cel.Type.DYN, **dict.fromkeys(STRING_VARIABLES, cel.Type.STRING)}
        if with_item:
            variables["item"] = cel.Type.DYN
        environment = cel.NewEnv(
            variables=variables, extensions=[ext_strings.ExtStrings(), ext_math.ExtMath()]
        )
        _ENVIRONMENTS[with_item] = environment
    return environment


def compile_expression(source: str, with_item: bool) -> Program:
    """Compiles and type-checks ``source``; raises :class:`CompileError` with CEL's message
    (which points at the column), or :class:`MissingLibraryError`."""
    cel = _cel()
    environment = _environment(with_item)
    try:
        expression = environment.compile(source)
    except Exception as error:  # noqa: BLE001 - the binding raises RuntimeError, or worse
        raise CompileError(_compile_message(str(error))) from None
    result = expression.return_type()
    if result != cel.Type.BOOL and result != cel.Type.DYN:
        raise CompileError(
            f"the expression gives a {result.name().lower()}, not true or false: it states "
            "what must hold"
        )
    try:
        tree = checked_expression(expression.serialize())
    except (ValueError, RecursionError) as error:
        raise CompileError(f"cannot analyse the compiled expression: {error}") from None
    roots = frozenset({"resource", "item"} if with_item else {"resource"})
    reads = frozenset(read_paths(tree, roots))
    return Program(source, expression, reads, any(read.root == "item" for read in reads))


def _compile_message(message: str) -> str:
    """CEL's message on one line, without status codes or the caret lines:
    ``at 1:14: Syntax error: mismatched input …``."""
    parts = []
    for line in message.splitlines():
        line = line.strip()
        if not line or line.startswith("|"):
            continue
        for prefix in ("INVALID_ARGUMENT: ", "CANCELLED: ", "ERROR: "):
            line = line.removeprefix(prefix)
        for suffix in (" [INVALID_ARGUMENT]", " [CANCELLED]"):
            line = line.removesuffix(suffix)
        line = _INPUT_POSITION.sub(r"at \1:\2:", line).removesuffix(" (in container '')")
        parts.append(line)
    return "; ".join(parts) or "CEL refused it"


_INPUT_POSITION = re.compile(r"^<input>:([0-9]+):([0-9]+):")


# --- which values may be read, and which Fn::If branches matter -------------------------------


class _Outcome(NamedTuple):
    unknown: bool = False
    choice: Choice | None = None


_KNOWN = _Outcome()
_UNKNOWN = _Outcome(unknown=True)


def _scan(roots: dict[str, Node], reads: Iterable[Read], assignment: Assignment) -> _Outcome:
    """Whether a value the expression may read is unknown, or else the first ``Fn::If`` on
    its paths that ``assignment`` does not resolve."""
    for read in reads:
        root = roots.get(read.root)
        if root is None:
            continue
        outcome = _scan_path(root, read.path, read.use, assignment)
        if outcome is not _KNOWN:
            return outcome
    return _KNOWN


def _scan_path(root: Node, path: tuple[str, ...], use: Use, assignment: Assignment) -> _Outcome:
    pending: list[tuple[Node | None, int]] = [(root, 0)]
    while pending:
        node, depth = pending.pop()
        node = resolve(node, assignment)
        if isinstance(node, Choice):
            return _Outcome(choice=node)
        if not present(node):
            continue  # absent: the expression sees that it is, and nothing under it
        assert node is not None
        if isinstance(node, Unknown):
            if depth == len(path) and use is Use.PRESENCE and not node.may_be_null:
                continue  # has() of a value that is certainly set
            return _UNKNOWN
        if depth == len(path):
            if use is Use.WHOLE or (use is Use.MEMBERSHIP and not isinstance(node, Mapping)):
                outcome = _scan_tree(node, assignment)
            elif use in (Use.SHALLOW, Use.MEMBERSHIP):
                outcome = _scan_members(node, assignment)
            else:
                outcome = _KNOWN
            if outcome is not _KNOWN:
                return outcome
            continue
        segment = path[depth]
        if isinstance(node, Mapping):
            if segment == EVERY:
                pending.extend((child, depth + 1) for child in node.entries.values())
            elif segment != ITEM:  # a macro over a map takes its keys: known strings
                pending.append((node.get(segment), depth + 1))
        elif isinstance(node, Sequence) and segment in (EVERY, ITEM):
            pending.extend((child, depth + 1) for child in node.items)
        # A member of a scalar, or a name on a list, is an error the evaluation reports.
    return _KNOWN


def _scan_members(node: Node, assignment: Assignment) -> _Outcome:
    """What decides which members or items ``node`` has: an ``Fn::If`` among them (a branch
    may remove one), an unknown value that may be null (which unsets a member)."""
    children: Iterable[Node] = ()
    if isinstance(node, Mapping):
        children = node.entries.values()
    elif isinstance(node, Sequence):
        children = node.items
    for child in children:
        resolved = resolve(child, assignment)
        if isinstance(resolved, Choice):
            return _Outcome(choice=resolved)
        if isinstance(resolved, Unknown) and resolved.may_be_null and isinstance(node, Mapping):
            return _UNKNOWN
    return _KNOWN


def _scan_tree(node: Node, assignment: Assignment) -> _Outcome:
    pending: list[Node | None] = [node]
    while pending:
        current = resolve(pending.pop(), assignment)
        if isinstance(current, Choice):
            return _Outcome(choice=current)
        if isinstance(current, Unknown):
            return _UNKNOWN
        if isinstance(current, Mapping):
            pending.extend(current.entries.values())
        elif isinstance(current, Sequence):
            pending.extend(current.items)
    return _KNOWN


def worlds(
    roots: dict[str, Node], reads: Iterable[Read], assignment: Assignment
) -> Iterator[Assignment]:
    """Each combination of ``Fn::If`` branches the expression may see (at most
    :data:`MAX_WORLDS`), starting from ``assignment``; none if a value it may read is
    unknown."""
    reads = tuple(reads)
    pending = [assignment]
    produced = 0
    while pending and produced < MAX_WORLDS:
        current = pending.pop()
        outcome = _scan(roots, reads, current)
        if outcome.unknown:
            continue
        if outcome.choice is None:
            produced += 1
            yield current
            continue
        choice = outcome.choice
        for index in reversed(range(len(choice.branches))):
            pending.append({**current, id(choice): index})


# --- values -----------------------------------------------------------------------------------


def value_of(node: Node | None, assignment: Assignment) -> Any:
    """``node`` as a plain value for CEL: a mapping without its absent and null members, a
    list, a string, number, bool or null. Unknown values (never read: see :func:`worlds`) are
    null; an unresolved ``Fn::If`` takes its first branch."""
    node = _follow(node, assignment)
    if isinstance(node, Scalar):
        return _scalar(node.value)
    if isinstance(node, Mapping):
        result: dict[str, Any] = {}
        for key, child in node.entries.items():
            resolved = _follow(child, assignment)
            if present(resolved) and not isinstance(resolved, Unknown):
                result[_text(key)] = value_of(resolved, assignment)
            elif isinstance(resolved, Unknown) and not resolved.may_be_null:
                result[_text(key)] = None
        return result
    if isinstance(node, Sequence):
        items = []
        for item in node.items:
            resolved = _follow(item, assignment)
            if resolved is not None:
                items.append(value_of(resolved, assignment))
        return items
    return None


def _follow(node: Node | None, assignment: Assignment) -> Node | None:
    while isinstance(node, Choice):
        index = assignment.get(id(node), 0)
        node = node.branches[index] if node.branches else None
    return node


def _scalar(value: str | int | float | bool | None) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
        # CEL integers are 64-bit; a larger literal is compared as a double.
        return float(value) if value.bit_length() < 1024 else math.copysign(math.inf, value)
    return value


def _text(value: str) -> str:
    """CEL strings are Unicode text: a lone surrogate (JSON's "\\ud800") becomes U+FFFD."""
    if value.isascii():
        return value
    return _SURROGATE.sub("\ufffd", value)


class Result(NamedTuple):
    """What one evaluation gave: ``holds`` true or false, or ``error`` the reason it failed."""

    holds: bool
    error: str | None = None


def run(program: Program, data: dict[str, Any]) -> Result:
    """Runs ``program`` on ``data`` (its variables)."""
    cel = _cel()
    try:
        value = program.expression.eval(data=data)
        kind = value.type()
        if kind == cel.Type.BOOL:
            return Result(bool(value.plain_value()))
        if kind == cel.Type.ERROR:
            return Result(False, _runtime_message(str(value.plain_value())))
        return Result(False, f"it gave a {kind.name().lower()}, not true or false")
    except Exception as error:  # noqa: BLE001 - a value the binding cannot take
        return Result(False, _runtime_message(str(error)))


def _runtime_message(message: str) -> str:
    head, separator, rest = message.partition(": ")
    if (separator and head.isupper() and "_" in head) or head in ("INTERNAL", "UNKNOWN"):
        message = rest
    if message.startswith(("Key not found in map", "No such key")):
        key = message.rpartition(":")[2].strip().strip('"')
        return f"no such member: {key} (test whether a member is set with has())"
    return message
