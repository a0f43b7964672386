"""The command line: ``iblint check``, ``iblint components``, ``iblint rules``, ``iblint explain``.

Thin on purpose: options become a :class:`~iblint.config.Config`, the library checks, a
reporter writes. Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.

The commands, their options and help are declared with click in :mod:`iblint.commands`. A
pre-commit hook runs ``iblint check FILE...`` on every commit, and importing click costs about
a fifth of such a run, so :func:`main` parses the plain ``check`` invocations itself
(:func:`check_params`: the options of ``check``, written as click reads them) and runs
:func:`run_check` without importing click. Anything else, or anything it is unsure of, goes to
click: help, ``--version``, the other commands, an unknown or malformed option, a path click
would refuse. An error of a check run this way is handed to click (:func:`iblint.commands.replay`),
so that what the user sees is what click shows. A test holds the two parsers equal.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from iblint.adoption import Inputs
    from iblint.config import Config
    from iblint.engine import Report
    from iblint.model import Finding
    from iblint.reporters import ReportContext, Reporter

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: The names this module gave the click commands before they moved to :mod:`iblint.commands`
#: (``from iblint.cli import cli`` still works; see :func:`__getattr__`).
_CLICK_NAMES = frozenset(
    {"cli", "check", "components", "rules", "explain", "policy", "policy_test"}
)


def __getattr__(name: str) -> Any:
    if name in _CLICK_NAMES:
        from iblint import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> NoReturn:
    """The ``iblint`` command (and ``python -m iblint``): :func:`main`, then out at once.

    What iblint wrote is flushed first; what it would leave to the interpreter's exit is only
    freeing every module and object, a seventh of a pre-commit run (10 ms of 70), so that is
    skipped. Nothing of iblint's runs at exit: reports and fixed files are written and closed
    before :func:`main` returns."""
    import contextlib

    from iblint.parallel import exit_frees_nothing

    exit_frees_nothing()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        # A reader gone or a stream closed: main() has said what it could.
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI and returns the exit code; never lets an exception escape."""
    try:
        result = _run(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence
        return _error_exit(error)
    return result if isinstance(result, int) else EXIT_CLEAN


def _run(argv: list[str] | None) -> Any:
    """What click's ``cli.main`` returns for ``argv`` (default: ``sys.argv[1:]``), without
    importing click when :func:`check_params` understands the arguments."""
    args = sys.argv[1:] if argv is None else argv
    params = None
    # Click expands wildcards in Windows arguments and answers shell completion requests.
    if (argv is not None or os.name != "nt") and not os.environ.get("_IBLINT_COMPLETE"):
        params = check_params(args)
    if params is None:
        from iblint.commands import cli

        return cli.main(args=argv, prog_name="iblint", standalone_mode=False)
    try:
        return run_check(**params)
    except BaseException as error:  # noqa: BLE001 - click handles it as it would have
        from iblint.commands import replay

        return replay(error, list(args))


def _error_exit(error: Exception) -> int:
    """The exit code of an error that reached :func:`main`, after saying what it was."""
    if "click" in sys.modules:  # else the error cannot be one of click's
        import click

        if isinstance(error, click.exceptions.Exit):
            return int(error.exit_code)
        if isinstance(error, click.ClickException):
            from iblint.text_safety import printable

            # A path or a value from a (committed) configuration file may be in the message.
            setattr(error, "message", printable(error.message))  # noqa: B010 - typed Final
            error.show()
            return EXIT_ERROR
        if isinstance(error, click.exceptions.Abort):
            click.echo("iblint: aborted", err=True)
            return EXIT_ERROR
    if isinstance(error, BrokenPipeError):
        # The reader went away (`iblint check | head`); not an error of ours.
        sys.stderr.close()  # no "Exception ignored" noise at exit
        return EXIT_FINDINGS
    import click

    from iblint.text_safety import printable

    text = printable(f"{type(error).__name__}: {error}", limit=500)
    click.echo(f"iblint: internal error: {text}", err=True)
    return EXIT_ERROR


# --- the fast path: `iblint check` parsed as click parses it ------------------------------------

#: ``check``'s options that take a value: the parameter each sets, whether it may be repeated,
#: and the value's type: a tuple of choices, ``str``, ``count`` (a whole number from 1 to
#: :data:`iblint.config.MAX_JOBS`), or a path (``path`` as a string, ``Path`` for a
#: ``pathlib.Path``, ``file``: a ``Path`` that may not be a directory), as declared in
#: :mod:`iblint.commands`.
_VALUE_OPTIONS: dict[str, tuple[str, bool, object]] = {
    "--format": ("output_format", False, ("text", "sarif", "json", "github", "gitlab")),
    "--output": ("output", False, "file"),
    "-o": ("output", False, "file"),
    "--select": ("select", True, str),
    "--ignore": ("ignore", True, str),
    "--catalog": ("catalog", True, "Path"),
    "--policy": ("policy_paths", True, "Path"),
    "--option": ("rule_options", True, str),
    "--severity": ("severities", True, str),
    "--config": ("config_path", False, "file"),
    "--exclude": ("exclude", True, str),
    "--extend-exclude": ("extend_exclude", True, str),
    "--fail-on": ("fail_on", False, ("error", "warning", "note")),
    "--stdin-filename": ("stdin_filename", False, str),
    "--baseline": ("baseline", False, "file"),
    "--write-baseline": ("write_baseline", False, "file"),
    "--jobs": ("jobs", False, "count"),
    "-j": ("jobs", False, "count"),
}
#: ``check``'s flags: the parameter each sets and the value it sets.
_FLAGS: dict[str, tuple[str, bool]] = {
    "--no-config": ("no_config", True),
    "--verbose": ("verbose", True),
    "-v": ("verbose", True),
    "--exit-zero": ("exit_zero", True),
    "--color": ("color", True),
    "--no-color": ("color", False),
    "--statistics": ("statistics", True),
    "--quiet": ("quiet", True),
    "-q": ("quiet", True),
    "--show-source": ("show_source", True),
    "--no-show-source": ("show_source", False),
    "--show-suppressed": ("show_suppressed", True),
    "--fix": ("fix", True),
    "--diff": ("diff", True),
}
#: Every parameter of ``check`` and the value click gives it when the option is not used.
CHECK_DEFAULTS: dict[str, object] = {
    "paths": (),
    "output_format": "text",
    "output": None,
    "select": (),
    "ignore": (),
    "catalog": (),
    "policy_paths": (),
    "rule_options": (),
    "severities": (),
    "config_path": None,
    "no_config": False,
    "verbose": False,
    "exit_zero": False,
    "color": None,
    "exclude": (),
    "extend_exclude": (),
    "fail_on": None,
    "stdin_filename": None,
    "statistics": False,
    "quiet": False,
    "show_source": True,
    "show_suppressed": False,
    "baseline": None,
    "write_baseline": None,
    "fix": False,
    "diff": False,
    "jobs": None,
}


def check_params(args: list[str]) -> dict[str, Any] | None:
    """The parameters click would pass to ``check`` for ``iblint ARGS``, or ``None`` when ARGS
    are not a plain ``check`` invocation this parser is sure to read as click does.

    It reads ``check`` first, then any mix of paths, ``--`` (paths only from there), flags,
    options and their values (``--select IB1`` or ``--select=IB1``); a value that starts with
    ``-`` is left to click, and so are ``-h``, ``--help``, short options run together and any
    word it does not know. Path values get click's ``click.Path`` checks, and any that click
    would refuse is left to click, which says why."""
    if not args or args[0] != "check" or not all(isinstance(arg, str) for arg in args):
        return None
    params: dict[str, Any] = dict(CHECK_DEFAULTS)
    repeated: dict[str, list[object]] = {}
    paths: list[str] = []
    words = args[1:]
    index = 0
    only_paths = False
    while index < len(words):
        word = words[index]
        index += 1
        if only_paths or word == "-" or not word.startswith("-"):
            if not _click_takes_path(word):
                return None
            paths.append(word)
            continue
        if word == "--":
            only_paths = True
            continue
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _FLAGS and not equals:
            parameter, flag_value = _FLAGS[name]
            params[parameter] = flag_value
            continue
        if name not in _VALUE_OPTIONS:
            return None
        if not equals:
            if index == len(words) or words[index].startswith("-"):
                return None
            value = words[index]
            index += 1
        parameter, multiple, kind = _VALUE_OPTIONS[name]
        converted = _converted(value, kind)
        if converted is None:
            return None
        if multiple:
            repeated.setdefault(parameter, []).append(converted)
        else:
            params[parameter] = converted
    params["paths"] = tuple(paths)
    for parameter, values in repeated.items():
        params[parameter] = tuple(values)
    return params


def _converted(value: str, kind: object) -> object:
    """``value`` as click converts it for an option of type ``kind`` (see
    :data:`_VALUE_OPTIONS`), or ``None`` when click would refuse it or may read it otherwise."""
    if kind is str:
        return value
    if isinstance(kind, tuple):
        return value if value in kind else None
    if kind == "count":  # plain ASCII digits in range; click words any other case
        from iblint.config import MAX_JOBS

        if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_JOBS:
            return int(value)
        return None
    if not _click_takes_path(value, directory_ok=kind != "file"):
        return None
    from pathlib import Path

    return Path(value)


def _click_takes_path(value: str, directory_ok: bool = True) -> bool:
    """Whether ``click.Path(exists=False, dir_okay=directory_ok)`` accepts ``value``: it
    refuses a path that exists and cannot be read, and a directory where a file is wanted."""
    if "\0" in value:
        return False  # click lets os.stat's ValueError through
    try:
        status = os.stat(value)
    except OSError:
        return True  # click's paths need not exist
    except ValueError:
        return False
    import stat

    if not directory_ok and stat.S_ISDIR(status.st_mode):
        return False
    return os.access(value, os.R_OK)


# --- iblint check ---------------------------------------------------------------------------------


def _usage_error(message: str) -> Exception:
    import click

    return click.UsageError(message)


def _config_file_error(message: str) -> Exception:
    from iblint.commands import _ConfigFileError

    return _ConfigFileError(message)


def _file_config(config_path: Path | None, no_config: bool, verbose: bool) -> Config:
    """The configuration file's values (none with ``--no-config``); with ``verbose``, says on
    standard error which file that is, before reading it. A file that cannot be used is a
    one-line error (exit 2); ``--config`` with ``--no-config`` a usage error."""
    from iblint.config import Config, find_config_file, load_config
    from iblint.errors import IblintError

    if config_path is not None and no_config:
        raise _usage_error("--config and --no-config cannot be used together")
    if no_config:
        path = None
    elif config_path is not None:
        path = config_path
    else:
        from pathlib import Path

        path = find_config_file(Path.cwd())
    if verbose:
        import click

        click.echo(f"iblint: configuration: {_config_note(path, config_path, no_config)}", err=True)
    try:
        return load_config(path) if path is not None else Config()
    except IblintError as error:
        raise _config_file_error(str(error)) from None


def _config_note(path: Path | None, config_path: Path | None, no_config: bool) -> str:
    """Which configuration file is used, or why none is (for ``--verbose``)."""
    from pathlib import Path

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


def run_check(
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
    jobs: int | None = None,
) -> int:
    """``iblint check``: the parameters are those of the click command
    (:func:`iblint.commands.check`). Errors are click's exceptions, made only when raised."""
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
            jobs=jobs,
        )
        if statistics and output_format != "text":
            raise _usage_error("--statistics prints text: use it with --format text")
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
        raise _usage_error(str(error)) from None
    except MissingPathError as error:
        raise _usage_error(f"no such file or directory: {error}") from None
    except PolicyError as error:  # a policy file that cannot be used: its file and line
        raise _config_file_error(str(error)) from None
    except IblintError as error:  # a command-line value, or a --catalog file
        raise _usage_error(str(error)) from None
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
        jobs=config.jobs,
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
    import click

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
    import click

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
        import click

        raise click.ClickException("cannot write the report to standard output: it is closed")
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        # Text the terminal's encoding cannot show (an ASCII locale) prints as an escape.
        import contextlib

        with contextlib.suppress(Exception):
            reconfigure(errors="backslashreplace")
    try:
        reporter(findings, context, stream)
        stream.flush()  # a full disk or a closed pipe shows here, not at exit
    except BrokenPipeError:
        _discard_stdout()
    except OSError as error:
        _discard_stdout()  # else the flush at exit fails again, noisily
        import click

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
        import click

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
