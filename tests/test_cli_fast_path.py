"""The fast path of ``iblint check``: :mod:`iblint.cli` parses the plain invocations itself, so
that a pre-commit run does not import click. What the user sees must not change: for any
argument list the fast parser accepts, click reads the same parameters, and a run gives the
same output, files and exit code as the click path; whatever it does not accept goes to click.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iblint.cli
import iblint.commands
import iblint.config
from iblint.cli import CHECK_DEFAULTS, check_params, main
from tests.documents import API_INFRA_BAD, API_RECIPE_GOOD, CFN_TEMPLATE_BAD

# --- the parameters: the fast parser against click's own --------------------------------------


def click_params(args: list[str]) -> dict[str, Any] | None:
    """The parameters click's ``cli.main`` passes to ``check`` for ``iblint ARGS`` (``None``
    when click refuses ARGS or runs something else), without running the check."""
    seen: list[dict[str, Any]] = []
    command = copy.copy(iblint.commands.check)
    command.callback = lambda **params: seen.append(params)
    group = copy.copy(iblint.commands.cli)
    group.commands = {**iblint.commands.cli.commands, "check": command}
    runner = CliRunner()
    with runner.isolation():  # help and errors print; keep them out of the test's output
        try:
            group.main(args=list(args), prog_name="iblint", standalone_mode=False)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            return None
    return seen[0] if seen else None


def _check_command() -> click.Command:
    return iblint.commands.check


def test_the_defaults_are_clicks() -> None:
    assert click_params(["check"]) == CHECK_DEFAULTS
    assert check_params(["check"]) == CHECK_DEFAULTS


def test_every_option_of_check_is_declared_as_click_declares_it() -> None:
    """The fast parser's tables name each option of the click command, with its parameter,
    repetition and type; an option added to one and not the other fails here."""
    flags: dict[str, tuple[str, bool]] = {}
    values: dict[str, tuple[str, bool, object]] = {}
    for param in _check_command().params:
        if not isinstance(param, click.Option):
            assert param.name == "paths"
            continue
        assert param.name is not None
        if param.is_flag:
            for opt in param.opts:
                flags[opt] = (param.name, True)
            for opt in param.secondary_opts:
                flags[opt] = (param.name, False)
            continue
        kind: object
        if isinstance(param.type, click.Choice):
            kind = tuple(param.type.choices)
        elif isinstance(param.type, click.IntRange):
            assert (param.type.min, param.type.max) == (1, iblint.config.MAX_JOBS)
            kind = "count"
        elif isinstance(param.type, click.Path):
            assert param.type.type is Path and not param.type.exists
            kind = "Path" if param.type.dir_okay else "file"
        else:
            assert param.type is click.STRING
            kind = str
        for opt in param.opts:
            values[opt] = (param.name, param.multiple, kind)
    assert flags == iblint.cli._FLAGS
    assert values == iblint.cli._VALUE_OPTIONS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with a file, a folder and a configuration file to name as paths."""
    root = tmp_path_factory.mktemp("fast")
    (root / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (root / "folder").mkdir()
    (root / "iblint.toml").write_text("ignore = ['IB301']\n")
    return root


_NAMES = sorted({*iblint.cli._FLAGS, *iblint.cli._VALUE_OPTIONS})
_VALUES = [
    "text",
    "json",
    "sarif",
    "JSON",
    "error",
    "note",
    "IB1",
    "IB101,IB2",
    "IB202.maximum=2000",
    "IB401=warning",
    "",
    "-",
    "-x",
    "--quiet",
    "template.yaml",
    "folder",
    "missing.yaml",
    "iblint.toml",
    "out.json",
    "a=b",
    "génération.yaml",
    "with space.yaml",
    "nul\0byte",
    "1",
    "2",
    "64",
    "65",
    "0",
    "+2",
    " 2",
    "٣",
]
_WORDS = st.one_of(
    st.sampled_from(_NAMES),
    st.sampled_from(_VALUES),
    st.builds(
        lambda name, value: f"{name}={value}", st.sampled_from(_NAMES), st.sampled_from(_VALUES)
    ),
    st.sampled_from(["--", "-h", "--help", "--version", "-qv", "-ojson", "--form", "check", "-"]),
    st.text(max_size=6),
)
_ARGUMENTS = st.lists(_WORDS, max_size=8).map(lambda words: ["check", *words])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(args=st.one_of(_ARGUMENTS, st.lists(_WORDS, max_size=6)))
def test_what_the_fast_parser_accepts_click_reads_the_same(workdir: Path, args: list[str]) -> None:
    with contextlib.chdir(workdir):
        fast = check_params(args)
        if fast is not None:
            assert click_params(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "template.yaml"],
        ["check", "--no-config", "a.yaml", "b.json", "c.tf"],
        ["check", "-", "--stdin-filename", "x.yaml"],
        ["check", "--select", "IB1", "--select=IB2", "--ignore", "IB301", "template.yaml"],
        ["check", "--format", "sarif", "-o", "out.sarif", "--exit-zero", "folder"],
        ["check", "--option", "IB202.maximum=2000", "--severity", "IB401=warning", "."],
        ["check", "--config", "iblint.toml", "-q", "--no-show-source", "--color", "x.yaml"],
        ["check", "--fail-on", "error", "--exclude", "gen/", "--extend-exclude=*.json", "."],
        ["check", "--fix", "--diff", "--statistics", "--show-suppressed", "-v", "x.yaml"],
        ["check", "--baseline", "b.json", "--write-baseline", "b.json", "--policy", "p/", "."],
        ["check", "--catalog", "c.json", "--", "--odd-name.yaml", "-"],
    ],
)
def test_the_common_invocations_take_the_fast_path(workdir: Path, args: list[str]) -> None:
    with contextlib.chdir(workdir):
        fast = check_params(args)
        assert fast is not None
        assert click_params(args) == fast


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--version"],
        ["-h"],
        ["rules"],
        ["explain", "IB101"],
        ["check", "--help"],
        ["check", "-h"],
        ["check", "-qv"],  # short options run together
        ["check", "-ox.json"],
        ["check", "--select"],  # a missing value
        ["check", "--select", "--ignore"],  # a value that looks like an option
        ["check", "--quiet=yes"],
        ["check", "--format", "JSON"],  # not a choice
        ["check", "--form", "json"],  # not an option
        ["check", "--output", "folder"],  # a directory where a file is wanted
        ["check", "--config", "."],
        ["check", "nul\0byte"],
        ["check", Path("template.yaml")],  # not a string
    ],
)
def test_anything_else_goes_to_click(workdir: Path, args: list[Any]) -> None:
    with contextlib.chdir(workdir):
        assert check_params(args) is None


# --- whole runs: the fast path against the click path -----------------------------------------


class Outcome(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str
    files: dict[str, bytes]


def _project(root: Path) -> None:
    (root / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (root / "api").mkdir()
    (root / "api" / "recipe.json").write_text(API_RECIPE_GOOD)
    (root / "api" / "infra.json").write_text(API_INFRA_BAD)
    (root / "notes.yaml").write_text("just: yaml\n")
    (root / "iblint.toml").write_text("[severity]\nIB301 = 'warning'\n")
    (root / "bad.toml").write_text("select = [\n")


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def run_main(
    root: Path, args: list[str], fast: bool, monkeypatch: pytest.MonkeyPatch, stdin: str = ""
) -> Outcome:
    """``main(ARGS)`` in process in a fresh copy of the project, by the fast path or (with
    ``fast`` false) the click path."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    _project(root)
    runner = CliRunner()
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(iblint.cli, "check_params", lambda args: None)
        patch.chdir(root)
        env = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": None}
        with runner.isolation(input=stdin, env=env) as (stdout, stderr, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
    return Outcome(code, stdout.getvalue().decode(), stderr.getvalue().decode(), _files(root))


def assert_same_run(
    tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = ""
) -> Outcome:
    # The same folder for both (paths show in messages), made afresh for each run.
    fast = run_main(tmp_path / "run", args, True, monkeypatch, stdin)
    slow = run_main(tmp_path / "run", args, False, monkeypatch, stdin)
    assert fast == slow
    return fast


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["check"], 1),
        (["check", "--no-config", "api/recipe.json"], 0),
        (["check", "template.yaml", "api"], 1),
        (["check", "--format", "json", "-q", "."], 1),
        (["check", "--format", "github", "-o", "out.txt", "."], 1),
        (["check", "--statistics", "."], 1),
        (["check", "--diff", "template.yaml"], 1),
        (["check", "--fix", "template.yaml"], 1),
        (["check", "--write-baseline", "baseline.json", "."], 0),
        (["check", "--select", "IB999", "."], 2),  # a usage error raised during the run
        (["check", "--config", "bad.toml", "."], 2),  # a configuration error
        (["check", "--config", "iblint.toml", "--no-config", "."], 2),
        (["check", "missing.yaml"], 2),
        (["check", "--statistics", "--format", "json", "."], 2),
        (["check", "-", "template.yaml"], 2),
        (["check", "--stdin-filename", "x.yaml", "template.yaml"], 2),
        (["check", "-v", "--exit-zero", "."], 0),
    ],
)
def test_a_run_is_the_same_by_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], exit_code: int
) -> None:
    outcome = assert_same_run(tmp_path, args, monkeypatch)
    assert outcome.exit_code == exit_code, outcome


def test_standard_input_is_the_same_by_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (["check", "-"], ["check", "--stdin-filename", "t.yaml", "--fix", "-"]):
        outcome = assert_same_run(tmp_path, args, monkeypatch, stdin=CFN_TEMPLATE_BAD)
        assert outcome.exit_code in (0, 1), outcome


_RUN_WORDS = st.one_of(
    st.sampled_from(
        [
            "--no-config",
            "-q",
            "--exit-zero",
            "--statistics",
            "--no-show-source",
            "--show-suppressed",
            "--diff",
            "--fix",
            "-v",
            "--color",
            "-",
        ]
    ),
    st.sampled_from(
        [
            "template.yaml",
            "api",
            "api/infra.json",
            "notes.yaml",
            "missing.yaml",
            ".",
            "iblint.toml",
        ]
    ),
    st.tuples(
        st.sampled_from(["--select", "--ignore", "--severity", "--option", "--fail-on"]),
        st.sampled_from(["IB1", "IB301", "IB3=note", "IB202.maximum=2000", "warning", "IB9"]),
    ).map(list),
    st.tuples(
        st.sampled_from(["--format", "--config", "--exclude", "--stdin-filename", "-o"]),
        st.sampled_from(["json", "github", "iblint.toml", "bad.toml", "api", "out.txt", "s.tf"]),
    ).map(list),
)


def _flattened(words: list[str | list[str]]) -> list[str]:
    flat: list[str] = []
    for word in words:
        flat.extend(word if isinstance(word, list) else [word])
    return flat


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(words=st.lists(_RUN_WORDS, max_size=5))
def test_any_run_is_the_same_by_either_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, words: list[str | list[str]]
) -> None:
    assert_same_run(tmp_path, ["check", *_flattened(words)], monkeypatch, stdin=CFN_TEMPLATE_BAD)


@pytest.mark.parametrize(
    "error",
    [
        KeyboardInterrupt(),
        RuntimeError("boom"),
        BrokenPipeError(32, "Broken pipe"),
        OSError(28, "No space left on device"),
        click.UsageError("bad usage"),
        click.ClickException("failed"),
        click.exceptions.Exit(3),
    ],
    ids=repr,
)
def test_an_error_of_the_run_is_shown_as_click_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    def fail(**params: object) -> int:
        raise error

    monkeypatch.setattr(iblint.cli, "run_check", fail)
    monkeypatch.setattr(iblint.commands, "run_check", fail)
    outcomes = []
    for fast in (True, False):
        try:
            outcome: object = run_main(tmp_path / "run", ["check", "."], fast, monkeypatch)
        except SystemExit as exit_request:
            outcome = ("exit", exit_request.code)
        outcomes.append(outcome)
    assert outcomes[0] == outcomes[1]


# --- what a plain run imports ------------------------------------------------------------------


def _imported(tmp_path: Path, code: str) -> set[str]:
    (tmp_path / "request.json").write_text(API_RECIPE_GOOD)
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return set(completed.stdout.split("\n")[-2].split())


def test_a_plain_check_does_not_import_click(tmp_path: Path) -> None:
    modules = _imported(tmp_path, "from iblint.cli import main\nmain(['check', 'request.json'])")
    assert "iblint.engine" in modules
    assert not {"click", "iblint.commands"} & modules


def test_the_entry_points_import_nothing_heavy(tmp_path: Path) -> None:
    """The console script runs ``from iblint.cli import main``; ``python -m iblint`` imports
    the same module."""
    modules = _imported(tmp_path, "import iblint.cli")
    assert not {"click", "iblint.config", "iblint.engine"} & modules


def test_help_and_the_other_commands_still_come_from_click(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", "check", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("Usage: iblint check [OPTIONS] [PATHS]...")
    assert "--no-config" in completed.stdout


def test_the_old_names_of_the_click_commands_still_import() -> None:
    from iblint.cli import check, cli  # type: ignore[attr-defined]

    assert cli is iblint.commands.cli
    assert check is iblint.commands.check
    with pytest.raises(AttributeError):
        iblint.cli.no_such_name  # type: ignore[attr-defined]  # noqa: B018
