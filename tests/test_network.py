"""iblint is offline: a whole check, in every output format, makes no network connection."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from iblint import check_paths, check_text
from iblint.cli import main
from iblint.config import Config
from tests.documents import API_INFRA_BAD, API_RECIPE_BAD, CFN_TEMPLATE_BAD

EXPECTED = {
    ("api/infra.json", "IB101", 4, 45),
    ("api/recipe.json", "IB301", 4, 18),
    ("api/recipe.json", "IB202", 10, 23),
    ("cfn/template.yaml", "IB101", 9, 21),
    ("cfn/template.yaml", "IB201", 21, 25),
}
CATALOG = {
    "componentVersionList": [
        {
            "arn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/1.0.2",
            "state": {"status": "DEPRECATED"},
        }
    ]
}


class NetworkAttempted(AssertionError):
    pass


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to open a socket or resolve a name, each refused."""
    recorded: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def refused(*args: object, **kwargs: object) -> object:
            recorded.append(f"{name}{args!r}")
            raise NetworkAttempted(f"iblint tried the network: {name}{args!r}")

        return refused

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", refuse("socket.gethostbyname"))
    return recorded


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "recipe.json").write_text(API_RECIPE_BAD)
    (tmp_path / "api" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "catalog.json").write_text(json.dumps(CATALOG))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_sockets_really_are_blocked(attempts: list[str]) -> None:
    with pytest.raises(NetworkAttempted):
        socket.create_connection(("example.com", 443))
    assert attempts == ["socket.create_connection(('example.com', 443),)"]
    attempts.clear()


def test_library_check_is_offline(tree: Path, attempts: list[str]) -> None:
    config = Config.build(catalogs=[tree / "catalog.json"])
    report = check_paths(["."], config, root=tree)
    found = {(f.path, f.rule_id, f.span.start_line, f.span.start_col) for f in report.findings}
    assert found >= EXPECTED
    assert {f.rule_id for f in report.findings} >= {"IB101", "IB201", "IB202", "IB301"}
    assert check_text(API_INFRA_BAD, "infra.json")
    assert attempts == []


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "github"])
def test_command_line_check_is_offline(tree: Path, attempts: list[str], output_format: str) -> None:
    runner = CliRunner()
    with runner.isolation() as (stdout, _stderr, _):
        code = main(["check", "--format", output_format, "--catalog", "catalog.json", "."])
        sys.stdout.flush()
    assert code == 1
    output = stdout.getvalue().decode()
    if output_format == "json":
        findings = json.loads(output)["findings"]
        found = {(f["path"], f["rule_id"], f["start_line"], f["start_column"]) for f in findings}
        assert found >= EXPECTED
    elif output_format == "text":
        for path, rule_id, line, col in EXPECTED:
            assert f"{path}:{line}:{col}: {rule_id} " in output
    elif output_format == "sarif":
        assert len(json.loads(output)["runs"][0]["results"]) >= len(EXPECTED)
    assert attempts == []


def test_rules_and_explain_are_offline(attempts: list[str]) -> None:
    runner = CliRunner()
    with runner.isolation():
        assert main(["rules"]) == 0
        assert main(["explain", "IB101"]) == 0
    assert attempts == []


_AUDITED_RUN = textwrap.dedent(
    """
    import sys

    attempts = []

    def hook(event, args):
        if event.startswith(("socket.", "http.", "urllib.")) or event in ("ssl.wrap_socket",):
            attempts.append(event)
            raise RuntimeError("network: " + event)

    sys.addaudithook(hook)
    from iblint.cli import main
    code = main(sys.argv[1:])
    sys.stdout.flush()
    print("ATTEMPTS", attempts, file=sys.stderr)
    raise SystemExit(code)
    """
)


def test_subprocess_check_is_offline_under_an_audit_hook(tree: Path) -> None:
    """In a fresh interpreter with an audit hook, so nothing imported earlier can hide a
    connection made at import time (or through ``_socket`` directly)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _AUDITED_RUN,
            "check",
            "--format",
            "sarif",
            "--catalog",
            "catalog.json",
            ".",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1, completed.stderr
    assert "ATTEMPTS []" in completed.stderr
    results = json.loads(completed.stdout)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"IB101", "IB201", "IB202", "IB301"}
