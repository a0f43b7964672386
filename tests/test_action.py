"""The composite GitHub Action (action.yml): its inputs, and its run step's script, run here as
the runner would run it (bash, RUNNER_TEMP, GITHUB_OUTPUT) against the installed iblint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.documents import API_INFRA_BAD, API_INFRA_GOOD

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))


def _step(name: str) -> dict[str, object]:
    return next(step for step in ACTION["runs"]["steps"] if step.get("name") == name)


def test_the_action_is_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {
        "paths",
        "args",
        "sarif-upload",
        "category",
        "version",
        "python-version",
    }
    uses = [step.get("uses", "") for step in ACTION["runs"]["steps"]]
    assert any(use.startswith("github/codeql-action/upload-sarif@") for use in uses)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ACTION["inputs"]:
        assert f"`{name}`" in readme, f"README does not document the action input {name}"


def test_inputs_reach_scripts_only_through_the_environment() -> None:
    for step in ACTION["runs"]["steps"]:
        script = step.get("run", "")
        assert "${{" not in script, f"{step.get('name')}: an expression pasted into a script"


def _run_step(tmp_path: Path, paths: str, args: str = "") -> tuple[int, dict[str, str], str]:
    """Runs the action's "Run iblint" script; returns its exit status, outputs and log."""
    runner_temp = tmp_path / "runner"
    (runner_temp / "iblint-venv" / "bin").mkdir(parents=True)
    (runner_temp / "iblint-venv" / "bin" / "iblint").symlink_to(
        Path(sys.executable).with_name("iblint")
    )
    outputs = tmp_path / "github_output"
    outputs.touch()
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update(
        RUNNER_TEMP=str(runner_temp), GITHUB_OUTPUT=str(outputs), PATHS=paths, ARGS=args
    )
    script = str(_step("Run iblint")["run"])
    completed = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path / "work",
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    values = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return completed.returncode, values, completed.stdout + completed.stderr


@pytest.mark.skipif(
    not Path(sys.executable).with_name("iblint").exists(), reason="no console script"
)
@pytest.mark.parametrize(
    ("document", "args", "code"),
    [
        (API_INFRA_BAD, "", "1"),
        (API_INFRA_GOOD, "", "0"),
        (API_INFRA_BAD, "--severity IB101=warning --fail-on error", "0"),
        (API_INFRA_BAD, "--select IB999", "2"),
    ],
)
def test_the_run_step_writes_sarif_and_reports_the_exit_code(
    tmp_path: Path, document: str, args: str, code: str
) -> None:
    (tmp_path / "work" / "infra").mkdir(parents=True)
    (tmp_path / "work" / "infra" / "a b.json").write_text(document)
    status, outputs, log = _run_step(tmp_path, "infra", args)
    assert status == 0, log  # the step itself succeeds; a later step fails as iblint did
    assert outputs["exit-code"] == code, log
    if code == "2":
        assert "sarif-file" not in outputs
        return
    sarif = Path(outputs["sarif-file"])
    assert sarif.is_file()
    if code == "1":
        assert "IB101" in sarif.read_text() and "IB101" in log
