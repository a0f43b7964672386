"""The parts of a compiled CEL expression's syntax tree that decide which values it reads.

cel-expr-python returns a compiled expression as a serialized ``google.protobuf.Any`` holding a
``cel.expr.CheckedExpr`` (the messages of https://github.com/google/cel-spec/tree/master/proto/cel/expr,
``checked.proto`` and ``syntax.proto``). This module decodes the protobuf wire format of the few
messages it needs (``Expr`` and its kinds) without a protobuf runtime, and computes the member
paths an expression may read (:func:`read_paths`): iblint checks those paths for values that
cannot be known before deployment, and for ``Fn::If`` branches, before it evaluates.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import NamedTuple

#: ``[]`` in a path: every item of a list, or every member's value of a map (a computed index).
EVERY = "[]"
#: ``[*]``: what a macro's variable takes from its range: every item of a list, or every key of
#: a map (keys are always known).
ITEM = "[*]"


class WireError(ValueError):
    """The bytes are not the protobuf message expected."""


def _varint(data: bytes, index: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if index >= len(data) or shift > 63:
            raise WireError("truncated varint")
        byte = data[index]
        index += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, index
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """``(field number, value)`` of each field of a message: an int for a varint or fixed
    field, the bytes of a length-delimited one."""
    index = 0
    while index < len(data):
        key, index = _varint(data, index)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, index = _varint(data, index)
            yield number, value
        elif wire_type == 1:
            if index + 8 > len(data):
                raise WireError("truncated fixed64")
            yield number, int.from_bytes(data[index : index + 8], "little")
            index += 8
        elif wire_type == 2:
            length, index = _varint(data, index)
            if index + length > len(data):
                raise WireError("truncated field")
            yield number, data[index : index + length]
            index += length
        elif wire_type == 5:
            if index + 4 > len(data):
                raise WireError("truncated fixed32")
            yield number, int.from_bytes(data[index : index + 4], "little")
            index += 4
        else:
            raise WireError(f"wire type {wire_type}")


def _message(data: int | bytes) -> bytes:
    if not isinstance(data, bytes):
        raise WireError("a message field holds a number")
    return data


def _text(data: int | bytes) -> str:
    return _message(data).decode("utf-8", "replace")


class Kind(enum.Enum):
    CONSTANT = "constant"
    IDENT = "ident"
    SELECT = "select"
    CALL = "call"
    LIST = "list"
    STRUCT = "struct"
    COMPREHENSION = "comprehension"


class Expr(NamedTuple):
    """One node of the syntax tree, as much of it as :func:`read_paths` needs.

    ``name`` is an identifier's name, a selected field or a called function; ``constant`` a
    literal string or integer (used as an index); ``children`` the operands in order: a
    select's operand; a call's target (if any) then its arguments; a list's elements; a map's
    keys and values; a comprehension's range, accumulator init, condition, step and result.
    ``test_only``: a select made by ``has()``. ``iter_vars``: a comprehension's variables.
    """

    kind: Kind
    name: str = ""
    children: tuple[Expr, ...] = ()
    constant: str | int | None = None
    test_only: bool = False
    has_target: bool = False
    iter_vars: tuple[str, ...] = ()


_MAX_DEPTH = 400


def checked_expression(serialized: bytes) -> Expr:
    """The ``expr`` of the ``CheckedExpr`` in ``serialized`` (an ``Any``)."""
    checked = b""
    for number, value in _fields(serialized):
        if number == 2:  # Any.value
            checked = _message(value)
    for number, value in _fields(checked):
        if number == 4:  # CheckedExpr.expr
            return _expr(_message(value), 0)
    raise WireError("no expression")


def _expr(data: bytes, depth: int) -> Expr:
    if depth > _MAX_DEPTH:
        raise WireError("nested too deep")
    for number, value in _fields(data):
        if number == 3:
            return Expr(Kind.CONSTANT, constant=_constant(_message(value)))
        if number == 4:
            name = next((_text(v) for n, v in _fields(_message(value)) if n == 1), "")
            return Expr(Kind.IDENT, name)
        if number == 5:
            return _select(_message(value), depth)
        if number == 6:
            return _call(_message(value), depth)
        if number == 7:
            elements = tuple(
                _expr(_message(v), depth + 1) for n, v in _fields(_message(value)) if n == 1
            )
            return Expr(Kind.LIST, children=elements)
        if number == 8:
            return _struct(_message(value), depth)
        if number == 9:
            return _comprehension(_message(value), depth)
    return Expr(Kind.CONSTANT)  # an unset expression: nothing is read


def _constant(data: bytes) -> str | int | None:
    for number, value in _fields(data):
        if number == 6:
            return _text(value)
        if number in (3, 4) and isinstance(value, int):
            return value - (1 << 64) if number == 3 and value >= 1 << 63 else value
    return None


def _select(data: bytes, depth: int) -> Expr:
    operand: Expr | None = None
    field = ""
    test_only = False
    for number, value in _fields(data):
        if number == 1:
            operand = _expr(_message(value), depth + 1)
        elif number == 2:
            field = _text(value)
        elif number == 3:
            test_only = bool(value)
    children = (operand,) if operand is not None else ()
    return Expr(Kind.SELECT, field, children, test_only=test_only)


def _call(data: bytes, depth: int) -> Expr:
    target: Expr | None = None
    function = ""
    args: list[Expr] = []
    for number, value in _fields(data):
        if number == 1:
            target = _expr(_message(value), depth + 1)
        elif number == 2:
            function = _text(value)
        elif number == 3:
            args.append(_expr(_message(value), depth + 1))
    children = ((target,) if target is not None else ()) + tuple(args)
    return Expr(Kind.CALL, function, children, has_target=target is not None)


def _struct(data: bytes, depth: int) -> Expr:
    children: list[Expr] = []
    for number, value in _fields(data):
        if number == 2:  # Entry: map_key = 3, value = 4
            for entry_number, entry_value in _fields(_message(value)):
                if entry_number in (3, 4):
                    children.append(_expr(_message(entry_value), depth + 1))
    return Expr(Kind.STRUCT, children=tuple(children))


def _comprehension(data: bytes, depth: int) -> Expr:
    names: dict[int, str] = {}
    parts: dict[int, Expr] = {}
    for number, value in _fields(data):
        if number in (1, 3, 8):
            names[number] = _text(value)
        elif number in (2, 4, 5, 6, 7):
            parts[number] = _expr(_message(value), depth + 1)
    empty = Expr(Kind.CONSTANT)
    children = tuple(parts.get(number, empty) for number in (2, 4, 5, 6, 7))
    iter_vars = tuple(names[number] for number in (1, 8) if names.get(number))
    return Expr(Kind.COMPREHENSION, names.get(3, ""), children, iter_vars=iter_vars)


class Use(enum.Enum):
    """How much of the value at a path an expression may read."""

    #: The value and everything under it (it is compared, converted, passed to a function).
    WHOLE = "whole"
    #: The value's members or items, not what they hold (``size()``, the range of a macro).
    SHALLOW = "shallow"
    #: Only whether the last member is present (``has()``).
    PRESENCE = "presence"
    #: The right side of ``in``: a map's keys, or a list's items and all they hold.
    MEMBERSHIP = "membership"


class Read(NamedTuple):
    """A path the expression may read from a root variable (``resource`` or ``item``);
    every member on the way is read too."""

    root: str
    path: tuple[str, ...]
    use: Use


def read_paths(expression: Expr, roots: frozenset[str]) -> set[Read]:
    """Every path under ``roots`` that evaluating ``expression`` may read, conservatively.

    A chain of selections and constant indexes from a root is one path; a computed index reads
    every member (``[]``). A comprehension over a path binds its variable to every item of it
    (``[]``), so ``resource.blockDeviceMappings.all(m, m.ebs.encrypted)`` reads
    ``blockDeviceMappings[].ebs.encrypted``. Any other use of a path's value reads all of it.
    """
    reads: set[Read] = set()
    _walk(expression, {root: (root, ()) for root in roots}, reads)
    return reads


Binding = dict[str, tuple[str, tuple[str, ...]]]


def _chain(expression: Expr, bindings: Binding) -> tuple[str, tuple[str, ...]] | None:
    """The root and path a chain of selections and indexes from a bound variable names."""
    if expression.kind is Kind.IDENT:
        return bindings.get(expression.name)
    if expression.kind is Kind.SELECT and expression.children and not expression.test_only:
        base = _chain(expression.children[0], bindings)
        if base is not None:
            return base[0], (*base[1], expression.name)
        return None
    if expression.kind is Kind.CALL and expression.name == "_[_]" and len(expression.children) == 2:
        base = _chain(expression.children[0], bindings)
        if base is not None:
            index = expression.children[1]
            key = index.constant if index.kind is Kind.CONSTANT else None
            segment = key if isinstance(key, str) else EVERY
            return base[0], (*base[1], segment)
    return None


def _walk(expression: Expr, bindings: Binding, reads: set[Read]) -> None:
    """Adds what ``expression`` reads (iteratively: a long chain of ``||`` is deep)."""
    stack: list[tuple[Expr, Binding]] = [(expression, bindings)]

    def read(
        chain: Expr, scope: Binding, use: Use, member: tuple[str, ...] = ()
    ) -> tuple[str, tuple[str, ...]] | None:
        """Adds the path ``chain`` names (then ``member``), if it names one, and queues its
        index expressions, which are read on their own; returns the path."""
        found = _chain(chain, scope)
        if found is not None:
            reads.add(Read(found[0], (*found[1], *member), use))
            stack.extend((index, scope) for index in _indexes(chain))
        return found

    while stack:
        node, scope = stack.pop()
        if read(node, scope, Use.WHOLE) is not None:
            continue
        if (
            node.kind is Kind.SELECT
            and node.test_only
            and node.children
            and read(node.children[0], scope, Use.PRESENCE, (node.name,)) is not None
        ):
            continue
        if node.kind is Kind.COMPREHENSION:
            iter_range, accu_init, condition, step, result = node.children
            inner = dict(scope)
            for name in (*node.iter_vars, node.name):
                inner.pop(name, None)
            # Iterating reads the list (or the map's keys); the items are read through the
            # variable, as far as the body reads them.
            range_chain = read(iter_range, scope, Use.SHALLOW)
            if range_chain is not None:
                item = (range_chain[0], (*range_chain[1], ITEM))
                if node.iter_vars:
                    inner[node.iter_vars[-1]] = item
                if len(node.iter_vars) == 2:
                    inner.pop(node.iter_vars[0], None)  # the index or key: known
            else:
                stack.append((iter_range, scope))
            stack.append((accu_init, scope))
            for part in (condition, step, result):
                stack.append((part, inner))
            continue
        if (
            node.kind is Kind.CALL
            and node.name == "@in"
            and len(node.children) == 2
            and read(node.children[1], scope, Use.MEMBERSHIP) is not None
        ):
            stack.append((node.children[0], scope))
            continue
        # size() reads how many items or members there are, not what they are.
        if (
            node.kind is Kind.CALL
            and node.name == "size"
            and len(node.children) == 1
            and read(node.children[0], scope, Use.SHALLOW) is not None
        ):
            continue
        for child in node.children:
            stack.append((child, scope))


def _indexes(expression: Expr) -> Iterator[Expr]:
    """The computed index expressions inside a chain."""
    node = expression
    while True:
        if node.kind is Kind.SELECT and node.children:
            node = node.children[0]
        elif node.kind is Kind.CALL and node.name == "_[_]" and len(node.children) == 2:
            if node.children[1].kind is not Kind.CONSTANT:
                yield node.children[1]
            node = node.children[0]
        else:
            return
