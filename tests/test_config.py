"""Configuration on its own: selection, file detection, validation of values."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from iblint.config import (
    ALWAYS_SELECTED,
    Config,
    ConfigError,
    find_config_file,
    load_config,
)
from iblint.model import Severity

# --- selection ----------------------------------------------------------------------------------


def test_rules_that_say_a_file_was_not_checked_are_always_selected() -> None:
    assert frozenset({"IB001", "IB003", "IB004", "IB005", "IB006"}) == ALWAYS_SELECTED
    config = Config()
    config.select = ["IB1"]
    for rule_id in sorted(ALWAYS_SELECTED):
        assert config.is_selected(rule_id), rule_id
    assert not config.is_selected("IB002")  # a duplicate key follows --select
    assert not config.is_selected("IB201")
    assert config.is_selected("IB101")


@pytest.mark.parametrize("ignored", ["IB0", "IB001", "IB00"])
def test_an_explicit_ignore_turns_an_input_rule_off(ignored: str) -> None:
    config = Config()
    config.select = ["IB1"]
    config.ignore = [ignored]
    assert not config.is_selected("IB001")
    assert config.is_selected("IB101")


def test_selecting_the_input_family_selects_the_duplicate_key_rule() -> None:
    config = Config()
    config.select = ["IB0"]
    assert config.is_selected("IB002")
    assert not config.is_selected("IB101")


def test_select_and_ignore_set_in_lower_case_by_a_library_user() -> None:
    config = Config()
    config.select = ["ib1"]
    assert config.is_selected("IB101")
    config.ignore = ["ib10"]
    assert not config.is_selected("IB101")
    assert not config.is_selected("IB201")


# --- finding the configuration file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ("[tool.iblint]\n", True),
        ("[tool.iblint.severity]\nIB101 = 'note'\n", True),
        ("[tool]\niblint = {ignore = ['IB101']}\n", True),
        ("tool.iblint.ignore = ['IB101']\n", True),
        ("[project]\nname = 'x'\n# see [tool.iblint] in the docs\n", False),
        ("[tool.ruff]\nline-length = 99\n", False),
        ("[tool.iblintx]\n", False),
        ("description = '[tool.iblint]'\n", False),
    ],
)
def test_a_pyproject_counts_only_with_an_iblint_table(
    tmp_path: Path, content: str, found: bool
) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    expected = tmp_path / "pyproject.toml" if found else None
    assert find_config_file(tmp_path) == expected


def test_dotted_keys_in_a_pyproject_are_read() -> None:
    config = config_from_toml("tool.iblint.ignore = ['ib101']\n")
    assert config.ignore == ["IB101"]


def config_from_toml(text: str, name: str = "pyproject.toml") -> Config:
    directory = Path(tempfile.mkdtemp())
    (directory / name).write_text(text)
    return load_config(directory / name)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[project]\nname = 'x'\n", ["pyproject.toml", "[tool.iblint]"]),
        ("[tool]\niblint = 3\n", ["pyproject.toml", "tool.iblint", "table"]),
        ("tool = 3\n", ["pyproject.toml", "[tool.iblint]"]),
    ],
)
def test_a_pyproject_without_a_usable_iblint_table_is_an_error(text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        config_from_toml(text)
    for word in words:
        assert word in str(error.value)


# --- values ------------------------------------------------------------------------------------


def test_rule_ids_and_levels_are_case_insensitive() -> None:
    config = config_from_toml(
        '[severity]\nib101 = "WARNING"\nIB201 = " Note "\n[options.ib202]\nmaximum = 2000\n',
        "iblint.toml",
    )
    assert config.severity == {"IB101": Severity.WARNING, "IB201": Severity.NOTE}
    assert config.options == {"IB202": {"maximum": 2000}}
    assert config.rule_options("IB202", {"minimum": 125, "maximum": 1000}) == {
        "minimum": 125,
        "maximum": 2000,
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[severity]\nIB999 = "note"\n', ["iblint.toml", "IB999"]),
        ("[options.IB999]\nx = 1\n", ["iblint.toml", "IB999"]),
        ("[options.IB202]\nnosuch = 1\n", ["iblint.toml", "nosuch"]),
        ('[options.IB202]\nmaximum = "lots"\n', ["iblint.toml", "maximum", "lots"]),
        ("[options.IB202]\nminimum = 1500\n", ["iblint.toml", "minimum", "maximum"]),
        ("[options.IB202]\nminimum = -1\n", ["iblint.toml", "IB202.minimum", "0"]),
        ("[options.IB003]\nmax_bytes = 0\n", ["iblint.toml", "IB003.max_bytes", "1"]),
        ('[severity]\nIB101 = "loud"\n', ["iblint.toml", "loud"]),
    ],
)
def test_bad_values_in_a_file_are_errors_naming_it(text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        config_from_toml(text, "iblint.toml")
    for word in words:
        assert word in str(error.value), (word, str(error.value))
