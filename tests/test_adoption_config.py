"""The adoption settings of the configuration (issue 9): require-reason, exclude,
extend-exclude, per-file-ignores, fail-on and baseline. Bad values of any shape are one
ConfigError naming the setting, never another exception (hypothesis)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iblint.config import Config, config_from_mapping, load_config
from iblint.errors import ConfigError
from iblint.exclusions import Excluder, anchored, per_file_ignored
from iblint.model import Severity
from tests.work_counts import hang_guard

#: Any TOML-like value: what a configuration file can hold.
TOML_VALUES = st.recursive(
    st.none().map(lambda _: "")
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _builds(data: dict[str, Any]) -> Config | None:
    try:
        return config_from_mapping(data, Path("/project/iblint.toml"))
    except ConfigError as error:
        assert str(error).startswith("/project/iblint.toml: ")
        return None


@settings(max_examples=200, deadline=None)
@given(value=TOML_VALUES)
def test_require_reason_takes_only_a_boolean(value: object) -> None:
    config = _builds({"require-reason": value})
    assert (config is not None) == isinstance(value, bool)
    if config is not None:
        assert config.require_reason is value


@settings(max_examples=200, deadline=None)
@given(value=TOML_VALUES)
def test_fail_on_takes_a_severity(value: object) -> None:
    config = _builds({"fail-on": value})
    valid = isinstance(value, str) and value.strip().lower() in ("error", "warning", "note")
    assert (config is not None) == valid
    if config is not None:
        assert config.fail_on is Severity(value.strip().lower())  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(key=st.sampled_from(["exclude", "extend-exclude"]), value=TOML_VALUES)
def test_exclude_takes_glob_strings(key: str, value: object) -> None:
    config = _builds({key: value})
    items = [value] if isinstance(value, str) else value
    valid = isinstance(items, list) and all(
        isinstance(item, str)
        and item.strip()
        and item.strip("/")
        and not any(char in item for char in "\n\r\x00")
        for item in items
    )
    assert (config is not None) == bool(valid)


@settings(max_examples=200, deadline=None)
@given(value=TOML_VALUES)
def test_per_file_ignores_takes_globs_to_rule_ids(value: object) -> None:
    _builds({"per-file-ignores": value})  # a ConfigError or a configuration, nothing else


@settings(max_examples=100, deadline=None)
@given(value=TOML_VALUES)
def test_baseline_takes_a_path(value: object) -> None:
    config = _builds({"baseline": value})
    assert (config is not None) == (isinstance(value, str) and bool(value.strip()))
    if config is not None:
        assert config.baseline == Path("/project") / str(value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"per-file-ignores": {"*.yaml": ["IB999"]}}, "unknown rule IB999"),
        ({"per-file-ignores": {"*.yaml": "W1"}}, "W1"),
        ({"per-file-ignores": ["*.yaml"]}, "must be a table"),
        ({"exclude": [""]}, "empty pattern"),
        ({"exclude": {"a": 1}}, "list of glob patterns"),
        ({"fail-on": "fatal"}, "not one of error, warning, note"),
        ({"require-reason": "no"}, "true or false"),
        ({"require_reason": False}, "unknown setting"),
    ],
)
def test_bad_values_name_the_setting(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(data, Path("/project/iblint.toml"))


def test_a_configuration_file_with_every_adoption_setting(tmp_path: Path) -> None:
    (tmp_path / "iblint.toml").write_text(
        'require-reason = false\nexclude = ["generated/"]\nextend-exclude = ["/vendor"]\n'
        'fail-on = "warning"\nbaseline = "iblint-baseline.json"\n'
        '[per-file-ignores]\n"legacy/*.yaml" = ["IB101", "IB2"]\n'
    )
    config = load_config(tmp_path / "iblint.toml")
    root = tmp_path.as_posix()
    assert config.require_reason is False
    assert config.exclude == (f"{root}/**/generated/",)
    assert config.extend_exclude == (f"{root}/vendor",)
    assert config.fail_on is Severity.WARNING
    assert config.baseline == tmp_path / "iblint-baseline.json"
    assert dict(config.per_file_ignores) == {f"{root}/legacy/*.yaml": ("IB101", "IB2")}


def test_the_command_line_replaces_exclude_and_extends_extend_exclude(tmp_path: Path) -> None:
    base = Config.build(exclude=["a"], extend_exclude=["b"], base=None)
    built = Config.build(base=base, exclude=["c"], extend_exclude=["d"])
    assert [p.rsplit("/", 1)[-1] for p in built.exclude] == ["c"]
    assert [p.rsplit("/", 1)[-1] for p in built.extend_exclude] == ["b", "d"]
    assert Config.build(base=base).exclude == base.exclude


# --- glob matching ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "is_dir", "expected"),
    [
        ("generated", "generated", True, True),
        ("generated", "a/b/generated/x.yaml", False, True),
        ("generated/", "a/generated", False, False),
        ("generated/", "a/generated/x.yaml", False, True),
        ("*.gen.yaml", "a/x.gen.yaml", False, True),
        ("*.gen.yaml", "a/x.yaml", False, False),
        ("infra/legacy", "infra/legacy/x.yaml", False, True),
        ("infra/legacy", "other/infra/legacy/x.yaml", False, False),
        ("stacks/**/old-*.yaml", "stacks/a/b/old-1.yaml", False, True),
        ("stacks/**/old-*.yaml", "stacks/old-1.yaml", False, True),
        ("stacks/*/old.yaml", "stacks/a/b/old.yaml", False, False),
        ("[ab].yaml", "b.yaml", False, True),
    ],
)
def test_globs_read_as_gitignore_lines(
    tmp_path: Path, pattern: str, path: str, is_dir: bool, expected: bool
) -> None:
    config = Config.build(exclude=[anchored(pattern, tmp_path)])
    assert Excluder(config, gitignore=False)(tmp_path / path, is_dir, None) is expected


def test_a_bare_name_does_not_match_folders_above_the_base(tmp_path: Path) -> None:
    base = tmp_path / "project"
    config = Config.build(exclude=[anchored(tmp_path.name, base)])
    assert not Excluder(config, gitignore=False)(base / "x.yaml", False, None)


def test_per_file_ignored(tmp_path: Path) -> None:
    config = Config.build(per_file_ignores={anchored("legacy/*.yaml", tmp_path): ["IB1"]})
    assert per_file_ignored(config, tmp_path / "legacy" / "a.yaml") == ("IB1",)
    assert per_file_ignored(config, tmp_path / "a.yaml") == ()


@settings(max_examples=100, deadline=None)
@given(pattern=st.text(alphabet="*?[]!/ab.", min_size=1, max_size=30))
def test_any_glob_matches_a_deep_long_path_quickly(pattern: str) -> None:
    try:
        config = Config.build(exclude=[pattern])
    except ConfigError:
        return
    path = Path(os.path.abspath("/" + "/".join(["a" * 200] * 40)))
    with hang_guard():
        Excluder(config, gitignore=False)(path, False, None)


# --- the README's snippets can be pasted -----------------------------------------------------------

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _blocks(section: str, language: str) -> list[str]:
    import re

    return re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)


def test_the_readme_adoption_configuration_loads(tmp_path: Path) -> None:
    (toml,) = _blocks(_section("Adopting iblint in an existing repository"), "toml")
    (tmp_path / "pyproject.toml").write_text(toml)
    config = load_config(tmp_path / "pyproject.toml")
    assert config.fail_on is Severity.ERROR and config.require_reason is True
    assert config.baseline == tmp_path / "iblint-baseline.json"
    assert len(config.per_file_ignores) == 2 and config.exclude and config.extend_exclude


def test_the_readme_ci_snippets_are_valid_yaml() -> None:
    import yaml

    (workflow,) = _blocks(_section("GitHub Action"), "yaml")
    steps = yaml.safe_load(workflow)["jobs"]["iblint"]["steps"]
    action = steps[-1]
    assert action["uses"].endswith("/iblint@v0.1.0")
    assert set(action["with"]) <= set(
        yaml.safe_load((README.parent / "action.yml").read_text())["inputs"]
    )
    (gitlab,) = _blocks(_section("GitLab CI"), "yaml")
    job = yaml.safe_load(gitlab)["iblint"]
    assert "--format gitlab" in job["script"][0]
    assert job["artifacts"]["reports"]["codequality"] in job["script"][0]
