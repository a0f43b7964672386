"""The built wheel works on its own: it ships the rule specs, and the installed console script
explains and lists the rules from them.

Builds the wheel once per session (``python -m build``, which fetches the hatchling backend),
installs it with its dependencies from PyPI into a fresh virtualenv, and runs the commands from
outside the checkout so nothing can come from the source tree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

from iblint import __version__
from iblint.specs import rule_index

REPO = Path(__file__).resolve().parent.parent
#: Needs PyPI (pip installs iblint's dependencies) and takes tens of seconds; deselect with
#: ``-m 'not slow'``.
slow = pytest.mark.slow


class Installed(NamedTuple):
    wheel: Path
    venv: Path
    workdir: Path

    def executable(self, name: str) -> Path:
        scripts = self.venv / ("Scripts" if os.name == "nt" else "bin")
        return scripts / (f"{name}.exe" if os.name == "nt" else name)

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
        }
        environment["NO_COLOR"] = "1"
        return subprocess.run(
            [str(self.executable(command[0])), *command[1:]],
            cwd=self.workdir,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = dist.glob("iblint-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    installation = Installed(wheel, venv, base / "work")
    installation.workdir.mkdir()
    pip = subprocess.run(
        [
            str(installation.executable("python")),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return installation


@slow
def test_wheel_ships_every_rule_spec(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    assert "iblint/rules/IB101.yaml" in names
    specs = {f"iblint/rules/{path.name}" for path in (REPO / "rules").glob("IB*.yaml")}
    assert specs and specs <= names
    assert not any(name.startswith(("tests/", "examples/", "rules/")) for name in names)


@slow
def test_installed_iblint_reads_specs_from_the_package(installed: Installed) -> None:
    result = installed.run(
        "python", "-c", "import iblint.specs; print(iblint.specs.rules_dir().resolve())"
    )
    assert result.returncode == 0, result.stderr
    rules_dir = Path(result.stdout.strip())
    assert rules_dir.is_relative_to(installed.venv.resolve()), rules_dir
    assert (rules_dir / "IB101.yaml").is_file()


@slow
def test_installed_explain(installed: Installed) -> None:
    result = installed.run("iblint", "explain", "IB101")
    assert result.returncode == 0, result.stdout + result.stderr
    assert rule_index()["IB101"].name in result.stdout
    assert "Traceback" not in result.stderr


@slow
def test_installed_rules_lists_every_rule(installed: Installed) -> None:
    result = installed.run("iblint", "rules")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert "IB101" in listed
    assert listed == set(rule_index())


@slow
def test_installed_version_and_module_entry_point(installed: Installed) -> None:
    version = installed.run("iblint", "--version")
    assert version.returncode == 0 and __version__ in version.stdout
    module = installed.run("python", "-m", "iblint", "--version")
    assert module.returncode == 0 and __version__ in module.stdout


@slow
def test_installed_check_finds_problems(installed: Installed) -> None:
    template = installed.workdir / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Infra:\n"
        "    Type: AWS::ImageBuilder::InfrastructureConfiguration\n"
        "    Properties:\n"
        "      InstanceProfileName: builder\n"
        "      InstanceMetadataOptions:\n"
        "        HttpTokens: optional\n",
        encoding="utf-8",
    )
    result = installed.run("iblint", "check", "template.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "template.yaml:7:21: IB101 " in result.stdout
