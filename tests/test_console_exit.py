"""The ``iblint`` command leaves at once after :func:`iblint.cli.main` (``os._exit``, skipping
the interpreter's teardown): what it prints, writes and exits with is what returning from
``main()`` through ``sys.exit`` gave, for every kind of run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terraform.test_plan_selection import RICH

_THROUGH_MAIN = "import sys; from iblint.cli import main; sys.exit(main(sys.argv[1:]))"


def _both(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], ...]:
    runs = []
    for command in (
        [sys.executable, "-m", "iblint", *args],
        [sys.executable, "-c", _THROUGH_MAIN, *args],
    ):
        runs.append(subprocess.run(command, cwd=cwd, capture_output=True, timeout=120))
    return tuple(runs)


@pytest.mark.parametrize(
    "args",
    [
        ["check", "plan.json"],  # findings: 1, a long report (more than a pipe holds)
        ["check", "--jobs", "2", "large-plan.json"],  # checked in parts, trees left to exit
        ["check", "--format", "sarif", "plan.json"],
        ["check", "--format", "json", "--output", "report.json", "plan.json"],
        ["check", "clean.json"],  # 0
        ["check", "--no-such-option"],  # 2, click's usage error
        ["check", "missing.json"],  # 2
        ["explain", "IB101"],
        ["--help"],
    ],
)
def test_the_command_says_and_exits_as_main_returns(tmp_path: Path, args: list[str]) -> None:
    plan = dict(RICH)
    plan["resource_changes"] = RICH["resource_changes"] * 200
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    plan["resource_changes"] = RICH["resource_changes"] * 300  # over 2 * PLAN_PART_BYTES
    (tmp_path / "large-plan.json").write_text(json.dumps(plan))
    (tmp_path / "clean.json").write_text("{}\n")
    command, through_main = _both(args, tmp_path)
    assert command.returncode == through_main.returncode
    assert command.stdout == through_main.stdout
    assert command.stderr == through_main.stderr
    if "--output" in args:
        assert json.loads((tmp_path / "report.json").read_text())  # written and closed
    if args == ["check", "plan.json"]:
        assert command.returncode == 1 and len(command.stdout) > 1 << 16
