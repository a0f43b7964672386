"""The fast YAML conversion gives exactly what the general one gives.

:class:`iblint.syntax.yaml_tree._FastConverter` converts the usual text (no anchor, no merge key,
no NEL/LS/PS line break) in one call per node; :class:`~iblint.syntax.yaml_tree._Converter`,
which places aliases and merge keys and is used for every other text, is the reference. On real
files, the examples, generated benchmark inputs and hypothesis-made texts (tags, duplicate and
complex keys, every kind of plain scalar, flow and block styles, several documents, nesting at
the depth limit, broken syntax) both must give the same tree (node types, values and their
types, key order, every span and key span) and the same problems. The remembered typing of
plain scalars (:mod:`iblint.syntax.yaml_scalars`) must type as the resolver does.
``IBLINT_FUZZ_EXAMPLES=5000`` runs a longer search.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.model import InputProblem, Node
from iblint.syntax import yaml_scalars, yaml_tree
from iblint.syntax.limits import MAX_DEPTH
from tests.trees import assert_same_tree

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

sys.path.insert(0, str(REPO / "benchmarks"))
import generate  # noqa: E402

Result = tuple[list[Node], list[InputProblem]]


def _general(text: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    with monkeypatch.context() as patch:
        patch.setattr(yaml_tree, "_FastConverter", yaml_tree._Converter)
        return yaml_tree.parse_yaml(text)


def assert_same(text: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    expected = _general(text, monkeypatch)
    actual = yaml_tree.parse_yaml(text)
    assert actual[1] == expected[1], text[:300]
    assert len(actual[0]) == len(expected[0]), text[:300]
    for want, got in zip(expected[0], actual[0], strict=True):
        assert_same_tree(want, got)
    return actual


def test_the_usual_text_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison compares something: a text without anchors is converted by the fast
    converter, one with an anchor, a merge key or a YAML-only line break by the general one."""
    made: list[str] = []

    class Spy(yaml_tree._FastConverter):
        def __init__(self) -> None:
            made.append("fast")
            super().__init__()

    monkeypatch.setattr(yaml_tree, "_FastConverter", Spy)
    yaml_tree.parse_yaml("a: 1\nb: cron(0 4 ? * MON *)\n")
    assert made == ["fast"]
    for text in ("a: &x 1\nb: *x\n", "a: {b: 1}\nc:\n  <<: {d: 2}\n", "a: 1\u2028b: 2\n"):
        yaml_tree.parse_yaml(text)
    assert made == ["fast"]


# --- Real and generated files ----------------------------------------------------------------


def _files() -> list[Path]:
    found = sorted(path for path in (REPO / "examples").rglob("*") if path.is_file())
    found += sorted(
        path
        for path in (REPO / "tests").rglob("*")
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json", ".template")
    )
    if CORPUS.is_dir():
        found += sorted(path for path in CORPUS.rglob("*") if path.is_file())
    return found


def test_real_files(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in _files():
        text = path.read_bytes().decode("utf-8", "replace")
        assert_same(text, monkeypatch)


def test_generated_benchmark_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(8):
        text = generate.to_yaml(generate.template(index, 7))
        documents, problems = assert_same(text, monkeypatch)
        assert documents and not problems
        assert_same(text.replace("\n", "\r\n"), monkeypatch)
        assert_same(generate.component_document(index, 7), monkeypatch)


HAND_PICKED = [
    "",
    "---\n...\n",
    "a: 1\n---\nb: 2\n",
    "a:\nb: ~\nc: null\nd: Null\n'': x\n~: y\n",
    "a: 1\na: 2\nb: 3\na: 4\n",
    "{a: 1, a: 2}",
    "? [x, y]\n: 1\n? {k: v}\n: 2\n",
    "x: !Ref Thing\ny: !Sub 'a-${AWS::Region}'\nz: !GetAtt [A, Arn]\n",
    "x: !If [Cond, !Ref A, !Ref AWS::NoValue]\n",
    "x: !Sub\n  - '${a}'\n  - a: 1\n",
    "x: !Custom {a: 1}\ny: ! 12\nz: ! '12'\nw: !!str 12\nv: !!int '12'\n",
    "True: 1\nyes: 2\nNo: 3\n0x1F: 4\n1e3: 5\n.inf: 6\n012: 7\n2001-12-14: 8\n",
    "a: [yes, No, on, OFF, ~, 0o17, 0x_1F, 1_000, -.5, +1, .NaN, 1:20, =, '', \"\"]\n",
    "a: *undefined\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "- a\n- b: 1\n  c: 2\n-\n  - x\n",
    "key: |\n  literal\n  text\nother: >\n  folded\n  text\n",
    "a: 'it''s'\nb: \"tab\\tnew\\nline\"\n",
    "# only a comment\n",
    "a: " + "9" * 5000 + "\n",
    "Resources:\n  X:\n    Type: AWS::ImageBuilder::ImageRecipe\n    Properties:\n"
    "      Name: !Ref AWS::NoValue\n      Tags: {a: b, a: c}\n",
]


def test_hand_picked_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in HAND_PICKED:
        assert_same(text, monkeypatch)


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("tagged", [False, True])
def test_nesting_at_the_depth_limit(
    depth: int, tagged: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    opening = "!If [" if tagged else "["
    assert_same(opening * depth + "1" + "]" * depth, monkeypatch)
    assert_same("a: " + "{b: " * depth + "1" + "}" * depth + "\n", monkeypatch)
    # A syntax error after a document too deep: the depth is reported, as it comes first.
    assert_same("[" * (depth + 1) + "]" * (depth + 1) + "\n---\n[\n", monkeypatch)


# --- Hypothesis-made texts -------------------------------------------------------------------

PLAIN_WORDS = [
    "yes", "No", "on", "OFF", "y", "n", "~", "null", "NULL", "true", "False", "0", "012",
    "0x1F", "0o17", "0b101", "1_000", "-1", "+2", "1e3", "6.5", "-.inf", ".NaN", "1:20",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "=", "x.x.x", "gp3", "AWS::NoValue",
    "Ref", "Fn::If", "Name", "Type", "Tags", "{{resolve:ssm:x}}",
]  # fmt: skip
KEYS = ["Name", "Type", "Tags", "Properties", "a", "b", "True", "yes", "1", "~", "Ref", "Fn::If"]
TAGS = ["!Ref", "!Sub", "!GetAtt", "!If", "!Equals", "!Condition", "!", "!!str", "!Custom"]


def _scalar_text(draw: st.DrawFn, value: str) -> str:
    style = draw(st.sampled_from(["plain", "plain", "single", "double"]))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


@st.composite
def _values(draw: st.DrawFn, depth: int = 0) -> Any:
    kinds = ["scalar", "scalar", "tagged"] + (["map", "list"] if depth < 4 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "scalar":
        word = draw(
            st.one_of(
                st.sampled_from(PLAIN_WORDS),
                st.text("abcXYZ019 -_.:/${}", max_size=8),
            )
        )
        return ("scalar", _scalar_text(draw, word))
    if kind == "tagged":
        return ("tagged", draw(st.sampled_from(TAGS)), draw(_values(depth + 1)))
    if kind == "map":
        size = draw(st.integers(0, 4))
        return (
            "map",
            [
                (_scalar_text(draw, draw(st.sampled_from(KEYS))), draw(_values(depth + 1)))
                for _ in range(size)
            ],
        )
    return ("list", [draw(_values(depth + 1)) for _ in range(draw(st.integers(0, 4)))])


def _flow(value: Any) -> str:
    kind = value[0]
    if kind == "scalar":
        return str(value[1]) or "''"
    if kind == "tagged":
        return f"{value[1]} {_flow(value[2])}"
    if kind == "map":
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value[1]) + "}"
    return "[" + ", ".join(_flow(item) for item in value[1]) + "]"


def _block(value: Any, indent: int, flow: bool) -> list[str]:
    """Lines of ``value`` written as the body of a key or list item at ``indent``."""
    pad = " " * indent
    kind = value[0]
    if flow or kind in ("scalar", "tagged") or not value[1]:
        return [pad + _flow(value)]
    lines: list[str] = []
    if kind == "map":
        for key, item in value[1]:
            if item[0] in ("map", "list") and item[1] and not flow:
                lines.append(f"{pad}{key}:")
                lines.extend(_block(item, indent + 2, False))
            else:
                lines.append(f"{pad}{key}: {_flow(item)}")
        return lines
    for item in value[1]:
        if item[0] in ("map", "list") and item[1]:
            lines.append(f"{pad}-")
            lines.extend(_block(item, indent + 2, False))
        else:
            lines.append(f"{pad}- {_flow(item)}")
    return lines


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    documents = []
    for _ in range(draw(st.integers(1, 2))):
        root = draw(_values())
        if root[0] != "map":
            root = ("map", [("Root", root)])
        documents.append("\n".join(_block(root, 0, draw(st.booleans()))) + "\n")
    text = "---\n".join(documents)
    if draw(st.booleans()):  # a mutation: most give syntax errors, some other trees
        position = draw(st.integers(0, len(text)))
        inserted = draw(st.sampled_from(["", " ", "\n", ":", "- ", "[", "'", "!", "#", "*a"]))
        removed = draw(st.integers(0, 3))
        text = text[:position] + inserted + text[position + removed :]
    return text


@FUZZ
@given(yaml_texts())
def test_generated_texts(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert_same(text, monkeypatch)


# --- Plain scalars, typed once and remembered ------------------------------------------------


def _key_reference(text: str) -> str:
    """How the general converter named a plain key before names were remembered."""
    value = yaml_scalars._resolved(text)
    if value is None:
        return "null" if text else ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if not isinstance(value, str) else value


@FUZZ
@given(st.one_of(st.sampled_from(PLAIN_WORDS), st.text("0123456789+-._:eExXoObB~nNyYtTfF ")))
def test_remembered_typing_is_the_resolvers(text: str) -> None:
    expected = yaml_scalars._resolved(text)
    for _ in range(2):  # first typed, then remembered
        value = yaml_scalars.plain_value(text)
        assert type(value) is type(expected)
        assert repr(value) == repr(expected)
        assert yaml_scalars.plain_key(text) == _key_reference(text)


def test_the_memory_of_typed_texts_is_bounded() -> None:
    from iblint.memo import REMEMBERED_COUNT

    typed = yaml_scalars._resolved.cached  # type: ignore[attr-defined]
    key_names = yaml_scalars._key_name.cached  # type: ignore[attr-defined]
    for number in range(REMEMBERED_COUNT + 100):
        assert yaml_scalars.plain_value(str(number)) == number
        assert yaml_scalars.plain_key(str(number)) == str(number)
    assert typed.cache_info().currsize <= REMEMBERED_COUNT
    assert key_names.cache_info().currsize <= REMEMBERED_COUNT
    long_text = "1" * 100
    before = typed.cache_info()
    assert yaml_scalars.plain_value(long_text) == int(long_text)
    assert typed.cache_info() == before  # too long to be worth remembering
