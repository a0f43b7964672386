"""Start-up cost (issue 12): what a one-file ``iblint check`` imports, and the pieces written
out by hand to keep it small, held to the behaviour of what they replace. No timing here: the
benchmarks measure (``benchmarks/bench.py --only start,cfn1,tf1``)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iblint.config import Config
from iblint.model import Severity
from tests.documents import API_RECIPE_GOOD, CFN_TEMPLATE_GOOD

# --- Config: the frozen dataclass it was -------------------------------------------------------


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    """``Config``'s fields as the dataclass declared them (defaults, compare, hash, repr)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = dataclasses.field(default_factory=_empty, hash=False)
    options: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=_empty, hash=False)
    catalogs: tuple[Path, ...] = ()
    source: Path | None = None
    require_reason: bool = True
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = dataclasses.field(
        default_factory=_empty, hash=False
    )
    fail_on: Severity | None = None
    baseline: Path | None = None
    policies: tuple[Path, ...] = ()
    policy_set: Any = dataclasses.field(default=None, compare=False, hash=False, repr=False)
    jobs: int | None = None


def _reference(config: Config) -> Reference:
    return Reference(**{field.name: getattr(config, field.name) for field in _fields()})


def _fields() -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(Reference)


CONFIGS = [
    Config(),
    Config.build(select=["IB1", "ib2"], severity={"IB101": "note"}),
    Config.build(options={"IB202": {"maximum": 2000}}, catalogs=["c.json"], jobs=2),
    Config.build(
        exclude=["gen/"],
        per_file_ignores={"*.tf": ["IB3"]},
        fail_on="warning",
        baseline="b.json",
        require_reason=False,
    ),
]


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
def test_config_repr_and_hash_are_the_dataclass_ones(config: Config) -> None:
    reference = _reference(config)
    assert repr(config) == repr(reference).replace("Reference(", "Config(", 1)
    assert hash(config) == hash(reference)


def test_config_equality_is_the_dataclass_one() -> None:
    for one in CONFIGS:
        for other in CONFIGS:
            assert (one == other) == (_reference(one) == _reference(other))
    assert Config() != Reference()
    assert Config().__eq__(Reference()) is NotImplemented
    marked = Config.build(select=["IB1"])
    # policy_set is not compared: two runs that read the same policies are the same config
    twin = Config(*(getattr(marked, field.name) for field in _fields()))
    object.__setattr__(twin, "policy_set", object())
    assert twin == marked


def test_config_takes_its_fields_by_keyword_or_in_order() -> None:
    values = {
        "select": ("IB1",),
        "ignore": ("IB301",),
        "severity": {"IB101": "note"},
        "options": {"IB202": {"maximum": 2000}},
        "catalogs": ("c.json",),
        "source": None,
        "require_reason": False,
        "exclude": ("gen/",),
        "extend_exclude": ("x/",),
        "per_file_ignores": {"*.tf": ("IB3",)},
        "fail_on": "note",
        "baseline": "b.json",
        "policies": (),
        "policy_set": None,
        "jobs": 3,
    }
    assert list(values) == [field.name for field in _fields()]
    by_keyword = Config(**values)  # type: ignore[arg-type]
    assert Config(*values.values()) == by_keyword  # type: ignore[arg-type]
    assert by_keyword.severity == {"IB101": Severity.NOTE}
    assert by_keyword.baseline == Path("b.json")


def test_config_is_frozen_as_the_dataclass_was() -> None:
    config = Config.build(select=["IB1"])
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'select'"):
        config.select = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
        config.other = 1  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'select'"):
        del config.select  # type: ignore[misc]
    assert not hasattr(config, "__dict__")


def _roundtrip(value: object) -> object:
    return pickle.loads(pickle.dumps(value))


@pytest.mark.parametrize("config", CONFIGS, ids=repr)
@pytest.mark.parametrize("clone", [copy.copy, copy.deepcopy, _roundtrip])
def test_config_copies_and_pickles_as_the_dataclass_did(config: Config, clone: Any) -> None:
    """Copies work; the mapping proxies cannot be pickled, so neither could the dataclass."""
    try:
        expected = clone(_reference(config))
    except TypeError as error:
        with pytest.raises(TypeError, match=str(error)):
            clone(config)
        return
    copied = clone(config)
    assert copied == config
    assert repr(copied) == repr(config) == repr(expected).replace("Reference(", "Config(", 1)


def test_config_without_mappings_pickles() -> None:
    config = Config.build(select=["IB1"], jobs=2)
    for name in ("severity", "options", "per_file_ignores"):
        object.__setattr__(config, name, {})
    assert pickle.loads(pickle.dumps(config)) == config


# --- what a run imports ------------------------------------------------------------------------


def _modules_after(tmp_path: Path, code: str) -> set[str]:
    """The modules imported once ``code`` has run in a fresh interpreter in ``tmp_path``."""
    script = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))\n"
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr
    return set(completed.stdout.splitlines()[-1].split())


@pytest.mark.parametrize(
    ("name", "text"),
    [("request.json", API_RECIPE_GOOD), ("template.yaml", CFN_TEMPLATE_GOOD)],
)
def test_a_one_file_check_imports_only_what_it_needs(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    modules = _modules_after(
        tmp_path, f"from iblint.cli import main\nmain(['check', '--no-config', {name!r}])"
    )
    assert "iblint.engine" in modules
    unwanted = {
        "click",  # the fast path parses `check` itself
        "iblint.commands",
        "dataclasses",  # Config is written out: dataclasses imports inspect
        "inspect",
        "pydantic",
        "iblint.policies",
        "iblint.baseline",
        "iblint.reporters.sarif",
        "iblint.reporters.json_report",
        "tomllib",  # no configuration file read
    }
    assert not unwanted & modules


# --- the time budget without threading -----------------------------------------------------------


def test_the_budget_is_off_outside_the_main_thread() -> None:
    """Signals are handled only in the main thread: elsewhere a file runs unbounded, as before,
    and the process's SIGALRM handler is left alone."""
    import signal
    import threading

    from iblint.budget import file_budget

    before = signal.getsignal(signal.SIGALRM)
    outcome: list[object] = []

    def work() -> None:
        try:
            with file_budget(0.01):
                outcome.append(sum(range(1000)))
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert outcome == [499500]
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# --- text safety: patterns compiled when first needed ------------------------------------------

_REFERENCE_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


@settings(max_examples=500, deadline=None)
@given(
    text=st.one_of(
        st.text(),
        st.text(alphabet=st.characters(max_codepoint=0x7F)),
        st.lists(st.integers(0xD700, 0xDFFF) | st.integers(0, 0x2100)).map(
            lambda codes: "".join(map(chr, codes))
        ),
    )
)
def test_escaping_is_the_pattern_it_was(text: str) -> None:
    from iblint.text_safety import _escape, escaped, without_surrogates

    assert escaped(text) == _REFERENCE_UNSAFE.sub(_escape, text)
    assert without_surrogates(text) == re.sub(r"[\ud800-\udfff]", _escape, text)
