"""Configuration on its own: one frozen, validated Config built the same way by library callers,
configuration files and the command line; rule options declared once, in the specs."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import iblint.specs
from iblint import check_paths
from iblint.cli import main
from iblint.config import (
    ALWAYS_SELECTED,
    CLI_LABELS,
    MAX_CONFIG_BYTES,
    MAX_CONFIG_DEPTH,
    Config,
    find_config_file,
    load_config,
    options_from_text,
    repository_root,
    severities_from_text,
)
from iblint.engine import CatalogError
from iblint.errors import ConfigError, IblintError
from iblint.model import Severity
from iblint.specs import rule_index

INFRA = '{"name": "build", "instanceProfileName": "p", "instanceMetadataOptions": {"httpTokens": "optional"}}'

# --- selection ----------------------------------------------------------------------------------


def test_rules_that_say_a_file_was_not_checked_are_always_selected() -> None:
    assert frozenset({"IB001", "IB003", "IB004", "IB005", "IB006", "IB007"}) == ALWAYS_SELECTED
    config = Config.build(select=["IB1"])
    for rule_id in sorted(ALWAYS_SELECTED):
        assert config.is_selected(rule_id), rule_id
    assert not config.is_selected("IB002")  # a duplicate key follows --select
    assert not config.is_selected("IB201")
    assert config.is_selected("IB101")


@pytest.mark.parametrize("ignored", ["IB0", "IB001", "IB00"])
def test_an_explicit_ignore_turns_an_input_rule_off(ignored: str) -> None:
    config = Config.build(select=["IB1"], ignore=[ignored])
    assert not config.is_selected("IB001")
    assert config.is_selected("IB101")


def test_selecting_the_input_family_selects_the_duplicate_key_rule() -> None:
    config = Config.build(select="IB0")
    assert config.is_selected("IB002")
    assert not config.is_selected("IB101")


def test_select_and_ignore_set_in_lower_case_by_a_library_user() -> None:
    config = Config.build(select=["ib1"], ignore="ib10")
    assert (config.select, config.ignore) == (("IB1",), ("IB10",))
    assert not config.is_selected("IB101")
    assert not config.is_selected("IB201")
    assert Config(select=("ib1",)).select == ("IB1",)  # the constructor normalises too


def test_comma_separated_items_are_split() -> None:
    assert Config.build(select=["IB101, ib2", "IB3,"]).select == ("IB101", "IB2", "IB3")


# --- one frozen configuration -------------------------------------------------------------------


def test_a_config_cannot_be_changed() -> None:
    config = Config.build(severity={"IB101": "note"}, options={"IB202": {"maximum": 2000}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.select = ("IB1",)  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.severity["IB201"] = Severity.NOTE  # type: ignore[index]
    with pytest.raises(TypeError):
        config.options["IB202"]["maximum"] = 5  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.catalogs.append(Path("x"))  # type: ignore[attr-defined]
    same = Config.build(severity={"ib101": "NOTE"}, options={"ib202": {"maximum": 2000}})
    assert config == same
    assert hash(config) == hash(same)


def test_build_layers_values_over_a_base() -> None:
    base = Config.build(
        select=["IB2"],
        ignore=["IB201"],
        severity={"IB101": "warning", "IB201": "note"},
        options={"IB202": {"minimum": 200}},
        catalogs=["a.json"],
        source=Path("iblint.toml"),
    )
    config = Config.build(
        base=base,
        select=["IB1"],
        severity={"IB201": "error"},
        options={"IB202": {"maximum": 2000}},
        catalogs="b.json",
    )
    assert config.select == ("IB1",)  # replaced
    assert config.ignore == ("IB201",)  # kept: not given
    assert dict(config.severity) == {"IB101": Severity.WARNING, "IB201": Severity.ERROR}
    assert config.rule_options("IB202") == {"minimum": 200, "maximum": 2000}
    assert config.catalogs == (Path("a.json"), Path("b.json"))
    assert config.source == Path("iblint.toml")
    assert base.select == ("IB2",)  # the base is untouched
    assert Config.build(base=base, select=[]).select == ()  # an empty list selects every rule


def test_option_defaults_come_from_the_specs() -> None:
    assert Config().rule_options("IB202") == {"minimum": 125, "maximum": 1000}
    assert Config().rule_options("ib003") == {
        "max_bytes": 8 * 1024 * 1024,
        "max_yaml_bytes": 2 * 1024 * 1024,
        "max_hcl_bytes": 512 * 1024,
        "max_plan_bytes": 64 * 1024 * 1024,
    }
    assert Config().rule_options("IB101") == {}
    declared = rule_index()["IB202"].options
    config = Config.build(options={"IB202": {"maximum": 300}, "IB003": {"max_bytes": 9}})
    assert config.rule_options("IB202", declared) == {"minimum": 125, "maximum": 300}


def test_the_file_size_limit_is_the_spec_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = dict(rule_index())
    entry = index["IB003"]
    small = entry.options["max_bytes"]._replace(default=20)
    index["IB003"] = entry._replace(options={**entry.options, "max_bytes": small})
    monkeypatch.setattr(iblint.specs, "rule_index", lambda: index)
    (tmp_path / "infra.json").write_text(INFRA)
    report = check_paths([str(tmp_path)], Config(), root=tmp_path)
    assert [f.rule_id for f in report.findings] == ["IB003"]


# --- library errors -----------------------------------------------------------------------------

#: Keyword arguments of Config.build a library caller may get wrong, and words of the error.
BAD_LIBRARY_VALUES: list[tuple[dict[str, Any], list[str]]] = [
    ({"select": ["IBX"]}, ["select", "'IBX'"]),
    ({"select": ["IB999"]}, ["select", "unknown rule IB999"]),
    ({"select": ["IB9"]}, ["no rule starts with IB9"]),
    ({"select": ["IB1001"]}, ["'IB1001'"]),
    ({"select": [""]}, ["select", "empty"]),
    ({"select": 3}, ["select", "list"]),
    ({"select": [3]}, ["select", "list"]),
    ({"select": {"IB1": True}}, ["select", "list"]),
    ({"ignore": ["IB\u0661"]}, ["ignore"]),  # an Arabic-Indic digit is not a rule ID digit
    ({"severity": {"IB101": "loud"}}, ["severity IB101", "'loud'"]),
    ({"severity": {"IB101": 3}}, ["severity IB101", "3"]),
    ({"severity": {"IB999": "note"}}, ["IB999"]),
    ({"severity": {"": "note"}}, ["rule ID is missing"]),
    ({"severity": {3: "note"}}, ["3", "rule ID"]),
    ({"severity": ["IB101"]}, ["severity", "table"]),
    ({"options": {"IB202": 5}}, ["options", "table"]),
    ({"options": [("IB202", {})]}, ["options", "table"]),
    ({"options": {"IB999": {"x": 1}}}, ["IB999"]),
    ({"options": {"IB202": {"nosuch": 1}}}, ["IB202", "'nosuch'", "minimum, maximum"]),
    ({"options": {"IB101": {"x": 1}}}, ["IB101", "no options"]),
    ({"options": {"IB202": {"maximum": "lots"}}}, ["IB202.maximum", "an integer", "'lots'"]),
    ({"options": {"IB202": {"maximum": 2000.0}}}, ["IB202.maximum", "an integer", "2000.0"]),
    ({"options": {"IB202": {"maximum": True}}}, ["IB202.maximum", "an integer", "true"]),
    ({"options": {"IB202": {"maximum": [1] * 10**6}}}, ["IB202.maximum", "a list"]),
    ({"options": {"IB202": {"maximum": 0}}}, ["IB202.maximum", "at least 1", "not 0"]),
    ({"options": {"IB202": {"minimum": -1}}}, ["IB202.minimum", "at least 0"]),
    ({"options": {"IB202": {"minimum": 1500}}}, ["IB202.minimum (1500)", "IB202.maximum (1000)"]),
    ({"options": {"IB202": {"minimum": 10, "maximum": 5}}}, ["greater than"]),
    ({"options": {"IB003": {"max_bytes": 0}}}, ["IB003.max_bytes", "at least 1"]),
    ({"options": {"IB202": {"maximum": 10**5000}}}, ["IB202.maximum", "a huge integer"]),
    ({"options": {"IB007": {"max_seconds": float("nan")}}}, ["IB007.max_seconds", "nan"]),
    ({"options": {"IB007": {"max_seconds": 1e300}}}, ["IB007.max_seconds", "1e+300"]),
    ({"options": {"IB003": {"max_bytes": "8M"}}}, ["IB003.max_bytes", "default 8388608"]),
    ({"catalogs": 3}, ["catalog", "path"]),
    ({"catalogs": [None]}, ["catalog", "path"]),
]


@pytest.mark.parametrize(("arguments", "words"), BAD_LIBRARY_VALUES)
def test_bad_library_values_raise_config_error(arguments: dict[str, Any], words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        Config.build(**arguments)
    message = str(error.value)
    for word in words:
        assert word in message, (word, message)
    assert len(message) < 300
    assert "\n" not in message


@pytest.mark.parametrize(("arguments", "words"), BAD_LIBRARY_VALUES[:3])
def test_the_constructor_validates_as_build_does(
    arguments: dict[str, Any], words: list[str]
) -> None:
    select = tuple(arguments["select"])
    with pytest.raises(ConfigError, match=words[-1]):
        Config(select=select)


def test_library_errors_share_one_base_class() -> None:
    assert issubclass(ConfigError, IblintError)
    assert issubclass(CatalogError, IblintError)
    assert not issubclass(ConfigError, ValueError)  # never mistaken for a rule's ValueError


def test_a_relation_broken_by_a_layer_names_that_layer() -> None:
    base = Config.build(options={"IB202": {"minimum": 500}}, where="iblint.toml")
    with pytest.raises(ConfigError, match=r"^--option: option IB202\.minimum \(500\)"):
        Config.build(base=base, options={"IB202": {"maximum": 100}}, where=CLI_LABELS)


# --- the command line's text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["IB202.maximum=2000"], {"IB202": {"maximum": 2000}}),
        (["ib202.maximum = 2000 "], {"IB202": {"maximum": 2000}}),
        (["IB202.minimum=+5", "IB202.maximum=6"], {"IB202": {"minimum": 5, "maximum": 6}}),
        (["IB003.max_bytes=20"], {"IB003": {"max_bytes": 20}}),
    ],
)
def test_option_text_is_read_as_its_declared_type(
    texts: list[str], expected: dict[str, dict[str, Any]]
) -> None:
    assert options_from_text(texts) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("IB202.maximum", ["RULE.NAME=VALUE"]),
        ("IB202=3", ["RULE.NAME=VALUE"]),
        (".maximum=3", ["RULE.NAME=VALUE"]),
        ("IB999.maximum=3", ["IB999"]),
        ("IB202.nosuch=3", ["'nosuch'"]),
        ("IB202.maximum=abc", ["IB202.maximum", "'abc'"]),
        ("IB202.maximum=2_000", ["'2_000'"]),  # int() would take it
        ("IB202.maximum=\u0662\u0660\u0660\u0660", ["IB202.maximum"]),  # and Arabic-Indic digits
        ("IB202.maximum=1e3", ["'1e3'"]),
        ("IB202.maximum=true", ["'true'"]),
        ("IB202.maximum=" + "9" * 5000, ["5,000 characters"]),
        ("IB202.maximum=-5", ["at least 1"]),
    ],
)
def test_bad_option_text(text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        options_from_text([text])
    for word in words:
        assert word in str(error.value), (word, str(error.value))
    assert str(error.value).startswith("--option")


def test_severity_text() -> None:
    assert severities_from_text(["ib101=WARNING", "IB201=note"]) == {
        "IB101": "WARNING",
        "IB201": "note",
    }
    with pytest.raises(ConfigError, match="RULE=LEVEL"):
        severities_from_text(["IB101"])
    with pytest.raises(ConfigError, match="rule ID is missing"):
        severities_from_text(["=warning"])


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
        ("[tool.iblint\n", True),  # broken, but about iblint: its error is shown
        ("[project]\nname = 'x'\n" + "a = [" * 300, False),  # deep, but not about iblint
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
    assert config.ignore == ("IB101",)


def config_from_toml(text: str | bytes, name: str = "pyproject.toml") -> Config:
    directory = Path(tempfile.mkdtemp())
    data = text.encode() if isinstance(text, str) else text
    (directory / name).write_bytes(data)
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


class Tree(NamedTuple):
    top: Path
    repo: Path
    sub: Path


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """top/iblint.toml above top/repo (which holds .git) and top/repo/sub."""
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / ".git").mkdir()
    (tmp_path / "iblint.toml").write_text('ignore = ["IB101"]\n')
    return Tree(tmp_path, repo, repo / "sub")


def test_a_configuration_above_the_repository_root_is_not_applied(tree: Tree) -> None:
    assert repository_root(tree.sub) == tree.repo
    assert find_config_file(tree.sub) is None
    assert find_config_file(tree.repo) is None
    assert find_config_file(tree.top) == tree.top / "iblint.toml"  # outside the repository


def test_a_configuration_at_the_root_or_below_is_applied(tree: Tree) -> None:
    (tree.repo / ".iblint.toml").write_text("")
    assert find_config_file(tree.sub) == tree.repo / ".iblint.toml"
    (tree.sub / "iblint.toml").write_text("")
    assert find_config_file(tree.sub) == tree.sub / "iblint.toml"


def test_a_git_file_marks_the_root_too(tree: Tree) -> None:
    (tree.repo / ".git").rmdir()
    (tree.sub / ".git").write_text("gitdir: ../../elsewhere/.git/worktrees/sub\n")  # a worktree
    (tree.repo / "iblint.toml").write_text("")
    assert repository_root(tree.sub) == tree.sub
    assert find_config_file(tree.sub) is None


def test_a_configuration_that_is_not_a_regular_file_is_not_found(tree: Tree) -> None:
    (tree.repo / "iblint.toml").mkdir()
    assert find_config_file(tree.repo) is None


# --- hostile configuration files ----------------------------------------------------------------

DEEP = 100_000

HOSTILE_FILES: list[tuple[str, bytes, list[str]]] = [
    ("arrays", b"select = " + b"[" * DEEP + b"]" * DEEP + b"\n", ["nests deeper", "200"]),
    ("inline tables", b"x = " + b"{a=" * DEEP + b"1" + b"}" * DEEP, ["nests deeper"]),
    ("dotted key", b"x" + b".x" * DEEP + b" = 1\n", ["nests deeper"]),
    ("table header", b"[" + b"x." * DEEP + b"x]\n", ["nests deeper"]),
    ("array of tables", b"[[" + b"x." * DEEP + b"x]]\n", ["nests deeper"]),
    (
        "latin-1",
        'select = ["IB1"] # caf\xe9\n'.encode("latin-1"),
        ["not UTF-8", "0xe9", "offset 22"],
    ),
    ("utf-16", '\ufeffselect = ["IB1"]\n'.encode("utf-16"), ["not UTF-8", "0xff"]),
    ("huge integer", b"[options.IB202]\nmaximum = " + b"1" * 5000 + b"\n", ["invalid TOML"]),
    ("too large", b"# " + b"x" * MAX_CONFIG_BYTES + b"\n", ["larger than 1024 KiB"]),
    ("control characters", b'select = ["\x1b[2J"]\n', ["invalid TOML"]),
]


@pytest.mark.parametrize(
    ("content", "words"),
    [(content, words) for _, content, words in HOSTILE_FILES],
    ids=[name for name, _, _ in HOSTILE_FILES],
)
def test_hostile_configuration_files_are_config_errors(content: bytes, words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        config_from_toml(content, "iblint.toml")
    message = str(error.value)
    for word in words:
        assert word in message, (word, message)
    assert "iblint.toml" in message
    assert "\n" not in message
    assert len(message) < 400


@pytest.mark.parametrize(
    "text",
    [
        '[tool.iblint]\nignore = ["IB101"] # ' + "a.[{" * 300 + "\n",
        "[tool.other]\nurls = [" + '"a.b.c.d.e", ' * 300 + "]\n[tool.iblint]\n",
        '[tool.other]\nx = """' + "[." * 300 + '\n"""\ny = \'' + ".]" * 300 + "'\n[tool.iblint]\n",
        "[tool.other]\n" + "".join(f"v{i} = {i}.5\n" for i in range(300)) + "[tool.iblint]\n",
        "[tool.iblint.options.IB202]\nmaximum = 2000\n",
    ],
)
def test_ordinary_files_are_not_too_deep(text: str) -> None:
    config_from_toml(text)


def test_the_depth_bound_ignores_strings_and_comments() -> None:
    from iblint.config import _toml_depth

    assert _toml_depth('a = "' + "[." * 500 + '"\n') == 0
    assert _toml_depth("a = '''" + "[." * 500 + "'''\n") == 0
    assert _toml_depth('a = """x\\"""' + "[." * 500 + '"""\n') == 0
    assert _toml_depth("# " + "[." * 500 + "\n") == 0
    assert _toml_depth("a.b.c = [[1]]\n") == 4
    assert _toml_depth("[a.b]\n[[c]]\n") == 2
    assert _toml_depth("'''" + "x" * 10 + "\n") == 0  # unterminated: tomllib reports it
    assert MAX_CONFIG_DEPTH == 200


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_given_as_configuration_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "iblint.toml"
    os.mkfifo(fifo)
    outcome: list[BaseException | Config] = []

    def load() -> None:
        try:
            outcome.append(load_config(fifo))
        except BaseException as error:  # noqa: BLE001 - reported below
            outcome.append(error)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # unblock it
        with open(fifo, "wb"):
            pass
        pytest.fail("load_config blocked on a FIFO")
    assert isinstance(outcome[0], ConfigError)
    assert "not a regular file" in str(outcome[0])
    assert find_config_file(tmp_path) is None


# --- values in files ----------------------------------------------------------------------------


def test_rule_ids_and_levels_are_case_insensitive() -> None:
    config = config_from_toml(
        '[severity]\nib101 = "WARNING"\nIB201 = " Note "\n[options.ib202]\nmaximum = 2000\n',
        "iblint.toml",
    )
    assert dict(config.severity) == {"IB101": Severity.WARNING, "IB201": Severity.NOTE}
    assert config.options == {"IB202": {"maximum": 2000}}
    assert config.rule_options("IB202") == {"minimum": 125, "maximum": 2000}


def test_catalogs_in_a_file_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "iblint.toml").write_text('catalog = ["c/one.json", "two.json"]\n')
    config = load_config(tmp_path / "iblint.toml")
    assert config.catalogs == (tmp_path / "c" / "one.json", tmp_path / "two.json")
    assert config.source == tmp_path / "iblint.toml"


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
        ("catalog = 3\n", ["iblint.toml", "catalog"]),
        ("colour = true\n", ["iblint.toml", "'colour'"]),
    ],
)
def test_bad_values_in_a_file_are_errors_naming_it(text: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as error:
        config_from_toml(text, "iblint.toml")
    for word in words:
        assert word in str(error.value), (word, str(error.value))


# --- the command line ---------------------------------------------------------------------------


class Result(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


def run(*args: str) -> Result:
    runner = CliRunner()
    with runner.isolation(env={"NO_COLOR": None}) as (stdout, stderr, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return Result(code, stdout.getvalue().decode(), stderr.getvalue().decode())


@pytest.fixture
def in_tree(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Iterator[Tree]:
    (tree.sub / "infra.json").write_text(INFRA)
    monkeypatch.chdir(tree.sub)
    yield tree


@pytest.mark.parametrize(
    ("name", "content"),
    [(name, content) for name, content, _ in HOSTILE_FILES],
    ids=[name for name, _, _ in HOSTILE_FILES],
)
def test_a_hostile_configuration_file_is_one_line_and_exit_2(
    in_tree: Tree, name: str, content: bytes
) -> None:
    (in_tree.repo / "iblint.toml").write_bytes(content)
    result = run("check", ".")
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "iblint.toml" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_a_command_line_error_is_still_a_usage_error(in_tree: Tree) -> None:
    result = run("check", "--select", "IBX", ".")
    assert result.exit_code == 2
    assert "Usage:" in result.stderr
    assert "--select: 'IBX' is not a rule ID" in result.stderr


def test_a_configuration_above_the_repository_is_not_applied_by_check(in_tree: Tree) -> None:
    result = run("check", "--format", "json", ".")
    assert result.exit_code == 1  # IB101 was not ignored
    assert '"IB101"' in result.stdout
    (in_tree.repo / "iblint.toml").write_text('ignore = ["IB101"]\n')
    assert run("check", ".").exit_code == 0


def test_verbose_names_the_configuration_file(in_tree: Tree) -> None:
    (in_tree.repo / "iblint.toml").write_text('ignore = ["IB101"]\n')
    result = run("check", "--verbose", ".")
    assert result.exit_code == 0
    assert result.stderr == f"iblint: configuration: {in_tree.repo / 'iblint.toml'}\n"
    assert "configuration" not in result.stdout  # the report stays the same


def test_verbose_says_when_there_is_none_and_what_was_passed_over(in_tree: Tree) -> None:
    result = run("check", "-v", ".")
    assert result.stderr.splitlines()[0] == (
        f"iblint: configuration: none found in {in_tree.sub} or its parents up to the "
        f"repository root {in_tree.repo}; {in_tree.top / 'iblint.toml'} is above the "
        "repository, so it is not applied"
    )
    assert run("check", "-v", "--no-config", ".").stderr.splitlines()[0] == (
        "iblint: configuration: none (--no-config)"
    )
    other = in_tree.sub / "other.toml"
    other.write_text("")
    assert run("check", "-v", "--config", str(other), ".").stderr.splitlines()[0] == (
        f"iblint: configuration: {other} (--config)"
    )


def test_without_verbose_nothing_is_said_about_configuration(in_tree: Tree) -> None:
    assert "configuration" not in run("check", ".").stderr


def test_command_line_values_go_on_top_of_the_file(in_tree: Tree) -> None:
    (in_tree.repo / "iblint.toml").write_text(
        '[severity]\nIB101 = "note"\n[options.IB202]\nminimum = 500\n'
    )
    result = run("check", "--option", "IB202.maximum=100", ".")
    assert result.exit_code == 2
    assert "--option: option IB202.minimum (500) is greater than IB202.maximum (100)" in (
        result.stderr
    )
    result = run("check", "--severity", "IB101=warning", "--format", "json", ".")
    assert '"severity": "warning"' in result.stdout


def test_explain_shows_options_with_defaults_and_bounds() -> None:
    result = run("explain", "IB202")
    assert result.exit_code == 0
    text = result.stdout
    assert "--option IB202.NAME=VALUE" in text
    assert "minimum: an integer, default 125, at least 0, at most the value of maximum" in text
    assert "maximum: an integer, default 1000, at least 1" in text
    assert "default 8388608, at least 1" in run("explain", "IB003").stdout
    assert "Options (set in" not in run("explain", "IB101").stdout


# --- the specs declare the options --------------------------------------------------------------


def test_every_spec_option_has_a_description_and_a_sane_default() -> None:
    from iblint.specs import load_specs

    for rule_id, spec in load_specs().items():
        for name, option in spec.options.items():
            assert option.description.strip(), (rule_id, name)
            Config.build(options={rule_id: {name: option.default}})  # the default is valid


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"x": {"type": "integer", "default": "a", "description": "d"}}, ["default"]),
        ({"x": {"type": "integer", "default": True, "description": "d"}}, ["default"]),
        ({"x": {"type": "float", "default": 1.0, "description": "d"}}, ["type"]),
        ({"x": {"type": "integer", "default": 1}}, ["description"]),
        ({"x": {"type": "integer", "default": 0, "min": 1, "description": "d"}}, ["below"]),
        ({"x": {"type": "string", "default": "a", "min": 1, "description": "d"}}, ["bounds"]),
        ({"x": {"type": "integer", "default": 1, "max": "y", "description": "d"}}, ["'y'"]),
        ({"x": {"type": "integer", "default": 1, "max": "x", "description": "d"}}, ["'x'"]),
        ({"x": {"type": "integer", "default": 1, "extra": 1, "description": "d"}}, ["extra"]),
        (
            {
                "lo": {"type": "integer", "default": 9, "max": "hi", "description": "d"},
                "hi": {"type": "integer", "default": 1, "description": "d"},
            },
            ["breaks"],
        ),
    ],
)
def test_the_spec_model_refuses_bad_option_declarations(
    options: dict[str, Any], words: list[str]
) -> None:
    from pydantic import ValidationError

    from iblint.specs import load_specs

    data = load_specs()["IB202"].model_dump()
    data["options"] = options
    with pytest.raises(ValidationError) as error:
        type(load_specs()["IB202"]).model_validate(data)
    for word in words:
        assert word in str(error.value), (word, str(error.value))


# --- any value a caller or a TOML file can give -------------------------------------------------

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_RULE_IDS = st.sampled_from(["IB202", "ib003", "IB007", "IB101", "IB999", "", " ib2"]) | st.text(
    max_size=6
)
_VALUES = st.recursive(
    _SCALARS | st.sampled_from(["minimum", "maximum", "max_bytes", "IB2", "note", "x.json"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_RULE_IDS, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "select": _VALUES,
            "ignore": _VALUES,
            "severity": st.dictionaries(_RULE_IDS, _VALUES, max_size=3) | _VALUES,
            "options": st.dictionaries(
                _RULE_IDS,
                st.dictionaries(
                    st.sampled_from(["minimum", "maximum", "max_bytes", "max_seconds", "x"]),
                    _VALUES,
                    max_size=2,
                ),
                max_size=2,
            )
            | _VALUES,
            "catalogs": _VALUES,
        },
    )
)
def test_any_value_gives_a_config_or_a_config_error(arguments: dict[str, Any]) -> None:
    try:
        config = Config.build(**arguments)
    except ConfigError as error:
        assert "\n" not in str(error)
        return
    for rule_id in config.options:
        config.rule_options(rule_id)
