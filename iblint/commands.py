"""The command tree of ``iblint``, declared with click: ``check``, ``components``, ``rules``,
``explain`` and ``policy test``, their options and help.

Imported only when click is needed: for every command but the plain ``iblint check`` runs that
:mod:`iblint.cli` parses itself (help, usage errors and the other commands come here), so that
a pre-commit run does not pay for importing click. ``check``'s work is
:func:`iblint.cli.run_check`, whichever way its options were parsed.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from iblint import __version__
from iblint.cli import EXIT_CLEAN, EXIT_ERROR, _discard_stdout, _file_config, run_check
from iblint.config import MAX_JOBS

if TYPE_CHECKING:
    from collections.abc import Callable

    from iblint.policies import PolicySet


class _ConfigFileError(click.ClickException):
    """A configuration file that cannot be used: one line (not a usage error: the command line
    was right), exit 2."""

    exit_code = EXIT_ERROR


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="iblint")
def cli() -> None:
    """iblint: an offline policy linter for AWS EC2 Image Builder definitions."""


def _adoption_options(command: Callable[..., int]) -> Callable[..., int]:
    """The options of ``check`` for suppressions, exclusions, gates, input, output, fixes and
    the baseline (README: "Adopting iblint")."""
    options = [
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Do not check files or folders matching GLOB (as .gitignore reads it); "
            "replaces the configuration's exclude. Named files are excluded too. Repeatable.",
        ),
        click.option(
            "--extend-exclude",
            multiple=True,
            metavar="GLOB",
            help="Exclude GLOB as well as the configuration's exclude. Repeatable.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["error", "warning", "note"]),
            help="Exit 1 only for findings of this severity or above (default: any finding).",
        ),
        click.option(
            "--stdin-filename",
            metavar="NAME",
            help="The name of the document read from standard input ('-'): its suffix picks "
            "the format, and findings and exclusions use it.",
        ),
        click.option(
            "--statistics", is_flag=True, help="Print how many findings each rule has, sorted."
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary."),
        click.option(
            "--show-source/--no-show-source",
            default=True,
            help="Show the offending source line with a caret under the span (text format).",
        ),
        click.option(
            "--show-suppressed",
            is_flag=True,
            help="Also show the findings suppressions hide, with their reasons (text format; "
            "SARIF and JSON always keep them, marked).",
        ),
        click.option(
            "--baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Report only findings this baseline file does not record.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Record today's findings in FILE (keeping the entries of files not checked) "
            "and exit 0.",
        ),
        click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what remains."),
        click.option(
            "--diff",
            is_flag=True,
            help="Print the safe fixes as a unified diff and write nothing; exit 1 if there "
            "is one.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "sarif", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output: complete or not at all (a "
    "temporary file renamed over FILE); a symlink at FILE is replaced, not followed.",
)
@click.option(
    "--select",
    multiple=True,
    help="Only these rules: IDs or prefixes (IB101, IB2), comma-separated or repeated. "
    "IB001, IB003, IB004, IB005 and IB006 (a file that could not be checked) stay on unless "
    "named in --ignore.",
)
@click.option(
    "--ignore",
    multiple=True,
    help="Skip these rules: IDs or prefixes, comma-separated or repeated.",
)
@click.option(
    "--catalog",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A component catalog document (GetComponent, ListComponentBuildVersions or ListComponents output) for IB401. Repeatable.",
)
@click.option(
    "--policy",
    "policy_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A policy file, or a directory of them (*.yaml): your own rules in CEL, run with the "
    "built-in ones. Repeatable; added to the configuration's `policies`.",
)
@click.option(
    "--option",
    "rule_options",
    multiple=True,
    metavar="RULE.NAME=VALUE",
    help="Set a rule option, e.g. IB202.maximum=2000. Repeatable.",
)
@click.option(
    "--severity",
    "severities",
    multiple=True,
    metavar="RULE=LEVEL",
    help="Override a rule's severity (error, warning, note), e.g. IB401=warning. Repeatable.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: the nearest iblint.toml, .iblint.toml or pyproject.toml with [tool.iblint]).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say on standard error which configuration file is used, or that none is.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output (default: on a terminal, unless NO_COLOR is set or TERM is dumb; "
    "FORCE_COLOR set to a non-empty value colours it anywhere).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, MAX_JOBS),
    help="Check the files in N processes (default: as many as pay off, one for every 16 "
    "files up to the number of CPUs; 1: one process). The report is the same either way.",
    metavar="N",
)
@_adoption_options
def check(**params: Any) -> int:
    """Check Image Builder definitions in PATHS (default: the current directory; '-' reads
    one document from standard input)."""
    return run_check(**params)


def replay(error: BaseException, args: list[str]) -> Any:
    """What the click path does when ``iblint check ARGS`` raises ``error``: :mod:`iblint.cli`
    parsed ARGS itself and ran the check, which raised; click parses them again (they are
    valid, :func:`iblint.cli.check_params` made sure) and is handed the same error from the
    command, so that a usage error shows this command's usage, an interrupt becomes click's
    abort and so on, exactly as if click had run the command. Returns or raises what
    ``cli.main`` does."""

    def raise_error(**params: Any) -> NoReturn:
        raise error

    command = copy.copy(check)
    command.callback = raise_error
    group = copy.copy(cli)
    group.commands = {**cli.commands, "check": command}
    return group.main(args=args, prog_name="iblint", standalone_mode=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
def components(paths: tuple[str, ...]) -> int:
    """Print every component ARN the recipes in PATHS (default: .) reference.

    One ARN a line, sorted, each once, ready for the shell loop that records the component
    catalog IB401 reads (see the README):

    \b
        for arn in $(iblint components .); do
            aws imagebuilder get-component \\
                --component-build-version-arn "$arn" > "catalog/...json"
        done

    Version and wildcard ARNs are printed as written: GetComponent takes them and resolves them
    to the latest available matching build. Values known only at deploy time are skipped; notes
    on what was left out go to standard error. Exits 0, or 2 for a usage error.
    """
    from iblint.components_list import list_components
    from iblint.discover import MissingPathError

    try:
        listing = list_components(list(paths) or ["."])
    except MissingPathError as error:
        raise click.UsageError(f"no such file or directory: {error}") from None
    for note in listing.notes:
        click.echo(f"iblint: {note}", err=True)
    try:
        for arn in listing.arns:
            click.echo(arn)
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()  # `iblint components . | head -1`: the reader had enough
    except OSError as error:
        _discard_stdout()
        raise click.ClickException(
            f"cannot write to standard output: {error.strerror or error}"
        ) from None
    return EXIT_CLEAN


def _policy_options(command: Callable[..., int]) -> Callable[..., int]:
    """The options that say where a command finds the users' policies."""
    command = click.option("--no-config", is_flag=True, help="Ignore configuration files.")(command)
    command = click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Configuration file whose `policies` to read (default: the nearest one).",
    )(command)
    return click.option(
        "--policy",
        "policy_paths",
        multiple=True,
        type=click.Path(path_type=Path),
        help="A policy file or directory, besides the configuration's. Repeatable.",
    )(command)


def _policy_set(
    policy_paths: tuple[Path, ...], config_path: Path | None, no_config: bool
) -> PolicySet | None:
    """The policies of the configuration file and of ``--policy`` (``None`` without any)."""
    from iblint.config import CLI_LABELS, Config
    from iblint.errors import IblintError

    file_config = _file_config(config_path, no_config, verbose=False)
    if not policy_paths:
        return file_config.policy_set
    try:
        config = Config.build(base=file_config, policies=policy_paths, where=CLI_LABELS)
    except IblintError as error:
        raise _ConfigFileError(str(error)) from None
    return config.policy_set


@cli.command()
@_policy_options
def rules(policy_paths: tuple[Path, ...], config_path: Path | None, no_config: bool) -> int:
    """List every rule: ID, name, default severity and summary; then your policies (those
    the configuration or --policy names), each with its file."""
    from iblint.specs import rule_index
    from iblint.text_safety import escaped, printable

    for entry in rule_index().values():
        click.echo(f"{entry.rule_id}  {entry.name:<28} {entry.severity.value:<8} {entry.summary}")
    for policy in _policy_set(policy_paths, config_path, no_config) or ():
        click.echo(
            f"{policy.id}  {policy.name:<28} {policy.severity.value:<8} "
            f"{printable(policy.summary)} (your policy: {escaped(policy.display)})"
        )
    return EXIT_CLEAN


@cli.command()
@click.argument("rule_id")
@_policy_options
def explain(
    rule_id: str, policy_paths: tuple[Path, ...], config_path: Path | None, no_config: bool
) -> int:
    """Show a rule's documentation with a failing and a fixed example (or a policy's, from the
    configuration or --policy)."""
    from iblint.rule_docs import help_text
    from iblint.specs import describe_options, load_specs, rule_index

    specs = load_specs()
    spec = specs.get(rule_id.strip().upper())
    if spec is None:
        by_name = {spec.name: spec for spec in specs.values()}
        spec = by_name.get(rule_id.strip().lower())
    if spec is None:
        policies = _policy_set(policy_paths, config_path, no_config)
        policy = policies.find(rule_id) if policies else None
        if policy is None:
            raise click.UsageError(f"unknown rule {rule_id!r}; `iblint rules` lists them")
        from iblint.policies.docs import help_text as policy_help_text

        click.echo(policy_help_text(policy), nl=False)
        return EXIT_CLEAN
    options = describe_options(spec.id, rule_index()[spec.id].options)
    click.echo(f"{help_text(spec)}\nDefault severity: {spec.severity.value}")
    click.echo(
        "Safe fix: yes, `iblint check --fix` applies it where the outcome is certain"
        if spec.fixable
        else "Safe fix: none"
    )
    if options:
        click.echo(f"\n{options}", nl=False)
    return EXIT_CLEAN


@cli.group()
def policy() -> None:
    """Your own policies: rules written in CEL, in YAML files (see the README)."""


@policy.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file whose `policies` to test when no PATHS are given.",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--verbose", "-v", is_flag=True, help="Name every example and its result.")
def policy_test(
    paths: tuple[Path, ...], config_path: Path | None, no_config: bool, verbose: bool
) -> int:
    """Run the examples of the policies in PATHS (files or directories; default: the
    configuration's policies): each bad example must give exactly the findings it lists, each
    good example none. Exits 0 when all pass, 1 when one fails, 2 for a policy that cannot be
    used, 5 when there is no example to run."""
    from iblint.errors import PolicyError
    from iblint.policies import load_policies
    from iblint.policies.testing import run_examples

    if paths:
        for path in paths:
            if not os.path.lexists(path):
                raise click.UsageError(f"no such file or directory: {path}")
        try:
            policies = load_policies(paths)
        except PolicyError as error:
            raise _ConfigFileError(str(error)) from None
    else:
        found = _policy_set((), config_path, no_config)
        if not found:
            raise click.UsageError(
                "no policies to test: name policy files or directories, or set policies = "
                "[...] in the configuration"
            )
        policies = found
    return run_examples(policies, sys.stdout, verbose=verbose)
