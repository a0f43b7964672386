"""Hypothesis strategies for JSON texts as people and tools write them, and for edits that
break them: shared by the differential tests of the JSON readers."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

#: Characters that matter to a JSON reader: structure, whitespace, escapes, literals' letters,
#: a NUL, a line separator and a non-ASCII letter.
SIGNIFICANT = '{}[],:"\\ \n\r\t0123-+.eEtrufalsnu\x00\u2028é'

#: Up to four edits (position, characters removed, text inserted) of a text.
EDITS = st.lists(
    st.tuples(st.integers(0), st.integers(0, 3), st.text(SIGNIFICANT, max_size=3)),
    min_size=1,
    max_size=4,
)


def keys(characters: str) -> st.SearchStrategy[str]:
    """Mapping keys (and short strings) of up to four of ``characters``."""
    return st.text(st.sampled_from(characters), max_size=4)


def json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """JSON values whose mapping keys are drawn from ``keys``."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
        | keys
    )
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=5)
        ),
        max_leaves=40,
    )


@st.composite
def dumped(draw: st.DrawFn, documents: st.SearchStrategy[Any], indents: list[Any]) -> str:
    """A document written by ``json.dumps`` with one of ``indents``, odd separators, any
    line break and leading whitespace."""
    value = draw(documents)
    indent = draw(st.sampled_from(indents))
    separators = draw(st.sampled_from([None, (",", ":"), (" , ", " : "), (",\n", ":\r\n")]))
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=draw(st.booleans()))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(st.sampled_from(["", " ", "\n", "\t\r\n"])) + text.replace("\n", newline)


def edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with ``edits`` (from :data:`EDITS`) made one after another."""
    for position, removed, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + removed :]
    return text
