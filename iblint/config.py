"""Run configuration: rule selection, severities, rule options and catalogs.

Read from ``[tool.iblint]`` in ``pyproject.toml`` or from ``iblint.toml``/``.iblint.toml``
(found in the working directory or its parents, the nearest first), then overridden by the
command line. Validated by hand rather than with pydantic: importing pydantic would double the
start-up time of every pre-commit run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from iblint.model import Severity

CONFIG_FILE_NAMES = ("iblint.toml", ".iblint.toml", "pyproject.toml")

#: Rules that say a file could not be checked at all: invalid syntax (IB001), too large
#: (IB003), too deep (IB004), an alias bomb (IB005), unreadable (IB006). Selecting other rules
#: must not turn a file nobody checked into a clean result, so these stay selected whatever
#: ``select`` says; only an ``ignore`` of the ID or a prefix of it turns them off. A duplicate
#: key (IB002) leaves the file checked and follows ``select`` like any rule.
ALWAYS_SELECTED = frozenset({"IB001", "IB003", "IB004", "IB005", "IB006"})


class ConfigError(ValueError):
    """A configuration value that cannot be used; the CLI exits 2 with its message."""


class Config:
    """What to check and how; every field may come from a file and the command line."""

    __slots__ = ("catalogs", "ignore", "options", "select", "severity", "source")

    def __init__(self, source: Path | None = None) -> None:
        self.select: list[str] = []
        self.ignore: list[str] = []
        self.severity: dict[str, Severity] = {}
        self.options: dict[str, dict[str, Any]] = {}
        self.catalogs: list[Path] = []
        self.source = source

    def is_selected(self, rule_id: str) -> bool:
        """Whether ``rule_id`` runs: it matches no ``ignore`` prefix and it matches a ``select``
        prefix, ``select`` is empty, or it is one of :data:`ALWAYS_SELECTED` (the rules that
        report a file that could not be checked, which ``select`` never turns off). Prefixes
        match whatever their letter case."""
        rule_id = rule_id.strip().upper()
        if any(rule_id.startswith(prefix.strip().upper()) for prefix in self.ignore):
            return False
        return (
            not self.select
            or rule_id in ALWAYS_SELECTED
            or any(rule_id.startswith(prefix.strip().upper()) for prefix in self.select)
        )

    def rule_options(self, rule_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
        """``defaults`` updated with the options set for ``rule_id`` (in any letter case)."""
        values: dict[str, Any] = {}
        for key, table in self.options.items():
            if key.strip().upper() == rule_id.strip().upper():
                values.update(table)
        return {**defaults, **values}


def find_config_file(start: Path) -> Path | None:
    """The nearest iblint configuration at or above ``start``."""
    for directory in (start, *start.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_iblint_table(candidate):
                return candidate
    return None


def _has_iblint_table(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` has a ``tool.iblint`` key, in any TOML spelling
    (``[tool.iblint]``, dotted keys, an inline table); a comment does not count. A file that is
    not valid TOML counts when it mentions iblint at all, so that its error is shown rather than
    its settings silently dropped."""
    import tomllib

    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "iblint" in text
    tool = data.get("tool")
    return isinstance(tool, dict) and "iblint" in tool


def load_config(path: Path | None) -> Config:
    """The configuration in ``path`` (an empty one for ``None``)."""
    if path is None:
        return Config()
    import tomllib

    try:
        with path.open("rb") as stream:
            data = tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, dict) or "iblint" not in tool:
            raise ConfigError(f"{path}: no [tool.iblint] table")
        data = tool["iblint"]
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: tool.iblint must be a table, e.g. [tool.iblint]")
    return config_from_mapping(data, path)


def config_from_mapping(data: dict[str, Any], source: Path | None) -> Config:
    where = str(source) if source else "configuration"
    known = {"select", "ignore", "severity", "options", "catalog"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    config = Config(source=source)
    config.select = rule_prefixes(data.get("select", []), f"{where}: select")
    config.ignore = rule_prefixes(data.get("ignore", []), f"{where}: ignore")
    severities = data.get("severity", {})
    if not isinstance(severities, dict):
        raise ConfigError(f"{where}: severity must be a table of rule ID = level")
    for key, level in severities.items():
        rule_id = rule_id_of(key, f"{where}: severity")
        config.severity[rule_id] = parse_severity(level, f"{where}: severity.{key}")
    options = data.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        raise ConfigError(f"{where}: options must be tables, e.g. [tool.iblint.options.IB202]")
    for key, values in options.items():
        config.options.setdefault(rule_id_of(key, f"{where}: options"), {}).update(values)
    check_options(config.options, where)
    catalogs = data.get("catalog", [])
    if isinstance(catalogs, str):
        catalogs = [catalogs]
    if not isinstance(catalogs, list) or not all(isinstance(c, str) for c in catalogs):
        raise ConfigError(f"{where}: catalog must be a path or a list of paths")
    base = source.parent if source else Path.cwd()
    config.catalogs = [base / catalog for catalog in catalogs]
    return config


def parse_severity(level: object, where: str) -> Severity:
    """A severity level in any letter case: error, warning or note."""
    try:
        return Severity(level.strip().lower() if isinstance(level, str) else level)
    except ValueError:
        raise ConfigError(f"{where}: {level!r} is not one of error, warning, note") from None


def rule_id_of(key: str, where: str) -> str:
    """``key`` as a known rule ID, in upper case."""
    from iblint.registry import all_rule_ids

    rule_id = key.strip().upper()
    if not rule_id:
        raise ConfigError(f"{where}: the rule ID is missing, e.g. IB401")
    if rule_id not in all_rule_ids():
        raise ConfigError(f"{where}: unknown rule {key.strip()} (see `iblint rules`)")
    return rule_id


#: The smallest sensible value of numeric rule options, by (rule ID, option name).
OPTION_MINIMUMS: dict[tuple[str, str], int] = {("IB003", "max_bytes"): 1, ("IB202", "minimum"): 0}


def check_options(
    options: dict[str, dict[str, Any]],
    where: str,
    base: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Every option must be one its rule's spec declares, with a value of the default's type
    and in range; ``base`` holds options set before (a configuration file's), with which
    ``options`` are combined for the checks that involve two options.

    Raises :class:`ConfigError` (a usage error) naming ``where`` rather than letting a check
    fail on ``int("lots")`` in the middle of a run.
    """
    from iblint.specs import rule_index

    index = rule_index()
    for rule_id, values in options.items():
        if rule_id not in index:
            raise ConfigError(f"{where}: unknown rule {rule_id} (see `iblint rules`)")
        declared = index[rule_id].options
        for name, value in values.items():
            if name not in declared:
                takes = (
                    f"its options are {', '.join(sorted(declared))}"
                    if declared
                    else "it takes no options"
                )
                raise ConfigError(f"{where}: {rule_id} has no option {name!r}; {takes}")
            _check_option_value(rule_id, name, value, declared[name], where)
        merged = {**declared, **(base or {}).get(rule_id, {}), **values}
        low, high = merged.get("minimum"), merged.get("maximum")
        if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
            raise ConfigError(
                f"{where}: option {rule_id}.minimum ({low}) is greater than "
                f"{rule_id}.maximum ({high})"
            )


def _check_option_value(
    rule_id: str, name: str, value: object, default: object, where: str
) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    wrong_type = not isinstance(value, type(default)) or (
        isinstance(value, bool) != isinstance(default, bool)
    )
    if default is not None and wrong_type and not (isinstance(default, float) and number):
        raise ConfigError(
            f"{where}: option {rule_id}.{name} must be {_type_name(default)} "
            f"(default {default!r}), not {value!r}"
        )
    smallest = OPTION_MINIMUMS.get((rule_id, name))
    if (
        smallest is not None
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and value < smallest
    ):
        raise ConfigError(
            f"{where}: option {rule_id}.{name} must be at least {smallest}, not {value!r}"
        )


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def rule_prefixes(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of rule IDs or prefixes")
    prefixes = [item.strip().upper() for item in value]
    for prefix in prefixes:
        if not prefix.startswith("IB") or not prefix[2:].isdigit() or len(prefix) > 5:
            raise ConfigError(
                f"{where}: {prefix!r} is not a rule ID or prefix such as IB101 or IB2"
            )
    if prefixes:
        from iblint.registry import all_rule_ids

        known = all_rule_ids()
        for prefix in prefixes:
            if not any(rule_id.startswith(prefix) for rule_id in known):
                what = "unknown rule" if len(prefix) == 5 else "no rule starts with"
                raise ConfigError(f"{where}: {what} {prefix} (see `iblint rules`)")
    return prefixes
