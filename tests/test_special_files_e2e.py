"""Special files through the whole command line: reported, never opened, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.special_files import MARKED

IBLINT = [sys.executable, "-c", "import sys; from iblint.cli import main; sys.exit(main())"]


def run(arguments: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*IBLINT, *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_walked_fifo_outside_link_and_device_link_each_give_one_ib006(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    outside = tmp_path / "secret.yaml"
    outside.write_bytes(MARKED)
    os.mkfifo(repo / "pipe.yaml")
    (repo / "x.yaml").symlink_to(outside)
    (repo / "zero.yaml").symlink_to("/dev/zero")
    (repo / "ok.yaml").write_bytes(MARKED)
    result = run(["check", "--format", "json", "."], repo)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    by_path = {finding["path"]: finding for finding in findings}
    assert sorted(by_path) == ["pipe.yaml", "x.yaml", "zero.yaml"]
    assert all(finding["rule_id"] == "IB006" for finding in findings)
    assert "outside the checked directory" in by_path["x.yaml"]["message"]
    assert "not a regular file" in by_path["pipe.yaml"]["message"]


def test_a_named_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    result = run(["check", "--format", "json", "zero.yaml"], tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule_id"] == "IB006" and "not a regular file" in finding["message"]


def test_a_named_fifo_is_not_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    result = run(["check", "pipe.json"], tmp_path)
    assert result.returncode == 1, result.stderr
    assert "IB006" in result.stdout and "FIFO" in result.stdout
