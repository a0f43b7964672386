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
        selected = not self.select or any(rule_id.startswith(prefix) for prefix in self.select)
        return selected and not any(rule_id.startswith(prefix) for prefix in self.ignore)

    def rule_options(self, rule_id: str, defaults: dict[str, Any]) -> dict[str, Any]:
        return {**defaults, **self.options.get(rule_id, {})}


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
    try:
        return "[tool.iblint" in pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


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
        data = data.get("tool", {}).get("iblint", {})
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
    for rule_id, level in severities.items():
        config.severity[rule_id] = parse_severity(level, f"{where}: severity.{rule_id}")
    options = data.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        raise ConfigError(f"{where}: options must be tables, e.g. [tool.iblint.options.IB202]")
    config.options = {rule_id: dict(values) for rule_id, values in options.items()}
    catalogs = data.get("catalog", [])
    if isinstance(catalogs, str):
        catalogs = [catalogs]
    if not isinstance(catalogs, list) or not all(isinstance(c, str) for c in catalogs):
        raise ConfigError(f"{where}: catalog must be a path or a list of paths")
    base = source.parent if source else Path.cwd()
    config.catalogs = [base / catalog for catalog in catalogs]
    return config


def parse_severity(level: object, where: str) -> Severity:
    try:
        return Severity(level)
    except ValueError:
        raise ConfigError(f"{where}: {level!r} is not one of error, warning, note") from None


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
