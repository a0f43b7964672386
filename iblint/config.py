"""Run configuration: rule selection, severities, rule options and catalogs.

One frozen, validated :class:`Config`, built the same way for every caller by
:meth:`Config.build`: a configuration file (``[tool.iblint]`` in ``pyproject.toml``, or
``iblint.toml``/``.iblint.toml``, the nearest at or above the working directory and no higher
than the repository root) is read by :func:`load_config`; the command line builds on it with
the same method, naming its own options in messages. A library caller does the same::

    from iblint import check_paths
    from iblint.config import Config

    config = Config.build(select=["IB1", "IB2"], options={"IB202": {"maximum": 2000}})
    report = check_paths(["infra/"], config)

Every value is checked against the rule specs when the configuration is built, and a bad one
raises :class:`~iblint.errors.ConfigError` naming where it came from; a check never meets an
option it cannot use. Validated by hand rather than with pydantic: importing pydantic would
double the start-up time of every pre-commit run.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from iblint.errors import ConfigError
from iblint.model import Severity
from iblint.text_safety import clipped, escaped, shown

if TYPE_CHECKING:
    from iblint.policies import PolicySet
    from iblint.specs import OptionSpec

__all__ = [
    "ALWAYS_SELECTED",
    "CLI_LABELS",
    "CONFIG_FILE_NAMES",
    "Config",
    "ConfigError",
    "find_config_file",
    "load_config",
    "options_from_text",
    "repository_root",
    "severities_from_text",
]

CONFIG_FILE_NAMES = ("iblint.toml", ".iblint.toml", "pyproject.toml")

#: Rules that say a file could not be checked at all: invalid syntax (IB001), too large
#: (IB003), too deep (IB004), an alias bomb (IB005), unreadable (IB006), over its time budget
#: (IB007). Selecting other rules
#: must not turn a file nobody checked into a clean result, so these stay selected whatever
#: ``select`` says; only an ``ignore`` of the ID or a prefix of it turns them off. A duplicate
#: key (IB002) leaves the file checked and follows ``select`` like any rule.
ALWAYS_SELECTED = frozenset({"IB001", "IB003", "IB004", "IB005", "IB006", "IB007"})

#: How the command line names each setting in its messages (see :meth:`Config.build`).
CLI_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "select": "--select",
        "ignore": "--ignore",
        "severity": "--severity",
        "options": "--option",
        "catalog": "--catalog",
        "policies": "--policy",
        "exclude": "--exclude",
        "extend-exclude": "--extend-exclude",
        "fail-on": "--fail-on",
        "baseline": "--baseline",
    }
)

#: A configuration file larger than this is refused unread (real ones are a few KiB).
MAX_CONFIG_BYTES = 1024 * 1024
#: How deep a configuration file may nest (arrays, tables, dotted keys), as IB004 bounds a
#: checked file. Python's TOML reader recurses into arrays and spends time and memory
#: quadratic in the depth of a dotted key (``a.a.a…`` 100,000 deep would take gigabytes).
MAX_CONFIG_DEPTH = 200

_SETTINGS = ("select", "ignore", "severity", "options", "catalog", "policies")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


#: The most processes ``jobs`` may ask for.
MAX_JOBS = 64

#: The fields of :class:`Config`, in the order its constructor takes them.
_FIELDS = (
    "select",
    "ignore",
    "severity",
    "options",
    "catalogs",
    "source",
    "require_reason",
    "exclude",
    "extend_exclude",
    "per_file_ignores",
    "fail_on",
    "baseline",
    "policies",
    "policy_set",
    "jobs",
)
#: The fields of :class:`Config` its hash is made of: not the mappings, nor ``policy_set``.
_HASHED = (
    "select",
    "ignore",
    "catalogs",
    "source",
    "require_reason",
    "exclude",
    "extend_exclude",
    "fail_on",
    "baseline",
    "policies",
    "jobs",
)


class Config:
    """What to check and how. Immutable; build one with :meth:`Config.build` (or
    :func:`load_config` for a file). ``Config()`` checks every rule with its defaults.

    Values given to the constructor are validated and normalised as :meth:`build` does
    (rule IDs in upper case, severities as :class:`~iblint.model.Severity`); a bad one raises
    :class:`~iblint.errors.ConfigError`.

    Written out rather than made with :mod:`dataclasses`, which imports :mod:`inspect` (about
    a tenth of a one-file run). It behaves as the frozen, slotted dataclass it was: fields by
    keyword or in this order, ``==`` on the fields but ``policy_set``, ``hash`` on those but
    the mappings, ``dataclasses.FrozenInstanceError`` on assignment, the same ``repr`` and
    pickling; a test holds it to that.
    """

    __slots__ = _FIELDS

    #: Rule IDs or prefixes to run (empty: every rule), in upper case.
    select: tuple[str, ...]
    #: Rule IDs or prefixes to skip; wins over ``select``.
    ignore: tuple[str, ...]
    #: Severity overrides by rule ID.
    severity: Mapping[str, Severity]
    #: Rule options set (the others keep their spec's default), by rule ID then name.
    options: Mapping[str, Mapping[str, Any]]
    #: Component catalog documents for IB401.
    catalogs: tuple[Path, ...]
    #: The configuration file the values came from, if any.
    source: Path | None
    #: Whether a suppression must give a reason to suppress anything (``require-reason``).
    require_reason: bool
    #: Globs of files and folders not checked (``exclude``), and more of them
    #: (``extend-exclude``); see :mod:`iblint.exclusions`.
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    #: Glob to the rule IDs or prefixes turned off in the files it matches
    #: (``per-file-ignores``).
    per_file_ignores: Mapping[str, tuple[str, ...]]
    #: The least severity that fails the run (``fail-on``); ``None``: any finding does.
    fail_on: Severity | None
    #: A baseline file (``baseline``): the findings it records are not reported.
    baseline: Path | None
    #: Policy files and directories (the users' own rules, :mod:`iblint.policies`).
    policies: tuple[Path, ...]
    #: The policies read from ``policies`` (read when the configuration is built).
    policy_set: PolicySet | None
    #: How many processes check the files (``--jobs``); ``None``: as many as pay off, and
    #: none forked while this process runs other threads (:mod:`iblint.parallel`); 1: this
    #: process only.
    jobs: int | None

    def __init__(
        self,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        severity: Mapping[str, Severity] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        catalogs: tuple[Path, ...] = (),
        source: Path | None = None,
        require_reason: bool = True,
        exclude: tuple[str, ...] = (),
        extend_exclude: tuple[str, ...] = (),
        per_file_ignores: Mapping[str, tuple[str, ...]] | None = None,
        fail_on: Severity | None = None,
        baseline: Path | None = None,
        policies: tuple[Path, ...] = (),
        policy_set: PolicySet | None = None,
        jobs: int | None = None,
    ) -> None:
        given = (
            select,
            ignore,
            _empty() if severity is None else severity,
            _empty() if options is None else options,
            catalogs,
            source,
            require_reason,
            exclude,
            extend_exclude,
            _empty() if per_file_ignores is None else per_file_ignores,
            fail_on,
            baseline,
            policies,
            policy_set,
            jobs,
        )
        for name, value in zip(_FIELDS, given, strict=True):
            object.__setattr__(self, name, value)
        where = _display(self.source) if self.source is not None else "configuration"
        policies = _policy_paths(self.policies, _label(where, "policies"))
        object.__setattr__(self, "policies", policies)
        if policies and self.policy_set is None:
            object.__setattr__(self, "policy_set", _load_policies(policies))
        normal = _normalised(
            where,
            policy_ids=_policy_ids(self.policy_set),
            select=self.select,
            ignore=self.ignore,
            severity=self.severity,
            options=self.options,
            catalog=self.catalogs,
        )
        _check_option_relations(normal.get("options", {}), _label(where, "options"))
        normal |= _adoption_settings(
            where,
            require_reason=self.require_reason,
            exclude=self.exclude,
            extend_exclude=self.extend_exclude,
            per_file_ignores=self.per_file_ignores,
            fail_on=self.fail_on,
            baseline=self.baseline,
        )
        for name, value in normal.items():
            object.__setattr__(self, name, value)
        if self.jobs is not None and (type(self.jobs) is not int or not 1 <= self.jobs <= MAX_JOBS):
            raise ConfigError(
                f"{_label(where, 'jobs')}: expected a whole number from 1 to {MAX_JOBS}"
            )

    # What @dataclass(frozen=True, slots=True) wrote, field by field.

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS if name != "policy_set")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Config)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in _HASHED))

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}" for name in _FIELDS if name != "policy_set"
        )
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> list[Any]:
        return [getattr(self, name) for name in _FIELDS]

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(_FIELDS, state, strict=True):
            object.__setattr__(self, name, value)

    @classmethod
    def build(
        cls,
        *,
        select: str | Iterable[str] | None = None,
        ignore: str | Iterable[str] | None = None,
        severity: Mapping[str, Severity | str] | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        catalogs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        source: Path | None = None,
        policies: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        base: Config | None = None,
        where: str | Mapping[str, str] = "configuration",
        require_reason: bool | None = None,
        exclude: str | Iterable[str] | None = None,
        extend_exclude: str | Iterable[str] | None = None,
        per_file_ignores: Mapping[str, str | Iterable[str]] | None = None,
        fail_on: Severity | str | None = None,
        baseline: str | os.PathLike[str] | None = None,
        jobs: int | None = None,
    ) -> Config:
        """A validated configuration: ``base``'s values (default: none) with these on top.

        ``select`` and ``ignore`` (rule IDs or prefixes, a list or a comma-separated string, in
        any letter case) replace ``base``'s when given; ``severity`` (rule ID to ``error``,
        ``warning`` or ``note``) and ``options`` (rule ID to option name to value) are merged
        into ``base``'s, rule by rule and option by option; ``catalogs`` are added to
        ``base``'s. ``None`` leaves ``base``'s value as it is.

        ``where`` names the values' origin in error messages: a prefix (a file's path gives
        ``iblint.toml: select: …``) or a label for each setting (:data:`CLI_LABELS`).

        Adoption settings (README, "Suppressions", "Selection"): ``require_reason``,
        ``exclude`` (replaces ``base``'s), ``extend_exclude`` (added to ``base``'s),
        ``per_file_ignores`` (glob to rule IDs or prefixes, merged glob by glob), ``fail_on``
        (``error``, ``warning`` or ``note``) and ``baseline`` (a path) replace ``base``'s
        when given.

        ``jobs``: how many processes check the files (``None`` leaves ``base``'s; its default
        is as many as pay off on this machine).

        Raises :class:`~iblint.errors.ConfigError` for an unknown rule or option, a value of
        the wrong type or out of its bounds (bounds are declared in each rule's spec), or a
        ``minimum`` above its ``maximum``.
        """
        base = base if base is not None else cls()
        # Policies first: their IDs are rule IDs that select, ignore and severity may name.
        policy_paths = base.policies
        policy_set = base.policy_set
        if policies is not None:
            added = _policy_paths(policies, _label(where, "policies"))
            if added:
                policy_paths = tuple(dict.fromkeys(base.policies + added))
                policy_set = _load_policies(policy_paths)
        given = _normalised(
            where,
            policy_ids=_policy_ids(policy_set),
            select=select,
            ignore=ignore,
            severity=severity,
            options=options,
            catalog=catalogs,
        )
        merged_options = {rule_id: dict(values) for rule_id, values in base.options.items()}
        for rule_id, values in given.get("options", {}).items():
            merged_options.setdefault(rule_id, {}).update(values)
        _check_option_relations(merged_options, _label(where, "options"))
        return cls(
            select=given.get("select", base.select),
            ignore=given.get("ignore", base.ignore),
            severity={**base.severity, **given.get("severity", {})},
            options=merged_options,
            catalogs=base.catalogs + given.get("catalogs", ()),
            source=source if source is not None else base.source,
            policies=policy_paths,
            policy_set=policy_set,
            jobs=jobs if jobs is not None else base.jobs,
            **_merged_adoption_settings(
                base,
                where,
                require_reason=require_reason,
                exclude=exclude,
                extend_exclude=extend_exclude,
                per_file_ignores=per_file_ignores,
                fail_on=fail_on,
                baseline=baseline,
            ),
        )

    def is_selected(self, rule_id: str) -> bool:
        """Whether ``rule_id`` runs: it matches no ``ignore`` prefix and it matches a ``select``
        prefix, ``select`` is empty, or it is one of :data:`ALWAYS_SELECTED` (the rules that
        report a file that could not be checked, which ``select`` never turns off). Prefixes
        match whatever their letter case."""
        rule_id = rule_id.strip().upper()
        if any(rule_id.startswith(prefix) for prefix in self.ignore):
            return False
        return (
            not self.select
            or rule_id in ALWAYS_SELECTED
            or any(rule_id.startswith(prefix) for prefix in self.select)
        )

    def rule_options(
        self, rule_id: str, declared: Mapping[str, OptionSpec] | None = None
    ) -> dict[str, Any]:
        """Every option of ``rule_id``: its default, from ``declared`` (by default the rule's
        spec, where defaults are stated once), overridden by the value set here."""
        rule_id = rule_id.strip().upper()
        if declared is None:
            from iblint.specs import rule_index

            entry = rule_index().get(rule_id)
            declared = entry.options if entry is not None else {}
        values = {name: option.default for name, option in declared.items()}
        values.update(self.options.get(rule_id, {}))
        return values


# --- validation -----------------------------------------------------------------------------


def _label(where: str | Mapping[str, str], setting: str) -> str:
    if isinstance(where, str):
        return f"{where}: {setting}"
    return where.get(setting, setting)


def _normalised(
    where: str | Mapping[str, str], policy_ids: frozenset[str] = frozenset(), **settings: object
) -> dict[str, Any]:
    """Each setting given (not ``None``), validated and in its normal form, by field name.
    ``policy_ids``: the IDs of the run's policies, which select, ignore and severity may name."""
    normal: dict[str, Any] = {}
    for name in _SETTINGS:
        value = settings.get(name)
        if value is None or name == "policies":  # policies: see _policy_paths
            continue
        label = _label(where, name)
        if name in ("select", "ignore"):
            normal[name] = _rule_prefixes(value, label, policy_ids)
        elif name == "severity":
            normal[name] = MappingProxyType(_severities(value, label, policy_ids))
        elif name == "options":
            options = _options(value, label)
            normal[name] = MappingProxyType(
                {rule_id: MappingProxyType(values) for rule_id, values in options.items()}
            )
        else:
            normal["catalogs"] = _catalogs(value, label)
    return normal


def _rule_prefixes(
    value: object, label: str, policy_ids: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Rule IDs or prefixes, from a list or a comma-separated string (items may hold commas
    too, as ``--select IB1,IB2`` does), in upper case; a policy's ID or a prefix of it
    (``ORG``, ``ORG0``) counts when ``policy_ids`` holds that policy's."""
    items = [value] if isinstance(value, str) else value
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        raise ConfigError(f"{label} must be a list of rule IDs or prefixes")
    prefixes: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{label} must be a list of rule IDs or prefixes")
        parts = [part.strip().upper() for part in item.split(",")]
        if not any(parts):
            raise ConfigError(f"{label}: an empty rule ID; name rules such as IB101 or IB2")
        prefixes.extend(part for part in parts if part)
    for prefix in prefixes:
        digits = prefix[2:]
        if re.fullmatch(_POLICY_PREFIX, prefix) and not prefix.startswith("IB"):
            if not any(rule_id.startswith(prefix) for rule_id in policy_ids):
                raise ConfigError(f"{label}: {_no_policy(prefix, policy_ids)}")
            continue
        if (
            not prefix.startswith("IB")
            or not (digits.isascii() and digits.isdigit())
            or len(digits) > 3
        ):
            raise ConfigError(
                f"{label}: {shown(prefix)} is not a rule ID or prefix such as IB101 or IB2"
            )
    if prefixes:
        from iblint.specs import rule_index

        known = rule_index()
        for prefix in prefixes:
            if not prefix.startswith("IB"):
                continue  # a policy's, checked above
            if not any(rule_id.startswith(prefix) for rule_id in known):
                what = "unknown rule" if len(prefix) == 5 else "no rule starts with"
                raise ConfigError(f"{label}: {what} {prefix} (see `iblint rules`)")
    return tuple(dict.fromkeys(prefixes))


def _rule_id(key: object, label: str, policy_ids: frozenset[str] | None = frozenset()) -> str:
    """``key`` as a known rule ID, in upper case: a built-in rule's, or one of
    ``policy_ids`` (``None``: any policy ID, checked once the policies are read)."""
    from iblint.specs import rule_index

    if not isinstance(key, str):
        raise ConfigError(f"{label}: {_shown_value(key)} is not a rule ID such as IB401")
    rule_id = key.strip().upper()
    if not rule_id:
        raise ConfigError(f"{label}: the rule ID is missing, e.g. IB401")
    if re.fullmatch(_POLICY_ID, rule_id) and not rule_id.startswith("IB"):
        if policy_ids is None or rule_id in policy_ids:
            return rule_id
        raise ConfigError(f"{label}: {_no_policy(rule_id, policy_ids)}")
    if rule_id not in rule_index():
        raise ConfigError(f"{label}: unknown rule {shown(key.strip())} (see `iblint rules`)")
    return rule_id


def _severities(
    value: object, label: str, policy_ids: frozenset[str] = frozenset()
) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{label} must be a table of rule ID = level")
    severities: dict[str, Severity] = {}
    for key, level in value.items():
        rule_id = _rule_id(key, label, policy_ids)
        severities[rule_id] = _severity(level, f"{label} {rule_id}")
    return severities


def _severity(level: object, label: str) -> Severity:
    """A severity level in any letter case: error, warning or note."""
    if isinstance(level, Severity):
        return level
    if isinstance(level, str):
        try:
            return Severity(level.strip().lower())
        except ValueError:
            pass
    raise ConfigError(f"{label}: {_shown_value(level)} is not one of error, warning, note")


def _options(value: object, label: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, Mapping) or not all(isinstance(v, Mapping) for v in value.values()):
        raise ConfigError(
            f"{label} must be a table of option tables by rule ID, e.g. "
            "[tool.iblint.options.IB202] or {'IB202': {'maximum': 2000}}"
        )
    options: dict[str, dict[str, Any]] = {}
    for key, values in value.items():
        rule_id = _rule_id(key, label)
        table = options.setdefault(rule_id, {})
        for name, option_value in values.items():
            option = _declared_option(rule_id, name, label)
            table[name] = _option_value(rule_id, name, option_value, option, label)
    return options


def _declared_option(rule_id: str, name: object, label: str) -> OptionSpec:
    from iblint.specs import rule_index

    declared = rule_index()[rule_id].options
    option = declared.get(name) if isinstance(name, str) else None
    if option is None:
        takes = f"its options are {', '.join(declared)}" if declared else "it takes no options"
        raise ConfigError(f"{label}: {rule_id} has no option {_shown_value(name)}; {takes}")
    return option


#: The largest size of a number option: far beyond any real limit, and small enough to show in
#: a message (``str()`` refuses integers of more than 4,300 digits).
_LARGEST_NUMBER = 10**18


def _option_value(rule_id: str, name: str, value: object, option: OptionSpec, label: str) -> Any:
    """``value`` if it is of the option's type and within its numeric bounds."""
    from iblint.specs import OPTION_TYPES, toml_value

    number = isinstance(value, int | float) and not isinstance(value, bool)
    fits = {
        "integer": number and isinstance(value, int),
        "number": number and value == value and value not in (float("inf"), float("-inf")),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
    }.get(option.type, False)
    if not fits:
        raise ConfigError(
            f"{label}: option {rule_id}.{name} must be {OPTION_TYPES.get(option.type, option.type)} "
            f"(default {toml_value(option.default)}), not {_shown_value(value)}"
        )
    if number:
        assert isinstance(value, int | float)
        if abs(value) > _LARGEST_NUMBER:
            raise ConfigError(
                f"{label}: option {rule_id}.{name} must be at most {_LARGEST_NUMBER:.0e} in size, "
                f"not {_shown_value(value)}"
            )
        if isinstance(option.min, int | float) and value < option.min:
            raise ConfigError(
                f"{label}: option {rule_id}.{name} must be at least {option.min}, not {value}"
            )
        if isinstance(option.max, int | float) and value > option.max:
            raise ConfigError(
                f"{label}: option {rule_id}.{name} must be at most {option.max}, not {value}"
            )
    return value


def _check_option_relations(options: Mapping[str, Mapping[str, Any]], label: str) -> None:
    """Bounds that name another option (IB202's ``minimum`` is at most its ``maximum``), on the
    values in effect: those set, else the defaults."""
    if not options:
        return
    from iblint.specs import rule_index

    index = rule_index()
    for rule_id, values in options.items():
        declared = index[rule_id].options
        effective = {name: option.default for name, option in declared.items()} | dict(values)
        for name, option in declared.items():
            if isinstance(option.max, str) and effective[name] > effective[option.max]:
                low, high = name, option.max
            elif isinstance(option.min, str) and effective[name] < effective[option.min]:
                low, high = option.min, name
            else:
                continue
            raise ConfigError(
                f"{label}: option {rule_id}.{low} ({effective[low]}) is greater than "
                f"{rule_id}.{high} ({effective[high]})"
            )


#: A policy's ID (:data:`iblint.policies.POLICY_ID`), and a prefix of one. This module's
#: patterns are kept as text: ``re`` compiles each when first used (and caches it), so a run
#: that needs none of them does not pay for compiling them at start-up.
_POLICY_ID = r"[A-Z]{1,16}[0-9]{1,6}"
_POLICY_PREFIX = r"[A-Z]{1,16}[0-9]{0,6}"


def _no_policy(prefix: str, policy_ids: frozenset[str]) -> str:
    if not policy_ids:
        return (
            f"no rule or policy {shown(prefix)}: no policies are loaded (name them with "
            "policies = [...] in the configuration, or --policy)"
        )
    return f"no policy ID starts with {shown(prefix)}; the policies are {', '.join(sorted(policy_ids))}"


def _policy_paths(value: object, label: str) -> tuple[Path, ...]:
    """Policy files or directories: a path or a list of paths."""
    return _catalogs(value, label)


def _load_policies(paths: tuple[Path, ...]) -> PolicySet:
    """Reads and compiles the policies (:class:`~iblint.policies.PolicyError`, a
    :class:`ConfigError`, names the file and line of the first that cannot be used)."""
    from iblint.policies import load_policies

    return load_policies(paths)


def _policy_ids(policy_set: PolicySet | None) -> frozenset[str]:
    return frozenset(policy.id for policy in policy_set) if policy_set else frozenset()


def _catalogs(value: object, label: str) -> tuple[Path, ...]:
    items = [value] if isinstance(value, str | os.PathLike) else value
    if isinstance(items, Mapping) or not isinstance(items, Iterable):
        raise ConfigError(f"{label} must be a path or a list of paths")
    paths = []
    for item in items:
        if not isinstance(item, str | os.PathLike):
            raise ConfigError(f"{label} must be a path or a list of paths")
        paths.append(Path(item))
    return tuple(paths)


def _shown_value(value: object) -> str:
    """A value for a message: bounded, escaped, and never the repr of a container (which may
    be huge or nested past the recursion limit)."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return clipped(str(value), 40) if value.bit_length() < 10_000 else "a huge integer"
    if isinstance(value, float):
        return repr(value)
    article = "an" if type(value).__name__[:1] in "aeiou" else "a"
    return f"{article} {type(value).__name__}"


# --- adoption settings: suppressions, exclusions, gates, baseline -----------------------------

#: The configuration file's keys for them, spelled as ruff spells its own (kebab-case).
ADOPTION_KEYS = (
    "require-reason",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "fail-on",
    "baseline",
)
_ADOPTION_FIELDS = {key.replace("-", "_"): key for key in ADOPTION_KEYS}


def _adoption_settings(where: str | Mapping[str, str], **settings: object) -> dict[str, Any]:
    """Each adoption setting given (not ``None``), validated, in its normal form, by field."""
    from iblint.exclusions import globs, per_file_ignores

    normal: dict[str, Any] = {}
    for name, value in settings.items():
        if value is None:
            continue
        label = _label(where, _ADOPTION_FIELDS[name])
        if name == "require_reason":
            if not isinstance(value, bool):
                raise ConfigError(f"{label} must be true or false, not {_shown_value(value)}")
            normal[name] = value
        elif name in ("exclude", "extend_exclude"):
            normal[name] = globs(value, label)
        elif name == "per_file_ignores":
            table = per_file_ignores(value, label)
            for pattern, prefixes in table.items():
                table[pattern] = _rule_prefixes(list(prefixes), f"{label} {shown(pattern)}")
            normal[name] = MappingProxyType(table)
        elif name == "fail_on":
            normal[name] = _severity(value, label)
        else:
            if not isinstance(value, str | os.PathLike) or not os.fspath(value).strip():
                raise ConfigError(f"{label} must be the path of a baseline file")
            normal[name] = Path(value)
    return normal


def _merged_adoption_settings(
    base: Config, where: str | Mapping[str, str], **settings: object
) -> dict[str, Any]:
    """The adoption fields of a configuration built on ``base``: ``extend_exclude`` adds to
    ``base``'s, ``per_file_ignores`` merges glob by glob, the others replace."""
    given = _adoption_settings(where, **settings)
    merged: dict[str, Any] = {
        "require_reason": given.get("require_reason", base.require_reason),
        "exclude": given.get("exclude", base.exclude),
        "extend_exclude": base.extend_exclude + given.get("extend_exclude", ()),
        "per_file_ignores": {**base.per_file_ignores, **given.get("per_file_ignores", {})},
        "fail_on": given.get("fail_on", base.fail_on),
        "baseline": given.get("baseline", base.baseline),
    }
    return merged


def _adoption_from_mapping(data: Mapping[str, Any], source: Path | None) -> dict[str, Any]:
    """A file's adoption settings as :meth:`Config.build` takes them: globs are anchored at
    the file's folder (a leading ``/`` too, as in ``.gitignore``), and so is the baseline."""
    from iblint.exclusions import globs, per_file_ignores

    where = _display(source) if source is not None else "configuration"
    base = source.parent if source is not None else Path.cwd()
    settings: dict[str, Any] = {
        name: data.get(key) for name, key in _ADOPTION_FIELDS.items() if key in data
    }
    for name in ("exclude", "extend_exclude"):
        if name in settings:
            label = f"{where}: {_ADOPTION_FIELDS[name]}"
            settings[name] = globs(settings[name], label, base, from_file=True)
    if "per_file_ignores" in settings:
        label = f"{where}: per-file-ignores"
        settings["per_file_ignores"] = per_file_ignores(
            settings["per_file_ignores"], label, base, from_file=True
        )
    baseline = settings.get("baseline")
    if isinstance(baseline, str) and baseline.strip():
        settings["baseline"] = base / baseline
    return settings


# --- the command line's text ------------------------------------------------------------------

#: An integer or a decimal number as the command line takes them: ASCII, no ``_``, no ``nan``.
_INTEGER_TEXT = r"[+-]?[0-9]{1,30}"
_NUMBER_TEXT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"


def options_from_text(texts: Iterable[str], label: str = "--option") -> dict[str, dict[str, Any]]:
    """``RULE.NAME=VALUE`` settings as option tables for :meth:`Config.build`. Each VALUE is
    read as its option's spec declares: an integer, a number, ``true``/``false`` or a string
    (spaces around a number or a boolean are dropped; nothing else is)."""
    options: dict[str, dict[str, Any]] = {}
    for text in texts:
        target, separator, raw = text.partition("=")
        rule, dot, name = target.partition(".")
        if not separator or not dot or not rule.strip() or not name.strip():
            raise ConfigError(
                f"{label} {shown(text)} is not RULE.NAME=VALUE, e.g. IB202.maximum=2000"
            )
        rule_id = _rule_id(rule, label)
        name = name.strip()
        option = _declared_option(rule_id, name, label)
        value: object = raw
        if option.type == "integer" and re.fullmatch(_INTEGER_TEXT, raw.strip()):
            value = int(raw.strip())
        elif option.type == "number" and re.fullmatch(_NUMBER_TEXT, raw.strip()):
            value = float(raw.strip())
        elif option.type == "boolean" and raw.strip().lower() in ("true", "false"):
            value = raw.strip().lower() == "true"
        options.setdefault(rule_id, {})[name] = _option_value(rule_id, name, value, option, label)
    return options


def severities_from_text(texts: Iterable[str], label: str = "--severity") -> dict[str, str]:
    """``RULE=LEVEL`` settings as a severity table for :meth:`Config.build`."""
    severities: dict[str, str] = {}
    for text in texts:
        key, separator, level = text.partition("=")
        if not separator:
            raise ConfigError(f"{label} {shown(text)} is not RULE=LEVEL, e.g. IB401=warning")
        severities[_rule_id(key, label, None)] = level
    return severities


# --- configuration files --------------------------------------------------------------------


def repository_root(start: Path) -> Path | None:
    """The nearest of ``start`` (made absolute) and its parents that holds ``.git`` (a
    directory, or a file in a worktree or submodule), or ``None`` outside a repository."""
    start = Path(os.path.abspath(start))
    for directory in (start, *start.parents):
        if _lexists(directory / ".git"):
            return directory
    return None


def find_config_file(start: Path) -> Path | None:
    """The nearest iblint configuration at or above ``start``, searching no higher than the
    repository root (:func:`repository_root`): a file above the repository (in a home or a CI
    workspace directory) belongs to someone else and is not applied. Outside a repository,
    every parent is searched. ``pyproject.toml`` counts only with a ``tool.iblint`` table; only
    regular files count."""
    start = Path(os.path.abspath(start))
    root = repository_root(start)
    for directory in (start, *start.parents):
        for name in CONFIG_FILE_NAMES:
            candidate = directory / name
            if not _is_regular_file(candidate):
                continue
            if name != "pyproject.toml" or _has_iblint_table(candidate):
                return candidate
        if directory == root:
            break
    return None


def load_config(path: Path | None) -> Config:
    """The configuration in ``path`` (``Config()`` for ``None``).

    Raises :class:`~iblint.errors.ConfigError` naming the file when it cannot be read, is not
    a regular file, is over 1 MiB, is not UTF-8, nests deeper than 200 levels, is not valid
    TOML, or holds a value :meth:`Config.build` refuses.
    """
    if path is None:
        return Config()
    data = _parse_toml(_read_config(path), path)
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        if not isinstance(tool, dict) or "iblint" not in tool:
            raise ConfigError(f"{_display(path)}: no [tool.iblint] table")
        data = tool["iblint"]
        if not isinstance(data, dict):
            raise ConfigError(f"{_display(path)}: tool.iblint must be a table, e.g. [tool.iblint]")
    return config_from_mapping(data, path)


def config_from_mapping(data: Mapping[str, Any], source: Path | None) -> Config:
    """The configuration a file's table holds (``catalog`` paths are relative to the file)."""
    where = _display(source) if source is not None else "configuration"
    known_settings = (*_SETTINGS, *ADOPTION_KEYS)
    unknown = sorted(str(key) for key in data if key not in known_settings)
    if unknown:
        names = ", ".join(shown(key) for key in unknown[:5])
        raise ConfigError(
            f"{where}: unknown setting(s) {names}; known: {', '.join(sorted(known_settings))}"
        )
    return Config.build(
        select=data.get("select"),
        ignore=data.get("ignore"),
        severity=data.get("severity"),
        options=data.get("options"),
        catalogs=_file_paths(data.get("catalog"), f"{where}: catalog", source),
        source=source,
        where=where,
        policies=_file_paths(data.get("policies"), f"{where}: policies", source),
        **_adoption_from_mapping(data, source),
    )


def _file_paths(value: object, label: str, source: Path | None) -> list[Path] | None:
    """A configuration file's path or list of paths, relative to the file's folder."""
    if value is None:
        return None
    listed = [value] if isinstance(value, str) else value
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise ConfigError(f"{label} must be a path or a list of paths")
    base = source.parent if source is not None else Path.cwd()
    return [base / item for item in listed]


def _display(path: Path) -> str:
    return escaped(str(path))


def _lexists(path: Path) -> bool:
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read_config(path: Path) -> bytes:
    """The bytes of a regular file, at most :data:`MAX_CONFIG_BYTES` and one more (a longer
    file is cut there); a FIFO or a device is refused without blocking on it."""
    shown_path = _display(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise ConfigError(f"cannot read {shown_path}: {reason}") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ConfigError(f"{shown_path}: not a regular file")
        chunks = []
        size = 0
        while size <= MAX_CONFIG_BYTES:
            chunk = os.read(descriptor, MAX_CONFIG_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise ConfigError(f"cannot read {shown_path}: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    return b"".join(chunks)


def _parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    shown_path = _display(path)
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{shown_path}: larger than {MAX_CONFIG_BYTES // 1024} KiB, not read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{shown_path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); a TOML file must be UTF-8"
        ) from None
    if _toml_depth(text) > MAX_CONFIG_DEPTH:
        raise ConfigError(
            f"{shown_path}: nests deeper than {MAX_CONFIG_DEPTH} levels (arrays, tables or "
            "dotted keys), so it was not read"
        )
    import tomllib

    try:
        return tomllib.loads(text)
    except (ValueError, RecursionError) as error:
        # TOMLDecodeError, or an integer of more than 4,300 digits, which int() refuses.
        reason = clipped(str(error).splitlines()[0] if str(error) else type(error).__name__, 200)
        raise ConfigError(f"{shown_path}: invalid TOML: {escaped(reason)}") from None


#: What matters for nesting in TOML: string and comment delimiters, escapes that hide a quote,
#: brackets, dots and line breaks. Everything else is skipped by ``finditer``.
_TOML_TOKENS = r"\"\"\"|'''|\\\\|\\\"|[\"'#\n\[\]{}.]"


def _toml_depth(text: str) -> int:
    """An upper bound of how deep a TOML document nests, in one pass: open brackets and braces
    plus the dots on the current line (dotted keys and table headers; a float's dot counts too),
    outside strings and comments."""
    deepest = depth = dots = 0
    state = ""  # "" outside strings and comments, else the token that opened one
    for match in re.finditer(_TOML_TOKENS, text):
        token = match.group()
        if not state:
            if token in ('"', "'", '"""', "'''", "#"):
                state = token
            elif token in ("[", "{"):
                depth += 1
                deepest = max(deepest, depth + dots)
            elif token in ("]", "}"):
                depth = max(depth - 1, 0)
            elif token == ".":
                dots += 1
                deepest = max(deepest, depth + dots)
            elif token == "\n":
                dots = 0
        elif token == state:
            state = ""
        elif token == "\n" and state in ("#", '"', "'"):
            state = ""  # a comment ends with its line; a one-line string must too
            dots = 0
    return deepest


def _has_iblint_table(pyproject: Path) -> bool:
    """Whether a ``pyproject.toml`` has a ``tool.iblint`` key, in any TOML spelling
    (``[tool.iblint]``, dotted keys, an inline table); a comment does not count. A file that
    does not mention iblint is not parsed; one that does but cannot be read (not valid TOML,
    not UTF-8, too large or too deep) counts, so that its error is shown rather than its
    settings silently dropped."""
    try:
        data = _read_config(pyproject)
    except ConfigError:
        return False  # unreadable: not known to be iblint's
    if b"iblint" not in data:
        return False
    try:
        parsed = _parse_toml(data, pyproject)
    except ConfigError:
        return True
    tool = parsed.get("tool")
    return isinstance(tool, dict) and "iblint" in tool
