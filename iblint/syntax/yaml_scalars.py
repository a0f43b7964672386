"""How a YAML scalar is typed and how a mapping key is named, as PyYAML's SafeLoader (YAML 1.1)
would do it.

The composer leaves implicit tags unresolved (resolving every node in Python is slow); a plain
scalar is typed here, and only when its first character is one for which YAML 1.1 has an
implicit type. Keys and values repeat from file to file (``Type``, ``Name``, ``true``), so the
typing of short plain texts is remembered for the run: the result depends on the text alone,
and is immutable.
"""

from __future__ import annotations

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import Node as YamlNode
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from iblint.memo import remembered

#: The tag the composer gives a plain scalar with no tag of its own (typed here), and the one
#: it gives any other scalar (a string).
PLAIN = "tag:iblint:plain"
STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TYPED = {_INT, _FLOAT, _BOOL, _NULL}
#: Integers wider than this cannot be printed in decimal under Python's default limit of 4,300
#: digits (``sys.get_int_max_str_digits``); such a literal stays text.
_MAX_INT_BITS = 14_000

#: First characters for which PyYAML has implicit resolvers; any other plain scalar is a string.
RESOLVED_FIRST_CHARACTERS = frozenset(
    key for key in Resolver.yaml_implicit_resolvers if key is not None
)

_resolver = Resolver()
_constructor = SafeConstructor()

#: Texts longer than this are typed each time they occur (they rarely repeat).
_REMEMBERED_LENGTH = 64


def plain_value(text: str) -> str | int | float | bool | None:
    """A plain scalar typed as YAML 1.1 (PyYAML's SafeLoader) would type it."""
    if text and text[0] not in RESOLVED_FIRST_CHARACTERS:
        return text  # most keys and values: no resolver applies (and resolving is slow)
    return _resolved(text)


@remembered(_REMEMBERED_LENGTH)
def _resolved(text: str) -> str | int | float | bool | None:
    tag = _resolver.resolve(ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag not in _TYPED:
        return text
    try:
        value = _constructor.yaml_constructors[tag](_constructor, ScalarNode(tag, text))
    except (ConstructorError, ValueError, OverflowError):
        return text
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return text  # too long to turn back into decimal text for a message
    return value  # type: ignore[no-any-return]


def plain_key(text: str) -> str:
    """The name of a mapping key written as a plain scalar: its typed value as text (``true``
    for ``True``, ``null`` for ``~``, ``""`` for an empty key)."""
    if text and text[0] not in RESOLVED_FIRST_CHARACTERS:
        return text
    return _key_name(text)


@remembered(_REMEMBERED_LENGTH)
def _key_name(text: str) -> str:
    value = plain_value(text)
    if value is None:
        return "null" if text else ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if not isinstance(value, str) else value


def key_text(key_node: YamlNode) -> str:
    """The name of the key ``key_node`` as a string."""
    if isinstance(key_node, ScalarNode):
        if key_node.tag == PLAIN:
            return plain_key(key_node.value)
        return str(key_node.value)
    # A complex key (a list or mapping): no Image Builder member is one; name it by position.
    return f"<complex key at line {key_node.start_mark.line + 1}>"


def long_form(tag: str) -> str:
    """The long form of a CloudFormation short tag: ``!Sub`` is ``Fn::Sub``."""
    name = tag[1:]
    return name if name in ("Ref", "Condition") else "Fn::" + name
