"""Real files: every file of ``../shared/corpus`` is checked without a crash, and the findings
match the reviewed snapshot in ``tests/snapshots/corpus.txt``.

After a change to messages, rules or loaders, regenerate and review the snapshot::

    IBLINT_UPDATE_SNAPSHOTS=1 pytest tests/test_corpus.py
    git diff tests/snapshots/corpus.txt
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.config import Config
from iblint.discover import discover
from iblint.model import Finding

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "corpus.txt"
UPDATE = os.environ.get("IBLINT_UPDATE_SNAPSHOTS") == "1"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"{CORPUS} not found (shared/ beside the checkout)"
)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for path in CORPUS.rglob("*") if path.is_file())


def snapshot_lines(findings: list[Finding]) -> list[str]:
    return sorted(
        f"{f.path}:{f.span.start_line}:{f.span.start_col}: {f.rule_id} {f.message}"
        for f in findings
    )


def test_whole_corpus_in_a_subprocess() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", "check", "--no-config", "."],
        cwd=CORPUS,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode in (0, 1), completed.stderr
    assert completed.stderr == ""
    assert "Traceback" not in completed.stdout
    assert completed.stdout.splitlines()[-1].endswith("files checked).")


@pytest.mark.parametrize(
    "path", corpus_files(), ids=lambda path: path.relative_to(CORPUS).as_posix()
)
def test_every_corpus_file_alone(path: Path) -> None:
    """Each file named explicitly (so classified by content whatever its suffix: .tf, .md,
    .tsv, .tpl too), through the library: no exception, positions inside the file."""
    report = check_paths([str(path)], Config(), root=CORPUS)
    # A Terraform file also checks the component documents of its module it reads with file().
    terraform = path.name.endswith((".tf", ".tf.json"))
    assert report.files_checked == 1 or terraform
    line_count = max(1, len(path.read_bytes().splitlines()))
    for finding in report.findings:
        if terraform and finding.path != path.relative_to(CORPUS).as_posix():
            assert (CORPUS / finding.path).resolve().is_relative_to(path.parent.resolve())
            continue
        assert finding.path == path.relative_to(CORPUS).as_posix()
        assert 1 <= finding.span.start_line <= line_count + 1, finding
        assert finding.span.start_col >= 1, finding
        assert finding.message and finding.fix


def test_findings_match_the_snapshot() -> None:
    files = list(discover(["."], CORPUS))
    report = check_paths([str(CORPUS)], Config(), root=CORPUS)
    assert report.files_checked == len(files)
    lines = snapshot_lines(report.findings)
    text = "".join(f"{line}\n" for line in lines)
    if UPDATE:
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
        return
    assert SNAPSHOT.is_file(), "no snapshot: run with IBLINT_UPDATE_SNAPSHOTS=1 and review it"
    expected = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    missing = sorted(set(expected) - set(lines))
    unexpected = sorted(set(lines) - set(expected))
    assert lines == expected, (
        "the corpus findings changed; if intended, regenerate with IBLINT_UPDATE_SNAPSHOTS=1 "
        f"and review the diff.\nno longer found: {missing}\nnew: {unexpected}"
    )
