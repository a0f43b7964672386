"""The small cases of the hostile-input corpus (benchmarks/hostile.py) through the CLI.

Each case runs ``iblint check --format sarif -o FILE`` in a subprocess, as CI runs it, with its
address space capped (RLIMIT_AS 4 GiB) and standard input an open, silent pipe. It must end
(a hang guard, not a budget: no test here is timed), exit as the case allows (0 or 1; 2 with a
usage error for the configuration cases), print no traceback or internal error, and leave a
complete, valid SARIF log. ``python benchmarks/hostile.py --run`` prints the time and memory
budget of every case, the large ones included.

Cases that fail today are ``xfail(strict=True)``: when a fix makes one pass, the test turns red
until its marker is removed.
"""

from __future__ import annotations

import importlib
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
#: Seconds before a case counts as hung. The budget is 10 s; this leaves room for a loaded
#: machine, and cases that hang today cost this long each (run side by side).
HANG_SECONDS = 25.0


def _benchmark_module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


hostile = _benchmark_module("hostile")
SMALL_CASES = {case.name: case for case in hostile.cases() if case.small}

#: Cases that fail today, and why. Remove a case's entry when its fix lands.
FAILING_TODAY: dict[str, str] = {}


def _parameters() -> list[Any]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=FAILING_TODAY[name])
            if name in FAILING_TODAY
            else (),
            id=name,
        )
        for name in SMALL_CASES
    ]


@pytest.fixture(scope="module")
def verdicts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The verdict of every case this session selected, run side by side (most cases wait on
    a pipe or a timeout, not on the CPU)."""
    wanted = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            if getattr(item, "originalname", "") == "test_hostile_case"
        }
    )
    root = tmp_path_factory.mktemp("hostile")
    for name in wanted:  # one at a time: building the socket case changes directory
        hostile.build_case(SMALL_CASES[name], root)
    iblint = [sys.executable, "-m", "iblint"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {
            name: pool.submit(hostile.execute_case, SMALL_CASES[name], root, iblint, HANG_SECONDS)
            for name in wanted
        }
        found = {name: future.result() for name, future in futures.items()}
    yield found
    hostile.remove_tree(root / "cases")


@pytest.mark.parametrize("name", _parameters())
def test_hostile_case(name: str, verdicts: Any) -> None:
    verdict = verdicts[name]
    case, measured = verdict.case, verdict.measurement
    stderr = measured.stderr.decode("utf-8", "replace")
    assert not measured.timed_out, f"{name}: still running after {HANG_SECONDS:.0f} s"
    assert measured.returncode in case.exits, f"{name}: exit {measured.returncode}\n{stderr}"
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if measured.returncode in (0, 1) and not case.text_report:
        assert verdict.sarif == "valid", f"{name}: SARIF {verdict.sarif}"


def test_every_case_builds(tmp_path: Path) -> None:
    """Writing the corpus works on this machine (FIFOs, sockets, odd names, locked folders),
    the large cases included, and the folder can be removed again."""
    for case in hostile.cases():
        folder = hostile.build_case(case, tmp_path)
        assert folder.is_dir() and any(folder.iterdir())
    hostile.remove_tree(tmp_path / "cases")
    assert not (tmp_path / "cases").exists()
