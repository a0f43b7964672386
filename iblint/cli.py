"""The command line: ``iblint check``, ``iblint rules``, ``iblint explain``.

Thin on purpose: options become a :class:`~iblint.config.Config`, the library checks, a
reporter writes. Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from iblint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _split_ids(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _parse_option(text: str) -> tuple[str, str, Any]:
    """``IB202.maximum=2000`` to ("IB202", "maximum", 2000)."""
    target, separator, raw = text.partition("=")
    rule_id, dot, name = target.partition(".")
    if not separator or not dot or not rule_id.strip() or not name.strip():
        raise click.BadParameter(f"{text!r} is not RULE.NAME=VALUE, e.g. IB202.maximum=2000")
    value: Any = raw
    if raw.strip().lower() in ("true", "false"):
        value = raw.strip().lower() == "true"
    with contextlib.suppress(ValueError):
        value = int(raw)
    return rule_id.strip().upper(), name.strip(), value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="iblint")
def cli() -> None:
    """iblint: an offline policy linter for AWS EC2 Image Builder definitions."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "sarif", "json", "github"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
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
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output (default: on a terminal, unless NO_COLOR is set or TERM is dumb).",
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    output: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    catalog: tuple[Path, ...],
    rule_options: tuple[str, ...],
    severities: tuple[str, ...],
    config_path: Path | None,
    no_config: bool,
    exit_zero: bool,
    color: bool | None,
) -> int:
    """Check Image Builder definitions in PATHS (default: the current directory)."""
    from iblint.config import (
        ConfigError,
        check_options,
        config_from_mapping,
        find_config_file,
        load_config,
        parse_severity,
        rule_id_of,
        rule_prefixes,
    )
    from iblint.discover import MissingPathError, discover
    from iblint.engine import CatalogError, check_files
    from iblint.reporters import ReportContext, get_reporter

    if config_path is not None and no_config:
        raise click.UsageError("--config and --no-config cannot be used together")
    try:
        if config_path is not None:
            config = load_config(config_path)
        elif no_config:
            config = config_from_mapping({}, None)
        else:
            config = load_config(find_config_file(Path.cwd()))
        if select:
            config.select = rule_prefixes(_split_ids(select), "--select")
        if ignore:
            config.ignore = rule_prefixes(_split_ids(ignore), "--ignore")
        for text in severities:
            key, separator, level = text.partition("=")
            if not separator:
                raise ConfigError(f"--severity {text!r} is not RULE=LEVEL, e.g. IB401=warning")
            rule_id = rule_id_of(key, f"--severity {text!r}")
            config.severity[rule_id] = parse_severity(level, f"--severity {rule_id}")
        cli_options: dict[str, dict[str, Any]] = {}
        for text in rule_options:
            rule_id, name, value = _parse_option(text)
            cli_options.setdefault(rule_id, {})[name] = value
        check_options(cli_options, "--option", base=config.options)
        for rule_id, values in cli_options.items():
            config.options.setdefault(rule_id, {}).update(values)
        config.catalogs.extend(catalog)
        files = list(discover(list(paths) or ["."]))
        report = check_files(files, config)
    except MissingPathError as error:
        raise click.UsageError(f"no such file or directory: {error}") from None
    except (ConfigError, CatalogError) as error:
        raise click.UsageError(str(error)) from None
    reporter = get_reporter(output_format)
    stream: TextIO = sys.stdout
    if output is not None:
        try:
            stream = output.open("w", encoding="utf-8")
        except OSError as error:
            raise click.FileError(str(output), error.strerror or str(error)) from None
    # Colour only on standard output, never in a file.
    use_color = output is None and (_use_color(stream) if color is None else color)
    context = ReportContext(
        report.files_checked, use_color and output_format == "text", severities=config.severity
    )
    try:
        reporter(report.findings, context, stream)
        stream.flush()  # a full disk or a closed pipe shows here, not at exit
    except BrokenPipeError:
        # The reader went away (`iblint check | head`): its business, not an error of ours.
        # The exit code still says whether there were findings.
        _discard_stdout()
    except OSError as error:
        if output is None:
            _discard_stdout()  # else the flush at exit fails again, noisily
        where = "standard output" if output is None else str(output)
        raise click.ClickException(
            f"cannot write the report to {where}: {error.strerror or error}"
        ) from None
    finally:
        if output is not None:
            with contextlib.suppress(OSError):  # what failed above fails again on close
                stream.close()
    if report.findings and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


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


def _use_color(stream: TextIO) -> bool:
    """Colour by default only on a terminal that can show it, and not when NO_COLOR is set."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


@cli.command()
def rules() -> int:
    """List every rule: ID, name, default severity and summary."""
    from iblint.specs import rule_index

    for entry in rule_index().values():
        click.echo(f"{entry.rule_id}  {entry.name:<28} {entry.severity.value:<8} {entry.summary}")
    return EXIT_CLEAN


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> int:
    """Show a rule's documentation with a failing and a fixed example."""
    from iblint.rule_docs import help_text
    from iblint.specs import load_specs

    specs = load_specs()
    spec = specs.get(rule_id.strip().upper())
    if spec is None:
        by_name = {spec.name: spec for spec in specs.values()}
        spec = by_name.get(rule_id.strip().lower())
    if spec is None:
        raise click.UsageError(f"unknown rule {rule_id!r}; `iblint rules` lists them")
    click.echo(f"{help_text(spec)}\nDefault severity: {spec.severity.value}")
    return EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    """Runs the CLI and returns the exit code; never lets an exception escape."""
    try:
        result = cli.main(args=argv, prog_name="iblint", standalone_mode=False)
    except click.exceptions.Exit as exit_request:
        return int(exit_request.exit_code)
    except click.ClickException as error:
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
        click.echo(f"iblint: internal error: {type(error).__name__}: {error}", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_CLEAN
