"""The command line: ``iblint check``, ``iblint components``, ``iblint rules``, ``iblint explain``.

Thin on purpose: options become a :class:`~iblint.config.Config`, the library checks, a
reporter writes. Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from iblint import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

    from iblint.adoption import Inputs
    from iblint.config import Config
    from iblint.engine import Report
    from iblint.model import Finding
    from iblint.policies import PolicySet
    from iblint.reporters import ReportContext, Reporter

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _ConfigFileError(click.ClickException):
    """A configuration file that cannot be used: one line (not a usage error: the command line
    was right), exit 2."""

    exit_code = EXIT_ERROR


def _file_config(config_path: Path | None, no_config: bool, verbose: bool) -> Config:
    """The configuration file's values (none with ``--no-config``); with ``verbose``, says on
    standard error which file that is, before reading it. A file that cannot be used is a
    one-line error (exit 2); ``--config`` with ``--no-config`` a usage error."""
    from iblint.config import Config, find_config_file, load_config
    from iblint.errors import IblintError

    if config_path is not None and no_config:
        raise click.UsageError("--config and --no-config cannot be used together")
    if no_config:
        path = None
    elif config_path is not None:
        path = config_path
    else:
        path = find_config_file(Path.cwd())
    if verbose:
        click.echo(f"iblint: configuration: {_config_note(path, config_path, no_config)}", err=True)
    try:
        return load_config(path) if path is not None else Config()
    except IblintError as error:
        raise _ConfigFileError(str(error)) from None


def _config_note(path: Path | None, config_path: Path | None, no_config: bool) -> str:
    """Which configuration file is used, or why none is (for ``--verbose``)."""
    from iblint.config import find_config_file, repository_root
    from iblint.text_safety import escaped

    if no_config:
        return "none (--no-config)"
    if config_path is not None:
        return f"{escaped(str(config_path))} (--config)"
    if path is not None:
        return escaped(str(path))
    cwd = Path.cwd()
    root = repository_root(cwd)
    if root is None:
        return f"none found in {escaped(str(cwd))} or its parents"
    note = f"none found in {escaped(str(cwd))} or its parents up to the repository root"
    if root != cwd:
        note += f" {escaped(str(root))}"
    above = find_config_file(root.parent) if root.parent != root else None
    if above is not None:
        note += f"; {escaped(str(above))} is above the repository, so it is not applied"
    return note


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
@_adoption_options
def check(
    paths: tuple[str, ...],
    output_format: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    catalog: tuple[Path, ...],
    policy_paths: tuple[Path, ...],
    rule_options: tuple[str, ...],
    severities: tuple[str, ...],
    config_path: Path | None,
    no_config: bool,
    verbose: bool,
    exit_zero: bool,
    color: bool | None,
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
    fail_on: str | None = None,
    stdin_filename: str | None = None,
    statistics: bool = False,
    quiet: bool = False,
    show_source: bool = True,
    show_suppressed: bool = False,
    baseline: Path | None = None,
    write_baseline: Path | None = None,
    fix: bool = False,
    diff: bool = False,
) -> int:
    """Check Image Builder definitions in PATHS (default: the current directory; '-' reads
    one document from standard input)."""
    from iblint.adoption import UsageProblem, fails, gather
    from iblint.config import CLI_LABELS, Config, options_from_text, severities_from_text
    from iblint.discover import MissingPathError
    from iblint.engine import check_files
    from iblint.errors import IblintError, PolicyError
    from iblint.reporters import ReportContext, get_reporter

    file_config = _file_config(config_path, no_config, verbose)
    try:
        # The command line's values go on top of the file's, through the same builder.
        config = Config.build(
            base=file_config,
            select=select or None,
            ignore=ignore or None,
            severity=severities_from_text(severities),
            options=options_from_text(rule_options),
            catalogs=catalog,
            where=CLI_LABELS,
            policies=policy_paths or None,
            exclude=exclude or None,
            extend_exclude=extend_exclude or None,
            fail_on=fail_on,
            baseline=baseline,
        )
        if statistics and output_format != "text":
            raise click.UsageError("--statistics prints text: use it with --format text")
        max_bytes = _file_size_limit(config)
        inputs = gather(paths, stdin_filename, config, max_bytes)
        report = check_files(inputs.files, config)
        if fix or diff:
            fixed = _fixed(report, inputs, config, diff, quiet)
            if diff:
                return EXIT_FINDINGS if fixed is None else EXIT_CLEAN
            report = fixed or report
        if write_baseline is not None:
            recorded = [*report.findings, *report.baselined]
            return _write_baseline(write_baseline, recorded, inputs.checked, quiet)
    except UsageProblem as error:
        raise click.UsageError(str(error)) from None
    except MissingPathError as error:
        raise click.UsageError(f"no such file or directory: {error}") from None
    except PolicyError as error:  # a policy file that cannot be used: its file and line
        raise _ConfigFileError(str(error)) from None
    except IblintError as error:  # a command-line value, or a --catalog file
        raise click.UsageError(str(error)) from None
    reporter = get_reporter(output_format)
    # Colour only on standard output, never in a file.
    use_color = output is None and (_use_color(sys.stdout) if color is None else color)
    context = ReportContext(
        report.files_checked,
        use_color and output_format == "text",
        severities=config.severity,
        max_file_bytes=max_bytes,
        policies=config.policy_set,
        suppressed=report.suppressed,
        show_suppressed=show_suppressed,
        show_source=show_source,
        quiet=quiet,
        sources=inputs.sources,
        baselined=len(report.baselined),
    )
    if statistics:
        reporter = _statistics_reporter
    if output is None:
        _report_to_stdout(reporter, report.findings, context)
    else:
        _report_to_file(reporter, report.findings, context, output)
    if fails(report.findings, config.fail_on) and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _statistics_reporter(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    from iblint.fixes import FIXABLE
    from iblint.reporters.text import statistics, summary

    for line in statistics(findings, FIXABLE):
        stream.write(line + "\n")
    if not context.quiet:
        stream.write(summary(findings, context.files_checked, context) + "\n")


def _fixed(
    report: Report, inputs: Inputs, config: Config, diff: bool, quiet: bool
) -> Report | None:
    """Applies (or with ``diff`` prints) the safe fixes. Returns the report of a new check of
    the fixed files; with ``diff``, ``None`` when there was a diff and the report otherwise."""
    from iblint.engine import check_files
    from iblint.fixes import fix_text, planned_fixes, unified_diff, write_fixed

    fixable = [finding for finding in report.findings if finding.edits]
    if inputs.sources:  # standard input: the fixed document goes to standard output
        ((name, text),) = inputs.sources.items()
        fixed_text, applied = fix_text(text, fixable)
        if diff:
            from iblint.fixes import FixedFile

            if not applied:
                return report
            click.echo(unified_diff(FixedFile(name, text, fixed_text, applied)), nl=False)
            return None
        click.echo(fixed_text, nl=False)
        raise click.exceptions.Exit(EXIT_CLEAN)
    planned = planned_fixes(fixable, _file_size_limit(config))
    if diff:
        for fixed in planned:
            click.echo(unified_diff(fixed), nl=False)
        return None if planned else report
    applied = 0
    for fixed in planned:
        try:
            write_fixed(fixed)
        except OSError as error:
            raise click.ClickException(
                f"cannot write the fixed {fixed.path}: {error.strerror or error}"
            ) from None
        applied += fixed.applied
    if planned and not quiet:
        from iblint.adoption import rule_counts_line

        click.echo(f"iblint: applied {rule_counts_line(applied, len(planned))}", err=True)
    if not planned:
        return report
    return check_files(inputs.files, config)


def _write_baseline(path: Path, findings: list[Finding], checked: list[str], quiet: bool) -> int:
    from iblint.baseline import write_baseline
    from iblint.text_safety import escaped

    try:
        count = write_baseline(path, findings, checked)
    except OSError as error:
        raise click.ClickException(
            f"cannot write the baseline {escaped(str(path))}: {error.strerror or error}"
        ) from None
    if not quiet:
        click.echo(
            f"iblint: recorded {count} finding{'s' if count != 1 else ''} in {escaped(str(path))}",
            err=True,
        )
    return EXIT_CLEAN


def _file_size_limit(config: Config) -> int:
    """The IB003 limit of this run (validated, at least 1); the SARIF reporter reads no larger
    file."""
    limit: int = config.rule_options("IB003")["max_bytes"]
    return limit


def _report_to_stdout(reporter: Reporter, findings: list[Finding], context: ReportContext) -> None:
    """Writes the report to standard output. A reader that went away (`iblint check | head`)
    is its business, not an error: the exit code still says whether there were findings. A
    closed or failing standard output is a one-line error (exit 2): the report was lost."""
    stream = sys.stdout
    if stream is None:  # started with it closed: `iblint check >&-`
        raise click.ClickException("cannot write the report to standard output: it is closed")
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # Text the terminal's encoding cannot show (an ASCII locale) prints as an escape.
        with contextlib.suppress(Exception):
            reconfigure(errors="backslashreplace")
    try:
        reporter(findings, context, stream)
        stream.flush()  # a full disk or a closed pipe shows here, not at exit
    except BrokenPipeError:
        _discard_stdout()
    except OSError as error:
        _discard_stdout()  # else the flush at exit fails again, noisily
        raise click.ClickException(
            f"cannot write the report to standard output: {error.strerror or error}"
        ) from None


def _report_to_file(
    reporter: Reporter, findings: list[Finding], context: ReportContext, output: Path
) -> None:
    """Writes the report to ``output`` atomically, replacing (never following) a symlink there:
    see :func:`iblint.reporters.output.write_report_file`. A failure is a one-line error and
    leaves no partial file."""
    from iblint.reporters.output import write_report_file
    from iblint.text_safety import escaped

    try:
        write_report_file(output, lambda stream: reporter(findings, context, stream))
    except OSError as error:
        raise click.ClickException(
            f"cannot write the report to {escaped(str(output))}: {error.strerror or error}"
        ) from None


def _discard_stdout() -> None:
    """Points standard output at the null device, so that what is still buffered for a stream
    that failed goes nowhere instead of failing again when Python flushes it at exit."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test harness's buffer): nothing is flushed at exit
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, descriptor)
    finally:
        os.close(null)


def _use_color(stream: TextIO | None) -> bool:
    """Colour by default only on a terminal that can show it, and not when NO_COLOR is set;
    FORCE_COLOR (any value but empty, 0 or false) colours it anywhere, NO_COLOR winning."""
    if stream is None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").strip().lower() not in ("", "0", "false"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


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


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI and returns the exit code; never lets an exception escape."""
    try:
        result = cli.main(args=argv, prog_name="iblint", standalone_mode=False)
    except click.exceptions.Exit as exit_request:
        return int(exit_request.exit_code)
    except click.ClickException as error:
        from iblint.text_safety import printable

        # A path or a value from a (committed) configuration file may be in the message.
        setattr(error, "message", printable(error.message))  # noqa: B010 - typed Final
        error.show()
        return EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("iblint: aborted", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`iblint check | head`); not an error of ours.
        sys.stderr.close()  # no "Exception ignored" noise at exit
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence
        from iblint.text_safety import printable

        text = printable(f"{type(error).__name__}: {error}", limit=500)
        click.echo(f"iblint: internal error: {text}", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN
