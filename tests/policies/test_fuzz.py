"""Random expressions on random documents: a policy either does not compile (an error naming
its file and line) or gives findings; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import check_text
from iblint.config import Config
from iblint.errors import PolicyError
from iblint.policies import PolicySet
from iblint.policies.files import read_policy

MEMBERS = [
    "parentImage",
    "tags",
    "components",
    "blockDeviceMappings",
    "ebs",
    "encrypted",
    "kmsKeyId",
    "name",
    "x",
    "instanceTypes",
    "logging",
    "s3Logs",
]
ROOTS = ["resource", "item", "resource", "item", "kind", "name", "file"]

# Literals are wrapped in dyn() often, so that most expressions pass the type checker and run.
_literal = st.one_of(
    st.builds(json.dumps, st.text(max_size=5)),
    st.integers(-3, 3).map(str),
    st.sampled_from(["true", "false", "null", "[]", "{}", "1.5", '["a", "b"]']),
)
_leaf = st.one_of(
    st.sampled_from(ROOTS),
    st.builds(
        lambda r, m: f"{r}.{m}", st.sampled_from(["resource", "item"]), st.sampled_from(MEMBERS)
    ),
    _literal,
    _literal.map(lambda literal: f"dyn({literal})"),
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda a, op, b: f"({a} {op} {b})",
            inner,
            st.sampled_from(["&&", "||", "==", "!=", "<", ">=", "in", "+"]),
            inner,
        ),
        st.builds(lambda a: f"!{a}", inner),
        st.builds(lambda a, m: f"has({a}.{m})", inner, st.sampled_from(MEMBERS)),
        st.builds(lambda a, b: f"({a} && {b})", inner, inner),
        st.builds(lambda a, m: f"{a}.{m}", inner, st.sampled_from(MEMBERS)),
        st.builds(lambda a, i: f"{a}[{i}]", inner, inner),
        st.builds(lambda a: f"has({a}.x)", inner),
        st.builds(lambda a: f"size({a})", inner),
        st.builds(
            lambda a, f, b: f"{a}.{f}({b})",
            inner,
            st.sampled_from(["startsWith", "endsWith", "contains", "split", "matches"]),
            inner,
        ),
        st.builds(
            lambda a, m, b: f"{a}.{m}(v, {b})",
            inner,
            st.sampled_from(["all", "exists", "exists_one", "map", "filter"]),
            inner.map(lambda s: s.replace("item", "v")),
        ),
        st.builds(lambda c, a, b: f"({c} ? {a} : {b})", inner, inner, inner),
        st.builds(lambda a: f"string({a})", inner),
    )


#: Operands wrapped in dyn(), which the type checker accepts anywhere: nearly all compile and
#: run, reaching the evaluation errors (a missing member, a type mismatch) at run time.
EXPRESSIONS = st.one_of(
    st.recursive(_leaf, _extend, max_leaves=8),
    st.recursive(_leaf, lambda inner: _extend(inner.map(lambda e: f"dyn({e})")), max_leaves=8),
)

_scalar = st.one_of(
    st.text(max_size=8),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.sampled_from(["!Ref X", "!Sub a${B}", "ami-0123456789abcdef0"]),
)
_yaml_value = st.recursive(
    _scalar.map(json.dumps),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(st.sampled_from([*MEMBERS, "Ebs", "Encrypted"]), inner, max_size=3).map(
            lambda entries: "{" + ", ".join(f"{k}: {v}" for k, v in entries.items()) + "}"
        ),
        st.builds(lambda a, b: f"!If [C, {a}, {b}]", inner, inner),
        st.just("!Ref AWS::NoValue"),
        st.just("!GetAtt X.Y"),
    ),
    max_leaves=6,
)
PROPERTIES = [
    "ParentImage",
    "Tags",
    "Components",
    "BlockDeviceMappings",
    "Name",
    "Version",
    "InstanceTypes",
    "Logging",
]
DOCUMENTS = st.dictionaries(st.sampled_from(PROPERTIES), _yaml_value, max_size=5).map(
    lambda properties: (
        "Resources:\n  R:\n    Type: AWS::ImageBuilder::ImageRecipe\n    Properties:\n"
        + "".join(f"      {key}: {value}\n" for key, value in properties.items())
    )
)


def _policy(tmp: Path, expression: str, each: str | None, at: str | None) -> PolicySet | None:
    lines = [
        "id: FUZZ1",
        "name: fuzz",
        "summary: Fuzzed.",
        "resources: [image-recipe, container-recipe]",
        "message: fuzzed",
        f"expression: {json.dumps(expression)}",
    ]
    if each:
        lines.append(f"each: {each}")
    if at:
        lines.append(f"at: {at}")
    path = tmp / "fuzz.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        return PolicySet([read_policy(path)])
    except PolicyError as error:
        assert str(error).startswith(str(path))
        return None


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    expression=EXPRESSIONS,
    document=DOCUMENTS,
    each=st.sampled_from([None, "blockDeviceMappings[].ebs", "components[]", "tags", "x[0]"]),
    at=st.sampled_from([None, "parentImage", "encrypted", "a.b[2].c"]),
)
def test_random_expressions_on_random_documents(
    expression: str, document: str, each: str | None, at: str | None, tmp_path: Path
) -> None:
    if each is None:
        expression = expression.replace("item", "resource")
    policies = _policy(tmp_path, expression, each, at)
    if policies is None:
        return
    config = Config(select=("FUZZ",), policies=(tmp_path / "fuzz.yaml",), policy_set=policies)
    for finding in check_text(document, "template.yaml", config):
        assert finding.span.start_line >= 1 and finding.span.start_col >= 1
        assert finding.message


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expression=st.text(max_size=60))
def test_any_text_as_an_expression_compiles_or_is_an_author_error(
    expression: str, tmp_path: Path
) -> None:
    _policy(tmp_path, expression, None, None)
