"""The fast JSON parser gives exactly what the character-by-character reference gives.

``tests/reference_json_tree.py`` is the parser as it was before it was made fast. On real files,
the examples, generated benchmark inputs and hypothesis-made texts (valid, mutated, arbitrary),
both must give the same tree (node types, values and their types, key order, every span and key
span) and the same problems (duplicate keys, the syntax error's message and position, depth,
the value cap). ``IBLINT_FUZZ_EXAMPLES=5000`` runs a longer search.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.model import InputProblem, Node
from iblint.syntax import json_tree
from tests import reference_json_tree
from tests.json_texts import EDITS, SIGNIFICANT, dumped, edited, json_values, keys
from tests.trees import assert_same_tree

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

Result = tuple[Node | None, list[InputProblem]]


def assert_same(text: str) -> Result:
    expected = reference_json_tree.parse_json(text)
    actual = json_tree.parse_json(text)
    assert actual[1] == expected[1], text[:300]
    for want, got in zip(expected[1], actual[1], strict=True):
        assert type(want.span) is type(got.span)
    assert_same_tree(expected[0], actual[0])
    return actual


# --- Real and generated files ----------------------------------------------------------------


def _files() -> list[Path]:
    found = sorted(path for path in (REPO / "examples").rglob("*") if path.is_file())
    if CORPUS.is_dir():
        found += sorted(path for path in CORPUS.rglob("*") if path.is_file())
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda path: path.name)
def test_real_files(path: Path) -> None:
    """JSON files give trees; YAML, HCL and the rest give syntax errors, also compared."""
    text = path.read_bytes().decode("utf-8", "replace").removeprefix("\ufeff")
    assert_same(text)


def _variants(text: str) -> Iterator[str]:
    yield text
    yield text.replace("\n", "\r\n")
    yield text.replace("\n", "\r")
    data = json.loads(text)
    yield json.dumps(data, separators=(",", ":"))
    yield json.dumps(data, indent="\t", ensure_ascii=False)


def test_generated_benchmark_inputs() -> None:
    for index in range(6):
        template = generate.template(index, 7)
        for text in _variants(generate.to_json(template)):
            assert_same(text)
        for text in _variants(generate.to_json(generate.cli_request(index, 7))):
            assert_same(text)
    for text in _variants(generate.plan(40_000, 7)):
        root, problems = assert_same(text)
        assert root is not None and problems == []


def test_hand_picked_texts() -> None:
    texts = [
        "",
        " ",
        "\n",
        "{",
        "[",
        "}",
        "]",
        ",",
        ":",
        "{}",
        "[]",
        "[ ]",
        "{ }",
        "{\n}",
        "[\r\n]",
        '"a"',
        '"a\\u00e9\\n"',
        '"\\ud800"',
        '"\\ud83d\\ude00"',
        '"\\ud83d\\u0041"',
        '"\\ud83d\\uZZZZ"',
        '"\\u12"',
        '"\\x"',
        '"abc',
        '"a\tb"',
        '"a\x7fb"',
        '"a\u2028b"',
        "-",
        "-0",
        "-0.0",
        "0.0e-0",
        "1.",
        "1.e5",
        "1e",
        "01",
        "1" * 5000,
        "1" * 5000 + ".5",
        "1e400",
        "tru",
        "nan",
        "NaN",
        "Infinity",
        "-Infinity",
        "[1, nan]",
        "truex",
        "nul",
        "null null",
        "[1 2]",
        "[1,]",
        "[,1]",
        "[1}",
        "{1}",
        '{"a"}',
        '{"a":}',
        '{"a" 1}',
        '{"a":1,}',
        '{"a":1]',
        '{"a":1 "b":2}',
        '{"a":1,"a":2,"a":3}',
        '{"a":{"b":1,"b":2},"a":[]}',
        '{"":1,"":2}',
        '{"\\u0061":1,"a":2}',
        '{"a\\n":1,"a\\n":2}',
        '{"a":1}\n\n',
        '{"a":1}\n\n x',
        '{"a":1}  {',
        '{"a": "x\ny"}',
        '{"a":\n\n\n  [1,\n 2,\r\n 3\r 4]}',
        "\ufeff{}",
        "[" * 200 + "]" * 200,
        "[" * 201 + "]" * 201,
        "[" * 199 + "{}" + "]" * 199,
        "[" * 199 + "{" + "]" * 199,
        '{"a":' * 199 + "1" + "}" * 199,
        '{"a":' * 200 + "1" + "}" * 200,
        "[" * 50_000,
        '{"😀":"😀😀","b":[1,2,{"c":"\u00e9"}]}',
        '["\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t"]',
    ]
    for text in texts:
        assert_same(text)


def test_value_cap_and_depth_limit_at_every_position(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"a": [1, {"b": [], "c": {}}, "x", [[true]]], "d": {"e": null}}'
    for cap in range(15):
        for module in (json_tree, reference_json_tree):
            monkeypatch.setattr(module, "MAX_JSON_VALUES", cap)
        for cut in range(len(text) + 1):
            assert_same(text[:cut])
            assert_same(text[:cut] + "]" + text[cut:])
    for depth in range(6):
        for module in (json_tree, reference_json_tree):
            monkeypatch.setattr(module, "MAX_DEPTH", depth)
        for cut in range(len(text) + 1):
            assert_same(text[:cut])


# --- Hypothesis -------------------------------------------------------------------------------

_VALUES = json_values(keys('ab"\\é\u2028\x01/ 😀'))


def _dumped() -> st.SearchStrategy[str]:
    return dumped(_VALUES, [None, 0, 1, 2, "\t", " \r\n"])


@FUZZ
@given(_dumped())
def test_valid_json(text: str) -> None:
    root, problems = assert_same(text)
    assert root is not None and problems == []


@FUZZ
@given(_dumped(), EDITS)
def test_mutated_json(text: str, edits: list[tuple[int, int, str]]) -> None:
    assert_same(edited(text, edits))


@FUZZ
@given(st.text(st.sampled_from(SIGNIFICANT), max_size=40))
def test_arbitrary_text(text: str) -> None:
    assert_same(text)


@FUZZ
@given(_dumped(), st.integers(0, 12), st.integers(1, 8))
def test_limits_on_valid_json(text: str, cap: int, depth: int) -> None:
    saved = [
        (module, module.MAX_JSON_VALUES, module.MAX_DEPTH)
        for module in (json_tree, reference_json_tree)
    ]
    try:
        for module, _, _ in saved:
            module.MAX_JSON_VALUES = cap  # type: ignore[misc]
            module.MAX_DEPTH = depth  # type: ignore[misc]
        assert_same(text)
    finally:
        for module, values, deepest in saved:
            module.MAX_JSON_VALUES = values  # type: ignore[misc]
            module.MAX_DEPTH = deepest  # type: ignore[misc]


def test_large_mutated_documents() -> None:
    """Seeded random edits of a real-sized template: errors deep inside large texts."""
    rng = random.Random(12)
    base = generate.to_json(generate.template(3, 7))
    for _ in range(200):
        text = base
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(text) + 1)
            inserted = "".join(rng.choice(SIGNIFICANT) for _ in range(rng.randint(0, 2)))
            text = text[:position] + inserted + text[position + rng.randint(0, 2) :]
        assert_same(text)
