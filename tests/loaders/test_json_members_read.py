"""The top-level reader of :mod:`iblint.syntax.json_selected` reads what ``json.loads`` reads,
refuses what it refuses, and knows where each member's value (and each item of a top-level
list) ends: a part left out is passed over by that end, never read again."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.syntax.json_selected import _members_read, _Refused, _unique_pairs

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(alphabet='ab"\\ ,]', max_size=4),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet="ab", max_size=2), children, max_size=3)
    ),
    max_leaves=12,
)
_DOCUMENTS = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _VALUES, max_size=4)
_SPACES = st.sampled_from(["", " ", "\n", "\r\n\t "])


def _scan_once() -> Any:
    return json.JSONDecoder(object_pairs_hook=_unique_pairs).scan_once  # type: ignore[attr-defined]


def _spaced(text: str, space: str) -> str:
    """``text`` with ``space`` around each comma and bracket outside strings."""
    return re.sub(
        r'("(?:[^"\\]|\\.)*")|([,\[\]{}:])',
        lambda m: m.group(1) or f"{space}{m.group(2)}{space}",
        text,
    )


@FUZZ
@given(_DOCUMENTS, _SPACES)
def test_what_json_loads_reads_and_where_each_part_ends(
    document: dict[str, Any], space: str
) -> None:
    text = _spaced(json.dumps(document), space)
    data, ends = _members_read(text, _scan_once())
    assert data is not None and data == json.loads(text)
    decoder = json.JSONDecoder()
    for start, end in ends.items():
        _, stop = decoder.raw_decode(text, start)
        assert stop == end
    # Every top-level value has its end, and so has every item of a top-level list.
    listed: int = sum(len(value) for value in data.values() if isinstance(value, list))
    assert len(ends) == len(data) + listed


@FUZZ
@given(_DOCUMENTS, st.integers(0, 200), st.sampled_from(["", ",", "]", "[", "x", ",]", " ,"]))
def test_what_json_loads_refuses_is_refused(
    document: dict[str, Any], at: int, inserted: str
) -> None:
    valid = json.dumps(document)
    text = valid[: at % (len(valid) + 1)] + inserted + valid[at % (len(valid) + 1) :]
    expected: Any
    try:
        expected = json.loads(text, object_pairs_hook=_unique_pairs)
    except (ValueError, _Refused):
        expected = "refused"
    data: Any
    try:
        data, _ = _members_read(text, _scan_once())
    except (ValueError, _Refused, StopIteration):
        data = "refused"
    if isinstance(expected, dict):
        assert data == expected
    else:  # refused, or a document that is not a mapping (which is not read here)
        assert data in ("refused", None)
